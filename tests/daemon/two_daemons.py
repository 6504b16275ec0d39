#!/usr/bin/env python3
"""Two `cloudvip run` daemons, members a and b, against one real cloudvip-sim (each with its own IMDS), each
following a `command` source: a tiny shell command whose exit code (0 primary, 3 standby) is read from a file
this test writes. The simulator's call log proves what was, and was not, written.

  1. a primary, b standby        -> every table to a; b writes nothing
  2. flip                        -> every table to b
  3. drift written with the aws CLI (or a signed EC2 call) -> repaired by b
  4. both primary                -> contested after a bounded number of writes; then no writes
  5. EC2 failing for --outage seconds (every call 500) during a flip -> converges after
  6. SIGHUP with a broken file   -> keeps running (and still answers on its control socket)
  7. kill -9 of the new primary mid-failover, restart -> converges
  Never a DeleteRoute.

Every wait is bounded (generously: the machine is loaded); nothing asserts on timing. Exit 0 on success, 1 on
a failed check, 77 (skip) when cloudvip has no `run` command."""

import argparse
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from daemon_member import Member  # noqa: E402  (the launcher, shared with tests/faults/campaign.py)

INSTANCE = {"a": "i-0a1b2c3d4e5f6000a", "b": "i-0a1b2c3d4e5f6000b"}
ENI = {"a": "eni-0a1b2c3d4e5f6000a", "b": "eni-0a1b2c3d4e5f6000b"}
TABLES = ["rtb-0a1b2c3d4e5f6aaa0", "rtb-0a1b2c3d4e5f6aaa1", "rtb-0a1b2c3d4e5f6aaa2"]
VIP = "192.168.100.10"
VIP_CIDR = VIP + "/32"
KEY = "AKIACLOUDVIPADMIN001"
SECRET = "cloudvip-sim-admin-secret-not-a-real-key"
MUTATING = {"CreateRoute", "ReplaceRoute", "DeleteRoute"}


class Failure(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Failure(what)
    print(f"ok: {what}", flush=True)


class Sim:
    def __init__(self, binary, scenario, workdir):
        argv = [binary, "--scenario", scenario, "--listen", "127.0.0.1:0", "--no-throttle",
                "--imds", f"{INSTANCE['a']}=127.0.0.1:0", "--imds", f"{INSTANCE['b']}=127.0.0.1:0"]
        self.err = open(os.path.join(workdir, "sim.log"), "w")
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.err, stdin=subprocess.DEVNULL)
        lines, buf, deadline = [], b"", time.monotonic() + 30
        while len(lines) < 3 and time.monotonic() < deadline:
            if select.select([self.proc.stdout], [], [], 0.2)[0]:
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if not chunk:
                    break
                buf += chunk
                *done, buf = buf.split(b"\n")
                lines += [line.decode().strip() for line in done]
        if len(lines) < 3:
            raise Failure(f"cloudvip-sim did not start: {lines}")
        self.url = lines[0]
        self.imds = {}
        for line in lines[1:]:
            _, instance, url = line.split()
            self.imds[instance] = url

    def admin(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read())

    def holders(self):
        out = {t: None for t in TABLES}
        for rt in self.admin("GET", "/_sim/state")["route_tables"]:
            if rt["id"] in out:
                for route in rt["routes"]:
                    if route["destination"] == VIP_CIDR:
                        out[rt["id"]] = route.get("network_interface_id")
        return out

    def last_seq(self):
        return self.admin("GET", "/_sim/calls?since=0")["last_seq"]

    def writes_since(self, seq):
        calls = self.admin("GET", f"/_sim/calls?since={seq}")["calls"]
        return [c for c in calls if c.get("kind") == "ec2" and c.get("action") in MUTATING]

    def all_actions(self):
        calls = self.admin("GET", "/_sim/calls?since=0")["calls"]
        return [c.get("action") for c in calls if c.get("kind") == "ec2"]

    def faults(self, settings):
        return self.admin("POST", "/_sim/faults", settings)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def writer(call):
    """The ENI a route write points at: which member wrote it (each writes only its own ENI)."""
    for name, value in call.get("params", []):
        if name == "NetworkInterfaceId":
            return value
    return ""


def wait_for(what, condition, timeout_s):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            print(f"ok: {what}", flush=True)
            return
        time.sleep(0.2)
    raise Failure(f"timed out ({timeout_s} s) waiting for: {what}")


def every_table(sim, member):
    return lambda: all(h == ENI[member] for h in sim.holders().values())


def drift(sim, table, eni):
    """A route changed behind the daemons' back, with the real aws CLI when it is installed."""
    aws = shutil.which("aws", path="/usr/bin:/usr/local/bin")
    env = {"PATH": "/usr/bin:/bin", "AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": SECRET,
           "AWS_DEFAULT_REGION": "us-east-1", "HOME": tempfile.gettempdir(), "AWS_EC2_METADATA_DISABLED": "true"}
    if aws:
        subprocess.run([aws, "--endpoint-url", sim.url, "ec2", "replace-route", "--route-table-id", table,
                        "--destination-cidr-block", VIP_CIDR, "--network-interface-id", eni],
                       env=env, check=True, capture_output=True, timeout=60)
        return "aws CLI"
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
    from cvbench.sigv4 import signed_headers  # noqa: E402
    import http.client
    body = (f"Action=ReplaceRoute&Version=2016-11-15&RouteTableId={table}"
            f"&DestinationCidrBlock={VIP_CIDR.replace('/', '%2F')}&NetworkInterfaceId={eni}")
    host = sim.url.removeprefix("http://")
    conn = http.client.HTTPConnection(host, timeout=30)
    conn.request("POST", "/", body=body, headers=signed_headers(host, body, KEY, SECRET, "us-east-1"))
    if conn.getresponse().status != 200:
        raise Failure("the drift write was refused")
    return "a signed EC2 call"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sim", required=True)
    p.add_argument("--cloudvip", required=True)
    p.add_argument("--scenario", required=True)
    p.add_argument("--interval-ms", type=int, default=500)
    p.add_argument("--outage", type=float, default=30, help="seconds of EC2 failing (step 5)")
    p.add_argument("--keep", action="store_true")
    args = p.parse_args()
    help_text = subprocess.run([args.cloudvip, "run", "--help"], capture_output=True, text=True).stdout
    if "SIGHUP" not in help_text:
        print("skip: this cloudvip has no `run` command", flush=True)
        return 77
    workdir = tempfile.mkdtemp(prefix="cloudvip-two-daemons-")
    sim = Sim(args.sim, args.scenario, workdir)
    members = {name: Member(name, args.cloudvip, sim.url, sim.imds[INSTANCE[name]], workdir, args.interval_ms,
                            TABLES, VIP) for name in ("a", "b")}
    failed = None
    try:
        interval_s = args.interval_ms / 1000
        # 1. a primary, b standby.
        members["a"].set_role("primary")
        for m in members.values():
            m.start()
        wait_for("a primary: every route table points at a", every_table(sim, "a"), 60)
        wait_for("both daemons answer on their control sockets",
                 lambda: members["a"].phase() == "primary" and members["b"].phase() == "standby", 30)
        check(not [c for c in sim.writes_since(0) if writer(c) == ENI["b"]], "the standby wrote nothing")

        # 2. flip.
        members["a"].set_role("standby")
        members["b"].set_role("primary")
        wait_for("flip: every route table points at b", every_table(sim, "b"), 60)

        # 3. drift, repaired by b within about one interval (bounded generously).
        seq = sim.last_seq()
        how = drift(sim, TABLES[1], ENI["a"])
        wait_for(f"drift written with {how} is repaired", every_table(sim, "b"), 30)
        repairs = [c for c in sim.writes_since(seq) if writer(c) == ENI["b"]]
        check(len(repairs) >= 1, f"b repaired it ({len(repairs)} write(s) since the drift)")
        check(not [c for c in sim.writes_since(seq) if writer(c) == ENI["a"] and c.get("access_key_id") != KEY],
              "the standby did not take part")

        # 4. both primary: a fight. The member that sees its tables taken more than 3 times in 60 s stops
        # writing (contested); the other then keeps the tables, so the writes stop.
        seq = sim.last_seq()
        members["a"].set_role("primary")
        wait_for("a daemon reports the VIP contested",
                 lambda: "contested" in (members["a"].phase(), members["b"].phase()), 90)
        contested = [n for n in ("a", "b") if members[n].phase() == "contested"]
        # The other member repairs what the contested one took last (one or two of its write rounds, each
        # retried after a failed read or write); only after that must the writes stop.
        time.sleep(max(3, 6 * interval_s))
        quiet = sim.last_seq()
        time.sleep(max(4, 8 * interval_s))
        fight_writes = len(sim.writes_since(seq))
        check(fight_writes <= 2 * len(TABLES) * 8, f"the fight took a bounded number of writes ({fight_writes})")
        check(len(sim.writes_since(quiet)) == 0, "no writes after that (no endless flapping)")
        check(all("CONTESTED" in members[n].log_text() for n in contested),
              f"the contested member's log says CONTESTED ({', '.join(contested)})")

        # 5. EC2 failing for --outage seconds while b takes over; converges after.
        for m in members.values():
            m.set_role("standby")  # a new answer for both: neither is contested any more
        wait_for("both stand by", lambda: members["a"].phase() == "standby" and members["b"].phase() == "standby", 30)
        for table in TABLES:
            drift(sim, table, ENI["a"])  # standbys repair nothing: every table stays at a
        sim.faults({"error_rate": {"rate": 1.0, "code": "InternalError", "status": 500}})
        members["b"].set_role("primary")
        time.sleep(args.outage)
        check(members["a"].alive() and members["b"].alive(), f"both daemons survived {args.outage:g} s of EC2 failing")
        check(all(h == ENI["a"] for h in sim.holders().values()), "nothing could be written during the outage")
        sim.faults({"error_rate": {"rate": 0.0}})
        wait_for("after the outage: every route table points at b", every_table(sim, "b"), 60)

        # 6. SIGHUP with a broken file keeps running.
        members["a"].write_config("[[vip]\nthis is not TOML\n")
        members["a"].send(signal.SIGHUP)
        wait_for("a logs the failed reload", lambda: "reload failed" in members["a"].log_text(), 30)
        check(members["a"].alive(), "a still runs after SIGHUP with a broken file")
        check(members["a"].raw_phase() == "standby", "a still answers on its control socket, with the old configuration")
        members["a"].write_config(members["a"].good_config)
        members["a"].send(signal.SIGHUP)
        wait_for("a reloads the good file", lambda: "reloaded" in members["a"].log_text(), 30)

        # 7. kill -9 of the new primary mid-failover (its writes slowed down), restart: converges.
        sim.faults({"latency_ms": 300})
        members["b"].set_role("standby")
        members["a"].set_role("primary")
        wait_for("a has started the failover", lambda: "source says primary" in members["a"].log_text().split("reloaded")[-1], 30)
        members["a"].stop(signal.SIGKILL)
        check(not members["a"].alive(), "a was killed (kill -9)")
        sim.faults({"latency_ms": 0})
        members["a"].start()
        wait_for("a restarted: every route table points at a", every_table(sim, "a"), 60)

        check("DeleteRoute" not in sim.all_actions(), "no DeleteRoute in the whole call log")
    except Failure as e:
        failed = str(e)
    finally:
        for m in members.values():
            m.stop()
        sim.stop()
    if failed:
        print(f"FAILED: {failed}", flush=True)
        for name in ("a", "b"):
            print(f"--- daemon {name} log (last 60 lines)")
            with open(members[name].log_path) as f:
                print("".join(f.readlines()[-60:]))
        print(f"work directory kept: {workdir}")
        return 1
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
