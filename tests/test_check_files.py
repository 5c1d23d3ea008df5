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
        assert r.exit_code == 0 and "OK: no problems in the 1 named file(s)" in r.output, (cwd, r.output)
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
    assert "OK: no problems in the 1 named file(s)" in r.output
    assert "1 error(s), 0 warning(s) elsewhere in kb not shown" in r.output
    assert "files in kb follow the format" not in r.output
    # the same file named by its absolute path, or through .., is the same file
    for same in (tmp_path / good, "kb/patterns/../patterns/capacity/disk-full.md"):
        assert "OK: no problems in the 1 named file(s)" in run(same).output
    # the broken file's problem is found however it is named
    for named in (f"kb/{BROKEN}", tmp_path / "kb" / BROKEN, "kb/patterns/capacity"):
        r = run(named)
        assert r.exit_code == 1 and f"kb/{BROKEN}:" in r.output and "symptoms" in r.output, (named, r.output)
        assert "OK" not in r.output
        if named == "kb/patterns/capacity":  # a folder: the files in it (it said "the 1 named file(s)")
            n = len(list((tmp_path / "kb/patterns/capacity").glob("*.md")))
            assert n > 1 and f"in the {n} file(s) in patterns/capacity (read with" in r.output, r.output
        else:
            assert "in the 1 named file(s)" in r.output, r.output
    # without FILES the whole KB is checked, as before
    (kb / BROKEN).unlink()
    assert "OK: 7 files in kb follow the format" in run().output
