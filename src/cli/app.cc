#include "cli/app.h"

#include <cstdio>
#include <cstdlib>

#include "cli/commands.h"
#include "cli/daemon_handoff.h"
#include "cli/deadline.h"
#include "cli/output.h"
#include "cli/settings.h"
#include "cli/wiring.h"
#include "daemon/daemon_logger.h"

namespace cloudvip::cli {
namespace {

// A one-shot command is finished once it has printed its report: its writes are acknowledged and its caches
// stored. What destructors would do next (free memory, close sockets and files, wake and join the deadline's
// thread) the kernel does at exit anyway, and doing it first adds a millisecond or more to every fresh
// failover process before its caller (a cluster manager's hook) sees it exit. So the process ends here.
[[noreturn]] void exit_now(Wiring& wiring, int code) {
  wiring.settle();  // a store still running in the background is part of the command
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(code);
}

}  // namespace

int run(const Options& options, const Environment& env) {
  Result<Settings> settings = check_settings(options, env);
  if (!settings) {
    print_error(settings.error());
    return k_exit_usage;
  }
  if (options.command == Command::run) {  // no deadline: it runs until told to stop
    DaemonLogger logger(settings->log_level, env.get_nonempty("JOURNAL_STREAM").has_value());
    Wiring wiring(*settings, env, logger);
    return run_daemon(wiring, *settings, options, env);
  }
  StderrLogger logger(settings->log_level);
  Deadline deadline(settings->deadline, std::string(to_string(options.command)));
  if (options.command == Command::notify) {
    if (std::optional<int> handed = run_notify(options, *settings, env, logger)) {
      return *handed;
    }
    Wiring wiring(*settings, env, logger);  // --fallback and no daemon: act as acquire or release would
    return options.notify.role == "primary" ? run_acquire(wiring, *settings, AcquireArgs{})
                                            : run_release(wiring, *settings, ReleaseArgs{});
  }
  if (std::optional<int> handed = hand_to_daemon(options, *settings, env, logger)) {
    return *handed;  // a cloudvip run acted and answered
  }
  Wiring wiring(*settings, env, logger);
  switch (options.command) {
    case Command::acquire:
      exit_now(wiring, run_acquire(wiring, *settings, options.acquire));
    case Command::release:
      exit_now(wiring, run_release(wiring, *settings, options.release));
    case Command::status:
      exit_now(wiring, run_status(wiring, *settings));
    case Command::check:
      return run_check(wiring, *settings, options.check);
    case Command::policy:
      return run_policy(wiring, *settings, options.policy);
    case Command::run:
    case Command::notify:  // handled above
    case Command::none:
      break;
  }
  return k_exit_usage;
}

}  // namespace cloudvip::cli
