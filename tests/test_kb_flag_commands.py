"""The commands Recur prints for the user to copy keep the run's --kb (and --index): run with a KB other
than ./kb, `recur incident new --kb kb2` printed `recur incident link INC-… PATTERN` (no such incident in
./kb), `recur suggest --kb kb2` a record command writing into ./kb, `recur report --kb kb2` close commands
reading ./kb (found in a docs-vs-behaviour review). Each printed command is run here as printed, from a
folder with no ./kb, so a command without the flag fails."""

from __future__ import annotations

import shlex

import click
import pytest
from click.testing import CliRunner
from kbfactory import small_kb

from recur import config
from recur.cli.main import cli


@pytest.fixture
def kb2(tmp_path, monkeypatch):
    """(recur ARGS runner, the KB's folder, its index's): a KB at kb2, the fake encoder, run from tmp_path."""
    monkeypatch.setenv("RECUR_MODEL", "fake:64")
    for name in ("kb", "index"):
        monkeypatch.delenv(config.env(name), raising=False)
    monkeypatch.chdir(tmp_path)
    small_kb(tmp_path / "kb2")

    def run(*args, input=None):
        return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)

    return run


def _printed(output: str, said: str) -> list[str]:
    """The arguments of the command a line starting with ``said`` gives."""
    line = next(x for x in click.unstyle(output).splitlines() if x.startswith(said))
    return shlex.split(line.split(": recur ", 1)[1], comments=True)  # its notes are a shell comment


def _record_then_link(run, kb: str, index: str) -> list:
    """``recur incident new --kb KB``, then the "link it later" command it printed, run as printed: it must
    name ``--kb KB`` and link in that KB. Returns the printed command's arguments."""
    res = run("incident", "new", "--kb", kb, "--index", index, "-t", "disk full", "-s", "sev3", "-d",
              "No space left on device on the node")  # fmt: skip
    assert res.exit_code == 0, res.output
    said = next(s for s in ("Link one later: ", "If one fits, link it later: ") if s in res.stdout)
    args = _printed(res.stdout, said)
    assert args[:4] == ["incident", "link", "--kb", kb], args
    linked = run(*[a if a != "PATTERN_ID" else "disk-full" for a in args])
    assert linked.exit_code == 0, linked.output
    return args


def test_suggest_s_record_command_records_into_the_kb_searched(kb2):
    res = kb2("suggest", "--kb", "kb2", "--index", "idx2", "disk full on the node, no space left on device")
    assert res.exit_code == 0, res.output
    args = _printed(res.stdout, "To record it")
    assert args[:5] == ["incident", "new", "--kb", "kb2", "--index"], args
    recorded = kb2(*args, "-s", "sev3", "--no-suggest")
    assert recorded.exit_code == 0, recorded.output


@pytest.mark.parametrize("text", ["disk full on the node, no space left on device", "zzzz qqq unrelated thing"])
def test_suggest_from_the_index_alone_gives_no_record_command_naming_a_kb_that_does_not_exist(kb2, tmp_path, text):
    """Found in review: `recur suggest --kb /nonexist` (served by an index alone) printed a "To record it" command
    carrying --kb /nonexist, which could only fail. With no KB folder the command is left out, and said why when
    nothing matches; the answer is still given."""
    assert kb2("index", "--kb", "kb2", "--index", "idx2").exit_code == 0
    gone = tmp_path / "kb-typo"
    res = kb2("suggest", "--kb", str(gone), "--index", "idx2", text)
    assert res.exit_code == 0, res.output
    assert "recur incident new" not in res.stdout and "To record it" not in res.stdout, res.stdout
    assert "Disk full" in res.stdout and not gone.exists()
    if text.startswith("zz"):
        assert f"No knowledge base folder at {gone} to record it in" in res.stdout, res.stdout
    with_kb = kb2("suggest", "--kb", "kb2", "--index", "idx2", text)
    assert "recur incident new --kb kb2" in with_kb.stdout, with_kb.stdout


def test_incident_new_s_link_later_command_links_in_that_kb(kb2):
    _record_then_link(kb2, "kb2", "idx2")


def test_report_s_close_commands_name_the_kb(kb2):
    res = kb2("report", "--kb", "kb2", "--as-of", "2026-12-31")
    assert res.exit_code == 0, res.output
    closing = [x for x in res.stdout.splitlines() if x.startswith("Close them with:")]
    assert closing and "recur incident review --kb kb2 ID --done" in closing[0], res.stdout
    md = kb2("report", "--kb", "kb2", "--as-of", "2026-12-31", "--format", "markdown").stdout
    assert "recur incident review --kb kb2 ID --done" in md


def test_the_default_kb_and_index_add_no_flag(monkeypatch):
    for name in ("kb", "index"):
        monkeypatch.delenv(config.env(name), raising=False)
    assert config.where_flags(config.default("kb"), config.default("index")) == ""
    assert config.where_flags("./kb") == ""
    assert config.where_flags("kb two", "idx") == "--kb 'kb two' --index idx "


def test_a_kb_its_variable_sets_adds_no_flag(monkeypatch):
    monkeypatch.setenv(config.env("kb"), "kb2")
    assert config.where_flags("kb2") == ""
    assert config.where_flags("kb3") == "--kb kb3 "


def test_the_default_kb_adds_the_flag_while_its_variable_names_another(monkeypatch):
    monkeypatch.setenv(config.env("kb"), "kb2")
    monkeypatch.setenv(config.env("index"), "idx2")
    assert config.where_flags(config.default("kb"), config.default("index")) == (
        f"--kb {config.default('kb')} --index {config.default('index')} "
    )


def test_a_printed_command_acts_on_the_kb_given_not_the_one_recur_kb_names(kb2, tmp_path, monkeypatch):
    """`RECUR_KB=kb2 recur incident new --kb kb …`: the link command it prints, copied into that shell,
    must link in ./kb; without --kb it read kb2 (found in review), which has no such incident."""
    small_kb(tmp_path / "kb")
    monkeypatch.setenv(config.env("kb"), "kb2")
    args = _record_then_link(kb2, "kb", "idx")
    iid = args[4]
    assert "disk-full" in (tmp_path / "kb" / "incidents" / "2026" / f"{iid}.md").read_text()
    assert not list((tmp_path / "kb2").rglob(f"{iid}.md"))
