#include "http/proxy_settings.h"

#include "common/strings.h"

namespace cloudvip {
namespace {

std::string first_set(const Environment& env, std::string_view lower, std::string_view upper) {
  if (auto value = env.get_nonempty(lower)) {
    return *value;
  }
  return env.get_nonempty(upper).value_or("");
}

}  // namespace

ProxySettings ProxySettings::from_environment(const Environment& env) {
  ProxySettings settings;
  settings.http_proxy = first_set(env, "http_proxy", "HTTP_PROXY");
  settings.https_proxy = first_set(env, "https_proxy", "HTTPS_PROXY");
  settings.no_proxy = first_set(env, "no_proxy", "NO_PROXY");
  return settings;
}

const std::string& ProxySettings::proxy_for(std::string_view url) const {
  static const std::string k_direct;
  if (starts_with(to_lower(url.substr(0, 8)), "https://")) {
    return https_proxy;
  }
  if (starts_with(to_lower(url.substr(0, 7)), "http://")) {
    return http_proxy;
  }
  return k_direct;
}

std::string redact_proxy_credentials(std::string_view proxy) {
  auto scheme_end = proxy.find("://");
  size_t host_start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  auto at = proxy.find('@', host_start);
  auto slash = proxy.find('/', host_start);
  if (at == std::string_view::npos || (slash != std::string_view::npos && slash < at)) {
    return std::string(proxy);
  }
  return std::string(proxy.substr(0, host_start)) + "***@" + std::string(proxy.substr(at + 1));
}

}  // namespace cloudvip
