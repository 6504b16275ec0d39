#include "sim/admin_api.h"

#include <nlohmann/json.hpp>

#include <charconv>

#include "aws/uri.h"
#include "common/strings.h"

namespace cloudvip::sim {
namespace {

using Json = nlohmann::json;

HttpReply json_reply(int status, const Json& body) {
  HttpReply out;
  out.status = status;
  out.content_type = "application/json";
  out.body = body.dump(2) + "\n";
  return out;
}

HttpReply done(Json extra = Json::object()) {
  extra["ok"] = true;
  return json_reply(200, extra);
}

std::optional<std::string> query_value(std::string_view query, std::string_view name) {
  for (const auto& [key, value] : parse_query(query, true)) {
    if (key == name) {
      return value;
    }
  }
  return std::nullopt;
}

HttpReply result_reply(const Result<void>& result) {
  if (result) {
    return done();
  }
  return AdminApi::json_error(result.error().code == ErrorCode::not_found ? 404 : 409,
                              result.error().message);
}

const char* k_help =
    "cloudvip-sim admin API (JSON; unauthenticated test harness)\n"
    "  GET    /_sim/state                           the world (route tables, instances, ENIs, addresses)\n"
    "  GET    /_sim/calls[?since=N]                 the call log; pass last_seq back as since\n"
    "  DELETE /_sim/calls | POST /_sim/calls/clear  empty the call log\n"
    "  GET    /_sim/faults | POST /_sim/faults      read / change the fault switches\n"
    "  POST   /_sim/reset                           world, call log, faults and throttling back to the "
    "start\n"
    "  POST   /_sim/instances/ID/stop|start\n"
    "  POST   /_sim/interfaces/ENI/detach | attach?instance=ID[&device_index=N]\n"
    "  POST   /_sim/credentials/rotate?instance=ID  new role credentials for the instance\n";

}  // namespace

HttpReply AdminApi::json_error(int status, std::string message, std::string field) {
  Json body = {{"error", std::move(message)}};
  if (!field.empty()) {
    body["field"] = std::move(field);
  }
  return json_reply(status, body);
}

HttpReply AdminApi::handle(std::string_view method, std::string_view path, std::string_view query,
                           std::string_view body) {
  if (path.ends_with('/') && path.size() > 1) {
    path.remove_suffix(1);
  }
  std::vector<std::string> parts = split(path, '/');  // "", "_sim", ...
  parts.erase(parts.begin(), parts.begin() + std::min<size_t>(2, parts.size()));
  auto wrong_method = [&](std::string_view allowed) {
    HttpReply out = json_error(405, "use " + std::string(allowed) + " for " + std::string(path));
    out.headers.emplace_back("Allow", std::string(allowed));
    return out;
  };
  if (parts.empty() || (parts.size() == 1 && parts[0] == "help")) {
    HttpReply out;
    out.body = k_help;
    return out;
  }
  const std::string& what = parts[0];
  if (what == "state" && parts.size() == 1) {
    return method == "GET" ? json_reply(200, m_simulation.model()->state_json()) : wrong_method("GET");
  }
  if (what == "calls" && parts.size() == 1) {
    if (method == "GET") {
      return calls(query);
    }
    if (method == "DELETE") {
      m_log.clear();
      return done();
    }
    return wrong_method("GET, DELETE");
  }
  if (what == "calls" && parts.size() == 2 && parts[1] == "clear") {
    if (method != "POST") {
      return wrong_method("POST");
    }
    m_log.clear();
    return done();
  }
  if (what == "faults" && parts.size() == 1) {
    if (method == "GET") {
      return json_reply(200, m_faults.to_json());
    }
    return method == "POST" ? post_faults(body) : wrong_method("GET, POST");
  }
  if (method != "POST") {
    return wrong_method("POST");
  }
  if (what == "reset" && parts.size() == 1) {
    return reset();
  }
  if (what == "instances" && parts.size() == 3) {
    return instance(parts[1], parts[2]);
  }
  if (what == "interfaces" && parts.size() == 3) {
    return interface(parts[1], parts[2], query);
  }
  if (what == "credentials" && parts.size() == 2 && parts[1] == "rotate") {
    return rotate(query);
  }
  return json_error(404, "no admin endpoint " + std::string(method) + " " + std::string(path) +
                             " (GET /_sim/help lists them)");
}

HttpReply AdminApi::calls(std::string_view query) {
  uint64_t since = 0;
  if (auto text = query_value(query, "since")) {
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), since);
    if (ec != std::errc() || end != text->data() + text->size()) {
      return json_error(400,
                        "since: '" + *text + "' is not a sequence number (use last_seq from a previous read)",
                        "since");
    }
  }
  return json_reply(200, m_log.to_json(since));
}

HttpReply AdminApi::post_faults(std::string_view body) {
  Json parsed = Json::parse(body, nullptr, false);
  if (parsed.is_discarded()) {
    return json_error(400, "faults: the body is not valid JSON", "(body)");
  }
  if (auto applied = m_faults.apply_json(parsed); !applied) {
    // The message reads "faults: field 'NAME': problem"; pass the name on separately for scripts.
    const std::string& message = applied.error().message;
    std::string field;
    if (size_t open = message.find('\''); open != std::string::npos) {
      field = message.substr(open + 1, message.find('\'', open + 1) - open - 1);
    }
    return json_error(400, message, field);
  }
  return json_reply(200, m_faults.to_json());
}

HttpReply AdminApi::reset() {
  m_simulation.reset();
  m_log.clear();
  m_faults.reset();
  m_throttle.reset();
  return done();
}

HttpReply AdminApi::instance(std::string_view id, std::string_view verb) {
  if (verb == "stop") {
    return result_reply(m_simulation.stop_instance(id));
  }
  if (verb == "start") {
    return result_reply(m_simulation.start_instance(id));
  }
  return json_error(404, "instances: '" + std::string(verb) + "' is not stop or start");
}

HttpReply AdminApi::interface(std::string_view id, std::string_view verb, std::string_view query) {
  if (verb == "detach") {
    return result_reply(m_simulation.detach_interface(id));
  }
  if (verb == "attach") {
    std::optional<std::string> instance = query_value(query, "instance");
    if (!instance || instance->empty()) {
      return json_error(400, "attach needs ?instance=i-... (and optionally &device_index=N)", "instance");
    }
    int device_index = 0;
    if (auto text = query_value(query, "device_index")) {
      auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), device_index);
      if (ec != std::errc() || end != text->data() + text->size() || device_index < 0) {
        return json_error(400, "device_index: '" + *text + "' is not a device index (0, 1, ...)",
                          "device_index");
      }
    }
    return result_reply(m_simulation.attach_interface(id, *instance, device_index));
  }
  return json_error(404, "interfaces: '" + std::string(verb) + "' is not detach or attach");
}

HttpReply AdminApi::rotate(std::string_view query) {
  std::optional<std::string> instance = query_value(query, "instance");
  if (!instance || instance->empty()) {
    return json_error(400, "rotate needs ?instance=i-...", "instance");
  }
  auto rotated = m_simulation.model()->rotate_role_credentials(*instance);
  if (!rotated) {
    return json_error(404, rotated.error().message);
  }
  // The new key id only: secrets never leave through the admin API.
  return done({{"access_key_id", rotated->access_key_id}, {"role", rotated->role}});
}

}  // namespace cloudvip::sim
