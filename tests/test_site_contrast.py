"""Every badge of the site's CSS is readable: its text colour on its background is at least 4.5:1, WCAG
2's AA level for normal text (badges are small and bold: AA's large-text allowance does not apply).
Found in review: white on #e67e22 (sev2) was 2.85:1 and white on #2e9e6b (done, active) 3.38:1.

Every series of the SVG charts is told from the page behind it, in each palette, as Chromium paints it: at
least 3:1 (WCAG 1.4.11, graphical objects), and stacked segments parted by a line of the background."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from site_helpers import recur_site

ASSETS = Path(__file__).resolve().parents[1] / "site_config" / "assets"
CSS = ("recur.css", "recur-suggest.css")
# the classes a modifier inherits its text colour from when it sets only a background
BASES = {"r-": ".rb", "recur-badge--": ".recur-badge"}
AA = 4.5


def _luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2's contrast ratio of two colours."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _colour(value: str | None) -> str | None:
    """A declaration's colour as #hex: written so, or a var()'s fallback; None for anything else."""
    if value is None:
        return None
    m = re.fullmatch(r"\s*(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6})\s*", value) or re.fullmatch(
        r"\s*var\(\s*--[\w-]+\s*,\s*(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6})\s*\)\s*", value
    )
    return m.group(1).lower() if m else None


def _rules(text: str) -> list:
    """(selectors, {property: value}) of each plain rule (comments dropped; no nesting in these files)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    out = []
    for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        decls = dict((k.strip().lower(), v.strip()) for k, v in (d.split(":", 1) for d in body.split(";") if ":" in d))
        out.append(([s.strip() for s in sel.split(",")], decls))
    return out


def badge_pairs() -> list:
    """(selector, text colour, background) of every badge rule that sets a background colour."""
    rules = [r for name in CSS for r in _rules((ASSETS / name).read_text(encoding="utf-8"))]
    by_selector = {s: d for sels, d in rules for s in sels}
    pairs = []
    for sels, decls in rules:
        for sel in sels:
            if not re.fullmatch(r"\.(rb|r-[\w-]+|recur-badge(--[\w-]+)?)", sel):
                continue
            bg = _colour(decls.get("background") or decls.get("background-color"))
            fg = _colour(decls.get("color"))
            base = next((b for prefix, b in BASES.items() if sel.startswith("." + prefix)), None)
            if fg is None and base:
                fg = _colour(by_selector.get(base, {}).get("color"))
            if bg and fg:
                pairs.append((sel, fg, bg))
    return pairs


def test_the_formula_gives_wcags_own_numbers():
    assert contrast("#000", "#fff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#e67e22", "#fff") == pytest.approx(2.85, abs=0.01)  # the review's sev2


def test_every_badge_colour_pair_meets_wcag_aa():
    pairs = badge_pairs()
    seen = {sel for sel, _, _ in pairs}
    for sel in (".r-sev1", ".r-sev2", ".r-sev3", ".r-overdue", ".r-fix-done", ".r-st-active", ".r-flag-done",
                ".r-recurred", ".recur-badge--high", ".recur-badge--medium", ".recur-badge--low"):  # fmt: skip
        assert sel in seen, f"{sel}: no colour pair found in {CSS}"
    low = [f"{sel}: {fg} on {bg} is {contrast(fg, bg):.2f}:1" for sel, fg, bg in pairs if contrast(fg, bg) < AA]
    assert low == [], low


SERIES = ("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "cx")
NON_TEXT = 3.0  # WCAG 2.1 SC 1.4.11
# each chart class on the page's trends chart box, as charts.py draws them (a KB seldom has all nine series),
# and the colours Chromium computed for it: fill, its opacity, stroke and its width, and the page's background
# behind the box composited up to the first opaque one (material's are opaque; a translucent one is blended)
_CHART_COLOURS_JS = """classes => {
  const box = document.querySelector('.recur-chart-box');
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'recur-chart');
  box.appendChild(svg);
  const rgba = c => { const p = c.match(/[\\d.]+/g).map(Number); return p.length > 3 ? p : p.concat([1]); };
  const layers = [];
  for (let n = box; n && n.nodeType === 1; n = n.parentElement) {
    const bg = rgba(getComputedStyle(n).backgroundColor);
    if (bg[3] > 0) layers.push(bg);
    if (bg[3] === 1) break;
  }
  let back = [255, 255, 255];
  for (let i = layers.length - 1; i >= 0; i--) back = back.map((v, k) => layers[i][k] * layers[i][3] + v * (1 - layers[i][3]));
  const out = {};
  for (const cls of classes) {
    const el = document.createElementNS('http://www.w3.org/2000/svg', cls === 'dt' ? 'circle' : 'rect');
    el.setAttribute('class', cls);
    svg.appendChild(el);
    const s = getComputedStyle(el);
    out[cls] = {fill: rgba(s.fill), opacity: Number(s.fillOpacity) * Number(s.opacity),
                stroke: s.stroke.startsWith('rgb') ? rgba(s.stroke) : null,
                width: parseFloat(s.strokeWidth), back: back.map(Math.round)};
  }
  svg.remove();
  return out;
}"""


def _painted(fill: list, opacity: float, back: list) -> str:
    """A fill of that opacity over the background, as whole 8-bit values (what is painted), as #hex."""
    alpha = fill[3] * opacity
    return "#" + "".join(f"{round(f * alpha + b * (1 - alpha)):02x}" for f, b in zip(fill[:3], back, strict=True))


@pytest.fixture(scope="module")
def trends_url(tmp_path_factory):
    from browser import serve_dir
    from kbfactory import small_kb

    tmp = tmp_path_factory.mktemp("contrast-site")
    out = tmp / "out"
    result = recur_site(small_kb(tmp / "kb"), out, "--strict", "-q", "--no-browser-search")
    assert result.exit_code == 0, result.output
    with serve_dir(out) as url:
        yield url + "/board/trends.html"


@pytest.mark.browser
@pytest.mark.parametrize("palette", ["default", "slate"])
def test_every_chart_series_stands_out_from_the_page_in_each_palette(page, trends_url, palette):
    """Found in review: on white the "other" stack (#bdc3c7) was 1.78:1 and orange 2.85:1; on the dark palette
    indigo 2.34:1, purple 2.74:1, red 2.96:1 and the timeline's dots (red at 75%) 2.18:1; and two stacks
    next to each other, 1.08-1.26:1 apart, touched with nothing between them."""
    from browser import dark_palette

    page.goto(trends_url)
    if palette == "slate":
        dark_palette(page)
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == palette
    assert page.locator(".recur-chart-box svg.recur-chart rect.c0").count() > 0  # the real chart has the classes
    found = page.evaluate(_CHART_COLOURS_JS, [*SERIES, "dt"])
    low, unparted = [], []
    for cls, c in found.items():
        back = "#" + "".join(f"{v:02x}" for v in c["back"])
        painted = _painted(c["fill"], c["opacity"], c["back"])
        if contrast(painted, back) < NON_TEXT:
            low.append(f".{cls}: {painted} on {back} is {contrast(painted, back):.2f}:1")
        # a line of the page's own colour around each segment and dot: neighbours parted whatever their colours
        if not c["stroke"] or _painted(c["stroke"], 1, c["back"]) != back or c["width"] < 1:
            unparted.append(f".{cls}: stroke {c['stroke']} {c['width']}px on {back}")
    assert low == [] and unparted == [], (low, unparted)


@pytest.mark.browser
def test_each_stacked_chart_is_one_image_named_for_what_it_shows_and_where_its_numbers_are(page, trends_url):
    """Found in review (Chromium's accessibility tree): a trends chart exposed ~93 nodes to a screen reader, each bar's
    tooltip, tick and legend word read one by one. Each stacked chart is one image (role="img"), named for what it
    shows and pointing to the table below it that has the same numbers."""
    page.goto(trends_url)
    boxes = page.locator(".recur-chart-box:has(+ details.info) > svg.recur-chart")
    assert boxes.count() == 2
    for n, what in enumerate(("category", "service")):
        chart = boxes.nth(n)
        name = chart.get_attribute("aria-label")
        assert chart.get_attribute("role") == "img"
        assert name.startswith(f"Chart: incidents per month by {what}, ") and name.endswith(
            f"its numbers are in the table \u201cThe numbers by {what}\u201d below"
        ), name
        # the table it names is the one under it
        assert chart.evaluate("s => s.parentElement.nextElementSibling.querySelector('summary').textContent") == (
            f"The numbers by {what}"
        )
    # one node in Chromium's accessibility tree: the image, none of its bars, ticks or legend (was ~93)
    assert _exposed(page, ".recur-chart-box:has(+ details.info) > svg.recur-chart") == [
        [f"image: {boxes.nth(n).get_attribute('aria-label')}"] for n in range(2)
    ]
    assert page.errors == []


def _exposed(page, selector: str) -> list:
    """For each element ``selector`` matches, the nodes of it and under it Chromium's accessibility tree exposes
    (role: name), as a screen reader gets them (CDP)."""
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    found = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]
    backend = [cdp.send("DOM.describeNode", {"nodeId": n})["node"]["backendNodeId"] for n in found]
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    by_id = {n["nodeId"]: n for n in nodes}
    out = []
    for b in backend:
        said: list = []

        def walk(node, said=said):
            if not node.get("ignored"):
                said.append(f"{node['role']['value']}: {node.get('name', {}).get('value', '')}")
            for c in node.get("childIds", []):
                if c in by_id:
                    walk(by_id[c])

        walk(next(n for n in nodes if n.get("backendDOMNodeId") == b))
        out.append(said)
    cdp.detach()
    return out
