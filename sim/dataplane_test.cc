#include "sim/dataplane.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>

#include "sim/sim_test_util.h"

namespace cloudvip::sim {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using testing::k_admin_key;
using testing::k_eni_a;
using testing::k_eni_b;
using testing::k_instance_b;
using testing::k_rtb_a;
using testing::k_rtb_main;

constexpr uint32_t k_table_main = k_first_table;  // the scenario's route tables in order: main, a, b
constexpr uint32_t k_table_a = k_first_table + 1;
constexpr uint32_t k_table_b = k_first_table + 2;
constexpr int k_link_a = 11;
constexpr int k_link_b = 12;
constexpr int k_link_client = 13;

Cidr cidr(const char* text) {
  return Cidr::parse(text).value();
}
Ipv4Address ip(const char* text) {
  return Ipv4Address::parse(text).value();
}

// The router's side of the lab: links to the two member subnets and the client subnet, none to the VIP's.
std::vector<RouterLink> lab_links() {
  return {{"r-a", k_link_a, cidr("10.109.10.1/26")},
          {"r-b", k_link_b, cidr("10.109.10.65/26")},
          {"r-client", k_link_client, cidr("10.109.10.129/26")},
          {"lo", 1, cidr("169.254.169.254/32")}};
}

std::optional<KernelRoute> find(const std::vector<KernelRoute>& routes, uint32_t table,
                                const char* destination) {
  auto it = std::find_if(routes.begin(), routes.end(), [&](const KernelRoute& r) {
    return r.table == table && r.destination == cidr(destination);
  });
  return it == routes.end() ? std::nullopt : std::optional(*it);
}

class DataplanePlanTest : public ::testing::Test {
 protected:
  DataplanePlanTest() : m_simulation(testing::load_or_die("two-az.toml"), m_clock) {}

  void call(std::string_view action, Params params) {
    ApiResponse response = m_simulation.call(action, params, Caller{k_admin_key}, Millis(0));
    ASSERT_TRUE(response.ok()) << action << ": " << response.body();
  }
  void route_vip_to(const char* table, const char* eni) {
    call(
        "CreateRoute",
        {{"RouteTableId", table}, {"DestinationCidrBlock", "10.109.10.254/27"}, {"NetworkInterfaceId", eni}});
  }
  void source_dest_check(const char* eni, bool on) {
    call("ModifyNetworkInterfaceAttribute",
         {{"NetworkInterfaceId", eni}, {"SourceDestCheck.Value", on ? "true" : "false"}});
  }
  DataplanePlan plan(const std::vector<RouterLink>& links = lab_links()) {
    auto planned = plan_dataplane(m_simulation.model()->state_json(), links);
    EXPECT_TRUE(planned) << planned.error().to_string();
    return planned.value_or(DataplanePlan{});
  }

  FakeClock m_clock;
  Simulation m_simulation;
};

TEST_F(DataplanePlanTest, EachSubnetWithALinkLooksUpItsOwnRouteTable) {
  EXPECT_THAT(plan().rules, ::testing::UnorderedElementsAre(
                                KernelRule{k_first_rule_priority, "r-a", k_table_a},
                                KernelRule{k_first_rule_priority + 1, "r-b", k_table_b},
                                KernelRule{k_first_rule_priority + 2, "r-client", k_table_main}));
}

TEST_F(DataplanePlanTest, BeforeAnyRouteTheEmptyVipSubnetIsABlackholeInEveryTable) {
  DataplanePlan p = plan();
  ASSERT_EQ(p.routes.size(), 3u);
  for (uint32_t table : {k_table_main, k_table_a, k_table_b}) {
    std::optional<KernelRoute> vip = find(p.routes, table, "10.109.10.224/27");
    ASSERT_TRUE(vip) << "table " << table;
    EXPECT_EQ(vip->type, KernelRoute::Type::blackhole);
    EXPECT_THAT(vip->reason, HasSubstr("nothing in it"));
  }
}

TEST_F(DataplanePlanTest, ARouteToAnEniGoesViaItsPrimaryIpOnItsSubnetsLink) {
  route_vip_to(k_rtb_main, k_eni_b);
  DataplanePlan p = plan();
  std::optional<KernelRoute> vip = find(p.routes, k_table_main, "10.109.10.224/27");
  ASSERT_TRUE(vip);
  EXPECT_EQ(vip->type, KernelRoute::Type::unicast);
  EXPECT_EQ(vip->gateway, ip("10.109.10.74"));
  EXPECT_EQ(vip->link_index, k_link_b);
  EXPECT_EQ(find(p.routes, k_table_a, "10.109.10.224/27")->type, KernelRoute::Type::blackhole)
      << "a route table without the route still drops VIP traffic";
}

TEST_F(DataplanePlanTest, ReplacingTheRouteMovesTheNextHop) {
  route_vip_to(k_rtb_main, k_eni_a);
  call("ReplaceRoute", {{"RouteTableId", k_rtb_main},
                        {"DestinationCidrBlock", "10.109.10.224/27"},
                        {"NetworkInterfaceId", k_eni_b}});
  std::optional<KernelRoute> vip = find(plan().routes, k_table_main, "10.109.10.224/27");
  ASSERT_TRUE(vip);
  EXPECT_EQ(vip->gateway, ip("10.109.10.74"));
  EXPECT_EQ(vip->link_index, k_link_b);
}

TEST_F(DataplanePlanTest, SourceDestCheckOnTheTargetEniDropsTheTraffic) {
  route_vip_to(k_rtb_main, k_eni_a);
  source_dest_check(k_eni_a, true);
  std::optional<KernelRoute> vip = find(plan().routes, k_table_main, "10.109.10.224/27");
  ASSERT_TRUE(vip);
  EXPECT_EQ(vip->type, KernelRoute::Type::blackhole);
  EXPECT_THAT(vip->reason, HasSubstr("source/destination check is on"));

  source_dest_check(k_eni_a, false);
  EXPECT_EQ(find(plan().routes, k_table_main, "10.109.10.224/27")->type, KernelRoute::Type::unicast);
}

TEST_F(DataplanePlanTest, ARouteToAStoppedInstanceIsABlackhole) {
  route_vip_to(k_rtb_main, k_eni_b);
  ASSERT_TRUE(m_simulation.stop_instance(k_instance_b));
  std::optional<KernelRoute> vip = find(plan().routes, k_table_main, "10.109.10.224/27");
  ASSERT_TRUE(vip);
  EXPECT_EQ(vip->type, KernelRoute::Type::blackhole);
  EXPECT_THAT(vip->reason, HasSubstr("blackhole"));
}

TEST_F(DataplanePlanTest, AnEniInASubnetWithoutALinkIsABlackhole) {
  route_vip_to(k_rtb_main, k_eni_b);
  std::vector<RouterLink> links = lab_links();
  links.erase(links.begin() + 1);  // no r-b
  std::optional<KernelRoute> vip = find(plan(links).routes, k_table_main, "10.109.10.224/27");
  ASSERT_TRUE(vip);
  EXPECT_EQ(vip->type, KernelRoute::Type::blackhole);
  EXPECT_THAT(vip->reason, HasSubstr("no link"));
}

TEST_F(DataplanePlanTest, DeletingTheRouteFallsBackToTheEmptySubnet) {
  route_vip_to(k_rtb_a, k_eni_a);
  call("DeleteRoute", {{"RouteTableId", k_rtb_a}, {"DestinationCidrBlock", "10.109.10.224/27"}});
  std::optional<KernelRoute> vip = find(plan().routes, k_table_a, "10.109.10.224/27");
  ASSERT_TRUE(vip);
  EXPECT_EQ(vip->type, KernelRoute::Type::blackhole);
}

TEST(DataplanePlanErrorsTest, AStateWithoutSubnetsIsAnInternalErrorNamingTheField) {
  auto planned = plan_dataplane(nlohmann::json{{"route_tables", nlohmann::json::array()}}, {});
  ASSERT_FALSE(planned);
  EXPECT_EQ(planned.error().code, ErrorCode::internal);
  EXPECT_THAT(planned.error().message, HasSubstr("subnets"));
}

// An in-memory kernel: routes and rules as values, and a count of every change asked for.
class FakeRouteProgrammer : public RouteProgrammer {
 public:
  Result<std::vector<RouterLink>> links() override { return lab_links(); }
  Result<std::vector<KernelRoute>> routes(uint32_t first, uint32_t last) override {
    std::lock_guard lock(m_mutex);
    std::vector<KernelRoute> out;
    std::copy_if(m_routes.begin(), m_routes.end(), std::back_inserter(out),
                 [&](const KernelRoute& r) { return r.table >= first && r.table <= last; });
    return out;
  }
  Result<void> put_route(const KernelRoute& route) override {
    std::lock_guard lock(m_mutex);
    erase(route);
    m_routes.push_back(route);
    ++m_changes;
    m_changed.notify_all();
    return ok();
  }
  Result<void> delete_route(const KernelRoute& route) override {
    std::lock_guard lock(m_mutex);
    erase(route);
    ++m_changes;
    m_changed.notify_all();
    return ok();
  }
  Result<std::vector<KernelRule>> rules(uint32_t first, uint32_t last) override {
    std::lock_guard lock(m_mutex);
    std::vector<KernelRule> out;
    std::copy_if(m_rules.begin(), m_rules.end(), std::back_inserter(out),
                 [&](const KernelRule& r) { return r.priority >= first && r.priority <= last; });
    return out;
  }
  Result<void> add_rule(const KernelRule& rule) override {
    std::lock_guard lock(m_mutex);
    m_rules.push_back(rule);
    ++m_changes;
    return ok();
  }
  Result<void> delete_rule(const KernelRule& rule) override {
    std::lock_guard lock(m_mutex);
    std::erase(m_rules, rule);
    ++m_changes;
    return ok();
  }

  std::optional<KernelRoute> route(uint32_t table, const char* destination) {
    std::lock_guard lock(m_mutex);
    return find(m_routes, table, destination);
  }
  // Waits (at most `limit`) until `predicate` holds for the route; true when it did.
  bool wait_for(uint32_t table, const char* destination, std::chrono::milliseconds limit,
                const std::function<bool(const KernelRoute&)>& predicate) {
    std::unique_lock lock(m_mutex);
    return m_changed.wait_for(lock, limit, [&] {
      std::optional<KernelRoute> found = find(m_routes, table, destination);
      return found && predicate(*found);
    });
  }
  int changes() {
    std::lock_guard lock(m_mutex);
    return m_changes;
  }
  void add_foreign(const KernelRoute& route) { m_routes.push_back(route); }

 private:
  void erase(const KernelRoute& route) {
    std::erase_if(m_routes, [&](const KernelRoute& r) {
      return r.table == route.table && r.destination == route.destination;
    });
  }
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::vector<KernelRoute> m_routes;
  std::vector<KernelRule> m_rules;
  int m_changes = 0;
};

class DataplaneReconcileTest : public DataplanePlanTest {
 protected:
  NullLogger m_logger;
  FakeRouteProgrammer m_kernel;
  Dataplane m_dataplane{m_simulation, m_kernel, m_logger};
};

TEST_F(DataplaneReconcileTest, FirstPassProgramsRulesAndRoutesThenNothingIsLeftToDo) {
  auto first = m_dataplane.reconcile();
  ASSERT_TRUE(first) << first.error().to_string();
  EXPECT_EQ(first->changes, 6) << "three rules and three blackholes";
  auto second = m_dataplane.reconcile();
  ASSERT_TRUE(second) << second.error().to_string();
  EXPECT_EQ(second->changes, 0);
}

TEST_F(DataplaneReconcileTest, DeletesStrayRoutesInItsTablesAndLeavesOtherTablesAlone) {
  m_kernel.add_foreign({k_table_a, cidr("192.0.2.0/24"), KernelRoute::Type::blackhole, {}, 0, ""});
  m_kernel.add_foreign({254, cidr("198.51.100.0/24"), KernelRoute::Type::blackhole, {}, 0, ""});
  ASSERT_TRUE(m_dataplane.reconcile());
  EXPECT_FALSE(m_kernel.route(k_table_a, "192.0.2.0/24")) << "a stray route in a data plane table goes";
  auto routes = m_kernel.routes(254, 254);
  ASSERT_TRUE(routes);
  EXPECT_EQ(routes->size(), 1u) << "the main table is not the data plane's";
}

TEST_F(DataplaneReconcileTest, ARouteChangeReachesTheKernelBeforeTheCallAnswers) {
  m_dataplane.start(std::chrono::hours(1));  // no poll in this test: only the change hook
  route_vip_to(k_rtb_main, k_eni_b);
  auto vip = m_kernel.route(k_table_main, "10.109.10.224/27");
  ASSERT_TRUE(vip);
  EXPECT_EQ(vip->type, KernelRoute::Type::unicast);
  EXPECT_EQ(vip->gateway, ip("10.109.10.74"));
  m_dataplane.stop();
}

TEST_F(DataplaneReconcileTest, ThePollCatchesASourceDestCheckChange) {
  route_vip_to(k_rtb_main, k_eni_b);
  m_dataplane.start(Millis(10));
  ASSERT_TRUE(m_kernel.wait_for(k_table_main, "10.109.10.224/27", 5s,
                                [](const KernelRoute& r) { return r.type == KernelRoute::Type::unicast; }));
  source_dest_check(k_eni_b, true);  // fires no route change: only the poll sees it
  EXPECT_TRUE(m_kernel.wait_for(k_table_main, "10.109.10.224/27", 5s,
                                [](const KernelRoute& r) { return r.type == KernelRoute::Type::blackhole; }));
  m_dataplane.stop();
}

TEST_F(DataplaneReconcileTest, AfterStopTheListenerNoLongerTouchesTheKernel) {
  m_dataplane.start(std::chrono::hours(1));
  m_dataplane.stop();
  int before = m_kernel.changes();
  route_vip_to(k_rtb_main, k_eni_b);
  EXPECT_EQ(m_kernel.changes(), before);
}

}  // namespace
}  // namespace cloudvip::sim
