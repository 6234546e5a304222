#!/usr/bin/env bash
# relayload-cli against a hostile relay process (hostile_relay.py): malformed frames, a relay
# that never answers, and one that closes mid-upgrade. Each run must end, exit 0, write its
# report, and count every connection failed under the expected cause (--no-probe: the
# pre-flight probe would refuse each of them before the load).
set -u
cli=$1; here=$(cd "$(dirname "$0")" && pwd); dir=$(mktemp -d); relay=
trap '[[ -n $relay ]] && kill $relay 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
for entry in "malformed malformed_json" "never_answers reply_timeout" "close_mid_upgrade -"; do
  read -r mode cause <<<"$entry"
  python3 "$here/hostile_relay.py" "$mode" >"$dir/$mode.log" 2>&1 &
  relay=$!
  for _ in $(seq 1 100); do grep -q "listening on" "$dir/$mode.log" && break; sleep 0.1; done
  url=$(grep -oE 'ws://[^ ]+' "$dir/$mode.log" | head -1)
  [[ -n $url ]] || fail "$mode: hostile relay did not start"
  timeout 60 "$cli" --target="$url" --scenario=connection-storm --connections=10 --ramp-up=0 \
    --connect-timeout=2 --command-timeout=0.5 --no-progress --no-probe --output="$dir/$mode.json" \
    >"$dir/$mode.run" 2>&1
  code=$?
  kill $relay 2>/dev/null; wait $relay 2>/dev/null; relay=
  [[ $code -eq 0 ]] || { cat "$dir/$mode.run"; fail "$mode: exit $code"; }
  [[ -f $dir/$mode.json ]] || fail "$mode: no report written"
  python3 - "$dir/$mode.json" "$cause" <<'PY' || fail "$mode: accounting"
import json, sys
r = json.load(open(sys.argv[1])); cause = sys.argv[2]
c = r["results"]["connections"]
assert c["attempted"] == 10 and c["failed"] == 10, c
by = {e["cause"]: e["count"] for e in r["results"]["errors"]["byCause"]}
assert sum(by.values()) >= 10, by
if cause != "-":
    assert set(by) == {cause}, by
print(sys.argv[1].rsplit("/", 1)[-1], "10 failed;", by)
PY
done
echo ok
