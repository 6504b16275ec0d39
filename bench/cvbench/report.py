"""Turns the runs into the results table (Markdown, printed and written to a file) and raw JSON."""

import statistics

TOOL_TITLES = {
    "cloudvip": "cloudvip acquire",
    "cloudvip-cold": "cloudvip acquire, cold cache",
    "aws-cli": "aws CLI, one replace-route per table",
    "agent": "aws-vpc-move-ip start",
    "agent-cloudvip": "ocf:cloudvip:aws-vpc-move-ip start",
}

COLUMNS = [
    "tool", "RTs", "latency ms", "runs", "ack ms median (min-max)", "ack / limit",
    "verified ms median (min-max)", "verified / limit", "last write answered ms (call log)",
    "EC2 calls", "IMDS calls", "peak RSS MiB", "CPU ms",
    "verify ms (verified - ack)", "reads before 1st write", "1st write arrives ms (call log)",
    "write spread ms (call log)",
]


def _spread(values, digits=1):
    if not values:
        return "-"
    fmt = f"{{:.{digits}f}}"
    med = fmt.format(statistics.median(values))
    if len(values) == 1:
        return med
    return f"{med} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def _ratio(values, limit_ms):
    if not values or not limit_ms:
        return "n/a"
    return f"{statistics.median(values) / limit_ms:.2f}x"


def _median_int(values):
    values = [v for v in values if v is not None]
    return str(int(statistics.median(values))) if values else "-"


def cell_row(cell, limits):
    """One table row for a cell: {tool, tables, latency, runs: [RunResult], skipped: str, errors: [str]}."""
    ok = [r for r in cell["runs"] if r.ok]
    head = [TOOL_TITLES.get(cell["tool"], cell["tool"]), str(cell["tables"]), str(cell["latency"])]
    if not ok:
        reason = cell.get("skipped") or "; ".join(cell.get("errors", [])[:1]) or "no run"
        reason = reason.replace("|", "/").replace("\n", " ")[:300]
        if not reason.startswith("not measured"):
            reason = f"not measured: {reason}"
        return head + ["0", reason] + [""] * (len(COLUMNS) - 5)
    limit = limits.get(cell["latency"])
    ack = [r.ack_ms for r in ok]
    ver = [r.verified_ms for r in ok]
    log_ack = [r.log_ack_ms for r in ok if r.log_ack_ms is not None]
    planned = cell.get("reps", len(ok))
    runs = str(len(ok)) if len(ok) >= planned else f"{len(ok)} of {planned}"
    failed = len(cell["runs"]) - len(ok)
    if failed:
        runs += f" ({failed} failed)"
    return head + [
        runs,
        _spread(ack),
        _ratio(ack, limit),
        _spread(ver),
        _ratio(ver, limit),
        _spread(log_ack),
        str(int(statistics.median([r.ec2_calls for r in ok]))),
        str(int(statistics.median([r.imds_calls for r in ok]))),
        f"{max(r.max_rss_kib for r in ok) / 1024:.1f}" + ("" if all(r.rss_from == "launcher" for r in ok) else " (incl. python)"),
        f"{statistics.median([r.cpu_ms for r in ok]):.0f}",
        f"{statistics.median(ver) - statistics.median(ack):.1f}",
        _median_int([r.reads_before_write for r in ok]),
        _spread([r.first_write_ms for r in ok if r.first_write_ms is not None]),
        _spread([r.write_spread_ms for r in ok if r.write_spread_ms is not None], 2),
    ]


def markdown(cells, limits, limit_spreads, meta):
    lines = ["# Failover actuation benchmark: latest run", ""]
    lines.append("Written by `bench/failover_bench.py`; every number below was measured by that run. "
                 "How to read it: bench/README.md.")
    lines.append("")
    for key, value in meta.items():
        lines.append(f"- {key}: {value}")
    lines.append("")
    lines.append("Physical limit per latency (one bare signed DescribeRouteTables on a new loopback "
                 "connection, median (min-max) of 20):")
    lines.append("")
    for latency in sorted(limits):
        lines.append(f"- sim latency {latency} ms: {limit_spreads[latency]} ms")
    lines.append("")
    lines.append("| " + " | ".join(COLUMNS) + " |")
    lines.append("|" + "|".join("---" for _ in COLUMNS) + "|")
    for cell in cells:
        lines.append("| " + " | ".join(cell_row(cell, limits)) + " |")
    notes = []
    for cell in cells:
        if cell.get("skipped") and any(r.ok for r in cell["runs"]):
            notes.append(f"- {cell['tool']} N={cell['tables']} latency={cell['latency']}: fewer runs: {cell['skipped']}")
    if notes:
        lines += ["", "Cells with fewer runs than planned:", ""] + notes
    notes = []
    for cell in cells:
        for err in cell.get("errors", []):
            notes.append(f"- {cell['tool']} N={cell['tables']} latency={cell['latency']}: {err}")
    if notes:
        lines += ["", "Failed runs (not in the medians):", ""] + [n.replace("\n", " ")[:500] for n in notes]
    return "\n".join(lines) + "\n"


def raw(cells, limits, meta):
    return {
        "meta": meta,
        "limits_ms": {str(k): v for k, v in limits.items()},
        "cells": [
            {
                "tool": c["tool"], "tables": c["tables"], "latency_ms": c["latency"],
                "planned_runs": c.get("reps"), "skipped": c.get("skipped", ""), "errors": c.get("errors", []),
                "runs": [r.__dict__ for r in c["runs"]],
            }
            for c in cells
        ],
    }
