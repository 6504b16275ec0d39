#include "common/cidr.h"

#include <cassert>
#include <optional>

namespace cloudvip {
namespace {

// Parses a decimal number of 1-3 digits without a leading zero (a lone "0" is fine); nullopt otherwise.
std::optional<unsigned> parse_small_decimal(std::string_view text) {
  if (text.empty() || text.size() > 3 || (text.size() > 1 && text[0] == '0')) {
    return std::nullopt;
  }
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value;
}

std::optional<Ipv4Address> parse_address(std::string_view text) {
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    size_t dot = text.find('.');
    bool last = (i == 3);
    if (last != (dot == std::string_view::npos)) {
      return std::nullopt;
    }
    auto octet = parse_small_decimal(last ? text : text.substr(0, dot));
    if (!octet || *octet > 255) {
      return std::nullopt;
    }
    value = (value << 8) | *octet;
    if (!last) {
      text.remove_prefix(dot + 1);
    }
  }
  return Ipv4Address(value);
}

}  // namespace

Result<Ipv4Address> Ipv4Address::parse(std::string_view text) {
  if (auto address = parse_address(text)) {
    return *address;
  }
  return fail(ErrorCode::invalid_argument, "'" + std::string(text) +
                                               "' is not an IPv4 address (expected four decimal octets 0-255 "
                                               "separated by dots, e.g. 10.0.0.1)");
}

std::string Ipv4Address::to_string() const {
  return std::to_string(m_value >> 24) + "." + std::to_string((m_value >> 16) & 0xff) + "." +
         std::to_string((m_value >> 8) & 0xff) + "." + std::to_string(m_value & 0xff);
}

Cidr::Cidr(Ipv4Address address, int prefix) : m_address(address), m_prefix(prefix) {
  assert(prefix >= 0 && prefix <= 32);
}

Result<Cidr> Cidr::parse(std::string_view text) {
  size_t slash = text.find('/');
  if (slash != std::string_view::npos) {
    auto address = parse_address(text.substr(0, slash));
    auto prefix = parse_small_decimal(text.substr(slash + 1));
    if (address && prefix && *prefix <= 32) {
      return Cidr(*address, static_cast<int>(*prefix));
    }
  }
  return fail(ErrorCode::invalid_argument,
              "'" + std::string(text) +
                  "' is not a CIDR block (expected an IPv4 address, a slash and a prefix length 0-32, "
                  "e.g. 10.0.0.0/16)");
}

std::uint32_t Cidr::mask() const {
  return m_prefix == 0 ? 0u : ~std::uint32_t{0} << (32 - m_prefix);
}

Ipv4Address Cidr::network() const {
  return Ipv4Address(m_address.value() & mask());
}

Ipv4Address Cidr::last() const {
  return Ipv4Address(m_address.value() | ~mask());
}

std::uint64_t Cidr::size() const {
  return std::uint64_t{1} << (32 - m_prefix);
}

Cidr Cidr::canonical() const {
  return Cidr(network(), m_prefix);
}

bool Cidr::contains(Ipv4Address address) const {
  return (address.value() & mask()) == network().value();
}

bool Cidr::contains(const Cidr& other) const {
  return other.m_prefix >= m_prefix && contains(other.network());
}

bool Cidr::overlaps(const Cidr& other) const {
  return contains(other.network()) || other.contains(network());
}

std::string Cidr::to_string() const {
  return m_address.to_string() + "/" + std::to_string(m_prefix);
}

}  // namespace cloudvip
