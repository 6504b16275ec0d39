#include "common/process_runner.h"

#include <gtest/gtest.h>

namespace cloudvip {
namespace {

using namespace std::chrono_literals;

TEST(RealProcessRunnerTest, CapturesStdoutAndExitCode) {
  RealProcessRunner runner;
  auto result = runner.run("printf '%s' '{\"Version\": 1}'", 10s);
  ASSERT_TRUE(result) << result.error().to_string();
  EXPECT_EQ(result->exit_code, 0);
  EXPECT_EQ(result->output, "{\"Version\": 1}");
}

TEST(RealProcessRunnerTest, NonZeroExitIsReportedNotAnError) {
  RealProcessRunner runner;
  auto result = runner.run("echo partial; exit 3", 10s);
  ASSERT_TRUE(result) << result.error().to_string();
  EXPECT_EQ(result->exit_code, 3);
  EXPECT_EQ(result->output, "partial\n");
}

TEST(RealProcessRunnerTest, StdinIsEmpty) {
  RealProcessRunner runner;
  auto result = runner.run("cat; echo end", 10s);  // would wait for input if stdin were inherited
  ASSERT_TRUE(result) << result.error().to_string();
  EXPECT_EQ(result->output, "end\n");
}

TEST(RealProcessRunnerTest, CommandRunningTooLongIsStoppedWithATimeout) {
  RealProcessRunner runner;
  auto started = std::chrono::steady_clock::now();
  auto result = runner.run("exec sleep 5", 100ms);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::timeout);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

}  // namespace
}  // namespace cloudvip
