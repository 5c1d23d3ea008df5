"""Report trends and recurrence (issue 14): sparklines keep empty months; "most recurring" is two or more."""

import datetime as dt
import json

from click.testing import CliRunner
from kbfactory import write, write_pattern

from recur.cli.main import cli
from recur.kb.loader import load_kb
from recur.problems.board import board
from recur.problems.report import ZERO, _sparkline, render_markdown, render_text


def test_sparkline_keeps_positions_of_empty_months():
    line = _sparkline([0, 3, 0, 0, 1, 0])
    assert len(line) == 6 and line[0] == line[2] == line[3] == line[5] == ZERO and line[1] == "█"
    assert ZERO.strip() and _sparkline([0, 0]) == ZERO * 2


def test_markdown_trend_cells_have_one_visible_mark_per_month(kb_dir):
    b = board(load_kb(kb_dir), dt.date(2026, 5, 1))
    md = render_markdown(b)
    row = next(ln for ln in md.splitlines() if ln.startswith("| (all) |"))
    cell = row.split("|")[2].strip()
    assert len(cell) == len(b["trends"]["months"]) == 12 and " " not in cell


def test_most_recurring_needs_two_incidents(kb_dir):
    b = board(load_kb(kb_dir), dt.date(2026, 5, 1))
    assert b["recurring"]["90"] == []  # db-pool-exhausted was seen once
    md = render_markdown(b)
    assert "Nothing recurred: no pattern matched two or more incidents in the last 90 days." in md
    write(
        kb_dir,
        "incidents/2026/INC-2026-0003.md",
        """---
id: INC-2026-0003
title: Checkout hung again
date: 2026-04-20
severity: sev2
patterns: [db-pool-exhausted]
---

## Summary
Pool exhausted again.
""",
    )
    out = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir), "--as-of", "2026-05-01", "--format", "json"])
    rec = json.loads(out.output)["recurring"]["90"]
    assert [(r["pattern"], r["count"]) for r in rec] == [("db-pool-exhausted", 2)]
    text = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir), "--as-of", "2026-05-01"]).output
    assert "Nothing recurred" in text  # the 30-day window still has only one


def test_services_past_the_first_ten_are_summed_not_dropped(tmp_path):
    """The trends section showed ten services and silently left out the rest: a service with
    incidents this year was simply missing from the review, with nothing saying the list was cut."""
    root = tmp_path / "kb"
    write(root, "patterns/.gitkeep", "")
    for n in range(12):
        write(
            root,
            f"incidents/2026/INC-2026-{n + 1:04d}.md",
            f"---\nid: INC-2026-{n + 1:04d}\ntitle: t\ndate: 2026-04-{n + 1:02d}\nseverity: sev4\n"
            f"services: [svc-{n:02d}]\n---\n\n## Summary\nx\n",
        )
    b = board(load_kb(root), dt.date(2026, 5, 1))
    assert len(b["trends"]["by_service"]) == 12
    md = render_markdown(b)
    shown = [ln for ln in md.splitlines() if ln.startswith("| service svc-")]
    assert len(shown) == 10
    more = next(ln for ln in md.splitlines() if "2 more services" in ln)
    assert more.rstrip(" |").endswith("| 2")  # the two left-out services' incidents, counted


def test_markdown_cells_show_kb_text_not_html(tmp_path):
    """An incident title "Checkout shows <blank> page & <script>x</script>" went into the Markdown
    review as raw HTML: pasted into a wiki or an issue, "<blank>" vanished and the script was a tag."""
    root = tmp_path / "kb"
    write(root, "patterns/.gitkeep", "")
    title = "Checkout shows <blank> page & <script>x</script> | see `a<b`"
    write(
        root,
        "incidents/2026/INC-2026-0001.md",
        f"---\nid: INC-2026-0001\ntitle: '{title}'\ndate: 2026-04-01\nseverity: sev4\n---\n\n## Summary\nx\n",
    )
    md = render_markdown(board(load_kb(root), dt.date(2026, 5, 1)))
    row = next(ln for ln in md.splitlines() if ln.startswith("| INC-2026-0001 |"))
    assert row.endswith("| Checkout shows &lt;blank&gt; page &amp; &lt;script&gt;x&lt;/script&gt; \\| see `a<b` |"), row
    assert "<script>" not in md and "<blank>" not in md


def test_a_recurring_pattern_says_whose_fix_is_due_when_and_if_it_held(tmp_path):
    """The most recurring patterns named the pattern only: "is it being fixed, by whom, by when?" meant
    looking each one up in the fixes table, and a fix marked done that the pattern outlived looked
    like any other row (found reviewing a year of incidents)."""
    root = tmp_path / "kb"
    write_pattern(root, "disk-full", fix="fix: {status: open, owner: team-a, due: 2026-04-30, tickets: [P-1]}")
    write_pattern(root, "pool-exhausted", fix="fix: {status: done, owner: team-b, due: 2026-03-01, done: 2026-03-01}")
    write_pattern(root, "dns-failure", "network")
    for n, (pid, day) in enumerate([(p, d) for p in ("disk-full", "pool-exhausted", "dns-failure") for d in (5, 9)]):
        write(
            root,
            f"incidents/2026/INC-{n}.md",
            f"---\nid: INC-{n}\ntitle: T {n}\ndate: 2026-05-{day:02d}\nseverity: sev4\npatterns: [{pid}]\n---\n\n## Summary\nIt again.\n",
        )
    rec = {r["pattern"]: r["fix"] for r in board(load_kb(root), dt.date(2026, 5, 15))["recurring"]["30"]}
    assert rec == {
        "disk-full": {
            "status": "open",
            "owner": "team-a",
            "due": "2026-04-30",
            "done": None,
            "overdue": True,
            "days_overdue": 15,
        },
        "pool-exhausted": {
            "status": "done",
            "owner": "team-b",
            "due": "2026-03-01",
            "done": "2026-03-01",
            "overdue": False,
            "days_overdue": 0,
        },
        "dns-failure": None,
    }
    text = CliRunner().invoke(cli, ["report", "--kb", str(root), "--as-of", "2026-05-15"]).output
    section = text.split("Most recurring patterns, last 30 days")[1].split("Most recurring")[0]
    assert "open, team-a, due 2026-04-30, OVERDUE 15d" in section
    assert "done 2026-03-01, did not hold" in section and "none recorded" in section
    md = CliRunner().invoke(cli, ["report", "--kb", str(root), "--as-of", "2026-05-15", "--format", "markdown"]).output
    assert "| count | pattern | last | fix | title |" in md


def test_the_last_month_of_the_trends_says_it_counts_only_the_days_so_far(kb_dir):
    """The site's chart says its last bar counts only the days so far; the report's last trend mark did
    not, and a month five days old read as the quietest of the year."""
    kb = load_kb(kb_dir)
    heading = next(ln for ln in render_text(board(kb, dt.date(2026, 5, 5))).splitlines() if "per month" in ln)
    assert "2026-05 counts May 1–5 only" in heading
    md = render_markdown(board(kb, dt.date(2026, 5, 31)))
    assert "(· = none that month)" in md and "counts May" not in md  # the month is over on its last day


def _inc(root, n: int, day: str, patterns: str) -> None:
    write(
        root,
        f"incidents/{day[:4]}/INC-{day[:4]}-{n:04d}.md",
        f"---\nid: INC-{day[:4]}-{n:04d}\ntitle: Incident {n}\ndate: {day}\nseverity: sev3\npatterns: [{patterns}]\n"
        "---\n\n## Summary\nSomething broke.\n",
    )


def test_the_trends_count_each_quarter_its_incidents_repeats_and_those_needing_analysis(tmp_path):
    """18 months of history showed as 12 monthly totals: no year-on-year look, nothing of whether the same
    failures keep coming back. Now the last 8 quarters: incidents, repeats of a pattern that had struck before
    (a retired pattern's incidents for the one that replaced it, as the recurring lists count them) and
    incidents that need analysis, the same in the JSON, the text, the Markdown and the site's trends page."""
    from recur.site.build import build_site

    kb = tmp_path / "kb"
    write_pattern(kb, "disk-full", "capacity", title="Disk full")
    write_pattern(
        kb, "old-disk", "capacity", title="Old disk", status="retired", extra_front="superseded_by: disk-full\n"
    )
    write_pattern(kb, "dns", "network", title="DNS fails")
    for n, (day, pid) in enumerate(
        [
            ("2024-11-02", "dns"),  # before the 8 quarters: dns's first, so its 2025 one is a repeat
            ("2025-02-10", "old-disk"),
            ("2025-02-20", "dns"),
            ("2025-08-01", "disk-full"),  # a repeat: old-disk's incident counts for disk-full
            ("2025-08-02", ""),
            ("2026-11-30", "disk-full"),
            ("2026-12-01", ""),
            ("2026-12-20", "disk-full"),  # after the as-of date: not counted
        ],
        start=1,
    ):
        _inc(kb, n, day, pid)
    out = CliRunner().invoke(cli, ["report", "--kb", str(kb), "--as-of", "2026-12-07", "--json"]).stdout
    quarters = json.loads(out)["trends"]["quarters"]
    assert [q["quarter"] for q in quarters] == [f"{y}-Q{q}" for y in (2025, 2026) for q in (1, 2, 3, 4)]
    got = {q["quarter"]: (q["incidents"], q["repeats"], q["needs_analysis"]) for q in quarters}
    assert got["2025-Q1"] == (2, 1, 0) and got["2025-Q3"] == (2, 1, 1) and got["2026-Q4"] == (2, 1, 1), got
    assert got["2025-Q2"] == got["2026-Q1"] == (0, 0, 0)
    text = CliRunner().invoke(cli, ["report", "--kb", str(kb), "--as-of", "2026-12-07", "--limit", "1"]).stdout
    section = text.split("Incidents per quarter")[1]
    assert "2025-Q1             2          1        0" in section and "2026-Q4 (to Dec 7)  2" in section, section
    md = CliRunner().invoke(cli, ["report", "--kb", str(kb), "--as-of", "2026-12-07", "--format", "markdown"]).stdout
    assert "| 2025-Q3 | 2 | 1 | 1 |" in md and "| 2026-Q4 (to Dec 7) | 2 | 1 | 1 |" in md
    site = tmp_path / "site"
    build_site(kb, site, browser_search=False, index_dir=tmp_path / "none", as_of=dt.date(2026, 12, 7))
    assert json.loads((site / "board/board.json").read_text())["trends"]["quarters"] == quarters
    page = (site / "board/trends.html").read_text()
    assert 'id="incidents-per-quarter"' in page and "<td>2026-Q4 (to Dec 7)</td><td>2</td><td>1</td><td>1</td>" in page


def test_a_quarter_is_said_as_so_far_only_while_it_runs(tmp_path):
    """On a quarter's last day the quarter is whole: `2026-Q1 (to Mar 31)` said a finished quarter was partial,
    where the monthly trend says a month is over on its last day. The day after, the new quarter is the partial
    one, its incident of Apr 1 in it and the one of Mar 31 in the quarter before; the site's trends page alike."""
    from recur.site.build import build_site

    kb = tmp_path / "kb"
    write_pattern(kb, "dns", "network", title="DNS fails")
    _inc(kb, 1, "2026-03-31", "dns")
    _inc(kb, 2, "2026-04-01", "dns")
    args = ["report", "--kb", str(kb), "--format", "markdown", "--as-of"]
    end = CliRunner().invoke(cli, [*args, "2026-03-31"]).stdout
    assert "| 2026-Q1 | 1 | 0 | 0 |" in end and "(to Mar 31)" not in end, end
    after = CliRunner().invoke(cli, [*args, "2026-04-01"]).stdout
    assert "| 2026-Q1 | 1 | 0 | 0 |" in after and "| 2026-Q2 (to Apr 1) | 1 | 1 | 0 |" in after, after
    site = tmp_path / "site"
    build_site(kb, site, browser_search=False, index_dir=tmp_path / "none", as_of=dt.date(2026, 3, 31))
    page = (site / "board/trends.html").read_text()
    assert "<td>2026-Q1</td><td>1</td><td>0</td><td>0</td>" in page and "(to Mar 31)" not in page


def test_months_sets_the_monthly_trend_s_span_and_is_checked(kb_dir):
    """Found in review: the monthly trend was a fixed 12 months; a year-on-year look or a quarter's wanted another
    span. `--months N` sets it, checked as --window is (a usage error, exit 2); the JSON keys are as before."""
    env = {"RECUR_TODAY": "2026-12-07"}
    args = ["report", "--kb", str(kb_dir), "--as-of", "2026-05-01"]
    res = CliRunner().invoke(cli, [*args, "--months", "24", "--format", "json"], env=env)
    assert res.exit_code == 0, res.output
    t = json.loads(res.output)["trends"]
    assert t["months"][0] == "2024-06" and t["months"][-1] == "2026-05" and len(t["total"]) == 24
    assert all(len(v) == 24 for v in [*t["by_category"].values(), *t["by_service"].values()])
    assert sum(t["total"]) == 2 and len(t["quarters"]) == 8  # the quarters stay two years
    res = CliRunner().invoke(cli, [*args, "--months", "3"], env=env)
    head = next(ln for ln in res.output.splitlines() if ln.startswith("Incidents per month"))
    assert head.startswith("Incidents per month 2026-03 … 2026-05 "), head
    row = next(ln for ln in res.output.splitlines() if ln.startswith("  (all)"))
    assert row.split()[2] == "2" and len(row.split()[1]) == 3, row  # March and April's incidents, three marks
    res = CliRunner().invoke(cli, [*args, "--months", "1"], env=env)
    head = next(ln for ln in res.output.splitlines() if ln.startswith("Incidents per month"))
    assert head.startswith("Incidents per month 2026-05 (· = none that month; 2026-05 counts May 1 only"), head
    default = CliRunner().invoke(cli, [*args, "--format", "json"], env=env)
    assert len(json.loads(default.output)["trends"]["months"]) == 12
    for bad in ("0", "121", "a-year"):
        res = CliRunner().invoke(cli, [*args, "--months", bad], env=env)
        assert res.exit_code == 2 and "Invalid value for '--months'" in res.output, res.output
