#include "testing/etcd_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace cloudvip::testing {
namespace {

constexpr const char* k_etcd = "/usr/bin/etcd";
constexpr const char* k_etcdctl = "/usr/bin/etcdctl";

// A port the kernel just handed out on 127.0.0.1 (released again for etcd to bind).
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool accepts_connections(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return connected;
}

}  // namespace

std::optional<std::string> EtcdProcess::unavailable() {
  for (const char* binary : {k_etcd, k_etcdctl}) {
    if (::access(binary, X_OK) != 0) {
      return std::string(binary) +
             " is not installed (scripts/install-deps installs etcd-server and etcd-client)";
    }
  }
  return std::nullopt;
}

EtcdProcess::EtcdProcess(std::vector<std::string> extra_flags, std::optional<EtcdTls> tls)
    : m_extra_flags(std::move(extra_flags)), m_tls(std::move(tls)) {
  m_client_port = free_port();
  m_peer_port = free_port();
  while (m_peer_port == m_client_port) {
    m_peer_port = free_port();
  }
}

EtcdProcess::~EtcdProcess() {
  stop();
}

std::string EtcdProcess::endpoint() const {
  return std::string(m_tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(m_client_port);
}

Result<void> EtcdProcess::start() {
  if (m_pid > 0) {
    return ok();
  }
  std::string peer = "http://127.0.0.1:" + std::to_string(m_peer_port);
  std::vector<std::string> args = {k_etcd,
                                   "--name=test",
                                   "--data-dir=" + m_dir.path() + "/data",
                                   "--listen-client-urls=" + endpoint(),
                                   "--advertise-client-urls=" + endpoint(),
                                   "--listen-peer-urls=" + peer,
                                   "--initial-advertise-peer-urls=" + peer,
                                   "--initial-cluster=test=" + peer,
                                   "--enable-grpc-gateway"};
  if (m_tls) {
    args.push_back("--cert-file=" + m_tls->server_cert);
    args.push_back("--key-file=" + m_tls->server_key);
    args.push_back("--trusted-ca-file=" + m_tls->ca_file);
    args.push_back("--client-cert-auth");
  }
  args.insert(args.end(), m_extra_flags.begin(), m_extra_flags.end());
  std::vector<char*> argv;
  for (std::string& arg : args) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  std::string log = m_dir.path() + "/etcd.log";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  int error = ::posix_spawn(&m_pid, k_etcd, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    m_pid = -1;
    return fail(ErrorCode::internal, std::string("cannot start etcd: ") + std::strerror(error));
  }
  std::string last;
  for (int i = 0; i < 300; ++i) {
    if (!accepts_connections(m_client_port)) {  // etcdctl would only print retry warnings until then
      int status = 0;
      if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
        m_pid = -1;
        return fail(ErrorCode::internal, "etcd exited at start: " + log_tail());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    auto health = ctl({"endpoint", "health", "--command-timeout=1s"});
    if (health && health->exit_code == 0) {
      return ok();
    }
    last = health ? health->output : health.error().message;
    int status = 0;
    if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_pid = -1;
      return fail(ErrorCode::internal, "etcd exited at start: " + log_tail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return fail(ErrorCode::timeout, "etcd did not become healthy within 30 s: " + last + "\n" + log_tail());
}

void EtcdProcess::stop() {
  if (m_pid <= 0) {
    return;
  }
  ::kill(m_pid, SIGTERM);
  int status = 0;
  for (int i = 0; i < 100; ++i) {
    if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
      m_pid = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(m_pid, SIGKILL);
  ::waitpid(m_pid, &status, 0);
  m_pid = -1;
}

Result<ProcessResult> EtcdProcess::ctl(const std::vector<std::string>& args, const std::string& user) const {
  std::vector<std::string> argv = {k_etcdctl, "--endpoints=" + endpoint(), "--dial-timeout=2s"};
  if (m_tls) {
    argv.push_back("--cacert=" + m_tls->ca_file);
    argv.push_back("--cert=" + m_tls->client_cert);
    argv.push_back("--key=" + m_tls->client_key);
  }
  if (!user.empty()) {
    argv.push_back("--user=" + user);
  }
  argv.insert(argv.end(), args.begin(), args.end());
  RealProcessRunner runner;
  // ETCDCTL_API=3 is 3.4's default; the environment is inherited.
  return runner.run_argv(argv, Millis(15000));
}

Result<std::string> EtcdProcess::ctl_ok(const std::vector<std::string>& args, const std::string& user) const {
  auto result = ctl(args, user);
  if (!result) {
    return fail(result.error());
  }
  if (result->exit_code != 0) {
    std::string joined;
    for (const std::string& arg : args) {
      joined += " " + arg;
    }
    return fail(ErrorCode::internal,
                "etcdctl" + joined + " exited " + std::to_string(result->exit_code) + ": " + result->output);
  }
  return result->output;
}

Result<long long> EtcdProcess::revision(const std::string& user) const {
  auto output = ctl_ok({"endpoint", "status", "--write-out=fields"}, user);
  if (!output) {
    return fail(output.error());
  }
  std::istringstream lines(*output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with("\"Revision\" : ")) {
      return std::stoll(line.substr(13));
    }
  }
  return fail(ErrorCode::parse, "no Revision in etcdctl endpoint status: " + *output);
}

std::string EtcdProcess::log_tail() const {
  std::ifstream in(m_dir.path() + "/etcd.log");
  std::ostringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  return all.size() > 2000 ? all.substr(all.size() - 2000) : all;
}

Result<EtcdTls> make_test_certificates(const std::string& dir) {
  EtcdTls tls{dir + "/ca.pem", dir + "/server.pem", dir + "/server.key", dir + "/client.pem",
              dir + "/client.key"};
  std::string script =
      "set -e; cd '" + dir +
      "'\n"
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=cloudvip-test-ca -keyout ca.key -out "
      "ca.pem "
      "2>/dev/null\n"
      "printf 'subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth,clientAuth\\n' > server.ext\n"
      "openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server.key -out server.csr "
      "2>/dev/null\n"
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext "
      "-out server.pem 2>/dev/null\n"
      "printf 'extendedKeyUsage=clientAuth\\n' > client.ext\n"
      "openssl req -newkey rsa:2048 -nodes -subj /CN=cloudvip -keyout client.key -out client.csr "
      "2>/dev/null\n"
      "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile client.ext "
      "-out client.pem 2>/dev/null\n";
  RealProcessRunner runner;
  auto result = runner.run(script, Millis(60000));
  if (!result) {
    return fail(result.error());
  }
  if (result->exit_code != 0) {
    return fail(ErrorCode::internal, "openssl could not make the test certificates (exit " +
                                         std::to_string(result->exit_code) + ")");
  }
  return tls;
}

}  // namespace cloudvip::testing
