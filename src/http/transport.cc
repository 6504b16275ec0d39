#include "http/transport.h"

#include <algorithm>

#include "common/strings.h"

namespace cloudvip {

void HttpHeaders::set(std::string_view name, std::string value) {
  remove(name);
  m_items.emplace_back(std::string(name), std::move(value));
}

void HttpHeaders::remove(std::string_view name) {
  std::erase_if(m_items, [name](const auto& item) { return iequals(item.first, name); });
}

std::optional<std::string> HttpHeaders::get(std::string_view name) const {
  for (const auto& [key, value] : m_items) {
    if (iequals(key, name)) {
      return value;
    }
  }
  return std::nullopt;
}

std::vector<Result<HttpResponse>> HttpTransport::send_all(const std::vector<HttpRequest>& requests) {
  std::vector<Result<HttpResponse>> out;
  out.reserve(requests.size());
  for (const auto& request : requests) {
    out.push_back(send(request));
  }
  return out;
}

void HttpTransport::warm_up(const std::string&, size_t) {}

}  // namespace cloudvip
