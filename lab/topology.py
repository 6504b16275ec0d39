#!/usr/bin/env python3
"""Reads cloudvip-sim's state (GET URL/_sim/state) and prints the lab's layout, one item per line, for lab/up:

  member LETTER INSTANCE ENI MAC IP PREFIX ROUTER_IP SUBNET   one per instance, in order: a, b, c, ...
  client IP PREFIX ROUTER_IP SUBNET                           the subnet tagged Name=client (none: no line)
  vip VIP SUBNET_CIDR SUBNET                                  the subnet tagged Name=vip: its last usable address
  route_tables RTB ...                                        every route table

The router's address in a subnet is the subnet's first usable address (as in a VPC); the client takes the
network address + 10 (past the addresses AWS reserves). Exits 1 with a message when the state cannot be read.
"""
import ipaddress
import json
import sys
import urllib.request


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: topology.py SIM_URL")
    try:
        with urllib.request.urlopen(sys.argv[1] + "/_sim/state", timeout=5) as answer:
            state = json.load(answer)
    except Exception as error:  # noqa: BLE001 - any failure means the same thing to lab/up
        sys.exit(f"topology.py: cannot read {sys.argv[1]}/_sim/state: {error}")

    subnets = {s["id"]: s for s in state["subnets"]}
    enis = {e["id"]: e for e in state["network_interfaces"]}

    def network(subnet_id):
        return ipaddress.ip_network(subnets[subnet_id]["cidr"])

    for i, instance in enumerate(state["instances"]):
        eth0 = [e for e in enis.values() if e["instance_id"] == instance["id"] and e["device_index"] == 0]
        if not eth0:
            continue
        eni = eth0[0]
        net = network(eni["subnet_id"])
        print("member", chr(ord("a") + i), instance["id"], eni["id"], eni["mac"], eni["private_ips"][0],
              net.prefixlen, net.network_address + 1, eni["subnet_id"])
    for subnet in state["subnets"]:
        name = subnet.get("tags", {}).get("Name", "")
        net = ipaddress.ip_network(subnet["cidr"])
        if name == "client":
            print("client", net.network_address + 10, net.prefixlen, net.network_address + 1, subnet["id"])
        elif name == "vip":
            print("vip", net.broadcast_address - 1, net, subnet["id"])
    print("route_tables", *[t["id"] for t in state["route_tables"]])


if __name__ == "__main__":
    main()
