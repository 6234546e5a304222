#!/usr/bin/env bash
# connections.sh N [runs] — connect rate, generator CPU and memory per connection, and the
# relay's CPU and memory per connection, for N connections from ONE generator process
# (issue 4). Results: benchmarks/RESULTS.md, "Connections (issue 4)".
#
# Each run:
#   1. starts `relayload-cli relay --port 0` as its own process (reads the URL it prints);
#   2. baseline: runs the generator with --connections=1 (same flags otherwise) and takes its
#      peak VmRSS = the RSS of a generator process holding (almost) nothing;
#   3. runs `relayload-cli --target=URL --scenario=steady-state --connections=N
#      --ramp-up=R --duration=D --output=...` while procmon.py samples /proc of the generator
#      and the relay every 0.1 s;
#   4. derives, from the JSON report and the samples:
#      - connect rate = successful ÷ (totalTimeMs − holdDurationMs): the time from the first
#        intended start until every connection had its outcome (the hold starts then);
#      - generator CPU µs per connection = utime+stime of the whole generator process (all
#        threads: start-up, pre-flight, ramp and the idle part of the hold until the sample)
#        at the mid-hold sample ÷ successful; nothing is subtracted;
#      - generator memory per held connection = (VmRSS at mid-hold − baseline RSS) ÷ successful;
#      - relay CPU µs and RSS per connection = (value at mid-hold − value sampled just before
#        the generator starts, after the baseline run)
#        ÷ successful, for the relay process;
#      - failures and errors by cause from the report.
#   The mid-hold sample is the one nearest to hold start + D/2 (hold start = report
#   startTime + totalTimeMs − holdDurationMs).
# Prints one line per run and the median (min–max) over the runs.
#
# Environment (defaults): RAMP=1 (seconds; 0 = as fast as possible), DURATION=10 (hold, s),
# CLI=build/h-macro/cli/relayload-cli, OUT=/tmp/relayload-macro (reports, samples, logs),
# THREADS= (generator --threads; empty = the CLI default, one per core),
# SOURCE_IPS= (generator --source-ips, e.g. 127.0.0.2-127.0.0.5; empty = the kernel's choice).
# Bounded: N ≤ 19,000 (one process holds ~19K sockets under the 20,000 open-file limit),
# every process gets a timeout.
#
# Example: RAMP=1 benchmarks/macro/connections.sh 10000 3
set -euo pipefail

N=${1:?usage: connections.sh N [runs]}
RUNS=${2:-3}
RAMP=${RAMP:-1}
DURATION=${DURATION:-10}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CLI=${CLI:-$ROOT/build/h-macro/cli/relayload-cli}
OUT=${OUT:-/tmp/relayload-macro}
THREADS=${THREADS:-}
SOURCE_IPS=${SOURCE_IPS:-}
[[ -x $CLI ]] || { echo "connections.sh: no CLI at $CLI (set CLI=...)" >&2; exit 1; }
(( N >= 1 && N <= 19000 )) || { echo "connections.sh: N must be 1..19000" >&2; exit 1; }
mkdir -p "$OUT"
ulimit -n "$(ulimit -Hn)"

source "$HERE/common.sh"

thread_flag=()
# TRANSPORT=lean|websocketpp: the generator's --transport (both runs; never the relay's).
transport_flag=()
[[ -z ${TRANSPORT:-} ]] || transport_flag=(--transport="$TRANSPORT")
[[ -n $THREADS ]] && thread_flag+=(--threads="$THREADS")
[[ -n $SOURCE_IPS ]] && thread_flag+=(--source-ips="$SOURCE_IPS")
tag="n${N}-r${RAMP}${SOURCE_IPS:+-ips}"
summary_lines=()
for run in $(seq "$RUNS"); do
  pre="$OUT/conn-$tag-$run"
  start_relay "$pre.relay.log"
  # Baseline generator: one connection, same flags.
  "$CLI" --target="$URL" --scenario=steady-state --connections=1 --ramp-up="$RAMP" \
    --duration=2 --no-progress --seed=1 "${thread_flag[@]}" "${transport_flag[@]}" --output="$pre.base.json" \
    >"$pre.base.log" 2>&1 &
  watch_job 60 "$pre.base.csv" "$!:gen"
  sleep 1
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  python3 "$HERE/procmon.py" --once "$pre.relay0.csv" "$RELAY_PID:relay"
  "$CLI" --target="$URL" --scenario=steady-state \
    --connections="$N" --ramp-up="$RAMP" --duration="$DURATION" --no-progress --seed=1 \
    "${thread_flag[@]}" "${transport_flag[@]}" --output="$pre.json" >"$pre.log" 2>&1 &
  watch_job $(( 120 + DURATION + 2 * ${RAMP%.*} )) "$pre.csv" "$!:gen" "$RELAY_PID:relay"
  load_end=$(cut -d' ' -f1-3 /proc/loadavg)
  stop_relay
  line=$(python3 "$HERE/analyse_connections.py" "$pre" "$N" "$DURATION" "$RC" "$load" "$load_end")
  echo "run $run: $line"
  summary_lines+=("$line")
  sleep 2
done
printf '%s\n' "${summary_lines[@]}" | python3 "$HERE/analyse_connections.py" --summary \
  "N=$N ramp=${RAMP}s hold=${DURATION}s runs=$RUNS ${SOURCE_IPS:+source-ips=$SOURCE_IPS}"
