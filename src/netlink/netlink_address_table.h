// The production AddressTable: rtnetlink (NETLINK_ROUTE) through libmnl; never shells out to `ip`.
#pragma once

#include "common/clock.h"
#include "netlink/address_table.h"

namespace cloudvip {

// Each call opens, uses and closes its own netlink socket, so one instance is safe to use from several
// threads. Calls act in the network namespace of the calling thread. Changing addresses needs root or
// CAP_NET_ADMIN (ErrorCode::auth otherwise); listing does not.
class NetlinkAddressTable : public AddressTable {
 public:
  // Netlink is local, so answers come at once; `receive_timeout` only bounds a wait for a kernel that never
  // answers (ErrorCode::timeout).
  explicit NetlinkAddressTable(Millis receive_timeout = Millis(2000)) : m_receive_timeout(receive_timeout) {}

  Result<std::vector<InterfaceAddress>> list(std::string_view interface) override;
  Result<bool> add(const AddressSpec& spec) override;
  Result<bool> remove(const AddressSpec& spec) override;
  Result<std::string> default_route_interface() override;
  Result<int> interface_index(std::string_view name) override;
  Result<std::string> link_address(std::string_view interface) override;

 private:
  Millis m_receive_timeout;
};

}  // namespace cloudvip
