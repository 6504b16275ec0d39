#include "sim/simulation.h"

#include <gtest/gtest.h>

#include "sim/sim_test_util.h"

namespace cloudvip::sim {
namespace {

using testing::k_admin_key;

const Params k_create = {{"RouteTableId", testing::k_rtb_a},
                         {"DestinationCidrBlock", "192.168.100.10/32"},
                         {"NetworkInterfaceId", testing::k_eni_a}};
const Params k_describe = {{"RouteTableId.1", testing::k_rtb_a}};

bool sees_route(const ApiResponse& response) {
  return response.ok() && response.body().find("192.168.100.10/32") != std::string::npos;
}

TEST(Simulation, WithoutLagDescribeSeesAChangeAtOnce) {
  FakeClock clock;
  Simulation simulation(testing::load_or_die("two-az.toml"), clock);
  ASSERT_TRUE(simulation.call("CreateRoute", k_create, Caller{k_admin_key}, Millis(0)).ok());
  EXPECT_TRUE(sees_route(simulation.call("DescribeRouteTables", k_describe, Caller{k_admin_key}, Millis(0))));
}

TEST(Simulation, WithLagDescribeSeesTheChangeOnlyWhenItIsOldEnough) {
  FakeClock clock;
  Simulation simulation(testing::load_or_die("two-az.toml"), clock);
  const Millis lag(500);
  ASSERT_TRUE(simulation.call("CreateRoute", k_create, Caller{k_admin_key}, lag).ok());
  EXPECT_FALSE(sees_route(simulation.call("DescribeRouteTables", k_describe, Caller{k_admin_key}, lag)));
  clock.advance(Millis(500));
  EXPECT_TRUE(sees_route(simulation.call("DescribeRouteTables", k_describe, Caller{k_admin_key}, lag)));
}

TEST(Simulation, LaggedReadsStillCheckTheCallersPermissions) {
  FakeClock clock;
  Simulation simulation(testing::load_or_die("two-az.toml"), clock);
  const Millis lag(100);
  ApiResponse unknown =
      simulation.call("DescribeRouteTables", k_describe, Caller{"AKIANOBODY0000000001"}, lag);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.result.error().code, "AuthFailure");

  // The routes key may describe route tables but not instances: a lagged read answers the first only.
  const Caller routes{"AKIACLOUDVIPROUTES01"};
  EXPECT_TRUE(simulation.call("DescribeRouteTables", k_describe, routes, lag).ok());
  ApiResponse denied = simulation.call("DescribeInstances", {}, routes, lag);
  ASSERT_FALSE(denied.ok()) << denied.body();
  EXPECT_EQ(denied.result.error().code, "UnauthorizedOperation");
}

TEST(Simulation, AdminChangesAreLaggedTooAndResetRestoresTheScenario) {
  FakeClock clock;
  Simulation simulation(testing::load_or_die("two-az.toml"), clock);
  const Millis lag(1000);
  ASSERT_TRUE(simulation.call("CreateRoute", k_create, Caller{k_admin_key}, lag).ok());
  clock.advance(lag);
  ASSERT_TRUE(simulation.stop_instance(testing::k_instance_a));
  auto state = [&] {
    ApiResponse r = simulation.call("DescribeRouteTables", k_describe, Caller{k_admin_key}, lag);
    return r.body().find("blackhole") != std::string::npos ? "blackhole" : "active";
  };
  EXPECT_STREQ(state(), "active");
  clock.advance(lag);
  EXPECT_STREQ(state(), "blackhole");

  int changes = 0;
  simulation.on_route_change([&](const RouteTableChange&) { ++changes; });
  simulation.reset();
  EXPECT_FALSE(
      sees_route(simulation.call("DescribeRouteTables", k_describe, Caller{k_admin_key}, Millis(0))));
  ASSERT_TRUE(simulation.call("CreateRoute", k_create, Caller{k_admin_key}, Millis(0)).ok());
  EXPECT_EQ(changes, 1) << "listeners follow the new model";
}

}  // namespace
}  // namespace cloudvip::sim
