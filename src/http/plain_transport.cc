#include "http/plain_transport.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <optional>

#include "http/http1.h"

namespace cloudvip {
namespace {

using Clock = std::chrono::steady_clock;

long long ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

// The addresses of the URL's host (an IPv6 literal without its brackets), in getaddrinfo's order.
Result<void> resolve(const Url& url, std::vector<sockaddr_storage>& addresses,
                     std::vector<socklen_t>& lengths) {
  std::string host = url.host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  int rc = ::getaddrinfo(host.c_str(), std::to_string(url.port).c_str(), &hints, &found);
  if (rc != 0) {
    return fail(ErrorCode::network, fmt::format("could not resolve host {}: {}", host, ::gai_strerror(rc)));
  }
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    sockaddr_storage address{};
    std::memcpy(&address, a->ai_addr, std::min<size_t>(a->ai_addrlen, sizeof address));
    addresses.push_back(address);
    lengths.push_back(a->ai_addrlen);
  }
  ::freeaddrinfo(found);
  return ok();
}

// A non-blocking socket connecting (or connected) to `address`, or -1 with `error` saying why.
int start_connect(const sockaddr_storage& address, socklen_t length, std::string& error) {
  const auto* target = reinterpret_cast<const sockaddr*>(&address);
  int fd = ::socket(target->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::strerror(errno);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // the request leaves in one segment
  if (::connect(fd, target, length) == 0 || errno == EINPROGRESS) {
    return fd;
  }
  error = std::strerror(errno);
  ::close(fd);
  return -1;
}

// One request on one connection, driven by send_all's poll loop.
struct Exchange {
  enum class Phase { waiting, connecting, sending, receiving, finished };

  const HttpRequest* request = nullptr;
  Result<HttpResponse>* result = nullptr;
  Url url;
  std::string key;   // "host:port", the pool's key
  std::string wire;  // the request's bytes
  size_t sent = 0;
  int fd = -1;
  bool reused = false;    // the connection came from the pool
  bool replaced = false;  // a dead pooled connection was replaced once already
  Phase phase = Phase::waiting;
  std::vector<sockaddr_storage> addresses;
  std::vector<socklen_t> address_lengths;
  size_t next_address = 0;
  std::string connect_error;  // why the last address failed
  Clock::time_point started;
  Clock::time_point connect_deadline;
  Clock::time_point deadline;
  std::optional<Http1ResponseParser> parser;
  size_t received = 0;

  std::string describe() const { return describe_request(*request); }
};

class Round {
 public:
  Round(PlainHttpTransport& pool, const PlainHttpTransportOptions& options)
      : m_pool(pool), m_options(options) {}

  void run(std::vector<Exchange>& exchanges);

 private:
  void start(Exchange& x);
  void connect_next(Exchange& x);
  void on_ready(Exchange& x, short events);
  void do_send(Exchange& x);
  void do_receive(Exchange& x);
  void replace_or_fail(Exchange& x, const std::string& why);
  void check_deadlines(Exchange& x, Clock::time_point now);
  void succeed(Exchange& x);
  void finish(Exchange& x, Error error);
  void close_fd(Exchange& x);

  PlainHttpTransport& m_pool;
  const PlainHttpTransportOptions& m_options;
  size_t m_active = 0;
};

void Round::run(std::vector<Exchange>& exchanges) {
  size_t next = 0;
  std::vector<pollfd> fds;
  std::vector<Exchange*> owners;
  for (;;) {
    for (; next < exchanges.size() && m_active < m_options.max_parallel; ++next) {
      start(exchanges[next]);
    }
    fds.clear();
    owners.clear();
    Clock::time_point wake = Clock::time_point::max();
    for (Exchange& x : exchanges) {
      if (x.phase == Exchange::Phase::connecting || x.phase == Exchange::Phase::sending ||
          x.phase == Exchange::Phase::receiving) {
        short events = x.phase == Exchange::Phase::receiving ? POLLIN : POLLOUT;
        fds.push_back(pollfd{x.fd, events, 0});
        owners.push_back(&x);
        wake =
            std::min(wake, x.phase == Exchange::Phase::connecting ? std::min(x.connect_deadline, x.deadline)
                                                                  : x.deadline);
      }
    }
    if (fds.empty()) {
      if (next >= exchanges.size()) {
        return;
      }
      continue;
    }
    long long wait = std::max(0LL, ms_between(Clock::now(), wake) + 1);
    int ready = ::poll(fds.data(), fds.size(), static_cast<int>(std::min(wait, 1000LL)));
    if (ready < 0 && errno != EINTR) {
      std::string why = fmt::format("poll failed: {}", std::strerror(errno));
      for (Exchange* x : owners) {
        finish(*x, Error(ErrorCode::internal, fmt::format("{}: {}", x->describe(), why)));
      }
      continue;
    }
    for (size_t i = 0; i < fds.size(); ++i) {
      if (ready > 0 && fds[i].revents != 0) {
        on_ready(*owners[i], fds[i].revents);
      }
    }
    Clock::time_point now = Clock::now();
    for (Exchange* x : owners) {
      check_deadlines(*x, now);
    }
  }
}

void Round::start(Exchange& x) {
  x.started = Clock::now();
  x.connect_deadline = x.started + x.request->connect_timeout;
  x.deadline = x.started + x.request->timeout;
  ++m_active;
  x.phase = Exchange::Phase::connecting;  // until decided below
  if (auto valid = validate_request(*x.request); !valid) {
    finish(x, valid.error());
    return;
  }
  Result<Url> url = parse_url(x.request->url);
  if (!url) {
    finish(x, url.error().wrap(x.describe()));
    return;
  }
  if (url->scheme != "http") {
    finish(x, Error(ErrorCode::invalid_argument,
                    fmt::format("{}: this transport speaks plain http only (https goes through libcurl)",
                                x.describe())));
    return;
  }
  x.url = std::move(*url);
  x.key = fmt::format("{}:{}", x.url.host, x.url.port);
  x.wire = format_request(*x.request, x.url);
  x.parser.emplace(x.request->method == "HEAD", m_options.max_body_bytes);
  x.fd = x.replaced ? -1 : m_pool.take_idle(x.key);  // a replacement gets a new connection
  if (x.fd >= 0) {
    x.reused = true;
    x.phase = Exchange::Phase::sending;
    do_send(x);
    return;
  }
  x.addresses.clear();
  x.address_lengths.clear();
  x.next_address = 0;
  if (auto resolved = resolve(x.url, x.addresses, x.address_lengths); !resolved) {
    finish(x, resolved.error().wrap(x.describe()));
    return;
  }
  connect_next(x);
}

void Round::connect_next(Exchange& x) {
  close_fd(x);
  while (x.next_address < x.addresses.size()) {
    size_t i = x.next_address++;
    x.fd = start_connect(x.addresses[i], x.address_lengths[i], x.connect_error);
    if (x.fd >= 0) {
      x.phase = Exchange::Phase::connecting;  // poll says when it is writable (or failed)
      return;
    }
  }
  finish(x, Error(ErrorCode::network, fmt::format("{}: failed to connect to {} port {}: {}", x.describe(),
                                                  x.url.host, x.url.port, x.connect_error)));
}

void Round::on_ready(Exchange& x, short events) {
  if (x.phase == Exchange::Phase::connecting) {
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(x.fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) {
      error = errno;
    }
    if (error != 0) {
      x.connect_error = std::strerror(error);
      connect_next(x);
      return;
    }
    x.phase = Exchange::Phase::sending;
    do_send(x);
    return;
  }
  if (x.phase == Exchange::Phase::sending) {
    do_send(x);
    return;
  }
  if (x.phase == Exchange::Phase::receiving && (events & (POLLIN | POLLHUP | POLLERR)) != 0) {
    do_receive(x);
  }
}

void Round::do_send(Exchange& x) {
  while (x.sent < x.wire.size()) {
    ssize_t n = ::send(x.fd, x.wire.data() + x.sent, x.wire.size() - x.sent, MSG_NOSIGNAL);
    if (n > 0) {
      x.sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      return;  // poll says when to go on
    }
    replace_or_fail(x, fmt::format("sending failed: {}", std::strerror(errno)));
    return;
  }
  x.phase = Exchange::Phase::receiving;
}

void Round::do_receive(Exchange& x) {
  char buffer[16384];
  for (;;) {
    ssize_t n = ::recv(x.fd, buffer, sizeof buffer, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      return;
    }
    if (n < 0) {
      replace_or_fail(x, fmt::format("receiving failed: {}", std::strerror(errno)));
      return;
    }
    if (n == 0) {
      if (!x.parser->started()) {
        replace_or_fail(x, "the server closed the connection without answering");
        return;
      }
      if (auto ended = x.parser->finish_at_eof(); !ended) {
        finish(x, ended.error().wrap(x.describe()));
        return;
      }
      succeed(x);
      return;
    }
    x.received += static_cast<size_t>(n);
    Result<bool> done = x.parser->feed(std::string_view(buffer, static_cast<size_t>(n)));
    if (!done) {
      Error error = done.error();
      error.message = fmt::format("{}: {}", x.describe(), error.message);
      finish(x, std::move(error));
      return;
    }
    if (*done) {
      succeed(x);
      return;
    }
  }
}

// A pooled connection the server closed while it sat idle fails on first use; that is not the request's
// fault, so the request goes once more on a new connection. Anything else is the request's outcome.
void Round::replace_or_fail(Exchange& x, const std::string& why) {
  if (x.reused && !x.replaced && x.received == 0) {
    x.replaced = true;
    x.reused = false;
    x.sent = 0;
    x.parser.emplace(x.request->method == "HEAD", m_options.max_body_bytes);
    close_fd(x);
    --m_active;
    x.phase = Exchange::Phase::waiting;
    // Resolve and connect as a fresh exchange would, keeping the original deadlines.
    auto started = x.started;
    start(x);
    x.started = started;
    x.connect_deadline = started + x.request->connect_timeout;
    x.deadline = started + x.request->timeout;
    return;
  }
  finish(x, Error(ErrorCode::network, fmt::format("{}: {}", x.describe(), why)));
}

void Round::check_deadlines(Exchange& x, Clock::time_point now) {
  if (x.phase == Exchange::Phase::finished || x.phase == Exchange::Phase::waiting) {
    return;
  }
  if (x.phase == Exchange::Phase::connecting && now >= x.connect_deadline) {
    finish(x, Error(ErrorCode::timeout, fmt::format("{}: connection timed out after {} milliseconds",
                                                    x.describe(), ms_between(x.started, now))));
    return;
  }
  if (now >= x.deadline) {
    finish(x, Error(ErrorCode::timeout,
                    fmt::format("{}: operation timed out after {} milliseconds with {} bytes received",
                                x.describe(), ms_between(x.started, now), x.received)));
  }
}

void Round::succeed(Exchange& x) {
  *x.result = x.parser->take();
  if (x.parser->keep_alive() && x.fd >= 0) {
    m_pool.give_back(x.key, x.fd, true);
    x.fd = -1;
  }
  close_fd(x);
  x.phase = Exchange::Phase::finished;
  --m_active;
}

void Round::finish(Exchange& x, Error error) {
  *x.result = std::unexpected(std::move(error));
  close_fd(x);
  x.phase = Exchange::Phase::finished;
  --m_active;
}

void Round::close_fd(Exchange& x) {
  if (x.fd >= 0) {
    ::close(x.fd);
    x.fd = -1;
  }
}

}  // namespace

PlainHttpTransport::PlainHttpTransport(PlainHttpTransportOptions options) : m_options(options) {
  m_options.max_parallel = std::max<size_t>(m_options.max_parallel, 1);
}

PlainHttpTransport::~PlainHttpTransport() {
  for (auto& [key, fd] : m_idle) {
    ::close(fd);
  }
}

int PlainHttpTransport::take_idle(const std::string& key) {
  std::lock_guard guard(m_mutex);
  for (auto it = m_idle.find(key); it != m_idle.end() && it->first == key; it = m_idle.find(key)) {
    int fd = it->second;
    m_idle.erase(it);
    // An idle connection has nothing to read; readable means the server closed it (or sent junk).
    pollfd probe{fd, POLLIN, 0};
    if (::poll(&probe, 1, 0) == 0) {
      return fd;
    }
    ::close(fd);
  }
  return -1;
}

void PlainHttpTransport::give_back(const std::string& key, int fd, bool after_answer) {
  std::lock_guard guard(m_mutex);
  if (m_idle.size() >= m_options.max_idle_connections ||
      (after_answer && m_idle.count(key) >= m_options.max_idle_per_host_after_answer)) {
    ::close(fd);
    return;
  }
  m_idle.emplace(key, fd);
}

void PlainHttpTransport::warm_up(const std::string& url, size_t connections) {
  Result<Url> parsed = parse_url(url);
  if (!parsed || parsed->scheme != "http") {
    return;
  }
  std::string key = fmt::format("{}:{}", parsed->host, parsed->port);
  size_t wanted = 0;
  {
    std::lock_guard guard(m_mutex);
    size_t idle = m_idle.count(key);
    size_t room = m_options.max_idle_connections - std::min(m_options.max_idle_connections, m_idle.size());
    wanted = std::min(connections - std::min(connections, idle), room);
  }
  std::vector<sockaddr_storage> addresses;
  std::vector<socklen_t> lengths;
  if (wanted == 0 || !resolve(*parsed, addresses, lengths) || addresses.empty()) {
    return;
  }
  std::string error;
  for (size_t i = 0; i < wanted; ++i) {
    int fd = start_connect(addresses.front(), lengths.front(), error);
    if (fd < 0) {
      return;
    }
    give_back(key, fd, false);
  }
}

Result<HttpResponse> PlainHttpTransport::send(const HttpRequest& request) {
  return std::move(send_all({request}).front());
}

std::vector<Result<HttpResponse>> PlainHttpTransport::send_all(const std::vector<HttpRequest>& requests) {
  std::vector<Result<HttpResponse>> results(requests.size(),
                                            std::unexpected(Error(ErrorCode::internal, "request not sent")));
  std::vector<Exchange> exchanges(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    exchanges[i].request = &requests[i];
    exchanges[i].result = &results[i];
  }
  Round(*this, m_options).run(exchanges);
  return results;
}

}  // namespace cloudvip
