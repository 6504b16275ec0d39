// DescribeRouteTables, CreateRoute, ReplaceRoute, DeleteRoute, with AWS's routing rules (aws-protocol.md §7).
#include <algorithm>

#include "sim/describe.h"
#include "sim/model.h"
#include "sim/resource_filters.h"
#include "sim/routing.h"
#include "sim/shapes.h"

namespace cloudvip::sim {
namespace {

struct RouteRequest {
  std::string table_id;
  Cidr destination;  // canonical
  TargetKind kind = TargetKind::gateway;
  std::string target_id;
};

constexpr std::string_view k_unsupported_targets[] = {"VpcPeeringConnectionId", "EgressOnlyInternetGatewayId",
                                                      "TransitGatewayId",       "LocalGatewayId",
                                                      "CarrierGatewayId",       "VpcEndpointId",
                                                      "CoreNetworkArn",         "OdbNetworkArn"};

std::expected<RouteRequest, ApiError> parse_route_request(const Params& params, bool with_target) {
  RouteRequest request;
  auto table_id = params.required("RouteTableId");
  if (!table_id) {
    return std::unexpected(table_id.error());
  }
  if (auto valid = check_id("rtb", *table_id); !valid) {
    return std::unexpected(valid.error());
  }
  request.table_id = *table_id;
  auto destination = params.get("DestinationCidrBlock");
  if (!destination || destination->empty()) {
    if (params.has("DestinationIpv6CidrBlock") || params.has("DestinationPrefixListId")) {
      return std::unexpected(errors::invalid_parameter_value(
          "IPv6 and prefix-list destinations are not supported by cloudvip-sim; use DestinationCidrBlock"));
    }
    return std::unexpected(errors::missing_parameter("destinationCidrBlock"));
  }
  auto cidr = Cidr::parse(*destination);
  if (!cidr) {
    return std::unexpected(
        errors::invalid_parameter_value("Value (" + *destination +
                                        ") for parameter destinationCidrBlock is invalid. This is "
                                        "not a valid CIDR block."));
  }
  request.destination = cidr->canonical();
  if (!with_target) {
    return request;
  }
  for (std::string_view unsupported : k_unsupported_targets) {
    if (params.has(unsupported)) {
      return std::unexpected(errors::invalid_parameter_value(
          "The route target " + std::string(unsupported) +
          " is not supported by cloudvip-sim (use NetworkInterfaceId, InstanceId, "
          "GatewayId or NatGatewayId)"));
    }
  }
  int targets = 0;
  for (TargetKind kind :
       {TargetKind::gateway, TargetKind::network_interface, TargetKind::instance, TargetKind::nat_gateway}) {
    if (auto id = params.get(target_parameter(kind)); id && !id->empty()) {
      ++targets;
      request.kind = kind;
      request.target_id = *id;
    }
  }
  if (targets != 1) {
    return std::unexpected(errors::invalid_parameter_combination(
        "The request must contain exactly one route target: GatewayId, InstanceId, NetworkInterfaceId or "
        "NatGatewayId"));
  }
  if (request.kind == TargetKind::network_interface || request.kind == TargetKind::instance) {
    if (auto valid = check_id(request.kind == TargetKind::instance ? "i" : "eni", request.target_id);
        !valid) {
      return std::unexpected(valid.error());
    }
  } else if (!is_target_id(request.kind, request.target_id)) {
    return std::unexpected(errors::invalid_parameter_value("Invalid value '" + request.target_id + "' for " +
                                                           std::string(target_parameter(request.kind))));
  }
  return request;
}

// The stored route for a request: an instance target resolves to its only ENI.
std::expected<Route, ApiError> resolve_target(const World& world, const RouteTable& table,
                                              const RouteRequest& request) {
  Route route;
  route.destination = request.destination;
  route.target_kind = request.kind;
  route.origin = "CreateRoute";
  const NetworkInterface* eni = nullptr;
  switch (request.kind) {
    case TargetKind::gateway:
      route.gateway_id = request.target_id;
      return route;
    case TargetKind::nat_gateway:
      route.nat_gateway_id = request.target_id;
      return route;
    case TargetKind::network_interface:
      eni = world.find_interface(request.target_id);
      if (eni == nullptr) {
        return std::unexpected(errors::not_found("eni", request.target_id));
      }
      break;
    case TargetKind::instance: {
      if (world.find_instance(request.target_id) == nullptr) {
        return std::unexpected(errors::not_found("i", request.target_id));
      }
      auto interfaces = world.interfaces_of(request.target_id);
      if (interfaces.size() != 1) {
        return std::unexpected(errors::instance_has_several_interfaces(request.target_id));
      }
      eni = interfaces.front();
      route.instance_id = request.target_id;
      break;
    }
  }
  if (eni->vpc_id != table.vpc_id) {
    return std::unexpected(errors::invalid_parameter_value(
        "route table " + table.id + " and network interface " + eni->id + " belong to different networks"));
  }
  route.network_interface_id = eni->id;
  return route;
}

}  // namespace

Model::Outcome Model::describe_route_tables_locked(const Params& p, const Caller& c,
                                                   const std::string& request_id) {
  DescribeRequest<RouteTable> request{
      "DescribeRouteTables",
      "RouteTableId",
      "rtb",
      "routeTableSet",
      true,
      5,
      100,
      &route_table_filter_names(),
      [](const RouteTable& t) { return t.id; },
      [](const RouteTable& t) -> const Tags& { return t.tags; },
      [this](const RouteTable& t, std::string_view name) {
        return route_table_filter_values(m_world, t, name);
      },
      [this](pugi::xml_node item, const RouteTable& t) { write_route_table(item, m_world, t); }};
  return describe(
      m_world.route_tables, request, p, [&] { return check_access(p, c, "DescribeRouteTables", "*"); },
      request_id);
}

Model::Outcome Model::create_route_locked(const Params& p, const Caller& c, const std::string& request_id) {
  auto request = parse_route_request(p, true);
  if (!request) {
    return std::unexpected(request.error());
  }
  if (auto allowed = check_access(p, c, "CreateRoute", m_iam.arn("route-table", request->table_id));
      !allowed) {
    return std::unexpected(allowed.error());
  }
  RouteTable* table = m_world.find_route_table(request->table_id);
  if (table == nullptr) {
    return std::unexpected(errors::not_found("rtb", request->table_id));
  }
  if (table->find_route(request->destination) != nullptr) {
    return std::unexpected(errors::route_already_exists(request->destination.to_string()));
  }
  auto route = resolve_target(m_world, *table, *request);
  if (!route) {
    return std::unexpected(route.error());
  }
  const VpcSpec& vpc = *m_world.find_vpc(table->vpc_id);
  if (auto refused = check_route_destination(route->destination, route->target_kind, vpc.cidrs,
                                             m_world.subnet_cidrs(vpc.id))) {
    return std::unexpected(*refused);
  }
  table->routes.push_back(*route);
  queue_route_change(RouteTableChange::Kind::created, *table, table->routes.back());
  XmlResponse response("CreateRoute", request_id);
  add_bool(response.root(), "return", true);
  return response.str();
}

Model::Outcome Model::replace_route_locked(const Params& p, const Caller& c, const std::string& request_id) {
  auto request = parse_route_request(p, true);
  if (!request) {
    return std::unexpected(request.error());
  }
  if (auto allowed = check_access(p, c, "ReplaceRoute", m_iam.arn("route-table", request->table_id));
      !allowed) {
    return std::unexpected(allowed.error());
  }
  RouteTable* table = m_world.find_route_table(request->table_id);
  if (table == nullptr) {
    return std::unexpected(errors::not_found("rtb", request->table_id));
  }
  Route* existing = table->find_route(request->destination);
  if (existing == nullptr) {
    return std::unexpected(errors::no_route_to_replace(request->destination.to_string()));
  }
  if (existing->local) {
    return std::unexpected(
        errors::invalid_parameter_value("The local route for " + existing->destination.to_string() +
                                        " in route table " + table->id + " cannot be replaced."));
  }
  auto route = resolve_target(m_world, *table, *request);
  if (!route) {
    return std::unexpected(route.error());
  }
  const VpcSpec& vpc = *m_world.find_vpc(table->vpc_id);
  if (auto refused = check_route_destination(route->destination, route->target_kind, vpc.cidrs,
                                             m_world.subnet_cidrs(vpc.id))) {
    return std::unexpected(*refused);
  }
  *existing = *route;
  queue_route_change(RouteTableChange::Kind::replaced, *table, *existing);
  return return_true_response("ReplaceRoute", request_id);
}

Model::Outcome Model::delete_route_locked(const Params& p, const Caller& c, const std::string& request_id) {
  auto request = parse_route_request(p, false);
  if (!request) {
    return std::unexpected(request.error());
  }
  if (auto allowed = check_access(p, c, "DeleteRoute", m_iam.arn("route-table", request->table_id));
      !allowed) {
    return std::unexpected(allowed.error());
  }
  RouteTable* table = m_world.find_route_table(request->table_id);
  if (table == nullptr) {
    return std::unexpected(errors::not_found("rtb", request->table_id));
  }
  Route* existing = table->find_route(request->destination);
  if (existing == nullptr) {
    return std::unexpected(errors::route_not_found(request->destination.to_string(), table->id));
  }
  if (existing->local) {
    return std::unexpected(errors::invalid_parameter_value(
        "cannot remove local route " + existing->destination.to_string() + " in route table " + table->id));
  }
  Route removed = *existing;
  table->routes.erase(table->routes.begin() + (existing - table->routes.data()));
  queue_route_change(RouteTableChange::Kind::deleted, *table, removed);
  return return_true_response("DeleteRoute", request_id);
}

}  // namespace cloudvip::sim
