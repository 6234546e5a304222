#!/usr/bin/env bash
# example_dapp_only against example_wallet_only through a relay, as two separate programs
# that pair by a file (the dApp writes the SessionRequest, the wallet reads it), the way a
# user pairs either with a real peer. The relay is `relayload-cli relay --port 0`.
# Usage: dapp_wallet_pair_test.sh CLI DAPP WALLET
set -u
cli=$1 dapp=$2 wallet=$3
dir=$(mktemp -d)
relay= wpid= dpid=
cleanup() {
  [[ -n $wpid ]] && kill "$wpid" 2>/dev/null
  [[ -n $dpid ]] && kill "$dpid" 2>/dev/null
  [[ -n $relay ]] && kill "$relay" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; for f in "$dir"/*.log; do echo "--- $f"; cat "$f"; done; exit 1; }

"$cli" relay --port 0 >"$dir/relay.log" 2>&1 &
relay=$!
for _ in $(seq 1 100); do grep -q "listening on" "$dir/relay.log" && break; sleep 0.1; done
url=$(grep -oE 'ws://[^ ]+' "$dir/relay.log" | head -1)
[[ -n $url ]] || fail "relay did not start"

# The wallet first: it waits for the file the dApp writes.
"$wallet" --target "$url" --request-file "$dir/request.json" --timeout 30 >"$dir/wallet.log" 2>&1 &
wpid=$!
"$dapp" --target "$url" --request-file "$dir/request.json" --timeout 30 >"$dir/dapp.log" 2>&1 ||
  fail "dapp_only failed"
wait "$wpid"; code=$?; wpid=
[[ $code -eq 0 ]] || fail "wallet_only exit $code"
grep -qF 'dapp: answer {"id":1,"result":[' "$dir/dapp.log" || fail "the dApp got no answer to its request"
grep -q "1 request(s) answered" "$dir/wallet.log" || fail "the wallet answered nothing"
cat "$dir/dapp.log" "$dir/wallet.log"

# Untrusted: the user reads the OTP off the wallet and types it into the dApp (its stdin, read
# on a console thread and handed over with post_submit_otp).
mkfifo "$dir/otp"
"$wallet" --target "$url" --request-file "$dir/request2.json" --timeout 30 >"$dir/wallet2.log" 2>&1 &
wpid=$!
"$dapp" --target "$url" --request-file "$dir/request2.json" --untrusted --timeout 30 \
  <"$dir/otp" >"$dir/dapp2.log" 2>&1 &
dpid=$!
exec 3>"$dir/otp"
otp=
for _ in $(seq 1 300); do
  otp=$(grep -oE 'OTP [0-9]+' "$dir/wallet2.log" | head -1 | cut -d' ' -f2)
  [[ -n $otp ]] && break
  sleep 0.1
done
[[ -n $otp ]] || { exec 3>&-; kill "$dpid"; fail "the wallet showed no OTP"; }
echo "$otp" >&3
exec 3>&-
wait "$dpid"; code=$?; dpid=
[[ $code -eq 0 ]] || fail "dapp_only --untrusted exit $code"
wait "$wpid"; code=$?; wpid=
[[ $code -eq 0 ]] || fail "wallet_only (untrusted) exit $code"
grep -q "enter the OTP" "$dir/dapp2.log" || fail "the dApp did not ask for the OTP"
grep -qF 'dapp: answer {"id":1,"result":[' "$dir/dapp2.log" || fail "untrusted: no answer"
cat "$dir/dapp2.log" "$dir/wallet2.log"
echo ok
