"""An index of another format than this recur's: converted where it can be, and where it cannot (a read-only
deployment, an index shipped without its KB, one a newer recur wrote) one error saying what will work."""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner
from kbfactory import write_pattern

from recur.cli.main import cli
from recur.kb.loader import load_kb
from recur.retrieval import embed
from recur.retrieval import index as index_mod
from recur.retrieval.engine import Engine
from recur.util.errors import RecurError
from recur.util.files import file_sha256
from recur.util.text import tokens

FAKE = "fake:64"


def build(kb_dir, idx):
    return index_mod.build(load_kb(kb_dir), idx, embed.load_encoder(FAKE), progress=False)


def make_format_4(idx):
    """The index as a format-4 recur wrote it: its docs without what format 5 added (``references`` and
    ``sections``), their digest recorded anew, and the manifest saying format 4."""
    docs = json.loads((idx / "docs.json").read_text())
    for doc in docs.values():
        doc.pop("references", None)
        doc.pop("sections", None)
    (idx / "docs.json").write_text(json.dumps(docs))
    manifest = json.loads((idx / "manifest.json").read_text())
    manifest["format"] = 4
    manifest["digests"]["docs.json"] = file_sha256(idx / "docs.json")
    (idx / "manifest.json").write_text(json.dumps(manifest))


def set_format(idx, fmt, **also):
    """The index's manifest as an older recur's: its format, and ``also`` (a ``build_id`` a running server sees change)."""
    manifest = json.loads((idx / "manifest.json").read_text())
    manifest.update(format=fmt, **also)
    (idx / "manifest.json").write_text(json.dumps(manifest))


def recur(*args):
    return CliRunner().invoke(cli, [*args, "--model", FAKE])


def test_a_format_4_index_that_cannot_be_rewritten_is_one_error_not_a_promised_fallback(kb_dir, tmp_path):
    """Found in review (a format-4 index on a read-only mount): suggest said it was "answering from the index
    built ...", then failed with "rebuild it with: recur index --rebuild", which cannot work there either.
    The write fails for real: a file sits where the converted index would be staged (tests run as root, which
    file modes do not stop)."""
    idx = tmp_path / "index"
    build(kb_dir, idx)
    make_format_4(idx)
    (tmp_path / f"index.tmp-{os.getpid()}").write_text("in the way")
    res = recur("suggest", "--kb", str(kb_dir), "--index", str(idx), "No space left on device")
    assert res.exit_code == 1, res.output
    assert "answering from" not in res.output and "--rebuild" not in res.output
    assert f"the index at {idx} has format 4, and this recur reads only format {index_mod.FORMAT}" in res.output
    assert "cannot write the index there" in res.output and "recur index --kb KB --index DIR" in res.output
    assert index_mod.read_manifest(idx)["format"] == 4  # left as it was


def test_a_format_4_index_that_cannot_be_rewritten_is_not_announced_as_updating(kb_dir, tmp_path):
    """Found in review: in a folder recur cannot write, "has format 4; this recur writes 5: updating it."
    came first, then the error saying it cannot be updated. Checked before it is said now: the write would
    fail for real (a file sits where the converted index would be staged; tests run as root, which file
    modes do not stop), for `recur suggest` and for `recur index` alike."""
    idx = tmp_path / "index"
    build(kb_dir, idx)
    make_format_4(idx)
    (tmp_path / f"index.tmp-{os.getpid()}").write_text("in the way")
    for args in (["suggest", "No space left on device"], ["index"]):
        res = recur(*args, "--kb", str(kb_dir), "--index", str(idx))
        assert res.exit_code == 1, res.output
        assert "updating it" not in res.output
        assert "cannot write the index there" in res.output and "is a file, not a folder" in res.output
    assert index_mod.read_manifest(idx)["format"] == 4  # left as it was


def _on_a_read_only_mount(folder, *args) -> subprocess.CompletedProcess:
    """`recur ARGS` in a process that sees ``folder`` bind-mounted read-only (a mount namespace of its own:
    nothing else sees the mount, and it ends with the process); the test is skipped where that is refused."""
    unshare = shutil.which("unshare")
    where = shlex.quote(str(folder))
    mount = f"mount --bind {where} {where} && mount -o remount,bind,ro {where} {where}"
    probe = subprocess.run([unshare or "unshare", "-m", "sh", "-c", mount], capture_output=True) if unshare else None
    if probe is None or probe.returncode:
        pytest.skip("a read-only bind mount in a mount namespace is not allowed here (unshare -m, mount)")
    run = 'exec "$0" -m recur "$@"'
    command = [unshare, "-m", "sh", "-c", f"{mount} && {run}", sys.executable, *args, "--model", FAKE]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def test_a_format_4_index_on_a_read_only_mount_is_the_error_alone(kb_dir, tmp_path):
    """The deployment that was found: a format-4 index on a read-only mount, which the root running the tests
    can write through file modes but not through the mount (os.access says so)."""
    ro = tmp_path / "ro"
    idx = ro / "index"
    build(kb_dir, idx)
    make_format_4(idx)
    res = _on_a_read_only_mount(ro, "suggest", "--kb", str(kb_dir), "--index", str(idx), "No space left on device")
    assert res.returncode == 1, res.stderr
    assert "updating it" not in res.stderr and "Traceback" not in res.stderr
    assert "cannot write the index there: Read-only file system" in res.stderr
    assert f"has format 4, and this recur reads only format {index_mod.FORMAT}" in res.stderr


def test_a_format_4_index_without_its_kb_is_one_error_naming_the_missing_kb(kb_dir, tmp_path, capsys, printed_logs):
    """Found in review (`recur serve --kb /nonexistent --index idx` on a format-4 index): "answering from
    the index as it was built", then an error advising a rebuild from the KB recorded at build time."""
    idx = tmp_path / "index"
    build(kb_dir, idx)
    gone = tmp_path / "nokb"
    Engine.open(gone, idx, FAKE)  # this format: answered from as built, as before
    assert "answering from the index" in capsys.readouterr().err
    make_format_4(idx)
    with pytest.raises(RecurError) as err:
        Engine.open(gone, idx, FAKE)
    said = str(err.value)
    assert f"has format 4, and this recur reads only format {index_mod.FORMAT}" in said
    assert f"the knowledge base at {gone} is not there to update it from" in said and "--rebuild" not in said
    assert "answering from" not in capsys.readouterr().err


def test_an_index_a_newer_recur_wrote_says_upgrade_not_rebuild(kb_dir, tmp_path):
    """A rollback or a rolling deploy: "rebuild it with: recur index --rebuild" would write it back to the
    older format, and the two versions would take turns converting it."""
    idx = tmp_path / "index"
    build(kb_dir, idx)
    set_format(idx, index_mod.FORMAT + 1)
    with pytest.raises(RecurError, match="written by a newer recur .*upgrade recur") as err:
        index_mod.load(idx)
    assert "rebuild it with" not in str(err.value)
    with pytest.raises(RecurError, match="written by a newer recur"):
        Engine.open(tmp_path / "nokb", idx, FAKE)  # shipped without its KB: the same words


def test_a_server_told_of_an_index_a_newer_recur_rebuilt_says_to_restart_on_it(kb_dir, tmp_path):
    from recur.serve.runtime import EngineHolder

    idx = tmp_path / "index"
    build(kb_dir, idx)
    engine = Engine(kb_dir, idx, FAKE)
    holder = EngineHolder(lambda: engine)
    holder.engine = engine  # as after its first load
    build(kb_dir, idx)  # a newer recur's build: another build id, its format
    set_format(idx, index_mod.FORMAT + 1)
    assert holder.check_reload() is False
    assert "restart the server on the newer recur" in holder.reload_error
    assert "rebuild it with" not in holder.reload_error
    assert engine.ranked("disk full", top=1)[0]["id"] == "disk-full"  # the loaded index keeps answering


def test_recur_index_says_it_converts_an_older_format(kb_dir, tmp_path):
    """`recur index` converted a format-4 index saying only "Indexed 3 patterns ... 3 unchanged"."""
    idx = tmp_path / "index"
    build(kb_dir, idx)
    make_format_4(idx)
    res = recur("index", "--kb", str(kb_dir), "--index", str(idx))
    assert res.exit_code == 0, res.output
    assert f"The index at {idx} has format 4; this recur writes {index_mod.FORMAT}: updating it." in res.output
    assert "3 unchanged" in res.output and index_mod.read_manifest(idx)["format"] == index_mod.FORMAT
    assert "has format" not in recur("index", "--kb", str(kb_dir), "--index", str(idx)).output  # converted once


def _blocked(idx):
    """The index at ``idx`` made unwritable for this process: a file where its build would be staged (tests
    run as root, which file modes do not stop)."""
    (idx.parent / f"{idx.name}.tmp-{os.getpid()}").write_text("in the way")


def test_a_build_that_cannot_be_written_is_not_announced_first(kb_dir, tmp_path):
    """Found in the upgrade review: "No index at X: building it now." (`recur suggest`), "cannot be read (its
    manifest.json is damaged): building it again." and `recur index`'s "... is damaged or incomplete (...):
    rebuilding it" were each said, then the error that the folder cannot be written. The error alone now."""
    none, damaged, incomplete = tmp_path / "none", tmp_path / "damaged", tmp_path / "incomplete"
    for idx in (damaged, incomplete):
        build(kb_dir, idx)
    (damaged / "manifest.json").write_text("{damaged")
    (incomplete / "docs.json").write_text("{damaged")
    runs = [(none, "suggest", "building it now"), (damaged, "suggest", "building it again")]
    for idx, command, announced in [*runs, (incomplete, "index", "rebuilding it")]:
        _blocked(idx)
        args = [command, "--kb", str(kb_dir), "--index", str(idx)] + (["disk full"] if command == "suggest" else [])
        res = recur(*args)
        assert res.exit_code == 1, res.output
        assert res.output.startswith("Error: ") and "cannot write the index there" in res.output, res.output
        assert announced not in res.output
    assert not none.exists() and index_mod.read_manifest(damaged) is None


def test_a_first_build_in_a_read_only_folder_is_the_error_alone(kb_dir, tmp_path):
    """The deployment of the review: no index yet, its folder on a read-only mount."""
    ro = tmp_path / "ro"
    ro.mkdir()
    res = _on_a_read_only_mount(ro, "suggest", "--kb", str(kb_dir), "--index", str(ro / "index"), "disk full")
    assert res.returncode == 1, res.stderr
    assert res.stderr.startswith("Error: ") and "Traceback" not in res.stderr, res.stderr
    assert "cannot write the index there: Read-only file system" in res.stderr and "building it" not in res.stderr


def test_no_kb_is_said_before_an_index_is_announced_as_rebuilt_for_it(kb_dir, tmp_path):
    """`recur suggest --kb` naming a folder with no patterns/ (a KB repository's root), its index built for
    another KB: "rebuilding it for this one" came first, then "not a knowledge base"."""
    idx = tmp_path / "index"
    build(kb_dir, idx)
    res = recur("suggest", "--kb", str(tmp_path), "--index", str(idx), "disk full")
    assert res.exit_code == 1, res.output
    assert res.output.startswith(f"Error: {tmp_path}: not a knowledge base"), res.output
    assert "rebuilding it" not in res.output


def _newer(kb_dir, tmp_path):
    idx = tmp_path / "index"
    build(kb_dir, idx)
    set_format(idx, index_mod.FORMAT + 1)
    return idx


def test_an_index_a_newer_recur_wrote_gets_one_advice_everywhere(kb_dir, tmp_path, browser_runtime):
    """Found in the upgrade review: "upgrade recur; or replace it with: recur index --rebuild", whose second
    half writes the folder a newer recur uses back to the older format. One advice now, on every command:
    upgrade; meanwhile an index of its own; a rebuild in place only once no newer recur uses it. The exit code
    is 1, as before, and the index is left as it was."""
    idx = _newer(kb_dir, tmp_path)
    newer = index_mod.FORMAT + 1
    advice = (
        f"the index at {idx} has format {newer}, written by a newer recur (this one reads format "
        f"{index_mod.FORMAT}): upgrade recur to use it. To use this recur while a newer one uses that index, "
        f"give this one an index of its own: recur index --kb {kb_dir} --index DIR --model {FAKE}; only once no "
        f"newer recur uses it (a rollback), rebuild it in format {index_mod.FORMAT}: "
        f"recur index --kb {kb_dir} --index {idx} --model {FAKE} --rebuild"
    )
    for args in (["suggest", "disk full"], ["index"]):
        res = recur(*args, "--kb", str(kb_dir), "--index", str(idx))
        assert res.exit_code == 1 and res.output == f"Error: {advice}\n", res.output
    site = CliRunner().invoke(
        cli, ["site", "--kb", str(kb_dir), "--index", str(idx), "--out", str(tmp_path / "site"), "--browser-search"]
    )
    assert site.exit_code == 0, site.output
    said = [line for line in site.output.splitlines() if "newer recur" in line]
    assert len(said) == 1 and "upgrade recur to use it" in said[0] and "or replace it with" not in said[0], said
    assert index_mod.read_manifest(idx)["format"] == newer


def test_recur_index_rebuild_says_it_takes_a_newer_recurs_index_back(kb_dir, tmp_path):
    """`recur index --rebuild` on a newer recur's index does what it is asked, but said "has format 6; this
    recur writes 5: updating it", as of an older index brought forward."""
    idx = _newer(kb_dir, tmp_path)
    res = recur("index", "--kb", str(kb_dir), "--index", str(idx), "--rebuild")
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0] == (
        f"The index at {idx} has format {index_mod.FORMAT + 1}, written by a newer recur: rebuilding it in this "
        f"recur's format {index_mod.FORMAT} (--rebuild); a newer recur that uses it will convert it back."
    )
    assert index_mod.read_manifest(idx)["format"] == index_mod.FORMAT


@pytest.mark.parametrize("case", ["no index, folder not writable", "a newer recur's index"])
def test_a_server_refuses_at_start_what_its_load_would_refuse(kb_dir, tmp_path, case):
    """Found in the upgrade review: `recur serve` said it was up and loading, then "No index at X: building it
    now.", then the error that X cannot be written, and exited; so with a newer recur's index. Refused before
    the start-up line now, as `recur mcp` does, with the same words."""
    if case == "a newer recur's index":
        idx, words = _newer(kb_dir, tmp_path), "upgrade recur to use it"
    else:
        (tmp_path / "a-file").write_text("")
        idx, words = tmp_path / "a-file" / "index", "cannot write the index there: "
    flags = ["--kb", str(kb_dir), "--index", str(idx), "--model", FAKE]
    runs = {
        "serve": [*flags, "--port", "0", "--site", str(tmp_path / "no-site"), "--feedback", str(tmp_path / "f.jsonl")],
        "mcp": flags,
    }
    for name, args in runs.items():
        command = [sys.executable, "-m", "recur", name, *args]
        r = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
        assert r.returncode == 1, (name, r.stderr)
        # serve's log says it at ERROR (applog), mcp as every command does
        said = {"serve": r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ERROR recur\.serve: ", "mcp": "Error: "}[name]
        assert re.match(said, r.stderr) and words in r.stderr, (name, r.stderr)
        assert "Recur on http" not in r.stderr and "building it" not in r.stderr, (name, r.stderr)


def test_the_newer_index_advice_names_the_runs_model(kb_dir, tmp_path):
    """Found in the change's re-read: the advice's "recur index --index DIR" left out the run's --model on every
    path but the engine's load (recur index, a server's start-up check), so the index of its own was built with
    another model and then refused as that model's."""
    from recur.retrieval.engine import check_open

    idx = _newer(kb_dir, tmp_path)
    res = recur("index", "--kb", str(kb_dir), "--index", str(idx))  # recur() gives --model FAKE
    assert res.exit_code == 1, res.output
    assert f"--index DIR --model {FAKE};" in res.output and f"--index {idx} --model {FAKE} --rebuild" in res.output
    with pytest.raises(index_mod.NewerIndex) as err:
        check_open(kb_dir, idx, "fake:32")
    assert "--index DIR --model fake:32;" in str(err.value)


# -- format 5 -> 6: the KB's text without its HTML comments, BM25 without hex fragments --------------------------
COMMENTED_SUMMARY = "A filesystem runs out of bytes <!-- ask storage --> and writes fail."
COMMENTED_STEP = "Run `df -h` <!-- check this --> on the host."
# what util.text's word split made of a hex literal before it blanked them (fix-hexdraft): "0x" and fragments
OLD_HEX_TOKENS = ["0x", "7ffde", "2a", "1c", "3b"]


def commented_kb(kb_dir):
    """The small KB with an HTML comment in disk-full's summary (embedded: a view) and in its runbook step
    (shown: docs.json), and a hex literal in its signals."""
    write_pattern(
        kb_dir,
        "disk-full",
        title="Disk full on a host",
        symptoms=("writes fail", "no space left on device"),
        signals=("No space left on device", "ENOSPC", "fault at 0x7ffde2a1c3b0"),
        related=("db-pool-exhausted",),
        summary=COMMENTED_SUMMARY,
        runbook=(COMMENTED_STEP,),
    )
    return kb_dir


def make_format_5(kb_dir, idx):
    """The index as format 5 wrote it for ``commented_kb`` (measured on the code before fix-render and fix-hexdraft):
    the comments in docs.json's runbook and summary and in the views' texts, those views embedded with them (and
    the pattern's content hash of them), and BM25 holding the hex literal's fragments; digests recorded anew."""
    import bm25s

    build(kb_dir, idx)
    docs = json.loads((idx / "docs.json").read_text())
    doc = docs["disk-full"]
    plain_summary = COMMENTED_SUMMARY.replace(" <!-- ask storage -->", "")
    doc["runbook"] = [COMMENTED_STEP]
    doc["summary"] = COMMENTED_SUMMARY
    (idx / "docs.json").write_text(json.dumps(docs))
    views = json.loads((idx / "views.json").read_text())
    for view in views:
        view["text"] = view["text"].replace(plain_summary, COMMENTED_SUMMARY)
    (idx / "views.json").write_text(json.dumps(views))
    rows = [i for i, v in enumerate(views) if v["pattern"] == "disk-full"]
    assert any("<!--" in views[i]["text"] for i in rows)
    vectors = np.load(idx / "vectors.npy")
    vectors[rows] = embed.load_encoder(FAKE).encode([views[i]["text"] for i in rows])
    np.save(idx / "vectors.npy", vectors)
    manifest = json.loads((idx / "manifest.json").read_text())
    old_views = [(views[i]["kind"], views[i]["text"]) for i in rows]
    manifest["hashes"]["disk-full"] = index_mod.content_hash(manifest["model"], old_views)
    kb = load_kb(kb_dir)
    corpus = [tokens(index_mod.lexical_text(kb.patterns[pid], kb)) for pid in manifest["ids"]]
    corpus[manifest["ids"].index("disk-full")] += OLD_HEX_TOKENS
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    shutil.rmtree(idx / "bm25")
    retriever.save(str(idx / "bm25"))
    manifest["format"] = 5
    manifest["digests"] = index_mod.file_digests(idx)
    (idx / "manifest.json").write_text(json.dumps(manifest))
    return vectors, views


def test_a_format_5_index_is_converted_and_loses_the_kbs_comments(kb_dir, tmp_path):
    """A format-5 index was up to date until a KB file changed, so `recur suggest` went on printing
    "1. Run `df -h` <!-- check this --> on the host." after the loader stopped reading comments, and its BM25
    kept a hex literal's fragments. Format 6 converts it at the next command: the step without its comment,
    the pattern whose summary had one embedded again from the text without it (never its vectors reused),
    the others' vectors reused, no hex fragment in BM25."""
    commented_kb(kb_dir)
    idx = tmp_path / "index"
    old_vectors, old_views = make_format_5(kb_dir, idx)
    res = recur("suggest", "--kb", str(kb_dir), "--index", str(idx), "No space left on device")
    assert res.exit_code == 0, res.output
    assert f"The index at {idx} has format 5; this recur writes {index_mod.FORMAT}: updating it." in res.output
    assert "1. Run `df -h` on the host." in res.output and "<!--" not in res.output, res.output
    loaded = index_mod.load(idx, embed.load_encoder(FAKE).model_id)
    assert loaded.manifest["format"] == index_mod.FORMAT
    assert loaded.docs["disk-full"]["summary"] == "A filesystem runs out of bytes and writes fail."
    assert not any("<!--" in v["text"] for v in loaded.views)
    assert [v["pattern"] for v in loaded.views] == [v["pattern"] for v in old_views]
    mine = [i for i, v in enumerate(loaded.views) if v["pattern"] == "disk-full"]
    others = [i for i, v in enumerate(loaded.views) if v["pattern"] != "disk-full"]
    fresh = embed.load_encoder(FAKE).encode([loaded.views[i]["text"] for i in mine])
    assert np.allclose(loaded.vectors[mine], fresh) and not np.allclose(loaded.vectors[mine], old_vectors[mine])
    assert np.array_equal(loaded.vectors[others], old_vectors[others])  # reused: their texts did not change
    assert not set(OLD_HEX_TOKENS) & set(loaded.bm25.vocab_dict)
    again = recur("index", "--kb", str(kb_dir), "--index", str(idx))
    assert again.exit_code == 0 and "has format" not in again.output and "up to date" in again.output, again.output


def test_recur_index_converts_a_format_5_index_re_embedding_only_what_a_comment_changed(kb_dir, tmp_path):
    commented_kb(kb_dir)
    idx = tmp_path / "index"
    make_format_5(kb_dir, idx)
    res = recur("index", "--kb", str(kb_dir), "--index", str(idx))
    assert res.exit_code == 0, res.output
    assert f"has format 5; this recur writes {index_mod.FORMAT}: updating it." in res.output
    assert "1 embedded, 2 unchanged" in res.output, res.output


def _refused_at_start(kb_dir, idx, was: int) -> None:
    """engine.check_open (`recur serve`'s start) on an index of format ``was`` it cannot write (_blocked): refused
    with the advice to build one where recur can write, the index left as it was."""
    from recur.retrieval.engine import check_open

    _blocked(idx)
    with pytest.raises(RecurError) as err:
        check_open(kb_dir, idx, FAKE)
    said = str(err.value)
    assert f"the index at {idx} has format {was}, and this recur reads only format {index_mod.FORMAT}" in said, said
    assert "cannot write the index there" in said and "recur index --kb KB --index DIR" in said
    assert index_mod.read_manifest(idx)["format"] == was  # left as it was


def test_a_server_refuses_a_format_5_index_it_cannot_convert(kb_dir, tmp_path):
    """`recur serve`'s start-up check (engine.check_open) on a format-5 index it cannot write (a file where its
    conversion would be staged; tests run as root): the error docs/api.md gives, to build a format-6 index
    where recur can write and deploy it, nothing served from the old one."""
    commented_kb(kb_dir)
    idx = tmp_path / "index"
    make_format_5(kb_dir, idx)
    _refused_at_start(kb_dir, idx, 5)


# -- format 6 -> 7: BM25 by Unicode letters and CJK runs' two-character pieces ---------------------------------
def make_format_6(kb_dir, idx):
    """The index as format 6 wrote it for a KB with a Japanese and a German pattern: BM25 and vocab.json read
    A-Z only (each other character parted words: "zeit", "berschreitung"; Japanese none), digests anew."""
    import bm25s

    write_pattern(kb_dir, "setsuzoku-taimuauto", "network", title="接続タイムアウト（決済APIゲートウェイ）")
    write_pattern(kb_dir, "zeitueberschreitung", "network", title="Zeitüberschreitung beim Zahlungsanbieter")
    build(kb_dir, idx)
    kb = load_kb(kb_dir)
    manifest = json.loads((idx / "manifest.json").read_text())
    ascii_only = str.maketrans({c: " " for c in "接続タイムアウト（決済ゲートウェイ）ü"})
    corpus = [tokens(index_mod.lexical_text(kb.patterns[pid], kb).translate(ascii_only)) for pid in manifest["ids"]]
    assert not any(t.startswith("zeitüber") or t == "接続" for doc in corpus for t in doc)
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    shutil.rmtree(idx / "bm25")
    retriever.save(str(idx / "bm25"))
    vocab = json.loads((idx / "vocab.json").read_text())
    (idx / "vocab.json").write_text(json.dumps([w for w in vocab if w.isascii()]))
    manifest["format"] = 6
    manifest["digests"] = index_mod.file_digests(idx)
    (idx / "manifest.json").write_text(json.dumps(manifest))
    return np.load(idx / "vectors.npy")


def test_a_format_6_index_is_converted_to_read_japanese_and_german_words_its_vectors_kept(kb_dir, tmp_path):
    """A format-6 index read A-Z only, and stayed "up to date" until a KB file changed: `recur suggest
    "接続タイムアウト"` went on finding no Japanese word in it. Format 7 converts it at the next command, BM25 anew,
    every vector reused (the views' texts did not change)."""
    idx = tmp_path / "index"
    old_vectors = make_format_6(kb_dir, idx)
    res = recur("suggest", "--kb", str(kb_dir), "--index", str(idx), "--json", "接続タイムアウト")
    assert res.exit_code == 0, res.output
    assert f"The index at {idx} has format 6; this recur writes {index_mod.FORMAT}: updating it." in res.output
    loaded = index_mod.load(idx, embed.load_encoder(FAKE).model_id)
    assert loaded.manifest["format"] == index_mod.FORMAT
    assert {"接続", "ウト", "zeitüberschreitung"} <= set(loaded.bm25.vocab_dict) and "接続" in loaded.vocab
    assert np.array_equal(loaded.vectors, old_vectors)
    again = recur("index", "--kb", str(kb_dir), "--index", str(idx))
    assert again.exit_code == 0 and "has format" not in again.output and "up to date" in again.output, again.output


# -- format 7 -> 8: a pattern's summary keeps a fenced block's lines ---------------------------------------------
def _converted_by_recur_index(kb_dir, idx, was: int, now_at_least: int):
    """`recur index` on an index of format ``was``: it says it updates it, embeds nothing (every vector reused)
    and writes a format of at least ``now_at_least``, this recur's; the index as loaded after."""
    res = recur("index", "--kb", str(kb_dir), "--index", str(idx))
    assert res.exit_code == 0, res.output
    assert f"The index at {idx} has format {was}; this recur writes {index_mod.FORMAT}: updating it." in res.output
    assert "0 embedded" in res.output, res.output
    loaded = index_mod.load(idx, embed.load_encoder(FAKE).model_id)
    assert loaded.manifest["format"] == index_mod.FORMAT >= now_at_least
    return loaded


def make_format_7(kb_dir, idx):
    """The index as format 7 wrote it for a KB whose pattern's summary holds a pasted log: docs.json's summary
    flattened (util.text.plain), everything else as this format builds it (views, vectors, BM25); digests anew."""
    from test_pattern_summary_code import SUMMARY, pasted_log_pattern

    from recur.util.text import plain

    pasted_log_pattern(kb_dir)
    build(kb_dir, idx)
    docs = json.loads((idx / "docs.json").read_text())
    docs["fluent-bit-buffer-full"]["summary"] = plain(SUMMARY)
    (idx / "docs.json").write_text(json.dumps(docs))
    manifest = json.loads((idx / "manifest.json").read_text())
    manifest["format"] = 7
    manifest["digests"] = index_mod.file_digests(idx)
    (idx / "manifest.json").write_text(json.dumps(manifest))
    return np.load(idx / "vectors.npy")


def test_a_format_7_index_is_converted_to_keep_a_summarys_log_lines_its_vectors_kept(kb_dir, tmp_path):
    """A format-7 index stored a pattern's summary flattened, and stayed "up to date" until a KB file changed:
    `recur suggest --json` and `recur serve` went on giving the pasted log's entries on one line. Format 8
    converts it at the next command, nothing embedded again (the views' texts did not change); until then
    `recur show` reads the pattern from the KB's files, its lines kept."""
    from test_pattern_summary_code import LINES

    idx = tmp_path / "index"
    old_vectors = make_format_7(kb_dir, idx)
    shown = recur("show", "--kb", str(kb_dir), "--index", str(idx), "--json", "fluent-bit-buffer-full")
    assert json.loads(shown.stdout)["summary"] == "\n".join(LINES), shown.output
    assert index_mod.read_manifest(idx)["format"] == 7  # `recur show` builds nothing
    loaded = _converted_by_recur_index(kb_dir, idx, 7, 8)
    assert loaded.docs["fluent-bit-buffer-full"]["summary"] == "\n".join(LINES)
    assert np.array_equal(loaded.vectors, old_vectors)


# The keys of a pattern's stored doc (index.pattern_doc) per index format. Found by a contributor adding a
# front-matter field: with FORMAT unchanged, every index built before stays "up to date" without the new key,
# and `recur show --json`, the API and MCP answer without it where an index exists and with it where none does.
DOC_KEYS = {
    # 8: the same keys as 7, its summary a fenced block's lines kept (summary_text); 9: and its incidents those
    # of the retired patterns it replaced too (each with ``under``); 10: the same keys, BM25 reads "redis's" as "redis";
    # 11: the same keys, the views and BM25 text NFKC
    **dict.fromkeys((7, 8, 9, 10, 11), {
        "id", "title", "category", "severity", "severity_name", "status", "import_draft", "symptoms", "signals",
        "tags", "services", "owner", "fix", "related", "distinguish", "summary", "runbook", "evidence", "path",
        "root_cause", "detection", "permanent_fix", "references", "sections", "incidents",
    }),
}  # fmt: skip


def test_a_change_to_the_stored_doc_bumps_the_index_format(kb_dir):
    kb = load_kb(kb_dir)
    keys = set(index_mod.pattern_doc(next(iter(kb.patterns.values())), kb))
    known = DOC_KEYS.get(index_mod.FORMAT)
    assert known is not None and keys == known, (
        f"index.pattern_doc writes {sorted(keys ^ (known or set()))} unlike format {index_mod.FORMAT}'s docs: an "
        "index built before would stay 'up to date' without them. Bump FORMAT in retrieval/index.py (and add the "
        "old format to VECTORS_FROM when the views are unchanged, so the update reuses every vector), then add "
        "the new format's keys to DOC_KEYS here"
    )


def test_a_server_told_of_an_older_format_index_says_the_plain_recur_index_that_converts_it(kb_dir, tmp_path):
    """Found in a re-read after format 7 -> 8: the reload warning said "rebuild it with: recur index ...
    --rebuild", which embeds every pattern again; a plain `recur index` converts a format-7 index in about a
    second, its vectors kept. A format whose vectors cannot be reused (1) still says --rebuild."""
    from recur.serve.runtime import EngineHolder

    idx = tmp_path / "index"
    build(kb_dir, idx)
    engine = Engine(kb_dir, idx, FAKE)
    holder = EngineHolder(lambda: engine)
    holder.engine = engine  # as after its first load
    make_format_7(kb_dir, idx)  # an older recur's build: another build id, format 7
    assert holder.check_reload() is False
    said = holder.reload_error
    assert f"has format 7, this recur reads format {index_mod.FORMAT}" in said, said
    assert "--rebuild" not in said and "convert it" in said and "recur index" in said, said
    set_format(idx, 1)
    with pytest.raises(RecurError) as err:
        index_mod.load(idx)
    assert "rebuild it with" in str(err.value) and str(err.value).endswith("--rebuild"), str(err.value)


def test_recur_show_in_an_index_only_deployment_says_why_its_older_format_index_was_not_read(kb_dir, tmp_path):
    """Found in a re-read after format 7 -> 8: `recur show ID --kb <missing> --index <format-7 index>` said only
    "knowledge base folder not found ... (pass --kb DIR or set RECUR_KB)", not that the index was skipped for
    its format, nor what to do (`recur suggest` says both)."""
    idx = tmp_path / "index"
    make_format_7(kb_dir, idx)
    gone = tmp_path / "nokb"
    res = recur("show", "--kb", str(gone), "--index", str(idx), "disk-full")
    assert res.exit_code == 1 and "Traceback" not in res.output, res.output
    assert f"the index at {idx} has format 7, and this recur reads only format {index_mod.FORMAT}" in res.output
    assert f"the knowledge base at {gone} is not there to update it from" in res.output, res.output
    assert "recur index --kb KB --index DIR" in res.output, res.output
    suggest = recur("suggest", "--kb", str(gone), "--index", str(idx), "disk full")
    assert suggest.exit_code == 1 and "has format 7, and this recur reads only format" in suggest.output


def test_recur_show_in_an_index_only_deployment_says_its_damaged_docs_were_not_read(kb_dir, tmp_path):
    idx = tmp_path / "index"
    build(kb_dir, idx)
    (idx / "docs.json").write_text("{}")  # not the file its build wrote: its sha256 differs
    res = recur("show", "--kb", str(tmp_path / "nokb"), "--index", str(idx), "disk-full")
    assert res.exit_code == 1, res.output
    assert f"the index at {idx} cannot be read (it is damaged or being rebuilt)" in res.output, res.output
    assert "--rebuild" in res.output, res.output


def test_a_server_without_its_kb_told_of_an_older_format_index_says_to_build_it_where_the_kb_is(kb_dir, tmp_path):
    """Found in a re-read: an index-only deployment (no KB folder) that was shipped a format-7 index while
    serving said "convert it (its vectors reused) with: recur index --kb <the build machine's KB> ...", a
    command that cannot run where there is no KB; its start-up says to build a format-8 index where the
    knowledge base is and deploy that, and so does its reload warning (/healthz's reload_error) now."""
    from recur.serve.public import public
    from recur.serve.runtime import EngineHolder

    idx = tmp_path / "index"
    build(kb_dir, idx)
    gone = tmp_path / "nokb"
    engine = Engine(gone, idx, FAKE)
    holder = EngineHolder(lambda: engine)
    holder.engine = engine  # as after its first load
    set_format(idx, 7, build_id="an-older-recurs-build")
    assert holder.check_reload() is False
    said = holder.reload_error
    assert f"has format 7, and this recur reads only format {index_mod.FORMAT}" in said, said
    assert f"the knowledge base at {gone} is not there to update it from" in said, said
    assert "where the knowledge base is" in said and "convert it" not in said, said
    shown = public(said, holder.folders())  # /healthz's reload_error: no server path, and no "at the knowledge base"
    assert "the knowledge base is not there to update it from" in shown and str(tmp_path) not in shown, shown


def test_an_older_format_index_of_another_model_is_not_said_to_keep_its_vectors(kb_dir, tmp_path):
    """Found in a re-read: a format-7 index built with another model than the run's (a server after `recur
    tune`) was "convert it (its vectors reused) with: recur index ...", though that update embeds every pattern
    again (vectors are reused only from the same model): it says a plain recur index rebuilds it."""
    idx = tmp_path / "index"
    build(kb_dir, idx)
    set_format(idx, 7)
    with pytest.raises(RecurError) as err:
        index_mod.load(idx, expect_model="another-model")
    said = str(err.value)
    assert "has format 7" in said and "vectors reused" not in said and "--rebuild" not in said, said
    assert "rebuild it with: recur index" in said, said
    with pytest.raises(RecurError) as same:
        index_mod.load(idx, expect_model=embed.load_encoder(FAKE).model_id)
    assert "convert it (its vectors reused) with: recur index" in str(same.value), str(same.value)


def test_a_server_that_cannot_write_its_index_told_of_an_older_format_says_to_build_it_elsewhere(kb_dir, tmp_path):
    """Found in a re-read: a read-only deployment (its KB there, its index folder not writable) shipped a
    format-7 index while serving said "convert it (its vectors reused) with: recur index ...", which fails there
    ("cannot write the index there"); its start-up says to build a format-8 index where recur can write and
    deploy that, and so does its reload now. The write fails for real: a file sits where the converted index
    would be staged (tests run as root, which file modes do not stop)."""
    from recur.serve.runtime import EngineHolder

    idx = tmp_path / "index"
    build(kb_dir, idx)
    engine = Engine(kb_dir, idx, FAKE)
    holder = EngineHolder(lambda: engine)
    holder.engine = engine  # as after its first load
    set_format(idx, 7, build_id="an-older-recurs-build")
    (tmp_path / f"index.tmp-{os.getpid()}").write_text("in the way")
    assert holder.check_reload() is False
    said = holder.reload_error
    assert f"has format 7, and this recur reads only format {index_mod.FORMAT}" in said, said
    assert "cannot write the index there" in said and "convert it" not in said, said


# -- format 9 -> 10: a possessive's "'s" read as the word alone ------------------------------------------------
def make_format_9(kb_dir, idx):
    """The index as format 9 wrote it for a KB with a pattern saying "Redis's": BM25 and vocab.json with the
    joined form beside the word ("redis's" was "redis", "s" and "rediss"), digests anew."""
    import bm25s

    write_pattern(
        kb_dir, "redis-oom", "capacity", title="Redis's memory is full", symptoms=("the cluster's writes fail",)
    )
    build(kb_dir, idx)
    kb = load_kb(kb_dir)
    manifest = json.loads((idx / "manifest.json").read_text())
    joined = re.compile(r"\b([A-Za-z]\w*)'s\b")  # what format 9 read "redis's" as: the word, and it joined to "s"
    corpus = [tokens(joined.sub(r"\1 \1s", index_mod.lexical_text(kb.patterns[pid], kb))) for pid in manifest["ids"]]
    assert any("rediss" in doc for doc in corpus)
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    shutil.rmtree(idx / "bm25")
    retriever.save(str(idx / "bm25"))
    vocab = json.loads((idx / "vocab.json").read_text())
    (idx / "vocab.json").write_text(json.dumps(sorted({*vocab, "rediss", "clusters"})))
    manifest["format"] = 9
    manifest["digests"] = index_mod.file_digests(idx)
    (idx / "manifest.json").write_text(json.dumps(manifest))
    return np.load(idx / "vectors.npy")


def test_a_format_9_index_is_converted_to_read_a_possessive_as_its_word_its_vectors_kept(kb_dir, tmp_path):
    """A format-9 index's BM25 held "rediss" for "Redis's" (found in a re-read: "DNS's down" was "no known
    pattern" where "dns down" was high), and stayed "up to date" with the KB: the tokenizer's change would not
    reach it. Format 10 converts it at the next command, BM25 anew, every vector reused."""
    idx = tmp_path / "index"
    old_vectors = make_format_9(kb_dir, idx)
    loaded = _converted_by_recur_index(kb_dir, idx, 9, 10)
    assert "redi" in loaded.bm25.vocab_dict and "rediss" not in loaded.bm25.vocab_dict
    assert "rediss" not in loaded.vocab and "clusters" not in loaded.vocab
    assert np.array_equal(loaded.vectors, old_vectors)
    again = recur("index", "--kb", str(kb_dir), "--index", str(idx))
    assert again.exit_code == 0 and "has format" not in again.output and "up to date" in again.output, again.output


def test_a_server_refuses_a_format_9_index_it_cannot_convert(kb_dir, tmp_path):
    """Where the index cannot be written (a read-only deployment), a format-9 index is refused with the usual
    advice (engine.check_open, `recur serve`'s start), not served with its old BM25 words."""
    idx = tmp_path / "index"
    make_format_9(kb_dir, idx)
    _refused_at_start(kb_dir, idx, 9)


# -- format 10 -> 11: the views and the BM25 text in Unicode's compatibility forms (NFKC) ---------------------------
FULL_WIDTH_TITLE = "ｋｕｂｅｌｅｔ\u3000ＰＬＥＧ\u3000ｉｓ\u3000ｎｏｔ\u3000ｈｅａｌｔｈｙ"
FULL_WIDTH_SIGNAL = "StartService failed ０ｘ８００７０４２Ｄ"
PLAIN_TITLE = "kubelet PLEG is not healthy"


def make_format_10(kb_dir, idx):
    """The index as format 10 wrote it for a KB with a pattern written in full-width letters: its views' texts as
    written, embedded so (and its content hash of them), BM25 read from the text as written (the full-width hex
    code's "0x"); digests anew. The vectors as loaded."""
    import bm25s

    write_pattern(kb_dir, "kubelet-pleg", "hardware", title=FULL_WIDTH_TITLE, signals=(FULL_WIDTH_SIGNAL,))
    build(kb_dir, idx)
    kb = load_kb(kb_dir)
    pattern = kb.patterns["kubelet-pleg"]
    views = json.loads((idx / "views.json").read_text())
    rows = [i for i, v in enumerate(views) if v["pattern"] == "kubelet-pleg"]
    by_kind = {"title": FULL_WIDTH_TITLE, "signal": FULL_WIDTH_SIGNAL}
    for i in rows:
        views[i]["text"] = by_kind.get(views[i]["kind"], views[i]["text"].replace(PLAIN_TITLE, FULL_WIDTH_TITLE))
    assert FULL_WIDTH_TITLE in views[rows[0]]["text"]  # the doc view
    (idx / "views.json").write_text(json.dumps(views, ensure_ascii=False))
    manifest = json.loads((idx / "manifest.json").read_text())
    written = [(views[i]["kind"], views[i]["text"]) for i in rows]
    manifest["hashes"]["kubelet-pleg"] = index_mod.content_hash(manifest["model"], written)

    def as_written(pid: str) -> str:  # util.text.words reads it NFKC, but its hex code before that: "0x", no code
        text = index_mod.lexical_text(kb.patterns[pid], kb)
        return text.replace("0x8007042D", FULL_WIDTH_SIGNAL.split()[-1]) if pid == "kubelet-pleg" else text

    corpus = [tokens(as_written(pid)) for pid in manifest["ids"]]
    assert "0x" in corpus[manifest["ids"].index("kubelet-pleg")] and pattern.title == FULL_WIDTH_TITLE
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    shutil.rmtree(idx / "bm25")
    retriever.save(str(idx / "bm25"))
    manifest["format"] = 10
    manifest["digests"] = index_mod.file_digests(idx)
    (idx / "manifest.json").write_text(json.dumps(manifest))
    return np.load(idx / "vectors.npy"), rows


def test_a_format_10_index_is_converted_re_embedding_only_a_pattern_written_in_compatibility_forms(kb_dir, tmp_path):
    """A format-10 index embedded a pattern's full-width text as written (a plain-typed question missed it), and
    stayed "up to date" with the KB. Format 11 converts it at the next command: that pattern embedded again from its
    plain letters (NFKC), every other pattern's vectors reused, BM25 anew with the full-width hex code whole."""
    idx = tmp_path / "index"
    old_vectors, rows = make_format_10(kb_dir, idx)
    res = recur("index", "--kb", str(kb_dir), "--index", str(idx))
    assert res.exit_code == 0, res.output
    assert f"The index at {idx} has format 10; this recur writes {index_mod.FORMAT}: updating it." in res.output
    assert "1 embedded, 3 unchanged" in res.output, res.output
    loaded = index_mod.load(idx, embed.load_encoder(FAKE).model_id)
    assert loaded.manifest["format"] == index_mod.FORMAT
    title = [i for i, v in enumerate(loaded.views) if v["pattern"] == "kubelet-pleg" and v["kind"] == "title"]
    assert [loaded.views[i]["text"] for i in title] == [FULL_WIDTH_TITLE]  # kept as written, which a why quotes
    plain = embed.load_encoder(FAKE).encode([PLAIN_TITLE])  # embedded as its plain letters
    assert np.allclose(loaded.vectors[title], plain) and "0x8007042d" in loaded.bm25.vocab_dict
    others = [i for i in range(len(loaded.views)) if i not in rows]
    assert np.array_equal(loaded.vectors[others], old_vectors[others])
    again = recur("index", "--kb", str(kb_dir), "--index", str(idx))
    assert again.exit_code == 0 and "has format" not in again.output and "up to date" in again.output, again.output


def test_a_format_10_index_of_a_kb_in_plain_letters_is_converted_embedding_nothing(kb_dir, tmp_path):
    """A KB with no character NFKC changes (the shipped one, the starter): its views read the same, their content
    hashes too, so the conversion reuses every vector and loads no model."""
    idx = tmp_path / "index"
    build(kb_dir, idx)
    old_vectors = np.load(idx / "vectors.npy")
    set_format(idx, 10)
    loaded = _converted_by_recur_index(kb_dir, idx, 10, 11)
    assert np.array_equal(loaded.vectors, old_vectors)
