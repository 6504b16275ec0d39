// The EC2 wire shape of each resource, as one <item> of its Describe* set (aws-protocol.md §1.4, §1.5, §6).
#pragma once

#include <pugixml.hpp>

#include <string>

#include "common/clock.h"
#include "sim/world.h"

namespace cloudvip::sim {

// 2016-11-19T16:32:11.000Z
std::string iso8601(TimePoint time);

void write_route_table(pugi::xml_node item, const World& world, const RouteTable& table);
void write_interface(pugi::xml_node item, const World& world, const NetworkInterface& eni);
// The instance's own networkInterfaceSet item: a smaller shape than DescribeNetworkInterfaces's.
void write_instance_interface(pugi::xml_node item, const World& world, const NetworkInterface& eni);
void write_instance(pugi::xml_node item, const World& world, const Instance& instance);
void write_subnet(pugi::xml_node item, const World& world, const SubnetSpec& subnet);
void write_vpc(pugi::xml_node item, const World& world, const VpcSpec& vpc);
void write_address(pugi::xml_node item, const World& world, const Address& address);

}  // namespace cloudvip::sim
