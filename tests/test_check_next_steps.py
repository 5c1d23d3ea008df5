"""`recur check` errors that named the problem and no way out (found by a pattern author): a duplicate id,
a related id no pattern has nor is close to, an active pattern with no root cause. Each now says what to
do, through the real CLI on a small KB."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from kbfactory import pattern_text, small_kb, write

from recur.cli.main import cli


def _lines(kb: Path) -> list[str]:
    """`recur check`'s lines, ``path:line: field: message``, each path (the line's, one in its message) from
    the KB's folder on."""
    r = CliRunner().invoke(cli, ["check", "--kb", str(kb), "--today", "2026-12-05", "--stale-days", "0"])
    assert r.exit_code == 1 and "Traceback" not in r.output, r.output
    return [re.sub(r"[^\s(]*/kb/", "", ln) for ln in r.output.splitlines()]


def test_a_duplicate_pattern_id_says_to_merge_or_rename(tmp_path):
    kb = small_kb(tmp_path / "kb")
    write(kb, "patterns/network/disk-full.md", pattern_text("disk-full", "network"))
    said = [ln for ln in _lines(kb) if ": id: " in ln]
    assert said == [
        f"patterns/{here}/disk-full.md:2: id: duplicate pattern id 'disk-full' (also in patterns/{there}/disk-full.md):"
        " if they are one failure, merge them into one file and delete the other; else give one a new id, in its"
        " id: line and its file name alike (a pattern's id is its file name)"
        for here, there in (("capacity", "network"), ("network", "capacity"))
    ], said


def test_a_duplicate_incident_id_says_to_merge_or_rename(tmp_path):
    kb = small_kb(tmp_path / "kb")
    write(kb, "incidents/2025/INC-2026-0001.md", (kb / "incidents/2026/INC-2026-0001.md").read_text())
    said = [ln for ln in _lines(kb) if ": id: " in ln]
    assert said == [
        f"incidents/{here}/INC-2026-0001.md:2: id: duplicate incident id 'INC-2026-0001' (also in "
        f"incidents/{there}/INC-2026-0001.md): if they are one incident, merge them into one file and delete the "
        "other; else give one a new id, in its id: line and its file name alike (an incident's id is its file "
        "name)"
        for here, there in (("2025", "2026"), ("2026", "2025"))
    ], said


def test_an_id_no_pattern_has_nor_is_close_to_says_to_take_it_out_or_write_it(tmp_path):
    kb = small_kb(tmp_path / "kb")
    path = kb / "patterns/capacity/disk-full.md"
    path.write_text(path.read_text().replace("related: [db-pool-exhausted]", "related: [kafka-lag-alert, dns-failur]"))
    line = 1 + path.read_text().split("\n").index("related: [kafka-lag-alert, dns-failur]")
    lines = _lines(kb)
    assert (
        f"patterns/capacity/disk-full.md:{line}: related[0]: no pattern has id 'kafka-lag-alert': take it out, or "
        "write that pattern first (recur new pattern --id kafka-lag-alert)"
    ) in lines, lines
    # one close to an id the KB has is still named with it, and nothing else
    assert (
        f"patterns/capacity/disk-full.md:{line}: related[1]: no pattern has id 'dns-failur'; did you mean dns-failure?"
    ) in lines, lines


def test_an_active_pattern_with_no_root_cause_is_told_a_draft_may_leave_it_out(tmp_path):
    """A draft may leave out its root cause (it loads with no error: the way out offered is real); an
    active pattern is told so, a retired one is not (it is no draft to be)."""
    kb = small_kb(tmp_path / "kb")
    write(kb, "patterns/capacity/no-cause.md", pattern_text("no-cause", root_cause=None))
    write(kb, "patterns/capacity/draft-cause.md", pattern_text("draft-cause", status="draft", root_cause=None))
    write(kb, "patterns/capacity/old-cause.md", pattern_text("old-cause", status="retired", root_cause=None))
    lines = _lines(kb)
    said = [ln.split(": ", 1)[1] for ln in lines if ": ## Root cause: " in ln]
    assert [ln.split(":", 1)[0] for ln in lines if ": ## Root cause: " in ln] == [
        "patterns/capacity/no-cause.md",
        "patterns/capacity/old-cause.md",
    ], lines
    assert said == [
        "## Root cause: required section is missing: write what made it fail under '## Root cause'; while the "
        "cause is not known, make the pattern status: draft, which may leave it out",
        "## Root cause: required section is missing",
    ], said
    assert not [ln for ln in lines if ln.startswith("patterns/capacity/draft-cause.md") and "warning" not in ln]


def test_a_renamed_pattern_is_told_once_to_keep_a_retired_stub(tmp_path):
    """Found in review: renaming disk-full.md to volume-full.md (its id too) gave each record naming disk-full
    "take it out, or write that pattern first", where the supported rename keeps the old file, retired, with
    superseded_by the new id. The first error naming it says so, once, with the id it was renamed to: the
    pattern that now lists, one way, the patterns that still name disk-full."""
    kb = small_kb(tmp_path / "kb")
    old = kb / "patterns/capacity/disk-full.md"
    new = old.with_name("volume-full.md")
    new.write_text(old.read_text().replace("id: disk-full", "id: volume-full"))
    old.unlink()
    lines = _lines(kb)
    advice = (
        "; if disk-full was renamed, keep disk-full.md as status: retired with superseded_by: volume-full, so links "
        'and votes keep working ("Renaming a pattern" in the KB format reference: KB-FORMAT.md, or recur kb-format)'
    )
    said = [ln for ln in lines if advice in ln]
    # the first error naming it, as `recur check` lists them: eval/cases.yml's, before the records' (it was
    # carried by db-pool-exhausted.md's, further down, found ageing a KB)
    first = next(ln for ln in lines if "no pattern has id 'disk-full'" in ln)
    assert said == [first] and first.startswith("eval/cases.yml:4: [1].expect: no pattern has id 'disk-full'"), lines
    # the stub it says to keep: no error is left
    old.write_text(
        new.read_text().replace("id: volume-full", "id: disk-full\nstatus: retired\nsuperseded_by: volume-full")
    )
    r = CliRunner().invoke(cli, ["check", "--kb", str(kb), "--today", "2026-12-05"])
    assert r.exit_code == 0 and "no pattern has id" not in r.output, r.output


def test_an_id_still_to_be_written_is_not_said_to_be_renamed(tmp_path):
    kb = small_kb(tmp_path / "kb")
    path = kb / "patterns/capacity/disk-full.md"
    path.write_text(path.read_text().replace("related: [db-pool-exhausted]", "related: [db-pool-exhausted, kafka-lag]"))
    lines = _lines(kb)
    assert any("no pattern has id 'kafka-lag'" in ln for ln in lines), lines
    assert not any("was renamed" in ln for ln in lines), lines


def _rename_pool(kb) -> None:
    """db-pool-exhausted.md renamed to db-connection-pool-exhausted.md, its id too, and the related list naming it
    changed; the incidents naming the old id left as they were."""
    old = kb / "patterns/capacity/db-pool-exhausted.md"
    old.with_name("db-connection-pool-exhausted.md").write_text(
        old.read_text().replace("id: db-pool-exhausted", "id: db-connection-pool-exhausted")
    )
    old.unlink()
    disk = kb / "patterns/capacity/disk-full.md"
    disk.write_text(disk.read_text().replace("related: [db-pool-exhausted]", "related: [db-connection-pool-exhausted]"))


def test_a_renamed_pattern_close_to_its_new_id_is_told_to_keep_a_stub_too(tmp_path):
    """Found ageing a two-year-old KB: db-connection-pool-exhausted.md moved to db-pool-exhausted.md (its id too, and
    the related lists naming it changed), five old incidents still naming the old id. Each was told "did you mean
    db-pool-exhausted?" alone (the new id is close to the old), so the maintainer edited history where the format
    keeps a retired stub. Incidents naming it in two records or more read as a rename: the first error says so,
    with the id it is close to; a slip in one record is still told the spelling alone."""
    kb = small_kb(tmp_path / "kb")
    _rename_pool(kb)
    second = kb / "incidents/2026/INC-2026-0003.md"
    second.write_text((kb / "incidents/2026/INC-2026-0001.md").read_text().replace("0001", "0003"))
    lines = _lines(kb)
    hint = "no pattern has id 'db-pool-exhausted'; did you mean db-connection-pool-exhausted?"
    advice = (
        "; if db-pool-exhausted was renamed, keep db-pool-exhausted.md as status: retired with superseded_by: "
        "db-connection-pool-exhausted, so links and votes keep working"
    )
    said = [ln for ln in lines if hint in ln]
    assert len(said) == 4 and [ln.split(": ")[0] for ln in said if advice in ln] == ["eval/cases.yml:2"], said
    assert advice in said[0], said  # the first such error, as listed
    # a slip in one record alone: the spelling, no rename advice
    second.unlink()
    lines = _lines(kb)
    assert [ln for ln in lines if hint in ln] and not any("was renamed" in ln for ln in lines), lines


def test_a_record_left_out_for_another_error_still_counts_for_the_rename_advice(tmp_path):
    """Found ageing a KB: db-pool-exhausted.md renamed to db-connection-pool-exhausted.md, two incident records naming
    the old id, one of them with an unknown severity (left out of the KB for it). The first error naming the old id
    was told the spelling alone, no stub to keep: the advice came only once that other error was fixed."""
    kb = small_kb(tmp_path / "kb")
    _rename_pool(kb)
    first = (kb / "incidents/2026/INC-2026-0001.md").read_text()
    (kb / "incidents/2026/INC-2026-0003.md").write_text(first.replace("0001", "0003").replace("sev2", "sev9"))
    lines = _lines(kb)
    assert any("INC-2026-0003.md:5: severity: unknown severity 'sev9'" in ln for ln in lines), lines
    naming = [ln for ln in lines if "no pattern has id 'db-pool-exhausted'" in ln]
    advice = "; if db-pool-exhausted was renamed, keep db-pool-exhausted.md as status: retired with superseded_by: "
    assert advice in naming[0] and not any(advice in ln for ln in naming[1:]), naming


def test_strict_says_how_many_warnings_fail_it_beside_those_that_do_not(tmp_path):
    """Found ageing a KB: `last_reviewed:` on each pattern (a key of the team's own, which --strict does not fail
    on) and a few warnings that do fail it ended "43 warnings ... Failing because of --strict.", the maintainer
    unable to tell which. The line counts them; with only warnings that fail it, it is as before."""
    kb = small_kb(tmp_path / "kb")
    write(kb, "patterns/network/long-one.md", pattern_text("long-one", "network", title="Long " * 30))
    args = ["check", "--kb", str(kb), "--today", "2026-12-05", "--stale-days", "0", "--strict"]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 1 and r.output.splitlines()[-1] == "Failing because of --strict.", r.output
    for pid in ("disk-full", "dns-failure"):
        path = next(kb.glob(f"patterns/*/{pid}.md"))
        path.write_text(path.read_text().replace("\n---\n", "\nlast_reviewed: 2025-01-01\n---\n", 1))
    r = CliRunner().invoke(cli, args)
    said = "Failing because of --strict: 2 of the 4 warnings (the other 2 say it does not fail on them)."
    assert r.exit_code == 1 and r.output.splitlines()[-1] == said, r.output


def test_strict_s_count_of_one_other_warning_reads_and_each_such_warning_says_so(tmp_path):
    """Found in review: one warning --strict does not fail on, an incident's section that is only "TBD", beside
    one it fails on, ended "(the other 1 say it does not fail on them)", and that warning did not say so."""
    kb = small_kb(tmp_path / "kb")
    write(kb, "patterns/network/long-one.md", pattern_text("long-one", "network", title="Long " * 30))
    inc = kb / "incidents/2026/INC-2026-0002.md"
    inc.write_text(inc.read_text() + "\n## Root cause\n\nTBD\n")
    args = ["check", "--kb", str(kb), "--today", "2026-12-05", "--stale-days", "0", "--strict"]
    r = CliRunner().invoke(cli, args)
    said = "Failing because of --strict: 2 of the 3 warnings (the other one says it does not fail on it)."
    assert r.exit_code == 1 and r.output.splitlines()[-1] == said, r.output
    tbd = [ln for ln in r.output.splitlines() if "'TBD'" in ln]
    assert len(tbd) == 1 and tbd[0].endswith("(--strict does not fail on it)"), r.output


def test_the_rename_advice_goes_on_the_first_error_changed_lists(tmp_path):
    """`recur check --changed FILE` lists the changed files' problems first: the rename advice stayed on the first
    error naming the old id in the KB's order (eval/cases.yml's), which then sat below the changed file's. It goes on
    the first error shown that names the old id, once."""
    kb = small_kb(tmp_path / "kb")
    old = kb / "patterns/capacity/disk-full.md"
    old.with_name("volume-full.md").write_text(old.read_text().replace("id: disk-full", "id: volume-full"))
    old.unlink()
    changed = str(kb / "patterns/capacity/db-pool-exhausted.md")
    r = CliRunner().invoke(cli, ["check", "--kb", str(kb), "--today", "2026-12-05", "--changed", changed])
    assert r.exit_code == 1 and "Traceback" not in r.output, r.output
    lines = [re.sub(r"[^\s(]*/kb/", "", ln) for ln in r.output.splitlines()]
    naming = [ln for ln in lines if "no pattern has id 'disk-full'" in ln]
    said = [ln for ln in lines if "if disk-full was renamed, keep disk-full.md" in ln]
    assert len(naming) >= 2 and naming[0].startswith("patterns/capacity/db-pool-exhausted.md:"), lines
    assert said == naming[:1], lines
    # with FILES alike: the named file's errors are shown, then those elsewhere naming an id no file has
    r = CliRunner().invoke(cli, ["check", "--kb", str(kb), "--today", "2026-12-05", changed])
    lines = [re.sub(r"[^\s(]*/kb/", "", ln) for ln in r.output.splitlines()]
    naming = [ln for ln in lines if "no pattern has id 'disk-full'" in ln]
    said = [ln for ln in lines if "if disk-full was renamed, keep disk-full.md" in ln]
    assert len(naming) >= 2 and naming[0].startswith("patterns/capacity/db-pool-exhausted.md:"), lines
    assert said == naming[:1], lines
