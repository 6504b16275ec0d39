// Where the daemon's per-failover budget ([daemon] failover_timeout) takes effect: while a takeover is in
// progress the Reconciler asks for retries until the budget's end, and for the standard bounded retries
// again once it is over. Abstract so the Reconciler's rule (which calls run under the budget and when it
// ends) is unit-tested with FakeCloud on a FakeClock; Ec2RetryBudget is the production one (the EC2 client's
// failover mode, aws/retry.h RetryDeadline).
#pragma once

#include <optional>

#include "aws/ec2_client.h"
#include "common/clock.h"

namespace cloudvip {

class RetryBudget {
 public:
  virtual ~RetryBudget() = default;
  // The calls that follow retry retryable errors until `at` (non-retryable ones still stop at once);
  // nullopt: the standard bounded retries (max_attempts, the retry quota).
  virtual void retry_until(std::optional<TimePoint> at) = 0;
};

// Sets the client's retry deadline (Ec2Client::set_retry_deadline) with the failover mode's backoff.
class Ec2RetryBudget final : public RetryBudget {
 public:
  // Keeps a reference: `client` must outlive this.
  explicit Ec2RetryBudget(Ec2Client& client) : m_client(client) {}
  void retry_until(std::optional<TimePoint> at) override;

 private:
  Ec2Client& m_client;
};

}  // namespace cloudvip
