// A Notifier for tests: records every state it is told (one entry per notify() call, as sent) and reports
// the watchdog interval the test chose.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "daemon/notifier.h"

namespace cloudvip::testing {

class FakeNotifier : public Notifier {
 public:
  explicit FakeNotifier(std::optional<Millis> watchdog = std::nullopt) : m_watchdog(watchdog) {}

  void notify(std::string_view state) override {
    std::lock_guard lock(m_mutex);
    m_states.emplace_back(state);
  }
  std::optional<Millis> watchdog_interval() const override { return m_watchdog; }

  std::vector<std::string> states() const {
    std::lock_guard lock(m_mutex);
    return m_states;
  }
  // True when some notify() call contained `line` as one of its lines (e.g. "READY=1").
  bool sent(std::string_view line) const {
    std::lock_guard lock(m_mutex);
    for (const std::string& state : m_states) {
      std::size_t start = 0;
      while (start <= state.size()) {
        std::size_t end = state.find('\n', start);
        if (end == std::string::npos) {
          end = state.size();
        }
        if (std::string_view(state).substr(start, end - start) == line) {
          return true;
        }
        start = end + 1;
      }
    }
    return false;
  }

 private:
  mutable std::mutex m_mutex;
  std::optional<Millis> m_watchdog;
  std::vector<std::string> m_states;
};

}  // namespace cloudvip::testing
