#include "leader/patroni_source.h"

#include "leader/http_probe.h"
#include "leader/polled_source.h"

namespace cloudvip {

LeaderAnswer probe_patroni(HttpTransport& http, const std::string& base_url, Millis timeout) {
  std::string url = base_url + "/primary";
  Result<HttpResponse> response = probe_get(http, url, timeout);
  if (!response) {
    return {Role::unknown, "GET " + url + ": no answer: " + response.error().message, {}};
  }
  std::string said = "GET " + url + ": " + std::to_string(response->status);
  if (response->status == 200) {
    return {Role::primary, said, {}};
  }
  if (response->status == 503) {
    return {Role::standby, said, {}};
  }
  return {Role::unknown, said + " (Patroni answers 200 on the primary and 503 elsewhere)", {}};
}

std::unique_ptr<LeaderSource> make_patroni_source(const LeaderSettings& settings, HttpTransport& http,
                                                  Clock& clock, Millis interval) {
  return std::make_unique<PolledSource>(
      "patroni",
      [&http, url = settings.url, timeout = settings.timeout] { return probe_patroni(http, url, timeout); },
      interval, clock);
}

}  // namespace cloudvip
