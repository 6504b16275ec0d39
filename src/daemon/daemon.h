// `cloudvip run`: every [[vip]] of the configuration in one process, each following its [vip.leader]
// source, reconciled by one Reconciler on one thread (the thread that calls run()). Sources, the control
// socket and signals only post events; the loop acts on them at once (a leader change: writes first, from
// the last view) and otherwise ticks when the reconciler says.
//
//   reload()  (SIGHUP): the file is read and checked whole, every VIP resolved and every source built
//             before anything is swapped; a bad file is logged and the old configuration keeps running.
//   stop()    (SIGTERM): the loop ends; routes and addresses are left exactly as they are (the peer, or
//             this host after a restart, carries on from the real tables).
//   handle()  the control socket (control.h): status, acquire, release, notify.
//
// Trigger VIPs (source = "trigger", or no [vip.leader]) have no source object: their answer is what the
// last hook said (acquire/notify primary, release/notify standby), unknown until one speaks.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/log.h"
#include "daemon/control.h"
#include "daemon/metrics.h"
#include "daemon/notifier.h"
#include "daemon/reconciler.h"
#include "daemon/retry_budget.h"
#include "leader/source.h"
#include "netlink/address_table.h"
#include "vip/cloud.h"
#include "vip/config.h"

namespace cloudvip {

// Builds the source of a VIP whose [vip.leader] names one (never called for trigger VIPs).
using SourceFactory = std::function<Result<std::unique_ptr<LeaderSource>>(const VipSpec& spec)>;
// Reads and checks the configuration again (SIGHUP).
using ConfigLoader = std::function<Result<Config>()>;

struct DaemonParts {
  Cloud& cloud;
  AddressTable& addresses;
  Clock& clock;
  Metrics& metrics;
  Logger& log;
  Notifier& notifier;
  SourceFactory make_source;
  ConfigLoader load_config;
  // The per-failover budget's effect on the EC2 client (Reconciler::set_retry_budget); null: none.
  RetryBudget* retry_budget = nullptr;
};

class Daemon {
 public:
  // Keeps references to the parts: they must outlive the Daemon.
  Daemon(DaemonParts parts, ReconcilerOptions options);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Resolves every VIP (identity, destination), builds and starts their sources. On error nothing runs.
  Result<void> start(const Config& config);
  // The loop, until stop(). Sends READY=1 after the first tick, STATUS= when it changes, WATCHDOG=1 as the
  // service manager asks. Returns the exit code (0).
  int run();

  // Safe from any thread (and from a signal-handling thread).
  void stop();
  void reload();
  // Waits for the loop (at most the request's timeout, default 10 s).
  ControlAnswer handle(const ControlRequest& request);

 private:
  struct Runtime;
  struct Event;
  struct Pending;

  Result<std::unique_ptr<Runtime>> build(const Config& config);
  void start_sources(Runtime& runtime);
  void post(Event event);
  void process(Event& event, std::vector<Pending>& pending);
  void do_reload();
  ControlAnswer answer_after_tick(const Pending& pending, const TickReport& report);
  void set_trigger(const std::string& vip, Role role, const std::string& why);
  Result<std::vector<std::string>> selected(const ControlRequest& request) const;
  std::string status_line() const;

  DaemonParts m_parts;
  ReconcilerOptions m_options;
  Reconciler m_reconciler;
  std::unique_ptr<Runtime> m_runtime;  // the configuration running now; loop thread only (after start)

  std::mutex m_mutex;  // guards what follows
  std::condition_variable m_wake;
  std::deque<Event> m_events;
  bool m_stopping = false;
  std::uint64_t m_generation = 0;  // sources of an older configuration post answers that are dropped
};

}  // namespace cloudvip
