// AwsCloud's writes (routes, Elastic IP, source/dest check, private IP) against a real scripted EC2 endpoint:
// see aws_cloud_test_harness.h.
#include <gtest/gtest.h>

#include <condition_variable>
#include <set>

#include "vip/aws_cloud.h"
#include "vip/aws_cloud_test_harness.h"

namespace cloudvip {
namespace {

using aws_cloud_test::Answer;
using aws_cloud_test::error_document;
using aws_cloud_test::Harness;
using aws_cloud_test::success;

const Cidr k_vip = *Cidr::parse("192.168.100.10/32");

std::vector<RouteChange> changes(int n, bool exists = true) {
  std::vector<RouteChange> out;
  for (int i = 1; i <= n; ++i) {
    out.push_back(RouteChange{"rtb-" + std::to_string(i), k_vip, "eni-0aaa", exists});
  }
  return out;
}

Answer ok(const QueryParams& p) {
  return Answer{200, success(p.get("Action").value_or(""))};
}

std::string action_and_table(const QueryParams& p) {
  return p.get("Action").value_or("") + " " + p.get("RouteTableId").value_or("");
}

TEST(AwsCloudPointRoutesTest, AllReplacesGoOutInOneConcurrentRound) {
  constexpr int k_n = 4;
  Harness h;
  std::mutex mutex;
  std::condition_variable all_in;
  int in_flight = 0;
  int max_in_flight = 0;
  h.on("ReplaceRoute", [&](const QueryParams& p) {
    std::unique_lock lock(mutex);
    max_in_flight = std::max(max_in_flight, ++in_flight);
    all_in.notify_all();
    // Bounded: serial calls would never reach k_n in flight, the wait times out, and the assertion fails.
    all_in.wait_for(lock, std::chrono::seconds(5), [&] { return max_in_flight == k_n; });
    --in_flight;
    return ok(p);
  });
  std::vector<Result<Applied>> results = h.cloud().point_routes(changes(k_n), false);
  {
    // The handlers ran on the server's threads; the answers' sockets order them before this, but only the
    // mutex says so to TSan.
    std::lock_guard lock(mutex);
    EXPECT_EQ(max_in_flight, k_n);
  }
  ASSERT_EQ(results.size(), static_cast<size_t>(k_n));
  for (const auto& r : results) {
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_EQ(*r, Applied::changed);
  }
  std::set<std::string> tables;
  for (const QueryParams& p : h.ec2_requests()) {
    EXPECT_EQ(p.get("Action"), "ReplaceRoute");
    EXPECT_EQ(p.get("DestinationCidrBlock"), "192.168.100.10/32");
    EXPECT_EQ(p.get("NetworkInterfaceId"), "eni-0aaa");
    EXPECT_FALSE(p.get("DryRun").has_value());
    tables.insert(*p.get("RouteTableId"));
  }
  EXPECT_EQ(tables, (std::set<std::string>{"rtb-1", "rtb-2", "rtb-3", "rtb-4"}));
}

TEST(AwsCloudPointRoutesTest, MissingRouteIsCreatedInASecondRound) {
  Harness h;
  h.on("ReplaceRoute", [](const QueryParams& p) {
    std::string table = p.get("RouteTableId").value_or("");
    if (table == "rtb-2") {
      return Answer{400,
                    error_document("InvalidParameterValue",
                                   "There is no route defined for '192.168.100.10/32' in the route table. "
                                   "Use CreateRoute instead.",
                                   "req-r2")};
    }
    if (table == "rtb-3") {
      return Answer{
          400, error_document("InvalidRoute.NotFound", "no route with destination-cidr-block", "req-r3")};
    }
    return ok(p);
  });
  h.on("CreateRoute", ok);
  std::vector<Result<Applied>> results = h.cloud().point_routes(changes(3), false);
  for (const auto& r : results) {
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
  }
  std::vector<QueryParams> requests = h.ec2_requests();
  ASSERT_EQ(requests.size(), 5u);
  std::set<std::string> first_round;
  for (size_t i = 0; i < 3; ++i) {
    first_round.insert(action_and_table(requests[i]));
  }
  EXPECT_EQ(first_round,
            (std::set<std::string>{"ReplaceRoute rtb-1", "ReplaceRoute rtb-2", "ReplaceRoute rtb-3"}));
  std::set<std::string> second_round{action_and_table(requests[3]), action_and_table(requests[4])};
  EXPECT_EQ(second_round, (std::set<std::string>{"CreateRoute rtb-2", "CreateRoute rtb-3"}));
  EXPECT_EQ(requests[3].get("NetworkInterfaceId"), "eni-0aaa");
}

TEST(AwsCloudPointRoutesTest, CreateThatFindsARouteReplacesIt) {
  Harness h;
  h.on("CreateRoute", [](const QueryParams&) {
    return Answer{400, error_document("RouteAlreadyExists",
                                      "The route identified by 192.168.100.10/32 already exists.", "req-c")};
  });
  h.on("ReplaceRoute", ok);
  std::vector<Result<Applied>> results = h.cloud().point_routes(changes(1, false), false);
  ASSERT_TRUE(results[0].has_value()) << results[0].error().to_string();
  std::vector<QueryParams> requests = h.ec2_requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(action_and_table(requests[0]), "CreateRoute rtb-1");
  EXPECT_EQ(action_and_table(requests[1]), "ReplaceRoute rtb-1");
  for (const QueryParams& p : requests) {
    EXPECT_NE(p.get("Action"), "DeleteRoute");
  }
}

TEST(AwsCloudPointRoutesTest, ErrorsKeepTheAwsFieldsAndNameTheRouteInInputOrder) {
  Harness h;
  h.on("ReplaceRoute", [](const QueryParams& p) {
    if (p.get("RouteTableId") == "rtb-1") {
      return Answer{403, error_document("UnauthorizedOperation",
                                        "You are not authorized to perform this operation.", "req-403")};
    }
    return ok(p);
  });
  std::vector<Result<Applied>> results = h.cloud().point_routes(changes(2), false);
  ASSERT_EQ(results.size(), 2u);
  ASSERT_FALSE(results[0].has_value());
  EXPECT_TRUE(results[1].has_value());
  const Error& e = results[0].error();
  EXPECT_EQ(e.aws_code, "UnauthorizedOperation");
  EXPECT_EQ(e.request_id, "req-403");
  EXPECT_EQ(e.http_status, 403);
  EXPECT_NE(e.message.find("192.168.100.10/32 in rtb-1 -> eni-0aaa"), std::string::npos) << e.to_string();
  EXPECT_EQ(h.ec2().request_count(), 2u);  // no second round for an error that is not "missing"
}

TEST(AwsCloudPointRoutesTest, DryRunSendsDryRunAndReportsAllowed) {
  Harness h;
  h.on("ReplaceRoute", [](const QueryParams&) {
    return Answer{412, error_document("DryRunOperation",
                                      "Request would have succeeded, but DryRun flag is set.", "req-dry")};
  });
  std::vector<Result<Applied>> results = h.cloud().point_routes(changes(2), true);
  for (const auto& r : results) {
    ASSERT_TRUE(r.has_value()) << r.error().to_string();
    EXPECT_EQ(*r, Applied::dry_run_allowed);
  }
  for (const QueryParams& p : h.ec2_requests()) {
    EXPECT_EQ(p.get("DryRun"), "true");
  }
  EXPECT_EQ(h.ec2().request_count(), 2u);
}

TEST(AwsCloudPointRoutesTest, SendsTheDestinationInCanonicalForm) {
  Harness h;
  h.on("ReplaceRoute", ok);
  RouteChange change{"rtb-1", *Cidr::parse("10.109.10.254/27"), "eni-0aaa", true};
  ASSERT_TRUE(h.cloud().point_routes({change}, false)[0].has_value());
  EXPECT_EQ(h.ec2_requests()[0].get("DestinationCidrBlock"), "10.109.10.224/27");
}

TEST(AwsCloudDeleteRoutesTest, AlreadyGoneCountsAsDone) {
  Harness h;
  h.on("DeleteRoute", [](const QueryParams& p) {
    if (p.get("RouteTableId") == "rtb-2") {
      return Answer{400,
                    error_document("InvalidRoute.NotFound", "no route with destination-cidr-block", "req-d")};
    }
    if (p.get("RouteTableId") == "rtb-3") {
      return Answer{400, error_document("InvalidRouteTableID.NotFound",
                                        "The routeTable ID 'rtb-3' does not exist", "req-e")};
    }
    return ok(p);
  });
  std::vector<Result<Applied>> results = h.cloud().delete_routes(changes(3), false);
  ASSERT_EQ(results.size(), 3u);
  ASSERT_TRUE(results[0].has_value());
  EXPECT_EQ(*results[0], Applied::changed);
  ASSERT_TRUE(results[1].has_value()) << results[1].error().to_string();
  EXPECT_EQ(*results[1], Applied::changed);
  ASSERT_FALSE(results[2].has_value());
  EXPECT_EQ(results[2].error().aws_code, "InvalidRouteTableID.NotFound");
  EXPECT_NE(h.logger().text().find("in rtb-2 was already gone"), std::string::npos) << h.logger().text();
  EXPECT_EQ(h.ec2().request_count(), 3u);
}

TEST(AwsCloudElasticIpTest, ReadsTheAddressByAllocationId) {
  Harness h;
  h.on("DescribeAddresses", [](const QueryParams&) {
    return Answer{200,
                  success("DescribeAddresses",
                          "<addressesSet><item><publicIp>203.0.113.7</publicIp><allocationId>eipalloc-1"
                          "</allocationId><domain>vpc</domain><associationId>eipassoc-9</associationId>"
                          "<networkInterfaceId>eni-0bbb</networkInterfaceId><instanceId>i-0def</instanceId>"
                          "<privateIpAddress>10.0.2.20</privateIpAddress></item></addressesSet>")};
  });
  Result<ElasticIpView> eip = h.cloud().elastic_ip("eipalloc-1");
  ASSERT_TRUE(eip.has_value()) << eip.error().to_string();
  EXPECT_EQ(eip->public_ip, "203.0.113.7");
  EXPECT_EQ(eip->association_id, "eipassoc-9");
  EXPECT_EQ(eip->network_interface_id, "eni-0bbb");
  EXPECT_EQ(eip->instance_id, "i-0def");
  EXPECT_EQ(eip->private_ip, "10.0.2.20");
  EXPECT_EQ(h.ec2_requests()[0].get("AllocationId.1"), "eipalloc-1");
}

TEST(AwsCloudElasticIpTest, AssociateSendsReassociationInterfaceAndPrivateIp) {
  Harness h;
  h.on("AssociateAddress", [](const QueryParams&) {
    return Answer{
        200, success("AssociateAddress", "<return>true</return><associationId>eipassoc-2</associationId>")};
  });
  Result<Applied> applied = h.cloud().associate_elastic_ip("eipalloc-1", "eni-0aaa", "10.0.1.50", false);
  ASSERT_TRUE(applied.has_value()) << applied.error().to_string();
  EXPECT_EQ(*applied, Applied::changed);
  QueryParams p = h.ec2_requests().at(0);
  EXPECT_EQ(p.get("AllocationId"), "eipalloc-1");
  EXPECT_EQ(p.get("NetworkInterfaceId"), "eni-0aaa");
  EXPECT_EQ(p.get("PrivateIpAddress"), "10.0.1.50");
  EXPECT_EQ(p.get("AllowReassociation"), "true");
  EXPECT_FALSE(p.get("InstanceId").has_value());
  EXPECT_FALSE(p.get("DryRun").has_value());
}

TEST(AwsCloudElasticIpTest, AssociateWithoutPrivateIpOmitsItAndDryRunIsAllowed) {
  Harness h;
  h.on("AssociateAddress", [](const QueryParams&) {
    return Answer{
        412, error_document("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", "r")};
  });
  Result<Applied> applied = h.cloud().associate_elastic_ip("eipalloc-1", "eni-0aaa", "", true);
  ASSERT_TRUE(applied.has_value()) << applied.error().to_string();
  EXPECT_EQ(*applied, Applied::dry_run_allowed);
  QueryParams p = h.ec2_requests().at(0);
  EXPECT_FALSE(p.get("PrivateIpAddress").has_value());
  EXPECT_EQ(p.get("DryRun"), "true");
}

TEST(AwsCloudSourceDestCheckTest, ReadsAndTurnsItOff) {
  Harness h;
  h.on("DescribeNetworkInterfaces", [](const QueryParams&) {
    return Answer{200, success("DescribeNetworkInterfaces",
                               "<networkInterfaceSet><item><networkInterfaceId>eni-0aaa</networkInterfaceId>"
                               "<sourceDestCheck>true</sourceDestCheck></item></networkInterfaceSet>")};
  });
  h.on("ModifyNetworkInterfaceAttribute", ok);
  Result<bool> check = h.cloud().source_dest_check("eni-0aaa");
  ASSERT_TRUE(check.has_value()) << check.error().to_string();
  EXPECT_TRUE(*check);
  Result<Applied> applied = h.cloud().set_source_dest_check("eni-0aaa", false, false);
  ASSERT_TRUE(applied.has_value()) << applied.error().to_string();
  std::vector<QueryParams> requests = h.ec2_requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].get("NetworkInterfaceId.1"), "eni-0aaa");
  EXPECT_EQ(requests[1].get("NetworkInterfaceId"), "eni-0aaa");
  EXPECT_EQ(requests[1].get("SourceDestCheck.Value"), "false");
}

TEST(AwsCloudAssignPrivateIpTest, MovesWithReassignmentAndRefusesDryRunWithoutACall) {
  Harness h;
  h.on("AssignPrivateIpAddresses", [](const QueryParams&) {
    return Answer{
        200,
        success("AssignPrivateIpAddresses",
                "<networkInterfaceId>eni-0aaa</networkInterfaceId><assignedPrivateIpAddressesSet><item>"
                "<privateIpAddress>10.0.1.50</privateIpAddress></item></assignedPrivateIpAddressesSet>")};
  });
  Ipv4Address ip = *Ipv4Address::parse("10.0.1.50");
  Result<Applied> dry = h.cloud().assign_private_ip("eni-0aaa", ip, true);
  ASSERT_FALSE(dry.has_value());
  EXPECT_EQ(dry.error().code, ErrorCode::unavailable);
  EXPECT_NE(dry.error().message.find("no DryRun"), std::string::npos);
  EXPECT_EQ(h.ec2().request_count(), 0u);

  Result<Applied> applied = h.cloud().assign_private_ip("eni-0aaa", ip, false);
  ASSERT_TRUE(applied.has_value()) << applied.error().to_string();
  QueryParams p = h.ec2_requests().at(0);
  EXPECT_EQ(p.get("NetworkInterfaceId"), "eni-0aaa");
  EXPECT_EQ(p.get("PrivateIpAddress.1"), "10.0.1.50");
  EXPECT_EQ(p.get("AllowReassignment"), "true");
  EXPECT_FALSE(p.get("DryRun").has_value());
}

}  // namespace
}  // namespace cloudvip
