#!/usr/bin/env bash
# The HTML report in a real browser, for real runs: each of the six built-in scenarios runs
# briefly against its own embedded relay (loopback, port 0; reconnect-storm's storm is the
# relay's disconnect_all), writes its --report page and its JSON, headless Chromium loads
# each page with a fresh profile, and the test checks in the DOM that every chart that
# applies to the scenario is an SVG drawn with data, that no chart that cannot apply is on
# the page, and that no "No data" box is shown. Also the wording of pair counts and the
# configuration table. Then a screenshot of realistic-session's page, checked to be a full
# page, not blank (the PNG is kept in $RELAYLOAD_SCREENSHOT_DIR when that is set).
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
pids=()
for s in "${!args[@]}"; do
  # shellcheck disable=SC2086  # the options are words
  timeout 60 "$cli" run --scenario="$s" ${args[$s]} --no-progress --seed=7 \
    --output="$dir/$s.json" --report="$dir/$s.html" >"$dir/$s.log" 2>&1 &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || true; done
for s in "${!args[@]}"; do
  [[ -s "$dir/$s.html" && -s "$dir/$s.json" ]] || { tail -20 "$dir/$s.log"; fail "$s: no report"; }
  grep -q "✓ Done" "$dir/$s.log" || { tail -20 "$dir/$s.log"; fail "$s: the run did not finish"; }
done

# Three browsers at a time, each with its own profile.
printf '%s\n' "${!args[@]}" | xargs -P 3 -I{} bash -c '
  timeout 90 "$0" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$1/profile-{}" --dump-dom "file://$1/{}.html" >"$1/{}.dom" 2>"$1/{}.err"
' "$chromium" "$dir" || fail "chromium --dump-dom"
browse "$dir/profile-shot" --screenshot="$dir/realistic-session.png" --window-size=1000,3800 \
  "file://$dir/realistic-session.html" >"$dir/shot.log" 2>&1 ||
  { tail -5 "$dir/shot.log"; fail "chromium --screenshot"; }
if [[ -n "${RELAYLOAD_SCREENSHOT_DIR:-}" ]]; then
  cp "$dir/realistic-session.png" "$dir"/*.html "$RELAYLOAD_SCREENSHOT_DIR"/
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
    """Collects, per chart id, the tag of the element and what is drawn inside it."""
    def __init__(self):
        super().__init__()
        self.current, self.depth, self.found = None, 0, {}
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.current is None:
            if (a.get("id") or "").startswith("chart-"):
                self.current, self.depth = a["id"], 1
                self.found[a["id"]] = {"tag": tag, "cls": a.get("class", ""), "paths": [],
                                       "bars": 0, "axis_labels": 0}
            return
        self.depth += 1
        c = self.found[self.current]
        if tag == "path" and "series" in a.get("class", "").split():
            c["paths"].append(a.get("d", ""))
        if tag == "rect" and "bar" in a.get("class", "").split() and float(a.get("height", 0)) > 0:
            c["bars"] += 1
        if tag == "text" and a.get("class") == "axis-label":
            c["axis_labels"] += 1
    def handle_endtag(self, tag):
        if self.current is not None:
            self.depth -= 1
            if self.depth == 0:
                self.current = None

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
        lines = [x for x in c["paths"] if len(re.findall(r"[ML]\s*[-0-9.]+ [-0-9.]+", x)) >= 2]
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
if problems:
    print("problems:\n  " + "\n  ".join(problems))
    sys.exit(1)

# The screenshot: a PNG of the requested size whose pixels are not all one colour.
png = open(os.path.join(d, "realistic-session.png"), "rb").read()
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
assert (width, height) == (1000, 3800), (width, height)
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
print(f"screenshot {width}x{height}: {len(colours)} colours, {100 * inked / sampled:.1f}% not white")
assert len(colours) > 20, "the screenshot is (nearly) blank"
assert inked / sampled > 0.01, "the screenshot is (nearly) all white"
# The blue (p50, #2563eb) and red (p99, #dc2626) of the series and phase bars are drawn.
assert any(abs(p[0] - 0x25) < 12 and abs(p[1] - 0x63) < 12 and abs(p[2] - 0xeb) < 12 for p in colours)
assert any(abs(p[0] - 0xdc) < 12 and abs(p[1] - 0x26) < 12 and abs(p[2] - 0x26) < 12 for p in colours)
print("every chart that applies is drawn, for every scenario")
PY
echo ok
