// Leadership as hooks report it: no polling; the cluster manager's hook (IRIS ^ZMIRROR NotifyBecomePrimary,
// Patroni on_role_change, keepalived notify) runs `cloudvip notify primary|standby`, and the daemon's
// control socket calls set(). The answer is unknown until a hook speaks, and again after a daemon restart:
// a remembered answer could be stale, and unknown freezes rather than acts on it.
#pragma once

#include <mutex>
#include <string>

#include "common/clock.h"
#include "leader/source.h"

namespace cloudvip {

class TriggerSource : public LeaderSource {
 public:
  // `clock` stamps the answers; it must outlive the source.
  explicit TriggerSource(Clock& clock) : m_clock(clock) {}

  std::string_view kind() const override { return "trigger"; }
  void start(Listener on_change) override;
  void stop() override;
  LeaderAnswer current() const override;

  // A hook's report. The listener is called from the caller's thread (the control socket's), before set()
  // returns, when the answer differs from the current one. Ignored after stop(). Safe from any thread.
  void set(Role role, std::string why);

 private:
  Clock& m_clock;
  mutable std::mutex m_mutex;
  Listener m_listener;
  bool m_stopped = false;
  LeaderAnswer m_current{Role::unknown, "no hook has reported since the daemon started", {}};
  std::mutex m_listener_mutex;  // serialises listener calls, so answers arrive in the order they were set
};

}  // namespace cloudvip
