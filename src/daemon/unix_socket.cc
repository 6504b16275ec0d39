#include "daemon/unix_socket.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cloudvip {
namespace {

int remaining_ms(SteadyTime deadline) {
  auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() <= 0 ? 0 : static_cast<int>(std::min<long long>(left.count(), 1 << 30));
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    reset(other.release());
  }
  return *this;
}

int UniqueFd::release() {
  int fd = m_fd;
  m_fd = -1;
  return fd;
}

void UniqueFd::reset(int fd) {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
  m_fd = fd;
}

Result<sockaddr_un> unix_address(const std::filesystem::path& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string& text = path.native();
  if (text.empty() || text.size() >= sizeof(address.sun_path)) {
    return fail(ErrorCode::config,
                "control socket path '" + text + "' is " +
                    (text.empty() ? std::string("empty")
                                  : "too long (" + std::to_string(text.size()) +
                                        " bytes; a unix socket path holds at most " +
                                        std::to_string(sizeof(address.sun_path) - 1) + ")") +
                    "; set [daemon] control_socket to a shorter path");
  }
  std::memcpy(address.sun_path, text.data(), text.size());
  return address;
}

Result<std::string> read_line(int fd, std::size_t max_bytes, SteadyTime deadline, int wake_fd) {
  std::string line;
  char buffer[4096];
  while (true) {
    pollfd fds[2] = {{fd, POLLIN, 0}, {wake_fd, POLLIN, 0}};
    int ready = ::poll(fds, wake_fd >= 0 ? 2 : 1, remaining_ms(deadline));
    if (ready < 0) {
      if (errno == EINTR) {
        continue;
      }
      return fail(ErrorCode::network, std::string("poll: ") + std::strerror(errno));
    }
    if (wake_fd >= 0 && (fds[1].revents & POLLIN) != 0) {
      return fail(ErrorCode::unavailable, "stopping");
    }
    if (ready == 0) {
      return fail(ErrorCode::timeout, "no complete line within the time allowed (" +
                                          std::to_string(line.size()) + " bytes received)");
    }
    ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) {
        continue;
      }
      return fail(ErrorCode::network, std::string("read: ") + std::strerror(errno));
    }
    if (n == 0) {
      return line;  // end of file ends the line
    }
    std::string_view chunk(buffer, static_cast<std::size_t>(n));
    std::size_t newline = chunk.find('\n');
    line.append(chunk.substr(0, newline));
    if (line.size() > max_bytes) {
      return fail(ErrorCode::invalid_argument,
                  "more than " + std::to_string(max_bytes) + " bytes without a newline");
    }
    if (newline != std::string_view::npos) {
      return line;
    }
  }
}

Result<void> write_all(int fd, std::string_view data, SteadyTime deadline) {
  while (!data.empty()) {
    pollfd pfd{fd, POLLOUT, 0};
    int ready = ::poll(&pfd, 1, remaining_ms(deadline));
    if (ready < 0) {
      if (errno == EINTR) {
        continue;
      }
      return fail(ErrorCode::network, std::string("poll: ") + std::strerror(errno));
    }
    if (ready == 0) {
      return fail(ErrorCode::timeout,
                  "the peer did not take " + std::to_string(data.size()) + " bytes in time");
    }
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) {
        continue;
      }
      return fail(ErrorCode::network, std::string("write: ") + std::strerror(errno));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return ok();
}

}  // namespace cloudvip
