"""A team KB that wrote a key of its own named ``retired`` before Recur read it (``retired: true``, ``yes``,
``"Q3 2026"``) keeps working on upgrade: its value is a warning, kept and not used, the pattern stays in the KB (search,
board, site), and `recur check --strict`, the CI `recur init` writes, still passes. Found re-reading fix-asof: it was
an error, the pattern left out, and a team's CI failed; a recur.yml declaring ``retired`` in own_keys (as the unknown
key's warning told the team to) failed too."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from kbfactory import small_kb, write, write_pattern

from recur.cli.main import cli
from recur.kb.loader import load_kb

ENV = {"RECUR_TODAY": "2026-12-07"}


def _check(kb_dir, *flags):
    res = CliRunner().invoke(cli, ["check", "--kb", str(kb_dir), *flags], env=ENV)
    return res.exit_code, " ".join(res.output.split())


@pytest.mark.parametrize("value", ["true", "yes", '"Q3 2026"', "[2026, Q3]"])
@pytest.mark.parametrize("status", [None, "retired"])
def test_a_team_s_own_retired_value_is_a_warning_and_the_pattern_stays(tmp_path, value, status):
    kb_dir = small_kb(tmp_path / "kb")
    write_pattern(kb_dir, "old-pool", signals=("PoolTimeoutError",), status=status, extra_front=f"retired: {value}")
    code, out = _check(kb_dir, "--strict")
    assert code == 0, out
    assert "old-pool.md:" in out and "retired: warning: not a date (YYYY-MM-DD)" in out, out
    assert "kept, not used (Recur reads retired: as the day a retired pattern was retired" in out, out
    kb = load_kb(kb_dir)
    assert "old-pool" in kb.patterns and kb.patterns["old-pool"].retired_on is None  # in the KB, its value unused


@pytest.mark.parametrize(("value", "said"), [("2026-13-01", "there is no month 13"), ("1800-01-01", "1970-01-01")])
def test_a_date_meant_but_wrong_is_a_warning_that_fails_strict(tmp_path, value, said):
    kb_dir = small_kb(tmp_path / "kb")
    write_pattern(kb_dir, "old-pool", signals=("PoolTimeoutError",), status="retired", extra_front=f"retired: {value}")
    code, out = _check(kb_dir)
    assert code == 0 and "retired: warning: not a date" in out and said in out, out
    assert _check(kb_dir, "--strict")[0] != 0  # a slip, as a misspelt key: --strict fails on it
    assert "old-pool" in load_kb(kb_dir).patterns


def test_own_keys_declaring_retired_is_a_warning(tmp_path):
    kb_dir = small_kb(tmp_path / "kb")
    write(kb_dir, "recur.yml", "format: 1\nown_keys: [retired, last_reviewed]\n")
    write_pattern(
        kb_dir, "old-pool", signals=("PoolTimeoutError",), extra_front="retired: true\nlast_reviewed: 2026-01-01"
    )
    code, out = _check(kb_dir, "--strict")
    assert code == 0, out
    assert "recur.yml:2: own_keys: warning: 'retired' is a key Recur reads now" in out, out
    assert "last_reviewed" not in out.replace("own_keys: [retired, last_reviewed]", "")  # still declared


def test_a_retired_day_on_an_active_pattern_does_not_fail_strict_but_one_before_created_does(tmp_path):
    kb_dir = small_kb(tmp_path / "kb")
    write_pattern(kb_dir, "in-use", signals=("PoolTimeoutError",), extra_front="retired: 2026-03-01")
    code, out = _check(kb_dir, "--strict")
    assert code == 0 and "retired: warning: retired on a pattern that is active" in out, out
    write_pattern(
        kb_dir,
        "old-pool",
        signals=("PoolTimeoutError",),
        status="retired",
        extra_front="created: 2026-05-01\nretired: 2026-04-01",
    )
    code, out = _check(kb_dir, "--strict")
    assert code != 0 and "retired: warning: retired 2026-04-01 is before created 2026-05-01" in out, out
