// SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), the two primitives SigV4 needs, written here rather than
// taken from OpenSSL: a fresh cloudvip process (a failover hook) signs a handful of requests, and loading
// libcrypto and setting up its providers at the first digest cost more than the whole rest of its start-up
// (issue 9; bench/README.md, "Start-up"). Nothing here branches on or indexes by the data, so the time of
// an HMAC does not depend on its key. Proven on FIPS 180's and RFC 4231's vectors (crypto_test.cc) and on
// the 38 cases of the SigV4 suite (sigv4_test.cc).
// Digests are returned as raw bytes; use hex_encode (common/strings.h) or sha256_hex for text.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cloudvip::crypto {

namespace detail {
using Sha256State = std::array<std::uint32_t, 8>;
using Sha256Compress = void (*)(Sha256State& state, const unsigned char* block);
// FIPS 180-4 6.2.2 on one 64-byte block, in portable C++.
void compress_portable(Sha256State& state, const unsigned char* block);
// The same on the CPU's SHA extensions (x86-64 with SHA, SSSE3 and SSE4.1, checked with cpuid); nullptr
// where there are none. Sha256 uses it when there is one: a fresh acquire signs a dozen requests before
// and around its writes, and this cuts the hashing's cost several times over (issue 9). Exposed so tests can
// hold the two to each other.
Sha256Compress sha256_compress_x86();
}  // namespace detail

// An incremental SHA-256: update() any number of times, then finish() once.
class Sha256 {
 public:
  static constexpr std::size_t k_block_bytes = 64;
  static constexpr std::size_t k_digest_bytes = 32;

  Sha256();
  void update(std::string_view data);
  // The 32-byte digest. The object is spent afterwards.
  std::string finish();

 private:
  void compress(const unsigned char* block);

  std::array<std::uint32_t, 8> m_state;
  std::array<unsigned char, k_block_bytes> m_buffer{};
  std::size_t m_buffered = 0;
  std::uint64_t m_length = 0;  // bytes hashed so far
};

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
