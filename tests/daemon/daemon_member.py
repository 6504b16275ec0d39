"""One `cloudvip run` member of an HA pair against cloudvip-sim, as the daemon tests start it: its own
directory (config, control socket, identity cache, log), its own IMDS identity from the simulator, and a
`command` leader source (a tiny shell command whose exit code, 0 primary or 3 standby, is read from a file
the test writes: set_role() flips it). Shared by tests/daemon/two_daemons.py and tests/faults/campaign.py."""

import json
import os
import signal
import socket
import subprocess


class Member:
    """`name` is a or b; `imds_url` the member's metadata service; `env` extra environment (credentials)."""

    def __init__(self, name, cloudvip, sim_url, imds_url, workdir, interval_ms, tables, vip,
                 region="us-east-1", failover_timeout_ms=None, env=None, log_level="info"):
        self.name = name
        self.cloudvip = cloudvip
        self.imds_url = imds_url
        self.extra_env = dict(env or {})
        self.log_level = log_level
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.role_file = os.path.join(self.dir, "role")
        self.config = os.path.join(self.dir, "cloudvip.toml")
        self.socket = os.path.join(self.dir, "control.sock")
        self.log_path = os.path.join(self.dir, "daemon.log")
        self.cache_dir = os.path.join(self.dir, "cache")
        self.set_role("standby")
        budget = f'failover_timeout = "{failover_timeout_ms}ms"\n' if failover_timeout_ms else ""
        self.good_config = (
            f'[aws]\nregion = "{region}"\nendpoint = "{sim_url}"\n\n'
            f'[daemon]\ninterval = "{interval_ms}ms"\ncontrol_socket = "{self.socket}"\n{budget}\n'
            f'[[vip]]\nname = "db"\naddress = "{vip}"\nroute_tables = {json.dumps(list(tables))}\n'
            f"local_address = false\n\n"
            f'[vip.leader]\nsource = "command"\n'
            f'command = ["/bin/sh", "-c", "exit $(cat {self.role_file})"]\n'
            f'poll_interval = "200ms"\ntimeout = "2s"\n'
        )
        self.write_config(self.good_config)
        self.proc = None
        self.log = None

    def set_role(self, role):
        with open(self.role_file + ".tmp", "w") as f:
            f.write("0" if role == "primary" else "3")
        os.replace(self.role_file + ".tmp", self.role_file)

    def write_config(self, text):
        with open(self.config, "w") as f:
            f.write(text)

    def env(self):
        env = {"PATH": "/usr/bin:/bin", "HOME": self.dir, "AWS_EC2_METADATA_SERVICE_ENDPOINT": self.imds_url,
               "CLOUDVIP_CACHE_DIR": self.cache_dir}
        env.update(self.extra_env)
        return env

    def start(self):
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen([self.cloudvip, "run", "--config", self.config, "--log-level", self.log_level],
                                     env=self.env(), stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def status(self):
        out = subprocess.run([self.cloudvip, "status", "--config", self.config, "--control-socket", self.socket,
                              "--json"], env=self.env(), capture_output=True, text=True, timeout=30)
        try:
            return json.loads(out.stdout)
        except json.JSONDecodeError:
            return {"error": out.stdout + out.stderr}

    def phase(self):
        vips = self.status().get("vips") or [{}]
        return vips[0].get("phase")

    def raw_status(self, timeout_s=30):
        """The status answer of the control socket itself (the CLI would first read the config file)."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout_s)
            s.connect(self.socket)
            s.sendall(b'{"op": "status"}\n')
            data = b""
            while not data.endswith(b"\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        return json.loads(data)

    def raw_phase(self):
        vips = self.raw_status().get("json", {}).get("vips") or [{}]
        return vips[0].get("phase")

    def send(self, sig):
        self.proc.send_signal(sig)

    def stop(self, sig=signal.SIGTERM):
        if self.alive():
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.log:
            self.log.close()
            self.log = None

    def log_text(self):
        with open(self.log_path) as f:
            return f.read()
