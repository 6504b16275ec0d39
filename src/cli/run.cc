// cloudvip run: builds the daemon's parts from the checked settings and runs it until SIGTERM.
#include <signal.h>

#include "cli/commands.h"
#include "cli/output.h"
#include "daemon/daemon.h"
#include "daemon/metrics.h"
#include "daemon/notifier.h"
#include "daemon/reconciler.h"
#include "daemon/signal_watcher.h"

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

// Until the sd_notify implementation is merged: tells nobody.
class QuietNotifier final : public Notifier {
 public:
  void notify(std::string_view) override {}
  std::optional<Millis> watchdog_interval() const override { return std::nullopt; }
};

}  // namespace

int run_daemon(Wiring& wiring, const Settings& settings, const Options& options, const Environment& env) {
  Logger& log = wiring.logger();
  Metrics metrics;
  declare_daemon_metrics(metrics);
  declare_reconciler_metrics(metrics);
  wiring.meter_ec2(metrics);
  Result<Cloud*> cloud = wiring.cloud();
  if (!cloud) {
    print_error(cloud.error());
    return 1;
  }
  QuietNotifier notifier;
  const DaemonSettings& daemon_settings = settings.config.daemon;
  ReconcilerOptions options_for_reconciler;
  options_for_reconciler.interval = daemon_settings.interval;
  Config config = settings.config;
  config.vips = settings.vips;

  DaemonParts parts{
      .cloud = **cloud,
      .addresses = wiring.addresses(),
      .clock = wiring.clock(),
      .metrics = metrics,
      .log = log,
      .notifier = notifier,
      .make_source = [&](const VipSpec& spec) -> Result<std::unique_ptr<LeaderSource>> {
        return fail(ErrorCode::config,
                    "vip " + spec.name + ": this build has no leader sources yet; use a trigger VIP");
      },
      .load_config = [&] { return daemon_config(options, env); },
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
  return daemon.run();
}

}  // namespace cloudvip::cli
