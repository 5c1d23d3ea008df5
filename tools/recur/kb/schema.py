"""The one declared schema for KB front matter, and the validator that applies it.

Each kind of file (pattern, incident, path, severity level, eval case) is a table of
Field rules. ``Validator.mapping`` checks a parsed mapping against a table, collecting every
problem with its line, and returns the cleaned values (dates parsed, numbers as strings
where strings are expected). Unknown keys are kept and warned about, never fatal.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from recur.kb.parse import YamlDoc, quoted_form, reads_as
from recur.util.dates import RANGE, in_range, iso_date, iso_hint
from recur.util.errors import Problem, RecurError
from recur.util.text import (
    LINE_SPACING,
    LOOKALIKE_DASHES,
    close_names,
    control_character,
    odd_characters,
    plural,
    quoted,
    slugify,
    without_controls,
    yaml_string,
)

KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# The longest id (or category) a new file (or folder) is named with: ID.md is written through a temp file beside it
# (util/files._temp_file: ".ID.md.<pid>-<12 hex>.tmp", 26 characters more), and 255 bytes, most file systems' limit,
# is an id of 226. Found by fuzzing: `--id` of 300 characters failed at the write, "File name too long", naming the
# file and not the flag.
MAX_NAME = 200


def name_fits(value: str, flag: str) -> str:
    """``value``, an id or category that names a new file or folder, when it is short enough for one and no name
    Windows reserves (``windows_reserved``). The one check of every new id and category: `recur new
    pattern|incident|path`, `recur incident new`, `recur import`, a library's ``NewIncident(iid=…)``."""
    if len(value) > MAX_NAME:
        raise RecurError(f"{flag}: {len(value):,} characters long; the limit is {MAX_NAME} (it becomes a file's name)")
    if device := windows_reserved(value):
        raise RecurError(f"{flag}: {value!r} {reserved_said(device)}; choose another")
    return value


# the device names Windows reserves, in any letter case: a file or folder named so, with any extension ("CON.md",
# "nul.tar.gz"), cannot be made there (the superscript digits are its ISO 8859-1 ones). Found by fuzzing: `recur
# incident new --id CON` wrote CON.md, which `git checkout` fails on for a team's Windows users.
_WINDOWS_RESERVED = re.compile(r"(?:CON|PRN|AUX|NUL|COM[1-9\u00b9\u00b2\u00b3]|LPT[1-9\u00b9\u00b2\u00b3])")


def windows_reserved(name: str) -> str | None:
    """The device name Windows reserves that the file or folder name ``name`` is (its part before the first '.',
    spaces after it aside, in capitals: "CON"), or None."""
    base = name.split(".", 1)[0].rstrip(" ").upper()
    return base if _WINDOWS_RESERVED.fullmatch(base) else None


def reserved_said(device: str) -> str:
    """Why a name that is the device ``device`` cannot be a file's: what refusals and `recur check` say."""
    return (
        f"names the device {device}, which Windows reserves (CON, PRN, AUX, NUL, COM1-COM9, LPT1-LPT9: in any "
        "letter case, with any extension): a file or folder so named cannot be checked out on Windows, which breaks "
        "the repository for its Windows users"
    )


def given_id(value: str) -> str:
    """A pattern id as a person or a program gives it, read as the id it names: spaces around it and letter
    case do not count, as ids are lower-case kebab (the loader refuses any other), so "Disk-Full" is disk-full;
    a value that is no id in any case is left as given, for the error to name it. The one rule of every surface
    that takes an id: the checks before a record links one (loader.require_patterns), and the API's, MCP's and
    feedback's (retrieval.patterns.given_pattern_id): `recur incident new --pattern Disk-Full` was refused
    ("did you mean disk-full?") while MCP's record_incident recorded disk-full (found in review)."""
    value = value.strip()
    return value.lower() if KEBAB.match(value.lower()) else value


ID_LONGEST = 60  # characters of an id made from a title: a file name, and a link in every record that names it


def id_from_title(title: str, *, words: int | None = None, longest: int | None = ID_LONGEST) -> str:
    """The kebab-case id made from a title, "" when it has no Latin letter or digit: 'Réplication lag on /var'
    -> 'replication-lag-on-var' (accents folded, not a word broken at them), cut to ``longest`` characters.
    The one rule of `recur new pattern|path` (the id from --title), `recur import` (its draft pattern's id)
    and the ids the loader and the checks offer for a name that is none. ``words``: a postmortem's title is
    a sentence, not a pattern's name: `recur import` keeps its first ``words`` words that are not stopwords.
    ``longest=None``: a file's own name offered in kebab case ("rename it ..."), whatever its length, as
    its author named it."""
    return slugify(title, max_words=words, drop_stopwords=words is not None, max_len=longest, fold=True)


# a duration as a person writes one: 45m, 45 min, 2h, 1.5 hours, 1h 30m
_DURATION = re.compile(r"(?:(?P<h>\d+(?:\.\d+)?)\s*(?:h|hrs?|hours?))?\s*(?:(?P<m>\d+)\s*(?:m|mins?|minutes?))?")
INCIDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class Field:
    kind: str  # str | kebab | ident | list | ids | date | int | bool | enum | mapping | texts | records
    required: bool = False
    choices: tuple = ()
    schema: dict | None = None  # for mapping / records
    item: str = "str"  # for list: the item kind
    min_items: int = 0
    maximum: int | None = None  # for int: the largest value accepted
    doc: str = ""
    # for enum: what to write instead of a value in other words (``_OTHER_WORDS``): a follow-up's
    # `status: cancelled` is written status: done and resolution: wont-do, a value of no one key
    instead: str = ""
    # a key Recur read only lately, which a team may have written as its own before (`retired: true`): a value
    # of the wrong kind is a warning, kept and not used, and the record is kept (it was an error, and a team's
    # CI failed on upgrade with the pattern left out of search, board and site: found re-reading `retired:`)
    lenient: bool = False


FIX_STATUS = ("open", "in-progress", "done", "wont-fix")
# the fix statuses of work still to do: the board's open fixes, and lint's checks of an open fix (the two wrote
# the pair apart; kept here, below both, as the kb layer may not import problems)
OPEN_FIX = FIX_STATUS[:2]
# The one list of the words a follow-up closed undone is said in, which `recur check`'s did-you-mean and
# `recur import`'s reading of a postmortem's status (ingest.action_items builds its regexes from them) both
# take: kept twice, they had drifted, and `status: cannot reproduce` got no word on what to write. An
# apostrophe may be left out or curly, a space is one or more (the regexes); "won'tdo": written together.
# CANCEL_WORDS say it in an item's title too ("Move X (won't do)"); RESOLVED_UNDONE_WORDS, Jira's
# resolutions, only as a status: "Merge the duplicate alerts" keeps its words.
# "Rejected", "Scrapped", "Superseded" as a Status cell were recorded an open follow-up, overdue later, and got
# no did-you-mean from `recur check`: a second list (action_items' struck reasons) had them, this one not.
CANCEL_WORDS = (
    *("won't do", "won'tdo", "won't fix", "won'tfix", "will not do", "will not fix"),
    *("cancelled", "canceled", "dropped", "obsolete", "abandoned", "not doing", "descoped"),
    *("rejected", "scrapped", "shelved", "superseded", "out of scope"),
    *("deprioritised", "deprioritized", "de-prioritised", "de-prioritized"),
)
RESOLVED_UNDONE_WORDS = ("duplicate", "duplicated", "cannot reproduce", "can't reproduce", "declined")
# a status written in a tracker's words, no slip of the format's value: `status: cancelled` on a follow-up
# was an error naming open and done alone, which left the author no value to write. Held as ``_words``
# reads a value: without its apostrophes ("wont do" and "won't do" are one), a hyphen a space
_OTHER_WORDS = {
    "wont-do": frozenset(w.replace("'", "").replace("-", " ") for w in (*CANCEL_WORDS, *RESOLVED_UNDONE_WORDS))
}


def _said_otherwise(text: str, choices: tuple) -> list[str]:
    """The value of ``choices`` that ``text`` says in other words ("cancelled": wont-do), as [value] or []."""
    said = _words(text)
    return [value for value in choices if said in _OTHER_WORDS.get(value, ())]


def _words(text: str) -> str:
    """``text`` as ``_OTHER_WORDS`` holds it: "Won't_Do", "won’t-do" and "wont-do" are all "wont do"."""
    return " ".join(text.casefold().replace("\u2019", "").replace("'", "").replace("_", " ").replace("-", " ").split())


def _instead(text: str, rule: Field) -> str:
    """What ``rule.instead`` says to write for ``text``, a value in other words (``_OTHER_WORDS``), or ""."""
    return f" ({rule.instead})" if rule.instead and _words(text) in _OTHER_WORDS["wont-do"] else ""


PATTERN_STATUS = ("draft", "active", "retired")
REVIEW_LEVELS = ("full", "light", "none")
MAX_REVIEW_DAYS = 3650  # a review due more than ten years after the incident is a typo

FIX = {
    "status": Field("enum", choices=FIX_STATUS),
    "owner": Field("str"),
    "due": Field("date"),
    "done": Field("date"),
    "tickets": Field("list"),
}
DISTINGUISH = {  # extension: how to tell this pattern from a look-alike
    "from": Field("kebab", required=True),
    "by": Field("str", required=True),
}
IMPORTED = {  # extension: where recur import read a record from (duplicate imports are recognised by it)
    # both always written by `recur import`: without either, a re-import of the same postmortem did not know the
    # record and wrote a second one (a hand-edited `imported:`); `recur check` calls it an error, import refuses
    "source": Field("str", required=True),
    "sha256": Field("str", required=True),
    "date_from": Field("str"),
    # the hash of the Summary the import wrote, as records imported on 2026-12-06 keep it: read as
    # sections_sha256's Summary
    "summary_sha256": Field("str"),
    # {heading: hash} of each section the import wrote: a re-import takes a corrected section while no one has
    # edited it, keeps an edit the postmortem has not corrected since, and holds back one it has (pm_merge)
    "sections_sha256": Field("texts"),
    # {heading: hash} of the postmortem's section a record kept its own over (the responder's Root cause): a
    # re-import keeps the record's while the postmortem's is that one, and holds it back once it differs (pm_merge)
    "kept_sha256": Field("texts"),
}
CANDIDATE = {  # extension: a ranked candidate pattern stored for the reviewer of an unlinked incident
    "id": Field("kebab", required=True),
    "rank": Field("int"),
    "confidence": Field("enum", choices=("high", "medium", "low")),
    "score": Field("str"),
    "title": Field("str"),
    "why": Field("str"),
}
TRIAGE_FIELDS = ("date", "severity", "title")
# what to write for a top-level key a record needs and has not, as "is required" says it
REQUIRED_VALUE = {
    "id": "<the file name, without its extension>",
    "title": "<the failure, or what happened, in a few words>",  # a pattern's; others in TITLE_VALUE
    "category": "<the name of the folder the file is in>",
    "severity": "<a level of severity.yml, e.g. sev2>",
    "symptoms": "[<what a responder sees, in their words>]",
    "date": "<YYYY-MM-DD>",
    "steps": "[{pattern: <a pattern id>, why: <why a newcomer needs it>}]",
    "query": "<what a responder would type>",
    "expect": "[<the pattern id it should find>]",
    "name": "<the level's name>",
    "review": "<full, light or none>",
}
TITLE_VALUE = {"path": "<what the path teaches, in a few words>", "incident": "<what happened, in a few words>"}


def _value_to_write(key: str, schema: dict) -> str:
    """What a required top-level ``key`` of ``schema`` missing or empty is told to hold (``REQUIRED_VALUE``)."""
    if key == "title" and (schema is PATH or schema is INCIDENT):
        return TITLE_VALUE["path" if schema is PATH else "incident"]
    return REQUIRED_VALUE.get(key, "...")


PATTERN = {
    "id": Field("kebab", required=True),
    "title": Field("str", required=True),
    "category": Field("str", required=True),
    "severity": Field("str", required=True),
    "symptoms": Field("list", required=True, min_items=1),
    "signals": Field("list"),
    "tags": Field("list"),
    "services": Field("list"),
    "status": Field("enum", choices=PATTERN_STATUS),
    "owner": Field("str"),
    "fix": Field("mapping", schema=FIX),
    "related": Field("list", item="kebab"),
    "distinguish": Field("records", schema=DISTINGUISH),
    "created": Field("date", doc="extension: when the pattern was first written"),
    "imported": Field("mapping", schema=IMPORTED, doc="extension: a draft written by recur import from this source"),
    "superseded_by": Field("ids", item="kebab", doc="extension: the pattern(s) that replaced a retired one"),
    "retired": Field("date", doc="extension: the day a retired pattern was retired", lenient=True),
}
REVIEW = {
    "level": Field("enum", choices=REVIEW_LEVELS),
    "status": Field("enum", choices=("pending", "done")),
    "due": Field("date"),
    # when it was held, so a board as of a past date shows it pending then, as a follow-up's `done` does
    "done": Field("date", doc="extension: the day it was held"),
    # who holds it: the board's overdue reviews named no one to chase, and --owner left them out
    "owner": Field("str", doc="extension: who holds the review (the postmortem's owner)"),
}
# the spec's follow-up statuses, no more: a value of its own (`wont-do`, once) was a file every other tool
# of the spec rejects, so one closed undone is `done` (closed: never overdue, to any tool) with Recur's
# `resolution: wont-do`, a key another tool keeps with a warning
FOLLOW_UP_STATUS = ("open", "done")
WONT_DO = "wont-do"
CLOSED_UNDONE = "a follow-up that will not be done is closed: write status: done and resolution: wont-do"
FOLLOW_UP = {
    "title": Field("str", required=True),
    "status": Field("enum", choices=FOLLOW_UP_STATUS, instead=CLOSED_UNDONE),
    "owner": Field("str"),
    "due": Field("date"),
    "ticket": Field("str"),
    # when it was done, so a board as of a past date shows it open then, as a fix's `done` does
    "done": Field("date", doc="extension: the day it was done (or closed undone)"),
    # a tracker's Won't Do, Cancelled, Duplicate, Declined: closed, not done (written open or left out, it
    # sat on the board as open work, overdue, or was lost)
    "resolution": Field("enum", choices=(WONT_DO,), doc="extension: wont-do, a follow-up closed undone"),
}
FLAG = {  # extension: a flag may be a mapping so it can be marked addressed
    "text": Field("str", required=True),
    "status": Field("enum", choices=("open", "done")),
    "note": Field("str"),
    # when it was done, so a board as of a past date counts it open then, as a follow-up's `done` does
    "done": Field("date", doc="extension: the day it was done"),
}
INCIDENT = {
    "id": Field("ident", required=True),
    "title": Field("str", required=True),
    "date": Field("date", required=True),
    "severity": Field("str", required=True),
    "patterns": Field("list", item="kebab"),
    "services": Field("list"),
    "duration_minutes": Field("int"),
    "review": Field("mapping", schema=REVIEW),
    "follow_ups": Field("records", schema=FOLLOW_UP),
    "flags": Field("flags", schema=FLAG),
    "triage": Field("list", doc="extension: fields recur import could not find and filled with a placeholder"),
    "imported": Field("mapping", schema=IMPORTED, doc="extension: the postmortem this record was imported from"),
    "candidates": Field("records", schema=CANDIDATE, doc="extension: ranked candidates for the reviewer"),
}
PATH_STEP = {"pattern": Field("kebab", required=True), "why": Field("str")}
PATH = {
    "title": Field("str", required=True),
    "audience": Field("str"),
    "steps": Field("records", required=True, schema=PATH_STEP),
    "order": Field("int", doc="extension: where the path comes in the site's list of paths (lowest first)"),
    # not needed (a path's id is its file name), but written as a pattern's is: one that differs is an error
    "id": Field("kebab", doc="optional: the path's id, its file name; another is an error"),
}
# the record types recur.yml's own_keys may name (its mapping form), by their folder's name
RECORD_KINDS = {"patterns": PATTERN, "incidents": INCIDENT, "paths": PATH}
SEVERITY_LEVEL = {
    "name": Field("str", required=True),
    "review": Field("enum", required=True, choices=REVIEW_LEVELS),
    "review_within_days": Field("int", maximum=MAX_REVIEW_DAYS),
}
CASE = {"query": Field("str", required=True), "expect": Field("list", required=True, item="kebab", min_items=1)}

PATTERN_SECTIONS = (
    "Summary",
    "Runbook",
    "Evidence to preserve",
    "Root cause",
    "Permanent fix",
    "Detection",
    "References",
)
# the sections a pattern page shows after its runbook, in this order (site.pattern_pages writes the
# page; kb.anchors lays it out the same way, for the anchors `recur check` accepts)
LATER_SECTIONS = ("Root cause", "Permanent fix", "Detection", "References")
# the sections a pattern page places itself; any other follows them under its own heading
PLACED_SECTIONS = frozenset({"Summary", "Runbook", "Evidence to preserve", *LATER_SECTIONS})


def _required(schema: dict | None) -> list[str]:
    """The keys ``schema`` requires, in its order."""
    return [k for k, rule in (schema or {}).items() if rule.required]


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, (str, list, dict)) and len(value) == 0)


# a bare yes, no, on or off is a boolean to YAML 1.1 (PyYAML), as true and false are
BOOL_HINT = " (YAML reads yes/no/on/off/true/false as a boolean: quote it, 'yes')"


def bool_hint(written: str | None) -> str:
    """``BOOL_HINT`` quoting the value as the file writes it: ``tags: [redis, off]`` was told to quote
    'yes' (found by a pattern author). ``written`` None (not known): the hint as it was."""
    if not written:
        return BOOL_HINT
    return BOOL_HINT.replace("'yes'", f"'{written}'")


def mapping_hint(value, written: str | None) -> str:
    """What to do about a value YAML read as a mapping where text was meant: an unquoted ": " makes
    one (``- javax.crypto.AEADBadTagException: Tag mismatch!``, a signal copied from a log, was "must be a
    string, not a mapping" with nothing said of why; found by a team writing its first KB). The quoted
    form offered is ``written``, the file's own text (``YamlDoc.written``), never one rebuilt from what
    YAML made of it: ``10:02`` is 602 to YAML, ``yes`` and ``on`` true, ``0x7f3a`` 32570 (found in review:
    the hint said "602: disk full on /var"). Without it, or for a mapping of several keys, no quoted form."""
    hint = " (YAML reads an unquoted ': ' as a key and its value: put the whole text in quotes"
    if not isinstance(value, dict):
        return ""
    if len(value) == 1 and written:
        return f"{hint}, {quoted_form(written)})"
    return hint + ")"


def _id_mapping(value: dict) -> str:
    """An id written as a mapping (``superseded_by: {id: disk-full}``, ``- pattern: disk-full``): the
    mapping hint said to quote the whole text, which no id matches (found in review)."""
    only = next(iter(value.values())) if len(value) == 1 else None
    alone = f", {only}" if isinstance(only, str) and KEBAB.match(only) else ""
    return f"must be an id, not a mapping (key: value): write the id alone{alone}"


def rename_advice(shown: str, rid: str, taken: str | None = None) -> str:
    """What to do with a record file whose name is no kebab-case id (``Kafka_Lag.md``), as both its errors say
    it (an id: that is no id either, schema's; one unlike the file name, loader's): ``shown``, the file as
    messages name it. One wording: the two were written apart and could drift. ``taken``: the file already named
    for ``rid``, as shown: Disk_Full.md beside disk-full.md was told to rename it to disk-full.md, over that file
    (a mv would replace it) or as a second disk-full (found in review); it needs an id of its own."""
    from pathlib import PurePath

    if taken:
        own = "rename the file to a kebab-case id of its own and write that id (an id is its file name)"
        return f"{own}: not {rid}, the name of {taken}"
    file = PurePath(shown)
    renamed = file.with_name(f"{rid}{file.suffix}").as_posix()
    return f"rename the file to {renamed} and write id: {rid} (an id is its file name)"


def declarable(key: str, kind: str | None = None) -> bool:
    """Whether recur.yml's ``own_keys`` may declare ``key``: no top-level key of a pattern, an incident or an
    onboarding path (declared, it would be read as the format's and never be the team's); with ``kind`` (a key of
    ``RECORD_KINDS``, own_keys' mapping form), no top-level key of that record type: an incident's own ``owner:``
    is no key of an incident, though it is a pattern's."""
    if kind is not None:
        return key not in RECORD_KINDS[kind]
    return all(key not in shape for shape in RECORD_KINDS.values())


def lately_read(key: str, kind: str | None = None) -> str | None:
    """What a top-level key Recur read only lately (a ``lenient`` one, ``retired``) is, when ``key`` is one (of
    ``kind``'s records, or of any): a team's recur.yml may have declared it as its own before (own_keys), and that
    is a warning, not an error failing its CI on upgrade; else None."""
    shapes = [RECORD_KINDS[kind]] if kind is not None else RECORD_KINDS.values()
    rule = next((shape[key] for shape in shapes if key in shape and shape[key].lenient), None)
    return None if rule is None else rule.doc.removeprefix("extension: ")


def record_kind(shape: dict) -> str | None:
    """The name ``RECORD_KINDS`` gives the record type of ``shape`` (``PATTERN``: "patterns"), None for another."""
    return next((kind for kind, known in RECORD_KINDS.items() if known is shape), None)


def _step_as_key(value: dict) -> str | None:
    """A path's step written as `recur new path --step` takes it, ``- disk-full: why it matters``: YAML reads the
    pattern's id as a key. Said as such, with what to write; it was "steps[1].pattern: is required" and a warning
    of an unknown key "kept, not used" (found writing a first path from the docs). None for any other step, and for
    a key that is a slip of a step's (``- patern: disk-full``: "did you mean 'pattern'?", not "write it '- pattern:
    patern'") or a path's own key indented as a step (``- title: ...``): neither names a pattern (found in a re-read)."""
    if len(value) != 1:
        return None
    ((key, why),) = value.items()
    if key in PATH_STEP or not isinstance(key, str) or not KEBAB.fullmatch(key) or isinstance(why, (dict, list)):
        return None
    if key in PATH or meant_key(key, PATH_STEP):
        return None
    under = " and its 'why: ...' on the next line, under pattern" if why not in (None, "") else ""
    return f"'- {key}: ...' names the pattern as a key, and a step needs pattern: write it '- pattern: {key}'{under}"


class Validator:
    """Collects problems for one file."""

    def __init__(  # long: one keyword a line (ruff's format)
        self,
        relpath: str,
        doc,
        *,
        controls: bool = False,
        part: str = "front matter",
        own: frozenset = frozenset(),
        own_file: str | None = None,
        own_kind: str | None = None,
        own_mapped: bool = False,
        id_file=None,
    ):
        """``controls``: strings may hold control characters (eval queries: pasted log lines);
        ``part``: what the file's keys are called in messages (a path's .yml has no front matter);
        ``own``: the team's own top-level keys recur.yml declares (``own_keys``), kept without a warning;
        ``own_file``: that recur.yml as shown, named in the warning of a top-level key it could declare;
        ``own_kind``: the record type of the file (``RECORD_KINDS``' name), which own_keys' mapping form names;
        ``own_mapped``: recur.yml's own_keys is written in that form, where a key is declared under its type;
        ``id_file``: for a record file named for its id, the other file of its kind named for an id (an id -> that
        file as shown, or None), which the rename hint of an id that is none does not offer as the new name."""
        self.own, self.own_file, self.own_kind, self.own_mapped = own, own_file, own_kind, own_mapped
        self.id_file = id_file or (lambda rid: None)
        self.relpath = relpath
        self.part = part
        self.doc = doc
        self.controls = controls
        self.problems: list[Problem] = []

    def error(self, path: tuple, field: str, message: str) -> None:
        self.problems.append(Problem(self.relpath, self.doc.line(*path), field, message))

    def warn(self, path: tuple, field: str, message: str) -> None:
        self.problems.append(Problem(self.relpath, self.doc.line(*path), field, message, "warning"))

    def _mapping_hint(self, value, path: tuple) -> str:
        written = self.doc.written(*path) if isinstance(self.doc, YamlDoc) else None
        return mapping_hint(value, written)

    def _bool_hint(self, path: tuple) -> str:
        return bool_hint(self.doc.written(*path) if isinstance(self.doc, YamlDoc) else None)

    def _rename_hint(self, text: str) -> str:
        """``kebab_hint`` for a file's own ``id:``, whose id is its file name: when that name is no kebab-case
        id either (``Kafka_Lag.md``), the id offered alone was then "must equal the file name 'Kafka_Lag':
        write id: Kafka_Lag", the id just refused (found adopting Recur): the file is to be renamed too."""
        from pathlib import PurePath

        file = PurePath(self.relpath)
        ascii_ids = accented_ids(text)
        if ascii_ids and not KEBAB.match(file.stem):  # the file is named for the id: renamed with it
            free = [rid for rid in ascii_ids if not self.id_file(rid)]
            if not free:
                return "; ids are ASCII: " + rename_advice(self.relpath, ascii_ids[0], self.id_file(ascii_ids[0]))
            other = f" (or {free[1]})" if len(free) > 1 else ""
            renamed = file.with_name(f"{free[0]}{file.suffix}").as_posix()
            return f"; ids are ASCII: write id: {free[0]}{other} and rename the file to {renamed}"
        meant = id_from_title(text, longest=None)
        if not meant or KEBAB.match(file.stem) or odd_characters(text):
            return kebab_hint(text)
        return "; " + rename_advice(self.relpath, meant, self.id_file(meant))

    def _missing(self, key: str, schema: dict) -> str:
        """What "is required" says of a key missing from the front matter: what to write (it said no more, at
        the first key's line, the id's: found adopting Recur). A path's or an incident's title is no failure
        (a path with none was told "<the failure, ...> to the the path file": found in review)."""
        part = self.part if self.part.startswith("the ") else f"the {self.part}"
        return f"is required: add {key}: {_value_to_write(key, schema)} to {part}"

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)

    def mapping(self, value, schema: dict, path: tuple = (), label: str = "") -> dict:
        """Validate ``value`` against ``schema``; returns cleaned values for the known keys."""
        name = label or self.part
        if not isinstance(value, dict):
            # a path's .yml has no front matter: the whole file was called that
            whole = "front matter" if self.part == "front matter" else "file"
            what = f"must be a mapping of keys to values, not {kind_of(value)}"
            if value is None and not label:  # "not nothing" (found by a KB author): say it is empty, and what it needs
                needed = [k for k, rule in schema.items() if rule.required]
                what = f"is empty: it needs {', '.join(needed[:-1])} and {needed[-1]}" if len(needed) > 1 else what
            self.error(path, label or whole, what + (_placed_hint(value, schema, label) if label else ""))
            return {}
        if schema is PATH_STEP and label and (said := _step_as_key(value)):
            self.error(path, label, said)  # one error at the step: it was "pattern: is required" and "unknown key"
            return {}
        out: dict = {}
        # a required key missing and a slip of it there ("severty:"): one error at the slip, not two messages
        slips = {meant_key(k, schema) for k in value if k not in schema} - set(value)
        for key, rule in schema.items():
            dotted = f"{label}.{key}" if label else key
            if key not in value or _is_empty(value[key]):
                if rule.kind == "mapping" and value.get(key) == {} and (needed := _required(rule.schema)):
                    # `imported: {}` is a mapping missing its keys, not a key left out: said as one missing them
                    self.error(path + (key,), dotted, f"is empty: it needs {' and '.join(needed)}")
                elif rule.required and key not in slips and key in value:
                    # what to write, as for a missing key ("symptoms: []" said no more; found writing a KB)
                    write = "" if label else f": write {key}: {_value_to_write(key, schema)}"
                    self.error(path + (key,), dotted, "must not be empty" + write)
                elif rule.required and key not in slips and label:
                    self.error(path, dotted, "is required")
                elif rule.required and key not in slips:  # at the front matter's start, not at its first key
                    self.problems.append(Problem(self.relpath, 1, dotted, self._missing(key, schema)))
                continue
            cleaned = self.value(value[key], rule, path + (key,), dotted, siblings=schema)
            if cleaned is not None:
                out[key] = cleaned
        for key in value:
            if key not in schema:
                self._unknown_key(key, value, schema, path, f"{label}.{key}" if label else str(key), name)
        return out

    def _unknown_key(self, key, value: dict, schema: dict, path: tuple, dotted: str, name: str) -> None:
        """A key the format does not define is kept and warned of. A team's own field (`team_slack:`)
        never fails, not even --strict: the KB format says "warn, don't fail" so that a team can add
        fields, and the CI `recur init` writes runs check --strict (it failed on one: found in review).
        A key close to one the format has is most likely a slip of it (`symtoms:`): --strict fails on
        that one, which names the key meant."""
        meant = meant_key(key, schema) or meant_due(key, value, schema)
        line = self.doc.line(*(path + (key,)))
        items = [n for n, rule in schema.items() if rule.kind == "records" and _dash_key({key: 0}, rule.schema or {})]
        if items:  # "steps:" then "-pattern: x" at its column: YAML read a key of the file, and no steps
            message = f"{_dash_hint(str(key), value[key])}, indented under {items[0]}:"
            self.problems.append(Problem(self.relpath, line, dotted, message))
        elif not path and str(key) in self.own:  # declared in recur.yml: the team's, meant, and said nowhere
            return
        elif meant and schema[meant].required and meant not in value:  # "severity: is required" said here, once
            message = f"unknown key in {name}: did you mean '{meant}'? ({meant} is required, and there is none)"
            self.problems.append(Problem(self.relpath, line, dotted, message))
        elif meant:
            message = f"unknown key in {name}: did you mean '{meant}'? (kept, not used)"
            self.problems.append(Problem(self.relpath, line, dotted, message, "warning", code=UNUSED_SLIP))
        elif home := _outdented_from(key, value, schema):  # "due:" below a fix: that has none: a slip
            message = f"unknown key in {name}: {_outdented(key, home, self.doc.line(*(path + (home,))))}"
            self.problems.append(Problem(self.relpath, line, dotted, message, "warning", code=UNUSED_SLIP))
        elif home := _home_of(str(key), schema):  # "due:" at the top of a pattern: most likely fix's
            # a team's own "status:" on incidents is as likely: --strict does not fail on it either
            message = (
                f"unknown key in {name}: {key} is a key of {home}; if it is {home}'s, write it under it, "
                f"'{home}: {{{key}: ...}}' (kept, not used; a key of your own: --strict does not fail on it)"
            )
            self.problems.append(Problem(self.relpath, line, dotted, message, "warning", strict=False))
        elif section := _section_key(str(key), schema):  # "summary:" was "a key of your own" alone
            message = (
                f"unknown key in {name}: {section} (kept, not used; a key of your own: --strict does not fail on it)"
            )
            self.problems.append(Problem(self.relpath, line, dotted, message, "warning", strict=False))
        else:
            near = _near_home(key, value, schema)  # "due_date:" beside a fix: with no due
            message = f"unknown key in {name}{near} (kept, not used; a key of your own: --strict does not fail on it"
            message += f"{self._declare_hint(key, path)})"
            self.problems.append(Problem(self.relpath, line, dotted, message, "warning", strict=False))

    def _declare_hint(self, key, path: tuple) -> str:
        """How to stop the warning of a team's own top-level key: declare it in recur.yml's ``own_keys``. The
        warning came every run, and nothing said a key could be declared (found re-reading own_keys). None for a
        nested key, or a key of the format's records, which own_keys cannot take (``declarable``)."""
        if path or self.own_file is None:
            return ""
        kind = self.own_kind
        if declarable(str(key)) and not (kind and self.own_mapped):
            return f"; to stop this warning, list it in {self.own_file}'s own_keys"
        if kind is not None and declarable(str(key), kind):  # another record type's key, or the mapping form's
            return f"; to stop this warning, list it in {self.own_file}'s own_keys under {kind}"
        return ""

    def value(self, value, rule: Field, path: tuple, dotted: str, siblings: dict | None):
        """``value`` checked against ``rule``, cleaned (None when wrong); ``siblings``, the schema it is a
        key of, names where a value of another key was meant to go (``status: done`` on a pattern)."""
        kind = rule.kind
        if kind in ("str", "kebab", "ident"):
            return self.scalar(value, kind, path, dotted)
        if kind == "enum":
            text = self.scalar(value, "str", path, dotted)
            if text is not None and text not in rule.choices:
                meant = close_names(text, rule.choices, n=1) or _said_otherwise(text, rule.choices)
                hint = f" (did you mean {meant[0]}?)" if meant else _value_home(text, siblings or {})
                hint = _instead(text, rule) or hint  # "wont-do" is close to "done": not what was meant
                self.error(path, dotted, f"must be one of {', '.join(rule.choices)}, not {text!r}{hint}")
                return None
            return text
        if kind == "date":
            return self.date_value(value, rule, path, dotted)
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                hint = _minutes(value, dotted)  # "45m": the number to write
                self.error(path, dotted, f"must be a whole number of 0 or more, not {show_value(value)}{hint}")
                return None
            if rule.maximum is not None and value > rule.maximum:
                self.error(path, dotted, f"must be at most {rule.maximum}, not {value}")
                return None
            return value
        if kind == "list" or (kind == "ids" and isinstance(value, list)):
            return self.list_value(value, rule, path, dotted)
        if kind == "ids":  # one id, or a list of them (a pattern split in two): always a list once read
            text = self.scalar(value, rule.item, path, dotted)
            return None if text is None else [text]
        if kind == "mapping":
            return self.mapping(value, rule.schema, path, dotted)
        if kind == "texts":
            return self.texts(value, path, dotted)
        if kind in ("records", "flags"):
            return self.records(value, rule, path, dotted)
        raise AssertionError(f"unknown field kind {kind}")

    def date_value(self, value, rule: Field, path: tuple, dotted: str):
        """A date field's value, or None and an error saying what to write (a warning for a ``lenient`` key's)."""
        if rule.lenient:
            return self.lenient_date(value, path, dotted, rule.doc.removeprefix("extension: "))
        parsed = iso_date(value)
        if parsed is None:
            self.error(path, dotted, f"must be a date like 2026-01-31, not {show_value(value)}{iso_hint(value)}")
        elif not in_range(parsed):
            self.error(path, dotted, f"must be a date from {RANGE}, not {parsed.isoformat()}")
            return None
        return parsed

    def lenient_date(self, value, path: tuple, dotted: str, rule_doc: str):
        """A date of a ``lenient`` key (``retired:``), or None and a warning: a value that is no date, the team's own
        use of the key before Recur read it (``retired: true``, ``"Q3 2026"``), is kept, not used, and never fails
        --strict; one that was meant as a date (``2026-13-01``, ``12/19/2026``, a year out of range) fails it."""
        parsed = iso_date(value)
        if parsed is not None and in_range(parsed):
            return parsed
        hint = "" if parsed is not None else iso_hint(value)
        meant = bool(hint) or parsed is not None  # a date meant: a slip, which --strict fails on
        what = f"a date from {RANGE}, {parsed.isoformat()}" if parsed else f"a date (YYYY-MM-DD), {show_value(value)}"
        message = f"not {what}; kept, not used{hint}"
        if not meant:  # a key of the team's own: what Recur reads it as, and how to keep theirs
            message += f" (Recur reads {dotted}: as {rule_doc}; a key of your own: rename it)"
        self.problems.append(Problem(self.relpath, self.doc.line(*path), dotted, message, "warning", strict=meant))
        return None

    def texts(self, value, path: tuple, dotted: str) -> dict | None:
        """A mapping whose keys are the writer's (a section's heading), text to text: no schema of its own."""
        if not isinstance(value, dict):
            self.error(path, dotted, f"must be a mapping of keys to values, not {kind_of(value)}")
            return None
        texts = {str(k): self.scalar(v, "str", path + (k,), f"{dotted}.{k}") for k, v in value.items()}
        return {k: v for k, v in texts.items() if v is not None}

    def list_value(self, value, rule: Field, path: tuple, dotted: str):
        if isinstance(value, str) and value[:1] in LOOKALIKE_DASHES:  # "– a" lines: YAML read one text
            dash = value[0]
            what = f"U+{ord(dash):04X} {LOOKALIKE_DASHES[dash]}, where a list item's '-' (a hyphen) is meant"
            self.error(path, dotted, f"must be a list: its items start with {what}, so YAML read one text: type '- '")
            return None
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            written = self.doc.text_lines(*path) if isinstance(self.doc, YamlDoc) else None
            value = (self.doc.numbers.get(path) if isinstance(self.doc, YamlDoc) else None) or value  # as written
            self.error(path, dotted, "must be a list" + list_hint(value, written))
            return None
        if not isinstance(value, list):
            self.error(path, dotted, f"must be a list, not {kind_of(value)}")
            return None
        items = []
        for i, item in enumerate(value):
            cleaned = self.scalar(item, rule.item, path + (i,), f"{dotted}[{i}]")
            if cleaned is not None:
                items.append(cleaned)
        if len(items) < rule.min_items and len(items) == len(value):
            self.error(path, dotted, f"needs at least {plural(rule.min_items, 'item')}")
        return items

    def records(self, value, rule: Field, path: tuple, dotted: str):
        """A list of mappings (follow_ups, steps, ...); ``flags`` items may also be plain strings."""
        kind = rule.kind
        if not isinstance(value, list):
            dashed = _dash_key(value, rule.schema or {})
            if dashed is not None:  # "-pattern: x", the first step or every one: YAML read a mapping
                self.error(
                    path + (dashed,), dotted, f"must be a list, not a mapping: {_dash_hint(dashed, value[dashed])}"
                )
                return None
            self.error(path, dotted, f"must be a list, not {kind_of(value)}{_items_hint(value, rule.schema or {})}")
            return None
        out = []
        for i, item in enumerate(value):
            if kind == "flags" and isinstance(item, bool):  # "- yes": not "must be a mapping" (found in review)
                what = "must be a string or a mapping, not true/false" + self._bool_hint(path + (i,))
                self.error(path + (i,), f"{dotted}[{i}]", what)
                continue
            if kind == "flags" and isinstance(item, (str, int, float)) and not isinstance(item, bool):
                if self._number_changed(item, path + (i,), f"{dotted}[{i}]"):
                    continue
                text = str(item).strip()
                if not text:
                    self.error(path + (i,), f"{dotted}[{i}]", "must not be empty")
                elif text := self.plain_text(text, path + (i,), f"{dotted}[{i}]"):
                    out.append({"text": text, "status": "open"})
                continue
            if kind == "flags" and isinstance(item, dict) and not set(item) & set(rule.schema):  # "- a: b" unquoted
                what = "must be a string or a mapping of text, status and note, not another mapping"
                self.error(path + (i,), f"{dotted}[{i}]", what + self._mapping_hint(item, path + (i,)))
                continue
            before = len(self.problems)
            rec = self.mapping(item, rule.schema, path + (i,), f"{dotted}[{i}]")
            if not any(p.is_error for p in self.problems[before:]):
                rec["_line"] = self.doc.line(*(path + (i,)))
                out.append(rec)
        return out

    def scalar(self, value, kind: str, path: tuple, dotted: str):
        if kind in ("kebab", "ident") and isinstance(value, dict):
            self.error(path, dotted, _id_mapping(value))
            return None
        if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
            self.error(
                path,
                dotted,
                f"must be a string, not {kind_of(value)}"
                + (self._bool_hint(path) if isinstance(value, bool) else self._mapping_hint(value, path)),
            )
            return None
        if self._number_changed(value, path, dotted):
            return None
        text = str(value).strip()
        if not text:
            self.error(path, dotted, "must not be empty")
            return None
        if kind == "kebab" and not KEBAB.match(text):
            what = f"must be a kebab-case id (lowercase words joined by '-'), not {quoted(text)}"
            what += self._rename_hint(text) if dotted == "id" else kebab_hint(text)
            self.error(path, dotted, what)
            return None
        if kind == "ident" and not INCIDENT_ID.match(text):
            self.error(
                path,
                dotted,
                f"must be an id of letters, digits, '.', '_' or '-', not {quoted(text)}{odd_characters(text)}",
            )
            return None
        return self.plain_text(text, path, dotted)

    def _number_changed(self, value, path: tuple, dotted: str) -> bool:
        """An unquoted value YAML read as a number whose digits differ from what was written: an error
        with the quoted text (``0x80070005`` became 2147942405, ``0042`` 34, ``1.10`` 1.1, ``12:30`` 750:
        a signal that could never match, a ticket number changed, and `recur check` said nothing;
        found in review). A number that reads back as written (``7``, ``2026``) is text as it is."""
        written = self.doc.numbers.get(path) if isinstance(self.doc, YamlDoc) else None
        if written is None or isinstance(value, bool) or str(value) == written.strip():
            return False
        self.error(
            path,
            dotted,
            f"must be a string, not a number (YAML reads {written} as the number {value}: quote it, "
            f"{yaml_string(written)})",
        )
        return True

    def plain_text(self, text: str, path: tuple, dotted: str) -> str | None:
        """``text`` without control characters, with a warning when it held one; None (an error)
        when nothing else is left. Every front-matter value is one line (free text is a section): a
        control character in it is an escape sequence (a coloured log line pasted as a signal, a
        title that clears the screen of whoever runs `recur report`) or mojibake, never text. YAML
        refuses them raw, so it is written as an escape ("\\e", "\\u001b"), which is valid YAML and
        was accepted before: a warning (``--strict`` fails on it) keeps the record, and taking them
        out keeps them off every page, index and terminal."""
        found = None if self.controls else control_character(text, LINE_SPACING)
        if not found:
            return text
        at, ch = found
        cleaned = without_controls(text).strip()
        what = f"has the control character U+{ord(ch):04X} at character {at} (a terminal escape sequence or other non-text)"
        if not cleaned:
            self.error(path, dotted, f"{what} and nothing else: write the text")
            return None
        self.warn(path, dotted, f"{what}: taken out ({cleaned!r} is used); remove it")
        return cleaned


UNUSED_SLIP = "unused-slip"  # the code of the warning of a key that is a slip of one the format has


def is_unused_slip(problem) -> bool:
    """``problem`` is the warning of a key that looks like a slip of one the format has (``followups:``,
    ``Due:`` in a follow-up): the record is kept, but what the key holds is not read. Told by its code,
    not its message, so the message can be reworded."""
    return problem.code == UNUSED_SLIP


def meant_key(key, schema: dict) -> str | None:
    """The key of ``schema`` that ``key``, which it does not have, is most likely a slip of ("severty",
    "symtoms", "Tags"), or None. A key that is one of the format's (or its singular) and a word of its
    own joined by ``_`` or ``-`` (``created_by``, ``title_de``, ``symptom_notes``, ``primary-owner``) is a
    team's key, which the KB format says to keep and warn of, never fail: it was taken for a slip of
    ``created``, and --strict failed on valid content (found by a pattern author)."""
    close = difflib.get_close_matches(str(key).lower(), list(schema), n=1, cutoff=0.75)
    return close[0] if close and not _team_key(str(key), close[0]) else None


def _team_key(key: str, meant: str) -> bool:
    """Whether ``key`` is the format's key ``meant`` (or its singular) with a word of its own before or after
    it, ``_`` or ``-`` between: a key of the team's own, named for the format's it goes with."""
    words = re.split(r"[_-]", key.lower())
    names = {meant.lower(), meant.lower().removesuffix("s")}
    return any("_".join(words[:n]) in names or "_".join(words[n:]) in names for n in range(1, len(words)) if all(words))


# what a due date is called besides `due` (a tracker's field, a postmortem's column): not close enough to
# `due` for meant_key, and read as a team's own key, the report left the follow-up with no due date
DUE_NAMES = ("deadline", "target", "target_date", "eta", "due_date", "due_by", "due_on", "due_at", "duedate")


def meant_due(key, mapping: dict, schema: dict, *, by_value: bool = True) -> str | None:
    """ "due" when ``key``, unknown to ``schema`` (a follow-up, a review, a fix), holds its due date under
    another name: a mapping with no `due` of its own, and a key named as a due date is (DUE_NAMES, `Due
    date`; `by` and a name close to `due`, `dew`, with a digit in the value: `by: alice` is an owner, `dev:
    true` a team's flag), or any key whose value is a date where `due` is the only date key (a
    follow-up's, a review's; a fix has `done` too, so only the names there). A date in a key of the
    team's own beside a `due` is theirs: nothing is then missing from the report. ``by_value`` False: by
    its name alone (a key at the top of a record, beside the mapping: its dates are the record's own)."""
    rule = schema.get("due")
    if rule is None or rule.kind != "date" or "due" in mapping:
        return None
    name = re.sub(r"[^a-z0-9]+", "_", str(key).lower()).strip("_")
    numeric = not isinstance(mapping[key], bool) and any(c.isdigit() for c in str(mapping[key]))
    close = name == "by" or difflib.get_close_matches(name, ["due"], n=1, cutoff=0.6)
    if name in DUE_NAMES or (close and numeric):
        return "due"
    if not by_value:
        return None
    # the format's own date keys: a follow-up's `done` (an extension, added after this rule) leaves a date
    # under another name read as its due date, as before; a fix's `done` is the format's, and ambiguous
    dates = [k for k, r in schema.items() if r.kind == "date" and not r.doc.startswith("extension")]
    return "due" if dates == ["due"] and iso_date(mapping[key]) is not None else None


def meant_severity(value, levels, framework: dict | None = None) -> str:
    """ " (did you mean sev2?)" for a slip of one of the framework's ``levels`` ("sev22", "Sev2"), or "":
    not sev1 for sev9, which is no slip but a level the framework does not have. A level's name written
    for its key (``severity: Critical``, as a team says it) is said with the key to write: it was
    "unknown severity 'Critical'" alone (found adopting Recur for a team). ``framework`` (key ->
    SeverityLevel) gives the names when ``levels`` is a list of keys. A level by its number or a priority
    (``severity: 2``, ``P2``, ``severity 2``) is said with the framework's level of that number, as
    `recur new pattern --severity 2` and `recur incident new -s P2` read it: the file had no hint where
    the command took the same text (found by a first-time pattern author)."""
    from recur.kb.incident_record import numbered_level  # it imports this module

    framework = levels if isinstance(levels, dict) else (framework or {})
    folded = str(value).strip().casefold()
    named = [key for key, level in framework.items() if key in levels and str(level.name).casefold() == folded]
    if len(named) == 1:
        return f" ({value!r} is the name of {named[0]}: write {named[0]})"
    numbered = numbered_level(list(levels), value)
    if numbered is not None:
        return f" (did you mean {numbered}?)"
    meant = close_names(str(value), levels, n=1, cutoff=0.8)
    return f" (did you mean {meant[0]}?)" if meant else ""


def _minutes(value, dotted: str) -> str:
    """For a count of minutes written as a duration (``duration_minutes: 45m``, ``1h 30m``): the number to
    write, "; write 90"; it was "must be a whole number" alone (found adopting Recur for a team). Else ""."""
    found = _DURATION.fullmatch(value.strip().lower()) if isinstance(value, str) else None
    if not dotted.endswith("minutes") or not found or not (found["h"] or found["m"]):
        return ""
    total = float(found["h"] or 0) * 60 + int(found["m"] or 0)
    return f"; write {int(total)} (the minutes, a number alone)" if total == int(total) else ""


def list_hint(value, written: tuple[str, list[str]] | None) -> str:
    """How to write as a list a value YAML read as one text: "(write it as [db, postgres, pool] or as '- db',
    '- postgres', '- pool' lines)". Its items are the lines it was written over (``written``: a ``|`` or ``>``
    block's, as ``YamlDoc.text_lines`` gives them), else its sentences, else a list of names split at its
    commas, else the text alone; each quoted where YAML needs it, and the ``[...]`` form offered only when
    it reads back as those items. On one line, whatever the text: a ``|`` block of two lines was printed
    over four, its line breaks raw (in JSON an embedded \\n), a ``>`` block or a paragraph was split at its
    commas, and ``[value]`` broke on a ", " or ": " in it (found by a new pattern author)."""
    style, lines = written or ("", [])
    # a line may be an item written "- a" inside the block, or end in a comma ("db," then "postgres")
    items = [i for i in ((ln[2:].strip() if ln.startswith("- ") else ln).rstrip(",") for ln in lines) if i]
    if len(items) < 2:
        items = _text_items(str(value))
    shown = ", ".join(f"'- {_item_written(item)}'" for item in items)
    flow = _flow_written(items)
    offered = f"[{flow}] or as {shown} lines" if flow is not None else f"{shown} lines"
    block = f", and a {style} block is one text" if style else ""
    return f"{block} (write it as {offered})"


def _text_items(text: str) -> list[str]:
    """The items one line of text most likely is: its sentences ("Pool exhausted. Requests hang."), else
    its comma-separated names ("db, postgres, pool": none of more than three words), else the text."""
    text = " ".join(text.split())
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if s]
    if len(sentences) > 1:
        return sentences
    names = [item.strip() for item in text.split(",")]
    if len(names) > 1 and all(names) and all(len(name.split()) <= 3 for name in names):
        return names
    return [text]


def _item_written(item: str) -> str:
    """``item`` as a ``- item`` line writes it: plain when YAML reads that back as the text, else quoted
    ("waiting: for a db", "#5 fails", "yes")."""
    return item if reads_as(f"- {item}", [item]) else yaml_string(item)


def _flow_written(items: list[str]) -> str | None:
    """The items of a ``[...]`` list, when YAML reads it back as ``items``; else None (a ", " splits an item,
    a ": " makes a mapping of one, a "]" ends the list)."""
    flow = ", ".join(items)
    return flow if reads_as(f"[{flow}]", items) else None


def kebab_hint(text: str) -> str:
    """What is odd in an id that is no kebab-case id (a look-alike character), else the id it most likely
    is (``Disk-Full``, ``disk_full``: "did you mean 'disk-full'?"), else ""."""
    ascii_ids = accented_ids(text)
    if ascii_ids:
        return "; ids are ASCII: write " + " (or ".join(repr(i) for i in ascii_ids) + ")" * (len(ascii_ids) - 1)
    odd = odd_characters(text)
    if odd:
        return odd
    named = _file_named(text)
    if named:
        return named
    meant = id_from_title(text, longest=None)
    return f"; did you mean {meant!r}?" if meant and meant != text else ""


# German's letters as German writes them in ASCII ("Auflösung" as "Aufloesung"), beside id_from_title's base letters
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def accented_ids(text: str) -> list[str]:
    """The ASCII ids an id written with accented Latin letters (or ß) is meant as, the German spelling first:
    'dns-auflösung-fehlgeschlagen' -> ['dns-aufloesung-fehlgeschlagen', 'dns-auflosung-fehlgeschlagen'] (the
    second `recur new`'s, id_from_title). [] for an id with no such letter, or with another character outside
    ASCII: a look-alike (Cyrillic 'о', U+2011) is typed again (odd_characters). Found in review: such an id
    was told "not ASCII: type it again", the advice for a look-alike, with no id that would do."""
    text = unicodedata.normalize("NFC", text)
    odd = [ch for ch in text if not ch.isascii()]
    if not odd or not all(ch.isalpha() and "LATIN" in unicodedata.name(ch, "").split() for ch in odd):
        return []
    ids = [id_from_title(text.translate(_UMLAUTS), longest=None), id_from_title(text, longest=None)]
    return [i for n, i in enumerate(ids) if i and i not in ids[:n]]


# A record's file, path or page where its id goes: a path's step written "disk-full.md" or copied from the
# site's address bar was "did you mean 'disk-full-md'?", an id no file has.
_RECORD_FILE = re.compile(r"\.(md|html?|ya?ml)$", re.IGNORECASE)


def _file_named(text: str) -> str:
    """ "; did you mean 'disk-full'? (...)" for a file name, a path or a link of a record, else "". A Windows path's
    backslashes part its folders as '/' does: '..\\network\\dns-failure.md' was "did you mean 'network-dns-failure'?"."""
    where = re.split(r"[?#]", text.strip().replace("\\", "/"), maxsplit=1)[0].rstrip("/")
    name = where.rsplit("/", 1)[-1]
    ext = _RECORD_FILE.search(name)
    if not ext and "/" not in where:
        return ""
    meant = id_from_title(name[: ext.start()] if ext else name, longest=None)
    if not meant:
        return ""
    drop = " and ".join(x for x in ("the folder" if "/" in where else "", ext.group() if ext else "") if x)
    return f"; did you mean {meant!r}? (an id is the name of its file or page alone, without {drop})"


def _items_hint(value, schema: dict) -> str:
    """For one text where a list of mappings goes (``steps: disk-full``): the item it most likely is, written
    as one (``- pattern: disk-full``); "must be a list, not a string" named no form."""
    first = next((k for k, rule in schema.items() if rule.required), None)
    if not isinstance(value, str) or first is None or "\n" in value.strip():
        return ""
    return f": write each item as '- {first}: ...' on its own line ('- {first}: {value.strip()}')"


def _dash_key(value, schema: dict):
    """The first key of mapping ``value`` written as a list item with no space after its dash
    (``-pattern``, a key of ``schema`` behind a '-'), or None."""
    keys = [k for k in value if isinstance(k, str) and k[:1] == "-"] if isinstance(value, dict) else []
    return next((k for k in keys if k[1:].strip() in schema), None)


def _dash_hint(key: str, written) -> str:
    """Why ``-pattern: x`` is no list item, and the line meant. The docs promised it is said so; only a
    second step written so was (a YAML error there), the first or every one was "must be a list, not a
    mapping", naming no dash."""
    shown = f"{key[1:].strip()}: {written}" if isinstance(written, (str, int, float)) else f"{key[1:].strip()}:"
    return f"'{key}' has no space after its dash, so YAML read a key, not a list item; write '- {shown}'"


def _section_key(key: str, schema: dict) -> str | None:
    """What a top-level ``key`` of a pattern or an incident naming a section of its body (``summary:``,
    ``root_cause:``) is told: the section is where that text goes (a team's own key still: not failed)."""
    if schema is PATTERN:
        whose, sections = "a pattern's", PATTERN_SECTIONS
    elif schema is INCIDENT:
        whose, sections = "an incident's", ("Summary",)
    else:
        return None
    named = " ".join(re.split(r"[\s_-]+", key.strip())).casefold()
    section = next((s for s in sections if s.casefold() == named), None)
    return section and f"{whose} {section.lower()} is its body's '## {section}' section, not a key: write it there"


def _home_of(key: str, schema: dict) -> str | None:
    """The one mapping of ``schema`` that has ``key`` (``due`` is fix's in a pattern), or None."""
    homes = [name for name, rule in schema.items() if rule.kind == "mapping" and key in (rule.schema or {})]
    return homes[0] if len(homes) == 1 else None


def _outdented_from(key, value: dict, schema: dict) -> str | None:
    """The mapping of ``schema`` that ``key`` (unknown to ``schema``) was most likely outdented from: its one
    home (``_home_of``: ``due`` is fix's), written in ``value`` without that key, as a mapping or empty
    (``fix:`` then its keys at the top). A ``due:`` below such a fix: is all but certainly its due date:
    passed as a team's own key, the fix had no due date, `check --strict` passed and `report --fail-on
    overdue` missed the fix (found by a pattern author). A value the home's key does not allow (an
    incident's own ``status: resolved`` beside a review:) is the record's own key, as is one beside a
    mapping that has the key already, or with no such mapping."""
    home = _home_of(str(key), schema)
    written = (value.get(home) or {}) if home else None
    if not home or home not in value or not isinstance(written, dict) or key in written:
        return None
    rule = schema[home].schema[key]
    return home if rule.kind != "enum" or str(value[key]) in rule.choices else None


def _outdented(key, home: str, home_line: int) -> str:
    """The end of the message of a key outdented from mapping ``home`` (``_outdented_from``). A slip of a key
    the format has, as ``tgas:``: a warning --strict fails on, not an error: the pattern stays searchable,
    and `recur report` names the key as not read (``unread_slips``), which fails its gate."""
    return (
        f"{key} is a key of {home}, and the {home}: at line {home_line} has no {key}: indent it under {home} "
        "(kept, not used)"
    )


def _near_home(key, value: dict, schema: dict) -> str:
    """ ": did you mean 'fix: {due: ...}'?" for a key at the top of a record close to a key of one of its
    mappings written there without it (``due_date:``, ``ticket:`` beside a fix:), else "". Only a hint:
    ``target:`` or ``eta:`` beside a fix: may be a team's own (`meant_due` takes them for a due date), and
    is hinted at only with a digit in its value (``target: web`` is no date)."""
    dated = not isinstance(value[key], bool) and any(c.isdigit() for c in str(value[key]))
    for home, rule in schema.items():
        inner = value.get(home) or {}
        if rule.kind != "mapping" or home not in value or not isinstance(inner, dict):
            continue
        keys = rule.schema or {}
        meant = meant_key(key, keys) or (dated and meant_due(key, {**inner, key: value[key]}, keys, by_value=False))
        if meant and meant not in inner:
            return f": did you mean '{home}: {{{meant}: ...}}'?"
    return ""


def _value_home(text: str, schema: dict) -> str:
    """Where a value allowed by a key of one of ``schema``'s mappings goes, as a message's end
    (``status: done`` on a pattern: fix's status), or ""."""
    for name, rule in schema.items():
        for sub, inner in (rule.schema or {}).items() if rule.kind == "mapping" else ():
            if inner.kind == "enum" and text in inner.choices:
                return f" ({text!r} is a value of {name}.{sub}: '{name}: {{{sub}: {text}}}')"
    return ""


def _placed_hint(value, schema: dict, label: str) -> str:
    """Where a value written for a mapping goes (``fix: done``: ``fix: {status: done}``): the key of
    ``schema`` whose allowed values have it, or its date key when it is a date and there is one; else
    the mapping's keys. "must be a mapping of keys to values, not a string" said neither."""
    name = label.rsplit(".", 1)[-1]
    text = str(value).strip() if isinstance(value, (str, int, float)) and not isinstance(value, bool) else None
    first = next(iter(schema))
    if label.endswith("]"):  # "- fix the pool" in follow_ups: an item is a mapping, its first key the text
        return f" (an item holds {', '.join(schema)}: '- {first}: {text if text else '...'}')"
    if text is None:
        return f" ({name} holds {', '.join(schema)})"
    keys = [k for k, rule in schema.items() if rule.kind == "enum" and text in rule.choices]
    dates = [k for k, rule in schema.items() if rule.kind == "date"]
    if not keys and len(dates) == 1 and iso_date(text):
        keys = dates
    if len(keys) == 1:
        return f": {text!r} is a value of {label}.{keys[0]}; write it as '{name}: {{{keys[0]}: {text}}}'"
    return f" ({name} holds {', '.join(schema)}: '{name}: {{{first}: ...}}')"


def kind_of(value) -> str:
    """What a YAML value is, in a message's words: "nothing", "true/false", "a mapping", ..."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return "a number"
    return "a string"


def show_value(value) -> str:
    """A value as a message says it: a string or a number as written, anything else by its kind (``kind_of``)."""
    # a number is shown as written: "not a number" for -5 or 20260304 said the opposite of the fault
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    text = repr(value) if isinstance(value, str) or number else kind_of(value)
    return text if len(text) < 60 else text[:57] + "..."
