#!/usr/bin/env python3
"""Turns a Google Benchmark JSON file (from --benchmark_out=FILE --benchmark_out_format=json,
run with --benchmark_repetitions=N --benchmark_report_aggregates_only=true) into the
Markdown table of RESULTS.md, so every figure there is traceable to a run.

Usage: results_table.py run.json
"""
import json
import math
import sys


def si(value, unit):
    """1.44e6 -> '1.44 M<unit>'."""
    for factor, prefix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if value >= factor:
            return f"{value / factor:.3g} {prefix}{unit}"
    return f"{value:.3g} {unit}"


def ns(value):
    if value < 10:
        return f"{value:.2f}"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def main(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    runs = {}
    order = []
    for b in data["benchmarks"]:
        if b.get("run_type") != "aggregate":
            sys.exit(f"{path}: not an aggregates-only run ({b['name']})")
        if b.get("time_unit") != "ns":
            sys.exit(f"{path}: {b['name']} is not in ns")
        name = b["run_name"]
        if name not in runs:
            runs[name] = {}
            order.append(name)
        runs[name][b["aggregate_name"]] = b
        if b.get("error_occurred"):
            sys.exit(f"{path}: {name} failed: {b.get('error_message')}")

    print("| benchmark | median CPU ns/op | spread: stddev (CV) | median wall ns/op "
          "| throughput (median) | allocs/op |")
    print("|---|---:|---:|---:|---|---:|")
    for name in order:
        agg = runs[name]
        med, sd, cv = agg["median"], agg["stddev"], agg["cv"]
        throughput = []
        if "items_per_second" in med:
            throughput.append(si(med["items_per_second"], "items/s"))
        if "bytes_per_second" in med:
            throughput.append(si(med["bytes_per_second"], "B/s"))
        allocs = med.get("allocs_per_op")
        allocs = "n/a" if allocs is None or math.isnan(allocs) else f"{allocs:g}"
        print(f"| `{name}` | {ns(med['cpu_time'])} | {ns(sd['cpu_time'])} "
              f"({cv['cpu_time'] * 100:.1f} %) | {ns(med['real_time'])} "
              f"| {', '.join(throughput)} | {allocs} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
