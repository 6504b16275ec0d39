// The EC2 Query API client: builds the form-encoded POST, signs it with SigV4 (signed again for every
// attempt, since the date is part of the signature), sends it, turns error documents into Error values and
// retries what the standard retry mode retries. Typed calls for what cloudvip reads and writes; call_all
// sends many calls at once (acquire: one ReplaceRoute per route table, all in one round trip).
//
// Safe to call from several threads as long as the transport and credentials provider are; every call shares
// the client's retry quota.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "aws/credentials.h"
#include "aws/ec2_types.h"
#include "aws/ec2_xml.h"
#include "aws/query.h"
#include "aws/retry.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "http/transport.h"

namespace cloudvip {

struct Ec2ClientOptions {
  std::string endpoint_url;  // "https://ec2.us-east-1.amazonaws.com" (a path, if any, is kept)
  std::string region;        // the SigV4 signing region
  RetryOptions retry;
  Millis timeout{10000};  // one attempt, whole exchange
  Millis connect_timeout{1000};
  std::function<double()> uniform01;  // backoff jitter in [0, 1); empty: random (tests fix it)
};

// One call of a batch.
struct Ec2Call {
  std::string action;  // "ReplaceRoute"
  QueryParams params;  // without Action and Version
};

// What a mutating call did. A dry run (DryRun=true) that EC2 allows answers 412 DryRunOperation: that is
// dry_run_allowed, not an error; a dry run that is not allowed stays an UnauthorizedOperation error.
enum class Outcome { done, dry_run_allowed };

// CreateRoute / ReplaceRoute: exactly one of network_interface_id and instance_id.
struct RouteRequest {
  std::string route_table_id;
  std::string destination_cidr;  // "192.168.100.10/32"
  std::string network_interface_id;
  std::string instance_id;
  bool dry_run = false;
};

// AssociateAddress: exactly one of network_interface_id and instance_id.
struct AssociateAddressRequest {
  std::string allocation_id;
  std::string network_interface_id;
  std::string instance_id;
  std::string private_ip;  // empty: the ENI's primary private IP
  bool allow_reassociation = true;
  bool dry_run = false;
};

struct AssociateAddressResult {
  Outcome outcome = Outcome::done;
  std::string association_id;  // empty for a dry run
};

// Request builders, public so a caller can put the same calls in a call_all batch. They validate the
// request (ErrorCode::invalid_argument naming the field).
Result<Ec2Call> create_route_call(const RouteRequest& request);
Result<Ec2Call> replace_route_call(const RouteRequest& request);
Ec2Call delete_route_call(const std::string& route_table_id, const std::string& destination_cidr,
                          bool dry_run);

// Interprets the answer to a mutating call that returns nothing but `return` (CreateRoute, ReplaceRoute,
// DeleteRoute, Modify*): done, dry_run_allowed (only when `dry_run`), or the error.
Result<Outcome> mutation_outcome(const Result<Ec2Response>& response, bool dry_run);

class Ec2Client {
 public:
  // Keeps references to every collaborator: they must outlive the client.
  Ec2Client(HttpTransport& transport, CredentialsProvider& credentials, Clock& clock,
            Ec2ClientOptions options, Logger& logger);

  // The failover mode (retry.h RetryDeadline): while set, every call and batch of this client retries
  // retryable errors until the deadline instead of a fixed number of attempts (unless max_attempts was
  // given explicitly), and no attempt waits past the deadline (its timeout is cut to the time left, but not
  // below min_attempt). Set it for one failover (acquire; the daemon per failover, with its budget) and clear
  // it after (nullopt: the standard mode). Applies to calls started after it is set, from any thread.
  void set_retry_deadline(std::optional<RetryDeadline> deadline);
  std::optional<RetryDeadline> retry_deadline() const;
  // The clock the client sleeps on (callers that retry other services in the same failover use it too).
  Clock& clock() const { return m_clock; }
  // The client's retry strategy (quota and counters, for reports and tests).
  const RetryStrategy& retry_strategy() const { return m_retry; }

  // One call, retried as the retry strategy says. A 2xx answer is returned as is; anything else is the Error
  // its error document (or status) says.
  Result<Ec2Response> call(const std::string& action, const QueryParams& params);

  // Sends every call at the same time (HttpTransport::send_all), then again, all at once, only the ones that
  // failed retryably, after one backoff sleep on the clock (the longest any of them asked for); at most
  // retry.max_attempts rounds, or until the retry deadline when one is set. A call that succeeded or failed
  // for good is never sent again. Results are in input order.
  std::vector<Result<Ec2Response>> call_all(const std::vector<Ec2Call>& calls);

  // Reads. Describe* follow NextToken to the last page (at most k_max_pages pages).
  Result<std::vector<RouteTable>> describe_route_tables(const std::vector<std::string>& ids,
                                                        const std::vector<Filter>& filters = {});
  Result<std::vector<Instance>> describe_instances(const std::vector<std::string>& ids,
                                                   const std::vector<Filter>& filters = {});
  Result<std::vector<NetworkInterface>> describe_network_interfaces(const std::vector<std::string>& ids,
                                                                    const std::vector<Filter>& filters = {});
  Result<std::vector<Subnet>> describe_subnets(const std::vector<std::string>& ids,
                                               const std::vector<Filter>& filters = {});
  Result<std::vector<Vpc>> describe_vpcs(const std::vector<std::string>& ids,
                                         const std::vector<Filter>& filters = {});
  Result<std::vector<Address>> describe_addresses(const std::vector<std::string>& allocation_ids,
                                                  const std::vector<Filter>& filters = {});

  // Writes.
  Result<Outcome> create_route(const RouteRequest& request);
  Result<Outcome> replace_route(const RouteRequest& request);
  Result<Outcome> delete_route(const std::string& route_table_id, const std::string& destination_cidr,
                               bool dry_run = false);
  Result<Outcome> modify_network_interface_attribute_source_dest_check(
      const std::string& network_interface_id, bool enabled, bool dry_run = false);
  Result<AssociateAddressResult> associate_address(const AssociateAddressRequest& request);
  // Returns the private IPs EC2 reports as assigned. AssignPrivateIpAddresses has no DryRun member.
  Result<std::vector<std::string>> assign_private_ip_addresses(const std::string& network_interface_id,
                                                               const std::vector<std::string>& private_ips,
                                                               bool allow_reassignment);
  Result<void> unassign_private_ip_addresses(const std::string& network_interface_id,
                                             const std::vector<std::string>& private_ips);

  // The time EC2 says it is now: the HTTP Date header (RFC 7231 IMF-fixdate, "Sun, 06 Nov 1994 08:49:37
  // GMT") of the answer to one cheap signed read (DescribeRouteTables, MaxResults=5). Any answer carries the
  // header, also the AuthFailure/RequestExpired a badly skewed clock earns, so this works exactly when it is
  // needed. One attempt, no retry. Errors: no credentials, the transport's error, ErrorCode::parse when the
  // answer has no usable Date header.
  Result<TimePoint> server_time();

  static constexpr int k_max_pages = 1000;

 private:
  // Builds and signs one attempt of one call; an error when credentials cannot be had.
  Result<HttpRequest> build_request(const std::string& action, const QueryParams& params, int attempt,
                                    const std::optional<RetryDeadline>& deadline);
  // Classifies one transport outcome and logs it.
  Result<Ec2Response> finish(const std::string& action, const Result<HttpResponse>& sent, TimePoint started,
                             int attempt);
  template <class T, class Parse>
  Result<std::vector<T>> describe_all(const std::string& action, const QueryParams& params, Parse parse);

  HttpTransport& m_transport;
  CredentialsProvider& m_credentials;
  Clock& m_clock;
  Ec2ClientOptions m_options;
  Logger& m_logger;
  RetryStrategy m_retry;
  mutable std::mutex m_deadline_mutex;
  std::optional<RetryDeadline> m_deadline;
};

// Sets a client's retry deadline for a scope (one failover) and restores the previous one after.
class ScopedRetryDeadline {
 public:
  ScopedRetryDeadline(Ec2Client& client, std::optional<RetryDeadline> deadline)
      : m_client(client), m_previous(client.retry_deadline()) {
    m_client.set_retry_deadline(std::move(deadline));
  }
  ~ScopedRetryDeadline() { m_client.set_retry_deadline(m_previous); }
  ScopedRetryDeadline(const ScopedRetryDeadline&) = delete;
  ScopedRetryDeadline& operator=(const ScopedRetryDeadline&) = delete;

 private:
  Ec2Client& m_client;
  std::optional<RetryDeadline> m_previous;
};

}  // namespace cloudvip
