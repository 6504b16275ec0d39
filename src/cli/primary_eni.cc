#include "cli/primary_eni.h"

#include <algorithm>

namespace cloudvip::cli {

bool uses_primary_eni(const VipSpec& spec) {
  return !spec.local_address && !spec.interface;
}

bool uses_primary_eni(const std::vector<VipSpec>& specs) {
  return std::ranges::all_of(specs, [](const VipSpec& spec) { return uses_primary_eni(spec); });
}

Result<std::string> PrimaryEniAddressTable::default_route_interface() {
  Result<std::string> interface = m_inner.default_route_interface();
  if (interface) {
    return interface;
  }
  return std::string(k_interface);
}

Result<int> PrimaryEniAddressTable::interface_index(std::string_view name) {
  if (name == k_interface) {
    return 0;
  }
  return m_inner.interface_index(name);
}

}  // namespace cloudvip::cli
