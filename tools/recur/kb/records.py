"""What a knowledge base holds: typed records for patterns, incidents, paths, severity levels
and eval cases, and the KB that groups them. ``kb.load_kb`` builds them from files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from recur.kb.schema import OPEN_FIX
from recur.util.errors import RecurError


def _line_of(lines: dict, path: tuple) -> int:
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return lines.get((), 1)


def _section(name: str) -> property:
    """A read-only attribute for one ``## name`` section's Markdown ("" when absent)."""
    return property(lambda self: self.sections.get(name, ""), doc=f"The ## {name} section (Markdown).")


@dataclass
class Fix:
    status: str = "open"
    owner: str | None = None
    due: dt.date | None = None
    done: dt.date | None = None
    tickets: list = field(default_factory=list)


def recurred_after_fix(fix: Fix | None, day: dt.date, *, reopened: bool) -> bool:
    """Whether an incident of ``day`` came after the permanent fix ``fix`` was done, "the fix did not hold": its
    ``done:`` day is before ``day`` (an incident the same day is not after it) and the fix is marked done, or, with
    ``reopened``, open or in progress again keeping that ``done:`` day. The one rule of the board's
    ``recurrence_after_fix`` (``reopened=True``: the report goes on listing a reopened fix's recurrences) and of the
    warning when an incident is linked (``kb.pattern_fix.fix_not_held``, ``reopened=False``: reopen it, it says, so
    not of one reopened already); each wrote its own comparison. No ``done:`` day (or no fix): never."""
    if fix is None or fix.done is None or not fix.done < day:
        return False
    return fix.status == "done" or (reopened and fix.status in OPEN_FIX)


@dataclass
class Pattern:
    id: str
    title: str
    category: str
    severity: str
    symptoms: list
    relpath: str  # relative to the KB root, POSIX style
    signals: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    services: list = field(default_factory=list)
    status: str = "active"
    owner: str | None = None
    fix: Fix | None = None
    related: list = field(default_factory=list)
    distinguish: list = field(default_factory=list)  # [{"from": id, "by": text}]
    created: dt.date | None = None
    imported: dict | None = None  # extension: {source, sha256} of a draft written by recur import
    superseded_by: list = field(default_factory=list)  # extension: the ids that replaced it, when retired
    retired_on: dt.date | None = None  # extension: the day it was retired (its ``retired:``), None when not written
    sections: dict = field(default_factory=dict)  # heading -> Markdown text
    runbook: list = field(default_factory=list)
    evidence: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # unknown front-matter keys, kept as written
    lines: dict = field(default_factory=dict)  # key path or ("## Section",) -> file line
    # a pattern read with errors of its own (KB.unloaded_patterns): the keys and "## Section"s an error is
    # at, whose checks are left to it (a field with an error is not read: "has no signals" would be false)
    unread: frozenset = frozenset()

    def line(self, *path) -> int:
        return _line_of(self.lines, path)

    summary = _section("Summary")
    root_cause = _section("Root cause")
    permanent_fix = _section("Permanent fix")
    detection = _section("Detection")

    @property
    def import_draft(self) -> bool:
        """A draft `recur import` wrote (its runbook a TODO) that no person has promoted yet: it never
        counts as a match for another import, and search rates it at most medium (search.IMPORT_DRAFT)."""
        return self.status == "draft" and bool(
            self.imported or "Imported from postmortem" in self.sections.get("References", "")
        )


def draft_mark(item: dict) -> str:
    """The mark after a pattern's title wherever it is listed (`recur suggest`, `recur incident new` and
    `link`, MCP): ``item`` a search result, or any dict with its ``import_draft`` and ``draft``. One text for
    all: `incident new` listed an import's draft, its runbook a TODO, as an ordinary match (found in review)."""
    if item.get("import_draft"):
        return " [DRAFT: imported, not yet reviewed]"
    return " [DRAFT]" if item.get("draft") else ""


def successors(patterns: dict, pattern_id: str, keep=None) -> list:
    """The patterns ({id: Pattern}) that replaced a retired one, in the order written: its ``superseded_by``,
    a successor that is retired too followed to its own (A -> B -> C gives C). [] when none is named or
    every way ends in a retired pattern naming none, an unknown id or a cycle (`recur check` says so).
    ``keep(id)``: whether an id with no pattern is listed all the same, in its place (the site names a
    successor whose file has errors rather than dropping it)."""
    out: list = []
    seen = {pattern_id}
    todo = list(patterns[pattern_id].superseded_by) if pattern_id in patterns else []
    while todo:
        pid = todo.pop(0)
        p = patterns.get(pid)
        if pid in seen or p is None:
            if p is None and pid not in seen and keep is not None and keep(pid):
                seen.add(pid)
                out.append(pid)
            continue
        seen.add(pid)
        if p.status == "retired":
            todo[0:0] = p.superseded_by  # its successors in its place, so the written order holds
        else:
            out.append(pid)
    return out


def credited(patterns: dict, incidents):
    """(incident, pattern it counts for, the retired id it names or None) for each of ``incidents``, in their
    order, as "seen before" counts (``KB.inherited_incidents``): an incident naming a retired pattern that patterns
    in use replaced (``successors``, chains followed; a split's each) counts for those, under the id it names, and
    one naming both that id and its successor counts once, as the successor's own. A retired pattern nothing in use
    replaced keeps its own. The one rule of the recurring lists, the open fixes' counts, recurrence after a fix and
    the warning when an incident is linked (``kb.pattern_fix.fix_not_held``):
    they counted by the id named, one board giving a renamed pattern 5 incidents in one table and 2 in another."""
    heirs: dict = {}  # pattern id -> its successors in use when it is retired (once per id, not per incident)
    for i in incidents:
        counted: dict = {}  # pattern counted -> the retired id it is counted under, None for its own
        for pid in dict.fromkeys(i.patterns):
            if pid not in heirs:
                p = patterns.get(pid)
                heirs[pid] = successors(patterns, pid) if p is not None and p.status == "retired" else []
            for target, old in [(s, pid) for s in heirs[pid]] or [(pid, None)]:
                if old is None or target not in counted:
                    counted[target] = old
        for target, old in counted.items():
            yield i, target, old


# the Latin letters a handle spells without their stroke or dot or as two letters; no "ß": casefold made it "ss"
# already. Turkish's dotless ı, Maltese's ħ and Sámi's ŧ were kept: "Işık Yılmaz" was no alias of @isik-yilmaz
_LATIN_PLAIN = {"ł": "l", "ø": "o", "đ": "d", "æ": "ae", "œ": "oe", "ı": "i", "ħ": "h", "ŧ": "t"}


def owner_key(name: str) -> str:
    """One owner however written: "Bob", "bob" and "@bob" (a tracker's mention) are the same, and "Noor  Ahmed"
    (a run of spaces) is "noor ahmed" (the board's owners, `recur report --owner`; record_incident's retry check,
    in kb, so here). The one rule: the board's own collapsed the spaces and this did not, so the --fail-on gate
    refused `--owner "Noor  Ahmed"` as an owner no record names while the board listed Noor Ahmed's items.
    A Latin letter's accents are folded ("Zoë Müller" is "zoe muller", the handle "@zoe-muller" a mention writes
    is its own, ``problems.board.owner_aliases``): they were two owners where "Noor Ahmed" and "@noor-ahmed" were
    one. Only a mark on a letter a-z: one that makes another letter of its script (か and が, и and й) is kept,
    so two names never become one. The mark is read on the whole name, decomposed (NFKD), after the letter it
    follows: "İlker" casefolds to i + a lone dot above (U+0307), which a letter-by-letter reading kept, "İlker Çelik"
    and "Ilker Celik" two owners. The Latin letters with no mark to drop (ł, ø, đ, æ, œ, ı, ħ, ŧ) are spelled as a handle
    spells them: "Łukasz Żak" is "@lukasz-zak"'s."""
    import unicodedata

    parts, base = [], ""
    for c in unicodedata.normalize("NFKD", name.strip().lstrip("@").casefold()):
        if unicodedata.combining(c) and "a" <= base <= "z":
            continue  # é, ễ (two marks), e + U+0301 typed apart, İ's dot: e, i
        base = c if not unicodedata.combining(c) else base
        parts.append(_LATIN_PLAIN.get(c, c))
    folded = unicodedata.normalize("NFC", "".join(parts))  # が, й, 한 as written: their marks are kept
    return " ".join(folded.split())


@dataclass
class Review:
    level: str
    status: str
    due: dt.date | None
    done: dt.date | None = None  # extension: the day it was held (None: not recorded)
    owner: str | None = None  # extension: who holds it (None: not recorded)


@dataclass
class FollowUp:
    title: str
    status: str = "open"
    owner: str | None = None
    due: dt.date | None = None
    ticket: str | None = None
    done: dt.date | None = None  # extension: the day it was done (None: not recorded)
    resolution: str | None = None  # extension: ``wont-do`` on one closed undone (status done)


def status_words(f: FollowUp) -> str:
    """A follow-up's status as every surface shows it: done with ``resolution: wont-do`` is "won't do"
    (closed, not done); an open one is open whatever its resolution (the board counts it open)."""
    return "won't do" if f.status == "done" and f.resolution == "wont-do" else f.status


@dataclass
class Flag:
    text: str
    status: str = "open"
    note: str | None = None
    done: dt.date | None = None  # extension: the day it was done (None: not recorded)


@dataclass
class Incident:
    id: str
    title: str
    date: dt.date
    severity: str
    relpath: str
    patterns: list = field(default_factory=list)
    services: list = field(default_factory=list)
    duration_minutes: int | None = None
    review: Review | None = None
    follow_ups: list = field(default_factory=list)
    flags: list = field(default_factory=list)
    triage: list = field(default_factory=list)  # extension: fields holding placeholders from recur import
    imported: dict | None = None  # extension: {source, sha256, date_from}
    candidates: list = field(default_factory=list)  # extension: [{id, rank, confidence, score, title, why}]
    sections: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)
    lines: dict = field(default_factory=dict)

    def line(self, *path) -> int:
        return _line_of(self.lines, path)

    summary = _section("Summary")

    @cached_property
    def text(self) -> str:
        """What it says, in its reporter's words, on one line: its title, then its Summary's plain text,
        unless the Summary only says the title again (`recur incident new` with no description, an
        import of a postmortem with no summary: each writes the title there). The one place this is
        made: the index's incident view (a suggestion's why), its lexical text and the tuning data.
        "incident: CoreDNS timeouts. CoreDNS timeouts" was a suggestion's why (found in review).
        Made once per record (each index build read it twice per incident, plain() parsing the Markdown
        each time): a loaded record's title and sections are not changed after load_kb builds it."""
        from recur.util.text import plain

        title, summary = plain(self.title), plain(self.summary)
        same = " ".join(summary.split()).casefold().rstrip(" .") == " ".join(title.split()).casefold().rstrip(" .")
        return self.title if same or not summary else f"{self.title}. {summary}"


@dataclass
class PathStep:
    pattern: str
    why: str | None = None
    line: int = 0


@dataclass
class OnboardingPath:
    id: str
    title: str
    relpath: str
    audience: str | None = None
    steps: list = field(default_factory=list)
    lines: dict = field(default_factory=dict)
    order: int | None = None  # extension: its place in the site's list of paths (lowest first)

    def line(self, *path) -> int:
        return _line_of(self.lines, path)


@dataclass
class SeverityLevel:
    key: str
    name: str
    review: str
    review_within_days: int | None = None

    def asks(self, within: bool = True) -> str:
        """The review this level asks for, in words: "no review", "a full review within 10 days"."""
        if self.review == "none":
            return "no review"
        days = f" within {self.review_within_days} days" if within and self.review_within_days is not None else ""
        return f"a {self.review} review{days}"


@dataclass
class EvalCase:
    """A retrieval case: a query and the pattern ids that answer it, most central first.
    ``source`` says where it came from (eval/cases.yml, a held-out symptom, a linked incident)."""

    query: str
    expect: list
    line: int = 0
    source: str = ""
    expect_lines: tuple = ()  # the file line of each expected id (a problem names it, not the case's first line)
    index: int | None = None  # its position in the file (invalid entries before it are not cases but count)


@dataclass
class KB:
    root: Path
    patterns: dict = field(default_factory=dict)
    incidents: dict = field(default_factory=dict)
    paths: dict = field(default_factory=dict)
    severity: dict = field(default_factory=dict)  # key -> SeverityLevel, in file order
    # every key severity.yml declares, a level with errors of its own too: a record's severity is
    # checked against them, so a sev9 is reported in the same run as the framework's own errors
    severity_declared: list = field(default_factory=list)
    cases: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    # every id seen in a file, even one with errors, so cross-references don't cascade
    pattern_files: dict = field(default_factory=dict)  # id -> [relpath, ...]
    incident_files: dict = field(default_factory=dict)
    signature: dict | None = None  # loader.files_signature as the KB was read (what an index records)
    content: str | None = None  # loader.content_digest of those files, as read then (an index and a site record it)
    file_digests: dict | None = None  # {name: loader.file_digest} of each of those files, as read then (the index's)
    # those files' bytes as load_kb read them for ``content`` ({KB-relative name: bytes}): the loader
    # takes each from here, so a file is opened once; emptied when the load ends
    read_ahead: dict = field(default_factory=dict, repr=False, compare=False)
    # {shown path: text} of every file the loader read and decoded, when load_kb was asked to keep them
    # (``keep_texts``: `recur check`, whose lint reads the records' text again); None when not kept
    texts: dict | None = field(default=None, repr=False, compare=False)
    id_lines: dict = field(default_factory=dict)  # shown path -> the line of its `id:` (duplicate ids name it)
    # (file, field, line, pattern id) named by records left out for errors of their own: checked too,
    # so an unknown id is reported in the same run as those errors, not after they are fixed
    unloaded_refs: list = field(default_factory=list)
    # onboarding paths left out for errors of their own (no steps kept; title and order when valid): a title or
    # an order another path has is said in the same run as those errors (check.path_list_problems)
    unloaded_paths: list = field(default_factory=list)
    # images beside the patterns and incidents (loader.ATTACHMENT_SUFFIXES), KB-relative POSIX paths:
    # the site copies them to the same place, so a pattern's ![graph](graph.png) shows there
    attachments: list = field(default_factory=list)
    # id -> [shown path] of record files in the wrong place or named .MD: each has its own error, and a
    # reference to its id is not one more (not in pattern_files: a copy there is no duplicate of the right one)
    misplaced: dict = field(default_factory=dict)
    # the shown path of each pattern file not in a category folder: an error, and left out, but its content is
    # checked as a pattern's all the same (its body by lint: links, code fences), so every mistake shows in one run
    misplaced_files: list = field(default_factory=list)
    # patterns and incidents valid on their own whose id a record read before has (a duplicate id): left
    # out of everything built from the KB as before, but `recur check` checks them against their own
    # file, so a broken `related` in the second copy is said now, not once the duplicate is gone
    shadowed_patterns: list = field(default_factory=list)
    shadowed_incidents: list = field(default_factory=list)
    # patterns with errors of their own, as far as they were read (Pattern.unread: the fields at fault): left
    # out of everything built from the KB, but `recur check` gives them the checks that can run on what was
    # read (authoring warnings, duplicate titles and symptoms), so a mistake is said in the same run as the
    # error, not in the next (an unknown severity hid a duplicate title, a ".*" signal, a one-way related
    # and a vague step; found by a pattern author)
    unloaded_patterns: list = field(default_factory=list)
    # recur.yml's ``own_keys``: a team's own top-level keys (``last_reviewed``), kept and not warned of; every
    # file that had one warned on every run, with no way to say it was meant (found ageing a KB)
    own_keys: frozenset = frozenset()
    # its mapping form's, {record type: keys} (``schema.RECORD_KINDS``' names): a key declared for one type alone
    own_keys_of: dict = field(default_factory=dict)

    @property
    def errors(self) -> list:
        return [p for p in self.problems if p.is_error]

    def all_patterns(self) -> list:
        """Every pattern record read without errors of its own: the KB's, then duplicates of their ids."""
        return [*self.patterns.values(), *self.shadowed_patterns]

    def read_patterns(self) -> list:
        """``all_patterns`` and those left out for errors of their own (``unloaded_patterns``): every pattern
        file `recur check` gives the checks of what was read."""
        return [*self.all_patterns(), *self.unloaded_patterns]

    def all_incidents(self) -> list:
        return [*self.incidents.values(), *self.shadowed_incidents]

    def active_patterns(self) -> list:
        """The patterns a search can answer with: every one but the retired (the index, tuning)."""
        return [p for p in self.patterns.values() if p.status != "retired"]

    def successors(self, pattern_id: str, *, unloaded: bool = False) -> list:
        """``successors`` of this KB's patterns; ``unloaded``: with the ids whose file has errors (known ids
        left out of the KB), in their place."""
        return successors(self.patterns, pattern_id, self.pattern_known if unloaded else None)

    def replaced_by(self, pattern_id: str) -> list:
        """The retired patterns ``pattern_id`` replaced, sorted: those whose ``successors`` (chains followed,
        A -> B -> C gives C both A and B) include it. A split (one retired, two successors) is replaced by each.
        Answered from a map built on the first call: every retired pattern's successors were followed again for
        each pattern asked (the index, the site), 1.2 s at 4,000 patterns with 400 retired (found in review)."""
        kept = self.__dict__.get("_replaced")
        if kept is None or kept[0] is not self.patterns or kept[1] != len(self.patterns):
            table: dict = {}
            for p in self.patterns.values():
                if p.status == "retired":
                    for pid in self.successors(p.id):
                        table.setdefault(pid, []).append(p.id)
            kept = self.__dict__["_replaced"] = (self.patterns, len(self.patterns), table)
        return sorted(kept[2].get(pattern_id, ()))

    def inherited_incidents(self, pattern_id: str) -> list:
        """[(incident, the retired id it names)] of the patterns ``pattern_id`` replaced (``replaced_by``), oldest
        first, each once and none that names ``pattern_id`` itself: its "seen before" counted its own id's alone,
        and a two-year-old KB's db-pool-exhausted said 10 incidents with 5 more under the id it was renamed from
        (found ageing a KB). A split's incidents count for each successor: which half each was is not recorded."""
        own = {i.id for i in self.incidents_for(pattern_id)}
        found: dict = {}
        for old in self.replaced_by(pattern_id):
            for inc in self.incidents_for(old):
                if inc.id not in own and inc.id not in found:
                    found[inc.id] = (inc, old)
        return sorted(found.values(), key=lambda pair: pair[0].date)

    def incidents_for(self, pattern_id: str) -> list:
        """The incidents that name ``pattern_id``, oldest first (a day's in the KB's order), a new list each call.
        Answered from a pattern -> incidents map built on the first call: it scanned every incident per call,
        and lint, the index and anchors ask once per pattern (2.4 s of CPU at 4,000 patterns and 8,000
        incidents, a fifth of `recur check`; found in review)."""
        return list(self._incidents_by_pattern().get(pattern_id, ()))

    def _incidents_by_pattern(self) -> dict:
        """{pattern id: [incident, ...] sorted by date}, kept with the ``incidents`` dict it was built from
        and its size. Nothing changes that dict in place once the loader has filled it (a record writer
        writes the file and the caller reads the KB again; the server reads a changed KB anew), but tuning's
        held-out copy (copy.copy, so it has this KB's map) is given a dict of its own: another dict, or one
        grown or shrunk in place, is mapped again."""
        kept = self.__dict__.get("_by_pattern")
        if kept is not None and kept[0] is self.incidents and kept[1] == len(self.incidents):
            return kept[2]
        table: dict = {}
        for inc in self.incidents.values():
            for pid in dict.fromkeys(inc.patterns):  # named twice, listed once, as `in` found it once
                table.setdefault(pid, []).append(inc)
        for found in table.values():
            found.sort(key=lambda i: i.date)  # stable: a day's incidents stay in the KB's order, as sorted() kept them
        self.__dict__["_by_pattern"] = (self.incidents, len(self.incidents), table)
        return table

    def require_severity(self) -> dict:
        """The severity framework, or a RecurError naming severity.yml when none of its levels can be
        used (each has an error): an incident cannot be recorded without one, and what to fix is there."""
        if self.severity:
            return self.severity
        first = next((p for p in self.errors if Path(p.path).name == "severity.yml"), None)
        where = str(first) if first else "severity.yml"
        raise RecurError(
            f"{where}; so the severity framework has no usable level: fix it first (recur check lists every problem)"
        )

    def broken_severity(self, given) -> str | None:
        """The message for ``given`` when severity.yml declares that key (case aside) but its level
        has errors, so it is not in the framework: says so and quotes the level's first error, which
        is what to fix (it said "unknown severity", as if the key were a typo); else None."""
        want = str(given).strip().lower()
        key = next((k for k in self.severity_declared if k not in self.severity and k.lower() == want), None)
        if key is None:
            return None
        own = (f"levels.{key}", f"levels.{key}.")
        first = next((p for p in self.errors if Path(p.path).name == "severity.yml" and p.field.startswith(own)), None)
        why = f" ({first})" if first else ""
        return f"{key} is defined in severity.yml but that level has errors{why}; fix it there"

    def pattern_known(self, pattern_id: str) -> bool:
        return pattern_id in self.pattern_files or pattern_id in self.misplaced

    def import_drafts(self) -> set:
        """Draft patterns written by recur import and not yet promoted by a person: they never
        count as a match for another import."""
        return {p.id for p in self.patterns.values() if p.import_draft}
