#include "sim/ids.h"

#include <cstdint>

namespace cloudvip::sim {
namespace {

bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

std::uint64_t fnv1a(std::string_view text, std::uint64_t hash) {
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

}  // namespace

bool is_resource_id(std::string_view id, std::string_view prefix) {
  if (id.size() <= prefix.size() + 1 || id.substr(0, prefix.size()) != prefix || id[prefix.size()] != '-') {
    return false;
  }
  std::string_view digits = id.substr(prefix.size() + 1);
  if (digits.size() != 8 && digits.size() != 17) {
    return false;
  }
  for (char c : digits) {
    if (!is_lower_hex(c)) {
      return false;
    }
  }
  return true;
}

std::string derived_id(std::string_view prefix, std::string_view seed) {
  static constexpr char k_hex[] = "0123456789abcdef";
  std::uint64_t high = fnv1a(seed, 0xcbf29ce484222325ull);
  std::uint64_t low = fnv1a(seed, high);
  std::string out(prefix);
  out += '-';
  out += k_hex[low & 0xf];
  for (int shift = 60; shift >= 0; shift -= 4) {
    out += k_hex[(high >> shift) & 0xf];
  }
  return out;
}

bool is_mac_address(std::string_view mac) {
  if (mac.size() != 17) {
    return false;
  }
  for (size_t i = 0; i < mac.size(); ++i) {
    if (i % 3 == 2 ? mac[i] != ':' : !is_lower_hex(mac[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace cloudvip::sim
