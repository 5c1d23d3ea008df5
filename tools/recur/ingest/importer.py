"""`recur import FILE.md`: a postmortem becomes an incident record, and a draft pattern when
no existing pattern matches it well (with the closest ones listed to compare). What was written
is an ``Imported`` record; its ``to_json()`` is `recur import --json`."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from pathlib import Path
from typing import TypedDict

from recur import config
from recur.kb import placeholders
from recur.kb.incident_record import Asked, NewIncident, checked_incident, review_json
from recur.kb.records import Review, draft_mark
from recur.kb.schema import WONT_DO
from recur.kb.writer import Bullets, Numbered, Raw, dumps, pattern_markdown, plain
from recur.retrieval.results import CONFIDENCE_RANK, choose_link
from recur.util import utf8
from recur.util.dates import after_today, day_month, in_range, iso_date, iso_day, out_of_range
from recur.util.errors import RecurError, given_as
from recur.util.text import and_listed, caseless, normalise_signal, one_line, plural, signal_key


class Candidate(TypedDict):
    """A ranked pattern for the postmortem: its suggestion result, shortened."""

    id: str
    rank: int
    confidence: str
    probability: float | None  # calibrated, as in every suggestion answer (None on a tiny KB)
    score: float
    title: str
    why: str
    import_draft: bool  # a draft an earlier import wrote, not yet promoted


CLOSEST_KEYS = ("id", "title", "score", "confidence", "probability", "why")


@dataclass(frozen=True)
class Link:
    """Which pattern the import linked (None: none) and why; ``pending_draft``: an earlier import's
    unpromoted draft that is the best candidate."""

    pattern: str | None
    reason: str
    pending_draft: str | None

    def to_json(self) -> dict:
        return {"pattern": self.pattern, "reason": self.reason, "pending_draft": self.pending_draft}


@dataclass(frozen=True)
class Draft:
    """The draft pattern an import wrote; ``unsorted``: why its category is UNSORTED (None: --category or
    the top candidate's gave it)."""

    id: str
    path: str
    title: str
    category: str
    unsorted: str | None = None

    def to_json(self) -> dict:
        # "unsorted": a script tells a category chosen (--category, a confident match's) from UNSORTED's fallback
        return {
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "category": self.category,
            "unsorted": self.unsorted,
        }


# a draft's category when no candidate is a confident match: the folder says it is not sorted yet
UNSORTED = "uncategorised"


@dataclass(frozen=True)
class Already:
    """An earlier import of the same document: its incident, file, and how it was recognised
    ("content" or "source path")."""

    incident: str
    path: str
    by: str
    # --keep-record of a document imported as a record of its own and changed since: {sha256, sections}, the
    # version now counted as imported and the headings of the record's sections kept over its; None: not so
    kept_record: dict | None = None

    def to_json(self) -> dict:
        return {"incident": self.incident, "path": self.path, "by": self.by, "kept_record": self.kept_record}


@dataclass(frozen=True)
class Written:
    """What ``_write`` wrote: the record's id (the plan's, or the next free number when another import
    or `recur incident new` took that one meanwhile), its path, the patterns it links, its follow-ups,
    the draft, its review (level, status and due date from the severity framework), and what `recur check` warns
    of the lines of both (or of a dry run's texts) that look like a credential or a person's e-mail address
    (``warnings``: (key, lines) pairs, credential_warnings and personal_data_warnings: written_warnings')."""

    incident: str
    incident_path: str
    patterns: list[str]
    follow_ups: int
    draft: Draft | None
    review: Review
    warnings: tuple = ()  # (key, its lines) pairs, in written_warnings' order
    merged: object = None  # pm_merge.Merged: the record updated, not written anew


@dataclass(frozen=True)
class ReviewDates:
    """The review's days as the import records them, read in one place (``_review_dates``): ``due`` (None:
    the severity framework's), ``done`` the day it was held (None: not said, or not read), ``given``:
    --review-done gave it (the review is then done whatever the postmortem says)."""

    due: dt.date | None
    done: dt.date | None
    given: bool
    # the day the postmortem says the review is held is after today: a review scheduled, recorded pending and due
    # that day, whatever its status says (it was recorded done on a day ahead, which `recur check --strict` fails)
    scheduled: bool = False


@dataclass(frozen=True)
class ImportPlan:
    """What the record is written with, all read before anything is written. ``numbered``: the id was
    chosen here, not asked for (another free number will do: ``_write`` returns the one written);
    ``date_from``: where the date was read ("--date", or the postmortem's place); ``shared``: the patterns
    that list a signal the draft would (``signal_sharers``), read once for the query, the draft and its notes."""

    iid: str
    numbered: bool
    title: str
    day: dt.date
    sev: str
    triage: list[str]
    digest: str
    source: str
    date_from: str | None
    review: ReviewDates
    shared: dict[str, list[str]]
    # the record ``iid`` is there already, the import merged into it (pm_merge): how it was named; None: a new one
    into: str | None = None
    # merging: the flags given that describe a new record (--date, --severity, --review-due), and the keys whose
    # value is no postmortem's (a flag's, a triage default's), not said as "the postmortem's" where the record's
    # is kept (found in review: --severity sev1 said as the postmortem's, and so the triage default)
    flags: tuple = ()
    unsaid: frozenset = frozenset()
    # --keep-record: the sections a re-import would hold back (exit 3) kept as the record's own (pm_merge.keep_own)
    keep: bool = False
    # --into this document's record whose `imported:` a person set to null or took out (_unmarked_import): why no
    # hash is left ("INC-….md:8: imported: is null"), its sections taken as the import's (pm_merge)
    unmarked: str | None = None


@dataclass(frozen=True)
class Imported:
    """What ``import_postmortem`` reports; ``to_json()`` is `recur import --json`. For a document
    imported before (``already``), nothing was written and the fields of a new import are empty."""

    incident: str
    incident_path: str
    patterns: list[str]
    already: Already | None
    draft: Draft | None
    link: Link | None
    no_known_pattern: bool | None
    candidates: list[Candidate]
    triage: list[str]
    date: dt.date | None
    date_source: str | None
    severity: str | None
    mapped: list[tuple[str, str]]  # (postmortem heading, incident section)
    unmapped: list[str]
    follow_ups: int
    notes: list[str]
    review: Review | None = None  # the record's review; None when nothing was written (``already``)
    suggestions: list = ()  # the engine's result objects for the postmortem; none with --pattern
    # an earlier import of this path whose document has changed since: nothing was written, and
    # `recur import` exits CHANGED, so that a scheduled import does not drop the edit unseen
    changed: bool = False
    title: str | None = None  # the record's title as written; None when nothing was written (``already``)
    # --dry-run: everything above is what would have been written; nothing was (the JSON is the same)
    dry_run: bool = False
    # the text the candidates were searched for, as `recur suggest --json`'s query (None: no search made),
    # and the postmortem's parts it was made of (``_query``): said with the candidates. Found in review: a
    # TLS postmortem's import rated a pool-exhaustion pattern medium, `recur suggest` on the whole file low
    # (a KB under 30 patterns rates by a cosine threshold, search.MEDIUM_COSINE, and the whole file, its
    # timeline and action items too, is another text): nothing said the import searched part of it.
    query: str | None = None
    searched: tuple = ()
    # the `path:line: field: warning: looks like …` lines of the record (and draft) written, or a dry run's, holding
    # what looks like a credential or a person's e-mail address (kb.credentials.written_warnings), written all the
    # same: said on stderr and, when any, as --json's last keys (credential_warnings, personal_data_warnings), as
    # `recur incident new` and MCP's record_incident say them (they were said on stderr alone): (key, lines) pairs
    warnings: tuple = ()
    # the record was there already (the postmortem names it, or --into): {"by", "added", "kept"}, what the import
    # added to it and what it kept of the record where the postmortem says otherwise; None: a new record
    updated: dict | None = None
    # a pattern linked whose permanent fix was marked done before the incident's date (kb.pattern_fix.fix_not_held):
    # said on stderr and as --json's last key, as `recur incident new` says it; the import linked it without a word
    recurrence_after_fix: tuple = ()

    @property
    def closest(self) -> list[dict]:
        return [{k: c[k] for k in CLOSEST_KEYS} for c in self.candidates]

    def to_json(self) -> dict:
        return {
            "incident": self.incident,
            "incident_path": self.incident_path,
            "patterns": self.patterns,
            "already": self.already.to_json() if self.already else None,
            "draft": self.draft.to_json() if self.draft else None,
            "link": self.link.to_json() if self.link else None,
            "no_known_pattern": self.no_known_pattern,
            "candidates": self.candidates,
            "closest": self.closest,
            "triage": self.triage,
            "date": iso_day(self.date),
            "date_source": self.date_source,
            "severity": self.severity,
            "mapped": [{"heading": h, "section": c} for h, c in self.mapped],
            "unmapped": self.unmapped,
            "follow_ups": self.follow_ups,
            "notes": self.notes,
            # the same facts under the keys `recur incident new --json` gives them (``recorded_json``):
            # a script reads a new record the same way from either (docs/incident-json.md)
            "id": self.incident,
            "path": self.incident_path,
            "linked": list(self.patterns),
            "review": review_json(self.review) if self.review else None,
            "suggestions": list(self.suggestions),
            "title": self.title,  # both objects: what the record was titled (a postmortem's may be rewritten)
            "query": self.query,  # after the keys both objects have: import's own (docs/incident-json.md)
            "updated": self.updated,
        } | self._warnings()

    def _warnings(self) -> dict:
        """The last keys, each when there is one, as `recur incident new --json` has them: credential_warnings,
        personal_data_warnings, then recurrence_after_fix."""
        out = {key: list(lines) for key, lines in self.warnings}
        return out | ({"recurrence_after_fix": list(self.recurrence_after_fix)} if self.recurrence_after_fix else {})


INCIDENT_ORDER = [
    "Summary",
    "Impact",
    "Leadup",
    "Trigger",
    "Root cause",
    "Five whys",
    "Detection",
    "Response",
    "Mitigations",  # what stopped the harm, before what resolved it (done already: no follow-ups)
    "Resolution",
    "Lessons learned",
    "Action items",
    "Timeline",
]


def _items(text: str) -> list[str]:
    out = []
    for ln in text.splitlines():
        m = re.match(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s*)?(.+)$", ln)
        if m:
            out.append(m.group(1).strip())
    if not out:
        out = [s.strip() for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if len(s.strip()) > 10]
    return out


def draft_pattern_text(pid, pm, *, title, category, severity, closest, source, imported=None, shared=None) -> str:
    """The draft pattern's file. ``shared``: {pattern id: the draft's signals it lists too}, said under
    Compare with (a pattern not among ``closest`` listed after them)."""
    s = pm.sections
    symptoms = (_items(s.get("Impact", "")) + _items(s.get("Detection", "")))[:4] or [title]
    signals = lifted_signals(pm)
    # a postmortem's "## Mitigation" was its Resolution, the draft's runbook: it still is, for want of one
    steps = (
        _items(s.get("Resolution", ""))
        or _items(s.get("Mitigations", ""))
        or _items(s.get("Response", ""))
        or [placeholders.IMPORT_STEP]
    )
    front = [
        ("id", Raw(plain(pid))),
        ("title", title),
        ("category", Raw(plain(category))),
        ("severity", Raw(plain(severity))),
        ("status", Raw("draft")),
        ("symptoms", [x[:300] for x in symptoms]),
        ("signals", signals),
        ("imported", Raw(dumps(imported)) if imported else None),
    ]
    sections = [("Summary", s.get("Summary", title).strip()), ("Runbook", Numbered(steps[:10]))]
    cause = "\n\n".join(s[k] for k in ("Root cause", "Trigger", "Five whys") if s.get(k))
    if cause:
        sections.append(("Root cause", cause))
    if todo := [a["title"] for a in pm.action_items if a.get("resolution") != WONT_DO]:  # not what was decided against
        sections.append(("Permanent fix", Bullets(todo)))
    if s.get("Detection"):
        sections.append(("Detection", s["Detection"]))
    if closest:
        sections.append(
            (
                "Compare with",
                "Closest existing patterns when this draft was imported; extend one of them "
                "instead if it is the same failure:\n" + "\n".join(_compare_line(r, shared or {}) for r in closest),
            )
        )
    sections.append(("References", f"- Imported from postmortem `{source}`"))
    return pattern_markdown(front, sections)


def _compare_line(r: dict, shared: dict) -> str:
    """A pattern under the draft's Compare with: its score, and the draft's signals it lists too."""
    why = [f"score {r['score']:.2f}"] if r.get("score") is not None else []
    if signals := shared.get(r["id"]):
        why.append("lists its signal " + ", ".join(f"`{x}`" for x in signals) + " too")
    return f"- `{r['id']}`: {r['title']}" + (f" ({'; '.join(why)})" if why else "")


def signal_sharers(kb, signals: list[str]) -> dict[str, list[str]]:
    """{pattern id: those of ``signals`` it lists} of the patterns a search can answer with, as the ranking
    and `recur check` read a signal (``signal_key``: case, spacing and numbers aside, but not a status's class, an
    errno or an exit code: a draft's `... statuscode: 401` is not a pattern's `... statuscode: 500`), in the KB's
    order."""
    wanted = {signal_key(x): x for x in reversed(signals)}  # a signal written twice: its first form
    out: dict = {}
    for p in kb.active_patterns():
        mine = {signal_key(x) for x in p.signals}
        if found := [wanted[n] for n in dict.fromkeys(signal_key(x) for x in signals) if n in mine]:
            out[p.id] = found
    return out


# the exit status of `recur import` when the document was imported before and has changed since:
# not 0 (the edit is not applied) and not 1 (an error: nothing is wrong with the document)
CHANGED = 3


def content_hash(text: str) -> str:
    """sha256 of the document with line endings and trailing spaces normalised."""
    import hashlib

    norm = "\n".join(ln.rstrip() for ln in text.replace("\r\n", "\n").strip().split("\n"))
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def document_hashes(text: str, read: tuple[str, str] | None = None) -> tuple[str, ...]:
    """(the digest an import records, the others an earlier import of the same content may hold). A document
    in HTML or Jira wiki markup is compared by the Markdown read from it, each line's spaces collapsed and blank
    lines left out: a page saved again with other markup and the same text ("<p class=…>" now "<p>", a heading
    on lines of its own) was "changed since it was imported", exit 3, where a Markdown file's trailing spaces are
    the same content. Records imported before hold the digest of the file as written: the second. ``read``:
    (text, its Markdown) the parse converted (``Postmortem.markdown``), taken when it is this text: an HTML
    export was converted twice, once to parse and once here."""
    from recur.ingest.pm_markup import to_markdown

    raw = content_hash(text)
    # without a byte-order mark, as the parse converts it: a page with one was compared as written, never by its
    # Markdown (found in review); a record imported before holds ``raw``, the file's digest, mark and all
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    # the parse's text has its control characters out and a lone "\r" as a line end: when it is not this
    # text, this text's Markdown is the one earlier imports hashed
    converted = read[1] if read is not None and read[0] == text else to_markdown(text)
    if converted == text:
        return (raw,)
    lines = (" ".join(ln.split()) for ln in converted.split("\n"))
    return content_hash("\n".join(ln for ln in lines if ln)), raw


def source_key(kb, file) -> str:
    """The postmortem's source as recorded (``imported.source`` and the References line): its path
    relative to the folder holding the KB when it is under it ("postmortems/2026/db.md"), else its
    file name. The record held the absolute path of a file elsewhere (/home/ana/Downloads/pm.html:
    nothing to anyone else), and its References line the path as typed, relative to wherever the
    import ran ("../postmortems/pm.html"). A file name also names the same export saved on another
    machine; two documents of one name are told apart by title and date (``_same_document``)."""
    path = Path(file).resolve()
    try:
        return path.relative_to(Path(kb.root).resolve().parent).as_posix()
    except ValueError:
        return path.name


def _sources(kb, file) -> set:
    """Every ``imported.source`` an earlier import of ``file`` may hold: ``source_key``, and the absolute
    path records written before 2026-12 hold for a file outside the KB's folder."""
    return {source_key(kb, file), Path(file).resolve().as_posix()}


def _source_form(source):
    """A record's ``imported.source`` as ``source_key`` writes it, a path a person set by hand as a shell or Windows
    writes it ("./postmortems/db.md", "postmortems\\db.md") the same as "postmortems/db.md": the import said this
    very file "moved or was saved under another name" (found in a re-read). Another value (a number, None) as is."""
    from pathlib import PurePosixPath

    if not isinstance(source, str) or not source.strip():
        return source
    return PurePosixPath(source.strip().replace("\\", "/")).as_posix()


def find_duplicate(kb, digest, sources: set, title=None, day=None):
    """(incident id, path, "content"|"source path") of an earlier import of the same document, or None.

    The same source path is the same document edited only when the record has the title or the date
    the document now gives (``title``, ``day``: what it says itself, None when it says nothing): a
    team that saves each postmortem as ``postmortem.md`` in turn imports different documents there."""
    digests = {digest} if isinstance(digest, str) else set(digest)  # document_hashes' too
    for by in ("content", "source path"):
        for inc in sorted(kb.incidents.values(), key=lambda i: i.id):
            imp = inc.imported or {}
            if (by == "content" and imp.get("sha256") in digests) or (
                by == "source path" and _source_form(imp.get("source")) in sources and _same_document(inc, title, day)
            ):
                return inc.id, str(Path(kb.root) / inc.relpath), by
    return None


def _same_document(inc, title, day) -> bool:
    """Whether a record imported from a path is the document now at that path: the same title, or
    the same date and a title sharing most of its words (one corrected: "Nightly backup fills the
    share" → "Backup fills the share"). The date alone was enough, and a team's second postmortem
    of the day saved as postmortem.md was "already imported"."""
    if title is None and day is None:
        return True  # nothing to tell them apart by
    if title is not None and inc.title.strip() == title.strip():
        return True
    return day is not None and inc.date == day and (title is None or _titles_overlap(inc.title, title))


def _titles_overlap(a: str, b: str) -> bool:
    """At least half the words of the shorter title (3+ letters or digits) are in the other."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return True  # a title of short words only: the date decides, as before
    return _overlap(wa, wb)


def _overlap(wa: set, wb: set) -> bool:
    return len(wa & wb) * 2 >= min(len(wa), len(wb))


def _alike_notes(kb, pm, said: tuple, where: tuple) -> list:
    """The notes of a postmortem recorded as a new incident on the records it may be taken for: imported from its
    path before, of the same date and title, or of its title and text another day (``said``: the title and date it
    is recorded with, and --date; ``where``: its source, sources and file)."""
    source, sources, file = where
    return (
        _same_source_notes(kb, source, sources)
        + _look_alike_notes(kb, *said[:2])
        + _not_moved_notes(kb, pm, (sources, file), said[2])
    )


def _same_source_notes(kb, source: str, sources: set) -> list:
    """A note per earlier import from this path that is another postmortem (_same_document said so)."""
    earlier = sorted(i.id for i in kb.incidents.values() if (i.imported or {}).get("source") in sources)
    return [
        f"{source} was imported before as {iid}, a different postmortem (another title, or another date); "
        "this one is recorded as a new incident"
        for iid in earlier
    ]


def _look_alike_notes(kb, title: str, day) -> list:
    """A note per recorded incident of the same date and title: a copy of the postmortem saved under
    another name ("postmortem (1).md") and edited a little has another path and another hash, and
    was recorded a second time without a word. Only a note: two incidents may share both. Titles are
    compared as ``clean_title`` reads them (a record written before it took "🔥 Postmortem:" off holds
    them), and one sharing most words is alike: "X (v2)" was no copy of "X"."""
    from recur.ingest.pm_text import clean_title

    key, mine = _title_key(title), _words(title)
    notes = []
    for inc in sorted((i for i in kb.incidents.values() if i.date == day), key=lambda i: i.id):
        theirs = clean_title(inc.title) or inc.title
        if _title_key(theirs) == key:
            notes.append(
                f"{inc.id} has the same title and date: if it is this postmortem (a copy saved under another name), "
                "remove one of the two records"
            )
        elif mine and (words := _words(theirs)) and _overlap(words, mine):
            notes.append(
                f"{inc.id} has the same date and a title much like this one ({inc.title!r}): if it is this postmortem "
                "(a copy saved under another name, edited), remove one of the two records"
            )
    return notes


def _title_key(title: str) -> str:
    return " ".join(title.split()).casefold()


def _words(title: str) -> set:
    """The words ``_titles_overlap`` compares: a title of short words only has none, and is alike no other."""
    return set(re.findall(r"\w{3,}", title.lower()))


def placeholder_severity(kb) -> str:
    """The severity written when a postmortem names none: the least severe level that still has a
    review, so the record shows up for review (and triage) on the board."""
    levels = kb.require_severity()
    reviewed = [k for k, lv in levels.items() if lv.review != "none"]
    return (reviewed or list(levels))[-1]


# what a placeholder's note says of the record's date and severity when the postmortem gives none
_PLACEHOLDER = {
    "date": "; recorded {} (today) for triage (set the real date, or pass --date)",
    "severity": "; recorded {} for triage (set the real one, or pass --severity)",
}


def resolve_meta(pm, kb, file, *, date=None, severity=None, today=None):
    """(title, date, severity, triage fields, notes): what the postmortem says, else a placeholder
    marked for triage. Never raises for something missing; only for an unknown --severity."""
    notes, triage = [], []
    title = pm.title or re.sub(r"[-_]+", " ", Path(file).stem).strip() or "Imported postmortem"
    if not pm.title:
        notes.append(f"no title found; used the file name {title!r}")
    elif pm.title_note:
        notes.append(pm.title_note)
    title, cut = within_title_limit(title)  # a file name's (the H1's was cut in _parsed)
    notes += [cut] if cut else []
    day = date or pm.date
    if day is not None and not in_range(day):
        where = "--date" if date else f"{file}: date"
        hint = "" if date else f" (read from {pm.date_source}); pass --date with the real one"
        raise RecurError(f"{where}: {out_of_range(day)}{hint}")
    now = today or config.today()
    if date:
        notes.append("date: from --date")
    elif day is not None:
        notes.append(f"date: {day.isoformat()} from {pm.date_source}")
        notes += [pm.date_note] if pm.date_note else []  # "26/11/30": read year first, or check it
    else:
        day = now
        triage.append("date")
        notes.append(f"date: {_no_date(pm)}{_PLACEHOLDER['date'].format(day.isoformat())}")
    if day > now:  # recur check --strict then fails on it in CI: said now, as incident new does
        notes.append(f"warning: {after_today('the date', day, now)}")
    sev, note = _severity(pm, kb, severity)
    if sev is None:
        sev = placeholder_severity(kb)
        triage.append("severity")
        note += _PLACEHOLDER["severity"].format(sev)
    notes += [note] if note else []
    return title, day, sev, triage, notes


def _severity(pm, kb, given) -> tuple:
    """(the framework's key or None, the note saying where it came from or why there is none): --severity,
    else the postmortem's Severity (or Priority) field, else what its text says (``_said_severity``)."""
    from recur.ingest.postmortem import severity_key
    from recur.kb.incident_record import framework_severity

    if given:  # "SEV1" is sev1, as incident new takes it; an unknown one is refused, naming --severity
        return framework_severity(kb, given, "--severity"), None
    if pm.severity_text:
        sev = severity_key(pm.severity_text, kb.severity)
        if sev is None:
            return None, f"severity: could not read {pm.severity_text!r} as one of {', '.join(kb.severity)}"
        via = " (a Priority field; no severity was named)" if pm.severity_from_priority else ""
        return sev, f"severity: {sev} from {pm.severity_text!r}{via}"
    if pm.severity_mentions:
        sev, note = _said_severity(pm.severity_mentions, kb)
        unused = f"; the Priority field {pm.priority_text!r} is no severity" if pm.priority_text else ""
        return sev, note + unused
    return None, "severity: none found in the postmortem"


def _said_severity(found: list, kb) -> tuple:
    """(key or None, note) for a severity the text says (``pm_severity``): read when every mention
    stands for one level of the framework; two different levels are not guessed between."""
    keyed = [(_mention_key(m, kb), m) for m in found]
    first = {}  # level (unread: its number, or its word) -> its first mention
    for key, m in keyed:
        first.setdefault(key or m.number or m.written.lower(), m)
    if len(first) > 1:
        named = ", ".join(f"{m.written!r} (line {m.line})" for m in list(first.values())[:4])
        return None, f"severity: the postmortem names {len(first)} different levels: {named}; not guessed"
    key, m = keyed[0]
    if key is None:
        return None, f"severity: could not read {m.written!r} (line {m.line}) as one of {', '.join(kb.severity)}"
    said = {"label": "a labelled line in the text", "text": "said in the text; no Severity field"}.get(
        m.kind, "a priority; no severity was named"
    )
    more = f"; {len(found)} mentions, all {key}" if len(found) > 1 else ""
    return key, f"severity: {key} from {m.written!r}, line {m.line}: {m.context!r} ({said}{more})"


def _mention_key(m, kb):
    """The framework's key for a severity the text says, as --severity is mapped (framework_severity:
    "Sev-1" is sev1), else by its number as a Severity field's "SEV-1" or "P1" is (severity_key)."""
    from recur.ingest.postmortem import severity_key
    from recur.kb.incident_record import framework_severity

    if m.number is None:  # a word on a "Severity:" line: "Major", a level's name
        return severity_key(m.written, kb.severity)
    token = ("p" if m.kind.startswith("priority") else "sev") + m.number
    with contextlib.suppress(RecurError):
        return framework_severity(kb, token)
    return severity_key(token, kb.severity)


def _no_date(pm) -> str:
    """Why an import has no date, in words: nothing found, or a date label it could not read."""
    from recur.ingest.pm_text import ambiguous_date

    if not pm.date_unread:
        return "none found in the postmortem"
    readings = ambiguous_date(pm.date_unread)
    why = f": day and month could be either way round ({' or '.join(day_month(d) for d in readings)})"
    return f"could not read {pm.date_unread}{why if readings else ''}"


def stored_why(result: dict) -> str:
    """A candidate's why as stored in the incident record, each entry labelled as the terminal labels it
    (results.why_field): a bare "signal:" before a signal's text read as that signal found in the
    postmortem, also where only most of its words, or its meaning, were.

    Not results.why_text, which says the same for a reader (``signal “…”``, cut at 90 with "…", with
    "(listed by N patterns)"): this one is written into records already imported (``signal: …``, cut at
    80), so its format stays as it is. Named apart so that one is not taken for the other."""
    from recur.retrieval.results import why_field

    whys = [w for w in result.get("why", [])[:3] if w.get("field")]
    return "; ".join(f"{why_field(w)}: {' '.join(str(w.get('text', '')).split())[:80]}" for w in whys)


def candidates_of(results: list, import_drafts: set) -> list[Candidate]:
    return [
        {
            "id": r["id"],
            "rank": r["rank"],
            "confidence": r["confidence"],
            "probability": r.get("probability"),  # calibrated, as in every suggestion answer (null on a tiny KB)
            "score": round(r["score"], 2),
            "title": r["title"],
            "why": stored_why(r),
            "import_draft": r["id"] in import_drafts,
        }
        for r in results
    ]


SEARCHED_SECTIONS = ("Summary", "Root cause", "Trigger", "Detection")  # what says what failed and why


KNOWN_SIGNALS = "lines a known pattern lists as signals"  # the part of the query _known_signals adds, as named


def _query_parts(title: str, pm, shared: dict) -> list[tuple[str, str]]:
    """(name, text) of the parts the candidates are searched for: the title and the sections that say what
    failed and why; not the impact, the timeline nor the action items, which say what it cost and what was
    done. With no heading read as its Summary or Root cause, the sections no heading maps too (German
    ones, ``## Zusammenfassung``, ``## Ursache``): the search had the title and the field lines above
    them, and a postmortem quoting tls-certificate-expired's signal in its Zusammenfassung was "no known
    pattern", a second pattern drafted for it. Then the lines the draft would list as signals that a known
    pattern lists (``_known_signals``; ``shared``: ``signal_sharers``), wherever the postmortem quotes them."""
    # the parts there are, without blanks around them: the text is the answer's (and --json's) query, which
    # `recur suggest QUERY` (its text stripped) is to answer the same
    parts = [("title", title)] + [(k, pm.sections.get(k, "")) for k in SEARCHED_SECTIONS]
    if not any(canonical in ("Summary", "Root cause") for _, canonical in pm.mapped):
        parts += [(h, pm.sections.get(h, "")) for h in dict.fromkeys(pm.unmapped)]
    parts = [(name, text.strip()) for name, text in parts if text.strip()]
    said = normalise_signal(" ".join(text for _, text in parts))
    if known := [s for s in _known_signals(shared, lifted_signals(pm)) if normalise_signal(s) not in said]:
        parts.append((KNOWN_SIGNALS, " ".join(known)))
    return parts


def _query(parts: list[tuple[str, str]]) -> str:
    return " ".join(text for _, text in parts)


def lifted_signals(pm) -> list[str]:
    """The code spans a draft pattern lists as its signals (not the commands a responder typed)."""
    return [c for c in pm.code_spans if not c.startswith(("kubectl ", "curl "))][:6]


def _known_signals(shared: dict, signals: list[str]) -> list[str]:
    """Those of ``signals`` that a pattern the search can answer with lists, as the ranking reads a signal
    (``signal_key``: case, spacing and numbers aside, not those it pins): found whole in the text searched, the engine
    takes it as strong evidence for that pattern (search.VERBATIM); quoted outside the searched sections
    (a timeline's line) it was left out, and a draft listing it written beside the pattern. ``shared``:
    ``signal_sharers`` of ``signals``."""
    known = {signal_key(x) for found in shared.values() for x in found}
    return [x for x in dict.fromkeys(signals) if signal_key(x) in known]


def _searched(parts: list[tuple[str, str]], answer) -> dict:
    """What the search gave ``Imported``: the whole result objects (as `recur incident new --json` has
    them), the text searched and the parts of the postmortem ``_query_parts`` made it of, as render_text
    names them. None searched (--pattern): no results, no query."""
    if answer is None:
        return {"suggestions": []}
    return {"suggestions": answer.results, "query": answer.query, "searched": tuple(name for name, _ in parts)}


def _incident_sections(pm, title: str, source: str) -> dict:
    sections = {"Summary": pm.sections.get("Summary") or title}
    if people := _people(pm):
        sections["People"] = people
    sections.update({k: pm.sections[k] for k in INCIDENT_ORDER[1:] if pm.sections.get(k)})
    sections.update({k: v for k, v in pm.sections.items() if k not in sections and k not in INCIDENT_ORDER})
    own = sections.get("References", "").rstrip()  # the postmortem's own links stay, the source is added
    sections["References"] = (own + "\n" if own else "") + f"- Imported from postmortem `{source}`"
    return sections


def _people(pm) -> str:
    """The record's People section: who wrote the postmortem, owns it, led the response ("- Incident commander:
    Lena Ortiz"), as the postmortem labels them; no incident key holds them, and said only in the notes they
    were lost. Before the postmortem's own People section, if it has one."""
    lines = "\n".join(f"- {label}: {value}" for label, value in pm.people)
    own = pm.sections.get("People", "").strip()
    return "\n\n".join(part for part in (lines, own) if part)


def _read(file):
    """The postmortem's text to read (a ``pm_markup.Prepared``): a MIME file's text part, inline images
    taken out. Its sections become the incident record, which `recur check` refuses over
    MAX_FILE_BYTES: a longer text (pasted logs) is refused here, before anything is written, rather
    than recorded as a file check rejects. Inline images are not text and are taken out first: a
    Google Docs export of 2 MB, nearly all one image, was refused."""
    from recur.config import MAX_IMPORT_READ_BYTES
    from recur.ingest.pm_format import refusal
    from recur.ingest.pm_markup import prepared
    from recur.kb.parse import MAX_FILE_BYTES

    if utf8.problem(str(file)):  # the record keeps the path: said as the name's problem, not the content's
        shown = str(file).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        raise RecurError(f"{shown}: the file name is not valid UTF-8 (it is recorded as the source); rename the file")
    try:
        with open(file, "rb") as fh:
            raw = fh.read(MAX_IMPORT_READ_BYTES + 1)
    except OSError as exc:
        raise RecurError(f"{file}: cannot be read ({exc.strerror or exc})") from None
    said = refusal(raw[:8], file)  # first: a 3 MB .docx is a Word document before it is too long
    if said:
        raise RecurError(f"{file}: {said}; nothing imported")
    if len(raw) > MAX_IMPORT_READ_BYTES:
        raise RecurError(
            f"{file}: is over {MAX_IMPORT_READ_BYTES:,} bytes, the most recur import reads; nothing imported"
        )
    text = _decode(raw, str(file))
    line = utf8.nul_line(text)  # its sections are written raw: a NUL would make a record check rejects
    if line:
        raise RecurError(f"{file}:{line}: holds a NUL byte (binary data, not text); nothing imported")
    prep = prepared(text)
    if prep.mime == "":
        raise RecurError(
            f"{file}: is a MIME file (an export or a saved email) with no HTML or text part; nothing imported"
        )
    if len(prep.text.encode("utf-8")) > MAX_FILE_BYTES:
        shown = " (its inline images taken out)" if prep.images else ""
        raise RecurError(
            f"{file}: is over {MAX_FILE_BYTES:,} bytes{shown}, the most an incident record may hold (recur "
            "check's limit); cut the pasted logs or attachments out of it and import again"
        )
    return prep


def _decode(raw: bytes, file: str) -> str:
    """A postmortem's text: UTF-8, or UTF-16 (Word's and Notepad's "Unicode text", which was refused as "byte
    0xff at column 1"; without its byte-order mark, by its NULs, as `recur suggest -` reads stdin:
    utf8.utf16_encoding). Any other encoding is refused, naming the
    line and column of the first byte that is not UTF-8: Windows-1252 and Latin-1 cannot be told
    apart from the bytes, and a wrong guess would record wrong letters without a word."""
    encoding = utf8.utf16_encoding(raw)
    if encoding:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            raise RecurError(f"{file}: starts as UTF-16 text but is not UTF-16 throughout; save it as UTF-8") from None
    try:
        return utf8.decode(raw, file)  # names the line and column of a byte that is not UTF-8
    except RecurError as exc:
        bad = utf8.first_bad_byte(raw)  # and what it is in Windows' "ANSI", as `recur check` says of a KB file
        seen = "" if bad is None else utf8.saved_as(bad)
        raise RecurError(f"{exc}{seen}; save it as UTF-8 and import again") from None


def _refuse_data_export(file, text: str) -> None:
    """A Jira or spreadsheet export (JSON, CSV) is data, not a postmortem: it was imported as prose, the
    incident titled from the file name and the raw JSON or rows recorded as its summary."""
    kind = "CSV" if Path(str(file)).suffix.lower() in (".csv", ".tsv") or _reads_as_csv(text) else None
    if kind is None and text.lstrip().startswith(("{", "[")):
        try:
            json.loads(text)
            kind = "JSON"
        except ValueError:
            pass
    if kind:
        # and where its rows, most often a tracker's action items, can go instead: the refusal gave no way forward
        raise RecurError(
            f"{file}: is a {kind} export (an issue tracker's or a spreadsheet's data), not a postmortem; "
            "export the postmortem itself as Markdown or text and import that. Its rows, if they are the "
            "postmortem's action items, become follow-ups when pasted into the postmortem as a Markdown table "
            "under '## Action items' (a Jira export's Summary, Issue key, Assignee, Due Date and Status columns are read), "
            "or are added to an incident already recorded one by one: recur incident follow-up ID --add TITLE "
            "[--owner O] [--due DATE] [--ticket T]; nothing imported"
        )


# how much of a file's start _reads_as_csv reads: its header and a few rows are enough, and a long file costs no more
_CSV_HEAD = 64 * 1024
_CSV_ROWS = 20


def _reads_as_csv(text: str) -> bool:
    """Whether ``text`` is a CSV (or semicolon- or tab-separated) export whatever its file's name: a first line
    of 3 or more fields, none blank, and at least two rows after it, 4 in 5 of them with its number of fields. A
    Jira export saved as ".txt" was imported as a postmortem (its rows the summary, the file name the title)
    where the same bytes as ".csv" were refused. Prose and Markdown tables (pipes) do not keep one count of
    commas from line to line; quoted fields with commas or line breaks are read as the csv module reads them."""
    head = text.lstrip("\ufeff")[:_CSV_HEAD]
    # line ends of any kind, as the csv module reads a file opened with newline="": a file with CR alone between its
    # lines (an old Mac editor's) was one line, and csv.Error ("new-line character seen in unquoted field") a traceback
    lines = io.StringIO(head, newline=None)
    first = lines.readline().rstrip("\n")
    for sep in (",", ";", "\t"):
        if first.count(sep) < 2:
            continue
        lines.seek(0)
        try:
            rows = [r for r in csv.reader(lines, delimiter=sep) if r][: _CSV_ROWS + 1]
        except csv.Error:  # what the csv module cannot read as rows is no CSV export; a sniff never fails the import
            continue
        if len(head) == _CSV_HEAD:
            rows = rows[:-1]  # the last may be cut off by the head's end
        if not rows:  # one line longer than the head (a one-line HTML export): no CSV; was an IndexError
            continue
        header, body = rows[0], rows[1:]
        if len(header) < 3 or any(not f.strip() for f in header) or len(body) < 2:
            continue
        if sum(len(r) == len(header) for r in body) * 5 >= len(body) * 4:
            return True
    return False


def _parsed(file, day=None):
    """(the text read, its parse, notes on what of the file was not read as text). ``day``: --date, else the date of
    the record --into updates for a document giving none: the day its undated times are read on (postmortem.parse)."""
    from recur.ingest.postmortem import looks_unfilled, parse

    prep = _read(file)
    text = prep.text
    if not text.strip():  # not "an unfilled template (0 placeholders)": there is nothing in it at all
        raise RecurError(f"{file}: is empty; nothing imported")
    _refuse_data_export(file, text)
    pm = parse(text, day=day)
    if pm.front_matter_error:
        line, problem = pm.front_matter_error
        raise RecurError(f"{file}:{line}: front matter: {problem}; fix it, or remove the front matter")
    if looks_unfilled(pm):
        raise RecurError(
            f"{file}: this looks like an unfilled postmortem template ({plural(pm.placeholders, 'placeholder')}, "
            f"{plural(pm.words, 'word')} of its own text); fill it in, then import it"
        )
    notes = _file_notes(prep)
    if pm.title:  # cut before anything compares it with a record's (an earlier import's, cut too)
        pm.title, cut = within_title_limit(pm.title)
        notes += [cut] if cut else []
    pm.ref_tickets = frozenset(_ref_tickets(pm.sections.get("References", "")))  # once, for each look-up
    return text, pm, notes


def drafts_in_folder(kb, files: list) -> dict:
    """{a draft's path: (its final's path, why)} of a folder's ``files`` (`recur import DIR`): the earlier versions
    of a postmortem by their names beside the latest (pm_versions.finals: `pm-draft.md` beside `pm.md`, `v1` beside
    `v2`), when no record holds the draft (one imported before is re-imported as any file), their titles are one
    (pm_versions.one_title: a name says a version of another incident's postmortem too, `countdown.md` beside
    `final-countdown.md`, which was skipped, never recorded, exit 0) and the two dates, where both give one, are
    within 2 days. Both were recorded the first time, two records of one incident with a look-alike note (found in
    review); the final is imported, the draft skipped and said, as a final beside its draft's record is no second
    record either (_elsewhere_note). A file that cannot be read is paired with none: its import says why."""
    from recur.ingest.pm_versions import finals, one_title

    out = {}
    for draft, final in finals(list(files)).items():
        try:
            (text, pm, _), late = _parsed(draft), _parsed(final)[1]
        except RecurError:
            continue
        if not one_title(pm.title, late.title) or pm.date and late.date and abs((pm.date - late.date).days) > 2:
            continue
        sources, said = _sources(kb, draft), (pm.title, pm.date)
        if find_duplicate(kb, document_hashes(text, pm.markdown), sources, *said) or _unmarked_import(
            kb, sources, *said, (pm.ref_tickets, pm.sections)
        ):
            continue
        out[draft] = (final, f"the names {draft.name} and {final.name} say it is the earlier version")
    return out


class NotAPostmortem(RecurError):
    """The document is a runbook (what to do when a failure happens), not a postmortem (what happened once):
    `recur import` exits 2 on it, nothing written."""


# a runbook's headings: how a failure shows and what to do about it, any time it happens
_RUNBOOK_HEADINGS = {
    "symptoms": "symptoms",
    "symptom": "symptoms",
    "diagnosis": "diagnosis",
    "diagnostics": "diagnosis",
    "troubleshooting": "diagnosis",
    "how to diagnose": "diagnosis",
    "resolution": "resolution",
    "remediation": "resolution",
    "remediation steps": "resolution",
    "procedure": "resolution",
    "steps": "resolution",
    "fix": "resolution",
    "escalation": "escalation",
    "verification": "verification",
    "prerequisites": "prerequisites",
}
# the sections only a postmortem has: one incident's course, its harm and what is to be done after it
_INCIDENT_SECTIONS = {"Timeline", "Impact", "Action items", "Lessons learned", "Five whys", "Trigger", "Leadup"}


def _runbook_heading(heading: str) -> str | None:
    return _RUNBOOK_HEADINGS.get(heading.strip().lower().rstrip(":"))


def _incident_shape(pm) -> bool:
    """Whether the document tells of one incident: a timeline, impact, lessons or follow-ups, a duration, a start,
    end or resolved time, a severity or priority, or a date that a field or heading gives (a date only in a
    sentence, "Last reviewed: 2026-09-14", is none: a runbook has those too; one in the title, "# Checkout API
    outage, 14 November 2026", is: a postmortem so dated was refused, found in review). A runbook's own heading
    read as a postmortem's ("## Remediation", the action items) is none either."""
    from recur.ingest.postmortem import _first_dated

    sentence = (pm.date_source or "").startswith("the first dated sentence")
    dated = pm.date is not None and (not sentence or _first_dated(pm.title or "", None)[0] is not None)
    times = (pm.duration_minutes, pm.start, pm.end, pm.resolved, pm.mitigated, pm.created_at)
    levels = (pm.severity_text, pm.priority_text, pm.severity_mentions)
    told = {canon for head, canon in pm.mapped if not _runbook_heading(head)} & _INCIDENT_SECTIONS
    return dated or any(times) or any(levels) or bool(told)


def _runbook_note(file, pm, dup) -> list[str]:
    """A runbook is refused (``_refuse_runbook``), unless a record was imported from this very document (``dup``,
    the re-import lookup) before the refusal existed: refused then, a scheduled import of a folder failed on a
    document it had imported fine (found in review). It is reported as imported before, with this note."""
    try:
        _refuse_runbook(file, pm)
    except NotAPostmortem:
        if not dup:
            raise
        return [
            f"it reads as a runbook, not a postmortem (recur import refuses one now; {dup[0]} was imported from it "
            f"before it did): if {dup[0]} records no incident, make the runbook a pattern (recur new pattern) "
            f"and remove {dup[1]}"
        ]
    return []


def _refuse_runbook(file, pm) -> None:
    """A runbook given to `recur import` (Symptoms / Diagnosis / Resolution, no timeline, impact, duration,
    incident date or severity) was recorded as an incident dated from its "Last reviewed:" line, and its
    draft pattern was a mess of TODOs (found in review): it is refused, saying how it becomes a pattern."""
    import shlex

    order = list(pm.sections)
    at = {h: order.index(c) if c in order else len(order) for h, c in [*pm.mapped, *((h, h) for h in pm.unmapped)]}
    headings = sorted(at, key=at.get)  # as the document has them
    kinds = {kind for h in headings if (kind := _runbook_heading(h))}
    if len(kinds) < 2 or not kinds & {"symptoms", "diagnosis"} or _incident_shape(pm):
        return
    named = ", ".join(h for h in headings if _runbook_heading(h))
    title = re.sub(r"(?i)^\s*(?:runbook|playbook|sop)\s*[:\-–—]\s*", "", pm.title or "") or "TITLE"
    raise NotAPostmortem(
        f"{file}: looks like a runbook, not a postmortem: its headings ({named}) say what to do when a failure "
        "happens, and nothing tells of one incident (no timeline, impact, duration, incident date or severity); "
        f"nothing imported. A runbook is a pattern: recur new pattern --title {shlex.quote(title)} --summary '…' "
        "--symptom '…' --step '…' (a --symptom for each symptom, a --step for each step, --signal for an alert "
        "name or log line), or write kb/patterns/CATEGORY/ID.md: its Symptoms are the front matter's symptoms: "
        "(alert names and log lines its signals:), its Diagnosis and Resolution steps the numbered ## Runbook, "
        "the cause it names the ## Root cause (KB-FORMAT.md). If it is a postmortem, give it a Date: line (and "
        "a Severity: line) and import it again."
    )


def within_title_limit(title: str) -> tuple[str, str | None]:
    """(``title``, None), or one cut at a word to the characters a record's title may have and the note that
    says so: an H1 of a paragraph (640 characters) was recorded whole, where `recur incident new` refuses one
    over TITLE_MOST (found in review). Cut, not refused: the rest of the document is worth importing."""
    from recur.kb.incident_record import TITLE_MOST

    if len(title) <= TITLE_MOST:
        return title, None
    head = title[: TITLE_MOST - 1]  # and "…"
    head = (head.rsplit(" ", 1)[0] if " " in head.strip() else head).rstrip(" ,;:.-–—") or head
    cut = head + "…"
    return cut, (
        f"title: {len(title):,} characters, over the {TITLE_MOST} a record's title may have: cut at a word to "
        f"{cut!r}; say what happened in a few words (recur check asks for 120 or fewer)"
    )


def _file_notes(prep) -> list[str]:
    notes = []
    if prep.mime and prep.mime.endswith("an email"):
        notes.append(f"read the {prep.mime} (its From, Subject and Date as an email's)")
    elif prep.mime:  # a Confluence "Export to Word" .doc, a web page saved as one file (.mht)
        notes.append(
            f"read the {prep.mime}; its headers (Date:, Subject:) are the export's, not the incident's: not read"
        )
    if prep.images:
        notes.append(
            f"took out {plural(prep.images, 'inline image')} ({prep.image_chars:,} characters of data: URIs): "
            "the record keeps the text; link the images from the References section if they matter"
        )
    return notes


def _follow_up_cmd(pm, iid: str | None, title: str) -> str:
    """``recur incident follow-up ID WHICH`` for the follow-up ``title`` of the record ``iid``: its number as the record
    lists them (the follow-ups with a title, in order), or the placeholders where either is not known."""
    fus = [a["title"] for a in pm.action_items if a["title"]]
    which = fus.index(title) + 1 if fus.count(title) == 1 else "WHICH"
    return f"recur incident follow-up {iid or 'ID'} {which}"


def _owner_notes(pm, iid: str | None = None) -> list[str]:
    """The follow-ups' owner cells that named more than one person (one recorded, the others said), those of two
    one-word names kept as one ("Priya, Sam", as "Smith, Ana" is), which may be two people: they went unsaid; and
    an unlabelled bracket of names kept in the title, which may be its owners (postmortem._maybe_owners)."""
    maybe = [
        f"follow-up {title!r}: ({names}) may be the owners (unlabelled, and named nowhere else in the postmortem: a "
        f"place, a product or an alert is written so too), kept in the title; if so, set one with "
        f"{_follow_up_cmd(pm, iid, title)} --owner NAME"
        for title, names in pm.owners_maybe
    ]
    notes = maybe + [
        f"follow-up {title!r}: owner {owner!r} recorded, {', '.join(map(repr, left))} left out (its owner cell "
        f"names {len(left) + 1}; a follow-up has one owner: give each their own follow-up if they share it)"
        for title, owner, left in pm.owners_left
    ]
    return notes + [
        f"follow-up {title!r}: owner {owner!r} kept as one name{_as_one(owner)}; if it is two people, a follow-up has "
        f"one owner: set it with {_follow_up_cmd(pm, iid, title)} --owner NAME and give the other their own follow-up"
        for title, owner in pm.owners_whole
    ]


def _as_one(owner: str) -> str:
    """What an owner of two one-word names kept as one is kept like: " (as 'Smith, Ana' is)", said once when it is
    that name ("kept as one name (as 'Smith, Ana' is)" of 'Smith, Ana' itself, found in review)."""
    return ", a surname and a given name" if owner == "Smith, Ana" else " (as 'Smith, Ana' is)"


def _due_notes(pm, iid: str | None = None) -> list[str]:
    """The follow-ups' due dates not read, and those written without a year or month read against the incident's
    date. A slash day either order reads ("12/03") is read in the order the document's other dates show, which
    is said; with none or both shown it is not read, and said so with both readings: it was "not read as a date",
    no word of why (found in review)."""
    from recur.ingest.pm_text import day_of_month

    notes = []
    for title, due in pm.unread_dues:
        notes.append(
            _either_way(pm, title, due, iid)
            or f"follow-up {title!r}: due {due!r} not read as a date, left empty{_both_readings(pm, title, due, iid)}"
        )
    for title, due, day, start in pm.inferred_dues:
        lacks, first = ("month", re.sub(r"(?i)^the\s+", "", due)) if day_of_month(due) else ("year", due)  # "the 19th"
        notes.append(
            f"follow-up {title!r}: due {due!r} has no {lacks}{_order_said(pm, due) or ';'} read as {day.isoformat()}, "
            f"the first {first} on or after the incident's date ({start.isoformat()}): correct it in the record if "
            "another was meant"
        )
    return notes


_FIRST = {"md": "month", "dm": "day"}


def _both_readings(pm, title: str, due: str, iid: str | None) -> str:
    """The end of the note of a due date with its year that either order of day and month makes ("03/08/2026"):
    both days and how to set the one meant; "" for other words. It said "not read as a date" alone, and the
    author did not see why a date so plain was left out (found by a review of dates and times)."""
    from recur.ingest.pm_text import ambiguous_date

    if len(pair := ambiguous_date(due)) != 2 or pair[0].year != pair[1].year:
        return ""
    a, b = pair
    return (
        f": day and month could be either way round ({day_month(a)} or {day_month(b)}); set it with "
        f"{_follow_up_cmd(pm, iid, title)} --due YYYY-MM-DD"
    )


def _order_said(pm, words: str) -> str:
    """How a slash day either order reads ("12/03") was read: in the one order the document's other dates show
    (postmortem.slash_order), said with the date that shows it; "" for other words."""
    from recur.ingest.pm_text import either_way
    from recur.ingest.postmortem import slash_order

    if either_way(words) is None or (how := slash_order(pm)) is None:
        return ""
    return f" and either order makes a day: {_FIRST[how]} first, as the document's {pm.slash_orders[how]!r} is;"


# what sets a follow-up's due date and its done day by hand: the note of one not read names it
_SET_DAY = {
    "due": ("left empty", "--due YYYY-MM-DD"),
    "done": ("recorded done with no done: day", "--done --on YYYY-MM-DD"),
}


def _either_way(pm, title: str, said: str, iid: str | None = None, what: str = "due") -> str | None:
    """Why a slash day without its year ("12/03"), a due date or a done day (``what``), was not read, when either
    order makes a day and the document's other dates show no order, or both ('12/15/2026' month first, '15/12' day
    first); None for other words."""
    from recur.ingest.pm_text import either_way
    from recur.ingest.postmortem import slash_order

    if (pair := either_way(said)) is None or slash_order(pm) is not None:
        return None
    a, b = pair
    month_first, day_first = dt.date(2000, a, b), dt.date(2000, b, a)  # a leap year: "2/29" is a day of some years
    shown = ", ".join(f"{words!r} {_FIRST[how]} first" for how, words in sorted(pm.slash_orders.items(), reverse=True))
    shown = f"the document's other dates show both ({shown})" if shown else "no other date of the document shows which"
    left, flag = _SET_DAY[what]
    return (
        f"follow-up {title!r}: {what} {said!r} not read: it has no year and either order makes a day "
        f"({day_month(month_first, False)} month first, {day_month(day_first, False)} day first), and {shown}; {left}: set it with "
        f"{_follow_up_cmd(pm, iid, title)} {flag}"
    )


def _unrecorded_notes(pm, today: dt.date, iid: str | None = None) -> list[str]:
    """What the postmortem says that the record will not hold: fields with no place, cancelled action
    items (recorded done, resolution wont-do) and blocked ones (recorded open), due dates not read, control characters; and how the
    duration was read when that needs saying (the first of several, a value read as none)."""

    notes = [pm.reply_note] if pm.reply_note else []
    notes += [pm.duration_note] if pm.duration_note else []
    if pm.unkept:
        notes.append(f"not recorded (an incident record has no field for them): {'; '.join(pm.unkept)}")
    if pm.cancelled_items:
        notes.append(f"follow-ups recorded won't do (cancelled): {'; '.join(pm.cancelled_items)}")
    for heading, n in pm.unread_tasks:
        notes.append(
            f"not imported as follow-ups: {plural(n, 'list item')} under {heading!r}, a heading not read as the action "
            "items (kept in its section as written; put them under 'Action items' to import them as follow-ups)"
        )
    for title, said in pm.blocked_items:
        notes.append(
            f"follow-up {title!r}: {said!r} recorded open (no follow-up status says blocked), the words out of its title"
        )
    notes += _owner_notes(pm, iid)
    notes += _due_notes(pm, iid)
    for title, said, day, start in pm.inferred_dones:
        if day is None:  # "done 12/03" in a document whose dates show no order, or both: said as a due date is
            notes += [note] if (note := _either_way(pm, title, said, iid, "done")) else []
            continue
        # a day after today was taken back a year (dones_by): then the first on or after the date is not it
        read = (
            f"the first {said} on or after the incident's date ({start.isoformat()})"
            if start is not None and day >= start
            else f"the last {said} on or before today ({today.isoformat()}; a done day is not ahead)"
        )
        notes.append(
            f"follow-up {title!r}: done {said!r} has no year{_order_said(pm, said) or ';'} read as {day.isoformat()}, "
            f"{read}: correct its done: "
            "in the record if another was meant"
        )
    for title, said, back, start in pm.early_dones:
        notes.append(
            f"follow-up {title!r}: done {said!r} has no year and was not read: the first on or after the incident's "
            f"date ({start.isoformat()}) is after today ({today.isoformat()}) and the last on or before today "
            f"({back.isoformat()}) is before the incident; recorded done with no done: day, add it in the record"
        )
    if pm.controls:
        notes.append(
            f"took {plural(pm.controls, 'control character')} out of the text (terminal escape sequences and the like: "
            "not text, and a terminal showing the record would act on them)"
        )
    return notes


def import_postmortem(  # long: the import's steps in order, a call each; 16 keyword flags, a line each
    kb_dir,
    file,
    *,
    index_dir,
    model,
    iid=None,
    date=None,
    severity=None,
    patterns=(),
    category=None,
    draft=True,
    threshold="high",  # a medium top was wrong often enough to be a person's choice (found in review)
    top=5,
    today=None,
    dry_run=False,
    review_due=None,
    review_done=None,
    kb=None,
    engine: OneEngine | None = None,
    into=None,
    keep_record=False,
) -> Imported:
    """Write the incident record (and a draft pattern when no known pattern matches); returns what was written, or
    ``already`` when the same document was imported before (nothing written); ``dry_run``: every check, no write.
    ``review_due``, ``review_done``: the review's due and held days, over the postmortem's; ``kb``, ``engine``: the
    caller's (``engine``: a folder's imports share one, OneEngine); ``into``: the record to update (--into), else
    the one the postmortem names when the KB has it (``_target``); ``keep_record``: a section of it that a re-import
    would hold back is kept as the record's own (--keep-record, pm_merge); "each": given with a folder, what each file
    kept said, what it did not left unsaid (a CI job's 200 files each said "nothing kept")."""
    from recur.ingest.postmortem import dones_by, dues_against
    from recur.kb.loader import require_patterns

    _check_names(iid, category)
    today = today or config.today()
    text, pm, read_notes, kb = _parsed_in(file, date, into, kb_dir, kb)
    # as the patterns have them: "Disk-Full" too; named as _check_names names its arguments
    patterns = require_patterns(kb, patterns, given_as("patterns"))
    digests, source, sources = document_hashes(text, pm.markdown), source_key(kb, file), _sources(kb, file)
    dup = _earlier_import(
        kb, pm, digests, sources, (into, iid, (pm.date, date), keep_record, file), bool(severity or date)
    )
    runbook = _runbook_note(file, pm, dup)
    if dup:
        # the same path with other content: a changed document, what differs named
        # --into was said of none (found in review); into the record imported already, no flag to say
        flags = {"iid": iid, "date": date, "severity": severity, "pattern": patterns, "review_due": review_due,
                 "into": into != dup[0] and into, "keep_record": keep_record is True}  # fmt: skip
        changes = (
            _changes(kb, dup[0], pm, source, today) if dup[2] in ("source path", *_UNMARKED, *_ELSEWHERE) else None
        )
        if dup[2] in (*_UNMARKED, *_ELSEWHERE):
            return _unmarked(kb, dup, pm, file, changes, _given(**flags, review_done=review_done), runbook, dry_run)
        out = _already(  # keep: with --keep-record, a changed one counted as imported, the record as it is
            dup,
            pm,
            _given(**flags, review_done=review_done),
            changes,
            digests,
            kb=kb,
            # --into another record: not merged, so not counted as imported into this one either (a re-read)
            keep=keep_record and not flags["into"] and (source, dry_run),
        )
        return replace(out, notes=out.notes + _moved_note(kb, dup, source, (sources, file)) + runbook, dry_run=dry_run)
    title, day, sev, triage, notes = resolve_meta(pm, kb, file, date=date, severity=severity, today=today)
    if date:  # a due date without its year is read against the date given, not the document's
        dues_against(pm, day)
    dones_by(pm, today)
    target, by, said = _target(kb, pm, into, iid, (pm.date, date), title)
    notes += said if target else said + _alike_notes(kb, pm, (title, day, date), (source, sources, file))
    iid, numbered = (target, False) if target else _record_id(kb, iid, day)
    notes += ([] if "Summary" in pm.sections else ["no summary section; used the title"]) + read_notes
    notes += _unrecorded_notes(pm, today, iid)
    search = (lambda q: (engine or OneEngine()).answer(kb_dir, index_dir, model, q, top)) if not patterns else None
    parts = _query_parts(title, pm, shared := signal_sharers(kb, lifted_signals(pm)))
    patterns, (link, reason, unknown, answer, pending) = _target_link(kb, target, search, parts, patterns, threshold)
    cands = candidates_of(answer.results if answer else [], kb.import_drafts())
    linked = list(dict.fromkeys(patterns)) or ([link] if link else [])
    days, said = _review_dates(pm, day, today, iid, due=review_due, done=review_done)
    # updating a record, its own review is kept: what the postmortem says of it is in the merge's "kept"
    notes += [n for n in said if not n.startswith("review:")] if target else said
    date_from = "--date" if date else pm.date_source
    plan = ImportPlan(iid, numbered, title, day, sev, triage, digests[0], source, date_from, days, shared, by,
                      *_not_the_postmortems(triage, days, date=date, severity=severity, review_due=review_due),
                      keep=keep_record, unmarked=_unmarked_into(kb, into and target, sources, pm, day))  # fmt: skip
    draft = draft and not linked and unknown is True and not pending  # a second draft would split one failure in two
    notes += _no_draft_note(target) if draft and target else []
    draft = draft and not target
    written = _write(kb, pm, plan, linked, cands, draft=draft, category=category, source_file=source, dry=dry_run)
    notes += _draft_notes(written, pending, plan.shared)
    notes += _review_notes(kb, pm, written, plan, today) if not target else []  # the merge says what it kept
    out = _imported(plan, pm, written, Link(link, reason, pending), unknown, cands, notes)
    return replace(
        out,
        dry_run=dry_run,
        warnings=written.warnings,
        recurrence_after_fix=_fix_not_held(kb, written.patterns, kb.incidents[target].date if target else day),
        **_searched(parts, answer),
    )


def _parsed_in(file, date, into, kb_dir, kb) -> tuple:
    """(``_parsed``'s three, the KB: the caller's ``kb``, else loaded from ``kb_dir``). A document giving no date
    imported --into a record without --date is read again on the record's date, the incident's: its undated times
    ("01:30 PT" to "03:10 PT") were read on no date, 100 minutes, where the record's 2026-03-08 makes 40."""
    from recur.kb.loader import load_kb

    text, pm, notes = _parsed(file, date)
    kb = load_kb(kb_dir) if kb is None else kb
    inc = kb.incidents.get(into) if into and date is None and pm.date is None else None
    if inc is not None and inc.date is not None:  # no such record: _target says so
        text, pm, notes = _parsed(file, inc.date)
    return text, pm, notes, kb


def _fix_not_held(kb, linked, day: dt.date) -> tuple:
    """The patterns linked whose permanent fix was marked done before ``day``, the incident's date: a recurrence
    after the fix, as `recur incident new` and `link` say it (found in a re-read: an import said nothing)."""
    from recur.kb.pattern_fix import fix_not_held

    return tuple(fix_not_held(kb.patterns, linked, day, config.where_flags(kb.root)))


def _target_link(kb, target, search, parts, patterns, threshold) -> tuple:
    """(the patterns given, ``_link``'s answer): a record updated (``target``) that links patterns keeps them, and
    no search is made for another (a second link is a person's choice), unless --pattern gives one."""
    have = kb.incidents[target].patterns if target in kb.incidents else []
    if target and not patterns and have:
        return tuple(have), (have[0], "linked in the record already", False, None, None)
    return patterns, _link(kb, search, _query(parts), patterns, threshold)


def _no_draft_note(target: str) -> list[str]:
    return [
        f"no draft pattern written: {target} is updated, not recorded; if no known pattern fits, draft one (recur "
        f"new pattern) and link it: recur incident link {target} PATTERN"
    ]


def _target(kb, pm, into, iid, days: tuple, title: str) -> tuple:
    """(the record to update or None, how it was named, notes): --into, which must name a record of the KB;
    else the one the postmortem names ("Incident: INC-2026-0217") when the KB has it, no --id asks for a new
    one, and its date is near the postmortem's or --date's (``days``; neither: its ``title``, _not_this_incident). A record written during the response was recorded a second time by the import of its postmortem (found
    in review: a false recurrence, every follow-up twice)."""
    from recur.ingest.pm_merge import named_incident
    from recur.kb.incident_record import find_incident

    if into:
        find_incident(kb, into)  # no such record: the error names the folder looked in, and the id's likely typo
        if into not in kb.incidents:
            raise RecurError(f"--into: {into} has errors (recur check names them); fix them, then import again")
        return into, "as --into asks", []
    named = named_incident(pm, kb)
    if named is None:
        return None, None, []
    said = f"the postmortem's {named.label!r} line names {named.iid}"
    if not named.known:
        return None, None, [f"{said}, which the KB has no record of: recorded as a new incident (to fill in a record "
                            "written during the response instead: --into ID)"]  # fmt: skip
    if iid:
        return None, None, [f"{said}, a record of the KB: not updated, as --id asks for a new record (to fill "
                            f"{named.iid} in instead: --into {named.iid})"]  # fmt: skip
    if named.iid not in kb.incidents:
        raise RecurError(f"{said}, whose record has errors (recur check names them); fix them, then import again")
    if far := _not_this_incident(kb.incidents[named.iid], days, title):
        return None, None, [f"{said}, {far}: not updated, recorded as a new incident (if it is that incident: "
                            f"--into {named.iid})"]  # fmt: skip
    return named.iid, f"the postmortem's {named.label!r} line names it", []


def _earlier_import(kb, pm, digests, sources, asked: tuple, flagged: bool):
    """find_duplicate's answer, but None for a record imported from this path that the edited postmortem names
    (or --into's): the import merges into it again (what is new added) instead of "changed since: edit it by
    hand", which listed the title and severity the merge keeps on purpose (found in review). So too for the same
    document again with --severity or --date (``flagged``): merged, the flags set on the record (they were "not
    applied: set it by hand"). But a record it names that a person took over (_taken_over) is not merged into
    unasked: it is the found one, BY_NAMED; nor one whose `imported:` names another document (_imported_elsewhere).
    ``asked``: (--into, --id, the postmortem's day, --keep-record, the file)."""
    into, iid, days, keep, file = asked
    dup = find_duplicate(kb, digests, sources, pm.title, days[1] or days[0])
    if not dup and not into:
        _refuse_claimed_in_error(kb, digests, sources, pm.title, days[1] or days[0])
    dup = dup or _unmarked_import(kb, sources, pm.title, days[1] or days[0], (pm.ref_tickets, pm.sections))
    taken = None if into or keep else _taken_over(kb, pm, (iid, days))
    if taken and (not dup or dup[0] == taken):
        return taken, str(Path(kb.root) / kb.incidents[taken].relpath), BY_NAMED
    if not dup and not into and (elsewhere := _imported_elsewhere(kb, pm, (sources, file), (iid, days))):
        return elsewhere  # --severity or --date given too: still not merged (_target names it)
    if not dup or (dup[2] not in ("source path", BY_REFERENCES) and not flagged):
        return dup
    try:
        return None if _target(kb, pm, into, iid, days, pm.title or "")[0] == dup[0] else dup
    except RecurError:  # a target in error: not this one
        return dup


# how ``find_duplicate``'s answer names a record whose `imported:` a person set to null or took out, found by its
# References line (_unmarked_import)
BY_REFERENCES = "References line"
# and such a record the postmortem's Incident line names (_taken_over): a person took it over, not merged unasked
BY_NAMED = "Incident line"
_UNMARKED = (BY_REFERENCES, BY_NAMED)
# and a record whose `imported:` names another document than this one (_imported_elsewhere): this one moved, or
# another postmortem naming it by its Incident line; not merged unasked either
BY_ELSEWHERE = "another document"
# and the record of this very postmortem, moved or renamed since (_moved_match, _moved_sections): not merged as
# another's, nor written as a second record
BY_MOVED = "moved"
# and the record of the draft beside this postmortem, its final by their names (_final_beside): no second record
BY_DRAFT = "draft beside it"
_ELSEWHERE = (BY_ELSEWHERE, BY_MOVED, BY_DRAFT)


def _taken_over(kb, pm, asked: tuple) -> str | None:
    """The id of the record the postmortem's Incident line names (the one _target would update, ``asked``: --id
    and the days) when a person took it over (_unmarked_named); else None. It was merged into without a word:
    `imported:` written again, the person's sections read as a responder's own, so the takeover undone and the
    next correction held (found in a re-read). Its title need not be the postmortem's, as _unmarked_import asks:
    the merge kept the responder's."""
    try:
        target = _target(kb, pm, None, asked[0], asked[1], pm.title or "")[0]
    except RecurError:  # a named record in error: _target says so when it is updated
        return None
    return target if target and _unmarked_named(kb.incidents[target]) else None


def _unmarked_named(inc) -> bool:
    """Whether ``inc``, the record the postmortem's Incident line names, is one a person took over: its `imported:`
    set to null or taken out, its References line naming a postmortem an import wrote into it. That postmortem's
    path need not be this one's: the Incident line says which record it is, and one moved into the team's folder
    (`recur import postmortems/`) was merged into unasked, `imported:` written back over the person's null and a
    correction stored as one the record keeps its own over (found in a re-read; the path or, else, title, date and
    sections were asked, and a named record's title is the responder's)."""
    return not inc.imported and bool(_named_sources(inc))


def _unmarked_import(kb, sources: set, title, day, tickets=(frozenset(), None)):
    """(incident id, path, BY_REFERENCES) of a record imported from this document whose `imported:` a person set
    to null or took out, or None: its References line names this source ("Imported from postmortem `pm.md`") and it
    has the document's title, or its date and a title sharing most words (``_same_document``). find_duplicate reads
    `imported:` alone, and a re-import wrote a second record of the postmortem (INC-…-0002; found in review). Else
    one whose References line names another source (the postmortem moved, or saved under another name): with no
    digest left to tell its versions apart, it is found by what only this postmortem's record has (_elsewhere_match):
    the same postmortem imported from another path was written as a second record (found in review). ``tickets``:
    the postmortem's References tickets and its sections."""
    records = sorted(kb.incidents.values(), key=lambda i: i.id)
    for elsewhere in (False, True):  # one naming this source first
        for inc in records:
            if _unmarked_of(inc, sources, (title, day, *tickets), elsewhere):
                return inc.id, str(Path(kb.root) / inc.relpath), BY_REFERENCES
    return None


def _unmarked_of(inc, sources: set, said: tuple, elsewhere: bool) -> bool:
    """Whether ``inc`` has no `imported:` and its References line says it was imported from this document
    (``said``: its title, date, tickets and sections): naming this source (_same_document), or ``elsewhere`` another one
    (_elsewhere_match)."""
    named = _named_sources(inc)
    if inc.imported or not named:
        return False
    if not elsewhere:
        return bool(sources & set(named)) and _same_document(inc, *said[:2])
    return not sources & set(named) and _elsewhere_match(inc, *said) is not None


def _named_sources(inc) -> list[str]:
    """The postmortems a record's References line says it was imported from ("Imported from postmortem `pm.md`")."""
    return re.findall(r"Imported from postmortem `([^`\n]+)`", inc.sections.get("References", ""))


# a ticket or incident number in a References line ("- Jira: OPS-4411", "- Incident: #2291"), as a postmortem's
# labelled lines and table rows are kept there; a severity ("INC-2026-0217 (SEV-2)") is none
_TICKET = re.compile(r"(?<![\w-])(?!SEV-)(?:[A-Z][A-Z0-9]*-\d+|#\d+)(?![\w-])")


def _ref_tickets(references: str) -> set[str]:
    """The tickets (_TICKET) of the lines of a References section but the import's own source line."""
    lines = (ln for ln in references.splitlines() if "Imported from postmortem `" not in ln)
    return {t for ln in lines for t in _TICKET.findall(ln)}


def _elsewhere_match(inc, title, day, tickets, texts=None) -> str | None:
    """What makes ``inc``, a record imported from another path whose `imported:` a person took out, this
    postmortem's record (said in the note), or None: a ticket of the postmortem's References the record's has too,
    with its title or its date; else its title and its date both (one alone is a team's recurring title, or its
    second postmortem of the day, saved under another name); and either way most sections of the postmortem's
    (``texts``) the record has as they are or alike (_shared_sections). The title, date and ticket alone took the
    evening's postmortem for the morning's record (its epic's ticket, the same day), and week 46's "Weekly DB
    failover test" for week 45's (its runbook's ticket): nothing written, and the --into it named replaced the
    other incident's sections with this one's (found in a re-read)."""
    same_title = title is not None and _title_key(inc.title) == _title_key(title)
    same_day = day is not None and inc.date == day
    shared = sorted(tickets & _ref_tickets(inc.sections.get("References", "")))
    if shared and (same_title or same_day):
        has = f"ticket{'s' if len(shared) > 1 else ''} {and_listed(shared)} and its {'title' if same_title else 'date'}"
    else:
        has = "title and date" if same_title and same_day else None
    alike = _shared_sections(inc, texts or {}) if has else []
    return f"{has}, and its {and_listed(alike)} section{'s' if len(alike) > 1 else ''}" if alike else None


# a section compared by its words at most this long: SequenceMatcher is quadratic, and a copy of the postmortem
# has most sections the same anyway
_ALIKE_MAX = 20_000


def _shared_sections(inc, texts: dict) -> list[str]:
    """The sections of the postmortem's (``texts``: heading → text) the record has as they are or alike (difflib
    ratio >= 0.8, case and spacing aside), when they are at least half of those both have; else none. The same
    postmortem moved keeps most of its text, a correction aside, while another incident of the day, of its epic or
    its title shares a templated section at most ("No customer impact: the test window"). Its References (the
    import's line added) and People (the same team's authors) tell nothing."""
    both = [h for h, t in texts.items() if h not in ("References", "People") and inc.sections.get(h) and str(t).strip()]
    alike = []
    for heading in both:
        a = " ".join(inc.sections[heading].split()).casefold()
        b = " ".join(str(texts[heading]).split()).casefold()
        if a == b or (max(len(a), len(b)) <= _ALIKE_MAX and SequenceMatcher(None, a, b).ratio() >= 0.8):
            alike.append(heading)
    return alike if alike and 2 * len(alike) >= len(both) else []


def _unmarked_into(kb, target, sources: set, pm, day) -> str | None:
    """ImportPlan's ``unmarked``: with --into ``target``, this document's record whose `imported:` a person set to
    null or took out (_unmarked_of), why it keeps no hash ("INC-….md:8: imported: is null"); else None. The merge
    read such a record as a responder's own: a corrected Summary was said kept, exit 0, and the record's
    `imported:` written with this version's digest, so the correction was lost for good (found in review). So too
    of the record the postmortem's Incident line names that a person took over (_unmarked_named), whatever its
    title: the way on the import names for it (_unmarked_note)."""
    from recur.ingest.pm_merge import named_incident
    from recur.kb.loader import display_path

    inc = kb.incidents.get(target) if target else None
    said = (pm.title, day, pm.ref_tickets, pm.sections)
    if inc is None or not any(_unmarked_of(inc, sources, said, elsewhere) for elsewhere in (False, True)):
        named = named_incident(pm, kb) if inc is not None else None
        if named is None or named.iid != target or not _unmarked_named(inc):
            return None
    shown, line = display_path(Path(kb.root) / inc.relpath), inc.lines.get(("imported",))
    return f"{shown}:{line}: imported: is null" if line else f"{shown}: imported: is missing"


# what --into does to such a record (pm_merge's unmarked): it said "merge", and a person's edit was replaced unsaid
_REPLACES = " (it takes this version's sections where they differ, a person's edit in them replaced: --dry-run first)"


def _unmarked_note(kb, iid: str, source: str, file, changed: bool, pm, by: str = BY_REFERENCES) -> str:
    """What a re-import says of record ``iid`` found by its References line (_unmarked_import): the file, line and
    field that made it so, what of the postmortem's (``pm``) it has, and the commands that merge this version into
    it or record the postmortem anew; ``by`` BY_NAMED: one the postmortem names that a person took over
    (_taken_over_note)."""
    import shlex

    from recur.kb.loader import display_path

    inc = kb.incidents[iid]
    shown = display_path(Path(kb.root) / inc.relpath)
    # a key written with no value has its line; one taken out has none
    line = inc.lines.get(("imported",))
    why = f"{shown}:{line}: imported: is null" if line else f"{shown}: imported: is missing"
    what = "it may differ from this version (below)" if changed else "it holds what this version says"
    named = _named_sources(inc)
    if by == BY_NAMED:
        return _taken_over_note(kb, iid, (why, what), f"{shlex.quote(str(file))}", pm, source)
    if source in named:
        # said as _same_document matched it: "title and date" was said of a record whose date differed
        if (pm.title or "").strip() != inc.title.strip():
            has = "date and a title sharing most of its words"
        else:
            has = "title and date" if pm.date in (None, inc.date) else "title (its date differs)"
        names, refs = source, source
    else:  # imported from another path (_elsewhere_match): both paths said, and what matched
        has = _elsewhere_match(inc, pm.title, pm.date, pm.ref_tickets, pm.sections) or "title and date"
        names, refs = f"{and_listed(named)}, not {source} (imported from another path)", and_listed(named)
    return (
        f"{why}, so recur import cannot tell which version of the postmortem {iid} holds; its References line "
        f"names {names} and it has this postmortem's {has}: taken as this postmortem's record, {what}, "
        f"nothing written. To merge this version into it and write its imported: again: recur import "
        f"{shlex.quote(str(file))} --into {iid}{_REPLACES if changed else ''}; to record the postmortem as a new incident instead, take the "
        f"References line naming {refs} out of {iid}"
    )


def _taken_over_note(kb, iid: str, said: tuple, file: str, pm, source: str) -> str:
    """What an import says of record ``iid`` that the postmortem's Incident line names and a person took over
    (_taken_over): ``said``, the field that says so and whether it holds this version; the two ways on, --into
    (its sections replaced, a person's edit too, or the responder's own where the record's title is theirs:
    _unmarked_into) and --keep-record (the merge reads them as a responder's own and keeps them)."""
    from recur.ingest.pm_merge import named_incident

    inc = kb.incidents[iid]
    named, label = _named_sources(inc), named_incident(pm, kb).label
    # the Incident line alone names it: this postmortem moved, or another one of the incident (found in a re-read:
    # "imported from another path" was said of a second postmortem, a vendor's RCA)
    names = (
        source if source in named else f"{and_listed(named)}, not {source} (imported from another path or postmortem)"
    )
    # the record the responder wrote (its title theirs, the merge kept it): its Summary is their own, not an edit
    whose = "a person's edit in them" if _title_key(inc.title) == _title_key(pm.title or "") else (
        "the record's in them, the responder's own text an import kept or a person's edit,")  # fmt: skip
    return (
        f"{said[0]}: a person took {iid} over (the postmortem's {label!r} line names it; its References line names "
        f"{names}), so recur import does not merge into it unasked; {said[1]}, nothing written. To take this "
        f"version's sections where they differ, {whose} replaced, and write its imported: again: "
        f"recur import {file} --into {iid} (--dry-run first); to keep {iid}'s sections as they are, take what "
        f"the postmortem adds (a section or follow-up the record lacks) and write its imported: again: recur import "
        f"{file} --keep-record"
    )


def _unmarked(kb, dup, pm, file, changes: list, given: list, runbook: list, dry_run: bool) -> Imported:
    """The report of a re-import of a document whose record has no `imported:` (_unmarked_import): nothing written,
    exit 0 when the record holds what the document says (no digest tells more), CHANGED when it holds otherwise
    (a person's edit or the document's: nothing tells which), the note saying why and what to run. --keep-record
    counts no version as imported where no `imported:` is left to count it in: said, as --into merges it. Of a
    record the postmortem's Incident line names (BY_NAMED), its title is none of what differs: the responder's,
    which no merge writes over (--into and --keep-record keep it), it made the record that held all the import
    left exit 3 on every run (found in a re-read)."""
    if dup[2] in _ELSEWHERE:  # its imported: names another document: its own report
        return _elsewhere(kb, dup, (pm, file), changes, runbook + _keep_not_applied(dup[0], given), dry_run)
    if dup[2] == BY_NAMED:
        changes = [c for c in changes if not c.startswith("title (")]
    out = _already(dup, pm, [g for g in given if g != "--keep-record"], changes or None)
    note = _unmarked_note(kb, dup[0], source_key(kb, file), file, bool(changes), pm, dup[2])
    said = [f"{_differs(dup[0], changes)} (said, not written)"] if changes else []
    if "--keep-record" in given:
        said.append(f"--keep-record not applied: {dup[0]} has no imported: to count this version in; merge it "
                    f"with --into {dup[0]}")  # fmt: skip
    notes = [out.notes[0], note, *said, *[n for n in out.notes[1:] if not n.startswith("the document changed")]]
    return replace(out, notes=notes + runbook, dry_run=dry_run)


def _imported_elsewhere(kb, pm, this: tuple, asked: tuple):
    """(incident id, path, BY_ELSEWHERE or BY_MOVED) of a record whose `imported:` names another document than this one
    (``this``: its sources, its file), or None: the one the postmortem's Incident line names (_target; ``asked``:
    --id and the days), unless its References line names this document (merged into it before: --into, or an import
    before this check); else, no --id asking for a new record, the one this postmortem is, moved or renamed and
    changed since (_moved_match), its old path gone (a copy beside it is another incident's start, as before: a
    look-alike note). The named one was merged into unasked, exit 0, each section this version corrects "kept"
    (the record's the other path's), and the unnamed one written as a second record of the incident beside the one
    holding a person's edits (found in review)."""
    sources, file = this
    try:
        target = _target(kb, pm, None, asked[0], asked[1], pm.title or "")[0]
    except RecurError:  # a named record in error: _target says so when it is updated
        target = None
    if target:
        inc = kb.incidents[target]
        if not (old := _other_source(inc, sources)) or sources & set(_named_sources(inc)):
            return None
        # its document still at its path: another postmortem of the incident (a final beside the draft), however
        # much of it is the same (it was said moved, and once its source was set, the draft a second record)
        moved = _moved_sections(inc, pm) and not (file and _still_there(kb, old, file))
        return target, str(Path(kb.root) / inc.relpath), BY_MOVED if moved else BY_ELSEWHERE
    for inc in sorted(kb.incidents.values(), key=lambda i: i.id) if not asked[0] and file else ():
        if (
            (old := _other_source(inc, sources))
            and _moved_match(inc, pm, given=asked[1][1])
            and not _still_there(kb, old, file)
        ):
            return inc.id, str(Path(kb.root) / inc.relpath), BY_MOVED
        if old and _final_beside(kb, (inc, old), pm, (file, asked[1][1])):
            return inc.id, str(Path(kb.root) / inc.relpath), BY_DRAFT
    return None


def _final_beside(kb, record: tuple, pm, this: tuple) -> bool:
    """Whether ``file`` is the final of the draft ``record`` (the record, its imported.source) was imported from, by
    their names, the draft still beside it (pm_versions.finals: `pm.md` beside `pm-draft.md`), of its title and dated
    within 2 days of the record (a date it has, not the placeholder of an undated draft's: _date_read): as the final
    whose Incident line names the draft's record is not merged unasked (BY_ELSEWHERE), it is no second record of the
    incident (BY_DRAFT), which it was, with a look-alike note (found in review). Another title is another incident's
    postmortem (`final-countdown.md` beside `countdown.md`), recorded (it was held back, exit 3; found in a re-read).
    ``this``: the file, --date (the date compared when given, as the import records it)."""
    from recur.ingest.pm_versions import finals, one_title

    (inc, old), (file, given) = record, this
    draft, final = Path(Path(old.replace("\\", "/")).name), Path(Path(file).name)
    if finals([draft, final]).get(draft) != final or not one_title(inc.title, pm.title):  # no file looked for yet
        return False
    there, here = _old_file(kb, old, file), Path(file).resolve()
    if (
        there is None
        or there.resolve().parent != here.parent
        or finals(_versions_beside(here)).get(here.parent / draft.name) != here
    ):  # and so by the names of all its versions in the folder, as a first import reads them
        return False
    day = given or pm.date
    return not (day and inc.date and _date_read(inc) and abs((day - inc.date).days) > 2)


def _versions_beside(here: Path) -> list[Path]:
    """The files of ``here``'s folder whose names are versions of its postmortem's (pm_versions.version: the same
    words but the version's), it among them: `pm-final.md` beside `pm-draft.md` and `pm-final-v2.md`, names that
    tell no order, was held back as the draft's final (exit 3) where a first import of the three skips none."""
    from recur.ingest.pm_versions import version

    key = version(here).key
    return [p for p in here.parent.iterdir() if p.is_file() and version(p).key == key]


def _still_there(kb, old: str, file) -> bool:
    """Whether the document a record says it was imported from (``old``, its imported.source) is still a file other
    than ``file``: copied, not moved. A path relative to the folder holding the KB is looked for there; a file name
    (a document from outside it) there and beside ``file``; an absolute path (records written before 2026-12) as is.
    The same file under the old name is no copy: a case-only rename on a Mac's or Windows' disk, where the old name
    still opens it (it was taken for a copy, and the corrected postmortem written as a second record)."""
    return _old_file(kb, old, file) is not None


def _old_file(kb, old: str, file) -> Path | None:
    """The file at ``old`` (a record's imported.source, as _still_there looks for it) other than ``file``, or None."""
    here, path = Path(file).resolve(), Path(old)
    places = [path] if path.is_absolute() else [Path(kb.root).resolve().parent / path]
    places += [here.parent / path] if not path.is_absolute() and len(path.parts) == 1 else []
    return next((p for p in places if p.is_file() and not p.samefile(here)), None)


def _other_source(inc, sources: set) -> str | None:
    """The source ``inc``'s `imported:` names when it is not this document's (``sources``), else None."""
    source = inc.imported.get("source") if isinstance(inc.imported, dict) else None
    return source if isinstance(source, str) and _source_form(source) not in sources else None


def _moved_match(inc, pm, dated: bool = True, given=None) -> str | None:
    """What makes ``pm`` the document ``inc`` was imported from, at another path now (said in the note), or None:
    its title or its date, and at least half its sections (one of them the Summary, or two) hashing as the ones
    the import wrote into the record (imported.sections_sha256): a correction aside, the same text. Title and date
    alone are a team's recurring postmortem ("Weekly DB failover test"). The title or date as a re-import from the
    record's path needs them (_same_document: the date with a title sharing most words), so that the way on, its
    source set, is then a re-import: another postmortem of the day sharing template sections ("Lessons learned")
    with it was said moved, and its source set, routed to that record (found in a re-read). Nor is one dated
    otherwise (_dated_apart, unless not ``dated``): a team's "Weekly DB failover test" of this week, its title,
    Summary and most sections last week's, was said to be last week's moved, once that file was archived, and the way
    on pointed last week's record at it: this week's incident never recorded (found in review). ``given``: --date."""
    if pm.title is None and pm.date is None or not _same_document(inc, pm.title, pm.date):
        return None
    if dated and _dated_apart(inc, pm, given):
        return None
    same_title = pm.title is not None and inc.title.strip() == pm.title.strip()
    alike = _moved_sections(inc, pm)
    if not alike or ("Summary" not in alike[0] and len(alike[0]) < 2):
        return None
    return f"its {'title' if same_title else 'date'}, and {alike[1]}"


def _dated_apart(inc, pm, given=None) -> bool:
    """Whether the postmortem gives another date than the record's, one read from its document (not given by --date:
    imported.date_from; nor the import's day, _date_read): another incident, whatever else they share. ``given``:
    this import's --date, the date it records, compared in the document's place (a moved postmortem whose date a
    --date of the record's corrects was said to be dated otherwise and recorded a second time; found in a re-read)."""
    imp, day = inc.imported if isinstance(inc.imported, dict) else {}, given or pm.date
    return (
        day is not None
        and inc.date is not None
        and day != inc.date
        and imp.get("date_from") != "--date"
        and _date_read(inc)
    )


def _date_read(inc) -> bool:
    """Whether the record's date is the incident's, not the placeholder an import of a postmortem giving none wrote
    (the day of the import, triage: date): a postmortem moved with its date filled in was said to be another
    incident, and recorded again (found in a re-read)."""
    return not (isinstance(inc.triage, list) and "date" in inc.triage)


def _not_moved_notes(kb, pm, this: tuple, given=None) -> list[str]:
    """Of a postmortem recorded as a new incident, a note naming the records _moved_match would have taken it for but for
    their date (_dated_apart), their documents gone from their paths (``this``: its sources, its file): another
    incident of the same title and text (a weekly test's), or this one moved with its date corrected, which only a
    person can tell. ``given``: --date, the date compared when given."""
    sources, file = this
    found = [
        inc
        for inc in sorted(kb.incidents.values(), key=lambda i: i.id)
        if (old := _other_source(inc, sources))
        and _dated_apart(inc, pm, given)
        and _moved_match(inc, pm, dated=False)
        and not _still_there(kb, old, file)
    ]
    if not found:
        return []
    said = and_listed([f"{inc.id} (dated {inc.date.isoformat()}, from {inc.imported['source']})" for inc in found[-3:]])
    more = f" and {len(found) - 3} more" if len(found) > 3 else ""
    return [
        f"{said}{more} {'has' if len(found) == 1 else 'have'} this postmortem's title and most of its sections as "
        f"imported, from a file no longer there, but another date ({(given or pm.date).isoformat()} here): another incident "
        f"(a recurring postmortem's), recorded as a new one; if it is {'that' if len(found) == 1 else 'one of those'} "
        f"postmortem{'s' if len(found) > 1 else ''} moved and its date "
        f'corrected, remove the new record and set "source" in that record\'s imported: field to "{source_key(kb, file)}"'
    ]


def _as_imported(inc, pm) -> list[str]:
    """The headings of the postmortem's sections (as the import writes them) whose hash is one the record keeps of
    the document it was imported from (imported.sections_sha256, kept_sha256)."""
    from recur.ingest.pm_merge import document_digests, seen_digests

    sections = _incident_sections(pm, pm.title or inc.title, "")
    sections.pop("References", None)
    digests, seen = document_digests(sections), seen_digests(inc.imported)
    return [h for h, d in digests.items() if d in seen.get(caseless(h), ())]


def _elsewhere(kb, dup, read: tuple, changes: list, runbook: list, dry_run: bool) -> Imported:
    """The report of an import that found a record imported from another document (_imported_elsewhere): nothing
    written, exit 0 when the record holds what this version says, CHANGED when not, the note naming the record's
    file, line and field and the way on (_elsewhere_note). ``read``: the postmortem and its file."""
    pm, file = read
    out = _already(dup, pm, [], changes or None)
    note = _elsewhere_note(kb, dup, source_key(kb, file), file, (bool(changes), pm))
    said = [f"{_differs(dup[0], changes)} (said, not written)"] if changes else []
    notes = [out.notes[0], note, *said, *[n for n in out.notes[1:] if not n.startswith("the document changed")]]
    return replace(out, notes=notes + runbook, dry_run=dry_run)


def _keep_not_applied(iid: str, given: list) -> list[str]:
    """--keep-record given where the record's `imported:` names another document: said not applied (it would write
    this document's over the other's)."""
    return [f"--keep-record not applied: {iid}'s imported: names another document"] if "--keep-record" in given else []


def _elsewhere_note(kb, dup: tuple, source: str, file, said: tuple) -> str:
    """What an import says of record ``dup`` (_imported_elsewhere's) whose `imported:` names another document
    (``said``: whether it differs from this version, the postmortem): this one moved or renamed (BY_MOVED), the hand
    edit of `source` that makes this path its own; or another postmortem naming it, the --into that merges it."""
    import shlex

    from recur.ingest.pm_merge import named_incident
    from recur.kb.loader import display_path

    changed, pm = said
    iid, inc = dup[0], kb.incidents[dup[0]]
    old, line = inc.imported["source"], inc.lines.get(("imported", "source")) or inc.lines.get(("imported",))
    where = f"{display_path(Path(kb.root) / inc.relpath)}:{line}: imported.source is {old}, not {source}"
    what = "it may differ from this version (below)" if changed else "it holds what this version says"
    named = named_incident(pm, kb)
    named_by = f"the postmortem's {named.label!r} line names it" if named and named.iid == iid else None
    if dup[2] == BY_DRAFT:
        return _draft_beside_note(where, (iid, old, source), what)
    set_source = f'set "source" in its imported: field to "{source}" and import again'
    if dup[2] == BY_MOVED:
        moved = _moved_match(inc, pm) or (_moved_sections(inc, pm) or ([], ""))[1]
        return (
            f"{where}: this postmortem moved or was saved under another name ({'; '.join(filter(None, (named_by, moved)))}), "
            f"so recur import does not take it for {iid}'s document unasked; {what}, nothing written. To have this "
            f"path recognised as {iid}'s postmortem (what it corrects then handled as on any re-import of it): {set_source}"
        )
    # the other still there: its source set alone, the next run wrote it as a second record (found in a re-read)
    instead = (
        f"if this one replaces {old} (a final of its draft): delete {old} or move it out of the folder you import, then"
        if _still_there(kb, old, file)
        else f"if this is {old} moved or renamed"
    )
    return (
        f"{where}: {iid} was imported from another postmortem ({named_by}), so recur import does not merge this one "
        f"into it unasked; {what}, nothing written. To merge it (what {iid} lacks added, its own sections kept, its "
        f"imported: still naming {old}): recur import {shlex.quote(str(file))} --into {iid}; {instead}: {set_source}"
    )


def _draft_beside_note(where: str, said: tuple, what: str) -> str:
    """_elsewhere_note's of a final beside the draft its record (``said``: its id, the draft's path, this one's) was
    imported from (BY_DRAFT): the way on is the draft out of the folder and the source set, after which this is a
    re-import; --into is not offered: it keeps imported: naming the draft, and the next run would stop again."""
    iid, old, source = said
    return (
        f"{where}: {iid} was imported from {old}, beside this postmortem, whose name says it is a later version of "
        f"it (a final of its draft), so recur import does not record it as a second incident; {what}, nothing "
        f"written. If this one replaces {old}: delete {old} or move it out of the folder you import, then set "
        f'"source" in {iid}\'s imported: field to "{source}" and import again (what it corrects then handled as on any '
        f"re-import: --keep-record takes it, a person's edits kept); if it is another incident, rename one of the two"
    )


def _moved_sections(inc, pm) -> tuple[list[str], str] | None:
    """(the headings, said) of the postmortem's sections that hash as the ones imported into ``inc``
    (_as_imported), when they are at least half of its sections; else None."""
    alike = _as_imported(inc, pm)
    sections = [h for h in _incident_sections(pm, pm.title or inc.title, "") if h != "References"]
    if not alike or 2 * len(alike) < len(sections):
        return None
    return alike, f"its {and_listed(alike)} section{'s' if len(alike) > 1 else ''} as imported"


def _moved_note(kb, dup, source: str, this: tuple) -> list[str]:
    """Of the same document found by its content (``dup``) at another path than its record's `imported:` names: the
    note saying it moved, and the hand edit of `source` that has an edit made at this path recognised (else the
    next version there was written as a second record, or merged with its corrections kept out; found in review)."""
    from recur.kb.loader import display_path

    inc, (sources, file) = kb.incidents[dup[0]], this
    if dup[2] != "content" or not (old := _other_source(inc, sources)) or _still_there(kb, old, file):
        return []  # a copy beside the first: the first path still the record's
    line = inc.lines.get(("imported", "source")) or inc.lines.get(("imported",))
    return [
        f"{display_path(Path(kb.root) / inc.relpath)}:{line}: imported.source is {old}, not {source}: the same "
        f"document (its sha256), moved or saved under another name; to have its later versions at {source} taken as "
        f'{dup[0]}\'s postmortem (a correction handled as on any re-import of it), set "source" in its imported: field to '
        f'"{source}"'
    ]


def _refuse_claimed_in_error(kb, digests, sources: set, title, day) -> None:
    """A RecurError naming the record and its error when a record `recur check` calls in error says it was imported
    from this document (``_claimed``): the KB leaves such a record out, so find_duplicate never saw it, and a
    re-import wrote a second record of the postmortem (INC-…-0002) beside one whose `imported:` was edited by hand
    (a plain string, a list, a mapping without its source or sha256). Refused, nothing written: the record is
    fixed and the import run again, which then knows it."""
    from recur.kb.parse import ParseError, read_text_file

    errors: dict[str, list] = {}
    for problem in kb.problems:
        if problem.is_error and problem.path.endswith(".md"):
            errors.setdefault(problem.path, []).append(problem)
    incidents = (Path(kb.root) / "incidents").resolve()
    for shown, problems in sorted(errors.items()):
        path = Path(shown).resolve()  # display_path's: from the working folder, or absolute
        if incidents not in path.parents:
            continue
        try:
            text = read_text_file(path)  # as the loader reads it (a BOM, CRLF)
        except (OSError, ParseError):
            continue
        if said := _claimed(_record_read(text, digests), digests, sources, title, day):
            first = next((p for p in problems if p.field.split(".")[0] == "imported"), problems[0])
            # the hash to write: `imported.sha256: is required` named none, and no command prints a document's
            hashed = f': this version of it has sha256 "{digests[0]}"' if first.field.startswith("imported") else ""
            raise RecurError(
                f"{first}; this record says it was imported from {said}, and recur check calls it in error, so "
                "recur import cannot tell whether this postmortem is recorded there: fix the record (recur check"
                f"{hashed}) and import again; nothing imported"
            )


def _record_read(text: str, digests) -> tuple[dict, str]:
    """A record in error's front matter (as data) and body, for ``_claimed``. Front matter YAML cannot read (an
    `imported: {source: pm.md, sha256: …` left unclosed by a hand edit) is read line by line: its title, its date
    and this document's hash wherever it is written, as `imported.sha256`; the record was left out, unread, and a
    re-import wrote a second record of the postmortem (found re-reading fix-smalls)."""
    from recur.kb.parse import ParseError, split_front_matter

    try:
        doc = split_front_matter(text)
        return (doc.meta.data if isinstance(doc.meta.data, dict) else {}), doc.body
    except ParseError:
        said = dict(re.findall(r"^(title|date):[ \t]*(.*?)[ \t]*$", text, flags=re.M)[::-1])  # the first wins
        raw = {k: v.strip("\"'") for k, v in said.items()}
        hashes = [d for d in digests if d in text]
        return {**raw, "imported": {"sha256": hashes[0]} if hashes else None}, text


def _claimed(read: tuple[dict, str], digests, sources: set, title, day) -> str | None:
    """What says a record in error (``read``: its front matter and body, ``_record_read``) was imported from this
    document, or None: its `imported:` however malformed (a plain string, a list, a mapping's source or this
    content's sha256), or its References line; a source path alone only for the same document
    (``_same_document``: another postmortem may have been saved at that path since)."""
    from types import SimpleNamespace

    raw, body = read
    imp = raw.get("imported")
    if isinstance(imp, dict) and isinstance(imp.get("sha256"), str) and imp["sha256"] in digests:
        return "this very document (its imported.sha256)"
    # a number, true/false or null names nothing: `imported: 5` was `5.get`, a traceback (found in a last read)
    named = [imp] if isinstance(imp, str) else imp if isinstance(imp, list) else [_mapping(imp).get("source")]
    said = next((f"{n} (its imported:)" for n in named if isinstance(n, str) and n.strip() in sources), None)
    said = said or next((f"{s} (its References)" for s in sorted(sources) if f"postmortem `{s}`" in body), None)
    record = SimpleNamespace(title=str(raw.get("title") or ""), date=iso_date(raw.get("date")))
    return said if said and _same_document(record, title, day) else None


def _mapping(value) -> dict:
    """``value`` if it is a mapping, else an empty one: an `imported:` edited by hand may hold anything YAML reads."""
    return value if isinstance(value, dict) else {}


def _not_this_incident(inc, days: tuple, title: str) -> str | None:
    """Why record ``inc``, named by the postmortem, is not the incident it tells of (None: it may be): a date
    more than 2 days from the postmortem's and from --date's (``days``: either None), or with neither, a title
    sharing few words. A typo'd id ("INC-2026-0105" for 0150) updated a record of July with December's postmortem
    (found in review). Either date near it will do: --date given to correct the record's date was the one
    compared, and the postmortem naming the record was written as a second one (found in a re-read)."""
    said = [f"{how}{d.isoformat()}" for how, d in zip(("the postmortem's ", "--date "), days) if d is not None]
    if said and all(abs((inc.date - d).days) > 2 for d in days if d is not None):
        return f"dated {inc.date.isoformat()} ({inc.title!r}), not within 2 days of {' nor '.join(said)}"
    if not said and not _titles_overlap(inc.title, title):
        return f"titled {inc.title!r}, unlike the postmortem's {title!r}"
    return None


def _not_the_postmortems(triage: list, days: ReviewDates, **flags) -> tuple[tuple, frozenset]:
    """ImportPlan's ``flags`` and ``unsaid``: the flags given of --date, --severity and --review-due, and the
    keys whose value is a flag's or a default's: a review's level is the severity's, a due date none gives the
    framework's."""
    given = tuple(_given(**flags))
    unsaid = set(triage) | {k for k, v in flags.items() if v and k != "review_due"}
    unsaid |= {"review level"} if "severity" in unsaid else set()
    unsaid |= {"review due"} if flags.get("review_due") or days.due is None else set()
    return given, frozenset(unsaid)


def _updated(out: Imported, merged, plan: ImportPlan) -> Imported:
    """The report of an import merged into an existing record: what the record holds now, what the flags set on
    it (--severity, --date: ``set``), and a --review-due that changed nothing (it fills a due date the record
    lacks; one it holds is the responder's)."""
    idle = [f for f in plan.flags if f == "--review-due" and not any(a.startswith("review due") for a in merged.added)]
    how = "with --into" if plan.into == "as --into asks" else "to the record the postmortem names"
    note = [f"{', '.join(idle)} not applied {how}: {merged.iid} keeps its own (edit the record to change it)"]
    # the record's date and severity as it holds them now, as its title: --json gave the postmortem's, or the triage
    # placeholder never written (today's date, the least severity), of a record that kept its own (found in review)
    day = iso_date(merged.data.get("date"))
    return replace(
        out,
        title=str(merged.data.get("title")),
        date=day,
        date_source=out.date_source if day == out.date else None,  # where the record's date was read: not here
        severity=str(merged.data.get("severity")),
        updated={
            "by": plan.into,
            "added": list(merged.added),
            "kept": list(merged.kept),
            "set": list(merged.set),
            "kept_record_sections": list(merged.kept_mine),
            "removed": list(merged.removed),
        },
        notes=(note if idle else []) + _kept_not_triaged(out.notes, plan, merged) + _keep_idle(plan, merged),
        triage=[],  # the record keeps its own date and severity: no placeholder was written (pm_merge)
        # the same document edited since its import, and what it now says otherwise not written: exit CHANGED, as
        # docs/cli.md's exit statuses promise of a document changed since, until the record is edited by hand
        changed=bool(merged.held),
    )


def _keep_idle(plan: ImportPlan, merged) -> list[str]:
    """The note of a --keep-record that kept nothing: no section of this merge was held back."""
    if plan.keep is not True or merged.kept_mine:  # a folder's ("each"): what each file kept, not what it did not
        return []
    return [f"--keep-record: no section was held back; {merged.iid}'s sections are as the merge leaves them"]


def _kept_not_triaged(notes: list, plan: ImportPlan, merged) -> list:
    """``notes`` of an import merged into a record, a triage placeholder's note saying the record keeps its own date or
    severity, as it does (pm_merge writes no placeholder): it said "recorded 2026-12-08 (today) for triage" and
    "Needs triage: date" of a record that kept its 2026-12-06 (found by a review of dates)."""
    placed = {"date": plan.day.isoformat(), "severity": plan.sev}
    for key in plan.triage:
        own = merged.data.get(key)  # a date (a timestamp) as YAML reads it, or the text written
        # a timestamp's date in RECUR_TZ, as --json's date and `recur incident list` give it (it was said as written)
        kept = f"; {merged.iid} keeps its own {key}, {(key == 'date' and iso_day(iso_date(own))) or own}"
        notes = [
            n.replace(_PLACEHOLDER[key].format(placed[key]), kept) if n.startswith(f"{key}: ") else n for n in notes
        ]
    return notes


def _record_id(kb, iid, day: dt.date) -> tuple[str, bool]:
    """(the record's id, whether it was chosen here): --id, unless a record has it, else the next free
    number of the incident's year (``numbered``: another free number will do if it is taken meanwhile)."""
    from recur.kb.incident_record import next_id

    numbered, iid = not iid, iid or next_id(kb, day.year)
    try:
        IMPORTING.free(kb, iid)  # before the search (it may load a model): the check _write makes again
    except RecurError as exc:
        if numbered or iid not in kb.incidents:
            raise
        # "already exists", and no way forward was said (found in review: the responder's record of it)
        raise RecurError(f"{exc}; to fill it in from this postmortem instead: --into {iid}") from None
    return iid, numbered


def _given(**flags) -> list[str]:
    """The flags given, as typed: what a re-import that writes nothing did not apply."""
    return [f"--{name.replace('_', '-')}" for name, value in flags.items() if value]


def _review_dates(pm, day: dt.date, today: dt.date, iid: str, *, due=None, done=None) -> tuple[ReviewDates, list]:
    """The review's due day and the day it was held, and the notes on them: ``due``, ``done`` (--review-due,
    --review-done) over what the postmortem says (``_review_due``, ``_review_done``). The one place the
    record's review days are read."""
    from recur.kb.incident_record import require_done_from

    due_day, notes = _review_due(pm, day, due, iid)
    if done is not None:  # the review is done whatever the postmortem says (_held_given says over what)
        # a day before the incident refused as the marks refuse it: written, the record failed check --strict
        require_done_from(done, day, "review", "--review-done")
        return ReviewDates(due_day, done, True), notes + _held_given(pm, day, done)
    done_day, said = _review_done(pm, day, today, iid)
    if done_day is not None and done_day > today:  # scheduled: due that day, unless a due date is given too
        return ReviewDates(due_day or done_day, None, False, scheduled=True), notes + said
    return ReviewDates(due_day, done_day, False), notes + said


def _review_due(pm, day: dt.date, given, iid: str) -> tuple:
    """(the review's due date, None for the severity framework's; notes): --review-due, else the date the
    postmortem gives it ("Status: Draft, review scheduled 2026-12-09", "Review date: Dec 9"), which was
    dropped for the framework's default with nothing said but the Status line quoted."""
    from recur.ingest.pm_text import read_review_due
    from recur.ingest.postmortem import slash_order

    if given is not None:
        return given, _due_before(given, day, f"--review-due {given.isoformat()}")
    if pm.review_due is None:
        return None, []
    words, where = pm.review_due
    due = read_review_due(words, day, slash_order(pm))
    if due is None or not in_range(due):
        return None, [
            f"review: the date {words!r} ({where}) not read as a date; due from the severity framework: to give "
            f"the day, recur incident review {iid} --due YYYY-MM-DD (or import with --review-due)"
        ]
    return due, [f"review: due {due.isoformat()}, as the postmortem says ({words!r}, {where})"] + _due_before(
        due, day, f"the review date {_as_said(words, due)}"
    )


def _said_due(pm, day: dt.date):
    """The review's due date the postmortem gives, read against ``day``; None when it gives none."""
    from recur.ingest.pm_text import read_review_due
    from recur.ingest.postmortem import slash_order

    return read_review_due(pm.review_due[0], pm.date or day, slash_order(pm)) if pm.review_due else None


def _as_said(words: str, day: dt.date) -> str:
    """A date as the postmortem wrote it and as it was read, each once: "'Dec 15' (2026-12-15)", "'2026-12-15'"
    (a note said "'2026-12-15' 2026-12-15 is after today", found in review)."""
    return repr(words) if words.strip() == day.isoformat() else f"{words!r} ({day.isoformat()})"


def _due_before(due: dt.date, day: dt.date, what: str) -> list[str]:
    """A review due before its incident (``what``: the date as said) is written as given, with a warning: the board shows it overdue from
    the start (as `recur incident new --review-due` warns; `recur check` warns of it too)."""
    if due >= day:
        return []
    return [f"warning: {what} is before the incident's date {day.isoformat()}"]


def _held_given(pm, day: dt.date, held: dt.date) -> list[str]:
    """The notes on the day --review-done gives (on or after the incident's date: _review_dates): what it was
    recorded over (the postmortem's status saying the review is pending, or another day it says it was held)."""
    said = f"review: recorded done, held {held.isoformat()} (--review-done)"
    other = _said_done(pm, day)
    if other is not None and other != held:
        said += f", over the day the postmortem says ({pm.review_done[0]!r}, {pm.review_done[1]})"
    elif pm.status is not None and pm.status[2] != "done":
        said += f", over the postmortem's status {pm.status[0]!r} ({pm.status[1]})"
    return [said]


def _review_done(pm, day: dt.date, today: dt.date, iid: str) -> tuple:
    """(the day the review was held, or None; notes; a day after today is returned too, a review scheduled): the day a completed postmortem gives it ("Complete,
    reviewed on 2026-12-01", "Review held: Dec 1", front matter's reviewed:), read as a due date is (a day
    without its year the first on or after the incident's date). Never today: a day not said is none."""
    from recur.ingest.pm_text import read_review_due
    from recur.ingest.postmortem import slash_order

    if pm.review_done is None:
        return None, []
    words, where = pm.review_done
    if pm.status is not None and pm.status[2] != "done":
        return None, [
            f"review: held {words!r} ({where}) not recorded: the postmortem's status {pm.status[0]!r} says pending"
        ]
    held = read_review_due(words, day, slash_order(pm))
    if held is None or not in_range(held):
        return None, [
            f"review: the day it was held, {words!r} ({where}), not read as a date; done: left out: to record it, "
            f"recur incident review {iid} --done --on YYYY-MM-DD"
        ]
    if held > today:  # not held yet: scheduled for that day (_review_dates records it pending, due then)
        status = f", whatever the status {pm.status[0]!r} says" if pm.status is not None else ""
        return held, [
            f"review: {_as_said(words, held)} ({where}) is after today ({today.isoformat()}): a review scheduled, "
            f"not held; recorded pending, due {held.isoformat()}{status}; once it is held: recur incident review "
            f"{iid} --done"
        ]
    recorded = "recorded done, " if pm.status is None else ""  # no Status line: the day says it was held
    notes = [f"review: {recorded}held {held.isoformat()}, as the postmortem says ({words!r}, {where})"]
    if held < day:  # written as given, as a due date before the incident is; `recur check` warns of it too
        notes.append(
            f"warning: the review held {_as_said(words, held)} is before the incident's date {day.isoformat()}"
        )
    return held, notes


def _said_done(pm, day: dt.date):
    """The day the postmortem says its review was held, read against ``day``; None when it gives none, or
    its status says the review is pending (the day is then not recorded: _review_done)."""
    from recur.ingest.pm_text import read_review_due
    from recur.ingest.postmortem import slash_order

    pending = pm.status is not None and pm.status[2] != "done"
    return (
        read_review_due(pm.review_done[0], pm.date or day, slash_order(pm)) if pm.review_done and not pending else None
    )


def _says_done(pm, held=None) -> bool:
    """Whether the postmortem's own Status field says it is complete (pm_text.review_status), or, with
    no Status field, it gives the day the review was held (``held``: "Review held: 2026-12-01")."""
    return pm.status[2] == "done" if pm.status is not None else held is not None


def _review_notes(kb, pm, written: Written, plan: ImportPlan, today: dt.date) -> list[str]:
    """How the review was recorded when the postmortem's status said, and that it is already overdue:
    a postmortem imported weeks after its incident gets a due date from the framework that has passed,
    and `recur report --fail-on overdue` failed on it from the first run without a word here."""
    iid, review, notes = written.incident, written.review, _review_owner_note(pm, written.incident)
    late = review.status == "pending" and review.level != "none" and review.due is not None and review.due < today
    # --review-done said how it was recorded (_held_given); a scheduled review's note said it (_review_done)
    if pm.status and not plan.review.given and not plan.review.scheduled:
        text, where, said = pm.status
        then = "" if said == "done" or late else f"; once it is reviewed: recur incident review {iid} --done"
        if said == "done" and _ITEMS_OPEN.search(text) and (still := _open_follow_ups(pm)):
            # "Complete, action items in progress": the review is over, the work it asked for is not; said
            then = f"; {plural(still, 'follow-up')} still open: recur incident follow-up {iid} lists them"
        notes.append(f"review: recorded {said}, as the postmortem's status {text!r} says ({where}){then}")
    if late:
        level = kb.severity.get(plan.sev)
        asks = f"{plan.sev} asks for {level.asks()} in the severity framework" if level else "the severity framework"
        notes.append(
            f"review: due {review.due.isoformat()} ({asks}), already overdue by "
            f"{plural((today - review.due).days, 'day')}: recur report --fail-on overdue fails on it. If the postmortem was reviewed: recur incident review "
            f"{iid} --done; else the day it will be held: recur incident review {iid} --due YYYY-MM-DD"
        )
    return notes


# a done Status that says its action items are not ("Complete, action items in progress", Google's template)
_ITEMS_OPEN = re.compile(
    r"\baction items?\b[^,;]{0,40}?\b(?:in[- ]progress|open|pending|remaining|ongoing|outstanding)\b", re.I
)


def _open_follow_ups(pm) -> int:
    """How many of the follow-ups the record gets are open (a closed undone one is done: not open)."""
    return sum(1 for a in pm.action_items if a["title"] and a.get("status") != "done")


def _link(kb, search, query: str, patterns, threshold: str) -> tuple:
    """(pattern to link or None, why, no known pattern?, the answer (None: no search made), pending draft
    id or None): the --pattern given, else the engine's answer for ``query`` under ``choose_link``."""
    if patterns:
        return list(patterns)[0], "given with --pattern", False, None, None
    drafts = kb.import_drafts()
    answer = search(query)
    link, reason, unknown, _ = choose_link(answer, drafts, threshold)
    pending = None if link else _pending_draft(candidates_of(answer.results, drafts), threshold)
    return link, reason, unknown, answer, pending


def _pending_draft(cands: list, accept: str):
    """The id of the top-ranked candidate when it is an unpromoted draft from an earlier import that
    would have been linked at ``accept`` were it promoted, else None."""
    top = cands[0] if cands else None
    # search rates an unpromoted import draft at most medium (search.IMPORT_DRAFT): at --accept high, one
    # that matches this postmortem as closely as can be would otherwise never be said, and a second written
    need = min(CONFIDENCE_RANK[accept], CONFIDENCE_RANK["medium"])
    if top and top["import_draft"] and CONFIDENCE_RANK[top["confidence"]] >= need:
        return top["id"]
    return None


def _check_names(iid, category) -> None:
    """--id and --category become a file and a folder name: checked before anything is read or written. Each
    named as its caller gave it: the flag on the command line (``given_as``), else the argument (a call
    of ``import_postmortem(category="Disk Full")`` was told "--category: …", a flag it never passed)."""
    from recur.kb.incident_record import require_id
    from recur.kb.scaffold import kebab
    from recur.kb.schema import name_fits

    if iid:
        require_id(iid)  # a file name
    if category is not None:
        name_fits(kebab(category, given_as("category")), given_as("category"))  # a folder name


class OneEngine:
    """The search engine of one `recur import`, opened at its first search. A folder's imports share one
    (`recur import DIR`): the model is loaded once, and before each later search the index is brought up to
    date with what the imports before it wrote, so that a second postmortem of one failure finds the draft
    pattern the first wrote (a second draft would split the failure in two)."""

    def __init__(self, progress: bool | None = False) -> None:
        self.engine = None
        self.progress = progress  # Engine.open's: a bar for a build (`recur import` passes None: on a terminal)

    def answer(self, kb_dir, index_dir, model, query: str, top: int):
        """The engine's answer for the postmortem's text (its first 4000 characters)."""
        from recur.retrieval.engine import Engine, ensure_index

        if self.engine is None:
            self.engine = Engine.open(kb_dir, index_dir, model, quiet=True, progress=self.progress)
        elif ensure_index(kb_dir, index_dir, model, quiet=True, progress=self.progress) is not None:
            self.engine.reload_if_changed()  # the new index; the encoder is the one loaded (embed's cache)
        return self.engine.answer(query[:4000], top=top)


def _imported(
    plan: ImportPlan, pm, written: Written, link: Link, unknown: bool | None, cands: list, notes: list
) -> Imported:
    """What ``import_postmortem`` reports (the JSON of `recur import --json`)."""
    out = Imported(
        incident=written.incident,
        incident_path=written.incident_path,
        patterns=written.patterns,
        already=None,
        draft=written.draft,
        link=link,
        no_known_pattern=unknown,
        candidates=cands,
        triage=plan.triage,
        date=plan.day,
        date_source=plan.date_from,
        severity=plan.sev,
        mapped=list(pm.mapped),
        unmapped=pm.unmapped,
        follow_ups=written.follow_ups,
        notes=notes,
        review=written.review,
        title=plan.title,
    )
    if plan.keep is True and written.merged is None:  # nothing held back: a new record (a folder's: not said)
        out = replace(out, notes=[*notes, f"--keep-record not applied: {written.incident} is a new record, no record "
                                  "there already whose sections to keep (to update one: --into ID)"])  # fmt: skip
    return _updated(out, written.merged, plan) if written.merged is not None else out


def _keep_version(kb, iid: str, pm, source: str, digest: str, dry: bool):
    """--keep-record of a document imported as ``iid``, a record of its own, and changed since: this version
    counted as imported, merged three ways: the sections no one edited in the record take the document's, those a
    person edited are kept, what the document adds is taken in: its sections the record has no hash of and the
    follow-ups it has not, paired as the changed note pairs them (a reworded one is no new one)
    (pm_merge.keep_as_imported, its KeptVersion)."""
    from recur.ingest.pm_merge import keep_as_imported
    from recur.kb.incident_record import follow_up_yaml

    sections = _incident_sections(pm, pm.title or kb.incidents[iid].title, source)
    sections.pop("References", None)  # joined line by line by a merge, never kept whole
    recorded = kb.incidents[iid].follow_ups
    new = [follow_up_yaml(item) for item in _new_follow_ups(pm.action_items, recorded)]
    held = _contradicted(pm.action_items, recorded)
    return keep_as_imported(
        kb, iid, sections, digest, dry=dry, follow_ups=new, duration=pm.duration_minutes, copy_held=held
    )


def _already(dup, pm, given: list, changes=None, digests: tuple = ("",), kb=None, keep=None) -> Imported:
    """Nothing written, and why. Found in review: an edited document at the same path (a due date
    corrected) or a --severity given to fix a triage placeholder was "already imported" without a
    word that the edit or the flag was not applied. A changed document (``changes`` is not None)
    is ``changed``: the command exits CHANGED, naming what the document now says otherwise.
    ``kb``: where an unchanged one's record is read for a review owner it lacks (``_unowned_review``). ``keep``:
    (its source, --dry-run), with --keep-record given: a changed one counted as imported, merged three ways; its
    idle note ("nothing kept") only when ``given`` holds it (one FILE's, not each file of a folder's)."""
    iid, path, by = dup
    kept = None
    if keep and changes is not None:
        kept = _keep_version(kb, iid, pm, keep[0], digests[0], keep[1])
        kept_json = {"sha256": digests[0], "sections": kept.kept, "added": kept.added, "removed": kept.removed,
                     "kept": _kept_lines(kept, changes or [], _recorded(kb.incidents[iid]))}  # fmt: skip
    notes = [f"already imported as {iid} ({_same(by)}): {path}; nothing written"]
    if kept is not None:  # merged three ways, this version counted as imported (--keep-record)
        notes = [f"imported before as {iid} (same {by}): {path}; its edits kept"]
    if kb is not None and not changes and (unowned := _unowned_review(kb, iid, pm)):
        notes.append(unowned)
    if changes is not None and kept is not None:  # --keep-record: this version imported, its edits kept
        given = [g for g in given if g != "--keep-record"]
        notes.append(_kept_version_note(iid, changes, kept, digests[0]))
    elif changes is not None:
        notes.append(
            f"the document changed since it was imported ({_differs(iid, changes)}); {iid} is not updated: edit it by hand, "
            f'then set "sha256" in its imported: field to "{digests[0]}", so this version counts as imported (or '
            f"import it again with --keep-record, which sets it, keeps what a person edited in {iid} and takes "
            "what the document adds or corrects elsewhere: a follow-up, a section)"
        )
    if "--keep-record" in given:  # nothing merged, nothing held back to keep
        given = [g for g in given if g != "--keep-record"]
        notes.append(_keep_unmerged(iid, changes is not None and "--into" in given))
    into = "--into" in given
    if into:  # no field to set by hand: the document is another record's already
        notes.append(f"--into not applied: the document was imported before, as {iid}; not merged into another")
    if given := [g for g in given if g != "--into"]:
        # --into the record sets --date and --severity on it (pm_merge): the way, besides a hand edit
        again = not into and {"--date", "--severity"} & set(given)
        notes.append(f"{', '.join(given)} not applied: set it in {iid} by hand"
                     + (f", or import again with --into {iid}" if again else "") + " (recur incident link for patterns)")  # fmt: skip
    return Imported(
        incident=iid,
        incident_path=path,
        patterns=[],
        already=Already(iid, path, by, None if kept is None else kept_json),
        draft=None,
        link=None,
        no_known_pattern=None,
        candidates=[],
        triage=[],
        date=None,
        date_source=None,
        severity=None,
        mapped=list(pm.mapped),
        unmapped=pm.unmapped,
        follow_ups=0,
        notes=notes,
        changed=changes is not None and kept is None,
    )


def _same(by: str) -> str:
    """How an earlier import was recognised, as the report says it."""
    if by == BY_NAMED:
        return "named by its Incident line; a person took it over: no imported: field"
    if by == BY_ELSEWHERE:
        return "its imported: names another document"
    if by == BY_MOVED:
        return "moved: its imported: names another path"
    if by == BY_DRAFT:
        return "the final of its draft beside it: its imported: names the draft"
    return "found by its References line: no imported: field" if by == BY_REFERENCES else f"same {by}"


def _kept_version_note(iid: str, changes: list, kept, digest: str) -> str:
    """What --keep-record says of a document imported as ``iid`` (a record of its own) and changed since; ``kept``:
    keep_as_imported's KeptVersion."""
    # what it said otherwise before this run (what was taken no longer differs: "now" said so of a Summary taken)
    was = "now differs" if not kept.added else "differed"
    mine = [h for h in kept.kept if h != "Action items"]  # merged follow-up by follow-up, never the record's own
    own = (
        f"; its {', '.join(mine)} {'section is' if len(mine) == 1 else 'sections are'} the record's own" if mine else ""
    )
    # what the document adds or corrects is taken in, said on the first line: a follow-up added since was said, not
    # recorded, and no later run added it (--into too: this version counts as imported)
    what = f"{iid} took what the document adds or corrects" if kept.added else f"{iid} kept as it is, not updated"
    said = "".join(f"; kept {line}" for line in kept.said)  # a duration the record holds otherwise
    return (
        f"--keep-record: {what} ({_differs(iid, changes, was)}); this version of the document counts as "
        f"imported (imported.sha256 {digest[:12]}…{own}): the next run says Already imported, a later change "
        f"of the document is said again (exit {CHANGED}){said}"
    )


def _differs(iid: str, changes: list, was: str = "now differs") -> str:
    """How a document changed since it was imported as ``iid`` differs from the record now (``changes``, as
    _changes names them; none: the record already holds what it says): one sentence for both notes of a changed
    document, held back (_already) and counted as imported with --keep-record (_kept_version_note)."""
    return f"it {was} from {iid} in: {'; '.join(changes)}" if changes else f"{iid} holds what it says"


def _keep_unmerged(iid: str, elsewhere: bool) -> str:
    """What --keep-record says of a document imported before, unchanged since: nothing to keep. (Changed since, and
    imported as a record of its own, this version is counted as imported: _keep_version.) ``elsewhere``: changed,
    with --into another record: it counted this version as imported into ``iid`` (exit 0), so the merge asked for
    was never done and the next run said Already imported (found in a re-read)."""
    if elsewhere:
        return f"--keep-record not applied: --into names another record; {iid} not updated, this version not counted"
    return "--keep-record: nothing held back, nothing kept"


def _unowned_review(kb, iid: str, pm) -> str | None:
    """What an import of an unchanged postmortem says of ``iid``'s review when the record has no owner and the
    postmortem names one: reviews recorded before `recur import` read an owner count under (unowned) in By
    owner, and nothing said which, nor who holds them. Said, not written: the record may have had it taken out."""
    import shlex

    inc = kb.incidents[iid]
    if inc.review is None or inc.review.owner or not (owner := review_owner(pm)):
        return None
    return (
        f"{iid}'s review has no owner where the postmortem names {owner!r} (a record imported before review owners "
        f"were read has none): recur incident review {iid} --owner {shlex.quote(owner)}"
    )


def _changes(kb, iid: str, pm, source: str, today: dt.date) -> list[str]:
    """What the postmortem now says that incident ``iid`` (imported from it) does not: the fields it
    names, the sections whose text differs, the follow-ups added, gone or changed. The record may
    have been edited since: a difference is said, not judged. A review held after ``today`` is read as the
    first import read it (_review_dates): pending, due that day; it was said "review (done); review held" of a
    record that import had written itself (found in review)."""
    from recur.ingest.pm_merge import document_digests, seen_digests
    from recur.ingest.postmortem import severity_key
    from recur.kb.writer import section_text

    inc = kb.incidents[iid]
    held, due = _said_done(pm, inc.date), _said_due(pm, inc.date)
    ahead = held is not None and held > today
    said = {
        "title": pm.title,
        "date": pm.date,
        "severity": severity_key(pm.severity_text, kb.severity),
        "services": sorted(pm.services) or None,
        "duration": pm.duration_minutes,
        # a draft imported, then completed: the record's review is still pending
        "review": "done" if _says_done(pm, held) and not ahead else None,
        # "review scheduled 2026-12-09" moved to the 16th: the record keeps the first
        "review due": (due or held) if ahead else due,
        # "Complete, reviewed on 2026-12-01" where the record has another day, or none
        "review held": None if ahead else held,
        # the postmortem handed to another owner: said as the other fields are (it was "holds what it says")
        "review owner": review_owner(pm),
    }
    was = _recorded(inc)
    out = [
        f"{name} ({', '.join(now) if isinstance(now, list) else now})"
        for name, now in said.items()
        if now is not None and now != was[name]
    ]
    flat = lambda text: " ".join(section_text(text).split())  # noqa: E731 - as written, then compared
    sections = _incident_sections(pm, pm.title or inc.title, source)
    sections.pop("References", None)  # the source line is added on import; the rest is the document's
    # a section the document says as the record took it in or kept its own over (--keep-record) is no change of
    # the document's: a kept Root cause was listed again on every later change elsewhere (found in review)
    digests, seen = document_digests(sections), seen_digests(inc.imported)
    out += [
        f"{name} section"
        for name, text in sections.items()
        if flat(text) != flat(inc.sections.get(name, "")) and digests.get(name) not in seen.get(caseless(name), ())
    ]
    # a section the import wrote (or the record kept its own over) that the document dropped since: a change too
    now = {caseless(h) for h in sections} | {caseless("Action items"), caseless("References")}
    out += [f"{name} section gone" for name in inc.sections if caseless(name) in seen and caseless(name) not in now]
    return out + _follow_up_changes(pm.action_items, inc.follow_ups)


def _recorded(inc) -> dict:
    """The record's values _changes compares with the postmortem's, by the name its changes give them."""
    review = inc.review
    return {
        "title": inc.title,
        "date": inc.date,
        "severity": inc.severity,
        "services": sorted(inc.services),
        "duration": inc.duration_minutes,
        "review": review.status if review else None,
        "review due": review.due if review else None,
        "review held": review.done if review else None,
        "review owner": review.owner if review else None,
    }


def _follow_up_pairs(items: list, recorded: list) -> tuple[dict, dict, dict]:
    """({recorded title: follow-up}, {the postmortem's title: item}, {its title: the recorded title it is}): paired
    as a merge (--into) pairs them (pm_merge.pair_follow_ups: the same title, else the same ticket, else a title
    alike); an item not paired is one the postmortem adds."""
    from recur.ingest.pm_merge import pair_follow_ups

    was = {f.title: f for f in recorded}
    now = {it["title"]: it for it in items if it["title"]}
    olds, recs = list(now), list(was)
    pairs = pair_follow_ups([(t, now[t].get("ticket") or "") for t in olds], [(t, was[t].ticket or "") for t in recs])
    return was, now, {olds[i]: recs[k] for i, k in pairs.items()}


def _new_follow_ups(items: list, recorded: list) -> list[dict]:
    """The postmortem's action items that none of the ``recorded`` follow-ups is (_follow_up_pairs), once each."""
    _, now, olds = _follow_up_pairs(items, recorded)
    return [now[t] for t in now if t not in olds]


def _contradicted(items: list, recorded: list) -> tuple[str, ...]:
    """The titles of the ``recorded`` follow-ups that hold a value (status, owner, due, …) the postmortem's item
    says otherwise: --keep-record keeps the record's, so the postmortem's Action items would contradict them. A
    value only the postmortem gives is none: the record has no other to keep. A title is one: a follow-up the
    postmortem renamed (the same ticket, or a title alike: pair_follow_ups) is the record's follow-up, its title
    kept, and the postmortem's row named it otherwise (the table took the new name, the front matter had the old)."""
    was, now, olds = _follow_up_pairs(items, recorded)

    def differs(item: dict, follow_up) -> bool:
        pairs = ((item.get(k), getattr(follow_up, k, None)) for k in _FOLLOW_UP_FIELDS)
        renamed = caseless(one_line(item["title"])) != caseless(one_line(follow_up.title))
        return renamed or any(said is not None and have is not None and said != have for said, have in pairs)

    return tuple(olds[t] for t in now if t in olds and differs(now[t], was[olds[t]]))


# a follow-up's fields an import compares with the postmortem's item (_field_changes, _contradicted)
_FOLLOW_UP_FIELDS = ("status", "resolution", "owner", "due", "ticket", "done")


def _follow_up_changes(items: list, recorded: list) -> list[str]:
    """The follow-ups added to, gone from or changed in the postmortem against those recorded; a
    changed one with what changed, old -> new ("status open → done"): the note named the follow-up
    only, and a reader had to compare the two by hand to find what to edit (found in review)."""
    was, now, olds = _follow_up_pairs(items, recorded)
    added = [repr(t) for t in now if t not in olds]
    paired = set(olds.values())
    gone = [repr(t) for t in was if t not in paired]
    changed = []
    for t in (t for t in now if t in olds):  # a reworded one as "old → new", its fields' changes after it
        diff, old = _field_changes(now[t], was[olds[t]]), olds[t]
        named = f"{t!r}" if old == t else f"{old!r} → {t!r}"
        if diff or old != t:
            changed.append(f"{named} ({diff})" if diff else named)
    out = []
    for what, titles in (("added", added), ("gone", gone), ("changed", changed)):
        if titles:
            out.append(f"follow-ups {what}: " + ", ".join(titles[:3]) + (" …" if len(titles) > 3 else ""))
    return out


def _field_changes(item: dict, follow_up) -> str:
    """ "status open → done, due 2026-12-01 → 2026-12-15": the fields ``item`` (the document's) says
    otherwise than the recorded ``follow_up``; a field the document leaves empty is no change."""
    out = []
    for k in _FOLLOW_UP_FIELDS:
        now, old = item.get(k), getattr(follow_up, k)
        if now is not None and now != old:
            out.append(f"{k} {'none' if old is None else old} → {now}")
    return ", ".join(out)


@dataclass(frozen=True)
class _Importing(Asked):
    """`recur import`'s reading in the one check of a new record (incident_record.checked_incident), as
    scaffold.BY_FLAGS is `recur new incident`'s: the title and severity as ``resolve_meta`` read them (a
    title too long is cut there, not refused: the rest of the document is worth importing; the severity is
    the framework's key already), the draft pattern this import writes beside the record taken as known,
    and anything where a given --id's record goes (``target``) refused as import always refused it."""

    draft: str | None = None
    target: Path | None = None
    updating: bool = False  # the record is there: merged into (pm_merge), its id not free

    def title(self, given: str) -> str:
        return given

    def severity(self, kb, given: str) -> str:
        return given

    def known(self, kb, ids) -> tuple:
        super().known(kb, [pid for pid in ids if pid != self.draft])
        return tuple(ids)

    def free(self, kb, iid: str) -> None:
        if self.updating:
            return
        super().free(kb, iid)
        if self.target is not None and (self.target.exists() or self.target.is_symlink()):
            raise RecurError(f"{self.target}: already exists; refusing to overwrite it")


IMPORTING = _Importing()


def _write(
    kb, pm, plan: ImportPlan, linked: list, cands: list, *, draft: bool, category, source_file, dry=False
) -> Written:
    from recur.ingest.pm_merge import sections_digest
    from recur.kb.incident_record import record_text, stored_candidates, write_new_record
    from recur.kb.loader import require_inside

    draft_path = draft_id = ptext = None
    imported = {"source": plan.source, "sha256": plan.digest}
    cat, unsorted = _draft_category(kb, cands, category) if draft else (None, None)
    if draft:
        draft_id, draft_path, ptext = _draft(kb, pm, plan, cands, cat, source_file, imported)
        linked = [draft_id]
    extra = {}
    if plan.triage:
        extra["triage"] = plan.triage
    extra["imported"] = {**imported, **({"date_from": plan.date_from} if plan.date_from else {})}
    if stored := stored_candidates(cands, linked, kb.import_drafts() | {draft_id}):  # the draft written here too
        extra["candidates"] = stored
    fus = [a for a in pm.action_items if a["title"]]
    review = _review(kb, pm, plan)
    inc_path = kb.root / "incidents" / str(plan.day.year) / f"{plan.iid}.md"
    for target in (inc_path, draft_path):  # every target checked before either is written
        if target is not None:
            require_inside(kb.root, target)
    # a number chosen here is taken care of by write_new_record: another import or `recur incident new`
    # may take it meanwhile, and then the next free one is written
    asked = _Importing(draft=draft_id, target=None if plan.numbered or plan.into else inc_path, updating=plan.into)
    new = checked_incident(kb, _new_incident(pm, plan, linked), asked)
    if draft_path is not None and (draft_path.exists() or draft_path.is_symlink()):
        raise RecurError(f"{draft_path}: already exists; refusing to overwrite it")
    sections = _incident_sections(pm, plan.title, source_file)

    def itext(iid: str) -> str:  # the text for whichever number is free
        return record_text(new, iid, review=review, follow_ups=fus, sections=sections, extra=extra)

    if marks := sections_digest(itext(plan.iid)):  # the sections as written: a later correction taken (pm_merge)
        extra["imported"]["sections_sha256"] = marks

    if plan.into:
        return _merge_write(kb, plan, itext(plan.iid), fus, review, dry)
    record_id = new.iid
    if not dry:
        record_id, inc_path = write_new_record(kb, new.date.year, new.iid, itext, new.numbered)
    if draft_path is not None and not dry:
        _write_draft(draft_path, ptext, inc_path)
    made = Draft(draft_id, str(draft_path), plan.title, cat, unsorted) if draft_path else None
    warned = _credentials_in(((inc_path, itext(record_id)), (draft_path, ptext)))
    return Written(record_id, str(inc_path), list(new.patterns), len(fus), made, review, warned)


def _merge_write(kb, plan: ImportPlan, text: str, fus: list, review: Review, dry: bool) -> Written:
    """``_write`` for a record there already: the import's record ``text`` merged into it (pm_merge)."""
    from recur.ingest.pm_merge import merge_into, review_of

    given = frozenset(f[2:].replace("-", "_") for f in plan.flags)  # "--review-due": "review_due"
    merged = merge_into(
        kb, plan.iid, text, dry=dry, unsaid=plan.unsaid, given=given, keep=plan.keep, unmarked=plan.unmarked
    )
    warned = _credentials_in(((merged.path, merged.text),))
    pats, fus = merged.data.get("patterns"), merged.data.get("follow_ups")
    count = len(fus) if isinstance(fus, list) else 0  # the record's, as it holds them now
    return Written(
        plan.iid, str(merged.path), list(pats or []), count, None, review_of(kb, merged.data), warned, merged
    )


def _credentials_in(written) -> tuple:
    """`recur check`'s warnings of the lines of each (path, text) ``written`` (a path None: not written) that look
    like a credential or a person's e-mail address, each path as `recur check` names it: (key, lines) pairs, as
    Written.warnings holds them."""
    from recur.kb.credentials import written_warnings
    from recur.kb.loader import display_path

    out: dict = {}
    for path, text in written:
        for key, lines in (written_warnings(display_path(path), text) if path is not None else {}).items():
            out[key] = out.get(key, ()) + tuple(lines)
    return tuple(out.items())


def _new_incident(pm, plan: ImportPlan, linked: list) -> NewIncident:
    """What the record is written with, as every surface that records an incident gives it (``checked_incident``
    cleans and checks it); the id only when asked for (``numbered``: the next free one, chosen there again)."""
    return NewIncident(
        title=plan.title,
        severity=plan.sev,
        date=plan.day,
        services=tuple(pm.services),
        patterns=tuple(linked),
        iid=None if plan.numbered else plan.iid,
        duration_minutes=pm.duration_minutes,
    )


def _review(kb, pm, plan: ImportPlan) -> Review:
    """The record's review: level, status and due date from the severity framework, over what was read."""
    from recur.kb.loader import review_defaults

    # a postmortem that says it is complete was reviewed: its review recorded pending and, dated
    # weeks back, overdue failed `recur report --fail-on overdue` for a review already held
    said = plan.review
    done = said.given or (not said.scheduled and _says_done(pm, said.done))  # --review-done over the postmortem's
    given = {"status": "done", "done": said.done} if done else {}
    given |= {"owner": owner} if (owner := review_owner(pm)) else {}
    return review_defaults(kb, plan.sev, plan.day, given | ({"due": said.due} if said.due else {}))


# who holds the review, of the postmortem's people (PEOPLE_KINDS): its owner (Postmortem owner, Owner, Incident
# owner), else who led the response (Incident commander, Incident lead), else who wrote it (Author)
_REVIEW_OWNER_KINDS = ("owner", "incident lead", "authors")


def review_owner(pm) -> str | None:
    """The record's ``review.owner`` from the postmortem's People fields (``_REVIEW_OWNER_KINDS``, in that order;
    of a list of names, the first): the board's overdue reviews named no one to chase (found in a problem
    manager's review), though the import read who owned the postmortem into ``## People``."""
    return _review_people(pm)[0]


def _review_people(pm) -> tuple[str | None, list[str], str, str]:
    """(the review owner, the other names of its field, that field's label and kind): ``review_owner``'s
    reading."""
    from recur.ingest.action_items import people_named
    from recur.ingest.postmortem import META_KEYS

    for kind in _REVIEW_OWNER_KINDS:
        for label, value in pm.people:
            if META_KEYS.get(label.lower()) == kind and (named := people_named(str(value))):
                return named[0], named[1:], label, kind
    return None, [], "", ""


def _review_owner_note(pm, iid: str) -> list[str]:
    """The names a review owner's field gives besides the one recorded: a review has one owner, and "Postmortem
    owner: Ana Ruiz, Lee Park" recorded Ana Ruiz with no word of Lee Park. Not of the authors (the owner for
    want of one): "Authors: kim, lee" wrote it together, and all are in the record's ## People. And an owner of two
    one-word names kept as one ("Priya, Sam", as "Smith, Ana" is), which may be two people, as a follow-up's owner
    cell is said (_owner_notes): it went unsaid (found in review); an author list's too, read as the owner's field
    is ("Authors: Priya, Sam" was one review owner "Priya, Sam" with no word: two authors are as likely)."""
    from recur.ingest.action_items import paired_names

    owner, others, label, kind = _review_people(pm)
    if owner and paired_names(owner):
        return [
            f"review owner {owner!r} kept as one name (as 'Smith, Ana' is; the postmortem's {label!r}); if it is two "
            f"people, a review has one owner: set it with recur incident review {iid} --owner NAME"
        ]
    if not others or kind == "authors":
        return []
    return [
        f"review owner {owner!r} recorded, {', '.join(map(repr, others))} left out (the postmortem's {label!r} "
        f"names {len(others) + 1}; a review has one owner)"
    ]


def _draft_category(kb, cands: list, category) -> tuple[str, str | None]:
    """(category, why it is UNSORTED or None) of the draft pattern: --category, else the top candidate's when
    it is a medium or high match, else UNSORTED. A low top candidate is a guess: with few patterns, a printer
    outage's draft was filed under capacity/ beside db-pool-exhausted, and nothing said why (found in review)."""
    from recur.kb.schema import KEBAB

    if category:
        return category, None
    if not cands:  # a KB `recur init` made without --starter: it stopped, "--category: needed" (found in review)
        return UNSORTED, "the knowledge base has no pattern yet" if not kb.patterns else "no candidate was found"
    top = cands[0]
    if CONFIDENCE_RANK[top["confidence"]] < CONFIDENCE_RANK["medium"]:
        why = f"no candidate is a confident match (the closest, {top['id']}, is {top['confidence']})"
        return UNSORTED, why
    cat = _category(kb, top["id"])
    if cat is None:  # the index's, no longer the KB's
        return UNSORTED, f"the closest, {top['id']}, is no pattern of the knowledge base now"
    if not KEBAB.fullmatch(cat):
        raise RecurError(f"--category: needed for the draft pattern ({top['id']}'s category {cat!r} is no folder name)")
    return cat, None


def _draft(kb, pm, plan: ImportPlan, cands: list, cat: str, source_file, imported: dict) -> tuple:
    """(id, path, text) of the draft pattern: a free id from the title, in category ``cat``."""
    from recur.kb.schema import id_from_title, windows_reserved

    # a postmortem's title is a sentence: its first six words that say something
    draft_id = base = (
        id_from_title(failure_words(plan.title), words=6) or id_from_title(plan.title, words=6) or "imported"
    )
    n = 2
    # a title of a device name Windows reserves ("Con") made con.md, which a team's Windows users cannot check out
    while kb.pattern_known(draft_id) or windows_reserved(draft_id):
        draft_id, n = f"{base}-{n}", n + 1
    # a pattern listing one of the draft's signals is compared with it, ranked among the closest or not:
    # tls-certificate-expired, whose signal a German postmortem's draft listed, was not under Compare with
    closest = cands + [{"id": pid, "title": kb.patterns[pid].title} for pid in plan.shared if pid not in _ids(cands)]
    text = draft_pattern_text(
        draft_id,
        pm,
        title=plan.title,
        category=cat,
        severity=plan.sev,
        closest=closest,
        source=source_file,
        imported=imported,
        shared=plan.shared,
    )
    return draft_id, kb.root / "patterns" / cat / f"{draft_id}.md", text


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# what in a title says when this incident was and how long it lasted, not what failed: a day (2026-11-26,
# 26.11.2026, 11/26, Nov 26, 26 November 2026), a month of a year (2026-11, Nov 2026), a year, a time of
# day (14:05 UTC), a duration (6h, 90 min, 9 days); not an HTTP status's plural ("Checkout 502s after deploy",
# "S3 403s on uploads": read as seconds, the status was taken out of the draft's id, found in review)
_OCCASION = re.compile(
    r"\b(?:\d{4}-\d{1,2}(?:-\d{1,2})?|\d{1,2}[./]\d{1,2}(?:[./]\d{2,4})?"
    rf"|{_MONTH}[ \t]+\d{{1,2}}(?:st|nd|rd|th)?(?:,?[ \t]+\d{{4}})?|\d{{1,2}}(?:st|nd|rd|th)?[ \t]+{_MONTH}(?:[ \t]+\d{{4}})?"
    rf"|{_MONTH}[ \t]+\d{{4}}|(?:19|20)\d\d|\d{{1,2}}:\d\d(?::\d\d)?(?:[ \t]*(?-i:UTC|GMT|Z|[A-Z]{{1,3}}[SD]?T))?"
    r"|(?![1-5]\d\ds\b)\d+(?:[.,]\d+)?[ \t]*(?:ms|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|wks?|weeks?))\b",
    re.I,
)


def failure_words(title: str) -> str:
    """``title`` without the words that say when this incident was and how long it lasted (``_OCCASION``): a
    pattern's id names a failure mode, not one incident. Found in review: a draft was named
    webhook-deliveries-delayed-6h-2026-11 after "webhook deliveries delayed 6h (2026-11-26)"."""
    return _OCCASION.sub(" ", title)


def _ids(cands: list) -> set:
    return {c["id"] for c in cands}


def _draft_notes(written: Written, pending, shared: dict) -> list[str]:
    """What the notes say of the draft: none written for an earlier import's (``pending``), or one written
    with a signal a known pattern lists (`recur check` then says it is "listed by 2 patterns"): the
    pattern, and how to link it instead when it is the same failure. ``shared``: ``signal_sharers``."""
    if pending:
        return [f"no new draft written: {pending}, a draft an earlier import wrote, is the best candidate"]
    if (draft := written.draft) is None:
        return []
    return [
        f"the draft's signal {', '.join(repr(x) for x in found)} is also listed by {pid}: if this is that failure, "
        f"link it instead (recur incident link {written.incident} {pid} --remove {draft.id}) and delete the draft"
        for pid, found in shared.items()
    ]


def _write_draft(path: Path, text: str, inc_path: Path) -> None:
    """Write the draft pattern after its incident record; if that fails, remove the record again."""
    from recur.util.files import write_atomic

    try:
        write_atomic(path, text)
    except BaseException:  # the record would link a pattern that is not there: write neither
        inc_path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            inc_path.parent.rmdir()  # the year folder, when this import made it
        raise


def _category(kb, pid: str):
    p = kb.patterns.get(pid)
    return p.category if p else None


def render_text(out: Imported) -> str:
    """The import's text report: what was written, what was read from where, and always the candidates."""
    if out.already:
        a = out.already
        first = f"Already imported as {a.incident} ({_same(a.by)}): {a.path}. Nothing written."
        if a.kept_record is not None:  # --keep-record: merged three ways, this version counted as imported
            return "\n".join(_kept_record_lines(out) + [f"Note: {n}" for n in out.notes[1:]])
        return "\n".join([first]
                         + [f"Note: {n}" for n in out.notes[1:]])  # fmt: skip
    wrote = "Dry run, nothing written: would write" if out.dry_run else "Wrote"
    lines = [f"{wrote} incident {out.incident}: {out.incident_path} ({plural(out.follow_ups, 'follow-up')})."]
    if out.updated is not None:
        lines = _updated_lines(out)
    lines.append("Mapped: " + (", ".join(f"{h} → {c}" for h, c in out.mapped) or "nothing"))
    if out.unmapped:
        lines.append("Could not map (kept as they are): " + ", ".join(out.unmapped))
    lines += [f"Note: {n}" for n in out.notes]
    if out.triage:
        lines.append(f"Needs triage: {', '.join(out.triage)} (placeholders; recur check and recur report list it).")
    unknown = bool(out.no_known_pattern)
    lines += _link_lines(out, unknown)
    if out.candidates:
        lines.append("Closest patterns, for comparison only (ranked):" if unknown else "Candidates (ranked):")
        for c in out.candidates:
            # the mark every surface puts after a draft's title (records.draft_mark): "[draft from an import]"
            # here was a second wording of it
            mark = draft_mark(c)
            lines.append(f"  {c['rank']}. {c['id']}  {c['title']}{mark}  ({c['confidence']}, {c['score']:.2f})")
            if c["why"]:
                lines.append(f"     why: {c['why']}")
        if out.searched:
            lines.append(_searched_line(out.searched))
    return "\n".join(lines)


def _kept_record_lines(out: Imported) -> list[str]:
    """render_text's first lines for --keep-record of a document imported as a record of its own: what the record
    took from this version (and the sections it took out), then a line for each thing it kept, on every run: what
    was kept was said on the run that first kept it alone, folded into a note, and a later version changing a
    field or section a person had edited said only what was taken (found in review)."""
    a, dry = out.already, out.dry_run
    added, removed = a.kept_record.get("added"), a.kept_record.get("removed")
    first = (f"{'Dry run, nothing written: would keep' if dry else 'Kept'} incident {a.incident} as it is: {a.path}; "
             "this version of the document counts as imported.")  # fmt: skip
    if added or removed:
        took = (
            f"{'would take' if dry else 'took'} what the document adds or corrects: {'; '.join(added)}; "
            if added
            else ""
        )
        gone = (
            f"{'would remove' if dry else 'removed'} what it no longer has: {'; '.join(removed)}; " if removed else ""
        )
        first = (f"{'Dry run, nothing written: would update' if dry else 'Updated'} incident {a.incident}: {a.path}, "
                 f"{took}{gone}this version of the document counts as imported.")  # fmt: skip
    return [first] + [f"Kept the record's {line}" for line in a.kept_record.get("kept") or ()]


def _kept_lines(kept, changes: list, recorded: dict) -> list[str]:
    """What --keep-record kept of the record over this version of the document (``kept``: keep_as_imported's
    KeptVersion; ``changes``: what the document said otherwise, _changes'), a line of words each: each section a
    person edited, each value the document says otherwise (a record's own, in ``recorded``: never taken by an
    import), and a duration set by hand."""
    how = {h: "a person took it out of the record" for h in kept.gone}  # said "edited" (found in review)
    # a record an import before 0.2.1 wrote keeps no section hashes: "edited" was said of one no one touched
    how |= {h: "the record keeps no hash of the text the import wrote, so an edit cannot be told from a correction"
            for h in kept.unhashed}  # fmt: skip
    lines = [f"{h} section ({how.get(h, 'a person edited it since the import wrote it')}; the document's differs)"
             for h in kept.kept if h != "Action items"]  # fmt: skip
    # taken, or said by a line of its own: not said again
    taken = any(a.startswith("duration_minutes ") for a in [*kept.added, *kept.said])
    for c in changes:
        if (
            c.endswith((" section", " section gone"))
            or c.startswith("follow-ups added")
            or (taken and c.startswith("duration ("))
        ):
            continue
        for was, now in _FOLLOW_UPS_KEPT:
            c = c.replace(was, now, 1) if c.startswith(was) else c
        lines.append(_kept_value(c, recorded))
    return lines + list(kept.said)


def _kept_value(change: str, recorded: dict) -> str:
    """A change of _changes' (``title (Log buffer …)``: the document's value) said as the value the record kept,
    from ``recorded`` (_recorded): it was said "title (the document's title) (the document's; the record's
    kept)", the document's value named as the record's (found in review)."""
    name, _, said = change.partition(" (")
    if name not in recorded or not said.endswith(")"):
        return change  # the follow-ups' lines, said as they are

    def shown(value) -> str:
        if isinstance(value, list):
            return ", ".join(map(str, value)) or "none"
        return "none" if value is None else repr(value) if isinstance(value, str) else str(value)

    was, now = recorded[name], said[:-1]
    return f"{name} {shown(was)} (the document's: {repr(now) if isinstance(was, str) else now})"


# _changes' words of follow-ups the record keeps as they are, as a "Kept the record's …" line says them
_FOLLOW_UPS_KEPT = (
    ("follow-ups gone: ", "follow-ups the document no longer has: "),
    ("follow-ups changed: ", "follow-ups as they are where the document says otherwise: "),
)


def _updated_lines(out: Imported) -> list[str]:
    """render_text's first lines for an import merged into a record there already: what it added, what it kept."""
    up = out.updated or {}
    if not (up["added"] or up["set"] or up.get("kept_record_sections") or up.get("removed")):
        did = f"{out.incident} holds all the postmortem gives already: nothing written"
    else:
        did = f"{'Dry run, nothing written: would update' if out.dry_run else 'Updated'} incident {out.incident}"
    lines = [f"{did}, {up['by']}: {out.incident_path} ({plural(out.follow_ups, 'follow-up')})."]
    if up["added"]:
        lines.append(f"{'Would add' if out.dry_run else 'Added'}: {'; '.join(up['added'])}.")
    if up.get("removed"):  # sections the postmortem dropped that no one had edited in the record
        lines.append(f"{'Would remove' if out.dry_run else 'Removed'}: {'; '.join(up['removed'])}.")
    if up["set"]:  # the flags given: the person's word over the record's (pm_merge._Merge.apply)
        lines.append(f"{'Would set' if out.dry_run else 'Set'} as given: {'; '.join(up['set'])}.")
    # the responder's: never overwritten; each said with the postmortem's value (and the command that sets it)
    lines += [f"Kept the record's {kept}" for kept in up["kept"]]
    return lines


def _searched_line(parts: tuple) -> str:
    """What the candidates were searched for: `recur suggest` given the whole file searches all of it, and
    may rank or rate them otherwise (on a KB under 30 patterns a word apart, by a cosine threshold)."""
    named = and_listed(parts)
    return (
        f"Searched for the postmortem's {named}; recur suggest given the whole file searches all of it, and can "
        "rate these otherwise (--json's query is the text searched)."
    )


def _link_lines(out: Imported, unknown: bool) -> list[str]:
    """render_text's lines on what was linked, or drafted, and what to do next."""
    if out.draft:
        filed = []
        if out.draft.unsorted:  # said, with how to file it, where a guess from a low match was silent
            filed = [
                f"{'Would be filed' if out.dry_run else 'Filed'} under {out.draft.category}/: {out.draft.unsorted}, "
                "so its category is not taken from one. "
                + (
                    "To file it elsewhere: import with --category CATEGORY."
                    if out.dry_run  # written, a second import is a re-import: the file is moved instead
                    else "To file it: move it to kb/patterns/CATEGORY/ and set its category: line (recur check "
                    "names both)."
                )
            ]
        return [
            f"No known pattern matches: {'would write' if out.dry_run else 'wrote'} draft pattern {out.draft.id}: "
            f"{out.draft.path}",
            *filed,
            "Next: complete the draft (its TODOs; recur check lists what is missing) and have it reviewed; "
            "it counts as a match for later imports once promoted (status: active).",
        ]
    if out.link and out.link.pattern and out.patterns:
        return [f"Linked to {', '.join(out.patterns)}: {out.link.reason}."]
    if out.patterns:
        return [f"Linked to {', '.join(out.patterns)} (given with --pattern)."]
    if unknown:
        # never a comparison-only candidate as the thing to link (as recur incident new)
        why = out.link.reason if out.link else ""
        why = f" ({why})" if why and why != "no known pattern matches" else ""
        pending = out.link.pending_draft if out.link else None
        return [
            f'No known pattern matches{why}: not linked; it shows as "needs analysis" in recur report.',
            f"Next: review the draft {pending} (it looks like the same failure), promote it (status: active), "
            f"then: recur incident link {out.incident} {pending}"
            if pending
            else "Next: once the cause is understood, draft a pattern (recur new pattern), "
            f"or link one that fits later: recur incident link {out.incident} PATTERN",
        ]
    why = out.link.reason if out.link else "nothing matched"
    lines = [f"Not linked ({why}): it shows as needs analysis in recur report."]
    if out.candidates:
        lines.append(f"Link one after review: recur incident link {out.incident} {out.candidates[0]['id']}")
    return lines
