"""What keeps recurring on the site's board page (a real mkdocs build), and `recur report` for a meeting, a
ticket or a chat: its headline, `--owner`, `--limit` and `--site-url`, on a small KB in tmp_path."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from kbfactory import write, write_pattern
from site_helpers import AS_OF, crawl

from recur.cli.main import cli


def _incident(root: Path, n: int, day: str, patterns: str, extra: str = "") -> None:
    write(
        root,
        f"incidents/2026/INC-2026-{n:04d}.md",
        f"---\nid: INC-2026-{n:04d}\ntitle: Incident {n}\ndate: {day}\nseverity: sev3\npatterns: [{patterns}]\n"
        f"{extra}---\n\n## Summary\nSomething broke.\n",
    )


def recurring_kb(root: Path) -> Path:
    """As of 2026-05-01: disk-full struck 3 times in 30 days, its fix open, Bob's, 30 days overdue; queue-lag
    twice, no fix; cert-expiry twice, @bob's fix due in June; in 90 days but not 30, dns-failure twice after
    its fix was done and old-cache (retired, superseded by disk-full) twice. INC-2026-0020 matched no pattern,
    with a follow-up of BOB's and one of alice's."""
    fix = "fix:\n  status: {}\n  owner: {}\n  due: {}\n"
    write_pattern(root, "disk-full", "storage", title="Disk full", extra_front=fix.format("open", "Bob", "2026-04-01"))
    write_pattern(
        root, "cert-expiry", "security", title="Cert expired", extra_front=fix.format("open", "'@bob'", "2026-06-01")
    )
    write_pattern(root, "queue-lag", "capacity", title="Queue lag")
    write_pattern(
        root,
        "dns-failure",
        "network",
        title="DNS fails",
        extra_front="fix:\n  status: done\n  owner: alice\n  done: 2026-03-01\n",
    )
    write_pattern(
        root, "old-cache", "capacity", title="Old cache", status="retired", extra_front="superseded_by: disk-full\n"
    )
    for n, (day, pid) in enumerate(
        [
            ("2026-04-10", "disk-full"),
            ("2026-04-20", "disk-full"),
            ("2026-04-25", "disk-full"),
            ("2026-04-15", "queue-lag"),
            ("2026-04-28", "queue-lag"),
            ("2026-04-05", "cert-expiry"),
            ("2026-04-06", "cert-expiry"),
            ("2026-03-05", "dns-failure"),
            ("2026-03-20", "dns-failure"),
            ("2026-02-15", "old-cache"),
            ("2026-03-01", "old-cache"),
        ],
        start=1,
    ):
        _incident(root, n, day, pid)
    _incident(
        root,
        20,
        "2026-04-29",
        "",
        "follow_ups:\n  - {title: Rotate logs, owner: BOB, due: 2026-04-30}\n"
        "  - {title: Page the vendor, owner: alice, due: 2026-04-30}\n",
    )
    return root


def run(*args, **kw):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, **kw)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from recur.site.build import build_site
    from recur.util.dates import given_date

    tmp = tmp_path_factory.mktemp("recurring")
    kb = recurring_kb(tmp / "kb")
    out = tmp / "out"
    build_site(kb, out, browser_search=False, index_dir=tmp / "none", as_of=given_date(AS_OF, "--as-of"))
    return kb, out


def _rows(section: str) -> list[list[str]]:
    return [re.findall(r"<td>(.*?)</td>", r, re.S) for r in section.split("</tr>")[1:-1]]


def test_the_board_page_says_what_keeps_recurring_with_each_fix(built):
    """The board page had no "what keeps recurring" section (a bar chart on trends.html, the home page's
    90-day table): now the last 30 and 90 days, each pattern linked, its count and its fix's state, owner,
    due, overdue marked, in the order and numbers of board.json's recurring lists."""
    _, out = built
    page = (out / "board/index.html").read_text(encoding="utf-8")
    data = json.loads((out / "board/board.json").read_text(encoding="utf-8"))
    assert 'id="recurring"' in page
    thirty = page.split('id="recurring-30"')[1].split('id="recurring-90"')[0]
    ninety = page.split('id="recurring-90"')[1]
    assert re.findall(r"<th>(.*?)</th>", thirty) == ["pattern", "incidents", "last", "fix", "overdue", "owner", "due"]
    for section, days in ((thirty, "30"), (ninety, "90")):
        rows = _rows(section.split("</table>")[0])
        shown = [(re.search(r'href="([^"]+)"', r[0]).group(1), r[1]) for r in rows]
        want = [(f"../patterns/{r['category']}/{r['pattern']}.html", str(r["count"])) for r in data["recurring"][days]]
        assert shown == want, days
    disk = _rows(thirty)[0]
    assert "Disk full" in disk[0] and disk[1:4] == ["3", "2026-04-25", "open"]
    assert "overdue 30d" in disk[4] and disk[5:] == ["Bob", "2026-04-01"]
    queue = next(r for r in _rows(thirty) if "Queue lag" in r[0])
    assert queue[3:] == ["none recorded", "", "-", "-"]
    cert = next(r for r in _rows(thirty) if "Cert expired" in r[0])
    assert cert[3:] == ["open", "", "@bob", "2026-06-01"]
    dns = next(r for r in _rows(ninety) if "DNS fails" in r[0])
    assert dns[3] == "done 2026-03-01, did not hold"
    old = next(r for r in _rows(ninety) if "Old cache" in r[0])
    assert old[3].startswith("retired, superseded by <a href=") and "disk-full.html" in old[3]


def test_the_new_section_and_the_trends_link_to_it_break_no_link(built):
    _, out = built
    trends = (out / "board/trends.html").read_text(encoding="utf-8")
    assert 'href="index.html#recurring-30"' in trends and 'href="index.html#recurring-90"' in trends
    checked, broken = crawl(out)
    assert checked and not broken, broken[:10]
