#!/usr/bin/python3
"""pg_timeline.py T0_MS EVENTS WATCH WRITES CALLS_JSON MEMBER=IP=ENI...: the Patroni demo's timeline.

EVENTS: "EPOCH_MS TEXT" lines written by the demo; a line "trigger: WHAT ... -> NEW" starts a failover to
member NEW. WATCH: pgwatch.py's lines. WRITES: pgwriter.py's lines. CALLS_JSON: cloudvip-sim's call log
(GET /_sim/calls). For every trigger it prints, in ms after the trigger:
  - Patroni's promotion seen (NEW first answers 200 on GET /primary),
  - every route table acknowledged (the sim answered a ReplaceRoute/CreateRoute to NEW's ENI: time + latency),
  - the first acknowledged write that NEW served through the VIP, and what the client saw in between.
With --json it prints the same figures as one JSON object (for tests)."""
import json
import sys


def lines(path):
    with open(path) as f:
        for line in f:
            parts = line.split()
            if parts and parts[0].isdigit():
                yield int(parts[0]), parts[1:]


def main():
    as_json = "--json" in sys.argv
    argv = [a for a in sys.argv[1:] if a != "--json"]
    t0 = int(argv[0])
    events = [(t, " ".join(words)) for t, words in lines(argv[1])]
    watch = list(lines(argv[2]))
    writes = list(lines(argv[3]))
    with open(argv[4]) as f:
        calls = json.load(f)["calls"]
    members = {}
    for spec in argv[5:]:
        name, ip, eni = spec.split("=")
        members[name] = (ip, eni)
    writes_route = [c for c in calls if c.get("kind") == "ec2" and c.get("action") in ("ReplaceRoute", "CreateRoute")]

    triggers = [(t, text) for t, text in events if text.startswith("trigger:")]
    report = []
    for i, (when, text) in enumerate(triggers):
        until = triggers[i + 1][0] if i + 1 < len(triggers) else float("inf")
        new = text.split()[-1]
        _, eni = members[new]
        item = {"trigger": text[len("trigger: "):], "at_ms": when - t0, "new": new}
        promoted = [t for t, (name, code) in ((t, w[:2]) for t, w in watch) if when <= t < until and name == new
                    and code == "200"]
        item["promotion_seen_ms"] = promoted[0] - when if promoted else None
        tables = {}
        for c in writes_route:
            params = dict(c["params"])
            if c["status"] == 200 and params.get("NetworkInterfaceId") == eni and when <= c["time_ms"] < until:
                tables.setdefault(params["RouteTableId"], c["time_ms"] + c.get("latency_ms", 0) - when)
        item["route_tables_ms"] = tables
        first = [t for t, w in writes if when <= t < until and w[0] == "ok" and w[3] == new]
        item["first_write_on_new_ms"] = first[0] - when if first else None
        between = [w[0] for t, w in writes if when <= t < (first[0] if first else until)]
        item["client_before_first_write"] = {k: between.count(k) for k in sorted(set(between))}
        report.append(item)
    acknowledged = sum(1 for _, w in writes if w[0] == "ok")
    if as_json:
        print(json.dumps({"failovers": report, "acknowledged_writes": acknowledged}))
        return 0

    print("  time ms   what happened")
    rows = [(t, text) for t, text in events]
    for t, (name, code) in ((t, w[:2]) for t, w in watch):
        rows.append((t, f"patroni {name}: GET /primary -> {code}"))
    for c in writes_route:
        params = dict(c["params"])
        rows.append((c["time_ms"], f"sim: {c['action']} {params.get('RouteTableId')} -> "
                                   f"{params.get('NetworkInterfaceId')} ({c['status']} {c.get('error_code', '')})"))
    run = None
    for t, w in writes + [(None, None)]:
        key = None if w is None else (w[0], f"{w[3]} ({w[2]})" if w[0] in ("ok", "unconfirmed", "readonly") else "")
        if run and key != run[0]:
            label = f"{run[0][0]} {run[0][1]}".strip()
            rows.append((run[1], f"client: {run[3]:4d} x {label} ({run[1] - t0}..{run[2] - t0}){run[4]}"))
            run = None
        if key is None:
            break
        if run is None:
            detail = "" if w[0] != "error" else ": " + " ".join(w[2:])[:70]
            run = [key, t, t, 0, detail]
        run[2] = t
        run[3] += 1
    for t, text in sorted(rows, key=lambda r: r[0]):
        print(f"  {t - t0:7d}   {text}")
    print("== per failover (ms after the trigger) ==")
    for item in report:
        print(f"  {item['trigger']} (at {item['at_ms']} ms):")
        print(f"    Patroni's promotion seen (GET /primary 200 on {item['new']}): {item['promotion_seen_ms']}")
        for table, ms in sorted(item["route_tables_ms"].items()):
            print(f"    route table {table} acknowledged -> {item['new']}: {ms}")
        if not item["route_tables_ms"]:
            print("    no route table was written to point at", item["new"])
        print(f"    first acknowledged write on {item['new']} through the VIP: {item['first_write_on_new_ms']}")
        print(f"    the client meanwhile: {item['client_before_first_write']}")
    print(f"  acknowledged writes: {acknowledged}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
