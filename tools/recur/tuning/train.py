"""The fine-tuning loop: in-batch negatives (MultipleNegativesRankingLoss) in plain PyTorch.

Plain PyTorch rather than sentence-transformers' ``fit``: ``fit`` needs ``datasets`` and
``accelerate`` and owns the shuffling; here every source of randomness is seeded (python,
numpy, torch, dropout) and the batch order comes from ``random.Random(seed)``, so the same
KB, seed and epochs give the same weights on the same machine. Within a batch each pattern
appears once on the positive side, so two anchors of one pattern are never each other's
negative. A checkpoint after each epoch makes a long run resumable.
"""

from __future__ import annotations

import math
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SCALE = 20.0  # cosine similarity scale, as in sentence-transformers' MNRL


@dataclass
class TrainConfig:
    epochs: int = 3
    seed: int = 0
    batch_size: int = 32
    lr: float = 3e-5
    max_seq_length: int = 128
    warmup: float = 0.1


@dataclass
class TrainStats:
    steps: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # process CPU time: comparable across busy and idle machines
    pairs_seen: int = 0
    last_loss: float = 0.0
    resumed_from_epoch: int = 0

    @property
    def pairs_per_s(self) -> float:
        return self.pairs_seen / self.seconds if self.seconds else 0.0


def seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


def load_trainable(path: str):
    """A fresh, private copy of a model (tuning mutates weights: never the cached encoder's)."""
    from recur.retrieval.embed import _offline_env

    _offline_env()
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
        chunk = order[start:start + CHUNK]
        parts.append(model(prep([texts[i] for i in chunk]))["sentence_embedding"])
    emb = torch.cat(parts)
    back = torch.empty(len(order), dtype=torch.long)
    back[torch.tensor(order)] = torch.arange(len(order))
    return F.normalize(emb[back], dim=-1)


def _batches(n: int, size: int, rng: random.Random) -> list:
    order = list(range(n))
    rng.shuffle(order)
    return [order[i:i + size] for i in range(0, n, size)]


def train(model, pairs: list, docs: dict, cfg: TrainConfig, progress: bool | None = None,
          checkpoint: Path | None = None, checkpoint_key: str = "") -> TrainStats:
    """Tune ``model`` in place on (anchor, pattern id) pairs against ``docs[pattern id]``."""
    import torch
    import torch.nn.functional as F

    seed_everything(cfg.seed)
    stats = TrainStats()
    if not pairs:
        return stats
    full_len = model.max_seq_length
    model.max_seq_length = cfg.max_seq_length
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=0.01)
    per_epoch = math.ceil(len(pairs) / cfg.batch_size)
    total = per_epoch * cfg.epochs
    warm = max(1, int(total * cfg.warmup))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (total - s) / max(1, total - warm)))
    rng = random.Random(cfg.seed)
    start = 0
    if checkpoint is not None:
        start = _resume(checkpoint, checkpoint_key, model, opt, sched, rng)
        stats.resumed_from_epoch = start
    show = sys.stderr.isatty() if progress is None else progress
    from tqdm.auto import tqdm

    bar = tqdm(total=total, initial=start * per_epoch, disable=not show, unit="batch", desc="tuning",
               file=sys.stderr, dynamic_ncols=True)
    t0, c0 = time.perf_counter(), time.process_time()
    model.train()
    try:
        for epoch in range(start, cfg.epochs):
            for idx in _batches(len(pairs), cfg.batch_size, rng):
                anchors = [pairs[i][0] for i in idx]
                pids = [pairs[i][1] for i in idx]
                uniq = list(dict.fromkeys(pids))
                a = _embed(model, anchors)
                p = _embed(model, [docs[u] for u in uniq])
                labels = torch.tensor([uniq.index(x) for x in pids])
                loss = F.cross_entropy(a @ p.T * SCALE, labels)
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                opt.step()
                sched.step()
                stats.steps += 1
                stats.pairs_seen += len(idx)
                stats.last_loss = float(loss.detach())
                bar.set_postfix(epoch=f"{epoch + 1}/{cfg.epochs}", loss=f"{stats.last_loss:.3f}", refresh=False)
                bar.update(1)
            if not show:  # a log line per epoch where there is no progress bar (CI, a pipe)
                print(f"  epoch {epoch + 1}/{cfg.epochs}: loss {stats.last_loss:.3f}, "
                      f"{time.perf_counter() - t0:.0f}s", file=sys.stderr)
            if checkpoint is not None and epoch + 1 < cfg.epochs:
                _save_checkpoint(checkpoint, checkpoint_key, epoch + 1, model, opt, sched, rng)
    finally:
        bar.close()
        stats.seconds = time.perf_counter() - t0
        stats.cpu_seconds = time.process_time() - c0
        model.max_seq_length = full_len
        model.eval()
    return stats


def _save_checkpoint(folder: Path, key: str, epoch: int, model, opt, sched, rng) -> None:
    """Atomic: the state goes to a temp file renamed over the previous checkpoint."""
    import torch

    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"state.pt.tmp-{__import__('os').getpid()}"
    torch.save({"key": key, "epoch": epoch, "model": model.state_dict(), "opt": opt.state_dict(),
                "sched": sched.state_dict(), "rng": rng.getstate(), "torch_rng": torch.get_rng_state()}, tmp)
    tmp.replace(folder / "state.pt")


def _resume(folder: Path, key: str, model, opt, sched, rng) -> int:
    """Load a checkpoint made for the same training data, seed and settings; else start at 0."""
    import torch

    path = folder / "state.pt"
    if not path.is_file():
        return 0
    try:
        state = torch.load(path, weights_only=False)
    except Exception:  # a damaged checkpoint is ignored, never fatal
        return 0
    if state.get("key") != key:
        return 0
    model.load_state_dict(state["model"])
    opt.load_state_dict(state["opt"])
    sched.load_state_dict(state["sched"])
    rng.setstate(state["rng"])
    torch.set_rng_state(state["torch_rng"])
    print(f"Resuming from the checkpoint after epoch {state['epoch']}.", file=sys.stderr)
    return int(state["epoch"])
