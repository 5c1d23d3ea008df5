"""A checkout (KB plus index) copied or moved elsewhere, the old one still there: its index is its own.

Found in an operator's review: `cp -r kb idx mv2/` (or a fresh `git clone` beside an index built in CI, a release
folder behind a `current` link) and `recur serve` in the copy refused to start, "is the index of the knowledge
base at <old path>", though the files were the same: the check compared the path the manifest records and the
files' sizes and modification times, which a copy without `-a` renews. The manifest also records a digest of
the KB files' contents (``kb_content``): an index whose digest is the KB's is that KB's index. The copies here
are made as `cp -r` makes them: new modification times (shutil.copyfile, no copystat)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
from kbfactory import fake_model_flags, small_kb
from serve_util import fake_index, started_on, wait_healthy

from recur.kb.loader import files_signature
from recur.retrieval import index as index_mod

RECUR = [sys.executable, "-m", "recur"]


def checkout(tmp_path) -> tuple[Path, Path]:
    """The first checkout: a small KB and its index, built where they are (tmp_path/a)."""
    kb = small_kb(tmp_path / "a" / "kb")
    fake_index(kb, tmp_path / "a" / "index")
    return kb, tmp_path / "a" / "index"


def copy_as_cp_r(kb: Path, idx: Path, to: Path) -> tuple[Path, Path]:
    """``kb`` and ``idx`` copied into ``to`` as `cp -r` copies: the same bytes, new modification times."""
    new_kb = Path(shutil.copytree(kb, to / "kb", copy_function=shutil.copyfile))
    new_idx = Path(shutil.copytree(idx, to / "index", copy_function=shutil.copyfile))
    assert files_signature(new_kb) != files_signature(kb)  # the times differ: what the check compared
    return new_kb, new_idx


def recur(*args) -> subprocess.CompletedProcess:
    """`python -m recur ARGS` run to its end, nothing on stdin."""
    return subprocess.run(RECUR + list(args), input="", capture_output=True, text=True, timeout=60)


def serve_args(kb: Path, idx: Path, tmp_path: Path) -> list:
    return [*fake_model_flags(kb, idx), "--port", "0", "--site", str(tmp_path / "no-site")] + [
        "--feedback",
        str(tmp_path / "fb.jsonl"),
    ]


def test_a_copied_checkout_is_served_from_its_copied_index(tmp_path):
    kb, idx = checkout(tmp_path)
    new_kb, new_idx = copy_as_cp_r(kb, idx, tmp_path / "b")
    built = index_mod.read_manifest(new_idx)["build_id"]
    proc = subprocess.Popen(
        RECUR + ["serve", *serve_args(new_kb, new_idx, tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    said = []
    try:
        base = f"http://127.0.0.1:{started_on(proc.stdout, said)}"
        health = wait_healthy(base)
        assert health["patterns"] == 3 and health["stale"] is None, health
        r = httpx.post(base + "/api/suggest", json={"text": "No space left on device", "top": 1}, timeout=30)
        assert r.status_code == 200 and r.json()["results"][0]["id"] == "disk-full", r.text
    finally:
        proc.terminate()
        rest, _ = proc.communicate(timeout=30)
    out = "".join(said) + rest
    assert "is the index of the knowledge base" not in out and "Traceback" not in out, out
    assert "changed since the index was built" not in out, out  # nothing changed: nothing to update
    manifest = index_mod.read_manifest(new_idx)
    assert manifest["build_id"] == built  # answered from as it was copied, not rebuilt
    assert manifest["kb"] == str(new_kb.resolve())  # where its KB now is, for the next start to know at once


def test_recur_mcp_starts_on_a_copied_checkout(tmp_path):
    kb, idx = checkout(tmp_path)
    new_kb, new_idx = copy_as_cp_r(kb, idx, tmp_path / "b")
    r = recur("mcp", *fake_model_flags(new_kb, new_idx))
    assert r.returncode == 0, r.stderr
    assert "is the index of the knowledge base" not in r.stderr


def test_another_kbs_index_is_still_refused_when_its_files_differ(tmp_path):
    """The refusal kept: the KB at --kb differs in content from the one the index was built for, which is
    still there (two KBs given one --index): the server would rebuild the other's index."""
    kb, idx = checkout(tmp_path)
    new_kb, new_idx = copy_as_cp_r(kb, idx, tmp_path / "b")
    page = new_kb / "patterns/capacity/disk-full.md"
    page.write_text(page.read_text().replace("Disk", "Volume", 1))
    built = index_mod.read_manifest(new_idx)["build_id"]
    r = recur("serve", *serve_args(new_kb, new_idx, tmp_path))
    said = " ".join(r.stderr.split())
    assert r.returncode == 1 and "Traceback" not in said, said
    assert f"is the index of the knowledge base at {kb.resolve()}, not of {new_kb.resolve()}" in said, said
    assert index_mod.read_manifest(new_idx)["build_id"] == built


def test_recur_index_with_nothing_changed_records_where_the_kb_now_is(tmp_path):
    """`cp -a` kept the times, so the copy was served; but a no-op `recur index` left the old path in the
    manifest, and the next edit of the KB made the server refuse it ("another KB's index")."""
    kb, idx = checkout(tmp_path)
    new_kb = Path(shutil.copytree(kb, tmp_path / "b" / "kb"))  # cp -a: the times kept
    new_idx = Path(shutil.copytree(idx, tmp_path / "b" / "index"))
    before = index_mod.read_manifest(new_idx)
    r = recur("index", *fake_model_flags(new_kb, new_idx))
    assert r.returncode == 0 and "is up to date" in r.stderr, r.stderr
    after = index_mod.read_manifest(new_idx)
    assert after["kb"] == str(new_kb.resolve()) and after["build_id"] == before["build_id"]
    # the files' stamps too (util.stamp): a copy's files have new inodes and ctimes, whatever times cp -a kept
    assert after["files"] == files_signature(new_kb)
    assert {k: v for k, v in after.items() if k not in ("kb", "files")} == {
        k: v for k, v in before.items() if k not in ("kb", "files")
    }
    index_mod.load(new_idx)  # still whole: its files are those its digests name
    page = new_kb / "patterns/capacity/disk-full.md"
    page.write_text(page.read_text() + "\nOne more line.\n")  # the next edit, at the new place
    index_mod.refuse_other_kbs_index(new_idx, new_kb)  # its own index, to update


def test_recur_index_on_a_cp_r_copy_records_its_files_without_rebuilding(tmp_path):
    kb, idx = checkout(tmp_path)
    new_kb, new_idx = copy_as_cp_r(kb, idx, tmp_path / "b")
    built = index_mod.read_manifest(new_idx)["build_id"]
    r = recur("index", *fake_model_flags(new_kb, new_idx))
    assert r.returncode == 0 and "is up to date" in r.stderr, r.stderr
    manifest = index_mod.read_manifest(new_idx)
    assert manifest["build_id"] == built and manifest["kb"] == str(new_kb.resolve())
    assert manifest["files"] == files_signature(new_kb)  # the next look is a stat walk, no reading
    assert index_mod.read_manifest(idx)["kb"] == str(kb.resolve())  # the original's is its own


def test_recur_suggest_on_a_copy_answers_without_rebuilding(tmp_path):
    kb, idx = checkout(tmp_path)
    new_kb, new_idx = copy_as_cp_r(kb, idx, tmp_path / "b")
    built = index_mod.read_manifest(new_idx)["build_id"]
    r = recur("suggest", "--json", *fake_model_flags(new_kb, new_idx), "No space left on device")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["results"][0]["id"] == "disk-full"
    assert "rebuilding" not in r.stderr and "changed since" not in r.stderr, r.stderr
    assert index_mod.read_manifest(new_idx)["build_id"] == built


def test_a_copys_index_is_fresh_and_unchanged_until_its_kb_changes(tmp_path):
    """What a server that cannot rewrite the manifest (a read-only mount) compares: the copy is fresh, and
    /healthz ``stale`` names no file, until one really changes."""
    kb, idx = checkout(tmp_path)
    new_kb, new_idx = copy_as_cp_r(kb, idx, tmp_path / "b")
    manifest = index_mod.read_manifest(new_idx)
    assert index_mod.is_fresh(new_idx, new_kb, manifest)
    assert index_mod.changed_files(manifest, new_kb) == []
    assert index_mod.built_for_other_kb(manifest, new_kb) is None
    page = new_kb / "patterns/capacity/disk-full.md"
    page.write_text(page.read_text() + "\nOne more line.\n")
    assert not index_mod.is_fresh(new_idx, new_kb, manifest)
    assert "patterns/capacity/disk-full.md" in index_mod.changed_files(manifest, new_kb)
    assert index_mod.built_for_other_kb(manifest, new_kb) == str(kb.resolve())


def test_a_server_reloads_an_index_of_the_same_files_built_elsewhere(tmp_path):
    """Blue/green: the index rebuilt from the same KB files at another place (in CI, on this host) and copied
    in under a running server of the copy is reloaded, not refused as another KB's."""
    from recur.retrieval.engine import Engine

    kb, idx = checkout(tmp_path)
    new_kb, new_idx = copy_as_cp_r(kb, idx, tmp_path / "b")
    engine = Engine.open(new_kb, new_idx, "fake:64", quiet=True)
    fake_index(kb, idx)  # a new build of the same files, where they were
    shutil.rmtree(new_idx)
    shutil.copytree(idx, new_idx, copy_function=shutil.copyfile)
    assert engine.reload_if_changed() is True
    assert engine.manifest["build_id"] == index_mod.read_manifest(idx)["build_id"]


def test_the_site_keeps_look_alikes_with_a_copied_index(tmp_path):
    """`recur site` skipped the look-alikes section when the index was "not up to date" by file times alone."""
    from recur.kb.loader import load_kb
    from recur.site.hook import lookalikes_for

    kb, idx = checkout(tmp_path)
    new_kb, new_idx = copy_as_cp_r(kb, idx, tmp_path / "b")
    assert lookalikes_for(load_kb(new_kb), new_idx) is not None
