#!/usr/bin/env bash
# Outputs are checked before anything runs, and results survive a destination that fails at
# the end.
#   1. Each output flag (--output, --report, --csv, --hdr, --output-dir) given a path that
#      cannot be written: exit 1 within a second (timeout 1), naming the flag, the path and
#      the reason, before the embedded relay starts or anything connects.
#   2. The output folder is replaced by a file during the run: the run still ends, exit 1,
#      names the failure, and the results land in the fallback file in the working folder,
#      a complete report.
set -u
cli=$1; dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; [[ -f $dir/log ]] && cat "$dir/log"; exit 1; }
bad=/proc/nonexistent   # cannot be created, not even by root
storm=(--scenario=connection-storm --connections=5 --ramp-up=0 --no-progress)
for spec in "--output=$bad/r.json" "--report=$bad/r.html" "--csv=$bad/r.csv" "--hdr=$bad/hdr" \
            "--output-dir=$bad/ranks"; do
  flag=${spec%%=*}; path=${spec#*=}
  timeout 20 "$cli" "${storm[@]}" "$spec" >"$dir/log" 2>&1
  code=$?
  [[ $code -eq 1 ]] || fail "$flag: exit $code, expected 1 before anything ran"
  grep -q "relayload-cli: error: $flag: cannot write $path: .* (checked before the run" "$dir/log" ||
    fail "$flag: no diagnosis naming the flag and the path"
  grep -qE "embedded relay|LOAD TEST RUNNER|RESULTS SUMMARY" "$dir/log" &&
    fail "$flag: something ran before the output check"
done
# A folder in the file's place.
mkdir -p "$dir/taken.json"
timeout 20 "$cli" "${storm[@]}" --output="$dir/taken.json" >"$dir/log" 2>&1
[[ $? -eq 1 ]] && grep -q "cannot write $dir/taken.json: Is a directory" "$dir/log" ||
  fail "a folder where --output should go was not refused"

# 2. The folder disappears during the run (and a file takes its name, so it cannot be made again).
mkdir -p "$dir/work" "$dir/out"
(cd "$dir/work" && timeout 60 "$cli" --scenario=steady-state --connections=20 --ramp-up=0.2 \
   --duration=3 --no-progress --output="$dir/out/r.json" >"$dir/log" 2>&1) &
job=$!
for _ in $(seq 50); do grep -q "LOAD TEST RUNNER\|Configuration" "$dir/log" 2>/dev/null && break; sleep 0.1; done
sleep 1
rm -rf "$dir/out" && echo "not a folder" >"$dir/out"
wait $job; code=$?
[[ $code -eq 1 ]] || fail "exit $code after the output folder vanished, expected 1"
grep -q "cannot write $dir/out/r.json" "$dir/log" || fail "the failed write is not named"
saved=$(sed -n 's/^relayload-cli: the results are saved in \(.*\) instead$/\1/p' "$dir/log")
[[ -n $saved && -f $saved && $(dirname "$saved") == "$dir/work" ]] ||
  fail "no fallback file in the working folder (got '$saved')"
python3 - "$saved" <<'PY' || fail "the fallback file is not the complete report"
import json, sys
r = json.load(open(sys.argv[1]))
c = r["results"]["connections"]
assert r["scenario"] == "steady-state" and c["attempted"] == 20 and c["successful"] == 20, c
assert r["results"]["connectTimeDetail"]["count"] == 20
PY
echo ok
