#!/usr/bin/env bash
# ocf:cloudvip:aws-vpc-move-ip against cloudvip-sim, in a lab of its own (lab/up): member a's network
# namespace, whose 169.254.169.254 is the simulator's IMDS, plays the node. As root; exits 77 otherwise.
#   1. ocf-tester (resource-agents) passes the agent; afterwards every route table points at a (the routes
#      were missing: start created them), and stop left them there;
#   2. validate-all exits 6, with an exit reason naming the parameter, for a wrong ip or routing_table,
#      and 2 for an interface this node lacks;
#   3. crm_resource with a CIB_file (no cluster): --force-check 7, --force-start 0 (taking the routes from
#      b), --force-check 0, --force-stop 0, --force-check 7;
#   4. monitor: a recurring one (monapi=false) makes no EC2 call; a probe while EC2 throttles
#      DescribeRouteTables exits 1 (never 7); a probe with the address here and the routes on b exits 1;
#      resource-agents' agent, for contrast, says 7 to the throttled probe;
#   5. routing_table_role: every EC2 call of a start is signed with the role's credentials (from the awscli
#      parameter's `sts assume-role`); elastic_ip is associated with a's ENI by start;
#   6. auth_type=key uses the default profile's keys, auth_type=role the instance role only.
#   tests/integrations/pacemaker_ocf_test.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
src=$(cd "${1:?usage: pacemaker_ocf_test.sh SOURCE_DIR BUILD_DIR}" && pwd)
export CLOUDVIP_BUILD=$(cd "${2:?usage: pacemaker_ocf_test.sh SOURCE_DIR BUILD_DIR}" && pwd)
. "$src/lab/lib.sh"
. "$src/tests/integrations/ocf_lab.sh"

passed=0
failed=0
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

if [ "${3:-}" != --inner ]; then
  ocf_lab_require ocf-tester crm_resource cibadmin xmllint curl
  name=$(ocf_lab_name o)
  work=$(mktemp -d /tmp/cloudvip-ocf.XXXXXX)
  trap '"$LAB_ROOT/lab/down" "$name" --quiet; rm -rf "$work"' EXIT
  # The lab's scenario plus the credentials an STS AssumeRole would hand out (a key with a session token),
  # for routing_table_role.
  { cat "$src/sim/scenarios/two-az.toml"; printf '\n[[credential]]\naccess_key_id = "ASIACLOUDVIPROLE0001"\nsecret_access_key = "cloudvip-sim-role-secret-not-a-real-key"\nsession_token = "cloudvip-sim-role-session-token"\nallow = ["ec2:*"]\n'; } >"$work/scenario.toml"
  "$LAB_ROOT/lab/up" "$name" --scenario "$work/scenario.toml" >"$work/up.log" 2>&1 || { cat "$work/up.log"; echo "FAIL: lab/up"; exit 1; }
  lab_load "$name"
  mkdir -p "$work/home"
  # The rest runs as the node: in a's network namespace, with a mount namespace of its own (the agent
  # appears under /usr/lib/ocf/resource.d/cloudvip there only), and a clean environment.
  ip netns exec "$LAB_NS_A" unshare -m --propagation private \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$work/home" CLOUDVIP_CACHE_DIR="$work/cache" \
    OCF_TEST_WORK="$work" OCF_TEST_LAB="$name" \
    bash "$0" "$src" "$CLOUDVIP_BUILD" --inner
  exit $?
fi

# ---- inside a's namespaces ----
work=$OCF_TEST_WORK
lab_load "$OCF_TEST_LAB"
ocf_private_agent_dir "$work"
agent=$OCF_AGENT_DIR/aws-vpc-move-ip
export OCF_ROOT=/usr/lib/ocf
tables_csv=$(echo "$LAB_ROUTE_TABLES" | tr ' ' ',')
params=(ip="$LAB_VIP" routing_table="$tables_csv" interface=eth0 iflabel=1 cloudvip="$LAB_BUILD/cloudvip"
  endpoint="$LAB_ENDPOINT" region=us-east-1)

# 1. ocf-tester.
tester_args=()
for p in "${params[@]}"; do tester_args+=(-o "$p"); done
seq=$(sim_last_seq)
if ocf-tester -n vip "${tester_args[@]}" "$agent" >"$work/ocf-tester.log" 2>&1; then
  pass "ocf-tester: $(tail -n 1 "$work/ocf-tester.log")"
else
  fail "ocf-tester: $(tail -n 15 "$work/ocf-tester.log")"
fi
creates=$(sim_ec2_calls_since "$seq" CreateRoute)
all_tables_on "$LAB_ENI_A" && [ "$creates" -gt 0 ] &&
  pass "after ocf-tester every route table points at a ($creates routes created by start) and stop left them" ||
  fail "after ocf-tester: $(sim_targets | tr '\n' ' ') (CreateRoute calls: $creates)"

# run_agent ACTION KEY=VALUE...: the agent as Pacemaker runs it; stderr in $work/agent.err.
run_agent() {
  local action=$1 kv env_args=(OCF_RESOURCE_INSTANCE=vip OCF_RESKEY_CRM_meta_timeout=20000)
  shift
  for kv in "$@"; do env_args+=("OCF_RESKEY_$kv"); done
  env HOME="${AGENT_HOME:-$HOME}" "${env_args[@]}" "$agent" "$action" >"$work/agent.out" 2>"$work/agent.err"
}
reason() { grep '^ocf-exit-reason:' "$work/agent.err" | tail -n 1; }

# 2. validate-all.
run_agent validate-all "${params[@]}" ip=10.109.10
rc=$?
[ $rc -eq 6 ] && reason | has "ip='10.109.10'" && pass "validate-all: a wrong ip is 6: $(reason)" ||
  fail "validate-all with ip=10.109.10 exited $rc: $(cat "$work/agent.err")"
run_agent validate-all "${params[@]}" routing_table=rtb-0a1b2c3d4e5f6aaa0,rtb-xyz
rc=$?
[ $rc -eq 6 ] && reason | has "rtb-xyz" && pass "validate-all: a wrong routing_table is 6: $(reason)" ||
  fail "validate-all with routing_table=...,rtb-xyz exited $rc: $(cat "$work/agent.err")"
run_agent validate-all "${params[@]}" routing_table=
rc=$?
[ $rc -eq 6 ] && pass "validate-all: no routing_table is 6: $(reason)" || fail "validate-all without routing_table exited $rc"
run_agent validate-all "${params[@]}" interface=eth9
rc=$?
[ $rc -eq 2 ] && reason | has "eth9" && pass "validate-all: an interface this node lacks is 2 (another node may have it): $(reason)" ||
  fail "validate-all with interface=eth9 exited $rc: $(cat "$work/agent.err")"
run_agent validate-all "${params[@]}"
rc=$?
[ $rc -eq 0 ] && pass "validate-all: the lab's parameters are 0" || fail "validate-all exited $rc: $(cat "$work/agent.err")"

# 3. crm_resource --force-* on a CIB file.
export CIB_file=$work/cib.xml
cibadmin --empty >"$CIB_file"
nvpairs=""
for p in "${params[@]}"; do
  nvpairs="$nvpairs<nvpair id=\"vip-ia-${p%%=*}\" name=\"${p%%=*}\" value=\"${p#*=}\"/>"
done
cibadmin -C -o resources -X "<primitive id=\"vip\" class=\"ocf\" provider=\"cloudvip\" type=\"aws-vpc-move-ip\"><instance_attributes id=\"vip-ia\">$nvpairs</instance_attributes></primitive>" ||
  fail "cibadmin could not add the primitive to $CIB_file"
lab_acquire "$OCF_TEST_LAB" b "$work" >"$work/acquire-b.log" 2>&1 || fail "b could not acquire: $(tail -n 3 "$work/acquire-b.log")"
force() {
  crm_resource "--force-$1" -r vip >"$work/crm-$1.log" 2>&1
  echo $?
}
expect_force() {
  local action=$1 want=$2 got
  got=$(force "$action")
  [ "$got" -eq "$want" ] && pass "crm_resource --force-$action: $got" ||
    fail "crm_resource --force-$action: $got, expected $want: $(tail -n 5 "$work/crm-$action.log")"
}
expect_force check 7
expect_force start 0
all_tables_on "$LAB_ENI_A" && pass "after --force-start every route table points at a (taken from b)" ||
  fail "after --force-start: $(sim_targets | tr '\n' ' ')"
expect_force check 0
expect_force stop 0
expect_force check 7
all_tables_on "$LAB_ENI_A" && pass "--force-stop left the routes on a" || fail "after --force-stop: $(sim_targets | tr '\n' ' ')"
unset CIB_file

# 4. monitor.
run_agent start "${params[@]}" || fail "start exited $?: $(reason)"
seq=$(sim_last_seq)
run_agent monitor "${params[@]}" CRM_meta_interval=60000
rc=$?
calls=$(sim_ec2_calls_since "$seq")
[ $rc -eq 0 ] && [ "$calls" -eq 0 ] && pass "a recurring monitor (monapi=false) is 0 with no EC2 call" ||
  fail "recurring monitor: exit $rc, $calls EC2 calls"
seq=$(sim_last_seq)
run_agent monitor "${params[@]}" CRM_meta_interval=60000 monapi=true
rc=$?
calls=$(sim_ec2_calls_since "$seq" DescribeRouteTables)
[ $rc -eq 0 ] && [ "$calls" -gt 0 ] && pass "a recurring monitor with monapi=true reads the route tables ($calls calls) and is 0" ||
  fail "monitor monapi=true: exit $rc, $calls DescribeRouteTables calls"

throttle='{"fail_next": [{"action": "DescribeRouteTables", "count": 100, "code": "RequestLimitExceeded", "status": 503}]}'
sim_admin POST /_sim/faults "$throttle" >/dev/null || fail "could not set the simulator's faults"
run_agent monitor "${params[@]}" CRM_meta_interval=0
rc=$?
r=$(reason)
[ $rc -eq 1 ] && echo "$r" | has RequestLimitExceeded && [ ${#r} -le $((16 + 128)) ] &&
  pass "a probe while DescribeRouteTables is throttled is 1, the reason names the AWS error in 128 characters: $r" ||
  fail "throttled probe exited $rc (expected 1): $(tail -n 5 "$work/agent.err")"

# resource-agents' agent in the same place (an aws wrapper gives the CLI the simulator's endpoint).
printf '#!/bin/sh\nexec /usr/bin/aws --endpoint-url %s "$@"\n' "$LAB_ENDPOINT" >"$work/aws-sim"
chmod 755 "$work/aws-sim"
mkdir -p "$work/home/.aws"
printf '[default]\nregion = us-east-1\n' >"$work/home/.aws/config"
# Informational, not asserted: the original reads any failed describe-route-tables as "not routed here".
env OCF_RESOURCE_INSTANCE=vip OCF_RESKEY_CRM_meta_interval=0 OCF_RESKEY_ip="$LAB_VIP" \
  OCF_RESKEY_routing_table="$tables_csv" OCF_RESKEY_interface=eth0 OCF_RESKEY_awscli="$work/aws-sim" \
  AWS_MAX_ATTEMPTS=1 timeout 120 "$OCF_HEARTBEAT_AGENT" monitor >"$work/theirs.out" 2>&1
rc=$?
[ $rc -eq 7 ] && echo "CONTRAST: resource-agents' aws-vpc-move-ip answers the same throttled probe with 7 (not running)" ||
  echo "CONTRAST: resource-agents' aws-vpc-move-ip answered the throttled probe with $rc"
sim_admin POST /_sim/faults '{"fail_next": []}' >/dev/null

lab_acquire "$OCF_TEST_LAB" b "$work" >"$work/acquire-b2.log" 2>&1 || fail "b could not acquire"
ip addr replace "$LAB_VIP/32" dev eth0 label eth0:1 # a keeps the address, as after a lost stop
run_agent monitor "${params[@]}" CRM_meta_interval=0
rc=$?
[ $rc -eq 1 ] && pass "a probe with the address on a and the routes on b is 1: $(reason)" ||
  fail "partly active probe exited $rc (expected 1): $(tail -n 5 "$work/agent.err")"
run_agent stop "${params[@]}" && ! ip -o addr show dev eth0 | has " $LAB_VIP/" &&
  pass "stop removes the address" || fail "stop: $(reason)"

# 5. routing_table_role: the role's credentials (from `awscli sts assume-role`, here a stand-in that answers
# as STS would) sign every EC2 call of the action; elastic_ip follows the start.
cat >"$work/fake-aws" <<FAKE
#!/bin/sh
echo "\$*" >>"$work/fake-aws.argv"
case " \$* " in
*" sts assume-role "*) printf 'ASIACLOUDVIPROLE0001\tcloudvip-sim-role-secret-not-a-real-key\tcloudvip-sim-role-session-token\n' ;;
*) exit 255 ;;
esac
FAKE
chmod 755 "$work/fake-aws"
role=arn:aws:iam::123456789012:role/cloudvip-cross-account
lab_acquire "$OCF_TEST_LAB" b "$work" >"$work/acquire-b3.log" 2>&1 || fail "b could not acquire"
seq=$(sim_last_seq)
run_agent start "${params[@]}" routing_table_role="$role" awscli="$work/fake-aws" elastic_ip=eipalloc-0a1b2c3d4e5f60e01
rc=$?
keys=$(sim_admin GET "/_sim/calls?since=$seq" | python3 -c '
import json, sys
print(" ".join(sorted({c.get("access_key_id", "") for c in json.load(sys.stdin)["calls"] if c["kind"] == "ec2"})))')
[ $rc -eq 0 ] && [ "$keys" = ASIACLOUDVIPROLE0001 ] && grep -q -- "--role-arn $role" "$work/fake-aws.argv" &&
  all_tables_on "$LAB_ENI_A" && pass "routing_table_role: start is 0 and every EC2 call used the assumed role's key" ||
  fail "routing_table_role: start $rc ($(reason)), EC2 calls signed by '$keys', awscli got: $(cat "$work/fake-aws.argv" 2>/dev/null)"
eip=$(sim_admin GET /_sim/state | python3 -c '
import json, sys
print([a["network_interface_id"] for a in json.load(sys.stdin)["addresses"] if a["allocation_id"] == "eipalloc-0a1b2c3d4e5f60e01"][0])')
[ "$eip" = "$LAB_ENI_A" ] && pass "elastic_ip: start associated the Elastic IP with a's ENI" || fail "elastic_ip: on '$eip'"
run_agent stop "${params[@]}" || fail "stop after the role start: $(reason)"

# 6. auth_type: with a default profile whose keys EC2 rejects, key (the default) uses them and fails with
# the AWS error; role uses the instance role only and succeeds.
mkdir -p "$work/home-keys/.aws"
printf '[default]\naws_access_key_id = AKIAREJECTEDBYTHESIM\naws_secret_access_key = not-a-key-the-sim-knows\n' \
  >"$work/home-keys/.aws/credentials"
AGENT_HOME=$work/home-keys run_agent start "${params[@]}"
rc=$?
[ $rc -eq 1 ] && reason | has AuthFailure && pass "auth_type=key: the profile's keys are used (EC2 rejects them): $(reason)" ||
  fail "auth_type=key with rejected profile keys: start $rc: $(reason)"
AGENT_HOME=$work/home-keys run_agent start "${params[@]}" auth_type=role
rc=$?
[ $rc -eq 0 ] && pass "auth_type=role: the instance role is used, the profile's keys are not" ||
  fail "auth_type=role: start $rc: $(reason)"
run_agent stop "${params[@]}" || fail "stop after the auth_type start: $(reason)"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
