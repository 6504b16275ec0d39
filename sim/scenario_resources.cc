// The scenario sections that refer to others: instances and their ENIs, route tables and their routes,
// Elastic IPs.
#include <algorithm>

#include "sim/ids.h"
#include "sim/scenario_loader.h"

namespace cloudvip::sim {
namespace {

// AWS reserves the network address, the next three (router, DNS, future use) and the broadcast address.
bool is_reserved_in_subnet(const Cidr& subnet, Ipv4Address address) {
  std::uint32_t offset = address.value() - subnet.network().value();
  return offset <= 3 || address == subnet.last();
}

}  // namespace

void ScenarioLoader::read_instance(const toml::table& table, const std::string& path) {
  TomlReader r(
      m_source, table, path,
      {"id", "subnet", "az", "state", "iam_role", "private_ip", "instance_type", "image_id", "tags", "eni"});
  InstanceSpec instance;
  instance.id = read_id(r, "id", "i");
  claim_id(r, "id", instance.id);
  instance.subnet_id = r.required_string("subnet");
  const SubnetSpec& subnet = require_subnet(r, "subnet", instance.subnet_id);
  instance.az = r.optional_string("az").value_or(subnet.az);
  if (instance.az != subnet.az) {
    r.fail("az", "'" + instance.az + "' differs from the AZ of subnet '" + subnet.id + "' (" + subnet.az +
                     "); leave it out or make them equal");
  }
  std::string state = r.optional_string("state").value_or("running");
  if (state != "running" && state != "stopped") {
    r.fail("state", "'" + state + "' is not an instance state here (expected \"running\" or \"stopped\")");
  }
  instance.state = state == "running" ? InstanceState::running : InstanceState::stopped;
  instance.iam_role = r.optional_string("iam_role").value_or("");
  if (!instance.iam_role.empty() &&
      std::none_of(m_scenario.roles.begin(), m_scenario.roles.end(),
                   [&](const RoleSpec& role) { return role.name == instance.iam_role; })) {
    r.fail("iam_role", "unknown role '" + instance.iam_role + "' (declare it in a [[role]] table)");
  }
  instance.instance_type = r.optional_string("instance_type").value_or(instance.instance_type);
  instance.image_id = r.optional_string("image_id").value_or(instance.image_id);
  instance.tags = r.tags("tags");

  auto eni_tables = r.tables("eni");
  if (eni_tables.empty()) {
    r.fail_table("needs at least one [[" + r.key_path("eni") + "]] (its network interface eth0)");
  }
  for (size_t i = 0; i < eni_tables.size(); ++i) {
    instance.enis.push_back(read_eni(*eni_tables[i], path + "." + indexed_key("eni", i), instance, i));
  }
  std::sort(instance.enis.begin(), instance.enis.end(),
            [](const EniSpec& a, const EniSpec& b) { return a.device_index < b.device_index; });
  for (size_t i = 1; i < instance.enis.size(); ++i) {
    if (instance.enis[i].device_index == instance.enis[i - 1].device_index) {
      r.fail("eni",
             "two network interfaces have device_index " + std::to_string(instance.enis[i].device_index));
    }
  }
  if (instance.enis.front().device_index != 0) {
    r.fail("eni", "no network interface has device_index 0 (eth0)");
  }
  if (instance.enis.front().subnet_id != instance.subnet_id) {
    r.fail("eni", "eth0 must be in the instance's subnet '" + instance.subnet_id + "'");
  }
  if (auto private_ip = r.optional_string("private_ip")) {
    if (read_address(r, "private_ip", *private_ip) != instance.enis.front().private_ips.front()) {
      r.fail("private_ip", "'" + *private_ip + "' is not eth0's primary private IP (" +
                               instance.enis.front().private_ips.front().to_string() +
                               "); leave it out or make them equal");
    }
  }
  m_scenario.instances.push_back(std::move(instance));
}

EniSpec ScenarioLoader::read_eni(const toml::table& table, const std::string& path,
                                 const InstanceSpec& instance, size_t position) {
  TomlReader r(
      m_source, table, path,
      {"id", "mac", "subnet", "private_ips", "source_dest_check", "device_index", "description", "tags"});
  EniSpec eni;
  eni.id = read_id(r, "id", "eni");
  claim_id(r, "id", eni.id);
  eni.mac = r.required_string("mac");
  if (!is_mac_address(eni.mac)) {
    r.fail("mac", "'" + eni.mac +
                      "' is not a MAC address (expected six lower-case hex pairs, e.g. 0a:1b:2c:3d:4e:5f)");
  }
  if (!m_macs.insert(eni.mac).second) {
    r.fail("mac", "duplicate MAC address '" + eni.mac + "'");
  }
  eni.subnet_id = r.optional_string("subnet").value_or(instance.subnet_id);
  const SubnetSpec& subnet = require_subnet(r, "subnet", eni.subnet_id);
  const SubnetSpec& home = *find_subnet(instance.subnet_id);
  if (subnet.vpc_id != home.vpc_id || subnet.az != home.az) {
    r.fail("subnet", "subnet '" + subnet.id + "' is not in the instance's VPC and AZ (" + home.vpc_id + ", " +
                         home.az + ")");
  }
  auto ips = r.optional_strings("private_ips");
  if (!ips || ips->empty()) {
    r.fail_table("missing required key 'private_ips' (" + r.key_path("private_ips") +
                 "), e.g. private_ips = [\"10.0.0.10\"]; the first is the primary");
  }
  for (const std::string& text : *ips) {
    Ipv4Address ip = read_address(r, "private_ips", text);
    if (!subnet.cidr.contains(ip)) {
      r.fail("private_ips",
             text + " is outside subnet '" + subnet.id + "' (" + subnet.cidr.to_string() + ")");
    }
    if (is_reserved_in_subnet(subnet.cidr, ip)) {
      r.fail("private_ips", text + " is reserved by AWS in subnet " + subnet.cidr.to_string() +
                                " (the first four addresses and the last one)");
    }
    auto [it, fresh] = m_private_ips.emplace(subnet.vpc_id + " " + text, eni.id);
    if (!fresh) {
      r.fail("private_ips", text + " is already assigned to '" + it->second + "'");
    }
    eni.private_ips.push_back(ip);
  }
  eni.source_dest_check = r.optional_bool("source_dest_check").value_or(true);
  auto device_index = r.optional_int("device_index").value_or(static_cast<std::int64_t>(position));
  if (device_index < 0 || device_index > 15) {
    r.fail("device_index", std::to_string(device_index) + " is out of range (expected 0-15)");
  }
  eni.device_index = static_cast<int>(device_index);
  eni.description = r.optional_string("description").value_or("");
  eni.tags = r.tags("tags");
  return eni;
}

void ScenarioLoader::read_route_table(const toml::table& table, const std::string& path) {
  TomlReader r(m_source, table, path, {"id", "vpc", "main", "associations", "tags", "route"});
  RouteTableSpec route_table;
  route_table.id = read_id(r, "id", "rtb");
  claim_id(r, "id", route_table.id);
  route_table.vpc_id = r.required_string("vpc");
  if (find_vpc(route_table.vpc_id) == nullptr) {
    r.fail("vpc", "unknown vpc '" + route_table.vpc_id + "' (declare it in a [[vpc]] table)");
  }
  route_table.main = r.optional_bool("main").value_or(false);
  if (route_table.main) {
    auto [it, fresh] = m_main_tables.emplace(route_table.vpc_id, route_table.id);
    if (!fresh) {
      r.fail("main", "vpc '" + route_table.vpc_id + "' already has a main route table ('" + it->second +
                         "'); a VPC has exactly one");
    }
  }
  for (const std::string& subnet_id :
       r.optional_strings("associations").value_or(std::vector<std::string>{})) {
    if (!is_resource_id(subnet_id, "subnet")) {
      r.fail("associations",
             "'" + subnet_id + "' is not a subnet id (expected subnet- followed by 8 or 17 hex digits)");
    }
    const SubnetSpec& subnet = require_subnet(r, "associations", subnet_id);
    if (subnet.vpc_id != route_table.vpc_id) {
      r.fail("associations",
             "subnet '" + subnet_id + "' is in '" + subnet.vpc_id + "', not in this route table's vpc");
    }
    auto [it, fresh] = m_associations.emplace(subnet_id, route_table.id);
    if (!fresh) {
      r.fail("associations", "subnet '" + subnet_id + "' is already associated with route table '" +
                                 it->second + "' (a subnet has at most one)");
    }
    route_table.subnet_ids.push_back(subnet_id);
  }
  route_table.tags = r.tags("tags");
  auto route_tables = r.tables("route");
  for (size_t i = 0; i < route_tables.size(); ++i) {
    RouteSpec route = read_route(*route_tables[i], path + "." + indexed_key("route", i), route_table);
    route_table.routes.push_back(std::move(route));
  }
  m_scenario.route_tables.push_back(std::move(route_table));
}

RouteSpec ScenarioLoader::read_route(const toml::table& table, const std::string& path,
                                     const RouteTableSpec& route_table) {
  TomlReader r(m_source, table, path,
               {"destination", "gateway_id", "network_interface_id", "instance_id", "nat_gateway_id"});
  RouteSpec route;
  std::string text = r.required_string("destination");
  route.destination = read_cidr(r, "destination", text).canonical();
  for (const RouteSpec& other : route_table.routes) {
    if (other.destination == route.destination) {
      r.fail("destination",
             text + " duplicates another route to " + route.destination.to_string() + " in this table");
    }
  }
  static constexpr std::pair<std::string_view, TargetKind> k_targets[] = {
      {"gateway_id", TargetKind::gateway},
      {"network_interface_id", TargetKind::network_interface},
      {"instance_id", TargetKind::instance},
      {"nat_gateway_id", TargetKind::nat_gateway},
  };
  int targets = 0;
  std::string target_key;
  for (const auto& [key, kind] : k_targets) {
    if (r.has(key)) {
      ++targets;
      target_key = key;
      route.target_kind = kind;
      route.target_id = r.required_string(key);
    }
  }
  if (targets != 1) {
    r.fail_table("give exactly one target: network_interface_id, instance_id, gateway_id or nat_gateway_id");
  }
  if (!is_target_id(route.target_kind, route.target_id)) {
    r.fail(target_key, "'" + route.target_id + "' is not a valid id for " + target_key);
  }
  auto vpc_of_subnet = [this](const std::string& subnet_id) { return find_subnet(subnet_id)->vpc_id; };
  if (route.target_kind == TargetKind::network_interface) {
    const EniSpec* eni = find_eni(route.target_id);
    if (eni == nullptr) {
      r.fail(target_key,
             "unknown network interface '" + route.target_id + "' (declare it in an [[instance.eni]])");
    }
    if (vpc_of_subnet(eni->subnet_id) != route_table.vpc_id) {
      r.fail(target_key,
             "network interface '" + route.target_id + "' is not in vpc '" + route_table.vpc_id + "'");
    }
  } else if (route.target_kind == TargetKind::instance) {
    const InstanceSpec* instance = find_instance(route.target_id);
    if (instance == nullptr) {
      r.fail(target_key, "unknown instance '" + route.target_id + "' (declare it in an [[instance]])");
    }
    if (instance->enis.size() != 1) {
      r.fail(target_key, "instance '" + route.target_id +
                             "' has several network interfaces; use network_interface_id to pick one");
    }
    if (vpc_of_subnet(instance->subnet_id) != route_table.vpc_id) {
      r.fail(target_key, "instance '" + route.target_id + "' is not in vpc '" + route_table.vpc_id + "'");
    }
  }
  const VpcSpec& vpc = *find_vpc(route_table.vpc_id);
  if (std::find(vpc.cidrs.begin(), vpc.cidrs.end(), route.destination) != vpc.cidrs.end()) {
    r.fail("destination", text + " is the VPC's local route, which every route table has implicitly");
  }
  std::vector<Cidr> subnet_cidrs;
  for (const SubnetSpec& subnet : m_scenario.subnets) {
    if (subnet.vpc_id == vpc.id) {
      subnet_cidrs.push_back(subnet.cidr);
    }
  }
  if (auto refused = check_route_destination(route.destination, route.target_kind, vpc.cidrs, subnet_cidrs)) {
    r.fail("destination", "EC2 would refuse this route: " + refused->message);
  }
  return route;
}

void ScenarioLoader::read_elastic_ip(const toml::table& table, const std::string& path) {
  TomlReader r(m_source, table, path, {"allocation_id", "public_ip", "tags", "association"});
  ElasticIpSpec eip;
  eip.allocation_id = read_id(r, "allocation_id", "eipalloc");
  claim_id(r, "allocation_id", eip.allocation_id);
  eip.public_ip = read_address(r, "public_ip", r.required_string("public_ip"));
  if (!m_public_ips.insert(eip.public_ip).second) {
    r.fail("public_ip", "duplicate public IP " + eip.public_ip.to_string());
  }
  eip.tags = r.tags("tags");
  if (const toml::table* association = r.optional_table("association")) {
    TomlReader a(m_source, *association, path + ".association",
                 {"network_interface_id", "instance_id", "private_ip"});
    auto eni_id = a.optional_string("network_interface_id");
    auto instance_id = a.optional_string("instance_id");
    if (eni_id.has_value() == instance_id.has_value()) {
      a.fail_table("give exactly one of network_interface_id or instance_id");
    }
    const EniSpec* eni = nullptr;
    if (instance_id) {
      const InstanceSpec* instance = find_instance(*instance_id);
      if (instance == nullptr) {
        a.fail("instance_id", "unknown instance '" + *instance_id + "'");
      }
      if (instance->enis.size() != 1) {
        a.fail("instance_id",
               "instance '" + *instance_id + "' has several network interfaces; use network_interface_id");
      }
      eni = &instance->enis.front();
    } else {
      eni = find_eni(*eni_id);
      if (eni == nullptr) {
        a.fail("network_interface_id", "unknown network interface '" + *eni_id + "'");
      }
    }
    eip.network_interface_id = eni->id;
    eip.private_ip = eni->private_ips.front();
    if (auto private_ip = a.optional_string("private_ip")) {
      eip.private_ip = read_address(a, "private_ip", *private_ip);
      if (std::find(eni->private_ips.begin(), eni->private_ips.end(), *eip.private_ip) ==
          eni->private_ips.end()) {
        a.fail("private_ip", *private_ip + " is not a private IP of '" + eni->id + "'");
      }
    }
    for (const ElasticIpSpec& other : m_scenario.elastic_ips) {
      if (other.network_interface_id == eip.network_interface_id && other.private_ip == eip.private_ip) {
        a.fail_table("'" + other.allocation_id + "' is already associated with " +
                     eip.private_ip->to_string() + " of '" + eni->id + "'");
      }
    }
  }
  m_scenario.elastic_ips.push_back(std::move(eip));
}

}  // namespace cloudvip::sim
