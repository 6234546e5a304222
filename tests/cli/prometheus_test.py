#!/usr/bin/env python3
"""A real Prometheus scrapes `relayload-cli run --metrics-listen` and `relayload-cli relay
--metrics-listen` (both on port 0) and answers queries about them.

usage: prometheus_test.py RELAYLOAD_CLI

Asserts:
  - promtool check metrics accepts what both endpoints serve;
  - up == 1 for both jobs (job relayload: the run; job relay: the relay);
  - relayload_connections_active{rank="0",scenario="steady-state"} > 0 while the run holds
    its connections, and the relay's centrifugo_node_num_clients > 0 at the same time;
  - histogram_quantile(0.99, ...) over relayload_connect_duration_seconds_bucket is a number;
  - the run then ends with exit code 0.
Every wait is bounded. Exit 77 (ctest SKIP_RETURN_CODE) only when prometheus or promtool is
missing (bash cmake/install-deps.sh --tests installs them).
"""
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

SKIP = 77
processes = []


def fail(why):
    print("FAIL: " + why, file=sys.stderr)
    sys.exit(1)


def start(args, log_path):
    log = open(log_path, "w")
    p = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    processes.append(p)
    return p


def stop_all():
    for p in processes:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 10
    for p in processes:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def wait_for(what, predicate, timeout):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except (OSError, ValueError, KeyError) as e:  # not up yet, no data yet
            last = e
        time.sleep(0.25)
    fail("timed out after %ss waiting for %s (last: %r)" % (timeout, what, last))


def metrics_url(log_path, proc):
    def find():
        if proc.poll() is not None:
            fail("%s exited with %s before serving metrics:\n%s"
                 % (log_path, proc.returncode, open(log_path).read()))
        m = re.search(r"^metrics: (http://\S+)", open(log_path).read(), re.M)
        return m.group(1) if m else None
    return wait_for("the metrics URL in " + log_path, find, 20)


def http_get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def query(base, expr):
    url = base + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    doc = json.loads(http_get(url))
    if doc.get("status") != "success":
        raise ValueError(doc)
    return doc["data"]["result"]


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    cli = sys.argv[1]
    prometheus, promtool = shutil.which("prometheus"), shutil.which("promtool")
    if not prometheus or not promtool:
        print("SKIP: prometheus/promtool not installed (bash cmake/install-deps.sh --tests "
              "installs Debian's prometheus)")
        return SKIP
    work = tempfile.mkdtemp(prefix="relayload-prom-")
    try:
        relay = start([cli, "relay", "--port=0", "--metrics-listen=127.0.0.1:0"],
                      os.path.join(work, "relay.log"))
        relay_metrics = metrics_url(os.path.join(work, "relay.log"), relay)
        relay_ws = re.search(r"relay listening on (ws://\S+)",
                             open(os.path.join(work, "relay.log")).read()).group(1)
        run = start([cli, "run", "--scenario=steady-state", "--connections=300", "--ramp-up=1",
                     "--duration=20", "--no-progress", "--target=" + relay_ws,
                     "--metrics-listen=127.0.0.1:0"], os.path.join(work, "run.log"))
        run_metrics = metrics_url(os.path.join(work, "run.log"), run)
        print("relay metrics:", relay_metrics, " run metrics:", run_metrics)

        # (c) promtool accepts what both endpoints serve.
        for name, url in (("run", run_metrics), ("relay", relay_metrics)):
            body = wait_for(name + " endpoint", lambda u=url: http_get(u), 10)
            check = subprocess.run([promtool, "check", "metrics"], input=body, text=True,
                                   capture_output=True, timeout=30)
            if check.returncode != 0:
                fail("promtool check metrics refused the %s endpoint:\n%s%s\n--- body:\n%s"
                     % (name, check.stdout, check.stderr, body))

        # (b) Prometheus on a free port (another process may take it first: retry).
        for attempt in range(5):
            port = free_port()
            config = os.path.join(work, "prometheus.yml")
            with open(config, "w") as f:
                f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                        "scrape_configs:\n"
                        "  - job_name: relayload\n    static_configs:\n"
                        "      - targets: ['%s']\n"
                        "  - job_name: relay\n    static_configs:\n"
                        "      - targets: ['%s']\n"
                        % (urllib.parse.urlparse(run_metrics).netloc,
                           urllib.parse.urlparse(relay_metrics).netloc))
            log = os.path.join(work, "prometheus-%d.log" % attempt)
            prom = start([prometheus, "--config.file=" + config,
                          "--storage.tsdb.path=" + os.path.join(work, "data-%d" % attempt),
                          "--web.listen-address=127.0.0.1:%d" % port], log)
            base = "http://127.0.0.1:%d" % port
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and prom.poll() is None:
                try:
                    if "Ready" in http_get(base + "/-/ready", timeout=1):
                        break
                except OSError:
                    pass
                time.sleep(0.25)
            if prom.poll() is None:
                break
            if "address already in use" not in open(log).read():
                fail("prometheus exited with %s:\n%s" % (prom.returncode, open(log).read()))
        else:
            fail("no free port for prometheus after 5 attempts")

        def both_up():
            r = query(base, "up")
            ups = {s["metric"]["job"]: s["value"][1] for s in r}
            return ups if ups.get("relayload") == "1" and ups.get("relay") == "1" else None
        print("up:", wait_for("up == 1 for both jobs", both_up, 30))

        def active():
            r = query(base, 'relayload_connections_active{rank="0",scenario="steady-state"} > 0')
            return r[0]["value"][1] if r else None
        print("relayload_connections_active:",
              wait_for("relayload_connections_active > 0 during the hold", active, 30))
        if run.poll() is not None:
            fail("the run ended before the checks of the hold were done")

        def clients():
            r = query(base, "centrifugo_node_num_clients > 0")
            return r[0]["value"][1] if r else None
        print("centrifugo_node_num_clients:", wait_for("relay clients > 0", clients, 30))

        def quantile():
            r = query(base, "histogram_quantile(0.99, sum by (le) "
                            "(relayload_connect_duration_seconds_bucket))")
            if not r:
                return None
            v = float(r[0]["value"][1])
            return v if not math.isnan(v) else None
        print("p99 connect time (s):", wait_for("a histogram_quantile", quantile, 30))

        try:
            code = run.wait(timeout=90)
        except subprocess.TimeoutExpired:
            fail("the run did not end within 90 s")
        if code != 0:
            fail("the run exited with %s:\n%s" % (code, open(os.path.join(work, "run.log")).read()))
        print("PASS")
        return 0
    finally:
        stop_all()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
