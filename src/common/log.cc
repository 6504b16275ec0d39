#include "common/log.h"

#include <cstdio>

#include "common/strings.h"

namespace cloudvip {

std::optional<LogLevel> parse_log_level(std::string_view text) {
  std::string lower = to_lower(text);
  if (lower == "debug") {
    return LogLevel::debug;
  }
  if (lower == "info") {
    return LogLevel::info;
  }
  if (lower == "warn" || lower == "warning") {
    return LogLevel::warn;
  }
  if (lower == "error") {
    return LogLevel::error;
  }
  return std::nullopt;
}

std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warning";
    case LogLevel::error:
      return "error";
  }
  return "?";
}

void StderrLogger::write(LogLevel level, const std::string& message) {
  std::lock_guard lock(m_mutex);
  std::fprintf(stderr, "cloudvip: %.*s: %s\n", static_cast<int>(to_string(level).size()),
               to_string(level).data(), message.c_str());
}

void CapturingLogger::write(LogLevel level, const std::string& message) {
  std::lock_guard lock(m_mutex);
  m_lines.push_back(std::string(to_string(level)) + ": " + message);
}

std::vector<std::string> CapturingLogger::lines() const {
  std::lock_guard lock(m_mutex);
  return m_lines;
}

std::string CapturingLogger::text() const {
  std::string out;
  for (const auto& line : lines()) {
    out += line;
    out += '\n';
  }
  return out;
}

}  // namespace cloudvip
