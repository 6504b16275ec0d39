// cloudvip run: builds the daemon's parts from the checked settings and runs it until SIGTERM.
#include <signal.h>

#include "cli/commands.h"
#include "cli/daemon_handoff.h"
#include "cli/output.h"
#include "daemon/control_server.h"
#include "daemon/daemon.h"
#include "daemon/metrics.h"
#include "daemon/metrics_server.h"
#include "daemon/notifier.h"
#include "daemon/reconciler.h"
#include "daemon/retry_budget.h"
#include "daemon/signal_watcher.h"
#include "leader/leader_source_factory.h"

namespace cloudvip::cli {
namespace {

// The configuration as `cloudvip run` runs it: the file (and flags), only the --vip selection.
Result<Config> daemon_config(const Options& options, const Environment& env) {
  Result<Settings> settings = check_settings(options, env);
  if (!settings) {
    return fail(settings.error());
  }
  Config config = settings->config;
  config.vips = settings->vips;
  return config;
}

}  // namespace

int run_daemon(Wiring& wiring, const Settings& settings, const Options& options, const Environment& env) {
  Logger& log = wiring.logger();
  Metrics metrics;
  declare_daemon_metrics(metrics);
  declare_reconciler_metrics(metrics);
  wiring.meter_ec2(metrics);
  wiring.set_max_parallel(64);
  wiring.keep_connections();
  Result<Cloud*> cloud = wiring.cloud();
  if (!cloud) {
    print_error(cloud.error());
    return 1;
  }
  SystemdNotifier notifier(env);
  RealProcessRunner runner;
  const DaemonSettings& daemon_settings = settings.config.daemon;
  ReconcilerOptions options_for_reconciler;
  options_for_reconciler.interval = daemon_settings.interval;
  options_for_reconciler.failover_timeout = daemon_settings.failover_timeout;
  // A takeover's EC2 calls retry until failover_timeout after the leader signal (issue 10).
  Result<Ec2Client*> ec2 = wiring.ec2();
  if (!ec2) {
    print_error(ec2.error());
    return 1;
  }
  Ec2RetryBudget retry_budget(**ec2);
  Config config = settings.config;
  config.vips = settings.vips;

  DaemonParts parts{
      .cloud = **cloud,
      .addresses = wiring.addresses(),
      .clock = wiring.clock(),
      .metrics = metrics,
      .log = log,
      .notifier = notifier,
      .make_source =
          [&](const VipSpec& spec) {
            return make_leader_source(*spec.leader,
                                      LeaderSourceContext{wiring.transport(), runner, wiring.clock(), log,
                                                          daemon_settings.interval});
          },
      .load_config = [&] { return daemon_config(options, env); },
      .retry_budget = &retry_budget,
  };
  Daemon daemon(parts, options_for_reconciler);
  // Before any thread starts (the sources' own, the servers'), so that they all inherit the blocked mask.
  SignalWatcher signals([&daemon, &log](int signal) {
    if (signal == SIGHUP) {
      log.info("SIGHUP: reloading the configuration");
      daemon.reload();
    } else {
      log.info("signal {}: stopping", signal);
      daemon.stop();
    }
  });
  if (Result<void> started = daemon.start(config); !started) {
    print_error(started.error(), "cloudvip run");
    return started.error().code == ErrorCode::config ? 2 : 1;
  }
  std::filesystem::path socket = control_socket_path(options, settings, env);
  ControlServer control(socket, [&daemon](const ControlRequest& request) { return daemon.handle(request); });
  if (Result<void> serving = control.start(); !serving) {
    print_error(serving.error(), "cloudvip run: control socket");
    return 1;
  }
  log.info("control socket {}", socket.string());
  std::unique_ptr<MetricsServer> metrics_server;
  if (daemon_settings.metrics) {
    metrics_server = std::make_unique<MetricsServer>(metrics, *daemon_settings.metrics);
    if (Result<void> serving = metrics_server->start(); !serving) {
      print_error(serving.error(), "cloudvip run: [daemon] metrics");
      return 1;
    }
    log.info("metrics on http://{}/metrics (port {})", *daemon_settings.metrics, metrics_server->port());
  }
  return daemon.run();
}

}  // namespace cloudvip::cli
