#include "aws/crypto.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "common/strings.h"

namespace cloudvip::crypto {
namespace {

TEST(Sha256, EmptyInputHasTheWellKnownDigest) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, AbcMatchesFips180Vector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256("abc").size(), 32u);
}

TEST(Sha256, TwoBlockMessageMatchesFips180Vector) {
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, MillionAsMatchesFips180Vector) {
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// Bytes (i * 7 + 3) mod 256 for i < n: every length around the padding's edges (55 and 56 bytes: the length
// fits in the last block or needs one more) and the block size. Digests from Python's hashlib.
std::string pattern(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(static_cast<char>((i * 7 + 3) % 256));
  }
  return out;
}

TEST(Sha256, LengthsAtThePaddingEdgesMatchAReference) {
  const std::vector<std::pair<size_t, std::string>> cases = {
      {55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b"},
      {56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27"},
      {63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055"},
      {64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241"},
      {65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e"},
      {119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e"},
      {120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5"},
      {127, "a8d23e75d936f303d248888d9b165ee543f4cbafcad3c9dd2a79bd84faa11d07"},
      {128, "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6"},
      {1000, "1e9bc38cbf860b9ec31918b065f9b52476c549a782e0e7990bed8ce3868d2371"},
  };
  for (const auto& [length, digest] : cases) {
    EXPECT_EQ(sha256_hex(pattern(length)), digest) << length << " bytes";
  }
}

TEST(Sha256, PiecesHashLikeTheWhole) {
  std::string data = pattern(300);
  for (size_t piece : {1u, 3u, 63u, 64u, 65u, 200u}) {
    Sha256 hash;
    for (size_t at = 0; at < data.size(); at += piece) {
      hash.update(std::string_view(data).substr(at, piece));
    }
    EXPECT_EQ(hex_encode(hash.finish()), sha256_hex(data)) << "pieces of " << piece;
  }
}

TEST(Sha256, HashesEmbeddedNulBytes) {
  EXPECT_NE(sha256_hex(std::string("a\0b", 3)), sha256_hex("a"));
}

// The SHA extensions path and the portable one agree on every block, from every state (the digests above
// go through whichever this CPU uses).
TEST(Sha256, CpuExtensionsAgreeWithThePortableCompression) {
  detail::Sha256Compress fast = detail::sha256_compress_x86();
  if (fast == nullptr) {
    GTEST_SKIP() << "this CPU has no SHA extensions (or is not x86-64); only the portable path runs here";
  }
  std::mt19937 random(20261202);
  detail::Sha256State portable{};
  for (std::uint32_t& word : portable) {
    word = random();
  }
  detail::Sha256State extended = portable;
  std::array<unsigned char, Sha256::k_block_bytes> block{};
  for (int round = 0; round < 2000; ++round) {
    for (unsigned char& byte : block) {
      byte = static_cast<unsigned char>(round % 7 == 0 ? 0xff : random());
    }
    detail::compress_portable(portable, block.data());
    fast(extended, block.data());
    ASSERT_EQ(portable, extended) << "block " << round;
  }
}

TEST(HmacSha256, Rfc4231TestCase1) {
  EXPECT_EQ(hex_encode(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(HmacSha256, Rfc4231TestCase2) {
  EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256, Rfc4231TestCase6KeyLongerThanBlockSize) {
  EXPECT_EQ(hex_encode(hmac_sha256(std::string(131, '\xaa'),
                                   "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256, Rfc4231TestCase7LargerKeyAndData) {
  EXPECT_EQ(hex_encode(hmac_sha256(std::string(131, '\xaa'),
                                   "This is a test using a larger than block-size key and a larger than "
                                   "block-size data. The key needs to be hashed before being used by the "
                                   "HMAC algorithm.")),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST(HmacSha256, KeyOfExactlyOneBlockIsUsedAsIs) {  // reference: Python's hmac
  EXPECT_EQ(hex_encode(hmac_sha256(std::string(64, 'k'), "x")),
            "f91c4c403625fb06910ef93999265bbd2d62baeaec6ff36455498cc124fe3e66");
}

TEST(HmacSha256, EmptyKeyIsAccepted) {
  EXPECT_EQ(hex_encode(hmac_sha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
}

}  // namespace
}  // namespace cloudvip::crypto
