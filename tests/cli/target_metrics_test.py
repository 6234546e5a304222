#!/usr/bin/env python3
"""`relayload-cli run --target-metrics URL` as a user runs it.

usage: target_metrics_test.py RELAYLOAD_CLI relay|failures|workload [WORKLOAD_FILE]

relay:    a `relayload-cli relay --metrics-listen 127.0.0.1:0` in its own process; a
          steady-state run against it scrapes its /metrics. Asserts: exit 0; every scrape
          succeeded; the relay's peak number of clients equals the peak of our active
          connections (and --connections); the samples carry CPU seconds and resident memory on
          the run's time axis (within the run); the summary shows the relay lines; the HTML (from
          run --report and again from `report`) has the server-side section and charts.
failures: targets that answer 500, answer garbage, accept and never answer, or refuse the
          connection (python servers on port 0). Each run completes with exit 0 and its
          report and summary say what failed, by cause.
workload: `run --workload FILE --target` the relay process: the mix's report, summary and HTML
          carry the relay's series too.
Every wait is bounded.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

processes = []


def fail(why):
    print("FAIL: " + why, file=sys.stderr)
    sys.exit(1)


def stop_all():
    for p in processes:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in processes:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def run_cli(args, timeout=120):
    try:
        r = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        fail("timed out after %ss: %s" % (timeout, " ".join(args)))
    return r


def start_relay(cli, work):
    log_path = os.path.join(work, "relay.log")
    log = open(log_path, "w")
    p = subprocess.Popen([cli, "relay", "--port=0", "--metrics-listen=127.0.0.1:0"], stdout=log,
                         stderr=subprocess.STDOUT, start_new_session=True)
    processes.append(p)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if p.poll() is not None:
            fail("the relay exited with %s:\n%s" % (p.returncode, open(log_path).read()))
        text = open(log_path).read()
        m = re.search(r"^metrics: (http://\S+)", text, re.M)
        w = re.search(r"relay listening on (ws://\S+)", text)
        if m and w:
            return w.group(1), m.group(1)
        time.sleep(0.1)
    fail("the relay printed no URLs within 20 s:\n" + open(log_path).read())


def relay_case(cli, work):
    ws, metrics = start_relay(cli, work)
    out, html = os.path.join(work, "run.json"), os.path.join(work, "run.html")
    connections = 40
    r = run_cli([cli, "run", "--target=" + ws, "--scenario=steady-state",
                 "--connections=%d" % connections, "--ramp-up=1", "--duration=12",
                 "--no-progress", "--target-metrics=" + metrics, "--output=" + out, "--report", html])
    if r.returncode != 0:
        fail("the run exited with %s:\n%s\n%s" % (r.returncode, r.stdout, r.stderr))
    print(r.stdout)
    doc = json.load(open(out))
    t = doc.get("targetMetrics")
    if t is None:
        fail("the report has no targetMetrics")
    if t["url"] != metrics:
        fail("targetMetrics.url is %r, not %r" % (t["url"], metrics))
    if t["scrapes"]["failed"] != 0 or t["scrapes"]["ok"] < 3:
        fail("expected at least 3 scrapes and none failed: %r" % t["scrapes"])
    samples = t["samples"]
    active = doc["results"]["timeSeries"]["connections"]
    k = active["gauges"].index("active")
    our_peak = max(i["gauges"][k] for i in active["intervals"])
    relay_peak = max(s["clients"] for s in samples)
    print("our peak active connections: %d, relay's peak clients: %s" % (our_peak, relay_peak))
    if our_peak != connections or relay_peak != our_peak:
        fail("at the peak the relay counted %s clients, we had %s active (of %d)"
             % (relay_peak, our_peak, connections))
    if t["derived"]["peakClients"] != connections:
        fail("derived.peakClients is %r" % t["derived"]["peakClients"])
    total_ms = doc["results"]["timing"]["totalTimeMs"]
    inside = [s for s in samples if 0 <= s["offsetMs"] <= total_ms]
    if len(inside) < 2:
        fail("fewer than two samples within the run (0..%s ms): %r" % (total_ms, samples))
    if any(s["cpuSeconds"] is None or s["residentBytes"] is None for s in samples):
        fail("a sample without CPU seconds or resident memory: %r" % samples)
    if t["derived"]["cpuPerConnectionUs"] is None:
        fail("no CPU per connection derived")
    for line in ("Relay (target metrics: " + metrics + ")", "Scrapes:     ", " 0 failed",
                 "Clients:     peak %d" % connections, " µs per connection"):
        if line not in r.stdout:
            fail("the summary lacks %r" % line)
    page = open(html).read()
    again = os.path.join(work, "again.html")
    rr = run_cli([cli, "report", out, "-o", again])
    if rr.returncode != 0:
        fail("report exited with %s: %s" % (rr.returncode, rr.stderr))
    for name, text in (("run --report", page), ("report -o", open(again).read())):
        for needle in ('<section id="target-metrics">', '<svg class="chart" id="chart-relay-clients"',
                       '<svg class="chart" id="chart-relay-cpu"',
                       '<svg class="chart" id="chart-relay-memory"'):
            if needle not in text:
                fail("the HTML of %s lacks %r" % (name, needle))
        if text.index('<section id="target-metrics">') < text.index('id="chart-active-connections"'):
            fail("the server-side charts are not under the client-side ones (%s)" % name)


class status_500(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"internal error\n"
        self.send_response(500)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class garbage(status_500):
    def do_GET(self):
        body = b"<html><body>not metrics</body></html>\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def http_server(handler):
    s = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    s.daemon_threads = True
    threading.Thread(target=s.serve_forever, daemon=True).start()
    return s, "http://127.0.0.1:%d/metrics" % s.server_address[1]


def silent_server():
    """Accepts and reads, never answers; holds every connection until the test ends."""
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(16)
    held = []

    def loop():
        while True:
            try:
                c, _ = ls.accept()
            except OSError:
                return
            held.append(c)
    threading.Thread(target=loop, daemon=True).start()
    return ls, "http://127.0.0.1:%d/metrics" % ls.getsockname()[1]


def refused_url():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    return "http://127.0.0.1:%d/metrics" % port


def failures_case(cli, work):
    servers = []
    s500, u500 = http_server(status_500)
    sgarbage, ugarbage = http_server(garbage)
    ssilent, usilent = silent_server()
    servers += [s500, sgarbage]
    cases = [("500", u500, "HTTP status", "HTTP 500"),
             ("garbage", ugarbage, "not Prometheus text", "line 1: expected a metric name"),
             ("silent", usilent, "timeout", "no answer within"),
             ("refused", refused_url(), "connect failed", "refused")]
    for name, url, cause, words in cases:
        out = os.path.join(work, name + ".json")
        started = time.monotonic()
        r = run_cli([cli, "run", "--scenario=connection-storm", "--connections=20",
                     "--ramp-up=0.5", "--no-progress", "--target-metrics=" + url, "--output=" + out])
        took = time.monotonic() - started
        if r.returncode != 0:
            fail("%s: the run exited with %s:\n%s\n%s" % (name, r.returncode, r.stdout, r.stderr))
        doc = json.load(open(out))
        if doc["results"]["connections"]["successful"] != 20:
            fail("%s: the load did not complete: %r" % (name, doc["results"]["connections"]))
        t = doc["targetMetrics"]
        if t["scrapes"]["ok"] != 0 or t["scrapes"]["failed"] < 1:
            fail("%s: expected only failed scrapes: %r" % (name, t["scrapes"]))
        causes = {f["cause"]: f for f in t["scrapes"]["failures"]}
        if list(causes) != [cause]:
            fail("%s: expected the cause %r, got %r" % (name, cause, t["scrapes"]["failures"]))
        if words.lower() not in causes[cause]["last"].lower():
            fail("%s: the failure's words %r lack %r" % (name, causes[cause]["last"], words))
        if t["samples"]:
            fail("%s: samples from a failing target: %r" % (name, t["samples"]))
        summary = "Scrapes:     0 ok, %d failed (%s ×%d: " % (t["scrapes"]["failed"], cause,
                                                            t["scrapes"]["failed"])
        if summary not in r.stdout or "No scrape succeeded" not in r.stdout:
            fail("%s: the summary lacks %r:\n%s" % (name, summary, r.stdout))
        if "--target-metrics " + url + ": scrape failed (" + cause not in r.stderr:
            fail("%s: no scrape-failure notice on stderr:\n%s" % (name, r.stderr))
        print("%s: exit 0 in %.1f s, %s" % (name, took, t["scrapes"]))
    for s in servers:
        s.shutdown()
    ssilent.close()


def workload_case(cli, work, workload):
    """run --workload with --target-metrics: the mix's report carries the relay's series."""
    ws, metrics = start_relay(cli, work)
    out, html = os.path.join(work, "mix.json"), os.path.join(work, "mix.html")
    r = run_cli([cli, "run", "--workload=" + workload, "--target=" + ws, "--no-progress",
                 "--target-metrics=" + metrics, "--output=" + out, "--report", html])
    if r.returncode != 0:
        fail("the workload run exited with %s:\n%s\n%s" % (r.returncode, r.stdout, r.stderr))
    doc = json.load(open(out))
    t = doc.get("targetMetrics")
    if t is None:
        fail("the workload report has no targetMetrics")
    if t["scrapes"]["failed"] != 0 or t["scrapes"]["ok"] < 2:
        fail("expected at least 2 scrapes and none failed: %r" % t["scrapes"])
    # Counters, so the last scrape (after the load) sees the mix's publications whatever the
    # scrape times were.
    if max(s["messagesIn"] or 0 for s in t["samples"]) <= 0:
        fail("the relay's series never counted a publication: %r" % t["samples"])
    if "Relay (target metrics: " + metrics + ")" not in r.stdout:
        fail("the summary lacks the relay block:\n" + r.stdout)
    page = open(html).read()
    for needle in ('<section id="target-metrics">', '<svg class="chart" id="chart-relay-cpu"'):
        if needle not in page:
            fail("the workload HTML lacks %r" % needle)
    if page.index('<section id="target-metrics">') > page.index('id="group-sections"'):
        fail("the server-side section is not right under the workload's own charts")
    print("workload: %s, samples %r" % (t["scrapes"], t["samples"]))


def main():
    if len(sys.argv) < 3 or sys.argv[2] not in ("relay", "failures", "workload"):
        print(__doc__, file=sys.stderr)
        return 2
    cli = sys.argv[1]
    work = tempfile.mkdtemp(prefix="relayload-target-metrics-")
    try:
        if sys.argv[2] == "workload":
            workload_case(cli, work, sys.argv[3])
        else:
            (relay_case if sys.argv[2] == "relay" else failures_case)(cli, work)
        print("PASS")
        return 0
    finally:
        stop_all()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
