#include "daemon/notifier.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <random>

#include "daemon/unix_socket.h"
#include "testing/fake_notifier.h"
#include "testing/temp_dir.h"

namespace cloudvip {
namespace {

// A datagram socket standing in for systemd's notify socket; `name` is a path or '@' + an abstract name.
class FakeServiceManager {
 public:
  explicit FakeServiceManager(const std::string& name)
      : m_fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, name.data(), name.size());
    socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    if (name.front() == '@') {
      address.sun_path[0] = '\0';
    } else {
      length += 1;
    }
    m_bound = ::bind(m_fd.get(), reinterpret_cast<const sockaddr*>(&address), length) == 0;
  }
  bool bound() const { return m_bound; }
  // The next datagram, or "(nothing)" after `wait`.
  std::string receive(Millis wait = Millis(5000)) {
    pollfd pfd{m_fd.get(), POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(wait.count())) <= 0) {
      return "(nothing)";
    }
    char buffer[4096];
    ssize_t n = ::recv(m_fd.get(), buffer, sizeof(buffer), 0);
    return n < 0 ? "(error)" : std::string(buffer, static_cast<std::size_t>(n));
  }

 private:
  UniqueFd m_fd;
  bool m_bound = false;
};

TEST(SystemdNotifierTest, SendsEachStateAsOneDatagramToAPathSocket) {
  testing::TempDir dir;
  std::string path = dir.path() + "/notify";
  FakeServiceManager manager(path);
  ASSERT_TRUE(manager.bound());
  SystemdNotifier notifier(MapEnvironment{{"NOTIFY_SOCKET", path}});
  notifier.notify("READY=1\nSTATUS=following 2 VIPs");
  notifier.notify("WATCHDOG=1");
  EXPECT_EQ(manager.receive(), "READY=1\nSTATUS=following 2 VIPs");
  EXPECT_EQ(manager.receive(), "WATCHDOG=1");
}

TEST(SystemdNotifierTest, SendsToAnAbstractSocket) {
  std::string name =
      "@cloudvip-notify-test-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}());
  FakeServiceManager manager(name);
  ASSERT_TRUE(manager.bound());
  SystemdNotifier notifier(MapEnvironment{{"NOTIFY_SOCKET", name}});
  notifier.notify("STOPPING=1");
  EXPECT_EQ(manager.receive(), "STOPPING=1");
}

TEST(SystemdNotifierTest, WithoutAServiceManagerNothingHappens) {
  SystemdNotifier unset(MapEnvironment{});
  unset.notify("READY=1");  // must neither fail nor block
  EXPECT_EQ(unset.watchdog_interval(), std::nullopt);

  testing::TempDir dir;
  std::string path = dir.path() + "/notify";
  FakeServiceManager manager(path);
  ASSERT_TRUE(manager.bound());
  // A relative path is not something systemd writes; it is ignored rather than resolved against the cwd.
  SystemdNotifier relative(MapEnvironment{{"NOTIFY_SOCKET", "notify"}});
  relative.notify("READY=1");
  SystemdNotifier gone(MapEnvironment{{"NOTIFY_SOCKET", dir.path() + "/nobody-here"}});
  gone.notify("READY=1");
  EXPECT_EQ(manager.receive(Millis(50)), "(nothing)");
}

TEST(SystemdNotifierTest, WatchdogIntervalIsHalfOfWatchdogUsecForThisProcess) {
  std::string me = std::to_string(::getpid());
  EXPECT_EQ(SystemdNotifier(MapEnvironment{{"WATCHDOG_USEC", "30000000"}}).watchdog_interval(),
            Millis(15000));
  EXPECT_EQ(SystemdNotifier(MapEnvironment{{"WATCHDOG_USEC", "20000000"}, {"WATCHDOG_PID", me}})
                .watchdog_interval(),
            Millis(10000));
  EXPECT_EQ(SystemdNotifier(MapEnvironment{{"WATCHDOG_USEC", "1000"}}).watchdog_interval(), Millis(1));
}

TEST(SystemdNotifierTest, NoWatchdogForAnotherPidOrABadValue) {
  std::string other = std::to_string(::getpid() + 1);
  EXPECT_EQ(SystemdNotifier(MapEnvironment{{"WATCHDOG_USEC", "20000000"}, {"WATCHDOG_PID", other}})
                .watchdog_interval(),
            std::nullopt);
  EXPECT_EQ(SystemdNotifier(MapEnvironment{{"WATCHDOG_USEC", "20000000"}, {"WATCHDOG_PID", "x"}})
                .watchdog_interval(),
            std::nullopt);
  for (const char* bad : {"", "0", "-5", "10s", "abc"}) {
    EXPECT_EQ(SystemdNotifier(MapEnvironment{{"WATCHDOG_USEC", bad}}).watchdog_interval(), std::nullopt)
        << bad;
  }
}

TEST(FakeNotifierTest, RecordsStatesAndFindsTheirLines) {
  testing::FakeNotifier notifier(Millis(500));
  Notifier& as_interface = notifier;
  as_interface.notify("READY=1\nSTATUS=following 1 VIP");
  as_interface.notify("WATCHDOG=1");
  EXPECT_EQ(notifier.states(), (std::vector<std::string>{"READY=1\nSTATUS=following 1 VIP", "WATCHDOG=1"}));
  EXPECT_TRUE(notifier.sent("READY=1"));
  EXPECT_TRUE(notifier.sent("STATUS=following 1 VIP"));
  EXPECT_FALSE(notifier.sent("STATUS=following"));
  EXPECT_FALSE(notifier.sent("STOPPING=1"));
  EXPECT_EQ(as_interface.watchdog_interval(), Millis(500));
}

}  // namespace
}  // namespace cloudvip
