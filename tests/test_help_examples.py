"""Every example in a command's --help names an id the starter KB (kb/, the demo) has, or a placeholder in
capitals (ID, PATTERN_ID). `recur paths --help` showed `recur paths first-week`, which the starter KB does not
have (its path is first-week-on-call), so a newcomer's first try of the example failed. Found in a new-hire
review."""

from __future__ import annotations

import functools
import re
import shlex
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from recur.cli.main import cli
from recur.kb.loader import load_kb

ROOT = Path(__file__).resolve().parents[1]
# the argument or option names whose values are ids, and which of the KB's ids each may be
PATTERN_KEYS = {"pattern_id", "pattern_ids", "pattern", "remove", "old"}
INCIDENT_KEYS = {"incident_id"}
NEW_ID_KEYS = {"new"}  # `recur rename OLD NEW`: an id no pattern has yet


def _commands(cmd, path):
    yield path, cmd
    if isinstance(cmd, click.Group):
        ctx = click.Context(cmd)
        for name in cmd.list_commands(ctx):
            yield from _commands(cmd.get_command(ctx, name), [*path, name])


@functools.cache
def _examples() -> tuple:
    """(command path, example's words after `recur …command`) for each example line in each --help: read once
    for the module (every command's --help, ~3 s), each test walks the same list."""
    return tuple(_read_examples())


def _read_examples():
    for path, cmd in _commands(cli, []):
        if isinstance(cmd, click.Group):
            continue
        text = CliRunner().invoke(cli, [*path, "--help"]).output
        for line in text.splitlines():
            # an example ends at its comment or at the two spaces before what it prints
            said = re.split(r"\s{2,}|\s#", line.strip().rstrip("\\").strip(), maxsplit=1)[0]
            try:
                words = shlex.split(said, comments=True) if said.startswith("recur ") else []
            except ValueError:  # prose that starts with "recur" (kb-format's), no example
                continue
            if words[1 : 1 + len(path)] == path:
                yield path, cmd, words[1 + len(path) :]


def _ids(cmd, words) -> dict:
    ctx = cmd.make_context(cmd.name, list(words), resilient_parsing=True)
    return {k: v for k, v in ctx.params.items() if v not in (None, (), False)}


def _placeholder(value: str) -> bool:
    return value.upper() == value and not re.match(r"INC-\d", value)


def test_every_help_example_names_an_id_the_starter_kb_has():
    kb = load_kb(ROOT / "kb")
    wrong, seen = [], 0
    for path, cmd, words in _examples():
        for key, value in _ids(cmd, words).items():
            values = value if isinstance(value, tuple) else (value,)
            for v in (str(x) for x in values):
                if _placeholder(v):
                    continue
                if key in PATTERN_KEYS:
                    ok = v in kb.patterns
                elif key in INCIDENT_KEYS:
                    ok = v in kb.incidents
                elif key in NEW_ID_KEYS:
                    ok = not kb.pattern_known(v)
                elif key == "path_id":
                    ok = v in kb.paths
                elif key == "item_id":
                    ok = v in kb.patterns or v in kb.incidents
                else:
                    continue
                seen += 1
                if not ok:
                    wrong.append(f"recur {' '.join(path)}: {key}={v!r}")
    assert seen > 20, seen  # the walk found the examples
    assert not wrong, wrong


@pytest.mark.parametrize("command", [["paths"], ["show"], ["fix"], ["incident", "link"]])
def test_the_help_examples_run_against_the_starter_kb(command, request, tmp_path):
    """The examples run as given (no --json, no writes): their ids are found. With an index in tmp_path: `incident
    link`, which searches it, a copy of the session's index of the starter KB (conftest's real_engine); run from
    the checkout without --index it built .recur/index there, the real model embedding the whole KB (~80 s), and
    the checkout guard failed the session."""
    ran = 0
    for path, cmd, words in _examples():
        if path != command or any(w.startswith("-") for w in words) or len(words) != 1:
            continue
        index = []
        if any(p.name == "index_dir" for p in cmd.params):  # never the checkout's .recur/index
            if command == ["incident", "link"]:  # its candidates: searched in the index (show and fix read none)
                engine = request.getfixturevalue("real_engine")
                shutil.copytree(engine.index_dir, tmp_path / "index", dirs_exist_ok=True)
            index = ["--index", str(tmp_path / "index")]
        result = CliRunner().invoke(cli, [*path, "--kb", str(ROOT / "kb"), *index, *words])
        assert result.exit_code == 0, (path, words, result.output)
        ran += 1
    assert ran, f"no example of recur {' '.join(command)} to run"


def test_the_rename_examples_run_on_a_copy_of_the_starter_kb_and_leave_it_passing_check_strict(tmp_path):
    """Each `recur rename --help` example, run as given on its own copy of the starter KB (they write): it renames,
    and `recur check --strict` then finds no error or warning the KB did not have."""
    import json

    def findings(kb):
        res = CliRunner().invoke(cli, ["check", "--kb", str(kb), "--strict", "--format", "json"])
        return {(p["field"], p["message"]) for p in json.loads(res.stdout)["problems"] if p["level"] != "notice"}

    ran = 0
    for path, _, words in _examples():
        if path != ["rename"]:
            continue
        kb = tmp_path / f"kb{ran}"
        shutil.copytree(ROOT / "kb", kb)
        before = findings(kb)
        result = CliRunner().invoke(cli, [*path, "--kb", str(kb), *words])
        assert result.exit_code == 0, (words, result.output)
        assert findings(kb) <= before, words
        ran += 1
    assert ran == 3, ran
