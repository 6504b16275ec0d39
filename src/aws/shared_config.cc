#include "aws/shared_config.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/strings.h"

namespace cloudvip {

namespace {

std::unexpected<Error> syntax_error(const std::string& path, int line, std::string_view expected) {
  return fail(ErrorCode::config, path + " line " + std::to_string(line) + ": " + std::string(expected));
}

bool is_comment(std::string_view trimmed) {
  return trimmed.starts_with('#') || trimmed.starts_with(';');
}

// Collapses runs of blanks so "profile   dev" and "profile dev" name the same section.
std::string normalize_section_name(std::string_view name) {
  std::string out;
  bool blank = false;
  for (char c : trim(name)) {
    if (c == ' ' || c == '\t') {
      blank = true;
      continue;
    }
    if (blank && !out.empty()) {
      out += ' ';
    }
    blank = false;
    out += c;
  }
  return out;
}

}  // namespace

const IniSection* IniFile::section(std::string_view name) const {
  auto it = sections.find(name);
  return it == sections.end() ? nullptr : &it->second;
}

Result<IniFile> parse_ini(std::string_view text, std::string path) {
  IniFile file;
  file.path = std::move(path);
  IniSection* current = nullptr;
  bool after_key = false;  // an indented line here belongs to the previous key
  int number = 0;
  for (const auto& raw : split(text, '\n')) {
    ++number;
    std::string_view line = raw;
    if (line.ends_with('\r')) {
      line.remove_suffix(1);
    }
    std::string_view trimmed = trim(line);
    if (trimmed.empty() || is_comment(trimmed)) {
      continue;
    }
    bool indented = line.front() == ' ' || line.front() == '\t';
    if (indented && after_key) {
      continue;  // a nested block (`s3 =` then `  key = value`) or a continuation: accepted, not used
    }
    if (trimmed.starts_with('[')) {
      size_t close = trimmed.find(']');
      if (close == std::string_view::npos) {
        return syntax_error(file.path, number, "unterminated section header: expected ']' after the name");
      }
      std::string_view after = trim(trimmed.substr(close + 1));
      if (!after.empty() && !is_comment(after)) {
        return syntax_error(file.path, number, "unexpected text after ']' in a section header");
      }
      std::string name = normalize_section_name(trimmed.substr(1, close - 1));
      if (name.empty()) {
        return syntax_error(file.path, number,
                            "empty section name: expected e.g. [default] or [profile dev]");
      }
      current = &file.sections[name];
      after_key = false;
      continue;
    }
    size_t equals = trimmed.find('=');
    if (equals == std::string_view::npos) {
      return syntax_error(file.path, number,
                          "expected a section header like [default], a 'key = value' line, or a comment "
                          "starting with # or ;");
    }
    std::string key = to_lower(trim(trimmed.substr(0, equals)));
    if (key.empty()) {
      return syntax_error(file.path, number, "expected a key name before '='");
    }
    if (current == nullptr) {
      return syntax_error(
          file.path, number,
          "'" + key + " = ...' comes before any section header: expected e.g. [default] first");
    }
    (*current)[key] = std::string(trim(trimmed.substr(equals + 1)));
    after_key = true;
  }
  return file;
}

Result<IniFile> read_ini_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int error = errno;
    if (error == ENOENT || error == ENOTDIR) {
      IniFile empty;
      empty.path = path;
      return empty;
    }
    return fail(ErrorCode::config, "cannot read " + path + ": " + std::strerror(error));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return fail(ErrorCode::config, "cannot read " + path + ": read error");
  }
  return parse_ini(text.str(), path);
}

Result<SharedConfigPaths> shared_config_paths(const Environment& env) {
  auto home = env.get_nonempty("HOME");
  auto resolve = [&](std::string_view variable, std::string_view fallback) -> Result<std::string> {
    std::string value = env.get_nonempty(variable).value_or(std::string(fallback));
    if (value.starts_with("~/")) {
      if (!home) {
        return fail(ErrorCode::config, "cannot find " + value + ": HOME is not set (set HOME or " +
                                           std::string(variable) + " to an absolute path)");
      }
      value = *home + value.substr(1);
    }
    return value;
  };
  auto credentials = resolve("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials");
  if (!credentials) {
    return fail(credentials.error());
  }
  auto config = resolve("AWS_CONFIG_FILE", "~/.aws/config");
  if (!config) {
    return fail(config.error());
  }
  return SharedConfigPaths{*credentials, *config};
}

ProfileChoice choose_profile(const Environment& env, const std::optional<std::string>& explicit_profile) {
  if (explicit_profile && !explicit_profile->empty()) {
    return {*explicit_profile, true};
  }
  for (const char* variable : {"AWS_PROFILE", "AWS_DEFAULT_PROFILE"}) {
    if (auto value = env.get_nonempty(variable)) {
      return {std::string(trim(*value)), true};
    }
  }
  return {"default", false};
}

Result<SharedConfig> SharedConfig::load(const SharedConfigPaths& paths) {
  auto credentials = read_ini_file(paths.credentials_file);
  if (!credentials) {
    return fail(credentials.error());
  }
  auto config = read_ini_file(paths.config_file);
  if (!config) {
    return fail(config.error());
  }
  return SharedConfig(std::move(*credentials), std::move(*config));
}

Result<SharedConfig> SharedConfig::load(const Environment& env) {
  auto paths = shared_config_paths(env);
  if (!paths) {
    return fail(paths.error());
  }
  return load(*paths);
}

const IniSection* SharedConfig::credentials_profile(std::string_view name) const {
  return m_credentials.section(name);
}

const IniSection* SharedConfig::config_profile(std::string_view name) const {
  if (const IniSection* section = m_config.section("profile " + std::string(name))) {
    return section;
  }
  return name == "default" ? m_config.section("default") : nullptr;
}

bool SharedConfig::has_profile(std::string_view name) const {
  return credentials_profile(name) != nullptr || config_profile(name) != nullptr;
}

std::optional<std::string> SharedConfig::get(std::string_view profile, std::string_view key) const {
  for (const IniSection* section : {credentials_profile(profile), config_profile(profile)}) {
    if (section == nullptr) {
      continue;
    }
    if (auto it = section->find(key); it != section->end()) {
      return it->second;
    }
  }
  return std::nullopt;
}

}  // namespace cloudvip
