#include "daemon/metrics_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <thread>

namespace cloudvip {
namespace {

std::string describe(std::string_view what, std::string_view text) {
  return std::string(what) + ": '" + std::string(text) + "'";
}

}  // namespace

Result<HostPort> parse_host_port(std::string_view text, std::string_view what) {
  const std::string expected = " (expected HOST:PORT, e.g. 127.0.0.1:9464 or [::1]:9464; port 0-65535)";
  HostPort out;
  std::string_view port_text;
  if (text.starts_with('[')) {
    std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return fail(ErrorCode::config, describe(what, text) + " is not a host and port" + expected);
    }
    out.host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else {
    std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon) {
      return fail(ErrorCode::config, describe(what, text) + " is not a host and port" + expected);
    }
    out.host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  if (out.host.empty()) {
    return fail(ErrorCode::config,
                describe(what, text) + " has no host; say which address to listen on" + expected);
  }
  int port = -1;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port < 0 ||
      port > 65535) {
    return fail(ErrorCode::config, describe(what, text) + " has no valid port" + expected);
  }
  out.port = port;
  return out;
}

struct MetricsServer::State {
  const Metrics& metrics;
  std::string address;
  httplib::Server server;
  std::thread thread;
  int port = 0;

  State(const Metrics& m, std::string a) : metrics(m), address(std::move(a)) {}
};

MetricsServer::MetricsServer(const Metrics& metrics, std::string address)
    : m_state(std::make_unique<State>(metrics, std::move(address))) {}

MetricsServer::~MetricsServer() {
  stop();
}

Result<void> MetricsServer::start() {
  State& s = *m_state;
  if (s.thread.joinable()) {
    return ok();
  }
  Result<HostPort> where = parse_host_port(s.address, "metrics address");
  if (!where) {
    return fail(where.error());
  }
  // A scrape is small and rare: a few workers, and short timeouts so a stuck client cannot hold one.
  s.server.new_task_queue = [] { return new httplib::ThreadPool(4); };
  s.server.set_read_timeout(5, 0);
  s.server.set_write_timeout(5, 0);
  s.server.set_keep_alive_timeout(5);
  // SO_REUSEADDR only: cpp-httplib's default also sets SO_REUSEPORT, which would let a second daemon share
  // the port silently instead of failing to start.
  s.server.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  const Metrics& metrics = s.metrics;
  s.server.Get("/metrics", [&metrics](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics.render(), k_metrics_content_type);
  });
  s.server.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("cloudvip: metrics are at /metrics\n", "text/plain; charset=utf-8");
  });

  errno = 0;
  int port = where->port == 0 ? s.server.bind_to_any_port(where->host)
                              : (s.server.bind_to_port(where->host, where->port) ? where->port : -1);
  int bind_errno = errno;
  if (port <= 0) {
    std::string why = bind_errno != 0 ? std::string(std::strerror(bind_errno)) : "cannot bind";
    return fail(ErrorCode::network, "metrics: cannot listen on " + s.address + ": " + why +
                                        " (is another cloudvip run or exporter on that port, and is " +
                                        where->host +
                                        " an address of this host? Change [daemon] metrics, or stop what "
                                        "listens there)");
  }
  s.port = port;
  s.thread = std::thread([&s] { s.server.listen_after_bind(); });
  // stop() does nothing until the accept loop runs, so wait for it (bounded: 5 s).
  for (int i = 0; i < 5000 && !s.server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return ok();
}

void MetricsServer::stop() {
  State& s = *m_state;
  if (s.thread.joinable()) {
    s.server.stop();
    s.thread.join();
  }
}

int MetricsServer::port() const {
  return m_state->port;
}

}  // namespace cloudvip
