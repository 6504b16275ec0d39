// EC2 answers: the first byte picks the HTTP status class, the rest is the body. Success bodies go through
// every response parser cloudvip has, error bodies through the error document reader.
#include <cstddef>
#include <cstdint>
#include <string>

#include "aws/ec2_xml.h"

using namespace cloudvip;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  static constexpr int k_statuses[] = {200, 200, 400, 401, 403, 412, 500, 503};
  HttpResponse response;
  response.status = k_statuses[data[0] % 8];
  response.body.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  (void)find_request_id(response.body);
  (void)error_from_response("ReplaceRoute", response.status, response.body).to_string();
  Result<Ec2Response> checked = check_response("DescribeRouteTables", response);
  if (!checked) {
    (void)checked.error().to_string();
    return 0;
  }
  (void)parse_describe_route_tables(*checked);
  (void)parse_describe_instances(*checked);
  (void)parse_describe_network_interfaces(*checked);
  (void)parse_describe_subnets(*checked);
  (void)parse_describe_vpcs(*checked);
  (void)parse_describe_addresses(*checked);
  (void)parse_associate_address(*checked);
  (void)parse_assign_private_ip_addresses(*checked);
  (void)parse_return(*checked);
  return 0;
}
