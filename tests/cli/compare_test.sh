#!/usr/bin/env bash
# `relayload-cli compare` as a release gate uses it, on real short runs against relays on
# loopback port 0:
#   1. two runs of one experiment: no gate → exit 0; as repeats (--base a --base b a) a
#      +0 % gate is within noise → exit 0 (the candidate is one of the base runs, so the
#      change is half the spread between the runs, and the noise at least the whole spread);
#   2. the same experiment against a relay that serves 20 publishes a second (queued): a
#      p50 gate of +100 % fails → exit 3, naming it;
#   3. different --messages-per-session: refused, naming the option; --force compares;
#   4. the original tool's document (tests/cli/data/original_storm.json) as the base of a
#      relayload connection-storm with the same flags;
#   5. bad gates, unreadable files, an unwritable --output: exit 1, named, before reading.
# usage: compare_test.sh CLI DATA_DIR
set -u
cli=$1; data=$2; dir=$(mktemp -d)
relay=""
trap '[[ -n $relay ]] && kill "$relay" 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; [[ -f $dir/log ]] && { echo "--- last output ---"; cat "$dir/log"; }; exit 1; }

session=(--scenario realistic-session --connection-pairs 20 --ramp-up 1 --messages-per-session 2
         --response-delay 0 --wallet-delay 0 --no-progress --threads 1)
run() { timeout 120 "$cli" "${session[@]}" "$@" >"$dir/run.log" 2>&1 || { cat "$dir/run.log"; fail "run $*"; }; }
run --output "$dir/a.json"
run --output "$dir/b.json"

# 1. The same experiment.
timeout 30 "$cli" compare "$dir/a.json" "$dir/b.json" --output "$dir/ab.json" --report "$dir/ab.html" \
  >"$dir/log" 2>&1; code=$?
[[ $code -eq 0 ]] || fail "compare without gates exited $code"
grep -Eq '^  messages\.latency\.p99 +[0-9.]+ms +[0-9.]+ms ' "$dir/log" || fail "no p99 row"
grep -q "figure(s) worse" "$dir/log" || fail "no closing count"
python3 - "$dir/ab.json" <<'PY' || fail "comparison JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["comparisonVersion"] == 1 and d["pass"] is True and d["gates"] == []
assert [r["label"] for r in d["base"]] == ["a.json"] and d["candidate"][0]["label"] == "b.json"
f = {x["field"]: x for x in d["figures"]}
p99 = f["messages.latency.p99"]
assert p99["unit"] == "ms" and p99["worse"] == "higher" and p99["base"] > 0, p99
assert f["connections.successRate"]["verdict"] == "same", f["connections.successRate"]
assert "noise" in p99 and p99["noise"] is not None, p99
PY
grep -q 'id="compare-percentiles-messages.latency"' "$dir/ab.html" || fail "HTML percentile chart"

timeout 30 "$cli" compare --base "$dir/a.json" --base "$dir/b.json" "$dir/a.json" \
  --gate 'messages.latency.p50<=+0%' --gate 'errors.total<=+0' >"$dir/log" 2>&1; code=$?
[[ $code -eq 0 ]] || fail "a +0 % gate within the noise of repeats exited $code"
grep -q "✓ PASS  messages.latency.p50<=+0% (actual " "$dir/log" || fail "gate line"
grep -q "2 base run(s) and 1 candidate run(s)" "$dir/log" || fail "repeats note"

# 2. A slower relay: publishes queue behind a rate of 20 a second.
"$cli" relay --port 0 --max-publish-rate 20 >"$dir/relay.log" 2>&1 &
relay=$!
for _ in $(seq 1 100); do grep -q "listening on" "$dir/relay.log" && break; sleep 0.1; done
url=$(grep -oE 'ws://[^ ]+' "$dir/relay.log" | head -1)
[[ -n $url ]] || fail "relay did not start: $(cat "$dir/relay.log")"
run --target "$url" --no-probe --output "$dir/slow.json"
kill "$relay"; wait "$relay" 2>/dev/null; relay=""
timeout 30 "$cli" compare "$dir/a.json" "$dir/slow.json" --gate 'messages.latency.p50<=+100%' \
  --gate 'connections.successRate>=-0.1' >"$dir/log" 2>&1; code=$?
[[ $code -eq 3 ]] || fail "a broken gate exited $code, expected 3"
grep -q "✗ FAIL  messages.latency.p50<=+100% (actual +" "$dir/log" || fail "FAIL line"
grep -q "✓ PASS  connections.successRate>=-0.1" "$dir/log" || fail "the passing gate"
grep -Eq '^  messages\.latency\.p50 .*▲ worse$' "$dir/log" || fail "p50 not marked worse"
grep -q "the runs measured 2 different targets: ws://" "$dir/log" || fail "targets note"

# 3. Another experiment is refused, naming the option; --force compares it.
session[7]=3  # --messages-per-session 3
run --output "$dir/three.json"
timeout 30 "$cli" compare "$dir/a.json" "$dir/three.json" >"$dir/log" 2>&1; code=$?
[[ $code -eq 1 ]] || fail "different options: exit $code, expected 1"
grep -q "three.json: messagesPerSession is 2 in the base but 3 in the candidate" "$dir/log" ||
  fail "the differing option is not named"
grep -q -- "--force compares them anyway" "$dir/log" || fail "no --force hint"
timeout 30 "$cli" compare "$dir/a.json" "$dir/three.json" --force >"$dir/log" 2>&1; code=$?
[[ $code -eq 0 ]] || fail "--force exited $code"
grep -q "Compared with --force, although they differ:" "$dir/log" || fail "forced differences not listed"

# 4. The original tool's document as the base (200 connections, ramp 2 s, duration 60).
timeout 120 "$cli" --scenario connection-storm --connections 200 --ramp-up 2 --no-progress \
  --threads 1 --output "$dir/storm.json" >"$dir/run.log" 2>&1 || { cat "$dir/run.log"; fail "storm run"; }
timeout 30 "$cli" compare "$data/original_storm.json" "$dir/storm.json" \
  --gate 'connections.successRate>=-0.1' --output "$dir/orig.json" >"$dir/log" 2>&1; code=$?
[[ $code -eq 0 ]] || fail "original-tool base: exit $code"
grep -q "original_storm.json (connection-storm, original tool" "$dir/log" || fail "base not named as original"
grep -q "whole milliseconds" "$dir/log" || fail "original-tool note"
grep -Eq '^  connectTime\.p99 +3ms ' "$dir/log" || fail "the original's p99 (3 ms) is not the base"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['base'][0]['origin']=='original-tool'" \
  "$dir/orig.json" || fail "origin in JSON"
# An original document of another experiment is still refused.
timeout 30 "$cli" compare "$data/original_storm.json" "$dir/a.json" >"$dir/log" 2>&1; code=$?
[[ $code -eq 1 ]] && grep -q "scenario is 'connection-storm' in the base but 'realistic-session'" "$dir/log" ||
  fail "original vs another scenario: exit $code"
# ... and merging one stays refused.
mkdir "$dir/agg" && cp "$data/original_storm.json" "$dir/storm.json" "$dir/agg/"
timeout 30 "$cli" aggregate --input "$dir/agg" >"$dir/log" 2>&1; code=$?
[[ $code -eq 1 ]] && grep -q "not a relayload report" "$dir/log" || fail "aggregate of an original: exit $code"

# 5. Bad input, named, nothing read or written.
timeout 30 "$cli" compare "$dir/a.json" "$dir/b.json" --gate 'messages.latency.p99<=+10pp' >"$dir/log" 2>&1
[[ $? -eq 1 ]] && grep -q "gate 'messages.latency.p99<=+10pp': the unit 'pp' does not fit" "$dir/log" || fail "bad gate"
timeout 30 "$cli" compare "$dir/a.json" >"$dir/log" 2>&1
[[ $? -eq 1 ]] && grep -q "give a base and a candidate" "$dir/log" || fail "one file"
timeout 30 "$cli" compare "$dir/a.json" "$dir/nothing.json" >"$dir/log" 2>&1
[[ $? -eq 1 ]] && grep -q "cannot read '$dir/nothing.json'" "$dir/log" || fail "missing file"
echo '{"schemaVersion": 2, "scenario": 5}' >"$dir/bad.json"
timeout 30 "$cli" compare "$dir/a.json" "$dir/bad.json" >"$dir/log" 2>&1
[[ $? -eq 1 ]] && grep -q "bad.json: scenario: expected a string" "$dir/log" || fail "corrupt report"
touch "$dir/file"
timeout 30 "$cli" compare "$dir/a.json" "$dir/b.json" --output "$dir/file/out.json" >"$dir/log" 2>&1
[[ $? -eq 1 ]] && grep -q -- "--output: cannot write '$dir/file/out.json'" "$dir/log" || fail "unwritable --output"
grep -q "COMPARISON" "$dir/log" && fail "compared although --output cannot be written"
echo "ok"
