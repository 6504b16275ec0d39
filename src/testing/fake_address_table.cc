#include "testing/fake_address_table.h"

#include <fmt/format.h>

#include <algorithm>

namespace cloudvip::testing {

FakeAddressTable::FakeAddressTable(std::vector<std::string> interfaces) {
  for (const auto& name : interfaces) {
    add_interface(name);
  }
  if (!interfaces.empty()) {
    m_default_route = interfaces.front();
  }
}

std::optional<Error> FakeAddressTable::enter(Op op, std::string call) {
  m_calls.push_back(std::move(call));
  auto it = m_failures.find(op);
  if (it == m_failures.end()) {
    return std::nullopt;
  }
  Error error = it->second.error;
  if (it->second.remaining > 0 && --it->second.remaining == 0) {
    m_failures.erase(it);
  }
  return error;
}

Result<int> FakeAddressTable::lookup(std::string_view name) const {
  if (auto valid = validate_interface_name(name); !valid) {
    return cloudvip::fail(valid.error());
  }
  auto it = m_indexes.find(name);
  if (it == m_indexes.end()) {
    return cloudvip::fail(ErrorCode::not_found, "interface '" + std::string(name) +
                                                    "' does not exist; `ip link` lists the interfaces");
  }
  return it->second;
}

Result<std::vector<InterfaceAddress>> FakeAddressTable::list(std::string_view interface) {
  std::lock_guard lock(m_mutex);
  if (auto error = enter(Op::list, "list " + std::string(interface))) {
    return cloudvip::fail(*error);
  }
  if (auto index = lookup(interface); !index) {
    return cloudvip::fail(index.error());
  }
  return m_interfaces.find(interface)->second;
}

Result<bool> FakeAddressTable::add(const AddressSpec& spec) {
  std::lock_guard lock(m_mutex);
  if (auto valid = validate(spec); !valid) {
    m_calls.push_back("add " + to_string(spec));
    return cloudvip::fail(valid.error());
  }
  if (auto error = enter(Op::add, "add " + to_string(spec))) {
    return cloudvip::fail(*error);
  }
  if (auto index = lookup(spec.interface); !index) {
    return cloudvip::fail(index.error().wrap("adding " + to_string(spec)));
  }
  auto& addresses = m_interfaces.find(spec.interface)->second;
  bool present = std::ranges::any_of(addresses, [&](const InterfaceAddress& a) {
    return a.address == spec.address && a.prefix_len == spec.prefix_len;
  });
  if (present) {
    return false;
  }
  addresses.push_back({spec.address, spec.prefix_len, spec.label.value_or(spec.interface)});
  return true;
}

Result<bool> FakeAddressTable::remove(const AddressSpec& spec) {
  std::lock_guard lock(m_mutex);
  if (auto valid = validate(spec); !valid) {
    m_calls.push_back("remove " + to_string(spec));
    return cloudvip::fail(valid.error());
  }
  if (auto error = enter(Op::remove, "remove " + to_string(spec))) {
    return cloudvip::fail(*error);
  }
  if (auto index = lookup(spec.interface); !index) {
    return cloudvip::fail(index.error().wrap("removing " + to_string(spec)));
  }
  auto& addresses = m_interfaces.find(spec.interface)->second;
  auto erased = std::erase_if(addresses, [&](const InterfaceAddress& a) {
    return a.address == spec.address && a.prefix_len == spec.prefix_len;
  });
  return erased > 0;
}

Result<std::string> FakeAddressTable::default_route_interface() {
  std::lock_guard lock(m_mutex);
  if (auto error = enter(Op::default_route_interface, "default_route_interface")) {
    return cloudvip::fail(*error);
  }
  if (!m_default_route) {
    return cloudvip::fail(ErrorCode::not_found, "there is no IPv4 default route in the main routing table");
  }
  return *m_default_route;
}

Result<int> FakeAddressTable::interface_index(std::string_view name) {
  std::lock_guard lock(m_mutex);
  if (auto error = enter(Op::interface_index, "interface_index " + std::string(name))) {
    return cloudvip::fail(*error);
  }
  return lookup(name);
}

Result<std::string> FakeAddressTable::link_address(std::string_view interface) {
  std::lock_guard lock(m_mutex);
  if (auto error = enter(Op::link_address, "link_address " + std::string(interface))) {
    return cloudvip::fail(*error);
  }
  auto index = lookup(interface);
  if (!index) {
    return cloudvip::fail(index.error());
  }
  auto it = m_link_addresses.find(interface);
  if (it == m_link_addresses.end()) {
    return fmt::format("0e:00:00:00:00:{:02x}", *index & 0xff);
  }
  if (it->second.empty()) {
    return cloudvip::fail(ErrorCode::not_found,
                          "interface '" + std::string(interface) + "' has no link-layer address");
  }
  return it->second;
}

void FakeAddressTable::set_link_address(const std::string& interface, std::string mac) {
  add_interface(interface);
  std::lock_guard lock(m_mutex);
  m_link_addresses[interface] = std::move(mac);
}

void FakeAddressTable::add_interface(const std::string& name) {
  std::lock_guard lock(m_mutex);
  if (m_indexes.try_emplace(name, m_next_index).second) {
    ++m_next_index;
    m_interfaces.try_emplace(name);
  }
}

void FakeAddressTable::put_address(const std::string& interface, const InterfaceAddress& address) {
  add_interface(interface);
  std::lock_guard lock(m_mutex);
  m_interfaces[interface].push_back(address);
}

void FakeAddressTable::set_default_route_interface(std::optional<std::string> name) {
  std::lock_guard lock(m_mutex);
  m_default_route = std::move(name);
}

void FakeAddressTable::fail(Op op, Error error, int times) {
  std::lock_guard lock(m_mutex);
  if (times == 0) {
    m_failures.erase(op);
    return;
  }
  m_failures[op] = Failure{std::move(error), times};
}

void FakeAddressTable::clear_failures() {
  std::lock_guard lock(m_mutex);
  m_failures.clear();
}

std::vector<InterfaceAddress> FakeAddressTable::addresses(const std::string& interface) const {
  std::lock_guard lock(m_mutex);
  auto it = m_interfaces.find(interface);
  return it == m_interfaces.end() ? std::vector<InterfaceAddress>{} : it->second;
}

std::vector<std::string> FakeAddressTable::calls() const {
  std::lock_guard lock(m_mutex);
  return m_calls;
}

void FakeAddressTable::clear_calls() {
  std::lock_guard lock(m_mutex);
  m_calls.clear();
}

}  // namespace cloudvip::testing
