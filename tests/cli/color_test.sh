#!/usr/bin/env bash
# Colour in the summary: only on a terminal, not with NO_COLOR, not in an mpirun rank (whose
# output mpirun forwards, often to a file), and as --color says. `script` gives the command a
# pseudo-terminal, as a user's terminal would.
# usage: color_test.sh CLI DATA_DIR
set -u
cli=$1; data=$2; dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
report=$data/report_all_charts.json
esc=$'\x1b['
on_tty() { script -qec "$*" /dev/null; }
has_color() { grep -qF "$esc" "$dir/out"; }

"$cli" report "$report" >"$dir/out" 2>&1
has_color && fail "auto coloured output that is not a terminal"
on_tty "$cli report $report" >"$dir/out" 2>&1
has_color || fail "auto did not colour a terminal"
on_tty "env NO_COLOR=1 $cli report $report" >"$dir/out" 2>&1
has_color && fail "auto coloured a terminal with NO_COLOR=1"
on_tty "env NO_COLOR= $cli report $report" >"$dir/out" 2>&1
has_color || fail "an empty NO_COLOR turned colour off (no-color.org: only a non-empty one does)"
on_tty "env OMPI_COMM_WORLD_SIZE=2 $cli report $report" >"$dir/out" 2>&1
has_color && fail "auto coloured the output of an mpirun rank"
"$cli" report "$report" --color=always >"$dir/out" 2>&1
has_color || fail "--color=always did not colour"
NO_COLOR=1 "$cli" report "$report" --color=always >"$dir/out" 2>&1
has_color || fail "--color=always lost to NO_COLOR"
on_tty "$cli report $report --color=never" >"$dir/out" 2>&1
has_color && fail "--color=never coloured a terminal"
"$cli" report "$report" --color=sometimes >"$dir/out" 2>&1; code=$?
[[ $code == 1 ]] || fail "--color=sometimes exited $code, not 1"
grep -q "\-\-color: 'sometimes' is not one of auto, always, never" "$dir/out" || { cat "$dir/out"; fail "no clear error for --color=sometimes"; }
"$cli" --color=sometimes >"$dir/out" 2>&1; code=$?
[[ $code == 1 ]] || fail "run --color=sometimes exited $code, not 1"
echo ok
