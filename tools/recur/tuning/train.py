"""The fine-tuning loop: in-batch negatives (MultipleNegativesRankingLoss) in plain PyTorch.

Plain PyTorch rather than sentence-transformers' ``fit``: ``fit`` needs ``datasets`` and
``accelerate`` and owns the shuffling; here every source of randomness is seeded (python,
numpy, torch, dropout) and the batch order comes from ``random.Random(seed)``, so the same
KB, seed and epochs give the same weights on the same machine. Within a batch each pattern
appears once on the positive side, so two anchors of one pattern are never each other's
negative. A checkpoint after each epoch, every ``CHECKPOINT_EVERY_S`` seconds within one and
at the end of training makes a long run resumable: a resumed run replays the epoch's batch order
from the saved random state and skips the finished steps, so it ends with the same weights.

Cost (issue 13): one epoch on a large KB (``auto_epochs``); optionally the embeddings and the lower
``freeze_layers`` transformer layers are frozen (backward runs through the upper half only;
1.5-1.8x fewer CPU-seconds per step), off by default since it learned less from incidents.
"""

from __future__ import annotations

import logging
import math
import pickle
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from recur.util.errors import RecurError

SCALE = 20.0  # cosine similarity scale, as in sentence-transformers' MNRL
# where the training is (a line per epoch, and within a long one, without a bar), logged at INFO: a library caller
# hears nothing it did not ask for; `recur tune` prints each message on stderr (cli/logs.py), as it printed them
LOG = logging.getLogger(__name__)


CHECKPOINT_EVERY_S = 300.0  # within an epoch, a checkpoint at most this often
# without a progress bar (CI, a pipe), a line this often within an epoch: found in review, an epoch of a large
# KB (the default there is one, ~11 min) printed nothing from "Training ..." to its end, and looked hung
PROGRESS_EVERY_S = 60.0
# Epochs when none are asked for: enough passes for MIN_STEPS optimiser steps, at most MAX_AUTO_EPOCHS.
# One epoch over a 60-pattern KB is ~20 steps, which barely moves the model. On real incidents
# (bench/learn_from_incidents.py, 60-pattern KB, ~25 incidents) the tuned model's MRR gain was
# +0.024 at 20 steps, +0.039 at 60, +0.056 at 100 and +0.043 at 160; +0.034 at 100 once the held-out
# symptoms were kept out of the positives too (docs/tuning.md). A KB of
# 1,000 patterns has ~240 steps per epoch and gets one, which keeps the 1,000 + 1,000 run within
# its time budget (bench/tune_cost.py).
MIN_STEPS, MAX_AUTO_EPOCHS = 100, 5


@dataclass
class TrainConfig:
    epochs: int = 1
    seed: int = 0
    batch_size: int = 32
    lr: float = 3e-5
    max_seq_length: int = 128
    warmup: float = 0.1
    freeze_layers: int = 0  # embeddings + this many lower transformer layers stay as they are (0: none)


@dataclass
class TrainStats:
    steps: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # process CPU time: comparable across busy and idle machines
    pairs_seen: int = 0
    last_loss: float = 0.0
    # the mean over the last epoch's batches run here: what an epoch's line says (found in review: the last
    # batch's loss was printed, one batch of a few pairs, noise rather than how the epoch went)
    epoch_loss: float = 0.0
    resumed_from_epoch: int = 0
    resumed_at_step: int = 0  # within that epoch
    frozen: int = 0  # parameter tensors frozen
    # what the interrupted runs before this one spent (from the checkpoint): a resumed run that found
    # training finished reported "0s" and "0.0 pairs/s" for a model that took minutes to train
    earlier: dict = field(default_factory=lambda: {"seconds": 0.0, "cpu_seconds": 0.0, "pairs_seen": 0})

    @property
    def total_seconds(self) -> float:
        return self.earlier["seconds"] + self.seconds

    @property
    def total_cpu_seconds(self) -> float:
        return self.earlier["cpu_seconds"] + self.cpu_seconds

    @property
    def total_pairs_per_s(self) -> float:
        total = self.earlier["pairs_seen"] + self.pairs_seen
        return total / self.total_seconds if self.total_seconds else 0.0

    def spent(self, t0: float, c0: float) -> dict:
        """All runs' training so far, for a checkpoint written now (this run began at t0, c0)."""
        return {
            "seconds": self.earlier["seconds"] + time.perf_counter() - t0,
            "cpu_seconds": self.earlier["cpu_seconds"] + time.process_time() - c0,
            "pairs_seen": self.earlier["pairs_seen"] + self.pairs_seen,
        }


def steps_per_epoch(pairs: int, batch_size: int) -> int:
    return math.ceil(pairs / batch_size)


def auto_epochs(pairs: int, batch_size: int) -> int:
    """Epochs for ``pairs`` training pairs when the user names none (see MIN_STEPS)."""
    per_epoch = max(1, steps_per_epoch(pairs, batch_size))
    return max(1, min(MAX_AUTO_EPOCHS, math.ceil(MIN_STEPS / per_epoch)))


def seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


def load_trainable(path: str):
    """A fresh, private copy of a model (tuning mutates weights: never the cached encoder's)."""
    from recur.retrieval.embed import offline_env

    offline_env()
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(path, device="cpu")


CHUNK = 8


def _embed(model, texts):
    """Normalised embeddings with gradients. Texts are encoded in chunks of similar length, so a
    long root cause does not pad 31 short symptoms to 128 tokens (most of the cost otherwise)."""
    import torch
    import torch.nn.functional as F

    prep = getattr(model, "preprocess", None) or model.tokenize  # `tokenize` is deprecated in newer releases
    order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
    parts = []
    for start in range(0, len(order), CHUNK):
        chunk = order[start : start + CHUNK]
        parts.append(model(prep([texts[i] for i in chunk]))["sentence_embedding"])
    emb = torch.cat(parts)
    back = torch.empty(len(order), dtype=torch.long)
    back[torch.tensor(order)] = torch.arange(len(order))
    return F.normalize(emb[back], dim=-1)


def _batches(n: int, size: int, rng: random.Random) -> list:
    order = list(range(n))
    rng.shuffle(order)
    return [order[i : i + size] for i in range(0, n, size)]


def freeze(model, layers: int) -> int:
    """Freeze the embeddings and the lower ``layers`` transformer layers (BERT-like models: the
    bundled MiniLM); returns the number of parameter tensors frozen (0 when the layout is unknown)."""
    if layers <= 0:
        return 0
    auto = getattr(model[0], "auto_model", None) if len(model) else None
    embeddings = getattr(auto, "embeddings", None)
    blocks = getattr(getattr(auto, "encoder", None), "layer", None)
    if embeddings is None or blocks is None:
        return 0
    frozen = 0
    for module in [embeddings, *list(blocks)[:layers]]:
        for prm in module.parameters():
            prm.requires_grad = False
            frozen += 1
    return frozen


@dataclass
class _Loop:
    """The optimiser state of one training run, which a checkpoint saves and restores."""

    opt: object
    sched: object
    params: list
    rng: random.Random
    per_epoch: int
    total: int


def _loop(model, pairs: list, cfg: TrainConfig) -> _Loop:
    import torch

    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=0.01)
    per_epoch = steps_per_epoch(len(pairs), cfg.batch_size)
    total = per_epoch * cfg.epochs
    warm = max(1, int(total * cfg.warmup))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (total - s) / max(1, total - warm))
    )
    return _Loop(opt, sched, params, random.Random(cfg.seed), per_epoch, total)


def _step(model, loop: _Loop, anchors: list, pids: list, docs: dict) -> float:
    import torch
    import torch.nn.functional as F

    uniq = list(dict.fromkeys(pids))
    a = _embed(model, anchors)
    p = _embed(model, [docs[u] for u in uniq])
    labels = torch.tensor([uniq.index(x) for x in pids])
    loss = F.cross_entropy(a @ p.T * SCALE, labels)
    loop.opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(loop.params, 1.0)
    loop.opt.step()
    loop.sched.step()
    return float(loss.detach())


def train(
    model,
    pairs: list,
    docs: dict,
    cfg: TrainConfig,
    progress: bool | None = False,
    checkpoint: Path | None = None,
    checkpoint_key: str = "",
    resume: bool = True,
) -> TrainStats:
    """Tune ``model`` in place on (anchor, pattern id) pairs against ``docs[pattern id]``.
    Checkpoints go to ``checkpoint``; ``resume=False`` ignores the one there (it is replaced). ``progress``:
    True, a bar on stderr; False, where it is logged (``LOG``, INFO); None, a bar when stderr is a terminal."""
    seed_everything(cfg.seed)
    stats = TrainStats()
    if not pairs:
        return stats
    full_len = model.max_seq_length
    model.max_seq_length = cfg.max_seq_length
    stats.frozen = freeze(model, cfg.freeze_layers)
    loop = _loop(model, pairs, cfg)
    start = (0, 0)
    if checkpoint is not None and resume:
        start = _resume(checkpoint, checkpoint_key, model, loop, stats)
        stats.resumed_from_epoch, stats.resumed_at_step = start
    show = sys.stderr.isatty() if progress is None else progress
    from tqdm.auto import tqdm

    bar = tqdm(
        total=loop.total,
        initial=min(loop.total, start[0] * loop.per_epoch + start[1]),
        disable=not show,
        unit="batch",
        desc="tuning",
        file=sys.stderr,
        dynamic_ncols=True,
    )
    t0, c0 = time.perf_counter(), time.process_time()
    model.train()
    try:
        _epochs(model, pairs, docs, cfg, loop, start, stats, bar, show, (checkpoint, checkpoint_key, t0, c0))
    finally:
        bar.close()
        stats.seconds = time.perf_counter() - t0
        stats.cpu_seconds = time.process_time() - c0
        model.max_seq_length = full_len
        for prm in model.parameters():
            prm.requires_grad = True
        model.eval()
    return stats


def _epochs(model, pairs, docs, cfg, loop: _Loop, start: tuple, stats: TrainStats, bar, show: bool, ckpt) -> None:
    folder, key, t0, c0 = ckpt
    began = saved = said = time.perf_counter()
    for epoch in range(start[0], cfg.epochs):
        epoch_rng = loop.rng.getstate()  # before the shuffle: a resumed run replays this epoch's order
        batches, total, done = _batches(len(pairs), cfg.batch_size, loop.rng), 0.0, 0
        epoch_began = time.perf_counter()
        for k, idx in enumerate(batches):
            if epoch == start[0] and k < start[1]:
                continue
            stats.last_loss = _step(model, loop, [pairs[i][0] for i in idx], [pairs[i][1] for i in idx], docs)
            total, done = total + stats.last_loss, done + 1
            stats.epoch_loss = total / done
            stats.steps += 1
            stats.pairs_seen += len(idx)
            bar.set_postfix(epoch=f"{epoch + 1}/{cfg.epochs}", loss=f"{stats.epoch_loss:.3f}", refresh=False)
            bar.update(1)
            if not show and k + 1 < len(batches) and time.perf_counter() - said > PROGRESS_EVERY_S:
                _progress_line(epoch, cfg.epochs, (k + 1, len(batches), done), stats.epoch_loss, (began, epoch_began))
                said = time.perf_counter()
            if folder is not None and k + 1 < len(batches) and time.perf_counter() - saved > CHECKPOINT_EVERY_S:
                _save_checkpoint(folder, key, (epoch, k + 1), model, loop, epoch_rng, stats.spent(t0, c0))
                saved = time.perf_counter()
        if not show:  # a log line per epoch where there is no progress bar (CI, a pipe, a library caller)
            LOG.info(
                "%s",
                f"  epoch {epoch + 1}/{cfg.epochs}: mean loss {stats.epoch_loss:.3f} over {done} batch(es), "
                f"{time.perf_counter() - began:.0f}s",
            )
        if folder is not None:  # after the last epoch too: a rerun interrupted while measuring skips training
            _save_checkpoint(folder, key, (epoch + 1, 0), model, loop, loop.rng.getstate(), stats.spent(t0, c0))
            saved = time.perf_counter()


def _progress_line(epoch: int, epochs: int, at: tuple, loss: float, began: tuple) -> None:
    """Where an epoch is, and about how long the rest of it takes at this epoch's pace (``at``: batches
    finished, in the epoch, run here: a resumed run skipped the ones before; ``began``: when the
    training and this epoch began). The time is the training's so far, as the epoch's line says it."""
    finished, total, done = at
    now = time.perf_counter()
    pace = (now - began[1]) / max(done, 1)
    spent, left = now - began[0], pace * (total - finished)
    # found in review: the estimate covered this epoch only, and a default run trains up to 5 of them
    later = epochs - epoch - 1
    rest = f", about {left + pace * total * later:.0f}s to the end of epoch {epochs}" if later > 0 else ""
    LOG.info(
        "%s",
        f"  epoch {epoch + 1}/{epochs}: batch {finished}/{total}, mean loss {loss:.3f}, {spent:.0f}s "
        f"(about {left:.0f}s more for this epoch{rest})",
    )


def _save_checkpoint(folder: Path, key: str, at: tuple, model, loop: _Loop, rng_state, spent: dict) -> None:
    """Atomic: the state goes to a temp file renamed over the previous checkpoint. ``at`` is
    (epoch, finished steps in it); ``rng_state`` the batch-order state at that epoch's start;
    ``spent`` the training time and pairs of every run so far (TrainStats.spent)."""
    import torch

    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"state.pt.tmp-{__import__('os').getpid()}"
    state = {
        "key": key,
        "epoch": at[0],
        "step": at[1],
        "model": model.state_dict(),
        "opt": loop.opt.state_dict(),
        "sched": loop.sched.state_dict(),
        "rng": rng_state,
        "torch_rng": torch.get_rng_state(),
        "spent": spent,
    }
    try:
        torch.save(state, tmp)
    except BaseException as exc:
        _unsaved(folder, tmp, exc)
        raise
    tmp.replace(folder / "state.pt")


def _unsaved(folder: Path, tmp: Path, exc: BaseException) -> None:
    """A checkpoint that could not be written: its temp file removed (with the folder, when it held
    nothing else), and a RecurError naming the folder for a write error. Found in review: on a full
    disk torch's RuntimeError ("unexpected pos 50112 vs 50006") was a traceback, and the ~40 MB
    temp file it left kept the disk full."""
    import shutil

    free = shutil.disk_usage(folder).free / 1e6  # as the write found it, before the temp file goes
    tmp.unlink(missing_ok=True)
    if not any(folder.iterdir()):
        folder.rmdir()  # an older checkpoint stays: a rerun, once there is room, resumes from it
    if isinstance(exc, (OSError, RuntimeError)):  # torch's writer reports the OS's write errors as RuntimeError
        raise RecurError(
            f"{folder}: cannot write the training checkpoint there ({_said(exc)}; {free:.0f} MB free on its "
            "disk, a checkpoint takes about 3 times the model's size); the previous model and index are as "
            "they were"
        ) from None


def _resume(folder: Path, key: str, model, loop: _Loop, stats: TrainStats) -> tuple:
    """Load a checkpoint made for the same training data, seed and settings: (epoch, step)
    to continue at, and what the earlier runs spent into ``stats.earlier``; else (0, 0), with a
    note saying why. Loaded with ``weights_only``: it holds only tensors and plain values (the RNG
    state is a tuple of ints), and a file in the working tree is no reason to run its pickled code."""
    import torch

    path = folder / "state.pt"
    if not path.is_file():
        return (0, 0)
    try:
        state = torch.load(path, weights_only=True)
    except (OSError, EOFError, RuntimeError, ValueError, KeyError, pickle.UnpicklingError) as exc:
        # what a damaged file raises (truncated: RuntimeError, empty: EOFError, not torch's: KeyError or
        # UnicodeDecodeError); UnpicklingError also for content weights_only refuses (code to run)
        return _restart(path, f"it could not be read ({_said(exc)})")
    needed = ("key", "model", "opt", "sched", "rng", "torch_rng", "epoch")
    if not isinstance(state, dict) or any(k not in state for k in needed):
        return _restart(path, "it is not a checkpoint of recur tune")
    if state["key"] != key:
        return _restart(path, "it was made for other training data, seed or settings")
    try:
        model.load_state_dict(state["model"])
        loop.opt.load_state_dict(state["opt"])
        loop.sched.load_state_dict(state["sched"])
        loop.rng.setstate(state["rng"])
        torch.set_rng_state(state["torch_rng"])
    except (RuntimeError, ValueError, TypeError, KeyError) as exc:  # half applied: not trained on from here
        raise RecurError(
            f"{path}: the checkpoint does not fit this run ({_said(exc)}); "
            "run with --no-resume to start from the beginning (it replaces the checkpoint)"
        ) from None
    spent = state.get("spent")  # absent in a checkpoint from before it was recorded: unknown, 0
    if isinstance(spent, dict) and all(isinstance(spent.get(k), (int, float)) for k in stats.earlier):
        stats.earlier = {k: spent[k] for k in stats.earlier}
    at = (int(state["epoch"]), int(state.get("step", 0)))
    where = f"after epoch {at[0]}" if not at[1] else f"at step {at[1]} of epoch {at[0] + 1}"
    LOG.info("%s", f"Resuming from the checkpoint {where}.")
    return at


def _restart(path: Path, why: str) -> tuple:
    """(0, 0), and the note saying why: a checkpoint discarded in silence (a damaged one was) looked
    like a resume that did not happen, and the training time like a hang."""
    LOG.warning("%s", f"note: {path}: not resumed: {why}; tuning starts from the beginning.")
    return (0, 0)


def _said(exc: BaseException) -> str:
    """The exception's type and the first line of its message (torch's run to a page), cut short."""
    text = str(exc).strip().split("\n", 1)[0]
    text = text if len(text) <= 160 else text[:159] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
