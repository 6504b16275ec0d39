// parse_config: the TOML file's text to a checked Config (config.h lists the keys).
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <map>
#include <sstream>

#include "common/strings.h"
#include "common/toml_names.h"
#include "vip/config.h"
#include "vip/config_values.h"

namespace cloudvip {
namespace {

constexpr std::array<std::string_view, 2> k_top_keys = {"aws", "vip"};
constexpr std::array<std::string_view, 7> k_aws_keys = {
    "region", "endpoint", "profile", "imds_endpoint", "imds_v1_fallback", "max_attempts", "timeout"};
constexpr std::array<std::string_view, 9> k_vip_keys = {"name",       "address",      "interface",
                                                        "label",      "route_tables", "route_table_tag",
                                                        "elastic_ip", "mode",         "local_address"};

std::string_view type_name(toml::node_type type) {
  return toml_type_name(type);
}

// The value as a person would recognise it from the file: strings in single quotes, the rest as TOML.
std::string shown(const toml::node& node) {
  if (const auto* text = node.as_string()) {
    return in_quotes(text->get());
  }
  std::ostringstream out;
  node.visit([&out](const auto& value) { out << value; });
  std::string text = out.str();
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

// Keys that may carry a secret: their values never appear in a message.
bool looks_secret(std::string_view key) {
  std::string lower = to_lower(key);
  for (std::string_view part : {"secret", "token", "password", "access_key", "session"}) {
    if (lower.find(part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

// Parsing state for one file: builds keys and message prefixes ("FILE:LINE: KEY").
class Parser {
 public:
  explicit Parser(std::string_view source) : m_source(source) {}

  std::string key_at(const toml::node& node, std::string_view key) const {
    auto line = node.source().begin.line;
    return m_source + (line > 0 ? ":" + std::to_string(line) : "") + ": " + std::string(key);
  }

  std::unexpected<Error> wrong_type(const toml::node& node, std::string_view key, std::string_view expected) {
    return config_error(key_at(node, key), shown(node) + " is " + std::string(type_name(node.type())) +
                                               "; expected " + std::string(expected));
  }

  Result<void> check_known_keys(const toml::table& table, std::string_view prefix,
                                std::span<const std::string_view> known, std::string_view table_name) {
    for (const auto& [name, node] : table) {
      if (std::ranges::find(known, name.str()) != known.end()) {
        continue;
      }
      std::string key =
          prefix.empty() ? std::string(name.str()) : std::string(prefix) + "." + std::string(name);
      std::string value = looks_secret(name.str())    ? "(value hidden)"
                          : node.is_table()           ? "[" + std::string(name.str()) + "]"
                          : node.is_array_of_tables() ? "[[" + std::string(name.str()) + "]]"
                                                      : shown(node);
      std::string hint;
      if (auto close = closest_name(name.str(), known)) {
        hint = "did you mean '" + std::string(*close) + "'? ";
      }
      if (looks_secret(name.str())) {
        hint +=
            "credentials never go in this file: use the instance profile (IAM role) or a profile of the AWS "
            "credentials file (aws.profile); ";
      }
      return config_error(key_at(node, key), value + " is not a known key (" + hint + "the keys of " +
                                                 std::string(table_name) + " are " + join_names(known) + ")");
    }
    return ok();
  }

  Result<std::optional<std::string>> string_at(const toml::table& table, std::string_view name,
                                               std::string_view key) {
    const toml::node* node = table.get(name);
    if (!node) {
      return std::nullopt;
    }
    if (!node->is_string()) {
      return wrong_type(*node, key, "a string in double quotes");
    }
    return node->as_string()->get();
  }

  // The string at `name` passed through `check(text, key)`; nullopt when the key is absent.
  template <class Check>
  auto checked_text(const toml::table& table, std::string_view prefix, std::string_view name, Check check)
      -> Result<
          std::optional<typename std::invoke_result_t<Check, std::string_view, std::string>::value_type>> {
    std::string key = std::string(prefix) + "." + std::string(name);
    auto text = string_at(table, name, key);
    if (!text) {
      return fail(text.error());
    }
    if (!*text) {
      return std::nullopt;
    }
    auto checked = check(**text, key_at(*table.get(name), key));
    if (!checked) {
      return fail(checked.error());
    }
    return std::move(*checked);
  }

  Result<AwsSettings> aws(const toml::node& node) {
    AwsSettings aws;
    const toml::table* table = node.as_table();
    if (!table) {
      return wrong_type(node, "aws", "the table [aws]");
    }
    if (auto known = check_known_keys(*table, "aws", k_aws_keys, "[aws]"); !known) {
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
      auto value = checked_text(*table, "aws", text.name, text.check);
      if (!value) {
        return fail(value.error());
      }
      *text.out = *value;
    }
    if (const toml::node* fallback = table->get("imds_v1_fallback")) {
      if (!fallback->is_boolean()) {
        return wrong_type(*fallback, "aws.imds_v1_fallback", "true or false, without quotes");
      }
      aws.imds_v1_fallback = fallback->as_boolean()->get();
    }
    if (const toml::node* attempts = table->get("max_attempts")) {
      if (!attempts->is_integer()) {
        return wrong_type(*attempts, "aws.max_attempts",
                          "a whole number without quotes, e.g. max_attempts = 3");
      }
      auto checked = check_max_attempts(attempts->as_integer()->get(), key_at(*attempts, "aws.max_attempts"));
      if (!checked) {
        return fail(checked.error());
      }
      aws.max_attempts = *checked;
    }
    if (const toml::node* timeout = table->get("timeout")) {
      std::string key = key_at(*timeout, "aws.timeout");
      Result<Millis> checked =
          timeout->is_string() ? parse_timeout(timeout->as_string()->get(), key)
          : timeout->is_number()
              ? check_timeout_seconds(timeout->value<double>().value(), shown(*timeout), key)
              : wrong_type(*timeout, "aws.timeout", "seconds, e.g. timeout = 10 or \"500ms\"");
      if (!checked) {
        return fail(checked.error());
      }
      aws.timeout = *checked;
    }
    return aws;
  }

  Result<std::optional<RouteTablesSetting>> route_tables(const toml::table& table, std::string_view prefix,
                                                         VipMode mode) {
    const toml::node* tables = table.get("route_tables");
    const toml::node* tag = table.get("route_table_tag");
    std::string key = std::string(prefix) + ".route_tables";
    if (mode == VipMode::secondary_ip) {
      if (tables || tag) {
        const toml::node& node = tables ? *tables : *tag;
        return config_error(
            key_at(node, std::string(prefix) + (tables ? ".route_tables" : ".route_table_tag")),
            shown(node) +
                " is set, but mode = \"secondary-ip\" moves a private IP and changes no routes "
                "(remove it, or use mode = \"route\")");
      }
      return std::nullopt;
    }
    if (tables && tag) {
      return config_error(key_at(*tag, std::string(prefix) + ".route_table_tag"),
                          shown(*tag) + " is given together with route_tables (keep exactly one of the two)");
    }
    if (tag) {
      if (!tag->is_string()) {
        return wrong_type(*tag, std::string(prefix) + ".route_table_tag", "a string \"KEY=VALUE\"");
      }
      auto checked = check_route_table_tag(tag->as_string()->get(),
                                           key_at(*tag, std::string(prefix) + ".route_table_tag"));
      if (!checked) {
        return fail(checked.error());
      }
      return RouteTablesSetting(*checked);
    }
    if (!tables) {
      return config_error(
          key_at(table, prefix),
          "no route_tables (add route_tables = [\"rtb-...\", ...], route_tables = \"vpc\" for "
          "every table of the VPC, or route_table_tag = \"KEY=VALUE\")");
    }
    if (const auto* text = tables->as_string()) {
      if (text->get() == "vpc") {
        return RouteTablesSetting(WholeVpcRouteTables{});
      }
      return config_error(
          key_at(*tables, key),
          shown(*tables) +
              " is not a route table selector (the only string accepted is \"vpc\", every table "
              "of the VPC; list ids as route_tables = [\"rtb-...\"])");
    }
    const toml::array* list = tables->as_array();
    if (!list) {
      return wrong_type(*tables, key, "a list of route table ids like [\"rtb-0a1b2c3d\"] or \"vpc\"");
    }
    if (list->empty()) {
      return config_error(key_at(*tables, key),
                          "[] is empty (list at least one route table id, or write route_tables = \"vpc\")");
    }
    ExplicitRouteTables explicit_tables;
    for (size_t i = 0; i < list->size(); ++i) {
      const toml::node& item = *list->get(i);
      std::string item_key = key + "[" + std::to_string(i) + "]";
      if (!item.is_string()) {
        return wrong_type(item, item_key, "a route table id string like \"rtb-0a1b2c3d\"");
      }
      auto id = check_route_table_id(item.as_string()->get(), key_at(item, item_key));
      if (!id) {
        return fail(id.error());
      }
      if (std::ranges::find(explicit_tables.ids, *id) != explicit_tables.ids.end()) {
        return config_error(key_at(item, item_key),
                            in_quotes(*id) + " is listed twice (remove the repetition)");
      }
      explicit_tables.ids.push_back(*id);
    }
    return RouteTablesSetting(std::move(explicit_tables));
  }

  Result<VipSpec> vip(const toml::table& table, std::string_view prefix) {
    if (auto known = check_known_keys(table, prefix, k_vip_keys, "[[vip]]"); !known) {
      return fail(known.error());
    }
    VipSpec spec;
    auto address = checked_text(table, prefix, "address", check_vip_address);
    if (!address) {
      return fail(address.error());
    }
    if (!*address) {
      return config_error(key_at(table, prefix), "no address (add address = \"10.109.10.254\", the VIP)");
    }
    spec.address = **address;
    auto name = checked_text(table, prefix, "name", check_vip_name);
    if (!name) {
      return fail(name.error());
    }
    spec.name = name->value_or(spec.address.to_string());
    auto interface = checked_text(table, prefix, "interface", check_interface_name);
    if (!interface) {
      return fail(interface.error());
    }
    spec.interface = *interface;
    auto label = checked_text(table, prefix, "label", [&](std::string_view text, std::string_view key) {
      return check_label(text, spec.interface, key);
    });
    if (!label) {
      return fail(label.error());
    }
    spec.label = *label;
    auto mode = checked_text(table, prefix, "mode", check_mode);
    if (!mode) {
      return fail(mode.error());
    }
    spec.mode = mode->value_or(VipMode::route);
    auto elastic_ip = checked_text(table, prefix, "elastic_ip", check_elastic_ip);
    if (!elastic_ip) {
      return fail(elastic_ip.error());
    }
    spec.elastic_ip = *elastic_ip;
    auto selector = route_tables(table, prefix, spec.mode);
    if (!selector) {
      return fail(selector.error());
    }
    spec.route_tables = std::move(*selector);

    if (const toml::node* local = table.get("local_address")) {
      if (!local->is_boolean()) {
        return wrong_type(*local, std::string(prefix) + ".local_address", "true or false, without quotes");
      }
      spec.local_address = local->as_boolean()->get();
    }
    return spec;
  }

  Result<Config> config(const toml::table& root) {
    Config config;
    config.source = m_source;
    if (auto known = check_known_keys(root, "", k_top_keys, "the file"); !known) {
      return fail(known.error());
    }
    if (const toml::node* aws_node = root.get("aws")) {
      auto settings = aws(*aws_node);
      if (!settings) {
        return fail(settings.error());
      }
      config.aws = std::move(*settings);
    }
    const toml::node* vips = root.get("vip");
    if (!vips) {
      return config;
    }
    if (vips->is_table()) {
      return config_error(key_at(*vips, "vip"),
                          "[vip] is a single table (write [[vip]], with two brackets, before each VIP)");
    }
    const toml::array* list = vips->as_array();
    if (!list) {
      return wrong_type(*vips, "vip", "[[vip]] tables, one per VIP");
    }
    std::map<std::string, size_t> names;
    std::map<Ipv4Address, size_t> addresses;
    for (size_t i = 0; i < list->size(); ++i) {
      const toml::node& item = *list->get(i);
      std::string prefix = "vip[" + std::to_string(i) + "]";
      if (!item.is_table()) {
        return wrong_type(item, prefix, "a [[vip]] table");
      }
      auto spec = vip(*item.as_table(), prefix);
      if (!spec) {
        return fail(spec.error());
      }
      const toml::table& table = *item.as_table();
      if (auto [it, added] = addresses.emplace(spec->address, i); !added) {
        return config_error(key_at(*table.get("address"), prefix + ".address"),
                            in_quotes(spec->address.to_string()) + " is also the address of vip[" +
                                std::to_string(it->second) + "] (each VIP needs its own address)");
      }
      if (auto [it, added] = names.emplace(spec->name, i); !added) {
        const toml::node* name = table.get("name");
        return config_error(key_at(name ? *name : item, prefix + ".name"),
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
