# The lab's Patroni mode (lab/patroni-up, lab/demo-patroni, tests/e2e/patroni.sh): configuration, processes and
# bounded checks. Sourced by lib.sh; defines functions and variables only.

LAB_ETCD_PORT=2379
LAB_ETCD_PEER_PORT=2380
LAB_PG_SCOPE=pglab
LAB_PG_BIN=/usr/lib/postgresql/15/bin
LAB_PY=/usr/bin/python3 # Debian's python: python3-psycopg2 is installed for it, not for another python on PATH

# lab_patroni_require: 1 (saying what is missing on stderr) unless patroni, etcd, PostgreSQL 15, psycopg2 and
# the postgres user are here (scripts/install-deps installs them).
lab_patroni_require() {
  local missing=()
  command -v patroni >/dev/null || missing+=("patroni (package patroni)")
  command -v patronictl >/dev/null || missing+=("patronictl (package patroni)")
  command -v etcd >/dev/null || missing+=("etcd (package etcd-server)")
  command -v etcdctl >/dev/null || missing+=("etcdctl (package etcd-client)")
  [ -x "$LAB_PG_BIN/postgres" ] || missing+=("$LAB_PG_BIN/postgres (package postgresql-15)")
  "$LAB_PY" -c 'import psycopg2' 2>/dev/null || missing+=("psycopg2 for $LAB_PY (package python3-psycopg2)")
  id postgres >/dev/null 2>&1 || missing+=("the postgres user (package postgresql-15)")
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "lab: the Patroni mode needs: ${missing[*]} (run scripts/install-deps)" >&2
  return 1
}

# lab_patroni_ip NAME MEMBER: the member's private address.
lab_patroni_ip() {
  local var=LAB_IP_${2^^}
  echo "${!var}"
}

# lab_patroni_write_member NAME MEMBER: STATE/pg-MEMBER/ (owned by postgres, 0700) with patroni.yml and the
# on_role_change hook.
lab_patroni_write_member() {
  local name=$1 m=$2 state dir ip
  state=$(lab_state_dir "$name")
  dir=$state/pg-$m
  ip=$(lab_patroni_ip "$name" "$m")
  mkdir -p "$dir/home" "$dir/cache"
  cat >"$dir/hook.sh" <<EOF
#!/bin/sh
# Patroni callback: ACTION ROLE SCOPE. On master, point the VIP's routes at this member (the VIP is on lo).
# Patroni runs callbacks asynchronously and kills a running one when the next comes: acquire is idempotent.
echo "\$(date +%s%3N) \$1 \$2 \$3" >>"$dir/hook.log"
[ "\$2" = master ] || exit 0
exec env -i PATH=/usr/bin:/bin HOME="$dir/home" CLOUDVIP_CACHE_DIR="$dir/cache" \\
  CLOUDVIP_CONTROL_SOCKET="$dir/no-daemon.sock" "$LAB_BUILD/cloudvip" acquire --no-local \\
  --endpoint "$LAB_ENDPOINT" --address "$LAB_VIP" $(for t in $LAB_ROUTE_TABLES; do printf -- '--route-table %s ' "$t"; done) \\
  >>"$dir/hook.log" 2>&1
EOF
  chmod 755 "$dir/hook.sh"
  local callbacks=""
  if [ "${LAB_PG_FOLLOW:-hook}" = hook ]; then
    callbacks="  callbacks:
    on_start: $dir/hook.sh
    on_role_change: $dir/hook.sh"
  fi
  cat >"$dir/patroni.yml" <<EOF
scope: $LAB_PG_SCOPE
namespace: /service/
name: $m
log:
  level: INFO
restapi:
  listen: $ip:8008
  connect_address: $ip:8008
etcd3:
  host: ${LAB_ETCD#http://}
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 2
    retry_timeout: 4
    maximum_lag_on_failover: 1048576
    synchronous_mode: true
    failsafe_mode: true
    postgresql:
      use_pg_rewind: true
      parameters:
        wal_level: replica
        hot_standby: "on"
        wal_log_hints: "on"
        max_wal_senders: 5
        max_replication_slots: 5
  initdb:
    - encoding: UTF8
    - data-checksums
postgresql:
  listen: 0.0.0.0:5432
  connect_address: $ip:5432
  data_dir: $dir/data
  bin_dir: $LAB_PG_BIN
  pgpass: $dir/pgpass
  parameters:
    unix_socket_directories: $dir
  pg_hba:
    - local all all trust
    - host replication replicator 10.109.10.0/24 trust
    - host replication replicator 127.0.0.1/32 trust
    - host all all 10.109.10.0/24 trust
    - host all all 127.0.0.1/32 trust
  authentication:
    replication:
      username: replicator
    superuser:
      username: postgres
    rewind:
      username: postgres
$callbacks
EOF
  chown -R postgres:postgres "$dir"
  chmod 700 "$dir"
}

# lab_patroni_start NAME MEMBER: Patroni (as postgres) in the member's namespace; its pid in STATE/patroni-M.pid.
lab_patroni_start() {
  local name=$1 m=$2 state ns_var dir
  state=$(lab_state_dir "$name")
  dir=$state/pg-$m
  ns_var=LAB_NS_${m^^}
  lab_spawn "$name" "${!ns_var}" "patroni-$m" "$state/patroni-$m.log" \
    setpriv --reuid=postgres --regid=postgres --init-groups \
    env -i PATH=/usr/bin:/bin HOME="$dir/home" LANG=C.UTF-8 patroni "$dir/patroni.yml"
  echo "$LAB_SPAWNED_PID" >"$state/patroni-$m.pid"
}

# lab_patroni_start_daemon NAME MEMBER SOURCE: `cloudvip run` (root) in the member's namespace, following
# Patroni through SOURCE (patroni: the member's own REST API; etcd: the leader key).
lab_patroni_start_daemon() {
  local name=$1 m=$2 source=$3 state dir ns_var ip tables="" t
  state=$(lab_state_dir "$name")
  dir=$state/cloudvip-$m
  mkdir -p "$dir"
  chmod 700 "$dir"
  ns_var=LAB_NS_${m^^}
  ip=$(lab_patroni_ip "$name" "$m")
  for t in $LAB_ROUTE_TABLES; do tables="$tables\"$t\", "; done
  {
    printf '[aws]\nregion = "us-east-1"\nendpoint = "%s"\n\n' "$LAB_ENDPOINT"
    printf '[daemon]\ninterval = "2s"\ncontrol_socket = "%s/control.sock"\n\n' "$dir"
    printf '[[vip]]\nname = "pg"\naddress = "%s"\nroute_tables = [%s]\ninterface = "eth0"\nlabel = "eth0:1"\n\n' \
      "$LAB_VIP" "${tables%, }"
    printf '[vip.leader]\nsource = "%s"\npoll_interval = "200ms"\ntimeout = "1s"\n' "$source"
    if [ "$source" = patroni ]; then
      printf 'url = "http://%s:8008"\n' "$ip"
    else
      printf 'endpoints = ["%s"]\nkey = "%s"\nmember = "%s"\n' "$LAB_ETCD" "$LAB_PG_LEADER_KEY" "$m"
    fi
  } >"$dir/cloudvip.toml"
  lab_spawn "$name" "${!ns_var}" "cloudvip-run-$m" "$state/cloudvip-$m.log" \
    env -i PATH=/usr/bin:/bin HOME="$dir" CLOUDVIP_CACHE_DIR="$dir/cache" \
    "$LAB_BUILD/cloudvip" run --config "$dir/cloudvip.toml" --log-level info
  echo "$LAB_SPAWNED_PID" >"$state/cloudvip-$m.pid"
}

# lab_patroni_http NAME MEMBER PATH: the HTTP status of GET PATH on the member's Patroni REST API, asked
# inside the member's namespace ("000" when nothing answers within 1 s).
lab_patroni_http() {
  local ip
  ip=$(lab_patroni_ip "$1" "$2")
  lab_in "$1" "$2" curl -s -o /dev/null -m 1 -w '%{http_code}' "http://$ip:8008$3" || true
}
lab_patroni_is_primary() { [ "$(lab_patroni_http "$1" "$2" /primary)" = 200 ]; }
lab_patroni_is_sync() { [ "$(lab_patroni_http "$1" "$2" /sync)" = 200 ]; }
lab_patroni_is_replica() { [ "$(lab_patroni_http "$1" "$2" /replica)" = 200 ]; }

# lab_route_points_at NAME ENI: every route table's VIP route targets ENI and is active (cloudvip-sim's view).
lab_route_points_at() {
  lab_in "$1" router "$LAB_PY" - "$LAB_SIM_LOCAL" "$LAB_VIP_SUBNET" "$2" <<'EOF'
import json, sys, urllib.request
url, subnet, eni = sys.argv[1:4]
state = json.load(urllib.request.urlopen(url + "/_sim/state", timeout=2))
ok = all(any(r["destination"] == subnet and r["network_interface_id"] == eni and r["state"] == "active"
             for r in t["routes"]) for t in state["route_tables"])
sys.exit(0 if ok and state["route_tables"] else 1)
EOF
}

# lab_patroni_pid_files STATE: every pid file the Patroni mode leaves (for lab/down after a crash).
lab_patroni_pid_files() {
  ls "$1"/etcd.pid "$1"/patroni-*.pid "$1"/cloudvip-*.pid "$1"/pg-*/data/postmaster.pid 2>/dev/null || true
}

lab_patroni_tail_logs() {
  local f
  for f in "$1"/etcd.log "$1"/patroni-*.log "$1"/cloudvip-*.log "$1"/pg-*/hook.log; do
    [ -f "$f" ] && { echo "--- $f" >&2; tail -n 15 "$f" >&2; }
  done
  return 0
}
