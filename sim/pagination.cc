#include "sim/pagination.h"

#include <charconv>

#include "sim/ids.h"

namespace cloudvip::sim {

// Tokens are "<action>:<offset>" in unpadded base64url: opaque enough, and reversible without state.

std::expected<Page, ApiError> paginate(const Params& params, std::string_view action, std::size_t total,
                                       long min_results, long max_results) {
  auto max = params.integer("MaxResults");
  if (!max) {
    return std::unexpected(max.error());
  }
  if (*max && (**max < min_results || **max > max_results)) {
    return std::unexpected(errors::invalid_parameter_value(
        "Value ( " + std::to_string(**max) +
        " ) for parameter maxResults is invalid. Expect a number between " + std::to_string(min_results) +
        " and " + std::to_string(max_results) + "."));
  }
  Page page;
  if (auto token = params.get("NextToken"); token && !token->empty()) {
    auto text = base64url_decode(*token);
    std::string prefix = std::string(action) + ":";
    bool valid = text && text->starts_with(prefix);
    if (valid) {
      std::string_view digits = std::string_view(*text).substr(prefix.size());
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), page.begin);
      valid = ec == std::errc() && end == digits.data() + digits.size() && page.begin <= total;
    }
    if (!valid) {
      return std::unexpected(errors::invalid_parameter_value("The token '" + *token + "' is invalid."));
    }
  }
  page.end = *max ? std::min(total, page.begin + static_cast<std::size_t>(**max)) : total;
  if (page.end < total) {
    page.next_token = base64url_encode(std::string(action) + ":" + std::to_string(page.end));
  }
  return page;
}

}  // namespace cloudvip::sim
