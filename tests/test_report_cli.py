"""`recur report`: formats, --as-of, --fail-on and bad input, on KBs in tmp_path with fixed dates."""

import json
import re

from click.testing import CliRunner

from recur import config
from recur.cli.main import cli


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_json_is_the_board(kb_dir):
    import datetime as dt

    from recur.kb.loader import load_kb
    from recur.problems.board import board

    r = run("report", "--kb", str(kb_dir), "--as-of", "2026-05-01", "--format", "json")
    assert r.exit_code == 0
    assert json.loads(r.output) == {**board(load_kb(kb_dir), dt.date(2026, 5, 1)), "left_out": [], "unread": []}


def test_text_and_markdown_show_every_section(kb_dir):
    for fmt in ("text", "markdown"):
        r = run("report", "--kb", str(kb_dir), "--as-of", "2026-05-01", "--format", fmt)
        assert r.exit_code == 0
        out = r.output
        for heading in (
            "Reviews pending",
            "Open follow-ups",
            "Open permanent fixes",
            "Needs analysis",
            "open flags",
            "Recurrence after fix",
            "last 30 days",
            "last 90 days",
            "Incidents per month",
        ):
            assert heading in out, (fmt, heading)
        assert "INC-2026-0002" in out and "pool metrics lost" in out and "OVERDUE 50d" in out
        # how the listed reviews, follow-ups and flags are closed, the last line (the board says it too)
        assert (
            out.rstrip()
            .splitlines()[-1]
            .strip("*")
            .startswith(
                f"Close them with: recur incident review {config.where_flags(kb_dir)}ID --done"  # this KB's --kb
            )
        )
    md = run("report", "--kb", str(kb_dir), "--as-of", "2026-05-01", "--format", "markdown").output
    assert md.startswith("# Problem-management review — 2026-05-01")
    assert "| INC-2026-0001 | (unowned) | sev2 | full | 2026-03-12 | OVERDUE 50d |" in md  # no review.owner


def test_the_overdue_column_has_a_name_in_text_and_markdown(tmp_path):
    """The column that flags overdue reviews, follow-ups and fixes had a blank header: "due" then a
    nameless column in the text table, "| |" in Markdown. Named as the JSON key it shows, overdue."""
    from site_helpers import site_kb  # follow-ups and a permanent fix, overdue on 2026-05-01

    kb_dir = site_kb(tmp_path / "kb")
    text = run("report", "--kb", str(kb_dir), "--as-of", "2026-05-01").output.splitlines()
    header = text[next(n for n, line in enumerate(text) if line.startswith("Reviews pending")) + 1].split()
    assert header == ["incident", "owner", "severity", "level", "due", "overdue", "title"]
    md = run("report", "--kb", str(kb_dir), "--as-of", "2026-05-01", "--format", "markdown").output
    assert "| incident | owner | severity | level | due | overdue | title |" in md
    assert "| owner | incident | due | age | overdue | ticket | title |" in md
    assert "| owner | pattern | status | due | age | overdue | incidents |" in md
    board = json.loads(run("report", "--kb", str(kb_dir), "--as-of", "2026-05-01", "--format", "json").output)
    for kind in ("reviews", "follow_ups", "fixes"):  # the keys it shows, unchanged
        assert any(x["overdue"] and x["days_overdue"] > 0 for x in board[kind]), kind


def test_fail_on_overdue_is_a_gate(kb_dir):
    early = run("report", "--kb", str(kb_dir), "--as-of", "2026-03-05", "--fail-on", "overdue")
    assert early.exit_code == 0  # INC-2026-0001's review is due 2026-03-12
    late = run("report", "--kb", str(kb_dir), "--as-of", "2026-05-01", "--fail-on", "overdue")
    assert late.exit_code == 1
    assert "review of INC-2026-0001 overdue by 50 days" in late.stderr
    assert run("report", "--kb", str(kb_dir), "--as-of", "2026-05-01", "--fail-on", "unknown").exit_code == 1


def test_out_file_and_bad_input(kb_dir, tmp_path):
    out = tmp_path / "review.md"
    r = run("report", "--kb", str(kb_dir), "--as-of", "2026-05-01", "--format", "markdown", "--out", str(out))
    assert r.exit_code == 0 and out.read_text().startswith("# Problem-management review")
    bad = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir), "--as-of", "yesterday"])
    assert bad.exit_code == 2 and "Error: Invalid value for '--as-of': 'yesterday' is not a date" in bad.output
    assert bad.exception is None or isinstance(bad.exception, SystemExit)
    missing = CliRunner().invoke(cli, ["report", "--kb", str(tmp_path / "nope")])
    assert missing.exit_code == 1 and "knowledge base folder not found" in missing.output


def test_as_of_with_trailing_characters_is_not_a_date(kb_dir, monkeypatch):
    # only the first ten characters were read: --as-of 2026-05-011 (a typo) gave a report as of 2026-05-01
    for typo in ("2026-05-011", "2026-05-01x", "2026-05-01 extra"):
        r = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir), "--as-of", typo])
        assert r.exit_code == 2 and f"Invalid value for '--as-of': {typo!r} is not a date" in r.output, (typo, r.output)
    # a timestamp: its date on this machine's clock (util.dates.local_date), so the machine's zone is set: on one
    # at UTC-10 09:30Z is 2026-04-30, and the test failed there (found by a review of dates and times)
    import time

    monkeypatch.setenv("TZ", "UTC0")
    time.tzset()
    try:
        stamp = run("report", "--kb", str(kb_dir), "--as-of", "2026-05-01T09:30:00Z", "--format", "json")
    finally:
        monkeypatch.undo()
        time.tzset()
    assert stamp.exit_code == 0 and json.loads(stamp.output)["as_of"] == "2026-05-01"


def test_out_naming_a_folder_is_an_error_naming_out(kb_dir, tmp_path):
    """`--out reports/` (a trailing slash: a folder that does not exist yet) wrote the report to a
    file named reports; it is refused as an existing folder is, with click's error naming --out."""
    (tmp_path / "existing").mkdir()
    for out in (f"{tmp_path}/reports/", str(tmp_path / "existing"), f"{tmp_path}/existing/"):
        r = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir), "--as-of", "2026-05-01", "--out", out])
        assert r.exit_code == 2 and "Invalid value for '--out'" in r.output and "Traceback" not in r.output, r.output
    assert not (tmp_path / "reports").exists() and list((tmp_path / "existing").iterdir()) == []


def test_an_open_flags_note_is_shown_as_on_the_board(tmp_path):
    """A flag written as {text, note} lost its note in the text and Markdown review (the site's
    board shows "text (note)"): the reviewer did not see who was asked or what was already known."""
    from kbfactory import write

    root = tmp_path / "kb"
    write(root, "patterns/.gitkeep", "")
    write(
        root,
        "incidents/2026/INC-2026-0001.md",
        "---\nid: INC-2026-0001\ntitle: t\ndate: 2026-04-20\nseverity: sev4\n"
        "flags:\n  - {text: why no alert, note: asked SRE on the 21st}\n  - plain flag\n---\n\n## Summary\nx\n",
    )
    for fmt in ("text", "markdown"):
        out = run("report", "--kb", str(root), "--as-of", "2026-05-01", "--format", fmt).output
        assert "why no alert (asked SRE on the 21st)" in out, fmt
        assert "plain flag" in out and "plain flag (" not in out


def test_a_second_file_with_an_incidents_id_is_named_by_check_at_its_id_line_and_warned_of_by_report(kb_dir):
    """Found in review: the loader keeps the first record with an id and leaves the other out, which
    `recur report` did not warn of (its warning counted only files with errors of their own), and
    `recur check` gave the second file line 2 wherever its `id:` was."""
    original = kb_dir / "incidents/2026/INC-2026-0001.md"
    copy = kb_dir / "incidents/2025/INC-2026-0001.md"  # filed under the wrong year: a warning, no error
    copy.parent.mkdir()
    copy.write_text(original.read_text().replace("---\n", "---\n# a copy\n\n", 1))
    checked = run("check", "--kb", str(kb_dir)).output
    assert "incidents/2025/INC-2026-0001.md:4: id: duplicate incident id 'INC-2026-0001'" in checked, checked
    res = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir), "--as-of", "2026-05-01"])
    assert res.exit_code == 0 and "warning: 1 file with errors left out of the report" in res.stderr, res.stderr


def _break_yaml(kb_dir):
    """INC-2026-0001 (its review overdue from 2026-03-12) with a title YAML cannot read: a colon unquoted."""
    path = kb_dir / "incidents/2026/INC-2026-0001.md"
    path.write_text(path.read_text().replace("title: Checkout hung", "title: Checkout: hung", 1))
    return "incidents/2026/INC-2026-0001.md:3: title: YAML does not parse"


def test_a_file_left_out_is_named_and_fails_the_gate(kb_dir):
    """An overdue incident with a YAML error was left out of the report and `--fail-on overdue`
    passed, with a warning that counted the file but did not name it: the warning names it, its
    line and problem (as `recur check`), and a gate fails, as it cannot vouch for what it did not read."""
    where = _break_yaml(kb_dir)
    res = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir), "--as-of", "2026-04-01", "--fail-on", "overdue"])
    assert res.exit_code == 1, res.output
    assert "warning: 1 file with errors left out of the report" in res.stderr
    assert where in res.stderr and "put the whole text in quotes" in res.stderr, res.stderr
    assert "FAILED --fail-on overdue: 1 item; 1 file with errors left out of the report" in res.stderr
    assert "cannot vouch" in res.stderr and "Traceback" not in res.output
    plain = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir), "--as-of", "2026-04-01"])
    assert plain.exit_code == 0 and where in plain.stderr  # no gate: a warning only


def test_json_markdown_and_text_say_which_files_were_left_out(kb_dir, tmp_path, monkeypatch):
    """Found in review: the JSON named a file from the working folder ("../../tmp/x/kb/incidents/..."),
    board.json and the site by its path in the KB, so one report run from two folders differed. The JSON
    (as board.json and MCP's problem_report) and the Markdown (a review document, read elsewhere) name it
    by its path in the KB; the text and the warnings, on a terminal, as `recur check` does, from there."""
    clean = json.loads(run("report", "--kb", str(kb_dir), "--as-of", "2026-04-01", "--format", "json").output)
    assert clean["left_out"] == []
    where = _break_yaml(kb_dir)
    monkeypatch.chdir(tmp_path)  # the KB is kb/ from here
    r = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir), "--as-of", "2026-04-01", "--format", "json"])
    b = json.loads(r.stdout)
    assert set(clean) == set(b) and "counts" in b and "reviews" in b  # the other keys are unchanged
    [left] = b["left_out"]
    assert (left["path"], left["line"]) == ("incidents/2026/INC-2026-0001.md", 3)
    assert left["field"] == "title" and left["message"].startswith("YAML does not parse")
    assert f"\n  kb/{where}" in r.stderr, r.stderr  # the warning: from here
    for fmt, shown in (("markdown", f"- `{where}"), ("text", f"  kb/{where}")):
        out = tmp_path / f"review.{fmt}"
        args = ["report", "--kb", str(kb_dir), "--as-of", "2026-04-01", "--format", fmt, "--out", str(out)]
        assert CliRunner().invoke(cli, args).exit_code == 0
        text = out.read_text()
        assert "Left out of this report: 1 file with errors" in text and shown in text, (fmt, text)
    monkeypatch.chdir(kb_dir / "incidents")  # JSON and Markdown the same wherever they are made
    again = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir), "--as-of", "2026-04-01", "--format", "json"])
    assert json.loads(again.stdout)["left_out"] == b["left_out"] and "  2026/INC-2026-0001.md:3:" in again.stderr


def test_a_file_is_named_by_its_path_in_the_kb_a_symlinked_folder_too(tmp_path, monkeypatch):
    """``in_kb`` undoes ``display_path`` as written, links not resolved: an incidents/ folder linked
    from elsewhere is still incidents/ in the KB (the site's own reader resolved it and gave the bare
    file name), and a file outside the KB is named by its name, never by a path of this machine."""
    import os

    from recur.kb.loader import display_path, in_kb

    kb, elsewhere = tmp_path / "repo/kb", tmp_path / "shared/incidents"
    (elsewhere / "2026").mkdir(parents=True)
    kb.mkdir(parents=True)
    os.symlink(elsewhere, kb / "incidents")
    monkeypatch.chdir(tmp_path / "repo")
    shown = display_path(kb / "incidents/2026/INC-2026-0001.md")
    assert (shown, in_kb(shown, kb)) == ("kb/incidents/2026/INC-2026-0001.md", "incidents/2026/INC-2026-0001.md")
    assert in_kb(display_path(tmp_path / "other/x.md"), kb) == "x.md"
    assert in_kb(display_path(kb / "recur.yml"), kb) == "recur.yml"


def test_a_misspelt_follow_ups_key_is_named_and_fails_the_gate(kb_dir, tmp_path):
    """An incident edited by hand with `follow-ups:` (the command's spelling) or a follow-up's `Due:`:
    `recur check` warns, the record is kept, and its overdue follow-up was missing from the report,
    with no word there, and `--fail-on overdue` passed. Now the report names the key and the gate fails."""
    path = kb_dir / "incidents/2026/INC-2026-0001.md"
    slip = "follow-ups:\n  - {title: Alert on pool saturation, owner: team-db, due: 2026-03-05}\n"
    path.write_text(path.read_text().replace("flags:", slip + "flags:", 1))
    args = ["report", "--kb", str(kb_dir), "--as-of", "2026-03-10"]
    gate = CliRunner().invoke(cli, [*args, "--fail-on", "overdue"])
    assert gate.exit_code == 1, gate.output
    where = "incidents/2026/INC-2026-0001.md:8: follow-ups: unknown key in front matter: did you mean 'follow_ups'?"
    assert "warning: 1 key that looks misspelt, not read (run: recur check):" in gate.stderr
    assert where in gate.stderr and "(not read by the report: not checked)" in gate.stderr, gate.stderr
    assert "1 key that looks misspelt, not read, which the gate cannot vouch for" in gate.stderr
    b = json.loads(CliRunner().invoke(cli, [*args, "--format", "json"]).stdout)
    assert [(x["line"], x["field"]) for x in b["unread"]] == [(8, "follow-ups")] and b["left_out"] == []
    for fmt in ("text", "markdown"):
        out = tmp_path / f"review.{fmt}"
        assert CliRunner().invoke(cli, [*args, "--format", fmt, "--out", str(out)]).exit_code == 0
        assert "Not read in this report: 1 key that looks like a misspelt one" in out.read_text()
    path.write_text(
        path.read_text().replace("follow-ups:", "follow_ups:").replace("due: 2026-03-05", "Due: 2026-03-05")
    )
    b = json.loads(CliRunner().invoke(cli, [*args, "--format", "json"]).stdout)
    assert [x["field"] for x in b["unread"]] == ["follow_ups[0].Due"]
    assert [f["title"] for f in b["follow_ups"]] == ["Alert on pool saturation"]  # counted, its due not read


def test_a_due_date_under_another_name_is_named_with_did_you_mean_due(kb_dir):
    """Found in review: a follow-up's `dew:` or `due_date:` (too far from `due` for a misspelling) was a
    team's own key to `recur check`, and the report dropped its due date without a word, while `Due:`
    was named in `unread`. A key named as a due date, or holding a date where `due` is the only date
    key, is now named too, "did you mean 'due'?"; `by: alice`, and a date beside a `due`, are not."""
    path = kb_dir / "incidents/2026/INC-2026-0001.md"
    items = (
        "follow_ups:\n"
        "  - {title: Alert on pool saturation, dew: 2026-03-05}\n"
        "  - {title: Raise the pool size, due_date: 2026-03-06}\n"
        "  - {title: Load test checkout, Due by: 2026-03-07}\n"
        "  - {title: Page on pool waits, deadline: next sprint}\n"
        "  - {title: Document the pool, by: 2026-03-09}\n"
        "  - {title: Pool per service, opened: 2026-03-02}\n"
        "  - {title: Review pool alerts, by: alice, dev: true}\n"
        "  - {title: Pool dashboard, due: 2026-03-20, opened: 2026-03-02}\n"
    )
    path.write_text(path.read_text().replace("flags:", items + "flags:", 1))
    pattern = kb_dir / "patterns/capacity/disk-full.md"
    pattern.write_text(pattern.read_text().replace("related:", "fix: {status: open, due-by: 2026-03-08}\nrelated:"))
    args = ["report", "--kb", str(kb_dir), "--as-of", "2026-03-10"]
    b = json.loads(CliRunner().invoke(cli, [*args, "--format", "json"]).stdout)
    names = ["dew", "due_date", "Due by", "deadline", "by", "opened"]
    assert [x["field"] for x in b["unread"]] == [*(f"follow_ups[{i}].{k}" for i, k in enumerate(names)), "fix.due-by"]
    assert all("did you mean 'due'? (kept, not used)" in x["message"] for x in b["unread"])
    assert CliRunner().invoke(cli, [*args, "--fail-on", "overdue"]).exit_code == 1
    check = CliRunner().invoke(cli, ["check", "--kb", str(kb_dir), "--today", "2026-03-10"])
    assert (
        "follow_ups[0].dew: warning: unknown key in follow_ups[0]: did you mean 'due'? (kept, not used)" in check.output
    )


def test_a_slip_key_is_told_by_its_code_not_its_message(kb_dir):
    """Found in review: the report told a misspelt key (read by no one) from a team's own key by the end of
    its warning's text, "? (kept, not used)", so rewording the message would have dropped overdue
    follow-ups from the report without a word. The warning now carries a code, and only the code counts."""
    from dataclasses import replace

    from recur.kb.check import unread_slips
    from recur.kb.loader import load_kb
    from recur.kb.schema import UNUSED_SLIP, is_unused_slip

    path = kb_dir / "incidents/2026/INC-2026-0001.md"
    path.write_text(path.read_text().replace("flags:", "follow-ups:\n  - {title: Alert, due: 2026-03-05}\nflags:", 1))
    [slip] = unread_slips(load_kb(kb_dir))
    assert (slip.field, slip.code) == ("follow-ups", UNUSED_SLIP)
    assert is_unused_slip(replace(slip, message="a key the format does not have; follow_ups is meant"))
    assert not is_unused_slip(replace(slip, code=""))  # the same words on a team's own key: not a slip


def test_the_by_owner_columns_are_in_the_boards_order_fixes_then_follow_ups(tmp_path):
    """Found in review: `recur report`'s by-owner table gave follow-ups then fixes, the site's board fixes
    then follow-ups; one owner's "1 2 0 0" meant two different things on the two. Both now give fixes,
    then follow-ups, under the same column names."""
    import datetime as dt

    from kbfactory import pattern_text, write

    from recur.kb.loader import load_kb
    from recur.site import pages

    root = tmp_path / "kb"
    fix = "fix: {status: open, owner: alice, due: 2026-04-01}"
    write(root, "patterns/capacity/disk-full.md", pattern_text("disk-full", fix=fix))
    write(
        root,
        "incidents/2026/INC-2026-0001.md",
        "---\nid: INC-2026-0001\ntitle: t\ndate: 2026-03-20\nseverity: sev4\npatterns: [disk-full]\nfollow_ups:\n"
        "  - {title: One, owner: alice, due: 2026-06-01}\n  - {title: Two, owner: alice, due: 2026-06-02}\n"
        "  - {title: Three, owner: alice}\n---\n\n## Summary\nx\n",
    )
    # each "overdue" says of what (three columns were all "overdue"; a phone's card labels a cell by its column)
    header = ["owner", "fixes open", "fixes overdue", "follow-ups open", "follow-ups overdue", "reviews pending",
              "reviews overdue"]  # fmt: skip
    out = run("report", "--kb", str(root), "--as-of", "2026-05-01", "--format", "markdown").output
    table = out.split("By owner")[1].split("Needs triage")[0]
    assert "| " + " | ".join(header) + " |" in table, table
    assert "| alice | 1 | 1 | 3 | 0 | 0 | 0 |" in table, table
    text = run("report", "--kb", str(root), "--as-of", "2026-05-01").output.split("By owner")[1]
    assert text.index("fixes open") < text.index("follow-ups open"), text
    from recur.problems.board import board

    kb, day = load_kb(root), dt.date(2026, 5, 1)
    page = pages(kb, as_of=day, board=board(kb, day))["board/index.md"]
    site = page.split("## Open fixes, follow-ups and reviews by owner")[1].split("## ")[0]
    rows = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in site.split("<tr")[1:]]
    assert rows == [header, ["alice", "1", "1", "3", "0", "0", "0"]], site


def test_a_gate_with_more_than_twenty_items_gives_the_total_and_how_many_are_listed(kb_dir):
    """ "FAILED --fail-on overdue: 45 item(s) (+25 more)" read as 70 items in a weekly review."""
    path = kb_dir / "incidents/2026/INC-2026-0002.md"
    items = "".join(f"  - {{title: Item {n}, due: 2026-04-0{1 + n % 9}}}\n" for n in range(24))
    path.write_text(path.read_text().replace("patterns: []", "patterns: []\nfollow_ups:\n" + items))
    r = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir), "--as-of", "2026-04-30", "--fail-on", "overdue"])
    assert r.exit_code == 1
    assert len([x for x in r.stderr.splitlines() if x.startswith(("  follow-up ", "  review of "))]) == 20
    total = 24 + 1  # INC-2026-0001's review (due 2026-03-12) too
    assert f"FAILED --fail-on overdue: {total} items (the first 20 listed above, 5 more not)" in r.stderr, r.stderr


def test_owners_are_listed_by_name_with_the_unowned_last_in_the_report_and_on_the_board(tmp_path):
    """`recur report`'s "By owner" table put "(unowned)" first, while its follow-up and fix tables put it
    last, and the site's board ordered owners by most overdue: one order everywhere, the unowned last."""
    import datetime as dt

    from kbfactory import pattern_text, write

    from recur.kb.loader import load_kb
    from recur.problems.board import board
    from recur.site import pages

    root = tmp_path / "kb"
    write(root, "patterns/capacity/disk-full.md", pattern_text("disk-full", fix="fix: {status: open, due: 2026-04-01}"))
    items = "".join(
        f"  - {{title: Item {n}, owner: {o}, due: {d}}}\n"
        for n, (o, d) in enumerate(
            [("zoe", "2026-01-01"), ("Bob", "2026-06-01"), ("alice", "2026-06-01"), ("'@carl'", "2026-06-01")]
        )
    )
    write(
        root,
        "incidents/2026/INC-2026-0001.md",
        f"---\nid: INC-2026-0001\ntitle: t\ndate: 2026-03-20\nseverity: sev4\npatterns: [disk-full]\nfollow_ups:\n"
        f"{items}  - {{title: Nobody's}}\n---\n\n## Summary\nx\n",
    )
    # zoe's item is the most overdue; "@carl" (a tracker's mention) is carl, after Bob (found in review: by
    # its spelling it came first here, and after alice in the report's other tables)
    order = ["alice", "Bob", "@carl", "zoe", "(unowned)"]
    day = dt.date(2026, 5, 1)
    kb = load_kb(root)
    b = board(kb, day)
    assert list(b["by_owner"]) == order
    assert (
        list(
            json.loads(run("report", "--kb", str(root), "--as-of", "2026-05-01", "--format", "json").output)["by_owner"]
        )
        == order
    )
    for fmt in ("text", "markdown"):
        out = run("report", "--kb", str(root), "--as-of", "2026-05-01", "--format", fmt).output
        table = out.split("By owner")[1].split("Needs triage")[0]
        assert [table.index(o) for o in order] == sorted(table.index(o) for o in order), (fmt, table)
        follow_ups = out.split("Open follow-ups")[1].split("Open permanent fixes")[0]
        assert follow_ups.index("zoe") < follow_ups.index("(unowned)")  # as every table: the unowned last
    page = pages(kb, as_of=day, board=b)["board/index.md"]
    table = page.split("## Open fixes, follow-ups and reviews by owner")[1].split("## ")[0]
    assert [table.index(f"<td>{o}</td>") for o in order] == sorted(table.index(f"<td>{o}</td>") for o in order), table


def test_open_follow_ups_with_no_due_date_are_counted_and_listed(kb_dir):
    """Found in a problem manager's review: a follow-up with no due date is never overdue, so no count
    and no `--fail-on overdue` ever pointed it out; it sat open for months unseen. The report counts
    and lists them apart (text, Markdown, JSON), the oldest first; one with a due date is not among them."""
    kb = str(kb_dir)
    for iid, title, extra in (
        ("INC-2026-0002", "Find the slow query", ()),
        ("INC-2026-0001", "Alert on pool usage", ("--owner", "bob", "--ticket", "PRB-7")),
        ("INC-2026-0001", "Raise the pool size", ("--due", "2026-06-01")),
    ):
        r = run("incident", "follow-up", "--kb", kb, iid, "--add", title, *extra)
        assert r.exit_code == 0, r.output
    b = json.loads(run("report", "--kb", kb, "--as-of", "2026-05-01", "--format", "json").output)
    assert b["counts"]["follow_ups_no_due"] == 2 and b["counts"]["follow_ups_open"] == 3
    assert [(f["incident"], f["title"], f["owner"], f["ticket"], f["age_days"]) for f in b["follow_ups_no_due"]] == [
        ("INC-2026-0001", "Alert on pool usage", "bob", "PRB-7", 60),
        ("INC-2026-0002", "Find the slow query", None, None, 21),
    ]
    text = run("report", "--kb", kb, "--as-of", "2026-05-01").output
    assert "1 open follow-up with no due date" not in text and "2 open follow-ups with no due date" in text
    section = text.split("Follow-ups with no due date: never overdue (2)")[1].split("Open permanent fixes")[0]
    assert re.search(r"bob\s+INC-2026-0001\s+60d\s+PRB-7\s+Alert on pool usage", section), section
    assert "(unowned)  INC-2026-0002" in section and "Raise the pool size" not in section
    md = run("report", "--kb", kb, "--as-of", "2026-05-01", "--format", "markdown").output
    assert "## Follow-ups with no due date: never overdue (2)" in md
    assert "| bob | INC-2026-0001 | 60d | PRB-7 | Alert on pool usage |" in md


def test_json_is_format_json_and_both_given_is_a_usage_error(kb_dir):
    """Found in review: most commands print JSON with --json, report only with --format json; --json is its alias."""
    spelled = run("report", "--kb", str(kb_dir), "--as-of", "2026-05-01", "--format", "json")
    alias = run("report", "--kb", str(kb_dir), "--as-of", "2026-05-01", "--json")
    assert alias.exit_code == spelled.exit_code == 0 and json.loads(alias.output) == json.loads(spelled.output)
    both = run("report", "--kb", str(kb_dir), "--json", "--format", "markdown")
    assert both.exit_code == 2 and "--json and --format markdown were both given" in both.output, both.output


def test_recur_as_of_is_the_reports_date_as_the_sites(kb_dir, monkeypatch):
    """Found in review: RECUR_AS_OF, which `recur site` takes for its board's date, was ignored by `recur report`
    (a job setting it for both got two days). --as-of first, then RECUR_AS_OF, then RECUR_TODAY."""
    monkeypatch.setenv(config.env("today"), "2026-06-15")
    assert json.loads(run("report", "--kb", str(kb_dir), "--format", "json").output)["as_of"] == "2026-06-15"
    monkeypatch.setenv(config.env("as_of"), "2026-05-01")
    assert json.loads(run("report", "--kb", str(kb_dir), "--format", "json").output)["as_of"] == "2026-05-01"
    flag = run("report", "--kb", str(kb_dir), "--format", "json", "--as-of", "2026-04-02")
    assert json.loads(flag.output)["as_of"] == "2026-04-02"
    monkeypatch.setenv(config.env("as_of"), "2026-05-011")
    bad = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir)])
    # a usage error, exit 2, as a bad RECUR_TODAY is (it was exit 1)
    assert bad.exit_code == 2 and "Error: RECUR_AS_OF: '2026-05-011' is not a date" in bad.output, bad.output


def test_the_owner_option_s_help_says_the_owner_s_reviews_are_kept():
    # it said "Reviews, needs analysis, triage and flags have no owner and are left out" while the report lists
    # the owner's reviews by review.owner (docs/cli.md, docs/problems.md)
    r = CliRunner().invoke(cli, ["report", "--help"], terminal_width=200)
    assert r.exit_code == 0, r.output
    said = " ".join(r.output.split())
    assert (
        "Only what NAME owns: reviews by their review owner (or, with none, their pattern's owner), follow-ups and "
        "permanent fixes" in said
    )
    assert "Needs analysis, triage and flags have no owner and are left out" in said
    assert "Reviews, needs analysis" not in said
