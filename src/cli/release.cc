// cloudvip release: give each selected VIP up on this host.
#include "cli/commands.h"
#include "cli/engine_runner.h"

namespace cloudvip::cli {

int run_release(Wiring& wiring, const Settings& settings, const ReleaseArgs& args) {
  ReleaseOptions options{.delete_routes = args.delete_routes, .dry_run = args.dry_run};
  return run_engine<ReleaseReport>(
      wiring, settings, "release",
      [&](Engine& engine, const VipSpec& spec) { return engine.release(spec, options); },
      worst_exit_code<ReleaseReport>);
}

}  // namespace cloudvip::cli
