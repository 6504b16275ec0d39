// Internal to the scenario loader (see scenario.h for the file format): builds a Scenario section by
// section. Sections that refer to others are read after them, so every reference is checked where it is
// written and the error points at that line. Problems are thrown as ScenarioProblem; parse_scenario()
// turns them into a Result.
#pragma once

#include <toml++/toml.h>

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "sim/scenario.h"
#include "sim/toml_reader.h"

namespace cloudvip::sim {

class ScenarioLoader {
 public:
  explicit ScenarioLoader(std::string_view source) : m_source(source) {}

  // Throws ScenarioProblem.
  Scenario load(const toml::table& root);

 private:
  using SectionReader = void (ScenarioLoader::*)(const toml::table&, const std::string&);
  void read_all(const TomlReader& top, std::string_view section, SectionReader read);

  // scenario_loader.cc: ids, networks, vpcs, subnets, roles and credentials.
  std::string read_id(const TomlReader& r, std::string_view key, std::string_view prefix);
  void claim_id(const TomlReader& r, std::string_view key, const std::string& id);
  Cidr read_cidr(const TomlReader& r, std::string_view key, const std::string& text);
  Cidr read_network(const TomlReader& r, std::string_view key, const std::string& text);
  Ipv4Address read_address(const TomlReader& r, std::string_view key, const std::string& text);
  PolicySpec read_policy(const TomlReader& r);
  void read_vpc(const toml::table& table, const std::string& path);
  void read_subnet(const toml::table& table, const std::string& path);
  void read_role(const toml::table& table, const std::string& path);
  void read_credential(const toml::table& table, const std::string& path);

  const VpcSpec* find_vpc(std::string_view id) const;
  const SubnetSpec* find_subnet(std::string_view id) const;
  const InstanceSpec* find_instance(std::string_view id) const;
  const EniSpec* find_eni(std::string_view id) const;
  const SubnetSpec& require_subnet(const TomlReader& r, std::string_view key, const std::string& id) const;

  // scenario_resources.cc: instances and their ENIs, route tables and routes, Elastic IPs.
  void read_instance(const toml::table& table, const std::string& path);
  EniSpec read_eni(const toml::table& table, const std::string& path, const InstanceSpec& instance,
                   size_t position);
  void read_route_table(const toml::table& table, const std::string& path);
  RouteSpec read_route(const toml::table& table, const std::string& path, const RouteTableSpec& route_table);
  void read_elastic_ip(const toml::table& table, const std::string& path);

  std::string_view m_source;
  Scenario m_scenario;
  std::set<std::string> m_ids;
  std::set<std::string> m_macs;
  std::set<std::string> m_access_keys;
  std::set<Ipv4Address> m_public_ips;
  std::map<std::string, std::string> m_private_ips;   // "vpc-id ip" -> the ENI holding it
  std::map<std::string, std::string> m_main_tables;   // vpc id -> its main route table
  std::map<std::string, std::string> m_associations;  // subnet id -> its explicitly associated route table
};

// "subnet[2]"
std::string indexed_key(std::string_view section, size_t index);

}  // namespace cloudvip::sim
