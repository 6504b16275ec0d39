// Leadership from the InterSystems IRIS mirror status page (e.g. http://127.0.0.1:52773/csp/user/
// mirror_status.cxw; the path depends on the deployment's CSP application): 200 "SUCCESS" on the primary, 503
// "FAILED" on the backup, no answer from a down instance. Load balancers use the same page as their health
// check (IRISMeister/simplemirror).
#pragma once

#include <memory>
#include <string>

#include "common/clock.h"
#include "http/transport.h"
#include "leader/leader_settings.h"
#include "leader/source.h"

namespace cloudvip {

// One GET `url`: 200 with SUCCESS in the body primary, 503 standby; 200 without SUCCESS, any other status, no
// answer or a timeout: unknown.
LeaderAnswer probe_iris(HttpTransport& http, const std::string& url, Millis timeout);

// A PolledSource asking every `interval`. `http` and `clock` must outlive it.
std::unique_ptr<LeaderSource> make_iris_source(const LeaderSettings& settings, HttpTransport& http,
                                               Clock& clock, Millis interval);

}  // namespace cloudvip
