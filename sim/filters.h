// EC2 Describe* filters: Filter.N.Name / Filter.N.Value.M. Different names are ANDed, the values of one
// name are ORed; values match exactly or with `*` (any run) and `?` (one character) wildcards;
// "tag:KEY", "tag-key" and "tag-value" work on every resource.
#pragma once

#include <expected>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/api_error.h"
#include "sim/params.h"
#include "sim/scenario.h"

namespace cloudvip::sim {

struct Filter {
  std::string name;
  std::vector<std::string> values;
};

// Reads the filters of a request; any name not in `known` (nor a tag filter) is InvalidParameterValue
// "The filter 'x' is invalid".
std::expected<std::vector<Filter>, ApiError> read_filters(const Params& params,
                                                          const std::set<std::string_view>& known);

// `*` matches any run of characters, `?` exactly one; everything else literally.
bool wildcard_match(std::string_view pattern, std::string_view text);

// A resource's values for one (known, non-tag) filter name; a resource matches a filter when any of its
// values matches any of the filter's values.
using FilterValues = std::function<std::vector<std::string>(std::string_view name)>;

bool matches_filters(const std::vector<Filter>& filters, const Tags& tags, const FilterValues& values);

}  // namespace cloudvip::sim
