#!/usr/bin/env bash
# probe_test.sh CLI CASE: the pre-flight probe as a user meets it. Each failing case must exit 2
# within 3 s (timeout) with the exact diagnosis line; `storm` checks that a storm against a
# self-signed relay with --no-probe ends by itself, every connection failed once under its
# certificate cause.
#   self_signed  wss relay with a self-signed certificate, no --ca-file
#   wrong_path   a path the relay does not serve (HTTP 404)
#   no_token     relay requires tokens, the run sends none (close 3501)
#   wrong_secret relay requires tokens, the run signs them with another secret (close 3500)
#   refused      a port that was bound, then closed
#   trusted      the self-signed relay with --ca-file: the probe connects and the run goes on
#   storm        50 connections, --no-probe, self-signed: ends in 5 s, 50× certificate_rejected
set -u
cli=$1; case=$2; dir=$(mktemp -d); relay=
trap '[[ -n $relay ]] && kill $relay 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "FAIL ($case): $*"; [[ -f $dir/run.log ]] && { echo "--- output ---"; cat "$dir/run.log"; }; exit 1; }
start_relay() {  # start_relay <args>...: sets $relay, $url and $port
  "$cli" relay --port 0 "$@" >"$dir/relay.log" 2>&1 &
  relay=$!
  for _ in $(seq 1 100); do grep -q "listening on" "$dir/relay.log" && break; sleep 0.1; done
  url=$(grep -oE 'wss?://[^ ]+' "$dir/relay.log" | head -1)
  [[ -n $url ]] || { cat "$dir/relay.log"; fail "relay did not start: $*"; }
  port=${url##*:}; port=${port%%/*}
}
self_signed() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$dir/key.pem" -out "$dir/cert.pem" >/dev/null 2>&1 || fail "openssl req failed"
  start_relay --tls-cert "$dir/cert.pem" --tls-key "$dir/key.pem"
}
tokens() {
  cat >"$dir/tokens.json" <<'JSON'
{"client": {"allow_anonymous_connect_without_token": false,
            "token": {"hmac_secret_key": "probe-test-secret"}}}
JSON
  start_relay --config "$dir/tokens.json"
}
run() {  # run <seconds> <args>...: a storm under `timeout` (5 connections unless told), output in $dir/run.log, sets $code
  local limit=$1; shift
  [[ " $* " == *" --connections="* ]] || set -- --connections=5 "$@"
  timeout "$limit" "$cli" --scenario=connection-storm --ramp-up=0 --no-progress --seed=1 "$@" \
    >"$dir/run.log" 2>&1
  code=$?
  [[ $code -ne 124 ]] || fail "did not finish within $limit s"
}
# expect_diagnosis <extended regex of the whole line>: exit 2 and exactly that diagnosis line.
expect_diagnosis() {
  [[ $code -eq 2 ]] || fail "exit $code, expected 2"
  grep -Eqx -- "$1" "$dir/run.log" || fail "no line matches /^$1\$/"
  grep -q "LOAD TEST RUNNER" "$dir/run.log" && fail "the load started after a failed probe"
  return 0
}

case $case in
  self_signed)
    self_signed
    run 3 --target="$url"
    expect_diagnosis "relayload-cli: probe failed \(certificate_rejected\): TLS certificate of 127\.0\.0\.1:$port rejected: self-signed certificate"
    grep -q "hint: .*--ca-file=FILE.*--insecure" "$dir/run.log" || fail "no --ca-file/--insecure hint"
    ;;
  wrong_path)
    start_relay
    run 3 --target="ws://127.0.0.1:$port/wrong/path"
    expect_diagnosis "relayload-cli: probe failed \(handshake_rejected\): WebSocket upgrade of ws://127\.0\.0\.1:$port/wrong/path refused: HTTP 404 Not Found"
    ;;
  no_token)
    tokens
    run 3 --target="$url"
    expect_diagnosis "relayload-cli: probe failed \(close_3501\): relay closed the connection at connect: 3501 \"bad request\""
    ;;
  wrong_secret)
    tokens
    run 3 --target="$url" --token-hmac-secret=another-secret
    expect_diagnosis "relayload-cli: probe failed \(close_3500\): relay closed the connection at connect: 3500 \"invalid token\""
    grep -q "another-secret" "$dir/run.log" && fail "the secret was printed"
    ;;
  refused)
    port=$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    run 3 --target="ws://127.0.0.1:$port/connection/websocket"
    # A transient cause: the line says what was tried.
    expect_diagnosis "relayload-cli: probe failed \(connection_refused\): connection refused by 127\.0\.0\.1:$port \(3 attempts in [0-9.]+ s\)"
    grep -q "the cause may be transient" "$dir/run.log" || fail "not marked transient"
    ;;
  trusted)
    self_signed
    run 10 --target="$url" --ca-file="$dir/cert.pem"
    [[ $code -eq 0 ]] || fail "exit $code, expected 0"
    grep -Eq "^\[relayload\] probe: connected to $url in [0-9.]+ ms$" "$dir/run.log" || fail "no probe line"
    grep -q "5 attempted, 5 successful" "$dir/run.log" || fail "the load did not connect"
    ;;
  storm)
    self_signed
    run 5 --target="$url" --connections=50 --no-probe --output="$dir/storm.json"
    [[ $code -eq 0 ]] || fail "exit $code, expected 0 (a run whose connections all failed)"
    python3 - "$dir/storm.json" <<'PY' || fail "report accounting"
import json, sys
r = json.load(open(sys.argv[1]))["results"]
c = r["connections"]
assert c["attempted"] == 50 and c["failed"] == 50 and c["successful"] == 0, c
e = r["errors"]
assert e["total"] == 50, e
assert e["byCause"] == [{"cause": "certificate_rejected", "condition": "tls_verification",
                         "count": 50}], e["byCause"]
assert e["byCondition"] == {"tls_verification": 50}, e["byCondition"]
print("storm: 50 failed, each once, under", e["byCause"][0]["cause"])
PY
    ;;
  *) fail "unknown case" ;;
esac
echo ok
