#include "sim/dataplane_netlink.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <optional>
#include <thread>

#include "common/process_runner.h"
#include "sim/sim_test_util.h"

namespace cloudvip::sim {
namespace {

using namespace std::chrono_literals;

Cidr cidr(const char* text) {
  return Cidr::parse(text).value();
}

// Runs `checks` on a thread of its own inside a fresh, anonymous network namespace holding two veth pairs,
// r-a/m-a with 10.109.10.1/26 on r-a and r-b/m-b with 10.109.10.65/26 on r-b (all up): the router side of
// the lab. unshare(CLONE_NEWNET) moves only that thread (and the `ip` it runs for set-up), so nothing here
// reaches the host's routes; the namespace vanishes with the thread. Skips with the reason when not root or
// when namespaces or veth links are unavailable.
void in_router_namespace(const std::function<void()>& checks) {
  std::optional<std::string> skip;
  std::thread thread([&] {
    if (::geteuid() != 0) {
      skip = "needs root to create a network namespace (run the tests as root to exercise rtnetlink)";
      return;
    }
    if (::unshare(CLONE_NEWNET) != 0) {
      skip =
          std::string("network namespaces are unavailable: unshare(CLONE_NEWNET): ") + std::strerror(errno);
      return;
    }
    if (network_namespace_name().has_value()) {
      skip = "unshare(CLONE_NEWNET) left the thread in a named namespace";
      return;
    }
    RealProcessRunner runner;
    auto setup = runner.run(
        "ip link add r-a type veth peer name m-a 2>&1 && ip link add r-b type veth peer name m-b 2>&1 && "
        "ip addr add 10.109.10.1/26 dev r-a 2>&1 && ip addr add 10.109.10.65/26 dev r-b 2>&1 && "
        "ip link set r-a up && ip link set m-a up && ip link set r-b up && ip link set m-b up 2>&1",
        10s);
    if (!setup || setup->exit_code != 0) {
      skip = "cannot make veth links in the test namespace: " +
             (setup ? setup->output : setup.error().to_string());
      return;
    }
    checks();
  });
  thread.join();
  if (skip) {
    GTEST_SKIP() << *skip;
  }
}

int link_index(const std::vector<RouterLink>& links, const std::string& name) {
  auto it = std::find_if(links.begin(), links.end(), [&](const RouterLink& l) { return l.name == name; });
  return it == links.end() ? 0 : it->index;
}

TEST(NetlinkRouteProgrammerTest, ListsTheAddressesOfTheLinks) {
  in_router_namespace([] {
    NetlinkRouteProgrammer kernel;
    auto links = kernel.links();
    ASSERT_TRUE(links) << links.error().to_string();
    EXPECT_NE(link_index(*links, "r-a"), 0);
    auto r_b =
        std::find_if(links->begin(), links->end(), [](const RouterLink& l) { return l.name == "r-b"; });
    ASSERT_NE(r_b, links->end());
    EXPECT_EQ(r_b->address, cidr("10.109.10.65/26"));
  });
}

TEST(NetlinkRouteProgrammerTest, PutsReplacesListsAndDeletesRoutesInAHighTable) {
  in_router_namespace([] {
    NetlinkRouteProgrammer kernel;
    auto links = kernel.links();
    ASSERT_TRUE(links) << links.error().to_string();
    KernelRoute via_a{1000,
                      cidr("10.109.10.224/27"),
                      KernelRoute::Type::unicast,
                      Ipv4Address::parse("10.109.10.10").value(),
                      link_index(*links, "r-a"),
                      ""};
    ASSERT_TRUE(kernel.put_route(via_a));
    auto listed = kernel.routes(1000, 1999);
    ASSERT_TRUE(listed) << listed.error().to_string();
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_TRUE(listed->front().same_as(via_a)) << listed->front().to_string();

    KernelRoute blackhole{1000, cidr("10.109.10.224/27"), KernelRoute::Type::blackhole, {}, 0, ""};
    auto replaced = kernel.put_route(blackhole);
    ASSERT_TRUE(replaced) << replaced.error().to_string();
    listed = kernel.routes(1000, 1999);
    ASSERT_TRUE(listed);
    ASSERT_EQ(listed->size(), 1u) << "put replaces the route of the same destination";
    EXPECT_TRUE(listed->front().same_as(blackhole)) << listed->front().to_string();

    EXPECT_TRUE(kernel.delete_route(blackhole));
    listed = kernel.routes(1000, 1999);
    ASSERT_TRUE(listed);
    EXPECT_TRUE(listed->empty());
    auto again = kernel.delete_route(blackhole);
    EXPECT_TRUE(again) << "deleting a route that is gone is fine: " << again.error().to_string();
  });
}

TEST(NetlinkRouteProgrammerTest, AddsListsAndDeletesInputLinkRules) {
  in_router_namespace([] {
    NetlinkRouteProgrammer kernel;
    KernelRule rule{1001, "r-a", 1002};
    auto added = kernel.add_rule(rule);
    ASSERT_TRUE(added) << added.error().to_string();
    EXPECT_TRUE(kernel.add_rule(rule)) << "adding it twice is fine";
    auto rules = kernel.rules(1000, 1999);
    ASSERT_TRUE(rules) << rules.error().to_string();
    EXPECT_THAT(*rules, ::testing::ElementsAre(rule));
    auto deleted = kernel.delete_rule(rule);
    ASSERT_TRUE(deleted) << deleted.error().to_string();
    rules = kernel.rules(1000, 1999);
    ASSERT_TRUE(rules);
    EXPECT_TRUE(rules->empty());
  });
}

TEST(NetlinkRouteProgrammerTest, TheDataplaneFollowsReplaceRouteInTheKernel) {
  in_router_namespace([] {
    FakeClock clock;
    Simulation simulation(testing::load_or_die("two-az.toml"), clock);
    NetlinkRouteProgrammer kernel;
    NullLogger logger;
    Dataplane dataplane(simulation, kernel, logger);
    auto first = dataplane.reconcile();
    ASSERT_TRUE(first) << first.error().to_string();
    EXPECT_EQ(first->changes, 8) << "rules for r-a and r-b; in each of three tables, blackholes for the VIP "
                                    "subnet and the client subnet (no link here)";

    // The VIP route in the main table's kernel table: its type, next hop and link.
    auto vip_route = [&]() -> std::optional<KernelRoute> {
      auto routes = kernel.routes(k_first_table, k_first_table);
      EXPECT_TRUE(routes) << routes.error().to_string();
      if (!routes) {
        return std::nullopt;
      }
      auto vip = std::find_if(routes->begin(), routes->end(),
                              [](const KernelRoute& r) { return r.destination == cidr("10.109.10.224/27"); });
      return vip == routes->end() ? std::nullopt : std::optional<KernelRoute>(*vip);
    };
    auto links = kernel.links();
    ASSERT_TRUE(links);

    Params create{{"RouteTableId", testing::k_rtb_main},
                  {"DestinationCidrBlock", "10.109.10.254/27"},
                  {"NetworkInterfaceId", testing::k_eni_a}};
    ASSERT_TRUE(simulation.call("CreateRoute", create, Caller{testing::k_admin_key}, Millis(0)).ok());
    ASSERT_TRUE(dataplane.reconcile());
    auto via_a = vip_route();
    ASSERT_TRUE(via_a);
    EXPECT_EQ(via_a->type, KernelRoute::Type::unicast);
    EXPECT_EQ(via_a->gateway.to_string(), "10.109.10.10");
    EXPECT_EQ(via_a->link_index, link_index(*links, "r-a"));

    // The failover: ReplaceRoute moves the route to b's ENI, and the kernel follows.
    Params replace{{"RouteTableId", testing::k_rtb_main},
                   {"DestinationCidrBlock", "10.109.10.224/27"},
                   {"NetworkInterfaceId", testing::k_eni_b}};
    ASSERT_TRUE(simulation.call("ReplaceRoute", replace, Caller{testing::k_admin_key}, Millis(0)).ok());
    auto replaced = dataplane.reconcile();
    ASSERT_TRUE(replaced) << replaced.error().to_string();
    EXPECT_GE(replaced->changes, 1) << "the replaced route is a change in the kernel";
    auto via_b = vip_route();
    ASSERT_TRUE(via_b);
    EXPECT_EQ(via_b->type, KernelRoute::Type::unicast);
    EXPECT_EQ(via_b->gateway.to_string(), "10.109.10.74");
    EXPECT_EQ(via_b->link_index, link_index(*links, "r-b"));
  });
}

}  // namespace
}  // namespace cloudvip::sim
