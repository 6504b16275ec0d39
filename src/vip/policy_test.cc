#include "vip/policy.h"

#include <gtest/gtest.h>

namespace cloudvip {
namespace {

using json = nlohmann::ordered_json;

PolicyContext lab_context() {
  PolicyContext c;
  c.account_id = "123456789012";
  c.region = "us-east-1";
  return c;
}

VipSpec vip(std::string name, std::string address, std::optional<RouteTablesSetting> tables) {
  VipSpec v;
  v.name = std::move(name);
  v.address = *Ipv4Address::parse(address);
  v.interface = "eth0";
  v.route_tables = std::move(tables);
  return v;
}

// The VIP of sim/scenarios/two-az.toml (the seed article's layout): 10.109.10.254 in its own subnet, routed
// in the three route tables of the VPC.
VipSpec two_az_vip() {
  return vip(
      "iris", "10.109.10.254",
      ExplicitRouteTables{{"rtb-0a1b2c3d4e5f6aaa0", "rtb-0a1b2c3d4e5f6aaa1", "rtb-0a1b2c3d4e5f6aaa2"}});
}

TEST(PolicyTest, TwoAzExampleIsExactlyTheGoldenDocument) {
  Result<json> policy = least_privilege_policy({two_az_vip()}, lab_context());
  ASSERT_TRUE(policy) << policy.error().message;
  EXPECT_EQ(policy_text(*policy), R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "CloudvipRead",
      "Effect": "Allow",
      "Action": [
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeRouteTables",
        "ec2:DescribeSubnets"
      ],
      "Resource": "*",
      "Condition": {
        "StringEquals": {
          "aws:RequestedRegion": "us-east-1"
        }
      }
    },
    {
      "Sid": "CloudvipRoutes",
      "Effect": "Allow",
      "Action": [
        "ec2:CreateRoute",
        "ec2:ReplaceRoute",
        "ec2:DeleteRoute"
      ],
      "Resource": [
        "arn:aws:ec2:us-east-1:123456789012:route-table/rtb-0a1b2c3d4e5f6aaa0",
        "arn:aws:ec2:us-east-1:123456789012:route-table/rtb-0a1b2c3d4e5f6aaa1",
        "arn:aws:ec2:us-east-1:123456789012:route-table/rtb-0a1b2c3d4e5f6aaa2"
      ]
    }
  ]
}
)");
}

TEST(PolicyTest, WithoutDeleteGrantsOnlyCreateAndReplace) {
  PolicyContext c = lab_context();
  c.include_delete = false;
  Result<json> policy = least_privilege_policy({two_az_vip()}, c);
  ASSERT_TRUE(policy);
  EXPECT_EQ((*policy)["Statement"][1]["Action"], json({"ec2:CreateRoute", "ec2:ReplaceRoute"}));
}

TEST(PolicyTest, TagSelectorGrantsEveryRouteTableCarryingTheTag) {
  PolicyContext c = lab_context();
  c.region = "eu-west-1";
  Result<json> policy = least_privilege_policy({vip("a", "192.168.100.10", RouteTableTag{"cloudvip", "iris"}),
                                                vip("b", "192.168.100.11", RouteTableTag{"cloudvip", "pg"}),
                                                vip("c", "192.168.100.12", RouteTableTag{"team", "db"})},
                                               c);
  ASSERT_TRUE(policy) << policy.error().message;
  const json& statements = (*policy)["Statement"];
  ASSERT_EQ(statements.size(), 3u);  // read, then one per tag key
  EXPECT_EQ(statements[1]["Sid"], "CloudvipRoutesByTag1");
  EXPECT_EQ(statements[1]["Resource"], "arn:aws:ec2:eu-west-1:123456789012:route-table/*");
  EXPECT_EQ(statements[1]["Condition"],
            json::parse(R"({"StringEquals": {"ec2:ResourceTag/cloudvip": ["iris", "pg"]}})"));
  EXPECT_EQ(statements[2]["Condition"], json::parse(R"({"StringEquals": {"ec2:ResourceTag/team": "db"}})"));
  EXPECT_EQ(statements[2]["Action"], json({"ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute"}));
}

TEST(PolicyTest, WholeVpcSelectorNamesTheVpcByCondition) {
  PolicyContext c = lab_context();
  c.vpc_id = "vpc-0a1b2c3d4e5f60001";
  Result<json> policy = least_privilege_policy({vip("a", "192.168.100.10", WholeVpcRouteTables{})}, c);
  ASSERT_TRUE(policy) << policy.error().message;
  const json& s = (*policy)["Statement"][1];
  EXPECT_EQ(s["Sid"], "CloudvipRoutesInVpc");
  EXPECT_EQ(s["Resource"], "arn:aws:ec2:us-east-1:123456789012:route-table/*");
  EXPECT_EQ(s["Condition"]["StringEquals"]["ec2:Vpc"],
            "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0a1b2c3d4e5f60001");
}

TEST(PolicyTest, WholeVpcSelectorWithoutVpcIdIsAnErrorSayingWhatToGive) {
  Result<json> policy =
      least_privilege_policy({vip("a", "192.168.100.10", WholeVpcRouteTables{})}, lab_context());
  ASSERT_FALSE(policy);
  EXPECT_EQ(policy.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(policy.error().message.find("--vpc"), std::string::npos) << policy.error().message;
}

TEST(PolicyTest, ElasticIpGrantsAssociateAddressOnThatAddressAndReadsAddresses) {
  VipSpec v = two_az_vip();
  v.elastic_ip = "eipalloc-0123456789abcdef0";
  Result<json> policy = least_privilege_policy({v}, lab_context());
  ASSERT_TRUE(policy) << policy.error().message;
  const json& statements = (*policy)["Statement"];
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[0]["Action"][0], "ec2:DescribeAddresses");
  EXPECT_EQ(statements[2], json::parse(R"({
    "Sid": "CloudvipElasticIp", "Effect": "Allow", "Action": "ec2:AssociateAddress",
    "Resource": ["arn:aws:ec2:us-east-1:123456789012:elastic-ip/eipalloc-0123456789abcdef0",
                 "arn:aws:ec2:us-east-1:123456789012:network-interface/*"]})"));
}

TEST(PolicyTest, ModifyNetworkInterfaceAttributeOnlyWhenFixIsAllowed) {
  Result<json> without = least_privilege_policy({two_az_vip()}, lab_context());
  ASSERT_TRUE(without);
  EXPECT_EQ(without->dump().find("ModifyNetworkInterfaceAttribute"), std::string::npos);

  PolicyContext c = lab_context();
  c.allow_fix = true;
  Result<json> with = least_privilege_policy({two_az_vip()}, c);
  ASSERT_TRUE(with);
  const json& last = (*with)["Statement"].back();
  EXPECT_EQ(last["Sid"], "CloudvipFixSourceDestCheck");
  EXPECT_EQ(last["Action"], "ec2:ModifyNetworkInterfaceAttribute");
  EXPECT_EQ(last["Resource"], "arn:aws:ec2:us-east-1:123456789012:network-interface/*");
}

TEST(PolicyTest, SecondaryIpModeGrantsAssignPrivateIpAddressesAndNoRouteWrites) {
  VipSpec v = vip("pair", "10.0.1.50", std::nullopt);
  v.mode = VipMode::secondary_ip;
  Result<json> policy = least_privilege_policy({v}, lab_context());
  ASSERT_TRUE(policy) << policy.error().message;
  const json& statements = (*policy)["Statement"];
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[1]["Action"], "ec2:AssignPrivateIpAddresses");
  EXPECT_EQ(statements[1]["Resource"], "arn:aws:ec2:us-east-1:123456789012:network-interface/*");
  EXPECT_EQ(policy->dump().find("Route\""), std::string::npos);  // no CreateRoute/ReplaceRoute/DeleteRoute
}

TEST(PolicyTest, SharedRouteTablesAppearOnceAndPartitionIsUsed) {
  PolicyContext c = lab_context();
  c.partition = "aws-cn";
  c.region = "cn-north-1";
  Result<json> policy = least_privilege_policy(
      {vip("a", "192.168.100.10", ExplicitRouteTables{{"rtb-0b000000", "rtb-0a000000"}}),
       vip("b", "192.168.100.11", ExplicitRouteTables{{"rtb-0a000000"}})},
      c);
  ASSERT_TRUE(policy);
  EXPECT_EQ((*policy)["Statement"][1]["Resource"],
            json({"arn:aws-cn:ec2:cn-north-1:123456789012:route-table/rtb-0a000000",
                  "arn:aws-cn:ec2:cn-north-1:123456789012:route-table/rtb-0b000000"}));
}

TEST(PolicyTest, RefusesABadContextNamingTheValue) {
  PolicyContext c = lab_context();
  c.account_id = "12345";
  Result<json> policy = least_privilege_policy({two_az_vip()}, c);
  ASSERT_FALSE(policy);
  EXPECT_NE(policy.error().message.find("'12345'"), std::string::npos);

  c = lab_context();
  c.region = "";
  EXPECT_FALSE(least_privilege_policy({two_az_vip()}, c));
  EXPECT_FALSE(least_privilege_policy({}, lab_context()));
}

}  // namespace
}  // namespace cloudvip
