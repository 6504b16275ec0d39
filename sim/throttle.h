// EC2's server-side request throttling (aws-protocol.md §3.2): one token bucket per API action (real EC2
// keeps one per account, Region and action; the emulator serves one account in one Region), each request
// takes one token, an empty bucket answers RequestLimitExceeded (503). Bucket sizes are the documented ones.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "sim/params.h"

namespace cloudvip::sim {

struct BucketSize {
  double capacity = 0;
  double refill_per_second = 0;

  friend bool operator==(const BucketSize&, const BucketSize&) = default;
};

// The bucket a request draws from: its key (the action, with ":unfiltered" for the expensive unfiltered and
// unpaginated form of DescribeInstances/DescribeNetworkInterfaces) and the documented size.
struct BucketChoice {
  std::string key;
  BucketSize size;
};
BucketChoice bucket_for(std::string_view action, const Params& params);

// Thread-safe. Time comes from the injected clock, so refill is tested with a FakeClock. Whether throttling
// applies at all is a fault switch (Faults), checked by the caller.
class Throttle {
 public:
  explicit Throttle(const Clock& clock) : m_clock(clock) {}

  // Takes a token for the request; false when its bucket is empty (answer RequestLimitExceeded).
  bool admit(std::string_view action, const Params& params);

  // Every bucket back to full.
  void reset();
  // Tokens left in the bucket `key` (full capacity for a bucket never used); for tests and /_sim/faults.
  double tokens(std::string_view key, BucketSize size) const;

 private:
  struct Bucket {
    double tokens = 0;
    TimePoint updated;
  };
  void refill(Bucket& bucket, BucketSize size, TimePoint now) const;

  const Clock& m_clock;
  mutable std::mutex m_mutex;
  std::map<std::string, Bucket, std::less<>> m_buckets;
};

}  // namespace cloudvip::sim
