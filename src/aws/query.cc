#include "aws/query.h"

#include "aws/uri.h"

namespace cloudvip {
namespace {

// Decodes one key or value; nullopt on a malformed %-escape.
std::optional<std::string> form_unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) {
        return std::nullopt;
      }
      int high = hex_digit_value(text[i + 1]);
      int low = hex_digit_value(text[i + 2]);
      if (high < 0 || low < 0) {
        return std::nullopt;
      }
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

QueryParams QueryParams::for_action(std::string_view action) {
  QueryParams params;
  params.add("Action", std::string(action));
  params.add("Version", std::string(k_ec2_api_version));
  return params;
}

void QueryParams::add_if_set(std::string key, std::string value) {
  if (!value.empty()) {
    add(std::move(key), std::move(value));
  }
}

void QueryParams::add_list(std::string_view prefix, const std::vector<std::string>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    add(std::string(prefix) + "." + std::to_string(i + 1), values[i]);
  }
}

void QueryParams::add_filters(const std::vector<Filter>& filters) {
  for (size_t i = 0; i < filters.size(); ++i) {
    std::string prefix = "Filter." + std::to_string(i + 1);
    add(prefix + ".Name", filters[i].name);
    add_list(prefix + ".Value", filters[i].values);
  }
}

void QueryParams::append(const QueryParams& other) {
  m_items.insert(m_items.end(), other.m_items.begin(), other.m_items.end());
}

std::optional<std::string> QueryParams::get(std::string_view key) const {
  for (const auto& [k, v] : m_items) {
    if (k == key) {
      return v;
    }
  }
  return std::nullopt;
}

std::vector<std::string> QueryParams::get_list(std::string_view prefix) const {
  std::vector<std::string> out;
  // Bounded by the number of parameters: a list cannot have more members than there are parameters.
  for (size_t i = 1; i <= m_items.size(); ++i) {
    std::optional<std::string> value = get(std::string(prefix) + "." + std::to_string(i));
    if (!value) {
      break;
    }
    out.push_back(std::move(*value));
  }
  return out;
}

std::string form_escape(std::string_view text) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c)) {
      out += ch;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 0x0f];
    }
  }
  return out;
}

std::string form_encode(const QueryParams& params) {
  std::string out;
  for (const auto& [key, value] : params.items()) {
    if (!out.empty()) {
      out += '&';
    }
    out += form_escape(key);
    out += '=';
    out += form_escape(value);
  }
  return out;
}

Result<QueryParams> form_decode(std::string_view body) {
  QueryParams params;
  size_t start = 0;
  // Each pass consumes at least one character (the '&'), so the loop ends.
  while (start <= body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string_view::npos) {
      end = body.size();
    }
    std::string_view pair = body.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) {
      continue;
    }
    size_t eq = pair.find('=');
    std::string_view raw_key = pair.substr(0, eq);
    std::string_view raw_value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    std::optional<std::string> key = form_unescape(raw_key);
    std::optional<std::string> value = form_unescape(raw_value);
    if (!key || !value) {
      return fail(ErrorCode::invalid_argument,
                  "malformed form data: '" + std::string(pair) +
                      "' has a '%' not followed by two hex digits (escape a literal '%' as %25)");
    }
    params.add(std::move(*key), std::move(*value));
  }
  return params;
}

}  // namespace cloudvip
