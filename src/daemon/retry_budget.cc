#include "daemon/retry_budget.h"

namespace cloudvip {

void Ec2RetryBudget::retry_until(std::optional<TimePoint> at) {
  if (at) {
    m_client.set_retry_deadline(RetryDeadline{.at = *at});
  } else {
    m_client.set_retry_deadline(std::nullopt);
  }
}

}  // namespace cloudvip
