#include "vip/config_values.h"

#include <gtest/gtest.h>

#include <array>

namespace cloudvip {
namespace {

TEST(ConfigValuesTest, TimeoutUnits) {
  EXPECT_EQ(parse_timeout("10", "--timeout"), Millis(10000));
  EXPECT_EQ(parse_timeout("2.5s", "--timeout"), Millis(2500));
  EXPECT_EQ(parse_timeout("500ms", "--timeout"), Millis(500));
  EXPECT_EQ(parse_timeout("1m", "--timeout"), Millis(60000));
  EXPECT_EQ(parse_timeout("600", "--timeout"), Millis(600000));
  for (const char* bad : {"", "s", "ten", "10 s", "0", "0.0001", "601", "-1", "inf", "nan"}) {
    auto timeout = parse_timeout(bad, "--timeout");
    ASSERT_FALSE(timeout.has_value()) << bad;
    EXPECT_EQ(timeout.error().code, ErrorCode::config);
    EXPECT_TRUE(timeout.error().message.starts_with("--timeout: '" + std::string(bad) + "'"))
        << timeout.error().message;
  }
}

TEST(ConfigValuesTest, ResourceIdsTakeEightOrSeventeenLowerHexDigits) {
  EXPECT_TRUE(check_route_table_id("rtb-0a1b2c3d", "k").has_value());
  EXPECT_TRUE(check_route_table_id("rtb-0123456789abcdef0", "k").has_value());
  for (const char* bad :
       {"rtb-0a1b2c3", "rtb-0A1B2C3D", "rtb-0123456789abcdef", "rt-0a1b2c3d", "rtb-0a1b2c3d "}) {
    EXPECT_FALSE(check_route_table_id(bad, "k").has_value()) << bad;
  }
  EXPECT_TRUE(check_elastic_ip("eipalloc-0123456789abcdef0", "k").has_value());
  EXPECT_FALSE(check_elastic_ip("eipalloc-0123456789abcdef", "k").has_value());
}

TEST(ConfigValuesTest, AddressesThatCanBeVips) {
  for (const char* good : {"10.109.10.254", "192.168.100.10", "172.16.0.1", "100.64.1.1", "1.2.3.4"}) {
    EXPECT_TRUE(check_vip_address(good, "k").has_value()) << good;
  }
  for (const char* bad : {"0.1.2.3", "127.0.0.1", "169.254.168.1", "224.0.0.1", "240.0.0.1",
                          "255.255.255.255", "010.1.1.1", " 10.1.1.1", "::1"}) {
    EXPECT_FALSE(check_vip_address(bad, "k").has_value()) << bad;
  }
}

TEST(ConfigValuesTest, LabelWithoutInterfaceChecksTheFormOnly) {
  EXPECT_TRUE(check_label("ens5:vip", std::nullopt, "k").has_value());
  EXPECT_TRUE(check_label("eth0:1", std::string("eth0"), "k").has_value());
  EXPECT_FALSE(check_label("eth0:", std::nullopt, "k").has_value());
  EXPECT_FALSE(check_label(":1", std::nullopt, "k").has_value());
  EXPECT_FALSE(check_label("eth0:1", std::string("eth"), "k").has_value());  // "eth:" is not its prefix
}

TEST(ConfigValuesTest, ClosestNameSuggestsOnlyNearTypos) {
  constexpr std::array<std::string_view, 3> known = {"address", "route_tables", "mode"};
  EXPECT_EQ(closest_name("adress", known), "address");
  EXPECT_EQ(closest_name("Route_Table", known), "route_tables");
  EXPECT_EQ(closest_name("mod", known), "mode");
  EXPECT_EQ(closest_name("zone", known), std::nullopt);
  EXPECT_EQ(closest_name("x", known), std::nullopt);
  EXPECT_EQ(join_names(known), "address, route_tables and mode");
}

}  // namespace
}  // namespace cloudvip
