"""Run one child process and measure it: wall time from just before spawn to just after reaping, and the
rusage of its whole process tree (wait4: ru_maxrss is the largest resident set of the child or any
descendant it waited for; user+system time is summed over them)."""

import os
import signal
import threading
import time
from dataclasses import dataclass


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


def run_measured(argv, env, timeout_s, workdir):
    """Spawns argv with exactly `env` (nothing inherited), stdout/stderr to files in workdir, waits at most
    timeout_s (then SIGKILLs the process group) and returns a Measured."""
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
    pid = os.posix_spawn(argv[0], argv, env, file_actions=actions, setpgroup=0)
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
    return Measured(
        argv=argv,
        start_wall_ns=start_wall_ns,
        elapsed_ms=elapsed_ms,
        exit_code=code,
        max_rss_kib=usage.ru_maxrss,
        cpu_ms=(usage.ru_utime + usage.ru_stime) * 1000.0,
        timed_out=timed_out.is_set(),
        stdout=stdout,
        stderr=stderr,
    )


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
