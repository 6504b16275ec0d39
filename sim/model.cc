#include "sim/model.h"

namespace cloudvip::sim {

std::string ApiResponse::body() const {
  return ok() ? *result : error_response_xml(result.error(), request_id);
}

Model::Model(const Scenario& scenario, const Clock& clock, IdSource& ids)
    : m_clock(clock),
      m_ids(ids),
      m_world(World::from_scenario(scenario, clock.now())),
      m_iam(scenario.region, scenario.account_id, clock, ids) {
  for (const CredentialSpec& credential : scenario.credentials) {
    m_iam.add_credential(credential);
  }
  for (const RoleSpec& role : scenario.roles) {
    m_iam.add_role(role);
  }
}

const std::vector<Model::ActionEntry>& Model::action_table() {
  static const std::vector<ActionEntry> k_actions = {
      {"DescribeRouteTables", &Model::describe_route_tables_locked},
      {"CreateRoute", &Model::create_route_locked},
      {"ReplaceRoute", &Model::replace_route_locked},
      {"DeleteRoute", &Model::delete_route_locked},
      {"DescribeInstances", &Model::describe_instances_locked},
      {"DescribeNetworkInterfaces", &Model::describe_network_interfaces_locked},
      {"DescribeSubnets", &Model::describe_subnets_locked},
      {"DescribeVpcs", &Model::describe_vpcs_locked},
      {"ModifyNetworkInterfaceAttribute", &Model::modify_network_interface_attribute_locked},
      {"ModifyInstanceAttribute", &Model::modify_instance_attribute_locked},
      {"AssociateAddress", &Model::associate_address_locked},
      {"DisassociateAddress", &Model::disassociate_address_locked},
      {"DescribeAddresses", &Model::describe_addresses_locked},
      {"AssignPrivateIpAddresses", &Model::assign_private_ip_addresses_locked},
      {"UnassignPrivateIpAddresses", &Model::unassign_private_ip_addresses_locked},
  };
  return k_actions;
}

std::vector<std::string_view> Model::actions() {
  std::vector<std::string_view> names;
  for (const ActionEntry& entry : action_table()) {
    names.push_back(entry.name);
  }
  return names;
}

ApiResponse Model::call(std::string_view action, const Params& params, const Caller& caller) {
  ApiResponse response;
  {
    std::lock_guard lock(m_mutex);
    response.request_id = m_ids.request_id();
    response.result = std::unexpected(errors::invalid_action(action));
    for (const ActionEntry& entry : action_table()) {
      if (entry.name == action) {
        response.result = (this->*entry.handler)(params, caller, response.request_id);
        break;
      }
    }
  }
  flush_route_changes();
  return response;
}

std::expected<void, ApiError> Model::check_access(const Params& params, const Caller& caller,
                                                  std::string_view action,
                                                  std::string_view resource_arn) const {
  auto dry_run = params.boolean("DryRun", false);
  if (!dry_run) {
    return std::unexpected(dry_run.error());
  }
  if (auto allowed = m_iam.authorize(caller.access_key_id, action, resource_arn); !allowed) {
    return allowed;
  }
  if (*dry_run) {
    return std::unexpected(errors::dry_run_operation());
  }
  return {};
}

void Model::queue_route_change(RouteTableChange::Kind kind, const RouteTable& table, const Route& route) {
  RouteTableChange change;
  change.kind = kind;
  change.route_table_id = table.id;
  change.vpc_id = table.vpc_id;
  change.destination = route.destination;
  change.network_interface_id = route.network_interface_id;
  change.state = kind == RouteTableChange::Kind::deleted ? "" : m_world.route_state(route);
  m_pending_changes.push_back(std::move(change));
}

std::vector<std::pair<std::string, std::string>> Model::route_states() const {
  std::vector<std::pair<std::string, std::string>> states;
  for (const RouteTable& table : m_world.route_tables) {
    for (const Route& route : table.routes) {
      states.emplace_back(table.id + " " + route.destination.to_string(), m_world.route_state(route));
    }
  }
  return states;
}

void Model::queue_state_changes(const std::vector<std::pair<std::string, std::string>>& before) {
  size_t i = 0;
  for (const RouteTable& table : m_world.route_tables) {
    for (const Route& route : table.routes) {
      // Only states change here (no route is added or removed), so the order matches `before`.
      if (i < before.size() && before[i].second != m_world.route_state(route)) {
        queue_route_change(RouteTableChange::Kind::state_changed, table, route);
      }
      ++i;
    }
  }
}

void Model::flush_route_changes() {
  std::vector<RouteTableChange> changes;
  std::vector<std::function<void(const RouteTableChange&)>> listeners;
  {
    std::lock_guard lock(m_mutex);
    changes.swap(m_pending_changes);
    listeners = m_listeners;
  }
  for (const RouteTableChange& change : changes) {
    for (const auto& listener : listeners) {
      listener(change);
    }
  }
}

void Model::on_route_change(std::function<void(const RouteTableChange&)> listener) {
  std::lock_guard lock(m_mutex);
  m_listeners.push_back(std::move(listener));
}

std::optional<CredentialRecord> Model::find_credential(std::string_view access_key_id) const {
  std::lock_guard lock(m_mutex);
  return m_iam.find(access_key_id);
}

std::expected<void, ApiError> Model::authorize(std::string_view access_key_id, std::string_view action,
                                               std::string_view resource_arn) const {
  std::lock_guard lock(m_mutex);
  return m_iam.authorize(access_key_id, action, resource_arn);
}

Result<RoleCredentials> Model::role_credentials(std::string_view instance_id) {
  std::lock_guard lock(m_mutex);
  Instance* instance = m_world.find_instance(instance_id);
  if (instance == nullptr || instance->iam_role.empty()) {
    return fail(ErrorCode::not_found, "instance '" + std::string(instance_id) + "' " +
                                          (instance == nullptr ? "does not exist" : "has no IAM role"));
  }
  return m_iam.role_credentials(instance->id, instance->iam_role);
}

Result<RoleCredentials> Model::rotate_role_credentials(std::string_view instance_id) {
  std::lock_guard lock(m_mutex);
  Instance* instance = m_world.find_instance(instance_id);
  if (instance == nullptr || instance->iam_role.empty()) {
    return fail(ErrorCode::not_found, "instance '" + std::string(instance_id) + "' " +
                                          (instance == nullptr ? "does not exist" : "has no IAM role"));
  }
  return m_iam.rotate_role_credentials(instance->id, instance->iam_role);
}

}  // namespace cloudvip::sim
