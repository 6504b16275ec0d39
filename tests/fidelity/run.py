#!/usr/bin/python3
"""The fidelity suite: the real AWS clients Debian ships (boto3 from python3-boto3 under /usr/bin/python3, and
the AWS CLI v2 at /usr/bin/aws) against cloudvip-sim. Runs boto3_suite.py and cli_suite.py side by side, each
with its own simulators and a clean environment, and ends with one line CI can read:

    fidelity: 39 passed, 0 failed (25.3 s)

Usage: tests/fidelity/run.py [--sim build/cloudvip-sim] [--suite all|boto3|cli] [--workers N]
Exit status: 0 all passed; 1 a check failed, a suite did not finish or ran another number of checks than
EXPECTED_CHECKS says; 77 (skipped) a client is missing and CI is not set (with CI=true a missing client is
a failure).
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

SUITE_TIMEOUT_S = 300
COUNT_LINE = re.compile(r"^(\w+): (\d+) passed, (\d+) failed")
# How many checks each suite runs (passed + failed on its count line). A suite that reports fewer (or
# more) did not run what it should: that is a failure. Adding a check to a suite means updating this.
EXPECTED_CHECKS = {
    "boto3": 24,  # the bad-scenario and start checks, 21 named checks, the SIGTERM check
    "cli": 16,    # the start check, 14 CHECKS, the SIGTERM check
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sim", default=h.DEFAULT_SIM, help="the cloudvip-sim binary")
    parser.add_argument("--suite", choices=["all", "boto3", "cli"], default="all")
    parser.add_argument("--workers", type=int, default=3, help="parallel aws CLI workers (one sim each)")
    options = parser.parse_args()

    missing = h.clients_missing()
    if missing:
        h.missing_clients_exit(missing, "fidelity")
    if not os.access(options.sim, os.X_OK):
        print(f"fidelity: FAIL: no cloudvip-sim at {options.sim} (build it: cmake --build build)")
        return 1

    started = time.monotonic()
    home = tempfile.mkdtemp(prefix="cloudvip-fidelity-home-")
    here = os.path.dirname(os.path.abspath(__file__))
    commands = {
        "boto3": [h.PYTHON, os.path.join(here, "boto3_suite.py"), options.sim],
        "cli": [h.PYTHON, os.path.join(here, "cli_suite.py"), options.sim, "--workers", str(options.workers)],
    }
    suites = list(commands) if options.suite == "all" else [options.suite]
    counts = {}
    codes = {}
    print_lock = threading.Lock()

    def run(name):
        # env -i in substance: only what the suite needs; each suite builds its clients' environments.
        env = h.client_env(home, keys=None)
        proc = subprocess.Popen(commands[name], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, stdin=subprocess.DEVNULL, start_new_session=True)
        def kill():
            try:
                os.killpg(proc.pid, 9)  # the suite's own process group: it, its sims and its clients
            except ProcessLookupError:
                pass

        timer = threading.Timer(SUITE_TIMEOUT_S, kill)
        timer.start()
        try:
            for line in proc.stdout:
                with print_lock:
                    sys.stdout.write(line)
                    sys.stdout.flush()
                match = COUNT_LINE.match(line)
                if match and match.group(1) == name:
                    counts[name] = (int(match.group(2)), int(match.group(3)))
            codes[name] = proc.wait()
        finally:
            timer.cancel()

    threads = [threading.Thread(target=run, args=(name,)) for name in suites]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    if all(codes.get(name) == 77 for name in suites):
        return 77
    passed = sum(counts.get(name, (0, 0))[0] for name in suites)
    failed = sum(counts.get(name, (0, 0))[1] for name in suites)
    for name in suites:
        if name not in counts or codes.get(name) not in (0, 1):
            print(f"fidelity: the {name} suite did not finish (exit {codes.get(name)}); counted as a failure")
            failed += 1
            continue
        if codes[name] != 0 and counts[name][1] == 0:
            failed += 1
        ran = sum(counts[name])
        if ran != EXPECTED_CHECKS[name]:
            print(f"fidelity: the {name} suite ran {ran} checks, expected {EXPECTED_CHECKS[name]} "
                  f"(EXPECTED_CHECKS in {os.path.basename(__file__)}); counted as a failure")
            failed += 1
    if passed == 0:
        print("fidelity: no check passed; counted as a failure")
        failed += 1
    print(f"fidelity: {passed} passed, {failed} failed ({time.monotonic() - started:.1f} s)", flush=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
