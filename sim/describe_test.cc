// Describe* actions: filters, pagination and the XML shapes of instances, interfaces, subnets and VPCs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "sim/filters.h"
#include "sim/sim_test_util.h"

namespace cloudvip::sim::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

std::vector<std::string> ids_in(const pugi::xml_document& doc, const char* root, const char* set,
                                const char* id) {
  std::vector<std::string> out;
  for (auto item : doc.child(root).child(set).children("item")) {
    out.push_back(item.child_value(id));
  }
  return out;
}

class DescribeTest : public SimTest {
 protected:
  std::vector<std::string> route_tables(const Params& params) {
    auto doc = ok("DescribeRouteTables", params);
    return ids_in(*doc, "DescribeRouteTablesResponse", "routeTableSet", "routeTableId");
  }
};

TEST(WildcardTest, MatchesStarsAndQuestionMarks) {
  EXPECT_TRUE(wildcard_match("rtb-*", "rtb-0a1b"));
  EXPECT_TRUE(wildcard_match("*", ""));
  EXPECT_TRUE(wildcard_match("10.109.10.*/27", "10.109.10.224/27"));
  EXPECT_TRUE(wildcard_match("a?c", "abc"));
  EXPECT_TRUE(wildcard_match("*b*b*", "abcbd"));
  EXPECT_FALSE(wildcard_match("a?c", "ac"));
  EXPECT_FALSE(wildcard_match("rtb-*", "subnet-1"));
  EXPECT_FALSE(wildcard_match("abc", "abcd"));
  EXPECT_TRUE(wildcard_match("ec2:describe*", "ec2:describeroutetables"));
}

TEST_F(DescribeTest, FilterValuesAreOredAndNamesAnded) {
  EXPECT_THAT(route_tables({{"Filter.1.Name", "association.subnet-id"},
                            {"Filter.1.Value.1", k_subnet_a},
                            {"Filter.1.Value.2", k_subnet_b}}),
              UnorderedElementsAre(k_rtb_a, k_rtb_b));
  EXPECT_THAT(route_tables({{"Filter.1.Name", "association.subnet-id"},
                            {"Filter.1.Value.1", k_subnet_a},
                            {"Filter.1.Value.2", k_subnet_b},
                            {"Filter.2.Name", "tag:Name"},
                            {"Filter.2.Value.1", "private-b"}}),
              UnorderedElementsAre(k_rtb_b));
  EXPECT_THAT(route_tables({{"Filter.1.Name", "vpc-id"}, {"Filter.1.Value.1", k_vpc}}),
              UnorderedElementsAre(k_rtb_main, k_rtb_a, k_rtb_b));
  EXPECT_TRUE(route_tables({{"Filter.1.Name", "vpc-id"}, {"Filter.1.Value.1", "vpc-00000000"}}).empty());
}

TEST_F(DescribeTest, FiltersTakeWildcardsTagsAndTagKeys) {
  EXPECT_THAT(route_tables({{"Filter.1.Name", "tag:Name"}, {"Filter.1.Value.1", "private-*"}}),
              UnorderedElementsAre(k_rtb_a, k_rtb_b));
  EXPECT_THAT(route_tables({{"Filter.1.Name", "route-table-id"}, {"Filter.1.Value.1", "*aaa?"}}),
              UnorderedElementsAre(k_rtb_main, k_rtb_a, k_rtb_b));
  EXPECT_THAT(route_tables({{"Filter.1.Name", "tag-key"}, {"Filter.1.Value.1", "Name"}}),
              UnorderedElementsAre(k_rtb_main, k_rtb_a, k_rtb_b));
  EXPECT_TRUE(route_tables({{"Filter.1.Name", "tag-key"}, {"Filter.1.Value.1", "Owner"}}).empty());
}

TEST_F(DescribeTest, RouteTableFiltersOnMainAssociationAndRoutes) {
  EXPECT_THAT(route_tables({{"Filter.1.Name", "association.main"}, {"Filter.1.Value.1", "true"}}),
              UnorderedElementsAre(k_rtb_main));
  EXPECT_THAT(route_tables({{"Filter.1.Name", "association.main"}, {"Filter.1.Value.1", "false"}}),
              UnorderedElementsAre(k_rtb_a, k_rtb_b));
  ok("CreateRoute", {{"RouteTableId", k_rtb_b},
                     {"DestinationCidrBlock", "192.168.100.10/32"},
                     {"NetworkInterfaceId", k_eni_b}});
  EXPECT_THAT(route_tables({{"Filter.1.Name", "route.destination-cidr-block"},
                            {"Filter.1.Value.1", "192.168.100.10/32"}}),
              UnorderedElementsAre(k_rtb_b));
  EXPECT_THAT(route_tables({{"Filter.1.Name", "route.network-interface-id"}, {"Filter.1.Value.1", k_eni_b}}),
              UnorderedElementsAre(k_rtb_b));
  EXPECT_THAT(route_tables({{"Filter.1.Name", "route.instance-id"}, {"Filter.1.Value.1", k_instance_b}}),
              UnorderedElementsAre(k_rtb_b));
  EXPECT_THAT(route_tables({{"Filter.1.Name", "route.origin"}, {"Filter.1.Value.1", "CreateRoute"}}),
              UnorderedElementsAre(k_rtb_b));
  EXPECT_THAT(route_tables({{"Filter.1.Name", "route.gateway-id"}, {"Filter.1.Value.1", "local"}}),
              UnorderedElementsAre(k_rtb_main, k_rtb_a, k_rtb_b));
}

TEST_F(DescribeTest, UnknownFilterNameIsInvalid) {
  EXPECT_EQ(error("DescribeRouteTables", {{"Filter.1.Name", "colour"}, {"Filter.1.Value.1", "red"}},
                  "InvalidParameterValue", 400),
            "The filter 'colour' is invalid");
  error("DescribeInstances", {{"Filter.1.Name", "route-table-id"}, {"Filter.1.Value.1", "x"}},
        "InvalidParameterValue", 400);
}

TEST_F(DescribeTest, InstancesHaveTheEc2Shape) {
  auto doc = ok("DescribeInstances", {{"InstanceId.1", k_instance_a}});
  pugi::xml_node reservation = doc->child("DescribeInstancesResponse").child("reservationSet").child("item");
  EXPECT_THAT(reservation.child_value("reservationId"), ::testing::StartsWith("r-"));
  EXPECT_STREQ(reservation.child_value("ownerId"), "123456789012");
  pugi::xml_node instance = reservation.child("instancesSet").child("item");
  EXPECT_STREQ(instance.child_value("instanceId"), k_instance_a);
  EXPECT_STREQ(instance.child("instanceState").child_value("code"), "16");
  EXPECT_STREQ(instance.child("instanceState").child_value("name"), "running");
  EXPECT_STREQ(instance.child_value("privateIpAddress"), "10.109.10.10");
  EXPECT_STREQ(instance.child_value("subnetId"), k_subnet_a);
  EXPECT_STREQ(instance.child_value("vpcId"), k_vpc);
  EXPECT_STREQ(instance.child("placement").child_value("availabilityZone"), "us-east-1a");
  EXPECT_STREQ(instance.child_value("sourceDestCheck"), "false");
  EXPECT_STREQ(instance.child_value("launchTime"), "2015-08-19T16:00:00.000Z");
  EXPECT_STREQ(instance.child("iamInstanceProfile").child_value("arn"),
               "arn:aws:iam::123456789012:instance-profile/cloudvip-role");
  pugi::xml_node eni = instance.child("networkInterfaceSet").child("item");
  EXPECT_STREQ(eni.child_value("networkInterfaceId"), k_eni_a);
  EXPECT_STREQ(eni.child_value("macAddress"), "0e:a1:00:00:00:0a");
  EXPECT_STREQ(eni.child("attachment").child_value("deviceIndex"), "0");
  EXPECT_STREQ(eni.child("attachment").child_value("status"), "attached");
  EXPECT_STREQ(eni.child("privateIpAddressesSet").child("item").child_value("primary"), "true");
  EXPECT_STREQ(instance.child("tagSet").child("item").child_value("value"), "db-a");
}

TEST_F(DescribeTest, InstanceFiltersAndStoppedState) {
  ASSERT_TRUE(m_model.stop_instance(k_instance_b).has_value());
  auto doc =
      ok("DescribeInstances", {{"Filter.1.Name", "instance-state-name"}, {"Filter.1.Value.1", "stopped"}});
  pugi::xml_node instance = doc->child("DescribeInstancesResponse")
                                .child("reservationSet")
                                .child("item")
                                .child("instancesSet")
                                .child("item");
  EXPECT_STREQ(instance.child_value("instanceId"), k_instance_b);
  EXPECT_STREQ(instance.child("instanceState").child_value("code"), "80");
  doc = ok("DescribeInstances",
           {{"Filter.1.Name", "network-interface.network-interface-id"}, {"Filter.1.Value.1", k_eni_a}});
  EXPECT_EQ(
      std::distance(doc->child("DescribeInstancesResponse").child("reservationSet").children("item").begin(),
                    doc->child("DescribeInstancesResponse").child("reservationSet").children("item").end()),
      1);
}

TEST_F(DescribeTest, NetworkInterfacesHaveTheEc2ShapeAndFilters) {
  auto doc = ok("DescribeNetworkInterfaces",
                {{"Filter.1.Name", "attachment.instance-id"}, {"Filter.1.Value.1", k_instance_b}});
  EXPECT_EQ(ids_in(*doc, "DescribeNetworkInterfacesResponse", "networkInterfaceSet", "networkInterfaceId"),
            std::vector<std::string>{k_eni_b});
  pugi::xml_node eni =
      doc->child("DescribeNetworkInterfacesResponse").child("networkInterfaceSet").child("item");
  EXPECT_STREQ(eni.child_value("subnetId"), k_subnet_b);
  EXPECT_STREQ(eni.child_value("vpcId"), k_vpc);
  EXPECT_STREQ(eni.child_value("availabilityZone"), "us-east-1b");
  EXPECT_STREQ(eni.child_value("status"), "in-use");
  EXPECT_STREQ(eni.child_value("macAddress"), "0e:a1:00:00:00:0b");
  EXPECT_STREQ(eni.child_value("privateIpAddress"), "10.109.10.74");
  EXPECT_STREQ(eni.child_value("privateDnsName"), "ip-10-109-10-74.ec2.internal");
  EXPECT_STREQ(eni.child_value("sourceDestCheck"), "false");
  EXPECT_STREQ(eni.child("attachment").child_value("instanceId"), k_instance_b);
  EXPECT_STREQ(eni.child("attachment").child_value("instanceOwnerId"), "123456789012");
  EXPECT_STREQ(eni.child("privateIpAddressesSet").child("item").child_value("privateIpAddress"),
               "10.109.10.74");
  doc = ok("DescribeNetworkInterfaces",
           {{"Filter.1.Name", "mac-address"}, {"Filter.1.Value.1", "0e:a1:00:00:00:0a"}});
  EXPECT_EQ(ids_in(*doc, "DescribeNetworkInterfacesResponse", "networkInterfaceSet", "networkInterfaceId"),
            std::vector<std::string>{k_eni_a});
  doc = ok("DescribeNetworkInterfaces",
           {{"Filter.1.Name", "addresses.private-ip-address"}, {"Filter.1.Value.1", "10.109.10.10"}});
  EXPECT_EQ(ids_in(*doc, "DescribeNetworkInterfacesResponse", "networkInterfaceSet", "networkInterfaceId"),
            std::vector<std::string>{k_eni_a});
  doc =
      ok("DescribeNetworkInterfaces", {{"Filter.1.Name", "source-dest-check"}, {"Filter.1.Value.1", "true"}});
  EXPECT_TRUE(
      ids_in(*doc, "DescribeNetworkInterfacesResponse", "networkInterfaceSet", "networkInterfaceId").empty());
  error("DescribeNetworkInterfaces", {{"NetworkInterfaceId.1", "eni-00000000"}},
        "InvalidNetworkInterfaceID.NotFound", 400);
}

TEST_F(DescribeTest, SubnetsAndVpcsHaveTheEc2Shape) {
  auto doc =
      ok("DescribeSubnets", {{"Filter.1.Name", "cidr-block"}, {"Filter.1.Value.1", "10.109.10.224/27"}});
  pugi::xml_node subnet = doc->child("DescribeSubnetsResponse").child("subnetSet").child("item");
  EXPECT_STREQ(subnet.child_value("subnetId"), k_subnet_vip);
  EXPECT_STREQ(subnet.child_value("vpcId"), k_vpc);
  EXPECT_STREQ(subnet.child_value("cidrBlock"), "10.109.10.224/27");
  EXPECT_STREQ(subnet.child_value("availabilityZone"), "us-east-1c");
  EXPECT_STREQ(subnet.child_value("availabilityZoneId"), "use1-az3");
  EXPECT_STREQ(subnet.child_value("state"), "available");
  EXPECT_STREQ(subnet.child_value("availableIpAddressCount"), "27");
  EXPECT_STREQ(subnet.child_value("defaultForAz"), "false");
  doc = ok("DescribeSubnets", {{"SubnetId.1", k_subnet_a}});
  EXPECT_STREQ(doc->child("DescribeSubnetsResponse")
                   .child("subnetSet")
                   .child("item")
                   .child_value("availableIpAddressCount"),
               "58");  // 64 - 5 reserved - db-a
  doc = ok("DescribeVpcs", {{"VpcId.1", k_vpc}});
  pugi::xml_node vpc = doc->child("DescribeVpcsResponse").child("vpcSet").child("item");
  EXPECT_STREQ(vpc.child_value("vpcId"), k_vpc);
  EXPECT_STREQ(vpc.child_value("cidrBlock"), "10.109.10.0/24");
  EXPECT_STREQ(vpc.child("cidrBlockAssociationSet").child("item").child_value("cidrBlock"), "10.109.10.0/24");
  EXPECT_STREQ(
      vpc.child("cidrBlockAssociationSet").child("item").child("cidrBlockState").child_value("state"),
      "associated");
  EXPECT_STREQ(vpc.child_value("isDefault"), "false");
  error("DescribeVpcs", {{"VpcId.1", "vpc-0000"}}, "InvalidVpcID.Malformed", 400);
  error("DescribeSubnets", {{"SubnetId.1", "subnet-00000000"}}, "InvalidSubnetID.NotFound", 400);
}

// Twelve route tables in one VPC, for pagination.
Scenario twelve_tables() {
  std::string text = R"(
account_id = "123456789012"
region = "us-east-1"
[[vpc]]
id = "vpc-11111111"
cidr = "10.0.0.0/16"
[[credential]]
access_key_id = "AKIAAAAAAAAAAAAAAAAA"
secret_access_key = "s"
allow = ["ec2:*"]
)";
  for (int i = 0; i < 12; ++i) {
    text += "[[route_table]]\nid = \"rtb-" + std::string(6, '0') + (i < 10 ? "0" : "") + std::to_string(i) +
            "\"\nvpc = \"vpc-11111111\"\nmain = " + (i == 0 ? "true" : "false") + "\n";
  }
  auto scenario = parse_scenario(text, "twelve.toml");
  EXPECT_TRUE(scenario.has_value()) << scenario.error().to_string();
  return scenario.value_or(Scenario{});
}

TEST(PaginationTest, ThreePagesOfFiveFiveTwo) {
  FakeClock clock;
  SequentialIdSource ids;
  Model model(twelve_tables(), clock, ids);
  Caller caller{"AKIAAAAAAAAAAAAAAAAA"};
  std::set<std::string> seen;
  std::vector<size_t> page_sizes;
  std::string token;
  for (int page = 0; page < 5; ++page) {  // bounded: three pages are expected
    Params params{{"MaxResults", "5"}};
    if (!token.empty()) {
      params.add("NextToken", token);
    }
    ApiResponse response = model.describe_route_tables(params, caller);
    ASSERT_TRUE(response.ok()) << response.body();
    auto doc = parse_xml(response.body());
    auto found = ids_in(*doc, "DescribeRouteTablesResponse", "routeTableSet", "routeTableId");
    page_sizes.push_back(found.size());
    seen.insert(found.begin(), found.end());
    pugi::xml_node next = doc->child("DescribeRouteTablesResponse").child("nextToken");
    if (!next) {
      break;
    }
    token = next.child_value();
    EXPECT_FALSE(token.empty());
  }
  EXPECT_EQ(page_sizes, (std::vector<size_t>{5, 5, 2}));
  EXPECT_EQ(seen.size(), 12u);
}

TEST_F(DescribeTest, NoNextTokenWhenEverythingFits) {
  auto doc = ok("DescribeRouteTables", {{"MaxResults", "5"}});
  EXPECT_FALSE(doc->child("DescribeRouteTablesResponse").child("nextToken"));
  EXPECT_EQ(ids_in(*doc, "DescribeRouteTablesResponse", "routeTableSet", "routeTableId").size(), 3u);
}

TEST_F(DescribeTest, MaxResultsOutOfRangeAndBadTokensAreInvalid) {
  EXPECT_THAT(error("DescribeRouteTables", {{"MaxResults", "4"}}, "InvalidParameterValue", 400),
              HasSubstr("between 5 and 100"));
  error("DescribeRouteTables", {{"MaxResults", "101"}}, "InvalidParameterValue", 400);
  error("DescribeRouteTables", {{"MaxResults", "ten"}}, "InvalidParameterValue", 400);
  ok("DescribeNetworkInterfaces", {{"MaxResults", "1000"}});
  EXPECT_THAT(error("DescribeRouteTables", {{"NextToken", "not-a-token!"}}, "InvalidParameterValue", 400),
              HasSubstr("not-a-token!"));
  // A token from another action is refused too.
  Scenario scenario = twelve_tables();
  Model model(scenario, m_clock, m_ids);
  Caller caller{"AKIAAAAAAAAAAAAAAAAA"};
  auto doc = parse_xml(model.describe_route_tables({{"MaxResults", "5"}}, caller).body());
  std::string token = doc->child("DescribeRouteTablesResponse").child_value("nextToken");
  ASSERT_FALSE(token.empty());
  ApiResponse response = model.describe_vpcs({{"NextToken", token}}, caller);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.result.error().code, "InvalidParameterValue");
}

}  // namespace
}  // namespace cloudvip::sim::testing
