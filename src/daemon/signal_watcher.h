// SIGHUP, SIGTERM and SIGINT delivered to a thread of their own (signalfd), so the daemon's loop gets them
// as ordinary events instead of running code in a signal handler. Construct it before any other thread
// starts: it blocks those signals for the calling thread, and threads started later inherit the mask.
#pragma once

#include <functional>
#include <thread>

namespace cloudvip {

class SignalWatcher {
 public:
  // `on_signal` is called on the watcher's thread with the signal number.
  explicit SignalWatcher(std::function<void(int)> on_signal);
  // Stops the thread; the signals stay blocked (the process is ending).
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  bool ok() const { return m_signal_fd >= 0; }

 private:
  std::function<void(int)> m_on_signal;
  int m_signal_fd = -1;
  int m_stop_pipe[2] = {-1, -1};
  std::thread m_thread;
};

}  // namespace cloudvip
