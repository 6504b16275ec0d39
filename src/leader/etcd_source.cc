#include "leader/etcd_source.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace cloudvip {

EtcdSource::EtcdSource(EtcdSourceOptions options, Clock& clock, Logger& logger)
    : m_options(std::move(options)), m_clock(clock), m_logger(logger), m_client(m_options.client) {}

EtcdSource::~EtcdSource() {
  stop();
}

void EtcdSource::start(Listener on_change) {
  m_listener = std::move(on_change);
  m_thread = std::thread([this] { run(); });
}

void EtcdSource::stop() {
  m_stopping = true;
  m_wake.notify_all();
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

LeaderAnswer EtcdSource::current() const {
  std::lock_guard lock(m_mutex);
  return m_current;
}

void EtcdSource::refresh() {
  m_refresh = true;
  m_wake.notify_all();
}

LeaderAnswer EtcdSource::answer_for(const std::optional<std::string>& value) const {
  const std::string& key = m_options.key;
  if (!value) {
    return {Role::standby, "etcd: " + key + " does not exist (no leader)", {}};
  }
  if (*value == m_options.member) {
    return {Role::primary, "etcd: " + key + " names this member (" + m_options.member + ")", {}};
  }
  return {Role::standby, "etcd: " + key + " names " + *value + ", not " + m_options.member, {}};
}

void EtcdSource::publish(LeaderAnswer answer) {
  answer.at = m_clock.now();
  bool changed = false;
  {
    std::lock_guard lock(m_mutex);
    changed = !(answer == m_current);
    m_current = answer;
  }
  if (changed && m_listener && !m_stopping) {
    m_listener(answer);
  }
}

bool EtcdSource::wait_or_stop(Millis duration) {
  std::unique_lock lock(m_mutex);
  m_wake.wait_for(lock, duration, [this] { return m_stopping.load() || m_refresh.load(); });
  return !m_stopping;
}

void EtcdSource::run() {
  Millis retry_delay{100};
  bool first = true;
  while (!m_stopping) {
    m_refresh = false;
    auto read = m_client.range(m_options.key);
    if (!read) {
      publish({Role::unknown, "etcd: cannot read " + m_options.key + ": " + read.error().message, {}});
      m_logger.warn("etcd: cannot read {} ({}); reading again in {} ms", m_options.key, read.error().message,
                    retry_delay.count());
      if (!wait_or_stop(retry_delay)) {
        break;
      }
      retry_delay = std::min(retry_delay * 2, m_options.max_retry_delay);
      continue;
    }
    retry_delay = Millis(100);
    ++m_reads;
    if (first) {
      m_logger.info("etcd: following {} on {} (revision {})", m_options.key, m_client.endpoint(),
                    read->revision);
      first = false;
    }
    publish(answer_for(read->kv ? std::optional<std::string>(read->kv->value) : std::nullopt));

    // Watch until the next confirming read is due (or a refresh, or stop), or until the watch breaks.
    auto confirm_at = std::chrono::steady_clock::now() + m_options.interval;
    auto keep_going = [&] {
      return !m_stopping && !m_refresh && std::chrono::steady_clock::now() < confirm_at;
    };
    auto on_event = [&](const EtcdWatchEvent& event, std::int64_t) {
      if (event.kv.key != m_options.key) {
        return;
      }
      publish(answer_for(event.deleted ? std::nullopt : std::optional<std::string>(event.kv.value)));
    };
    ++m_watches;
    auto watched = m_client.watch(m_options.key, read->revision + 1, on_event, keep_going);
    if (!watched && !m_stopping) {
      ++m_breaks;
      // The answer stands until the re-read (the next turn of the loop) says otherwise.
      m_logger.warn("etcd: watch on {} broke ({}); reading the key again", m_options.key,
                    watched.error().message);
      if (!wait_or_stop(Millis(50))) {
        break;
      }
    }
  }
}

}  // namespace cloudvip
