// The emulated VPC behind cloudvip-sim: the world state built from a Scenario, one method per EC2 action
// (decoded wire parameters in, the EC2 response XML or an ApiError out), IAM emulation, IMDS role
// credentials, and the admin hooks (state dump, instance start/stop, ENI attach/detach, route change
// listeners). Pure logic: no HTTP, no threads of its own; the HTTP layer is a dispatcher over call().
//
// Thread-safety: every public method may be called from several threads; one mutex guards the state.
// Route change listeners run on the calling thread after the mutex is released, so they may call back in.
//
// Order of checks in an action (as EC2 does it): parameter syntax (MissingParameter, malformed ids and
// values) -> IAM (UnauthorizedOperation 403) -> DryRun (DryRunOperation 412, nothing changes) ->
// existence and routing rules (NotFound, RouteAlreadyExists, InvalidParameterValue, ...) -> the change.
#pragma once

#include <nlohmann/json.hpp>

#include <expected>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "sim/api_error.h"
#include "sim/iam.h"
#include "sim/id_source.h"
#include "sim/params.h"
#include "sim/scenario.h"
#include "sim/world.h"

namespace cloudvip::sim {

// Who sends a request: the access key id from its (already verified) signature.
struct Caller {
  std::string access_key_id;
};

struct ApiResponse {
  std::string request_id;
  std::expected<std::string, ApiError> result;  // the success XML body, or the error

  bool ok() const { return result.has_value(); }
  int http_status() const { return ok() ? 200 : result.error().http_status; }
  // The success XML, or the EC2 error document carrying request_id.
  std::string body() const;
};

// A change to a route, for the lab's data plane (it programs kernel routes to follow the route tables).
struct RouteTableChange {
  enum class Kind { created, replaced, deleted, state_changed };
  Kind kind = Kind::created;
  std::string route_table_id;
  std::string vpc_id;
  Cidr destination;
  std::string network_interface_id;  // the ENI the route points at (empty for gateway targets)
  std::string state;                 // "active" or "blackhole" after the change; empty when deleted
};

// What IMDS needs to know about one instance.
struct InterfaceView {
  std::string id;
  std::string mac;
  int device_index = 0;
  std::string subnet_id;
  Cidr subnet_cidr;
  std::string vpc_id;
  std::vector<Cidr> vpc_cidrs;
  std::vector<Ipv4Address> private_ips;                         // the first is the primary
  std::vector<std::pair<Ipv4Address, Ipv4Address>> public_ips;  // (public, private) Elastic IP associations
};

struct InstanceView {
  std::string id;
  std::string account_id;
  std::string region;
  std::string az;
  std::string instance_type;
  std::string image_id;
  std::string iam_role;  // empty: none
  bool running = true;
  TimePoint launch_time;
  std::vector<InterfaceView> interfaces;  // attached, by device index
};

class Model {
 public:
  Model(const Scenario& scenario, const Clock& clock, IdSource& ids);
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  // Runs `action` (the wire Action value). Unknown actions: InvalidAction (400).
  ApiResponse call(std::string_view action, const Params& params, const Caller& caller);
  // The actions call() knows.
  static std::vector<std::string_view> actions();

  ApiResponse describe_route_tables(const Params& p, const Caller& c) {
    return call("DescribeRouteTables", p, c);
  }
  ApiResponse create_route(const Params& p, const Caller& c) { return call("CreateRoute", p, c); }
  ApiResponse replace_route(const Params& p, const Caller& c) { return call("ReplaceRoute", p, c); }
  ApiResponse delete_route(const Params& p, const Caller& c) { return call("DeleteRoute", p, c); }
  ApiResponse describe_instances(const Params& p, const Caller& c) { return call("DescribeInstances", p, c); }
  ApiResponse describe_network_interfaces(const Params& p, const Caller& c) {
    return call("DescribeNetworkInterfaces", p, c);
  }
  ApiResponse describe_subnets(const Params& p, const Caller& c) { return call("DescribeSubnets", p, c); }
  ApiResponse describe_vpcs(const Params& p, const Caller& c) { return call("DescribeVpcs", p, c); }
  ApiResponse modify_network_interface_attribute(const Params& p, const Caller& c) {
    return call("ModifyNetworkInterfaceAttribute", p, c);
  }
  ApiResponse modify_instance_attribute(const Params& p, const Caller& c) {
    return call("ModifyInstanceAttribute", p, c);
  }
  ApiResponse associate_address(const Params& p, const Caller& c) { return call("AssociateAddress", p, c); }
  ApiResponse disassociate_address(const Params& p, const Caller& c) {
    return call("DisassociateAddress", p, c);
  }
  ApiResponse describe_addresses(const Params& p, const Caller& c) { return call("DescribeAddresses", p, c); }
  ApiResponse assign_private_ip_addresses(const Params& p, const Caller& c) {
    return call("AssignPrivateIpAddresses", p, c);
  }
  ApiResponse unassign_private_ip_addresses(const Params& p, const Caller& c) {
    return call("UnassignPrivateIpAddresses", p, c);
  }

  // Identity, for the HTTP layer's SigV4 verification (it needs the secret) and for IMDS.
  std::optional<CredentialRecord> find_credential(std::string_view access_key_id) const;
  std::expected<void, ApiError> authorize(std::string_view access_key_id, std::string_view action,
                                          std::string_view resource_arn) const;
  // The instance's role credentials (issued or refreshed as needed); not_found without instance or role.
  Result<RoleCredentials> role_credentials(std::string_view instance_id);
  Result<RoleCredentials> rotate_role_credentials(std::string_view instance_id);
  std::optional<InstanceView> instance_view(std::string_view instance_id) const;
  std::string account_id() const { return m_world.account_id; }  // fixed after construction
  std::string region() const { return m_world.region; }

  // Admin hooks. Errors: not_found for unknown ids, invalid_argument for impossible transitions.
  nlohmann::json state_json() const;
  Result<void> start_instance(std::string_view instance_id);
  Result<void> stop_instance(std::string_view instance_id);
  Result<void> detach_interface(std::string_view interface_id);
  Result<void> attach_interface(std::string_view interface_id, std::string_view instance_id,
                                int device_index);
  // Called after every route creation, replacement, deletion and state change (stop/start, detach/attach).
  void on_route_change(std::function<void(const RouteTableChange&)> listener);

 private:
  using Outcome = std::expected<std::string, ApiError>;
  using Handler = Outcome (Model::*)(const Params&, const Caller&, const std::string& request_id);
  struct ActionEntry {
    std::string_view name;
    Handler handler;
  };
  static const std::vector<ActionEntry>& action_table();

  // IAM, then DryRun: an error to return, or nothing to go on with the action.
  std::expected<void, ApiError> check_access(const Params& params, const Caller& caller,
                                             std::string_view action, std::string_view resource_arn) const;
  void queue_route_change(RouteTableChange::Kind kind, const RouteTable& table, const Route& route);
  // Queues state_changed for every route whose state differs from `before` (route table id + destination).
  void queue_state_changes(const std::vector<std::pair<std::string, std::string>>& before);
  std::vector<std::pair<std::string, std::string>> route_states() const;
  void flush_route_changes();

  // actions_routes.cc
  Outcome describe_route_tables_locked(const Params& p, const Caller& c, const std::string& request_id);
  Outcome create_route_locked(const Params& p, const Caller& c, const std::string& request_id);
  Outcome replace_route_locked(const Params& p, const Caller& c, const std::string& request_id);
  Outcome delete_route_locked(const Params& p, const Caller& c, const std::string& request_id);
  // actions_describe.cc
  Outcome describe_instances_locked(const Params& p, const Caller& c, const std::string& request_id);
  Outcome describe_network_interfaces_locked(const Params& p, const Caller& c, const std::string& request_id);
  Outcome describe_subnets_locked(const Params& p, const Caller& c, const std::string& request_id);
  Outcome describe_vpcs_locked(const Params& p, const Caller& c, const std::string& request_id);
  // actions_interfaces.cc
  Outcome modify_network_interface_attribute_locked(const Params& p, const Caller& c,
                                                    const std::string& request_id);
  Outcome modify_instance_attribute_locked(const Params& p, const Caller& c, const std::string& request_id);
  Outcome assign_private_ip_addresses_locked(const Params& p, const Caller& c, const std::string& request_id);
  Outcome unassign_private_ip_addresses_locked(const Params& p, const Caller& c,
                                               const std::string& request_id);
  // actions_addresses.cc
  Outcome associate_address_locked(const Params& p, const Caller& c, const std::string& request_id);
  Outcome disassociate_address_locked(const Params& p, const Caller& c, const std::string& request_id);
  Outcome describe_addresses_locked(const Params& p, const Caller& c, const std::string& request_id);

  mutable std::mutex m_mutex;
  const Clock& m_clock;
  IdSource& m_ids;
  World m_world;
  Iam m_iam;
  std::vector<std::function<void(const RouteTableChange&)>> m_listeners;
  std::vector<RouteTableChange> m_pending_changes;
};

}  // namespace cloudvip::sim
