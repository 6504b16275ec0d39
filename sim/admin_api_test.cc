#include "sim/admin_api.h"

#include <gtest/gtest.h>

#include "sim/server_test_fixture.h"

namespace cloudvip::sim {
namespace {

using testing::k_eni_a;
using testing::k_instance_a;

class AdminApiTest : public testing::SimServerTest {};

const char k_replace_a[] =
    "Action=CreateRoute&Version=2016-11-15&RouteTableId=rtb-0a1b2c3d4e5f6aaa1&NetworkInterfaceId="
    "eni-0a1b2c3d4e5f6000a&DestinationCidrBlock=192.168.100.10%2F32";

TEST_F(AdminApiTest, StateShowsTheWorld) {
  auto state = admin_json("GET", "/_sim/state");
  EXPECT_EQ(state["region"], "us-east-1");
  EXPECT_EQ(state["route_tables"].size(), 3u);
  EXPECT_EQ(admin("POST", "/_sim/state").status, 405);
}

TEST_F(AdminApiTest, CallsSinceReadsIncrementallyAndClearEmpties) {
  ec2("Action=DescribeVpcs&Version=2016-11-15");
  auto first = admin_json("GET", "/_sim/calls");
  ASSERT_EQ(first["calls"].size(), 1u);
  uint64_t last = first["last_seq"];
  ec2("Action=DescribeSubnets&Version=2016-11-15");
  auto next = admin_json("GET", "/_sim/calls?since=" + std::to_string(last));
  ASSERT_EQ(next["calls"].size(), 1u);
  EXPECT_EQ(next["calls"][0]["action"], "DescribeSubnets");

  EXPECT_EQ(admin("GET", "/_sim/calls?since=abc").status, 400);
  EXPECT_EQ(admin("POST", "/_sim/calls/clear").status, 200);
  EXPECT_TRUE(admin_json("GET", "/_sim/calls")["calls"].empty());
  ec2("Action=DescribeVpcs&Version=2016-11-15");
  EXPECT_EQ(admin("DELETE", "/_sim/calls").status, 200);
  EXPECT_TRUE(admin_json("GET", "/_sim/calls")["calls"].empty());
}

TEST_F(AdminApiTest, FaultsRoundTripAndBadJsonNamesTheField) {
  auto set = admin_json("POST", "/_sim/faults", R"({"latency_ms":5,"throttle":false})");
  EXPECT_EQ(set["latency_ms"], 5);
  EXPECT_EQ(admin_json("GET", "/_sim/faults")["throttle"], false);

  HttpResponse bad = admin("POST", "/_sim/faults", R"({"error_rate":{"rate":"often"}})");
  EXPECT_EQ(bad.status, 400);
  auto error = nlohmann::json::parse(bad.body);
  EXPECT_EQ(error["field"], "error_rate.rate");
  EXPECT_NE(error["error"].get<std::string>().find("error_rate.rate"), std::string::npos);

  HttpResponse not_json = admin("POST", "/_sim/faults", "{latency_ms: 5");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(nlohmann::json::parse(not_json.body)["field"], "(body)");
}

TEST_F(AdminApiTest, ResetRestoresTheScenarioAndClearsLogAndFaults) {
  ASSERT_EQ(ec2(k_replace_a).status, 200);
  ASSERT_EQ(admin("POST", "/_sim/faults", R"({"latency_ms":5})").status, 200);
  ASSERT_NE(admin("GET", "/_sim/state").body.find("192.168.100.10/32"), std::string::npos);

  EXPECT_EQ(admin("POST", "/_sim/reset").status, 200);
  EXPECT_EQ(admin("GET", "/_sim/state").body.find("192.168.100.10/32"), std::string::npos);
  EXPECT_TRUE(admin_json("GET", "/_sim/calls")["calls"].empty());
  EXPECT_EQ(admin_json("GET", "/_sim/faults")["latency_ms"], 0);
  EXPECT_EQ(ec2(k_replace_a).status, 200) << "the route can be created again";
}

TEST_F(AdminApiTest, StopStartInstanceAndDetachInterface) {
  ASSERT_EQ(ec2(k_replace_a).status, 200);
  auto route_state = [&] {
    nlohmann::json state = admin_json("GET", "/_sim/state");
    for (const auto& table : state["route_tables"]) {
      for (const auto& route : table["routes"]) {
        if (route["destination"] == "192.168.100.10/32") {
          return route["state"].get<std::string>();
        }
      }
    }
    return std::string("missing");
  };
  EXPECT_EQ(route_state(), "active");
  EXPECT_EQ(admin("POST", std::string("/_sim/instances/") + k_instance_a + "/stop").status, 200);
  EXPECT_EQ(route_state(), "blackhole");
  EXPECT_EQ(admin("POST", std::string("/_sim/instances/") + k_instance_a + "/start").status, 200);
  EXPECT_EQ(route_state(), "active");
  EXPECT_EQ(admin("POST", std::string("/_sim/interfaces/") + k_eni_a + "/detach").status, 200);
  EXPECT_EQ(route_state(), "blackhole");
  EXPECT_EQ(
      admin("POST", std::string("/_sim/interfaces/") + k_eni_a + "/attach?instance=" + k_instance_a).status,
      200);
  EXPECT_EQ(route_state(), "active");

  EXPECT_EQ(admin("POST", "/_sim/instances/i-0000000000000000f/stop").status, 404);
  EXPECT_EQ(admin("POST", std::string("/_sim/instances/") + k_instance_a + "/explode").status, 404);
  EXPECT_EQ(admin("GET", std::string("/_sim/instances/") + k_instance_a + "/stop").status, 405);
}

TEST_F(AdminApiTest, RotateGivesNewRoleKeysAndNeverTheSecret) {
  // The role credentials instance a's IMDS hands out (IMDSv2: a token first).
  auto role_credentials = [&] {
    HttpRequest token;
    token.method = "PUT";
    token.url = imds_url(0) + "/latest/api/token";
    token.headers.set("X-aws-ec2-metadata-token-ttl-seconds", "60");
    HttpResponse token_response = send(token);
    EXPECT_EQ(token_response.status, 200) << token_response.body;
    HttpRequest get;
    get.method = "GET";
    get.url = imds_url(0) + "/latest/meta-data/iam/security-credentials/cloudvip-role";
    get.headers.set("X-aws-ec2-metadata-token", token_response.body);
    HttpResponse response = send(get);
    EXPECT_EQ(response.status, 200) << response.body;
    nlohmann::json parsed = nlohmann::json::parse(response.body, nullptr, false);
    EXPECT_TRUE(parsed.is_object()) << response.body;
    return parsed.is_object() ? parsed : nlohmann::json::object();
  };
  nlohmann::json before = role_credentials();
  std::string old_key = before.value("AccessKeyId", "");
  std::string old_secret = before.value("SecretAccessKey", "");
  ASSERT_FALSE(old_key.empty()) << before.dump();
  ASSERT_FALSE(old_secret.empty()) << before.dump();

  HttpResponse rotated = admin("POST", std::string("/_sim/credentials/rotate?instance=") + k_instance_a);
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  auto json = nlohmann::json::parse(rotated.body);
  std::string new_key = json["access_key_id"].get<std::string>();
  EXPECT_FALSE(new_key.empty());
  EXPECT_NE(new_key, old_key) << "rotate must hand out a new key";
  EXPECT_FALSE(json.contains("secret_access_key"));

  nlohmann::json after = role_credentials();
  EXPECT_EQ(after.value("AccessKeyId", ""), new_key) << "IMDS serves the rotated key";
  std::string new_secret = after.value("SecretAccessKey", "");
  EXPECT_NE(new_secret, old_secret) << "a new key comes with a new secret";
  EXPECT_EQ(rotated.body.find(new_secret), std::string::npos) << "the answer never carries the secret";
  EXPECT_EQ(rotated.body.find(old_secret), std::string::npos);
  EXPECT_EQ(admin("POST", "/_sim/credentials/rotate").status, 400);
}

TEST_F(AdminApiTest, UnknownEndpointsAre404WithAHint) {
  HttpResponse response = admin("POST", "/_sim/launch");
  EXPECT_EQ(response.status, 404);
  EXPECT_NE(response.body.find("/_sim/help"), std::string::npos);
  EXPECT_EQ(admin("GET", "/_sim/help").status, 200);
}

}  // namespace
}  // namespace cloudvip::sim
