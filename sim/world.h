// The emulated VPC's state: what a scenario declares plus what actions change (routes, attachments,
// instance states, addresses, attributes). Plain data with lookups; not thread-safe (the Model guards
// it). Derived facts (a route's state, an ENI's status) are computed on read, never stored.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/cidr.h"
#include "common/clock.h"
#include "sim/scenario.h"

namespace cloudvip::sim {

struct Route {
  Cidr destination;  // canonical
  bool local = false;
  TargetKind target_kind = TargetKind::gateway;
  std::string gateway_id;            // "local" for local routes, igw-/vgw- otherwise
  std::string network_interface_id;  // for ENI and instance targets (an instance resolves to its ENI)
  std::string instance_id;           // set when the route was made with InstanceId
  std::string nat_gateway_id;
  std::string origin;  // "CreateRouteTable" (local routes, scenario routes) or "CreateRoute"
};

struct RouteTableAssociation {
  std::string id;         // rtbassoc-...
  std::string subnet_id;  // empty for the main association
  bool main = false;
};

struct RouteTable {
  std::string id;
  std::string vpc_id;
  std::vector<RouteTableAssociation> associations;
  Tags tags;
  std::vector<Route> routes;  // local routes first, then in creation order

  Route* find_route(const Cidr& destination);
  bool is_main() const;
};

struct NetworkInterface {
  std::string id;
  std::string mac;
  std::string subnet_id;
  std::string vpc_id;
  std::string az;
  std::vector<Ipv4Address> private_ips;  // the first is the primary
  bool source_dest_check = true;
  std::string description;
  Tags tags;
  // Attachment; instance_id empty while detached.
  std::string instance_id;
  int device_index = 0;
  std::string attachment_id;
  TimePoint attach_time;
};

struct Instance {
  std::string id;
  std::string subnet_id;
  std::string vpc_id;
  std::string az;
  InstanceState state = InstanceState::running;
  std::string iam_role;
  std::string instance_type;
  std::string image_id;
  std::string reservation_id;
  TimePoint launch_time;
  Tags tags;
};

struct Address {
  std::string allocation_id;
  Ipv4Address public_ip;
  Tags tags;
  // Association; association_id empty while unassociated.
  std::string association_id;
  std::string network_interface_id;
  Ipv4Address private_ip;
};

struct World {
  std::string account_id;
  std::string region;
  std::vector<VpcSpec> vpcs;
  std::vector<SubnetSpec> subnets;
  std::vector<RouteTable> route_tables;
  std::vector<NetworkInterface> interfaces;
  std::vector<Instance> instances;
  std::vector<Address> addresses;
  unsigned long association_counter = 0;  // makes new association ids unique

  // Builds the start state; every route table gets its local routes. `now` stamps launch/attach times.
  static World from_scenario(const Scenario& scenario, TimePoint now);

  VpcSpec* find_vpc(std::string_view id);
  SubnetSpec* find_subnet(std::string_view id);
  RouteTable* find_route_table(std::string_view id);
  NetworkInterface* find_interface(std::string_view id);
  Instance* find_instance(std::string_view id);
  const VpcSpec* find_vpc(std::string_view id) const;
  const SubnetSpec* find_subnet(std::string_view id) const;
  const NetworkInterface* find_interface(std::string_view id) const;
  const Instance* find_instance(std::string_view id) const;
  Address* find_address(std::string_view allocation_id);
  Address* find_address_by_association(std::string_view association_id);
  Address* find_address_by_public_ip(Ipv4Address public_ip);
  // The Elastic IP associated with `private_ip` of `interface_id`, if any.
  const Address* address_on(std::string_view interface_id, Ipv4Address private_ip) const;
  // The ENI holding `private_ip` in `vpc_id`, if any.
  NetworkInterface* interface_with_ip(std::string_view vpc_id, Ipv4Address private_ip);

  // The instance's attached ENIs ordered by device index.
  std::vector<const NetworkInterface*> interfaces_of(std::string_view instance_id) const;
  std::vector<Cidr> subnet_cidrs(std::string_view vpc_id) const;

  // "active", or "blackhole" while the target ENI is detached or its instance is not running.
  std::string route_state(const Route& route) const;
  // "in-use" when attached, "available" otherwise.
  static std::string interface_status(const NetworkInterface& eni);
  // ip-10-0-0-1.ec2.internal (us-east-1) or ip-10-0-0-1.REGION.compute.internal.
  std::string private_dns_name(Ipv4Address ip) const;
  // "use1-az1" for us-east-1a: the region's initials and the zone letter's position.
  static std::string availability_zone_id(std::string_view az);
};

}  // namespace cloudvip::sim
