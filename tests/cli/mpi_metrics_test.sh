#!/usr/bin/env bash
# --metrics-listen under mpirun -np 3: every rank serves its own endpoint (port 0: a free
# port each) and prints "metrics: URL (rank N)"; each endpoint's series carry its own rank
# label (and the scenario), and the job still ends with exit 0.
set -u
cli=$1; mpirun=$2; dir=$(mktemp -d)
job=""
cleanup() { [[ -n $job ]] && kill "$job" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; cat "$dir/log"; exit 1; }

timeout 120 "$mpirun" --oversubscribe --allow-run-as-root -np 3 "$cli" --scenario=steady-state \
  --connections=150 --ramp-up=1 --duration=12 --threads=1 --no-progress \
  --metrics-listen=127.0.0.1:0 >"$dir/log" 2>&1 &
job=$!

python3 - "$dir/log" <<'PY' || fail "the endpoints of the three ranks"
import re, sys, time, urllib.request
log = sys.argv[1]
deadline = time.monotonic() + 60
urls = {}
while time.monotonic() < deadline and len(urls) < 3:
    urls = {int(r): u for u, r in re.findall(r"^metrics: (http://\S+) \(rank (\d+)\)$",
                                              open(log).read(), re.M)}
    time.sleep(0.2)
assert sorted(urls) == [0, 1, 2], "expected ranks 0, 1, 2 to print their URL, got %r" % urls
assert len(set(urls.values())) == 3, "three distinct endpoints expected: %r" % urls
# Each endpoint: its own rank's series, active connections > 0 during the hold (bounded wait).
for rank, url in sorted(urls.items()):
    want = 'relayload_connections_active{rank="%d",scenario="steady-state"} ' % rank
    value = None
    while time.monotonic() < deadline + 30:
        body = urllib.request.urlopen(url, timeout=5).read().decode()
        for other in {0, 1, 2} - {rank}:
            assert 'rank="%d"' % other not in body, "rank %d's endpoint has rank %d" % (rank, other)
        line = [l for l in body.splitlines() if l.startswith(want)]
        if line and float(line[0].split()[-1]) > 0:
            value = line[0]
            break
        time.sleep(0.5)
    assert value, "rank %d: no %s> 0 at %s" % (rank, want, url)
    print("rank", rank, url, value)
PY
wait "$job"; code=$?; job=""
[[ $code -eq 0 ]] || fail "mpirun exit $code"
echo PASS
