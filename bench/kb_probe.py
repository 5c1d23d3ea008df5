"""The starter KB against 120 responder queries written to probe it for content gaps, in one run.

    python bench/kb_probe.py [--kb kb] [--baseline REV] [--misses]

bench/data/kb-probe.jsonl holds 2 queries per starter pattern (an alert name, an error line, a
one-line description, a chat message), each with the pattern(s) a responder would expect first, split
at random (fixed seed, before any was run) into half A, to diagnose, and half B, held out: B is only
measured, never read to choose a change. A KB edit that helps A must not hurt B or `recur eval`.
Prints recall@1, recall@3, MRR, the `no_known_pattern` rate and the right answers rated high, per
half, for `--kb` and, with `--baseline`, for the `kb/` of that git revision (indexed in a temp
folder), side by side. `--misses` lists half A's misses (rank, top 3, confidence); B's are never
printed. About a minute per KB on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from recur.retrieval.engine import Engine  # noqa: E402

CASES = ROOT / "bench/data/kb-probe.jsonl"


def answers(kb: Path, cases: list[dict], index: Path) -> list[tuple[dict, list, bool]]:
    """(case, its top 10 results, no_known_pattern) for every case, the KB indexed into ``index``."""
    engine = Engine.open(kb, index, quiet=True)
    got = engine.answer_many([c["query"] for c in cases], top=10)
    return [(c, a.results, a.no_known_pattern) for c, a in zip(cases, got)]


def metrics(rows: list[tuple[dict, list, bool]]) -> dict:
    """recall@1, recall@3, MRR (rank beyond 10 counts 0), no-known rate, right-first-and-high count."""
    r1 = r3 = mrr = none = high = 0.0
    for case, results, no_known in rows:
        ids = [r["id"] for r in results]
        rank = next((i + 1 for i, pid in enumerate(ids) if pid in case["expect"]), None)
        r1 += rank == 1
        r3 += rank is not None and rank <= 3
        mrr += 1 / rank if rank else 0.0
        none += no_known
        high += rank == 1 and results[0]["confidence"] == "high"
    n = len(rows) or 1
    return {"r@1": r1 / n, "r@3": r3 / n, "MRR": mrr / n, "no_known": none / n, "high@1": int(high), "n": len(rows)}


def line(name: str, m: dict) -> str:
    return (
        f"  {name:<12} n={m['n']}  recall@1 {m['r@1']:.3f}  recall@3 {m['r@3']:.3f}  MRR {m['MRR']:.3f}  "
        f"no_known {m['no_known']:.3f}  right first at high {m['high@1']}"
    )


def kb_at(rev: str, dest: Path) -> Path:
    """The ``kb/`` folder of git revision ``rev``, written under ``dest``."""
    data = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "kb"], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    return dest / "kb"


def misses(rows: list[tuple[dict, list, bool]]) -> None:
    for case, results, no_known in rows:
        ids = [r["id"] for r in results]
        rank = next((i + 1 for i, pid in enumerate(ids) if pid in case["expect"]), None)
        if rank != 1:
            top = ", ".join(f"{r['id']} ({r['confidence']})" for r in results[:3])
            print(f"  A miss: rank {rank or '>10'}{' no_known' if no_known else ''}: {case['query']!r} -> {top}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kb", type=Path, default=ROOT / "kb")
    ap.add_argument("--baseline", help="a git revision whose kb/ is measured beside --kb")
    ap.add_argument("--misses", action="store_true", help="list half A's misses (B's are never printed)")
    args = ap.parse_args()
    cases = [json.loads(x) for x in CASES.read_text().splitlines() if x.strip()]
    with tempfile.TemporaryDirectory() as d:
        runs = [("kb", answers(args.kb, cases, Path(d) / "index"))]
        if args.baseline:
            old = kb_at(args.baseline, Path(d) / "baseline")
            runs.insert(0, (args.baseline, answers(old, cases, Path(d) / "baseline-index")))
    for name, rows in runs:
        print(f"{name}:")
        for half in "AB":
            print(line(f"half {half}", metrics([r for r in rows if r[0]["half"] == half])))
    if args.misses:
        misses([r for r in runs[-1][1] if r[0]["half"] == "A"])


if __name__ == "__main__":
    main()
