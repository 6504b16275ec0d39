// CreateRoute / ReplaceRoute / DeleteRoute / DescribeRouteTables: the routing rules, their errors, the
// XML shape, blackholes and change notifications.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sim/sim_test_util.h"

namespace cloudvip::sim::testing {
namespace {

using ::testing::HasSubstr;

class RoutesTest : public SimTest {
 protected:
  Params route(const std::string& table, const std::string& destination, const std::string& eni = k_eni_a) {
    return Params{
        {"RouteTableId", table}, {"DestinationCidrBlock", destination}, {"NetworkInterfaceId", eni}};
  }
  std::unique_ptr<pugi::xml_document> tables() { return ok("DescribeRouteTables", {}); }
};

TEST_F(RoutesTest, DescribeRouteTablesHasTheEc2Shape) {
  auto doc = ok("DescribeRouteTables", {{"RouteTableId.1", k_rtb_a}});
  pugi::xml_node root = doc->child("DescribeRouteTablesResponse");
  ASSERT_TRUE(root);
  EXPECT_STREQ(root.attribute("xmlns").value(), "http://ec2.amazonaws.com/doc/2016-11-15/");
  EXPECT_STREQ(root.child_value("requestId"), "00000000-0000-4000-8000-000000000001");
  auto items = root.child("routeTableSet").children("item");
  ASSERT_EQ(std::distance(items.begin(), items.end()), 1);
  pugi::xml_node table = *items.begin();
  EXPECT_STREQ(table.child_value("routeTableId"), k_rtb_a);
  EXPECT_STREQ(table.child_value("vpcId"), k_vpc);
  EXPECT_STREQ(table.child_value("ownerId"), "123456789012");
  pugi::xml_node local = table.child("routeSet").child("item");
  EXPECT_STREQ(local.child_value("destinationCidrBlock"), "10.109.10.0/24");
  EXPECT_STREQ(local.child_value("gatewayId"), "local");
  EXPECT_STREQ(local.child_value("state"), "active");
  EXPECT_STREQ(local.child_value("origin"), "CreateRouteTable");
  pugi::xml_node association = table.child("associationSet").child("item");
  EXPECT_STREQ(association.child_value("main"), "false");
  EXPECT_THAT(association.child_value("routeTableAssociationId"), ::testing::StartsWith("rtbassoc-"));
  EXPECT_STREQ(association.child_value("routeTableId"), k_rtb_a);
  EXPECT_STREQ(association.child_value("subnetId"), k_subnet_a);
  EXPECT_STREQ(association.child("associationState").child_value("state"), "associated");
  EXPECT_TRUE(table.child("propagatingVgwSet"));
  EXPECT_STREQ(table.child("tagSet").child("item").child_value("key"), "Name");
  EXPECT_STREQ(table.child("tagSet").child("item").child_value("value"), "private-a");
  EXPECT_FALSE(root.child("nextToken"));
}

TEST_F(RoutesTest, EveryRouteTableHasItsLocalRouteAndTheMainOneSaysSo) {
  auto doc = tables();
  int count = 0;
  for (auto table : doc->child("DescribeRouteTablesResponse").child("routeTableSet").children("item")) {
    ++count;
    EXPECT_TRUE(find_route(*doc, table.child_value("routeTableId"), "10.109.10.0/24"));
    bool main = std::string(table.child("associationSet").child("item").child_value("main")) == "true";
    EXPECT_EQ(main, std::string(table.child_value("routeTableId")) == k_rtb_main);
  }
  EXPECT_EQ(count, 3);
}

TEST_F(RoutesTest, CreateRouteToAnOverlayAddressPointsAtTheEni) {
  auto created = ok("CreateRoute", route(k_rtb_a, "192.168.100.10/32"));
  EXPECT_STREQ(created->child("CreateRouteResponse").child_value("return"), "true");
  auto doc = tables();
  pugi::xml_node r = find_route(*doc, k_rtb_a, "192.168.100.10/32");
  ASSERT_TRUE(r);
  EXPECT_STREQ(r.child_value("networkInterfaceId"), k_eni_a);
  EXPECT_STREQ(r.child_value("instanceId"), k_instance_a);  // EC2 names the instance behind an attached ENI
  EXPECT_STREQ(r.child_value("instanceOwnerId"), "123456789012");
  EXPECT_STREQ(r.child_value("state"), "active");
  EXPECT_STREQ(r.child_value("origin"), "CreateRoute");
  EXPECT_FALSE(r.child("gatewayId"));
  EXPECT_FALSE(find_route(*doc, k_rtb_b, "192.168.100.10/32"));
}

TEST_F(RoutesTest, DestinationsAreCanonicalisedBeforeStoringAndMatching) {
  ok("CreateRoute", route(k_rtb_a, "10.109.10.254/27"));
  auto doc = tables();
  EXPECT_TRUE(find_route(*doc, k_rtb_a, "10.109.10.224/27"));
  EXPECT_FALSE(find_route(*doc, k_rtb_a, "10.109.10.254/27"));
  error("CreateRoute", route(k_rtb_a, "10.109.10.225/27"), "RouteAlreadyExists", 400);
  ok("ReplaceRoute", route(k_rtb_a, "10.109.10.240/27", k_eni_b));
  doc = tables();
  EXPECT_STREQ(find_route(*doc, k_rtb_a, "10.109.10.224/27").child_value("networkInterfaceId"), k_eni_b);
  ok("DeleteRoute", {{"RouteTableId", k_rtb_a}, {"DestinationCidrBlock", "10.109.10.230/27"}});
  doc = tables();
  EXPECT_FALSE(find_route(*doc, k_rtb_a, "10.109.10.224/27"));
}

TEST_F(RoutesTest, InVpcDestinationMustBeExactlyASubnetCidr) {
  std::string message =
      error("CreateRoute", route(k_rtb_a, "10.109.10.254/32"), "InvalidParameterValue", 400);
  EXPECT_THAT(message, HasSubstr("10.109.10.254/32"));
  EXPECT_THAT(message, HasSubstr("doesn't match any subnet CIDR blocks"));
  error("CreateRoute", route(k_rtb_a, "10.109.10.224/28"), "InvalidParameterValue", 400);
  ok("CreateRoute", route(k_rtb_a, "10.109.10.224/27"));
}

TEST_F(RoutesTest, InVpcDestinationCannotTargetAGateway) {
  std::string message = error("CreateRoute",
                              {{"RouteTableId", k_rtb_a},
                               {"DestinationCidrBlock", "10.109.10.224/27"},
                               {"GatewayId", "igw-0123456789abcdef0"}},
                              "InvalidParameterValue", 400);
  EXPECT_THAT(message, HasSubstr("can target only an interface or an instance"));
  ok("CreateRoute", {{"RouteTableId", k_rtb_a},
                     {"DestinationCidrBlock", "0.0.0.0/0"},
                     {"GatewayId", "igw-0123456789abcdef0"}});
}

TEST_F(RoutesTest, LinkLocalBlockIsRefused) {
  for (const char* destination : {"169.254.168.0/22", "169.254.169.254/32", "169.254.170.0/24"}) {
    std::string message = error("CreateRoute", route(k_rtb_a, destination), "InvalidParameterValue", 400);
    EXPECT_THAT(message, HasSubstr("169.254.168.0/22"));
  }
  ok("CreateRoute", route(k_rtb_a, "169.254.0.0/16"));  // wider than the reserved block: fine
}

TEST_F(RoutesTest, LocalRoutesCannotBeReplacedOrDeleted) {
  error("CreateRoute", route(k_rtb_a, "10.109.10.0/24"), "RouteAlreadyExists", 400);
  EXPECT_THAT(error("ReplaceRoute", route(k_rtb_a, "10.109.10.0/24"), "InvalidParameterValue", 400),
              HasSubstr("local route"));
  EXPECT_THAT(error("DeleteRoute", {{"RouteTableId", k_rtb_a}, {"DestinationCidrBlock", "10.109.10.0/24"}},
                    "InvalidParameterValue", 400),
              HasSubstr("cannot remove local route 10.109.10.0/24"));
}

TEST_F(RoutesTest, CreateOnAnExistingDestinationIsRouteAlreadyExists) {
  ok("CreateRoute", route(k_rtb_a, "192.168.100.10/32"));
  EXPECT_EQ(error("CreateRoute", route(k_rtb_a, "192.168.100.10/32", k_eni_b), "RouteAlreadyExists", 400),
            "The route identified by 192.168.100.10/32 already exists.");
}

TEST_F(RoutesTest, ReplaceOnAMissingDestinationSaysUseCreateRoute) {
  EXPECT_EQ(error("ReplaceRoute", route(k_rtb_a, "192.168.100.10/32"), "InvalidParameterValue", 400),
            "There is no route defined for '192.168.100.10/32' in the route table. Use CreateRoute instead.");
}

TEST_F(RoutesTest, DeleteOfAMissingRouteIsInvalidRouteNotFound) {
  EXPECT_EQ(error("DeleteRoute", {{"RouteTableId", k_rtb_a}, {"DestinationCidrBlock", "192.168.100.10/32"}},
                  "InvalidRoute.NotFound", 400),
            std::string("no route with destination-cidr-block 192.168.100.10/32 in route table ") + k_rtb_a);
}

TEST_F(RoutesTest, ReplaceMovesTheRouteToTheNewEni) {
  ok("CreateRoute", route(k_rtb_a, "192.168.100.10/32"));
  ok("ReplaceRoute", route(k_rtb_a, "192.168.100.10/32", k_eni_b));
  auto doc = tables();
  pugi::xml_node r = find_route(*doc, k_rtb_a, "192.168.100.10/32");
  EXPECT_STREQ(r.child_value("networkInterfaceId"), k_eni_b);
  EXPECT_STREQ(r.child_value("instanceId"), k_instance_b);
}

TEST_F(RoutesTest, RouteViaInstanceIdResolvesToItsEni) {
  ok("CreateRoute", {{"RouteTableId", k_rtb_b},
                     {"DestinationCidrBlock", "192.168.100.10/32"},
                     {"InstanceId", k_instance_b}});
  auto doc = tables();
  pugi::xml_node r = find_route(*doc, k_rtb_b, "192.168.100.10/32");
  EXPECT_STREQ(r.child_value("networkInterfaceId"), k_eni_b);
  EXPECT_STREQ(r.child_value("instanceId"), k_instance_b);
}

TEST_F(RoutesTest, RouteViaInstanceIdWithSeveralInterfacesIsInvalidInstanceId) {
  // Neither two-az instance has two ENIs: build one that has.
  auto scenario = parse_scenario(R"(
account_id = "123456789012"
region = "us-east-1"
[[vpc]]
id = "vpc-11111111"
cidr = "10.0.0.0/24"
[[subnet]]
id = "subnet-aaaaaaaa"
vpc = "vpc-11111111"
cidr = "10.0.0.0/26"
az = "us-east-1a"
[[route_table]]
id = "rtb-11111111"
vpc = "vpc-11111111"
main = true
[[instance]]
id = "i-11111111"
subnet = "subnet-aaaaaaaa"
[[instance.eni]]
id = "eni-11111111"
mac = "0e:00:00:00:00:01"
private_ips = ["10.0.0.10"]
[[instance.eni]]
id = "eni-22222222"
mac = "0e:00:00:00:00:02"
private_ips = ["10.0.0.11"]
[[credential]]
access_key_id = "AKIAAAAAAAAAAAAAAAAA"
secret_access_key = "s"
allow = ["ec2:*"]
)",
                                 "two-enis.toml");
  ASSERT_TRUE(scenario.has_value()) << scenario.error().to_string();
  Model model(*scenario, m_clock, m_ids);
  ApiResponse response = model.create_route({{"RouteTableId", "rtb-11111111"},
                                             {"DestinationCidrBlock", "192.168.1.1/32"},
                                             {"InstanceId", "i-11111111"}},
                                            Caller{"AKIAAAAAAAAAAAAAAAAA"});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.result.error().code, "InvalidInstanceID");
  EXPECT_EQ(response.http_status(), 400);
}

TEST_F(RoutesTest, UnknownAndMalformedIdsAreReportedWithTheRealCodes) {
  EXPECT_EQ(
      error("CreateRoute", route("rtb-00000000", "192.168.1.1/32"), "InvalidRouteTableID.NotFound", 400),
      "The routeTable ID 'rtb-00000000' does not exist");
  EXPECT_EQ(
      error("CreateRoute", route("rtb-nat-gw-a", "192.168.1.1/32"), "InvalidRouteTableId.Malformed", 400),
      "Invalid id: \"rtb-nat-gw-a\"");
  EXPECT_EQ(error("CreateRoute", route(k_rtb_a, "192.168.1.1/32", "eni-00000000"),
                  "InvalidNetworkInterfaceID.NotFound", 400),
            "The networkInterface ID 'eni-00000000' does not exist");
  error("CreateRoute", route(k_rtb_a, "192.168.1.1/32", "eni-xyz"), "InvalidNetworkInterfaceId.Malformed",
        400);
  error("CreateRoute",
        {{"RouteTableId", k_rtb_a}, {"DestinationCidrBlock", "192.168.1.1/32"}, {"InstanceId", "i-00000000"}},
        "InvalidInstanceID.NotFound", 400);
  error("DescribeRouteTables", {{"RouteTableId.1", "rtb-00000000"}}, "InvalidRouteTableID.NotFound", 400);
}

TEST_F(RoutesTest, MissingAndInvalidParametersAreNamed) {
  EXPECT_EQ(error("CreateRoute", {{"DestinationCidrBlock", "1.2.3.4/32"}, {"NetworkInterfaceId", k_eni_a}},
                  "MissingParameter", 400),
            "The request must contain the parameter RouteTableId");
  EXPECT_THAT(error("CreateRoute", {{"RouteTableId", k_rtb_a}, {"NetworkInterfaceId", k_eni_a}},
                    "MissingParameter", 400),
              HasSubstr("destinationCidrBlock"));
  EXPECT_THAT(error("CreateRoute", route(k_rtb_a, "10.1.2.3/33"), "InvalidParameterValue", 400),
              HasSubstr("10.1.2.3/33"));
  error("CreateRoute", {{"RouteTableId", k_rtb_a}, {"DestinationCidrBlock", "1.2.3.4/32"}},
        "InvalidParameterCombination", 400);
  error("CreateRoute",
        {{"RouteTableId", k_rtb_a},
         {"DestinationCidrBlock", "1.2.3.4/32"},
         {"NetworkInterfaceId", k_eni_a},
         {"InstanceId", k_instance_a}},
        "InvalidParameterCombination", 400);
  error("CreateRoute",
        {{"RouteTableId", k_rtb_a},
         {"DestinationCidrBlock", "1.2.3.4/32"},
         {"NetworkInterfaceId", k_eni_a},
         {"DryRun", "maybe"}},
        "InvalidParameterValue", 400);
}

TEST_F(RoutesTest, UnknownActionIsInvalidAction) {
  EXPECT_THAT(error("LaunchRockets", {}, "InvalidAction", 400), HasSubstr("LaunchRockets"));
}

TEST_F(RoutesTest, RouteToAStoppedInstanceIsBlackholeUntilItStarts) {
  ok("CreateRoute", route(k_rtb_a, "192.168.100.10/32"));
  ASSERT_TRUE(m_model.stop_instance(k_instance_a).has_value());
  auto doc = tables();
  EXPECT_STREQ(find_route(*doc, k_rtb_a, "192.168.100.10/32").child_value("state"), "blackhole");
  doc = ok("DescribeRouteTables", {{"Filter.1.Name", "route.state"}, {"Filter.1.Value.1", "blackhole"}});
  EXPECT_STREQ(doc->child("DescribeRouteTablesResponse")
                   .child("routeTableSet")
                   .child("item")
                   .child_value("routeTableId"),
               k_rtb_a);
  ASSERT_TRUE(m_model.start_instance(k_instance_a).has_value());
  doc = tables();
  EXPECT_STREQ(find_route(*doc, k_rtb_a, "192.168.100.10/32").child_value("state"), "active");
}

TEST_F(RoutesTest, RouteToADetachedEniIsBlackholeUntilReattached) {
  ok("CreateRoute", route(k_rtb_a, "192.168.100.10/32"));
  ASSERT_TRUE(m_model.detach_interface(k_eni_a).has_value());
  auto doc = tables();
  pugi::xml_node r = find_route(*doc, k_rtb_a, "192.168.100.10/32");
  EXPECT_STREQ(r.child_value("state"), "blackhole");
  EXPECT_FALSE(r.child("instanceId"));
  EXPECT_FALSE(m_model.detach_interface(k_eni_a).has_value());  // already detached
  ASSERT_TRUE(m_model.attach_interface(k_eni_a, k_instance_a, 0).has_value());
  doc = tables();
  EXPECT_STREQ(find_route(*doc, k_rtb_a, "192.168.100.10/32").child_value("state"), "active");
  EXPECT_FALSE(m_model.attach_interface(k_eni_a, k_instance_b, 1).has_value());  // attached already
}

TEST_F(RoutesTest, ListenersHearCreatesReplacesDeletesAndStateChanges) {
  std::vector<RouteTableChange> changes;
  m_model.on_route_change([&](const RouteTableChange& change) { changes.push_back(change); });
  ok("CreateRoute", route(k_rtb_a, "192.168.100.10/32"));
  ok("ReplaceRoute", route(k_rtb_a, "192.168.100.10/32", k_eni_b));
  ASSERT_TRUE(m_model.stop_instance(k_instance_b).has_value());
  ok("DeleteRoute", {{"RouteTableId", k_rtb_a}, {"DestinationCidrBlock", "192.168.100.10/32"}});
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[0].kind, RouteTableChange::Kind::created);
  EXPECT_EQ(changes[0].route_table_id, k_rtb_a);
  EXPECT_EQ(changes[0].vpc_id, k_vpc);
  EXPECT_EQ(changes[0].destination.to_string(), "192.168.100.10/32");
  EXPECT_EQ(changes[0].network_interface_id, k_eni_a);
  EXPECT_EQ(changes[0].state, "active");
  EXPECT_EQ(changes[1].kind, RouteTableChange::Kind::replaced);
  EXPECT_EQ(changes[1].network_interface_id, k_eni_b);
  EXPECT_EQ(changes[2].kind, RouteTableChange::Kind::state_changed);
  EXPECT_EQ(changes[2].state, "blackhole");
  EXPECT_EQ(changes[3].kind, RouteTableChange::Kind::deleted);
  EXPECT_EQ(changes[3].state, "");
}

TEST_F(RoutesTest, FailedActionsChangeNothingAndNotifyNobody) {
  int calls = 0;
  m_model.on_route_change([&](const RouteTableChange&) { ++calls; });
  auto before = m_model.state_json();
  error("CreateRoute", route(k_rtb_a, "10.109.10.254/32"), "InvalidParameterValue", 400);
  error("ReplaceRoute", route(k_rtb_a, "192.168.1.1/32"), "InvalidParameterValue", 400);
  EXPECT_EQ(m_model.state_json(), before);
  EXPECT_EQ(calls, 0);
}

TEST_F(RoutesTest, ScenarioRoutesAreLoadedWithTheirTargets) {
  auto scenario = load_or_die("two-az.toml");
  scenario.route_tables[1].routes.push_back(
      RouteSpec{*Cidr::parse("192.168.100.10/32"), TargetKind::instance, k_instance_a});
  Model model(scenario, m_clock, m_ids);
  auto doc = parse_xml(model.describe_route_tables({{"RouteTableId.1", k_rtb_a}}, admin()).body());
  pugi::xml_node r = find_route(*doc, k_rtb_a, "192.168.100.10/32");
  EXPECT_STREQ(r.child_value("networkInterfaceId"), k_eni_a);
  EXPECT_STREQ(r.child_value("state"), "active");
}

}  // namespace
}  // namespace cloudvip::sim::testing
