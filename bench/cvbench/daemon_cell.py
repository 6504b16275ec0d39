"""The daemon cell of the benchmark: a running `cloudvip run` (member b, one trigger VIP over N route tables),
told "primary" over its control socket, and the time from that leader signal until EC2 has answered the last
route write (the simulator's call log: the start of each call plus its handling time). The daemon's view is
warm: before each repetition the world is reset (every table routes the VIP to member a) and the daemon has
read it, so the writes leave without a read in front of them. Also: the EC2 calls per minute of an idle
daemon (default interval) over the largest table count."""

import json
import os
import socket
import statistics
import subprocess
import time

from . import sim as simmod


def control(path, request, timeout_s=30):
    """One request on the daemon's control socket; the decoded answer."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout_s)
        s.connect(path)
        s.sendall((json.dumps(request) + "\n").encode())
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    return json.loads(data)


class Daemon:
    def __init__(self, cloudvip, sim, workdir, tables, interval):
        self.dir = os.path.join(workdir, f"daemon-{len(tables)}-{interval}")
        os.makedirs(self.dir, exist_ok=True)
        self.socket = os.path.join(self.dir, "control.sock")
        config = os.path.join(self.dir, "cloudvip.toml")
        with open(config, "w", encoding="utf-8") as f:
            f.write(
                f'[aws]\nregion = "{simmod.REGION}"\nendpoint = "{sim.url}"\n\n'
                f'[daemon]\ninterval = "{interval}"\ncontrol_socket = "{self.socket}"\n\n'
                f'[[vip]]\nname = "bench"\naddress = "{simmod.VIP}"\nroute_tables = {json.dumps(tables)}\n'
                "local_address = false\n"
            )
        env = {
            "PATH": "/usr/bin:/bin", "HOME": self.dir, "CLOUDVIP_CACHE_DIR": os.path.join(self.dir, "cache"),
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": sim.imds_url,
            # Keys, not the instance role: the simulator forgets role keys on every reset.
            "AWS_ACCESS_KEY_ID": simmod.ADMIN_KEY, "AWS_SECRET_ACCESS_KEY": simmod.ADMIN_SECRET,
        }
        self.log = open(os.path.join(self.dir, "daemon.log"), "w", encoding="utf-8")
        self.proc = subprocess.Popen([cloudvip, "run", "--config", config, "--log-level", "info"], env=env,
                                     stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                control(self.socket, {"op": "status"}, timeout_s=5)
                return
            except (OSError, ValueError):
                if self.proc.poll() is not None:
                    break
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"cloudvip run did not come up; see {self.log.name}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def failover_runs(cloudvip, sim, workdir, n, reps, deadline):
    tables = [simmod.bench_route_table(i) for i in range(n)]
    interval_s = 1.0
    daemon = Daemon(cloudvip, sim, workdir, tables, f"{int(interval_s * 1000)}ms")
    runs = []
    try:
        for _ in range(reps):
            if time.monotonic() + 10 > deadline:
                break
            control(daemon.socket, {"op": "notify", "role": "standby"})
            sim.reset()  # every table -> member a again
            time.sleep(2.5 * interval_s)  # the daemon reads that (its warm view: the peer holds the tables)
            seq = sim.last_seq()
            t0 = time.time_ns()
            control(daemon.socket, {"op": "notify", "role": "primary"})
            until = time.monotonic() + 30
            while time.monotonic() < until and any(v != simmod.ENI_B for v in sim.vip_targets(tables).values()):
                time.sleep(0.02)
            # The simulator logs a call when it answers it, which (with --latency) is after the route changed.
            calls = sim.calls_since(seq)
            while time.monotonic() < until and sum(
                    1 for c in calls if c.get("kind") == "ec2" and c.get("action") in simmod.MUTATING) < len(tables):
                time.sleep(0.02)
                calls = sim.calls_since(seq)
            ack = simmod.last_write_answered_ms(calls, t0)
            writes = [c for c in calls if c.get("kind") == "ec2" and c.get("action") in simmod.MUTATING]
            first_write = min((c["time_ms"] for c in writes), default=None)
            reads_first = sum(
                1 for c in calls
                if c.get("kind") == "ec2" and str(c.get("action", "")).startswith("Describe")
                and first_write is not None and c["time_ms"] < first_write
            )
            moved = all(v == simmod.ENI_B for v in sim.vip_targets(tables).values())
            runs.append({"ack_ms": ack, "writes": len(writes), "reads_before_writes": reads_first, "moved": moved})
    finally:
        daemon.stop()
    return runs


def idle_calls_per_minute(cloudvip, sim, workdir, n, seconds):
    tables = [simmod.bench_route_table(i) for i in range(n)]
    sim.reset()
    daemon = Daemon(cloudvip, sim, workdir, tables, "5s")
    try:
        time.sleep(2)  # past the first read
        seq = sim.last_seq()
        time.sleep(seconds)
        calls = [c for c in sim.calls_since(seq) if c.get("kind") == "ec2"]
    finally:
        daemon.stop()
    return len(calls) * 60.0 / seconds, len(calls)


def run(cloudvip, sim, limit_ms, table_counts, reps, idle_s, budget_s, workdir):
    """The cell's rows and its Markdown section."""
    deadline = time.monotonic() + budget_s
    rows = []
    for n in table_counts:
        if time.monotonic() + 15 > deadline:
            rows.append({"tables": n, "skipped": "daemon cell budget"})
            continue
        runs = failover_runs(cloudvip, sim, workdir, n, reps, deadline - idle_s - 5)
        acks = [r["ack_ms"] for r in runs if r["moved"] and r["ack_ms"] is not None]
        rows.append({
            "tables": n, "runs": runs,
            "median_ack_ms": statistics.median(acks) if acks else None,
            "min_ack_ms": min(acks) if acks else None, "max_ack_ms": max(acks) if acks else None,
        })
    idle = None
    if time.monotonic() + idle_s + 10 < deadline:
        idle = idle_calls_per_minute(cloudvip, sim, workdir, max(table_counts), idle_s)
    lines = [
        "", f"## cloudvip run (the daemon), {sim.latency_ms} ms per EC2 call", "",
        "From the leader signal (`notify primary` on the control socket) until EC2 answered the last route write,",
        "with the daemon's view warm. One bare EC2 round trip here: "
        + (f"{limit_ms:.2f} ms." if limit_ms else "not measured."), "",
        "| route tables | runs | signal -> every table acknowledged, median (min-max) | x round trip | writes | reads before the writes |",
        "|---:|---:|---|---:|---:|---:|",
    ]
    for row in rows:
        if row.get("skipped") or row["median_ack_ms"] is None:
            lines.append(f"| {row['tables']} | 0 | not measured ({row.get('skipped', 'no run moved every table')}) | | | |")
            continue
        ratio = f"{row['median_ack_ms'] / limit_ms:.2f}" if limit_ms else "-"
        writes = statistics.median([r["writes"] for r in row["runs"]])
        reads = max(r["reads_before_writes"] for r in row["runs"])
        lines.append(
            f"| {row['tables']} | {len(row['runs'])} | {row['median_ack_ms']:.1f} ms "
            f"({row['min_ack_ms']:.1f}-{row['max_ack_ms']:.1f}) | {ratio} | {writes:g} | {reads} |"
        )
    if idle:
        lines += ["", f"Idle daemon ({max(table_counts)} route tables, interval 5 s): {idle[0]:.1f} EC2 calls per "
                  f"minute ({idle[1]} calls in {idle_s:g} s)."]
    return rows, idle, "\n".join(lines) + "\n"
