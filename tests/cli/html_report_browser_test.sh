#!/usr/bin/env bash
# The HTML report in a real browser, for real runs: each of the six built-in scenarios runs
# briefly against its own embedded relay (loopback, port 0; reconnect-storm's storm is the
# relay's disconnect_all), writes its --report page and its JSON, headless Chromium loads
# each page with a fresh profile, and the test checks in the DOM that every chart that
# applies to the scenario is an SVG drawn with data, that no chart that cannot apply is on
# the page, and that no "No data" box is shown. Also the wording of pair counts and the
# configuration table. Then a screenshot of realistic-session's page, checked to be a full
# page, not blank (the PNGs are kept in $RELAYLOAD_SCREENSHOT_DIR when that is set).
#
# Beside them, a short workload mix (three groups) and a short capacity search (three steps
# of 2 s at most), each against its own embedded relay: the mix's page must have the groups
# table, every group's name in the legends of the charts that compare the groups, each drawn
# with data, and each group's own section; the search's page the verdict banner (coloured as
# the JSON's answer), the knee chart with the threshold and one point per step, and a table
# row for every step. Both are screenshotted too.
# usage: html_report_browser_test.sh CLI DATA_DIR CHROMIUM
set -u
cli=$1; chromium=$3
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

browse() {  # browse PROFILE_DIR ARGS...: Chromium as this closed network needs it
  local profile=$1; shift
  timeout 90 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" "$@"
}

# Short runs with small counts; each holds its own relay. They wait on timers most of the
# time, so they run side by side; every one is bounded by its options and by timeout.
declare -A args=(
  [connection-storm]="--connections=150 --ramp-up=1"
  [steady-state]="--connections=150 --ramp-up=0.5 --duration=2"
  [realistic-session]="--connection-pairs=20 --ramp-up=1 --wallet-delay=0.3 --response-delay=0.1 --messages-per-session=2"
  [async-delivery]="--connection-pairs=20 --ramp-up=0.5 --delay=1"
  [steady-messaging]="--connection-pairs=10 --ramp-up=0.5 --duration=2 --message-interval=0.2 --wallet-delay=0.1"
  [reconnect-storm]="--connections=100 --ramp-up=0.5 --storm-after=1 --duration=10"
)
# The mix and the search: small loads, short steps. Their verdicts are not what this test
# checks (on a busy machine the search may stop early, generator-bound): the pages are.
cat >"$dir/mix.yaml" <<'YAML'
duration: 3
seed: 7
wallet-delay: 0.1
response-delay: 0.05
slo: ["groups.new-sessions.handshake.latency.p99<=1500ms", "messages.latency.p99<=400ms"]
groups:
  - {name: idle-wallets, scenario: steady-state, count: 60, ramp-up: 1}
  - {name: new-sessions, scenario: realistic-session, rate: 5/s, messages-per-session: 2}
  - {name: chatty-pairs, scenario: steady-messaging, count: 5, ramp-up: 0.5, message-interval: 0.3, start-after: 0.5}
YAML
cat >"$dir/search.yaml" <<'YAML'
duration: 6
seed: 7
wallet-delay: 0.05
response-delay: 0.05
groups:
  - {name: idle-wallets, scenario: steady-state, count: 20, ramp-up: 0.5}
  - {name: new-sessions, scenario: realistic-session, rate: 2/s, messages-per-session: 1}
YAML
pids=()
timeout 60 "$cli" run --workload="$dir/mix.yaml" --no-progress --output="$dir/workload.json" \
  --report="$dir/workload.html" >"$dir/workload.log" 2>&1 &
pids+=($!)
timeout 60 "$cli" capacity --workload="$dir/search.yaml" --scale=new-sessions.rate --from=2 \
  --step=2 --max=6 --step-duration=2 --warmup=0.5 --slo="messages.latency.p99<=400ms" \
  --slo="messages.deliveryRate>=99" --no-progress --output="$dir/capacity.json" \
  --report="$dir/capacity.html" >"$dir/capacity.log" 2>&1 &
pids+=($!)
for s in "${!args[@]}"; do
  # shellcheck disable=SC2086  # the options are words
  timeout 60 "$cli" run --scenario="$s" ${args[$s]} --no-progress --seed=7 \
    --output="$dir/$s.json" --report="$dir/$s.html" >"$dir/$s.log" 2>&1 &
  pids+=($!)
done
# A second realistic-session run, to compare with the first (the compare page below).
# shellcheck disable=SC2086
timeout 60 "$cli" run --scenario=realistic-session ${args[realistic-session]} --no-progress --seed=8 \
  --output="$dir/realistic-session-2.json" >"$dir/realistic-session-2.log" 2>&1 &
pids+=($!)
for p in "${pids[@]}"; do wait "$p" || true; done
# The comparison page: both runs' curves on the same axes, and a gate verdict.
timeout 30 "$cli" compare "$dir/realistic-session.json" "$dir/realistic-session-2.json" \
  --gate='errors.total<=+1000' --report="$dir/compare.html" >"$dir/compare.log" 2>&1 ||
  { tail -20 "$dir/compare.log"; fail "compare of two realistic-session runs"; }
for s in "${!args[@]}"; do
  [[ -s "$dir/$s.html" && -s "$dir/$s.json" ]] || { tail -20 "$dir/$s.log"; fail "$s: no report"; }
  grep -q "✓ Done" "$dir/$s.log" || { tail -20 "$dir/$s.log"; fail "$s: the run did not finish"; }
done
for s in workload capacity; do
  [[ -s "$dir/$s.html" && -s "$dir/$s.json" ]] || { tail -20 "$dir/$s.log"; fail "$s: no report"; }
done

# Three browsers at a time, each with its own profile.
printf '%s\n' "${!args[@]}" workload capacity compare | xargs -P 3 -I{} bash -c '
  timeout 90 "$0" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$1/profile-{}" --dump-dom "file://$1/{}.html" >"$1/{}.dom" 2>"$1/{}.err"
' "$chromium" "$dir" || fail "chromium --dump-dom"
for s in realistic-session workload capacity compare; do
  browse "$dir/profile-shot-$s" --screenshot="$dir/$s.png" --window-size=1000,3800 \
    "file://$dir/$s.html" >"$dir/shot-$s.log" 2>&1 ||
    { tail -5 "$dir/shot-$s.log"; fail "chromium --screenshot of $s"; }
done
if [[ -n "${RELAYLOAD_SCREENSHOT_DIR:-}" ]]; then
  cp "$dir"/*.png "$dir"/*.html "$dir"/*.json "$RELAYLOAD_SCREENSHOT_DIR"/
fi

python3 - "$dir" <<'PY' || exit 1
import json, os, re, struct, sys, zlib
from html.parser import HTMLParser

d = sys.argv[1]
every = ["chart-active-connections", "chart-connect-latency", "chart-handshake-rate",
         "chart-handshake-latency", "chart-session-phases", "chart-message-latency",
         "chart-recovery", "chart-recovery-latency", "chart-latency-distribution", "chart-errors"]
session = ["chart-handshake-rate", "chart-handshake-latency", "chart-session-phases"]
applies = {
    "connection-storm": ["chart-connect-latency"],
    "steady-state": ["chart-connect-latency"],
    "realistic-session": session + ["chart-message-latency"],
    "async-delivery": session + ["chart-recovery", "chart-recovery-latency"],
    "steady-messaging": session + ["chart-message-latency"],
    "reconnect-storm": ["chart-connect-latency", "chart-recovery", "chart-recovery-latency"],
}
bar_charts = {"chart-connect-latency", "chart-session-phases", "chart-errors"}

class Charts(HTMLParser):
    """Collects, per chart id (a page's "chart-…", a workload group's "group-NAME-chart-…"),
    the tag of the element and what is drawn inside it."""
    def __init__(self):
        super().__init__()
        self.current, self.depth, self.found, self.text = None, 0, {}, None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.current is None:
            if re.match(r"(group-[a-z0-9-]+-)?chart-", a.get("id") or ""):
                self.current, self.depth = a["id"], 1
                self.found[a["id"]] = {"tag": tag, "cls": a.get("class", ""), "paths": [],
                                       "points": [], "bars": 0, "axis_labels": 0, "texts": [],
                                       "groups": []}
            return
        self.depth += 1
        c = self.found[self.current]
        if tag == "path" and "series" in a.get("class", "").split():
            c["paths"].append(a.get("d", ""))
            c["points"].append(int(a.get("data-points", 0)))
        if tag == "rect" and "bar" in a.get("class", "").split() and float(a.get("height", 0)) > 0:
            c["bars"] += 1
        if tag == "text" and a.get("class") == "axis-label":
            c["axis_labels"] += 1
        if tag == "g":
            c["groups"].append(a.get("class", ""))
        self.text = [] if tag == "text" else None
    def handle_data(self, data):
        if self.current is not None and self.text is not None:
            self.text.append(data)
    def handle_endtag(self, tag):
        if self.current is not None:
            if tag == "text" and self.text is not None:
                self.found[self.current]["texts"].append("".join(self.text))
                self.text = None
            self.depth -= 1
            if self.depth == 0:
                self.current = None

def lines_of(c):
    """The series paths of a chart that draw a line (two points or more)."""
    return [x for x in c["paths"] if len(re.findall(r"[ML]\s*[-0-9.]+ [-0-9.]+", x)) >= 2]

problems = []
for scenario, own in applies.items():
    dom = open(os.path.join(d, scenario + ".dom"), encoding="utf-8").read()
    report = json.load(open(os.path.join(d, scenario + ".json")))
    errors = report["results"]["errors"]["total"]
    expected = ["chart-active-connections"] + own + ["chart-latency-distribution"] + \
        (["chart-errors"] if errors else [])
    p = Charts()
    p.feed(dom)
    drawn = []
    for cid in every:
        c = p.found.get(cid)
        if cid not in expected:
            if c is not None:
                problems.append(f"{scenario}: {cid} is on the page but cannot apply")
            continue
        if c is None:
            problems.append(f"{scenario}: {cid} missing")
            continue
        if c["tag"] != "svg" or "chart" not in c["cls"].split():
            problems.append(f"{scenario}: {cid} is not an SVG chart but {c['tag']} {c['cls']}")
            continue
        lines = lines_of(c)
        if cid in bar_charts:
            ok = c["bars"] > 0
        else:
            ok = len(lines) >= 1
        if not ok or c["axis_labels"] < 1:
            problems.append(f"{scenario}: {cid} not drawn with data ({c})")
        drawn.append(f"{cid[6:]}:{len(lines)}l/{c['bars']}b")
    charts = dom.split('<section id="charts">')[1].split("</section>")[0]
    if "no-data" in charts or "No data" in charts:
        problems.append(f"{scenario}: a 'No data' box is shown")
    if not errors and 'id="errors-none"' not in charts:
        problems.append(f"{scenario}: no errors, and the page does not say so")
    if "<script" in dom.lower():
        problems.append(f"{scenario}: a script")
    # People read pairs as pairs, with the connections they opened.
    pairs = scenario in ("realistic-session", "async-delivery", "steady-messaging")
    opened = report["results"]["connections"].get("opened")
    if pairs:
        attempted = report["results"]["connections"]["attempted"]
        if f"<tr><th>Pairs</th><td>{attempted} attempted" not in dom:
            problems.append(f"{scenario}: the summary does not count pairs")
        if f"<tr><th>Connections opened</th><td>{opened} " not in dom:
            problems.append(f"{scenario}: the summary does not say the connections opened")
    elif "<tr><th>Connections</th>" not in dom:
        problems.append(f"{scenario}: the summary does not count connections")
    config = dom.split('id="run-config"')[1].split("</table>")[0]
    for key in report.get("configUnused", []):
        if f"<th>{key}</th>" in config:
            problems.append(f"{scenario}: the configuration shows {key}, which the run did not use")
    print(f"{scenario}: {' '.join(drawn)}; errors {errors}; connections opened {opened}")

rs = json.load(open(os.path.join(d, "realistic-session.json")))
rc = rs["results"]["connections"]  # pairs, as the original counted; "opened": WebSockets
if rc["attempted"] != 20 or rc["opened"] < 2 * rc["successful"]:
    problems.append(f"realistic-session: 20 pairs open 2 connections each: {rc}")
if "durationSec" not in rs.get("configUnused", []) or "durationSec" not in rs["config"]:
    problems.append("realistic-session: durationSec should stay in config and be listed as unused")
# The workload mix: its groups table, the charts that compare the groups (every group that
# has the data is a line, named in the legend), the generator, each group's own section.
dom = open(os.path.join(d, "workload.dom"), encoding="utf-8").read()
mix = json.load(open(os.path.join(d, "workload.json")))
names = list(mix["groups"])
p = Charts()
p.feed(dom)
has = {  # which groups each comparing chart must draw
    "chart-group-connections": names,
    "chart-group-arrivals": names,
    "chart-group-handshake-latency": [n for n in names if "handshake" in mix["groups"][n]["results"]],
    "chart-group-message-latency": [n for n in names if "messages" in mix["groups"][n]["results"]],
}
for cid, drawn_groups in has.items():
    c = p.found.get(cid)
    if c is None or c["tag"] != "svg":
        problems.append(f"workload: {cid} is not an SVG chart ({c})")
        continue
    missing = [n for n in drawn_groups if n not in c["texts"]]
    if missing or len(lines_of(c)) < len(drawn_groups):
        problems.append(f"workload: {cid} lacks groups {missing} or lines ({len(lines_of(c))})")
c = p.found.get("chart-generator")
if c is None or not lines_of(c):
    problems.append(f"workload: the generator's lag is not drawn ({c})")
if 'id="groups"' not in dom:
    problems.append("workload: no groups table")
for n in names:
    if f'id="groups-{n}"' not in dom or f'id="group-{n}"' not in dom:
        problems.append(f"workload: group {n} has no row in the groups table or no section")
    own = [cid for cid in p.found if cid.startswith(f"group-{n}-chart-")]
    if f"group-{n}-chart-active-connections" not in own:
        problems.append(f"workload: group {n}'s section has no charts ({own})")
    for cid in own:
        if p.found[cid]["tag"] != "svg":
            problems.append(f"workload: {cid} is not drawn: {p.found[cid]['cls']}")
charts = dom.split('<section id="charts">')[1].split("</section>")[0]
if "no-data" in charts:
    problems.append("workload: a 'No data' box among the charts")
for slo in mix.get("slo", []):
    if slo["expression"].replace("<", "&lt;").replace(">", "&gt;") not in dom:
        problems.append(f"workload: the verdict of {slo['expression']} is not shown")
print(f"workload: groups {names}; charts " +
      " ".join(f"{cid[6:]}:{len(lines_of(p.found[cid]))}l" for cid in has if cid in p.found))

# The capacity search: the banner as the JSON answers, the knee with the threshold and one
# point per step, a row per step, the steps shaded on the charts over time.
dom = open(os.path.join(d, "capacity.dom"), encoding="utf-8").read()
cap = json.load(open(os.path.join(d, "capacity.json")))["capacity"]
steps = cap["steps"]
want = "bound" if cap["generatorBound"] else "found" if cap["lastPassing"] is not None else "failed"
if f'class="banner {want}" id="capacity-verdict"' not in dom:
    problems.append(f"capacity: no {want} banner")
p = Charts()
p.feed(dom)
knee = p.found.get("chart-capacity-knee")
if knee is None or knee["tag"] != "svg":
    problems.append(f"capacity: no knee chart ({knee})")
else:
    if "threshold" not in knee["groups"] or "messages.latency.p99<=400ms" not in knee["texts"]:
        problems.append(f"capacity: the knee has no threshold ({knee['groups']}, {knee['texts']})")
    if len(steps) not in knee["points"]:
        problems.append(f"capacity: no line of the knee has {len(steps)} points ({knee['points']})")
    if cap["lastPassing"] is not None and "last pass" not in knee["texts"]:
        problems.append("capacity: the last passing step is not marked")
if "chart-capacity-errors" not in p.found:
    problems.append("capacity: no chart of the rate objective")
for s in steps:
    if f'data-value="{s["value"]:g}"' not in dom:
        problems.append(f"capacity: no table row for step {s['value']}")
if dom.count('class="band measured') < len(steps):
    problems.append("capacity: the steps are not shaded on the charts over time")
print(f"capacity: {len(steps)} steps, banner {want}: {cap['verdict']}")

# The comparison: each headline latency's percentile curves and each series' p99 over time,
# one line per run on the same axes, both runs named in the legends; the gate's verdict.
dom = open(os.path.join(d, "compare.dom"), encoding="utf-8").read()
p = Charts()
p.feed(dom)
runs = ["realistic-session.json", "realistic-session-2.json"]
for cid in ["compare-percentiles-handshake.latency", "compare-percentiles-messages.latency",
            "compare-series-handshakes", "compare-series-messages"]:
    m = re.search(r'<svg[^>]*id="' + re.escape(cid) + r'"', dom)
    if m is None:
        problems.append(f"compare: {cid} is not an SVG chart")
        continue
    body = dom[m.start():dom.index("</svg>", m.start())]
    lines = [x for x in re.findall(r'<path[^>]*class="series[^"]*"[^>]*d="([^"]*)"', body)
             if len(re.findall(r"[ML]\s*[-0-9.]+[ ,][-0-9.]+", x)) >= 2]
    named = [r for r in runs if r in body]
    if len(lines) < 2 or len(named) < 2:
        problems.append(f"compare: {cid} draws {len(lines)} lines, names {named}")
if "errors.total&lt;=+1000" not in dom or "PASS" not in dom:
    problems.append("compare: the gate verdict is not shown")
print("compare: both runs drawn on the percentile and time-series charts")
if problems:
    print("problems:\n  " + "\n  ".join(problems))
    sys.exit(1)

def check_png(name, groups_of_colour):
    """A PNG of the requested size whose pixels are not all one colour, with these colours."""
    png = open(os.path.join(d, name), "rb").read()
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", None
    while pos < len(png):
        n, kind = struct.unpack(">I4s", png[pos:pos + 8])
        body = png[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    assert (width, height) == (1000, 3800), (name, width, height)
    assert depth == 8 and ctype in (2, 6), (depth, ctype)
    bpp = 3 if ctype == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    prev, colours, inked, row_start = bytearray(stride), set(), 0, 0
    for y in range(height):
        f, line = raw[row_start], bytearray(raw[row_start + 1:row_start + 1 + stride])
        row_start += 1 + stride
        for i in range(stride):  # PNG filters: none, sub, up, average, Paeth
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        prev = line
        if y % 8 == 0:
            for x in range(0, width, 4):
                px = bytes(line[x * bpp:x * bpp + 3])
                colours.add(px)
                inked += px != b"\xff\xff\xff"
    sampled = (height // 8) * (width // 4)
    print(f"screenshot {name} {width}x{height}: {len(colours)} colours, "
          f"{100 * inked / sampled:.1f}% not white")
    assert len(colours) > 20, f"{name}: the screenshot is (nearly) blank"
    assert inked / sampled > 0.01, f"{name}: the screenshot is (nearly) all white"
    for rgb in groups_of_colour:
        assert any(all(abs(p[k] - rgb[k]) < 12 for k in range(3)) for p in colours), \
            f"{name}: no #{rgb.hex()} drawn"

blue, red, green = bytes.fromhex("2563eb"), bytes.fromhex("dc2626"), bytes.fromhex("059669")
# p50 (blue) and p99 (red) of the series and phase bars.
check_png("realistic-session.png", [blue, red])
# One colour per group: the first three groups' lines.
check_png("workload.png", [blue, red, green])
# The threshold and the marks: red lines, green "last pass" or amber "generator-bound".
check_png("capacity.png", [blue, red])
print("every chart that applies is drawn, for every scenario")
PY
echo ok
