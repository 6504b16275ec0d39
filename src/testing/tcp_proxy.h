// A TCP forwarder on 127.0.0.1 (port 0, read back) to one upstream port, for tests that need to cut a
// client off from a server that keeps running: cut() drops every open connection and refuses new ones until
// restore(); freeze() keeps every connection open (and accepts new ones) but forwards nothing, like a peer
// that died without a reset, until thaw(). Stops in its destructor.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cloudvip::testing {

class TcpProxy {
 public:
  explicit TcpProxy(int upstream_port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  int port() const { return m_port; }
  // "http://127.0.0.1:PORT"
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
  void cut();
  void restore();
  void freeze() { m_frozen = true; }
  void thaw() { m_frozen = false; }
  int connections() const { return m_connections; }

 private:
  void accept_loop();
  void pump(int client, int upstream);

  int m_upstream_port;
  int m_listen_fd = -1;
  int m_port = 0;
  std::atomic<bool> m_stopping{false};
  std::atomic<bool> m_cut{false};
  std::atomic<bool> m_frozen{false};
  std::atomic<int> m_generation{0};  // bumped by cut(): pumps of an older generation end
  std::atomic<int> m_connections{0};
  std::mutex m_mutex;
  std::vector<std::thread> m_pumps;
  std::thread m_acceptor;
};

}  // namespace cloudvip::testing
