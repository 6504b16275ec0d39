#include "daemon/daemon_logger.h"

#include <gtest/gtest.h>

namespace cloudvip {
namespace {

TEST(DaemonLoggerTest, UnderSystemdEachLineCarriesItsSyslogPriority) {
  TimePoint t = TimePoint(std::chrono::milliseconds(1764624683123));
  EXPECT_EQ(format_daemon_log_line(LogLevel::error, "x", true, t), "<3>cloudvip: error: x");
  EXPECT_EQ(format_daemon_log_line(LogLevel::warn, "x", true, t), "<4>cloudvip: warning: x");
  EXPECT_EQ(format_daemon_log_line(LogLevel::info, "x", true, t), "<6>cloudvip: info: x");
  EXPECT_EQ(format_daemon_log_line(LogLevel::debug, "x", true, t), "<7>cloudvip: debug: x");
}

TEST(DaemonLoggerTest, ElsewhereEachLineStartsWithAUtcTimestamp) {
  TimePoint t = TimePoint(std::chrono::milliseconds(1764624683123));
  EXPECT_EQ(format_daemon_log_line(LogLevel::info, "hello", false, t),
            "2025-12-01T21:31:23.123Z cloudvip: info: hello");
}

}  // namespace
}  // namespace cloudvip
