// A LeaderSource that asks its cluster manager again and again: one probe every interval, on a thread of its
// own, and at once on refresh(). Patroni's REST API, the IRIS mirror status page and a command are all this,
// with a different probe.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "common/clock.h"
#include "leader/source.h"

namespace cloudvip {

// One look at the cluster manager: must return within its own timeout, never throw, and answer unknown
// (with why) when it cannot tell. `at` is filled in by the PolledSource.
using LeaderProbe = std::function<LeaderAnswer()>;

class PolledSource : public LeaderSource {
 public:
  // `clock` stamps the answers (LeaderAnswer::at); the wait between probes is real time, interrupted at once
  // by refresh() and stop(). `clock` must outlive the source.
  PolledSource(std::string kind, LeaderProbe probe, Millis interval, Clock& clock);
  ~PolledSource() override;
  PolledSource(const PolledSource&) = delete;
  PolledSource& operator=(const PolledSource&) = delete;

  std::string_view kind() const override { return m_kind; }
  // The first probe runs at once; the listener hears every answer that differs from the one before.
  void start(Listener on_change) override;
  void stop() override;
  LeaderAnswer current() const override;
  void refresh() override;

  // How many probes have finished (for tests and metrics).
  int probes() const;

 private:
  void run();

  std::string m_kind;
  LeaderProbe m_probe;
  Millis m_interval;
  Clock& m_clock;
  Listener m_listener;

  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stopping = false;
  bool m_refresh = false;
  int m_probes = 0;
  LeaderAnswer m_current{Role::unknown, "no answer yet", {}};
  std::thread m_thread;
};

}  // namespace cloudvip
