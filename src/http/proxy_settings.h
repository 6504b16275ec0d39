// Which HTTP proxy a request goes through, decided from the environment once, at startup. Read from an
// injected Environment (never getenv) so the transport does not depend on libcurl reading the environment
// by itself, and so tests can set proxies without touching the process.
#pragma once

#include <string>
#include <string_view>

#include "common/env.h"

namespace cloudvip {

struct ProxySettings {
  std::string http_proxy;   // for http:// URLs; empty: direct
  std::string https_proxy;  // for https:// URLs (tunnelled with CONNECT); empty: direct
  std::string no_proxy;     // comma-separated hosts, domains and CIDRs that go direct; "*" means every host

  // Reads http_proxy/HTTP_PROXY, https_proxy/HTTPS_PROXY and no_proxy/NO_PROXY. The lower-case name wins
  // when both are set (as curl and Python do); empty values count as unset.
  static ProxySettings from_environment(const Environment& env);

  // The proxy for that URL's scheme, before NO_PROXY is applied (libcurl applies it); "" means direct.
  const std::string& proxy_for(std::string_view url) const;
};

// The proxy URL without any user:password part, for messages.
std::string redact_proxy_credentials(std::string_view proxy);

}  // namespace cloudvip
