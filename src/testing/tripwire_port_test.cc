#include "testing/tripwire_port.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace cloudvip::testing {
namespace {

// Connects to 127.0.0.1:port, sends a request and returns what recv() gives (0: closed, -1: reset), bounded
// by a 5 s receive timeout (a tripwire that kept the connection open would show as a timeout, -2).
int connect_and_read(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int outcome = -3;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    const char request[] = "GET /latest/meta-data/ HTTP/1.1\r\nHost: x\r\n\r\n";
    ::send(fd, request, sizeof(request) - 1, MSG_NOSIGNAL);
    char buf[64];
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    outcome = n >= 0 ? static_cast<int>(n) : (errno == EAGAIN || errno == EWOULDBLOCK ? -2 : -1);
  }
  ::close(fd);
  return outcome;
}

TEST(TripwirePort, CountsEachConnectionAndAnswersNone) {
  TripwirePort tripwire;
  EXPECT_TRUE(tripwire.url().starts_with("http://127.0.0.1:"));
  EXPECT_EQ(tripwire.attempts(), 0);
  int first = connect_and_read(tripwire.port());
  EXPECT_TRUE(first == 0 || first == -1) << "closed or reset, no answer; got " << first;
  EXPECT_EQ(tripwire.attempts(), 1);
  connect_and_read(tripwire.port());
  EXPECT_EQ(tripwire.attempts(), 2);
}

TEST(TripwirePort, ACompletedConnectIsCountedEvenBeforeTheThreadAcceptsIt) {
  TripwirePort tripwire;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(tripwire.port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  EXPECT_EQ(tripwire.attempts(), 1);  // no wait: attempts() accepts what is pending itself
  ::close(fd);
}

}  // namespace
}  // namespace cloudvip::testing
