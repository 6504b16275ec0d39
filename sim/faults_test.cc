#include "sim/faults.h"

#include <gtest/gtest.h>

namespace cloudvip::sim {
namespace {

using Json = nlohmann::json;

TEST(Faults, FailNextFailsExactlyTheNextNCallsOfThatAction) {
  Faults faults;
  ASSERT_TRUE(faults.apply_json(Json::parse(
      R"({"fail_next":[{"action":"ReplaceRoute","count":2,"code":"RequestLimitExceeded","status":503}]})")));
  EXPECT_FALSE(faults.injected_error("DescribeRouteTables"));
  auto first = faults.injected_error("ReplaceRoute");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->code, "RequestLimitExceeded");
  EXPECT_EQ(first->message, "Request limit exceeded.");
  EXPECT_EQ(first->http_status, 503);
  EXPECT_TRUE(faults.injected_error("ReplaceRoute"));
  EXPECT_FALSE(faults.injected_error("ReplaceRoute"));
  EXPECT_TRUE(faults.to_json()["fail_next"].empty());
}

TEST(Faults, ErrorRateIsSeededSoRunsRepeat) {
  auto draws = [] {
    Faults faults({}, 42);
    EXPECT_TRUE(faults.apply_json(Json::parse(R"({"error_rate":{"rate":0.5}})")));
    std::string pattern;
    for (int i = 0; i < 64; ++i) {
      auto e = faults.injected_error("DescribeRouteTables");
      pattern += e ? 'x' : '.';
      if (e) {
        EXPECT_EQ(e->code, "InternalError");
        EXPECT_EQ(e->http_status, 500);
      }
    }
    return pattern;
  };
  std::string a = draws();
  EXPECT_EQ(a, draws());
  EXPECT_NE(a.find('x'), std::string::npos);
  EXPECT_NE(a.find('.'), std::string::npos);
}

TEST(Faults, LatencyIsFixedPlusJitterWithinBounds) {
  Faults faults({.latency = Millis(20), .jitter = Millis(10)});
  for (int i = 0; i < 100; ++i) {
    Millis d = faults.next_latency();
    ASSERT_GE(d, Millis(20));
    ASSERT_LE(d, Millis(30));
  }
}

TEST(Faults, BadJsonNamesTheFieldAndChangesNothing) {
  Faults faults;
  auto bad = faults.apply_json(Json::parse(R"({"latency_ms":5,"error_rate":{"rate":2}})"));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("error_rate.rate"), std::string::npos) << bad.error().message;
  EXPECT_EQ(faults.settings().latency, Millis(0));

  auto unknown = faults.apply_json(Json::parse(R"({"latncy_ms":5})"));
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("latncy_ms"), std::string::npos);

  auto missing_code = faults.apply_json(Json::parse(R"({"fail_next":[{"action":"ReplaceRoute"}]})"));
  ASSERT_FALSE(missing_code);
  EXPECT_NE(missing_code.error().message.find("fail_next[0].code"), std::string::npos);

  auto outage = faults.apply_json(Json::parse(R"({"imds":{"outage":"sometimes"}})"));
  ASSERT_FALSE(outage);
  EXPECT_NE(outage.error().message.find("imds.outage"), std::string::npos);
}

TEST(Faults, ResetReturnsToTheStartSettings) {
  Faults faults({.throttle = false, .lag = Millis(100)});
  ASSERT_TRUE(faults.apply_json(
      Json::parse(R"({"throttle":true,"lag_ms":0,"imds":{"delay_ms":5,"outage":"close"},"latency_ms":7})")));
  EXPECT_TRUE(faults.throttle());
  EXPECT_EQ(faults.imds_outage(), ImdsOutage::close);
  EXPECT_EQ(faults.imds_delay(), Millis(5));
  faults.reset();
  EXPECT_FALSE(faults.throttle());
  EXPECT_EQ(faults.lag(), Millis(100));
  EXPECT_EQ(faults.imds_outage(), ImdsOutage::none);
  EXPECT_EQ(faults.settings().latency, Millis(0));
}

TEST(Faults, ToJsonRoundTrips) {
  Faults faults;
  Json in = Json::parse(
      R"({"latency_ms":3,"jitter_ms":1,"throttle":false,"error_rate":{"rate":0.25,"code":"Unavailable","status":503},
          "fail_next":[{"action":"*","count":1,"code":"InternalError","status":500}],
          "imds":{"delay_ms":4,"outage":"503"},"lag_ms":9})");
  ASSERT_TRUE(faults.apply_json(in));
  EXPECT_EQ(faults.to_json(), in);
}

}  // namespace
}  // namespace cloudvip::sim
