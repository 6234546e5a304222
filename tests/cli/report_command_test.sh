#!/usr/bin/env bash
# `relayload-cli report` on a saved report (HTML, CSV, HdrHistogram files, SLO verdicts and
# exit codes, bad inputs), and `run --report --csv --hdr --slo` on a short real run.
# usage: report_command_test.sh CLI DATA_DIR
set -u
cli=$1; data=$2; dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
fixture=$data/report_all_charts.json  # carries 3 objectives; errors.total==0 fails

# Everything from a saved report.
"$cli" report "$fixture" -o "$dir/out/r.html" --csv "$dir/out/r.csv" --hdr "$dir/out/hdr" \
  >"$dir/log" 2>&1; code=$?
[[ $code -eq 0 ]] || { cat "$dir/log"; fail "report exited $code (no --slo, no --fail-on-slo: 0)"; }
grep -q "✗ FAIL  errors.total==0 (actual 45)" "$dir/log" || { cat "$dir/log"; fail "verdicts not in the summary"; }
grep -q '<svg class="chart" id="chart-errors"' "$dir/out/r.html" || fail "HTML report"
head -1 "$dir/out/r.csv" | grep -q "^series,interval,start_s,end_s,latency_count" || fail "CSV header"
grep -q "^connections,13,13.000,14.000," "$dir/out/r.csv" || fail "CSV connection rows"
grep -q "^steadyMessaging.latencyOverTime,0,0.000,10.000," "$dir/out/r.csv" || fail "CSV latency rows"
hgrm=$dir/out/hdr/messages.latency.hgrm
[[ -f $hgrm && -f $dir/out/hdr/connectTime.hgrm ]] || { ls "$dir/out/hdr"; fail "hgrm files"; }
head -1 "$hgrm" | grep -Eq '^ +Value +Percentile TotalCount 1/\(1-Percentile\)$' || fail "hgrm header"
grep -Eq '^ +[0-9.]+ 1\.000000000000 +1722$' "$hgrm" || fail "hgrm 100% line"
grep -q '^#\[Max     = .*Total count    = *1722\]$' "$hgrm" || fail "hgrm footer"

# Exit codes: --slo replaces the objectives; a breach exits 3; --fail-on-slo judges the
# report's own objectives.
"$cli" report "$fixture" --slo 'messages.latency.p99<=400ms' --slo 'connections.successRate>=99.9' >"$dir/log" 2>&1
[[ $? -eq 0 ]] || { cat "$dir/log"; fail "passing --slo should exit 0"; }
grep -q "errors.total" "$dir/log" && fail "--slo did not replace the report's objectives"
"$cli" report "$fixture" --slo 'messages.latency.p99<=1ms' >"$dir/log" 2>&1
[[ $? -eq 3 ]] && grep -q "✗ FAIL  messages.latency.p99<=1ms (actual 3.858ms)" "$dir/log" || { cat "$dir/log"; fail "breached --slo should exit 3"; }
"$cli" report "$fixture" --fail-on-slo >"$dir/log" 2>&1
[[ $? -eq 3 ]] || fail "--fail-on-slo with a failing objective should exit 3"
out=$("$cli" report "$fixture" --slo 'messages.latency.p99<=abc' 2>&1)
[[ $? -eq 1 ]] && grep -q "SLO 'messages.latency.p99<=abc': 'abc' does not start with a number" <<<"$out" || { echo "$out"; fail "bad --slo"; }

# Bad inputs, each named.
out=$("$cli" report "$dir/none.json" 2>&1); [[ $? -eq 1 ]] && grep -q "cannot read '$dir/none.json'" <<<"$out" || { echo "$out"; fail "missing file"; }
echo '{"schemaVersion": 2, "scenario": 5}' >"$dir/bad.json"
out=$("$cli" report "$dir/bad.json" 2>&1); [[ $? -eq 1 ]] && grep -q "bad.json: scenario: expected a string" <<<"$out" || { echo "$out"; fail "corrupt report"; }
out=$("$cli" report "$data/original_storm.json" 2>&1); [[ $? -eq 1 ]] && grep -q "schemaVersion" <<<"$out" || { echo "$out"; fail "original tool's report"; }
python3 -c "
import json,sys; d=json.load(open(sys.argv[1])); d['slo']=[{'expression':'</td><script>'}]
json.dump(d,open(sys.argv[2],'w'))" "$fixture" "$dir/hostile.json"
out=$("$cli" report "$dir/hostile.json" 2>&1); [[ $? -eq 1 ]] && grep -q "slo\[0\].expression: SLO '</td><script>': the field is missing" <<<"$out" || { echo "$out"; fail "hostile expression"; }
touch "$dir/afile"
out=$("$cli" report "$fixture" --hdr "$dir/afile" 2>&1); [[ $? -eq 1 ]] && grep -q "\-\-hdr: cannot create the folder" <<<"$out" || { echo "$out"; fail "--hdr onto a file"; }
out=$("$cli" report "$fixture" -o "" 2>&1); [[ $? -eq 1 ]] && grep -q "\-\-output: empty path" <<<"$out" || { echo "$out"; fail "empty -o"; }
out=$("$cli" report 2>&1); [[ $? -eq 1 ]] && grep -q "results is required" <<<"$out" || { echo "$out"; fail "no input"; }

# A short real run writes the same files and carries its objectives in the JSON.
"$cli" --scenario=connection-storm --connections=40 --ramp-up=0.3 --no-progress \
  --slo 'connections.successRate>=99' --slo 'connectTime.p99<=10s' \
  --output="$dir/run/r.json" --report="$dir/run/r.html" --csv="$dir/run/r.csv" --hdr="$dir/run/hdr" \
  >"$dir/log" 2>&1 || { cat "$dir/log"; fail "run with exports"; }
[[ -s $dir/run/r.html && -s $dir/run/r.csv && -s $dir/run/hdr/connectTime.hgrm ]] || { cat "$dir/log"; fail "run exports missing"; }
grep -q "^connections,0," "$dir/run/r.csv" || fail "run CSV rows"
python3 - "$dir/run/r.json" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
slo = d["slo"]
assert [s["expression"] for s in slo] == ["connections.successRate>=99", "connectTime.p99<=10s"], slo
assert all(s["pass"] for s in slo), slo
assert slo[0]["actual"] == "100%" and slo[0]["value"] == 100, slo
print("run JSON carries its verdicts")
PY
# The saved run renders again with the same verdicts.
"$cli" report "$dir/run/r.json" --fail-on-slo >"$dir/log" 2>&1 || { cat "$dir/log"; fail "re-render of the run"; }
grep -q "✓ PASS  connectTime.p99<=10s" "$dir/log" || fail "re-rendered verdicts"
echo ok
