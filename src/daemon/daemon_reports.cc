#include "daemon/daemon_reports.h"

#include <algorithm>

#include <fmt/format.h>

namespace cloudvip {
namespace {

std::vector<const VipStatus*> pick(const std::vector<VipStatus>& status,
                                   const std::vector<std::string>& vips) {
  std::vector<const VipStatus*> out;
  for (const VipStatus& vip : status) {
    if (std::ranges::find(vips, vip.target.name) != vips.end()) {
      out.push_back(&vip);
    }
  }
  return out;
}

std::string_view role_text(Role role) {
  return role == Role::primary ? "primary" : role == Role::standby ? "standby" : "unknown";
}

double unix_seconds(TimePoint t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

VipContext context_of(const VipStatus& vip) {
  VipContext context;
  context.vip_name = vip.target.name;
  context.address = vip.target.address;
  context.mode = VipMode::route;
  context.interface = vip.target.local ? vip.target.local->interface : "";
  context.network_interface_id = vip.target.eni;
  context.destination = vip.target.destination;
  return context;
}

LocalAddressReport local_of(const VipStatus& vip, LocalAddressOutcome held) {
  LocalAddressReport local;
  local.address = vip.target.address;
  if (vip.target.local) {
    local.interface = vip.target.local->interface;
    local.label = vip.target.local->label;
    local.outcome = held;
  }
  return local;
}

template <class Report>
ControlAnswer combine(const std::vector<Report>& reports, std::string_view command) {
  ControlAnswer answer;
  for (const Report& report : reports) {
    answer.exit_code = std::max(answer.exit_code, report.exit_code);
  }
  if (reports.size() == 1) {
    answer.json = to_json(reports.front());
  } else {
    answer.json = {
        {"command", command}, {"exit_code", answer.exit_code}, {"reports", nlohmann::json::array()}};
    for (const Report& report : reports) {
      answer.json["reports"].push_back(to_json(report));
    }
  }
  for (size_t i = 0; i < reports.size(); ++i) {
    answer.text += (i > 0 ? "\n" : "") + render_table(reports[i]);
  }
  return answer;
}

}  // namespace

ControlAnswer status_answer(const std::vector<VipStatus>& status, const std::vector<std::string>& vips,
                            TimePoint now) {
  ControlAnswer answer;
  answer.json = {{"command", "status"}, {"daemon", true}, {"vips", nlohmann::json::array()}};
  bool all_owned = true;
  for (const VipStatus* vip : pick(status, vips)) {
    bool owned = !vip->tables.empty();
    nlohmann::json tables = nlohmann::json::array();
    std::string rows;
    for (const TableKnowledge& table : vip->tables) {
      owned = owned && table.seen.ours_and_active();
      tables.push_back(
          {{"id", table.id},
           {"owner", table.known ? std::string(to_string(table.seen.owner)) : "unknown"},
           {"network_interface_id", table.seen.network_interface_id},
           {"state", table.seen.state},
           {"recent_takes", table.recent_takes},
           {"error", table.last_error ? nlohmann::json(table.last_error->to_string()) : nullptr}});
      rows += fmt::format("  {:<24} {:<22} {:<10} {:<12} {}\n", table.id,
                          table.seen.network_interface_id.empty() ? "-" : table.seen.network_interface_id,
                          table.seen.state.empty() ? "-" : table.seen.state,
                          table.known ? to_string(table.seen.owner) : "unknown",
                          table.last_error         ? "last write: " + table.last_error->to_string()
                          : table.recent_takes > 0 ? fmt::format("taken {} times lately", table.recent_takes)
                                                   : std::string());
    }
    all_owned = all_owned && owned;
    bool contested = vip->phase == VipPhase::contested;
    answer.json["vips"].push_back(
        {{"vip", vip->target.name},
         {"address", vip->target.address.to_string()},
         {"destination", vip->target.destination.to_string()},
         {"network_interface_id", vip->target.eni},
         {"source", vip->target.source},
         {"answer", role_text(vip->answer.role)},
         {"why", vip->answer.why},
         {"phase", to_string(vip->phase)},
         {"owned", owned},
         {"contested_until", contested ? nlohmann::json(unix_seconds(vip->contested_until)) : nullptr},
         {"last_observed",
          vip->last_observed == TimePoint{} ? nullptr : nlohmann::json(unix_seconds(vip->last_observed))},
         {"read_error", vip->last_read_error ? nlohmann::json(vip->last_read_error->to_string()) : nullptr},
         {"route_tables", tables}});
    std::string observed =
        vip->last_observed == TimePoint{}
            ? "never"
            : fmt::format("{} ms ago", std::chrono::duration_cast<Millis>(now - vip->last_observed).count());
    answer.text += fmt::format(
        "VIP {} ({} -> {}), cloudvip run\n  source {}: {} ({})\n  phase {}{}\n  last read {}{}\n"
        "  {:<24} {:<22} {:<10} {:<12} {}\n{}",
        vip->target.name, vip->target.destination.to_string(), vip->target.eni, vip->target.source,
        role_text(vip->answer.role), vip->answer.why, to_string(vip->phase),
        contested ? fmt::format(
                        " (no writes for {} s more)",
                        std::chrono::duration_cast<std::chrono::seconds>(vip->contested_until - now).count())
                  : "",
        observed,
        vip->last_read_error ? " (the last read failed: " + vip->last_read_error->to_string() + ")" : "",
        "ROUTE TABLE", "TARGET", "STATE", "OWNER", "NOTE", rows);
    answer.text +=
        owned ? "  this host holds the VIP\n\n" : "  this host does not hold the VIP everywhere\n\n";
  }
  answer.exit_code = all_owned ? 0 : 3;
  answer.json["exit_code"] = answer.exit_code;
  return answer;
}

ControlAnswer acquire_answer(const std::vector<VipStatus>& status, const std::vector<std::string>& vips,
                             const TickReport& tick, Millis took) {
  std::vector<AcquireReport> reports;
  for (const VipStatus* vip : pick(status, vips)) {
    AcquireReport report;
    report.context = context_of(*vip);
    bool acting = vip->phase == VipPhase::primary;
    for (const TableKnowledge& table : vip->tables) {
      RouteTableReport row{.id = table.id, .before = table.seen};
      auto write = std::ranges::find_if(tick.written, [&](const TableWrite& w) {
        return w.vip == vip->target.name && w.route_table == table.id;
      });
      if (write != tick.written.end()) {
        row.before = write->before;
        row.action = write->error    ? RouteAction::failed
                     : write->exists ? RouteAction::replaced
                                     : RouteAction::created;
        row.error = write->error;
        row.verified = Verified::skipped;
        row.note = write->error ? "" : "acknowledged by EC2; the daemon's next read confirms it";
      } else if (table.seen.ours_and_active()) {
        row.action = RouteAction::unchanged;
        row.verified = Verified::yes;
      } else {
        row.action = RouteAction::failed;
        row.note = table.last_error ? "last write: " + table.last_error->to_string() : "not written";
        row.error = table.last_error;
      }
      report.route_tables.push_back(std::move(row));
    }
    report.local_address =
        local_of(*vip, acting ? LocalAddressOutcome::present : LocalAddressOutcome::skipped);
    if (!acting) {
      report.error =
          Error(ErrorCode::unavailable,
                "the daemon does not act as primary for this VIP: " + std::string(to_string(vip->phase)) +
                    " (source " + vip->target.source + " says " + std::string(role_text(vip->answer.role)) +
                    ": " + vip->answer.why + ")");
    }
    bool ok = acting && std::ranges::all_of(report.route_tables, [](const RouteTableReport& row) {
                return row.action != RouteAction::failed;
              });
    report.exit_code = ok ? 0 : 1;
    report.timings.total = took;
    reports.push_back(std::move(report));
  }
  return combine(reports, "acquire");
}

ControlAnswer release_answer(const std::vector<VipStatus>& status, const std::vector<std::string>& vips,
                             Millis took) {
  std::vector<ReleaseReport> reports;
  for (const VipStatus* vip : pick(status, vips)) {
    ReleaseReport report;
    report.context = context_of(*vip);
    for (const TableKnowledge& table : vip->tables) {
      report.route_tables.push_back(RouteTableReport{
          .id = table.id,
          .before = table.seen,
          .action = table.seen.owner == RouteOwner::missing ? RouteAction::absent : RouteAction::left});
    }
    bool standby = vip->phase == VipPhase::standby;
    report.local_address =
        local_of(*vip, standby ? LocalAddressOutcome::absent : LocalAddressOutcome::skipped);
    if (!standby) {
      report.error = Error(
          ErrorCode::unavailable,
          "the daemon does not treat this VIP as standby: " + std::string(to_string(vip->phase)) +
              " (source " + vip->target.source + " says " + std::string(role_text(vip->answer.role)) + ")");
    }
    report.exit_code = standby ? 0 : 1;
    report.timings.total = took;
    reports.push_back(std::move(report));
  }
  return combine(reports, "release");
}

}  // namespace cloudvip
