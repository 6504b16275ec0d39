// The object graph of one command, built from checked Settings, piece by piece as the command asks for
// it: a command that needs no EC2 client (policy with --account and --region) never builds one, and
// nothing is built before the settings are checked. Owns every piece; the references it hands out live as
// long as the Wiring.
#pragma once

#include <future>
#include <memory>
#include <optional>
#include <string>

#include "aws/credentials.h"
#include "aws/ec2_client.h"
#include "aws/imds.h"
#include "aws/prefetched_credentials.h"
#include "cli/settings.h"
#include "common/clock.h"
#include "common/env.h"
#include "common/log.h"
#include "common/process_runner.h"
#include "daemon/metrics.h"
#include "http/selecting_transport.h"
#include "netlink/address_table.h"
#include "vip/aws_cloud.h"
#include "vip/caching_cloud.h"
#include "vip/identity_cache.h"
#include "vip/imds_identity.h"
#include "vip/route_view_cache.h"

namespace cloudvip::cli {

// What the failover's retries leave of the command's deadline for reporting (see retry_until_deadline).
inline constexpr Millis k_failover_reserve{500};
// The identity cache's IMDS check waits at most this long (one attempt): a healthy IMDS answers in about a
// millisecond; an unwell one must not hold the failover (the entry is then trusted).
inline constexpr Millis k_identity_check_timeout{300};

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
  // A one-shot command (the default) keeps k_one_shot_idle_connections idle connections per host after its
  // answers (its verification read needs one) and closes the rest as their answers arrive, not at exit;
  // `cloudvip run` keeps its connections for its later rounds. Before the transport is first used.
  void keep_connections() { m_keeps_connections = true; }
  Imds& imds();
  CredentialsProvider& credentials();
  // Starts fetching the credentials now, on a thread of their own, so they are there when the first EC2
  // request is signed (acquire: the fetch overlaps the identity check). credentials() then hands out the
  // prefetching provider. REQUIRES: called before ec2() is first used.
  void prefetch_credentials();
  // Opens, on a thread of its own, one connection to the EC2 endpoint per route table the settings name (at
  // most 64), so acquire's writes do not wait for connection set-up (HttpTransport::warm_up; plain-HTTP
  // endpoints). Needs the region, so may ask IMDS; does nothing when the EC2 client cannot be built (the
  // command then reports why).
  void warm_up_ec2();
  // acquire: the cloud built by cloud() stores the routes it wrote in the background
  // (CachingCloud::store_writes_in_background). REQUIRES: called before cloud() is first used.
  void store_route_writes_in_background() { m_background_stores = true; }
  // Waits for whatever the cloud still stores in the background; a command that ends the process without
  // destructors calls it first.
  void settle();
  // The settings' region, else the instance's from IMDS (asked once).
  Result<std::string> region();
  // Needs the region (and so may ask IMDS).
  Result<Ec2Client*> ec2();
  // AwsCloud behind the identity cache (whose entries are checked against IMDS's instance-id) and the route
  // view cache (scope: the EC2 endpoint and region).
  Result<Cloud*> cloud();
  // Failover mode for this command (acquire): every EC2 call, and the identity read from IMDS, retries
  // retryable errors until shortly before the command's deadline instead of a fixed number of attempts
  // (retry.h RetryDeadline). Ends k_failover_reserve (at most a tenth of the deadline) before the
  // Deadline watch, so the command reports the last real error rather than being stopped.
  void retry_until_deadline();
  // True once the failover deadline of retry_until_deadline() has passed (the retries stopped for want of
  // time).
  bool retry_deadline_passed() const;
  // The failover deadline set by retry_until_deadline(); nullopt before.
  std::optional<TimePoint> failover_deadline() const {
    return m_failover_deadline ? std::optional<TimePoint>(m_failover_deadline->at) : std::nullopt;
  }
  // The host's addresses (netlink).
  AddressTable& addresses();

 private:
  const Settings& m_settings;
  const Environment& m_env;
  Logger& m_logger;
  RealClock m_clock;
  TimePoint m_started;
  std::optional<RetryDeadline> m_failover_deadline;
  std::unique_ptr<Imds> m_check_imds;
  std::unique_ptr<ImdsInstanceIdCheck> m_check;
  std::string m_ec2_endpoint;
  RealProcessRunner m_runner;
  std::unique_ptr<SelectingTransport> m_transport;  // plain HTTP without libcurl, https through it
  Metrics* m_metrics = nullptr;
  size_t m_max_parallel = 0;  // 0: the transports' default
  bool m_keeps_connections = false;
  static constexpr size_t k_one_shot_idle_connections = 2;
  std::unique_ptr<HttpTransport> m_metered;
  bool m_background_stores = false;
  std::future<void> m_warm_up;  // after the transport it uses, so it is waited for before that goes
  std::unique_ptr<Imds> m_imds;
  std::unique_ptr<ChainCredentialsProvider> m_credentials;
  std::unique_ptr<PrefetchedCredentials> m_prefetched;  // before m_ec2, which signs with it
  std::optional<Result<std::string>> m_region;
  std::unique_ptr<Ec2Client> m_ec2;
  std::unique_ptr<AwsCloud> m_aws_cloud;
  std::unique_ptr<IdentityCache> m_cache;
  std::string m_route_view_scope;  // set by ec2()
  std::unique_ptr<RouteViewCache> m_route_views;
  std::unique_ptr<CachingCloud> m_cloud;
  std::unique_ptr<AddressTable> m_addresses;
};

}  // namespace cloudvip::cli
