// The filter names each Describe* action accepts, and each resource's values for them (the generic
// tag:KEY / tag-key / tag-value filters are handled in filters.h). Names EC2 documents but the emulator
// does not model (e.g. route.vpc-peering-connection-id) are accepted and have no values, so they match
// nothing, as they would in a VPC without such resources.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/world.h"

namespace cloudvip::sim {

const std::set<std::string_view>& route_table_filter_names();
std::vector<std::string> route_table_filter_values(const World& world, const RouteTable& table,
                                                   std::string_view name);

const std::set<std::string_view>& interface_filter_names();
std::vector<std::string> interface_filter_values(const World& world, const NetworkInterface& eni,
                                                 std::string_view name);

const std::set<std::string_view>& instance_filter_names();
std::vector<std::string> instance_filter_values(const World& world, const Instance& instance,
                                                std::string_view name);

const std::set<std::string_view>& subnet_filter_names();
std::vector<std::string> subnet_filter_values(const World& world, const SubnetSpec& subnet,
                                              std::string_view name);

const std::set<std::string_view>& vpc_filter_names();
std::vector<std::string> vpc_filter_values(const World& world, const VpcSpec& vpc, std::string_view name);

const std::set<std::string_view>& address_filter_names();
std::vector<std::string> address_filter_values(const World& world, const Address& address,
                                               std::string_view name);

}  // namespace cloudvip::sim
