#include "sim/faults.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace cloudvip::sim {
namespace {

using Json = nlohmann::json;

// Thrown inside apply_json() only, caught there and turned into a Result.
struct FieldProblem {
  std::string message;
};

[[noreturn]] void problem(std::string_view field, std::string_view what) {
  throw FieldProblem{"faults: field '" + std::string(field) + "': " + std::string(what)};
}

void reject_unknown_keys(const Json& object, std::string_view where, const std::set<std::string>& known) {
  if (!object.is_object()) {
    problem(where.empty() ? "(body)" : where, "expected a JSON object");
  }
  for (const auto& [key, value] : object.items()) {
    if (!known.contains(key)) {
      std::string field = where.empty() ? key : std::string(where) + "." + key;
      std::string list;
      for (const std::string& k : known) {
        list += (list.empty() ? "" : ", ") + k;
      }
      problem(field, "unknown key (known: " + list + ")");
    }
  }
}

int64_t read_integer(const Json& value, std::string_view field, int64_t min, int64_t max) {
  if (!value.is_number_integer() && !value.is_number_unsigned()) {
    problem(field, "expected an integer, got " + value.dump());
  }
  int64_t n = value.get<int64_t>();
  if (n < min || n > max) {
    problem(field,
            std::to_string(n) + " is out of range " + std::to_string(min) + ".." + std::to_string(max));
  }
  return n;
}

Millis read_millis(const Json& value, std::string_view field) {
  return Millis(read_integer(value, field, 0, 600'000));
}

bool read_bool(const Json& value, std::string_view field) {
  if (!value.is_boolean()) {
    problem(field, "expected true or false, got " + value.dump());
  }
  return value.get<bool>();
}

std::string read_code(const Json& value, std::string_view field) {
  if (!value.is_string() || value.get<std::string>().empty()) {
    problem(field, "expected a non-empty error code string such as \"InternalError\", got " + value.dump());
  }
  return value.get<std::string>();
}

int read_status(const Json& value, std::string_view field) {
  return static_cast<int>(read_integer(value, field, 400, 599));
}

ImdsOutage read_outage(const Json& value, std::string_view field) {
  if (value.is_boolean()) {
    return value.get<bool>() ? ImdsOutage::no_answer : ImdsOutage::none;
  }
  if (value.is_string()) {
    static const std::map<std::string, ImdsOutage> k_names = {{"none", ImdsOutage::none},
                                                              {"no-answer", ImdsOutage::no_answer},
                                                              {"close", ImdsOutage::close},
                                                              {"503", ImdsOutage::unavailable}};
    if (auto it = k_names.find(value.get<std::string>()); it != k_names.end()) {
      return it->second;
    }
  }
  problem(field, "expected true, false, \"none\", \"no-answer\", \"close\" or \"503\", got " + value.dump());
}

void apply(FaultSettings& s, const Json& body) {
  reject_unknown_keys(body, "",
                      {"latency_ms", "jitter_ms", "throttle", "error_rate", "fail_next", "imds", "lag_ms"});
  if (body.contains("latency_ms")) {
    s.latency = read_millis(body["latency_ms"], "latency_ms");
  }
  if (body.contains("jitter_ms")) {
    s.jitter = read_millis(body["jitter_ms"], "jitter_ms");
  }
  if (body.contains("throttle")) {
    s.throttle = read_bool(body["throttle"], "throttle");
  }
  if (body.contains("lag_ms")) {
    s.lag = read_millis(body["lag_ms"], "lag_ms");
  }
  if (body.contains("error_rate")) {
    const Json& e = body["error_rate"];
    reject_unknown_keys(e, "error_rate", {"rate", "code", "status"});
    if (e.contains("rate")) {
      if (!e["rate"].is_number() || e["rate"].get<double>() < 0 || e["rate"].get<double>() > 1) {
        problem("error_rate.rate", "expected a probability from 0 to 1, got " + e["rate"].dump());
      }
      s.error_rate.rate = e["rate"].get<double>();
    }
    if (e.contains("code")) {
      s.error_rate.code = read_code(e["code"], "error_rate.code");
    }
    if (e.contains("status")) {
      s.error_rate.status = read_status(e["status"], "error_rate.status");
    }
  }
  if (body.contains("fail_next")) {
    const Json& list = body["fail_next"];
    if (!list.is_array()) {
      problem("fail_next", "expected a list of {action, count, code, status}");
    }
    std::vector<FailNext> entries;
    for (size_t i = 0; i < list.size(); ++i) {
      std::string where = "fail_next[" + std::to_string(i) + "]";
      const Json& item = list[i];
      reject_unknown_keys(item, where, {"action", "count", "code", "status"});
      FailNext entry;
      if (!item.contains("action") || !item["action"].is_string() ||
          item["action"].get<std::string>().empty()) {
        problem(where + ".action", "required: the wire Action name (\"ReplaceRoute\") or \"*\"");
      }
      entry.action = item["action"].get<std::string>();
      entry.count = item.contains("count")
                        ? static_cast<int>(read_integer(item["count"], where + ".count", 0, 1'000'000))
                        : 1;
      if (!item.contains("code")) {
        problem(where + ".code", "required: the error code to answer with");
      }
      entry.code = read_code(item["code"], where + ".code");
      entry.status = item.contains("status") ? read_status(item["status"], where + ".status") : 400;
      entries.push_back(std::move(entry));
    }
    s.fail_next = std::move(entries);
  }
  if (body.contains("imds")) {
    const Json& imds = body["imds"];
    reject_unknown_keys(imds, "imds", {"delay_ms", "outage"});
    if (imds.contains("delay_ms")) {
      s.imds_delay = read_millis(imds["delay_ms"], "imds.delay_ms");
    }
    if (imds.contains("outage")) {
      s.imds_outage = read_outage(imds["outage"], "imds.outage");
    }
  }
}

}  // namespace

std::string_view to_string(ImdsOutage outage) {
  switch (outage) {
    case ImdsOutage::none:
      return "none";
    case ImdsOutage::no_answer:
      return "no-answer";
    case ImdsOutage::close:
      return "close";
    case ImdsOutage::unavailable:
      return "503";
  }
  return "none";
}

std::string injected_error_message(std::string_view code) {
  static const std::map<std::string, std::string, std::less<>> k_messages = {
      {"RequestLimitExceeded", "Request limit exceeded."},
      {"InternalError",
       "An internal error has occurred. Retry your request, but if the problem persists, contact us with "
       "details "
       "by posting a message on the AWS forums."},
      {"InternalFailure",
       "The request processing has failed because of an unknown error, exception or failure."},
      {"Unavailable", "The server is overloaded and can't handle the request."},
      {"ServiceUnavailable", "The request has failed due to a temporary failure of the server."},
      {"AuthFailure", "AWS was not able to validate the provided access credentials"},
  };
  if (auto it = k_messages.find(code); it != k_messages.end()) {
    return it->second;
  }
  return "Injected fault: " + std::string(code) + ".";
}

Faults::Faults(FaultSettings initial, uint64_t seed)
    : m_initial(initial), m_current(std::move(initial)), m_seed(seed), m_random(seed) {}

FaultSettings Faults::settings() const {
  std::lock_guard lock(m_mutex);
  return m_current;
}

void Faults::reset() {
  std::lock_guard lock(m_mutex);
  m_current = m_initial;
  m_random.seed(m_seed);
}

Result<void> Faults::apply_json(const nlohmann::json& body) {
  std::lock_guard lock(m_mutex);
  FaultSettings next = m_current;
  try {
    apply(next, body);
  } catch (const FieldProblem& p) {
    return fail(ErrorCode::invalid_argument, p.message);
  }
  m_current = std::move(next);
  return ok();
}

nlohmann::json Faults::to_json() const {
  std::lock_guard lock(m_mutex);
  const FaultSettings& s = m_current;
  Json fail_next = Json::array();
  for (const FailNext& f : s.fail_next) {
    fail_next.push_back({{"action", f.action}, {"count", f.count}, {"code", f.code}, {"status", f.status}});
  }
  return {{"latency_ms", s.latency.count()},
          {"jitter_ms", s.jitter.count()},
          {"throttle", s.throttle},
          {"error_rate",
           {{"rate", s.error_rate.rate}, {"code", s.error_rate.code}, {"status", s.error_rate.status}}},
          {"fail_next", fail_next},
          {"imds", {{"delay_ms", s.imds_delay.count()}, {"outage", std::string(to_string(s.imds_outage))}}},
          {"lag_ms", s.lag.count()}};
}

Millis Faults::next_latency() {
  std::lock_guard lock(m_mutex);
  Millis delay = m_current.latency;
  if (m_current.jitter.count() > 0) {
    std::uniform_int_distribution<int64_t> draw(0, m_current.jitter.count());
    delay += Millis(draw(m_random));
  }
  return delay;
}

std::optional<ApiError> Faults::injected_error(std::string_view action) {
  std::lock_guard lock(m_mutex);
  for (FailNext& entry : m_current.fail_next) {
    if (entry.count > 0 && (entry.action == action || entry.action == "*")) {
      --entry.count;
      ApiError error{entry.code, injected_error_message(entry.code), entry.status};
      std::erase_if(m_current.fail_next, [](const FailNext& f) { return f.count <= 0; });
      return error;
    }
  }
  if (m_current.error_rate.rate > 0) {
    std::uniform_real_distribution<double> draw(0.0, 1.0);
    if (draw(m_random) < m_current.error_rate.rate) {
      return ApiError{m_current.error_rate.code, injected_error_message(m_current.error_rate.code),
                      m_current.error_rate.status};
    }
  }
  return std::nullopt;
}

bool Faults::throttle() const {
  std::lock_guard lock(m_mutex);
  return m_current.throttle;
}

Millis Faults::lag() const {
  std::lock_guard lock(m_mutex);
  return m_current.lag;
}

Millis Faults::imds_delay() const {
  std::lock_guard lock(m_mutex);
  return m_current.imds_delay;
}

ImdsOutage Faults::imds_outage() const {
  std::lock_guard lock(m_mutex);
  return m_current.imds_outage;
}

}  // namespace cloudvip::sim
