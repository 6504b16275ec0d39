// The whole-command time limit (--timeout, [aws] timeout). Retries, IMDS and EC2 each bound their own
// waits; this bounds their sum, so a cluster manager's hook never hangs on cloudvip. When the limit passes
// the process says so on stderr and exits 1 at once: a half-done failover is reported by the next status.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "common/clock.h"

namespace cloudvip::cli {

class Deadline {
 public:
  // Starts the watch; `what` names the command in the message ("acquire").
  Deadline(Millis limit, std::string what);
  // Stops the watch (the command finished in time).
  ~Deadline();
  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

 private:
  std::mutex m_mutex;
  std::condition_variable m_done;
  bool m_finished = false;
  std::thread m_thread;
};

}  // namespace cloudvip::cli
