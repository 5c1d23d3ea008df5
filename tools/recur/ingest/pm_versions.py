"""Which files of a folder are versions of one postmortem by their names: `postmortem-draft.md` and `postmortem.md`,
`db-outage-v1.md` and `db-outage-v2.md`, `pm-wip.md` and `pm-final.md`. `recur import DIR` imports the final and
skips a draft of it (importer.drafts_in_folder), where both were recorded, two records of one incident."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# the words of a file name that say which version of a postmortem it is: a draft's, a final's, a numbered one's
_DRAFT = frozenset({"draft", "wip", "preliminary", "prelim"})
_FINAL = frozenset({"final"})
_VERSION = re.compile(r"v(\d{1,3})")
_SPLIT = re.compile(r"[\s._()\[\]-]+")


@dataclass(frozen=True)
class Version:
    """A file's name read for its version: ``key``, its words without the version's; ``rank``, 0 a draft, N its
    version number (v2: 2), FINAL_RANK a final; None: its name says nothing (`postmortem.md`)."""

    key: tuple[str, ...]
    rank: int | None
    said: str  # the words of the name that say it, "draft", "v2", "final"; "" when none


FINAL_RANK = 10_000


def version(path: Path) -> Version:
    words = [w for w in _SPLIT.split(path.stem.casefold()) if w]
    key, rank, said = [], None, []
    for w in words:
        number = _VERSION.fullmatch(w)
        if w in _DRAFT or w in _FINAL or number:
            rank = 0 if w in _DRAFT else FINAL_RANK if w in _FINAL else int(number[1])
            said.append(w)
        else:
            key.append(w)
    return Version(tuple(key), rank if len(said) == 1 else None, " ".join(said))


def later(a: Version, b: Version) -> bool | None:
    """Whether ``a`` is a later version than ``b`` by their names (True, False), or None when the names do not tell:
    a plain name is later than a draft's and earlier than a final's, and no order with a numbered one
    (`pm.md`, `pm-v2.md`: either may be the first)."""
    if a.rank is not None and b.rank is not None:
        return None if a.rank == b.rank else a.rank > b.rank
    known = a.rank if a.rank is not None else b.rank
    if known in (0, FINAL_RANK) and (a.rank is None) != (b.rank is None):
        plain_later = known == 0
        return plain_later if a.rank is None else not plain_later
    return None


def one_title(a: str | None, b: str | None) -> bool:
    """Whether two postmortems' titles are one, their draft and final words aside ("[DRAFT] DB outage", "DB outage"):
    a name says a version (`draft-horse-outage.md`, `final-countdown.md`, `v2-api-outage.md`) of another incident's
    postmortem too, whose title is its own. None (no title) is no one's."""
    if a is None or b is None:
        return False
    words = [[w for w in re.findall(r"\w+", t.casefold()) if w not in _DRAFT | _FINAL] for t in (a, b)]
    return bool(words[0]) and words[0] == words[1]


def finals(paths: list[Path]) -> dict[Path, Path]:
    """{each earlier version: the latest version} of the ``paths`` whose names are one postmortem's versions (the
    same words but the version's), when the names tell one file later than every other (``later``); a group whose
    names do not tell (`pm.md` beside `pm-v2.md`, two drafts, a name saying two, `pm-final-v2.md`, which was taken
    for a plain name and skipped as a draft of `pm-final.md`) is left out."""
    groups: dict[tuple, list[tuple[Path, Version]]] = {}
    for path in paths:
        v = version(path)
        if v.key:
            groups.setdefault((path.parent, v.key), []).append((path, v))
    out: dict[Path, Path] = {}
    for group in groups.values():
        if len(group) < 2 or not any(v.said for _, v in group) or any(v.said and v.rank is None for _, v in group):
            continue
        for path, v in group:
            others = [w for p, w in group if p != path]
            if all(later(v, w) for w in others):
                out.update({p: path for p, _ in group if p != path})
                break
    return out
