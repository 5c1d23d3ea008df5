"""The built site on a phone's screen (320 and 375 px, a touch screen, Chromium's mobile emulation): the home page's
tables, a runbook's inline commands, the charts' labels and the describe box before its script has loaded."""

from __future__ import annotations

import contextlib

import pytest
from browser import page_errors
from kbfactory import small_kb, write, write_pattern
from serve_util import fake_app, running
from site_helpers import served_site, site_kb

pytestmark = pytest.mark.browser

PHONES = (320, 375)
# a runbook's commands whose flags and words hold hyphens (they broke at them on a phone)
COMMANDS = (
    "kubectl --namespace payments-production get pods --field-selector=status.phase!=Running",
    "aws autoscaling describe-scaling-activities --auto-scaling-group-name checkout-asg --max-items 5",
    "gcloud compute operations list --filter=status=DONE --limit 5",
)

# words of a command too wide for a line: a phone's (the first) or a desktop's too (the second: the starter KB's)
WIDE_WORDS = (
    "aws-autoscaling-describe-scaling-activities-for-the-checkout-group",
    "kubectl get hpa -A -o custom-columns=NS:.metadata.namespace,NAME:.metadata.name,"
    "CURRENT:.status.currentReplicas,MAX:.spec.maxReplicas,DESIRED:.status.desiredReplicas",
)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The site_kb, with a pattern whose runbook holds COMMANDS, built with `recur site` and served."""
    tmp = tmp_path_factory.mktemp("phone-site")
    kb = site_kb(tmp / "kb")
    steps = tuple(f"On the cluster, run `{c}` and read what it says." for c in COMMANDS)
    write_pattern(kb, "quota-hit", title="Cloud quota hit", runbook=steps, signals=("LimitExceeded",))
    write_pattern(
        kb,
        "hpa-maxed",
        title="Autoscaler at its maximum",
        signals=("ScalingLimited",),
        runbook=tuple(f"Then `{w}` and read it." for w in WIDE_WORDS),
    )
    with served_site(kb, tmp / "out", "--strict", "-q") as served:
        yield served


@pytest.fixture(scope="module")
def api_base(base):
    """``base``'s built site served by `recur serve`'s app (the fake encoder) instead of a file server: its URL."""
    _, out = base
    with running(fake_app(out.parent / "kb", out.parent, site_dir=out)) as url:
        yield url


@contextlib.contextmanager
def phone(chromium, width: int, height: int = 640, touch: bool = True):
    """A page of ``chromium`` as a phone shows it: ``width`` x ``height`` CSS px at 2 device px each, the mobile
    viewport and a touch screen (CSS's (pointer: coarse)). Yields (page, its JavaScript errors). ``touch`` False:
    a desktop's window of that size (no mobile viewport, a mouse)."""
    pg = chromium.new_page()
    cdp = pg.context.new_cdp_session(pg)
    metrics = {"width": width, "height": height, "deviceScaleFactor": 2 if touch else 1, "mobile": touch}
    cdp.send("Emulation.setDeviceMetricsOverride", metrics)
    if touch:
        cdp.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 5})
    errors = page_errors(pg)
    try:
        yield pg, errors
    finally:
        pg.close()


@pytest.mark.parametrize("width", PHONES)
def test_every_column_of_the_home_pages_tables_is_on_a_phones_screen(chromium, base, width):
    """Found on a phone: at 320 px the home page's "Most recurring patterns" table was 630 px wide, its severity,
    category and permanent fix off the screen (behind a sideways scroll of the table), and "Latest incidents" 434 px.
    On a phone each row is a card (md.card_table) and every cell is within the screen; the page does not scroll."""
    url, _ = base
    with phone(chromium, width) as (pg, errors):
        pg.goto(url + "/index.html")
        cells = pg.evaluate("""() => [...document.querySelectorAll("article table tbody td")].map(td => {
            const r = td.getBoundingClientRect();
            return {left: r.left, right: r.right, text: td.innerText, table: td.closest("table").rows[0].innerText}; })""")
        tables = {c["table"] for c in cells}
        assert len(tables) == 2, tables  # the recurring patterns and the latest incidents
        assert any("Disk full on a host" in c["text"] for c in cells), cells
        for c in cells:
            assert c["left"] >= 0 and c["right"] <= width, c
        assert pg.evaluate("document.documentElement.scrollWidth") <= width
        assert errors == []


# each line break inside a piece of inline code next to a hyphen, with no blank on either side: "kubectl --|namespace";
# but in a word wider than its line (as wide as the line's box, max-width: 100%), which breaks where it must
HYPHEN_BREAKS = """() => { const out = [];
  const full = s => { const b = s.closest("li, p"), css = getComputedStyle(b);
    return s.getBoundingClientRect().width >= b.clientWidth - parseFloat(css.paddingLeft) - parseFloat(css.paddingRight) - 1; };
  for (const code of document.querySelectorAll("article code")) {
    if (code.closest("pre")) continue;
    const walk = document.createTreeWalker(code, NodeFilter.SHOW_TEXT), chars = [];
    for (let t = walk.nextNode(); t; t = walk.nextNode()) {
      if (t.parentNode.matches(".recur-whole") && full(t.parentNode)) { chars.push(...[...t.nodeValue].map(c => [c, null])); continue; }
      for (let i = 0; i < t.nodeValue.length; i++) {
        const r = document.createRange(); r.setStart(t, i); r.setEnd(t, i + 1);
        const box = r.getClientRects()[0];
        chars.push([t.nodeValue[i], box ? box.top : null]);
      }
    }
    const s = chars.map(c => c[0]).join("");
    let top = null;
    chars.forEach(([ch, at], i) => {
      if (at === null) return;
      if (top !== null && at > top + 2 && ch !== " " && s[i - 1] !== " " && (ch === "-" || s[i - 1] === "-"))
        out.push(s.slice(0, i) + " | " + s.slice(i));
      top = at;
    });
  }
  return out; }"""


@pytest.mark.parametrize("width", PHONES)
def test_a_runbooks_commands_do_not_break_at_their_hyphens_on_a_phone(chromium, base, width):
    """Found on a phone: a runbook's inline commands broke at their hyphens, "kubectl --" on one line and
    "namespace" on the next (the real KB's pattern pages: 53 such breaks at 320 px, 40 at 375). A word with a hyphen
    moves to the next line whole, one wider than the line breaks inside itself; the page does not scroll sideways,
    and the commands' text (what a reader or the copy button copies) is unchanged."""
    url, _ = base
    with phone(chromium, width) as (pg, errors):
        pg.goto(url + "/patterns/capacity/quota-hit.html")
        pg.wait_for_load_state("load")
        codes = pg.locator("ol.recur-runbook-steps > li code").all_text_contents()
        assert codes == list(COMMANDS)
        breaks = pg.evaluate(HYPHEN_BREAKS)
        assert breaks == [], breaks
        lines = pg.locator("ol.recur-runbook-steps > li code").evaluate_all(
            "els => els.map(c => new Set([...c.getClientRects()].map(r => Math.round(r.top))).size)"
        )
        assert max(lines) > 1  # the commands still wrap, at their blanks
        assert pg.evaluate("document.documentElement.scrollWidth") <= width
        assert errors == []


@pytest.mark.parametrize(("width", "height"), [(320, 640), (375, 640), (568, 320), (667, 375)])
def test_the_charts_labels_are_at_least_12_px_on_a_phone(chromium, base, width, height):
    """Found on a phone: the trends page's charts (640 units wide) were drawn 560 px wide, their ticks 8.75 px and
    their legend 9.6 px high. On a phone they are drawn at 1.2 times their size, every label at least 12 px; the
    chart's box scrolls sideways, the page does not. A phone held sideways too (568x320, 667x375: its ticks were
    8.75 and 9.9 px, found in a re-read)."""
    url, _ = base
    with phone(chromium, width, height) as (pg, errors):
        assert pg.evaluate("matchMedia('(pointer: coarse)').matches")
        pg.goto(url + "/board/trends.html")
        sizes = pg.evaluate("""() => [...document.querySelectorAll(".recur-chart-box svg.recur-chart text")]
            .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)""")
        assert len(sizes) >= 10, sizes
        assert min(sizes) >= 12 - 1e-6, sorted(set(sizes))
        assert pg.evaluate("document.documentElement.scrollWidth") <= width
        assert errors == []


# a pattern page's recurrence timeline: its labels' size on the screen, and its labels and dots that stick out of i (a label not shown, display: none, is not out)
TIMELINE = """() => { const svg = document.querySelector(".recur-timeline svg"), box = svg.getBoundingClientRect();
    const out = [...svg.querySelectorAll("text, circle")].filter(e => getComputedStyle(e).display !== "none")
      .filter(e => { const r = e.getBoundingClientRect();
      return r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5 || r.left < box.left - 0.5 || r.right > box.right + 0.5; });
    return {sizes: [...svg.querySelectorAll("text")].map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a),
            dots: [...svg.querySelectorAll("circle")].map(c => c.getBoundingClientRect().width),
            out: out.map(e => e.outerHTML), width: box.width}; }"""


@pytest.mark.parametrize(("width", "height"), [(320, 640), (375, 640), (568, 320), (667, 375)])
def test_a_pattern_pages_timeline_labels_are_at_least_12_px_on_a_phone(chromium, base, width, height):
    """Found on a phone: a pattern page's recurrence timeline (360 units wide) was drawn in the card's 247 px at 320
    px, scaled with it: its year labels 6.9 px high and its dots 6.9 px wide. It spreads over the card's width, its
    labels 12 px on a phone (upright or sideways) and its dots 10 px wide, none cut off; the page does not scroll."""
    url, _ = base
    with phone(chromium, width, height) as (pg, errors):
        pg.goto(url + "/patterns/capacity/disk-full.html")
        drawn = pg.evaluate(TIMELINE)
        assert drawn["sizes"] and min(drawn["sizes"]) >= 12 - 1e-6, drawn
        assert len(drawn["dots"]) == 2 and min(drawn["dots"]) >= 10 - 1e-6, drawn
        assert drawn["out"] == [], drawn
        assert pg.evaluate("document.documentElement.scrollWidth") <= width
        assert errors == []


@pytest.fixture(scope="module")
def history_base(tmp_path_factory):
    """small_kb whose disk-full has struck every other year since 2014 (a 12-year timeline, its last 1 January four
    months from its end) and whose dns-failure struck on 2024-12-28 (its first 1 January four days from its start),
    built as of 2026-05-01 and served: its URL."""
    tmp = tmp_path_factory.mktemp("history-site")
    kb = small_kb(tmp / "kb")
    days = [("disk-full", f"{year}-01-03") for year in range(2014, 2025, 2)] + [("dns-failure", "2024-12-28")]
    for n, (pattern, day) in enumerate(days, 1):
        year = day[:4]
        text = (
            f"---\nid: INC-{year}-{n:04}\ntitle: Struck on {day}\ndate: {day}\nseverity: sev3\n"
            f"patterns: [{pattern}]\n---\n\n## Summary\nIt struck on {day}.\n"
        )
        write(kb, f"incidents/{year}/INC-{year}-{n:04}.md", text)
    with served_site(kb, tmp / "out", "--strict", "-q") as (url, _):
        yield url


# the year labels a timeline shows (display: none left out), in order, and those that overlap the one before them
SHOWN = """() => { const svg = document.querySelector(".recur-timeline svg");
    const shown = [...svg.querySelectorAll("text")].filter(t => getComputedStyle(t).display !== "none");
    const boxes = shown.map(t => t.getBoundingClientRect());
    return {years: shown.map(t => t.textContent), overlaps: shown.filter((t, i) => i && boxes[i].left < boxes[i - 1].right)
            .map(t => t.textContent)}; }"""


@pytest.mark.parametrize(
    ("width", "height", "touch"),
    [(320, 640, True), (375, 640, True), (568, 320, True), (481, 640, False), (1280, 640, False)],
)
def test_a_long_historys_timeline_labels_do_not_overlap(chromium, history_base, width, height, touch):
    """Found in a re-read: the timeline's 12 px labels (a phone's) are as wide as they were at 360 px; a 12-year
    history's 1 Januarys are 19 px apart at 320 px, and its labels, 27 px wide, overlapped one another (2015 to
    2026 in one smudge), its last (2026, four months from the strip's end) cut off by it, as was a first 1 January
    four days after a strip's start. A label that does not fit beside the next is left out where it would overlap,
    one at an end of the strip starts or ends at its tick; the latest year is shown. A wide desktop shows every year
    but 2025's, its label where 2026's, ending at its tick, is."""
    with phone(chromium, width, height, touch) as (pg, errors):
        for page in ("network/dns-failure", "capacity/disk-full"):
            pg.goto(f"{history_base}/patterns/{page}.html")
            drawn, shown = pg.evaluate(TIMELINE), pg.evaluate(SHOWN)
            assert drawn["out"] == [] and shown["overlaps"] == [], (drawn, shown)
            assert shown["years"][-1] == "2026" and min(drawn["sizes"]) >= (12 if touch else 10), (drawn, shown)
            if page == "network/dns-failure":
                assert shown["years"] == ["2025", "2026"], shown
        # a phone's card, and a desktop's up to 35em, has every other year's; a wide desktop's all but 2025's
        assert len(shown["years"]) == (11 if width == 1280 else 6), shown
        assert errors == []


@pytest.mark.parametrize(("width", "height"), [(568, 320), (1280, 640)])
def test_a_desktops_charts_are_drawn_as_before(chromium, base, width, height):
    """A desktop's window, however short, draws the charts as it did (at least 560 px wide, scaled to the box): a
    touch screen's rule is for a phone held sideways."""
    url, _ = base
    with phone(chromium, width, height, touch=False) as (pg, errors):
        pg.goto(url + "/board/trends.html")
        assert not pg.evaluate("matchMedia('(pointer: coarse)').matches")
        charts = pg.locator(".recur-chart-box > svg.recur-chart")
        assert charts.count() >= 2
        assert set(charts.evaluate_all("els => els.map(e => getComputedStyle(e).minWidth)")) == {"560px"}
        assert errors == []
        pg.goto(url + "/patterns/capacity/disk-full.html")  # a pattern page's timeline: 10 px labels, 360 px wide
        drawn = pg.evaluate(TIMELINE)
        assert set(drawn["sizes"]) == {10} and drawn["out"] == [], drawn
        assert drawn["width"] == 360 or width < 1280, drawn


def held_suggest_script(pg, url: str):
    """Opens the home page with recur-suggest.js held back (the page as a slow link shows it before the script
    comes); the function it returns checks the script was asked for and lets it load."""
    held: list = []

    def script(u: str) -> bool:
        return "recur-suggest.js" in u

    pg.route(script, lambda route: held.append(route))
    pg.goto(url + "/index.html", wait_until="commit")

    def release() -> None:
        assert held  # asked for, and not run until now
        for route in held:
            route.continue_()
        pg.unroute(script)

    return release


@pytest.mark.parametrize("width", PHONES)
def test_the_describe_box_is_there_before_its_script_has_loaded(chromium, base, width):
    """Found on a phone on a slow link: the describe box's space was empty (120 px of nothing) until
    recur-suggest.js arrived, seconds after the page showed. The page is sent with the box (a text field, Suggest and
    "Loading the describe box…"); what is typed into it meanwhile, and the focus, carry into the box the script
    draws. The script is held here until the early box has been used."""
    url, _ = base
    with phone(chromium, width) as (pg, errors):
        release = held_suggest_script(pg, url)
        # laid out, not painted: a first paint's entry never came in a fresh-clone run under load (the script held)
        pg.wait_for_selector(".recur-suggest__early textarea", state="visible")
        box = pg.locator("div.recur-suggest")
        field = box.get_by_role("textbox", name="Describe what you see")
        assert field.is_visible() and field.bounding_box()["height"] >= 80
        assert box.get_by_role("button", name="Suggest").is_visible()
        assert box.get_by_role("status").inner_text() == "Loading the describe box\u2026"
        field.fill("checkout 502s after the deploy")
        field.focus()
        release()  # the script has not run: what was used is the box the page came with
        pg.wait_for_selector("div.recur-suggest[data-ready]")
        assert pg.locator(".recur-suggest__early").count() == 0
        real = pg.locator("textarea.recur-suggest__input")
        assert real.count() == 1 and real.input_value() == "checkout 502s after the deploy"
        assert real.evaluate("t => t === document.activeElement")
        assert errors == []


# the words of inline code kept whole (recur.js keepCodeWordsWhole) that hide some of their text (scroll inside
# themselves), stick out of their line, or take the keyboard's focus
HIDDEN_WORDS = """() => [...document.querySelectorAll(".recur-whole")].filter(s => {
    const line = s.closest("li, p").getBoundingClientRect(), r = s.getBoundingClientRect();
    s.focus();
    return s.scrollWidth > s.clientWidth || r.right > line.right + 1 || document.activeElement === s;
  }).map(s => s.textContent)"""


@pytest.mark.parametrize(("width", "touch"), [(320, True), (375, True), (1280, False)])
def test_a_word_wider_than_its_line_shows_all_of_its_text(chromium, base, width, touch):
    """Found in a re-read: a word of inline code wider than its line scrolled inside itself, its end hidden (a phone
    shows no scrollbar) and each such word a Tab stop: 53 words on 42 of the starter KB's 60 pattern pages at 320 px,
    `describe-scaling-activit`, and one at 1280 px, `custom-columns=…`. It breaks where it must, shows all of its
    text and is no Tab stop; the page is never wider than the screen."""
    url, _ = base
    with phone(chromium, width, touch=touch) as (pg, errors):
        pg.goto(url + "/patterns/capacity/hpa-maxed.html")
        pg.wait_for_load_state("load")
        assert pg.locator(".recur-whole").count() >= 2
        hidden = pg.evaluate(HIDDEN_WORDS)
        assert hidden == [], hidden
        codes = pg.locator("ol.recur-runbook-steps > li code").all_text_contents()
        assert codes == list(WIDE_WORDS)  # what is copied is unchanged
        assert pg.evaluate("document.documentElement.scrollWidth") <= width
        assert errors == []


def accessible_text(pg, selector: str) -> str:
    """The text Chromium's accessibility tree (what a screen reader reads) has for the element at ``selector``: its
    static texts' names in order."""
    cdp = pg.context.new_cdp_session(pg)
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    backend = cdp.send("DOM.describeNode", {"nodeId": node})["node"]["backendNodeId"]
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    by_id = {n["nodeId"]: n for n in nodes}
    out: list[str] = []

    def walk(n):
        if n["role"]["value"] == "StaticText":
            out.append(n.get("name", {}).get("value", ""))
        for c in () if n["role"]["value"] == "StaticText" else n.get("childIds", ()):
            walk(by_id[c])

    walk(next(n for n in nodes if n.get("backendDOMNodeId") == backend))
    cdp.detach()
    return "".join(out)


@pytest.mark.parametrize("width", PHONES)
def test_a_screen_reader_reads_a_commands_blanks(chromium, base, width):
    """Found in a re-read: the blanks of a command between its words kept whole were each a text of their own between
    two inline blocks, left out of the accessibility tree: a screen reader read
    "aws autoscalingdescribe-scaling-activities--auto-scaling-group-name". Its accessible text is the command's."""
    url, _ = base
    with phone(chromium, width) as (pg, errors):
        pg.goto(url + "/patterns/capacity/quota-hit.html")
        pg.wait_for_load_state("load")
        assert pg.locator("ol.recur-runbook-steps .recur-whole").count() > 0
        for i, command in enumerate(COMMANDS, 1):
            assert accessible_text(pg, f"ol.recur-runbook-steps > li:nth-child({i}) code") == command
        assert errors == []


@pytest.mark.parametrize("width", PHONES)
def test_the_describe_box_keeps_its_early_field(chromium, base, width):
    """Found in a re-read: the box's script replaced the early box's text field with its own, the typed text and the
    focus copied over but the caret put at the end, and a phone's keyboard, or an IME's text being composed, dropped
    with the field. The field is the same one, never out of the page: the caret stays where it was."""
    url, _ = base
    with phone(chromium, width) as (pg, errors):
        release = held_suggest_script(pg, url)
        field = pg.get_by_role("textbox", name="Describe what you see")
        field.fill("checkout 502s after the deploy")
        field.evaluate("t => { t.focus(); t.setSelectionRange(8, 8); window.recurEarly = t; }")
        release()
        pg.wait_for_selector("div.recur-suggest[data-ready]")
        kept = pg.evaluate("""() => { const t = document.querySelector("textarea.recur-suggest__input");
            return [t === window.recurEarly, t === document.activeElement, t.selectionStart, t.value,
                    document.querySelectorAll("div.recur-suggest textarea, div.recur-suggest form").length]; }""")
        assert kept == [True, True, 8, "checkout 502s after the deploy", 2], kept
        assert field.input_value() == "checkout 502s after the deploy"  # named by the box's own label
        assert pg.locator("div.recur-suggest button[type=submit]").count() == 1  # the script's
        assert errors == []


# the describe box's height and the top of what is under it ("New here?": the page's next paragraph)
BOX_AND_BELOW = """() => { const box = document.querySelector("div.recur-suggest");
    return [box.getBoundingClientRect().height, box.nextElementSibling.getBoundingClientRect().top,
            box.querySelector(".recur-suggest__status").innerText]; }"""


@pytest.mark.parametrize("served", ["static", "recur serve"])
@pytest.mark.parametrize(("width", "touch"), [(320, True), (1280, False)])
def test_the_describe_box_keeps_its_height_when_its_script_starts(chromium, base, api_base, served, width, touch):
    """Found on a phone: the box the page is sent with said "Loading the describe box…" in one line; its script then
    said how it suggests here in two or three (six on a static host without the browser model), and the box grew
    by 25 px under `recur serve` and 144 px on a static host at 320 px, moving the page under it down. The status
    keeps the room of what the box first says: the box is as high, and what is under it where it was."""
    url = base[0] if served == "static" else api_base
    with phone(chromium, width, touch=touch) as (pg, errors):
        release = held_suggest_script(pg, url)
        pg.wait_for_selector(".recur-suggest__early textarea", state="visible")
        # a function: recur serve's CSP refuses a string's eval at later polls (see test_serve_browser)
        pg.wait_for_function("() => document.fonts.status === 'loaded'")
        early = pg.evaluate(BOX_AND_BELOW)
        assert early[2] == "Loading the describe box\u2026", early
        release()
        pg.wait_for_selector("div.recur-suggest[data-mode]")
        started = pg.evaluate(BOX_AND_BELOW)
        said = "cannot suggest by meaning" if served == "static" else "Suggestions from 5 known failure patterns."
        assert said in started[2], started
        assert abs(started[0] - early[0]) <= 1 and abs(started[1] - early[1]) <= 1, (early, started)
        assert errors == []
