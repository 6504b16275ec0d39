// The production RouteProgrammer: rtnetlink (NETLINK_ROUTE) through libmnl, in the network namespace of the
// calling thread. Never shells out to `ip`.
#pragma once

#include <optional>
#include <string>

#include "common/clock.h"
#include "sim/dataplane.h"

namespace cloudvip::sim {

// Each call opens, uses and closes its own socket, so one instance is safe from several threads. Changing
// routes and rules needs CAP_NET_ADMIN in the namespace (ErrorCode::auth otherwise).
class NetlinkRouteProgrammer : public RouteProgrammer {
 public:
  // `receive_timeout` bounds a wait for a kernel that never answers (ErrorCode::timeout).
  explicit NetlinkRouteProgrammer(Millis receive_timeout = Millis(2000)) : m_timeout(receive_timeout) {}

  Result<std::vector<RouterLink>> links() override;
  Result<std::vector<KernelRoute>> routes(uint32_t first_table, uint32_t last_table) override;
  Result<void> put_route(const KernelRoute& route) override;
  Result<void> delete_route(const KernelRoute& route) override;
  Result<std::vector<KernelRule>> rules(uint32_t first_priority, uint32_t last_priority) override;
  Result<void> add_rule(const KernelRule& rule) override;
  Result<void> delete_rule(const KernelRule& rule) override;

 private:
  Millis m_timeout;
};

// The name under /run/netns (as `ip netns` names them) of the calling thread's network namespace; nullopt
// when it has none (the host's, or an anonymous one). cloudvip-sim --dataplane runs only in a namespace
// named cvlab-*: the lab's router, never the host.
std::optional<std::string> network_namespace_name(const std::string& netns_dir = "/run/netns");

}  // namespace cloudvip::sim
