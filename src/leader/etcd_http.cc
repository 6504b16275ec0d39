#include "leader/etcd_http.h"

#include <curl/curl.h>

#include <algorithm>

namespace cloudvip {

struct EtcdHttp::Handle {
  CURL* easy = curl_easy_init();
  ~Handle() { curl_easy_cleanup(easy); }
};

namespace {

// What a transfer collects; libcurl's callbacks get a pointer to it.
struct Transfer {
  std::string body;
  std::string pending;  // a streamed line not yet complete
  long status = 0;
  const std::function<bool(std::string_view)>* on_line = nullptr;
  const std::function<bool()>* keep_going = nullptr;
  bool ended_by_us = false;
  char error[CURL_ERROR_SIZE] = {};
};

size_t on_body(char* data, size_t size, size_t count, void* self) {
  auto* transfer = static_cast<Transfer*>(self);
  size_t n = size * count;
  if (transfer->on_line == nullptr) {
    transfer->body.append(data, n);
    return n;
  }
  transfer->pending.append(data, n);
  size_t newline = 0;
  while ((newline = transfer->pending.find('\n')) != std::string::npos) {
    std::string line = transfer->pending.substr(0, newline);
    transfer->pending.erase(0, newline + 1);
    if (!line.empty() && !(*transfer->on_line)(line)) {
      transfer->ended_by_us = true;
      return 0;  // ends the transfer (CURLE_WRITE_ERROR)
    }
  }
  return n;
}

int on_progress(void* self, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* transfer = static_cast<Transfer*>(self);
  if (transfer->keep_going != nullptr && !(*transfer->keep_going)()) {
    transfer->ended_by_us = true;
    return 1;  // CURLE_ABORTED_BY_CALLBACK
  }
  return 0;
}

void set_common(CURL* easy, const EtcdTlsFiles& tls, const std::string& url, const std::string& body,
                curl_slist* headers, Transfer& transfer, Millis connect_timeout) {
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_POST, 1L);
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_PROXY, "");  // never a proxy, whatever the environment says
  curl_easy_setopt(easy, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!tls.ca_file.empty()) {
    curl_easy_setopt(easy, CURLOPT_CAINFO, tls.ca_file.c_str());
  }
  if (!tls.cert_file.empty()) {
    curl_easy_setopt(easy, CURLOPT_SSLCERT, tls.cert_file.c_str());
    curl_easy_setopt(easy, CURLOPT_SSLKEY, tls.key_file.c_str());
  }
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPIDLE, 2L);
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPINTVL, 2L);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer.error);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
}

curl_slist* json_headers(const std::string& token) {
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Expect:");
  if (!token.empty()) {
    headers = curl_slist_append(headers, ("Authorization: " + token).c_str());
  }
  return headers;
}

Error curl_failure(CURLcode code, const Transfer& transfer, const std::string& url) {
  std::string detail = transfer.error[0] != '\0' ? transfer.error : curl_easy_strerror(code);
  ErrorCode kind = code == CURLE_OPERATION_TIMEDOUT ? ErrorCode::timeout : ErrorCode::network;
  return Error(kind, "POST " + url + ": " + detail);
}

}  // namespace

EtcdHttp::EtcdHttp(EtcdTlsFiles tls) : m_tls(std::move(tls)), m_unary(std::make_unique<Handle>()) {}

EtcdHttp::~EtcdHttp() = default;

Result<HttpResponse> EtcdHttp::post(const std::string& url, const std::string& body, const std::string& token,
                                    Millis timeout) {
  CURL* easy = m_unary->easy;
  curl_easy_reset(easy);
  Transfer transfer;
  curl_slist* headers = json_headers(token);
  set_common(easy, m_tls, url, body, headers, transfer, std::min(timeout, Millis(1000)));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  CURLcode code = curl_easy_perform(easy);
  curl_slist_free_all(headers);
  if (code != CURLE_OK) {
    return fail(curl_failure(code, transfer, url));
  }
  HttpResponse response;
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  response.body = std::move(transfer.body);
  return response;
}

Result<void> EtcdHttp::stream(const std::string& url, const std::string& body, const std::string& token,
                              Millis connect_timeout, const std::function<bool(std::string_view)>& on_line,
                              const std::function<bool()>& keep_going) {
  Handle handle;
  Transfer transfer;
  // Lines are only handed on once the status is known to be 200; before that the body is kept for the error.
  std::function<bool(std::string_view)> checked = [&](std::string_view line) {
    long status = 0;
    curl_easy_getinfo(handle.easy, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) {
      transfer.body.append(line);
      return true;
    }
    return on_line(line);
  };
  transfer.on_line = &checked;
  transfer.keep_going = &keep_going;
  curl_slist* headers = json_headers(token);
  set_common(handle.easy, m_tls, url, body, headers, transfer, connect_timeout);
  curl_easy_setopt(handle.easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(handle.easy, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(handle.easy, CURLOPT_XFERINFODATA, &transfer);
  CURLcode code = curl_easy_perform(handle.easy);
  curl_slist_free_all(headers);
  long status = 0;
  curl_easy_getinfo(handle.easy, CURLINFO_RESPONSE_CODE, &status);
  if (transfer.ended_by_us) {
    return ok();
  }
  if (code != CURLE_OK) {
    return fail(curl_failure(code, transfer, url));
  }
  if (status != 200) {
    transfer.body += transfer.pending;
    return fail(ErrorCode::http,
                "POST " + url + ": " + std::to_string(status) + " " + transfer.body.substr(0, 300));
  }
  return fail(ErrorCode::network, "POST " + url + ": the server ended the watch stream");
}

}  // namespace cloudvip
