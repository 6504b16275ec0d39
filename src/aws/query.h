// The EC2 Query protocol's request encoding (aws-protocol.md §1.1-1.2): an ordered list of parameters,
// the EC2 serializer's flattening of lists and filters, and the form encoding botocore produces with Python's
// urlencode. form_decode is the inverse, for the emulator.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/ec2_types.h"
#include "common/error.h"

namespace cloudvip {

inline constexpr std::string_view k_ec2_api_version = "2016-11-15";

// Request parameters in the order they were added (the order is kept on the wire; duplicates are kept).
class QueryParams {
 public:
  using Item = std::pair<std::string, std::string>;

  QueryParams() = default;
  // `Action=<action>&Version=2016-11-15`, the two parameters every EC2 request starts with.
  static QueryParams for_action(std::string_view action);

  void add(std::string key, std::string value) { m_items.emplace_back(std::move(key), std::move(value)); }
  // Booleans go on the wire as `true` / `false`.
  void add_bool(std::string key, bool value) { add(std::move(key), value ? "true" : "false"); }
  // Adds the value only when it is not empty (optional string members).
  void add_if_set(std::string key, std::string value);
  // `<prefix>.1=<v1>&<prefix>.2=<v2>...`; an empty list adds nothing (as botocore's EC2 serializer).
  void add_list(std::string_view prefix, const std::vector<std::string>& values);
  // `Filter.N.Name=<name>&Filter.N.Value.M=<value>`, N and M counting from 1.
  void add_filters(const std::vector<Filter>& filters);
  // Appends every parameter of `other`.
  void append(const QueryParams& other);

  // The first value of `key` (exact, case-sensitive), or nullopt.
  std::optional<std::string> get(std::string_view key) const;
  // Every value of the flattened list `<prefix>.1`, `<prefix>.2`, ... up to the first gap.
  std::vector<std::string> get_list(std::string_view prefix) const;
  const std::vector<Item>& items() const { return m_items; }
  size_t size() const { return m_items.size(); }
  bool empty() const { return m_items.empty(); }

 private:
  std::vector<Item> m_items;
};

// One key or value as Python's urllib.parse.quote_plus encodes it: A-Z a-z 0-9 and `-_.~` literal, space as
// `+`, every other byte as upper-case %XX.
std::string form_escape(std::string_view text);

// `k1=v1&k2=v2...`, each key and value escaped with form_escape, in the parameters' order.
std::string form_encode(const QueryParams& params);

// Parses an application/x-www-form-urlencoded body (or a URL query string). `+` is a space; a pair without
// `=` has an empty value; empty pairs (`a=1&&b=2`) are skipped. A `%` not followed by two hex digits is an
// ErrorCode::invalid_argument error naming the offending pair.
Result<QueryParams> form_decode(std::string_view body);

}  // namespace cloudvip
