#include "sim/throttle.h"

#include <algorithm>
#include <array>
#include <chrono>

namespace cloudvip::sim {
namespace {

constexpr BucketSize k_non_mutating{100, 20};
constexpr BucketSize k_unfiltered_describe{50, 10};
constexpr BucketSize k_mutating{50, 5};
constexpr BucketSize k_uncategorized_interface{100, 5};

bool is_non_mutating(std::string_view action) {
  for (std::string_view prefix : {"Describe", "List", "Search", "Get"}) {
    if (action.starts_with(prefix)) {
      return true;
    }
  }
  return false;
}

// "Called without a filter or pagination": no Filter.N, no id list, no MaxResults/NextToken.
bool is_unfiltered_unpaginated(const Params& params) {
  for (const auto& [key, value] : params.entries()) {
    if (key.starts_with("Filter.") || key == "MaxResults" || key == "NextToken" ||
        key.starts_with("InstanceId.") || key.starts_with("NetworkInterfaceId.")) {
      return false;
    }
  }
  return true;
}

}  // namespace

BucketChoice bucket_for(std::string_view action, const Params& params) {
  static constexpr std::array<std::string_view, 3> k_interface_actions = {
      "ModifyNetworkInterfaceAttribute", "AssignPrivateIpAddresses", "UnassignPrivateIpAddresses"};
  std::string key(action);
  if (action == "DescribeInstances" || action == "DescribeNetworkInterfaces") {
    if (is_unfiltered_unpaginated(params)) {
      return {key + ":unfiltered", k_unfiltered_describe};
    }
    return {key, k_non_mutating};
  }
  if (is_non_mutating(action)) {
    return {key, k_non_mutating};
  }
  if (std::find(k_interface_actions.begin(), k_interface_actions.end(), action) !=
      k_interface_actions.end()) {
    return {key, k_uncategorized_interface};
  }
  return {key, k_mutating};  // CreateRoute, ReplaceRoute, DeleteRoute, AssociateAddress, ...
}

void Throttle::refill(Bucket& bucket, BucketSize size, TimePoint now) const {
  if (now > bucket.updated) {
    double seconds = std::chrono::duration<double>(now - bucket.updated).count();
    bucket.tokens = std::min(size.capacity, bucket.tokens + seconds * size.refill_per_second);
  }
  bucket.updated = now;
}

bool Throttle::admit(std::string_view action, const Params& params) {
  BucketChoice choice = bucket_for(action, params);
  std::lock_guard lock(m_mutex);
  TimePoint now = m_clock.now();
  auto it = m_buckets.find(choice.key);
  if (it == m_buckets.end()) {
    it = m_buckets.emplace(choice.key, Bucket{choice.size.capacity, now}).first;
  }
  refill(it->second, choice.size, now);
  if (it->second.tokens < 1.0) {
    return false;
  }
  it->second.tokens -= 1.0;
  return true;
}

void Throttle::reset() {
  std::lock_guard lock(m_mutex);
  m_buckets.clear();
}

double Throttle::tokens(std::string_view key, BucketSize size) const {
  std::lock_guard lock(m_mutex);
  auto it = m_buckets.find(key);
  if (it == m_buckets.end()) {
    return size.capacity;
  }
  Bucket copy = it->second;
  refill(copy, size, m_clock.now());
  return copy.tokens;
}

}  // namespace cloudvip::sim
