// Runs one parsed command line: checks every setting (exit 2, nothing called, when one is wrong), then
// builds what the command needs and runs it under the command's deadline.
#pragma once

#include "cli/options.h"
#include "common/env.h"

namespace cloudvip::cli {

inline constexpr int k_exit_usage = 2;

int run(const Options& options, const Environment& env);

}  // namespace cloudvip::cli
