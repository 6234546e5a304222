#!/usr/bin/env bash
# Security as a user meets it, end to end through relayload-cli:
# - `relay` binds 127.0.0.1 unless told otherwise;
# - wss:// verifies certificates by default: a self-signed relay certificate fails (with
#   --no-probe, which lets the run start) once per connection with the cause
#   certificate_rejected without --ca-file, and connects with it;
# - a relay whose config requires HS256 tokens accepts --token-hmac-secret/--user tokens,
#   and counts refusals by cause: no token → close 3501, wrong secret → close 3500, an
#   expired --token → error 109 (these runs pass --no-probe: the pre-flight probe would stop
#   them before the load, see probe_test.sh).
set -u
cli=$1; dir=$(mktemp -d); relay=; trap '[[ -n $relay ]] && kill $relay 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
start_relay() {  # start_relay <log> <args>...: starts it, sets $relay and $url
  local log=$1; shift
  "$cli" relay --port 0 "$@" >"$log" 2>&1 &
  relay=$!
  for _ in $(seq 1 100); do grep -q "listening on" "$log" && break; sleep 0.1; done
  url=$(grep -oE 'wss?://[^ ]+' "$log" | head -1)
  [[ -n $url ]] || { cat "$log"; fail "relay did not start: $*"; }
}
stop_relay() { kill -TERM $relay; wait $relay; relay=; }
cause_count() {  # cause_count <report> <cause>: how often the report counted that cause
  python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(sum(c["count"] for c in r["results"]["errors"]["byCause"] if c["cause"] == sys.argv[2]))' "$1" "$2"
}
run() {  # run <name> <args>...: a short storm of 4 connections, report in $dir/<name>.json
  local name=$1; shift
  "$cli" --target="$url" --connections=4 --ramp-up=0 --connect-timeout=2 --no-progress \
    --seed=1 --output="$dir/$name.json" "$@" >"$dir/$name.log" 2>&1 ||
    { cat "$dir/$name.log"; fail "$name: exit $?"; }
}
successful() { grep -q "4 attempted, $2 successful" "$dir/$1.log" || { cat "$dir/$1.log"; fail "$1: expected $2 successful"; }; }

# --- TLS -------------------------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
  -keyout "$dir/key.pem" -out "$dir/cert.pem" >/dev/null 2>&1 || fail "openssl req failed"
start_relay "$dir/tls-relay.log" --tls-cert "$dir/cert.pem" --tls-key "$dir/key.pem"
[[ $url == wss://127.0.0.1:* ]] || fail "relay did not bind 127.0.0.1 by default: $url"
run tls-default --no-probe
successful tls-default 0
[[ $(cause_count "$dir/tls-default.json" certificate_rejected) -eq 4 ]] ||
  { cat "$dir/tls-default.log"; fail "self-signed certificate: expected 4x certificate_rejected"; }
grep -q "certificate_rejected" "$dir/tls-default.log" || fail "summary does not name the TLS cause"
run tls-ca --ca-file="$dir/cert.pem"
successful tls-ca 4
run tls-insecure --insecure
successful tls-insecure 4
stop_relay

# --- tokens ------------------------------------------------------------------------------
cat >"$dir/tokens.json" <<'JSON'
{"client": {"allow_anonymous_connect_without_token": false,
            "token": {"hmac_secret_key": "cli-test-secret"}},
 "channel": {"namespaces": [{"name": "session", "history_size": 5, "history_ttl": "300s",
                             "allow_subscribe_for_client": true}]}}
JSON
start_relay "$dir/token-relay.log" --config "$dir/tokens.json"
[[ $url == ws://127.0.0.1:* ]] || fail "relay did not bind 127.0.0.1 by default: $url"
run token-good --token-hmac-secret=cli-test-secret --user='load-{n}' --token-ttl=60
successful token-good 4
run token-none --no-probe
successful token-none 0
[[ $(cause_count "$dir/token-none.json" close_3501) -eq 4 ]] || { cat "$dir/token-none.log"; fail "no token: expected 4x close_3501"; }
run token-forged --token-hmac-secret=another-secret --no-probe
successful token-forged 0
[[ $(cause_count "$dir/token-forged.json" close_3500) -eq 4 ]] || { cat "$dir/token-forged.log"; fail "wrong secret: expected 4x close_3500"; }
# HS256 {"sub":"u","exp":1700000000} with the relay's secret, computed independently.
expired=$(python3 -c '
import base64, hashlib, hmac, json
b = lambda x: base64.urlsafe_b64encode(x).rstrip(b"=").decode()
h = b(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
p = b(json.dumps({"sub": "u", "exp": 1700000000}, separators=(",", ":")).encode())
s = b(hmac.new(b"cli-test-secret", (h + "." + p).encode(), hashlib.sha256).digest())
print(h + "." + p + "." + s)')
run token-expired --token="$expired" --no-probe
successful token-expired 0
[[ $(cause_count "$dir/token-expired.json" server_error_109) -ge 4 ]] || { cat "$dir/token-expired.log"; fail "expired: expected server_error_109"; }
# Secrets never reach the report.
grep -q "cli-test-secret\|another-secret" "$dir"/token-*.json && fail "a secret was written to a report"
stop_relay
echo ok
