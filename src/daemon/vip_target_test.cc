#include "daemon/vip_target.h"

#include <gtest/gtest.h>

#include "testing/fake_address_table.h"
#include "testing/fake_cloud.h"

namespace cloudvip {
namespace {

class VipTargetTest : public ::testing::Test {
 protected:
  VipTargetTest() {
    Identity eth0;
    eth0.network_interface_id = "eni-eth0";
    eth0.vpc_id = "vpc-1";
    eth0.vpc_cidrs = {*Cidr::parse("10.0.0.0/16")};
    cloud.set_identity(eth0, "0e:00:00:00:00:02");  // FakeAddressTable's MAC of eth0
    Identity primary = eth0;
    primary.network_interface_id = "eni-primary";
    cloud.set_identity(primary, "");
    cloud.add_subnet("vpc-1", SubnetView{"subnet-vip", *Cidr::parse("10.0.255.0/28"), "az-1"});
  }
  VipSpec spec(const char* address) {
    VipSpec vip;
    vip.name = "db";
    vip.address = *Ipv4Address::parse(address);
    vip.route_tables = ExplicitRouteTables{{"rtb-1"}};
    vip.label = "eth0:1";
    return vip;
  }
  testing::FakeCloud cloud;
  testing::FakeAddressTable addresses;
};

TEST_F(VipTargetTest, ALocalVipUsesTheDefaultRoutesInterfaceAndItsEni) {
  Result<ResolvedVip> resolved = resolve_vip(spec("192.168.100.10"), cloud, addresses);
  ASSERT_TRUE(resolved.has_value()) << resolved.error().to_string();
  EXPECT_EQ(resolved->target.eni, "eni-eth0");
  EXPECT_EQ(resolved->target.destination, *Cidr::parse("192.168.100.10/32"));
  ASSERT_TRUE(resolved->target.local.has_value());
  EXPECT_EQ(resolved->target.local->interface, "eth0");
  EXPECT_EQ(resolved->target.source, "trigger");
  EXPECT_TRUE(cloud.calls("subnets").empty());  // an overlay VIP needs no subnets
}

TEST_F(VipTargetTest, WithoutALocalAddressOrInterfaceThePrimaryEniCarriesIt) {
  VipSpec vip = spec("192.168.100.10");
  vip.local_address = false;
  vip.leader = LeaderSettings{.source = LeaderSourceKind::patroni, .hold_down = Millis(2000)};
  Result<ResolvedVip> resolved = resolve_vip(vip, cloud, addresses);
  ASSERT_TRUE(resolved.has_value()) << resolved.error().to_string();
  EXPECT_EQ(resolved->target.eni, "eni-primary");
  EXPECT_FALSE(resolved->target.local.has_value());
  EXPECT_EQ(resolved->target.source, "patroni");
  EXPECT_EQ(resolved->target.hold_down, Millis(2000));
}

TEST_F(VipTargetTest, AnInVpcVipIsRoutedAsItsSubnet) {
  Result<ResolvedVip> resolved = resolve_vip(spec("10.0.255.10"), cloud, addresses);
  ASSERT_TRUE(resolved.has_value()) << resolved.error().to_string();
  EXPECT_EQ(resolved->target.destination, *Cidr::parse("10.0.255.0/28"));
}

TEST_F(VipTargetTest, ErrorsNameTheVip) {
  VipSpec secondary = spec("10.0.1.50");
  secondary.mode = VipMode::secondary_ip;
  Result<ResolvedVip> refused = resolve_vip(secondary, cloud, addresses);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::config);
  addresses.set_default_route_interface(std::nullopt);
  Result<ResolvedVip> no_route = resolve_vip(spec("192.168.100.10"), cloud, addresses);
  ASSERT_FALSE(no_route.has_value());
  EXPECT_NE(no_route.error().to_string().find("vip db"), std::string::npos);
}

}  // namespace
}  // namespace cloudvip
