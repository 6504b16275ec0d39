// How a PreflightReport is shown: aligned text for people, JSON for machines.
#include <algorithm>

#include "vip/preflight.h"

namespace cloudvip {
namespace {

constexpr size_t k_status_width = 6;     // "fixed" and a space
constexpr size_t k_min_name_width = 13;  // "credentials" and two spaces

std::string_view json_status(CheckStatus status) {
  switch (status) {
    case CheckStatus::ok:
      return "ok";
    case CheckStatus::warn:
      return "warn";
    case CheckStatus::fail:
      return "fail";
    case CheckStatus::fixed:
      return "fixed";
  }
  return "fail";
}

std::string pad(std::string_view text, size_t width) {
  std::string out(text);
  out.resize(std::max(width, text.size() + 1), ' ');
  return out;
}

}  // namespace

std::string_view to_string(CheckStatus status) {
  return status == CheckStatus::fail ? "FAIL" : json_status(status);
}

bool PreflightReport::failed() const {
  return std::any_of(checks.begin(), checks.end(),
                     [](const CheckResult& c) { return c.status == CheckStatus::fail; });
}

std::string render_text(const PreflightReport& report) {
  size_t name_width = k_min_name_width;
  for (const CheckResult& c : report.checks) {
    name_width = std::max(name_width, c.name.size() + 2);
  }
  std::string out;
  for (const CheckResult& c : report.checks) {
    out += pad(to_string(c.status), k_status_width) + pad(c.name, name_width) + c.found + "\n";
    if (c.status != CheckStatus::ok && c.status != CheckStatus::fixed && !c.fix.empty()) {
      out += std::string(k_status_width + name_width, ' ') + "fix: " + c.fix + "\n";
    }
  }
  return out;
}

nlohmann::ordered_json to_json(const PreflightReport& report) {
  nlohmann::ordered_json checks = nlohmann::ordered_json::array();
  for (const CheckResult& c : report.checks) {
    checks.push_back(
        {{"name", c.name}, {"status", json_status(c.status)}, {"found", c.found}, {"fix", c.fix}});
  }
  return {{"ok", !report.failed()}, {"exit_code", report.exit_code()}, {"checks", std::move(checks)}};
}

}  // namespace cloudvip
