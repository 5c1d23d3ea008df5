"""New KB files from the format spec, for ``recur new pattern|incident|path``.

Each ``*_file`` function takes the values an author gave, checks them against the KB (ids
free and well-formed, category a folder name, severity in the framework, referenced
patterns known) and returns ``(path, text)``; ``create`` writes it atomically and refuses
to overwrite. What the author has not written yet becomes a ``TODO`` line (recur.kb.placeholders)
that ``recur check`` points at (a warning, so ``--strict`` fails until it is filled in).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

from recur import config
from recur.kb import placeholders, schema
from recur.kb.check import replacement_of, unknown_pattern, unknown_step
from recur.kb.incident_record import (
    Asked,
    CheckedIncident,
    NewIncident,
    checked_incident,
    one_lines,
    record_text,
    taken_id,
)
from recur.kb.records import KB
from recur.kb.writer import Bullets, Numbered, Raw, flow_list, id_list, pattern_markdown, plain, q, section_text
from recur.util.errors import RecurError
from recur.util.files import write_atomic
from recur.util.text import close_names, has_text, one_line, quoted, without_controls

TODO_SUMMARY = placeholders.PATTERN_SUMMARY
TODO_STEP = placeholders.PATTERN_STEP
TODO_EVIDENCE = placeholders.PATTERN_EVIDENCE
TODO_CAUSE = placeholders.PATTERN_CAUSE
OPTIONAL_HINT = (
    "<!-- Optional sections: ## Permanent fix (how to stop it recurring), ## Detection (alerts and "
    "dashboards that catch it), ## References (postmortems, docs). -->"
)


def _need(value, flag: str, what: str):
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RecurError(f"{flag}: {what} is required")
    return value.strip() if isinstance(value, str) else value


def _id(given: str | None, title: str) -> str:
    """--id, else one made from the title."""
    if given is None and not schema.id_from_title(title):
        raise RecurError(
            f"--id: the title {title!r} has no Latin letters or digits to make an id from (ids are lowercase a-z, 0-9 and hyphens); give one with --id"
        )
    made = schema.id_from_title(title)
    if given is None and schema.windows_reserved(made):  # said as made from the title: no --id was given
        raise RecurError(
            f"--id: the id made from the title, {made!r}, {schema.reserved_said(schema.windows_reserved(made))}; "
            "give another with --id"
        )
    return kebab(_need(given or made, "--id", "an id"), "--id")


def existing_pattern_file(kb: KB, pid: str) -> str:
    """The file of a pattern ``kb.pattern_known`` knows: a read one's, else a misplaced one's (named
    .MD, in the wrong folder, front matter unread), which has no entry in ``pattern_files``."""
    return (kb.pattern_files.get(pid) or kb.misplaced[pid])[0]


def free_pattern_id(kb: KB, pid: str) -> str:
    """``pid`` when it is a kebab-case id no pattern has (a file with errors counts), else why not."""
    schema.name_fits(kebab(pid, "--id"), "--id")
    if kb.pattern_known(pid):
        raise RecurError(
            f"--id: pattern {pid!r} already exists ({existing_pattern_file(kb, pid)}); extend it, or choose another id"
        )
    return pid


def free_path_id(kb: KB, pid: str) -> str:
    """``pid`` when it is a kebab-case id no onboarding path file has (.yml or .yaml), else why not."""
    schema.name_fits(kebab(pid, "--id"), "--id")
    target = kb.root / "paths" / f"{pid}.yml"
    for taken in (target, target.with_suffix(".yaml")):
        if taken.exists():
            raise RecurError(f"--id: onboarding path {pid!r} already exists ({taken}); extend it, or choose another id")
    return pid


def kebab(value: str, flag: str) -> str:
    if not schema.KEBAB.fullmatch(value):
        raise RecurError(
            f"{flag}: must be a kebab-case id (lowercase words joined by '-'), not {quoted(value)}{schema.kebab_hint(value)}"
        )
    return value


def _severity(kb: KB, value: str) -> str:
    if kb.severity and value not in kb.severity:
        if broken := kb.broken_severity(value):
            raise RecurError(f"--severity: {broken}")
        hint = schema.meant_severity(value, kb.severity)
        raise RecurError(f"--severity: unknown severity {value!r}{hint}; the framework has {', '.join(kb.severity)}")
    return value


def _known(kb: KB, ids, flag: str) -> list:
    out = []
    for pid in ids:
        kebab(pid, flag)
        if not kb.pattern_known(pid):
            raise RecurError(f"{flag}: {unknown_pattern(kb, pid)}")
        out.append(pid)
    return out


def pattern_problem(kb: KB, pid: str) -> str | None:
    """What is wrong with one pattern id typed at a prompt, or None: asked again at once there (a slip in
    a path's second step was said only after the last, and every answer was lost with it). No flag is
    named: the person answered a question, and typed none."""
    try:
        _known(kb, [pid.strip()], "-")
    except RecurError as exc:
        return str(exc).removeprefix("-: ")
    return None


def step_problem(kb: KB, pid: str, earlier=()) -> str | None:
    """What is wrong with the pattern of an onboarding path step being written, or None: unknown
    (``pattern_problem``), retired, or already an ``earlier`` step. `recur check` only warns of the last
    two in a path that has them (a pattern retired since, a hand edit); a path being written with one
    was written, then warned of, and the author had to open the file to undo what they had just typed."""
    problem = pattern_problem(kb, pid)
    if problem and not kb.pattern_known(pid.strip()):  # another path's id: said so, as `recur check` says it
        return unknown_step(kb, pid.strip()) if problem == unknown_pattern(kb, pid.strip()) else problem
    if problem:
        return problem
    pid = pid.strip()
    earlier = [e.strip() for e in earlier]
    if pid in earlier:
        return f"{pid!r} is already step {earlier.index(pid) + 1}: name another pattern"
    found = kb.patterns.get(pid)
    if found is not None and found.status == "retired":
        return f"{pid!r} is retired (it no longer happens, and is never suggested): name {replacement_of(kb, pid)}"
    return None


def _line(value, flag: str, what: str) -> str:
    """A required one-line field (a title): ``one_line``, and still not empty."""
    text = one_line(_need(value, flag, what))
    if not has_text(text):  # escape sequences or zero-width characters alone (has_text): nothing of it is text
        only = "invisible characters or emoji" if text else "control characters"
        raise RecurError(f"{flag}: {what} is required (the one given is only {only})")
    return text


# a list marker the author typed as well ("--step '1. restart redis'"): the file numbers the steps
# itself, and "1. 1. restart redis" passed check as a step whose text starts with "1."
_MARKER = re.compile(r"^(?:\d{1,3}[.)]|[-*+])\s+")


def _items(items) -> list:
    return [t for t in (_MARKER.sub("", s, count=1).strip() for s in one_lines(items)) if t]


def categories(kb: KB) -> list:
    base = kb.root / "patterns"
    return sorted(p.name for p in base.iterdir() if p.is_dir()) if base.is_dir() else []


def pattern_category(kb: KB, value: str) -> str:
    """``value`` as a category: kebab-case, and no slip of a category the KB has ("capacty" beside
    capacity/), which made a folder of its own, a category of one pattern on the site and in the
    board (found by a KB author). A new category close to one there is made by creating its folder."""
    category = kebab(value, "--category")
    known = categories(kb)
    if category not in known:  # a new folder's name
        schema.name_fits(category, "--category")
    meant = [] if category in known else close_names(category, known, n=1, cutoff=0.8)
    if meant:
        raise RecurError(
            f"--category: there is no category {category!r}; did you mean {meant[0]}? (for a new category "
            f"of that name, create the folder {kb.root / 'patterns' / category} first)"
        )
    return category


def pattern_file(
    kb: KB,
    *,
    id: str | None,
    title: str,
    category: str,
    severity: str,
    symptoms,
    signals=(),
    tags=(),
    services=(),
    related=(),
    owner: str | None,
    status: str = "draft",
    summary: str | None,
    steps=(),
    evidence=(),
    root_cause: str | None,
) -> tuple[Path, str]:
    title = _line(title, "--title", "a title")
    pid = _id(id, title)
    category = pattern_category(kb, _need(category, "--category", "a category (the folder under patterns/)"))
    severity = _severity(kb, _need(severity, "--severity", "a severity"))
    # each one line (as `recur incident new` writes them), none empty nor only invisible (U+200B alone was a symptom)
    symptoms = list(one_lines(symptoms))
    if not symptoms:
        raise RecurError("--symptom: at least one symptom is required (what a responder sees, in their words)")
    if status not in schema.PATTERN_STATUS:
        raise RecurError(f"--status: must be one of {', '.join(schema.PATTERN_STATUS)}, not {status!r}")
    free_pattern_id(kb, pid)
    related = _known(kb, list(one_lines(related)), "--related")
    front = [
        ("id", Raw(plain(pid))),
        ("title", title),
        ("category", Raw(plain(category))),
        ("severity", Raw(plain(severity))),
        ("status", Raw(status)),
        ("symptoms", symptoms),
        ("signals", list(one_lines(signals))),
        ("tags", list(one_lines(tags))),
        ("services", list(one_lines(services))),
        ("owner", one_line(owner or "") or None),
        ("related", Raw(id_list(related)) if related else None),
        ("created", Raw(config.today().isoformat())),  # RECUR_TODAY when set, as every record date
    ]
    hints, sections = _pattern_body(status, summary, steps, evidence, root_cause)
    text = pattern_markdown(front, sections, preamble=hints)
    return kb.root / "patterns" / category / f"{pid}.md", text


def _pattern_body(status: str, summary, steps, evidence, root_cause) -> tuple[list, list]:
    """(hints, sections) of a new pattern: what is not written yet is a TODO line."""
    # hints go before the first section: text there is not part of any section
    # as written, but for control characters (as `recur incident new` writes its description)
    summary, root_cause = (section_text(without_controls(t or "")) for t in (summary, root_cause))
    summary, root_cause = (t if has_text(t) else "" for t in (summary, root_cause))  # U+200B alone: not written
    hints = [OPTIONAL_HINT]
    if status == "draft" and not root_cause.strip():
        hints.append("<!-- ## Root cause is optional while status is draft; required once it is active. -->")
    sections = [
        ("Summary", summary.strip() or TODO_SUMMARY),
        ("Runbook", Numbered(_items(steps) or [TODO_STEP])),
        ("Evidence to preserve", Bullets(_items(evidence) or [TODO_EVIDENCE])),
    ]
    if root_cause.strip():
        sections.append(("Root cause", root_cause.strip()))
    elif status != "draft":
        sections.append(("Root cause", TODO_CAUSE))
    return hints, sections


class _ByFlags(Asked):
    """`recur new incident`'s own reading of what it was given, in the one check of a new record
    (incident_record.checked_incident), named by its flags: a value required by name, a severity key
    as written (any text while the KB has no severity framework), pattern ids kebab-case, and an id
    taken by a record with errors too."""

    def title(self, given: str) -> str:
        return _line(given, "--title", "a title")

    def severity(self, kb: KB, given: str) -> str:
        return _severity(kb, _need(given, "--severity", "a severity"))

    def known(self, kb: KB, ids) -> list:
        # "Disk-Full" is disk-full, as `recur incident new` and MCP read it (schema.given_id); not at a path's
        # prompt (pattern_problem), whose caller writes the id as typed
        return _known(kb, [schema.given_id(pid) for pid in one_lines(ids)], "--pattern")

    def free(self, kb: KB, iid: str) -> None:
        if iid in kb.incidents or (taken := taken_id(kb, iid)) is not None:
            said = "" if iid in kb.incidents or taken == iid else f" (as {taken}, in other letter case)"
            raise RecurError(f"--id: incident {iid!r} already exists{said}")

    def called(self, field: str) -> str:
        return _FLAGS.get(field, field)


# `recur new incident`'s flag for each field of NewIncident it takes
_FLAGS = {"title": "--title", "description": "--summary", "services": "--service", "flags": "--flag"}


BY_FLAGS = _ByFlags(date="--date")


def incident_file(kb: KB, **given) -> tuple[Path, str]:
    """(path, text) of a new record: ``new_incident``'s, for the id it chose."""
    new, text_of = new_incident(kb, **given)
    return kb.root / "incidents" / str(new.date.year) / f"{new.iid}.md", text_of(new.iid)


def new_incident(
    kb: KB,
    *,
    id: str | None,
    title: str,
    date: dt.date | None,
    severity: str,
    patterns=(),
    services=(),
    duration_minutes: int | None = None,
    summary: str | None = None,
    flags=(),
) -> tuple[CheckedIncident, Callable[[str], str]]:
    """A new record checked and cleaned as `recur incident new` and MCP's record_incident check theirs
    (incident_record.checked_incident: the same step, named by this command's flags), and its text for an
    id (the one checked, or the next free one when another writer took it: ``numbered``), with TODO
    sections to fill in and no review (the framework's, when read)."""
    given = NewIncident(
        title=title,
        severity=severity,
        date=date or config.today(),
        description=summary or "",
        services=tuple(services or ()),
        flags=tuple(flags or ()),
        patterns=tuple(patterns or ()),
        iid=(id or "").strip() or None,
        duration_minutes=duration_minutes,
    )
    new = checked_incident(kb, given, BY_FLAGS)
    sections = {
        "Summary": new.description or placeholders.INCIDENT_SUMMARY,
        "Timeline": "<!-- - HH:MM first signal / - HH:MM mitigated -->",
        "Decisions": "<!-- What was decided during the response, and why. -->",
    }
    return new, lambda iid: record_text(new, iid, sections=sections)


def path_file(
    kb: KB, *, id: str | None, title: str, audience: str | None, steps=(), order: int | None
) -> tuple[Path, str]:
    """``steps``: (pattern id, why) pairs; why may be empty. ``order``: its place in the site's list
    of paths (lowest first), a whole number of 0 or more as `recur check` takes it."""
    title = _line(title, "--title", "a title")
    if order is not None and (isinstance(order, bool) or not isinstance(order, int) or order < 0):
        raise RecurError(f"--order: must be a whole number of 0 or more, not {order!r}")
    pid = free_path_id(kb, _id(id, title))
    target = kb.root / "paths" / f"{pid}.yml"
    for p, w in steps:  # "--step ': why'" was left out with its why, the path written without a word
        if not (p and p.strip()) and one_line(w or ""):
            raise RecurError(f"--step: ': {one_line(w)}' names no pattern: write it as 'pattern-id: {one_line(w)}'")
    steps = [(p.strip(), one_line(w or "")) for p, w in steps if p and p.strip()]
    if not steps:
        raise RecurError("--step: at least one step is required (a pattern id, optionally 'id: why it matters')")
    for i, (p, _) in enumerate(steps):
        problem = step_problem(kb, p, [e for e, _ in steps[:i]])
        if problem:
            raise RecurError(f"--step: {problem}")
    lines = [f"title: {q(title)}"]
    if audience and one_line(audience):
        lines.append(f"audience: {q(one_line(audience))}")
    if order is not None:
        lines.append(f"order: {order}")
    lines.append("steps:")
    for p, why in steps:
        lines.append(f"  - pattern: {plain(p)}")
        lines.append(f"    why: {q(why or placeholders.PATH_WHY)}")
    return target, "\n".join(lines) + "\n"


def parse_step(text: str) -> tuple[str, str]:
    """'pattern-id: why it matters' -> (pattern-id, why it matters)."""
    pid, _, why = text.partition(":")
    return pid.strip(), why.strip()


def create(path: Path, text: str, root: Path) -> Path:
    """Write a new file atomically into the KB at ``root``; an existing file is never replaced."""
    from recur.kb.loader import require_inside

    require_inside(root, path)
    if path.exists():
        raise RecurError(f"{path}: already exists; refusing to overwrite it (edit it, or choose another --id)")
    return write_atomic(path, text)


__all__ = [
    "pattern_file",
    "incident_file",
    "new_incident",
    "path_file",
    "free_path_id",
    "parse_step",
    "pattern_problem",
    "create",
    "categories",
    "flow_list",
]
