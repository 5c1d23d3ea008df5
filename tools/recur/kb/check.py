"""``recur check``: everything wrong with a KB, collected before failing once.

Per-file schema problems come from the loader; this module adds the checks that need the
whole KB (duplicate ids, references between files). Authoring advice (lint.py) is added as
warnings. Nothing here imports the embedding stack: check must stay fast.
"""

from __future__ import annotations

import dataclasses
import html
import re
import unicodedata
from pathlib import PurePath

from recur.kb.loader import load_kb, onboarding_path_file
from recur.kb.records import KB
from recur.util.errors import Problem
from recur.util.text import close_ids, is_emoji, plural, query_key, quoted, signal_key

# the code of the error of a reference to a pattern id no file has (a related, a successor, an incident's
# pattern, a path's step, a case's expect): what a rename or a deletion leaves in the files that name the id
UNKNOWN_ID = "unknown-id"


def cross_checks(kb: KB, shown_first=None) -> list[Problem]:
    """The checks that need the whole KB: duplicate ids, and ids that other files refer to (``shown_first``: as
    ``_with_rename_advice``'s)."""
    return _with_rename_advice(
        kb,
        duplicate_ids(kb)
        + pattern_title_warnings(kb)
        + shared_symptom_warnings(kb)
        + shared_signal_notices(kb)
        + _pattern_refs(kb)
        + _record_refs(kb)
        + superseded_problems(kb)
        + expect_problems(kb.cases, _shown(kb, "eval/cases.yml"), kb.pattern_known, kb.pattern_files)
        + retired_expect_warnings(kb)
        + retired_step_warnings(kb)
        + retired_link_warnings(kb)
        + draft_step_notices(kb)
        + path_list_problems(kb)
        + duplicate_case_warnings(kb)
        + triage_problems(kb),
        shown_first,
    )


def duplicate_ids(kb: KB) -> list[Problem]:
    """One error per file whose pattern or incident id another file has too (the loader keeps the
    first it read; the others are left out of everything built from the KB)."""
    problems = []
    for what, table in (("pattern", kb.pattern_files), ("incident", kb.incident_files)):
        for rid, files in table.items():
            if sum(PurePath(f).stem == rid for f in files) == 1:
                # one file is named for the id, so the others have an id that is not their file's name: the
                # loader's error at each of those (a copy's) names this file and is the duplicate's report too;
                # said again at both, a pattern copied as a template was three errors (found in review)
                continue
            for f in files if len(files) > 1 else ():
                others = ", ".join(x for x in files if x != f)
                line = kb.id_lines.get(f, 2)
                problems.append(Problem(f, line, "id", f"duplicate {what} id {rid!r} (also in {others}){_twin(what)}"))
    return problems


def _twin(what: str) -> str:
    """What to do about a duplicate id, as the end of its message: it named the other file and no step
    (found by a pattern author). An id is its file's name (the loader checks it), so a new id is a rename."""
    one, whose = ("failure", "a pattern's") if what == "pattern" else ("incident", "an incident's")
    return (
        f": if they are one {one}, merge them into one file and delete the other; else give one a new id, "
        f"in its id: line and its file name alike ({whose} id is its file name)"
    )


def pattern_title_warnings(kb: KB) -> list[Problem]:
    """Two patterns with the same title as the site shows it (``title_key``): a warning at each
    file, naming the other, as `check --similar` says a likely duplicate (either may be the one to change,
    and `recur new pattern` names the pattern there already at the new file). A responder sees two results
    alike and picks one; most often it is a new pattern written for a failure the KB has already. Nothing
    was said (found in review: such a copy passed `check --strict --similar`), though two onboarding paths
    with one title are. A retired pattern is left out: the one that replaced it may well keep its title."""
    by_title: dict = {}
    for p in sorted(_titled(kb), key=lambda p: p.relpath):
        if p.status != "retired" and p.title:
            by_title.setdefault(title_key(p.title), []).append(p)
    out = []
    for same in by_title.values():
        for p in same if len(same) > 1 else ():
            others = ", ".join(f"{o.id} ({_shown(kb, o.relpath)}, line {o.line('title')})" for o in same if o is not p)
            what = (
                f"{p.title!r} is also the title of {others}: search results and the site show them alike; if "
                "they are one failure, extend one (and retire the other), else give each its own title"
            )
            out.append(Problem(_shown(kb, p.relpath), p.line("title"), "title", what, "warning"))
    return out


def _titled(kb: KB) -> list:
    """The patterns whose titles and symptoms are compared: the KB's, and those left out for errors of their
    own (as read, their title or symptoms unread when at fault): a duplicate title was said only once an
    unknown severity in the same file was fixed (found by a pattern author). Not a copy of an id the KB has
    (the duplicate id is its error)."""
    return [*kb.patterns.values(), *(p for p in kb.unloaded_patterns if p.id not in kb.patterns)]


# how many of the other patterns sharing a symptom its warning names by file and line; the rest are counted.
# Each warning named all k-1 others: k patterns sharing "5xx rate up" gave k lines of k-1 names, 13.95 MB of
# warnings and 58-74% of `recur check`'s time at 1,000 patterns (found in a scale review). Each of the others
# has the warning at its own file, so the author of any one of them still finds them all.
SHARED_NAMED = 3


def shared_symptom_warnings(kb: KB) -> list[Problem]:
    """A symptom that another pattern has too, as read (``symptom_key``): a warning at each, naming the others'
    files and lines (the first ``SHARED_NAMED``, by file, and how many more). A responder's words that match
    it rank them alike, and `recur suggest` calls them a close call with nothing to tell them apart. Found in
    review: a new draft given two of disk-full's symptoms word for word passed `check --strict --similar`,
    and its query then ranked disk-full medium after the draft. Pairs with a ``distinguish`` entry are left
    out (the authors said how they differ, and suggest shows it), as is a retired pattern (its successor may
    keep its words)."""
    by_key: dict = {}
    for p in sorted(_titled(kb), key=lambda p: p.relpath):
        for i, symptom in enumerate(p.symptoms if p.status != "retired" else ()):
            by_key.setdefault(symptom_key(symptom), {}).setdefault(p.id, (p, i))  # a pattern's own repeat: once
    shown: dict = {}  # relpath -> as shown: worked out once a pattern, not once a pair (137,823 calls at 1,000)
    out = []
    for same in by_key.values():
        for p, i in same.values() if len(same) > 1 else ():
            others = [(o, j) for o, j in same.values() if o is not p and not _told_apart(p, o)]
            if others:
                out.append(_shared_symptom(kb, p, i, others, shown))
    return out


def _where(kb: KB, shown: dict):
    """A pattern's file as a shared-symptom or shared-signal line names it, worked out once per file (``shown``)."""

    def where(o) -> str:
        if o.relpath not in shown:
            shown[o.relpath] = _shown(kb, o.relpath)
        return shown[o.relpath]

    return where


def _named(others: list, field: str, where, more_said: str = "") -> str:
    """The other patterns sharing an entry of ``field``, each with its file and line: ``SHARED_NAMED`` of them,
    then how many more (a symptom or signal listed by 1,000 patterns named them all, 14 MB of check output)."""
    named = ", ".join(f"{o.id} ({where(o)}, line {o.line(field, j)})" for o, j in others[:SHARED_NAMED])
    if len(others) > SHARED_NAMED:
        named += f" and {len(others) - SHARED_NAMED} more patterns{more_said}"
    return named


def _shared_symptom(kb: KB, p, i: int, others: list, shown: dict) -> Problem:
    where = _where(kb, shown)
    named = _named(others, "symptoms", where, " (each warned at its own file)")
    what = (
        f"{p.symptoms[i]!r} is also a symptom of {named}: a responder's words that match it rank the patterns "
        "alike, with nothing to tell them apart; if they are one failure, extend one (and retire the other), "
        "else write the symptom as this failure shows it, or add a distinguish entry saying how they differ"
    )
    return Problem(where(p), p.line("symptoms", i), f"symptoms[{i}]", what, "warning")


def shared_signal_notices(kb: KB, at: str | None = None) -> list[Problem]:
    """A signal that other patterns list too, as the ranking reads it (``signal_key``: case, spacing and numbers
    aside but a status, an errno or an exit code, so ``dial tcp 10.0.0.1:5432: i/o timeout`` is ``dial tcp
    52.1.2.3:443: …`` and ``[Errno 24]`` is not ``[Errno 99]``): a notice
    per shared signal, at the first file listing it (by path), naming the others' files and lines (the first
    ``SHARED_NAMED``, and how many more: one line per signal, so a KB whose signals 50 patterns share says
    each once). The ranking takes such a signal found in a text as strong evidence for every pattern listing
    it ("listed by N patterns"), so it cannot tell them apart; nothing said so (found in review: 13 of the
    starter KB's signals, ``ENOSPC``, ``HTTP 503 Service Unavailable``, are). A notice, not a warning: an
    error code is often a signal of several failures, and `check --strict` passes. ``at`` (a pattern id):
    the notices of that pattern's shared signals instead, each at its own line (what `recur new pattern`
    says of the pattern it wrote). Retired patterns are left out, as the index leaves them out."""
    by_norm: dict = {}
    for p in sorted(kb.active_patterns(), key=lambda p: p.relpath):
        for i, signal in enumerate(p.signals):
            by_norm.setdefault(signal_key(signal), {}).setdefault(p.id, (p, i))  # a pattern's own repeat: once
    shown: dict = {}  # relpath -> as shown, worked out once a file: display_path was 75% of this at 1,000 patterns
    out = []
    for same in by_norm.values():
        if len(same) < 2:
            continue
        if at is None:
            p, i = next(iter(same.values()))
        elif at in same:
            p, i = same[at]
        else:
            continue
        out.append(_shared_signal(kb, p, i, [(o, j) for o, j in same.values() if o is not p], shown))
    return out


SHARED_SIGNAL = "is also a signal of"  # the words that mark the notice (`recur new` tells it from check's others)


def is_shared_signal(problem: Problem) -> bool:
    """Whether ``problem`` is a ``shared_signal_notices`` notice."""
    return problem.level == "notice" and problem.field.startswith("signals[") and SHARED_SIGNAL in problem.message


def _shared_signal(kb: KB, p, i: int, others: list, shown: dict) -> Problem:
    where = _where(kb, shown)
    named = _named(others, "signals", where)
    what = (
        f"{p.signals[i]!r} {SHARED_SIGNAL} {named}: found in a text, it is evidence for each of them alike "
        f"(listed by {len(others) + 1} patterns), so it cannot tell them apart: add one only this failure "
        "shows"
    )
    return Problem(where(p), p.line("signals", i), f"signals[{i}]", what, "notice")


def _told_apart(p, other) -> bool:
    """Whether either pattern has a ``distinguish`` entry naming the other."""
    return any(d["from"] == other.id for d in p.distinguish) or any(d["from"] == p.id for d in other.distinguish)


def left_out(kb: KB) -> set[str]:
    """The files not in the KB as loaded (what `recur index` and `recur report` warn of): those with
    errors of their own, and those whose id the record the loader kept has too."""
    return {p.path for p in left_out_problems(kb)}


def left_out_problems(kb: KB) -> list[Problem]:
    """One error per file ``left_out`` names, sorted by path: its first error, as `recur check`
    prints it (``path:line: field: message``), so a warning can say which file and why."""
    found = list(kb.errors)
    if dups := duplicate_ids(kb):  # the kept files' shown paths only then: 12,000 of them were 0.4 s a board
        kept = {_shown(kb, r.relpath) for r in [*kb.patterns.values(), *kb.incidents.values()]}
        found += [p for p in dups if p.path not in kept]
    first: dict[str, Problem] = {}
    for p in sorted(found, key=Problem.sort_key):
        first.setdefault(p.path, p)
    return list(first.values())


def unknown_link_problems(kb: KB) -> list[Problem]:
    """The first pattern id no pattern file has (`recur check`'s error, with its did-you-mean) of each incident
    the KB kept, sorted by path. The incident loads, so ``left_out_problems`` (the files not loaded) never had
    it, and `recur report` counted it silently under a pattern that does not exist: not left out, not "needs
    analysis", every gate passing, the meant pattern's counts short (found in a problem manager's review). The
    board leaves such an incident out (``problems.board.counted_incidents``) and names it with these."""
    out = []
    for inc in kb.incidents.values():
        bad = [(n, pid) for n, pid in enumerate(inc.patterns) if not kb.pattern_known(pid)]
        if bad:
            n, pid = bad[0]
            out.append(
                Problem(_shown(kb, inc.relpath), inc.line("patterns", n), f"patterns[{n}]", unknown_pattern(kb, pid))
            )
    return sorted(out, key=Problem.sort_key)


def unread_slips(kb: KB) -> list[Problem]:
    """The warnings of a key, in an incident the report counts or a pattern's ``fix``, that looks like a
    slip of one the format has (``follow-ups:``, ``Due:`` in a follow-up, ``stauts:`` in a fix): the
    record is kept, what the key holds is not read, so it is missing from the board. A hand-written
    ``follow-ups:`` (the command's spelling) dropped an incident's overdue follow-ups from the report
    and ``--fail-on overdue`` passed, with a warning only in ``recur check``."""
    from recur.kb.schema import FIX, is_unused_slip

    slips = [p for p in kb.problems if is_unused_slip(p)]
    if not slips:  # the shown paths of every record only then: 12,000 of them were 0.3 s a board (2,000 patterns)
        return []
    incidents = {_shown(kb, i.relpath) for i in kb.incidents.values()}
    patterns = {_shown(kb, p.relpath) for p in kb.patterns.values()}
    # a key of fix outdented out of it (``due:`` at the top, below a fix: with none) is a fix's too
    found = [
        p
        for p in slips
        if p.path in incidents or (p.path in patterns and (p.field.startswith("fix") or p.field in FIX))
    ]
    return sorted(found, key=Problem.sort_key)


def _pattern_refs(kb: KB) -> list[Problem]:
    """``related`` and ``distinguish[].from`` in patterns."""
    problems = []
    for p in kb.all_patterns():  # each copy of a duplicate id too, at its own file (not the id's first file)
        shown = _shown(kb, p.relpath)
        for i, rid in enumerate(p.related):
            if rid == p.id:
                problems.append(
                    Problem(
                        shown,
                        p.line("related", i),
                        f"related[{i}]",
                        "a pattern cannot be related to itself: take it out",
                    )
                )
            elif not kb.pattern_known(rid):
                what = unknown_pattern(kb, rid, own=p.id)
                problems.append(Problem(shown, p.line("related", i), f"related[{i}]", what, code=UNKNOWN_ID))
        for i, d in enumerate(p.distinguish):
            if d["from"] == p.id:  # as related: a pattern told apart from itself (found in review)
                what = "a pattern cannot be told apart from itself: name the pattern it is mistaken for"
                problems.append(Problem(shown, p.line("distinguish", i, "from"), f"distinguish[{i}].from", what))
            elif not kb.pattern_known(d["from"]):
                problems.append(
                    Problem(
                        shown,
                        p.line("distinguish", i, "from"),
                        f"distinguish[{i}].from",
                        unknown_pattern(kb, d["from"], own=p.id),
                        code=UNKNOWN_ID,
                    )
                )
    return problems


def _retired_day(p, shown: str) -> list[Problem]:
    """A pattern's ``retired:`` day that cannot be the day it was retired: on a pattern in use (a team's own key of
    that name, written before Recur read it, may say something else: not failing --strict, as a key of its own
    does not), or before the day it was written (``created:``), where a board of a day between took it as retired
    before it existed."""
    if p.retired_on is None:
        return []
    if p.status != "retired":  # the day it was retired, on a pattern in use
        what = f"retired on a pattern that is {p.status}: set status: retired, or remove retired"
        return [Problem(shown, p.line("retired"), "retired", what, "warning", strict=False)]
    if p.created is not None and p.retired_on < p.created:
        what = f"retired {p.retired_on} is before created {p.created}: a pattern is retired after it was written"
        return [Problem(shown, p.line("retired"), "retired", what, "warning")]
    return []


def superseded_problems(kb: KB) -> list[Problem]:
    """``superseded_by`` of every pattern: an id no pattern has (an error, as for ``related``), on a
    pattern that is not retired (a warning: a live pattern has no successor, so one of the two is a
    slip; so is a ``retired:`` day), and a cycle of retired patterns each naming the next (an error: the way to the pattern in
    use never ends). A retired successor is followed to its own (A -> B -> C), as ``KB.successors`` does."""
    problems = []
    for p in kb.all_patterns():
        shown = _shown(kb, p.relpath)
        for i, sid in enumerate(p.superseded_by):
            name, line = _superseded_at(p, i)
            if sid == p.id:
                problems.append(Problem(shown, line, name, "a pattern cannot be superseded by itself"))
            elif not kb.pattern_known(sid):
                problems.append(Problem(shown, line, name, unknown_pattern(kb, sid, own=p.id), code=UNKNOWN_ID))
            elif (what := _successor_not_ready(kb, sid)) is not None:
                problems.append(Problem(shown, line, name, what, "warning"))
        for i, _ in _repeats(p.superseded_by):  # as in an incident: a slip, a split's other half never named
            name, line = _superseded_at(p, i)
            problems.append(Problem(shown, line, name, f"{p.superseded_by[i]!r} is listed twice", "warning"))
        if p.superseded_by and p.status != "retired":
            what = f"superseded_by on a pattern that is {p.status}: set status: retired, or remove superseded_by"
            problems.append(Problem(shown, p.line("superseded_by"), "superseded_by", what, "warning"))
        problems += _retired_day(p, shown)
        if p.status != "retired" or p is not kb.patterns.get(p.id):  # the way on: of the file the KB kept
            continue
        loop = _supersede_cycle(kb, p)
        if loop:
            what = f"a cycle of retired patterns: {' -> '.join(loop)}; name the pattern in use that replaced them"
            problems.append(Problem(shown, p.line("superseded_by"), "superseded_by", what))
        else:
            problems += _dead_ends(kb, p, shown)
    return problems


def _successor_not_ready(kb: KB, sid: str) -> str | None:
    """Why successor ``sid`` (a known id) sends a reader to no published page, or None: a draft (a retired
    pattern pointing readers to a page still being written), or a file with errors of its own, left out
    of the site and the index (the KB knows its id, so it is no "unknown id"; its own error is said at
    its file, and here where the retired pattern leads to it)."""
    s = kb.patterns.get(sid)
    if s is not None:
        if s.status != "draft":
            return None
        return f"{sid!r} is a draft (status: draft), still being written: publish it (status: active), or name a pattern in use"
    files = kb.pattern_files.get(sid) or kb.misplaced.get(sid) or ["its file"]
    return (
        f"{sid!r} has errors in its file ({files[0]}), so it is left out of the site and the index, and the "
        "retired page names it without a link: fix that file"
    )


def _dead_ends(kb: KB, p, shown: str) -> list[Problem]:
    """A warning per successor of retired ``p`` that is retired too and leads to no pattern in use (it names
    none, or only retired ones): the path step, the case, the page and the API then name nothing, or a
    retired page, as what replaced ``p``; `KB.successors` drops that way without a word."""
    out = []
    for i, sid in enumerate(p.superseded_by):
        s = kb.patterns.get(sid)
        if sid != p.id and s is not None and s.status == "retired" and not kb.successors(sid):
            name, line = _superseded_at(p, i)
            what = (
                f"{sid!r} is retired too, and names no pattern in use that replaced it: name the pattern in use "
                f"here, or in the superseded_by of {sid}"
            )
            out.append(Problem(shown, line, name, what, "warning"))
    return out


def _superseded_at(p, i: int) -> tuple[str, int]:
    """The field name and line of a pattern's i-th successor: ``superseded_by: x`` is one id, not a list."""
    if ("superseded_by", i) in p.lines:
        return f"superseded_by[{i}]", p.line("superseded_by", i)
    return "superseded_by", p.line("superseded_by")


def _supersede_cycle(kb: KB, start) -> list | None:
    """The ids of a way from ``start`` back to itself through retired successors, or None."""
    todo = [(sid, [start.id, sid]) for sid in start.superseded_by if sid != start.id]
    seen: set = set()
    while todo:
        pid, way = todo.pop(0)
        if pid == start.id:
            return way
        p = kb.patterns.get(pid)
        if pid in seen or p is None or p.status != "retired":
            continue
        seen.add(pid)
        todo += [(nxt, [*way, nxt]) for nxt in p.superseded_by]
    return None


def _record_refs(kb: KB) -> list[Problem]:
    """Pattern ids named by incidents and by onboarding paths, including those left out of the KB
    for errors of their own (``kb.unloaded_refs``), so every mistake shows in one run."""
    problems = [
        Problem(
            shown,
            line,
            name,
            unknown_step(kb, pid) if name.startswith("steps[") else _unknown_ref(kb, shown, name, pid),
            code=UNKNOWN_ID,
        )
        for shown, name, line, pid in kb.unloaded_refs
        if not kb.pattern_known(pid)
    ]
    problems += _unloaded_repeats(kb)
    for inc in kb.all_incidents():
        shown = _shown(kb, inc.relpath)
        problems += [
            Problem(shown, inc.line("patterns", i), f"patterns[{i}]", unknown_pattern(kb, pid), code=UNKNOWN_ID)
            for i, pid in enumerate(inc.patterns)
            if not kb.pattern_known(pid)
        ]
        problems += [  # a slip: it links nothing more, and the author meant another id or none
            Problem(shown, inc.line("patterns", i), f"patterns[{i}]", f"{inc.patterns[i]!r} is listed twice", "warning")
            for i, _ in _repeats(inc.patterns)
        ]
    for path in kb.paths.values():
        shown = _shown(kb, path.relpath)
        problems += [
            Problem(
                shown,
                path.line("steps", i, "pattern"),
                f"steps[{i}].pattern",
                unknown_step(kb, step.pattern),
                code=UNKNOWN_ID,
            )
            for i, step in enumerate(path.steps)
            if not kb.pattern_known(step.pattern)
        ]
        problems += [  # as in an incident: a slip, the newcomer reads the same page twice and the meant one never
            _step_twice(
                shown,
                path.steps[i].pattern,
                i,
                path.line("steps", i, "pattern"),
                first,
                path.line("steps", first, "pattern"),
            )
            for i, first in _repeats([s.pattern for s in path.steps])
        ]
    return problems


def _step_twice(shown: str, pid: str, i: int, line: int, first: int, first_line: int) -> Problem:
    # the line of the first, and what to do: it named neither, in a file of a dozen steps
    what = f"{pid!r} is already steps[{first}] (line {first_line}): remove one, or name the pattern meant here"
    return Problem(shown, line, f"steps[{i}].pattern", what, "warning")


def _unloaded_repeats(kb: KB) -> list[Problem]:
    """An id named twice in a file left out for another error (a path's steps, an incident's patterns, a
    pattern's superseded_by): it was said only once that error was fixed, a second run of `recur check` for a
    slip the first could have named (the ids from ``kb.unloaded_refs``). The messages and lines are those of a
    file that loads."""
    found: dict = {}
    for shown, name, line, pid in kb.unloaded_refs:
        m = re.fullmatch(r"(steps|patterns|superseded_by)\[(\d+)\](\.pattern)?", name)
        if m:
            found.setdefault((shown, m.group(1)), []).append((int(m.group(2)), name, line, pid))
    out = []
    for (shown, key), ids in found.items():
        for k, first in _repeats([pid for *_, pid in ids]):
            (i, name, line, pid), (j, _, first_line, _) = ids[k], ids[first]
            if key == "steps":
                out.append(_step_twice(shown, pid, i, line, j, first_line))
            else:  # as superseded_problems and _record_refs say it of a file that loads
                out.append(Problem(shown, line, name, f"{pid!r} is listed twice", "warning"))
    return out


def unknown_pattern(kb: KB, pid: str, own: str | None = None) -> str:
    """The message for an id no pattern file has, with the ids it was probably meant to be: a slip in a
    path's step or an incident's patterns ("disk-ful") was named with no hint, and the author went
    looking through patterns/ for the right spelling. ``own``: the id of the pattern naming it, never
    offered (``related: [redis-oom]`` in redis-eviction-storm was "did you mean redis-eviction-storm?",
    which is then "cannot be related to itself"; found by a pattern author)."""
    return no_pattern(pid, [x for x in kb.pattern_files if x != own])


def _unknown_ref(kb: KB, shown: str, name: str, pid: str) -> str:
    """``unknown_pattern`` for an id named by a record left out for errors of its own: a pattern's (its
    related, distinguish or superseded_by) offers any id but its own, its file's name."""
    pattern = not name.startswith("patterns[")
    return unknown_pattern(kb, pid, own=PurePath(shown).stem if pattern else None)


def unknown_step(kb: KB, pid: str) -> str:
    """The message for a path step naming no pattern. A step naming another onboarding path (to read it
    first, "- pattern: first-week-on-call") was "no pattern has id", which sent the author looking for a
    pattern file: paths do not nest, and the message says so and what to write instead."""
    if file := onboarding_path_file(kb.root, pid):
        return (
            f"{pid!r} is an onboarding path ({file}), not a pattern: a step names a pattern, and "
            f"paths do not nest; list the patterns of {pid} meant here as steps of their own"
        )
    return unknown_pattern(kb, pid)


def no_pattern(pid: str, ids) -> str:
    """ "no pattern has id 'disk-ful'; did you mean disk-full?": the ids of ``ids`` it was probably meant to be."""
    close = close_ids(pid, ids, cutoff=0.6)
    return f"no pattern has id {pid!r}" + (f"; did you mean {', '.join(close)}?" if close else _no_such(pid))


def _no_such(pid: str) -> str:
    """The next step for an id that no pattern has nor is close to: it was "no pattern has id 'x'" alone
    (found by a pattern author naming one still to be written in its related)."""
    return f": take it out, or write that pattern first (recur new pattern --id {pid})"


def _with_rename_advice(kb: KB, problems: list[Problem], shown_first=None) -> list[Problem]:
    """``problems`` with the rename advice (``_renamed_said``) added once to the first error naming each pattern id
    that no file has and no id is close to (no slip; or one is, and two incident records name it:
    ``_renamed_not_slipped``), when it looks like a rename: an incident names it (incidents
    name patterns that were), or exactly one pattern is where it was, in the related of the patterns that name it.
    Renaming disk-full.md to volume-full.md (its id too) gave seven errors each saying "take it out, or write that
    pattern first", where the supported rename keeps the old file as a retired stub (found in review); git, which
    knows of the rename, is not at hand in general. Added to an error, it shows wherever the errors show (the
    pre-commit hook's `check --quiet FILES` shows those naming an id no file has, whatever the file). ``shown_first``:
    a sort key of a shown path, for output that lists some files first (`recur check --changed`, FILES): the advice
    goes on the first error naming the id that is shown, not the first in the KB's order, which sat below the
    changed file's (found in a re-read); None: the KB's order."""
    advice, named, by_incidents, namers = {}, None, None, {}
    for pid, refs in _dangling(kb).items():
        close = close_ids(pid, kb.pattern_files, cutoff=0.6)
        if onboarding_path_file(kb.root, pid) or (close and not _renamed_not_slipped(kb, pid)):
            continue
        if named is None:  # once, for every such id: a KB with many of them is not read again for each
            by_incidents = set().union(*_incidents_naming(kb))
            named = by_incidents | {r for p in kb.patterns.values() for r in p.related if r != p.id}
            named |= {step.pattern for path in kb.paths.values() for step in path.steps}
            named |= {r for case in kb.cases for r in case.expect}
            namers = _namers(kb)
        new = _renamed_to(kb, pid, named, namers) or (close[0] if len(close) == 1 else None)
        if new is not None or pid in by_incidents:
            first = min(refs, key=lambda ref: (shown_first(ref[0]), ref)) if shown_first else min(refs)
            advice[first] = _renamed_said(pid, new)
    if not advice:
        return problems
    out = []
    for p in problems:
        said = advice.pop((p.path, p.line, p.field), None) if p.code == UNKNOWN_ID else None
        out.append(dataclasses.replace(p, message=f"{p.message}; {said}") if said else p)
    return out


def _renamed_not_slipped(kb: KB, pid: str) -> bool:
    """Whether an id no file has, close to one a file has, reads as a rename rather than a slip: incident records
    name it in two files or more. A slip is typed once; a KB two years old whose db-connection-pool-exhausted.md
    was moved to db-pool-exhausted.md had five incidents naming the old id, each told only "did you mean
    db-pool-exhausted?", and the maintainer edited history where the format keeps a retired stub (found ageing a KB)."""
    return sum(pid in named for named in _incidents_naming(kb)) >= 2


def _incidents_naming(kb: KB) -> list[set]:
    """The pattern ids each incident file names, those left out for errors of their own too (``unloaded_refs``):
    two records naming the old id, one with an unknown severity, gave no rename advice until that other error was
    fixed, and the first error naming the old id was told the spelling alone (found ageing a KB)."""
    unloaded: dict = {}
    for shown, name, _, pid in kb.unloaded_refs:
        if name.startswith("patterns["):
            unloaded.setdefault(shown, set()).add(pid)
    return [set(inc.patterns) for inc in kb.all_incidents()] + list(unloaded.values())


def _renamed_said(pid: str, new: str | None) -> str:
    return (
        f"if {pid} was renamed, keep {pid}.md as status: retired with superseded_by: {new or '<its new id>'}, so "
        'links and votes keep working ("Renaming a pattern" in the KB format reference: KB-FORMAT.md, or recur kb-format)'
    )


def _dangling(kb: KB) -> dict[str, list[tuple[str, int, str]]]:
    """{pattern id no file has: [(file shown, line, field)]} of what patterns' related, incidents, onboarding
    paths and the retrieval cases name."""
    refs: dict = {}
    for p in kb.all_patterns():
        for i, rid in enumerate(p.related):
            refs.setdefault(rid, []).append((_shown(kb, p.relpath), p.line("related", i), f"related[{i}]"))
    for inc in kb.all_incidents():
        for i, pid in enumerate(inc.patterns):
            refs.setdefault(pid, []).append((_shown(kb, inc.relpath), inc.line("patterns", i), f"patterns[{i}]"))
    for path in kb.paths.values():
        for i, step in enumerate(path.steps):
            at = (_shown(kb, path.relpath), path.line("steps", i, "pattern"), f"steps[{i}].pattern")
            refs.setdefault(step.pattern, []).append(at)
    for shown, name, line, pid in kb.unloaded_refs:
        refs.setdefault(pid, []).append((shown, line, name))
    # the retrieval cases too: their file (eval/cases.yml) sorts before incidents/ and patterns/, so its error came
    # first in `recur check`'s output without the advice, which an incident's error further down carried
    shown = _shown(kb, "eval/cases.yml")
    for n, case in enumerate(kb.cases):
        for k, pid in enumerate(case.expect):
            refs.setdefault(pid, []).append((shown, _expect_line(case, k), f"[{_pos(case, n)}].expect"))
    return {pid: at for pid, at in refs.items() if not kb.pattern_known(pid)}


def _namers(kb: KB) -> dict[str, list]:
    """{id: the patterns whose related name it, in the KB's order}: ``_renamed_to`` reads it for each id no file
    has, where it went through every pattern's related for each (a KB naming 7,000 such ids took two minutes)."""
    namers: dict = {}
    for p in kb.patterns.values():
        for rid in dict.fromkeys(p.related):
            namers.setdefault(rid, []).append(p)
    return namers


def _renamed_to(kb: KB, pid: str, named: set, namers: dict | None = None) -> str | None:
    """The pattern ``pid`` was most likely renamed to: the one pattern whose related lists the most of the patterns
    whose related name ``pid`` and not it (a rename keeps the file's related, and the links back still name the
    old id: one-way links); None when no pattern, or more than one, does so. A pattern they name back is no
    rename of it, nor one any record names (``named``: a new id is named by none yet): db-pool-exhausted,
    listing disk-full, which names a pattern still to be written and no longer db-pool-exhausted, is no rename
    of that one. ``namers``: ``_namers(kb)``, made once by a caller asking of many ids."""
    namers = _namers(kb) if namers is None else namers
    naming = {p.id: p.related for p in namers.get(pid, ())}
    if not naming:
        return None
    # only a pattern whose related names one of ``naming`` scores above 0
    candidates = {p.id: p for q in naming for p in namers.get(q, ())}
    score = {
        p.id: sum(q in naming and p.id not in naming[q] for q in p.related)
        for p in candidates.values()
        if p.status != "retired" and p.id not in named
    }
    best = max(score.values(), default=0)
    top = [q for q, n in score.items() if n == best]
    return top[0] if best and len(top) == 1 else None


def _repeats(ids: list) -> list[tuple[int, int]]:
    """(position, position of its first listing) for every id listed again."""
    first: dict = {}
    return [(i, first[pid]) for i, pid in enumerate(ids) if first.setdefault(pid, i) != i]


def triage_problems(kb: KB) -> list[Problem]:
    """Incidents recorded by ``recur import`` with placeholders (``triage:``): one warning per field."""
    from recur.kb.schema import TRIAGE_FIELDS

    out = []
    for inc in kb.all_incidents():
        shown = _shown(kb, inc.relpath)
        for i, name in enumerate(inc.triage):
            if name not in TRIAGE_FIELDS:
                out.append(
                    Problem(
                        shown,
                        inc.line("triage", i),
                        f"triage[{i}]",
                        f"unknown field {name!r} (one of {', '.join(TRIAGE_FIELDS)})",
                        "warning",
                    )
                )
                continue
            value = getattr(inc, name)
            out.append(
                Problem(
                    shown,
                    inc.line(name),
                    name,
                    f"needs triage: {value} is a placeholder (recur import found none it could read in the postmortem); "
                    f"set the real {name} and remove {name!r} from triage",
                    "warning",
                )
            )
    return out


def expect_problems(cases, shown: str, known, ids=()) -> list[Problem]:
    """Cases expecting a pattern id that no file has: a miss that no ranking could fix.
    ``known(pid)`` says whether a pattern has that id; ``ids``, the ids a slip is named against."""
    return [
        Problem(shown, _expect_line(case, k), f"[{_pos(case, n)}].expect", no_pattern(pid, ids), code=UNKNOWN_ID)
        for n, case in enumerate(cases)
        for k, pid in enumerate(case.expect)
        if not known(pid)
    ]


def _pos(case, n: int) -> int:
    """A case's position in its file (the n-th valid case may come after invalid entries)."""
    index = getattr(case, "index", None)
    return n if index is None else index


def _expect_line(case, k: int) -> int:
    """The line of a case's k-th expected id (it was the case's first line, the query's; review)."""
    lines = getattr(case, "expect_lines", ())
    return lines[k] if k < len(lines) else case.line


def retired_expect_warnings(kb: KB) -> list[Problem]:
    """Cases expecting a retired pattern: retired patterns are never indexed nor suggested, so
    that id can never match and `recur eval` counts the case a miss (it ranked ">10")."""
    shown = _shown(kb, "eval/cases.yml")
    return [
        Problem(
            shown,
            _expect_line(case, k),
            f"[{_pos(case, n)}].expect",
            f"{pid!r} is retired, and retired patterns are never suggested: this id can never match; "
            f"expect {replacement_of(kb, pid)}, or remove it",
            "warning",
        )
        for n, case in enumerate(kb.cases)
        for k, pid in enumerate(case.expect)
        if pid in kb.patterns and kb.patterns[pid].status == "retired"
    ]


def retired_step_warnings(kb: KB) -> list[Problem]:
    """Path steps naming a retired pattern: the site still lists the step, marked "retired: kept for
    history", and counts it in the new hire's progress, so a lead who retires a pattern is told which
    onboarding paths still teach it (nothing said so: the path kept sending newcomers to a page about
    something that no longer happens)."""
    return _step_problems(
        kb,
        "retired",
        "warning",
        lambda pid: (
            f"{pid!r} is retired (it no longer happens, and is never suggested): a new hire still reads "
            f"it on this path; name {replacement_of(kb, pid)}, or remove the step"
        ),
    )


def retired_link_warnings(kb: KB) -> list[Problem]:
    """A pattern in use whose ``related`` or ``distinguish[].from`` names a retired pattern, with what replaced it. A
    rename or a merge done as the format says (the old file kept, retired, with superseded_by) left every other
    pattern's related and "not to be confused with" naming the old id without a word, where path steps and cases
    were told: the site listed the retired page among the related patterns, and the distinguish entry told apart
    a pattern never suggested, the pair it was written for (the successor) told apart by nothing (found keeping a
    team's KB). A retired pattern's own links are history, left alone."""
    out = []
    for p in kb.all_patterns():
        if p.status == "retired":
            continue
        shown = _shown(kb, p.relpath)
        for i, rid in enumerate(p.related):
            if _is_retired(kb, rid):
                what = f"the site lists it among this pattern's related patterns; {_relink(kb, p, rid, p.related)}"
                out.append(
                    Problem(shown, p.line("related", i), f"related[{i}]", f"{_retired_said(rid)}: {what}", "warning")
                )
        told = [d["from"] for d in p.distinguish]
        for i, rid in enumerate(told):
            if _is_retired(kb, rid):
                what = f"no answer is told apart from it; {_relink(kb, p, rid, told, 'tell this pattern apart from')}"
                at = p.line("distinguish", i, "from")
                out.append(Problem(shown, at, f"distinguish[{i}].from", f"{_retired_said(rid)}: {what}", "warning"))
    return out


def _is_retired(kb: KB, pid: str) -> bool:
    return pid in kb.patterns and kb.patterns[pid].status == "retired"


def _retired_said(pid: str) -> str:
    return f"{pid!r} is retired (never suggested; its page is kept for history)"


def _relink(kb: KB, p, rid: str, listed: list, verb: str = "name") -> str:
    """The fix for pattern ``p`` naming retired ``rid``: the successors to name instead, but itself (a merge into
    ``p``) and those ``listed`` already, or taking the entry out."""
    found = kb.successors(rid)
    if p.id in found and len(found) == 1:
        return f"it was merged into this pattern (superseded_by: {p.id}): take it out"
    new = [s for s in found if s != p.id and s not in listed]
    if new:
        return f"{verb} {' and '.join(new)}, which replaced it (superseded_by), or take it out"
    if found:
        return f"take it out ({' and '.join(s for s in found if s != p.id)}, which replaced it, is here already)"
    return f"{verb} the pattern that replaced it, or take it out"


def draft_step_notices(kb: KB) -> list[Problem]:
    """Path steps naming a draft pattern: the site lists the step marked "draft" and its page says it is
    still being written, and `recur check` said nothing, so the path's author did not know. A notice,
    not a warning: a path may name a pattern while it is reviewed (the shipped databases path does), and
    publishing it is the pattern author's step, not a slip in the path."""
    return _step_problems(
        kb,
        "draft",
        "notice",
        lambda pid: (
            f"{pid!r} is a draft (status: draft), still being written: the site marks the step draft "
            f"for a new hire; publish the pattern (status: active) once it is reviewed, or name a pattern in use"
        ),
    )


def path_list_problems(kb: KB) -> list[Problem]:
    """Two onboarding paths the site's list cannot tell apart: the same title (a warning, at the later file's
    title: a reader saw two identical entries and picked one at random, a copied file left unrenamed) or the
    same ``order`` (a notice: the format lists such paths by title, which is legal, but a team writing order:
    1 twice meant one of them first). Nothing was said of either. Paths left out for errors of their own are
    compared too (``kb.unloaded_paths``): it was said only by a second run, once those errors were fixed."""
    out = []
    titles: dict = {}
    orders: dict = {}
    for path in sorted([*kb.paths.values(), *kb.unloaded_paths], key=lambda p: p.relpath):
        shown = _shown(kb, path.relpath)
        first = titles.setdefault(title_key(path.title), path) if path.title else path
        if first is not path:
            where = f"{_shown(kb, first.relpath)} (line {first.line('title')})"
            alike = (  # written otherwise ("**Day one**"), it is the same words to a reader: say which it reads as
                f"is also the title of {where}"
                if _folded(path.title) == _folded(first.title)
                else f"reads on the site as {first.title!r} does, the title of {where}"
            )
            what = (
                f"{path.title!r} {alike}: the site lists two onboarding paths alike; give each its own title, or "
                "merge the two"
            )
            out.append(Problem(shown, path.line("title"), "title", what, "warning"))
        if path.order is None:
            continue
        first = orders.setdefault(path.order, path)
        if first is not path:
            what = (
                f"order {path.order} is also that of {_shown(kb, first.relpath)} ({first.title!r}): the site "
                "lists the two by title; give each its own order to choose which comes first"
            )
            out.append(Problem(shown, path.line("order"), "order", what, "notice"))
    return out


def title_key(title: str) -> str:
    """A pattern's or a path's title as a reader tells it from another: the text the site shows (its heading,
    Markdown rendered, so "**Day one**" and "`Day` one" are "Day one"), letter case, spacing and emoji
    (💳, ™) aside. One key
    for both: patterns stripped the marks by hand, so a mark the site shows as written ("Disk full*", an
    escaped "\\*") was dropped and two titles that read apart were called one."""
    from recur.kb.anchors import shown_text
    from recur.kb.parse import without_curly_quotes

    # typographic quotes around it are no part of the title a reader tells apart (“Disk full” is Disk full), as
    # a symptom's ends are not: a title in them was no duplicate of the same title without (found in review)
    key = _folded(without_curly_quotes(_folded(shown_text(title))))
    # nor is an emoji: "💳 Card payments declined" reads as "Card payments declined", and
    # was no shared title (found by a first-time pattern author); a title of emoji alone keeps them
    return _folded(_without_pictographs(key)) or key


def _without_pictographs(text: str) -> str:
    # only emoji: an arrow, a check mark, a degree or a letterlike sign ("Queue ⬆ depth", "Replication ✓",
    # "40 ℃") is a word of the title, and every symbol read past made "Queue ⬇ depth" the same title (review)
    return "".join(" " if is_emoji(ch) else ch for ch in text)


def symptom_key(text: str) -> str:
    """A symptom as a reader tells it from another: as ``title_key`` reads a title (Markdown marks, letter case
    and spacing aside), and punctuation at its ends too ("Writes failing." is "writes failing")."""
    key = title_key(text)
    ends = [n for n, ch in enumerate(key) if not (ch.isspace() or unicodedata.category(ch).startswith("P"))]
    return key[ends[0] : ends[-1] + 1] if ends else key


def _folded(text: str) -> str:
    # NFC: an accent typed as its own character (one editor's "é", another's "e" + U+0301) looks the same
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _step_problems(kb: KB, status: str, severity: str, what) -> list[Problem]:
    """A problem of ``severity`` at each onboarding path step that names a pattern of ``status``, saying
    ``what(pattern id)``: one place that finds such steps and points at their line and field, for each
    status a path's author is told of. A path left out for an error of its own (a step with no pattern) is told
    too, from ``kb.unloaded_refs``: that error alone was said, and the retired step only by a second run."""
    steps = [
        (_shown(kb, path.relpath), path.line("steps", i, "pattern"), f"steps[{i}].pattern", step.pattern)
        for path in kb.paths.values()
        for i, step in enumerate(path.steps)
    ]
    steps += [
        (shown, line, name, pid)
        for shown, name, line, pid in kb.unloaded_refs
        if re.fullmatch(r"steps\[\d+\]\.pattern", name)
    ]
    return [
        Problem(shown, line, name, what(pid), severity)
        for shown, line, name, pid in steps
        if pid in kb.patterns and kb.patterns[pid].status == status
    ]


def replacement_of(kb: KB, pid: str) -> str:
    """What replaced retired ``pid``, in a warning's words: its successors by ``superseded_by`` when it
    names them ("disk-full, which replaced it"), else "the pattern that replaced it"."""
    found = kb.successors(pid)
    if not found:
        return "the pattern that replaced it"
    return f"{' and '.join(found)}, which replaced it (superseded_by)"


def duplicate_case_warnings(kb: KB) -> list[Problem]:
    """A query that has a case already (case and spacing ignored, as `recur feedback export`
    compares them): `recur eval` ranks each case apart, so one of the two misses whenever the
    other's pattern ranks first (or, expecting the same, the query counts twice)."""
    shown, first, out = _shown(kb, "eval/cases.yml"), {}, []
    for n, case in enumerate(kb.cases):
        key = query_key(case.query)
        if key in first:
            m, line = first[key]
            out.append(
                Problem(
                    shown,
                    case.line,
                    f"[{_pos(case, n)}].query",
                    f"the same query as [{m}] (line {line}): merge the two cases into one whose expect "
                    "lists every right pattern",
                    "warning",
                )
            )
        else:
            first[key] = (_pos(case, n), case.line)
    return out


def _shown(kb: KB, relpath: str) -> str:
    from recur.kb.loader import display_path

    return display_path(kb.root / relpath)


def run_checks(kb: KB, lint: bool = True, shown_first=None, **lint_options) -> list[Problem]:
    """All problems in the KB, sorted by file and line (``lint_options``: authoring_warnings', ``only`` among
    them: the authoring warnings of some files alone; ``shown_first``: cross_checks')."""
    problems = list(kb.problems) + cross_checks(kb, shown_first)
    if lint:
        from recur.kb.lint import authoring_warnings

        problems += authoring_warnings(kb, **lint_options)
    problems = [_one_line(p) for p in problems]
    unique = {(p.path, p.line, p.field, p.message, p.level): p for p in problems}
    return sorted(unique.values(), key=Problem.sort_key)


def _one_line(problem: Problem) -> Problem:
    """``problem`` with its message on one line: each problem is one ``path:line: field: message`` line, and
    a line break in a message (a value quoted as written, a ``|`` block) split it over several, with a raw
    newline in the JSON (found by a new pattern author); a break is shown as ⏎."""
    lines = problem.message.splitlines()
    if lines in ([problem.message], []):
        return problem
    return dataclasses.replace(problem, message=" ⏎ ".join(line.strip() for line in lines if line.strip()))


def check_path(root, left_temps: bool = False, **options) -> tuple[KB, list[Problem]]:
    """The KB at ``root`` and its problems (``run_checks``; ``only=``, a test of a shown path, keeps the
    authoring warnings to those files: the whole KB is still loaded and cross-checked). ``left_temps`` (`recur
    check`): with a warning for each temp file a killed write left in its folders (kb.temps)."""
    # a format it cannot read is one of the problems it lists; the texts kept for lint, so each file is opened once
    kb = load_kb(root, any_format=True, keep_texts=True)
    problems = run_checks(kb, **options) + windows_name_warnings(kb.root)
    if left_temps:
        from recur import config
        from recur.kb.rename_journal import interrupted_problems
        from recur.kb.temps import left_temp_problems

        problems += left_temp_problems(kb.root) + interrupted_problems(kb.root, config.where_flags(root))
    return kb, sorted(problems, key=Problem.sort_key)


def windows_name_warnings(root) -> list[Problem]:
    """A warning for each file or folder of the KB (its root and the folders under KB_FOLDERS, hidden ones aside)
    named with a device name Windows reserves (schema.windows_reserved: CON.md, patterns/aux/): `git checkout`
    fails on it for a team's Windows users. Recur refuses such a new id (schema.name_fits); one written by hand or
    before is read as any other, on every other system, so a warning, not an error: `recur check` keeps passing
    where the KB works, and `--strict` (CI's, the pre-commit hook's) fails until it is renamed."""
    from recur.kb.loader import display_path
    from recur.kb.schema import reserved_said, windows_reserved
    from recur.kb.temps import kb_folders

    problems = []
    for folder in kb_folders(root):
        try:
            names = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
        except OSError:  # gone or unreadable since the load: the loader's problems say what it could not read
            continue
        for name in names:
            if device := windows_reserved(name):
                said = f"{quoted(name)} {reserved_said(device)}; rename it (an id is its file's name: its id: line too)"
                problems.append(Problem(display_path(folder / name), 1, "file", said, "warning"))
        problems += _case_twins(folder, names, kb_root=folder == PurePath(root))
    return problems


def _one_name(name: str) -> str:
    """``name`` as a system that ignores letter case compares it: each character in capitals where that is one
    character, as Windows' table of capitals and macOS's have it. Not casefold(): 'straße.md' and 'strasse.md' are
    two files there (casefold makes 'ß' 'ss'), and were warned of as one."""
    return "".join(c if len(c.upper()) > 1 else c.upper() for c in unicodedata.normalize("NFC", name))


def _case_twins(folder: PurePath, names: list[str], kb_root: bool = False) -> list[Problem]:
    """A warning at each name of ``names`` (one folder's, sorted) that another is in other letter case or Unicode form
    (INC-2026-0102.md and inc-2026-0102.md, an attachment's graph.PNG and graph.png, patterns/Network/ beside
    network/), naming the other: Windows and macOS take them for one name, so a checkout there holds one of them and git
    shows the other as changed, an author's edit going to the wrong record. Linux reads both (two incidents, counted
    twice on the board) without a word from `recur check`: found in a Windows team's review. Said at each, as either
    may be the one to rename; a warning, as a reserved name is. At the ``kb_root``, which may be the repository's,
    only the KB's own names (patterns/ beside Patterns/): the repository's files are left alone, as the loader
    leaves them (README.md beside readme.md failed a team's `check --strict`, which the KB does not read)."""
    from recur.kb.loader import KB_FOLDERS, KB_ROOT_FILES, display_path

    alike: dict[str, list[str]] = {}
    for name in names:
        alike.setdefault(_one_name(name), []).append(name)
    ours = {_one_name(n) for n in KB_FOLDERS + KB_ROOT_FILES}
    problems = []
    for name in names:
        others = [n for n in alike[_one_name(name)] if n != name]
        if others and (not kb_root or _one_name(name) in ours):
            said = (
                f"{quoted(name)} and {', '.join(map(quoted, others))} in the same folder differ only in letter case: Windows "
                "and macOS take them for one name"
            )
            if all(unicodedata.normalize("NFC", n) == unicodedata.normalize("NFC", name) for n in others):
                # 'café.png' and 'café.png' "differ only in letter case": they do not, and Windows keeps both
                said = (
                    f"{name!a} and {', '.join(map(ascii, others))} in the same folder are one name in two Unicode forms "
                    "(a letter with its accent, or a letter and a combining accent): macOS takes them for one name"
                )
            said += (
                ", so a checkout there holds only one of them (git shows the other as changed); merge them into one, or "
                "rename one (an id is its file's name: its id: line too)"
            )
            problems.append(Problem(display_path(folder / name), 1, "file", said, "warning"))
    return problems


# The version of `recur check --format json`'s document, its last key: raised when a key changes meaning or goes,
# so an editor plug-in or a CI script can refuse a document it does not know (adding a key does not raise it).
CHECK_JSON_FORMAT = 1


def check_document(problems: list[Problem], failed: bool) -> dict:
    """What `recur check --format json` prints (docs/cli.md, "Check output for machines": the keys): ``failed`` as the exit code says it,
    so ``ok`` is what a script or an editor would otherwise read off the exit status (``--strict`` too)."""
    return {
        "ok": not failed,
        "errors": sum(p.is_error for p in problems),
        "warnings": sum(p.level == "warning" for p in problems),
        "notices": sum(p.level == "notice" for p in problems),
        "problems": [
            {
                "file": p.path,
                "line": p.line if p.line > 0 else None,
                "field": p.field,
                "message": p.message,
                "level": p.level,
                # the text's last line counts the warnings --strict fails on; a script could not tell them
                # from those it does not (a team's own key) but by the message's words (found in review)
                "fails_strict": p.is_error or (p.level == "warning" and p.strict),
            }
            for p in problems
        ],
        "format": CHECK_JSON_FORMAT,
    }


def github_command(problem: Problem, workspace=None) -> str:
    """``problem`` as a GitHub Actions workflow command (``::error file=...,line=...,title=...::message``),
    which the pull request shows as an annotation at that line of the file. The file must be named from
    the repository's root, ``workspace`` (GITHUB_WORKSPACE) when given, else as shown (from the working
    directory: where a workflow's steps run). Escaped as the runner reads them back: a newline in a
    message otherwise ends the command, a comma or a colon in a property starts another."""
    props = [f"file={_command_property(_repo_path(problem.path, workspace))}"]
    if problem.line > 0:
        props.append(f"line={problem.line}")
    props.append(f"title={_command_property(problem.field)}")
    return f"::{problem.level} {','.join(props)}::{_command_data(problem.message)}"


# GitHub makes annotations of at most 10 errors, 10 warnings and 10 notices of a step (and 50 of a job,
# all its steps together), and drops the others without a word: the "Limitations" of
# https://github.com/actions/toolkit/blob/main/docs/problem-matchers.md (workflow commands alike)
ANNOTATED_PER_LEVEL = 10
_LEVELS = ("error", "warning", "notice")


def github_annotated(problems: list[Problem]) -> tuple[list[Problem], list[Problem]]:
    """``problems`` split into those to print as workflow commands from one step, and those GitHub would
    drop (printed as plain lines instead, so the log names their file). All annotated, in their order,
    while no level has more than GitHub annotates; else errors first (a job's 50 run out on what comes
    last), the first ANNOTATED_PER_LEVEL of each level, of notices one fewer: a last notice says how
    many more there are, and it must not be the one dropped."""
    if all(sum(p.level == level for p in problems) <= ANNOTATED_PER_LEVEL for level in _LEVELS):
        return list(problems), []
    annotated, rest = [], []
    for level in _LEVELS:
        room = ANNOTATED_PER_LEVEL - (level == "notice")
        of_level = [p for p in problems if p.level == level]
        annotated += of_level[:room]
        rest += of_level[room:]
    return annotated, rest


def github_notice(title: str, message: str) -> str:
    """A workflow command for a notice of no file: shown among the run's annotations."""
    return f"::notice title={_command_property(title)}::{_command_data(message)}"


# GitHub aborts a step's summary over 1 MiB ("$GITHUB_STEP_SUMMARY upload aborted, supports content up to a
# size of 1024k") and shows none of it: a 1,000-pattern KB wrote 14.2 MB (found in a scale review). What the
# step's earlier commands wrote to the file counts too; the margin is for a runner counting otherwise.
SUMMARY_BYTES = 1_000_000


def github_summary_rows(
    problems: list[Problem], unannotated: int, workspace=None, limit: int = SUMMARY_BYTES, title: str = "recur check"
) -> tuple[str, int]:
    """``problems`` as Markdown for a GitHub job summary (the file GITHUB_STEP_SUMMARY names), and how many
    rows it has: a heading with the counts and one table row per problem, errors first, then warnings, then
    notices, its file named as its annotation names it, as many as fit in ``limit`` bytes (what the file
    has room for); a last line says how many more were left out. ``unannotated``: how many of them have no
    annotation (``github_annotated``'s rest, which the caller has already split off to print them). Cells are
    escaped so a message's ``|`` keeps its row and ``<`` is shown, not read as HTML. ("", 0) when ``limit``
    has no room for the heading and that last line: nothing is to be written. ``title``: the command, heading it."""
    counts = {level: sum(p.level == level for p in problems) for level in _LEVELS}
    head = [
        f"### {title}: {plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')}, "
        f"{plural(counts['notice'], 'notice')}",
        "",
        f"GitHub annotates at most {ANNOTATED_PER_LEVEL} problems of each level of a step: "
        f"{unannotated} of these {len(problems)} are not annotated in the pull request.",
        "",
        "| level | file | line | field | message |",
        "|---|---|---|---|---|",
    ]
    # room kept for the last line, which says how many were left out (its number is at most len(problems))
    room = limit - _size(head) - len(_left_out(len(problems))) - 2
    if room < 0:  # the step's earlier commands filled the file: a heading and "N more" alone would pass the limit
        return "", 0
    rows = []
    for p in (p for level in _LEVELS for p in problems if p.level == level):
        row = (
            f"| {p.level} | {_cell(_repo_path(p.path, workspace))} | {p.line if p.line > 0 else ''} | "
            f"{_cell(p.field)} | {_cell(p.message)} |"
        )
        room -= len(row.encode("utf-8", "surrogatepass")) + 1
        if room < 0:
            break
        rows.append(row)
    tail = ["", _left_out(len(problems) - len(rows))] if len(rows) < len(problems) else []
    return "\n".join([*head, *rows, *tail, ""]), len(rows)


def _size(lines: list[str]) -> int:
    return sum(len(line.encode("utf-8", "surrogatepass")) + 1 for line in lines)


def _left_out(n: int) -> str:
    return f"{n:,} more not shown (the summary is cut at {SUMMARY_BYTES:,} bytes): run `recur check` locally to list them all"


def _cell(text: str) -> str:
    text = html.escape(text, quote=False).replace("|", "\\|")  # a table cell: "<" shown, "|" kept in its row
    return " ".join(text.split())  # a line break would end the row


def _repo_path(shown: str, workspace) -> str:
    """A problem's file from ``workspace`` (by its path, or by where it leads: a symlinked route in), or
    as shown when it is not under it (a path with ``..``: GitHub then shows the annotation in the run only)."""
    import os
    from pathlib import Path

    full = Path(os.path.abspath(shown))
    if workspace:
        base = Path(os.path.abspath(workspace))
        found = _under(full, base) or _under(full.resolve(), base.resolve())
        if found is not None:
            return found
    return Path(shown).as_posix()


def _command_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _command_property(text: str) -> str:
    return _command_data(text).replace(":", "%3A").replace(",", "%2C")


def named_files(root, files, flag: str = "FILES") -> list[str]:
    """Each of ``files`` (what `recur check FILES` was given) as a path relative to the KB folder
    ``root`` ("." for the folder itself). Raises one RecurError naming every file that does not
    exist or is not in the KB (by its path, or by where it leads: a symlinked route in). ``flag`` is
    what named them: FILES are told which KB holds them, or to name files under this one; any other
    (--changed, an order to list problems in, whatever a change touches) is told "not a KB file"
    alone, the advice for FILES being none for it."""
    import os
    from pathlib import Path

    from recur.util.errors import RecurError

    base, real_base = Path(os.path.abspath(root)), Path(root).resolve()
    out, bad = [], []
    for f in files:
        path = Path(f)
        if not (path.exists() or path.is_symlink()):
            bad.append(f"{f}: no such file")
            continue
        rel = _under(Path(os.path.abspath(path)), base) or _under(path.resolve(), real_base)
        if rel is None:
            bad.append(f"{f}: {_not_in(root, path) if flag == 'FILES' else 'not a KB file'}")
        else:
            out.append(rel)
    if bad:
        raise RecurError("\n".join(bad))
    return out


def _not_in(root, path) -> str:
    """Why a named file is not checked, and the --kb that checks it: that of the KB the file is in
    (found above it). Run from kb/patterns/capacity with the default --kb, it said "not in the knowledge
    base kb", where there was no kb (found in review)."""
    import os
    from pathlib import Path

    found = _kb_above(Path(os.path.abspath(path)))
    shown = os.path.relpath(found) if found is not None else None
    if Path(root).is_dir():
        where = f"it is in the one at {shown}: pass --kb {shown}" if shown else "name files under it (or pass --kb)"
        return f"not in the knowledge base {root}; {where}"
    if shown:
        return f"there is no knowledge base folder {root} here; the file is in the one at {shown}: pass --kb {shown}"
    return f"not in a knowledge base (there is no folder {root} here; pass --kb DIR)"


def _kb_above(path):
    """The nearest folder above ``path`` that is a KB holding it: one with patterns/, where the file is
    under one of the KB's folders or the folder says it is a KB (recur.yml, severity.yml); else None."""
    from recur.kb.loader import FORMAT_FILE, KB_FOLDERS

    for folder in path.parents:
        if not (folder / "patterns").is_dir():
            continue
        inside = path.relative_to(folder).parts[0] in KB_FOLDERS
        if inside or any((folder / name).is_file() for name in (FORMAT_FILE, "severity.yml")):
            return folder
    return None


def named_test(root, named: list[str]):
    """A test of a shown path (a problem's file): whether it is one of ``named`` (relative paths from
    ``named_files``) or under one (a folder holds everything under it). `recur check FILES` shows the problems
    in these files and keeps the authoring warnings to them with it."""
    import os

    # by strings, the working folder read once: pathlib and os.path.abspath for each of a KB's 8,574 problems
    # and files took 0.6 s of a one-file check at 2,000 patterns (a path relative to a folder, as _under)
    cwd, base = os.getcwd(), os.path.abspath(root)
    inside = base.rstrip(os.sep) + os.sep

    def test(shown: str) -> bool:
        full = os.path.normpath(os.path.join(cwd, shown))
        if full != base and not full.startswith(inside):
            return False
        rel = "." if full == base else full[len(inside) :].replace(os.sep, "/")
        return any(n in (".", rel) or rel.startswith(n + "/") for n in named)

    return test


def _under(path, base):
    """``path`` relative to ``base`` as a posix string, or None when it is not under it."""
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return None
