#!/usr/bin/env bash
# A real single-node Pacemaker + corosync cluster runs ocf:cloudvip:aws-vpc-move-ip in a lab of its own
# (lab/up). The node is member a: its network namespace (IMDS at 169.254.169.254 is the simulator's), a UTS
# namespace (hostname node1) and a mount namespace of its own, where tmpfs hold /var/lib/pacemaker,
# /var/lib/corosync, their logs, /dev/shm (libqb) and the agent under /usr/lib/ocf/resource.d/cloudvip: the
# host keeps no trace. No systemd: `corosync -f`, then `pacemakerd`. As root; exits 77 otherwise.
#   1. the DC is elected (bounded wait), stonith and quorum are switched off for one node;
#   2. a primitive (monapi=true) with a 10 s monitor is added: it is Started, every route table points at a, the VIP
#      is on a's eth0, and the client reaches a's service through the VIP (real packets);
#   3. b takes the routes (cloudvip acquire there): the next monitor (monapi=true) fails and Pacemaker's
#      recovery (stop, start in place) points them back at a;
#   4. target-role=Stopped: the VIP leaves eth0 and the routes stay on a (as the original agent does).
#   tests/integrations/pacemaker_cluster_test.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$(cd "${1:?usage: pacemaker_cluster_test.sh SOURCE_DIR BUILD_DIR}" && pwd)
export CLOUDVIP_BUILD=$(cd "${2:?usage: pacemaker_cluster_test.sh SOURCE_DIR BUILD_DIR}" && pwd)
. "$src/lab/lib.sh"
. "$src/tests/integrations/ocf_lab.sh"

passed=0
failed=0
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

if [ "${3:-}" != --inner ]; then
  ocf_lab_require corosync pacemakerd crm_mon crm_resource cibadmin crm_attribute curl
  name=$(ocf_lab_name p)
  work=$(mktemp -d /tmp/cloudvip-pcmk.XXXXXX)
  chmod 755 "$work"
  trap '"$LAB_ROOT/lab/down" "$name" --quiet; rm -rf "$work"' EXIT
  "$LAB_ROOT/lab/up" "$name" >"$work/up.log" 2>&1 || { cat "$work/up.log"; echo "FAIL: lab/up"; exit 1; }
  lab_load "$name"
  lab_spawn "$name" "$LAB_NS_A" service-a "$work/service-a.log" \
    python3 "$LAB_ROOT/lab/service.py" a --port "$LAB_SERVICE_PORT" --lifetime 300
  mkdir -p "$work/home"
  ip netns exec "$LAB_NS_A" unshare -m -u --propagation private \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$work/home" CLOUDVIP_CACHE_DIR="$work/cache" \
    OCF_TEST_WORK="$work" OCF_TEST_LAB="$name" \
    bash "$0" "$src" "$CLOUDVIP_BUILD" --inner
  rc=$?
  if [ $rc -ne 0 ]; then
    echo "--- pacemaker log (last 40 lines) ---"
    tail -n 40 "$work/pacemaker.log" 2>/dev/null
  fi
  exit $rc
fi

# ---- the node: a's network namespace, its own UTS and mount namespaces ----
work=$OCF_TEST_WORK
lab_load "$OCF_TEST_LAB"
hostname node1
ocf_private_agent_dir "$work"
# corosync's lock (/run/corosync.pid) and Pacemaker's runtime files: a /run of this node's own, so other
# clusters on the machine (another test, the host's) never collide with this one.
# The lab's namespaces (/run/netns) stay reachable: this script still enters b's and the router's.
mkdir -p "$work/netns"
mount --rbind /run/netns "$work/netns"
mount -t tmpfs -o mode=0755 cloudvip-test /run
mkdir -p /run/lock /run/netns
mount --rbind "$work/netns" /run/netns
private_dir() { # private_dir DIR OWNER MODE [SUBDIR...]
  local dir=$1 owner=$2 mode=$3 sub
  shift 3
  mount -t tmpfs -o "mode=$mode" cloudvip-test "$dir"
  chown "$owner" "$dir"
  for sub in "$@"; do install -d -o "${owner%%:*}" -g "${owner##*:}" -m "$mode" "$dir/$sub"; done
}
private_dir /var/lib/pacemaker root:root 0755
for sub in blackbox cib cores pengine; do install -d -o hacluster -g haclient -m 0750 "/var/lib/pacemaker/$sub"; done
private_dir /var/log/pacemaker hacluster:haclient 0770 bundles
private_dir /var/lib/corosync root:root 0755
mkdir -p /var/log/corosync && private_dir /var/log/corosync root:root 0755
private_dir /dev/shm root:root 1777

# Every client call is bounded: a cluster that is not ready can keep one waiting.
bounded() { timeout 15 "$@"; }
for tool in corosync-quorumtool crm_mon cibadmin crm_attribute crm_resource; do
  eval "$tool() { bounded $(command -v $tool) \"\$@\"; }"
done

daemons=()
stop_daemons() {
  local pid i
  for pid in "${daemons[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for i in $(seq 100); do
    local alive=0
    for pid in "${daemons[@]}"; do [ -d "/proc/$pid" ] && alive=1; done
    [ $alive -eq 0 ] && break
    sleep 0.2
  done
  for pid in "${daemons[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  # pacemakerd's children (pacemaker-based, -execd, ...) end with it; anything left in this namespace goes.
  pkill_ns() { local p; for p in $(ip netns pids "$LAB_NS_A" 2>/dev/null); do
    case "$(cat /proc/$p/comm 2>/dev/null)" in pacemaker*|corosync) kill -KILL "$p" 2>/dev/null ;; esac
  done; }
  pkill_ns
}
trap stop_daemons EXIT

cat >"$work/corosync.conf" <<EOF
totem {
  version: 2
  cluster_name: cloudvip-test
  transport: knet
  crypto_cipher: none
  crypto_hash: none
}
nodelist {
  node {
    ring0_addr: 127.0.0.1
    name: node1
    nodeid: 1
  }
}
quorum {
  provider: corosync_votequorum
}
logging {
  to_logfile: yes
  logfile: $work/corosync.log
  to_stderr: no
  to_syslog: no
}
EOF
corosync -f -c "$work/corosync.conf" >"$work/corosync.out" 2>&1 &
daemons+=($!)
lab_wait_for 30 corosync-quorumtool -s || { fail "corosync did not come up within 30 s: $(tail -n 5 "$work/corosync.log")"; exit 1; }
pass "corosync is up"

PCMK_node_name=node1 PCMK_logfile=$work/pacemaker.log PCMK_stonith_watchdog_timeout=0 pacemakerd >"$work/pacemakerd.out" 2>&1 &
daemons+=($!)
start=$(lab_now_ms)
dc_elected() { crm_mon -1 2>/dev/null | has 'Current DC: node1'; }
if lab_wait_for 120 dc_elected; then
  pass "node1 is the DC after $(($(lab_now_ms) - start)) ms"
else
  fail "no DC within 120 s: $(crm_mon -1 2>&1 | head -5)"
  exit 1
fi
crm_attribute -t crm_config -n stonith-enabled -v false && crm_attribute -t crm_config -n no-quorum-policy -v ignore ||
  fail "crm_attribute could not switch stonith and quorum off"

tables_csv=$(echo "$LAB_ROUTE_TABLES" | tr ' ' ',')
nv() { echo "<nvpair id=\"vip-ia-$1\" name=\"$1\" value=\"$2\"/>"; }
primitive="<primitive id=\"vip\" class=\"ocf\" provider=\"cloudvip\" type=\"aws-vpc-move-ip\">
<instance_attributes id=\"vip-ia\">$(nv ip "$LAB_VIP")$(nv routing_table "$tables_csv")$(nv interface eth0)$(nv iflabel 1)$(nv cloudvip "$LAB_BUILD/cloudvip")$(nv endpoint "$LAB_ENDPOINT")$(nv region us-east-1)$(nv monapi true)</instance_attributes>
<operations><op id=\"vip-monitor\" name=\"monitor\" interval=\"10s\" timeout=\"30s\"/></operations></primitive>"
cibadmin -C -o resources -X "$primitive" || fail "cibadmin could not add the primitive"
start=$(lab_now_ms)
started() { crm_mon -1 -r 2>/dev/null | grep -E 'vip.*aws-vpc-move-ip' | has 'Started node1'; }
start_failed() { crm_mon -1 -r 2>/dev/null | has "vip start on node1 returned"; }
started_or_failed() { started || start_failed; } # a failed start ends the wait at once
if lab_wait_for 120 started_or_failed && started; then
  pass "the resource is Started on node1 $(($(lab_now_ms) - start)) ms after it was added"
else
  fail "the resource did not start (120 s at most): $(crm_mon -1 -r 2>&1 | grep -A3 -i 'vip\|fail' | head -8)"
  echo "$passed passed, $failed failed (the rest needs a started resource)"
  exit 1
fi
lab_wait_for 10 all_tables_on "$LAB_ENI_A" && pass "every route table points at a: $(sim_targets | tr '\n' ' ')" ||
  fail "route tables: $(sim_targets | tr '\n' ' ')"
ip -o addr show dev eth0 | has " $LAB_VIP/32 .* eth0:1" && pass "the VIP is on eth0 as eth0:1" ||
  fail "eth0: $(ip -o -4 addr show dev eth0 | tr '\n' ' ')"
out=$(ip netns exec "$LAB_NS_CLIENT" python3 "$LAB_ROOT/lab/probe.py" "$LAB_VIP" "$LAB_SERVICE_PORT" --until a --count 50 --interval 0.1 --timeout 0.25 | tail -n 1)
echo "$out" | has ' a' && pass "the client reaches a through the VIP ($out)" || fail "the client got: $out"

# A few monitors later the resource still runs, with no failure recorded.
sleep 12
crm_mon -1 -r 2>/dev/null | has -i 'failed' && fail "failed actions: $(crm_mon -1 -r | grep -i -A3 failed)" ||
  pass "recurring monitors pass (no failed action after 12 s)"

# Someone else takes the routes (b runs cloudvip acquire): the next monitor (monapi=true) finds the address
# here and the routes on b, fails with 1, and Pacemaker recovers the resource in place: the routes return.
lab_acquire "$OCF_TEST_LAB" b "$work" >"$work/acquire-b.log" 2>&1 || fail "b could not acquire: $(tail -n 3 "$work/acquire-b.log")"
start=$(lab_now_ms)
all_tables_on "$LAB_ENI_B" || fail "b's acquire did not move the routes: $(sim_targets | tr '\n' ' ')"
monitor_failed() { crm_mon -1 -r 2>/dev/null | has "vip 10s-interval monitor on node1 returned 'error'"; }
if lab_wait_for 60 monitor_failed && lab_wait_for 60 all_tables_on "$LAB_ENI_A" && lab_wait_for 30 started; then
  pass "routes taken by b: the monitor failed and Pacemaker's recovery put them back on a ($(($(lab_now_ms) - start)) ms)"
  crm_mon -1 -r 2>/dev/null | grep 'monitor on node1 returned' | head -n 1 | sed 's/^ */  /'
else
  fail "after b took the routes: $(sim_targets | tr '\n' ' '); $(crm_mon -1 -r 2>&1 | grep -i -A2 'vip\|failed' | head -6)"
fi

crm_resource -r vip --meta -p target-role -v Stopped >/dev/null 2>&1 || fail "could not set target-role=Stopped"
stopped() { crm_mon -1 -r 2>/dev/null | grep -E 'vip.*aws-vpc-move-ip' | has 'Stopped'; }
lab_wait_for 60 stopped && ! ip -o addr show dev eth0 | has " $LAB_VIP/" &&
  pass "target-role=Stopped: the VIP left eth0" || fail "after target-role=Stopped: $(crm_mon -1 -r | grep vip)"
all_tables_on "$LAB_ENI_A" && pass "and the routes stayed on a" || fail "after stop: $(sim_targets | tr '\n' ' ')"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
