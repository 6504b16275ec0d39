// What the etcd tests share: the skip-or-fail rule for a missing etcd, and waiting (bounded) for a source's
// answer.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "leader/source.h"
#include "testing/etcd_process.h"

// Skips the test when etcd is not installed, unless CI=true: then the missing etcd is a failure.
#define CLOUDVIP_REQUIRE_ETCD()                                       \
  do {                                                                \
    if (auto why = ::cloudvip::testing::EtcdProcess::unavailable()) { \
      const char* ci = std::getenv("CI");                             \
      if (ci != nullptr && std::string(ci) == "true") {               \
        FAIL() << "CI=true and " << *why;                             \
      }                                                               \
      GTEST_SKIP() << *why;                                           \
    }                                                                 \
  } while (false)

namespace cloudvip::testing {

// Waits (at most `limit`) until the source answers `role`; returns the last answer.
inline LeaderAnswer wait_for_role(const LeaderSource& source, Role role,
                                  std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (source.current().role != role && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return source.current();
}

}  // namespace cloudvip::testing
