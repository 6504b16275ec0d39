#include "daemon/vip_target.h"

#include <algorithm>

#include "vip/route_destination.h"

namespace cloudvip {
namespace {

std::string_view source_name(const std::optional<LeaderSettings>& leader) {
  switch (leader ? leader->source : LeaderSourceKind::trigger) {
    case LeaderSourceKind::patroni:
      return "patroni";
    case LeaderSourceKind::etcd:
      return "etcd";
    case LeaderSourceKind::iris:
      return "iris";
    case LeaderSourceKind::command:
      return "command";
    case LeaderSourceKind::trigger:
      break;
  }
  return "trigger";
}

}  // namespace

Result<ResolvedVip> resolve_vip(const VipSpec& spec, Cloud& cloud, AddressTable& addresses) {
  const std::string what = "vip " + spec.name;
  if (spec.mode != VipMode::route) {
    return fail(ErrorCode::config, what + ": mode = \"" + std::string(to_string(spec.mode)) +
                                       "\" is not followed by `cloudvip run` (it follows route-mode VIPs); "
                                       "call `cloudvip acquire` from the cluster manager's hook for it");
  }
  ResolvedVip out;
  VipTarget& target = out.target;
  target.name = spec.name;
  target.address = spec.address;
  target.tables = spec.route_tables.value_or(WholeVpcRouteTables{});
  target.hold_down = spec.leader ? spec.leader->hold_down : Millis(0);
  target.source = std::string(source_name(spec.leader));
  std::string mac;  // "": the instance's primary interface
  if (spec.local_address || spec.interface) {
    std::string interface;
    if (spec.interface) {
      interface = *spec.interface;
    } else {
      Result<std::string> found = addresses.default_route_interface();
      if (!found) {
        return fail(found.error().wrap(what + ": finding the interface for " + spec.address.to_string() +
                                       " (no `interface` configured, so the default route's is used)"));
      }
      interface = *found;
    }
    Result<std::string> link = addresses.link_address(interface);
    if (!link) {
      return fail(link.error().wrap(what + ": finding the MAC address of interface " + interface));
    }
    mac = *link;
    if (spec.local_address) {
      target.local = AddressSpec{interface, spec.address, 32, spec.label};
    }
  }
  Result<Identity> identity = cloud.identity(mac);
  if (!identity) {
    return fail(identity.error().wrap(what + ": asking the cloud who this host is" +
                                      (mac.empty() ? std::string() : " (MAC " + mac + ")")));
  }
  target.eni = identity->network_interface_id;
  std::vector<Cidr> subnet_cidrs;
  bool in_vpc =
      std::ranges::any_of(identity->vpc_cidrs, [&](const Cidr& cidr) { return cidr.contains(spec.address); });
  if (in_vpc) {
    Result<std::vector<SubnetView>> subnets = cloud.subnets(identity->vpc_id);
    if (!subnets) {
      return fail(subnets.error().wrap(what + ": listing the subnets of " + identity->vpc_id));
    }
    for (const SubnetView& subnet : *subnets) {
      subnet_cidrs.push_back(subnet.cidr);
    }
  }
  Result<Cidr> destination = route_destination(spec.address, identity->vpc_cidrs, subnet_cidrs);
  if (!destination) {
    return fail(destination.error().wrap(what));
  }
  target.destination = destination->canonical();
  out.identity = std::move(*identity);
  return out;
}

}  // namespace cloudvip
