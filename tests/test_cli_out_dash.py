"""`--out -` is stdout for every --out that writes one file, and a written file is said on stderr alike."""

import os

import yaml
from click.testing import CliRunner
from test_feedback import votes

from recur.cli.main import cli


def test_out_dash_is_stdout_and_a_written_file_is_said_on_stderr(kb_dir, tmp_path, monkeypatch):
    """Found in a CLI review: `recur kb-format --out -` and `recur report --out -` wrote a file named `-`;
    `report --out F` printed nothing where `kb-format --out F` printed "Wrote F." on stdout. `-` is stdout
    now, and "Wrote F." is said on stderr by both, so stdout stays clean when it is the output."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    printed = runner.invoke(cli, ["kb-format"]).stdout
    r = runner.invoke(cli, ["kb-format", "--out", "-"])
    assert r.exit_code == 0 and r.stdout == printed and r.stderr == "", r.output
    report = ["report", "--kb", str(kb_dir), "--as-of", "2026-12-01", "--format", "markdown"]
    printed = runner.invoke(cli, report).stdout
    r = runner.invoke(cli, [*report, "--out", "-"])
    assert r.exit_code == 0 and r.stdout == printed, r.output
    fb = tmp_path / "votes.jsonl"
    votes(fb, ("certificate expired on the api", "dns-failure", True))
    r = runner.invoke(cli, ["feedback", "export", "--kb", str(kb_dir), "--feedback", str(fb), "--out", "-"])
    assert r.exit_code == 0 and "Wrote 1 case to stdout" in r.stderr, r.output
    assert yaml.safe_load(r.stdout) == [{"query": "certificate expired on the api", "expect": ["dns-failure"]}]
    assert not os.path.lexists(tmp_path / "-")
    for args, out in ((["kb-format"], "KB-FORMAT.md"), (report, "review.md")):
        r = runner.invoke(cli, [*args, "--out", out])
        assert r.exit_code == 0 and r.stdout == "" and r.stderr == f"Wrote {out}.\n", r.output
        assert (tmp_path / out).is_file()
