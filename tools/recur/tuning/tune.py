"""`recur tune`: fine-tune the embedding model on the KB's own labelled text, measured.

Steps: build the training pairs (tuning.data), measure the current model, train a fresh copy
of the base model (tuning.train), measure the candidate the same way, and make it the KB's
active model only when the measurement says so:

- with enough linked incidents (tuning.data.INCIDENT_FLOOR), on the newest 30% of them, held
  out of the training pairs and of the measuring index; the decision reads the paired
  per-incident difference in reciprocal rank and its bootstrap interval (tuning.gate). An
  accepted fold model then takes one short pass over the held-out incidents and becomes the
  final model;
- else on the eval cases (or held-out symptoms): MRR not down, recall@3 down at most one case.

Everything is written into temp folders beside the output and renamed at the end, so Ctrl-C
leaves the previous model and index untouched. Exit codes: 0 activated, 3 not activated
(measured worse, or not better on incidents; the candidate is kept at OUT.rejected),
1 error, 130 interrupted.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from recur.retrieval.embed import TUNED_MANIFEST
from recur.retrieval.models import DEFAULT_OUT, read_tuned_manifest, tuned_on
from recur.tuning.data import INCIDENT_FLOOR, INCIDENT_FLOOR_PATTERNS, MEASURE_FLOOR, eval_kb, training_data
from recur.tuning.report import REPORT, final_pass, measured_on, measured_text, previous_dir, rejected_dir
from recur.util.errors import NotWritable, RecurError
from recur.util.files import (
    check_writable,
    only_one,
    remove_stale,
    remove_work,
    share_files,
    swap_folder,
    work_folder,
    writing,
)
from recur.util.text import plural

REFUSED = 3


# What a run says while it works ("Measuring the current model ...", the before and after), logged at INFO, and the
# notes a caller should hear (a KB changed during the run, what Ctrl-C left) at WARNING: a library caller routes or
# silences them as any library's (docs/library.md); `recur tune` prints each message on stderr (cli/logs.py), as it
# printed them. The training's own lines are tuning.train's (its LOG).
LOG = logging.getLogger(__name__)


def log(msg: str, level: int = logging.INFO) -> None:
    LOG.log(level, "%s", msg)


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

    if (
        index_mod.read_manifest(index_dir) is None
        or not index_mod.is_fresh(index_dir, kb.root)
        or index_mod.read_manifest(index_dir).get("model") != encoder.model_id
    ):
        index_mod.build(kb, index_dir, encoder, progress=False)
    loaded = index_mod.load(index_dir, expect_model=encoder.model_id)

    ranker, out = Engine(kb.root, index_dir, encoder.model_id, searcher=Searcher(loaded, encoder)), {}
    queries = [c.query for c in cases]
    for mode in ("hybrid", "dense"):
        lists = ranker.ranked_many(queries, top=10, mode=mode) if cases else []
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


@dataclass
class Run:
    """What one `recur tune` run settled before training: data, settings, folders."""

    kb_dir: Path
    kb: object
    data: object  # tuning.data.TrainingData
    base: object  # embed.ModelSpec of the base model
    cfg: object  # tuning.train.TrainConfig
    model_id: str
    out_dir: Path
    index_dir: Path | None
    min_gain: float
    resume: bool
    progress: bool | None
    work: Path | None = None  # OUT.tmp-<pid>: made by run_tune under its lock (util.files.work_folder)
    compared_note: str = ""  # why the candidate is compared with the base, not the current model (fair_comparison)

    @property
    def ckpt(self) -> Path:
        return self.out_dir.with_name(self.out_dir.name + ".partial")

    @property
    def on_incidents(self) -> bool:
        return bool(self.data.held_incidents)


@dataclass(frozen=True)
class TuneOutcome:
    """How one run ended, for `recur tune`'s last lines: whether the candidate was accepted and is the
    KB's active model, its id, the summary of the measurement, and why it was refused (else "")."""

    accepted: bool
    activated: bool  # accepted, and where index, suggest and serve look for this KB's model
    model_id: str
    summary: tuple[str, ...]  # summary_lines: before → after, the gate, the cost (the data-floor note: start_line)
    refusal: str
    manifest: dict  # recur-model.json as written (a file format; benches read its fields)
    trained: bool = True  # False: stopped before training, no candidate could measure better (at_ceiling)


def outcome(manifest: dict, min_gain: float) -> TuneOutcome:
    """The outcome a manifest records (``refusal`` in the words of the gate that measured it)."""
    accepted = bool(manifest["accepted"])
    return TuneOutcome(
        accepted=accepted,
        activated=accepted and bool(manifest.get("activated", True)),
        model_id=manifest["model_id"],
        summary=tuple(summary_lines(manifest)),
        refusal="" if accepted else refusal_reason(manifest, min_gain),
        manifest=manifest,
    )


def run_tune(
    kb_dir,
    out_dir=DEFAULT_OUT,
    index_dir=None,
    base: str | None = None,
    epochs: int | None = None,
    seed: int = 0,
    batch_size: int = 32,
    lr: float = 3e-5,
    min_gain: float = 0.0,
    resume: bool = True,
    progress: bool | None = False,
    feedback: Path | None = None,
    all_anchors: bool = True,
    freeze_layers: int = 0,
    force: bool = False,
) -> TuneOutcome:
    """Tune, measure, and activate when the measurement allows. Returns how it ended, with the manifest.
    ``force``: train even the candidate refused before with the same inputs (``refused_before``). ``progress``
    (train.train's): False, what the run does is logged (``LOG``); True, a bar for the training; None, a bar when
    stderr is a terminal (`recur tune`). Nothing is printed but that bar."""
    from recur.tuning.train import TrainConfig

    t_start = time.perf_counter()
    cfg = TrainConfig(epochs=epochs or 0, seed=seed, batch_size=batch_size, lr=lr, freeze_layers=freeze_layers)
    out = Path(out_dir)
    _check_out(out, Path(kb_dir))
    # the KB and its data first (cheap, no model): a run refused there leaves no folder behind
    run = _prepare(Path(kb_dir), out, index_dir, base, cfg, min_gain, resume, progress, feedback, all_anchors)
    if index_dir is not None:  # rebuilt at the very end, after the model was swapped in: say it now
        with writing(index_dir, "the index"):
            check_writable(Path(index_dir), folder=True)  # makes its parent folder (.recur/)
    # two runs on one model folder would share its checkpoint (.partial) and swap over each other
    with only_one(out.with_name(out.name + ".lock"), f"{out}: recur tune"):
        # before the early exits: found in review, a run stopped there (unchanged, refused before) left
        # the OUT.tmp-<pid> of a run killed by SIGKILL (~270 MB), which work_folder removes only later
        remove_stale(out)
        if unchanged(run):
            return _unchanged_outcome(run)
        if not force and (refused := refused_before(run)) is not None:
            return refused
        with writing(out, "the tuned model"):
            run.work = work_folder(out)
        try:
            before, fold_kb = _measure_before(run)
            if at_ceiling(run, before):
                return _ceiling_outcome(run, before, t_start)
            try:
                after, model, stats = _train_and_measure(run, fold_kb)
            except KeyboardInterrupt:
                log(interrupted_line(run.ckpt), logging.WARNING)
                raise
            manifest = _manifest(run, before, after, stats, t_start)
            _finish(run, manifest, before, after, model)
            if changed := changed_meanwhile(run):
                log(changed, logging.WARNING)
            manifest["duration_s"] = round(time.perf_counter() - t_start, 1)
            return outcome(manifest, min_gain)
        finally:
            remove_work(run.work)  # whole: a second Ctrl-C is raised after it


def changed_meanwhile(run: Run) -> str:
    """A note when the KB's files changed while the run tuned, else "". Found in review: a pattern
    edited during training went unmentioned; the model had learned the KB as it was at the start (its
    index too, which `recur index` / `suggest` then bring up to date), and only a rerun learns the edit. A file
    whose stamp moved with its bytes the same (a chmod, a ``touch``) is no change: it is read, as an index's
    ``same_files`` reads it, and only a real change is said (a chmod during a run said the file changed)."""
    from recur.kb.loader import files_signature, same_contents

    then, digests = run.kb.signature, run.kb.file_digests or {}
    if then is None:
        return ""
    now = files_signature(run.kb_dir)
    changed = sorted(
        name
        for name in then.keys() | now.keys()
        if not same_contents(run.kb_dir, name, then.get(name), now.get(name), digests.get(name))
    )
    if not changed:
        return ""
    more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
    return (
        f"note: {', '.join(changed[:3])}{more} changed while this run tuned: the model learned, and was measured "
        "on, the knowledge base as it was when the run began; run recur tune again to learn the change"
    )


def _check_out(out: Path, kb_dir: Path) -> None:
    """``--out`` is replaced whole when a candidate is accepted: it must be a new folder or this KB's
    tuned model. Found in review: `--out kb` deleted the knowledge base (exit 0), `--out models` a
    folder of other files, the index folder became a model folder, `--out .` was a traceback, and
    the default folder of one checkout took another KB's model over."""
    if out.name in ("", ".", "..") or out.resolve() == Path(out.resolve().anchor):
        raise RecurError(f"--out {out}: name a folder for the tuned model (it is replaced whole), not {out}")
    if not out.is_dir() or not any(out.iterdir()):
        return
    if not (out / TUNED_MANIFEST).is_file():
        raise RecurError(
            f"--out {out}: exists and is not a tuned-model folder (no {TUNED_MANIFEST}); recur tune replaces "
            "the folder it names, so it must be a new folder or this KB's tuned model"
        )
    try:
        m = read_tuned_manifest(out)  # None: damaged, the model cannot be told apart; replacing it is the fix
        # the lookup's own rule: the KB path it records, or the same place relative to the folder
        ours = m is None or ("kb" not in m and "kb_relative" not in m) or tuned_on(out, m, kb_dir)
    except RecurError:  # a "kb" that is not a path: whose model it is cannot be told
        m, ours = {}, False
    if not ours:
        raise RecurError(
            f"--out {out}: holds the tuned model of another knowledge base ({m.get('kb', 'unreadable')}); give "
            f"--out for this KB's model (recur tune --kb {kb_dir} --out NEW-FOLDER)"
        )


def _check_freeze(model_path: str, layers: int) -> None:
    """Freezing every transformer layer leaves nothing to train (torch fails deep inside the
    first backward pass); say so before anything is loaded or written."""
    try:
        total = json.loads((Path(model_path) / "config.json").read_text(encoding="utf-8"))["num_hidden_layers"]
    except (OSError, ValueError, KeyError, TypeError):
        return  # an unknown layout: train.freeze leaves it unfrozen
    if layers >= total:
        raise RecurError(
            f"--freeze-layers {layers}: the model has {total} transformer layers; freeze at most {total - 1}"
        )


def _prepare(
    kb_dir: Path, out_dir: Path, index_dir, base, cfg, min_gain, resume, progress, feedback, all_anchors
) -> Run:
    from recur.kb.loader import load_kb
    from recur.retrieval import embed

    kb = load_kb(kb_dir)
    data = training_data(kb, feedback, all_anchors=all_anchors)
    if not data.pairs:
        raise RecurError(f"{kb_dir}: no patterns to learn from (patterns/ is empty or every file has errors)")
    if not data.cases:  # what is there, so the missing part is plain (36 incidents covering 2 patterns)
        raise RecurError(
            f"{kb_dir}: nothing to measure with: add cases to {kb_dir / 'eval' / 'cases.yml'}, give patterns "
            f"3+ symptoms, or link {INCIDENT_FLOOR}+ incidents covering {INCIDENT_FLOOR_PATTERNS}+ patterns "
            f"(now: {data.note.split(';')[0] if data.note else 'none'})"
        )
    if len(data.cases) < MEASURE_FLOOR:
        raise RecurError(
            f"{kb_dir}: too little to measure a tuned model with: {plural(len(data.cases), 'question')} "
            f"({data.eval_source}); at least {MEASURE_FLOOR} are needed, or a candidate that changes nothing "
            f"on them would be activated. Add cases to {kb_dir / 'eval' / 'cases.yml'}, give patterns 3+ "
            f"symptoms, or link {INCIDENT_FLOOR}+ incidents covering {INCIDENT_FLOOR_PATTERNS}+ patterns"
        )
    if not cfg.epochs:  # none asked for: enough passes for a small KB to move the model
        from recur.tuning.train import auto_epochs

        cfg.epochs = auto_epochs(len(data.pairs), cfg.batch_size)
    base_spec = embed.resolve(base or embed.DEFAULT)
    if base_spec.path is None:
        raise RecurError("tuning needs a real sentence-transformers model, not the fake encoder")
    _check_freeze(base_spec.path, cfg.freeze_layers)
    model_id = (
        f"tuned:{base_spec.model_id}:{data.hash}:{cfg.seed}:{cfg.epochs}:{cfg.batch_size}:{cfg.lr:g}"
        f":f{cfg.freeze_layers}"
    )  # all that sets the weights
    return Run(
        kb_dir,
        kb,
        data,
        base_spec,
        cfg,
        model_id,
        out_dir,
        Path(index_dir) if index_dir else None,
        min_gain,
        resume,
        progress,
    )


def compared_model(run: Run):
    """The spec of the model the candidate is measured against: the one this KB uses now (tuned, else
    bundled), or the base model (``fair_comparison``, whose note it sets on ``run``). Nothing is loaded."""
    from recur.retrieval import embed
    from recur.retrieval.models import active_model

    current, run.compared_note = fair_comparison(run, embed.resolve(active_model(run.kb_dir, None)))
    return current


def _measure_current(run: Run) -> tuple:
    """(before, the KB measured on): the current model (or the base: fair_comparison) measured over
    an index of the held-out-free KB."""
    from recur.retrieval import embed
    from recur.retrieval import index as index_mod

    data = run.data
    current = compared_model(run)
    # the note of fair_comparison is in summary_lines, beside the measurement. The data notes (a measurement on
    # eval cases for want of incidents, a feedback log left unread) are WARNING records of their own: found in
    # review, they rode in the INFO record of the first line, unheard by a library caller who logs warnings only
    first, *notes = start_line(data).split("\nnote: ")
    log(first)
    for note in notes:
        log(f"note: {note}", logging.WARNING)
    log(f"Measuring the {'base' if run.compared_note else 'current'} model ({current.model_id}) ...")
    fold_kb = eval_kb(run.kb, data)
    reuse = (
        fold_kb is run.kb
        and run.index_dir is not None
        and (index_mod.read_manifest(run.index_dir) or {}).get("model") == current.model_id
        and index_mod.is_fresh(run.index_dir, run.kb.root)
    )
    # training runs PyTorch anyway: its import is paid, so the measurement runs there too (bf16 where native)
    encoder = embed.load_encoder(current, texts=embed.BULK_TEXTS)
    before = measure(fold_kb, run.index_dir if reuse else run.work / "index-before", encoder, data.cases)
    log(
        f"  before: recall@3 {before.hybrid['recall@3']:.3f} · MRR {before.hybrid['mrr']:.3f} "
        f"(dense-only recall@3 {before.dense['recall@3']:.3f})"
    )
    return before, fold_kb


def _measure_before(run: Run) -> tuple:
    """_measure_current, with what Ctrl-C there leaves said: found in review, only "Interrupted."."""
    try:
        return _measure_current(run)
    except KeyboardInterrupt:
        log(interrupted_line(run.ckpt, training=False), logging.WARNING)
        raise


def _train_and_measure(run: Run, fold_kb) -> tuple:
    """(after, candidate model, train stats): the candidate trained, and measured on the same cases as
    the current model, over an index of the same KB."""
    from recur.tuning.train import load_trainable, train

    data = run.data
    log(
        f"Training {run.model_id} ({plural(run.cfg.epochs, 'epoch')}, batch {run.cfg.batch_size}, seed {run.cfg.seed}, "
        f"lower {run.cfg.freeze_layers} layers frozen) ..."
    )
    model = load_trainable(run.base.path)
    stats = train(
        model,
        data.pairs,
        data.docs,
        run.cfg,
        progress=run.progress,
        checkpoint=run.ckpt,  # --no-resume ignores an old checkpoint, and still writes new ones
        checkpoint_key=run.model_id,
        resume=run.resume,
    )
    log("Measuring the tuned model ...")
    after = measure(fold_kb, run.work / "index", _memory_encoder(model, run.model_id), data.cases)
    return after, model, stats


def at_ceiling(run: Run, before: Measure) -> bool:
    """No candidate can be activated: measured on held-out incidents, the model compared with already
    ranks every one first (MRR 1), and the gate activates on a mean gain only. Found in review: such a
    run trained for minutes and was refused. (On eval cases a candidate that ties is activated.)"""
    return run.on_incidents and before.hybrid["mrr"] >= 1 - 1e-9


def _ceiling_outcome(run: Run, before: Measure, t_start: float) -> TuneOutcome:
    """The outcome of a run stopped before training (at_ceiling): nothing written, exit as refused."""
    n, source = len(run.data.cases), run.data.eval_source
    what = measured_on(n, source, run.data.held_incidents)
    reason = (
        f"{before.model_id} already ranks every one of the {what} first (MRR 1.000), so no tuned model can "
        "measure better; nothing was trained. Tune again when new incidents are linked"
    )
    manifest = {
        "model_id": run.model_id,
        "accepted": False,
        "trained": False,
        "compared_with": before.model_id,
        "eval_source": source,
        "eval_cases": n,
        "eval_before": before.hybrid,
        "eval_before_dense": before.dense,
        "incident_note": run.data.note,
        "compared_note": run.compared_note,
        "duration_s": round(time.perf_counter() - t_start, 1),
    }
    lines = [f"note: {manifest['compared_note']}."] if manifest["compared_note"] else []
    return TuneOutcome(False, False, run.model_id, tuple(lines), reason, manifest, trained=False)


def unchanged(run: Run) -> bool:
    """OUT already holds the model this run would train: its id records the base model, the training
    data's hash and every setting that sets the weights, and the same ones give the same weights.
    Found in review: a second run with nothing changed trained for minutes, was accepted again, and
    its swap put that model's copy at OUT.previous in place of the one `--rollback` goes back to."""
    try:
        m = read_tuned_manifest(run.out_dir)
    except RecurError:  # damaged: whose and which model it is cannot be told; training replaces it
        return False
    return bool(m) and m.get("model_id") == run.model_id and m.get("accepted") is not False


def _unchanged_outcome(run: Run) -> TuneOutcome:
    """The outcome of a run stopped before anything was measured or written (``unchanged``)."""
    reason = (
        f"{run.out_dir} already is {run.model_id}: tuned on this same data (training-data hash "
        f"{run.data.hash}) with the same base model and settings, training again would give the same "
        "weights. Tune again when patterns, incidents or feedback change (or with another --seed); "
        "what it measured: recur tune --report"
    )
    manifest = {"model_id": run.model_id, "accepted": False, "trained": False, "unchanged": True}
    return TuneOutcome(False, False, run.model_id, (), reason, manifest, trained=False)


def refused_before(run: Run) -> TuneOutcome | None:
    """The outcome of a run stopped before anything was measured or written, when OUT.rejected is the very
    candidate this run would train, refused: the same model id (base model, training data with the
    questions measured on, every setting that sets the weights), measured against the same model, with
    the same --min-gain. It would train to the same weights, measure the same and be refused again. Found
    in review: such a rerun trained for minutes to be refused again. Else None (a damaged or older record
    too: training again replaces it)."""
    folder = rejected_dir(run.out_dir)
    try:
        m = read_tuned_manifest(folder)
    except RecurError:
        return None
    if not m or m.get("accepted") is not False or m.get("model_id") != run.model_id:
        return None
    # min_gain: recorded since this check; a record without it was decided by a --min-gain not known
    if m.get("min_gain") != run.min_gain or not tuned_on(folder, m, run.kb_dir):
        return None
    if m.get("compared_with") != compared_model(run).model_id:  # another model in use now: measure again
        return None
    try:
        summary, why = tuple(summary_lines(m, cost=False)), refusal_reason(m, run.min_gain)
    except (KeyError, TypeError, ValueError, IndexError):  # figures missing or of another kind: train again
        return None
    reason = (
        f"{folder} is this same candidate, {run.model_id}, refused {m.get('date') or 'before'}: {why}. With the "
        "same data, base model, settings and --min-gain, compared with the same model, training again would give "
        "the same weights, the same measurement (above) and the same refusal. Tune again when patterns, incidents, "
        f"feedback or eval cases change, or with --force; what it measured: recur tune --report --out {folder}"
    )
    keys = ("compared_with", "eval_source", "eval_cases", "eval_before", "eval_after", "gate", "dense_check")
    manifest = {"model_id": run.model_id, "accepted": False, "trained": False, "refused_before": True}
    manifest |= {k: m.get(k) for k in keys}
    return TuneOutcome(False, False, run.model_id, summary, reason, manifest, trained=False)


def fair_comparison(run: Run, current) -> tuple:
    """(the model the candidate is compared with, why it is not the current one or ""). A tuned model
    learned the incidents it was tuned on, the held-out ones too once accepted (``_final_pass``):
    measured on those it would be measured on its own training data, and a re-tune, even one
    giving the same weights, would be refused as worse. Then the candidate is compared with the
    model it is tuned from, which has seen none of them."""
    from recur.retrieval import embed

    held = run.data.held_incidents
    if not held or current.path is None or current.model_id == run.base.model_id:
        return current, ""
    try:
        manifest = json.loads((Path(current.path) / embed.TUNED_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return current, ""  # not a tuned model (a --model folder): it has seen none of the KB's incidents
    seen = manifest.get("trained_incidents") if isinstance(manifest, dict) else None
    # not a list of ids (tuned before they were recorded, or damaged: [["INC-1"]] was a TypeError
    # traceback; the field only informs this choice): any incident, if it trained on some
    if not (isinstance(seen, list) and all(isinstance(i, str) for i in seen)):
        kinds = manifest.get("pair_kinds") if isinstance(manifest, dict) else None
        seen = list(run.kb.incidents) if isinstance(kinds, dict) and kinds.get("incident") else []
    learned = set(held) & set(seen)
    if not learned:
        return current, ""
    return run.base, (
        f"the active model {current.model_id} was trained on {len(learned)} of the {len(held)} held-out "
        f"incidents, so measuring it on them would flatter it; the candidate is compared with "
        f"{run.base.model_id}, the model it is tuned from, which has seen none of them"
    )


def _decide(run: Run, before: Measure, after: Measure) -> tuple:
    """(accepted, gate dict or None, dense check): on either kind of case, never a model whose own
    ranking (dense-only) clearly lost, whatever BM25 made of the hybrid one (tuning.gate)."""
    from recur.tuning.gate import decide, dense_loss

    check = dense_loss([r["dense"] for r in before.ranks], [r["dense"] for r in after.ranks])
    if not run.on_incidents:
        return not_worse(before.hybrid, after.hybrid, run.min_gain) and not check["clearly_worse"], None, check
    g = decide([r["hybrid"] for r in before.ranks], [r["hybrid"] for r in after.ranks], run.min_gain, check)
    return g.verdict == "better", g.to_json(), check


def _manifest(run: Run, before: Measure, after: Measure, stats, t_start: float) -> dict:
    data, cfg = run.data, run.cfg
    accepted, gate, dense_check = _decide(run, before, after)
    return {
        "model_id": run.model_id,
        "base_model": run.base.model_id,
        "base_path": run.base.path,
        "kb": str(run.kb_dir.resolve()),
        # the KB from the model folder: a checkout moved or copied with its .recur/ keeps its model
        "kb_relative": os.path.relpath(run.kb_dir.resolve(), run.out_dir.resolve()),
        "training_data_hash": data.hash,
        "pairs": len(data.pairs),
        "pair_kinds": data.kinds,
        "feedback_pairs": data.feedback,
        "patterns": len(data.docs),
        "epochs": cfg.epochs,
        "seed": cfg.seed,
        "batch_size": cfg.batch_size,
        "lr": cfg.lr,
        "max_seq_length": cfg.max_seq_length,
        "freeze_layers": cfg.freeze_layers,
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "eval_source": data.eval_source,
        "eval_cases": len(data.cases),
        "compared_with": before.model_id,
        "eval_before": before.hybrid,
        "eval_after": after.hybrid,
        "eval_before_dense": before.dense,
        "eval_after_dense": after.dense,
        "linked_incidents": data.linked,
        "linked_patterns": data.linked_patterns,
        "held_out_incidents": data.held_incidents,
        "incident_note": data.note,
        "compared_note": run.compared_note,
        "trained_incidents": data.trained_incidents,  # before the final pass; it adds the held-out ones
        "gate": gate,
        "dense_check": dense_check,  # dense-only Δ reciprocal rank on the same cases (tuning.gate.dense_loss)
        "final_pass_pairs": 0,
        # every run's training, an interrupted one's too: a resumed run is not "trained in 0s"
        "train_s": round(stats.total_seconds, 1),
        "train_cpu_s": round(stats.total_cpu_seconds, 1),
        "threads": __import__("torch").get_num_threads(),
        "pairs_per_s": round(stats.total_pairs_per_s, 1),
        "resumed_from_epoch": stats.resumed_from_epoch,
        "resumed_at_step": stats.resumed_at_step,
        "duration_s": round(time.perf_counter() - t_start, 1),
        "accepted": accepted,
        "min_gain": run.min_gain,  # decides with the rest: a rerun asking less may accept the same candidate
        "pattern_hashes": data.pattern_hashes,
        "pattern_text_hashes": data.text_hashes,  # without incidents: the advice counts those apart
    }


def _final_pass(run: Run, model, manifest: dict) -> None:
    """An accepted fold model learns the held-out incidents too: one short pass, cheaper than
    training again from the start (the gate measured the model before this pass)."""
    from recur.tuning.train import TrainConfig, train

    pairs = run.data.late_pairs
    if not pairs:
        return
    cfg = TrainConfig(
        epochs=1,
        seed=run.cfg.seed,
        batch_size=run.cfg.batch_size,
        lr=run.cfg.lr,
        max_seq_length=run.cfg.max_seq_length,
        freeze_layers=run.cfg.freeze_layers,
    )
    log(f"Learning the {len(run.data.held_incidents)} held-out incidents too ({len(pairs)} pairs, one pass) ...")
    stats = train(model, pairs, run.data.docs, cfg, progress=run.progress)
    manifest["final_pass_pairs"] = len(pairs)
    manifest["trained_incidents"] = manifest["trained_incidents"] + list(run.data.held_incidents)
    manifest["train_s"] = round(manifest["train_s"] + stats.seconds, 1)
    manifest["train_cpu_s"] = round(manifest["train_cpu_s"] + stats.cpu_seconds, 1)


def _finish(run: Run, manifest: dict, before: Measure, after: Measure, model) -> None:
    """Write the model folder with its manifest and report; swap it in (and rebuild the index)
    when accepted, else keep it at OUT.rejected."""
    from recur.retrieval import embed
    from recur.retrieval.models import would_be_found
    from recur.tuning.report import build_report

    accepted, out_dir = manifest["accepted"], run.out_dir
    if accepted and run.on_incidents:
        _final_pass(run, model, manifest)
    if accepted:  # decided before the report and manifest are written: both say whether it is in use
        # an OUT that `recur index`/`suggest`/`serve` do not find for this KB (RECUR_TUNED, ./.recur/model,
        # <kb>/../.recur/model) is not active: an index built with it would not match the model they use
        manifest["activated"] = would_be_found(run.kb_dir, out_dir)
    model_dir = run.work / "model"
    save_model(model, model_dir, out_dir, run.ckpt)
    report = build_report(manifest, run.data, before, after, run.kb)
    (model_dir / REPORT).write_text(json.dumps(report, indent=1, ensure_ascii=False))
    (model_dir / embed.TUNED_MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    share_files(model_dir)  # model.safetensors is written 0o600 by safetensors, the rest as any file
    if not accepted:
        swap_folder(model_dir, rejected_dir(out_dir))
        shutil.rmtree(run.ckpt, ignore_errors=True)
        return
    index = _final_index(run, model) if run.index_dir is not None and manifest["activated"] else None
    # the index is ready before the model is swapped in: an interrupt until here leaves both as they were;
    # a kill -9 between the two swaps below leaves it staged, whole, and the next reader puts it in place
    # (index.finish_activation)
    try:
        if not out_dir.exists():  # the base model was in use: an older OUT.previous would roll back past it
            shutil.rmtree(previous_dir(out_dir), ignore_errors=True)
        swap_folder(model_dir, out_dir, keep=previous_dir(out_dir))  # `recur tune --rollback` swaps it back
        shutil.rmtree(rejected_dir(out_dir), ignore_errors=True)
        if index is not None:
            swap_folder(index, run.index_dir)
    finally:
        if index is not None:
            shutil.rmtree(index, ignore_errors=True)  # swapped: the previous index; else the unused one
    shutil.rmtree(run.ckpt, ignore_errors=True)


def save_model(model, model_dir: Path, out_dir: Path, ckpt: Path) -> None:
    """``model`` saved into ``model_dir`` (the work folder's, swapped to ``out_dir`` after), or a
    RecurError naming ``out_dir`` and the space left. Found in review (`.recur/` on a full disk):
    safetensors' "No space left on device" was a traceback after minutes of training, and it did
    not say that the checkpoint kept lets a rerun skip the training."""
    from safetensors import SafetensorError

    try:
        model.save(str(model_dir))
    except (OSError, SafetensorError) as exc:
        raise no_room(out_dir, "write the tuned model there", f"{type(exc).__name__}: {exc}", model_dir, ckpt) from None


def no_room(target, what: str, why: str, where: Path, ckpt: Path | None) -> RecurError:
    """The error of a write refused after training, or by a rollback (a full disk): ``target``, what could
    not be done there and why, the space left on the disk of ``where`` (what was being written, beside
    ``target``: on its disk; its nearest folder that exists, when its parent could not be made), that the
    model and index in use were not touched (nothing is swapped in before it is whole), and the checkpoint
    kept for a rerun, when training wrote one (``ckpt`` None: a rollback, which trains nothing)."""
    on = next(p for p in (Path(where), *Path(where).absolute().parents) if p.exists())
    free = shutil.disk_usage(on).free / 1e6
    kept = (
        f"; the trained weights are kept at {ckpt}: a rerun with the same settings, once there is room, "
        "resumes from them without training again"
        if ckpt is not None and (ckpt / "state.pt").is_file()
        else ""
    )
    return RecurError(
        f"{target}: cannot {what} ({why}; {free:.0f} MB free on its disk); the previous model and index are as "
        f"they were{kept}"
    )


def _final_index(run: Run, model) -> Path:
    """The KB's index built with the accepted model, beside --index (``INDEX.tmp-tuned-<pid>``, swapped in
    by _finish): on --index's own file system, so that last swap is a rename there. Built in the work folder
    beside OUT, the swap was a rename across file systems when --index is on another (a mount): EXDEV,
    after the tuned model was already in use over the old index. A write refused (a full disk) names
    --index, not the folder it was built in (removed)."""
    from recur.retrieval import index as index_mod

    def write(staged: Path) -> None:
        if eval_kb(run.kb, run.data) is run.kb:  # measured over the whole KB: no second embedding pass
            shutil.move(run.work / "index", staged)  # a rename on one disk, a copy onto another
        else:  # the measuring index lacks the held-out text
            index_mod.build(run.kb, staged, _memory_encoder(model, run.model_id), progress=False)

    return staged_index(run.index_dir, write, "build the index with the tuned model", run.ckpt)


def staged_index(index_dir, write, what: str, ckpt: Path | None) -> Path:
    """The folder beside ``index_dir`` (``index.staged_for_activation``) that ``write(folder)`` fills, for
    `recur tune` and `--rollback` to swap in. Anything stopping it removes the folder; a write refused (a
    full disk, a parent folder that cannot be made) is ``no_room`` naming --index: found in review, the
    rollback's error named the staged folder, just removed (``what``: what could not be done)."""
    from recur.retrieval import index as index_mod

    staged = index_mod.staged_for_activation(index_dir)
    try:
        shutil.rmtree(staged, ignore_errors=True)
        staged.parent.mkdir(parents=True, exist_ok=True)
        write(staged)
    except (NotWritable, OSError) as exc:
        shutil.rmtree(staged, ignore_errors=True)
        why = exc.why if isinstance(exc, NotWritable) else (exc.strerror or str(exc))
        raise no_room(index_dir, what, why, Path(index_dir), ckpt) from None
    except BaseException:  # Ctrl-C: nothing half-built left beside --index
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return staged


def interrupted_line(ckpt: Path, training: bool = True) -> str:
    """What Ctrl-C during training (or, not ``training``, while the current model is measured before it)
    leaves: found in review, only "Interrupted." was said, not that the work done was kept and a rerun goes
    on from it, nor (before training) that nothing was written and the model and index in use stand."""
    files = [f for f in ckpt.rglob("*") if f.is_file()] if ckpt.is_dir() else []
    if not files and not training:
        return (
            "Stopped before training: no checkpoint was written, the next run starts over. The previous model "
            "and index are as they were."
        )
    if not files:
        return (
            "No checkpoint was written yet (one is, each epoch and every 5 minutes within one): the next "
            "run starts over. The previous model and index are as they were."
        )
    size = sum(f.stat().st_size for f in files) / 1e6
    return (
        f"Checkpoint kept at {ckpt} ({size:.0f} MB): `recur tune` with the same settings resumes from it "
        "(--no-resume starts over). The previous model and index are as they were."
    )


def start_line(data) -> str:
    """What a run trains and measures on, logged before it measures, with the data-floor note: found in
    review, it appeared only after training, minutes after it could have been acted on (once: not
    in ``summary_lines``); and the KB repository's feedback log left unread (``feedback_elsewhere``)."""
    line = (
        f"{len(data.pairs)} training pairs from {len(data.docs)} patterns "
        f"({', '.join(f'{v} {k}' for k, v in sorted(data.kinds.items()))}); "
        f"{measured_on(len(data.cases), data.eval_source, data.held_incidents)}, never trained on"
        # found in review: an accepted model does learn the held-out incidents, after it was measured
        + (" before the measurement (an accepted model learns them in a final pass)." if data.held_incidents else ".")
    )
    notes = [f"\nnote: {n}." for n in (data.note, data.feedback_note) if n]
    return line + "".join(notes)


def summary_lines(m: dict, cost: bool = True) -> list:
    """The end of a run's terminal output: why it was compared with the base model, the measurement
    before → after, the gate, and the training cost (the data-floor note was said at the start; without
    ``cost`` for a run that did not train)."""
    b, a = m["eval_before"], m["eval_after"]
    bd, ad = m["eval_before_dense"], m["eval_after_dense"]
    lines = [f"note: {m['compared_note']}."] if m.get("compared_note") else []
    lines += [
        f"{measured_text(m, m['eval_cases'], m.get('gate'))}:",  # before the final pass, when there was one
        f"  hybrid      recall@1 {b['recall@1']:.3f} → {a['recall@1']:.3f} · recall@3 {b['recall@3']:.3f} → "
        f"{a['recall@3']:.3f} · MRR {b['mrr']:.3f} → {a['mrr']:.3f}",
        f"  dense-only  recall@1 {bd['recall@1']:.3f} → {ad['recall@1']:.3f} · recall@3 {bd['recall@3']:.3f} → "
        f"{ad['recall@3']:.3f} · MRR {bd['mrr']:.3f} → {ad['mrr']:.3f}",
    ]
    if m.get("gate"):
        from recur.tuning.gate import gate_line

        lines.append("  " + gate_line(m["gate"]))
    if not cost:
        return lines
    resumed = (
        " (with the interrupted run it resumed)" if m.get("resumed_from_epoch") or m.get("resumed_at_step") else ""
    )
    extra = f" + {final_pass(m)} in the final pass" if final_pass(m) else ""
    lines.append(
        f"{m['pairs']} pairs × {plural(m['epochs'], 'epoch')}{extra} in {m['train_s']:.0f}s{resumed} ({m['pairs_per_s']:.1f} pairs/s, "
        f"{m['train_cpu_s']:.0f} CPU-s on {m['threads']} thread{'s' if m['threads'] != 1 else ''}); {m['duration_s']:.0f}s in all."
    )
    return lines


def refusal_reason(m: dict, min_gain: float) -> str:
    """Why the candidate was not activated, in the words of the gate that measured it."""
    gate, dense = m.get("gate"), m.get("dense_check") or {}
    if not gate and dense.get("clearly_worse"):
        low, high = dense["interval"]
        return (
            f"the tuned model's own ranking (dense-only) measured clearly worse than {m['compared_with']} "
            f"(mean Δ reciprocal rank {dense['mean_delta']:+.3f}, {low:+.3f} … {high:+.3f})"
        )
    if not gate:
        return (
            f"the tuned model does not beat {m['compared_with']} (MRR gain ≥ {min_gain}, "
            "recall@3 down at most one case)"
        )
    if gate["verdict"] == "worse":
        return f"on your incidents the tuned model measured worse than {m['compared_with']} ({gate['reason']})"
    return f"on your incidents the tuned model is not better than {m['compared_with']} (inconclusive: {gate['reason']})"


def rollback(kb_dir, out_dir, index_dir, progress: bool | None = False) -> str:
    """`recur tune --rollback`: put back the model the last activation replaced (OUT.previous), or,
    when none was kept (the bundled base model was in use), set the tuned model aside so the base
    model is used; the one replaced is kept at OUT.previous (a second rollback swaps back). Then
    the index is rebuilt with the model now in use, as `recur tune` does: built beside --index before
    the model is swapped, put in place right after it. Rebuilt after the swap, a kill or Ctrl-C during
    the build left the model beside the previous index, refused by every search. Returns what was done.
    ``progress``: a bar for a build of the index that is not up to date, as run_tune's (None: on a terminal)."""
    from recur.retrieval import embed
    from recur.retrieval.engine import ensure_index
    from recur.retrieval.models import active_model

    out, kb_dir = Path(out_dir), Path(kb_dir)
    prev = previous_dir(out)
    if not prev.is_dir() and not (out / TUNED_MANIFEST).is_file():  # said before the lock: found in review,
        # a rollback in a checkout never tuned made .recur/ and left a model.lock in it, for nothing
        raise RecurError(f"nothing to roll back: no tuned model in {out} and none kept at {prev}")
    with only_one(out.with_name(out.name + ".lock"), f"{out}: recur tune"):
        m = read_tuned_manifest(prev) if prev.is_dir() else None
        if prev.is_dir() and (not m or not tuned_on(prev, m, kb_dir)):
            raise RecurError(f"{prev}: not a tuned model of {kb_dir}; nothing rolled back")
        if m is None and not (out / TUNED_MANIFEST).is_file():
            raise RecurError(f"nothing to roll back: no tuned model in {out} and none kept at {prev}")
        staged = _rollback_index(kb_dir, out, prev if m else None, index_dir)
        try:
            done = _swap_back(out, prev, m)
            if staged is not None:
                swap_folder(staged, Path(index_dir))  # a kill just before: index.finish_activation ends it
        finally:
            if staged is not None:
                shutil.rmtree(staged, ignore_errors=True)
    if index_dir is not None:
        # up to date already, unless the model was foreseen wrong
        ensure_index(kb_dir, index_dir, None, quiet=True, progress=progress)
        # the model's id, as the other rollback names it: found in review, "rebuilt with default" one
        # way and "rebuilt with /path/.recur/model" the other
        done += f"; index {index_dir} rebuilt with {embed.resolve(active_model(kb_dir, None)).model_id}"
    undo = f" (the model it replaced is at {prev}: recur tune --rollback again swaps back)" if prev.is_dir() else ""
    return done + undo + "."


def _swap_back(out: Path, prev: Path, m: dict | None) -> str:
    """The rollback's model swap: OUT.previous (whose manifest is ``m``) back into OUT, or (``m`` None) the tuned
    model at OUT set aside at OUT.previous. Returns what was done."""
    if m is None:
        os.rename(out, prev)
        return f"Rolled back to the bundled base model: the tuned model was set aside at {prev}"
    if out.exists():
        swap_folder(prev, out, keep=prev)
    else:
        os.rename(prev, out)
    return f"Rolled back: {out} is {m['model_id']} again"


def _rollback_index(kb_dir: Path, out: Path, back: Path | None, index_dir) -> Path | None:
    """The KB's index built with the model a rollback puts in use (``back`` moved into OUT; None: OUT set aside),
    beside ``index_dir`` (``index.staged_for_activation``), before anything is swapped; None without --index."""
    from recur.kb.loader import load_kb
    from recur.retrieval import embed
    from recur.retrieval import index as index_mod

    if index_dir is None:
        return None
    spec = embed.resolve(_model_after_rollback(kb_dir, out, back))
    if (index_mod.read_manifest(Path(index_dir)) or {}).get("model") == spec.model_id:
        return None  # that model's already (OUT is not where the KB's model is found): nothing to build
    kb = load_kb(kb_dir)
    return staged_index(
        index_dir,
        lambda staged: index_mod.build(kb, staged, embed.LazyEncoder(spec), progress=False),
        "build the index with the model the rollback goes back to",
        None,  # a rollback trains nothing: no weights kept to speak of
    )


def _model_after_rollback(kb_dir: Path, out: Path, back: Path | None) -> str:
    """The model ``active_model`` will find for the KB once the rollback's swap is done, foreseen: ``back`` when
    OUT is where the KB's model is found, else the next place holding one of the KB's (or the bundled model)
    when OUT is set aside; the model in use now when OUT is not where the KB's model is found."""
    from recur.retrieval import embed
    from recur.retrieval.models import active_model, candidate_folders, would_be_found

    if not would_be_found(kb_dir, out):
        return active_model(kb_dir, None)
    if back is not None:
        return str(back)
    for folder in candidate_folders(kb_dir):
        if folder.resolve() != out.resolve() and tuned_on(folder, read_tuned_manifest(folder), kb_dir):
            return str(folder)
    return embed.DEFAULT
