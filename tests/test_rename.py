"""`recur rename OLD NEW`: a pattern renamed as docs/kb-format.md's "Renaming a pattern" said to do by hand (copy
the file with the new id, the old one a retired stub, then what `recur check` names pointed at the new id), which
few authors got right the first time. Every file is changed in place (comments and layout kept), all at once or
not at all, and `recur check --strict` has nothing new to say afterwards."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from kbfactory import pattern_text, small_kb, write

from recur.cli.main import cli

TODAY = "2026-12-06"
TOOLS = Path(__file__).resolve().parents[1] / "tools"

FIX = (
    "fix:  # tracked by the problem manager\n"
    "  status: open   # not started\n"
    "  owner: team-storage\n"
    "  tickets: [PRB-135]\n"
)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("RECUR_TODAY", TODAY)


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def rename(kb, *args):
    return run("rename", "--kb", kb, *args)


def snapshot(root: Path) -> dict:
    """Every file under ``root`` (hidden ones too: a temp file left would show) with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def strict_findings(kb: Path) -> list[tuple]:
    """(file, field, message) of each error and warning `recur check --strict --json` gives."""
    res = run("check", "--kb", kb, "--strict", "--format", "json")
    doc = json.loads(res.stdout)
    return [(p["path"], p["field"], p["message"]) for p in doc["problems"] if p["level"] in ("error", "warning")]


@pytest.fixture
def kb(tmp_path, monkeypatch):
    """small_kb, where disk-full (with an open fix, and comments in its front matter) is named by a path's step,
    a case, db-pool-exhausted's related, dns-failure's distinguish, an incident record and the superseded_by of
    old-retired."""
    monkeypatch.chdir(tmp_path)
    root = small_kb(tmp_path / "kb")
    write(
        root,
        "patterns/capacity/disk-full.md",
        pattern_text(
            "disk-full",
            title="Disk full on a host",
            symptoms=("writes fail", "no space left on device"),
            signals=("No space left on device", "ENOSPC"),
            related=("db-pool-exhausted",),
            fix=FIX,
            extra_front="owner: team-storage  # pages the storage rota",
        ),
    )
    dns = root / "patterns/network/dns-failure.md"
    dns.write_text(
        dns.read_text().replace(
            "---\n\n",
            'distinguish:\n  - from: disk-full   # told apart by the error\n    by: "ENOSPC, not SERVFAIL"\n---\n\n',
            1,
        )
    )
    retired = root / "patterns/deploys/old-retired.md"  # replaced by disk-full: left so, and followed on to NEW
    retired.write_text(retired.read_text().replace("status: retired\n", "status: retired\nsuperseded_by: disk-full\n"))
    steps = root / "paths/first-week.yml"
    steps.write_text(
        steps.read_text() + "  - pattern: disk-full  # the cheapest outage to prevent\n    why: it fills up\n"
    )
    write(
        root,
        "incidents/2026/INC-2026-0003.md",
        """---
id: INC-2026-0003
title: Uploads failed on a full volume
date: 2026-05-01
severity: sev3
patterns: [disk-full]
---

## Summary
The upload volume filled up.
""",
    )
    assert strict_findings(root) == []
    return root


def test_rename_changes_each_file_in_place_and_check_strict_stays_clean(kb):
    before = snapshot(kb)
    res = rename(kb, "disk-full", "volume-full")
    assert res.exit_code == 0, res.output
    after = snapshot(kb)
    old = before["patterns/capacity/disk-full.md"].decode()
    # the copy: the id alone changed, comments, order and the fix kept (open: it is the new pattern's now)
    assert after["patterns/capacity/volume-full.md"].decode() == old.replace("id: disk-full", "id: volume-full")
    stub = old.replace("  status: open   # not started", "  status: wont-fix   # not started").replace(
        "\n---\n\n## Summary", f"\nstatus: retired\nsuperseded_by: volume-full\nretired: {TODAY}\n---\n\n## Summary", 1
    )
    assert after["patterns/capacity/disk-full.md"].decode() == stub
    for name, old_text, new_text in (
        ("patterns/capacity/db-pool-exhausted.md", "related: [disk-full]", "related: [volume-full]"),
        ("patterns/network/dns-failure.md", "  - from: disk-full   #", "  - from: volume-full   #"),
        ("paths/first-week.yml", "  - pattern: disk-full  #", "  - pattern: volume-full  #"),
        ("eval/cases.yml", "expect: [disk-full]", "expect: [volume-full]"),
    ):
        assert after[name].decode() == before[name].decode().replace(old_text, new_text), name
    changed = {n for n in after if before.get(n) != after[n]}
    assert changed == {
        "patterns/capacity/volume-full.md",
        "patterns/capacity/disk-full.md",
        "patterns/capacity/db-pool-exhausted.md",
        "patterns/network/dns-failure.md",
        "paths/first-week.yml",
        "eval/cases.yml",
    }  # the incident record and the retired pattern's links left as they were
    assert strict_findings(kb) == []
    out = res.output
    assert "kb/patterns/capacity/db-pool-exhausted.md: related[0]: disk-full → volume-full" in out
    assert "kb/paths/first-week.yml: steps[2].pattern: disk-full → volume-full" in out
    assert "kb/eval/cases.yml: [1].expect[0]: disk-full → volume-full" in out
    assert "Left naming disk-full, as the format keeps them: 1 incident record" in out
    assert out.rstrip().endswith(f"Next: recur check --kb {kb} --strict, then recur index --kb {kb}")


def test_dry_run_says_what_it_would_change_and_writes_nothing(kb):
    before = snapshot(kb)
    res = rename(kb, "disk-full", "volume-full", "--dry-run")
    assert res.exit_code == 0, res.output
    assert snapshot(kb) == before
    assert res.output.startswith("Would rename disk-full to volume-full (dry run: nothing written):")
    stub = f"retired stub: status: retired, superseded_by: volume-full, retired: {TODAY}, fix.status: wont-fix"
    assert f"kb/patterns/capacity/disk-full.md: {stub}" in res.output


# each a file's text with one piece replaced (the pattern, the text, its replacement), before a rename it refuses
DNS, DB_POOL = "patterns/network/dns-failure.md", "patterns/capacity/db-pool-exhausted.md"
_DRAFT = (DNS, "category: network\n", "category: network\nstatus: draft\n")
_BREAK_DB_POOL = (DB_POOL, "severity: sev2", "severity: sev9")
_DNS_UNREAD = (DNS, '"ENOSPC, not SERVFAIL"', '"ENOSPC, not SERVFAIL')
_DNS_ODD_FORM = (DNS, "  - from: disk-full   #", "  - from: [disk-full]   #")


@pytest.mark.parametrize(
    "args,broken,said",
    [
        (["disk-ful", "volume-full"], None, "OLD: unknown pattern id(s) disk-ful (did you mean disk-full?)"),
        (["old-retired", "disk-full"], None, "kb/patterns/deploys/old-retired.md:8: status: old-retired is retired"),
        (["dns-failure", "dns-broken"], _DRAFT, "kb/patterns/network/dns-failure.md:5: status: dns-failure is a draft"),
        (["disk-full", "db-pool-exhausted"], None, "NEW: pattern 'db-pool-exhausted' already exists"),
        (["disk-full", "old-retired"], None, "NEW: pattern 'old-retired' already exists"),
        (["disk-full", "Volume_Full"], None, "NEW: must be a kebab-case id"),
        (["disk-full", "con"], None, "NEW: 'con' names the device CON"),
        (["disk-full", "disk-full"], None, "NEW: 'disk-full' is the pattern's id already"),
        (["disk-full", "volume-full", "--category", "capacty"], None, "--category: there is no category 'capacty'"),
        (["disk-full", "volume-full"], _BREAK_DB_POOL, "kb/patterns/capacity/db-pool-exhausted.md:5: severity:"),
        (
            ["disk-full", "volume-full"],
            _DNS_UNREAD,
            "kb/patterns/network/dns-failure.md:14: front matter: YAML does not parse",
        ),
        (["disk-full", "volume-full"], _DNS_ODD_FORM, "dns-failure.md:13: distinguish[0].from: must be a string"),
    ],
    ids=[
        "unknown",
        "retired",
        "draft",
        "taken",
        "taken-by-stub",
        "no-id",
        "reserved",
        "same",
        "category-slip",
        "error",
        "unread",
        "odd-form",
    ],
)
def test_a_refusal_names_the_file_or_argument_and_writes_nothing(kb, args, broken, said):
    if broken:
        rel, piece, replacement = broken
        path, text = kb / rel, (kb / rel).read_text()
        assert piece in text, (rel, piece)  # the KB the refusal is about
        path.write_text(text.replace(piece, replacement))
    before = snapshot(kb)
    res = rename(kb, *args)
    assert res.exit_code == 1, res.output
    assert said in res.output, res.output
    assert res.output.startswith("Error: ") and "Traceback" not in res.output
    assert snapshot(kb) == before


def test_the_retired_refusal_says_why(kb):
    res = rename(kb, "old-retired", "new-one")
    assert "kb/patterns/deploys/old-retired.md:8: status: old-retired is retired already" in res.output, res.output


def test_an_error_in_a_file_it_does_not_change_is_no_refusal(kb):
    path = kb / "patterns/deploys/old-retired.md"
    path.write_text(path.read_text().replace("severity: sev2", "severity: sev9"))
    assert rename(kb, "disk-full", "volume-full").exit_code == 0


def test_a_new_category_moves_the_file_and_keeps_its_links_leading_where_they_led(kb):
    path = kb / "patterns/capacity/disk-full.md"
    body = (
        "See [the pool](db-pool-exhausted.md#summary) and [dns](../network/dns-failure.md), the "
        "[docs](https://example.com/x.md), [here](#runbook), `[code](db-pool-exhausted.md)`.\n"
    )
    path.write_text(path.read_text().replace("## Runbook", body + "\n## Runbook"))
    assert strict_findings(kb) == []
    res = rename(kb, "disk-full", "volume-full", "--category", "storage")
    assert res.exit_code == 0, res.output
    moved = (kb / "patterns/storage/volume-full.md").read_text()
    assert "category: storage" in moved and "id: volume-full" in moved
    assert (
        "See [the pool](../capacity/db-pool-exhausted.md#summary) and [dns](../network/dns-failure.md), the "
        "[docs](https://example.com/x.md), [here](#runbook), `[code](db-pool-exhausted.md)`." in moved
    )
    assert "1 relative link rewritten to lead from storage/ to the same files" in res.output
    assert strict_findings(kb) == []


def test_a_write_refused_part_way_leaves_every_file_as_it_was(kb, tmp_path):
    """The files are staged one by one; the last, eval/cases.yml, is too large for the process's file size limit
    (a full disk, a quota): the files staged before it are never put in place, and no temp file is left."""
    cases = kb / "eval/cases.yml"
    cases.write_text(
        cases.read_text() + "".join(f'- query: "filler case {n:05d}"\n  expect: [dns-failure]\n' for n in range(400))
    )
    before = snapshot(kb)
    code = textwrap.dedent(
        f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (8000, 8000))
        from recur.cli.main import main
        sys.argv = ["recur", "rename", "--kb", {str(kb)!r}, "disk-full", "volume-full", "--category", "storage"]
        main()
        """
    )
    assert len(cases.read_bytes()) > 8000 > max(len(v) for k, v in before.items() if k != "eval/cases.yml")
    env = {**os.environ, "PYTHONPATH": str(TOOLS), "PYTHONDONTWRITEBYTECODE": "1"}
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 1, res.stderr
    assert "eval/cases.yml: cannot write the file there: File too large" in res.stderr, res.stderr
    assert "Traceback" not in res.stderr
    assert snapshot(kb) == before
    assert not (kb / "patterns/storage").exists()  # the new category's folder, made for the new file, taken out


def test_a_folder_it_may_not_write_leaves_every_file_as_it_was(kb):
    """paths/ read-only to this user: the pattern files staged before it are never put in place."""
    folder = kb / "paths"
    before = snapshot(kb)
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("chmod does not restrict this user (root)")
        res = rename(kb, "disk-full", "volume-full")
    finally:
        folder.chmod(0o755)
    assert res.exit_code == 1, res.output
    assert "kb/paths/first-week.yml: cannot write the file there: Permission denied" in res.output, res.output
    assert snapshot(kb) == before


def test_a_rename_that_fails_among_the_renames_puts_back_the_files_already_replaced(kb, monkeypatch):
    """The OS refusing the third rename into place (as an interruption there would stop it): the new file and
    the stub already renamed are taken back, so the KB is the old one whole."""
    before = snapshot(kb)
    real, calls = os.replace, []

    def third_fails(src, dst, *args, **kwargs):
        calls.append(dst)
        if len(calls) == 2:  # the new file is linked, not renamed: the second os.replace is the third file
            raise OSError(5, "Input/output error")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", third_fails)
    res = rename(kb, "disk-full", "volume-full")
    assert res.exit_code == 1, res.output
    assert "cannot write the file there: Input/output error" in res.output
    assert snapshot(kb) == before


@pytest.mark.parametrize(
    "rel,old_text,new_text,said",
    [
        (
            "paths/first-week.yml",
            "  - pattern: disk-full  #",
            "  - pattern: Disk-Full  #",
            "kb/paths/first-week.yml:8: steps[2].pattern: must be a kebab-case id",
        ),
        (
            "patterns/capacity/db-pool-exhausted.md",
            "related: [disk-full]",
            "related: [DISK-FULL]",
            "kb/patterns/capacity/db-pool-exhausted.md:12: related[0]: must be a kebab-case id",
        ),
    ],
    ids=["step", "related"],
)
def test_a_file_naming_old_in_another_letter_case_is_refused_with_its_error(kb, rel, old_text, new_text, said):
    """`recur check` names 'Disk-Full' with 'did you mean disk-full?': a rename that went on left the file naming
    the id of the retired stub in another case (a step to fix, then a warning to point it at NEW), where it is a
    file the rename must change, refused with its error as one written in lower case is."""
    path = kb / rel
    assert old_text in path.read_text()
    path.write_text(path.read_text().replace(old_text, new_text))
    before = snapshot(kb)
    res = rename(kb, "disk-full", "volume-full")
    assert res.exit_code == 1, res.output
    assert said in res.output, res.output
    assert snapshot(kb) == before


def test_an_id_written_in_quotes_is_pointed_at_new_in_the_same_quotes(kb):
    """The author's layout kept: a quoted id stays quoted (it was written plain)."""
    for rel, old_text, new_text in (
        ("patterns/capacity/db-pool-exhausted.md", "related: [disk-full]", "related: ['disk-full']"),
        ("paths/first-week.yml", "  - pattern: disk-full  #", '  - pattern: "disk-full"  #'),
        ("eval/cases.yml", "expect: [disk-full]", 'expect: ["disk-full"]'),
    ):
        path = kb / rel
        assert old_text in path.read_text()
        path.write_text(path.read_text().replace(old_text, new_text))
    res = rename(kb, "disk-full", "volume-full")
    assert res.exit_code == 0, res.output
    assert "related: ['volume-full']" in (kb / "patterns/capacity/db-pool-exhausted.md").read_text()
    assert '  - pattern: "volume-full"  #' in (kb / "paths/first-week.yml").read_text()
    assert 'expect: ["volume-full"]' in (kb / "eval/cases.yml").read_text()
    assert strict_findings(kb) == []


# --json: the keys are a public interface (docs/cli.md, "recur rename")
JSON_KEYS = ["old", "new", "new_file", "stub", "files", "incidents", "mentions", "finished", "dry_run"]


@pytest.mark.parametrize("dry", [False, True], ids=["written", "dry-run"])
def test_json_gives_the_ids_the_files_and_each_change(kb, dry):
    before = snapshot(kb)
    res = rename(kb, "disk-full", "volume-full", "--json", *(["--dry-run"] if dry else []))
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert list(doc) == JSON_KEYS
    assert (doc["old"], doc["new"], doc["dry_run"], doc["finished"]) == ("disk-full", "volume-full", dry, None)
    assert doc["new_file"] == "kb/patterns/capacity/volume-full.md"
    assert doc["stub"] == "kb/patterns/capacity/disk-full.md"
    files = {f["path"]: f["changes"] for f in doc["files"]}
    assert list(files)[:2] == [doc["new_file"], doc["stub"]]
    assert files["kb/paths/first-week.yml"] == ["steps[2].pattern: disk-full → volume-full"]
    assert files["kb/eval/cases.yml"] == ["[1].expect[0]: disk-full → volume-full"]
    assert len(files) == 6
    assert doc["incidents"] == {"naming_old": 1, "naming_replaced": {}}  # old-retired, replaced by it, has none
    assert (snapshot(kb) == before) is dry


def test_json_refusal_is_one_object_with_the_error_and_nothing_written(kb):
    before = snapshot(kb)
    res = rename(kb, "disk-ful", "volume-full", "--json")
    assert res.exit_code == 1
    doc = json.loads(res.stdout)
    assert list(doc) == ["old", "new", "error"]
    assert doc["error"].startswith("OLD: unknown pattern id(s) disk-ful (did you mean disk-full?)")
    assert f"Error: {doc['error']}" in res.stderr
    assert snapshot(kb) == before


def test_prose_naming_old_is_left_as_written_and_listed_by_file_and_line(kb):
    """A link to OLD's page, a word in a Summary, a step's why: the author's words, not changed, but named, in the
    text, the dry run and --json; the ids the rename points at NEW, or keeps (an incident's patterns), are not."""
    edits = (
        (
            "patterns/network/dns-failure.md",
            "## Runbook",
            "Unlike [a full disk](../capacity/disk-full.md).\n\n## Runbook",
        ),
        ("incidents/2026/INC-2026-0003.md", "The upload volume filled up.", "The upload volume filled up (disk-full)."),
        ("paths/first-week.yml", "    why: it fills up\n", "    why: disk-full is the cheapest outage\n"),
    )
    for rel, piece, replacement in edits:
        path = kb / rel
        assert piece in path.read_text(), rel
        path.write_text(path.read_text().replace(piece, replacement))
    expect = sorted(
        (f"kb/{rel}", 1 + (kb / rel).read_text().split("\n").index(line))
        for rel, line in (
            ("patterns/network/dns-failure.md", "Unlike [a full disk](../capacity/disk-full.md)."),
            ("incidents/2026/INC-2026-0003.md", "The upload volume filled up (disk-full)."),
            ("paths/first-week.yml", "    why: disk-full is the cheapest outage"),
        )
    )
    for args in (["--dry-run"], []):
        res = rename(kb, "disk-full", "volume-full", *args)
        assert res.exit_code == 0, res.output
        assert "Prose still naming disk-full, left as written (3 lines;" in res.output
        for path, line in expect:
            assert f"  {path}:{line}: " in res.output, (path, line, res.output)
        if args:
            dry = rename(kb, "disk-full", "volume-full", "--dry-run", "--json")
            assert sorted((m["path"], m["line"]) for m in json.loads(dry.stdout)["mentions"]) == expect
    assert "Unlike [a full disk](../capacity/disk-full.md)." in (kb / "patterns/network/dns-failure.md").read_text()
    assert (kb / "paths/first-week.yml").read_text().count("disk-full") == 1  # the why; the step points at NEW


def test_more_than_twenty_prose_lines_are_cut_to_twenty_in_the_text_and_listed_whole_in_json(kb):
    """The text lists the first 20 lines of prose, each cut to 100 characters, then how many more; --json all,
    as written."""
    page = kb / "patterns/network/dns-failure.md"
    long = "see disk-full " + "x" * 120
    lines = [f"Line {n}: unlike disk-full." for n in range(24)] + [long]
    page.write_text(page.read_text().replace("## Runbook", "\n\n".join(lines) + "\n\n## Runbook", 1))
    res = rename(kb, "disk-full", "volume-full", "--dry-run")
    assert res.exit_code == 0, res.output
    shown = [
        x for x in res.output.split("\n") if x.startswith("  kb/patterns/network/dns-failure.md:") and "→" not in x
    ]
    assert len(shown) == 20 and "  and 5 more (--json lists them all)" in res.output, res.output
    doc = json.loads(rename(kb, "disk-full", "volume-full", "--dry-run", "--json").stdout)
    texts = [m["text"] for m in doc["mentions"]]
    assert len(texts) == 25 and long in texts
    whole = rename(kb, "disk-full", "volume-full", "--dry-run").output
    assert long not in whole  # cut in the text, its 100th character the ellipsis
    page.write_text(page.read_text().replace("\n\n".join(lines[:24]) + "\n\n", "", 1))
    one = rename(kb, "disk-full", "volume-full", "--dry-run").output
    cut = next(x for x in one.split("\n") if "see disk-full" in x).split(": ", 1)[1]
    assert len(cut) == 100 and cut.endswith("…") and long.startswith(cut[:-1]), cut


def test_a_second_rename_counts_the_records_of_the_id_it_replaced(kb):
    """disk-full → volume-full → storage-full: no record names volume-full, but INC-2026-0003 (naming disk-full)
    was its history and is storage-full's now, through both stubs; it said 0 incident records and nothing more."""
    assert rename(kb, "disk-full", "volume-full").exit_code == 0
    res = rename(kb, "volume-full", "storage-full")
    assert res.exit_code == 0, res.output
    assert "Left naming volume-full, as the format keeps them: 0 incident records" in res.output
    assert "And 1 incident record naming an id volume-full replaced (disk-full: 1)" in res.output
    doc = json.loads(rename(kb, "storage-full", "space-full", "--json", "--dry-run").stdout)
    assert doc["incidents"] == {"naming_old": 0, "naming_replaced": {"disk-full": 1}}


# a sitecustomize.py on PYTHONPATH whose audit hook (sys.addaudithook) kills its own process with SIGKILL at the
# chosen event, as the real code is about to make that call: a kill -9 at a fixed point, not after a guessed delay
KILLER = """\
import os, re, signal, sys

_AT = os.environ["KILLED_AT_TEST"].split(" ", 1)


def _hook(event, args):
    if event == _AT[0] and re.search(_AT[1], repr(args)):
        os.kill(os.getpid(), signal.SIGKILL)


sys.addaudithook(_hook)
"""


def killed_rename(kb: Path, tmp_path: Path, event: str, args_regex: str, *args: str) -> subprocess.CompletedProcess:
    """`recur rename ARGS` in a process of its own, killed (SIGKILL) as it is about to make ``event``'s call."""
    hook = tmp_path / "hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(KILLER)
    env = {**os.environ, "PYTHONPATH": f"{hook}{os.pathsep}{TOOLS}", "KILLED_AT_TEST": f"{event} {args_regex}"}
    return subprocess.run(
        [sys.executable, "-m", "recur", "rename", "--kb", str(kb), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def records(root: Path) -> dict:
    """``snapshot`` without hidden files (the temp files a killed write left, which the next write removes)."""
    return {k: v for k, v in snapshot(root).items() if not any(part.startswith(".") for part in k.split("/"))}


def rename_findings(kb: Path) -> list[tuple]:
    """(level, message) of each problem `recur check` gives for the rename journal."""
    doc = json.loads(run("check", "--kb", kb, "--format", "json").stdout)
    return [(p["level"], p["message"]) for p in doc["problems"] if p["field"] == "rename"]


@pytest.fixture
def renamed_whole(kb, tmp_path):
    """The KB as `recur rename disk-full volume-full` leaves it, renamed in a copy: what a killed one must end as."""
    import shutil

    copy = tmp_path / "whole" / "kb"
    shutil.copytree(kb, copy)
    assert rename(copy, "disk-full", "volume-full").exit_code == 0
    return records(copy)


def test_a_rename_killed_among_its_renames_is_named_by_check_and_finished_by_the_next_rename(
    kb, tmp_path, renamed_whole
):
    """kill -9 as db-pool-exhausted.md is about to be replaced: the new file and the stub are in place, four files
    are not (it was left so, with nothing to say it). `recur check` names the half-done rename and the command that
    finishes it; that command writes the rest as planned, and the KB is the one a whole rename leaves."""
    before = records(kb)
    res = killed_rename(kb, tmp_path, "os.rename", r"db-pool-exhausted\.md'", "disk-full", "volume-full")
    assert res.returncode == -9, res.stderr
    now = records(kb)
    assert now["patterns/capacity/volume-full.md"] == renamed_whole["patterns/capacity/volume-full.md"]
    assert now["patterns/capacity/disk-full.md"] == renamed_whole["patterns/capacity/disk-full.md"]
    assert now["patterns/capacity/db-pool-exhausted.md"] == before["patterns/capacity/db-pool-exhausted.md"]
    check = run("check", "--kb", kb, "--format", "json")
    assert check.exit_code == 1, check.output
    said = [p for p in json.loads(check.stdout)["problems"] if p["field"] == "rename"]
    assert [(p["file"], p["level"]) for p in said] == [("kb/.recur-rename.json", "error")], said
    assert (
        "`recur rename disk-full volume-full` was killed part-way: 4 files of 6 not yet renamed" in said[0]["message"]
    )
    assert f"run `recur rename --kb {kb} disk-full volume-full` to finish it" in said[0]["message"]
    dry = rename(kb, "disk-full", "volume-full", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Would finish the interrupted rename of disk-full to volume-full" in dry.output
    assert records(kb) == now
    res = rename(kb, "disk-full", "volume-full", "--json")
    assert res.exit_code == 0, res.output
    finished = json.loads(res.stdout)["finished"]
    assert (finished["old"], finished["new"], len(finished["written"]), len(finished["already"])) == (
        "disk-full",
        "volume-full",
        4,
        2,
    )
    assert records(kb) == renamed_whole
    assert not (kb / ".recur-rename.json").exists()
    assert strict_findings(kb) == []


def test_a_file_changed_after_the_kill_is_named_and_nothing_written_over_it(kb, tmp_path):
    res = killed_rename(kb, tmp_path, "os.rename", r"db-pool-exhausted\.md'", "disk-full", "volume-full")
    assert res.returncode == -9, res.stderr
    path = kb / "paths/first-week.yml"
    path.write_text(path.read_text() + "  # edited by hand since\n")
    now = records(kb)
    said = rename_findings(kb)  # it said to run the rename, which refuses: it names the file to finish by hand
    assert [level for level, _ in said] == ["error"]
    assert "and 1 file of it changed since (kb/paths/first-week.yml), which `recur rename" in said[0][1]
    assert "finish it by hand" in said[0][1]
    res = rename(kb, "disk-full", "volume-full")
    assert res.exit_code == 1, res.output
    assert "kb/paths/first-week.yml: changed since `recur rename disk-full volume-full` was interrupted" in res.output
    assert records(kb) == now
    assert (kb / ".recur-rename.json").exists()


def test_a_rename_killed_before_its_first_replace_leaves_nothing_to_finish(kb, tmp_path):
    """Killed as the new file is about to be linked in (every file staged, its journal written): the KB is as it
    was; the next rename finishes it all the same, as it was asked."""
    before = records(kb)
    res = killed_rename(kb, tmp_path, "os.link", r"volume-full\.md'", "disk-full", "volume-full")
    assert res.returncode == -9, res.stderr
    assert records(kb) == before
    said = rename_findings(kb)  # it said "6 files of 6 not yet renamed, the KB half renamed", an error
    assert [level for level, _ in said] == ["warning"]
    assert "was killed before it renamed any file: the KB is as it was" in said[0][1]
    res = rename(kb, "disk-full", "volume-full")
    assert res.exit_code == 0, res.output
    assert "Finished the interrupted rename of disk-full to volume-full" in res.output
    assert strict_findings(kb) == []


def test_an_interrupted_rename_is_finished_before_another_asked_for(kb, tmp_path):
    """Killed at a replace, then another rename asked for: the first finished as planned, then the one asked, both
    said (--json: ``finished`` beside the new rename's keys)."""
    res = killed_rename(kb, tmp_path, "os.rename", r"dns-failure\.md'", "disk-full", "volume-full")
    assert res.returncode == -9, res.stderr
    res = rename(kb, "dns-failure", "dns-broken", "--json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert (doc["finished"]["old"], doc["finished"]["new"], len(doc["finished"]["written"])) == (
        "disk-full",
        "volume-full",
        3,
    )
    assert (doc["old"], doc["new"], doc["new_file"]) == (
        "dns-failure",
        "dns-broken",
        "kb/patterns/network/dns-broken.md",
    )
    assert "  - pattern: volume-full  #" in (kb / "paths/first-week.yml").read_text()  # the first rename's, finished
    assert not (kb / ".recur-rename.json").exists()
    assert strict_findings(kb) == []


def test_json_in_a_process_of_its_own_is_stdout_alone(kb):
    """A real run: stdout is the JSON object and nothing else (a script parses it whole), the Error: line on stderr."""
    from cli_runs import recur_runs

    ok, refused = recur_runs(
        [
            (["rename", "--kb", kb, "disk-full", "volume-full", "--json", "--dry-run"], None, None),
            (["rename", "--kb", kb, "disk-full", "disk-full", "--json"], None, None),
        ]
    )
    assert ok.returncode == 0, ok.stderr
    assert list(json.loads(ok.stdout)) == JSON_KEYS
    assert refused.returncode == 1
    assert json.loads(refused.stdout)["error"] == "NEW: 'disk-full' is the pattern's id already; give the new one"
    assert refused.stderr == "Error: NEW: 'disk-full' is the pattern's id already; give the new one\n"


@pytest.mark.parametrize("category", [None, "storage"], ids=["same-folder", "moved"])
def test_the_dry_run_lists_the_prose_of_the_new_file_as_the_rename_does(kb, category):
    """OLD's body naming OLD (a link to its own section, `disk-full-logs` aside) is copied into NEW's file: the
    rename listed that line, its dry run did not (the new file is not on disk yet), so the two lists differed."""
    path = kb / "patterns/capacity/disk-full.md"
    path.write_text(path.read_text().replace("## Runbook", "See [the steps](disk-full.md#runbook).\n\n## Runbook", 1))
    moved = ["--category", category] if category else []
    dry = rename(kb, "disk-full", "volume-full", "--dry-run", "--json", *moved)
    assert dry.exit_code == 0, dry.output
    done = rename(kb, "disk-full", "volume-full", "--json", *moved)
    assert done.exit_code == 0, done.output
    listed = [json.loads(res.stdout)["mentions"] for res in (dry, done)]
    new_file = json.loads(done.stdout)["new_file"]
    link = "disk-full.md" if category is None else "../capacity/disk-full.md"  # moved: rewritten to lead there
    assert [(m["path"], m["text"]) for m in listed[1]] == [(new_file, f"See [the steps]({link}#runbook).")]
    assert listed[0] == listed[1]


@pytest.mark.parametrize(
    "journal",
    [
        '{"rename": ["disk-full", "volume-full"], "pid": 99999999, "files": [{"path": "eval/cases.yml", '
        '"after": "0", "text": ""}]}',
        '{"rename": ["disk-full", "volume-full"], "pid": 99999999, "files": [{"path": "eval/cases.yml", '
        '"before": 7, "after": "0", "text": ""}]}',
        '{"rename": ["disk-full", ["volume-full"]], "pid": 99999999, "files": []}',
        '{"rename": ["disk-full", "volume-full"], "files": []}',
        '{"rename": ["disk-full", "volume-full"], "pid": 0, "files": []}',
    ],
    ids=["no-before", "before-a-number", "an-id-a-list", "no-pid", "pid-0"],
)
def test_a_journal_recur_did_not_write_is_named_not_a_traceback(kb, journal):
    """A journal edited or written by hand (a key missing, a value of another kind): `recur rename` raised
    KeyError: 'before' (a traceback) where it names the file; `recur check` names it as an error too."""
    (kb / ".recur-rename.json").write_text(journal)
    before = snapshot(kb)
    res = rename(kb, "disk-full", "volume-full")
    assert res.exit_code == 1, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "kb/.recur-rename.json: rename: not a journal this Recur wrote; move it out of the KB" in res.output
    assert snapshot(kb) == before
    check = run("check", "--kb", kb, "--format", "json")
    said = [(p["file"], p["level"]) for p in json.loads(check.stdout)["problems"] if p["field"] == "rename"]
    assert said == [("kb/.recur-rename.json", "error")]


def test_a_refusal_after_an_interrupted_rename_was_finished_says_that_one_in_json(kb, tmp_path, renamed_whole):
    """The interrupted rename is finished (files written), then the one asked for is refused: --json gave
    {old, new, error} alone, so a script read "nothing written"; it has the rename finished too, as the text says."""
    res = killed_rename(kb, tmp_path, "os.rename", r"dns-failure\.md'", "disk-full", "volume-full")
    assert res.returncode == -9, res.stderr
    res = rename(kb, "no-such-pattern", "other-name", "--json")
    assert res.exit_code == 1, res.output
    doc = json.loads(res.stdout)
    assert list(doc) == ["old", "new", "error", "finished"]
    assert doc["error"].startswith("OLD: unknown pattern id(s) no-such-pattern")
    assert (doc["finished"]["old"], doc["finished"]["new"], len(doc["finished"]["written"])) == (
        "disk-full",
        "volume-full",
        3,
    )
    assert records(kb) == renamed_whole


def test_a_rename_killed_as_it_removed_its_journal_is_whole_and_said_so(kb, tmp_path, renamed_whole):
    """Killed once every file was in place, as the journal was about to be removed: `recur check` said "0 files of
    6 not yet renamed, the KB half renamed", an error (a CI job failed on a KB renamed whole), and a dry run of
    another rename planned nothing. A warning says only the journal is left; the dry run plans the rename asked."""
    res = killed_rename(kb, tmp_path, "os.remove", r"/\.recur-rename\.json'", "disk-full", "volume-full")
    assert res.returncode == -9, res.stderr
    assert records(kb) == renamed_whole
    check = run("check", "--kb", kb, "--format", "json")
    assert check.exit_code == 0, check.output
    said = [p for p in json.loads(check.stdout)["problems"] if p["field"] == "rename"]
    assert [(p["file"], p["level"]) for p in said] == [("kb/.recur-rename.json", "warning")], said
    assert "every file of it is renamed, only its journal is left; delete it" in said[0]["message"]
    dry = rename(kb, "dns-failure", "dns-broken", "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    doc = json.loads(dry.stdout)
    assert (doc["finished"]["written"], len(doc["finished"]["already"])) == ([], 6)
    assert doc["new_file"] == "kb/patterns/network/dns-broken.md"
    assert (kb / ".recur-rename.json").exists()  # a dry run
    assert rename(kb, "dns-failure", "dns-broken").exit_code == 0
    assert not (kb / ".recur-rename.json").exists()
    assert strict_findings(kb) == []


def test_a_finished_rename_lists_the_prose_its_killed_run_never_did(kb, tmp_path):
    """The killed run died before it listed the prose still naming OLD, and the run that finished it listed none
    (``mentions: []``): that prose was never named. The finishing run lists it, in the text (its dry run too) and
    in ``finished.mentions``; --json keeps the keys in their documented order."""
    record = kb / "incidents/2026/INC-2026-0003.md"
    record.write_text(record.read_text().replace("filled up.", "filled up (disk-full)."))
    res = killed_rename(kb, tmp_path, "os.rename", r"dns-failure\.md'", "disk-full", "volume-full")
    assert res.returncode == -9, res.stderr
    line = "  kb/incidents/2026/INC-2026-0003.md:10: The upload volume filled up (disk-full)."
    dry = rename(kb, "disk-full", "volume-full", "--dry-run")
    assert "Prose still naming disk-full, left as written (1 line;" in dry.output
    assert line in dry.output.splitlines(), dry.output
    res = rename(kb, "disk-full", "volume-full", "--json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert list(doc) == JSON_KEYS
    assert doc["finished"]["mentions"] == [
        {"path": "kb/incidents/2026/INC-2026-0003.md", "line": 10, "text": "The upload volume filled up (disk-full)."}
    ]


def test_a_record_saved_with_a_byte_order_mark_is_read_as_the_loader_reads_it(kb):
    """A record saved by Notepad (UTF-8 with a BOM): its front matter was not seen as front matter, so its
    ``patterns: [disk-full]`` (a reference the stub keeps valid) was listed as prose, and a retired pattern's
    words, its history, were listed too."""
    record = kb / "incidents/2026/INC-2026-0003.md"
    record.write_bytes(b"\xef\xbb\xbf" + record.read_bytes())
    retired = kb / "patterns/deploys/old-retired.md"
    retired.write_bytes(b"\xef\xbb\xbf" + retired.read_bytes() + b"\nIt became disk-full.\n")
    assert strict_findings(kb) == []
    res = rename(kb, "disk-full", "volume-full", "--dry-run", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["mentions"] == []


def test_an_id_that_starts_another_id_is_not_a_mention_of_it(kb):
    """disk-full-logs (and its page, disk-full-logs.md) names another pattern, not disk-full; a link to OLD's page
    with an anchor, and OLD's id in any letter case, are mentions. CRLF lines are listed without their CR."""
    write(
        kb,
        "patterns/capacity/disk-full-logs.md",
        pattern_text(
            "disk-full-logs",
            summary="Unlike disk-full-logs.md and disk-full_v2, not disk-fullness.\r\nSee [volume](disk-full.md#runbook).",
        ),
    )
    res = rename(kb, "disk-full", "volume-full", "--dry-run", "--json")
    assert res.exit_code == 0, res.output
    listed = [(m["path"], m["text"]) for m in json.loads(res.stdout)["mentions"]]
    assert listed == [("kb/patterns/capacity/disk-full-logs.md", "See [volume](disk-full.md#runbook).")]


def test_a_journal_whose_pid_is_a_live_process_is_still_named_as_left(kb, tmp_path):
    """The rename's lock on the KB root, not its journal's pid, says whether it runs: a pid come round again (here
    this test's own, a live process), or a live one on the CI machine the journal was committed to, kept `recur
    check` quiet about a KB a killed rename left half renamed."""
    res = killed_rename(kb, tmp_path, "os.rename", r"db-pool-exhausted\.md'", "disk-full", "volume-full")
    assert res.returncode == -9, res.stderr
    journal = kb / ".recur-rename.json"
    journal.write_text(json.dumps({**json.loads(journal.read_text()), "pid": os.getpid()}))
    said = rename_findings(kb)
    assert [level for level, _ in said] == ["error"], said
    assert "was killed part-way: 4 files of 6 not yet renamed" in said[0][1]


def test_a_journal_under_a_held_lock_is_a_rename_running(kb, tmp_path):
    """While the KB root's edit lock is held (taken here as `recur rename` takes it), its journal is a running
    rename's, whatever its pid (a dead process's here): `recur check` says nothing of it; once let go, it names it."""
    from recur.util.files import editing

    res = killed_rename(kb, tmp_path, "os.rename", r"db-pool-exhausted\.md'", "disk-full", "volume-full")
    assert res.returncode == -9, res.stderr
    with editing(kb, "kb"):
        assert rename_findings(kb) == []
    assert [level for level, _ in rename_findings(kb)] == ["error"]


@pytest.fixture
def immutable(tmp_path):
    """``immutable(folder)``: makes ``folder`` immutable (chattr +i: no file in it removed or added, even by root,
    whom chmod does not stop), undone at teardown; the test is skipped where the file system or the user cannot."""
    import shutil

    made = []

    def make(folder: Path) -> None:
        if shutil.which("chattr") is None:
            pytest.skip("no chattr here")
        if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
            pytest.skip("chattr +i refused here (file system, or not root)")
        made.append(folder)

    yield make
    for folder in made:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_a_journal_that_cannot_be_removed_once_finished_is_named_not_a_traceback(
    kb, tmp_path, renamed_whole, immutable
):
    """The KB root made read-only after a kill -9: finishing the rename writes its files (in the folders under the
    root) and then cannot remove the journal: it said `Error: <journal's absolute path>: Operation not permitted`
    alone, as if nothing was written. It says the rename is finished and the journal is to be deleted."""
    res = killed_rename(kb, tmp_path, "os.rename", r"db-pool-exhausted\.md'", "disk-full", "volume-full")
    assert res.returncode == -9, res.stderr
    immutable(kb)
    res = rename(kb, "disk-full", "volume-full")
    assert res.exit_code == 1, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert (
        "kb/.recur-rename.json: the interrupted `recur rename disk-full volume-full` is finished, but its journal "
        "could not be removed (Operation not permitted); delete it"
    ) in res.output
    assert records(kb) == renamed_whole
