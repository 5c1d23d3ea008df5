"""`recur tune`: fine-tune the embedding model on the KB's own labelled text, measured.

Steps: build the training pairs (tune_data), measure the current model on the eval cases,
train a fresh copy of the base model (tune_train), measure the candidate the same way, and
make it the KB's active model only when it is not worse. Everything is written into temp
folders beside the output and renamed at the end, so Ctrl-C leaves the previous model and
index untouched. Exit codes: 0 activated, 3 measured worse and refused (the candidate is
kept at OUT.rejected for inspection), 1 error, 130 interrupted.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from recur.tuning.data import (  # noqa: F401
    DEFAULT_OUT,
    read_tuned_manifest,
    retune_advice,
    training_data,
    tuned_model_for,
    without_held_out,
)
from recur.util.errors import RecurError
from recur.util.files import swap_folder, writing

REFUSED = 3
REPORT = "report.json"


def log(msg: str) -> None:
    print(msg, file=sys.stderr)


@dataclass
class Measure:
    model_id: str
    hybrid: dict
    dense: dict
    ranks: list  # per case: {"hybrid": rank|None, "dense": rank|None, "top": [ids]}
    docvecs: dict = field(default_factory=dict)  # pattern id -> doc-view vector


def measure(kb, index_dir: Path, encoder, cases) -> Measure:
    """Rank the eval cases with an index built by ``encoder``: full hybrid and dense-only."""
    from recur.retrieval import index as index_mod
    from recur.retrieval.engine import Engine
    from recur.retrieval.evaluate import CaseResult, metrics
    from recur.retrieval.search import Searcher

    if index_mod.read_manifest(index_dir) is None or not index_mod.is_fresh(index_dir, kb.root) \
            or index_mod.read_manifest(index_dir).get("model") != encoder.model_id:
        index_mod.build(kb, index_dir, encoder, progress=False)
    loaded = index_mod.load(index_dir, expect_model=encoder.model_id)

    class _Ranker(Engine):  # Engine's query methods over an index + encoder held in memory
        def __init__(self):
            self.searcher = Searcher(loaded, encoder)

    ranker, out = _Ranker(), {}
    queries = [c.query for c in cases]
    for mode in ("hybrid", "dense"):
        lists = ranker.suggest_many(queries, top=10, mode=mode) if cases else []
        out[mode] = [CaseResult(c.query, c.expect, [r["id"] for r in res]) for c, res in zip(cases, lists)]
    ranks = [{"hybrid": h.rank, "dense": d.rank, "top": h.ranked[:3]} for h, d in zip(out["hybrid"], out["dense"])]
    docvecs = {v["pattern"]: loaded.vectors[i] for i, v in enumerate(loaded.views) if v["kind"] == "doc"}
    return Measure(encoder.model_id, metrics(out["hybrid"]), metrics(out["dense"]), ranks, docvecs)


def not_worse(before: dict, after: dict, min_gain: float = 0.0) -> bool:
    """The candidate may become active when MRR (the whole ranking, one number) gains at least
    ``min_gain`` and recall@3 loses at most one case (one case is noise on a small eval set)."""
    slack = 1.0 / max(1, before.get("cases") or 0) + 1e-9
    return after["mrr"] - before["mrr"] >= min_gain - 1e-9 and after["recall@3"] >= before["recall@3"] - slack


def _memory_encoder(model, model_id: str):
    from recur.retrieval.embed import SentenceTransformerEncoder

    return SentenceTransformerEncoder.from_model(model, model_id)


def _remove_stale(out_dir: Path) -> None:
    """Temp folders of runs that were killed (SIGKILL, power loss): their process is gone."""
    for tmp in out_dir.parent.glob(f"{out_dir.name}.tmp-*"):
        try:
            os.kill(int(tmp.name.rsplit("-", 1)[1]), 0)
        except ProcessLookupError:
            shutil.rmtree(tmp, ignore_errors=True)
        except (ValueError, OSError):
            continue


def run_tune(kb_dir, out_dir=DEFAULT_OUT, index_dir=None, base: str | None = None, epochs: int = 3, seed: int = 0,
             batch_size: int = 32, lr: float = 3e-5, min_gain: float = 0.0, resume: bool = True,
             progress: bool | None = None, feedback: Path | None = None) -> dict:
    """Tune, measure, and activate when not worse. Returns the manifest (key "accepted")."""
    from recur.kb.loader import load_kb
    from recur.retrieval import embed
    from recur.retrieval import index as index_mod
    from recur.retrieval.models import active_model
    from recur.tuning.report import build_report
    from recur.tuning.train import TrainConfig, load_trainable, train

    t_start = time.perf_counter()
    kb = load_kb(kb_dir)
    data = training_data(kb, feedback)
    if not data.pairs:
        raise RecurError(f"{kb_dir}: no patterns to learn from (patterns/ is empty or every file has errors)")
    if not data.cases:
        raise RecurError(f"{kb_dir}: nothing to measure with: add {Path(kb_dir) / 'eval' / 'cases.yml'}, "
                         "or patterns with 3+ symptoms")
    base_spec = embed.resolve(base or embed.DEFAULT)
    if base_spec.path is None:
        raise RecurError("tuning needs a real sentence-transformers model, not the fake encoder")
    cfg = TrainConfig(epochs=epochs, seed=seed, batch_size=batch_size, lr=lr)
    model_id = f"tuned:{base_spec.model_id}:{data.hash}:{seed}:{epochs}:{batch_size}:{lr:g}"  # all that sets the weights
    out_dir = Path(out_dir)
    pid = os.getpid()
    work = out_dir.with_name(f"{out_dir.name}.tmp-{pid}")
    with writing(out_dir, "the tuned model"):
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(out_dir)
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
    cand_index = work / "index"
    try:
        current = embed.resolve(active_model(kb_dir, None))  # the model this KB uses now: tuned, else bundled
        log(f"{len(data.pairs)} training pairs from {len(data.docs)} patterns "
            f"({', '.join(f'{v} {k}' for k, v in sorted(data.kinds.items()))}); "
            f"{len(data.cases)} eval cases ({data.eval_source}), never trained on.")
        log(f"Measuring the current model ({current.model_id}) ...")
        eval_kb = without_held_out(kb, data.held_out)
        reuse = not data.held_out and index_dir is not None and (index_mod.read_manifest(Path(index_dir)) or {}).get("model") == \
            current.model_id and index_mod.is_fresh(index_dir, kb.root)
        before = measure(eval_kb, Path(index_dir) if reuse else work / "index-before", embed.load_encoder(current),
                         data.cases)
        log(f"  before: recall@3 {before.hybrid['recall@3']:.3f} · MRR {before.hybrid['mrr']:.3f} "
            f"(dense-only recall@3 {before.dense['recall@3']:.3f})")
        log(f"Training {model_id} ({epochs} epoch(s), batch {batch_size}, seed {seed}) ...")
        model = load_trainable(base_spec.path)
        ckpt = out_dir.with_name(out_dir.name + ".partial")
        stats = train(model, data.pairs, data.docs, cfg, progress=progress,
                      checkpoint=ckpt if resume else None, checkpoint_key=model_id)
        model_dir = work / "model"
        model.save(str(model_dir))
        log("Measuring the tuned model ...")
        encoder = _memory_encoder(model, model_id)
        after = measure(eval_kb, cand_index, encoder, data.cases)
        accepted = not_worse(before.hybrid, after.hybrid, min_gain)
        manifest = {
            "model_id": model_id, "base_model": base_spec.model_id, "base_path": base_spec.path,
            "kb": str(Path(kb_dir).resolve()), "training_data_hash": data.hash, "pairs": len(data.pairs),
            "pair_kinds": data.kinds, "feedback_pairs": data.feedback, "patterns": len(data.docs),
            "epochs": epochs, "seed": seed, "batch_size": batch_size, "lr": lr, "max_seq_length": cfg.max_seq_length,
            "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "eval_source": data.eval_source, "eval_cases": len(data.cases), "compared_with": before.model_id,
            "eval_before": before.hybrid, "eval_after": after.hybrid,
            "eval_before_dense": before.dense, "eval_after_dense": after.dense,
            "train_s": round(stats.seconds, 1), "train_cpu_s": round(stats.cpu_seconds, 1),
            "threads": __import__("torch").get_num_threads(), "pairs_per_s": round(stats.pairs_per_s, 1),
            "resumed_from_epoch": stats.resumed_from_epoch,
            "duration_s": round(time.perf_counter() - t_start, 1), "accepted": accepted,
            "pattern_hashes": data.pattern_hashes,
        }
        report = build_report(manifest, data, before, after, kb)
        (model_dir / REPORT).write_text(json.dumps(report, indent=1, ensure_ascii=False))
        (model_dir / embed.TUNED_MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
        if accepted:
            swap_folder(model_dir, out_dir)
            shutil.rmtree(out_dir.with_name(out_dir.name + ".rejected"), ignore_errors=True)
            if index_dir is not None and data.held_out:
                index_mod.build(kb, Path(index_dir), encoder, progress=False)
            elif index_dir is not None:
                index_dir = Path(index_dir)
                index_dir.parent.mkdir(parents=True, exist_ok=True)
                swap_folder(cand_index, index_dir)  # built with the tuned model: no second embedding pass
        else:
            swap_folder(model_dir, out_dir.with_name(out_dir.name + ".rejected"))
        shutil.rmtree(ckpt, ignore_errors=True)
        return manifest
    finally:
        shutil.rmtree(work, ignore_errors=True)


def summary_lines(m: dict) -> list:
    b, a = m["eval_before"], m["eval_after"]
    bd, ad = m["eval_before_dense"], m["eval_after_dense"]
    return [
        f"{m['eval_cases']} eval cases ({m['eval_source']}):",
        f"  hybrid      recall@1 {b['recall@1']:.3f} → {a['recall@1']:.3f} · recall@3 {b['recall@3']:.3f} → "
        f"{a['recall@3']:.3f} · MRR {b['mrr']:.3f} → {a['mrr']:.3f}",
        f"  dense-only  recall@1 {bd['recall@1']:.3f} → {ad['recall@1']:.3f} · recall@3 {bd['recall@3']:.3f} → "
        f"{ad['recall@3']:.3f} · MRR {bd['mrr']:.3f} → {ad['mrr']:.3f}",
        f"{m['pairs']} pairs × {m['epochs']} epoch(s) in {m['train_s']:.0f}s ({m['pairs_per_s']:.1f} pairs/s, "
        f"{m['train_cpu_s']:.0f} CPU-s on {m['threads']} threads); {m['duration_s']:.0f}s in all.",
    ]
