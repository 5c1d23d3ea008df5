"""The same sentence encoder run by ONNX Runtime, without importing torch.

Loading torch is most of a small run's time (``import sentence_transformers`` is 5-11 s, a query
is milliseconds), and on a CPU without bfloat16 units ONNX Runtime encodes a batch of short texts
about 1.5 times as fast as eager PyTorch (docs/architecture.md, "Index speed"). So the first time a
model is used on ONNX Runtime (``embed._torch_pays`` says where PyTorch runs it instead), its
transformer, mean pooling and normalisation are exported once, in fp32, in a child process
(``_export_apart``), to a cache folder named by the model id (``RECUR_CACHE``/onnx); from then on
``recur index``, ``recur suggest`` and ``recur serve`` run that graph with the model's own tokenizer
(the ``tokenizers`` library, which sentence-transformers itself runs underneath).

The vectors are the same: before an export is used, its vectors must match the PyTorch model's to
``MAX_DIFF`` on probe texts of every shape (empty, short, cut at the model's token limit, several
in one padded batch); measured, they differ by about 2e-7. A model this cannot export exactly (not
a mean-pooled transformer, or vectors that differ) is recorded as such in the
cache and stays on PyTorch, as does everything when the cache folder cannot be written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sys
from pathlib import Path

import numpy as np

from recur import config
from recur.retrieval.embed import Encoder, ModelSpec, cache_root, clip, load_torch_encoder
from recur.retrieval.embed import progress_bar as _progress
from recur.util import cache
from recur.util.errors import Busy, RecurError
from recur.util.text import ascii_int

FORMAT = 1  # the graph's inputs and outputs; a cached export of another format is made again
MAX_DIFF = 1e-5  # largest allowed |vector difference| to the PyTorch model on the probes
BATCH = 16  # texts a forward pass, sorted by length: fewer pad tokens than 128 (measured best, 8-128)
# how long an export waits for another process's export of the cache (a cold one on a busy 2-core
# box: a minute), as the browser model's does (site/bundle.py)
EXPORT_WAIT_S = 900.0
PROBES = (
    "",
    "KubePodCrashLooping",
    "disk full on db-1, writes failing with ENOSPC since 03:00",
    "  Checkout 502s after the deploy — pods restarting; Größe ÉTÉ 数据库 连接池 exhausted 🔥  ",
    "timeout " * 400,  # longer than any model's token limit: the cut must match
)

LOG = logging.getLogger(__name__)  # what it says while it works: engine.py's LOG says how it is read


def cache_folder(spec: ModelSpec) -> Path:
    return cache_root() / "onnx" / hashlib.sha256(spec.model_id.encode()).hexdigest()[:16]


def cached(spec: ModelSpec) -> tuple[Path, dict] | None:
    """The export of ``spec``'s model and its info, if one is cached; info has ``unsupported``
    when the model was found not exportable."""
    folder = cache_folder(spec)
    try:
        info = json.loads((folder / "info.json").read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(info, dict) or info.get("model_id") != spec.model_id or info.get("format") != FORMAT:
        return None
    if "unsupported" in info and info.get("versions") != versions():
        return None  # found not exportable by other versions of the export stack: try again with these
    # its use recorded on each find, a verdict "unsupported" too: unmarked, a model that stays on PyTorch lost
    # its verdict to the pruning, and the next run loaded torch to find it again
    cache.mark_used(folder)
    return folder, info


def versions() -> dict:
    """The versions an export depends on (read from package metadata: no import)."""
    from importlib import metadata

    from recur import __version__

    out = {"recur": __version__}
    for name in ("torch", "transformers", "sentence-transformers", "onnx", "onnxruntime"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


@contextlib.contextmanager
def export_lock(folder: Path, what: str):
    """Hold ``folder`` (an export cache: this one's, the browser model's) for one export, waiting at most
    ``EXPORT_WAIT_S`` for another process's. The wait is logged (INFO; `recur` prints it on stderr) when it
    starts: an interactive `recur suggest` started beside a cold `recur serve` hung for up to 15 minutes saying
    nothing. Past
    the wait, ``Busy`` says that another export held the cache (not that the cache cannot be written)."""
    from recur.util.files import editing

    wait_s = EXPORT_WAIT_S  # read now, not at import: a test waits less

    def waiting() -> None:
        LOG.info("waiting for another process's export into %s (%s) to end, at most %.0f s", what, folder, wait_s)

    with contextlib.ExitStack() as held:
        try:
            held.enter_context(editing(folder, what, wait_s=wait_s, on_wait=waiting))
        except Busy:
            raise Busy(f"another process's export held {what} ({folder}) for more than {wait_s:.0f} s") from None
        yield


def export(spec: ModelSpec, again: bool = False) -> tuple[Path, dict] | None:
    """Export ``spec``'s model into the cache (needs torch; a few seconds), unless another process has
    just done so: then its export. None when the cache cannot be written; ``Busy`` when another
    process's export held it past ``EXPORT_WAIT_S``. ``again``: the cached export was found damaged,
    so a new one is made whatever the cache holds."""
    final = cache_folder(spec)
    with contextlib.ExitStack() as held:
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            # One export at a time per cache: test workers sharing RECUR_CACHE, or `recur serve` and
            # `recur index` started together, each imported torch and exported the same model (tens of
            # seconds of CPU apiece on a 2-core box), and each swap replaced the folder a reader had just
            # found (a gap between two renames where the OS cannot exchange them; a browser export
            # reading its model.onnx). The one that waited finds the first's export and uses it.
            held.enter_context(export_lock(final.parent, "the ONNX export cache"))
        except OSError:  # the cache cannot be written
            return None
        return (None if again else cached(spec)) or _export_now(spec, final)


# said before the export a first use makes (a cold cache): 22-28 s without a word looked like a hang (found in
# review: a responder's first `recur suggest` on a new laptop)
PREPARING = "recur: preparing the model once on this machine (~10-30 s; later runs start in about a second)…"


def _export_now(spec: ModelSpec, final: Path) -> tuple[Path, dict] | None:
    from recur.util.apart import Crashed
    from recur.util.files import made_folder

    # to a person at a terminal, who waits: a server's log, a script's or a test's stderr is not asked to wait
    if sys.stderr is not None and sys.stderr.isatty():
        LOG.info("%s", PREPARING)
    try:
        info = made_folder(final, lambda work: _export_apart(spec, work))
    except (OSError, ImportError, MemoryError):  # nothing recorded: the next run tries again
        return None
    except Crashed as exc:  # the child killed (the OOM killer's SIGKILL): it stopped the command (found in review)
        LOG.warning("recur: %s: this run uses PyTorch (the next tries the export again)", exc)
        return None
    # a team re-tuning weekly gathered a 90 MB export of every model it had: util/cache.py's one rule keeps
    # those used within 30 days (the newest 3 in any case), never more than 8
    cache.prune(final.parent)
    return final, info


def export_for(spec: ModelSpec, spare: Path) -> tuple[Path, dict]:
    """The cached export of ``spec``'s model, made now if there is none; into ``spare`` (a folder the
    caller removes) when the cache cannot be written. Its info has ``unsupported`` for a model that
    cannot be exported."""
    try:
        got = cached(spec) or export(spec)
    except Busy:  # another process's export held the cache past the wait: this one makes its own
        got = None
    if got is None:
        spare.mkdir(parents=True, exist_ok=True)
        try:
            got = spare, _export_apart(spec, spare)
        except (ImportError, MemoryError) as exc:
            raise RecurError(f"model {spec.model_id} cannot be exported to ONNX here: {exc}") from None
    return got


def _export_apart(spec: ModelSpec, work: Path) -> dict:
    """``_export_into`` in a child process (util/apart.py), as the browser model's export runs. In this process
    it loaded torch for good: a cold `recur index` or `recur serve` then encoded and served beside ~500 MB of
    torch and the PyTorch model it never used again (a cold `recur serve` of 60 patterns held 800 MB, 270 MB
    now). And a Ctrl-C that landed inside torch's ONNX export or ONNX Runtime could crash the process (SIGSEGV)
    instead of its clean exit; the child ignores SIGINT and is killed when this process is interrupted, its work
    folder then removed by the caller as after any other failure. OSError, ImportError and MemoryError from the
    child are raised again as such (not recorded: the next run tries again); its crash is apart.Crashed, on which
    ``_export_now`` leaves this run on PyTorch."""
    from recur.util import apart

    return apart.run("recur.retrieval.onnx_encoder:export_by_id", [spec.model_id, spec.path, str(work)],
                     what=f"the ONNX export of model {spec.model_id}")  # fmt: skip


def export_by_id(model_id: str, path: str, work: str) -> dict:
    """``_export_into`` called by name and JSON values (the child process of ``_export_apart``)."""
    return _export_into(ModelSpec(model_id, path), Path(work))


def _export_into(spec: ModelSpec, tmp: Path) -> dict:
    torch_encoder = load_torch_encoder(spec)  # a model that cannot load fails here, as it would on PyTorch
    st = torch_encoder.model
    info = {"model_id": spec.model_id, "format": FORMAT, "dim": int(torch_encoder.dim)}
    why = unsupported(st)
    if why:
        return {**info, "unsupported": why, "versions": versions()}
    info["max_seq_length"] = int(st.max_seq_length or 512)
    try:
        export_graph(st, tmp / "model.onnx")
        tok = json.loads(st.tokenizer.backend_tokenizer.to_str())  # as the loaded tokenizer runs, not as filed
        tok["padding"] = tok["truncation"] = None
        (tmp / "tokenizer.json").write_text(json.dumps(tok, ensure_ascii=False))
        diff = _max_diff(st, OnnxEncoder(spec, tmp, info))
    except (OSError, ImportError, MemoryError):
        raise  # the cache folder or this environment (a package missing, memory), not the model: not recorded
    except Exception as exc:  # torch.onnx and ONNX Runtime raise many kinds: this model stays on PyTorch
        missing = _import_error_under(exc)
        if missing is not None:  # a package, not the model: torch.onnx raises its own error over the ImportError
            raise ImportError(f"{exc} ({missing})") from None
        why = f"export failed: {(str(exc).splitlines() or [type(exc).__name__])[0]}"
        return {**info, "unsupported": why, "versions": versions()}
    if not diff <= MAX_DIFF:  # also catches NaN
        return {**info, "unsupported": f"exported vectors differ from PyTorch's by {diff:.2g}", "versions": versions()}
    return {**info, "max_diff": diff}


def _import_error_under(exc: BaseException) -> ImportError | None:
    """The ImportError ``exc`` was raised from, if any. Without an importable onnx package torch.onnx.export
    raises OnnxExporterError("Module onnx is not installed!") from it, and that was recorded as the model's
    verdict: after a broken onnx install was mended (same version), the model stayed on PyTorch."""
    seen = set()  # only causes named (``raise … from``): an ImportError handled on the way is no part of it
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, ImportError):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__
    return None


def _max_diff(st, onnx: OnnxEncoder) -> float:
    """The largest difference between the export's vectors and the model's own fp32 ones (never
    bf16 autocast, whatever RECUR_PRECISION says), in one padded batch and alone."""
    ref = st.encode(list(PROBES), normalize_embeddings=True, convert_to_numpy=True)
    alone = st.encode([PROBES[2]], normalize_embeddings=True, convert_to_numpy=True)
    got, got_alone = onnx.encode(list(PROBES)), onnx.encode([PROBES[2]])
    return float(max(np.abs(got - ref).max(), np.abs(got_alone - alone).max()))


def unsupported(st) -> str | None:
    """Why this sentence-transformers model cannot be exported as [transformer, mean pooling,
    normalisation], or None."""
    names = [type(m).__name__ for m in st]
    pooling = st[1] if len(st) > 1 else None
    mode = getattr(pooling, "pooling_mode", None) or (
        "mean" if getattr(pooling, "pooling_mode_mean_tokens", False) else None
    )
    if names[:2] != ["Transformer", "Pooling"] or mode != "mean" or names[2:] not in ([], ["Normalize"]):
        return f"not a mean-pooled transformer ({', '.join(names)})"
    if getattr(st[0].tokenizer, "backend_tokenizer", None) is None:
        return "no fast tokenizer"
    return None


def export_graph(st, path: Path) -> None:
    """The transformer, mean pooling and L2 normalisation as one fp32 ONNX graph: input_ids and
    attention_mask (padded batches) in, the normalised embedding out. The browser's graph is made
    from it (site/bundle.py)."""
    import warnings

    import torch

    class Sentence(torch.nn.Module):
        def __init__(self, auto):
            super().__init__()
            self.auto = auto

        def forward(self, input_ids, attention_mask):
            hidden = self.auto(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=torch.zeros_like(input_ids)
            ).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    prep = getattr(st, "preprocess", None) or st.tokenize  # `tokenize` is deprecated in newer releases
    feats = prep([PROBES[2], PROBES[1]])
    names = ["input_ids", "attention_mask"]
    axes = {n: {0: "texts", 1: "tokens"} for n in names} | {"embedding": {0: "texts"}}
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Sentence(st[0].auto_model).eval(), (feats["input_ids"], feats["attention_mask"]), str(path),
            input_names=names, output_names=["embedding"], dynamic_axes=axes, opset_version=17, dynamo=False,
        )  # fmt: skip


class OnnxEncoder(Encoder):
    """``encode`` as SentenceTransformerEncoder's, from a cached export (``cached``/``export``)."""

    precision = "fp32"

    def __init__(self, spec: ModelSpec, folder: Path, info: dict):
        config.no_onnxruntime_telemetry()  # before the import: ORT reads it then
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.model_id, self.dim, self.max_seq_length = spec.model_id, int(info["dim"]), int(info["max_seq_length"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_seq_length)
        options = ort.SessionOptions()
        # One thread a run, and as many runs at once as there are cores: batches of short texts
        # spend much of a multi-threaded run at barriers (measured on 2 cores: 2 runs of 1 thread
        # encoded 2,400 view texts 10-15% faster than 1 run of 2). A single query runs on one core.
        options.intra_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
        self.workers = _cores()

    def known_words(self) -> frozenset:
        if getattr(self, "_known", None) is None:
            from recur.retrieval.embed import whole_words

            self._known = whole_words(self.tokenizer.get_vocab())
        return self._known

    def encode(self, texts, batch_size=64, progress=False):
        """``batch_size`` is the PyTorch encoder's; this one runs ``BATCH`` at a time, sorted by length."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # as sentence-transformers: tokenized with special tokens, cut at the model's limit
        encoded = self.tokenizer.encode_batch([clip(t, self.max_seq_length) for t in texts])
        lengths = np.array([len(e.ids) for e in encoded])
        order = np.argsort(lengths, kind="stable")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)

        def run(start: int) -> None:
            rows = order[start : start + BATCH]
            ids = np.zeros((len(rows), int(lengths[rows].max())), dtype=np.int64)
            for r, i in enumerate(rows):
                ids[r, : lengths[i]] = encoded[i].ids
            mask = (np.arange(ids.shape[1]) < lengths[rows][:, None]).astype(np.int64)
            out[rows] = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]

        starts = range(0, len(order), BATCH)
        if len(starts) == 1 or self.workers == 1:
            for start in _progress(starts, progress):
                run(start)
            return out
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(self.workers, thread_name_prefix="recur-encode")
        try:
            for _ in _progress(pool.map(run, starts), progress, len(starts)):  # ORT runs without the GIL
                pass
        finally:  # on Ctrl-C, drop the batches not started rather than finish them all first
            pool.shutdown(wait=True, cancel_futures=True)
        return out


def _cores() -> int:
    """Runs at once: OMP_NUM_THREADS if set (as it limits torch), else the cores this process may use."""
    threads = ascii_int(os.environ.get("OMP_NUM_THREADS", ""))
    if threads:
        return threads
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)
