"""`recur check` on text a pattern author copied in: a symptom word for word another pattern's, and a log pasted
whole. Found in review: a draft given two of disk-full's symptoms passed `check --strict --similar` and then
ranked alongside disk-full, which it pushed to medium; an 880 KB log in a pattern passed `check --strict` and took
the site's search index from 304 KB to 1.2 MB; a file over the limit was refused with no word of what to do.
Each runs the real CLI on a small KB in tmp_path."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from kbfactory import pattern_text, small_kb, write, write_pattern

from recur.cli.main import cli
from recur.kb.lint import LARGE_BLOCK_BYTES, LARGE_BLOCK_LINES, LARGE_FILE_BYTES
from recur.kb.parse import MAX_FILE_BYTES

ROOT = Path(__file__).resolve().parents[1]
EXCERPT = "keep an excerpt (the lines that identify the failure) and link the full log"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # files are shown relative to it: kb/patterns/...


def run(kb: Path, *args: str):
    r = CliRunner().invoke(cli, ["check", "--kb", str(kb), "--stale-days", "0", "-q", *args])
    assert "Traceback" not in r.output and (r.exception is None or isinstance(r.exception, SystemExit)), r.output
    return r


def lines_of(r, field: str) -> list[str]:
    return [line for line in r.output.splitlines() if f": {field}" in line]


def line_no(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_copied_symptom_is_a_warning_at_both_patterns():
    """Two of disk-full's symptoms, written another way only in case, spacing, end punctuation and Markdown
    marks: a warning at each of the four lines, naming the other file and line; --strict fails."""
    kb = small_kb(Path("kb"))
    new = write_pattern(
        kb,
        "kubelet-dir-full",
        title="Node NotReady from a full kubelet dir",
        status="draft",
        symptoms=("node goes NotReady", "Writes   FAIL.", "**no space** left on `device`"),
        signals=("KubeNodeNotReady",),
    )
    disk = kb / "patterns/capacity/disk-full.md"
    r = run(kb)
    assert r.exit_code == 0, r.output
    found = sorted(line for line in r.output.splitlines() if "is also a symptom of" in line)
    assert len(found) == 4, r.output
    new_shown, disk_shown = str(new), str(disk)
    writes, space = line_no(new, "Writes"), line_no(new, "no space")
    assert any(
        line.startswith(f"{new_shown}:{writes}: symptoms[1]: warning: 'Writes   FAIL.' is also a symptom of disk-full ")
        and f"({disk_shown}, line {line_no(disk, 'writes fail')})" in line
        for line in found
    ), found
    assert any(
        line.startswith(f"{disk_shown}:{line_no(disk, 'no space left')}: symptoms[1]: warning:")
        and f"kubelet-dir-full ({new_shown}, line {space})" in line
        for line in found
    ), found
    assert all("if they are one failure, extend one" in line for line in found), found
    assert not any("node goes NotReady" in line for line in found), found
    assert run(kb, "--strict").exit_code == 1


def test_a_symptom_many_patterns_share_is_one_bounded_warning_at_each():
    """Found at scale: every one of the k patterns sharing a symptom named the other k-1, so a 1,000-pattern KB
    printed 2,770 such warnings, 13.95 MB, a line of 11,168 characters. Still a warning at each file (its
    author's view), naming a few others with their file and line and counting the rest."""
    kb = small_kb(Path("kb"))
    for n in range(6):
        write_pattern(kb, f"shared-{n}", title=f"Shared {n}", symptoms=("5xx rate up", f"own symptom {n}"))
    r = run(kb)
    found = [line for line in r.output.splitlines() if "is also a symptom of" in line]
    assert len(found) == 6, r.output  # one at each of the six files
    for n in range(6):
        mine = [line for line in found if line.startswith(f"kb/patterns/capacity/shared-{n}.md:")]
        assert len(mine) == 1, found
        named = re.findall(r"shared-\d+ \(kb/patterns/capacity/shared-\d+\.md, line \d+\)", mine[0])
        assert len(named) == 3 and f"shared-{n} (" not in mine[0], mine[0]
        assert "and 2 more patterns" in mine[0], mine[0]
    assert max(map(len, found)) < 700, max(map(len, found))


def test_shared_symptom_said_apart_or_retired_is_no_warning():
    """A distinguish entry is the authors saying how two patterns differ (suggest shows it): no warning. Nor for
    a retired pattern, whose successor may keep its words; nor for a symptom a pattern repeats itself."""
    kb = small_kb(Path("kb"))
    write_pattern(
        kb,
        "inode-full",
        title="Inodes exhausted",
        symptoms=("writes fail", "tiny files everywhere", "tiny files everywhere"),
        signals=("InodesLow",),
        extra_front="distinguish:\n  - from: disk-full\n    by: df -i at 100%, df -h has space left",
    )
    write_pattern(kb, "old-disk", title="Old disk pattern", status="retired", symptoms=("no space left on device",))
    r = run(kb, "--strict")
    assert "is also a symptom of" not in r.output, r.output
    assert r.exit_code == 0, r.output


def test_starter_kb_has_no_shared_symptom():
    r = run(ROOT / "kb", "--strict")
    assert r.exit_code == 0 and "is also a symptom of" not in r.output, r.output


def log(lines: int, width: int) -> str:
    return "\n".join(
        f"2026-12-05T10:{n // 60 % 60:02d}:{n % 60:02d}Z kafka rebalance ".ljust(width, "x") for n in range(lines)
    )


def with_block(kb: Path, block: str, rel: str = "patterns/messaging/rebalance.md") -> Path:
    summary = f"Consumers rebalance in a loop.\n\n```\n{block}\n```"
    return write(
        kb,
        rel,
        pattern_text("rebalance", "messaging", title="Rebalance storm", summary=summary, signals=("RebalanceLoop",)),
    )


def test_pasted_log_block_is_a_warning_at_its_fence():
    """A block over LARGE_BLOCK_BYTES: a warning at its opening fence saying what to do; --strict fails. The
    file's own size warning (it is over LARGE_FILE_BYTES too) is not said beside it: the block is what to change."""
    kb = small_kb(Path("kb"))
    block = log(LARGE_FILE_BYTES // 100 + 10, 99)
    path = with_block(kb, block)
    assert len(block.encode()) > LARGE_BLOCK_BYTES and len(path.read_bytes()) > LARGE_FILE_BYTES
    r = run(kb)
    assert not lines_of(r, "file"), r.output
    shown = str(path)
    assert r.exit_code == 0, r.output
    said = lines_of(r, "code fence")
    assert said == [
        f"{shown}:{line_no(path, '```')}: code fence: warning: this code block is {len(block.encode()):,} bytes, "
        f"{block.count(chr(10)) + 1:,} lines: every reader of the site downloads it with the search index; {EXCERPT}"
    ], r.output
    assert run(kb, "--strict").exit_code == 1


def test_block_of_many_short_lines_is_a_warning_and_an_excerpt_is_not():
    kb = small_kb(Path("kb"))
    with_block(kb, log(LARGE_BLOCK_LINES + 1, 40))
    assert len(lines_of(run(kb), "code fence")) == 1
    with_block(kb, log(LARGE_BLOCK_LINES, 60))  # at the limit, and 18 KB: an excerpt still
    r = run(kb, "--strict")
    assert r.exit_code == 0 and not lines_of(r, "code fence"), r.output


def test_large_file_without_a_block_is_a_warning_at_line_1():
    """A log pasted as text (no fence, or a fence never closed): the file's size is what is said."""
    kb = small_kb(Path("kb"))
    path = write(
        kb,
        "patterns/messaging/rebalance.md",
        pattern_text("rebalance", "messaging", title="Rebalance storm", summary="Loops.\n\n" + log(1100, 99)),
    )
    size = len(path.read_bytes())
    assert LARGE_FILE_BYTES < size < MAX_FILE_BYTES
    r = run(kb)
    assert r.exit_code == 0, r.output
    assert lines_of(r, "file") == [
        f"{path}:1: file: warning: the file is {size:,} bytes: every reader of the "
        f"site downloads its text with the search index; {EXCERPT}"
    ], r.output


def test_incident_with_a_pasted_log_is_a_warning():
    kb = small_kb(Path("kb"))
    rel = "incidents/2026/INC-2026-0001.md"
    path = kb / rel
    path.write_text(path.read_text() + "\n## Timeline\n```text\n" + log(400, 50) + "\n```\n")
    said = lines_of(run(kb), "code fence")
    assert len(said) == 1 and said[0].startswith(f"{path}:{line_no(path, '```text')}: "), said
    assert "400 lines" in said[0], said


def test_file_over_the_limit_says_what_to_do():
    kb = small_kb(Path("kb"))
    path = with_block(kb, log(MAX_FILE_BYTES // 100 + 10, 99))
    r = run(kb)
    assert r.exit_code == 1, r.output
    assert (
        f"{path}:1: file: file is too large ({len(path.read_bytes()):,} bytes; the "
        f"limit is {MAX_FILE_BYTES:,}): if it holds a pasted log, {EXCERPT}"
    ) in r.output, r.output
