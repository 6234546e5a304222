#!/usr/bin/env python3
"""`capacity --metrics-listen 127.0.0.1:0` against the embedded relay: while the search runs,
the endpoint serves where it stands (relayload_capacity_step and relayload_capacity_value,
from step to step) and the run's own series (connections, realistic-session
handshakes) with the labels rank="0" and scenario="capacity"; every group's series carries
its group label. The step values seen are planned steps, the first among them.

usage: capacity_metrics_test.py RELAYLOAD_CLI WORKLOAD_FILE
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$')


def scrape(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.read().decode()


def samples(text):
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if not m:
            raise AssertionError("unparsable exposition line: %r" % line)
        out.append((m.group(1), m.group(2) or "", float(m.group(3))))
    return out


def main():
    cli, workload = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp()
    result = os.path.join(tmp, "cap.json")
    args = [cli, "capacity", "--workload=" + workload, "--scale=new-sessions.rate",
            "--from=2/s", "--step=2/s", "--max=6/s", "--step-duration=6", "--warmup=2",
            "--slo=messages.latency.p99<=60000ms", "--no-progress", "--no-probe",
            "--metrics-listen=127.0.0.1:0", "--output=" + result]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    url = None
    deadline = time.time() + 60
    while url is None and time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        m = re.match(r"metrics: (http://\S+)", line)
        if m:
            url = m.group(1)
    if url is None:
        proc.kill()
        print("FAIL: no 'metrics: URL' line:\n" + "".join(lines), file=sys.stderr)
        return 1
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()

    steps_seen, values_seen, families = set(), set(), set()
    labelled = False
    groups = set()
    problems = []
    end = time.time() + 120
    while proc.poll() is None and time.time() < end:
        try:
            text = scrape(url)
        except OSError:
            time.sleep(0.5)  # the search may be ending
            continue
        for name, labels, value in samples(text):
            families.add(name)
            if name == "relayload_capacity_step":
                steps_seen.add(value)
                if 'rank="0"' in labels and 'scenario="capacity"' in labels:
                    labelled = True
            elif name == "relayload_capacity_value":
                values_seen.add(value)
            elif name == "relayload_connections_active":
                m = re.search(r'group="([^"]*)"', labels)
                if m:
                    groups.add(m.group(1))
        time.sleep(0.5)
    if proc.poll() is None:
        proc.kill()
        problems.append("the search did not end within 120 s")
    reader.join(timeout=10)
    out = "".join(lines)
    # 2: the generator's self-check stopped the search (a loaded or sanitized machine).
    if proc.returncode not in (0, 2, 3):
        problems.append("capacity exit %s, expected 0, 2 or 3" % proc.returncode)
    if not steps_seen:
        problems.append("no relayload_capacity_step sample")
    if not labelled:
        problems.append('relayload_capacity_step without rank="0" and scenario="capacity"')
    for needed in ("relayload_connections_active", "relayload_handshakes_completed_total",
                   "relayload_capacity_generator_bound", "process_cpu_seconds_total"):
        if needed not in families and not any(f.startswith(needed) for f in families):
            problems.append("no %s series (families: %s)" % (needed, sorted(families)))
    if not {"idle-wallets", "new-sessions"} <= groups:
        problems.append("relayload_connections_active by group: %s" % sorted(groups))
    # The value is the step running: 2, 4 or 6 (/s); the first is served before any step ends.
    # (A step may run, and be seen, after the one that ends the search: its verdict comes
    # once the next step has started.)
    planned = {2.0, 4.0, 6.0}
    if 2.0 not in values_seen or not values_seen <= planned:
        problems.append("relayload_capacity_value took %s; the planned steps are %s"
                        % (sorted(values_seen), sorted(planned)))
    try:
        steps = json.load(open(result))["capacity"]["steps"]
        if not steps or float(steps[0]["value"]) != 2.0:
            problems.append("the result's steps start at %r, not 2" % steps[:1])
    except (OSError, ValueError, KeyError) as e:
        problems.append("no capacity result in %s: %s" % (result, e))
    if problems:
        print("FAIL:\n  " + "\n  ".join(problems) + "\n--- output ---\n" + out, file=sys.stderr)
        return 1
    print("ok: steps %s, values %s, %d families" % (sorted(steps_seen), sorted(values_seen),
                                                    len(families)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
