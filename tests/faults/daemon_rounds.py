"""The daemon's rounds of the fault campaign (issue 10, items 3 and 4): a real `cloudvip run` per member (a
and b, each with its own IMDS identity from the simulator, a `command` leader source the campaign flips, a
control socket and an identity cache in its own directory), under the round's faults. Both daemons run for
the whole campaign; between daemon rounds both are told "standby", so the acquire rounds are not fought.

A daemon round tells the member that does not hold the VIP that it is primary (the other standby) and
waits until every table points at it, bounded by the failover budget ([daemon] failover_timeout = the
campaign's deadline) plus the leader source's poll and some slack for a loaded machine. A crash round
slows the writes down (latency, fail_next), SIGKILLs the new primary's daemon once some but not all tables
point at it, winds one table back to the old holder if the writes it had in flight finished the takeover
anyway, leaves truncated cache entries and a temp file beside the stale control socket, restarts it and
requires convergence."""

import os
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "daemon"))
from daemon_member import Member  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "bench"))
from cvbench import sim as simmod  # noqa: E402
from cvbench.sigv4 import signed_headers  # noqa: E402


def replace_route(sim_url, table, cidr, eni, region):
    """A ReplaceRoute signed with the simulator's admin key (the peer's hand, or an operator's)."""
    import http.client
    import urllib.parse

    body = urllib.parse.urlencode({"Action": "ReplaceRoute", "Version": "2016-11-15", "RouteTableId": table,
                                   "DestinationCidrBlock": cidr, "NetworkInterfaceId": eni})
    host = sim_url.removeprefix("http://")
    conn = http.client.HTTPConnection(host, timeout=30)
    try:
        conn.request("POST", "/", body=body,
                     headers=signed_headers(host, body, simmod.ADMIN_KEY, simmod.ADMIN_SECRET, region))
        resp = conn.getresponse()
        resp.read()
    finally:
        conn.close()
    if resp.status != 200:
        raise RuntimeError(f"ReplaceRoute on {table}: HTTP {resp.status}")

# The command source polls every 200 ms; a loaded 2-core machine needs some slack on top.
SLACK_S = 3.0


class DaemonRounds:
    def __init__(self, campaign, members, interval_ms):
        self.c = campaign
        self.members = members  # name -> (instance, eni)
        self.interval_ms = interval_ms
        self.daemons = {}
        self.holder = None

    def start(self):
        c = self.c
        env = {"AWS_ACCESS_KEY_ID": c.env()["AWS_ACCESS_KEY_ID"],
               "AWS_SECRET_ACCESS_KEY": c.env()["AWS_SECRET_ACCESS_KEY"]}
        for name, (instance, _) in self.members.items():
            m = Member(name, c.args.cloudvip, c.sim.url, c.sim.imds[instance], os.path.join(c.workdir, "daemons"),
                       self.interval_ms, c.tables, c.vip, region=c.region, failover_timeout_ms=c.args.deadline_ms,
                       env=env)
            m.start()
            self.daemons[name] = m
        # Both answer on their control sockets (bounded) before the first round.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if all(self.ready(m) for m in self.daemons.values()):
                return
            time.sleep(0.2)
        raise RuntimeError("the daemons did not come up: " + self.tail())

    @staticmethod
    def ready(member):
        try:
            return member.alive() and bool(member.raw_status(timeout_s=5).get("json", {}).get("vips"))
        except (OSError, ValueError):
            return False

    def stop(self):
        for m in self.daemons.values():
            m.set_role("standby")
            m.stop()

    def tail(self, lines=40):
        out = []
        for name, m in self.daemons.items():
            try:
                out.append(f"--- daemon {name}: " + "".join(m.log_text().splitlines(True)[-lines:]))
            except OSError:
                pass
        return "\n".join(out)

    def wait_converged(self, member, limit_s):
        start = time.monotonic()
        while time.monotonic() - start < limit_s:
            ok, wrong = self.c.converged(member)
            if ok:
                return True, time.monotonic() - start, {}
            time.sleep(0.05)
        ok, wrong = self.c.converged(member)
        return ok, time.monotonic() - start, wrong

    def stand_down(self, limit_s=15):
        """Both daemons told standby, and waited for (bounded) until both say so: the next round is a fresh
        acquire, and a daemon still primary from this round would take its tables back as drift."""
        for m in self.daemons.values():
            m.set_role("standby")
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            try:
                if all(m.raw_phase() == "standby" for m in self.daemons.values()):
                    return True
            except (OSError, ValueError):
                pass
            time.sleep(0.1)
        return False

    def flip(self, member):
        for name, m in self.daemons.items():
            m.set_role("primary" if name == member else "standby")

    def round(self, n, faults, imds_kind, code):
        c = self.c
        member = c.away(n)
        c.sim.faults(faults)
        seq = c.sim.last_seq()
        self.flip(member)
        ok, took, wrong = self.wait_converged(member, c.args.deadline_ms / 1000 + SLACK_S)
        c.sim.faults(c.quiet())
        stood_down = self.stand_down()
        calls = c.sim.calls_since(seq)
        ec2, writes, failed = c.count(calls)
        c.violation_list += c.violations(calls)
        alive = all(m.alive() for m in self.daemons.values())
        row = {"round": n, "kind": "daemon", "to": member, "error": code, "lag_ms": faults["lag_ms"],
               "imds": imds_kind, "exit": 0 if alive else "died", "seconds": round(took, 3),
               "converged": ok and alive and stood_down, "stood_down": stood_down, "ec2_calls": ec2,
               "writes": writes, "failed_answers": failed}
        if not row["converged"]:
            row["wrong"] = wrong
            row["stderr_tail"] = self.tail()[-3000:]
        c.rows.append(row)
        return row

    def crash_round(self, n):
        c = self.c
        member = c.away(n)
        _, eni = self.members[member]
        half = max(1, len(c.tables) // 2)
        faults = c.quiet()
        # Every call slowed down more than in acquire's crash rounds: the daemon retries a failed write within
        # about 100 ms, so the window between the first and the last table must outlast this test's polling.
        faults["latency_ms"] = max(c.args.crash_latency_ms, 1500)
        faults["fail_next"] = [{"action": "ReplaceRoute", "count": half, "code": "InternalError", "status": 500}]
        c.sim.faults(faults)
        seq = c.sim.last_seq()
        self.flip(member)
        victim = self.daemons[member]
        killed = False
        start = time.monotonic()
        while time.monotonic() - start < c.args.deadline_ms / 1000 + SLACK_S:
            targets = c.sim.targets(c.tables)
            moved = sum(1 for e in targets.values() if e == eni)
            if 0 < moved < len(c.tables):
                victim.proc.send_signal(signal.SIGKILL)  # the daemon only (it shares the campaign's group)
                victim.proc.wait(timeout=10)
                victim.stop()
                killed = True
                break
            if moved == len(c.tables):
                break
            time.sleep(0.02)
        moved_at_kill = sum(1 for e in c.sim.targets(c.tables).values() if e == eni)
        c.sim.faults(c.quiet())
        # Requests the daemon sent before it died may still be in the simulator (handled on arrival, answered
        # after its latency). Once they are done, a takeover that they finished is wound back on one table, as the peer
        # would have left it, so the restarted daemon always has work to do.
        time.sleep(faults["latency_ms"] / 1000 + 0.5)
        rewound = []
        if killed and all(e == eni for e in c.sim.targets(c.tables).values()):
            old = self.members["b" if member == "a" else "a"][1]
            replace_route(c.sim.url, c.tables[0], c.vip + "/32", old, c.region)
            rewound.append(c.tables[0])
        # What the killed daemon leaves: its control socket (still on disk), a temp file and, as if killed
        # mid-write without atomic rename, a truncated cache entry. None may block the restart.
        stale_socket = os.path.exists(victim.socket)
        os.makedirs(victim.cache_dir, exist_ok=True)
        with open(os.path.join(victim.cache_dir, "identity-0000000000000000-primary.json.tmp.99999"), "w") as f:
            f.write('{"version": 2, "boot_')
        for name in os.listdir(victim.cache_dir):
            if name.endswith(".json"):  # identity entries and route views alike
                with open(os.path.join(victim.cache_dir, name), "w") as f:
                    f.write('{"version": 2, "boot_id": "trunc')
        victim.start()
        ok, took, wrong = self.wait_converged(member, c.args.deadline_ms / 1000 + SLACK_S + 5)
        up = self.ready(victim)
        stood_down = self.stand_down()
        calls = c.sim.calls_since(seq)
        ec2, writes, failed = c.count(calls)
        c.violation_list += c.violations(calls)
        row = {"round": n, "kind": "daemon-crash", "to": member, "imds": "imds-ok", "lag_ms": 0, "killed": killed,
               "tables_written_at_kill": moved_at_kill, "rewound": rewound, "stale_socket": stale_socket, "exit": 0 if up else "down",
               "seconds": round(time.monotonic() - start, 3), "restart_to_converged_s": round(took, 3),
               "converged": ok and killed and up and stood_down, "stood_down": stood_down, "ec2_calls": ec2,
               "writes": writes, "failed_answers": failed}
        if not row["converged"]:
            row["wrong"] = wrong
            row["stderr_tail"] = self.tail()[-3000:]
        c.rows.append(row)
        return row
