// The command line's share of the configuration, and the rule that combines it with the file.
//
// Merge rule (load_config):
// - The file is --config FILE, else CLOUDVIP_CONFIG (when not empty), else /etc/cloudvip/cloudvip.toml.
// - Global flags (--region, --endpoint, --imds-endpoint, --profile, --timeout) override the file's [aws]
// keys.
// - --address means "flags only, one VIP": the file's [[vip]] entries are ignored (still checked when the
// file
//   is read). Its [aws] table is used only when the file was named explicitly (--config or CLOUDVIP_CONFIG);
//   the default file is then not read at all, so a flags-only command never depends on a file it did not
//   name.
// - The other VIP flags (--route-table, --interface, --label, --elastic-ip, --mode, --no-local) need
//   --address: they describe that one VIP and never edit a [[vip]] of the file.
// - --vip NAME selects among the file's VIPs (select_vips); with --address it is refused (there is one VIP).
// - Without --address the file must exist and hold at least one [[vip]].
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/env.h"
#include "vip/config.h"

namespace cloudvip {

// Mirrors the flags, as given (unchecked text); unset flags are nullopt / empty / false.
struct ConfigFlags {
  std::optional<std::string> config_path;  // --config FILE

  // Global flags.
  std::optional<std::string> region;         // --region
  std::optional<std::string> endpoint;       // --endpoint
  std::optional<std::string> imds_endpoint;  // --imds-endpoint
  std::optional<std::string> profile;        // --profile
  std::optional<std::string> timeout;        // --timeout: "10", "2.5s", "500ms"
  std::optional<std::string> vip_name;       // --vip NAME

  // One VIP given by flags.
  std::optional<std::string> address;          // --address
  std::vector<std::string> route_tables;       // --route-table, repeatable; a single "vpc" = every table
  std::optional<std::string> route_table_tag;  // --route-table-tag KEY=VALUE
  std::optional<std::string> interface;        // --interface
  std::optional<std::string> label;            // --label
  std::optional<std::string> elastic_ip;       // --elastic-ip
  std::optional<std::string> mode;             // --mode route|secondary-ip
  bool no_local = false;                       // --no-local: local_address = false
};

// The one VIP and the [aws] settings given by flags; source "flags". Requires --address.
Result<Config> config_from_flags(const ConfigFlags& flags);

// `aws` with every global flag that is set put over it (checked like the file's keys).
Result<AwsSettings> apply_aws_flags(AwsSettings aws, const ConfigFlags& flags);

// The configuration a command runs with, by the merge rule above. Reads the file system.
Result<Config> load_config(const ConfigFlags& flags, const Environment& env);

}  // namespace cloudvip
