// Leadership from this member's own Patroni REST API: GET <url>/primary answers 200 only on the member that
// runs as primary and holds the leader lock, 503 on every other member (Patroni docs/rest_api.rst).
// Only ever this member's own API: asking another member's makes a node claim the VIP for a leader running
// elsewhere (vip-manager #430).
#pragma once

#include <memory>
#include <string>

#include "common/clock.h"
#include "http/transport.h"
#include "leader/leader_settings.h"
#include "leader/source.h"

namespace cloudvip {

// One GET <base_url>/primary: 200 primary, 503 standby; any other status, no answer or a timeout: unknown
// (a Patroni that cannot be asked is not a "no": vip-manager #411).
LeaderAnswer probe_patroni(HttpTransport& http, const std::string& base_url, Millis timeout);

// A PolledSource asking every `interval`. `http` and `clock` must outlive it.
std::unique_ptr<LeaderSource> make_patroni_source(const LeaderSettings& settings, HttpTransport& http,
                                                  Clock& clock, Millis interval);

}  // namespace cloudvip
