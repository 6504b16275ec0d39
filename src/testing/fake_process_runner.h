// A ProcessRunner for tests: answers with a canned outcome and records the commands it was asked to run.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "common/process_runner.h"

namespace cloudvip::testing {

class FakeProcessRunner : public ProcessRunner {
 public:
  explicit FakeProcessRunner(Result<ProcessResult> outcome = ProcessResult{})
      : m_outcome(std::move(outcome)) {}

  void set_outcome(Result<ProcessResult> outcome) {
    std::lock_guard lock(m_mutex);
    m_outcome = std::move(outcome);
  }
  Result<ProcessResult> run(const std::string& command, Millis) override {
    std::lock_guard lock(m_mutex);
    m_commands.push_back(command);
    return m_outcome;
  }
  // Records the argv joined by spaces.
  Result<ProcessResult> run_argv(const std::vector<std::string>& argv, Millis timeout) override {
    std::string joined;
    for (const std::string& arg : argv) {
      joined += (joined.empty() ? "" : " ") + arg;
    }
    return run(joined, timeout);
  }
  std::vector<std::string> commands() const {
    std::lock_guard lock(m_mutex);
    return m_commands;
  }

 private:
  mutable std::mutex m_mutex;
  Result<ProcessResult> m_outcome;
  std::vector<std::string> m_commands;
};

}  // namespace cloudvip::testing
