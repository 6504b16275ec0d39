#include "sim/scenario.h"

#include <fstream>
#include <sstream>

#include "sim/scenario_loader.h"

namespace cloudvip::sim {
Result<Scenario> parse_scenario(std::string_view toml_text, std::string_view source_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    return fail(ErrorCode::config, std::string(source_name) + ":" + std::to_string(e.source().begin.line) +
                                       ": not valid TOML: " + std::string(e.description()));
  }
  try {
    return ScenarioLoader(source_name).load(root);
  } catch (const ScenarioProblem& problem) {
    return fail(ErrorCode::config, problem.message);
  }
}

Result<Scenario> load_scenario(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(ErrorCode::config, path.string() + ": cannot read the scenario file (check the path)");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_scenario(text.str(), path.string());
}

}  // namespace cloudvip::sim
