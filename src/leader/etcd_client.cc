#include "leader/etcd_client.h"

#include <utility>

namespace cloudvip {
namespace {

// etcd's words when a token is missing, expired or from before an auth change
// (etcdserver/api/v3rpc/rpctypes).
bool is_token_error(const HttpResponse& response) {
  if (response.status == 401) {
    return true;
  }
  auto error = parse_etcd_error(response.body);
  return error && (error->code == 16 || error->message.find("invalid auth token") != std::string::npos ||
                   error->message.find("revision of auth store is old") != std::string::npos ||
                   error->message.find("user name is empty") != std::string::npos);
}

std::string describe(const HttpResponse& response) {
  auto error = parse_etcd_error(response.body);
  return std::to_string(response.status) + " " + (error ? error->message : response.body.substr(0, 200));
}

}  // namespace

EtcdClient::EtcdClient(EtcdClientOptions options) : m_options(std::move(options)), m_http(m_options.tls) {}

Result<void> EtcdClient::authenticate(const std::string& endpoint) {
  std::string url = endpoint + "/v3/auth/authenticate";
  auto response = m_http.post(url, etcd_authenticate_request(m_options.username, m_options.password), "",
                              m_options.timeout);
  if (!response) {
    return fail(response.error());
  }
  if (response->status != 200) {
    return fail(ErrorCode::auth, "POST " + url + " as user '" + m_options.username +
                                     "': " + describe(*response) +
                                     " (check username and the password in password_file)");
  }
  auto token = parse_etcd_token(response->body);
  if (!token) {
    return fail(token.error());
  }
  m_token = std::move(*token);
  ++m_authentications;
  return ok();
}

Result<HttpResponse> EtcdClient::call(const std::string& endpoint, const std::string& path,
                                      const std::string& body) {
  bool auth = !m_options.username.empty();
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (auth && m_token.empty()) {
      if (auto done = authenticate(endpoint); !done) {
        return fail(done.error());
      }
    }
    auto response = m_http.post(endpoint + path, body, m_token, m_options.timeout);
    if (!response) {
      return response;
    }
    if (auth && is_token_error(*response) && attempt == 0) {
      m_token.clear();  // expired or invalidated: fetch a new one and ask once more
      continue;
    }
    return response;
  }
  return fail(ErrorCode::internal, "unreachable");
}

Result<EtcdRangeAnswer> EtcdClient::range(const std::string& key) {
  std::string failures;
  Error last;
  for (size_t tried = 0; tried < m_options.endpoints.size(); ++tried) {
    size_t index = (m_current + tried) % m_options.endpoints.size();
    const std::string& endpoint = m_options.endpoints[index];
    auto response = call(endpoint, "/v3/kv/range", etcd_range_request(key));
    Result<EtcdRangeAnswer> answer = [&]() -> Result<EtcdRangeAnswer> {
      if (!response) {
        return fail(response.error());
      }
      if (response->status != 200) {
        return fail(ErrorCode::http, "POST " + endpoint + "/v3/kv/range: " + describe(*response));
      }
      return parse_etcd_range(response->body);
    }();
    if (answer) {
      m_current = index;
      return answer;
    }
    last = answer.error();
    failures += (failures.empty() ? "" : "; ") + answer.error().message;
  }
  Error error(last.code, failures);
  return fail(error);
}

Result<void> EtcdClient::watch(const std::string& key, std::int64_t start_revision,
                               const std::function<void(const EtcdWatchEvent&, std::int64_t)>& on_event,
                               const std::function<bool()>& keep_going) {
  const std::string& endpoint = m_options.endpoints[m_current];
  Error broken;
  bool has_broken = false;
  auto on_line = [&](std::string_view line) {
    auto message = parse_etcd_watch_line(line);
    if (!message) {
      broken = message.error();
      has_broken = true;
      return false;
    }
    if (message->compact_revision > 0) {
      broken = Error(ErrorCode::not_found, "etcd watch: revision " + std::to_string(start_revision) +
                                               " has been compacted (compact revision " +
                                               std::to_string(message->compact_revision) + ")");
      has_broken = true;
      return false;
    }
    if (message->canceled) {
      broken = Error(ErrorCode::unavailable, "etcd watch cancelled: " + message->cancel_reason);
      has_broken = true;
      return false;
    }
    for (const EtcdWatchEvent& event : message->events) {
      on_event(event, message->revision);
    }
    return true;
  };
  auto streamed = m_http.stream(endpoint + "/v3/watch", etcd_watch_request(key, start_revision), m_token,
                                m_options.timeout, on_line, keep_going);
  if (has_broken) {
    if (broken.code == ErrorCode::auth) {
      m_token.clear();
    }
    return fail(broken);
  }
  if (!streamed) {
    if (streamed.error().code == ErrorCode::http &&
        streamed.error().message.find(" 401 ") != std::string::npos) {
      m_token.clear();
    }
    return fail(streamed.error());
  }
  return ok();
}

}  // namespace cloudvip
