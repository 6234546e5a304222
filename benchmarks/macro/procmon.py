#!/usr/bin/env python3
"""procmon.py OUT INTERVAL_S PID[:label]... — samples processes until the first one exits.
procmon.py --once OUT PID[:label]...        — one sample of each, then exits.

Writes one CSV line per process per sample to OUT:
    wall_time_s, monotonic_s, label, pid, cpu_s (utime+stime of the process, all threads,
    from /proc/PID/stat), rss_kb (VmRSS from /proc/PID/status)
Stops when the first PID has exited (or after 900 s, a safety bound). Used by
connections.sh and relay_throughput.sh; nothing else.
"""
import os
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def sample(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
        fields = stat[stat.rindex(")") + 2:].split()
        # fields[0] is state (field 3); utime is field 14, stime field 15
        if fields[0] == "Z":
            return None
        cpu = (int(fields[11]) + int(fields[12])) / TICK
        rss = 0
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
                    break
        return cpu, rss
    except (FileNotFoundError, ProcessLookupError, ValueError):
        return None


def main():
    if sys.argv[1] == "--once":  # procmon.py --once OUT PID[:label]: one sample, then exit
        with open(sys.argv[2], "w") as f:
            for arg in sys.argv[3:]:
                pid, _, label = arg.partition(":")
                s = sample(int(pid))
                if s is not None:
                    f.write(f"{time.time():.3f},{time.monotonic():.3f},{label or pid},{pid},{s[0]:.2f},{s[1]}\n")
        return
    out, interval = sys.argv[1], float(sys.argv[2])
    procs = []
    for arg in sys.argv[3:]:
        pid, _, label = arg.partition(":")
        procs.append((int(pid), label or pid))
    deadline = time.monotonic() + 900
    with open(out, "w") as f:
        while time.monotonic() < deadline:
            wall, mono = time.time(), time.monotonic()
            first_alive = True
            for i, (pid, label) in enumerate(procs):
                s = sample(pid)
                if s is None:
                    if i == 0:
                        first_alive = False
                    continue
                f.write(f"{wall:.3f},{mono:.3f},{label},{pid},{s[0]:.2f},{s[1]}\n")
            f.flush()
            if not first_alive:
                break
            time.sleep(interval)


if __name__ == "__main__":
    main()
