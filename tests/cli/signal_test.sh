#!/usr/bin/env bash
# SIGINT during a long steady-state: the run stops gracefully within 5 s, exits 0 and writes
# the report with "partial": true. A second SIGINT aborts at once and still writes it.
set -u
cli=$1; mode=$2; dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
"$cli" --scenario=steady-state --connections=200 --ramp-up=0.5 --duration=600 --no-progress \
  --output="$dir/r.json" >"$dir/log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q "Configuration:" "$dir/log" && break; sleep 0.1; done
sleep 2
start=$(date +%s%N)
kill -INT $pid
[[ $mode == twice ]] && { sleep 0.2; kill -INT $pid; }
for _ in $(seq 1 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
if kill -0 $pid 2>/dev/null; then echo "still running 10 s after SIGINT"; kill -9 $pid; cat "$dir/log"; exit 1; fi
wait $pid; code=$?
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "exit $code after ${elapsed_ms} ms"
[[ $code -eq 0 ]] || { cat "$dir/log"; exit 1; }
[[ $elapsed_ms -le 5000 ]] || { echo "took longer than 5 s"; exit 1; }
grep -q '"partial": true' "$dir/r.json" || { echo "report not marked partial"; cat "$dir/r.json" | head -40; exit 1; }
grep -q '"attempted": 200' "$dir/r.json" || { echo "connections not accounted"; exit 1; }
echo ok
