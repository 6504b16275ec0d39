// AWS credentials and where they come from. The chain follows the SDKs' order as far as it fits a host tool:
// environment, shared files (credentials, config, credential_process), then the IMDS instance-profile role.
// Secrets are never logged and never written to disk.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/error.h"

namespace cloudvip {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;        // never log
  std::string session_token;            // never log; empty for long-term keys
  std::optional<TimePoint> expiration;  // nullopt: does not expire
  std::string
      provider;  // which provider produced them: "environment", "shared-credentials-file", "imds", ...

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

}  // namespace cloudvip
