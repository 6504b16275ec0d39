#include "testing/offline_environment.h"

#include "testing/loopback_guard.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <mutex>
#include <vector>

namespace cloudvip::testing {
namespace {

// Which tests touched the tripwire: attempts are counted before and after each test.
class TripwireListener : public ::testing::EmptyTestEventListener {
 public:
  void OnTestStart(const ::testing::TestInfo&) override {
    m_before = offline_tripwire().attempts();
    m_refused_before = refused_destinations().size();
  }
  void OnTestEnd(const ::testing::TestInfo& info) override {
    int now = offline_tripwire().attempts();
    std::vector<std::string> refused = refused_destinations();
    std::string what;
    if (now != m_before) {
      what += " " + std::to_string(now - m_before) + " at the tripwire";
    }
    for (size_t i = m_refused_before; i < refused.size(); ++i) {
      what += " refused " + refused[i];
    }
    if (!what.empty()) {
      std::lock_guard lock(m_mutex);
      m_culprits.push_back(std::string(info.test_suite_name()) + "." + info.name() + ":" + what);
    }
  }
  std::vector<std::string> culprits() const {
    std::lock_guard lock(m_mutex);
    return m_culprits;
  }

 private:
  int m_before = 0;
  size_t m_refused_before = 0;
  mutable std::mutex m_mutex;
  std::vector<std::string> m_culprits;
};

TripwireListener* g_listener = nullptr;  // owned by gtest's listener list

class OfflineEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    for (const auto& [name, value] : offline_defaults()) {
      ASSERT_EQ(::setenv(name.c_str(), value.c_str(), 1), 0) << name;
    }
    // A shell's AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true would skip the EC2 variables (the default then is
    // the real regional endpoint); AWS_EC2_METADATA_DISABLED would hide an IMDS call from the tripwire.
    ::unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    ::unsetenv("AWS_EC2_METADATA_DISABLED");
  }
  void TearDown() override {
    int attempts = offline_tripwire().attempts();
    std::vector<std::string> refused = refused_destinations();
    if (attempts == 0 && refused.empty()) {
      return;
    }
    std::string who;
    for (const std::string& culprit :
         g_listener != nullptr ? g_listener->culprits() : std::vector<std::string>{}) {
      who += "\n  " + culprit;
    }
    std::string refused_text;
    for (const std::string& destination : refused) {
      refused_text += " " + destination;
    }
    ADD_FAILURE()
        << "a test tried to leave the machine: " << attempts << " connection(s) to the default endpoint "
        << offline_tripwire().url() << " (where " << k_offline_variables[0]
        << " and the EC2 endpoint variables point), " << refused.size()
        << " connect() to non-loopback addresses refused:" << refused_text
        << ". Code under test fell back on a default endpoint instead of one the test named: give the test "
           "its own. During:"
        << (who.empty() ? " (no test)" : who);
  }
};

[[maybe_unused]] const bool k_registered = [] {
  ::testing::AddGlobalTestEnvironment(new OfflineEnvironment);
  g_listener = new TripwireListener;
  ::testing::UnitTest::GetInstance()->listeners().Append(g_listener);
  return true;
}();

}  // namespace

TripwirePort& offline_tripwire() {
  static TripwirePort* port = new TripwirePort;  // never destroyed: child threads may still be connecting
  return *port;
}

std::map<std::string, std::string> offline_defaults() {
  std::map<std::string, std::string> out;
  for (const char* name : k_offline_variables) {
    out[name] = offline_tripwire().url();
  }
  return out;
}

}  // namespace cloudvip::testing
