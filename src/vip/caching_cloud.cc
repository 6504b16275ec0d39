#include "vip/caching_cloud.h"

namespace cloudvip {

Result<Identity> CachingCloud::identity(const std::string& mac) {
  if (std::optional<Identity> cached = m_cache.load_identity(mac)) {
    if (m_check == nullptr) {
      return *cached;
    }
    Result<std::string> actual = m_check->instance_id();
    if (!actual) {
      m_logger->debug("identity cache: cannot check the cached instance {} ({}); trusting the entry",
                      cached->instance_id, actual.error().message);
      return *cached;
    }
    if (*actual == cached->instance_id) {
      return *cached;
    }
    m_logger->warn(
        "identity cache: {} names instance {} but the metadata service says {}; reading the "
        "identity again",
        m_cache.identity_path(mac), cached->instance_id, *actual);
  }
  Result<Identity> identity = m_inner.identity(mac);
  if (identity) {
    m_cache.store_identity(mac, *identity);
  }
  return identity;
}

Result<std::vector<SubnetView>> CachingCloud::subnets(const std::string& vpc_id) {
  if (std::optional<std::vector<SubnetView>> cached = m_cache.load_subnets(vpc_id)) {
    return *cached;
  }
  Result<std::vector<SubnetView>> subnets = m_inner.subnets(vpc_id);
  if (subnets) {
    m_cache.store_subnets(vpc_id, *subnets);
  }
  return subnets;
}

}  // namespace cloudvip
