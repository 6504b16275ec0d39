// cloudvip's configuration: which VIPs to keep on this host and how to reach AWS. Read from a TOML file
// (parse_config, load_config_file) or from command-line flags for one VIP (config_flags.h), checked whole
// before anything acts: every error is Error{ErrorCode::config} naming the key, the value and the fix.
//
// The file: /etc/cloudvip/cloudvip.toml, or the file named by --config FILE or CLOUDVIP_CONFIG.
//
//   [aws]                 Optional table; every key optional. Flags of the same meaning override these.
//   region                AWS region, e.g. "eu-west-1". Default: --region, AWS_REGION, AWS_DEFAULT_REGION,
//                         the profile's region, then IMDS (the instance's own region).
//   endpoint              EC2 endpoint URL, e.g. "https://ec2.eu-west-1.amazonaws.com" or an emulator's
//                         "http://127.0.0.1:8080". Default: AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL, then the
//                         region's public endpoint.
//   profile               Profile of the AWS config and credentials files. Default: AWS_PROFILE, then
//   "default";
//                         on EC2 the instance profile (IAM role) needs no setting. Credentials themselves
//                         never go in this file.
//   imds_endpoint         Instance metadata base URL. Default: http://169.254.169.254.
//   imds_v1_fallback      true to fall back to IMDSv1 when no IMDSv2 token can be had. Default: false.
//   max_attempts          Attempts per AWS call, counting the first, 1 to 20. Default: 3.
//   timeout               Time limit for one command's AWS work in seconds (a number, or text like "2.5s",
//                         "500ms"), above 0 and at most 600. Default: chosen by the command.
//
//   [[vip]]               One table per VIP (two brackets); at least one, unless --address is given.
//   name                  What --vip NAME selects (letters, digits, '.', '_', '-'). Default: the address.
//                         Unique in the file.
//   address               Required. The VIP, an IPv4 address such as "10.109.10.254" (no /prefix). Unique in
//                         the file. Outside every VPC CIDR it is an overlay VIP, routed as VIP/32; inside, it
//                         needs a small subnet of its own whose whole CIDR is routed (see
//                         route_destination.h).
//   interface             Local interface that holds the VIP, e.g. "eth0". Default: the default route's.
//   label                 Address label, "<interface>:<suffix>" such as "eth0:1", at most 15 characters.
//                         Default: none.
//   route_tables          Which route tables get the VIP route: a list of ids ["rtb-0a...", "rtb-0b..."], or
//                         the string "vpc" for every table of the VPC. Every table a client subnet uses must
//                         be covered. Exactly one of route_tables and route_table_tag is required in mode
//                         "route".
//   route_table_tag       "KEY=VALUE": the VPC's route tables carrying that tag, e.g. "cloudvip=iris".
//   elastic_ip            Allocation id "eipalloc-..." of an Elastic IP that follows the primary. Default:
//   none. mode                  "route" (default): VPC routes point the VIP at the primary's ENI.
//   "secondary-ip":
//                         the VIP moves as a secondary private IP between ENIs; only for two members in one
//                         subnet that contains the VIP (checked at run time, not here); takes no route
//                         tables.
//   local_address         true (default): cloudvip puts the VIP on the interface. false when something else
//                         (keepalived, Pacemaker's IPaddr2) does.
//
//   [vip.leader]          Optional, after its [[vip]]: where `cloudvip run` learns whether this member is the
//                         primary (leader/leader_settings.h; docs/daemon.md, "Leader sources").
//   source                Required: "patroni", "etcd", "iris", "command" or "trigger".
//   hold_down, timeout,   Durations ("500ms", "5s", "1m" or seconds). hold_down: 0 to 600 s, default 0;
//   poll_interval         timeout: 10 ms to 60 s, default 2 s; poll_interval: default [daemon] interval.
//                         Neither timeout nor poll_interval for "trigger".
//   url                   patroni: this member's own REST API base ("http://127.0.0.1:8008"); iris: the
//                         mirror status page's whole URL. Required for both, refused for the others.
//   command               command: argv list, the first element an absolute path; run without a shell.
//   endpoints, key,       etcd: client URLs (http:// or https://), the leader key, this member's name
//   member                (default: the hostname).
//   username,             etcd: user/password authentication (both or neither); the password is read from
//   password_file         password_file, never written in this file.
//   ca_file, cert_file,   etcd: TLS files (absolute paths; cert_file and key_file together; https endpoints).
//   key_file
//   A key that belongs to another source is an error.
//
//   [daemon]              Optional; only `cloudvip run` reads it (daemon/daemon_settings.h).
//   metrics               "HOST:PORT" for Prometheus /metrics, e.g. "127.0.0.1:9464"; absent: off. Any host
//                         is accepted: a non-loopback one exposes the metrics to the network.
//   control_socket        Absolute path of the control socket (at most 107 characters). Default
//                         /run/cloudvip/control.sock.
//   interval              How often every VIP's tables are observed: 100 ms to 1 h. Default 5 s.
//   failover_timeout      One takeover's budget for retried EC2 calls: 100 ms to 600 s. Default 10 s.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/cidr.h"
#include "common/clock.h"
#include "common/error.h"
#include "daemon/daemon_settings.h"
#include "leader/leader_settings.h"

namespace cloudvip {

inline constexpr std::string_view k_default_config_path = "/etc/cloudvip/cloudvip.toml";

struct AwsSettings {
  std::optional<std::string> region;
  std::optional<std::string> endpoint;  // normalized by parse_endpoint_url
  std::optional<std::string> profile;
  std::optional<std::string> imds_endpoint;
  bool imds_v1_fallback = false;
  std::optional<int> max_attempts;  // 1..k_max_attempts_limit
  std::optional<Millis> timeout;    // above 0, at most k_max_timeout
};

// route_tables = ["rtb-...", ...]: these tables, in the order given, without duplicates.
struct ExplicitRouteTables {
  std::vector<std::string> ids;
  friend bool operator==(const ExplicitRouteTables&, const ExplicitRouteTables&) = default;
};
// route_table_tag = "KEY=VALUE": the tables of the VPC that carry this tag.
struct RouteTableTag {
  std::string key;
  std::string value;
  friend bool operator==(const RouteTableTag&, const RouteTableTag&) = default;
};
// route_tables = "vpc": every table of the VPC (the seed script's behaviour).
struct WholeVpcRouteTables {
  friend bool operator==(const WholeVpcRouteTables&, const WholeVpcRouteTables&) = default;
};
// (Not called RouteTableSelector: that is vip/cloud.h's selector, what the Cloud is asked for.)
using RouteTablesSetting = std::variant<ExplicitRouteTables, RouteTableTag, WholeVpcRouteTables>;

enum class VipMode { route, secondary_ip };
// "route" or "secondary-ip", as written in the file.
std::string_view to_string(VipMode mode);

struct VipSpec {
  std::string name;
  Ipv4Address address;
  std::optional<std::string> interface;  // nullopt: the interface of the default route, resolved later
  std::optional<std::string> label;
  // Set exactly when mode == route.
  std::optional<RouteTablesSetting> route_tables;
  std::optional<std::string> elastic_ip;  // allocation id
  VipMode mode = VipMode::route;
  bool local_address = true;
  // [vip.leader]: only `cloudvip run` reads it; nullopt when the table is absent.
  std::optional<LeaderSettings> leader;
};

struct Config {
  AwsSettings aws;
  std::vector<VipSpec> vips;  // may be empty only in a file used together with --address
  DaemonSettings daemon;      // [daemon]
  std::string source;         // the file's path, or "flags"
};

// Parses and checks a whole file. `source_name` starts every error message ("cloudvip.toml:7: vip[0]...").
// A file without [[vip]] parses (its [aws] may serve a flags-only VIP); load_config refuses it alone.
Result<Config> parse_config(std::string_view toml_text, std::string_view source_name);

// Reads and parses `path`. A missing file is an error naming the path and the alternatives (--config,
// CLOUDVIP_CONFIG, or one VIP given with --address flags).
Result<Config> load_config_file(const std::filesystem::path& path);

// The VIP called `name`, or every VIP when there is no name. An unknown name is an error listing the names.
Result<std::vector<VipSpec>> select_vips(const Config& config, const std::optional<std::string>& name);

}  // namespace cloudvip
