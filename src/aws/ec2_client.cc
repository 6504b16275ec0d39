#include "aws/ec2_client.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>

#include "aws/sigv4.h"

namespace cloudvip {
namespace {

constexpr std::string_view k_content_type = "application/x-www-form-urlencoded; charset=utf-8";

// "https://ec2.us-east-1.amazonaws.com" -> ".../"; an endpoint with a path keeps it.
std::string request_url(const std::string& endpoint) {
  size_t authority = endpoint.find("://");
  size_t path = endpoint.find('/', authority == std::string::npos ? 0 : authority + 3);
  return path == std::string::npos ? endpoint + "/" : endpoint;
}

Result<void> require(std::string_view action, std::string_view field, const std::string& value,
                     std::string_view example) {
  if (value.empty()) {
    return fail(ErrorCode::invalid_argument, std::string(action) + ": " + std::string(field) +
                                                 " is empty (expected e.g. '" + std::string(example) + "')");
  }
  return ok();
}

// Exactly one of the ENI and the instance as the target.
Result<void> require_one_target(std::string_view action, const std::string& eni,
                                const std::string& instance) {
  if (eni.empty() == instance.empty()) {
    return fail(ErrorCode::invalid_argument,
                std::string(action) + ": give exactly one of network_interface_id and instance_id (got " +
                    (eni.empty() ? "neither" : "both '" + eni + "' and '" + instance + "'") + ")");
  }
  return ok();
}

Result<Ec2Call> route_call(std::string action, const RouteRequest& r) {
  for (Result<void> check : {require(action, "route_table_id", r.route_table_id, "rtb-0123456789abcdef0"),
                             require(action, "destination_cidr", r.destination_cidr, "192.168.100.10/32"),
                             require_one_target(action, r.network_interface_id, r.instance_id)}) {
    if (!check) {
      return std::unexpected(check.error());
    }
  }
  Ec2Call call{std::move(action), {}};
  call.params.add("RouteTableId", r.route_table_id);
  call.params.add("DestinationCidrBlock", r.destination_cidr);
  call.params.add_if_set("NetworkInterfaceId", r.network_interface_id);
  call.params.add_if_set("InstanceId", r.instance_id);
  if (r.dry_run) {
    call.params.add_bool("DryRun", true);
  }
  return call;
}

QueryParams describe_params(std::string_view id_prefix, const std::vector<std::string>& ids,
                            const std::vector<Filter>& filters) {
  QueryParams params;
  params.add_list(id_prefix, ids);
  params.add_filters(filters);
  return params;
}

// RFC 7231 section 7.1.1.1 IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (the only form a server may send).
std::optional<TimePoint> parse_imf_fixdate(std::string_view text) {
  static constexpr std::array<std::string_view, 12> k_months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  // "Sun, 06 Nov 1994 08:49:37 GMT": 29 characters with fixed positions.
  if (text.size() != 29 || text[3] != ',' || text[4] != ' ' || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':' || text[25] != ' ' || text.substr(26) != "GMT") {
    return std::nullopt;
  }
  auto number = [&](size_t pos, size_t len) -> std::optional<int> {
    int value = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') {
        return std::nullopt;
      }
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  auto month = std::find(k_months.begin(), k_months.end(), text.substr(8, 3));
  std::optional<int> day = number(5, 2), year = number(12, 4), hour = number(17, 2), minute = number(20, 2),
                     second = number(23, 2);
  if (month == k_months.end() || !day || !year || !is_representable_year(*year) || !hour || !minute ||
      !second || *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  std::chrono::year_month_day date{std::chrono::year(*year),
                                   std::chrono::month(static_cast<unsigned>(month - k_months.begin() + 1)),
                                   std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok()) {
    return std::nullopt;
  }
  return TimePoint(std::chrono::sys_days(date)) + std::chrono::hours(*hour) + std::chrono::minutes(*minute) +
         std::chrono::seconds(*second);
}

}  // namespace

Result<Ec2Call> create_route_call(const RouteRequest& request) {
  return route_call("CreateRoute", request);
}

Result<Ec2Call> replace_route_call(const RouteRequest& request) {
  return route_call("ReplaceRoute", request);
}

Ec2Call delete_route_call(const std::string& route_table_id, const std::string& destination_cidr,
                          bool dry_run) {
  Ec2Call call{"DeleteRoute", {}};
  call.params.add("RouteTableId", route_table_id);
  call.params.add("DestinationCidrBlock", destination_cidr);
  if (dry_run) {
    call.params.add_bool("DryRun", true);
  }
  return call;
}

Result<Outcome> mutation_outcome(const Result<Ec2Response>& response, bool dry_run) {
  if (response) {
    if (Result<void> returned = parse_return(*response); !returned) {
      return std::unexpected(returned.error());
    }
    return Outcome::done;
  }
  const Error& error = response.error();
  if (dry_run && error.code == ErrorCode::aws && error.aws_code == "DryRunOperation") {
    return Outcome::dry_run_allowed;
  }
  return std::unexpected(error);
}

Ec2Client::Ec2Client(HttpTransport& transport, CredentialsProvider& credentials, Clock& clock,
                     Ec2ClientOptions options, Logger& logger)
    : m_transport(transport),
      m_credentials(credentials),
      m_clock(clock),
      m_options(std::move(options)),
      m_logger(logger),
      m_retry(m_options.retry, m_options.uniform01) {}

void Ec2Client::set_retry_deadline(std::optional<RetryDeadline> deadline) {
  std::lock_guard lock(m_deadline_mutex);
  m_deadline = std::move(deadline);
}

std::optional<RetryDeadline> Ec2Client::retry_deadline() const {
  std::lock_guard lock(m_deadline_mutex);
  return m_deadline;
}

Result<HttpRequest> Ec2Client::build_request(const std::string& action, const QueryParams& params,
                                             int attempt, const std::optional<RetryDeadline>& deadline) {
  if (m_options.endpoint_url.empty() || m_options.region.empty()) {
    return fail(ErrorCode::invalid_argument,
                "EC2 " + action + ": the client has no " +
                    (m_options.region.empty() ? "region" : "endpoint URL") +
                    " (expected e.g. region 'us-east-1', endpoint 'https://ec2.us-east-1.amazonaws.com')");
  }
  Result<Credentials> credentials = m_credentials.get();
  if (!credentials) {
    return fail(credentials.error().wrap("EC2 " + action + ": no credentials to sign the request with"));
  }
  HttpRequest request;
  request.method = "POST";
  request.url = request_url(m_options.endpoint_url);
  request.headers.add("Content-Type", std::string(k_content_type));
  request.headers.add("User-Agent", "cloudvip/" CLOUDVIP_VERSION);
  request.headers.add("amz-sdk-request", fmt::format("attempt={}; max={}", attempt,
                                                     m_retry.attempt_limit(deadline.has_value())));
  QueryParams all = QueryParams::for_action(action);
  all.append(params);
  request.body = form_encode(all);
  request.timeout = m_options.timeout;
  if (deadline) {
    // No attempt outlives the failover's deadline, but each gets at least min_attempt.
    Millis left = std::chrono::duration_cast<Millis>(deadline->at - m_clock.now());
    request.timeout =
        std::clamp(left, deadline->min_attempt, std::max(m_options.timeout, deadline->min_attempt));
  }
  request.connect_timeout = std::min(m_options.connect_timeout, request.timeout);
  sigv4::sign(request, *credentials, sigv4::SigningParams{m_options.region, "ec2", m_clock.now()});
  return request;
}

Result<Ec2Response> Ec2Client::finish(const std::string& action, const Result<HttpResponse>& sent,
                                      TimePoint started, int attempt) {
  auto elapsed = std::chrono::duration_cast<Millis>(m_clock.now() - started).count();
  if (!sent) {
    m_logger.debug("ec2 {}: no answer from {} after {} ms (attempt {}): {}", action, m_options.endpoint_url,
                   elapsed, attempt, sent.error().message);
    return std::unexpected(sent.error().wrap("EC2 " + action + " to " + m_options.endpoint_url));
  }
  Result<Ec2Response> response = check_response(action, *sent);
  if (response) {
    m_logger.debug("ec2 {}: HTTP {}, request id {}, {} ms (attempt {})", action, sent->status,
                   response->request_id.empty() ? "-" : response->request_id, elapsed, attempt);
  } else {
    const Error& e = response.error();
    m_logger.debug("ec2 {}: HTTP {} {}, request id {}, {} ms (attempt {})", action, sent->status,
                   e.aws_code.empty() ? to_string(e.code) : std::string_view(e.aws_code),
                   e.request_id.empty() ? "-" : e.request_id, elapsed, attempt);
  }
  return response;
}

Result<Ec2Response> Ec2Client::call(const std::string& action, const QueryParams& params) {
  int attempt = 0;
  const std::optional<RetryDeadline> deadline = retry_deadline();
  std::function<Result<Ec2Response>()> once = [&]() -> Result<Ec2Response> {
    ++attempt;
    Result<HttpRequest> request = build_request(action, params, attempt, deadline);
    if (!request) {
      return std::unexpected(request.error());
    }
    TimePoint started = m_clock.now();
    return finish(action, m_transport.send(*request), started, attempt);
  };
  return with_retries<Ec2Response>(m_retry, m_clock, once, deadline);
}

std::vector<Result<Ec2Response>> Ec2Client::call_all(const std::vector<Ec2Call>& calls) {
  std::vector<Result<Ec2Response>> results(calls.size(), fail(ErrorCode::internal, "EC2 call not sent"));
  std::vector<size_t> pending(calls.size());
  for (size_t i = 0; i < calls.size(); ++i) {
    pending[i] = i;
  }
  std::vector<int> last_retry_cost(calls.size(), 0);  // what each call's last retry took from the quota
  const std::optional<RetryDeadline> deadline = retry_deadline();
  // Bounded: retry_delay() refuses at the attempt limit (and, with a deadline, when no time is left).
  for (int attempt = 1; !pending.empty(); ++attempt) {
    std::vector<size_t> sendable;
    std::vector<HttpRequest> requests;
    for (size_t i : pending) {
      Result<HttpRequest> request = build_request(calls[i].action, calls[i].params, attempt, deadline);
      if (request) {
        sendable.push_back(i);
        requests.push_back(std::move(*request));
      } else {
        results[i] = std::unexpected(request.error());
      }
    }
    TimePoint started = m_clock.now();
    std::vector<Result<HttpResponse>> sent = m_transport.send_all(requests);
    m_logger.debug("ec2 batch: round {} sent {} calls at once", attempt, requests.size());
    for (size_t k = 0; k < sendable.size(); ++k) {
      size_t i = sendable[k];
      results[i] = k < sent.size() ? finish(calls[i].action, sent[k], started, attempt)
                                   : fail(ErrorCode::internal, "transport returned too few answers");
    }
    // Every failed call (including one that could not be built) asks the strategy for a retry.
    std::vector<size_t> retry;
    Millis delay{0};
    TimePoint answered = m_clock.now();
    for (size_t i : pending) {
      if (results[i]) {
        m_retry.on_success(attempt, last_retry_cost[i]);
      } else if (std::optional<Millis> d =
                     m_retry.retry_delay(results[i].error(), attempt, deadline, answered)) {
        last_retry_cost[i] = m_retry.retry_cost(results[i].error());
        retry.push_back(i);
        delay = std::max(delay, *d);
      }
    }
    pending = std::move(retry);
    if (!pending.empty()) {
      m_logger.debug("ec2 batch: {} of {} calls to retry after {} ms", pending.size(), calls.size(),
                     delay.count());
      m_clock.sleep_for(delay);
    }
  }
  return results;
}

Result<TimePoint> Ec2Client::server_time() {
  const std::string action = "DescribeRouteTables";
  QueryParams params;
  params.add("MaxResults", "5");  // the smallest page EC2 accepts
  Result<HttpRequest> request = build_request(action, params, 1, std::nullopt);
  if (!request) {
    return std::unexpected(request.error());
  }
  Result<HttpResponse> sent = m_transport.send(*request);
  if (!sent) {
    return fail(sent.error().wrap("cannot read the time from EC2 at " + m_options.endpoint_url));
  }
  std::optional<std::string> date = sent->headers.get("Date");
  if (!date) {
    return fail(ErrorCode::parse, "EC2 at " + m_options.endpoint_url + " answered " + action + " (HTTP " +
                                      std::to_string(sent->status) + ") without a Date header");
  }
  std::optional<TimePoint> time = parse_imf_fixdate(*date);
  if (!time) {
    return fail(ErrorCode::parse, "EC2 at " + m_options.endpoint_url + " sent Date '" + *date +
                                      "', not an HTTP date like 'Sun, 06 Nov 1994 08:49:37 GMT'");
  }
  m_logger.debug("ec2 {}: server Date {} (HTTP {})", action, *date, sent->status);
  return *time;
}

template <class T, class Parse>
Result<std::vector<T>> Ec2Client::describe_all(const std::string& action, const QueryParams& params,
                                               Parse parse) {
  std::vector<T> items;
  std::string token;
  for (int page = 1; page <= k_max_pages; ++page) {
    QueryParams page_params = params;
    if (!token.empty()) {
      page_params.add("NextToken", token);
    }
    Result<Ec2Response> response = call(action, page_params);
    if (!response) {
      return std::unexpected(response.error());
    }
    Result<Page<T>> parsed = parse(*response);
    if (!parsed) {
      return std::unexpected(parsed.error());
    }
    std::move(parsed->items.begin(), parsed->items.end(), std::back_inserter(items));
    if (parsed->next_token.empty()) {
      return items;
    }
    if (parsed->next_token == token) {
      return fail(ErrorCode::parse, "EC2 " + action + " answered the same NextToken '" + token +
                                        "' twice; the endpoint's pagination is broken");
    }
    token = std::move(parsed->next_token);
  }
  return fail(ErrorCode::parse, "EC2 " + action + " still had more results after " +
                                    std::to_string(k_max_pages) +
                                    " pages; narrow the request with ids or filters");
}

Result<std::vector<RouteTable>> Ec2Client::describe_route_tables(const std::vector<std::string>& ids,
                                                                 const std::vector<Filter>& filters) {
  return describe_all<RouteTable>("DescribeRouteTables", describe_params("RouteTableId", ids, filters),
                                  parse_describe_route_tables);
}

Result<std::vector<Instance>> Ec2Client::describe_instances(const std::vector<std::string>& ids,
                                                            const std::vector<Filter>& filters) {
  return describe_all<Instance>("DescribeInstances", describe_params("InstanceId", ids, filters),
                                parse_describe_instances);
}

Result<std::vector<NetworkInterface>> Ec2Client::describe_network_interfaces(
    const std::vector<std::string>& ids, const std::vector<Filter>& filters) {
  return describe_all<NetworkInterface>("DescribeNetworkInterfaces",
                                        describe_params("NetworkInterfaceId", ids, filters),
                                        parse_describe_network_interfaces);
}

Result<std::vector<Subnet>> Ec2Client::describe_subnets(const std::vector<std::string>& ids,
                                                        const std::vector<Filter>& filters) {
  return describe_all<Subnet>("DescribeSubnets", describe_params("SubnetId", ids, filters),
                              parse_describe_subnets);
}

Result<std::vector<Vpc>> Ec2Client::describe_vpcs(const std::vector<std::string>& ids,
                                                  const std::vector<Filter>& filters) {
  return describe_all<Vpc>("DescribeVpcs", describe_params("VpcId", ids, filters), parse_describe_vpcs);
}

Result<std::vector<Address>> Ec2Client::describe_addresses(const std::vector<std::string>& allocation_ids,
                                                           const std::vector<Filter>& filters) {
  Result<Ec2Response> response =
      call("DescribeAddresses", describe_params("AllocationId", allocation_ids, filters));
  if (!response) {
    return std::unexpected(response.error());
  }
  return parse_describe_addresses(*response);
}

Result<Outcome> Ec2Client::create_route(const RouteRequest& request) {
  Result<Ec2Call> c = create_route_call(request);
  if (!c) {
    return std::unexpected(c.error());
  }
  return mutation_outcome(call(c->action, c->params), request.dry_run);
}

Result<Outcome> Ec2Client::replace_route(const RouteRequest& request) {
  Result<Ec2Call> c = replace_route_call(request);
  if (!c) {
    return std::unexpected(c.error());
  }
  return mutation_outcome(call(c->action, c->params), request.dry_run);
}

Result<Outcome> Ec2Client::delete_route(const std::string& route_table_id,
                                        const std::string& destination_cidr, bool dry_run) {
  Ec2Call c = delete_route_call(route_table_id, destination_cidr, dry_run);
  return mutation_outcome(call(c.action, c.params), dry_run);
}

Result<Outcome> Ec2Client::modify_network_interface_attribute_source_dest_check(
    const std::string& network_interface_id, bool enabled, bool dry_run) {
  QueryParams params;
  params.add("NetworkInterfaceId", network_interface_id);
  params.add_bool("SourceDestCheck.Value", enabled);
  if (dry_run) {
    params.add_bool("DryRun", true);
  }
  return mutation_outcome(call("ModifyNetworkInterfaceAttribute", params), dry_run);
}

Result<AssociateAddressResult> Ec2Client::associate_address(const AssociateAddressRequest& request) {
  const std::string action = "AssociateAddress";
  for (Result<void> check :
       {require(action, "allocation_id", request.allocation_id, "eipalloc-0123456789abcdef0"),
        require_one_target(action, request.network_interface_id, request.instance_id)}) {
    if (!check) {
      return std::unexpected(check.error());
    }
  }
  QueryParams params;
  params.add("AllocationId", request.allocation_id);
  params.add_if_set("NetworkInterfaceId", request.network_interface_id);
  params.add_if_set("InstanceId", request.instance_id);
  params.add_if_set("PrivateIpAddress", request.private_ip);
  params.add_bool("AllowReassociation", request.allow_reassociation);
  if (request.dry_run) {
    params.add_bool("DryRun", true);
  }
  Result<Ec2Response> response = call(action, params);
  if (!response) {
    const Error& e = response.error();
    if (request.dry_run && e.code == ErrorCode::aws && e.aws_code == "DryRunOperation") {
      return AssociateAddressResult{Outcome::dry_run_allowed, ""};
    }
    return std::unexpected(e);
  }
  Result<std::string> association_id = parse_associate_address(*response);
  if (!association_id) {
    return std::unexpected(association_id.error());
  }
  return AssociateAddressResult{Outcome::done, std::move(*association_id)};
}

Result<std::vector<std::string>> Ec2Client::assign_private_ip_addresses(
    const std::string& network_interface_id, const std::vector<std::string>& private_ips,
    bool allow_reassignment) {
  if (private_ips.empty()) {
    return fail(ErrorCode::invalid_argument, "AssignPrivateIpAddresses: no private IP given for " +
                                                 network_interface_id + " (expected e.g. '10.0.1.50')");
  }
  QueryParams params;
  params.add("NetworkInterfaceId", network_interface_id);
  params.add_list("PrivateIpAddress", private_ips);
  params.add_bool("AllowReassignment", allow_reassignment);
  Result<Ec2Response> response = call("AssignPrivateIpAddresses", params);
  if (!response) {
    return std::unexpected(response.error());
  }
  return parse_assign_private_ip_addresses(*response);
}

Result<void> Ec2Client::unassign_private_ip_addresses(const std::string& network_interface_id,
                                                      const std::vector<std::string>& private_ips) {
  QueryParams params;
  params.add("NetworkInterfaceId", network_interface_id);
  params.add_list("PrivateIpAddress", private_ips);
  Result<Ec2Response> response = call("UnassignPrivateIpAddresses", params);
  if (!response) {
    return std::unexpected(response.error());
  }
  return parse_return(*response);
}

}  // namespace cloudvip
