// Where the emulator's invented values come from: request ids and the secrets of temporary (IMDS role)
// credentials. Abstract so tests get deterministic values; RandomIdSource is the production one.
#pragma once

#include <cstddef>
#include <mutex>
#include <random>
#include <string>

namespace cloudvip::sim {

class IdSource {
 public:
  virtual ~IdSource() = default;
  // A uuid-shaped request id, e.g. "0b1ba0a0-2a1c-4b8e-9c3f-5e7d2f6a9b10".
  virtual std::string request_id() = 0;
  // `length` characters from [A-Za-z0-9] for secret keys and session tokens.
  virtual std::string secret(std::size_t length) = 0;
};

// Random values from a std::random_device-seeded generator. Safe to call from several threads.
class RandomIdSource : public IdSource {
 public:
  RandomIdSource();
  std::string request_id() override;
  std::string secret(std::size_t length) override;

 private:
  std::mutex m_mutex;
  std::mt19937_64 m_engine;
};

// Counting values: request ids "00000000-0000-4000-8000-000000000001", "...002", ...; secrets
// "SECRET1AAAA..." padded to the length. Not thread-safe by itself: the Model calls its IdSource
// under its own mutex.
class SequentialIdSource : public IdSource {
 public:
  std::string request_id() override;
  std::string secret(std::size_t length) override;

 private:
  unsigned long m_requests = 0;
  unsigned long m_secrets = 0;
};

}  // namespace cloudvip::sim
