// MaxResults / NextToken for Describe* actions. Tokens are opaque to clients: they carry the action and
// the offset of the next item, so a token from another action or a tampered one is refused.
#pragma once

#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "sim/api_error.h"
#include "sim/params.h"

namespace cloudvip::sim {

struct Page {
  std::size_t begin = 0;
  std::size_t end = 0;                    // one past the last item of this page
  std::optional<std::string> next_token;  // only when items remain after `end`
};

// The page of `total` (already filtered) items this request asks for. MaxResults outside
// [min_results, max_results] or a bad NextToken is InvalidParameterValue. Without MaxResults every item
// from the token's offset is returned.
std::expected<Page, ApiError> paginate(const Params& params, std::string_view action, std::size_t total,
                                       long min_results, long max_results);

}  // namespace cloudvip::sim
