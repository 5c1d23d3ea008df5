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
def precision_encoder(real_encoder, monkeypatch):
    """A fresh encoder around the session's model (no shared trace), at a chosen precision."""

    def make(value):
        monkeypatch.setenv("RECUR_PRECISION", value)
        model = embed.load_torch_encoder(embed.DEFAULT).model
        return embed.SentenceTransformerEncoder.from_model(model, real_encoder.model_id)

    return make


def test_fp32_batch_path_equals_sentence_transformers(precision_encoder):
    enc = precision_encoder("fp32")
    ours = enc.encode(TEXTS)
    theirs = enc.model.encode(TEXTS, convert_to_numpy=True, normalize_embeddings=True)
    assert ours.shape == (len(TEXTS), enc.dim) and ours.dtype == np.float32
    assert np.abs(ours - theirs).max() < 1e-5
    # a list longer than a batch goes through sentence-transformers' encode itself
    assert np.abs(enc.encode(TEXTS, batch_size=2) - theirs).max() < 1e-5


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


def _index_with_model(tmp_path, model: str, env=None):
    """`recur index --model MODEL` on a small KB, as a user runs it (its own process: the Hugging Face
    libraries read their cache folder from the environment once, when imported)."""
    import os
    import subprocess
    import sys

    from kbfactory import small_kb

    kb = small_kb(tmp_path / "kb")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tools"), "RECUR_ENCODER": "torch", **(env or {})}
    argv = [sys.executable, "-m", "recur", "index", "--kb", kb, "--index", tmp_path / "idx", "--model", model]
    return subprocess.run([str(a) for a in argv], capture_output=True, text=True, env=env, timeout=300)


def test_a_model_that_is_not_installed_is_said_plainly(tmp_path):
    """Found in review: `recur index --model nosuch-model` said "We couldn't connect to
    'https://huggingface.co' to load the files, and couldn't find them in the cached files.. Recur never
    downloads models" (the library's words: no connection was tried; a double period)."""
    cache = tmp_path / "hf-cache"
    cache.mkdir()
    res = _index_with_model(tmp_path, "nosuch-model", {"HF_HUB_CACHE": str(cache)})
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr[-2000:]
    said = res.stderr.strip().splitlines()[-1]
    assert said == (
        f"Error: model 'nosuch-model' is not installed here: no such folder, and no model of that name in the "
        f"local Hugging Face cache ({cache}). Recur never downloads models: pass a sentence-transformers model "
        "folder, or 'default' (the bundled model)."
    ), said
    assert "connect" not in res.stderr and "huggingface.co" not in res.stderr


def test_a_model_that_is_there_but_does_not_load_says_why_once(tmp_path):
    """A model the cache holds (or a folder) that the library cannot load keeps the library's reason,
    ended by one period, not two; it is not called "not installed"."""
    cache = tmp_path / "hf-cache"
    snapshot = cache / "models--acme--broken/snapshots/0123456789abcdef0123456789abcdef01234567"
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text("{}")
    (cache / "models--acme--broken/refs").mkdir()
    (cache / "models--acme--broken/refs/main").write_text(snapshot.name)
    res = _index_with_model(tmp_path, "acme/broken", {"HF_HUB_CACHE": str(cache)})
    said = res.stderr.strip().splitlines()[-1]
    assert res.returncode == 1 and said.startswith("Error: cannot load model 'acme/broken': "), res.stderr[-2000:]
    assert "`model_type`" in said and ".." not in said and "not installed" not in said, said
    assert said.endswith(
        "Recur never downloads models: pass a sentence-transformers model folder, or 'default' (the bundled model)."
    )
