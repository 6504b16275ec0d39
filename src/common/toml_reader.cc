#include "common/toml_reader.h"

#include <algorithm>
#include <sstream>

#include "common/strings.h"
#include "common/toml_names.h"

namespace cloudvip {
namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string toml_shown(const toml::node& node) {
  if (const auto* text = node.as_string()) {
    return "'" + text->get() + "'";
  }
  std::ostringstream out;
  node.visit([&out](const auto& value) { out << value; });
  std::string text = out.str();
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

bool toml_key_looks_secret(std::string_view key) {
  std::string lower = to_lower(key);
  for (std::string_view part : {"secret", "token", "password", "access_key", "session"}) {
    if (lower.find(part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

std::optional<std::string_view> closest_name(std::string_view unknown,
                                             std::span<const std::string_view> known) {
  std::string lower = to_lower(unknown);
  std::optional<std::string_view> best;
  size_t best_distance = 3;
  for (std::string_view name : known) {
    // A typo of one letter, or of two in a longer name: more would suggest unrelated words.
    size_t limit = name.size() <= 4 ? 1 : 2;
    size_t distance = edit_distance(lower, name);
    if (distance <= limit && distance < best_distance) {
      best = name;
      best_distance = distance;
    }
  }
  return best;
}

std::string join_names(std::span<const std::string_view> names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) {
      out += i + 1 == names.size() ? " and " : ", ";
    }
    out += names[i];
  }
  return out;
}

TomlReader::TomlReader(std::string_view source, const toml::table& table, std::string path)
    : m_source(source), m_table(table), m_path(std::move(path)) {}

std::string TomlReader::key_path(std::string_view key) const {
  return m_path.empty() ? std::string(key) : m_path + "." + std::string(key);
}

std::string TomlReader::located(const toml::node& node, std::string_view path) const {
  auto line = node.source().begin.line;
  return m_source + (line > 0 ? ":" + std::to_string(line) : "") + ": " + std::string(path);
}

std::unexpected<Error> TomlReader::problem(std::string_view key, std::string_view problem) const {
  const toml::node* node = m_table.get(key);
  return fail(ErrorCode::config,
              located(node != nullptr ? *node : m_table, key_path(key)) + ": " + std::string(problem));
}

std::unexpected<Error> TomlReader::table_problem(std::string_view problem) const {
  return fail(ErrorCode::config,
              located(m_table, m_path.empty() ? "(top level)" : m_path) + ": " + std::string(problem));
}

std::unexpected<Error> TomlReader::wrong_type(const toml::node& node, std::string_view path,
                                              std::string_view expected) const {
  return fail(ErrorCode::config, located(node, path) + ": " + toml_shown(node) + " is " +
                                     std::string(toml_type_name(node.type())) + "; expected " +
                                     std::string(expected));
}

Result<void> TomlReader::only_keys(std::span<const std::string_view> known, std::string_view table_name,
                                   std::string_view secret_hint) const {
  for (const auto& [name, node] : m_table) {
    if (std::ranges::find(known, name.str()) != known.end()) {
      continue;
    }
    bool secret = toml_key_looks_secret(name.str());
    std::string value = secret                      ? "(value hidden)"
                        : node.is_table()           ? "[" + std::string(name.str()) + "]"
                        : node.is_array_of_tables() ? "[[" + std::string(name.str()) + "]]"
                                                    : toml_shown(node);
    std::string hint;
    if (auto close = closest_name(name.str(), known)) {
      hint = "did you mean '" + std::string(*close) + "'? ";
    }
    if (secret && !secret_hint.empty()) {
      hint += std::string(secret_hint) + "; ";
    }
    return fail(ErrorCode::config, located(node, key_path(name.str())) + ": " + value +
                                       " is not a known key (" + hint + "the keys of " +
                                       std::string(table_name) + " are " + join_names(known) + ")");
  }
  return ok();
}

Result<std::optional<std::string>> TomlReader::optional_string(std::string_view key,
                                                               std::string_view expected) const {
  const toml::node* node = m_table.get(key);
  if (node == nullptr) {
    return std::nullopt;
  }
  if (!node->is_string()) {
    return wrong_type(*node, key_path(key), expected);
  }
  return node->as_string()->get();
}

Result<std::string> TomlReader::required_string(std::string_view key) const {
  auto value = optional_string(key);
  if (!value) {
    return fail(value.error());
  }
  if (!*value) {
    return table_problem("missing required key '" + std::string(key) + "' (" + key_path(key) + ")");
  }
  if ((*value)->empty()) {
    return problem(key, "must not be empty");
  }
  return **value;
}

Result<std::optional<bool>> TomlReader::optional_bool(std::string_view key, std::string_view expected) const {
  const toml::node* node = m_table.get(key);
  if (node == nullptr) {
    return std::nullopt;
  }
  if (!node->is_boolean()) {
    return wrong_type(*node, key_path(key), expected);
  }
  return node->as_boolean()->get();
}

Result<std::optional<std::int64_t>> TomlReader::optional_int(std::string_view key,
                                                             std::string_view expected) const {
  const toml::node* node = m_table.get(key);
  if (node == nullptr) {
    return std::nullopt;
  }
  if (!node->is_integer()) {
    return wrong_type(*node, key_path(key), expected);
  }
  return node->as_integer()->get();
}

Result<std::optional<std::vector<std::string>>> TomlReader::optional_strings(
    std::string_view key, std::string_view expected) const {
  const toml::node* node = m_table.get(key);
  if (node == nullptr) {
    return std::nullopt;
  }
  const toml::array* list = node->as_array();
  if (list == nullptr) {
    return wrong_type(*node, key_path(key), expected);
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < list->size(); ++i) {
    const toml::node& element = *list->get(i);
    if (!element.is_string()) {
      return wrong_type(element, key_path(key) + "[" + std::to_string(i) + "]", "a string");
    }
    out.push_back(element.as_string()->get());
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> TomlReader::string_table(
    std::string_view key) const {
  const toml::node* node = m_table.get(key);
  std::vector<std::pair<std::string, std::string>> out;
  if (node == nullptr) {
    return out;
  }
  if (!node->is_table()) {
    return wrong_type(*node, key_path(key), "a table of strings like { Name = \"db-a\" }");
  }
  for (const auto& [name, value] : *node->as_table()) {
    if (!value.is_string()) {
      return wrong_type(value, key_path(key) + "." + std::string(name.str()), "a string");
    }
    out.emplace_back(std::string(name.str()), value.as_string()->get());
  }
  return out;
}

Result<std::vector<const toml::table*>> TomlReader::tables(std::string_view key) const {
  const toml::node* node = m_table.get(key);
  std::vector<const toml::table*> out;
  if (node == nullptr) {
    return out;
  }
  if (!node->is_array_of_tables()) {
    return wrong_type(*node, key_path(key), "an array of tables ([[" + key_path(key) + "]])");
  }
  for (const toml::node& element : *node->as_array()) {
    out.push_back(element.as_table());
  }
  return out;
}

Result<const toml::table*> TomlReader::optional_table(std::string_view key, std::string_view expected) const {
  const toml::node* node = m_table.get(key);
  if (node == nullptr) {
    return nullptr;
  }
  if (!node->is_table()) {
    return wrong_type(*node, key_path(key),
                      expected.empty() ? "a table ([" + key_path(key) + "])" : std::string(expected));
  }
  return node->as_table();
}

}  // namespace cloudvip
