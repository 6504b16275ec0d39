#!/usr/bin/env python3
"""The hook command of the IRIS routines (integrations/iris/ZCLOUDVIP.mac, Signal), run exactly as the routine
builds it, against real `cloudvip run` daemons (members a and b, source = "trigger") and one real cloudvip-sim:

  /usr/bin/timeout --kill-after=2 15 cloudvip notify ROLE --fallback --config F --timeout 10

  1. with a daemon: the hook exits 0 with the daemon's "noted: primary", makes no EC2 call itself (its calls
     would carry the admin key; the daemons sign with their IMDS role), and the daemon moves every table
  2. a says standby (%ZSTOP), b says primary: every table follows b, and again the hooks call no EC2
  3. no daemon on a (stopped): the same hook acquires here, and exits 0 with every table already on a
  4. a daemon that is there but silent (SIGSTOP): the hook exits 1 and calls no EC2: no second actor
  Never a DeleteRoute.

Every wait is bounded; nothing asserts on timing. Exit 0 on success, 1 on a failed check, 77 (skip) when
cloudvip has no `run` command."""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from two_daemons import (ENI, INSTANCE, KEY, SECRET, TABLES, VIP, Failure, Member, Sim, check,  # noqa: E402
                         every_table, wait_for)


def trigger_config(member, sim):
    return (f'[aws]\nregion = "us-east-1"\nendpoint = "{sim.url}"\n\n'
            f'[daemon]\ninterval = "500ms"\ncontrol_socket = "{member.socket}"\n\n'
            f'[[vip]]\nname = "db"\naddress = "{VIP}"\nroute_tables = {json_list(TABLES)}\n'
            f'local_address = false\n\n[vip.leader]\nsource = "trigger"\n')


def json_list(items):
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


def hook(member, role):
    """ZCLOUDVIP's Signal: the argv $ZF(-100) runs, with the admin key so the hook's own EC2 calls show."""
    argv = ["/usr/bin/timeout", "--kill-after=2", "15", member.cloudvip, "notify", role, "--fallback",
            "--config", member.config, "--timeout", "10"]
    env = dict(member.env(), AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET)
    out = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    print(f"hook {member.name} {role}: exit {out.returncode}: {out.stdout.strip()[:200]!r}", flush=True)
    return out


def hook_calls(sim, seq):
    calls = sim.admin("GET", f"/_sim/calls?since={seq}")["calls"]
    return [c for c in calls if c.get("kind") == "ec2" and c.get("access_key_id") == KEY]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sim", required=True)
    p.add_argument("--cloudvip", required=True)
    p.add_argument("--scenario", required=True)
    p.add_argument("--keep", action="store_true")
    args = p.parse_args()
    help_text = subprocess.run([args.cloudvip, "run", "--help"], capture_output=True, text=True).stdout
    if "SIGHUP" not in help_text:
        print("skip: this cloudvip has no `run` command", flush=True)
        return 77
    if not os.access("/usr/bin/timeout", os.X_OK):
        print("FAIL: /usr/bin/timeout (coreutils) is missing", flush=True)
        return 1
    workdir = tempfile.mkdtemp(prefix="cloudvip-hook-notify-")
    sim = Sim(args.sim, args.scenario, workdir)
    members = {name: Member(name, args.cloudvip, sim.url, sim.imds[INSTANCE[name]], workdir, 500, TABLES, VIP)
               for name in ("a", "b")}
    failed = None
    try:
        for m in members.values():
            m.write_config(trigger_config(m, sim))
            m.start()
        wait_for("both daemons answer on their control sockets",
                 lambda: all(m.phase() is not None for m in members.values()), 60)

        # 1. a's mirror becomes primary.
        seq = sim.last_seq()
        out = hook(members["a"], "primary")
        check(out.returncode == 0 and "noted: primary" in out.stdout, "the hook handed primary to a's daemon")
        wait_for("a's daemon points every route table at a", every_table(sim, "a"), 60)
        check(not hook_calls(sim, seq), "the hook itself made no EC2 call")

        # 2. %ZSTOP on a, then b becomes primary.
        seq = sim.last_seq()
        out = hook(members["a"], "standby")
        check(out.returncode == 0 and "noted: standby" in out.stdout, "the hook handed standby to a's daemon")
        out = hook(members["b"], "primary")
        check(out.returncode == 0 and "noted: primary" in out.stdout, "the hook handed primary to b's daemon")
        wait_for("b's daemon points every route table at b", every_table(sim, "b"), 60)
        check(not hook_calls(sim, seq), "the hooks made no EC2 call")

        # 3. no daemon on a: b steps down (so its daemon does not take the tables back), a's daemon is stopped,
        # and a's hook acquires by itself.
        check(hook(members["b"], "standby").returncode == 0, "b's daemon took standby")
        wait_for("b's daemon is standby", lambda: members["b"].phase() == "standby", 30)
        members["a"].stop()
        seq = sim.last_seq()
        out = hook(members["a"], "primary")
        check(out.returncode == 0, f"with no daemon the hook acquired (exit {out.returncode}): {out.stderr[-300:]}")
        check(every_table(sim, "a")(), "every route table points at a when the hook returns")
        check(hook_calls(sim, seq), "the hook made the EC2 calls itself")
        check("noted" not in out.stdout, "the answer is the acquire's report, not a daemon's")

        # 4. b's daemon is there but does not answer: the hook must not act beside it.
        members["b"].send(signal.SIGSTOP)
        try:
            seq = sim.last_seq()
            out = hook(members["b"], "primary")
            check(out.returncode == 1, f"a silent daemon makes the hook fail (exit {out.returncode})")
            check(not hook_calls(sim, seq), "and the hook made no EC2 call: no second actor")
            check(every_table(sim, "a")(), "the tables stayed on a")
        finally:
            members["b"].send(signal.SIGCONT)

        deletes = [a for a in sim.all_actions() if a == "DeleteRoute"]
        check(not deletes, "no DeleteRoute")
    except Failure as e:
        failed = str(e)
    finally:
        for m in members.values():
            m.stop()
        sim.stop()
        if failed:
            print(f"FAIL: {failed}", flush=True)
            for m in members.values():
                if os.path.exists(m.log_path):
                    print(f"--- {m.name} daemon log (last 3000 chars)\n{m.log_text()[-3000:]}", flush=True)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
