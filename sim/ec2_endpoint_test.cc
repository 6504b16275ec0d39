#include "sim/ec2_endpoint.h"

#include <gtest/gtest.h>

#include "sim/server_test_fixture.h"

namespace cloudvip::sim {
namespace {

using testing::k_admin_key;
using testing::k_admin_secret;
using testing::SimServerTest;

constexpr char k_describe[] = "Action=DescribeRouteTables&Version=2016-11-15";

TEST(WellFormedPercentEncoding, AcceptsEscapesAndRejectsBrokenOnes) {
  EXPECT_TRUE(well_formed_percent_encoding("a=10.0.0.0%2F16&b=x+y"));
  EXPECT_FALSE(well_formed_percent_encoding("a=%2"));
  EXPECT_FALSE(well_formed_percent_encoding("a=%zz"));
  EXPECT_FALSE(well_formed_percent_encoding("%"));
}

class Ec2EndpointTest : public SimServerTest {};

TEST(HttpDate, FormatsImfFixdate) {
  EXPECT_EQ(http_date(TimePoint(std::chrono::seconds(784111777))), "Sun, 06 Nov 1994 08:49:37 GMT");
}

TEST_F(Ec2EndpointTest, ASignedCallIsAnsweredWithTheModelsXml) {
  HttpResponse response = ec2(k_describe);
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.headers.get("Content-Type"), "text/xml;charset=UTF-8");
  EXPECT_EQ(response.headers.get("Server"), "AmazonEC2");
  EXPECT_EQ(response.headers.get("Date"), http_date(m_clock.now()));
  EXPECT_NE(response.body.find("<DescribeRouteTablesResponse"), std::string::npos);
  EXPECT_NE(response.body.find(testing::k_rtb_main), std::string::npos);
}

TEST_F(Ec2EndpointTest, WrongSecretIsSignatureDoesNotMatch403) {
  HttpResponse response = ec2(k_describe, Credentials{k_admin_key, "wrong-secret", "", std::nullopt, "t"});
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(error_code(response), "SignatureDoesNotMatch");
}

TEST_F(Ec2EndpointTest, UnknownKeyIsAuthFailure401) {
  HttpResponse response = ec2(k_describe, Credentials{"AKIANOBODY0000000001", "x", "", std::nullopt, "t"});
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(error_code(response), "AuthFailure");
}

TEST_F(Ec2EndpointTest, ExpiredDateIsRequestExpired) {
  HttpResponse response = send(signed_post(k_describe, admin_credentials(), Millis(-20 * 60'000)));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(error_code(response), "RequestExpired");
}

TEST_F(Ec2EndpointTest, OtherRegionIsRefused) {
  HttpResponse response = send(signed_post(k_describe, admin_credentials(), Millis(0), "eu-west-1"));
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(error_code(response), "SignatureDoesNotMatch");
}

TEST_F(Ec2EndpointTest, FormBodyPlusIsSpaceAndEscapesDecode) {
  // A filter value with spaces sent as '+' and ':' ';' sent as %-escapes must reach the model decoded, or the
  // signature or the filter fails: only the VIP subnet carries this Purpose tag.
  HttpResponse response =
      ec2("Action=DescribeSubnets&Version=2016-11-15&Filter.1.Name=tag%3APurpose"
          "&Filter.1.Value.1=cloudvip+VIP+10.109.10.254%3B+keep+empty");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_NE(response.body.find(testing::k_subnet_vip), std::string::npos) << response.body;
  EXPECT_EQ(response.body.find(testing::k_subnet_a), std::string::npos) << response.body;
  auto calls = m_log.since(0);
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.back().params[2], (std::pair<std::string, std::string>{"Filter.1.Name", "tag:Purpose"}));
  EXPECT_EQ(calls.back().params[3], (std::pair<std::string, std::string>{
                                        "Filter.1.Value.1", "cloudvip VIP 10.109.10.254; keep empty"}));
}

TEST_F(Ec2EndpointTest, MalformedRequestsGetErrorDocumentsAndTheServerKeepsServing) {
  struct Case {
    std::string name;
    HttpRequest request;
    int status;
    std::string code;
  };
  std::vector<Case> cases;

  cases.push_back({"bad %-escape",
                   signed_post("Action=DescribeRouteTables&Filter.1.Name=%zz", admin_credentials()), 404,
                   "MalformedQueryString"});
  cases.push_back(
      {"huge body",
       signed_post("Action=DescribeRouteTables&Pad=" + std::string(2 << 20, 'a'), admin_credentials()), 413,
       "RequestEntityTooLarge"});
  HttpRequest unsigned_request = signed_post(k_describe, admin_credentials());
  unsigned_request.headers.remove("Authorization");
  cases.push_back({"missing Authorization", unsigned_request, 403, "MissingAuthenticationToken"});
  cases.push_back(
      {"missing Action", signed_post("Version=2016-11-15", admin_credentials()), 400, "MissingAction"});
  HttpRequest put = signed_post(k_describe, admin_credentials());
  put.method = "PUT";
  cases.push_back({"PUT /", put, 405, "MethodNotAllowed"});
  HttpRequest del = signed_post("", admin_credentials());
  del.method = "DELETE";
  cases.push_back({"DELETE /", del, 405, "MethodNotAllowed"});
  cases.push_back({"unknown Action",
                   signed_post("Action=LaunchRockets&Version=2016-11-15", admin_credentials()), 400,
                   "InvalidAction"});
  HttpRequest garbage = signed_post(k_describe, admin_credentials());
  garbage.headers.set("Authorization", "AWS4-HMAC-SHA256 Credential=nonsense");
  cases.push_back({"garbage Authorization", garbage, 400, "IncompleteSignature"});
  HttpRequest other_path = signed_post(k_describe, admin_credentials());
  other_path.url = m_server->url() + "/elsewhere";
  cases.push_back({"another path", other_path, 404, "InvalidAction"});

  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    HttpResponse response = send(c.request);
    EXPECT_EQ(response.status, c.status) << response.body;
    EXPECT_EQ(error_code(response), c.code);
    EXPECT_EQ(ec2(k_describe).status, 200) << "still serving after " << c.name;
  }
}

TEST_F(Ec2EndpointTest, GetWithQueryParametersWorks) {
  HttpRequest request;
  request.method = "GET";
  request.url = m_server->url() + "/?Action=DescribeVpcs&Version=2016-11-15";
  sigv4::sign(request, admin_credentials(), {.region = "us-east-1", .service = "ec2", .time = m_clock.now()});
  HttpResponse response = send(request);
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_NE(response.body.find("<DescribeVpcsResponse"), std::string::npos);
}

TEST_F(Ec2EndpointTest, ModelErrorsTravelWithTheirStatus) {
  HttpResponse response =
      ec2("Action=ReplaceRoute&Version=2016-11-15&RouteTableId=rtb-0a1b2c3d4e5f6aaa1&DestinationCidrBlock="
          "192.168.9.9%2F32"
          "&NetworkInterfaceId=eni-0a1b2c3d4e5f6000a&DryRun=true");
  EXPECT_EQ(response.status, 412);
  EXPECT_EQ(error_code(response), "DryRunOperation");
}

TEST_F(Ec2EndpointTest, ABurstBeyondTheMutatingBucketGetsRequestLimitExceeded) {
  const std::string create =
      "Action=CreateRoute&Version=2016-11-15&RouteTableId=rtb-0a1b2c3d4e5f6aaa1&NetworkInterfaceId="
      "eni-0a1b2c3d4e5f6000a&DestinationCidrBlock=192.168.";
  int throttled = 0;
  for (int i = 0; i < 52; ++i) {
    HttpResponse response = ec2(create + std::to_string(i) + ".1%2F32");
    if (response.status == 503) {
      EXPECT_EQ(error_code(response), "RequestLimitExceeded");
      EXPECT_NE(response.body.find("Request limit exceeded."), std::string::npos);
      ++throttled;
    } else {
      EXPECT_EQ(response.status, 200) << response.body;
    }
  }
  EXPECT_EQ(throttled, 2);
  EXPECT_EQ(ec2(k_describe).status, 200) << "other actions have their own buckets";
  m_clock.advance(Millis(1000));  // 5 tokens per second
  EXPECT_EQ(ec2(create + "200.1%2F32").status, 200);
}

TEST_F(Ec2EndpointTest, NoThrottleSwitchLetsBurstsThrough) {
  ASSERT_TRUE(m_faults.apply_json(nlohmann::json::parse(R"({"throttle":false})")));
  for (int i = 0; i < 60; ++i) {
    ASSERT_EQ(ec2("Action=DeleteRoute&Version=2016-11-15&RouteTableId=rtb-0a1b2c3d4e5f6aaa1&"
                  "DestinationCidrBlock=192.168.77.0%2F24")
                  .status,
              400)
        << "the model answers (no such route), never the throttle";
  }
}

TEST_F(Ec2EndpointTest, FailNextAnswersTheInjectedErrorThenRecovers) {
  ASSERT_TRUE(m_faults.apply_json(nlohmann::json::parse(
      R"({"fail_next":[{"action":"DescribeRouteTables","count":2,"code":"RequestLimitExceeded","status":503}]})")));
  EXPECT_EQ(ec2(k_describe).status, 503);
  HttpResponse second = ec2(k_describe);
  EXPECT_EQ(second.status, 503);
  EXPECT_EQ(error_code(second), "RequestLimitExceeded");
  EXPECT_EQ(ec2(k_describe).status, 200);
}

TEST_F(Ec2EndpointTest, InjectedLatencyIsSpentOnTheClockAndLogged) {
  ASSERT_TRUE(m_faults.apply_json(nlohmann::json::parse(R"({"latency_ms":250})")));
  Millis before = m_clock.total_slept();
  EXPECT_EQ(ec2(k_describe).status, 200);
  EXPECT_EQ(m_clock.total_slept() - before, Millis(250));
  EXPECT_EQ(m_log.since(0).back().latency, Millis(250));
}

TEST_F(Ec2EndpointTest, LagHidesAChangeFromDescribeUntilItIsOldEnough) {
  ASSERT_TRUE(m_faults.apply_json(nlohmann::json::parse(R"({"lag_ms":2000})")));
  HttpResponse created =
      ec2("Action=CreateRoute&Version=2016-11-15&RouteTableId=rtb-0a1b2c3d4e5f6aaa1&NetworkInterfaceId="
          "eni-0a1b2c3d4e5f6000a&DestinationCidrBlock=192.168.100.10%2F32");
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string describe = std::string(k_describe) + "&RouteTableId.1=rtb-0a1b2c3d4e5f6aaa1";
  EXPECT_EQ(ec2(describe).body.find("192.168.100.10/32"), std::string::npos) << "visible too early";
  m_clock.advance(Millis(1999));
  EXPECT_EQ(ec2(describe).body.find("192.168.100.10/32"), std::string::npos);
  m_clock.advance(Millis(2));
  EXPECT_NE(ec2(describe).body.find("192.168.100.10/32"), std::string::npos) << "never visible";
  // The state dump is the truth at once.
  EXPECT_NE(admin("GET", "/_sim/state").body.find("192.168.100.10/32"), std::string::npos);
}

TEST_F(Ec2EndpointTest, TheCallLogHasEveryCallAndNoSecrets) {
  ec2(k_describe);
  ec2(k_describe, Credentials{k_admin_key, "wrong-secret", "", std::nullopt, "t"});
  HttpResponse log = admin("GET", "/_sim/calls");
  ASSERT_EQ(log.status, 200);
  auto json = nlohmann::json::parse(log.body);
  ASSERT_EQ(json["calls"].size(), 2u);
  EXPECT_EQ(json["calls"][0]["action"], "DescribeRouteTables");
  EXPECT_EQ(json["calls"][0]["access_key_id"], k_admin_key);
  EXPECT_EQ(json["calls"][0]["status"], 200);
  EXPECT_EQ(json["calls"][1]["error_code"], "SignatureDoesNotMatch");
  EXPECT_EQ(log.body.find(k_admin_secret), std::string::npos);
  EXPECT_EQ(log.body.find("Signature="), std::string::npos);
}

}  // namespace
}  // namespace cloudvip::sim
