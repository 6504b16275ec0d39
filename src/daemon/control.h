// The control socket of `cloudvip run`: a unix stream socket (mode 0600, owned by root) on which the CLI and
// hooks talk to a running daemon. One request per connection: one JSON object on one line, answered by one
// JSON object on one line, then the server closes.
//
//   request  {"op": "status" | "acquire" | "release" | "notify", "vip": "NAME" (optional: every VIP),
//             "role": "primary" | "standby" (notify only), "timeout_ms": N (acquire/release; optional)}
//   answer   {"exit_code": N, "text": "what the CLI prints on stdout", "json": {...} (what --json prints),
//             "error": "..." (only when the daemon could not act)}
//
// The CLI prints `text` (or `json` with --json) and exits with `exit_code`, so a hook sees the same output
// and exit code whether the daemon or the CLI itself acted.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/error.h"

namespace cloudvip {

struct ControlRequest {
  std::string op;                  // status | acquire | release | notify
  std::optional<std::string> vip;  // nullopt: every VIP of the daemon
  std::string role;                // notify: primary | standby
  std::optional<Millis> timeout;   // acquire/release

  friend bool operator==(const ControlRequest&, const ControlRequest&) = default;
};

struct ControlAnswer {
  int exit_code = 0;
  std::string text;
  nlohmann::json json = nlohmann::json::object();
  std::string error;

  friend bool operator==(const ControlAnswer&, const ControlAnswer&) = default;
};

nlohmann::json to_json(const ControlRequest& request);
// ErrorCode::parse naming the field when the object is not a well-formed request.
Result<ControlRequest> parse_control_request(const nlohmann::json& json);
nlohmann::json to_json(const ControlAnswer& answer);
Result<ControlAnswer> parse_control_answer(const nlohmann::json& json);

// What the daemon does with a request. Called from the server's thread, one request at a time per connection;
// the implementation must be safe to call from several threads.
using ControlHandler = std::function<ControlAnswer(const ControlRequest&)>;

}  // namespace cloudvip
