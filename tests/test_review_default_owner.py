"""A pending review that records no owner names its pattern's owner, marked as such: found in review, the board said
"(unowned)" (MCP "none") of every such review while the pattern the incident counts for names the team that owns it.
The JSON's ``owner`` stays the review's own (null), ``default_owner`` and ``default_owner_pattern`` are added, and By
owner still counts the review by its record (``(unowned)``); ``--owner`` lists it for the pattern's owner too."""

from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner
from kbfactory import small_kb, write, write_pattern

from recur.cli.main import cli
from recur.kb.loader import load_kb
from recur.problems.board import report_board
from recur.serve.mcp_board import board_answer
from recur.site import pages

TODAY = dt.date(2026, 12, 7)
ENV = {"RECUR_TODAY": TODAY.isoformat()}


def _kb(tmp_path):
    """Reviews of: a team-db pattern (0021), a renamed one's old id (0022, new-pool's team), one with its own owner
    (0023), two patterns of two teams (0024), a pattern with no owner (0025)."""
    kb_dir = small_kb(tmp_path / "kb")
    write_pattern(kb_dir, "pool", extra_front="owner: team-db")
    write_pattern(kb_dir, "old-pool", status="retired", extra_front="superseded_by: new-pool")
    write_pattern(kb_dir, "new-pool", extra_front="owner: team-pool")
    write_pattern(kb_dir, "cache", extra_front="owner: team-web")
    for n, pids, owner in [(21, "pool", ""), (22, "old-pool", ""), (23, "pool", ", owner: alice"),
                           (24, "pool, cache", ""), (25, "disk-full", "")]:  # fmt: skip
        write(kb_dir, f"incidents/2026/INC-2026-{n:04d}.md",
              f"---\nid: INC-2026-{n:04d}\ntitle: Outage {n}\ndate: 2026-11-{n}\nseverity: sev2\npatterns: [{pids}]\n"
              f"review: {{level: full, status: pending, due: 2026-12-01{owner}}}\n---\n\n## Summary\nIt happened.\n")  # fmt: skip
    return kb_dir


def test_a_review_with_no_owner_names_its_pattern_s_owner_marked_so(tmp_path):
    kb_dir = _kb(tmp_path)
    kb = load_kb(kb_dir)
    b = report_board(kb, TODAY, today=TODAY)
    got = {r["incident"]: (r["owner"], r["default_owner"], r["default_owner_pattern"]) for r in b["reviews"]}
    assert got["INC-2026-0021"] == (None, "team-db", "pool")
    assert got["INC-2026-0022"] == (None, "team-pool", "new-pool")  # the pattern that replaced the id it names
    assert got["INC-2026-0023"] == ("alice", None, None)  # its own owner: no default
    assert got["INC-2026-0024"] == (None, None, None)  # two teams: no one is picked
    assert got["INC-2026-0025"] == (None, None, None)  # the pattern names no owner
    no_one = sum(1 for r in b["reviews"] if r["owner"] is None)  # small_kb's two with these four
    assert no_one == 6 and b["by_owner"]["(unowned)"]["reviews"] == no_one and "team-db" not in b["by_owner"]

    res = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir)], env=ENV)
    row = next(ln for ln in res.output.splitlines() if ln.startswith("  INC-2026-0021"))
    assert row.split()[1:5] == ["team-db", "(from", "the", "pattern)"], row
    assert "(from the pattern): the review records no owner, its pattern's owner is shown" in res.output
    assert "INC-2026-0024  (unowned)" in res.output
    res = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir), "--format", "json"], env=ENV)
    [r21] = [r for r in json.loads(res.output)["reviews"] if r["incident"] == "INC-2026-0021"]
    assert r21["owner"] is None and r21["default_owner"] == "team-db"

    _, text = board_answer(b, owner=None, limit=None, paged=lambda rows: rows)
    assert "- INC-2026-0021: Outage 21 (sev2, full review due 2026-12-01, owner team-db (from the pattern), " in text
    assert "(sev2, full review due 2026-12-01, owner none, " in text  # 0024 and 0025
    page = pages(kb, as_of=TODAY, board=b)["board/index.md"]
    reviews = page.split("## Reviews pending")[1].split("\n## ")[0]
    assert "team-db (from the pattern)" in reviews and "the review records no owner, its pattern" in reviews, reviews


def test_the_overdue_gate_names_a_review_s_owner_from_its_pattern_as_the_table_does(tmp_path):
    """`--fail-on overdue` named a follow-up's owner but said nothing of a review the table shows as team-db's."""
    kb_dir = _kb(tmp_path)
    res = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir), "--fail-on", "overdue"], env=ENV)
    assert res.exit_code == 1, res.output
    lines = {ln.split()[2]: ln.strip() for ln in res.output.splitlines() if ln.strip().startswith("review of ")}
    assert lines["INC-2026-0021"] == "review of INC-2026-0021 (team-db, from the pattern) overdue by 6 days"
    assert lines["INC-2026-0023"] == "review of INC-2026-0023 (alice) overdue by 6 days"
    assert lines["INC-2026-0024"] == "review of INC-2026-0024 overdue by 6 days"  # two teams: no one is picked


def test_owner_lists_the_reviews_its_patterns_owner_answers_for(tmp_path, monkeypatch):
    """`recur report --owner team-db` counted INC-2026-0021's review, shown "team-db (from the pattern)" on the
    whole board, as unowned and left it out, so a team's own board and its `--fail-on overdue` gate said nothing of
    an overdue review the board told it to chase (found in review). It is listed for team-db now, on the CLI, in GET
    /api/report's board (problems.query.report_json) and MCP's problem_report alike (one rule, problems.owner), and
    ``filtered.reviews_from_pattern`` counts it; By owner still counts it as ``(unowned)``'s, as its record has it,
    and ``--owner '(unowned)'`` still lists it (no one holds it)."""
    from recur.problems.query import report_json

    monkeypatch.setenv("RECUR_TODAY", TODAY.isoformat())  # the clock's day of report_json's board, as the CLI's
    kb_dir = _kb(tmp_path)

    def narrowed(owner: str) -> dict:
        res = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir), "--json", "--owner", owner], env=ENV)
        assert res.exit_code == 0, res.output
        return json.loads(res.stdout)

    db = narrowed("team-db")
    assert [r["incident"] for r in db["reviews"]] == ["INC-2026-0021"]  # not 0023 (alice's) nor 0024 (two teams)
    assert db["counts"]["reviews_pending"] == db["counts"]["reviews_overdue"] == 1
    assert db["filtered"]["reviews_from_pattern"] == 1 and db["filtered"]["spellings"] == ["team-db"]
    assert "team-db" not in db["by_owner"]  # By owner: the record's owner, none
    pool = narrowed("@Team-Pool")  # a retired id's successor's owner, however spelt
    assert [r["incident"] for r in pool["reviews"]] == ["INC-2026-0022"]
    nobody = narrowed("(unowned)")
    assert "INC-2026-0021" in [r["incident"] for r in nobody["reviews"]]
    assert nobody["filtered"]["reviews_from_pattern"] == 0
    alice = narrowed("alice")
    assert [r["incident"] for r in alice["reviews"]] == ["INC-2026-0023"] and alice["filtered"][
        "reviews_from_pattern"
    ] == 0

    api = report_json(load_kb(kb_dir), TODAY, owner="team-db")  # GET /api/report's board
    assert api["reviews"] == db["reviews"] and api["filtered"] == db["filtered"]
    b = report_board(load_kb(kb_dir), TODAY, owner="team-db", today=TODAY)
    mcp, text = board_answer(b, owner="team-db", limit=None, paged=lambda rows: rows)
    assert [r["incident"] for r in mcp["reviews"]] == ["INC-2026-0021"], text
    assert "- INC-2026-0021: Outage 21 (sev2, full review due 2026-12-01, owner team-db (from the pattern), " in text
    assert "reviews (their review.owner, else their pattern's owner)" in text

    gate = CliRunner().invoke(
        cli, ["report", "--kb", str(kb_dir), "--owner", "team-db", "--fail-on", "overdue"], env=ENV
    )
    assert (
        gate.exit_code == 1 and "review of INC-2026-0021 (team-db, from the pattern) overdue by 6 days" in gate.output
    )


def test_a_name_that_owns_nothing_is_told_the_owners_its_patterns_reviews_are_listed_for(tmp_path):
    """`--owner team-dbb` (a slip) was told "its owners: alice, (unowned)", with "did you mean team-db?" beside it:
    team-db, for whom `--owner` lists INC-2026-0021's review (its pattern's owner), was not among the board's
    owners, which were By owner's, where that review is ``(unowned)``'s (found in a re-read). `recur report` and MCP's
    problem_report (one rule, problems.owner) name it, and team-pool (a retired id's successor's owner)."""
    kb_dir = _kb(tmp_path)
    res = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir), "--json", "--owner", "team-dbb"], env=ENV)
    assert res.exit_code == 0, res.output
    said = "'team-dbb' owns nothing on this board (did you mean team-db?); its owners: alice, team-db, team-pool, (unowned)"
    assert res.stderr.strip() == f"warning: {said}"
    b = report_board(load_kb(kb_dir), TODAY, owner="team-dbb", today=TODAY)
    _, text = board_answer(b, owner="team-dbb", limit=None, paged=lambda rows: rows)
    assert f"{said}." in text.splitlines(), text


def test_the_from_the_pattern_note_says_what_owner_lists_as_it_lists_it(tmp_path):
    """The note under the reviews table said "(By owner and --owner count it as (unowned))" under the very row
    `--owner team-db` lists (found in a re-read): it says now that By owner counts it as (unowned)'s and --owner
    lists it for both, in the terminal's report, the Markdown and the site's board page alike."""
    kb_dir = _kb(tmp_path)
    for args in (["--owner", "team-db"], ["--owner", "(unowned)"], ["--format", "markdown"], []):
        res = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir), *args], env=ENV)
        assert "INC-2026-0021" in res.output and "(from the pattern)" in res.output, res.output
        assert "--owner count it as" not in res.output, args
        assert "(By owner counts it as (unowned); --owner lists it for both)" in res.output, args
    page = pages(load_kb(kb_dir), as_of=TODAY, board=report_board(load_kb(kb_dir), TODAY, today=TODAY))
    assert "--owner lists it for both" in page["board/index.md"]
