#include "common/cidr.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace cloudvip {
namespace {

Cidr cidr(std::string_view text) {
  auto parsed = Cidr::parse(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed.value_or(Cidr());
}

Ipv4Address ip(std::string_view text) {
  auto parsed = Ipv4Address::parse(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed.value_or(Ipv4Address());
}

TEST(Ipv4AddressTest, ParsesAndPrintsDottedQuads) {
  EXPECT_EQ(ip("10.109.10.254").value(), 0x0a6d0afeu);
  EXPECT_EQ(ip("0.0.0.0").value(), 0u);
  EXPECT_EQ(ip("255.255.255.255").value(), 0xffffffffu);
  EXPECT_EQ(ip("192.168.100.10").to_string(), "192.168.100.10");
}

TEST(Ipv4AddressTest, RefusesAnythingButFourOctets) {
  for (std::string_view bad :
       {"", "10.0.0", "10.0.0.0.1", "10.0.0.256", " 10.0.0.1", "10.0.0.1 ", "10.0.0.01", "10..0.1",
        "10.0.0.-1", "a.b.c.d", "10.0.0.1/32", "1000.0.0.1", "10.0.0.1."}) {
    auto parsed = Ipv4Address::parse(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::invalid_argument);
    EXPECT_NE(parsed.error().message.find("'" + std::string(bad) + "'"), std::string::npos);
    EXPECT_NE(parsed.error().message.find("e.g. 10.0.0.1"), std::string::npos);
  }
}

TEST(CidrTest, ParsesKeepingHostBitsUntilCanonicalised) {
  Cidr c = cidr("10.109.10.254/27");
  EXPECT_EQ(c.to_string(), "10.109.10.254/27");
  EXPECT_FALSE(c.is_canonical());
  EXPECT_EQ(c.canonical().to_string(), "10.109.10.224/27");
  EXPECT_TRUE(c.canonical().is_canonical());
  EXPECT_EQ(cidr("100.68.0.18/18").canonical().to_string(), "100.68.0.0/18");
  EXPECT_EQ(cidr("1.2.3.4/0").canonical().to_string(), "0.0.0.0/0");
  EXPECT_EQ(cidr("1.2.3.4/32").canonical().to_string(), "1.2.3.4/32");
  EXPECT_EQ(c.last().to_string(), "10.109.10.255");
  EXPECT_EQ(c.size(), 32u);
  EXPECT_EQ(cidr("0.0.0.0/0").size(), std::uint64_t{1} << 32);
}

TEST(CidrTest, RefusesMalformedBlocks) {
  for (std::string_view bad : {"", "10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/08",
                               "10.0.0/8", "10.0.0.0/8 ", "x10.0.0.0/8", "10.0.0.0//8", "10.0.0.0/8/8"}) {
    auto parsed = Cidr::parse(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_NE(parsed.error().message.find("'" + std::string(bad) + "'"), std::string::npos);
    EXPECT_NE(parsed.error().message.find("e.g. 10.0.0.0/16"), std::string::npos);
  }
}

TEST(CidrTest, ContainsAddressesAndBlocks) {
  Cidr vpc = cidr("10.109.10.0/24");
  EXPECT_TRUE(vpc.contains(ip("10.109.10.0")));
  EXPECT_TRUE(vpc.contains(ip("10.109.10.255")));
  EXPECT_FALSE(vpc.contains(ip("10.109.11.0")));
  EXPECT_TRUE(vpc.contains(cidr("10.109.10.224/27")));
  EXPECT_TRUE(vpc.contains(cidr("10.109.10.254/32")));
  EXPECT_TRUE(vpc.contains(vpc));
  EXPECT_FALSE(vpc.contains(cidr("10.109.0.0/16")));
  EXPECT_FALSE(vpc.contains(cidr("192.168.100.10/32")));
  EXPECT_TRUE(cidr("0.0.0.0/0").contains(ip("255.255.255.255")));
  // An uncanonical block contains what its network contains.
  EXPECT_TRUE(cidr("10.109.10.254/27").contains(ip("10.109.10.225")));
}

TEST(CidrTest, OverlapIsSymmetric) {
  Cidr a = cidr("10.109.10.0/26");
  Cidr b = cidr("10.109.10.64/26");
  Cidr wide = cidr("10.109.10.0/25");
  EXPECT_FALSE(a.overlaps(b));
  EXPECT_FALSE(b.overlaps(a));
  EXPECT_TRUE(a.overlaps(wide));
  EXPECT_TRUE(wide.overlaps(a));
  EXPECT_TRUE(a.overlaps(a));
  EXPECT_TRUE(cidr("169.254.168.0/22").overlaps(cidr("169.254.169.254/32")));
}

TEST(CidrTest, EqualityAndOrdering) {
  EXPECT_EQ(cidr("10.0.0.0/8"), cidr("10.0.0.0/8"));
  EXPECT_NE(cidr("10.0.0.1/8"), cidr("10.0.0.0/8"));
  EXPECT_EQ(cidr("10.0.0.1/8").canonical(), cidr("10.0.0.0/8"));
  std::vector<Cidr> blocks{cidr("10.0.1.0/24"), cidr("10.0.0.0/24"), cidr("10.0.0.0/16")};
  std::sort(blocks.begin(), blocks.end());
  EXPECT_EQ(blocks[0].to_string(), "10.0.0.0/16");
  EXPECT_EQ(blocks[1].to_string(), "10.0.0.0/24");
  EXPECT_EQ(blocks[2].to_string(), "10.0.1.0/24");
  EXPECT_LT(ip("9.255.255.255"), ip("10.0.0.0"));
}

}  // namespace
}  // namespace cloudvip
