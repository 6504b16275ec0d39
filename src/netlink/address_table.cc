#include "netlink/address_table.h"

#include <algorithm>

namespace cloudvip {

std::string to_string(const AddressSpec& spec) {
  std::string text =
      spec.address.to_string() + "/" + std::to_string(spec.prefix_len) + " on " + spec.interface;
  if (spec.label) {
    text += " (label " + *spec.label + ")";
  }
  return text;
}

Result<void> validate_interface_name(std::string_view name) {
  if (name.empty()) {
    return fail(ErrorCode::invalid_argument,
                "the interface name is empty; name a network interface such as eth0 (`ip link` lists them)");
  }
  if (name.size() > k_max_interface_name) {
    return fail(ErrorCode::invalid_argument,
                "interface name '" + std::string(name) + "' is " + std::to_string(name.size()) +
                    " characters long; Linux allows at most " + std::to_string(k_max_interface_name));
  }
  bool bad_char = std::ranges::any_of(name, [](char c) {
    return c == '/' || c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0';
  });
  if (bad_char) {
    return fail(
        ErrorCode::invalid_argument,
        "interface name '" + std::string(name) +
            "' contains '/', ':' or whitespace; name the interface itself (eth0), not an alias (eth0:1)");
  }
  return ok();
}

Result<void> validate(const AddressSpec& spec) {
  if (auto valid = validate_interface_name(spec.interface); !valid) {
    return valid;
  }
  if (spec.prefix_len < 1 || spec.prefix_len > 32) {
    return fail(ErrorCode::invalid_argument, "prefix length " + std::to_string(spec.prefix_len) + " for " +
                                                 spec.address.to_string() +
                                                 " is out of range; use 1-32 (32 for a VIP)");
  }
  if (!spec.label) {
    return ok();
  }
  const std::string& label = *spec.label;
  std::string prefix = spec.interface + ":";
  if (!label.starts_with(prefix) || label.size() == prefix.size()) {
    return fail(ErrorCode::invalid_argument, "label '" + label + "' for interface " + spec.interface +
                                                 " must be the interface name, ':' and a suffix, e.g. " +
                                                 prefix + "1");
  }
  if (label.size() > k_max_interface_name) {
    return fail(ErrorCode::invalid_argument, "label '" + label + "' is " + std::to_string(label.size()) +
                                                 " characters long; Linux allows at most " +
                                                 std::to_string(k_max_interface_name) + " (e.g. " + prefix +
                                                 "1)");
  }
  return ok();
}

Result<bool> AddressTable::has(std::string_view interface, Ipv4Address address) {
  auto addresses = list(interface);
  if (!addresses) {
    return fail(addresses.error());
  }
  return std::ranges::any_of(*addresses, [&](const InterfaceAddress& a) { return a.address == address; });
}

Result<bool> AddressTable::interface_exists(std::string_view name) {
  auto index = interface_index(name);
  if (index) {
    return true;
  }
  if (index.error().code == ErrorCode::not_found) {
    return false;
  }
  return fail(index.error());
}

}  // namespace cloudvip
