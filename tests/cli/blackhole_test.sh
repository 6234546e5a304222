#!/usr/bin/env bash
# A blackholed target: inside a network namespace created here, 10.203.0.2 sits behind a veth
# whose frames go to a MAC nobody has, so SYNs vanish and connect() never completes (a
# listening socket that never accepts is NOT a blackhole: the kernel completes the TCP
# handshake). Every connection must end failed with cause connect_timeout, bounded by
# --connect-timeout, and the report must be written (--no-probe: the probe would refuse the run). (nftables is not installed on this
# machine and the kernel has no dummy/netem; the veth trick needs only iproute2.)
# Needs root (CAP_NET_ADMIN): without it the test FAILS, it does not skip.
set -u
cli=$1; dir=$(mktemp -d); ns=relayload-test-$$
cleanup() { ip netns del "$ns" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
x() { ip netns exec "$ns" "$@"; }
ip netns add "$ns" 2>"$dir/err" || fail "cannot create network namespace $ns (needs root / CAP_NET_ADMIN): $(cat "$dir/err")"
x ip link set lo up || fail "lo up"
x ip link add rl0 type veth peer name rl1 || fail "cannot create a veth pair"
x ip addr add 10.203.0.1/24 dev rl0 && x ip link set rl0 up && x ip link set rl1 up || fail "veth setup"
x ip neigh add 10.203.0.2 lladdr 02:00:00:00:00:02 dev rl0 || fail "static neighbour"
start=$(date +%s)
x timeout 60 "$cli" --target=ws://10.203.0.2:8000/connection/websocket --scenario=connection-storm \
  --connections=20 --ramp-up=0 --connect-timeout=3 --command-timeout=1 --no-progress --no-probe \
  --output="$dir/r.json" >"$dir/run.log" 2>&1
code=$?
elapsed=$(( $(date +%s) - start ))
tail -20 "$dir/run.log"
[[ $code -eq 0 ]] || fail "exit $code (expected 0: a run whose connections all failed, no --fail-on-slo)"
[[ -f $dir/r.json ]] || fail "no report written"
python3 - "$dir/r.json" <<'PY' || fail "report accounting"
import json, sys
r = json.load(open(sys.argv[1]))
c = r["results"]["connections"]
assert c["attempted"] == 20 and c["failed"] == 20 and c["successful"] == 0, c
k = r["results"]["counters"]
assert k.get("failedBy.connect_timeout") == 20, k
causes = {e["cause"]: e["count"] for e in r["results"]["errors"]["byCause"]}
assert set(causes) == {"connect_timeout"}, causes
assert causes["connect_timeout"] >= 20, causes
assert r["results"]["histograms"]["connect.timeToFailure"]["detail"]["count"] == 20
print("blackhole: 20 attempted, 20 failed by connect_timeout, attempt errors", causes)
PY
echo "run took ${elapsed}s"
echo ok
