// Leadership from a command the operator supplies (argv, run without a shell, with a timeout): exit 0 means
// this member is the primary, 3 a standby (the LSB "not running" status, as OCF monitors use it); any other
// exit, a crash, a timeout (the command is killed) or a program that cannot start is unknown.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/process_runner.h"
#include "leader/leader_settings.h"
#include "leader/source.h"

namespace cloudvip {

inline constexpr int k_exit_primary = 0;
inline constexpr int k_exit_standby = 3;

LeaderAnswer probe_command(ProcessRunner& runner, const std::vector<std::string>& argv, Millis timeout);

// A PolledSource running the command every `interval`. `runner` and `clock` must outlive it.
std::unique_ptr<LeaderSource> make_command_source(const LeaderSettings& settings, ProcessRunner& runner,
                                                  Clock& clock, Millis interval);

}  // namespace cloudvip
