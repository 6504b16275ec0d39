#!/usr/bin/env python3
"""What loading libcurl costs a fresh cloudvip process (bench/README.md, "Start-up").

cloudvip loads libcurl.so.4 only when a request needs it (https, or a proxy); against a plain-HTTP endpoint
(cloudvip-sim, which serves no TLS) it never does. This measures `cloudvip --version` (a process start and
nothing else) as it is, and with libcurl.so.4 preloaded (LD_PRELOAD: libcurl and its dependencies mapped,
relocated and initialised, as a build that links libcurl pays at every start, and as an https endpoint pays
at its first request, before any TLS handshake). Medians of --runs runs, each spawned from this process.
Writes a Markdown table to stdout and to --out.
"""
import argparse
import ctypes.util
import datetime
import os
import statistics
import sys
import time


def spawn_ms(argv, env, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        pid = os.posix_spawn(argv[0], argv, env, file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)])
        _, status = os.waitpid(pid, 0)
        if status != 0:
            raise SystemExit(f"{' '.join(argv)}: exit status {status}")
        times.append((time.perf_counter_ns() - start) / 1e6)
    return statistics.median(times), min(times), max(times)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cloudvip", default="build/cloudvip")
    p.add_argument("--runs", type=int, default=40)
    p.add_argument("--out")
    args = p.parse_args()
    libcurl = "/lib/x86_64-linux-gnu/libcurl.so.4"
    if not os.path.exists(libcurl):
        found = ctypes.util.find_library("curl")
        libcurl = found or "libcurl.so.4"
    base = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}
    argv = [os.path.abspath(args.cloudvip), "--version"]
    rows = [
        ("cloudvip --version (libcurl not loaded)", spawn_ms(argv, base, args.runs)),
        (f"cloudvip --version with LD_PRELOAD={libcurl}", spawn_ms(argv, dict(base, LD_PRELOAD=libcurl), args.runs)),
    ]
    lines = [
        "# Start-up cost of libcurl",
        "",
        "Written by `bench/startup_cost.py`; every number below was measured by that run.",
        "",
        f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M:%S UTC}",
        f"- load average at start (1/5/15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"- command: {' '.join(['bench/startup_cost.py'] + sys.argv[1:])}",
        f"- scheduling: {os.sched_getscheduler(0)} (0 = SCHED_OTHER, 1 = SCHED_FIFO), {args.runs} runs each",
        "",
        "| process | wall ms median (min-max) |",
        "|---|---|",
    ]
    for name, (median, low, high) in rows:
        lines.append(f"| {name} | {median:.2f} ({low:.2f}-{high:.2f}) |")
    lines.append("")
    lines.append(f"libcurl's share of a start: {rows[1][1][0] - rows[0][1][0]:.2f} ms (difference of the medians).")
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
