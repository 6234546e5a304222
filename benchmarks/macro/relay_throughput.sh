#!/usr/bin/env bash
# relay_throughput.sh [runs] — the relay process's publish→push throughput, its CPU per
# publish, and how many connections it holds with its memory per connection (issue 3).
# Results: benchmarks/RESULTS.md, "Relay (issue 3)".
#
# Part 1, throughput (per run, per C in $PUB_CONNS):
#   starts `relayload-cli relay --port 0` (one process, one event loop) and runs
#   `publish_load --url URL --connections C --threads T --duration D --warmup W`
#   (benchmarks/macro/publish_load.cpp): C connections, each subscribed to its own
#   session:<uuid> channel, each publishing MWP-sized messages (a 228-character payload in the
#   MWP envelope, ~400-byte publish frames) to that channel in a closed loop (next publish when
#   the reply arrives), so each publish fans out to exactly one subscriber. Counted in the
#   window [W, W+D] after start: publish replies/s, pushes received/s, publish reply latency.
#   procmon.py samples /proc of the relay every 0.1 s; relay CPU per publish =
#   (relay utime+stime at window end − at window start) ÷ publishes in the window.
# Part 2, connections held: `connections.sh $HELD` (RAMP=2, hold 10 s): the relay's RSS delta
#   ÷ connections and its CPU per connection, with the generator in another process. $HELD
#   defaults to 18,000: one relay process is bounded by the 20,000 open-file limit.
#
# Environment (defaults): PUB_CONNS="100 1000", PUB_THREADS=1, PUB_DURATION=10, PUB_WARMUP=2,
# HELD=18000 (0 skips part 2), CLI=build/h-macro/cli/relayload-cli,
# PUBLISH_LOAD=build/h-macro/benchmarks/macro/publish_load, OUT=/tmp/relayload-macro.
# Example: benchmarks/macro/relay_throughput.sh 3
set -euo pipefail

RUNS=${1:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CLI=${CLI:-$ROOT/build/h-macro/cli/relayload-cli}
PUBLISH_LOAD=${PUBLISH_LOAD:-$ROOT/build/h-macro/benchmarks/macro/publish_load}
OUT=${OUT:-/tmp/relayload-macro}
PUB_CONNS=${PUB_CONNS:-100 1000}
PUB_THREADS=${PUB_THREADS:-1}
PUB_DURATION=${PUB_DURATION:-10}
PUB_WARMUP=${PUB_WARMUP:-2}
HELD=${HELD:-18000}
for x in "$CLI" "$PUBLISH_LOAD"; do
  [[ -x $x ]] || { echo "relay_throughput.sh: missing $x" >&2; exit 1; }
done
mkdir -p "$OUT"
ulimit -n "$(ulimit -Hn)"

source "$HERE/common.sh"

for c in $PUB_CONNS; do
  lines=()
  for run in $(seq "$RUNS"); do
    pre="$OUT/pub-c$c-t$PUB_THREADS-$run"
    start_relay "$pre.relay.log"
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    t0=$(date +%s.%N)
    "$PUBLISH_LOAD" --url "$URL" --connections "$c" \
      --threads "$PUB_THREADS" --duration "$PUB_DURATION" --warmup "$PUB_WARMUP" >"$pre.json" 2>"$pre.err" &
    watch_job $(( PUB_DURATION + PUB_WARMUP + 60 )) "$pre.csv" "$!:load" "$RELAY_PID:relay"
    load_end=$(cut -d' ' -f1-3 /proc/loadavg)
    stop_relay
    line=$(python3 - "$pre" "$t0" "$PUB_WARMUP" "$PUB_DURATION" "$load" "$load_end" <<'PY'
import json, sys
pre, t0, warm, dur, load, load_end = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6]
r = json.load(open(pre + ".json"))
rows = {}
for line in open(pre + ".csv"):
    wall, mono, label, pid, cpu, rss = line.strip().split(",")
    rows.setdefault(label, []).append((float(wall), float(cpu), int(rss)))
def near(label, t):
    return min(rows[label], key=lambda x: abs(x[0] - t))
a, b = near("relay", t0 + warm), near("relay", t0 + warm + dur)
la, lb = near("load", t0 + warm), near("load", t0 + warm + dur)
relay_cpu = b[1] - a[1]
load_cpu = lb[1] - la[1]
span = b[0] - a[0]
out = dict(r)
out.update({
    "relayCpuUsPerPublish": round(relay_cpu * 1e6 / r["publishes"], 2) if r["publishes"] else None,
    "relayCpuPct": round(100 * relay_cpu / span, 1) if span > 0 else None,
    "loadCpuUsPerPublish": round(load_cpu * 1e6 / r["publishes"], 2) if r["publishes"] else None,
    "relayRssKB": b[2],
    "load": load, "loadEnd": load_end,
})
print(json.dumps(out))
PY
)
    echo "C=$c run $run: $line"
    lines+=("$line")
    sleep 1
  done
  printf '%s\n' "${lines[@]}" | python3 -c '
import json, statistics, sys
runs = [json.loads(l) for l in sys.stdin if l.strip()]
print("== publish→push, C='"$c"' threads='"$PUB_THREADS"' duration='"$PUB_DURATION"'s runs=%d" % len(runs))
for k in ["publishesPerSec", "pushesPerSec", "errors", "relayCpuUsPerPublish", "relayCpuPct", "loadCpuUsPerPublish", "relayRssKB"]:
    v = [r[k] for r in runs if r.get(k) is not None]
    if v: print("  %-22s median %10s (min %s – max %s)" % (k, statistics.median(v), min(v), max(v)))
for k in ["p50", "p90", "p99", "max"]:
    v = [r["publishLatencyUs"][k] for r in runs]
    print("  publish latency %-6s median %8s us (min %s – max %s)" % (k, statistics.median(v), min(v), max(v)))
for r in runs: print("  load %s -> %s" % (r["load"], r["loadEnd"]))
'
done

if (( HELD > 0 )); then
  RAMP=2 DURATION=10 CLI="$CLI" OUT="$OUT" "$HERE/connections.sh" "$HELD" "$RUNS"
fi
