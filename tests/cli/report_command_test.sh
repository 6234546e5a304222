#!/usr/bin/env bash
# `relayload-cli report` on a saved report (HTML, CSV, HdrHistogram files, SLO verdicts and
# exit codes, bad inputs), and `run --report --csv --hdr --slo` on a short real run.
# usage: report_command_test.sh CLI DATA_DIR
set -u
cli=$1; data=$2; dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "FAIL: $*"; exit 1; }
# expect WHAT CODE REGEX -- COMMAND...: expect.sh, quiet when it passes.
expect() {
  local what=$1; shift
  bash "$here/expect.sh" "$@" >"$dir/expect.log" 2>&1 || { cat "$dir/expect.log"; fail "$what"; }
}
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
python3 -c "
import json,sys; d=json.load(open(sys.argv[1])); d['slo']=[{'expression':'</td><script>'}]
json.dump(d,open(sys.argv[2],'w'))" "$fixture" "$dir/hostile.json"
out=$("$cli" report "$dir/hostile.json" 2>&1); [[ $? -eq 1 ]] && grep -q "slo\[0\].expression: SLO '</td><script>': the field is missing" <<<"$out" || { echo "$out"; fail "hostile expression"; }
touch "$dir/afile"
out=$("$cli" report "$fixture" --hdr "$dir/afile" 2>&1); [[ $? -eq 1 ]] && grep -q "\-\-hdr: cannot create the folder" <<<"$out" || { echo "$out"; fail "--hdr onto a file"; }
out=$("$cli" report "$fixture" -o "" 2>&1); [[ $? -eq 1 ]] && grep -q "\-\-output: empty path" <<<"$out" || { echo "$out"; fail "empty -o"; }
out=$("$cli" report 2>&1); [[ $? -eq 1 ]] && grep -q "results is required" <<<"$out" || { echo "$out"; fail "no input"; }

# The original tool's documents: rendered from the figures they carry, judged by --slo from
# them (a field they do not carry has no data and fails), --csv and --hdr refused, saying why.
storm=$data/original_storm.json; steady=$data/original_steady_messaging.json
expect "original storm summary" 0 'RESULTS SUMMARY  \(original-tool document\)' -- "$cli" report "$storm"
expect "original storm: no histograms line" 0 'no histograms, errors or time series' -- "$cli" report "$storm"
expect "original storm: connect line" 0 '^Connect: +min=1ms, avg=2ms, p50=2ms, p95=3ms, p99=3ms, max=19ms$' -- "$cli" report "$storm"
expect "original storm: connections line" 0 '^Connections: +200 attempted, 200 successful \(100\.0%\)$' -- "$cli" report "$storm"
expect "original steady-messaging: sections" 0 '^  Exchanges: +165/165 \(100\.0%\)$' -- "$cli" report "$steady"
expect "original steady-messaging: the original's objective" 0 '✓ PASS  messages\.latency\.p99<=400ms \(actual 6ms\)' -- "$cli" report "$steady"
expect "original: --slo breached" 3 '✗ FAIL  messages\.latency\.p99<=5ms \(actual 6ms\)' -- "$cli" report "$steady" --slo 'messages.latency.p99<=5ms'
expect "original: --slo on a field it does not carry" 3 '✗ FAIL  messages\.latency\.p90<=400ms \(actual no data\)' -- "$cli" report "$steady" --slo 'messages.latency.p90<=400ms'
expect "original: --slo met" 0 '✓ PASS  connections\.successRate>=99 \(actual 100%\)' -- "$cli" report "$steady" --slo 'connections.successRate>=99' --slo 'messages.latency.p99<=10ms'
expect "original: --fail-on-slo with no objective that applies" 0 'RESULTS SUMMARY' -- "$cli" report "$storm" --fail-on-slo
expect "original: --csv refused" 1 'error: --csv: .*original_steady_messaging\.json is an original-tool document, which has no time series to export' -- "$cli" report "$steady" --csv "$dir/orig.csv"
expect "original: --hdr refused" 1 'error: --hdr: .*original_storm\.json is an original-tool document, which has no histograms to export' -- "$cli" report "$storm" --hdr "$dir/orig-hdr"
[[ ! -e $dir/orig.csv && ! -e $dir/orig-hdr ]] || fail "a refused export wrote something"
"$cli" report "$steady" -o "$dir/orig.html" >"$dir/log" 2>&1 || { cat "$dir/log"; fail "original document to HTML"; }
grep -q "HTML report written to $dir/orig.html" "$dir/log" || { cat "$dir/log"; fail "original HTML not announced"; }
python3 - "$dir/orig.html" <<'PY' || fail "original document's HTML"
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
assert 'id="original-document"' in h, "no banner saying what the document is"
for chart, lines in (("chart-latency-distribution", 1), ("chart-message-latency", 2)):
    m = re.search(r'<svg class="chart" id="%s".*?</svg>' % chart, h, re.S)
    assert m, chart + " not drawn"
    assert m.group(0).count('<path class="series') == lines, chart
left = re.search(r'<div class="left-out" id="charts-left-out">(.*?)</div>', h, re.S)
assert left and "no time series" in left.group(1) and "no histograms" in left.group(1), "left-out note"
assert '<tr class="pass"><td><code>messages.latency.p99&lt;=400ms</code>' in h, "verdict row"
assert "<script" not in h
print("original document's page: charts, left-out note, verdicts")
PY
# Merging them stays refused (aggregate_test.sh checks the reason).

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
