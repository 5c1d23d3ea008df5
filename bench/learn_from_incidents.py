"""Learning from recorded incidents, cross-validated: base vs tuned, pooled over folds, same run.

    python bench/learn_from_incidents.py [--kb ../shared/eval/kb] [--cases ../shared/eval/dev.jsonl]
                                         [--folds 4] [--seed 0] [--epochs N]
                                         [--freeze-layers N] [--core-anchors]
                                         [--lr X] [--batch-size N] [--out FILE]

For each fold: copy the KB to a temp folder, record every case *not* in the fold as an incident
linked to its expected patterns (title = its first sentence, summary = its text, dates in case
order), run `recur tune` on that copy (run_tune: its own gate decides on held-out incidents when
the copy has enough of them, else on held-out symptoms), then ask the fold's cases against that
copy with the base model and with the tuned candidate (the bench reports, it does not gate: a
refused candidate is measured too, and "as deployed" uses the tuned model only where the gate
accepted it). Both models rank over the same KB copy (its incidents indexed), full hybrid.
Prints recall@1, recall@3, MRR pooled over folds (and the base model on the KB with nothing
recorded, for scale), the paired MRR difference tuned - base with a 90% bootstrap interval, and
writes bench/out/learn_from_incidents.json (or --out).

The cases are only measured with: nothing here is tuned to them beyond what a KB would record.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from retrieval import load_cases  # noqa: E402
from tune_bench import rank_modes  # noqa: E402

from recur.kb.incident_record import incident_text  # noqa: E402
from recur.retrieval import embed  # noqa: E402
from recur.retrieval.evaluate import metrics  # noqa: E402
from recur.tuning.gate import bootstrap_interval  # noqa: E402
from recur.tuning.tune import run_tune  # noqa: E402

OUT = ROOT / "bench" / "out"


def folds(n: int, k: int, seed: int) -> list:
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [sorted(order[i::k]) for i in range(k)]


def record_incidents(kb_dir: Path, cases: list, keep: list) -> None:
    """Write the cases at ``keep`` as incident records linked to their expected patterns."""
    start = dt.date(2025, 1, 1)
    for n, i in enumerate(keep):
        c = cases[i]
        first = re.split(r"(?<=[.!?])\s", c["query"].strip(), maxsplit=1)[0]
        title = first if len(first) <= 90 else first[:87].rsplit(" ", 1)[0] + "..."
        date = start + dt.timedelta(days=7 * n)
        iid = f"INC-{date.year}-{9000 + i:04d}"
        path = kb_dir / "incidents" / str(date.year) / f"{iid}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            incident_text(
                iid=iid,
                title=title,
                date=date,
                severity="sev2",
                patterns=list(c["expect"]),
                sections={"Summary": c["query"]},
            )
        )


def run_fold(kb: Path, cases: list, fold: list, seed: int, epochs, tmp: Path, **recipe) -> dict:
    kb_copy = tmp / "kb"
    shutil.copytree(kb, kb_copy)
    record_incidents(kb_copy, cases, [i for i in range(len(cases)) if i not in set(fold)])
    out = tmp / "model"
    t0 = time.perf_counter()
    m = run_tune(
        kb_copy, out, index_dir=None, epochs=epochs, seed=seed, resume=False, progress=False, **recipe
    ).manifest
    tune_s = time.perf_counter() - t0
    folder = out if m["accepted"] else out.with_name("model.rejected")
    asked = [cases[i] for i in fold]
    base = rank_modes(kb_copy, embed.DEFAULT, asked, modes=("hybrid",))["hybrid"]
    tuned = rank_modes(kb_copy, str(folder), asked, modes=("hybrid",))["hybrid"]
    return {
        "base": base,
        "tuned": tuned,
        "accepted": m["accepted"],
        "eval_source": m["eval_source"],
        "gate": m.get("gate"),
        "note": m.get("incident_note"),
        "pairs": m["pairs"],
        "tune_s": round(tune_s, 1),
        "gate_before": m["eval_before"],
        "gate_after": m["eval_after"],
        "dense_check": m.get("dense_check"),
        "gate_before_dense": m["eval_before_dense"],
        "gate_after_dense": m["eval_after_dense"],
    }


def summarise(results: list) -> dict:
    pooled = {name: [r for f in results for r in f[name]] for name in ("base", "tuned")}
    pooled["as deployed"] = [r for f in results for r in (f["tuned"] if f["accepted"] else f["base"])]
    table = {name: metrics(rows) for name, rows in pooled.items()}
    import numpy as np

    rr = {name: np.array([1.0 / r.rank if r.rank else 0.0 for r in rows]) for name, rows in pooled.items()}
    delta = rr["tuned"] - rr["base"]
    return {
        "table": table,
        "mrr_delta": round(float(delta.mean()), 4),
        "mrr_delta_90": bootstrap_interval(delta),
        "up": int((delta > 0).sum()),
        "down": int((delta < 0).sum()),
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kb", default=str(ROOT.parent / "shared" / "eval" / "kb"))
    ap.add_argument("--cases", default=str(ROOT.parent / "shared" / "eval" / "dev.jsonl"))
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--epochs", type=int, default=None, help="recur tune --epochs (default: tune's)")
    ap.add_argument("--freeze-layers", type=int, default=None, help="recur tune --freeze-layers (default: tune's)")
    ap.add_argument("--core-anchors", action="store_true", help="recur tune --core-anchors")
    ap.add_argument("--lr", type=float, default=None, help="recur tune --lr (default: tune's)")
    ap.add_argument("--batch-size", type=int, default=None, help="recur tune --batch-size (default: tune's)")
    ap.add_argument("--out", default=str(OUT / "learn_from_incidents.json"), help="where the JSON goes")
    args = ap.parse_args(argv)
    cases = load_cases(Path(args.cases))
    recipe = {"all_anchors": not args.core_anchors}
    if args.freeze_layers is not None:
        recipe["freeze_layers"] = args.freeze_layers
    if args.lr is not None:
        recipe["lr"] = args.lr
    if args.batch_size is not None:
        recipe["batch_size"] = args.batch_size
    t0, results = time.perf_counter(), []
    for k, fold in enumerate(folds(len(cases), args.folds, args.seed)):
        with tempfile.TemporaryDirectory() as tmp:
            f = run_fold(Path(args.kb), cases, fold, args.seed, args.epochs, Path(tmp), **recipe)
        results.append(f)
        gate = f"gate on {f['eval_source']}: MRR {f['gate_before']['mrr']:.3f} → {f['gate_after']['mrr']:.3f}"
        dense = f["dense_check"] or {}
        gate += (
            f" (dense-only {f['gate_before_dense']['mrr']:.3f} → {f['gate_after_dense']['mrr']:.3f}, "
            f"clearly worse: {dense.get('clearly_worse')})"
        )
        print(
            f"fold {k + 1}/{args.folds}: {len(cases) - len(fold)} incidents recorded, {len(fold)} asked; "
            f"{f['pairs']} pairs; {gate}, accepted={f['accepted']}; tune {f['tune_s']:.0f}s; fold MRR "
            f"{metrics(f['base'])['mrr']:.3f} → {metrics(f['tuned'])['mrr']:.3f}",
            flush=True,
        )
    s = summarise(results)
    s["table"] = {
        "base, nothing recorded": metrics(rank_modes(args.kb, embed.DEFAULT, cases, modes=("hybrid",))["hybrid"]),
        **s["table"],
    }
    print(f"\n{len(cases)} cases ({args.cases}), {args.folds} folds, pooled; KB {args.kb}")
    print(f"{'model':24} {'recall@1':>8} {'recall@3':>8} {'MRR':>6}")
    for name, m in s["table"].items():
        print(f"{name:24} {m['recall@1']:8.3f} {m['recall@3']:8.3f} {m['mrr']:6.3f}")
    print(
        f"tuned - base MRR {s['mrr_delta']:+.3f} (90% paired bootstrap {s['mrr_delta_90'][0]:+.3f} … "
        f"{s['mrr_delta_90'][1]:+.3f}); {s['up']} cases up, {s['down']} down; {time.perf_counter() - t0:.0f}s"
    )
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(
        json.dumps(
            {
                "cases": args.cases,
                "kb": args.kb,
                "folds": args.folds,
                "seed": args.seed,
                "epochs": args.epochs,
                "recipe": recipe,
                **s,
                "per_fold": [{k: v for k, v in f.items() if k not in ("base", "tuned")} for f in results],
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
