"""Check speed: `recur check --format json` on a synthetic KB (and any KB folders named), best of N.

    python bench/check_speed.py [--patterns 1000] [--incidents 1000] [--repeat 3] [--baseline-tools DIR] [KB ...]

Writes a synthetic KB (bench/synth_kb.py: N patterns, M incidents each linked to a pattern) into a temp
folder and times ``recur check --kb KB --format json`` as subprocesses of this Python with ``tools/`` on
PYTHONPATH, wall-clock, best of ``--repeat``. ``--baseline-tools DIR`` (e.g. ``git archive main tools | tar
-x -C /tmp/base``, then ``/tmp/base/tools``) times another source tree interleaved with this one, so a
before/after comparison shares the machine's load, and says whether the two printed the same JSON (a
speed-up that changes a message is a regression). The machine is shared: compare ratios from one run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from synth_kb import generate  # noqa: E402


def timed_check(kb: Path, tools: Path) -> tuple[float, str]:
    env = dict(os.environ, PYTHONPATH=str(tools))
    cmd = [sys.executable, "-m", "recur", "check", "--kb", str(kb), "--format", "json"]
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=env)
    secs = time.perf_counter() - t0
    if res.returncode not in (0, 1):  # 1: the KB has errors, still a full check
        sys.exit(f"failed: {' '.join(cmd)}\n{res.stderr[-3000:]}")
    return secs, res.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--patterns", type=int, default=1000)
    ap.add_argument("--incidents", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline-tools", type=Path)
    ap.add_argument("kbs", nargs="*", type=Path)
    a = ap.parse_args()
    trees = {"this": ROOT / "tools"}
    if a.baseline_tools:
        trees["baseline"] = a.baseline_tools.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        kbs = [generate(Path(tmp) / "kb", a.patterns, incidents=a.incidents), *a.kbs]
        best, out = {}, {}
        for _ in range(a.repeat):
            for kb in kbs:
                for name, tools in trees.items():
                    secs, text = timed_check(kb, tools)
                    best[kb, name] = min(secs, best.get((kb, name), secs))
                    out[kb, name] = text
        for n, kb in enumerate(kbs):
            label = f"synthetic ({a.patterns} patterns, {a.incidents} incidents)" if n == 0 else str(kb)
            line = f"{label}: this {best[kb, 'this']:.2f} s"
            if a.baseline_tools:
                same = "same output" if out[kb, "this"] == out[kb, "baseline"] else "OUTPUT DIFFERS"
                line += f", baseline {best[kb, 'baseline']:.2f} s, {same}"
            print(line)


if __name__ == "__main__":
    main()
