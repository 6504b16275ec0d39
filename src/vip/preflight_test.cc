// Preflight: the whole run, the host checks (imds, credentials, clock, interface, identity) and the report.
#include "vip/preflight.h"

#include <gtest/gtest.h>

#include "vip/preflight_test_harness.h"

namespace cloudvip {
namespace {

using namespace std::chrono_literals;
using testing::contains;
using testing::lines;
using testing::PreflightWorld;

TEST(PreflightTest, TheSeedArticlesLayoutPassesEveryCheckWithoutChangingAnything) {
  PreflightWorld w;
  PreflightReport report = w.run({PreflightWorld::iris()});
  EXPECT_EQ(report.exit_code(), 0) << render_text(report);
  std::vector<std::string> names;
  for (const CheckResult& c : report.checks) {
    EXPECT_EQ(c.status, CheckStatus::ok) << c.name << ": " << c.found;
    if (names.empty() || names.back() != c.name) {
      names.push_back(c.name);
    }
  }
  EXPECT_EQ(names, (std::vector<std::string>{"imds", "credentials", "clock", "interface", "identity",
                                             "placement", "route-table", "coverage", "src-dst", "iam"}));
  EXPECT_EQ(w.cloud.mutating_call_count(), 0u);
}

TEST(PreflightTest, ImdsV2IsReportedWithItsEndpoint) {
  PreflightWorld w;
  CheckResult imds = lines(w.run({}), "imds").at(0);
  EXPECT_EQ(imds.status, CheckStatus::ok);
  EXPECT_EQ(imds.found, "IMDSv2 token obtained from http://169.254.169.254");
}

TEST(PreflightTest, ImdsUnreachableFailsWithTheCause) {
  PreflightWorld w;
  w.probes.imds = fail(ErrorCode::timeout, "no answer from http://169.254.169.254 within 1000 ms");
  PreflightReport report = w.run({});
  CheckResult imds = lines(report, "imds").at(0);
  EXPECT_EQ(imds.status, CheckStatus::fail);
  EXPECT_TRUE(contains(imds.found, "within 1000 ms")) << imds.found;
  EXPECT_FALSE(imds.fix.empty());
  EXPECT_EQ(report.exit_code(), 1);
}

TEST(PreflightTest, ImdsV1OnlyWarnsButDoesNotFail) {
  PreflightWorld w;
  w.probes.imds = ImdsProbe{ImdsAccess::v1_only, "http://169.254.169.254"};
  PreflightReport report = w.run({});
  CheckResult imds = lines(report, "imds").at(0);
  EXPECT_EQ(imds.status, CheckStatus::warn);
  EXPECT_TRUE(contains(imds.found, "only IMDSv1")) << imds.found;
  EXPECT_TRUE(contains(imds.fix, "--http-tokens required")) << imds.fix;
  EXPECT_EQ(report.exit_code(), 0);
}

TEST(PreflightTest, CredentialsNameTheProvider) {
  PreflightWorld w;
  w.probes.provider = std::string("environment");
  CheckResult c = lines(w.run({}), "credentials").at(0);
  EXPECT_EQ(c.status, CheckStatus::ok);
  EXPECT_EQ(c.found, "found (provider: environment)");
}

TEST(PreflightTest, MissingCredentialsFailWithTheChainsError) {
  PreflightWorld w;
  w.probes.provider = fail(ErrorCode::auth, "no credentials: environment: not set; imds-role: no role");
  CheckResult c = lines(w.run({}), "credentials").at(0);
  EXPECT_EQ(c.status, CheckStatus::fail);
  EXPECT_TRUE(contains(c.found, "imds-role: no role")) << c.found;
  EXPECT_TRUE(contains(c.fix, "instance profile")) << c.fix;
}

TEST(PreflightTest, ClockWithinAMinuteIsOk) {
  PreflightWorld w;
  w.probes.skew = Millis(-30'000);
  CheckResult c = lines(w.run({}), "clock").at(0);
  EXPECT_EQ(c.status, CheckStatus::ok);
  EXPECT_EQ(c.found, "local clock 30 s ahead of EC2 (HTTP Date header)");
}

TEST(PreflightTest, ClockTwoMinutesOffWarns) {
  PreflightWorld w;
  w.probes.skew = Millis(125'000);
  PreflightReport report = w.run({});
  CheckResult c = lines(report, "clock").at(0);
  EXPECT_EQ(c.status, CheckStatus::warn);
  EXPECT_EQ(c.found, "local clock 2 min 5 s behind EC2 (HTTP Date header)");
  EXPECT_EQ(report.exit_code(), 0);
}

TEST(PreflightTest, ClockMoreThanFiveMinutesOffFailsAndSaysWhy) {
  PreflightWorld w;
  w.probes.skew = Millis(301'000);
  CheckResult c = lines(w.run({}), "clock").at(0);
  EXPECT_EQ(c.status, CheckStatus::fail);
  EXPECT_TRUE(contains(c.fix, "15 minutes")) << c.fix;
}

TEST(PreflightTest, ClockThatCannotBeReadWarns) {
  PreflightWorld w;
  w.probes.skew = fail(ErrorCode::network, "connection refused");
  CheckResult c = lines(w.run({}), "clock").at(0);
  EXPECT_EQ(c.status, CheckStatus::warn);
  EXPECT_TRUE(contains(c.found, "connection refused"));
}

TEST(PreflightTest, MissingInterfaceFailsAndSkipsItsCloudChecks) {
  PreflightWorld w;
  VipSpec v = PreflightWorld::iris();
  v.interface = "eth1";
  v.label = "eth1:1";
  PreflightReport report = w.run({v});
  CheckResult c = lines(report, "interface").at(0);
  EXPECT_EQ(c.status, CheckStatus::fail);
  EXPECT_EQ(c.found, "VIP iris: interface eth1 does not exist");
  EXPECT_TRUE(lines(report, "identity").empty());
  EXPECT_TRUE(w.cloud.calls("point_routes").empty());
}

TEST(PreflightTest, LabelThatDoesNotFitTheInterfaceFails) {
  for (std::string label : {"eth1:1", "eth0:", "eth0:0123456789a"}) {
    PreflightWorld w;
    VipSpec v = PreflightWorld::iris();
    v.label = label;
    CheckResult c = lines(w.run({v}), "interface").at(0);
    EXPECT_EQ(c.status, CheckStatus::fail) << label;
    EXPECT_TRUE(contains(c.found, "'" + label + "'")) << c.found;
    EXPECT_EQ(c.fix, "set label = \"eth0:1\" or remove it");
  }
}

TEST(PreflightTest, NoInterfaceConfiguredUsesTheDefaultRoutes) {
  PreflightWorld w;
  VipSpec v = PreflightWorld::iris();
  v.interface.reset();
  CheckResult c = lines(w.run({v}), "interface").at(0);
  EXPECT_EQ(c.status, CheckStatus::ok);
  EXPECT_EQ(c.found, "VIP iris: eth0 exists (the default route's), label eth0:1");
}

TEST(PreflightTest, NoInterfaceAndNoDefaultRouteFails) {
  PreflightWorld w;
  w.addresses.set_default_route_interface(std::nullopt);
  VipSpec v = PreflightWorld::iris();
  v.interface.reset();
  CheckResult c = lines(w.run({v}), "interface").at(0);
  EXPECT_EQ(c.status, CheckStatus::fail);
  EXPECT_TRUE(contains(c.fix, "set interface = \"eth0\"")) << c.fix;
}

TEST(PreflightTest, IdentityNamesInstanceEniAndVpcAndIsAskedOncePerInterface) {
  PreflightWorld w;
  PreflightReport report =
      w.run({PreflightWorld::overlay("a", "192.168.100.10"), PreflightWorld::overlay("b", "192.168.100.11")});
  std::vector<CheckResult> identity = lines(report, "identity");
  ASSERT_EQ(identity.size(), 1u);
  EXPECT_EQ(identity[0].found,
            "instance i-0a1b2c3d4e5f6000a, ENI eni-0a1b2c3d4e5f6000a (eth0), VPC vpc-0a1b2c3d4e5f60001 "
            "(10.109.10.0/24), subnet subnet-0a1b2c3d4e5f6000a in us-east-1a");
  ASSERT_EQ(w.cloud.calls("identity").size(), 1u);
  EXPECT_EQ(w.cloud.calls("identity")[0].args, (std::vector<std::string>{"0e:49:61:0f:c3:11"}));
}

TEST(PreflightTest, IdentityFailureFailsAndStopsTheChecksThatNeedIt) {
  PreflightWorld w;
  w.cloud.fail_method("identity", Error(ErrorCode::network, "IMDS unreachable"));
  PreflightReport report = w.run({PreflightWorld::iris()});
  CheckResult c = lines(report, "identity").at(0);
  EXPECT_EQ(c.status, CheckStatus::fail);
  EXPECT_TRUE(contains(c.found, "IMDS unreachable")) << c.found;
  EXPECT_TRUE(lines(report, "route-table").empty());
  EXPECT_TRUE(lines(report, "iam").empty());
}

TEST(PreflightReportTest, TextIsAlignedWithTheFixUnderItsLine) {
  PreflightReport report;
  report.checks = {
      {"imds", CheckStatus::ok, "IMDSv2 token obtained from http://169.254.169.254", ""},
      {"src-dst", CheckStatus::fail, "source/destination check is on for eni-1", "cloudvip check --fix"},
      {"coverage", CheckStatus::warn, "subnet-c uses rtb-main", ""},
      {"src-dst", CheckStatus::fixed, "turned it off", "ignored"}};
  EXPECT_EQ(render_text(report),
            "ok    imds         IMDSv2 token obtained from http://169.254.169.254\n"
            "FAIL  src-dst      source/destination check is on for eni-1\n"
            "                   fix: cloudvip check --fix\n"
            "warn  coverage     subnet-c uses rtb-main\n"
            "fixed src-dst      turned it off\n");
  EXPECT_EQ(report.exit_code(), 1);
}

TEST(PreflightReportTest, JsonCarriesEveryLineAndTheExitCode) {
  PreflightReport report;
  report.checks = {{"clock", CheckStatus::warn, "local clock 2 min 5 s behind EC2", "synchronise"}};
  EXPECT_EQ(to_json(report).dump(), R"({"ok":true,"exit_code":0,"checks":[{"name":"clock","status":"warn",)"
                                    R"("found":"local clock 2 min 5 s behind EC2","fix":"synchronise"}]})");
  report.checks.push_back({"iam", CheckStatus::fail, "x", "y"});
  EXPECT_EQ(to_json(report)["exit_code"], 1);
  EXPECT_EQ(to_json(report)["checks"][1]["status"], "fail");
}

}  // namespace
}  // namespace cloudvip
