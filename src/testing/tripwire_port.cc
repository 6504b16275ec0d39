#include "testing/tripwire_port.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace cloudvip::testing {

TripwirePort::TripwirePort() {
  m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (m_fd < 0 || ::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(m_fd, 64) != 0 ||
      ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0 || ::pipe2(m_wake, O_CLOEXEC) != 0) {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    throw std::runtime_error("TripwirePort: cannot listen on 127.0.0.1:0");
  }
  m_port = ntohs(addr.sin_port);
  m_thread = std::thread([this] {
    while (true) {
      pollfd fds[2] = {{m_fd, POLLIN, 0}, {m_wake[0], POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0 && errno != EINTR) {
        return;
      }
      if (fds[1].revents != 0) {
        return;
      }
      std::lock_guard lock(m_mutex);
      accept_pending();
    }
  });
}

TripwirePort::~TripwirePort() {
  char byte = 0;
  if (::write(m_wake[1], &byte, 1) != 1) {
    // The thread would not wake: leave it rather than join forever (the process is ending anyway).
    m_thread.detach();
  } else {
    m_thread.join();
  }
  ::close(m_fd);
  ::close(m_wake[0]);
  ::close(m_wake[1]);
}

void TripwirePort::accept_pending() {
  while (true) {
    int connection = ::accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) {
      return;  // EAGAIN: nobody else is waiting (or an error: nothing to count)
    }
    // Reset rather than a polite FIN, so the client fails at once whatever it was sending.
    linger hard{1, 0};
    ::setsockopt(connection, SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
    ::close(connection);
    m_attempts.fetch_add(1);
  }
}

int TripwirePort::attempts() {
  std::lock_guard lock(m_mutex);
  accept_pending();
  return m_attempts.load();
}

}  // namespace cloudvip::testing
