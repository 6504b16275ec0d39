#include "netlink/netlink_address_table.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

namespace cloudvip {
namespace {

// A dump answer arrives in chunks of at most this size (the kernel sizes them by the reader's buffer, up to
// 32 KiB); k_max_receives bounds how many chunks one answer may take.
constexpr size_t k_receive_buffer = 32 * 1024;
constexpr int k_max_receives = 4096;
// A dump the kernel marks as interrupted (the table changed under it) is asked for again, this many times.
constexpr int k_dump_attempts = 3;
constexpr size_t k_request_buffer = 512;

// How a netlink exchange failed: an errno value and, where there is one, the kernel's own words.
struct Failure {
  int err = 0;
  std::string detail;
};

struct SocketCloser {
  void operator()(mnl_socket* socket) const { mnl_socket_close(socket); }
};
using Socket = std::unique_ptr<mnl_socket, SocketCloser>;

// What the callbacks of one exchange share.
struct Exchange {
  mnl_cb_t on_message = nullptr;
  void* data = nullptr;
  std::string kernel_message;
};

int on_message_trampoline(const nlmsghdr* nlh, void* data) {
  auto* exchange = static_cast<Exchange*>(data);
  return exchange->on_message ? exchange->on_message(nlh, exchange->data) : MNL_CB_OK;
}

int on_extack_attr(const nlattr* attr, void* data) {
  if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0) {
    *static_cast<std::string*>(data) = mnl_attr_get_str(attr);
  }
  return MNL_CB_OK;
}

// NLMSG_ERROR carries both the acknowledgement (error 0) and a refusal, with the kernel's message in the
// extended-ack attributes when it wrote one.
int on_error_message(const nlmsghdr* nlh, void* data) {
  auto* exchange = static_cast<Exchange*>(data);
  if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(nlmsgerr))) {
    errno = EBADMSG;
    return MNL_CB_ERROR;
  }
  const auto* error = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
  if (error->error == 0) {
    return MNL_CB_STOP;
  }
  if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) != 0) {
    size_t offset = sizeof(nlmsgerr);
    if ((nlh->nlmsg_flags & NLM_F_CAPPED) == 0) {
      offset += error->msg.nlmsg_len - sizeof(nlmsghdr);
    }
    if (offset <= mnl_nlmsg_get_payload_len(nlh)) {
      mnl_attr_parse(nlh, static_cast<unsigned>(offset), on_extack_attr, &exchange->kernel_message);
    }
  }
  errno = error->error < 0 ? -error->error : error->error;
  return MNL_CB_ERROR;
}

int on_done_message(const nlmsghdr*, void*) {
  return MNL_CB_STOP;
}

int on_noop_message(const nlmsghdr*, void*) {
  return MNL_CB_OK;
}

int on_overrun_message(const nlmsghdr*, void*) {
  errno = ENOSPC;
  return MNL_CB_ERROR;
}

// Sends `request` on a fresh socket and feeds every answer message to `on_message` until the kernel
// acknowledges, ends the dump or refuses. nullopt on success.
std::optional<Failure> exchange(Millis timeout, nlmsghdr* request, mnl_cb_t on_message, void* data) {
  Socket socket(mnl_socket_open(NETLINK_ROUTE));
  if (!socket) {
    return Failure{errno, "cannot open a netlink socket"};
  }
  int fd = mnl_socket_get_fd(socket.get());
  int one = 1;
  ::setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));  // only for better messages
  auto millis = std::max<Millis::rep>(timeout.count(), 1);  // a zero SO_RCVTIMEO would mean "wait forever"
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(millis / 1000);
  tv.tv_usec = static_cast<suseconds_t>((millis % 1000) * 1000);
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0) {
    return Failure{errno, "cannot set the netlink receive timeout"};
  }
  if (mnl_socket_bind(socket.get(), 0, MNL_SOCKET_AUTOPID) < 0) {
    return Failure{errno, "cannot bind the netlink socket"};
  }
  unsigned port = mnl_socket_get_portid(socket.get());
  request->nlmsg_seq = 1;  // the socket is ours alone, so one sequence number suffices
  if (mnl_socket_sendto(socket.get(), request, request->nlmsg_len) < 0) {
    return Failure{errno, "cannot send the netlink request"};
  }

  Exchange state{on_message, data, {}};
  std::array<mnl_cb_t, NLMSG_MIN_TYPE> control{};
  control[NLMSG_NOOP] = on_noop_message;
  control[NLMSG_ERROR] = on_error_message;
  control[NLMSG_DONE] = on_done_message;
  control[NLMSG_OVERRUN] = on_overrun_message;
  std::vector<char> buffer(k_receive_buffer);
  for (int i = 0; i < k_max_receives; ++i) {
    ssize_t received = mnl_socket_recvfrom(socket.get(), buffer.data(), buffer.size());
    if (received < 0) {
      if (errno == EINTR) {
        continue;
      }
      return Failure{errno, ""};
    }
    int status = mnl_cb_run2(buffer.data(), static_cast<size_t>(received), 1, port, on_message_trampoline,
                             &state, control.data(), static_cast<unsigned>(control.size()));
    if (status == MNL_CB_ERROR) {
      return Failure{errno, state.kernel_message};
    }
    if (status == MNL_CB_STOP) {
      return std::nullopt;
    }
  }
  return Failure{EOVERFLOW,
                 "the kernel's answer did not end after " + std::to_string(k_max_receives) + " reads"};
}

// As exchange, for dumps: asks again when the kernel says the table changed during the dump. `reset` clears
// what the callbacks collected before each attempt.
template <class Reset>
std::optional<Failure> dump(Millis timeout, nlmsghdr* request, mnl_cb_t on_message, void* data, Reset reset) {
  std::optional<Failure> failure;
  for (int attempt = 0; attempt < k_dump_attempts; ++attempt) {
    reset();
    failure = exchange(timeout, request, on_message, data);
    if (!failure || failure->err != EINTR) {
      return failure;
    }
  }
  return failure;
}

// `what` says what was being done, e.g. "adding 10.109.10.254/32 on eth0".
Error to_error(const Failure& failure, const std::string& what, Millis timeout) {
  std::string reason = std::strerror(failure.err);
  if (!failure.detail.empty()) {
    reason += " (" + failure.detail + ")";
  }
  switch (failure.err) {
    case EPERM:
    case EACCES:
      return Error(ErrorCode::auth,
                   what + ": " + reason +
                       ": changing network addresses needs root or CAP_NET_ADMIN; run cloudvip "
                       "as root or grant it CAP_NET_ADMIN (systemd: AmbientCapabilities=CAP_NET_ADMIN)");
    case EAGAIN:
      return Error(ErrorCode::timeout, what + ": the kernel did not answer the netlink request within " +
                                           std::to_string(timeout.count()) + " ms");
    case ENODEV:
      return Error(ErrorCode::not_found,
                   what + ": " + reason + ": the interface does not exist; `ip link` lists the interfaces");
    case EINVAL:
    case ERANGE:
    case EOPNOTSUPP:
      return Error(ErrorCode::invalid_argument, what + ": the kernel refused it: " + reason);
    default:
      return Error(ErrorCode::unavailable, what + ": " + reason);
  }
}

nlmsghdr* put_header(char* buffer, uint16_t type, uint16_t flags) {
  nlmsghdr* nlh = mnl_nlmsg_put_header(buffer);
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = flags;
  return nlh;
}

// --- addresses ---

struct AddressAttrs {
  std::optional<uint32_t> local;
  std::optional<uint32_t> address;
  std::optional<std::string> label;
};

int on_address_attr(const nlattr* attr, void* data) {
  auto* attrs = static_cast<AddressAttrs*>(data);
  switch (mnl_attr_get_type(attr)) {
    case IFA_LOCAL:
      if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0) {
        attrs->local = ntohl(mnl_attr_get_u32(attr));
      }
      break;
    case IFA_ADDRESS:
      if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0) {
        attrs->address = ntohl(mnl_attr_get_u32(attr));
      }
      break;
    case IFA_LABEL:
      if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0) {
        attrs->label = mnl_attr_get_str(attr);
      }
      break;
    default:
      break;
  }
  return MNL_CB_OK;
}

struct AddressScan {
  unsigned index = 0;
  std::vector<InterfaceAddress> found;
};

int on_address_message(const nlmsghdr* nlh, void* data) {
  auto* scan = static_cast<AddressScan*>(data);
  if (nlh->nlmsg_type != RTM_NEWADDR || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(ifaddrmsg))) {
    return MNL_CB_OK;
  }
  const auto* ifa = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(nlh));
  if (ifa->ifa_family != AF_INET || ifa->ifa_index != scan->index) {
    return MNL_CB_OK;
  }
  AddressAttrs attrs;
  mnl_attr_parse(nlh, sizeof(ifaddrmsg), on_address_attr, &attrs);
  // IFA_LOCAL is the interface's own address; IFA_ADDRESS differs from it only on point-to-point links.
  auto value = attrs.local ? attrs.local : attrs.address;
  if (value) {
    scan->found.push_back({Ipv4Address(*value), ifa->ifa_prefixlen, attrs.label.value_or("")});
  }
  return MNL_CB_OK;
}

// RTM_NEWADDR or RTM_DELADDR for `spec` on interface `index`.
nlmsghdr* put_address_request(char* buffer, uint16_t type, uint16_t flags, const AddressSpec& spec, int index,
                              bool with_label) {
  nlmsghdr* nlh = put_header(buffer, type, flags);
  auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
  ifa->ifa_family = AF_INET;
  ifa->ifa_prefixlen = static_cast<unsigned char>(spec.prefix_len);
  ifa->ifa_scope = RT_SCOPE_UNIVERSE;
  ifa->ifa_index = static_cast<unsigned>(index);
  mnl_attr_put_u32(nlh, IFA_LOCAL, htonl(spec.address.value()));
  mnl_attr_put_u32(nlh, IFA_ADDRESS, htonl(spec.address.value()));
  if (with_label && spec.label) {
    mnl_attr_put_strz(nlh, IFA_LABEL, spec.label->c_str());
  }
  return nlh;
}

// --- routes ---

struct RouteAttrs {
  std::optional<uint32_t> table;
  std::optional<uint32_t> oif;
  std::optional<uint32_t> priority;
};

int on_route_attr(const nlattr* attr, void* data) {
  auto* attrs = static_cast<RouteAttrs*>(data);
  switch (mnl_attr_get_type(attr)) {
    case RTA_TABLE:
      if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0) {
        attrs->table = mnl_attr_get_u32(attr);
      }
      break;
    case RTA_OIF:
      if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0) {
        attrs->oif = mnl_attr_get_u32(attr);
      }
      break;
    case RTA_PRIORITY:
      if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0) {
        attrs->priority = mnl_attr_get_u32(attr);
      }
      break;
    case RTA_MULTIPATH:
      // An ECMP default route: its first next hop's interface stands for it.
      if (!attrs->oif && mnl_attr_get_payload_len(attr) >= sizeof(rtnexthop)) {
        attrs->oif = static_cast<const rtnexthop*>(mnl_attr_get_payload(attr))->rtnh_ifindex;
      }
      break;
    default:
      break;
  }
  return MNL_CB_OK;
}

struct RouteScan {
  std::optional<uint32_t> best_oif;
  uint32_t best_priority = 0;
};

int on_route_message(const nlmsghdr* nlh, void* data) {
  auto* scan = static_cast<RouteScan*>(data);
  if (nlh->nlmsg_type != RTM_NEWROUTE || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(rtmsg))) {
    return MNL_CB_OK;
  }
  const auto* rtm = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(nlh));
  if (rtm->rtm_family != AF_INET || rtm->rtm_dst_len != 0 || rtm->rtm_type != RTN_UNICAST) {
    return MNL_CB_OK;
  }
  RouteAttrs attrs;
  mnl_attr_parse(nlh, sizeof(rtmsg), on_route_attr, &attrs);
  if (attrs.table.value_or(rtm->rtm_table) != RT_TABLE_MAIN || !attrs.oif) {
    return MNL_CB_OK;
  }
  uint32_t priority = attrs.priority.value_or(0);
  if (!scan->best_oif || priority < scan->best_priority) {
    scan->best_oif = attrs.oif;
    scan->best_priority = priority;
  }
  return MNL_CB_OK;
}

// --- links ---

struct LinkScan {
  unsigned index = 0;
  bool found = false;
  std::vector<uint8_t> address;  // IFLA_ADDRESS; empty when the link has none
};

int on_link_attr(const nlattr* attr, void* data) {
  auto* scan = static_cast<LinkScan*>(data);
  if (mnl_attr_get_type(attr) == IFLA_ADDRESS) {
    const auto* bytes = static_cast<const uint8_t*>(mnl_attr_get_payload(attr));
    scan->address.assign(bytes, bytes + mnl_attr_get_payload_len(attr));
  }
  return MNL_CB_OK;
}

int on_link_message(const nlmsghdr* nlh, void* data) {
  auto* scan = static_cast<LinkScan*>(data);
  if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(ifinfomsg))) {
    return MNL_CB_OK;
  }
  const auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
  if (static_cast<unsigned>(ifi->ifi_index) != scan->index) {
    return MNL_CB_OK;
  }
  mnl_attr_parse(nlh, sizeof(ifinfomsg), on_link_attr, scan);
  scan->found = true;
  return MNL_CB_STOP;  // one link asked for, one answer: the acknowledgement that follows is not needed
}

}  // namespace

Result<std::string> NetlinkAddressTable::link_address(std::string_view interface) {
  auto index = interface_index(interface);
  if (!index) {
    return fail(index.error());
  }
  std::string what = "reading the link-layer address of " + std::string(interface);
  std::array<char, k_request_buffer> buffer{};
  nlmsghdr* nlh = put_header(buffer.data(), RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK);
  auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = *index;
  LinkScan scan{static_cast<unsigned>(*index), false, {}};
  if (auto failure = exchange(m_receive_timeout, nlh, on_link_message, &scan)) {
    return fail(to_error(*failure, what, m_receive_timeout));
  }
  if (!scan.found || scan.address.empty()) {
    return fail(ErrorCode::not_found,
                what +
                    ": the interface has no link-layer address, so IMDS cannot name its network "
                    "interface; set `interface` to the ENI's device (e.g. eth0)");
  }
  std::string mac;
  for (uint8_t byte : scan.address) {
    mac += fmt::format("{}{:02x}", mac.empty() ? "" : ":", byte);
  }
  return mac;
}

Result<int> NetlinkAddressTable::interface_index(std::string_view name) {
  if (auto valid = validate_interface_name(name); !valid) {
    return fail(valid.error());
  }
  std::string name_z(name);
  unsigned index = ::if_nametoindex(name_z.c_str());
  if (index != 0) {
    return static_cast<int>(index);
  }
  if (errno == ENODEV || errno == ENXIO) {
    return fail(ErrorCode::not_found,
                "interface '" + name_z + "' does not exist; `ip link` lists the interfaces");
  }
  return fail(ErrorCode::unavailable, "cannot look up interface '" + name_z + "': " + std::strerror(errno));
}

Result<std::vector<InterfaceAddress>> NetlinkAddressTable::list(std::string_view interface) {
  auto index = interface_index(interface);
  if (!index) {
    return fail(index.error());
  }
  std::array<char, k_request_buffer> buffer{};
  nlmsghdr* nlh = put_header(buffer.data(), RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP);
  auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
  ifa->ifa_family = AF_INET;
  AddressScan scan{static_cast<unsigned>(*index), {}};
  auto failure = dump(m_receive_timeout, nlh, on_address_message, &scan, [&] { scan.found.clear(); });
  if (failure) {
    return fail(to_error(*failure, "listing the addresses of " + std::string(interface), m_receive_timeout));
  }
  return std::move(scan.found);
}

Result<bool> NetlinkAddressTable::add(const AddressSpec& spec) {
  if (auto valid = validate(spec); !valid) {
    return fail(valid.error());
  }
  std::string what = "adding " + to_string(spec);
  auto index = interface_index(spec.interface);
  if (!index) {
    return fail(index.error().wrap(what));
  }
  std::array<char, k_request_buffer> buffer{};
  nlmsghdr* nlh = put_address_request(
      buffer.data(), RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, spec, *index, true);
  auto failure = exchange(m_receive_timeout, nlh, nullptr, nullptr);
  if (!failure) {
    return true;
  }
  if (failure->err == EEXIST) {
    return false;
  }
  return fail(to_error(*failure, what, m_receive_timeout));
}

Result<bool> NetlinkAddressTable::remove(const AddressSpec& spec) {
  if (auto valid = validate(spec); !valid) {
    return fail(valid.error());
  }
  std::string what = "removing " + to_string(spec);
  auto index = interface_index(spec.interface);
  if (!index) {
    return fail(index.error().wrap(what));
  }
  std::array<char, k_request_buffer> buffer{};
  // Without IFA_LABEL the kernel matches the address and prefix length whatever the label.
  nlmsghdr* nlh =
      put_address_request(buffer.data(), RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, spec, *index, false);
  auto failure = exchange(m_receive_timeout, nlh, nullptr, nullptr);
  if (!failure) {
    return true;
  }
  if (failure->err == EADDRNOTAVAIL) {
    return false;
  }
  return fail(to_error(*failure, what, m_receive_timeout));
}

Result<std::string> NetlinkAddressTable::default_route_interface() {
  std::array<char, k_request_buffer> buffer{};
  nlmsghdr* nlh = put_header(buffer.data(), RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP);
  auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
  rtm->rtm_family = AF_INET;
  RouteScan scan;
  auto failure = dump(m_receive_timeout, nlh, on_route_message, &scan, [&] { scan = RouteScan{}; });
  if (failure) {
    return fail(to_error(*failure, "reading the IPv4 routing table", m_receive_timeout));
  }
  if (!scan.best_oif) {
    return fail(ErrorCode::not_found,
                "there is no IPv4 default route in the main routing table, so the VIP's interface cannot be "
                "guessed; set `interface` in the configuration (`ip link` lists the interfaces)");
  }
  std::array<char, IF_NAMESIZE> name{};
  if (::if_indextoname(*scan.best_oif, name.data()) == nullptr) {
    return fail(ErrorCode::not_found, "the IPv4 default route leaves by interface index " +
                                          std::to_string(*scan.best_oif) +
                                          ", which has no name: " + std::strerror(errno));
  }
  return std::string(name.data());
}

}  // namespace cloudvip
