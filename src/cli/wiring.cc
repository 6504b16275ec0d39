#include "cli/wiring.h"

#include <algorithm>
#include <system_error>
#include <variant>

#include "aws/endpoint.h"
#include "daemon/metered_transport.h"
#include "netlink/netlink_address_table.h"

namespace cloudvip::cli {

Wiring::Wiring(const Settings& settings, const Environment& env, Logger& logger)
    : m_settings(settings), m_env(env), m_logger(logger), m_started(m_clock.now()) {}

void Wiring::retry_until_deadline() {
  Millis reserve = std::min(k_failover_reserve, m_settings.deadline / 10);
  m_failover_deadline = RetryDeadline{.at = m_started + m_settings.deadline - reserve};
  if (m_ec2) {
    m_ec2->set_retry_deadline(m_failover_deadline);
  }
}

bool Wiring::retry_deadline_passed() const {
  return m_failover_deadline && m_clock.now() >= m_failover_deadline->at;
}

Wiring::~Wiring() = default;

HttpTransport& Wiring::transport() {
  if (!m_transport) {
    CurlTransportOptions options{.ca_bundle = m_settings.ca_bundle};
    if (m_max_parallel > 0) {
      options.max_parallel = m_max_parallel;
    }
    PlainHttpTransportOptions plain;
    if (!m_keeps_connections) {
      plain.max_idle_per_host_after_answer = k_one_shot_idle_connections;
    }
    m_transport = std::make_unique<SelectingTransport>(m_env, options, plain);
    if (m_metrics != nullptr) {
      m_metered = std::make_unique<MeteredTransport>(*m_transport, *m_metrics);
    }
  }
  return m_metered ? *m_metered : static_cast<HttpTransport&>(*m_transport);
}

void Wiring::warm_up_ec2() {
  size_t tables = 0;
  for (const VipSpec& spec : m_settings.vips) {
    if (spec.route_tables) {
      if (const auto* ids = std::get_if<ExplicitRouteTables>(&*spec.route_tables)) {
        tables += ids->ids.size();
      }
    }
  }
  if (tables == 0 || m_warm_up.valid() || !ec2()) {
    return;
  }
  HttpTransport& sender = transport();
  size_t connections = std::min<size_t>(tables, 64);
  try {
    m_warm_up = std::async(std::launch::async, [&sender, url = m_ec2_endpoint, connections] {
      sender.warm_up(url, connections);
    });
  } catch (const std::system_error&) {
    // No thread to be had: the writes open their connections themselves.
  }
}

Imds& Wiring::imds() {
  if (!m_imds) {
    m_imds = std::make_unique<Imds>(transport(), m_clock, m_settings.imds);
  }
  return *m_imds;
}

CredentialsProvider& Wiring::credentials() {
  if (!m_credentials) {
    m_credentials = make_default_credentials_chain(m_env, m_clock, imds(), m_runner, m_logger,
                                                   CredentialsChainOptions{.profile = m_settings.profile});
  }
  return m_prefetched ? static_cast<CredentialsProvider&>(*m_prefetched) : *m_credentials;
}

void Wiring::prefetch_credentials() {
  if (!m_prefetched) {
    CredentialsProvider& chain = credentials();
    m_prefetched = std::make_unique<PrefetchedCredentials>(chain);
  }
}

Result<std::string> Wiring::region() {
  if (!m_region) {
    if (m_settings.region) {
      m_region = *m_settings.region;
    } else {
      Result<std::string> asked = imds().region();
      if (asked) {
        m_logger.debug("region {} from instance metadata", *asked);
        m_region = *asked;
      } else {
        m_region = fail(asked.error().wrap(
            "no region is set and instance metadata did not say (give --region, set AWS_REGION or [aws] "
            "region in the config file)"));
      }
    }
  }
  return *m_region;
}

Result<Ec2Client*> Wiring::ec2() {
  if (m_ec2) {
    return m_ec2.get();
  }
  Result<std::string> region_name = region();
  if (!region_name) {
    return fail(region_name.error());
  }
  EndpointSources sources{.flag = m_settings.config.aws.endpoint,
                          .flag_name = m_settings.endpoint_setting,
                          .env = m_env,
                          .region = *region_name};
  Result<Endpoint> endpoint = resolve_ec2_endpoint(sources);
  if (!endpoint) {
    return fail(endpoint.error());
  }
  m_logger.debug("EC2 endpoint {} ({}), region {}", endpoint->url, endpoint->source, *region_name);
  m_route_view_scope = endpoint->url + " " + *region_name;
  Ec2ClientOptions options;
  options.endpoint_url = endpoint->url;
  options.region = *region_name;
  options.retry = m_settings.retry;
  options.timeout = std::min(m_settings.deadline, k_max_attempt_timeout);
  options.connect_timeout = std::min(options.connect_timeout, options.timeout);
  m_ec2 = std::make_unique<Ec2Client>(transport(), credentials(), m_clock, options, m_logger);
  m_ec2->set_retry_deadline(m_failover_deadline);
  m_ec2_endpoint = endpoint->url;
  return m_ec2.get();
}

Result<Cloud*> Wiring::cloud() {
  if (m_cloud) {
    return m_cloud.get();
  }
  Result<Ec2Client*> client = ec2();
  if (!client) {
    return fail(client.error());
  }
  m_aws_cloud = std::make_unique<AwsCloud>(**client, imds(), m_logger);
  m_cache = std::make_unique<IdentityCache>(IdentityCacheOptions{.directory = m_settings.cache_dir,
                                                                 .imds_endpoint = m_settings.imds.endpoint,
                                                                 .ec2_endpoint = m_ec2_endpoint},
                                            m_logger);
  ImdsOptions check_options = m_settings.imds;
  check_options.timeout = std::min(check_options.timeout, k_identity_check_timeout);
  check_options.attempts = 1;
  m_check_imds = std::make_unique<Imds>(transport(), m_clock, check_options);
  m_check = std::make_unique<ImdsInstanceIdCheck>(*m_check_imds);
  m_route_views = std::make_unique<RouteViewCache>(
      RouteViewCacheOptions{.directory = m_settings.cache_dir, .scope = m_route_view_scope}, m_logger);
  m_cloud = std::make_unique<CachingCloud>(*m_aws_cloud, *m_cache, *m_check, m_logger, m_route_views.get());
  if (m_background_stores) {
    m_cloud->store_writes_in_background();
  }
  return m_cloud.get();
}

void Wiring::settle() {
  if (m_cloud) {
    m_cloud->settle();
  }
}

AddressTable& Wiring::addresses() {
  if (!m_addresses) {
    m_addresses = std::make_unique<NetlinkAddressTable>();
  }
  return *m_addresses;
}

}  // namespace cloudvip::cli
