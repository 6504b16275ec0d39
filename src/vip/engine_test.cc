// Engine::acquire against FakeCloud, FakeAddressTable and FakeClock.
#include <gmock/gmock.h>

#include <future>

#include "vip/engine_test_world.h"

namespace cloudvip::engine_test {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

using AcquireTest = EngineWorld;

TEST_F(AcquireTest, FromNothingCreatesEveryRouteAddsTheAddressAndVerifies) {
  add_tables(3, "");
  AcquireReport report = engine.acquire(overlay_spec());

  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  EXPECT_FALSE(report.error);
  ASSERT_THAT(report.route_tables, SizeIs(3));
  for (const RouteTableReport& table : report.route_tables) {
    EXPECT_EQ(table.before.owner, RouteOwner::missing) << table.id;
    EXPECT_EQ(table.action, RouteAction::created) << table.id;
    EXPECT_EQ(table.verified, Verified::yes) << table.id;
    EXPECT_EQ(our_route(table.id), "eni-0aaa active");
  }
  EXPECT_TRUE(report.route_tables[0].main);
  EXPECT_EQ(cloud.point_routes_batches(), std::vector<size_t>{3});
  EXPECT_THAT(cloud.calls("route_tables"), SizeIs(2)) << "one read, one verification read";
  EXPECT_EQ(report.local_address.outcome, LocalAddressOutcome::added);
  EXPECT_THAT(addresses.addresses("eth0"), ElementsAre(InterfaceAddress{k_overlay_vip, 32, "eth0:1"}));
  EXPECT_EQ(report.context.interface, "eth0") << "the default route's interface";
  EXPECT_EQ(report.context.network_interface_id, k_our_eni);
  EXPECT_EQ(report.context.destination, k_overlay_destination);
}

class FailoverTest : public EngineWorld, public ::testing::WithParamInterface<int> {};

TEST_P(FailoverTest, MovesEveryTableFromThePeerInOneBatch) {
  int n = GetParam();
  add_tables(n, k_peer_eni);
  AcquireReport report = engine.acquire(overlay_spec());

  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  EXPECT_EQ(cloud.point_routes_batches(), std::vector<size_t>{static_cast<size_t>(n)});
  EXPECT_THAT(cloud.calls("point_routes"), SizeIs(1));
  ASSERT_THAT(report.route_tables, SizeIs(n));
  for (const RouteTableReport& table : report.route_tables) {
    EXPECT_EQ(table.before.owner, RouteOwner::peer) << table.id;
    EXPECT_EQ(table.before.instance_id, "i-0bbb") << table.id;
    EXPECT_EQ(table.action, RouteAction::replaced) << table.id;
    EXPECT_EQ(table.verified, Verified::yes) << table.id;
    EXPECT_EQ(our_route(table.id), "eni-0aaa active");
  }
}

INSTANTIATE_TEST_SUITE_P(Tables, FailoverTest, ::testing::Values(1, 3, 50));

TEST_F(AcquireTest, ReacquireMakesNoMutatingCallAndFindsTheAddressPresent) {
  add_tables(3, k_peer_eni);
  ASSERT_EQ(engine.acquire(overlay_spec()).exit_code, 0);
  cloud.clear_calls();

  AcquireReport again = engine.acquire(overlay_spec());
  EXPECT_EQ(again.exit_code, 0) << render_table(again);
  EXPECT_EQ(cloud.mutating_call_count(), 0u);
  EXPECT_TRUE(cloud.point_routes_batches().empty());
  EXPECT_THAT(cloud.calls("route_tables"), SizeIs(2))
      << "the read, and the settle read that confirms it (issue 10); nothing changed, so no verification";
  EXPECT_EQ(again.local_address.outcome, LocalAddressOutcome::present);
  for (const RouteTableReport& table : again.route_tables) {
    EXPECT_EQ(table.action, RouteAction::unchanged) << table.id;
    EXPECT_EQ(table.verified, Verified::yes) << table.id;
  }
}

TEST_F(AcquireTest, OverlayVipAsksForNoSubnets) {
  add_tables(1, "");
  AcquireReport report = engine.acquire(overlay_spec());
  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  EXPECT_THAT(cloud.calls("subnets"), SizeIs(0));
}

TEST_F(AcquireTest, InVpcVipRoutesItsSubnetsCidr) {
  add_tables(2, k_peer_eni, k_in_vpc_destination);
  VipSpec spec = overlay_spec();
  spec.address = k_in_vpc_vip;
  AcquireReport report = engine.acquire(spec);

  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  EXPECT_THAT(cloud.calls("subnets"), SizeIs(1));
  EXPECT_EQ(report.context.destination, k_in_vpc_destination);
  EXPECT_EQ(our_route("rtb-0", k_in_vpc_destination), "eni-0aaa active");
  EXPECT_EQ(our_route("rtb-1", k_in_vpc_destination), "eni-0aaa active");
  EXPECT_THAT(addresses.addresses("eth0"), ElementsAre(InterfaceAddress{k_in_vpc_vip, 32, "eth0:1"}));
}

TEST_F(AcquireTest, InVpcVipOutsideEverySubnetIsAConfigErrorAndChangesNothing) {
  add_tables(1, "");
  VipSpec spec = overlay_spec();
  spec.address = ip("10.0.200.5");
  AcquireReport report = engine.acquire(spec);

  EXPECT_EQ(report.exit_code, 2);
  ASSERT_TRUE(report.error);
  EXPECT_EQ(report.error->code, ErrorCode::config);
  EXPECT_THAT(report.error->message, HasSubstr("in no subnet"));
  EXPECT_EQ(cloud.mutating_call_count(), 0u);
  EXPECT_TRUE(addresses.addresses("eth0").empty());
}

TEST_F(AcquireTest, OneRefusedTableFailsWithItsErrorWhileTheOthersMove) {
  add_tables(3, k_peer_eni);
  cloud.fail_route_table("rtb-1", aws_error("UnauthorizedOperation", "You are not authorized", "req-42"));
  AcquireReport report = engine.acquire(overlay_spec());

  EXPECT_EQ(report.exit_code, 1);
  EXPECT_FALSE(report.error) << "a per-table failure is reported on its table";
  ASSERT_THAT(report.route_tables, SizeIs(3));
  const RouteTableReport& failed = report.route_tables[1];
  EXPECT_EQ(failed.action, RouteAction::failed);
  ASSERT_TRUE(failed.error);
  EXPECT_EQ(failed.error->aws_code, "UnauthorizedOperation");
  EXPECT_EQ(failed.error->request_id, "req-42");
  EXPECT_EQ(failed.verified, Verified::skipped);
  EXPECT_EQ(our_route("rtb-1"), "eni-0bbb active");
  for (int i : {0, 2}) {
    EXPECT_EQ(report.route_tables[i].action, RouteAction::replaced);
    EXPECT_EQ(report.route_tables[i].verified, Verified::yes);
  }
  EXPECT_EQ(cloud.point_routes_batches(), std::vector<size_t>{3});
  EXPECT_THAT(summary(report), HasSubstr("FAILED to acquire 192.168.100.10: 1 of 3 route tables failed"));
}

TEST_F(AcquireTest, RouteThatIsNotOursAfterTheChangeFailsVerification) {
  add_tables(3, k_peer_eni);
  hooked.after_point_routes = [&] {
    cloud.set_route("rtb-2", k_overlay_destination, route_to(k_our_eni, "blackhole"));
  };
  AcquireReport report = engine.acquire(overlay_spec());

  EXPECT_EQ(report.exit_code, 1);
  const RouteTableReport& table = report.route_tables[2];
  EXPECT_EQ(table.action, RouteAction::replaced);
  EXPECT_EQ(table.verified, Verified::no);
  ASSERT_TRUE(table.after);
  EXPECT_EQ(table.after->state, "blackhole");
  EXPECT_THAT(table.note, HasSubstr("blackhole"));
  EXPECT_EQ(report.route_tables[0].verified, Verified::yes);
}

TEST_F(AcquireTest, NoVerifySkipsTheSecondRead) {
  add_tables(2, k_peer_eni);
  AcquireReport report = engine.acquire(overlay_spec(), {.verify = false});
  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  EXPECT_THAT(cloud.calls("route_tables"), SizeIs(1));
  EXPECT_EQ(report.route_tables[0].verified, Verified::skipped);
}

TEST_F(AcquireTest, DryRunAsksTheCloudAndChangesNothing) {
  add_tables(3, k_peer_eni);
  AcquireReport report = engine.acquire(overlay_spec(), {.dry_run = true});

  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  EXPECT_EQ(cloud.mutating_call_count(), 0u);
  ASSERT_THAT(cloud.calls("point_routes"), SizeIs(1));
  EXPECT_TRUE(cloud.calls("point_routes")[0].dry_run);
  EXPECT_THAT(cloud.calls("route_tables"), SizeIs(1)) << "a dry run verifies nothing";
  for (const RouteTableReport& table : report.route_tables) {
    EXPECT_EQ(table.action, RouteAction::would_change) << table.id;
    EXPECT_EQ(our_route(table.id), "eni-0bbb active");
  }
  EXPECT_EQ(report.local_address.outcome, LocalAddressOutcome::would_add);
  EXPECT_TRUE(addresses.addresses("eth0").empty());
  EXPECT_THAT(addresses.calls(), ::testing::Not(::testing::Contains(HasSubstr("add "))));
}

TEST_F(AcquireTest, DryRunReportsWhatTheCloudRefused) {
  add_tables(2, k_peer_eni);
  cloud.fail_method("point_routes",
                    aws_error("UnauthorizedOperation", "not allowed: ec2:ReplaceRoute", "r-1"));
  AcquireReport report = engine.acquire(overlay_spec(), {.dry_run = true});

  EXPECT_EQ(report.exit_code, 1);
  EXPECT_EQ(report.route_tables[0].action, RouteAction::failed);
  EXPECT_EQ(report.route_tables[0].error->aws_code, "UnauthorizedOperation");
  EXPECT_EQ(cloud.mutating_call_count(), 0u);
}

TEST_F(AcquireTest, LocalAddressFailureIsReportedAndTheRoutesStillMove) {
  add_tables(2, k_peer_eni);
  addresses.fail(testing::FakeAddressTable::Op::add, Error(ErrorCode::auth, "needs CAP_NET_ADMIN"));
  AcquireReport report = engine.acquire(overlay_spec());

  EXPECT_EQ(report.exit_code, 1);
  EXPECT_EQ(report.local_address.outcome, LocalAddressOutcome::failed);
  ASSERT_TRUE(report.local_address.error);
  EXPECT_EQ(report.local_address.error->code, ErrorCode::auth);
  EXPECT_EQ(our_route("rtb-0"), "eni-0aaa active");
  EXPECT_THAT(summary(report), HasSubstr("local address failed"));
}

TEST_F(AcquireTest, LocalAddressFalseLeavesTheInterfaceAlone) {
  add_tables(1, k_peer_eni);
  VipSpec spec = overlay_spec();
  spec.local_address = false;
  AcquireReport report = engine.acquire(spec);
  EXPECT_EQ(report.exit_code, 0);
  EXPECT_EQ(report.local_address.outcome, LocalAddressOutcome::skipped);
  EXPECT_TRUE(addresses.addresses("eth0").empty());
}

TEST_F(AcquireTest, ElasticIpMovesOnlyWhenItIsNotOurs) {
  add_tables(1, k_peer_eni);
  cloud.add_elastic_ip({.allocation_id = "eipalloc-1",
                        .public_ip = "203.0.113.5",
                        .association_id = "eipassoc-peer",
                        .network_interface_id = k_peer_eni,
                        .instance_id = "i-0bbb",
                        .private_ip = "10.0.2.10"});
  VipSpec spec = overlay_spec();
  spec.elastic_ip = "eipalloc-1";

  AcquireReport first = engine.acquire(spec);
  EXPECT_EQ(first.exit_code, 0) << render_table(first);
  EXPECT_EQ(first.elastic_ip.outcome, ElasticIpOutcome::associated);
  EXPECT_EQ(first.elastic_ip.network_interface_id, k_peer_eni) << "where it was";
  EXPECT_EQ(cloud.elastic_ip_now("eipalloc-1")->network_interface_id, k_our_eni);
  EXPECT_THAT(cloud.calls("associate_elastic_ip"), SizeIs(1));

  cloud.clear_calls();
  AcquireReport second = engine.acquire(spec);
  EXPECT_EQ(second.elastic_ip.outcome, ElasticIpOutcome::ours);
  EXPECT_THAT(cloud.calls("associate_elastic_ip"), SizeIs(0));
  EXPECT_EQ(cloud.mutating_call_count(), 0u);
}

TEST_F(AcquireTest, BlackholeRouteOnOurEniIsRepointed) {
  add_tables(2, k_our_eni);
  cloud.set_route("rtb-1", k_overlay_destination, route_to(k_our_eni, "blackhole"));
  AcquireReport report = engine.acquire(overlay_spec());

  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  EXPECT_EQ(report.route_tables[0].action, RouteAction::unchanged);
  EXPECT_EQ(report.route_tables[1].before.owner, RouteOwner::this_host);
  EXPECT_EQ(report.route_tables[1].action, RouteAction::replaced);
  EXPECT_EQ(cloud.point_routes_batches(), std::vector<size_t>{1});
  EXPECT_EQ(our_route("rtb-1"), "eni-0aaa active");
}

TEST_F(AcquireTest, SecondaryIpModeAssignsTheAddressInsteadOfRoutes) {
  VipSpec spec = overlay_spec();
  spec.mode = VipMode::secondary_ip;
  spec.route_tables.reset();
  spec.address = ip("10.0.1.50");
  AcquireReport report = engine.acquire(spec);

  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  ASSERT_TRUE(report.secondary_ip);
  EXPECT_EQ(report.secondary_ip->outcome, SecondaryIpOutcome::assigned);
  EXPECT_THAT(cloud.private_ips(k_our_eni), ::testing::Contains(ip("10.0.1.50")));
  EXPECT_THAT(cloud.calls("route_tables"), SizeIs(0));
  EXPECT_THAT(cloud.calls("subnets"), SizeIs(0));
}

TEST_F(AcquireTest, IdentityFailureStopsBeforeAnyChange) {
  add_tables(1, k_peer_eni);
  cloud.fail_method("identity", Error(ErrorCode::timeout, "IMDS did not answer"));
  AcquireReport report = engine.acquire(overlay_spec());
  EXPECT_EQ(report.exit_code, 1);
  ASSERT_TRUE(report.error);
  EXPECT_THAT(report.error->to_string(), HasSubstr("MAC 0e:aa:00:00:00:01"));
  EXPECT_EQ(cloud.mutating_call_count(), 0u);
}

TEST_F(AcquireTest, TimingsAreMeasuredOnTheInjectedClock) {
  add_tables(2, k_peer_eni);
  hooked.read_time = 20ms;
  hooked.write_time = 50ms;
  AcquireReport report = engine.acquire(overlay_spec());
  EXPECT_EQ(report.timings.read, 20ms);
  EXPECT_EQ(report.timings.apply, 50ms);
  EXPECT_EQ(report.timings.verify, 20ms);
  EXPECT_EQ(report.timings.total, 90ms);
}

// Passes add() through to a FakeAddressTable and says when it has happened.
class SignallingAddressTable final : public AddressTable {
 public:
  explicit SignallingAddressTable(testing::FakeAddressTable& inner) : m_inner(inner) {}
  std::shared_future<void> added() const { return m_added; }

  Result<std::vector<InterfaceAddress>> list(std::string_view interface) override {
    return m_inner.list(interface);
  }
  Result<bool> add(const AddressSpec& spec) override {
    auto result = m_inner.add(spec);
    m_signal.set_value();
    return result;
  }
  Result<bool> remove(const AddressSpec& spec) override { return m_inner.remove(spec); }
  Result<std::string> default_route_interface() override { return m_inner.default_route_interface(); }
  Result<int> interface_index(std::string_view name) override { return m_inner.interface_index(name); }
  Result<std::string> link_address(std::string_view interface) override {
    return m_inner.link_address(interface);
  }

 private:
  testing::FakeAddressTable& m_inner;
  std::promise<void> m_signal;
  std::shared_future<void> m_added = m_signal.get_future().share();
};

TEST_F(AcquireTest, LocalAddressIsAddedWhilePointRoutesIsInFlight) {
  add_tables(2, k_peer_eni);
  SignallingAddressTable signalling(addresses);
  Engine concurrent(hooked, signalling, clock, log);
  bool added_during_point_routes = false;
  // Sequential code would add the address only after point_routes returned: this bounded wait would then
  // time out and the flag stay false.
  hooked.before_point_routes = [&] {
    added_during_point_routes = signalling.added().wait_for(5s) == std::future_status::ready;
  };
  AcquireReport report = concurrent.acquire(overlay_spec());
  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  EXPECT_TRUE(added_during_point_routes);
}

TEST_F(AcquireTest, ExplicitTableIdsAreReadByIdWithinOurVpc) {
  add_tables(3, k_peer_eni);
  VipSpec spec = overlay_spec();
  spec.route_tables = ExplicitRouteTables{{"rtb-2", "rtb-0"}};
  AcquireReport report = engine.acquire(spec);
  EXPECT_EQ(report.exit_code, 0) << render_table(report);
  ASSERT_THAT(report.route_tables, SizeIs(2));
  EXPECT_EQ(report.route_tables[0].id, "rtb-2");
  EXPECT_EQ(our_route("rtb-2"), "eni-0aaa active");
  EXPECT_EQ(our_route("rtb-0"), "eni-0aaa active");
  EXPECT_EQ(our_route("rtb-1"), "eni-0bbb active") << "not selected";
  // Read by id (not by listing the VPC), and within our instance's VPC: before the writes and to verify.
  auto reads = cloud.calls("route_tables");
  ASSERT_THAT(reads, SizeIs(2));
  for (const auto& read : reads) {
    EXPECT_EQ(read.args, (std::vector<std::string>{"ids:rtb-2,rtb-0", "vpc-1", "192.168.100.10/32"}));
  }
  EXPECT_TRUE(cloud.calls("all_route_tables").empty());

  // A table of another VPC named by id is refused, and nothing is written.
  cloud.clear_calls();
  spec.route_tables = ExplicitRouteTables{{"rtb-other"}};
  AcquireReport other = engine.acquire(spec);
  EXPECT_NE(other.exit_code, 0) << render_table(other);
  ASSERT_TRUE(other.error) << render_table(other);
  EXPECT_THAT(other.error->to_string(), HasSubstr("rtb-other"));
  EXPECT_EQ(cloud.mutating_call_count(), 0u);
}

TEST_F(AcquireTest, NoMatchingTableIsAConfigError) {
  AcquireReport report = engine.acquire(overlay_spec());
  EXPECT_EQ(report.exit_code, 2);
  ASSERT_TRUE(report.error);
  EXPECT_THAT(report.error->message, HasSubstr("no route table of vpc-1"));
}

}  // namespace
}  // namespace cloudvip::engine_test
