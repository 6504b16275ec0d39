#include "daemon/control.h"

#include <algorithm>
#include <array>

namespace cloudvip {
namespace {

constexpr std::array<std::string_view, 4> k_ops = {"status", "acquire", "release", "notify"};

Error bad(std::string what) {
  return Error(ErrorCode::parse, std::move(what));
}

// The field `key` of `json` as a string when present and not null; an error naming it otherwise.
Result<std::optional<std::string>> optional_string(const nlohmann::json& json, const char* key,
                                                   const char* what) {
  auto it = json.find(key);
  if (it == json.end() || it->is_null()) {
    return std::optional<std::string>();
  }
  if (!it->is_string()) {
    return std::unexpected(bad(std::string(what) + ": '" + key + "' must be a string, not " + it->dump()));
  }
  return std::optional<std::string>(it->get<std::string>());
}

}  // namespace

nlohmann::json to_json(const ControlRequest& request) {
  nlohmann::json json = {{"op", request.op}};
  if (request.vip) {
    json["vip"] = *request.vip;
  }
  if (!request.role.empty()) {
    json["role"] = request.role;
  }
  if (request.timeout) {
    json["timeout_ms"] = request.timeout->count();
  }
  return json;
}

// Unknown fields are ignored, so a newer CLI can talk to an older daemon; known ones are checked strictly.
Result<ControlRequest> parse_control_request(const nlohmann::json& json) {
  constexpr const char* what = "control request";
  if (!json.is_object()) {
    return std::unexpected(bad(std::string(what) + ": expected a JSON object, not " + json.dump()));
  }
  ControlRequest request;
  Result<std::optional<std::string>> op = optional_string(json, "op", what);
  if (!op) {
    return std::unexpected(op.error());
  }
  if (!*op) {
    return std::unexpected(
        bad(std::string(what) + ": 'op' is missing (expected status, acquire, release or notify)"));
  }
  if (std::find(k_ops.begin(), k_ops.end(), **op) == k_ops.end()) {
    return std::unexpected(
        bad(std::string(what) + ": 'op' is '" + **op + "' (expected status, acquire, release or notify)"));
  }
  request.op = **op;

  Result<std::optional<std::string>> vip = optional_string(json, "vip", what);
  if (!vip) {
    return std::unexpected(vip.error());
  }
  if (*vip && (*vip)->empty()) {
    return std::unexpected(bad(std::string(what) + ": 'vip' is empty (leave it out to mean every VIP)"));
  }
  request.vip = *vip;

  Result<std::optional<std::string>> role = optional_string(json, "role", what);
  if (!role) {
    return std::unexpected(role.error());
  }
  if (request.op == "notify") {
    if (!*role || (**role != "primary" && **role != "standby")) {
      return std::unexpected(bad(std::string(what) + ": notify needs 'role' primary or standby, not " +
                                 (*role ? "'" + **role + "'" : std::string("nothing"))));
    }
    request.role = **role;
  } else if (*role) {
    return std::unexpected(bad(std::string(what) + ": 'role' is only for notify, not " + request.op));
  }

  auto timeout = json.find("timeout_ms");
  if (timeout != json.end() && !timeout->is_null()) {
    if (!timeout->is_number_integer() || timeout->get<long long>() < 0) {
      return std::unexpected(bad(std::string(what) +
                                 ": 'timeout_ms' must be a whole number of milliseconds >= 0, not " +
                                 timeout->dump()));
    }
    request.timeout = Millis(timeout->get<long long>());
  }
  return request;
}

nlohmann::json to_json(const ControlAnswer& answer) {
  nlohmann::json json = {{"exit_code", answer.exit_code}, {"text", answer.text}, {"json", answer.json}};
  if (!answer.error.empty()) {
    json["error"] = answer.error;
  }
  return json;
}

Result<ControlAnswer> parse_control_answer(const nlohmann::json& json) {
  constexpr const char* what = "control answer";
  if (!json.is_object()) {
    return std::unexpected(bad(std::string(what) + ": expected a JSON object, not " + json.dump()));
  }
  ControlAnswer answer;
  auto code = json.find("exit_code");
  if (code == json.end() || !code->is_number_integer() || code->get<long long>() < 0 ||
      code->get<long long>() > 255) {
    return std::unexpected(bad(std::string(what) + ": 'exit_code' must be a number 0-255, not " +
                               (code == json.end() ? std::string("missing") : code->dump())));
  }
  answer.exit_code = code->get<int>();
  for (auto [key, slot] : {std::pair{"text", &answer.text}, std::pair{"error", &answer.error}}) {
    Result<std::optional<std::string>> value = optional_string(json, key, what);
    if (!value) {
      return std::unexpected(value.error());
    }
    *slot = value->value_or("");
  }
  auto body = json.find("json");
  if (body != json.end() && !body->is_null()) {
    answer.json = *body;
  }
  return answer;
}

}  // namespace cloudvip
