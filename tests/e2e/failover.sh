#!/usr/bin/env bash
# End-to-end: real packets through the emulated VPC (lab/up) follow cloudvip's route changes.
#   tests/e2e/failover.sh BUILD_DIR
# Checks, each bounded in time:
#   1. before any acquire the VIP is unreachable from the client;
#   2. after a acquires, every client connection lands on a;
#   3. after b's acquire returns, connections land on b within 5 s, and then every one does;
#   4. with b's source/destination check turned on, no traffic flows and `cloudvip check` exits 1 with a
#      failed src-dst check naming b's ENI;
#   5. after `cloudvip release` on b, the VIP is gone from b's eth0.
# A build without cloudvip or without acquire, check or release fails at once (the test is of cloudvip).
# Needs root (CI runs as root); exits 77 (skipped) otherwise. Uses a lab of its own (unique name) and
# removes it whatever happens.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export CLOUDVIP_BUILD=${1:?usage: failover.sh BUILD_DIR}
. "$here/../../lab/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: needs root to create network namespaces (CI runs the tests as root)"
  exit 77
fi
if ! ip netns add "cvlab-p$$-probe" 2>/dev/null; then
  echo "SKIP: network namespaces are unavailable here (ip netns add failed)"
  exit 77
fi
ip netns delete "cvlab-p$$-probe"
lab_require_cli acquire check release || { echo "FAIL: this build cannot run the e2e test (see above)"; exit 1; }

name=e$(printf '%s' "$$$RANDOM" | tail -c 7)
work=$(mktemp -d /tmp/cloudvip-e2e.XXXXXX)
trap '"$LAB_ROOT/lab/down" "$name" --quiet; rm -rf "$work"' EXIT
passed=0
failed=0
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

"$LAB_ROOT/lab/up" "$name" || { echo "FAIL: lab/up"; exit 1; }
lab_load "$name"
for m in a b; do
  ns_var=LAB_NS_${m^^}
  lab_spawn "$name" "${!ns_var}" "service-$m" "$work/service-$m.log" \
    python3 "$LAB_ROOT/lab/service.py" "$m" --port "$LAB_SERVICE_PORT" --lifetime 120
done
service_up() { lab_in "$name" "$1" python3 -c "import socket; socket.create_connection(('127.0.0.1', $LAB_SERVICE_PORT), 1)"; }
lab_wait_for 10 service_up a && lab_wait_for 10 service_up b || { echo "FAIL: services did not start"; exit 1; }

# probe ARGS...: probe.py from the client to the VIP; its lines on stdout.
probe() { lab_in "$name" client python3 "$LAB_ROOT/lab/probe.py" "$LAB_VIP" "$LAB_SERVICE_PORT" "$@"; }
# all_are OUTCOME OUTPUT: every probe line has that outcome (and there is at least one).
all_are() { echo "$2" | awk -v o="$1" 'NF {n++; if ($2 != o) bad=1} END {exit (bad || n == 0)}'; }
# none_answered COUNT OUTPUT: the probe printed COUNT attempts, each a timeout or unreachable. Fewer lines
# (an empty output included) mean the probe itself failed, which proves nothing about the VIP.
none_answered() {
  echo "$2" | awk -v want="$1" 'NF {n++; if ($2 != "timeout" && $2 != "unreachable") bad=1}
    END {exit (bad || n != want)}'
}

out=$(probe --count 5 --interval 0.05 --timeout 0.3)
none_answered 5 "$out" && pass "before any acquire the VIP is unreachable" ||
  fail "before any acquire: expected 5 unanswered probes, got: $(echo $out)"

if lab_acquire "$name" a "$work" >"$work/acquire-a.log" 2>&1; then
  probe --until a --count 50 --interval 0.1 --timeout 0.25 >/dev/null
  out=$(probe --count 10 --interval 0.05 --timeout 0.5)
  all_are a "$out" && pass "after a acquires every connection lands on a" ||
    fail "after a acquired: $(echo $out)"
else
  fail "a: acquire failed: $(tail -n 5 "$work/acquire-a.log")"
fi

start=$(lab_now_ms)
if lab_acquire "$name" b "$work" >"$work/acquire-b.log" 2>&1; then
  echo "b's acquire took $(($(lab_now_ms) - start)) ms"
  start=$(lab_now_ms)  # the bound runs from the acquire's return: the route is in place by then
  if probe --until b --count 50 --interval 0.1 --timeout 0.25 >/dev/null &&
    [ $(($(lab_now_ms) - start)) -le 5000 ]; then
    out=$(probe --count 10 --interval 0.05 --timeout 0.5)
    all_are b "$out" && pass "after b acquires connections land on b" ||
      fail "after b acquired: $(echo $out)"
  else
    fail "no answer from b within 5 s of its acquire"
  fi
else
  fail "b: acquire failed: $(tail -n 5 "$work/acquire-b.log")"
fi

# 4. Source/destination check on b's ENI (as an administrator would leave it): AWS drops the traffic.
lab_in "$name" router env AWS_ACCESS_KEY_ID=AKIACLOUDVIPADMIN001 \
  AWS_SECRET_ACCESS_KEY=cloudvip-sim-admin-secret-not-a-real-key AWS_DEFAULT_REGION=us-east-1 \
  aws --endpoint-url "$LAB_SIM_LOCAL" ec2 modify-network-interface-attribute \
  --network-interface-id "$LAB_ENI_B" --source-dest-check >/dev/null ||
  fail "could not turn b's source/dest check on (aws ec2 modify-network-interface-attribute)"
# The data plane's poll (every 100 ms) sees the attribute: every VIP route becomes a blackhole.
no_next_hop() { ! ip -n "$LAB_ROUTER" route show table all | grep -F "$LAB_VIP_SUBNET" | grep -q via; }
lab_wait_for 5 no_next_hop || fail "the router still forwards the VIP subnet 5 s after the check went on"
out=$(probe --count 5 --interval 0.05 --timeout 0.3)
none_answered 5 "$out" && pass "with b's source/dest check on, no traffic flows" ||
  fail "with b's source/dest check on: expected 5 unanswered probes, got: $(echo $out)"
lab_vip_flags
# check's verdict: exit 1 (a check failed, not a usage error or a crash) and, in its JSON report, the
# src-dst check failed naming b's ENI.
lab_cloudvip "$name" b "$work" --json check "${LAB_VIP_FLAGS[@]}" >"$work/check.json" 2>"$work/check.err"
check_rc=$?
src_dst_finding() {
  python3 -c 'import json, sys
report = json.load(open(sys.argv[1]))
found = [c["found"] for c in report["checks"] if c["name"] == "src-dst" and c["status"] == "fail"]
sys.exit(0 if any(sys.argv[2] in f for f in found) else 1)' "$work/check.json" "$LAB_ENI_B" 2>/dev/null
}
if [ "$check_rc" -eq 1 ] && src_dst_finding; then
  pass "cloudvip check fails (exit 1) with the src-dst finding for b's ENI"
else
  fail "cloudvip check with the source/dest check on: exit $check_rc, no failed src-dst check naming" \
    "$LAB_ENI_B: $(head -c 2000 "$work/check.json") $(tail -n 5 "$work/check.err")"
fi

# 5. Release: the VIP leaves b's interface.
if lab_cloudvip "$name" b "$work" release "${LAB_VIP_FLAGS[@]}" >"$work/release.log" 2>&1 &&
  ! ip -n "$LAB_NS_B" -4 addr show dev eth0 | grep -q " $LAB_VIP/"; then
  pass "after release the VIP is gone from b's eth0"
else
  fail "release: $(ip -n "$LAB_NS_B" -4 -o addr show dev eth0 | tr '\n' ' ') $(tail -n 5 "$work/release.log")"
fi

expected=6  # the PASS lines above; a check that neither passed nor failed is a failure too
echo "$passed passed, $failed failed (expected $expected passes)"
[ "$failed" -eq 0 ] && [ "$passed" -eq "$expected" ]
