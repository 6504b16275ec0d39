// AwsCloud::read_route_tables: one DescribeRouteTables for many tables and many destinations.
#include <gtest/gtest.h>

#include "vip/aws_cloud.h"
#include "vip/aws_cloud_test_harness.h"

namespace cloudvip {
namespace {

using aws_cloud_test::Answer;
using aws_cloud_test::describe_route_tables_xml;
using aws_cloud_test::eni_route_xml;
using aws_cloud_test::Harness;

Cidr cidr(const char* text) {
  return *Cidr::parse(text);
}

std::string table(std::string_view id, std::string_view vpc, std::string_view routes, std::string_view tags) {
  return fmt::format(
      "<item><routeTableId>{}</routeTableId><vpcId>{}</vpcId><routeSet>{}</routeSet><associationSet/>"
      "<tagSet>{}</tagSet></item>",
      id, vpc, routes, tags);
}

std::string tag(std::string_view key, std::string_view value) {
  return fmt::format("<item><key>{}</key><value>{}</value></item>", key, value);
}

std::string world() {
  return table("rtb-b", "vpc-0123", eni_route_xml("192.168.100.20/32", "eni-0bbb", "i-0def"), "") +
         table("rtb-a", "vpc-0123",
               eni_route_xml("192.168.100.10/32", "eni-0aaa", "i-0abc") +
                   eni_route_xml("10.0.9.0/28", "eni-0bbb", "i-0def", "blackhole"),
               tag("cloudvip", "iris"));
}

TEST(AwsCloudReadRouteTablesTest, ManyIdsAndDestinationsInOneCall) {
  Harness h;
  h.on("DescribeRouteTables", [](const QueryParams&) {
    return Answer{200, describe_route_tables_xml(world())};
  });
  RouteTableScope scope{.vpc_id = "vpc-0123", .ids = {"rtb-a", "rtb-b", "rtb-a"}};
  auto tables = h.cloud().read_route_tables(
      scope, {cidr("192.168.100.10/32"), cidr("192.168.100.20/32"), cidr("10.0.9.0/28"), cidr("1.2.3.4/32")});
  ASSERT_TRUE(tables.has_value()) << tables.error().to_string();
  ASSERT_EQ(tables->size(), 2u);
  EXPECT_EQ((*tables)[0].id, "rtb-a");  // the order of the ids
  EXPECT_EQ((*tables)[0].routes.size(), 2u);
  EXPECT_EQ((*tables)[0].routes.at(cidr("192.168.100.10/32")).network_interface_id, "eni-0aaa");
  EXPECT_EQ((*tables)[0].routes.at(cidr("10.0.9.0/28")).state, "blackhole");
  EXPECT_EQ((*tables)[0].tags.at("cloudvip"), "iris");
  EXPECT_EQ((*tables)[1].routes.size(), 1u);
  EXPECT_EQ((*tables)[1].routes.at(cidr("192.168.100.20/32")).network_interface_id, "eni-0bbb");
  auto requests = h.ec2().requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].body,
            "Action=DescribeRouteTables&Version=2016-11-15&RouteTableId.1=rtb-a&RouteTableId.2=rtb-b");
}

TEST(AwsCloudReadRouteTablesTest, WholeVpcFiltersOnTheVpcAndBringsTheTags) {
  Harness h;
  h.on("DescribeRouteTables", [](const QueryParams&) {
    return Answer{200, describe_route_tables_xml(world())};
  });
  RouteTableScope scope{.vpc_id = "vpc-0123", .ids = {"rtb-a"}, .whole_vpc = true};
  auto tables = h.cloud().read_route_tables(scope, {cidr("192.168.100.10/32")});
  ASSERT_TRUE(tables.has_value()) << tables.error().to_string();
  ASSERT_EQ(tables->size(), 2u);
  auto requests = h.ec2().requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].body,
            "Action=DescribeRouteTables&Version=2016-11-15&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-0123");
}

TEST(AwsCloudReadRouteTablesTest, AnIdEc2DidNotReturnOrOfAnotherVpcIsAnError) {
  Harness h;
  h.on("DescribeRouteTables", [](const QueryParams&) {
    return Answer{200, describe_route_tables_xml(world())};
  });
  auto missing = h.cloud().read_route_tables({.vpc_id = "vpc-0123", .ids = {"rtb-a", "rtb-c"}}, {});
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("rtb-c"), std::string::npos);
  auto other = h.cloud().read_route_tables({.vpc_id = "vpc-9999", .ids = {"rtb-a"}}, {});
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().code, ErrorCode::config);
}

TEST(AwsCloudReadRouteTablesTest, NoIdsIsNoCall) {
  Harness h;
  auto tables = h.cloud().read_route_tables({.vpc_id = "vpc-0123"}, {cidr("192.168.100.10/32")});
  ASSERT_TRUE(tables.has_value());
  EXPECT_TRUE(tables->empty());
  EXPECT_TRUE(h.ec2().requests().empty());
}

}  // namespace
}  // namespace cloudvip
