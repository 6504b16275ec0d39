// Logging, injected. Abstract so tests can capture what was logged (and prove that secrets never are);
// StderrLogger is the production sink. Messages are single lines; callers must never pass credentials or
// signatures.
#pragma once

#include <fmt/format.h>

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cloudvip {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };

// Parses "debug", "info", "warn"/"warning", "error"; nullopt otherwise.
std::optional<LogLevel> parse_log_level(std::string_view text);
std::string_view to_string(LogLevel level);

class Logger {
 public:
  explicit Logger(LogLevel threshold = LogLevel::info) : m_threshold(threshold) {}
  virtual ~Logger() = default;

  void set_threshold(LogLevel level) { m_threshold = level; }
  bool enabled(LogLevel level) const { return level >= m_threshold; }

  template <class... Args>
  void log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
    if (enabled(level)) {
      write(level, fmt::format(format, std::forward<Args>(args)...));
    }
  }
  template <class... Args>
  void debug(fmt::format_string<Args...> f, Args&&... a) {
    log(LogLevel::debug, f, std::forward<Args>(a)...);
  }
  template <class... Args>
  void info(fmt::format_string<Args...> f, Args&&... a) {
    log(LogLevel::info, f, std::forward<Args>(a)...);
  }
  template <class... Args>
  void warn(fmt::format_string<Args...> f, Args&&... a) {
    log(LogLevel::warn, f, std::forward<Args>(a)...);
  }
  template <class... Args>
  void error(fmt::format_string<Args...> f, Args&&... a) {
    log(LogLevel::error, f, std::forward<Args>(a)...);
  }

 protected:
  virtual void write(LogLevel level, const std::string& message) = 0;

 private:
  LogLevel m_threshold;
};

// Writes "cloudvip: level: message" lines to stderr. Safe to use from several threads.
class StderrLogger : public Logger {
 public:
  using Logger::Logger;

 protected:
  void write(LogLevel level, const std::string& message) override;

 private:
  std::mutex m_mutex;
};

// Discards everything.
class NullLogger : public Logger {
 public:
  NullLogger() : Logger(LogLevel::error) {}

 protected:
  void write(LogLevel, const std::string&) override {}
};

// Keeps every line, for tests. Safe to use from several threads.
class CapturingLogger : public Logger {
 public:
  CapturingLogger() : Logger(LogLevel::debug) {}
  std::vector<std::string> lines() const;
  // Every captured line joined by '\n'.
  std::string text() const;

 protected:
  void write(LogLevel level, const std::string& message) override;

 private:
  mutable std::mutex m_mutex;
  std::vector<std::string> m_lines;
};

}  // namespace cloudvip
