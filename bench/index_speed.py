"""Index speed: `recur index` cold, with nothing changed and with one pattern changed, against a bare
`python -c "import sentence_transformers"`, all in one run.

    python bench/index_speed.py [--patterns 1000] [--incidents 1000] [--repeat 3] [--model default]
                                [--baseline-tools DIR]

Writes a synthetic KB (bench/synth_kb.py: N patterns, M incidents each linked to a pattern) into a
temp folder, then times, as subprocesses of this Python with ``tools/`` on PYTHONPATH:

  1. a bare ``import sentence_transformers``    (the floor of any run that embeds)
  2. a full ``recur index`` with an empty model cache (the model's ONNX export is made), once
  3. a cold full ``recur index``                (no index folder; the model cache as 2 left it)
  4. ``recur index`` with nothing changed        (the stat walk finds it fresh)
  5. ``recur index`` after one pattern's summary changed (re-embeds that pattern only)

Each tree gets its own RECUR_CACHE in the work folder. Runs 1, 4 and 5 are repeated (``--repeat``), the cold run ``--cold-repeat`` times, and medians
reported. ``--baseline-tools DIR`` (e.g. ``git archive HEAD~3 tools | tar -x -C /tmp/base``, then
``/tmp/base/tools``) times the same runs with another source tree, interleaved with this one, so a
before/after comparison shares the machine's load; it also reports how far the two cold indexes'
vectors are apart. The machine is shared: compare ratios from one run, not seconds across runs.
Prints a table and writes bench/out/index_speed.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from synth_kb import generate  # noqa: E402


def timed(cmd: list, tools: Path, cache: Path | None = None) -> tuple[float, subprocess.CompletedProcess]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(tools), os.environ.get("PYTHONPATH")])))
    if cache is not None:  # each tree its own model cache (ids, ONNX export), never the user's
        env["RECUR_CACHE"] = str(cache)
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=env)
    secs = time.perf_counter() - t0
    if res.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{res.stderr[-3000:]}")
    return secs, res


def index_cmd(kb: Path, index: Path, model: str) -> list:
    return [sys.executable, "-m", "recur", "index", "--kb", str(kb), "--index", str(index), "--model", model]


def edit_one_pattern(kb: Path, n: int) -> None:
    """Change one pattern's summary (a view text): exactly one pattern must be re-embedded."""
    path = sorted((kb / "patterns").rglob("*.md"))[0]
    text = path.read_text()
    head, _, rest = text.partition("## Summary\n")
    first, _, tail = rest.partition("\n")
    path.write_text(f"{head}## Summary\n{first.split(' Edit ')[0]} Edit {n}.\n{tail}")


def vector_gap(a: Path, b: Path) -> dict:
    """How far two indexes of the same KB are apart: same views, and the worst cosine between their vectors."""
    import numpy as np

    va, vb = np.load(a / "vectors.npy"), np.load(b / "vectors.npy")
    same_views = json.loads((a / "views.json").read_text()) == json.loads((b / "views.json").read_text())
    if va.shape != vb.shape:
        return {"same_views": same_views, "min_cosine": None}
    return {
        "same_views": same_views,
        "min_cosine": float((va * vb).sum(axis=1).min()),
        "max_abs_diff": float(np.abs(va - vb).max()),
    }


def measure(trees: dict, kb: Path, work: Path, model: str, repeat: int, cold_repeat: int) -> dict:
    """{tree name: {run: [seconds]}}, every run interleaved across the trees."""
    bare = [sys.executable, "-c", "import sentence_transformers"]
    rows = {name: {"bare": [], "first": [], "cold": [], "nochange": [], "onechange": []} for name in trees}
    cache = {name: work / f"cache-{name}" for name in trees}
    for name in trees:  # an empty cache: the model's first use here (the ONNX export is made)
        secs, res = timed(index_cmd(kb, work / f"index-{name}", model), trees[name], cache[name])
        rows[name]["first"].append(secs)
        print(f"  {name}: first use {secs:.1f}s ({res.stderr.strip().splitlines()[-1]})", flush=True)
    for n in range(cold_repeat):
        for name in list(trees) if n % 2 == 0 else list(trees)[::-1]:  # alternate who goes first
            shutil.rmtree(work / f"index-{name}", ignore_errors=True)
            load = os.getloadavg()[0]
            secs, res = timed(index_cmd(kb, work / f"index-{name}", model), trees[name], cache[name])
            rows[name]["cold"].append(secs)
            print(
                f"  {name}: cold {secs:.1f}s, load average {load:.1f} before ({res.stderr.strip().splitlines()[-1]})",
                flush=True,
            )
    for n in range(repeat):
        for name, tools in trees.items():
            rows[name]["bare"].append(timed(bare, tools)[0])
            rows[name]["nochange"].append(timed(index_cmd(kb, work / f"index-{name}", model), tools, cache[name])[0])
        edit_one_pattern(kb, n)
        for name, tools in trees.items():
            secs, res = timed(index_cmd(kb, work / f"index-{name}", model), tools, cache[name])
            if "1 embedded" not in res.stderr:
                sys.exit(f"expected one pattern re-embedded, got: {res.stderr.strip()}")
            rows[name]["onechange"].append(secs)
        print(f"  repeat {n + 1}/{repeat} done", flush=True)
    return rows


LABELS = {
    "bare": 'python -c "import sentence_transformers"',
    "first": "first full index here (empty model cache)",
    "cold": "cold full index (model cache warm)",
    "nochange": "re-index, nothing changed",
    "onechange": "re-index, 1 pattern changed",
}


def report(rows: dict, a, work: Path) -> dict:
    summary = {}
    for name, runs in rows.items():
        med = {run: statistics.median(v) for run, v in runs.items()}
        summary[name] = {
            "median_seconds": med,
            "all_seconds": runs,
            "x_bare_import": {run: med[run] / med["bare"] for run in med},
        }
    names = list(rows)
    print(
        f"\nKB: {a.patterns} patterns + {a.incidents} linked incidents, model {a.model}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end; medians of {a.repeat} "
        f"(cold: of {a.cold_repeat})"
    )
    head = f"{'run':44}" + "".join(f"{n + ' s':>12}{'x bare':>8}" for n in names)
    if len(names) == 2:
        head += f"{names[0] + '/' + names[1]:>20}"
    print(head)
    for run, label in LABELS.items():
        line = f"{label:44}" + "".join(
            f"{summary[n]['median_seconds'][run]:12.2f}{summary[n]['x_bare_import'][run]:8.2f}" for n in names
        )
        if len(names) == 2:
            line += f"{summary[names[0]]['median_seconds'][run] / summary[names[1]]['median_seconds'][run]:20.2f}"
        print(line)
    out = {
        "patterns": a.patterns,
        "incidents": a.incidents,
        "model": a.model,
        "repeat": a.repeat,
        "cold_repeat": a.cold_repeat,
        "cpus": os.cpu_count(),
        "trees": summary,
    }
    if len(names) == 2:
        out["vectors"] = vector_gap(work / f"index-{names[0]}", work / f"index-{names[1]}")
        print(f"cold indexes of the two trees: {out['vectors']}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patterns", type=int, default=1000)
    ap.add_argument("--incidents", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3, help="runs of the bare import and the two re-indexes")
    ap.add_argument("--cold-repeat", type=int, default=2, help="cold runs per tree (alternating which tree goes first)")
    ap.add_argument("--model", default="default")
    ap.add_argument("--baseline-tools", type=Path, help="another source tree's tools/ folder to compare with")
    a = ap.parse_args()
    trees = {"this": ROOT / "tools"}
    if a.baseline_tools:
        trees = {"this": ROOT / "tools", "baseline": a.baseline_tools.resolve()}
    work = Path(tempfile.mkdtemp(prefix="recur-index-speed-"))
    try:
        kb = generate(work / "kb", a.patterns, incidents=a.incidents)
        print(f"timing {', '.join(f'{k}={v}' for k, v in trees.items())} on {kb}", flush=True)
        out = report(measure(trees, kb, work, a.model, a.repeat, a.cold_repeat), a, work)
        dest = ROOT / "bench" / "out"
        dest.mkdir(parents=True, exist_ok=True)
        (dest / "index_speed.json").write_text(json.dumps(out, indent=1))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
