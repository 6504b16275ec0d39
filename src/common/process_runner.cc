#include "common/process_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

extern char** environ;

namespace cloudvip {

namespace {

// Closes a file descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd = -1) : m_fd(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return m_fd; }
  void reset() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    m_fd = -1;
  }

 private:
  int m_fd;
};

int wait_exit_code(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  if (WIFSIGNALED(status)) {
    return 128 + WTERMSIG(status);
  }
  return -1;
}

}  // namespace

Result<ProcessResult> RealProcessRunner::run(const std::string& command, Millis timeout) {
  return run_argv({"/bin/sh", "-c", command}, timeout);
}

Result<ProcessResult> RealProcessRunner::run_argv(const std::vector<std::string>& args, Millis timeout) {
  if (args.empty()) {
    return fail(ErrorCode::internal, "run_argv: no program given");
  }
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return fail(ErrorCode::internal, std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  Fd read_end(pipe_fds[0]);
  Fd write_end(pipe_fds[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);

  std::vector<char*> argv;
  for (const std::string& arg : args) {
    argv.push_back(const_cast<char*>(arg.c_str()));
  }
  argv.push_back(nullptr);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);  // a group of its own, led by the child
  pid_t pid = 0;
  int spawn_error = ::posix_spawn(&pid, args[0].c_str(), &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawn_error != 0) {
    ErrorCode code =
        spawn_error == ENOENT || spawn_error == EACCES ? ErrorCode::not_found : ErrorCode::internal;
    return fail(code, "cannot start " + args[0] + ": " + std::strerror(spawn_error));
  }
  write_end.reset();

  ProcessResult result;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string failure;
  ErrorCode failure_code = ErrorCode::internal;
  char buffer[4096];
  while (true) {
    auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      failure_code = ErrorCode::timeout;
      failure = "did not finish within " + std::to_string(timeout.count()) + " ms";
      break;
    }
    pollfd pfd{read_end.get(), POLLIN, 0};
    int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready == 0) {
      continue;  // the deadline check above ends the loop
    }
    ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;  // end of output (or a read error: the exit code tells the rest)
    }
    result.output.append(buffer, static_cast<size_t>(n));
    if (result.output.size() > k_max_output) {
      failure = "wrote more than " + std::to_string(k_max_output) + " bytes";
      break;
    }
  }
  if (!failure.empty()) {
    ::kill(-pid, SIGKILL);
    wait_exit_code(pid);
    return fail(failure_code, "the command " + failure + " and was stopped");
  }
  result.exit_code = wait_exit_code(pid);
  return result;
}

}  // namespace cloudvip
