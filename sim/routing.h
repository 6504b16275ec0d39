// AWS's rules for which routes a VPC route table accepts (aws-protocol.md §7), shared by the scenario
// loader (routes declared in a scenario) and the model (CreateRoute, ReplaceRoute).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/cidr.h"
#include "sim/api_error.h"

namespace cloudvip::sim {

enum class TargetKind { gateway, network_interface, instance, nat_gateway };

// The wire parameter that names a target of this kind: "GatewayId", "NetworkInterfaceId", ...
std::string_view target_parameter(TargetKind kind);
// The id prefix a target of this kind has: "igw" (or "vgw"), "eni", "i", "nat".
bool is_target_id(TargetKind kind, std::string_view id);

// 169.254.168.0/22: reserved for IMDS and the Amazon DNS server; no route may point into it.
Cidr reserved_link_local_block();

// Checks that a route to `destination` (canonical) with a target of `kind` may exist in a route table
// of a VPC with `vpc_cidrs` whose subnets have `subnet_cidrs`. nullopt when allowed; otherwise the
// InvalidParameterValue EC2 answers. Does not check whether the destination already has a route.
std::optional<ApiError> check_route_destination(const Cidr& destination, TargetKind kind,
                                                const std::vector<Cidr>& vpc_cidrs,
                                                const std::vector<Cidr>& subnet_cidrs);

}  // namespace cloudvip::sim
