// This instance's Identity (cloud.h) for one network interface, read from IMDS alone: no EC2 call, so it
// needs no credentials and no EC2 permission. The instance id, region, zone and account come from the
// identity document; the ENI, subnet (id and CIDR), VPC (id and CIDRs) and private IPs from
// meta-data/network/interfaces/macs/<mac>/. The per-interface reads run in parallel.
#pragma once

#include <string>

#include "aws/imds.h"
#include "vip/caching_cloud.h"
#include "vip/cloud.h"

namespace cloudvip {

// `mac` empty: the interface IMDS names in meta-data/mac (device 0); any case is accepted. An unknown MAC is
// an ErrorCode::not_found error listing the MACs IMDS has. An interface with no IPv4 address (IMDS 404s
// local-ipv4s on IPv6-only ENIs) gives an empty private_ips; an IMDS without vpc-ipv4-cidr-blocks falls back
// to vpc-ipv4-cidr-block.
Result<Identity> identity_from_imds(Imds& imds, const std::string& mac);

// The identity cache's check: meta-data/instance-id from an Imds of its own (give it a short timeout and one
// attempt, so an IMDS that does not answer costs the failover a fraction of a second, not seconds).
class ImdsInstanceIdCheck final : public InstanceIdCheck {
 public:
  explicit ImdsInstanceIdCheck(Imds& imds) : m_imds(imds) {}
  Result<std::string> instance_id() override;

 private:
  Imds& m_imds;
};

}  // namespace cloudvip
