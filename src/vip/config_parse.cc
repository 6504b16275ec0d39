// parse_config: the TOML file's text to a checked Config (config.h lists the keys).
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <map>

#include "common/toml_reader.h"
#include "vip/config.h"
#include "vip/config_sections.h"
#include "vip/config_values.h"

namespace cloudvip {
namespace {

constexpr std::array<std::string_view, 3> k_top_keys = {"aws", "vip", "daemon"};
constexpr std::array<std::string_view, 7> k_aws_keys = {
    "region", "endpoint", "profile", "imds_endpoint", "imds_v1_fallback", "max_attempts", "timeout"};
constexpr std::array<std::string_view, 10> k_vip_keys = {
    "name",       "address", "interface",     "label", "route_tables", "route_table_tag",
    "elastic_ip", "mode",    "local_address", "leader"};
constexpr std::string_view k_credentials_hint =
    "credentials never go in this file: use the instance profile (IAM role) or a profile of the AWS "
    "credentials file (aws.profile)";

class Parser {
 public:
  explicit Parser(std::string_view source) : m_source(source) {}

  Result<AwsSettings> aws(const TomlReader& root, const toml::node& node) {
    AwsSettings aws;
    const toml::table* table = node.as_table();
    if (!table) {
      return root.wrong_type(node, "aws", "the table [aws]");
    }
    TomlReader reader(m_source, *table, "aws");
    if (auto known = reader.only_keys(k_aws_keys, "[aws]", k_credentials_hint); !known) {
      return fail(known.error());
    }
    struct Text {
      std::string_view name;
      std::optional<std::string>* out;
      Result<std::string> (*check)(std::string_view, std::string_view);
    };
    for (const Text& text :
         {Text{"region", &aws.region, check_region}, Text{"endpoint", &aws.endpoint, check_endpoint},
          Text{"profile", &aws.profile, check_profile},
          Text{"imds_endpoint", &aws.imds_endpoint, check_imds_endpoint}}) {
      auto value = checked_text(reader, text.name, text.check);
      if (!value) {
        return fail(value.error());
      }
      *text.out = *value;
    }
    auto fallback = reader.optional_bool("imds_v1_fallback", "true or false, without quotes");
    if (!fallback) {
      return fail(fallback.error());
    }
    aws.imds_v1_fallback = fallback->value_or(false);
    auto attempts =
        reader.optional_int("max_attempts", "a whole number without quotes, e.g. max_attempts = 3");
    if (!attempts) {
      return fail(attempts.error());
    }
    if (*attempts) {
      auto checked =
          check_max_attempts(**attempts, reader.located(*table->get("max_attempts"), "aws.max_attempts"));
      if (!checked) {
        return fail(checked.error());
      }
      aws.max_attempts = *checked;
    }
    if (const toml::node* timeout = table->get("timeout")) {
      std::string key = reader.located(*timeout, "aws.timeout");
      Result<Millis> checked =
          timeout->is_string() ? parse_timeout(timeout->as_string()->get(), key)
          : timeout->is_number()
              ? check_timeout_seconds(timeout->value<double>().value(), toml_shown(*timeout), key)
              : reader.wrong_type(*timeout, "aws.timeout", "seconds, e.g. timeout = 10 or \"500ms\"");
      if (!checked) {
        return fail(checked.error());
      }
      aws.timeout = *checked;
    }
    return aws;
  }

  Result<std::optional<RouteTablesSetting>> route_tables(const TomlReader& reader, VipMode mode) {
    const toml::node* tables = reader.get("route_tables");
    const toml::node* tag = reader.get("route_table_tag");
    std::string key = reader.key_path("route_tables");
    std::string tag_key = reader.key_path("route_table_tag");
    if (mode == VipMode::secondary_ip) {
      if (tables || tag) {
        const toml::node& node = tables ? *tables : *tag;
        return config_error(
            reader.located(node, tables ? key : tag_key),
            toml_shown(node) +
                " is set, but mode = \"secondary-ip\" moves a private IP and changes no routes "
                "(remove it, or use mode = \"route\")");
      }
      return std::nullopt;
    }
    if (tables && tag) {
      return config_error(
          reader.located(*tag, tag_key),
          toml_shown(*tag) + " is given together with route_tables (keep exactly one of the two)");
    }
    if (tag) {
      if (!tag->is_string()) {
        return reader.wrong_type(*tag, tag_key, "a string \"KEY=VALUE\"");
      }
      auto checked = checked_text(reader, "route_table_tag", check_route_table_tag);
      if (!checked) {
        return fail(checked.error());
      }
      return RouteTablesSetting(**checked);
    }
    if (!tables) {
      return config_error(
          reader.located(reader.table(), reader.path()),
          "no route_tables (add route_tables = [\"rtb-...\", ...], route_tables = \"vpc\" for "
          "every table of the VPC, or route_table_tag = \"KEY=VALUE\")");
    }
    if (const auto* text = tables->as_string()) {
      if (text->get() == "vpc") {
        return RouteTablesSetting(WholeVpcRouteTables{});
      }
      return config_error(reader.located(*tables, key),
                          toml_shown(*tables) +
                              " is not a route table selector (the only string accepted is \"vpc\", every "
                              "table of the VPC; list ids as route_tables = [\"rtb-...\"])");
    }
    const toml::array* list = tables->as_array();
    if (!list) {
      return reader.wrong_type(*tables, key, "a list of route table ids like [\"rtb-0a1b2c3d\"] or \"vpc\"");
    }
    if (list->empty()) {
      return config_error(reader.located(*tables, key),
                          "[] is empty (list at least one route table id, or write route_tables = \"vpc\")");
    }
    ExplicitRouteTables explicit_tables;
    for (size_t i = 0; i < list->size(); ++i) {
      const toml::node& item = *list->get(i);
      std::string item_key = key + "[" + std::to_string(i) + "]";
      if (!item.is_string()) {
        return reader.wrong_type(item, item_key, "a route table id string like \"rtb-0a1b2c3d\"");
      }
      auto id = check_route_table_id(item.as_string()->get(), reader.located(item, item_key));
      if (!id) {
        return fail(id.error());
      }
      if (std::ranges::find(explicit_tables.ids, *id) != explicit_tables.ids.end()) {
        return config_error(reader.located(item, item_key),
                            in_quotes(*id) + " is listed twice (remove the repetition)");
      }
      explicit_tables.ids.push_back(*id);
    }
    return RouteTablesSetting(std::move(explicit_tables));
  }

  Result<VipSpec> vip(const TomlReader& reader) {
    if (auto known = reader.only_keys(k_vip_keys, "[[vip]]", k_credentials_hint); !known) {
      return fail(known.error());
    }
    VipSpec spec;
    auto address = checked_text(reader, "address", check_vip_address);
    if (!address) {
      return fail(address.error());
    }
    if (!*address) {
      return config_error(reader.located(reader.table(), reader.path()),
                          "no address (add address = \"10.109.10.254\", the VIP)");
    }
    spec.address = **address;
    auto name = checked_text(reader, "name", check_vip_name);
    if (!name) {
      return fail(name.error());
    }
    spec.name = name->value_or(spec.address.to_string());
    auto interface = checked_text(reader, "interface", check_interface_name);
    if (!interface) {
      return fail(interface.error());
    }
    spec.interface = *interface;
    auto label = checked_text(reader, "label", [&](std::string_view text, std::string_view key) {
      return check_label(text, spec.interface, key);
    });
    if (!label) {
      return fail(label.error());
    }
    spec.label = *label;
    auto mode = checked_text(reader, "mode", check_mode);
    if (!mode) {
      return fail(mode.error());
    }
    spec.mode = mode->value_or(VipMode::route);
    auto elastic_ip = checked_text(reader, "elastic_ip", check_elastic_ip);
    if (!elastic_ip) {
      return fail(elastic_ip.error());
    }
    spec.elastic_ip = *elastic_ip;
    auto selector = route_tables(reader, spec.mode);
    if (!selector) {
      return fail(selector.error());
    }
    spec.route_tables = std::move(*selector);
    auto local = reader.optional_bool("local_address", "true or false, without quotes");
    if (!local) {
      return fail(local.error());
    }
    spec.local_address = local->value_or(true);
    auto leader = parse_leader_table(reader);
    if (!leader) {
      return fail(leader.error());
    }
    spec.leader = std::move(*leader);
    return spec;
  }

  Result<Config> config(const toml::table& root_table) {
    Config config;
    config.source = m_source;
    TomlReader root(m_source, root_table, "");
    if (auto known = root.only_keys(k_top_keys, "the file", k_credentials_hint); !known) {
      return fail(known.error());
    }
    if (const toml::node* aws_node = root.get("aws")) {
      auto settings = aws(root, *aws_node);
      if (!settings) {
        return fail(settings.error());
      }
      config.aws = std::move(*settings);
    }
    if (const toml::node* daemon_node = root.get("daemon")) {
      auto settings = parse_daemon_table(root, *daemon_node);
      if (!settings) {
        return fail(settings.error());
      }
      config.daemon = std::move(*settings);
    }
    const toml::node* vips = root.get("vip");
    if (!vips) {
      return config;
    }
    if (vips->is_table()) {
      return config_error(root.located(*vips, "vip"),
                          "[vip] is a single table (write [[vip]], with two brackets, before each VIP)");
    }
    const toml::array* list = vips->as_array();
    if (!list) {
      return root.wrong_type(*vips, "vip", "[[vip]] tables, one per VIP");
    }
    std::map<std::string, size_t> names;
    std::map<Ipv4Address, size_t> addresses;
    for (size_t i = 0; i < list->size(); ++i) {
      const toml::node& item = *list->get(i);
      std::string prefix = "vip[" + std::to_string(i) + "]";
      if (!item.is_table()) {
        return root.wrong_type(item, prefix, "a [[vip]] table");
      }
      TomlReader reader(m_source, *item.as_table(), prefix);
      auto spec = vip(reader);
      if (!spec) {
        return fail(spec.error());
      }
      if (auto [it, added] = addresses.emplace(spec->address, i); !added) {
        return config_error(reader.located(*reader.get("address"), prefix + ".address"),
                            in_quotes(spec->address.to_string()) + " is also the address of vip[" +
                                std::to_string(it->second) + "] (each VIP needs its own address)");
      }
      if (auto [it, added] = names.emplace(spec->name, i); !added) {
        const toml::node* name = reader.get("name");
        return config_error(reader.located(name ? *name : item, prefix + ".name"),
                            in_quotes(spec->name) + " is also the name of vip[" + std::to_string(it->second) +
                                "] (give each VIP its own name = \"...\")");
      }
      config.vips.push_back(std::move(*spec));
    }
    return config;
  }

 private:
  std::string m_source;
};

}  // namespace

Result<Config> parse_config(std::string_view toml_text, std::string_view source_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& error) {
    const auto& begin = error.source().begin;
    return fail(
        ErrorCode::config,
        std::string(source_name) + ":" + std::to_string(begin.line) + ":" + std::to_string(begin.column) +
            ": line " + std::to_string(begin.line) +
            " is not valid TOML: " + std::string(error.description()) +
            " (fix that line: strings need double quotes, tables are [aws] and [[vip]], one key = value "
            "per line)");
  }
  return Parser(source_name).config(root);
}

}  // namespace cloudvip
