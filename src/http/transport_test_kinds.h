// The HttpTransport implementations that one contract test runs against (gtest typed tests): CurlTransport,
// PlainHttpTransport and SelectingTransport (the production one, which picks between them). Each kind makes
// a transport from an environment and CurlTransport's options, mapping the options a kind has.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "http/curl_transport.h"
#include "http/plain_transport.h"
#include "http/selecting_transport.h"

namespace cloudvip::testing {

struct CurlKind {
  static std::unique_ptr<HttpTransport> make(const Environment& env, CurlTransportOptions options = {}) {
    return std::make_unique<CurlTransport>(env, std::move(options));
  }
};

struct PlainKind {
  static std::unique_ptr<HttpTransport> make(const Environment&, CurlTransportOptions options = {}) {
    return std::make_unique<PlainHttpTransport>(PlainHttpTransportOptions{
        .max_parallel = options.max_parallel, .max_body_bytes = options.max_body_bytes});
  }
};

struct SelectingKind {
  static std::unique_ptr<HttpTransport> make(const Environment& env, CurlTransportOptions options = {}) {
    return std::make_unique<SelectingTransport>(env, std::move(options));
  }
};

using TransportKinds = ::testing::Types<CurlKind, PlainKind, SelectingKind>;

struct TransportKindNames {
  template <class T>
  static std::string GetName(int) {
    if constexpr (std::is_same_v<T, CurlKind>) {
      return "Curl";
    } else if constexpr (std::is_same_v<T, PlainKind>) {
      return "Plain";
    } else {
      return "Selecting";
    }
  }
};

}  // namespace cloudvip::testing
