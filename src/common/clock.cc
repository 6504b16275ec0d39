#include "common/clock.h"

#include <thread>

namespace cloudvip {

void Clock::sleep_until(TimePoint when) {
  if (auto left = when - now(); left > left.zero()) {
    sleep_for(std::chrono::ceil<Millis>(left));
  }
}

void RealClock::sleep_for(Millis duration) {
  std::this_thread::sleep_for(duration);
}

void RealClock::sleep_until(TimePoint when) {
  std::this_thread::sleep_until(when);
}

TimePoint FakeClock::now() const {
  std::lock_guard lock(m_mutex);
  return m_now;
}

void FakeClock::sleep_for(Millis duration) {
  std::lock_guard lock(m_mutex);
  m_now += duration;
  m_slept += duration;
  ++m_sleep_calls;
}

void FakeClock::advance(Millis duration) {
  std::lock_guard lock(m_mutex);
  m_now += duration;
}

void FakeClock::set(TimePoint t) {
  std::lock_guard lock(m_mutex);
  m_now = t;
}

Millis FakeClock::total_slept() const {
  std::lock_guard lock(m_mutex);
  return m_slept;
}

int FakeClock::sleep_calls() const {
  std::lock_guard lock(m_mutex);
  return m_sleep_calls;
}

}  // namespace cloudvip
