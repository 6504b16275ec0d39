# shellcheck shell=bash
# Shared by the Pacemaker and keepalived tests (tests/integrations/*_test.sh): a lab of their own (lab/up),
# the simulator's admin API and route tables, and the agent installed where Pacemaker looks for it, inside a
# private mount namespace so the host's /usr/lib/ocf never changes. Source it after lab/lib.sh.

OCF_AGENT_SRC=$LAB_ROOT/integrations/pacemaker/aws-vpc-move-ip
OCF_AGENT_DIR=/usr/lib/ocf/resource.d/cloudvip
OCF_HEARTBEAT_AGENT=/usr/lib/ocf/resource.d/heartbeat/aws-vpc-move-ip

# ocf_lab_require TOOL...: root, network namespaces and the tools, or exit 77 (skipped) with the reason.
ocf_lab_require() {
  local tool
  if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: needs root (network namespaces, a private mount namespace; CI runs the tests as root)"
    exit 77
  fi
  if ! ip netns add "cvlab-p$$-probe" 2>/dev/null; then
    echo "SKIP: network namespaces are unavailable here (ip netns add failed)"
    exit 77
  fi
  ip netns delete "cvlab-p$$-probe"
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "$tool" ]; then
      echo "SKIP: $tool is not installed (scripts/install-deps installs it)"
      exit 77
    fi
  done
  [ -x "$LAB_BUILD/cloudvip" ] && [ -x "$LAB_BUILD/cloudvip-sim" ] || {
    echo "FAIL: $LAB_BUILD/cloudvip and cloudvip-sim are not built"
    exit 1
  }
}

# A lab name of 8 characters that no other run uses.
ocf_lab_name() { echo "$1$(printf '%s' "$$$RANDOM" | tail -c 7)"; }

# sim_admin METHOD PATH [JSON]: the simulator's admin API (in the router namespace); prints the answer.
sim_admin() {
  local data=()
  [ "$1" = POST ] && data=(--data "${3:-}" -H 'Content-Type: application/json')
  ip netns exec "$LAB_ROUTER" curl -sS --fail --max-time 10 -X "$1" "${data[@]}" "$LAB_SIM_LOCAL$2"
}

# sim_targets: one line per lab route table, "RTB TARGET", TARGET being the ENI the VIP's route points at
# (its destination is LAB_VIP_SUBNET) or "none".
sim_targets() {
  sim_admin GET /_sim/state | python3 -c '
import json, sys
dest = sys.argv[1]
for t in json.load(sys.stdin)["route_tables"]:
    if t["id"] not in sys.argv[2].split():
        continue
    hits = [r for r in t["routes"] if r["destination"] == dest]
    print(t["id"], (hits[0]["network_interface_id"] or "other") if hits else "none")
' "$LAB_VIP_SUBNET" "$LAB_ROUTE_TABLES"
}

# all_tables_on ENI: every lab route table routes the VIP to ENI.
all_tables_on() {
  local out
  out=$(sim_targets) || return 1
  [ -n "$out" ] && ! echo "$out" | awk -v e="$1" '$2 != e {bad=1} END {exit !bad}'
}

# sim_ec2_calls_since SEQ [ACTION]: how many EC2 calls (of ACTION) the simulator logged after SEQ.
sim_last_seq() { sim_admin GET '/_sim/calls?since=0' | python3 -c 'import json,sys; print(json.load(sys.stdin)["last_seq"])'; }
sim_ec2_calls_since() {
  sim_admin GET "/_sim/calls?since=$1" | python3 -c '
import json, sys
calls = [c for c in json.load(sys.stdin)["calls"] if c["kind"] == "ec2"]
if len(sys.argv) > 1:
    calls = [c for c in calls if c.get("action") == sys.argv[1]]
print(len(calls))
' ${2:+"$2"}
}

# ocf_private_agent_dir: inside a private mount namespace (unshare -m), puts the agent at
# /usr/lib/ocf/resource.d/cloudvip/aws-vpc-move-ip over a tmpfs, keeping every other provider visible.
ocf_private_agent_dir() {
  local work=$1 d
  mkdir -p "$work/resource.d.orig"
  mount --bind /usr/lib/ocf/resource.d "$work/resource.d.orig"
  mount -t tmpfs -o mode=0755 cloudvip-ocf /usr/lib/ocf/resource.d
  for d in "$work/resource.d.orig"/*/; do
    d=$(basename "$d")
    [ "$d" = cloudvip ] && continue # an installed copy of ours stays hidden: the test runs this tree's
    mkdir -p "/usr/lib/ocf/resource.d/$d"
    mount --bind "$work/resource.d.orig/$d" "/usr/lib/ocf/resource.d/$d"
  done
  mkdir -p "$OCF_AGENT_DIR"
  install -m 0755 "$OCF_AGENT_SRC" "$OCF_AGENT_DIR/aws-vpc-move-ip"
}

# has GREP_ARGS...: grep that reads its whole input (no -q): under `set -o pipefail`, `cmd | grep -q` fails
# when grep exits before cmd has written everything (cmd dies of SIGPIPE).
has() { grep "$@" >/dev/null; }
