#include "vip/cloud.h"

#include <algorithm>

namespace cloudvip {

Result<std::vector<RouteTableRoutes>> Cloud::read_route_tables(const RouteTableScope& scope,
                                                               const std::vector<Cidr>& destinations) {
  std::vector<RouteTableRoutes> out;
  auto entry = [&out](const RouteTableView& view) -> RouteTableRoutes& {
    auto it = std::ranges::find(out, view.id, &RouteTableRoutes::id);
    if (it != out.end()) {
      return *it;
    }
    out.push_back(RouteTableRoutes{view.id, view.vpc_id, view.main, {}, {}});
    return out.back();
  };
  RouteTableSelector selector{.kind = RouteTableSelector::Kind::ids, .ids = scope.ids};
  for (const Cidr& destination : destinations) {
    Result<std::vector<RouteTableView>> views = scope.whole_vpc
                                                    ? all_route_tables(scope.vpc_id, destination)
                                                    : route_tables(selector, scope.vpc_id, destination);
    if (!views) {
      return fail(views.error());
    }
    for (const RouteTableView& view : *views) {
      RouteTableRoutes& table = entry(view);
      if (view.route) {
        table.routes[destination.canonical()] = *view.route;
      }
    }
  }
  return out;
}

}  // namespace cloudvip
