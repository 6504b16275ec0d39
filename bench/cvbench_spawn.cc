// cvbench-spawn: runs one command for bench/failover_bench.py and measures it the way /usr/bin/time does.
//
//   cvbench-spawn RESULT_FILE COMMAND [ARG...]
//
// Forks, execs COMMAND (PATH is not searched) with this process's environment and file descriptors, waits
// for it, and writes one line to RESULT_FILE:
//   status=N start_realtime_ns=N elapsed_ns=N maxrss_kib=N utime_us=N stime_us=N
// (status as from wait4; elapsed from just before fork to just after the reap, on CLOCK_MONOTONIC).
//
// Why a separate small program: a child the Python harness spawns itself (posix_spawn uses vfork, or fork)
// starts in Python's address space, and Linux carries that address space's peak RSS into the child's
// ru_maxrss across exec, so wait4 reported Python's 25 MiB instead of cloudvip's own figure. Forked from
// this small process, the child's peak RSS is its own: the same figure as /usr/bin/time -v.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace {

long long now_ns(clockid_t clock) {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

long long micros(const timeval& tv) {
  return static_cast<long long>(tv.tv_sec) * 1000000LL + tv.tv_usec;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: cvbench-spawn RESULT_FILE COMMAND [ARG...]\n");
    return 2;
  }
  const long long start_realtime = now_ns(CLOCK_REALTIME);
  const long long start = now_ns(CLOCK_MONOTONIC);
  pid_t pid = ::fork();
  if (pid < 0) {
    std::fprintf(stderr, "cvbench-spawn: fork: %s\n", std::strerror(errno));
    return 2;
  }
  if (pid == 0) {
    ::execv(argv[2], argv + 2);
    std::fprintf(stderr, "cvbench-spawn: cannot run %s: %s\n", argv[2], std::strerror(errno));
    ::_exit(127);
  }
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0) {
    if (errno != EINTR) {
      std::fprintf(stderr, "cvbench-spawn: wait4: %s\n", std::strerror(errno));
      return 2;
    }
  }
  const long long elapsed = now_ns(CLOCK_MONOTONIC) - start;
  std::FILE* out = std::fopen(argv[1], "w");
  if (out == nullptr) {
    std::fprintf(stderr, "cvbench-spawn: cannot write %s: %s\n", argv[1], std::strerror(errno));
    return 2;
  }
  std::fprintf(
      out, "status=%d start_realtime_ns=%lld elapsed_ns=%lld maxrss_kib=%ld utime_us=%lld stime_us=%lld\n",
      status, start_realtime, elapsed, usage.ru_maxrss, micros(usage.ru_utime), micros(usage.ru_stime));
  return std::fclose(out) == 0 ? 0 : 2;
}
