#!/usr/bin/env bash
# `run --workload` and `capacity` as a user runs them, against relays on loopback port 0:
#   1. a 3-group mix: exit 0; every unit of every group accounted for (the arrival models
#      plan exactly 40, 18 and 3 units), totals equal to the sum of the groups;
#   2. the same mix with a group-addressed objective it cannot meet: exit 3, the summary
#      names the breach, the file still holds every group;
#   3. capacity against `relayload-cli relay --max-publish-rate 50` in its own process
#      (5 publishes per session: 10 sessions/s at most): a search starting above the knee
#      exits 3 ("the first step already breaches"), and one starting below finds a
#      capacity within one step of 10/s, exit 0, with the answer in the JSON.
set -u
cli=$1; mix=$2; dir=$(mktemp -d); relay=
trap '[[ -n $relay ]] && kill $relay 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; [[ -f $dir/log ]] && tail -40 "$dir/log"; exit 1; }

timeout 60 "$cli" run --workload "$mix" --no-progress --output "$dir/mix.json" >"$dir/log" 2>&1
code=$?
[[ $code -eq 0 ]] || fail "mix: exit $code"
grep -q "GROUP new-sessions · realistic-session · arrivals 6/s" "$dir/log" || fail "no block for new-sessions"
grep -q "TOTALS over 3 groups" "$dir/log" || fail "no totals block"
python3 - "$dir/mix.json" <<'PY' || fail "mix document"
import json, sys
r = json.load(open(sys.argv[1]))
g = r["groups"]
problems = []
planned = {"idle-wallets": 40, "new-sessions": 18, "offline-wallets": 3}
for name, n in planned.items():
    c = g[name]["results"]["connections"]
    if (c["attempted"], c["successful"]) != (n, n): problems.append(f"{name}: {c}")
    started = sum(i["counts"][0] for i in g[name]["results"]["timeSeries"]["arrivals"]["intervals"])
    if started != n: problems.append(f"{name}: {started} arrivals in the series")
tot = r["results"]["connections"]
for k in ("attempted", "successful", "failed"):
    s = sum(x["results"]["connections"][k] for x in g.values())
    if tot[k] != s: problems.append(f"totals {k} {tot[k]} != {s}")
if r["results"]["messages"]["sent"] != g["new-sessions"]["results"]["messages"]["sent"]:
    problems.append("totals messages")
if [v["pass"] for v in r["slo"]] != [True, True]: problems.append(f"slo {r['slo']}")
print("problems:", problems or "none")
sys.exit(1 if problems else 0)
PY

timeout 60 "$cli" run --workload "$mix" --no-progress --output "$dir/breach.json" \
  --slo "groups.new-sessions.handshake.latency.p99<=0.001ms" >"$dir/log" 2>&1
code=$?
[[ $code -eq 3 ]] || fail "group SLO breach: exit $code, expected 3"
grep -q "✗ FAIL  groups.new-sessions.handshake.latency.p99<=0.001ms" "$dir/log" || fail "breach not named"
python3 -c "import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if len(r['groups'])==3 else 1)" \
  "$dir/breach.json" || fail "breach run lost its groups"

"$cli" relay --port 0 --max-publish-rate 50 >"$dir/relay.log" 2>&1 &
relay=$!
for _ in $(seq 1 100); do grep -q "listening on" "$dir/relay.log" && break; sleep 0.1; done
url=$(grep -oE 'ws://[^ ]+' "$dir/relay.log" | head -1)
[[ -n $url ]] || fail "relay did not start: $(cat "$dir/relay.log")"
cat >"$dir/cap.yaml" <<YAML
target: $url
duration: 5
seed: 5
threads: 1
wallet-delay: 0.05
response-delay: 0.05
groups:
  - {name: new-sessions, scenario: realistic-session, rate: 1/s, messages-per-session: 2}
YAML
cap=(capacity --workload "$dir/cap.yaml" --scale new-sessions.rate --step 5 --step-duration 4
     --warmup 1 --slo "messages.latency.p99<=300ms" --no-progress)
# Under a sanitizer the generator may be too slow to judge a relay: then it must say so
# (exit 2, "the generator was the limit"), never name a wrong capacity.
generator_limited() {
  [[ ${RELAYLOAD_TEST_SANITIZED:-0} == 1 && $1 -eq 2 ]] &&
    grep -q "the generator was the limit" "$dir/log" &&
    { echo "generator-bound under a sanitizer (accepted): $(grep -m1 'generator was' "$dir/log")"; }
}
timeout 120 "$cli" "${cap[@]}" --from 20 --max 25 --output "$dir/over.json" >"$dir/log" 2>&1
code=$?
if ! generator_limited $code; then
  [[ $code -eq 3 ]] || fail "a first step above the knee: exit $code, expected 3"
  grep -q "the first step, 20 sessions/s, already breaches" "$dir/log" || fail "no first-step verdict"
fi

# Without a sanitizer a generator-bound verdict can still come from a hiccup of the shared
# machine (at 10 sessions/s a 3 s window has ~30 starts: one start 18 ms late is its p99).
# The tool must then say so (exit 2, "the generator was the limit"), and the search runs
# again, at most 3 times; a wrong capacity is never accepted.
for attempt in 1 2 3; do
  timeout 180 "$cli" "${cap[@]}" --from 5 --max 25 --output "$dir/cap.json" >"$dir/log" 2>&1
  code=$?
  if generator_limited $code; then echo "ok"; exit 0; fi
  if ((code == 2 && attempt < 3)) && grep -q "the generator was the limit" "$dir/log"; then
    echo "try $attempt: $(grep -m1 'generator was' "$dir/log"); searching again"
    continue
  fi
  break
done
[[ $code -eq 0 ]] || fail "capacity: exit $code, expected 0"
grep -q "capacity: .* sessions/s (last passing step), first failing" "$dir/log" || fail "no answer line"
python3 - "$dir/cap.json" <<'PY' || fail "capacity document"
import json, sys
c = json.load(open(sys.argv[1]))["capacity"]
problems = []
if c["parameter"] != "new-sessions.rate": problems.append(c["parameter"])
if c["lastPassing"] not in (5, 10, 15): problems.append(f"lastPassing {c['lastPassing']}")
if c["firstFailing"] != c["lastPassing"] + 5: problems.append(f"firstFailing {c['firstFailing']}")
if c["generatorBound"]: problems.append("generator-bound")
if not c["breached"] or c["breached"][0]["expression"] != "messages.latency.p99<=300ms":
    problems.append(f"breached {c['breached']}")
for s in c["steps"]:
    for k in ("value", "achievedRate", "slo", "generator"): 
        if k not in s: problems.append(f"step without {k}")
    for k in ("cpuPercent", "lagP99Ms", "rssMb"):
        if k not in s["generator"]: problems.append(f"generator without {k}")
print("problems:", problems or "none")
sys.exit(1 if problems else 0)
PY
echo "ok"
