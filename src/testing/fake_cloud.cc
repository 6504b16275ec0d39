#include "testing/fake_cloud.h"

#include <algorithm>

namespace cloudvip::testing {
namespace {

std::string route_arg(const RouteChange& c) {
  return c.route_table_id + " " + c.destination.canonical().to_string() + " -> " + c.network_interface_id;
}

Error not_found(std::string aws_code, std::string message) {
  Error e(ErrorCode::aws, message);
  e.aws_code = std::move(aws_code);
  e.aws_message = std::move(message);
  e.http_status = 400;
  return e;
}

}  // namespace

void FakeCloud::set_identity(const Identity& identity, const std::string& mac) {
  std::lock_guard lock(m_mutex);
  m_identities[mac] = identity;
}

void FakeCloud::add_route_table(FakeRouteTable table) {
  std::lock_guard lock(m_mutex);
  m_tables.push_back(std::move(table));
}

void FakeCloud::set_route(const std::string& table_id, const Cidr& destination, VipRoute route) {
  std::lock_guard lock(m_mutex);
  for (FakeRouteTable& t : m_tables) {
    if (t.id == table_id) {
      t.routes[destination.canonical()] = std::move(route);
    }
  }
}

std::optional<VipRoute> FakeCloud::route(const std::string& table_id, const Cidr& destination) const {
  std::lock_guard lock(m_mutex);
  for (const FakeRouteTable& t : m_tables) {
    auto it = t.routes.find(destination.canonical());
    if (t.id == table_id && it != t.routes.end()) {
      return it->second;
    }
  }
  return std::nullopt;
}

void FakeCloud::add_subnet(const std::string& vpc_id, SubnetView subnet) {
  std::lock_guard lock(m_mutex);
  m_subnets[vpc_id].push_back(std::move(subnet));
}

void FakeCloud::add_elastic_ip(ElasticIpView eip) {
  std::lock_guard lock(m_mutex);
  m_eips[eip.allocation_id] = std::move(eip);
}

std::optional<ElasticIpView> FakeCloud::elastic_ip_now(const std::string& allocation_id) const {
  std::lock_guard lock(m_mutex);
  auto it = m_eips.find(allocation_id);
  return it == m_eips.end() ? std::nullopt : std::optional<ElasticIpView>(it->second);
}

void FakeCloud::add_network_interface(const std::string& eni, const std::string& instance_id,
                                      bool source_dest_check, std::vector<Ipv4Address> private_ips) {
  std::lock_guard lock(m_mutex);
  m_enis[eni] = Eni{instance_id, source_dest_check, std::move(private_ips)};
}

std::vector<Ipv4Address> FakeCloud::private_ips(const std::string& eni) const {
  std::lock_guard lock(m_mutex);
  auto it = m_enis.find(eni);
  return it == m_enis.end() ? std::vector<Ipv4Address>{} : it->second.private_ips;
}

void FakeCloud::fail_method(const std::string& method, Error error) {
  std::lock_guard lock(m_mutex);
  m_method_failures[method] = std::move(error);
}

void FakeCloud::fail_route_table(const std::string& route_table_id, Error error) {
  std::lock_guard lock(m_mutex);
  m_table_failures[route_table_id] = std::move(error);
}

void FakeCloud::clear_failures() {
  std::lock_guard lock(m_mutex);
  m_method_failures.clear();
  m_table_failures.clear();
}

std::vector<FakeCall> FakeCloud::calls() const {
  std::lock_guard lock(m_mutex);
  return m_calls;
}

std::vector<FakeCall> FakeCloud::calls(const std::string& method) const {
  std::lock_guard lock(m_mutex);
  std::vector<FakeCall> out;
  std::copy_if(m_calls.begin(), m_calls.end(), std::back_inserter(out),
               [&](const FakeCall& c) { return c.method == method; });
  return out;
}

size_t FakeCloud::mutating_call_count() const {
  std::lock_guard lock(m_mutex);
  return static_cast<size_t>(
      std::count_if(m_calls.begin(), m_calls.end(), [](const FakeCall& c) { return c.mutating; }));
}

std::vector<size_t> FakeCloud::point_routes_batches() const {
  std::lock_guard lock(m_mutex);
  return m_batches;
}

void FakeCloud::clear_calls() {
  std::lock_guard lock(m_mutex);
  m_calls.clear();
  m_batches.clear();
}

std::optional<Error> FakeCloud::record(std::string method, std::vector<std::string> args, bool write,
                                       bool dry_run) {
  auto failure = m_method_failures.find(method);
  m_calls.push_back(FakeCall{std::move(method), std::move(args), write && !dry_run, write && dry_run});
  return failure == m_method_failures.end() ? std::nullopt : std::optional<Error>(failure->second);
}

std::optional<Error> FakeCloud::table_failure(const std::string& table_id) const {
  auto it = m_table_failures.find(table_id);
  return it == m_table_failures.end() ? std::nullopt : std::optional<Error>(it->second);
}

RouteTableView FakeCloud::view(const FakeRouteTable& table, const Cidr& destination) const {
  RouteTableView v{table.id, table.vpc_id, table.main, table.subnet_ids, std::nullopt};
  auto it = table.routes.find(destination.canonical());
  if (it != table.routes.end()) {
    v.route = it->second;
  }
  return v;
}

Result<Identity> FakeCloud::identity(const std::string& mac) {
  std::lock_guard lock(m_mutex);
  if (std::optional<Error> e = record("identity", {mac}, false, false)) {
    return fail(*e);
  }
  auto it = m_identities.find(mac);
  if (it == m_identities.end()) {
    return fail(ErrorCode::not_found, "IMDS has no interface with MAC " + mac);
  }
  return it->second;
}

Result<std::vector<RouteTableView>> FakeCloud::route_tables(const RouteTableSelector& selector,
                                                            const std::string& vpc_id,
                                                            const Cidr& destination) {
  std::lock_guard lock(m_mutex);
  std::vector<std::string> args{"", vpc_id, destination.to_string()};
  switch (selector.kind) {
    case RouteTableSelector::Kind::ids:
      for (const std::string& id : selector.ids) {
        args[0] += (args[0].empty() ? "ids:" : ",") + id;
      }
      break;
    case RouteTableSelector::Kind::tag:
      args[0] = "tag:" + selector.tag_key + "=" + selector.tag_value;
      break;
    case RouteTableSelector::Kind::vpc:
      args[0] = "vpc";
      break;
  }
  if (std::optional<Error> e = record("route_tables", args, false, false)) {
    return fail(*e);
  }
  std::vector<RouteTableView> out;
  if (selector.kind == RouteTableSelector::Kind::ids) {
    for (const std::string& id : selector.ids) {
      if (std::optional<Error> e = table_failure(id)) {
        return fail(*e);
      }
      auto it =
          std::find_if(m_tables.begin(), m_tables.end(), [&](const FakeRouteTable& t) { return t.id == id; });
      if (it == m_tables.end()) {
        return fail(
            not_found("InvalidRouteTableID.NotFound", "The routeTable ID '" + id + "' does not exist"));
      }
      if (it->vpc_id != vpc_id) {
        return fail(ErrorCode::config,
                    "route table " + id + " belongs to " + it->vpc_id + ", not to " + vpc_id);
      }
      out.push_back(view(*it, destination));
    }
    return out;
  }
  for (const FakeRouteTable& t : m_tables) {
    auto tag = t.tags.find(selector.tag_key);
    bool tag_ok = selector.kind != RouteTableSelector::Kind::tag ||
                  (tag != t.tags.end() && tag->second == selector.tag_value);
    if (t.vpc_id == vpc_id && tag_ok) {
      out.push_back(view(t, destination));
    }
  }
  return out;
}

Result<std::vector<RouteTableView>> FakeCloud::all_route_tables(const std::string& vpc_id,
                                                                const Cidr& destination) {
  std::lock_guard lock(m_mutex);
  if (std::optional<Error> e = record("all_route_tables", {vpc_id, destination.to_string()}, false, false)) {
    return fail(*e);
  }
  std::vector<RouteTableView> out;
  for (const FakeRouteTable& t : m_tables) {
    if (t.vpc_id == vpc_id) {
      out.push_back(view(t, destination));
    }
  }
  return out;
}

Result<std::vector<RouteTableRoutes>> FakeCloud::read_route_tables(const RouteTableScope& scope,
                                                                   const std::vector<Cidr>& destinations) {
  std::lock_guard lock(m_mutex);
  std::vector<std::string> args{scope.whole_vpc ? "vpc:" + scope.vpc_id : "ids:"};
  if (!scope.whole_vpc) {
    for (const std::string& id : scope.ids) {
      args[0] += (args[0] == "ids:" ? "" : ",") + id;
    }
  }
  for (const Cidr& destination : destinations) {
    args.push_back(destination.to_string());
  }
  if (std::optional<Error> e = record("read_route_tables", args, false, false)) {
    return fail(*e);
  }
  auto convert = [&](const FakeRouteTable& t) {
    RouteTableRoutes out{t.id, t.vpc_id, t.main, t.tags, {}};
    for (const Cidr& destination : destinations) {
      auto it = t.routes.find(destination.canonical());
      if (it != t.routes.end()) {
        out.routes[destination.canonical()] = it->second;
      }
    }
    return out;
  };
  std::vector<RouteTableRoutes> out;
  if (scope.whole_vpc) {
    for (const FakeRouteTable& t : m_tables) {
      if (t.vpc_id == scope.vpc_id) {
        out.push_back(convert(t));
      }
    }
    return out;
  }
  for (const std::string& id : scope.ids) {
    if (std::optional<Error> e = table_failure(id)) {
      return fail(*e);
    }
    auto it =
        std::find_if(m_tables.begin(), m_tables.end(), [&](const FakeRouteTable& t) { return t.id == id; });
    if (it == m_tables.end()) {
      return fail(not_found("InvalidRouteTableID.NotFound", "The routeTable ID '" + id + "' does not exist"));
    }
    if (it->vpc_id != scope.vpc_id) {
      return fail(ErrorCode::config,
                  "route table " + id + " belongs to " + it->vpc_id + ", not to " + scope.vpc_id);
    }
    if (std::ranges::find(out, id, &RouteTableRoutes::id) == out.end()) {
      out.push_back(convert(*it));
    }
  }
  return out;
}

Result<std::vector<SubnetView>> FakeCloud::subnets(const std::string& vpc_id) {
  std::lock_guard lock(m_mutex);
  if (std::optional<Error> e = record("subnets", {vpc_id}, false, false)) {
    return fail(*e);
  }
  auto it = m_subnets.find(vpc_id);
  return it == m_subnets.end() ? std::vector<SubnetView>{} : it->second;
}

std::vector<Result<Applied>> FakeCloud::point_routes(const std::vector<RouteChange>& changes, bool dry_run) {
  std::lock_guard lock(m_mutex);
  std::vector<std::string> args;
  for (const RouteChange& c : changes) {
    args.push_back(route_arg(c));
  }
  m_batches.push_back(changes.size());
  std::optional<Error> failure = record("point_routes", std::move(args), true, dry_run);
  std::vector<Result<Applied>> results;
  for (const RouteChange& c : changes) {
    auto table = std::find_if(m_tables.begin(), m_tables.end(),
                              [&](const FakeRouteTable& t) { return t.id == c.route_table_id; });
    if (std::optional<Error> e = failure ? failure : table_failure(c.route_table_id)) {
      results.emplace_back(fail(*e));
    } else if (table == m_tables.end()) {
      results.emplace_back(fail(not_found("InvalidRouteTableID.NotFound",
                                          "The routeTable ID '" + c.route_table_id + "' does not exist")));
    } else if (dry_run) {
      results.emplace_back(Applied::dry_run_allowed);
    } else {
      auto eni = m_enis.find(c.network_interface_id);
      table->routes[c.destination.canonical()] =
          VipRoute{c.network_interface_id, eni == m_enis.end() ? "" : eni->second.instance_id, "", "active"};
      results.emplace_back(Applied::changed);
    }
  }
  return results;
}

std::vector<Result<Applied>> FakeCloud::delete_routes(const std::vector<RouteChange>& routes, bool dry_run) {
  std::lock_guard lock(m_mutex);
  std::vector<std::string> args;
  for (const RouteChange& c : routes) {
    args.push_back(route_arg(c));
  }
  std::optional<Error> failure = record("delete_routes", std::move(args), true, dry_run);
  std::vector<Result<Applied>> results;
  for (const RouteChange& c : routes) {
    if (std::optional<Error> e = failure ? failure : table_failure(c.route_table_id)) {
      results.emplace_back(fail(*e));
      continue;
    }
    if (!dry_run) {
      for (FakeRouteTable& t : m_tables) {
        if (t.id == c.route_table_id) {
          t.routes.erase(c.destination.canonical());
        }
      }
    }
    results.emplace_back(dry_run ? Applied::dry_run_allowed : Applied::changed);
  }
  return results;
}

Result<ElasticIpView> FakeCloud::elastic_ip(const std::string& allocation_id) {
  std::lock_guard lock(m_mutex);
  if (std::optional<Error> e = record("elastic_ip", {allocation_id}, false, false)) {
    return fail(*e);
  }
  auto it = m_eips.find(allocation_id);
  if (it == m_eips.end()) {
    return fail(not_found("InvalidAllocationID.NotFound",
                          "The allocation ID '" + allocation_id + "' does not exist"));
  }
  return it->second;
}

Result<Applied> FakeCloud::associate_elastic_ip(const std::string& allocation_id,
                                                const std::string& network_interface_id,
                                                const std::string& private_ip, bool dry_run) {
  std::lock_guard lock(m_mutex);
  if (std::optional<Error> e =
          record("associate_elastic_ip", {allocation_id, network_interface_id, private_ip}, true, dry_run)) {
    return fail(*e);
  }
  auto it = m_eips.find(allocation_id);
  if (it == m_eips.end()) {
    return fail(not_found("InvalidAllocationID.NotFound",
                          "The allocation ID '" + allocation_id + "' does not exist"));
  }
  if (dry_run) {
    return Applied::dry_run_allowed;
  }
  auto eni = m_enis.find(network_interface_id);
  std::string ip = private_ip;
  if (ip.empty() && eni != m_enis.end() && !eni->second.private_ips.empty()) {
    ip = eni->second.private_ips.front().to_string();
  }
  it->second.network_interface_id = network_interface_id;
  it->second.instance_id = eni == m_enis.end() ? "" : eni->second.instance_id;
  it->second.private_ip = ip;
  it->second.association_id = "eipassoc-" + network_interface_id;
  return Applied::changed;
}

Result<bool> FakeCloud::source_dest_check(const std::string& network_interface_id) {
  std::lock_guard lock(m_mutex);
  if (std::optional<Error> e = record("source_dest_check", {network_interface_id}, false, false)) {
    return fail(*e);
  }
  auto it = m_enis.find(network_interface_id);
  if (it == m_enis.end()) {
    return fail(not_found("InvalidNetworkInterfaceID.NotFound",
                          "The networkInterface ID '" + network_interface_id + "' does not exist"));
  }
  return it->second.source_dest_check;
}

Result<Applied> FakeCloud::set_source_dest_check(const std::string& network_interface_id, bool enabled,
                                                 bool dry_run) {
  std::lock_guard lock(m_mutex);
  if (std::optional<Error> e = record("set_source_dest_check",
                                      {network_interface_id, enabled ? "true" : "false"}, true, dry_run)) {
    return fail(*e);
  }
  auto it = m_enis.find(network_interface_id);
  if (it == m_enis.end()) {
    return fail(not_found("InvalidNetworkInterfaceID.NotFound",
                          "The networkInterface ID '" + network_interface_id + "' does not exist"));
  }
  if (dry_run) {
    return Applied::dry_run_allowed;
  }
  it->second.source_dest_check = enabled;
  return Applied::changed;
}

Result<Applied> FakeCloud::assign_private_ip(const std::string& network_interface_id, Ipv4Address address,
                                             bool dry_run) {
  std::lock_guard lock(m_mutex);
  if (std::optional<Error> e =
          record("assign_private_ip", {network_interface_id, address.to_string()}, true, dry_run)) {
    return fail(*e);
  }
  auto it = m_enis.find(network_interface_id);
  if (it == m_enis.end()) {
    return fail(not_found("InvalidNetworkInterfaceID.NotFound",
                          "The networkInterface ID '" + network_interface_id + "' does not exist"));
  }
  if (dry_run) {
    return fail(ErrorCode::unavailable, "AssignPrivateIpAddresses has no DryRun (as AwsCloud)");
  }
  for (auto& [id, eni] : m_enis) {
    std::erase(eni.private_ips, address);
  }
  it->second.private_ips.push_back(address);
  return Applied::changed;
}

}  // namespace cloudvip::testing
