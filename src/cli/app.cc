#include "cli/app.h"

#include "cli/commands.h"
#include "cli/daemon_handoff.h"
#include "cli/deadline.h"
#include "cli/output.h"
#include "cli/settings.h"
#include "cli/wiring.h"
#include "daemon/daemon_logger.h"

namespace cloudvip::cli {

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
      return run_acquire(wiring, *settings, options.acquire);
    case Command::release:
      return run_release(wiring, *settings, options.release);
    case Command::status:
      return run_status(wiring, *settings);
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
