#!/bin/bash
# Smoke test: the real AWS CLI v2 (/usr/bin/aws) and boto3 (/usr/bin/python3) work against cloudvip-sim.
# Usage: tests/fidelity/smoke.sh [path/to/cloudvip-sim [scenario.toml]]
# Starts the simulator on a free port, runs a few calls with each client, stops it. Exit 0 when all pass,
# 1 on a failure, 77 (skipped) when a client is not installed. Nothing from the real ~/.aws leaks in: every
# client runs with a clean environment and HOME set to a temporary directory.
set -u

here=$(cd "$(dirname "$0")" && pwd)
sim=${1:-$here/../../build/cloudvip-sim}
scenario=${2:-$here/../../sim/scenarios/two-az.toml}
aws=/usr/bin/aws
python=/usr/bin/python3

if [ ! -x "$aws" ] || ! "$python" -c 'import boto3' 2>/dev/null; then
  echo "SKIP: needs $aws (awscli v2) and $python with boto3 (python3-boto3)"
  exit 77
fi

work=$(mktemp -d)
sim_pid=
cleanup() {
  if [ -n "$sim_pid" ]; then
    kill -TERM "$sim_pid" 2>/dev/null
    wait "$sim_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*"
  [ -f "$work/sim.err" ] && sed 's/^/  sim: /' "$work/sim.err"
  exit 1
}

echo "a bad scenario exits 2 naming the file and the key"
printf 'account_id = "123"\nregion = "us-east-1"\n' >"$work/bad.toml"
"$sim" --scenario "$work/bad.toml" >/dev/null 2>"$work/bad.err"
rc=$?
[ "$rc" -eq 2 ] || fail "bad scenario: exit $rc, expected 2"
grep -q "bad.toml:1: account_id" "$work/bad.err" || fail "bad scenario message: $(cat "$work/bad.err")"

instance=i-0a1b2c3d4e5f6000a
"$sim" --scenario "$scenario" --listen 127.0.0.1:0 --port-file "$work/url" --imds "$instance=127.0.0.1:0" \
  >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
for _ in $(seq 100); do
  [ -s "$work/url" ] && break
  kill -0 "$sim_pid" 2>/dev/null || fail "cloudvip-sim exited at start"
  sleep 0.1
done
[ -s "$work/url" ] || fail "cloudvip-sim wrote no --port-file within 10 s"
url=$(cat "$work/url")
[ "$(head -n1 "$work/sim.out")" = "$url" ] || fail "the first stdout line is not the endpoint ($url)"
imds_url=$(awk -v id="$instance" '$1 == "imds" && $2 == id { print $3 }' "$work/sim.out")
[ -n "$imds_url" ] || fail "no 'imds $instance URL' line on stdout"

# A clean client environment: the scenario's admin key, no config files, no real IMDS.
client_env=(env -i "PATH=/usr/bin:/bin" "HOME=$work" "AWS_DEFAULT_REGION=us-east-1" "AWS_EC2_METADATA_DISABLED=true"
  "AWS_ACCESS_KEY_ID=AKIACLOUDVIPADMIN001" "AWS_SECRET_ACCESS_KEY=cloudvip-sim-admin-secret-not-a-real-key")

echo "aws CLI: describe-route-tables"
out=$("${client_env[@]}" "$aws" --endpoint-url "$url" ec2 describe-route-tables \
  --query 'RouteTables[].RouteTableId' --output text 2>&1) || fail "aws ec2 describe-route-tables: $out"
for rtb in rtb-0a1b2c3d4e5f6aaa0 rtb-0a1b2c3d4e5f6aaa1 rtb-0a1b2c3d4e5f6aaa2; do
  grep -q "$rtb" <<<"$out" || fail "aws ec2 describe-route-tables did not list $rtb: $out"
done

echo "aws CLI: create-route, then a wrong secret is refused"
out=$("${client_env[@]}" "$aws" --endpoint-url "$url" ec2 create-route --route-table-id rtb-0a1b2c3d4e5f6aaa1 \
  --destination-cidr-block 192.168.100.10/32 --network-interface-id eni-0a1b2c3d4e5f6000a 2>&1) ||
  fail "aws ec2 create-route: $out"
out=$("${client_env[@]}" AWS_SECRET_ACCESS_KEY=wrong "$aws" --endpoint-url "$url" ec2 describe-vpcs 2>&1) &&
  fail "a wrong secret was accepted"
grep -q SignatureDoesNotMatch <<<"$out" || fail "expected SignatureDoesNotMatch, got: $out"

echo "boto3: describe_route_tables sees the new route"
out=$("${client_env[@]}" "$python" - "$url" <<'PY' 2>&1
import sys
import boto3
ec2 = boto3.client("ec2", endpoint_url=sys.argv[1])
tables = ec2.describe_route_tables(RouteTableIds=["rtb-0a1b2c3d4e5f6aaa1"])["RouteTables"]
routes = [r.get("DestinationCidrBlock") for r in tables[0]["Routes"]]
assert "192.168.100.10/32" in routes, routes
print("ok", routes)
PY
) || fail "boto3 describe_route_tables: $out"

echo "boto3: role credentials from the simulated IMDS"
out=$(env -i "PATH=/usr/bin:/bin" "HOME=$work" "AWS_DEFAULT_REGION=us-east-1" \
  "AWS_EC2_METADATA_SERVICE_ENDPOINT=$imds_url" "$python" - "$url" <<'PY' 2>&1
import sys
import boto3
session = boto3.session.Session()
creds = session.get_credentials()
assert creds is not None and creds.method == "iam-role", creds and creds.method
ec2 = session.client("ec2", endpoint_url=sys.argv[1])
print("ok", [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]])
PY
) || fail "boto3 with IMDS role credentials: $out"

echo "call log has every call"
calls=$("$python" -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).read().decode())' \
  "$url/_sim/calls") || fail "GET /_sim/calls"
count=$("$python" -c 'import json, sys; print(len(json.load(sys.stdin)["calls"]))' <<<"$calls")
[ "$count" -ge 5 ] || fail "expected at least 5 logged calls, got $count"
grep -q cloudvip-sim-admin-secret <<<"$calls" && fail "the admin secret is in the call log"

kill -TERM "$sim_pid"
wait "$sim_pid"
rc=$?
sim_pid=
[ "$rc" -eq 0 ] || fail "cloudvip-sim exited $rc on SIGTERM"
echo "PASS"
