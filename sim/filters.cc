#include "sim/filters.h"

namespace cloudvip::sim {
namespace {

bool any_matches(const std::vector<std::string>& patterns, const std::vector<std::string>& values) {
  for (const std::string& pattern : patterns) {
    for (const std::string& value : values) {
      if (wildcard_match(pattern, value)) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

std::expected<std::vector<Filter>, ApiError> read_filters(const Params& params,
                                                          const std::set<std::string_view>& known) {
  std::vector<Filter> filters;
  for (int i = 1;; ++i) {
    std::string prefix = "Filter." + std::to_string(i);
    auto name = params.get(prefix + ".Name");
    if (!name) {
      break;  // filters are numbered from 1 without gaps (botocore's serializer)
    }
    bool is_tag = name->starts_with("tag:") || *name == "tag-key" || *name == "tag-value";
    if (!is_tag && known.count(*name) == 0) {
      return std::unexpected(errors::invalid_filter(*name));
    }
    filters.push_back(Filter{*name, params.list(prefix + ".Value")});
  }
  return filters;
}

bool wildcard_match(std::string_view pattern, std::string_view text) {
  // Iterative glob match with one backtrack point: linear in practice, bounded by |pattern| * |text|.
  size_t p = 0;
  size_t t = 0;
  size_t star = std::string_view::npos;
  size_t star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

bool matches_filters(const std::vector<Filter>& filters, const Tags& tags, const FilterValues& values) {
  for (const Filter& filter : filters) {
    std::vector<std::string> have;
    if (filter.name.starts_with("tag:")) {
      std::string_view key = std::string_view(filter.name).substr(4);
      for (const auto& [k, v] : tags) {
        if (k == key) {
          have.push_back(v);
        }
      }
    } else if (filter.name == "tag-key" || filter.name == "tag-value") {
      for (const auto& [k, v] : tags) {
        have.push_back(filter.name == "tag-key" ? k : v);
      }
    } else {
      have = values(filter.name);
    }
    if (!any_matches(filter.values, have)) {
      return false;
    }
  }
  return true;
}

}  // namespace cloudvip::sim
