#include "leader/iris_source.h"

#include "leader/http_probe.h"
#include "leader/polled_source.h"

namespace cloudvip {

LeaderAnswer probe_iris(HttpTransport& http, const std::string& url, Millis timeout) {
  Result<HttpResponse> response = probe_get(http, url, timeout);
  if (!response) {
    return {Role::unknown, "GET " + url + ": no answer: " + response.error().message, {}};
  }
  std::string said = "GET " + url + ": " + std::to_string(response->status);
  if (response->status == 200 && response->body.find("SUCCESS") != std::string::npos) {
    return {Role::primary, said + " SUCCESS", {}};
  }
  if (response->status == 503) {
    return {Role::standby, said, {}};
  }
  if (response->status == 200) {
    return {Role::unknown, said + " without SUCCESS in the body (is this the mirror status page?)", {}};
  }
  return {Role::unknown,
          said + " (the mirror status page answers 200 SUCCESS on the primary, 503 on a backup)",
          {}};
}

std::unique_ptr<LeaderSource> make_iris_source(const LeaderSettings& settings, HttpTransport& http,
                                               Clock& clock, Millis interval) {
  return std::make_unique<PolledSource>(
      "iris",
      [&http, url = settings.url, timeout = settings.timeout] { return probe_iris(http, url, timeout); },
      interval, clock);
}

}  // namespace cloudvip
