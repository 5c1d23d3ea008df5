"""A pattern's "seen before" counts the incidents of the retired patterns it replaced (``superseded_by``, chains
followed), said as theirs. Found ageing a KB two years: db-pool-exhausted, renamed from db-connection-pool-exhausted
(kept as a retired stub), said 10 incidents on every surface, the 5 linked to its old id missed."""

from __future__ import annotations

import datetime as dt
import json

from kbfactory import write, write_pattern

from recur.kb.loader import load_kb

DAY = dt.date(2026, 6, 1)
SAID = "4 incidents, 1 of them under mid-retired and 2 under old-retired, which it replaced"
UNDER = "1 of them under mid-retired and 2 under old-retired, which it replaced"  # after a bracketed count


def unnested(text: str) -> bool:
    """No bracket opened inside another: "Seen before (15 incidents (5 under …), newest first)" read badly."""
    depth = 0
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if depth > 1:
            return False
    return True


def incident(kb_dir, iid: str, day: dt.date, patterns: str) -> None:
    write(
        kb_dir,
        f"incidents/{day.year}/{iid}.md",
        f"---\nid: {iid}\ntitle: Incident {iid}\ndate: {day.isoformat()}\nseverity: sev3\n"
        f"patterns: [{patterns}]\n---\n\n## Summary\nIt happened.\n",
    )


def chain_kb(kb_dir):
    """old-retired -> mid-retired -> dns-failure: two incidents under old-retired, one under mid-retired, one
    under dns-failure, and one naming both old-retired and dns-failure (its own: counted once)."""
    old = kb_dir / "patterns/deploys/old-retired.md"
    old.write_text(old.read_text().replace("status: retired", "status: retired\nsuperseded_by: mid-retired"))
    write_pattern(kb_dir, "mid-retired", "deploys", status="retired", extra_front="superseded_by: dns-failure")
    incident(kb_dir, "INC-2025-0001", dt.date(2025, 1, 5), "old-retired")
    incident(kb_dir, "INC-2025-0002", dt.date(2025, 2, 5), "old-retired")
    incident(kb_dir, "INC-2025-0003", dt.date(2025, 3, 5), "mid-retired")
    incident(kb_dir, "INC-2025-0004", dt.date(2025, 4, 5), "old-retired, dns-failure")
    return kb_dir


def test_show_and_suggest_count_the_incidents_of_the_patterns_it_replaced(kb_dir, run, monkeypatch):
    chain_kb(kb_dir)
    monkeypatch.setenv("RECUR_TODAY", DAY.isoformat())
    assert run("index").exit_code == 0
    shown = run("show", "dns-failure")
    heading = f"Seen before (4 incidents, newest first), {UNDER}:"
    assert heading in shown.stdout, shown.stdout
    assert all(unnested(ln) for ln in shown.stdout.splitlines() if "which it replaced" in ln), shown.stdout
    assert "INC-2025-0001: Incident INC-2025-0001 (under old-retired)" in shown.stdout
    assert "INC-2025-0004: Incident INC-2025-0004\n" in shown.stdout  # its own: no mark
    doc = json.loads(run("show", "dns-failure", "--json").stdout)  # oldest first, as before
    assert [(i["id"], i.get("under")) for i in doc["incidents"]] == [
        ("INC-2025-0001", "old-retired"),
        ("INC-2025-0002", "old-retired"),
        ("INC-2025-0003", "mid-retired"),
        ("INC-2025-0004", None),
    ]
    text = "every service fails to resolve hostnames, SERVFAIL from resolvers"
    res = json.loads(run("suggest", "--json", "--top", "1", text).stdout)["results"][0]
    assert res["id"] == "dns-failure" and res["incidents"] == 4, res
    assert res["incidents_inherited"] == {"mid-retired": 1, "old-retired": 2}
    out = run("suggest", "--top", "1", text).stdout
    assert f"seen before: {SAID}" in out, out
    # a pattern that replaced none: as before, no new words, an empty table in JSON
    res = json.loads(run("suggest", "--json", "--top", "1", "No space left on device").stdout)["results"][0]
    assert res["id"] == "disk-full" and res["incidents_inherited"] == {}


def test_a_split_counts_the_retired_pattern_s_incidents_for_each_successor(kb_dir):
    """One retired pattern split in two (superseded_by a list): which half each incident was is not recorded, so
    each successor counts them, said as the retired pattern's."""
    old = kb_dir / "patterns/deploys/old-retired.md"
    old.write_text(
        old.read_text().replace("status: retired", "status: retired\nsuperseded_by: [dns-failure, disk-full]")
    )
    incident(kb_dir, "INC-2025-0001", dt.date(2025, 1, 5), "old-retired")
    kb = load_kb(kb_dir)
    for pid in ("dns-failure", "disk-full"):
        assert [(i.id, old) for i, old in kb.inherited_incidents(pid)] == [("INC-2025-0001", "old-retired")]
    assert kb.inherited_incidents("db-pool-exhausted") == []


def test_mcp_past_incidents_and_the_site_count_them_too(kb_dir):
    from recur.problems.board import board
    from recur.retrieval.patterns import incidents_of
    from recur.serve.mcp_text import pattern_text
    from recur.site import pages

    kb = load_kb(chain_kb(kb_dir))
    listed = incidents_of(kb, ["dns-failure"], as_of=DAY)
    assert [(i["id"], i.get("under")) for i in listed] == [
        ("INC-2025-0004", None),
        ("INC-2025-0003", "mid-retired"),
        ("INC-2025-0002", "old-retired"),
        ("INC-2025-0001", "old-retired"),
    ]
    from recur.retrieval.index import pattern_doc

    text = pattern_text(pattern_doc(kb.patterns["dns-failure"], kb))
    assert f"Linked incidents (4, newest first), {UNDER}:" in text and "INC-2025-0003 (under mid-retired)" in text, text
    assert all(unnested(ln) for ln in text.splitlines() if "which it replaced" in ln), text
    site = pages(kb, as_of=DAY, board=board(kb, DAY))
    page = site[kb.patterns["dns-failure"].relpath]
    assert f"{SAID}; last on 2025-04-05" in page and "## Incidents (4)" in page, page
    assert "(under old-retired, which it replaced)" in page
    index_row = next(line for line in site["patterns/index.md"].splitlines() if "DNS resolution failure" in line)
    assert "<td>4</td>" in index_row or "| 4 |" in index_row, index_row


def test_the_site_lists_one_day_s_incidents_in_id_order_as_everywhere(kb_dir):
    """Found in a last read: the site's ``seen`` sorted a pattern's incidents by date alone, its own first, while
    ``by_pattern``, the incident list and MCP order one day's by id: an own and an inherited incident on one day,
    the inherited one with the lower id, were listed in the pattern page's table lower id first (newest first is
    the higher id first on one day)."""
    from recur.problems.board import board
    from recur.retrieval.patterns import incidents_of
    from recur.site import pages
    from recur.site.context import Site

    chain_kb(kb_dir)
    incident(kb_dir, "INC-2025-0005", dt.date(2025, 5, 5), "old-retired")
    incident(kb_dir, "INC-2025-0006", dt.date(2025, 5, 5), "dns-failure")
    kb = load_kb(kb_dir)
    b = board(kb, DAY)
    seen, under = Site(kb, DAY, b).seen("dns-failure")
    assert [i.id for i in seen] == ["INC-2025-0001", "INC-2025-0002", "INC-2025-0003", "INC-2025-0004",
                                    "INC-2025-0005", "INC-2025-0006"]  # fmt: skip
    newest = [i["id"] for i in incidents_of(kb, ["dns-failure"], as_of=DAY)]
    assert newest == [i.id for i in reversed(seen)], newest
    page = pages(kb, as_of=DAY, board=b)[kb.patterns["dns-failure"].relpath]
    table = page.split("## Incidents (6)", 1)[1]
    assert [table.index(iid) for iid in newest] == sorted(table.index(iid) for iid in newest), table
