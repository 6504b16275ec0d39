// A TCP port on 127.0.0.1 that accepts every connection and closes it at once, counting them. It stands where
// a test must never connect (the default IMDS and EC2 endpoints of a test process): a client that reaches
// it gets an empty reply or a reset, so it fails loudly and at once, and the test can assert afterwards that
// nobody tried (attempts() == 0). Unlike RefusingPort, which refuses in the kernel and so cannot tell.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

namespace cloudvip::testing {

class TripwirePort {
 public:
  // Binds 127.0.0.1:0 and starts the accepting thread; throws std::runtime_error when it cannot.
  TripwirePort();
  ~TripwirePort();
  TripwirePort(const TripwirePort&) = delete;
  TripwirePort& operator=(const TripwirePort&) = delete;

  int port() const { return m_port; }
  // "http://127.0.0.1:PORT"
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

  // Connections made so far. Counts also those the kernel completed but the thread has not accepted yet,
  // so a connect() that returned before this call is always counted. Safe from any thread.
  int attempts();

 private:
  void accept_pending();  // accepts (and closes) every connection waiting; REQUIRES: m_mutex held

  int m_fd = -1;
  int m_wake[2] = {-1, -1};  // a pipe that ends the thread
  int m_port = 0;
  std::mutex m_mutex;
  std::atomic<int> m_attempts{0};
  std::thread m_thread;
};

}  // namespace cloudvip::testing
