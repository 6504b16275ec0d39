#include "testing/loopback_guard.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <mutex>

namespace cloudvip::testing {
namespace {

using ConnectFn = int (*)(int, const sockaddr*, socklen_t);

std::mutex g_mutex;
std::vector<std::string>* g_refused = nullptr;  // never freed: connect() may run during exit
std::atomic<bool> g_every_namespace{false};

// The network namespace of the calling thread (0 when it cannot be told).
ino_t thread_netns() {
  struct stat st {};
  return ::stat("/proc/thread-self/ns/net", &st) == 0 ? st.st_ino : 0;
}

// The process's namespace, read when this file's statics initialize (before any test thread unshares).
const ino_t k_initial_netns = thread_netns();

bool loopback(const sockaddr* addr, socklen_t len) {
  if (addr->sa_family == AF_INET && len >= sizeof(sockaddr_in)) {
    auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
  }
  if (addr->sa_family == AF_INET6 && len >= sizeof(sockaddr_in6)) {
    auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr)) {
      return true;
    }
    return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && in6->sin6_addr.s6_addr[12] == 127;
  }
  return false;
}

std::string describe(const sockaddr* addr) {
  char text[INET6_ADDRSTRLEN] = "?";
  if (addr->sa_family == AF_INET) {
    auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(ntohs(in->sin_port));
  }
  auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
  ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
  return "[" + std::string(text) + "]:" + std::to_string(ntohs(in6->sin6_port));
}

}  // namespace

std::vector<std::string> refused_destinations() {
  std::lock_guard lock(g_mutex);
  return g_refused == nullptr ? std::vector<std::string>{} : *g_refused;
}

std::vector<std::string> take_refused_destinations() {
  std::lock_guard lock(g_mutex);
  std::vector<std::string> out;
  if (g_refused != nullptr) {
    out.swap(*g_refused);
  }
  return out;
}

void guard_every_namespace(bool on) {
  g_every_namespace = on;
}

bool guarded_here() {
  return g_every_namespace || thread_netns() == k_initial_netns;
}

}  // namespace cloudvip::testing

// Interposes libc's connect() for the whole test process (see loopback_guard.h).
extern "C" int connect(int fd, const sockaddr* addr, socklen_t len) {
  using namespace cloudvip::testing;
  static const ConnectFn real = reinterpret_cast<ConnectFn>(::dlsym(RTLD_NEXT, "connect"));
  if (real == nullptr) {
    errno = ENOSYS;
    return -1;
  }
  bool inet = addr != nullptr && (addr->sa_family == AF_INET || addr->sa_family == AF_INET6);
  if (inet && !loopback(addr, len) && guarded_here()) {
    std::lock_guard lock(g_mutex);
    if (g_refused == nullptr) {
      g_refused = new std::vector<std::string>;
    }
    g_refused->push_back(describe(addr));
    errno = ENETUNREACH;
    return -1;
  }
  return real(fd, addr, len);
}
