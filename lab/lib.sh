# Shared by lab/up, lab/down, lab/demo and tests/e2e: names, the state directory, bounded waits, processes
# started inside the lab's namespaces. Source it; it defines functions and variables only.
#
# Safety: everything the lab makes is a network namespace named cvlab-NAME-ROLE, with veth links created
# directly inside those namespaces; the host's own interfaces, routes and addresses are never touched.

LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LAB_STATE_BASE=${CLOUDVIP_LAB_STATE:-/run/cloudvip-lab}
LAB_BUILD=${CLOUDVIP_BUILD:-$LAB_ROOT/build}
LAB_SIM_PORT=8080     # the EC2 endpoint, inside the router namespace
LAB_SERVICE_PORT=1972 # the members' stand-in for IRIS's superserver

lab_die() {
  echo "lab: $*" >&2
  exit 1
}

lab_need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "lab: $1 needs root: it creates network namespaces (cvlab-*) and veth links inside them." >&2
    echo "lab: run it as root, e.g. 'sudo $2'" >&2
    exit 1
  fi
}

# A lab name: 1-8 lower-case letters and digits (it goes into namespace names, kept short and safe).
lab_check_name() {
  [[ "$1" =~ ^[a-z0-9]{1,8}$ ]] || lab_die "lab name '$1' must be 1-8 lower-case letters or digits"
}

lab_ns() { echo "cvlab-$1-$2"; }             # lab_ns NAME ROLE
lab_state_dir() { echo "$LAB_STATE_BASE/$1"; } # lab_state_dir NAME

lab_now_ms() { date +%s%3N; }

# lab_wait_for SECONDS COMMAND...: runs COMMAND every 50 ms until it succeeds; 1 when time runs out.
lab_wait_for() {
  local limit_ms=$(($1 * 1000)) start
  shift
  start=$(lab_now_ms)
  while true; do
    "$@" >/dev/null 2>&1 && return 0
    [ $(($(lab_now_ms) - start)) -lt "$limit_ms" ] || return 1
    sleep 0.05
  done
}

# lab_spawn NAME NAMESPACE LABEL LOGFILE COMMAND...: starts COMMAND in the namespace, in the background and
# in a session of its own, and records its pid (STATE/pids: "PID LABEL") so lab/down can end it.
lab_spawn() {
  local name=$1 ns=$2 label=$3 log=$4
  shift 4
  setsid ip netns exec "$ns" "$@" </dev/null >"$log" 2>&1 &
  echo "$! $label" >>"$(lab_state_dir "$name")/pids"
  LAB_SPAWNED_PID=$!
}

# lab_in NAME ROLE COMMAND...: runs COMMAND in the lab's namespace ROLE.
lab_in() {
  local ns
  ns=$(lab_ns "$1" "$2")
  shift 2
  ip netns exec "$ns" "$@"
}

# The lab's layout as lab/up recorded it (LAB_* variables).
lab_load() {
  local env_file
  env_file="$(lab_state_dir "$1")/lab.env"
  [ -f "$env_file" ] || lab_die "no lab '$1' is up (no $env_file): run lab/up $1 first"
  # shellcheck disable=SC1090
  . "$env_file"
}

# lab_cli_has SUBCOMMAND: whether this build's cloudvip has it.
# (CLI11 answers --help with exit 0 and the top-level help, whose examples name every command, even for a
# subcommand it lacks: only the subcommand's own usage line tells.)
# (The help is read whole before grep looks at it: with pipefail, grep -q leaving early would fail the pipe.)
lab_cli_has() {
  local help
  help=$("$LAB_BUILD/cloudvip" "$1" --help 2>&1)
  grep -q "^Usage: cloudvip $1 " <<<"$help"
}

# lab_require_cli SUBCOMMAND...: returns 1, saying on stderr what is missing, unless this build has the
# cloudvip binary and every SUBCOMMAND. The lab exercises cloudvip itself: there is no fallback.
lab_require_cli() {
  local sub
  if [ ! -x "$LAB_BUILD/cloudvip" ]; then
    echo "lab: no cloudvip binary at $LAB_BUILD/cloudvip (build it: make build)" >&2
    return 1
  fi
  for sub in "$@"; do
    if ! lab_cli_has "$sub"; then
      echo "lab: $LAB_BUILD/cloudvip has no '$sub' subcommand ('cloudvip $sub --help' does not list it)" >&2
      return 1
    fi
  done
}

# lab_cloudvip NAME MEMBER WORKDIR ARGS...: runs cloudvip inside MEMBER's namespace as its ^ZMIRROR hook
# would: a clean environment (credentials from the instance role through IMDS, no host AWS settings), a
# cache directory of its own, cloudvip-sim's EC2 endpoint.
lab_cloudvip() {
  local name=$1 m=$2 work=$3
  shift 3
  local ns_var=LAB_NS_${m^^}
  mkdir -p "$work/home-$m"
  ip netns exec "${!ns_var}" env -i PATH="$PATH" HOME="$work/home-$m" CLOUDVIP_CACHE_DIR="$work/cache-$m" \
    "$LAB_BUILD/cloudvip" "$@"
}

# The VIP flags of the lab's VIP: every route table, on eth0 as eth0:1.
lab_vip_flags() {
  local rtb
  LAB_VIP_FLAGS=(--endpoint "$LAB_ENDPOINT" --address "$LAB_VIP" --interface eth0 --label eth0:1)
  for rtb in $LAB_ROUTE_TABLES; do LAB_VIP_FLAGS+=(--route-table "$rtb"); done
}

# lab_acquire NAME MEMBER WORKDIR: MEMBER takes the VIP with `cloudvip acquire`; acquire's exit status, or 1
# (with the reason on stderr) when this build has no cloudvip or no acquire.
lab_acquire() {
  local name=$1 m=$2 work=$3
  lab_require_cli acquire || return 1
  lab_vip_flags
  lab_cloudvip "$name" "$m" "$work" acquire "${LAB_VIP_FLAGS[@]}"
}

# The Patroni mode's configuration and checks (lab/patroni-up).
# shellcheck source=patroni-lib.sh
. "$LAB_ROOT/lab/patroni-lib.sh"
