"""The index: incremental, atomic, and refusing vectors from another model or format."""

import json

import numpy as np
import pytest
from kbfactory import pattern_text, write

from recur.kb.loader import load_kb
from recur.retrieval import embed
from recur.retrieval import index as index_mod
from recur.retrieval.engine import Engine, ensure_index
from recur.util.errors import RecurError

FAKE = "fake:64"


def build(kb_dir, idx, model=FAKE):
    return index_mod.build(load_kb(kb_dir), idx, embed.load_encoder(model), progress=False)


def test_manifest_records_model_dimension_count_and_hashes(kb_dir, tmp_path):
    idx = tmp_path / "index"
    stats = build(kb_dir, idx)
    m = json.loads((idx / "manifest.json").read_text())
    assert m["model"] == "fake-hash-64" and m["dimension"] == 64
    assert m["count"] == 3 == stats.patterns  # the retired pattern is not indexed
    assert set(m["hashes"]) == {"db-pool-exhausted", "disk-full", "dns-failure"}
    assert m["format"] == index_mod.FORMAT and m["tool_version"]
    assert (idx / "vectors.npy").is_file() and (idx / "bm25").is_dir()


def test_only_changed_patterns_are_re_embedded(kb_dir, tmp_path):
    idx = tmp_path / "index"
    first = build(kb_dir, idx)
    assert (first.embedded, first.reused) == (3, 0)
    again = build(kb_dir, idx)
    assert (again.embedded, again.reused) == (0, 3)
    path = kb_dir / "patterns/capacity/disk-full.md"
    path.write_text(path.read_text().replace("writes fail", "writes fail with EIO"))
    write(kb_dir, "patterns/network/new-one.md", pattern_text("new-one", "network"))
    third = build(kb_dir, idx)
    assert (third.embedded, third.reused) == (2, 2)
    (kb_dir / "patterns/network/new-one.md").unlink()
    fourth = build(kb_dir, idx)
    assert (fourth.embedded, fourth.reused, fourth.removed) == (0, 3, 1)


def test_runbook_edit_updates_docs_without_re_embedding(kb_dir, tmp_path):
    idx = tmp_path / "index"
    build(kb_dir, idx)
    path = kb_dir / "patterns/capacity/disk-full.md"
    path.write_text(path.read_text().replace("look for restarts", "look for evictions"))
    stats = build(kb_dir, idx)
    assert stats.embedded == 0
    docs = json.loads((idx / "docs.json").read_text())
    assert "evictions" in docs["disk-full"]["runbook"][0]


class Exploding(embed.FakeEncoder):
    def encode(self, texts, batch_size=64, progress=False):
        raise KeyboardInterrupt  # Ctrl-C in the middle of embedding


class Batches(embed.FakeEncoder):
    """The fake encoder, keeping the texts of each encode() call."""

    def __init__(self, dim):
        super().__init__(dim)
        self.calls = []

    def encode(self, texts, batch_size=64, progress=False):
        self.calls.append(list(texts))
        return super().encode(texts, batch_size=batch_size, progress=progress)


def test_a_build_that_tells_its_progress_encodes_shortest_first_and_keeps_each_vector_with_its_view(
    kb_dir, tmp_path, monkeypatch
):
    """A server's first build encodes a batch at a time to say how far it is. In the KB's order a batch
    of short titles was padded to a long runbook's length (the starter KB: 47 s of CPU, 12 s for
    `recur index`); the texts go shortest first, and every vector still lands on its own view."""
    monkeypatch.setattr(index_mod, "ENCODE_BATCH", 4)  # several batches from the small KB
    told, enc = [], Batches(64)
    index_mod.build(load_kb(kb_dir), tmp_path / "told", enc, progress=lambda done, total: told.append((done, total)))
    build(kb_dir, tmp_path / "plain")
    assert len(enc.calls) > 2 and all(len(batch) <= 4 for batch in enc.calls)
    lengths = [len(text) for batch in enc.calls for text in batch]
    assert lengths == sorted(lengths) and lengths[0] < lengths[-1]
    total = len(lengths)
    assert told == [*((done, total) for done in range(0, total, 4)), (total, total)]
    told_vecs, told_views = index_mod.load_vectors(tmp_path / "told", index_mod.read_manifest(tmp_path / "told"))
    plain_vecs, plain_views = index_mod.load_vectors(tmp_path / "plain", index_mod.read_manifest(tmp_path / "plain"))
    assert told_views == plain_views and np.array_equal(told_vecs, plain_vecs)


def test_interrupted_build_leaves_previous_index_intact(kb_dir, tmp_path):
    idx = tmp_path / "index"
    build(kb_dir, idx)
    before = (idx / "manifest.json").read_text()
    path = kb_dir / "patterns/capacity/disk-full.md"
    path.write_text(path.read_text().replace("writes fail", "writes fail badly"))
    with pytest.raises(KeyboardInterrupt):
        index_mod.build(load_kb(kb_dir), idx, Exploding(64), progress=False)
    assert (idx / "manifest.json").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index", "kb"]  # no temp folder left behind
    index_mod.load(idx, expect_model="fake-hash-64")


def test_refuses_index_of_another_model(kb_dir, tmp_path):
    idx = tmp_path / "index"
    build(kb_dir, idx, "fake:64")
    with pytest.raises(RecurError, match="built with model 'fake-hash-64', not 'fake-hash-32'"):
        Engine(kb_dir, idx, "fake:32")


def test_local_model_folders_differing_only_in_weights_are_different_models(tmp_path):
    # two fine-tunes of one base: same names, sizes and config, different weights
    ids = []
    for n, weight in enumerate((b"\x00" * 64, b"\x01" * 64)):
        m = tmp_path / str(n) / "model"
        m.mkdir(parents=True)
        (m / "config.json").write_text('{"model_type": "bert"}')
        (m / "modules.json").write_text("[]")
        (m / "model.safetensors").write_bytes(weight)
        ids.append(embed.resolve(str(m)).model_id)
    assert ids[0] != ids[1] and all(i.startswith("local:model:") for i in ids)
    assert embed.resolve(str(tmp_path / "0" / "model")).model_id == ids[0]  # stable


def test_refuses_older_format(kb_dir, tmp_path):
    idx = tmp_path / "index"
    build(kb_dir, idx)
    _set_in_manifest(idx, "format", 0)
    with pytest.raises(RecurError, match="format 0.*rebuild it with: recur index --kb .* --rebuild$"):
        index_mod.load(idx)


def test_stale_index_is_updated_and_model_change_rebuilds(kb_dir, tmp_path):
    idx = tmp_path / "index"
    assert ensure_index(kb_dir, idx, FAKE, quiet=True).embedded == 3
    assert ensure_index(kb_dir, idx, FAKE, quiet=True) is None  # fresh: nothing to do
    stats = ensure_index(kb_dir, idx, "fake:32", quiet=True)
    assert stats.model_changed and stats.embedded == 3


def test_interrupted_swap_is_recovered(kb_dir, tmp_path):
    idx = tmp_path / "index"
    build(kb_dir, idx)
    idx.rename(tmp_path / "index.old")  # as if killed between the two renames
    loaded = index_mod.load(idx)
    assert loaded.manifest["count"] == 3 and idx.is_dir()


# A process that swaps folders in (or builds the index) while another reads: `recur index` beside
# `recur serve`'s reload watcher or a `recur suggest`, two `recur index` at once.
_SWAPPER = """
import json, sys
from pathlib import Path
from recur.util.files import swap_folder
final, failed = Path(sys.argv[1]), 0
for i in range(int(sys.argv[2])):
    tmp = final.with_name(f"{final.name}.tmp-{sys.argv[3]}-{i}")
    tmp.mkdir()
    (tmp / "manifest.json").write_text(json.dumps({"i": i}))
    try:
        swap_folder(tmp, final)
    except OSError as exc:
        failed += 1
        print(exc, file=sys.stderr)
print(failed)
"""


def _python(code, *args, **kw):
    import subprocess
    import sys

    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], text=True, **kw)


def test_a_folder_swap_never_leaves_the_index_missing_for_a_reader_or_a_second_writer(tmp_path):
    """A reader that found no index folder mid-swap used to rename the previous one back (_recover),
    and the writer's second rename then failed: `recur index` said "cannot write the index there:
    Directory not empty" while `recur serve` polled the manifest. Two writers collided the same way."""
    import subprocess

    final = tmp_path / "index"
    final.mkdir()
    (final / "manifest.json").write_text("{}")
    swappers = [_python(_SWAPPER, final, 1500, n, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for n in range(2)]
    missing = 0
    while any(s.poll() is None for s in swappers):  # read as recur serve's watcher does, all along
        missing += index_mod.read_manifest(final) is None
    outputs = [s.communicate() for s in swappers]
    assert [out.strip() for out, _ in outputs] == ["0", "0"], [err[-500:] for _, err in outputs]
    assert missing == 0 and json.loads((final / "manifest.json").read_text())["i"] == 1499
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]  # every previous folder removed


_REBUILDER = """
import sys
from recur.kb.loader import load_kb
from recur.retrieval import embed, index
kbs, enc = [load_kb(sys.argv[1]), load_kb(sys.argv[2])], embed.load_encoder("fake:64")
for i in range(int(sys.argv[4])):
    index.build(kbs[i % 2], sys.argv[3], enc, progress=False)
"""


def test_loading_while_the_index_is_rebuilt_never_mixes_two_builds(kb_dir, tmp_path):
    """`recur suggest` (or serve's reload) reading while `recur index` swapped a rebuild in got the
    manifest of one build and the vectors or docs of the next: "the index is inconsistent; rebuild
    it", and a rebuild was exactly what had just happened. Builds alternate between 3 and 4 patterns."""
    import shutil

    other = tmp_path / "kb-plus"
    shutil.copytree(kb_dir, other)
    write(other, "patterns/network/new-one.md", pattern_text("new-one", "network"))
    idx = tmp_path / "index"
    build(kb_dir, idx)
    rebuilder = _python(_REBUILDER, kb_dir, other, idx, 60)
    loads = 0
    while rebuilder.poll() is None:
        try:
            loaded = index_mod.load(idx)
        except RecurError as exc:
            # a read that found a new build on each of its tries says so ("try again"), never mixes
            # two: with the rebuilder in a tight loop on a busy core (make test's two workers) it happens
            if "times while it was read; try again" not in str(exc):
                raise
            continue
        loads += 1
        assert {v["pattern"] for v in loaded.views} == set(loaded.ids) == set(loaded.manifest["hashes"])
        assert len(loaded.vectors) == len(loaded.views) == loaded.manifest["views"]
    assert rebuilder.returncode == 0 and loads


def test_a_temp_folder_left_by_a_killed_run_is_removed_by_the_next_and_a_live_ones_is_kept(kb_dir, tmp_path):
    """`recur index` killed with SIGKILL while writing left `index.tmp-<pid>` (a copy of the whole
    index) for ever; only the folder of the run's own pid was cleared. Now every run clears those of
    processes that are gone, as `recur tune` does, and leaves a running build's alone."""
    import subprocess
    import sys

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)
    live = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        for pid in (dead_pid, live.pid):
            left = tmp_path / f"index.tmp-{pid}"
            left.mkdir()
            np.save(left / "vectors.npy", np.zeros((1000, 64), np.float32))
        build(kb_dir, tmp_path / "index")
        assert not (tmp_path / f"index.tmp-{dead_pid}").exists()
        assert (tmp_path / f"index.tmp-{live.pid}" / "vectors.npy").is_file()
    finally:
        live.communicate(b"")


def test_docs_carry_root_cause_and_look_alikes(kb_dir, tmp_path):
    """Format 3: a pattern's doc (GET /api/patterns/{id}, MCP get_pattern) is the whole pattern."""
    from recur.retrieval.lookalikes import FLOOR, look_alikes

    idx = tmp_path / "index"
    build(kb_dir, idx)
    loaded = index_mod.load(idx)
    doc = loaded.docs["db-pool-exhausted"]
    assert doc["root_cause"] == "The mechanism." and doc["detection"] == "" and doc["permanent_fix"] == ""
    assert doc["references"] == "" and doc["sections"] == {}
    assert doc["look_alikes"] == look_alikes(loaded, top=3)["db-pool-exhausted"]
    # the fake encoder's neighbours are far (cosine near 0): under lookalikes.FLOOR, none is a look-alike
    near = look_alikes(loaded, top=3, floor=None)["db-pool-exhausted"]
    assert {a["id"] for a in near} == {"disk-full", "dns-failure"}
    assert doc["look_alikes"] == [a for a in near if a["similarity"] >= FLOOR]


def test_a_format_2_index_is_updated_reusing_its_vectors(kb_dir, tmp_path):
    idx = tmp_path / "index"
    build(kb_dir, idx)
    _set_in_manifest(idx, "format", 2)
    stats = ensure_index(kb_dir, idx, FAKE, quiet=True)
    assert (stats.embedded, stats.reused) == (0, 3)
    assert index_mod.read_manifest(idx)["format"] == index_mod.FORMAT


def test_an_update_whose_views_did_not_change_never_loads_the_model(kb_dir, tmp_path, monkeypatch):
    idx = tmp_path / "index"
    ensure_index(kb_dir, idx, FAKE, quiet=True)
    path = kb_dir / "patterns/capacity/disk-full.md"
    path.write_text(path.read_text().replace("look for restarts", "look for evictions"))  # docs only

    def refuse(spec, texts=1):
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(embed, "load_encoder", refuse)
    stats = ensure_index(kb_dir, idx, FAKE, quiet=True)
    assert (stats.embedded, stats.reused) == (0, 3)
    m = index_mod.read_manifest(idx)
    assert m["dimension"] == 64 and m["precision"] == "fp32"
    path.write_text(path.read_text().replace("writes fail", "writes fail with EIO"))  # a view changed
    with pytest.raises(AssertionError, match="the model was loaded"):
        ensure_index(kb_dir, idx, FAKE, quiet=True)


class DefaultLookalike(embed.FakeEncoder):
    """Fake vectors under the bundled model's id, so `recur index` in a subprocess reuses them."""

    def __init__(self):
        super().__init__(384)
        self.model_id = embed.resolve(embed.DEFAULT).model_id


def test_recur_index_with_nothing_to_embed_does_not_import_torch(kb_dir, tmp_path):
    import subprocess
    import sys

    idx = tmp_path / "index"
    index_mod.build(load_kb(kb_dir), idx, DefaultLookalike(), progress=False)
    path = kb_dir / "patterns/capacity/disk-full.md"
    path.write_text(path.read_text().replace("look for restarts", "look for evictions"))
    res = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "recur",
            "index",
            "--kb",
            str(kb_dir),
            "--index",
            str(idx),
            "--model",
            "default",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    assert "0 embedded, 3 unchanged" in res.stderr
    imported = {line.split("|")[-1].strip().split(".")[0] for line in res.stderr.splitlines() if "|" in line}
    assert "recur" in imported and not imported & {"torch", "transformers", "sentence_transformers"}


class Recording(embed.FakeEncoder):
    def __init__(self):
        super().__init__(64)
        self.seen = []

    def encode(self, texts, batch_size=64, progress=False):
        self.seen += texts
        return super().encode(texts, batch_size, progress)


def test_a_text_shared_by_several_views_is_encoded_once(kb_dir, tmp_path):
    write(
        kb_dir,
        "patterns/network/dns-again.md",
        pattern_text("dns-again", "network", title="DNS resolution failure", symptoms=("SERVFAIL from resolvers",)),
    )
    enc = Recording()
    index_mod.build(load_kb(kb_dir), tmp_path / "index", enc, progress=False)
    loaded = index_mod.load(tmp_path / "index")
    texts = [v["text"] for v in loaded.views]
    assert len(texts) > len(set(texts)) and sorted(enc.seen) == sorted(set(texts))
    again = embed.FakeEncoder(64).encode(texts)
    assert abs(loaded.vectors - again).max() < 1e-6  # every view still has its own text's vector


def test_a_model_folders_id_is_cached_until_one_of_its_files_changes(tmp_path, monkeypatch):
    import hashlib
    import os

    monkeypatch.setenv("RECUR_CACHE", str(tmp_path / "cache"))
    m = tmp_path / "model"
    m.mkdir()
    (m / "config.json").write_text('{"model_type": "bert"}')
    (m / "model.safetensors").write_bytes(b"\x00" * 64)
    first = embed.resolve(str(m)).model_id
    assert (tmp_path / "cache" / "model-ids.json").is_file()
    hashed = []
    real = hashlib.file_digest
    monkeypatch.setattr(hashlib, "file_digest", lambda fh, name: hashed.append(fh.name) or real(fh, name))
    assert embed.resolve(str(m)).model_id == first and hashed == []  # from the cache: no file read
    weights = m / "model.safetensors"
    weights.write_bytes(b"\x01" * 64)  # same name and size, new weights
    # a second later, as a rewrite in another clock tick is: rewritten within the first write's tick (4 ms on
    # a kernel with coarse file times, 1 s or 2 s on some file systems) the file reads as unchanged
    os.utime(weights, ns=(weights.stat().st_atime_ns, weights.stat().st_mtime_ns + 1_000_000_000))
    second = embed.resolve(str(m)).model_id
    assert second != first and hashed
    (tmp_path / "cache" / "model-ids.json").write_text("not json")  # a damaged cache only costs a hash
    assert embed.resolve(str(m)).model_id == second


@pytest.mark.parametrize(
    "name, content",
    [
        ("docs.json", "[]"),
        ("docs.json", "{}"),
        ("views.json", '[{"pattern": 1}]'),
        ("vocab.json", "[1]"),
        ("manifest.json", "[]"),
        ("bm25/params.index.json", "{}"),
        ("bm25/vocab.index.json", "[1]"),
    ],
)
def test_a_damaged_index_file_that_is_still_json_is_an_error_and_recur_index_rebuilds_it(
    kb_dir, tmp_path, name, content
):
    """Found by QA: valid JSON of the wrong shape gave AttributeError/KeyError/TypeError
    tracebacks, and `recur index` called the index up to date."""
    from click.testing import CliRunner

    from recur.cli.main import cli

    idx = tmp_path / "index"
    ensure_index(kb_dir, idx, FAKE, quiet=True)
    (idx / name).write_text(content)
    with pytest.raises(RecurError, match="no index|damaged|inconsistent"):
        Engine(kb_dir, idx, FAKE).ranked("disk full")
    res = CliRunner().invoke(cli, ["index", "--kb", str(kb_dir), "--index", str(idx), "--model", FAKE])
    assert res.exit_code == 0, res.output
    assert "up to date" not in res.output and "Indexed 3 patterns" in res.output
    assert [r["id"] for r in Engine(kb_dir, idx, FAKE).ranked("disk full", top=3)]


def test_a_deleted_bm25_folder_is_damaged_and_recur_index_rebuilds_it(kb_dir, tmp_path):
    """Found by QA: with bm25/ gone the index loaded as if it had no lexical part, so `recur suggest`
    searched by meaning alone (exit 0, exact signals missed) and `recur index` called it up to date."""
    import shutil

    from click.testing import CliRunner

    from recur.cli.main import cli

    idx = tmp_path / "index"
    ensure_index(kb_dir, idx, FAKE, quiet=True)
    shutil.rmtree(idx / "bm25")
    with pytest.raises(RecurError, match="damaged .*bm25/ folder is missing"):
        Engine(kb_dir, idx, FAKE)
    res = CliRunner().invoke(cli, ["index", "--kb", str(kb_dir), "--index", str(idx), "--model", FAKE])
    assert res.exit_code == 0 and "Indexed 3 patterns" in res.output, res.output
    assert (idx / "bm25").is_dir() and Engine(kb_dir, idx, FAKE).searcher.index.bm25 is not None


def _set_in_manifest(idx, key, value):
    """The index's manifest with ``key`` set to ``value``: an older format, or a spoilt field."""
    manifest = json.loads((idx / "manifest.json").read_text())
    manifest[key] = value
    (idx / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    "spoil",
    [
        lambda idx: _set_in_manifest(idx, "hashes", 5),
        lambda idx: _set_in_manifest(idx, "hashes", {"disk-full": ["x"]}),
        lambda idx: _set_in_manifest(idx, "dimension", "x"),
        lambda idx: (idx / "views.json").write_text(json.dumps(["x"] * 20)),
        lambda idx: (idx / "views.json").write_text(json.dumps([{"pattern": ["x"], "kind": "doc", "text": "t"}])),
        lambda idx: np.save(idx / "vectors.npy", np.zeros(20, dtype=np.float32)),
        lambda idx: np.save(idx / "vectors.npy", np.zeros((20, 8), dtype=np.float32)),
    ],
    ids=[
        "hashes-a-number",
        "hash-a-list",
        "dimension-text",
        "views-strings",
        "view-pattern-list",
        "vectors-1d",
        "vectors-8d",
    ],
)
def test_an_update_over_a_damaged_index_embeds_again_instead_of_crashing(kb_dir, tmp_path, spoil):
    """Found by QA: after a KB edit, `recur index` (and the update a `recur suggest` runs) reused
    vectors from the previous index without checking it: AttributeError/TypeError/IndexError
    tracebacks, or 8-wide vectors written under a manifest that says 64 (exit 0, and then every
    search 'inconsistent')."""
    idx = tmp_path / "index"
    build(kb_dir, idx)
    spoil(idx)
    path = kb_dir / "patterns/capacity/disk-full.md"
    path.write_text(path.read_text().replace("writes fail", "writes fail with EIO"))
    stats = build(kb_dir, idx)
    assert stats.patterns == 3 and stats.reused == 0
    assert Engine(kb_dir, idx, FAKE).ranked("disk full", top=1)[0]["id"]


def test_a_reload_onto_another_model_lets_the_old_one_go(kb_dir, tmp_path):
    """A server picks up every `recur tune` (the KB's active model changes and the index is rebuilt
    with it); each model it had loaded stayed in the per-process cache (~90 MB a model)."""
    import gc
    import weakref

    # models no other test loads: the per-process cache shares an encoder with whatever else holds one (a
    # module's engine in an earlier test file kept fake:64 alive, and this test failed after it)
    idx = tmp_path / "index"
    build(kb_dir, idx, "fake:61")
    engine = Engine(kb_dir, idx, "fake:61")
    old = weakref.ref(engine.searcher.encoder)
    build(kb_dir, idx, "fake:37")
    engine.model = "fake:37"  # what a tune's activation does to a server's model=None (active_model)
    assert engine.reload_if_changed()
    gc.collect()
    assert old() is None and engine.searcher.encoder.model_id == "fake-hash-37"
    assert engine.ranked("disk full")[0]["id"]


@pytest.mark.parametrize("content", ["[]", '"tuned"', "{}", "{not json", '{"model_id": "x"'])
def test_a_damaged_tuned_model_manifest_is_a_clean_error(tmp_path, content):
    """--model DIR whose recur-model.json is JSON but not an object was a TypeError traceback."""
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "recur-model.json").write_text(content)
    with pytest.raises(RecurError, match="recur-model.json: not a valid tuned-model manifest"):
        embed.resolve(str(folder))


@pytest.mark.parametrize("model_id", [42, 1.5, ["tuned:x"], {"id": "tuned:x"}, None, True, "", "  "])
def test_a_tuned_model_manifest_whose_model_id_is_not_text_is_refused(kb_dir, tmp_path, monkeypatch, model_id):
    """recur-model.json's model_id names the model in every index built with it. A number, a list or
    null was made text ("42", "['tuned:x']", "None") and accepted; an empty one turned off the check
    that an index was built by the model searching it. Refused, naming the file and the field, by
    --model DIR and for the KB's own tuned model (RECUR_TUNED) at the command line."""
    from click.testing import CliRunner

    from recur.cli.main import cli

    folder = tmp_path / "model"
    folder.mkdir()
    manifest = folder / "recur-model.json"
    manifest.write_text(json.dumps({"model_id": model_id, "kb": str(kb_dir.resolve())}))
    said = (
        f"{manifest}: not a valid tuned-model manifest ('model_id' must be non-empty text, not {json.dumps(model_id)})"
    )
    with pytest.raises(RecurError) as err:
        embed.resolve(str(folder))
    assert str(err.value) == said
    monkeypatch.setenv("RECUR_TUNED", str(folder))
    res = CliRunner().invoke(cli, ["suggest", "--kb", str(kb_dir), "--index", str(tmp_path / "idx"), "disk full"])
    assert res.exit_code == 1 and "Traceback" not in res.output, res.output
    assert res.output == f"Error: {said}\n"


@pytest.mark.parametrize("kb", [42, 1.5, ["kb"], {"path": "kb"}, None, True, "", "  "])
def test_a_tuned_model_manifest_whose_kb_is_not_text_is_refused(kb_dir, tmp_path, monkeypatch, kb):
    """recur-model.json's kb says which KB finds the model (index, suggest, serve, tune --report).
    A number, a list or a mapping was a TypeError traceback from os.stat; null, "" and true passed
    as "another KB's", so the KB's own model could be passed over in silence. Refused like a damaged
    model_id, naming the file and the field, by each command that looks for the KB's model; with
    --model the tuned model is not used, and `recur index` only notes it after indexing."""
    from click.testing import CliRunner

    from recur.cli.main import cli

    folder = tmp_path / "model"
    folder.mkdir()
    manifest = folder / "recur-model.json"
    manifest.write_text(json.dumps({"model_id": "tuned:x", "kb": kb}))
    said = f"{manifest}: not a valid tuned-model manifest ('kb' must be non-empty text, not {json.dumps(kb)})"
    monkeypatch.setenv("RECUR_TUNED", str(folder))
    common = ["--kb", str(kb_dir), "--index", str(tmp_path / "idx")]
    for args in (["suggest", *common, "disk full"], ["index", *common], ["tune", "--kb", str(kb_dir), "--report"]):
        res = CliRunner().invoke(cli, args)
        assert res.exit_code == 1 and "Traceback" not in res.output, (args, res.output)
        assert res.output == f"Error: {said}\n", (args, res.output)
    res = CliRunner().invoke(cli, ["index", *common, "--model", "fake:32"])  # the re-tune advice reads it
    assert res.exit_code == 0 and f"note: {said}\n" in res.output, res.output


def test_an_interrupted_rebuild_leaves_the_previous_index_in_place(kb_dir, tmp_path, monkeypatch):
    """Found in review: `recur index --rebuild` deleted the index before building the new one, so
    Ctrl-C left none (and a search meanwhile started a second full build)."""
    idx = tmp_path / "index"
    ensure_index(kb_dir, idx, FAKE, quiet=True)
    before = (idx / "manifest.json").read_text()
    monkeypatch.setattr(embed.FakeEncoder, "encode", Exploding.encode)
    with pytest.raises(KeyboardInterrupt):
        ensure_index(kb_dir, idx, FAKE, rebuild=True, quiet=True)
    assert (idx / "manifest.json").read_text() == before
    index_mod.load(idx, expect_model="fake-hash-64")


def test_a_file_edited_while_the_kb_is_indexed_leaves_the_index_stale_not_wrong(kb_dir, tmp_path):
    """Found in review: the manifest recorded the KB's files as they were at the end of the build,
    so an edit made while it embedded was in the signature but not in the index, which then said
    'up to date' for good. The signature is now taken before the KB is read."""
    idx = tmp_path / "index"
    kb = load_kb(kb_dir)
    path = kb_dir / "patterns/capacity/disk-full.md"
    path.write_text(path.read_text().replace("writes fail", "writes fail with XYZZY"))  # during the build
    index_mod.build(kb, idx, embed.load_encoder(FAKE), progress=False)
    assert not index_mod.is_fresh(idx, kb_dir)
    assert ensure_index(kb_dir, idx, FAKE, quiet=True).embedded == 1
    assert "XYZZY" in json.dumps([v["text"] for v in index_mod.load(idx).views])


def test_a_severity_framework_change_makes_the_index_stale(kb_dir, tmp_path):
    """Found in review: a pattern left out for an unknown severity stayed out of the index after the
    level was added to severity.yml ('up to date'); the framework decides what loads."""
    idx = tmp_path / "index"
    path = kb_dir / "patterns/capacity/disk-full.md"
    path.write_text(path.read_text().replace("severity: sev2", "severity: sev5"))
    ensure_index(kb_dir, idx, FAKE, quiet=True)
    assert "disk-full" not in index_mod.read_manifest(idx)["ids"]
    with (kb_dir / "severity.yml").open("a") as fh:
        fh.write("  sev5: {name: Trivial, review: none}\n")
    assert load_kb(kb_dir).patterns.get("disk-full") is not None
    assert ensure_index(kb_dir, idx, FAKE, quiet=True) is not None
    assert "disk-full" in index_mod.read_manifest(idx)["ids"]


def test_an_index_a_newer_recur_wrote_is_refused_not_written_over(kb_dir, tmp_path, capsys, printed_logs):
    idx = tmp_path / "index"
    ensure_index(kb_dir, idx, FAKE, quiet=True)
    m = json.loads((idx / "manifest.json").read_text())
    (idx / "manifest.json").write_text(json.dumps({**m, "format": index_mod.FORMAT + 1}))
    for call in (lambda: ensure_index(kb_dir, idx, FAKE), lambda: Engine.open(kb_dir, idx, FAKE)):
        with pytest.raises(RecurError, match=f"format {index_mod.FORMAT + 1}, written by a newer recur"):
            call()
    assert json.loads((idx / "manifest.json").read_text())["format"] == index_mod.FORMAT + 1
    assert ensure_index(kb_dir, idx, FAKE, rebuild=True, quiet=True).embedded == 3  # asked for: replaced
    (idx / "manifest.json").write_text(json.dumps({**m, "format": 2}))
    Engine.open(kb_dir, idx, FAKE)
    assert f"has format 2; this recur writes {index_mod.FORMAT}: updating it" in capsys.readouterr().err


def test_an_index_given_without_its_kb_answers_as_built(kb_dir, tmp_path, capsys, printed_logs):
    """recur serve and recur mcp start with an index and no KB folder (a deployment that ships the
    index), but loading it then failed: 'knowledge base folder not found'. It answers as built."""
    idx = tmp_path / "index"
    ensure_index(kb_dir, idx, FAKE, quiet=True)
    engine = Engine.open(tmp_path / "no-kb", idx, FAKE)
    assert engine.answer("No space left on device", top=1).results[0]["id"] == "disk-full"
    assert "no knowledge base at" in capsys.readouterr().err


def test_the_kbs_file_signature_leaves_out_hidden_and_vanished_files(kb_dir):
    """Found by the concurrency test on a fresh clone: load_kb stat-walks the KB, and another writer's
    temporary file (.INC-….md.<hex>.tmp) listed by the walk was renamed away before its stat: a
    FileNotFoundError out of `recur new incident`. Hidden files are no records; gone ones are skipped."""
    from recur.kb.loader import files_signature

    folder = kb_dir / "incidents/2026"
    (folder / ".INC-2026-0009.md.0123abcd.tmp").write_text("being written")
    (folder / "INC-2026-0010.md").symlink_to(folder / "gone.md")  # a name whose file is not there
    sig = files_signature(kb_dir)
    assert "incidents/2026/INC-2026-0001.md" in sig and "severity.yml" in sig
    assert not [k for k in sig if "/." in k or k.endswith("INC-2026-0010.md")]


def test_a_vectors_file_of_random_bytes_is_damaged_without_numpys_advice_to_unpickle_it(kb_dir, tmp_path):
    """Found in review: numpy's message for a bad .npy ends "If you trust the file you can load it
    unsafely using the allow_pickle= keyword argument or pickle.load()", and it reached /healthz and
    the server's log as part of what to do. Only the rebuild is advised."""
    import os

    idx = tmp_path / "index"
    ensure_index(kb_dir, idx, FAKE, quiet=True)
    (idx / "vectors.npy").write_bytes(os.urandom(4000))
    with pytest.raises(RecurError) as err:
        Engine(kb_dir, idx, FAKE).ranked("disk full")
    message = str(err.value)
    assert "is damaged" in message and message.endswith(f"--index {idx} --model {FAKE} --rebuild"), message
    assert "pickle" not in message.split("damaged", 1)[1], message  # "contains pickled data" was untrue too
    assert "vectors.npy is not the file it was built with" in message  # its digest, checked first
    manifest = json.loads((idx / "manifest.json").read_text())
    del manifest["digests"]  # an index written before there were digests: numpy's reading, in our words
    (idx / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(RecurError) as err:
        Engine(kb_dir, idx, FAKE)
    assert "vectors.npy is not a saved array of vectors" in str(err.value)
    assert "pickle" not in str(err.value).split("damaged", 1)[1]


def _two_builds(kb_dir, tmp_path):
    """(index folder, a copy of the next build of it): one pattern's symptom reworded, so the views and
    vectors differ while their shapes do not (a file of one build beside the other's reads as whole)."""
    idx, nxt = tmp_path / "index", tmp_path / "next"
    build(kb_dir, idx)
    path = kb_dir / "patterns" / "capacity" / "disk-full.md"
    path.write_text(path.read_text().replace("writes fail", "writes are refused", 1))
    build(kb_dir, nxt)
    assert len(json.loads((idx / "views.json").read_text())) == len(json.loads((nxt / "views.json").read_text()))
    assert (idx / "views.json").read_bytes() != (nxt / "views.json").read_bytes()
    return idx, nxt


def test_the_manifest_records_a_digest_of_every_other_index_file(kb_dir, tmp_path):
    idx = tmp_path / "index"
    build(kb_dir, idx)
    digests = json.loads((idx / "manifest.json").read_text())["digests"]
    on_disk = sorted(p.relative_to(idx).as_posix() for p in idx.rglob("*") if p.is_file())
    assert sorted(digests) == [name for name in on_disk if name != "manifest.json"]
    assert {"vectors.npy", "views.json", "docs.json", "vocab.json"} <= digests.keys()
    assert any(name.startswith("bm25/") for name in digests)
    import hashlib

    assert digests["views.json"] == hashlib.sha256((idx / "views.json").read_bytes()).hexdigest()
    assert index_mod.load(idx).manifest["digests"] == digests


@pytest.mark.parametrize("copied", [["manifest.json"], ["manifest.json", "docs.json", "bm25"]])
def test_an_index_copied_in_part_is_refused_not_searched(kb_dir, tmp_path, copied):
    """An rsync of a rebuilt index over the served one, still running: the next build's manifest (and
    more) beside this build's vectors and views. Their shapes agree, so it loaded and searched the old
    vectors under the new build's id and documents; the digests refuse it, naming the copy."""
    import shutil

    idx, nxt = _two_builds(kb_dir, tmp_path)
    for name in copied:
        if (nxt / name).is_dir():
            shutil.rmtree(idx / name)
            shutil.copytree(nxt / name, idx / name)
        else:
            shutil.copy2(nxt / name, idx / name)
    with pytest.raises(index_mod.IndexProblem) as err:
        index_mod.load(idx)
    message = str(err.value)
    assert "is damaged or incomplete (" in message and "is not the file it was built with" in message, message
    assert "a copy of it still running, or cut short?" in message and "finish the copy, or rebuild it" in message
    shutil.copytree(nxt, idx, dirs_exist_ok=True)  # the copy finishes: the next build, whole
    assert index_mod.load(idx).build_id == json.loads((nxt / "manifest.json").read_text())["build_id"]


def test_an_update_of_an_index_copied_in_part_reuses_none_of_its_vectors(kb_dir, tmp_path):
    """The next build's manifest beside this build's vectors and views (a copy cut short; tests/conftest.py's
    real_engine starts from a copy of the checkout's index): an update reused the vectors the views file lists
    under the hashes the manifest lists, disk-full's old vectors as its reworded symptom's, and wrote them into a
    whole index that loads and searches. The digests refuse it as a cache: every pattern is embedded again."""
    import shutil

    idx, nxt = _two_builds(kb_dir, tmp_path)
    shutil.copy2(nxt / "manifest.json", idx / "manifest.json")
    stats = build(kb_dir, idx)
    assert (stats.embedded, stats.reused) == (3, 0)
    np.testing.assert_array_equal(np.load(idx / "vectors.npy"), np.load(nxt / "vectors.npy"))
    assert (idx / "views.json").read_bytes() == (nxt / "views.json").read_bytes()


def test_a_truncated_or_missing_index_file_is_refused_as_incomplete(kb_dir, tmp_path):
    idx = tmp_path / "index"
    build(kb_dir, idx)
    whole = (idx / "docs.json").read_bytes()
    (idx / "docs.json").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(index_mod.IndexProblem, match=r"damaged or incomplete \(docs.json is not the file"):
        index_mod.load(idx)
    (idx / "docs.json").unlink()
    with pytest.raises(index_mod.IndexProblem, match=r"damaged or incomplete \(docs.json is missing;"):
        index_mod.load(idx)
    (idx / "docs.json").write_bytes(whole)
    assert index_mod.load(idx).docs


def test_an_index_written_before_digests_loads_as_before(kb_dir, tmp_path):
    """No ``digests`` in its manifest (an index of an earlier recur, same format): loaded, not refused;
    a ``digests`` that is not a table of names to digests is a damaged manifest."""
    idx = tmp_path / "index"
    build(kb_dir, idx)
    manifest = json.loads((idx / "manifest.json").read_text())
    del manifest["digests"]
    (idx / "manifest.json").write_text(json.dumps(manifest))
    assert sorted(index_mod.load(idx).docs) == ["db-pool-exhausted", "disk-full", "dns-failure"]
    for spoilt in (["x"], {"views.json": 5}, {"../outside": "0" * 64}):
        (idx / "manifest.json").write_text(json.dumps({**manifest, "digests": spoilt}))
        with pytest.raises(index_mod.IndexProblem, match="inconsistent"):
            index_mod.load(idx)


def _served_and_another_kb(kb_dir, tmp_path) -> tuple:
    """An index built for ``kb_dir`` and the engine serving it, and another KB (a copy without disk-full) that a
    second command may rebuild that index for."""
    import shutil

    idx = tmp_path / "index"
    build(kb_dir, idx)
    engine = Engine(kb_dir, idx, FAKE)
    other = tmp_path / "kb2"
    shutil.copytree(kb_dir, other)
    (other / "patterns/capacity/disk-full.md").unlink()
    return idx, engine, other


def test_a_server_does_not_reload_an_index_another_kb_took(kb_dir, tmp_path):
    """Two KBs given one --index: `recur suggest --kb kb2` rebuilt it for kb2, said "the knowledge base
    changed", and the server of kb reloaded it and answered from kb2 (a pattern gone from its answers)."""
    from recur.serve.runtime import EngineHolder

    idx, engine, other = _served_and_another_kb(kb_dir, tmp_path)
    manifest = index_mod.read_manifest(idx)
    reason = index_mod.stale_reason(manifest, idx, other)
    assert f"was built for the knowledge base at {kb_dir.resolve()}, not {other.resolve()}" in reason
    assert "changed" not in reason
    build(other, idx)
    with pytest.raises(RecurError, match="built for the knowledge base at .*kb2, not"):
        engine.reload_if_changed()
    holder = EngineHolder(lambda: engine)
    holder.engine = engine  # as after its first load
    assert holder.check_reload() is False and "kb2" in holder.reload_error
    assert "disk-full" in engine.docs and engine.ranked("disk full", top=1)[0]["id"] == "disk-full"
    build(kb_dir, idx)  # rebuilt for its own KB: reloaded as before
    assert holder.check_reload() and holder.reload_error is None and "disk-full" in engine.docs


def test_sighup_tries_a_refused_index_again_though_its_files_look_as_they_did(kb_dir, tmp_path, capsys):
    """check_reload(force=True), what SIGHUP runs: a rebuilt index refused stays refused while the index folder's
    files keep their stamps (util.stamp), the watcher reading nothing; what made it refusable may be fixed
    elsewhere (here: the served KB brought to the files the index was built from), and SIGHUP tries it again."""
    from recur.serve.runtime import EngineHolder

    idx, engine, other = _served_and_another_kb(kb_dir, tmp_path)
    build(other, idx)
    holder = EngineHolder(lambda: engine)
    holder.engine = engine  # as after its first load
    assert holder.check_reload() is False and "kb2" in holder.reload_error
    (kb_dir / "patterns/capacity/disk-full.md").unlink()  # the served KB now holds kb2's files: the index is its own
    assert holder.check_reload() is False and "kb2" in holder.reload_error  # nothing in the index folder changed
    assert holder.check_reload(force=True) and holder.reload_error is None and "disk-full" not in engine.docs


def test_recur_index_strict_fails_and_keeps_the_index_when_a_pattern_would_be_left_out(kb_dir, tmp_path):
    """Found in an operator's review: one character wrong in a pattern's YAML, pushed in a pull
    request, took the pattern out of every answer: `recur index` warned but exited 0, and the server
    served one pattern fewer. With --strict it fails naming the file and its error, and writes
    nothing: the index keeps the pattern as it was. Without --strict, as before."""
    from click.testing import CliRunner

    from recur.cli.main import cli

    idx = tmp_path / "index"
    args = ["index", "--kb", str(kb_dir), "--index", str(idx), "--model", FAKE]
    assert CliRunner().invoke(cli, [*args, "--strict"]).exit_code == 0  # nothing left out: builds
    before = (idx / "manifest.json").read_bytes()
    path = kb_dir / "patterns/capacity/disk-full.md"
    path.write_text(path.read_text().replace("severity: sev2", "severity: [sev2"))  # the typo
    res = CliRunner().invoke(cli, [*args, "--strict"])
    assert res.exit_code == 1, res.output
    assert "index not built (--strict): 1 pattern file with errors would not be searched" in res.output
    assert "disk-full.md:" in res.output and f"the index at {idx} is left as it was" in res.output
    assert (idx / "manifest.json").read_bytes() == before
    assert "disk-full" in index_mod.read_manifest(idx)["ids"]
    res = CliRunner().invoke(cli, args)  # without --strict: built without it, with the warning
    assert res.exit_code == 0 and "1 pattern file with errors is not searched" in res.output
    assert "disk-full" not in index_mod.read_manifest(idx)["ids"]
    res = CliRunner().invoke(cli, [*args, "--strict"])  # up to date, but still leaving it out: fails
    assert res.exit_code == 1 and "would not be searched" in res.output, res.output


def _rebuild_as_said(message: str, cwd) -> None:
    """Run the `recur index ...` a message ends with, as a user would paste it, from ``cwd``."""
    import os
    import shlex

    from click.testing import CliRunner

    from recur.cli.main import cli

    words = shlex.split(message.rsplit("rebuild it with: ", 1)[1])
    assert words[:2] == ["recur", "index"], message
    here = os.getcwd()
    os.chdir(cwd)
    try:
        res = CliRunner().invoke(cli, words[1:])
    finally:
        os.chdir(here)
    assert res.exit_code == 0, res.output


def test_an_index_error_names_the_index_and_kb_its_rebuild_command_is_for(kb_dir, tmp_path, monkeypatch):
    """Found in review: an index given with --index and built for another model said "rebuild it with:
    recur index", and a damaged one "recur index --rebuild": both rebuild .recur/index of ./kb, not the
    broken one, and the error stayed. The command names --index, --kb when not the default, and the
    --model of the run; run as said, it mends the index."""
    monkeypatch.delenv("RECUR_KB", raising=False)
    monkeypatch.delenv("RECUR_INDEX", raising=False)
    monkeypatch.delenv("RECUR_MODEL", raising=False)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    idx = tmp_path / "x"
    build(kb_dir, idx, "fake:64")
    monkeypatch.chdir(tmp_path)  # kb_dir is ./kb: the default KB, so no --kb
    with pytest.raises(RecurError) as err:
        Engine(kb_dir, idx, "fake:32")
    # the folder as given (absolute here), not made relative to the working directory (found in review)
    assert str(err.value).endswith(f"rebuild it with: recur index --index {idx} --model fake:32"), err.value
    _rebuild_as_said(str(err.value), tmp_path)
    Engine(kb_dir, idx, "fake:32")  # mended

    (idx / "vectors.npy").unlink()
    monkeypatch.chdir(elsewhere)  # kb_dir is not ./kb from here: named
    with pytest.raises(RecurError) as err:
        Engine(kb_dir, idx, "fake:32")
    assert str(err.value).endswith(
        f"rebuild it with: recur index --kb {kb_dir} --index {idx} --model fake:32 --rebuild"
    )
    _rebuild_as_said(str(err.value), elsewhere)
    Engine(kb_dir, idx, "fake:32")

    # without the run's KB and model (the site's bundle, recur tune): the KB the index was built for
    (idx / "vectors.npy").unlink()
    with pytest.raises(RecurError) as err:
        index_mod.load(idx)
    assert str(err.value).endswith(f"rebuild it with: recur index --kb {kb_dir} --index {idx} --rebuild"), err.value


def test_docs_carry_references_and_the_authors_own_sections(kb_dir, tmp_path):
    """Format 5: GET /api/patterns/{id} and MCP get_pattern gave neither ## References nor a team's
    own sections, which the pattern's page shows (found in a review against the KB format)."""
    path = kb_dir / "patterns/capacity/disk-full.md"
    path.write_text(
        path.read_text()
        + "\n## Escalation\nPage #storage after 15 minutes.\n\n## References\n- [Postmortem](https://wiki/pm-1)\n"
        + "\n## Dashboards\n\n"
    )
    idx = tmp_path / "index"
    build(kb_dir, idx)
    doc = index_mod.load(idx).docs["disk-full"]
    assert doc["references"] == "- [Postmortem](https://wiki/pm-1)"
    assert doc["sections"] == {"Escalation": "Page #storage after 15 minutes."}  # an empty one is left out


def test_a_pattern_file_that_is_a_dangling_link_is_left_out_and_named(kb_dir, tmp_path):
    """Found in an operator's review: `ln -s /nonexistent kb/patterns/data/dangling.md` failed `recur
    check`, but `recur index --strict` exited 0 and left_out (so /healthz and
    recur_index_patterns_left_out) did not name it: its path, resolved, is outside the KB."""
    from click.testing import CliRunner

    from recur.cli.main import cli

    (kb_dir / "patterns" / "data").mkdir(exist_ok=True)
    (kb_dir / "patterns" / "data" / "dangling.md").symlink_to(tmp_path / "nonexistent.md")
    idx = tmp_path / "index"
    args = ["index", "--kb", str(kb_dir), "--index", str(idx), "--model", FAKE]
    res = CliRunner().invoke(cli, [*args, "--strict"])
    assert res.exit_code == 1 and "dangling.md" in res.output and not idx.exists(), res.output
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    assert index_mod.read_manifest(idx)["left_out"] == ["patterns/data/dangling.md"]


def test_recur_index_quiet_keeps_the_warning_of_files_left_out_and_an_up_to_date_index_repeats_it(kb_dir, tmp_path):
    """Found in a CLI review: with a pattern file left out for an error, `recur index -q` printed nothing and
    exited 0 (a cron job's log kept no trace that disk-full was unsearchable), and every later run, -q or not,
    said only "Index … is up to date.". -q keeps warnings, as `check -q` and `site -q` do; an up-to-date index
    that leaves files out says so on every run."""
    from click.testing import CliRunner

    from recur.cli.main import cli

    path = kb_dir / "patterns/capacity/disk-full.md"
    path.write_text(path.read_text().replace("severity: sev2", "severity: sev9"))
    args = ["index", "--kb", str(kb_dir), "--index", str(tmp_path / "index"), "--model", FAKE]
    said = "warning: 1 pattern file with errors is not searched: patterns/capacity/disk-full.md (run: recur check)"
    for extra in (["-q"], ["-q"], []):  # built quietly; up to date quietly; up to date
        res = CliRunner().invoke(cli, [*args, *extra])
        assert res.exit_code == 0, res.output
        assert res.stderr.count(said) == 1 and res.stdout == "", res.output
    assert res.stderr.splitlines()[-1].startswith(f"Index {tmp_path / 'index'} is up to date")


def test_recur_index_names_the_model_the_index_is_built_with(kb_dir, tmp_path):
    """Found in review: neither `recur index` nor `recur suggest` named the model, so after a rollback or a
    re-tune which model answers was left to be guessed. The summary line names it; -q stays quiet."""
    from click.testing import CliRunner

    from recur.cli.main import cli
    from recur.retrieval import embed

    model_id = embed.resolve(FAKE).model_id
    args = ["index", "--kb", str(kb_dir), "--index", str(tmp_path / "index"), "--model", FAKE]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    assert res.stderr.splitlines()[-1].startswith(f"Indexed 3 patterns into {tmp_path / 'index'} (model {model_id}): ")
    res = CliRunner().invoke(cli, args)
    assert res.stderr.splitlines()[-1] == f"Index {tmp_path / 'index'} is up to date (model {model_id}).", res.output
    assert CliRunner().invoke(cli, [*args, "-q"]).output == ""
