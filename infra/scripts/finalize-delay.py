#!/usr/bin/env python3
"""Hang-up to finalized, per burst of calls, from a node's data directory (after a bench script's run).

Each manifest's endedAt is when its call ended (the last leg's BYE); the manifest file is written last by the
finalizer, and the catalog row right after, so its modification time is when the recording became listable. Calls
are grouped into bursts by their start times (a new burst after a pause of GAP seconds, default 3), so the rounds of
infra/scripts/setup-rate-profile.sh and the rates of capacity-per-core.sh come out as separate rows.
  usage: infra/scripts/finalize-delay.py DATA_DIRECTORY [GAP_SECONDS]
"""
import json
import os
import sys
from datetime import datetime


def moment(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def quantile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main():
    root = os.path.join(sys.argv[1], "recordings")
    gap = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
    calls = []
    for directory, _, files in os.walk(root):
        for name in files:
            if not name.endswith(".json"):
                continue
            path = os.path.join(directory, name)
            try:
                with open(path) as f:
                    manifest = json.load(f)
                started, ended = moment(manifest["startedAt"]), moment(manifest["endedAt"])
            except (OSError, ValueError, KeyError, TypeError):
                continue
            calls.append((started, ended, os.path.getmtime(path)))
    calls.sort()
    bursts, current = [], []
    for call in calls:
        if current and call[0] - current[-1][0] > gap:
            bursts.append(current)
            current = []
        current.append(call)
    if current:
        bursts.append(current)
    print("| burst | calls | arrivals/s | hang-up→finalized p50 s | p99 s | max s |")
    print("|---:|---:|---:|---:|---:|---:|")
    for i, burst in enumerate(bursts, 1):
        span = max(burst[-1][0] - burst[0][0], 1e-3)
        delays = [written - ended for _, ended, written in burst]
        print(f"| {i} | {len(burst)} | {len(burst) / span:.0f} | {quantile(delays, 0.5):.2f} | "
              f"{quantile(delays, 0.99):.2f} | {max(delays):.2f} |")


if __name__ == "__main__":
    main()
