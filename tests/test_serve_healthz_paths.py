"""/healthz names no server path, and its messages still read right where the folders are common words.

Found in review: with the default relative folders (`make run`, the systemd unit in docs/operating.md:
`--kb kb --index .recur/index --site site`), `site_stale` read "the the served site was built ... until it
is rebuilt (recur the served site)": every occurrence of the word "site" was taken for the folder. The same
happened to `stale` and `reload_error` with a KB folder or an index folder named by a word ("docs" in
"docs.json", "index" in "recur index")."""

from __future__ import annotations

import time

import httpx
import pytest
from kbfactory import small_kb
from serve_runs import ServeForks
from serve_util import free_socket, wait_healthy

from recur.kb.site_record import read_site_record
from recur.site.build import build_site


@pytest.fixture(scope="module")
def forks(tmp_path_factory):
    """`recur index` and `recur serve` runs forked from one Python that imported Recur and the web stack once
    (serve_runs.ServeForks): what the server says of its folders is the question here, not its start."""
    server = ServeForks(tmp_path_factory.mktemp("forks"))
    yield server
    server.close()


def _recur(forks, args: list, cwd) -> None:
    """`recur ARGS` run to its end from ``cwd`` (forked), which must succeed."""
    run = forks.start(args, cwd=cwd)
    out, _ = run.communicate(timeout=120)
    assert run.returncode == 0, out


def _health_when(base: str, cond, wait: float = 60) -> dict:
    """/healthz once ``cond`` holds of it; an AssertionError naming the last answer after ``wait`` seconds
    (a bound on a hang, not a speed asserted: the server looks at the KB every 5 s)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        h = httpx.get(base + "/healthz").json()
        if cond(h):
            return h
        time.sleep(0.2)
    raise AssertionError(h)


# (KB folder, index folder, site folder, what the commands /healthz suggests give of them): `make run` and
# docs/operating.md's unit, whose folders are the defaults (so no folder option), and folders named by words
# that the messages use ("docs" as in docs.json, "index" as in `recur index`), given as options
LAYOUTS = [("kb", ".recur/index", "site", ""), ("docs", "index", "site", " --kb <kb> --index <index>")]


@pytest.mark.parametrize("kb, index, site, options", LAYOUTS, ids=["defaults", "docs-index-site"])
def test_healthz_messages_read_right_with_folders_named_by_common_words(forks, tmp_path, kb, index, site, options):
    small_kb(tmp_path / kb)
    folders = ["--kb", kb, "--index", index]
    build = ["index", *folders, "--model", "fake:64", "--quiet"]
    _recur(forks, build, tmp_path)
    build_site(tmp_path / kb, tmp_path / site, browser_search=False, index_dir=tmp_path / index)
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    serve = ["serve", *folders, "--site", site, "--model", "fake:64", "--port", str(port)]
    proc = forks.start([*serve, "--feedback", "fb.jsonl"], cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        first = wait_healthy(base)
        assert (first["stale"], first["site_stale"], first["reload_error"]) == (None, None, None), first

        pattern = tmp_path / kb / "patterns/capacity/disk-full.md"
        pattern.write_text(pattern.read_text() + "\nEdited.\n")  # a pattern edited: the served index is stale
        h = _health_when(base, lambda h: h["stale"])
        assert h["stale"] == (
            "the knowledge base changed since the served index was built (patterns/capacity/disk-full.md); "
            f"the old index answers until it is rebuilt (recur index{options} --model fake:64)"
        ), h

        _recur(forks, build, tmp_path)  # `recur index`
        # the watcher checks the KB, then the site: a look in between has stale null and the site still "behind the
        # knowledge base" (the edit's words): wait for the site's words after the reload
        h = _health_when(base, lambda h: h["stale"] is None and "from other KB files" in (h["site_stale"] or ""))
        site_built = read_site_record(tmp_path / site).built
        assert h["site_stale"] == (
            f"the served site was built {site_built} from other KB files than the served index (built "
            f"{h['built']}): pages of patterns added or changed since are missing or out of date until it is "
            f"rebuilt (recur site{options})"
        ), h

        (tmp_path / index / "docs.json").write_text("{}")  # the served build's file damaged on disk
        h = _health_when(base, lambda h: h["reload_error"])
        assert h["reload_error"] == (
            "the index on disk is damaged or incomplete (docs.json is not the file it was built with: its "
            "sha256 differs; a copy of it still running, or cut short?); finish the copy, or rebuild it with: "
            f"recur index{options} --rebuild; the index loaded before keeps answering, but a restart would fail"
        ), h
        assert str(tmp_path) not in httpx.get(base + "/healthz").text
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    # the server's log has them whole, with the folders as they were given
    assert f"WARNING recur.serve: the knowledge base at {kb} changed since the served index was built" in out, out
    assert f"WARNING recur.serve: the site at {site} was built " in out, out


ROOT = "/srv/recur"


@pytest.mark.parametrize(
    "message, said",
    [
        # a path inside another, longer one is not cut out of it; the longest is said first
        (
            f"[Errno 13] Permission denied: '{ROOT}/kb/patterns/x.md'",
            "[Errno 13] Permission denied: 'the knowledge base's patterns/x.md'",
        ),
        (f"updating {ROOT}/.recur/index.", "updating the index on disk."),
        # a folder mid-swap (util/files.py's .old and .tmp-<pid>) is the server's path too: its name and suffix
        (f"the index at {ROOT}/.recur/index.old is gone", "the index on disk.old is gone"),
        (
            f"[Errno 39] Directory not empty: '{ROOT}/.recur/index.tmp-4242/docs.json'",
            "[Errno 39] Directory not empty: 'the index on disk.tmp-4242's docs.json'",
        ),
        (f"renaming {ROOT}/kb.old.", "renaming the knowledge base.old."),
        (f"recur index --index {ROOT}/.recur/index.old", "recur index --index <index>.old"),
        (f"not {ROOT}/.recur/index.older", f"not {ROOT}/.recur/index.older"),
        ("cannot read 'site.old'", "cannot read 'the served site.old'"),
        ("the site.old is a word here", "the site.old is a word here"),
        (f"not {ROOT}/kbx (--kb)", f"not {ROOT}/kbx (--kb)"),
        # a folder named by one word is that folder only where a path stands, never as a word of the text
        (
            "the site at site was built: rebuild it (recur site --out site)",
            "the served site was built: rebuild it (recur site --out <site>)",
        ),
        ("the site: recur site --model site", "the site: recur site --model site"),
        ("cannot read 'site/index.html'", "cannot read 'the served site's index.html'"),
        (f"recur index --kb {ROOT}/kb --index={ROOT}/.recur/index", "recur index --kb <kb> --index=<index>"),
        ("[Errno 2] No such file or directory: 'site'", "[Errno 2] No such file or directory: 'the served site'"),
        (f"The index at {ROOT}/.recur/index has format 9", "The index on disk has format 9"),
        (f"rebuild it: recur index --kb '{ROOT}/kb' --rebuild", "rebuild it: recur index --kb <kb> --rebuild"),
    ],
)
def test_text_from_elsewhere_loses_only_whole_paths(message, said):
    """Messages /healthz passes on from the index's loader (reload_error): their paths found in the text."""
    from recur.serve.public import Folder, without_paths

    folders = [
        Folder(f"{ROOT}/.recur/index", "the index", "the index on disk", "<index>", ("--index",)),
        Folder(f"{ROOT}/kb", "the knowledge base", "the knowledge base", "<kb>", ("--kb",)),
        Folder("site", "the site", "the served site", "<site>", ("--out", "--site")),
    ]
    assert without_paths(message, folders) == said
