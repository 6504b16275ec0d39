#!/usr/bin/env python3
"""Self-check of the failover benchmark's harness (ctest: bench_selfcheck). Runs bench/failover_bench.py at
its smallest (1 route table, 1 repetition, 0 ms latency, no warm-up; cloudvip and the aws CLI) into a
temporary directory and asserts that it produced a well-formed table (and a daemon cell row): every row has every
column, both tools' rows were measured (a cloudvip row that says "not measured" fails), the measured cells hold
numbers, the JSON matches. It asserts no timing: speed goals live in `make bench`.
Exit 0 pass, 1 fail, 77 skipped (no aws CLI)."""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)

from cvbench.report import COLUMNS, TOOL_TITLES  # noqa: E402

NUMBER_SPREAD = re.compile(r"^\d+(\.\d+)?( \(\d+(\.\d+)?-\d+(\.\d+)?\))?$")


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def table_rows(text):
    lines = [line for line in text.splitlines() if line.startswith("|")]
    if len(lines) < 3:
        fail(f"no table with a header, a rule and rows in:\n{text}")
    split = [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines]
    if split[0] != COLUMNS:
        fail(f"header {split[0]} is not {COLUMNS}")
    for row in split[2:]:
        if len(row) != len(COLUMNS):
            fail(f"row {row} has {len(row)} cells, the header {len(COLUMNS)}")
    return [dict(zip(COLUMNS, row)) for row in split[2:]]


def check_measured(row):
    for col in ("ack ms median (min-max)", "verified ms median (min-max)", "last write answered ms (call log)"):
        if not NUMBER_SPREAD.match(row[col]):
            fail(f"{row['tool']}: {col} = {row[col]!r} is not a number")
    if not re.match(r"^\d+(\.\d+)?x$", row["ack / limit"]):
        fail(f"{row['tool']}: ack / limit = {row['ack / limit']!r}")
    if int(row["EC2 calls"]) < 1 or float(row["peak RSS MiB"]) <= 0:
        fail(f"{row['tool']}: EC2 calls {row['EC2 calls']}, peak RSS {row['peak RSS MiB']}")


def check_daemon(section):
    """The daemon cell: one row for 1 route table with a measured time, a ratio, 1 write, and the idle line."""
    rows = [line for line in section.splitlines() if line.startswith("| 1 |")]
    if not rows:
        fail(f"no daemon cell row for 1 route table in:\n{section}")
    cells = [c.strip() for c in rows[0].strip().strip("|").split("|")]
    if len(cells) != 6 or not re.match(r"^\d+(\.\d+)? ms \(", cells[2]) or cells[4] != "1":
        fail(f"daemon cell row is not measured: {cells}")
    if not re.search(r"Idle daemon .*: \d+(\.\d+)? EC2 calls per minute", section):
        fail(f"no idle daemon line in:\n{section}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sim", required=True)
    p.add_argument("--cloudvip", required=True)
    args = p.parse_args()
    if not os.access("/usr/bin/aws", os.X_OK):
        print("SKIP: needs /usr/bin/aws (awscli)")
        return 77
    with tempfile.TemporaryDirectory(prefix="cvbench-selfcheck-") as tmp:
        out = os.path.join(tmp, "latest.md")
        argv = [
            sys.executable, os.path.join(HERE, "failover_bench.py"), "--sim", args.sim, "--cloudvip", args.cloudvip,
            "--tables", "1", "--latencies", "0", "--reps", "1", "--tools", "cloudvip,aws-cli", "--no-warmup",
            "--budget", "70", "--out", out,
            "--daemon-tables", "1", "--daemon-reps", "1", "--daemon-idle", "5", "--daemon-budget", "40",
        ]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=150)
        if done.returncode != 0:
            fail(f"failover_bench.py exit {done.returncode}:\n{done.stderr[-3000:]}\n{done.stdout[-3000:]}")
        with open(out, encoding="utf-8") as f:
            text = f.read()
        if text != done.stdout:
            fail("the table printed differs from the file written")
        if not re.search(r"^- sim latency 0 ms: \d+\.\d+ \(", text, re.M):
            fail("no measured physical limit for latency 0")
        for key in ("date", "machine", "command", "aws CLI", "cloudvip"):
            if not re.search(rf"^- {re.escape(key)}: \S", text, re.M):
                fail(f"no '{key}' line")
        text, _, daemon = text.partition("\n## cloudvip run (the daemon)")
        check_daemon(daemon)
        rows = table_rows(text)
        by_tool = {r["tool"]: r for r in rows}
        aws = by_tool.get(TOOL_TITLES["aws-cli"])
        if not aws or aws["runs"] != "1" or aws["RTs"] != "1" or aws["latency ms"] != "0":
            fail(f"no aws CLI row with 1 run, 1 route table, 0 ms: {aws}")
        check_measured(aws)
        # Structural, not timing: the verifying describe runs after the last replace-route has exited.
        if float(aws["verified ms median (min-max)"]) < float(aws["ack ms median (min-max)"]):
            fail("aws CLI: verified before acknowledged")
        if aws["EC2 calls"] != "2":
            fail(f"aws CLI made {aws['EC2 calls']} EC2 calls for 1 table (expected replace + describe)")
        cv = by_tool.get(TOOL_TITLES["cloudvip"])
        if not cv:
            fail("no cloudvip row")
        # cloudvip is what the bench is for: a row that was not measured (what the bench writes when the
        # binary is missing or lacks a flag) is a failure, whatever its cell says.
        if cv["runs"] != "1" or cv["RTs"] != "1" or cv["latency ms"] != "0":
            fail(f"no cloudvip row with 1 run, 1 route table, 0 ms (not measured?): {cv}")
        check_measured(cv)
        with open(os.path.splitext(out)[0] + ".json", encoding="utf-8") as f:
            raw = json.load(f)
        if len(raw["cells"]) != len(rows):
            fail(f"JSON has {len(raw['cells'])} cells, the table {len(rows)} rows")
    print(f"bench self-check: {len(rows)} rows well-formed ({', '.join(r['tool'] + ': ' + r['runs'] + ' run' for r in rows)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
