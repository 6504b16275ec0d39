#include "sim/world.h"

#include <algorithm>

#include "sim/ids.h"

namespace cloudvip::sim {
namespace {

template <class Items>
auto find_by_id(Items& items, std::string_view id) -> decltype(&items.front()) {
  auto it = std::find_if(items.begin(), items.end(), [&](const auto& item) { return item.id == id; });
  return it == items.end() ? nullptr : &*it;
}

Route local_route(const Cidr& cidr) {
  Route route;
  route.destination = cidr;
  route.local = true;
  route.target_kind = TargetKind::gateway;
  route.gateway_id = "local";
  route.origin = "CreateRouteTable";
  return route;
}

}  // namespace

Route* RouteTable::find_route(const Cidr& destination) {
  auto it = std::find_if(routes.begin(), routes.end(),
                         [&](const Route& r) { return r.destination == destination; });
  return it == routes.end() ? nullptr : &*it;
}

bool RouteTable::is_main() const {
  return std::any_of(associations.begin(), associations.end(), [](const auto& a) { return a.main; });
}

World World::from_scenario(const Scenario& scenario, TimePoint now) {
  World world;
  world.account_id = scenario.account_id;
  world.region = scenario.region;
  world.vpcs = scenario.vpcs;
  world.subnets = scenario.subnets;
  for (const InstanceSpec& spec : scenario.instances) {
    const SubnetSpec& subnet = *world.find_subnet(spec.subnet_id);
    world.instances.push_back(Instance{spec.id, spec.subnet_id, subnet.vpc_id, spec.az, spec.state,
                                       spec.iam_role, spec.instance_type, spec.image_id,
                                       derived_id("r", spec.id), now, spec.tags});
    for (const EniSpec& eni : spec.enis) {
      const SubnetSpec& eni_subnet = *world.find_subnet(eni.subnet_id);
      world.interfaces.push_back(NetworkInterface{eni.id, eni.mac, eni.subnet_id, eni_subnet.vpc_id,
                                                  eni_subnet.az, eni.private_ips, eni.source_dest_check,
                                                  eni.description, eni.tags, spec.id, eni.device_index,
                                                  derived_id("eni-attach", eni.id), now});
    }
  }
  for (const RouteTableSpec& spec : scenario.route_tables) {
    RouteTable table{spec.id, spec.vpc_id, {}, spec.tags, {}};
    if (spec.main) {
      table.associations.push_back({derived_id("rtbassoc", spec.id + " main"), "", true});
    }
    for (const std::string& subnet_id : spec.subnet_ids) {
      table.associations.push_back({derived_id("rtbassoc", spec.id + " " + subnet_id), subnet_id, false});
    }
    for (const Cidr& cidr : world.find_vpc(spec.vpc_id)->cidrs) {
      table.routes.push_back(local_route(cidr));
    }
    for (const RouteSpec& route_spec : spec.routes) {
      Route route;
      route.destination = route_spec.destination;
      route.target_kind = route_spec.target_kind;
      route.origin = "CreateRoute";
      switch (route_spec.target_kind) {
        case TargetKind::gateway:
          route.gateway_id = route_spec.target_id;
          break;
        case TargetKind::network_interface:
          route.network_interface_id = route_spec.target_id;
          break;
        case TargetKind::instance:
          route.instance_id = route_spec.target_id;
          route.network_interface_id = world.interfaces_of(route_spec.target_id).front()->id;
          break;
        case TargetKind::nat_gateway:
          route.nat_gateway_id = route_spec.target_id;
          break;
      }
      table.routes.push_back(route);
    }
    world.route_tables.push_back(std::move(table));
  }
  for (const ElasticIpSpec& spec : scenario.elastic_ips) {
    Address address{spec.allocation_id, spec.public_ip, spec.tags, "", "", Ipv4Address()};
    if (!spec.network_interface_id.empty()) {
      address.association_id = derived_id("eipassoc", spec.allocation_id);
      address.network_interface_id = spec.network_interface_id;
      address.private_ip = *spec.private_ip;
    }
    world.addresses.push_back(std::move(address));
  }
  return world;
}

VpcSpec* World::find_vpc(std::string_view id) {
  return find_by_id(vpcs, id);
}
SubnetSpec* World::find_subnet(std::string_view id) {
  return find_by_id(subnets, id);
}
RouteTable* World::find_route_table(std::string_view id) {
  return find_by_id(route_tables, id);
}
NetworkInterface* World::find_interface(std::string_view id) {
  return find_by_id(interfaces, id);
}
Instance* World::find_instance(std::string_view id) {
  return find_by_id(instances, id);
}

const VpcSpec* World::find_vpc(std::string_view id) const {
  return find_by_id(vpcs, id);
}
const SubnetSpec* World::find_subnet(std::string_view id) const {
  return find_by_id(subnets, id);
}
const NetworkInterface* World::find_interface(std::string_view id) const {
  return find_by_id(interfaces, id);
}
const Instance* World::find_instance(std::string_view id) const {
  return find_by_id(instances, id);
}

Address* World::find_address(std::string_view allocation_id) {
  auto it = std::find_if(addresses.begin(), addresses.end(),
                         [&](const Address& a) { return a.allocation_id == allocation_id; });
  return it == addresses.end() ? nullptr : &*it;
}

Address* World::find_address_by_association(std::string_view association_id) {
  auto it = std::find_if(addresses.begin(), addresses.end(), [&](const Address& a) {
    return !a.association_id.empty() && a.association_id == association_id;
  });
  return it == addresses.end() ? nullptr : &*it;
}

Address* World::find_address_by_public_ip(Ipv4Address public_ip) {
  auto it = std::find_if(addresses.begin(), addresses.end(),
                         [&](const Address& a) { return a.public_ip == public_ip; });
  return it == addresses.end() ? nullptr : &*it;
}

const Address* World::address_on(std::string_view interface_id, Ipv4Address private_ip) const {
  for (const Address& address : addresses) {
    if (!address.association_id.empty() && address.network_interface_id == interface_id &&
        address.private_ip == private_ip) {
      return &address;
    }
  }
  return nullptr;
}

NetworkInterface* World::interface_with_ip(std::string_view vpc_id, Ipv4Address private_ip) {
  for (NetworkInterface& eni : interfaces) {
    if (eni.vpc_id == vpc_id &&
        std::find(eni.private_ips.begin(), eni.private_ips.end(), private_ip) != eni.private_ips.end()) {
      return &eni;
    }
  }
  return nullptr;
}

std::vector<const NetworkInterface*> World::interfaces_of(std::string_view instance_id) const {
  std::vector<const NetworkInterface*> out;
  for (const NetworkInterface& eni : interfaces) {
    if (!eni.instance_id.empty() && eni.instance_id == instance_id) {
      out.push_back(&eni);
    }
  }
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->device_index < b->device_index; });
  return out;
}

std::vector<Cidr> World::subnet_cidrs(std::string_view vpc_id) const {
  std::vector<Cidr> out;
  for (const SubnetSpec& subnet : subnets) {
    if (subnet.vpc_id == vpc_id) {
      out.push_back(subnet.cidr);
    }
  }
  return out;
}

std::string World::route_state(const Route& route) const {
  if (route.network_interface_id.empty()) {
    return "active";
  }
  const NetworkInterface* eni = find_interface(route.network_interface_id);
  if (eni == nullptr || eni->instance_id.empty()) {
    return "blackhole";
  }
  const Instance* instance = find_instance(eni->instance_id);
  return instance != nullptr && instance->state == InstanceState::running ? "active" : "blackhole";
}

std::string World::interface_status(const NetworkInterface& eni) {
  return eni.instance_id.empty() ? "available" : "in-use";
}

std::string World::private_dns_name(Ipv4Address ip) const {
  std::string name = ip.to_string();
  std::replace(name.begin(), name.end(), '.', '-');
  return region == "us-east-1" ? "ip-" + name + ".ec2.internal"
                               : "ip-" + name + "." + region + ".compute.internal";
}

std::string World::availability_zone_id(std::string_view az) {
  // us-east-1a -> use1-az1: the region's first part, the initials of the middle parts, its number, and the
  // zone letter's position. (Real zone ids are not tied to letters; the shape is what matters here.)
  std::vector<std::string> parts;
  std::string part;
  for (char c : az.substr(0, az.size() - 1)) {
    if (c == '-') {
      parts.push_back(part);
      part.clear();
    } else {
      part += c;
    }
  }
  parts.push_back(part);
  std::string out = parts.front();
  for (size_t i = 1; i + 1 < parts.size(); ++i) {
    out += parts[i].substr(0, 1);
  }
  return out + parts.back() + "-az" + std::to_string(az.back() - 'a' + 1);
}

}  // namespace cloudvip::sim
