// cloudvip: keeps a virtual IP on the primary of an HA pair across AWS availability zones by rewriting VPC
// routes. This file only parses the command line and hands it on (app.h checks and wires).
#include "cli/app.h"
#include "cli/command_line.h"
#include "cli/home_environment.h"
#include "common/env.h"

int main(int argc, char** argv) {
  cloudvip::cli::Options options;
  if (std::optional<int> done = cloudvip::cli::parse_command_line(argc, argv, options)) {
    return *done;
  }
  cloudvip::RealEnvironment process_env;
  cloudvip::cli::HomeEnvironment env(process_env, cloudvip::cli::home_from_passwd());
  return cloudvip::cli::run(options, env);
}
