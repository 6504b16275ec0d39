#include "sim/call_log.h"

#include <gtest/gtest.h>

namespace cloudvip::sim {
namespace {

TEST(RedactParams, KeepsEc2ParametersAndHidesAnythingCredentialShaped) {
  auto out = redact_params({{"Action", "ReplaceRoute"},
                            {"DestinationCidrBlock", "10.0.0.0/16"},
                            {"NextToken", "page-2"},
                            {"X-Amz-Signature", "abc123"},
                            {"X-Amz-Security-Token", "tok"},
                            {"SecretAccessKey", "s3cr3t"},
                            {"Password", "hunter2"},
                            {"SessionToken", "tok2"}});
  std::vector<std::pair<std::string, std::string>> expected = {
      {"Action", "ReplaceRoute"}, {"DestinationCidrBlock", "10.0.0.0/16"},
      {"NextToken", "page-2"},    {"SecretAccessKey", "(redacted)"},
      {"Password", "(redacted)"}, {"SessionToken", "(redacted)"}};
  EXPECT_EQ(out, expected);
}

TEST(CallLog, SinceReturnsOnlyNewerRecordsAndSequenceSurvivesClear) {
  CallLog log;
  EXPECT_EQ(log.append({.kind = "ec2", .action = "DescribeRouteTables", .status = 200}), 1u);
  EXPECT_EQ(log.append({.kind = "imds", .path = "/latest/meta-data/", .status = 200}), 2u);
  EXPECT_EQ(log.since(0).size(), 2u);
  auto newer = log.since(1);
  ASSERT_EQ(newer.size(), 1u);
  EXPECT_EQ(newer[0].kind, "imds");

  log.clear();
  EXPECT_TRUE(log.since(0).empty());
  EXPECT_EQ(log.append({.kind = "ec2", .action = "ReplaceRoute"}), 3u);
  auto json = log.to_json(0);
  EXPECT_EQ(json["last_seq"], 3);
  ASSERT_EQ(json["calls"].size(), 1u);
  EXPECT_EQ(json["calls"][0]["action"], "ReplaceRoute");
  EXPECT_EQ(json["calls"][0]["seq"], 3);
}

TEST(CallLog, JsonCarriesTheFieldsOfEachKind) {
  CallLog log;
  log.append({.time = TimePoint(std::chrono::seconds(1440000000)),
              .kind = "ec2",
              .action = "ReplaceRoute",
              .params = {{"RouteTableId", "rtb-0a1b2c3d"}},
              .access_key_id = "AKIAEXAMPLE",
              .request_id = "req-1",
              .status = 503,
              .error_code = "RequestLimitExceeded",
              .latency = Millis(12)});
  log.append({.kind = "imds",
              .instance_id = "i-0a1b2c3d",
              .method = "GET",
              .path = "/latest/meta-data/mac",
              .status = 401});
  auto calls = log.to_json(0)["calls"];
  EXPECT_EQ(calls[0]["time"], "2015-08-19T16:00:00Z");
  EXPECT_EQ(calls[0]["params"][0][0], "RouteTableId");
  EXPECT_EQ(calls[0]["access_key_id"], "AKIAEXAMPLE");
  EXPECT_EQ(calls[0]["error_code"], "RequestLimitExceeded");
  EXPECT_EQ(calls[0]["latency_ms"], 12);
  EXPECT_EQ(calls[1]["instance_id"], "i-0a1b2c3d");
  EXPECT_EQ(calls[1]["status"], 401);
  EXPECT_FALSE(calls[1].contains("access_key_id"));
}

}  // namespace
}  // namespace cloudvip::sim
