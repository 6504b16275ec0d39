// Our Imds client and the credentials chain against cloudvip-sim's IMDSv2 listener for instance a: the
// token, every getter cloudvip uses, the role's credentials, and EC2 calls signed with them (before and after
// the sim rotates them).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "aws/credentials.h"
#include "aws/ec2_client.h"
#include "aws/imds.h"
#include "common/process_runner.h"
#include "integration/in_process_sim.h"

namespace cloudvip::integration {
namespace {

class ImdsSimTest : public ::testing::Test {
 protected:
  ImdsSimTest() : m_sim(k_two_az, {k_instance_a, k_instance_b}) {}

  ImdsOptions imds_options(const std::string& instance = k_instance_a) {
    ImdsOptions out;
    out.endpoint = m_sim.imds_url(instance);
    return out;
  }

  Ec2Client ec2_with(CredentialsProvider& credentials) {
    Ec2ClientOptions options;
    options.endpoint_url = m_sim.url();
    options.region = "us-east-1";
    options.uniform01 = [] { return 0.5; };
    return Ec2Client(m_transport, credentials, m_sim.clock(), options, m_logger);
  }

  // The access key ids the sim saw on EC2 calls, in order.
  std::vector<std::string> ec2_keys() {
    std::vector<std::string> out;
    for (const nlohmann::json& call : m_sim.calls("ec2")) {
      out.push_back(call["access_key_id"].get<std::string>());
    }
    return out;
  }

  InProcessSim m_sim;
  MapEnvironment m_env;
  CurlTransport m_transport{m_env};
  NullLogger m_logger;
  Imds m_imds{m_transport, m_sim.clock(), imds_options()};
};

TEST_F(ImdsSimTest, GettersReadTheInstancesMetadata) {
  EXPECT_EQ(m_imds.instance_id().value_or("?"), k_instance_a);
  EXPECT_EQ(m_imds.region().value_or("?"), "us-east-1");
  EXPECT_EQ(m_imds.availability_zone().value_or("?"), "us-east-1a");
  auto macs = m_imds.macs();
  ASSERT_TRUE(macs) << macs.error().to_string();
  ASSERT_EQ(*macs, std::vector<std::string>{k_mac_a});
  EXPECT_EQ(m_imds.interface_id(k_mac_a).value_or("?"), k_eni_a);
  EXPECT_EQ(m_imds.subnet_id(k_mac_a).value_or("?"), k_subnet_a);
  EXPECT_EQ(m_imds.vpc_id(k_mac_a).value_or("?"), k_vpc);
  EXPECT_EQ(m_imds.local_ipv4s(k_mac_a).value_or(std::vector<std::string>{}),
            std::vector<std::string>{"10.109.10.10"});
  EXPECT_EQ(m_imds.device_number(k_mac_a).value_or(-1), 0);
  auto document = m_imds.identity_document();
  ASSERT_TRUE(document) << document.error().to_string();
  EXPECT_EQ(document->account_id, "123456789012");
  EXPECT_EQ(document->instance_id, k_instance_a);
  EXPECT_EQ(document->region, "us-east-1");
  EXPECT_EQ(document->availability_zone, "us-east-1a");
  EXPECT_EQ(document->private_ip, "10.109.10.10");
  EXPECT_EQ(m_imds.role_name().value_or("?"), "cloudvip-role");
  auto missing = m_imds.get("/latest/meta-data/no-such-thing");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
}

TEST_F(ImdsSimTest, OneTokenServesManyRequestsAndEveryGetCarriesIt) {
  ASSERT_TRUE(m_imds.instance_id());
  ASSERT_TRUE(m_imds.availability_zone());
  ASSERT_TRUE(m_imds.macs());
  std::vector<std::string> methods;
  for (const nlohmann::json& call : m_sim.calls("imds")) {
    methods.push_back(call["method"].get<std::string>() + " " + std::to_string(call["status"].get<int>()));
  }
  EXPECT_EQ(methods, (std::vector<std::string>{"PUT 200", "GET 200", "GET 200", "GET 200"}));
}

TEST_F(ImdsSimTest, EachListenerIsItsOwnInstance) {
  Imds other(m_transport, m_sim.clock(), imds_options(k_instance_b));
  EXPECT_EQ(other.instance_id().value_or("?"), k_instance_b);
  EXPECT_EQ(other.availability_zone().value_or("?"), "us-east-1b");
}

TEST_F(ImdsSimTest, SecondaryAddressAssignedThroughEc2ShowsInLocalIpv4s) {
  StaticCredentialsProvider admin(admin_keys());
  Ec2Client ec2 = ec2_with(admin);
  ASSERT_TRUE(ec2.assign_private_ip_addresses(k_eni_a, {"10.109.10.20"}, false));
  EXPECT_EQ(m_imds.local_ipv4s(k_mac_a).value_or(std::vector<std::string>{}),
            (std::vector<std::string>{"10.109.10.10", "10.109.10.20"}));
}

TEST_F(ImdsSimTest, RoleCredentialsAreTemporaryAndExpireInTheFuture) {
  auto credentials = m_imds.role_credentials("cloudvip-role");
  ASSERT_TRUE(credentials) << credentials.error().to_string();
  EXPECT_TRUE(credentials->access_key_id.starts_with("ASIA")) << credentials->access_key_id;
  EXPECT_FALSE(credentials->secret_access_key.empty());
  EXPECT_FALSE(credentials->session_token.empty());
  ASSERT_TRUE(credentials->expiration);
  EXPECT_GT(*credentials->expiration, m_sim.clock().now() + std::chrono::hours(1));
  EXPECT_EQ(credentials->provider, "imds-role");
}

TEST_F(ImdsSimTest, TheDefaultChainFallsThroughToTheRoleAndSignsCallsTheSimAccepts) {
  // No keys in the environment and no shared files (a HOME without .aws), as on a fresh instance.
  MapEnvironment env{{"HOME", "/nonexistent/cloudvip-integration-home"}};
  RealProcessRunner runner;  // never runs: there is no credential_process
  auto chain = make_default_credentials_chain(env, m_sim.clock(), m_imds, runner, m_logger);
  auto credentials = chain->get();
  ASSERT_TRUE(credentials) << credentials.error().to_string();
  EXPECT_EQ(credentials->provider, "imds-role");

  Ec2Client ec2 = ec2_with(*chain);
  auto tables = ec2.describe_route_tables({}, {{"vpc-id", {k_vpc}}});
  ASSERT_TRUE(tables) << tables.error().to_string();
  EXPECT_EQ(tables->size(), 3u);
  auto created = ec2.create_route({k_rtb_a, k_overlay_vip, k_eni_a, "", false});
  ASSERT_TRUE(created) << created.error().to_string();
  EXPECT_EQ(ec2_keys(), (std::vector<std::string>{credentials->access_key_id, credentials->access_key_id}));
}

TEST_F(ImdsSimTest, AfterRotationOldKeysWorkUntilRefreshAndThenTheNewOnesDo) {
  ImdsCredentialsProvider provider(m_imds, m_sim.clock(), m_logger);
  Ec2Client ec2 = ec2_with(provider);
  auto first = provider.get();
  ASSERT_TRUE(first) << first.error().to_string();
  ASSERT_TRUE(ec2.describe_vpcs({}));

  nlohmann::json rotated =
      m_sim.admin("POST", "/_sim/credentials/rotate?instance=" + std::string(k_instance_a));
  ASSERT_TRUE(rotated.is_object() && rotated.value("ok", false)) << rotated;
  std::string new_key = rotated["access_key_id"].get<std::string>();
  ASSERT_NE(new_key, first->access_key_id);

  // The cached key is still valid (AWS keeps old role keys until they expire).
  ASSERT_TRUE(ec2.describe_vpcs({}));
  // Close to the old key's expiry the provider fetches again and gets a newer key.
  ASSERT_TRUE(first->expiration);
  m_sim.clock().set(*first->expiration - std::chrono::minutes(10));
  auto describe = ec2.describe_vpcs({});
  ASSERT_TRUE(describe) << describe.error().to_string();
  std::vector<std::string> keys = ec2_keys();
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0], first->access_key_id);
  EXPECT_EQ(keys[1], first->access_key_id);
  EXPECT_NE(keys[2], first->access_key_id);
  EXPECT_TRUE(keys[2].starts_with("ASIA")) << keys[2];
}

}  // namespace
}  // namespace cloudvip::integration
