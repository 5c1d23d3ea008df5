"""`recur import` into a record written during the response (`recur incident new`): the postmortem fills in what
the record lacks, and what the responder wrote is kept.

Found in review: a responder recorded INC-2026-0217 while the incident ran; the postmortem, naming it on its
``**Incident:** INC-2026-0217`` line, was imported as a second record, INC-2026-0218, and the weekly report showed
a recurrence that never happened, every follow-up twice. Here the import's own record text (the one it would
write as a new record) is read beside the existing one and merged into it: keys and sections the record has not
are added, follow-ups merged (one with the same title, else the same ticket, is the same follow-up: its empty
fields filled; each of the record's is one item at most), pattern and service lists joined; a value the record holds otherwise is kept and said (but the severity and
date a person gave as flags are set: _Merge.apply). The front matter is
edited as text (``record_edit``), so the responder's layout and comments stay, and read back before the file is
atomically replaced under the folder's edit lock.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from difflib import SequenceMatcher
from pathlib import Path

import yaml

from recur.ingest.postmortem import prose_duration
from recur.kb.incident_record import (
    add_list_item,
    done_before_why,
    find_incident,
    read_front,
    split_front,
    within_limit,
    without_items,
)
from recur.kb.parse import compose, heading_lines, load_yaml, sections_of
from recur.kb.record_edit import add_to_list, drop_value, set_value
from recur.util.dates import iso_date
from recur.util.errors import RecurError
from recur.util.files import editing, write_atomic
from recur.util.text import caseless, one_line

# an incident the postmortem names, as its parse keeps it in References ("- Incident: INC-2026-0217": a labelled
# line, a table's Incident row, a title's "(incident INC-…)"): the label, and the id that is its whole value (a
# bracket, a link's address or a stop after it at most). The id a value opened with was enough, and a References
# line "- Incident: INC-2026-0105 had the same root cause" updated that other record (found in review)
_NAMED = re.compile(
    r"^\s*[-*]\s*(incident(?:\s+(?:id|key|number|no|#|ticket))?)\s*:\s*[\[(`]*\s*([A-Za-z0-9][\w.-]*?)"
    r"(?:\]\([^()\s]*\))?[\])`]*[.,;:!]?\s*$",
    re.I,
)
# the same line with words after the id, set off by a bracket, a dash, a comma or a colon ("INC-2026-0217 (SEV-2)",
# "INC-2026-0217 — checkout 502s"): it names the record when the KB has that id (such a line named nothing, and the
# import wrote a second record of the incident without a word; found in review); "INC-… had the same cause" stays
# a mention
_NAMED_LEAD = re.compile(
    r"^\s*[-*]\s*(incident(?:\s+(?:id|key|number|no|#|ticket))?)\s*:\s*[\[(`]*\s*([A-Za-z0-9][\w.-]*?)"
    r"(?:\]\([^()\s]*\))?[\])`]*\s*(?:[(—–,:]|\s-)\s*.*\w.*$",
    re.I,
)
# what a re-import holds back: a section of the postmortem's that the record has otherwise and keeps no hash of (one
# imported before Recur kept them, or added to the postmortem since; one the import wrote is _section's, and the
# record's own with imported.kept_sha256 _own_section's, held by must_hold);
# not the Summary (the responder's, kept on purpose, docs/problems.md) nor the Action items (merged as follow-ups one by one). Values kept of the record are not: the title, severity, date, a review marked done or a follow-up closed
# since are the record's own (a first list of what to pass over held a review marked done, exit 3 on every run)
_SECTION_HELD = re.compile(
    r"^(?!Summary section |Action items section ).+ section \(the postmortem's differs; not written\)$"
)
# an id of the shape Recur numbers records with: named and not in the KB, it is said (another tool's number is not)
NUMBERED_ID = re.compile(r"INC-\d{4}-\d+")


class FlagRefused(RecurError):
    """A flag given to change the record being updated (--date) that cannot be applied to it: the command line's
    mistake (`recur import` exits 2, a usage error), nothing written."""


@dataclass(frozen=True)
class Named:
    """An incident id the postmortem names (``label``: as written, "Incident"), and whether the KB has it."""

    iid: str
    label: str
    known: bool


def named_incident(pm, kb) -> Named | None:
    """The record the postmortem names on an "Incident:" line (the id alone, or an id the KB has then words, _NAMED_LEAD),
    if the KB has it; else the first id of Recur's
    shape it names (not in the KB: said, and a new record written); None when it names none."""
    missing = None
    for line in pm.sections.get("References", "").splitlines():
        m = _NAMED.match(line)
        if not m:
            lead = _NAMED_LEAD.match(line)
            if lead and (lead.group(2) in kb.incidents or lead.group(2) in kb.incident_files):
                return Named(lead.group(2), lead.group(1), True)
            if lead and missing is None and NUMBERED_ID.fullmatch(lead.group(2)):  # a typo'd id, words after it: said
                missing = Named(lead.group(2), lead.group(1), False)
            continue
        label, iid = m.group(1), m.group(2).rstrip(".")
        if iid in kb.incidents or iid in kb.incident_files:
            return Named(iid, label, True)
        if missing is None and NUMBERED_ID.fullmatch(iid):
            missing = Named(iid, label, False)
    return missing


@dataclass(frozen=True)
class Merged:
    """What merging the import into record ``iid`` changed (``added``) and kept (``kept``: the record holds it
    otherwise), the record's text as written (or as a dry run would write it) and its front matter read."""

    iid: str
    path: Path
    text: str
    added: list
    kept: list
    data: dict
    held: list = ()  # a re-import of the same, edited document: what it says otherwise, kept (exit 3)
    set: list = ()  # the record's values a flag changed (--severity, --date) and the review's that follow them
    kept_mine: list = ()  # the record's sections --keep-record kept over the postmortem's, that would be held
    removed: list = ()  # the sections the postmortem no longer has, taken out of the record (no one edited them)


def merge_into(
    kb, iid: str, ours: str, *, dry: bool, unsaid=frozenset(), given=frozenset(), keep: bool = False, unmarked=None
) -> Merged:
    """Merge ``ours`` (the record text the import would write for ``iid``) into the record ``iid``; written
    atomically under the folder's edit lock unless ``dry`` or nothing is to be added. ``unsaid``: keys ("date",
    "review due") whose value is no postmortem's (a flag's, a default's): the record's kept without a word.
    ``given``: the flags given ("severity", "date", "review_due"): the record's severity and date are set to
    ``ours``'s (the flag's), as a person who typed them means (_Merge.apply). ``keep`` (--keep-record): each
    section that would be held back is kept as the record's own over the postmortem's as it is now
    (_Merge.keep_own). ``unmarked``: the record is this document's whose `imported:` a person took out, why it keeps
    no hash ("INC-….md:8: imported: is null"): its sections are read as the import wrote them, so --into takes the
    postmortem's corrections, as it does of a record no one edited (said, naming the file, line and field)."""
    from recur.kb.loader import display_path, review_defaults

    path = find_incident(kb, iid)
    shown = display_path(path)
    framework = lambda sev, day: review_defaults(kb, sev, day, {})  # noqa: E731
    if dry:
        return _merged(path, shown, ours, unsaid, (given, framework), (keep, unmarked))[0]
    with editing(path.parent, shown):  # read to replace under one lock: no responder's edit lost
        merged, as_written = _merged(path, shown, ours, unsaid, (given, framework), (keep, unmarked))
        if merged.added or merged.set or merged.kept_mine or merged.removed:
            write_atomic(path, as_written(merged.text), overwrite=True)
    return merged


def _merged(path: Path, shown: str, ours: str, unsaid=frozenset(), given=(frozenset(), None), keep=(False, None)):
    front, rest, doc, as_written = read_front(path)
    first = next((line for line in front if line.strip() and not line.lstrip().startswith("#")), "")
    if first.lstrip().startswith(("{", "[")):
        raise RecurError(
            f"{shown}:2: front matter: written as one {{...}} mapping, a layout this tool does not edit; nothing "
            "written: write a line per key as `recur incident new` does, then import again"
        )
    if not isinstance(doc.data, dict):
        raise RecurError(f"{shown}:2: front matter: holds no keys (recur check names the problem); nothing written")
    ours_front, ours_rest = split_front(ours, Path(shown))
    m = _Merge(shown, "\n".join(front), doc.data, "\n".join(ours_front), given[0])
    m.keep, m.unmarked = keep
    if m.unmarked:  # no hash left: each section read as the import wrote it (merge_into)
        m.stored = {caseless(s.title): _digest(s.text) for s in sections_of(rest.split("\n")[1:], 0)}
    m.run()
    m.kept = [k for k in m.kept if not any(k.startswith(f"{u} ") for u in unsaid)]
    m.follow(given[1])
    body = _merged_body(rest, ours_rest, str(doc.data.get("title") or ""), m)
    m.take_duration()
    m.keep_own()
    m.mark_sections()
    m.imported()
    text = within_limit(Path(shown), "\n".join(["---", m.text, body]))  # as a new record is held to it
    return Merged(path.stem, path, text, m.added, m.kept, m.expected, m.held, m.set, m.kept_mine, m.removed), as_written


def _node(mapping, key: str):
    found = [v for k, v in getattr(mapping, "value", []) if isinstance(k, yaml.ScalarNode) and k.value == key]
    return found[-1] if found else None


def _imported_of(data) -> dict:
    """A record's front matter's (``data``) `imported:` mapping, or an empty one: a number, true/false or a string
    written there by hand is no mapping to read keys of (the merge target passed check; this keeps it so)."""
    have = data.get("imported") if isinstance(data, dict) else None
    return have if isinstance(have, dict) else {}


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _shown(value) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return repr(value) if isinstance(value, str) else str(value)


class _Merge:
    """The front matter's merge: ``text`` edited, ``expected`` what it must read as afterwards (checked in
    ``run``), ``added`` and ``kept`` said in the import's report."""

    def __init__(self, shown: str, text: str, theirs: dict, ours: str, given=frozenset()) -> None:
        self.shown, self.text, self.theirs, self.before = shown, text, theirs, text
        self.given, self.set = given, []  # the flags given; the values they changed (apply, follow)
        self.expected = copy.deepcopy(theirs)
        # the hash of each section the import writes (sections_digest): stored only for a section the record's
        # is the import's (mark_sections), never beside a responder's own kept
        self.hashes = _imported_of(load_yaml(ours, offset=1).data).get("sections_sha256") or {}
        ours = drop_value(ours, ("imported", "sections_sha256"), shown) if self.hashes else ours
        self.ours_text, self.ours = ours, load_yaml(ours, offset=1).data
        self.ours_node = compose(ours)
        self.added: list[str] = []
        self.kept: list[str] = []
        self.held: list[str] = []  # of a re-import of the same document: what it says otherwise, kept (imported())
        self.must_hold: list[str] = []  # kept lines held whatever _SECTION_HELD says (a section edited since)
        self.written: set[str] = set()  # the headings of the sections that are (now) the import's
        self.corrected: set[str] = set()  # the headings, caseless, of the sections a correction replaced
        self.sections_was: dict[str, str] = {}  # {heading, caseless: text} of the record's sections before the merge
        self.sections_now: dict[str, str] = {}  # the same of the import's (the postmortem's)
        self.iid = str(theirs.get("id") or Path(shown).stem)
        have, source = theirs.get("imported"), _imported_of(self.ours).get("source")
        self.same_source = isinstance(have, dict) and source is not None and have.get("source") == source
        self.stored = _stored(have) if self.same_source else {}
        # {heading, caseless: hash} of the postmortem's section the record kept its own over (imported.kept_sha256),
        # and what this merge stores of it (_own_section): the first import of the document into the record keeps
        # the responder's Root cause, and every later one held it, exit 3, though the postmortem's was as it was
        own = have.get("kept_sha256") if self.same_source else None
        self.own_stored = {caseless(str(k)): v for k, v in own.items()} if isinstance(own, dict) else {}
        self.own_marks: dict[str, str] = {}
        # {kept line of a section: (the record's heading, the postmortem's heading, the hash of its text)}, for
        # --keep-record (``keep``) to make the sections held the record's own (keep_own), and what it kept
        self.section_of: dict[str, tuple[str, str, str]] = {}
        self.keep, self.kept_mine = False, []
        self.unmarked: str | None = None  # merge_into's: why the record keeps no hash of what the import wrote
        self.removed: list[str] = []  # the sections the postmortem dropped that the record took out (_dropped)
        self.copy_held: list[str] = []  # the follow-ups that keep a value the postmortem says otherwise (_section)
        self.new_titles: list[str] = []  # the titles of the follow-ups the postmortem adds (follow_ups)

    def slice(self, node) -> str:
        return self.ours_text[node.start_mark.index : node.end_mark.index]

    def run(self) -> None:
        for key, value in self.ours.items():
            if key in ("id", "triage"):  # the record's id; its date and severity are the responder's, no placeholder
                continue
            if key == "imported" and not _empty(self.theirs.get(key)):  # bookkeeping, never said: imported()
                continue
            if key == "candidates" and not _empty(self.theirs.get(key)):
                # the search's ranking when the record was written, no word of the postmortem's: a corrected
                # Summary searches otherwise, and the record's were said kept as two dict dumps "to take by hand"
                continue
            if key in ("severity", "date") and key in self.given:
                self.apply(key, value)
            elif key == "follow_ups":
                self.follow_ups(value)
            elif key == "review":
                self.review(value)
            elif isinstance(value, list) and key in ("patterns", "services", "flags"):
                self.join(key, value)
            else:
                self.one(key, value)
        self.check()

    def imported(self) -> None:
        """A record imported from this document before, something added now: its ``imported:`` digest is this
        version's, so a re-import of it is "already imported" (the digest was said as a value kept). Unless
        something the edited version says otherwise was kept (``held``): the digest stays the earlier version's,
        so each run says it, exit 3 (a corrected Root cause was said kept, exit 0, and with a pattern link added
        the digest moved: the next run said "Already imported", the correction hidden for good; found in review)."""
        if not self.re_import():
            return  # imported from another document (--into): its own bookkeeping
        self.held = self.holding()
        if not (self.added or self.set or self.kept_mine or self.removed) or self.held:
            return
        self.text = set_value(self.text, ("imported", "sha256"), self.slice(_node(_node(self.ours_node, "imported"),
                              "sha256")), self.shown)  # fmt: skip
        self.expected["imported"]["sha256"] = self.ours["imported"]["sha256"]
        self.check()

    def re_import(self) -> bool:
        """Whether this is another version of the document the record was imported from: only then is a section
        said otherwise held back (``imported``)."""
        have, ours = self.theirs.get("imported"), self.ours.get("imported")
        if not (isinstance(have, dict) and isinstance(ours, dict) and "sha256" in have):
            return False
        return have.get("source") == ours.get("source") and have.get("sha256") != ours.get("sha256")

    def holding(self) -> list[str]:
        """The kept lines ``imported`` holds back (exit 3)."""
        return [k for k in self.kept if _SECTION_HELD.match(k) or k in self.must_hold] if self.re_import() else []

    def keep_own(self) -> None:
        """--keep-record: each section that would be held back becomes the record's own, kept over the postmortem's
        as it is now (its hash moved into ``imported.kept_sha256``, out of ``sections_sha256``), exit 0; a later
        change of the postmortem's is held again (_own_section). A correction the responder did not want was held,
        exit 3, on every re-import until someone edited the record to match or the hashes by hand: a CI job
        importing postmortems failed for good (found in review)."""
        if not self.keep:
            return
        for line in [k for k in self.holding() if k in self.section_of]:  # each a section's (_SECTION_HELD)
            mine, title, now = self.section_of[line]
            self.own_marks[title] = now
            self.stored.pop(caseless(title), None)  # no longer the import's: mark_sections drops its hash
            self.kept[self.kept.index(line)] = (
                f"{mine} section (kept over the postmortem's as it is now, --keep-record; a later change of it is held)"
            )
            self.kept_mine.append(mine)

    def apply(self, key: str, value) -> None:
        """--severity or --date given: the record's ``key`` set to ``value``, the flag's (it was said "not applied
        with --into", the record's kept, though the person typed it to change it; found in review). A date the
        record cannot take is refused (_refuse_date)."""
        have = self.theirs.get(key)
        if have == value:
            return
        if key == "date":
            self.refuse_date(str(value))
        self.text = set_value(self.text, (key,), self.slice(_node(self.ours_node, key)), self.shown)
        self.expected[key] = copy.deepcopy(value)
        self.set.append(f"{key} {_shown(value)} (was {_shown(have) if have is not None else 'none'}; --{key})")

    def refuse_date(self, value: str) -> None:
        """--date of another year than the record's folder and id (the file would have to move: incidents/<year>/),
        or after a day the record says its review, a follow-up or a flag was closed (`recur check --strict` fails
        such a record): refused, nothing written. A ``done:`` timestamp is the day it is in RECUR_TZ (iso_date, as
        `recur check` reads it): the merge's own date reader took one for no date, and such a --date was written."""
        year = Path(self.shown).parent.name
        if year.isdigit() and not value.startswith(f"{year}-"):
            raise FlagRefused(f"--date {value}: {self.iid} is filed under incidents/{year}/, a year its id names too; "
                              "not applied, nothing written: give a date of that year, or move the record by hand")  # fmt: skip
        review = self.theirs.get("review") if isinstance(self.theirs.get("review"), dict) else {}
        dones = [("review", review.get("done"))] + [
            (what, item.get("done"))
            for what, key in (("follow-up", "follow_ups"), ("flag", "flags"))
            for item in (self.theirs.get(key) if isinstance(self.theirs.get(key), list) else [])
            if isinstance(item, dict)
        ]
        for what, done in dones:
            if (day := iso_date(done)) and (why := done_before_why(what, day, dt.date.fromisoformat(value))):
                raise FlagRefused(f"--date {value}: {self.shown}: {why}; not applied, nothing written")

    def follow(self, framework) -> None:
        """After ``apply``: the review's level and due date that are the severity framework's for the record's
        old severity and date become the new ones' (a level or due date set otherwise is the responder's, kept;
        not the due date with --review-due, nor a review done); before that, the triage placeholders the flags
        given fill are taken out of `triage:` (untriage), whether or not the value changed."""
        given = [k for k in ("severity", "date") if k in self.given]
        self.untriage(given)  # a value typed is no placeholder, though it be the one recorded
        changed = [k for k in given if self.expected.get(k) != self.theirs.get(k)]
        if not changed or framework is None:
            return
        mine = self.expected.get("imported")
        if "date" in changed and self.same_source and isinstance(mine, dict) and mine.get("date_from") != "--date":
            self.text = set_value(self.text, ("imported", "date_from"), '"--date"', self.shown)  # where it was read
            mine["date_from"] = "--date"
        review, days = self.theirs.get("review"), [iso_date(d.get("date")) for d in (self.theirs, self.expected)]
        if isinstance(review, dict) and review.get("status") != "done" and all(days):
            old = framework(str(self.theirs.get("severity")), days[0])
            new = framework(str(self.expected.get("severity")), days[1])
            for sub in ("level",) if "review_due" in self.given else ("level", "due"):
                was, now = _iso(getattr(old, sub)), _iso(getattr(new, sub))
                if review.get(sub) is not None and _iso(review.get(sub)) == was and now not in (None, was):
                    self.text = set_value(self.text, ("review", sub), now, self.shown)
                    self.expected["review"][sub] = now
                    self.set.append(f"review {sub} {now!r} (was {was!r}, the severity framework's for the "
                                    f"{' and '.join(changed)} given)")  # fmt: skip
        self.check()

    def untriage(self, given: list) -> None:
        """The placeholders of ``triage:`` that the flags given filled, taken out of it: the list kept with the
        rest, dropped when they were all. Only the whole list was dropped, and a flag filling one of two was
        said "take it out by hand": `recur check` then warned that the severity typed was a placeholder."""
        triage = self.theirs.get("triage")
        gone = [t for t in triage if t in given] if isinstance(triage, list) else []
        if not gone:
            return
        flags = ", ".join(f"--{t}" for t in gone)
        if rest := [t for t in triage if t not in gone]:
            try:
                self.text = without_items(self.text, rest, gone, self.shown, key="triage")
            except RecurError:  # a layout without_items does not edit
                self.kept.append(f"triage {_shown(triage)} (take {', '.join(gone)} out of it by hand)")
                return
            self.expected["triage"] = rest
        else:
            self.text = drop_value(self.text, ("triage",), self.shown)
            del self.expected["triage"]
        self.set.append(f"triage {_shown(rest) if rest else 'taken out'} (was {_shown(triage)}; {flags})")
        self.check()

    def edited(self, heading: str, text: str) -> bool | None:
        """Whether ``text`` differs from the section ``heading`` the import of this document wrote (the record's:
        edited since; the postmortem's: corrected since): None when the record keeps no hash of it (the section
        is the responder's own, or was imported before Recur kept one)."""
        stored = self.stored.get(caseless(heading))
        return None if not isinstance(stored, str) else _digest(text) != stored

    def mark_sections(self) -> None:
        """The hash of each section the import wrote (or found as it would write it) in the record's
        ``imported.sections_sha256`` of this document, so that a later version's correction is taken while no one
        has edited it; a section kept keeps its hash (an edit the postmortem has not corrected since: equal to
        the postmortem's; a correction held back: the earlier one's). An earlier ``summary_sha256`` goes into it."""
        have, source = self.expected.get("imported"), _imported_of(self.ours).get("source")
        if not (self.hashes and isinstance(have, dict) and have.get("source") == source):
            return
        kept = {
            t: self.stored[caseless(t)] for t in self.hashes if t not in self.written and caseless(t) in self.stored
        }
        marks = {
            t: self.hashes[t] if t in self.written else kept[t] for t in self.hashes if t in self.written or t in kept
        }
        own = {t: h for t, h in self.own_marks.items() if t not in self.written}
        wanted = {k: v for k, v in (("sections_sha256", marks), ("kept_sha256", own)) if v}
        if {k: have[k] for k in _HASH_KEYS if k in have} == wanted:
            return
        self.text = _with_hashes(self.text, have, marks, own, self.shown)
        for key in _HASH_KEYS:
            have.pop(key, None)
        have.update(wanted)
        self.check()

    def take_duration(self) -> None:
        """``duration_minutes`` read from the prose (the Impact, else the Summary) of a section whose correction
        was taken: the corrected text's when the record's is the one the text it replaced says (a corrected Summary
        was taken, "for 53 minutes", and the old text's 52 kept; found in a re-read); another is the responder's,
        kept and said so, as is one the replaced text does not say (_corrected_duration)."""
        fixed = [t for t in ("Impact", "Summary") if caseless(t) in self.corrected]
        ours, have = self.ours.get("duration_minutes"), self.theirs.get("duration_minutes")
        value, line = _corrected_duration(fixed, (ours, have, iso_date(self.ours.get("date"))), self.sections_was,
                                          self.sections_now)  # fmt: skip
        if line is None:
            return
        self.kept = [k for k in self.kept if not k.startswith("duration_minutes ")]
        if value is None:
            self.kept.append(line)
            return
        self.text = set_value(self.text, ("duration_minutes",), str(value), self.shown)
        self.expected["duration_minutes"] = value
        self.added.append(line)
        self.check()

    def check(self) -> None:
        # read back as `recur check` reads it: what was added, and nothing else changed (a key added twice, a
        # value that went into the wrong item), else nothing is written
        doc, before = load_yaml(self.text, offset=1), load_yaml(self.before, offset=1)
        if doc.data != self.expected or len(doc.duplicates) > len(before.duplicates):
            raise RecurError(f"{self.shown}: front matter: could not add the postmortem's fields safely in this layout; "
                             "nothing written: add them by hand")  # fmt: skip

    def put(self, key: str, value) -> None:
        """Add top-level ``key`` (absent or empty in the record) as the import writes it."""
        node = _node(self.ours_node, key)
        if isinstance(node, yaml.SequenceNode) and not node.flow_style:  # follow_ups, candidates: an item a line
            lines = self.text.split("\n")
            for item in node.value:
                lines = add_list_item(lines, key, self.slice(item), Path(self.shown))
            self.text = "\n".join(lines)
        elif isinstance(node, yaml.SequenceNode):  # "patterns: []" filled, or the key added
            self.text = add_to_list(self.text, (key,), [self.slice(v) for v in node.value], self.shown)
        else:
            self.text = set_value(self.text, (key,), self.slice(node), self.shown)
        self.expected[key] = copy.deepcopy(value)

    def one(self, key: str, value) -> None:
        have = self.theirs.get(key)
        if _empty(have):
            self.put(key, value)
            self.added.append(key)
        elif have != value:
            self.kept.append(f"{key} {_shown(have)} (the postmortem's: {_shown(value)}; edit the record to take it)")

    def join(self, key: str, value: list) -> None:
        have = self.theirs.get(key)
        if _empty(have):
            if value:
                self.put(key, value)
                self.added.append(f"{key} {_shown(value)}")
            return
        if not isinstance(have, list):
            self.kept.append(f"{key} {_shown(have)} (not a list; the postmortem's: {_shown(value)})")
            return
        new = [v for v in value if v not in have]
        for v, node in ((v, n) for v, n in zip(value, _node(self.ours_node, key).value) if v in new):
            self.text = "\n".join(add_list_item(self.text.split("\n"), key, self.slice(node), Path(self.shown)))
            self.expected[key] = [*self.expected[key], v]
        if new:
            self.added.append(f"{key} {_shown(new)}")

    def review(self, value: dict) -> None:
        have = self.theirs.get("review")
        if _empty(have):
            self.put("review", value)
            self.added.append("review")
            return
        if not isinstance(have, dict):
            return
        nodes = {k.value: v for k, v in _node(self.ours_node, "review").value}
        for sub, said in value.items():
            now = have.get(sub)
            if said == now or (sub in ("level", "status") and now is None):
                continue
            if now is None and sub in ("owner", "due") and have.get("level") != "none":
                self.text = set_value(self.text, ("review", sub), self.slice(nodes[sub]), self.shown)
                self.expected["review"][sub] = said
                self.added.append(f"review {sub} {_shown(said)}")
            else:
                self.kept.append(f"review {sub} {_shown(now) if now is not None else 'none'} (the postmortem's: "
                                 f"{_shown(said)}){_review_cmd(self.iid, sub, said)}")  # fmt: skip

    def follow_ups(self, value: list) -> None:
        have = self.theirs.get("follow_ups")
        if _empty(have):
            self.put("follow_ups", value)
            self.added.append(f"follow-ups {', '.join(repr(f.get('title')) for f in value)}")
            return
        if not isinstance(have, list):
            return
        nodes = _node(self.ours_node, "follow_ups").value
        new, pairs = [], _same_follow_ups(have, value)
        for i, (item, node) in enumerate(zip(value, nodes)):
            k = pairs.get(i)
            if k is None:
                self.text = "\n".join(
                    add_list_item(self.text.split("\n"), "follow_ups", self.slice(node), Path(self.shown))
                )
                self.expected["follow_ups"].append(copy.deepcopy(item))
                new.append(repr(item.get("title")))
                self.new_titles.append(str(item.get("title") or ""))
            else:
                self.fill_follow_up(k, have[k], item, {k.value: v for k, v in node.value})
        if new:
            self.added.append(f"follow-ups {', '.join(new)}")

    def fill_follow_up(self, k: int, have, item: dict, nodes: dict) -> None:
        """Follow-up ``k`` of the record is the postmortem's ``item``: its empty fields filled, others said."""
        if not isinstance(have, dict):
            return
        title, status = have.get("title"), have.get("status") or "open"
        if caseless(one_line(str(title or ""))) != caseless(one_line(str(item.get("title") or ""))):
            # the record's title kept: the postmortem's Action items, which names it otherwise, would contradict it
            self.copy_held += [str(title)] if str(title) not in self.copy_held else []
            # said as pair_follow_ups paired them: "the same ticket" was said of a title reworded with none
            ticket = caseless(str(item.get("ticket") or ""))
            how = "the same ticket" if ticket and ticket == caseless(str(have.get("ticket") or "")) else "alike"
            self.kept.append(f"follow-up {title!r} title (the postmortem's: {item.get('title')!r}, {how})")
        for field, said in item.items():
            now = have.get(field)
            if field == "title" or said == now or (field == "status" and said == status):
                continue
            # an empty field is filled; a status is the responder's (an open one the postmortem says done: said)
            if now is None and (field in ("owner", "due", "ticket") or (field == "done" and status == "done")):
                self.text = set_value(self.text, ("follow_ups", k, field), self.slice(nodes[field]), self.shown)
                self.expected["follow_ups"][k][field] = said
                self.added.append(f"follow-up {title!r} {field} {_shown(said)}")
            else:
                if now is not None or field == "status":  # the record's value over the postmortem's
                    self.copy_held += [str(title)] if str(title) not in self.copy_held else []
                shown = _shown(now) if now is not None else ("open" if field == "status" else "none")
                self.kept.append(f"follow-up {title!r} {field} {shown} (the postmortem's: {_shown(said)}"
                                 f"{_follow_up_cmd(self.iid, k, field, said)})")  # fmt: skip


def _corrected_duration(fixed: list, values: tuple, was: dict, now: dict) -> tuple[int | None, str | None]:
    """After a corrected Impact or Summary (``fixed``: their headings) was taken into a record: (the
    ``duration_minutes`` to set or None, the line saying it, None when there is nothing to say). ``values``: (the
    postmortem's duration, the record's, the incident's day); ``was``, ``now``: {heading, caseless: text} of the
    record's sections before and of the postmortem's. The postmortem's is taken when it is the corrected prose's and
    the record's is the one the text it replaced says; another is the responder's, kept (said)."""
    ours, have, day = values
    texts = lambda d: {t: d.get(caseless(t), "") for t in ("Impact", "Summary")}  # noqa: E731
    if not fixed or None in (ours, have) or have == ours or prose_duration(texts(now), day) != ours:
        return None, None  # nothing taken, or the postmortem's duration is a field's or a timeline's
    said, which = prose_duration(texts(was), day), " and ".join(fixed)
    if said != have:
        return None, (f"duration_minutes {have} (the corrected {which} says {ours}; the text it replaced said "
                      f"{said or 'none'}, so it may be set by hand: edit the record to take it)")  # fmt: skip
    return ours, f"duration_minutes {ours} (was {have}, as the {which} the correction replaced said)"


def _review_cmd(iid: str, sub: str, said) -> str:
    """How to take the postmortem's value of review ``sub`` over the record's kept one."""
    flag = {"due": f"--due {said}", "owner": f"--owner {said!r}", "done": f"--done --on {said}"}.get(sub)
    if sub == "status" and said in ("done", "pending"):  # a done review the postmortem says pending: --pending
        flag = f"--{said}"
    return f"; recur incident review {iid} {flag} sets it" if flag else ""


def _follow_up_cmd(iid: str, k: int, field: str, said) -> str:
    """How to take the postmortem's value of follow-up ``k``'s ``field`` over the record's kept one."""
    flag = {
        "status": "--done" if said == "done" else "--open" if said == "open" else None,
        "done": f"--done --on {said}",
        "resolution": "--wont-do" if said == "wont-do" else None,
        "owner": f"--owner {said!r}",
        "due": f"--due {said}",
        "ticket": f"--ticket {said}",
    }.get(field)
    return f"; recur incident follow-up {iid} {k + 1} {flag} sets it" if flag else ""


def _same_follow_ups(have: list, value: list) -> dict[int, int]:
    """{index of the postmortem's item: index of the record's follow-up that is it}; an item not in it is new
    (pair_follow_ups, which --keep-record pairs them by too)."""

    def fields(f) -> tuple[str, str]:
        f = f if isinstance(f, dict) else {"title": f}
        return str(f.get("title") or ""), str(f.get("ticket") or "")

    return pair_follow_ups([fields(f) for f in value], [fields(f) for f in have])


# the reworded follow-ups compared title by title, at most: an edit that renamed thousands of them would compare
# each with each (seconds); beyond it only the title and a shared ticket pair them
_PAIRS_MAX = 10_000


def pair_follow_ups(items: list, recorded: list) -> dict[int, int]:
    """{index of the postmortem's item: index of the recorded follow-up that is it}, each a (title, ticket); an
    item not in it is new. Each recorded follow-up is one item at most: the same title first (case and spacing
    aside), then the same ticket when that ticket is on one recorded follow-up alone (three items of one epic,
    PRB-301, became one follow-up, the last item's owner and due: found in review), then a title alike (difflib
    ratio >= 0.8, case aside) unless both have a ticket and the tickets differ. A merge (--into) paired by title and
    ticket, --keep-record by title, ticket and a title alike: one postmortem renaming "Document the runbook" to
    "Document the runbooks" was one follow-up kept, the other a second one added (found in review)."""
    title = lambda f: caseless(one_line(f[0]))  # noqa: E731
    ticket = lambda f: caseless(f[1].strip())  # noqa: E731
    pairs: dict[int, int] = {}
    for i, item in enumerate(items):
        k = next((k for k, f in enumerate(recorded) if k not in pairs.values() and title(f) == title(item)), None)
        if k is not None and title(item):
            pairs[i] = k
    for i, item in enumerate(items):
        same = [k for k, f in enumerate(recorded) if ticket(item) and ticket(f) == ticket(item)]
        if i not in pairs and len(same) == 1 and same[0] not in pairs.values():
            pairs[i] = same[0]
    left = [k for k in range(len(recorded)) if k not in pairs.values()]
    new = [i for i in range(len(items)) if i not in pairs]
    if len(new) * len(left) > _PAIRS_MAX:
        return pairs
    for i in new:
        mine = ticket(items[i])
        fits = [k for k in left if not (mine and ticket(recorded[k]) and ticket(recorded[k]) != mine)]
        alike = [(SequenceMatcher(None, title(items[i]), title(recorded[k])).ratio(), -k) for k in fits]
        ratio, k = max(alike, default=(0.0, 0))  # the first of the most alike
        if ratio >= 0.8:
            pairs[i] = -k
            left.remove(-k)
    return pairs


def _iso(value) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else None if value is None else str(value)


def _flat(text: str) -> str:
    return " ".join(text.split())


def sections_digest(record: str) -> dict[str, str]:
    """The record's ``imported.sections_sha256``: {heading: the hash of its text, its spacing aside} of each
    section of ``record`` (a record's text) but References (whose lines are joined, not replaced). The import
    stores those it wrote, so that a re-import knows a section no one has edited since (a correction taken) from
    one the responder edited (kept while the postmortem's is as it was, held back, exit 3, once corrected)."""
    body = split_front(record, Path("record"))[1].split("\n")[1:]  # after the closing line
    return {s.title: _digest(s.text) for s in sections_of(body, 0) if s.title != "References"}


def _stored(imported: dict) -> dict[str, str]:
    """{heading, caseless: hash} the record's ``imported:`` keeps of the sections the import wrote; the
    ``summary_sha256`` of records imported on 2026-12-06, before each section had one, as the Summary's."""
    marks = imported.get("sections_sha256")
    stored = {caseless(str(k)): v for k, v in marks.items()} if isinstance(marks, dict) else {}
    if isinstance(imported.get("summary_sha256"), str):
        stored.setdefault(caseless("Summary"), imported["summary_sha256"])
    return stored


def _digest(section: str) -> str:
    return hashlib.sha256(_flat(section).encode()).hexdigest()


def _merged_body(rest: str, ours_rest: str, title: str, m: _Merge) -> str:
    """The record's body (``rest``: from its closing ``---`` line on) with the sections of the import's
    (``ours_rest``) it has not added where the postmortem has them (_insert), References' lines joined, and a
    Summary that only says the title (`recur incident new` with no description) given the postmortem's; a section
    it has otherwise kept."""
    lines = rest.split("\n")
    closing, body = lines[0], lines[1:]
    theirs = {caseless(s.title): s for s in sections_of(body, 0)}
    swaps, adds = [], []
    m.sections_was = {k: s.text for k, s in theirs.items()}
    for s in sections_of(ours_rest.split("\n")[1:], 0):
        m.sections_now[caseless(s.title)] = s.text
        have = theirs.get(caseless(s.title))
        if have is None:
            adds.append(s)
            m.added.append(f"{s.title} section")
            m.written.add(s.title)
        elif _flat(have.text) == _flat(s.text):
            m.written.add(s.title)
        elif s.title == "References":
            known = {_flat(ln) for ln in have.text.split("\n")}
            if more := [ln for ln in s.text.split("\n") if ln.strip() and _flat(ln) not in known]:
                swaps.append((have.line, have.text.rstrip("\n") + "\n" + "\n".join(more)))
                m.added.append("References lines")
        else:
            _section(m, have, s, title, swaps)
    drops = _dropped(m, theirs, set(m.sections_now)) if m.same_source else []
    _edit_body(body, swaps, drops)
    while body and not body[-1].strip():
        body.pop()
    order = [caseless(t) for t in m.sections_now]  # the postmortem's headings, in its order
    for s in adds:
        _insert(body, s.title, s.text, order)
    return "\n".join([closing, *body, ""])


# the record's sections a new one never goes after: the import's copy of the follow-ups and the References it writes
# last, which a postmortem's order may put before a section it adds
_TRAILING = (caseless("Action items"), caseless("References"))


def _insert(body: list, heading: str, text: str, order: list) -> None:
    """The section ``heading`` of the postmortem, which the record lacks, into ``body`` (the record's lines after its
    front matter) where the postmortem has it among the record's sections (``order``: the import's headings in its
    order, caseless): after the nearest one before it there that the record has, or with none, before the nearest
    one after it, or with neither, before the record's Action items and References (never after them, unless it is
    one of them). It went at the end, below References (found in review). The record's sections stay where they
    are, its own among them."""
    at = {caseless(h.title): h.line for h in sections_of(body, 0)}
    k = order.index(caseless(heading))
    anchors = at if caseless(heading) in _TRAILING else {t: n for t, n in at.items() if t not in _TRAILING}
    before = [t for t in order[:k] if t in anchors]
    after = [t for t in order[k + 1 :] if t in at] or [t for t in _TRAILING if t in at]
    if before:
        where = next((h for h in heading_lines(body) if h > at[before[-1]]), len(body))
    else:
        where = min((at[t] for t in after), default=len(body))
    if where < len(body):
        body[where:where] = [f"## {heading}", text, ""]
        return
    while body and not body[-1].strip():
        body.pop()
    body += ["", f"## {heading}", text]


def _dropped(m: _Merge, theirs: dict, now: set) -> list[int]:
    """The lines of the record's sections (``theirs``: {heading, caseless: section}) that this postmortem no longer
    has (``now``: its headings, caseless) to take out: each the import wrote and no one has edited since (its hash
    in ``imported.sections_sha256``), said in ``m.removed``. One a person edited, or the record's own, is kept, said,
    its hash dropped (the record's now: a later import leaves it alone). Such a section stayed for good, though the
    record's was the import's copy of a section the postmortem had since dropped (found in review). Not the Action
    items (a copy of the follow-ups, which an import never takes out) nor References (joined line by line)."""
    drops = []
    for k, have in theirs.items():
        if k in now or k in (caseless("Action items"), caseless("References")):
            continue
        if m.stored.get(k) == _digest(have.text):
            drops.append(have.line)
            m.removed.append(f"{have.title} section (the postmortem no longer has it; the record's was the one the "
                             "import wrote, not edited since)")  # fmt: skip
        elif k in m.stored:
            m.kept.append(f"{have.title} section (edited since the import wrote it; the postmortem no longer has it)")
        elif k in m.own_stored:
            m.kept.append(f"{have.title} section (the record's own; the postmortem no longer has it)")
    return drops


def _edit_body(body: list, swaps: list, drops: list) -> None:
    """``body`` (a record's lines after its front matter) with each section at a line of ``swaps`` given the text
    paired with it and each at a line of ``drops`` taken out, heading and all, from the last up."""
    edits = [(at, text) for at, text in swaps] + [(at, None) for at in drops]
    for at, text in sorted(edits, key=lambda e: e[0], reverse=True):
        heads = [h for h in heading_lines(body) if h > at]
        end = heads[0] if heads else len(body)
        if text is None:
            del body[at:end]
        else:
            body[at + 1 : end] = text.split("\n") + ([""] if heads else [])


def _section(m: _Merge, have, s, title: str, swaps: list) -> None:
    """The record's section (``have``) where the postmortem's (``s``) differs: the postmortem's taken when the
    record's is the one the import of this document wrote and no one has edited since (``imported.sections_sha256``;
    a corrected section was kept, exit 0, and dropped for good: found in review), or is a Summary that said the
    title only; one the responder edited since is kept, exit 0, while the postmortem's is still the one the import
    wrote (it corrects nothing: it was held, exit 3, on every run; found in a re-read), and held back, exit 3,
    once the postmortem's differs from it too (not the Action items, merged follow-up by follow-up); a section with
    no hash (the responder's own, or imported before Recur kept one) is kept and said, held as _SECTION_HELD says."""
    edited = m.edited(s.title, have.text)
    if s.title == "Summary" and _flat(have.text).casefold().rstrip(". ") == _flat(title).casefold().rstrip(". "):
        said = "it said the title only"
    elif edited is False and s.title == "Action items" and m.copy_held:  # it would contradict them (_copy_held)
        m.kept.append(_copy_held_line(m.copy_held, "postmortem"))
        _held_copy_rows(m, have, s.text, swaps)
        return
    elif edited is False:
        said = "the postmortem's corrected; the record's was the one the import wrote, not edited since"
        if m.unmarked:  # said in full once: a person's edit replaced was said "Added", the postmortem's corrected
            said = _unmarked_said(m, title)
        m.corrected.add(caseless(s.title))
    elif edited and m.edited(s.title, s.text) is False:
        m.kept.append(
            f"{have.title} section (edited since the import wrote it; the postmortem's has not changed since)"
        )
        return
    elif edited is None and (s.title not in ("Summary", "Action items") or caseless(s.title) in m.own_stored):
        _own_section(m, have, s)  # a Summary in kept_sha256: one --keep-record kept, held again once changed
        return
    else:
        edit = "edited since the import wrote it; " if edited else ""
        m.kept.append(f"{have.title} section ({edit}the postmortem's differs; not written)")
        m.must_hold += m.kept[-1:] if edited and s.title != "Action items" else []
        m.section_of[m.kept[-1]] = (have.title, s.title, _digest(s.text))
        return
    swaps.append((have.line, s.text))
    m.added.append(f"{have.title} section ({said})")
    m.written.add(s.title)


def _unmarked_said(m: _Merge, title: str) -> str:
    """How --into says a section of a record with no `imported:` left (``m.unmarked``) replaced by the postmortem's,
    in full the first time, "as above" after. A record whose title (``title``) is not the postmortem's was the
    responder's before an import merged into it: its section may be the responder's own text, written during the
    incident and kept by that import (a Summary always is), which was said "the postmortem's corrected; … a person's
    edit in it too", though the postmortem corrected nothing and no one edited it (found in a re-read)."""
    if caseless(one_line(title)) == caseless(one_line(str(m.ours.get("title") or ""))):
        return (f"the postmortem's corrected; the record's replaced, a person's edit in it too: {m.unmarked}, so no "
                "hash tells a person's edit from the import's text" if not m.corrected else
                "the postmortem's corrected; the record's replaced, a person's edit in it too, as above")  # fmt: skip
    if m.corrected:
        return "the postmortem's; the record's replaced, whoever wrote it, as above"
    return (f"the postmortem's; the record's replaced, whoever wrote it: the responder's own text an import kept, or "
            f"a person's edit since ({m.unmarked}, so no hash tells which)")  # fmt: skip


def _held_copy_rows(m: _Merge, have, theirs: str, swaps: list) -> None:
    """The record's Action items kept as the import wrote it (``have``: the follow-ups it copies disagree with the
    postmortem's, ``theirs``) given the rows of the follow-ups the postmortem adds (_with_new_rows), so that it still
    lists every follow-up; its hash is the one stored (mark_sections keeps ``m.stored``'s), so it is still the
    import's copy, taken whole once they agree. The new follow-ups reached the front matter and not the table."""
    text = _with_new_rows(have.text, theirs, m.new_titles)
    if text is None:
        return
    swaps.append((have.line, text))
    m.stored[caseless(have.title)] = _digest(text)
    m.added.append(_new_rows_line(m.new_titles, "postmortem"))


def _with_new_rows(mine: str, theirs: str, titles) -> str | None:
    """The Action items ``mine`` (the record's, kept) with the rows of ``theirs`` (the document's, as the import
    writes it) that hold the follow-ups of ``titles`` (those the document adds): each the first line of ``theirs``
    the record's has not that holds the title, with the indented lines under it, put after the record's last line
    of the same kind (a table's ``|`` row, a list's item). None when there is nothing to add or a title's row is
    not found: the record's is then kept as it is."""
    have = {_flat(line) for line in mine.split("\n")}
    lines, rows = theirs.split("\n"), []
    for title in titles:
        want = caseless(one_line(title))
        at = next((i for i, ln in enumerate(lines) if _flat(ln) not in have and want in caseless(ln)), None)
        if not want or at is None:
            return None
        end = next((j for j in range(at + 1, len(lines)) if not lines[j][:1].isspace() or not lines[j].strip()),
                   len(lines))  # fmt: skip
        rows.append(lines[at:end])
    if not rows:
        return None
    out = mine.rstrip("\n").split("\n")
    kind = lambda line: "1" if line[:1].isdigit() else line[:1]  # noqa: E731  (a numbered list's items are one kind)
    for row in rows:
        same = [i for i, ln in enumerate(out) if ln.strip() and kind(ln) == kind(row[0].lstrip())]
        at = same[-1] + 1 if same else len(out)
        while at < len(out) and out[at][:1].isspace() and out[at].strip():  # the last item's own lines first
            at += 1
        out[at:at] = row
    return "\n".join(out)


def _new_rows_line(titles, whose: str) -> str:
    """The words of the rows _with_new_rows added to an Action items copy kept, ``whose``: "document" or
    "postmortem"."""
    return (f"Action items section (the rows of the follow-ups the {whose} adds, {', '.join(map(repr, titles))}; "
            "the rest kept as the import wrote it)")  # fmt: skip


def _own_section(m: _Merge, have, s) -> None:
    """The record's own section (``have``: no hash of the import's) kept over the postmortem's (``s``), as
    _SECTION_HELD holds it, by the hash of the postmortem's it was kept over (``imported.kept_sha256``): stored at
    the document's first import into the record; while the postmortem's is that one, kept, exit 0 (it was held,
    exit 3, on every later import, found in a re-read); once the postmortem's differs, held back, exit 3, the hash
    kept as it was so that each run says it. One with no hash on a re-import (kept before Recur stored it, or
    added to the postmortem since) is held: its text may be new."""
    stored, now = m.own_stored.get(caseless(s.title)), _digest(s.text)
    if stored is None:
        m.kept.append(f"{have.title} section (the postmortem's differs; not written)")
        m.section_of[m.kept[-1]] = (have.title, s.title, now)
        if not m.same_source:  # the first import of this document into the record: nothing to hold
            m.own_marks[s.title] = now
        return
    m.own_marks[s.title] = stored
    if stored == now:
        m.kept.append(f"{have.title} section (the record's own; the postmortem's has not changed since)")
    else:
        m.kept.append(f"{have.title} section (the record's own; the postmortem's changed since; not written)")
        m.must_hold += m.kept[-1:]
        m.section_of[m.kept[-1]] = (have.title, s.title, now)


def review_of(kb, data: dict):
    """The record's review as the KB reads it, from its front matter ``data`` (dates as written)."""
    from recur.kb.loader import review_defaults

    def day(value):
        return (
            dt.date.fromisoformat(value)
            if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value)
            else value
        )

    given = {k: day(v) for k, v in (data.get("review") or {}).items()} if isinstance(data.get("review"), dict) else {}
    return review_defaults(kb, str(data.get("severity")), day(str(data.get("date"))), given)


@dataclass(frozen=True)
class KeptVersion:
    """What --keep-record did to a record of its own (keep_as_imported): the headings of its sections a person edited,
    kept over the document's (``kept``), what the document adds or corrects that it took in (``added``: lines of
    words, as a merge's), and what it kept that needs saying (``said``: a duration the record holds otherwise)."""

    kept: list
    added: list
    said: list = ()
    removed: list = ()  # the sections the document no longer has, taken out (no one edited them): lines of words
    gone: list = ()  # of ``kept``, the headings of the sections a person took out of the record
    unhashed: list = ()  # of ``kept``, those the record keeps no hash of (a record 0.2.0 imported): edited or not


def document_digests(sections: dict[str, str]) -> dict[str, str]:
    """{heading: hash} of the document's ``sections`` ({heading: text} as the import writes them), as
    ``imported.sections_sha256`` and ``kept_sha256`` keep them."""
    from recur.kb.writer import section_text

    return sections_digest("---\n---" + "".join(f"\n\n## {h}\n{section_text(t)}" for h, t in sections.items()))


def seen_digests(imported) -> dict[str, set]:
    """{heading, caseless: hashes} of the document's sections the record has taken in or kept its own over
    (``imported.sections_sha256``, ``kept_sha256``): a section the document still says so is no change of the
    document's, whatever the record holds (a person's edit, or a section --keep-record kept)."""
    if not isinstance(imported, dict):
        return {}
    seen: dict[str, set] = {}
    own = imported.get("kept_sha256")
    for h, mark in [*_stored(imported).items(), *(own.items() if isinstance(own, dict) else ())]:
        seen.setdefault(caseless(str(h)), set()).add(mark)
    return seen


def keep_as_imported(
    kb, iid: str, sections: dict[str, str], digest: str, *, dry: bool, follow_ups=(), duration=None, copy_held=()
) -> KeptVersion:
    """--keep-record of a document imported as record ``iid`` of its own (no Incident: line, no --into) and changed
    since: merged three ways, this version counted as imported (``imported.sha256`` = ``digest``). Each of its
    sections (``sections``: {heading: text} as the import writes them) that the record has otherwise is taken when
    the record's is the one the import wrote (its hash in ``sections_sha256``: no one edited it), as a merge takes
    a correction, with the ``duration`` (minutes) its corrected Summary or Impact says (_corrected_duration); one a
    person edited becomes the record's own, as _Merge.keep_own makes one (its hash in ``kept_sha256``, out of
    ``sections_sha256``): a later `--into` keeps it, a later change of it is held. It kept every section, and a CI
    job passing the flag on every run lost each correction, exit 0 (found in a re-read). What the document adds is
    taken in: a section the record has no hash of (a removed one stays removed) and each of ``follow_ups`` (YAML
    flow text, the items the record has not). It exited 3 on every run until someone set the sha256 by hand.
    ``copy_held``: the titles of the record's follow-ups that keep a value the document says otherwise, whose
    Action items copy is then not taken (_copy_held). Written under the folder's edit lock, atomically; ``dry``:
    nothing written."""
    from recur.kb.loader import display_path

    path = find_incident(kb, iid)
    shown = display_path(path)
    # read to replace under one lock: no responder's edit lost (a dry run takes none, as merge_into's)
    with contextlib.nullcontext() if dry else editing(path.parent, shown):
        front, rest, doc, as_written = read_front(path)
        have = doc.data.get("imported") if isinstance(doc.data, dict) else None
        if not isinstance(have, dict):
            raise RecurError(f"{shown}:2: imported: not a mapping; nothing written")
        body, out = _kept_body(rest, sections, have, copy_held, [_item_title(i) for i in follow_ups])
        lines = front
        for item in follow_ups:
            lines = add_list_item(lines, "follow_ups", item, Path(shown))
        if follow_ups:
            out.added.append(f"follow-ups {', '.join(repr(_item_title(i)) for i in follow_ups)}")
        text = set_value("\n".join(lines), ("imported", "sha256"), json.dumps(digest), shown)
        text = _with_hashes(text, have, out.marks, out.own, shown)
        text = _kept_duration(text, doc.data, out, duration, shown)
        _check_follow_ups(shown, doc.data, text, len(follow_ups))
        if not dry:
            write_atomic(path, as_written("\n".join(["---", text, body])), overwrite=True)
    return KeptVersion(out.kept, out.added, out.said, out.removed, out.gone, out.unhashed)


def _kept_duration(text: str, data: dict, out: _Kept, duration, shown: str) -> str:
    """The front matter ``text`` with the ``duration`` a corrected Summary or Impact that keep_as_imported took
    says, as a merge sets it (_corrected_duration): the Summary's "for 47 minutes" corrected to 52 was taken and
    the record's 47 kept without a word. A duration the record holds otherwise is kept, said (``out.said``)."""
    fixed = [t for t in ("Impact", "Summary") if caseless(t) in out.taken]
    values = (duration, data.get("duration_minutes"), iso_date(data.get("date")))
    value, line = _corrected_duration(fixed, values, out.was, out.now)
    if line is not None:
        (out.said if value is None else out.added).append(line)
    return text if value is None else set_value(text, ("duration_minutes",), str(value), shown)


# imported:'s keys of section hashes: the summary's (records imported before each section had one: read, dropped
# when the hashes are written again, never written), the sections the import wrote, those the record kept its own
_HASH_KEYS = ("summary_sha256", "sections_sha256", "kept_sha256")


def _with_hashes(text: str, have: dict, marks: dict, own: dict, shown: str) -> str:
    """``text`` (a record's front matter) with imported:'s ``sections_sha256`` = ``marks`` and ``kept_sha256`` =
    ``own`` (each left out when empty) in place of the hash keys ``have`` (its imported: as read) holds: the one
    rewrite of them, for a merge (_Merge.mark_sections) and --keep-record (keep_as_imported)."""
    for key in _HASH_KEYS:
        if key in have:
            text = drop_value(text, ("imported", key), shown)
    for key, value in (("sections_sha256", marks), ("kept_sha256", own)):
        if value:
            text = set_value(text, ("imported", key), json.dumps(value), shown)
    return text


def _item_title(item: str) -> str:
    """The title of a follow-up given as YAML flow text."""
    value = yaml.safe_load(item)
    return str(value.get("title")) if isinstance(value, dict) else item


def _check_follow_ups(shown: str, data: dict, text: str, added: int) -> None:
    """The front matter as keep_as_imported edited it read back: the follow-ups it had, and those added."""
    had = data.get("follow_ups") if isinstance(data.get("follow_ups"), list) else []
    now = load_yaml(text, offset=1).data
    if not isinstance(now, dict) or len(now.get("follow_ups") or []) != len(had) + added:
        raise RecurError(f"{shown}:2: follow_ups: in a layout this tool does not edit; nothing written: add them by "
                         "hand (recur incident follow-up ID --add TITLE)")  # fmt: skip


@dataclass
class _Kept:
    """keep_as_imported's sections: the headings kept, what was added, the hashes to store; the headings (caseless)
    of the sections taken, {heading, caseless: text} of the record's before and of the document's, and what was
    kept that needs saying (KeptVersion's ``said``: _kept_duration's)."""

    kept: list
    added: list
    marks: dict
    own: dict
    taken: set
    was: dict
    now: dict
    said: list
    removed: list = dc_field(default_factory=list)
    gone: list = dc_field(default_factory=list)  # the headings kept out of the record: a person took them out
    unhashed: list = dc_field(default_factory=list)  # the headings kept with no hash of the import's text to compare


def _kept_body(rest: str, sections: dict[str, str], have: dict, copy_held=(), new_titles=()) -> tuple[str, _Kept]:
    """The record's body (``rest``) merged three ways with the document's ``sections`` (_kept_section), those it
    adds where it has them (_insert), and the hashes to store: one the record lacks is added unless it has a hash
    of it (a person removed it: kept so); its Action items as they are while follow-ups of ``copy_held`` disagree
    (_copy_held), given the rows of those ``new_titles`` names (the follow-ups the document adds: _with_new_rows)."""
    from recur.kb.writer import section_text

    lines = rest.split("\n")
    record = {caseless(s.title): s for s in sections_of(lines[1:], 0)}
    marks = {str(k): v for k, v in (have.get("sections_sha256") or {}).items()}
    if isinstance(have.get("summary_sha256"), str):  # of records imported before each section had one
        marks.setdefault("Summary", have["summary_sha256"])
    own, hashed = dict(have.get("kept_sha256") or {}), {caseless(str(k)) for k in seen_digests(have)}
    now = {caseless(h): section_text(t) for h, t in sections.items()}
    out, adds, swaps = _Kept([], [], marks, own, set(), {k: s.text for k, s in record.items()}, now, []), [], []
    for h, mark in document_digests(sections).items():
        mine = record.get(caseless(h))
        if mine is None and caseless(h) not in hashed:
            adds.append(h)
            out.marks[h] = mark
            out.added.append(f"{h} section")
        elif _copy_held(out, h, mark, mine, _stored(have), copy_held):
            if (rows := _with_new_rows(mine.text, sections[h], new_titles)) is not None:
                swaps.append((mine.line, rows))
                out.marks = {k: v for k, v in out.marks.items() if caseless(k) != caseless(h)}
                out.marks[h] = _digest(rows)  # still the import's copy: taken whole once the follow-ups agree
                out.added.append(_new_rows_line(new_titles, "document"))
            continue
        elif _kept_section(out, h, mark, mine, _stored(have)):
            swaps.append((mine.line, section_text(sections[h])))
        elif mine is not None and h in out.kept and caseless(h) not in hashed:
            out.unhashed.append(h)  # kept with no hash of the import's text: edited or not, no one can tell
    body = lines[1:]
    _edit_body(body, swaps, _kept_dropped(out, record, {caseless(h) for h in sections}, have))
    while adds and body and not body[-1].strip():
        body.pop()
    for h in adds:
        _insert(body, h, section_text(sections[h]), [caseless(t) for t in sections])
    return "\n".join([lines[0], *body] + ([""] if adds else [])), out


def _kept_dropped(out: _Kept, record: dict, now: set, have: dict) -> list[int]:
    """keep_as_imported's ``_dropped``: the lines of the record's sections (``record``) the document no longer has
    (``now``, caseless) that the import wrote and no one edited since (``have``: the record's imported:), to take
    out; one a person edited, or the record's own, kept and said (``out.said``). Each such hash dropped, a section
    a person had taken out of the record too: the document has none to compare with any more."""
    stored, own = _stored(have), {caseless(str(k)) for k in have.get("kept_sha256") or {}}
    skip = now | {caseless("Action items"), caseless("References")}
    gone = (stored.keys() | own) - skip
    out.marks = {h: v for h, v in out.marks.items() if caseless(h) not in gone}
    out.own = {h: v for h, v in out.own.items() if caseless(h) not in gone}
    drops = []
    for k, mine in record.items():
        if k not in gone:
            continue
        if stored.get(k) == _digest(mine.text):
            drops.append(mine.line)
            out.removed.append(f"{mine.title} section (the document no longer has it; the record's was the one "
                               "the import wrote, not edited since)")  # fmt: skip
        else:
            edited = "a person edited it since the import wrote it" if k in stored else "the record's own"
            out.said.append(f"{mine.title} section ({edited}; the document no longer has it)")
    return drops


def _copy_held(out: _Kept, h: str, mark: str, mine, stored: dict, held: tuple) -> bool:
    """Whether the record's Action items (``mine``), the import's copy no one edited, stays as it is over the
    document's (``h``, its hash ``mark``), said in ``out.said``: while the follow-ups it copies keep values the
    document says otherwise (``held``: their titles), the document's copy would contradict them. It was taken: the
    body said the document's owner, Jo Park, the front matter (the board) the person's, Kim Lee (found in review).
    Its hash stays the import's, so a later version's copy is taken once the follow-ups agree with it."""
    if h != "Action items" or not held or mine is None:
        return False
    now = _digest(mine.text)
    if now == mark or now != stored.get(caseless(h)):
        return False  # the document's already, or a person edited it: _kept_section says which
    out.said.append(_copy_held_line(held, "document"))
    return True


def _copy_held_line(held, whose: str) -> str:
    """The words of an Action items copy kept as the import wrote it (_copy_held), ``whose``: "document" or
    "postmortem"."""
    return (f"Action items section (the one the import wrote: the {whose}'s contradicts the follow-ups it copies, "
            f"which keep values it says otherwise: {', '.join(repr(t) for t in held)})")  # fmt: skip


def _kept_section(out: _Kept, h: str, mark: str, mine, stored: dict) -> bool:
    """The document's section ``h`` (its hash ``mark``) against the record's (``mine``; None: a person removed it),
    its hashes set in ``out``: whether to take the document's text. Taken when the record's is the one the import
    wrote (its hash in ``stored``, sections_sha256: no one edited it), as a merge takes a correction; one a person
    edited is kept, the record's own (kept_sha256), but the Action items, a copy of the follow-ups merged one by
    one, never held: the document's hash in sections_sha256, so it is not said again."""
    out.marks = {k: v for k, v in out.marks.items() if caseless(k) != caseless(h)}
    out.own = {k: v for k, v in out.own.items() if caseless(k) != caseless(h)}
    held = None if mine is None else _digest(mine.text)  # the record's section's hash, taken once
    same = held == mark
    if same or (held is not None and held == stored.get(caseless(h))):
        out.marks[h] = mark  # the document's: a later correction is taken while no one edits it
        if not same:
            out.taken.add(caseless(h))
            out.added.append(f"{h} section (the document's corrected; the record's was the one the import wrote, "
                             "not edited since)")  # fmt: skip
        return not same
    if h == "Action items":
        out.marks[h] = mark
    else:
        out.own[h] = mark
    out.kept.append(h)
    out.gone += [h] if mine is None else []
    return False
