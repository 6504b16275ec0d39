// AWS credentials and where they come from. The chain follows the SDKs' order as far as it fits a host tool:
// environment, shared files (credentials, config, credential_process), then the IMDS instance-profile role.
// Secrets are never logged and never written to disk.
#pragma once

#include <atomic>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/env.h"
#include "common/error.h"
#include "common/log.h"

namespace cloudvip {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;        // never log
  std::string session_token;            // never log; empty for long-term keys
  std::optional<TimePoint> expiration;  // nullopt: does not expire
  // Which provider produced them: "environment", "shared-credentials-file", "config-file",
  // "credential-process", "imds-role".
  std::string provider;

  bool expired(TimePoint now) const { return expiration && *expiration <= now; }
};

// Abstract so that code which signs requests can be tested with fixed keys. Implementations cache what they
// fetch and refresh it before it expires. Safe to call from several threads.
class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;
  virtual Result<Credentials> get() = 0;
};

// Always returns the same credentials.
class StaticCredentialsProvider : public CredentialsProvider {
 public:
  explicit StaticCredentialsProvider(Credentials credentials) : m_credentials(std::move(credentials)) {}
  Result<Credentials> get() override { return m_credentials; }

 private:
  Credentials m_credentials;
};

// Parses an ISO 8601 UTC time as AWS writes it: "2017-05-17T15:09:54Z", also with fractional seconds
// ("...54.123Z") or a numeric offset ("...54+00:00", "...54+0100"). nullopt when malformed.
std::optional<TimePoint> parse_aws_timestamp(std::string_view text);
// "2017-05-17T15:09:54Z" (whole seconds).
std::string format_aws_timestamp(TimePoint time);

// AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY [+ AWS_SESSION_TOKEN, or the older AWS_SECURITY_TOKEN]
// [+ AWS_CREDENTIAL_EXPIRATION]. Neither key set: ErrorCode::not_found. Only one set, or a malformed
// expiration: ErrorCode::config naming the variable. Expired per the clock: ErrorCode::auth.
class EnvironmentCredentialsProvider : public CredentialsProvider {
 public:
  EnvironmentCredentialsProvider(const Environment& env, Clock& clock) : m_env(env), m_clock(clock) {}
  Result<Credentials> get() override;

 private:
  const Environment& m_env;
  Clock& m_clock;
};

class Imds;

// The instance profile role's credentials from IMDS, cached and fetched again once the clock is within
// k_refresh_before of their expiration. When that refresh fails while the cached credentials are still
// valid, the cached ones are returned (and a warning logged). No role: ErrorCode::not_found.
class ImdsCredentialsProvider : public CredentialsProvider {
 public:
  static constexpr std::chrono::minutes k_refresh_before{15};

  ImdsCredentialsProvider(Imds& imds, Clock& clock, Logger& logger)
      : m_imds(imds), m_clock(clock), m_logger(logger) {}
  Result<Credentials> get() override;

 private:
  Imds& m_imds;
  Clock& m_clock;
  Logger& m_logger;
  std::mutex m_mutex;
  std::optional<Credentials> m_cached;
};

// Asks each provider in turn and returns the first credentials found, with Credentials::provider set (kept
// when the provider set it, else the link's name). A provider that answers ErrorCode::not_found or
// ErrorCode::unavailable has nothing to offer and the chain moves on. Any other error (a half-set
// environment, a broken profile, expired credentials) stops the chain rather than silently falling through
// to a different identity. Either way the failure is ErrorCode::auth listing each source tried and why it
// gave nothing. Safe to call from several threads if every provider is.
class ChainCredentialsProvider : public CredentialsProvider {
 public:
  struct Link {
    std::string name;  // "environment", "profile 'dev'", "imds-role": for messages
    std::unique_ptr<CredentialsProvider> provider;
  };

  ChainCredentialsProvider(std::vector<Link> links, Logger& logger)
      : m_links(std::move(links)), m_logger(logger) {}
  // Walks the links in order. Once one has given credentials, later calls go to that link first, as the
  // SDKs keep the provider they resolved: a process signing many requests does not look for (and read)
  // the files of the links before it every time. When that link then finds nothing (not_found,
  // unavailable), the whole chain is walked again. Safe to call from several threads.
  Result<Credentials> get() override;

 private:
  Result<Credentials> walk();

  std::vector<Link> m_links;
  Logger& m_logger;
  std::atomic<int> m_resolved{-1};  // index of the link that gave credentials last, -1 before
};

class ProcessRunner;

struct CredentialsChainOptions {
  std::optional<std::string> profile;  // --profile: skips the environment provider
};

// The standard chain: environment (unless a profile was named explicitly) -> profile (credentials file,
// credential_process, config file) -> IMDS role. Every collaborator must outlive the chain.
std::unique_ptr<ChainCredentialsProvider> make_default_credentials_chain(
    const Environment& env, Clock& clock, Imds& imds, ProcessRunner& runner, Logger& logger,
    CredentialsChainOptions options = {});

}  // namespace cloudvip
