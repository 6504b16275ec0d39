// Ec2Client in failover mode (set_retry_deadline): calls and batches retry until the deadline.
#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "aws/ec2_client.h"
#include "testing/fake_transport.h"

namespace cloudvip {
namespace {

using cloudvip::testing::FakeTransport;

std::string error_document(std::string_view code) {
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{}</Code><Message>"
      "message of {}</Message></Error></Errors><RequestID>r</RequestID></Response>",
      code, code);
}

std::string success(std::string_view action) {
  return fmt::format("<{0}Response><requestId>ok</requestId><return>true</return></{0}Response>", action);
}

std::string param(const HttpRequest& request, std::string_view name) {
  Result<QueryParams> params = form_decode(request.body);
  return params ? params->get(std::string(name)).value_or("") : "";
}

struct Harness {
  explicit Harness(RetryOptions retry = {})
      : credentials(Credentials{"AKIDEXAMPLE", "secret", "", std::nullopt, "test"}),
        client(transport, credentials, clock,
               Ec2ClientOptions{"http://127.0.0.1:9", "us-east-1", retry, Millis(5000), Millis(1000),
                                [] { return 0.5; }},
               logger) {}

  FakeTransport transport;
  StaticCredentialsProvider credentials;
  FakeClock clock;
  CapturingLogger logger;
  Ec2Client client;
};

// Fails the first `failures` attempts of every call with `code` (a 500 or a 503), then succeeds.
FakeTransport::Handler failing_first(int failures, std::string code, int status,
                                     std::map<std::string, int>& seen, std::mutex& mutex) {
  return [=, &seen, &mutex](const HttpRequest& request) -> Result<HttpResponse> {
    std::string key = param(request, "Action") + "/" + param(request, "RouteTableId");
    int n = 0;
    {
      std::lock_guard lock(mutex);
      n = ++seen[key];
    }
    if (n <= failures) {
      return FakeTransport::response(status, error_document(code));
    }
    return FakeTransport::response(200, success(param(request, "Action")));
  };
}

TEST(Ec2ClientDeadlineTest, WithoutADeadlineACallGivesUpAfterThreeAttempts) {
  Harness h;
  std::map<std::string, int> seen;
  std::mutex mutex;
  h.transport.set_handler(failing_first(6, "InternalError", 500, seen, mutex));
  Result<Ec2Response> response = h.client.call("DescribeRouteTables", {});
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().aws_code, "InternalError");
  EXPECT_EQ(h.transport.request_count(), 3u);
}

TEST(Ec2ClientDeadlineTest, WithADeadlineACallKeepsTryingAndSucceeds) {
  Harness h;
  std::map<std::string, int> seen;
  std::mutex mutex;
  h.transport.set_handler(failing_first(6, "InternalError", 500, seen, mutex));
  h.client.set_retry_deadline(RetryDeadline{.at = h.clock.now() + Millis(10000)});
  Result<Ec2Response> response = h.client.call("DescribeRouteTables", {});
  ASSERT_TRUE(response.has_value()) << response.error().to_string();
  EXPECT_EQ(h.transport.request_count(), 7u);
  std::vector<HttpRequest> sent = h.transport.requests();
  EXPECT_EQ(sent.back().headers.get("amz-sdk-request").value_or(""),
            fmt::format("attempt=7; max={}", k_deadline_attempts_limit));
}

TEST(Ec2ClientDeadlineTest, AttemptTimeoutsAreCutToTheTimeLeft) {
  Harness h;
  h.transport.set_handler([&](const HttpRequest&) -> Result<HttpResponse> {
    h.clock.advance(Millis(400));  // each attempt takes 400 ms of the budget
    return fail(ErrorCode::timeout, "no answer");
  });
  const TimePoint start = h.clock.now();
  h.client.set_retry_deadline(RetryDeadline{.at = start + Millis(2000)});
  Result<Ec2Response> response = h.client.call("DescribeRouteTables", {});
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().code, ErrorCode::timeout);
  std::vector<HttpRequest> sent = h.transport.requests();
  ASSERT_GE(sent.size(), 3u);
  EXPECT_EQ(sent.front().timeout, Millis(2000));  // not the client's 5 s
  for (const HttpRequest& request : sent) {
    EXPECT_GE(request.timeout, Millis(250));
    EXPECT_LE(request.timeout, Millis(2000));
    EXPECT_LE(request.connect_timeout, request.timeout);
  }
  EXPECT_LE(h.clock.now() - start, Millis(2000 + 400));
}

TEST(Ec2ClientDeadlineTest, ABatchRetriesOnlyTheCallsThatFailedUntilTheyAllSucceed) {
  Harness h;
  std::mutex mutex;
  std::map<std::string, int> seen;
  h.transport.set_handler([&](const HttpRequest& request) -> Result<HttpResponse> {
    std::string table = param(request, "RouteTableId");
    int n = 0;
    {
      std::lock_guard lock(mutex);
      n = ++seen[table];
    }
    if (table == "rtb-2" && n <= 5) {
      return FakeTransport::response(503, error_document("RequestLimitExceeded"));
    }
    if (table == "rtb-3" && n <= 2) {
      return FakeTransport::response(500, error_document("InternalError"));
    }
    if (table == "rtb-4") {
      return FakeTransport::response(400, error_document("InvalidRouteTableID.NotFound"));
    }
    return FakeTransport::response(200, success("ReplaceRoute"));
  });
  h.client.set_retry_deadline(RetryDeadline{.at = h.clock.now() + Millis(10000)});
  std::vector<Ec2Call> calls;
  for (int i = 1; i <= 4; ++i) {
    calls.push_back(
        *replace_route_call({"rtb-" + std::to_string(i), "192.168.100.10/32", "eni-1", "", false}));
  }
  std::vector<Result<Ec2Response>> results = h.client.call_all(calls);
  ASSERT_EQ(results.size(), 4u);
  EXPECT_TRUE(results[0].has_value());
  EXPECT_TRUE(results[1].has_value());
  EXPECT_TRUE(results[2].has_value());
  ASSERT_FALSE(results[3].has_value());
  EXPECT_EQ(results[3].error().aws_code, "InvalidRouteTableID.NotFound");
  EXPECT_EQ(results[3].error().aws_message, "message of InvalidRouteTableID.NotFound");
  EXPECT_EQ(seen["rtb-1"], 1);  // succeeded at once: never sent again
  EXPECT_EQ(seen["rtb-2"], 6);
  EXPECT_EQ(seen["rtb-3"], 3);
  EXPECT_EQ(seen["rtb-4"], 1);  // not retryable: stopped at once
}

TEST(Ec2ClientDeadlineTest, ScopedDeadlineRestoresTheStandardMode) {
  Harness h;
  {
    ScopedRetryDeadline scope(h.client, RetryDeadline{.at = h.clock.now() + Millis(1000)});
    EXPECT_TRUE(h.client.retry_deadline().has_value());
  }
  EXPECT_FALSE(h.client.retry_deadline().has_value());
}

}  // namespace
}  // namespace cloudvip
