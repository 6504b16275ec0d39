// cloudvip-sim: the emulated VPC (EC2 Query API, IMDS, SigV4 verification, AWS routing rules, faults).
// This file only parses the command line and wires the pieces together.
#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
  CLI::App app{"cloudvip-sim: an emulated AWS VPC that real AWS clients accept", "cloudvip-sim"};
  app.set_version_flag("--version", std::string("cloudvip-sim ") + CLOUDVIP_VERSION);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
