#include "sim/imds_server.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "aws/credentials.h"
#include "sim/ids.h"
#include "sim/server.h"
#include "sim/world.h"

namespace cloudvip::sim {
namespace {

constexpr std::string_view k_meta = "/latest/meta-data/";
constexpr std::string_view k_ttl_header = "X-aws-ec2-metadata-token-ttl-seconds";
constexpr std::string_view k_token_header = "X-aws-ec2-metadata-token";

HttpReply text(int status, std::string body) {
  HttpReply out;
  out.status = status;
  out.body = std::move(body);
  return out;
}

HttpReply json_reply(const nlohmann::json& body) {
  HttpReply out = text(200, body.dump(2));
  return out;
}

HttpReply not_found() {
  return text(404, "Not Found");
}

// The children of `dir` ("" or ending in '/') among `paths`, one per line, directories with a trailing '/';
// nullopt when nothing lies under it.
std::optional<std::string> listing(const std::map<std::string, std::string>& leaves, std::string_view dir) {
  std::set<std::string> children;
  for (const auto& [path, value] : leaves) {
    if (path.size() > dir.size() && path.starts_with(dir)) {
      std::string_view rest = std::string_view(path).substr(dir.size());
      size_t slash = rest.find('/');
      children.insert(std::string(slash == std::string_view::npos ? rest : rest.substr(0, slash + 1)));
    }
  }
  if (children.empty()) {
    return std::nullopt;
  }
  std::string out;
  for (const std::string& child : children) {
    out += (out.empty() ? "" : "\n") + child;
  }
  return out;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) {
    out += (out.empty() ? "" : "\n") + line;
  }
  return out;
}

std::string private_dns_name(std::string_view region, const Ipv4Address& ip) {
  std::string host = "ip-" + ip.to_string();
  for (char& c : host) {
    c = c == '.' ? '-' : c;
  }
  return host + (region == "us-east-1" ? ".ec2.internal" : "." + std::string(region) + ".compute.internal");
}

// The id DescribeInstances shows under iamInstanceProfile (sim/shapes.cc derives it the same way; the
// model has no shared helper for it yet).
std::string instance_profile_id(const std::string& role) {
  std::string id = "AIPA" + derived_id("x", role).substr(2, 16);
  std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) { return std::toupper(c); });
  return id;
}

const InterfaceView* eth0(const InstanceView& view) {
  for (const InterfaceView& i : view.interfaces) {
    if (i.device_index == 0) {
      return &i;
    }
  }
  return nullptr;
}

}  // namespace

std::map<std::string, std::string> metadata_leaves(const InstanceView& view) {
  std::map<std::string, std::string> m;
  m["ami-id"] = view.image_id;
  m["instance-id"] = view.id;
  m["instance-type"] = view.instance_type;
  m["placement/region"] = view.region;
  m["placement/availability-zone"] = view.az;
  m["placement/availability-zone-id"] = World::availability_zone_id(view.az);
  m["services/domain"] = "amazonaws.com";
  if (const InterfaceView* primary = eth0(view); primary != nullptr && !primary->private_ips.empty()) {
    m["mac"] = primary->mac;
    m["local-ipv4"] = primary->private_ips.front().to_string();
    m["local-hostname"] = private_dns_name(view.region, primary->private_ips.front());
    m["hostname"] = m["local-hostname"];
    for (const auto& [public_ip, private_ip] : primary->public_ips) {
      if (private_ip == primary->private_ips.front()) {
        m["public-ipv4"] = public_ip.to_string();
      }
    }
  }
  for (const InterfaceView& eni : view.interfaces) {
    std::string dir = "network/interfaces/macs/" + eni.mac + "/";
    m[dir + "interface-id"] = eni.id;
    m[dir + "device-number"] = std::to_string(eni.device_index);
    m[dir + "network-card-index"] = "0";
    m[dir + "mac"] = eni.mac;
    m[dir + "owner-id"] = view.account_id;
    m[dir + "subnet-id"] = eni.subnet_id;
    m[dir + "subnet-ipv4-cidr-block"] = eni.subnet_cidr.to_string();
    m[dir + "vpc-id"] = eni.vpc_id;
    std::vector<std::string> vpc_cidrs;
    for (const Cidr& cidr : eni.vpc_cidrs) {
      vpc_cidrs.push_back(cidr.to_string());
    }
    if (!vpc_cidrs.empty()) {
      m[dir + "vpc-ipv4-cidr-block"] = vpc_cidrs.front();
      m[dir + "vpc-ipv4-cidr-blocks"] = join_lines(vpc_cidrs);
    }
    std::vector<std::string> ips;
    for (const Ipv4Address& ip : eni.private_ips) {
      ips.push_back(ip.to_string());
    }
    if (!ips.empty()) {  // 404 for an IPv6-only ENI, as in EC2
      m[dir + "local-ipv4s"] = join_lines(ips);
      m[dir + "local-hostname"] = private_dns_name(view.region, eni.private_ips.front());
    }
    std::vector<std::string> publics;
    for (const auto& [public_ip, private_ip] : eni.public_ips) {
      publics.push_back(public_ip.to_string());
      m[dir + "ipv4-associations/" + public_ip.to_string()] = private_ip.to_string();
    }
    if (!publics.empty()) {
      m[dir + "public-ipv4s"] = join_lines(publics);
    }
  }
  return m;
}

ImdsService::ImdsService(Simulation& simulation, Faults& faults, CallLog& log, Clock& clock, bool allow_v1)
    : m_simulation(simulation), m_faults(faults), m_log(log), m_clock(clock), m_allow_v1(allow_v1) {}

void ImdsService::hold() {
  Millis waited{0};
  const Millis step{50};
  while (!m_shutdown && waited < k_hold_limit && m_faults.imds_outage() == ImdsOutage::no_answer) {
    m_clock.sleep_for(step);
    waited += step;
  }
}

HttpReply ImdsService::handle(std::string_view instance_id, const ImdsRequest& request) {
  TimePoint started = m_clock.now();
  if (Millis delay = m_faults.imds_delay(); delay.count() > 0) {
    m_clock.sleep_for(delay);
  }
  HttpReply out;
  switch (m_faults.imds_outage()) {
    case ImdsOutage::none:
      out = answer(instance_id, request);
      break;
    case ImdsOutage::no_answer:
      hold();
      out.drop_connection = true;
      break;
    case ImdsOutage::close:
      out.drop_connection = true;
      break;
    case ImdsOutage::unavailable:
      out = text(503, "");
      break;
  }
  CallRecord record;
  record.time = started;
  record.kind = "imds";
  record.instance_id = std::string(instance_id);
  record.method = request.method;
  record.path = request.path;
  record.status = out.drop_connection ? 0 : out.status;
  record.error_code = out.drop_connection ? "connection-dropped" : "";
  record.latency_us = std::chrono::duration_cast<std::chrono::microseconds>(m_clock.now() - started);
  record.latency = std::chrono::duration_cast<Millis>(record.latency_us);
  m_log.append(std::move(record));
  return out;
}

HttpReply ImdsService::answer(std::string_view instance_id, const ImdsRequest& request) {
  std::optional<InstanceView> view = m_simulation.model()->instance_view(instance_id);
  if (!view) {
    return not_found();
  }
  if (!view->running) {
    HttpReply out;  // a stopped instance has no metadata service to answer
    out.drop_connection = true;
    return out;
  }
  const std::string& path = request.path;
  if (path.ends_with("/api/token")) {
    if (path != "/latest/api/token") {
      return text(403, "Forbidden");  // version-specific token paths are refused
    }
    if (request.method != "PUT") {
      HttpReply out = text(405, "Method Not Allowed");
      out.headers.emplace_back("Allow", "OPTIONS, PUT");
      return out;
    }
    return issue_token(instance_id, request);
  }
  if (request.method != "GET" && request.method != "HEAD") {
    HttpReply out = text(405, "Method Not Allowed");
    out.headers.emplace_back("Allow", "OPTIONS, GET, HEAD");
    return out;
  }
  if (auto refused = check_token(instance_id, request)) {
    return *refused;
  }
  if (path == "/") {
    return text(200, "latest");
  }
  if (path == "/latest" || path == "/latest/") {
    return text(200, "dynamic\nmeta-data");
  }
  if (path == "/latest/dynamic" || path == "/latest/dynamic/") {
    return text(200, "instance-identity/");
  }
  if (path == "/latest/dynamic/instance-identity" || path == "/latest/dynamic/instance-identity/") {
    return text(200, "document");
  }
  if (path == "/latest/dynamic/instance-identity/document") {
    const InterfaceView* primary = eth0(*view);
    nlohmann::json doc = {
        {"accountId", view->account_id},
        {"architecture", "x86_64"},
        {"availabilityZone", view->az},
        {"billingProducts", nullptr},
        {"devpayProductCodes", nullptr},
        {"marketplaceProductCodes", nullptr},
        {"imageId", view->image_id},
        {"instanceId", view->id},
        {"instanceType", view->instance_type},
        {"kernelId", nullptr},
        {"pendingTime", format_aws_timestamp(view->launch_time)},
        {"privateIp",
         primary && !primary->private_ips.empty() ? primary->private_ips.front().to_string() : ""},
        {"ramdiskId", nullptr},
        {"region", view->region},
        {"version", "2017-09-30"}};
    return json_reply(doc);
  }
  if (path == "/latest/meta-data") {
    return metadata(instance_id, "");
  }
  if (path.starts_with(k_meta)) {
    return metadata(instance_id, std::string_view(path).substr(k_meta.size()));
  }
  return not_found();
}

HttpReply ImdsService::issue_token(std::string_view instance_id, const ImdsRequest& request) {
  if (request.headers.has("X-Forwarded-For")) {
    return text(403, "Forbidden");
  }
  std::optional<std::string> ttl_text = request.headers.get(k_ttl_header);
  int ttl = 0;
  if (!ttl_text ||
      std::from_chars(ttl_text->data(), ttl_text->data() + ttl_text->size(), ttl).ptr !=
          ttl_text->data() + ttl_text->size() ||
      ttl < 1 || ttl > k_max_token_ttl_seconds) {
    return text(400, "Missing or Invalid Parameters");
  }
  std::string token = "AQAEA" + m_ids.secret(51);
  TimePoint now = m_clock.now();
  {
    std::lock_guard lock(m_mutex);
    std::erase_if(m_tokens, [now](const auto& entry) { return entry.second.expires <= now; });
    if (m_tokens.size() >= k_max_tokens) {
      m_tokens.erase(m_tokens.begin());
    }
    m_tokens[token] = Token{std::string(instance_id), now + std::chrono::seconds(ttl)};
  }
  HttpReply out = text(200, token);
  out.headers.emplace_back(std::string(k_ttl_header), std::to_string(ttl));
  return out;
}

std::optional<HttpReply> ImdsService::check_token(std::string_view instance_id, const ImdsRequest& request) {
  std::optional<std::string> token = request.headers.get(k_token_header);
  if (!token) {
    if (m_allow_v1) {
      return std::nullopt;
    }
    return text(401, "Unauthorized");
  }
  std::lock_guard lock(m_mutex);
  auto it = m_tokens.find(*token);
  if (it == m_tokens.end() || it->second.instance_id != instance_id || it->second.expires <= m_clock.now()) {
    return text(401, "Unauthorized");
  }
  return std::nullopt;
}

HttpReply ImdsService::metadata(std::string_view instance_id, std::string_view path) {
  std::optional<InstanceView> view = m_simulation.model()->instance_view(instance_id);
  if (!view) {
    return not_found();
  }
  std::map<std::string, std::string> leaves = metadata_leaves(*view);
  std::string role_dir = "iam/security-credentials/";
  if (!view->iam_role.empty()) {
    leaves["iam/info"] = "";  // placeholders so the listings show them; answered below
    leaves[role_dir + view->iam_role] = "";
  }
  if (!view->iam_role.empty() && path == "iam/info") {
    auto credentials = m_simulation.model()->role_credentials(instance_id);
    nlohmann::json info = {
        {"Code", "Success"},
        {"LastUpdated", format_aws_timestamp(credentials ? credentials->last_updated : m_clock.now())},
        {"InstanceProfileArn", "arn:aws:iam::" + view->account_id + ":instance-profile/" + view->iam_role},
        {"InstanceProfileId", instance_profile_id(view->iam_role)}};
    return json_reply(info);
  }
  if (!view->iam_role.empty() && path == role_dir + view->iam_role) {
    auto credentials = m_simulation.model()->role_credentials(instance_id);
    if (!credentials) {
      return not_found();
    }
    nlohmann::json body = {{"Code", "Success"},
                           {"LastUpdated", format_aws_timestamp(credentials->last_updated)},
                           {"Type", "AWS-HMAC"},
                           {"AccessKeyId", credentials->access_key_id},
                           {"SecretAccessKey", credentials->secret_access_key},
                           {"Token", credentials->token},
                           {"Expiration", format_aws_timestamp(credentials->expiration)}};
    return json_reply(body);
  }
  if (auto leaf = leaves.find(std::string(path)); leaf != leaves.end()) {
    return text(200, leaf->second);
  }
  std::string dir(path);
  if (!dir.empty() && !dir.ends_with('/')) {
    dir += '/';
  }
  if (auto children = listing(leaves, dir)) {
    return text(200, *children);
  }
  return not_found();
}

ImdsListener::ImdsListener(ImdsService& service, std::string host, int port, std::string instance_id) {
  m_listener = std::make_unique<HttpListener>(
      std::move(host), port, HttpListener::k_default_threads,
      [&service, instance_id](const httplib::Request& req, httplib::Response& res) {
        write_reply(service.handle(instance_id, ImdsRequest{req.method, req.path, headers_of(req)}), res);
      });
}

ImdsListener::ImdsListener(ImdsService& service, std::string host, int port,
                           std::map<std::string, std::string> by_source_address) {
  m_listener = std::make_unique<HttpListener>(
      std::move(host), port, HttpListener::k_default_threads,
      [&service, map = std::move(by_source_address)](const httplib::Request& req, httplib::Response& res) {
        auto it = map.find(req.remote_addr);
        if (it == map.end()) {
          write_reply(text(404, "Not Found"), res);
          return;
        }
        write_reply(service.handle(it->second, ImdsRequest{req.method, req.path, headers_of(req)}), res);
      });
}

ImdsListener::~ImdsListener() = default;

int ImdsListener::port() const {
  return m_listener->port();
}

std::string ImdsListener::url() const {
  return m_listener->url();
}

void ImdsListener::stop() {
  m_listener->stop();
}

}  // namespace cloudvip::sim
