"""``recur site --file-search``: the header search of a site opened from disk (file://, a file share).

A page opened from a file may fetch nothing and start no worker from a file, so mkdocs-material's
search (its index fetched as JSON, its lunr worker a file) cannot start there. Two scripts make it
work, written beside the index after the build:

``search/search_index.js``
    the index, as a script that sets the global ``__index``: what material itself loads from
    file:// (its ``offline`` plugin writes the same file; that plugin also adds a worker shim
    fetched from unpkg.com, which Recur's sites never fetch from).
``search/recur-search-worker.js``
    material's own search worker, as text in a global; the theme's ``assets/recur-file.js``
    starts it from a blob, the one way a file:// page starts a worker in Chromium and Firefox.

``patterns/retired.js``
    the retired patterns' pages (``patterns/retired.json``), which the describe box leaves out when,
    without its model on disk, it lists pattern pages by words from that index.

The index is a second copy of ``search_index.json``: the site grows by about its size (measured
in docs/site.md, `recur site --file-search`). Served over http(s) none of these files is read. Only
material's English search (its default ``lang``) starts from a blob: other languages' stemmers are
loaded by the worker with importScripts, which a blob worker of a file:// page may not do.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from recur.util.files import write_atomic

log = logging.getLogger("mkdocs.plugins.recur")

INDEX_JS = "search/search_index.js"
WORKER_JS = "search/recur-search-worker.js"
RETIRED_JSON, RETIRED_JS = "patterns/retired.json", "patterns/retired.js"
WORKER_GLOB = "assets/javascripts/workers/search.*.js"  # material's worker, named by its content hash
_SOURCE_MAP = re.compile(r"\n//# sourceMappingURL=\S*\s*$")  # a blob's map would be looked up by nothing


def write_file_search(site_dir: Path) -> bool:
    """Write both scripts into the built site at ``site_dir``; False (and a warning saying why) when the
    site has no search index or no material search worker to make them from."""
    index = site_dir / "search" / "search_index.json"
    workers = sorted(p for p in site_dir.glob(WORKER_GLOB) if not p.name.endswith(".map"))
    if not index.is_file() or not workers:
        missing = "search/search_index.json (plugins: has no `search`)" if not index.is_file() else WORKER_GLOB
        log.warning(f"recur: file search left out: the site has no {missing}")
        return False
    text = index.read_text(encoding="utf-8").strip()
    langs = _languages(text)
    if langs != ["en"]:  # the worker loads other languages' stemmers with importScripts, refused from a blob
        log.warning(f"recur: file search left out: the search languages are {langs}; from file:// only English "
                    f"(the default) works, so opened from disk the header search says it needs http(s)")
        return False
    # the file as the search plugin wrote it: material reads __index as it would have parsed the JSON
    write_atomic(site_dir / INDEX_JS, "var __index = " + text + ";\n", overwrite=True)
    code = _SOURCE_MAP.sub("\n", workers[-1].read_text(encoding="utf-8"))
    write_atomic(site_dir / WORKER_JS, "window.__recur_search_worker = " + json.dumps(code) + ";\n", overwrite=True)
    _retired_script(site_dir)
    return True


def _languages(index_text: str) -> list:
    try:
        langs = json.loads(index_text).get("config", {}).get("lang")
    except (ValueError, AttributeError):
        return []
    return langs if isinstance(langs, list) else []


def _retired_script(site_dir: Path) -> None:
    """patterns/retired.js: the retired patterns' pages (patterns/retired.json) as a script, so the describe
    box, ranking pattern pages by words from disk, leaves them out as it does served (a site's own mkdocs
    build without the generated pages has no list: nothing is written)."""
    listed = site_dir / RETIRED_JSON
    try:
        retired = json.loads(listed.read_text(encoding="utf-8")).get("retired")
    except (OSError, ValueError, AttributeError):
        return
    if isinstance(retired, list):
        write_atomic(site_dir / RETIRED_JS, "window.__recur_retired = " + json.dumps(retired) + ";\n", overwrite=True)
