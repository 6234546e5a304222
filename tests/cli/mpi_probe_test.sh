#!/usr/bin/env bash
# The pre-flight probe under mpirun: when every rank's probe fails (here: a port nobody listens
# on), the job ends within seconds with exit 2 and one diagnosis, from rank 0, and no load
# starts. (A rank whose probe fails alone is named in the merged report; with --no-probe a
# rank runs and reports "reached nothing": mpi_failed_rank_test.sh.)
set -u
cli=$1; mpirun=$2; dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; cat "$dir/log"; exit 1; }
# A port that was bound, then closed: connection refused.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
args=(--scenario=connection-storm --connections=20 --ramp-up=0 --threads=1 --no-progress
      --target="ws://127.0.0.1:$port/connection/websocket")
timeout 60 "$mpirun" --oversubscribe --allow-run-as-root -np 2 "$cli" "${args[@]}" >"$dir/log" 2>&1
code=$?
[[ $code -eq 2 ]] || fail "mpirun exit $code, expected 2"
[[ $(grep -c "probe failed (connection_refused)" "$dir/log") -eq 1 ]] ||
  fail "expected exactly one diagnosis (rank 0's)"
grep -q "LOAD TEST RUNNER" "$dir/log" && fail "the load started after a failed probe"
echo "probe refused the job with exit 2 and one diagnosis"
