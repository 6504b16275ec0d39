#include "sim/dataplane_netlink.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>

namespace cloudvip::sim {
namespace {

constexpr size_t k_buffer_size = 32 * 1024;
// Bounds the reads of one answer; a dump of a lab namespace takes a handful.
constexpr int k_max_reads = 1024;
constexpr int k_dump_attempts = 3;  // a dump interrupted by a concurrent change is asked for again

using OnMessage = std::function<void(const nlmsghdr*)>;

struct Closer {
  void operator()(mnl_socket* socket) const { mnl_socket_close(socket); }
};

int call_on_message(const nlmsghdr* nlh, void* data) {
  (*static_cast<OnMessage*>(data))(nlh);
  return MNL_CB_OK;
}

int on_error(const nlmsghdr* nlh, void*) {
  if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(nlmsgerr))) {
    errno = EBADMSG;
    return MNL_CB_ERROR;
  }
  const auto* error = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
  if (error->error == 0) {
    return MNL_CB_STOP;  // the acknowledgement
  }
  errno = -error->error;
  return MNL_CB_ERROR;
}

int on_done(const nlmsghdr*, void*) {
  return MNL_CB_STOP;
}

// Sends `request` and hands every answer message to `on_message` until the kernel acknowledges, ends the
// dump or refuses. 0, or the errno value of the failure.
int exchange(Millis timeout, nlmsghdr* request, OnMessage on_message) {
  std::unique_ptr<mnl_socket, Closer> socket(mnl_socket_open(NETLINK_ROUTE));
  if (!socket) {
    return errno;
  }
  int fd = mnl_socket_get_fd(socket.get());
  long millis = std::max<long>(timeout.count(), 1);  // a zero SO_RCVTIMEO would wait forever
  timeval tv{static_cast<time_t>(millis / 1000), static_cast<suseconds_t>((millis % 1000) * 1000)};
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
      mnl_socket_bind(socket.get(), 0, MNL_SOCKET_AUTOPID) < 0) {
    return errno;
  }
  request->nlmsg_seq = 1;
  if (mnl_socket_sendto(socket.get(), request, request->nlmsg_len) < 0) {
    return errno;
  }
  std::array<mnl_cb_t, NLMSG_MIN_TYPE> control{};
  control[NLMSG_ERROR] = on_error;
  control[NLMSG_DONE] = on_done;
  std::vector<char> buffer(k_buffer_size);
  unsigned port = mnl_socket_get_portid(socket.get());
  for (int i = 0; i < k_max_reads; ++i) {
    ssize_t got = mnl_socket_recvfrom(socket.get(), buffer.data(), buffer.size());
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno;
    }
    int status = mnl_cb_run2(buffer.data(), static_cast<size_t>(got), 1, port, call_on_message, &on_message,
                             control.data(), static_cast<unsigned>(control.size()));
    if (status == MNL_CB_ERROR) {
      return errno;
    }
    if (status == MNL_CB_STOP) {
      return 0;
    }
  }
  return EOVERFLOW;
}

int dump(Millis timeout, nlmsghdr* request, const std::function<void()>& reset, OnMessage on_message) {
  int err = 0;
  for (int attempt = 0; attempt < k_dump_attempts; ++attempt) {
    reset();
    err = exchange(timeout, request, on_message);
    if (err != EINTR) {
      return err;
    }
  }
  return err;
}

Error to_error(int err, const std::string& what, Millis timeout) {
  std::string reason = std::strerror(err);
  switch (err) {
    case EPERM:
    case EACCES:
      return Error(ErrorCode::auth, what + ": " + reason +
                                        ": programming routes needs CAP_NET_ADMIN in the router namespace; "
                                        "run cloudvip-sim --dataplane as root inside it (lab/up does)");
    case EAGAIN:
      return Error(ErrorCode::timeout,
                   what + ": the kernel did not answer within " + std::to_string(timeout.count()) + " ms");
    case ENODEV:
      return Error(ErrorCode::not_found, what + ": " + reason + ": the link is gone");
    default:
      return Error(ErrorCode::unavailable, what + ": " + reason);
  }
}

nlmsghdr* header(char* buffer, uint16_t type, uint16_t flags) {
  nlmsghdr* nlh = mnl_nlmsg_put_header(buffer);
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = flags;
  return nlh;
}

uint32_t network_order(Ipv4Address address) {
  return htonl(address.value());
}

// A route message for `route` (its table and destination, and for new routes its type and next hop).
nlmsghdr* route_message(char* buffer, uint16_t type, uint16_t flags, const KernelRoute& route, bool full) {
  nlmsghdr* nlh = header(buffer, type, flags);
  auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
  rtm->rtm_family = AF_INET;
  rtm->rtm_dst_len = static_cast<unsigned char>(route.destination.prefix());
  rtm->rtm_table = RT_TABLE_UNSPEC;  // the table is in RTA_TABLE (ours are above 255)
  rtm->rtm_protocol = full ? RTPROT_STATIC : RTPROT_UNSPEC;
  rtm->rtm_scope = full ? RT_SCOPE_UNIVERSE : RT_SCOPE_NOWHERE;  // NOWHERE: delete whatever the scope
  rtm->rtm_type = RTN_UNSPEC;
  mnl_attr_put_u32(nlh, RTA_TABLE, route.table);
  mnl_attr_put_u32(nlh, RTA_DST, network_order(route.destination.network()));
  if (full) {
    rtm->rtm_type = route.type == KernelRoute::Type::unicast ? RTN_UNICAST : RTN_BLACKHOLE;
    if (route.type == KernelRoute::Type::unicast) {
      mnl_attr_put_u32(nlh, RTA_GATEWAY, network_order(route.gateway));
      mnl_attr_put_u32(nlh, RTA_OIF, static_cast<uint32_t>(route.link_index));
    }
  }
  return nlh;
}

nlmsghdr* rule_message(char* buffer, uint16_t type, uint16_t flags, const KernelRule& rule) {
  nlmsghdr* nlh = header(buffer, type, flags);
  auto* frh = static_cast<fib_rule_hdr*>(mnl_nlmsg_put_extra_header(nlh, sizeof(fib_rule_hdr)));
  frh->family = AF_INET;
  frh->action = FR_ACT_TO_TBL;
  frh->table = RT_TABLE_UNSPEC;
  mnl_attr_put_u32(nlh, FRA_PRIORITY, rule.priority);
  mnl_attr_put_u32(nlh, FRA_TABLE, rule.table);
  mnl_attr_put_strz(nlh, FRA_IIFNAME, rule.input_link.c_str());
  return nlh;
}

template <size_t N>
int collect_attribute(const nlattr* attr, void* data) {
  uint16_t type = mnl_attr_get_type(attr);
  if (type < N) {
    (*static_cast<std::array<const nlattr*, N>*>(data))[type] = attr;
  }
  return MNL_CB_OK;
}

// The attributes of one message, by type (nullptr when absent).
template <size_t N>
std::array<const nlattr*, N> attributes(const nlmsghdr* nlh, size_t extra_header) {
  std::array<const nlattr*, N> found{};
  mnl_attr_parse(nlh, static_cast<unsigned>(extra_header), collect_attribute<N>, &found);
  return found;
}

}  // namespace

Result<std::vector<RouterLink>> NetlinkRouteProgrammer::links() {
  std::array<char, 256> buffer{};
  nlmsghdr* nlh = header(buffer.data(), RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP);
  auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
  ifa->ifa_family = AF_INET;
  std::vector<RouterLink> links;
  int err = dump(
      m_timeout, nlh, [&] { links.clear(); },
      [&](const nlmsghdr* message) {
        if (message->nlmsg_type != RTM_NEWADDR) {
          return;
        }
        const auto* info = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(message));
        auto attrs = attributes<IFA_MAX + 1>(message, sizeof(ifaddrmsg));
        const nlattr* address = attrs[IFA_LOCAL] ? attrs[IFA_LOCAL] : attrs[IFA_ADDRESS];
        if (info->ifa_family != AF_INET || !address || mnl_attr_get_payload_len(address) != 4) {
          return;
        }
        std::array<char, IF_NAMESIZE> name{};
        if (::if_indextoname(static_cast<unsigned>(info->ifa_index), name.data()) == nullptr) {
          return;  // gone since the dump
        }
        Ipv4Address ip(ntohl(mnl_attr_get_u32(address)));
        links.push_back({name.data(), static_cast<int>(info->ifa_index), Cidr(ip, info->ifa_prefixlen)});
      });
  if (err != 0) {
    return std::unexpected(to_error(err, "listing addresses", m_timeout));
  }
  return links;
}

Result<std::vector<KernelRoute>> NetlinkRouteProgrammer::routes(uint32_t first_table, uint32_t last_table) {
  std::array<char, 256> buffer{};
  nlmsghdr* nlh = header(buffer.data(), RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP);
  auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
  rtm->rtm_family = AF_INET;
  std::vector<KernelRoute> routes;
  int err = dump(
      m_timeout, nlh, [&] { routes.clear(); },
      [&](const nlmsghdr* message) {
        if (message->nlmsg_type != RTM_NEWROUTE) {
          return;
        }
        const auto* info = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(message));
        auto attrs = attributes<RTA_MAX + 1>(message, sizeof(rtmsg));
        uint32_t table = attrs[RTA_TABLE] ? mnl_attr_get_u32(attrs[RTA_TABLE]) : info->rtm_table;
        if (info->rtm_family != AF_INET || table < first_table || table > last_table) {
          return;
        }
        KernelRoute route;
        route.table = table;
        Ipv4Address destination(attrs[RTA_DST] ? ntohl(mnl_attr_get_u32(attrs[RTA_DST])) : 0);
        route.destination = Cidr(destination, info->rtm_dst_len).canonical();
        route.type = info->rtm_type == RTN_UNICAST     ? KernelRoute::Type::unicast
                     : info->rtm_type == RTN_BLACKHOLE ? KernelRoute::Type::blackhole
                                                       : KernelRoute::Type::other;
        if (attrs[RTA_GATEWAY]) {
          route.gateway = Ipv4Address(ntohl(mnl_attr_get_u32(attrs[RTA_GATEWAY])));
        }
        if (attrs[RTA_OIF]) {
          route.link_index = static_cast<int>(mnl_attr_get_u32(attrs[RTA_OIF]));
        }
        routes.push_back(std::move(route));
      });
  if (err != 0) {
    return std::unexpected(to_error(err, "listing routes", m_timeout));
  }
  return routes;
}

Result<void> NetlinkRouteProgrammer::put_route(const KernelRoute& route) {
  std::array<char, 512> buffer{};
  nlmsghdr* nlh = route_message(buffer.data(), RTM_NEWROUTE,
                                NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, route, true);
  if (int err = exchange(m_timeout, nlh, [](const nlmsghdr*) {}); err != 0) {
    return std::unexpected(to_error(err, "programming " + route.to_string(), m_timeout));
  }
  return ok();
}

Result<void> NetlinkRouteProgrammer::delete_route(const KernelRoute& route) {
  std::array<char, 512> buffer{};
  nlmsghdr* nlh = route_message(buffer.data(), RTM_DELROUTE, NLM_F_REQUEST | NLM_F_ACK, route, false);
  int err = exchange(m_timeout, nlh, [](const nlmsghdr*) {});
  if (err != 0 && err != ESRCH) {  // ESRCH: no such route, the wanted outcome
    return std::unexpected(to_error(err, "deleting " + route.to_string(), m_timeout));
  }
  return ok();
}

Result<std::vector<KernelRule>> NetlinkRouteProgrammer::rules(uint32_t first_priority,
                                                              uint32_t last_priority) {
  std::array<char, 256> buffer{};
  nlmsghdr* nlh = header(buffer.data(), RTM_GETRULE, NLM_F_REQUEST | NLM_F_DUMP);
  auto* frh = static_cast<fib_rule_hdr*>(mnl_nlmsg_put_extra_header(nlh, sizeof(fib_rule_hdr)));
  frh->family = AF_INET;
  std::vector<KernelRule> rules;
  int err = dump(
      m_timeout, nlh, [&] { rules.clear(); },
      [&](const nlmsghdr* message) {
        if (message->nlmsg_type != RTM_NEWRULE) {
          return;
        }
        const auto* info = static_cast<const fib_rule_hdr*>(mnl_nlmsg_get_payload(message));
        auto attrs = attributes<FRA_MAX + 1>(message, sizeof(fib_rule_hdr));
        uint32_t priority = attrs[FRA_PRIORITY] ? mnl_attr_get_u32(attrs[FRA_PRIORITY]) : 0;
        if (info->family != AF_INET || priority < first_priority || priority > last_priority) {
          return;
        }
        KernelRule rule;
        rule.priority = priority;
        rule.table = attrs[FRA_TABLE] ? mnl_attr_get_u32(attrs[FRA_TABLE]) : info->table;
        if (attrs[FRA_IIFNAME] && mnl_attr_validate(attrs[FRA_IIFNAME], MNL_TYPE_NUL_STRING) >= 0) {
          rule.input_link = mnl_attr_get_str(attrs[FRA_IIFNAME]);
        }
        rules.push_back(std::move(rule));
      });
  if (err != 0) {
    return std::unexpected(to_error(err, "listing rules", m_timeout));
  }
  return rules;
}

Result<void> NetlinkRouteProgrammer::add_rule(const KernelRule& rule) {
  std::array<char, 512> buffer{};
  nlmsghdr* nlh =
      rule_message(buffer.data(), RTM_NEWRULE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, rule);
  int err = exchange(m_timeout, nlh, [](const nlmsghdr*) {});
  if (err != 0 && err != EEXIST) {
    return std::unexpected(to_error(err, "adding rule " + rule.to_string(), m_timeout));
  }
  return ok();
}

Result<void> NetlinkRouteProgrammer::delete_rule(const KernelRule& rule) {
  std::array<char, 512> buffer{};
  nlmsghdr* nlh = rule_message(buffer.data(), RTM_DELRULE, NLM_F_REQUEST | NLM_F_ACK, rule);
  int err = exchange(m_timeout, nlh, [](const nlmsghdr*) {});
  if (err != 0 && err != ENOENT) {
    return std::unexpected(to_error(err, "deleting rule " + rule.to_string(), m_timeout));
  }
  return ok();
}

std::optional<std::string> network_namespace_name(const std::string& netns_dir) {
  struct stat self {};
  if (::stat("/proc/thread-self/ns/net", &self) != 0) {
    return std::nullopt;
  }
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(netns_dir, ec)) {
    struct stat named {};
    if (::stat(entry.path().c_str(), &named) == 0 && named.st_dev == self.st_dev &&
        named.st_ino == self.st_ino) {
      return entry.path().filename().string();
    }
  }
  return std::nullopt;
}

}  // namespace cloudvip::sim
