#!/usr/bin/env python3
"""analyse_sessions.py — used by sessions.sh only.

analyse_sessions.py hs PREFIX LOAD_START LOAD_END RC
    one line of key=value figures for a realistic-session run (handshake rate, CPU per handshake).
analyse_sessions.py msg PREFIX PAIRS INTERVAL_S RAMP_S DURATION_S LOAD_START LOAD_END RC
    one line for a steady-messaging run (service time, latency, CPU per message).
analyse_sessions.py --summary TITLE < lines
    median (min–max) of every numeric key over the lines.
"""
import json
import statistics
import sys

from macro_common import load_samples, nearest


def fmt(d):
    return " ".join(f"{k}={v}" for k, v in d.items())


def us(x):
    return "nan" if x is None else f"{x:.0f}"


def hs(pre, load0, load1, rc):
    rep = json.load(open(pre + ".json"))
    r = rep["results"]
    samples = load_samples(pre + ".csv", monotonic=True)
    gen, rel = samples.get("gen", []), samples.get("relay", [])
    ok = r["handshake"]["successful"]
    total_s = r["timing"]["totalTimeMs"] / 1000.0
    # utime+stime are cumulative since each process started: the last sample is the whole
    # generator process (start-up included, nothing subtracted); subtracting the first sample
    # would drop whatever ran before procmon's first look (up to 0.3 s with --ramp-up=0). The
    # relay was started idle 1 s before the generator; its start-up is included too.
    gcpu = gen[-1][1] if gen else float("nan")
    rcpu = rel[-1][1] if rel else float("nan")
    h = r["histograms"]
    d = {
        "rc": rc,
        "pairs": r["connections"]["attempted"],
        "handshakes_ok": ok,
        "handshakes_failed": r["handshake"]["failed"],
        "errors": r["errors"]["total"],
        "total_s": f"{total_s:.2f}",
        "pairs_per_s": f"{ok / total_s:.0f}",
        "hs_p50_us": us(h["handshake.dappSide"]["detail"]["p50Us"]),
        "hs_p99_us": us(h["handshake.dappSide"]["detail"]["p99Us"]),
        "wallet_p50_us": us(h["handshake.walletSide"]["detail"]["p50Us"]),
        "wallet_p99_us": us(h["handshake.walletSide"]["detail"]["p99Us"]),
        "gen_cpu_s": f"{gcpu:.2f}",
        # whole generator process, start to exit, incl. the one message exchange per pair
        "gen_cpu_us_per_hs": f"{gcpu * 1e6 / ok:.0f}" if ok else "nan",
        "relay_cpu_us_per_hs": f"{rcpu * 1e6 / ok:.0f}" if ok else "nan",
        "gen_peak_rss_mb": f"{max(s[2] for s in gen) / 1024:.1f}" if gen else "nan",
        "load": load0.replace(" ", "/"),
        "load_end": load1.replace(" ", "/"),
    }
    return fmt(d)


def msg(pre, pairs, interval, ramp, duration, load0, load1, rc):
    rep = json.load(open(pre + ".json"))
    r = rep["results"]
    samples = load_samples(pre + ".csv", monotonic=True)
    gen, rel = samples.get("gen", []), samples.get("relay", [])
    h = r["histograms"]
    m = r["messages"]
    target = pairs / interval  # messages/s: one request + one response per pair every 2·interval
    # Steady window: from 3 s after the ramp to 1 s before the end, measured from the
    # generator's first sample (process start; pre-flight is included in the 3 s margin).
    t0 = gen[0][0]
    a, b = nearest(gen, t0 + ramp + 3), nearest(gen, t0 + ramp + duration - 1)
    win = b[0] - a[0]
    ra, rb = nearest(rel, a[0]), nearest(rel, b[0])
    msgs_win = target * win
    counters = r.get("counters", {})
    d = {
        "rc": rc,
        "pairs": pairs,
        "interval_s": interval,
        "target_msgs_per_s": f"{target:.0f}",
        "requests_sent": m["sent"],
        "responses_received": m["received"],
        "failed": m["failed"],
        "not_sent": counters.get("messages.notSent", 0),
        "disconnects": r.get("steadyMessaging", {}).get("disconnects", "n/a"),
        "errors": r["errors"]["total"],
        # pairs start evenly over the ramp and all stop at ramp + duration: each pair is
        # active duration + ramp/2 on average
        "avg_msgs_per_s": f"{2 * m['received'] / (duration + ramp / 2):.0f}",
        "service_p50_us": us(h["messages.serviceTime"]["detail"]["p50Us"]),
        "service_p99_us": us(h["messages.serviceTime"]["detail"]["p99Us"]),
        "latency_p50_us": us(m["latencyDetail"]["p50Us"]),
        "latency_p99_us": us(m["latencyDetail"]["p99Us"]),
        "window_s": f"{win:.1f}",
        "gen_cpu_pct": f"{(b[1] - a[1]) * 100 / win:.1f}",
        "gen_cpu_us_per_msg": f"{(b[1] - a[1]) * 1e6 / msgs_win:.1f}",
        "relay_cpu_pct": f"{(rb[1] - ra[1]) * 100 / win:.1f}",
        "relay_cpu_us_per_msg": f"{(rb[1] - ra[1]) * 1e6 / msgs_win:.1f}",
        "gen_rss_mb": f"{b[2] / 1024:.1f}",
        "load": load0.replace(" ", "/"),
        "load_end": load1.replace(" ", "/"),
    }
    return fmt(d)


def summary(title):
    rows = [dict(kv.split("=", 1) for kv in line.split()) for line in sys.stdin if line.strip()]
    print(f"== {title} (median (min–max) over {len(rows)} runs)")
    for k in rows[0]:
        vals = [row.get(k) for row in rows]
        try:
            nums = [float(v) for v in vals]
            med = statistics.median(nums)
            print(f"  {k}: {med:g} ({min(nums):g}–{max(nums):g})")
        except (TypeError, ValueError):
            print(f"  {k}: {', '.join(str(v) for v in vals)}")


if __name__ == "__main__":
    a = sys.argv
    if a[1] == "--summary":
        summary(a[2])
    elif a[1] == "hs":
        print(hs(a[2], a[3], a[4], a[5]))
    else:
        print(msg(a[2], int(a[3]), float(a[4]), float(a[5]), float(a[6]), a[7], a[8], a[9]))
