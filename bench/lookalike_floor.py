"""The similarity floor of look-alikes (retrieval/lookalikes.FLOOR), measured on the starter KB.

    python bench/lookalike_floor.py

Builds the starter KB's index with the bundled model and, for floors from 0.40 to 0.60, prints the
share of all pattern pairs at the floor or above, of the pairs authors declared confusable
(`distinguish:`), of the pairs where a kb/eval case ranked the other pattern above the right one, and
how many patterns keep 0 to 3 of their 3 nearest neighbours. About 30 seconds.
"""

from __future__ import annotations

import itertools
import sys
import tempfile
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from recur.kb.loader import load_kb  # noqa: E402
from recur.retrieval import embed  # noqa: E402
from recur.retrieval.engine import Engine  # noqa: E402
from recur.retrieval.index import build, load  # noqa: E402
from recur.retrieval.lookalikes import centroids  # noqa: E402


def confused(engine, pos: dict) -> set:
    """Pairs (sorted ids) where a kb/eval case ranked the other pattern above its right one (top 3)."""
    out = set()
    for case in yaml.safe_load((ROOT / "kb/eval/cases.yml").read_text()):
        results = engine.answer(case["query"], top=3).results
        right = min([r["rank"] for r in results if r["id"] in case["expect"]] or [9])
        for r in results:
            if r["rank"] < right:
                out |= {tuple(sorted((x, r["id"]))) for x in case["expect"] if x in pos and r["id"] in pos}
    return out


def main() -> None:
    kb = load_kb(ROOT / "kb")
    enc = embed.load_encoder(embed.DEFAULT)
    with tempfile.TemporaryDirectory() as d:
        build(kb, Path(d) / "index", enc, progress=False)
        index = load(Path(d) / "index", enc.model_id)
        ids, mat = centroids(index)
        pos = {p: n for n, p in enumerate(ids)}
        live = [n for n, p in enumerate(ids) if index.docs[p].get("status") != "retired"]
        sims = mat @ mat.T
        above = confused(Engine(ROOT / "kb", Path(d) / "index", "default"), pos)
    pairs = np.array([sims[a, b] for a, b in itertools.combinations(live, 2)])
    declared = {tuple(sorted((p.id, x["from"]))) for p in kb.patterns.values() for x in p.distinguish}
    dist = np.array([sims[pos[a], pos[b]] for a, b in declared if a in pos and b in pos])
    conf = np.array([sims[pos[a], pos[b]] for a, b in above])
    print(f"{len(live)} patterns, {len(pairs)} pairs, {len(dist)} declared, {len(conf)} ranked above the right one")
    for floor in (0.40, 0.45, 0.50, 0.55, 0.60):
        kept = [sum(s >= floor for s in sorted((sims[n, m] for m in live if m != n), reverse=True)[:3]) for n in live]
        print(
            f"floor {floor:.2f}: all pairs {np.mean(pairs >= floor):.2f}, declared {np.sum(dist >= floor)}/{len(dist)}, "
            f"ranked above {np.sum(conf >= floor)}/{len(conf)}; patterns keeping 0/1/2/3: "
            f"{[kept.count(k) for k in range(4)]}"
        )


if __name__ == "__main__":
    main()
