// Nothing leaves the machine, by construction: every test binary that links this file (cloudvip_tests,
// cloudvip_integration_tests, cloudvip_cli_tests) sets, before its first test, the variables through which
// the AWS code finds its endpoints to a TripwirePort on 127.0.0.1, overwriting whatever the caller's shell
// had. Code under test that reads the process environment (RealEnvironment) and names no endpoint of its
// own therefore never reaches 169.254.169.254 or a real EC2 endpoint: it fails at once, and the run fails
// at the end naming each test during which the tripwire was touched. A test that needs an endpoint names
// its own (a MapEnvironment, a flag, or its own value in the subprocess environment).
#pragma once

#include <map>
#include <string>

#include "testing/tripwire_port.h"

namespace cloudvip::testing {

// The variables set: AWS_EC2_METADATA_SERVICE_ENDPOINT, AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL.
inline constexpr const char* k_offline_variables[] = {"AWS_EC2_METADATA_SERVICE_ENDPOINT",
                                                      "AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL"};

// The process's tripwire (made on first use, lives until the process ends).
TripwirePort& offline_tripwire();

// Each of k_offline_variables -> the tripwire's URL: the base of a subprocess's environment (tests/cli).
std::map<std::string, std::string> offline_defaults();

}  // namespace cloudvip::testing
