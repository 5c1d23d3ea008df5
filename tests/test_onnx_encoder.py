"""The model run by ONNX Runtime (retrieval/onnx_encoder.py): the same vectors as PyTorch, no torch
import once exported, and every way the cached export can be missing or damaged."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from recur.retrieval import embed, onnx_encoder
from recur.util.errors import RecurError

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parents[1]
TEXTS = [
    "",
    "   ",
    "KubePodCrashLooping",
    "Disk FULL on db-1: writes failing with ENOSPC since 03:00, the WAL volume at 100%",
    "Größe der Warteschlange wächst, ÉTÉ, 数据库连接池耗尽, ошибка соединения, 🔥🔥 pager storm",
    "checkout 502s after the deploy; pods restarting\tand the connection pool exhausted\n" * 3,
    "x" * 3000,  # one word far past the token limit
    " ".join(f"line {i}: upstream timed out (110: Connection timed out) while reading" for i in range(400)),
]


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """A process's first load: no encoder in memory, an empty cache folder of its own."""
    monkeypatch.setenv("RECUR_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("RECUR_PRECISION", "fp32")
    monkeypatch.delenv("RECUR_ENCODER", raising=False)
    monkeypatch.setattr(embed, "_CACHE", {})
    # and no PyTorch encoder an earlier test loaded: where the CPU has bf16 it ran in bf16 (auto)
    monkeypatch.setattr(embed, "_TORCH", {})
    return tmp_path / "cache"


def _tiny_model(folder: Path) -> Path:
    """A real BERT sentence-transformer saved in ``folder``, small: 2 layers 32 wide, random weights (seeded), the
    bundled model's tokenizer files (nothing downloaded), cut at 256 tokens as MiniLM is. Its export runs through the
    same code as MiniLM's (a child process, torch.onnx, mean pooling, the check against PyTorch, ONNX Runtime, the
    browser model's mask and int8 quantisation) in a fraction of the time (no 90 MB of weights to load, trace and
    check): for the tests of the export's cache, versions, retries and failures. MiniLM's own vectors are
    checked on MiniLM's export (``minilm_export``)."""
    import torch
    from sentence_transformers import SentenceTransformer, models
    from transformers import BertConfig, BertModel

    src, body = Path(embed.resolve(embed.DEFAULT).path), folder / "transformer"
    body.mkdir(parents=True)
    for name in ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
        if (src / name).is_file():
            shutil.copy(src / name, body / name)
    vocab = json.loads((src / "config.json").read_text())["vocab_size"]
    shape = {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64}
    with torch.random.fork_rng():  # seeded, and the test process's own generator left as it was
        torch.manual_seed(0)
        BertModel(BertConfig(vocab_size=vocab, **shape)).save_pretrained(body)
    modules = [models.Transformer(str(body), max_seq_length=256), models.Pooling(32, pooling_mode="mean")]
    SentenceTransformer(modules=[*modules, models.Normalize()], device="cpu").save(str(folder / "model"))
    shutil.rmtree(body)
    return folder / "model"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    """A small real mean-pooled model's folder (``_tiny_model``), made once for this file; never written to."""
    return _tiny_model(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="module")
def minilm_export(tmp_path_factory) -> Path:
    """The bundled model's fp32 export, copied out once for this file, for the tests that read or damage a copy
    (``cached_export``): the session's (conftest makes it before the workers start, or copies the user's), else
    exported here. Tests of the export's own making use ``tiny``'s."""
    spec = embed.resolve(embed.DEFAULT)
    found = onnx_encoder.cached(spec)
    if found is None or "unsupported" in found[1]:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("RECUR_CACHE", str(tmp_path_factory.mktemp("minilm") / "cache"))
            found = onnx_encoder.export(spec)
    assert found is not None and found[1]["max_diff"] <= onnx_encoder.MAX_DIFF, found
    return Path(shutil.copytree(found[0], tmp_path_factory.mktemp("minilm-export") / found[0].name))


@pytest.fixture(scope="module")
def first_loads(tiny, tmp_path_factory) -> tuple[list, list, Path | None, int]:
    """Two new processes' first loads of a real model (``tiny``) at once, into an empty cache of their own
    (RACING_LOAD: what each printed and said, how each ended), the export they left there and how many export
    children ran (EXPORT_COUNTER): made once for this file and only read here."""
    work = tmp_path_factory.mktemp("first-load")
    cache, hook = work / "cache", work / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(EXPORT_COUNTER.format(log=str(work / "exports")))
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", RACING_LOAD, str(tiny)],
            env=dict(_first_load_env(cache), PYTHONPATH=f"{hook}{os.pathsep}{ROOT / 'tools'}"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    said = [run.communicate(timeout=900) for run in runs]
    folders = list((cache / "onnx").iterdir()) if (cache / "onnx").is_dir() else []
    exports = len((work / "exports").read_text().splitlines()) if (work / "exports").is_file() else 0
    return said, [run.returncode for run in runs], (folders[0] if len(folders) == 1 else None), exports


# a sitecustomize that counts the ONNX export's child processes (one line each, appended: O_APPEND)
EXPORT_COUNTER = (
    "import os, sys\n"
    "if len(sys.argv) > 1 and 'onnx_encoder:export_by_id' in sys.argv[1]:\n"
    "    with open({log!r}, 'a') as f:\n"
    "        f.write(str(os.getpid()) + '\\n')\n"
)


@pytest.fixture
def first_export(first_loads) -> Path:
    """The export a process's first load leaves in an empty cache (``first_loads``': ``tiny``'s)."""
    said, codes, folder, _ = first_loads
    assert codes == [0, 0] and folder is not None, said
    return folder


@pytest.fixture
def cached_tiny(fresh, first_export) -> Path:
    """``fresh``'s cache holding a copy of ``tiny``'s export, as any earlier run leaves it; a test may
    damage or rewrite its copy."""
    return Path(shutil.copytree(first_export, fresh / "onnx" / first_export.name))


@pytest.fixture
def cached_export(fresh, minilm_export) -> Path:
    """``fresh``'s cache holding a copy of the bundled model's export, as any earlier run leaves it; a test may
    damage or rewrite its copy."""
    return Path(shutil.copytree(minilm_export, fresh / "onnx" / minilm_export.name))


def kb_texts() -> list[str]:
    """Pattern files of the shipped KB, cut in paragraphs: real view-like texts of every length. 13
    files give over 100 texts (seven batches of the ONNX encoder's); 25 files doubled the encoding, in
    PyTorch and ONNX Runtime, for no new shape of text."""
    out = []
    for path in sorted((ROOT / "kb" / "patterns").rglob("*.md"))[:13]:
        out += [p for p in path.read_text().split("\n\n") if p.strip()]
    return out


def test_onnx_vectors_equal_pytorch_batched_and_one_by_one(cached_export):
    torch_encoder = embed.load_torch_encoder(embed.DEFAULT)
    enc = embed.load_encoder(embed.DEFAULT)
    assert isinstance(enc, onnx_encoder.OnnxEncoder)
    texts = TEXTS + kb_texts()
    assert len(texts) > 100
    # PyTorch's reference in batches of the ONNX encoder's size: in batches of 128 padded to 256 tokens
    # it took 3 times as long, for the same vectors (to 2e-7)
    ref = torch_encoder.encode(texts, batch_size=onnx_encoder.BATCH)
    batched = enc.encode(texts, batch_size=128)
    assert batched.dtype == np.float32 and batched.shape == ref.shape
    assert float(np.abs(batched - ref).max()) < 1e-5
    for text in TEXTS:
        assert float(np.abs(enc.encode([text])[0] - torch_encoder.encode([text])[0]).max()) < 1e-5
    assert enc.encode([]).shape == (0, enc.dim) and enc.model_id == torch_encoder.model_id


def test_the_export_is_cached_by_model_id_and_later_runs_never_import_torch(
    first_export, tiny, cached_export, tmp_path
):
    from kbfactory import small_kb

    spec = embed.resolve(str(tiny))  # the model the first loads exported
    assert first_export.name == onnx_encoder.cache_folder(spec).name  # the folder named by the model id
    info = json.loads((first_export / "info.json").read_text())
    assert info["model_id"] == spec.model_id and info["max_diff"] < 1e-5
    # a new process, the bundled model's export in its cache: index a KB and ask it, then say whether torch was
    # ever imported
    _index_and_ask_without_torch(str(small_kb(tmp_path / "kb")), str(tmp_path / "idx"))


def _index_and_ask_without_torch(kb: str, idx: str, prelude: str = "") -> None:
    """In a new process (after ``prelude``), `recur index` then `recur suggest` a small KB: the answer is
    disk-full, and torch was never imported."""
    code = (
        f"import sys\nfrom pathlib import Path\nfrom recur.retrieval import embed\nfrom recur.cli.main import cli\n{prelude}"
        f"for args in (['index', '--kb', {kb!r}, '--index', {idx!r}],"
        f" ['suggest', '--kb', {kb!r}, '--index', {idx!r}, '--json', 'disk full on db-1']):\n"
        "    cli.main(args, standalone_mode=False)\n"
        "print('TORCH' if 'torch' in sys.modules else 'NO TORCH', file=sys.stderr)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tools"))
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert res.stderr.strip().endswith("NO TORCH"), res.stderr
    assert json.loads(res.stdout)["results"][0]["id"] == "disk-full"


def test_onnx_runtime_sends_no_telemetry_and_says_nothing_of_it_under_a_read_only_home(cached_export, tmp_path):
    """ONNX Runtime's 1DS telemetry was on: `recur serve` looked up mobile.events.data.microsoft.com
    within 20 s (strace: 4 DNS queries), and under a HOME it could not write (systemd's ProtectHome) it
    wrote an ANSI-coloured "Failed to persist telemetry device ID" line into the JSON log. A HOME that is
    a file stands for the read-only one: nothing can be made under it, even by root. Only ORT's
    environment variable, set before it is imported, turns this off (its disable_telemetry_events() left
    both the lookups and the line: measured)."""
    from kbfactory import small_kb

    home = tmp_path / "home"
    home.write_text("")
    kb, idx = str(small_kb(tmp_path / "kb")), str(tmp_path / "idx")
    env = dict(os.environ, HOME=str(home), PYTHONPATH=str(ROOT / "tools"))
    env.pop("ORT_DISABLE_TELEMETRY", None)
    res = subprocess.run(
        [sys.executable, "-m", "recur", "index", "--quiet", "--kb", kb, "--index", idx],
        cwd=tmp_path, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "telemetry" not in res.stderr.lower(), res.stderr
    assert "\x1b[" not in res.stderr, res.stderr


BF16_CPUINFO = "processor\t: 0\nflags\t\t: fpu sse4_2 avx2 avx512f avx512bw avx512_bf16\n"


def test_a_one_shot_suggest_on_a_bf16_cpu_never_imports_torch(cached_export, tmp_path, monkeypatch):
    """`auto` kept PyTorch for everything where the CPU multiplies bfloat16 natively (most servers
    now): a responder's `recur suggest` took 7-18 s there, nearly all of it importing torch, to save
    milliseconds of one query (1-2.5 s on ONNX Runtime). A new process, told its CPU has bf16 by the
    file it reads the flags from, indexes a small KB (a few texts) and answers without torch."""
    from kbfactory import small_kb

    monkeypatch.delenv("RECUR_PRECISION")  # auto: bf16 on this CPU
    (tmp_path / "cpuinfo").write_text(BF16_CPUINFO)
    prelude = f"embed.CPUINFO = Path({str(tmp_path / 'cpuinfo')!r})\nassert embed.precision() == 'bf16'\n"
    _index_and_ask_without_torch(str(small_kb(tmp_path / "kb")), str(tmp_path / "idx"), prelude)


def test_on_a_bf16_cpu_pytorch_runs_where_it_pays_for_its_import(cached_export, tmp_path, monkeypatch):
    """bf16 PyTorch encodes a large batch a little faster than ONNX Runtime: a first encode of
    BULK_TEXTS texts or more (a cold index of a large KB) runs there, and so does everything after
    it in that process (torch is loaded), and everything when RECUR_PRECISION=bf16 is asked for."""
    monkeypatch.delenv("RECUR_PRECISION")
    (tmp_path / "cpuinfo").write_text(BF16_CPUINFO)
    monkeypatch.setattr(embed, "CPUINFO", tmp_path / "cpuinfo")
    assert isinstance(embed.load_encoder(embed.DEFAULT, texts=embed.BULK_TEXTS - 1), onnx_encoder.OnnxEncoder)
    embed._CACHE.clear()
    lazy = embed.LazyEncoder(embed.resolve(embed.DEFAULT))
    lazy.expect(embed.BULK_TEXTS)  # what index.build says before encoding a batch at a time
    assert lazy.precision == "bf16" and isinstance(embed._CACHE[lazy.model_id], embed.SentenceTransformerEncoder)
    embed._CACHE.clear()  # torch holds the model now: a query there costs nothing more to load
    assert isinstance(embed.load_encoder(embed.DEFAULT), embed.SentenceTransformerEncoder)
    embed._CACHE.clear()
    embed._TORCH.clear()
    monkeypatch.setenv("RECUR_PRECISION", "bf16")
    assert isinstance(embed.load_encoder(embed.DEFAULT), embed.SentenceTransformerEncoder)


RACING_BUILD = (
    "import json, os, sys\nfrom pathlib import Path\nfrom recur.retrieval import embed\n"
    "from recur.site.bundle import _gzip_cached, export_model\n"
    "folder = export_model(embed.resolve(sys.argv[3]), cache_root=Path(sys.argv[1]))\n"
    "seen = os.stat(folder).st_ino\n"
    "_gzip_cached(folder / 'model.onnx', Path(sys.argv[2]))  # as write_bundle does next\n"
    "print(seen, os.stat(folder).st_ino)\n"
    "print(json.dumps(json.loads((folder / 'info.json').read_text())))\n"
    "print('TORCH' if 'torch' in sys.modules else 'NO TORCH', file=sys.stderr)\n"
)


@pytest.fixture(scope="module")
def two_builds(first_loads, tiny, tmp_path_factory) -> tuple[list, list, Path, Path]:
    """Two new processes' browser model builds of a small real model (``tiny``) at once (RACING_BUILD: each
    exports the int8 model into one empty cache, or waits for the other's export, then gzips it as write_bundle
    does), the server's fp32 export cached as `recur index` leaves it (a copy of ``first_loads``' export): what
    each printed and said, how each ended, the browser model cache and the work folder. Made once for this file
    and only read by the two tests that use it."""
    said, codes, first_export, _ = first_loads
    assert codes == [0, 0] and first_export is not None, said
    work = tmp_path_factory.mktemp("two-builds")
    shutil.copytree(first_export, work / "cache" / "onnx" / first_export.name)
    cache = work / "browser"
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", RACING_BUILD, str(cache), str(work / f"m{i}.gz"), str(tiny)],
            env=_first_load_env(work / "cache"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    said = [run.communicate(timeout=900) for run in runs]
    return said, [run.returncode for run in runs], cache, work


def _session(folder: Path):
    """An ONNX Runtime session on the browser's int8 model in ``folder``."""
    import onnxruntime as ort

    return ort.InferenceSession(str(folder / "model.onnx"), providers=["CPUExecutionProvider"])


def _int8_weights(folder: Path) -> int:
    """How many of the browser model's weights in ``folder`` are int8 (quantised): none when not quantised."""
    import onnx

    return sum(w.data_type == onnx.TensorProto.INT8 for w in onnx.load(str(folder / "model.onnx")).graph.initializer)


def _browser_model(spec, cache: Path) -> tuple[dict, object]:
    """The browser's int8 model of ``spec``'s model, exported from this process; its info and an ORT session
    on it."""
    from recur.site.bundle import export_model

    made = export_model(spec, cache_root=cache)
    info = json.loads((made / "info.json").read_text())
    [folder] = [f for f in cache.iterdir() if (f / "model.onnx").is_file()]
    return info, _session(folder)


def test_the_browser_model_is_made_from_the_cached_export_without_torch(two_builds):
    """`recur site`'s int8 browser model loaded torch (+10 s) though the server's fp32 export was
    cached (here as `recur index` leaves it): it is now that export with its mask made inside, quantised.
    The processes are ``two_builds``': new ones, the fp32 export in their cache; neither imported torch."""
    said, codes, cache, _ = two_builds
    assert codes == [0, 0], [err for _, err in said]
    for _, err in said:
        assert err.strip().endswith("NO TORCH"), err
    [folder] = [f for f in cache.iterdir() if (f / "model.onnx").is_file()]
    assert [i.name for i in _session(folder).get_inputs()] == ["input_ids"]  # what the browser's loader feeds
    assert _int8_weights(folder) > 0  # quantised: the browser downloads the int8 model, not the fp32 one
    for out, _ in said:
        info = json.loads(out.splitlines()[1])
        assert info["min_cosine"] >= 0.99 and info["dim"] == 32  # ``tiny``'s width


def test_the_bundled_models_browser_model_gives_its_vectors():
    """The bundled model's int8 browser model, as `recur site` makes it (the checkout's: conftest makes it
    before the workers start, from the server's fp32 export): one unpadded text in, and vectors near the
    PyTorch model's."""
    from recur.site.bundle import export_model

    folder = export_model(embed.resolve(embed.DEFAULT))
    info = json.loads((folder / "info.json").read_text())
    assert info["min_cosine"] >= 0.99 and info["dim"] == 384
    session = _session(folder)
    assert [i.name for i in session.get_inputs()] == ["input_ids"]  # what the browser's loader feeds
    ref = embed.load_torch_encoder(embed.DEFAULT)
    tok = ref.model.tokenizer
    for text in TEXTS[2:6] + kb_texts()[:20]:
        ids = np.array([tok(text, truncation=True, max_length=256)["input_ids"]], dtype=np.int64)
        assert float(session.run(None, {"input_ids": ids})[0][0] @ ref.encode([text])[0]) > 0.98, text


def test_a_browser_model_made_by_other_versions_or_export_code_is_made_again(cached_tiny, tiny, tmp_path):
    """The browser model's cache (a checkout's .recur/browser-model/) outlives upgrades and code changes: one
    quantised by an older onnxruntime or older export code was used as it was, so a site shipped it and
    tests passed or failed by what an earlier run had left there (CI's fresh clone exports anew). One
    made by this code and these packages is used; another is made again. A small real model's (``tiny``):
    the export's plumbing, not MiniLM's numbers."""
    from recur.site.bundle import export_model

    spec, cache = embed.resolve(str(tiny)), tmp_path / "browser"
    folder = export_model(spec, cache_root=cache)  # as `recur site` leaves it
    info = json.loads((folder / "info.json").read_text())
    made = os.stat(folder).st_ino
    assert export_model(spec, cache_root=cache) == folder and os.stat(folder).st_ino == made  # used as made
    for stale in ({"onnxruntime": "1.0.0"}, {"format": 0}):
        (folder / "info.json").write_text(json.dumps({**info, "made_with": {**info.get("made_with", {}), **stale}}))
        before = os.stat(folder).st_ino
        assert export_model(spec, cache_root=cache) == folder
        assert os.stat(folder).st_ino != before, stale  # made again
        assert json.loads((folder / "info.json").read_text())["made_with"] == info["made_with"]


def test_a_browser_model_made_by_other_versions_is_kept_beside_not_replaced(cached_tiny, tiny, tmp_path, monkeypatch):
    """Two environments sharing a checkout's .recur/browser-model/ (two venvs with other onnxruntime versions)
    each found the other's export made by other versions and made its own in the one folder named by the model
    id: every build of either exported again, and swapped the folder under the other's gzip of its model.onnx.
    Each keeps its own now (the other here: other export code, EXPORT_FORMAT 0). An export made prunes the
    cache (util/cache.py): one unused for UNUSED_DAYS goes once KEEP_NEWEST newer ones are there, not before
    (the old rule removed a rarely-built KB's only export at its next build). A small real model's (``tiny``)."""
    from recur.site import bundle
    from recur.util.cache import KEEP_NEWEST, UNUSED_DAYS

    spec, cache = embed.resolve(str(tiny)), tmp_path / "browser"
    mine_format = bundle.EXPORT_FORMAT
    unused = {}
    for n in range(KEEP_NEWEST):  # exports made by earlier upgrades, the newest first
        unused[n] = cache / f"made-by-upgrade-{n}-ago"
        unused[n].mkdir(parents=True)
        (unused[n] / "info.json").write_text("{}")
        os.utime(unused[n] / "info.json", (0, time.time() - 86400 * (UNUSED_DAYS + 1 + n)))
    recent = cache / "used-yesterday"
    recent.mkdir()
    (recent / "info.json").write_text("{}")
    os.utime(recent / "info.json", (0, time.time() - 86400))

    monkeypatch.setattr(bundle, "EXPORT_FORMAT", mine_format - 1)  # the other environment builds first
    other = bundle.export_model(spec, cache_root=cache)
    other_made = os.stat(other).st_ino
    # the newest few stay however old: the other's export and the recent one take two places of KEEP_NEWEST
    assert [u.exists() for u in unused.values()] == [n < KEEP_NEWEST - 2 for n in unused]
    monkeypatch.setattr(bundle, "EXPORT_FORMAT", mine_format)
    mine = bundle.export_model(spec, cache_root=cache)
    assert mine != other and os.stat(other).st_ino == other_made  # beside it, not in its place
    assert json.loads((other / "info.json").read_text())["made_with"]["format"] == mine_format - 1
    assert json.loads((mine / "info.json").read_text())["made_with"]["format"] == mine_format
    monkeypatch.setattr(bundle, "EXPORT_FORMAT", mine_format - 1)  # the other's next build: its own, as made
    assert bundle.export_model(spec, cache_root=cache) == other and os.stat(other).st_ino == other_made
    assert not any(u.exists() for u in unused.values()) and recent.exists()


def test_two_builds_at_once_share_one_browser_export(two_builds):
    """CI failed once on `recur site --browser-search` with ENOENT at the model's gzip temp file: two
    builds (test workers, like two CI jobs) each exported into the shared cache, and the later one's
    swap removed the folder the first was still gzipping into. Now the second waits for the first's
    export and uses it: both see one folder, never replaced under them, and both gzip it. The two builds
    are ``two_builds``', started together on an empty browser model cache."""
    said, codes, cache, work = two_builds
    assert codes == [0, 0], [err for _, err in said]
    seen = {int(n) for out, _ in said for n in out.splitlines()[0].split()}
    assert seen == {os.stat(next(cache.glob("*/info.json")).parent).st_ino}
    assert (work / "m0.gz").read_bytes() == (work / "m1.gz").read_bytes()
    assert [f.name for f in cache.iterdir() if ".tmp-" in f.name] == []


RACING_LOAD = (
    "import os, sys\nfrom recur.retrieval import embed, onnx_encoder\n"
    "spec = embed.resolve(sys.argv[1])\nenc = embed.load_encoder(spec)\n"
    "folder = onnx_encoder.cache_folder(spec)\n"
    "print(type(enc).__name__, 'torch' in sys.modules, os.stat(folder).st_ino, enc.encode(['disk full'])[0][:4].tolist())\n"
)


def test_two_first_loads_at_once_make_one_export(first_loads):
    """Test workers share one RECUR_CACHE (conftest sets it before xdist starts them), and each first load
    of the real model imported torch and exported it into the same folder, swapping it under the other
    (as two `recur site` builds did to the browser model's: CI's ENOENT). Now the second waits for the
    first's export and uses it: one export, never replaced under the other, and neither imports torch itself
    (the export runs in a child process). The two processes are ``first_loads``', started together on an empty
    cache; the file's other tests only read their export."""
    said, codes, folder, exports = first_loads
    assert codes == [0, 0], [err for _, err in said]
    # one export child ran: a second export swapped in was caught by the inodes below only when the first process
    # printed its folder's before the second's swap, and ``tiny``'s two exports often end within a second
    assert exports == 1, said
    rows = [out.split(maxsplit=3) for out, _ in said]
    assert [row[0] for row in rows] == ["OnnxEncoder", "OnnxEncoder"], said
    assert [row[1] for row in rows] == ["False", "False"], said  # torch was imported by the export's child only
    assert folder is not None, said  # one export, alone in the cache
    assert {int(row[2]) for row in rows} == {os.stat(folder).st_ino}  # never replaced under the other
    assert rows[0][3] == rows[1][3]


def _hold(folder: Path) -> int:
    """A real flock on an export cache's folder, as another process's export holds it (flock is per open
    file: this descriptor's lock holds off the code's own open of the folder in this process too)."""
    import fcntl

    fd = os.open(folder, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def _said_when(capsys, words: str) -> str:
    """What was said on stderr, once ``words`` are among it (a bound on a hang, not a speed asserted)."""
    said, deadline = "", time.monotonic() + 120
    while words not in said and time.monotonic() < deadline:
        said += capsys.readouterr().err
        time.sleep(0.05)
    return said


def test_a_wait_for_another_export_is_said_and_then_its_export_used(cached_export, capsys, printed_logs):
    """A `recur suggest` started beside a cold `recur serve`'s export waited up to 15 minutes on the cache's
    lock saying nothing: a hang, to whoever typed it. Now it says so once, and goes on when the lock is free."""
    import threading

    spec = embed.resolve(embed.DEFAULT)
    fd = _hold(cached_export.parent)
    got = {}
    worker = threading.Thread(target=lambda: got.update(export=onnx_encoder.export(spec)))
    worker.start()
    try:
        said = _said_when(capsys, "waiting for another process's export")
        assert worker.is_alive()  # it waits for the lock
    finally:
        os.close(fd)  # the other export ends
    worker.join()
    said += capsys.readouterr().err
    assert said == (
        f"waiting for another process's export into the ONNX export cache ({cached_export.parent}) to end, "
        f"at most {onnx_encoder.EXPORT_WAIT_S:.0f} s\n"
    )  # once, though the lock was tried many times
    assert got["export"] == (cached_export, json.loads((cached_export / "info.json").read_text()))


def test_an_export_held_past_the_wait_says_another_export_held_the_cache(
    fresh, monkeypatch, tmp_path, capsys, printed_logs
):
    """Past the wait, RECUR_ENCODER=onnx said "its export cannot be cached in <cache>": untrue, the cache
    was writable and another process held it. So is the browser model's wait, and so is its end."""
    from recur.site.bundle import export_model

    monkeypatch.setattr(onnx_encoder, "EXPORT_WAIT_S", 1.0)
    spec = embed.resolve(embed.DEFAULT)
    browser = tmp_path / "browser"
    for folder in (fresh / "onnx", browser):
        folder.mkdir(parents=True)
    held = [_hold(fresh / "onnx"), _hold(browser)]
    try:
        monkeypatch.setenv("RECUR_ENCODER", "onnx")
        with pytest.raises(RecurError) as err:
            embed.load_encoder(spec)
        assert str(err.value) == (
            f"RECUR_ENCODER=onnx: model {spec.model_id} cannot run on ONNX Runtime: another process's export "
            f"held the ONNX export cache ({fresh / 'onnx'}) for more than 1 s"
        )
        with pytest.raises(RecurError) as err:
            export_model(spec, cache_root=browser)
        assert str(err.value) == f"another process's export held the browser model cache ({browser}) for more than 1 s"
        assert capsys.readouterr().err == (
            f"waiting for another process's export into the ONNX export cache ({fresh / 'onnx'}) to end, at most 1 s\n"
            f"waiting for another process's export into the browser model cache ({browser}) to end, at most 1 s\n"
        )
        monkeypatch.delenv("RECUR_ENCODER")  # auto: the model runs on PyTorch, and the wait's end is said
        assert isinstance(embed.load_encoder(spec), embed.SentenceTransformerEncoder)
        assert capsys.readouterr().err.splitlines()[-1] == (
            f"another process's export held the ONNX export cache ({fresh / 'onnx'}) for more than 1 s: "
            "the model runs on PyTorch this time"
        )
    finally:
        for fd in held:
            os.close(fd)
    assert list((fresh / "onnx").iterdir()) == []  # nothing exported beside the other's


def test_the_browser_model_is_made_when_the_model_cache_cannot_be_written(fresh, tiny, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("RECUR_CACHE", str(blocker / "cache"))  # under a file: the fp32 export goes beside
    info, session = _browser_model(embed.resolve(str(tiny)), tmp_path / "browser")  # a small real model's
    assert info["min_cosine"] >= 0.99 and [i.name for i in session.get_inputs()] == ["input_ids"]
    assert [f.name for f in (tmp_path / "browser").iterdir() if ".tmp-" in f.name] == []


def test_a_damaged_export_is_made_again_and_checked_against_fp32_on_a_bf16_setting(cached_tiny, tiny, monkeypatch):
    """A damaged cached export (its model.onnx no graph) is made again. And an export asked for on a bf16
    setting is checked against fp32 PyTorch: it was checked against the PyTorch encoder at RECUR_PRECISION,
    where its vectors differ by ~1e-3, so the model was recorded as not exportable, on every later run too.
    One test, one export for both, of a small real model (``tiny``: its bf16 vectors differ from its fp32 ones
    past MAX_DIFF too, asserted below, so the old check fails it as it failed MiniLM); either fault fails it
    (RECUR_ENCODER=onnx: a model not run on ONNX Runtime is an error, not PyTorch)."""
    spec, folder = embed.resolve(str(tiny)), cached_tiny
    (folder / "model.onnx").write_bytes(b"not a graph")
    monkeypatch.setenv("RECUR_ENCODER", "onnx")
    monkeypatch.setenv("RECUR_PRECISION", "bf16")  # `fresh`'s empty _TORCH: a new process's PyTorch encoder at bf16
    enc = embed.load_encoder(spec)
    assert isinstance(enc, onnx_encoder.OnnxEncoder) and enc.precision == "fp32"
    assert onnx_encoder.cached(spec)[1]["max_diff"] < 1e-5
    assert (folder / "model.onnx").stat().st_size > 1_000_000
    bf16 = embed.load_torch_encoder(spec).encode(list(onnx_encoder.PROBES))  # what the old check compared with
    monkeypatch.setenv("RECUR_PRECISION", "fp32")  # the reference: fp32 PyTorch
    embed._TORCH.clear()
    torch_fp32 = embed.load_torch_encoder(spec)
    assert float(np.abs(bf16 - torch_fp32.encode(list(onnx_encoder.PROBES))).max()) > onnx_encoder.MAX_DIFF
    ref = torch_fp32.encode(TEXTS[:4])
    assert float(np.abs(enc.encode(TEXTS[:4]) - ref).max()) < 1e-5


def test_an_export_of_another_model_or_format_is_not_used(cached_export):
    spec = embed.resolve(embed.DEFAULT)
    folder = cached_export
    info = json.loads((folder / "info.json").read_text())
    assert onnx_encoder.cached(spec) is not None
    for changed in ({"model_id": "another"}, {"format": onnx_encoder.FORMAT + 1}):
        (folder / "info.json").write_text(json.dumps({**info, **changed}))
        assert onnx_encoder.cached(spec) is None


def test_an_unwritable_cache_falls_back_to_pytorch_unless_onnx_is_required(fresh, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("RECUR_CACHE", str(blocker / "cache"))  # under a file: cannot be made
    assert isinstance(embed.load_encoder(embed.DEFAULT), embed.SentenceTransformerEncoder)
    embed._CACHE.clear()
    monkeypatch.setenv("RECUR_ENCODER", "onnx")
    with pytest.raises(
        RecurError, match="RECUR_ENCODER=onnx: .* cannot run on ONNX Runtime: its export cannot be cached"
    ):
        embed.load_encoder(embed.DEFAULT)


def test_recur_encoder_torch_and_bf16_stay_on_pytorch(fresh, monkeypatch):
    monkeypatch.setenv("RECUR_ENCODER", "torch")
    assert isinstance(embed.load_encoder(embed.DEFAULT), embed.SentenceTransformerEncoder)
    embed._CACHE.clear()
    monkeypatch.setenv("RECUR_ENCODER", "auto")
    monkeypatch.setenv("RECUR_PRECISION", "bf16")  # PyTorch's bf16 path is the fast one there
    assert isinstance(embed.load_encoder(embed.DEFAULT), embed.SentenceTransformerEncoder)
    assert not (fresh / "onnx").exists()


def test_an_unknown_encoder_setting_is_a_clean_error(fresh, monkeypatch, tmp_path):
    monkeypatch.setenv("RECUR_ENCODER", "gpu")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tools"))
    res = subprocess.run(
        [sys.executable, "-m", "recur", "suggest", "--kb", "kb", "--index", str(tmp_path / "i"), "disk full"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert res.returncode == 1
    assert "RECUR_ENCODER='gpu': expected one of auto, onnx, torch" in res.stderr and "Traceback" not in res.stderr


def test_a_model_that_is_not_mean_pooled_is_recorded_and_stays_on_pytorch(fresh, tiny, tmp_path):
    """A CLS-pooled copy of a small real model (``tiny``): exported vectors would differ, so it is marked
    unsupported."""
    folder = Path(shutil.copytree(tiny, tmp_path / "cls-model"))
    cfg = folder / "1_Pooling" / "config.json"
    data = json.loads(cfg.read_text())
    if "pooling_mode" in data:  # sentence-transformers 6
        data["pooling_mode"] = "cls"
    else:
        data.update(pooling_mode_mean_tokens=False, pooling_mode_cls_token=True)
    cfg.write_text(json.dumps(data))
    enc = embed.load_encoder(str(folder))
    assert isinstance(enc, embed.SentenceTransformerEncoder)
    found = onnx_encoder.cached(embed.resolve(str(folder)))
    assert found is not None and "not a mean-pooled transformer" in found[1]["unsupported"]


def test_a_failed_export_is_tried_again_with_other_versions_and_a_missing_package_is_not_recorded(
    fresh, tiny, monkeypatch, tmp_path
):
    """Any export error was recorded as "unsupported" for good: a one-off failure (the onnx package
    missing, memory) or one an upgrade fixes kept the model on PyTorch until the cache was cleared.
    The export made once the package is back also prunes the cache (one export for both: each is 25-90 s).
    Every `recur tune` makes a new model: without pruning, a team re-tuning weekly gathered a 90 MB
    export of each one in the cache. Pruned by the caches' one rule (util/cache.py): those used within
    UNUSED_DAYS stay however many (the old rule kept 6, whatever their age), older ones beyond the
    KEEP_NEWEST most recently used go. A small real model's export (``tiny``): the same code, in less time."""
    from recur.util.cache import KEEP_NEWEST, UNUSED_DAYS

    spec = embed.resolve(str(tiny))
    hidden = tmp_path / "no-onnx" / "onnx"  # an onnx package first on the path that cannot be imported
    hidden.mkdir(parents=True)
    (hidden / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'onnx'\", name='onnx')\n")
    with monkeypatch.context() as mp:
        mp.syspath_prepend(str(hidden.parent))  # the export's child process runs on this process's path
        assert isinstance(embed.load_encoder(spec), embed.SentenceTransformerEncoder)
    assert onnx_encoder.cached(spec) is None  # nothing recorded: the next run tries again
    assert not list(fresh.glob("onnx/*"))  # nor a work folder left
    embed._CACHE.clear()  # the fixture's own: a new process
    root = fresh / "onnx"  # exports of earlier models (`recur tune`), used days ago or long ago
    ages = {f"recent-{n}": n + 1 for n in range(KEEP_NEWEST + 1)} | {f"old-{n}": UNUSED_DAYS + 1 + n for n in range(2)}
    for name, days in ages.items():
        (root / name).mkdir(parents=True)
        (root / name / "info.json").write_text("{}")
        os.utime(root / name / "info.json", (0, time.time() - 86400 * days))
    assert isinstance(embed.load_encoder(spec), onnx_encoder.OnnxEncoder)
    # the new export made, the old go: those used within UNUSED_DAYS stay
    new = onnx_encoder.cache_folder(spec).name
    assert {f.name for f in root.iterdir()} == {new} | {name for name in ages if name.startswith("recent-")}
    # an "unsupported" verdict made by other versions of the export stack is not believed
    folder = onnx_encoder.cache_folder(spec)
    info = json.loads((folder / "info.json").read_text())
    stale = {**info, "unsupported": "export failed: some old bug", "versions": {"torch": "1.0"}}
    (folder / "info.json").write_text(json.dumps(stale))
    assert onnx_encoder.cached(spec) is None
    (folder / "info.json").write_text(json.dumps({**stale, "versions": onnx_encoder.versions()}))
    assert onnx_encoder.cached(spec)[1]["unsupported"] == "export failed: some old bug"


def test_a_model_found_unexportable_keeps_its_verdict_while_used(fresh, monkeypatch):
    """The verdict that a model cannot run on ONNX Runtime is an entry of the export cache: each load that
    reads it records its use, as a load of an export does. Unmarked, it aged out like an unused export, and
    the next run loaded torch and tried the export again to find the same."""
    spec = embed.resolve(embed.DEFAULT)
    folder = onnx_encoder.cache_folder(spec)
    folder.mkdir(parents=True)
    verdict = {
        "model_id": spec.model_id,
        "format": onnx_encoder.FORMAT,
        "dim": 384,
        "unsupported": "not a mean-pooled transformer",
        "versions": onnx_encoder.versions(),
    }
    (folder / "info.json").write_text(json.dumps(verdict))
    long_ago = time.time() - 86400 * 100
    os.utime(folder / "info.json", (long_ago, long_ago))
    monkeypatch.setenv("RECUR_ENCODER", "onnx")  # the verdict said, not PyTorch loaded instead
    with pytest.raises(RecurError, match="not a mean-pooled transformer"):
        embed.load_encoder(embed.DEFAULT)
    assert (folder / "info.json").stat().st_mtime > long_ago + 86400 * 99


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/PID/maps")
def test_recur_serve_answers_without_loading_torch(cached_export, tmp_path):
    """`recur serve --threads 1` (its default) imported torch to set its thread count, even when the
    model ran on ONNX Runtime: 5-11 s more start-up and the torch libraries in memory."""
    import threading

    import httpx
    from kbfactory import small_kb
    from serve_util import started_on, wait_healthy

    kb = small_kb(tmp_path / "kb")  # the export is in the cache, as after any earlier run
    args = ["serve", "--kb", str(kb), "--index", str(tmp_path / "idx"), "--port", "0", "--site", str(tmp_path / "s")]
    args += ["--feedback", str(tmp_path / "fb.jsonl")]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tools"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "recur", *args], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True
    )  # --port 0: a port picked here and closed could be another test worker's by the time serve binds it
    try:
        base = f"http://127.0.0.1:{started_on(proc.stderr, [])}"
        threading.Thread(target=proc.stderr.read, daemon=True).start()  # the rest read, so serve never blocks on it
        # the index is built first (the shipped KB's took over 60 s with the other test worker, and
        # failed so once, 'still loading': a small KB's is seconds, the limit stays generous)
        wait_healthy(base, timeout=300)
        for _ in range(600):  # the index is built in the background first
            r = httpx.post(base + "/api/suggest", json={"text": "disk full on db-1, no space left on device"})
            if r.status_code == 200:
                break
            time.sleep(0.1)
        assert r.json()["results"][0]["id"] == "disk-full"
        maps = Path(f"/proc/{proc.pid}/maps").read_text()
        assert "onnxruntime" in maps and "libtorch" not in maps
    finally:
        proc.terminate()
        proc.wait(timeout=30)


SERVE_WITH_PRELUDE = (
    "import sys\nfrom pathlib import Path\nfrom recur.retrieval import embed\nfrom recur.cli.main import cli\n"
    "{prelude}cli.main(sys.argv[1:])\n"
)


def test_a_server_that_builds_its_own_index_never_loads_pytorch(cached_export, tmp_path, monkeypatch):
    """Found in a scale review: `recur serve` on an empty index folder, at 1,000 patterns on a bf16 CPU,
    built it on PyTorch (BULK_TEXTS texts or more) and kept torch for its life: 1.2 GB resident against
    340 MB on an index built beforehand. A process that stays up builds on ONNX Runtime, whatever the
    size. Here a new `recur serve` process, told its CPU has bf16 and that any build is a bulk one
    (BULK_TEXTS = 2), builds a small KB's index, answers, and has no torch library mapped."""
    from kbfactory import small_kb
    from procs import read_until
    from serve_util import started_on, wait_healthy

    monkeypatch.delenv("RECUR_PRECISION")  # auto: bf16 on the CPU the file below describes
    (tmp_path / "cpuinfo").write_text(BF16_CPUINFO)
    prelude = (
        f"embed.CPUINFO = Path({str(tmp_path / 'cpuinfo')!r})\nassert embed.precision() == 'bf16'\n"
        "embed.BULK_TEXTS = 2\n"  # a query (one text) is no bulk encode; the KB's views are
    )
    kb, index = small_kb(tmp_path / "kb"), tmp_path / "index"
    args = ["serve", "--kb", str(kb), "--index", str(index), "--site", str(tmp_path / "no-site"), "--model", "default"]
    args += ["--port", "0", "--host", "127.0.0.1", "--no-feedback"]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tools"))
    code = SERVE_WITH_PRELUDE.format(prelude=prelude)
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    said: list[str] = []
    try:
        base = f"http://127.0.0.1:{started_on(proc.stdout, said)}"  # a server that stops printing fails, not hangs
        read_until(proc.stdout, said, lambda line: "Ready:" in line, what="its Ready: line")  # the engine loaded
        assert "building it now" in "".join(said) and (index / "manifest.json").is_file(), "".join(said)
        assert wait_healthy(base)["patterns"] > 0
        maps = Path(f"/proc/{proc.pid}/maps").read_text()
        assert "libtorch" not in maps, "".join(said)
        assert "onnxruntime" in maps  # what runs the model instead
    finally:
        proc.kill()
        proc.wait(timeout=60)


def _first_load_env(cache: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tools"), RECUR_CACHE=str(cache), RECUR_PRECISION="fp32")
    for name in ("RECUR_ENCODER", "RECUR_MODEL"):
        env.pop(name, None)
    return env


def test_a_first_load_exports_in_a_child_and_leaves_torch_out_of_this_process(first_loads):
    """The export loaded torch and the PyTorch model into the process that then only ran the ONNX graph: a cold
    `recur serve` went on serving at ~800 MB (270 MB once warm). It runs in a child process now (util/apart.py).
    The processes are ``first_loads``': new ones, their cache empty, the file's other tests reading their export."""
    said, codes, folder, _ = first_loads
    assert codes == [0, 0], [err for _, err in said]
    assert [out.split()[:2] for out, _ in said] == [["OnnxEncoder", "False"]] * 2, said
    assert folder is not None, said  # the export, checked and cached, alone in its cache
    assert json.loads((folder / "info.json").read_text())["max_diff"] <= onnx_encoder.MAX_DIFF


def test_ctrl_c_during_the_export_exits_130_and_leaves_no_half_made_export(tmp_path):
    """A Ctrl-C that landed inside torch's ONNX export could crash the process (SIGSEGV) instead of its clean exit
    (the browser model's export did, once in ~10 CI runs: util/apart.py). The export runs in a child that
    ignores SIGINT; the command is interrupted, the child killed, and its work folder removed."""
    import signal

    from kbfactory import small_kb

    small_kb(tmp_path / "kb")
    cache = tmp_path / "cache"
    proc = subprocess.Popen(
        [sys.executable, "-m", "recur", "index", "--kb", "kb", "--index", "idx"],
        cwd=tmp_path, env=_first_load_env(cache), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # `pytest &` ignores SIGINT
    )  # fmt: skip
    # the export under way: its work folder (<id>.tmp-<pid>) is there
    while proc.poll() is None and not any(cache.glob("onnx/*.tmp-*")):
        time.sleep(0.02)  # polled, not timed: two cores are shared
    assert proc.poll() is None, proc.communicate()  # interrupted while it exports, not after
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 130 and b"Interrupted." in err and b"Traceback" not in err, err
    assert list((cache / "onnx").iterdir()) == []  # no work folder, no export
    assert not (tmp_path / "idx").exists()


def test_an_export_child_killed_leaves_the_run_on_pytorch_and_records_nothing(tiny, tmp_path):
    """Found in review: the ONNX export's child killed (SIGKILL, as the OOM killer kills) stopped the command,
    `Error: the ONNX export … stopped (killed by SIGKILL)`, exit 1. The run goes on on PyTorch, said once, and
    nothing is recorded of the model (the next run tries the export again). The child kills itself here, from a
    sitecustomize on PYTHONPATH that acts only in the export's child. A small real model (``tiny``): the run on
    PyTorch loads and encodes it in less time."""
    from kbfactory import small_kb

    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import os, signal, sys\n"
        "if len(sys.argv) > 1 and 'onnx_encoder:export_by_id' in sys.argv[1]:\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    small_kb(tmp_path / "kb")
    cache = tmp_path / "cache"
    env = dict(_first_load_env(cache), PYTHONPATH=f"{hook}{os.pathsep}{ROOT / 'tools'}")
    res = subprocess.run(
        [sys.executable, "-m", "recur", "index", "--kb", "kb", "--index", "idx", "--model", str(tiny)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    said = [line for line in res.stderr.splitlines() if "this run uses PyTorch" in line]
    assert len(said) == 1 and "stopped (killed by SIGKILL)" in said[0], res.stderr
    assert list((cache / "onnx").iterdir()) == []  # no export, no "unsupported" verdict
    assert (tmp_path / "idx" / "manifest.json").is_file()
