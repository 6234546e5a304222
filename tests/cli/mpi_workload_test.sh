#!/usr/bin/env bash
# run --workload under mpirun -np 3 against the embedded relay started by rank 0: every rank
# runs the whole mix, each group's arrivals dealt round-robin over the ranks (a group with
# fewer units than ranks leaves one rank with none of it). The merged report equals
# `aggregate` of the ranks' own reports group by group (counts and histograms), each group
# started exactly its planned units over the ranks, the totals are the sums of the groups,
# every rank is named, and `report` renders the merged and aggregated documents.
set -u
cli=$1; mpirun=$2; data=$(cd "$(dirname "$0")" && pwd)/data/workloads
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
timeout 120 "$mpirun" --oversubscribe --allow-run-as-root -np 3 "$cli" run \
  --workload="$data/mpi_mix.yaml" --no-progress \
  --output="$dir/merged.json" --output-dir="$dir/ranks" >"$dir/log" 2>&1
code=$?
tail -25 "$dir/log"
[[ $code -eq 0 ]] || fail "mpirun exit $code"
[[ $(ls "$dir/ranks" | wc -l) -eq 3 ]] || fail "expected 3 rank reports in --output-dir"
grep -q "MPI ranks: *3" "$dir/log" || fail "rank 0 did not print the configuration"
grep -q "GROUP chatty-pairs" "$dir/log" || fail "rank 0 did not print the groups"
"$cli" aggregate --input="$dir/ranks" --output="$dir/agg.json" >"$dir/agg.log" 2>&1 \
  || { cat "$dir/agg.log"; fail "aggregate of the rank reports"; }
for doc in merged agg; do
  "$cli" report "$dir/$doc.json" >"$dir/report.log" 2>&1 \
    || { cat "$dir/report.log"; fail "report $doc.json"; }
  grep -q "GROUP offline-wallets" "$dir/report.log" || fail "report $doc.json: no group blocks"
done

python3 - "$dir" <<'PY' || exit 1
import glob, json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "merged.json")))
a = json.load(open(os.path.join(d, "agg.json")))
ranks = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(d, "ranks", "*.json")))]
problems = []
def check(cond, what):
    if not cond: problems.append(what)

# Planned units of mpi_mix.yaml and each rank's round-robin share of them.
planned = {"idle-wallets": 31, "offline-wallets": 8, "chatty-pairs": 2}
shares = {"idle-wallets": [11, 10, 10], "offline-wallets": [3, 3, 2], "chatty-pairs": [1, 1, 0]}
counted = {"connections": ("attempted", "successful", "failed", "immediate", "recovered"),
           "handshake": ("attempted", "successful", "failed"),
           "messages": ("sent", "received", "failed"),
           "recovery": ("attempted", "received", "failed")}
histogram_keys = ("connectTimeHistogram",)

def latency_histograms(results):
    """Every histogram of a results object: name -> serialized histogram."""
    out = {k: results[k] for k in histogram_keys if k in results}
    for section in ("handshake", "messages", "recovery"):
        if results.get(section):
            out[section + ".latencyHistogram"] = results[section]["latencyHistogram"]
    for name, h in results.get("histograms", {}).items():
        out["histograms." + name] = h["histogram"]
    return out

for doc in (m, a):
    check(doc["scenario"] == "workload", "scenario workload")
    check(list(doc["groups"]) == list(planned), "groups in the file's order: %s" % list(doc["groups"]))
for r in ranks:
    check(list(r["groups"]) == list(planned), "a rank's groups")
check(m["partial"] is False, "merged not partial")

for name, units in planned.items():
    mg, ag = m["groups"][name]["results"], a["groups"][name]["results"]
    for section, keys in counted.items():
        check((section in mg) == (section in ag), "%s: %s in one document only" % (name, section))
        if section not in mg: continue
        for k in keys:
            check(mg[section][k] == ag[section][k], "%s.%s.%s merged != aggregated" % (name, section, k))
            check(mg[section][k] == sum(r["groups"][name]["results"][section][k] for r in ranks),
                  "%s.%s.%s != sum over ranks" % (name, section, k))
    hm, ha = latency_histograms(mg), latency_histograms(ag)
    check(hm and hm == ha, "%s: histograms merged != aggregated (%s)" %
          (name, sorted(k for k in set(hm) | set(ha) if hm.get(k) != ha.get(k))))
    check(mg == ag, "%s: merged results != aggregated results" % name)
    got = [r["groups"][name]["results"]["connections"]["attempted"] for r in ranks]
    check(got == shares[name], "%s: per-rank attempted %s, expected %s" % (name, got, shares[name]))
    check(mg["connections"]["attempted"] == units, "%s: attempted %d, planned %d" %
          (name, mg["connections"]["attempted"], units))
    check(mg["connections"]["successful"] == units, "%s: successful != planned" % name)
    check([k["rank"] for k in m["groups"][name]["ranks"]] == [0, 1, 2], "%s: group ranks" % name)

# The totals are the sums of the groups (merged and aggregated alike).
for doc, label in ((m, "merged"), (a, "aggregated")):
    for section, keys in counted.items():
        groups_with = [g["results"][section] for g in doc["groups"].values() if section in g["results"]]
        check((section in doc["results"]) == bool(groups_with), "%s totals: %s present" % (label, section))
        if not groups_with: continue
        for k in keys:
            check(doc["results"][section][k] == sum(s[k] for s in groups_with),
                  "%s totals: %s.%s != sum of groups" % (label, section, k))
        if section != "connections":
            check(doc["results"][section]["latencyDetail"]["count"] ==
                  sum(s["latencyDetail"]["count"] for s in groups_with if s.get("latencyDetail")),
                  "%s totals: %s latency count != sum of groups" % (label, section))
check(m["results"]["connections"]["attempted"] == sum(planned.values()), "total units")
check(m["results"] == a["results"], "merged totals != aggregated totals")

ks = m.get("ranks", [])
check([k["rank"] for k in ks] == [0, 1, 2], "ranks 0..2 listed: %s" % ks)
check(all(k["ok"] and k["error"] is None and k["shardCount"] == 3 and k["host"] for k in ks), "ranks ok")
check(len({r["startTime"] for r in ranks}) == 1, "common start time")
if problems:
    print("problems:\n  " + "\n  ".join(problems))
    sys.exit(1)
print("3 ranks; every group merged == aggregated, planned units exactly; totals = sum of groups")
PY
echo ok
