// Leadership from an etcd key whose value names the leader: Patroni writes /<namespace>/<scope>/leader =
// the leader's member name, on a lease, once, and then only refreshes the lease (patroni/dcs/etcd3.py). The
// key names this member: primary; another member, or no key (no leader, or its lease expired): standby;
// etcd cannot be read: unknown (a DCS problem is not a "no": vip-manager #411).
//
// How it follows the key, each step from an incident (../shared/daemon-notes.md):
// - a linearizable read, then a watch from the read's revision + 1, so no change between the two is missed;
// - after any break of the watch (error, cancel, compaction, lost connection) the key is read again before
//   the watch is trusted (vip-manager #394), in a loop until a read succeeds (#431), then watched again from
//   the new revision (a compacted revision is never asked for twice: #208);
// - a confirming read every poll interval, because the key is never rewritten while the leader stays, so a
//   silent watch proves nothing (#431); the watch is re-armed after it, so a dead connection is noticed
//   within one interval even without TCP keepalives (#194);
// - every call has a short timeout; several endpoints are tried in turn.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/log.h"
#include "leader/etcd_client.h"
#include "leader/source.h"

namespace cloudvip {

struct EtcdSourceOptions {
  EtcdClientOptions client;
  std::string key;               // "/service/pg/leader"
  std::string member;            // this member's name, as the cluster manager writes it
  Millis interval{5000};         // confirming read (and watch re-arm) period
  Millis max_retry_delay{2000};  // longest pause between failed reads
};

class EtcdSource : public LeaderSource {
 public:
  // `clock` stamps the answers and `logger` hears about breaks and re-reads; both must outlive the source.
  EtcdSource(EtcdSourceOptions options, Clock& clock, Logger& logger);
  ~EtcdSource() override;
  EtcdSource(const EtcdSource&) = delete;
  EtcdSource& operator=(const EtcdSource&) = delete;

  std::string_view kind() const override { return "etcd"; }
  void start(Listener on_change) override;
  // Returns within about a second (libcurl's progress callback ends a watch).
  void stop() override;
  LeaderAnswer current() const override;
  // A confirming read at once (ends the current watch).
  void refresh() override;

  // Counters for tests and metrics: successful reads, watches started, watch breaks.
  int reads() const { return m_reads; }
  int watches() const { return m_watches; }
  int breaks() const { return m_breaks; }

 private:
  void run();
  LeaderAnswer answer_for(const std::optional<std::string>& value) const;
  void publish(LeaderAnswer answer);
  bool wait_or_stop(Millis duration);  // false when stopping

  EtcdSourceOptions m_options;
  Clock& m_clock;
  Logger& m_logger;
  EtcdClient m_client;
  Listener m_listener;

  mutable std::mutex m_mutex;
  std::condition_variable m_wake;
  LeaderAnswer m_current{Role::unknown, "no answer yet", {}};
  std::atomic<bool> m_stopping{false};
  std::atomic<bool> m_refresh{false};
  std::atomic<int> m_reads{0};
  std::atomic<int> m_watches{0};
  std::atomic<int> m_breaks{0};
  std::thread m_thread;
};

}  // namespace cloudvip
