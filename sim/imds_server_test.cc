#include "sim/imds_server.h"

#include <gtest/gtest.h>

#include "aws/imds.h"
#include "sim/server_test_fixture.h"

namespace cloudvip::sim {
namespace {

using testing::k_eni_a;
using testing::k_instance_a;
using testing::k_instance_b;

class SimImdsTest : public testing::SimServerTest {
 protected:
  HttpResponse imds(const std::string& method, const std::string& path, const HttpHeaders& headers = {},
                    size_t listener = 0) {
    HttpRequest request;
    request.method = method;
    request.url = imds_url(listener) + path;
    request.headers = headers;
    request.bypass_proxy = true;
    return send(request);
  }

  std::string token(size_t listener = 0, int ttl = 21600) {
    HttpHeaders headers;
    headers.set("X-aws-ec2-metadata-token-ttl-seconds", std::to_string(ttl));
    HttpResponse response = imds("PUT", "/latest/api/token", headers, listener);
    EXPECT_EQ(response.status, 200);
    return response.body;
  }

  HttpResponse get(const std::string& path, size_t listener = 0) {
    HttpHeaders headers;
    headers.set("X-aws-ec2-metadata-token", token(listener));
    return imds("GET", path, headers, listener);
  }

  Imds client(size_t listener = 0) {
    ImdsOptions options;
    options.endpoint = imds_url(listener);
    options.attempts = 1;
    return Imds(m_transport, m_clock, options);
  }
};

TEST_F(SimImdsTest, TokenFlow) {
  HttpHeaders ttl;
  ttl.set("X-aws-ec2-metadata-token-ttl-seconds", "60");
  HttpResponse put = imds("PUT", "/latest/api/token", ttl);
  ASSERT_EQ(put.status, 200);
  EXPECT_EQ(put.headers.get("X-aws-ec2-metadata-token-ttl-seconds"), "60");
  EXPECT_FALSE(put.body.empty());

  EXPECT_EQ(imds("GET", "/latest/meta-data/instance-id").status, 401) << "no token";
  HttpHeaders with_token;
  with_token.set("X-aws-ec2-metadata-token", put.body);
  HttpResponse id = imds("GET", "/latest/meta-data/instance-id", with_token);
  EXPECT_EQ(id.status, 200);
  EXPECT_EQ(id.body, k_instance_a);
  EXPECT_EQ(id.headers.get("Content-Type"), "text/plain");

  HttpHeaders bogus;
  bogus.set("X-aws-ec2-metadata-token", "not-a-token");
  EXPECT_EQ(imds("GET", "/latest/meta-data/instance-id", bogus).status, 401);
  EXPECT_EQ(imds("GET", "/latest/meta-data/instance-id", with_token, 1).status, 401)
      << "a token is good only on the instance that issued it";

  m_clock.advance(Millis(61'000));
  EXPECT_EQ(imds("GET", "/latest/meta-data/instance-id", with_token).status, 401) << "expired";
}

TEST_F(SimImdsTest, TokenTtlBoundsAndForwardedRequests) {
  for (std::string bad : {"0", "21601", "-1", "abc", ""}) {
    HttpHeaders ttl;
    ttl.set("X-aws-ec2-metadata-token-ttl-seconds", bad);
    EXPECT_EQ(imds("PUT", "/latest/api/token", ttl).status, 400) << "ttl '" << bad << "'";
  }
  EXPECT_EQ(imds("PUT", "/latest/api/token").status, 400) << "no ttl header";
  HttpHeaders ok_ttl;
  ok_ttl.set("X-aws-ec2-metadata-token-ttl-seconds", "1");
  EXPECT_EQ(imds("PUT", "/latest/api/token", ok_ttl).status, 200);
  ok_ttl.set("X-aws-ec2-metadata-token-ttl-seconds", "21600");
  EXPECT_EQ(imds("PUT", "/latest/api/token", ok_ttl).status, 200);
  EXPECT_EQ(imds("PUT", "/2021-03-23/api/token", ok_ttl).status, 403);
  HttpHeaders forwarded = ok_ttl;
  forwarded.set("X-Forwarded-For", "10.0.0.1");
  EXPECT_EQ(imds("PUT", "/latest/api/token", forwarded).status, 403);
}

TEST_F(SimImdsTest, EveryPathOfTheTwoAzScenario) {
  const std::string mac = "0e:a1:00:00:00:0a";
  const std::string dir = "/latest/meta-data/network/interfaces/macs/" + mac + "/";
  std::vector<std::pair<std::string, std::string>> expected = {
      {"/latest/meta-data/instance-id", k_instance_a},
      {"/latest/meta-data/placement/region", "us-east-1"},
      {"/latest/meta-data/placement/availability-zone", "us-east-1a"},
      {"/latest/meta-data/mac", mac},
      {"/latest/meta-data/local-ipv4", "10.109.10.10"},
      {"/latest/meta-data/network/interfaces/macs/", mac + "/"},
      {dir + "interface-id", k_eni_a},
      {dir + "device-number", "0"},
      {dir + "local-ipv4s", "10.109.10.10"},
      {dir + "subnet-id", testing::k_subnet_a},
      {dir + "subnet-ipv4-cidr-block", "10.109.10.0/26"},
      {dir + "vpc-id", testing::k_vpc},
      {dir + "vpc-ipv4-cidr-block", "10.109.10.0/24"},
      {dir + "vpc-ipv4-cidr-blocks", "10.109.10.0/24"},
      {dir + "mac", mac},
      {dir + "owner-id", "123456789012"},
      {"/latest/meta-data/iam/security-credentials/", "cloudvip-role"},
      {"/latest/meta-data/placement/", "availability-zone\navailability-zone-id\nregion"},
  };
  for (const auto& [path, body] : expected) {
    HttpResponse response = get(path);
    EXPECT_EQ(response.status, 200) << path;
    EXPECT_EQ(response.body, body) << path;
  }
  HttpResponse listing = get("/latest/meta-data/");
  for (std::string child : {"instance-id", "mac", "local-ipv4", "placement/", "network/", "iam/"}) {
    EXPECT_NE(listing.body.find(child + "\n"), std::string::npos) << child << " missing from\n"
                                                                  << listing.body;
  }
  EXPECT_EQ(get("/latest/meta-data/no-such-thing").status, 404);
  EXPECT_EQ(get("/latest/meta-data/instance-id", 1).body, k_instance_b);

  auto document = nlohmann::json::parse(get("/latest/dynamic/instance-identity/document").body);
  EXPECT_EQ(document["instanceId"], k_instance_a);
  EXPECT_EQ(document["accountId"], "123456789012");
  EXPECT_EQ(document["region"], "us-east-1");
  EXPECT_EQ(document["availabilityZone"], "us-east-1a");
  EXPECT_EQ(document["privateIp"], "10.109.10.10");
  EXPECT_EQ(document["version"], "2017-09-30");

  auto info = nlohmann::json::parse(get("/latest/meta-data/iam/info").body);
  EXPECT_EQ(info["Code"], "Success");
  EXPECT_EQ(info["InstanceProfileArn"], "arn:aws:iam::123456789012:instance-profile/cloudvip-role");
  std::string profile_id = info["InstanceProfileId"];
  HttpResponse described =
      ec2(std::string("Action=DescribeInstances&Version=2016-11-15&InstanceId.1=") + k_instance_a);
  EXPECT_NE(described.body.find("<id>" + profile_id + "</id>"), std::string::npos)
      << "IMDS and DescribeInstances disagree on the instance profile id " << profile_id;
}

TEST_F(SimImdsTest, OurImdsClientReadsTheIdentity) {
  Imds imds = client();
  EXPECT_EQ(imds.instance_id().value_or("?"), k_instance_a);
  EXPECT_EQ(imds.region().value_or("?"), "us-east-1");
  auto macs = imds.macs();
  ASSERT_TRUE(macs) << macs.error().to_string();
  ASSERT_EQ(macs->size(), 1u);
  EXPECT_EQ(imds.interface_id(macs->front()).value_or("?"), k_eni_a);
  EXPECT_EQ(imds.device_number(macs->front()).value_or(-1), 0);
  auto identity = imds.identity_document();
  ASSERT_TRUE(identity) << identity.error().to_string();
  EXPECT_EQ(identity->account_id, "123456789012");
}

TEST_F(SimImdsTest, RoleCredentialsAreAcceptedByTheEc2Endpoint) {
  Imds imds = client();
  auto role = imds.role_name();
  ASSERT_TRUE(role) << role.error().to_string();
  EXPECT_EQ(*role, "cloudvip-role");
  auto credentials = imds.role_credentials(*role);
  ASSERT_TRUE(credentials) << credentials.error().to_string();
  EXPECT_FALSE(credentials->session_token.empty());
  ASSERT_TRUE(credentials->expiration);
  EXPECT_GE(*credentials->expiration, m_clock.now() + std::chrono::hours(1));

  HttpResponse raw = get("/latest/meta-data/iam/security-credentials/cloudvip-role");
  auto json = nlohmann::json::parse(raw.body);
  std::string expiration = json["Expiration"];
  EXPECT_EQ(expiration.size(), 20u) << "%Y-%m-%dT%H:%M:%SZ: " << expiration;
  EXPECT_EQ(expiration.back(), 'Z');

  HttpResponse response = ec2("Action=DescribeRouteTables&Version=2016-11-15", *credentials);
  EXPECT_EQ(response.status, 200) << response.body;

  // No secret of the role leaks into the call log.
  std::string log = admin("GET", "/_sim/calls").body;
  EXPECT_EQ(log.find(credentials->secret_access_key), std::string::npos);
  EXPECT_EQ(log.find(credentials->session_token), std::string::npos);
  EXPECT_NE(log.find(credentials->access_key_id), std::string::npos);
  EXPECT_NE(log.find("\"kind\": \"imds\""), std::string::npos);
}

TEST_F(SimImdsTest, OutageAndDelayFaults) {
  std::string t = token();
  HttpHeaders headers;
  headers.set("X-aws-ec2-metadata-token", t);

  ASSERT_TRUE(m_faults.apply_json(nlohmann::json::parse(R"({"imds":{"outage":"503"}})")));
  EXPECT_EQ(imds("GET", "/latest/meta-data/instance-id", headers).status, 503);

  ASSERT_TRUE(m_faults.apply_json(nlohmann::json::parse(R"({"imds":{"outage":"close"}})")));
  HttpRequest request;
  request.url = imds_url(0) + "/latest/meta-data/instance-id";
  request.headers = headers;
  EXPECT_FALSE(m_transport.send(request)) << "the connection is dropped";

  ASSERT_TRUE(m_faults.apply_json(nlohmann::json::parse(R"({"imds":{"outage":false,"delay_ms":300}})")));
  Millis before = m_clock.total_slept();
  EXPECT_EQ(imds("GET", "/latest/meta-data/instance-id", headers).status, 200);
  EXPECT_EQ(m_clock.total_slept() - before, Millis(300));
}

TEST_F(SimImdsTest, AStoppedInstanceAnswersNothing) {
  ASSERT_EQ(admin("POST", std::string("/_sim/instances/") + k_instance_a + "/stop").status, 200);
  HttpRequest request;
  request.method = "PUT";
  request.url = imds_url(0) + "/latest/api/token";
  request.headers.set("X-aws-ec2-metadata-token-ttl-seconds", "60");
  EXPECT_FALSE(m_transport.send(request));
}

class ImdsV1Test : public testing::SimServerTest {
 protected:
  ImdsV1Test() : SimServerTest(true) {}
};

TEST_F(ImdsV1Test, GetsWithoutATokenAreAnsweredButBadTokensAreNot) {
  HttpRequest request;
  request.url = imds_url(0) + "/latest/meta-data/instance-id";
  EXPECT_EQ(send(request).body, k_instance_a);
  request.headers.set("X-aws-ec2-metadata-token", "bogus");
  EXPECT_EQ(send(request).status, 401);
}

TEST(ImdsBySourceAddress, FindsTheInstanceFromTheClientAddress) {
  FakeClock clock;
  Scenario scenario = testing::load_or_die("two-az.toml");
  Simulation simulation(scenario, clock);
  Faults faults;
  CallLog log;
  ImdsService service(simulation, faults, log, clock, true);
  ImdsListener known(service, "127.0.0.1", 0,
                     std::map<std::string, std::string>{{"127.0.0.1", k_instance_b}});
  ImdsListener unknown(service, "127.0.0.1", 0,
                       std::map<std::string, std::string>{{"10.9.9.9", k_instance_a}});
  MapEnvironment env;
  CurlTransport transport(env);
  HttpRequest request;
  request.url = known.url() + "/latest/meta-data/instance-id";
  EXPECT_EQ(transport.send(request)->body, k_instance_b);
  request.url = unknown.url() + "/latest/meta-data/instance-id";
  EXPECT_EQ(transport.send(request)->status, 404);
}

}  // namespace
}  // namespace cloudvip::sim
