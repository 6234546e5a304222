#!/usr/bin/env bash
# Live progress under mpirun: rank 0's line shows the totals of all ranks (not its own
# shard), and names a rank that has fallen behind its schedule. Rank 1 is stopped (SIGSTOP)
# before t0 and let go 6 s later, so at rank 0's first progress line (5 s after its start,
# inside the 10 s ramp) rank 1 has started none of the units its schedule says are due.
# The later lines, after it caught up, count every rank's connections.
set -u
cli=$1; mpirun=$2; dir=$(mktemp -d)
stopped=""
cleanup() { [[ -n $stopped ]] && kill -CONT "$stopped" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

timeout 120 "$mpirun" --oversubscribe --allow-run-as-root -np 2 "$cli" --scenario=steady-state \
  --connections=200 --ramp-up=10 --duration=10 --threads=1 --output="$dir/merged.json" \
  >"$dir/log" 2>&1 &
job=$!

# Rank 1's pid: the relayload-cli process whose environment says OMPI_COMM_WORLD_RANK=1.
rank1=""
for _ in $(seq 100); do
  for pid in $(pgrep -f "relayload-cli --scenario=steady-state --connections=200" || true); do
    if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=1"; then
      rank1=$pid
    fi
  done
  [[ -n $rank1 ]] && grep -q "MPI ranks:" "$dir/log" && break
  sleep 0.1
done
[[ -n $rank1 ]] || { cat "$dir/log"; fail "rank 1 not found"; }
kill -STOP "$rank1" && stopped=$rank1
sleep 6
kill -CONT "$rank1"; stopped=""
wait "$job"; code=$?
cat "$dir/log"
[[ $code -eq 0 ]] || fail "mpirun exit $code"

python3 - "$dir/log" "$dir/merged.json" <<'PY' || exit 1
import json, re, sys
lines = [l for l in open(sys.argv[1], encoding="utf-8") if re.match(r"\[\d+s\] connected", l)]
if not lines:
    sys.exit("FAIL: no progress line")
first = lines[0]
m = re.search(r"rank 1 behind schedule \((?:(\d+)/(\d+) due started|no counters yet, (\d+) due)\)", first)
if not m or (m.group(1) is not None and int(m.group(1)) >= int(m.group(2))):
    sys.exit("FAIL: the first line does not name rank 1 as behind its schedule: " + first)
if "rank 0 behind" in first:
    sys.exit("FAIL: rank 0 named behind: " + first)
# Totals, not rank 0's shard: once both ranks have started everything, the line counts 200.
done = [l for l in lines if re.search(r"connected \d+/200 .*\| ranks 2/2", l)]
if not done:
    sys.exit("FAIL: no line counts the 200 connections of both ranks: " + "".join(lines))
if "behind" in done[-1]:
    sys.exit("FAIL: a rank still named behind after catching up: " + done[-1])
merged = json.load(open(sys.argv[2]))
if merged["results"]["connections"]["attempted"] != 200:
    sys.exit("FAIL: merged report attempted != 200")
print("progress: totals of both ranks; rank 1 named while behind schedule")
PY
echo ok
