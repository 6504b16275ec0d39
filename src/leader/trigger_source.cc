#include "leader/trigger_source.h"

#include <utility>

namespace cloudvip {

void TriggerSource::start(Listener on_change) {
  std::lock_guard lock(m_mutex);
  m_listener = std::move(on_change);
  m_current.at = m_clock.now();
}

void TriggerSource::stop() {
  std::lock_guard listener_lock(m_listener_mutex);  // waits for a listener call in progress
  std::lock_guard lock(m_mutex);
  m_stopped = true;
  m_listener = nullptr;
}

LeaderAnswer TriggerSource::current() const {
  std::lock_guard lock(m_mutex);
  return m_current;
}

void TriggerSource::set(Role role, std::string why) {
  std::lock_guard listener_lock(m_listener_mutex);
  Listener listener;
  LeaderAnswer answer{role, std::move(why), m_clock.now()};
  {
    std::lock_guard lock(m_mutex);
    if (m_stopped) {
      return;
    }
    bool changed = !(answer == m_current);
    m_current = answer;
    if (changed) {
      listener = m_listener;
    }
  }
  if (listener) {
    listener(answer);
  }
}

}  // namespace cloudvip
