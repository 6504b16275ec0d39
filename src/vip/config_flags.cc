#include "vip/config_flags.h"

#include <algorithm>

#include "vip/config_values.h"

namespace cloudvip {
namespace {

// The VIP flags other than --address, with the names the user typed; empty when none is set.
std::vector<std::string> vip_flags_set(const ConfigFlags& flags) {
  std::vector<std::string> set;
  if (!flags.route_tables.empty()) {
    set.push_back("--route-table");
  }
  for (const auto& [name, value] :
       {std::pair{"--route-table-tag", &flags.route_table_tag}, std::pair{"--interface", &flags.interface},
        std::pair{"--label", &flags.label}, std::pair{"--elastic-ip", &flags.elastic_ip},
        std::pair{"--mode", &flags.mode}}) {
    if (*value) {
      set.push_back(name);
    }
  }
  if (flags.no_local) {
    set.push_back("--no-local");
  }
  return set;
}

Result<std::optional<RouteTablesSetting>> route_tables_from_flags(const ConfigFlags& flags, VipMode mode) {
  bool have_list = !flags.route_tables.empty();
  if (mode == VipMode::secondary_ip) {
    if (have_list || flags.route_table_tag) {
      std::string flag = have_list ? "--route-table" : "--route-table-tag";
      std::string value = have_list ? flags.route_tables.front() : *flags.route_table_tag;
      return config_error(flag,
                          in_quotes(value) +
                              " is given, but --mode secondary-ip moves a private IP and changes no routes "
                              "(drop " +
                              flag + ", or use --mode route)");
    }
    return std::nullopt;
  }
  if (have_list && flags.route_table_tag) {
    return config_error(
        "--route-table-tag",
        in_quotes(*flags.route_table_tag) + " is given together with --route-table (keep one of the two)");
  }
  if (flags.route_table_tag) {
    auto tag = check_route_table_tag(*flags.route_table_tag, "--route-table-tag");
    if (!tag) {
      return fail(tag.error());
    }
    return RouteTablesSetting(*tag);
  }
  if (!have_list) {
    return config_error(
        "--route-table",
        "not given (pass --route-table rtb-... once per route table, --route-table vpc for every "
        "table of the VPC, or --route-table-tag KEY=VALUE)");
  }
  if (std::ranges::find(flags.route_tables, "vpc") != flags.route_tables.end()) {
    if (flags.route_tables.size() == 1) {
      return RouteTablesSetting(WholeVpcRouteTables{});
    }
    return config_error("--route-table",
                        "'vpc' is given together with route table ids ('vpc' already means "
                        "every table of the VPC: give it alone, or list ids only)");
  }
  ExplicitRouteTables tables;
  for (const std::string& text : flags.route_tables) {
    auto id = check_route_table_id(text, "--route-table");
    if (!id) {
      return fail(id.error());
    }
    if (std::ranges::find(tables.ids, *id) != tables.ids.end()) {
      return config_error("--route-table", in_quotes(*id) + " is given twice (pass each route table once)");
    }
    tables.ids.push_back(*id);
  }
  return RouteTablesSetting(std::move(tables));
}

}  // namespace

Result<AwsSettings> apply_aws_flags(AwsSettings aws, const ConfigFlags& flags) {
  if (flags.region) {
    auto region = check_region(*flags.region, "--region");
    if (!region) {
      return fail(region.error());
    }
    aws.region = *region;
  }
  if (flags.endpoint) {
    auto endpoint = check_endpoint(*flags.endpoint, "--endpoint");
    if (!endpoint) {
      return fail(endpoint.error());
    }
    aws.endpoint = *endpoint;
  }
  if (flags.imds_endpoint) {
    auto endpoint = check_imds_endpoint(*flags.imds_endpoint, "--imds-endpoint");
    if (!endpoint) {
      return fail(endpoint.error());
    }
    aws.imds_endpoint = *endpoint;
  }
  if (flags.profile) {
    auto profile = check_profile(*flags.profile, "--profile");
    if (!profile) {
      return fail(profile.error());
    }
    aws.profile = *profile;
  }
  if (flags.timeout) {
    auto timeout = parse_timeout(*flags.timeout, "--timeout");
    if (!timeout) {
      return fail(timeout.error());
    }
    aws.timeout = *timeout;
  }
  return aws;
}

Result<Config> config_from_flags(const ConfigFlags& flags) {
  if (!flags.address) {
    std::vector<std::string> set = vip_flags_set(flags);
    std::string flag = set.empty() ? std::string("--address") : set.front();
    return config_error(flag,
                        "describes a VIP given by flags, and --address is missing (add --address VIP; "
                        "to change a VIP of the config file, edit its [[vip]] table)");
  }
  VipSpec vip;
  auto address = check_vip_address(*flags.address, "--address");
  if (!address) {
    return fail(address.error());
  }
  vip.address = *address;
  vip.name = address->to_string();
  if (flags.interface) {
    auto interface = check_interface_name(*flags.interface, "--interface");
    if (!interface) {
      return fail(interface.error());
    }
    vip.interface = *interface;
  }
  if (flags.label) {
    auto label = check_label(*flags.label, vip.interface, "--label");
    if (!label) {
      return fail(label.error());
    }
    vip.label = *label;
  }
  if (flags.mode) {
    auto mode = check_mode(*flags.mode, "--mode");
    if (!mode) {
      return fail(mode.error());
    }
    vip.mode = *mode;
  }
  auto selector = route_tables_from_flags(flags, vip.mode);
  if (!selector) {
    return fail(selector.error());
  }
  vip.route_tables = std::move(*selector);
  if (flags.elastic_ip) {
    auto elastic_ip = check_elastic_ip(*flags.elastic_ip, "--elastic-ip");
    if (!elastic_ip) {
      return fail(elastic_ip.error());
    }
    vip.elastic_ip = *elastic_ip;
  }
  vip.local_address = !flags.no_local;

  auto aws = apply_aws_flags(AwsSettings{}, flags);
  if (!aws) {
    return fail(aws.error());
  }
  return Config{.aws = std::move(*aws), .vips = {std::move(vip)}, .source = "flags"};
}

Result<Config> load_config(const ConfigFlags& flags, const Environment& env) {
  std::optional<std::string> explicit_path = flags.config_path;
  if (!explicit_path) {
    explicit_path = env.get_nonempty("CLOUDVIP_CONFIG");
  }
  if (flags.config_path && flags.config_path->empty()) {
    return config_error("--config", "'' is empty (give the path of a TOML file, e.g. " +
                                        std::string(k_default_config_path) + ")");
  }

  if (flags.address || !vip_flags_set(flags).empty()) {
    if (flags.vip_name) {
      return config_error("--vip",
                          in_quotes(*flags.vip_name) +
                              " selects a [[vip]] of the config file, but --address describes the only "
                              "VIP (drop one of the two)");
    }
    auto config = config_from_flags(flags);
    if (!config || !explicit_path) {
      return config;
    }
    auto file = load_config_file(*explicit_path);
    if (!file) {
      return fail(file.error());
    }
    auto aws = apply_aws_flags(file->aws, flags);
    if (!aws) {
      return fail(aws.error());
    }
    config->aws = std::move(*aws);
    return config;
  }

  std::string path = explicit_path.value_or(std::string(k_default_config_path));
  auto config = load_config_file(path);
  if (!config) {
    return config;
  }
  auto aws = apply_aws_flags(config->aws, flags);
  if (!aws) {
    return fail(aws.error());
  }
  config->aws = std::move(*aws);
  if (config->vips.empty()) {
    return config_error(config->source,
                        "has no [[vip]], so there is nothing to do (add a [[vip]] table with "
                        "address and route_tables, or give one VIP with --address VIP "
                        "--route-table rtb-...)");
  }
  return config;
}

}  // namespace cloudvip
