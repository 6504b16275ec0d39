// One request on one libcurl easy handle: sets the handle up from an HttpRequest, collects the answer while
// libcurl runs it, and turns libcurl's outcome into a Result. Internal to CurlTransport, which owns the
// handles and decides how they run (curl_easy_perform or the multi interface).
#pragma once

#include <curl/curl.h>

#include <string>
#include <utility>
#include <vector>

#include "http/curl_transport.h"
#include "http/proxy_settings.h"
#include "http/transport.h"

namespace cloudvip {

struct ExchangeSettings {
  const ProxySettings& proxy;
  const CurlTransportOptions& options;
  CURLSH* share;  // DNS and TLS-session cache shared by every handle; may be null
};

// libcurl keeps pointers into this object (error buffer, callbacks) and to the request's body: both must
// outlive the transfer. Not copyable or movable for that reason.
class CurlExchange {
 public:
  CurlExchange(CURL* easy, const HttpRequest& request, const ExchangeSettings& settings)
      : m_easy(easy), m_request(request), m_settings(settings) {}
  ~CurlExchange();
  CurlExchange(const CurlExchange&) = delete;
  CurlExchange& operator=(const CurlExchange&) = delete;

  CURL* easy() const { return m_easy; }

  // Sets every option of the (freshly reset) handle. Fails with ErrorCode::invalid_argument for a request
  // that cannot be sent as it is (bad method, header with a line break, non-positive timeout).
  Result<void> prepare();
  // The outcome of the transfer, given libcurl's result code for it.
  Result<HttpResponse> finish(CURLcode code);

  // A description of the request for error messages: method, URL without its query (which may carry
  // signatures), and the proxy when one is used.
  std::string describe() const;

 private:
  static size_t on_header(char* data, size_t size, size_t count, void* self);
  static size_t on_body(char* data, size_t size, size_t count, void* self);
  Result<void> set_method();
  Result<void> set_headers();
  void set_proxy();

  CURL* m_easy;
  const HttpRequest& m_request;
  const ExchangeSettings& m_settings;
  curl_slist* m_header_list = nullptr;
  std::string m_proxy_used;                                    // "" when going direct
  std::vector<std::pair<std::string, std::string>> m_headers;  // of the latest response seen
  HttpResponse m_response;
  bool m_body_too_large = false;
  char m_error[CURL_ERROR_SIZE] = {};
};

}  // namespace cloudvip
