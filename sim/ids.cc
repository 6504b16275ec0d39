#include "sim/ids.h"

#include <cstdint>
#include <optional>

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

constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

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

std::string base64url_encode(std::string_view text) {
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (unsigned char c : text) {
    bits = (bits << 8) | c;
    count += 8;
    while (count >= 6) {
      count -= 6;
      out += k_alphabet[(bits >> count) & 0x3f];
    }
  }
  if (count > 0) {
    out += k_alphabet[(bits << (6 - count)) & 0x3f];
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (char c : text) {
    std::string_view alphabet(k_alphabet, 64);
    size_t value = alphabet.find(c);
    if (value == std::string_view::npos) {
      return std::nullopt;
    }
    bits = (bits << 6) | static_cast<unsigned>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  return out;
}

}  // namespace cloudvip::sim
