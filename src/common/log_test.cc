#include "common/log.h"

#include <gtest/gtest.h>

namespace cloudvip {
namespace {

TEST(LoggerTest, ThresholdFiltersAndFormatWorks) {
  CapturingLogger logger;
  logger.set_threshold(LogLevel::info);
  logger.debug("hidden {}", 1);
  logger.info("route {} -> {}", "rtb-1", "eni-2");
  logger.error("boom");
  EXPECT_EQ(logger.lines(), (std::vector<std::string>{"info: route rtb-1 -> eni-2", "error: boom"}));
}

TEST(LoggerTest, ParsesLevels) {
  EXPECT_EQ(parse_log_level("WARNING"), LogLevel::warn);
  EXPECT_EQ(parse_log_level("debug"), LogLevel::debug);
  EXPECT_EQ(parse_log_level("loud"), std::nullopt);
}

}  // namespace
}  // namespace cloudvip
