"""The query encoder's fast paths against sentence-transformers' own encode, on the real model."""

from pathlib import Path

import numpy as np
import pytest

from recur.retrieval import embed
from recur.util.errors import RecurError

ROOT = Path(__file__).resolve().parents[1]

TEXTS = [
    "disk full on the database host",
    "KubePodCrashLooping",
    "x",
    "After the deploy at 14:02 the checkout service started returning 502s to every customer " * 3,
]


@pytest.fixture
def precision_encoder(monkeypatch):
    """A fresh encoder around the session's PyTorch model (no shared trace), at a chosen precision."""

    def make(value):
        monkeypatch.setenv("RECUR_PRECISION", value)
        model = embed.load_torch_encoder(embed.DEFAULT).model
        return embed.SentenceTransformerEncoder.from_model(model, embed.resolve(embed.DEFAULT).model_id)

    return make


def test_fp32_batch_path_equals_sentence_transformers(precision_encoder):
    enc = precision_encoder("fp32")
    ours = enc.encode(TEXTS)
    theirs = enc.model.encode(TEXTS, convert_to_numpy=True, normalize_embeddings=True)
    assert ours.shape == (len(TEXTS), enc.dim) and ours.dtype == np.float32
    assert np.abs(ours - theirs).max() < 1e-5
    # a list longer than a batch is encoded a batch at a time, longest first, into one array
    assert np.abs(enc.encode(TEXTS, batch_size=2) - theirs).max() < 1e-5


def test_long_texts_go_in_smaller_batches_with_the_same_vectors(precision_encoder, monkeypatch):
    """A batch's memory grows with its texts x their length: 128 runbook views of 256 tokens took a cold
    `recur index` of 1,000 patterns to a 1.5 GB peak. Long texts now go a few at a time (at most
    BATCH_CHARS characters a batch, counted at its longest), short ones 128 at a time as before."""
    enc = precision_encoder("fp32")
    long = [f"step {i}: drain the node, check the pool size and restart the service " * 16 for i in range(40)]
    short = [f"disk {i} full" for i in range(60)]
    texts = [t for pair in zip(long, short) for t in pair] + short[40:]
    seen = []
    eager = enc._encode_eager
    monkeypatch.setattr(enc, "_encode_eager", lambda batch: (seen.append(list(batch)), eager(batch))[1])
    ours = enc.encode(texts, batch_size=128)
    theirs = enc.model.encode(texts, convert_to_numpy=True, normalize_embeddings=True)
    assert ours.shape == (len(texts), enc.dim) and np.abs(ours - theirs).max() < 1e-5
    assert sorted(t for batch in seen for t in batch) == sorted(texts)  # each text once
    cap = enc.model.max_seq_length * 4
    for batch in seen:
        assert len(batch) == 1 or len(batch) * min(cap, max(map(len, batch))) <= embed.BATCH_CHARS
    assert max(len(b) for b in seen if len(b[0]) > 1000) < 40 < max(len(b) for b in seen)


def test_a_bulk_encode_keeps_few_onednn_primitives_unless_the_user_set_how_many(monkeypatch):
    """oneDNN kept a primitive per shape run, and a bulk encode runs a new shape nearly every batch: a cold
    index of 1,000 patterns grew to 1.5 GB. Set before PyTorch loads for a bulk encode only."""
    import sys

    monkeypatch.delenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY", raising=False)
    monkeypatch.delitem(sys.modules, "torch", raising=False)  # as in a process that has not loaded it yet
    embed._bulk_env(10)  # a query or a few views: the default cache
    assert "ONEDNN_PRIMITIVE_CACHE_CAPACITY" not in embed.os.environ
    embed._bulk_env(embed.BULK_TEXTS)
    assert embed.os.environ["ONEDNN_PRIMITIVE_CACHE_CAPACITY"] == embed.BULK_ONEDNN_CACHE
    monkeypatch.setenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "64")
    embed._bulk_env(embed.BULK_TEXTS)
    assert embed.os.environ["ONEDNN_PRIMITIVE_CACHE_CAPACITY"] == "64"


def test_bf16_stays_within_rounding_of_fp32(precision_encoder):
    fp32 = precision_encoder("fp32").encode(TEXTS)
    bf16 = precision_encoder("bf16").encode(TEXTS)
    cosines = (fp32 * bf16).sum(axis=1)
    assert cosines.min() > 0.999
    assert np.abs(bf16 - fp32).max() > 0  # it really ran in another precision


@pytest.mark.parametrize("value", ["fp32", "bf16"])
def test_traced_query_graph_matches_eager(precision_encoder, value):
    enc = precision_encoder(value)
    eager = [enc.encode([t]) for t in TEXTS]
    assert enc.enable_traced() is True
    assert enc._traced is not None
    for text, expected in zip(TEXTS, eager):
        assert np.abs(enc.encode([text]) - expected).max() < 1e-5
    # batches (padding) never use the graph traced on one unpadded text
    assert np.abs(enc.encode(TEXTS[:2]) - np.vstack(eager[:2])).max() < 1e-5


def test_auto_precision_follows_the_cpu(monkeypatch):
    import torch

    monkeypatch.setenv("RECUR_PRECISION", "auto")
    native = torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported()
    assert embed.precision() == ("bf16" if native else "fp32")
    monkeypatch.setenv("RECUR_PRECISION", "FP32 ")
    assert embed.precision() == "fp32"


def test_unknown_precision_is_a_clean_error(monkeypatch, tmp_path):
    from click.testing import CliRunner

    from recur.cli.main import cli

    monkeypatch.setenv("RECUR_PRECISION", "half")
    monkeypatch.setattr(embed, "_CACHE", {})  # a fresh process: the encoder is loaded, not reused
    with pytest.raises(RecurError, match="RECUR_PRECISION='half': expected one of auto, fp32, bf16"):
        embed.precision()
    res = CliRunner().invoke(cli, ["suggest", "--kb", str(ROOT / "kb"), "--index", str(tmp_path / "idx"), "disk full"])
    assert res.exit_code == 1
    assert "RECUR_PRECISION='half'" in res.output and "Traceback" not in res.output


def test_a_pasted_log_is_cut_before_tokenizing_without_changing_its_vector(precision_encoder):
    enc = precision_encoder("fp32")
    log = "".join(
        f"2026-11-27T03:{i % 60:02d}:00Z ERROR db-{i % 7} write failed: ENOSPC no space left on device\n"
        for i in range(2000)
    )  # ~160 KB, far past the 256 tokens the model reads
    assert len(embed.clip(log, enc.model.max_seq_length)) < len(log) // 10
    ours = enc.encode([log])[0]
    theirs = enc.model.encode([log], convert_to_numpy=True, normalize_embeddings=True)[0]
    assert float(ours @ theirs) > 1 - 1e-6


# Each run's own stderr, at the file descriptor (what the libraries' own handlers write to as well), and
# its exit code; a crash is written into its stderr with its traceback
INDEX_RUNS = """
import json, os, sys, traceback
from recur.cli.main import main
runs, out, codes, imported = json.loads(sys.argv[1]), sys.argv[2], {}, {}
for name, args in runs.items():
    sys.stderr.flush()
    saved, fd = os.dup(2), os.open(os.path.join(out, name + ".stderr"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(fd, 2)
    sys.argv[1:] = args
    try:
        main()
        codes[name] = 0
    except SystemExit as exc:
        codes[name] = exc.code
    except BaseException:
        traceback.print_exc()
        codes[name] = "crashed"
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(fd)
        os.close(saved)
    imported[name] = "sentence_transformers" in sys.modules
print(json.dumps([codes, imported]))
"""


@pytest.fixture(scope="module")
def model_runs(tmp_path_factory) -> dict:
    """`recur index --model MODEL` on a small KB for a model that is not installed and one that is there
    but broken, as a user runs it: not in this process (the Hugging Face libraries read their cache folder
    from the environment once, when imported), and both in one new process, since importing the libraries
    is most of a run's time. The missing model's run goes first: no warning of the libraries was given
    (and so muted) before it. {run: (exit code, its stderr, whether sentence-transformers was imported
    by then)}, and the Hugging Face cache as "cache"."""
    import json
    import os
    import subprocess
    import sys

    from kbfactory import small_kb

    tmp = tmp_path_factory.mktemp("model-runs")
    kb = small_kb(tmp / "kb")
    cache = tmp / "hf-cache"
    snapshot = cache / "models--acme--broken/snapshots/0123456789abcdef0123456789abcdef01234567"
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text("{}")
    (cache / "models--acme--broken/refs").mkdir()
    (cache / "models--acme--broken/refs/main").write_text(snapshot.name)
    runs = {
        name: ["index", "--kb", str(kb), "--index", str(tmp / f"idx-{name}"), "--model", model]
        for name, model in (("missing", "nosuch-model"), ("broken", "acme/broken"))
    }
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tools"), "RECUR_ENCODER": "torch", "HF_HUB_CACHE": str(cache)}
    argv = [sys.executable, "-c", INDEX_RUNS, json.dumps(runs), str(tmp)]
    res = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    codes, imported = json.loads(res.stdout.strip().splitlines()[-1])
    return {name: (codes[name], (tmp / f"{name}.stderr").read_text(), imported[name]) for name in runs} | {
        "cache": cache
    }


def test_a_model_that_is_not_installed_is_said_plainly(model_runs):
    """Found in review: `recur index --model nosuch-model` said "We couldn't connect to
    'https://huggingface.co' to load the files, and couldn't find them in the cached files.. Recur never
    downloads models" (the library's words: no connection was tried; a double period)."""
    code, stderr, imported = model_runs["missing"]
    assert code == 1 and "Traceback" not in stderr, stderr[-2000:]
    assert not imported  # said before importing sentence-transformers (5 to 11 s) only to find it missing
    said = stderr.strip().splitlines()[-1]
    assert said == (
        f"Error: model 'nosuch-model' is not installed here: no such folder, and no model of that name in the "
        f"local Hugging Face cache ({model_runs['cache']}). Recur never downloads models: pass a "
        "sentence-transformers model folder, or 'default' (the bundled model)."
    ), said
    assert "connect" not in stderr and "huggingface.co" not in stderr


def test_a_model_that_is_there_but_does_not_load_says_why_once(model_runs):
    """A model the cache holds (or a folder) that the library cannot load keeps the library's reason,
    ended by one period, not two; it is not called "not installed"."""
    code, stderr, imported = model_runs["broken"]
    said = stderr.strip().splitlines()[-1]
    assert code == 1 and said.startswith("Error: cannot load model 'acme/broken': "), stderr[-2000:]
    assert "`model_type`" in said and ".." not in said and "not installed" not in said, said
    assert said.endswith(
        "Recur never downloads models: pass a sentence-transformers model folder, or 'default' (the bundled model)."
    )


def _hub_copy(cache: Path, repo: str, *, modules_only: bool = False) -> None:
    """The bundled model as the Hugging Face cache stores a hub model (refs/main naming a snapshot); with
    ``modules_only``, its transformer in a subfolder: modules.json and no config.json at the top."""
    import json

    src = Path(embed.resolve(embed.DEFAULT).path)
    snapshot = cache / f"models--{repo.replace('/', '--')}" / "snapshots" / ("0123456789abcdef" * 3)[:40]
    inner = snapshot / "0_Transformer" if modules_only else snapshot
    inner.mkdir(parents=True)
    for f in src.rglob("*"):
        if not f.is_file() or (modules_only and f.relative_to(src).as_posix() == "modules.json"):
            continue
        moved = modules_only and f.parent == src and f.name != "config_sentence_transformers.json"
        target = (inner if moved else snapshot) / f.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(f)
    if modules_only:
        modules = json.loads((src / "modules.json").read_text())
        modules[0]["path"] = "0_Transformer"
        (snapshot / "modules.json").write_text(json.dumps(modules))
    (snapshot.parent.parent / "refs").mkdir()
    (snapshot.parent.parent / "refs" / "main").write_text(snapshot.name)


def test_a_hub_model_under_sentence_transformers_home_is_found_and_loads(tmp_path, monkeypatch):
    """sentence-transformers reads a hub name from SENTENCE_TRANSFORMERS_HOME when it is set, and a model
    may keep its transformer's config.json in a subfolder (modules.json names it): the check that refuses
    a missing model before the libraries load (recur serve's, and recur index's) found neither there, and
    refused a model that loads."""
    home = tmp_path / "st-home"
    _hub_copy(home, "acme/mini", modules_only=True)
    monkeypatch.setenv("SENTENCE_TRANSFORMERS_HOME", str(home))
    bundled = embed.load_torch_encoder(embed.DEFAULT)  # what the hub copy was copied from, on PyTorch as it is
    spec = embed.check_model("acme/mini")
    try:
        enc = embed.load_torch_encoder(spec)
        assert enc.dim == bundled.dim
        assert float(enc.encode(["disk full"])[0] @ bundled.encode(["disk full"])[0]) > 0.999
    finally:
        embed.forget(spec.model_id)
    monkeypatch.delenv("SENTENCE_TRANSFORMERS_HOME")
    with pytest.raises(RecurError, match="'acme/mini' is not installed here"):
        embed.check_model("acme/mini")


def test_looking_for_a_hub_model_leaves_the_libraries_offline(tmp_path):
    """huggingface_hub reads HF_HUB_OFFLINE once, when imported: `recur serve` imported it to look for its
    model before Recur set it, and the model's load afterwards was free to download."""
    import os
    import subprocess
    import sys

    code = (
        "from recur.retrieval.embed import check_model\n"
        "try:\n    check_model('acme/nosuch')\nexcept Exception as exc:\n    print(type(exc).__name__)\n"
        "from huggingface_hub import constants\n"
        "print(constants.is_offline_mode())\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.endswith("_OFFLINE")}
    env.update(PYTHONPATH=str(ROOT / "tools"), HF_HUB_CACHE=str(tmp_path))
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert res.stdout.split() == ["RecurError", "True"], res.stderr[-2000:]
