#!/usr/bin/env bash
# A real two-node Pacemaker + corosync cluster over the lab (lab/up): node-a and node-b are members a and b,
# each in its own network namespace (corosync's knet crosses the router), UTS namespace and mount namespace
# (tmpfs for Pacemaker's and corosync's state, /dev/shm, the agent). As root; exits 77 otherwise.
#   1. both nodes join, a DC is elected (bounded wait); the primitive starts on one node, call it X: every
#      route table points at X and the client reaches X through the VIP;
#   2. X is put in standby: Pacemaker stops the resource on X and starts it on the other node Y; every route
#      table points at Y, the client reaches Y, the VIP is off X.
#   tests/integrations/pacemaker_pair_test.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$(cd "${1:?usage: pacemaker_pair_test.sh SOURCE_DIR BUILD_DIR}" && pwd)
export CLOUDVIP_BUILD=$(cd "${2:?usage: pacemaker_pair_test.sh SOURCE_DIR BUILD_DIR}" && pwd)
. "$src/lab/lib.sh"
. "$src/tests/integrations/ocf_lab.sh"

# ---- one node: runs corosync and Pacemaker until $work/stop-NODE appears (at most 600 s) ----
if [ "${3:-}" = --node ]; then
  m=$4
  work=$OCF_TEST_WORK
  lab_load "$OCF_TEST_LAB"
  hostname "node-$m"
  mkdir -p "$work/$m"
  ocf_private_agent_dir "$work/$m"
# corosync's lock (/run/corosync.pid) and Pacemaker's runtime files: a /run of this node's own, so other
# clusters on the machine (another test, the host's) never collide with this one.
mount -t tmpfs -o mode=0755 cloudvip-test /run
mkdir -p /run/lock
  mount -t tmpfs -o mode=0755 cloudvip-test /var/lib/pacemaker
  for sub in blackbox cib cores pengine; do install -d -o hacluster -g haclient -m 0750 "/var/lib/pacemaker/$sub"; done
  mount -t tmpfs -o mode=0770 cloudvip-test /var/log/pacemaker && chown hacluster:haclient /var/log/pacemaker
  install -d -o hacluster -g haclient -m 0770 /var/log/pacemaker/bundles
  mount -t tmpfs -o mode=0755 cloudvip-test /var/lib/corosync
  mkdir -p /var/log/corosync && mount -t tmpfs -o mode=0755 cloudvip-test /var/log/corosync
  mount -t tmpfs -o mode=1777 cloudvip-test /dev/shm
  cat >"$work/$m/corosync.conf" <<EOF
totem {
  version: 2
  cluster_name: cloudvip-pair
  transport: knet
  crypto_cipher: none
  crypto_hash: none
}
nodelist {
  node {
    ring0_addr: $LAB_IP_A
    name: node-a
    nodeid: 1
  }
  node {
    ring0_addr: $LAB_IP_B
    name: node-b
    nodeid: 2
  }
}
quorum {
  provider: corosync_votequorum
  two_node: 1
}
logging {
  to_logfile: yes
  logfile: $work/$m/corosync.log
  to_stderr: no
  to_syslog: no
}
EOF
  pids=()
  finish() {
    local p i
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for i in $(seq 100); do
      local alive=0
      for p in "${pids[@]}"; do [ -d "/proc/$p" ] && alive=1; done
      [ $alive -eq 0 ] && break
      sleep 0.2
    done
    for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  }
  trap finish EXIT
  corosync -f -c "$work/$m/corosync.conf" >"$work/$m/corosync.out" 2>&1 &
  pids+=($!)
  lab_wait_for 30 timeout 5 corosync-cfgtool -s || { echo "corosync did not start"; tail -n 20 "$work/$m/corosync.log"; exit 1; }
  PCMK_node_name=node-$m PCMK_logfile=$work/$m/pacemaker.log pacemakerd >"$work/$m/pacemakerd.out" 2>&1 &
  pids+=($!)
  touch "$work/ready-$m"
  for _ in $(seq 3000); do
    [ -e "$work/stop-$m" ] && break
    sleep 0.2
  done
  exit 0
fi

passed=0
failed=0
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

ocf_lab_require corosync pacemakerd crm_mon crm_resource cibadmin crm_attribute nsenter curl
name=$(ocf_lab_name q)
work=$(mktemp -d /tmp/cloudvip-pair.XXXXXX)
chmod 755 "$work"
declare -A node_pid
cleanup() {
  local m i
  for m in a b; do touch "$work/stop-$m"; done
  for i in $(seq 150); do
    local alive=0
    for m in a b; do [ -n "${node_pid[$m]:-}" ] && [ -d "/proc/${node_pid[$m]}" ] && alive=1; done
    [ $alive -eq 0 ] && break
    sleep 0.2
  done
  "$LAB_ROOT/lab/down" "$name" --quiet
  rm -rf "$work"
}
trap cleanup EXIT
"$LAB_ROOT/lab/up" "$name" >"$work/up.log" 2>&1 || { cat "$work/up.log"; echo "FAIL: lab/up"; exit 1; }
lab_load "$name"
mkdir -p "$work/home"
for m in a b; do
  ns_var=LAB_NS_${m^^}
  lab_spawn "$name" "${!ns_var}" "service-$m" "$work/service-$m.log" \
    python3 "$LAB_ROOT/lab/service.py" "$m" --port "$LAB_SERVICE_PORT" --lifetime 600
  # ip netns exec, unshare and env exec in turn: the spawned pid is the node's shell, whose namespaces the
  # cluster tools below enter.
  lab_spawn "$name" "${!ns_var}" "node-$m" "$work/node-$m.log" \
    unshare -m -u --propagation private env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$work/home" \
    CLOUDVIP_CACHE_DIR="$work/cache-$m" OCF_TEST_WORK="$work" OCF_TEST_LAB="$name" \
    bash "$0" "$src" "$CLOUDVIP_BUILD" --node "$m"
  node_pid[$m]=$LAB_SPAWNED_PID
done
lab_wait_for 40 test -e "$work/ready-a" && lab_wait_for 40 test -e "$work/ready-b" ||
  { fail "the nodes did not start corosync and Pacemaker: $(tail -n 5 "$work"/node-*.log "$work"/?/corosync.log 2>&1)"; exit 1; }

# on NODE CMD...: a cluster tool in NODE's namespaces (libqb's sockets and /dev/shm are per namespace), bounded.
on() {
  local m=$1
  shift
  timeout 15 nsenter -t "${node_pid[$m]}" -m -n -u "$@"
}
start=$(lab_now_ms)
both_online() { on a crm_mon -1 2>/dev/null | has -E 'Online: \[ node-a node-b \]' && on a crm_mon -1 2>/dev/null | has 'Current DC: node-'; }
if lab_wait_for 150 both_online; then
  pass "node-a and node-b are online with a DC after $(($(lab_now_ms) - start)) ms"
else
  fail "the cluster did not form within 150 s: $(on a crm_mon -1 2>&1 | head -8 | tr '\n' ' ')"
  exit 1
fi
on a crm_attribute -t crm_config -n stonith-enabled -v false && on a crm_attribute -t crm_config -n no-quorum-policy -v ignore ||
  fail "crm_attribute could not switch stonith and quorum off"

tables_csv=$(echo "$LAB_ROUTE_TABLES" | tr ' ' ',')
nv() { echo "<nvpair id=\"vip-ia-$1\" name=\"$1\" value=\"$2\"/>"; }
primitive="<primitive id=\"vip\" class=\"ocf\" provider=\"cloudvip\" type=\"aws-vpc-move-ip\">
<instance_attributes id=\"vip-ia\">$(nv ip "$LAB_VIP")$(nv routing_table "$tables_csv")$(nv interface eth0)$(nv iflabel 1)$(nv cloudvip "$LAB_BUILD/cloudvip")$(nv endpoint "$LAB_ENDPOINT")$(nv region us-east-1)</instance_attributes>
<operations><op id=\"vip-monitor\" name=\"monitor\" interval=\"10s\" timeout=\"30s\"/></operations></primitive>"
on a cibadmin -C -o resources -X "$primitive" || fail "cibadmin could not add the primitive"
running_on() { on a crm_mon -1 -r 2>/dev/null | grep -E 'vip.*aws-vpc-move-ip' | sed -n 's/.*Started node-\([ab]\).*/\1/p'; }
eni_of() { local v=LAB_ENI_${1^^}; echo "${!v}"; }
vip_on() { local v=LAB_NS_${1^^}; ip -n "${!v}" -o -4 addr show dev eth0 | has -F " inet $LAB_VIP/"; }
client_reaches() {
  lab_in "$name" client python3 "$LAB_ROOT/lab/probe.py" "$LAB_VIP" "$LAB_SERVICE_PORT" --until "$1" \
    --count 80 --interval 0.1 --timeout 0.25 >/dev/null
}

start=$(lab_now_ms)
x=""
for _ in $(seq 240); do
  x=$(running_on)
  [ -n "$x" ] && break
  sleep 0.5
done
if [ -z "$x" ]; then
  fail "the resource did not start on either node within 120 s: $(on a crm_mon -1 -r 2>&1 | grep -A3 -i 'vip\|fail' | head -6)"
  exit 1
fi
y=b
[ "$x" = b ] && y=a
pass "the resource is Started on node-$x $(($(lab_now_ms) - start)) ms after it was added"
lab_wait_for 10 all_tables_on "$(eni_of "$x")" && vip_on "$x" && client_reaches "$x" &&
  pass "every route table points at $x, the VIP is on $x's eth0, the client reaches $x" ||
  fail "after start on $x: routes $(sim_targets | tr '\n' ' ')"

start=$(lab_now_ms)
on a crm_attribute -N "node-$x" -n standby -v on || fail "could not put node-$x in standby"
moved() { [ "$(running_on)" = "$y" ]; }
if lab_wait_for 120 moved && lab_wait_for 10 all_tables_on "$(eni_of "$y")"; then
  pass "node-$x in standby: the resource moved to node-$y and every route table points at $y ($(($(lab_now_ms) - start)) ms)"
else
  fail "after standby of node-$x: running on '$(running_on)', routes $(sim_targets | tr '\n' ' ')"
fi
client_reaches "$y" && ! vip_on "$x" && pass "the client reaches $y through the VIP; the VIP is off $x" ||
  fail "after the move: VIP on $x: $(vip_on "$x" && echo yes || echo no)"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
