// IAM emulation (allow lists, resource restrictions, unknown and expired keys), DryRun, and the
// temporary credentials of instance roles.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sim/ids.h"
#include "sim/sim_test_util.h"

namespace cloudvip::sim::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class IamTest : public SimTest {
 protected:
  Params replace_a() const {
    return {{"RouteTableId", k_rtb_a},
            {"DestinationCidrBlock", "192.168.100.10/32"},
            {"NetworkInterfaceId", k_eni_a}};
  }
};

TEST_F(IamTest, ReadOnlyKeyDescribesButCannotChangeRoutes) {
  Caller reader = readonly();
  for (const char* action : {"DescribeRouteTables", "DescribeInstances", "DescribeNetworkInterfaces",
                             "DescribeSubnets", "DescribeVpcs", "DescribeAddresses"}) {
    EXPECT_TRUE(m_model.call(action, {}, reader).ok()) << action;
  }
  std::string message = error("CreateRoute", replace_a(), "UnauthorizedOperation", 403, &reader);
  const std::string prefix =
      "You are not authorized to perform this operation. Encoded authorization failure message: ";
  ASSERT_THAT(message, StartsWith(prefix));
  auto decoded = base64url_decode(message.substr(prefix.size()));
  ASSERT_TRUE(decoded.has_value());
  auto context = nlohmann::json::parse(*decoded);
  EXPECT_EQ(context["allowed"], false);
  EXPECT_EQ(context["context"]["action"], "ec2:CreateRoute");
  EXPECT_EQ(context["context"]["resource"],
            std::string("arn:aws:ec2:us-east-1:123456789012:route-table/") + k_rtb_a);
  error("ModifyNetworkInterfaceAttribute",
        {{"NetworkInterfaceId", k_eni_a}, {"SourceDestCheck.Value", "true"}}, "UnauthorizedOperation", 403,
        &reader);
}

TEST_F(IamTest, ResourceListRestrictsMutatingActionsToTheNamedRouteTables) {
  Caller routes{k_routes_key};
  EXPECT_TRUE(m_model.create_route(replace_a(), routes).ok());
  Params on_main{{"RouteTableId", k_rtb_main},
                 {"DestinationCidrBlock", "192.168.100.10/32"},
                 {"NetworkInterfaceId", k_eni_a}};
  error("CreateRoute", on_main, "UnauthorizedOperation", 403, &routes);
  // Describe actions are not restricted by resource; actions outside the allow list are denied.
  EXPECT_TRUE(m_model.describe_route_tables({}, routes).ok());
  error("DescribeInstances", {}, "UnauthorizedOperation", 403, &routes);
}

TEST_F(IamTest, AuthorizeMatchesActionWildcardsWithoutCaseAndResourcesWithWildcards) {
  EXPECT_TRUE(m_model.authorize(k_readonly_key, "DescribeRouteTables", "*").has_value());
  EXPECT_FALSE(m_model.authorize(k_readonly_key, "ReplaceRoute", "*").has_value());
  EXPECT_TRUE(
      m_model.authorize(k_admin_key, "ReplaceRoute", "arn:aws:ec2:us-east-1:123456789012:route-table/x"));
  EXPECT_TRUE(m_model.authorize(k_routes_key, "replaceroute",
                                std::string("arn:aws:ec2:us-east-1:123456789012:route-table/") + k_rtb_b));

  Scenario scenario = m_scenario;
  scenario.credentials.push_back(CredentialSpec{
      "AKIAWILDCARD00000001", "s", "", {{"ec2:*Route"}, {{"arn:aws:ec2:*:*:route-table/rtb-*aaa1"}}}});
  Model model(scenario, m_clock, m_ids);
  EXPECT_TRUE(model.authorize("AKIAWILDCARD00000001", "CreateRoute",
                              std::string("arn:aws:ec2:us-east-1:123456789012:route-table/") + k_rtb_a));
  EXPECT_FALSE(model.authorize("AKIAWILDCARD00000001", "CreateRoute",
                               std::string("arn:aws:ec2:us-east-1:123456789012:route-table/") + k_rtb_b));
  EXPECT_FALSE(model.authorize("AKIAWILDCARD00000001", "DescribeRouteTables", "*"));
}

TEST_F(IamTest, UnknownKeyIsAuthFailure) {
  Caller stranger{"AKIANOBODY0000000000"};
  EXPECT_EQ(error("DescribeRouteTables", {}, "AuthFailure", 401, &stranger),
            "AWS was not able to validate the provided access credentials");
  EXPECT_FALSE(m_model.find_credential("AKIANOBODY0000000000").has_value());
  auto admin_key = m_model.find_credential(k_admin_key);
  ASSERT_TRUE(admin_key.has_value());
  EXPECT_EQ(admin_key->secret_access_key, "cloudvip-sim-admin-secret-not-a-real-key");
  EXPECT_FALSE(admin_key->expiration.has_value());
}

TEST_F(IamTest, DryRunAnswersDryRunOperationAndChangesNothing) {
  Params params = replace_a();
  params.add("DryRun", "true");
  auto before = m_model.state_json();
  EXPECT_EQ(error("CreateRoute", params, "DryRunOperation", 412),
            "Request would have succeeded, but DryRun flag is set.");
  error("ModifyNetworkInterfaceAttribute",
        {{"NetworkInterfaceId", k_eni_a}, {"SourceDestCheck.Value", "true"}, {"DryRun", "true"}},
        "DryRunOperation", 412);
  error("AssociateAddress", {{"AllocationId", k_eip}, {"InstanceId", k_instance_a}, {"DryRun", "true"}},
        "DryRunOperation", 412);
  error("DescribeRouteTables", {{"DryRun", "true"}}, "DryRunOperation", 412);
  EXPECT_EQ(m_model.state_json(), before);
}

TEST_F(IamTest, DryRunWithoutPermissionIsUnauthorized) {
  Params params = replace_a();
  params.add("DryRun", "true");
  Caller reader = readonly();
  auto before = m_model.state_json();
  error("CreateRoute", params, "UnauthorizedOperation", 403, &reader);
  EXPECT_EQ(m_model.state_json(), before);
}

TEST_F(IamTest, ParameterErrorsComeBeforeDryRun) {
  error("CreateRoute",
        {{"RouteTableId", "rtb-bad"},
         {"DestinationCidrBlock", "1.2.3.4/32"},
         {"NetworkInterfaceId", k_eni_a},
         {"DryRun", "true"}},
        "InvalidRouteTableId.Malformed", 400);
  error("CreateRoute", {{"DestinationCidrBlock", "1.2.3.4/32"}, {"DryRun", "true"}}, "MissingParameter", 400);
}

TEST_F(IamTest, RoleCredentialsAreIssuedKeptRefreshedAndExpire) {
  auto first = m_model.role_credentials(k_instance_a);
  ASSERT_TRUE(first.has_value()) << first.error().to_string();
  EXPECT_EQ(first->role, "cloudvip-role");
  EXPECT_THAT(first->access_key_id, StartsWith("ASIA"));
  EXPECT_EQ(first->secret_access_key.size(), 40u);
  EXPECT_FALSE(first->token.empty());
  EXPECT_EQ(first->expiration - first->last_updated, std::chrono::hours(6));
  auto record = m_model.find_credential(first->access_key_id);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->secret_access_key, first->secret_access_key);
  EXPECT_EQ(record->session_token, first->token);

  // The role's policy applies to them.
  EXPECT_TRUE(m_model.create_route(replace_a(), Caller{first->access_key_id}).ok());

  // Same credentials while far from expiry, fresh ones within the refresh margin.
  m_clock.advance(std::chrono::hours(4));
  EXPECT_EQ(m_model.role_credentials(k_instance_a)->access_key_id, first->access_key_id);
  m_clock.advance(std::chrono::minutes(61));
  auto second = m_model.role_credentials(k_instance_a);
  ASSERT_TRUE(second.has_value());
  EXPECT_NE(second->access_key_id, first->access_key_id);
  EXPECT_NE(second->secret_access_key, first->secret_access_key);
  // The old key works until it expires, then it is RequestExpired.
  EXPECT_TRUE(m_model.describe_vpcs({}, Caller{first->access_key_id}).ok());
  m_clock.advance(std::chrono::minutes(60));
  Caller old_key{first->access_key_id};
  EXPECT_EQ(error("DescribeVpcs", {}, "RequestExpired", 400, &old_key), "Request has expired.");
  EXPECT_TRUE(m_model.describe_vpcs({}, Caller{second->access_key_id}).ok());
}

TEST_F(IamTest, RotationIssuesNewCredentialsOnDemand) {
  auto first = m_model.role_credentials(k_instance_b);
  auto rotated = m_model.rotate_role_credentials(k_instance_b);
  ASSERT_TRUE(first.has_value() && rotated.has_value());
  EXPECT_NE(first->access_key_id, rotated->access_key_id);
  EXPECT_EQ(m_model.role_credentials(k_instance_b)->access_key_id, rotated->access_key_id);
  EXPECT_NE(m_model.role_credentials(k_instance_a)->access_key_id, rotated->access_key_id);
}

TEST_F(IamTest, RoleCredentialsNeedAnInstanceWithARole) {
  auto missing = m_model.role_credentials("i-00000000");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
  EXPECT_THAT(missing.error().message, HasSubstr("i-00000000"));
  Scenario scenario = m_scenario;
  scenario.instances[0].iam_role.clear();
  Model model(scenario, m_clock, m_ids);
  auto no_role = model.role_credentials(k_instance_a);
  ASSERT_FALSE(no_role.has_value());
  EXPECT_THAT(no_role.error().message, HasSubstr("has no IAM role"));
}

TEST_F(IamTest, RequestIdsComeFromTheInjectedSource) {
  ApiResponse first = m_model.describe_vpcs({}, admin());
  ApiResponse second = m_model.describe_vpcs({{"VpcId.1", "vpc-00000000"}}, admin());
  EXPECT_EQ(first.request_id, "00000000-0000-4000-8000-000000000001");
  EXPECT_EQ(second.request_id, "00000000-0000-4000-8000-000000000002");
  // Errors carry the request id in <RequestID>, as EC2's error document does.
  auto doc = parse_xml(second.body());
  EXPECT_STREQ(doc->child("Response").child_value("RequestID"), "00000000-0000-4000-8000-000000000002");
  EXPECT_STREQ(doc->child("Response").child("Errors").child("Error").child_value("Code"),
               "InvalidVpcID.NotFound");
  EXPECT_STREQ(doc->child("Response").child("Errors").child("Error").child_value("Message"),
               "The vpc ID 'vpc-00000000' does not exist");
}

TEST(RandomIdSourceTest, RequestIdsAreUuidShapedAndDistinct) {
  RandomIdSource ids;
  std::string a = ids.request_id();
  std::string b = ids.request_id();
  EXPECT_NE(a, b);
  ASSERT_EQ(a.size(), 36u);
  EXPECT_EQ(a[8], '-');
  EXPECT_EQ(a[14], '4');
  EXPECT_EQ(ids.secret(40).size(), 40u);
}

}  // namespace
}  // namespace cloudvip::sim::testing
