// Tells the service manager how the daemon is doing: the sd_notify protocol (READY=1, STATUS=..., WATCHDOG=1,
// STOPPING=1, RELOADING=1) as a datagram to $NOTIFY_SOCKET, without libsystemd (systemd's sd_notify(3)
// documents the wire format). Abstract so tests capture what would be sent; SystemdNotifier is the real one.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/env.h"

namespace cloudvip {

class Notifier {
 public:
  virtual ~Notifier() = default;
  // One state line or several ("READY=1\nSTATUS=..."). Silently nothing when not run under a service manager.
  virtual void notify(std::string_view state) = 0;
  // Half of $WATCHDOG_USEC (when set and meant for this pid): how often to send WATCHDOG=1; nullopt: never.
  virtual std::optional<Millis> watchdog_interval() const = 0;
};

class SystemdNotifier : public Notifier {
 public:
  explicit SystemdNotifier(const Environment& env);
  void notify(std::string_view state) override;
  std::optional<Millis> watchdog_interval() const override;

 private:
  std::string m_socket;  // "" when NOTIFY_SOCKET is unset; '@' prefix = abstract namespace
  std::optional<Millis> m_watchdog;
};

}  // namespace cloudvip
