#include "common/process_runner.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "testing/temp_dir.h"

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

TEST(RealProcessRunnerTest, ArgvRunsWithoutAShell) {
  RealProcessRunner runner;
  // With a shell, $HOME would be expanded and ';' would end the command.
  auto result = runner.run_argv({"/bin/echo", "$HOME;", "two words"}, 10s);
  ASSERT_TRUE(result) << result.error().to_string();
  EXPECT_EQ(result->exit_code, 0);
  EXPECT_EQ(result->output, "$HOME; two words\n");
}

TEST(RealProcessRunnerTest, ArgvExitCodeIsReported) {
  RealProcessRunner runner;
  auto result = runner.run_argv({"/bin/sh", "-c", "exit 3"}, 10s);
  ASSERT_TRUE(result) << result.error().to_string();
  EXPECT_EQ(result->exit_code, 3);
}

TEST(RealProcessRunnerTest, MissingProgramIsNotFound) {
  RealProcessRunner runner;
  auto result = runner.run_argv({"/nonexistent/am-i-primary"}, 10s);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::not_found);
  EXPECT_NE(result.error().message.find("cannot start /nonexistent/am-i-primary"), std::string::npos);
}

TEST(RealProcessRunnerTest, TimeoutKillsTheWholeProcessGroup) {
  RealProcessRunner runner;
  testing::TempDir dir;
  std::string pid_file = dir.path() + "/child.pid";
  // Killing only the shell would leave its child running.
  auto result = runner.run_argv({"/bin/sh", "-c", "sleep 30 & echo $! > " + pid_file + "; wait"}, 500ms);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::timeout);
  std::ifstream in(pid_file);
  int child = 0;
  ASSERT_TRUE(in >> child) << "the script did not record its child";
  // The child is gone (or a zombie waiting for init to reap it) within a bounded wait.
  bool alive = true;
  for (int i = 0; i < 100 && alive; ++i) {
    std::ifstream stat("/proc/" + std::to_string(child) + "/stat");
    std::string pid, name, state;
    alive = static_cast<bool>(stat >> pid >> name >> state) && state != "Z";
    if (alive) {
      std::this_thread::sleep_for(50ms);
    }
  }
  EXPECT_FALSE(alive) << "child " << child << " outlived the timeout";
}

}  // namespace
}  // namespace cloudvip
