// The Model's admin hooks: the state dump, instance start/stop, ENI attach/detach, the IMDS view.
#include <algorithm>

#include "sim/ids.h"
#include "sim/model.h"

namespace cloudvip::sim {
namespace {

nlohmann::json tags_json(const Tags& tags) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : tags) {
    out[key] = value;
  }
  return out;
}

std::string target_kind_name(TargetKind kind) {
  switch (kind) {
    case TargetKind::gateway:
      return "gateway";
    case TargetKind::network_interface:
      return "network_interface";
    case TargetKind::instance:
      return "instance";
    case TargetKind::nat_gateway:
      return "nat_gateway";
  }
  return "gateway";
}

}  // namespace

nlohmann::json Model::state_json() const {
  std::lock_guard lock(m_mutex);
  nlohmann::json out = {{"account_id", m_world.account_id}, {"region", m_world.region}};
  out["vpcs"] = nlohmann::json::array();
  for (const VpcSpec& vpc : m_world.vpcs) {
    nlohmann::json cidrs = nlohmann::json::array();
    for (const Cidr& cidr : vpc.cidrs) {
      cidrs.push_back(cidr.to_string());
    }
    out["vpcs"].push_back({{"id", vpc.id}, {"cidrs", cidrs}, {"tags", tags_json(vpc.tags)}});
  }
  out["subnets"] = nlohmann::json::array();
  for (const SubnetSpec& subnet : m_world.subnets) {
    out["subnets"].push_back({{"id", subnet.id},
                              {"vpc_id", subnet.vpc_id},
                              {"cidr", subnet.cidr.to_string()},
                              {"az", subnet.az},
                              {"tags", tags_json(subnet.tags)}});
  }
  out["route_tables"] = nlohmann::json::array();
  for (const RouteTable& table : m_world.route_tables) {
    nlohmann::json associations = nlohmann::json::array();
    for (const RouteTableAssociation& association : table.associations) {
      associations.push_back(
          {{"id", association.id}, {"subnet_id", association.subnet_id}, {"main", association.main}});
    }
    nlohmann::json routes = nlohmann::json::array();
    for (const Route& route : table.routes) {
      routes.push_back({{"destination", route.destination.to_string()},
                        {"target_kind", target_kind_name(route.target_kind)},
                        {"gateway_id", route.gateway_id},
                        {"network_interface_id", route.network_interface_id},
                        {"instance_id", route.instance_id},
                        {"nat_gateway_id", route.nat_gateway_id},
                        {"origin", route.origin},
                        {"state", m_world.route_state(route)}});
    }
    out["route_tables"].push_back({{"id", table.id},
                                   {"vpc_id", table.vpc_id},
                                   {"main", table.is_main()},
                                   {"associations", associations},
                                   {"routes", routes},
                                   {"tags", tags_json(table.tags)}});
  }
  out["instances"] = nlohmann::json::array();
  for (const Instance& instance : m_world.instances) {
    out["instances"].push_back({{"id", instance.id},
                                {"state", instance.state == InstanceState::running ? "running" : "stopped"},
                                {"subnet_id", instance.subnet_id},
                                {"vpc_id", instance.vpc_id},
                                {"az", instance.az},
                                {"iam_role", instance.iam_role},
                                {"instance_type", instance.instance_type},
                                {"tags", tags_json(instance.tags)}});
  }
  out["network_interfaces"] = nlohmann::json::array();
  for (const NetworkInterface& eni : m_world.interfaces) {
    nlohmann::json ips = nlohmann::json::array();
    for (Ipv4Address ip : eni.private_ips) {
      ips.push_back(ip.to_string());
    }
    out["network_interfaces"].push_back({{"id", eni.id},
                                         {"mac", eni.mac},
                                         {"subnet_id", eni.subnet_id},
                                         {"vpc_id", eni.vpc_id},
                                         {"az", eni.az},
                                         {"private_ips", ips},
                                         {"source_dest_check", eni.source_dest_check},
                                         {"status", World::interface_status(eni)},
                                         {"instance_id", eni.instance_id},
                                         {"device_index", eni.device_index},
                                         {"attachment_id", eni.attachment_id},
                                         {"tags", tags_json(eni.tags)}});
  }
  out["addresses"] = nlohmann::json::array();
  for (const Address& address : m_world.addresses) {
    bool associated = !address.association_id.empty();
    out["addresses"].push_back({{"allocation_id", address.allocation_id},
                                {"public_ip", address.public_ip.to_string()},
                                {"association_id", address.association_id},
                                {"network_interface_id", address.network_interface_id},
                                {"private_ip", associated ? address.private_ip.to_string() : ""},
                                {"tags", tags_json(address.tags)}});
  }
  return out;
}

Result<void> Model::start_instance(std::string_view instance_id) {
  {
    std::lock_guard lock(m_mutex);
    Instance* instance = m_world.find_instance(instance_id);
    if (instance == nullptr) {
      return fail(ErrorCode::not_found, "instance '" + std::string(instance_id) + "' does not exist");
    }
    auto before = route_states();
    instance->state = InstanceState::running;
    queue_state_changes(before);
  }
  flush_route_changes();
  return ok();
}

Result<void> Model::stop_instance(std::string_view instance_id) {
  {
    std::lock_guard lock(m_mutex);
    Instance* instance = m_world.find_instance(instance_id);
    if (instance == nullptr) {
      return fail(ErrorCode::not_found, "instance '" + std::string(instance_id) + "' does not exist");
    }
    auto before = route_states();
    instance->state = InstanceState::stopped;
    queue_state_changes(before);
  }
  flush_route_changes();
  return ok();
}

// Unlike AWS, eth0 (device index 0) may be detached too: this is a fault-injection hook.
Result<void> Model::detach_interface(std::string_view interface_id) {
  {
    std::lock_guard lock(m_mutex);
    NetworkInterface* eni = m_world.find_interface(interface_id);
    if (eni == nullptr) {
      return fail(ErrorCode::not_found,
                  "network interface '" + std::string(interface_id) + "' does not exist");
    }
    if (eni->instance_id.empty()) {
      return fail(ErrorCode::invalid_argument, "network interface '" + eni->id + "' is not attached");
    }
    auto before = route_states();
    eni->instance_id.clear();
    eni->attachment_id.clear();
    queue_state_changes(before);
  }
  flush_route_changes();
  return ok();
}

Result<void> Model::attach_interface(std::string_view interface_id, std::string_view instance_id,
                                     int device_index) {
  {
    std::lock_guard lock(m_mutex);
    NetworkInterface* eni = m_world.find_interface(interface_id);
    Instance* instance = m_world.find_instance(instance_id);
    if (eni == nullptr || instance == nullptr) {
      return fail(ErrorCode::not_found,
                  eni == nullptr ? "network interface '" + std::string(interface_id) + "' does not exist"
                                 : "instance '" + std::string(instance_id) + "' does not exist");
    }
    if (!eni->instance_id.empty()) {
      return fail(ErrorCode::invalid_argument, "network interface '" + eni->id +
                                                   "' is already attached to '" + eni->instance_id +
                                                   "'; detach it first");
    }
    if (eni->az != instance->az || eni->vpc_id != instance->vpc_id) {
      return fail(ErrorCode::invalid_argument, "network interface '" + eni->id + "' (" + eni->az +
                                                   ") and instance '" + instance->id + "' (" + instance->az +
                                                   ") are not in the same VPC and availability zone");
    }
    for (const NetworkInterface* other : m_world.interfaces_of(instance->id)) {
      if (other->device_index == device_index) {
        return fail(ErrorCode::invalid_argument, "instance '" + instance->id + "' already has '" + other->id +
                                                     "' at device index " + std::to_string(device_index));
      }
    }
    auto before = route_states();
    eni->instance_id = instance->id;
    eni->device_index = device_index;
    eni->attachment_id =
        derived_id("eni-attach", eni->id + " " + std::to_string(++m_world.association_counter));
    eni->attach_time = m_clock.now();
    queue_state_changes(before);
  }
  flush_route_changes();
  return ok();
}

std::optional<InstanceView> Model::instance_view(std::string_view instance_id) const {
  std::lock_guard lock(m_mutex);
  auto it = std::find_if(m_world.instances.begin(), m_world.instances.end(),
                         [&](const Instance& i) { return i.id == instance_id; });
  if (it == m_world.instances.end()) {
    return std::nullopt;
  }
  InstanceView view{it->id,
                    m_world.account_id,
                    m_world.region,
                    it->az,
                    it->instance_type,
                    it->image_id,
                    it->iam_role,
                    it->state == InstanceState::running,
                    it->launch_time,
                    {}};
  for (const NetworkInterface* eni : m_world.interfaces_of(it->id)) {
    InterfaceView interface {
      eni->id, eni->mac, eni->device_index, eni->subnet_id, {}, eni->vpc_id, {}, eni->private_ips, {}
    };
    for (const SubnetSpec& subnet : m_world.subnets) {
      if (subnet.id == eni->subnet_id) {
        interface.subnet_cidr = subnet.cidr;
      }
    }
    for (const VpcSpec& vpc : m_world.vpcs) {
      if (vpc.id == eni->vpc_id) {
        interface.vpc_cidrs = vpc.cidrs;
      }
    }
    for (Ipv4Address ip : eni->private_ips) {
      if (const Address* address = m_world.address_on(eni->id, ip)) {
        interface.public_ips.emplace_back(address->public_ip, ip);
      }
    }
    view.interfaces.push_back(std::move(interface));
  }
  return view;
}

}  // namespace cloudvip::sim
