#!/usr/bin/python3
"""pgwatch.py [--interval 0.1] [--duration 100] NAME=URL...: watches Patroni REST APIs (run it where every URL is
reachable: the router namespace) and prints a line whenever a member's answer to GET URL/primary changes:

  EPOCH_MS NAME CODE        CODE is the HTTP status (200: primary with the leader lock, 503: not), or "down"

Each request has a 0.3 s timeout; bounded by --duration."""
import argparse
import sys
import time
import urllib.error
import urllib.request


def code_of(url):
    try:
        with urllib.request.urlopen(url + "/primary", timeout=0.3) as answer:
            return str(answer.status)
    except urllib.error.HTTPError as error:
        return str(error.code)
    except (OSError, urllib.error.URLError):
        return "down"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--interval", type=float, default=0.1)
    parser.add_argument("--duration", type=float, default=100)
    parser.add_argument("members", nargs="+")
    args = parser.parse_args()
    members = [m.split("=", 1) for m in args.members]
    last = {}
    deadline = time.monotonic() + args.duration
    while time.monotonic() < deadline:
        for name, url in members:
            started = int(time.time() * 1000)
            code = code_of(url)
            if last.get(name) != code:
                print(started, name, code, flush=True)
                last[name] = code
        time.sleep(args.interval)
    return 0


if __name__ == "__main__":
    sys.exit(main())
