#!/usr/bin/python3
"""The AWS CLI v2 (Debian's /usr/bin/aws) against cloudvip-sim: every EC2 action cloudvip uses at least once,
the error cases (exit status 254/255 and the error code on stderr), --dry-run, --filters, pagination with
--page-size/--max-items, and IMDS role credentials. Every `aws` runs in a clean environment (nothing from the
caller's). awscli takes about a second to start, so checks run on a few worker threads, each with its own
cloudvip-sim (reset before every check). Run it through run.py, or directly:

    /usr/bin/python3 tests/fidelity/cli_suite.py [SIM_BINARY] [--workers N]

Prints one line per check and "cli: N passed, M failed"; exits 1 on any failure.
"""

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from harness import expect, expect_eq  # noqa: E402

AWS_TIMEOUT_S = 60  # one `aws` invocation; it normally takes about a second


class Ctx:
    """What one worker thread uses: its own two-az sim (with IMDS for instance a) and HOME."""

    def __init__(self, sim, paging, home):
        self.sim = sim
        self.paging = paging
        self.home = home

    def run(self, args, keys=h.ADMIN, sim=None, **env):
        """Runs `aws --endpoint-url SIM ARGS`; returns (exit status, stdout, stderr)."""
        env.setdefault("AWS_RETRY_MODE", "standard")
        env.setdefault("AWS_MAX_ATTEMPTS", "1")
        cmd = [h.AWS, "--endpoint-url", (sim or self.sim).url, "--output", "json", "--no-cli-pager", *args]
        try:
            done = subprocess.run(cmd, env=h.client_env(self.home, keys, **env), capture_output=True, text=True,
                                  timeout=AWS_TIMEOUT_S, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise h.CheckFailed(f"aws {' '.join(args)}: no exit within {AWS_TIMEOUT_S} s")
        return done.returncode, done.stdout, done.stderr

    def ok(self, *args, **kwargs):
        """`aws ARGS` must exit 0; returns its JSON output (None when it printed nothing)."""
        rc, out, err = self.run(list(args), **kwargs)
        expect(rc == 0, f"aws {' '.join(args)}: exit {rc}: {err.strip()}")
        return json.loads(out) if out.strip() else None

    def fails(self, code, *args, **kwargs):
        """`aws ARGS` must fail as a service error: exit 254 (or 255) with "(CODE)" on stderr."""
        rc, out, err = self.run(list(args), **kwargs)
        expect(rc in (254, 255), f"aws {' '.join(args)}: exit {rc}, expected 254/255: {err.strip()}")
        expect(f"({code})" in err, f"aws {' '.join(args)}: expected {code} on stderr: {err.strip()}")
        return err


def ec2(*args):
    return ("ec2", *args)


# ---- checks: each takes a Ctx whose sim was just reset -----------------------------------------------------

def describe_route_tables_filters(c):
    # AND across names, OR within one name's values.
    out = c.ok(*ec2("describe-route-tables", "--filters", f"Name=vpc-id,Values={h.VPC}",
                    f"Name=association.subnet-id,Values={h.SUBNET_A},{h.SUBNET_B}"))
    expect_eq(sorted(t["RouteTableId"] for t in out["RouteTables"]), [h.RTB_A, h.RTB_B], "filtered tables")
    call = [x for x in c.sim.calls() if x.get("action") == "DescribeRouteTables"][-1]
    params = dict(call["params"])
    expect_eq((params.get("Filter.2.Name"), params.get("Filter.2.Value.2")), ("association.subnet-id", h.SUBNET_B),
              "wire filter")
    out = c.ok(*ec2("describe-route-tables", "--filters", "Name=tag:Name,Values=main"))
    expect_eq([t["RouteTableId"] for t in out["RouteTables"]], [h.RTB_MAIN], "tag:Name")


def pagination(c):
    seq = c.paging.last_seq()
    everything = [f"rtb-0b1b2c3d4e5f6bb{i:02d}" for i in range(12)]
    out = c.ok(*ec2("describe-route-tables", "--page-size", "5"), sim=c.paging)
    expect_eq(sorted(t["RouteTableId"] for t in out["RouteTables"]), everything, "--page-size 5: every table")
    expect("NextToken" not in out, "NextToken after the whole listing")
    calls = [dict(x["params"]) for x in c.paging.calls(seq) if x.get("action") == "DescribeRouteTables"]
    expect_eq([(x.get("MaxResults"), "NextToken" in x) for x in calls], [("5", False), ("5", True), ("5", True)],
              "requests made for --page-size 5")
    first = c.ok(*ec2("describe-route-tables", "--page-size", "5", "--max-items", "7"), sim=c.paging)
    expect_eq(len(first["RouteTables"]), 7, "--max-items 7")
    expect(first.get("NextToken"), "no NextToken after --max-items 7 of 12")
    rest = c.ok(*ec2("describe-route-tables", "--page-size", "5", "--starting-token", first["NextToken"]),
                sim=c.paging)
    ids = [t["RouteTableId"] for t in first["RouteTables"] + rest["RouteTables"]]
    expect_eq(sorted(ids), everything, "--max-items then --starting-token: every table once")


def describe_instances(c):
    out = c.ok(*ec2("describe-instances", "--instance-ids", h.INSTANCE_A))
    instances = [i for r in out["Reservations"] for i in r["Instances"]]
    expect_eq([(i["InstanceId"], i["State"]["Name"], i["VpcId"], i["NetworkInterfaces"][0]["NetworkInterfaceId"])
               for i in instances], [(h.INSTANCE_A, "running", h.VPC, h.ENI_A)], "instance")
    c.fails("InvalidInstanceID.NotFound", *ec2("describe-instances", "--instance-ids", "i-0000000000000dead"))


def describe_network_interfaces(c):
    out = c.ok(*ec2("describe-network-interfaces", "--filters",
                    f"Name=attachment.instance-id,Values={h.INSTANCE_B}"))
    expect_eq([(e["NetworkInterfaceId"], e["PrivateIpAddress"], e["SourceDestCheck"])
               for e in out["NetworkInterfaces"]], [(h.ENI_B, "10.109.10.74", False)], "ENI")


def describe_subnets_vpcs_addresses(c):
    out = c.ok(*ec2("describe-subnets", "--filters", "Name=tag:Name,Values=vip"))
    expect_eq([(s["SubnetId"], s["CidrBlock"]) for s in out["Subnets"]], [(h.SUBNET_VIP, h.VIP_SUBNET_CIDR)],
              "subnet")
    out = c.ok(*ec2("describe-vpcs", "--vpc-ids", h.VPC))
    expect_eq([(v["VpcId"], v["CidrBlock"]) for v in out["Vpcs"]], [(h.VPC, "10.109.10.0/24")], "vpc")
    out = c.ok(*ec2("describe-addresses", "--allocation-ids", h.EIP_ALLOC))
    expect_eq([(a["AllocationId"], a["PublicIp"]) for a in out["Addresses"]], [(h.EIP_ALLOC, h.EIP_IP)], "address")


def routes(c):
    route = ["--route-table-id", h.RTB_A, "--destination-cidr-block", h.OVERLAY_VIP]
    out = c.ok(*ec2("create-route", *route, "--network-interface-id", h.ENI_A))
    expect_eq(out, {"Return": True}, "create-route output")
    expect_eq(c.sim.routes(h.RTB_A)[h.OVERLAY_VIP]["network_interface_id"], h.ENI_A, "after create-route")
    c.fails("RouteAlreadyExists", *ec2("create-route", *route, "--network-interface-id", h.ENI_B))
    c.ok(*ec2("replace-route", *route, "--network-interface-id", h.ENI_B))
    expect_eq(c.sim.routes(h.RTB_A)[h.OVERLAY_VIP]["network_interface_id"], h.ENI_B, "after replace-route")
    c.ok(*ec2("delete-route", *route))
    expect(h.OVERLAY_VIP not in c.sim.routes(h.RTB_A), "route still there after delete-route")
    c.fails("InvalidRoute.NotFound", *ec2("delete-route", *route))
    for rtb in (h.RTB_MAIN, h.RTB_B):
        expect(h.OVERLAY_VIP not in c.sim.routes(rtb), f"{rtb} changed")


def route_errors(c):
    world = c.sim.world()
    eni = ["--network-interface-id", h.ENI_A]
    c.fails("InvalidParameterValue", *ec2("replace-route", "--route-table-id", h.RTB_A,
                                          "--destination-cidr-block", "192.168.77.0/24", *eni))
    c.fails("InvalidRouteTableID.NotFound", *ec2("create-route", "--route-table-id", "rtb-0123456789abcdef0",
                                                 "--destination-cidr-block", h.OVERLAY_VIP, *eni))
    c.fails("InvalidParameterValue", *ec2("create-route", "--route-table-id", h.RTB_A,
                                          "--destination-cidr-block", "10.109.10.254/32", *eni))
    c.fails("InvalidParameterValue", *ec2("create-route", "--route-table-id", h.RTB_A,
                                          "--destination-cidr-block", "169.254.168.0/22", *eni))
    # The CLI insists on --route-table-id; an empty one reaches the service as a missing parameter.
    c.fails("MissingParameter", *ec2("create-route", "--route-table-id", "",
                                     "--destination-cidr-block", h.OVERLAY_VIP, *eni))
    expect_eq(c.sim.world(), world, "world after refused calls")


def canonical_destination(c):
    c.ok(*ec2("create-route", "--route-table-id", h.RTB_MAIN, "--destination-cidr-block", "10.109.10.254/27",
              "--network-interface-id", h.ENI_A))
    expect_eq(sorted(c.sim.routes(h.RTB_MAIN)), ["10.109.10.0/24", h.VIP_SUBNET_CIDR], "stored destinations")


def dry_run(c):
    world = c.sim.world()
    route = ("create-route", "--route-table-id", h.RTB_A, "--destination-cidr-block", h.OVERLAY_VIP,
             "--network-interface-id", h.ENI_A, "--dry-run")
    c.fails("DryRunOperation", *ec2(*route))
    c.fails("UnauthorizedOperation", *ec2(*route), keys=h.READONLY)
    expect_eq(c.sim.world(), world, "world after dry runs")
    expect_eq([(x["status"], x["error_code"]) for x in c.sim.calls() if x.get("kind") == "ec2"],
              [(412, "DryRunOperation"), (403, "UnauthorizedOperation")], "the call log")


def unauthorized_and_bad_signatures(c):
    world = c.sim.world()
    c.fails("UnauthorizedOperation", *ec2("modify-network-interface-attribute", "--network-interface-id", h.ENI_A,
                                          "--source-dest-check"), keys=h.READONLY)
    c.fails("SignatureDoesNotMatch", *ec2("describe-vpcs"), keys=(h.ADMIN[0], "not-the-secret"))
    c.fails("AuthFailure", *ec2("describe-vpcs"), keys=("AKIAUNKNOWNKEY000001", "whatever"))
    expect_eq(c.sim.world(), world, "world after refused calls")


def source_dest_check(c):
    c.ok(*ec2("modify-network-interface-attribute", "--network-interface-id", h.ENI_A, "--source-dest-check"))
    expect_eq(c.sim.eni(h.ENI_A)["source_dest_check"], True, "ENI a after modify-network-interface-attribute")
    c.ok(*ec2("modify-instance-attribute", "--instance-id", h.INSTANCE_B, "--source-dest-check"))
    expect_eq(c.sim.eni(h.ENI_B)["source_dest_check"], True, "ENI b after modify-instance-attribute")
    c.ok(*ec2("modify-instance-attribute", "--instance-id", h.INSTANCE_B, "--no-source-dest-check"))
    expect_eq(c.sim.eni(h.ENI_B)["source_dest_check"], False, "ENI b after --no-source-dest-check")


def elastic_ip(c):
    out = c.ok(*ec2("associate-address", "--allocation-id", h.EIP_ALLOC, "--network-interface-id", h.ENI_A))
    association = out["AssociationId"]
    expect_eq((c.sim.address(h.EIP_ALLOC)["association_id"], c.sim.address(h.EIP_ALLOC)["network_interface_id"]),
              (association, h.ENI_A), "after associate-address")
    c.fails("Resource.AlreadyAssociated", *ec2("associate-address", "--allocation-id", h.EIP_ALLOC,
                                               "--network-interface-id", h.ENI_B, "--no-allow-reassociation"))
    c.ok(*ec2("disassociate-address", "--association-id", association))
    expect_eq(c.sim.address(h.EIP_ALLOC)["association_id"], "", "after disassociate-address")


def secondary_ips(c):
    out = c.ok(*ec2("assign-private-ip-addresses", "--network-interface-id", h.ENI_A, "--private-ip-addresses",
                    "10.109.10.20", "--allow-reassignment"))
    expect_eq([a["PrivateIpAddress"] for a in out["AssignedPrivateIpAddresses"]], ["10.109.10.20"], "assigned")
    expect_eq(c.sim.eni(h.ENI_A)["private_ips"], ["10.109.10.10", "10.109.10.20"], "after assign")
    c.ok(*ec2("unassign-private-ip-addresses", "--network-interface-id", h.ENI_A, "--private-ip-addresses",
              "10.109.10.20"))
    expect_eq(c.sim.eni(h.ENI_A)["private_ips"], ["10.109.10.10"], "after unassign")


def imds_role_credentials(c):
    # No static keys: the CLI's credential chain ends at the instance's IMDS (v2 only).
    out = c.ok(*ec2("describe-route-tables", "--route-table-ids", h.RTB_A), keys=None,
               AWS_EC2_METADATA_DISABLED=None, AWS_EC2_METADATA_V1_DISABLED="true",
               AWS_EC2_METADATA_SERVICE_ENDPOINT=c.sim.imds[h.INSTANCE_A] + "/")
    expect_eq([t["RouteTableId"] for t in out["RouteTables"]], [h.RTB_A], "described with role credentials")
    calls = c.sim.calls()
    imds = [(x["method"], x["path"], x["status"]) for x in calls if x.get("kind") == "imds"]
    expect(("PUT", "/latest/api/token", 200) in imds, f"no IMDSv2 token PUT: {imds}")
    keys = [x["access_key_id"] for x in calls if x.get("kind") == "ec2"]
    expect(len(keys) == 1 and keys[0].startswith("ASIA"), f"EC2 call not signed with a role key: {keys}")


CHECKS = [describe_route_tables_filters, pagination, describe_instances, describe_network_interfaces,
          describe_subnets_vpcs_addresses, routes, route_errors, canonical_destination, dry_run,
          unauthorized_and_bad_signatures, source_dest_check, elastic_ip, secondary_ips, imds_role_credentials]


def main():
    if h.clients_missing():
        h.missing_clients_exit(h.clients_missing(), "cli")
    args = sys.argv[1:]
    workers = 3
    if "--workers" in args:
        i = args.index("--workers")
        workers = max(1, int(args[i + 1]))
        del args[i:i + 2]
    binary = args[0] if args else h.DEFAULT_SIM
    results = h.Results("cli")
    work = tempfile.mkdtemp(prefix="cloudvip-cli-")
    version = subprocess.run([h.AWS, "--version"], env=h.client_env(work), capture_output=True, text=True,
                             timeout=AWS_TIMEOUT_S).stdout.strip()
    print(f"cli: {version}", flush=True)

    sims = []

    def new_sim(name, scenario, imds=()):
        os.makedirs(os.path.join(work, name))
        sim = h.Sim(binary, scenario, imds=imds, workdir=os.path.join(work, name))
        sims.append(sim)
        return sim.start()

    pending = queue.Queue()
    for check in CHECKS:
        pending.put(check)

    def worker(ctx):
        while True:
            try:
                check = pending.get_nowait()
            except queue.Empty:
                return
            results.check(check.__name__, lambda: (ctx.sim.reset(), check(ctx)))

    try:
        paging = None
        contexts = []

        def start_all():
            nonlocal paging
            paging = new_sim("paging", h.PAGING)
            for i in range(workers):
                home = os.path.join(work, f"home{i}")
                os.makedirs(home)
                contexts.append(Ctx(new_sim(f"sim{i}", h.TWO_AZ, imds=[h.INSTANCE_A]), paging, home))

        if results.check("cloudvip-sim starts", start_all):
            threads = [threading.Thread(target=worker, args=(ctx,)) for ctx in contexts]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
    finally:
        codes = [sim.stop() for sim in sims]
    results.check("cloudvip-sim exits 0 on SIGTERM", lambda: expect_eq(codes, [0] * len(codes), "exit codes"))
    return results.finish()


if __name__ == "__main__":
    sys.exit(main())
