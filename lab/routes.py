#!/usr/bin/env python3
"""routes.py SIM_URL: prints the emulated VPC's route tables as cloudvip-sim holds them (GET /_sim/state):
each table's routes other than the local ones, with target and state, and the ENIs' source/dest check."""
import json
import sys
import urllib.request


def main():
    with urllib.request.urlopen(sys.argv[1] + "/_sim/state", timeout=5) as answer:
        state = json.load(answer)
    for table in state["route_tables"]:
        name = table.get("tags", {}).get("Name", "")
        routes = [r for r in table["routes"] if r["gateway_id"] != "local"]
        shown = ", ".join(
            f"{r['destination']} -> {r['network_interface_id'] or r['gateway_id'] or r['nat_gateway_id']} ({r['state']})"
            for r in routes) or "local routes only"
        print(f"  {table['id']} {name:10} {shown}")
    checks = ", ".join(f"{e['id']} {'on' if e['source_dest_check'] else 'off'}" for e in state["network_interfaces"])
    print(f"  source/dest check: {checks}")


if __name__ == "__main__":
    main()
