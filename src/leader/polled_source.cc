#include "leader/polled_source.h"

#include <utility>

namespace cloudvip {

PolledSource::PolledSource(std::string kind, LeaderProbe probe, Millis interval, Clock& clock)
    : m_kind(std::move(kind)), m_probe(std::move(probe)), m_interval(interval), m_clock(clock) {}

PolledSource::~PolledSource() {
  stop();
}

void PolledSource::start(Listener on_change) {
  m_listener = std::move(on_change);
  m_thread = std::thread([this] { run(); });
}

void PolledSource::stop() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

LeaderAnswer PolledSource::current() const {
  std::lock_guard lock(m_mutex);
  return m_current;
}

void PolledSource::refresh() {
  {
    std::lock_guard lock(m_mutex);
    m_refresh = true;
  }
  m_wake.notify_all();
}

int PolledSource::probes() const {
  std::lock_guard lock(m_mutex);
  return m_probes;
}

void PolledSource::run() {
  std::unique_lock lock(m_mutex);
  while (!m_stopping) {
    m_refresh = false;
    lock.unlock();
    LeaderAnswer answer = m_probe();
    answer.at = m_clock.now();
    lock.lock();
    ++m_probes;
    bool changed = !(answer == m_current);
    m_current = answer;
    if (changed && m_listener && !m_stopping) {
      // Called with the lock released, so the listener may call current(); stop() waits for it (join).
      lock.unlock();
      m_listener(answer);
      lock.lock();
    }
    m_wake.wait_for(lock, m_interval, [this] { return m_stopping || m_refresh; });
  }
}

}  // namespace cloudvip
