#include "daemon/metrics_server.h"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <system_error>
#include <thread>
#include <vector>

#include "daemon/unix_socket.h"

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

namespace {

constexpr std::size_t k_max_clients = 16;            // concurrent scrapes; more are answered 503 and closed
constexpr std::size_t k_max_request_bytes = 8192;    // a scrape's request line and headers
constexpr std::chrono::seconds k_client_timeout{5};  // from accept to the last byte of the answer

std::string errno_text(int e) {
  return std::strerror(e);
}

std::string http_answer(int status, std::string_view reason, std::string_view content_type,
                        std::string_view body, bool head, std::string_view extra_headers = {}) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  out += "Content-Type: " + std::string(content_type) + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += extra_headers;
  out += "Connection: close\r\n\r\n";
  if (!head) {
    out += body;
  }
  return out;
}

std::string plain(int status, std::string_view reason, std::string_view body, bool head = false,
                  std::string_view extra_headers = {}) {
  return http_answer(status, reason, "text/plain; charset=utf-8", body, head, extra_headers);
}

}  // namespace

std::string metrics_http_answer(const Metrics& metrics, std::string_view request_head) {
  std::size_t line_end = request_head.find("\r\n");
  std::string_view line = request_head.substr(0, line_end);
  std::size_t sp1 = line.find(' ');
  std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp1 == 0 || sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos ||
      !line.substr(sp2 + 1).starts_with("HTTP/1.")) {
    return plain(400, "Bad Request", "cloudvip: malformed HTTP request\n");
  }
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  target = target.substr(0, target.find('?'));
  bool head = method == "HEAD";
  if (method != "GET" && !head) {
    return plain(405, "Method Not Allowed", "cloudvip: only GET and HEAD\n", false, "Allow: GET, HEAD\r\n");
  }
  if (target == "/metrics") {
    return http_answer(200, "OK", k_metrics_content_type, metrics.render(), head);
  }
  if (target == "/") {
    return plain(200, "OK", "cloudvip: metrics are at /metrics\n", head);
  }
  return plain(404, "Not Found", "cloudvip: no such page; metrics are at /metrics\n", head);
}

struct MetricsServer::State {
  const Metrics& metrics;
  std::string address;
  UniqueFd listener;
  UniqueFd wake;  // eventfd: readable once stop() starts
  std::thread thread;
  int port = 0;

  struct Client {
    UniqueFd fd;
    SteadyTime deadline;
    std::string in;
    std::string out;  // the answer, once the request is complete
    std::size_t sent = 0;
  };

  State(const Metrics& m, std::string a) : metrics(m), address(std::move(a)) {}

  void serve();
  void accept_one(std::vector<Client>& clients);
  // false: the client is done (answered or gone) and is closed.
  bool on_ready(Client& client, short revents);
};

void MetricsServer::State::accept_one(std::vector<Client>& clients) {
  UniqueFd fd(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
  if (!fd.valid()) {
    return;  // EAGAIN (the client gave up), EMFILE...: the next connection tries again
  }
  if (clients.size() >= k_max_clients) {
    std::string busy = plain(503, "Service Unavailable", "cloudvip: too many scrapes at once\n");
    (void)::send(fd.get(), busy.data(), busy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    return;
  }
  clients.push_back(
      Client{.fd = std::move(fd), .deadline = std::chrono::steady_clock::now() + k_client_timeout});
}

bool MetricsServer::State::on_ready(Client& client, short revents) {
  if (client.out.empty()) {
    if ((revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
      return true;
    }
    char buffer[4096];
    ssize_t n = ::recv(client.fd.get(), buffer, sizeof(buffer), 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      return true;
    }
    if (n <= 0) {
      return false;  // closed before a whole request
    }
    client.in.append(buffer, static_cast<std::size_t>(n));
    if (client.in.find("\r\n\r\n") == std::string::npos) {
      if (client.in.size() <= k_max_request_bytes) {
        return true;
      }
      client.out = plain(431, "Request Header Fields Too Large", "cloudvip: request too large\n");
    } else {
      client.out = metrics_http_answer(metrics, client.in);
    }
  }
  if ((revents & (POLLERR | POLLHUP)) != 0 && (revents & POLLOUT) == 0) {
    return false;
  }
  ssize_t n = ::send(client.fd.get(), client.out.data() + client.sent, client.out.size() - client.sent,
                     MSG_NOSIGNAL | MSG_DONTWAIT);
  if (n < 0) {
    return errno == EAGAIN || errno == EINTR;
  }
  client.sent += static_cast<std::size_t>(n);
  if (client.sent < client.out.size()) {
    return true;
  }
  ::shutdown(client.fd.get(), SHUT_WR);  // the answer is whole; the kernel sends it before the close
  return false;
}

void MetricsServer::State::serve() {
  std::vector<Client> clients;
  std::vector<pollfd> fds;
  while (true) {
    fds.clear();
    fds.push_back({wake.get(), POLLIN, 0});
    fds.push_back({listener.get(), POLLIN, 0});
    auto now = std::chrono::steady_clock::now();
    auto wait = std::chrono::milliseconds(-1);
    for (const Client& c : clients) {
      fds.push_back({c.fd.get(), static_cast<short>(c.out.empty() ? POLLIN : POLLOUT), 0});
      auto left = std::chrono::ceil<std::chrono::milliseconds>(c.deadline - now);
      left = std::max(left, std::chrono::milliseconds(0));
      wait = wait.count() < 0 ? left : std::min(wait, left);
    }
    int r = ::poll(fds.data(), fds.size(), static_cast<int>(wait.count()));
    if (r < 0 && errno != EINTR) {
      return;
    }
    if ((fds[0].revents & POLLIN) != 0) {
      return;
    }
    now = std::chrono::steady_clock::now();
    std::vector<Client> kept;
    kept.reserve(clients.size() + 1);
    for (std::size_t i = 0; i < clients.size(); ++i) {
      short revents = r > 0 ? fds[i + 2].revents : 0;
      bool alive = revents == 0 || on_ready(clients[i], revents);
      if (alive && now < clients[i].deadline) {
        kept.push_back(std::move(clients[i]));
      }
    }
    clients = std::move(kept);
    if (r > 0 && (fds[1].revents & POLLIN) != 0) {
      accept_one(clients);
    }
  }
}

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
  auto cannot_listen = [&](const std::string& why) {
    return fail(ErrorCode::network, "metrics: cannot listen on " + s.address + ": " + why +
                                        " (is another cloudvip run or exporter on that port, and is " +
                                        where->host +
                                        " an address of this host? Change [daemon] metrics, or stop what "
                                        "listens there)");
  };
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port_text = std::to_string(where->port);
  if (int rc = ::getaddrinfo(where->host.c_str(), port_text.c_str(), &hints, &found); rc != 0) {
    return cannot_listen(std::string("cannot resolve ") + where->host + ": " + ::gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owned(found, &::freeaddrinfo);
  int last_errno = EADDRNOTAVAIL;
  for (addrinfo* ai = found; ai != nullptr && !s.listener.valid(); ai = ai->ai_next) {
    UniqueFd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol));
    if (!fd.valid()) {
      last_errno = errno;
      continue;
    }
    // SO_REUSEADDR only, never SO_REUSEPORT: a second daemon on the same port must fail to start, not share
    // it.
    int yes = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    if (::bind(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd.get(), 16) != 0) {
      last_errno = errno;
      continue;
    }
    s.listener = std::move(fd);
  }
  if (!s.listener.valid()) {
    return cannot_listen(errno_text(last_errno));
  }
  sockaddr_storage bound{};
  socklen_t length = sizeof(bound);
  if (::getsockname(s.listener.get(), reinterpret_cast<sockaddr*>(&bound), &length) == 0) {
    s.port = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                         : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  }
  s.wake = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!s.wake.valid()) {
    int e = errno;
    s.listener.reset();
    s.port = 0;
    return fail(ErrorCode::network, "metrics: cannot create an eventfd: " + errno_text(e));
  }
  try {
    s.thread = std::thread([&s] { s.serve(); });
  } catch (const std::system_error& e) {
    s.listener.reset();
    s.wake.reset();
    s.port = 0;
    return fail(ErrorCode::network, std::string("metrics: cannot start the server's thread: ") + e.what());
  }
  return ok();
}

void MetricsServer::stop() {
  State& s = *m_state;
  if (s.thread.joinable()) {
    std::uint64_t one = 1;
    (void)!::write(s.wake.get(), &one, sizeof(one));
    s.thread.join();
    s.listener.reset();
    s.wake.reset();
  }
}

int MetricsServer::port() const {
  return m_state->port;
}

}  // namespace cloudvip
