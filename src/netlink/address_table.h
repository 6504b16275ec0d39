// The VIP on a local interface: list, add and remove IPv4 addresses (what `ip addr add 10.109.10.254/32 dev
// eth0 label eth0:1` does) and find the interface of the default route.
//
// Abstract so the engine can be unit-tested without root; NetlinkAddressTable is the production one and
// testing::FakeAddressTable the in-memory one for tests.
//
// No gratuitous ARP is sent after add: in AWS the VPC fabric delivers the VIP by its route-table entry to the
// primary's ENI and ignores ARP announcements, and the VIP is a /32 that no neighbour on the subnet resolves
// by ARP. (A classic same-subnet VIP would need one; that is not the case cloudvip serves.)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/cidr.h"
#include "common/error.h"

namespace cloudvip {

// The longest interface name and address label the kernel takes (IFNAMSIZ - 1).
inline constexpr size_t k_max_interface_name = 15;

// One IPv4 address as the kernel holds it on an interface.
struct InterfaceAddress {
  Ipv4Address address;
  int prefix_len = 32;
  std::string label;  // the interface name when the address was added without a label, else e.g. "eth0:1"

  friend bool operator==(const InterfaceAddress&, const InterfaceAddress&) = default;
};

// What add and remove act on.
struct AddressSpec {
  std::string interface;  // e.g. "eth0"
  Ipv4Address address;    // e.g. 10.109.10.254
  int prefix_len = 32;    // 1-32
  std::optional<std::string>
      label;  // e.g. "eth0:1": the interface name, ':' and a suffix; at most 15 characters

  friend bool operator==(const AddressSpec&, const AddressSpec&) = default;
};

// "10.109.10.254/32 on eth0 (label eth0:1)", for messages and logs.
std::string to_string(const AddressSpec& spec);

// An interface name the kernel could hold: 1-15 characters, no '/', ':' or whitespace.
// ErrorCode::invalid_argument naming the value and the rule otherwise.
Result<void> validate_interface_name(std::string_view name);

// The interface name, the prefix length (1-32) and the label (starts with the interface name and ':', has a
// suffix, at most 15 characters). ErrorCode::invalid_argument naming the field, the value and the fix.
Result<void> validate(const AddressSpec& spec);

class AddressTable {
 public:
  virtual ~AddressTable() = default;

  // The IPv4 addresses on `interface`, in the kernel's order. ErrorCode::not_found when there is no such
  // interface.
  virtual Result<std::vector<InterfaceAddress>> list(std::string_view interface) = 0;

  // Puts spec.address/spec.prefix_len on spec.interface with spec.label. True when it was added; false when
  // that address with that prefix length was already there (the label is not compared), which is not an
  // error. Errors: invalid_argument (see validate), not_found (no such interface), auth (needs
  // root/CAP_NET_ADMIN).
  virtual Result<bool> add(const AddressSpec& spec) = 0;

  // Takes spec.address/spec.prefix_len off spec.interface, whatever its label. True when it was removed;
  // false when it was not there, which is not an error. Errors as for add.
  virtual Result<bool> remove(const AddressSpec& spec) = 0;

  // The name of the interface the IPv4 default route of the main table leaves by (the lowest metric when
  // there are several). ErrorCode::not_found when there is no IPv4 default route.
  virtual Result<std::string> default_route_interface() = 0;

  // The kernel's index of interface `name`. ErrorCode::not_found when there is no such interface.
  virtual Result<int> interface_index(std::string_view name) = 0;

  // The link-layer (MAC) address of `interface`, lower-case and colon-separated ("0e:1a:2b:3c:4d:5e"): what
  // IMDS keys the instance's network interfaces by, so the engine finds the ENI that holds the VIP.
  // ErrorCode::not_found when there is no such interface or it has no link-layer address.
  virtual Result<std::string> link_address(std::string_view interface) = 0;

  // Whether `address` is on `interface` with any prefix length (via list).
  Result<bool> has(std::string_view interface, Ipv4Address address);

  // Whether an interface called `name` exists (via interface_index); errors other than not_found pass
  // through.
  Result<bool> interface_exists(std::string_view name);
};

}  // namespace cloudvip
