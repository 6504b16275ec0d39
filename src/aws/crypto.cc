#include "aws/crypto.h"

#include <string.h>  // explicit_bzero

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

#include <algorithm>

#include "common/strings.h"

namespace cloudvip::crypto {

using detail::compress_portable;
using detail::sha256_compress_x86;
using detail::Sha256Compress;
using detail::Sha256State;

namespace {

// FIPS 180-4, 4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes.
constexpr std::array<std::uint32_t, 64> k_round = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// 5.3.3: the first 32 bits of the fractional parts of the square roots of the first 8 primes.
constexpr std::array<std::uint32_t, 8> k_initial = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

constexpr std::uint32_t rotr(std::uint32_t x, int n) {
  return (x >> n) | (x << (32 - n));
}

}  // namespace

namespace detail {

void compress_portable(Sha256State& state, const unsigned char* block) {
  std::array<std::uint32_t, 64> w{};
  for (int t = 0; t < 16; ++t) {
    w[t] = (std::uint32_t{block[4 * t]} << 24) | (std::uint32_t{block[4 * t + 1]} << 16) |
           (std::uint32_t{block[4 * t + 2]} << 8) | std::uint32_t{block[4 * t + 3]};
  }
  for (int t = 16; t < 64; ++t) {
    std::uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
    std::uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  std::uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
  std::uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
  for (int t = 0; t < 64; ++t) {
    std::uint32_t t1 =
        h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k_round[t] + w[t];
    std::uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
  state[4] += e;
  state[5] += f;
  state[6] += g;
  state[7] += h;
}

#if defined(__x86_64__)
namespace {

// The SHA extensions (SHA-NI) run the rounds two at a time in sha256rnds2 and the message schedule in
// sha256msg1/msg2; the state lives in two registers as ABEF and CDGH. Each group of four rounds i takes
// W[4i..4i+3] (one register) plus their round constants.
__attribute__((target("sha,sse4.1,ssse3"))) void compress_x86_sha(Sha256State& state,
                                                                  const unsigned char* block) {
  // Message words are big-endian: swap the bytes of each 32-bit lane.
  const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i dcba = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&state[0]));
  __m128i hgfe = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&state[4]));
  __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
  __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
  __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
  __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
  const __m128i abef_before = abef;
  const __m128i cdgh_before = cdgh;

  __m128i w[16];  // NOLINT(modernize-avoid-c-arrays): std::array drops the vector type's alignment attribute
  for (int i = 0; i < 16; ++i) {
    if (i < 4) {
      w[i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * i)), byte_swap);
    } else {
      // W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four at a time.
      __m128i sum =
          _mm_add_epi32(_mm_sha256msg1_epu32(w[i - 4], w[i - 3]), _mm_alignr_epi8(w[i - 1], w[i - 2], 4));
      w[i] = _mm_sha256msg2_epu32(sum, w[i - 1]);
    }
    __m128i wk = _mm_add_epi32(w[i], _mm_loadu_si128(reinterpret_cast<const __m128i*>(&k_round[4 * i])));
    cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);  // rounds 4i, 4i+1: cdgh now holds the new ABEF
    abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));  // rounds 4i+2, 4i+3
  }
  abef = _mm_add_epi32(abef, abef_before);
  cdgh = _mm_add_epi32(cdgh, cdgh_before);

  __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&state[0]), _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&state[4]), _mm_alignr_epi8(dchg, feba, 8));
}

}  // namespace

Sha256Compress sha256_compress_x86() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) {
    return nullptr;
  }
  const bool ssse3 = (ecx & bit_SSSE3) != 0;
  const bool sse41 = (ecx & bit_SSE4_1) != 0;
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) {
    return nullptr;
  }
  const bool sha = (ebx & bit_SHA) != 0;
  return ssse3 && sse41 && sha ? compress_x86_sha : nullptr;
}
#else
Sha256Compress sha256_compress_x86() {
  return nullptr;
}
#endif

}  // namespace detail

Sha256::Sha256() : m_state(k_initial) {}

void Sha256::compress(const unsigned char* block) {
  static const Sha256Compress fast = sha256_compress_x86();
  if (fast != nullptr) {
    fast(m_state, block);
  } else {
    compress_portable(m_state, block);
  }
}

void Sha256::update(std::string_view data) {
  const auto* in = reinterpret_cast<const unsigned char*>(data.data());
  std::size_t left = data.size();
  m_length += left;
  if (m_buffered > 0) {
    std::size_t take = std::min(left, k_block_bytes - m_buffered);
    std::copy_n(in, take, m_buffer.begin() + static_cast<std::ptrdiff_t>(m_buffered));
    m_buffered += take;
    in += take;
    left -= take;
    if (m_buffered < k_block_bytes) {
      return;
    }
    compress(m_buffer.data());
    m_buffered = 0;
  }
  for (; left >= k_block_bytes; in += k_block_bytes, left -= k_block_bytes) {
    compress(in);
  }
  std::copy_n(in, left, m_buffer.begin());
  m_buffered = left;
}

std::string Sha256::finish() {
  // 5.1.1: a 1 bit, zeros up to 56 bytes into the last block, then the length in bits, big-endian.
  std::uint64_t bits = m_length * 8;
  m_buffer[m_buffered++] = 0x80;
  if (m_buffered > k_block_bytes - 8) {
    std::fill(m_buffer.begin() + static_cast<std::ptrdiff_t>(m_buffered), m_buffer.end(), 0);
    compress(m_buffer.data());
    m_buffered = 0;
  }
  std::fill(m_buffer.begin() + static_cast<std::ptrdiff_t>(m_buffered), m_buffer.end() - 8, 0);
  for (int i = 0; i < 8; ++i) {
    m_buffer[k_block_bytes - 1 - i] = static_cast<unsigned char>(bits >> (8 * i));
  }
  compress(m_buffer.data());
  std::string digest(k_digest_bytes, '\0');
  for (std::size_t i = 0; i < 8; ++i) {
    for (std::size_t j = 0; j < 4; ++j) {
      digest[4 * i + j] = static_cast<char>(m_state[i] >> (24 - 8 * j));
    }
  }
  return digest;
}

std::string sha256(std::string_view data) {
  Sha256 hash;
  hash.update(data);
  return hash.finish();
}

std::string sha256_hex(std::string_view data) {
  return hex_encode(sha256(data));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  // RFC 2104: a key longer than the block is hashed first; then H(K ^ opad, H(K ^ ipad, data)).
  std::string block_key = key.size() > Sha256::k_block_bytes ? sha256(key) : std::string(key);
  block_key.resize(Sha256::k_block_bytes, '\0');
  std::string inner_pad(Sha256::k_block_bytes, '\0');
  std::string outer_pad(Sha256::k_block_bytes, '\0');
  for (std::size_t i = 0; i < Sha256::k_block_bytes; ++i) {
    inner_pad[i] = static_cast<char>(block_key[i] ^ 0x36);
    outer_pad[i] = static_cast<char>(block_key[i] ^ 0x5c);
  }
  Sha256 inner;
  inner.update(inner_pad);
  inner.update(data);
  Sha256 outer;
  outer.update(outer_pad);
  outer.update(inner.finish());
  // The padded keys are the secret key in all but name: not left in freed memory.
  explicit_bzero(block_key.data(), block_key.size());
  explicit_bzero(inner_pad.data(), inner_pad.size());
  explicit_bzero(outer_pad.data(), outer_pad.size());
  return outer.finish();
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  volatile unsigned char difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    difference = difference | static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return difference == 0;
}

}  // namespace cloudvip::crypto
