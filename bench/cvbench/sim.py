"""cloudvip-sim for the benchmark: the scenario (two-az.toml plus bench route tables that all route the VIP
to member a), the simulator process, its admin API, and the network namespace the Pacemaker agent runs in."""

import http.client
import json
import os
import select
import signal
import subprocess
import time
from dataclasses import dataclass

from .procs import run_quiet

VPC = "vpc-0a1b2c3d4e5f60001"
INSTANCE_A = "i-0a1b2c3d4e5f6000a"
INSTANCE_B = "i-0a1b2c3d4e5f6000b"
ENI_A = "eni-0a1b2c3d4e5f6000a"
ENI_B = "eni-0a1b2c3d4e5f6000b"
MAC_B = "0e:a1:00:00:00:0b"
IP_B = "10.109.10.74"
# An overlay VIP (outside the VPC CIDR): its route is VIP/32, the only shape aws-vpc-move-ip can write, so
# every tool does the same work.
VIP = "192.168.100.10"
VIP_CIDR = VIP + "/32"
REGION = "us-east-1"
ADMIN_KEY = "AKIACLOUDVIPADMIN001"
ADMIN_SECRET = "cloudvip-sim-admin-secret-not-a-real-key"
MUTATING = {"CreateRoute", "ReplaceRoute", "DeleteRoute"}
# The namespace prefix of everything this benchmark creates (torn down on every exit path).
NS_PREFIX = "cvbench-"


def bench_route_table(i):
    """The id of bench route table i (0-based): rtb- and 17 hex digits."""
    return f"rtb-0cb{i:014x}"


def write_scenario(base_toml, tables, path):
    """two-az.toml (base_toml) plus `tables` route tables, each with VIP/32 -> member a's ENI."""
    with open(base_toml, encoding="utf-8") as f:
        text = f.read()
    parts = [text, "\n# Added by bench/failover_bench.py: the route tables a failover rewrites.\n"]
    for i in range(tables):
        parts.append(
            f'\n[[route_table]]\nid = "{bench_route_table(i)}"\nvpc = "{VPC}"\n'
            f'tags = {{ Name = "bench-{i}" }}\n\n[[route_table.route]]\n'
            f'destination = "{VIP_CIDR}"\nnetwork_interface_id = "{ENI_A}"\n'
        )
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(parts))


@dataclass
class Namespace:
    """A network namespace that plays member b for the Pacemaker agent: lo up with 169.254.169.254 on it
    (the simulator's IMDS listens there), and eth0 (a veth whose peer stays in the namespace) with b's MAC
    and address, so the agent's `ip addr` and MAC lookup touch only this namespace."""

    name: str

    @staticmethod
    def create(name):
        if not name.startswith(NS_PREFIX):
            raise ValueError(f"namespace {name!r} must start with {NS_PREFIX}")
        steps = [
            ["ip", "netns", "add", name],
            ["ip", "-n", name, "link", "set", "lo", "up"],
            ["ip", "-n", name, "addr", "add", "169.254.169.254/32", "dev", "lo"],
            ["ip", "-n", name, "link", "add", "eth0", "type", "veth", "peer", "name", "cvb0"],
            ["ip", "-n", name, "link", "set", "eth0", "address", MAC_B],
            ["ip", "-n", name, "addr", "add", IP_B + "/26", "dev", "eth0"],
            ["ip", "-n", name, "link", "set", "cvb0", "up"],
            ["ip", "-n", name, "link", "set", "eth0", "up"],
        ]
        ns = Namespace(name)
        for argv in steps:
            code, out = run_quiet(argv)
            if code != 0:
                ns.delete()
                raise RuntimeError(f"{' '.join(argv)}: exit {code}: {out}")
        return ns

    def exec_prefix(self):
        return ["/usr/sbin/ip", "netns", "exec", self.name]

    def delete(self):
        run_quiet(["ip", "netns", "del", self.name])


class Sim:
    """One cloudvip-sim process (in the host's loopback, or inside `namespace`), with IMDS for member b."""

    def __init__(self, sim_path, scenario, latency_ms, workdir, namespace=None, imds_v1=False):
        self.latency_ms = latency_ms
        self.namespace = namespace
        imds_addr = "169.254.169.254:80" if namespace else "127.0.0.1:0"
        argv = [
            sim_path, "--scenario", scenario, "--listen", "127.0.0.1:0",
            "--imds", f"{INSTANCE_B}={imds_addr}", "--latency", str(latency_ms), "--no-throttle",
        ]
        if imds_v1:
            argv.append("--imds-v1")
        if namespace:
            argv = namespace.exec_prefix() + argv
        self.stderr_path = os.path.join(workdir, f"sim-{latency_ms}{'-ns' if namespace else ''}.err")
        self._err = open(self.stderr_path, "w", encoding="utf-8")
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self._err, stdin=subprocess.DEVNULL)
        self.url, self.imds_url = self._read_urls(timeout_s=30)

    def _read_urls(self, timeout_s):
        deadline = time.monotonic() + timeout_s
        lines = []
        buf = b""
        fd = self.proc.stdout.fileno()
        while time.monotonic() < deadline and len(lines) < 2:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
                buf += chunk
                *done, buf = buf.split(b"\n")
                lines += [line.decode() for line in done]
            elif self.proc.poll() is not None:
                break
        if len(lines) < 2:
            self.stop()
            with open(self.stderr_path, encoding="utf-8") as f:
                raise RuntimeError(f"cloudvip-sim did not start: stdout {lines!r}; stderr: {f.read()[-2000:]}")
        imds = [line.split()[2] for line in lines[1:] if line.startswith("imds ")]
        return lines[0].strip(), imds[0]

    def admin(self, method, path):
        """Calls the admin API; returns the decoded JSON."""
        if self.namespace is None:
            host_port = self.url.removeprefix("http://")
            conn = http.client.HTTPConnection(host_port, timeout=30)
            try:
                conn.request(method, path, body=b"" if method == "POST" else None)
                resp = conn.getresponse()
                body = resp.read()
            finally:
                conn.close()
            if resp.status != 200:
                raise RuntimeError(f"{method} {path}: HTTP {resp.status}: {body[:300]!r}")
            return json.loads(body)
        body = ["--data", ""] if method == "POST" else []
        argv = self.namespace.exec_prefix() + ["curl", "-sS", "--fail", "-X", method, *body, self.url + path]
        code, out = run_quiet(argv, timeout_s=30)
        if code != 0:
            raise RuntimeError(f"{method} {path} in {self.namespace.name}: curl exit {code}: {out[:300]}")
        return json.loads(out)

    def reset(self):
        self.admin("POST", "/_sim/reset")

    def last_seq(self):
        return self.admin("GET", "/_sim/calls?since=0")["last_seq"]

    def calls_since(self, seq):
        return self.admin("GET", f"/_sim/calls?since={seq}")["calls"]

    def vip_targets(self, tables):
        """route table id -> the ENI its VIP route points to (None: no such route), from /_sim/state."""
        state = self.admin("GET", "/_sim/state")
        wanted = set(tables)
        out = {t: None for t in tables}
        for rt in state["route_tables"]:
            if rt["id"] in wanted:
                for route in rt["routes"]:
                    if route["destination"] == VIP_CIDR:
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


def last_write_answered_ms(calls, start_wall_ns):
    """From the call log: when the last successful mutating EC2 call was answered (start + handling time),
    in ms after start_wall_ns; None when there was none."""
    ends = [
        (_arrival_us(c) + c.get("latency_us", c["latency_ms"] * 1000)) / 1e3
        for c in calls
        if c.get("kind") == "ec2" and c.get("action") in MUTATING and c.get("status") == 200
    ]
    if not ends:
        return None
    return max(ends) - start_wall_ns / 1e6


def count_calls(calls, kind, actions=None):
    return sum(1 for c in calls if c.get("kind") == kind and (actions is None or c.get("action") in actions))


def _arrival_us(call):
    return call["time_us"] if "time_us" in call else call["time_ms"] * 1000


def write_arrivals(calls, start_wall_ns):
    """From the call log of one run: when the first mutating EC2 call reached the simulator (ms after
    start_wall_ns), how far apart the first and the last arrived (ms), and how many DescribeRouteTables
    arrived before the first. (None, None, None) when there was no mutating call."""
    writes = sorted(_arrival_us(c) for c in calls if c.get("kind") == "ec2" and c.get("action") in MUTATING)
    if not writes:
        return None, None, None
    reads = sum(
        1 for c in calls
        if c.get("kind") == "ec2" and c.get("action") == "DescribeRouteTables" and _arrival_us(c) < writes[0]
    )
    return (writes[0] - start_wall_ns / 1e3) / 1e3, (writes[-1] - writes[0]) / 1e3, reads
