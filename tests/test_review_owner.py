"""A review's owner (Recur's ``review.owner``): found in a problem manager's review, the board's overdue reviews
named no one to chase, the reviews table had no owner column and `recur report --owner` left every review out.
The KB format has no review owner nor an incident commander key; Recur adds ``review: {owner: …}``, which
`recur check` validates, the board lists (text, Markdown, JSON, the site), ``--owner`` narrows by, `recur
incident new --review-owner` writes and `recur import` fills from the postmortem's people."""

import json

import pytest
from click.testing import CliRunner
from kbfactory import write

from recur.cli.main import cli
from recur.kb.loader import load_kb


def run(*args):
    return CliRunner().invoke(cli, list(args))


def _incident(kb, iid, review, date="2026-11-02"):
    write(
        kb,
        f"incidents/2026/{iid}.md",
        f"---\nid: {iid}\ntitle: Incident {iid}\ndate: {date}\nseverity: sev2\npatterns: [disk-full]\n"
        f"review: {review}\n---\n\n## Summary\nSomething happened.\n",
    )


def test_a_reviews_owner_is_listed_and_narrowed_by(kb_dir):
    _incident(kb_dir, "INC-2026-0300", "{level: full, status: pending, due: 2026-11-10, owner: alice}")
    _incident(kb_dir, "INC-2026-0301", "{level: full, status: pending, due: 2026-11-12}")
    args = ("report", "--kb", str(kb_dir), "--as-of", "2026-12-01")
    check = run("check", "--kb", str(kb_dir), "--strict", "--today", "2026-12-01")
    assert "review.owner" not in check.output, check.output  # a key Recur knows
    assert load_kb(kb_dir).incidents["INC-2026-0300"].review.owner == "alice"
    b = json.loads(run(*args, "--json").output)
    owners = {r["incident"]: r["owner"] for r in b["reviews"]}
    assert owners["INC-2026-0300"] == "alice" and owners["INC-2026-0301"] is None, owners
    text = run(*args).output
    lines = text.splitlines()
    head = lines.index(next(x for x in lines if x.startswith("Reviews pending")))
    assert lines[head + 1].split()[:3] == ["incident", "owner", "severity"], lines[head + 1]
    assert any(x.split()[:2] == ["INC-2026-0300", "alice"] for x in lines[head:]), text
    assert any(x.split()[:2] == ["INC-2026-0301", "(unowned)"] for x in lines[head:]), text
    assert "| INC-2026-0300 | alice | sev2 |" in run(*args, "--format", "markdown").output
    # --owner: alice's review is hers, listed and counted; the unowned one is (unowned)'s
    mine = json.loads(run(*args, "--json", "--owner", "@Alice").output)
    assert [r["incident"] for r in mine["reviews"]] == ["INC-2026-0300"], mine["reviews"]
    assert mine["counts"]["reviews_overdue"] == 1 and "reviews" not in mine["filtered"]["left_out"]
    nobody = json.loads(run(*args, "--json", "--owner", "(unowned)").output)
    assert "INC-2026-0301" in [r["incident"] for r in nobody["reviews"]]
    assert "INC-2026-0300" not in [r["incident"] for r in nobody["reviews"]]
    # a gate for alice fails on her overdue review, naming her
    gate = run(*args, "--owner", "alice", "--fail-on", "overdue")
    assert gate.exit_code == 1 and "review of INC-2026-0300 (alice) overdue by 21 days" in gate.output, gate.output
    # recur incident review shows it
    shown = run("incident", "review", "--kb", str(kb_dir), "INC-2026-0300")
    assert "full review, pending, due 2026-11-10, owner alice" in shown.output, shown.output


def test_a_review_owner_that_is_no_name_is_a_check_error(kb_dir):
    _incident(kb_dir, "INC-2026-0300", "{level: full, status: pending, owner: [alice, bob]}")
    r = run("check", "--kb", str(kb_dir))
    assert r.exit_code == 1 and "INC-2026-0300.md:7: review.owner" in r.output, r.output


def test_the_site_boards_reviews_table_has_the_owner(kb_dir, tmp_path):
    _incident(kb_dir, "INC-2026-0300", "{level: full, status: pending, due: 2026-11-10, owner: alice}")
    out = tmp_path / "site"
    args = ["site", "--kb", str(kb_dir), "--out", str(out), "--as-of", "2026-12-01", "-q", "--no-browser-search"]
    assert run(*args, "--index", str(tmp_path / "no-index")).exit_code == 0
    page = (out / "board" / "index.html").read_text(encoding="utf-8")
    reviews = page[page.index('id="reviews"') :]
    reviews = reviews[: reviews.index("</table>")]
    assert "<th>owner</th>" in reviews and '<td data-label="owner">alice</td>' in reviews, reviews


def test_incident_new_review_owner_writes_it(kb_dir):
    r = run("incident", "new", "--kb", str(kb_dir), "-t", "Disk full on db-1", "-s", "sev2", "-d", "no space left",
            "--date", "2026-11-20", "--no-suggest", "--review-owner", " @alice ", "--json")  # fmt: skip
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["review"]["owner"] == "@alice", out["review"]
    text = (kb_dir / load_kb(kb_dir).incidents[out["id"]].relpath).read_text()
    assert 'review: {level: full, status: pending, due: 2026-11-30, owner: "@alice"}' in text, text
    assert load_kb(kb_dir).incidents[out["id"]].review.owner == "@alice"
    assert run("check", "--kb", str(kb_dir), "--strict", "--today", "2026-11-20").exit_code == 0


POSTMORTEM = """\
# {title}

**Date:** 2026-11-20
**Severity:** SEV-2
**Author:** Dana Wu
{people}
## Summary
Checkout was slow for an hour after the deploy.
"""


def _imported_owner(kb_dir, tmp_path, people: str, name: str):
    path = tmp_path / f"{name}.md"
    title = {"a": "Checkout slow after the deploy", "b": "Search index stale", "c": "Login errors at noon"}[name]
    path.write_text(POSTMORTEM.format(people=people, title=title))
    args = ["import", "--kb", str(kb_dir), "--index", str(tmp_path / "idx"), "--model", "fake:64", "--json"]
    r = run(*args, "--no-draft", str(path))
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["title"] == title, out
    return out["review"]["owner"], load_kb(kb_dir).incidents[out["incident"]].review.owner


def test_import_fills_the_review_owner_from_the_postmortems_people(kb_dir, tmp_path):
    both = "**Incident commander:** Aylin Demir\n**Postmortem owner:** Ana Ruiz, Lee Park\n"
    assert _imported_owner(kb_dir, tmp_path, both, "a") == ("Ana Ruiz", "Ana Ruiz")  # the postmortem's owner first
    lead = "**Incident commander:** Aylin Demir\n"
    assert _imported_owner(kb_dir, tmp_path, lead, "b") == ("Aylin Demir", "Aylin Demir")  # else who led it
    assert _imported_owner(kb_dir, tmp_path, "", "c") == ("Dana Wu", "Dana Wu")  # else who wrote it
    assert run("check", "--kb", str(kb_dir), "--strict", "--today", "2026-12-01").exit_code == 0


@pytest.mark.parametrize(
    "people, owner",
    [
        ("**Owner:** TBD.\n**Incident commander:** Ana Ruiz\n", "Ana Ruiz"),
        ("**Owner:** (unassigned)\n**Incident commander:** Ana Ruiz\n", "Ana Ruiz"),
        ("**Owner:** Unowned\n", "Dana Wu"),
        ("**Owner:** None\n", "Dana Wu"),
        ("**Owner:** Ana Ruiz (she/her)\n", "Ana Ruiz"),
        ("**Owner:** TBD, Lee Park\n", "Lee Park"),
        ("**Owner:** @ana.ruiz, Lee Park\n", "ana.ruiz"),
        # a placeholder with words in a bracket, a trailing dot, in brackets, spaced, or said in words (a
        # re-read found each recorded: 'TBD', 'n', '(none)', 'N', 'Unknown', 'Not assigned')
        ("**Owner:** TBD (will assign)\n**Incident commander:** Ana Ruiz\n", "Ana Ruiz"),
        ("**Owner:** n/a.\n", "Dana Wu"),
        ("**Owner:** (none)\n", "Dana Wu"),
        ("**Owner:** N / A\n", "Dana Wu"),
        ("**Owner:** Unknown\n", "Dana Wu"),
        ("**Owner:** Not assigned\n", "Dana Wu"),
        ("**Owner:** (none), Lee Park\n", "Lee Park"),
    ],
)
def test_import_reads_the_review_owner_as_follow_up_owners_are_read(kb_dir, tmp_path, people, owner):
    """Found in review: the review owner had a parser of its own, weaker than the follow-ups': "Owner: TBD."
    was owner 'TBD.', "(unassigned)" and "Unowned" were recorded as owners, and "Ana Ruiz (she/her)" was
    'Ana Ruiz (she' (split at the pronouns' slash). A placeholder or "no owner" is no one (the next people
    field is read), a role or pronouns in brackets go, a mention's @ too, as a follow-up's owner is recorded."""
    assert _imported_owner(kb_dir, tmp_path, people, "a") == (owner, owner)


def test_by_owner_counts_the_reviews_each_holds_on_every_surface(fresh_kb, tmp_path):
    """Found in review: review.owner was half wired. `recur report --owner dana-review` listed her review and
    By owner said "(none)" (only follow-ups and fixes were counted there and on the site's board); "its owners"
    left out a name holding only a review; MCP's owner text said "Only what X owns: follow-ups, permanent
    fixes, …" without the reviews it listed, and gave no did-you-mean for an owner with nothing open today."""
    import datetime as dt
    import re

    from test_mcp_review import calls

    from recur.problems.board import board
    from recur.retrieval.engine import Engine
    from recur.serve.mcp_server import build_server
    from recur.site import pages

    kb = fresh_kb
    _incident(kb, "INC-2026-0300", "{level: full, status: pending, due: 2026-11-10, owner: dana-review}")
    _incident(kb, "INC-2026-0301", "{level: full, status: done}")
    path = kb / "incidents/2026/INC-2026-0301.md"  # an owner with nothing open: a done follow-up's
    path.write_text(path.read_text().replace("\nreview:", "\nfollow_ups:\n  - {title: Done, owner: erin-ops, "
                                             "status: done}\nreview:", 1))  # fmt: skip
    args = ("report", "--kb", str(kb), "--as-of", "2026-12-01")
    counts = {"follow_ups": 0, "follow_ups_overdue": 0, "fixes": 0, "fixes_overdue": 0}
    assert json.loads(run(*args, "--json").output)["by_owner"] == {
        "dana-review": {**counts, "reviews": 1, "reviews_overdue": 1}
    }
    text = run(*args, "--owner", "dana-review").output
    by_owner = text[text.index("By owner") :].splitlines()
    assert by_owner[1].split() == ["owner", "fixes", "open", "fixes", "overdue", "follow-ups", "open", "follow-ups",
                                   "overdue", "reviews", "pending", "reviews", "overdue"], text  # fmt: skip
    assert by_owner[2].split() == ["dana-review", "0", "0", "0", "0", "1", "1"], text
    assert "| dana-review | 0 | 0 | 0 | 0 | 1 | 1 |" in run(*args, "--format", "markdown").output
    typo = run(*args, "--owner", "dana-revew")
    assert "(did you mean dana-review?); its owners: dana-review" in typo.stderr, typo.stderr
    day = dt.date(2026, 12, 1)
    site = pages(load_kb(kb), as_of=day, board=board(load_kb(kb), day))["board/index.md"]
    table = site.split("## Open fixes, follow-ups and reviews by owner")[1].split("## ")[0]
    rows = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in table.split("<tr")[1:]]
    assert rows[1] == ["dana-review", "0", "0", "0", "0", "1", "1"]
    assert rows[0][-2:] == ["reviews pending", "reviews overdue"]
    engine = Engine.open(kb, tmp_path / "i", model="fake:64", quiet=True)
    hers, erin = calls(
        build_server(lambda: engine, stale_files=list),
        ("problem_report", {"owner": "dana-review", "as_of": "2026-12-01"}),
        ("problem_report", {"owner": "erin-opps", "as_of": "2026-12-01"}),
    )
    only = next(x for x in hers[2].splitlines() if x.startswith("Only what "))
    assert only == next(x for x in text.splitlines() if x.startswith("Only what ")), hers[2]
    assert "reviews (their review.owner, else their pattern's owner)" in only
    assert "'erin-opps' owns nothing on this board (did you mean erin-ops?); its owners: dana-review." in erin[2]


def test_by_owner_under_limit_puts_an_owner_with_an_overdue_review_first(fresh_kb):
    """`--limit` sorts By owner most overdue first: on the counts, reviews with them (the sort parsed the
    rendered cells, fixes and follow-ups only), so the owner of an overdue review is not cut for one with
    more open follow-ups due next year."""
    _incident(fresh_kb, "INC-2026-0300", "{level: full, status: pending, due: 2026-11-10, owner: dana-review}")
    items = "".join(f"  - {{title: Item {n}, owner: ann, due: 2027-02-01}}\n" for n in range(3))
    _incident(fresh_kb, "INC-2026-0301", "{level: full, status: done}")
    path = fresh_kb / "incidents/2026/INC-2026-0301.md"
    path.write_text(path.read_text().replace("\nreview:", "\nfollow_ups:\n" + items + "review:", 1))
    args = ("report", "--kb", str(fresh_kb), "--as-of", "2026-12-01")
    whole = run(*args).output
    assert [x.split()[0] for x in whole[whole.index("By owner") :].splitlines()[2:4]] == ["ann", "dana-review"]
    cut = run(*args, "--limit", "1").output
    by_owner = cut[cut.index("By owner") :].splitlines()
    assert by_owner[2].split() == ["dana-review", "0", "0", "0", "0", "1", "1"], cut


# `recur incident review ID --owner NAME`: the owner of an existing incident's review set, changed or taken out
# (`--owner -`) from the command line; before, only `incident new --review-owner` and `recur import` wrote one,
# and changing it meant editing YAML.

SET_FLOW = """---
id: INC-2026-0301
title: DNS outage
date: 2026-11-02
severity: sev1
review: {level: full, status: pending, due: 2026-11-07}  # set on the call
---

## Summary
DNS failed.
"""

SET_BLOCK = """---
id: INC-2026-0302
title: Cart times out
date: 2026-11-03
severity: sev2
review:
  level: full
  status: pending
  owner: team-db   # volunteered
---

## Summary
Carts timed out.
"""


def _record(kb, iid, text):
    return write(kb, f"incidents/2026/{iid}.md", text)


def _owner_of(kb, iid):
    return load_kb(kb).incidents[iid].review.owner


def test_owner_is_set_on_a_review_that_had_none_and_the_layout_kept(kb_dir):
    path = _record(kb_dir, "INC-2026-0301", SET_FLOW)
    r = run("incident", "review", "--kb", str(kb_dir), "INC-2026-0301", "--owner", "alice")
    assert r.exit_code == 0, r.output
    assert "review owner now alice" in r.output and "(was" not in r.output
    assert _owner_of(kb_dir, "INC-2026-0301") == "alice"
    text = path.read_text()
    assert 'owner: "alice"' in text and "# set on the call" in text and "due: 2026-11-07" in text


def test_owner_changed_says_what_it_replaced_and_the_same_value_says_unchanged(kb_dir):
    path = _record(kb_dir, "INC-2026-0302", SET_BLOCK)
    r = run("incident", "review", "--kb", str(kb_dir), "INC-2026-0302", "--owner", "bob")
    assert r.exit_code == 0, r.output
    assert "review owner now bob (was team-db)" in r.output
    assert _owner_of(kb_dir, "INC-2026-0302") == "bob"
    assert "# volunteered" in path.read_text()
    before = path.read_text()
    r = run("incident", "review", "--kb", str(kb_dir), "INC-2026-0302", "--owner", "bob")
    assert r.exit_code == 0 and "review owner already bob" in r.output
    assert path.read_text() == before  # nothing written


def test_dash_takes_the_owner_out_and_empty_is_a_usage_error(kb_dir):
    path = _record(kb_dir, "INC-2026-0302", SET_BLOCK)
    r = run("incident", "review", "--kb", str(kb_dir), "INC-2026-0302", "--owner", "")
    assert r.exit_code == 2 and "--owner" in r.output  # "$OWNER" unset in a script takes nothing out
    assert path.read_text() == SET_BLOCK
    r = run("incident", "review", "--kb", str(kb_dir), "INC-2026-0302", "--owner", "-")
    assert r.exit_code == 0, r.output
    assert "review owner taken out (was team-db)" in r.output
    assert _owner_of(kb_dir, "INC-2026-0302") is None
    assert "owner" not in path.read_text() and "status: pending" in path.read_text()
    r = run("incident", "review", "--kb", str(kb_dir), "INC-2026-0302", "--owner", "-")
    assert r.exit_code == 0 and "no review owner already" in r.output


def test_owner_goes_with_done_and_shows_on_the_board(kb_dir):
    _record(kb_dir, "INC-2026-0301", SET_FLOW)
    r = run("incident", "review", "--kb", str(kb_dir), "INC-2026-0301", "--done", "--owner", "carol")
    assert r.exit_code == 0, r.output
    assert "review owner now carol" in r.output
    review = load_kb(kb_dir).incidents["INC-2026-0301"].review
    assert (review.status, review.owner) == ("done", "carol")
    shown = run("incident", "review", "--kb", str(kb_dir), "INC-2026-0301")
    assert "owner carol" in shown.output


def test_a_review_that_is_no_mapping_is_named_and_nothing_written(kb_dir):
    text = SET_FLOW.replace(
        "review: {level: full, status: pending, due: 2026-11-07}  # set on the call", "review: full"
    )
    path = _record(kb_dir, "INC-2026-0301", text)
    r = run("incident", "review", "--kb", str(kb_dir), "INC-2026-0301", "--owner", "alice")
    assert r.exit_code == 1 and "review" in r.output and "Traceback" not in r.output
    assert path.read_text() == text


def _import(kb_dir, tmp_path, path, people: str):
    path.write_text(POSTMORTEM.format(people=people, title="Checkout slow after the deploy"))
    args = ["import", "--kb", str(kb_dir), "--index", str(tmp_path / "idx"), "--model", "fake:64", "--json"]
    r = run(*args, "--no-draft", str(path))
    return r.exit_code, json.loads(r.stdout)


def test_a_reimport_names_a_changed_review_owner_among_the_changes(kb_dir, tmp_path):
    """Found in review: a re-import compared the title, date, severity, review status and days, sections and
    follow-ups, not review.owner: the postmortem handed to another owner was "holds what it says"."""
    path = tmp_path / "pm.md"
    code, first = _import(kb_dir, tmp_path, path, "**Postmortem owner:** Ana Ruiz\n")
    assert code == 0 and first["review"]["owner"] == "Ana Ruiz", first
    code, again = _import(kb_dir, tmp_path, path, "**Postmortem owner:** Bob Lee\n")
    note = " ".join(again["notes"])
    assert code == 3 and f"it now differs from {first['incident']} in: review owner (Bob Lee); People section" in note
    assert _owner_of(kb_dir, first["incident"]) == "Ana Ruiz"  # nothing written


def test_an_unchanged_reimport_names_the_owner_a_review_recorded_without_one_lacks(kb_dir, tmp_path):
    """Reviews recorded before `recur import` read a review owner count under (unowned) in By owner; importing
    the same postmortem again (exit 0, nothing written) now says the owner it names and the command that sets it."""
    path = tmp_path / "pm.md"
    code, first = _import(kb_dir, tmp_path, path, "**Postmortem owner:** Ana Ruiz\n")
    iid = first["incident"]
    assert run("incident", "review", "--kb", str(kb_dir), iid, "--owner", "-").exit_code == 0  # as written before
    code, again = _import(kb_dir, tmp_path, path, "**Postmortem owner:** Ana Ruiz\n")
    assert code == 0 and again["already"], again
    said = [n for n in again["notes"] if "review has no owner" in n]
    assert said == [
        f"{iid}'s review has no owner where the postmortem names 'Ana Ruiz' (a record imported before review "
        f"owners were read has none): recur incident review {iid} --owner 'Ana Ruiz'"
    ], again["notes"]
    assert _owner_of(kb_dir, iid) is None  # nothing written
    run("incident", "review", "--kb", str(kb_dir), iid, "--owner", "Ana Ruiz")
    code, held = _import(kb_dir, tmp_path, path, "**Postmortem owner:** Ana Ruiz\n")
    assert code == 0 and not any("review has no owner" in n for n in held["notes"]), held["notes"]
