#!/usr/bin/env bash
# examples/ci/compare-gate.sh, the release-gate recipe of the README, run twice against the
# embedded relay: the first run becomes the baseline, the second is compared with it and
# writes compare.json and compare.html. The gates here are ones an unchanged relay cannot
# fail by chance (no errors, no lost connections); latency gates are exercised by
# compare_test.sh on runs made to differ. A third call with a broken baseline exits 1.
# usage: ci_recipe_test.sh CLI RECIPE
set -u
cli=$1; recipe=$2; dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; [[ -f $dir/log ]] && cat "$dir/log"; exit 1; }
export GATES=$'errors.total<=+0\nconnections.successRate>=-0.1'
timeout 120 bash "$recipe" "$cli" "$dir/base/main.json" "$dir/out1" >"$dir/log" 2>&1 || fail "first run"
grep -q "no baseline at $dir/base/main.json yet" "$dir/log" || fail "first run did not become the baseline"
[[ -f $dir/base/main.json ]] || fail "no baseline written"
timeout 120 bash "$recipe" "$cli" "$dir/base/main.json" "$dir/out2" >"$dir/log" 2>&1; code=$?
[[ $code -eq 0 ]] || fail "second run: exit $code"
grep -q "✓ PASS  errors.total<=+0" "$dir/log" || fail "gate lines"
[[ -s $dir/out2/compare.json && -s $dir/out2/compare.html ]] || fail "comparison files"
echo '{}' >"$dir/base/main.json"
timeout 120 bash "$recipe" "$cli" "$dir/base/main.json" "$dir/out3" >"$dir/log" 2>&1; code=$?
[[ $code -eq 1 ]] || fail "a broken baseline: exit $code, expected 1"
echo ok
