#include "sim/call_log.h"

#include "aws/credentials.h"
#include "common/strings.h"

namespace cloudvip::sim {
namespace {

bool looks_like_credential(const std::string& key) {
  std::string k = to_lower(key);
  if (k == "nexttoken" || k == "clienttoken") {
    return false;
  }
  for (std::string_view word : {"secret", "password", "signature", "credential", "privatekey", "token"}) {
    if (k.find(word) != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> redact_params(
    const std::vector<std::pair<std::string, std::string>>& params) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, value] : params) {
    if (to_lower(key).starts_with("x-amz-")) {
      continue;
    }
    out.emplace_back(key, looks_like_credential(key) ? "(redacted)" : value);
  }
  return out;
}

uint64_t CallLog::append(CallRecord record) {
  std::lock_guard lock(m_mutex);
  record.seq = ++m_last_seq;
  m_records.push_back(std::move(record));
  while (m_records.size() > k_max_records) {
    m_records.pop_front();
  }
  return m_last_seq;
}

std::vector<CallRecord> CallLog::since(uint64_t after) const {
  std::lock_guard lock(m_mutex);
  std::vector<CallRecord> out;
  for (const CallRecord& record : m_records) {
    if (record.seq > after) {
      out.push_back(record);
    }
  }
  return out;
}

void CallLog::clear() {
  std::lock_guard lock(m_mutex);
  m_records.clear();
}

nlohmann::json CallLog::to_json(uint64_t after) const {
  nlohmann::json calls = nlohmann::json::array();
  uint64_t last_seq = 0;
  {
    std::lock_guard lock(m_mutex);
    last_seq = m_last_seq;
  }
  for (const CallRecord& record : since(after)) {
    calls.push_back(sim::to_json(record));
  }
  return {{"calls", calls}, {"last_seq", last_seq}};
}

nlohmann::json to_json(const CallRecord& r) {
  nlohmann::json out = {
      {"seq", r.seq},
      {"time", format_aws_timestamp(r.time)},
      {"time_ms", std::chrono::duration_cast<Millis>(r.time.time_since_epoch()).count()},
      {"time_us", std::chrono::duration_cast<std::chrono::microseconds>(r.time.time_since_epoch()).count()},
      {"kind", r.kind},
      {"status", r.status},
      {"error_code", r.error_code},
      {"latency_ms", r.latency.count()},
      {"latency_us", r.latency_us.count()}};
  if (r.kind == "imds") {
    out["instance_id"] = r.instance_id;
    out["method"] = r.method;
    out["path"] = r.path;
  } else {
    out["action"] = r.action;
    nlohmann::json params = nlohmann::json::array();
    for (const auto& [key, value] : r.params) {
      params.push_back({key, value});
    }
    out["params"] = params;
    out["access_key_id"] = r.access_key_id;
    out["request_id"] = r.request_id;
  }
  return out;
}

}  // namespace cloudvip::sim
