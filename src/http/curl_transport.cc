#include "http/curl_transport.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <array>
#include <chrono>
#include <mutex>
#include <stdexcept>

#include "http/curl_exchange.h"

namespace cloudvip {
namespace {

// Idle handles kept for reuse; beyond this, returned handles are freed (their connections closed).
constexpr size_t k_max_idle_easy = 8;
constexpr size_t k_max_idle_multi = 4;
// How long one curl_multi_poll may wait before send_all looks at its deadline again.
constexpr int k_poll_ms = 100;

void global_init_once() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (result != CURLE_OK) {
    throw std::runtime_error(fmt::format("libcurl failed to initialise: {}", curl_easy_strerror(result)));
  }
}

}  // namespace

// libcurl's handles. Easy handles keep their own connections and are reused by send(); multi handles keep
// the connections of send_all. The share handle (DNS answers, TLS sessions) is used by every easy handle and
// locks through `locks`. Connections themselves are not shared across handles: libcurl does not support
// sharing its connection cache between threads.
struct CurlTransport::Handles {
  std::array<std::mutex, CURL_LOCK_DATA_LAST> locks;
  CURLSH* share = nullptr;
  std::mutex pool_mutex;
  std::vector<CURL*> idle_easy;
  std::vector<CURLM*> idle_multi;

  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
    static_cast<Handles*>(self)->locks.at(data).lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* self) {
    static_cast<Handles*>(self)->locks.at(data).unlock();
  }

  CURL* take_easy() {
    {
      std::lock_guard guard(pool_mutex);
      if (!idle_easy.empty()) {
        CURL* easy = idle_easy.back();
        idle_easy.pop_back();
        return easy;
      }
    }
    return curl_easy_init();
  }

  // The handle forgets the request (options, pointers) but keeps its connections for the next one.
  void give_back(CURL* easy) {
    curl_easy_reset(easy);
    std::lock_guard guard(pool_mutex);
    if (idle_easy.size() < k_max_idle_easy) {
      idle_easy.push_back(easy);
      return;
    }
    curl_easy_cleanup(easy);
  }

  CURLM* take_multi(size_t max_parallel) {
    {
      std::lock_guard guard(pool_mutex);
      if (!idle_multi.empty()) {
        CURLM* multi = idle_multi.back();
        idle_multi.pop_back();
        return multi;
      }
    }
    CURLM* multi = curl_multi_init();
    if (multi != nullptr) {
      // HTTP/1.1 without pipelining: one connection per request in flight, as many per host as needed.
      curl_multi_setopt(multi, CURLMOPT_PIPELINING, static_cast<long>(CURLPIPE_NOTHING));
      curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 0L);
      curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, 0L);
      curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(max_parallel));
    }
    return multi;
  }

  void give_back_multi(CURLM* multi) {
    std::lock_guard guard(pool_mutex);
    if (idle_multi.size() < k_max_idle_multi) {
      idle_multi.push_back(multi);
      return;
    }
    curl_multi_cleanup(multi);
  }
};

CurlTransport::CurlTransport(const Environment& env, CurlTransportOptions options)
    : m_proxy(ProxySettings::from_environment(env)),
      m_options(std::move(options)),
      m_handles(std::make_unique<Handles>()) {
  global_init_once();
  if (m_options.max_parallel == 0) {
    m_options.max_parallel = 1;
  }
  CURLSH* share = curl_share_init();
  if (share != nullptr) {
    curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &Handles::lock);
    curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &Handles::unlock);
    curl_share_setopt(share, CURLSHOPT_USERDATA, m_handles.get());
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  }
  m_handles->share = share;
}

CurlTransport::~CurlTransport() {
  for (CURL* easy : m_handles->idle_easy) {
    curl_easy_cleanup(easy);
  }
  for (CURLM* multi : m_handles->idle_multi) {
    curl_multi_cleanup(multi);
  }
  if (m_handles->share != nullptr) {
    curl_share_cleanup(m_handles->share);
  }
}

Result<HttpResponse> CurlTransport::send(const HttpRequest& request) {
  CURL* easy = m_handles->take_easy();
  if (easy == nullptr) {
    return fail(ErrorCode::internal,
                fmt::format("{} {}: libcurl could not create a handle", request.method, request.url));
  }
  ExchangeSettings settings{m_proxy, m_options, m_handles->share};
  Result<HttpResponse> result;
  {
    CurlExchange exchange(easy, request, settings);
    if (auto prepared = exchange.prepare(); !prepared) {
      result = std::unexpected(prepared.error());
    } else {
      result = exchange.finish(curl_easy_perform(easy));
    }
  }
  m_handles->give_back(easy);
  return result;
}

std::vector<Result<HttpResponse>> CurlTransport::send_all(const std::vector<HttpRequest>& requests) {
  std::vector<Result<HttpResponse>> results(requests.size(),
                                            std::unexpected(Error(ErrorCode::internal, "request not sent")));
  if (requests.empty()) {
    return results;
  }
  CURLM* multi = m_handles->take_multi(m_options.max_parallel);
  if (multi == nullptr) {
    for (auto& result : results) {
      result = fail(ErrorCode::internal, "libcurl could not create a multi handle");
    }
    return results;
  }
  ExchangeSettings settings{m_proxy, m_options, m_handles->share};
  std::vector<std::unique_ptr<CurlExchange>> exchanges(requests.size());

  // Every transfer ends by its own timeout; this deadline only guards against a stuck loop. It allows the
  // requests' timeouts back to back, which is more than any schedule of them can take.
  Millis budget{1000};
  for (const auto& request : requests) {
    budget += std::max(request.timeout, Millis{0});
  }
  const auto deadline = std::chrono::steady_clock::now() + budget;

  size_t next = 0;
  size_t active = 0;
  auto start_more = [&] {
    for (; next < requests.size() && active < m_options.max_parallel; ++next) {
      CURL* easy = curl_easy_init();
      if (easy == nullptr) {
        results[next] = fail(ErrorCode::internal, "libcurl could not create a handle");
        continue;
      }
      auto exchange = std::make_unique<CurlExchange>(easy, requests[next], settings);
      if (auto prepared = exchange->prepare(); !prepared) {
        results[next] = std::unexpected(prepared.error());
        curl_easy_cleanup(easy);
        continue;
      }
      curl_easy_setopt(easy, CURLOPT_PRIVATE, static_cast<void*>(&results[next]));
      curl_multi_add_handle(multi, easy);
      exchanges[next] = std::move(exchange);
      ++active;
    }
  };
  auto retire = [&](size_t index, const Result<HttpResponse>& outcome) {
    CURL* easy = exchanges[index]->easy();
    results[index] = outcome;
    curl_multi_remove_handle(multi, easy);
    exchanges[index].reset();
    curl_easy_cleanup(easy);
    --active;
  };

  start_more();
  while (active > 0) {
    int running = 0;
    CURLMcode mcode = curl_multi_perform(multi, &running);
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &queued)) {
      if (message->msg != CURLMSG_DONE) {
        continue;
      }
      CURL* easy = message->easy_handle;
      CURLcode code = message->data.result;  // read before the handle is removed, which frees `message`
      void* slot = nullptr;
      curl_easy_getinfo(easy, CURLINFO_PRIVATE, &slot);
      auto index = static_cast<size_t>(static_cast<Result<HttpResponse>*>(slot) - results.data());
      retire(index, exchanges[index]->finish(code));
    }
    start_more();
    if (active == 0) {
      break;
    }
    bool overdue = std::chrono::steady_clock::now() > deadline;
    if (mcode != CURLM_OK || overdue) {
      ErrorCode kind = overdue ? ErrorCode::timeout : ErrorCode::internal;
      std::string why = overdue
                            ? "send_all did not finish within the requests' timeouts"
                            : fmt::format("libcurl's multi interface failed: {}", curl_multi_strerror(mcode));
      for (size_t i = 0; i < exchanges.size(); ++i) {
        if (exchanges[i]) {
          retire(i, fail(kind, fmt::format("{}: {}", exchanges[i]->describe(), why)));
        }
      }
      for (; next < requests.size(); ++next) {
        results[next] =
            fail(kind, fmt::format("{} {}: not sent: {}", requests[next].method, requests[next].url, why));
      }
      break;
    }
    curl_multi_poll(multi, nullptr, 0, k_poll_ms, nullptr);
  }
  m_handles->give_back_multi(multi);
  return results;
}

}  // namespace cloudvip
