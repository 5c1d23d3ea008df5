"""The server's messages as /healthz says them: without the server's folders.

``reload_error``, ``stale`` and ``site_stale`` name the index, the KB and the site folders; the server's
log says them whole, and /healthz, open to anyone, says "the index on disk", "the knowledge base" and
"the served site" instead, files in them by their names within, and a suggested command's folders as
``<index>``, ``<kb>`` and ``<site>`` (docs/api.md). A message the server builds is built in pieces (a
``Said``): its folders and commands marked, nothing guessed. Text from elsewhere (the index loader's
errors) is searched for whole paths only: the folders were found as any text, so with ``--site site``
"the served site" was said for every "site" of the message ("the the served site was built ... (recur the
served site)", found in review), and a KB folder "docs" made docs.json "the knowledge base.json"."""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Folder:
    path: str | os.PathLike
    said: str  # how a message brings it in: "the index" (at PATH)
    name: str  # what /healthz says for it: "the index on disk"
    placeholder: str  # for it in a command to run: "<index>"
    options: tuple[str, ...]  # the options a command names it with

    def spellings(self) -> set[str]:
        """The ways a message may write it: as given (relative with `make run`), absolute, resolved."""
        path = os.fspath(self.path)
        return {path, Path(path).as_posix(), os.path.abspath(path), str(Path(path).resolve())}


def server_folders(index_dir, kb_dir=None, site_dir=None) -> list[Folder]:
    """The folders of a server whose paths /healthz does not say (those it has)."""
    folders = [
        (index_dir, "the index", "the index on disk", "<index>", ("--index",)),
        (kb_dir, "the knowledge base", "the knowledge base", "<kb>", ("--kb",)),
        (site_dir, "the site", "the served site", "<site>", ("--out", "--site")),
    ]
    return [Folder(*folder) for folder in folders if folder[0] is not None]


class Said(str):
    """A message as the log says it, whole; ``public``: the same message as /healthz says it."""

    public: str


def said(*pieces) -> Said:
    """A message of ``pieces``: a text is said alike in both, a (whole, public) pair differs."""
    message = Said("".join(p if isinstance(p, str) else p[0] for p in pieces))
    message.public = "".join(p if isinstance(p, str) else p[1] for p in pieces)
    return message


def at(folders: list[Folder], placeholder: str) -> tuple[str, str]:
    """ "the index at PATH" (the folder of ``placeholder``: "<index>"), said by its name in public."""
    folder = next(f for f in folders if f.placeholder == placeholder)
    return f"{folder.said} at {os.fspath(folder.path)}", folder.name


def command(text: str, folders: list[Folder]) -> tuple[str, str]:
    """A command this server built (``shlex``-quoted words), its folder options' values as placeholders
    in public: the word after each folder option is that folder, with no search of the text."""
    placeholders = {option: f.placeholder for f in folders for option in f.options}
    words = shlex.split(text)
    shown = [
        placeholders[words[i - 1]] if i and words[i - 1] in placeholders else shlex.quote(word)
        for i, word in enumerate(words)
    ]
    return text, " ".join(shown)


def elsewhere(text: str, folders: list[Folder]) -> tuple[str, str]:
    """Text not built here (an error's): its whole paths taken out in public (``without_paths``)."""
    return text, without_paths(text, folders)


def public(message: str | None, folders: list[Folder]) -> str | None:
    """``message`` as /healthz says it."""
    if not message:
        return message
    if isinstance(message, Said):
        return message.public
    return without_paths(message, folders)


_OPTION = r"(?P<option>--[a-z]+[ =])"
_SAID = r"(?P<said>\b[Tt]he (?:index|knowledge base|site) at )"
_BEFORE = r"(?<![^\s'\"()=:])"  # a path starts the text or follows a space, a quote, a bracket, = or :
# a folder's name while a swap is under way (util/files.py: the build's ``.tmp-<pid>``, the previous folder's
# ``.old``): the same folder to a reader, and the server's path all the same; said as its name with the suffix
_SUFFIX = r"(?P<suffix>\.old|\.tmp-\d+)?"
_AFTER = r"(?:(?P<within>/)|(?=$|[\s'\"()=:;,]|\.(?:\s|$)))"  # ... and ends so, or at a sentence's full stop


def without_paths(text: str, folders: list[Folder]) -> str:
    """``text`` with each whole path of ``folders`` said by its name: "the index at PATH" as "the index on
    disk", PATH/FILE as "the index on disk's FILE", an option's PATH (--index PATH, --index=PATH) as
    <index>; one mid-swap (PATH.old, PATH.tmp-<pid>) by its name and that suffix. A path within another is
    not cut out of it: the longest is taken first, and one ends where text that is no more of it follows. A
    folder of one word (site, kb) reads as that word where it is no path ("recur site"): it is taken only
    after "the site at", its option, or a quote."""
    by_spelling = {spelling: f for f in reversed(folders) for spelling in f.spellings() if spelling}
    if not by_spelling:
        return text
    paths = "|".join(re.escape(s) for s in sorted(by_spelling, key=len, reverse=True))
    pattern = re.compile(
        rf"(?:{_OPTION}|{_SAID})?{_BEFORE}(?P<quote>['\"])?(?P<path>{paths}){_SUFFIX}{_AFTER}(?P<close>['\"])?"
    )

    def name(m: re.Match) -> str:
        folder = by_spelling[m["path"]]
        option, quote, close, suffix = m["option"] or "", m["quote"] or "", m["close"] or "", m["suffix"] or ""
        own = option[:-1] in folder.options
        if own and not m["within"]:  # --index 'a path': <index>, its quotes too
            return f"{option}{folder.placeholder}{suffix}" + ("" if quote else close)
        if "/" not in m["path"] and not os.path.isabs(m["path"]) and not (own or m["said"] or quote):
            return m[0]
        shown = folder.name
        if m["said"] and not m["said"].lower().startswith(folder.said + " "):  # "the site at" the KB's path
            shown = m["said"] + shown
        elif m["said"] and m["said"][0] == "T":
            shown = shown[0].upper() + shown[1:]
        return option + quote + shown + suffix + ("'s " if m["within"] else "") + close

    return pattern.sub(name, text)
