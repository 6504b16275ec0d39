#include "netlink/netlink_address_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <optional>
#include <thread>

#include "common/process_runner.h"

namespace cloudvip {
namespace {

using namespace std::chrono_literals;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

const Ipv4Address k_vip(0x0a6d0afe);  // 10.109.10.254

std::optional<std::string> namespace_inode(std::string* inode) {
  struct stat st {};
  if (::stat("/proc/thread-self/ns/net", &st) != 0) {
    return std::string("cannot stat /proc/thread-self/ns/net: ") + std::strerror(errno);
  }
  *inode = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  return std::nullopt;
}

// Runs `checks` on a thread of its own inside a fresh, anonymous network namespace holding a veth pair vA/vB
// (both up). unshare(CLONE_NEWNET) moves only the calling thread, and the processes it starts for set-up, so
// nothing here can reach the host's interfaces; the namespace and everything in it vanish when the thread
// ends, also when a check fails or the test process dies. Skips the test (with the reason) when not root,
// when namespaces are unavailable or when veth links cannot be made.
void in_fresh_network_namespace(const std::function<void()>& checks) {
  std::optional<std::string> skip;
  std::thread thread([&] {
    if (::geteuid() != 0) {
      skip = "needs root to create a network namespace (run the tests as root to exercise netlink)";
      return;
    }
    std::string host_inode;
    std::string test_inode;
    if ((skip = namespace_inode(&host_inode))) {
      return;
    }
    if (::unshare(CLONE_NEWNET) != 0) {
      skip =
          std::string("network namespaces are unavailable: unshare(CLONE_NEWNET): ") + std::strerror(errno);
      return;
    }
    if ((skip = namespace_inode(&test_inode))) {
      return;
    }
    if (test_inode == host_inode) {
      skip = "unshare(CLONE_NEWNET) left the thread in the host's namespace";
      return;
    }
    RealProcessRunner runner;
    auto setup = runner.run(
        "ip link add vA type veth peer name vB 2>&1 && ip link set vA up 2>&1 && ip link set vB up 2>&1",
        10s);
    if (!setup || setup->exit_code != 0) {
      skip = "cannot create a veth pair in the test namespace: " +
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

// Runs an `ip` command for test set-up; only call it inside in_fresh_network_namespace.
void ip(const std::string& arguments) {
  RealProcessRunner runner;
  auto result = runner.run("ip " + arguments + " 2>&1", 10s);
  ASSERT_TRUE(result) << result.error().to_string();
  ASSERT_EQ(result->exit_code, 0) << "ip " << arguments << ": " << result->output;
}

// Drops CAP_NET_ADMIN from the calling thread's effective set (capabilities are per thread).
void drop_net_admin() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  ASSERT_EQ(::syscall(SYS_capget, &header, data), 0) << std::strerror(errno);
  data[CAP_NET_ADMIN / 32].effective &= ~(1u << (CAP_NET_ADMIN % 32));
  ASSERT_EQ(::syscall(SYS_capset, &header, data), 0) << std::strerror(errno);
}

AddressSpec vip_spec() {
  return AddressSpec{.interface = "vA", .address = k_vip, .prefix_len = 32, .label = "vA:1"};
}

TEST(NetlinkAddressTableTest, AddsListsAndRemovesTheVipWithItsLabel) {
  in_fresh_network_namespace([] {
    NetlinkAddressTable table;
    auto added = table.add(vip_spec());
    ASSERT_TRUE(added) << added.error().to_string();
    EXPECT_TRUE(*added);

    auto listed = table.list("vA");
    ASSERT_TRUE(listed) << listed.error().to_string();
    EXPECT_THAT(*listed, Contains(InterfaceAddress{k_vip, 32, "vA:1"}));
    EXPECT_EQ(table.has("vA", k_vip), true);
    EXPECT_EQ(table.has("vB", k_vip), false);

    auto again = table.add(vip_spec());
    ASSERT_TRUE(again) << again.error().to_string();
    EXPECT_FALSE(*again) << "adding an address that is already there answers false";

    auto removed = table.remove(vip_spec());
    ASSERT_TRUE(removed) << removed.error().to_string();
    EXPECT_TRUE(*removed);
    EXPECT_EQ(table.has("vA", k_vip), false);

    auto removed_again = table.remove(vip_spec());
    ASSERT_TRUE(removed_again) << removed_again.error().to_string();
    EXPECT_FALSE(*removed_again) << "removing an address that is not there answers false";
  });
}

TEST(NetlinkAddressTableTest, ListShowsAddressesAddedByOthersOnThatInterfaceOnly) {
  in_fresh_network_namespace([] {
    ip("addr add 192.0.2.5/24 dev vA");
    ip("addr add 198.51.100.7/32 dev vB label vB:9");
    NetlinkAddressTable table;
    auto on_a = table.list("vA");
    ASSERT_TRUE(on_a) << on_a.error().to_string();
    EXPECT_EQ(*on_a, (std::vector<InterfaceAddress>{{Ipv4Address(0xc0000205), 24, "vA"}}));
    auto on_b = table.list("vB");
    ASSERT_TRUE(on_b) << on_b.error().to_string();
    EXPECT_EQ(*on_b, (std::vector<InterfaceAddress>{{Ipv4Address(0xc6336407), 32, "vB:9"}}));
  });
}

TEST(NetlinkAddressTableTest, RemoveMatchesTheAddressWhateverItsLabel) {
  in_fresh_network_namespace([] {
    ip("addr add 10.109.10.254/32 dev vA label vA:7");
    NetlinkAddressTable table;
    auto removed = table.remove(AddressSpec{.interface = "vA", .address = k_vip});
    ASSERT_TRUE(removed) << removed.error().to_string();
    EXPECT_TRUE(*removed);
    EXPECT_EQ(table.has("vA", k_vip), false);
  });
}

TEST(NetlinkAddressTableTest, DefaultRouteInterfaceIsTheMainTablesLowestMetric) {
  in_fresh_network_namespace([] {
    NetlinkAddressTable table;
    auto none = table.default_route_interface();
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, ErrorCode::not_found);
    EXPECT_THAT(none.error().message, HasSubstr("no IPv4 default route"));

    ip("route add default dev vA metric 100");
    ip("route add default dev vB metric 1 table 100");  // another table: not the host's default route
    EXPECT_EQ(table.default_route_interface(), "vA");

    ip("route add default dev vB metric 50");
    EXPECT_EQ(table.default_route_interface(), "vB");
  });
}

TEST(NetlinkAddressTableTest, MissingInterfaceIsNotFoundAndNamed) {
  in_fresh_network_namespace([] {
    NetlinkAddressTable table;
    auto listed = table.list("eth9");
    ASSERT_FALSE(listed);
    EXPECT_EQ(listed.error().code, ErrorCode::not_found);
    EXPECT_THAT(listed.error().message,
                HasSubstr("interface 'eth9' does not exist; `ip link` lists the interfaces"));

    auto added = table.add(AddressSpec{.interface = "eth9", .address = k_vip, .label = "eth9:1"});
    ASSERT_FALSE(added);
    EXPECT_EQ(added.error().code, ErrorCode::not_found);
    EXPECT_THAT(added.error().to_string(), HasSubstr("interface 'eth9' does not exist"));

    auto removed = table.remove(AddressSpec{.interface = "eth9", .address = k_vip});
    ASSERT_FALSE(removed);
    EXPECT_EQ(removed.error().code, ErrorCode::not_found);

    EXPECT_EQ(table.interface_exists("eth9"), false);
    EXPECT_EQ(table.interface_exists("vA"), true);
    EXPECT_EQ(table.interface_index("vA"), static_cast<int>(::if_nametoindex("vA")));
  });
}

TEST(NetlinkAddressTableTest, LinkAddressIsTheInterfacesMacInLowerCase) {
  in_fresh_network_namespace([] {
    ip("link set vA address 0E:1A:2B:3C:4D:5E");
    ip("link set vB address 0e:00:00:00:00:07");
    NetlinkAddressTable table;
    EXPECT_EQ(table.link_address("vA"), "0e:1a:2b:3c:4d:5e");
    EXPECT_EQ(table.link_address("vB"), "0e:00:00:00:00:07");

    auto missing = table.link_address("eth9");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, ErrorCode::not_found);
    EXPECT_THAT(missing.error().message, HasSubstr("interface 'eth9' does not exist"));
  });
}

TEST(NetlinkAddressTableTest, WithoutCapNetAdminAddSaysWhatIsNeeded) {
  in_fresh_network_namespace([] {
    drop_net_admin();
    NetlinkAddressTable table;
    auto added = table.add(vip_spec());
    ASSERT_FALSE(added);
    EXPECT_EQ(added.error().code, ErrorCode::auth);
    EXPECT_THAT(added.error().message, HasSubstr("needs root or CAP_NET_ADMIN"));
    EXPECT_THAT(added.error().message, HasSubstr("10.109.10.254/32 on vA"));

    auto listed = table.list("vA");  // reading needs no privilege
    ASSERT_TRUE(listed) << listed.error().to_string();
    EXPECT_THAT(*listed, Not(Contains(InterfaceAddress{k_vip, 32, "vA:1"})));
  });
}

TEST(NetlinkAddressTableTest, InvalidSpecIsRefusedBeforeReachingTheKernel) {
  NetlinkAddressTable table;  // validation comes first, so this runs unprivileged and touches nothing
  auto bad_label = table.add(AddressSpec{.interface = "vA", .address = k_vip, .label = "eth0:1"});
  ASSERT_FALSE(bad_label);
  EXPECT_EQ(bad_label.error().code, ErrorCode::invalid_argument);
  EXPECT_THAT(bad_label.error().message, HasSubstr("label 'eth0:1'"));

  auto bad_prefix = table.remove(AddressSpec{.interface = "vA", .address = k_vip, .prefix_len = 33});
  ASSERT_FALSE(bad_prefix);
  EXPECT_EQ(bad_prefix.error().code, ErrorCode::invalid_argument);

  auto bad_name = table.list("a-very-long-interface-name");
  ASSERT_FALSE(bad_name);
  EXPECT_EQ(bad_name.error().code, ErrorCode::invalid_argument);
}

}  // namespace
}  // namespace cloudvip
