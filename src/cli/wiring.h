// The object graph of one command, built from checked Settings, piece by piece as the command asks for
// it: a command that needs no EC2 client (policy with --account and --region) never builds one, and
// nothing is built before the settings are checked. Owns every piece; the references it hands out live as
// long as the Wiring.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "aws/credentials.h"
#include "aws/ec2_client.h"
#include "aws/imds.h"
#include "cli/settings.h"
#include "common/clock.h"
#include "common/env.h"
#include "common/log.h"
#include "common/process_runner.h"
#include "daemon/metrics.h"
#include "http/curl_transport.h"
#include "netlink/address_table.h"
#include "vip/aws_cloud.h"
#include "vip/caching_cloud.h"
#include "vip/identity_cache.h"

namespace cloudvip::cli {

class Wiring {
 public:
  // Keeps references: settings, env and logger must outlive the Wiring.
  Wiring(const Settings& settings, const Environment& env, Logger& logger);
  ~Wiring();

  Clock& clock() { return m_clock; }
  Logger& logger() { return m_logger; }
  HttpTransport& transport();
  // Counts every EC2 call into `metrics` (cloudvip_ec2_calls_total; `cloudvip run`). REQUIRES: called
  // before transport() is first used; `metrics` outlives the Wiring.
  void meter_ec2(Metrics& metrics) { m_metrics = &metrics; }
  // At most this many requests of one send_all at once (`cloudvip run`: a whole write round of up to 64
  // tables in one go). REQUIRES: called before transport() is first used.
  void set_max_parallel(size_t requests) { m_max_parallel = requests; }
  Imds& imds();
  CredentialsProvider& credentials();
  // The settings' region, else the instance's from IMDS (asked once).
  Result<std::string> region();
  // Needs the region (and so may ask IMDS).
  Result<Ec2Client*> ec2();
  // AwsCloud behind the identity cache.
  Result<Cloud*> cloud();
  // The host's addresses (netlink).
  AddressTable& addresses();

 private:
  const Settings& m_settings;
  const Environment& m_env;
  Logger& m_logger;
  RealClock m_clock;
  RealProcessRunner m_runner;
  std::unique_ptr<CurlTransport> m_transport;
  Metrics* m_metrics = nullptr;
  size_t m_max_parallel = 0;  // 0: CurlTransport's default
  std::unique_ptr<HttpTransport> m_metered;
  std::unique_ptr<Imds> m_imds;
  std::unique_ptr<ChainCredentialsProvider> m_credentials;
  std::optional<Result<std::string>> m_region;
  std::unique_ptr<Ec2Client> m_ec2;
  std::unique_ptr<AwsCloud> m_aws_cloud;
  std::unique_ptr<IdentityCache> m_cache;
  std::unique_ptr<CachingCloud> m_cloud;
  std::unique_ptr<AddressTable> m_addresses;
};

}  // namespace cloudvip::cli
