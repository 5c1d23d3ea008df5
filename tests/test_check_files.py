"""`recur check FILES` (what pre-commit runs): only the named files' problems are shown, each
named file must exist and be in the KB, and the summary claims only what was checked."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from kbfactory import pattern_text, small_kb, write

from recur.cli.main import cli

BROKEN = "patterns/capacity/broken.md"


def run(*args):
    r = CliRunner().invoke(cli, ["check", "--kb", "kb", "--stale-days", "0", *map(str, args)])
    assert "Traceback" not in r.output and (r.exception is None or isinstance(r.exception, SystemExit)), r.output
    return r


def _kb(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    kb = small_kb(Path("kb"))
    write(kb, BROKEN, pattern_text("broken", title="Broken", symptoms=()).replace("symptoms: []", "symptoms: 5"))
    return kb


def test_a_named_file_outside_the_kb_or_missing_is_an_error(tmp_path, monkeypatch):
    _kb(tmp_path, monkeypatch)
    outside = tmp_path / "elsewhere" / "bad.md"
    write(outside.parent, "bad.md", "---\nid: [\n---\n")
    for named, why in (
        (outside, "not in the knowledge base kb"),
        ("/etc/passwd", "not in the knowledge base kb"),
        ("nofile.md", "no such file"),
        ("kb/patterns/capacity/nofile.md", "no such file"),
    ):
        r = run(named)
        assert r.exit_code == 1, (named, r.output)
        assert f"Error: {named}: {why}" in r.output, r.output
        assert "OK" not in r.output


def test_a_named_file_of_a_kb_elsewhere_names_the_kb_to_pass(tmp_path, monkeypatch):
    """Found in review: `cd kb/patterns/capacity && recur check disk-full.md` said "not in the knowledge
    base kb", where there is no kb; the KB above the file is named now, with the --kb that checks it."""
    monkeypatch.delenv("RECUR_KB", raising=False)
    small_kb(tmp_path / "repo/kb")
    small_kb(tmp_path / "other")
    cases = [
        (
            "repo/kb/patterns/capacity",
            "disk-full.md",
            "there is no knowledge base folder kb here; the file is in the one at ../..: pass --kb ../..",
        ),
        (
            "repo/kb",
            "patterns/capacity/disk-full.md",
            "there is no knowledge base folder kb here; the file is in the one at .: pass --kb .",
        ),
        (
            "repo",
            "../other/patterns/capacity/disk-full.md",
            "not in the knowledge base kb; it is in the one at ../other: pass --kb ../other",
        ),
    ]
    for cwd, named, said in cases:
        monkeypatch.chdir(tmp_path / cwd)
        r = CliRunner().invoke(cli, ["check", "--stale-days", "0", named])
        assert r.exit_code == 1 and f"Error: {named}: {said}" in r.output, (cwd, r.output)
        kb = said.rsplit("--kb ", 1)[1]
        r = CliRunner().invoke(cli, ["check", "--stale-days", "0", "--kb", kb, named])  # as said: it works
        assert r.exit_code == 0 and "OK: no problems in the 1 named file" in r.output, (cwd, r.output)
    monkeypatch.chdir(tmp_path)  # no KB above the file, and none here
    write(tmp_path / "notes", "x.md", "# notes\n")
    r = CliRunner().invoke(cli, ["check", "notes/x.md"])
    assert (
        r.exit_code == 1
        and "notes/x.md: not in a knowledge base (there is no folder kb here; pass --kb DIR)" in r.output
    )


def test_the_summary_claims_only_the_named_files(tmp_path, monkeypatch):
    kb = _kb(tmp_path, monkeypatch)
    good = "kb/patterns/capacity/disk-full.md"
    r = run(good)
    assert r.exit_code == 0, r.output
    assert BROKEN not in r.output
    assert "OK: no problems in the 1 named file" in r.output
    assert "1 error, 0 warnings elsewhere in kb not shown" in r.output
    assert "files in kb follow the format" not in r.output
    # the same file named by its absolute path, or through .., is the same file
    for same in (tmp_path / good, "kb/patterns/../patterns/capacity/disk-full.md"):
        assert "OK: no problems in the 1 named file" in run(same).output
    # the broken file's problem is found however it is named
    for named in (f"kb/{BROKEN}", tmp_path / "kb" / BROKEN, "kb/patterns/capacity"):
        r = run(named)
        assert r.exit_code == 1 and f"kb/{BROKEN}:" in r.output and "symptoms" in r.output, (named, r.output)
        assert "OK" not in r.output
        if named == "kb/patterns/capacity":  # a folder: the files in it (it said "the 1 named file")
            n = len(list((tmp_path / "kb/patterns/capacity").glob("*.md")))
            assert n > 1 and f"in the {n} files in patterns/capacity (read with" in r.output, r.output
        else:
            assert "in the 1 named file" in r.output, r.output
    # without FILES the whole KB is checked, as before
    (kb / BROKEN).unlink()
    assert "OK: 7 files in kb follow the format" in run().output


def _many_problems_kb(tmp_path, monkeypatch) -> Path:
    """The small KB with problems of most kinds, in several files each: the loader's, the cross-checks' and the
    authoring warnings' (of a pattern's front matter, runbook and body; of incidents, paths and cases)."""
    kb = _kb(tmp_path, monkeypatch)
    fence = "\n## Notes\n```\nan unclosed block\n"
    links = "\n## Links\nSee [the runbook](missing-runbook.md), [dns](dns-failure) and [x](htps://example.com).\n"
    for n, category in enumerate(("capacity", "capacity", "network", "deploys")):
        text = pattern_text(
            f"lint-{n}",
            category,
            title=f"Lint {n} #{n}" if n % 2 else f"Lint {n}",
            symptoms=("5xx rate up", f"own symptom {n}"),
            related=("disk-full", "no-such-pattern") if n < 2 else (),
            runbook=("TODO", "Look around.") if n != 3 else ("Run `kubectl get pods -n prod`.",),
            status="draft" if n == 3 else None,
            extra_front="created: 2020-01-01",
        )
        write(kb, f"patterns/{category}/lint-{n}.md", text + (fence if n == 1 else links if n == 2 else ""))
    write(kb, "patterns/capacity/copy.md", pattern_text("disk-full", title="Disk full on a host"))
    incident = (kb / "incidents/2026/INC-2026-0001.md").read_text()
    write(kb, "incidents/2026/INC-2026-0003.md", incident.replace("0001", "0003").replace("2026-03-02", "2027-01-01"))
    write(kb, "incidents/2026/INC-2026-0004.md", incident.replace("0001", "0004") + links)
    paths = (kb / "paths/first-week.yml").read_text()
    write(kb, "paths/second-week.yml", paths.replace("    why: the most common page\n", "") + "  - pattern: lint-3\n")
    cases = (kb / "eval/cases.yml").read_text()
    write(kb, "eval/cases.yml", cases + "- query: ENOSPC #2 while writing\n  expect: [gone-pattern]\n")
    return kb


def test_the_named_files_problems_are_those_of_a_whole_check(tmp_path, monkeypatch):
    """`recur check FILES` works out the authoring warnings of the named files alone (the pre-commit hook's
    one file cost as much as the whole KB), the whole KB still loaded and cross-checked: what it shows of each
    file, or of a folder, is what a check of the whole KB says of it, to the letter."""
    import json
    import os

    kb = _many_problems_kb(tmp_path, monkeypatch)

    def problems(*named):
        args = ["--kb", "kb", "--stale-days", "200", "--today", "2026-06-01", "--format", "json", *named]
        r = CliRunner().invoke(cli, ["check", *map(str, args)])
        assert "Traceback" not in r.output and r.exit_code in (0, 1), r.output
        return json.loads(r.stdout)["problems"]

    whole = problems()
    files = sorted(f.relative_to(kb).as_posix() for f in kb.rglob("*") if f.is_file() and f.suffix in (".md", ".yml"))
    with_problems = {p["file"] for p in whole}
    assert len(with_problems) >= 10, with_problems  # problems in many files, of many kinds
    kinds = {p["field"].split("[")[0] for p in whole} | {p["level"] for p in whole}
    assert {"related", "symptoms", "## Runbook", "code fence", "link", "title", "id", "date", "notice"} <= kinds, kinds
    # an error naming a pattern id no file has is shown wherever it is, after the named files' problems: what a
    # rename or a deletion in them leaves in the files naming the id (the pre-commit hook passed it silently)
    broken = [p for p in whole if p["level"] == "error" and "no pattern has id" in p["message"]]
    assert broken
    for name in [*files, "patterns/capacity", "incidents", "paths", "eval", "."]:
        shown = os.path.normpath(f"kb/{name}")
        inside = [p for p in whole if p["file"] == shown or p["file"].startswith(shown + "/") or name == "."]
        assert problems(f"kb/{name}") == inside + [p for p in broken if p not in inside], name
    two = ["kb/patterns/capacity/lint-1.md", "kb/incidents/2026/INC-2026-0004.md"]
    inside = [p for p in whole if p["file"] in two]
    assert problems(*two) == inside + [p for p in broken if p not in inside]


def test_a_named_file_with_no_problems_is_no_ok_when_broken_references_elsewhere_fail_the_check(tmp_path, monkeypatch):
    """Found in review: with references elsewhere to an id no file has, `recur check FILES` failed (exit 1) while
    its last line opened "OK: no problems in the 1 named file", and --strict gave a warning of the named file as
    the only reason ("Failing because of --strict."); the hint asked only whether the named files renamed the id."""
    monkeypatch.chdir(tmp_path)
    kb = small_kb(Path("kb"))
    (kb / "patterns/capacity/disk-full.md").rename(kb / "patterns/capacity/disk-full-bytes.md")
    f = kb / "patterns/capacity/disk-full-bytes.md"
    f.write_text(f.read_text().replace("id: disk-full\n", "id: disk-full-bytes\n"))
    write(kb, "patterns/network/quiet.md", pattern_text("quiet", "network", title="Quiet", signals=()))
    for strict in ([], ["--strict"]):
        r = run(*strict, "kb/patterns/network/dns-failure.md")
        assert r.exit_code == 1, r.output
        assert "no pattern has id 'disk-full'" in r.output, r.output
        assert "OK" not in r.output and "Failing because of --strict" not in r.output, r.output
        assert "(renamed or deleted in these files, or earlier?), fail the check." in r.output, r.output
        # a warning of the named file under --strict: both reasons, each said
        r = run(*strict, "kb/patterns/network/quiet.md")
        assert "warning: pattern has no signals" in r.output and "OK" not in r.output, r.output
        said = "Failing because of --strict, and of the errors elsewhere." in r.output
        assert said == bool(strict) and "Failing because of --strict." not in r.output, r.output


def test_references_shows_and_fails_on_dangling_pattern_ids_alone(tmp_path, monkeypatch):
    """Found in review: the recur-references pre-commit hook ran `recur check --quiet` on the whole KB, so one
    unfinished draft with a YAML error blocked every commit, and the per-file hook's errors printed twice.
    `--references` keeps the errors naming a pattern id no file has; the others are counted, and fail nothing."""
    import json

    kb = _kb(tmp_path, monkeypatch)  # BROKEN: an error of its own (symptoms: 5)
    write(kb, "patterns/capacity/draft.md", "---\nid: draft\ntitle: [unfinished\n---\n")
    n = len(json.loads(run("--format", "json").stdout)["problems"])
    r = run("--references")
    assert r.exit_code == 0 and r.stdout == "", r.output
    assert f"OK: no reference to a pattern id no file has in kb; {n} other problems not shown" in r.stderr, r.stderr
    q = run("--references", "--quiet")
    assert q.exit_code == 0 and q.output == "", q.output
    (kb / "patterns/capacity/disk-full.md").unlink()  # a deletion leaves references to disk-full dangling
    whole = json.loads(run("--format", "json").stdout)["problems"]
    dangling = [p for p in whole if "no pattern has id 'disk-full'" in p["message"]]
    assert dangling and len(dangling) < len(whole)
    r = run("--references", "--format", "json")
    assert r.exit_code == 1 and json.loads(r.stdout)["problems"] == dangling, r.stdout
    said = f"{len(dangling)} reference{'s' if len(dangling) > 1 else ''} to a pattern id no file has in kb"
    assert said in r.stderr, r.stderr
    assert run("--references", "--similar").exit_code == 2
