// One function per command (acquire.cc, release.cc, status.cc, check.cc, policy.cc): each takes the
// checked settings and the wiring, runs, prints its result on stdout and returns the exit code.
#pragma once

#include "cli/options.h"
#include "cli/settings.h"
#include "cli/wiring.h"

namespace cloudvip::cli {

int run_acquire(Wiring& wiring, const Settings& settings, const AcquireArgs& args);
int run_release(Wiring& wiring, const Settings& settings, const ReleaseArgs& args);
int run_status(Wiring& wiring, const Settings& settings);
int run_check(Wiring& wiring, const Settings& settings, const CheckArgs& args);
int run_policy(Wiring& wiring, const Settings& settings, const PolicyArgs& args);
// `cloudvip run` (run.cc): until SIGTERM. `options` and `env` read the configuration again on SIGHUP.
int run_daemon(Wiring& wiring, const Settings& settings, const Options& options, const Environment& env);

}  // namespace cloudvip::cli
