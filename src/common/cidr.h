// IPv4 addresses and CIDR blocks as values: strict parsing, canonical form, containment and overlap.
// Shared by the emulator (route destinations, subnets) and the tool (VIP placement checks).
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"

namespace cloudvip {

class Ipv4Address {
 public:
  constexpr Ipv4Address() = default;
  constexpr explicit Ipv4Address(std::uint32_t value) : m_value(value) {}

  // Accepts exactly four decimal octets 0-255 separated by dots ("10.109.10.254"); no spaces, no leading
  // zeros ("010" is refused: some parsers read it as octal), nothing before or after.
  static Result<Ipv4Address> parse(std::string_view text);

  constexpr std::uint32_t value() const { return m_value; }
  std::string to_string() const;

  friend constexpr auto operator<=>(Ipv4Address, Ipv4Address) = default;

 private:
  std::uint32_t m_value = 0;
};

// A CIDR block as written: the address keeps its host bits until canonical() clears them, so
// "10.109.10.254/27" can be shown back as given. Equality and ordering compare address then prefix.
class Cidr {
 public:
  constexpr Cidr() = default;
  // REQUIRES: prefix in 0..32.
  Cidr(Ipv4Address address, int prefix);

  // Accepts "a.b.c.d/n" (the address as Ipv4Address::parse, n a decimal 0-32 without leading zeros).
  static Result<Cidr> parse(std::string_view text);
  // The /32 block of one address.
  static Cidr host(Ipv4Address address) { return Cidr(address, 32); }

  Ipv4Address address() const { return m_address; }
  int prefix() const { return m_prefix; }
  std::uint32_t mask() const;
  // The network address: the address with its host bits cleared.
  Ipv4Address network() const;
  // The last address of the block (the broadcast address for prefixes below 31).
  Ipv4Address last() const;
  // Number of addresses in the block (2^(32-prefix)).
  std::uint64_t size() const;

  // The same block with host bits cleared: 10.109.10.254/27 -> 10.109.10.224/27.
  Cidr canonical() const;
  bool is_canonical() const { return m_address == network(); }

  bool contains(Ipv4Address address) const;
  // True when every address of `other` lies in this block.
  bool contains(const Cidr& other) const;
  bool overlaps(const Cidr& other) const;

  // "a.b.c.d/n" with the address as stored (call canonical() first for the network form).
  std::string to_string() const;

  friend auto operator<=>(const Cidr&, const Cidr&) = default;

 private:
  Ipv4Address m_address;
  int m_prefix = 0;
};

}  // namespace cloudvip
