#!/usr/bin/env bash
# The HTML report in a real browser: `relayload-cli report` renders a report that has data for
# every chart (data/report_all_charts.json: a steady-state run of 300 connections, with the
# messages of a 42 s steady-messaging run of 20 pairs and the errors of a storm against a
# closed port, merged into one document so that one page has every chart), headless Chromium
# loads it with a fresh profile, and the test checks in the DOM that every chart is an SVG
# with drawn data, then takes a screenshot and checks that the PNG is a full page, not blank.
# Also a real run's --report page, with the charts it has data for.
# usage: html_report_browser_test.sh CLI DATA_DIR CHROMIUM
set -u
cli=$1; data=$2; chromium=$3
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

browse() {  # browse PROFILE_DIR ARGS...: Chromium as this closed network needs it
  local profile=$1; shift
  timeout 90 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" "$@"
}

"$cli" report "$data/report_all_charts.json" -o "$dir/all.html" >"$dir/report.log" 2>&1 ||
  { cat "$dir/report.log"; fail "report command"; }
browse "$dir/profile-dom" --dump-dom "file://$dir/all.html" >"$dir/all.dom" 2>"$dir/dom.err" ||
  { tail -5 "$dir/dom.err"; fail "chromium --dump-dom"; }
browse "$dir/profile-shot" --screenshot="$dir/all.png" --window-size=1400,4000 \
  "file://$dir/all.html" >"$dir/shot.log" 2>&1 || { tail -5 "$dir/shot.log"; fail "chromium --screenshot"; }

python3 - "$dir/all.dom" "$dir/all.png" <<'PY' || exit 1
import re, struct, sys, zlib
from html.parser import HTMLParser

dom = open(sys.argv[1], encoding="utf-8").read()
charts = ["chart-active-connections", "chart-connect-latency", "chart-message-latency",
          "chart-latency-distribution", "chart-errors"]

class Charts(HTMLParser):
    """Collects, per chart id, the tag of the element and what is drawn inside it."""
    def __init__(self):
        super().__init__()
        self.current, self.depth, self.found = None, 0, {}
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.current is None:
            if a.get("id") in charts:
                self.current, self.depth = a["id"], 1
                self.found[a["id"]] = {"tag": tag, "cls": a.get("class", ""), "paths": [],
                                       "bars": 0, "axis_labels": 0}
            return
        self.depth += 1
        c = self.found[self.current]
        if tag == "path" and "series" in a.get("class", ""):
            c["paths"].append(a.get("d", ""))
        if tag == "rect" and a.get("class") == "bar":
            c["bars"] += 1
        if tag == "text" and a.get("class") == "axis-label":
            c["axis_labels"] += 1
    def handle_endtag(self, tag):
        if self.current is not None:
            self.depth -= 1
            if self.depth == 0:
                self.current = None

p = Charts()
p.feed(dom)
for cid in charts:
    c = p.found.get(cid)
    assert c is not None, f"{cid}: missing from the page"
    assert c["tag"] == "svg" and "chart" in c["cls"], f"{cid}: not an SVG chart but {c}"
    assert c["axis_labels"] >= 1, f"{cid}: no axis label"
    drawn = [d for d in c["paths"] if len(re.findall(r"[ML]\s*[-0-9.]+ [-0-9.]+", d)) >= 2]
    assert drawn or c["bars"] > 0, f"{cid}: nothing drawn ({c})"
    print(f"{cid}: svg, {len(drawn)} line(s), {c['bars']} bar(s)")
assert "no-data" not in dom.split("<section id=\"charts\">")[1].split("</section>")[0], \
    "a chart panel says 'no data' although the report has data for every chart"
assert "<script" not in dom.lower()

# The screenshot: a PNG of the requested size whose pixels are not all one colour.
png = open(sys.argv[2], "rb").read()
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
assert (width, height) == (1400, 4000), (width, height)
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
# The blue of the series and bars (#2563eb) and the red of the error bars (#dc2626) are drawn.
assert any(abs(p[0] - 0x25) < 12 and abs(p[1] - 0x63) < 12 and abs(p[2] - 0xeb) < 12 for p in colours)
assert any(abs(p[0] - 0xdc) < 12 and abs(p[1] - 0x26) < 12 and abs(p[2] - 0x26) < 12 for p in colours)
print("all charts drawn")
PY

# A real run's page: steady-messaging has message latencies over time and their distribution;
# it has no connect time and no connection series, and says so.
"$cli" --scenario=steady-messaging --connection-pairs=6 --ramp-up=0.3 --duration=2 \
  --message-interval=0.2 --wallet-delay=0.1 --response-delay=0 --no-progress \
  --report="$dir/run.html" >"$dir/run.log" 2>&1 || { tail -20 "$dir/run.log"; fail "run --report"; }
browse "$dir/profile-run" --dump-dom "file://$dir/run.html" >"$dir/run.dom" 2>/dev/null ||
  fail "chromium --dump-dom of the run's page"
grep -q '<svg class="chart" id="chart-message-latency"' "$dir/run.dom" || fail "run: message latency chart"
grep -q '<svg class="chart" id="chart-latency-distribution"' "$dir/run.dom" || fail "run: distribution chart"
grep -q '<div class="chart no-data" id="chart-connect-latency">No data: ' "$dir/run.dom" ||
  fail "run: the connect-latency panel does not say 'no data'"
grep -q 'messages.latency.p99&lt;=400ms' "$dir/run.dom" || fail "run: default SLO verdict missing"
echo ok
