#!/usr/bin/env bash
# Bad input, table-driven: every numeric run flag × {non-numeric, negative, zero where zero is
# invalid, huge, empty}, bad URLs, bad choices, and corrupt report files for `aggregate`.
# Each must exit 1 with a message naming the flag (or file) and never crash. An unresolvable
# host is not a usage error: the pre-flight probe refuses it (exit 2); with --no-probe the run
# happens and every connection fails with the resolver's cause in the report (DNS can be
# transient; see README "Bad input").
set -u
cli=$1; dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
failures=0; checked=0
# expect CODE REGEX ARGS... (runs the CLI; exit code and combined output must match)
expect() {
  local want=$1 regex=$2; shift 2
  local out got
  out=$(timeout 60 "$cli" "$@" 2>&1); got=$?
  checked=$((checked + 1))
  if [[ $got -ne $want ]] || ! grep -Eq -- "$regex" <<<"$out"; then
    failures=$((failures + 1))
    printf 'FAIL: %s\n  expected exit %s and /%s/, got exit %s:\n%s\n' "$*" "$want" "$regex" "$got" "$out"
  fi
  if [[ $got -ge 128 ]]; then echo "CRASH (signal $((got - 128))): $*"; failures=$((failures + 1)); fi
}

# Whole-number flags: flag, and whether zero is invalid (1) or meaningful (0: threads 0 = one
# per core, seed 0 = random).
whole_flags=("--connections 1" "--connection-pairs 1" "--messages-per-session 1" "--threads 0" "--seed 0")
for entry in "${whole_flags[@]}"; do
  read -r flag zero_bad <<<"$entry"
  expect 1 "$flag: 'abc' is not a whole number" "$flag=abc"
  expect 1 "$flag: '1.5' is not a whole number" "$flag=1.5"
  expect 1 "$flag must not be negative \(got -5\)" "$flag=-5"
  expect 1 "$flag: 99999999999999999999 is too large" "$flag=99999999999999999999"
  expect 1 "$flag: (empty value|1 required [A-Z]+ missing)" "$flag="
  [[ $zero_bad == 1 ]] && expect 1 "$flag must be at least 1" "$flag=0"
done
expect 1 "--threads must be at most 1024" --threads=5000

# Seconds flags: flag, and whether zero is invalid (1) or allowed (0).
secs_flags=("--duration 1" "--ramp-up 0" "--delay 0" "--message-interval 1" "--connect-timeout 1"
            "--command-timeout 1" "--wallet-delay 0" "--response-delay 0" "--message-timeout 1"
            "--otp-delay 0" "--handshake-timeout 1" "--storm-after 0" "--storm-outage 0")
for entry in "${secs_flags[@]}"; do
  read -r flag zero_bad <<<"$entry"
  expect 1 "$flag: 'abc' is not a number of seconds" "$flag=abc"
  expect 1 "$flag: '1e3' is not a number of seconds" "$flag=1e3"
  expect 1 "$flag must not be negative \(got -5\)" "$flag=-5"
  expect 1 "$flag: 99999999999 seconds is too long" "$flag=99999999999"
  expect 1 "$flag must be at most one year" "$flag=999999999"
  expect 1 "$flag: (empty value|1 required [A-Z]+ missing)" "$flag="
  expect 1 "$flag: 0.0001 has more precision than milliseconds" "$flag=0.0001"
  [[ $zero_bad == 1 ]] && expect 1 "$flag must be positive" "$flag=0"
done

# URLs.
expect 1 "--target: the scheme must be ws:// or wss://" --target=ftp://x
expect 1 "--target: the scheme must be ws:// or wss://" --target=relay.example
expect 1 "--target: 'ws://' is not a valid WebSocket URL" --target=ws://
expect 1 "--target: 'ws://:80' is not a valid WebSocket URL" --target=ws://:80
expect 1 "--target: 'ws://127.0.0.1:0/' is not a valid WebSocket URL" --target=ws://127.0.0.1:0/
expect 1 "--target: (the scheme must be ws:// or wss://|1 required URL missing)" --target=
# Choices and combinations.
expect 1 "--storm-trigger: 'both' is not one of relay, client" --scenario=reconnect-storm --storm-trigger=both
expect 1 "--storm-trigger=relay needs the embedded relay" --scenario=reconnect-storm --storm-trigger=relay --target=ws://127.0.0.1:1/
expect 1 "--source-ips: empty entry" --source-ips=127.0.0.1,,127.0.0.2
expect 1 "--output: (empty path|1 required FILE missing)" --output=
expect 1 "--port: 'x' is not a whole number" relay --port=x
expect 1 "--workers must be 1 to 64" relay --workers=0
expect 1 "--ping-interval must be at least 1" relay --ping-interval=0.5

# An unresolvable host is not a usage error: with --no-probe the run happens, every connection
# fails, the resolver's cause (dns_N) is in the report; without it the probe refuses the run
# (exit 2) naming that cause.
expect 2 "probe failed \(dns_[0-9]+\): cannot resolve no-such-host.invalid" \
  --target=ws://no-such-host.invalid/ --connections=3 --ramp-up=0 --connect-timeout=3 --no-progress
expect 0 "Connections: +3 attempted, 0 successful" --target=ws://no-such-host.invalid/ \
  --scenario=connection-storm --connections=3 --ramp-up=0 --connect-timeout=3 --no-progress --no-probe \
  --output="$dir/unresolvable.json"
if ! python3 - "$dir/unresolvable.json" <<'PY'; then failures=$((failures + 1)); fi
import json, sys
r = json.load(open(sys.argv[1]))
c = r["results"]["connections"]
assert c["attempted"] == 3 and c["failed"] == 3, c
causes = [e["cause"] for e in r["results"]["errors"]["byCause"]]
# The resolver's cause (dns_N: asio's netdb/addrinfo code), never a timeout standing in for it.
assert causes and all(x.startswith("dns_") for x in causes), causes
print("unresolvable host: 3 failed,", causes)
PY

# Corrupt report files given to aggregate: each file named, exit 1, no crash.
"$cli" --scenario=connection-storm --connections=5 --ramp-up=0 --no-progress \
  --output="$dir/good.json" >/dev/null 2>&1 || { echo "FAIL: could not make a good report"; exit 1; }
corrupt() { mkdir -p "$dir/c_$1"; cat >"$dir/c_$1/$1.json"; expect 1 "$1.json" aggregate --input="$dir/c_$1"; }
corrupt empty </dev/null
printf '[1,2,3]' | corrupt array
printf '{"scenario": 5}' | corrupt wrong_type
head -c 2000 /dev/urandom | corrupt binary
sed -E 's/"histogram": "([A-Za-z0-9+\/]{10})/"histogram": "!!!!\1/' "$dir/good.json" | corrupt bad_histogram
sed -E 's/"attempted": 5/"attempted": -5/' "$dir/good.json" | corrupt negative_count
sed -E 's/"schemaVersion": 2/"schemaVersion": 99/' "$dir/good.json" | corrupt future_schema
python3 -c 'print("[" * 100000)' | corrupt deep_nesting

echo "$checked checks, $failures failures"
[[ $failures -eq 0 ]] && echo ok
