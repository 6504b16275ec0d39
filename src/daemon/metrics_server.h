// Serves a Metrics registry to Prometheus: GET /metrics answers render() as text/plain; version=0.0.4, on
// "host:port" (one thread, one poll loop: at most 16 scrapes at once, each closed after its answer or after
// 5 s). Binds what it is given; keeping it on loopback unless the operator says otherwise is the config's job
// ([daemon] metrics). Its own small server rather than an HTTP library: the executable that carries it is
// also every failover hook's fresh process, which should not load a library (and its TLS) for nothing.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/error.h"
#include "daemon/metrics.h"

namespace cloudvip {

inline constexpr const char* k_metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

struct HostPort {
  std::string host;  // "127.0.0.1", "::1" (without brackets), "localhost"
  int port = 0;      // 0: any free port (tests)
};

// "127.0.0.1:9464", "[::1]:9464", "localhost:0". ErrorCode::config naming `what` (e.g. "[daemon] metrics"),
// the value and the expected form.
Result<HostPort> parse_host_port(std::string_view text, std::string_view what);

// The whole answer (status line, headers, body; Connection: close) to one request whose head (request line
// and headers, up to the blank line) is `request_head`: GET or HEAD /metrics renders the registry, / says
// where the metrics are, another path is 404, another method 405, a malformed request line 400.
std::string metrics_http_answer(const Metrics& metrics, std::string_view request_head);

class MetricsServer {
 public:
  // `metrics` must outlive the server.
  MetricsServer(const Metrics& metrics, std::string address);
  ~MetricsServer();  // stops
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Parses the address, binds and serves. ErrorCode::config for a malformed address, ErrorCode::network when
  // the address cannot be bound (in use, not an address of this host), naming the address and the fix.
  Result<void> start();
  // Stops serving and joins the thread. Idempotent.
  void stop();
  // The bound port (the real one when the address said port 0); 0 before start().
  int port() const;

 private:
  struct State;
  std::unique_ptr<State> m_state;
};

}  // namespace cloudvip
