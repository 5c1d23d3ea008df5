"""An owner written as a handle (``@noor-ahmed``, as imports from GitHub or Slack mentions write it) and as a full
name (``Noor Ahmed``) is one person when the KB holds that full name: the board counted them as two owners and
`recur report --owner "Noor Ahmed"` left out the handle's items (found in review). A handle is no full name the
KB does not hold, and two full names are never one owner."""

import json
import re

from click.testing import CliRunner
from kbfactory import pattern_text, write

from recur.cli.main import cli
from recur.kb.loader import load_kb
from recur.problems.board import report_board

AS_OF = "2026-05-15"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _kb(root):
    """Noor Ahmed's work written four ways, Nora Ahmed's (another person), and a handle with no full name."""
    write(root, "patterns/capacity/disk-full.md", pattern_text("disk-full", fix="fix: {status: open, owner: '@noor-ahmed', due: 2026-04-01}"))  # fmt: skip
    write(root, "patterns/capacity/db-pool.md", pattern_text("db-pool", fix="fix: {status: open, owner: Noor Ahmed, due: 2026-06-30}"))  # fmt: skip
    items = [
        ("Check the alert", "Noor Ahmed", "2026-05-01"),
        ("Add a runbook step", "'@noor_ahmed'", "2026-06-01"),
        ("Grow the volume", "'@noorahmed'", "2026-05-10"),
        ("Page the owner", "Nora Ahmed", "2026-05-01"),
        ("Rotate the logs", "'@sam-lee'", "2026-05-01"),
    ]
    follow_ups = "".join(f"  - {{title: {t}, owner: {o}, due: {d}}}\n" for t, o, d in items)
    for n, day in ((1, "2026-05-02"), (2, "2026-05-09")):
        review = "review: {level: full, status: pending, due: 2026-05-12, owner: '@noor.ahmed'}\n" if n == 1 else ""
        write(
            root,
            f"incidents/2026/INC-2026-000{n}.md",
            f"---\nid: INC-2026-000{n}\ntitle: Disk full {n}\ndate: {day}\nseverity: sev3\npatterns: [disk-full]\n"
            f"{review}{'follow_ups:' + chr(10) + follow_ups if n == 1 else ''}---\n\n## Summary\nx\n",
        )
    return root


def test_a_handle_and_the_full_name_it_is_are_one_owner_on_the_board(tmp_path):
    root = _kb(tmp_path / "kb")
    b = json.loads(run("report", "--kb", root, "--as-of", AS_OF, "--json").output)
    assert b["owner_aliases"] == {
        "noor-ahmed": "Noor Ahmed",
        "noor.ahmed": "Noor Ahmed",
        "noor_ahmed": "Noor Ahmed",
        "noorahmed": "Noor Ahmed",
    }, b["owner_aliases"]
    noor = b["by_owner"]["Noor Ahmed"]
    assert (noor["fixes"], noor["fixes_overdue"], noor["follow_ups"], noor["follow_ups_overdue"]) == (2, 1, 3, 2)
    assert (noor["reviews"], noor["reviews_overdue"]) == (1, 1), noor
    # another full name is another person; a handle with no full name in the KB stays as written
    assert not any(o.startswith("@noor") for o in b["by_owner"]), list(b["by_owner"])
    assert b["by_owner"]["Nora Ahmed"]["follow_ups"] == 1 and b["by_owner"]["@sam-lee"]["follow_ups"] == 1
    # the report's owner table: one row for Noor Ahmed
    text = run("report", "--kb", root, "--as-of", AS_OF).output
    table = text.split("By owner")[1].split("\n\n")[0]
    rows = [line.split()[:3] for line in table.splitlines() if line.strip()]
    assert [r[0] for r in rows] == ["owner", "Noor", "Nora", "@sam-lee", "(unowned)"], table
    assert rows[1] == ["Noor", "Ahmed", "2"], table


def test_owner_takes_the_handle_or_the_full_name(tmp_path):
    root = _kb(tmp_path / "kb")
    args = ("report", "--kb", root, "--as-of", AS_OF, "--json", "--owner")
    want_fixes, want_follow = ["db-pool", "disk-full"], ["Add a runbook step", "Check the alert", "Grow the volume"]
    for given in ("Noor Ahmed", "noor ahmed", "@noor-ahmed", "@noorahmed", "noor_ahmed"):
        mine = json.loads(run(*args, given).output)
        assert sorted(f["pattern"] for f in mine["fixes"]) == want_fixes, (given, mine["fixes"])
        assert sorted(f["title"] for f in mine["follow_ups"]) == want_follow, (given, mine["follow_ups"])
        assert [r["incident"] for r in mine["reviews"]] == ["INC-2026-0001"], given
        assert list(mine["by_owner"]) == ["Noor Ahmed"], (given, mine["by_owner"])
        # the recurring lists by their fix's owner: disk-full's fix is the handle's
        assert [r["pattern"] for r in mine["recurring"]["30"]] == ["disk-full"], (given, mine["recurring"])
    nora = json.loads(run(*args, "Nora Ahmed").output)
    assert [f["title"] for f in nora["follow_ups"]] == ["Page the owner"] and nora["fixes"] == [], nora
    # a gate on the handle fails on the full name's overdue work, not "no record names this owner"
    gate = run("report", "--kb", root, "--as-of", AS_OF, "--owner", "@noor-ahmed", "--fail-on", "overdue")
    assert gate.exit_code == 1 and "permanent fix of disk-full (Noor Ahmed) overdue" in gate.output, gate.output


def test_a_handle_of_a_full_name_written_nowhere_else_is_matched(tmp_path):
    """Only "Noor Ahmed" is written: `--owner @noor-ahmed` is that owner (the board built for it knows the handle)."""
    root = tmp_path / "kb"
    write(root, "patterns/capacity/disk-full.md", pattern_text("disk-full", fix="fix: {status: open, owner: Noor Ahmed, due: 2026-04-01}"))  # fmt: skip
    gate = run("report", "--kb", root, "--as-of", AS_OF, "--owner", "@noor-ahmed", "--fail-on", "overdue")
    assert gate.exit_code == 1 and "permanent fix of disk-full (Noor Ahmed) overdue" in gate.output, gate.output


def test_the_site_board_names_the_full_name_once(tmp_path):
    import datetime as dt

    from recur.site import pages

    kb = load_kb(_kb(tmp_path / "kb"))
    day = dt.date.fromisoformat(AS_OF)
    page = pages(kb, as_of=day, board=report_board(kb, day, today=day))["board/index.md"]
    site = page.split("## Open fixes, follow-ups and reviews by owner")[1].split("## ")[0]
    owners = [re.findall(r"<td[^>]*>(.*?)</td>", row)[0] for row in site.split("<tr")[2:]]
    assert owners == ["Noor Ahmed", "Nora Ahmed", "@sam-lee", "(unowned)"], owners


def test_aliases_never_join_two_full_names_nor_guess_one():
    from recur.problems.board import owner_aliases

    # "annlee" could be Ann Lee or Annl Ee: neither's; the dashed forms are each one's
    got = owner_aliases(["Ann Lee", "Annl Ee", "@annlee", "@solo", "Noor  Ahmed"])
    assert "annlee" not in got and got["ann-lee"] == "Ann Lee" and got["annl-ee"] == "Annl Ee", got
    assert "solo" not in got and got["noor.ahmed"] == "Noor  Ahmed", got
    assert "ann lee" not in got  # a full name is no handle of another


def test_mcp_problem_report_owner_takes_either_form(tmp_path):
    import datetime as dt

    from recur.serve.mcp_board import board_answer

    kb = load_kb(_kb(tmp_path / "kb"))
    day = dt.date.fromisoformat(AS_OF)
    for given in ("Noor Ahmed", "@noor-ahmed"):
        b, _ = board_answer(report_board(kb, day, owner=given), owner=given, limit=None, paged=lambda rows: rows)
        assert sorted(f["pattern"] for f in b["fixes"]) == ["db-pool", "disk-full"], (given, b["fixes"])
        assert len(b["follow_ups"]) == 3 and list(b["by_owner"]) == ["Noor Ahmed"], (given, b["follow_ups"])


def test_a_full_name_with_two_spaces_is_the_owner_the_gate_knows(tmp_path):
    """`--owner "Noor  Ahmed"` (two spaces) is Noor Ahmed: the gate's unknown-owner check read names by another rule
    than the board (spaces kept), and exited 2 "no record names this owner (did you mean Noor Ahmed?)"."""
    root = tmp_path / "kb"
    write(root, "patterns/capacity/disk-full.md", pattern_text("disk-full", fix="fix: {status: done, owner: Noor Ahmed}"))  # fmt: skip
    for given in ("Noor  Ahmed", " noor ahmed ", "@noor-ahmed"):
        gate = run("report", "--kb", root, "--as-of", AS_OF, "--owner", given, "--fail-on", "overdue")
        assert gate.exit_code == 0, (given, gate.output)
        assert "no record of the KB names this owner" not in gate.output, (given, gate.output)
    gate = run("report", "--kb", root, "--as-of", AS_OF, "--owner", "Noor  Ahmad", "--fail-on", "overdue")
    assert gate.exit_code == 2 and "no record of the KB names this owner" in gate.output, gate.output


def test_owner_key_reads_a_run_of_spaces_as_one():
    from recur.kb.records import owner_key

    assert owner_key(" @Noor   Ahmed ") == owner_key("noor ahmed") == "noor ahmed"


def _disk_full_kb(root, fix: str, items: list[tuple[str, str]]):
    """disk-full with ``fix`` (its front matter line), and one incident of it with a follow-up due 2026-05-01 for
    each (title, owner) of ``items``."""
    write(root, "patterns/capacity/disk-full.md", pattern_text("disk-full", fix=fix))
    fu = "".join(f"  - {{title: {t}, owner: {o}, due: 2026-05-01}}\n" for t, o in items)
    write(
        root,
        "incidents/2026/INC-2026-0001.md",
        "---\nid: INC-2026-0001\ntitle: Disk\ndate: 2026-05-02\nseverity: sev3\npatterns: [disk-full]\n"
        f"follow_ups:\n{fu}---\n\n## Summary\nx\n",
    )
    return root


def _noors(root):
    """Noor Ahmed's open follow-ups written as the full name and as the handle, and Noor Zafar's between them by
    spelling ("@noor-ahmed" sorts after "noor zafar")."""
    items = [("Bee", "'@noor-ahmed'"), ("Cee", "Noor Zafar"), ("Dee", "Noor Ahmed")]
    return _disk_full_kb(root, "fix: {status: done, owner: Noor Ahmed}", items)


def test_tables_by_owner_keep_a_persons_handle_and_full_name_together(tmp_path):
    """The report's and the site's follow-up tables sorted by the spelling: Noor Ahmed, Noor Zafar, @noor-ahmed,
    one person's rows split by another's, while By owner counts them as one."""
    import datetime as dt

    from recur.site import pages

    root = _noors(tmp_path / "kb")
    text = run("report", "--kb", root, "--as-of", AS_OF).output
    table = text.split("Open follow-ups")[1].split("\n\n")[0]
    titles = [line.split()[-1] for line in table.splitlines()[2:]]
    assert titles in (["Dee", "Bee", "Cee"], ["Bee", "Dee", "Cee"]), table
    kb = load_kb(root)
    day = dt.date.fromisoformat(AS_OF)
    page = pages(kb, as_of=day, board=report_board(kb, day, today=day))["board/index.md"]
    site = page.split("## Open follow-ups")[1].split("## ")[0]
    owners = re.findall(r"<td[^>]*>(Noor Ahmed|Noor Zafar|@noor-ahmed)</td>", site)
    assert owners == ["Noor Ahmed", "Noor Ahmed", "Noor Zafar"], owners  # one person, one name (the test below)


def test_a_row_names_its_owner_as_by_owner_does(tmp_path):
    """Found in review: the follow-up rows of `recur report` and the site's board showed one person two ways,
    "@noor-ahmed" and "Noor Ahmed", where By owner (and docs/problems.md) said one owner, shown as Noor Ahmed.
    Every row of follow-ups, fixes and reviews now names them so; the JSON keeps each item's owner as written."""
    import datetime as dt

    from recur.site import pages

    root = _kb(tmp_path / "kb")
    text = run("report", "--kb", root, "--as-of", AS_OF).output
    markdown = run("report", "--kb", root, "--as-of", AS_OF, "--format", "markdown").output
    for shown in (text, markdown):
        assert "@noor" not in shown, shown
        assert shown.count("Noor Ahmed") >= 7 and "@sam-lee" in shown and "Nora Ahmed" in shown, shown
    b = json.loads(run("report", "--kb", root, "--as-of", AS_OF, "--json").output)
    assert "@noor_ahmed" in [f["owner"] for f in b["follow_ups"]]  # as the record writes it
    kb = load_kb(root)
    day = dt.date.fromisoformat(AS_OF)
    page = pages(kb, as_of=day, board=report_board(kb, day, today=day))["board/index.md"]
    assert "@noor" not in page and "@sam-lee" in page, page
    # MCP's problem_report text, whole and narrowed to the handle
    from recur.serve.mcp_board import board_answer

    for given in (None, "@noor-ahmed"):
        _, said = board_answer(report_board(kb, day, owner=given), owner=given, limit=None, paged=lambda rows: rows)
        lines = [x for x in said.splitlines() if x.startswith("- ")]
        assert not any("@noor" in x for x in lines) and sum("Noor Ahmed" in x for x in lines) >= 4, said


def test_did_you_mean_never_suggests_the_owner_asked_for(tmp_path):
    """Noor Ahmed has nothing open: `--owner @noor-ahmed` said "(did you mean Noor Ahmed?)", the person asked for,
    in `recur report` and in MCP's problem_report alike. Another owner close to the name is still suggested."""
    import datetime as dt

    from recur.problems.board import kb_owners
    from recur.serve.mcp_board import board_answer

    root = tmp_path / "kb"
    write(root, "patterns/capacity/disk-full.md", pattern_text("disk-full", fix="fix: {status: done, owner: Noor Ahmed}"))  # fmt: skip
    write(
        root,
        "incidents/2026/INC-2026-0001.md",
        "---\nid: INC-2026-0001\ntitle: Disk\ndate: 2026-05-02\nseverity: sev3\npatterns: [disk-full]\nfollow_ups:\n"
        "  - {title: Aye, owner: Noor Ahmed, due: 2026-05-01, status: done}\n"
        "  - {title: Cee, owner: Sam, due: 2026-05-01}\n---\n\n## Summary\nx\n",
    )
    for given in ("@noor-ahmed", "Noor  Ahmed", "noor_ahmed"):
        out = run("report", "--kb", root, "--as-of", AS_OF, "--owner", given)
        assert out.exit_code == 0 and "owns nothing on this board" in out.output, (given, out.output)
        assert "did you mean" not in out.output, (given, out.output)
        kb = load_kb(root)
        day = dt.date.fromisoformat(AS_OF)
        _, text = board_answer(
            report_board(kb, day, owner=given), owner=given, limit=None, paged=lambda r: r, known=kb_owners(kb)
        )
        said = [line for line in text.splitlines() if "owns nothing" in line]
        assert said and "did you mean" not in said[0], (given, said)
    out = run("report", "--kb", root, "--as-of", AS_OF, "--owner", "Noor Ahmad")
    assert "(did you mean Noor Ahmed?)" in out.output, out.output


def test_the_owner_help_says_a_handle_and_its_full_name_are_one():
    """`--owner`'s help and MCP's problem_report ``owner`` description said only "'Bob', 'bob' and '@bob'"."""
    from recur.serve.mcp_server import ReportOwner

    help_text = " ".join(run("report", "--help").output.split())
    assert "a full name the KB holds and its handle ('Noor Ahmed', '@noor-ahmed')" in help_text, help_text
    described = ReportOwner.__metadata__[0].description
    assert "a full name the KB holds and its handle ('Noor Ahmed', '@noor-ahmed')" in described, described


def test_a_name_with_accents_and_its_handle_are_one_owner(tmp_path):
    """`Zoë Müller` and `@zoe-muller` (a mention has no accents) were two owners on the board, and `--owner` and the
    `--fail-on` owner check read them apart, while `Noor Ahmed` and `@noor-ahmed` were one. Another name stays apart."""
    items = [("Aye", "'@zoe-muller'"), ("Bee", "Zoe Miller"), ("Cee", "zoë müller")]
    root = _disk_full_kb(tmp_path / "kb", "fix: {status: open, owner: Zoë Müller, due: 2026-04-01}", items)
    b = json.loads(run("report", "--kb", root, "--as-of", AS_OF, "--json").output)
    assert list(b["by_owner"]) == ["Zoe Miller", "Zoë Müller", "(unowned)"], b["by_owner"]
    zoe = b["by_owner"]["Zoë Müller"]
    assert (zoe["fixes"], zoe["follow_ups"]) == (1, 2), zoe
    for given in ("Zoë Müller", "zoe muller", "@zoe-muller", "Zoe\u0308 Mu\u0308ller"):  # the last: marks typed apart
        mine = json.loads(run("report", "--kb", root, "--as-of", AS_OF, "--json", "--owner", given).output)
        assert sorted(f["title"] for f in mine["follow_ups"]) == ["Aye", "Cee"], (given, mine["follow_ups"])
        assert [f["pattern"] for f in mine["fixes"]] == ["disk-full"], (given, mine["fixes"])
        gate = run("report", "--kb", root, "--as-of", AS_OF, "--owner", given, "--fail-on", "overdue")
        assert gate.exit_code == 1 and "no record of the KB names" not in gate.output, (given, gate.output)
    miller = json.loads(run("report", "--kb", root, "--as-of", AS_OF, "--json", "--owner", "Zoe Miller").output)
    assert [f["title"] for f in miller["follow_ups"]] == ["Bee"] and miller["fixes"] == [], miller


def test_accents_are_folded_but_two_names_never_merge():
    from recur.kb.records import owner_key

    assert owner_key("Zoë Müller") == owner_key("@zoe-muller".replace("-", " ")) == "zoe muller"
    assert owner_key("Nguyễn Văn An") == "nguyen van an" and owner_key("François") == "francois"
    # a mark that makes another letter, not an accent on a Latin one, is kept: さとう and さどう are two people
    assert owner_key("さとう") != owner_key("さどう") and owner_key("क्ष") != owner_key("कष")
    assert owner_key("Zoe Müller") != owner_key("Zoe Miller")


def test_a_dotted_capital_i_and_a_stroked_letter_fold_as_a_handle_spells_them():
    from recur.kb.records import owner_key
    from recur.problems.board import owner_aliases

    # "İlker" casefolded to i + a lone U+0307, kept: "İlker Çelik" and "Ilker Celik" were two owners
    assert owner_key("İlker Çelik") == owner_key("Ilker Celik") == "ilker celik"
    # ł has no mark to drop: "Łukasz Żak" was "łukasz zak", and @lukasz-zak no alias of it
    assert owner_key("Łukasz Żak") == "lukasz zak" and owner_aliases(["Łukasz Żak"])["lukasz-zak"] == "Łukasz Żak"
    assert owner_key("Øyvind Ødegård") == "oyvind odegard" and owner_key("Æsa Großmann") == "aesa grossmann"
    # found in review: Turkish's dotless ı, Maltese's ħ and Sámi's ŧ were kept, "Işık Yılmaz" no alias of @isik-yilmaz
    assert owner_key("Işık Yılmaz") == "isik yilmaz" and owner_aliases(["Işık Yılmaz"])["isik-yilmaz"] == "Işık Yılmaz"
    assert owner_key("Ħarry Ŧorsen") == "harry torsen"
    # still never two names as one: a mark that makes another letter of its script is kept
    assert (
        owner_key("か") != owner_key("が") and owner_key("и") != owner_key("й") and owner_key("한") != owner_key("하")
    )


def test_the_overdue_gate_names_an_owner_as_the_rows_do(tmp_path):
    """Found in a re-read: `--fail-on overdue` said "(@noor-ahmed)" of a fix, a review and a follow-up whose report
    rows say "Noor Ahmed"; it names them as By owner does now, a handle with no full name as written."""
    root = _kb(tmp_path / "kb")
    gate = run("report", "--kb", root, "--as-of", AS_OF, "--fail-on", "overdue")
    said = [x for x in gate.output.splitlines() if "overdue by" in x]
    assert gate.exit_code == 1 and not any("@noor" in x for x in said), gate.output
    assert any(x.strip().startswith("review of INC-2026-0001 (Noor Ahmed) overdue by") for x in said), said
    assert any("permanent fix of disk-full (Noor Ahmed) overdue by" in x for x in said), said
    assert any("'Grow the volume' of INC-2026-0001 (Noor Ahmed)" in x for x in said), said
    assert any("'Rotate the logs' of INC-2026-0001 (@sam-lee)" in x for x in said), said
