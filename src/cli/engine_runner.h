// What acquire, release and status share: one Engine per VIP (with the primary-ENI address table where the
// VIP needs no local interface, see primary_eni.h) and the cloud built before the first of them.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "cli/output.h"
#include "cli/primary_eni.h"
#include "cli/settings.h"
#include "cli/wiring.h"
#include "vip/engine.h"

namespace cloudvip::cli {

// Runs `one` for every selected VIP and prints the reports; `combine` folds the exit codes. When the cloud
// cannot be built (no region), prints that error and returns 1.
template <class Report>
int run_engine(Wiring& wiring, const Settings& settings, std::string_view command,
               const std::function<Report(Engine&, const VipSpec&)>& one,
               const std::function<int(const std::vector<Report>&)>& combine) {
  Result<Cloud*> cloud = wiring.cloud();
  if (!cloud) {
    if (settings.json) {
      print_stdout(error_json(command, cloud.error(), 1).dump(2) + "\n");
    }
    print_error(cloud.error());
    return 1;
  }
  std::vector<Report> reports;
  for (const VipSpec& spec : settings.vips) {
    PrimaryEniAddressTable primary(wiring.addresses());
    AddressTable& addresses =
        uses_primary_eni(spec) ? static_cast<AddressTable&>(primary) : wiring.addresses();
    Engine engine(**cloud, addresses, wiring.clock(), wiring.logger());
    reports.push_back(one(engine, spec));
  }
  int exit_code = combine(reports);
  print_reports(reports, settings.json, command, exit_code);
  if (exit_code != 0 && wiring.retry_deadline_passed()) {
    print_error(Error(ErrorCode::timeout,
                      std::string(command) + " kept retrying until its --timeout of " +
                          std::to_string(settings.deadline.count()) +
                          " ms ran out. Run `cloudvip status` to see what holds now, and raise --timeout "
                          "or [aws] timeout if AWS is just slow"));
  }
  return exit_code;
}

// The largest exit code: 2 (configuration wrong for this VPC) over 1 (failed) over 0.
template <class Report>
int worst_exit_code(const std::vector<Report>& reports) {
  int code = 0;
  for (const Report& report : reports) {
    code = std::max(code, report.exit_code);
  }
  return code;
}

}  // namespace cloudvip::cli
