#!/usr/bin/env bash
# ocf:cloudvip:aws-vpc-move-ip's meta-data, without root or AWS:
#   1. it is valid against resource-agents' ra-api-1.dtd (ocf-tester's check) and metadata.rng (its CI's);
#   2. every parameter of ocf:heartbeat:aws-vpc-move-ip (the installed resource-agents) is in ours, with the
#      same default; every timeout and interval has the `s` suffix;
#   3. meta-data and usage work as user nobody (ocf-tester runs meta-data so) and exit 0; an unknown action
#      exits 3; any other action as non-root exits 4;
#   4. the committed man page source (ocf_cloudvip_aws-vpc-move-ip.7.scd) is what metadata-to-scdoc.py makes
#      of the meta-data now, and scdoc compiles it.
#   tests/integrations/pacemaker_metadata_test.sh SOURCE_DIR
set -uo pipefail
src=${1:?usage: pacemaker_metadata_test.sh SOURCE_DIR}
agent=$src/integrations/pacemaker/aws-vpc-move-ip
theirs=/usr/lib/ocf/resource.d/heartbeat/aws-vpc-move-ip
dtd=/usr/share/resource-agents/ra-api-1.dtd
rng=/usr/share/resource-agents/metadata.rng
export OCF_ROOT=/usr/lib/ocf

for need in "$theirs" "$dtd" "$rng" /usr/bin/xmllint /usr/bin/scdoc; do
  if [ ! -e "$need" ]; then
    echo "SKIP: $need is missing (scripts/install-deps installs resource-agents, libxml2-utils and scdoc)"
    exit 77
  fi
done

work=$(mktemp -d /tmp/cloudvip-ocf-md.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
failed=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

"$agent" meta-data >"$work/ours.xml" || fail "meta-data exited $?"
"$theirs" meta-data >"$work/theirs.xml" || fail "the heartbeat agent's meta-data exited $?"

# 1. Schemas. xmllint resolves the DOCTYPE's relative "ra-api-1.dtd" beside the file, so the DTD is given.
if xmllint --noout --dtdvalid "$dtd" "$work/ours.xml" 2>"$work/dtd.err"; then
  pass "meta-data is valid against $dtd"
else
  fail "meta-data against $dtd: $(grep -v 'failed to load external entity' "$work/dtd.err" | head -5)"
fi
if xmllint --noout --relaxng "$rng" "$work/ours.xml" 2>"$work/rng.err"; then
  pass "meta-data is valid against $rng"
else
  fail "meta-data against $rng: $(head -5 "$work/rng.err")"
fi

# 2. Parameters and defaults: theirs is a subset of ours.
compare=$(python3 - "$work/ours.xml" "$work/theirs.xml" <<'EOF'
import sys
import xml.etree.ElementTree as ET

def params(path):
    root = ET.parse(path).getroot()
    return {p.get("name"): (p.find("content").get("default") if p.find("content") is not None else None)
            for p in root.iter("parameter")}, root

ours, ours_root = params(sys.argv[1])
theirs, _ = params(sys.argv[2])
# Parameters added after 4.12, up to 4.18 (resource-agents' heartbeat/aws-vpc-move-ip), with their defaults.
later = {"auth_type": "key", "curl_retries": "4", "curl_sleep": "3", "awscli_timeout": ""}
for name, default in later.items():
    theirs.setdefault(name, default)
problems = []
for name, default in theirs.items():
    if name not in ours:
        problems.append(f"missing parameter {name}")
    elif ours[name] != default:
        problems.append(f"{name}: default {ours[name]!r}, theirs {default!r}")
for action in ours_root.iter("action"):
    for attr in ("timeout", "interval"):
        value = action.get(attr)
        if value is not None and not value.endswith("s"):
            problems.append(f"action {action.get('name')}: {attr}={value!r} has no 's' suffix")
print(f"{len(theirs)} theirs (4.12 installed and 4.18's additions), {len(ours)} ours")
for p in problems:
    print("PROBLEM " + p)
EOF
)
grep -q '^PROBLEM' <<<"$compare" && fail "parameters: $(echo "$compare" | grep '^PROBLEM' | tr '\n' ';')" ||
  pass "every parameter of $theirs is ours with its default ($(echo "$compare" | head -1))"

# 3. Actions that need no root, as nobody; the rest as nobody is 4; an unknown action is 3.
cp "$agent" "$work/agent" && chmod 755 "$work/agent"
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups env OCF_ROOT=$OCF_ROOT "$@"; }
if [ "$(id -u)" -eq 0 ]; then
  as_nobody "$work/agent" meta-data >"$work/nobody.xml" 2>"$work/nobody.err" && cmp -s "$work/nobody.xml" "$work/ours.xml" &&
    pass "meta-data as nobody" || fail "meta-data as nobody: $(head -3 "$work/nobody.err")"
  as_nobody "$work/agent" usage >/dev/null && pass "usage as nobody exits 0" || fail "usage as nobody exited $?"
  as_nobody env OCF_RESKEY_ip=192.168.100.10 OCF_RESKEY_routing_table=rtb-0a1b2c3d "$work/agent" monitor 2>"$work/perm.err"
  rc=$?
  [ $rc -eq 4 ] && grep -q '^ocf-exit-reason:' "$work/perm.err" && pass "monitor as nobody exits 4 with a reason" ||
    fail "monitor as nobody exited $rc: $(cat "$work/perm.err")"
else
  echo "note: not root: the 'as nobody' checks are skipped"
fi
"$agent" no-such-action >/dev/null 2>&1
rc=$?
[ $rc -eq 3 ] && pass "an unknown action exits 3" || fail "an unknown action exited $rc"

# 4. The man page source is the meta-data's, and compiles.
if python3 -B "$src/integrations/pacemaker/metadata-to-scdoc.py" <"$work/ours.xml" >"$work/page.scd"; then
  if diff -u "$src/integrations/pacemaker/ocf_cloudvip_aws-vpc-move-ip.7.scd" "$work/page.scd" >"$work/page.diff"; then
    pass "ocf_cloudvip_aws-vpc-move-ip.7.scd matches the meta-data"
  else
    fail "ocf_cloudvip_aws-vpc-move-ip.7.scd is stale (regenerate: aws-vpc-move-ip meta-data | metadata-to-scdoc.py): $(head -12 "$work/page.diff")"
  fi
  scdoc <"$work/page.scd" >"$work/page.7" && grep -q '^\.SH PARAMETERS' "$work/page.7" && pass "scdoc compiles the page" ||
    fail "scdoc could not compile the page"
else
  fail "metadata-to-scdoc.py failed"
fi

[ $failed -eq 0 ] && echo "all passed" || echo "$failed failed"
[ $failed -eq 0 ]
