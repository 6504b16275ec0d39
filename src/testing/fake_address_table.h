// An in-memory AddressTable for tests: interfaces and their addresses in a map, a settable default route,
// switchable failures per operation, and a record of every call. Safe to use from several threads (the engine
// applies its steps in parallel).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "netlink/address_table.h"

namespace cloudvip::testing {

class FakeAddressTable : public AddressTable {
 public:
  enum class Op { list, add, remove, default_route_interface, interface_index, link_address };

  // Starts with the given interfaces (no addresses) and, when `interfaces` is not empty, the default route
  // leaving by the first of them.
  explicit FakeAddressTable(std::vector<std::string> interfaces = {"eth0"});

  Result<std::vector<InterfaceAddress>> list(std::string_view interface) override;
  Result<bool> add(const AddressSpec& spec) override;
  Result<bool> remove(const AddressSpec& spec) override;
  Result<std::string> default_route_interface() override;
  Result<int> interface_index(std::string_view name) override;
  // The MAC set by set_link_address, else "0e:00:00:00:00:XX" with XX the interface's index in hex.
  Result<std::string> link_address(std::string_view interface) override;

  // --- set-up ---
  void add_interface(const std::string& name);
  // Gives `interface` (created if missing) this MAC; "" makes it an interface without one (not_found).
  void set_link_address(const std::string& interface, std::string mac);
  // Puts an address on `interface` directly (creating the interface), not recorded as a call.
  void put_address(const std::string& interface, const InterfaceAddress& address);
  // nullopt: no default route (default_route_interface answers not_found).
  void set_default_route_interface(std::optional<std::string> name);
  // Makes `op` answer `error` for the next `times` calls (-1: until cleared). Validation comes first, so an
  // invalid spec still answers invalid_argument.
  void fail(Op op, Error error, int times = -1);
  void clear_failures();

  // --- inspection ---
  // The addresses on `interface` now (empty when there is no such interface).
  std::vector<InterfaceAddress> addresses(const std::string& interface) const;
  // Every call so far, one line each: "list eth0", "add 10.109.10.254/32 on eth0 (label eth0:1)",
  // "remove 10.109.10.254/32 on eth0", "default_route_interface", "interface_index eth0", "link_address
  // eth0".
  std::vector<std::string> calls() const;
  void clear_calls();

 private:
  struct Failure {
    Error error;
    int remaining = -1;
  };

  // Records the call and answers the switched-on failure for `op`, if any. REQUIRES: m_mutex held.
  std::optional<Error> enter(Op op, std::string call);
  Result<int> lookup(std::string_view name) const;  // REQUIRES: m_mutex held

  mutable std::mutex m_mutex;
  std::map<std::string, std::vector<InterfaceAddress>, std::less<>> m_interfaces;
  std::map<std::string, int, std::less<>> m_indexes;
  std::map<std::string, std::string, std::less<>> m_link_addresses;
  std::optional<std::string> m_default_route;
  std::map<Op, Failure> m_failures;
  std::vector<std::string> m_calls;
  int m_next_index = 2;  // 1 is lo on Linux
};

}  // namespace cloudvip::testing
