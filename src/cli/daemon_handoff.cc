#include "cli/daemon_handoff.h"

#include <algorithm>

#include "cli/output.h"
#include "daemon/control_server.h"

namespace cloudvip::cli {
namespace {

// notify is fire-and-forget for hooks that must not wait (Patroni kills slow callbacks); the daemon only
// records the event before it answers.
constexpr Millis k_notify_timeout{5000};

// What the daemon may spend (sent as timeout_ms) and how long we wait for its answer: both well inside the
// command's deadline, so our own "did not answer" comes before the Deadline watch ends the process.
Millis daemon_budget(Millis deadline) {
  return deadline * 7 / 10;
}
Millis answer_wait(Millis deadline) {
  return deadline * 8 / 10;
}

// Prints the daemon's answer as the CLI would have printed its own result and returns its exit code.
int print_answer(const ControlAnswer& answer, const Settings& settings, std::string_view command) {
  if (settings.json) {
    nlohmann::json out = answer.json;
    if (out.empty() && !answer.error.empty()) {
      out = error_json(command, Error(ErrorCode::internal, answer.error), answer.exit_code);
    }
    print_stdout(out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  } else {
    print_stdout(answer.text);
  }
  if (!answer.error.empty()) {
    print_error(Error(ErrorCode::internal, answer.error), "cloudvip run");
  }
  return answer.exit_code;
}

ControlRequest request_for(const Options& options, const Settings& settings) {
  ControlRequest request;
  request.op = std::string(to_string(options.command));
  request.vip = options.flags.vip_name;
  if (options.command == Command::acquire || options.command == Command::release) {
    request.timeout = daemon_budget(settings.deadline);
  }
  if (options.command == Command::notify) {
    request.role = options.notify.role;
  }
  return request;
}

}  // namespace

std::filesystem::path control_socket_path(const Options& options, const Settings& settings,
                                          const Environment& env) {
  if (options.control_socket) {
    return *options.control_socket;
  }
  if (std::optional<std::string> from_env = env.get_nonempty("CLOUDVIP_CONTROL_SOCKET")) {
    return *from_env;
  }
  return settings.config.daemon.control_socket;
}

bool acts_itself(const Options& options, const Settings& settings) {
  if (settings.config.source == "flags" || options.flags.address) {
    return true;  // a VIP described on the command line is not one of the daemon's
  }
  switch (options.command) {
    case Command::acquire:
      return options.acquire.dry_run;  // DryRun asks AWS about this caller's permissions
    case Command::release:
      return options.release.dry_run || options.release.delete_routes;  // the daemon never deletes routes
    case Command::status:
      return false;
    default:
      return true;
  }
}

std::optional<int> hand_to_daemon(const Options& options, const Settings& settings, const Environment& env,
                                  Logger& logger) {
  if (acts_itself(options, settings)) {
    return std::nullopt;
  }
  std::filesystem::path socket = control_socket_path(options, settings, env);
  ControlRequest request = request_for(options, settings);
  Result<ControlAnswer> answer = control_call(socket, request, answer_wait(settings.deadline));
  if (!answer) {
    if (answer.error().code == ErrorCode::unavailable) {
      logger.debug("{}; acting without it", answer.error().message);
      return std::nullopt;
    }
    if (settings.json) {
      print_stdout(error_json(request.op, answer.error(), 1).dump(2) + "\n");
    }
    print_error(answer.error());
    return 1;
  }
  logger.info("{} handed to cloudvip run on {}", request.op, socket.string());
  return print_answer(*answer, settings, request.op);
}

std::optional<int> run_notify(const Options& options, const Settings& settings, const Environment& env,
                              Logger& logger) {
  std::filesystem::path socket = control_socket_path(options, settings, env);
  ControlRequest request = request_for(options, settings);
  Result<ControlAnswer> answer = control_call(socket, request, std::min(k_notify_timeout, settings.deadline));
  if (!answer) {
    Error error = answer.error();
    if (error.code == ErrorCode::unavailable) {
      if (options.notify.fallback) {
        logger.info("no cloudvip run is listening on {}; --fallback: {} here", socket.string(),
                    options.notify.role == "primary" ? "acquiring" : "releasing");
        return std::nullopt;
      }
      error = Error(ErrorCode::unavailable, "no cloudvip run is listening on " + socket.string() +
                                                "; start it, add --fallback to act here when none runs, or "
                                                "call cloudvip acquire/release from the hook instead");
    }
    if (settings.json) {
      print_stdout(error_json("notify", error, 1).dump(2) + "\n");
    }
    print_error(error);
    return 1;
  }
  logger.info("notify {} handed to cloudvip run on {}", request.role, socket.string());
  return print_answer(*answer, settings, "notify");
}

}  // namespace cloudvip::cli
