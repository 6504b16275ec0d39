// cloudvip acquire: make this host the holder of each selected VIP.
#include "cli/commands.h"
#include "cli/engine_runner.h"

namespace cloudvip::cli {

int run_acquire(Wiring& wiring, const Settings& settings, const AcquireArgs& args) {
  wiring.retry_until_deadline();  // a failover keeps trying until --timeout (issue 10)
  wiring.prefetch_credentials();  // beside the identity check, not after it (issue 9)
  wiring.warm_up_ec2();           // and the writes' connections with them
  if (!args.no_verify) {
    // The verification read leaves as the writes are answered. Without one, storing on this thread is
    // cheaper than starting a thread to store beside the report.
    wiring.store_route_writes_in_background();
  }
  // The verification reads again what lags until the same deadline (EC2 reads are eventually consistent).
  AcquireOptions options{
      .verify = !args.no_verify, .dry_run = args.dry_run, .deadline = wiring.failover_deadline()};
  return run_engine<AcquireReport>(
      wiring, settings, "acquire",
      [&](Engine& engine, const VipSpec& spec) { return engine.acquire(spec, options); },
      worst_exit_code<AcquireReport>);
}

}  // namespace cloudvip::cli
