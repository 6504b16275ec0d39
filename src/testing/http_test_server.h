// A real HTTP server for unit tests: listens on 127.0.0.1, port 0 (the port is read back), answers every
// request with a handler the test supplies, and records what it received. Stops in its destructor.
#pragma once

#include <httplib.h>

#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cloudvip::testing {

struct RecordedRequest {
  std::string method;
  std::string path;                                 // without the query
  std::string target;                               // path and query as sent
  std::multimap<std::string, std::string> headers;  // httplib keeps names as sent
  std::string body;
  int remote_port = -1;                               // the client's port: one value per TCP connection
  std::string header(const std::string& name) const;  // any case; "" when absent
};

class HttpTestServer {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

  // threads: the size of the server's worker pool (0: cpp-httplib's default, about 8). Each open keep-alive
  // connection holds a worker, so tests with many concurrent connections need more.
  explicit HttpTestServer(Handler handler, size_t threads = 0);
  ~HttpTestServer();
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  int port() const { return m_port; }
  // "http://127.0.0.1:PORT"
  std::string url() const;
  std::vector<RecordedRequest> requests() const;
  size_t request_count() const;
  // Replaces the handler (safe while serving).
  void set_handler(Handler handler);

 private:
  httplib::Server m_server;
  std::thread m_thread;
  int m_port = 0;
  mutable std::mutex m_mutex;
  Handler m_handler;
  std::vector<RecordedRequest> m_requests;
};

}  // namespace cloudvip::testing
