// The failover mode of the retry strategy (RetryDeadline): retries until the deadline, not a count.
#include <gtest/gtest.h>

#include "aws/retry.h"

namespace cloudvip {
namespace {

Error aws_error(std::string code, int status) {
  Error error(ErrorCode::aws, "EC2 call failed");
  error.aws_code = std::move(code);
  error.http_status = status;
  return error;
}

std::function<double()> fixed(double value) {
  return [value] { return value; };
}

Result<int> always_failing(int& calls, const Error& error) {
  ++calls;
  return fail(error);
}

TEST(RetryDeadlineTest, RetriesUntilTheDeadlineNotAFixedCount) {
  FakeClock clock;
  const TimePoint start = clock.now();
  RetryStrategy strategy({}, fixed(0.5));  // max_attempts 3, not explicit
  RetryDeadline deadline{.at = start + Millis(10000)};
  int calls = 0;
  Result<int> result = with_retries<int>(
      strategy, clock, [&] { return always_failing(calls, aws_error("InternalError", 500)); }, deadline);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().aws_code, "InternalError");
  // Jitter 0.5: waits of 50, 100, 200, 400 ms, then 500 ms (the 1 s cap) until 250 ms before the deadline:
  // the last attempt starts at 9750 ms, attempt 5 + 18 = 23.
  EXPECT_EQ(calls, 23);
  EXPECT_EQ(clock.now() - start, Millis(9750));
  EXPECT_EQ(strategy.retries_granted(), 22);
}

TEST(RetryDeadlineTest, TheLastWaitIsCutToTheDeadline) {
  FakeClock clock;
  const TimePoint start = clock.now();
  RetryStrategy strategy({}, fixed(0.99));
  RetryDeadline deadline{.at = start + Millis(1000)};
  int calls = 0;
  with_retries<int>(
      strategy, clock, [&] { return always_failing(calls, aws_error("RequestLimitExceeded", 503)); },
      deadline);
  // 99 ms, 198 ms, 396 ms: 693; then 57 ms are left before 750 ms (1000 - min_attempt).
  EXPECT_EQ(calls, 5);
  EXPECT_EQ(clock.now() - start, Millis(750));
}

TEST(RetryDeadlineTest, SucceedsAfterManyRetriesWithinTheDeadline) {
  FakeClock clock;
  RetryStrategy strategy({}, fixed(0.5));
  RetryDeadline deadline{.at = clock.now() + Millis(10000)};
  int calls = 0;
  Result<int> result = with_retries<int>(
      strategy, clock,
      [&]() -> Result<int> {
        if (++calls < 8) {
          return fail(aws_error("RequestLimitExceeded", 503));
        }
        return 42;
      },
      deadline);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, 42);
  EXPECT_EQ(calls, 8);
}

TEST(RetryDeadlineTest, WithoutADeadlineMaxAttemptsStillRules) {
  FakeClock clock;
  RetryStrategy strategy({}, fixed(0.5));
  int calls = 0;
  with_retries<int>(strategy, clock, [&] { return always_failing(calls, aws_error("InternalError", 500)); });
  EXPECT_EQ(calls, 3);
}

TEST(RetryDeadlineTest, AnExplicitMaxAttemptsBindsTheFailoverToo) {
  FakeClock clock;
  RetryStrategy strategy(*make_retry_options(4), fixed(0.5));
  RetryDeadline deadline{.at = clock.now() + Millis(10000)};
  int calls = 0;
  with_retries<int>(
      strategy, clock, [&] { return always_failing(calls, aws_error("InternalError", 500)); }, deadline);
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(strategy.attempt_limit(true), 4);
  EXPECT_EQ(RetryStrategy().attempt_limit(true), k_deadline_attempts_limit);
}

TEST(RetryDeadlineTest, NonRetryableErrorsStopAtOnceWithTheirMessage) {
  for (const char* code : {"UnauthorizedOperation", "InvalidRouteTableID.NotFound", "AuthFailure"}) {
    FakeClock clock;
    RetryStrategy strategy({}, fixed(0.5));
    RetryDeadline deadline{.at = clock.now() + Millis(10000)};
    int calls = 0;
    Error error = aws_error(code, code[0] == 'I' ? 400 : 403);
    error.aws_message = std::string("message of ") + code;
    Result<int> result = with_retries<int>(
        strategy, clock, [&] { return always_failing(calls, error); }, deadline);
    EXPECT_EQ(calls, 1) << code;
    EXPECT_EQ(clock.sleep_calls(), 0) << code;
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().aws_message, std::string("message of ") + code);
  }
}

TEST(RetryDeadlineTest, NoRetryWhenTheDeadlineHasPassedOrIsTooClose) {
  FakeClock clock;
  RetryStrategy strategy({}, fixed(0.5));
  Error error = aws_error("InternalError", 500);
  EXPECT_FALSE(strategy.retry_delay(error, 1, RetryDeadline{.at = clock.now() - Millis(1)}, clock.now()));
  EXPECT_FALSE(strategy.retry_delay(error, 1, RetryDeadline{.at = clock.now() + Millis(250)}, clock.now()));
  EXPECT_EQ(strategy.retry_delay(error, 1, RetryDeadline{.at = clock.now() + Millis(260)}, clock.now()),
            Millis(10));
}

TEST(RetryDeadlineTest, AnEmptyQuotaDoesNotStarveTheFailover) {
  Error error = aws_error("InternalError", 500);
  FakeClock clock;
  // A quota of two retries' worth.
  RetryStrategy small(RetryOptions{.max_attempts = 20, .quota_capacity = 10}, fixed(0.5));
  int calls = 0;
  with_retries<int>(small, clock, [&] { return always_failing(calls, error); });
  EXPECT_EQ(calls, 3);  // standard mode: the quota ends it
  EXPECT_EQ(small.quota_available(), 0);

  RetryDeadline deadline{.at = clock.now() + Millis(5000)};
  calls = 0;
  with_retries<int>(
      small, clock, [&] { return always_failing(calls, error); }, deadline);
  EXPECT_GT(calls, 3);  // failover mode: charged, not refused
  EXPECT_EQ(small.retries_over_quota(), calls - 1);
  EXPECT_EQ(small.quota_available(), 0);
}

TEST(RetryDeadlineTest, TimeoutsAndConnectionErrorsAreRetriedUntilTheDeadline) {
  for (ErrorCode code : {ErrorCode::timeout, ErrorCode::network}) {
    FakeClock clock;
    RetryStrategy strategy({}, fixed(0.5));
    RetryDeadline deadline{.at = clock.now() + Millis(3000)};
    int calls = 0;
    with_retries<int>(
        strategy, clock, [&] { return always_failing(calls, Error(code, "no answer")); }, deadline);
    EXPECT_GT(calls, 3);
  }
}

}  // namespace
}  // namespace cloudvip
