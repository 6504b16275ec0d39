#include "daemon/control_server.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <condition_variable>
#include <fstream>
#include <mutex>

#include "daemon/unix_socket.h"
#include "testing/temp_dir.h"

namespace cloudvip {
namespace {

constexpr Millis k_call_timeout{10000};

ControlAnswer echo(const ControlRequest& request) {
  ControlAnswer answer;
  answer.exit_code = request.op == "acquire" ? 0 : 4;
  answer.text = "did " + request.op + " for " + request.vip.value_or("every vip") + "\n";
  answer.json = {{"op", request.op}};
  return answer;
}

// Sends `raw` as is (no framing added; with `then_eof` the write side is closed after it) and returns the
// server's answer line.
std::string raw_exchange(const std::filesystem::path& path, const std::string& raw, bool then_eof = false) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un address = unix_address(path).value();
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    return "connect failed";
  }
  auto deadline = std::chrono::steady_clock::now() + k_call_timeout;
  if (!raw.empty() && !write_all(fd.get(), raw, deadline)) {
    return "write failed";
  }
  if (then_eof) {
    ::shutdown(fd.get(), SHUT_WR);
  }
  Result<std::string> line = read_line(fd.get(), 1 << 20, deadline);
  return line ? *line : "read failed: " + line.error().message;
}

// A socket file with nobody behind it, as a daemon killed with -9 leaves it.
void make_stale_socket(const std::filesystem::path& path) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un address = unix_address(path).value();
  ASSERT_EQ(::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0);
}

TEST(ControlServerTest, RoundTripHandsTheRequestToTheHandlerAndItsAnswerBack) {
  testing::TempDir dir;
  std::filesystem::path path = dir.path() + "/control.sock";
  std::mutex mutex;
  std::vector<ControlRequest> seen;
  ControlServer server(path, [&](const ControlRequest& request) {
    std::lock_guard lock(mutex);
    seen.push_back(request);
    return echo(request);
  });
  Result<void> started = server.start();
  ASSERT_TRUE(started) << started.error().to_string();

  ControlRequest request{"acquire", "iris", "", Millis(1500)};
  Result<ControlAnswer> answer = control_call(path, request, k_call_timeout);
  ASSERT_TRUE(answer) << answer.error().to_string();
  EXPECT_EQ(*answer, echo(request));
  answer = control_call(path, ControlRequest{"status"}, k_call_timeout);
  ASSERT_TRUE(answer) << answer.error().to_string();
  EXPECT_EQ(answer->exit_code, 4);
  EXPECT_EQ(answer->text, "did status for every vip\n");
  std::lock_guard lock(mutex);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], request);
}

TEST(ControlServerTest, MalformedRequestsAreAnsweredWithAnErrorAndServingGoesOn) {
  testing::TempDir dir;
  std::filesystem::path path = dir.path() + "/control.sock";
  int calls = 0;
  ControlServer server(path, [&](const ControlRequest& r) {
    ++calls;
    return echo(r);
  });
  ASSERT_TRUE(server.start());

  for (auto [raw, says] :
       {std::pair{"hello\n", "not JSON"}, std::pair{"{\"op\":\"reboot\"}\n", "'op' is 'reboot'"},
        std::pair{"[]\n", "expected a JSON object"}, std::pair{"\n", "not JSON"}}) {
    nlohmann::json answer = nlohmann::json::parse(raw_exchange(path, raw), nullptr, false);
    ASSERT_FALSE(answer.is_discarded()) << raw;
    EXPECT_EQ(answer["exit_code"], 2) << raw;
    EXPECT_NE(answer["error"].get<std::string>().find(says), std::string::npos) << raw << answer.dump();
  }
  EXPECT_EQ(calls, 0);
  // End of file ends a request as a newline does.
  nlohmann::json eof = nlohmann::json::parse(raw_exchange(path, R"({"op":"acquire"})", true));
  EXPECT_EQ(eof["exit_code"], 0) << eof.dump();
  EXPECT_EQ(calls, 1);
}

TEST(ControlServerTest, OversizedAndSilentRequestsAreCutOff) {
  testing::TempDir dir;
  std::filesystem::path path = dir.path() + "/control.sock";
  ControlServerLimits limits;
  limits.max_request_bytes = 1024;
  limits.read_timeout = Millis(100);
  ControlServer server(path, echo, limits);
  ASSERT_TRUE(server.start());

  nlohmann::json big = nlohmann::json::parse(raw_exchange(path, std::string(5000, 'x')), nullptr, false);
  ASSERT_FALSE(big.is_discarded());
  EXPECT_NE(big["error"].get<std::string>().find("more than 1024 bytes"), std::string::npos) << big.dump();

  // Connects and says nothing: answered (and dropped) once the read timeout passes.
  nlohmann::json silent = nlohmann::json::parse(raw_exchange(path, ""), nullptr, false);
  ASSERT_FALSE(silent.is_discarded());
  EXPECT_NE(silent["error"].get<std::string>().find("no complete line"), std::string::npos) << silent.dump();
  EXPECT_TRUE(control_call(path, ControlRequest{"status"}, k_call_timeout));
}

TEST(ControlServerTest, AThrowingHandlerIsAnErrorAnswerNotACrash) {
  testing::TempDir dir;
  std::filesystem::path path = dir.path() + "/control.sock";
  ControlServer server(path,
                       [](const ControlRequest&) -> ControlAnswer { throw std::runtime_error("boom"); });
  ASSERT_TRUE(server.start());
  Result<ControlAnswer> answer = control_call(path, ControlRequest{"status"}, k_call_timeout);
  ASSERT_TRUE(answer) << answer.error().to_string();
  EXPECT_EQ(answer->exit_code, 1);
  EXPECT_NE(answer->error.find("boom"), std::string::npos) << answer->error;
}

TEST(ControlServerTest, CreatesAPrivateDirectoryAndAPrivateSocket) {
  testing::TempDir dir;
  std::filesystem::path path = dir.path() + "/run/cloudvip/control.sock";
  ControlServer server(path, echo);
  Result<void> started = server.start();
  ASSERT_TRUE(started) << started.error().to_string();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  ASSERT_EQ(::stat((dir.path() + "/run/cloudvip").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  ASSERT_EQ(::stat((dir.path() + "/run").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
}

TEST(ControlServerTest, ReplacesAStaleSocket) {
  testing::TempDir dir;
  std::filesystem::path path = dir.path() + "/control.sock";
  make_stale_socket(path);
  ASSERT_TRUE(std::filesystem::exists(path));
  ControlServer server(path, echo);
  Result<void> started = server.start();
  ASSERT_TRUE(started) << started.error().to_string();
  EXPECT_TRUE(control_call(path, ControlRequest{"status"}, k_call_timeout));
}

TEST(ControlServerTest, RefusesALiveSocketAndLeavesItServing) {
  testing::TempDir dir;
  std::filesystem::path path = dir.path() + "/control.sock";
  ControlServer first(path, echo);
  ASSERT_TRUE(first.start());
  ControlServer second(path, echo);
  Result<void> r = second.start();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("another cloudvip run is listening on " + path.string()),
            std::string::npos)
      << r.error().message;
  second.stop();  // never started: nothing to stop, and the first one's socket stays
  Result<ControlAnswer> answer = control_call(path, ControlRequest{"status"}, k_call_timeout);
  EXPECT_TRUE(answer) << answer.error().to_string();
}

TEST(ControlServerTest, RefusesAPathThatIsNotASocket) {
  testing::TempDir dir;
  std::string path = dir.write("control.sock", "a file\n");
  ControlServer server(path, echo);
  Result<void> r = server.start();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::config);
  EXPECT_NE(r.error().message.find("is not a socket"), std::string::npos) << r.error().message;
  EXPECT_TRUE(std::filesystem::exists(path));  // never removed
}

TEST(ControlServerTest, StopRemovesTheSocketAndIsIdempotent) {
  testing::TempDir dir;
  std::filesystem::path path = dir.path() + "/control.sock";
  ControlServer server(path, echo);
  ASSERT_TRUE(server.start());
  server.stop();
  server.stop();
  EXPECT_FALSE(std::filesystem::exists(path));
  Result<ControlAnswer> answer = control_call(path, ControlRequest{"status"}, k_call_timeout);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::unavailable);
}

TEST(ControlCallTest, NoDaemonIsUnavailable) {
  testing::TempDir dir;
  Result<ControlAnswer> none =
      control_call(dir.path() + "/nothing.sock", ControlRequest{"status"}, k_call_timeout);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::unavailable);
  EXPECT_NE(none.error().message.find("no cloudvip run is listening on"), std::string::npos);

  std::filesystem::path stale = dir.path() + "/stale.sock";
  make_stale_socket(stale);
  Result<ControlAnswer> refused = control_call(stale, ControlRequest{"status"}, k_call_timeout);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::unavailable);
  EXPECT_NE(refused.error().message.find("connection refused"), std::string::npos) << refused.error().message;
}

TEST(ControlCallTest, ADaemonThatDoesNotAnswerInTimeIsATimeoutNotUnavailable) {
  testing::TempDir dir;
  std::filesystem::path path = dir.path() + "/control.sock";
  std::mutex mutex;
  std::condition_variable released_cv;
  bool released = false;
  ControlServer server(path, [&](const ControlRequest& r) {
    std::unique_lock lock(mutex);
    released_cv.wait_for(lock, std::chrono::seconds(30), [&] { return released; });
    return echo(r);
  });
  ASSERT_TRUE(server.start());
  Result<ControlAnswer> answer = control_call(path, ControlRequest{"acquire"}, Millis(100));
  {
    std::lock_guard lock(mutex);
    released = true;
  }
  released_cv.notify_all();
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, ErrorCode::timeout);
  EXPECT_NE(answer.error().message.find("did not answer the acquire request within 100 ms"),
            std::string::npos)
      << answer.error().message;
}

TEST(ControlCallTest, APathTooLongForAUnixSocketIsAConfigError) {
  Result<ControlAnswer> r =
      control_call("/tmp/" + std::string(200, 'x'), ControlRequest{"status"}, k_call_timeout);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::config);
  EXPECT_NE(r.error().message.find("too long"), std::string::npos);
}

}  // namespace
}  // namespace cloudvip
