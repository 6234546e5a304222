#!/usr/bin/env bash
# `relay --compression` and `run --compression` (permessage-deflate, issue 16): a session
# scenario against a separate relay process that accepts the extension completes every
# exchange, and so does a run whose embedded relay the flag turns on; a relay without
# --compression serves the same run uncompressed (the client falls back).
set -u
cli=$1; dir=$(mktemp -d); relay=
trap '[[ -n $relay ]] && kill $relay 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
start_relay() {  # start_relay LOG FLAGS...: sets $relay and $url
  local log=$1; shift
  "$cli" relay --port 0 "$@" >"$log" 2>&1 &
  relay=$!
  for _ in $(seq 1 100); do grep -q "listening on" "$log" && break; sleep 0.1; done
  url=$(grep -oE 'ws://[^ ]+' "$log" | head -1)
  [[ -n $url ]] || { cat "$log"; fail "relay did not start"; }
}
run_pairs() {  # run_pairs LOG ARGS...: 3 pairs of steady-messaging, every exchange must succeed
  local log=$1; shift
  timeout 60 "$cli" "$@" --compression --scenario=steady-messaging --connection-pairs=3 \
    --duration=6 --ramp-up=0.5 --message-interval=1 --no-progress >"$log" 2>&1 ||
    { cat "$log"; fail "run $* exited $?"; }
  grep -qE "Exchanges: +([1-9][0-9]*)/\1 \(100\.0%\)" "$log" || { cat "$log"; fail "exchanges lost: $*"; }
}
for relay_flags in "--compression" ""; do
  start_relay "$dir/relay.log" $relay_flags
  run_pairs "$dir/run.log" --target="$url"
  kill -TERM $relay; wait $relay; relay=
done
run_pairs "$dir/embedded.log"  # no --target: the embedded relay gets --compression too
echo ok
