#include "vip/system_probes.h"

#include <fstream>
#include <sstream>

#include "common/strings.h"
#include "netlink/address_table.h"

namespace cloudvip {

RealSystemProbes::RealSystemProbes(HttpTransport& imds_transport, ImdsOptions imds_options,
                                   CredentialsProvider& credentials, Ec2Client& ec2, Clock& clock,
                                   std::filesystem::path sys_class_net)
    : m_imds_transport(imds_transport),
      m_imds_options(std::move(imds_options)),
      m_credentials(credentials),
      m_ec2(ec2),
      m_clock(clock),
      m_sys_class_net(std::move(sys_class_net)) {}

Result<ImdsProbe> RealSystemProbes::imds_v2() {
  ImdsOptions v2_only = m_imds_options;
  v2_only.allow_v1_fallback = false;
  Imds v2(m_imds_transport, m_clock, v2_only);
  Result<std::string> with_token = v2.instance_id();
  if (with_token) {
    return ImdsProbe{ImdsAccess::v2, m_imds_options.endpoint};
  }
  if (with_token.error().code == ErrorCode::unavailable) {
    return fail(with_token.error());  // switched off: asking again without a token cannot help
  }
  // Imds falls back to IMDSv1 only when the token request was refused or timed out; when it then answers,
  // IMDSv1 is what worked.
  ImdsOptions v1_allowed = m_imds_options;
  v1_allowed.allow_v1_fallback = true;
  Imds v1(m_imds_transport, m_clock, v1_allowed);
  if (v1.instance_id()) {
    return ImdsProbe{ImdsAccess::v1_only, m_imds_options.endpoint};
  }
  return fail(with_token.error().wrap("IMDS at " + m_imds_options.endpoint + " did not answer"));
}

Result<std::string> RealSystemProbes::credentials() {
  Result<Credentials> found = m_credentials.get();
  if (!found) {
    return fail(found.error());
  }
  return found->provider;
}

Result<Millis> RealSystemProbes::clock_skew() {
  TimePoint before = m_clock.now();
  Result<TimePoint> server = m_ec2.server_time();
  if (!server) {
    return fail(server.error());
  }
  // The server stamped its Date somewhere during the exchange: compare it with the middle of it.
  TimePoint local = before + (m_clock.now() - before) / 2;
  return std::chrono::duration_cast<Millis>(*server - local);
}

Result<std::string> RealSystemProbes::interface_mac(const std::string& interface) {
  if (Result<void> valid = validate_interface_name(interface); !valid) {
    return fail(valid.error());
  }
  std::filesystem::path path = m_sys_class_net / interface / "address";
  std::ifstream file(path);
  if (!file) {
    return fail(ErrorCode::not_found,
                "cannot read " + path.string() + ": no interface called '" + interface + "' on this host");
  }
  std::stringstream text;
  text << file.rdbuf();
  std::string mac = to_lower(trim(text.str()));
  if (mac.empty()) {
    return fail(ErrorCode::parse, path.string() + " is empty: interface '" + interface + "' has no MAC");
  }
  return mac;
}

Result<std::vector<std::string>> RealSystemProbes::interfaces_in_subnet(const std::string& subnet_id) {
  Result<std::vector<NetworkInterface>> enis =
      m_ec2.describe_network_interfaces({}, {{"subnet-id", {subnet_id}}});
  if (!enis) {
    return fail(enis.error().wrap("cannot list the network interfaces of subnet " + subnet_id));
  }
  std::vector<std::string> ids;
  for (const NetworkInterface& eni : *enis) {
    ids.push_back(eni.id);
  }
  return ids;
}

}  // namespace cloudvip
