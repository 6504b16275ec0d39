// What the command line says, as given: main.cc fills it, App checks it and runs the subcommand. Nothing here
// is checked yet (flags are text, as typed); App::prepare checks every value before anything touches the
// network.
#pragma once

#include <optional>
#include <string>

#include "vip/config_flags.h"

namespace cloudvip::cli {

enum class Command { none, acquire, release, status, check, policy, notify, run };

struct AcquireArgs {
  bool no_verify = false;  // --no-verify
  bool dry_run = false;    // --dry-run
};

struct ReleaseArgs {
  bool delete_routes = false;  // --delete-routes
  bool dry_run = false;        // --dry-run
};

struct CheckArgs {
  bool fix = false;  // --fix
};

struct PolicyArgs {
  std::optional<std::string> account;  // --account ID: skips IMDS
  bool allow_fix = false;              // --allow-fix: grant what `check --fix` needs
  bool no_delete = false;              // --no-delete-routes: leave out ec2:DeleteRoute
};

struct NotifyArgs {
  std::string role;  // primary | standby (checked by the command line)
  bool fallback =
      false;  // --fallback: with no daemon listening, act here (primary: acquire, standby: release)
};

struct Options {
  Command command = Command::none;
  ConfigFlags flags;  // --config, the [aws] overrides and the VIP flags
  std::string log_level = "warn";
  bool json = false;
  AcquireArgs acquire;
  ReleaseArgs release;
  CheckArgs check;
  PolicyArgs policy;
  NotifyArgs notify;
  std::optional<std::string> control_socket;  // --control-socket PATH (acquire, release, status, notify)
};

// The name the command line uses ("acquire", ...).
std::string_view to_string(Command command);

}  // namespace cloudvip::cli
