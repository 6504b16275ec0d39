#include "cli/command_line.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/help.h"

namespace cloudvip::cli {
namespace {

constexpr int k_exit_usage = 2;

constexpr std::array k_commands = {Command::acquire, Command::release, Command::status, Command::check,
                                   Command::policy,  Command::notify,  Command::run};

using Text = std::string;

// The global and VIP options, on the top-level app and on every command (so `cloudvip acquire --vip x`
// and `cloudvip --vip x acquire` mean the same, and each command's --help lists everything it takes).
void add_shared_options(CLI::App& app, Options& o) {
  const char* global = "Global options";
  auto set = [](std::optional<std::string>& slot) { return [&slot](const Text& v) { slot = v; }; };
  app.add_option_function<Text>("--config", set(o.flags.config_path),
                                "config file (default /etc/cloudvip/cloudvip.toml; env CLOUDVIP_CONFIG)")
      ->type_name("FILE")
      ->group(global);
  app.add_option_function<Text>("--region", set(o.flags.region),
                                "AWS region (default: AWS_REGION, the profile's, then the instance's)")
      ->type_name("REGION")
      ->group(global);
  app.add_option_function<Text>("--endpoint", set(o.flags.endpoint),
                                "EC2 endpoint URL (default: AWS_ENDPOINT_URL_EC2, the region's)")
      ->type_name("URL")
      ->group(global);
  app.add_option_function<Text>("--imds-endpoint", set(o.flags.imds_endpoint),
                                "instance metadata URL (default http://169.254.169.254)")
      ->type_name("URL")
      ->group(global);
  app.add_option_function<Text>("--profile", set(o.flags.profile),
                                "profile of the AWS config files (default: AWS_PROFILE, the instance role)")
      ->type_name("NAME")
      ->group(global);
  app.add_option_function<Text>(
         "--log-level", [&o](const Text& v) { o.log_level = v; },
         "debug, info, warn or error; logs go to stderr (default warn)")
      ->type_name("LEVEL")
      ->group(global);
  app.add_flag_callback(
         "--json", [&o] { o.json = true; }, "print results as JSON on stdout")
      ->group(global);
  app.add_option_function<Text>("--timeout", set(o.flags.timeout),
                                "give up after this long: 10, 2.5s, 500ms (default 30 s; check 60 s)")
      ->type_name("SECONDS")
      ->group(global);

  const char* vip = "VIP options";
  app.add_option_function<Text>("--vip", set(o.flags.vip_name),
                                "act on this [[vip]] of the config file only (default: all)")
      ->type_name("NAME")
      ->group(vip);
  app.add_option_function<Text>("--address", set(o.flags.address),
                                "one VIP from flags, no [[vip]] of the file: its IPv4 address")
      ->type_name("IP")
      ->group(vip);
  app.add_option_function<std::vector<Text>>(
         "--route-table",
         [&o](const std::vector<Text>& v) {
           o.flags.route_tables.insert(o.flags.route_tables.end(), v.begin(), v.end());
         },
         "route table to carry the VIP route (repeat; 'vpc' = every table of the VPC)")
      ->type_name("RTB")
      ->group(vip);
  app.add_option_function<Text>("--route-table-tag", set(o.flags.route_table_tag),
                                "the VPC's route tables with this tag instead of --route-table")
      ->type_name("KEY=VALUE")
      ->group(vip);
  app.add_option_function<Text>("--interface", set(o.flags.interface),
                                "local interface for the VIP (default: the default route's)")
      ->type_name("IFACE")
      ->group(vip);
  app.add_option_function<Text>("--label", set(o.flags.label), "address label, e.g. eth0:1")
      ->type_name("LABEL")
      ->group(vip);
  app.add_option_function<Text>("--elastic-ip", set(o.flags.elastic_ip),
                                "Elastic IP allocation id that follows the VIP")
      ->type_name("EIPALLOC")
      ->group(vip);
  app.add_flag_callback(
         "--no-local", [&o] { o.flags.no_local = true; },
         "do not put the VIP on a local interface (something else does)")
      ->group(vip);
  app.add_option_function<Text>("--mode", set(o.flags.mode),
                                "route (default) or secondary-ip (two members in one subnet)")
      ->type_name("MODE")
      ->group(vip);
}

// Whether `name` is one of the arguments: only a command named on the command line gets its options. Building
// every command's copy of the shared options was most of the parser's cost in a fresh process (issue 9); a
// command that is not there cannot be parsed into, and `cloudvip --help` lists commands, not their options.
// (A value that happens to spell a command name only costs that command's options being built too.)
bool named(int argc, char** argv, std::string_view name) {
  for (int i = 1; i < argc; ++i) {
    if (argv[i] == name) {
      return true;
    }
  }
  return false;
}

CLI::App* add_command(CLI::App& app, Options& o, Command command, std::string_view description,
                      std::string_view footer, bool with_options) {
  CLI::App* sub = app.add_subcommand(std::string(to_string(command)), std::string(description));
  sub->footer(std::string(footer));
  sub->callback([&o, command] { o.command = command; });
  if (with_options) {
    add_shared_options(*sub, o);
  }
  return sub;
}

// The commands a running `cloudvip run` answers (daemon_handoff.h).
void add_control_socket_option(CLI::App& app, Options& o) {
  app.add_option_function<Text>(
         "--control-socket", [&o](const Text& v) { o.control_socket = v; },
         "the control socket of cloudvip run (default: [daemon] control_socket, /run/cloudvip/control.sock; "
         "env CLOUDVIP_CONTROL_SOCKET)")
      ->type_name("PATH")
      ->group("Global options");
}

}  // namespace

std::string_view to_string(Command command) {
  switch (command) {
    case Command::none:
      return "";
    case Command::acquire:
      return "acquire";
    case Command::release:
      return "release";
    case Command::status:
      return "status";
    case Command::check:
      return "check";
    case Command::policy:
      return "policy";
    case Command::run:
      return "run";
    case Command::notify:
      return "notify";
  }
  return "";
}

std::optional<int> parse_command_line(int argc, char** argv, Options& o) {
  CLI::App app{std::string(help::k_cloudvip), "cloudvip"};
  app.set_version_flag("--version", std::string("cloudvip ") + CLOUDVIP_VERSION);
  app.footer(std::string(help::footer_cloudvip()));
  app.get_formatter()->column_width(36);
  app.require_subcommand(0, 1);
  // `cloudvip COMMAND ...`, how hooks, agents and the unit run it: nothing comes before the command for the
  // top level to parse, so its copy of the options is not built (half the parser's cost, issue 9).
  // `cloudvip --help` and `cloudvip --region X COMMAND` still get it.
  const bool command_first = argc > 1 && std::ranges::any_of(k_commands, [&](Command command) {
                               return argv[1] == to_string(command);
                             });
  if (!command_first) {
    add_shared_options(app, o);
    add_control_socket_option(app, o);  // before the command too, like the other global options
  }

  CLI::App* acquire = add_command(app, o, Command::acquire, help::k_acquire, help::footer_acquire(),
                                  named(argc, argv, "acquire"));
  acquire->add_flag("--no-verify", o.acquire.no_verify, "do not read the route tables again afterwards");
  acquire->add_flag("--dry-run", o.acquire.dry_run,
                    "ask AWS whether this host may take over (DryRun); change nothing");

  CLI::App* release = add_command(app, o, Command::release, help::k_release, help::footer_release(),
                                  named(argc, argv, "release"));
  release->add_flag("--delete-routes", o.release.delete_routes,
                    "also delete the routes that point at this host (never the peer's)");
  release->add_flag("--dry-run", o.release.dry_run,
                    "ask AWS whether the deletes are allowed; change nothing");

  CLI::App* status = add_command(app, o, Command::status, help::k_status, help::footer_status(),
                                 named(argc, argv, "status"));

  CLI::App* check =
      add_command(app, o, Command::check, help::k_check, help::footer_check(), named(argc, argv, "check"));
  check->add_flag("--fix", o.check.fix, "turn the ENI's source/destination check off where it is on");

  CLI::App* policy = add_command(app, o, Command::policy, help::k_policy, help::footer_policy(),
                                 named(argc, argv, "policy"));
  policy
      ->add_option_function<std::string>(
          "--account", [&o](const std::string& v) { o.policy.account = v; },
          "AWS account id (12 digits); default: the instance identity document")
      ->type_name("ID");
  policy->add_flag("--allow-fix", o.policy.allow_fix,
                   "also grant ec2:ModifyNetworkInterfaceAttribute (for check --fix)");
  policy->add_flag("--no-delete-routes", o.policy.no_delete,
                   "leave out ec2:DeleteRoute (then release --delete-routes is refused)");

  CLI::App* notify = add_command(app, o, Command::notify, help::k_notify, help::footer_notify(),
                                 named(argc, argv, "notify"));
  notify->add_option("ROLE", o.notify.role, "primary or standby")
      ->required()
      ->check(CLI::IsMember({"primary", "standby"}));
  notify->add_flag("--fallback", o.notify.fallback,
                   "with no cloudvip run listening, act here: primary acquires, standby releases");
  for (CLI::App* handed : {acquire, release, status, notify}) {
    add_control_socket_option(*handed, o);
  }

  CLI::App* run =
      add_command(app, o, Command::run, help::k_run, help::footer_run(), named(argc, argv, "run"));
  add_control_socket_option(*run, o);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string where = o.command == Command::none ? "cloudvip --help" : "cloudvip COMMAND --help";
    for (CLI::App* sub : app.get_subcommands()) {
      where = "cloudvip " + sub->get_name() + " --help";
    }
    std::fprintf(stderr, "cloudvip: error: %s (see %s)\n", e.what(), where.c_str());
    return k_exit_usage;
  }
  if (o.command == Command::none) {
    std::fprintf(
        stderr,
        "cloudvip: error: no command given (use one of acquire, release, status, check, policy, notify, run; "
        "see cloudvip --help)\n");
    return k_exit_usage;
  }
  return std::nullopt;
}

}  // namespace cloudvip::cli
