#include "daemon/control_server.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <list>
#include <mutex>

#include "daemon/unix_socket.h"

namespace cloudvip {
namespace {

constexpr int k_exit_bad_request = 2;  // like a usage error of the CLI
constexpr int k_exit_failed = 1;
constexpr Millis k_write_timeout{5000};
constexpr std::size_t k_max_answer_bytes = 16 * 1024 * 1024;

std::string errno_text(int e) {
  return std::strerror(e);
}

// nlohmann throws on invalid UTF-8 in dump(); a daemon's text must never fail to go out because of it.
std::string dump_line(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

ControlAnswer error_answer(int exit_code, std::string error) {
  ControlAnswer answer;
  answer.exit_code = exit_code;
  answer.error = std::move(error);
  return answer;
}

// Creates the missing directories on the way to `dir`, each 0700 (the socket's directory is root's).
Result<void> make_private_directories(const std::filesystem::path& dir) {
  if (dir.empty()) {
    return ok();
  }
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) {
    return ok();
  }
  if (std::filesystem::exists(dir, ec)) {
    return fail(ErrorCode::config, "control socket directory " + dir.string() +
                                       " exists and is not a directory; remove it or set [daemon] "
                                       "control_socket to another path");
  }
  if (Result<void> parent = make_private_directories(dir.parent_path()); !parent) {
    return parent;
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return fail(ErrorCode::config, "cannot create the control socket directory " + dir.string() + ": " +
                                       errno_text(errno) + " (run as root, or set [daemon] control_socket)");
  }
  ::chmod(dir.c_str(), 0700);  // mkdir's mode passes through the umask
  return ok();
}

// 0: connected (someone listens); otherwise the errno of connect().
int probe(const sockaddr_un& address) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) {
    return errno;
  }
  int r = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address));
  return r == 0 || errno == EAGAIN ? 0 : errno;  // EAGAIN: a listener with a full backlog
}

}  // namespace

struct ControlServer::State {
  std::filesystem::path path;
  ControlHandler handler;
  ControlServerLimits limits;
  UniqueFd listener;
  UniqueFd wake;  // eventfd: readable once stop() starts; every poll in the server watches it
  std::thread acceptor;
  dev_t device = 0;
  ino_t inode = 0;

  struct Worker {
    std::thread thread;
    std::atomic<bool> done{false};
  };
  std::mutex mutex;
  std::list<Worker> workers;

  void accept_loop();
  void serve(int fd);
  void reap(bool all);
};

// A worker writes its node's `done` as its last act, so a node is freed only after its thread is joined: the
// nodes to reap are spliced out (their addresses do not change), joined without the lock, then destroyed.
void ControlServer::State::reap(bool all) {
  std::list<Worker> finished;
  {
    std::lock_guard lock(mutex);
    for (auto it = workers.begin(); it != workers.end();) {
      auto next = std::next(it);
      if (all || it->done.load()) {
        finished.splice(finished.end(), workers, it);
      }
      it = next;
    }
  }
  for (Worker& worker : finished) {
    worker.thread.join();
  }
}

void ControlServer::State::accept_loop() {
  while (true) {
    pollfd fds[2] = {{listener.get(), POLLIN, 0}, {wake.get(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      return;
    }
    if ((fds[1].revents & POLLIN) != 0) {
      return;
    }
    UniqueFd client(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!client.valid()) {
      continue;  // EAGAIN (the client gave up), EMFILE...: try again on the next connection
    }
    reap(false);
    std::lock_guard lock(mutex);
    if (static_cast<int>(workers.size()) >= limits.max_connections) {
      auto deadline = std::chrono::steady_clock::now() + Millis(100);
      (void)write_all(client.get(),
                      dump_line(to_json(error_answer(
                          k_exit_failed, "cloudvip run is busy (" + std::to_string(workers.size()) +
                                             " requests in progress); try again"))),
                      deadline);
      continue;
    }
    Worker& worker = workers.emplace_back();
    worker.thread = std::thread([this, &worker, fd = client.release()] {
      serve(fd);
      worker.done = true;
    });
  }
}

void ControlServer::State::serve(int raw_fd) {
  UniqueFd fd(raw_fd);
  auto reply = [&](const ControlAnswer& answer) {
    (void)write_all(fd.get(), dump_line(to_json(answer)), std::chrono::steady_clock::now() + k_write_timeout);
  };
  // The socket's mode already keeps others out; the peer's uid is checked again in case it was loosened.
  ucred peer{};
  socklen_t length = sizeof(peer);
  if (::getsockopt(fd.get(), SOL_SOCKET, SO_PEERCRED, &peer, &length) == 0 && peer.uid != 0 &&
      peer.uid != ::geteuid()) {
    reply(error_answer(k_exit_failed,
                       "permission denied: only root may use the control socket " + path.string()));
    return;
  }
  Result<std::string> line = read_line(fd.get(), limits.max_request_bytes,
                                       std::chrono::steady_clock::now() + limits.read_timeout, wake.get());
  if (!line) {
    if (line.error().code != ErrorCode::unavailable) {  // unavailable: stopping; say nothing
      reply(error_answer(k_exit_bad_request, "bad control request: " + line.error().message));
    }
    return;
  }
  nlohmann::json json = nlohmann::json::parse(*line, nullptr, false);
  if (json.is_discarded()) {
    reply(error_answer(k_exit_bad_request,
                       "bad control request: not JSON (expected one JSON object on one line)"));
    return;
  }
  Result<ControlRequest> request = parse_control_request(json);
  if (!request) {
    reply(error_answer(k_exit_bad_request, "bad " + request.error().message));
    return;
  }
  ControlAnswer answer;
  try {
    answer = handler(*request);
  } catch (const std::exception& e) {
    answer = error_answer(k_exit_failed,
                          std::string("cloudvip run failed to handle ") + request->op + ": " + e.what());
  } catch (...) {
    answer = error_answer(k_exit_failed, std::string("cloudvip run failed to handle ") + request->op);
  }
  reply(answer);
}

ControlServer::ControlServer(std::filesystem::path path, ControlHandler handler, ControlServerLimits limits)
    : m_state(std::make_unique<State>()) {
  m_state->path = std::move(path);
  m_state->handler = std::move(handler);
  m_state->limits = limits;
}

ControlServer::~ControlServer() {
  stop();
}

Result<void> ControlServer::start() {
  State& s = *m_state;
  if (s.acceptor.joinable()) {
    return ok();
  }
  const std::string where = s.path.string();
  Result<sockaddr_un> address = unix_address(s.path);
  if (!address) {
    return fail(address.error());
  }
  if (Result<void> dir = make_private_directories(s.path.parent_path()); !dir) {
    return dir;
  }
  struct stat existing {};
  if (::lstat(s.path.c_str(), &existing) == 0) {
    if (!S_ISSOCK(existing.st_mode)) {
      return fail(ErrorCode::config,
                  where +
                      " exists and is not a socket; remove it or set [daemon] control_socket "
                      "to another path");
    }
    int probed = probe(*address);
    if (probed == 0) {
      return fail(ErrorCode::network,
                  "another cloudvip run is listening on " + where +
                      "; stop it first, or give this one another [daemon] control_socket");
    }
    if (probed != ECONNREFUSED) {
      return fail(ErrorCode::network,
                  "cannot tell whether a daemon listens on " + where + ": " + errno_text(probed));
    }
    if (::unlink(s.path.c_str()) != 0 && errno != ENOENT) {  // stale: left by a daemon that died
      return fail(ErrorCode::config,
                  "cannot remove the stale control socket " + where + ": " + errno_text(errno));
    }
  }
  UniqueFd listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!listener.valid()) {
    return fail(ErrorCode::network, "cannot create the control socket: " + errno_text(errno));
  }
  if (::bind(listener.get(), reinterpret_cast<const sockaddr*>(&*address), sizeof(*address)) != 0) {
    int e = errno;
    return fail(ErrorCode::network, "cannot bind the control socket " + where + ": " + errno_text(e) +
                                        (e == EADDRINUSE ? " (another cloudvip run started at the same time?)"
                                                         : " (run as root, or set [daemon] control_socket)"));
  }
  // Before listen(): until then nobody can connect, so there is no moment with a looser mode.
  struct stat bound {};
  if (::chmod(s.path.c_str(), 0600) != 0 || ::stat(s.path.c_str(), &bound) != 0) {
    int e = errno;
    ::unlink(s.path.c_str());
    return fail(ErrorCode::config,
                "cannot make the control socket " + where + " private (0600): " + errno_text(e));
  }
  if (::listen(listener.get(), 16) != 0) {
    int e = errno;
    ::unlink(s.path.c_str());
    return fail(ErrorCode::network, "cannot listen on the control socket " + where + ": " + errno_text(e));
  }
  UniqueFd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake.valid()) {
    ::unlink(s.path.c_str());
    return fail(ErrorCode::internal, "eventfd: " + errno_text(errno));
  }
  s.device = bound.st_dev;
  s.inode = bound.st_ino;
  s.listener = std::move(listener);
  s.wake = std::move(wake);
  s.acceptor = std::thread([&s] { s.accept_loop(); });
  return ok();
}

void ControlServer::stop() {
  State& s = *m_state;
  if (!s.acceptor.joinable()) {
    return;
  }
  std::uint64_t one = 1;
  (void)!::write(s.wake.get(), &one, sizeof(one));
  s.acceptor.join();
  s.reap(true);  // connections see the wake too; a handler already running is waited for
  s.listener.reset();
  // Only our own socket file: a newer daemon may have replaced it meanwhile.
  struct stat current {};
  if (::stat(s.path.c_str(), &current) == 0 && current.st_dev == s.device && current.st_ino == s.inode) {
    ::unlink(s.path.c_str());
  }
  s.wake.reset();
}

Result<ControlAnswer> control_call(const std::filesystem::path& path, const ControlRequest& request,
                                   Millis timeout) {
  const std::string where = path.string();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  Result<sockaddr_un> address = unix_address(path);
  if (!address) {
    return fail(address.error());
  }
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.valid()) {
    return fail(ErrorCode::network, "cannot create a unix socket: " + errno_text(errno));
  }
  while (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&*address), sizeof(*address)) != 0) {
    int e = errno;
    if (e == EINTR) {
      continue;
    }
    if (e == EAGAIN) {  // the listener's backlog is full: it is there, only busy
      if (std::chrono::steady_clock::now() >= deadline) {
        return fail(ErrorCode::timeout, "cloudvip run on " + where +
                                            " did not accept the connection within " +
                                            std::to_string(timeout.count()) + " ms");
      }
      std::this_thread::sleep_for(Millis(10));
      continue;
    }
    if (e == ENOENT || e == ENOTDIR) {
      return fail(ErrorCode::unavailable, "no cloudvip run is listening on " + where + " (no socket there)");
    }
    if (e == ECONNREFUSED) {
      return fail(ErrorCode::unavailable,
                  "no cloudvip run is listening on " + where + " (connection refused: a stale socket)");
    }
    if (e == EACCES || e == EPERM) {  // not root: this caller cannot use a daemon, so it acts itself
      return fail(ErrorCode::unavailable,
                  "cannot reach the control socket " + where + ": " + errno_text(e) + " (it is root's)");
    }
    return fail(ErrorCode::network, "cannot connect to the control socket " + where + ": " + errno_text(e));
  }
  std::string line = dump_line(to_json(request));
  if (Result<void> sent = write_all(fd.get(), line, deadline); !sent) {
    return fail(sent.error().wrap("sending the " + request.op + " request to cloudvip run on " + where));
  }
  ::shutdown(fd.get(), SHUT_WR);
  Result<std::string> answer_line = read_line(fd.get(), k_max_answer_bytes, deadline);
  if (!answer_line) {
    if (answer_line.error().code == ErrorCode::timeout) {
      return fail(ErrorCode::timeout, "cloudvip run on " + where + " did not answer the " + request.op +
                                          " request within " + std::to_string(timeout.count()) + " ms");
    }
    return fail(answer_line.error().wrap("reading cloudvip run's answer on " + where));
  }
  if (answer_line->empty()) {
    return fail(ErrorCode::network, "cloudvip run on " + where +
                                        " closed the connection without answering the " + request.op +
                                        " request");
  }
  nlohmann::json json = nlohmann::json::parse(*answer_line, nullptr, false);
  if (json.is_discarded()) {
    return fail(ErrorCode::parse, "cloudvip run on " + where + " answered something that is not JSON");
  }
  Result<ControlAnswer> answer = parse_control_answer(json);
  if (!answer) {
    return fail(answer.error().wrap("cloudvip run on " + where + " answered"));
  }
  return answer;
}

}  // namespace cloudvip
