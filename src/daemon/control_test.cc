#include "daemon/control.h"

#include <gtest/gtest.h>

namespace cloudvip {
namespace {

TEST(ControlProtocolTest, RequestRoundTrips) {
  ControlRequest request{"acquire", "iris", "", Millis(2500)};
  nlohmann::json json = to_json(request);
  EXPECT_EQ(json, nlohmann::json::parse(R"({"op":"acquire","vip":"iris","timeout_ms":2500})"));
  Result<ControlRequest> back = parse_control_request(json);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(*back, request);

  ControlRequest notify{"notify", std::nullopt, "standby", std::nullopt};
  EXPECT_EQ(to_json(notify), nlohmann::json::parse(R"({"op":"notify","role":"standby"})"));
  EXPECT_EQ(parse_control_request(to_json(notify)).value(), notify);
}

TEST(ControlProtocolTest, NullFieldsMeanAbsentAndUnknownFieldsAreIgnored) {
  Result<ControlRequest> r =
      parse_control_request(nlohmann::json::parse(R"({"op":"status","vip":null,"newer":"field"})"));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(*r, (ControlRequest{"status", std::nullopt, "", std::nullopt}));
}

TEST(ControlProtocolTest, MalformedRequestsAreParseErrorsNamingTheField) {
  struct Case {
    const char* json;
    const char* says;
  };
  for (const Case& c :
       {Case{R"([1,2])", "expected a JSON object"}, Case{R"({})", "'op' is missing"},
        Case{R"({"op":7})", "'op' must be a string"}, Case{R"({"op":"reboot"})", "'op' is 'reboot'"},
        Case{R"({"op":"status","vip":""})", "'vip' is empty"},
        Case{R"({"op":"status","vip":3})", "'vip' must be a string"},
        Case{R"({"op":"notify"})", "notify needs 'role' primary or standby, not nothing"},
        Case{R"({"op":"notify","role":"leader"})", "not 'leader'"},
        Case{R"({"op":"acquire","role":"primary"})", "'role' is only for notify"},
        Case{R"({"op":"acquire","timeout_ms":-1})", "'timeout_ms' must be a whole number"},
        Case{R"({"op":"acquire","timeout_ms":1.5})", "'timeout_ms' must be a whole number"}}) {
    Result<ControlRequest> r = parse_control_request(nlohmann::json::parse(c.json));
    ASSERT_FALSE(r) << c.json;
    EXPECT_EQ(r.error().code, ErrorCode::parse) << c.json;
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << c.json << ": " << r.error().message;
  }
}

TEST(ControlProtocolTest, AnswerRoundTripsAndOmitsAnEmptyError) {
  ControlAnswer answer{3, "vip iris: rtb-1 ok\n", nlohmann::json{{"vips", nlohmann::json::array()}}, ""};
  nlohmann::json json = to_json(answer);
  EXPECT_FALSE(json.contains("error"));
  EXPECT_EQ(parse_control_answer(json).value(), answer);

  ControlAnswer failed{1, "", nlohmann::json::object(), "no such vip 'x'"};
  EXPECT_EQ(to_json(failed)["error"], "no such vip 'x'");
  EXPECT_EQ(parse_control_answer(to_json(failed)).value(), failed);
}

TEST(ControlProtocolTest, MalformedAnswersAreParseErrors) {
  for (const char* bad : {R"("ok")", R"({})", R"({"exit_code":"0"})", R"({"exit_code":256})",
                          R"({"exit_code":0,"text":5})", R"({"exit_code":0,"error":[]})"}) {
    Result<ControlAnswer> r = parse_control_answer(nlohmann::json::parse(bad));
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::parse) << bad;
  }
  Result<ControlAnswer> minimal = parse_control_answer(nlohmann::json::parse(R"({"exit_code":0})"));
  ASSERT_TRUE(minimal);
  EXPECT_EQ(minimal->text, "");
  EXPECT_EQ(minimal->json, nlohmann::json::object());
}

}  // namespace
}  // namespace cloudvip
