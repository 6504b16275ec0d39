#include "vip/caching_cloud.h"

namespace cloudvip {

Result<Identity> CachingCloud::identity(const std::string& mac) {
  if (std::optional<Identity> cached = m_cache.load_identity(mac)) {
    return *cached;
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
