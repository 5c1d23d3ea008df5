"""A signal two or more patterns list: the ranking takes it, found in a text, as strong evidence for each of
them ("listed by N patterns"), so it cannot tell them apart, and `recur check` said nothing (found in review:
13 of the starter KB's signals, ``ENOSPC``, ``HTTP 503 Service Unavailable``, are). A notice once per shared
signal, never failing --strict. Each runs the real CLI on a small KB in tmp_path."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from kbfactory import small_kb, write_pattern

from recur.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
SHARED = "is also a signal of"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # files are shown relative to it: kb/patterns/...


def run(kb: Path, *args: str):
    r = CliRunner().invoke(cli, ["check", "--kb", str(kb), "--stale-days", "0", *args])
    assert "Traceback" not in r.output and (r.exception is None or isinstance(r.exception, SystemExit)), r.output
    return r


def line_no(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def shared_lines(r) -> list[str]:
    return [line for line in r.output.splitlines() if SHARED in line]


def test_a_shared_signal_is_one_notice_naming_the_other_pattern():
    """disk-full's ENOSPC listed by a new pattern too, and its 'No space left on device' written with other
    case and spacing (as the ranking reads signals): one notice per signal, at the first file by path, naming
    the other's file and line; a signal of one pattern alone, or listed twice by one pattern, is none."""
    kb = small_kb(Path("kb"))
    inode = write_pattern(
        kb,
        "inode-full",
        title="Inodes exhausted",
        symptoms=("tiny files everywhere",),
        signals=("ENOSPC", "no space   LEFT on device", "InodesLow", "InodesLow"),
    )
    disk = kb / "patterns/capacity/disk-full.md"
    r = run(kb, "--strict")
    assert r.exit_code == 0, r.output  # a notice never fails --strict
    found = shared_lines(r)
    assert len(found) == 2, r.output
    enospc = next(line for line in found if "'ENOSPC'" in line)
    assert enospc.startswith(f"{disk}:{line_no(disk, 'ENOSPC')}: signals[1]: notice: 'ENOSPC' {SHARED} inode-full ")
    assert f"inode-full ({inode}, line {line_no(inode, 'ENOSPC')})" in enospc
    assert "(listed by 2 patterns), so it cannot tell them apart" in enospc
    space = next(line for line in found if "No space left on device" in line)
    assert space.startswith(f"{disk}:{line_no(disk, 'No space left')}: signals[0]: notice: ")
    assert f"inode-full ({inode}, line {line_no(inode, 'LEFT on device')})" in space
    assert "InodesLow" not in r.output and "FATAL: sorry" not in "".join(found)
    assert "2 notices" in r.stderr and SHARED not in run(kb, "-q").output  # notices are left out with -q


def test_a_signal_many_patterns_share_is_one_bounded_notice():
    """One line per shared signal, not per pattern, naming three others by file and line and counting the rest:
    the shared-symptom warning at 1,000 patterns printed 13.95 MB naming every other pattern."""
    kb = small_kb(Path("kb"))
    for n in range(6):
        write_pattern(kb, f"shared-{n}", title=f"Shared {n}", symptoms=(f"own symptom {n}",), signals=("HTTP 503",))
    found = shared_lines(run(kb))
    assert len(found) == 1, found
    assert found[0].startswith("kb/patterns/capacity/shared-0.md:")
    named = re.findall(r"shared-\d \(kb/patterns/capacity/shared-\d\.md, line \d+\)", found[0])
    assert len(named) == 3 and "shared-0 (" not in found[0], found[0]
    assert "and 2 more patterns" in found[0] and "(listed by 6 patterns)" in found[0], found[0]


def test_a_retired_pattern_shares_no_signal():
    """The index leaves a retired pattern out: its signals rank nothing, so it shares none."""
    kb = small_kb(Path("kb"))
    write_pattern(kb, "old-disk", title="Old disk pattern", status="retired", signals=("ENOSPC",))
    assert shared_lines(run(kb)) == []


def test_json_counts_the_notice_and_the_starter_kb_passes_strict():
    r = run(ROOT / "kb", "--strict", "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    found = [p for p in doc["problems"] if SHARED in p["message"]]
    assert found and all(p["level"] == "notice" and p["field"].startswith("signals[") for p in found), found
    assert any(p["message"].startswith("'ENOSPC' is also a signal of inode-exhaustion") for p in found), found


def test_recur_new_pattern_says_a_shared_signal_at_the_new_file():
    """`recur new pattern --signal X`, X listed by four patterns already: check says it once, at the first file,
    naming three others and "1 more", so the new file went unnamed and nothing was said as it was written. The
    same notice, at the new file's own signal line, naming the others; said once; a signal of its own is none."""
    kb = small_kb(Path("kb"))
    for n in range(4):
        write_pattern(kb, f"shared-{n}", title=f"Shared {n}", symptoms=(f"own symptom {n}",), signals=("HTTP 503",))
    args = ["new", "pattern", "--kb", "kb", "--no-input", "--id", "zz-gateway-down", "--title", "Gateway down"]
    args += ["--category", "capacity", "--severity", "sev2", "--symptom", "all calls fail"]
    r = CliRunner().invoke(cli, [*args, "--signal", "Gateway refused 42", "--signal", "HTTP 503"])
    assert r.exit_code == 0, r.output
    new = kb / "patterns/capacity/zz-gateway-down.md"
    found = shared_lines(r)
    assert len(found) == 1, r.stderr
    assert found[0].strip().startswith(f"{new}:{line_no(new, 'HTTP 503')}: signals[1]: notice: 'HTTP 503' {SHARED} ")
    assert "shared-0 (kb/patterns/capacity/shared-0.md, line " in found[0] and "and 1 more patterns" in found[0]
    assert "(listed by 5 patterns)" in found[0], found[0]
    # the next check says it at the first file listing it, naming the new one among the rest
    assert [line for line in shared_lines(run(kb)) if line.startswith("kb/patterns/capacity/shared-0.md:")]
