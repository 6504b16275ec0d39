// How results reach the user: tables or JSON on stdout, errors as "cloudvip: error: ..." on stderr.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace cloudvip::cli {

// "cloudvip: error: <what>" on stderr; `context` (e.g. "VIP iris") goes first when given.
void print_error(const Error& error, std::string_view context = {});
void print_stdout(std::string_view text);

// One failure that stopped a command before it had a report, as JSON ({"command", "exit_code", "error"}).
nlohmann::json error_json(std::string_view command, const Error& error, int exit_code);

// Prints every report (a table each, a blank line between; or with `json` one JSON object for one VIP and
// {"command", "exit_code", "reports": [...]} for several) and the stderr line for each that failed.
template <class Report>
void print_reports(const std::vector<Report>& reports, bool json, std::string_view command, int exit_code) {
  if (json) {
    nlohmann::json out;
    if (reports.size() == 1) {
      out = to_json(reports.front());
    } else {
      out = {{"command", command}, {"exit_code", exit_code}, {"reports", nlohmann::json::array()}};
      for (const Report& report : reports) {
        out["reports"].push_back(to_json(report));
      }
    }
    print_stdout(out.dump(2) + "\n");
  } else {
    for (size_t i = 0; i < reports.size(); ++i) {
      print_stdout((i > 0 ? "\n" : "") + render_table(reports[i]));
    }
  }
  for (const Report& report : reports) {
    if (report.error) {
      print_error(*report.error, "VIP " + report.context.vip_name);
    }
  }
}

}  // namespace cloudvip::cli
