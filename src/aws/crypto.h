// SHA-256 and HMAC-SHA256, the two primitives SigV4 needs, on OpenSSL 3's EVP interface.
// Digests are returned as raw bytes; use hex_encode (common/strings.h) or sha256_hex for text.
#pragma once

#include <string>
#include <string_view>

namespace cloudvip::crypto {

// The 32-byte SHA-256 digest of `data`.
std::string sha256(std::string_view data);

// Lower-case hex of the SHA-256 digest of `data` (64 characters).
std::string sha256_hex(std::string_view data);

// The 32-byte HMAC-SHA256 of `data` under `key` (any key length).
std::string hmac_sha256(std::string_view key, std::string_view data);

// Compares in time that depends only on the lengths, so a verifier does not leak how much of a signature
// an attacker got right.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace cloudvip::crypto
