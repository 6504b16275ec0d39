#include "cli/deadline.h"

#include <unistd.h>

#include <cstdio>

namespace cloudvip::cli {

Deadline::Deadline(Millis limit, std::string what) {
  m_thread = std::thread([this, limit, what = std::move(what)] {
    std::unique_lock lock(m_mutex);
    if (m_done.wait_for(lock, limit, [this] { return m_finished; })) {
      return;
    }
    std::fprintf(
        stderr,
        "cloudvip: error: %s did not finish within %.1f s (--timeout); stopped. Run `cloudvip status` "
        "to see what holds now, and raise --timeout or [aws] timeout if AWS is just slow\n",
        what.c_str(), static_cast<double>(limit.count()) / 1000.0);
    std::fflush(stdout);
    std::fflush(stderr);
    _exit(1);
  });
}

Deadline::~Deadline() {
  {
    std::lock_guard lock(m_mutex);
    m_finished = true;
  }
  m_done.notify_all();
  m_thread.join();
}

}  // namespace cloudvip::cli
