// cloudvip-sim: the emulated VPC (EC2 Query API, IMDS, SigV4 verification, AWS routing rules, faults).
// This file only parses the command line and wires the pieces together.
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/log.h"
#include "sim/call_log.h"
#include "sim/dataplane.h"
#include "sim/dataplane_netlink.h"
#include "sim/faults.h"
#include "sim/scenario.h"
#include "sim/server.h"
#include "sim/simulation.h"
#include "sim/throttle.h"

namespace {

using namespace cloudvip;
using namespace cloudvip::sim;

constexpr int k_exit_usage = 2;

const char* k_footer = R"HELP(
DESCRIPTION
  Serves an emulated AWS VPC described by a scenario file: the EC2 Query API (the route, interface,
  address and describe actions cloudvip uses) with SigV4 verification, IAM allow-lists and AWS's routing
  rules, plus one instance metadata service (IMDSv2) per --imds flag. The real AWS CLI and boto3 accept it
  through --endpoint-url / endpoint_url. State lives in memory; POST /_sim/reset returns to the scenario.

OUTPUT
  The first line of stdout is the EC2 endpoint, "http://127.0.0.1:PORT" (flushed at once, so a script can
  read it). Then one line per IMDS listener: "imds INSTANCE-ID http://ADDR:PORT". Diagnostics go to stderr.

ADMIN API (JSON, on the EC2 listener, unauthenticated: keep --listen on loopback)
  GET /_sim/state   GET /_sim/calls[?since=N]   DELETE /_sim/calls   GET|POST /_sim/faults
  POST /_sim/reset  POST /_sim/instances/ID/stop|start  POST /_sim/interfaces/ENI/detach|attach?instance=ID
  POST /_sim/credentials/rotate?instance=ID        (GET /_sim/help lists them; see docs/simulator.md)

LAB (lab/up runs cloudvip-sim this way, inside the router network namespace)
  --imds-by-source 169.254.169.254:80 serves IMDS on one listener that knows each instance by the
  caller's source address (every private IP of the scenario's ENIs). --dataplane programs the kernel
  routes of the namespace it runs in so that packets follow the route tables (sim/dataplane.h); it
  runs only inside a network namespace named cvlab-* (ip netns), never in the host's.

SIGNALS
  SIGTERM and SIGINT stop the listeners and exit 0.

EXIT STATUS
  0 stopped by a signal; 1 could not listen; 2 bad command line or scenario file (the message names the
  file, the key and the problem).

EXAMPLE
  cloudvip-sim --scenario sim/scenarios/two-az.toml --port-file /tmp/sim.url &
  AWS_ACCESS_KEY_ID=AKIACLOUDVIPADMIN001 AWS_SECRET_ACCESS_KEY=cloudvip-sim-admin-secret-not-a-real-key \
    AWS_DEFAULT_REGION=us-east-1 aws --endpoint-url "$(cat /tmp/sim.url)" ec2 describe-route-tables
)HELP";

// "HOST:PORT" (host may be [v6]); nullopt when malformed.
std::optional<std::pair<std::string, int>> parse_address(const std::string& text) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return std::nullopt;
  }
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  try {
    size_t used = 0;
    int port = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1 || port < 0 || port > 65535) {
      return std::nullopt;
    }
    return std::make_pair(host, port);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

bool write_port_file(const std::string& path, const std::string& url) {
  // Written whole then renamed, so a script polling for the file never reads half a line.
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << url << "\n";
    if (!out) {
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cloudvip-sim: an emulated AWS VPC (EC2 Query API + IMDS) that real AWS clients accept",
               "cloudvip-sim"};
  app.set_version_flag("--version", std::string("cloudvip-sim ") + CLOUDVIP_VERSION);
  app.footer(k_footer);
  app.get_formatter()->column_width(34);

  std::string scenario_file;
  std::string listen = "127.0.0.1:0";
  std::string port_file;
  std::vector<std::string> imds_specs;
  bool imds_v1 = false;
  int latency_ms = 0;
  int jitter_ms = 0;
  bool no_throttle = false;
  int lag_ms = 0;
  uint64_t seed = 1;
  std::string log_level = "info";
  std::string imds_by_source;
  bool dataplane_on = false;

  app.add_option("--scenario", scenario_file, "the world to serve: a TOML scenario (format: sim/scenario.h)")
      ->required()
      ->type_name("FILE");
  app.add_option("--listen", listen, "address of the EC2 endpoint and admin API; port 0 picks a free port")
      ->type_name("ADDR:PORT")
      ->capture_default_str();
  app.add_option("--port-file", port_file, "also write the endpoint URL (the first stdout line) to this file")
      ->type_name("FILE");
  app.add_option("--imds", imds_specs,
                 "serve IMDS for INSTANCE on ADDR:PORT (port 0: any); repeat for more instances")
      ->type_name("INSTANCE=ADDR:PORT");
  app.add_flag("--imds-v1", imds_v1,
               "answer IMDS GETs without a token (HttpTokens=optional); default: v2 only");
  app.add_option("--latency", latency_ms, "add this delay to every EC2 call")
      ->type_name("MS")
      ->check(CLI::Range(0, 600000));
  app.add_option("--jitter", jitter_ms, "plus a uniform random delay of up to this much")
      ->type_name("MS")
      ->check(CLI::Range(0, 600000));
  app.add_flag("--no-throttle", no_throttle, "turn off EC2 request throttling (RequestLimitExceeded, 503)");
  app.add_option("--lag", lag_ms, "eventual consistency: Describe* see a change this long after it happened")
      ->type_name("MS")
      ->check(CLI::Range(0, 600000));
  app.add_option("--seed", seed, "seed of the random error-rate and jitter draws")->capture_default_str();
  app.add_option("--imds-by-source", imds_by_source,
                 "serve IMDS on ADDR:PORT for every instance, known by the caller's source address")
      ->type_name("ADDR:PORT");
  app.add_flag("--dataplane", dataplane_on,
               "program this network namespace's kernel routes to follow the route tables (lab only)");
  app.add_option("--log-level", log_level, "debug, info, warn or error (stderr)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  auto level = parse_log_level(log_level);
  if (!level) {
    std::cerr << "cloudvip-sim: --log-level: '" << log_level << "' is not debug, info, warn or error\n";
    return k_exit_usage;
  }
  StderrLogger logger(*level);

  auto scenario = load_scenario(scenario_file);
  if (!scenario) {
    std::cerr << "cloudvip-sim: " << scenario.error().message << "\n";
    return k_exit_usage;
  }
  auto listen_address = parse_address(listen);
  if (!listen_address) {
    std::cerr << "cloudvip-sim: --listen: '" << listen << "' is not ADDR:PORT (e.g. 127.0.0.1:0)\n";
    return k_exit_usage;
  }
  SimServerOptions options;
  options.host = listen_address->first;
  options.port = listen_address->second;
  options.imds_v1 = imds_v1;
  for (const std::string& spec : imds_specs) {
    size_t eq = spec.find('=');
    auto address = eq == std::string::npos ? std::nullopt : parse_address(spec.substr(eq + 1));
    if (!address) {
      std::cerr << "cloudvip-sim: --imds: '" << spec
                << "' is not INSTANCE=ADDR:PORT (e.g. i-0a1b2c3d=127.0.0.1:0)\n";
      return k_exit_usage;
    }
    std::string instance = spec.substr(0, eq);
    bool known = false;
    for (const InstanceSpec& i : scenario->instances) {
      known = known || i.id == instance;
    }
    if (!known) {
      std::cerr << "cloudvip-sim: --imds: instance '" << instance << "' is not in " << scenario_file << "\n";
      return k_exit_usage;
    }
    options.imds.push_back({instance, address->first, address->second});
  }
  std::optional<std::pair<std::string, int>> by_source_address;
  if (!imds_by_source.empty() && !(by_source_address = parse_address(imds_by_source))) {
    std::cerr << "cloudvip-sim: --imds-by-source: '" << imds_by_source
              << "' is not ADDR:PORT (e.g. 169.254.169.254:80)\n";
    return k_exit_usage;
  }
  if (dataplane_on && !network_namespace_name().value_or("").starts_with("cvlab-")) {
    std::cerr << "cloudvip-sim: --dataplane: refusing to program routes outside a network namespace named "
                 "cvlab-*; run it inside the lab's router namespace (lab/up does)\n";
    return k_exit_usage;
  }

  // Block the stop signals before any thread starts, so every thread inherits the mask and main alone
  // receives them through sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  RealClock clock;
  FaultSettings settings{.latency = Millis(latency_ms),
                         .jitter = Millis(jitter_ms),
                         .throttle = !no_throttle,
                         .lag = Millis(lag_ms)};
  Faults faults(settings, seed);
  Throttle throttle(clock);
  CallLog log;
  Simulation simulation(*scenario, clock);
  std::unique_ptr<SimServer> server;
  try {
    server = std::make_unique<SimServer>(simulation, faults, throttle, log, clock, logger, options);
  } catch (const std::exception& e) {
    std::cerr << "cloudvip-sim: " << e.what() << "\n";
    return 1;
  }
  std::unique_ptr<ImdsListener> imds_by_source_listener;
  if (by_source_address) {
    std::map<std::string, std::string> instance_of;  // private IP -> instance id
    for (const InstanceSpec& instance : scenario->instances) {
      for (const EniSpec& eni : instance.enis) {
        for (const Ipv4Address& ip : eni.private_ips) {
          instance_of[ip.to_string()] = instance.id;
        }
      }
    }
    try {
      imds_by_source_listener = std::make_unique<ImdsListener>(
          server->imds(), by_source_address->first, by_source_address->second, std::move(instance_of));
    } catch (const std::exception& e) {
      std::cerr << "cloudvip-sim: --imds-by-source: " << e.what() << "\n";
      server->stop();
      return 1;
    }
  }
  NetlinkRouteProgrammer kernel;
  std::unique_ptr<Dataplane> dataplane;
  if (dataplane_on) {
    dataplane = std::make_unique<Dataplane>(simulation, kernel, logger);
    if (auto first = dataplane->reconcile(); !first) {
      std::cerr << "cloudvip-sim: --dataplane: " << first.error().message << "\n";
      server->stop();
      return 1;
    }
    dataplane->start();
  }
  std::cout << server->url() << "\n";
  for (const auto& [instance, url] : server->imds_urls()) {
    std::cout << "imds " << instance << " " << url << "\n";
  }
  if (imds_by_source_listener) {
    std::cout << "imds-by-source " << imds_by_source_listener->url() << "\n";
  }
  std::cout.flush();
  if (!port_file.empty() && !write_port_file(port_file, server->url())) {
    std::cerr << "cloudvip-sim: --port-file: cannot write '" << port_file << "'\n";
    server->stop();
    return 1;
  }
  logger.info("serving {} ({} route tables, {} instances) on {}", scenario_file,
              scenario->route_tables.size(), scenario->instances.size(), server->url());

  int signal = 0;
  sigwait(&stop_signals, &signal);
  logger.info("signal {}: stopping", signal);
  if (dataplane) {
    dataplane->stop();
  }
  if (imds_by_source_listener) {
    imds_by_source_listener->stop();
  }
  server->stop();
  return 0;
}
