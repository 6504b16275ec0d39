// Names, summaries and JSON of the reports. The human table is in report_table.cc.
#include "vip/report.h"

#include <fmt/format.h>

#include <algorithm>

namespace cloudvip {
namespace {

using nlohmann::json;

json to_json(const std::optional<Error>& error) {
  if (!error) {
    return nullptr;
  }
  return json{{"code", to_string(error->code)},  {"message", error->to_string()},
              {"aws_code", error->aws_code},     {"aws_message", error->aws_message},
              {"request_id", error->request_id}, {"http_status", error->http_status}};
}

json to_json(const RouteSeen& seen) {
  return json{{"owner", to_string(seen.owner)},
              {"network_interface_id", seen.network_interface_id},
              {"instance_id", seen.instance_id},
              {"other_target", seen.other_target},
              {"state", seen.state}};
}

json to_json(const RouteTableReport& table, std::string_view command) {
  json out{{"id", table.id}, {"main", table.main}};
  if (command == "status") {
    out["route"] = to_json(table.before);
  } else {
    out["before"] = to_json(table.before);
    if (command == "acquire") {
      out["written_first"] = table.written_first;
    }
    out["action"] = to_string(table.action);
    out["after"] = table.after ? to_json(*table.after) : json(nullptr);
    out["verified"] = to_string(table.verified);
  }
  out["error"] = to_json(table.error);
  out["note"] = table.note;
  return out;
}

json to_json(const LocalAddressReport& local) {
  return json{{"interface", local.interface},
              {"address", local.address.to_string()},
              {"label", local.label ? json(*local.label) : json(nullptr)},
              {"outcome", to_string(local.outcome)},
              {"error", to_json(local.error)}};
}

json to_json(const ElasticIpReport& eip) {
  return json{{"allocation_id", eip.allocation_id},
              {"public_ip", eip.public_ip},
              {"network_interface_id", eip.network_interface_id},
              {"instance_id", eip.instance_id},
              {"outcome", to_string(eip.outcome)},
              {"error", to_json(eip.error)}};
}

json to_json(const std::optional<SecondaryIpReport>& secondary) {
  if (!secondary) {
    return nullptr;
  }
  return json{{"outcome", to_string(secondary->outcome)},
              {"error", to_json(secondary->error)},
              {"note", secondary->note}};
}

json to_json(const Timings& t) {
  return json{{"identity", t.identity.count()},
              {"read", t.read.count()},
              {"apply", t.apply.count()},
              {"verify", t.verify.count()},
              {"total", t.total.count()}};
}

// The keys every report has.
json common_json(std::string_view command, const VipContext& context,
                 const std::vector<RouteTableReport>& tables, const LocalAddressReport& local,
                 const Timings& timings, const std::optional<Error>& error, int exit_code,
                 std::string summary_line) {
  json route_tables = json::array();
  for (const RouteTableReport& table : tables) {
    route_tables.push_back(to_json(table, command));
  }
  return json{{"command", command},
              {"vip", context.vip_name},
              {"address", context.address.to_string()},
              {"mode", to_string(context.mode)},
              {"dry_run", context.dry_run},
              {"interface", context.interface},
              {"instance_id", context.instance_id},
              {"network_interface_id", context.network_interface_id},
              {"destination", context.destination ? json(context.destination->to_string()) : json(nullptr)},
              {"route_tables", std::move(route_tables)},
              {"local_address", to_json(local)},
              {"error", to_json(error)},
              {"exit_code", exit_code},
              {"summary", std::move(summary_line)},
              {"timings_ms", to_json(timings)}};
}

size_t count_tables(const std::vector<RouteTableReport>& tables, auto predicate) {
  return static_cast<size_t>(std::ranges::count_if(tables, predicate));
}

std::string plural(size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

// ", local address failed", ... for the parts other than route tables that did not work.
std::string side_failures(const LocalAddressReport& local, const ElasticIpReport* eip,
                          const std::optional<SecondaryIpReport>& secondary) {
  std::string out;
  if (local.outcome == LocalAddressOutcome::failed) {
    out += ", local address failed";
  }
  if (eip && eip->outcome == ElasticIpOutcome::failed) {
    out += ", Elastic IP failed";
  }
  if (secondary && secondary->outcome == SecondaryIpOutcome::failed) {
    out += ", secondary IP failed";
  }
  return out;
}

}  // namespace

std::string_view to_string(RouteOwner owner) {
  switch (owner) {
    case RouteOwner::this_host:
      return "this-host";
    case RouteOwner::peer:
      return "peer";
    case RouteOwner::missing:
      return "missing";
    case RouteOwner::other_target:
      return "other-target";
  }
  return "unknown";
}

std::string_view to_string(RouteAction action) {
  switch (action) {
    case RouteAction::unchanged:
      return "unchanged";
    case RouteAction::replaced:
      return "replaced";
    case RouteAction::created:
      return "created";
    case RouteAction::would_change:
      return "would-change";
    case RouteAction::failed:
      return "failed";
    case RouteAction::deleted:
      return "deleted";
    case RouteAction::would_delete:
      return "would-delete";
    case RouteAction::left:
      return "left";
    case RouteAction::absent:
      return "absent";
  }
  return "unknown";
}

std::string_view to_string(Verified verified) {
  switch (verified) {
    case Verified::yes:
      return "yes";
    case Verified::no:
      return "no";
    case Verified::skipped:
      return "skipped";
  }
  return "unknown";
}

std::string_view to_string(LocalAddressOutcome outcome) {
  switch (outcome) {
    case LocalAddressOutcome::added:
      return "added";
    case LocalAddressOutcome::present:
      return "present";
    case LocalAddressOutcome::removed:
      return "removed";
    case LocalAddressOutcome::absent:
      return "absent";
    case LocalAddressOutcome::would_add:
      return "would-add";
    case LocalAddressOutcome::would_remove:
      return "would-remove";
    case LocalAddressOutcome::skipped:
      return "skipped";
    case LocalAddressOutcome::failed:
      return "failed";
  }
  return "unknown";
}

std::string_view to_string(ElasticIpOutcome outcome) {
  switch (outcome) {
    case ElasticIpOutcome::not_configured:
      return "not-configured";
    case ElasticIpOutcome::ours:
      return "ours";
    case ElasticIpOutcome::associated:
      return "associated";
    case ElasticIpOutcome::would_associate:
      return "would-associate";
    case ElasticIpOutcome::elsewhere:
      return "elsewhere";
    case ElasticIpOutcome::unassociated:
      return "unassociated";
    case ElasticIpOutcome::failed:
      return "failed";
  }
  return "unknown";
}

std::string_view to_string(SecondaryIpOutcome outcome) {
  switch (outcome) {
    case SecondaryIpOutcome::assigned:
      return "assigned";
    case SecondaryIpOutcome::would_assign:
      return "would-assign";
    case SecondaryIpOutcome::ours:
      return "ours";
    case SecondaryIpOutcome::not_ours:
      return "not-ours";
    case SecondaryIpOutcome::failed:
      return "failed";
  }
  return "unknown";
}

std::string summary(const AcquireReport& report) {
  std::string vip = report.context.address.to_string();
  if (report.error) {
    return "FAILED to acquire " + vip + ": " + report.error->to_string();
  }
  const auto& tables = report.route_tables;
  size_t failed = count_tables(tables, [](const auto& t) { return t.action == RouteAction::failed; });
  size_t unverified = count_tables(tables, [](const auto& t) { return t.verified == Verified::no; });
  size_t unchanged = count_tables(tables, [](const auto& t) { return t.action == RouteAction::unchanged; });
  std::string sides = side_failures(report.local_address, &report.elastic_ip, report.secondary_ip);
  std::string took = fmt::format("{} ms", report.timings.total.count());
  if (report.exit_code != 0) {
    std::string what = fmt::format("{} of {} failed", failed, plural(tables.size(), "route table"));
    if (unverified > 0) {
      what += fmt::format(", {} not verified", unverified);
    }
    return "FAILED to acquire " + vip + ": " + what + sides + " (" + took + ")";
  }
  if (report.secondary_ip) {
    return fmt::format("{} {}: secondary IP of {} (this host): {} ({})",
                       report.context.dry_run ? "dry run for" : "acquired", vip,
                       report.context.network_interface_id, to_string(report.secondary_ip->outcome), took);
  }
  std::string where = fmt::format("{} -> {} (this host)", plural(tables.size(), "route table"),
                                  report.context.network_interface_id);
  if (report.context.dry_run) {
    return fmt::format("dry run for {}: allowed; {} would change, {} already right ({})", vip,
                       plural(tables.size() - unchanged, "route table"), unchanged, took);
  }
  bool any_unverified =
      std::ranges::any_of(tables, [](const auto& t) { return t.verified != Verified::yes; });
  return fmt::format("acquired {}: {}, {} changed, {}, {}", vip, where, tables.size() - unchanged,
                     any_unverified ? "not verified" : "verified", took);
}

std::string summary(const ReleaseReport& report) {
  std::string vip = report.context.address.to_string();
  if (report.error) {
    return "FAILED to release " + vip + ": " + report.error->to_string();
  }
  const auto& tables = report.route_tables;
  size_t failed = count_tables(tables, [](const auto& t) { return t.action == RouteAction::failed; });
  std::string out =
      (report.exit_code == 0 ? (report.context.dry_run ? "dry run for release of " : "released ")
                             : "FAILED to release ") +
      vip + ": local address " + std::string(to_string(report.local_address.outcome));
  if (report.delete_routes) {
    size_t deleted = count_tables(tables, [](const auto& t) {
      return t.action == RouteAction::deleted || t.action == RouteAction::would_delete;
    });
    size_t left = count_tables(tables, [](const auto& t) { return t.action == RouteAction::left; });
    out += fmt::format("; routes: {} {}, {} left to others", deleted,
                       report.context.dry_run ? "would be deleted" : "deleted", left);
    if (failed > 0) {
      out += fmt::format(", {} failed", failed);
    }
  }
  return out;
}

std::string summary(const StatusReport& report) {
  std::string vip = report.context.address.to_string();
  if (report.error) {
    return "cannot tell who holds " + vip + ": " + report.error->to_string();
  }
  if (report.owned) {
    return vip + " is held by this host (" + report.context.instance_id + ")";
  }
  std::string out = vip + " is NOT held by this host";
  if (report.exit_code == 1) {
    out = "cannot fully tell who holds " + vip;
  }
  const auto& tables = report.route_tables;
  size_t elsewhere = count_tables(tables, [](const auto& t) { return !t.before.ours_and_active(); });
  std::vector<std::string> reasons;
  if (elsewhere > 0) {
    reasons.push_back(
        fmt::format("{} of {} not to this host", elsewhere, plural(tables.size(), "route table")));
  }
  if (report.context.mode == VipMode::route && tables.empty()) {
    reasons.emplace_back("no route table selected");
  }
  if (report.local_address.outcome != LocalAddressOutcome::present &&
      report.local_address.outcome != LocalAddressOutcome::skipped) {
    reasons.push_back("local address " + std::string(to_string(report.local_address.outcome)));
  }
  if (report.elastic_ip.outcome != ElasticIpOutcome::not_configured &&
      report.elastic_ip.outcome != ElasticIpOutcome::ours) {
    reasons.push_back("Elastic IP " + std::string(to_string(report.elastic_ip.outcome)));
  }
  if (report.secondary_ip && report.secondary_ip->outcome != SecondaryIpOutcome::ours) {
    reasons.push_back("secondary IP " + std::string(to_string(report.secondary_ip->outcome)));
  }
  for (size_t i = 0; i < reasons.size(); ++i) {
    out += (i == 0 ? ": " : ", ") + reasons[i];
  }
  return out;
}

nlohmann::json to_json(const AcquireReport& report) {
  json out = common_json("acquire", report.context, report.route_tables, report.local_address, report.timings,
                         report.error, report.exit_code, summary(report));
  out["elastic_ip"] = to_json(report.elastic_ip);
  out["secondary_ip"] = to_json(report.secondary_ip);
  return out;
}

nlohmann::json to_json(const ReleaseReport& report) {
  json out = common_json("release", report.context, report.route_tables, report.local_address, report.timings,
                         report.error, report.exit_code, summary(report));
  out["delete_routes"] = report.delete_routes;
  return out;
}

nlohmann::json to_json(const StatusReport& report) {
  json out = common_json("status", report.context, report.route_tables, report.local_address, report.timings,
                         report.error, report.exit_code, summary(report));
  out["elastic_ip"] = to_json(report.elastic_ip);
  out["secondary_ip"] = to_json(report.secondary_ip);
  out["owned"] = report.owned;
  return out;
}

}  // namespace cloudvip
