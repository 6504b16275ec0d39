// The SDKs' "standard" retry mode (aws-protocol.md §3.1): which errors are retried, jittered exponential
// backoff capped at 20 s, and a retry quota (token bucket) shared by every call of one client.
//
// And the failover's own mode (RetryDeadline): a failover actuator is the one caller that must keep trying
// until its deadline, so on the failover path a retryable error is retried until the deadline, not a fixed
// number of attempts, with a shorter jittered backoff (the service answers "try again" within a second, and
// a 10 s failover cannot afford the standard 20 s cap). The retry quota is charged but never refuses such a
// retry: the quota protects a service from a fleet of ordinary callers retrying in step, while a failover is
// one bounded caller (its deadline and backoff already limit it to a few requests a second per call), and a
// quota drained by earlier trouble (a long-running daemon, a batch of many tables) must not turn a
// transient error into an outage. Calls off the failover path keep the standard behaviour and so still back
// off when the quota is empty.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "common/clock.h"
#include "common/error.h"

namespace cloudvip {

struct RetryOptions {
  int max_attempts = 3;                // attempts, counting the first one (3 = 2 retries)
  bool max_attempts_explicit = false;  // set by config max_attempts / AWS_MAX_ATTEMPTS: binds failovers too
  Millis base_backoff{1000};           // the first retry waits up to this
  Millis max_backoff{20000};           // cap on one delay
  int quota_capacity = 500;            // initial and maximum retry tokens
  int retry_cost = 5;                  // tokens a retry takes
  int timeout_retry_cost = 10;         // tokens a retry after a timeout takes
  int no_retry_increment = 1;          // tokens a success at the first attempt gives back
};

// True for throttling codes (any status), transient codes, HTTP 500/502/503/504, and network errors and
// timeouts. False for everything else (AuthFailure, UnauthorizedOperation, DryRunOperation, other 4xx, parse
// errors, ...).
bool is_retryable(const Error& error);

// True when the service said it is throttling us (one of the throttling codes above, any status).
bool is_throttling(const Error& error);

// The largest max_attempts we accept: beyond it a stuck failover would wait minutes on one call.
inline constexpr int k_max_attempts_limit = 20;

// The failover mode: retry until `at`. The backoff is the standard full jitter, rand[0,1) *
// min(base_backoff * 2^(attempt-1), max_backoff), and never ends later than `at - min_attempt` (no retry at
// all when less than min_attempt is left: an attempt needs that long to be worth sending).
struct RetryDeadline {
  TimePoint at;
  Millis base_backoff{100};
  Millis max_backoff{1000};
  Millis min_attempt{250};
};

// Attempts of one call in the failover mode unless max_attempts was given explicitly: a safety bound only,
// the deadline ends the retries long before (200 attempts at the 1 s cap is more than 3 minutes).
inline constexpr int k_deadline_attempts_limit = 200;

// Options with `max_attempts` checked (1..k_max_attempts_limit). `setting` names where the value came from
// (config `max_attempts`, AWS_MAX_ATTEMPTS) so the error message can point at it.
Result<RetryOptions> make_retry_options(int max_attempts, std::string_view setting = "max_attempts");
// The same from text, e.g. the value of AWS_MAX_ATTEMPTS.
Result<RetryOptions> parse_retry_options(std::string_view max_attempts, std::string_view setting);

// A seed for the jitter's generator: getrandom(2), or the clock when the kernel's pool is not ready yet. Not
// std::random_device, whose set-up (CPU feature probes) took about 30 us of every fresh process (issue 9).
std::uint64_t jitter_seed();

// Safe to use from several threads (calls share one quota).
class RetryStrategy {
 public:
  // `uniform01` returns a number in [0, 1) and is injected so tests can fix the jitter.
  // An empty `uniform01` means a thread-safe std::mt19937_64 seeded from jitter_seed(). An injected
  // one must be safe to call from several threads when the strategy is shared. Options are expected to come
  // from make_retry_options(); a max_attempts below 1 acts as 1 (no retries).
  explicit RetryStrategy(RetryOptions options = {}, std::function<double()> uniform01 = {});

  // Called after attempt number `attempt` (1-based) failed with `error`. Returns how long to wait before the
  // next attempt, taking the retry's cost from the quota; nullopt when there must be no retry (not retryable,
  // attempts used up, or quota empty).
  std::optional<Millis> retry_delay(const Error& error, int attempt);
  // The same with a deadline (failover mode, see RetryDeadline) when `deadline` is set; `now` is the time
  // the attempt failed. Without a deadline this is retry_delay(error, attempt).
  std::optional<Millis> retry_delay(const Error& error, int attempt,
                                    const std::optional<RetryDeadline>& deadline, TimePoint now);

  // The attempt limit that applies: max_attempts, or in failover mode k_deadline_attempts_limit unless
  // max_attempts was explicit.
  int attempt_limit(bool failover) const;

  // Tokens a retry after `error` takes from the quota (timeout_retry_cost for timeouts, else retry_cost).
  int retry_cost(const Error& error) const;

  // Called when a call succeeds; `attempts` is how many attempts it took. Refunds the quota: 1 for a
  // first-attempt success, else `last_retry_cost` (what the last retry took; see retry_cost()). The
  // one-argument form assumes the last retry cost retry_cost; with_retries passes the real cost. The quota
  // never grows above quota_capacity.
  void on_success(int attempts);
  void on_success(int attempts, int last_retry_cost);

  int quota_available() const;
  const RetryOptions& options() const;
  // Retries granted so far (both modes), and those of them the failover mode made although the standard
  // mode's quota would have refused them (for logs and tests).
  int retries_granted() const;
  int retries_over_quota() const;

 private:
  struct State;
  std::shared_ptr<State> m_state;
};

// Runs `call` until it succeeds or the strategy says stop, sleeping on `clock` between attempts.
// Bounded: retry_delay() refuses once max_attempts is reached. On giving up the last error is returned.
// With `deadline` set, retries until the deadline instead (failover mode).
template <class T>
Result<T> with_retries(RetryStrategy& strategy, Clock& clock, const std::function<Result<T>()>& call,
                       const std::optional<RetryDeadline>& deadline = std::nullopt) {
  int last_retry_cost = 0;
  for (int attempt = 1;; ++attempt) {
    Result<T> result = call();
    if (result) {
      strategy.on_success(attempt, last_retry_cost);
      return result;
    }
    std::optional<Millis> delay = strategy.retry_delay(result.error(), attempt, deadline, clock.now());
    if (!delay) {
      return result;
    }
    last_retry_cost = strategy.retry_cost(result.error());
    clock.sleep_for(*delay);
  }
}

}  // namespace cloudvip
