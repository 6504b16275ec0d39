"""Run one child process and measure it.

With the launcher (build/cvbench-spawn, bench/cvbench_spawn.cc) the child is forked from that small
program, which measures it as /usr/bin/time does: wall time from just before fork to just after the reap,
and the rusage of the child's process tree (ru_maxrss: the largest resident set of the child or any
descendant it waited for; user+system time summed over them). Without it (not built), the harness spawns
the child itself; its wait4 rusage then reports at least Python's own peak RSS, because a process spawned
from Python starts in Python's address space and Linux carries that peak across exec (`rss_from` says
which figure a run has)."""

import os
import signal
import threading
import time
from dataclasses import dataclass


LAUNCHER = "cvbench-spawn"


@dataclass
class Measured:
    argv: list
    start_wall_ns: int  # time.time_ns() just before spawn: compared with the simulator's call log
    elapsed_ms: float  # monotonic, spawn to reap
    exit_code: int  # -SIGNAL when killed
    max_rss_kib: int
    cpu_ms: float
    timed_out: bool
    stdout: str
    stderr: str
    rss_from: str = "launcher"  # "launcher": the child's own peak; "python": includes the harness's


def _read_launcher_result(path):
    with open(path, encoding="utf-8") as f:
        fields = dict(item.split("=", 1) for item in f.read().split())
    return {k: int(v) for k, v in fields.items()}


def run_measured(argv, env, timeout_s, workdir, launcher=None):
    """Spawns argv with exactly `env` (nothing inherited), stdout/stderr to files in workdir, waits at most
    timeout_s (then SIGKILLs the process group) and returns a Measured. `launcher`: the path of
    cvbench-spawn, or None to spawn directly."""
    result_path = os.path.join(workdir, "spawn-result")
    if launcher:
        if os.path.exists(result_path):
            os.unlink(result_path)
        argv_run = [launcher, result_path] + list(argv)
    else:
        argv_run = list(argv)
    out_path = os.path.join(workdir, "stdout")
    err_path = os.path.join(workdir, "stderr")
    out_fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    err_fd = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
        (os.POSIX_SPAWN_DUP2, out_fd, 1),
        (os.POSIX_SPAWN_DUP2, err_fd, 2),
    ]
    timed_out = threading.Event()
    start_wall_ns = time.time_ns()
    start = time.monotonic_ns()
    pid = os.posix_spawn(argv_run[0], argv_run, env, file_actions=actions, setpgroup=0)
    os.close(out_fd)
    os.close(err_fd)

    def kill_group():
        timed_out.set()
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    watchdog = threading.Timer(timeout_s, kill_group)
    watchdog.start()
    try:
        _, status, usage = os.wait4(pid, 0)
    finally:
        watchdog.cancel()
    elapsed_ms = (time.monotonic_ns() - start) / 1e6
    if os.WIFSIGNALED(status):
        code = -os.WTERMSIG(status)
    else:
        code = os.WEXITSTATUS(status)
    with open(out_path, encoding="utf-8", errors="replace") as f:
        stdout = f.read()
    with open(err_path, encoding="utf-8", errors="replace") as f:
        stderr = f.read()
    measured = Measured(
        argv=argv,
        start_wall_ns=start_wall_ns,
        elapsed_ms=elapsed_ms,
        exit_code=code,
        max_rss_kib=usage.ru_maxrss,
        cpu_ms=(usage.ru_utime + usage.ru_stime) * 1000.0,
        timed_out=timed_out.is_set(),
        stdout=stdout,
        stderr=stderr,
        rss_from="python",
    )
    if launcher and code == 0 and os.path.exists(result_path):
        r = _read_launcher_result(result_path)
        status = r["status"]
        measured.exit_code = -(status & 0x7F) if (status & 0x7F) else (status >> 8) & 0xFF
        measured.start_wall_ns = r["start_realtime_ns"]
        measured.elapsed_ms = r["elapsed_ns"] / 1e6
        measured.max_rss_kib = r["maxrss_kib"]
        measured.cpu_ms = (r["utime_us"] + r["stime_us"]) / 1000.0
        measured.rss_from = "launcher"
    elif launcher and not measured.timed_out:
        measured.stderr += f"\ncvbench-spawn wrote no result (its exit {code})"
        measured.exit_code = code if code != 0 else 125
    return measured


def run_quiet(argv, timeout_s=20):
    """Runs a setup command (not measured); returns (exit code, combined output)."""
    import subprocess

    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return 124, f"{argv[0]}: timed out after {timeout_s} s"
    except OSError as e:
        return 127, str(e)
    return done.returncode, (done.stdout + done.stderr).strip()
