#include "testing/fake_leader_source.h"

namespace cloudvip::testing {

void FakeLeaderSource::start(Listener on_change) {
  std::lock_guard lock(m_mutex);
  m_listener = std::move(on_change);
  m_started = true;
}

void FakeLeaderSource::stop() {
  std::lock_guard lock(m_mutex);
  m_stopped = true;
  m_listener = nullptr;
}

LeaderAnswer FakeLeaderSource::current() const {
  std::lock_guard lock(m_mutex);
  return m_answer;
}

void FakeLeaderSource::refresh() {
  std::lock_guard lock(m_mutex);
  ++m_refreshes;
}

void FakeLeaderSource::set(Role role, std::string why) {
  Listener listener;
  LeaderAnswer answer;
  {
    std::lock_guard lock(m_mutex);
    m_answer = LeaderAnswer{role, std::move(why), {}};
    listener = m_listener;
    answer = m_answer;
  }
  if (listener) {
    listener(answer);
  }
}

int FakeLeaderSource::refreshes() const {
  std::lock_guard lock(m_mutex);
  return m_refreshes;
}

bool FakeLeaderSource::started() const {
  std::lock_guard lock(m_mutex);
  return m_started;
}

bool FakeLeaderSource::stopped() const {
  std::lock_guard lock(m_mutex);
  return m_stopped;
}

}  // namespace cloudvip::testing
