#!/usr/bin/env bash
# End-to-end: a real PostgreSQL failover (Patroni 3 + etcd, synchronous mode) in the emulated VPC, with
# `cloudvip run` on both members following Patroni's leader.
#   tests/e2e/patroni.sh BUILD_DIR [patroni|etcd|hook]
# patroni (default): [vip.leader] source = "patroni" on each member's own REST API; etcd: source = "etcd" on
# /service/pglab/leader; hook: Patroni's on_role_change runs `cloudvip acquire` (no daemon).
# Checks, each bounded in time:
#   1. the cluster comes up with a leading and the VIP route at a; a client in the client namespace writes a
#      row every 100 ms through the VIP and a answers;
#   2. after a crash of a (kill -9 of its Patroni and postgres) the client's writes land on b through the VIP
#      within 60 s (the measured time is printed; docs/patroni.md has the figures);
#   3. a, restarted, comes back as a replica and never gets the route back: no ReplaceRoute/CreateRoute
#      pointing at a's ENI in cloudvip-sim's call log since the crash, the route still at b, writes on b;
#   4. with etcd stopped for 20 s, no route write at all, and the client keeps writing to b through the VIP;
#      with the etcd source both daemons report the VIP frozen;
#   5. no acknowledged write was lost (every "ok" row is in the table on the primary).
# Needs root, network namespaces, patroni, etcd, PostgreSQL 15 and psycopg2; exits 77 (skipped) with the
# reason otherwise, or when this build's `cloudvip run` lacks the source. Uses a lab of its own and removes it.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export CLOUDVIP_BUILD=${1:?usage: patroni.sh BUILD_DIR [patroni|etcd|hook]}
follow=${2:-patroni}
. "$here/../../lab/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: needs root to create network namespaces and run PostgreSQL as postgres (CI runs as root)"
  exit 77
fi
if ! ip netns add "cvlab-q$$-probe" 2>/dev/null; then
  echo "SKIP: network namespaces are unavailable here (ip netns add failed)"
  exit 77
fi
ip netns delete "cvlab-q$$-probe"
lab_patroni_require || { echo "SKIP: the Patroni packages are missing (see above)"; exit 77; }
if [ "$follow" = hook ]; then
  lab_require_cli acquire || { echo "FAIL: this build has no cloudvip acquire"; exit 1; }
elif ! lab_cli_has run; then
  echo "SKIP: this build's cloudvip has no 'run' command (the daemon)"
  exit 77
fi

t_start=$(lab_now_ms)
name=q$(printf '%s' "$$$RANDOM" | tail -c 7)
work=$(mktemp -d /tmp/cloudvip-e2e-pg.XXXXXX)
trap '"$LAB_ROOT/lab/down" "$name" --quiet; rm -rf "$work"' EXIT
passed=0
failed=0
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

if ! "$LAB_ROOT/lab/patroni-up" "$name" --follow "$follow" >"$work/up.log" 2>&1; then
  if grep -q "has no leader sources\|is not in this build\|no etcd source" "$work/up.log"; then
    echo "SKIP: this build's cloudvip run cannot follow '$follow': $(grep -m1 'cloudvip run on' "$work/up.log")"
    exit 77
  fi
  cat "$work/up.log"
  echo "FAIL: lab/patroni-up"
  exit 1
fi
lab_load "$name"
state=$(lab_state_dir "$name")
echo "cluster up in $(($(lab_now_ms) - t_start)) ms (following: $follow)"

lab_spawn "$name" "$LAB_NS_CLIENT" pgwriter "$work/writes" "$LAB_PY" "$LAB_ROOT/lab/pgwriter.py" "$LAB_VIP" \
  --interval 0.1 --duration 200
writes_on() { awk -v m="$1" -v t="$2" '$1 >= t && $2 == "ok" && $5 == m {f=1} END {exit !f}' "$work/writes"; }
# only_on MEMBER SINCE UNTIL: at least 5 writes started in [SINCE, UNTIL), every one acknowledged by MEMBER.
only_on() {
  awk -v m="$1" -v s="$2" -v u="$3" '$1 >= s && $1 < u {n++; if ($2 != "ok" || $5 != m) bad++}
    END {exit (bad || n < 5)}' "$work/writes"
}
calls() { lab_in "$name" router curl -s -m 5 "$LAB_SIM_LOCAL/_sim/calls"; }
# route_writes_since MS [ENI]: the successful ReplaceRoute/CreateRoute calls after MS (to ENI when given).
route_writes_since() {
  calls | "$LAB_PY" -c 'import json, sys
since, eni = int(sys.argv[1]), (sys.argv[2] if len(sys.argv) > 2 else None)
n = 0
for c in json.load(sys.stdin)["calls"]:
    p = dict(c.get("params", []))
    if c.get("action") in ("ReplaceRoute", "CreateRoute") and c["status"] == 200 and c["time_ms"] >= since \
            and (eni is None or p.get("NetworkInterfaceId") == eni):
        n += 1
print(n)' "$@"
}

# 1. a serves the client's writes.
if lab_wait_for 15 writes_on a 0; then
  pass "the client writes through the VIP $LAB_VIP:5432 and a ($LAB_IP_A) answers"
else
  fail "no write acknowledged by a within 15 s: $(tail -n 3 "$work/writes" | tr '\n' ' ')"
fi

# 2. Crash of a.
t_crash=$(lab_now_ms)
kill -KILL "$(cat "$state/patroni-a.pid")" "$(head -n 1 "$state/pg-a/data/postmaster.pid")"
if lab_wait_for 60 writes_on b "$t_crash"; then
  first=$(awk -v t="$t_crash" '$1 >= t && $2 == "ok" && $5 == "b" {print $1; exit}' "$work/writes")
  pass "after a's crash the client's writes land on b through the VIP: $((first - t_crash)) ms (bound 60 s)"
else
  fail "no write acknowledged by b within 60 s of a's crash: $(tail -n 3 "$work/writes" | tr '\n' ' ')"
fi

# 3. a comes back as a replica and never gets the route back.
lab_patroni_start "$name" a
if lab_wait_for 90 lab_patroni_is_replica "$name" a; then
  sleep 6 # three daemon intervals (2 s) and thirty polls of the source (200 ms) with a as a running replica
  to_a=$(route_writes_since "$t_crash" "$LAB_ENI_A")
  now=$(lab_now_ms)
  if [ "$to_a" = 0 ] && lab_route_points_at "$name" "$LAB_ENI_B" && only_on b $((now - 3000)) "$now"; then
    pass "a is back as a replica; no route write pointing at a since the crash, the route and the writes stay on b"
  else
    fail "a back as a replica: $to_a route writes to a's ENI since the crash; route at b: $(lab_route_points_at \
      "$name" "$LAB_ENI_B" && echo yes || echo no); last writes: $(tail -n 3 "$work/writes" | tr '\n' ' ')"
  fi
else
  fail "a did not come back as a replica within 90 s: $(tail -n 5 "$state/patroni-a.log" | tr '\n' ' ')"
fi

# 4. etcd stops: nobody writes a route, the VIP keeps working where it is.
t_etcd=$(lab_now_ms)
kill -KILL "$(cat "$state/etcd.pid")"
sleep 20 # two Patroni TTLs (10 s): without failsafe_mode the primary would have demoted itself by now
now=$(lab_now_ms)
writes=$(route_writes_since "$t_etcd")
if [ "$writes" = 0 ] && lab_route_points_at "$name" "$LAB_ENI_B" && only_on b $((now - 5000)) "$now"; then
  pass "etcd stopped for 20 s: no route write, and the client keeps writing to b through the VIP"
else
  fail "etcd stopped: $writes route writes; last writes: $(tail -n 3 "$work/writes" | tr '\n' ' ')"
fi
if [ "$follow" = etcd ]; then
  frozen=0
  for m in a b; do
    lab_cloudvip "$name" "$m" "$work" status --config "$state/cloudvip-$m/cloudvip.toml" \
      --control-socket "$state/cloudvip-$m/control.sock" --json \
      >"$work/status-$m.json" 2>&1
    grep -q '"frozen"' "$work/status-$m.json" && frozen=$((frozen + 1))
  done
  [ "$frozen" = 2 ] && pass "with etcd stopped both daemons report the VIP frozen" ||
    fail "with etcd stopped, not both daemons frozen: a: $(head -c 400 "$work/status-a.json") b: $(head -c 400 "$work/status-b.json")"
fi

# 5. No acknowledged write lost.
if out=$(lab_in "$name" client "$LAB_PY" "$LAB_ROOT/lab/pgcheck.py" "$LAB_VIP" "$work/writes"); then
  pass "no acknowledged write lost ($out)"
else
  fail "lost writes: $out"
fi

expected=5
[ "$follow" = etcd ] && expected=6
echo "$passed passed, $failed failed (expected $expected passes); took $(($(lab_now_ms) - t_start)) ms"
[ "$failed" -eq 0 ] && [ "$passed" -eq "$expected" ]
