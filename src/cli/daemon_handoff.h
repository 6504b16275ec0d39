// acquire, release and status with a `cloudvip run` on this host: the command is handed to the daemon over
// its control socket (daemon/control.h), which acts on its warm state and answers with what to print and
// the exit code, so a hook sees the same output either way. When no daemon listens there the command acts
// itself as it always did. `cloudvip notify` talks only to the daemon, unless --fallback lets it act itself
// when none listens.
#pragma once

#include <filesystem>
#include <optional>

#include "cli/options.h"
#include "cli/settings.h"
#include "common/env.h"
#include "common/log.h"

namespace cloudvip::cli {

// --control-socket, else CLOUDVIP_CONTROL_SOCKET, else the config's [daemon] control_socket.
std::filesystem::path control_socket_path(const Options& options, const Settings& settings,
                                          const Environment& env);

// Whether the command line asks for something only the CLI does (a VIP from flags, --dry-run,
// --delete-routes): then there is nothing to hand over.
bool acts_itself(const Options& options, const Settings& settings);

// For acquire, release and status: the exit code when a daemon answered (its output printed), nullopt when
// none listens (the caller acts itself). A daemon that is there but fails to answer is an error (exit 1).
std::optional<int> hand_to_daemon(const Options& options, const Settings& settings, const Environment& env,
                                  Logger& logger);

// cloudvip notify primary|standby: hands the role to the daemon and returns its exit code at once. When no
// daemon listens: nullopt with --fallback (the caller acquires or releases itself), else 1 with a message
// that says what to do. A daemon that is there but does not take the event is an error, never a fallback:
// it may be acting, and two actors on one VIP fight.
std::optional<int> run_notify(const Options& options, const Settings& settings, const Environment& env,
                              Logger& logger);

}  // namespace cloudvip::cli
