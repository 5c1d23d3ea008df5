"""Problem-management computations: the one implementation behind ``recur report`` and the site.

``board(kb, as_of)`` turns a loaded KB into a JSON-safe dict (dates as ISO strings). It is a
pure function of the KB and the date: no clock, no I/O. Incidents dated after ``as_of`` are
not counted, so a board "as of" a past date does not count what had not happened yet; but one dated
after the later of ``as_of`` and ``today`` (the clock's date, given by the caller, as
``report_board`` gives it; with none, none is) cannot have happened yet, a date typo (``2027-11-30``) or a responder ahead of UTC writing
tomorrow's date: it is listed in ``dated_after`` and its work (review, follow-ups, flags, "needs
analysis", triage) is listed as any incident's, since a due date is a due date, while it stays out of
every count by date (``incidents_30``/``incidents_90``, the recurring lists, trends, a fix's incidents,
recurrence after a fix). It vanished from the board, its overdue follow-up with it (found in review).

``report_board`` is the board as every surface gives it (`recur report`, its JSON and Markdown, MCP's
problem_report, the site): ``board`` with the clock's date, and what it could not count (``not_counted``:
``left_out``, ``unread``). ``Board`` types both, and the keys later steps add (``filtered``, ``more``).

Keys of the returned dict:

- ``as_of``: the date, ISO.
- ``counts``: {reviews_pending, reviews_overdue, follow_ups_open, follow_ups_overdue, follow_ups_no_due,
  fixes_open, fixes_overdue, fixes_no_due, unknown, triage, flags_open, recurrence_after_fix (incidents),
  recurrence_after_fix_patterns (how many patterns those are of), incidents_30, incidents_90, dated_after} —
  headline numbers.
- ``dated_after``: incidents dated after the later of ``as_of`` and ``today`` (see above): {incident,
  title, date, days_ahead, path}; soonest first.
- ``reviews``: incidents whose review is pending (level not ``none``): {incident, title, date, severity,
  level, due, overdue, days_overdue, path, owner (Recur's ``review.owner``: who holds it; null when none is
  recorded), default_owner (with no ``owner``, the ``owner:`` of the pattern the incident counts for, when its
  patterns name one owner, ``pattern_owner``; else null: not counted as the review's owner in ``by_owner`` nor by
  ``--owner``), default_owner_pattern (that pattern's id, else null)}; most overdue first.
- ``follow_ups``: follow-ups open on ``as_of`` (one ``done`` after it, by its ``done`` date, was still
  open then): {incident, title, owner, due, ticket, age_days (since the incident),
  overdue, days_overdue, path, other_dues}; most overdue first, then oldest. ``other_dues``: the
  other due dates the same ticket has on this board ({ticket, due, record}: a pattern's open fix or
  another open follow-up tracked in it, due another day; ``recur check`` warns of it); usually empty.
- ``follow_ups_no_due``: the open follow-ups with no due date, never overdue, so no deadline and no
  gate ever points them out: {incident, title, owner, ticket, age_days, path}; oldest incident first.
- ``fixes_no_due``: the open fixes (rows of ``fixes``) with no due date, never overdue, as
  ``follow_ups_no_due`` for follow-ups: {pattern, title, status, owner, tickets, incidents, age_days, path,
  incidents_inherited};
  oldest first.
- ``fixes``: patterns (not retired) whose permanent fix is ``open`` / ``in-progress`` on ``as_of`` (a fix
  ``done`` after it counts as ``open``; a pattern ``created`` after it is left out): {pattern, title,
  category, status, owner, due, overdue, days_overdue, tickets, incidents (count), last_incident,
  age_days (since the first matched incident or ``created``; null if neither), path, incidents_inherited, other_dues (as
  for follow-ups: the open follow-ups of its tickets due another day)}; its incidents counted as the recurring
  lists count them (``credited``; ``incidents_inherited``: {retired id: how many of them}).
- ``by_owner``: {owner: {follow_ups, follow_ups_overdue, fixes, fixes_overdue, reviews, reviews_overdue}}, by
  owner name (a review's is its ``review.owner``); ``(unowned)`` for none, last. A handle that is a full name the
  KB holds written as a handle (``owner_aliases``) counts under that full name.
- ``owner_aliases``: {handle: full name}, the handles (as ``owner_key`` reads them: "@noor-ahmed": "noor-ahmed")
  that are one of the KB's full names as owners write it, lowercased, its spaces as ``-``, ``_``, ``.`` or none
  ("@noor_ahmed", "@noorahmed": "Noor Ahmed"): the same person, one owner everywhere (``by_owner``, `--owner`).
  Only the handles the KB's owners write (and the board's ``owner``); a handle two full names could be is
  neither's, and no name is guessed from a handle alone.
- ``unknown``: incidents with no known pattern, "needs analysis": {incident, title, date, severity,
  services, age_days, path, candidates, drafts}; newest first. ``candidates`` are the ranked patterns
  ``recur import`` stored for the reviewer ({id, rank, confidence, score, title, why}; may be empty);
  ``drafts``: the drafts ``recur import`` wrote from it and linked, not yet promoted (``status:
  active``), which are no known pattern yet (usually empty).
- ``triage``: incidents whose ``triage:`` lists fields ``recur import`` filled with a placeholder
  (no date or severity in the postmortem): {incident, title, date, severity, fields, path}.
- ``flags``: open "dig into this later" flags: {incident, text, note, date, age_days, severity, path}; newest first.
- ``recurring``: {"30": [...], "90": [...]}: patterns matched by two or more incidents in the last N
  days (``as_of - N < date <= as_of``): {pattern, title, category, count, last, fix, retired,
  superseded_by, incidents_inherited}, counted as "seen before" counts (``tally``: an incident naming a retired
  pattern that patterns in use replaced counts for those, ``incidents_inherited`` {retired id: how many}); most first, at most ``top``, and the rows tied by count with the last of those (a tie is
  not split by id: a pattern with as many incidents as one shown was dropped by its id), at most twice
  ``top`` rows in all (40 patterns tied at two incidents listed 40 rows). ``recurring_more``:
  {"30": n, "90": n}, how many recurring patterns each list leaves out; ``recurring_tied``: {"30": n, "90": n},
  how many of those tie by count with the list's last row (left out by the cap; usually 0). A board built for
  an owner (``owner``) ranks only the patterns whose fix that owner owns, retired ones left out, then cuts.
  ``recurring_owner``: that owner, as ``owner_key`` reads it ("@Bob": "bob"), null for the whole board's
  ranking: the lists do not say whose they are, and ``problems.owner.for_owner`` narrowing a board ranked
  for another kept that one's rows.
  ``fix``: the pattern's permanent fix on ``as_of``, {status,
  owner, due, done (when ``done``), overdue, days_overdue (of an open one; a retired pattern's is never
  overdue)}, or null when it records none. ``retired``: the pattern is ``status: retired`` on ``as_of`` (``patterns_on``; its incidents
  still count); ``superseded_by``: the patterns in use that replaced it, always empty now (kept for readers of
  the key): a retired pattern something in use replaced has no row, its incidents counting for that one.
- ``recurrence_after_fix``: an incident matched a pattern whose fix is ``done`` with a ``done`` date
  before the incident's date — the fix did not hold: {incident, title, pattern, pattern_title,
  fix_done, incident_date, days_after_fix, fix_owner (the fix's owner, else the pattern's: whose fix did not
  hold, as ``recur report --owner`` and MCP's problem_report ``owner`` list it; null when none), path (the
  incident record's, in the KB, as other incident rows have it), fix_reopened (the fix is open or in progress
  again, keeping its ``done`` date: listed, not gated), under (the retired id the incident names, which
  ``pattern`` replaced, ``credited``; null for its own)}; newest first. Every one, since any date: the
  report's own list is ``recurrence_after_fix_by_pattern``.
- ``recurrence_after_fix_by_pattern``: those incidents one row a pattern (``after_fix_by_pattern``), what
  the report, the site's board and MCP's text list: {pattern, pattern_title, fix_done, fix_reopened,
  fix_owner, incidents (how many after the fix), incidents_30 (of those, in the last 30 days),
  incidents_inherited ({retired id: how many}, as the recurring rows have it), first_date, latest (the newest
  incident's id), latest_date, latest_title, latest_days_after_fix, path (the newest incident record's)};
  newest first, by their newest incident. A fix done in 2025 and never reopened was 7 rows of 21, for ever.
- ``retired_undated``: the ids of the retired patterns that record no day they were retired (``retired:``) and that
  a board as of a day before ``today`` takes as retired on it, as they are today (``retired_undated``): a pattern
  retired after ``as_of`` (its ``retired:`` date) is counted as in use on it (``patterns_on``); usually empty.
- ``trends``: {"months": ["YYYY-MM", ...] (the ``months`` months ending with as_of's month),
  "total": [count per month], "by_category": {category: [counts]}, "by_service": {service: [counts]},
  "quarters": [{"quarter": "YYYY-QN", "incidents", "repeats", "needs_analysis"}, ...] (the 8 quarters ending
  with as_of's, oldest first; ``repeats``: incidents of a pattern, counted as the recurring lists count it, that
  had an incident before)}.
  An incident counts once per distinct category of its patterns (``unknown`` when it has none but
  unpromoted import drafts) and
  once per service it lists (``(none)`` when it lists none).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import TypedDict

# owner_key: in kb, where record_incident's retry check reads it; recurred_after_fix and credited: where fix_not_held
# reads them
from recur.kb.records import credited, owner_key, recurred_after_fix, successors
from recur.kb.schema import OPEN_FIX
from recur.util.dates import iso_day, shift
from recur.util.text import plural

UNOWNED = "(unowned)"


def _overdue(due, as_of: dt.date) -> tuple[bool, int]:
    if due is None or due >= as_of:
        return False, 0
    return True, (as_of - due).days


def is_overdue(due, as_of: dt.date) -> bool:
    """Whether an item due ``due`` (None: no due date, never overdue) is overdue on ``as_of``: the board's rule,
    which `recur incident list` asks too (it had its own copy of the comparison)."""
    return _overdue(due, as_of)[0]


def days_overdue(due, as_of: dt.date) -> int:
    """How many days an item due ``due`` is overdue on ``as_of`` (0: not overdue), by the board's rule: `recur show
    INC-…` says it of a review and follow-ups (it had its own copy of the comparison)."""
    return _overdue(due, as_of)[1]


def _month(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def month_range(as_of: dt.date, months: int) -> list[str]:
    """The ``months`` calendar months ending with as_of's month, oldest first, as YYYY-MM."""
    y, m = as_of.year, as_of.month
    out = []
    for _ in range(months):
        out.append(f"{y:04d}-{m:02d}")
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return out[::-1]


def month_so_far(as_of: dt.date) -> str | None:
    """The days of as_of's month counted so far ("Dec 1–3") while that month is still running (the
    chart's last bar and the report's last trend mark count only those days); None on its last day."""
    if (as_of + dt.timedelta(days=1)).month == as_of.month:
        days = "1" if as_of.day == 1 else f"1\u2013{as_of.day}"
        return f"{MONTHS[as_of.month - 1]} {days}"
    return None


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # not the locale's


class Counts(TypedDict):
    """A board's headline numbers (``counts``), each always there; the module docstring says what each counts."""

    reviews_pending: int
    reviews_overdue: int
    follow_ups_open: int
    follow_ups_overdue: int
    follow_ups_no_due: int
    fixes_open: int
    fixes_overdue: int
    fixes_no_due: int
    unknown: int
    triage: int
    flags_open: int
    recurrence_after_fix: int
    recurrence_after_fix_patterns: int
    incidents_30: int
    incidents_90: int
    dated_after: int


class _Computed(TypedDict):
    """The keys ``board`` computes, each always there."""

    as_of: str
    counts: Counts
    reviews: list
    follow_ups: list
    follow_ups_no_due: list
    fixes: list
    fixes_no_due: list
    by_owner: dict
    owner_aliases: dict
    unknown: list
    triage: list
    flags: list
    recurring: dict
    recurring_more: dict
    recurring_tied: dict
    recurring_owner: str | None
    recurrence_after_fix: list
    recurrence_after_fix_by_pattern: list
    trends: dict
    dated_after: list
    retired_undated: list


class Board(_Computed, total=False):
    """The board as it is passed around (the JSON of `recur report --format json`, the site's board.json, MCP's
    problem_report): what ``board`` computes, and the keys a later step adds, each only there once added (the
    renderers ask ``b.get``). A base class with ``total=False``: ``typing.NotRequired`` is Python 3.11's, and Recur
    runs on 3.10."""

    left_out: list  # ``report_board`` (``not_counted``): files with errors, incidents linking no pattern, {path, line, field, message}
    unread: list  # ``report_board`` (``not_counted``): the keys not read that look like a misspelt one, as left_out
    filtered: dict  # ``problems.owner.for_owner``: {owner, spellings, left_out}, the board narrowed to one owner
    more: dict  # ``serve.mcp_board`` with a ``limit``: {list name: how many rows were cut}


# the monthly trend's months by default (`recur report --months N`, at most TREND_MONTHS_MOST: one sparkline mark a
# month, ten years a line of 120; the site's trends page and MCP have the default)
TREND_MONTHS = 12
TREND_MONTHS_MOST = 120
# the recurring lists' windows in days, the board's keys "30" and "90", always there (the renderers read them), the
# site, MCP and a plain `recur report` having no other; `windows` adds to them
RECURRING_WINDOWS = (30, 90)


def board(  # long: seven parameters, one a line (ruff's format); the body is under 60 lines
    kb,
    as_of: dt.date,
    *,
    top: int = 10,
    months: int = TREND_MONTHS,
    today: dt.date | None = None,
    owner: str | None = None,
    windows: tuple = (),
) -> Board:
    """The problem-management board for ``kb`` as of ``as_of`` (the module docstring's keys); ``today``: the clock's
    date, after which an incident cannot have happened yet. ``owner``: the recurring lists rank only the patterns whose
    fix that owner owns (``owned_by``; a retired one's is no one's), among themselves, before the cut (after it, one
    ranked 11th was told nothing of theirs recurred), as ``recurring_owner`` says; the rest is for ``for_owner``.
    ``windows``: the days of recurring lists added to 30 and 90 (`recur report --window 365` a year's), after them
    in the order given, each once: 30 and 90 always, which the renderers read (``windows=(365,)`` alone was a board
    they failed on with a KeyError '30')."""
    as_of = _day(as_of)
    counted = counted_incidents(kb)
    incidents = sorted((i for i in counted if i.date <= as_of), key=lambda i: (i.date, i.id))
    # with no clock date given, none is told from a later incident of a board as of a past date
    ahead_of = max(as_of, today) if today is not None else dt.date.max
    ahead = sorted((i for i in counted if i.date > ahead_of), key=lambda i: (i.date, i.id))
    work = incidents + ahead  # whose reviews, follow-ups and flags are listed: a due date is a due date
    patterns = patterns_on(kb.patterns, as_of)  # a pattern retired after as_of was in use on it
    drafts = kb.import_drafts()  # an import's own draft, not yet promoted, is no analysis: still "unknown"
    reviews, follow_ups = _reviews(work, as_of, patterns, drafts), _follow_ups(work, as_of)
    fixes = _fixes(patterns, incidents, as_of)
    _other_dues(fixes, follow_ups)
    unknown, triage, flags = _unknown(work, as_of, drafts), _triage(work), _flags(work, as_of)
    after_fix, aliases = _after_fix(patterns, incidents), kb_aliases(kb, owner)  # aliases: a handle, its full name
    windows = tuple(dict.fromkeys((*RECURRING_WINDOWS, *windows)))
    recurring, recurring_more, recurring_tied = _recurring(patterns, incidents, as_of, top, owner, aliases, windows)
    counts: Counts = {
        "reviews_pending": len(reviews),
        "reviews_overdue": sum(r["overdue"] for r in reviews),
        "follow_ups_open": len(follow_ups),
        "follow_ups_overdue": sum(f["overdue"] for f in follow_ups),
        "follow_ups_no_due": len(no_due := _no_due(follow_ups)),
        "fixes_open": len(fixes),
        "fixes_overdue": sum(f["overdue"] for f in fixes),
        "fixes_no_due": len(fixes_no_due := _fixes_no_due(fixes)),
        "unknown": len(unknown),
        "triage": len(triage),
        "flags_open": len(flags),
        "recurrence_after_fix": len(after_fix),
        "recurrence_after_fix_patterns": len({r["pattern"] for r in after_fix}),
        "incidents_30": sum(1 for i in incidents if i.date > shift(as_of, -30)),
        "incidents_90": sum(1 for i in incidents if i.date > shift(as_of, -90)),
        "dated_after": len(ahead),
    }
    return {
        "as_of": iso_day(as_of),
        "counts": counts,
        "reviews": reviews,
        "follow_ups": follow_ups,
        "follow_ups_no_due": no_due,
        "fixes": fixes,
        "fixes_no_due": fixes_no_due,
        "by_owner": _by_owner(follow_ups, fixes, reviews, aliases),
        "owner_aliases": aliases,
        "unknown": unknown,
        "triage": triage,
        "flags": flags,
        "recurring": recurring,
        "recurring_more": recurring_more,
        "recurring_tied": recurring_tied,
        "recurring_owner": owner_key(owner) if owner is not None else None,  # for_owner refuses another's
        "recurrence_after_fix": after_fix,
        "recurrence_after_fix_by_pattern": after_fix_by_pattern(after_fix, as_of),
        "trends": _trends(patterns, incidents, as_of, months, drafts),
        "dated_after": _dated_after(ahead, as_of),
        "retired_undated": retired_undated(patterns, incidents, as_of, today),
    }


def patterns_on(patterns: dict, as_of: dt.date) -> dict:
    """The KB's patterns ({id: Pattern}) as they stood on ``as_of``: one retired after that day (its ``retired:``
    date, ``retired_on``) was in use then, ``status: active``, so its incidents count for it and not for what
    replaced it, and its open fix is on the board. A board as of a past date took today's retired status: a pattern
    retired in October had its May incidents counted for a successor written in October, and its fix, open in May,
    was on no list (found in review). A retired pattern with no ``retired:`` date is taken as retired on any day
    (``retired_undated`` names them on a past board)."""
    later = {pid for pid, p in patterns.items() if p.status == "retired" and p.retired_on and p.retired_on > as_of}
    if not later:
        return patterns
    return {pid: dataclasses.replace(p, status="active") if pid in later else p for pid, p in patterns.items()}


def retired_undated(patterns: dict, incidents, as_of: dt.date, today: dt.date | None) -> list[str]:
    """The ids of the retired patterns with no ``retired:`` date that a board as of a past day (``as_of`` before
    ``today``) takes as retired on it, as today, though they may have been in use then: those with an incident by
    ``as_of`` or a fix, which the board counts otherwise. None on today's board, or with no clock date (``today``)."""
    if today is None or as_of >= today:
        return []
    named = {pid for i in incidents for pid in i.patterns}
    return sorted(
        pid
        for pid, p in patterns.items()
        if p.status == "retired" and p.retired_on is None and (pid in named or p.fix is not None)
        if p.created is None or p.created <= as_of
    )


def _day(as_of) -> dt.date:
    """The board's day: a date, a datetime's date; anything else a TypeError (a str failed inside the board,
    comparing it with a date: found using recur as a library)."""
    if not isinstance(as_of, dt.date):
        raise TypeError(f"as_of: a datetime.date, not {type(as_of).__name__} ({as_of!r})")
    return as_of.date() if isinstance(as_of, dt.datetime) else as_of


def counted_incidents(kb) -> list:
    """The incidents the board counts: those the KB kept, but one linking a pattern id no pattern file has (a
    typo, an error of `recur check`), which is left out and named in ``left_out`` as a file with errors is
    (``kb.check.unknown_link_problems``): counted under a pattern that does not exist, it was in no list and no
    gate, and the pattern meant was short of it."""
    return [i for i in kb.incidents.values() if all(kb.pattern_known(pid) for pid in i.patterns)]


def _dated_after(ahead: list, as_of: dt.date) -> list:
    """The incidents dated after the clock's date, soonest first, with how far ahead of ``as_of``."""
    return [
        {
            "incident": i.id,
            "title": i.title,
            "date": iso_day(i.date),
            "days_ahead": (i.date - as_of).days,
            "path": i.relpath,
        }
        for i in ahead
    ]


def report_board(
    kb,
    as_of: dt.date,
    uncounted: tuple | None = None,
    today: dt.date | None = None,
    owner: str | None = None,
    windows: tuple = (),
    since: dt.date | None = None,
    months: int = TREND_MONTHS,
) -> Board:
    """The board as `recur report --format json`, its Markdown, MCP's problem_report and the site give
    it, as of ``as_of`` (``board``'s name, which docs/library.md and its TypeError use: it was ``day``), with
    ``not_counted(kb)``, each file by its path in the KB. ``uncounted``: ``uncounted_problems(kb)`` when the
    caller has it already (`recur report` names them from here as well). ``today``: the date an
    incident dated after cannot have happened yet (``dated_after``); default the clock's (``RECUR_TODAY``).
    ``owner``: its recurring lists are that owner's (``board``'s ``owner``), for ``problems.owner.for_owner``.
    ``windows``: recurring lists added to those of 30 and 90 days (``board``'s). ``since``: the day of the last
    review, what came after it as ``since`` (``new_since``; `recur report --since`), else no such key. ``months``: the
    monthly trend's (``board``'s; `recur report --months`)."""
    from recur import config

    if today is None:
        today = config.today()
    b = board(kb, as_of, today=today, owner=owner, windows=windows, months=months)
    b = {**b, **not_counted(kb, uncounted=uncounted)}
    if since is not None:
        b["since"] = new_since(kb, since, as_of)
    return b


def new_since(kb, since: dt.date, as_of: dt.date) -> dict:
    """What happened after ``since`` (the last review) and up to ``as_of``, for the weekly review's "what came back
    since we last met": {date, incidents, repeats, needs_analysis, rows}, ``rows`` newest first, one per incident and
    pattern it counts for (``credited``: a retired pattern's for the one that replaced it, ``under`` the old id),
    ``seen_before`` that pattern's incidents before this one (0: new), its fix on ``as_of`` (``fix_state``), as the
    recurring rows give it; an incident with no known pattern one row, ``pattern`` null. The recurring lists
    needed two incidents in a window: one repeat of a pattern seen 8 times before was in none of them."""
    incidents = sorted((i for i in counted_incidents(kb) if i.date <= as_of), key=lambda i: (i.date, i.id))
    drafts, patterns = kb.import_drafts(), patterns_on(kb.patterns, as_of)
    before = _seen_before(patterns, incidents, drafts)
    rows: list = []
    for i in incidents:
        new = i.date > since
        for pid, old, seen in before[i.id] or [(None, None, 0)]:
            if new:
                p = patterns.get(pid) if pid else None
                rows.append(
                    {
                        "incident": i.id,
                        "date": iso_day(i.date),
                        "title": i.title,
                        "severity": i.severity,
                        "pattern": pid,
                        "under": old,
                        "seen_before": seen,
                        "fix": fix_state(p, as_of) if p else None,
                        "retired": bool(p and p.status == "retired"),
                        "path": i.relpath,
                    }
                )
    mine = {r["incident"] for r in rows}
    return {
        "date": iso_day(since),
        "incidents": len(mine),
        "repeats": len({r["incident"] for r in rows if r["seen_before"]}),
        "needs_analysis": len({r["incident"] for r in rows if r["pattern"] is None}),
        "rows": sorted(rows, key=lambda r: (r["date"], r["incident"]), reverse=True),
    }  # stable: the record's order


def _seen_before(patterns, ordered: list, drafts: set) -> defaultdict:
    """{incident id: [(pattern it counts for, the retired id it names or None, that pattern's incidents before this
    one)]} for ``ordered`` (oldest first), each incident's patterns as the recurring lists count them (``credited``),
    drafts left out; an incident with none: []. "Seen before" as ``new_since``'s rows and ``_quarters``' repeats
    read it, one walk for both."""
    seen: Counter = Counter()
    before: defaultdict = defaultdict(list)
    for i, pid, old in credited(patterns, ordered):
        if pid not in drafts:
            before[i.id].append((pid, old, seen[pid]))
            seen[pid] += 1
    return before


def uncounted_problems(kb) -> tuple[list, list]:
    """What the board could not count, as ``kb.check`` finds it: (the files with errors, one problem each:
    ``left_out_problems``; the keys of records it counts that look like a slip of a format key, whose
    contents it did not read: ``unread_slips``)."""
    from recur.kb.check import left_out_problems, unknown_link_problems, unread_slips
    from recur.util.errors import Problem

    # an incident linking a pattern id no file has is left out too (``counted_incidents``), named by its error
    left_out = sorted(left_out_problems(kb) + unknown_link_problems(kb), key=Problem.sort_key)
    return left_out, unread_slips(kb)


def not_counted(kb, here: bool = False, *, uncounted: tuple | None) -> dict:
    """What the board could not count (``uncounted_problems``, found again unless given): ``left_out``, the
    files with errors, and ``unread``, the keys of records it counts that look like a slip of a format key
    (``follow-ups:``), their items not counted. Each file by its path in the KB
    (``incidents/2026/INC-2026-0001.md``), as board.json and the index's manifest name them, the same
    wherever the report was made; ``here``: as `recur check` prints it, from the working folder, for a
    terminal, where it is opened from (docs/cli.md, `recur report`)."""
    from recur.kb.loader import in_kb

    def json(problems) -> list[dict]:
        return [
            {"path": p.path if here else in_kb(p.path, kb.root), "line": p.line, "field": p.field, "message": p.message}
            for p in problems
        ]

    left_out, unread = uncounted if uncounted is not None else uncounted_problems(kb)
    return {"left_out": json(left_out), "unread": json(unread)}


def _age(as_of: dt.date, d: dt.date) -> int:
    """Days from ``d`` to ``as_of``; 0 for an incident dated after it (``dated_after`` says its date)."""
    return max(0, (as_of - d).days)


def needs_analysis(incident, drafts: set) -> bool:
    """No known pattern explains ``incident`` yet: it links none, or only drafts ``recur import`` wrote
    that no person has promoted (``drafts``: ``kb.import_drafts()``). The board, the report and the
    site's incident pages ask this one question."""
    return links_no_known_pattern(incident.patterns, drafts)


def links_no_known_pattern(patterns, drafts: set) -> bool:
    """``needs_analysis`` of an incident linking ``patterns`` (ids), for what is said as it is linked
    (`recur incident new|link`'s note on a draft) before the KB is loaded again: one test, so the note
    and the board cannot drift."""
    return set(patterns) <= drafts


def _unknown(incidents, as_of: dt.date, drafts: set) -> list:
    """Incidents linked to no pattern ("needs analysis"), newest first; or only to drafts an import
    wrote and no person has promoted (``drafts``: the import links its incident to the draft it wrote
    from it, full of TODOs)."""
    return [
        {
            "incident": i.id,
            "title": i.title,
            "date": iso_day(i.date),
            "severity": i.severity,
            "services": list(i.services),
            "age_days": _age(as_of, i.date),
            "path": i.relpath,
            "candidates": list(i.candidates),
            "drafts": list(i.patterns),
        }
        for i in reversed(incidents)
        if needs_analysis(i, drafts)
    ]


def _triage(incidents) -> list:
    """Imported incidents still holding placeholders, newest first."""
    return [
        {
            "incident": i.id,
            "title": i.title,
            "date": iso_day(i.date),
            "severity": i.severity,
            "fields": list(i.triage),
            "path": i.relpath,
        }
        for i in reversed(incidents)
        if i.triage
    ]


def _flags(incidents, as_of: dt.date) -> list:
    """Open "dig into this later" flags, newest first (of one incident, in its order): what was seen is freshest
    in mind, and `recur report --limit` and MCP's problem_report ``limit`` keep the first rows (oldest first, they
    cut this week's flags; found in a problem manager's review)."""
    flags = [
        {
            "incident": i.id,
            "text": f.text,
            "note": f.note,
            "date": iso_day(i.date),
            "age_days": _age(as_of, i.date),
            "severity": i.severity,
            "path": i.relpath,
        }
        for i in incidents
        for f in i.flags
        if flag_open(f, as_of)
    ]
    flags.sort(key=lambda f: (f["age_days"], f["incident"]))
    return flags


def _reviews(incidents, as_of: dt.date, patterns: dict, drafts: set) -> list:
    reviews = []
    for i in incidents:
        r = i.review
        if r is None or not review_pending(r, as_of) or r.level == "none":
            continue
        late, days = _overdue(r.due, as_of)
        # no one recorded: the owner of its pattern, said as such (``default_owner``), the review still no one's
        default = pattern_owner(i, patterns, drafts) if not str(r.owner or "").strip() else (None, None)
        reviews.append(
            {
                "incident": i.id,
                "title": i.title,
                "date": iso_day(i.date),
                "severity": i.severity,
                "level": r.level,
                "due": iso_day(r.due),
                "overdue": late,
                "days_overdue": days,
                "path": i.relpath,
                "owner": r.owner,  # who to chase for an overdue one (found in a problem manager's review)
                **dict(zip(("default_owner", "default_owner_pattern"), default, strict=True)),
            }
        )
    reviews.sort(key=lambda r: (-r["days_overdue"], r["due"] or "9999", r["incident"]))
    return reviews


def pattern_owner(incident, patterns: dict, drafts: set = frozenset()) -> tuple[str | None, str | None]:
    """(owner, pattern id) of the pattern an incident counts for whose ``owner:`` holds a review that records none
    (``review.owner``): the one owner its patterns name (``credited``: a retired one's successor's; not an import's
    draft), as the first of them names it, with that pattern; (None, None) when none names one, or two name different
    owners (no one is picked). A review with no owner said "(unowned)" and "none", with a team on the pattern."""
    owners: dict = {}  # owner_key -> (owner as written, pattern)
    for _i, pid, _old in credited(patterns, [incident]):
        p = patterns.get(pid)
        if p is not None and pid not in drafts and p.owner and owner_key(p.owner):
            owners.setdefault(owner_key(p.owner), (p.owner.strip(), pid))
    return next(iter(owners.values())) if len(owners) == 1 else (None, None)


def _follow_ups(incidents, as_of: dt.date) -> list:
    follow_ups = []
    for i in incidents:
        for f in i.follow_ups:
            if not follow_up_open(f, as_of):
                continue
            late, days = _overdue(f.due, as_of)
            follow_ups.append(
                {
                    "incident": i.id,
                    "title": f.title,
                    "owner": f.owner,
                    "due": iso_day(f.due),
                    "ticket": f.ticket,
                    "age_days": _age(as_of, i.date),
                    "overdue": late,
                    "days_overdue": days,
                    "path": i.relpath,
                }
            )
    # the most overdue first, then the soonest due (as fixes are): by incident age, a follow-up due
    # tomorrow from last week's incident came after one due in a year from an older one
    follow_ups.sort(key=lambda f: (-f["days_overdue"], f["due"] or "9999", -f["age_days"], f["incident"], f["title"]))
    return follow_ups


def review_pending(r, as_of: dt.date) -> bool:
    """Whether review ``r`` was still to hold on ``as_of``: pending, or held after that day (``_not_done_by``)."""
    return _not_done_by(r, "pending", as_of)


def follow_up_open(f, as_of: dt.date) -> bool:
    """Whether follow-up ``f`` was open on ``as_of``: open, or done after that day (``_not_done_by``). A board
    as of a past date showed today's status: a follow-up closed since was missing from last month's list."""
    return _not_done_by(f, "open", as_of)


def flag_open(f, as_of: dt.date) -> bool:
    """Whether flag ``f`` was open on ``as_of``: open, or done after that day (``_not_done_by``), as a follow-up. The
    site's flag status asked ``follow_up_open`` of a flag while the board asked the private rule: one rule each."""
    return _not_done_by(f, "open", as_of)


def _not_done_by(item, waiting: str, as_of: dt.date) -> bool:
    """Whether a review, follow-up or flag was still to do on ``as_of``: its status ``waiting`` (pending, open), or done
    after that day (its ``done`` date; one done with no date recorded is taken as done all along, as before the
    date was kept)."""
    return item.status == waiting or (item.status == "done" and item.done is not None and item.done > as_of)


def _no_due(follow_ups: list) -> list:
    """The open follow-ups with no due date, the oldest incident's first: never overdue, they sat
    unnoticed by the overdue counts and by `--fail-on overdue` (found in a problem manager's review)."""
    keys = ("incident", "title", "owner", "ticket", "age_days", "path")
    rows = [{k: f[k] for k in keys} for f in follow_ups if f["due"] is None]
    return sorted(rows, key=lambda f: (-f["age_days"], f["incident"], f["title"]))


def _fixes_no_due(fixes: list) -> list:
    """The open fixes with no due date, the oldest first: never overdue, so no count or gate pointed them
    out, while follow-ups had ``follow_ups_no_due`` for the same (found in a problem manager's review)."""
    keys = ("pattern", "title", "status", "owner", "tickets", "incidents", "age_days", "path", "incidents_inherited")
    rows = [{k: f[k] for k in keys} for f in fixes if f["due"] is None]
    return sorted(rows, key=lambda f: (-(f["age_days"] or 0), f["pattern"]))


def _fixes(patterns, incidents, as_of: dt.date) -> list:
    """The open fixes' rows, each pattern's incidents counted as the recurring lists count them (``credited``: a
    replaced pattern's for the one that replaced it, ``incidents_inherited`` {retired id: how many})."""
    matched = defaultdict(list)  # pattern id -> incidents (oldest first)
    under: dict = defaultdict(Counter)
    for i, pid, old in credited(patterns, incidents):
        matched[pid].append(i)
        if old is not None:
            under[pid][old] += 1
    fixes = []
    for p in patterns.values():
        state = fix_state(p, as_of)  # status, owner, due and lateness, as the recurring lists give them
        if p.status == "retired" or state is None or state["status"] not in OPEN_FIX:
            continue
        seen = matched.get(p.id, [])
        starts = [d for d in ([seen[0].date] if seen else []) + [p.created] if d is not None and d <= as_of]
        fixes.append(
            {
                "pattern": p.id,
                "title": p.title,
                "category": p.category,
                **{k: state[k] for k in ("status", "owner", "due", "overdue", "days_overdue")},
                "tickets": list(p.fix.tickets),
                "incidents": len(seen),
                "last_incident": iso_day(seen[-1].date) if seen else None,
                "age_days": (as_of - min(starts)).days if starts else None,
                "path": p.relpath,
                "incidents_inherited": dict(sorted(under[p.id].items())),  # of ``incidents``, as recurring rows'
            }
        )
    fixes.sort(key=lambda f: (-f["days_overdue"], f["due"] or "9999", -f["incidents"], f["pattern"]))
    return fixes


def _other_dues(fixes: list, follow_ups: list) -> None:
    """Give each row ``other_dues``: the due dates other open rows set for one of its tickets. A fix and
    a follow-up tracked in one ticket with two dues showed it overdue in one table and on time in the
    other (found in review), with nothing on either row to say they were the same ticket."""
    rows = [(f, f["tickets"], f["pattern"]) for f in fixes] + [
        (f, [f["ticket"]] if f["ticket"] else [], f["incident"]) for f in follow_ups
    ]
    dues: dict = defaultdict(list)  # ticket key -> [(ticket, due, record, row)]
    for row, tickets, record in rows:
        for t in dict.fromkeys(tickets):
            if row["due"]:
                dues[str(t).strip().casefold()].append((str(t), row["due"], record, row))
    for row, *_ in rows:
        row["other_dues"] = []
    for entries in dues.values():
        for _t, due, _r, row in entries:
            row["other_dues"] += [
                {"ticket": t, "due": d, "record": r} for t, d, r, o in entries if o is not row and d != due
            ]


def other_dues_note(row: dict) -> str:
    """A row's ``other_dues`` in words, for a table cell ("" when none): "PRB-135 also due 2026-12-18
    in INC-2026-0110"."""
    return "; ".join(f"{o['ticket']} also due {o['due']} in {o['record']}" for o in row.get("other_dues") or [])


def fix_status(p, as_of: dt.date) -> str | None:
    """The fix's status on ``as_of``: a fix ``done`` after that date was still open then (``open``: the
    record keeps no date for ``in-progress``), and a pattern written after it had no fix yet. The board,
    the report and the pattern page's card all ask this one function (the card read the raw status and
    showed "done" for a fix the board counted open)."""
    if p.fix is None or (p.created is not None and p.created > as_of):
        return None
    if p.fix.status == "done" and p.fix.done is not None and p.fix.done > as_of:
        return "open"
    return p.fix.status


def kb_owners(kb) -> set[str]:
    """Every owner the KB names, as written: its follow-ups' (open or done), its reviews', fixes' and patterns'. A name
    none of them is cannot own anything on any board: a misspelt one (``recur report --owner``'s usage error)."""
    names = {f.owner for i in kb.incidents.values() for f in i.follow_ups}
    names |= {i.review.owner for i in kb.incidents.values() if i.review is not None}
    names |= {p.fix.owner for p in kb.patterns.values() if p.fix is not None} | {p.owner for p in kb.patterns.values()}
    return {str(n).strip() for n in names if n and str(n).strip()}


def owner_aliases(names) -> dict[str, str]:
    """{handle: full name} of every handle that ``names``' full names (a name of two words or more) are written
    as: lowercased, the spaces as ``-``, ``_``, ``.`` or none ("Noor Ahmed": noor-ahmed, noor_ahmed, noor.ahmed,
    noorahmed), each full name as first written (the names sorted). Imports write a GitHub or Slack mention
    (``@noor-ahmed``) where a responder wrote ``Noor Ahmed``: two owners on the board, and `--owner "Noor Ahmed"`
    left out the handle's items. A handle two different full names are written as is left out: two full names
    are never one person, and a handle with no full name is no one's but its own (no name is guessed)."""
    full: dict[str, str] = {}
    for n in sorted(str(n).strip() for n in names if n and str(n).strip()):
        if len(words := owner_key(n).split()) > 1:
            full.setdefault(" ".join(words), n)
    forms: dict[str, set] = defaultdict(set)
    for key in full:
        for sep in ("-", "_", ".", ""):
            forms[sep.join(key.split())].add(key)
    return {h: full[next(iter(keys))] for h, keys in forms.items() if len(keys) == 1}


def kb_aliases(kb, owner: str | None = None) -> dict[str, str]:
    """``owner_aliases`` of the KB's owners (``kb_owners``), the handles its owners write and ``owner`` (a board
    built for ``@noor-ahmed`` when only "Noor Ahmed" is written: `--owner` takes either form)."""
    names = kb_owners(kb)
    every = owner_aliases(names)
    written = {owner_key(n) for n in names} | ({owner_key(owner)} if owner is not None else set())
    return {h: every[h] for h in sorted(written) if h in every}


def owner_of(name: str, aliases: dict) -> str:
    """The key of the person ``name`` is (``owner_key``), a handle in ``aliases`` its full name's."""
    key = owner_key(name)
    return owner_key(aliases[key]) if key in aliases else key


def owner_names(b) -> Callable[[str | None], str]:
    """``name(owner)``: an item's owner as the board's By owner table names that person (``by_owner``'s key: "@bob"
    as "Bob", "@lena-fischer" as "Lena Fischer"), the written spelling when By owner has no row of theirs,
    ``UNOWNED`` for none. The rows of `recur report`, MCP's report and the site's board show it: a follow-up of
    "@lena-fischer" beside one of "Lena Fischer" read as two owners where By owner counted one (found in review)."""
    aliases = b.get("owner_aliases") or {}
    shown = {owner_of(n, aliases): n for n in b.get("by_owner") or {} if n != UNOWNED}

    def name(owner: str | None) -> str:
        written = (owner or "").strip()
        return shown.get(owner_of(written, aliases), written) if written else UNOWNED

    return name


def _by_owner(follow_ups: list, fixes: list, reviews: list, aliases: dict | None = None) -> dict:
    """Counts per owner, by name with the unowned last, as every table of owners is ordered (``(unowned)``
    sorted first here, and the site's board ordered it another way again). "Bob", "bob" and "@bob"
    (records written by different people, or imported from a tracker) are one owner, shown as the
    spelling used most (the first in order on a tie); a handle of ``aliases`` is its full name's, shown as the full
    name (as the KB writes it when only the handle has something open). The pending reviews count by their ``review.owner``
    (none recorded: ``(unowned)``'s), as `--owner` lists them: By owner said ``(none)`` of an owner whose
    report listed a review, and a name holding only a review was missing from "its owners" (found in review)."""
    kinds = ("follow_ups", "fixes", "reviews")
    counts: dict = defaultdict(lambda: {f"{k}{late}": 0 for k in kinds for late in ("", "_overdue")})
    spellings: dict = defaultdict(Counter)
    for kind, items in zip(kinds, (follow_ups, fixes, reviews), strict=True):
        for f in items:
            name = (f["owner"] or "").strip() or UNOWNED
            key = owner_of(name, aliases or {}) if name != UNOWNED else UNOWNED
            spellings[key][name] += 1
            counts[key][kind] += 1
            counts[key][f"{kind}_overdue"] += f["overdue"]
    shown = {key: _shown(key, c, aliases or {}) for key, c in spellings.items()}
    # by the owner key, as report and the site's board order theirs: by the spelling, "@bob" came before "alice"
    order = sorted(counts, key=lambda k: (k == UNOWNED, k, shown[k]))
    return {shown[k]: dict(counts[k]) for k in order}


def _shown(key: str, spellings: Counter, aliases: dict) -> str:
    """How ``by_owner`` names one owner: the spelling used most; a person's full name before their handles."""
    full = Counter({n: c for n, c in spellings.items() if owner_key(n) == key and " " in key})
    if " " in key and not full:  # only handles open: the full name they are, as the KB writes it
        return next(v for v in aliases.values() if owner_key(v) == key)
    return min(full or spellings, key=lambda n: (-(full or spellings)[n], n))


def _recurring(
    patterns, incidents, as_of: dt.date, top: int, owner: str | None, aliases: dict | None, windows: tuple
) -> tuple[dict, dict, dict]:
    """The recurring lists, how many each leaves out, and how many of those tie with its last row (``cut_ranked``);
    ``owner``: only the patterns whose fix is theirs (``owned_by``, a handle of ``aliases`` its full name's),
    ranked among themselves, then cut; one list for each of ``windows``' days (``board``'s), keyed by the number."""
    mine = owned_by(owner, aliases) if owner is not None else None
    recurring, more, tied = {}, {}, {}
    for days in windows:
        start = shift(as_of, -days)
        count, last, under = tally(patterns, [i for i in incidents if i.date > start])
        recurred = [pid for pid in count if count[pid] >= 2]  # seen once is not recurring
        ranked = sorted(recurred, key=lambda pid: (-count[pid], -last[pid].toordinal(), pid))
        rows = [recurring_row(patterns, pid, count[pid], last[pid], as_of, under.get(pid)) for pid in ranked]
        if mine is not None:
            rows = [r for r in rows if r["fix"] and not r["retired"] and mine(r["fix"]["owner"])]
        recurring[str(days)], more[str(days)], tied[str(days)] = cut_ranked(rows, top)
    return recurring, more, tied


def tally(patterns: dict, incidents) -> tuple[Counter, dict, dict]:
    """(count, last date, {retired id: how many}) per pattern of ``incidents``, each counted as "seen before" counts
    it (``credited``). The board counted by the id each incident names: a pattern renamed a month ago recurred 2
    times on the board and 5 in `recur suggest`, its 3 under the old id on a row of their own (found ageing a KB)."""
    count: Counter = Counter()
    last: dict = {}
    under: dict = defaultdict(Counter)
    for i, target, old in credited(patterns, incidents):
        count[target] += 1
        last[target] = max(last.get(target, i.date), i.date)
        if old is not None:
            under[target][old] += 1
    return count, last, {pid: dict(sorted(c.items())) for pid, c in under.items()}


def owned_by(name: str, aliases: dict | None = None):
    """The rule of one owner, ``name`` however spelt (``owner_key``: "Bob", "bob" and "@bob"; ``(unowned)``: no
    one): a function of an item's owner as written (None or blank: no one), true when it is theirs. ``board``'s
    ``owner`` and ``problems.owner.for_owner`` narrow by it; a name blank once spelling is set aside owns nothing.
    ``aliases`` (the board's ``owner_aliases``): a handle there and its full name are one owner, either given."""
    aliases = aliases or {}
    key = owner_of(name, aliases)
    unowned = key == owner_key(UNOWNED)

    def mine(who) -> bool:
        who = str(who or "").strip()
        return not who if unowned else bool(who and key) and owner_of(who, aliases) == key

    return mine


# a tie is never split, but 40 patterns of two incidents each were 40 rows of a top ten: at most so many times top
TIE_ROWS = 2


def cut_ranked(rows: list, top: int) -> tuple[list, int, int]:
    """(the rows shown, how many are left out, how many of those tie by count with the last shown) of a ranked
    recurring list: the ``top`` most, and the rows tied by count with the last of them (cut at ``top``, a tie
    at the cut kept the patterns whose ids sort first), at most ``TIE_ROWS * top`` rows in all."""
    cut = min(top, len(rows))  # fewer than top: none left out (was a negative count)
    while 0 < cut < len(rows) and rows[cut]["count"] == rows[cut - 1]["count"]:
        cut += 1
    cut = min(cut, max(TIE_ROWS * top, top))
    tied = sum(1 for r in rows[cut:] if r["count"] == rows[cut - 1]["count"]) if cut else 0
    return rows[:cut], len(rows) - cut, tied


def recurring_row(
    patterns: dict, pid: str, count: int, last: dt.date, as_of: dt.date, inherited: dict | None = None
) -> dict:
    """One pattern of the recurring lists (the board's and the site's home page's): with its fix, and
    whether it is retired, with the patterns in use that replaced it (``superseded_by``, followed as
    ``successors`` follows it); ``inherited``: {retired id: how many of ``count`` name it} (``tally``)."""
    p = patterns.get(pid)
    return {
        "pattern": pid,
        "title": p.title if p else pid,
        "category": p.category if p else None,
        "count": count,
        "last": iso_day(last),
        "fix": fix_state(p, as_of) if p else None,
        "retired": bool(p and p.status == "retired"),
        "superseded_by": successors(patterns, pid) if p and p.status == "retired" else [],
        "incidents_inherited": dict(inherited or {}),
    }


def fix_state(p, as_of: dt.date) -> dict | None:
    """A recurring pattern's permanent fix on ``as_of``, so "what keeps recurring" is read with "and is it
    being fixed, by whom, by when": the list named the pattern only, and a problem manager looked up the
    fixes table for each row (found in review). None: the pattern records no fix."""
    status = fix_status(p, as_of)
    if status is None:
        return None
    # a retired pattern's open fix is on no list and in no gate (recur check warns of it): never overdue
    late, days = _overdue(p.fix.due, as_of) if status in OPEN_FIX and p.status != "retired" else (False, 0)
    return {
        "status": status,
        "owner": p.fix.owner or p.owner,
        "due": iso_day(p.fix.due),
        "done": iso_day(p.fix.done) if status == "done" else None,
        "overdue": late,
        "days_overdue": days,
    }


def _after_fix(patterns, incidents) -> list:
    """The incidents after a fix's ``done`` date, newest first: of a fix done, and of one reopened since
    (``fix_reopened``: open or in progress again, keeping ``done:``, the day it was done, the spec's "date it
    landed"). Reopening a fix, as the recurrence gate says to, took its pattern's history off the report
    (found in a problem manager's review); now only the gate leaves it (``recent_recurrences``). A reopened fix
    whose ``done:`` was taken out keeps no date to compare: its recurrences are not found (docs/problems.md).
    An incident naming a retired pattern counts for the one that replaced it (``credited``, ``under``: the id it
    names), as the recurring lists count it: against the retired one's own fix, no one's work now, it was listed
    and gated under an id the board has no other row of, and the successor's row said "did not hold" alone."""
    after_fix = []
    for i, pid, old in credited(patterns, reversed(incidents)):
        p = patterns.get(pid)
        # the rule of the warning when an incident is linked (kb.pattern_fix.fix_not_held), reopened fixes too
        if p is None or not recurred_after_fix(p.fix, i.date, reopened=True):
            continue
        after_fix.append(
            {
                "incident": i.id,
                "title": i.title,
                "pattern": pid,
                "pattern_title": p.title,
                "fix_done": iso_day(p.fix.done),
                "incident_date": iso_day(i.date),
                "days_after_fix": (i.date - p.fix.done).days,
                "fix_owner": p.fix.owner or p.owner,
                "path": i.relpath,  # the incident's, as every incident row's: a page to link
                "fix_reopened": p.fix.status != "done",
                "under": old,  # the retired id the incident names, which ``pid`` replaced; None: its own
            }
        )
    return after_fix


def after_fix_by_pattern(after_fix: list, as_of: dt.date) -> list:
    """The recurrences after a fix (``_after_fix``'s rows, newest first) one row a pattern, newest first by its
    newest incident: the report listed every incident since any date, 21 rows on an 18-month KB, 7 of them one
    pattern whose fix was done in 2025, burying this week's (found in a problem manager's review). Each says how
    many, how many in the last 30 days, and the newest; the board's ``recurrence_after_fix`` keeps them all."""
    start = iso_day(shift(as_of, -30))
    out: dict[str, dict] = {}
    for r in after_fix:
        g = out.get(r["pattern"])
        if g is None:
            g = out[r["pattern"]] = {
                "pattern": r["pattern"],
                "pattern_title": r["pattern_title"],
                "fix_done": r["fix_done"],
                "fix_reopened": r["fix_reopened"],
                "fix_owner": r["fix_owner"],
                "incidents": 0,
                "incidents_30": 0,
                "incidents_inherited": {},
                "first_date": r["incident_date"],
                "latest": r["incident"],
                "latest_date": r["incident_date"],
                "latest_title": r["title"],
                "latest_days_after_fix": r["days_after_fix"],
                "path": r["path"],  # the newest incident record's, as every incident row's: a page to link
            }
        g["incidents"] += 1
        g["incidents_30"] += r["incident_date"] > start
        g["first_date"] = r["incident_date"]  # newest first: the last one read is the first after the fix
        if r.get("under"):
            g["incidents_inherited"][r["under"]] = g["incidents_inherited"].get(r["under"], 0) + 1
    return list(out.values())


def incidents_after_done(patterns: dict, incidents, pid: str, done: dt.date, as_of: dt.date) -> list:
    """[(incident, the retired id it names or None)] counting for ``pid`` (``credited``: those naming a retired
    pattern it replaced too) dated after ``done`` (its fix's done day) and by ``as_of``, oldest first: what `recur
    fix ID` lists beside a fix marked done, as the report of ``as_of`` counts them (``_after_fix``; one dated
    later is not on the board yet, and `recur fix` listed it: found in a re-read)."""
    ordered = sorted(incidents, key=lambda i: (i.date, i.id))
    return [(i, old) for i, target, old in credited(patterns, ordered) if target == pid and done < i.date <= as_of]


def _trends(patterns, incidents, as_of: dt.date, months: int, drafts: set = frozenset()) -> dict:
    month_keys = month_range(as_of, months)
    slot = {m: n for n, m in enumerate(month_keys)}
    total = [0] * len(month_keys)
    by_cat: dict = defaultdict(lambda: [0] * len(month_keys))
    by_svc: dict = defaultdict(lambda: [0] * len(month_keys))
    for i in incidents:
        n = slot.get(_month(i.date))
        if n is None:
            continue
        total[n] += 1
        cats = {patterns[pid].category for pid in i.patterns if pid in patterns and pid not in drafts} or {"unknown"}
        for c in cats:
            by_cat[c][n] += 1
        for s in dict.fromkeys(i.services or ["(none)"]):
            by_svc[s][n] += 1

    def _ordered(d: dict) -> dict:
        return {k: d[k] for k in sorted(d, key=lambda k: (-sum(d[k]), k))}

    return {
        "months": month_keys,
        "total": total,
        "by_category": _ordered(by_cat),
        "by_service": _ordered(by_svc),
        "quarters": _quarters(patterns, incidents, as_of, drafts),
    }


QUARTERS = 8  # the trends' quarters: two years, a year-on-year look the 12 months cannot give


def quarter_of(d: dt.date) -> str:
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


def quarter_label(quarter: str, as_of: dt.date) -> str:
    """A quarter of ``trends.quarters`` as the report and the trends page name it: as_of's, while it runs, with the
    day counted to, `2026-Q4 (to Dec 7)`; on the quarter's last day it is whole, as ``month_so_far`` says a month
    (`2026-Q1 (to Mar 31)` called a finished quarter partial). The month's name is not the locale's (``MONTHS``)."""
    if quarter != quarter_of(as_of) or quarter_of(as_of + dt.timedelta(days=1)) != quarter:  # over, or its last day
        return quarter
    return f"{quarter} (to {MONTHS[as_of.month - 1]} {as_of.day})"


def _quarters(patterns, incidents, as_of: dt.date, drafts: set = frozenset()) -> list[dict]:
    """The last ``QUARTERS`` calendar quarters ending with as_of's, oldest first: each one's incidents, those
    ``repeats`` of a known pattern (one it counts for, as the recurring lists count it, had an incident before
    it, in any quarter) and those that need analysis. Whether problem management works shows here: repeats
    falling quarter on quarter; the monthly trend was one year of totals, no year-on-year and no repeats."""
    keys: list[str] = []
    y, q = as_of.year, (as_of.month - 1) // 3 + 1
    for _ in range(QUARTERS):
        keys.insert(0, f"{y}-Q{q}")
        y, q = (y, q - 1) if q > 1 else (y - 1, 4)
    rows = {k: {"quarter": k, "incidents": 0, "repeats": 0, "needs_analysis": 0} for k in keys}
    ordered = sorted(incidents, key=lambda i: (i.date, i.id))
    before = _seen_before(patterns, ordered, drafts)
    repeat = {iid for iid, counted in before.items() if any(seen for _pid, _old, seen in counted)}  # struck before
    for i in ordered:
        row = rows.get(quarter_of(i.date))
        if row is not None:
            row["incidents"] += 1
            row["repeats"] += i.id in repeat
            row["needs_analysis"] += needs_analysis(i, drafts)
    return list(rows.values())


FROM_PATTERN = "(from the pattern)"  # after a review's owner that is its pattern's owner:, none being recorded


def _review_whose(r: dict, named) -> str:
    """Whose an overdue review is in the gate's line, as the report's table says it: " (alice)", " (team-db, from
    the pattern)" for one that records no owner whose pattern names one (``default_owner``; the line said nothing,
    where the table named the team: found in a re-read), else ""."""
    if o := r.get("owner"):
        return f" ({named(o)})"
    return f" ({named(d)}, {FROM_PATTERN[1:-1]})" if (d := r.get("default_owner")) else ""


def overdue_items(b: Board) -> list[str]:
    """One line per overdue review, follow-up or permanent fix on a board (for ``--fail-on overdue``), each owner
    named as the report's rows name them (``owner_names``): "@lena-fischer" here, "Lena Fischer" there (a re-read)."""
    named = owner_names(b)
    out = [f"review of {r['incident']}{_review_whose(r, named)} overdue by {plural(r['days_overdue'], 'day')}"
           for r in b["reviews"] if r["overdue"]]  # fmt: skip
    # whose, as the report's tables say: a gate's message posted to a channel named the work, not who to ask
    out += [
        f"follow-up {f['title']!r} of {f['incident']} ({named(f['owner'])}) overdue by {plural(f['days_overdue'], 'day')}"
        for f in b["follow_ups"]
        if f["overdue"]
    ]
    out += [
        f"permanent fix of {f['pattern']} ({named(f['owner'])}) overdue by {plural(f['days_overdue'], 'day')}"
        for f in b["fixes"]
        if f["overdue"]
    ]
    return out
