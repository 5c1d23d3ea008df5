"""`recur check` on text a pattern author copied in: a symptom word for word another pattern's. Found in
review: a draft given two of disk-full's symptoms passed `check --strict --similar` and then ranked alongside
disk-full, which it pushed to medium. Each runs the real CLI on a small KB in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from kbfactory import small_kb, write_pattern

from recur.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]


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
