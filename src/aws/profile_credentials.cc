#include "aws/profile_credentials.h"

#include <nlohmann/json.hpp>

namespace cloudvip {

namespace {

// Static keys from one section: nullopt when the section has neither key.
Result<std::optional<Credentials>> keys_from(const IniSection* section, const std::string& where,
                                             const std::string& provider) {
  if (section == nullptr) {
    return std::optional<Credentials>();
  }
  auto value = [section](std::string_view key) -> std::optional<std::string> {
    auto it = section->find(key);
    if (it == section->end() || it->second.empty()) {
      return std::nullopt;
    }
    return it->second;
  };
  auto id = value("aws_access_key_id");
  auto secret = value("aws_secret_access_key");
  if (!id && !secret) {
    return std::optional<Credentials>();
  }
  if (!id || !secret) {
    return fail(ErrorCode::config, where + " has " + (id ? "aws_access_key_id" : "aws_secret_access_key") +
                                       " but no " + (id ? "aws_secret_access_key" : "aws_access_key_id") +
                                       ": set both");
  }
  Credentials credentials;
  credentials.access_key_id = *id;
  credentials.secret_access_key = *secret;
  credentials.session_token = value("aws_session_token").value_or(value("aws_security_token").value_or(""));
  credentials.provider = provider;
  return std::optional<Credentials>(std::move(credentials));
}

}  // namespace

Result<Credentials> parse_credential_process_output(std::string_view output) {
  auto json = nlohmann::json::parse(output, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return fail(ErrorCode::parse, "output was not valid JSON (expected an object with Version 1)");
  }
  auto version = json.find("Version");
  if (version == json.end() || !version->is_number_integer() || version->get<int>() != 1) {
    return fail(ErrorCode::parse, "output has no \"Version\": 1 (the only version supported)");
  }
  auto text = [&json](const char* key) -> std::optional<std::string> {
    auto it = json.find(key);
    if (it == json.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
      return std::nullopt;
    }
    return it->get<std::string>();
  };
  auto id = text("AccessKeyId");
  auto secret = text("SecretAccessKey");
  if (!id || !secret) {
    return fail(ErrorCode::parse, std::string("output lacks ") + (id ? "SecretAccessKey" : "AccessKeyId"));
  }
  Credentials credentials;
  credentials.access_key_id = *id;
  credentials.secret_access_key = *secret;
  credentials.session_token = text("SessionToken").value_or("");
  credentials.provider = "credential-process";
  if (auto expiration = text("Expiration")) {
    auto parsed = parse_aws_timestamp(*expiration);
    if (!parsed) {
      return fail(ErrorCode::parse, "output has Expiration '" + *expiration +
                                        "', not an ISO 8601 time such as 2024-05-17T15:09:54Z");
    }
    credentials.expiration = *parsed;
  }
  return credentials;
}

Result<Credentials> ProfileCredentialsProvider::get() {
  std::lock_guard lock(m_mutex);
  TimePoint now = m_clock.now();
  if (m_cached && (!m_cached->expiration || now < *m_cached->expiration - k_refresh_before)) {
    return *m_cached;
  }
  auto credentials = load();
  if (!credentials) {
    return credentials;
  }
  if (credentials->expired(now)) {
    return fail(ErrorCode::auth, "credentials from " + credentials->provider + " expired at " +
                                     format_aws_timestamp(*credentials->expiration) + ": renew them");
  }
  m_cached = *credentials;
  return credentials;
}

Result<Credentials> ProfileCredentialsProvider::load() {
  ProfileChoice choice = choose_profile(m_env, m_profile);
  auto paths = shared_config_paths(m_env);
  if (!paths) {
    return fail(paths.error());
  }
  auto config = SharedConfig::load(*paths);
  if (!config) {
    return fail(config.error());
  }
  const std::string& name = choice.name;
  if (!config->has_profile(name)) {
    std::string where = "[" + name + "] in " + paths->credentials_file + " or [" +
                        (name == "default" ? std::string("default") : "profile " + name) + "] in " +
                        paths->config_file;
    if (choice.named) {
      return fail(ErrorCode::config, "the AWS profile '" + name + "' does not exist: there is no " + where +
                                         " (check --profile, AWS_PROFILE and AWS_DEFAULT_PROFILE)");
    }
    return fail(ErrorCode::not_found, "there is no " + where);
  }

  auto from_credentials_file =
      keys_from(config->credentials_profile(name), paths->credentials_file + " [" + name + "]",
                "shared-credentials-file");
  if (!from_credentials_file) {
    return fail(from_credentials_file.error());
  }
  if (*from_credentials_file) {
    return **from_credentials_file;
  }
  if (auto command = config->get(name, "credential_process"); command && !command->empty()) {
    return run_process(name, *command);
  }
  std::string config_section =
      name == "default" && config->config_file().section("profile default") == nullptr
          ? "[default]"
          : "[profile " + name + "]";
  auto from_config_file =
      keys_from(config->config_profile(name), paths->config_file + " " + config_section, "config-file");
  if (!from_config_file) {
    return fail(from_config_file.error());
  }
  if (*from_config_file) {
    return **from_config_file;
  }
  if (config->get(name, "role_arn")) {
    return fail(ErrorCode::config, "the AWS profile '" + name +
                                       "' uses role_arn (assume role), which cloudvip does not support yet: "
                                       "use static keys, credential_process or the instance role");
  }
  return fail(ErrorCode::not_found, "the AWS profile '" + name +
                                        "' has no aws_access_key_id/aws_secret_access_key and no "
                                        "credential_process");
}

Result<Credentials> ProfileCredentialsProvider::run_process(const std::string& profile,
                                                            const std::string& command) {
  const std::string what = "credential_process of the AWS profile '" + profile + "' (" + command + ")";
  auto result = m_runner.run(command, k_process_timeout);
  if (!result) {
    Error error = result.error().wrap(what + " failed");
    error.code = ErrorCode::config;
    return fail(std::move(error));
  }
  if (result->exit_code != 0) {
    return fail(ErrorCode::config, what + " exited with status " + std::to_string(result->exit_code));
  }
  auto credentials = parse_credential_process_output(result->output);
  if (!credentials) {
    Error error = credentials.error().wrap(what + " gave unusable output");
    error.code = ErrorCode::config;
    return fail(std::move(error));
  }
  return credentials;
}

}  // namespace cloudvip
