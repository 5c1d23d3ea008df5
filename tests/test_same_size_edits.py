"""A KB or index file edited to the same size with its mtime put back (an editor or `touch -r` restoring it, a
`git checkout` within one tick of a coarse clock) is a change to every look that tells whether a file changed
without reading it (a test audit): they compared size and mtime, so the index said it was up to date, the
server's /healthz `stale` stayed null, and MCP's tools answered from a KB read kept from before the edit. They
now compare util.stamp: size, mtime, ctime (which no user tool sets) and inode. Times are set with os.utime."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from kbfactory import fake_model_flags, small_kb
from serve_util import fake_index, holding
from test_mcp_review import calls

from recur.kb.loader import files_signature
from recur.retrieval import index as index_mod
from recur.retrieval.engine import Engine
from recur.serve.mcp_server import IncidentPaths, build_server
from recur.serve.runtime import index_files_signature

PAGE = "patterns/capacity/disk-full.md"
RECORD = "incidents/2026/INC-2026-0001.md"


def same_size_edit(path, old: str, new: str) -> None:
    """``old`` replaced by ``new`` (as long) in the file at ``path``, written in place (the same inode), and its
    mtime put back as it was. Its ctime moves with the write and the utime; on a file system whose ctime ticks
    coarsely both may fall in the tick the file was written in, so the utime is repeated until the ctime is
    another (a condition, not a sleep): what a later look at the file sees."""
    assert len(old) == len(new)
    before = path.stat()
    data = path.read_bytes()
    assert old.encode() in data
    with open(path, "r+b") as f:
        f.write(data.replace(old.encode(), new.encode()))
    deadline = time.monotonic() + 60
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    while path.stat().st_ctime_ns == before.st_ctime_ns and time.monotonic() < deadline:
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # sets the ctime to now
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    assert after.st_ctime_ns != before.st_ctime_ns


def test_the_index_is_stale_after_a_same_size_edit_whose_mtime_was_put_back(tmp_path):
    kb = small_kb(tmp_path / "kb")
    fake_index(kb, tmp_path / "index")
    manifest = index_mod.read_manifest(tmp_path / "index")
    assert index_mod.is_fresh(tmp_path / "index", kb, manifest)
    signed = files_signature(kb)
    same_size_edit(kb / PAGE, "Disk full on a host", "Disk full on a node")
    assert files_signature(kb)[PAGE] != signed[PAGE]
    assert not index_mod.is_fresh(tmp_path / "index", kb, manifest)
    assert index_mod.changed_files(manifest, kb) == [PAGE]


def test_the_servers_look_says_stale_after_a_same_size_edit_whose_mtime_was_put_back(tmp_path):
    """The holder's look (its watcher's, every few seconds): what /healthz `stale` and MCP's notes say."""
    kb = small_kb(tmp_path / "kb")
    holder = holding(Engine.open(kb, tmp_path / "index", model="fake:64", quiet=True))
    try:
        assert holder.stale is None and holder.kb_changed == []
        same_size_edit(kb / PAGE, "Disk full on a host", "Disk full on a node")
        holder.check_stale()
        assert holder.kb_changed == [PAGE] and PAGE in (holder.stale or "")
    finally:
        holder.stop()


def test_the_watcher_sees_an_index_file_rewritten_in_place_with_its_mtime_put_back(tmp_path):
    kb = small_kb(tmp_path / "kb")
    fake_index(kb, tmp_path / "index")
    before = index_files_signature(tmp_path / "index")
    manifest = tmp_path / "index" / "manifest.json"
    text = manifest.read_text()
    build = index_mod.read_manifest(tmp_path / "index")["build_id"]
    same_size_edit(manifest, build, build[::-1])
    assert manifest.read_text() != text
    assert index_files_signature(tmp_path / "index") != before


def test_mcp_reads_the_kb_again_after_a_same_size_edit_whose_mtime_was_put_back(tmp_path):
    """past_incidents keeps its KB read while the KB's files are as they were (a server over a bare engine: a
    stat walk per call); a record edited to the same size with its mtime put back is read again."""
    kb = small_kb(tmp_path / "kb")
    engine = Engine.open(kb, tmp_path / "index", model="fake:64", quiet=True)
    server = build_server(lambda: engine, stale_files=lambda: [])  # no kb_files: its own stat walk per call
    asked = ("past_incidents", {"pattern_id": "db-pool-exhausted"})

    def edit():
        same_size_edit(kb / RECORD, "Checkout hung on database", "Checkout held on database")

    (err, first, _), (err2, again, _) = calls(server, asked, None, asked, between=edit)
    assert not err and not err2
    titles = {i["id"]: i["title"] for i in first["incidents"]}
    assert titles["INC-2026-0001"] == "Checkout hung on database connections"
    titles = {i["id"]: i["title"] for i in again["incidents"]}
    assert titles["INC-2026-0001"] == "Checkout held on database connections"


def test_mcps_incident_paths_are_read_again_after_a_same_size_edit_whose_mtime_was_put_back(tmp_path):
    """get_pattern trusts the file it knows for an incident id while the file is as it was read: a same-size
    edit (its id changed, INC-2026-0001 -> INC-2026-0009) with its mtime put back is no longer that file."""
    kb = small_kb(tmp_path / "kb")
    signed = files_signature(kb)
    assert IncidentPaths._same(kb, (RECORD, signed[RECORD]))
    same_size_edit(kb / RECORD, "id: INC-2026-0001", "id: INC-2026-0009")
    assert not IncidentPaths._same(kb, (RECORD, signed[RECORD]))


def as_the_previous_recur_wrote_it(index_dir) -> dict:
    """The index's manifest with each KB file recorded as Recur recorded it before util.stamp, [size, mtime_ns]:
    an index the previous Recur built over this very KB. Returns the manifest as written."""
    path = index_dir / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["files"] = {name: stamp[:2] for name, stamp in manifest["files"].items()}
    path.write_text(json.dumps(manifest))
    return manifest


def test_recur_index_takes_an_index_the_previous_recur_built_as_up_to_date_and_records_the_stamps(tmp_path):
    """An upgrade: the previous Recur's manifest has two numbers a file, none of which equals a stamp now; the
    index is the KB's (compared by content), nothing re-embedded, and its manifest records the stamps, so the
    next look is a stat walk again."""
    kb = small_kb(tmp_path / "kb")
    fake_index(kb, tmp_path / "index")
    built = as_the_previous_recur_wrote_it(tmp_path / "index")["build_id"]
    run = [sys.executable, "-m", "recur", "index", *fake_model_flags(kb, tmp_path / "index")]
    r = subprocess.run(run, input="", capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "is up to date" in r.stderr and "embedded" not in r.stderr, r.stderr
    manifest = index_mod.read_manifest(tmp_path / "index")
    assert manifest["build_id"] == built and manifest["files"] == files_signature(kb)


def test_a_read_only_servers_looks_at_an_index_the_previous_recur_built_read_the_kb_once(tmp_path, monkeypatch):
    """Where the manifest cannot be rewritten (a container image, a read-only mount) the served manifest keeps
    the previous Recur's two numbers a file: /healthz `stale` is null, and the server's look, every few
    seconds, reads the KB's files at the first look only (each file's digest kept by its stamp)."""
    from recur.kb import loader

    kb = small_kb(tmp_path / "kb")
    engine = Engine.open(kb, tmp_path / "index", model="fake:64", quiet=True)
    engine.searcher.index.manifest = as_the_previous_recur_wrote_it(tmp_path / "index")  # as served read-only
    read = []
    signed_contents = loader.signed_contents
    monkeypatch.setattr(loader, "signed_contents", lambda root, sig: read.extend(sig) or signed_contents(root, sig))
    holder = holding(engine)
    try:
        holder.check_stale()
        assert holder.stale is None and holder.kb_changed == [] and read
        read.clear()
        for _ in range(3):
            holder.check_stale()
        assert holder.stale is None and read == []
        same_size_edit(kb / PAGE, "Disk full on a host", "Disk full on a node")
        holder.check_stale()
        assert holder.kb_changed == [PAGE] and read == [PAGE]  # the edited file alone is read again
    finally:
        holder.stop()
