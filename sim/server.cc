#include "sim/server.h"

#include <sys/socket.h>

#include <chrono>
#include <stdexcept>

namespace cloudvip::sim {

HttpListener::HttpListener(std::string host, int port, size_t threads, Handler handler, Handler error_handler,
                           size_t max_body_bytes)
    : m_host(std::move(host)) {
  if (threads > 0) {
    m_server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  }
  m_server.Get(".*", handler);
  m_server.Options(".*", handler);
  // A request with neither Content-Length nor Transfer-Encoding has an empty body (RFC 7230 §3.3.3), but
  // cpp-httplib 0.11 reads such a body until the connection closes, so `curl -X PUT .../api/token` (AWS's
  // own IMDS example, no Content-Length) would hang. Content-reader handlers run before the body is read:
  // read it only when one was announced.
  auto with_body = [handler](const httplib::Request& req, httplib::Response& res,
                             const httplib::ContentReader& reader) {
    if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding")) {
      handler(req, res);
      return;
    }
    httplib::Request full = req;
    bool complete = reader([&full](const char* data, size_t length) {
      full.body.append(data, length);
      return true;
    });
    if (!complete) {
      return;  // cpp-httplib has set the status (400, or 413 past the payload limit); the error handler
               // answers
    }
    handler(full, res);
  };
  m_server.Post(".*", with_body);
  m_server.Put(".*", with_body);
  m_server.Delete(".*", with_body);
  m_server.Patch(".*", with_body);
  if (error_handler) {
    m_server.set_error_handler([error_handler](const httplib::Request& req, httplib::Response& res) {
      if (res.body.empty()) {
        error_handler(req, res);
      }
    });
  }
  if (max_body_bytes > 0) {
    m_server.set_payload_max_length(max_body_bytes);
  }
  // Remember the listening socket to raise its backlog once it is bound (cpp-httplib 0.11 listens with 5).
  int listen_fd = -1;
  // SO_REUSEADDR only: cpp-httplib's default also sets SO_REUSEPORT, which would let a second simulator
  // share an explicit port silently instead of failing to start.
  m_server.set_socket_options([&listen_fd](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listen_fd = sock;
  });
  m_server.set_tcp_nodelay(true);
  m_server.set_keep_alive_timeout(k_keep_alive_seconds);
  if (port == 0) {
    m_port = m_server.bind_to_any_port(m_host);
  } else {
    m_port = m_server.bind_to_port(m_host, port) ? port : -1;
  }
  if (m_port <= 0) {
    throw std::runtime_error("cannot listen on " + m_host + ":" + std::to_string(port) +
                             " (address in use, or not an address of this host?)");
  }
  if (listen_fd >= 0) {
    ::listen(listen_fd, 128);  // on a listening socket Linux only updates the backlog
  }
  m_thread = std::thread([this] { m_server.listen_after_bind(); });
  // stop() does nothing until the accept loop runs, so wait for it (bounded: 5 s).
  for (int i = 0; i < 5000 && !m_server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

HttpListener::~HttpListener() {
  stop();
}

void HttpListener::stop() {
  m_server.stop();
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

std::string HttpListener::url() const {
  bool v6 = m_host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + m_host + "]" : m_host) + ":" + std::to_string(m_port);
}

HttpHeaders headers_of(const httplib::Request& request) {
  HttpHeaders headers;
  for (const auto& [name, value] : request.headers) {
    // cpp-httplib adds these itself; they never come from the client.
    if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" || name == "LOCAL_PORT") {
      continue;
    }
    headers.add(name, value);
  }
  return headers;
}

IncomingRequest incoming_of(const httplib::Request& request) {
  return IncomingRequest{request.method, request.target, headers_of(request), request.body};
}

void write_reply(const HttpReply& reply, httplib::Response& response) {
  response.status = reply.status;
  for (const auto& [name, value] : reply.headers) {
    response.set_header(name, value);
  }
  if (reply.drop_connection) {
    // Announce a body, then fail to provide it: cpp-httplib closes the connection after the headers.
    response.set_content_provider(1, "text/plain", [](size_t, size_t, httplib::DataSink&) { return false; });
    return;
  }
  response.set_content(reply.body, reply.content_type);
}

SimServer::SimServer(Simulation& simulation, Faults& faults, Throttle& throttle, CallLog& log, Clock& clock,
                     Logger& logger, SimServerOptions options)
    : m_ec2(simulation, faults, throttle, log, clock, logger),
      m_imds(simulation, faults, log, clock, options.imds_v1),
      m_admin(simulation, faults, throttle, log) {
  m_main = std::make_unique<HttpListener>(
      options.host, options.port, options.threads,
      [this](const httplib::Request& req, httplib::Response& res) { route(req, res); },
      [this](const httplib::Request& req, httplib::Response& res) { on_server_error(req, res); },
      Ec2Endpoint::k_max_body_bytes);
  for (const ImdsBinding& binding : options.imds) {
    m_imds_listeners.emplace_back(
        binding.instance_id,
        std::make_unique<ImdsListener>(m_imds, binding.host, binding.port, binding.instance_id));
  }
}

SimServer::~SimServer() {
  stop();
}

void SimServer::stop() {
  m_imds.shutdown();
  for (auto& [id, listener] : m_imds_listeners) {
    listener->stop();
  }
  m_main->stop();
}

std::vector<std::pair<std::string, std::string>> SimServer::imds_urls() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [id, listener] : m_imds_listeners) {
    out.emplace_back(id, listener->url());
  }
  return out;
}

void SimServer::route(const httplib::Request& req, httplib::Response& res) {
  if (req.path == "/_sim" || req.path.starts_with("/_sim/")) {
    std::string query;
    if (size_t q = req.target.find('?'); q != std::string::npos) {
      query = req.target.substr(q + 1);
    }
    write_reply(m_admin.handle(req.method, req.path, query, req.body), res);
    return;
  }
  write_reply(m_ec2.handle(incoming_of(req)), res);
}

void SimServer::on_server_error(const httplib::Request& req, httplib::Response& res) {
  std::string what = res.status == 413
                         ? "The request body is larger than the limit of " +
                               std::to_string(Ec2Endpoint::k_max_body_bytes) + " bytes"
                         : "The HTTP request could not be read (status " + std::to_string(res.status) + ")";
  if (req.path.starts_with("/_sim")) {
    write_reply(AdminApi::json_error(res.status, what), res);
    return;
  }
  std::string code = res.status == 413 ? "RequestEntityTooLarge" : "MalformedRequest";
  write_reply(m_ec2.error_reply(ApiError{code, what, res.status}), res);
}

}  // namespace cloudvip::sim
