// The command line: CLI11 definitions of every option and command, and their man-page help.
#pragma once

#include <optional>

#include "cli/options.h"

namespace cloudvip::cli {

// Fills `options` from argv. Returns an exit code when the process should stop here: 0 after --help or
// --version (printed to stdout), 2 after a usage error (printed to stderr as "cloudvip: error: ...").
// nullopt: run options.command.
std::optional<int> parse_command_line(int argc, char** argv, Options& options);

}  // namespace cloudvip::cli
