#!/usr/bin/env bash
# The relay (a separate relayload-cli relay process) is killed during the hold of a
# steady-state: the run still ends and exits 0 (it completed: README "Exit codes"; a dead
# relay is a result, not an error of the tool), the report is written and marked partial, and
# every connection is accounted.
set -u
cli=$1; dir=$(mktemp -d); trap 'kill -9 $relay 2>/dev/null; rm -rf "$dir"' EXIT
"$cli" relay --port 0 >"$dir/relay.log" 2>&1 &
relay=$!
for _ in $(seq 1 100); do grep -q "listening on" "$dir/relay.log" && break; sleep 0.1; done
url=$(grep -oE 'ws://[^ ]+' "$dir/relay.log" | head -1)
[[ -n $url ]] || { echo "relay did not start"; cat "$dir/relay.log"; exit 1; }
"$cli" --target="$url" --scenario=steady-state --connections=300 --ramp-up=0.5 --duration=6 \
  --no-progress --output="$dir/r.json" >"$dir/run.log" 2>&1 &
run=$!
sleep 3
kill -9 $relay
for _ in $(seq 1 300); do kill -0 $run 2>/dev/null || break; sleep 0.1; done
if kill -0 $run 2>/dev/null; then echo "run still going 30 s after the relay died"; kill -9 $run; exit 1; fi
wait $run; code=$?
echo "exit $code"; tail -25 "$dir/run.log"
[[ $code -eq 0 ]] || { echo "exit code $code, not 0"; exit 1; }
[[ -f $dir/r.json ]] || { echo "no report written"; exit 1; }
grep -q '"partial": true' "$dir/r.json" || { echo "report not marked partial"; exit 1; }
grep -q '"attempted": 300' "$dir/r.json" || { echo "connections not accounted"; exit 1; }
echo ok
