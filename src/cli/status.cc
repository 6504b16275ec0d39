// cloudvip status: where each selected VIP points; 0 when this host holds them all, 3 when not.
#include "cli/commands.h"
#include "cli/engine_runner.h"

namespace cloudvip::cli {
namespace {

constexpr int k_exit_not_owned = 3;

// An error (1, or 2 for a VIP that cannot be routed here) outranks "not held" (3), which outranks 0.
int combine(const std::vector<StatusReport>& reports) {
  int error = 0;
  bool not_owned = false;
  for (const StatusReport& report : reports) {
    if (report.exit_code == k_exit_not_owned) {
      not_owned = true;
    } else {
      error = std::max(error, report.exit_code);
    }
  }
  return error != 0 ? error : (not_owned ? k_exit_not_owned : 0);
}

}  // namespace

int run_status(Wiring& wiring, const Settings& settings) {
  return run_engine<StatusReport>(
      wiring, settings, "status", [](Engine& engine, const VipSpec& spec) { return engine.status(spec); },
      combine);
}

}  // namespace cloudvip::cli
