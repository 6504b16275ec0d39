// The checks of `cloudvip check` that are not Cloud calls: whether IMDSv2 answers, where credentials come
// from, how far the local clock is from EC2's, which MAC an interface has and which ENIs sit in a subnet.
// Abstract so Preflight is unit-tested without IMDS, EC2 or /sys; RealSystemProbes is the production one.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "aws/credentials.h"
#include "aws/ec2_client.h"
#include "aws/imds.h"
#include "common/clock.h"
#include "common/error.h"
#include "http/transport.h"

namespace cloudvip {

enum class ImdsAccess {
  v2,       // a session token was issued and a GET with it answered
  v1_only,  // no token, but a GET without one answered (IMDSv1): works, weaker, often forbidden
};

struct ImdsProbe {
  ImdsAccess access = ImdsAccess::v2;
  std::string endpoint;  // the base URL asked, e.g. "http://169.254.169.254"
};

class SystemProbes {
 public:
  virtual ~SystemProbes() = default;

  // Error: IMDS answered neither way; the error says why (the v2 attempt's error, with the endpoint).
  virtual Result<ImdsProbe> imds_v2() = 0;
  // The provider the credentials chain chose ("environment", "imds-role", ...), or the chain's error.
  virtual Result<std::string> credentials() = 0;
  // EC2's time minus the local time (positive: the local clock is behind).
  virtual Result<Millis> clock_skew() = 0;
  // The MAC of a local interface, lower-case "0e:12:34:56:78:9a" as IMDS writes it.
  virtual Result<std::string> interface_mac(const std::string& interface) = 0;
  // The ids of every ENI in the subnet (Cloud has no such call: only preflight needs it).
  virtual Result<std::vector<std::string>> interfaces_in_subnet(const std::string& subnet_id) = 0;
};

// Every collaborator must outlive the probes. `imds_transport` and `imds_options` are those of the
// production Imds: the probe builds two Imds of its own (one without and one with the IMDSv1 fallback)
// because an Imds does not tell which protocol answered it.
class RealSystemProbes : public SystemProbes {
 public:
  RealSystemProbes(HttpTransport& imds_transport, ImdsOptions imds_options, CredentialsProvider& credentials,
                   Ec2Client& ec2, Clock& clock, std::filesystem::path sys_class_net = "/sys/class/net");

  Result<ImdsProbe> imds_v2() override;
  Result<std::string> credentials() override;
  Result<Millis> clock_skew() override;
  Result<std::string> interface_mac(const std::string& interface) override;
  Result<std::vector<std::string>> interfaces_in_subnet(const std::string& subnet_id) override;

 private:
  HttpTransport& m_imds_transport;
  ImdsOptions m_imds_options;
  CredentialsProvider& m_credentials;
  Ec2Client& m_ec2;
  Clock& m_clock;
  std::filesystem::path m_sys_class_net;
};

}  // namespace cloudvip
