// AwsCloud::read_route_tables: the daemon's one DescribeRouteTables for every table of every VIP.
#include <algorithm>

#include "vip/aws_cloud.h"

namespace cloudvip {

Result<std::vector<RouteTableRoutes>> AwsCloud::read_route_tables(const RouteTableScope& scope,
                                                                  const std::vector<Cidr>& destinations) {
  std::vector<std::string> ids;
  for (const std::string& id : scope.ids) {
    if (std::ranges::find(ids, id) == ids.end()) {
      ids.push_back(id);
    }
  }
  if (!scope.whole_vpc && ids.empty()) {
    return std::vector<RouteTableRoutes>{};
  }
  std::vector<Filter> filters;
  if (scope.whole_vpc) {
    ids.clear();
    filters.push_back({"vpc-id", {scope.vpc_id}});
  }
  Result<std::vector<RouteTable>> tables = m_ec2.describe_route_tables(ids, filters);
  if (!tables) {
    return fail(tables.error().wrap(
        scope.whole_vpc
            ? "cannot read the route tables of " + scope.vpc_id
            : "cannot read route tables " + ids.front() +
                  (ids.size() > 1 ? " and " + std::to_string(ids.size() - 1) + " more" : std::string())));
  }
  auto convert = [&](const RouteTable& table) {
    RouteTableRoutes out;
    RouteTableView view = to_view(table, destinations.empty() ? Cidr() : destinations.front());
    out.id = table.id;
    out.vpc_id = table.vpc_id;
    out.main = view.main;
    for (const auto& tag : table.tags) {
      out.tags[tag.key] = tag.value;
    }
    for (const Cidr& destination : destinations) {
      if (std::optional<VipRoute> route = find_vip_route(table, destination)) {
        out.routes[destination.canonical()] = std::move(*route);
      }
    }
    return out;
  };
  std::vector<RouteTableRoutes> out;
  if (scope.whole_vpc) {
    for (const RouteTable& table : *tables) {
      out.push_back(convert(table));
    }
    return out;
  }
  for (const std::string& id : ids) {
    auto it = std::ranges::find(*tables, id, &RouteTable::id);
    if (it == tables->end()) {
      return fail(
          ErrorCode::not_found,
          "route table " + id + " was not returned by EC2 DescribeRouteTables; check the id and the region");
    }
    if (it->vpc_id != scope.vpc_id) {
      return fail(ErrorCode::config, "route table " + id + " belongs to " + it->vpc_id + ", not to " +
                                         scope.vpc_id + " (this instance's VPC); list only route tables of " +
                                         scope.vpc_id);
    }
    out.push_back(convert(*it));
  }
  return out;
}

}  // namespace cloudvip
