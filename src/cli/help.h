// The man-page parts of `--help` that CLI11 does not generate: description, exit status, environment and
// examples, one text per command. Kept apart from the option definitions so the words can be read (and
// kept true) in one place.
#pragma once

#include <string_view>

namespace cloudvip::cli::help {

// The one-line descriptions shown in the command list and at the top of each page.
inline constexpr std::string_view k_cloudvip =
    "cloudvip: one stable virtual IP for an HA pair across AWS availability zones";
inline constexpr std::string_view k_acquire = "make this host the holder of the VIP (failover hot path)";
inline constexpr std::string_view k_release = "give the VIP up on this host";
inline constexpr std::string_view k_status = "show where the VIP points; exit 0 when this host holds it";
inline constexpr std::string_view k_check = "verify everything a failover will need, before it is needed";
inline constexpr std::string_view k_policy = "print the least-privilege IAM policy for the configuration";
inline constexpr std::string_view k_run =
    "the daemon: follow each VIP's leader, keep its routes right, repair drift";
inline constexpr std::string_view k_notify =
    "tell a running cloudvip run this host's new role, without waiting";

// The text after the options of each page.
std::string_view footer_cloudvip();
std::string_view footer_acquire();
std::string_view footer_release();
std::string_view footer_status();
std::string_view footer_check();
std::string_view footer_policy();
std::string_view footer_run();  // help_run.cc
std::string_view footer_notify();

}  // namespace cloudvip::cli::help
