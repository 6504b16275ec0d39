// What acquire, release and status share: who we are, where the VIP is routed, how a route is classified.
// The three commands live in acquire.cc, release.cc and status.cc.
#include "vip/engine.h"

#include <algorithm>

#include "vip/engine_internal.h"
#include "vip/route_destination.h"

namespace cloudvip {

RouteTableSelector to_cloud_selector(const RouteTablesSetting& choice) {
  RouteTableSelector selector;
  if (const auto* tables = std::get_if<ExplicitRouteTables>(&choice)) {
    selector.kind = RouteTableSelector::Kind::ids;
    selector.ids = tables->ids;
  } else if (const auto* tag = std::get_if<RouteTableTag>(&choice)) {
    selector.kind = RouteTableSelector::Kind::tag;
    selector.tag_key = tag->key;
    selector.tag_value = tag->value;
  } else {
    selector.kind = RouteTableSelector::Kind::vpc;
  }
  return selector;
}

RouteSeen classify_route(const std::optional<VipRoute>& route, const std::string& our_eni) {
  RouteSeen seen;
  if (!route) {
    return seen;
  }
  seen.network_interface_id = route->network_interface_id;
  seen.instance_id = route->instance_id;
  seen.other_target = route->other_target;
  seen.state = route->state;
  if (route->network_interface_id.empty()) {
    seen.owner = RouteOwner::other_target;
  } else {
    seen.owner = route->network_interface_id == our_eni ? RouteOwner::this_host : RouteOwner::peer;
  }
  return seen;
}

namespace engine_detail {

VipContext make_context(const VipSpec& spec, bool dry_run) {
  VipContext context;
  context.vip_name = spec.name;
  context.address = spec.address;
  context.mode = spec.mode;
  context.dry_run = dry_run;
  context.interface = spec.interface.value_or("");
  return context;
}

LocalAddressReport local_address_skeleton(const VipSpec& spec, const std::string& interface) {
  LocalAddressReport local;
  local.interface = interface;
  local.address = spec.address;
  local.label = spec.label;
  local.outcome = LocalAddressOutcome::skipped;
  return local;
}

int exit_code_for(const Error& error) {
  return error.code == ErrorCode::config ? 2 : 1;
}

std::string describe(const RouteSeen& seen) {
  switch (seen.owner) {
    case RouteOwner::missing:
      return "no route";
    case RouteOwner::this_host:
      return seen.network_interface_id + " (this host, " + seen.state + ")";
    case RouteOwner::peer:
      return seen.network_interface_id + " (peer" +
             (seen.instance_id.empty() ? std::string() : " " + seen.instance_id) + ", " + seen.state + ")";
    case RouteOwner::other_target:
      break;
  }
  std::string target = !seen.other_target.empty() ? seen.other_target : seen.instance_id;
  return (target.empty() ? std::string("another target") : target) + " (" + seen.state + ")";
}

}  // namespace engine_detail

Millis Engine::since(TimePoint start) const {
  return std::max(Millis(0), std::chrono::duration_cast<Millis>(m_clock.now() - start));
}

Result<std::string> Engine::resolve_interface(const VipSpec& spec) {
  if (spec.interface) {
    return *spec.interface;
  }
  auto interface = m_addresses.default_route_interface();
  if (!interface) {
    return fail(interface.error().wrap("finding the interface for VIP " + spec.address.to_string() +
                                       " (no `interface` configured, so the default route's is used)"));
  }
  return interface;
}

Result<Identity> Engine::resolve(const VipSpec& spec, bool need_destination, VipContext& context) {
  auto interface = resolve_interface(spec);
  if (!interface) {
    return fail(interface.error());
  }
  context.interface = *interface;
  auto mac = m_addresses.link_address(*interface);
  if (!mac) {
    return fail(mac.error().wrap("finding the MAC address of interface " + *interface));
  }
  auto identity = m_cloud.identity(*mac);
  if (!identity) {
    return fail(identity.error().wrap("asking the cloud who this host is (interface " + *interface +
                                      ", MAC " + *mac + ")"));
  }
  context.instance_id = identity->instance_id;
  context.network_interface_id = identity->network_interface_id;
  if (!need_destination) {
    return identity;
  }
  // Only a VIP inside the VPC range is routed by its subnet's CIDR, so only then are subnets needed.
  std::vector<Cidr> subnet_cidrs;
  bool in_vpc =
      std::ranges::any_of(identity->vpc_cidrs, [&](const Cidr& cidr) { return cidr.contains(spec.address); });
  if (in_vpc) {
    auto subnets = m_cloud.subnets(identity->vpc_id);
    if (!subnets) {
      return fail(subnets.error().wrap("listing the subnets of " + identity->vpc_id + " to route VIP " +
                                       spec.address.to_string()));
    }
    for (const SubnetView& subnet : *subnets) {
      subnet_cidrs.push_back(subnet.cidr);
    }
  }
  auto destination = route_destination(spec.address, identity->vpc_cidrs, subnet_cidrs);
  if (!destination) {
    return fail(destination.error());
  }
  context.destination = *destination;
  return identity;
}

}  // namespace cloudvip
