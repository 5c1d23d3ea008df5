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
