#include "daemon/daemon_logger.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <cstdio>

namespace cloudvip {
namespace {

int priority(LogLevel level) {
  switch (level) {
    case LogLevel::error:
      return 3;
    case LogLevel::warn:
      return 4;
    case LogLevel::info:
      return 6;
    case LogLevel::debug:
      break;
  }
  return 7;
}

}  // namespace

std::string format_daemon_log_line(LogLevel level, std::string_view message, bool journal, TimePoint now) {
  if (journal) {
    return fmt::format("<{}>cloudvip: {}: {}", priority(level), to_string(level), message);
  }
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z cloudvip: {}: {}",
                     std::chrono::time_point_cast<std::chrono::seconds>(now), millis, to_string(level),
                     message);
}

void DaemonLogger::write(LogLevel level, const std::string& message) {
  std::string line =
      format_daemon_log_line(level, message, m_journal, std::chrono::system_clock::now()) + "\n";
  std::lock_guard lock(m_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace cloudvip
