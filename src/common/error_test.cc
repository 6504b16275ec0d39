#include "common/error.h"

#include <gtest/gtest.h>

namespace cloudvip {
namespace {

TEST(ErrorTest, WrapKeepsCauseAndAwsFields) {
  Error inner(ErrorCode::aws, "ReplaceRoute rtb-1 failed");
  inner.aws_code = "RequestLimitExceeded";
  inner.aws_message = "Request limit exceeded.";
  inner.http_status = 503;
  inner.request_id = "req-1";
  Error outer = inner.wrap("acquire 10.0.0.1");
  EXPECT_EQ(outer.code, ErrorCode::aws);
  EXPECT_EQ(outer.aws_code, "RequestLimitExceeded");
  ASSERT_NE(outer.cause, nullptr);
  EXPECT_EQ(outer.cause->message, "ReplaceRoute rtb-1 failed");
  EXPECT_EQ(
      outer.to_string(),
      "acquire 10.0.0.1: ReplaceRoute rtb-1 failed [RequestLimitExceeded, Request limit exceeded., HTTP 503, "
      "request id req-1]");
}

TEST(ErrorTest, PlainErrorPrintsMessageOnly) {
  Error e(ErrorCode::config, "route_tables[0]: 'x' is not a route table id");
  EXPECT_EQ(e.to_string(), "route_tables[0]: 'x' is not a route table id");
  EXPECT_EQ(to_string(e.code), "configuration error");
}

TEST(ErrorTest, ResultCarriesErrorOrValue) {
  auto half = [](int v) -> Result<int> {
    if (v % 2 != 0) {
      return fail(ErrorCode::invalid_argument, "odd");
    }
    return v / 2;
  };
  EXPECT_EQ(half(4).value(), 2);
  ASSERT_FALSE(half(3).has_value());
  EXPECT_EQ(half(3).error().message, "odd");
}

}  // namespace
}  // namespace cloudvip
