// The route view cache's file (src/vip/route_view_cache.h): whatever parses must format back to text that
// parses to the same view, so a fresh acquire never acts on a view that differs from the one stored.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "vip/route_view_cache.h"

using namespace cloudvip;

namespace {

bool same(const RouteViewFile& a, const RouteViewFile& b) {
  if (a.boot_id != b.boot_id || a.key != b.key || a.tables.size() != b.tables.size()) {
    return false;
  }
  for (size_t i = 0; i < a.tables.size(); ++i) {
    const RouteTableView& x = a.tables[i];
    const RouteTableView& y = b.tables[i];
    if (x.id != y.id || x.vpc_id != y.vpc_id || x.main != y.main ||
        x.route.has_value() != y.route.has_value()) {
      return false;
    }
    if (x.route && (x.route->network_interface_id != y.route->network_interface_id ||
                    x.route->instance_id != y.route->instance_id ||
                    x.route->other_target != y.route->other_target || x.route->state != y.route->state)) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::optional<RouteViewFile> parsed = parse_route_view_file(text);
  if (!parsed) {
    return 0;
  }
  std::optional<RouteViewFile> again = parse_route_view_file(format_route_view_file(*parsed));
  if (!again || !same(*parsed, *again)) {
    __builtin_trap();
  }
  return 0;
}
