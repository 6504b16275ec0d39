// Running an external command, behind a small interface. Abstract so that code which runs helper programs
// (credential_process, the daemon's `command` leader source) can be tested with canned output;
// RealProcessRunner runs `/bin/sh -c COMMAND`, or an argv without a shell.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

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
  // The same for `argv` run without a shell: argv[0] is the program's path (no PATH search). Requires a
  // non-empty argv.
  virtual Result<ProcessResult> run_argv(const std::vector<std::string>& argv, Millis timeout) = 0;
};

// /bin/sh -c COMMAND with stdin from /dev/null, stdout captured (at most k_max_output bytes), stderr and the
// environment inherited. The command runs in a process group of its own, and on a timeout the whole group is
// killed (SIGKILL), so a script's children cannot outlive it. Safe to call from several threads.
class RealProcessRunner : public ProcessRunner {
 public:
  static constexpr size_t k_max_output = 1 << 20;
  Result<ProcessResult> run(const std::string& command, Millis timeout) override;
  Result<ProcessResult> run_argv(const std::vector<std::string>& argv, Millis timeout) override;
};

}  // namespace cloudvip
