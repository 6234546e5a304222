#!/usr/bin/env python3
"""Analysis for scale.sh (see its header for what is measured and how).

analyse_scale.py PREFIX N PROCS HOLD_S "RC..." LOAD_START LOAD_END
    reads PREFIX.shards/shard-I.json (each generator's report), PREFIX.merged.json (the exact
    merge by `relayload-cli aggregate`), PREFIX.csv (procmon samples of gen0.. and relay0..),
    PREFIX.base.csv (baseline generator) and PREFIX.relay0.csv (relay workers before the run);
    prints one JSON line for the run.
analyse_scale.py --summary TITLE < lines
    prints the median (min–max) of every figure over the runs' JSON lines.
"""
import json
import sys

from macro_common import load_samples, nearest, parse_iso, print_summary


def run(prefix, n, procs, hold_s, rcs, load_start, load_end):
    shards = [json.load(open(f"{prefix}.shards/shard-{i}.json")) for i in range(procs)]
    try:
        merged = json.load(open(prefix + ".merged.json"))
    except (OSError, ValueError):
        merged = None
    spans = []
    starts = []
    for rep in shards:
        res = rep["results"]
        spans.append((res["timing"]["totalTimeMs"] - res["steadyState"]["holdDurationMs"]) / 1000.0)
        starts.append(parse_iso(rep["startTime"]))
    ok = sum(r["results"]["connections"]["successful"] for r in shards)
    failed = sum(r["results"]["connections"]["failed"] for r in shards)
    span = max(spans)
    hold_start = min(starts) + span
    samples = load_samples(prefix + ".csv")
    base_rss = max(r[2] for r in load_samples(prefix + ".base.csv")["gen"])
    relay0 = load_samples(prefix + ".relay0.csv")
    gens = [k for k in samples if k.startswith("gen")]
    relays = [k for k in samples if k.startswith("relay")]
    t = hold_start + hold_s / 2
    gen_cpu = sum(nearest(samples[g], t)[1] for g in gens)
    # The same CPU split in two: up to the moment every connection had its outcome (the
    # connect cost) and from then to mid-hold (holding: pings and pongs), per connection-minute.
    gen_cpu_ramp = sum(nearest(samples[g], hold_start)[1] for g in gens)
    relay_cpu_ramp = sum(nearest(samples[r], hold_start)[1] - relay0[r][0][1] for r in relays)
    held_min = (hold_s / 2) / 60.0
    gen_rss_over_base = sum(nearest(samples[g], t)[2] - base_rss for g in gens)
    relay_cpu = sum(nearest(samples[r], t)[1] - relay0[r][0][1] for r in relays)
    relay_rss = sum(nearest(samples[r], t)[2] - relay0[r][0][2] for r in relays)
    ct = (merged or {}).get("results", {}).get("connectTime") or {}
    ss = (merged or {}).get("results", {}).get("steadyState") or {}
    out = {
        "n": n,
        "successful": ok,
        "failed": failed,
        "exits": rcs,
        "mergedSuccessful": (merged or {}).get("results", {}).get("connections", {}).get("successful"),
        "connectSpanS": round(span, 3),
        "connectRate": round(ok / span, 1) if span > 0 else None,
        "connectP50ms": ct.get("p50"),
        "connectP99ms": ct.get("p99"),
        "connectMaxMs": ct.get("max"),
        "retries": sum(r["results"]["retries"]["totalRetries"] for r in shards),
        "drops": ss.get("disconnectEvents"),
        "stability": ss.get("connectionStability"),
        "genCpuUsPerConn": round(gen_cpu * 1e6 / ok, 1) if ok else None,
        "genCpuUsPerConnToHold": round(gen_cpu_ramp * 1e6 / ok, 1) if ok else None,
        "genCpuUsPerConnMinHeld": round((gen_cpu - gen_cpu_ramp) * 1e6 / ok / held_min, 1) if ok else None,
        "genKBPerConn": round(gen_rss_over_base / ok, 2) if ok else None,
        "genBaseRssKB": base_rss,
        "relayCpuUsPerConn": round(relay_cpu * 1e6 / ok, 1) if ok else None,
        "relayCpuUsPerConnToHold": round(relay_cpu_ramp * 1e6 / ok, 1) if ok else None,
        "relayCpuUsPerConnMinHeld": round((relay_cpu - relay_cpu_ramp) * 1e6 / ok / held_min, 1) if ok else None,
        "relayKBPerConn": round(relay_rss / ok, 2) if ok else None,
        "errors": {e["cause"]: e["count"] for e in (merged or {}).get("results", {}).get("errors", {}).get("byCause", [])},
        "partial": (merged or {}).get("partial"),
        "load": load_start,
        "loadEnd": load_end,
    }
    print(json.dumps(out))


def summary(title):
    keys = ["successful", "failed", "connectSpanS", "connectRate", "connectP50ms", "connectP99ms",
            "connectMaxMs", "retries", "drops", "stability", "genCpuUsPerConn", "genCpuUsPerConnToHold",
            "genCpuUsPerConnMinHeld", "genKBPerConn", "relayCpuUsPerConn", "relayCpuUsPerConnToHold",
            "relayCpuUsPerConnMinHeld", "relayKBPerConn"]
    print_summary(title, keys, "exits")


if __name__ == "__main__":
    if sys.argv[1] == "--summary":
        summary(sys.argv[2])
    else:
        run(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5],
            sys.argv[6], sys.argv[7])
