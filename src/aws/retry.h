// The SDKs' "standard" retry mode (aws-protocol.md §3.1): which errors are retried, jittered exponential
// backoff capped at 20 s, and a retry quota (token bucket) shared by every call of one client.
#pragma once

#include <functional>
#include <optional>

#include "common/clock.h"
#include "common/error.h"

namespace cloudvip {

struct RetryOptions {
  int max_attempts = 3;         // attempts, counting the first one (3 = 2 retries)
  Millis max_backoff{20000};    // cap on one delay
  int quota_capacity = 500;     // initial and maximum retry tokens
  int retry_cost = 5;           // tokens a retry takes
  int timeout_retry_cost = 10;  // tokens a retry after a timeout takes
  int no_retry_increment = 1;   // tokens a success at the first attempt gives back
};

// True for throttling codes (any status), transient codes, HTTP 500/502/503/504, and network errors and
// timeouts. False for everything else (AuthFailure, UnauthorizedOperation, DryRunOperation, other 4xx, parse
// errors, ...).
bool is_retryable(const Error& error);

// Safe to use from several threads (calls share one quota).
class RetryStrategy {
 public:
  // `uniform01` returns a number in [0, 1) and is injected so tests can fix the jitter.
  explicit RetryStrategy(RetryOptions options = {}, std::function<double()> uniform01 = {});

  // Called after attempt number `attempt` (1-based) failed with `error`. Returns how long to wait before the
  // next attempt, taking the retry's cost from the quota; nullopt when there must be no retry (not retryable,
  // attempts used up, or quota empty).
  std::optional<Millis> retry_delay(const Error& error, int attempt);

  // Called when a call succeeds; `attempts` is how many attempts it took. Refunds the quota.
  void on_success(int attempts);

  int quota_available() const;
  const RetryOptions& options() const;

 private:
  struct State;
  std::shared_ptr<State> m_state;
};

// Runs `call` until it succeeds or the strategy says stop, sleeping on `clock` between attempts.
template <class T>
Result<T> with_retries(RetryStrategy& strategy, Clock& clock, const std::function<Result<T>()>& call) {
  for (int attempt = 1;; ++attempt) {
    Result<T> result = call();
    if (result) {
      strategy.on_success(attempt);
      return result;
    }
    std::optional<Millis> delay = strategy.retry_delay(result.error(), attempt);
    if (!delay) {
      return result;
    }
    clock.sleep_for(*delay);
  }
}

}  // namespace cloudvip
