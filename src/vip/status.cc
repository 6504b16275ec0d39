// Engine::status: reads only. Owned means every selected table routes the VIP to our ENI (active), the VIP
// is on the interface (unless something else manages it) and the Elastic IP, if any, is ours.
#include <algorithm>

#include "vip/engine.h"
#include "vip/engine_internal.h"

namespace cloudvip {
namespace {

using namespace engine_detail;

bool owns_everything(const StatusReport& report) {
  bool routes = report.context.mode != VipMode::route ||
                (!report.route_tables.empty() &&
                 std::ranges::all_of(report.route_tables,
                                     [](const RouteTableReport& t) { return t.before.ours_and_active(); }));
  bool secondary = !report.secondary_ip || report.secondary_ip->outcome == SecondaryIpOutcome::ours;
  bool local = report.local_address.outcome == LocalAddressOutcome::skipped ||
               report.local_address.outcome == LocalAddressOutcome::present;
  bool eip = report.elastic_ip.outcome == ElasticIpOutcome::not_configured ||
             report.elastic_ip.outcome == ElasticIpOutcome::ours;
  return routes && secondary && local && eip;
}

}  // namespace

StatusReport Engine::status(const VipSpec& spec) {
  TimePoint start_time = m_clock.now();
  StatusReport report;
  report.context = make_context(spec, false);
  report.elastic_ip.allocation_id = spec.elastic_ip.value_or("");
  auto identity = resolve(spec, spec.mode == VipMode::route, report.context);
  report.timings.identity = since(start_time);
  report.local_address = local_address_skeleton(spec, report.context.interface);
  if (spec.local_address && !report.context.interface.empty()) {
    auto present = m_addresses.has(report.context.interface, spec.address);
    if (!present) {
      report.local_address.outcome = LocalAddressOutcome::failed;
      report.local_address.error = present.error();
    } else {
      report.local_address.outcome = *present ? LocalAddressOutcome::present : LocalAddressOutcome::absent;
    }
  }
  if (!identity) {
    report.error = identity.error();
  } else if (spec.mode == VipMode::route) {
    TimePoint read_start = m_clock.now();
    auto tables = m_cloud.route_tables(to_cloud_selector(spec.route_tables.value_or(WholeVpcRouteTables{})),
                                       identity->vpc_id, *report.context.destination);
    report.timings.read = since(read_start);
    if (!tables) {
      report.error = tables.error().wrap("reading the route tables of " + identity->vpc_id);
    } else {
      for (const RouteTableView& view : *tables) {
        RouteTableReport row{.id = view.id,
                             .main = view.main,
                             .before = classify_route(view.route, identity->network_interface_id)};
        if (row.before.owner == RouteOwner::this_host && !row.before.ours_and_active()) {
          row.note = "not active: acquire re-points it";
        }
        report.route_tables.push_back(std::move(row));
      }
    }
  } else {
    // The identity's private IPs may come from the boot-id cache, so they can lag a move by the peer.
    bool ours = std::ranges::find(identity->private_ips, spec.address) != identity->private_ips.end();
    report.secondary_ip =
        SecondaryIpReport{.outcome = ours ? SecondaryIpOutcome::ours : SecondaryIpOutcome::not_ours,
                          .note = "as the instance metadata lists the ENI's private IPs"};
  }
  if (identity && spec.elastic_ip) {
    auto eip = m_cloud.elastic_ip(*spec.elastic_ip);
    if (!eip) {
      report.elastic_ip.outcome = ElasticIpOutcome::failed;
      report.elastic_ip.error = eip.error();
    } else {
      report.elastic_ip.public_ip = eip->public_ip;
      report.elastic_ip.network_interface_id = eip->network_interface_id;
      report.elastic_ip.instance_id = eip->instance_id;
      if (eip->network_interface_id.empty()) {
        report.elastic_ip.outcome = ElasticIpOutcome::unassociated;
      } else {
        report.elastic_ip.outcome = eip->network_interface_id == identity->network_interface_id
                                        ? ElasticIpOutcome::ours
                                        : ElasticIpOutcome::elsewhere;
      }
    }
  }
  report.owned = !report.error && owns_everything(report);
  bool read_failed = report.local_address.outcome == LocalAddressOutcome::failed ||
                     report.elastic_ip.outcome == ElasticIpOutcome::failed;
  if (report.error) {
    report.exit_code = exit_code_for(*report.error);
  } else if (read_failed) {
    report.exit_code = 1;
  } else {
    report.exit_code = report.owned ? 0 : 3;
  }
  report.timings.total = since(start_time);
  m_log.debug("{}", summary(report));
  return report;
}

}  // namespace cloudvip
