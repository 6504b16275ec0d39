// Running an external command, behind a small interface. Abstract so that code which runs helper programs
// (credential_process) can be tested with canned output; RealProcessRunner runs `/bin/sh -c COMMAND`.
#pragma once

#include <cstddef>
#include <string>

#include "common/clock.h"
#include "common/error.h"

namespace cloudvip {

struct ProcessResult {
  int exit_code = 0;   // the exit status; 128 + N when killed by signal N
  std::string output;  // what the command wrote to stdout (stderr is passed through to ours)
};

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  // Runs `command` with the shell and waits for it. An Error means the command could not be started, its
  // output exceeded the limit, or it ran longer than `timeout` (then it is killed: ErrorCode::timeout).
  // A non-zero exit is not an Error: see ProcessResult::exit_code.
  virtual Result<ProcessResult> run(const std::string& command, Millis timeout) = 0;
};

// /bin/sh -c COMMAND with stdin from /dev/null, stdout captured (at most k_max_output bytes), stderr and the
// environment inherited. Safe to call from several threads.
class RealProcessRunner : public ProcessRunner {
 public:
  static constexpr size_t k_max_output = 1 << 20;
  Result<ProcessResult> run(const std::string& command, Millis timeout) override;
};

}  // namespace cloudvip
