"""The soak (bench/soak.py) for about 6 s of traffic in `make test`: a real `recur serve` process under
eight concurrent clients of mixed traffic, with a pattern edit and `recur index` halfway.

Asserts behaviour only (statuses, connection errors, feedback lines, the reload); the
latency and memory figures are printed, and compared in bench/soak.py's longer runs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

pytestmark = pytest.mark.soak


def test_short_soak(tmp_path):
    import soak

    out = soak.run(ROOT / "kb", duration=6, clients=8, model="fake:64", work=tmp_path / "soak")
    print({k: v for k, v in out.items() if k != "by_kind"})
    assert out["examples"] == [] and out["unexpected"] == 0, out["examples"]
    assert out["errors_5xx"] == 0 and out["connection_errors"] == 0
    assert out["served_5xx_in_metrics"] == 0
    assert out["feedback_201"] > 0
    assert out["feedback_201"] == out["feedback_lines"] == out["feedback_valid_lines"] and out["feedback_tail_ok"]
    assert out["reloads"] == 1
    assert {"suggest", "bad", "pattern", "alertmanager", "feedback", "oversize"} <= set(out["by_kind"])
