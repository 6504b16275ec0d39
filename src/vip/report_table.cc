// The human rendering of the reports: an aligned table, then one labelled line per companion and the
// summary.
#include <fmt/format.h>

#include <algorithm>

#include "vip/report.h"

namespace cloudvip {
namespace {

using Row = std::vector<std::string>;

// Left-aligned columns two spaces apart; no trailing spaces.
std::string align(const std::vector<Row>& rows) {
  std::vector<size_t> widths;
  for (const Row& row : rows) {
    widths.resize(std::max(widths.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  std::string out;
  for (const Row& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) {
        line += std::string(widths[i] - row[i].size() + 2, ' ');
      }
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + "\n";
  }
  return out;
}

// "eni-0a1 (this host)", "eni-0b2 (peer i-0b2)", "igw-0c3", "missing".
std::string target(const RouteSeen& seen) {
  switch (seen.owner) {
    case RouteOwner::missing:
      return "missing";
    case RouteOwner::this_host:
      return seen.network_interface_id + " (this host)";
    case RouteOwner::peer:
      return seen.network_interface_id + " (peer" +
             (seen.instance_id.empty() ? std::string() : " " + seen.instance_id) + ")";
    case RouteOwner::other_target:
      break;
  }
  std::string other = !seen.other_target.empty() ? seen.other_target : seen.instance_id;
  return other.empty() ? std::string("other target") : other;
}

// The target and, when there is a route, its state: "eni-0b2 (peer i-0b2) active".
std::string route_cell(const RouteSeen& seen) {
  return seen.owner == RouteOwner::missing ? target(seen) : target(seen) + " " + seen.state;
}

std::string error_text(const Error& error) {
  std::string text = error.aws_code.empty() ? error.message : error.aws_code + ": " + error.aws_message;
  if (!error.request_id.empty()) {
    text += " (request id " + error.request_id + ")";
  }
  return text;
}

std::string note_cell(const RouteTableReport& table) {
  std::string note = table.note;
  if (table.error) {
    note += (note.empty() ? "" : "; ") + error_text(*table.error);
  }
  return note;
}

std::string yes_no(bool value) {
  return value ? "yes" : "no";
}

std::string header(std::string_view command, const VipContext& context) {
  std::string out = fmt::format("{} {}", command, context.address.to_string());
  if (!context.vip_name.empty() && context.vip_name != context.address.to_string()) {
    out += " (" + context.vip_name + ")";
  }
  if (context.destination) {
    out += ", route " + context.destination->to_string();
  }
  if (!context.instance_id.empty()) {
    out += ", this host " + context.instance_id + " " + context.network_interface_id;
  }
  if (!context.interface.empty()) {
    out += " on " + context.interface;
  }
  if (context.dry_run) {
    out += " (dry run: nothing changed)";
  }
  return out + "\n";
}

std::string local_line(const LocalAddressReport& local) {
  std::string where = local.address.to_string() + "/32";
  if (!local.interface.empty()) {
    where += " on " + local.interface;
  }
  if (local.label) {
    where += " (label " + *local.label + ")";
  }
  return fmt::format("local address  {}: {}{}\n", where, to_string(local.outcome),
                     local.error ? " - " + local.error->to_string() : "");
}

std::string eip_line(const ElasticIpReport& eip, bool status) {
  if (eip.outcome == ElasticIpOutcome::not_configured) {
    return "elastic ip     not configured\n";
  }
  std::string line = "elastic ip     " + eip.allocation_id;
  if (!eip.public_ip.empty()) {
    line += " (" + eip.public_ip + ")";
  }
  line += ": " + std::string(to_string(eip.outcome));
  if (!eip.network_interface_id.empty() && eip.outcome != ElasticIpOutcome::ours) {
    line += (status ? ", on " : ", was on ") + eip.network_interface_id +
            (eip.instance_id.empty() ? "" : " " + eip.instance_id);
  }
  if (eip.error) {
    line += " - " + eip.error->to_string();
  }
  return line + "\n";
}

std::string secondary_line(const std::optional<SecondaryIpReport>& secondary) {
  if (!secondary) {
    return "";
  }
  std::string line = "secondary ip   " + std::string(to_string(secondary->outcome));
  if (!secondary->note.empty()) {
    line += " (" + secondary->note + ")";
  }
  if (secondary->error) {
    line += " - " + secondary->error->to_string();
  }
  return line + "\n";
}

std::string timings_line(const Timings& t, bool status = false) {
  if (status) {
    return fmt::format("timings        identity {} ms, read {} ms, total {} ms\n", t.identity.count(),
                       t.read.count(), t.total.count());
  }
  return fmt::format("timings        identity {} ms, read {} ms, apply {} ms, verify {} ms, total {} ms\n",
                     t.identity.count(), t.read.count(), t.apply.count(), t.verify.count(), t.total.count());
}

std::string error_line(const std::optional<Error>& error) {
  return error ? "error          " + error->to_string() + "\n" : "";
}

}  // namespace

std::string render_table(const AcquireReport& report) {
  std::string out = header("acquire", report.context);
  if (report.context.mode == VipMode::route && !report.route_tables.empty()) {
    std::vector<Row> rows{{"ROUTE TABLE", "MAIN", "BEFORE", "ACTION", "AFTER/VERIFIED", "NOTE"}};
    for (const RouteTableReport& table : report.route_tables) {
      std::string after(to_string(table.verified));
      if (table.after) {
        after = route_cell(*table.after) + ": " + after;
      }
      rows.push_back({table.id, yes_no(table.main), route_cell(table.before),
                      std::string(to_string(table.action)), after, note_cell(table)});
    }
    out += align(rows);
  }
  out += secondary_line(report.secondary_ip);
  out += local_line(report.local_address);
  out += eip_line(report.elastic_ip, false);
  out += timings_line(report.timings);
  out += error_line(report.error);
  return out + summary(report) + "\n";
}

std::string render_table(const ReleaseReport& report) {
  std::string out = header("release", report.context);
  if (!report.route_tables.empty()) {
    std::vector<Row> rows{{"ROUTE TABLE", "MAIN", "BEFORE", "ACTION", "NOTE"}};
    for (const RouteTableReport& table : report.route_tables) {
      rows.push_back({table.id, yes_no(table.main), route_cell(table.before),
                      std::string(to_string(table.action)), note_cell(table)});
    }
    out += align(rows);
  }
  out += local_line(report.local_address);
  out += timings_line(report.timings);
  out += error_line(report.error);
  return out + summary(report) + "\n";
}

std::string render_table(const StatusReport& report) {
  std::string out = header("status", report.context);
  if (!report.route_tables.empty()) {
    std::vector<Row> rows{{"ROUTE TABLE", "MAIN", "TARGET", "STATE", "OWNER", "NOTE"}};
    for (const RouteTableReport& table : report.route_tables) {
      const RouteSeen& seen = table.before;
      std::string owner(to_string(seen.owner));
      if (seen.owner == RouteOwner::peer && !seen.instance_id.empty()) {
        owner += " " + seen.instance_id;
      }
      std::string route_target = seen.owner == RouteOwner::missing ? "-" : target(seen);
      if (seen.owner == RouteOwner::this_host || seen.owner == RouteOwner::peer) {
        route_target = seen.network_interface_id;
      }
      rows.push_back({table.id, yes_no(table.main), route_target, seen.state.empty() ? "-" : seen.state,
                      owner, note_cell(table)});
    }
    out += align(rows);
  }
  out += secondary_line(report.secondary_ip);
  out += local_line(report.local_address);
  out += eip_line(report.elastic_ip, true);
  out += timings_line(report.timings, true);
  out += error_line(report.error);
  return out + summary(report) + "\n";
}

}  // namespace cloudvip
