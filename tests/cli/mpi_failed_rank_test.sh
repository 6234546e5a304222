#!/usr/bin/env bash
# MPMD: three ranks against the embedded relay, one rank aimed at a port nobody listens on
# (with --no-probe, so that it runs and reaches nothing; mpi_probe_test.sh covers the probe).
# The merged report still comes out, names the failed rank and why, is marked partial, and
# holds exactly the data of the ranks that reached the relay.
set -u
cli=$1; mpirun=$2; dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
args=(--scenario=connection-storm --connections=200 --ramp-up=0.5 --threads=1 --no-progress
      --connect-timeout=3)
timeout 120 "$mpirun" --oversubscribe --allow-run-as-root \
  -np 3 "$cli" "${args[@]}" --output="$dir/merged.json" --output-dir="$dir/ranks" : \
  -np 1 "$cli" "${args[@]}" --target=ws://127.0.0.1:1/ --no-probe >"$dir/log" 2>&1
code=$?
tail -12 "$dir/log"
[[ $code -eq 0 ]] || fail "mpirun exit $code"
[[ -f $dir/merged.json ]] || fail "no merged report"
grep -q "✗ rank 3 of 4 .* failed: reached nothing" "$dir/log" || fail "the failed rank is not named"
python3 - "$dir" <<'PY' || exit 1
import glob, json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "merged.json")))
ranks = {json.load(open(p))["ranks"][0]["rank"]: json.load(open(p))
         for p in glob.glob(os.path.join(d, "ranks", "*.json"))}
ks = m["ranks"]
assert [k["rank"] for k in ks] == [0, 1, 2, 3], ks
assert all(k["ok"] for k in ks[:3]), ks
bad = ks[3]
assert bad["ok"] is False and "reached nothing" in bad["error"], bad
assert "connection_refused" in bad["error"] and "not merged" in bad["error"], bad
assert m["partial"] is True
# Rank 3's own report (in --output-dir) shows what it measured: 50 attempts, none connected.
r3 = ranks[3]["results"]["connections"]
assert r3["attempted"] == 50 and r3["successful"] == 0, r3
# The merged data is exactly the three healthy ranks'.
mc = m["results"]["connections"]
assert mc["attempted"] == sum(ranks[i]["results"]["connections"]["attempted"] for i in range(3)) == 150, mc
assert mc["successful"] == 150, mc
print("failed rank 3 named:", bad["error"])
PY
echo ok
