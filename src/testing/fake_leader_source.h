// A LeaderSource a test drives by hand: set() changes the answer and calls the listener at once, on the
// caller's thread. Counts refresh() calls. Safe to use from several threads.
#pragma once

#include <mutex>
#include <string>

#include "leader/source.h"

namespace cloudvip::testing {

class FakeLeaderSource final : public LeaderSource {
 public:
  explicit FakeLeaderSource(std::string kind = "fake") : m_kind(std::move(kind)) {}

  std::string_view kind() const override { return m_kind; }
  void start(Listener on_change) override;
  void stop() override;
  LeaderAnswer current() const override;
  void refresh() override;

  // Sets the answer; calls the listener (when started and not stopped).
  void set(Role role, std::string why = "set by the test");
  int refreshes() const;
  bool started() const;
  bool stopped() const;

 private:
  std::string m_kind;
  mutable std::mutex m_mutex;
  Listener m_listener;
  LeaderAnswer m_answer{Role::unknown, "no answer yet", {}};
  int m_refreshes = 0;
  bool m_started = false;
  bool m_stopped = false;
};

}  // namespace cloudvip::testing
