#!/usr/bin/env bash
# cloudvip.service's sandbox still lets cloudvip do its job (ctest unit_sandbox). systemd is not init on CI
# machines, so the unit's restrictions that decide whether a failover can work are applied by hand, read
# from dist/systemd/cloudvip.service.in, around a real `cloudvip acquire` in a lab member (lab/up):
#   - CapabilityBoundingSet (setpriv --bounding-set): as root, the process keeps only these capabilities;
#   - NoNewPrivileges (setpriv --no-new-privs);
#   - ProtectSystem=strict and ProtectHome=read-only (a mount namespace where every mount is read-only), with
#     the RuntimeDirectory (here the cache directory) writable.
# It checks that acquire then points every route table at the member, reaching IMDS and EC2, and puts the VIP
# on eth0 through netlink; and, as the control, that the same run with no capability at all fails to add the
# VIP (so the check can fail). Not covered: SystemCallFilter and RestrictAddressFamilies (seccomp; checked only
# by systemd-analyze verify) and the daemon itself (`cloudvip run` is the daemon work's).
# Needs root (exit 77 otherwise). Usage: unit_sandbox_test.sh BUILD_DIR
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export CLOUDVIP_BUILD=${1:?usage: unit_sandbox_test.sh BUILD_DIR}
. "$here/../../lab/lib.sh"
unit=$LAB_ROOT/dist/systemd/cloudvip.service.in

if [ "$(id -u)" -ne 0 ]; then
  echo "SKIP: needs root (network namespaces, mount namespaces, setpriv)"
  exit 77
fi
if ! ip netns add "cvlab-s$$-probe" 2>/dev/null; then
  echo "SKIP: network namespaces are unavailable here (ip netns add failed)"
  exit 77
fi
ip netns delete "cvlab-s$$-probe"
if ! lab_cli_has acquire; then
  echo "FAIL: this build's cloudvip has no acquire"
  exit 1
fi

unit_value() { sed -n "s/^$1=//p" "$unit" | tail -n 1; }
caps=$(unit_value CapabilityBoundingSet)
[ "$(unit_value NoNewPrivileges)" = yes ] || { echo "FAIL: the unit lost NoNewPrivileges=yes"; exit 1; }
[ "$(unit_value ProtectSystem)" = strict ] || { echo "FAIL: the unit lost ProtectSystem=strict"; exit 1; }
[ -n "$caps" ] || { echo "FAIL: no CapabilityBoundingSet in $unit"; exit 1; }
bounding=-all
for c in $caps; do
  c=${c#CAP_}
  bounding+=",+${c,,}"
done

name=s$(printf '%s' "$$$RANDOM" | tail -c 7)
work=$(mktemp -d /tmp/cloudvip-sandbox.XXXXXX)
trap '"$LAB_ROOT/lab/down" "$name" --quiet; rm -rf "$work"' EXIT
failed=0

"$LAB_ROOT/lab/up" "$name" >"$work/up.log" 2>&1 || { cat "$work/up.log"; echo "FAIL: lab/up"; exit 1; }
lab_load "$name"
lab_vip_flags

# sandboxed MEMBER BOUNDING: cloudvip acquire in MEMBER's namespace, every mount read-only except the cache
# directory (the unit's RuntimeDirectory), with only the BOUNDING capabilities and no new privileges.
sandboxed() {
  local m=$1 set=$2 ns_var=LAB_NS_${1^^}
  mkdir -p "$work/home-$m" "$work/cache-$m"
  ip netns exec "${!ns_var}" unshare --mount --propagation private sh -c '
    set -e
    awk "{print \$2}" /proc/self/mounts | sort -u | while read -r mnt; do
      case $mnt in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*) continue ;; esac
      mount -o remount,bind,ro "$mnt" 2>/dev/null || true
    done
    mount --bind "$1" "$1" && mount -o remount,bind,rw "$1"
    if touch /etc/cloudvip-sandbox-probe 2>/dev/null; then echo "sandbox: / is still writable" >&2; exit 9; fi
    shift
    exec "$@"' sh "$work/cache-$m" \
    setpriv --bounding-set "$set" --no-new-privs -- \
    env -i PATH="$PATH" HOME="$work/home-$m" CLOUDVIP_CACHE_DIR="$work/cache-$m" \
    "$LAB_BUILD/cloudvip" acquire "${LAB_VIP_FLAGS[@]}"
}

echo "unit_sandbox: CapabilityBoundingSet=$caps (setpriv --bounding-set $bounding), NoNewPrivileges, read-only mounts"
if sandboxed a "$bounding" >"$work/a.log" 2>&1; then
  echo "PASS: acquire under the unit's restrictions exits 0 (IMDS, EC2 and netlink reached)"
else
  echo "FAIL: acquire under the unit's restrictions:"; sed 's/^/  /' "$work/a.log"; failed=1
fi
if ip -n "$LAB_NS_A" -4 addr show dev eth0 | grep -q " $LAB_VIP/32 "; then
  echo "PASS: the VIP $LAB_VIP is on a's eth0"
else
  echo "FAIL: the VIP is not on a's eth0"; failed=1
fi
routes=$(lab_in "$name" router python3 "$LAB_ROOT/lab/routes.py" "$LAB_SIM_LOCAL")
if [ "$(echo "$routes" | grep -cF "$LAB_VIP_SUBNET -> $LAB_ENI_A (active)")" -eq "$(echo "$LAB_ROUTE_TABLES" | wc -w)" ]; then
  echo "PASS: every route table points at a's ENI $LAB_ENI_A"
else
  echo "FAIL: not every route table points at $LAB_ENI_A:"; echo "$routes" | sed 's/^/  /'; failed=1
fi
# Control: b without any capability cannot put the VIP on its interface, so the run above proves something.
if sandboxed b -all >"$work/b.log" 2>&1; then
  echo "FAIL: acquire with no capability at all succeeded: the sandbox check proves nothing"; failed=1
elif ip -n "$LAB_NS_B" -4 addr show dev eth0 | grep -q " $LAB_VIP/32 "; then
  echo "FAIL: the VIP is on b's eth0 although b had no CAP_NET_ADMIN"; failed=1
else
  echo "PASS: control: without CAP_NET_ADMIN acquire fails ($(grep -m1 -io 'operation not permitted\|permission denied\|error.*' "$work/b.log" | head -c 120))"
fi
[ "$failed" -eq 0 ] && echo "unit_sandbox: OK" || echo "unit_sandbox: FAILED"
exit "$failed"
