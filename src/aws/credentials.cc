#include "aws/credentials.h"

#include <fmt/format.h>

#include "aws/imds.h"
#include "aws/profile_credentials.h"
#include "aws/shared_config.h"

namespace cloudvip {

namespace {

// Reads a fixed number of digits at `pos`, advancing it.
std::optional<int> digits(std::string_view text, size_t& pos, size_t count) {
  if (pos + count > text.size()) {
    return std::nullopt;
  }
  int value = 0;
  for (size_t i = 0; i < count; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  pos += count;
  return value;
}

bool expect(std::string_view text, size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

}  // namespace

std::optional<TimePoint> parse_aws_timestamp(std::string_view text) {
  using namespace std::chrono;
  size_t pos = 0;
  auto year = digits(text, pos, 4);
  if (!year || !expect(text, pos, '-')) {
    return std::nullopt;
  }
  auto month = digits(text, pos, 2);
  if (!month || !expect(text, pos, '-')) {
    return std::nullopt;
  }
  auto day = digits(text, pos, 2);
  if (!day || !(expect(text, pos, 'T') || expect(text, pos, 't'))) {
    return std::nullopt;
  }
  auto hour = digits(text, pos, 2);
  if (!hour || !expect(text, pos, ':')) {
    return std::nullopt;
  }
  auto minute = digits(text, pos, 2);
  if (!minute || !expect(text, pos, ':')) {
    return std::nullopt;
  }
  auto second = digits(text, pos, 2);
  if (!second || *hour > 23 || *minute > 59 || *second > 59) {
    return std::nullopt;
  }
  year_month_day date{std::chrono::year(*year), std::chrono::month(static_cast<unsigned>(*month)),
                      std::chrono::day(static_cast<unsigned>(*day))};
  if (!date.ok() || !is_representable_year(*year)) {
    return std::nullopt;
  }
  if (expect(text, pos, '.')) {  // fractional seconds: ignored
    size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      ++pos;
    }
    if (pos == start) {
      return std::nullopt;
    }
  }
  seconds offset{0};
  if (expect(text, pos, 'Z') || expect(text, pos, 'z')) {
    // UTC
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    auto off_hours = digits(text, pos, 2);
    expect(text, pos, ':');
    auto off_minutes = digits(text, pos, 2);
    if (!off_hours || !off_minutes || *off_hours > 23 || *off_minutes > 59) {
      return std::nullopt;
    }
    offset = sign * (hours(*off_hours) + minutes(*off_minutes));
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) {
    return std::nullopt;
  }
  auto local = sys_days(date) + hours(*hour) + minutes(*minute) + seconds(*second);
  return time_point_cast<TimePoint::duration>(local - offset);
}

std::string format_aws_timestamp(TimePoint time) {
  using namespace std::chrono;
  auto secs = floor<seconds>(time);
  auto day_start = floor<days>(secs);
  year_month_day date{day_start};
  hh_mm_ss clock{secs - day_start};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     clock.hours().count(), clock.minutes().count(), clock.seconds().count());
}

Result<Credentials> EnvironmentCredentialsProvider::get() {
  auto id = m_env.get_nonempty("AWS_ACCESS_KEY_ID");
  auto secret = m_env.get_nonempty("AWS_SECRET_ACCESS_KEY");
  if (!id && !secret) {
    return fail(ErrorCode::not_found, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
  }
  if (!id || !secret) {
    std::string set = id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY";
    std::string missing = id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID";
    return fail(ErrorCode::config, set + " is set but " + missing + " is not: set both, or unset " + set);
  }
  Credentials credentials;
  credentials.access_key_id = *id;
  credentials.secret_access_key = *secret;
  credentials.session_token =
      m_env.get_nonempty("AWS_SESSION_TOKEN").value_or(m_env.get_nonempty("AWS_SECURITY_TOKEN").value_or(""));
  credentials.provider = "environment";
  if (auto expiration = m_env.get_nonempty("AWS_CREDENTIAL_EXPIRATION")) {
    auto parsed = parse_aws_timestamp(*expiration);
    if (!parsed) {
      return fail(ErrorCode::config, "AWS_CREDENTIAL_EXPIRATION='" + *expiration +
                                         "' is not an ISO 8601 UTC time such as 2024-05-17T15:09:54Z");
    }
    credentials.expiration = *parsed;
    if (credentials.expired(m_clock.now())) {
      return fail(ErrorCode::auth, "credentials from environment expired at " +
                                       format_aws_timestamp(*parsed) +
                                       " (AWS_CREDENTIAL_EXPIRATION): renew them");
    }
  }
  return credentials;
}

Result<Credentials> ImdsCredentialsProvider::get() {
  std::lock_guard lock(m_mutex);
  TimePoint now = m_clock.now();
  if (m_cached && (!m_cached->expiration || now < *m_cached->expiration - k_refresh_before)) {
    return *m_cached;
  }
  auto fresh = [&]() -> Result<Credentials> {
    auto role = m_imds.role_name();
    if (!role) {
      return fail(role.error());
    }
    return m_imds.role_credentials(*role);
  }();
  if (fresh && fresh->expired(now)) {
    return fail(ErrorCode::auth, "credentials from imds-role expired at " +
                                     format_aws_timestamp(*fresh->expiration) +
                                     " (the instance clock may be wrong)");
  }
  if (fresh) {
    m_cached = *fresh;
    return *fresh;
  }
  if (m_cached && !m_cached->expired(now + std::chrono::minutes(1))) {
    m_logger.warn("could not refresh the instance role credentials ({}); using the cached ones until {}",
                  fresh.error().to_string(), format_aws_timestamp(*m_cached->expiration));
    return *m_cached;
  }
  return fresh;
}

Result<Credentials> ChainCredentialsProvider::get() {
  int resolved = m_resolved.load();
  if (resolved >= 0) {
    Link& link = m_links[static_cast<size_t>(resolved)];
    auto credentials = link.provider->get();
    if (credentials) {
      if (credentials->provider.empty()) {
        credentials->provider = link.name;
      }
      return credentials;
    }
    const Error& error = credentials.error();
    if (error.code != ErrorCode::not_found && error.code != ErrorCode::unavailable) {
      Error stop(ErrorCode::auth, "could not get AWS credentials from " + link.name);
      stop.cause = std::make_shared<const Error>(error);
      return fail(std::move(stop));
    }
    m_resolved.store(-1);  // it has nothing now: look along the whole chain again
  }
  return walk();
}

Result<Credentials> ChainCredentialsProvider::walk() {
  std::string tried;
  for (size_t i = 0; i < m_links.size(); ++i) {
    Link& link = m_links[i];
    auto credentials = link.provider->get();
    if (credentials) {
      if (credentials->provider.empty()) {
        credentials->provider = link.name;
      }
      m_logger.debug("AWS credentials from {}", credentials->provider);
      m_resolved.store(static_cast<int>(i));
      return credentials;
    }
    const Error& error = credentials.error();
    if (error.code != ErrorCode::not_found && error.code != ErrorCode::unavailable) {
      Error stop(ErrorCode::auth, "could not get AWS credentials from " + link.name +
                                      (tried.empty() ? "" : " (tried before: " + tried + ")"));
      stop.cause = std::make_shared<const Error>(error);
      return fail(std::move(stop));
    }
    tried += (tried.empty() ? "" : "; ") + link.name + ": " + error.to_string();
  }
  return fail(
      ErrorCode::auth,
      "no AWS credentials found; tried " + (tried.empty() ? std::string("nothing") : tried) +
          ". Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, configure a profile in ~/.aws, or attach "
          "an instance profile (IAM role) to this instance");
}

std::unique_ptr<ChainCredentialsProvider> make_default_credentials_chain(const Environment& env, Clock& clock,
                                                                         Imds& imds, ProcessRunner& runner,
                                                                         Logger& logger,
                                                                         CredentialsChainOptions options) {
  std::vector<ChainCredentialsProvider::Link> links;
  if (!options.profile) {
    links.push_back({"environment", std::make_unique<EnvironmentCredentialsProvider>(env, clock)});
  }
  std::string profile = choose_profile(env, options.profile).name;
  links.push_back({"profile '" + profile + "'",
                   std::make_unique<ProfileCredentialsProvider>(env, clock, runner, options.profile)});
  links.push_back({"imds-role", std::make_unique<ImdsCredentialsProvider>(imds, clock, logger)});
  return std::make_unique<ChainCredentialsProvider>(std::move(links), logger);
}

}  // namespace cloudvip
