// [vip.leader]: how the daemon learns whether this member is the primary for one VIP. Parsed and checked by
// the config loader (vip/config*); every key below is the interface named in docs/daemon.md.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"

namespace cloudvip {

enum class LeaderSourceKind { patroni, etcd, iris, command, trigger };

struct LeaderSettings {
  LeaderSourceKind source = LeaderSourceKind::trigger;
  Millis hold_down{0};                  // claim only after the source said primary for this long
  std::optional<Millis> poll_interval;  // polled sources; default: the daemon's interval
  Millis timeout{2000};                 // one call to the source (HTTP request, command run)

  // patroni: this member's own REST API base, e.g. "http://127.0.0.1:8008" (GET <url>/primary).
  // iris: the mirror status page, e.g. "http://127.0.0.1:52773/csp/user/mirror_status.cxw".
  std::string url;

  // command: argv, run without a shell.
  std::vector<std::string> command;

  // etcd
  std::vector<std::string> endpoints;  // "http://127.0.0.1:2379", ...
  std::string key;                     // e.g. "/service/pg/leader"
  std::string member;                  // this member's name; default: the hostname
  std::string username;
  std::string password_file;  // the password is read from here, never from the config itself
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};

}  // namespace cloudvip
