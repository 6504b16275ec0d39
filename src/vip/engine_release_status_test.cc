// Engine::release and Engine::status against FakeCloud, FakeAddressTable and FakeClock.
#include <gmock/gmock.h>

#include "vip/engine_test_world.h"

namespace cloudvip::engine_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

class ReleaseTest : public EngineWorld {
 protected:
  void hold_the_vip() { addresses.put_address("eth0", InterfaceAddress{k_overlay_vip, 32, "eth0:1"}); }
};

TEST_F(ReleaseTest, WithoutDeleteRoutesOnlyTakesTheAddressOffAndAsksTheCloudNothing) {
  add_tables(2, k_our_eni);
  hold_the_vip();
  ReleaseReport report = engine.release(overlay_spec());

  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  EXPECT_EQ(report.local_address.outcome, LocalAddressOutcome::removed);
  EXPECT_TRUE(addresses.addresses("eth0").empty());
  EXPECT_TRUE(cloud.calls().empty());
  EXPECT_EQ(our_route("rtb-0"), "eni-0aaa active");

  ReleaseReport again = engine.release(overlay_spec());
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_EQ(again.local_address.outcome, LocalAddressOutcome::absent);
}

TEST_F(ReleaseTest, DeleteRoutesDeletesOnlyOursAndLeavesThePeersAlone) {
  add_tables(3, "");
  cloud.set_route("rtb-0", k_overlay_destination, route_to(k_our_eni));
  cloud.set_route("rtb-1", k_overlay_destination, route_to(k_peer_eni));
  hold_the_vip();
  ReleaseReport report = engine.release(overlay_spec(), {.delete_routes = true});

  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  ASSERT_THAT(report.route_tables, SizeIs(3));
  EXPECT_EQ(report.route_tables[0].action, RouteAction::deleted);
  EXPECT_EQ(report.route_tables[1].action, RouteAction::left);
  EXPECT_THAT(report.route_tables[1].note, HasSubstr("left: points to eni-0bbb (peer i-0bbb"));
  EXPECT_EQ(report.route_tables[2].action, RouteAction::absent);
  ASSERT_THAT(cloud.calls("delete_routes"), SizeIs(1));
  EXPECT_THAT(cloud.calls("delete_routes")[0].args, ElementsAre("rtb-0 192.168.100.10/32 -> eni-0aaa"));
  EXPECT_EQ(our_route("rtb-0"), "missing");
  EXPECT_EQ(our_route("rtb-1"), "eni-0bbb active");
  EXPECT_THAT(cloud.calls("route_tables"), SizeIs(1));
  EXPECT_THAT(cloud.calls("associate_elastic_ip"), SizeIs(0));
}

TEST_F(ReleaseTest, DeleteRoutesWhenNothingIsOursSendsNoDelete) {
  add_tables(2, k_peer_eni);
  ReleaseReport report = engine.release(overlay_spec(), {.delete_routes = true});
  EXPECT_EQ(report.exit_code, 0);
  EXPECT_THAT(cloud.calls("delete_routes"), SizeIs(0));
  EXPECT_EQ(cloud.mutating_call_count(), 0u);
}

TEST_F(ReleaseTest, DryRunRemovesNothing) {
  add_tables(1, k_our_eni);
  hold_the_vip();
  ReleaseReport report = engine.release(overlay_spec(), {.delete_routes = true, .dry_run = true});

  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  EXPECT_EQ(report.local_address.outcome, LocalAddressOutcome::would_remove);
  EXPECT_THAT(addresses.addresses("eth0"), SizeIs(1));
  EXPECT_EQ(report.route_tables[0].action, RouteAction::would_delete);
  EXPECT_EQ(cloud.mutating_call_count(), 0u);
  EXPECT_EQ(our_route("rtb-0"), "eni-0aaa active");
}

TEST_F(ReleaseTest, TheAddressComesOffEvenWhenTheCloudCannotBeReached) {
  add_tables(1, k_our_eni);
  hold_the_vip();
  cloud.fail_method("identity", Error(ErrorCode::network, "IMDS unreachable"));
  ReleaseReport report = engine.release(overlay_spec(), {.delete_routes = true});
  EXPECT_EQ(report.exit_code, 1);
  EXPECT_EQ(report.local_address.outcome, LocalAddressOutcome::removed);
  ASSERT_TRUE(report.error);
}

using StatusTest = EngineWorld;

TEST_F(StatusTest, OwnedEverywhereIsExitZero) {
  add_tables(3, k_our_eni);
  addresses.put_address("eth0", InterfaceAddress{k_overlay_vip, 32, "eth0:1"});
  StatusReport report = engine.status(overlay_spec());
  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  EXPECT_TRUE(report.owned);
  EXPECT_EQ(report.local_address.outcome, LocalAddressOutcome::present);
  EXPECT_EQ(cloud.mutating_call_count(), 0u);
}

TEST_F(StatusTest, PeerHoldingTheRoutesIsExitThree) {
  add_tables(2, k_peer_eni);
  cloud.set_route("rtb-1", k_overlay_destination, VipRoute{"", "", "igw-0ccc", "active"});
  StatusReport report = engine.status(overlay_spec());
  EXPECT_EQ(report.exit_code, 3) << render_table(report);
  EXPECT_FALSE(report.owned);
  EXPECT_EQ(report.route_tables[0].before.owner, RouteOwner::peer);
  EXPECT_EQ(report.route_tables[1].before.owner, RouteOwner::other_target);
  EXPECT_EQ(report.local_address.outcome, LocalAddressOutcome::absent);
}

TEST_F(StatusTest, RoutesOursButAddressMissingIsNotOwned) {
  add_tables(1, k_our_eni);
  EXPECT_EQ(engine.status(overlay_spec()).exit_code, 3);
  VipSpec managed_elsewhere = overlay_spec();
  managed_elsewhere.local_address = false;
  EXPECT_EQ(engine.status(managed_elsewhere).exit_code, 0);
}

TEST_F(StatusTest, BlackholeRouteOnOurEniIsNotOwned) {
  add_tables(1, "");
  cloud.set_route("rtb-0", k_overlay_destination, route_to(k_our_eni, "blackhole"));
  addresses.put_address("eth0", InterfaceAddress{k_overlay_vip, 32, "eth0:1"});
  StatusReport report = engine.status(overlay_spec());
  EXPECT_EQ(report.exit_code, 3);
  EXPECT_THAT(report.route_tables[0].note, HasSubstr("not active"));
}

TEST_F(StatusTest, ElasticIpElsewhereIsNotOwned) {
  add_tables(1, k_our_eni);
  addresses.put_address("eth0", InterfaceAddress{k_overlay_vip, 32, "eth0:1"});
  cloud.add_elastic_ip({.allocation_id = "eipalloc-1",
                        .public_ip = "203.0.113.5",
                        .network_interface_id = k_peer_eni,
                        .instance_id = "i-0bbb"});
  VipSpec spec = overlay_spec();
  spec.elastic_ip = "eipalloc-1";
  StatusReport report = engine.status(spec);
  EXPECT_EQ(report.exit_code, 3);
  EXPECT_EQ(report.elastic_ip.outcome, ElasticIpOutcome::elsewhere);
  EXPECT_EQ(report.elastic_ip.network_interface_id, k_peer_eni);
}

TEST_F(StatusTest, ReadFailureIsExitOne) {
  add_tables(1, k_our_eni);
  cloud.fail_method("route_tables", aws_error("RequestLimitExceeded", "Request limit exceeded.", "r-9"));
  StatusReport report = engine.status(overlay_spec());
  EXPECT_EQ(report.exit_code, 1);
  ASSERT_TRUE(report.error);
  EXPECT_EQ(report.error->aws_code, "RequestLimitExceeded");
  EXPECT_FALSE(report.owned);
}

}  // namespace
}  // namespace cloudvip::engine_test
