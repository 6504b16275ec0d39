#include "testing/http_test_server.h"

#include <sys/socket.h>

#include <stdexcept>

#include "common/strings.h"

namespace cloudvip::testing {

std::string RecordedRequest::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) {
      return value;
    }
  }
  return "";
}

HttpTestServer::HttpTestServer(Handler handler, size_t threads) : m_handler(std::move(handler)) {
  if (threads > 0) {
    m_server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  }
  auto dispatch = [this](const httplib::Request& req, httplib::Response& res) {
    Handler handler;
    {
      std::lock_guard lock(m_mutex);
      RecordedRequest rec;
      rec.method = req.method;
      rec.path = req.path;
      rec.target = req.target;
      for (const auto& [k, v] : req.headers) {
        rec.headers.emplace(k, v);
      }
      rec.body = req.body;
      rec.remote_port = req.remote_port;
      m_requests.push_back(std::move(rec));
      handler = m_handler;
    }
    handler(req, res);
  };
  m_server.Get(".*", dispatch);
  m_server.Post(".*", dispatch);
  m_server.Put(".*", dispatch);
  m_server.Delete(".*", dispatch);
  m_server.Patch(".*", dispatch);
  // cpp-httplib 0.11 listens with a backlog of 5, so a burst of concurrent connects loses SYNs (and waits a
  // second for the retry); remember the listening socket to raise its backlog once it is bound.
  int listen_fd = -1;
  m_server.set_socket_options([&listen_fd](socket_t sock) {
    httplib::default_socket_options(sock);
    listen_fd = sock;
  });
  // Without it, a response written as headers then body waits ~40 ms for the client's delayed ACK (Nagle).
  m_server.set_tcp_nodelay(true);
  // cpp-httplib closes a connection after 5 requests by default ("Connection: close" on the fifth); the
  // tests that count connections (reuse, max_parallel) would then see one more than the client opened.
  m_server.set_keep_alive_max_count(1000);
  m_port = m_server.bind_to_any_port("127.0.0.1");
  if (m_port <= 0) {
    throw std::runtime_error("HttpTestServer: cannot bind 127.0.0.1:0");
  }
  if (listen_fd >= 0) {
    ::listen(listen_fd, 128);  // on an already listening socket, Linux only updates the backlog
  }
  m_thread = std::thread([this] { m_server.listen_after_bind(); });
  // stop() is a no-op until the accept loop runs, so wait for it (bounded: 5 s).
  for (int i = 0; i < 5000 && !m_server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

HttpTestServer::~HttpTestServer() {
  m_server.stop();
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

std::string HttpTestServer::url() const {
  return "http://127.0.0.1:" + std::to_string(m_port);
}

std::vector<RecordedRequest> HttpTestServer::requests() const {
  std::lock_guard lock(m_mutex);
  return m_requests;
}

size_t HttpTestServer::request_count() const {
  std::lock_guard lock(m_mutex);
  return m_requests.size();
}

void HttpTestServer::set_handler(Handler handler) {
  std::lock_guard lock(m_mutex);
  m_handler = std::move(handler);
}

}  // namespace cloudvip::testing
