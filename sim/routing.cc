#include "sim/routing.h"

#include <algorithm>

#include "sim/ids.h"

namespace cloudvip::sim {

std::string_view target_parameter(TargetKind kind) {
  switch (kind) {
    case TargetKind::gateway:
      return "GatewayId";
    case TargetKind::network_interface:
      return "NetworkInterfaceId";
    case TargetKind::instance:
      return "InstanceId";
    case TargetKind::nat_gateway:
      return "NatGatewayId";
  }
  return "GatewayId";
}

bool is_target_id(TargetKind kind, std::string_view id) {
  switch (kind) {
    case TargetKind::gateway:
      return is_resource_id(id, "igw") || is_resource_id(id, "vgw");
    case TargetKind::network_interface:
      return is_resource_id(id, "eni");
    case TargetKind::instance:
      return is_resource_id(id, "i");
    case TargetKind::nat_gateway:
      return is_resource_id(id, "nat");
  }
  return false;
}

Cidr reserved_link_local_block() {
  return Cidr(Ipv4Address(0xa9fea800u), 22);  // 169.254.168.0/22
}

std::optional<ApiError> check_route_destination(const Cidr& destination, TargetKind kind,
                                                const std::vector<Cidr>& vpc_cidrs,
                                                const std::vector<Cidr>& subnet_cidrs) {
  if (reserved_link_local_block().contains(destination)) {
    return errors::invalid_parameter_value(
        "The destination CIDR block " + destination.to_string() + " is equal to or more specific than " +
        reserved_link_local_block().to_string() + ", which is reserved for link-local addresses.");
  }
  bool inside_vpc = std::any_of(vpc_cidrs.begin(), vpc_cidrs.end(),
                                [&](const Cidr& vpc) { return vpc.contains(destination); });
  if (!inside_vpc) {
    return std::nullopt;  // an overlay destination: any target, any number of them
  }
  if (kind == TargetKind::gateway) {
    return errors::invalid_parameter_value(
        "The destination CIDR block " + destination.to_string() +
        " is equal to or more specific than one of this VPC's CIDR blocks. This route can target only an "
        "interface or an instance.");
  }
  if (std::find(subnet_cidrs.begin(), subnet_cidrs.end(), destination) == subnet_cidrs.end()) {
    return errors::invalid_parameter_value("Route destination " + destination.to_string() +
                                           " doesn't match any subnet CIDR blocks.");
  }
  return std::nullopt;
}

}  // namespace cloudvip::sim
