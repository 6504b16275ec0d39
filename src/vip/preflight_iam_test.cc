// Preflight's write checks: src-dst (and --fix) and iam (DryRun of every write).
#include <gtest/gtest.h>

#include "vip/preflight.h"
#include "vip/preflight_test_harness.h"

namespace cloudvip {
namespace {

using testing::contains;
using testing::k_eni;
using testing::lines;
using testing::PreflightWorld;
using testing::unauthorized_error;

TEST(PreflightSourceDestTest, OffIsOk) {
  PreflightWorld w;
  CheckResult c = lines(w.run({PreflightWorld::iris()}), "src-dst").at(0);
  EXPECT_EQ(c.status, CheckStatus::ok);
  EXPECT_EQ(c.found, "source/destination check is off on eni-0a1b2c3d4e5f6000a");
}

TEST(PreflightSourceDestTest, OnFailsAndNothingChangesWithoutFix) {
  PreflightWorld w;
  w.cloud.add_network_interface(k_eni, "i-0a1b2c3d4e5f6000a", true);
  PreflightReport report = w.run({PreflightWorld::iris()});
  CheckResult c = lines(report, "src-dst").at(0);
  EXPECT_EQ(c.status, CheckStatus::fail);
  EXPECT_TRUE(contains(c.fix, "cloudvip check --fix")) << c.fix;
  EXPECT_TRUE(contains(c.fix, "--no-source-dest-check")) << c.fix;
  EXPECT_EQ(w.cloud.mutating_call_count(), 0u);
  EXPECT_EQ(*w.cloud.source_dest_check(k_eni), true);
  EXPECT_EQ(report.exit_code(), 1);
}

TEST(PreflightSourceDestTest, FixTurnsItOffAndReportsFixed) {
  PreflightWorld w;
  w.cloud.add_network_interface(k_eni, "i-0a1b2c3d4e5f6000a", true);
  PreflightReport report = w.run({PreflightWorld::iris()}, {.fix = true});
  CheckResult c = lines(report, "src-dst").at(0);
  EXPECT_EQ(c.status, CheckStatus::fixed);
  EXPECT_EQ(c.found, "source/destination check was on for eni-0a1b2c3d4e5f6000a; turned it off");
  EXPECT_EQ(*w.cloud.source_dest_check(k_eni), false);
  EXPECT_EQ(w.cloud.mutating_call_count(), 1u);
  EXPECT_EQ(report.exit_code(), 0) << render_text(report);
}

TEST(PreflightSourceDestTest, FixThatIsRefusedFailsAndNamesThePermission) {
  PreflightWorld w;
  w.cloud.add_network_interface(k_eni, "i-0a1b2c3d4e5f6000a", true);
  w.cloud.fail_method("set_source_dest_check", unauthorized_error("ModifyNetworkInterfaceAttribute"));
  CheckResult c = lines(w.run({PreflightWorld::iris()}, {.fix = true}), "src-dst").at(0);
  EXPECT_EQ(c.status, CheckStatus::fail);
  EXPECT_TRUE(contains(c.fix, "ec2:ModifyNetworkInterfaceAttribute")) << c.fix;
}

TEST(PreflightIamTest, EveryRouteWriteIsProvenByOneDryRunBatch) {
  PreflightWorld w;
  PreflightReport report = w.run({PreflightWorld::iris()});
  std::vector<CheckResult> iam = lines(report, "iam");
  ASSERT_EQ(iam.size(), 2u);
  EXPECT_EQ(iam[0].found,
            "ec2:ReplaceRoute/CreateRoute allowed on rtb-0a1b2c3d4e5f6aaa0, rtb-0a1b2c3d4e5f6aaa1 and "
            "rtb-0a1b2c3d4e5f6aaa2 (DryRun)");
  EXPECT_EQ(iam[1].status, CheckStatus::ok);  // DeleteRoute
  std::vector<testing::FakeCall> point = w.cloud.calls("point_routes");
  ASSERT_EQ(point.size(), 1u);
  EXPECT_TRUE(point[0].dry_run);
  EXPECT_EQ(w.cloud.point_routes_batches(), (std::vector<size_t>{3}));
  ASSERT_EQ(w.cloud.calls("delete_routes").size(), 1u);
  EXPECT_TRUE(w.cloud.calls("delete_routes")[0].dry_run);
  EXPECT_TRUE(w.cloud.calls("set_source_dest_check").empty());  // proven only with --fix
  EXPECT_EQ(w.cloud.mutating_call_count(), 0u);
}

TEST(PreflightIamTest, RefusedRouteWriteFailsNamingActionAndTable) {
  PreflightWorld w;
  w.cloud.fail_method("point_routes", unauthorized_error("CreateRoute"));
  VipSpec v = PreflightWorld::iris();
  v.route_tables = ExplicitRouteTables{{testing::k_rtb_a}};
  PreflightReport report = w.run({v});
  CheckResult c = lines(report, "iam").at(0);
  EXPECT_EQ(c.status, CheckStatus::fail);
  EXPECT_EQ(c.found,
            "ec2:CreateRoute on rtb-0a1b2c3d4e5f6aaa1 is not allowed (DryRun: UnauthorizedOperation)");
  EXPECT_TRUE(contains(c.fix, "rtb-0a1b2c3d4e5f6aaa1")) << c.fix;
  EXPECT_EQ(report.exit_code(), 1);
}

TEST(PreflightIamTest, ExistingRouteIsProvenAsReplaceRoute) {
  PreflightWorld w;
  w.cloud.set_route(testing::k_rtb_a, testing::cidr("10.109.10.224/27"),
                    VipRoute{"eni-0other", "i-0other", "", "active"});
  w.cloud.fail_method("point_routes", unauthorized_error("ReplaceRoute"));
  VipSpec v = PreflightWorld::iris();
  v.route_tables = ExplicitRouteTables{{testing::k_rtb_a}};
  CheckResult c = lines(w.run({v}), "iam").at(0);
  EXPECT_TRUE(contains(c.found, "ec2:ReplaceRoute on rtb-0a1b2c3d4e5f6aaa1")) << c.found;
}

TEST(PreflightIamTest, RefusedDeleteRouteOnlyWarns) {
  PreflightWorld w;
  w.cloud.fail_method("delete_routes", unauthorized_error("DeleteRoute"));
  PreflightReport report = w.run({PreflightWorld::iris()});
  CheckResult c = lines(report, "iam").at(1);
  EXPECT_EQ(c.status, CheckStatus::warn);
  EXPECT_TRUE(contains(c.found, "ec2:DeleteRoute not allowed on")) << c.found;
  EXPECT_TRUE(contains(c.found, "--delete-routes")) << c.found;
  EXPECT_EQ(report.exit_code(), 0);
}

TEST(PreflightIamTest, ElasticIpAssociationIsProvenByDryRun) {
  PreflightWorld w;
  w.cloud.add_elastic_ip({"eipalloc-0123456789abcdef0", "203.0.113.10", "", "", "", ""});
  VipSpec v = PreflightWorld::iris();
  v.elastic_ip = "eipalloc-0123456789abcdef0";
  PreflightReport report = w.run({v});
  CheckResult c = lines(report, "iam").back();
  EXPECT_EQ(c.status, CheckStatus::ok);
  EXPECT_EQ(c.found,
            "ec2:AssociateAddress allowed for eipalloc-0123456789abcdef0 to eni-0a1b2c3d4e5f6000a (DryRun)");
  ASSERT_EQ(w.cloud.calls("associate_elastic_ip").size(), 1u);
  EXPECT_TRUE(w.cloud.calls("associate_elastic_ip")[0].dry_run);
  EXPECT_EQ(w.cloud.mutating_call_count(), 0u);
}

TEST(PreflightIamTest, RefusedElasticIpAssociationFails) {
  PreflightWorld w;
  w.cloud.fail_method("associate_elastic_ip", unauthorized_error("AssociateAddress"));
  VipSpec v = PreflightWorld::iris();
  v.elastic_ip = "eipalloc-0123456789abcdef0";
  PreflightReport report = w.run({v});
  CheckResult c = lines(report, "iam").back();
  EXPECT_EQ(c.status, CheckStatus::fail);
  EXPECT_TRUE(contains(c.found, "ec2:AssociateAddress of eipalloc-0123456789abcdef0")) << c.found;
  EXPECT_EQ(report.exit_code(), 1);
}

TEST(PreflightIamTest, FixAlsoProvesModifyNetworkInterfaceAttribute) {
  PreflightWorld w;
  PreflightReport report = w.run({PreflightWorld::iris()}, {.fix = true});
  CheckResult c = lines(report, "iam").back();
  EXPECT_EQ(c.found, "ec2:ModifyNetworkInterfaceAttribute allowed on eni-0a1b2c3d4e5f6000a (DryRun)");
  ASSERT_EQ(w.cloud.calls("set_source_dest_check").size(), 1u);
  EXPECT_TRUE(w.cloud.calls("set_source_dest_check")[0].dry_run);
}

TEST(PreflightIamTest, SecondaryIpModeWarnsThatItCannotBeProven) {
  PreflightWorld w;
  VipSpec v = PreflightWorld::overlay("pair", "10.109.10.50");
  v.mode = VipMode::secondary_ip;
  v.route_tables.reset();
  PreflightReport report = w.run({v});
  std::vector<CheckResult> iam = lines(report, "iam");
  ASSERT_EQ(iam.size(), 1u);
  EXPECT_EQ(iam[0].status, CheckStatus::warn);
  EXPECT_TRUE(contains(iam[0].found, "no DryRun")) << iam[0].found;
  EXPECT_TRUE(lines(report, "src-dst").empty());  // its own IP: the check does not matter
  EXPECT_TRUE(w.cloud.calls("point_routes").empty());
}

}  // namespace
}  // namespace cloudvip
