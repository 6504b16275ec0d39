#include "leader/command_source.h"

#include "leader/polled_source.h"

namespace cloudvip {

LeaderAnswer probe_command(ProcessRunner& runner, const std::vector<std::string>& argv, Millis timeout) {
  std::string name = argv.empty() ? std::string("(no command)") : argv.front();
  if (argv.empty()) {
    return {Role::unknown, "no command configured", {}};
  }
  Result<ProcessResult> result = runner.run_argv(argv, timeout);
  if (!result) {
    return {Role::unknown, name + ": " + result.error().message, {}};
  }
  std::string said = name + " exited " + std::to_string(result->exit_code);
  if (result->exit_code == k_exit_primary) {
    return {Role::primary, said, {}};
  }
  if (result->exit_code == k_exit_standby) {
    return {Role::standby, said, {}};
  }
  return {Role::unknown, said + " (expected 0 for primary or 3 for standby)", {}};
}

std::unique_ptr<LeaderSource> make_command_source(const LeaderSettings& settings, ProcessRunner& runner,
                                                  Clock& clock, Millis interval) {
  return std::make_unique<PolledSource>(
      "command",
      [&runner, argv = settings.command, timeout = settings.timeout] {
        return probe_command(runner, argv, timeout);
      },
      interval, clock);
}

}  // namespace cloudvip
