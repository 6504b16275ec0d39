// One test per rule of the daemon (docs/daemon.md), on FakeClock, FakeCloud and FakeAddressTable.
#include "daemon/reconciler.h"

#include <gtest/gtest.h>

#include "daemon/reconciler_test_world.h"

namespace cloudvip::reconciler_test {
namespace {

class ReconcilerTest : public ::testing::Test {
 protected:
  void TearDown() override {
    // The rule every test shares: the daemon never deletes a route.
    EXPECT_EQ(world.count("delete_routes"), 0u);
  }
  World world;
};

TEST_F(ReconcilerTest, PrimaryPointsEveryTableInOneBatch) {
  world.run({world.vip()});
  world.step();  // no answer yet: reads, writes nothing
  EXPECT_EQ(world.count("point_routes"), 0u);
  world.answer(Role::primary);
  world.step(Millis(0));
  EXPECT_TRUE(world.every_table_ours());
  EXPECT_EQ(world.cloud.point_routes_batches(), std::vector<size_t>{3});
  EXPECT_TRUE(world.has_local());
  EXPECT_EQ(world.metric("cloudvip_is_primary", {{"vip", "iris"}}), 1);
  EXPECT_EQ(world.metric("cloudvip_leadership_transitions_total", {{"vip", "iris"}}), 1);
  EXPECT_EQ(world.metric("cloudvip_route_writes_total",
                         {{"vip", "iris"}, {"route_table", "rtb-2"}, {"result", "ok"}}),
            1);
}

TEST_F(ReconcilerTest, OnALeaderChangeTheWritesLeaveBeforeAnyRead) {
  world.run({world.vip()});
  world.step();  // the last view: the peer holds every table
  world.cloud.clear_calls();
  world.answer(Role::primary);
  world.step(Millis(0));
  std::vector<testing::FakeCall> calls = world.cloud.calls();
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.front().method, "point_routes");  // no read before the write
  EXPECT_TRUE(world.every_table_ours());
}

TEST_F(ReconcilerTest, AnAlreadyOwnedTableIsNotWritten) {
  world.run({world.vip()});
  world.cloud.set_route("rtb-2", cidr("192.168.100.10/32"), route_to(k_ours));
  world.step();
  world.answer(Role::primary);
  world.step(Millis(0));
  ASSERT_EQ(world.cloud.point_routes_batches(), std::vector<size_t>{2});
  std::vector<testing::FakeCall> writes = world.cloud.calls("point_routes");
  for (const std::string& arg : writes[0].args) {
    EXPECT_EQ(arg.find("rtb-2"), std::string::npos) << arg;
  }
}

TEST_F(ReconcilerTest, UnknownFreezesNoWriteNoRemovalNoFlip) {
  world.run({world.vip()});
  world.answer(Role::primary);
  world.step();
  ASSERT_TRUE(world.every_table_ours());
  ASSERT_TRUE(world.has_local());
  world.answer(Role::unknown);
  // The peer takes a table while we cannot tell: nothing is repaired, nothing removed.
  world.cloud.set_route("rtb-1", cidr("192.168.100.10/32"), route_to(k_peer));
  world.cloud.clear_calls();
  world.run_for(Millis(30000));
  EXPECT_EQ(world.cloud.mutating_call_count(), 0u);
  EXPECT_GE(world.count("read_route_tables"), 1u);  // still observed, and reported
  EXPECT_TRUE(world.has_local());
  EXPECT_EQ(world.holder(1), k_peer);
  EXPECT_EQ(world.metric("cloudvip_frozen_total", {{"vip", "iris"}}), 1);
  EXPECT_EQ(world.metric("cloudvip_leader_source_up", {{"vip", "iris"}, {"source", "fake"}}), 0);
  EXPECT_EQ(world.metric("cloudvip_is_primary", {{"vip", "iris"}}), 1);  // no flip
  EXPECT_EQ(world.reconciler.status()[0].phase, VipPhase::frozen);
}

TEST_F(ReconcilerTest, UnknownFromTheStartNeverClaims) {
  world.run({world.vip()});
  world.answer(Role::unknown);
  world.run_for(Millis(30000));
  EXPECT_EQ(world.cloud.mutating_call_count(), 0u);
  EXPECT_FALSE(world.has_local());
}

TEST_F(ReconcilerTest, ClaimOnlyAfterTheHoldDown) {
  VipTarget target = world.vip();
  target.hold_down = Millis(3000);
  world.run({target});
  world.answer(Role::primary);
  world.step(Millis(0));
  world.run_for(Millis(2900));
  EXPECT_EQ(world.count("point_routes"), 0u);
  EXPECT_FALSE(world.has_local());
  EXPECT_EQ(world.reconciler.status()[0].phase, VipPhase::holding_down);
  world.run_for(Millis(200));
  EXPECT_EQ(world.count("point_routes"), 1u);
  EXPECT_TRUE(world.every_table_ours());
}

TEST_F(ReconcilerTest, APrimaryAnswerThatDoesNotLastTheHoldDownNeverClaims) {
  VipTarget target = world.vip();
  target.hold_down = Millis(3000);
  world.run({target});
  world.answer(Role::primary);
  world.run_for(Millis(2000));
  world.answer(Role::standby);
  world.run_for(Millis(10000));
  world.answer(Role::primary);
  world.run_for(Millis(2000));
  EXPECT_EQ(world.count("point_routes"), 0u);
}

TEST_F(ReconcilerTest, DriftIsRepairedAtTheNextRead) {
  world.run({world.vip()});
  world.answer(Role::primary);
  world.run_for(Millis(6000));
  ASSERT_TRUE(world.every_table_ours());
  world.cloud.clear_calls();
  world.cloud.set_route("rtb-2", cidr("192.168.100.10/32"), route_to(k_peer));  // by hand, behind our back
  world.run_for(Millis(5000));                                                  // one interval
  EXPECT_EQ(world.holder(2), k_ours);
  std::vector<testing::FakeCall> writes = world.cloud.calls("point_routes");
  ASSERT_EQ(writes.size(), 1u);
  EXPECT_EQ(writes[0].args, std::vector<std::string>{"rtb-2 192.168.100.10/32 -> eni-ours"});
  EXPECT_EQ(world.metric("cloudvip_drift_repairs_total", {{"vip", "iris"}}), 1);
}

TEST_F(ReconcilerTest, AMissingOrBlackholeRouteIsDriftToo) {
  world.run({world.vip()});
  world.answer(Role::primary);
  world.run_for(Millis(6000));
  world.cloud.set_route("rtb-1", cidr("192.168.100.10/32"), route_to(k_ours, "blackhole"));
  world.run_for(Millis(5000));
  EXPECT_EQ(world.cloud.route("rtb-1", cidr("192.168.100.10/32"))->state, "active");
  EXPECT_EQ(world.metric("cloudvip_drift_repairs_total", {{"vip", "iris"}}), 1);
}

TEST_F(ReconcilerTest, StandbyRemovesTheAddressAndWritesNothing) {
  world.addresses.put_address("eth0", InterfaceAddress{*Ipv4Address::parse("192.168.100.10"), 32, "eth0:1"});
  world.run({world.vip("iris", "192.168.100.10", true, k_ours)});  // the routes even point here still
  world.cloud.set_route("rtb-3", cidr("192.168.100.10/32"), route_to(k_peer));
  world.answer(Role::standby);
  world.run_for(Millis(30000));
  EXPECT_FALSE(world.has_local());
  EXPECT_EQ(world.cloud.mutating_call_count(), 0u);
  EXPECT_EQ(world.holder(3), k_peer);
  EXPECT_EQ(world.holder(1), k_ours);  // routes untouched
}

TEST_F(ReconcilerTest, PrimaryToStandbyStopsWritingAndDropsTheAddress) {
  world.run({world.vip()});
  world.answer(Role::primary);
  world.run_for(Millis(6000));
  world.answer(Role::standby);
  world.cloud.clear_calls();
  for (int i = 1; i <= 3; ++i) {
    world.cloud.set_route(table_id(i), cidr("192.168.100.10/32"), route_to(k_peer));  // the new primary
  }
  world.run_for(Millis(30000));
  EXPECT_EQ(world.cloud.mutating_call_count(), 0u);
  EXPECT_FALSE(world.has_local());
  EXPECT_EQ(world.metric("cloudvip_leadership_transitions_total", {{"vip", "iris"}}), 2);
}

// The peer takes rtb-1 back after every write of ours (both think they are primary).
int fight(World& world, Millis duration) {
  int writes = 0;
  TimePoint end = world.clock.now() + duration;
  while (world.clock.now() < end) {
    world.clock.set(std::max(world.clock.now(), std::min(world.next, end)));
    if (world.clock.now() < world.next) {
      continue;
    }
    size_t before = world.count("point_routes");
    world.next = world.reconciler.tick();
    writes += static_cast<int>(world.count("point_routes") - before);
    world.cloud.set_route("rtb-1", cidr("192.168.100.10/32"), route_to(k_peer));
  }
  return writes;
}

TEST_F(ReconcilerTest, AFightMakesTheVipContestedAndStopsTheWrites) {
  world.run({world.vip()});
  world.answer(Role::primary);
  world.step(Millis(0));
  int writes = fight(world, Millis(60000));
  // The claim, then one repair per take until the fourth take in 60 s: then no more.
  EXPECT_LE(writes, 5);
  EXPECT_EQ(world.reconciler.status()[0].phase, VipPhase::contested);
  EXPECT_EQ(world.metric("cloudvip_contested", {{"vip", "iris"}}), 1);
  EXPECT_NE(world.log.text().find("CONTESTED"), std::string::npos);
  // The first pause is 60 s: nothing written in it.
  TimePoint until = world.reconciler.status()[0].contested_until;
  int during = fight(world, std::chrono::duration_cast<Millis>(until - world.clock.now()) - Millis(1));
  EXPECT_EQ(during, 0);
}

TEST_F(ReconcilerTest, AfterThePauseItTriesAgainAndTheNextPauseIsTwiceAsLong) {
  world.run({world.vip()});
  world.answer(Role::primary);
  world.step(Millis(0));
  fight(world, Millis(60000));
  VipStatus first = world.reconciler.status()[0];
  ASSERT_EQ(first.phase, VipPhase::contested);
  TimePoint first_start = world.clock.now();
  Millis first_pause = std::chrono::duration_cast<Millis>(first.contested_until - first_start);
  int writes = fight(world, Millis(200000));
  EXPECT_GT(writes, 0);  // tried again after the pause
  VipStatus second = world.reconciler.status()[0];
  ASSERT_EQ(second.phase, VipPhase::contested);
  EXPECT_GT(second.contested_until - world.clock.now(), first_pause + Millis(30000)) << "doubled";
  // Bounded over a long fight: 30 minutes of it cost a handful of writes, not one per interval.
  int long_fight = fight(world, Millis(30 * 60000));
  EXPECT_LT(long_fight, 40);
}

TEST_F(ReconcilerTest, AContestedVipTriesAgainWhenTheAnswerChanges) {
  world.run({world.vip()});
  world.answer(Role::primary);
  world.step(Millis(0));
  fight(world, Millis(60000));
  ASSERT_EQ(world.reconciler.status()[0].phase, VipPhase::contested);
  world.answer(Role::standby);
  world.answer(Role::primary);
  world.cloud.clear_calls();
  world.step(Millis(0));
  EXPECT_EQ(world.count("point_routes"), 1u);
  EXPECT_EQ(world.metric("cloudvip_contested", {{"vip", "iris"}}), 0);
}

TEST_F(ReconcilerTest, OneReadPerIntervalForAHundredVipsOverFiftyTables) {
  World big(50);
  std::vector<VipTarget> vips;
  for (int i = 0; i < 100; ++i) {
    vips.push_back(big.vip("vip" + std::to_string(i), "192.168.100." + std::to_string(i + 1), false));
  }
  big.run(std::move(vips));
  big.next = big.reconciler.tick();
  EXPECT_EQ(big.count("read_route_tables"), 1u);
  for (int i = 0; i < 100; ++i) {
    big.answer(Role::primary, "vip" + std::to_string(i));
  }
  big.cloud.clear_calls();
  big.next = big.reconciler.tick();
  // Every VIP's writes in one concurrent batch, no read before them (one read after: the verification).
  EXPECT_EQ(big.cloud.point_routes_batches(), std::vector<size_t>{5000});
  EXPECT_EQ(big.cloud.calls().front().method, "point_routes");
  EXPECT_LE(big.count("read_route_tables"), 1u);
  big.cloud.clear_calls();
  big.run_for(Millis(60000));  // idle: one read per (jittered) interval, nothing else
  EXPECT_LE(big.cloud.calls().size(), 14u);
  EXPECT_GE(big.cloud.calls().size(), 11u);
  EXPECT_EQ(big.count("read_route_tables"), big.cloud.calls().size());
  EXPECT_EQ(big.count("delete_routes"), 0u);
}

TEST_F(ReconcilerTest, AFailedWriteIsRetriedSoonWithoutWaitingForTheInterval) {
  world.run({world.vip()});
  world.step();
  Error throttled(ErrorCode::aws, "Request limit exceeded.");
  throttled.aws_code = "RequestLimitExceeded";
  world.cloud.fail_route_table("rtb-2", throttled);
  world.answer(Role::primary);
  world.step(Millis(0));
  EXPECT_EQ(world.holder(1), k_ours);
  EXPECT_EQ(world.holder(2), k_peer);
  EXPECT_EQ(world.metric("cloudvip_route_writes_total",
                         {{"vip", "iris"}, {"route_table", "rtb-2"}, {"result", "error"}}),
            1);
  world.cloud.clear_failures();
  world.cloud.clear_calls();
  world.run_for(Millis(600));  // well inside one interval
  EXPECT_EQ(world.holder(2), k_ours);
}

TEST_F(ReconcilerTest, AReadFailureChangesNothingAndIsReported) {
  world.run({world.vip()});
  world.answer(Role::primary);
  world.run_for(Millis(6000));
  Error down(ErrorCode::network, "connection refused");
  world.cloud.fail_method("read_route_tables", down);
  world.cloud.clear_calls();
  world.run_for(Millis(20000));
  EXPECT_EQ(world.cloud.mutating_call_count(), 0u);
  ASSERT_TRUE(world.reconciler.status()[0].last_read_error.has_value());
  EXPECT_TRUE(world.has_local());
}

TEST_F(ReconcilerTest, FailoverTimeIsMeasuredFromTheSignalToTheLastAcknowledgedTable) {
  world.run({world.vip()});
  world.step();
  world.answer(Role::primary);
  world.step(Millis(0));
  EXPECT_NE(world.log.text().find("every route table (3) points at eni-ours"), std::string::npos);
}

TEST_F(ReconcilerTest, AfterALeaderChangeTheTablesAreReadAgainOnceTheReadsCanBeTrusted) {
  // The read right after the claim lags: it still shows our earlier tenure, so nothing is written. The
  // tables are read again after consistency_grace (1 s), not only after the interval (5 s), and repaired.
  world.run({world.vip("iris", "192.168.100.10", true, k_ours)});
  world.step();
  world.answer(Role::primary);
  world.step(Millis(0));
  ASSERT_TRUE(world.every_table_ours());
  EXPECT_EQ(world.count("point_routes"), 0u) << "the (lagging) read says ours";
  world.cloud.set_route(table_id(2), cidr("192.168.100.10/32"), route_to(k_peer));  // the replica catches up
  world.run_for(Millis(1500));
  EXPECT_TRUE(world.every_table_ours()) << "read again within about consistency_grace, and repaired";
  EXPECT_EQ(world.count("point_routes"), 1u);
}

TEST_F(ReconcilerTest, TagAndVpcSelectorsShareTheOneRead) {
  VipTarget tagged = world.vip("tagged", "192.168.100.20", false);
  tagged.tables = RouteTableTag{"cloudvip", "iris"};
  VipTarget whole = world.vip("whole", "192.168.100.30", false);
  whole.tables = WholeVpcRouteTables{};
  world.run({world.vip(), tagged, whole});
  world.step();
  EXPECT_EQ(world.count("read_route_tables"), 1u);
  world.answer(Role::primary, "tagged");
  world.answer(Role::primary, "whole");
  world.step(Millis(0));
  EXPECT_TRUE(world.every_table_ours("192.168.100.20/32"));
  EXPECT_TRUE(world.every_table_ours("192.168.100.30/32"));
  EXPECT_FALSE(world.every_table_ours("192.168.100.10/32"));
}

}  // namespace
}  // namespace cloudvip::reconciler_test
