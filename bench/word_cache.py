"""The word caches (util.text ``_split``, ``_stem``) in a long-running process: memory and ranking speed.

    python bench/word_cache.py [--words 200000] [--per-query 50] [--rounds 2] [--kb kb] [--baseline-tools DIR]

An index of the KB (fake:64) is built once; then, in a new process per tree and round (interleaved with
``--baseline-tools``, another source tree's tools/ folder, e.g. ``git worktree add --detach /tmp/base main``):
an Engine is opened over it, as `recur serve` opens a built index; the KB's eval questions (kb/eval/cases.yml) are
answered (warm-up), then timed (``fresh``: CPU ms a question, the least of 7 passes); ``--words`` distinct random
words are asked, ``--per-query`` a question, through ``Engine.answer`` (what every surface calls); the RSS growth
and the caches' sizes are read; the eval questions are timed again (``after``: the KB's words evicted from an LRU
the questions filled); ``flood_ms``: CPU ms a question of random words. Prints each run and the medians per tree, with the ratio this/baseline. Figures only:
nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _timed(engine, questions: list[str], passes: int = 7) -> float:
    """The least over ``passes`` of the mean CPU ms a question of ``questions`` (CPU time, the least: other jobs on
    a shared machine make wall-clock time noise)."""
    runs = []
    for _ in range(passes):
        t0 = time.process_time()
        for q in questions:
            engine.answer(q)
        runs.append((time.process_time() - t0) * 1000 / len(questions))
    return min(runs)


def _flood(n_words: int, per_query: int, seed: int = 7) -> list[str]:
    """``n_words`` distinct random words of 5-10 letters (none of them a KB word, in all likelihood), as questions."""
    rng, seen = random.Random(seed), set()
    while len(seen) < n_words:
        seen.add("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(5, 10))))
    ws = sorted(seen)
    rng.shuffle(ws)
    return [" ".join(ws[i : i + per_query]) for i in range(0, len(ws), per_query)]


def _cache_sizes() -> dict:
    from recur.util import text

    out = {}
    for name in ("_split", "_stem", "_recent_split", "_recent_stem"):
        fn = getattr(text, name, None)
        if fn is not None and hasattr(fn, "cache_info"):
            out[name] = fn.cache_info().currsize
    for name in ("_KEPT_SPLIT", "_KEPT_STEM"):
        if hasattr(text, name):
            out[name] = len(getattr(text, name))
    return out


def child(kb: Path, index: Path, n_words: int, per_query: int) -> dict:
    import yaml

    from recur.retrieval.engine import Engine

    questions = [c["query"] for c in yaml.safe_load((kb / "eval" / "cases.yml").read_text())]
    engine = Engine(kb, index, "fake:64")
    for q in questions:
        engine.answer(q)
    rss0 = rss_mb()
    fresh = _timed(engine, questions)
    flood = _flood(n_words, per_query)
    t0 = time.process_time()
    for q in flood:
        engine.answer(q)
    flood_ms = (time.process_time() - t0) * 1000 / len(flood)
    rss1 = rss_mb()
    after = _timed(engine, questions)
    return {
        "rss_before_mb": round(rss0, 1),
        "rss_after_mb": round(rss1, 1),
        "rss_growth_mb": round(rss1 - rss0, 1),
        "fresh_ms": round(fresh, 3),
        "after_ms": round(after, 3),
        "flood_ms": round(flood_ms, 3),
        "questions": len(questions),
        "flood_questions": len(flood),
        "caches": _cache_sizes(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kb", type=Path, default=ROOT / "kb")
    ap.add_argument("--words", type=int, default=200_000)
    ap.add_argument("--per-query", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--baseline-tools", type=Path, help="another source tree's tools/ folder to compare with")
    ap.add_argument("--child", nargs=2, metavar=("KB", "INDEX"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(Path(a.child[0]), Path(a.child[1]), a.words, a.per_query)))
        return
    trees = {"this": ROOT / "tools"}
    if a.baseline_tools:
        trees["baseline"] = a.baseline_tools.resolve()
    env = dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"))
    with tempfile.TemporaryDirectory() as tmp:
        kb, index = Path(tmp) / "kb", Path(tmp) / "index"
        shutil.copytree(a.kb, kb)
        build = [sys.executable, "-m", "recur", "index", "--kb", str(kb), "--index", str(index), "--model", "fake:64"]
        subprocess.run(build, env=dict(env, PYTHONPATH=str(trees["this"])), check=True, capture_output=True)
        results: dict = {name: [] for name in trees}
        for r in range(a.rounds):
            for name, tools in trees.items():
                cmd = [sys.executable, __file__, "--child", str(kb), str(index)]
                cmd += ["--words", str(a.words), "--per-query", str(a.per_query)]
                done = subprocess.run(cmd, env=dict(env, PYTHONPATH=str(tools)), capture_output=True, text=True)
                if done.returncode:
                    sys.exit(f"{name}: {done.stderr}")
                got = json.loads(done.stdout.strip().splitlines()[-1])
                results[name].append(got)
                print(f"round {r + 1} {name}: {json.dumps(got)}", flush=True)
    keys = ("rss_growth_mb", "rss_after_mb", "fresh_ms", "after_ms", "flood_ms")
    med = {name: {k: statistics.median(run[k] for run in runs) for k in keys} for name, runs in results.items()}
    for name, m in med.items():
        print(f"{name}: " + ", ".join(f"{k} {v:.3f}" for k, v in m.items()))
    if "baseline" in med:
        print("ratio this/baseline: " + ", ".join(f"{k} {med['this'][k] / med['baseline'][k]:.3f}" for k in keys))


if __name__ == "__main__":
    main()
