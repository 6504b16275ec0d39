#include "cli_harness.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "testing/offline_environment.h"

namespace cloudvip::clitest {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<char*> c_strings(std::vector<std::string>& items) {
  std::vector<char*> out;
  for (std::string& item : items) {
    out.push_back(item.data());
  }
  out.push_back(nullptr);
  return out;
}

// Reads what is available on `fd` into `out`; false at end of file.
bool drain(int fd, std::string& out) {
  char buffer[8192];
  ssize_t n = read(fd, buffer, sizeof buffer);
  if (n > 0) {
    out.append(buffer, static_cast<size_t>(n));
    return true;
  }
  return n < 0 && errno == EINTR;
}

httplib::Client admin_client(const std::string& endpoint) {
  httplib::Client client(endpoint);
  client.set_connection_timeout(5);
  client.set_read_timeout(10);
  return client;
}

nlohmann::json parse_reply(const httplib::Result& reply, const std::string& what) {
  if (!reply) {
    throw std::runtime_error(what + ": no answer from cloudvip-sim");
  }
  if (reply->status != 200) {
    throw std::runtime_error(what + ": HTTP " + std::to_string(reply->status) + ": " + reply->body);
  }
  return nlohmann::json::parse(reply->body);
}

}  // namespace

std::string two_az_text() {
  std::ifstream in(std::string(CLOUDVIP_SCENARIOS) + "/two-az.toml");
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().empty()) {
    throw std::runtime_error("cannot read two-az.toml under " CLOUDVIP_SCENARIOS);
  }
  return text.str();
}

std::string extra_table_id(int index) {
  char id[32];
  std::snprintf(id, sizeof id, "rtb-0c0c0c0c0c0c0%04x", index);
  return id;
}

std::string with_extra_tables(std::string scenario, int count) {
  for (int i = 0; i < count; ++i) {
    scenario += "\n[[route_table]]\nid = \"" + extra_table_id(i) + "\"\nvpc = \"" + k_vpc +
                "\"\ntags = { Name = \"extra-" + std::to_string(i) + "\" }\n";
  }
  return scenario;
}

Sim::Sim(const std::string& scenario_text) {
  std::string scenario = m_dir.write("scenario.toml", scenario_text);
  std::string log = m_dir.path() + "/sim.log";
  int out[2];
  if (pipe(out) != 0) {
    throw std::runtime_error("pipe failed");
  }
  std::vector<std::string> args = {CLOUDVIP_SIM_BIN,
                                   "--scenario",
                                   scenario,
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--imds",
                                   std::string(k_instance_a) + "=127.0.0.1:0",
                                   "--imds",
                                   std::string(k_instance_b) + "=127.0.0.1:0",
                                   "--no-throttle"};
  m_pid = fork();
  if (m_pid == 0) {
    dup2(out[1], 1);
    int err = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(err, 2);
    close(out[0]);
    std::vector<char*> argv = c_strings(args);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  std::string text;
  auto deadline = Clock::now() + std::chrono::seconds(15);
  auto complete = [&] {
    return std::count(text.begin(), text.end(), '\n') >= 3;  // endpoint + two IMDS lines
  };
  while (!complete() && Clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, 100) > 0 && !drain(out[0], text)) {
      break;
    }
  }
  close(out[0]);
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with("imds ")) {
      std::istringstream words(line.substr(5));
      std::string id, url;
      words >> id >> url;
      m_imds[id] = url;
    } else if (m_endpoint.empty()) {
      m_endpoint = line;
    }
  }
  if (m_endpoint.empty() || m_imds.size() != 2) {
    std::ifstream err(log);
    std::stringstream message;
    message << err.rdbuf();
    throw std::runtime_error("cloudvip-sim did not start: stdout '" + text + "', stderr '" + message.str() +
                             "'");
  }
}

Sim::~Sim() {
  if (m_pid > 0) {
    kill(m_pid, SIGTERM);
    int status = 0;
    for (int i = 0; i < 50 && waitpid(m_pid, &status, WNOHANG) == 0; ++i) {
      usleep(100'000);
    }
    if (waitpid(m_pid, &status, WNOHANG) == 0) {
      kill(m_pid, SIGKILL);
      waitpid(m_pid, &status, 0);
    }
  }
}

nlohmann::json Sim::get(const std::string& path) const {
  auto client = admin_client(m_endpoint);
  return parse_reply(client.Get(path.c_str()), "GET " + path);
}

nlohmann::json Sim::post(const std::string& path, const std::string& body) const {
  auto client = admin_client(m_endpoint);
  return parse_reply(client.Post(path.c_str(), body, "application/json"), "POST " + path);
}

void Sim::clear_calls() const {
  post("/_sim/calls/clear", "");
}

nlohmann::json Sim::calls(bool with_imds) const {
  nlohmann::json all = get("/_sim/calls")["calls"];
  nlohmann::json out = nlohmann::json::array();
  for (const auto& call : all) {
    if (with_imds || call["kind"] == "ec2") {
      out.push_back(call);
    }
  }
  return out;
}

std::vector<std::string> Sim::actions() const {
  std::vector<std::string> out;
  for (const auto& call : calls()) {
    out.push_back(call["action"]);
  }
  return out;
}

std::vector<std::string> Sim::mutating_actions() const {
  std::vector<std::string> out;
  for (const std::string& action : actions()) {
    if (!action.starts_with("Describe")) {
      out.push_back(action);
    }
  }
  return out;
}

std::string Sim::route_target(const std::string& route_table, const std::string& destination) const {
  nlohmann::json state = get("/_sim/state");
  for (const auto& table : state["route_tables"]) {
    if (table["id"] != route_table) {
      continue;
    }
    for (const auto& route : table["routes"]) {
      if (route["destination"] == destination) {
        return route["network_interface_id"];
      }
    }
    return "(none)";
  }
  throw std::runtime_error("no route table " + route_table + " in /_sim/state");
}

bool Sim::source_dest_check(const std::string& eni) const {
  nlohmann::json state = get("/_sim/state");
  for (const auto& interface : state["network_interfaces"]) {
    if (interface["id"] == eni) {
      return interface["source_dest_check"];
    }
  }
  throw std::runtime_error("no network interface " + eni + " in /_sim/state");
}

Env Sim::env_for(const std::string& instance_id, const std::vector<std::string>& keys) const {
  Env env = {{"HOME", m_dir.path()},
             {"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds(instance_id)},
             {"CLOUDVIP_CACHE_DIR", m_dir.path() + "/cache-" + instance_id}};
  if (keys.size() == 2) {
    env["AWS_ACCESS_KEY_ID"] = keys[0];
    env["AWS_SECRET_ACCESS_KEY"] = keys[1];
  }
  return env;
}

RunResult run_cloudvip(const std::vector<std::string>& args, const Env& env, int timeout_ms) {
  std::vector<std::string> argv_text = {CLOUDVIP_BIN};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  // The tripwire for IMDS and EC2 unless the test names its own: cloudvip never falls back on
  // 169.254.169.254 or a real EC2 endpoint, and a test that forgot its endpoint fails.
  Env full = testing::offline_defaults();
  for (const auto& [key, value] : env) {
    full[key] = value;
  }
  std::vector<std::string> env_text = {"PATH=/usr/bin:/bin"};
  for (const auto& [key, value] : full) {
    env_text.push_back(key + "=" + value);
  }
  if (!env.contains("CLOUDVIP_CONTROL_SOCKET")) {
    env_text.push_back(std::string("CLOUDVIP_CONTROL_SOCKET=") + k_no_daemon_socket);
  }
  // A sanitizer build (scripts/sanitize) configures its runtime through these: without them a report in
  // cloudvip would go to its stderr with exit code 1, which a test expecting an ordinary failure cannot tell
  // apart.
  for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS"}) {
    if (const char* value = std::getenv(name)) {
      env_text.push_back(std::string(name) + "=" + value);
    }
  }
  int out[2], err[2];
  if (pipe(out) != 0 || pipe(err) != 0) {
    throw std::runtime_error("pipe failed");
  }
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], 1);
    dup2(err[1], 2);
    close(out[0]);
    close(err[0]);
    int null = open("/dev/null", O_RDONLY);
    dup2(null, 0);
    std::vector<char*> argv = c_strings(argv_text);
    std::vector<char*> envp = c_strings(env_text);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  RunResult result;
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  bool out_open = true, err_open = true, killed = false;
  while (out_open || err_open) {
    if (Clock::now() >= deadline) {
      kill(pid, SIGKILL);
      killed = true;
      break;
    }
    pollfd fds[2] = {{out_open ? out[0] : -1, POLLIN, 0}, {err_open ? err[0] : -1, POLLIN, 0}};
    if (poll(fds, 2, 100) <= 0) {
      continue;
    }
    if (out_open && (fds[0].revents & (POLLIN | POLLHUP))) {
      out_open = drain(out[0], result.out);
    }
    if (err_open && (fds[1].revents & (POLLIN | POLLHUP))) {
      err_open = drain(err[0], result.err);
    }
  }
  close(out[0]);
  close(err[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = !killed && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::vector<std::string> vip_args(const Sim& sim, const std::string& address,
                                  const std::vector<std::string>& route_tables) {
  std::vector<std::string> args = {"--endpoint", sim.endpoint(), "--region", "us-east-1",
                                   "--no-local", "--address",    address};
  for (const std::string& table : route_tables) {
    args.push_back("--route-table");
    args.push_back(table);
  }
  return args;
}

std::string describe(const RunResult& result) {
  return "exit " + std::to_string(result.exit_code) + "\n--- stdout\n" + result.out + "--- stderr\n" +
         result.err;
}

}  // namespace cloudvip::clitest
