// acquire, release and status: the real cloudvip binary against a real cloudvip-sim with instances a and b,
// each with its own IMDS. The VIP is not put on a local interface (--no-local): that part is tested in a
// network namespace by the e2e tests.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "cli_harness.h"

namespace cloudvip::clitest {
namespace {

const std::string k_overlay_route = std::string(k_overlay_vip) + "/32";
const std::vector<std::string> k_three_tables = {k_rtb_main, k_rtb_a, k_rtb_b};

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

int count(const std::vector<std::string>& items, const std::string& item) {
  return static_cast<int>(std::count(items.begin(), items.end(), item));
}

TEST(CliAcquire, FromNothingCreatesTheRoute) {
  Sim sim(two_az_text());
  RunResult run =
      run_cloudvip(with(vip_args(sim, k_overlay_vip, {k_rtb_a}), {"acquire"}), sim.env_for(k_instance_a));
  ASSERT_EQ(run.exit_code, 0) << describe(run);
  EXPECT_EQ(sim.route_target(k_rtb_a, k_overlay_route), k_eni_a);
  EXPECT_EQ(sim.mutating_actions(), std::vector<std::string>{"CreateRoute"});
  EXPECT_NE(run.out.find(k_rtb_a), std::string::npos) << run.out;
}

class CliMove : public ::testing::TestWithParam<int> {};

// a holds the VIP in N route tables; b acquires: every table now points at b, one ReplaceRoute each.
TEST_P(CliMove, TheVipMovesFromAToBInEveryTable) {
  int tables = GetParam();
  Sim sim(with_extra_tables(two_az_text(), std::max(0, tables - 3)));
  std::vector<std::string> ids;
  std::vector<std::string> table_args;
  if (tables == 1) {
    ids = {k_rtb_a};
  } else {
    ids = k_three_tables;
    for (int i = 0; i < tables - 3; ++i) {
      ids.push_back(extra_table_id(i));
    }
  }
  // 50 tables by "every table of the VPC" (one flag), fewer by id.
  std::vector<std::string> selector = tables == 50 ? std::vector<std::string>{"vpc"} : ids;
  std::vector<std::string> args = with(vip_args(sim, k_overlay_vip, selector), {"acquire"});

  RunResult first = run_cloudvip(args, sim.env_for(k_instance_a));
  ASSERT_EQ(first.exit_code, 0) << describe(first);
  for (const std::string& id : ids) {
    ASSERT_EQ(sim.route_target(id, k_overlay_route), k_eni_a) << id;
  }
  sim.clear_calls();
  RunResult second = run_cloudvip(args, sim.env_for(k_instance_b));
  ASSERT_EQ(second.exit_code, 0) << describe(second);
  for (const std::string& id : ids) {
    EXPECT_EQ(sim.route_target(id, k_overlay_route), k_eni_b) << id;
  }
  std::vector<std::string> mutating = sim.mutating_actions();
  EXPECT_EQ(count(mutating, "ReplaceRoute"), tables);
  EXPECT_EQ(static_cast<int>(mutating.size()), tables) << "only ReplaceRoute, never DeleteRoute";
}

INSTANTIATE_TEST_SUITE_P(Tables, CliMove, ::testing::Values(1, 3, 50));

TEST(CliAcquire, ReacquiringSendsNoWriteAtAll) {
  Sim sim(two_az_text());
  std::vector<std::string> args = with(vip_args(sim, k_overlay_vip, k_three_tables), {"acquire"});
  ASSERT_EQ(run_cloudvip(args, sim.env_for(k_instance_a)).exit_code, 0);
  sim.clear_calls();
  RunResult again = run_cloudvip(args, sim.env_for(k_instance_a));
  ASSERT_EQ(again.exit_code, 0) << describe(again);
  EXPECT_TRUE(sim.mutating_actions().empty()) << ::testing::PrintToString(sim.actions());
  EXPECT_FALSE(sim.actions().empty()) << "it did read the tables";
}

TEST(CliAcquire, AMissingRouteIsCreatedAndTheOthersLeftAlone) {
  Sim sim(two_az_text());
  Env env = sim.env_for(k_instance_a);
  ASSERT_EQ(run_cloudvip(with(vip_args(sim, k_overlay_vip, k_three_tables), {"acquire"}), env).exit_code, 0);
  RunResult removed =
      run_cloudvip(with(vip_args(sim, k_overlay_vip, {k_rtb_b}), {"release", "--delete-routes"}), env);
  ASSERT_EQ(removed.exit_code, 0) << describe(removed);
  ASSERT_EQ(sim.route_target(k_rtb_b, k_overlay_route), "(none)");
  sim.clear_calls();

  RunResult run = run_cloudvip(with(vip_args(sim, k_overlay_vip, k_three_tables), {"acquire"}), env);
  ASSERT_EQ(run.exit_code, 0) << describe(run);
  EXPECT_EQ(sim.route_target(k_rtb_b, k_overlay_route), k_eni_a);
  EXPECT_EQ(sim.mutating_actions(), std::vector<std::string>{"CreateRoute"});
}

// The standby has looked (status: every table on a); its acquire then writes first: the ReplaceRoutes
// reach EC2 before any DescribeRouteTables (the only read is the verification). A repeated acquire reads
// and writes nothing (issue 9).
TEST(CliAcquire, AfterAStatusTheStandbyWritesWithoutReadingFirst) {
  Sim sim(two_az_text());
  std::vector<std::string> base = vip_args(sim, k_overlay_vip, k_three_tables);
  ASSERT_EQ(run_cloudvip(with(base, {"acquire"}), sim.env_for(k_instance_a)).exit_code, 0);
  ASSERT_EQ(run_cloudvip(with(base, {"status"}), sim.env_for(k_instance_b)).exit_code, 3);
  sim.clear_calls();

  RunResult run = run_cloudvip(with(base, {"--json", "acquire"}), sim.env_for(k_instance_b));
  ASSERT_EQ(run.exit_code, 0) << describe(run);
  EXPECT_EQ(sim.actions(), (std::vector<std::string>{"ReplaceRoute", "ReplaceRoute", "ReplaceRoute",
                                                     "DescribeRouteTables"}));
  nlohmann::json report = nlohmann::json::parse(run.out);
  for (const nlohmann::json& table : report["route_tables"]) {
    EXPECT_EQ(table["written_first"], true) << table.dump();
    EXPECT_EQ(table["verified"], "yes") << table.dump();
    EXPECT_EQ(sim.route_target(table["id"], k_overlay_route), k_eni_b);
  }
  sim.clear_calls();

  ASSERT_EQ(run_cloudvip(with(base, {"acquire"}), sim.env_for(k_instance_b)).exit_code, 0);
  // The holder writes nothing: it reads, and reads again after the settle time (a read that says "ours" may
  // lag the peer's takeover; docs/reliability.md).
  EXPECT_EQ(sim.actions(), (std::vector<std::string>{"DescribeRouteTables", "DescribeRouteTables"}));
}

// Throttling (RequestLimitExceeded, 503) on the first two ReplaceRoute answers, then 5xx on a read: the
// retries converge and the command succeeds.
TEST(CliAcquire, ConvergesThroughThrottlingAndServerErrors) {
  Sim sim(two_az_text());
  std::vector<std::string> args = with(vip_args(sim, k_overlay_vip, k_three_tables), {"acquire"});
  ASSERT_EQ(run_cloudvip(args, sim.env_for(k_instance_a)).exit_code, 0);
  sim.post("/_sim/faults", R"({"fail_next": [
      {"action": "ReplaceRoute", "count": 2, "code": "RequestLimitExceeded", "status": 503},
      {"action": "DescribeRouteTables", "count": 1, "code": "InternalError", "status": 500}]})");
  sim.clear_calls();

  RunResult run = run_cloudvip(args, sim.env_for(k_instance_b));
  ASSERT_EQ(run.exit_code, 0) << describe(run);
  for (const std::string& id : k_three_tables) {
    EXPECT_EQ(sim.route_target(id, k_overlay_route), k_eni_b) << id;
  }
  int throttled = 0, server_errors = 0;
  for (const auto& call : sim.calls()) {
    throttled += call["error_code"] == "RequestLimitExceeded";
    server_errors += call["error_code"] == "InternalError";
  }
  EXPECT_EQ(throttled, 2);
  EXPECT_EQ(server_errors, 1);
}

// b's key may change only the two private tables (two-az.toml's "routes" credential): the main table's
// ReplaceRoute is refused. The other two move, the refusal is reported for that table, exit 1.
TEST(CliAcquire, APartialFailureIsReportedPerTable) {
  Sim sim(two_az_text());
  std::vector<std::string> args = with(vip_args(sim, k_overlay_vip, k_three_tables), {"--json", "acquire"});
  ASSERT_EQ(run_cloudvip(args, sim.env_for(k_instance_a)).exit_code, 0);

  RunResult run = run_cloudvip(args, sim.env_for(k_instance_b, {k_routes_key, k_routes_secret}));
  ASSERT_EQ(run.exit_code, 1) << describe(run);
  EXPECT_EQ(sim.route_target(k_rtb_main, k_overlay_route), k_eni_a);
  EXPECT_EQ(sim.route_target(k_rtb_a, k_overlay_route), k_eni_b);
  EXPECT_EQ(sim.route_target(k_rtb_b, k_overlay_route), k_eni_b);

  nlohmann::json report = nlohmann::json::parse(run.out);
  EXPECT_EQ(report["exit_code"], 1);
  ASSERT_EQ(report["route_tables"].size(), 3u) << report.dump(2);
  for (const auto& table : report["route_tables"]) {
    if (table["id"] == k_rtb_main) {
      EXPECT_EQ(table["action"], "failed") << table.dump(2);
      EXPECT_EQ(table["error"]["aws_code"], "UnauthorizedOperation") << table.dump(2);
    } else {
      EXPECT_NE(table["action"], "failed") << table.dump(2);
      EXPECT_TRUE(table["error"].is_null()) << table.dump(2);
    }
  }
}

// --dry-run asks EC2 with DryRun=true for each route it would create (one per table, each answered
// DryRunOperation: "would have succeeded") and changes nothing in the world.
TEST(CliAcquire, DryRunChangesNothing) {
  Sim sim(two_az_text());
  nlohmann::json before = sim.get("/_sim/state");
  RunResult run = run_cloudvip(with(vip_args(sim, k_overlay_vip, k_three_tables), {"acquire", "--dry-run"}),
                               sim.env_for(k_instance_a));
  ASSERT_EQ(run.exit_code, 0) << describe(run);
  std::vector<std::string> dry_tables;
  for (const auto& call : sim.calls()) {
    if (call["action"].get<std::string>().starts_with("Describe")) {
      continue;
    }
    EXPECT_EQ(call["action"], "CreateRoute") << call.dump();
    EXPECT_EQ(call["error_code"], "DryRunOperation") << call.dump();
    bool dry = false;
    for (const auto& param : call["params"]) {
      dry = dry || (param[0] == "DryRun" && param[1] == "true");
      if (param[0] == "RouteTableId") {
        dry_tables.push_back(param[1]);
      }
    }
    EXPECT_TRUE(dry) << "a mutating call without DryRun=true: " << call.dump();
  }
  std::sort(dry_tables.begin(), dry_tables.end());
  std::vector<std::string> expected = k_three_tables;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(dry_tables, expected) << "one DryRun CreateRoute per table";
  for (const std::string& id : k_three_tables) {
    EXPECT_EQ(sim.route_target(id, k_overlay_route), "(none)") << id;
  }
  EXPECT_EQ(sim.get("/_sim/state"), before) << "the dry run changed the world";
}

// The seed article's layout from a config file: an in-VPC VIP routed by its subnet's CIDR; credentials
// from the instance role and the region from IMDS (no keys, no --region).
TEST(CliAcquire, InVpcVipFromAConfigFileWithTheInstanceRole) {
  Sim sim(two_az_text());
  std::string config = sim.dir().write("cloudvip.toml", R"([aws]
endpoint = ")" + sim.endpoint() + R"("

[[vip]]
name = "iris"
address = "10.109.10.254"
route_tables = ["rtb-0a1b2c3d4e5f6aaa0", "rtb-0a1b2c3d4e5f6aaa1", "rtb-0a1b2c3d4e5f6aaa2"]
local_address = false
)");
  RunResult run = run_cloudvip({"--config", config, "acquire"}, sim.env_for(k_instance_b, {}));
  ASSERT_EQ(run.exit_code, 0) << describe(run);
  for (const std::string& id : k_three_tables) {
    EXPECT_EQ(sim.route_target(id, "10.109.10.224/27"), k_eni_b) << id;
  }
  for (const auto& call : sim.calls()) {
    EXPECT_TRUE(call["access_key_id"].get<std::string>().starts_with("ASIA"))
        << "role credentials: " << call.dump();
  }
  RunResult status =
      run_cloudvip({"--config", config, "status", "--vip", "iris"}, sim.env_for(k_instance_b, {}));
  EXPECT_EQ(status.exit_code, 0) << describe(status);
}

// As under a systemd unit without User=: no HOME. The ~/.aws files are looked for in the password
// database's home, and the chain goes on to the instance role.
TEST(CliAcquire, WorksWithoutHomeOnTheInstanceRole) {
  Sim sim(two_az_text());
  Env env = sim.env_for(k_instance_a, {});
  env.erase("HOME");
  RunResult run = run_cloudvip(with(vip_args(sim, k_overlay_vip, {k_rtb_a}), {"acquire"}), env);
  ASSERT_EQ(run.exit_code, 0) << describe(run);
  EXPECT_EQ(sim.route_target(k_rtb_a, k_overlay_route), k_eni_a);
}

// EC2 answers after 8 s; --timeout 1 ends the command after about a second, exit 1, saying why.
TEST(CliAcquire, GivesUpAtTheTimeout) {
  Sim sim(two_az_text());
  sim.post("/_sim/faults", R"({"latency_ms": 8000})");
  auto start = std::chrono::steady_clock::now();
  RunResult run = run_cloudvip(with(vip_args(sim, k_overlay_vip, {k_rtb_a}), {"acquire", "--timeout", "1"}),
                               sim.env_for(k_instance_a));
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(run.exit_code, 1) << describe(run);
  EXPECT_LT(took, std::chrono::seconds(6)) << "stopped by --timeout, not by the answer";
  EXPECT_NE(run.err.find("--timeout"), std::string::npos) << run.err;
}

TEST(CliRelease, DeleteRoutesLeavesThePeersRoutesAlone) {
  Sim sim(two_az_text());
  ASSERT_EQ(
      run_cloudvip(with(vip_args(sim, k_overlay_vip, k_three_tables), {"acquire"}), sim.env_for(k_instance_a))
          .exit_code,
      0);
  ASSERT_EQ(
      run_cloudvip(with(vip_args(sim, k_overlay_vip, {k_rtb_b}), {"acquire"}), sim.env_for(k_instance_b))
          .exit_code,
      0);
  sim.clear_calls();

  RunResult run =
      run_cloudvip(with(vip_args(sim, k_overlay_vip, k_three_tables), {"release", "--delete-routes"}),
                   sim.env_for(k_instance_a));
  ASSERT_EQ(run.exit_code, 0) << describe(run);
  EXPECT_EQ(sim.route_target(k_rtb_main, k_overlay_route), "(none)");
  EXPECT_EQ(sim.route_target(k_rtb_a, k_overlay_route), "(none)");
  EXPECT_EQ(sim.route_target(k_rtb_b, k_overlay_route), k_eni_b);
  EXPECT_EQ(sim.mutating_actions(), (std::vector<std::string>{"DeleteRoute", "DeleteRoute"}));
}

TEST(CliRelease, WithoutDeleteRoutesLeavesEveryRoute) {
  Sim sim(two_az_text());
  Env env = sim.env_for(k_instance_a);
  ASSERT_EQ(run_cloudvip(with(vip_args(sim, k_overlay_vip, k_three_tables), {"acquire"}), env).exit_code, 0);
  sim.clear_calls();
  RunResult run = run_cloudvip(with(vip_args(sim, k_overlay_vip, k_three_tables), {"release"}), env);
  ASSERT_EQ(run.exit_code, 0) << describe(run);
  EXPECT_TRUE(sim.mutating_actions().empty()) << ::testing::PrintToString(sim.actions());
  EXPECT_EQ(sim.route_target(k_rtb_a, k_overlay_route), k_eni_a);
}

TEST(CliStatus, ExitsZeroOnTheHolderAndThreeOnThePeer) {
  Sim sim(two_az_text());
  std::vector<std::string> base = vip_args(sim, k_overlay_vip, k_three_tables);
  ASSERT_EQ(run_cloudvip(with(base, {"acquire"}), sim.env_for(k_instance_a)).exit_code, 0);
  sim.clear_calls();

  RunResult holder = run_cloudvip(with(base, {"status", "--json"}), sim.env_for(k_instance_a));
  EXPECT_EQ(holder.exit_code, 0) << describe(holder);
  EXPECT_EQ(nlohmann::json::parse(holder.out)["owned"], true);
  RunResult peer = run_cloudvip(with(base, {"status"}), sim.env_for(k_instance_b));
  EXPECT_EQ(peer.exit_code, 3) << describe(peer);
  EXPECT_NE(peer.out.find(k_eni_a), std::string::npos) << peer.out;
  EXPECT_TRUE(sim.mutating_actions().empty());
}

TEST(CliStatus, ExitsOneWhenAwsCannotBeRead) {
  Sim sim(two_az_text());
  sim.post("/_sim/faults", R"({"fail_next": [{"action": "DescribeRouteTables", "count": 10,
                                              "code": "AuthFailure", "status": 401}]})");
  RunResult run =
      run_cloudvip(with(vip_args(sim, k_overlay_vip, k_three_tables), {"status"}), sim.env_for(k_instance_a));
  EXPECT_EQ(run.exit_code, 1) << describe(run);
  EXPECT_NE(run.err.find("cloudvip: error:"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace cloudvip::clitest
