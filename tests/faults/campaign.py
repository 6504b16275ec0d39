#!/usr/bin/env python3
"""The fault campaign (issue 10): alternating failovers a <-> b, each a fresh `cloudvip acquire` process,
against one cloudvip-sim with injected errors (30% InternalError or 30% RequestLimitExceeded, alternating
by round: the simulator has one error_rate switch), its real throttling buckets, eventual-consistency lag,
and an instance metadata service that is sometimes slow and sometimes silent for a while. Both members share
one identity cache directory (two metadata services, one host: the case the cache must keep apart).

Every round must converge: afterwards every route table of the VIP points at the new primary (read from the
simulator's truth, /_sim/state). Over the whole run the call log must show no DeleteRoute and no write to a
route table outside the VIP's. Crash rounds (--crash-rounds) kill `cloudvip acquire` with SIGKILL once
some but not all tables were written (fail_next and latency make the window), then run it again: it must
converge, whatever the killed process left in the cache directory.

Exit 0 when every round converged with no violation; 1 otherwise; 77 when the binaries are missing.
`--table` prints the summary table (make soak). `--daemon` adds the daemon's rounds (daemon_rounds.py): a
`cloudvip run` per member, the leader flipped a <-> b by its `command` source, the same faults, and SIGKILL
crash rounds for the daemon."""

import argparse
import json
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "bench"))
sys.path.insert(0, HERE)
from cvbench import sim as simmod  # noqa: E402  (constants and the scenario writer)
from daemon_rounds import DaemonRounds  # noqa: E402

MEMBERS = {
    "a": (simmod.INSTANCE_A, simmod.ENI_A),
    "b": (simmod.INSTANCE_B, simmod.ENI_B),
}
ERRORS = [("InternalError", 500), ("RequestLimitExceeded", 503)]
MUTATING = {"CreateRoute", "ReplaceRoute", "DeleteRoute"}


class Sim:
    """cloudvip-sim with an IMDS for each member, throttling on (the real buckets)."""

    def __init__(self, sim_path, scenario, workdir, seed):
        argv = [sim_path, "--scenario", scenario, "--listen", "127.0.0.1:0", "--seed", str(seed)]
        for instance, _ in MEMBERS.values():
            argv += ["--imds", f"{instance}=127.0.0.1:0"]
        self.err_path = os.path.join(workdir, "sim.err")
        self._err = open(self.err_path, "w", encoding="utf-8")
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self._err, stdin=subprocess.DEVNULL)
        lines = self._read_lines(1 + len(MEMBERS), timeout_s=30)
        self.url = lines[0].strip()
        self.imds = {}
        for line in lines[1:]:
            _, instance, url = line.split()
            self.imds[instance] = url

    def _read_lines(self, count, timeout_s):
        deadline = time.monotonic() + timeout_s
        lines, buf = [], b""
        fd = self.proc.stdout.fileno()
        while time.monotonic() < deadline and len(lines) < count:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
                buf += chunk
                *done, buf = buf.split(b"\n")
                lines += [x.decode() for x in done]
            elif self.proc.poll() is not None:
                break
        if len(lines) < count:
            self.stop()
            with open(self.err_path, encoding="utf-8") as f:
                raise RuntimeError(f"cloudvip-sim did not start: {lines!r}: {f.read()[-2000:]}")
        return lines

    def admin(self, method, path, body=None):
        import http.client

        conn = http.client.HTTPConnection(self.url.removeprefix("http://"), timeout=30)
        try:
            data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
            conn.request(method, path, body=data, headers={"Content-Type": "application/json"})
            resp = conn.getresponse()
            payload = resp.read()
        finally:
            conn.close()
        if resp.status != 200:
            raise RuntimeError(f"{method} {path}: HTTP {resp.status}: {payload[:300]!r}")
        return json.loads(payload)

    def faults(self, settings):
        return self.admin("POST", "/_sim/faults", settings)

    def last_seq(self):
        return self.admin("GET", "/_sim/calls?since=0")["last_seq"]

    def calls_since(self, seq):
        return self.admin("GET", f"/_sim/calls?since={seq}")["calls"]

    def targets(self, tables):
        """route table id -> the ENI its VIP route points to (None: no VIP route), from the truth."""
        state = self.admin("GET", "/_sim/state")
        out = {t: None for t in tables}
        for rt in state["route_tables"]:
            if rt["id"] in out:
                for route in rt["routes"]:
                    if route["destination"] == simmod.VIP_CIDR:
                        out[rt["id"]] = route.get("network_interface_id")
        return out

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._err.close()


QUIET = {"throttle": True, "error_rate": {"rate": 0.0}, "fail_next": [], "lag_ms": 0, "latency_ms": 0,
         "jitter_ms": 0, "imds": {"delay_ms": 0, "outage": "none"}}


class Campaign:
    def __init__(self, args, sim, workdir):
        self.args = args
        self.sim = sim
        self.workdir = workdir
        self.tables = [simmod.bench_route_table(i) for i in range(args.tables)]
        self.cache_dir = os.path.join(workdir, "cache")  # one host's /run/cloudvip, shared by a and b
        self.rng = random.Random(args.seed)
        self.rows = []
        self.warm = set()  # members whose identity is in the cache
        self.violation_list = []
        self.last_lag_ms = 0
        self.vip = simmod.VIP
        self.region = simmod.REGION

    @staticmethod
    def quiet():
        return json.loads(json.dumps(QUIET))

    def settle(self, n, faults):
        """Waits out the lag of the previous round and of this one (unless --no-settle)."""
        settle_ms = max(self.last_lag_ms, faults["lag_ms"])
        if self.args.settle and n > 0 and settle_ms:
            # Describe* answer from a replica `lag_ms` behind: let it catch up with the previous round's writes
            # first (--no-settle starts at once, inside the lag window: the hazard acquire's settle read and
            # its verification re-reads are there for).
            time.sleep(settle_ms / 1000 + 0.05)
        self.last_lag_ms = faults["lag_ms"]

    def imds_window(self, imds_kind):
        """A silent IMDS comes back after --imds-outage-s; returns the timer to join (or None)."""
        if imds_kind != "imds-silent":
            return None
        timer = threading.Timer(self.args.imds_outage_s,
                                lambda: self.sim.faults({"imds": {"delay_ms": 0, "outage": "none"}}))
        timer.start()
        return timer

    def daemon_round(self, n, daemons):
        faults, imds_kind, code = self.round_faults(n)
        self.settle(n, faults)
        timer = self.imds_window(imds_kind)
        row = daemons.round(n, faults, imds_kind, code)
        if timer:
            timer.join()
            self.sim.faults(QUIET)
        return row

    def argv(self, member):
        instance, _ = MEMBERS[member]
        argv = [self.args.cloudvip, "acquire", "--endpoint", self.sim.url, "--imds-endpoint",
                self.sim.imds[instance], "--region", simmod.REGION, "--address", simmod.VIP, "--no-local",
                "--timeout", f"{self.args.deadline_ms}ms", "--log-level", "debug"]
        for t in self.tables:
            argv += ["--route-table", t]
        return argv

    def env(self):
        home = os.path.join(self.workdir, "home")
        os.makedirs(home, exist_ok=True)
        # Static keys, not the instance role: a silent IMDS would otherwise also take the credentials away,
        # and what this campaign tests is the identity path and the EC2 retries.
        return {"PATH": "/usr/bin:/bin", "HOME": home, "CLOUDVIP_CACHE_DIR": self.cache_dir,
                "AWS_ACCESS_KEY_ID": simmod.ADMIN_KEY, "AWS_SECRET_ACCESS_KEY": simmod.ADMIN_SECRET}

    def round_faults(self, n):
        code, status = ERRORS[n % 2]
        faults = dict(QUIET)
        faults["error_rate"] = {"rate": self.args.error_rate, "code": code, "status": status}
        faults["lag_ms"] = self.rng.choice([0, 0, 200, 500])
        imds = self.rng.random()
        kind = "imds-ok"
        if imds < 0.2:
            faults["imds"] = {"delay_ms": 400, "outage": "none"}
            kind = "imds-slow"
        elif imds < 0.4:
            faults["imds"] = {"delay_ms": 0, "outage": "no-answer"}
            kind = "imds-silent"
        return faults, kind, code

    def run_acquire(self, member, log_name, kill_when=None):
        """Runs one acquire; returns (exit code or 'killed', elapsed s, stderr text)."""
        err_path = os.path.join(self.workdir, log_name)
        start = time.monotonic()
        with open(err_path, "w", encoding="utf-8") as err:
            proc = subprocess.Popen(self.argv(member), env=self.env(), stdout=subprocess.DEVNULL, stderr=err,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
            code = None
            limit = start + self.args.deadline_ms / 1000 + 20
            while code is None and time.monotonic() < limit:
                if kill_when is not None and kill_when():
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)
                    code = "killed"
                    break
                try:
                    code = proc.wait(timeout=0.05)
                except subprocess.TimeoutExpired:
                    pass
            if code is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
                code = "hung"
        elapsed = time.monotonic() - start
        with open(err_path, encoding="utf-8") as f:
            text = f.read()
        return code, elapsed, text

    def away(self, n):
        """The member that does not hold the VIP now (from the truth; the daemon rounds move it too), else by the
        round's parity (the scenario starts on a)."""
        targets = self.sim.targets(self.tables)
        for name, (_, eni) in MEMBERS.items():
            if all(e == eni for e in targets.values()):
                return "b" if name == "a" else "a"
        return "b" if n % 2 == 0 else "a"

    def converged(self, member):
        _, eni = MEMBERS[member]
        targets = self.sim.targets(self.tables)
        wrong = {t: e for t, e in targets.items() if e != eni}
        return not wrong, wrong

    def count(self, calls):
        ec2 = [c for c in calls if c.get("kind") == "ec2"]
        writes = [c for c in ec2 if c.get("action") in MUTATING and c.get("status") == 200]
        failed = [c for c in ec2 if c.get("status") != 200]
        return len(ec2), len(writes), len(failed)

    def one_round(self, n):
        member = self.away(n)
        faults, imds_kind, code = self.round_faults(n)
        if imds_kind == "imds-silent" and member not in self.warm:
            faults["imds"] = {"delay_ms": 0, "outage": "none"}  # a silent IMDS with no cache: nothing to act on
            imds_kind = "imds-ok"
        self.settle(n, faults)
        self.sim.faults(faults)
        timer = self.imds_window(imds_kind)  # silent for a while, then back
        seq = self.sim.last_seq()
        exit_code, elapsed, stderr = self.run_acquire(member, f"round-{n % 4}.err")
        if timer:
            timer.join()
        self.sim.faults(QUIET)
        ok, wrong = self.converged(member)
        calls = self.sim.calls_since(seq)
        ec2, writes, failed = self.count(calls)
        self.violation_list += self.violations(calls)
        if exit_code == 0:
            self.warm.add(member)
        row = {"round": n, "kind": "failover", "to": member, "error": code, "lag_ms": faults["lag_ms"],
               "imds": imds_kind, "exit": exit_code, "seconds": round(elapsed, 3), "converged": ok,
               "ec2_calls": ec2, "writes": writes, "failed_answers": failed}
        if not ok:
            row["wrong"] = wrong
            row["stderr_tail"] = stderr[-1500:]
        self.rows.append(row)
        return row

    def crash_round(self, n):
        """After failover round n: SIGKILL a failover back once some tables were written, then a fresh run
        must converge (and the next round starts from there)."""
        member = self.away(n + 1)  # away from where round n left the VIP
        _, eni = MEMBERS[member]
        half = max(1, len(self.tables) // 2)
        faults = dict(QUIET)
        faults["latency_ms"] = self.args.crash_latency_ms
        faults["fail_next"] = [{"action": "ReplaceRoute", "count": half, "code": "InternalError", "status": 500}]
        self.sim.faults(faults)
        seq = self.sim.last_seq()

        def partly_written():
            targets = self.sim.targets(self.tables)
            moved = sum(1 for e in targets.values() if e == eni)
            return 0 < moved < len(self.tables)

        exit_code, elapsed, _ = self.run_acquire(member, "crash.err", kill_when=partly_written)
        partial = self.sim.targets(self.tables)
        moved_at_kill = sum(1 for e in partial.values() if e == eni)
        self.sim.faults(QUIET)
        # What a killed process may leave behind: its temp file, and (as if killed mid-write on a file system
        # without atomic rename) a truncated entry. Neither may block the next failover.
        os.makedirs(self.cache_dir, exist_ok=True)
        with open(os.path.join(self.cache_dir, "identity-0000000000000000-primary.json.tmp.99999"), "w") as f:
            f.write('{"version": 2, "boot_')
        for name in os.listdir(self.cache_dir):
            if name.startswith("identity-") and name.endswith(".json") and self.rng.random() < 0.5:
                with open(os.path.join(self.cache_dir, name), "w") as f:
                    f.write('{"version": 2, "boot_id": "trunc')
        rerun_code, rerun_elapsed, stderr = self.run_acquire(member, "crash-rerun.err")
        ok, wrong = self.converged(member)
        calls = self.sim.calls_since(seq)
        ec2, writes, failed = self.count(calls)
        self.violation_list += self.violations(calls)
        row = {"round": n, "kind": "crash", "to": member, "imds": "imds-ok", "lag_ms": 0, "killed": exit_code == "killed",
               "tables_written_at_kill": moved_at_kill, "exit": rerun_code,
               "seconds": round(elapsed + rerun_elapsed, 3), "converged": ok and exit_code == "killed",
               "ec2_calls": ec2, "writes": writes, "failed_answers": failed}
        if not row["converged"]:
            row["wrong"] = wrong
            row["stderr_tail"] = stderr[-1500:]
        self.rows.append(row)
        return row

    def violations(self, calls):
        out = []
        allowed = set(self.tables)
        for c in calls:
            if c.get("kind") != "ec2" or c.get("action") not in MUTATING:
                continue
            params = dict((p[0], p[1]) for p in c.get("params", []))
            if c["action"] == "DeleteRoute":
                out.append(f"seq {c['seq']}: DeleteRoute on {params.get('RouteTableId')}")
            elif params.get("RouteTableId") not in allowed:
                out.append(f"seq {c['seq']}: {c['action']} on {params.get('RouteTableId')}, not a VIP table")
        return out


def percentile(values, p):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def print_table(campaign, violations, wall_s):
    rows = campaign.rows
    fo = [r for r in rows if r["kind"] == "failover"]
    crash = [r for r in rows if r["kind"] == "crash"]
    secs = [r["seconds"] for r in fo]
    print()
    print(f"fault campaign: {len(fo)} failover rounds + {len(crash)} crash rounds, {campaign.args.tables} route "
          f"tables, deadline {campaign.args.deadline_ms} ms, error rate {campaign.args.error_rate:.0%} "
          f"(InternalError / RequestLimitExceeded by round), throttling on, seed {campaign.args.seed}, "
          f"{'lag settled between rounds' if campaign.args.settle else 'no settling'}, "
          f"{wall_s:.0f} s wall")
    print()
    print("| rounds | converged | acquire exit 0 | slowest failover s | median s | p99 s | writes | "
          "failed EC2 answers (retried) | EC2 calls | violations |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {len(fo)} | {sum(r['converged'] for r in fo)} | {sum(r['exit'] == 0 for r in fo)} | "
          f"{max(secs, default=0):.2f} | {percentile(secs, 50):.2f} | {percentile(secs, 99):.2f} | "
          f"{sum(r['writes'] for r in fo)} | {sum(r['failed_answers'] for r in fo)} | "
          f"{sum(r['ec2_calls'] for r in fo)} | {len(violations)} |")
    for kind in ("imds-ok", "imds-slow", "imds-silent"):
        sub = [r for r in fo if r["imds"] == kind]
        if sub:
            print(f"  {kind:12s} rounds {len(sub):4d}, converged {sum(r['converged'] for r in sub):4d}, "
                  f"slowest {max(r['seconds'] for r in sub):.2f} s")
    for lag in sorted({r["lag_ms"] for r in fo}):
        sub = [r for r in fo if r["lag_ms"] == lag]
        print(f"  lag {lag:4d} ms  rounds {len(sub):4d}, converged {sum(r['converged'] for r in sub):4d}, "
              f"exit 0 {sum(r['exit'] == 0 for r in sub):4d}")
    if crash:
        print(f"  crash rounds {len(crash)}: killed with tables half written {sum(r['killed'] for r in crash)}, "
              f"re-run converged {sum(r['converged'] for r in crash)}")
    dm = [r for r in rows if r["kind"] == "daemon"]
    dcrash = [r for r in rows if r["kind"] == "daemon-crash"]
    if dm or dcrash:
        dsecs = [r["seconds"] for r in dm]
        print()
        print(f"daemon rounds: `cloudvip run` on a and b, leader flipped by its command source, failover_timeout "
              f"{campaign.args.deadline_ms} ms, interval {campaign.args.daemon_interval_ms} ms, the same faults")
        print()
        print("| rounds | converged | slowest failover s | median s | writes | failed EC2 answers (retried) | "
              "EC2 calls | crash rounds | killed mid-failover | restart converged |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        print(f"| {len(dm)} | {sum(r['converged'] for r in dm)} | {max(dsecs, default=0):.2f} | "
              f"{percentile(dsecs, 50):.2f} | {sum(r['writes'] for r in dm)} | "
              f"{sum(r['failed_answers'] for r in dm)} | {sum(r['ec2_calls'] for r in dm)} | {len(dcrash)} | "
              f"{sum(r['killed'] for r in dcrash)} | {sum(r['converged'] for r in dcrash)} |")
        for lag in sorted({r["lag_ms"] for r in dm}):
            sub = [r for r in dm if r["lag_ms"] == lag]
            print(f"  lag {lag:4d} ms  daemon rounds {len(sub):4d}, converged {sum(r['converged'] for r in sub):4d}, "
                  f"slowest {max(r['seconds'] for r in sub):.2f} s")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sim", required=True)
    ap.add_argument("--cloudvip", required=True)
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--crash-rounds", type=int, default=3)
    ap.add_argument("--tables", type=int, default=4)
    ap.add_argument("--deadline-ms", type=int, default=10000)
    ap.add_argument("--error-rate", type=float, default=0.3)
    ap.add_argument("--imds-outage-s", type=float, default=1.5)
    ap.add_argument("--crash-latency-ms", type=int, default=700)
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--no-settle", dest="settle", action="store_false",
                    help="start each failover at once, even within the previous round's lag window")
    ap.add_argument("--table", action="store_true", help="print the summary table")
    ap.add_argument("--json", help="write every round as JSON to this file")
    ap.add_argument("--daemon", action="store_true", help="also run the daemon rounds (daemon_rounds.py)")
    ap.add_argument("--daemon-rounds", type=int, default=20, help="daemon failovers, spread over the run")
    ap.add_argument("--daemon-crash-rounds", type=int, default=2, help="daemon SIGKILL rounds")
    ap.add_argument("--daemon-interval-ms", type=int, default=1000, help="[daemon] interval of both daemons")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()
    for path in (args.sim, args.cloudvip):
        if not os.access(path, os.X_OK):
            print(f"campaign: {path} is not built; skipping", file=sys.stderr)
            return 77
    # SIGTERM (ctest's timeout, a killed make soak) unwinds like an exception, so the daemons and the simulator
    # are stopped by the finally below.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    workdir = tempfile.mkdtemp(prefix="cvfaults-")
    scenario = os.path.join(workdir, "scenario.toml")
    simmod.write_scenario(os.path.join(ROOT, "sim", "scenarios", "two-az.toml"), args.tables, scenario)
    sim = Sim(args.sim, scenario, workdir, args.seed)
    started = time.monotonic()
    failed = []
    daemons = None
    try:
        campaign = Campaign(args, sim, workdir)
        crash_every = max(1, args.rounds // max(1, args.crash_rounds)) if args.crash_rounds else 0
        crashes = 0
        daemon_every = max(1, args.rounds // max(1, args.daemon_rounds)) if args.daemon else 0
        dcrash_every = max(1, args.rounds // max(1, args.daemon_crash_rounds)) if args.daemon else 0
        daemon_done = dcrashes = 0
        if args.daemon:
            daemons = DaemonRounds(campaign, MEMBERS, args.daemon_interval_ms)
            daemons.start()
        for n in range(args.rounds):
            row = campaign.one_round(n)
            if not row["converged"]:
                failed.append(row)
                print(f"campaign: round {n} did not converge: {json.dumps(row)}", file=sys.stderr)
            if daemon_every and daemon_done < args.daemon_rounds and n % daemon_every == daemon_every - 1:
                daemon_done += 1
                drow = campaign.daemon_round(n, daemons)
                if not drow["converged"]:
                    failed.append(drow)
                    print(f"campaign: daemon round {n} did not converge: {json.dumps(drow)}", file=sys.stderr)
            if (dcrash_every and args.daemon_crash_rounds and dcrashes < args.daemon_crash_rounds
                    and n % dcrash_every == dcrash_every // 3):
                dcrashes += 1
                drow = daemons.crash_round(n)
                if not drow["converged"]:
                    failed.append(drow)
                    print(f"campaign: daemon crash round {n} did not converge: {json.dumps(drow)}", file=sys.stderr)
            if crash_every and crashes < args.crash_rounds and n % crash_every == crash_every // 2:
                crashes += 1
                crow = campaign.crash_round(n)
                if not crow["converged"]:
                    failed.append(crow)
                    print(f"campaign: crash round did not converge: {json.dumps(crow)}", file=sys.stderr)
            if (n + 1) % 50 == 0:
                print(f"campaign: {n + 1}/{args.rounds} rounds, {len(failed)} failed, "
                      f"{time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
        violations = campaign.violation_list
        for v in violations[:20]:
            print(f"campaign: violation: {v}", file=sys.stderr)
        if args.json:
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump({"rows": campaign.rows, "violations": violations}, f, indent=1)
        print_table(campaign, violations, time.monotonic() - started)
        ok = not failed and not violations
        print(f"campaign: {'PASS' if ok else 'FAIL'}")
        return 0 if ok else 1
    finally:
        if daemons:
            daemons.stop()
        sim.stop()
        if args.keep or failed:
            print(f"campaign: work directory kept: {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
