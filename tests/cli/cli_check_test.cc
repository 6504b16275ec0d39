// cloudvip check [--fix] and cloudvip policy against cloudvip-sim: each problem a failover would hit is
// caught by its check (exit 1), --fix turns the source/destination check off, and the policy printed is
// enough for acquire and no more.
#include <gtest/gtest.h>

#include "cli_harness.h"

namespace cloudvip::clitest {
namespace {

const std::string k_other_vpc = R"(
[[vpc]]
id = "vpc-0b0b0b0b0b0b0b0b0"
cidr = "10.200.0.0/16"

[[route_table]]
id = "rtb-0b0b0b0b0b0b0b0b0"
vpc = "vpc-0b0b0b0b0b0b0b0b0"
main = true
)";

const std::string k_eni_in_vip_subnet = R"(
[[instance]]
id = "i-0a1b2c3d4e5f6000c"
subnet = "subnet-0a1b2c3d4e5f6000d"

[[instance.eni]]
id = "eni-0a1b2c3d4e5f6000c"
mac = "0e:a1:00:00:00:0c"
private_ips = ["10.109.10.230"]
)";

// A config file for one VIP, not held locally, with these route tables.
std::string config_text(const Sim& sim, const std::string& address, const std::string& tables) {
  return "[aws]\nendpoint = \"" + sim.endpoint() +
         "\"\nregion = \"us-east-1\"\n\n[[vip]]\nname = \"iris\"\n" + "address = \"" + address +
         "\"\nroute_tables = " + tables + "\nlocal_address = false\n";
}

const std::string k_three = R"(["rtb-0a1b2c3d4e5f6aaa0", "rtb-0a1b2c3d4e5f6aaa1", "rtb-0a1b2c3d4e5f6aaa2"])";

// Runs `check --json` (plus `more`) and returns the exit code and the parsed report.
std::pair<int, nlohmann::json> check(const Sim& sim, const std::string& config, const Env& env,
                                     std::vector<std::string> more = {}) {
  std::string path = sim.dir().write("cloudvip.toml", config);
  std::vector<std::string> args = {"--config", path, "--json", "check"};
  args.insert(args.end(), more.begin(), more.end());
  RunResult run = run_cloudvip(args, env, 30000);
  nlohmann::json report = nlohmann::json::parse(run.out, nullptr, false);
  EXPECT_FALSE(report.is_discarded()) << describe(run);
  return {run.exit_code, report};
}

// The statuses of the checks called `name`.
std::vector<std::string> statuses(const nlohmann::json& report, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& c : report["checks"]) {
    if (c["name"] == name) {
      out.push_back(c["status"]);
    }
  }
  return out;
}

bool failed(const nlohmann::json& report, const std::string& name) {
  auto s = statuses(report, name);
  return std::find(s.begin(), s.end(), "fail") != s.end();
}

// The findings of the failed checks called `name`, one a line.
std::string failed_findings(const nlohmann::json& report, const std::string& name) {
  std::string out;
  for (const auto& c : report["checks"]) {
    if (c["name"] == name && c["status"] == "fail") {
      out += c["found"].get<std::string>() + "\n";
    }
  }
  return out;
}

std::string sdc_on_for_a(std::string scenario) {
  size_t at = scenario.find("source_dest_check = false");
  return scenario.replace(at, std::string("source_dest_check = false").size(), "source_dest_check = true");
}

TEST(CliCheck, AGoodSetupPasses) {
  Sim sim(two_az_text());
  auto [code, report] = check(sim, config_text(sim, "10.109.10.254", k_three), sim.env_for(k_instance_a));
  EXPECT_EQ(code, 0) << report.dump(2);
  EXPECT_EQ(report["exit_code"], 0);
}

TEST(CliCheck, SourceDestCheckOnFailsAndFixTurnsItOff) {
  Sim sim(sdc_on_for_a(two_az_text()));
  ASSERT_TRUE(sim.source_dest_check(k_eni_a));
  std::string config = config_text(sim, "10.109.10.254", k_three);
  auto [code, report] = check(sim, config, sim.env_for(k_instance_a));
  EXPECT_EQ(code, 1) << report.dump(2);
  EXPECT_TRUE(failed(report, "src-dst")) << report.dump(2);
  EXPECT_TRUE(sim.source_dest_check(k_eni_a)) << "check without --fix changes nothing";

  auto [fixed_code, fixed] = check(sim, config, sim.env_for(k_instance_a), {"--fix"});
  EXPECT_EQ(fixed_code, 0) << fixed.dump(2);
  EXPECT_EQ(statuses(fixed, "src-dst"), std::vector<std::string>{"fixed"}) << fixed.dump(2);
  EXPECT_FALSE(sim.source_dest_check(k_eni_a));
}

TEST(CliCheck, AReadOnlyKeyFailsTheIamCheck) {
  Sim sim(two_az_text());
  auto [code, report] = check(sim, config_text(sim, "10.109.10.254", k_three),
                              sim.env_for(k_instance_a, {k_read_key, k_read_secret}));
  EXPECT_EQ(code, 1) << report.dump(2);
  EXPECT_TRUE(failed(report, "iam")) << report.dump(2);
}

TEST(CliCheck, ARouteTableOfAnotherVpcFails) {
  Sim sim(two_az_text() + k_other_vpc);
  auto [code, report] =
      check(sim, config_text(sim, "10.109.10.254", R"(["rtb-0a1b2c3d4e5f6aaa0", "rtb-0b0b0b0b0b0b0b0b0"])"),
            sim.env_for(k_instance_a));
  EXPECT_EQ(code, 1) << report.dump(2);
  EXPECT_NE(report.dump().find("rtb-0b0b0b0b0b0b0b0b0"), std::string::npos) << report.dump(2);
  EXPECT_TRUE(failed(report, "route-table")) << report.dump(2);
}

TEST(CliCheck, AVipInsideTheVpcButInNoSubnetOfItsOwnFails) {
  Sim sim(two_az_text());
  auto [code, report] = check(sim, config_text(sim, "10.109.10.200", k_three), sim.env_for(k_instance_a));
  EXPECT_EQ(code, 1) << report.dump(2);
  EXPECT_TRUE(failed(report, "placement")) << report.dump(2);
}

TEST(CliCheck, AVipSubnetWithAnotherEniFails) {
  Sim sim(two_az_text() + k_eni_in_vip_subnet);
  auto [code, report] = check(sim, config_text(sim, "10.109.10.254", k_three), sim.env_for(k_instance_a));
  EXPECT_EQ(code, 1) << report.dump(2);
  EXPECT_TRUE(failed(report, "placement")) << report.dump(2);
  EXPECT_NE(failed_findings(report, "placement").find("eni-0a1b2c3d4e5f6000c"), std::string::npos)
      << "the placement failure names the ENI in the VIP subnet: " << report.dump(2);
}

// Without --account, --region, AWS_REGION or a region in the config, the policy names the account and the
// region it learnt from IMDS (the instance identity document).
TEST(CliPolicy, ReadsTheAccountAndRegionFromInstanceMetadata) {
  Sim sim(two_az_text());
  std::string config = config_text(sim, "192.168.100.10", k_three);
  const std::string region_line = "region = \"us-east-1\"\n";
  ASSERT_NE(config.find(region_line), std::string::npos) << config;
  config.erase(config.find(region_line), region_line.size());
  std::string path = sim.dir().write("cloudvip.toml", config);
  Env env = sim.env_for(k_instance_a);
  ASSERT_EQ(env.count("AWS_REGION") + env.count("AWS_DEFAULT_REGION"), 0u);
  RunResult run = run_cloudvip({"--config", path, "policy"}, env);
  ASSERT_EQ(run.exit_code, 0) << describe(run);
  nlohmann::json policy = nlohmann::json::parse(run.out);
  EXPECT_EQ(policy["Version"], "2012-10-17");
  EXPECT_NE(run.out.find("arn:aws:ec2:us-east-1:123456789012:route-table/rtb-0a1b2c3d4e5f6aaa1"),
            std::string::npos)
      << run.out;
  auto asked_imds_for = [&](const std::string& part) {
    for (const auto& call : sim.calls(true)) {
      if (call["kind"] == "imds" && call["method"] == "GET" && call["status"] == 200 &&
          call["path"].get<std::string>().find(part) != std::string::npos) {
        return true;
      }
    }
    return false;
  };
  EXPECT_TRUE(asked_imds_for("instance-identity/document")) << "the account: " << sim.calls(true).dump(2);
  EXPECT_TRUE(asked_imds_for("placement/region")) << "the region: " << sim.calls(true).dump(2);
  EXPECT_TRUE(sim.mutating_actions().empty());
}

// The policy's statements become a key of a new scenario (actions -> allow, resources -> resources):
// acquire works with exactly that key, and a DeleteRoute on a table outside the policy is refused.
TEST(CliPolicy, ThePolicyIsEnoughForAcquireAndNoMore) {
  std::string config_tables = R"(["rtb-0a1b2c3d4e5f6aaa1", "rtb-0a1b2c3d4e5f6aaa2"])";
  nlohmann::json policy;
  {
    Sim probe(two_az_text());
    std::string path =
        probe.dir().write("cloudvip.toml", config_text(probe, "192.168.100.10", config_tables));
    RunResult run = run_cloudvip({"--config", path, "policy", "--account", "123456789012"}, {});
    ASSERT_EQ(run.exit_code, 0) << describe(run);
    EXPECT_TRUE(probe.calls(true).empty()) << "--account and --region: no call at all";
    policy = nlohmann::json::parse(run.out);
  }
  std::vector<std::string> actions, resources;
  for (const auto& statement : policy["Statement"]) {
    // The emulator has one region, so a condition on the region holds; any other condition cannot be
    // expressed in its IAM model.
    if (statement.contains("Condition")) {
      ASSERT_EQ(statement["Condition"],
                nlohmann::json::parse(R"({"StringEquals": {"aws:RequestedRegion": "us-east-1"}})"))
          << statement.dump(2);
    }
    auto list = [](const nlohmann::json& value) {
      return value.is_array() ? value.get<std::vector<std::string>>() : std::vector<std::string>{value};
    };
    for (const std::string& action : list(statement["Action"])) {
      actions.push_back(action);
    }
    for (const std::string& resource : list(statement["Resource"])) {
      if (resource != "*") {
        resources.push_back(resource);
      }
    }
  }
  ASSERT_FALSE(resources.empty()) << policy.dump(2);
  std::string credential =
      "\n[[credential]]\naccess_key_id = \"AKIACLOUDVIPPOLICY01\"\n"
      "secret_access_key = \"cloudvip-sim-policy-secret\"\nallow = " +
      nlohmann::json(actions).dump() + "\nresources = " + nlohmann::json(resources).dump() + "\n";
  Sim sim(two_az_text() + credential);
  std::string path = sim.dir().write("cloudvip.toml", config_text(sim, "192.168.100.10", config_tables));
  Env policy_key = sim.env_for(k_instance_b, {"AKIACLOUDVIPPOLICY01", "cloudvip-sim-policy-secret"});

  RunResult acquired = run_cloudvip({"--config", path, "acquire"}, policy_key);
  ASSERT_EQ(acquired.exit_code, 0) << describe(acquired) << policy.dump(2);
  EXPECT_EQ(sim.route_target(k_rtb_a, "192.168.100.10/32"), k_eni_b);

  // b's route in the main table (put there with the admin key) is outside the policy.
  std::vector<std::string> main_table = vip_args(sim, k_overlay_vip, {k_rtb_main});
  main_table.push_back("acquire");
  ASSERT_EQ(run_cloudvip(main_table, sim.env_for(k_instance_b)).exit_code, 0);
  sim.clear_calls();
  main_table.back() = "release";
  main_table.push_back("--delete-routes");
  RunResult refused = run_cloudvip(main_table, policy_key);
  EXPECT_EQ(refused.exit_code, 1) << describe(refused);
  EXPECT_EQ(sim.route_target(k_rtb_main, "192.168.100.10/32"), k_eni_b);
  bool unauthorized = false;
  for (const auto& call : sim.calls()) {
    unauthorized |= call["action"] == "DeleteRoute" && call["error_code"] == "UnauthorizedOperation";
  }
  EXPECT_TRUE(unauthorized) << sim.calls().dump(2);
}

}  // namespace
}  // namespace cloudvip::clitest
