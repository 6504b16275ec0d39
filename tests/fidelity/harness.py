"""Shared pieces of the fidelity suites: run cloudvip-sim, talk to its admin API, count checks.

Standard library only, so it runs under Debian's /usr/bin/python3 with nothing but python3-boto3 installed.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_SIM = os.path.join(REPO, "build", "cloudvip-sim")
TWO_AZ = os.path.join(REPO, "sim", "scenarios", "two-az.toml")
PAGING = os.path.join(HERE, "paging.toml")

AWS = "/usr/bin/aws"
PYTHON = "/usr/bin/python3"
REGION = "us-east-1"

# The two-az scenario's ids and keys (sim/scenarios/two-az.toml).
VPC = "vpc-0a1b2c3d4e5f60001"
SUBNET_A = "subnet-0a1b2c3d4e5f6000a"
SUBNET_B = "subnet-0a1b2c3d4e5f6000b"
SUBNET_CLIENT = "subnet-0a1b2c3d4e5f6000c"
SUBNET_VIP = "subnet-0a1b2c3d4e5f6000d"
RTB_MAIN = "rtb-0a1b2c3d4e5f6aaa0"
RTB_A = "rtb-0a1b2c3d4e5f6aaa1"
RTB_B = "rtb-0a1b2c3d4e5f6aaa2"
ALL_RTBS = [RTB_MAIN, RTB_A, RTB_B]
INSTANCE_A = "i-0a1b2c3d4e5f6000a"
INSTANCE_B = "i-0a1b2c3d4e5f6000b"
ENI_A = "eni-0a1b2c3d4e5f6000a"
ENI_B = "eni-0a1b2c3d4e5f6000b"
EIP_ALLOC = "eipalloc-0a1b2c3d4e5f60e01"
EIP_IP = "203.0.113.10"
ADMIN = ("AKIACLOUDVIPADMIN001", "cloudvip-sim-admin-secret-not-a-real-key")
READONLY = ("AKIACLOUDVIPREAD0001", "cloudvip-sim-readonly-secret-not-a-real-key")
ROUTES = ("AKIACLOUDVIPROUTES01", "cloudvip-sim-routes-secret-not-a-real-key")
SECRETS = [ADMIN[1], READONLY[1], ROUTES[1]]
OVERLAY_VIP = "192.168.100.10/32"  # outside the VPC: routable to an ENI freely
VIP_SUBNET_CIDR = "10.109.10.224/27"

START_TIMEOUT_S = 10
STOP_TIMEOUT_S = 10
HTTP_TIMEOUT_S = 10


class CheckFailed(AssertionError):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def expect_eq(actual, expected, what):
    if actual != expected:
        raise CheckFailed(f"{what}: expected {expected!r}, got {actual!r}")


def clients_missing():
    """What is missing of the real clients (an empty list when both are there)."""
    missing = []
    if not os.access(AWS, os.X_OK):
        missing.append(f"{AWS} (Debian package awscli)")
    if not os.access(PYTHON, os.X_OK):
        missing.append(PYTHON)
    elif subprocess.run([PYTHON, "-c", "import boto3"], env={"PATH": "/usr/bin:/bin"},
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0:
        missing.append(f"boto3 for {PYTHON} (Debian package python3-boto3)")
    return missing


def missing_clients_exit(missing, suite):
    """A missing client fails in CI (CI=true) and skips (77) elsewhere."""
    ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    print(f"{suite}: {'FAIL' if ci else 'SKIP'}: missing {', '.join(missing)}; run scripts/install-deps")
    sys.exit(1 if ci else 77)


def client_env(home, keys=ADMIN, **extra):
    """A clean environment for one real client: nothing from the caller's environment leaks in."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": home,
        "LANG": "C.UTF-8",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.path.join(home, "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "no-credentials"),
        "AWS_PAGER": "",
    }
    if keys is not None:
        env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"] = keys
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


class Sim:
    """One cloudvip-sim process on 127.0.0.1:0 with an IMDS listener per instance in `imds`."""

    def __init__(self, binary, scenario, imds=(), workdir=None):
        self.binary = binary
        self.scenario = scenario
        self.imds_instances = list(imds)
        self.workdir = workdir or tempfile.mkdtemp(prefix="cloudvip-fidelity-")
        self.url = None
        self.imds = {}
        self.proc = None

    def start(self):
        port_file = os.path.join(self.workdir, "sim.url")
        self.out_path = os.path.join(self.workdir, "sim.out")
        self.err_path = os.path.join(self.workdir, "sim.err")
        args = [self.binary, "--scenario", self.scenario, "--listen", "127.0.0.1:0", "--port-file", port_file,
                "--log-level", "warn"]
        for instance in self.imds_instances:
            args += ["--imds", f"{instance}=127.0.0.1:0"]
        with open(self.out_path, "wb") as out, open(self.err_path, "wb") as err:
            self.proc = subprocess.Popen(args, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not (os.path.exists(port_file) and os.path.getsize(port_file) > 0):
            if self.proc.poll() is not None:
                raise RuntimeError(f"cloudvip-sim exited {self.proc.returncode} at start: {self.stderr()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"cloudvip-sim wrote no --port-file within {START_TIMEOUT_S} s")
            time.sleep(0.02)
        with open(port_file) as f:
            self.url = f.read().strip()
        # stdout: the endpoint first, then "imds INSTANCE URL" per listener (written before the port file).
        with open(self.out_path) as f:
            lines = f.read().splitlines()
        if not lines or lines[0] != self.url:
            raise RuntimeError(f"the first stdout line is not the endpoint {self.url}: {lines!r}")
        for line in lines[1:]:
            parts = line.split()
            if len(parts) == 3 and parts[0] == "imds":
                self.imds[parts[1]] = parts[2]
        for instance in self.imds_instances:
            if instance not in self.imds:
                raise RuntimeError(f"no 'imds {instance} URL' line on stdout: {lines!r}")
        return self

    def stderr(self):
        try:
            with open(self.err_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        """SIGTERM, bounded wait; returns the exit status (SIGKILL and -9 when it hangs)."""
        if self.proc is None or self.proc.poll() is not None:
            return None if self.proc is None else self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=STOP_TIMEOUT_S)
            return -9

    def admin(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as response:
                return json.loads(response.read().decode() or "null")
        except urllib.error.HTTPError as e:
            raise CheckFailed(f"{method} {path}: HTTP {e.code}: {e.read().decode(errors='replace')}")

    def reset(self):
        self.admin("POST", "/_sim/reset")

    def state(self):
        return self.admin("GET", "/_sim/state")

    def calls(self, since=0):
        return self.admin("GET", f"/_sim/calls?since={since}")["calls"]

    def last_seq(self):
        return self.admin("GET", "/_sim/calls")["last_seq"]

    def faults(self, body):
        return self.admin("POST", "/_sim/faults", body)

    # Views of /_sim/state.
    def routes(self, rtb):
        for table in self.state()["route_tables"]:
            if table["id"] == rtb:
                return {r["destination"]: r for r in table["routes"]}
        raise CheckFailed(f"{rtb} is not in /_sim/state")

    def eni(self, eni_id):
        for eni in self.state()["network_interfaces"]:
            if eni["id"] == eni_id:
                return eni
        raise CheckFailed(f"{eni_id} is not in /_sim/state")

    def address(self, allocation_id):
        for address in self.state()["addresses"]:
            if address["allocation_id"] == allocation_id:
                return address
        raise CheckFailed(f"{allocation_id} is not in /_sim/state")

    def world(self):
        """/_sim/state as canonical text: equal before and after a call proves the call changed nothing."""
        return json.dumps(self.state(), sort_keys=True)


class Results:
    """Runs named checks, prints one line each and a closing count line."""

    def __init__(self, suite):
        self.suite = suite
        self.passed = 0
        self.failed = []
        self.started = time.monotonic()
        self.lock = threading.Lock()  # checks may run on several threads

    def check(self, name, fn, *args):
        t0 = time.monotonic()
        try:
            fn(*args)
        except Exception as e:  # a check that raises anything has failed; keep going with the next one
            detail = str(e) if isinstance(e, CheckFailed) else traceback.format_exc()
            with self.lock:
                self.failed.append(name)
                print(f"FAIL {self.suite}: {name}: {detail}", flush=True)
            return False
        with self.lock:
            self.passed += 1
            print(f"ok   {self.suite}: {name} ({time.monotonic() - t0:.2f} s)", flush=True)
        return True

    def finish(self):
        took = time.monotonic() - self.started
        print(f"{self.suite}: {self.passed} passed, {len(self.failed)} failed ({took:.1f} s)", flush=True)
        return 0 if not self.failed else 1
