// Preflight's VPC checks: placement, route-table, coverage.
#include <gtest/gtest.h>

#include "vip/preflight.h"
#include "vip/preflight_test_harness.h"

namespace cloudvip {
namespace {

using testing::contains;
using testing::k_rtb_a;
using testing::k_rtb_b;
using testing::k_rtb_main;
using testing::k_subnet_vip;
using testing::lines;
using testing::PreflightWorld;

TEST(PreflightPlacementTest, InVpcVipInAnEmptySubnetOfItsOwnIsOk) {
  PreflightWorld w;
  CheckResult c = lines(w.run({PreflightWorld::iris()}), "placement").at(0);
  EXPECT_EQ(c.status, CheckStatus::ok);
  EXPECT_EQ(
      c.found,
      "VIP iris: in-VPC VIP in subnet subnet-0a1b2c3d4e5f6000d (10.109.10.224/27), which holds no ENI; route "
      "10.109.10.224/27");
  EXPECT_EQ(w.probes.subnets_asked, (std::vector<std::string>{k_subnet_vip}));
}

TEST(PreflightPlacementTest, OverlayVipIsOkAndRoutedAsSlash32) {
  PreflightWorld w;
  CheckResult c = lines(w.run({PreflightWorld::overlay("pg", "192.168.100.10")}), "placement").at(0);
  EXPECT_EQ(c.status, CheckStatus::ok);
  EXPECT_EQ(c.found, "VIP pg: overlay VIP 192.168.100.10 (outside the VPC's CIDRs); route 192.168.100.10/32");
  EXPECT_TRUE(w.probes.subnets_asked.empty());
}

TEST(PreflightPlacementTest, VipSubnetHoldingAnEniFailsNamingIt) {
  PreflightWorld w;
  w.probes.subnet_enis[k_subnet_vip] = {"eni-0ccc"};
  PreflightReport report = w.run({PreflightWorld::iris()});
  CheckResult c = lines(report, "placement").at(0);
  EXPECT_EQ(c.status, CheckStatus::fail);
  EXPECT_TRUE(contains(c.found, "holds eni-0ccc")) << c.found;
  EXPECT_EQ(report.exit_code(), 1);
}

TEST(PreflightPlacementTest, TwoVipsInOneVipSubnetFail) {
  PreflightWorld w;
  VipSpec second = PreflightWorld::overlay("iris2", "10.109.10.250");
  PreflightReport report = w.run({PreflightWorld::iris(), second});
  std::vector<CheckResult> placement = lines(report, "placement");
  ASSERT_EQ(placement.size(), 2u);
  EXPECT_EQ(placement[0].status, CheckStatus::ok);
  EXPECT_EQ(placement[1].status, CheckStatus::fail);
  EXPECT_TRUE(contains(placement[1].found, "VIP iris2 and VIP iris are both in VIP subnet"))
      << placement[1].found;
}

TEST(PreflightPlacementTest, LinkLocalVipFails) {
  PreflightWorld w;
  CheckResult c = lines(w.run({PreflightWorld::overlay("x", "169.254.10.10")}), "placement").at(0);
  EXPECT_EQ(c.status, CheckStatus::fail);
  EXPECT_TRUE(contains(c.found, "link-local")) << c.found;
}

TEST(PreflightPlacementTest, VipInsideTheVpcButInNoSubnetFails) {
  PreflightWorld w;
  w.cloud.clear_calls();
  // 10.109.10.200 is in 10.109.10.0/24 but in none of its subnets (the /26s and the /27 at .224).
  PreflightReport report = w.run({PreflightWorld::overlay("x", "10.109.10.200")});
  CheckResult c = lines(report, "placement").at(0);
  EXPECT_EQ(c.status, CheckStatus::fail);
  EXPECT_TRUE(contains(c.fix, "small subnet")) << c.fix;
  EXPECT_TRUE(lines(report, "route-table").empty());
}

TEST(PreflightPlacementTest, SecondaryIpOutsideTheEnisSubnetFails) {
  PreflightWorld w;
  VipSpec v = PreflightWorld::overlay("pair", "10.109.10.70");
  v.mode = VipMode::secondary_ip;
  v.route_tables.reset();
  CheckResult c = lines(w.run({v}), "placement").at(0);
  EXPECT_EQ(c.status, CheckStatus::fail);
  EXPECT_TRUE(contains(c.found, "outside subnet subnet-0a1b2c3d4e5f6000a (10.109.10.0/26)")) << c.found;

  v.address = *Ipv4Address::parse("10.109.10.50");
  EXPECT_EQ(lines(w.run({v}), "placement").at(0).status, CheckStatus::ok);
}

TEST(PreflightRouteTableTest, EachConfiguredTableGetsALine) {
  PreflightWorld w;
  std::vector<CheckResult> tables = lines(w.run({PreflightWorld::iris()}), "route-table");
  ASSERT_EQ(tables.size(), 3u);
  EXPECT_EQ(tables[0].found,
            "VIP iris: rtb-0a1b2c3d4e5f6aaa0 in vpc-0a1b2c3d4e5f60001, no route for 10.109.10.224/27 yet");
}

TEST(PreflightRouteTableTest, TableOfAnotherVpcFailsNamingBothVpcs) {
  PreflightWorld w;
  VipSpec v = PreflightWorld::iris();
  v.route_tables = ExplicitRouteTables{{k_rtb_main, "rtb-0f0f0f0f0f0f0f0f0"}};
  PreflightReport report = w.run({v});
  std::vector<CheckResult> tables = lines(report, "route-table");
  ASSERT_EQ(tables.size(), 2u);
  EXPECT_EQ(tables[0].status, CheckStatus::ok);
  EXPECT_EQ(tables[1].status, CheckStatus::fail);
  EXPECT_TRUE(contains(tables[1].found, "vpc-0ffffffffffffffff")) << tables[1].found;
  EXPECT_TRUE(contains(tables[1].found, "vpc-0a1b2c3d4e5f60001")) << tables[1].found;
  EXPECT_EQ(report.exit_code(), 1);
}

TEST(PreflightRouteTableTest, UnknownTableFailsNamingIt) {
  PreflightWorld w;
  VipSpec v = PreflightWorld::iris();
  v.route_tables = ExplicitRouteTables{{"rtb-0123456789abcdef0"}};
  CheckResult c = lines(w.run({v}), "route-table").at(0);
  EXPECT_EQ(c.status, CheckStatus::fail);
  EXPECT_TRUE(contains(c.found, "rtb-0123456789abcdef0")) << c.found;
}

TEST(PreflightRouteTableTest, TagThatNoTableCarriesFailsWithTheTaggingCommand) {
  PreflightWorld w;
  VipSpec v = PreflightWorld::iris();
  v.route_tables = RouteTableTag{"cloudvip", "pg"};
  CheckResult c = lines(w.run({v}), "route-table").at(0);
  EXPECT_EQ(c.status, CheckStatus::fail);
  EXPECT_EQ(c.found, "VIP iris: no route table of vpc-0a1b2c3d4e5f60001 is tagged cloudvip=pg");
  EXPECT_TRUE(contains(c.fix, "Key=cloudvip,Value=pg")) << c.fix;
}

TEST(PreflightRouteTableTest, TagSelectorListsTheTablesFound) {
  PreflightWorld w;
  VipSpec v = PreflightWorld::iris();
  v.route_tables = RouteTableTag{"cloudvip", "iris"};
  PreflightReport report = w.run({v});
  CheckResult c = lines(report, "route-table").at(0);
  EXPECT_EQ(c.status, CheckStatus::ok);
  EXPECT_EQ(
      c.found,
      "VIP iris: 3 route table(s) tagged cloudvip=iris: rtb-0a1b2c3d4e5f6aaa0, rtb-0a1b2c3d4e5f6aaa1 and "
      "rtb-0a1b2c3d4e5f6aaa2");
  EXPECT_EQ(report.exit_code(), 0) << render_text(report);
}

TEST(PreflightCoverageTest, SubnetUsingTheMainTableWarnsWhenTheMainTableIsNotConfigured) {
  PreflightWorld w;
  VipSpec v = PreflightWorld::iris();
  v.route_tables = ExplicitRouteTables{{k_rtb_a, k_rtb_b}};
  PreflightReport report = w.run({v});
  CheckResult c = lines(report, "coverage").at(0);
  EXPECT_EQ(c.status, CheckStatus::warn);
  EXPECT_EQ(
      c.found,
      "VIP iris: subnet-0a1b2c3d4e5f6000c (rtb-0a1b2c3d4e5f6aaa0) use route tables without the VIP route: "
      "clients there will not reach the VIP");
  EXPECT_EQ(report.exit_code(), 0);
}

TEST(PreflightCoverageTest, SubnetWithAnUnconfiguredExplicitTableWarns) {
  PreflightWorld w;
  VipSpec v = PreflightWorld::iris();
  v.route_tables = ExplicitRouteTables{{k_rtb_main, k_rtb_a}};
  CheckResult c = lines(w.run({v}), "coverage").at(0);
  EXPECT_EQ(c.status, CheckStatus::warn);
  EXPECT_TRUE(contains(c.found, "subnet-0a1b2c3d4e5f6000b (rtb-0a1b2c3d4e5f6aaa2)")) << c.found;
  EXPECT_FALSE(contains(c.found, "subnet-0a1b2c3d4e5f6000c")) << c.found;  // uses the main table: covered
}

TEST(PreflightCoverageTest, EverySubnetCoveredIsOk) {
  PreflightWorld w;
  CheckResult c = lines(w.run({PreflightWorld::iris()}), "coverage").at(0);
  EXPECT_EQ(c.status, CheckStatus::ok);
  EXPECT_EQ(c.found,
            "VIP iris: all 3 client subnet(s) of vpc-0a1b2c3d4e5f60001 use a configured route table");
}

}  // namespace
}  // namespace cloudvip
