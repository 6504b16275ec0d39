#include "cli/output.h"

namespace cloudvip::cli {

void print_error(const Error& error, std::string_view context) {
  std::string line = "cloudvip: error: ";
  if (!context.empty()) {
    line += std::string(context) + ": ";
  }
  line += error.to_string() + "\n";
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

void print_stdout(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

nlohmann::json error_json(std::string_view command, const Error& error, int exit_code) {
  return {{"command", command},
          {"exit_code", exit_code},
          {"error",
           {{"code", std::string(to_string(error.code))},
            {"message", error.to_string()},
            {"aws_code", error.aws_code},
            {"request_id", error.request_id}}}};
}

}  // namespace cloudvip::cli
