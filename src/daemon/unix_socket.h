// Small blocking-with-deadline helpers for the control socket's unix stream connections (server and client
// side): an owning file descriptor, one line read with a size bound, a full write. Every wait is bounded by a
// deadline, so neither side can be held by a peer that stops talking.
#pragma once

#include <sys/un.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "common/error.h"

namespace cloudvip {

using SteadyTime = std::chrono::steady_clock::time_point;

// Closes the descriptor when it goes away.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : m_fd(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& other) noexcept : m_fd(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return m_fd; }
  bool valid() const { return m_fd >= 0; }
  int release();
  void reset(int fd = -1);

 private:
  int m_fd = -1;
};

// A sockaddr_un for `path`; ErrorCode::config when the path does not fit (sun_path holds 107 bytes).
Result<sockaddr_un> unix_address(const std::filesystem::path& path);

// Reads up to and without the first '\n' (or to end of file). ErrorCode::timeout when the deadline passes,
// ErrorCode::invalid_argument when more than `max_bytes` arrive without a newline, ErrorCode::network on a
// read error. `wake_fd` (>= 0): readable means "stop now" (ErrorCode::unavailable).
Result<std::string> read_line(int fd, std::size_t max_bytes, SteadyTime deadline, int wake_fd = -1);

// Writes all of `data` (no SIGPIPE). ErrorCode::timeout / network as above.
Result<void> write_all(int fd, std::string_view data, SteadyTime deadline);

}  // namespace cloudvip
