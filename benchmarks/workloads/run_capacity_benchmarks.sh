#!/usr/bin/env bash
# The workload and capacity figures of benchmarks/RESULTS.md ("Workloads and capacity"):
# `relayload-cli relay` in its own process on loopback, then (1) the production mix at this
# machine's size, (2) the capacity for new sessions and (3) for messages at p99 <= 50 ms.
# Usage: benchmarks/workloads/run_capacity_benchmarks.sh path/to/relayload-cli OUTDIR
set -u
cli=$1; out=$2; here=$(cd "$(dirname "$0")" && pwd); mkdir -p "$out"
"$cli" relay --port 0 >"$out/relay.log" 2>&1 &
relay=$!; trap 'kill $relay 2>/dev/null' EXIT
for _ in $(seq 1 100); do grep -q "listening on" "$out/relay.log" && break; sleep 0.1; done
url=$(grep -oE 'ws://[^ ]+' "$out/relay.log" | head -1)
relay_cpu() { awk '{print ($14 + $15) / 100}' "/proc/$relay/stat"; }   # seconds, USER_HZ=100
measure() {  # name, then the command's arguments
  local name=$1; shift
  local before; before=$(relay_cpu)
  /usr/bin/time -v "$cli" "$@" --target "$url" --no-progress --output "$out/$name.json" \
    >"$out/$name.log" 2>&1
  echo "exit $?" >>"$out/$name.log"
  echo "relay CPU seconds: $(echo "$(relay_cpu) - $before" | bc)" >>"$out/$name.log"
}
measure mix run --workload "$here/production-mix-local.yaml"
measure sessions capacity --workload "$here/capacity-sessions.yaml" --scale new-sessions.rate \
  --from 20 --step 20 --max 300 --step-duration 10 --warmup 4 \
  --slo 'groups.new-sessions.handshake.latency.p99<=50ms' --slo 'messages.latency.p99<=50ms' \
  --report "$out/sessions.html"
measure messages capacity --workload "$here/capacity-messages.yaml" --scale chatty-pairs.count \
  --from 250 --step 250 --max 4000 --step-duration 10 --warmup 4 \
  --slo 'messages.latency.p99<=50ms' --report "$out/messages.html"
