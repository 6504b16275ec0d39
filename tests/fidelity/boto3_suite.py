#!/usr/bin/python3
"""boto3 (Debian's python3-boto3) against cloudvip-sim: every EC2 action cloudvip uses, through the client
API and the resource API, with filters, pagination, DryRun, error codes, SigV4 failures and IMDS role
credentials. Run it through run.py (which gives it a clean environment), or directly:

    env -i PATH=/usr/bin:/bin HOME=$(mktemp -d) /usr/bin/python3 tests/fidelity/boto3_suite.py [SIM_BINARY]

Prints one line per check and "boto3: N passed, M failed"; exits 1 on any failure.
"""

import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402
from harness import expect, expect_eq  # noqa: E402

import boto3  # noqa: E402
import botocore  # noqa: E402
from botocore.auth import SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

# One attempt: error tests must not wait on retries.
NO_RETRIES = Config(retries={"mode": "standard", "max_attempts": 1}, connect_timeout=5, read_timeout=10)


class Suite:
    def __init__(self, sim, paging):
        self.sim = sim
        self.paging = paging
        # One session for every static-key client: it loads the 4 MB EC2 model once.
        self.session = boto3.session.Session(region_name=h.REGION)

    def client(self, keys=h.ADMIN, sim=None, config=NO_RETRIES):
        return self.session.client("ec2", endpoint_url=(sim or self.sim).url, config=config,
                                   aws_access_key_id=keys[0], aws_secret_access_key=keys[1])

    def fails(self, call, code, status, **kwargs):
        """Runs `call(**kwargs)`; it must raise ClientError with `code` and HTTP `status`."""
        try:
            call(**kwargs)
        except ClientError as e:
            expect_eq(e.response["Error"]["Code"], code, f"{call.__name__} Error.Code")
            expect_eq(e.response["ResponseMetadata"]["HTTPStatusCode"], status, f"{call.__name__} HTTP status")
            expect(e.response["ResponseMetadata"].get("RequestId"), f"{call.__name__}: no RequestId in {e.response}")
            return e
        raise h.CheckFailed(f"{call.__name__}({kwargs}) succeeded; expected {code}")

    def last_call(self, action):
        calls = [c for c in self.sim.calls() if c.get("kind") == "ec2" and c.get("action") == action]
        expect(calls, f"no {action} in /_sim/calls")
        return calls[-1]

    # ---- reads ---------------------------------------------------------------------------------------------

    def describe_route_tables(self):
        tables = self.client().describe_route_tables(RouteTableIds=h.ALL_RTBS)["RouteTables"]
        expect_eq(sorted(t["RouteTableId"] for t in tables), h.ALL_RTBS, "route table ids")
        by_id = {t["RouteTableId"]: t for t in tables}
        local = [r for r in by_id[h.RTB_A]["Routes"] if r.get("GatewayId") == "local"]
        expect_eq([(r["DestinationCidrBlock"], r["Origin"], r["State"]) for r in local],
                  [("10.109.10.0/24", "CreateRouteTable", "active")], "local route")
        expect_eq([a.get("Main") for a in by_id[h.RTB_MAIN]["Associations"]], [True], "main association")
        expect_eq([a.get("SubnetId") for a in by_id[h.RTB_A]["Associations"]], [h.SUBNET_A], "rtb-a association")
        expect_eq(by_id[h.RTB_A]["VpcId"], h.VPC, "VpcId")
        expect_eq(by_id[h.RTB_A]["OwnerId"], "123456789012", "OwnerId")
        expect_eq({t["Key"]: t["Value"] for t in by_id[h.RTB_A]["Tags"]}, {"Name": "private-a"}, "tags")

    def filters(self):
        ec2 = self.client()

        def ids(filters):
            return sorted(t["RouteTableId"] for t in ec2.describe_route_tables(Filters=filters)["RouteTables"])

        # Different names are ANDed, values within one name are ORed.
        expect_eq(ids([{"Name": "vpc-id", "Values": [h.VPC]},
                       {"Name": "association.subnet-id", "Values": [h.SUBNET_A]}]), [h.RTB_A], "AND")
        expect_eq(ids([{"Name": "association.subnet-id", "Values": [h.SUBNET_A, h.SUBNET_B]}]),
                  [h.RTB_A, h.RTB_B], "OR")
        expect_eq(ids([{"Name": "vpc-id", "Values": [h.VPC]},
                       {"Name": "association.subnet-id", "Values": ["subnet-0000000000000000f"]}]), [], "AND, none")
        expect_eq(ids([{"Name": "tag:Name", "Values": ["main", "private-b"]}]), [h.RTB_MAIN, h.RTB_B], "tag:Name")
        expect_eq(ids([{"Name": "association.main", "Values": ["true"]}]), [h.RTB_MAIN], "association.main")
        # botocore's wire form: Filter.N.Name / Filter.N.Value.M, "tag:Name" sent as is.
        params = dict(self.last_call("DescribeRouteTables")["params"])
        expect_eq((params.get("Filter.1.Name"), params.get("Filter.1.Value.1")), ("association.main", "true"),
                  "wire filter")
        ec2.describe_route_tables(Filters=[{"Name": "tag:Name", "Values": ["main", "private-b"]}])
        params = dict(self.last_call("DescribeRouteTables")["params"])
        expect_eq((params.get("Filter.1.Name"), params.get("Filter.1.Value.2")), ("tag:Name", "private-b"),
                  "wire tag filter")

    def describe_instances(self):
        ec2 = self.client()
        reservations = ec2.describe_instances(InstanceIds=[h.INSTANCE_A, h.INSTANCE_B])["Reservations"]
        instances = {i["InstanceId"]: i for r in reservations for i in r["Instances"]}
        expect_eq(sorted(instances), [h.INSTANCE_A, h.INSTANCE_B], "instance ids")
        a = instances[h.INSTANCE_A]
        expect_eq((a["State"]["Name"], a["State"]["Code"]), ("running", 16), "state")
        expect_eq((a["VpcId"], a["SubnetId"], a["PrivateIpAddress"]), (h.VPC, h.SUBNET_A, "10.109.10.10"), "ids")
        expect_eq(a["Placement"]["AvailabilityZone"], "us-east-1a", "AZ")
        expect_eq([n["NetworkInterfaceId"] for n in a["NetworkInterfaces"]], [h.ENI_A], "ENIs")
        expect_eq(a["NetworkInterfaces"][0]["Attachment"]["DeviceIndex"], 0, "device index")
        expect_eq(a["SourceDestCheck"], False, "SourceDestCheck")
        filtered = ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": ["db-b"]}])["Reservations"]
        expect_eq([i["InstanceId"] for r in filtered for i in r["Instances"]], [h.INSTANCE_B], "tag filter")
        self.fails(ec2.describe_instances, "InvalidInstanceID.NotFound", 400, InstanceIds=["i-0000000000000dead"])

    def describe_network_interfaces(self):
        ec2 = self.client()
        enis = ec2.describe_network_interfaces(
            Filters=[{"Name": "attachment.instance-id", "Values": [h.INSTANCE_B]}])["NetworkInterfaces"]
        expect_eq([e["NetworkInterfaceId"] for e in enis], [h.ENI_B], "by attachment.instance-id")
        eni = enis[0]
        expect_eq((eni["MacAddress"], eni["PrivateIpAddress"], eni["SubnetId"], eni["VpcId"]),
                  ("0e:a1:00:00:00:0b", "10.109.10.74", h.SUBNET_B, h.VPC), "fields")
        expect_eq([(p["PrivateIpAddress"], p["Primary"]) for p in eni["PrivateIpAddresses"]],
                  [("10.109.10.74", True)], "private IPs")
        expect_eq((eni["Attachment"]["InstanceId"], eni["Status"], eni["SourceDestCheck"]),
                  (h.INSTANCE_B, "in-use", False), "attachment")
        both = ec2.describe_network_interfaces(NetworkInterfaceIds=[h.ENI_A, h.ENI_B])["NetworkInterfaces"]
        expect_eq(sorted(e["NetworkInterfaceId"] for e in both), [h.ENI_A, h.ENI_B], "by id")
        self.fails(ec2.describe_network_interfaces, "InvalidNetworkInterfaceID.NotFound", 400,
                   NetworkInterfaceIds=["eni-0000000000000dead"])

    def describe_subnets_vpcs_addresses(self):
        ec2 = self.client()
        subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [h.VPC]},
                                                {"Name": "tag:Name", "Values": ["vip", "client"]}])["Subnets"]
        expect_eq(sorted((s["SubnetId"], s["CidrBlock"], s["AvailabilityZone"]) for s in subnets),
                  [(h.SUBNET_CLIENT, "10.109.10.128/26", "us-east-1a"), (h.SUBNET_VIP, "10.109.10.224/27", "us-east-1c")],
                  "subnets")
        vpcs = ec2.describe_vpcs(VpcIds=[h.VPC])["Vpcs"]
        expect_eq([(v["VpcId"], v["CidrBlock"], v["State"]) for v in vpcs], [(h.VPC, "10.109.10.0/24", "available")],
                  "vpcs")
        expect_eq([a["CidrBlock"] for a in vpcs[0]["CidrBlockAssociationSet"]], ["10.109.10.0/24"], "vpc CIDRs")
        expect_eq(ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["nope"]}])["Vpcs"], [], "no vpc")
        addresses = ec2.describe_addresses(AllocationIds=[h.EIP_ALLOC])["Addresses"]
        expect_eq([(a["AllocationId"], a["PublicIp"], a["Domain"]) for a in addresses],
                  [(h.EIP_ALLOC, h.EIP_IP, "vpc")], "addresses")
        expect("AssociationId" not in addresses[0], f"unassociated address has an AssociationId: {addresses[0]}")
        by_ip = ec2.describe_addresses(Filters=[{"Name": "public-ip", "Values": [h.EIP_IP]}])["Addresses"]
        expect_eq([a["AllocationId"] for a in by_ip], [h.EIP_ALLOC], "public-ip filter")

    # ---- pagination (the paging scenario: 12 route tables) ------------------------------------------------

    def paginator(self):
        ec2 = self.client(sim=self.paging)
        seq = self.paging.last_seq()
        pages = list(ec2.get_paginator("describe_route_tables").paginate(PaginationConfig={"PageSize": 5}))
        expect_eq([len(p["RouteTables"]) for p in pages], [5, 5, 2], "page sizes")
        ids = [t["RouteTableId"] for p in pages for t in p["RouteTables"]]
        expect_eq(sorted(ids), [f"rtb-0b1b2c3d4e5f6bb{i:02d}" for i in range(12)], "every table once")
        calls = [dict(c["params"]) for c in self.paging.calls(seq) if c.get("action") == "DescribeRouteTables"]
        expect_eq([c.get("MaxResults") for c in calls], ["5", "5", "5"], "MaxResults on the wire")
        expect_eq(["NextToken" in c for c in calls], [False, True, True], "NextToken on the wire")
        # With a filter: pages hold only matching tables.
        odd = ec2.get_paginator("describe_route_tables").paginate(
            Filters=[{"Name": "tag:Side", "Values": ["odd"]}], PaginationConfig={"PageSize": 5})
        expect_eq(sorted(t["RouteTableId"] for p in odd for t in p["RouteTables"]),
                  [f"rtb-0b1b2c3d4e5f6bb{i:02d}" for i in range(1, 12, 2)], "filtered pages")

    def pagination_by_hand(self):
        ec2 = self.client(sim=self.paging)
        seen, token, pages = [], None, 0
        while pages < 10:  # bounded: 12 tables in pages of 5
            kwargs = {"MaxResults": 5} if token is None else {"MaxResults": 5, "NextToken": token}
            page = ec2.describe_route_tables(**kwargs)
            pages += 1
            seen += [t["RouteTableId"] for t in page["RouteTables"]]
            token = page.get("NextToken")
            if token is None:
                break
            expect(token, "an empty NextToken")
        expect_eq((pages, len(seen), len(set(seen))), (3, 12, 12), "pages, tables, distinct")
        last = ec2.describe_route_tables(MaxResults=100)
        expect("NextToken" not in last, f"NextToken on the only page: {last.get('NextToken')!r}")
        # botocore itself refuses MaxResults below the model's minimum of 5; without its check the sim does.
        unchecked = self.client(sim=self.paging, config=NO_RETRIES.merge(Config(parameter_validation=False)))
        self.fails(unchecked.describe_route_tables, "InvalidParameterValue", 400, MaxResults=4)
        self.fails(ec2.describe_route_tables, "InvalidParameterValue", 400, MaxResults=5, NextToken="not-a-token")

    # ---- route writes ----------------------------------------------------------------------------------------

    def create_replace_delete_route(self):
        self.sim.reset()
        ec2 = self.client()
        before = {rtb: self.sim.routes(rtb) for rtb in h.ALL_RTBS}
        out = ec2.create_route(RouteTableId=h.RTB_A, DestinationCidrBlock=h.OVERLAY_VIP, NetworkInterfaceId=h.ENI_A)
        expect_eq(out.get("Return"), True, "CreateRoute Return")
        routes = ec2.describe_route_tables(RouteTableIds=[h.RTB_A])["RouteTables"][0]["Routes"]
        vip = [r for r in routes if r.get("DestinationCidrBlock") == h.OVERLAY_VIP]
        expect_eq([(r.get("NetworkInterfaceId"), r.get("InstanceId"), r["Origin"], r["State"]) for r in vip],
                  [(h.ENI_A, h.INSTANCE_A, "CreateRoute", "active")], "the new route")
        expect_eq(self.sim.routes(h.RTB_A)[h.OVERLAY_VIP]["network_interface_id"], h.ENI_A, "state after create")
        for rtb in (h.RTB_MAIN, h.RTB_B):
            expect_eq(self.sim.routes(rtb), before[rtb], f"{rtb} untouched")
        params = dict(self.last_call("CreateRoute")["params"])
        expect_eq(params.get("DestinationCidrBlock"), h.OVERLAY_VIP, "wire DestinationCidrBlock")

        self.fails(ec2.create_route, "RouteAlreadyExists", 400,
                   RouteTableId=h.RTB_A, DestinationCidrBlock=h.OVERLAY_VIP, NetworkInterfaceId=h.ENI_B)
        expect_eq(self.sim.routes(h.RTB_A)[h.OVERLAY_VIP]["network_interface_id"], h.ENI_A, "kept after refusal")

        ec2.replace_route(RouteTableId=h.RTB_A, DestinationCidrBlock=h.OVERLAY_VIP, NetworkInterfaceId=h.ENI_B)
        expect_eq(self.sim.routes(h.RTB_A)[h.OVERLAY_VIP]["network_interface_id"], h.ENI_B, "state after replace")

        ec2.delete_route(RouteTableId=h.RTB_A, DestinationCidrBlock=h.OVERLAY_VIP)
        expect(h.OVERLAY_VIP not in self.sim.routes(h.RTB_A), "route still there after delete")
        self.fails(ec2.delete_route, "InvalidRoute.NotFound", 400,
                   RouteTableId=h.RTB_A, DestinationCidrBlock=h.OVERLAY_VIP)

    def route_errors(self):
        self.sim.reset()
        ec2 = self.client()
        world = self.sim.world()
        e = self.fails(ec2.replace_route, "InvalidParameterValue", 400,
                       RouteTableId=h.RTB_A, DestinationCidrBlock="192.168.77.0/24", NetworkInterfaceId=h.ENI_A)
        expect("CreateRoute" in e.response["Error"]["Message"], f"message: {e.response['Error']['Message']}")
        self.fails(ec2.create_route, "InvalidRouteTableID.NotFound", 400, RouteTableId="rtb-0123456789abcdef0",
                   DestinationCidrBlock=h.OVERLAY_VIP, NetworkInterfaceId=h.ENI_A)
        self.fails(ec2.delete_route, "InvalidRouteTableID.NotFound", 400, RouteTableId="rtb-0123456789abcdef0",
                   DestinationCidrBlock=h.OVERLAY_VIP)
        # An in-VPC /32 is not a subnet's CIDR: refused.
        self.fails(ec2.create_route, "InvalidParameterValue", 400, RouteTableId=h.RTB_A,
                   DestinationCidrBlock="10.109.10.254/32", NetworkInterfaceId=h.ENI_A)
        # 169.254.168.0/22 and any subset: reserved.
        for cidr in ("169.254.168.0/22", "169.254.169.254/32"):
            self.fails(ec2.create_route, "InvalidParameterValue", 400, RouteTableId=h.RTB_A,
                       DestinationCidrBlock=cidr, NetworkInterfaceId=h.ENI_A)
        self.fails(ec2.create_route, "InvalidNetworkInterfaceID.NotFound", 400, RouteTableId=h.RTB_A,
                   DestinationCidrBlock=h.OVERLAY_VIP, NetworkInterfaceId="eni-0000000000000dead")
        expect_eq(self.sim.world(), world, "world after refused calls")

    def canonical_destination(self):
        self.sim.reset()
        ec2 = self.client()
        ec2.create_route(RouteTableId=h.RTB_MAIN, DestinationCidrBlock="10.109.10.254/27", NetworkInterfaceId=h.ENI_A)
        routes = ec2.describe_route_tables(RouteTableIds=[h.RTB_MAIN])["RouteTables"][0]["Routes"]
        expect_eq(sorted(r["DestinationCidrBlock"] for r in routes), ["10.109.10.0/24", h.VIP_SUBNET_CIDR],
                  "stored destinations")
        self.fails(ec2.create_route, "RouteAlreadyExists", 400, RouteTableId=h.RTB_MAIN,
                   DestinationCidrBlock="10.109.10.230/27", NetworkInterfaceId=h.ENI_B)

    def missing_parameter(self):
        # botocore validates required members itself; turn that off to send a request without RouteTableId.
        ec2 = self.client(config=NO_RETRIES.merge(Config(parameter_validation=False)))
        self.fails(ec2.create_route, "MissingParameter", 400, DestinationCidrBlock=h.OVERLAY_VIP,
                   NetworkInterfaceId=h.ENI_A)

    def raw_request(self, body, keys=h.ADMIN):
        """A POST signed by botocore's own SigV4 signer; returns (status, Code or None)."""
        request = AWSRequest(method="POST", url=self.sim.url + "/", data=body,
                             headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        SigV4Auth(Credentials(*keys), "ec2", h.REGION).add_auth(request)
        prepared = request.prepare()
        req = urllib.request.Request(prepared.url, data=body.encode(), method="POST", headers=dict(prepared.headers))
        try:
            with urllib.request.urlopen(req, timeout=h.HTTP_TIMEOUT_S) as response:
                return response.status, None
        except urllib.error.HTTPError as e:
            doc = ET.fromstring(e.read())
            return e.code, doc.findtext("./Errors/Error/Code")

    def invalid_action(self):
        expect_eq(self.raw_request("Action=LaunchTheMissiles&Version=2016-11-15"), (400, "InvalidAction"),
                  "unknown action")
        expect_eq(self.raw_request("Action=DescribeVpcs&Version=2016-11-15"), (200, None), "the same signer, a real action")

    # ---- DryRun and authorization ----------------------------------------------------------------------------

    def dry_run(self):
        self.sim.reset()
        world = self.sim.world()
        admin, readonly = self.client(), self.client(h.READONLY)
        route = dict(RouteTableId=h.RTB_A, DestinationCidrBlock=h.OVERLAY_VIP, NetworkInterfaceId=h.ENI_A, DryRun=True)
        self.fails(admin.create_route, "DryRunOperation", 412, **route)
        self.fails(readonly.create_route, "UnauthorizedOperation", 403, **route)
        self.fails(admin.delete_route, "DryRunOperation", 412, RouteTableId=h.RTB_A,
                   DestinationCidrBlock="10.109.10.0/24", DryRun=True)
        self.fails(admin.modify_network_interface_attribute, "DryRunOperation", 412, NetworkInterfaceId=h.ENI_A,
                   SourceDestCheck={"Value": True}, DryRun=True)
        self.fails(readonly.modify_instance_attribute, "UnauthorizedOperation", 403, InstanceId=h.INSTANCE_A,
                   SourceDestCheck={"Value": True}, DryRun=True)
        self.fails(admin.associate_address, "DryRunOperation", 412, AllocationId=h.EIP_ALLOC,
                   NetworkInterfaceId=h.ENI_A, DryRun=True)
        self.fails(readonly.describe_route_tables, "DryRunOperation", 412, DryRun=True)
        # Syntax errors come before the DryRun answer (aws-protocol.md 2.3).
        self.fails(admin.create_route, "InvalidRouteTableId.Malformed", 400, **{**route, "RouteTableId": "rtb-nope"})
        unchecked = self.client(config=NO_RETRIES.merge(Config(parameter_validation=False)))
        self.fails(unchecked.create_route, "MissingParameter", 400,
                   **{k: v for k, v in route.items() if k != "RouteTableId"})
        expect_eq(self.sim.world(), world, "world after dry runs")
        logged = [c["error_code"] for c in self.sim.calls() if c.get("kind") == "ec2"]
        expect_eq(logged.count("DryRunOperation"), 5, "DryRunOperation in the call log")

    def least_privilege(self):
        self.sim.reset()
        world = self.sim.world()
        readonly, routes = self.client(h.READONLY), self.client(h.ROUTES)
        self.fails(readonly.create_route, "UnauthorizedOperation", 403, RouteTableId=h.RTB_A,
                   DestinationCidrBlock=h.OVERLAY_VIP, NetworkInterfaceId=h.ENI_A)
        self.fails(routes.create_route, "UnauthorizedOperation", 403, RouteTableId=h.RTB_MAIN,
                   DestinationCidrBlock=h.OVERLAY_VIP, NetworkInterfaceId=h.ENI_A)
        self.fails(routes.modify_network_interface_attribute, "UnauthorizedOperation", 403,
                   NetworkInterfaceId=h.ENI_A, SourceDestCheck={"Value": True})
        expect_eq(self.sim.world(), world, "world after refused calls")
        routes.create_route(RouteTableId=h.RTB_B, DestinationCidrBlock=h.OVERLAY_VIP, NetworkInterfaceId=h.ENI_B)
        expect(h.OVERLAY_VIP in self.sim.routes(h.RTB_B), "the allowed table did not change")

    def bad_signatures(self):
        world = self.sim.world()
        wrong = self.client((h.ADMIN[0], "not-the-secret"))
        self.fails(wrong.describe_vpcs, "SignatureDoesNotMatch", 403)
        self.fails(wrong.create_route, "SignatureDoesNotMatch", 403, RouteTableId=h.RTB_A,
                   DestinationCidrBlock=h.OVERLAY_VIP, NetworkInterfaceId=h.ENI_A)
        unknown = self.client(("AKIAUNKNOWNKEY000001", "whatever"))
        self.fails(unknown.describe_vpcs, "AuthFailure", 401)
        expect_eq(self.sim.world(), world, "world after refused signatures")

    # ---- interfaces and addresses ------------------------------------------------------------------------------

    def source_dest_check(self):
        self.sim.reset()
        ec2 = self.client()
        ec2.modify_network_interface_attribute(NetworkInterfaceId=h.ENI_A, SourceDestCheck={"Value": True})
        expect_eq(self.sim.eni(h.ENI_A)["source_dest_check"], True, "ENI a after ModifyNetworkInterfaceAttribute")
        expect_eq(self.sim.eni(h.ENI_B)["source_dest_check"], False, "ENI b untouched")
        expect_eq(dict(self.last_call("ModifyNetworkInterfaceAttribute")["params"]).get("SourceDestCheck.Value"),
                  "true", "wire SourceDestCheck.Value")
        eni = ec2.describe_network_interfaces(NetworkInterfaceIds=[h.ENI_A])["NetworkInterfaces"][0]
        expect_eq(eni["SourceDestCheck"], True, "described")
        ec2.modify_instance_attribute(InstanceId=h.INSTANCE_B, SourceDestCheck={"Value": True})
        expect_eq(self.sim.eni(h.ENI_B)["source_dest_check"], True, "ENI b after ModifyInstanceAttribute")
        ec2.modify_instance_attribute(InstanceId=h.INSTANCE_B, SourceDestCheck={"Value": False})
        instance = ec2.describe_instances(InstanceIds=[h.INSTANCE_B])["Reservations"][0]["Instances"][0]
        expect_eq(instance["SourceDestCheck"], False, "instance described")
        self.fails(ec2.modify_network_interface_attribute, "InvalidNetworkInterfaceID.NotFound", 400,
                   NetworkInterfaceId="eni-0000000000000dead", SourceDestCheck={"Value": False})

    def elastic_ip(self):
        self.sim.reset()
        ec2 = self.client()
        association = ec2.associate_address(AllocationId=h.EIP_ALLOC, NetworkInterfaceId=h.ENI_A)["AssociationId"]
        expect(association.startswith("eipassoc-"), f"AssociationId {association!r}")
        address = ec2.describe_addresses(AllocationIds=[h.EIP_ALLOC])["Addresses"][0]
        expect_eq((address["AssociationId"], address["NetworkInterfaceId"], address["PrivateIpAddress"],
                   address.get("InstanceId")), (association, h.ENI_A, "10.109.10.10", h.INSTANCE_A), "associated")
        self.fails(ec2.associate_address, "Resource.AlreadyAssociated", 400, AllocationId=h.EIP_ALLOC,
                   NetworkInterfaceId=h.ENI_B, AllowReassociation=False)
        expect_eq(self.sim.address(h.EIP_ALLOC)["network_interface_id"], h.ENI_A, "kept after refusal")
        moved = ec2.associate_address(AllocationId=h.EIP_ALLOC, InstanceId=h.INSTANCE_B,
                                      AllowReassociation=True)["AssociationId"]
        expect_eq(self.sim.address(h.EIP_ALLOC)["network_interface_id"], h.ENI_B, "moved")
        eni = ec2.describe_network_interfaces(NetworkInterfaceIds=[h.ENI_B])["NetworkInterfaces"][0]
        expect_eq(eni.get("Association", {}).get("PublicIp"), h.EIP_IP, "ENI b's association")
        ec2.disassociate_address(AssociationId=moved)
        expect_eq(self.sim.address(h.EIP_ALLOC)["association_id"], "", "disassociated")
        self.fails(ec2.disassociate_address, "InvalidAssociationID.NotFound", 400, AssociationId=moved)
        self.fails(ec2.associate_address, "InvalidAllocationID.NotFound", 400, AllocationId="eipalloc-0000000000000dead",
                   NetworkInterfaceId=h.ENI_A)

    def secondary_ips(self):
        self.sim.reset()
        ec2 = self.client()
        out = ec2.assign_private_ip_addresses(NetworkInterfaceId=h.ENI_A, PrivateIpAddresses=["10.109.10.20"],
                                             AllowReassignment=True)
        expect_eq([a["PrivateIpAddress"] for a in out.get("AssignedPrivateIpAddresses", [])], ["10.109.10.20"],
                  "AssignedPrivateIpAddresses")
        expect_eq(self.sim.eni(h.ENI_A)["private_ips"], ["10.109.10.10", "10.109.10.20"], "ENI a's IPs")
        eni = ec2.describe_network_interfaces(NetworkInterfaceIds=[h.ENI_A])["NetworkInterfaces"][0]
        expect_eq([(p["PrivateIpAddress"], p["Primary"]) for p in eni["PrivateIpAddresses"]],
                  [("10.109.10.10", True), ("10.109.10.20", False)], "described")
        # Another subnet's address: refused (the two-az ENIs are in different subnets, so no reassignment).
        self.fails(ec2.assign_private_ip_addresses, "InvalidParameterValue", 400, NetworkInterfaceId=h.ENI_B,
                   PrivateIpAddresses=["10.109.10.20"])
        ec2.unassign_private_ip_addresses(NetworkInterfaceId=h.ENI_A, PrivateIpAddresses=["10.109.10.20"])
        expect_eq(self.sim.eni(h.ENI_A)["private_ips"], ["10.109.10.10"], "after unassign")
        self.fails(ec2.unassign_private_ip_addresses, "InvalidParameterValue", 400, NetworkInterfaceId=h.ENI_A,
                   PrivateIpAddresses=["10.109.10.20"])

    # ---- the resource API of the seed article ----------------------------------------------------------------

    def resource_api(self):
        self.sim.reset()
        resource = self.session.resource("ec2", endpoint_url=self.sim.url, config=NO_RETRIES,
                                         aws_access_key_id=h.ADMIN[0], aws_secret_access_key=h.ADMIN[1])
        client = self.client()
        instance = resource.Instance(h.INSTANCE_A)
        expect_eq([n.id for n in instance.network_interfaces], [h.ENI_A], "instance.network_interfaces")
        vpc = resource.Vpc(instance.vpc.id)
        expect_eq((vpc.id, vpc.cidr_block), (h.VPC, "10.109.10.0/24"), "ec2.Vpc")
        expect_eq(sorted(t.id for t in instance.vpc.route_tables.all()), h.ALL_RTBS, "instance.vpc.route_tables")
        # The seed article's failover loop, verbatim in substance: delete (tolerating InvalidRoute.NotFound),
        # then create to this instance's first ENI, in every route table of the VPC.
        vip = "10.109.10.254/27"
        for route_table in vpc.route_tables.all():
            try:
                client.delete_route(DestinationCidrBlock=vip, RouteTableId=str(route_table.id))
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "InvalidRoute.NotFound":
                    raise
            client.create_route(DestinationCidrBlock=vip, NetworkInterfaceId=instance.network_interfaces[0].id,
                                RouteTableId=str(route_table.id))
        for rtb in h.ALL_RTBS:
            expect_eq(self.sim.routes(rtb).get(h.VIP_SUBNET_CIDR, {}).get("network_interface_id"), h.ENI_A,
                      f"VIP route in {rtb}")
        table = resource.RouteTable(h.RTB_B)
        expect_eq(sorted(r.destination_cidr_block for r in table.routes), ["10.109.10.0/24", h.VIP_SUBNET_CIDR],
                  "RouteTable.routes")

    # ---- IMDS ------------------------------------------------------------------------------------------------

    def imds_role_credentials(self):
        """No static keys: botocore's own IMDSv2 fetcher gets the role credentials from the instance's IMDS."""
        self.sim.reset()
        saved = dict(os.environ)
        try:
            for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_EC2_METADATA_DISABLED"):
                os.environ.pop(key, None)
            os.environ["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = self.sim.imds[h.INSTANCE_A] + "/"
            os.environ["AWS_EC2_METADATA_V1_DISABLED"] = "true"
            session = boto3.session.Session(region_name=h.REGION)
            creds = session.get_credentials()
            expect(creds is not None, "no credentials from IMDS")
            expect_eq(creds.method, "iam-role", "credential provider")
            frozen = creds.get_frozen_credentials()
            expect(frozen.access_key.startswith("ASIA") and frozen.token, f"role key {frozen.access_key!r}")
            ec2 = session.client("ec2", endpoint_url=self.sim.url, config=NO_RETRIES)
            tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [h.VPC]}])["RouteTables"]
            expect_eq(sorted(t["RouteTableId"] for t in tables), h.ALL_RTBS, "described with role credentials")
            ec2.create_route(RouteTableId=h.RTB_A, DestinationCidrBlock=h.OVERLAY_VIP, NetworkInterfaceId=h.ENI_A)
            calls = self.sim.calls()
            imds = [(c["method"], c["path"], c["status"]) for c in calls if c.get("kind") == "imds"]
            expect(("PUT", "/latest/api/token", 200) in imds, f"no token PUT in {imds}")
            expect(any(p.startswith("/latest/meta-data/iam/security-credentials/cloudvip-role") and s == 200
                       for _, p, s in imds), f"no role credentials GET in {imds}")
            ec2_calls = [(c["action"], c["access_key_id"]) for c in calls if c.get("kind") == "ec2"]
            expect_eq(ec2_calls, [("DescribeRouteTables", frozen.access_key), ("CreateRoute", frozen.access_key)],
                      "EC2 calls signed with the role key")
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def call_log_has_no_secrets(self):
        text = str(self.sim.calls()) + str(self.paging.calls())
        for secret in h.SECRETS:
            expect(secret not in text, "a scenario secret is in the call log")


def bad_scenario_exits_2(binary, work):
    """A scenario with an error: exit status 2 and a message naming the file, the line and the key."""
    bad = os.path.join(work, "bad.toml")
    with open(bad, "w") as f:
        f.write('account_id = "123"\nregion = "us-east-1"\n')
    done = subprocess.run([binary, "--scenario", bad], capture_output=True, text=True, timeout=h.START_TIMEOUT_S,
                          stdin=subprocess.DEVNULL)
    expect_eq(done.returncode, 2, "exit status")
    expect("bad.toml:1: account_id" in done.stderr, f"message: {done.stderr.strip()}")


def main():
    if h.clients_missing():
        h.missing_clients_exit(h.clients_missing(), "boto3")
    binary = sys.argv[1] if len(sys.argv) > 1 else h.DEFAULT_SIM
    results = h.Results("boto3")
    work = tempfile.mkdtemp(prefix="cloudvip-boto3-")
    sim = h.Sim(binary, h.TWO_AZ, imds=[h.INSTANCE_A, h.INSTANCE_B], workdir=os.path.join(work, "two-az"))
    paging = h.Sim(binary, h.PAGING, workdir=os.path.join(work, "paging"))
    os.makedirs(sim.workdir)
    os.makedirs(paging.workdir)
    results.check("cloudvip-sim exits 2 on a bad scenario", bad_scenario_exits_2, binary, work)
    try:
        results.check("cloudvip-sim starts (two-az, paging)", lambda: (sim.start(), paging.start()))
        if results.failed:
            return results.finish()
        print(f"boto3 {boto3.__version__} / botocore {botocore.__version__}; sim {sim.url}", flush=True)
        s = Suite(sim, paging)
        for name in ["describe_route_tables", "filters", "describe_instances", "describe_network_interfaces",
                     "describe_subnets_vpcs_addresses", "paginator", "pagination_by_hand",
                     "create_replace_delete_route", "route_errors", "canonical_destination", "missing_parameter",
                     "invalid_action", "dry_run", "least_privilege", "bad_signatures", "source_dest_check",
                     "elastic_ip", "secondary_ips", "resource_api", "imds_role_credentials",
                     "call_log_has_no_secrets"]:
            results.check(name, getattr(s, name))
    finally:
        codes = (sim.stop(), paging.stop())
    results.check("cloudvip-sim exits 0 on SIGTERM", lambda: expect_eq(codes, (0, 0), "exit codes"))
    return results.finish()


if __name__ == "__main__":
    sys.exit(main())
