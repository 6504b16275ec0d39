// IAM emulation: the access keys the emulator accepts (the scenario's, and temporary ones issued to
// instance roles for IMDS), and the allow-list decision for an action on a resource.
// Not thread-safe: the Model guards it with its mutex.
#pragma once

#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "sim/api_error.h"
#include "sim/id_source.h"
#include "sim/scenario.h"

namespace cloudvip::sim {

struct CredentialRecord {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  PolicySpec policy;
  std::optional<TimePoint> expiration;  // set for temporary (role) credentials
  std::string role;                     // the role they were issued for; empty for scenario keys
};

// What IMDS serves at iam/security-credentials/ROLE.
struct RoleCredentials {
  std::string role;
  std::string access_key_id;
  std::string secret_access_key;
  std::string token;
  TimePoint last_updated;
  TimePoint expiration;
};

class Iam {
 public:
  // Temporary credentials live this long; botocore wants well over 15 minutes (aws-protocol.md §4.2).
  static constexpr std::chrono::hours k_role_credential_lifetime{6};
  // role_credentials() re-issues when less than this remains.
  static constexpr std::chrono::minutes k_role_refresh_margin{60};

  Iam(std::string region, std::string account_id, const Clock& clock, IdSource& ids)
      : m_region(std::move(region)), m_account_id(std::move(account_id)), m_clock(clock), m_ids(ids) {}

  void add_credential(const CredentialSpec& spec);
  void add_role(const RoleSpec& spec);
  bool has_role(std::string_view role) const { return m_roles.count(std::string(role)) > 0; }

  // Any known key, expired or not (the caller decides what an expired one means).
  std::optional<CredentialRecord> find(std::string_view access_key_id) const;

  // The current credentials of `role` as seen from `instance_id`; issued on first use and re-issued
  // when they get close to expiry. Old keys stay valid until they expire, as in AWS.
  // REQUIRES: has_role(role).
  RoleCredentials role_credentials(const std::string& instance_id, const std::string& role);
  // Issues fresh credentials now, whatever the age of the current ones.
  RoleCredentials rotate_role_credentials(const std::string& instance_id, const std::string& role);

  // May `access_key_id` perform `action` (e.g. "ReplaceRoute") on `resource_arn` ("*" for actions that
  // name no resource)? Unknown key: AuthFailure; expired: RequestExpired; denied: UnauthorizedOperation
  // with an encoded message that, base64url-decoded, is JSON naming the principal, action and resource.
  std::expected<void, ApiError> authorize(std::string_view access_key_id, std::string_view action,
                                          std::string_view resource_arn) const;

  // "arn:aws:ec2:REGION:ACCOUNT:<type>/<id>"
  std::string arn(std::string_view type, std::string_view id) const;

  // Describe*, Get*, List* are read-only; resource restrictions apply only to the rest.
  static bool is_mutating(std::string_view action);

 private:
  RoleCredentials issue(const std::string& instance_id, const std::string& role);

  std::string m_region;
  std::string m_account_id;
  const Clock& m_clock;
  IdSource& m_ids;
  std::map<std::string, CredentialRecord, std::less<>> m_credentials;  // by access key id
  std::map<std::string, PolicySpec> m_roles;
  std::map<std::string, RoleCredentials> m_current;  // "instance role" -> the latest issued
  unsigned long m_issued = 0;
};

}  // namespace cloudvip::sim
