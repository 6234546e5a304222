#!/usr/bin/env python3
"""Analysis for connections.sh (see its header for what is measured and how).

analyse_connections.py PREFIX N HOLD_S EXIT_CODE LOAD_START LOAD_END
    reads PREFIX.json (report), PREFIX.csv (procmon samples of gen+relay) and PREFIX.base.csv
    (baseline generator) and prints one JSON line for the run.
analyse_connections.py --summary TITLE < lines
    prints the median (min–max) of every figure over the runs' JSON lines.
"""
import json
import sys

from macro_common import load_samples, nearest, parse_iso, print_summary


def run(prefix, n, hold_s, rc, load_start, load_end):
    rep = json.load(open(prefix + ".json"))
    res = rep["results"]
    conns = res["connections"]
    ok = conns["successful"]
    total_ms = res["timing"]["totalTimeMs"]
    hold_ms = res["steadyState"]["holdDurationMs"]
    ramp_s = (total_ms - hold_ms) / 1000.0
    samples = load_samples(prefix + ".csv")
    base = load_samples(prefix + ".base.csv")["gen"]
    base_rss = max(r[2] for r in base)
    base_cpu = max(r[1] for r in base)
    gen, relay = samples["gen"], samples["relay"]
    hold_start = parse_iso(rep["startTime"]) + ramp_s
    mid = nearest(gen, hold_start + hold_s / 2)
    rmid = nearest(relay, hold_start + hold_s / 2)
    r0 = load_samples(prefix + ".relay0.csv")["relay"][0]
    ct = res.get("connectTime") or {}
    out = {
        "n": n,
        "successful": ok,
        "failed": conns["failed"],
        "exit": rc,
        "rampS": round(ramp_s, 3),
        "connectRate": round(ok / ramp_s, 1) if ramp_s > 0 else None,
        "connectP50ms": ct.get("p50"),
        "connectP99ms": ct.get("p99"),
        "connectMaxMs": ct.get("max"),
        "late": res.get("counters", {}).get("generator.late"),
        "retries": res["retries"]["totalRetries"],
        "drops": res["steadyState"].get("disconnectEvents"),
        "genCpuUsPerConn": round(mid[1] * 1e6 / ok, 1) if ok else None,
        "genCpuS": mid[1],
        "genBaseRssKB": base_rss,
        "genBaseCpuS": base_cpu,
        "genHoldRssKB": mid[2],
        "genKBPerConn": round((mid[2] - base_rss) / ok, 2) if ok else None,
        "relayCpuUsPerConn": round((rmid[1] - r0[1]) * 1e6 / ok, 1) if ok else None,
        "relayBaseRssKB": r0[2],
        "relayHoldRssKB": rmid[2],
        "relayKBPerConn": round((rmid[2] - r0[2]) / ok, 2) if ok else None,
        "sampleOffsetS": round(mid[0] - hold_start, 2),
        "errors": {e["cause"]: e["count"] for e in res.get("errors", {}).get("byCause", [])},
        "partial": rep.get("partial"),
        "load": load_start,
        "loadEnd": load_end,
    }
    print(json.dumps(out))


def summary(title):
    keys = ["successful", "failed", "rampS", "connectRate", "connectP50ms", "connectP99ms",
            "genCpuUsPerConn", "genKBPerConn", "relayCpuUsPerConn", "relayKBPerConn",
            "genCpuS", "genBaseCpuS", "genBaseRssKB", "genHoldRssKB", "relayBaseRssKB", "relayHoldRssKB", "retries", "drops",
            "late"]
    print_summary(title, keys, "exit")


if __name__ == "__main__":
    if sys.argv[1] == "--summary":
        summary(sys.argv[2])
    else:
        run(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5],
            sys.argv[6])
