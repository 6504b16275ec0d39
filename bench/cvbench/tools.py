"""The failover actuators measured, each as a fresh process tree started by the benchmark:

- cloudvip: `cloudvip acquire` as member b (IMDS = b's listener, credentials from b's instance role).
  ack = the exit of a `--no-verify` run; verified = the exit of a run with cloudvip's own verification.
  With the warm cache, an unmeasured `cloudvip status` runs after every reset and before the measured
  acquire: the standby has looked at the tables (every route on member a) since the last change, as a
  monitor, `cloudvip check`, an earlier status or the daemon leaves it, so the route view in its cache is
  current and acquire writes without reading first. The cold cache has neither identity nor view.
- aws-cli: /usr/bin/aws ec2 replace-route once per route table, one process after another (what a
  hand-written notify script does), then one describe-route-tables process to verify.
- agent: Pacemaker's aws-vpc-move-ip `start`, inside a network namespace that plays member b.
  ack = the simulator's answer to its last ReplaceRoute (call log); verified = its exit (its `start` ends
  with its own monitor, a describe-route-tables per route table).
- agent-cloudvip: our drop-in ocf:cloudvip:aws-vpc-move-ip `start` (integrations/pacemaker), with the same
  parameters, tables, namespace and simulator as `agent`; it runs `cloudvip acquire`. ack and verified as
  for `agent` (its exit comes after cloudvip's own verification).

Every run starts from the scenario (POST /_sim/reset: every route to member a), and after it the benchmark
reads /_sim/state and fails the run unless every route table routes the VIP to member b's ENI."""

import json
import os
import stat
import time
from dataclasses import dataclass, field

from . import sim as simmod
from .procs import run_measured

AWS = "/usr/bin/aws"
AGENT = "/usr/lib/ocf/resource.d/heartbeat/aws-vpc-move-ip"
OUR_AGENT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                         "integrations", "pacemaker", "aws-vpc-move-ip")
OCF_ROOT = "/usr/lib/ocf"


@dataclass
class RunResult:
    ok: bool
    error: str = ""
    ack_ms: float = None
    verified_ms: float = None
    log_ack_ms: float = None  # last mutating call answered, from the call log
    first_write_ms: float = None  # the first mutating call reached the simulator (call log), after spawn
    write_spread_ms: float = None  # last minus first mutating call's arrival (call log), one run
    reads_before_write: int = None  # DescribeRouteTables calls that arrived before the first write
    rss_from: str = "launcher"
    max_rss_kib: int = 0
    cpu_ms: float = 0.0
    ec2_calls: int = 0
    imds_calls: int = 0
    processes: int = 0
    notes: list = field(default_factory=list)


class Runner:
    name = ""

    def __init__(self, workdir, launcher=None):
        self.workdir = workdir
        self.launcher = launcher

    def measure(self, argv, env, timeout_s, cwd):
        return run_measured(argv, env, timeout_s, cwd, launcher=self.launcher)

    def _fresh_dir(self, label, parent=None):
        path = os.path.join(parent or self.workdir, f"{self.name}-{label}-{time.monotonic_ns()}")
        os.makedirs(path)
        return path

    @staticmethod
    def _check_moved(sim, tables):
        targets = sim.vip_targets(tables)
        wrong = {t: eni for t, eni in targets.items() if eni != simmod.ENI_B}
        if wrong:
            sample = ", ".join(f"{t}->{eni}" for t, eni in list(wrong.items())[:3])
            return f"{len(wrong)} of {len(tables)} route tables not moved to {simmod.ENI_B} ({sample})"
        return ""

    @staticmethod
    def _failed(m, what):
        tail = (m.stderr.strip() or m.stdout.strip())[-600:]
        why = "timed out" if m.timed_out else f"exit {m.exit_code}"
        return f"{what}: {why}: {tail}"


class CloudvipRunner(Runner):
    """`cloudvip acquire`; `cold` gives every process an empty identity cache (the first failover after a
    boot), otherwise the cache a warm-up run filled is kept (every later failover)."""

    def __init__(self, workdir, cloudvip_path, cold=False, launcher=None, cache_root=None):
        super().__init__(workdir, launcher)
        self.cache_root = cache_root  # where the cache directories go (a tmpfs), else the work directory
        self.cloudvip = cloudvip_path
        self.cold = cold
        self.name = "cloudvip-cold" if cold else "cloudvip"
        self.warm_cache = None

    def _cache_dir(self, sim):
        # Every simulator serves the same scenario, so member b's cached identity is right for all of them.
        if self.cold:
            return self._fresh_dir("cache", self.cache_root)
        if self.warm_cache is None:
            self.warm_cache = self._fresh_dir("cache", self.cache_root)
        return self.warm_cache

    def argv(self, sim, tables, verify, command="acquire"):
        argv = [
            self.cloudvip, command, "--endpoint", sim.url, "--imds-endpoint", sim.imds_url,
            "--region", simmod.REGION, "--address", simmod.VIP, "--no-local",
        ]
        for t in tables:
            argv += ["--route-table", t]
        if not verify and command == "acquire":
            argv.append("--no-verify")
        return argv

    def _one(self, sim, tables, verify, deadline):
        home = self._fresh_dir("home")
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": home,
            "CLOUDVIP_CACHE_DIR": self._cache_dir(sim),
        }
        sim.reset()
        if not self.cold:
            # The standby's look at the tables (not measured): leaves the route view in the cache.
            s = run_measured(self.argv(sim, tables, False, "status"), env, max(1.0, deadline - time.monotonic()), home)
            if s.exit_code not in (0, 3):  # 3: the VIP is not held here, which is the point
                raise RuntimeError(self._failed(s, "cloudvip status (warm-up of the route view)"))
        seq = sim.last_seq()
        m = self.measure(self.argv(sim, tables, verify), env, max(1.0, deadline - time.monotonic()), home)
        calls = sim.calls_since(seq)
        return m, calls

    def run(self, sim, tables, deadline):
        r = RunResult(ok=False)
        m_ack, calls_ack = self._one(sim, tables, verify=False, deadline=deadline)
        r.processes += 1
        if m_ack.exit_code != 0:
            r.error = self._failed(m_ack, "cloudvip acquire --no-verify")
            return r
        r.error = self._check_moved(sim, tables)
        if r.error:
            return r
        m_ver, calls_ver = self._one(sim, tables, verify=True, deadline=deadline)
        r.processes += 1
        if m_ver.exit_code != 0:
            r.error = self._failed(m_ver, "cloudvip acquire")
            return r
        r.error = self._check_moved(sim, tables)
        if r.error:
            return r
        r.ok = True
        r.ack_ms = m_ack.elapsed_ms
        r.verified_ms = m_ver.elapsed_ms
        r.log_ack_ms = simmod.last_write_answered_ms(calls_ack, m_ack.start_wall_ns)
        r.first_write_ms, r.write_spread_ms, r.reads_before_write = simmod.write_arrivals(calls_ack, m_ack.start_wall_ns)
        r.rss_from = m_ver.rss_from
        r.max_rss_kib = max(m_ack.max_rss_kib, m_ver.max_rss_kib)
        r.cpu_ms = m_ver.cpu_ms
        r.ec2_calls = simmod.count_calls(calls_ver, "ec2")
        r.imds_calls = simmod.count_calls(calls_ver, "imds")
        return r

    def warm_up(self, sim, tables, deadline):
        if not self.cold:
            self._one(sim, tables, verify=False, deadline=deadline)


class AwsCliRunner(Runner):
    name = "aws-cli"

    def _env(self, sim, home):
        # A clean environment: credentials come from member b's instance role through its IMDS.
        return {
            "PATH": "/usr/bin:/bin",
            "HOME": home,
            "AWS_DEFAULT_REGION": simmod.REGION,
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": sim.imds_url + "/",
        }

    def run(self, sim, tables, deadline, warm_up=False):
        r = RunResult(ok=False)
        home = self._fresh_dir("home")
        env = self._env(sim, home)
        sim.reset()
        seq = sim.last_seq()
        start_wall_ns = None
        start = time.monotonic_ns()
        for t in tables:
            argv = [
                AWS, "--endpoint-url", sim.url, "ec2", "replace-route", "--route-table-id", t,
                "--destination-cidr-block", simmod.VIP_CIDR, "--network-interface-id", simmod.ENI_B,
            ]
            m = self.measure(argv, env, max(1.0, deadline - time.monotonic()), home)
            start_wall_ns = start_wall_ns or m.start_wall_ns
            r.processes += 1
            r.max_rss_kib = max(r.max_rss_kib, m.max_rss_kib)
            r.cpu_ms += m.cpu_ms
            if m.exit_code != 0:
                r.error = self._failed(m, f"aws ec2 replace-route {t}")
                return r
        ack_ms = (time.monotonic_ns() - start) / 1e6
        if warm_up:
            return r
        argv = [AWS, "--endpoint-url", sim.url, "--output", "json", "ec2", "describe-route-tables", "--route-table-ids"]
        m = self.measure(argv + list(tables), env, max(1.0, deadline - time.monotonic()), home)
        verified_ms = (time.monotonic_ns() - start) / 1e6
        r.processes += 1
        r.max_rss_kib = max(r.max_rss_kib, m.max_rss_kib)
        r.cpu_ms += m.cpu_ms
        if m.exit_code != 0:
            r.error = self._failed(m, "aws ec2 describe-route-tables")
            return r
        r.error = self._verify_output(m.stdout, tables) or self._check_moved(sim, tables)
        if r.error:
            return r
        calls = sim.calls_since(seq)
        r.ok = True
        r.ack_ms = ack_ms
        r.verified_ms = verified_ms
        r.log_ack_ms = simmod.last_write_answered_ms(calls, start_wall_ns)
        r.ec2_calls = simmod.count_calls(calls, "ec2")
        r.imds_calls = simmod.count_calls(calls, "imds")
        return r

    @staticmethod
    def _verify_output(stdout, tables):
        """What the notify script's verification sees: every table's VIP route on member b's ENI."""
        try:
            answer = json.loads(stdout)
        except json.JSONDecodeError as e:
            return f"describe-route-tables printed no JSON ({e})"
        moved = set()
        for rt in answer.get("RouteTables", []):
            for route in rt.get("Routes", []):
                if route.get("DestinationCidrBlock") == simmod.VIP_CIDR and route.get("NetworkInterfaceId") == simmod.ENI_B:
                    moved.add(rt.get("RouteTableId"))
        missing = set(tables) - moved
        return f"describe-route-tables: {len(missing)} tables not on {simmod.ENI_B}" if missing else ""

    def warm_up(self, sim, tables, deadline):
        self.run(sim, tables, deadline, warm_up=True)


class AgentRunner(Runner):
    """aws-vpc-move-ip `start` as Pacemaker runs it (root, OCF_RESKEY_* in the environment), inside the
    simulator's namespace. Two deviations, both forced: the agent has no endpoint parameter and the Debian
    aws CLI (2.9) reads no AWS_ENDPOINT_URL, so OCF_RESKEY_awscli is a two-line wrapper that execs
    /usr/bin/aws --endpoint-url SIM "$@"; and ~/.aws/config holds the region (what `aws configure` leaves),
    credentials come from the instance role through the simulated IMDS at 169.254.169.254."""

    name = "agent"
    agent = AGENT

    def _params(self, sim, home, wrapper):
        """OCF_RESKEY_* beyond ip, routing_table and interface."""
        return {"OCF_RESKEY_awscli": wrapper, "OCF_RESKEY_profile": "default", "OCF_RESKEY_region": simmod.REGION}

    def _home(self, sim):
        home = self._fresh_dir("home")
        os.makedirs(os.path.join(home, ".aws"))
        with open(os.path.join(home, ".aws", "config"), "w", encoding="utf-8") as f:
            f.write(f"[default]\nregion = {simmod.REGION}\noutput = text\n")
        wrapper = os.path.join(home, "aws-endpoint")
        with open(wrapper, "w", encoding="utf-8") as f:
            f.write(f'#!/bin/sh\nexec {AWS} --endpoint-url {sim.url} "$@"\n')
        os.chmod(wrapper, stat.S_IRWXU)
        return home, wrapper

    def run(self, sim, tables, deadline):
        r = RunResult(ok=False)
        home, wrapper = self._home(sim)
        env = {
            "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": home,
            "OCF_ROOT": OCF_ROOT,
            "OCF_RESOURCE_INSTANCE": "vip",
            "OCF_RESOURCE_TYPE": "aws-vpc-move-ip",
            "OCF_RESKEY_ip": simmod.VIP,
            "OCF_RESKEY_routing_table": ",".join(tables),
            "OCF_RESKEY_interface": "eth0",
        }
        env.update(self._params(sim, home, wrapper))
        # The VIP off eth0 as on a member that does not hold it (the agent's start puts it back).
        from .procs import run_quiet

        run_quiet(sim.namespace.exec_prefix() + ["ip", "addr", "del", simmod.VIP_CIDR, "dev", "eth0"])
        sim.reset()
        seq = sim.last_seq()
        argv = sim.namespace.exec_prefix() + [self.agent, "start"]
        m = self.measure(argv, env, max(1.0, deadline - time.monotonic()), home)
        r.processes += 1
        r.max_rss_kib = m.max_rss_kib
        r.cpu_ms = m.cpu_ms
        if m.exit_code != 0:
            r.error = self._failed(m, f"{self.agent} start")
            return r
        r.error = self._check_moved(sim, tables)
        if r.error:
            return r
        calls = sim.calls_since(seq)
        r.log_ack_ms = simmod.last_write_answered_ms(calls, m.start_wall_ns)
        r.ack_ms = r.log_ack_ms
        r.verified_ms = m.elapsed_ms
        r.ec2_calls = simmod.count_calls(calls, "ec2")
        r.imds_calls = simmod.count_calls(calls, "imds")
        r.ok = r.ack_ms is not None
        if not r.ok:
            r.error = "the call log has no successful ReplaceRoute"
        return r

    def warm_up(self, sim, tables, deadline):
        self.run(sim, tables, deadline)


class CloudvipAgentRunner(AgentRunner):
    """Our ocf:cloudvip:aws-vpc-move-ip `start`: AgentRunner's parameters (the original's awscli wrapper,
    profile and region; ours ignores awscli) plus `cloudvip` (the build's binary) and `endpoint` (the
    simulator), which take the place of the wrapper. cloudvip's identity cache lives in one directory for
    every run (warm after the first, as on a node after its first action this boot)."""

    name = "agent-cloudvip"
    agent = OUR_AGENT

    def __init__(self, workdir, cloudvip_path, launcher=None):
        super().__init__(workdir, launcher)
        self.cloudvip = cloudvip_path
        self.cache = None

    def _params(self, sim, home, wrapper):
        if self.cache is None:
            self.cache = self._fresh_dir("cache")
        params = super()._params(sim, home, wrapper)
        params.update({"OCF_RESKEY_cloudvip": self.cloudvip, "OCF_RESKEY_endpoint": sim.url,
                       "OCF_RESKEY_CRM_meta_timeout": "180000", "CLOUDVIP_CACHE_DIR": self.cache})
        return params
