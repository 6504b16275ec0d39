// The record of every API call the emulator answered, in order: what tests and the fidelity suite read
// back through GET /_sim/calls. EC2 calls and IMDS calls share one sequence and are told apart by `kind`.
// Never holds a secret: no Authorization header, signature, session token, IMDS token or secret key, and
// request parameters that look like credentials are redacted before they are stored.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"

namespace cloudvip::sim {

struct CallRecord {
  uint64_t seq = 0;  // 1, 2, ... assigned by CallLog::append; keeps counting across clear()
  TimePoint time;
  std::string kind;  // "ec2" or "imds"
  // ec2
  std::string action;
  std::vector<std::pair<std::string, std::string>> params;  // as sent, secrets redacted (redact_params)
  std::string access_key_id;                                // the verified caller; empty when unsigned
  std::string request_id;
  // imds
  std::string instance_id;
  std::string method;
  std::string path;
  // both
  int status = 0;
  std::string error_code;                   // empty on success
  Millis latency{0};                        // handling time, injected latency included
  std::chrono::microseconds latency_us{0};  // the same, to the microsecond
};

// Drops X-Amz-* query parameters (presigned-URL authentication) and replaces the value of any parameter
// whose name looks like a credential (secret, password, signature, credential, private key, a token other
// than the NextToken/ClientToken of pagination and idempotency) with "(redacted)".
std::vector<std::pair<std::string, std::string>> redact_params(
    const std::vector<std::pair<std::string, std::string>>& params);

// Thread-safe. Keeps the newest k_max_records.
class CallLog {
 public:
  static constexpr size_t k_max_records = 100'000;

  // Stores `record` with the next sequence number and returns that number.
  uint64_t append(CallRecord record);
  // Records with seq > `after`, oldest first.
  std::vector<CallRecord> since(uint64_t after) const;
  void clear();
  // {"calls":[...], "last_seq":N}: pass last_seq as ?since= to read only what came after.
  nlohmann::json to_json(uint64_t after) const;

 private:
  mutable std::mutex m_mutex;
  std::deque<CallRecord> m_records;
  uint64_t m_last_seq = 0;
};

nlohmann::json to_json(const CallRecord& record);

}  // namespace cloudvip::sim
