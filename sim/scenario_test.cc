#include "sim/scenario.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <initializer_list>

namespace cloudvip::sim {
namespace {

using ::testing::HasSubstr;

std::filesystem::path scenarios_dir() {
  return std::filesystem::path(__FILE__).parent_path() / "scenarios";
}

// A small valid world; the bad cases below each break one thing.
constexpr std::string_view k_base = R"(
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

[[subnet]]
id = "subnet-bbbbbbbb"
vpc = "vpc-11111111"
cidr = "10.0.0.64/26"
az = "us-east-1b"

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
)";

Result<Scenario> parse_with(std::string_view extra) {
  return parse_scenario(std::string(k_base) + std::string(extra), "bad.toml");
}

void expect_problem(std::string_view extra, std::initializer_list<std::string_view> fragments) {
  auto scenario = parse_with(extra);
  ASSERT_FALSE(scenario.has_value()) << "accepted:\n" << extra;
  EXPECT_EQ(scenario.error().code, ErrorCode::config);
  EXPECT_THAT(scenario.error().message, HasSubstr("bad.toml:"));
  for (std::string_view fragment : fragments) {
    EXPECT_THAT(scenario.error().message, HasSubstr(std::string(fragment)));
  }
}

TEST(ScenarioTest, LoadsTheShippedTwoAzScenario) {
  auto scenario = load_scenario(scenarios_dir() / "two-az.toml");
  ASSERT_TRUE(scenario.has_value()) << scenario.error().to_string();
  EXPECT_EQ(scenario->account_id, "123456789012");
  EXPECT_EQ(scenario->region, "us-east-1");
  ASSERT_EQ(scenario->vpcs.size(), 1u);
  EXPECT_EQ(scenario->vpcs[0].cidrs[0].to_string(), "10.109.10.0/24");
  EXPECT_EQ(scenario->subnets.size(), 4u);
  EXPECT_EQ(scenario->route_tables.size(), 3u);
  ASSERT_EQ(scenario->instances.size(), 2u);
  for (const InstanceSpec& instance : scenario->instances) {
    EXPECT_EQ(instance.iam_role, "cloudvip-role");
    ASSERT_EQ(instance.enis.size(), 1u);
    EXPECT_FALSE(instance.enis[0].source_dest_check);
  }
  EXPECT_EQ(scenario->instances[1].enis[0].private_ips[0].to_string(), "10.109.10.74");
  EXPECT_EQ(scenario->elastic_ips.size(), 1u);
  EXPECT_EQ(scenario->credentials.size(), 3u);
}

TEST(ScenarioTest, LoadsTheShippedOverlayScenario) {
  auto scenario = load_scenario(scenarios_dir() / "overlay.toml");
  ASSERT_TRUE(scenario.has_value()) << scenario.error().to_string();
  EXPECT_EQ(scenario->route_tables.size(), 4u);
  int main_tables = 0;
  for (const RouteTableSpec& table : scenario->route_tables) {
    main_tables += table.main ? 1 : 0;
  }
  EXPECT_EQ(main_tables, 1);
}

TEST(ScenarioTest, ReadsDefaultsRoutesTagsAndAssociations) {
  auto scenario = parse_with(R"(
[[route_table]]
id = "rtb-22222222"
vpc = "vpc-11111111"
associations = ["subnet-aaaaaaaa"]
tags = { Name = "private-a", Team = "db" }
[[route_table.route]]
destination = "192.168.100.10/32"
network_interface_id = "eni-11111111"
[[route_table.route]]
destination = "10.0.0.70/26"
instance_id = "i-11111111"
[[route_table.route]]
destination = "0.0.0.0/0"
gateway_id = "igw-12345678"
)");
  ASSERT_TRUE(scenario.has_value()) << scenario.error().to_string();
  const RouteTableSpec& table = scenario->route_tables[1];
  EXPECT_FALSE(table.main);
  EXPECT_EQ(table.subnet_ids, std::vector<std::string>{"subnet-aaaaaaaa"});
  EXPECT_EQ(table.tags, (Tags{{"Name", "private-a"}, {"Team", "db"}}));
  ASSERT_EQ(table.routes.size(), 3u);
  EXPECT_EQ(table.routes[1].destination.to_string(), "10.0.0.64/26");  // canonicalised
  EXPECT_EQ(table.routes[1].target_kind, TargetKind::instance);
  const InstanceSpec& instance = scenario->instances[0];
  EXPECT_EQ(instance.az, "us-east-1a");
  EXPECT_EQ(instance.state, InstanceState::running);
  EXPECT_TRUE(instance.enis[0].source_dest_check);
  EXPECT_EQ(instance.enis[0].subnet_id, "subnet-aaaaaaaa");
}

TEST(ScenarioTest, ReportsSyntaxErrorsWithTheLine) {
  auto scenario = parse_scenario("account_id = \"123456789012\"\nregion = \n", "broken.toml");
  ASSERT_FALSE(scenario.has_value());
  EXPECT_THAT(scenario.error().message, HasSubstr("broken.toml:2: not valid TOML"));
}

TEST(ScenarioTest, ReportsAMissingFile) {
  auto scenario = load_scenario("/nonexistent/world.toml");
  ASSERT_FALSE(scenario.has_value());
  EXPECT_THAT(scenario.error().message, HasSubstr("/nonexistent/world.toml: cannot read"));
}

TEST(ScenarioTest, RefusesUnknownKeys) {
  expect_problem(
      "[[subnet]]\nid = \"subnet-cccccccc\"\nvpc = \"vpc-11111111\"\ncidrr = \"10.0.0.128/26\"\n",
      {"subnet[2].cidrr", "is not a known key", "did you mean 'cidr'", "id, vpc, cidr, az and tags"});
  expect_problem("regoin = \"x\"\n", {"regoin: 'x' is not a known key"});
}

TEST(ScenarioTest, RefusesMissingRequiredKeys) {
  expect_problem("[[subnet]]\nid = \"subnet-cccccccc\"\nvpc = \"vpc-11111111\"\naz = \"us-east-1a\"\n",
                 {"subnet[2]", "missing required key 'cidr'", "subnet[2].cidr"});
}

TEST(ScenarioTest, RefusesWrongTypes) {
  expect_problem("[[route_table]]\nid = \"rtb-22222222\"\nvpc = \"vpc-11111111\"\nmain = \"yes\"\n",
                 {"route_table[1].main", "'yes' is a string; expected a boolean"});
  expect_problem("[[elastic_ip]]\nallocation_id = \"eipalloc-12345678\"\npublic_ip = 203\n",
                 {"elastic_ip[0].public_ip", "203 is an integer; expected a string"});
}

TEST(ScenarioTest, RefusesMalformedIds) {
  expect_problem("[[route_table]]\nid = \"rtb-nat-gw-a\"\nvpc = \"vpc-11111111\"\n",
                 {"route_table[1].id", "'rtb-nat-gw-a' is not a rtb id", "8 or 17 lower-case hex digits"});
  expect_problem("[[elastic_ip]]\nallocation_id = \"eipalloc-1234567\"\npublic_ip = \"203.0.113.1\"\n",
                 {"elastic_ip[0].allocation_id", "'eipalloc-1234567'"});
}

TEST(ScenarioTest, RefusesMalformedCidrs) {
  expect_problem(
      "[[subnet]]\nid = \"subnet-cccccccc\"\nvpc = \"vpc-11111111\"\ncidr = \"10.0.0.128/33\"\naz = "
      "\"us-east-1a\"\n",
      {"subnet[2].cidr", "'10.0.0.128/33' is not a CIDR block"});
  expect_problem(
      "[[subnet]]\nid = \"subnet-cccccccc\"\nvpc = \"vpc-11111111\"\ncidr = \"10.0.0.130/26\"\naz = "
      "\"us-east-1a\"\n",
      {"subnet[2].cidr", "not a network address (did you mean 10.0.0.128/26?)"});
}

TEST(ScenarioTest, RefusesASubnetOutsideItsVpc) {
  expect_problem(
      "[[subnet]]\nid = \"subnet-cccccccc\"\nvpc = \"vpc-11111111\"\ncidr = \"10.0.1.0/26\"\naz = "
      "\"us-east-1a\"\n",
      {"subnet[2].cidr", "10.0.1.0/26 is outside vpc 'vpc-11111111'", "10.0.0.0/24"});
}

TEST(ScenarioTest, RefusesOverlappingSubnets) {
  expect_problem(
      "[[subnet]]\nid = \"subnet-cccccccc\"\nvpc = \"vpc-11111111\"\ncidr = \"10.0.0.32/27\"\naz = "
      "\"us-east-1a\"\n",
      {"subnet[2].cidr", "overlaps subnet 'subnet-aaaaaaaa'"});
}

TEST(ScenarioTest, RefusesReferencesToUnknownIds) {
  expect_problem(
      "[[route_table]]\nid = \"rtb-22222222\"\nvpc = \"vpc-11111111\"\nassociations = "
      "[\"subnet-dddddddd\"]\n",
      {"route_table[1].associations", "unknown subnet 'subnet-dddddddd'"});
  expect_problem(
      "[[route_table]]\nid = \"rtb-22222222\"\nvpc = \"vpc-11111111\"\n[[route_table.route]]\n"
      "destination = \"192.168.1.1/32\"\nnetwork_interface_id = \"eni-99999999\"\n",
      {"route_table[1].route[0].network_interface_id", "unknown network interface 'eni-99999999'"});
}

TEST(ScenarioTest, RefusesDuplicateIds) {
  expect_problem(
      "[[subnet]]\nid = \"subnet-aaaaaaaa\"\nvpc = \"vpc-11111111\"\ncidr = \"10.0.0.128/26\"\naz = "
      "\"us-east-1a\"\n",
      {"subnet[2].id", "duplicate id 'subnet-aaaaaaaa'"});
}

TEST(ScenarioTest, RefusesTwoMainRouteTablesInOneVpc) {
  expect_problem("[[route_table]]\nid = \"rtb-22222222\"\nvpc = \"vpc-11111111\"\nmain = true\n",
                 {"route_table[1].main", "already has a main route table ('rtb-11111111')"});
}

TEST(ScenarioTest, RefusesRoutesEc2WouldRefuse) {
  expect_problem(
      "[[route_table]]\nid = \"rtb-22222222\"\nvpc = \"vpc-11111111\"\n[[route_table.route]]\n"
      "destination = \"10.0.0.254/32\"\nnetwork_interface_id = \"eni-11111111\"\n",
      {"route_table[1].route[0].destination", "EC2 would refuse", "doesn't match any subnet CIDR blocks"});
  expect_problem(
      "[[route_table]]\nid = \"rtb-22222222\"\nvpc = \"vpc-11111111\"\n[[route_table.route]]\n"
      "destination = \"169.254.169.254/32\"\nnetwork_interface_id = \"eni-11111111\"\n",
      {"route_table[1].route[0].destination", "169.254.168.0/22"});
}

TEST(ScenarioTest, RefusesBadInstancesAndInterfaces) {
  expect_problem(
      "[[instance]]\nid = \"i-22222222\"\nsubnet = \"subnet-bbbbbbbb\"\nstate = \"paused\"\n"
      "[[instance.eni]]\nid = \"eni-22222222\"\nmac = \"0e:00:00:00:00:02\"\nprivate_ips = [\"10.0.0.70\"]\n",
      {"instance[1].state", "'paused'", "\"running\" or \"stopped\""});
  expect_problem(
      "[[instance]]\nid = \"i-22222222\"\nsubnet = \"subnet-bbbbbbbb\"\n"
      "[[instance.eni]]\nid = \"eni-22222222\"\nmac = \"0e:00:00:00:00:02\"\nprivate_ips = [\"10.0.0.10\"]\n",
      {"instance[1].eni[0].private_ips", "outside subnet 'subnet-bbbbbbbb'"});
  expect_problem(
      "[[instance]]\nid = \"i-22222222\"\nsubnet = \"subnet-bbbbbbbb\"\n"
      "[[instance.eni]]\nid = \"eni-22222222\"\nmac = \"0E-00-00-00-00-02\"\nprivate_ips = [\"10.0.0.70\"]\n",
      {"instance[1].eni[0].mac", "not a MAC address"});
  expect_problem(
      "[[instance]]\nid = \"i-22222222\"\nsubnet = \"subnet-bbbbbbbb\"\n"
      "[[instance.eni]]\nid = \"eni-22222222\"\nmac = \"0e:00:00:00:00:02\"\nprivate_ips = [\"10.0.0.65\"]\n",
      {"instance[1].eni[0].private_ips", "reserved by AWS"});
  expect_problem(
      "[[instance]]\nid = \"i-22222222\"\nsubnet = \"subnet-bbbbbbbb\"\niam_role = \"nobody\"\n"
      "[[instance.eni]]\nid = \"eni-22222222\"\nmac = \"0e:00:00:00:00:02\"\nprivate_ips = [\"10.0.0.70\"]\n",
      {"instance[1].iam_role", "unknown role 'nobody'"});
}

TEST(ScenarioTest, RefusesBadCredentials) {
  expect_problem(
      "[[credential]]\naccess_key_id = \"akia-lower\"\nsecret_access_key = \"s\"\nallow = [\"ec2:*\"]\n",
      {"credential[0].access_key_id", "not an access key id"});
  expect_problem(
      "[[credential]]\naccess_key_id = \"AKIAAAAAAAAAAAAAAAAA\"\nsecret_access_key = \"s\"\n"
      "allow = [\"s3:GetObject\"]\n",
      {"credential[0].allow", "'s3:GetObject' is not an EC2 action pattern"});
}

TEST(ScenarioTest, RequiresAMainRouteTablePerVpc) {
  auto scenario = parse_scenario(
      "account_id = \"123456789012\"\nregion = \"us-east-1\"\n[[vpc]]\nid = \"vpc-11111111\"\ncidr = "
      "\"10.0.0.0/24\"\n",
      "bad.toml");
  ASSERT_FALSE(scenario.has_value());
  EXPECT_THAT(scenario.error().message, HasSubstr("bad.toml"));
  EXPECT_THAT(scenario.error().message, HasSubstr("vpc 'vpc-11111111' has no main route table"));
}

}  // namespace
}  // namespace cloudvip::sim
