// Serves the control protocol (control.h) on a unix socket for a running `cloudvip run`.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <thread>

#include "common/error.h"
#include "daemon/control.h"

namespace cloudvip {

// Bounds on what one client may cost the server.
struct ControlServerLimits {
  std::size_t max_request_bytes = 64 * 1024;  // a longer request is answered with an error
  Millis read_timeout{5000};                  // a client that sends no full line in this time is dropped
  int max_connections = 8;                    // served at once; more are answered "busy"
};

class ControlServer {
 public:
  ControlServer(std::filesystem::path path, ControlHandler handler, ControlServerLimits limits = {});
  ~ControlServer();  // stops

  // Creates the socket's directory (0700) if missing, removes a stale socket file (one nobody listens on;
  // a live one is an error: "another cloudvip run is listening on PATH"), binds, chmods 0600, and serves
  // on a thread of its own. ErrorCode::config/network naming the path and the fix.
  Result<void> start();
  // Stops serving, joins, unlinks the socket file (only if it is still ours). Idempotent. Connections still
  // reading are dropped at once; a handler already running is waited for, so handlers must be bounded.
  void stop();

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

// The client side: sends `request` to the daemon listening on `path`, waits up to `timeout` for the answer.
// ErrorCode::unavailable when no daemon listens there (no socket file, or connection refused) or this caller
// may not reach it (permission denied: not root): the caller then acts itself. Other errors (timeout, a
// malformed answer) are not "no daemon" and say what happened.
Result<ControlAnswer> control_call(const std::filesystem::path& path, const ControlRequest& request,
                                   Millis timeout);

}  // namespace cloudvip
