"""Pattern-level answers every surface shares (API, MCP, Slack): a pattern as JSON, the pattern
list and its filters, a pattern's Markdown, past incidents, the site page of a pattern.

A pattern object is the indexed doc (``index.pattern_doc`` plus its ``look_alikes``), exactly what
``GET /api/patterns/{id}`` returns; the brief form (``BRIEF_KEYS``) is what ``GET /api/patterns`` lists.
Errors are ``RecurError`` subclasses carrying the API's error ``code``, with the API's messages.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from recur import config
from recur.kb.incident_record import flag_json, follow_up_json, review_json
from recur.kb.loader import incident_record_file, onboarding_path_file, read_again
from recur.kb.parse import FENCE_LINE, fence_step
from recur.kb.schema import KEBAB, given_id
from recur.retrieval.lookalikes import shared_signals
from recur.retrieval.results import happened_incidents, step_parts
from recur.util.dates import happened
from recur.util.errors import RecurError
from recur.util.text import close_ids, plain

BRIEF_KEYS = ("id", "title", "category", "severity", "status", "summary", "path")
FILTERS = ("category", "service", "tag", "severity")  # list filter -> doc key below
_FILTER_KEYS = {"category": "category", "service": "services", "tag": "tags", "severity": "severity"}
MAX_INCIDENTS = 100
RESOURCE = "recur://patterns/"  # a pattern's MCP resource URI: this, then its id
# a paged pattern list (MCP's list_patterns, GET /api/patterns?limit=&cursor=): patterns per answer left out, and at most
LIST_PAGE, LIST_MOST = 50, 500
AFTER = "after:"  # a cursor: this, then the id of the last pattern of the page before (patterns are sorted by id)


def given_pattern_id(value: str | None) -> str | None:
    """A pattern id as a caller gives it, read as the id it names: the one rule of GET /api/patterns/{id}, MCP's
    get_pattern, past_incidents and record_incident and the pattern resources. The id of the resource URI
    ``resources/list`` names the pattern by (an assistant that had the listed resources asked get_pattern for
    "recur://patterns/disk-full", and was told there is no pattern with that id). Spaces around it and letter
    case do not count, as in the list filters: ids are lower-case kebab (the loader refuses any other), and
    "Disk-Full" or " disk-full " was "no pattern" (GET /api/patterns/Disk-Full too, while get_pattern answered
    it). A value that is no id in any case is left as given, for the error to name it: kb.schema.given_id, the
    rule of the checks before a record links a pattern too.

    A pattern's file or page, as answers print them (``capacity/disk-full``, ``patterns/data/x.md``, a page's
    URL ``https://…/patterns/capacity/disk-full.html``, ``recur://patterns/../data/x.md``), names the pattern by
    its last path segment, without ``.md`` or ``.html``: each was "no pattern with id", with no did-you-mean
    (found in an MCP review). Only a value that looks like a path or URL (a ``/``, or a ``.md``/``.html`` file
    name, with no white space) is read so, and only when that segment is an id: anything else is left for the
    error to name. An id read so is a ``FromPath``: no pattern having it, the error names the text as given (found
    in review: `recur show "disk full on /var/lib"` said "no pattern with id 'lib'")."""
    if value is None:
        return None
    value = value.strip()
    named = _id_a_path_names(value[len(RESOURCE) :] if value.startswith(RESOURCE) else value, value)
    return named if isinstance(named, FromPath) else given_id(named)


class FromPath(str):
    """A pattern id read from a file path or page URL (given_pattern_id), which keeps the text ``given``: the error
    for an id no pattern has names that, not the segment read from it (PatternNotFound)."""

    given: str


def _id_a_path_names(value: str, given: str) -> str:
    """The pattern id a file path or page URL names (its last segment, without .md or .html), else ``value``.
    Text with white space in it is none ("disk full on /var/lib": a sentence, its "lib" no id); nor is a folder's
    path ("capacity/"): only a page URL names a page by a folder (use_directory_urls, ``…/disk-full/``)."""
    if any(c.isspace() for c in value):
        return value
    url = "://" in value
    path = (value.split("#", 1)[0].split("?", 1)[0] if url else value).replace("\\", "/")
    if path.endswith("/") and not url:
        return value
    last = path.rstrip("/").rsplit("/", 1)[-1]
    stem = next((last[: -len(s)] for s in (".md", ".html") if last.lower().endswith(s)), None)
    if stem is None and "/" not in path:
        return value  # no path, no file name: an id, or a text for the error to name
    named = given_id(stem if stem is not None else last)
    if not KEBAB.match(named):
        return value
    read = FromPath(named)
    read.given = given
    return read


class LookupFailure(RecurError):
    """A question about the patterns that cannot be answered as asked (a bad filter or limit, an unknown id): a
    RecurError with the code the API's error shape gives it (``{"error": {code, message}}``), which the HTTP routes
    and MCP's tools alike answer with (named for neither: it was ApiFailure, and MCP raises and reads it too)."""

    code = "invalid_request"

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        if code:
            self.code = code


class PatternNotFound(LookupFailure):
    """No such pattern in the index; ``retired_path``: the KB file of a retired pattern of that id, which
    the index leaves out (a retired id was answered as if no file had it, a typo to look for); with
    ``known`` (the indexed ids), the ones it was probably meant to be: get_pattern {"id": "Disk-Ful"} said
    only pattern_not_found (found in review)."""

    code = "pattern_not_found"

    # long: one message per reason an id has no pattern, each said whole
    def __init__(
        self,
        pattern_id: str,
        retired_path: str | None = None,
        known=(),
        successors=(),
        where="the index",
        broken=None,
        onboarding: str | None = None,
        incident: str | None = None,
    ):
        """``successors``: the patterns that superseded a retired one (its superseded_by), to ask for instead;
        ``where``: what was looked in (`recur show` reading the KB's files names the KB); ``broken``: the file of
        that name left out for errors, and its first error when known (``Retired.left_out``); ``onboarding``: the
        file of the onboarding path of that id (kb.loader.onboarding_path_file). ``unknown``: no file of any kind
        has that id (the CLI adds a search by the words to what it says). ``incident``: the file of the incident
        record of that id in any letter case (kb.loader.incident_record_file), whose id ``incident_id`` is then."""
        self.unknown = False
        # the record's id, its file's name (the loader's rule), as recorded: `recur show` finds it so; the id given
        # upper-cased named 'INC-2026-0050' of a record `--id inc-2026-0050` wrote (found in a re-read)
        self.incident_id = PurePosixPath(incident).stem if incident and broken is None and not retired_path else None
        self.incident_file = incident
        self.meant: list[str] = []
        self.path_id = str(pattern_id) if onboarding and broken is None and not retired_path else None
        if broken is not None:
            path, error = broken
            rebuild = ", then rebuild the index (`recur index`)" if where == "the index" else ""
            super().__init__(
                f"pattern {pattern_id!r} is not in {where}: its file {path} was left out for errors"
                f"{f' ({error})' if error else ''}; fix it (`recur check` names them){rebuild}"
            )
            return
        if retired_path and successors:  # renamed, merged or split: the failure goes on under its successors
            # it said "the failure no longer happens" here too, of a rename (kb-format's way to rename a pattern),
            # and an assistant told a responder so of a live failure (found in an MCP review)
            named = " and ".join(map(repr, successors))
            super().__init__(
                f"pattern {pattern_id!r} is retired ({retired_path}) and superseded by {named}: ask for "
                f"{' or '.join(map(repr, successors))}, which {'covers' if len(successors) == 1 else 'cover'} this "
                "failure now (a retired pattern is left out of the index and its answers; its page on the site "
                "keeps it for history)"
            )
            return
        if retired_path:
            super().__init__(
                f"pattern {pattern_id!r} is retired ({retired_path}): the failure no longer happens, so it is "
                "left out of the index and its answers (its page on the site keeps it for history)"
            )
            return
        if onboarding:  # as recur check says of a path id in a step (kb.check.unknown_step)
            super().__init__(
                f"{pattern_id!r} is an onboarding path ({onboarding}), not a pattern: recur paths {pattern_id}"
            )
            return
        if incident:  # as an onboarding path's: `recur show` prints an incident too
            super().__init__(
                f"{self.incident_id!r} is an incident record ({incident}), not a pattern: recur show {self.incident_id}"
            )
            return
        self.unknown = True
        # an id read from a path or URL (FromPath): the text as given named, its close ids and the segment's
        given = getattr(pattern_id, "given", None) or str(pattern_id)
        close = list(dict.fromkeys(close_ids(given, known) + close_ids(str(pattern_id), known)))[:3] if known else []
        self.meant = close  # the ids it was probably meant to be: `recur show` suggests a search only when none is
        meant = f" (did you mean {', '.join(map(repr, close))}?)" if close else ""
        super().__init__(f"no pattern with id {given!r} in {where}{meant}")


@dataclass(frozen=True)
class Retired:
    """The retired patterns an index left out: ``paths`` {id: KB path}, and ``successors`` {id: [ids]} of
    the patterns that superseded them (their superseded_by, followed to the patterns in use)."""

    paths: dict[str, str] = field(default_factory=dict)
    successors: dict[str, list[str]] = field(default_factory=dict)
    # the pattern files left out for errors (the manifest's left_out), by the id their name gives: {id: (KB path,
    # its first error or None)}. Asked for, such a pattern was "no pattern with id 'disk-full' in the index" while
    # /healthz named its file (found in an operator's review)
    left_out: dict[str, tuple[str, str | None]] = field(default_factory=dict)


# a text that may be a typo of a pattern's id: one lowercase token with a hyphen ("disk-ful"), as ids are kebab
ID_SHAPED = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")


def meant_ids(text: str, ids, manifest: dict | None = None) -> list[str]:
    """An answer's ``meant``: the one pattern id of ``ids`` an id-shaped ``text`` (ID_SHAPED, neither an id in use
    nor a retired one of ``manifest``) is close to, by the rule `recur show` says "did you mean" by (close_ids);
    empty when none or several are. One rule for every surface: the terminal said "Did you mean disk-full?" for
    `recur suggest disk-ful`, and its --json, the API, MCP and Slack carried nothing of it (found in review)."""
    text = text.strip()
    if not ID_SHAPED.fullmatch(text) or text in ids or text in retired(manifest).paths:
        return []
    close = close_ids(text, ids)
    return close if len(close) == 1 else []


def retired(manifest: dict | None) -> Retired:
    """The retired patterns an index left out (its manifest's ``retired`` and ``superseded_by``); empty
    for an index built before the manifest recorded them, values of another kind not read."""
    found, by = (manifest or {}).get("retired"), (manifest or {}).get("superseded_by")
    broken = (manifest or {}).get("left_out")
    left = {file_id(p): (p, None) for p in broken if isinstance(p, str)} if isinstance(broken, list) else {}
    if not isinstance(found, dict):
        return Retired(left_out=left)
    paths = {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, str)}
    by = by if isinstance(by, dict) else {}
    successors = {k: v for k, v in by.items() if isinstance(v, list) and all(isinstance(x, str) for x in v)}
    return Retired(paths, successors, left)


def file_id(path: str) -> str:
    """The pattern id a pattern file's name gives (``patterns/capacity/disk-full.md``: disk-full), as the loader
    requires the two to agree."""
    return Path(path).name.removesuffix(".md").lower()


def said_for_cli(exc: PatternNotFound, flags: str) -> str:
    """``exc``'s message as the CLI prints it: an onboarding path's `recur paths ID` with the run's --kb (``flags``,
    config.where_flags), which read ./kb without it (found in a responder review); the API's and MCP's keep none."""
    said = str(exc)
    if not flags:
        return said
    if exc.incident_id is not None:  # an incident's `recur show ID` alike
        return said.replace(f"recur show {exc.incident_id}", f"recur show {flags}{exc.incident_id}")
    if exc.path_id is None:
        return said
    return said.replace(f"recur paths {exc.path_id}", f"recur paths {flags}{exc.path_id}")


def not_found(
    pattern_id: str, gone: Retired | None, known=(), where: str = "the index", kb_dir=None
) -> PatternNotFound:
    """The error for an id the index (or ``where``) does not have: retired (with its successors), an onboarding
    path's id (the KB at ``kb_dir`` has paths/<id>.yml), an incident record's, or unknown."""
    gone = gone or Retired()
    broken = gone.left_out.get(pattern_id) if pattern_id not in gone.paths else None
    path = record = None
    if kb_dir is not None and pattern_id not in gone.paths and broken is None:
        path = onboarding_path_file(kb_dir, str(pattern_id))
        record = None if path else incident_record_file(kb_dir, str(pattern_id))
    return PatternNotFound(
        pattern_id, gone.paths.get(pattern_id), known, gone.successors.get(pattern_id, ()), where, broken, path, record
    )


def pattern_object(
    docs: dict, pattern_id: str, gone: Retired | None = None, as_of: dt.date | None = None, kb_dir=None
) -> dict:
    """The whole pattern as indexed: symptoms, signals, runbook, evidence, root cause, fix, look-alikes;
    its incidents those that had happened by ``as_of`` (default today: ``dates.happened``).
    ``gone`` (``retired(manifest)``) lets a retired id's error say so, ``kb_dir`` an onboarding path's id."""
    doc = docs.get(pattern_id)
    if doc is None:
        raise not_found(pattern_id, gone, docs, kb_dir=kb_dir)
    # each look-alike's shared signals from the docs, an index built before they were recorded too (wording_only)
    alike = [
        {**a, "shared_signals": shared_signals(doc.get("signals"), docs[a["id"]].get("signals"))}
        if isinstance(a, dict) and a.get("id") in docs
        else a
        for a in doc.get("look_alikes") or []
    ]
    return {
        **doc,
        "incidents": happened_incidents(doc, as_of),
        **({"look_alikes": alike} if "look_alikes" in doc else {}),
    }


# The sections of a pattern's text, in order: what `recur show` (cli/render.render_pattern) and MCP's get_pattern
# (serve/mcp_text.pattern_text) show of a pattern object, each in its own styling. They were two lists and drifted:
# `recur show` left out the root cause, detection and permanent fix, and listed the incidents oldest first while
# MCP listed them newest first (found in review)
PATTERN_SECTIONS = (
    "summary",
    "symptoms",
    "signals",
    "evidence",
    "runbook",
    "root_cause",
    "detection",
    "fix",
    "incidents",
    "related",
    "look_alikes",
)


def pattern_sections(doc: dict) -> list[tuple[str, object]]:
    """(name, data) of every section of a pattern object's text, in ``PATTERN_SECTIONS`` order: a list's items,
    a text (``""`` for none), the fix's mapping (None for none); the incidents newest first. Each is given empty
    or not: a surface says an empty one its own way (MCP's "Linked incidents: none recorded"; the terminal
    leaves it out)."""
    incidents = doc.get("incidents") or []
    data = {
        "summary": doc.get("summary") or "",
        "symptoms": doc.get("symptoms") or [],
        "signals": doc.get("signals") or [],
        "evidence": doc.get("evidence") or [],
        "runbook": doc.get("runbook") or [],
        "root_cause": doc.get("root_cause") or "",
        "detection": str(doc.get("detection") or "").strip(),
        "fix": doc.get("fix") or None,
        "incidents": sorted(incidents, key=lambda i: (str(i.get("date")), str(i.get("id"))), reverse=True),
        "related": doc.get("related") or [],
        "look_alikes": doc.get("look_alikes") or [],
    }
    return [(name, data[name]) for name in PATTERN_SECTIONS]


def fix_said(fix: dict) -> str:
    """A pattern's permanent fix in a line, as every text of a pattern says it: its status, owner and due date
    ("open, owner storage-team, due 2026-05-01")."""
    owner = f", owner {fix['owner']}" if fix.get("owner") else ""
    return f"{fix['status']}{owner}" + (f", due {fix['due']}" if fix.get("due") else "")


def pattern_list(docs: dict, **filters) -> list[dict]:
    """Brief pattern objects sorted by id; ``category``, ``service``, ``tag``, ``severity`` filter
    (case-insensitive, exact; a service or tag matches any of the pattern's). ``severity`` as the caller read it
    with ``pattern_severity``, which gives the note too (read here again, it was read twice or three times a call)."""
    unknown = set(filters) - set(FILTERS)
    if unknown:
        raise LookupFailure(f"unknown filter(s): {', '.join(sorted(unknown))} (use {', '.join(FILTERS)})")
    # an empty filter (?category=, a script's unset variable) listed every pattern as that category's
    # (MCP's list_patterns drops a "" first: model clients fill optional arguments so; mcp_server._given)
    blank = [k for k in FILTERS if filters.get(k) is not None and not str(filters[k]).strip()]
    if blank:
        raise LookupFailure(f"{blank[0]}: must not be empty (leave it out to list every pattern)")
    wanted = {k: str(v).strip().casefold() for k, v in filters.items() if v is not None}

    def keep(doc: dict) -> bool:
        for name, value in wanted.items():
            have = doc.get(_FILTER_KEYS[name])
            values = have if isinstance(have, list) else [have]
            if value not in {str(v).casefold() for v in values if v is not None}:
                return False
        return True

    return [{k: d.get(k) for k in BRIEF_KEYS} for _, d in sorted(docs.items()) if keep(d)]


def shown_given(value) -> str:
    """A value the caller sent, as an error message repeats it: at most 100 characters."""
    return str(value) if len(str(value)) <= 100 else str(value)[:99] + "…"


def bad_cursor(cursor, field: str = "next_cursor") -> LookupFailure:
    """The refusal of a cursor this server did not give; ``field``: the answer's field the next cursor is in."""
    return LookupFailure(
        f"cursor: {shown_given(cursor)!r} is not a cursor this server gave: pass the {field} of the answer "
        "before, or leave cursor out to start from the first"
    )


def after_cursor(ids: list[str], cursor: str | None, field: str = "next_cursor") -> int:
    """Where in ``ids`` (sorted) the page after ``cursor`` starts: past the cursor's id, whether or not that
    pattern is still there (an index rebuilt between pages neither repeats nor skips one, as an offset would);
    ``field``: the answer's field the next cursor is in, named by the error (resources/list's is nextCursor)."""
    import bisect

    if cursor is None:
        return 0
    if not cursor.startswith(AFTER) or cursor == AFTER:
        raise bad_cursor(cursor, field)
    return bisect.bisect_right(ids, cursor.removeprefix(AFTER))


def page_of(
    rows: list, ids: list[str], limit: int, cursor: str | None, field: str = "next_cursor"
) -> tuple[list, int, str | None]:
    """(the page of ``rows`` after ``cursor``, at most ``limit``; where it starts; the next page's cursor or None)."""
    start = after_cursor(ids, cursor, field)
    page = rows[start : start + limit]
    return page, start, (AFTER + ids[start + limit - 1] if start + limit < len(rows) else None)


def list_page(listed: list[dict], limit: int, cursor: str | None) -> tuple[list[dict], int, str | None]:
    """A page of ``pattern_list``'s answer, as ``page_of``: the one paging of MCP's list_patterns and
    GET /api/patterns (``limit`` checked here, for the one message both give)."""
    if not 1 <= limit <= LIST_MOST:
        raise LookupFailure(f"limit: must be between 1 and {LIST_MOST}")
    return page_of(listed, [r["id"] for r in listed], limit, cursor)


def pattern_severity(docs: dict, severity: str | None) -> tuple[str | None, str | None]:
    """(the severity the pattern list filters by, the note saying how it was read): a level by its number ("Sev-1",
    "SEV 1") or a priority ("P1") that no pattern has as its severity is the one severity of its number the patterns
    have (sev1), as record_incident reads it (kb.incident_record.numbered_level). MCP's list_patterns read a
    priority so and GET /api/patterns did not; "Sev-1" listed none on either (found in review). A level's name in
    severity.yml, in any case ("critical": sev1 is named Critical), is that level: both listed nothing for it, where
    record_incident says "'critical' is the name of sev1" (found in an integrator's review). A name two levels
    share is kept as given, the note naming them (it listed nothing, unsaid; found in a re-read). Anything else,
    and a number no one severity has, is kept as given, with no note."""
    from recur.kb.incident_record import is_priority, numbered_level

    if severity is None or not str(severity).strip():
        return severity, None
    have = {str(d.get("severity")) for d in docs.values() if d.get("severity")}
    if severity.strip().casefold() in {h.casefold() for h in have}:
        return severity, None
    named = _named_levels(docs, severity)
    if len(named) == 1:
        ((level, name),) = named.items()
        return level, f"severity {severity.strip()} read as {level}, the level severity.yml names {name}"
    if named:
        levels = " and ".join(f"{level} ({name})" for level, name in sorted(named.items()))
        return severity, f"severity {severity.strip()} is the name severity.yml gives {levels}: give one of them"
    read = numbered_level(sorted(h for h in have if not is_priority(h)), severity)
    if read is None:
        return severity, None
    return read, f"severity {severity.strip()} read as {read}, the level of its number (as record_incident reads it)"


def _named_levels(docs: dict, severity: str) -> dict[str, str]:
    """{level: its name as severity.yml writes it} of the levels the patterns have whose name (each indexed
    pattern's ``severity_name``) is ``severity``, in any case: one, none, or more where levels share a name."""
    folded = severity.strip().casefold()
    return {
        str(d["severity"]): str(d["severity_name"])
        for d in docs.values()
        if d.get("severity") and d.get("severity_name") and str(d["severity_name"]).strip().casefold() == folded
    }


def filter_values(docs: dict, name: str) -> list[str]:
    """Every value the patterns have for a list filter (``category``, ``service``, ``tag``, ``severity``)."""
    values = set()
    for d in docs.values():
        have = d.get(_FILTER_KEYS[name])
        values.update(str(v) for v in (have if isinstance(have, list) else [have]) if v is not None)
    return sorted(values, key=str.casefold)


def unmatched_filters(docs: dict, **filters) -> dict[str, list[str]]:
    """The filters given whose value no pattern has (not merely none with the others too), each with the
    values there are: what a caller that listed nothing needs to try again."""
    out = {}
    for name, value in filters.items():
        if value is None or not str(value).strip():
            continue
        values = filter_values(docs, name)
        if str(value).strip().casefold() not in {v.casefold() for v in values}:
            out[name] = values
    return out


def pattern_markdown(kb_dir, docs: dict, pattern_id: str, gone: Retired | None = None) -> str:
    """The pattern's Markdown file as written in the KB (front matter and all); no such pattern the error
    pattern_object gives with ``kb_dir`` (an onboarding path's or an incident's id said to be one: the resource
    said "no pattern with id" where get_pattern said what the id is, found in an MCP review)."""
    doc = pattern_object(docs, pattern_id, gone, kb_dir=kb_dir)
    try:  # read now, as the loader reads: the file may have changed (to a symlink out) since the index
        return read_again(kb_dir, Path(kb_dir) / doc["path"])
    except RecurError as exc:  # the pattern by its id: the server's paths are not the caller's to know
        # a file gone is an index older than the KB, which `recur index` mends (`recur check` said the KB was
        # fine: found in an MCP integrator's review); a file there but unreadable is the KB's to mend
        gone = not (Path(kb_dir) / doc["path"]).exists() and not (Path(kb_dir) / doc["path"]).is_symlink()
        todo = "rebuild the index (`recur index`)" if gone else "run `recur check` on the knowledge base"
        raise LookupFailure(f"pattern {pattern_id!r}: {exc}; {todo}") from None


# the built site's glossary page (site/glossary_page, on every site `recur site` builds: site/context.GLOSSARY is
# this), which an answer about no failure names to a new hire (results.question_help) where the site's URL is known
GLOSSARY_PAGE = "glossary.md"


def glossary_url(site_url: str | None) -> str | None:
    """The URL of the built site's glossary page (GLOSSARY_PAGE); None without the site's URL."""
    return site_page(site_url, GLOSSARY_PAGE)


def site_page(site_url: str | None, relpath: str) -> str | None:
    """The URL of a KB record's page on the built site (plain .html URLs, see mkdocs.yml), its path escaped
    here, once for every caller: `recur suggest` and `recur report` quoted it themselves while MCP and Slack
    did not, so a pattern under ``patterns/Data Ops/`` gave a raw space there, which ends Slack's
    ``<url|title>`` link (found in review)."""
    if not site_url:
        return None
    from urllib.parse import quote

    return site_url.rstrip("/") + "/" + quote(relpath.removesuffix(".md") + ".html")


def incident_object(i) -> dict:
    """A recorded incident (JSON-safe): `recur show INC-… --json` and each of MCP's past_incidents. After the
    brief keys, what a next shift picks up (found in a handoff review: none of them was given): the duration,
    the follow-ups and flags as the record holds them, and its other sections ({heading: Markdown}, in the
    record's order: a postmortem's root cause, timeline, mitigations, people)."""
    review = i.review
    return {
        "id": i.id,
        "title": i.title,
        "date": i.date.isoformat(),
        "severity": i.severity,
        "services": list(i.services),
        "patterns": list(i.patterns),
        "summary": summary_text(i.summary),
        "review": None if review is None else review_json(review),
        "path": i.relpath,
        "duration_minutes": i.duration_minutes,
        "follow_ups": [follow_up_json(f) for f in i.follow_ups],
        "flags": [flag_json(f) for f in i.flags],
        "sections": {name: text.strip() for name, text in i.sections.items() if name != "Summary" and text.strip()},
    }


def summary_text(summary: str) -> str:
    """An incident's or a pattern's Summary as plain text: its prose on one line (``plain``: a link's label, no code
    marks), and each fenced code block's lines as written, indented four spaces, apart from the prose by a blank line.
    A pasted log in a summary was one line, its entries run together, in `recur show INC-…` and its --json alike
    (found in a handoff review), and a pattern's in `recur show ID`, the API and a suggestion's result (the index's
    docs.json held it flattened until format 8); the prose is still one line between code blocks, as it was, for the
    terminal to wrap."""
    out: list[str] = []
    prose: list[str] = []
    for kind, body in step_parts(summary):  # the fences read as a runbook step's are
        if kind == "text":
            prose.append(body)
            continue
        out += [plain(" ".join(prose))] if prose else []
        prose = []
        out.append("\n".join(f"    {line}".rstrip() for line in body))
    out += [plain(" ".join(prose))] if prose else []
    return "\n\n".join(x for x in out if x.strip())


def cut_sections(doc: dict, limit: int) -> dict:
    """An incident object (``incident_object``) with its summary and each section over ``limit`` characters (0:
    none cut) cut to ``limit`` with the line saying so and what prints it whole (the object has its file's path,
    and page), the marker counted in: the kept text at a line's end where one falls in the second half, else at a
    word's; ``cut_sections``: {the heading of each one cut ("Summary" for the summary): its whole length}. MCP's
    past_incidents: twenty imported postmortems were some 240 KB of sections (60,000 tokens of an assistant's
    context), a record holding a pasted day of logs 900 KB alone (bench/mcp_incident_size.py). A ``limit`` under
    the marker's own length (~90) gives the marker alone."""
    out = {**doc, "cut_sections": {}}
    if limit <= 0:
        return out

    def held(name: str, text: str) -> str:
        if len(text) <= limit:
            return text
        out["cut_sections"][name] = len(text)
        longest = _cut_marker(doc["id"], len(text), len(text))  # the kept count has no more digits than the whole
        kept, fence = _cut_within(text, limit - len(longest))
        return f"{kept}{fence}{_cut_marker(doc['id'], len(kept), len(text))}"

    out["summary"] = held("Summary", doc["summary"])
    out["sections"] = {name: held(name, text) for name, text in doc["sections"].items()}
    return out


def _cut_marker(incident_id: str, kept: int, whole: int) -> str:
    """The line after a cut, apart from the kept text by a blank line: right after a table row or a list item, a
    line of its own was read as one more cell of the row or more words of the item (found in a re-read)."""
    return f"\n\n[… cut: {kept:,} of {whole:,} characters shown; `recur show {incident_id}` prints it whole]"


def _cut_within(text: str, room: int) -> tuple[str, str]:
    """(the kept start of ``text``, the line closing a fenced block it ends inside or ""), the two together at most
    ``room`` characters (none when ``room`` is under 1): the closing fence counts, as the marker does."""
    kept = _cut_at(text, max(room, 0))
    fence = _closing_fence(kept)
    while kept and len(kept) + len(fence) > room:  # each pass keeps fewer characters: it ends at "" at worst
        kept = _cut_at(text, max(room - len(fence), 0))
        fence = _closing_fence(kept)
    return kept, fence


def given_sections(
    incidents: list[dict], most: int, share: int = config.MCP_ANSWER_SECTION_CHARS, room: int = config.MCP_ANSWER_CHARS
) -> dict:
    """MCP's past_incidents' ``incidents``, newest first, with the summaries and sections an answer gives: each cut
    (``cut_sections``) at ``most`` characters, or fewer when the incidents are many, sharing ``share`` (at least
    config.MCP_SECTION_FLOOR each); where even that floor does not fit every incident's sections, or their JSON
    would take the incidents' objects past ``room`` characters, the newer ones (the earlier listed) keep theirs and
    the older ones keep their summary alone, their sections left out (named with their lengths in
    ``left_out_sections``). ``most`` 0: every one whole, as it is. {"incidents", "chars": what each was cut at,
    "left_out": the ids given without sections}. At limit 100 the sections' 200-character floor and a marker each
    were 312 KB (80,000 tokens; bench/mcp_incident_size.py); with the 40,000 characters of summaries and sections
    held, each object's other keys (~600 characters) still made 100 KB, over Claude Code's 25,000 tokens, which
    reads the structured content, not the text: ``room`` counts the whole objects, as the client is sent them, and
    the left-out ids, which the answer lists too."""
    listed = sum(1 + len(i["sections"]) for i in incidents)  # each one's summary, and its sections
    chars = min(most, max(config.MCP_SECTION_FLOOR, share // max(listed, 1))) if most else 0
    given = [{**held_lists(cut_sections(i, chars), bool(chars)), "left_out_sections": {}} for i in incidents]
    bare = [_without_sections(i, whole) for i, whole in zip(given, incidents, strict=True)]
    # each at its least: bare, and its id in the answer's list of those left out (~16 characters each, 1,275 at
    # limit 100, which with a note took the answer past its bound); an incident given its sections takes it back
    in_list = [json_chars(i["id"]) + 1 if whole["sections"] else 0 for i, whole in zip(given, incidents, strict=True)]
    spent, size = sum(len(i["summary"]) for i in given), sum(map(json_chars, bare)) + sum(in_list)
    left_out, full = [], False
    for n, (i, whole) in enumerate(zip(given, incidents, strict=True)):
        cost, more = sum(len(t) for t in i["sections"].values()), json_chars(i) - json_chars(bare[n]) - in_list[n]
        # from the first that does not fit on: the older ones
        full = full or bool(chars and (spent + cost > share or size + more > room))
        if full and whole["sections"]:
            given[n] = bare[n]
            left_out.append(i["id"])
        else:
            spent, size = spent + cost, size + more
    dropped = _dropped_past(given, left_out, room) if chars else []
    return {"incidents": given, "chars": chars, "left_out": left_out, "dropped": dropped}


def held_lists(doc: dict, held: bool = True) -> dict:
    """An incident object with its follow-ups and flags held (unless not ``held``): the first config.MCP_LIST_ITEMS
    of each, each text of an item over config.MCP_ITEM_CHARS cut to them ending in "…"; ``left_out_items``: {the
    list's key: how many of its items were left out} for each list cut ({} when none). Hundreds of follow-ups in
    one record took MCP's past_incidents past its 80,000 characters, which only its summaries and sections kept."""
    out = {**doc, "left_out_items": {}}
    if not held:
        return out
    most, chars = config.MCP_LIST_ITEMS, config.MCP_ITEM_CHARS
    for key in ("follow_ups", "flags"):
        items = doc[key]
        if len(items) > most:
            out["left_out_items"][key] = len(items) - most
        out[key] = [
            {k: v[: chars - 1] + "…" if isinstance(v, str) and len(v) > chars else v for k, v in item.items()}
            for item in items[:most]
        ]
    return out


def _dropped_past(given: list[dict], left_out: list[str], room: int) -> list[str]:
    """The ids of the oldest incidents of ``given`` (newest first) left out whole, taken off its end (and off
    ``left_out``, the ids of those given without sections) until the objects and both lists of ids fit in ``room``
    characters of compact JSON: the bound holds whatever else an incident holds (a title of pages, its services).
    Each one left out costs its id in the answer's list of them."""
    sizes = [json_chars(i) + 1 for i in given]
    ids = lambda names: sum(json_chars(x) + 1 for x in names)  # noqa: E731
    dropped: list[str] = []
    while given and sum(sizes) + ids(left_out) + ids(dropped) > room:
        gone = given.pop()
        sizes.pop()
        if gone["id"] in left_out:
            left_out.remove(gone["id"])
        dropped.insert(0, gone["id"])
    return dropped


def _without_sections(given: dict, whole: dict) -> dict:
    """An incident ``given_sections`` cut, with its sections left out: named in ``left_out_sections`` with their
    whole lengths, and no longer in ``cut_sections`` (its summary's cut still is)."""
    if not whole["sections"]:
        return given
    cut = {k: v for k, v in given["cut_sections"].items() if k == "Summary"}
    left_out = {name: len(text) for name, text in whole["sections"].items()}
    return {**given, "sections": {}, "cut_sections": cut, "left_out_sections": left_out}


def json_chars(value) -> int:
    """The characters of ``value`` as compact JSON, as the MCP SDK sends a structured answer."""
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def _cut_at(text: str, limit: int) -> str:
    """``text``'s first ``limit`` characters or fewer: up to the last line's end among them when it is past half
    of them (a table's rows, a log's lines whole), else the last space's (words whole), else all of them."""
    end = text.rfind("\n", 0, limit + 1)
    if end < limit // 2:
        end = text.rfind(" ", 0, limit + 1)
    return text[: end if end >= limit // 2 else limit].rstrip()


def _closing_fence(kept: str) -> str:
    """A line closing the fenced block ``kept`` ends inside, as it was opened (its indentation and marker), or "".
    A section cut inside a pasted log left its block open: the cut's marker was read as one more log line, and
    the section's Markdown never closed (found in a re-read). Fences are read as a runbook step's are."""
    opened = indent = None
    for line in kept.split("\n"):
        m = FENCE_LINE.match(line)
        if m:
            now, fence = fence_step(opened, m.group(1), m.group(2))
            indent = line[: m.start(1)] if fence and opened is None else indent
            opened = now
    return f"\n{indent}{opened}" if opened else ""


def incidents_of(kb, pattern_ids: list[str], limit: int = MAX_INCIDENTS, as_of: dt.date | None = None) -> list[dict]:
    """Incidents linked to any of ``pattern_ids`` or to a retired pattern one of them replaced (``under`` that id),
    dated up to ``as_of`` (default ``config.today()``, as the board lists them: ``dates.happened``), newest first,
    each once."""
    as_of = as_of or config.today()
    seen: dict = {}
    under: dict = {}  # those listed for a retired pattern one of them replaced: its id, as the pattern object says
    for pid in pattern_ids:
        for i in kb.incidents_for(pid):
            if happened(i.date, as_of):
                seen[i.id] = i
                under.pop(i.id, None)
        for i, old in kb.inherited_incidents(pid):
            if happened(i.date, as_of) and i.id not in seen:
                seen[i.id], under[i.id] = i, old
    newest = sorted(seen.values(), key=lambda i: (i.date, i.id), reverse=True)
    return [{**incident_object(i), **({"under": under[i.id]} if i.id in under else {})} for i in newest[:limit]]


def past_incidents(engine, kb, *, pattern_id: str | None = None, answer=None, limit: int = MAX_INCIDENTS) -> dict:
    """Recorded incidents for a pattern, or for a suggestion ``answer`` (the incidents linked to the
    patterns it matched with high or medium confidence), newest first. ``kb`` is read fresh by the
    caller, so an incident recorded a moment ago is there before the index is rebuilt."""
    if (pattern_id is None) == (answer is None):
        raise LookupFailure("give pattern_id or text (one of them)")
    if pattern_id is not None:
        pattern_object(engine.docs, pattern_id, retired(engine.manifest), kb_dir=engine.kb_dir)
        return {"pattern_id": pattern_id, "incidents": incidents_of(kb, [pattern_id], limit)}
    matched = [] if answer.no_known_pattern else [r["id"] for r in answer.results if r["confidence"] != "low"]
    return {
        "query": answer.query,
        "no_known_pattern": answer.no_known_pattern,
        "patterns": matched,
        "incidents": incidents_of(kb, matched, limit),
    }
