# shellcheck shell=bash
# common.sh — sourced by connections.sh, sessions.sh, scale.sh and relay_throughput.sh, which
# measure a relay running as its own process: every process they start is bounded in time,
# and none outlives them. Uses the script's HERE (this folder) and CLI.
#
# start_relay LOG [ARG...] — starts `$CLI relay --port 0 ARG...` with its output in LOG; sets
#     RELAY_PID and URL (the URL it prints), or ends the script if none comes within 10 s.
# stop_relay — kills and reaps the relay, if any.
# watch_job LIMIT_S CSV PID:LABEL [PID:LABEL...] — waits for PID, a background job of the
#     script, while procmon.py samples it and the other processes into CSV every 0.1 s; sends
#     it TERM after LIMIT_S. Sets RC to its exit code.
# At exit: the generators in GEN_PIDS and the relay are killed.

RELAY_PID=
GEN_PIDS=()

start_relay() {
  local log=$1; shift
  "$CLI" relay --port 0 "$@" >"$log" 2>&1 &
  RELAY_PID=$!
  for _ in $(seq 100); do
    URL=$(grep -o 'ws://[^ ]*' "$log" | head -1 || true)
    [[ -n $URL ]] && return 0
    sleep 0.1
  done
  echo "${0##*/}: relay did not print its URL" >&2; cat "$log" >&2; exit 1
}

stop_relay() {
  [[ -n $RELAY_PID ]] && kill "$RELAY_PID" 2>/dev/null && wait "$RELAY_PID" 2>/dev/null
  RELAY_PID=
}

cleanup() {
  for p in "${GEN_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  stop_relay
}
trap cleanup EXIT

# shellcheck disable=SC2034  # RC is for the caller
watch_job() {
  local limit=$1 csv=$2 pid=${3%%:*}
  # A watchdog rather than timeout(1): procmon must sample the process itself, not a wrapper.
  ( sleep "$limit"; kill -TERM "$pid" 2>/dev/null ) &
  local wd=$!
  python3 "$HERE/procmon.py" "$csv" 0.1 "${@:3}" || true
  RC=0; wait "$pid" || RC=$?
  kill "$wd" 2>/dev/null || true
}
