#include "vip/route_destination.h"

#include <gtest/gtest.h>

namespace cloudvip {
namespace {

Ipv4Address ip(std::string_view text) {
  return Ipv4Address::parse(text).value();
}
Cidr cidr(std::string_view text) {
  return Cidr::parse(text).value();
}

const std::vector<Cidr> k_vpc = {cidr("10.109.0.0/16")};
const std::vector<Cidr> k_subnets = {cidr("10.109.1.0/24"), cidr("10.109.2.0/24"), cidr("10.109.10.224/27")};

TEST(RouteDestinationTest, OverlayVipIsAHostRoute) {
  auto destination = route_destination(ip("192.168.100.10"), k_vpc, k_subnets);
  ASSERT_TRUE(destination.has_value()) << destination.error().message;
  EXPECT_EQ(*destination, cidr("192.168.100.10/32"));
}

TEST(RouteDestinationTest, InVpcVipRoutesItsWholeSubnet) {
  auto destination = route_destination(ip("10.109.10.254"), k_vpc, k_subnets);
  ASSERT_TRUE(destination.has_value()) << destination.error().message;
  EXPECT_EQ(*destination, cidr("10.109.10.224/27"));
}

TEST(RouteDestinationTest, SubnetGivenWithHostBitsIsCanonicalised) {
  auto destination = route_destination(ip("10.109.10.254"), k_vpc, {cidr("10.109.10.250/27")});
  ASSERT_TRUE(destination.has_value()) << destination.error().message;
  EXPECT_EQ(*destination, cidr("10.109.10.224/27"));
}

TEST(RouteDestinationTest, SecondVpcCidrCountsAsInside) {
  std::vector<Cidr> vpc = {cidr("10.109.0.0/16"), cidr("100.64.0.0/16")};
  auto destination = route_destination(ip("100.64.5.5"), vpc, k_subnets);
  ASSERT_FALSE(destination.has_value());
  EXPECT_NE(destination.error().message.find("100.64.0.0/16"), std::string::npos)
      << destination.error().message;
}

TEST(RouteDestinationTest, InVpcButInNoSubnetExplainsTheSubnetRule) {
  auto destination = route_destination(ip("10.109.20.10"), k_vpc, k_subnets);
  ASSERT_FALSE(destination.has_value());
  EXPECT_EQ(destination.error().code, ErrorCode::config);
  const std::string& message = destination.error().message;
  EXPECT_NE(message.find("10.109.20.10"), std::string::npos) << message;
  EXPECT_NE(message.find("inside the VPC CIDR 10.109.0.0/16"), std::string::npos) << message;
  EXPECT_NE(message.find("exactly a subnet's CIDR"), std::string::npos) << message;
  EXPECT_NE(message.find("subnet of its own"), std::string::npos) << message;
  EXPECT_NE(message.find("e.g. 10.109.20.0/28"), std::string::npos) << message;  // free, so suggested
}

TEST(RouteDestinationTest, NoSuggestionWhenTheSmallestSubnetWouldOverlap) {
  // 10.109.3.0/28 overlaps 10.109.3.8/29, so it cannot be suggested.
  auto destination = route_destination(ip("10.109.3.2"), k_vpc, {cidr("10.109.3.8/29")});
  ASSERT_FALSE(destination.has_value());
  EXPECT_EQ(destination.error().message.find("e.g. 10.109.3.0/28"), std::string::npos)
      << destination.error().message;
}

TEST(RouteDestinationTest, LinkLocalIsRefused) {
  for (const char* vip : {"169.254.169.254", "169.254.170.2", "169.254.1.1"}) {
    auto destination = route_destination(ip(vip), k_vpc, k_subnets);
    ASSERT_FALSE(destination.has_value()) << vip;
    EXPECT_EQ(destination.error().code, ErrorCode::config);
    EXPECT_NE(destination.error().message.find("169.254.168.0/22"), std::string::npos)
        << destination.error().message;
  }
}

TEST(RouteDestinationTest, AddressesAwsReservesInTheSubnetAreRefused) {
  for (const char* vip : {"10.109.10.224", "10.109.10.225", "10.109.10.227", "10.109.10.255"}) {
    auto destination = route_destination(ip(vip), k_vpc, k_subnets);
    ASSERT_FALSE(destination.has_value()) << vip;
    EXPECT_NE(destination.error().message.find("reserves in subnet 10.109.10.224/27"), std::string::npos)
        << destination.error().message;
  }
  EXPECT_TRUE(route_destination(ip("10.109.10.228"), k_vpc, k_subnets).has_value());
}

}  // namespace
}  // namespace cloudvip
