#include "sim/toml_reader.h"

#include "common/toml_names.h"

namespace cloudvip::sim {
namespace {

std::string_view type_name(const toml::node& node) {
  return toml_type_name(node.type());
}

}  // namespace

TomlReader::TomlReader(std::string_view source, const toml::table& table, std::string path,
                       std::initializer_list<std::string_view> known)
    : m_source(source), m_table(table), m_path(std::move(path)) {
  for (const auto& [key, value] : m_table) {
    bool is_known = false;
    for (std::string_view k : known) {
      is_known = is_known || k == key.str();
    }
    if (!is_known) {
      std::string list;
      for (std::string_view k : known) {
        list += list.empty() ? "" : ", ";
        list += k;
      }
      throw ScenarioProblem{where(&value) + key_path(key.str()) + ": unknown key (known keys here: " + list +
                            ")"};
    }
  }
}

std::string TomlReader::key_path(std::string_view key) const {
  return m_path.empty() ? std::string(key) : m_path + "." + std::string(key);
}

std::string TomlReader::where(const toml::node* node) const {
  std::string out(m_source);
  const toml::node* located = node != nullptr ? node : &m_table;
  if (located->source().begin.line > 0) {
    out += ":" + std::to_string(located->source().begin.line);
  }
  return out + ": ";
}

void TomlReader::fail(std::string_view key, std::string_view problem) const {
  throw ScenarioProblem{where(m_table.get(key)) + key_path(key) + ": " + std::string(problem)};
}

void TomlReader::fail_table(std::string_view problem) const {
  throw ScenarioProblem{where(nullptr) + (m_path.empty() ? "(top level)" : m_path) + ": " +
                        std::string(problem)};
}

std::optional<std::string> TomlReader::optional_string(std::string_view key) const {
  const toml::node* node = m_table.get(key);
  if (node == nullptr) {
    return std::nullopt;
  }
  if (!node->is_string()) {
    fail(key, "expected a string, found " + std::string(type_name(*node)));
  }
  return node->as_string()->get();
}

std::string TomlReader::required_string(std::string_view key) const {
  auto value = optional_string(key);
  if (!value) {
    fail_table("missing required key '" + std::string(key) + "' (" + key_path(key) + ")");
  }
  if (value->empty()) {
    fail(key, "must not be empty");
  }
  return *value;
}

std::optional<bool> TomlReader::optional_bool(std::string_view key) const {
  const toml::node* node = m_table.get(key);
  if (node == nullptr) {
    return std::nullopt;
  }
  if (!node->is_boolean()) {
    fail(key, "expected a boolean (true or false), found " + std::string(type_name(*node)));
  }
  return node->as_boolean()->get();
}

std::optional<std::int64_t> TomlReader::optional_int(std::string_view key) const {
  const toml::node* node = m_table.get(key);
  if (node == nullptr) {
    return std::nullopt;
  }
  if (!node->is_integer()) {
    fail(key, "expected an integer, found " + std::string(type_name(*node)));
  }
  return node->as_integer()->get();
}

std::optional<std::vector<std::string>> TomlReader::optional_strings(std::string_view key) const {
  const toml::node* node = m_table.get(key);
  if (node == nullptr) {
    return std::nullopt;
  }
  if (!node->is_array()) {
    fail(key, "expected an array of strings, found " + std::string(type_name(*node)));
  }
  std::vector<std::string> out;
  for (const toml::node& element : *node->as_array()) {
    if (!element.is_string()) {
      fail(key, "expected an array of strings, found an element that is " + std::string(type_name(element)));
    }
    out.push_back(element.as_string()->get());
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> TomlReader::tags(std::string_view key) const {
  const toml::node* node = m_table.get(key);
  std::vector<std::pair<std::string, std::string>> out;
  if (node == nullptr) {
    return out;
  }
  if (!node->is_table()) {
    fail(key, "expected a table of strings like { Name = \"db-a\" }, found " + std::string(type_name(*node)));
  }
  for (const auto& [tag_key, value] : *node->as_table()) {
    if (!value.is_string()) {
      fail(key, "tag '" + std::string(tag_key.str()) + "' must be a string, found " +
                    std::string(type_name(value)));
    }
    out.emplace_back(std::string(tag_key.str()), value.as_string()->get());
  }
  return out;
}

std::vector<const toml::table*> TomlReader::tables(std::string_view key) const {
  const toml::node* node = m_table.get(key);
  std::vector<const toml::table*> out;
  if (node == nullptr) {
    return out;
  }
  if (!node->is_array_of_tables()) {
    fail(key,
         "expected an array of tables ([[" + key_path(key) + "]]), found " + std::string(type_name(*node)));
  }
  for (const toml::node& element : *node->as_array()) {
    out.push_back(element.as_table());
  }
  return out;
}

const toml::table* TomlReader::optional_table(std::string_view key) const {
  const toml::node* node = m_table.get(key);
  if (node == nullptr) {
    return nullptr;
  }
  if (!node->is_table()) {
    fail(key, "expected a table, found " + std::string(type_name(*node)));
  }
  return node->as_table();
}

}  // namespace cloudvip::sim
