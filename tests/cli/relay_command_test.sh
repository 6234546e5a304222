#!/usr/bin/env bash
# `relayload-cli relay`: --workers N processes share one port and all serve; SIGTERM stops
# them all with exit 0; a malformed --config is refused with the file and the field named.
set -u
cli=$1; dir=$(mktemp -d); trap 'kill $relay 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$cli" relay --port 0 --workers 2 >"$dir/relay.log" 2>&1 &
relay=$!
for _ in $(seq 1 100); do grep -q "listening on" "$dir/relay.log" && break; sleep 0.1; done
url=$(grep -oE 'ws://[^ ]+' "$dir/relay.log" | head -1)
[[ -n $url ]] || { cat "$dir/relay.log"; fail "relay did not start"; }
grep -q "2 worker processes" "$dir/relay.log" || fail "workers not announced"
[[ $(pgrep -P $relay | wc -l) -eq 2 ]] || fail "expected 2 worker processes"
workers=$(pgrep -P $relay | sort)
port=${url#ws://*:}; port=${port%%/*}
# Every worker serves: while 400 connections are held, the accepted sockets on the port
# (ss -tnp, local port = the relay's) belong to each worker PID, and only to them.
"$cli" --target="$url" --scenario=steady-state --connections=400 --ramp-up=0.5 --duration=4 \
  --no-progress >"$dir/run.log" 2>&1 &
run=$!
for _ in $(seq 1 50); do
  ss -tnpH state established "( sport = :$port )" >"$dir/ss" 2>/dev/null
  [[ $(wc -l <"$dir/ss") -ge 400 ]] && break
  sleep 0.1
done
wait $run || { cat "$dir/run.log"; fail "steady-state against the workers failed"; }
grep -q "400 attempted, 400 successful" "$dir/run.log" || { cat "$dir/run.log"; fail "not all connected"; }
[[ $(wc -l <"$dir/ss") -ge 400 ]] || { cat "$dir/ss"; fail "ss shows $(wc -l <"$dir/ss") of 400 accepted connections"; }
grep -oE 'pid=[0-9]+' "$dir/ss" | cut -d= -f2 | sort | uniq -c >"$dir/per_worker"
echo "accepted connections per worker PID:"; cat "$dir/per_worker"
for w in $workers; do
  n=$(awk -v p="$w" '$2 == p {print $1}' "$dir/per_worker")
  [[ ${n:-0} -ge 10 ]] || fail "worker $w accepted ${n:-0} of 400 connections"
done
[[ $(awk '{print $2}' "$dir/per_worker") == "$workers" ]] ||
  fail "connections accepted by processes other than the workers ($(echo $workers))"
kill -TERM $relay
for _ in $(seq 1 50); do kill -0 $relay 2>/dev/null || break; sleep 0.1; done
kill -0 $relay 2>/dev/null && fail "relay still running 5 s after SIGTERM"
wait $relay; [[ $? -eq 0 ]] || fail "relay exit code not 0"
# A malformed configuration names the file and the problem.
printf '{"channel":{"namespaces":[{"name":"session","history_ttl":"5x"}]}}' >"$dir/bad.json"
out=$("$cli" relay --port 0 --config="$dir/bad.json" 2>&1); code=$?
[[ $code -eq 1 ]] || { echo "$out"; fail "bad config: exit $code"; }
grep -q "bad.json" <<<"$out" && grep -q "history_ttl" <<<"$out" || { echo "$out"; fail "bad config message"; }
out=$("$cli" relay --port 0 --config="$dir/missing.json" 2>&1); [[ $? -eq 1 ]] || fail "missing config accepted"
echo ok
