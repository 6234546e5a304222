#!/usr/bin/env bash
# `relayload-cli aggregate` on good, mixed and corrupt inputs.
set -u
cli=$1; data=$2; dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$dir/good" "$dir/mixed" "$dir/corrupt" "$dir/original"
# Reports merge only when scenario, target and config match: run both against one relay.
"$cli" relay --port 0 >"$dir/relay.log" 2>&1 &
relay=$!; trap 'kill $relay 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do grep -q "listening on" "$dir/relay.log" && break; sleep 0.1; done
url=$(grep -oE 'ws://[^ ]+' "$dir/relay.log" | head -1)
runt() { "$cli" --target="$url" --scenario="$1" --connections="$2" --ramp-up=0.2 --duration=1 --no-progress --output="$3" >/dev/null 2>&1 || fail "run $1 $2"; }
runt connection-storm 120 "$dir/good/a.json"
runt connection-storm 120 "$dir/good/b.json"
"$cli" aggregate --input="$dir/good" --output="$dir/merged.json" >"$dir/out" 2>&1 || { cat "$dir/out"; fail "good inputs refused"; }
python3 - "$dir/good/a.json" "$dir/good/b.json" "$dir/merged.json" <<'PY' || exit 1
import json, sys
a, b, m = (json.load(open(p)) for p in sys.argv[1:4])
ca, cb, cm = (x["results"]["connections"] for x in (a, b, m))
assert cm["attempted"] == ca["attempted"] + cb["attempted"] == 240, cm
assert cm["successful"] == ca["successful"] + cb["successful"], cm
assert m["parts"] == a["parts"] + b["parts"], m["parts"]
assert m["results"]["connectTimeDetail"]["count"] == 240, m["results"]["connectTimeDetail"]
assert m["results"]["connectTime"]["max"] == max(a["results"]["connectTime"]["max"], b["results"]["connectTime"]["max"])
print("merged counts and histogram ok")
PY
# The same command under the original spelling.
"$cli" results aggregate --input="$dir/good" >/dev/null 2>&1 || fail "results aggregate"
# Mixed: a steady-state report among storms.
cp "$dir/good/a.json" "$dir/mixed/a.json"
runt steady-state 50 "$dir/mixed/c.json"
out=$("$cli" aggregate --input="$dir/mixed" 2>&1); code=$?
[[ $code -eq 1 ]] && grep -q "scenario 'steady-state' differs from 'connection-storm'" <<<"$out" || { echo "$out"; fail "mixed scenarios not refused clearly"; }
# Corrupt: truncated JSON and garbage.
head -c 300 "$dir/good/a.json" >"$dir/corrupt/truncated.json"
echo 'not json at all' >"$dir/corrupt/garbage.json"
out=$("$cli" aggregate --input="$dir/corrupt" 2>&1); code=$?
[[ $code -eq 1 ]] && grep -q "truncated.json" <<<"$out" && grep -q "garbage.json" <<<"$out" || { echo "$out"; fail "corrupt files not named"; }
# The original tool's report: no histograms, refused with the reason.
cp "$data/original_storm.json" "$dir/original/"
out=$("$cli" aggregate --input="$dir/original" 2>&1); code=$?
[[ $code -eq 1 ]] && grep -q "without histograms" <<<"$out" || { echo "$out"; fail "original report not refused with a reason"; }
# Runs that measured different things: a pairs storm and a plain storm; realistic sessions
# with 2 and 3 exchanges each. Each refusal names the option that differs.
mkdir -p "$dir/storms" "$dir/sessions"
"$cli" --target="$url" --scenario=reconnect-storm --connections=4 --ramp-up=0.1 --storm-after=0.3 \
  --duration=3 --no-progress --output="$dir/storms/plain.json" >/dev/null 2>&1 || fail "plain storm"
"$cli" --target="$url" --scenario=reconnect-storm --connection-pairs=4 --ramp-up=0.1 --storm-after=0.3 \
  --duration=3 --no-progress --output="$dir/storms/pairs.json" >/dev/null 2>&1 || fail "pairs storm"
out=$("$cli" aggregate --input="$dir/storms" 2>&1); code=$?
[[ $code -eq 1 ]] && grep -qE "stormPairs is (true|false) here but (false|true) in the first report" <<<"$out" ||
  { echo "$out"; fail "a pairs storm and a plain storm were not refused naming stormPairs"; }
for m in 2 3; do
  "$cli" --target="$url" --scenario=realistic-session --connection-pairs=2 --ramp-up=0.1 \
    --wallet-delay=0.05 --response-delay=0.05 --messages-per-session=$m --no-progress \
    --output="$dir/sessions/m$m.json" >/dev/null 2>&1 || fail "sessions with $m messages"
done
out=$("$cli" aggregate --input="$dir/sessions" 2>&1); code=$?
[[ $code -eq 1 ]] && grep -qE "messagesPerSession is [23] here but [23] in the first report" <<<"$out" ||
  { echo "$out"; fail "different --messages-per-session not refused naming messagesPerSession"; }
# No input folder / no reports.
out=$("$cli" aggregate --input="$dir/none" 2>&1); [[ $? -eq 1 ]] && grep -q "is not a directory" <<<"$out" || fail "missing dir"
mkdir "$dir/empty"; out=$("$cli" aggregate --input="$dir/empty" 2>&1); [[ $? -eq 1 ]] && grep -q "no .json files" <<<"$out" || fail "empty dir"
echo ok
