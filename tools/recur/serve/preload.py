"""Every module of Recur a request can import, imported once as `recur serve` starts (``preload``).

Recur imports most of its modules on first use (``recur --help`` and ``recur check`` stay fast, torch-free).
For a server that runs for weeks, first use can be long after the start: a ``pip install --upgrade recur``
into the venv of a running server left it with the old version's modules loaded and the new version's files
on disk, and the first request that needed a module not yet loaded imported the new file into the old
code. Every ``POST /api/alertmanager`` of a 0.2.0 server answered 500 (``unexpected ImportError``: its
``recur.ingest.coverage``, loaded on first use, was main's) while ``/healthz`` said ok (found in an upgrade
review). Imported at the start, every module is read from the files the server started with.

Which modules: all of the packages a request can reach, walked on disk (not a list kept by hand, which the
next lazy import would leave behind): the server's own and those it imports from (no module of them imports
``recur.cli``, ``recur.site`` or ``recur.tuning``), ``recur.kb.marks`` and ``recur.kb.inline`` among them
(Python-Markdown loads them by name, as it loads its own extensions, ``MARKDOWN_EXTENSIONS``: no reading of the
import statements finds them). Not ``recur.cli`` (what `recur serve` runs of it is imported before its start-up
line), ``recur.site`` (the static site's builder: the server only serves its files) nor ``recur.tuning`` (the
engine's first load imports the one module it uses, ``recur.tuning.data``). Checked with an import hook on a
server answering every route, Slack, each /mcp tool, then stopping: no module first imported after it is ready.
None of them imports torch or sentence-transformers
(they stay inside the functions that load a model: the engine's load imports them, or not with ONNX). 110
modules walked in `recur serve` (267 new to the process: numpy, faiss and the MCP SDK among them, which the start
imports anyway): 0.35 s of CPU, 3-5 s on a machine loaded 5 times over (measured: 2 cores, load 10-14).
"""

from __future__ import annotations

import importlib
import pkgutil

# the packages walked, each module of each (their subpackages too); recur.config is imported by all of them
PACKAGES = ("recur.util", "recur.kb", "recur.retrieval", "recur.ingest", "recur.problems", "recur.serve")


def preload(command: str = "recur serve") -> int:
    """Import every module of ``PACKAGES`` and the Markdown extensions a KB is rendered with; the number of
    Recur's modules walked. An import that fails raises ``PreloadError`` naming the module and the ``command`` to
    start again (`recur mcp` preloads too: an assistant's stdio server runs as long as its editor, days)."""
    names: list[str] = []
    for package in PACKAGES:
        _walk(package, names, command)
    from recur.kb.parse import MARKDOWN_EXTENSIONS  # imported by the walk, without error

    for name in MARKDOWN_EXTENSIONS:  # "toc": markdown.extensions.toc, as Python-Markdown names its own
        _imported(name if "." in name else f"markdown.extensions.{name}", command)
    return len(names)


class PreloadError(Exception):
    """A module ``preload`` could not import (``module``), and why (``cause``)."""

    def __init__(self, module: str, cause: BaseException, command: str = "recur serve"):
        super().__init__(
            f"cannot import {module} ({type(cause).__name__}: {cause}): Recur's files are damaged or were changing "
            f"as the server started (an upgrade in progress); install Recur again, then start {command} again"
        )
        self.module, self.cause = module, cause


def _imported(name: str, command: str):
    try:
        return importlib.import_module(name)
    except Exception as exc:  # a module's body can raise anything; SyntaxError too
        raise PreloadError(name, exc, command) from exc


def _walk(name: str, names: list[str], command: str) -> None:
    """Import ``name`` and, a package, each module in its folder (subpackages walked in turn), noting each in
    ``names``: the files on disk now, at the start."""
    module = _imported(name, command)
    names.append(name)
    for info in pkgutil.iter_modules(getattr(module, "__path__", None) or []):
        _walk(f"{name}.{info.name}", names, command)
