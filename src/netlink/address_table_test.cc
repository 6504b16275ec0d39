#include "netlink/address_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cloudvip {
namespace {

using ::testing::HasSubstr;

const Ipv4Address k_vip(0x0a6d0afe);  // 10.109.10.254

AddressSpec spec(std::string interface, std::optional<std::string> label, int prefix_len = 32) {
  return AddressSpec{
      .interface = std::move(interface), .address = k_vip, .prefix_len = prefix_len, .label = label};
}

TEST(AddressSpecTest, ToStringNamesAddressPrefixInterfaceAndLabel) {
  EXPECT_EQ(to_string(spec("eth0", "eth0:1")), "10.109.10.254/32 on eth0 (label eth0:1)");
  EXPECT_EQ(to_string(spec("ens5", std::nullopt, 27)), "10.109.10.254/27 on ens5");
}

TEST(AddressSpecTest, AcceptsAVipWithOrWithoutALabel) {
  EXPECT_TRUE(validate(spec("eth0", "eth0:1")));
  EXPECT_TRUE(validate(spec("eth0", std::nullopt)));
  EXPECT_TRUE(validate(spec("enp0s31f6", "enp0s31f6:vip")));  // 13 characters
  EXPECT_TRUE(validate(spec("eth0", std::nullopt, 1)));
}

TEST(AddressSpecTest, LabelMustStartWithTheInterfaceNameAndAColon) {
  for (const char* label : {"eth1:1", "eth0", "eth01", "eth0:", "vip", ""}) {
    auto result = validate(spec("eth0", label));
    ASSERT_FALSE(result) << label;
    EXPECT_EQ(result.error().code, ErrorCode::invalid_argument);
    EXPECT_THAT(result.error().message, HasSubstr("label '" + std::string(label) + "'"));
    EXPECT_THAT(result.error().message, HasSubstr("e.g. eth0:1"));
  }
}

TEST(AddressSpecTest, LabelLongerThan15CharactersIsRefused) {
  EXPECT_TRUE(validate(spec("enp0s31f6", "enp0s31f6:12345")));    // 15
  auto result = validate(spec("enp0s31f6", "enp0s31f6:123456"));  // 16
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::invalid_argument);
  EXPECT_THAT(result.error().message, HasSubstr("16 characters long; Linux allows at most 15"));
}

TEST(AddressSpecTest, PrefixLengthOutsideOneTo32IsRefused) {
  for (int prefix : {0, 33, -1}) {
    auto result = validate(spec("eth0", std::nullopt, prefix));
    ASSERT_FALSE(result) << prefix;
    EXPECT_EQ(result.error().code, ErrorCode::invalid_argument);
    EXPECT_THAT(result.error().message, HasSubstr("prefix length " + std::to_string(prefix)));
  }
}

TEST(InterfaceNameTest, RefusesEmptyLongAliasAndPathNames) {
  EXPECT_TRUE(validate_interface_name("eth0"));
  EXPECT_TRUE(validate_interface_name("abcdefghijklmno"));  // 15
  for (const char* name : {"", "abcdefghijklmnop", "eth0:1", "../eth0", "eth 0"}) {
    auto result = validate_interface_name(name);
    ASSERT_FALSE(result) << name;
    EXPECT_EQ(result.error().code, ErrorCode::invalid_argument);
  }
  EXPECT_THAT(validate_interface_name("eth0:1").error().message, HasSubstr("not an alias"));
  EXPECT_THAT(validate(spec("", "eth0:1")).error().message, HasSubstr("interface name is empty"));
}

}  // namespace
}  // namespace cloudvip
