#!/usr/bin/env python3
"""probe.py HOST PORT [--interval 0.1] [--timeout 0.25] [--count 600] [--until OUTCOME]: a client that connects
to HOST:PORT every --interval seconds, at most --count times (with --until: stops after the first attempt with
that outcome, exit 1 when it never came), and prints one line per attempt:

  EPOCH_MS OUTCOME      OUTCOME is the service's reply (e.g. "a"), or timeout / refused / unreachable / error:TEXT

EPOCH_MS is when the attempt started (wall clock in ms, to line up with the caller's timeline). A connection
that gets no reply within --timeout counts as timeout (what a silently dropped packet looks like)."""
import argparse
import errno
import socket
import sys
import time


def attempt(host, port, timeout):
    try:
        with socket.create_connection((host, port), timeout=timeout) as connection:
            connection.settimeout(timeout)
            data = connection.recv(64)
            return data.decode(errors="replace").strip() or "empty"
    except socket.timeout:
        return "timeout"
    except ConnectionRefusedError:
        return "refused"
    except OSError as error:
        if error.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
            return "unreachable"
        return "error:" + (error.strerror or str(error)).replace(" ", "_")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("--interval", type=float, default=0.1)
    parser.add_argument("--timeout", type=float, default=0.25)
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--until")
    args = parser.parse_args()
    next_start = time.monotonic()
    for _ in range(args.count):
        started = int(time.time() * 1000)
        outcome = attempt(args.host, args.port, args.timeout)
        print(started, outcome, flush=True)
        if args.until is not None and outcome == args.until:
            return 0
        next_start += args.interval
        time.sleep(max(0.0, next_start - time.monotonic()))
    return 1 if args.until is not None else 0


if __name__ == "__main__":
    sys.exit(main())
