#include "aws/retry.h"

#include <sys/random.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <mutex>
#include <random>
#include <string>

#include "common/strings.h"

namespace cloudvip {
namespace {

// aws-protocol.md §3.1 (botocore retries/standard.py).
constexpr std::array<std::string_view, 14> k_throttling_codes = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
};

constexpr std::array<std::string_view, 3> k_transient_codes = {
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
};

constexpr std::array<int, 4> k_transient_statuses = {500, 502, 503, 504};

template <class Range, class Value>
bool contains(const Range& range, const Value& value) {
  return std::find(range.begin(), range.end(), value) != range.end();
}

// Thread-safe: several calls of one client draw jitter at once.
std::function<double()> default_uniform01() {
  struct Generator {
    std::mutex mutex;
    std::mt19937_64 engine{jitter_seed()};
    std::uniform_real_distribution<double> distribution{0.0, 1.0};
  };
  auto generator = std::make_shared<Generator>();
  return [generator] {
    std::lock_guard lock(generator->mutex);
    return generator->distribution(generator->engine);
  };
}

}  // namespace

std::uint64_t jitter_seed() {
  std::uint64_t seed = 0;
  if (::getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == static_cast<ssize_t>(sizeof(seed))) {
    return seed;
  }
  return static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
}

bool is_throttling(const Error& error) {
  return !error.aws_code.empty() && contains(k_throttling_codes, std::string_view(error.aws_code));
}

bool is_retryable(const Error& error) {
  switch (error.code) {
    case ErrorCode::network:
    case ErrorCode::timeout:
      return true;
    case ErrorCode::aws:
    case ErrorCode::http:
      return is_throttling(error) || contains(k_transient_codes, std::string_view(error.aws_code)) ||
             contains(k_transient_statuses, error.http_status);
    default:
      // Our own mistakes (parse, config, auth, invalid_argument, ...) do not get better by asking again.
      return false;
  }
}

Result<RetryOptions> make_retry_options(int max_attempts, std::string_view setting) {
  if (max_attempts < 1 || max_attempts > k_max_attempts_limit) {
    return fail(ErrorCode::invalid_argument,
                std::string(setting) + ": " + std::to_string(max_attempts) +
                    " is not a valid number of attempts (expected 1 to " +
                    std::to_string(k_max_attempts_limit) +
                    ", counting the first attempt; 3 is the AWS default, 1 turns retries off)");
  }
  RetryOptions options;
  options.max_attempts = max_attempts;
  options.max_attempts_explicit = true;
  return options;
}

Result<RetryOptions> parse_retry_options(std::string_view max_attempts, std::string_view setting) {
  std::string_view text = trim(max_attempts);
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return fail(ErrorCode::invalid_argument,
                std::string(setting) + ": '" + std::string(max_attempts) +
                    "' is not a number of attempts (expected a whole number from 1 to " +
                    std::to_string(k_max_attempts_limit) + ", e.g. 3)");
  }
  return make_retry_options(value, setting);
}

struct RetryStrategy::State {
  RetryOptions options;
  std::function<double()> uniform01;
  mutable std::mutex mutex;
  int available = 0;
  int granted = 0;
  int over_quota = 0;
};

RetryStrategy::RetryStrategy(RetryOptions options, std::function<double()> uniform01)
    : m_state(std::make_shared<State>()) {
  options.max_attempts = std::max(options.max_attempts, 1);
  m_state->options = options;
  m_state->uniform01 = uniform01 ? std::move(uniform01) : default_uniform01();
  m_state->available = options.quota_capacity;
}

int RetryStrategy::retry_cost(const Error& error) const {
  const RetryOptions& options = m_state->options;
  return error.code == ErrorCode::timeout ? options.timeout_retry_cost : options.retry_cost;
}

namespace {

// rand[0,1) * min(base * 2^(attempt-1), cap); the exponent is clamped so large attempt numbers cannot
// overflow.
Millis full_jitter(double jitter, int attempt, Millis base, Millis cap) {
  double base_ms = std::ldexp(static_cast<double>(base.count()), std::clamp(attempt - 1, 0, 30));
  base_ms = std::min(base_ms, static_cast<double>(cap.count()));
  return Millis(std::llround(std::clamp(jitter, 0.0, 1.0) * base_ms));
}

}  // namespace

int RetryStrategy::attempt_limit(bool failover) const {
  const RetryOptions& options = m_state->options;
  return failover && !options.max_attempts_explicit ? k_deadline_attempts_limit : options.max_attempts;
}

std::optional<Millis> RetryStrategy::retry_delay(const Error& error, int attempt) {
  return retry_delay(error, attempt, std::nullopt, TimePoint{});
}

std::optional<Millis> RetryStrategy::retry_delay(const Error& error, int attempt,
                                                 const std::optional<RetryDeadline>& deadline,
                                                 TimePoint now) {
  const RetryOptions& options = m_state->options;
  if (!is_retryable(error) || attempt >= attempt_limit(deadline.has_value())) {
    return std::nullopt;
  }
  Millis left{0};
  if (deadline) {
    left = std::chrono::duration_cast<Millis>(deadline->at - now) - deadline->min_attempt;
    if (left <= Millis(0)) {
      return std::nullopt;  // no time for another attempt worth sending
    }
  }
  {
    int cost = retry_cost(error);
    std::lock_guard lock(m_state->mutex);
    if (cost > m_state->available) {
      if (!deadline) {
        return std::nullopt;  // quota exhausted: the service is failing for everyone, stop adding load
      }
      ++m_state->over_quota;  // a failover is not refused (see the header): charge what is left
    }
    m_state->available = std::max(m_state->available - cost, 0);
    ++m_state->granted;
  }
  double jitter = m_state->uniform01();
  if (!deadline) {
    return full_jitter(jitter, attempt, options.base_backoff, options.max_backoff);
  }
  return std::min(full_jitter(jitter, attempt, deadline->base_backoff, deadline->max_backoff), left);
}

void RetryStrategy::on_success(int attempts) {
  on_success(attempts, m_state->options.retry_cost);
}

void RetryStrategy::on_success(int attempts, int last_retry_cost) {
  const RetryOptions& options = m_state->options;
  int refund = attempts <= 1 ? options.no_retry_increment : std::max(last_retry_cost, 0);
  std::lock_guard lock(m_state->mutex);
  m_state->available = std::min(m_state->available + refund, options.quota_capacity);
}

int RetryStrategy::quota_available() const {
  std::lock_guard lock(m_state->mutex);
  return m_state->available;
}

int RetryStrategy::retries_granted() const {
  std::lock_guard lock(m_state->mutex);
  return m_state->granted;
}

int RetryStrategy::retries_over_quota() const {
  std::lock_guard lock(m_state->mutex);
  return m_state->over_quota;
}

const RetryOptions& RetryStrategy::options() const {
  return m_state->options;
}

}  // namespace cloudvip
