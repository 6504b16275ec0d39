// For a VIP whose local address something else manages (local_address = false, --no-local) and whose
// interface is not named: cloudvip then needs nothing from the host's network, so the VIP's ENI is the
// instance's primary one as instance metadata reports it (meta-data/mac), not the ENI behind the MAC of
// some local interface. This lets such a VIP be driven from a host or container whose own interfaces are
// not the instance's (a sidecar, a test against cloudvip-sim), and costs nothing on an ordinary instance,
// where the default route leaves by the primary ENI anyway.
#pragma once

#include <string>
#include <vector>

#include "netlink/address_table.h"
#include "vip/config.h"

namespace cloudvip::cli {

// True when `spec` needs no local interface: local_address = false and no interface configured.
bool uses_primary_eni(const VipSpec& spec);
bool uses_primary_eni(const std::vector<VipSpec>& specs);

// An AddressTable that forwards to `inner`, except that an interface's link address is "" (the Cloud's
// word for "the primary interface"), and a host without a default route names the interface "primary".
class PrimaryEniAddressTable final : public AddressTable {
 public:
  static constexpr std::string_view k_interface = "primary";

  explicit PrimaryEniAddressTable(AddressTable& inner) : m_inner(inner) {}

  Result<std::vector<InterfaceAddress>> list(std::string_view interface) override {
    return m_inner.list(interface);
  }
  Result<bool> add(const AddressSpec& spec) override { return m_inner.add(spec); }
  Result<bool> remove(const AddressSpec& spec) override { return m_inner.remove(spec); }
  Result<std::string> default_route_interface() override;
  Result<int> interface_index(std::string_view name) override;
  Result<std::string> link_address(std::string_view) override { return std::string(); }

 private:
  AddressTable& m_inner;
};

}  // namespace cloudvip::cli
