// The command source with real commands (RealProcessRunner): exit codes, timeouts, missing programs.
#include "leader/command_source.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <thread>

#include "testing/fake_process_runner.h"
#include "testing/temp_dir.h"

namespace cloudvip {
namespace {

LeaderAnswer run(std::vector<std::string> argv, Millis timeout = Millis(5000)) {
  RealProcessRunner runner;
  return probe_command(runner, argv, timeout);
}

TEST(CommandSourceTest, Exit0IsPrimary) {
  LeaderAnswer answer = run({"/bin/sh", "-c", "exit 0"});
  EXPECT_EQ(answer.role, Role::primary);
  EXPECT_EQ(answer.why, "/bin/sh exited 0");
}

TEST(CommandSourceTest, Exit3IsStandby) {
  EXPECT_EQ(run({"/bin/sh", "-c", "exit 3"}).role, Role::standby);
}

TEST(CommandSourceTest, AnyOtherExitIsUnknown) {
  for (int code : {1, 2, 4, 127}) {
    LeaderAnswer answer = run({"/bin/sh", "-c", "exit " + std::to_string(code)});
    EXPECT_EQ(answer.role, Role::unknown) << code;
    EXPECT_NE(answer.why.find("exited " + std::to_string(code) + " (expected 0"), std::string::npos)
        << answer.why;
  }
  LeaderAnswer killed = run({"/bin/sh", "-c", "kill -9 $$"});
  EXPECT_EQ(killed.role, Role::unknown);
  EXPECT_NE(killed.why.find("exited 137"), std::string::npos) << killed.why;
}

TEST(CommandSourceTest, ArgumentsArePassedWithoutAShell) {
  testing::TempDir dir;
  std::string script = dir.write("am-i-primary", "#!/bin/sh\n[ \"$1\" = 'two words' ] && exit 0\nexit 3\n");
  ASSERT_EQ(::chmod(script.c_str(), 0755), 0);
  EXPECT_EQ(run({script, "two words"}).role, Role::primary);
  EXPECT_EQ(run({script, "two", "words"}).role, Role::standby);
}

TEST(CommandSourceTest, ATimeoutKillsTheCommandAndIsUnknown) {
  auto started = std::chrono::steady_clock::now();
  LeaderAnswer answer = run({"/bin/sleep", "30"}, Millis(200));
  EXPECT_EQ(answer.role, Role::unknown);
  EXPECT_NE(answer.why.find("did not finish within 200 ms"), std::string::npos) << answer.why;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));  // not the full 30 s
}

TEST(CommandSourceTest, AMissingProgramIsUnknown) {
  LeaderAnswer answer = run({"/nonexistent/am-i-primary"});
  EXPECT_EQ(answer.role, Role::unknown);
  EXPECT_NE(answer.why.find("cannot start /nonexistent/am-i-primary"), std::string::npos) << answer.why;
}

TEST(CommandSourceTest, PolledSourceRunsTheConfiguredArgv) {
  testing::FakeProcessRunner runner(ProcessResult{3, ""});
  FakeClock clock;
  LeaderSettings settings;
  settings.source = LeaderSourceKind::command;
  settings.command = {"/usr/local/bin/am-i-primary", "--vip", "iris"};
  auto source = make_command_source(settings, runner, clock, Millis(10));
  EXPECT_EQ(source->kind(), "command");
  source->start([](const LeaderAnswer&) {});
  for (int i = 0; i < 500 && source->current().role != Role::standby; ++i) {
    std::this_thread::sleep_for(Millis(5));
  }
  EXPECT_EQ(source->current().role, Role::standby);
  runner.set_outcome(ProcessResult{0, ""});
  source->refresh();
  for (int i = 0; i < 500 && source->current().role != Role::primary; ++i) {
    std::this_thread::sleep_for(Millis(5));
  }
  EXPECT_EQ(source->current().role, Role::primary);
  source->stop();
  ASSERT_FALSE(runner.commands().empty());
  EXPECT_EQ(runner.commands()[0], "/usr/local/bin/am-i-primary --vip iris");
}

}  // namespace
}  // namespace cloudvip
