#!/usr/bin/env bash
# How much two identical runs differ, and what `compare` calls it: N runs of one
# realistic-session experiment against the embedded relay, each compared with the first, and
# the first half as repeated base runs against the second half.
# usage: run_noise_benchmark.sh CLI OUT_DIR [N=6]
set -euo pipefail
cli=$1; out=$2; n=${3:-6}
mkdir -p "$out"
flags=(--scenario realistic-session --connection-pairs 50 --ramp-up 3 --messages-per-session 5
       --response-delay 0 --wallet-delay 0 --no-progress --threads 1)
for i in $(seq 1 "$n"); do
  "$cli" "${flags[@]}" --seed "$i" --output "$out/run$i.json" >"$out/run$i.log" 2>&1
done
echo "| run | messages p50 | p99 | vs run 1: p50 change (noise) verdict | p99 change (noise) verdict |"
echo "|---|---|---|---|---|"
for i in $(seq 1 "$n"); do
  "$cli" compare "$out/run1.json" "$out/run$i.json" --output "$out/cmp$i.json" >/dev/null
  python3 - "$out/cmp$i.json" "$i" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); f = {x["field"]: x for x in d["figures"]}
def cell(k):
    x = f[k]
    return f'{x["change"]:+.3f} ms (±{x["noise"]:.3f}) {x["verdict"]}'
p50, p99 = f["messages.latency.p50"], f["messages.latency.p99"]
print(f'| {sys.argv[2]} | {p50["candidate"]:.3f} ms | {p99["candidate"]:.3f} ms | {cell("messages.latency.p50")} | {cell("messages.latency.p99")} |')
PY
done
half=$((n / 2))
base=(); cand=()
for i in $(seq 1 "$half"); do base+=(--base "$out/run$i.json"); done
for i in $(seq $((half + 1)) "$n"); do cand+=("$out/run$i.json"); done
"$cli" compare "${base[@]}" "${cand[@]}" --output "$out/repeats.json" >/dev/null
python3 - "$out/repeats.json" "$half" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); f = {x["field"]: x for x in d["figures"]}
for k in ("messages.latency.p50", "messages.latency.p99"):
    x = f[k]
    print(f'repeats ({sys.argv[2]} vs {sys.argv[2]}): {k} {x["base"]:.3f} → {x["candidate"]:.3f} ms, '
          f'change {x["change"]:+.3f} ms, noise ±{x["noise"]:.3f} ms: {x["verdict"]}')
PY
