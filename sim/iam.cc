#include "sim/iam.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "sim/filters.h"
#include "sim/ids.h"

namespace cloudvip::sim {

void Iam::add_credential(const CredentialSpec& spec) {
  m_credentials[spec.access_key_id] = CredentialRecord{
      spec.access_key_id, spec.secret_access_key, spec.session_token, spec.policy, std::nullopt, ""};
}

void Iam::add_role(const RoleSpec& spec) {
  m_roles[spec.name] = spec.policy;
}

std::optional<CredentialRecord> Iam::find(std::string_view access_key_id) const {
  auto it = m_credentials.find(access_key_id);
  if (it == m_credentials.end()) {
    return std::nullopt;
  }
  return it->second;
}

RoleCredentials Iam::issue(const std::string& instance_id, const std::string& role) {
  TimePoint now = m_clock.now();
  // Forget keys that have expired; the current ones of other instances stay.
  std::erase_if(m_credentials, [&](const auto& entry) {
    return entry.second.expiration.has_value() && *entry.second.expiration <= now;
  });
  RoleCredentials credentials;
  credentials.role = role;
  credentials.access_key_id = fmt::format("ASIA{:016X}", ++m_issued);
  credentials.secret_access_key = m_ids.secret(40);
  credentials.token = "IQoJb3JpZ2luX2Vj" + m_ids.secret(200);
  credentials.last_updated = now;
  credentials.expiration = now + k_role_credential_lifetime;
  m_credentials[credentials.access_key_id] =
      CredentialRecord{credentials.access_key_id, credentials.secret_access_key, credentials.token,
                       m_roles.at(role),          credentials.expiration,        role};
  m_current[instance_id + " " + role] = credentials;
  return credentials;
}

RoleCredentials Iam::role_credentials(const std::string& instance_id, const std::string& role) {
  auto it = m_current.find(instance_id + " " + role);
  if (it != m_current.end() && it->second.expiration - m_clock.now() > k_role_refresh_margin) {
    return it->second;
  }
  return issue(instance_id, role);
}

RoleCredentials Iam::rotate_role_credentials(const std::string& instance_id, const std::string& role) {
  return issue(instance_id, role);
}

bool Iam::is_mutating(std::string_view action) {
  return !(action.starts_with("Describe") || action.starts_with("Get") || action.starts_with("List"));
}

std::string Iam::arn(std::string_view type, std::string_view id) const {
  return fmt::format("arn:aws:ec2:{}:{}:{}/{}", m_region, m_account_id, type, id);
}

std::expected<void, ApiError> Iam::authorize(std::string_view access_key_id, std::string_view action,
                                             std::string_view resource_arn) const {
  auto it = m_credentials.find(access_key_id);
  if (it == m_credentials.end()) {
    return std::unexpected(errors::auth_failure());
  }
  const CredentialRecord& record = it->second;
  if (record.expiration && *record.expiration <= m_clock.now()) {
    return std::unexpected(errors::request_expired());
  }
  // IAM compares action names without regard to case; resource ARNs with it.
  std::string wanted = to_lower("ec2:" + std::string(action));
  bool allowed = false;
  for (const std::string& pattern : record.policy.allow) {
    allowed = allowed || wildcard_match(to_lower(pattern), wanted);
  }
  if (allowed && is_mutating(action) && record.policy.resources) {
    bool resource_allowed = false;
    for (const std::string& pattern : *record.policy.resources) {
      resource_allowed = resource_allowed || wildcard_match(pattern, resource_arn);
    }
    allowed = resource_allowed;
  }
  if (allowed) {
    return {};
  }
  nlohmann::json context = {
      {"allowed", false},
      {"explicitDeny", false},
      {"matchedStatements", {{"items", nlohmann::json::array()}}},
      {"context",
       {{"principal", {{"id", record.role.empty() ? record.access_key_id : record.role}}},
        {"action", "ec2:" + std::string(action)},
        {"resource", std::string(resource_arn)}}},
  };
  return std::unexpected(errors::unauthorized(base64url_encode(context.dump())));
}

}  // namespace cloudvip::sim
