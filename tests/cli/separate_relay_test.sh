#!/usr/bin/env bash
# steady-state of 5000 connections held 5 s against `relayload-cli relay` running as its own
# process: every connection accounted, nothing dropped, report complete.
set -u
cli=$1; dir=$(mktemp -d); trap 'kill $relay 2>/dev/null; rm -rf "$dir"' EXIT
"$cli" relay --port 0 >"$dir/relay.log" 2>&1 &
relay=$!
for _ in $(seq 1 100); do grep -q "listening on" "$dir/relay.log" && break; sleep 0.1; done
url=$(grep -oE 'ws://[^ ]+' "$dir/relay.log" | head -1)
[[ -n $url ]] || { echo "relay did not start"; cat "$dir/relay.log"; exit 1; }
timeout 120 "$cli" --target="$url" --scenario=steady-state --connections=5000 --ramp-up=1 \
  --duration=5 --no-progress --output="$dir/r.json" >"$dir/run.log" 2>&1
code=$?
tail -20 "$dir/run.log"
[[ $code -eq 0 ]] || { echo "exit $code"; exit 1; }
python3 - "$dir/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
c, s = r["results"]["connections"], r["results"]["steadyState"]
problems = []
if r["partial"]: problems.append("marked partial")
if (c["attempted"], c["successful"], c["failed"]) != (5000, 5000, 0): problems.append(f"connections {c}")
if s["disconnectEvents"] != 0 or s["currentDisconnects"] != 0: problems.append(f"steadyState {s}")
if s["connectionStability"] != 100: problems.append("stability below 100")
print("problems:", problems or "none")
sys.exit(1 if problems else 0)
PY
