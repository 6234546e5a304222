#!/usr/bin/env bash
# SIGINT to mpirun during a long steady-state: mpirun passes SIGTERM to the ranks, each stops
# gracefully, and rank 0 still gathers and writes one merged report marked partial that
# accounts for every rank's connections.
set -u
cli=$1; mpirun=$2; dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# mpirun sends SIGKILL odls_base_sigkill_timeout seconds (default 1) after its SIGTERM; a
# sanitized build needs longer than that to stop, gather and merge (README, Distributed runs).
OMPI_MCA_odls_base_sigkill_timeout=10 \
"$mpirun" --oversubscribe --allow-run-as-root -np 4 "$cli" --scenario=steady-state \
  --connections=200 --ramp-up=0.5 --duration=600 --threads=1 --no-progress \
  --output="$dir/merged.json" >"$dir/log" 2>&1 &
pid=$!
for _ in $(seq 1 200); do grep -q "MPI ranks:" "$dir/log" 2>/dev/null && break; sleep 0.1; done
sleep 3
kill -INT $pid
for _ in $(seq 1 300); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
if kill -0 $pid 2>/dev/null; then kill -9 $pid; cat "$dir/log"; fail "mpirun still running 30 s after SIGINT"; fi
wait $pid
tail -8 "$dir/log"
[[ -f $dir/merged.json ]] || { cat "$dir/log"; fail "no merged report after SIGINT"; }
python3 - "$dir/merged.json" <<'PY' || exit 1
import json, sys
m = json.load(open(sys.argv[1]))
assert m["partial"] is True, "not marked partial"
assert [k["rank"] for k in m["ranks"]] == [0, 1, 2, 3], m["ranks"]
assert m["results"]["connections"]["attempted"] == 200, m["results"]["connections"]
print("partial merged report of 4 ranks after SIGINT")
PY
echo ok
