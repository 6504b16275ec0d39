#include "leader/http_probe.h"

#include <algorithm>

namespace cloudvip {

Result<HttpResponse> probe_get(HttpTransport& http, const std::string& url, Millis timeout) {
  HttpRequest request;
  request.method = "GET";
  request.url = url;
  request.timeout = timeout;
  request.connect_timeout = std::min(timeout, Millis(1000));
  request.bypass_proxy = true;
  return http.send(request);
}

}  // namespace cloudvip
