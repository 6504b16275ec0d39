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
  // The password database only when HOME is unset: the lookup loads NSS modules and reads files, which
  // every fresh process (a failover hook) would otherwise pay for nothing.
  std::optional<std::string> home =
      process_env.get_nonempty("HOME") ? std::nullopt : cloudvip::cli::home_from_passwd();
  cloudvip::cli::HomeEnvironment env(process_env, std::move(home));
  return cloudvip::cli::run(options, env);
}
