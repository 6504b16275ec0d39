// acquire, release, status and notify with and without a `cloudvip run` on the control socket. The daemon
// here is a ControlServer with a scripted handler, in the test process: it proves what the CLI sends and
// that it prints the daemon's answer and exit code and calls no EC2 (nor IMDS) itself; without a daemon the
// CLI acts itself, as before.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <condition_variable>
#include <mutex>

#include "cli_harness.h"
#include "daemon/control_server.h"
#include "daemon/unix_socket.h"

namespace cloudvip::clitest {
namespace {

// A stand-in for `cloudvip run`: answers every request with `answer` and records what it was asked.
class FakeDaemon {
 public:
  FakeDaemon(std::string path, ControlAnswer answer)
      : m_path(std::move(path)),
        m_answer(std::move(answer)),
        m_server(m_path, [this](const ControlRequest& r) {
          std::unique_lock lock(m_mutex);
          m_requests.push_back(r);
          m_cv.wait_for(lock, std::chrono::seconds(30), [this] { return !m_hold; });
          return m_answer;
        }) {
    Result<void> started = m_server.start();
    if (!started) {
      throw std::runtime_error(started.error().to_string());
    }
  }
  ~FakeDaemon() { release(); }
  const std::string& path() const { return m_path; }
  std::vector<ControlRequest> requests() {
    std::lock_guard lock(m_mutex);
    return m_requests;
  }
  // Requests wait unanswered until release().
  void hold() {
    std::lock_guard lock(m_mutex);
    m_hold = true;
  }
  void release() {
    {
      std::lock_guard lock(m_mutex);
      m_hold = false;
    }
    m_cv.notify_all();
  }

 private:
  std::string m_path;
  ControlAnswer m_answer;
  std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_hold = false;
  std::vector<ControlRequest> m_requests;
  ControlServer m_server;  // last: stopped first, before what its handler uses goes away
};

ControlAnswer daemon_answer(int exit_code, std::string text) {
  ControlAnswer answer;
  answer.exit_code = exit_code;
  answer.text = std::move(text);
  answer.json = {{"answered_by", "fake daemon"}, {"exit_code", exit_code}};
  return answer;
}

std::string iris_config(const Sim& sim) {
  return sim.dir().write("cloudvip.toml", R"([aws]
endpoint = ")" + sim.endpoint() + R"("

[[vip]]
name = "iris"
address = "10.109.10.254"
route_tables = ["rtb-0a1b2c3d4e5f6aaa0", "rtb-0a1b2c3d4e5f6aaa1", "rtb-0a1b2c3d4e5f6aaa2"]
local_address = false
)");
}

Env env_with_socket(const Sim& sim, const std::string& socket) {
  Env env = sim.env_for(k_instance_a);
  env["CLOUDVIP_CONTROL_SOCKET"] = socket;
  return env;
}

TEST(CliDaemonHandoff, AcquireWithADaemonHandsItOverAndCallsNothingItself) {
  Sim sim(two_az_text());
  std::string config = iris_config(sim);
  FakeDaemon daemon(sim.dir().path() + "/control.sock", daemon_answer(0, "iris: every table points here\n"));
  sim.clear_calls();
  RunResult run =
      run_cloudvip({"--config", config, "acquire", "--timeout", "20"}, env_with_socket(sim, daemon.path()));
  ASSERT_EQ(run.exit_code, 0) << describe(run);
  EXPECT_EQ(run.out, "iris: every table points here\n");
  EXPECT_TRUE(sim.calls(true).empty()) << sim.calls(true).dump();
  std::vector<ControlRequest> requests = daemon.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].op, "acquire");
  EXPECT_EQ(requests[0].vip, std::nullopt);
  ASSERT_TRUE(requests[0].timeout.has_value());
  EXPECT_GT(*requests[0].timeout, Millis(0));
  EXPECT_LE(*requests[0].timeout, Millis(20000)) << "the daemon's budget stays inside the command's deadline";
  EXPECT_EQ(sim.route_target(k_rtb_a, "10.109.10.224/27"), "(none)") << "nothing acted but the (fake) daemon";
}

TEST(CliDaemonHandoff, TheDaemonsExitCodeAndJsonAreTheCommands) {
  Sim sim(two_az_text());
  std::string config = iris_config(sim);
  FakeDaemon daemon(sim.dir().path() + "/control.sock", daemon_answer(3, "iris: held by the peer\n"));
  sim.clear_calls();
  RunResult status =
      run_cloudvip({"--config", config, "status", "--vip", "iris"}, env_with_socket(sim, daemon.path()));
  EXPECT_EQ(status.exit_code, 3) << describe(status);
  EXPECT_EQ(status.out, "iris: held by the peer\n");
  RunResult json =
      run_cloudvip({"--config", config, "--json", "status"}, env_with_socket(sim, daemon.path()));
  EXPECT_EQ(json.exit_code, 3) << describe(json);
  nlohmann::json parsed = nlohmann::json::parse(json.out, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << json.out;
  EXPECT_EQ(parsed["answered_by"], "fake daemon");
  std::vector<ControlRequest> requests = daemon.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0], (ControlRequest{"status", "iris", "", std::nullopt}));
  EXPECT_TRUE(sim.calls(true).empty()) << sim.calls(true).dump();
}

TEST(CliDaemonHandoff, ControlSocketFlagWinsOverTheEnvironment) {
  Sim sim(two_az_text());
  std::string config = iris_config(sim);
  FakeDaemon daemon(sim.dir().path() + "/flag.sock", daemon_answer(0, "released by the daemon\n"));
  RunResult run = run_cloudvip({"--config", config, "release", "--control-socket", daemon.path()},
                               env_with_socket(sim, sim.dir().path() + "/elsewhere.sock"));
  ASSERT_EQ(run.exit_code, 0) << describe(run);
  EXPECT_EQ(run.out, "released by the daemon\n");
  ASSERT_EQ(daemon.requests().size(), 1u);
  EXPECT_EQ(daemon.requests()[0].op, "release");
  // Before the command, as every global option may be.
  RunResult before = run_cloudvip({"--control-socket", daemon.path(), "--config", config, "status"},
                                  env_with_socket(sim, sim.dir().path() + "/elsewhere.sock"));
  EXPECT_EQ(before.exit_code, 0) << describe(before);
  ASSERT_EQ(daemon.requests().size(), 2u);
  EXPECT_EQ(daemon.requests()[1].op, "status");
}

TEST(CliDaemonHandoff, WithoutADaemonAcquireActsItself) {
  Sim sim(two_az_text());
  std::string config = iris_config(sim);
  RunResult run =
      run_cloudvip({"--config", config, "acquire"}, env_with_socket(sim, sim.dir().path() + "/none.sock"));
  ASSERT_EQ(run.exit_code, 0) << describe(run);
  EXPECT_EQ(sim.route_target(k_rtb_a, "10.109.10.224/27"), k_eni_a);
  EXPECT_FALSE(sim.mutating_actions().empty());
}

TEST(CliDaemonHandoff, AStaleSocketIsNoDaemon) {
  Sim sim(two_az_text());
  std::string config = iris_config(sim);
  std::string stale = sim.dir().path() + "/stale.sock";
  {
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un address = unix_address(stale).value();
    ASSERT_EQ(::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0);
  }  // closed without unlink, as after kill -9
  RunResult run = run_cloudvip({"--config", config, "acquire"}, env_with_socket(sim, stale));
  ASSERT_EQ(run.exit_code, 0) << describe(run);
  EXPECT_EQ(sim.route_target(k_rtb_a, "10.109.10.224/27"), k_eni_a);
}

TEST(CliDaemonHandoff, WhatOnlyTheCliDoesIsNeverHandedOver) {
  Sim sim(two_az_text());
  std::string config = iris_config(sim);
  FakeDaemon daemon(sim.dir().path() + "/control.sock", daemon_answer(0, "the daemon\n"));
  Env env = env_with_socket(sim, daemon.path());
  RunResult dry = run_cloudvip({"--config", config, "acquire", "--dry-run"}, env);
  EXPECT_NE(dry.out, "the daemon\n") << describe(dry);
  RunResult deletes = run_cloudvip({"--config", config, "release", "--delete-routes"}, env);
  EXPECT_EQ(deletes.exit_code, 0) << describe(deletes);
  EXPECT_NE(deletes.out, "the daemon\n");
  RunResult flags = run_cloudvip(
      [&] {
        std::vector<std::string> args = vip_args(sim, k_overlay_vip, {k_rtb_a});
        args.push_back("acquire");
        return args;
      }(),
      env);
  EXPECT_EQ(flags.exit_code, 0) << describe(flags);
  EXPECT_EQ(sim.route_target(k_rtb_a, std::string(k_overlay_vip) + "/32"), k_eni_a);
  EXPECT_TRUE(daemon.requests().empty());
}

TEST(CliDaemonHandoff, ADaemonThatDoesNotAnswerIsAnErrorNotAFallback) {
  Sim sim(two_az_text());
  std::string config = iris_config(sim);
  FakeDaemon daemon(sim.dir().path() + "/control.sock", daemon_answer(0, "too late\n"));
  daemon.hold();
  sim.clear_calls();
  RunResult run =
      run_cloudvip({"--config", config, "acquire", "--timeout", "2"}, env_with_socket(sim, daemon.path()));
  daemon.release();
  EXPECT_EQ(run.exit_code, 1) << describe(run);
  // Our wait ends before the command's deadline; on a machine slow enough the Deadline may still say it
  // first.
  bool said_so = run.err.find("did not answer the acquire request") != std::string::npos ||
                 run.err.find("acquire did not finish within") != std::string::npos;
  EXPECT_TRUE(said_so) << describe(run);
  EXPECT_TRUE(sim.calls(true).empty()) << "no fallback: the daemon may be acting" << sim.calls(true).dump();
}

TEST(CliNotify, WithADaemonSendsTheRoleAndReturns) {
  Sim sim(two_az_text());
  std::string config = iris_config(sim);
  FakeDaemon daemon(sim.dir().path() + "/control.sock", daemon_answer(0, ""));
  sim.clear_calls();
  RunResult run = run_cloudvip({"--config", config, "notify", "primary", "--vip", "iris"},
                               env_with_socket(sim, daemon.path()));
  ASSERT_EQ(run.exit_code, 0) << describe(run);
  ASSERT_EQ(daemon.requests().size(), 1u);
  EXPECT_EQ(daemon.requests()[0], (ControlRequest{"notify", "iris", "primary", std::nullopt}));
  EXPECT_TRUE(sim.calls(true).empty()) << sim.calls(true).dump();
}

TEST(CliNotify, WithoutADaemonFailsAndSaysWhatToDo) {
  Sim sim(two_az_text());
  std::string config = iris_config(sim);
  std::string path = sim.dir().path() + "/none.sock";
  sim.clear_calls();
  RunResult run = run_cloudvip({"--config", config, "notify", "standby"}, env_with_socket(sim, path));
  EXPECT_EQ(run.exit_code, 1) << describe(run);
  EXPECT_NE(run.err.find("no cloudvip run is listening on " + path +
                         "; start it, add --fallback to act here when none runs, or call cloudvip "
                         "acquire/release from the hook instead"),
            std::string::npos)
      << describe(run);
  EXPECT_TRUE(sim.calls(true).empty());
}

// --fallback: the hook that must work with and without a daemon (IRIS's ^ZMIRROR). No daemon: it acquires
// as `cloudvip acquire` would, every table re-pointed and verified.
TEST(CliNotify, FallbackWithoutADaemonAcquiresItself) {
  Sim sim(two_az_text());
  std::string config = iris_config(sim);
  Env on_b = sim.env_for(k_instance_b);
  on_b["CLOUDVIP_CONTROL_SOCKET"] = sim.dir().path() + "/none.sock";
  ASSERT_EQ(run_cloudvip({"--config", config, "acquire"}, on_b).exit_code, 0);
  ASSERT_EQ(sim.route_target(k_rtb_a, "10.109.10.224/27"), k_eni_b);
  sim.clear_calls();
  RunResult run = run_cloudvip(
      {"--config", config, "--log-level", "info", "notify", "primary", "--fallback", "--timeout", "10"},
      env_with_socket(sim, sim.dir().path() + "/none.sock"));
  ASSERT_EQ(run.exit_code, 0) << describe(run);
  for (const char* table : {k_rtb_main, k_rtb_a, k_rtb_b}) {
    EXPECT_EQ(sim.route_target(table, "10.109.10.224/27"), k_eni_a) << table;
  }
  EXPECT_NE(run.err.find("--fallback: acquiring here"), std::string::npos) << describe(run);
  std::vector<std::string> writes = sim.mutating_actions();
  EXPECT_FALSE(writes.empty());
  for (const std::string& action : writes) {
    EXPECT_NE(action, "DeleteRoute");
  }
}

// Standby with --fallback and no daemon is `cloudvip release`: the routes stay where they are.
TEST(CliNotify, FallbackStandbyWithoutADaemonReleasesAndLeavesTheRoutes) {
  Sim sim(two_az_text());
  std::string config = iris_config(sim);
  Env env = env_with_socket(sim, sim.dir().path() + "/none.sock");
  ASSERT_EQ(run_cloudvip({"--config", config, "acquire"}, env).exit_code, 0);
  sim.clear_calls();
  RunResult run =
      run_cloudvip({"--config", config, "--log-level", "info", "notify", "standby", "--fallback"}, env);
  ASSERT_EQ(run.exit_code, 0) << describe(run);
  EXPECT_NE(run.err.find("--fallback: releasing here"), std::string::npos) << describe(run);
  EXPECT_TRUE(sim.mutating_actions().empty()) << sim.calls(true).dump();
  EXPECT_EQ(sim.route_target(k_rtb_a, "10.109.10.224/27"), k_eni_a);
}

// With a daemon, --fallback changes nothing: the daemon gets the role and the command returns at once.
TEST(CliNotify, FallbackWithADaemonOnlyNotifies) {
  Sim sim(two_az_text());
  std::string config = iris_config(sim);
  FakeDaemon daemon(sim.dir().path() + "/control.sock", daemon_answer(0, "noted: primary\n"));
  sim.clear_calls();
  RunResult run = run_cloudvip({"--config", config, "notify", "primary", "--fallback"},
                               env_with_socket(sim, daemon.path()));
  ASSERT_EQ(run.exit_code, 0) << describe(run);
  EXPECT_EQ(run.out, "noted: primary\n");
  ASSERT_EQ(daemon.requests().size(), 1u);
  EXPECT_EQ(daemon.requests()[0].op, "notify");
  EXPECT_TRUE(sim.calls(true).empty()) << sim.calls(true).dump();
}

// A daemon that is there but does not answer (or refuses) may be acting: --fallback must not act too.
TEST(CliNotify, FallbackNeverActsWhenTheDaemonIsThereButSilentOrRefuses) {
  Sim sim(two_az_text());
  std::string config = iris_config(sim);
  {
    FakeDaemon daemon(sim.dir().path() + "/control.sock", daemon_answer(0, "too late\n"));
    daemon.hold();
    sim.clear_calls();
    RunResult run = run_cloudvip({"--config", config, "notify", "primary", "--fallback", "--timeout", "2"},
                                 env_with_socket(sim, daemon.path()));
    daemon.release();
    EXPECT_EQ(run.exit_code, 1) << describe(run);
    EXPECT_TRUE(sim.calls(true).empty()) << sim.calls(true).dump();
  }
  FakeDaemon refusing(sim.dir().path() + "/refusing.sock", daemon_answer(2, ""));
  sim.clear_calls();
  RunResult refused = run_cloudvip({"--config", config, "notify", "primary", "--fallback"},
                                   env_with_socket(sim, refusing.path()));
  EXPECT_EQ(refused.exit_code, 2) << describe(refused);
  EXPECT_TRUE(sim.calls(true).empty()) << sim.calls(true).dump();
}

TEST(CliNotify, TheRoleIsPrimaryOrStandby) {
  Sim sim(two_az_text());
  std::string config = iris_config(sim);
  FakeDaemon daemon(sim.dir().path() + "/control.sock", daemon_answer(0, ""));
  Env env = env_with_socket(sim, daemon.path());
  RunResult bad = run_cloudvip({"--config", config, "notify", "leader"}, env);
  EXPECT_EQ(bad.exit_code, 2) << describe(bad);
  RunResult none = run_cloudvip({"--config", config, "notify"}, env);
  EXPECT_EQ(none.exit_code, 2) << describe(none);
  RunResult unknown_vip = run_cloudvip({"--config", config, "notify", "primary", "--vip", "nope"}, env);
  EXPECT_EQ(unknown_vip.exit_code, 2) << describe(unknown_vip);
  EXPECT_TRUE(daemon.requests().empty());
  RunResult help = run_cloudvip({"notify", "--help"}, env);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("ROLE"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace cloudvip::clitest
