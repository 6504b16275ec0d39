// Engine::release: the VIP off the local interface first (it needs no cloud), then, with delete_routes,
// one read and one delete_routes call for the routes that point at this host, never the peer's.
#include "vip/engine.h"
#include "vip/engine_internal.h"

namespace cloudvip {
namespace {

using namespace engine_detail;

int release_exit_code(const ReleaseReport& report) {
  if (report.error) {
    return exit_code_for(*report.error);
  }
  bool failed = report.local_address.outcome == LocalAddressOutcome::failed ||
                std::ranges::any_of(report.route_tables, [](const RouteTableReport& t) {
                  return t.action == RouteAction::failed;
                });
  return failed ? 1 : 0;
}

}  // namespace

ReleaseReport Engine::release(const VipSpec& spec, const ReleaseOptions& options) {
  TimePoint start_time = m_clock.now();
  ReleaseReport report;
  report.context = make_context(spec, options.dry_run);
  report.delete_routes = options.delete_routes;
  report.local_address = local_address_skeleton(spec, report.context.interface);

  if (spec.local_address) {
    auto interface = resolve_interface(spec);
    if (!interface) {
      report.local_address.outcome = LocalAddressOutcome::failed;
      report.local_address.error = interface.error();
    } else {
      report.context.interface = *interface;
      report.local_address.interface = *interface;
      AddressSpec address{*interface, spec.address, 32, spec.label};
      auto done = options.dry_run ? m_addresses.has(*interface, spec.address) : m_addresses.remove(address);
      if (!done) {
        report.local_address.outcome = LocalAddressOutcome::failed;
        report.local_address.error = done.error();
      } else if (options.dry_run) {
        report.local_address.outcome =
            *done ? LocalAddressOutcome::would_remove : LocalAddressOutcome::absent;
      } else {
        report.local_address.outcome = *done ? LocalAddressOutcome::removed : LocalAddressOutcome::absent;
      }
    }
  }

  if (options.delete_routes && spec.mode == VipMode::route) {
    TimePoint identity_start = m_clock.now();
    auto identity = resolve(spec, true, report.context);
    report.timings.identity = since(identity_start);
    if (identity) {
      delete_our_routes(spec, *identity, options.dry_run, report);
    } else {
      report.error = identity.error();
    }
  }
  report.timings.total = since(start_time);
  report.exit_code = release_exit_code(report);
  if (report.exit_code == 0) {
    m_log.info("{}", summary(report));
  } else {
    m_log.warn("{}", summary(report));
  }
  return report;
}

void Engine::delete_our_routes(const VipSpec& spec, const Identity& identity, bool dry_run,
                               ReleaseReport& report) {
  TimePoint read_start = m_clock.now();
  auto tables = m_cloud.route_tables(to_cloud_selector(spec.route_tables.value_or(WholeVpcRouteTables{})),
                                     identity.vpc_id, *report.context.destination);
  report.timings.read = since(read_start);
  if (!tables) {
    report.error = tables.error().wrap("reading the route tables of " + identity.vpc_id);
    return;
  }
  std::vector<RouteChange> ours;
  std::vector<size_t> rows;
  for (const RouteTableView& view : *tables) {
    RouteTableReport row{.id = view.id,
                         .main = view.main,
                         .before = classify_route(view.route, identity.network_interface_id)};
    if (row.before.owner == RouteOwner::this_host) {
      ours.push_back(RouteChange{view.id, *report.context.destination, identity.network_interface_id, true});
      rows.push_back(report.route_tables.size());
    } else if (row.before.owner == RouteOwner::missing) {
      row.action = RouteAction::absent;
    } else {
      row.action = RouteAction::left;
      row.note = "left: points to " + describe(row.before);
    }
    report.route_tables.push_back(std::move(row));
  }
  if (ours.empty()) {
    return;
  }
  TimePoint apply_start = m_clock.now();
  std::vector<Result<Applied>> results = m_cloud.delete_routes(ours, dry_run);
  report.timings.apply = since(apply_start);
  for (size_t i = 0; i < ours.size(); ++i) {
    RouteTableReport& row = report.route_tables[rows[i]];
    if (i >= results.size()) {
      row.action = RouteAction::failed;
      row.error = Error(ErrorCode::internal, "the cloud returned no result for this route table");
    } else if (!results[i]) {
      row.action = RouteAction::failed;
      row.error = results[i].error();
    } else {
      row.action = *results[i] == Applied::changed ? RouteAction::deleted : RouteAction::would_delete;
    }
  }
}

}  // namespace cloudvip
