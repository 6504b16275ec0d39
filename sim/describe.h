// The common shape of a Describe* action: ids by "<Kind>Id.N" (malformed -> *.Malformed, unknown ->
// *.NotFound), filters, IAM and DryRun, pagination, and the <xxxSet><item>... answer.
#pragma once

#include <expected>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/api_error.h"
#include "sim/filters.h"
#include "sim/pagination.h"
#include "sim/params.h"
#include "sim/xml_writer.h"

namespace cloudvip::sim {

template <class T>
struct DescribeRequest {
  std::string_view action;    // "DescribeRouteTables"
  std::string_view id_param;  // "RouteTableId"
  std::string_view id_kind;   // "rtb"
  std::string_view set_name;  // "routeTableSet"
  bool paginated = true;
  long min_results = 5;
  long max_results = 1000;
  const std::set<std::string_view>* filter_names = nullptr;
  std::function<std::string(const T&)> id_of;
  std::function<const Tags&(const T&)> tags_of;
  std::function<std::vector<std::string>(const T&, std::string_view)> values;
  std::function<void(pugi::xml_node, const T&)> write;
};

// `access` runs IAM and DryRun once the parameters are known to be well formed.
template <class T>
std::expected<std::string, ApiError> describe(const std::vector<T>& items, const DescribeRequest<T>& request,
                                              const Params& params,
                                              const std::function<std::expected<void, ApiError>()>& access,
                                              const std::string& request_id) {
  std::vector<std::string> ids = params.list(request.id_param);
  for (const std::string& id : ids) {
    if (auto valid = check_id(request.id_kind, id); !valid) {
      return std::unexpected(valid.error());
    }
  }
  auto filters = read_filters(params, *request.filter_names);
  if (!filters) {
    return std::unexpected(filters.error());
  }
  if (auto allowed = access(); !allowed) {
    return std::unexpected(allowed.error());
  }
  for (const std::string& id : ids) {
    bool known = false;
    for (const T& item : items) {
      known = known || request.id_of(item) == id;
    }
    if (!known) {
      return std::unexpected(errors::not_found(request.id_kind, id));
    }
  }
  std::vector<const T*> selected;
  for (const T& item : items) {
    bool named = ids.empty();
    for (const std::string& id : ids) {
      named = named || request.id_of(item) == id;
    }
    if (named && matches_filters(*filters, request.tags_of(item),
                                 [&](std::string_view name) { return request.values(item, name); })) {
      selected.push_back(&item);
    }
  }
  Page page{0, selected.size(), std::nullopt};
  if (request.paginated) {
    auto paged = paginate(params, request.action, selected.size(), request.min_results, request.max_results);
    if (!paged) {
      return std::unexpected(paged.error());
    }
    page = *paged;
  }
  XmlResponse response(request.action, request_id);
  pugi::xml_node set = response.root().append_child(std::string(request.set_name).c_str());
  for (size_t i = page.begin; i < page.end; ++i) {
    request.write(set.append_child("item"), *selected[i]);
  }
  if (page.next_token) {
    add_text(response.root(), "nextToken", *page.next_token);
  }
  return response.str();
}

}  // namespace cloudvip::sim
