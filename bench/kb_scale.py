"""KB.incidents_for asked once per pattern, as lint, the index, anchors and tuning ask it: the kept
pattern -> incidents map against the scan of every incident per call it replaced, same run, same KB. And
KB.replaced_by (the retired patterns each pattern replaced: "seen before", the index and the site ask it once
per pattern), every 10th pattern retired in memory, superseded by the next: the kept successor -> retired map
against following every retired pattern's successors per call, as it did.

    python bench/kb_scale.py [--patterns 1000 2000 4000] [--per-pattern 2] [--repeat 3] [--kb DIR ...]

Synthetic KBs (bench/synth_kb.py) of each size with ``--per-pattern`` incidents a pattern, or the KBs
given with ``--kb``. Prints CPU seconds (best of ``--repeat``) of one call per pattern each way, the
ratio after/before, and whether every answer is the same list. The map's first build is counted in
each "after" run (a fresh KB each time).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from synth_kb import generate  # noqa: E402

from recur.kb.loader import load_kb  # noqa: E402


def scanned(kb, pid: str) -> list:
    """incidents_for as it was: every incident scanned per call."""
    return sorted((i for i in kb.incidents.values() if pid in i.patterns), key=lambda i: i.date)


def _best(run, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def measure(root: Path, repeat: int) -> dict:
    kb = load_kb(root)
    ids = list(kb.patterns)
    before = _best(lambda: [scanned(kb, p) for p in ids], repeat)

    def after() -> None:
        kb.__dict__.pop("_by_pattern", None)  # the map built again each run: a freshly loaded KB's first calls
        for p in ids:
            kb.incidents_for(p)

    after_s = _best(after, repeat)
    same = all(kb.incidents_for(p) == scanned(kb, p) for p in ids)
    return {"patterns": len(ids), "incidents": len(kb.incidents), "before": before, "after": after_s, "same": same}


def followed(kb, pid: str) -> list:
    """replaced_by as it was: every retired pattern's successors followed per call."""
    return sorted(p.id for p in kb.patterns.values() if p.status == "retired" and pid in kb.successors(p.id))


def measure_replaced(root: Path, repeat: int) -> dict:
    kb = load_kb(root)
    ids = list(kb.patterns)
    for at in range(0, len(ids) - 1, 10):  # every 10th retired, superseded by the pattern after it
        pid = ids[at]
        kb.patterns[pid] = dataclasses.replace(kb.patterns[pid], status="retired", superseded_by=[ids[at + 1]])
    before = _best(lambda: [followed(kb, p) for p in ids], repeat)

    def after() -> None:
        kb.__dict__.pop("_replaced", None)  # the map built again each run, as a freshly loaded KB's
        for p in ids:
            kb.replaced_by(p)

    after_s = _best(after, repeat)
    same = all(kb.replaced_by(p) == followed(kb, p) for p in ids)
    return {"patterns": len(ids), "before": before, "after": after_s, "same": same}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patterns", type=int, nargs="+", default=[1000, 2000, 4000])
    ap.add_argument("--per-pattern", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--kb", type=Path, nargs="*", default=[])
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="recur-kb-scale-") as tmp:
        roots = list(args.kb) or [
            generate(Path(tmp) / f"kb{n}", patterns=n, incidents=n * args.per_pattern) for n in args.patterns
        ]
        for root in roots:
            r = measure(root, args.repeat)
            ratio = r["after"] / r["before"] if r["before"] else float("nan")
            print(
                f"{r['patterns']} patterns, {r['incidents']} incidents: one incidents_for a pattern "
                f"{r['before']:.3f} s -> {r['after']:.4f} s CPU (ratio {ratio:.4f}); same answers: {r['same']}"
            )
            r = measure_replaced(root, args.repeat)
            ratio = r["after"] / r["before"] if r["before"] else float("nan")
            print(
                f"{r['patterns']} patterns, a tenth retired: one replaced_by a pattern "
                f"{r['before']:.3f} s -> {r['after']:.4f} s CPU (ratio {ratio:.4f}); same answers: {r['same']}"
            )


if __name__ == "__main__":
    main()
