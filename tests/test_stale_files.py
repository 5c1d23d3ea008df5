"""Which KB files are stale, in a copied checkout whose index cannot be rewritten.

A checkout copied with its index (`cp -r`, a fresh clone, an image) has the same files with new modification
times. Where the index can be written, its manifest is told the new times (index.record_place); where it cannot
(a read-only deployment), the KB is compared with what the index recorded at each look. The manifest recorded
one digest of all the KB files' contents (``kb_content``), so once one pattern was edited there, every file
differed by its time and none could be told apart by content: /healthz ``stale`` named every file of the KB.
The manifest now records a digest of each file's contents too (``kb_file_digests``), taken from the bytes the
indexer read, and the files named are those whose contents changed, were added or were removed. The copies
here are made as `cp -r` makes them (new times); the index cannot be written because a file sits where its
new folder would be staged (tests run as root, whom file modes do not stop)."""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from kbfactory import small_kb, write_pattern
from serve_util import fake_index, running, wait_healthy

from recur.cli.main import cli
from recur.kb.loader import MAX_FILE_BYTES, files_signature, load_kb
from recur.retrieval import index as index_mod

PAGE = "patterns/capacity/disk-full.md"


def copied_checkout(tmp_path) -> tuple[Path, Path]:
    """A small KB and its index built at tmp_path/a, copied to tmp_path/b as `cp -r` copies (new times), and
    the original removed (the copy is another machine's: a container image, a release folder)."""
    kb = small_kb(tmp_path / "a" / "kb")
    fake_index(kb, tmp_path / "a" / "index")
    new_kb = Path(shutil.copytree(kb, tmp_path / "b" / "kb", copy_function=shutil.copyfile))
    new_idx = Path(shutil.copytree(tmp_path / "a" / "index", tmp_path / "b" / "index", copy_function=shutil.copyfile))
    shutil.rmtree(tmp_path / "a")
    return new_kb, new_idx


def edit_one_pattern(kb: Path) -> None:
    page = kb / PAGE
    page.write_text(page.read_text().replace("Disk full on a host", "Disk full on a database host"))


def block_index_writes(idx: Path) -> None:
    """The index cannot be rewritten: a file sits where a build of it would stage its new folder."""
    (idx.parent / f"{idx.name}.tmp-{os.getpid()}").write_text("in the way")


def test_the_manifest_records_each_kb_files_content_digest(tmp_path):
    kb = small_kb(tmp_path / "kb")
    fake_index(kb, tmp_path / "index")
    manifest = index_mod.read_manifest(tmp_path / "index")
    recorded = manifest["kb_file_digests"]
    assert recorded.keys() == manifest["files"].keys() == files_signature(kb).keys()
    for name, digest in recorded.items():
        data = (kb / name).read_bytes()[: MAX_FILE_BYTES + 1]
        assert digest == hashlib.sha256(data).hexdigest()[:16], name
    assert recorded == load_kb(kb).file_digests  # from the bytes the load read for the records
    assert isinstance(manifest["kb_content"], str) and isinstance(manifest["files"], dict)  # kept as they were


def test_a_copied_checkout_edited_names_only_the_files_whose_contents_changed(tmp_path):
    new_kb, new_idx = copied_checkout(tmp_path)
    manifest = index_mod.read_manifest(new_idx)
    assert index_mod.changed_files(manifest, new_kb) == []  # the same contents, other times
    edit_one_pattern(new_kb)
    assert not index_mod.is_fresh(new_idx, new_kb, manifest)
    assert index_mod.changed_files(manifest, new_kb) == [PAGE]
    write_pattern(new_kb, "cert-expired", "security", title="TLS certificate expired")  # added
    (new_kb / "incidents/2026/INC-2026-0002.md").unlink()  # removed
    added, removed = "patterns/security/cert-expired.md", "incidents/2026/INC-2026-0002.md"
    assert index_mod.changed_files(manifest, new_kb) == sorted([PAGE, added, removed])


def test_a_file_given_the_same_size_but_other_bytes_is_named(tmp_path):
    """Names and sizes agree, only the times and one file's bytes differ: that file alone."""
    new_kb, new_idx = copied_checkout(tmp_path)
    page = new_kb / PAGE
    text = page.read_text()
    page.write_text(text.replace("Disk full on a host", "Disk FULL on a host"))
    assert page.stat().st_size == len(text.encode())
    manifest = index_mod.read_manifest(new_idx)
    assert index_mod.changed_files(manifest, new_kb) == [PAGE]
    assert index_mod.built_for_other_kb(manifest, new_kb) == str((tmp_path / "a" / "kb").resolve())


def test_an_index_of_an_earlier_recur_without_file_digests_behaves_as_before(tmp_path):
    """A manifest with no ``kb_file_digests`` (an earlier Recur's): a copy is fresh by ``kb_content``, and once
    a file is edited every file whose time differs is named, as before."""
    new_kb, new_idx = copied_checkout(tmp_path)
    manifest = index_mod.read_manifest(new_idx)
    manifest.pop("kb_file_digests", None)
    assert index_mod.is_fresh(new_idx, new_kb, manifest) and index_mod.changed_files(manifest, new_kb) == []
    edit_one_pattern(new_kb)
    assert index_mod.changed_files(manifest, new_kb) == sorted(files_signature(new_kb))


def test_recur_suggest_on_a_read_only_copy_names_only_the_edited_file(tmp_path):
    new_kb, new_idx = copied_checkout(tmp_path)
    built = index_mod.read_manifest(new_idx)["build_id"]
    edit_one_pattern(new_kb)
    block_index_writes(new_idx)
    args = ["suggest", "--json", "--kb", str(new_kb), "--index", str(new_idx), "--model", "fake:64"]
    res = CliRunner().invoke(cli, [*args, "No space left on device"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["results"][0]["id"] == "disk-full"
    said = " ".join(res.stderr.split())
    assert "cannot write the index there" in said and "answering from the index built" in said, said
    assert f"KB changes since then ({PAGE}) are not searched" in said, said
    assert "severity.yml" not in said and "INC-2026-0001" not in said, said
    assert index_mod.read_manifest(new_idx)["build_id"] == built


def test_healthz_of_a_read_only_copy_names_only_the_edited_file(tmp_path):
    from recur.retrieval.engine import Engine
    from recur.serve import create_app

    new_kb, new_idx = copied_checkout(tmp_path)
    edit_one_pattern(new_kb)
    block_index_writes(new_idx)
    app = create_app(
        lambda: Engine.open(new_kb, new_idx, model="fake:64", quiet=True),
        site_dir=None,
        feedback_path=tmp_path / "fb.jsonl",
    )
    with running(app) as base:
        health = wait_healthy(base)
        assert health["stale"] == (
            f"the knowledge base changed since the served index was built ({PAGE}); the old index answers "
            "until it is rebuilt (recur index --kb <kb> --index <index> --model fake:64)"
        ), health
        r = httpx.post(base + "/api/suggest", json={"text": "No space left on device", "top": 1}, timeout=30)
        assert r.status_code == 200 and r.json()["results"][0]["id"] == "disk-full", r.text


def test_recur_suggest_in_a_copy_on_a_read_only_mount_names_only_the_edited_file(tmp_path):
    """The deployment itself: the copied checkout (KB and index) bind-mounted read-only in a mount namespace of
    the command's own (nothing else sees the mount); skipped where that is refused."""
    new_kb, new_idx = copied_checkout(tmp_path)
    edit_one_pattern(new_kb)
    where = shlex.quote(str(tmp_path / "b"))
    mount = f"mount --bind {where} {where} && mount -o remount,bind,ro {where} {where}"
    unshare = shutil.which("unshare")
    probe = subprocess.run([unshare, "-m", "sh", "-c", mount], capture_output=True) if unshare else None
    if probe is None or probe.returncode:
        pytest.skip("a read-only bind mount in a mount namespace is not allowed here (unshare -m, mount)")
    args = ["suggest", "--json", "--kb", str(new_kb), "--index", str(new_idx), "--model", "fake:64", "ENOSPC"]
    command = [unshare, "-m", "sh", "-c", f'{mount} && exec "$0" -m recur "$@"', sys.executable, *args]
    res = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    said = " ".join(res.stderr.split())
    assert "Read-only file system" in said and f"KB changes since then ({PAGE}) are not searched" in said, said
    assert json.loads(res.stdout)["results"][0]["id"] == "disk-full"
