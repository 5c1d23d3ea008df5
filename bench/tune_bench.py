"""Base vs tuned model, dense-only vs the full hybrid ranking, on cases the tuning never saw.

    python bench/tune_bench.py [--kb ../shared/eval/kb] [--cases ../shared/eval/dev.jsonl]
                               [--epochs 1] [--seed 0] [--fresh]

Tunes on the KB's own fields only (`recur tune`; dev cases are never read by the tuning),
caches the tuned model in bench/out/tuned-model (reused while KB, seed and epochs are the
same; --fresh re-tunes and times it), then measures both models in both modes on the same
cases. Also prints the tuning cost and its extrapolation to 1,000 patterns. Writes
bench/out/tune.json. bench/retrieval.py --tuned calls ``compare`` for its own table.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from retrieval import load_cases  # noqa: E402  (bench/ is on sys.path: the script's own folder)

from recur.kb.loader import load_kb  # noqa: E402
from recur.retrieval import embed  # noqa: E402
from recur.retrieval import index as index_mod
from recur.retrieval.engine import Engine  # noqa: E402
from recur.retrieval.evaluate import CaseResult, metrics  # noqa: E402
from recur.retrieval.models import read_tuned_manifest  # noqa: E402
from recur.tuning.data import training_data  # noqa: E402
from recur.tuning.tune import run_tune  # noqa: E402

OUT = ROOT / "bench" / "out"
MODEL_DIR = OUT / "tuned-model"


def tuned_model(kb_dir, epochs: int = 1, seed: int = 0, fresh: bool = False, out: Path = MODEL_DIR) -> tuple:
    """(folder of a model tuned on ``kb_dir``, its manifest); tunes only when no matching one is cached.
    A candidate `recur tune` refused is used too (from out.rejected): the bench reports, it does not gate."""
    data_hash = training_data(load_kb(kb_dir)).hash
    for folder in (out, out.with_name(out.name + ".rejected")):
        m = read_tuned_manifest(folder)
        if (
            not fresh
            and m
            and m.get("training_data_hash") == data_hash
            and m.get("seed") == seed
            and m.get("epochs") == epochs
        ):
            return folder, m
    m = run_tune(kb_dir, out, index_dir=None, epochs=epochs, seed=seed, resume=False).manifest
    return (out if m["accepted"] else out.with_name(out.name + ".rejected")), m


def rank_modes(kb_dir, model: str, cases: list, modes=("dense", "hybrid")) -> dict:
    """{mode: [CaseResult]} for one model over a temporary index of ``kb_dir``."""
    kb = load_kb(kb_dir)
    encoder = embed.load_encoder(model)
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        index_mod.build(kb, Path(tmp) / "index", encoder, progress=False)
        engine = Engine(kb_dir, Path(tmp) / "index", model)
        queries = [c["query"] for c in cases]
        for mode in modes:
            lists = engine.ranked_many(queries, top=10, mode=mode)
            out[mode] = [CaseResult(c["query"], c["expect"], [r["id"] for r in res]) for c, res in zip(cases, lists)]
    return out


def compare(kb_dir, cases: list, epochs: int = 1, seed: int = 0, fresh: bool = False, folder=None) -> tuple:
    """({"base dense-only": metrics, "base hybrid", "tuned dense-only", "tuned hybrid"}, tuned manifest).
    ``folder``: use this tuned model as it is (no cache check, no tuning)."""
    if folder:
        folder, manifest = Path(folder), read_tuned_manifest(folder)
    else:
        folder, manifest = tuned_model(kb_dir, epochs, seed, fresh)
    table = {}
    for name, model in (("base", embed.DEFAULT), ("tuned", str(folder))):
        ranked = rank_modes(kb_dir, model, cases)
        table[f"{name} dense-only"] = metrics(ranked["dense"])
        table[f"{name} hybrid"] = metrics(ranked["hybrid"])
    return table, manifest


def print_table(table: dict) -> None:
    print(f"{'model / ranking':22} {'recall@1':>8} {'recall@3':>8} {'MRR':>6}")
    for name, m in table.items():
        print(f"{name:22} {m['recall@1']:8.3f} {m['recall@3']:8.3f} {m['mrr']:6.3f}")


def cost(manifest: dict, patterns: int = 1000) -> dict:
    """Tuning time now and extrapolated linearly in pairs (pairs grow with patterns)."""
    per_pattern = manifest["pairs"] / max(1, manifest["patterns"])
    other = max(0.0, manifest["duration_s"] - manifest["train_s"])  # load + 2 index builds + eval
    train_s = patterns * per_pattern * manifest["epochs"] / max(manifest["pairs_per_s"], 1e-9)
    return {
        "patterns": manifest["patterns"],
        "pairs": manifest["pairs"],
        "epochs": manifest["epochs"],
        "train_s": manifest["train_s"],
        "duration_s": manifest["duration_s"],
        "pairs_per_s": manifest["pairs_per_s"],
        f"extrapolated_{patterns}_patterns_s": round(train_s + other * patterns / max(1, manifest["patterns"]), 0),
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kb", default=str(ROOT.parent / "shared" / "eval" / "kb"))
    ap.add_argument("--cases", default=str(ROOT.parent / "shared" / "eval" / "dev.jsonl"))
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--fresh", action="store_true", help="re-tune even when a matching tuned model is cached")
    ap.add_argument("--model-dir", help="measure this tuned model folder as it is (no tuning)")
    args = ap.parse_args(argv)
    cases = load_cases(Path(args.cases))
    t0 = time.perf_counter()
    table, manifest = compare(args.kb, cases, args.epochs, args.seed, args.fresh, args.model_dir)
    print(
        f"{len(cases)} cases ({args.cases}); tuned on {args.kb} only "
        f"({manifest['pairs']} pairs, {manifest['epochs']} epochs, seed {manifest['seed']})"
    )
    print_table(table)
    c = cost(manifest)
    print(
        f"tuning: {c['train_s']:.0f}s training ({c['pairs_per_s']:.1f} pairs/s), {c['duration_s']:.0f}s with "
        f"both evals, {c['patterns']} patterns; ~{c['extrapolated_1000_patterns_s'] / 60:.0f} min for 1,000 patterns "
        f"(linear in pairs); gate on {manifest['eval_source']}: MRR {manifest['eval_before']['mrr']:.3f} → "
        f"{manifest['eval_after']['mrr']:.3f}, accepted={manifest['accepted']}; bench {time.perf_counter() - t0:.0f}s"
    )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "tune.json").write_text(
        json.dumps(
            {"cases": args.cases, "kb": args.kb, "table": table, "cost": c, "model_id": manifest["model_id"]}, indent=1
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
