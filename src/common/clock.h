// Time, injected. Abstract so retry backoff, token and credential expiry and reconcile intervals can be
// tested by advancing a FakeClock instead of sleeping. RealClock is the production implementation.
#pragma once

#include <chrono>
#include <mutex>

namespace cloudvip {

using TimePoint = std::chrono::system_clock::time_point;
using Millis = std::chrono::milliseconds;

// The calendar years a TimePoint can hold: system_clock counts nanoseconds in 64 bits, from 1677-09-21 to
// 2262-04-11. A parser of dates from outside (X-Amz-Date, HTTP Date, credential Expiration) must refuse a
// year outside this range before converting, or the conversion overflows (undefined behaviour; found by
// fuzz_sigv4_auth).
inline constexpr int k_min_time_year = 1678;
inline constexpr int k_max_time_year = 2261;
inline constexpr bool is_representable_year(int year) {
  return year >= k_min_time_year && year <= k_max_time_year;
}

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time: SigV4 dates, credential and token expiry.
  virtual TimePoint now() const = 0;
  // Blocks the calling thread for `duration` (a FakeClock only moves its time forward).
  virtual void sleep_for(Millis duration) = 0;
  // Blocks until `when` (at once when it has passed). This default sleeps whole milliseconds, rounded up;
  // RealClock sleeps to the microsecond (the simulator's latency).
  virtual void sleep_until(TimePoint when);
};

class RealClock : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
  void sleep_for(Millis duration) override;
  void sleep_until(TimePoint when) override;
};

// A clock that stands still until told to move. sleep_for() advances it and records the total slept.
// Safe to use from several threads.
class FakeClock : public Clock {
 public:
  explicit FakeClock(TimePoint start = TimePoint(std::chrono::seconds(1440000000))) : m_now(start) {}
  TimePoint now() const override;
  void sleep_for(Millis duration) override;
  void advance(Millis duration);
  void set(TimePoint t);
  Millis total_slept() const;
  int sleep_calls() const;

 private:
  mutable std::mutex m_mutex;
  TimePoint m_now;
  Millis m_slept{0};
  int m_sleep_calls = 0;
};

}  // namespace cloudvip
