// What a cloudvip-sim handler answers, independent of the HTTP server library (so handlers are tested
// without sockets). server.cc turns it into the wire response.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace cloudvip::sim {

struct HttpReply {
  int status = 200;
  std::string content_type = "text/plain";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Fault injection: send the status line and headers, then drop the connection before the body.
  bool drop_connection = false;
};

}  // namespace cloudvip::sim
