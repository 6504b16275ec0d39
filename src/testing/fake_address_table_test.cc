#include "testing/fake_address_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace cloudvip::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const Ipv4Address k_vip(0x0a6d0afe);  // 10.109.10.254

AddressSpec vip_spec() {
  return AddressSpec{.interface = "eth0", .address = k_vip, .prefix_len = 32, .label = "eth0:1"};
}

TEST(FakeAddressTableTest, AddIsIdempotentAndRemoveReportsWhetherItWasThere) {
  FakeAddressTable table;
  EXPECT_EQ(table.add(vip_spec()), true);
  EXPECT_EQ(table.add(vip_spec()), false);
  EXPECT_EQ(table.addresses("eth0"), (std::vector<InterfaceAddress>{{k_vip, 32, "eth0:1"}}));
  EXPECT_EQ(table.has("eth0", k_vip), true);
  EXPECT_EQ(table.remove(AddressSpec{.interface = "eth0", .address = k_vip}), true);  // whatever the label
  EXPECT_EQ(table.remove(vip_spec()), false);
  EXPECT_EQ(table.has("eth0", k_vip), false);
}

TEST(FakeAddressTableTest, AddressWithoutALabelIsListedUnderTheInterfaceName) {
  FakeAddressTable table({"eth0", "eth1"});
  ASSERT_EQ(table.add(AddressSpec{.interface = "eth1", .address = k_vip, .prefix_len = 27}), true);
  EXPECT_EQ(table.list("eth1"), (std::vector<InterfaceAddress>{{k_vip, 27, "eth1"}}));
  EXPECT_EQ(table.list("eth0"), std::vector<InterfaceAddress>{});
}

TEST(FakeAddressTableTest, MissingInterfaceIsNotFoundLikeTheRealOne) {
  FakeAddressTable table;
  auto listed = table.list("eth9");
  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().code, ErrorCode::not_found);
  EXPECT_THAT(listed.error().message, HasSubstr("interface 'eth9' does not exist"));
  auto added = table.add(AddressSpec{.interface = "eth9", .address = k_vip});
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().code, ErrorCode::not_found);
  EXPECT_EQ(table.interface_exists("eth9"), false);
  EXPECT_EQ(table.interface_exists("eth0"), true);
}

TEST(FakeAddressTableTest, InvalidSpecIsRefusedAsTheRealOneDoes) {
  FakeAddressTable table;
  auto added = table.add(AddressSpec{.interface = "eth0", .address = k_vip, .label = "eth1:1"});
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().code, ErrorCode::invalid_argument);
  EXPECT_TRUE(table.addresses("eth0").empty());
}

TEST(FakeAddressTableTest, DefaultRouteIsTheFirstInterfaceUntilChanged) {
  FakeAddressTable table({"ens5", "ens6"});
  EXPECT_EQ(table.default_route_interface(), "ens5");
  table.set_default_route_interface("ens6");
  EXPECT_EQ(table.default_route_interface(), "ens6");
  table.set_default_route_interface(std::nullopt);
  auto none = table.default_route_interface();
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::not_found);
}

TEST(FakeAddressTableTest, SwitchedOnFailureAnswersForTheGivenNumberOfCalls) {
  FakeAddressTable table;
  table.fail(FakeAddressTable::Op::add, Error(ErrorCode::auth, "needs root or CAP_NET_ADMIN"), 2);
  for (int i = 0; i < 2; ++i) {
    auto added = table.add(vip_spec());
    ASSERT_FALSE(added);
    EXPECT_EQ(added.error().code, ErrorCode::auth);
  }
  EXPECT_EQ(table.add(vip_spec()), true);
  EXPECT_EQ(table.list("eth0")->size(), 1u) << "other operations were never switched";
}

TEST(FakeAddressTableTest, FailureWithoutACountLastsUntilCleared) {
  FakeAddressTable table;
  table.fail(FakeAddressTable::Op::list, Error(ErrorCode::timeout, "no answer"));
  EXPECT_FALSE(table.list("eth0"));
  EXPECT_FALSE(table.has("eth0", k_vip));
  EXPECT_FALSE(table.list("eth0"));
  table.clear_failures();
  EXPECT_TRUE(table.list("eth0"));
}

TEST(FakeAddressTableTest, LinkAddressIsDerivedFromTheIndexUntilSet) {
  FakeAddressTable table({"eth0", "eth1"});
  EXPECT_EQ(table.link_address("eth0"), "0e:00:00:00:00:02");
  EXPECT_EQ(table.link_address("eth1"), "0e:00:00:00:00:03");
  table.set_link_address("eth1", "0e:aa:bb:cc:dd:ee");
  EXPECT_EQ(table.link_address("eth1"), "0e:aa:bb:cc:dd:ee");
  table.set_link_address("eth1", "");
  EXPECT_EQ(table.link_address("eth1").error().code, ErrorCode::not_found);
  EXPECT_EQ(table.link_address("eth9").error().code, ErrorCode::not_found);
}

TEST(FakeAddressTableTest, RecordsEveryCallInOrder) {
  FakeAddressTable table;
  table.put_address("eth0", {k_vip, 32, "eth0:1"});  // set-up is not a call
  (void)table.has("eth0", k_vip);
  (void)table.remove(vip_spec());
  (void)table.add(AddressSpec{.interface = "eth0", .address = k_vip});
  (void)table.default_route_interface();
  (void)table.interface_exists("eth1");
  EXPECT_THAT(table.calls(),
              ElementsAre("list eth0", "remove 10.109.10.254/32 on eth0 (label eth0:1)",
                          "add 10.109.10.254/32 on eth0", "default_route_interface", "interface_index eth1"));
  table.clear_calls();
  EXPECT_TRUE(table.calls().empty());
}

TEST(FakeAddressTableTest, ConcurrentAddsOfTheSameAddressAddItOnce) {
  FakeAddressTable table;
  std::vector<std::thread> threads;
  std::atomic<int> added{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (table.add(vip_spec()).value_or(false)) {
        ++added;
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(added.load(), 1);
  EXPECT_EQ(table.addresses("eth0").size(), 1u);
  EXPECT_EQ(table.calls().size(), 8u);
}

}  // namespace
}  // namespace cloudvip::testing
