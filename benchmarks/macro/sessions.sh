#!/usr/bin/env bash
# sessions.sh [runs] — MWP session-pair figures (issue 5). Results: benchmarks/RESULTS.md,
# "Session pairs (issue 5)". The relay runs as its own process (`relayload-cli relay --port 0`,
# a fresh one per run); procmon.py samples /proc of the generator and the relay every 0.1 s.
#
#   1. handshakes: realistic-session, HS_PAIRS (2000) pairs with mock crypto and ECIES_PAIRS
#      (200) with --crypto=ecies; --wallet-delay=0 --ramp-up=HS_RAMP (2) --messages-per-session=1
#      --response-delay=0. Pairs/s = handshakes ÷ totalTimeMs (includes the ramp, so it
#      is bounded by the offered pairs/ramp-up); generator CPU per handshake = utime+stime of
#      the whole generator process (start to exit, incl. its one exchange per pair) ÷ handshakes.
#   2. message round trips: steady-messaging, --wallet-delay=0 --ramp-up=MSG_RAMP (5)
#      --duration=20, P pairs at --message-interval I: one request per pair every 2·I (cycle
#      request → I → response → I), so P/(2·I) requests/s = P/I messages/s:
#      1,000 pairs × 1 s = 1,000 msgs/s and 5,000 pairs × 0.5 s = 10,000 msgs/s.
#      Generator/relay CPU per message = CPU in the steady window (ramp end + 3 s .. end − 1 s)
#      ÷ (P/I × window). Messages/s = 2 × responses ÷ (duration + ramp/2), the average time
#      a pair is active. Service time and latency from the JSON report's histograms.
# Prints one line per run and the median (min–max) per configuration.
#
# Environment (defaults): CLI=build/h-macro/cli/relayload-cli, OUT=/tmp/relayload-sessions,
# HS_PAIRS=2000, ECIES_PAIRS=200, HS_RAMP=2, MSG_RAMP=5, DURATION=20, PARTS="hs msg" (which parts to run),
# MSG_CONFIGS="1000:1 5000:0.5" (PAIRS:INTERVAL of the message part; issue 7's 5,000 pairs at one
# message per second each is MSG_CONFIGS=5000:1).
# Bounded: 5,000 pairs = 10,000 sockets per process (< 20,000 open files); every process
# gets a timeout.
#
# Example: benchmarks/macro/sessions.sh 3
set -euo pipefail

RUNS=${1:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CLI=${CLI:-$ROOT/build/h-macro/cli/relayload-cli}
OUT=${OUT:-/tmp/relayload-sessions}
HS_PAIRS=${HS_PAIRS:-2000}
ECIES_PAIRS=${ECIES_PAIRS:-200}
HS_RAMP=${HS_RAMP:-2}
MSG_RAMP=${MSG_RAMP:-5}
DURATION=${DURATION:-20}
PARTS=${PARTS:-hs msg}
MSG_CONFIGS=${MSG_CONFIGS:-1000:1 5000:0.5}
[[ -x $CLI ]] || { echo "sessions.sh: no CLI at $CLI (set CLI=...)" >&2; exit 1; }
mkdir -p "$OUT"
ulimit -n "$(ulimit -Hn)"

source "$HERE/common.sh"

# run_one PREFIX TIMEOUT ARGS... — fresh relay, generator with ARGS, sampled; sets RC LOAD LOAD_END
run_one() {
  local pre=$1 limit=$2; shift 2
  start_relay "$pre.relay.log"
  sleep 1
  LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
  "$CLI" --target="$URL" --no-progress --seed=1 --output="$pre.json" "$@" >"$pre.log" 2>&1 &
  watch_job "$limit" "$pre.csv" "$!:gen" "$RELAY_PID:relay"
  LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
  stop_relay
  sleep 2
}

hs_config() {  # hs_config CRYPTO PAIRS
  local crypto=$1 pairs=$2 lines=()
  for run in $(seq "$RUNS"); do
    local pre="$OUT/hs-$crypto-$pairs-r$HS_RAMP-$run"
    run_one "$pre" 180 --scenario=realistic-session --connection-pairs="$pairs" --ramp-up="$HS_RAMP" \
      --wallet-delay=0 --messages-per-session=1 --response-delay=0 --crypto="$crypto"
    local line
    line=$(python3 "$HERE/analyse_sessions.py" hs "$pre" "$LOAD" "$LOAD_END" "$RC")
    echo "run $run: $line"
    lines+=("$line")
  done
  printf '%s\n' "${lines[@]}" | python3 "$HERE/analyse_sessions.py" --summary \
    "realistic-session crypto=$crypto pairs=$pairs ramp=${HS_RAMP}s"
}

msg_config() {  # msg_config PAIRS INTERVAL
  local pairs=$1 interval=$2 lines=()
  for run in $(seq "$RUNS"); do
    local pre="$OUT/msg-$pairs-$interval-$run"
    run_one "$pre" $(( 120 + DURATION + MSG_RAMP )) --scenario=steady-messaging \
      --connection-pairs="$pairs" --ramp-up="$MSG_RAMP" --duration="$DURATION" \
      --message-interval="$interval" --wallet-delay=0
    local line
    line=$(python3 "$HERE/analyse_sessions.py" msg "$pre" "$pairs" "$interval" "$MSG_RAMP" \
      "$DURATION" "$LOAD" "$LOAD_END" "$RC")
    echo "run $run: $line"
    lines+=("$line")
  done
  printf '%s\n' "${lines[@]}" | python3 "$HERE/analyse_sessions.py" --summary \
    "steady-messaging pairs=$pairs interval=${interval}s ramp=${MSG_RAMP}s duration=${DURATION}s"
}

for part in $PARTS; do
  case $part in
    hs) hs_config mock "$HS_PAIRS"; hs_config ecies "$ECIES_PAIRS" ;;
    msg) for c in $MSG_CONFIGS; do msg_config "${c%%:*}" "${c##*:}"; done ;;
    *) echo "sessions.sh: unknown part $part" >&2; exit 1 ;;
  esac
done
