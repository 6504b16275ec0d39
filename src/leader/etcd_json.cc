#include "leader/etcd_json.h"

#include <nlohmann/json.hpp>

#include <array>
#include <charconv>

namespace cloudvip {
namespace {

using nlohmann::json;

constexpr std::string_view k_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// An int64 as the gateway writes it: a JSON string of digits (or, leniently, a number); 0 when absent.
Result<std::int64_t> int64_field(const json& object, const char* name) {
  auto found = object.find(name);
  if (found == object.end() || found->is_null()) {
    return 0;
  }
  if (found->is_number_integer()) {
    return found->get<std::int64_t>();
  }
  if (found->is_string()) {
    const std::string& text = found->get_ref<const std::string&>();
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && end == text.data() + text.size()) {
      return value;
    }
  }
  return fail(ErrorCode::parse, std::string("etcd answer: '") + name + "' is not an int64: " + found->dump());
}

Result<std::string> bytes_field(const json& object, const char* name) {
  auto found = object.find(name);
  if (found == object.end() || found->is_null()) {
    return std::string();
  }
  if (!found->is_string()) {
    return fail(ErrorCode::parse, std::string("etcd answer: '") + name + "' is not a base64 string");
  }
  auto decoded = base64_decode(found->get_ref<const std::string&>());
  if (!decoded) {
    return fail(ErrorCode::parse, std::string("etcd answer: '") + name + "' is not valid base64");
  }
  return *decoded;
}

Result<EtcdKeyValue> key_value(const json& object) {
  if (!object.is_object()) {
    return fail(ErrorCode::parse, "etcd answer: a key-value that is not an object");
  }
  EtcdKeyValue kv;
  auto key = bytes_field(object, "key");
  auto value = bytes_field(object, "value");
  auto mod = int64_field(object, "mod_revision");
  auto version = int64_field(object, "version");
  auto lease = int64_field(object, "lease");
  for (const Error* error :
       {key ? nullptr : &key.error(), value ? nullptr : &value.error(), mod ? nullptr : &mod.error(),
        version ? nullptr : &version.error(), lease ? nullptr : &lease.error()}) {
    if (error != nullptr) {
      return fail(*error);
    }
  }
  kv.key = *key;
  kv.value = *value;
  kv.mod_revision = *mod;
  kv.version = *version;
  kv.lease = *lease;
  return kv;
}

Result<json> parse_json(std::string_view body) {
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    std::string shown(body.substr(0, 200));
    return fail(ErrorCode::parse, "etcd answer is not a JSON object: " + shown);
  }
  return parsed;
}

Result<std::int64_t> header_revision(const json& object) {
  auto header = object.find("header");
  if (header == object.end() || !header->is_object()) {
    return 0;
  }
  return int64_field(*header, "revision");
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t chunk = static_cast<std::uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) {
      chunk |= static_cast<std::uint8_t>(bytes[i + 1]) << 8;
    }
    if (i + 2 < bytes.size()) {
      chunk |= static_cast<std::uint8_t>(bytes[i + 2]);
    }
    out += k_alphabet[(chunk >> 18) & 63];
    out += k_alphabet[(chunk >> 12) & 63];
    out += i + 1 < bytes.size() ? k_alphabet[(chunk >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? k_alphabet[chunk & 63] : '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') {
    text.remove_suffix(1);
  }
  if (text.size() % 4 == 1) {
    return std::nullopt;
  }
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    size_t index = k_alphabet.find(c);
    if (index == std::string_view::npos) {
      return std::nullopt;
    }
    bits = (bits << 6) | static_cast<std::uint32_t>(index);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  return out;
}

std::string etcd_range_request(std::string_view key) {
  // Linearizable (no "serializable": true): the answer reflects every write committed before it.
  return json{{"key", base64_encode(key)}}.dump();
}

std::string etcd_watch_request(std::string_view key, std::int64_t start_revision) {
  return json{{"create_request",
               {{"key", base64_encode(key)},
                {"start_revision", std::to_string(start_revision)},
                {"progress_notify", true}}}}
      .dump();
}

std::string etcd_authenticate_request(std::string_view name, std::string_view password) {
  return json{{"name", name}, {"password", password}}.dump();
}

Result<EtcdRangeAnswer> parse_etcd_range(std::string_view body) {
  auto parsed = parse_json(body);
  if (!parsed) {
    return fail(parsed.error());
  }
  EtcdRangeAnswer answer;
  auto revision = header_revision(*parsed);
  if (!revision) {
    return fail(revision.error());
  }
  answer.revision = *revision;
  auto kvs = parsed->find("kvs");
  if (kvs != parsed->end() && kvs->is_array() && !kvs->empty()) {
    auto kv = key_value(kvs->front());
    if (!kv) {
      return fail(kv.error());
    }
    answer.kv = *kv;
  }
  return answer;
}

Result<std::string> parse_etcd_token(std::string_view body) {
  auto parsed = parse_json(body);
  if (!parsed) {
    return fail(parsed.error());
  }
  auto token = parsed->find("token");
  if (token == parsed->end() || !token->is_string() || token->get_ref<const std::string&>().empty()) {
    return fail(ErrorCode::auth, "etcd authenticate answer has no token");
  }
  return token->get<std::string>();
}

std::optional<EtcdErrorBody> parse_etcd_error(std::string_view body) {
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return std::nullopt;
  }
  const json* error = &parsed;
  if (auto inner = parsed.find("error"); inner != parsed.end() && inner->is_object()) {
    error = &*inner;
  }
  auto message = error->find("message");
  if (message == error->end() || !message->is_string()) {
    return std::nullopt;
  }
  EtcdErrorBody out;
  out.message = message->get<std::string>();
  for (const char* name : {"code", "grpc_code"}) {
    if (auto code = error->find(name); code != error->end() && code->is_number_integer()) {
      out.code = code->get<int>();
    }
  }
  return out;
}

Result<EtcdWatchMessage> parse_etcd_watch_line(std::string_view line) {
  auto parsed = parse_json(line);
  if (!parsed) {
    return fail(parsed.error());
  }
  auto result = parsed->find("result");
  if (result == parsed->end() || !result->is_object()) {
    auto error = parse_etcd_error(line);
    std::string message = error ? error->message : std::string(line.substr(0, 200));
    return fail(error && error->code == 16 ? ErrorCode::auth : ErrorCode::unavailable,
                "etcd watch error: " + message);
  }
  EtcdWatchMessage message;
  message.created = result->value("created", false);
  message.canceled = result->value("canceled", false);
  message.cancel_reason = result->value("cancel_reason", "");
  auto compact = int64_field(*result, "compact_revision");
  auto revision = header_revision(*result);
  if (!compact || !revision) {
    return fail(compact ? revision.error() : compact.error());
  }
  message.compact_revision = *compact;
  message.revision = *revision;
  if (auto events = result->find("events"); events != result->end() && events->is_array()) {
    for (const json& item : *events) {
      EtcdWatchEvent event;
      event.deleted = item.value("type", "PUT") == "DELETE";
      auto kv = key_value(item.value("kv", json::object()));
      if (!kv) {
        return fail(kv.error());
      }
      event.kv = *kv;
      message.events.push_back(std::move(event));
    }
  }
  return message;
}

}  // namespace cloudvip
