"""Helpers shared by analyse_connections.py, analyse_scale.py and analyse_sessions.py.

The analysers import this module from their own folder: Python puts a script's folder first
on sys.path, whatever the current directory.
"""
import datetime
import json
import statistics
import sys


def load_samples(path, monotonic=False):
    """procmon.py's CSV as {label: [(time_s, cpu_s, rss_kb), ...]} in sample order.

    time_s is the wall clock, comparable with a report's startTime; with monotonic=True it is
    the monotonic clock, for spans that must not jump when the wall clock is adjusted.
    """
    rows = {}
    with open(path) as f:
        for line in f:
            wall, mono, label, _pid, cpu, rss = line.strip().split(",")
            t = mono if monotonic else wall
            rows.setdefault(label, []).append((float(t), float(cpu), int(rss)))
    return rows


def nearest(rows, t):
    return min(rows, key=lambda r: abs(r[0] - t))


def parse_iso(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()


def print_summary(title, keys, exit_key):
    """Reads the runs' JSON lines from stdin and prints the median (min–max) of each of keys
    over the runs that have it, then each run's load, errors, partial flag and exit_key."""
    runs = [json.loads(l) for l in sys.stdin if l.strip()]
    print(f"== {title}")
    for k in keys:
        vals = [r[k] for r in runs if r.get(k) is not None]
        if vals:
            print(f"  {k:18s} median {statistics.median(vals):>12} (min {min(vals)} – max {max(vals)})")
    for r in runs:
        print(f"  load {r['load']} → {r['loadEnd']}; errors {r['errors']}; partial {r['partial']}; "
              f"{exit_key} {r[exit_key]}")
