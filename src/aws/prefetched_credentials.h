// Credentials fetched ahead, beside other work: `cloudvip acquire` starts the fetch (on instances, three
// IMDS calls: token, role name, role credentials) at once, while it checks its identity, so the first
// ReplaceRoute is signed without waiting for them in turn.
#pragma once

#include <atomic>
#include <future>

#include "aws/credentials.h"

namespace cloudvip {

// Starts inner.get() on a thread of its own when constructed. get() waits for that first answer; when it was
// an error, the first caller gets that error (no second fetch on the heels of a failed one, so a failing
// source costs its retries once); every later call is inner.get(), which serves what inner cached and
// refreshes it. Safe to call from several threads (as inner is). The destructor waits for the fetch.
class PrefetchedCredentials final : public CredentialsProvider {
 public:
  explicit PrefetchedCredentials(CredentialsProvider& inner);
  ~PrefetchedCredentials() override;
  PrefetchedCredentials(const PrefetchedCredentials&) = delete;
  PrefetchedCredentials& operator=(const PrefetchedCredentials&) = delete;

  Result<Credentials> get() override;

 private:
  CredentialsProvider& m_inner;
  std::shared_future<Result<Credentials>> m_first;
  std::atomic<bool> m_error_given{false};
};

}  // namespace cloudvip
