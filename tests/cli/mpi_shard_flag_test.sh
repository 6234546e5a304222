#!/usr/bin/env bash
# --shard=I/N and --start-at without MPI (engines without a barrier): three processes run
# their slices against one relay; their reports in --output-dir aggregate into the whole run;
# a duplicate shard is refused and a missing one is named.
set -u
cli=$1; dir=$(mktemp -d); trap 'kill $relay 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$cli" relay --port 0 >"$dir/relay.log" 2>&1 &
relay=$!
for _ in $(seq 1 100); do grep -q "listening on" "$dir/relay.log" 2>/dev/null && break; sleep 0.1; done
url=$(grep -oE 'ws://[^ ]+' "$dir/relay.log" | head -1)
[[ -n $url ]] || fail "relay did not start"
start=$(( $(date +%s%3N) + 2000 ))
pids=()
for i in 0 1 2; do
  RELAYLOAD_NO_MPI=1 timeout 60 "$cli" --target="$url" --scenario=connection-storm --connections=100 \
    --ramp-up=0.5 --threads=2 --no-progress --shard=$i/3 --start-at=$start \
    --output-dir="$dir/parts" >"$dir/run$i.log" 2>&1 &
  pids+=($!)
done
for i in 0 1 2; do wait ${pids[$i]} || { cat "$dir/run$i.log"; fail "shard $i exit"; }; done
grep -q "Shard: *1 of 3 (33 of the 100 connections)" "$dir/run1.log" || { cat "$dir/run1.log"; fail "shard line"; }
"$cli" aggregate --input="$dir/parts" --output="$dir/all.json" >"$dir/agg.log" 2>&1 || { cat "$dir/agg.log"; fail "aggregate"; }
python3 - "$dir" "$start" <<'PY' || exit 1
import glob, json, os, sys, datetime
d, start = sys.argv[1], int(sys.argv[2])
parts = [json.load(open(p)) for p in sorted(glob.glob(os.path.join(d, "parts", "*.json")))]
assert [os.path.basename(p) for p in sorted(glob.glob(os.path.join(d, "parts", "*.json")))] == \
    ["shard-0-of-3.json", "shard-1-of-3.json", "shard-2-of-3.json"]
assert sorted(p["results"]["connections"]["attempted"] for p in parts) == [33, 33, 34]
a = json.load(open(os.path.join(d, "all.json")))
assert a["results"]["connections"]["attempted"] == 100, a["results"]["connections"]
assert a["results"]["connectTimeDetail"]["count"] == sum(p["results"]["connectTimeDetail"]["count"] for p in parts)
assert [k["rank"] for k in a["ranks"]] == [0, 1, 2] and a["partial"] is False
# --start-at: every shard's t0 is that instant.
want = datetime.datetime.fromtimestamp(start / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (start % 1000)
assert all(p["startTime"] == want for p in parts), ([p["startTime"] for p in parts], want)
print("3 shards = the whole run of 100; common start", want)
PY
# The same shard twice cannot be one run.
mkdir "$dir/dup"; cp "$dir/parts/shard-0-of-3.json" "$dir/dup/a.json"; cp "$dir/parts/shard-0-of-3.json" "$dir/dup/b.json"
out=$("$cli" aggregate --input="$dir/dup" 2>&1); [[ $? -eq 1 ]] && grep -q "b.json: cannot merge" <<<"$out" || { echo "$out"; fail "duplicate shard not refused"; }
# A missing shard is named and the result is partial.
mkdir "$dir/some"; cp "$dir/parts/shard-0-of-3.json" "$dir/parts/shard-2-of-3.json" "$dir/some/"
out=$("$cli" aggregate --input="$dir/some" --output="$dir/some.json" 2>&1) || { echo "$out"; fail "partial set refused"; }
grep -q "shard(s) 1 of 3 missing" <<<"$out" || { echo "$out"; fail "missing shard not named"; }
grep -q '"partial": true' "$dir/some.json" || fail "missing shard: not partial"
echo ok
