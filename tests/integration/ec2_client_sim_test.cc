// Our Ec2Client, through CurlTransport, against a real cloudvip-sim: every typed call, the wire errors it
// must surface (code, HTTP status, request id), DryRun, pagination tokens, and retries under throttling and
// injected failures. The sim's state (/_sim/state) and call log (/_sim/calls) prove what changed and what
// was sent.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "aws/ec2_client.h"
#include "aws/ec2_xml.h"
#include "integration/in_process_sim.h"

namespace cloudvip::integration {
namespace {

class Ec2ClientSimTest : public ::testing::Test {
 protected:
  explicit Ec2ClientSimTest(std::string_view scenario = k_two_az) : m_sim(scenario) {}

  Ec2ClientOptions options(int max_attempts = 3) {
    Ec2ClientOptions out;
    out.endpoint_url = m_sim.url();
    out.region = "us-east-1";
    out.retry.max_attempts = max_attempts;
    out.uniform01 = [] { return 0.99; };  // the longest backoff: the fake clock moves, throttling refills
    return out;
  }

  // The error of a failed result; fails the test when it succeeded.
  template <class T>
  static Error error_of(const Result<T>& result) {
    EXPECT_FALSE(result) << "expected an error";
    return result ? Error{} : result.error();
  }

  static void expect_aws_error(const Error& error, const std::string& code, int status) {
    EXPECT_EQ(error.code, ErrorCode::aws) << error.to_string();
    EXPECT_EQ(error.aws_code, code) << error.to_string();
    EXPECT_EQ(error.http_status, status) << error.to_string();
    EXPECT_FALSE(error.request_id.empty()) << error.to_string();
  }

  // How many EC2 calls of `action` the sim answered, and with which error codes ("" for success).
  std::vector<std::string> outcomes(const std::string& action) {
    std::vector<std::string> out;
    for (const nlohmann::json& call : m_sim.calls("ec2")) {
      if (call["action"] == action) {
        out.push_back(call["error_code"].get<std::string>());
      }
    }
    return out;
  }

  InProcessSim m_sim;
  // After the sim: destroyed first, closing its connections before the server stops.
  MapEnvironment m_env;
  CurlTransport m_transport{m_env};
  NullLogger m_logger;
  StaticCredentialsProvider m_admin{admin_keys()};
  Ec2Client m_ec2{m_transport, m_admin, m_sim.clock(), options(), m_logger};
};

TEST_F(Ec2ClientSimTest, DescribeRouteTablesReadsTablesRoutesAssociationsAndTags) {
  auto tables = m_ec2.describe_route_tables({k_rtb_main, k_rtb_a, k_rtb_b});
  ASSERT_TRUE(tables) << tables.error().to_string();
  ASSERT_EQ(tables->size(), 3u);
  std::map<std::string, RouteTable> by_id;
  for (const RouteTable& table : *tables) {
    by_id[table.id] = table;
  }
  const RouteTable& a = by_id.at(k_rtb_a);
  EXPECT_EQ(a.vpc_id, k_vpc);
  EXPECT_EQ(a.owner_id, "123456789012");
  ASSERT_EQ(a.routes.size(), 1u);
  EXPECT_EQ(a.routes[0].destination_cidr, "10.109.10.0/24");
  EXPECT_EQ(a.routes[0].gateway_id, "local");
  EXPECT_EQ(a.routes[0].state, "active");
  EXPECT_EQ(a.routes[0].origin, "CreateRouteTable");
  ASSERT_EQ(a.associations.size(), 1u);
  EXPECT_EQ(a.associations[0].subnet_id, k_subnet_a);
  EXPECT_FALSE(a.associations[0].main);
  EXPECT_EQ(find_tag(a.tags, "Name"), "private-a");
  ASSERT_EQ(by_id.at(k_rtb_main).associations.size(), 1u);
  EXPECT_TRUE(by_id.at(k_rtb_main).associations[0].main);
}

TEST_F(Ec2ClientSimTest, FiltersAreAndedAcrossNamesAndOredWithinValues) {
  auto ids = [&](const std::vector<Filter>& filters) {
    std::vector<std::string> out;
    auto tables = m_ec2.describe_route_tables({}, filters);
    EXPECT_TRUE(tables) << tables.error().to_string();
    for (const RouteTable& table : tables.value_or(std::vector<RouteTable>{})) {
      out.push_back(table.id);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids({{"vpc-id", {k_vpc}}, {"association.subnet-id", {k_subnet_a}}}), V({k_rtb_a}));
  EXPECT_EQ(ids({{"association.subnet-id", {k_subnet_a, k_subnet_b}}}), V({k_rtb_a, k_rtb_b}));
  EXPECT_EQ(ids({{"tag:Name", {"main", "private-b"}}}), V({k_rtb_main, k_rtb_b}));
  EXPECT_EQ(ids({{"vpc-id", {k_vpc}}, {"tag:Name", {"no-such-table"}}}), V());
}

TEST_F(Ec2ClientSimTest, DescribeInstancesReadsStatePlacementAndInterfaces) {
  auto instances = m_ec2.describe_instances({}, {{"tag:Name", {"db-a"}}});
  ASSERT_TRUE(instances) << instances.error().to_string();
  ASSERT_EQ(instances->size(), 1u);
  const Instance& a = instances->front();
  EXPECT_EQ(a.id, k_instance_a);
  EXPECT_EQ(a.state, "running");
  EXPECT_EQ(a.state_code, 16);
  EXPECT_EQ(a.vpc_id, k_vpc);
  EXPECT_EQ(a.subnet_id, k_subnet_a);
  EXPECT_EQ(a.availability_zone, "us-east-1a");
  EXPECT_EQ(a.private_ip, "10.109.10.10");
  EXPECT_FALSE(a.source_dest_check);
  ASSERT_EQ(a.network_interfaces.size(), 1u);
  EXPECT_EQ(a.network_interfaces[0].id, k_eni_a);
  EXPECT_EQ(a.network_interfaces[0].mac_address, k_mac_a);
}

TEST_F(Ec2ClientSimTest, DescribeNetworkInterfacesReadsAttachmentAndAddresses) {
  auto enis = m_ec2.describe_network_interfaces({}, {{"attachment.instance-id", {k_instance_b}}});
  ASSERT_TRUE(enis) << enis.error().to_string();
  ASSERT_EQ(enis->size(), 1u);
  const NetworkInterface& b = enis->front();
  EXPECT_EQ(b.id, k_eni_b);
  EXPECT_EQ(b.subnet_id, k_subnet_b);
  EXPECT_EQ(b.availability_zone, "us-east-1b");
  EXPECT_EQ(b.private_ip, "10.109.10.74");
  ASSERT_EQ(b.private_ips.size(), 1u);
  EXPECT_TRUE(b.private_ips[0].primary);
  EXPECT_EQ(b.status, "in-use");
  ASSERT_TRUE(b.attachment);
  EXPECT_EQ(b.attachment->instance_id, k_instance_b);
  EXPECT_EQ(b.attachment->device_index, 0);
  EXPECT_FALSE(b.source_dest_check);
}

TEST_F(Ec2ClientSimTest, DescribeSubnetsVpcsAndAddresses) {
  auto subnets = m_ec2.describe_subnets({}, {{"vpc-id", {k_vpc}}, {"tag:Name", {"vip"}}});
  ASSERT_TRUE(subnets) << subnets.error().to_string();
  ASSERT_EQ(subnets->size(), 1u);
  EXPECT_EQ(subnets->front().id, k_subnet_vip);
  EXPECT_EQ(subnets->front().cidr_block, "10.109.10.224/27");
  EXPECT_EQ(subnets->front().availability_zone, "us-east-1c");

  auto vpcs = m_ec2.describe_vpcs({k_vpc});
  ASSERT_TRUE(vpcs) << vpcs.error().to_string();
  ASSERT_EQ(vpcs->size(), 1u);
  EXPECT_EQ(vpcs->front().cidr_blocks(), std::vector<std::string>{"10.109.10.0/24"});

  auto addresses = m_ec2.describe_addresses({k_eip});
  ASSERT_TRUE(addresses) << addresses.error().to_string();
  ASSERT_EQ(addresses->size(), 1u);
  EXPECT_EQ(addresses->front().public_ip, "203.0.113.10");
  EXPECT_EQ(addresses->front().domain, "vpc");
  EXPECT_TRUE(addresses->front().association_id.empty());
}

TEST_F(Ec2ClientSimTest, NotFoundIdsAreAwsErrors) {
  expect_aws_error(error_of(m_ec2.describe_route_tables({"rtb-0123456789abcdef0"})),
                   "InvalidRouteTableID.NotFound", 400);
  expect_aws_error(error_of(m_ec2.describe_instances({"i-0123456789abcdef0"})), "InvalidInstanceID.NotFound",
                   400);
  expect_aws_error(error_of(m_ec2.describe_network_interfaces({"eni-0123456789abcdef0"})),
                   "InvalidNetworkInterfaceID.NotFound", 400);
}

TEST_F(Ec2ClientSimTest, CreateReplaceDeleteRouteChangeOnlyThatTable) {
  RouteRequest route{k_rtb_a, k_overlay_vip, k_eni_a, "", false};
  auto created = m_ec2.create_route(route);
  ASSERT_TRUE(created) << created.error().to_string();
  EXPECT_EQ(*created, Outcome::done);
  EXPECT_EQ(m_sim.routes(k_rtb_a)[k_overlay_vip], k_eni_a);

  auto tables = m_ec2.describe_route_tables({k_rtb_a});
  ASSERT_TRUE(tables) << tables.error().to_string();
  auto it = std::find_if(tables->front().routes.begin(), tables->front().routes.end(),
                         [](const Route& r) { return r.destination_cidr == k_overlay_vip; });
  ASSERT_NE(it, tables->front().routes.end());
  EXPECT_EQ(it->network_interface_id, k_eni_a);
  EXPECT_EQ(it->instance_id, k_instance_a);
  EXPECT_EQ(it->origin, "CreateRoute");

  route.network_interface_id = k_eni_b;
  ASSERT_TRUE(m_ec2.replace_route(route));
  EXPECT_EQ(m_sim.routes(k_rtb_a)[k_overlay_vip], k_eni_b);
  ASSERT_TRUE(m_ec2.delete_route(k_rtb_a, k_overlay_vip));
  EXPECT_FALSE(m_sim.routes(k_rtb_a).contains(k_overlay_vip));
  EXPECT_EQ(m_sim.routes(k_rtb_main).size(), 1u);
  EXPECT_EQ(m_sim.routes(k_rtb_b).size(), 1u);
  EXPECT_EQ(outcomes("CreateRoute"), std::vector<std::string>{""});
}

TEST_F(Ec2ClientSimTest, RouteErrorsCarryEc2CodesAndChangeNothing) {
  RouteRequest route{k_rtb_a, k_overlay_vip, k_eni_a, "", false};
  ASSERT_TRUE(m_ec2.create_route(route));
  nlohmann::json before = m_sim.state();

  expect_aws_error(error_of(m_ec2.create_route(route)), "RouteAlreadyExists", 400);
  expect_aws_error(error_of(m_ec2.delete_route(k_rtb_a, "192.168.77.0/24")), "InvalidRoute.NotFound", 400);
  expect_aws_error(error_of(m_ec2.replace_route({k_rtb_a, "192.168.77.0/24", k_eni_a, "", false})),
                   "InvalidParameterValue", 400);
  expect_aws_error(error_of(m_ec2.create_route({"rtb-0123456789abcdef0", k_overlay_vip, k_eni_a, "", false})),
                   "InvalidRouteTableID.NotFound", 400);
  // In the VPC only a subnet's exact CIDR may go to an ENI; 169.254.168.0/22 is reserved.
  expect_aws_error(error_of(m_ec2.create_route({k_rtb_a, "10.109.10.254/32", k_eni_a, "", false})),
                   "InvalidParameterValue", 400);
  expect_aws_error(error_of(m_ec2.create_route({k_rtb_a, "169.254.168.0/22", k_eni_a, "", false})),
                   "InvalidParameterValue", 400);
  // Client errors are not retried: one attempt each.
  EXPECT_EQ(outcomes("CreateRoute"),
            (std::vector<std::string>{"", "RouteAlreadyExists", "InvalidRouteTableID.NotFound",
                                      "InvalidParameterValue", "InvalidParameterValue"}));
  EXPECT_EQ(m_sim.state(), before);
}

TEST_F(Ec2ClientSimTest, MissingParameterAndUnknownActionThroughTheRawCall) {
  QueryParams params;
  params.add("DestinationCidrBlock", k_overlay_vip);
  params.add("NetworkInterfaceId", k_eni_a);
  expect_aws_error(error_of(m_ec2.call("CreateRoute", params)), "MissingParameter", 400);
  expect_aws_error(error_of(m_ec2.call("LaunchTheMissiles", {})), "InvalidAction", 400);
}

TEST_F(Ec2ClientSimTest, DestinationIsCanonicalised) {
  ASSERT_TRUE(m_ec2.create_route({k_rtb_main, "10.109.10.254/27", k_eni_a, "", false}));
  EXPECT_EQ(m_sim.routes(k_rtb_main)["10.109.10.224/27"], k_eni_a);
  // The same subnet written differently is the same route.
  expect_aws_error(error_of(m_ec2.create_route({k_rtb_main, "10.109.10.230/27", k_eni_b, "", false})),
                   "RouteAlreadyExists", 400);
}

TEST_F(Ec2ClientSimTest, DryRunIsAllowedOrUnauthorizedAndChangesNothing) {
  nlohmann::json before = m_sim.state();
  RouteRequest route{k_rtb_a, k_overlay_vip, k_eni_a, "", true};
  auto created = m_ec2.create_route(route);
  ASSERT_TRUE(created) << created.error().to_string();
  EXPECT_EQ(*created, Outcome::dry_run_allowed);
  auto check = m_ec2.modify_network_interface_attribute_source_dest_check(k_eni_a, true, true);
  ASSERT_TRUE(check) << check.error().to_string();
  EXPECT_EQ(*check, Outcome::dry_run_allowed);
  auto associated = m_ec2.associate_address({k_eip, k_eni_a, "", "", true, true});
  ASSERT_TRUE(associated) << associated.error().to_string();
  EXPECT_EQ(associated->outcome, Outcome::dry_run_allowed);
  EXPECT_TRUE(associated->association_id.empty());

  StaticCredentialsProvider readonly(readonly_keys());
  Ec2Client reader(m_transport, readonly, m_sim.clock(), options(), m_logger);
  expect_aws_error(error_of(reader.create_route(route)), "UnauthorizedOperation", 403);
  EXPECT_EQ(m_sim.state(), before);
  EXPECT_EQ(outcomes("CreateRoute"), (std::vector<std::string>{"DryRunOperation", "UnauthorizedOperation"}));
}

TEST_F(Ec2ClientSimTest, BadSignaturesAndUnknownKeysAreAuthErrorsNotRetried) {
  StaticCredentialsProvider wrong_secret(
      Credentials{admin_keys().access_key_id, "not-the-secret", "", std::nullopt, "test"});
  Ec2Client wrong(m_transport, wrong_secret, m_sim.clock(), options(), m_logger);
  expect_aws_error(error_of(wrong.describe_vpcs({})), "SignatureDoesNotMatch", 403);

  StaticCredentialsProvider unknown_key(
      Credentials{"AKIAUNKNOWNKEY000001", "whatever", "", std::nullopt, "t"});
  Ec2Client unknown(m_transport, unknown_key, m_sim.clock(), options(), m_logger);
  expect_aws_error(error_of(unknown.describe_vpcs({})), "AuthFailure", 401);
  // One attempt each. (The sim logs a call it cannot authenticate without its action.)
  std::vector<std::string> codes;
  for (const nlohmann::json& call : m_sim.calls("ec2")) {
    codes.push_back(call["error_code"].get<std::string>());
  }
  EXPECT_EQ(codes, (std::vector<std::string>{"SignatureDoesNotMatch", "AuthFailure"}));
}

TEST_F(Ec2ClientSimTest, SourceDestCheckOnTheInterfaceAndTheInstance) {
  ASSERT_TRUE(m_ec2.modify_network_interface_attribute_source_dest_check(k_eni_a, true));
  EXPECT_EQ(m_sim.find("network_interfaces", "id", k_eni_a)["source_dest_check"], true);
  EXPECT_EQ(m_sim.find("network_interfaces", "id", k_eni_b)["source_dest_check"], false);

  // ModifyInstanceAttribute has no typed call: the raw call with botocore's wire form.
  QueryParams params;
  params.add("InstanceId", k_instance_b);
  params.add_bool("SourceDestCheck.Value", true);
  auto modified = m_ec2.call("ModifyInstanceAttribute", params);
  ASSERT_TRUE(modified) << modified.error().to_string();
  EXPECT_TRUE(parse_return(*modified));
  EXPECT_EQ(m_sim.find("network_interfaces", "id", k_eni_b)["source_dest_check"], true);
}

TEST_F(Ec2ClientSimTest, ElasticIpAssociateRefuseReassociationDisassociate) {
  auto associated = m_ec2.associate_address({k_eip, k_eni_a, "", "", true, false});
  ASSERT_TRUE(associated) << associated.error().to_string();
  EXPECT_EQ(associated->outcome, Outcome::done);
  EXPECT_TRUE(associated->association_id.starts_with("eipassoc-")) << associated->association_id;
  auto addresses = m_ec2.describe_addresses({k_eip});
  ASSERT_TRUE(addresses) << addresses.error().to_string();
  EXPECT_EQ(addresses->front().association_id, associated->association_id);
  EXPECT_EQ(addresses->front().network_interface_id, k_eni_a);
  EXPECT_EQ(addresses->front().private_ip, "10.109.10.10");

  expect_aws_error(error_of(m_ec2.associate_address({k_eip, k_eni_b, "", "", false, false})),
                   "Resource.AlreadyAssociated", 400);
  EXPECT_EQ(m_sim.find("addresses", "allocation_id", k_eip)["network_interface_id"], k_eni_a);

  QueryParams params;
  params.add("AssociationId", associated->association_id);
  ASSERT_TRUE(m_ec2.call("DisassociateAddress", params));
  EXPECT_EQ(m_sim.find("addresses", "allocation_id", k_eip)["association_id"], "");
}

TEST_F(Ec2ClientSimTest, SecondaryPrivateIpAssignAndUnassign) {
  auto assigned = m_ec2.assign_private_ip_addresses(k_eni_a, {"10.109.10.20"}, true);
  ASSERT_TRUE(assigned) << assigned.error().to_string();
  EXPECT_EQ(*assigned, std::vector<std::string>{"10.109.10.20"});
  EXPECT_EQ(m_sim.find("network_interfaces", "id", k_eni_a)["private_ips"],
            nlohmann::json({"10.109.10.10", "10.109.10.20"}));
  expect_aws_error(error_of(m_ec2.assign_private_ip_addresses(k_eni_b, {"10.109.10.20"}, false)),
                   "InvalidParameterValue", 400);
  ASSERT_TRUE(m_ec2.unassign_private_ip_addresses(k_eni_a, {"10.109.10.20"}));
  EXPECT_EQ(m_sim.find("network_interfaces", "id", k_eni_a)["private_ips"], nlohmann::json({"10.109.10.10"}));
}

TEST_F(Ec2ClientSimTest, ThrottledBurstIsRetriedUntilEveryCallLands) {
  // CreateRoute's bucket holds 50 tokens and refills 5 a second (aws-protocol.md 3.2): 57 at once overflow
  // it.
  std::vector<Ec2Call> calls;
  for (int i = 1; i <= 57; ++i) {
    auto call = create_route_call({k_rtb_a, "192.168.200." + std::to_string(i) + "/32", k_eni_a, "", false});
    ASSERT_TRUE(call) << call.error().to_string();
    calls.push_back(*call);
  }
  Ec2Client client(m_transport, m_admin, m_sim.clock(), options(5), m_logger);
  auto results = client.call_all(calls);
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_TRUE(results[i]) << i << ": " << results[i].error().to_string();
  }
  EXPECT_EQ(m_sim.routes(k_rtb_a).size(), 58u);  // the local route and 57 more
  std::vector<std::string> codes = outcomes("CreateRoute");
  EXPECT_EQ(std::count(codes.begin(), codes.end(), ""), 57);
  EXPECT_GE(std::count(codes.begin(), codes.end(), "RequestLimitExceeded"), 7);
  for (const nlohmann::json& call : m_sim.calls("ec2")) {
    if (call["error_code"] == "RequestLimitExceeded") {
      EXPECT_EQ(call["status"], 503);
    }
  }
  EXPECT_GT(m_sim.clock().total_slept(), Millis(0));
}

TEST_F(Ec2ClientSimTest, InjectedServerErrorsAreRetriedAndConverge) {
  ASSERT_TRUE(m_ec2.create_route({k_rtb_a, k_overlay_vip, k_eni_a, "", false}));
  nlohmann::json faults = m_sim.admin(
      "POST", "/_sim/faults",
      R"({"fail_next": [{"action": "ReplaceRoute", "count": 2, "code": "InternalError", "status": 500}]})");
  ASSERT_TRUE(faults.is_object()) << faults;
  auto replaced = m_ec2.replace_route({k_rtb_a, k_overlay_vip, k_eni_b, "", false});
  ASSERT_TRUE(replaced) << replaced.error().to_string();
  EXPECT_EQ(m_sim.routes(k_rtb_a)[k_overlay_vip], k_eni_b);
  EXPECT_EQ(outcomes("ReplaceRoute"), (std::vector<std::string>{"InternalError", "InternalError", ""}));
}

TEST_F(Ec2ClientSimTest, InjectedErrorsBeyondTheAttemptsAreReturned) {
  m_sim.admin(
      "POST", "/_sim/faults",
      R"({"fail_next": [{"action": "DescribeVpcs", "count": 5, "code": "Unavailable", "status": 503}]})");
  expect_aws_error(error_of(m_ec2.describe_vpcs({})), "Unavailable", 503);
  EXPECT_EQ(outcomes("DescribeVpcs").size(), 3u);  // max_attempts
}

class Ec2ClientPagingTest : public Ec2ClientSimTest {
 protected:
  Ec2ClientPagingTest() : Ec2ClientSimTest(k_paging) {}
};

TEST_F(Ec2ClientPagingTest, NextTokensRoundTripUntilTheLastPage) {
  std::vector<std::string> ids;
  std::vector<size_t> sizes;
  std::string token;
  for (int page = 0; page < 10; ++page) {  // bounded: 12 tables in pages of 5
    QueryParams params;
    params.add("MaxResults", "5");
    if (!token.empty()) {
      params.add("NextToken", token);
    }
    auto response = m_ec2.call("DescribeRouteTables", params);
    ASSERT_TRUE(response) << response.error().to_string();
    auto parsed = parse_describe_route_tables(*response);
    ASSERT_TRUE(parsed) << parsed.error().to_string();
    sizes.push_back(parsed->items.size());
    for (const RouteTable& table : parsed->items) {
      ids.push_back(table.id);
    }
    token = parsed->next_token;
    if (token.empty()) {
      break;
    }
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{5, 5, 2}));
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::unique(ids.begin(), ids.end()), ids.end());
  EXPECT_EQ(ids.size(), 12u);
}

TEST_F(Ec2ClientPagingTest, TypedDescribeReturnsEveryItem) {
  auto tables = m_ec2.describe_route_tables({}, {{"tag:Side", {"odd"}}});
  ASSERT_TRUE(tables) << tables.error().to_string();
  EXPECT_EQ(tables->size(), 6u);
  auto all = m_ec2.describe_route_tables({});
  ASSERT_TRUE(all) << all.error().to_string();
  EXPECT_EQ(all->size(), 12u);
}

}  // namespace
}  // namespace cloudvip::integration
