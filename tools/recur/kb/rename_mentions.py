"""The prose a `recur rename OLD NEW` leaves naming OLD: a pattern's body (``see disk-full``), an incident record's
Summary, a path step's ``why``, a link to OLD's page (``[x](../capacity/disk-full.md)``), the KB's own documents.
Prose is its author's, so it is not changed (the stub keeps a link leading on to NEW), but it is listed, file and
line, so an author can bring it up to date by hand. A value that is the id alone (``patterns: [disk-full]``,
``- pattern: disk-full``) is a reference, not prose: the rename points those it should at NEW and keeps the
others (an incident's ``patterns``, a retired pattern's links: the stub keeps them valid). The retired stub and
the other retired patterns are history, not listed."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from recur.kb.loader import KB_FOLDERS

_SUFFIXES = (".md", ".markdown", ".yml", ".yaml")
_RETIRED = re.compile(r"^status:\s*['\"]?retired['\"]?\s*(#.*)?$")
# what stands before and after an id that is a YAML value of its own: a key's colon, a list's dash or bracket, a
# comma; then the line's end, a comma, a closing bracket or a comment
_BEFORE = re.compile(r"(^|[:\[{,]|^\s*-)\s*$")
_AFTER = re.compile(r"^\s*($|[,\]}]|#)")


def id_word(pid: str) -> re.Pattern:
    """``pid`` as a word of its own, in any letter case: not a part of a longer id (``disk-full`` in
    ``disk-full-logs``) or word (kb.rename's YAML references and the prose here alike)."""
    return re.compile(rf"(?<![\w-]){re.escape(pid)}(?![\w-])", re.IGNORECASE)


@dataclass(frozen=True)
class Mention:
    """A line of prose naming the renamed pattern's old id: its file, its line (1-based), the line as written."""

    path: Path
    line: int
    text: str


def prose_mentions(root, pid: str, stub: Path | None, texts: dict) -> list[Mention]:
    """Each line of the KB's (at ``root``) records and documents that names ``pid`` in prose after the rename
    (``texts``: the files the rename writes, {path: text}, read as written; the others as they are on disk), in
    file order; ``stub`` aside (None: known by its ``status: retired``, as every retired pattern is)."""
    word = id_word(pid)
    out: list[Mention] = []
    # the files the rename writes too: the new file is not on disk yet in a dry run (nor, moved by --category,
    # under a folder walked), and its copied body names OLD as the written one does
    for path in sorted({*_files(Path(root)), *map(Path, texts)}):
        if path == stub:
            continue
        text = texts.get(path)
        if text is None:
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
        if pid.casefold() not in text.casefold():
            continue
        out += _in_file(path, text, word)
    return out


def _files(root: Path) -> list[Path]:
    """The KB's records (its folders'), and the Markdown at its root and under a docs/ folder (the site's pages
    where the KB is the repository's root); hidden files and folders aside."""
    found: list[Path] = [p for p in root.glob("*.md") if not p.name.startswith(".")]
    for sub in (*KB_FOLDERS, "docs"):
        for here, dirs, names in os.walk(root / sub):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            found += [Path(here) / n for n in names if not n.startswith(".") and n.lower().endswith(_SUFFIXES)]
    return sorted(set(found))


def _in_file(path: Path, text: str, word: re.Pattern) -> list[Mention]:
    lines = text.split("\n")
    yaml_lines = len(lines) if path.suffix.lower() in (".yml", ".yaml") else 0
    # a byte order mark (Notepad's UTF-8) before the front matter's opening line, which the loader reads past
    if path.suffix.lower() in (".md", ".markdown") and lines and lines[0].lstrip("\ufeff").strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), 0)
        if any(_RETIRED.match(line.strip()) for line in lines[1:end]):
            return []  # a retired pattern: its words are its history
        yaml_lines = end + 1
    out = []
    for n, line in enumerate(lines):
        found = list(word.finditer(line))
        if not found:
            continue
        if n < yaml_lines and all(_reference(line, m) for m in found):
            continue
        out.append(Mention(path, n + 1, line.strip()))
    return out


def _reference(line: str, m: re.Match) -> bool:
    """Whether the id found at ``m`` is a YAML value of its own (in quotes or not), not a word among others."""
    before, after = line[: m.start()], line[m.end() :]
    if before.endswith(("'", '"')) and after.startswith(before[-1]):
        before, after = before[:-1], after[1:]
    if "#" in before and re.search(r"(^|\s)#", before):  # in a comment: words
        return False
    return bool(_BEFORE.search(before)) and bool(_AFTER.match(after))
