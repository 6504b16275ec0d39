// The second half of "nothing leaves the machine" for the in-process tests: the gtest binaries that link
// loopback_guard.cc define connect() themselves, ahead of libc's (libcurl's calls bind to it too), and let a
// TCP or UDP connect through only to loopback (127.0.0.0/8, ::1) or from a thread inside a network namespace
// other than the one the process started in (a test's own unshare()d namespace). Anything else, such as
// 169.254.169.254 or a real EC2 address from a test that built a client with an empty MapEnvironment, fails
// with ENETUNREACH before a packet is sent, and is recorded so the run fails naming it.
#pragma once

#include <string>
#include <vector>

namespace cloudvip::testing {

// The destinations refused so far ("169.254.169.254:80"), in order. Safe from any thread.
std::vector<std::string> refused_destinations();
// The same, emptying the record: for a test that provokes a refusal on purpose.
std::vector<std::string> take_refused_destinations();

// For the guard's own test: applies the guard in every network namespace (normally a thread in a namespace
// of its own is left alone), so the test can provoke a refusal where nothing could leave anyway.
void guard_every_namespace(bool on);

}  // namespace cloudvip::testing
