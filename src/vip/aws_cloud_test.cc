// AwsCloud's reads (identity, route tables, subnets) against real HTTP servers: see aws_cloud_test_harness.h.
#include "vip/aws_cloud.h"

#include <gtest/gtest.h>

#include "vip/aws_cloud_test_harness.h"

namespace cloudvip {
namespace {

using aws_cloud_test::Answer;
using aws_cloud_test::describe_route_tables_xml;
using aws_cloud_test::eni_route_xml;
using aws_cloud_test::error_document;
using aws_cloud_test::Harness;
using aws_cloud_test::route_table_xml;
using aws_cloud_test::success;

constexpr const char* k_mac0 = "0e:49:61:0f:c3:11";
constexpr const char* k_mac1 = "0e:49:61:0f:c3:22";
const std::string k_macs = "/latest/meta-data/network/interfaces/macs/";

Cidr cidr(const char* text) {
  return *Cidr::parse(text);
}

void script_imds(Harness& h) {
  h.imds_path("/latest/meta-data/mac", k_mac0);
  h.imds_path(k_macs, std::string(k_mac0) + "/\n" + k_mac1 + "/");
  h.imds_path("/latest/dynamic/instance-identity/document",
              R"({"accountId":"111122223333","region":"eu-west-1","instanceId":"i-0abc",)"
              R"("availabilityZone":"eu-west-1b","privateIp":"10.0.1.10","version":"2017-09-30"})");
  for (auto [mac, eni, subnet, cidr_block, ips] :
       {std::tuple{k_mac0, "eni-0aaa", "subnet-0a", "10.0.1.0/24", "10.0.1.10\n10.0.1.50"},
        std::tuple{k_mac1, "eni-0bbb", "subnet-0b", "10.0.2.0/24", "10.0.2.20"}}) {
    std::string base = k_macs + mac + "/";
    h.imds_path(base + "interface-id", eni);
    h.imds_path(base + "subnet-id", subnet);
    h.imds_path(base + "subnet-ipv4-cidr-block", cidr_block);
    h.imds_path(base + "vpc-id", "vpc-0123");
    h.imds_path(base + "vpc-ipv4-cidr-blocks", "10.0.0.0/16\n100.64.0.0/16\n");
    h.imds_path(base + "local-ipv4s", ips);
  }
}

TEST(AwsCloudIdentityTest, PrimaryInterfaceFromImdsOnly) {
  Harness h;
  script_imds(h);
  Result<Identity> id = h.cloud().identity("");
  ASSERT_TRUE(id.has_value()) << id.error().to_string();
  EXPECT_EQ(id->instance_id, "i-0abc");
  EXPECT_EQ(id->region, "eu-west-1");
  EXPECT_EQ(id->availability_zone, "eu-west-1b");
  EXPECT_EQ(id->account_id, "111122223333");
  EXPECT_EQ(id->mac, k_mac0);
  EXPECT_EQ(id->network_interface_id, "eni-0aaa");
  EXPECT_EQ(id->subnet_id, "subnet-0a");
  EXPECT_EQ(id->subnet_cidr, cidr("10.0.1.0/24"));
  EXPECT_EQ(id->vpc_id, "vpc-0123");
  EXPECT_EQ(id->vpc_cidrs, (std::vector<Cidr>{cidr("10.0.0.0/16"), cidr("100.64.0.0/16")}));
  ASSERT_EQ(id->private_ips.size(), 2u);
  EXPECT_EQ(id->private_ips[1].to_string(), "10.0.1.50");
  EXPECT_EQ(h.ec2().request_count(), 0u);  // no EC2 call on the identity path
  int puts = 0;
  for (const auto& r : h.imds().requests()) {
    puts += r.method == "PUT" && r.path == "/latest/api/token" ? 1 : 0;
  }
  EXPECT_GE(puts, 1);
}

TEST(AwsCloudIdentityTest, SecondInterfaceByMac) {
  Harness h;
  script_imds(h);
  Result<Identity> id = h.cloud().identity("0E:49:61:0F:C3:22");  // any case
  ASSERT_TRUE(id.has_value()) << id.error().to_string();
  EXPECT_EQ(id->mac, k_mac1);
  EXPECT_EQ(id->network_interface_id, "eni-0bbb");
  EXPECT_EQ(id->subnet_cidr, cidr("10.0.2.0/24"));
}

TEST(AwsCloudIdentityTest, UnknownMacNamesTheMacsImdsHas) {
  Harness h;
  script_imds(h);
  Result<Identity> id = h.cloud().identity("0e:00:00:00:00:99");
  ASSERT_FALSE(id.has_value());
  std::string text = id.error().to_string();
  EXPECT_NE(text.find("IMDS has no interface with MAC 0e:00:00:00:00:99"), std::string::npos) << text;
  EXPECT_NE(text.find(std::string(k_mac0) + ", " + k_mac1), std::string::npos) << text;
}

TEST(AwsCloudIdentityTest, MissingSubnetCidrIsNamed) {
  Harness h;
  script_imds(h);
  h.imds_path(k_macs + k_mac0 + "/subnet-ipv4-cidr-block", "not-a-cidr");
  Result<Identity> id = h.cloud().identity("");
  ASSERT_FALSE(id.has_value());
  EXPECT_NE(id.error().to_string().find("subnet-ipv4-cidr-block"), std::string::npos)
      << id.error().to_string();
}

TEST(AwsCloudIdentityTest, OlderImdsAndIpv6OnlyInterface) {
  Harness older;
  script_imds(older);
  // An IMDS that lacks vpc-ipv4-cidr-blocks (404) and local-ipv4s (IPv6-only ENI, 404).
  older.imds_path(k_macs + k_mac0 + "/vpc-ipv4-cidr-block", "10.0.0.0/16");
  older.erase_imds_path(k_macs + k_mac0 + "/vpc-ipv4-cidr-blocks");
  older.erase_imds_path(k_macs + k_mac0 + "/local-ipv4s");
  Result<Identity> id = older.cloud().identity("");
  ASSERT_TRUE(id.has_value()) << id.error().to_string();
  EXPECT_EQ(id->vpc_cidrs, std::vector<Cidr>{cidr("10.0.0.0/16")});
  EXPECT_TRUE(id->private_ips.empty());
}

// Two tables: rtb-a (main, VIP route to eni-0aaa, host form in the answer's canonical form) and rtb-b (a
// subnet association, no VIP route).
std::string two_tables(std::string_view vpc_b = "vpc-0123") {
  return route_table_xml(
             "rtb-b", vpc_b, "",
             "<item><routeTableAssociationId>rtbassoc-2</routeTableAssociationId><routeTableId>rtb-b"
             "</routeTableId><subnetId>subnet-0b</subnetId><main>false</main><associationState><state>"
             "associated</state></associationState></item>") +
         route_table_xml(
             "rtb-a", "vpc-0123", eni_route_xml("192.168.100.10/32", "eni-0aaa", "i-0abc"),
             "<item><routeTableAssociationId>rtbassoc-1</routeTableAssociationId><routeTableId>rtb-a"
             "</routeTableId><main>true</main></item>");
}

TEST(AwsCloudRouteTablesTest, ByIdsSendsIdsOnlyAndKeepsTheirOrder) {
  Harness h;
  h.on("DescribeRouteTables", [](const QueryParams&) {
    return Answer{200, describe_route_tables_xml(two_tables())};
  });
  RouteTableSelector selector{RouteTableSelector::Kind::ids, {"rtb-a", "rtb-b", "rtb-a"}, "", ""};
  auto tables = h.cloud().route_tables(selector, "vpc-0123", cidr("192.168.100.10/32"));
  ASSERT_TRUE(tables.has_value()) << tables.error().to_string();
  ASSERT_EQ(tables->size(), 2u);
  EXPECT_EQ((*tables)[0].id, "rtb-a");
  EXPECT_TRUE((*tables)[0].main);
  ASSERT_TRUE((*tables)[0].route.has_value());
  EXPECT_EQ((*tables)[0].route->network_interface_id, "eni-0aaa");
  EXPECT_EQ((*tables)[0].route->instance_id, "i-0abc");
  EXPECT_EQ((*tables)[0].route->state, "active");
  EXPECT_EQ((*tables)[1].id, "rtb-b");
  EXPECT_FALSE((*tables)[1].main);
  EXPECT_EQ((*tables)[1].subnet_ids, std::vector<std::string>{"subnet-0b"});
  EXPECT_FALSE((*tables)[1].route.has_value());
  auto requests = h.ec2().requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].body,
            "Action=DescribeRouteTables&Version=2016-11-15&RouteTableId.1=rtb-a&RouteTableId.2=rtb-b");
}

TEST(AwsCloudRouteTablesTest, ByTagFiltersOnTagAndVpc) {
  Harness h;
  h.on("DescribeRouteTables", [](const QueryParams&) {
    return Answer{200, describe_route_tables_xml(two_tables())};
  });
  RouteTableSelector selector{RouteTableSelector::Kind::tag, {}, "cloudvip", "iris prod"};
  auto tables = h.cloud().route_tables(selector, "vpc-0123", cidr("192.168.100.10/32"));
  ASSERT_TRUE(tables.has_value()) << tables.error().to_string();
  EXPECT_EQ(tables->size(), 2u);
  auto requests = h.ec2().requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(
      requests[0].body,
      "Action=DescribeRouteTables&Version=2016-11-15&Filter.1.Name=tag%3Acloudvip&Filter.1.Value.1=iris+prod&"
      "Filter.2.Name=vpc-id&Filter.2.Value.1=vpc-0123");
}

TEST(AwsCloudRouteTablesTest, ByVpcFiltersOnVpcAndMatchesTheDestinationCanonically) {
  Harness h;
  h.on("DescribeRouteTables", [](const QueryParams&) {
    return Answer{200,
                  describe_route_tables_xml(route_table_xml(
                      "rtb-c", "vpc-0123", eni_route_xml("10.0.9.0/28", "eni-0bbb", "i-0def", "blackhole")))};
  });
  RouteTableSelector selector{RouteTableSelector::Kind::vpc, {}, "", ""};
  auto tables = h.cloud().route_tables(selector, "vpc-0123", cidr("10.0.9.5/28"));  // host bits set
  ASSERT_TRUE(tables.has_value()) << tables.error().to_string();
  ASSERT_EQ(tables->size(), 1u);
  ASSERT_TRUE((*tables)[0].route.has_value());
  EXPECT_EQ((*tables)[0].route->network_interface_id, "eni-0bbb");
  EXPECT_EQ((*tables)[0].route->state, "blackhole");
  auto requests = h.ec2().requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].body,
            "Action=DescribeRouteTables&Version=2016-11-15&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-0123");
}

TEST(AwsCloudRouteTablesTest, GatewayTargetIsOtherTarget) {
  RouteTable table{"rtb-1", "vpc-1", "", {}, {}, {}};
  table.routes.push_back(
      Route{.destination_cidr = "192.168.100.10/32", .gateway_id = "igw-1", .state = "active"});
  std::optional<VipRoute> route = find_vip_route(table, cidr("192.168.100.10/32"));
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(route->other_target, "igw-1");
  EXPECT_EQ(route->network_interface_id, "");
  EXPECT_FALSE(find_vip_route(table, cidr("192.168.100.11/32")).has_value());
}

TEST(AwsCloudRouteTablesTest, TableOfAnotherVpcIsAnErrorNamingBoth) {
  Harness h;
  h.on("DescribeRouteTables", [](const QueryParams&) {
    return Answer{200, describe_route_tables_xml(two_tables("vpc-0other"))};
  });
  RouteTableSelector selector{RouteTableSelector::Kind::ids, {"rtb-a", "rtb-b"}, "", ""};
  auto tables = h.cloud().route_tables(selector, "vpc-0123", cidr("192.168.100.10/32"));
  ASSERT_FALSE(tables.has_value());
  std::string text = tables.error().to_string();
  EXPECT_NE(text.find("rtb-b belongs to vpc-0other, not to vpc-0123"), std::string::npos) << text;
}

TEST(AwsCloudRouteTablesTest, IdMissingFromTheAnswerIsNamed) {
  Harness h;
  h.on("DescribeRouteTables", [](const QueryParams&) {
    return Answer{200, describe_route_tables_xml(two_tables())};
  });
  RouteTableSelector selector{RouteTableSelector::Kind::ids, {"rtb-a", "rtb-gone"}, "", ""};
  auto tables = h.cloud().route_tables(selector, "vpc-0123", cidr("192.168.100.10/32"));
  ASSERT_FALSE(tables.has_value());
  EXPECT_EQ(tables.error().code, ErrorCode::not_found);
  EXPECT_NE(tables.error().message.find("rtb-gone"), std::string::npos) << tables.error().to_string();
}

TEST(AwsCloudRouteTablesTest, UnknownIdErrorFromEc2IsClearAndKeepsTheAwsFields) {
  Harness h;
  h.on("DescribeRouteTables", [](const QueryParams&) {
    return Answer{400, error_document("InvalidRouteTableID.NotFound",
                                      "The routeTable ID 'rtb-gone' does not exist", "req-404")};
  });
  RouteTableSelector selector{RouteTableSelector::Kind::ids, {"rtb-a", "rtb-gone"}, "", ""};
  auto tables = h.cloud().route_tables(selector, "vpc-0123", cidr("192.168.100.10/32"));
  ASSERT_FALSE(tables.has_value());
  const Error& e = tables.error();
  EXPECT_EQ(e.aws_code, "InvalidRouteTableID.NotFound");
  EXPECT_EQ(e.request_id, "req-404");
  std::string text = e.to_string();
  EXPECT_NE(text.find("EC2 does not know every route table of [rtb-a, rtb-gone]"), std::string::npos) << text;
  EXPECT_NE(text.find("'rtb-gone' does not exist"), std::string::npos) << text;
}

TEST(AwsCloudSubnetsTest, OneDescribeFilteredOnVpc) {
  Harness h;
  h.on("DescribeSubnets", [](const QueryParams&) {
    return Answer{
        200, success("DescribeSubnets",
                     "<subnetSet><item><subnetId>subnet-0a</subnetId><vpcId>vpc-0123</vpcId><cidrBlock>"
                     "10.0.1.0/24</cidrBlock><availabilityZone>eu-west-1a</availabilityZone></item><item>"
                     "<subnetId>subnet-0v</subnetId><vpcId>vpc-0123</vpcId><cidrBlock>10.0.9.0/28"
                     "</cidrBlock><availabilityZone>eu-west-1b</availabilityZone></item></subnetSet>")};
  });
  auto subnets = h.cloud().subnets("vpc-0123");
  ASSERT_TRUE(subnets.has_value()) << subnets.error().to_string();
  ASSERT_EQ(subnets->size(), 2u);
  EXPECT_EQ((*subnets)[1].id, "subnet-0v");
  EXPECT_EQ((*subnets)[1].cidr, cidr("10.0.9.0/28"));
  EXPECT_EQ((*subnets)[1].availability_zone, "eu-west-1b");
  auto requests = h.ec2().requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].body,
            "Action=DescribeSubnets&Version=2016-11-15&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-0123");
}

}  // namespace
}  // namespace cloudvip
