"""Check speed: `recur check --format json` on a synthetic KB (and any KB folders named), best of N.

    python bench/check_speed.py [--patterns 1000] [--incidents 1000] [--repeat 3] [--baseline-tools DIR] [KB ...]

Writes a synthetic KB (bench/synth_kb.py: N patterns, M incidents each linked to a pattern) into a temp
folder and times ``recur check --kb KB --format json`` as subprocesses of this Python with ``tools/`` on
PYTHONPATH, wall-clock (and the child's CPU), best of ``--repeat``; and the pre-commit hook's one-file check,
``recur check --kb KB --strict --quiet --format json FILE`` of the KB's first pattern file (by path).
``--baseline-tools DIR`` (e.g. ``git archive main tools | tar -x -C /tmp/base``, then ``/tmp/base/tools``) times another source tree interleaved with this one, so a
before/after comparison shares the machine's load, and says whether the two printed the same JSON (a
speed-up that changes a message is a regression). The machine is shared: compare ratios from one run.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from synth_kb import generate  # noqa: E402


def timed_check(kb: Path, tools: Path, one: Path | None = None) -> tuple[tuple[float, float], str]:
    """(wall-clock, CPU) seconds and stdout of a check of ``kb``, or with ``one``, of that file as the
    pre-commit hook runs it. CPU (the child's user + system time) varies less than wall-clock on a shared box."""
    env = dict(os.environ, PYTHONPATH=str(tools))
    cmd = [sys.executable, "-m", "recur", "check", "--kb", str(kb), "--format", "json"]
    if one is not None:
        cmd += ["--strict", "--quiet", str(one)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=env)
    secs = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if res.returncode not in (0, 1):  # 1: the KB has errors, still a full check
        sys.exit(f"failed: {' '.join(cmd)}\n{res.stderr[-3000:]}")
    return (secs, cpu), res.stdout


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
    for kb in a.kbs:  # each is timed on its whole KB and on one pattern file: it needs one
        if not any((kb / "patterns").rglob("*.md")):
            sys.exit(f"{kb}: no pattern files (patterns/**/*.md) in it: give a knowledge base folder such as kb/")
    with tempfile.TemporaryDirectory() as tmp:
        kbs = [generate(Path(tmp) / "kb", a.patterns, incidents=a.incidents), *a.kbs]
        runs = [(kb, one) for kb in kbs for one in (None, min((kb / "patterns").rglob("*.md")))]
        best, out = {}, {}
        for _ in range(a.repeat):
            for run in runs:
                for name, tools in trees.items():
                    secs, text = timed_check(run[0], tools, run[1])
                    best[run, name] = min(secs, best.get((run, name), secs))  # by wall-clock
                    out[run, name] = text
        for run in runs:
            kb, one = run
            label = f"synthetic ({a.patterns} patterns, {a.incidents} incidents)" if kb == kbs[0] else str(kb)
            label += f", one file ({one.relative_to(kb)})" if one else ", whole KB"
            line = f"{label}: this {_secs(best[run, 'this'])}"
            if a.baseline_tools:
                same = "same output" if out[run, "this"] == out[run, "baseline"] else "OUTPUT DIFFERS"
                line += f", baseline {_secs(best[run, 'baseline'])}, {same}"
            print(line)


def _secs(wall_cpu: tuple[float, float]) -> str:
    return f"{wall_cpu[0]:.2f} s (CPU {wall_cpu[1]:.2f} s)"


if __name__ == "__main__":
    main()
