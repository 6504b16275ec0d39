#include "sim/toml_reader.h"

namespace cloudvip::sim {
namespace {

template <class T>
T value_or_throw(Result<T> result) {
  if (!result) {
    throw ScenarioProblem{result.error().message};
  }
  return std::move(*result);
}

}  // namespace

TomlReader::TomlReader(std::string_view source, const toml::table& table, std::string path,
                       std::initializer_list<std::string_view> known)
    : m_reader(source, table, std::move(path)) {
  std::vector<std::string_view> names(known);
  std::string here = m_reader.path().empty() ? "the scenario's top level" : m_reader.path();
  if (auto checked = m_reader.only_keys(names, here); !checked) {
    throw ScenarioProblem{checked.error().message};
  }
}

void TomlReader::fail(std::string_view key, std::string_view problem) const {
  throw ScenarioProblem{m_reader.problem(key, problem).error().message};
}

void TomlReader::fail_table(std::string_view problem) const {
  throw ScenarioProblem{m_reader.table_problem(problem).error().message};
}

std::string TomlReader::required_string(std::string_view key) const {
  return value_or_throw(m_reader.required_string(key));
}

std::optional<std::string> TomlReader::optional_string(std::string_view key) const {
  return value_or_throw(m_reader.optional_string(key));
}

std::optional<bool> TomlReader::optional_bool(std::string_view key) const {
  return value_or_throw(m_reader.optional_bool(key));
}

std::optional<std::int64_t> TomlReader::optional_int(std::string_view key) const {
  return value_or_throw(m_reader.optional_int(key));
}

std::optional<std::vector<std::string>> TomlReader::optional_strings(std::string_view key) const {
  return value_or_throw(m_reader.optional_strings(key));
}

std::vector<std::pair<std::string, std::string>> TomlReader::tags(std::string_view key) const {
  return value_or_throw(m_reader.string_table(key));
}

std::vector<const toml::table*> TomlReader::tables(std::string_view key) const {
  return value_or_throw(m_reader.tables(key));
}

const toml::table* TomlReader::optional_table(std::string_view key) const {
  return value_or_throw(m_reader.optional_table(key));
}

}  // namespace cloudvip::sim
