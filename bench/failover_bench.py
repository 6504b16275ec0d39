#!/usr/bin/env python3
"""Failover actuation benchmark: how long each tool takes, from its process start, until every route table
routes the VIP to the new primary (acknowledged, then verified), against cloudvip-sim at 0 and 50 ms per
EC2 call, for 1, 10 and 50 route tables. Writes a Markdown table (stdout and --out) and raw JSON.

Run by `make bench`. Reads bench/README.md for what each column means. Every loop is bounded: each cell has
a repetition count, each process a timeout, and the whole run a time budget (cells that would not fit are
reported as not measured, with the prediction that excluded them)."""

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cvbench import daemon_cell  # noqa: E402
from cvbench import report  # noqa: E402
from cvbench import sim as simmod  # noqa: E402
from cvbench.procs import run_quiet  # noqa: E402
from cvbench.sigv4 import bare_round_trip_ms  # noqa: E402
from cvbench.tools import (  # noqa: E402
    AGENT, AWS, OUR_AGENT, AgentRunner, AwsCliRunner, CloudvipAgentRunner, CloudvipRunner, RunResult,
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALL_TOOLS = ["cloudvip", "cloudvip-cold", "agent-cloudvip", "aws-cli", "agent"]
# Repetitions per cell by tool and route-table count: fewer where one run takes seconds to minutes.
DEFAULT_REPS = {
    "cloudvip": {1: 7, 10: 7, 50: 7},
    "cloudvip-cold": {1: 3, 10: 3, 50: 3},
    "aws-cli": {1: 5, 10: 3, 50: 2},
    "agent": {1: 3, 10: 2, 50: 1},
    "agent-cloudvip": {1: 3, 10: 3, 50: 3},
}
TEARDOWN_RESERVE_S = 15


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sim", default=os.path.join(ROOT, "build", "cloudvip-sim"))
    p.add_argument("--cloudvip", default=os.path.join(ROOT, "build", "cloudvip"))
    p.add_argument("--spawn", default=None,
                   help="the cvbench-spawn launcher (default: beside --cloudvip); measures each process as /usr/bin/time does")
    p.add_argument("--base-scenario", default=os.path.join(ROOT, "sim", "scenarios", "two-az.toml"))
    p.add_argument("--tables", default="1,10,50", help="route-table counts, comma-separated")
    p.add_argument("--latencies", default="50,0", help="simulated EC2 latencies in ms, comma-separated")
    p.add_argument("--tools", default=",".join(ALL_TOOLS), help=f"any of {','.join(ALL_TOOLS)}")
    p.add_argument("--reps", type=int, default=None, help="at most this many repetitions per cell")
    p.add_argument("--budget", type=float, default=400, help="seconds for the other cells (default 400; the daemon cell has its own)")
    p.add_argument("--no-warmup", action="store_true", help="skip the unmeasured first run of each tool")
    p.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "latest.md"))
    p.add_argument("--json-out", default=None, help="raw runs as JSON (default: --out with .json)")
    p.add_argument("--keep", action="store_true", help="keep the work directory (process outputs)")
    p.add_argument("--daemon-tables", default="1,10,50", help="the daemon cell's route-table counts ('' = no cell)")
    p.add_argument("--daemon-reps", type=int, default=3, help="repetitions per daemon cell")
    p.add_argument("--daemon-idle", type=float, default=30, help="seconds the idle daemon's calls are counted")
    p.add_argument("--daemon-budget", type=float, default=100, help="seconds for the daemon cell (default 100)")
    args = p.parse_args(argv)
    args.tables = [int(x) for x in args.tables.split(",") if x]
    args.latencies = [int(x) for x in args.latencies.split(",") if x]
    args.tools = [t for t in args.tools.split(",") if t]
    args.daemon_tables = [int(x) for x in args.daemon_tables.split(",") if x]
    unknown = set(args.tools) - set(ALL_TOOLS)
    if unknown or not args.tables or not args.latencies:
        p.error(f"--tools takes {','.join(ALL_TOOLS)} (got {','.join(sorted(unknown))}); --tables and --latencies need values")
    if args.json_out is None:
        args.json_out = os.path.splitext(args.out)[0] + ".json"
    if args.spawn is None:
        args.spawn = os.path.join(os.path.dirname(os.path.abspath(args.cloudvip)), "cvbench-spawn")
    if not os.access(args.spawn, os.X_OK):
        print(f"{args.spawn} is not built: spawning directly (peak RSS then includes Python's)", file=sys.stderr)
        args.spawn = None
    return args


def reps_for(tool, tables, cap):
    table = DEFAULT_REPS[tool]
    n = table.get(tables) or table[max([k for k in table if k <= tables] or [min(table)])]
    return min(n, cap) if cap else n


def first_line(argv):
    code, out = run_quiet(argv)
    return out.splitlines()[0] if code == 0 and out else f"unavailable (exit {code})"


def unavailable_reason(tool, args):
    """Why a tool cannot be measured here, or "" when it can."""
    if tool == "agent-cloudvip":
        if not os.access(OUR_AGENT, os.X_OK):
            return f"{OUR_AGENT} is missing or not executable"
        if not os.access(args.cloudvip, os.X_OK):
            return f"{args.cloudvip} is not built"
        if os.geteuid() != 0:
            return "the agent must run as root (it checks) inside a network namespace; run make bench as root"
        if not os.path.exists(os.path.join("/usr/lib/ocf/lib/heartbeat", "ocf-shellfuncs")):
            return "the agent needs ocf-shellfuncs (scripts/install-deps installs resource-agents)"
        return ""
    if tool.startswith("cloudvip"):
        if not os.access(args.cloudvip, os.X_OK):
            return f"{args.cloudvip} is not built"
        code, out = run_quiet([args.cloudvip, "acquire", "--help"])
        if code != 0 or "--no-verify" not in out:
            return "not measured yet (cli not merged: this cloudvip build has no `acquire` command)"
        return ""
    if not os.access(AWS, os.X_OK):
        return f"{AWS} is not installed (scripts/install-deps installs awscli)"
    if tool == "agent":
        if not os.path.exists(AGENT):
            return f"{AGENT} is not installed (scripts/install-deps installs resource-agents)"
        if os.geteuid() != 0:
            return "the agent must run as root (it checks) inside a network namespace; run make bench as root"
        if not shutil.which("curl") or not shutil.which("ip"):
            return "the agent needs curl and ip (iproute2)"
    return ""


def scheduling():
    """The harness's CPU scheduling: `nice -n -15` or `chrt -f 20` around the run shows here."""
    policy = os.sched_getscheduler(0)
    names = {os.SCHED_OTHER: "SCHED_OTHER", os.SCHED_FIFO: "SCHED_FIFO", os.SCHED_RR: "SCHED_RR"}
    text = f"{names.get(policy, policy)}"
    if policy in (os.SCHED_FIFO, os.SCHED_RR):
        text += f" priority {os.sched_getparam(0).sched_priority}"
    return text + f", nice {os.nice(0)}"


def machine_meta(args, started):
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    agent_version = first_line(["dpkg-query", "-W", "-f=${Version}", "resource-agents"])
    return {
        "date": started.strftime("%Y-%m-%d %H:%M:%S UTC"),
        "machine": f"{os.cpu_count()} CPUs ({cpu}), kernel {platform.release()}",
        "load average at start (1/5/15 min)": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "command": " ".join(["bench/failover_bench.py"] + sys.argv[1:]),
        "cloudvip": first_line([args.cloudvip, "--version"]),
        "cloudvip-sim": first_line([args.sim, "--version"]) + ", flags --latency L --no-throttle, reset before every run",
        "aws CLI": first_line([AWS, "--version"]),
        "resource-agents (aws-vpc-move-ip)": agent_version,
        "python": platform.python_version(),
        "scheduling of the harness (inherited by every process it starts)": scheduling(),
        "process measurement": (
            "bench/cvbench_spawn.cc (fork, exec, wait4: wall time and peak RSS as /usr/bin/time -v reports them)"
            if args.spawn else "spawned from Python (peak RSS includes the harness's own)"
        ),
    }


def tmp_cache_root():
    """A fresh directory on /dev/shm when that is a tmpfs (as /run/cloudvip is), else None."""
    try:
        with open("/proc/mounts", encoding="utf-8") as f:
            tmpfs = any(line.split()[1:3] == ["/dev/shm", "tmpfs"] for line in f)
    except OSError:
        tmpfs = False
    return tempfile.mkdtemp(prefix="cvbench-cache-", dir="/dev/shm") if tmpfs else None


class Bench:
    def __init__(self, args):
        self.args = args
        self.started_at = time.monotonic()
        self.deadline = self.started_at + args.budget - TEARDOWN_RESERVE_S
        self.workdir = tempfile.mkdtemp(prefix="cvbench-")
        # cloudvip's cache directories live where its default does, on a tmpfs (/run/cloudvip): on a disk
        # file system the rename that replaces a cache file can wait for the file's data to be written out
        # (ext4's replace-via-rename rule), which no installed cloudvip pays. /dev/shm is a tmpfs everywhere
        # systemd runs; without it the caches stay in the work directory (and the header says so).
        self.cache_root = tmp_cache_root()
        self.sims = {}  # latency -> Sim on the host's loopback
        self.ns_sims = {}  # latency -> Sim inside a namespace (the agent's)
        self.namespaces = []
        self.limits = {}
        self.limit_spreads = {}
        self.cells = []
        self.rep_seconds = {}  # (tool, tables, latency) -> [wall seconds of each repetition]
        self.agent_setup_error = ""

    def remaining(self):
        return self.deadline - time.monotonic()

    def start(self):
        scenario = os.path.join(self.workdir, "scenario.toml")
        simmod.write_scenario(self.args.base_scenario, max(self.args.tables), scenario)
        for latency in self.args.latencies:
            self.sims[latency] = simmod.Sim(self.args.sim, scenario, latency, self.workdir)
        agents = [t for t in ("agent", "agent-cloudvip") if t in self.args.tools and not unavailable_reason(t, self.args)]
        if agents:
            try:
                for latency in self.args.latencies:
                    ns = simmod.Namespace.create(f"{simmod.NS_PREFIX}{os.getpid()}-l{latency}")
                    self.namespaces.append(ns)
                    # --imds-v1: the simulator answers 400 to a token PUT without Content-Length, which is
                    # what the agent's `curl -X PUT` sends (real IMDS accepts it); with v1 allowed the
                    # agent's token-less GETs are answered as on an instance with HttpTokens=optional.
                    self.ns_sims[latency] = simmod.Sim(
                        self.args.sim, scenario, latency, self.workdir, namespace=ns, imds_v1=True
                    )
            except (RuntimeError, OSError) as e:
                self.agent_setup_error = f"cannot build the agent's network namespace: {e}"

    def measure_limits(self):
        for latency, s in self.sims.items():
            med, lo, hi = bare_round_trip_ms(
                s.url, simmod.bench_route_table(0), simmod.ADMIN_KEY, simmod.ADMIN_SECRET, simmod.REGION
            )
            self.limits[latency] = med
            self.limit_spreads[latency] = f"{med:.2f} ({lo:.2f}-{hi:.2f})"

    def plan(self):
        """The cells in priority order: cloudvip first (seconds in all), then the aws CLI and the agent,
        table counts ascending, at the first latency before the second."""
        tools = self.args.tools
        order = []
        for tool in ("cloudvip", "cloudvip-cold", "agent-cloudvip"):
            if tool in tools:
                order += [(tool, n, lat) for n in self.args.tables for lat in self.args.latencies]
        for lat in self.args.latencies:
            for n in self.args.tables:
                order += [(tool, n, lat) for tool in ("aws-cli", "agent") if tool in tools]
        self.cells = [
            {"tool": t, "tables": n, "latency": lat, "runs": [], "errors": [], "reps": reps_for(t, n, self.args.reps)}
            for t, n, lat in order
        ]

    def runner(self, tool):
        launcher = self.args.spawn
        if tool == "cloudvip":
            return CloudvipRunner(self.workdir, self.args.cloudvip, launcher=launcher, cache_root=self.cache_root)
        if tool == "cloudvip-cold":
            return CloudvipRunner(
                self.workdir, self.args.cloudvip, cold=True, launcher=launcher, cache_root=self.cache_root
            )
        if tool == "aws-cli":
            return AwsCliRunner(self.workdir, launcher)
        if tool == "agent-cloudvip":
            return CloudvipAgentRunner(self.workdir, self.args.cloudvip, launcher=launcher)
        return AgentRunner(self.workdir, launcher)

    def sim_for(self, tool, latency):
        return self.ns_sims.get(latency) if tool in ("agent", "agent-cloudvip") else self.sims[latency]

    def predict(self, tool, tables, latency):
        """Seconds one repetition will take: this cell's median so far, else the nearest measured cell of
        the same tool (same latency first, then the other), scaled linearly in the route tables when it
        had fewer (a tool that is flat in N only runs faster than predicted)."""
        own = self.rep_seconds.get((tool, tables, latency))
        if own:
            return statistics.median(own)
        for same_latency in (True, False):
            known = [
                (n, statistics.median(v)) for (t, n, lat), v in self.rep_seconds.items()
                if t == tool and (lat == latency) == same_latency and v and n <= tables
            ]
            if known:
                n, seconds = max(known)
                return seconds * tables / n
        return None

    def run(self):
        """cloudvip's cells (cheap) with all their repetitions first; then the others breadth first: round k
        runs the k-th repetition of every cell that wants one, so a tight budget leaves fewer repetitions
        rather than whole cells unmeasured."""
        runners = {}
        reasons = {}
        for tool in self.args.tools:
            reasons[tool] = unavailable_reason(tool, self.args)
            if tool in ("agent", "agent-cloudvip") and not reasons[tool]:
                reasons[tool] = self.agent_setup_error
            if not reasons[tool]:
                runners[tool] = self.runner(tool)
        for cell in self.cells:
            if reasons[cell["tool"]]:
                cell["skipped"] = reasons[cell["tool"]]
        self.warm_up(runners)
        # cloudvip's cells first, every repetition (well under a second each), so the tools that take
        # seconds to minutes per run cannot leave them with one run on a loaded machine; then the others.
        for quick in (True, False):
            cells = [c for c in self.cells if c["tool"].startswith("cloudvip") == quick]
            for rep in range(max((c["reps"] for c in cells), default=0)):
                for cell in cells:
                    if cell.get("skipped") or rep >= cell["reps"] or len(cell["errors"]) >= 2:
                        continue
                    self.run_one(cell, runners[cell["tool"]], rep)

    def warm_up(self, runners):
        """One unmeasured run with one route table: cloudvip's and our agent's fill their identity caches (as
        any earlier run on this boot would), the aws CLI's brings its files into the page cache (the agent uses the same
        aws CLI, and one agent run costs tens of seconds, so it has none)."""
        if self.args.no_warmup:
            return
        latency = self.args.latencies[0]
        for tool in ("cloudvip", "agent-cloudvip", "aws-cli"):
            if tool in runners:
                print(f"warm-up: {tool} (1 route table, not measured)", file=sys.stderr, flush=True)
                try:
                    runners[tool].warm_up(self.sim_for(tool, latency), [simmod.bench_route_table(0)], self.deadline)
                except (RuntimeError, OSError) as e:
                    print(f"warm-up of {tool} failed: {e}", file=sys.stderr)

    def run_one(self, cell, runner, rep):
        tool, tables, latency = cell["tool"], cell["tables"], cell["latency"]
        pred = self.predict(tool, tables, latency)
        left = self.remaining()
        if left <= 1 or (pred is not None and pred > left):
            because = f"one run predicted {pred:.0f} s from the runs measured before, " if pred is not None else ""
            cell["skipped"] = (
                f"time budget: {because}{max(left, 0):.0f} s of the {self.args.budget:.0f} s budget left"
                + (f" after {len(cell['runs'])} runs" if cell["runs"] else "")
            )
            return
        rt_ids = [simmod.bench_route_table(i) for i in range(tables)]
        t0 = time.monotonic()
        try:
            result = runner.run(self.sim_for(tool, latency), rt_ids, self.deadline)
        except (RuntimeError, OSError, ValueError, KeyError) as e:
            result = RunResult(ok=False, error=f"harness: {type(e).__name__}: {e}")
        spent = time.monotonic() - t0
        if not result.ok and self.remaining() <= 1:
            cell["skipped"] = f"time budget: it ran out during a run (stopped after {spent:.0f} s)"
            print(f"{tool} N={tables} latency={latency} rep {rep + 1}: stopped by the time budget", file=sys.stderr)
            return
        outcome = (
            f"ack {result.ack_ms:.1f} ms, verified {result.verified_ms:.1f} ms"
            if result.ok else f"FAILED: {result.error[:300]}"
        )
        print(f"{tool} N={tables} latency={latency} rep {rep + 1}: {outcome} ({spent:.1f} s)", file=sys.stderr, flush=True)
        cell["runs"].append(result)
        if result.ok:
            self.rep_seconds.setdefault((tool, tables, latency), []).append(spent)
        else:
            cell["errors"].append(result.error)

    def run_daemon_cell(self):
        """`cloudvip run` at the first latency (50 ms by default): the leader signal to every table
        acknowledged, and an idle daemon's calls per minute. Its own small budget, after the other cells."""
        self.daemon_section = ""
        self.daemon_rows = None
        if not self.args.daemon_tables:
            return
        code, out = run_quiet([self.args.cloudvip, "run", "--help"])
        if code != 0 or "SIGHUP" not in out:
            self.daemon_section = "\n## cloudvip run (the daemon)\n\nnot measured: this cloudvip has no `run` command.\n"
            return
        latency = self.args.latencies[0]
        tables = [n for n in self.args.daemon_tables if n <= max(self.args.tables)]
        print(f"daemon cell: {tables} route tables at {latency} ms", file=sys.stderr, flush=True)
        try:
            rows, idle, section = daemon_cell.run(
                self.args.cloudvip, self.sims[latency], self.limits.get(latency), tables, self.args.daemon_reps,
                self.args.daemon_idle, self.args.daemon_budget, self.workdir)
        except (RuntimeError, OSError, ValueError) as e:
            section = f"\n## cloudvip run (the daemon)\n\nnot measured: {type(e).__name__}: {e}\n"
            rows, idle = None, None
        self.daemon_rows = {"rows": rows, "idle_calls_per_minute": idle}
        self.daemon_section = section
        sys.stderr.write(section)

    def stop(self):
        for s in list(self.sims.values()) + list(self.ns_sims.values()):
            try:
                s.stop()
            except Exception as e:  # teardown goes on whatever one step says
                print(f"stopping cloudvip-sim: {e}", file=sys.stderr)
        for ns in self.namespaces:
            ns.delete()
        if not self.args.keep:
            shutil.rmtree(self.workdir, ignore_errors=True)
            if self.cache_root:
                shutil.rmtree(self.cache_root, ignore_errors=True)
        else:
            print(f"work directory kept: {self.workdir}", file=sys.stderr)


def main(argv):
    args = parse_args(argv)
    started = datetime.datetime.now(datetime.timezone.utc)

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    meta = machine_meta(args, started)
    bench = Bench(args)
    meta["cloudvip cache directories"] = (
        "on /dev/shm (tmpfs, like cloudvip's default /run/cloudvip)"
        if bench.cache_root
        else "in the work directory (no tmpfs /dev/shm here)"
    )
    try:
        bench.start()
        bench.measure_limits()
        bench.plan()
        bench.run()
        bench.run_daemon_cell()
    finally:
        bench.stop()
    meta["load average at end (1/5/15 min)"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    meta["wall time of the run"] = f"{time.monotonic() - bench.started_at:.0f} s (budget {args.budget:.0f} s)"
    text = report.markdown(bench.cells, bench.limits, bench.limit_spreads, meta) + getattr(bench, "daemon_section", "")
    sys.stdout.write(text)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    with open(args.json_out, "w", encoding="utf-8") as f:
        raw = report.raw(bench.cells, bench.limits, meta)
        raw["daemon"] = getattr(bench, "daemon_rows", None)
        json.dump(raw, f, indent=1, default=str)
        f.write("\n")
    measured = sum(1 for c in bench.cells for r in c["runs"] if r.ok)
    failed = sum(len(c["errors"]) for c in bench.cells)
    print(f"failover_bench: {measured} runs measured, {failed} failed; table in {args.out}", file=sys.stderr)
    return 1 if failed or not measured else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
