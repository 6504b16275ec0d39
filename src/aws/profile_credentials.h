// Credentials from a named profile in the shared files (~/.aws/credentials, ~/.aws/config), in the SDKs'
// order: static keys in the credentials file, then `credential_process`, then static keys in the config file.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "aws/credentials.h"
#include "aws/shared_config.h"
#include "common/process_runner.h"

namespace cloudvip {

// Parses credential_process output: {"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken"?,
// "Expiration"?}. Error messages never quote the output.
Result<Credentials> parse_credential_process_output(std::string_view output);

// The profile is `profile` when given, else AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default".
// Errors: the implicit "default" profile absent or without credentials -> ErrorCode::not_found; a profile
// named (by argument or variable) that is in neither file -> ErrorCode::config naming it and both files;
// half a key pair, a syntax error, a failing credential_process -> ErrorCode::config; credentials that
// expired per the clock -> ErrorCode::auth. The files are read on the first get(); results are cached
// (credential_process results until k_refresh_before their expiration).
class ProfileCredentialsProvider : public CredentialsProvider {
 public:
  static constexpr std::chrono::minutes k_refresh_before{15};
  static constexpr Millis k_process_timeout{60000};

  ProfileCredentialsProvider(const Environment& env, Clock& clock, ProcessRunner& runner,
                             std::optional<std::string> profile = std::nullopt)
      : m_env(env), m_clock(clock), m_runner(runner), m_profile(std::move(profile)) {}
  Result<Credentials> get() override;

 private:
  Result<Credentials> load();
  Result<Credentials> run_process(const std::string& profile, const std::string& command);

  const Environment& m_env;
  Clock& m_clock;
  ProcessRunner& m_runner;
  std::optional<std::string> m_profile;
  std::mutex m_mutex;
  std::optional<Credentials> m_cached;
};

}  // namespace cloudvip
