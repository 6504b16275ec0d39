#!/usr/bin/env bash
# The Debian packages, end to end (make deb-test; CI runs it after make test):
#   1. make deb: builds cloudvip and cloudvip-sim from debian/, lintian with no error and no warning;
#   2. the packages hold the same files in the same places as `make install DESTDIR=...` (the lists compared;
#      only the man pages' .gz and the copyright/changelog that dh adds may differ);
#   3. dpkg -i both; the installed cloudvip --version, man -w for every page, systemd-analyze verify on the
#      installed unit (and it is not enabled), the OCF agent's meta-data when the tree has the agent, the
#      example config is a conffile that configures no VIP, the bash completion loads;
#   4. dpkg --purge both; nothing they installed is left, except directories other packages own.
# Installs to /usr: needs root (exit 77 otherwise). Never touches a cloudvip package it did not install (exits 1
# if one is installed already), serializes with other runs (flock), and purges on any exit.
# Usage: tests/packaging/deb_test.sh [BUILD]   (BUILD: a configured build directory, default build)
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build}
case $build in /*) ;; *) build=$src/$build ;; esac

if [ "$(id -u)" -ne 0 ]; then
  echo "deb_test: SKIP: needs root (dpkg -i, dpkg --purge)"
  exit 77
fi
exec 9>/run/lock/cloudvip-deb-test.lock
flock -w 900 9 || { echo "deb_test: another deb_test held the lock for 15 minutes" >&2; exit 1; }

packages=(cloudvip cloudvip-sim)
for p in "${packages[@]}"; do
  if dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^[ihr]'; then
    echo "deb_test: $p is already installed (or not purged) on this machine; refusing to replace and purge it" >&2
    exit 1
  fi
done

work=$(mktemp -d /tmp/cloudvip-deb-test.XXXXXX)
installed=false
cleanup() {
  if $installed; then
    dpkg --purge "${packages[@]}" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
failed=0
check() {  # check DESCRIPTION COMMAND...: runs the command, prints ok/FAIL
  if out=$("${@:2}" 2>&1); then
    echo "  ok    $1"
  else
    echo "  FAIL  $1: $out" | head -n 20
    failed=1
  fi
}
t0=$(date +%s)
seconds() { echo "$(($(date +%s) - $1)) s"; }

echo "deb_test: 1. make deb"
BUILD=$build "$src/scripts/build-deb" | sed 's/^/  /'
t1=$(date +%s)
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
debs=("$build"/deb/cloudvip_"$version"_*.deb "$build"/deb/cloudvip-sim_"$version"_*.deb)

echo "deb_test: 2. the packages hold what make install DESTDIR=... installs"
make -s -C "$src" install DESTDIR="$work/destdir" BUILD="$build" JOBS="${JOBS:-2}" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; exit 1; }
(cd "$work/destdir" && find . ! -type d | sed 's|^\.||') | sort >"$work/make-install.list"
for deb in "${debs[@]}"; do
  dpkg-deb --fsys-tarfile "$deb" | tar -t | grep -v '/$' | sed 's|^\.||'
done | sed -E 's/\.gz$//' | grep -vE '^/usr/share/doc/[^/]+/(copyright|changelog)$' | sort >"$work/deb.list"
if diff -u "$work/make-install.list" "$work/deb.list" >"$work/lists.diff"; then
  echo "  ok    the same $(wc -l <"$work/deb.list") files ($(echo "${debs[@]##*/}"))"
else
  echo "  FAIL  make install and the packages differ (- make install, + packages):"
  sed -n '3,$p' "$work/lists.diff" | grep '^[-+]' | sed 's/^/          /'
  failed=1
fi
t2=$(date +%s)

echo "deb_test: 3. dpkg -i, then the installed files at work"
installed=true
dpkg -i "${debs[@]}" >"$work/dpkg-i.log" 2>&1 || { cat "$work/dpkg-i.log"; exit 1; }
check "/usr/sbin/cloudvip --version says cloudvip $version" \
  sh -c "/usr/sbin/cloudvip --version | grep -qx 'cloudvip $version'"
check "/usr/bin/cloudvip-sim --version says cloudvip-sim $version" \
  sh -c "/usr/bin/cloudvip-sim --version | grep -qx 'cloudvip-sim $version'"
for page in 8:cloudvip 5:cloudvip.toml 1:cloudvip-sim; do
  check "man -w ${page#*:}(${page%%:*}) is the installed page" \
    sh -c "man -w ${page%%:*} ${page#*:} | grep -qx '/usr/share/man/man${page%%:*}/${page#*:}.${page%%:*}.gz'"
done
check "man renders cloudvip(8) without warnings" \
  sh -c "! MANWIDTH=80 man --warnings 8 cloudvip 2>&1 >/dev/null | grep ."
unit=/lib/systemd/system/cloudvip.service
check "systemd-analyze verify $unit" sh -c "out=\$(systemd-analyze verify $unit 2>&1); echo \"\$out\"; [ -z \"\$out\" ]"
check "the unit is not enabled" sh -c "! ls /etc/systemd/system/*.wants/cloudvip.service 2>/dev/null | grep ."
check "/etc/cloudvip/cloudvip.toml is a conffile" \
  sh -c "dpkg-query -W -f='\${Conffiles}' cloudvip | grep -q ' /etc/cloudvip/cloudvip.toml '"
check "the example config configures no VIP (status exits 2 naming [[vip]])" \
  sh -c "out=\$(AWS_EC2_METADATA_DISABLED=true AWS_ENDPOINT_URL=http://127.0.0.1:9 /usr/sbin/cloudvip status 2>&1); \
         code=\$?; echo \"\$code \$out\"; [ \$code -eq 2 ] && echo \"\$out\" | grep -q 'vip'"
check "the bash completion of cloudvip loads" \
  bash -c ". /usr/share/bash-completion/bash_completion && . /usr/share/bash-completion/completions/cloudvip && complete -p cloudvip"
agents=$(sed -n 's/^set(CLOUDVIP_OCF_AGENT_NAMES \(.*\))$/\1/p' "$src/cmake/install_rules.cmake")
found_agent=false
for agent in $agents; do
  [ -f "$src/integrations/pacemaker/$agent" ] || continue
  found_agent=true
  installed_agent=/usr/lib/ocf/resource.d/cloudvip/$agent
  check "OCF agent $installed_agent meta-data (as Pacemaker would call it)" \
    sh -c "OCF_ROOT=/usr/lib/ocf '$installed_agent' meta-data | grep -q '<resource-agent name=\"$agent\"'"
  check "man -w ocf_cloudvip_$agent(7) is the installed page" \
    sh -c "man -w 7 ocf_cloudvip_$agent | grep -qx '/usr/share/man/man7/ocf_cloudvip_$agent.7.gz'"
done
$found_agent || echo "  note  no OCF agent ($agents) in integrations/pacemaker/ yet: meta-data not checked"
t3=$(date +%s)

echo "deb_test: 4. dpkg --purge leaves nothing but directories other packages own"
for deb in "${debs[@]}"; do dpkg-deb --fsys-tarfile "$deb" | tar -t | sed 's|^\.||; s|/$||' | grep .; done |
  sort -u >"$work/paths"
dpkg --purge "${packages[@]}" >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; exit 1; }
installed=false
left=()
while IFS= read -r path; do
  [ -e "$path" ] || [ -e "$path.gz" ] || continue
  if [ -d "$path" ] && dpkg -S "$path" >/dev/null 2>&1; then
    continue  # e.g. /usr/share/man/man8, owned by other packages too
  fi
  left+=("$path")
done <"$work/paths"
for extra in /etc/cloudvip /var/lib/systemd/deb-systemd-helper-enabled/cloudvip.service.dsh-also \
  /var/lib/systemd/deb-systemd-helper-masked/cloudvip.service; do
  [ ! -e "$extra" ] || left+=("$extra")
done
if [ ${#left[@]} -eq 0 ]; then
  echo "  ok    nothing left ($(wc -l <"$work/paths") paths checked)"
else
  echo "  FAIL  left after purge: ${left[*]}"
  failed=1
fi
check "dpkg knows neither package any more" \
  sh -c "! dpkg-query -W -f='\${db:Status-Abbrev}\n' ${packages[*]} 2>/dev/null | grep -q '^.[^n]'"

echo "deb_test: times: make deb $((t1 - t0)) s, install lists $((t2 - t1)) s, installed checks $((t3 - t2)) s," \
  "purge $(seconds "$t3"); total $(seconds "$t0")"
if [ "$failed" -ne 0 ]; then
  echo "deb_test: FAILED"
  exit 1
fi
echo "deb_test: OK"
