#include "leader/leader_source_factory.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "leader/command_source.h"
#include "leader/etcd_source.h"
#include "leader/iris_source.h"
#include "leader/patroni_source.h"
#include "leader/trigger_source.h"

namespace cloudvip {
namespace {

// The password: the file's first line (a trailing newline, as `echo` writes it, is not part of it).
Result<std::string> read_password(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(ErrorCode::config,
                path + ": cannot read the etcd password file: " + std::strerror(errno) +
                    " (create it, readable by root only, holding the password of username)");
  }
  std::string password;
  std::getline(in, password);
  if (!password.empty() && password.back() == '\r') {
    password.pop_back();
  }
  if (password.empty()) {
    return fail(ErrorCode::config, path +
                                       ": the etcd password file is empty (write the password of username "
                                       "in it)");
  }
  return password;
}

Result<void> check_readable(const std::string& path, std::string_view what) {
  if (path.empty()) {
    return ok();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(ErrorCode::config, path + ": cannot read the etcd " + std::string(what) + ": " +
                                       std::strerror(errno) + " (check the path and its permissions)");
  }
  return ok();
}

}  // namespace

Result<std::unique_ptr<LeaderSource>> make_leader_source(const LeaderSettings& settings,
                                                         const LeaderSourceContext& context) {
  Millis interval = settings.poll_interval.value_or(context.default_interval);
  switch (settings.source) {
    case LeaderSourceKind::patroni:
      return make_patroni_source(settings, context.http, context.clock, interval);
    case LeaderSourceKind::iris:
      return make_iris_source(settings, context.http, context.clock, interval);
    case LeaderSourceKind::command:
      return make_command_source(settings, context.runner, context.clock, interval);
    case LeaderSourceKind::trigger:
      return std::unique_ptr<LeaderSource>(std::make_unique<TriggerSource>(context.clock));
    case LeaderSourceKind::etcd:
      break;
  }
  EtcdSourceOptions options;
  options.client.endpoints = settings.endpoints;
  options.client.username = settings.username;
  options.client.timeout = settings.timeout;
  options.client.tls = {settings.ca_file, settings.cert_file, settings.key_file};
  for (auto [path, what] : {std::pair{settings.ca_file, "CA file (ca_file)"},
                            std::pair{settings.cert_file, "client certificate (cert_file)"},
                            std::pair{settings.key_file, "client key (key_file)"}}) {
    if (auto readable = check_readable(path, what); !readable) {
      return fail(readable.error());
    }
  }
  if (!settings.password_file.empty()) {
    auto password = read_password(settings.password_file);
    if (!password) {
      return fail(password.error());
    }
    options.client.password = std::move(*password);
  }
  if (settings.endpoints.empty() || settings.key.empty() || settings.member.empty()) {
    return fail(ErrorCode::config, "the etcd source needs endpoints, key and member");
  }
  options.key = settings.key;
  options.member = settings.member;
  options.interval = interval;
  return std::unique_ptr<LeaderSource>(
      std::make_unique<EtcdSource>(std::move(options), context.clock, context.logger));
}

}  // namespace cloudvip
