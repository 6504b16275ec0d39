// Builds the LeaderSource that a VIP's [vip.leader] names.
#pragma once

#include <memory>

#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "common/process_runner.h"
#include "http/transport.h"
#include "leader/leader_settings.h"
#include "leader/source.h"

namespace cloudvip {

// What the sources need from the daemon; every reference must outlive the sources made with it.
struct LeaderSourceContext {
  HttpTransport& http;      // patroni, iris (etcd has its own connections: TLS client certificates, streams)
  ProcessRunner& runner;    // command
  Clock& clock;             // stamps answers
  Logger& logger;           // etcd reports its breaks and re-reads
  Millis default_interval;  // [daemon] interval: the poll interval when poll_interval is not set
};

// The source `settings.source` names, not started. An error when it cannot be built (etcd: the password file
// cannot be read, or a TLS file is missing), naming the file and the fix.
Result<std::unique_ptr<LeaderSource>> make_leader_source(const LeaderSettings& settings,
                                                         const LeaderSourceContext& context);

}  // namespace cloudvip
