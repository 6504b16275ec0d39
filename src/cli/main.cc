// cloudvip: keeps a virtual IP on the primary of an HA pair across AWS availability zones by rewriting VPC
// routes. This file only parses the command line and wires the pieces together.
#include <CLI/CLI.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  CLI::App app{"cloudvip: one stable virtual IP for an HA pair across AWS availability zones", "cloudvip"};
  app.set_version_flag("--version", std::string("cloudvip ") + CLOUDVIP_VERSION);
  app.require_subcommand(0);
  CLI11_PARSE(app, argc, argv);
  if (argc == 1) {
    std::fputs(app.help().c_str(), stdout);
  }
  return 0;
}
