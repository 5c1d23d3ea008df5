"""The trends charts and the pattern pages for a keyboard and screen-reader user, on real built sites.

Found in an accessibility review: the stacked charts' counts by category and by service were in each bar's
tooltip only (the one table had each month's total); a pattern's "Evidence to preserve" box had no heading,
so it was missing from the page's outline and its "On this page", and had no anchor."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
from kbfactory import small_kb, write, write_pattern
from site_helpers import AS_OF, recur_site, site_kb

from recur.kb.loader import load_kb
from recur.problems.board import board

# a bar of a stacked chart and its tooltip: "2026-04 capacity: 3"
BAR = re.compile(r'<rect class="c[\dx]"[^>]*><title>(\d{4}-\d\d) (.+?): (\d+)</title>')
CATEGORIES = ("network", "capacity", "deploys", "config", "dependencies", "data", "security", "time")


def _busy_kb(root):
    """small_kb plus a pattern in each of eight categories, and incidents of eight services over three
    months: more stacks than a chart draws (six and "other")."""
    small_kb(root)
    for c, category in enumerate(CATEGORIES):
        write_pattern(root, f"busy-{category}", category, signals=(f"BUSY_{category.upper()}",))
        for n in range(c + 1):  # a different count in each, so no two columns could be swapped unseen
            month = ("02", "03", "04")[n % 3]
            write(
                root,
                f"incidents/2026/INC-2026-{c + 10:02d}{n:02d}.md",
                f"---\nid: INC-2026-{c + 10:02d}{n:02d}\ntitle: Busy {category} {n}\ndate: 2026-{month}-1{n % 9}\n"
                f"severity: sev3\npatterns: [busy-{category}]\nservices: [svc-{(c + n) % 8}]\n---\n\n"
                "## Summary\nIt happened.\n",
            )
    return root


def _charts(page: str) -> list:
    """Each stacked chart of the trends page: {(month, stack): count} from its bars' tooltips, and the
    table that follows it, {(month, column): cell}."""
    out = []
    for part in page.split('<div class="recur-chart-box">')[1:3]:
        svg = part[: part.index("</svg>")]
        bars = {(m, html.unescape(name)): int(n) for m, name, n in BAR.findall(svg)}
        details = part[part.index("</svg>") :].split("</details>")[0]
        assert "<details" in details and "<summary>The numbers by " in details, details[:300]
        head = [html.unescape(h) for h in re.findall(r"<th>(.*?)</th>", details)]
        rows = [re.findall(r"<td>(.*?)</td>", r) for r in re.findall(r"<tr>(.*?)</tr>", details, re.S)]
        table = {(row[0][:7], head[k]): int(cell) for row in rows if row for k, cell in enumerate(row) if k}
        out.append((bars, head, table, details))
    return out


def test_each_stacked_chart_has_its_numbers_in_a_table_beneath_it(tmp_path):
    kb = _busy_kb(tmp_path / "kb")
    out = tmp_path / "out"
    result = recur_site(kb, out, "--strict", "-q", "--no-browser-search")
    assert result.exit_code == 0, result.output
    page = (out / "board/trends.html").read_text(encoding="utf-8")
    trends = board(load_kb(kb), dt.date.fromisoformat(AS_OF))["trends"]
    charts = _charts(page)
    assert len(charts) == 2
    for (bars, head, table, details), by in zip(charts, ("by_category", "by_service"), strict=True):
        series = trends[by]
        assert len(series) > 6 and head[0] == "month" and head[-1] == "other"
        assert head[1:7] == list(series)[:6]  # the chart's six largest, in its order, then "other"
        # every bar drawn is a cell of the table with the same count, and every other cell is 0
        assert bars and all(table[key] == n for key, n in bars.items())
        assert all(n == 0 for key, n in table.items() if key not in bars)
        assert {m for m, _ in table} == set(trends["months"])
        for name in list(series)[:6]:  # the board's own numbers, month by month
            assert [table[(m, name)] for m in trends["months"]] == series[name]
        rest = [sum(series[k][n] for k in list(series)[6:]) for n in range(len(trends["months"]))]
        assert [table[(m, "other")] for m in trends["months"]] == rest
        assert "other: " + ", ".join(list(series)[6:]) + "." in details  # what "other" holds, said
    # the month not over is marked in these tables as in "The numbers"
    assert page.count("<td>2026-05 (May 1, so far)</td>") == 3


def test_a_small_kbs_tables_have_only_the_stacks_drawn(tmp_path):
    out = tmp_path / "out"
    result = recur_site(site_kb(tmp_path / "kb"), out, "--strict", "-q", "--no-browser-search")
    assert result.exit_code == 0, result.output
    for bars, head, table, details in _charts((out / "board/trends.html").read_text(encoding="utf-8")):
        assert "other" not in head and "other: " not in details
        assert bars and all(table[key] == n for key, n in bars.items())
        assert sum(table.values()) == sum(bars.values())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("evidence-site")
    out = tmp / "out"
    result = recur_site(site_kb(tmp / "kb"), out, "--strict", "-q", "--no-browser-search")
    assert result.exit_code == 0, result.output
    return out


def test_the_evidence_box_has_a_heading_in_the_outline_and_on_this_page(built):
    """The site says to preserve the evidence before the runbook, and its box's title was a <p>: a screen
    reader's list of headings went from "What you see" to "Runbook", "On this page" had no entry, no anchor."""
    page = (built / "patterns/capacity/disk-full.html").read_text(encoding="utf-8")
    article = page[page.index("<article") :]
    headings = re.findall(r'<h2[^>]*id="([^"]+)"', article)
    assert headings.index("what-you-see") + 1 == headings.index("evidence-to-preserve") == headings.index("runbook") - 1
    box = article[article.index('<div class="admonition danger recur-evidence">') :].split("</div>")[0]
    assert '<h2 class="admonition-title" id="evidence-to-preserve">Evidence to preserve</h2>\n<p>Capture it before you ' \
        'restore.</p>' in box and "<code>du</code> output of the full filesystem" in box  # fmt: skip
    toc = re.findall(r'href="#([^"]+)" class="md-nav__link">\s*<span class="md-ellipsis">\s*([^<]*?)\s*<', page)
    assert ("evidence-to-preserve", "Evidence to preserve") in toc
    assert [a for a, _ in toc].index("evidence-to-preserve") == [a for a, _ in toc].index("runbook") - 1
    # the heading is no entry of the site search (its words, as a title, answered "restore" on every pattern page):
    # its title and text are the text of the entry before it
    docs = json.loads((built / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    assert not [d for d in docs if d["location"].endswith("#evidence-to-preserve")]
    seen = next(d for d in docs if d["location"] == "patterns/capacity/disk-full.html#what-you-see")
    assert "</ul> Evidence to preserve <p>Capture it before you restore.</p>" in seen["text"]
    assert "<code>du</code> output of the full filesystem" in seen["text"]
    # a pattern with no evidence has no such heading
    page = (built / "patterns/network/dns-failure.html").read_text(encoding="utf-8")
    assert ("Evidence to preserve" in page) == ('id="evidence-to-preserve"' in page)


@pytest.mark.browser
def test_the_evidence_heading_looks_as_the_boxs_title_did(page, built):
    """The heading takes the admonition title's size, weight, spacing, tint and icon, not an h2's (1.56em, 300)."""
    from browser import serve_dir

    props = ["fontSize", "fontWeight", "lineHeight", "letterSpacing", "marginTop", "marginBottom", "marginLeft",
             "paddingTop", "paddingBottom", "paddingLeft", "backgroundColor", "color", "height"]  # fmt: skip
    js = """props => {
      const h = document.querySelector('.admonition.danger > h2#evidence-to-preserve');
      const box = document.createElement('div');
      box.className = h.parentElement.className;  // as it would look in this box (recur-evidence: the body's size)
      box.innerHTML = '<p class="admonition-title">' + h.textContent + '</p><p>x</p>';
      h.parentElement.after(box);  // the box's title as it was, beside it
      const p = box.firstChild;
      const look = e => { const s = getComputedStyle(e), b = getComputedStyle(e, '::before');
        return props.map(k => s[k]).concat([b.maskImage || b.webkitMaskImage, b.backgroundColor]); };
      return [look(h), look(p)];
    }"""
    with serve_dir(built) as url:
        page.goto(url + "/patterns/capacity/disk-full.html")
        heading, title = page.evaluate(js, props)
    assert dict(zip([*props, "icon", "icon colour"], heading, strict=True)) == dict(
        zip([*props, "icon", "icon colour"], title, strict=True)
    )
