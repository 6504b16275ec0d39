#include "daemon/signal_watcher.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

namespace cloudvip {

SignalWatcher::SignalWatcher(std::function<void(int)> on_signal) : m_on_signal(std::move(on_signal)) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  m_signal_fd = signalfd(-1, &set, SFD_CLOEXEC);
  if (m_signal_fd < 0 || pipe2(m_stop_pipe, O_CLOEXEC) != 0) {
    return;
  }
  m_thread = std::thread([this] {
    while (true) {
      pollfd fds[2] = {{m_signal_fd, POLLIN, 0}, {m_stop_pipe[0], POLLIN, 0}};
      if (poll(fds, 2, -1) < 0) {
        continue;  // EINTR
      }
      if (fds[1].revents != 0) {
        return;
      }
      signalfd_siginfo info{};
      if (read(m_signal_fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        m_on_signal(static_cast<int>(info.ssi_signo));
      }
    }
  });
}

SignalWatcher::~SignalWatcher() {
  if (m_thread.joinable()) {
    char byte = 1;
    (void)!write(m_stop_pipe[1], &byte, 1);
    m_thread.join();
  }
  for (int fd : {m_signal_fd, m_stop_pipe[0], m_stop_pipe[1]}) {
    if (fd >= 0) {
      close(fd);
    }
  }
}

}  // namespace cloudvip
