#include "daemon/daemon.h"

#include <algorithm>

#include "daemon/daemon_reports.h"
#include "daemon/vip_target.h"

namespace cloudvip {

struct Daemon::Runtime {
  Config config;
  std::string vpc_id;
  std::vector<VipTarget> targets;
  std::vector<std::pair<std::string, std::unique_ptr<LeaderSource>>> sources;  // by VIP name; not trigger
  std::vector<std::string> triggers;                                           // trigger VIPs

  ~Runtime() {
    for (auto& [name, source] : sources) {
      source->stop();
    }
  }
  bool is_trigger(const std::string& vip) const { return std::ranges::find(triggers, vip) != triggers.end(); }
  LeaderSource* source(const std::string& vip) const {
    for (const auto& [name, source] : sources) {
      if (name == vip) {
        return source.get();
      }
    }
    return nullptr;
  }
};

struct Daemon::Event {
  enum class Kind { answer, control, reload, stop } kind = Kind::stop;
  std::string vip;
  LeaderAnswer answer;
  std::uint64_t generation = 0;
  ControlRequest request;
  std::shared_ptr<std::promise<ControlAnswer>> reply;
};

struct Daemon::Pending {
  ControlRequest request;
  std::vector<std::string> vips;
  std::shared_ptr<std::promise<ControlAnswer>> reply;
  TimePoint started{};
};

Daemon::Daemon(DaemonParts parts, ReconcilerOptions options)
    : m_parts(std::move(parts)),
      m_options(options),
      m_reconciler(m_parts.cloud, m_parts.addresses, m_parts.clock, m_parts.metrics, m_parts.log, options) {
  m_reconciler.set_retry_budget(m_parts.retry_budget);
}

Daemon::~Daemon() = default;

Result<std::unique_ptr<Daemon::Runtime>> Daemon::build(const Config& config) {
  auto runtime = std::make_unique<Runtime>();
  runtime->config = config;
  if (config.vips.empty()) {
    return fail(ErrorCode::config, config.source + ": no [[vip]]: `cloudvip run` has nothing to follow");
  }
  for (const VipSpec& spec : config.vips) {
    Result<ResolvedVip> resolved = resolve_vip(spec, m_parts.cloud, m_parts.addresses);
    if (!resolved) {
      return fail(resolved.error());
    }
    if (runtime->vpc_id.empty()) {
      runtime->vpc_id = resolved->identity.vpc_id;
    } else if (runtime->vpc_id != resolved->identity.vpc_id) {
      return fail(ErrorCode::config, "vip " + spec.name + " is on an interface of " +
                                         resolved->identity.vpc_id + ", the others of " + runtime->vpc_id);
    }
    if (spec.elastic_ip) {
      m_parts.log.warn(
          "vip {}: elastic_ip {} is not followed by `cloudvip run`; move it with `cloudvip "
          "acquire` from a hook",
          spec.name, *spec.elastic_ip);
    }
    runtime->targets.push_back(resolved->target);
    if (!spec.leader || spec.leader->source == LeaderSourceKind::trigger) {
      runtime->triggers.push_back(spec.name);
      continue;
    }
    Result<std::unique_ptr<LeaderSource>> source = m_parts.make_source(spec);
    if (!source) {
      return fail(source.error().wrap("vip " + spec.name + ": [vip.leader]"));
    }
    runtime->sources.emplace_back(spec.name, std::move(*source));
  }
  return runtime;
}

void Daemon::start_sources(Runtime& runtime) {
  std::uint64_t generation;
  {
    std::lock_guard lock(m_mutex);
    generation = ++m_generation;
  }
  for (auto& [name, source] : runtime.sources) {
    std::string vip = name;
    source->start([this, vip, generation](const LeaderAnswer& answer) {
      post(Event{.kind = Event::Kind::answer, .vip = vip, .answer = answer, .generation = generation});
    });
  }
}

Result<void> Daemon::start(const Config& config) {
  Result<std::unique_ptr<Runtime>> runtime = build(config);
  if (!runtime) {
    return fail(runtime.error());
  }
  m_runtime = std::move(*runtime);
  m_reconciler.set_vips(m_runtime->vpc_id, m_runtime->targets);
  start_sources(*m_runtime);
  m_parts.log.info("following {} VIP(s) in {}, reading their route tables every {} ms",
                   m_runtime->targets.size(), m_runtime->vpc_id, m_options.interval.count());
  return ok();
}

void Daemon::post(Event event) {
  {
    std::lock_guard lock(m_mutex);
    if (event.kind == Event::Kind::answer && event.generation != m_generation) {
      return;  // a source of a configuration that is gone
    }
    m_events.push_back(std::move(event));
  }
  m_wake.notify_one();
}

void Daemon::stop() {
  post(Event{.kind = Event::Kind::stop});
}

void Daemon::reload() {
  post(Event{.kind = Event::Kind::reload});
}

ControlAnswer Daemon::handle(const ControlRequest& request) {
  auto reply = std::make_shared<std::promise<ControlAnswer>>();
  std::future<ControlAnswer> answer = reply->get_future();
  post(Event{.kind = Event::Kind::control, .request = request, .reply = reply});
  Millis limit = request.timeout.value_or(Millis(10000));
  if (answer.wait_for(limit) != std::future_status::ready) {
    return ControlAnswer{.exit_code = 1,
                         .error = "the daemon did not answer within " + std::to_string(limit.count()) +
                                  " ms (it may be waiting on EC2; see its log)"};
  }
  return answer.get();
}

void Daemon::do_reload() {
  m_parts.notifier.notify("RELOADING=1");
  Result<Config> config = m_parts.load_config();
  Result<std::unique_ptr<Runtime>> runtime =
      config ? build(*config) : Result<std::unique_ptr<Runtime>>(fail(config.error()));
  if (!runtime) {
    m_parts.log.error("reload failed, still running the old configuration: {}", runtime.error().to_string());
    m_parts.notifier.notify("READY=1\nSTATUS=reload failed; running the old configuration");
    return;
  }
  m_runtime.reset();  // stops the old sources
  m_runtime = std::move(*runtime);
  m_reconciler.set_vips(m_runtime->vpc_id, m_runtime->targets);
  start_sources(*m_runtime);
  m_parts.log.info("reloaded: following {} VIP(s)", m_runtime->targets.size());
  m_parts.notifier.notify("READY=1");
}

void Daemon::set_trigger(const std::string& vip, Role role, const std::string& why) {
  m_reconciler.on_answer(vip, LeaderAnswer{role, why, m_parts.clock.now()});
}

Result<std::vector<std::string>> Daemon::selected(const ControlRequest& request) const {
  std::vector<std::string> names;
  for (const VipTarget& target : m_runtime->targets) {
    if (!request.vip || *request.vip == target.name) {
      names.push_back(target.name);
    }
  }
  if (names.empty()) {
    std::string known;
    for (const VipTarget& target : m_runtime->targets) {
      known += (known.empty() ? "" : ", ") + target.name;
    }
    return fail(ErrorCode::config,
                "the daemon runs no VIP called '" + request.vip.value_or("") + "' (it runs: " + known + ")");
  }
  return names;
}

void Daemon::process(Event& event, std::vector<Pending>& pending) {
  switch (event.kind) {
    case Event::Kind::stop:
      m_stopping = true;
      return;
    case Event::Kind::reload:
      do_reload();
      return;
    case Event::Kind::answer:
      m_reconciler.on_answer(event.vip, event.answer);
      return;
    case Event::Kind::control:
      break;
  }
  const ControlRequest& request = event.request;
  Result<std::vector<std::string>> vips = selected(request);
  if (!vips) {
    event.reply->set_value(ControlAnswer{.exit_code = 2, .error = vips.error().to_string()});
    return;
  }
  if (request.op == "status") {
    event.reply->set_value(status_answer(m_reconciler.status(), *vips, m_parts.clock.now()));
    return;
  }
  if (request.op == "notify" || request.op == "acquire" || request.op == "release") {
    Role role = request.op == "acquire" || (request.op == "notify" && request.role == "primary")
                    ? Role::primary
                    : Role::standby;
    if (request.op == "notify" && request.role != "primary" && request.role != "standby") {
      event.reply->set_value(ControlAnswer{
          .exit_code = 2, .error = "notify: role '" + request.role + "' is neither primary nor standby"});
      return;
    }
    std::string why =
        "cloudvip " + request.op + (request.op == "notify" ? " " + request.role : "") + " (a hook)";
    for (const std::string& vip : *vips) {
      if (m_runtime->is_trigger(vip)) {
        set_trigger(vip, role, why);
      } else if (LeaderSource* source = m_runtime->source(vip)) {
        source->refresh();  // the hook says something happened: ask the source at once
      }
    }
    if (request.op == "notify") {
      event.reply->set_value(ControlAnswer{.exit_code = 0, .text = "noted: " + request.role + "\n"});
      return;
    }
    pending.push_back(Pending{request, *vips, event.reply, m_parts.clock.now()});
    return;
  }
  event.reply->set_value(ControlAnswer{.exit_code = 2, .error = "unknown op '" + request.op + "'"});
}

std::string Daemon::status_line() const {
  std::string line;
  for (const VipStatus& vip : m_reconciler.status()) {
    line += (line.empty() ? "" : "; ") + vip.target.name + " " + std::string(to_string(vip.phase));
  }
  return line;
}

int Daemon::run() {
  bool ready = false;
  TimePoint next_tick = m_parts.clock.now();
  std::optional<Millis> watchdog = m_parts.notifier.watchdog_interval();
  TimePoint next_watchdog = m_parts.clock.now();
  std::string last_status;
  while (true) {
    std::deque<Event> events;
    {
      std::unique_lock lock(m_mutex);
      TimePoint wake = watchdog ? std::min(next_tick, next_watchdog) : next_tick;
      Millis wait = std::chrono::duration_cast<Millis>(wake - m_parts.clock.now());
      if (m_events.empty() && wait > Millis(0)) {
        m_wake.wait_for(lock, wait, [this] { return !m_events.empty(); });
      }
      events.swap(m_events);
    }
    std::vector<Pending> pending;
    for (Event& event : events) {
      process(event, pending);
    }
    if (m_stopping) {
      break;
    }
    bool changed = std::ranges::any_of(
        events, [](const Event& e) { return e.kind != Event::Kind::control || e.request.op != "status"; });
    if (changed || m_parts.clock.now() >= next_tick) {
      TickReport report;
      next_tick = m_reconciler.tick(&report);
      for (const Pending& p : pending) {
        p.reply->set_value(answer_after_tick(p, report));
      }
      if (!ready) {
        ready = true;
        m_parts.notifier.notify("READY=1\nSTATUS=" + status_line());
      }
    }
    if (std::string status = status_line(); status != last_status) {
      m_parts.notifier.notify("STATUS=" + status);
      last_status = status;
    }
    if (watchdog && m_parts.clock.now() >= next_watchdog) {
      m_parts.notifier.notify("WATCHDOG=1");
      next_watchdog = m_parts.clock.now() + *watchdog;
    }
  }
  m_parts.notifier.notify("STOPPING=1");
  m_parts.log.info("stopping; routes and addresses are left as they are");
  // Answer whoever still waits, then stop the sources.
  {
    std::lock_guard lock(m_mutex);
    for (Event& event : m_events) {
      if (event.reply) {
        event.reply->set_value(ControlAnswer{.exit_code = 1, .error = "the daemon is stopping"});
      }
    }
    m_events.clear();
  }
  m_runtime.reset();
  return 0;
}

ControlAnswer Daemon::answer_after_tick(const Pending& pending, const TickReport& report) {
  Millis took = std::chrono::duration_cast<Millis>(m_parts.clock.now() - pending.started);
  return pending.request.op == "acquire" ? acquire_answer(m_reconciler.status(), pending.vips, report, took)
                                         : release_answer(m_reconciler.status(), pending.vips, took);
}

}  // namespace cloudvip
