// The GET that the HTTP-polled sources (patroni, iris) share: short timeouts, never through a proxy (the
// answer must come from this member itself), and the failure put in words for LeaderAnswer::why.
#pragma once

#include <string>

#include "common/clock.h"
#include "http/transport.h"

namespace cloudvip {

// GET `url` with `timeout` for the whole exchange (and at most that to connect).
Result<HttpResponse> probe_get(HttpTransport& http, const std::string& url, Millis timeout);

}  // namespace cloudvip
