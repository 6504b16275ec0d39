#include "aws/prefetched_credentials.h"

#include <system_error>

namespace cloudvip {

PrefetchedCredentials::PrefetchedCredentials(CredentialsProvider& inner) : m_inner(inner) {
  auto fetch = [&inner] { return inner.get(); };
  try {
    m_first = std::async(std::launch::async, fetch).share();
  } catch (const std::system_error&) {  // no thread to be had: fetch when first asked, as without prefetch
    m_first = std::async(std::launch::deferred, fetch).share();
  }
}

PrefetchedCredentials::~PrefetchedCredentials() {
  m_first.wait();
}

Result<Credentials> PrefetchedCredentials::get() {
  const Result<Credentials>& first = m_first.get();
  if (!first && !m_error_given.exchange(true)) {
    return first;
  }
  return m_inner.get();
}

}  // namespace cloudvip
