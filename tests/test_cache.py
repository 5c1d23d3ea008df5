"""What Recur's caches of derived files keep (util/cache.py): every entry used within UNUSED_DAYS and, in
any case, the KEEP_NEWEST most recently used; the browser runtime's gzip copies (.recur/browser-model/gz/)
by the same rule. The exports' own prune paths are in test_onnx_encoder.py (they need the model)."""

from __future__ import annotations

import gzip
import os
import time
from pathlib import Path

from recur.site import bundle
from recur.util import cache

DAY = 86400


def entry(root: Path, name: str, days_ago: float, folder: bool = True) -> Path:
    """A cache entry last used ``days_ago``: an export folder stamped on its info.json, or a file."""
    path = root / name
    root.mkdir(parents=True, exist_ok=True)
    if folder:
        path.mkdir()
        (path / "model.onnx").write_bytes(b"graph")
        stamp = path / "info.json"
        stamp.write_text("{}")
    else:
        stamp = path
        path.write_bytes(b"copy")
    used = time.time() - days_ago * DAY
    for touched in {stamp, path}:  # a work folder, with no stamp yet, is judged by its own mtime
        os.utime(touched, (used, used))
    return path


def names(root: Path) -> set[str]:
    return {p.name for p in root.iterdir()}


def test_every_entry_used_within_the_days_is_kept_and_older_ones_beyond_the_newest_go(tmp_path):
    root = tmp_path / "onnx"
    recent = [entry(root, f"recent-{n}", n + 1).name for n in range(cache.KEEP_NEWEST + 2)]
    for n in range(3):
        entry(root, f"old-{n}", cache.UNUSED_DAYS + 5 + n)
    (root / "gz").mkdir()  # a folder with no info.json is no entry
    entry(root, "made-now.tmp-123", 0)  # a build's work folder
    entry(root, "left.tmp-456", cache.UNUSED_DAYS + 1)  # a killed build's
    removed = cache.prune(root)
    assert names(root) == {*recent, "gz", "made-now.tmp-123"}
    assert {p.name for p in removed} == {"old-0", "old-1", "old-2", "left.tmp-456"}


def test_a_rarely_built_kb_keeps_its_newest_entries_however_old(tmp_path):
    """A KB built twice a year: the old rule of the browser cache (30 days unused, whatever else) removed
    its only export at the next build's prune, and the build made it again (~15 s)."""
    root = tmp_path / "browser-model"
    for n in range(cache.KEEP_NEWEST + 1):
        entry(root, f"export-{n}", 200 + n)
    cache.prune(root)
    assert names(root) == {f"export-{n}" for n in range(cache.KEEP_NEWEST)}
    only = tmp_path / "one"
    entry(only, "its-only-export", 400)
    assert cache.prune(only) == [] and names(only) == {"its-only-export"}


def test_the_runtime_gz_cache_is_pruned(tmp_path):
    """.recur/browser-model/gz/ kept a gzip copy of every onnxruntime-web runtime an upgrade left (3.7 MB
    each), never pruned. A new copy prunes it as the exports are."""
    root = tmp_path / "browser-model"
    gz = root / "gz"
    old = [entry(gz, f"ort-wasm-simd-threaded.wasm.{n:016x}.gz", 40 + n, folder=False).name for n in range(4)]
    src = tmp_path / "ort-wasm-simd-threaded.wasm"
    src.write_bytes(b"\0asm runtime of the new upgrade" * 100)
    dst = tmp_path / "site" / "ort-wasm-simd-threaded.wasm.gz"
    dst.parent.mkdir()
    bundle._gzip_cached(src, dst, cache=root)
    assert gzip.decompress(dst.read_bytes()) == src.read_bytes()
    made = f"{src.name}.{bundle.file_version(src)}.gz"
    assert names(gz) == {made, *old[: cache.KEEP_NEWEST - 1]}


def test_a_reused_gz_copy_is_marked_used_and_kept(tmp_path):
    """Use was recorded only when a copy was made: one a KB's every build reused looked unused."""
    root = tmp_path / "browser-model"
    src = tmp_path / "ort-wasm-simd-threaded.wasm"
    src.write_bytes(b"\0asm runtime" * 100)
    dst = tmp_path / "out.gz"
    bundle._gzip_cached(src, dst, cache=root)
    [copy] = (root / "gz").iterdir()
    long_ago = time.time() - 100 * DAY
    os.utime(copy, (long_ago, long_ago))
    before = os.stat(copy).st_ino
    bundle._gzip_cached(src, dst, cache=root)  # the next build
    assert os.stat(copy).st_ino == before and copy.stat().st_mtime > long_ago + 99 * DAY  # reused, stamped
    for n in range(cache.KEEP_NEWEST):  # newer runtimes, all unused for longer than the days
        entry(root / "gz", f"other-{n}.gz", 50, folder=False)
    cache.prune(root / "gz")
    assert copy.exists()


def test_no_more_than_8_entries_are_kept_even_when_used_within_the_days(tmp_path):
    """Found in review: a team tuning daily on a shared cache used a new 90 MB export every day, and every one
    used within 30 days was kept (~30 of them). Beyond 8 (docs/operating.md, "Caches") the least recently used
    go, however recent."""
    kept = 8
    root = tmp_path / "onnx"
    daily = [entry(root, f"tuned-{n}", n + 0.5).name for n in range(kept + 4)]  # the newest first
    assert kept + 4 < cache.UNUSED_DAYS  # every one used within the days
    removed = cache.prune(root)
    assert names(root) == set(daily[:kept])
    assert {p.name for p in removed} == set(daily[kept:])
