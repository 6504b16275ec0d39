// The HTTP side of cloudvip-sim: HttpListener (a cpp-httplib server tuned for bursts of concurrent
// clients) and SimServer, the main listener (EC2 endpoint on /, admin API under /_sim/) plus one IMDS
// listener per configured instance.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/log.h"
#include "http/transport.h"
#include "sim/admin_api.h"
#include "sim/call_log.h"
#include "sim/ec2_endpoint.h"
#include "sim/faults.h"
#include "sim/http_reply.h"
#include "sim/imds_server.h"
#include "sim/simulation.h"
#include "sim/throttle.h"

namespace cloudvip::sim {

// A cpp-httplib server on HOST:PORT (port 0: any free port, read back) answering every method and path with
// one handler, on its own thread. cpp-httplib 0.11's defaults are raised: the listen backlog (5 -> 128, so a
// burst of connects does not lose SYNs and stall a second), TCP_NODELAY on (no 40 ms Nagle/delayed-ACK
// pauses) and a worker pool of `threads`. Each open keep-alive connection holds a worker, so a burst wider
// than the pool waits for idle connections to be let go: the pool is wider than any burst cloudvip sends
// (send_all: 64 at once, plus the connections of the read before it), and an idle connection is let go
// after k_keep_alive_seconds rather than cpp-httplib's 5 s, so even a wider burst stalls a second, not
// five per round (issue 9: the simulator must not be what serializes a failover's writes).
class HttpListener {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  static constexpr size_t k_default_threads = 128;
  static constexpr time_t k_keep_alive_seconds = 1;

  // Throws std::runtime_error naming the address when it cannot bind (a startup error).
  // `error_handler` runs for the server's own error answers (malformed request line, body over
  // `max_body_bytes`, ...) when they have no body yet; `max_body_bytes` 0 keeps cpp-httplib's limit.
  HttpListener(std::string host, int port, size_t threads, Handler handler, Handler error_handler = {},
               size_t max_body_bytes = 0);
  ~HttpListener();
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  int port() const { return m_port; }
  std::string url() const;  // "http://HOST:PORT"
  // Stops accepting and waits for the serving thread. Idempotent.
  void stop();

 private:
  httplib::Server m_server;
  std::string m_host;
  int m_port = 0;
  std::thread m_thread;
};

HttpHeaders headers_of(const httplib::Request& request);
IncomingRequest incoming_of(const httplib::Request& request);
void write_reply(const HttpReply& reply, httplib::Response& response);

struct ImdsBinding {
  std::string instance_id;
  std::string host = "127.0.0.1";
  int port = 0;
};

struct SimServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  size_t threads = HttpListener::k_default_threads;
  std::vector<ImdsBinding> imds;
  bool imds_v1 = false;  // answer IMDS GETs without a token
};

// Everything cloudvip-sim serves. Collaborators must outlive it.
class SimServer {
 public:
  SimServer(Simulation& simulation, Faults& faults, Throttle& throttle, CallLog& log, Clock& clock,
            Logger& logger, SimServerOptions options);
  ~SimServer();

  std::string url() const { return m_main->url(); }
  int port() const { return m_main->port(); }
  // (instance id, "http://HOST:PORT") per IMDS listener, in the order configured.
  std::vector<std::pair<std::string, std::string>> imds_urls() const;
  ImdsService& imds() { return m_imds; }
  void stop();

 private:
  void route(const httplib::Request& request, httplib::Response& response);
  void on_server_error(const httplib::Request& request, httplib::Response& response);

  Ec2Endpoint m_ec2;
  ImdsService m_imds;
  AdminApi m_admin;
  std::unique_ptr<HttpListener> m_main;
  std::vector<std::pair<std::string, std::unique_ptr<ImdsListener>>> m_imds_listeners;
};

}  // namespace cloudvip::sim
