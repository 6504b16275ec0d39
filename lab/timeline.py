#!/usr/bin/env python3
"""timeline.py T0_MS EVENTS PROBES: prints the demo's timeline in ms since T0_MS.

EVENTS has lines "EPOCH_MS TEXT" (what the demo did); PROBES has the lines of probe.py ("EPOCH_MS OUTCOME").
Runs of the same probe outcome are folded into one line. After each event whose text starts with
"trigger:", it also says when the client first saw a new answer."""
import sys


def read(path):
    with open(path) as f:
        for line in f:
            when, _, text = line.rstrip("\n").partition(" ")
            if when.isdigit():
                yield int(when), text


def main():
    t0 = int(sys.argv[1])
    events = list(read(sys.argv[2]))
    probes = list(read(sys.argv[3]))
    rows = [(when, 0, text) for when, text in events]
    run_start = None
    for i, (when, outcome) in enumerate(probes):
        if run_start is None:
            run_start = i
        last = i + 1 == len(probes) or probes[i + 1][1] != outcome
        if last:
            first_when = probes[run_start][0]
            count = i - run_start + 1
            span = f"{first_when - t0:6d}..{when - t0:<6d}" if count > 1 else f"{first_when - t0:6d}        "
            rows.append((first_when, 1, f"client {span} {count:3d} x {outcome}"))
            run_start = None
    print("  time ms   what happened")
    for when, kind, text in sorted(rows):
        if kind == 0:
            print(f"  {when - t0:7d}   {text}")
        else:
            print(f"            {text}")
    for when, text in events:
        if text.startswith("trigger:"):
            member = text.split()[1]
            seen = [w for w, outcome in probes if w >= when and outcome == member]
            if seen:
                print(f"  {text[len('trigger: '):]}: first reply from {member} {seen[0] - when} ms after the trigger")
            else:
                print(f"  {text[len('trigger: '):]}: no reply from {member} after the trigger")


if __name__ == "__main__":
    main()
