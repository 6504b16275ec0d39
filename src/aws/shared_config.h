// The AWS shared configuration files, ~/.aws/credentials and ~/.aws/config, read the way the SDKs read them:
// INI sections `[name]` (credentials file) and `[profile name]` / `[default]` (config file), `key = value`
// lines, whole-line comments starting with # or ;, and indented lines under a key (a nested block such as
// `s3 =` followed by `  max_concurrent_requests = 10`, or a continuation), which are accepted and ignored.
// Key names are case-insensitive (stored lower-case); section names and values are kept as written.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/env.h"
#include "common/error.h"

namespace cloudvip {

using IniSection = std::map<std::string, std::string, std::less<>>;

struct IniFile {
  std::string path;  // for messages
  std::map<std::string, IniSection, std::less<>> sections;

  const IniSection* section(std::string_view name) const;
};

// Parses `text`. A line that is not a section header, key = value, comment, blank or indented continuation,
// or an unterminated `[`, is an ErrorCode::config error naming `path` and the line number, without the
// line's content (it may hold a secret).
Result<IniFile> parse_ini(std::string_view text, std::string path);

// Reads and parses the file at `path`. A missing file is not an error: it gives an empty IniFile.
Result<IniFile> read_ini_file(const std::string& path);

struct SharedConfigPaths {
  std::string credentials_file;  // AWS_SHARED_CREDENTIALS_FILE, default $HOME/.aws/credentials
  std::string config_file;       // AWS_CONFIG_FILE, default $HOME/.aws/config
};

// A leading "~/" in either variable is replaced by $HOME. ErrorCode::config when a default is needed and
// HOME is unset.
Result<SharedConfigPaths> shared_config_paths(const Environment& env);

// The profile to use: `explicit_profile` when given, else AWS_PROFILE, else AWS_DEFAULT_PROFILE, else
// "default". `named` tells whether the name came from the caller or the environment (so that a missing
// profile is an error) rather than being the implicit default.
struct ProfileChoice {
  std::string name;
  bool named = false;
};
ProfileChoice choose_profile(const Environment& env, const std::optional<std::string>& explicit_profile);

class SharedConfig {
 public:
  SharedConfig() = default;
  SharedConfig(IniFile credentials, IniFile config)
      : m_credentials(std::move(credentials)), m_config(std::move(config)) {}

  static Result<SharedConfig> load(const SharedConfigPaths& paths);
  static Result<SharedConfig> load(const Environment& env);

  const IniFile& credentials_file() const { return m_credentials; }
  const IniFile& config_file() const { return m_config; }

  // The profile's section: `[name]` in the credentials file; `[profile name]` (or `[default]` for "default")
  // in the config file. nullptr when absent.
  const IniSection* credentials_profile(std::string_view name) const;
  const IniSection* config_profile(std::string_view name) const;
  bool has_profile(std::string_view name) const;

  // `key` for the profile: the credentials file first, then the config file.
  std::optional<std::string> get(std::string_view profile, std::string_view key) const;

 private:
  IniFile m_credentials;
  IniFile m_config;
};

}  // namespace cloudvip
