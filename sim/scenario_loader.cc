#include "sim/scenario_loader.h"

#include <algorithm>

#include "sim/ids.h"

namespace cloudvip::sim {
namespace {

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_region(std::string_view s) {
  // "us-east-1", "ap-southeast-2": lower-case letters and dashes, then a dash and a number.
  size_t dash = s.rfind('-');
  return dash != std::string_view::npos && dash > 0 && is_digits(s.substr(dash + 1)) &&
         std::all_of(s.begin(), s.begin() + dash, [](char c) { return (c >= 'a' && c <= 'z') || c == '-'; });
}

bool is_access_key_id(std::string_view s) {
  return s.size() >= 16 && s.size() <= 128 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
         });
}

}  // namespace

std::string indexed_key(std::string_view section, size_t index) {
  return std::string(section) + "[" + std::to_string(index) + "]";
}

Scenario ScenarioLoader::load(const toml::table& root) {
  TomlReader top(m_source, root, "",
                 {"account_id", "region", "vpc", "subnet", "route_table", "role", "instance", "elastic_ip",
                  "credential"});
  m_scenario.source = std::string(m_source);
  m_scenario.account_id = top.required_string("account_id");
  if (m_scenario.account_id.size() != 12 || !is_digits(m_scenario.account_id)) {
    top.fail("account_id", "'" + m_scenario.account_id + "' is not an AWS account id (expected 12 digits)");
  }
  m_scenario.region = top.required_string("region");
  if (!is_region(m_scenario.region)) {
    top.fail("region", "'" + m_scenario.region + "' is not a region name (expected e.g. us-east-1)");
  }
  read_all(top, "vpc", &ScenarioLoader::read_vpc);
  read_all(top, "subnet", &ScenarioLoader::read_subnet);
  read_all(top, "role", &ScenarioLoader::read_role);
  read_all(top, "instance", &ScenarioLoader::read_instance);
  read_all(top, "route_table", &ScenarioLoader::read_route_table);
  read_all(top, "elastic_ip", &ScenarioLoader::read_elastic_ip);
  read_all(top, "credential", &ScenarioLoader::read_credential);
  for (const VpcSpec& vpc : m_scenario.vpcs) {
    if (m_main_tables.count(vpc.id) == 0) {
      top.fail("route_table",
               "vpc '" + vpc.id +
                   "' has no main route table (set main = true on one [[route_table]] with vpc = \"" +
                   vpc.id + "\")");
    }
  }
  return std::move(m_scenario);
}

void ScenarioLoader::read_all(const TomlReader& top, std::string_view section, SectionReader read) {
  auto tables = top.tables(section);
  for (size_t i = 0; i < tables.size(); ++i) {
    (this->*read)(*tables[i], indexed_key(section, i));
  }
}

std::string ScenarioLoader::read_id(const TomlReader& r, std::string_view key, std::string_view prefix) {
  std::string id = r.required_string(key);
  if (!is_resource_id(id, prefix)) {
    r.fail(key, "'" + id + "' is not a " + std::string(prefix) + " id (expected " + std::string(prefix) +
                    "- followed by 8 or 17 lower-case hex digits, e.g. " + std::string(prefix) +
                    "-0a1b2c3d)");
  }
  return id;
}

void ScenarioLoader::claim_id(const TomlReader& r, std::string_view key, const std::string& id) {
  if (!m_ids.insert(id).second) {
    r.fail(key, "duplicate id '" + id + "' (ids must be unique in a scenario)");
  }
}

Cidr ScenarioLoader::read_cidr(const TomlReader& r, std::string_view key, const std::string& text) {
  auto cidr = Cidr::parse(text);
  if (!cidr) {
    r.fail(key, cidr.error().message);
  }
  return *cidr;
}

Cidr ScenarioLoader::read_network(const TomlReader& r, std::string_view key, const std::string& text) {
  Cidr cidr = read_cidr(r, key, text);
  if (!cidr.is_canonical()) {
    r.fail(key,
           "'" + text + "' is not a network address (did you mean " + cidr.canonical().to_string() + "?)");
  }
  if (cidr.prefix() < 16 || cidr.prefix() > 28) {
    r.fail(key, "'" + text + "': VPC and subnet blocks must be between /16 and /28");
  }
  return cidr;
}

Ipv4Address ScenarioLoader::read_address(const TomlReader& r, std::string_view key, const std::string& text) {
  auto address = Ipv4Address::parse(text);
  if (!address) {
    r.fail(key, address.error().message);
  }
  return *address;
}

const VpcSpec* ScenarioLoader::find_vpc(std::string_view id) const {
  auto it =
      std::find_if(m_scenario.vpcs.begin(), m_scenario.vpcs.end(), [&](const auto& v) { return v.id == id; });
  return it == m_scenario.vpcs.end() ? nullptr : &*it;
}

const SubnetSpec* ScenarioLoader::find_subnet(std::string_view id) const {
  auto it = std::find_if(m_scenario.subnets.begin(), m_scenario.subnets.end(),
                         [&](const auto& s) { return s.id == id; });
  return it == m_scenario.subnets.end() ? nullptr : &*it;
}

const InstanceSpec* ScenarioLoader::find_instance(std::string_view id) const {
  auto it = std::find_if(m_scenario.instances.begin(), m_scenario.instances.end(),
                         [&](const auto& i) { return i.id == id; });
  return it == m_scenario.instances.end() ? nullptr : &*it;
}

const EniSpec* ScenarioLoader::find_eni(std::string_view id) const {
  for (const auto& instance : m_scenario.instances) {
    for (const auto& eni : instance.enis) {
      if (eni.id == id) {
        return &eni;
      }
    }
  }
  return nullptr;
}

const SubnetSpec& ScenarioLoader::require_subnet(const TomlReader& r, std::string_view key,
                                                 const std::string& id) const {
  const SubnetSpec* subnet = find_subnet(id);
  if (subnet == nullptr) {
    r.fail(key, "unknown subnet '" + id + "' (declare it in a [[subnet]] table)");
  }
  return *subnet;
}

void ScenarioLoader::read_vpc(const toml::table& table, const std::string& path) {
  TomlReader r(m_source, table, path, {"id", "cidr", "cidrs", "tags"});
  VpcSpec vpc;
  vpc.id = read_id(r, "id", "vpc");
  claim_id(r, "id", vpc.id);
  auto single = r.optional_string("cidr");
  auto several = r.optional_strings("cidrs");
  if (single.has_value() == several.has_value()) {
    r.fail_table("give exactly one of 'cidr' (one block) or 'cidrs' (a list)");
  }
  std::string key = single ? "cidr" : "cidrs";
  for (const std::string& text : single ? std::vector<std::string>{*single} : *several) {
    Cidr cidr = read_network(r, key, text);
    for (const Cidr& other : vpc.cidrs) {
      if (other.overlaps(cidr)) {
        r.fail(key, text + " overlaps " + other.to_string() + " of the same VPC");
      }
    }
    vpc.cidrs.push_back(cidr);
  }
  if (vpc.cidrs.empty()) {
    r.fail(key, "needs at least one CIDR block");
  }
  vpc.tags = r.tags("tags");
  m_scenario.vpcs.push_back(std::move(vpc));
}

void ScenarioLoader::read_subnet(const toml::table& table, const std::string& path) {
  TomlReader r(m_source, table, path, {"id", "vpc", "cidr", "az", "tags"});
  SubnetSpec subnet;
  subnet.id = read_id(r, "id", "subnet");
  claim_id(r, "id", subnet.id);
  subnet.vpc_id = r.required_string("vpc");
  const VpcSpec* vpc = find_vpc(subnet.vpc_id);
  if (vpc == nullptr) {
    r.fail("vpc", "unknown vpc '" + subnet.vpc_id + "' (declare it in a [[vpc]] table)");
  }
  std::string text = r.required_string("cidr");
  subnet.cidr = read_network(r, "cidr", text);
  if (std::none_of(vpc->cidrs.begin(), vpc->cidrs.end(),
                   [&](const Cidr& c) { return c.contains(subnet.cidr); })) {
    std::string blocks;
    for (const Cidr& c : vpc->cidrs) {
      blocks += (blocks.empty() ? "" : ", ") + c.to_string();
    }
    r.fail("cidr", text + " is outside vpc '" + vpc->id + "' (its CIDR blocks: " + blocks + ")");
  }
  for (const SubnetSpec& other : m_scenario.subnets) {
    if (other.vpc_id == subnet.vpc_id && other.cidr.overlaps(subnet.cidr)) {
      r.fail("cidr", text + " overlaps subnet '" + other.id + "' (" + other.cidr.to_string() + ")");
    }
  }
  subnet.az = r.required_string("az");
  if (subnet.az.size() != m_scenario.region.size() + 1 || !subnet.az.starts_with(m_scenario.region) ||
      subnet.az.back() < 'a' || subnet.az.back() > 'z') {
    r.fail("az", "'" + subnet.az + "' is not an availability zone of " + m_scenario.region +
                     " (expected e.g. " + m_scenario.region + "a)");
  }
  subnet.tags = r.tags("tags");
  m_scenario.subnets.push_back(std::move(subnet));
}

PolicySpec ScenarioLoader::read_policy(const TomlReader& r) {
  PolicySpec policy;
  auto allow = r.optional_strings("allow");
  if (!allow) {
    r.fail_table("missing required key 'allow' (" + r.key_path("allow") + "), e.g. allow = [\"ec2:*\"]");
  }
  for (const std::string& action : *allow) {
    if (action != "*" && !action.starts_with("ec2:")) {
      r.fail("allow",
             "'" + action + "' is not an EC2 action pattern (expected e.g. ec2:ReplaceRoute, ec2:Describe*)");
    }
  }
  policy.allow = *allow;
  if (auto resources = r.optional_strings("resources")) {
    for (const std::string& arn : *resources) {
      if (arn != "*" && !arn.starts_with("arn:aws:ec2:")) {
        r.fail("resources", "'" + arn + "' is not an EC2 resource ARN pattern (expected e.g. arn:aws:ec2:" +
                                m_scenario.region + ":" + m_scenario.account_id +
                                ":route-table/rtb-0a1b2c3d)");
      }
    }
    policy.resources = *resources;
  }
  return policy;
}

void ScenarioLoader::read_role(const toml::table& table, const std::string& path) {
  TomlReader r(m_source, table, path, {"name", "allow", "resources"});
  RoleSpec role;
  role.name = r.required_string("name");
  for (const RoleSpec& other : m_scenario.roles) {
    if (other.name == role.name) {
      r.fail("name", "duplicate role name '" + role.name + "'");
    }
  }
  role.policy = read_policy(r);
  m_scenario.roles.push_back(std::move(role));
}

void ScenarioLoader::read_credential(const toml::table& table, const std::string& path) {
  TomlReader r(m_source, table, path,
               {"access_key_id", "secret_access_key", "session_token", "allow", "resources"});
  CredentialSpec credential;
  credential.access_key_id = r.required_string("access_key_id");
  if (!is_access_key_id(credential.access_key_id)) {
    r.fail("access_key_id",
           "'" + credential.access_key_id +
               "' is not an access key id (expected 16-128 upper-case letters and digits, e.g. "
               "AKIAIOSFODNN7EXAMPLE)");
  }
  if (!m_access_keys.insert(credential.access_key_id).second) {
    r.fail("access_key_id", "duplicate access key id '" + credential.access_key_id + "'");
  }
  credential.secret_access_key = r.required_string("secret_access_key");
  credential.session_token = r.optional_string("session_token").value_or("");
  credential.policy = read_policy(r);
  m_scenario.credentials.push_back(std::move(credential));
}

}  // namespace cloudvip::sim
