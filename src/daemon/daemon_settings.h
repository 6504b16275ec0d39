// [daemon]: settings of `cloudvip run`. Parsed and checked by the config loader (vip/config*).
#pragma once

#include <optional>
#include <string>

#include "common/clock.h"

namespace cloudvip {

inline constexpr const char* k_default_control_socket = "/run/cloudvip/control.sock";

struct DaemonSettings {
  std::optional<std::string> metrics;  // "127.0.0.1:9464": Prometheus /metrics; nullopt: off
  std::string control_socket = k_default_control_socket;
  Millis interval{5000};           // observe every VIP's tables this often (jittered)
  Millis failover_timeout{10000};  // one takeover's budget: its EC2 calls retry until it runs out
};

}  // namespace cloudvip
