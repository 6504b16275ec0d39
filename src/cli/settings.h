// Everything a command runs with, checked whole before anything touches the network: the configuration
// (file and flags), the selected VIPs, and the settings that come from the environment (IMDS options,
// attempts per call, CA bundle, profile, region when it is known without asking IMDS). A mistake anywhere
// is one Error{ErrorCode::config} naming the setting, the value and the fix; the command then exits 2
// having called nothing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "aws/imds.h"
#include "aws/retry.h"
#include "cli/options.h"
#include "common/clock.h"
#include "common/env.h"
#include "common/error.h"
#include "common/log.h"
#include "vip/config.h"

namespace cloudvip::cli {

inline constexpr std::string_view k_default_cache_dir = "/run/cloudvip";
// One EC2 attempt never waits longer than this, whatever the command's deadline.
inline constexpr Millis k_max_attempt_timeout{10000};

struct Settings {
  Config config;              // merged: flags over the file's [aws]
  std::vector<VipSpec> vips;  // the VIPs this command acts on (--vip, else all)
  LogLevel log_level = LogLevel::warn;
  bool json = false;
  Millis deadline{30000};  // the whole command (--timeout / [aws] timeout, else the command's default)
  ImdsOptions imds;
  RetryOptions retry;
  std::string ca_bundle;               // AWS_CA_BUNDLE; empty: the system store
  std::string cache_dir;               // CLOUDVIP_CACHE_DIR, else /run/cloudvip
  std::optional<std::string> profile;  // [aws] profile / --profile (else the environment's choice)
  std::optional<std::string> region;   // known without IMDS (flag, config, environment, profile)
  std::string region_setting;          // how to name the region's source in messages
  std::string endpoint_setting;        // how to name the endpoint flag/key in messages
};

// The default deadline of each command: check asks more questions than a failover.
Millis default_deadline(Command command);

// Reads the config file (and the AWS shared config files for a profile's region) but makes no network call.
Result<Settings> check_settings(const Options& options, const Environment& env);

}  // namespace cloudvip::cli
