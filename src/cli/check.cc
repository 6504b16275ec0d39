// cloudvip check [--fix]: everything a failover needs, verified before the failover needs it.
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/primary_eni.h"
#include "vip/preflight.h"
#include "vip/system_probes.h"

namespace cloudvip::cli {
namespace {

// The probes for VIPs that use the primary ENI (primary_eni.h): no local MAC is read, so the preflight
// asks for the primary interface's identity, as acquire does.
class PrimaryEniProbes final : public SystemProbes {
 public:
  explicit PrimaryEniProbes(SystemProbes& inner) : m_inner(inner) {}
  Result<ImdsProbe> imds_v2() override { return m_inner.imds_v2(); }
  Result<std::string> credentials() override { return m_inner.credentials(); }
  Result<Millis> clock_skew() override { return m_inner.clock_skew(); }
  Result<std::string> interface_mac(const std::string&) override {
    return fail(ErrorCode::not_found, "not read: local_address = false and no interface is set");
  }
  Result<std::vector<std::string>> interfaces_in_subnet(const std::string& subnet_id) override {
    return m_inner.interfaces_in_subnet(subnet_id);
  }

 private:
  SystemProbes& m_inner;
};

}  // namespace

int run_check(Wiring& wiring, const Settings& settings, const CheckArgs& args) {
  Result<Ec2Client*> ec2 = wiring.ec2();
  Result<Cloud*> cloud = ec2 ? wiring.cloud() : fail(ec2.error());
  if (!cloud) {
    if (settings.json) {
      print_stdout(error_json("check", cloud.error(), 1).dump(2) + "\n");
    }
    print_error(cloud.error());
    return 1;
  }
  RealSystemProbes real_probes(wiring.transport(), settings.imds, wiring.credentials(), **ec2,
                               wiring.clock());
  PrimaryEniProbes primary_probes(real_probes);
  PrimaryEniAddressTable primary_addresses(wiring.addresses());
  bool primary = uses_primary_eni(settings.vips);
  SystemProbes& probes = primary ? static_cast<SystemProbes&>(primary_probes) : real_probes;
  AddressTable& addresses = primary ? static_cast<AddressTable&>(primary_addresses) : wiring.addresses();

  Preflight preflight(**cloud, addresses, probes, wiring.logger());
  PreflightReport report = preflight.run(settings.vips, PreflightOptions{.fix = args.fix});
  if (settings.json) {
    print_stdout(to_json(report).dump(2) + "\n");
  } else {
    print_stdout(render_text(report));
  }
  return report.exit_code();
}

}  // namespace cloudvip::cli
