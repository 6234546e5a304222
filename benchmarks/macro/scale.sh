#!/usr/bin/env bash
# scale.sh [runs] — N connections (default 100,000) held for DURATION s on this machine by
# PROCS generator processes (`--shard=I/PROCS`, one common `--start-at`) against
# `relayload-cli relay --workers WORKERS` (issue 7). Results: benchmarks/RESULTS.md, "Scale".
#
# One process holds at most ~19,000 sockets here (20,000 open files), so 100K needs several
# generator processes and several relay workers. Each run:
#   1. starts the relay (WORKERS processes sharing one port with SO_REUSEPORT) and samples
#      its workers once (baseline);
#   2. baseline generator: --connections=1, same flags; its peak VmRSS = a generator holding
#      nothing;
#   3. starts PROCS generators, shard I of PROCS each, all with --start-at = now + 5 s, while
#      procmon.py samples every generator and relay worker every 0.25 s;
#   4. merges the shards' reports exactly with `relayload-cli aggregate` and derives:
#      - connect rate = successful ÷ (last shard's connect span): the time from the common
#        t0 until every connection had its outcome (totalTimeMs − holdDurationMs, max over
#        the shards);
#      - generator CPU µs per connection = Σ over the generators of utime+stime (whole
#        process, start-up and ramp included) at the mid-hold sample ÷ successful;
#      - generator memory per held connection = Σ (VmRSS at mid-hold − baseline RSS) ÷
#        successful;
#      - relay CPU µs and memory per connection = Σ over the workers (mid-hold − baseline) ÷
#        successful;
#      - failures, reconnects and drops from the merged report.
# Prints one line per run and the median (min–max) over the runs.
#
# Environment (defaults): N=100000 PROCS=6 WORKERS=7 RAMP=20 DURATION=60 THREADS=1
# SOURCE_IPS=127.0.1.1-127.0.1.8 (each generator connects from these, round-robin; 8 × 28K
# ephemeral ports; above half of an address's ports, ~14K connections per address, connect()'s
# port search costs more than the connect: for 250K pass 128, as the CLI's pre-flight advice
# says), CLI=build/release/cli/relayload-cli, OUT=/tmp/relayload-scale,
# TRANSPORT (unset: the CLI's default; lean|websocketpp: the generators' --transport, baseline
# included; never the relay's), RELAY_ARGS (extra `relayload-cli relay` flags, e.g.
# "--ping-interval 60"; word-split).
# Bounded: every process gets a timeout; N/PROCS and N/WORKERS must stay under 19,000.
#
# Example: benchmarks/macro/scale.sh 3
set -euo pipefail

RUNS=${1:-3}
N=${N:-100000}
PROCS=${PROCS:-6}
WORKERS=${WORKERS:-7}
RAMP=${RAMP:-20}
DURATION=${DURATION:-60}
THREADS=${THREADS:-1}
SOURCE_IPS=${SOURCE_IPS:-127.0.1.1-127.0.1.8}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CLI=${CLI:-$ROOT/build/release/cli/relayload-cli}
OUT=${OUT:-/tmp/relayload-scale}
[[ -x $CLI ]] || { echo "scale.sh: no CLI at $CLI (set CLI=...)" >&2; exit 1; }
(( N / PROCS < 19000 )) || { echo "scale.sh: N/PROCS must stay under 19,000 sockets per process" >&2; exit 1; }
(( N / WORKERS < 18000 )) || { echo "scale.sh: N/WORKERS must leave headroom under 19,000 (SO_REUSEPORT spreads unevenly)" >&2; exit 1; }
mkdir -p "$OUT"
ulimit -n "$(ulimit -Hn)"

source "$HERE/common.sh"

limit=$(( 180 + DURATION + 2 * RAMP ))
transport_flag=()
[[ -z ${TRANSPORT:-} ]] || transport_flag=(--transport="$TRANSPORT")
common=(--scenario=steady-state --connections="$N" --ramp-up="$RAMP" --duration="$DURATION"
        --threads="$THREADS" --source-ips="$SOURCE_IPS" --no-progress --seed=1 "${transport_flag[@]}")
summary_lines=()
for run in $(seq "$RUNS"); do
  pre="$OUT/scale-n$N-p$PROCS-w$WORKERS-r$RAMP${TRANSPORT:+-$TRANSPORT}-$run"
  rm -rf "$pre.shards"; mkdir -p "$pre.shards"
  # shellcheck disable=SC2086  # RELAY_ARGS is a list of flags
  start_relay "$pre.relay.log" --workers "$WORKERS" ${RELAY_ARGS:-}
  sleep 0.5
  mapfile -t WORKER_PIDS < <(pgrep -P "$RELAY_PID")
  (( ${#WORKER_PIDS[@]} == WORKERS )) || { echo "scale.sh: expected $WORKERS relay workers, found ${#WORKER_PIDS[@]}" >&2; exit 1; }
  relay_args=()
  for i in "${!WORKER_PIDS[@]}"; do relay_args+=("${WORKER_PIDS[$i]}:relay$i"); done
  # Baseline generator: one connection, same flags otherwise.
  timeout 60 "$CLI" --target="$URL" --scenario=steady-state --connections=1 --ramp-up=0 \
    --duration=2 --threads="$THREADS" --source-ips="$SOURCE_IPS" --no-progress --seed=1 \
    "${transport_flag[@]}" >"$pre.base.log" 2>&1 &
  bpid=$!
  python3 "$HERE/procmon.py" "$pre.base.csv" 0.1 "$bpid:gen" || true
  wait "$bpid" || true
  sleep 1
  python3 "$HERE/procmon.py" --once "$pre.relay0.csv" "${relay_args[@]}"
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  start_at=$(( $(date +%s%3N) + 5000 ))
  GEN_PIDS=()
  gen_args=()
  for i in $(seq 0 $((PROCS - 1))); do
    timeout "$limit" "$CLI" --target="$URL" "${common[@]}" --shard="$i/$PROCS" \
      --start-at="$start_at" --output="$pre.shards/shard-$i.json" >"$pre.gen$i.log" 2>&1 &
    GEN_PIDS+=("$!")
    gen_args+=("$!:gen$i")
  done
  # timeout(1) is the parent; sample the CLI processes themselves.
  sleep 0.5
  cli_args=()
  for i in "${!GEN_PIDS[@]}"; do cli_args+=("$(pgrep -P "${GEN_PIDS[$i]}" | head -1):gen$i"); done
  python3 "$HERE/procmon.py" "$pre.csv" 0.25 "${cli_args[@]}" "${relay_args[@]}" || true
  rcs=()
  for p in "${GEN_PIDS[@]}"; do rc=0; wait "$p" || rc=$?; rcs+=("$rc"); done
  GEN_PIDS=()
  load_end=$(cut -d' ' -f1-3 /proc/loadavg)
  "$CLI" aggregate --input="$pre.shards" --output="$pre.merged.json" >"$pre.aggregate.log" 2>&1 || true
  kill "$RELAY_PID" 2>/dev/null; wait "$RELAY_PID" 2>/dev/null || true; RELAY_PID=
  line=$(python3 "$HERE/analyse_scale.py" "$pre" "$N" "$PROCS" "$DURATION" "${rcs[*]}" "$load" "$load_end")
  echo "run $run: $line"
  summary_lines+=("$line")
  sleep 3
done
printf '%s\n' "${summary_lines[@]}" | python3 "$HERE/analyse_scale.py" --summary \
  "N=$N procs=$PROCS workers=$WORKERS transport=${TRANSPORT:-default} relay-args='${RELAY_ARGS:-}' ramp=${RAMP}s hold=${DURATION}s threads=$THREADS source-ips=$SOURCE_IPS runs=$RUNS"
