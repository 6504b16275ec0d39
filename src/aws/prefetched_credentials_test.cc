#include "aws/prefetched_credentials.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace cloudvip {
namespace {

// Counts fetches; the first may be held until the test releases it.
class CountingProvider : public CredentialsProvider {
 public:
  explicit CountingProvider(bool fail) : m_fail(fail) {}
  Result<Credentials> get() override {
    ++m_calls;
    for (int i = 0; i < 500 && m_hold.load(); ++i) {  // bounded: at most 5 s
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (m_fail) {
      return fail(ErrorCode::network, "no answer from instance metadata");
    }
    return Credentials{
        .access_key_id = "AKIDEXAMPLE", .secret_access_key = "secret", .provider = "imds-role"};
  }
  std::atomic<int> m_calls{0};
  std::atomic<bool> m_hold{false};

 private:
  bool m_fail;
};

TEST(PrefetchedCredentialsTest, FetchesAtConstructionBeforeAnyoneAsks) {
  CountingProvider inner(false);
  PrefetchedCredentials prefetched(inner);
  for (int i = 0; i < 500 && inner.m_calls.load() == 0; ++i) {  // bounded wait for the thread
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(inner.m_calls.load(), 1);
  Result<Credentials> got = prefetched.get();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->access_key_id, "AKIDEXAMPLE");
}

TEST(PrefetchedCredentialsTest, AFailedPrefetchIsReportedOnceThenFetchedAgain) {
  CountingProvider inner(true);
  PrefetchedCredentials prefetched(inner);
  Result<Credentials> first = prefetched.get();
  ASSERT_FALSE(first.has_value());
  EXPECT_EQ(first.error().code, ErrorCode::network);
  EXPECT_EQ(inner.m_calls.load(), 1) << "the first caller gets the prefetch's error, not a second fetch";
  EXPECT_FALSE(prefetched.get().has_value());
  EXPECT_EQ(inner.m_calls.load(), 2);
}

TEST(PrefetchedCredentialsTest, CallersWaitForTheFetchInFlight) {
  CountingProvider inner(false);
  inner.m_hold = true;
  PrefetchedCredentials prefetched(inner);
  std::atomic<bool> answered{false};
  std::thread caller([&] { answered = prefetched.get().has_value(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(answered.load()) << "get() returned before the fetch it waits for";
  inner.m_hold = false;
  caller.join();
  EXPECT_TRUE(answered.load());
}

}  // namespace
}  // namespace cloudvip
