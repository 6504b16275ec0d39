#include "testing/loopback_guard.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>

#include "common/env.h"
#include "http/curl_transport.h"

namespace cloudvip::testing {
namespace {

using ::testing::ElementsAre;

// connect() of a UDP socket: it only sets the default peer, so not a packet is sent whatever happens.
int udp_connect(const char* address, int port, int* error) {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, address, &addr.sin_addr);
  int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  *error = errno;
  ::close(fd);
  return rc;
}

TEST(LoopbackGuard, RefusesAndRecordsAConnectBeyondLoopback) {
  take_refused_destinations();
  int error = 0;
  EXPECT_EQ(udp_connect("169.254.169.254", 80, &error), -1);
  EXPECT_EQ(error, ENETUNREACH) << std::strerror(error);
  EXPECT_THAT(take_refused_destinations(), ElementsAre("169.254.169.254:80"));
}

TEST(LoopbackGuard, LetsLoopbackThrough) {
  int error = 0;
  EXPECT_EQ(udp_connect("127.0.0.1", 9, &error), 0) << std::strerror(error);
  EXPECT_EQ(udp_connect("127.1.2.3", 9, &error), 0) << std::strerror(error);
  EXPECT_TRUE(refused_destinations().empty());
}

// libcurl's connect() is ours too: a client built with an empty environment (IMDS at its default address)
// is refused before any packet. Run in a network namespace of its own holding only a downed loopback, so
// that even a broken guard could send nothing anywhere.
TEST(LoopbackGuard, CoversLibcurl) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root for a network namespace of its own";
  }
  take_refused_destinations();
  std::optional<std::string> skip;
  std::optional<bool> failed;
  std::thread thread([&] {
    if (::unshare(CLONE_NEWNET) != 0) {
      skip = std::string("unshare(CLONE_NEWNET): ") + std::strerror(errno);
      return;
    }
    guard_every_namespace(true);
    MapEnvironment env;
    CurlTransport transport(env);
    HttpRequest request;
    request.method = "PUT";
    request.url = "http://169.254.169.254/latest/api/token";
    request.connect_timeout = Millis(1000);
    request.timeout = Millis(2000);
    request.bypass_proxy = true;
    failed = !transport.send(request).has_value();
    guard_every_namespace(false);
  });
  thread.join();
  if (skip) {
    GTEST_SKIP() << *skip;
  }
  ASSERT_TRUE(failed.has_value());
  EXPECT_TRUE(*failed);
  EXPECT_THAT(take_refused_destinations(), ElementsAre("169.254.169.254:80"));
}

}  // namespace
}  // namespace cloudvip::testing
