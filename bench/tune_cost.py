"""What `recur tune` costs on 1,000 patterns + 1,000 linked incidents: this recipe vs the one before.

    python bench/tune_cost.py [--patterns 1000] [--incidents 1000] [--fraction 0.1] [--no-old]

Builds a synthetic KB (bench/synth_kb.py, incidents linked to one pattern each) of
``fraction`` x the size, runs the whole `recur tune` on it (measure the current model, train,
measure the candidate, decide, final pass and index rebuild when accepted) with both recipes
in the same run, and extrapolates each linearly to the full size (pairs, views and held-out
incidents all grow linearly with patterns and incidents; time per pair-step does not depend on
the KB size). On a quiet machine, --fraction 1 measures the full size directly.

- new (`recur tune`'s default): 1 epoch at this size; every anchor kind; nothing frozen;
- frozen (an earlier issue-13 recipe): 1 epoch; title, symptom and incident anchors; embeddings +
  lower 3 layers frozen (`--core-anchors --freeze-layers 3`): cheaper, but it learned less;
- old (before issue 13): 3 epochs; every anchor kind; nothing frozen.

Prints wall and CPU seconds, the extrapolation and the old/new ratio; writes bench/out/tune_cost.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from synth_kb import generate  # noqa: E402

from recur.tuning.gate import gate_line  # noqa: E402
from recur.tuning.tune import run_tune  # noqa: E402

OUT = ROOT / "bench" / "out"
# epochs are fixed at what `recur tune`'s default (auto_epochs) picks at the *full* size: one
# (a 1,000 + 1,000 KB has ~250 steps per epoch), not what it would pick for the small fraction measured
RECIPES = {
    "new": {"epochs": 1, "all_anchors": True, "freeze_layers": 0},
    "frozen": {"epochs": 1, "all_anchors": False, "freeze_layers": 3},
    "old": {"epochs": 3, "all_anchors": True, "freeze_layers": 0},
}


def run_recipe(kb: Path, work: Path, name: str) -> dict:
    out, index = work / f"model-{name}", work / f"index-{name}"
    t0, c0 = time.perf_counter(), time.process_time()
    m = run_tune(kb, out, index, seed=0, resume=False, progress=False, **RECIPES[name]).manifest
    return {
        "wall_s": round(time.perf_counter() - t0, 1),
        "cpu_s": round(time.process_time() - c0, 1),
        "train_s": m["train_s"],
        "train_cpu_s": m["train_cpu_s"],
        "pairs": m["pairs"],
        "epochs": m["epochs"],
        "pairs_per_s": m["pairs_per_s"],
        "accepted": m["accepted"],
        "gate": m.get("gate"),
        "eval_source": m["eval_source"],
        "final_pass_pairs": m.get("final_pass_pairs", 0),
        "before": m["eval_before"],
        "after": m["eval_after"],
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patterns", type=int, default=1000)
    ap.add_argument("--incidents", type=int, default=1000)
    ap.add_argument("--fraction", type=float, default=0.1, help="measure this share of the size, extrapolate")
    ap.add_argument("--no-old", action="store_true", help="only the new recipe (no ratio)")
    args = ap.parse_args(argv)
    n_p, n_i = round(args.patterns * args.fraction), round(args.incidents * args.fraction)
    load = os.getloadavg()[0]
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        kb = generate(Path(tmp) / "kb", n_p, incidents=n_i)
        for name in ("new",) if args.no_old else tuple(RECIPES):
            rows[name] = run_recipe(kb, Path(tmp), name)
            r = rows[name]
            r["extrapolated_min"] = round(r["wall_s"] / args.fraction / 60, 1)
            print(
                f"{name}: {r['pairs']} pairs × {r['epochs']} epoch(s) (+{r['final_pass_pairs']} final pass); "
                f"{r['wall_s']:.0f}s wall ({r['cpu_s']:.0f} CPU-s), training {r['train_s']:.0f}s "
                f"({r['pairs_per_s']:.1f} pairs/s); gate on {r['eval_source']}: "
                f"{(r['gate'] or {}).get('verdict', '-')}, accepted={r['accepted']}",
                flush=True,
            )
            if r["gate"]:
                print(
                    f"  MRR {r['before']['mrr']:.3f} → {r['after']['mrr']:.3f}, recall@3 {r['before']['recall@3']:.3f} → "
                    f"{r['after']['recall@3']:.3f}; {gate_line(r['gate'])}",
                    flush=True,
                )
    print(
        f"\n{n_p} patterns + {n_i} linked incidents measured ({args.fraction:g} of {args.patterns} + "
        f"{args.incidents}; load average {load:.1f} at start, 2 cores), extrapolated linearly:"
    )
    for name, r in rows.items():
        print(f"  {name}: ~{r['extrapolated_min']:.0f} min for {args.patterns} patterns + {args.incidents} incidents")
    ratio = rows["old"]["wall_s"] / rows["new"]["wall_s"] if "old" in rows else None
    if ratio:
        print(
            f"  old / new wall time in this run: {ratio:.1f}x (CPU {rows['old']['cpu_s'] / rows['new']['cpu_s']:.1f}x)"
        )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "tune_cost.json").write_text(
        json.dumps(
            {
                "patterns": n_p,
                "incidents": n_i,
                "fraction": args.fraction,
                "load_at_start": round(load, 1),
                "recipes": RECIPES,
                "runs": rows,
                "ratio_old_new": ratio,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    # run_tune logs what it does (recur.tuning, INFO): shown on stderr while the bench runs, as `recur tune` shows it.
    # A handler on that logger alone, not basicConfig: bm25s sets its own logger to DEBUG, and a root handler
    # would print its "Building index" lines too
    shown = logging.StreamHandler()
    shown.setFormatter(logging.Formatter("%(message)s"))
    logging.getLogger("recur.tuning").addHandler(shown)
    logging.getLogger("recur.tuning").setLevel(logging.INFO)
    main()
