"""A file named by --out in a folder that does not exist: refused, not written into folders made on the way
(found in review: `recur kb-format --out /nonexist/dir/x.md` wrote it, `recur report --out` too, silently)."""

from __future__ import annotations

from click.testing import CliRunner
from kbfactory import small_kb

from recur.cli.main import cli


def test_out_in_a_missing_folder_is_refused_naming_it_and_nothing_is_made(tmp_path, monkeypatch):
    kb = small_kb(tmp_path / "kb")
    fb = tmp_path / "votes.jsonl"
    fb.write_text("")
    missing = tmp_path / "no-such" / "dir"
    runs = {
        "kb-format": ["kb-format"],
        "report": ["report", "--kb", str(kb)],
        "feedback export": ["feedback", "export", "--kb", str(kb), "--feedback", str(fb)],
    }
    for name, args in runs.items():
        res = CliRunner().invoke(cli, [*args, "--out", str(missing / "out.md")])
        assert res.exit_code == 2 and "Traceback" not in res.output, (name, res.output)
        assert f"Invalid value for '--out': folder not found: {missing} (create it first)" in res.output, res.output
        assert not (tmp_path / "no-such").exists(), name
    # a folder that is there: written as before, relative paths too
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    res = CliRunner().invoke(cli, ["kb-format", "--out", "docs/KB-FORMAT.md"])
    assert res.exit_code == 0 and (tmp_path / "docs" / "KB-FORMAT.md").is_file(), res.output
    res = CliRunner().invoke(cli, ["report", "--kb", "kb", "--out", "review.md"])
    assert res.exit_code == 0 and (tmp_path / "review.md").is_file(), res.output


def test_recur_state_folder_is_still_made_for_a_file_named_in_it(tmp_path, monkeypatch):
    """.recur/ is Recur's own folder (the index, the model, the feedback log): a file named there, as
    RECUR_FEEDBACK=.recur/feedback.jsonl names one, is written, its folder made as before."""
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(cli, ["kb-format", "--out", ".recur/KB-FORMAT.md"])
    assert res.exit_code == 0 and (tmp_path / ".recur" / "KB-FORMAT.md").is_file(), res.output


def test_a_recur_folder_under_a_missing_folder_is_refused(tmp_path, monkeypatch):
    """Found in review: any folder named .recur was exempt, so `recur report --out /tmp/x/typo/dir/.recur/r.md`
    made typo/dir/.recur/ in silence. Exempt are Recur's own state folder and a .recur in a folder that exists
    (a KB repository's, beside its KB); under a missing folder it is refused as any other."""
    kb = small_kb(tmp_path / "kb")
    missing = tmp_path / "typo" / "dir" / ".recur"
    res = CliRunner().invoke(cli, ["report", "--kb", str(kb), "--out", str(missing / "r.md")])
    assert res.exit_code == 2 and f"folder not found: {missing} (create it first)" in res.output, res.output
    assert not (tmp_path / "typo").exists()
    # a KB repository's .recur/, beside its KB, run from elsewhere: made as before
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    res = CliRunner().invoke(cli, ["report", "--kb", str(kb), "--out", str(tmp_path / ".recur" / "r.md")])
    assert res.exit_code == 0 and (tmp_path / ".recur" / "r.md").is_file(), res.output
