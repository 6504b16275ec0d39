// Where leadership comes from: the cluster manager's own answer to "is this member the primary?".
//
// Abstract so the daemon's reconciler is unit-tested against a fake source, and so each cluster manager
// (Patroni's REST API, an etcd key, the IRIS mirror status page, a command, hooks) is one small class.
// cloudvip never decides who leads; it only reads the answer. "Cannot tell" is its own answer (unknown),
// never a "no": the daemon freezes on it (vip-manager #411).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace cloudvip {

enum class Role { primary, standby, unknown };

// "primary" | "standby" | "unknown".
std::string_view to_string(Role role);

struct LeaderAnswer {
  Role role = Role::unknown;
  std::string why;  // for a person: "GET http://127.0.0.1:8008/primary: 503", "etcd: key /service/pg/leader
                    // names b", "command exited 3", "no answer yet", ...
  TimePoint at{};   // when the source formed this answer (the source's clock)

  friend bool operator==(const LeaderAnswer& a, const LeaderAnswer& b) {
    return a.role == b.role && a.why == b.why;  // `at` is not part of the answer's identity
  }
};

class LeaderSource {
 public:
  using Listener = std::function<void(const LeaderAnswer&)>;

  virtual ~LeaderSource() = default;

  // "patroni" | "etcd" | "iris" | "command" | "trigger" | ...: the `source` key of [vip.leader].
  virtual std::string_view kind() const = 0;

  // Starts following. `on_change` is called from the source's own thread whenever its answer changes (it may
  // be called again with an equal answer; listeners must be idempotent). It must not block for long: it only
  // hands the answer over. Call at most once; `stop` before destruction.
  virtual void start(Listener on_change) = 0;

  // Stops following and joins the source's threads. Idempotent. No listener call happens after it returns.
  virtual void stop() = 0;

  // The latest answer; Role::unknown ("no answer yet") before the first. Safe from any thread.
  virtual LeaderAnswer current() const = 0;

  // Asks the source to look again now (a polled source polls at once, etcd does a confirming read; others
  // may ignore it). Never blocks.
  virtual void refresh() {}
};

}  // namespace cloudvip
