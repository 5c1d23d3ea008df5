"""A pattern renamed, `recur rename OLD NEW`: the steps docs/kb-format.md ("Renaming a pattern") gave an author to
do by hand, which few got right the first time, done at once. The pattern's file is copied to NEW's (its id written,
and its category when it moves to another folder), the old file becomes the retired stub that keeps every record
naming OLD valid (``status: retired``, ``superseded_by: NEW``, ``retired:`` today, an open fix closed: the copy holds
it now), and what `recur check` would then name is pointed at NEW: the onboarding paths' steps, eval/cases.yml's
expected ids, and the ``related`` and ``distinguish`` entries of the other patterns in use (a retired pattern's are
its history, as `recur check` leaves them). Incident records and feedback are left naming OLD: the stub keeps them
valid, and the site, the board and the API follow it to NEW.

Each file is planned as `recur fix` plans its edit (kb.incident_marks.edited_text: each value changed in place, so
the author's comments, key order and layout stay, and read back as `recur check` reads it), under the edit lock of
every folder written (the KB root's first), and all are written at once (util.files.write_all_atomic): the KB is
left as it was, or renamed whole; a kill -9 among the renames is finished by the next rename, from the journal
(kb.rename_journal). Nothing is written when one of the files has errors `recur check` names. The prose still naming
OLD is left as written, and listed (kb.rename_mentions).
"""

from __future__ import annotations

import contextlib
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from recur import config
from recur.kb.incident_marks import Edit, edited_text
from recur.kb.rename_journal import JOURNAL, write_journaled
from recur.util.errors import RecurError
from recur.util.files import editing
from recur.util.text import plural


@dataclass
class FileChange:
    """One file the rename writes: its new text, and what changed in it, said in a line each."""

    path: Path
    text: str
    said: list[str]
    new: bool = False  # the pattern's new file (never written over one)


@dataclass
class Renamed:
    """What `recur rename` changed (or, in a dry run, would change)."""

    old: str
    new: str
    changes: list[FileChange] = field(default_factory=list)
    incidents: int = 0  # the incident records left naming OLD (the stub keeps them valid)
    # the records naming an id OLD replaced (a retired pattern superseded by it, chains followed), by that id: they
    # counted as OLD's history and count as NEW's now, through the stubs (those naming OLD too counted above)
    inherited: dict = field(default_factory=dict)
    mentions: list = field(default_factory=list)  # rename_mentions.Mention: prose still naming OLD, left as written


def rename_pattern(kb, old: str, new: str, category: str | None = None, dry: bool = False) -> Renamed:
    """Rename pattern ``old`` to ``new`` in the KB ``kb`` (loaded), its new file in ``category``'s folder (None:
    its own): the changes, written all at once unless ``dry``. A RecurError, nothing written, for an unknown,
    retired or draft ``old``, a ``new`` that is no kebab-case id or is taken by any pattern file (a retired stub
    too), and a file to change that has errors of its own."""
    from recur.kb.pattern_fix import find_pattern_file

    if not old.strip():  # "$OLD" unset in a script
        raise RecurError("OLD is empty: give the id of the pattern to rename, e.g. disk-full")
    pid, old_path = find_pattern_file(kb, old, label="OLD")
    _refuse_status(old_path, pid)
    new_id = _free_id(kb, new, pid)
    folder = _category(kb, old_path, category)
    new_path = kb.root / "patterns" / folder / f"{new_id}.md"
    referrers = _referrers(kb, pid, old_path)
    _refuse_errors(kb, [old_path, *(path for path, _, _ in referrers)])
    # the root first (every rename holds it while its journal exists), then the rest in one order, so two renames
    # at once wait for each other, never deadlock
    held = [] if dry else [kb.root, *sorted({old_path.parent, *(path.parent for path, _, _ in referrers)})]
    with contextlib.ExitStack() as stack:
        for held_folder in held:
            stack.enter_context(editing(held_folder, _shown(held_folder)))
        if not dry and (kb.root / JOURNAL).exists():
            raise RecurError(f"{_shown(kb.root / JOURNAL)}: a rename was interrupted: run `recur rename` to finish it")
        changes = [_copy(old_path, pid, new_id, new_path), _stub(old_path, new_id)]
        changes += [_pointed(path, whole, places, pid, new_id) for path, whole, places in referrers if places]
        texts = {c.path: c.text for c in changes}
        if not dry:
            write_journaled(kb.root, pid, new_id, texts, [new_path])
    done = Renamed(pid, new_id, changes, len(kb.incidents_for(pid)))
    for _, earlier in kb.inherited_incidents(pid):
        done.inherited[earlier] = done.inherited.get(earlier, 0) + 1
    from recur.kb.rename_mentions import prose_mentions

    done.mentions = prose_mentions(kb.root, pid, old_path, texts)
    return done


def _shown(path: Path) -> str:
    from recur.kb.loader import display_path

    return display_path(path)


def _free_id(kb, new: str, old: str) -> str:
    """``new`` when it is an id `recur check` takes (kebab-case, a name a file can have) that no pattern file has,
    in any folder, in any letter case (a retired stub's too: its id names it in records); else why not."""
    from recur.kb import schema
    from recur.kb.scaffold import existing_pattern_file, kebab

    given = new.strip()
    if not given:
        raise RecurError("NEW is empty: give the pattern's new id, e.g. volume-full")
    schema.name_fits(kebab(given, "NEW"), "NEW")
    if given == old:
        raise RecurError(f"NEW: {given!r} is the pattern's id already; give the new one")
    taken = [p for p in sorted((kb.root / "patterns").glob("*/*.md")) if p.stem.casefold() == given.casefold()]
    if kb.pattern_known(given) or taken:
        where = existing_pattern_file(kb, given) if kb.pattern_known(given) else _shown(taken[0])
        raise RecurError(
            f"NEW: pattern {given!r} already exists ({where}); an id names one pattern for good (a retired stub "
            "keeps its id for the records naming it): choose another"
        )
    return given


def _category(kb, old_path: Path, category: str | None) -> str:
    """The folder of the new file: ``category`` (as `recur new pattern --category` takes it: a slip of a
    category the KB has is refused), else the pattern's own."""
    from recur.kb.scaffold import pattern_category

    if category is None or category.strip() == old_path.parent.name:
        return old_path.parent.name
    return pattern_category(kb, category.strip())


def _front(path: Path):
    from recur.kb.incident_record import read_front

    return read_front(path)[2]


def _refuse_status(old_path: Path, pid: str) -> None:
    """A RecurError for a pattern the rename cannot leave a stub of: one retired already (its id stays for the
    records naming it), or a draft (the stub's superseded_by would name a draft, which `recur check` warns of:
    readers sent to a page still being written)."""
    doc = _front(old_path)
    data = doc.data if isinstance(doc.data, dict) else {}
    status, at = str(data.get("status") or ""), f"{_shown(old_path)}:{doc.lines.get(('status',), 1)}: status:"
    if status == "draft":
        raise RecurError(
            f"{at} {pid} is a draft: its retired stub would send readers to a draft (recur check warns of that); "
            "publish it first (status: active), or, while no record names it, rename its file and id by hand"
        )
    if status != "retired":
        return
    after = data.get("superseded_by")
    named = f" (superseded_by: {', '.join(map(str, after)) if isinstance(after, list) else after})" if after else ""
    raise RecurError(
        f"{at} {pid} is retired already{named}: its id stays for the records naming it; rename the pattern in use "
        "that replaced it, or set status: active first"
    )


def _refuse_errors(kb, paths: list[Path]) -> None:
    """A RecurError naming the errors `recur check` finds in ``paths``, the files the rename must change: one
    edited with an error of its own was written, and the KB left failing its check for a reason the rename
    could not say."""
    from recur.kb.check import run_checks

    shown = {_shown(p) for p in paths}
    errors = [p for p in run_checks(kb, only=lambda s: s in shown) if p.is_error and p.path in shown]
    if errors:
        listed = "; ".join(str(p) for p in errors[:5]) + (f"; and {len(errors) - 5} more" if len(errors) > 5 else "")
        raise RecurError(
            f"{plural(len(errors), 'error')} in the files the rename must change: {listed}; fix "
            f"{'it' if len(errors) == 1 else 'them'} first (recur check), nothing written"
        )


def _referrers(kb, pid: str, old_path: Path) -> list[tuple[Path, bool, list[tuple]]]:
    """(file, whether it is YAML whole, the places in it naming ``pid``) of each file the rename points at the new
    id: the other patterns in use (``related``, ``distinguish[].from``), the onboarding paths (``steps[].pattern``)
    and eval/cases.yml (``expect``). A file that names the id otherwise (``_named``: None) is listed to be checked
    for errors, not changed: one that does not read, or names it in a form of its own, is refused with its errors."""
    out = []
    for path in _files(kb.root / "patterns", ("*/*.md",)):
        if path != old_path:
            out.append((path, False, _named(path, pid, False, _pattern_places)))
    for path in _files(kb.root / "paths", ("*.yml", "*.yaml")):
        out.append((path, True, _named(path, pid, True, _step_places)))
    for path in _files(kb.root / "eval", ("cases.yml",)):
        out.append((path, True, _named(path, pid, True, _case_places)))
    return [(path, whole, places) for path, whole, places in out if places != []]


def _files(folder: Path, globs) -> list[Path]:
    found = {p for g in globs for p in folder.glob(g) if p.is_file() and not p.name.startswith(".")}
    return sorted(found)


def _named(path: Path, pid: str, whole: bool, places) -> list[tuple] | None:
    """The places of the file's data naming ``pid`` (``places(data, pid)``); None when its YAML (a pattern's front
    matter) names the id as a word and the file does not read, or reads naming it in none of those places (in
    another form, ``from: [disk-full]``, an error of its own; or in a comment, a text): a file to check for errors,
    not to change."""
    from recur.kb.incident_marks import _read_yaml

    try:
        doc = _read_yaml(path, _shown(path))[2] if whole else _front(path)
    except RecurError:
        doc = None
    found = [] if doc is None else places(doc.data, pid)
    retired = doc is not None and not whole and isinstance(doc.data, dict) and doc.data.get("status") == "retired"
    if found or retired or not _names_as_word(path, pid, whole):  # a retired pattern's links: history, left
        return found
    return None


def _names_as_word(path: Path, pid: str, whole: bool) -> bool:
    """Whether the file's YAML (a pattern's front matter) has ``pid`` as a word, in any letter case: `recur check`
    names 'Disk-Full' with its error (did you mean disk-full?), which a rename left leading to the retired stub."""
    from recur.kb.parse import front_matter_end

    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    if not whole:
        lines = text.split("\n")
        text = "\n".join(lines[: front_matter_end(lines) or len(lines)])
    from recur.kb.rename_mentions import id_word

    return id_word(pid).search(text) is not None


def _is(value, pid: str) -> bool:
    return isinstance(value, str) and value.strip() == pid


def _pattern_places(data, pid: str) -> list[tuple]:
    if not isinstance(data, dict) or str(data.get("status") or "") == "retired":  # its links are its history
        return []
    related, distinguish = data.get("related"), data.get("distinguish")
    out = [("related", i) for i, v in enumerate(related) if _is(v, pid)] if isinstance(related, list) else []
    if isinstance(distinguish, list):
        out += [
            ("distinguish", i, "from")
            for i, d in enumerate(distinguish)
            if isinstance(d, dict) and _is(d.get("from"), pid)
        ]
    return out


def _step_places(data, pid: str) -> list[tuple]:
    steps = data.get("steps") if isinstance(data, dict) else None
    if not isinstance(steps, list):
        return []
    return [("steps", i, "pattern") for i, s in enumerate(steps) if isinstance(s, dict) and _is(s.get("pattern"), pid)]


def _case_places(data, pid: str) -> list[tuple]:
    out: list[tuple] = []
    for i, case in enumerate(data if isinstance(data, list) else []):
        expect = case.get("expect") if isinstance(case, dict) else None
        if isinstance(expect, list):
            out += [(i, "expect", k) for k, v in enumerate(expect) if _is(v, pid)]
        elif _is(expect, pid):
            out.append((i, "expect"))
    return out


def _copy(old_path: Path, pid: str, new_id: str, new_path: Path) -> FileChange:
    """The pattern's new file: its old one with ``id: NEW`` (and ``category:``, moved to another folder, with its
    relative links made to lead where they led from the old folder)."""
    moved = new_path.parent != old_path.parent
    cat = new_path.parent.name

    def plan(have: dict) -> list[Edit]:
        return [(("id",), new_id, new_id)] + ([(("category",), cat, cat)] if moved else [])

    _, text = edited_text(old_path, plan)
    said = [f"new: {pid}'s file with id: {new_id}" + (f", category: {cat}" if moved else "")]
    if moved:
        text, links = _links_moved(text, old_path, new_path.parent.name)
        said += [f"{plural(links, 'relative link')} rewritten to lead from {cat}/ to the same files"] if links else []
    return FileChange(new_path, text, said, new=True)


def _stub(old_path: Path, new_id: str) -> FileChange:
    """The old file as the retired stub: ``status: retired``, ``superseded_by: NEW``, ``retired:`` today, and
    its fix closed when it was still to do (``pattern_fix.closing_edits``; the copy keeps it open)."""
    from recur.kb.pattern_fix import closing_edits

    today = config.today().isoformat()

    def plan(have: dict) -> list[Edit]:
        fix = have.get("fix")
        edits = [
            (("status",), "retired", "retired"),
            (("superseded_by",), new_id, new_id),
            (("retired",), today, today),
        ]
        return edits + (closing_edits(fix) if isinstance(fix, dict) else [])

    edits, text = edited_text(old_path, plan)
    said = ", ".join(
        f"{'.'.join(map(str, where))}: {'(taken out)' if value is None else value}" for where, _, value in edits
    )
    return FileChange(old_path, text, [f"retired stub: {said}"])


def _pointed(path: Path, whole: bool, places: list[tuple], pid: str, new_id: str) -> FileChange:
    """``path`` with each of ``places`` naming ``new_id`` in place of ``pid``, in the quotes it was written in
    (``related: ["disk-full"]`` stays quoted)."""
    from recur.kb.incident_marks import _read_front_text, _read_yaml
    from recur.kb.record_edit import dotted, quote_of

    front = (_read_yaml(path, _shown(path)) if whole else _read_front_text(path))[0]
    quoted = {where: quote_of(front, where) for where in places}
    edits, text = edited_text(
        path, lambda have: [(where, f"{quoted[where]}{new_id}{quoted[where]}", new_id) for where in places], whole
    )
    return FileChange(path, text, [f"{', '.join(dotted(where) for where, _, _ in edits)}: {pid} → {new_id}"])


def _links_moved(text: str, old_path: Path, new_category: str) -> tuple[str, int]:
    """``text`` (a pattern file's) with each relative link of its body (``[x](y.md)``, an image, a reference
    definition) rewritten to lead, from ``patterns/<new_category>/``, to the file it led to from the old file's
    folder; and how many were. Links in code (a fence, a code span) are not links; a URL, a ``#place`` and a
    link from the site's root are left as they are."""
    from recur.kb.incident_record import split_front
    from recur.kb.lint import _CODE_SPAN, _LINK

    rest = split_front(text, old_path)[1]
    head, old_dir, new_dir = (
        text[: len(text) - len(rest)],
        f"patterns/{old_path.parent.name}",
        f"patterns/{new_category}",
    )
    count, fenced, lines = 0, False, []
    for line in rest.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and ("](" in line or "]:" in line):
            code = [m.span() for m in _CODE_SPAN.finditer(line)]
            for m in reversed(list(_LINK.finditer(line))):
                n = next((g for g in range(1, 5) if m.group(g) is not None), None)
                if n is None or any(a <= m.start() < b for a, b in code):
                    continue
                moved = _moved_target(m.group(n), old_dir, new_dir)
                if moved != m.group(n):
                    line, count = line[: m.start(n)] + moved + line[m.end(n) :], count + 1
        lines.append(line)
    return head + "\n".join(lines), count


def _moved_target(target: str, old_dir: str, new_dir: str) -> str:
    """``target``, a link of a file in ``old_dir``, as the same file's link from ``new_dir`` (KB folders)."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", target) or target.startswith(("#", "/")):
        return target  # a URL, a place on the same page, a path from the site's root
    path, after = re.match(r"([^#?]*)(.*)", target, re.S).groups()
    if not path:
        return target
    return posixpath.relpath(posixpath.normpath(posixpath.join(old_dir, path)), new_dir) + after
