#include "sim/id_source.h"

#include <fmt/format.h>

namespace cloudvip::sim {

RandomIdSource::RandomIdSource() : m_engine(std::random_device{}()) {}

std::string RandomIdSource::request_id() {
  std::lock_guard lock(m_mutex);
  std::uint64_t high = m_engine();
  std::uint64_t low = m_engine();
  // Version 4, variant 10xx.
  return fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xffff, high & 0xfff,
                     0x8000 | ((low >> 48) & 0x3fff), low & 0xffffffffffffull);
}

std::string RandomIdSource::secret(std::size_t length) {
  static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::lock_guard lock(m_mutex);
  std::uniform_int_distribution<std::size_t> pick(0, sizeof(k_alphabet) - 2);
  std::string out;
  for (std::size_t i = 0; i < length; ++i) {
    out += k_alphabet[pick(m_engine)];
  }
  return out;
}

std::string SequentialIdSource::request_id() {
  return fmt::format("00000000-0000-4000-8000-{:012d}", ++m_requests);
}

std::string SequentialIdSource::secret(std::size_t length) {
  std::string out = "SECRET" + std::to_string(++m_secrets);
  out.resize(std::max(length, out.size()), 'A');
  out.resize(length);
  return out;
}

}  // namespace cloudvip::sim
