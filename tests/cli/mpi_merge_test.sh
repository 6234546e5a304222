#!/usr/bin/env bash
# mpirun -np 4 against the embedded relay started by rank 0: the merged report's counts are
# the sums of the ranks' counts, its percentiles and histograms are those of the ranks'
# histograms merged (checked against `aggregate` of the ranks' own reports), every rank is
# named and ok, and all ranks started at one common t0.
set -u
cli=$1; mpirun=$2; dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
timeout 120 "$mpirun" --oversubscribe --allow-run-as-root -np 4 "$cli" --scenario=steady-state \
  --connections=201 --ramp-up=0.5 --duration=2 --threads=1 --no-progress \
  --output="$dir/merged.json" --output-dir="$dir/ranks" >"$dir/log" 2>&1
code=$?
tail -25 "$dir/log"
[[ $code -eq 0 ]] || fail "mpirun exit $code"
[[ $(ls "$dir/ranks" | wc -l) -eq 4 ]] || fail "expected 4 rank reports in --output-dir"
# The ranks' own reports merged by `aggregate` (the library's exact merge, from histograms).
"$cli" aggregate --input="$dir/ranks" --output="$dir/aggregated.json" >"$dir/agg.log" 2>&1 \
  || { cat "$dir/agg.log"; fail "aggregate of the rank reports"; }
python3 - "$dir" <<'PY' || exit 1
import glob, json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "merged.json")))
a = json.load(open(os.path.join(d, "aggregated.json")))
ranks = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(d, "ranks", "*.json")))]
problems = []
def check(cond, what):
    if not cond: problems.append(what)
mc = m["results"]["connections"]
for key in ("attempted", "successful", "failed", "immediate", "recovered"):
    check(mc[key] == sum(r["results"]["connections"][key] for r in ranks), "connections." + key)
check(mc["attempted"] == 201, "201 connections attempted in all")
# 201 over 4 ranks: 51, 50, 50, 50 — the remainder spread, not dropped.
check(sorted(r["results"]["connections"]["attempted"] for r in ranks) == [50, 50, 50, 51], "slices")
d_m = m["results"]["connectTimeDetail"]
check(d_m["count"] == sum(r["results"]["connectTimeDetail"]["count"] for r in ranks), "connect count")
check(d_m["maxUs"] == max(r["results"]["connectTimeDetail"]["maxUs"] for r in ranks), "connect max")
check(d_m["minUs"] == min(r["results"]["connectTimeDetail"]["minUs"] for r in ranks), "connect min")
# Percentiles and histograms are exactly those of the merged histograms.
check(m["results"] == a["results"], "merged results differ from aggregate of the rank reports")
check(m["parts"] == sum(r["parts"] for r in ranks), "parts")
check(m["partial"] is False, "not partial")
ks = m.get("ranks", [])
check([k["rank"] for k in ks] == [0, 1, 2, 3], "ranks 0..3 listed")
check(all(k["ok"] and k["error"] is None and k["shardCount"] == 4 and k["host"] for k in ks), "ranks ok")
# One common t0: every rank's report starts at the same instant.
check(len({r["startTime"] for r in ranks}) == 1, "common start time")
check(m["startTime"] == ranks[0]["startTime"], "merged start time")
ss = m["results"]["steadyState"]
check(ss["droppedConnections"] == sum(r["results"]["steadyState"]["droppedConnections"] for r in ranks), "dropped")
if problems:
    print("problems:", problems)
    print(json.dumps(m["results"]["connections"]), json.dumps(ks))
    sys.exit(1)
print("merged == sum of ranks; percentiles from merged histograms; 4 ranks ok; common t0")
PY
grep -q "MPI ranks: *4" "$dir/log" || fail "rank 0 did not print the configuration"
echo ok
