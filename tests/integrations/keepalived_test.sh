#!/usr/bin/env bash
# A real keepalived pair in a lab of its own (lab/up): members a and b speak unicast VRRP across the router
# (AWS has no multicast) with integrations/keepalived's recipe (keepalived-a.conf, keepalived-b.conf,
# cloudvip-keepalived), and the VPC route tables follow the MASTER through `cloudvip`. As root; 77 otherwise.
#   1. both start: a (priority 150) is MASTER, the routes point at a, the client reaches a through the VIP;
#   2. keepalived stops on a: b is MASTER, the routes point at b, the client reaches b;
#   3. keepalived starts again on a: a preempts, the routes come back to a;
#   4. keepalived #950, the control: with a naive recipe (notify_master -> cloudvip acquire, nothing else)
#      a short break of a's VRRP (the router drops it for ~5 advert intervals) makes b MASTER, b takes the
#      routes, a wins back without a notify, and the routes stay on b while a is MASTER: the trap is real;
#   5. the same break with the recipe ends with the routes on a, the member that is MASTER at the end.
#   tests/integrations/keepalived_test.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$(cd "${1:?usage: keepalived_test.sh SOURCE_DIR BUILD_DIR}" && pwd)
export CLOUDVIP_BUILD=$(cd "${2:?usage: keepalived_test.sh SOURCE_DIR BUILD_DIR}" && pwd)
. "$src/lab/lib.sh"
. "$src/tests/integrations/ocf_lab.sh"

ocf_lab_require keepalived flock curl
name=$(ocf_lab_name k)
work=$(mktemp -d /tmp/cloudvip-ka.XXXXXX)
trap '"$LAB_ROOT/lab/down" "$name" --quiet; rm -rf "$work"' EXIT
"$LAB_ROOT/lab/up" "$name" >"$work/up.log" 2>&1 || { cat "$work/up.log"; echo "FAIL: lab/up"; exit 1; }
lab_load "$name"
# keepalived runs scripts only from paths that no one but root can write (enable_script_security): the
# recipe's files go to the lab's state directory (/run/cloudvip-lab/NAME, root 0755; lab/down removes it).
state=$(lab_state_dir "$name")
chmod 0755 "$state"
install -m 0755 "$src/integrations/keepalived/cloudvip-keepalived" "$state/cloudvip-keepalived"

passed=0
failed=0
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
elapsed() { echo "$(($(lab_now_ms) - $1)) ms"; }

tables_toml=$(printf '"%s", ' $LAB_ROUTE_TABLES)
for m in a b; do
  up=${m^^}
  ip_var=LAB_IP_$up
  cat >"$state/cloudvip-$m.toml" <<EOF
[aws]
endpoint = "$LAB_ENDPOINT"
region = "us-east-1"

[[vip]]
name = "lab"
address = "$LAB_VIP"
route_tables = [${tables_toml%, }]
interface = "eth0"
local_address = false
EOF
  cat >"$state/settings-$m" <<EOF
VIP_ADDRESS=$LAB_VIP
VIP_INTERFACE=eth0
CLOUDVIP=$LAB_BUILD/cloudvip
CLOUDVIP_ARGS="--config $state/cloudvip-$m.toml --vip lab --timeout 5"
LOG_FILE=$state/events-$m.log
LOCK_FILE=$state/lock-$m
export CLOUDVIP_CACHE_DIR=$work/cache-$m HOME=$work/home-$m
EOF
  mkdir -p "$work/home-$m"
  ns_var=LAB_NS_$up
  lab_spawn "$name" "${!ns_var}" "service-$m" "$work/service-$m.log" \
    python3 "$LAB_ROOT/lab/service.py" "$m" --port "$LAB_SERVICE_PORT" --lifetime 600
done

# write_conf MEMBER recipe|naive: the recipe's keepalived-MEMBER.conf with the lab's addresses and paths;
# "naive" keeps only what a hand-written setup usually has (notify_master -> cloudvip acquire).
write_conf() {
  local m=$1 kind=$2 other=b
  [ "$m" = b ] && other=a
  local ip_var=LAB_IP_${m^^} peer_var=LAB_IP_${other^^}
  sed -e "s|10\.109\.10\.254/32|$LAB_VIP/32|" \
    -e "s|unicast_src_ip .*|unicast_src_ip ${!ip_var}|" \
    -e "/unicast_peer {/{n;s|.*|        ${!peer_var}|}" \
    -e "s|/usr/share/cloudvip/keepalived/cloudvip-keepalived|$state/cloudvip-keepalived --settings $state/settings-$m|" \
    "$src/integrations/keepalived/keepalived-$m.conf" >"$state/keepalived-$m.conf"
  if [ "$kind" = naive ]; then
    python3 - "$state/keepalived-$m.conf" "$state/cloudvip-keepalived --settings $state/settings-$m" <<'PY'
import re, sys
path, script = sys.argv[1], sys.argv[2]
text = open(path).read()
text = re.sub(r"\nvrrp_script cloudvip_routes \{.*?\n\}\n", "\n", text, flags=re.S)
text = re.sub(r"\n    track_script \{.*?\n    \}", "", text, flags=re.S)
text = re.sub(r'\n    notify_master_rx_lower_pri "[^"]*"', "", text)
text = text.replace(f'notify "{script} notify"', f'notify_master "{script} notify INSTANCE VI_CLOUDVIP MASTER 0"')
open(path, "w").write(text)
PY
  fi
}

declare -A ka_pid
start_ka() { # start_ka MEMBER
  local m=$1 ns_var=LAB_NS_${1^^}
  lab_spawn "$name" "${!ns_var}" "keepalived-$m" "$work/keepalived-$m.log" \
    keepalived -n -l -D -P -f "$state/keepalived-$m.conf" -p "$state/keepalived-$m.pid" -r "$state/vrrp-$m.pid"
  ka_pid[$m]=$LAB_SPAWNED_PID
}
stop_ka() { # stop_ka MEMBER: SIGTERM (keepalived sends priority 0 and removes the VIP), bounded wait
  local m=$1 pid=${ka_pid[$1]:-} i
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null
  for i in $(seq 100); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null
  ka_pid[$m]=""
}
vip_on() { local ns_var=LAB_NS_${1^^}; ip -n "${!ns_var}" -o -4 addr show dev eth0 | has -F " inet $LAB_VIP/"; }
eni_of() { local v=LAB_ENI_${1^^}; echo "${!v}"; }
only_master() { vip_on "$1" && ! vip_on "$2"; } # keepalived put the VIP on $1 and not on $2
client_reaches() {
  lab_in "$name" client python3 "$LAB_ROOT/lab/probe.py" "$LAB_VIP" "$LAB_SERVICE_PORT" --until "$1" \
    --count 80 --interval 0.1 --timeout 0.25 >/dev/null
}
became_master_after() { # became_master_after MEMBER LINE: its event log has a MASTER notify after LINE
  tail -n +"$(($2 + 1))" "$state/events-$1.log" 2>/dev/null | has "notify: INSTANCE VI_CLOUDVIP MASTER"
}
log_lines() { wc -l <"$state/events-$1.log" 2>/dev/null || echo 0; }
# break_vrrp SECONDS: the router drops a's VRRP to b (IP protocol 112) for that long, then forwards it again.
break_vrrp() {
  ip -n "$LAB_ROUTER" rule add pref 10 from "$LAB_IP_A" to "$LAB_IP_B" ipproto 112 blackhole
  sleep "$1"
  ip -n "$LAB_ROUTER" rule del pref 10 from "$LAB_IP_A" to "$LAB_IP_B" ipproto 112 blackhole
}

# 1. Both start.
write_conf a recipe
write_conf b recipe
start=$(lab_now_ms)
start_ka a
start_ka b
if lab_wait_for 20 only_master a b && lab_wait_for 15 all_tables_on "$(eni_of a)"; then
  pass "a is MASTER and every route table points at a ($(elapsed "$start") after start)"
else
  fail "after start: VIP on a: $(vip_on a && echo yes || echo no), on b: $(vip_on b && echo yes || echo no); routes $(sim_targets | tr '\n' ' ')"
fi
client_reaches a && pass "the client reaches a through the VIP" || fail "the client does not reach a"

# 2. keepalived stops on a.
start=$(lab_now_ms)
stop_ka a
if lab_wait_for 15 only_master b a && lab_wait_for 15 all_tables_on "$(eni_of b)"; then
  pass "keepalived stopped on a: b is MASTER and the routes point at b ($(elapsed "$start"))"
else
  fail "after stopping a: routes $(sim_targets | tr '\n' ' '); VIP on b: $(vip_on b && echo yes || echo no)"
fi
client_reaches b && pass "the client reaches b through the VIP" || fail "the client does not reach b"

# 3. a comes back and preempts.
start=$(lab_now_ms)
start_ka a
if lab_wait_for 20 only_master a b && lab_wait_for 15 all_tables_on "$(eni_of a)"; then
  pass "keepalived back on a: a preempts, the routes point at a again ($(elapsed "$start"))"
else
  fail "after restarting a: routes $(sim_targets | tr '\n' ' ')"
fi

# blip KIND: a's VRRP dropped for 5 s (advert_int 1: b takes over after 3 intervals and its skew); prints
# whether b became MASTER meanwhile.
blip() {
  local lines_b
  lines_b=$(log_lines b)
  break_vrrp 5
  became_master_after b "$lines_b" && echo "b-was-master" || echo "b-stayed-backup"
}

# 4. The control: the naive recipe falls into #950.
stop_ka a
stop_ka b
write_conf a naive
write_conf b naive
start_ka a
start_ka b
lab_wait_for 20 only_master a b && lab_wait_for 15 all_tables_on "$(eni_of a)" ||
  fail "naive recipe: a did not become MASTER with the routes ($(sim_targets | tr '\n' ' '))"
seen=$(blip)
lab_wait_for 10 only_master a b || fail "naive recipe: a is not the only MASTER 10 s after the break ended"
sleep 8 # several advert intervals and check intervals of the recipe: nothing here will move the routes
if [ "$seen" = b-was-master ] && only_master a b && all_tables_on "$(eni_of b)"; then
  pass "control (#950): with notify_master alone, after the break a is MASTER and the routes stay on b"
else
  fail "control: the break did not reproduce #950 ($seen; VIP on a: $(vip_on a && echo yes || echo no), on b: $(vip_on b && echo yes || echo no); routes $(sim_targets | tr '\n' ' '))"
fi

# 5. The recipe: the same break ends with the routes on the member that is MASTER at the end.
stop_ka a
stop_ka b
write_conf a recipe
write_conf b recipe
start_ka a
start_ka b
lab_wait_for 20 only_master a b && lab_wait_for 15 all_tables_on "$(eni_of a)" ||
  fail "recipe: a did not become MASTER with the routes ($(sim_targets | tr '\n' ' '))"
lines_a=$(log_lines a)
seen=$(blip)
start=$(lab_now_ms)
if [ "$seen" = b-was-master ] && lab_wait_for 10 only_master a b && lab_wait_for 15 all_tables_on "$(eni_of a)"; then
  pass "recipe: b was MASTER during the break; after it a is MASTER and the routes point at a ($(elapsed "$start") after the break)"
  how=$(tail -n +"$((lines_a + 1))" "$state/events-a.log" | grep -E 'cloudvip acquire: the routes point here' | tail -n 1 | cut -d' ' -f2-)
  echo "  a took the routes back by: $how"
else
  fail "recipe: $seen; VIP on a: $(vip_on a && echo yes || echo no), on b: $(vip_on b && echo yes || echo no); routes $(sim_targets | tr '\n' ' ')"
fi
client_reaches a && pass "the client reaches a through the VIP after the break" || fail "the client does not reach a after the break"

stop_ka a
stop_ka b
# keepalived accepted every line of the recipe and ran its scripts (it says so when it drops a keyword or
# refuses a script as insecure).
if grep -Ei 'unknown keyword|insecure|disabling track script|not executable|cannot find' "$work"/keepalived-*.log >"$work/ka-warnings"; then
  fail "keepalived complained about the recipe: $(head -n 3 "$work/ka-warnings")"
else
  pass "keepalived accepted the recipe (no unknown keyword, no refused script)"
fi
echo "  a's events from the recipe's break on:"
tail -n +"$((lines_a + 1))" "$state/events-a.log" | cut -d' ' -f2- | sed 's/^/    /'

if [ "$failed" -ne 0 ]; then
  for m in a b; do
    echo "--- events on $m ---"
    tail -n 15 "$state/events-$m.log" 2>/dev/null
    echo "--- keepalived on $m (last 10 lines) ---"
    tail -n 10 "$work/keepalived-$m.log"
  done
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
