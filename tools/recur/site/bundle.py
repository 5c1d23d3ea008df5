"""The browser search bundle: what lets a static copy of the site suggest patterns with no server.

``write_bundle(site_dir, kb_dir, index_dir)`` writes ``assets/recur-browser/`` into a built site:

    bundle.json        what the box reads first: the files and their sizes, the model's id and
                       limits, and the ranking parameters (imported from recur.retrieval.search,
                       never copied, so a ranking change reaches the browser by rebuilding); the
                       files' versions, the site search's index's too (``words``: the box's word
                       list, kept in the browser with the model)
    model.onnx.gz      the KB's model (the bundled MiniLM or its tuned one): the server's fp32 ONNX
                       export, quantised to int8 at build time; gzip-compressed
    tokenizer.json     its WordPiece tokenizer (+ tokenizer_config.json)
    index.json         pattern ids, views (kind, text), what a result shows, exact signals, the
                       KB's words and their stems, the BM25 vocabulary
    index.bin          view vectors (float16) and the BM25 score matrix (float32)
    recur-browser-search.js, ranker.js   the loader and the ranking (site/browser/)
    runtime/           onnxruntime-web (WebAssembly, gzip-compressed) and @huggingface/tokenizers,
                       vendored from npm by ``make install`` (site/browser/vendor/)

The ONNX export is cached under ``.recur/browser-model/`` (a few seconds per model) in a folder named by
the model id and what made it (``_made_with``: Recur, onnx, onnxruntime, the export code): one made by
other versions is not used, and is kept beside for the environment that made it (``model_folder``).
Nothing is downloaded: the weights are the local folder ``embed.resolve`` names.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from recur import __version__, config
from recur.retrieval.patterns import retired
from recur.retrieval.results import happened_incidents, under_counts
from recur.util import resources
from recur.util.cache import mark_used, prune
from recur.util.errors import RecurError
from recur.util.files import file_version

FORMAT = 1
# the browser model's export (its graph, quantisation and tokenizer files): raise it when _export changes, so
# that an export cached by the code before is made again, not shipped (and tested) as if made by this code
EXPORT_FORMAT = 1


@dataclass(frozen=True)
class Bundle:
    """What ``write_bundle`` wrote: each file's size (path under OUT -> bytes), their total, the
    seconds it took and the model it carries."""

    bytes: dict[str, int]
    total: int
    seconds: float
    model: str
HERE = resources.browser_dir()
VENDOR = HERE / "vendor"
CACHE = config.STATE_DIR / "browser-model"
OUT = "assets/recur-browser"
# the vendored runtime as `make install` copies it from node_modules (see the Makefile): key -> (vendored
# file, its name in the site). Modules are served as .js: every static host knows that type, not all know .mjs.
RUNTIME = {
    "ort": ("ort.wasm.min.mjs", "ort.wasm.min.js"),            # onnxruntime-web, WebAssembly backend only (MIT)
    "glue": ("ort-wasm-simd-threaded.mjs", "ort-wasm-simd-threaded.js"),  # its Emscripten loader
    "wasm": ("ort-wasm-simd-threaded.wasm", "ort-wasm-simd-threaded.wasm.gz"),  # the runtime, gzip-compressed
    "tokenizers": ("tokenizers.min.mjs", "tokenizers.min.js"),  # @huggingface/tokenizers (Apache-2.0)
    "stemmer": ("porter2.mjs", "porter2.js"),  # porter2, Snowball English for words the stem table lacks (MIT)
}
LICENCES = ("LICENSES.md",)
# licence texts the site must carry next to the code it redistributes: vendored file -> its name in the site
# (Apache-2.0, @huggingface/tokenizers and the MiniLM model, asks for a copy of the licence itself)
LICENCE_TEXTS = {"LICENSE.tokenizers": "LICENSE-Apache-2.0.txt"}
SOURCES = ("recur-browser-search.js", "ranker.js")
# endings tried on every KB word and stem when building the stem table (see _stems)
STEM_SUFFIXES = ("", "s", "es", "ed", "d", "ing", "er", "ers", "or", "ors", "ion", "ions", "ation", "ations",
                 "ational", "ate", "ates", "ated", "ating", "ly", "ment", "ments", "ness", "able", "ably", "ible",
                 "ability", "ibility", "al", "ally", "ality", "ity", "ities", "ive", "ively", "ize", "izes", "ized",
                 "izing", "ization", "ise", "ised", "ising", "isation", "e", "y", "ies", "ied", "ying", "ance",
                 "ances", "ence", "ences", "ency", "ent", "ant", "eer", "eers", "eering", "ful", "less", "ic",
                 "ical", "ism", "ist", "ists", "ous", "iness")
PROBES = ("disk full on db-1, writes failing with ENOSPC since 03:00", "KubePodCrashLooping",
          "checkout 502s after the deploy, pods restarting and the connection pool exhausted")


def ranking_params() -> dict:
    """Every number and word list the browser's ranking needs, from the modules that define them."""
    from recur.retrieval import calibrate, lookalikes, query, search
    from recur.retrieval.embed import CHARS_PER_TOKEN_BOUND
    from recur.util.text import ANSI, HEX_CODE, HEX_RUN, NEGATED_NT, NEGATIONS, STOPWORDS

    return {
        "weights": dict(search.WEIGHTS), "signal_bonus": search.SIGNAL_BONUS, "signal_match": dict(search.SIGNAL_MATCH),
        "verbatim": dict(search.VERBATIM), "import_draft": dict(search.IMPORT_DRAFT),
        "runbook_link": dict(search.RUNBOOK_LINK), "id_pin": dict(search.ID_PIN), "code_first": dict(search.CODE_FIRST),
        "said_whole": dict(search.SAID_WHOLE),
        "candidate_views": search.CANDIDATE_VIEWS, "min_focus_words": search.MIN_FOCUS_WORDS,
        "focus_min_query_words": search.FOCUS_MIN_QUERY_WORDS, "max_query_chars": query.MAX_QUERY_CHARS,
        "high_cosine": search.HIGH_COSINE, "medium_cosine": search.MEDIUM_COSINE, "unlike": search.UNLIKE,
        "one_word_caution_words": search.ONE_WORD_CAUTION_WORDS,
        "why": {"min_cosine": search.WHY_MIN_COSINE, "text_chars": search.WHY_TEXT_CHARS,
                "per_part": search.WHY_PER_PART, "min_bm25": search.WHY_MIN_BM25, "terms": search.WHY_TERMS,
                "common": sorted(search.WHY_COMMON)},
        "lookalike_margin": lookalikes.MARGIN, "chars_per_token": CHARS_PER_TOKEN_BOUND,
        "stopwords": sorted(STOPWORDS), "ansi": ANSI, "negations": sorted(NEGATIONS), "negated_nt": NEGATED_NT.pattern,
        "hex_run": HEX_RUN.pattern, "hex_code": HEX_CODE.pattern, "typo": dict(search.TYPO),
        "typo_word_endings": list(search.TYPO_WORD_ENDINGS), "typo_never": sorted(search.TYPO_NEVER),
        "calibration": {"model": calibrate.MODEL, "features": list(calibrate.FEATURES),
                        "min_candidates": calibrate.MIN_CANDIDATES, "no_match_below": calibrate.NO_MATCH_BELOW,
                        "verdict_top": calibrate.VERDICT_TOP,
                        "high_at": calibrate.HIGH_AT, "medium_at": calibrate.MEDIUM_AT,
                        "borderline": calibrate.BORDERLINE, "unread_cap": calibrate.UNREAD_CAP,
                        "unread_words": list(calibrate.UNREAD_WORDS), "said_cap": calibrate.SAID_CAP},
    }


def runtime_missing() -> str | None:
    """Why the bundle cannot be written from this install, or None."""
    missing = [src for src, _ in RUNTIME.values() if not (VENDOR / src).is_file()]
    missing += [src for src in LICENCE_TEXTS if not (VENDOR / src).is_file()]
    missing += [name for name in SOURCES + LICENCES if not (HERE / name).is_file()]
    if not missing:
        return None
    # in Recur's own checkout `make install` vendors it; an installed wheel built without Node has none,
    # and "make install" in a team's KB repository only runs pip (found in review)
    checkout = (HERE.parents[3] / "package-lock.json").is_file()
    fix = ("run: make install (npm ci)" if checkout else
           "this recur was built without it: install a recur wheel built by `make wheel` in Recur's own checkout "
           "(it runs npm ci and vendors the runtime)")
    return f"the vendored browser runtime is missing ({', '.join(missing)} in {VENDOR}); {fix}"


# -- the model ------------------------------------------------------------------------------------
def export_model(spec, cache_root=None) -> Path:
    """The model as int8 ONNX + tokenizer in its cache folder (``model_folder``); exported on a miss."""
    if spec.path is None:
        raise RecurError(f"model {spec.model_id} cannot run in a browser (a test encoder); use the real model")
    from recur.retrieval.onnx_encoder import export_lock
    from recur.util.files import made_folder

    root = Path(cache_root or CACHE)
    folder = model_folder(root, spec)
    if _exported(folder, spec):
        return _used(folder)
    root.mkdir(parents=True, exist_ok=True)
    # One export at a time per cache: two builds at once (CI jobs, test workers) each exported and
    # swapped its folder in, and the later swap removed the folder the first was still gzipping the
    # model into (an ENOENT at its temp file). The second waits, then finds the first's export.
    with export_lock(root, "the browser model cache"):  # the wait said, as the server's export's is
        if _exported(folder, spec):
            return _used(folder)
        made_folder(folder, lambda work: _export_apart(spec, work))  # as the server's fp32 export is made
        # as the server's exports are pruned (util/cache.py): another environment's stays while it builds, one
        # made by an earlier upgrade goes (each is ~45 MB with its gzip); gz/ and work folders are no exports
        prune(root)
    return folder


def model_folder(root: Path, spec) -> Path:
    """The folder of ``spec``'s browser export in the cache ``root``: named by the model id and
    ``_made_with``. By the model id alone, two environments sharing a checkout (two venvs with other
    onnxruntime versions) each found the other's export made by other versions and made its own in the
    one folder: every build exported again, and swapped the folder under the other's gzip of its model."""
    made = json.dumps({"model_id": spec.model_id, "made_with": _made_with()}, sort_keys=True)
    return root / hashlib.sha256(made.encode()).hexdigest()[:16]


def _used(folder: Path) -> Path:
    """``folder``, its use recorded (for ``prune``: an export another build has just found, and is
    gzipping, is never one it removes); best effort."""
    mark_used(folder)
    return folder


def _exported(folder: Path, spec) -> bool:
    """Whether ``folder`` holds this model's export as this code makes it. A checkout's
    .recur/browser-model/ outlives upgrades: an int8 model quantised by an older onnxruntime, or by
    older export code, was shipped on and on (and tests passed or failed by what an earlier run left
    there, where CI's fresh clone exports anew)."""
    try:
        info = json.loads((folder / "info.json").read_text())
        return info.get("model_id") == spec.model_id and info.get("made_with") == _made_with()
    except (OSError, ValueError, AttributeError):
        return False


def _made_with() -> dict:
    """What a cached browser model depends on besides the model's own files: this code (EXPORT_FORMAT,
    Recur's version) and the ONNX packages that rewrote and quantised it."""
    from recur.retrieval.onnx_encoder import versions

    made = versions()
    return {"format": EXPORT_FORMAT, **{name: made[name] for name in ("recur", "onnx", "onnxruntime")}}


def _export_apart(spec, work: Path) -> dict:
    """``_export`` in a child process (util/apart.py): a Ctrl-C that landed inside its native code (torch's ONNX
    export, onnx, the quantiser) crashed `recur site` now and then (SIGSEGV, exit -11, before "Interrupted.").
    The child is killed when this process is interrupted, then the work folder is removed as before. Its
    ``made_with`` is this process's, what the cache is checked against (``_exported``)."""
    from recur.util import apart

    info = apart.run("recur.site.bundle:export_by_id", [spec.model_id, spec.path, str(work)],
                     what="the browser model's export")  # fmt: skip
    return {**info, "made_with": _made_with()}


def export_by_id(model_id: str, path: str, work: str) -> dict:
    """``_export`` called by name and JSON values (the child process of ``_export_apart``)."""
    from recur.retrieval.embed import ModelSpec

    return _export(ModelSpec(model_id, path), Path(work))


def _export(spec, tmp: Path) -> dict:
    """The server's fp32 ONNX export (retrieval/onnx_encoder.py; cached, so torch is loaded only when
    no export of this model exists yet) -> the browser's graph (one unpadded text, no mask input) -> int8."""
    from recur.retrieval.onnx_encoder import OnnxEncoder, export_for

    t0 = time.perf_counter()
    folder, info = export_for(spec, spare=tmp / "fp32")
    if info.get("unsupported"):
        raise RecurError(f"model {spec.model_id} cannot be exported for the browser: {info['unsupported']}")
    fp32 = tmp / "model-fp32.onnx"
    _without_mask(folder / "model.onnx", fp32)
    _quantize(fp32, tmp / "model.onnx")
    fp32.unlink()
    max_len = int(info["max_seq_length"])
    _tokenizer_files(Path(spec.path), tmp, max_len)
    low = _check(OnnxEncoder(spec, folder, info), tmp / "model.onnx")
    shutil.rmtree(tmp / "fp32", ignore_errors=True)
    return {"model_id": spec.model_id, "dim": int(info["dim"]),  # made_with: the caller's (_export_apart)
            "max_seq_length": max_len,
            "quantisation": "int8 dynamic, per-channel, first layer float32 (onnxruntime.quantization)",
            "min_cosine": low, "seconds": round(time.perf_counter() - t0, 1), "recur": __version__}


def _without_mask(src: Path, dst: Path) -> None:
    """The server's graph with its attention_mask input made inside it, all ones: the browser encodes
    one text at a time, unpadded, so its loader feeds input_ids only (ranker.js, bundle FORMAT 1)."""
    import onnx
    from onnx import TensorProto, helper

    model = onnx.load(str(src))
    graph = model.graph
    mask = next(i for i in graph.input if i.name == "attention_mask")
    graph.input.remove(mask)
    ones = helper.make_tensor("one", TensorProto.INT64, [1], [1])
    graph.node.insert(0, helper.make_node("Shape", ["input_ids"], ["recur_ids_shape"]))
    graph.node.insert(1, helper.make_node("ConstantOfShape", ["recur_ids_shape"], ["attention_mask"], value=ones))
    onnx.checker.check_model(model)
    onnx.save(model, str(dst))


def _quantize(fp32: Path, out: Path) -> None:
    import logging

    import onnx

    config.no_onnxruntime_telemetry()  # before the import: ORT reads it then
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # per-channel int8 (per-tensor lost too much: mean cosine 0.96 to the server's vectors on ../shared/eval's
    # dev texts), except the first layer's matrix products, the most sensitive to it: 0.995, for +5 MB gzipped
    first = [n.name for n in onnx.load(str(fp32), load_external_data=False).graph.node
             if n.op_type == "MatMul" and "/layer.0/" in n.name]
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # quantize_dynamic warns about pre-processing on the root logger; only while it runs:
    try:  # a root left at ERROR silenced every later warning in the process (mkdocs' among them)
        quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8, per_channel=True,
                         nodes_to_exclude=first)
    finally:
        root.setLevel(level)


def _tokenizer_files(model_dir: Path, out: Path, max_len: int) -> None:
    """tokenizer.json without its fixed padding/truncation (the browser cuts at max_seq_length itself,
    as sentence-transformers does) and tokenizer_config.json."""
    tok = json.loads((model_dir / "tokenizer.json").read_text())
    tok["padding"] = None
    tok["truncation"] = None
    (out / "tokenizer.json").write_text(json.dumps(tok, ensure_ascii=False))
    cfg_path = model_dir / "tokenizer_config.json"
    cfg = json.loads(cfg_path.read_text()) if cfg_path.is_file() else {}
    cfg["model_max_length"] = max_len
    (out / "tokenizer_config.json").write_text(json.dumps(cfg, ensure_ascii=False))


def _check(reference, onnx_path: Path) -> float:
    """The lowest cosine between the int8 model's vectors and the server's (``reference``, an
    OnnxEncoder: the same vectors as PyTorch's to 1e-5) on a few probe texts."""
    config.no_onnxruntime_telemetry()  # before the import: ORT reads it then
    import onnxruntime as ort

    from recur.retrieval.embed import clip

    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    ref = reference.encode(list(PROBES))
    low = 1.0
    for text, r in zip(PROBES, ref):
        ids = np.array([reference.tokenizer.encode(clip(text, reference.max_seq_length)).ids], dtype=np.int64)
        v = session.run(None, {"input_ids": ids})[0][0]
        low = min(low, float(v @ r))
    return round(low, 4)


# -- the index ------------------------------------------------------------------------------------
def _stems(vocab, bm25_vocab: dict) -> dict:
    """{word: BM25 stem} for the KB's words and their common inflections whose stem the index knows.

    A query word found here is stemmed exactly as the server does (PyStemmer, Snowball 3); any other
    word by the browser's porter2 (an older Snowball English: on 358k English words, the stem that
    BM25 scores differs from the server's for 6 with the table, 246 with the table alone).

    A word with a digit (backup115, ora-01555, e11000) is in the table as it is, not with the endings:
    porter2 stems their inflections as the server does (all 132,666 of a 1,000-pattern KB's, tests/
    test_browser_search.py checks the small KB's), and they were 98% of the table (4.8 of index.json's 11 MB).
    So is a two-character piece of CJK text (util.text.words), which no ending inflects."""
    from recur.util.text import is_cjk
    from recur.util.text import stemmer as snowball

    stemmer = snowball()
    cands = set()
    bases = set(bm25_vocab)
    for w in vocab:
        if not w.isdigit() and len(w) >= 2:
            bases.update((w, w[:-1]) if w[-1] in "ey" else (w,))
    for b in bases:
        if any(c.isdigit() for c in b) or is_cjk(b):  # a CJK piece has no English endings
            cands.add(b)
            continue
        cands.update(b + s for s in STEM_SUFFIXES)
        if b.endswith("i"):  # Snowball turns a final y into i: happi -> happy, happier
            cands.update(b[:-1] + s for s in ("y", "ier", "iest"))
        if len(b) > 2 and b[-1] not in "aeiouwxy":  # stopped, running
            cands.update(b + b[-1] + s for s in ("", "ed", "ing", "er", "ers"))
    cands = sorted(cands)
    stems = stemmer.stemWords(cands)
    return {w: s for w, s in zip(cands, stems) if s in bm25_vocab}


def index_data(loaded) -> tuple[dict, bytes]:
    """(index.json, index.bin) for a loaded index: everything the ranking reads, nothing it does not."""
    from recur.retrieval.search import name_words, signal_evidence, specific_signals
    from recur.util.text import compatible, identifiers, normalise_signal, pinned_kinds, signal_key, signal_words

    ids = sorted({v["pattern"] for v in loaded.views})
    pos = {pid: i for i, pid in enumerate(ids)}
    # float16 views (cosines within ~1e-3 of the server's; int8 rows moved near-tied patterns at rank 3)
    arrays = {"vectors": np.asarray(loaded.vectors, dtype=np.float16)}
    bm25 = {}
    if loaded.bm25 is not None:
        sc = loaded.bm25.scores
        vocab = sorted(loaded.bm25.vocab_dict, key=loaded.bm25.vocab_dict.get)
        arrays.update(bm25_data=np.asarray(sc["data"], np.float32), bm25_indices=np.asarray(sc["indices"], np.int32),
                      bm25_indptr=np.asarray(sc["indptr"], np.int32))
        bm25 = {"vocab": vocab, "docs": int(sc["num_docs"]), "rows": [pos.get(pid, -1) for pid in loaded.ids]}
        # per pattern, the BM25 tokens of its title and id (search.name_words: calibrate.said_capped)
        vd = loaded.bm25.vocab_dict
        bm25["name_terms"] = [
            sorted({vd[t] for t in name_words(loaded.docs.get(pid, {}), pid) if t in vd}) for pid in ids
        ]
    blob, layout, offset = bytearray(), {}, 0
    for name, arr in arrays.items():
        data = np.ascontiguousarray(arr).tobytes()
        layout[name] = {"offset": offset, "length": int(arr.size), "dtype": arr.dtype.name, "shape": list(arr.shape)}
        blob += data + b"\0" * (-len(data) % 8)
        offset = len(blob)
    signals = []
    for pid in ids:
        for s in map(compatible, loaded.docs.get(pid, {}).get("signals", [])):  # as Searcher reads them
            toks = sorted(signal_words(s))
            signals.append([pos[pid], s, normalise_signal(s), toks, sorted(identifiers(s, signal=True))])
    # whether each is specific (search.VERBATIM), decided here once as the server decides it
    for entry, specific in zip(signals, specific_signals([(e[0], signal_key(e[1]), set(e[3])) for e in signals])):
        entry.append(specific)
    # and what a shared identifier proves and how many patterns share each (search.signal_evidence)
    evidence = signal_evidence([(e[0], e[1], e[2], set(e[3]), set(e[4])) for e in signals])
    for entry, (strong, rest, share, negated, codes) in zip(signals, evidence):
        entry.extend([sorted(strong.items()), sorted(rest), share, negated])
        entry.append([list(pin) for pin in pinned_kinds(entry[1])])  # its status, errno: [k, digits, kind]
        entry.append(sorted(codes))  # the codes a question that is a part of it names it by (search.part_codes)
    data = {
        "format": FORMAT, "model": loaded.model_id, "build_id": loaded.build_id, "ids": ids,
        "views": [[pos[v["pattern"]], v["kind"], v["text"]] for v in loaded.views],
        "docs": [_doc(loaded.docs[pid]) for pid in ids], "signals": signals,
        "vocab": sorted(loaded.vocab), "stems": _stems(loaded.vocab, loaded.bm25.vocab_dict if bm25 else {}),
        "bm25": bm25, "arrays": layout,
        # a retired id typed as a query names what superseded it (search.named_pattern)
        "superseded_by": loaded.manifest.get("superseded_by", {}),
        # a retired id typed is no typo of one in use (patterns.meant_ids, the ranker's meantIds)
        "retired": sorted(retired(loaded.manifest).paths),
    }
    return data, bytes(blob)


def _doc(doc: dict) -> dict:
    """What result_object and the lexical why read from a pattern's indexed doc."""
    keys = ("id", "title", "category", "severity", "severity_name", "status", "import_draft", "runbook", "evidence", "summary",
            "signals", "path", "related", "distinguish", "symptoms", "tags")
    out = {k: doc.get(k) for k in keys}
    # those dated up to today, as result_object counts them (retrieval.results.happened_incidents)
    happened = happened_incidents(doc)
    out["incidents"] = len(happened)
    out["incidents_inherited"] = under_counts(happened)  # of them, a replaced pattern's
    return out


# -- the bundle -----------------------------------------------------------------------------------
def write_bundle(site_dir, kb_dir, index_dir, model: str | None = None, cache_root=None) -> Bundle:
    """Write assets/recur-browser/ into a built site; returns its sizes and the time it took."""
    from recur.retrieval import embed
    from recur.retrieval import index as index_mod
    from recur.retrieval.engine import ensure_index
    from recur.retrieval.models import active_model

    reason = runtime_missing()
    if reason:
        raise RecurError(reason)
    t0 = time.perf_counter()
    spec = embed.resolve(active_model(kb_dir, model))
    if spec.path is None:
        raise RecurError(f"model {spec.model_id} cannot run in a browser (a test encoder)")
    ensure_index(kb_dir, index_dir, model, quiet=True, progress=False)
    loaded = index_mod.load(index_dir, expect_model=spec.model_id)
    exported = export_model(spec, cache_root)
    info = json.loads((exported / "info.json").read_text())
    out = Path(site_dir) / OUT
    shutil.rmtree(out, ignore_errors=True)
    (out / "runtime").mkdir(parents=True)
    data, blob = index_data(loaded)
    (out / "index.json").write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    (out / "index.bin").write_bytes(blob)
    _gzip_cached(exported / "model.onnx", out / "model.onnx.gz")
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copyfile(exported / name, out / name)
    for name in SOURCES:
        shutil.copyfile(HERE / name, out / name)
    for key, (src, name) in RUNTIME.items():
        if key == "wasm":
            _gzip_cached(VENDOR / src, out / "runtime" / name, cache=Path(cache_root or CACHE))
        else:
            shutil.copyfile(VENDOR / src, out / "runtime" / name)
    for name in LICENCES:
        shutil.copyfile(HERE / name, out / "runtime" / name)
    for src, name in LICENCE_TEXTS.items():
        shutil.copyfile(VENDOR / src, out / "runtime" / name)
    files = sorted(p for p in out.rglob("*") if p.is_file())
    sizes = {p.relative_to(out).as_posix(): p.stat().st_size for p in files}
    versions = {p.relative_to(out).as_posix(): file_version(p) for p in files}
    words = _word_index(Path(site_dir), out, versions)
    manifest = {
        "format": FORMAT, "recur": __version__, "build_id": loaded.build_id, "patterns": len(data["ids"]),
        "model": {"id": spec.model_id, "file": "model.onnx.gz", "dim": info["dim"],
                  "max_seq_length": info["max_seq_length"], "quantisation": info["quantisation"],
                  "min_cosine": info["min_cosine"]},
        "tokenizer": {"json": "tokenizer.json", "config": "tokenizer_config.json"},
        "index": {"json": "index.json", "bin": "index.bin"},
        "runtime": {key: f"runtime/{name}" for key, (_, name) in RUNTIME.items()},
        "params": ranking_params(), "bytes": sizes,
        # the loader asks for each file as name?v=<version>: a rebuilt site is never read from a cache
        # that still holds the last build (hosts send no Cache-Control, or max-age, for these names)
        "versions": versions,
        **words,
    }
    (out / "bundle.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    _announce(Path(site_dir), manifest)
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return Bundle(bytes=sizes, total=total, seconds=time.perf_counter() - t0, model=spec.model_id)


def _word_index(site_dir: Path, out: Path, versions: dict) -> dict:
    """{"words": {"json": the site search's index, relative to the bundle}} with its version added to ``versions``,
    or {} when mkdocs wrote none (no `search` plugin). The box lists pattern pages by its words while the model
    loads; the loader keeps it in the model's store by that version, so a no-store host does not send it again
    on every visit's first question, and a rebuilt site's is fetched anew."""
    index = site_dir / "search" / "search_index.json"
    if not index.is_file():
        return {}
    rel = Path(os.path.relpath(index, out)).as_posix()
    versions[rel] = file_version(index)
    return {"words": {"json": rel}}


def _gzip_cached(src: Path, dst: Path, cache: Path | None = None) -> None:
    """gzip ``src`` into ``dst``; the compressed copy is kept next to the source (or in ``cache``) under
    a hash of the source's bytes, so an unchanged file is compressed once (level 9: ~1 s for the runtime).
    ``cache``'s gz/ is pruned as the exports are (util/cache.py): it kept every runtime an upgrade left."""
    key = f"{src.name}.{file_version(src)}.gz"
    cached = (cache / "gz" / key) if cache else src.with_name(key)
    mark_used(cached)  # before the copy: a build pruning gz/ meanwhile keeps a copy just used
    with contextlib.suppress(FileNotFoundError):  # none yet (or pruned by another build after all)
        shutil.copyfile(cached, dst)
        return
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_name(cached.name + f".tmp-{os.getpid()}")
    try:
        with open(src, "rb") as fin, open(tmp, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                                                             mtime=0) as fout:
            shutil.copyfileobj(fin, fout)  # mtime=0 and no name: the same input gives the same bytes
        os.replace(tmp, cached)
    finally:  # Ctrl-C (or a full disk) mid-gzip left the half-written copy in the cache (a site interrupt loop)
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    shutil.copyfile(cached, dst)
    if cache:
        prune(cache / "gz")


def _announce(site_dir: Path, manifest: dict) -> None:
    """assets/recur-api.json tells the box where the bundle is (a static copy has no API) and how many
    bytes its first question loads (the files the loader counts its progress in), so the box says so
    before it is asked (nothing did; found in review)."""
    m = manifest
    big = (m["model"]["file"], m["runtime"]["wasm"], m["index"]["bin"], m["index"]["json"], m["tokenizer"]["json"])
    path = site_dir / "assets" / "recur-api.json"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        data = {"api": None}
    data["browser"] = f"{OUT}/bundle.json"
    data["browser_bytes"] = sum(m["bytes"].get(name, 0) for name in big)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False) + "\n")
