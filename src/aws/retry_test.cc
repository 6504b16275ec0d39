#include "aws/retry.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace cloudvip {
namespace {

Error aws_error(std::string code, int status) {
  Error error(ErrorCode::aws, "EC2 call failed");
  error.aws_code = std::move(code);
  error.http_status = status;
  return error;
}

Error http_error(int status) {
  Error error(ErrorCode::http, "unexpected HTTP status");
  error.http_status = status;
  return error;
}

std::function<double()> fixed(double value) {
  return [value] { return value; };
}

TEST(IsRetryableTest, ThrottlingCodesAreRetriedWhateverTheStatus) {
  for (const char* code :
       {"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException",
        "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
        "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException"}) {
    EXPECT_TRUE(is_retryable(aws_error(code, 400))) << code;
    EXPECT_TRUE(is_throttling(aws_error(code, 503))) << code;
  }
}

TEST(IsRetryableTest, TransientCodesStatusesAndTransportErrorsAreRetried) {
  EXPECT_TRUE(is_retryable(aws_error("RequestTimeout", 400)));
  EXPECT_TRUE(is_retryable(aws_error("RequestTimeoutException", 400)));
  EXPECT_TRUE(is_retryable(aws_error("InternalError", 500)));
  EXPECT_TRUE(is_retryable(aws_error("Unavailable", 503)));
  EXPECT_TRUE(is_retryable(http_error(502)));
  EXPECT_TRUE(is_retryable(http_error(504)));
  EXPECT_TRUE(is_retryable(Error(ErrorCode::network, "connection refused")));
  EXPECT_TRUE(is_retryable(Error(ErrorCode::timeout, "timed out")));
  EXPECT_FALSE(is_throttling(aws_error("InternalError", 500)));
  EXPECT_FALSE(is_throttling(Error(ErrorCode::timeout, "timed out")));
}

TEST(IsRetryableTest, ClientErrorsAndOurOwnErrorsAreNotRetried) {
  EXPECT_FALSE(is_retryable(aws_error("AuthFailure", 401)));
  EXPECT_FALSE(is_retryable(aws_error("UnauthorizedOperation", 403)));
  EXPECT_FALSE(is_retryable(aws_error("DryRunOperation", 412)));
  EXPECT_FALSE(is_retryable(aws_error("SignatureDoesNotMatch", 403)));
  EXPECT_FALSE(is_retryable(aws_error("InvalidParameterValue", 400)));
  EXPECT_FALSE(is_retryable(http_error(404)));
  EXPECT_FALSE(is_retryable(http_error(501)));
  EXPECT_FALSE(is_retryable(Error(ErrorCode::parse, "bad XML")));
  EXPECT_FALSE(is_retryable(Error(ErrorCode::config, "bad config")));
  EXPECT_FALSE(is_retryable(Error(ErrorCode::auth, "no credentials")));
}

TEST(IsRetryableTest, WrappedErrorsKeepTheirRetryability) {
  EXPECT_TRUE(is_retryable(aws_error("RequestLimitExceeded", 503).wrap("ReplaceRoute rtb-1")));
  EXPECT_TRUE(is_retryable(Error(ErrorCode::timeout, "timed out").wrap("DescribeRouteTables")));
}

TEST(RetryOptionsTest, AcceptsOneToTwentyAttempts) {
  ASSERT_TRUE(make_retry_options(1).has_value());
  EXPECT_EQ(make_retry_options(1)->max_attempts, 1);
  EXPECT_EQ(make_retry_options(20)->max_attempts, 20);
  EXPECT_EQ(parse_retry_options(" 5 ", "AWS_MAX_ATTEMPTS")->max_attempts, 5);
}

TEST(RetryOptionsTest, RejectsZeroNegativeAbsurdAndNonNumbersNamingTheSetting) {
  for (int bad : {0, -1, 21, 1000}) {
    auto options = make_retry_options(bad, "AWS_MAX_ATTEMPTS");
    ASSERT_FALSE(options.has_value()) << bad;
    EXPECT_EQ(options.error().code, ErrorCode::invalid_argument);
    EXPECT_NE(options.error().message.find("AWS_MAX_ATTEMPTS: " + std::to_string(bad)), std::string::npos)
        << options.error().message;
    EXPECT_NE(options.error().message.find("1 to 20"), std::string::npos);
  }
  for (const char* bad : {"", "three", "3x", "2.5"}) {
    auto options = parse_retry_options(bad, "max_attempts");
    ASSERT_FALSE(options.has_value()) << bad;
    EXPECT_NE(options.error().message.find("max_attempts: '" + std::string(bad) + "'"), std::string::npos)
        << options.error().message;
  }
}

TEST(RetryStrategyTest, DelaysGrowExponentiallyWithJitter) {
  RetryStrategy strategy({.max_attempts = 20}, fixed(0.5));
  Error error = aws_error("RequestLimitExceeded", 503);
  EXPECT_EQ(strategy.retry_delay(error, 1), Millis(500));
  EXPECT_EQ(strategy.retry_delay(error, 2), Millis(1000));
  EXPECT_EQ(strategy.retry_delay(error, 3), Millis(2000));
  EXPECT_EQ(strategy.retry_delay(error, 5), Millis(8000));
}

TEST(RetryStrategyTest, DelayIsCappedAtMaxBackoff) {
  RetryStrategy strategy({.max_attempts = 20}, fixed(0.9999999));
  Error error = http_error(503);
  EXPECT_EQ(strategy.retry_delay(error, 10), Millis(20000));
  EXPECT_EQ(strategy.retry_delay(error, 19), Millis(20000));
  RetryStrategy zero({.max_attempts = 20}, fixed(0.0));
  EXPECT_EQ(zero.retry_delay(error, 10), Millis(0));
}

TEST(RetryStrategyTest, NoRetryOnceAttemptsAreUsedUpOrErrorIsNotRetryable) {
  RetryStrategy strategy({.max_attempts = 3}, fixed(0.5));
  EXPECT_TRUE(strategy.retry_delay(http_error(503), 2).has_value());
  EXPECT_FALSE(strategy.retry_delay(http_error(503), 3).has_value());
  EXPECT_FALSE(strategy.retry_delay(aws_error("AuthFailure", 401), 1).has_value());
  EXPECT_EQ(strategy.quota_available(), 495);  // only the granted retry was paid for
}

TEST(WithRetriesTest, GivesUpAtMaxAttemptsKeepingTheLastError) {
  RetryStrategy strategy({.max_attempts = 3}, fixed(0.5));
  FakeClock clock;
  int calls = 0;
  Result<int> result = with_retries<int>(strategy, clock, [&]() -> Result<int> {
    ++calls;
    Error error = aws_error("RequestLimitExceeded", 503);
    error.request_id = "req-" + std::to_string(calls);
    return fail(error);
  });
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(result.error().aws_code, "RequestLimitExceeded");
  EXPECT_EQ(result.error().request_id, "req-3");
  EXPECT_EQ(clock.sleep_calls(), 2);
  EXPECT_EQ(clock.total_slept(), Millis(500 + 1000));
  EXPECT_EQ(strategy.quota_available(), 490);
}

TEST(WithRetriesTest, SucceedsOnTheSecondAttemptAndRefundsTheRetry) {
  RetryStrategy strategy({}, fixed(0.5));
  FakeClock clock;
  int calls = 0;
  Result<int> result = with_retries<int>(strategy, clock, [&]() -> Result<int> {
    if (++calls == 1) {
      return fail(http_error(500));
    }
    return 42;
  });
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, 42);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(clock.total_slept(), Millis(500));
  EXPECT_EQ(strategy.quota_available(), 500);
}

TEST(WithRetriesTest, DoesNotRetryClientErrors) {
  for (const Error& error : {aws_error("AuthFailure", 401), aws_error("UnauthorizedOperation", 403),
                             aws_error("DryRunOperation", 412), aws_error("InvalidParameterValue", 400)}) {
    RetryStrategy strategy({}, fixed(0.5));
    FakeClock clock;
    int calls = 0;
    Result<int> result = with_retries<int>(strategy, clock, [&]() -> Result<int> {
      ++calls;
      return fail(error);
    });
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().aws_code, error.aws_code);
    EXPECT_EQ(calls, 1) << error.aws_code;
    EXPECT_EQ(clock.sleep_calls(), 0);
    EXPECT_EQ(strategy.quota_available(), 500);
  }
}

TEST(RetryQuotaTest, DrainsUntilNoRetryIsGrantedAndRefundsRestoreIt) {
  RetryStrategy strategy({.max_attempts = 20}, fixed(0.0));
  Error error = http_error(503);
  int granted = 0;
  for (int i = 0; i < 1000 && strategy.retry_delay(error, 1).has_value(); ++i) {
    ++granted;
  }
  EXPECT_EQ(granted, 100);  // 500 tokens / 5
  EXPECT_EQ(strategy.quota_available(), 0);
  EXPECT_FALSE(strategy.retry_delay(error, 1).has_value());

  strategy.on_success(1);  // +1: not enough for a retry yet
  EXPECT_EQ(strategy.quota_available(), 1);
  EXPECT_FALSE(strategy.retry_delay(error, 1).has_value());
  strategy.on_success(2, 5);
  EXPECT_EQ(strategy.quota_available(), 6);
  EXPECT_TRUE(strategy.retry_delay(error, 1).has_value());
  EXPECT_EQ(strategy.quota_available(), 1);
}

TEST(RetryQuotaTest, WithRetriesStopsRetryingWhenTheQuotaIsExhausted) {
  RetryStrategy strategy({.max_attempts = 3, .quota_capacity = 12}, fixed(0.5));
  FakeClock clock;
  int calls = 0;
  auto failing = [&]() -> Result<int> {
    ++calls;
    return fail(http_error(503));
  };
  EXPECT_FALSE(with_retries<int>(strategy, clock, failing).has_value());
  EXPECT_EQ(calls, 3);  // two retries, 10 tokens
  calls = 0;
  EXPECT_FALSE(with_retries<int>(strategy, clock, failing).has_value());
  EXPECT_EQ(calls, 1);  // 2 tokens left: no retry
}

TEST(RetryQuotaTest, TimeoutsCostTenAndTheirRefundIsTen) {
  RetryStrategy strategy({}, fixed(0.5));
  EXPECT_EQ(strategy.retry_cost(Error(ErrorCode::timeout, "timed out")), 10);
  EXPECT_EQ(strategy.retry_cost(Error(ErrorCode::network, "reset")), 5);
  FakeClock clock;
  int calls = 0;
  int quota_after_retry = 0;
  Result<int> result = with_retries<int>(strategy, clock, [&]() -> Result<int> {
    if (++calls == 1) {
      return fail(Error(ErrorCode::timeout, "timed out"));
    }
    quota_after_retry = strategy.quota_available();
    return 1;
  });
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(quota_after_retry, 490);
  EXPECT_EQ(strategy.quota_available(), 500);
}

TEST(RetryQuotaTest, RefundsNeverExceedCapacity) {
  RetryStrategy strategy({}, fixed(0.5));
  strategy.on_success(1);
  strategy.on_success(3, 10);
  EXPECT_EQ(strategy.quota_available(), 500);
}

// After attempt 2 the delay is uniform in [0, 2 s]: every sample lies within, and 90 samples spread over the
// range (all of them in one half of it has a probability of 2 * 0.75^90, about 1e-11).
TEST(RetryStrategyTest, DefaultJitterStaysWithinBounds) {
  RetryStrategy strategy({.max_attempts = 20});
  Millis lowest(2001), highest(-1);
  for (int i = 0; i < 90; ++i) {  // 90 retries cost 450 of the 500 tokens
    std::optional<Millis> delay = strategy.retry_delay(http_error(503), 2);
    ASSERT_TRUE(delay.has_value()) << "sample " << i;
    EXPECT_GE(delay->count(), 0);
    EXPECT_LE(delay->count(), 2000);
    lowest = std::min(lowest, *delay);
    highest = std::max(highest, *delay);
  }
  EXPECT_LT(lowest.count(), 500) << "the jitter never went low: not uniform from 0";
  EXPECT_GT(highest.count(), 1500) << "the jitter never went high: not uniform up to the 2 s cap";
}

TEST(RetryStrategyTest, SharedByThreadsKeepsTheQuotaConsistent) {
  RetryStrategy strategy({.max_attempts = 3});  // the default, thread-safe jitter
  FakeClock clock;
  std::atomic<int> calls{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        int attempt = 0;
        auto result = with_retries<int>(strategy, clock, [&]() -> Result<int> {
          ++calls;
          if (++attempt == 1) {
            return fail(http_error(503));
          }
          return attempt;
        });
        EXPECT_TRUE(result.has_value());
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(calls.load(), 4 * 50 * 2);
  EXPECT_EQ(clock.sleep_calls(), 4 * 50);
  EXPECT_EQ(strategy.quota_available(), 500);  // every retry was refunded
}

TEST(JitterSeedTest, SeedsDifferFromCallToCall) {
  // Two equal 64-bit draws from getrandom(2) would mean it is not being used (or is broken).
  EXPECT_NE(jitter_seed(), jitter_seed());
}

}  // namespace
}  // namespace cloudvip
