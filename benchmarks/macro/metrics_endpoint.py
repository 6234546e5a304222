#!/usr/bin/env python3
"""metrics_endpoint.py [runs] — what --metrics-listen costs the generator (issue 17).
Results: benchmarks/RESULTS.md, "Live metrics endpoint (issue 17)".

steady-messaging, PAIRS (5,000) pairs at --message-interval=INTERVAL (1 s): P/I = 5,000
messages/s, --wallet-delay=0 --ramp-up=5 --duration=DURATION (30), against a relay in its own
process (`relayload-cli relay --port=0`, a fresh one per run). Each run is made twice, in
alternating order: without --metrics-listen ("off"), and with --metrics-listen=127.0.0.1:0
scraped every second by this script ("on", as Prometheus with scrape_interval 1s would).
Generator CPU = utime + stime of the whole generator process (os.wait4), start to exit.
Two figures of the endpoint's cost:
  - directly: the CPU time of the endpoint's own thread ("rl-metrics", which accepts, reads,
    renders and writes every scrape), from /proc/PID/task/TID/schedstat (nanoseconds),
    sampled every 0.2 s until the generator exits, as a share of the generator's CPU;
  - as a difference: (on − off) / off of the generator's CPU per message, from the medians.
    On a busy 2-core machine this difference is dominated by run-to-run noise (±10 %).
Both modes draw the progress line (stdout is a file: a line every 5 s), as a run does by
default; its snapshots are the ones the endpoint serves.

Environment (defaults): CLI=build/dev/cli/relayload-cli, PAIRS=5000, INTERVAL=1,
DURATION=30. Bounded: 10,000 sockets per process; every wait has a timeout.
Example: CLI=build/release/cli/relayload-cli benchmarks/macro/metrics_endpoint.py 3
"""
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

CLI = os.environ.get("CLI", "build/dev/cli/relayload-cli")
PAIRS = int(os.environ.get("PAIRS", "5000"))
INTERVAL = os.environ.get("INTERVAL", "1")
DURATION = os.environ.get("DURATION", "30")


def wait_line(path, pattern, proc, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = re.search(pattern, open(path).read(), re.M)
        if m:
            return m.group(1)
        if proc.poll() is not None:
            sys.exit("%s exited: %s" % (path, open(path).read()))
        time.sleep(0.1)
    sys.exit("timed out waiting for %r in %s" % (pattern, path))


def one_run(work, scraped):
    relay_log = os.path.join(work, "relay.log")
    relay = subprocess.Popen([CLI, "relay", "--port=0"], stdout=open(relay_log, "w"),
                             stderr=subprocess.STDOUT)
    try:
        url = wait_line(relay_log, r"relay listening on (ws://\S+)", relay)
        out = os.path.join(work, "report.json")
        args = [CLI, "run", "--scenario=steady-messaging", "--connection-pairs=%d" % PAIRS,
                "--message-interval=" + INTERVAL, "--wallet-delay=0", "--ramp-up=5",
                "--duration=" + DURATION, "--no-probe", "--target=" + url,
                "--output=" + out]
        if scraped:
            args.append("--metrics-listen=127.0.0.1:0")
        gen_log = os.path.join(work, "gen.log")
        gen = subprocess.Popen(args, stdout=open(gen_log, "w"), stderr=subprocess.STDOUT)
        scrapes = 0
        scrape_ms = []
        stop = threading.Event()
        endpoint_ns = 0

        def endpoint_cpu():
            # On-CPU nanoseconds of the generator's "rl-metrics" thread (0 until it exists).
            task = "/proc/%d/task" % gen.pid
            for tid in os.listdir(task):
                try:
                    if open("%s/%s/comm" % (task, tid)).read().strip() == "rl-metrics":
                        return int(open("%s/%s/schedstat" % (task, tid)).read().split()[0])
                except OSError:
                    pass
            return 0

        def scrape_loop(metrics):
            nonlocal scrapes
            while not stop.wait(1.0):
                t = time.monotonic()
                try:
                    urllib.request.urlopen(metrics, timeout=5).read()
                    scrapes += 1
                    scrape_ms.append((time.monotonic() - t) * 1e3)
                except OSError:
                    pass
        t = None
        if scraped:
            metrics = wait_line(gen_log, r"^metrics: (http://\S+)", gen)
            t = threading.Thread(target=scrape_loop, args=(metrics,))
            t.start()
        deadline = time.monotonic() + float(DURATION) + 120
        while True:
            pid, status, usage = os.wait4(gen.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                gen.kill()
                sys.exit("generator did not finish")
            if scraped:
                try:
                    endpoint_ns = max(endpoint_ns, endpoint_cpu())
                except OSError:  # exiting
                    pass
            time.sleep(0.2)
        gen.returncode = os.waitstatus_to_exitcode(status)
        stop.set()
        if t:
            t.join()
        cpu = usage.ru_utime + usage.ru_stime
        doc = json.load(open(out))
        msgs = doc["results"]["messages"]
        sent = msgs["sent"] if isinstance(msgs.get("sent"), int) else msgs["sent"]
        return {"cpu": cpu, "sent": sent, "exit": gen.returncode, "scrapes": scrapes,
                "endpoint_s": endpoint_ns / 1e9,
                "scrape_ms": statistics.median(scrape_ms) if scrape_ms else 0}
    finally:
        relay.send_signal(signal.SIGTERM)
        try:
            relay.wait(timeout=10)
        except subprocess.TimeoutExpired:
            relay.kill()


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    results = {"off": [], "on": []}
    with tempfile.TemporaryDirectory(prefix="relayload-metrics-bench-") as work:
        for i in range(runs):
            order = ("off", "on") if i % 2 == 0 else ("on", "off")
            for mode in order:
                r = one_run(work, mode == "on")
                results[mode].append(r)
                print("run %d %-3s: generator CPU %.2f s (%.1f us per message), %d messages "
                      "sent, %d scrapes (median %.1f ms), endpoint thread %.4f s = %.3f %%, "
                      "exit %d"
                      % (i + 1, mode, r["cpu"], r["cpu"] / r["sent"] * 1e6, r["sent"],
                         r["scrapes"], r["scrape_ms"], r["endpoint_s"],
                         r["endpoint_s"] / r["cpu"] * 100, r["exit"]), flush=True)
    per_msg = {m: statistics.median(r["cpu"] / r["sent"] * 1e6 for r in results[m])
               for m in results}
    share = statistics.median(r["endpoint_s"] / r["cpu"] * 100 for r in results["on"])
    per_scrape = statistics.median(r["endpoint_s"] / r["scrapes"] * 1e6 for r in results["on"]
                                   if r["scrapes"])
    print("endpoint thread: median %.3f %% of the generator's CPU, %.0f us per scrape"
          % (share, per_scrape))
    print("generator CPU per message (median): off %.1f us, on %.1f us: %+.1f %% (noise "
          "included)" % (per_msg["off"], per_msg["on"],
                         (per_msg["on"] - per_msg["off"]) / per_msg["off"] * 100))


if __name__ == "__main__":
    main()
