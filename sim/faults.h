// The fault switches of cloudvip-sim: per-call latency, EC2 throttling on/off, injected API errors (a random
// rate and "the next N calls of action X fail"), IMDS delay and outage, and eventual-consistency lag. Set at
// start from the command line and changed at run time through POST /_sim/faults (docs/simulator.md).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "sim/api_error.h"

namespace cloudvip::sim {

// How IMDS misbehaves during an outage.
enum class ImdsOutage {
  none,
  no_answer,    // the request is held until the client gives up (bounded: k_imds_hold_limit)
  close,        // the connection is closed before a full answer is sent
  unavailable,  // 503 with an empty body
};
std::string_view to_string(ImdsOutage outage);

struct ErrorRate {
  double rate = 0;  // probability per EC2 call, 0..1
  std::string code = "InternalError";
  int status = 500;
};

struct FailNext {
  std::string action;  // the wire Action, or "*" for any
  int count = 0;       // calls left to fail
  std::string code;
  int status = 400;
};

struct FaultSettings {
  Millis latency{0};  // added to every EC2 call
  Millis jitter{0};   // plus uniform [0, jitter]
  bool throttle = true;
  ErrorRate error_rate;
  std::vector<FailNext> fail_next;
  Millis imds_delay{0};
  ImdsOutage imds_outage = ImdsOutage::none;
  Millis lag{0};  // Describe* see a change only this long after it happened
};

// Thread-safe.
class Faults {
 public:
  // `initial` is what reset() returns to (the command line's settings); `seed` seeds the error-rate and
  // jitter draws, so a run can be repeated.
  explicit Faults(FaultSettings initial = {}, uint64_t seed = 1);

  FaultSettings settings() const;
  // Back to the settings given at construction; the random sequence restarts from the seed.
  void reset();

  // Applies the fields present in `body` (POST /_sim/faults; the format is in docs/simulator.md) on top of
  // the current settings. All or nothing: an unknown key, a wrong type or an out-of-range value fails
  // (ErrorCode::invalid_argument) naming the field ("error_rate.rate"), and nothing changes.
  Result<void> apply_json(const nlohmann::json& body);
  nlohmann::json to_json() const;

  // The delay to add to the next EC2 call: latency + a uniform draw from [0, jitter].
  Millis next_latency();
  // The error the next call of `action` must answer with, if any: a matching fail_next entry first (its
  // count drops by one), else a draw against error_rate.
  std::optional<ApiError> injected_error(std::string_view action);

  bool throttle() const;
  Millis lag() const;
  Millis imds_delay() const;
  ImdsOutage imds_outage() const;

 private:
  mutable std::mutex m_mutex;
  FaultSettings m_initial;
  FaultSettings m_current;
  uint64_t m_seed;
  std::mt19937_64 m_random;
};

// The message real EC2 sends with `code` (aws-protocol.md §2.2), or a generic one naming the code.
std::string injected_error_message(std::string_view code);

}  // namespace cloudvip::sim
