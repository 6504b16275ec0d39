// DescribeInstances, DescribeNetworkInterfaces, DescribeSubnets, DescribeVpcs.
#include "sim/describe.h"
#include "sim/model.h"
#include "sim/resource_filters.h"
#include "sim/shapes.h"

namespace cloudvip::sim {

Model::Outcome Model::describe_instances_locked(const Params& p, const Caller& c,
                                                const std::string& request_id) {
  DescribeRequest<Instance> request{
      "DescribeInstances",
      "InstanceId",
      "i",
      "reservationSet",
      true,
      5,
      1000,
      &instance_filter_names(),
      [](const Instance& i) { return i.id; },
      [](const Instance& i) -> const Tags& { return i.tags; },
      [this](const Instance& i, std::string_view name) { return instance_filter_values(m_world, i, name); },
      [this](pugi::xml_node item, const Instance& i) {
        // One reservation per instance, as if each was launched on its own.
        add_text(item, "reservationId", i.reservation_id);
        add_text(item, "ownerId", m_world.account_id);
        item.append_child("groupSet");
        write_instance(item.append_child("instancesSet").append_child("item"), m_world, i);
      }};
  return describe(
      m_world.instances, request, p, [&] { return check_access(p, c, "DescribeInstances", "*"); },
      request_id);
}

Model::Outcome Model::describe_network_interfaces_locked(const Params& p, const Caller& c,
                                                         const std::string& request_id) {
  DescribeRequest<NetworkInterface> request{
      "DescribeNetworkInterfaces",
      "NetworkInterfaceId",
      "eni",
      "networkInterfaceSet",
      true,
      5,
      1000,
      &interface_filter_names(),
      [](const NetworkInterface& e) { return e.id; },
      [](const NetworkInterface& e) -> const Tags& { return e.tags; },
      [this](const NetworkInterface& e, std::string_view name) {
        return interface_filter_values(m_world, e, name);
      },
      [this](pugi::xml_node item, const NetworkInterface& e) { write_interface(item, m_world, e); }};
  return describe(
      m_world.interfaces, request, p, [&] { return check_access(p, c, "DescribeNetworkInterfaces", "*"); },
      request_id);
}

Model::Outcome Model::describe_subnets_locked(const Params& p, const Caller& c,
                                              const std::string& request_id) {
  DescribeRequest<SubnetSpec> request{
      "DescribeSubnets",
      "SubnetId",
      "subnet",
      "subnetSet",
      true,
      5,
      1000,
      &subnet_filter_names(),
      [](const SubnetSpec& s) { return s.id; },
      [](const SubnetSpec& s) -> const Tags& { return s.tags; },
      [this](const SubnetSpec& s, std::string_view name) { return subnet_filter_values(m_world, s, name); },
      [this](pugi::xml_node item, const SubnetSpec& s) { write_subnet(item, m_world, s); }};
  return describe(
      m_world.subnets, request, p, [&] { return check_access(p, c, "DescribeSubnets", "*"); }, request_id);
}

Model::Outcome Model::describe_vpcs_locked(const Params& p, const Caller& c, const std::string& request_id) {
  DescribeRequest<VpcSpec> request{
      "DescribeVpcs",
      "VpcId",
      "vpc",
      "vpcSet",
      true,
      5,
      1000,
      &vpc_filter_names(),
      [](const VpcSpec& v) { return v.id; },
      [](const VpcSpec& v) -> const Tags& { return v.tags; },
      [this](const VpcSpec& v, std::string_view name) { return vpc_filter_values(m_world, v, name); },
      [this](pugi::xml_node item, const VpcSpec& v) { write_vpc(item, m_world, v); }};
  return describe(
      m_world.vpcs, request, p, [&] { return check_access(p, c, "DescribeVpcs", "*"); }, request_id);
}

}  // namespace cloudvip::sim
