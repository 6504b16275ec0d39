// The daemon's log: one line per message on stderr. Under systemd (JOURNAL_STREAM set: stderr is the
// journal) each line starts with its syslog priority, "<3>" error, "<4>" warning, "<6>" info, "<7>" debug,
// which journald reads as the entry's priority (sd-daemon(3)); the journal stamps the time itself. Elsewhere
// each line starts with a UTC timestamp instead. Safe to use from several threads.
#pragma once

#include <mutex>
#include <string>

#include "common/clock.h"
#include "common/log.h"

namespace cloudvip {

// One line, without its newline. `journal`: "<6>cloudvip: info: message"; else
// "2026-12-01T21:31:23.123Z cloudvip: info: message".
std::string format_daemon_log_line(LogLevel level, std::string_view message, bool journal, TimePoint now);

class DaemonLogger : public Logger {
 public:
  DaemonLogger(LogLevel threshold, bool journal) : Logger(threshold), m_journal(journal) {}

 protected:
  void write(LogLevel level, const std::string& message) override;

 private:
  bool m_journal;
  std::mutex m_mutex;
};

}  // namespace cloudvip
