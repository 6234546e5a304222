#!/usr/bin/env python3
"""Checks of a multi-host run's reports (tests/multihost).

  check_reports.py complete MERGED RANKS_DIR AGAIN HOSTS SLOTS
      every rank ran and is ok; counts of MERGED = sums of the rank files in RANKS_DIR;
      AGAIN (relayload-cli aggregate of RANKS_DIR) has the same results, percentiles included;
      the ranks name HOSTS (comma-separated) in order, SLOTS ranks on each.
  check_reports.py lost MERGED RANKS_DIR AGAIN HOSTS SLOTS LOST_HOST
      the same for the ranks on the other hosts; the merged report is partial and names each
      rank on LOST_HOST as lost, with its host; no rank file for them.
"""
import glob
import json
import os
import sys

# Fields that add up over ranks (peaks, rates and times do not).
ADDITIVE = {
    "connections": ("attempted", "successful", "failed", "immediate", "recovered", "opened"),
    "retries": ("totalRetries",),
    "handshake": ("attempted", "successful", "failed"),
    "messages": ("sent", "received", "failed"),
    "steadyState": ("disconnectEvents", "droppedConnections", "reconnectsDuringHold"),
    "errors": ("total",),
}

problems = []


def check(cond, what):
    if not cond:
        problems.append(what)


def histogram_counts(results, path=""):
    """Every histogram's count: {path: count}."""
    out = {}
    if isinstance(results, dict):
        for k, v in results.items():
            p = path + "." + k if path else k
            if k in ("detail", "connectTimeDetail") and isinstance(v, dict) and "count" in v:
                out[p] = v["count"]
            else:
                out.update(histogram_counts(v, p))
    return out


def check_sums(merged, ranks):
    m = merged["results"]
    for section, keys in ADDITIVE.items():
        if section not in m:
            continue
        for key in keys:
            if key in m[section]:
                total = sum(r["results"][section][key] for r in ranks)
                check(m[section][key] == total,
                      f"{section}.{key}: merged {m[section][key]} != sum of ranks {total}")
    for key, value in m.get("counters", {}).items():
        total = sum(r["results"]["counters"].get(key, 0) for r in ranks)
        check(value == total, f"counters.{key}: merged {value} != sum of ranks {total}")
    mh = histogram_counts(m)
    check(len(mh) > 0, "no histogram in the merged report")
    for path, count in mh.items():
        parts = [histogram_counts(r["results"]).get(path, 0) or 0 for r in ranks]
        check((count or 0) == sum(parts), f"histogram {path}: count {count} != sum {sum(parts)}")


def percentiles(results, path=""):
    out = {}
    if isinstance(results, dict):
        for k, v in results.items():
            p = path + "." + k if path else k
            if isinstance(v, (int, float)) and (k.startswith("p") and k[1:2].isdigit()):
                out[p] = v
            else:
                out.update(percentiles(v, p))
    return out


def main():
    mode, merged_path, ranks_dir, again_path, hosts, slots = sys.argv[1:7]
    lost_host = sys.argv[7] if mode == "lost" else None
    hosts = hosts.split(",")
    slots = int(slots)
    merged = json.load(open(merged_path))
    again = json.load(open(again_path))
    files = sorted(glob.glob(os.path.join(ranks_dir, "*.json")))
    ranks = [json.load(open(p)) for p in files]
    size = len(hosts) * slots

    expected_host = {r: hosts[r // slots] for r in range(size)}
    alive = [r for r in range(size) if expected_host[r] != lost_host]
    lost = [r for r in range(size) if expected_host[r] == lost_host]

    # ranks[]: every rank of the job, on the host it ran on (what `hostname` said there).
    ks = merged.get("ranks", [])
    check([k["rank"] for k in ks] == list(range(size)), f"ranks listed: {[k['rank'] for k in ks]}")
    check(all(k["shardCount"] == size for k in ks), "shardCount")
    check([k["host"] for k in ks] == [expected_host[r] for r in range(len(ks))],
          f"hosts of the ranks: {[k['host'] for k in ks]}")
    check(len({k["host"] for k in ks}) == len(hosts), "not as many host names as hosts")
    for k in ks:
        if k["rank"] in alive:
            check(k["ok"] is True and k["error"] is None, f"rank {k['rank']} not ok: {k['error']}")
        else:
            check(k["ok"] is False, f"lost rank {k['rank']} shown ok")
            err = k["error"] or ""
            check("lost" in err and lost_host in err,
                  f"lost rank {k['rank']}: the error does not name the loss and {lost_host}: {err}")

    # The rank files: one per rank that sent its report, each naming its own rank and host.
    own = sorted(r["ranks"][0]["rank"] for r in ranks)
    check(own == alive, f"rank files {own}, expected {alive}")
    for r in ranks:
        k = r["ranks"][0]
        check(k["host"] == expected_host[k["rank"]], f"rank file {k['rank']}: host {k['host']}")
        check(r["results"]["connections"]["attempted"] > 0, f"rank {k['rank']} attempted nothing")
    check(len({r["startTime"] for r in ranks}) == 1, "ranks did not start at one t0")

    check_sums(merged, ranks)
    # aggregate of the rank files: the same results, percentiles and all.
    pm, pa = percentiles(merged["results"]), percentiles(again["results"])
    check(len(pm) > 0, "no percentile in the merged report")
    for p in sorted(set(pm) | set(pa)):
        check(pm.get(p) == pa.get(p), f"percentile {p}: merged {pm.get(p)} vs aggregate {pa.get(p)}")
    check(merged["results"] == again["results"], "merged results differ from aggregate's")

    if lost_host is None:
        check(merged["partial"] is False, "merged report partial")
        check(again["partial"] is False, "aggregate partial")
    else:
        check(merged["partial"] is True, "merged report not marked partial")

    if problems:
        print("problems:\n  " + "\n  ".join(problems))
        print("ranks:", json.dumps(ks))
        return 1
    c = merged["results"]["connections"]
    print(f"{mode}: {len(ranks)} rank files, hosts {sorted({k['host'] for k in ks})}, "
          f"connections {c['attempted']} = sum of ranks; aggregate identical ({len(pm)} percentiles)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
