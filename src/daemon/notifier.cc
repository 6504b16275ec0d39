#include "daemon/notifier.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <charconv>
#include <cstddef>
#include <cstring>

#include "daemon/unix_socket.h"

namespace cloudvip {
namespace {

// A whole decimal number, or nullopt.
std::optional<long long> parse_number(std::string_view text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

SystemdNotifier::SystemdNotifier(const Environment& env) {
  // Only what systemd itself writes: an absolute path or '@' for the abstract namespace (sd_notify(3)).
  std::optional<std::string> socket = env.get_nonempty("NOTIFY_SOCKET");
  if (socket && (socket->front() == '/' || socket->front() == '@') && socket->size() > 1) {
    m_socket = *socket;
  }
  std::optional<long long> usec = parse_number(env.get("WATCHDOG_USEC").value_or(""));
  if (!usec || *usec <= 0) {
    return;
  }
  // WATCHDOG_PID, when set, names the process the watchdog is meant for (not a child that inherited it).
  if (std::optional<std::string> pid_text = env.get_nonempty("WATCHDOG_PID")) {
    std::optional<long long> pid = parse_number(*pid_text);
    if (!pid || *pid != static_cast<long long>(::getpid())) {
      return;
    }
  }
  // systemd's advice: ping at half the timeout.
  m_watchdog = Millis(std::max<long long>(1, *usec / 2000));
}

void SystemdNotifier::notify(std::string_view state) {
  if (m_socket.empty() || state.empty()) {
    return;
  }
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (m_socket.size() >= sizeof(address.sun_path)) {
    return;
  }
  std::memcpy(address.sun_path, m_socket.data(), m_socket.size());
  socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + m_socket.size());
  if (m_socket.front() == '@') {
    address.sun_path[0] = '\0';  // abstract: the name is the bytes after the NUL, not NUL-terminated
  } else {
    length += 1;
  }
  UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    return;
  }
  // A full or missing receiver must not stall the daemon: the service manager will notice on its own.
  (void)::sendto(fd.get(), state.data(), state.size(), MSG_NOSIGNAL | MSG_DONTWAIT,
                 reinterpret_cast<const sockaddr*>(&address), length);
}

std::optional<Millis> SystemdNotifier::watchdog_interval() const {
  return m_watchdog;
}

}  // namespace cloudvip
