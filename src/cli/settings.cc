#include "cli/settings.h"

#include <algorithm>
#include <filesystem>

#include "aws/endpoint.h"
#include "aws/shared_config.h"
#include "vip/config_flags.h"

namespace cloudvip::cli {
namespace {

std::unexpected<Error> config_failure(std::string message) {
  return fail(ErrorCode::config, std::move(message));
}

// A setting's error as a config error (whatever code its checker chose: every one of them is a usage
// mistake here, found before any call).
std::unexpected<Error> as_config(const Error& error) {
  Error out = error;
  out.code = ErrorCode::config;
  return std::unexpected(std::move(out));
}

// The [aws] key of the file, or the flag when the flag set it.
std::string setting_name(bool from_flag, std::string_view flag, std::string_view key, const Config& config) {
  if (from_flag || config.source == "flags") {
    return std::string(flag);
  }
  return std::string(key) + " (in " + config.source + ")";
}

Result<void> check_ca_bundle(const Environment& env, Settings& settings) {
  std::optional<std::string> bundle = env.get_nonempty("AWS_CA_BUNDLE");
  if (!bundle) {
    return {};
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(*bundle, ec)) {
    return config_failure("AWS_CA_BUNDLE: '" + *bundle +
                          "' is not a readable file (point it at a PEM file of CA certificates, or unset it "
                          "to use the system's)");
  }
  settings.ca_bundle = *bundle;
  return {};
}

Result<void> check_imds(const Environment& env, Settings& settings) {
  Result<ImdsOptions> imds = Imds::options_from_env(env);
  if (!imds) {
    return as_config(imds.error());
  }
  settings.imds = *imds;
  if (settings.config.aws.imds_endpoint) {
    settings.imds.endpoint = *settings.config.aws.imds_endpoint;
  }
  if (settings.config.aws.imds_v1_fallback) {
    settings.imds.allow_v1_fallback = true;
  }
  return {};
}

Result<void> check_retry(const Environment& env, Settings& settings) {
  Result<RetryOptions> retry = RetryOptions{};
  if (settings.config.aws.max_attempts) {
    retry = make_retry_options(*settings.config.aws.max_attempts, "max_attempts");
  } else if (auto text = env.get_nonempty("AWS_MAX_ATTEMPTS")) {
    retry = parse_retry_options(*text, "AWS_MAX_ATTEMPTS");
  }
  if (!retry) {
    return as_config(retry.error());
  }
  settings.retry = *retry;
  return {};
}

// The profile's region (reading the AWS config files, no network), then the region itself when any source
// other than IMDS gives one.
Result<void> check_profile_and_region(const Options& options, const Environment& env, Settings& settings) {
  const Config& config = settings.config;
  settings.profile = config.aws.profile;
  ProfileChoice choice = choose_profile(env, settings.profile);
  std::optional<std::string> profile_region;
  Result<SharedConfig> shared = SharedConfig::load(env);
  if (shared) {
    if (settings.profile && !shared->has_profile(*settings.profile)) {
      std::string name = setting_name(options.flags.profile.has_value(), "--profile", "profile", config);
      return config_failure(name + ": '" + *settings.profile +
                            "' is not a profile of the AWS config or credentials file (add [profile " +
                            *settings.profile +
                            "] to ~/.aws/config, or drop the setting to use the "
                            "environment or the instance role)");
    }
    profile_region = shared->get(choice.name, "region");
  } else if (settings.profile) {
    return as_config(shared.error());
  }

  settings.region_setting = setting_name(options.flags.region.has_value(), "--region", "region", config);
  bool any_source = config.aws.region || env.get_nonempty("AWS_REGION") ||
                    env.get_nonempty("AWS_DEFAULT_REGION") || profile_region;
  if (!any_source) {
    return {};  // IMDS will say, when a command needs it
  }
  RegionSources sources{.flag = config.aws.region,
                        .flag_name = settings.region_setting,
                        .env = env,
                        .profile_region = profile_region,
                        .profile_name = choice.name,
                        .imds_region = {}};
  Result<std::string> region = resolve_region(sources);
  if (!region) {
    return as_config(region.error());
  }
  settings.region = *region;
  return {};
}

Result<void> check_endpoint(const Options& options, const Environment& env, Settings& settings) {
  settings.endpoint_setting =
      setting_name(options.flags.endpoint.has_value(), "--endpoint", "endpoint", settings.config);
  // Only explicit endpoints can be wrong here; the default one follows from the region, checked above.
  EndpointSources sources{.flag = settings.config.aws.endpoint,
                          .flag_name = settings.endpoint_setting,
                          .env = env,
                          .region = settings.region.value_or("us-east-1")};
  Result<Endpoint> endpoint = resolve_ec2_endpoint(sources);
  if (!endpoint) {
    return as_config(endpoint.error());
  }
  return {};
}

}  // namespace

Millis default_deadline(Command command) {
  if (command == Command::run) {
    return Millis(3000);  // the daemon: each EC2 attempt is short; the loop tries again on its own
  }
  return command == Command::check ? Millis(60000) : Millis(30000);
}

Result<Settings> check_settings(const Options& options, const Environment& env) {
  Settings settings;
  std::optional<LogLevel> level = parse_log_level(options.log_level);
  if (!level) {
    return config_failure("--log-level: '" + options.log_level +
                          "' is not a log level (use debug, info, warn or error)");
  }
  settings.log_level = *level;
  settings.json = options.json;
  if (const std::optional<std::string>& account = options.policy.account) {
    if (account->size() != 12 ||
        !std::ranges::all_of(*account, [](char c) { return c >= '0' && c <= '9'; })) {
      return config_failure("--account: '" + *account +
                            "' is not an AWS account id (12 digits, e.g. 123456789012)");
    }
  }

  Result<Config> config = load_config(options.flags, env);
  if (!config) {
    return as_config(config.error());
  }
  settings.config = std::move(*config);
  Result<std::vector<VipSpec>> vips = select_vips(settings.config, options.flags.vip_name);
  if (!vips) {
    return as_config(vips.error());
  }
  settings.vips = std::move(*vips);
  settings.deadline = settings.config.aws.timeout.value_or(default_deadline(options.command));
  settings.cache_dir = env.get_nonempty("CLOUDVIP_CACHE_DIR").value_or(std::string(k_default_cache_dir));

  for (auto check : {check_ca_bundle, check_imds, check_retry}) {
    if (Result<void> checked = check(env, settings); !checked) {
      return std::unexpected(checked.error());
    }
  }
  if (Result<void> checked = check_profile_and_region(options, env, settings); !checked) {
    return std::unexpected(checked.error());
  }
  if (Result<void> checked = check_endpoint(options, env, settings); !checked) {
    return std::unexpected(checked.error());
  }
  return settings;
}

}  // namespace cloudvip::cli
