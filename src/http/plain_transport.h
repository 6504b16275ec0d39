// HTTP/1.1 over plain TCP with keep-alive, for http:// endpoints reached without a proxy: instance metadata,
// cloudvip-sim, a local endpoint. It exists so a fresh `cloudvip acquire` against such an endpoint does not
// load libcurl and its TLS, Kerberos and LDAP dependencies at start (a few milliseconds of a failover);
// SelectingTransport sends everything else (https, proxies) through CurlTransport.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "http/transport.h"

namespace cloudvip {

struct PlainHttpTransportOptions {
  // send_all runs at most this many requests at once; the others wait for a free slot.
  size_t max_parallel = 64;
  // An answer with a larger body fails (ErrorCode::http) rather than filling memory.
  size_t max_body_bytes = size_t{64} << 20;
  // Idle keep-alive connections kept for later calls; beyond this they are closed.
  size_t max_idle_connections = 64;
  // Of the connections an answer frees, at most this many idle ones per host are kept; the others are closed
  // as their answers arrive. A one-shot command sets it low: it needs one connection for its verification
  // read, and closing the other writes' connections while answers are still arriving costs nothing on the
  // critical path, where closing them all at exit (a FIN each, processed in the exiting process on loopback)
  // came after the last answer. warm_up's connections are not limited by it.
  size_t max_idle_per_host_after_answer = size_t(-1);
};

// The same contract as CurlTransport for what it accepts: the request is checked the same way
// (validate_request), the same headers go out, redirects are not followed, only the final answer's headers
// are kept, a refused or reset connection is ErrorCode::network and a connect or total timeout is
// ErrorCode::timeout, each naming the request. Only http:// URLs: https is refused
// (ErrorCode::invalid_argument) because this transport has no TLS. Host names are resolved with getaddrinfo
// (blocking, bounded by the system resolver); the endpoints it serves are addresses or localhost in practice.
// A connection found closed by the server when reused is replaced once, before any answer byte was read.
// Safe to call from several threads at once: each call owns its connections while it runs.
class PlainHttpTransport final : public HttpTransport {
 public:
  explicit PlainHttpTransport(PlainHttpTransportOptions options = {});
  ~PlainHttpTransport() override;
  PlainHttpTransport(const PlainHttpTransport&) = delete;
  PlainHttpTransport& operator=(const PlainHttpTransport&) = delete;

  Result<HttpResponse> send(const HttpRequest& request) override;
  // Every request is connected (or given an idle connection) and sent at once, then all are read as their
  // answers arrive (at most options.max_parallel at a time).
  std::vector<Result<HttpResponse>> send_all(const std::vector<HttpRequest>& requests) override;
  // Starts connecting (non-blocking) as many new connections as `url`'s host lacks idle ones, up to
  // `connections` and options.max_idle_connections, and pools them at once; the first request on one waits
  // for the connection to complete, and one that failed is replaced like any dead pooled connection.
  void warm_up(const std::string& url, size_t connections) override;

  // Takes an idle connection to "host:port" that the server has not closed, or -1.
  int take_idle(const std::string& key);
  // Keeps a connection whose last answer allows another request (`after_answer`) or a new one (warm_up), or
  // closes it when the pool is full (or, after an answer, holds max_idle_per_host_after_answer for the host).
  void give_back(const std::string& key, int fd, bool after_answer);

 private:
  PlainHttpTransportOptions m_options;
  std::mutex m_mutex;
  std::multimap<std::string, int> m_idle;  // "host:port" -> socket
};

}  // namespace cloudvip
