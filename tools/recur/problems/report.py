"""`recur report`: the weekly problem-management review, as text, Markdown or JSON.

All numbers come from ``problems.board``; this module only lays them out.
"""

from __future__ import annotations

import datetime as dt
import html
import re

from recur.problems.board import (
    FROM_PATTERN,
    OPEN_FIX,
    Board,
    month_so_far,
    other_dues_note,
    owner_names,
    owner_of,
    quarter_label,
)
from recur.problems.owner import NOT_OWNED, filtered_sentence
from recur.util.text import and_listed, display_width, plural

FAIL_ON = ("overdue", "recurrence", "unknown")
# `--fail-on recurrence` counts a recurrence whose incident is this recent (days; 0: any date). With no
# window the gate failed for ever on history no one would act on (the starter KB: 7 recurrences of 2025)
RECURRENCE_DAYS = 90


ZERO = "·"  # a month with no incident: visible, so a rendered table cannot collapse it


def _sparkline(counts: list) -> str:
    """One character per month, empty months included (``·``), bars scaled to the busiest month."""
    bars = ZERO + "▁▂▃▄▅▆▇█"
    top = max(counts) if counts else 0
    return "".join(bars[0 if not c else max(1, round(c / top * 8))] for c in counts) if top else ZERO * len(counts)


LATE = "overdue"  # the column of _late: the JSON's overdue / days_overdue (it had no name: a blank header)


def _late(item: dict) -> str:
    return f"OVERDUE {item['days_overdue']}d" if item.get("overdue") else ""


class Noted(str):
    """A cell's text with a note (``note``) that text and Markdown put under the table as a numbered footnote
    (``footnotes``), the cell keeping its number: written in the cell, a note widened its column on every row."""

    note = ""


def _due(item: dict) -> str:
    """The due date, noted with the other dates its ticket has elsewhere on the board (recur check warns):
    "PRB-135 also due 2026-12-18 in INC-2026-0110", a footnote. In the due column it made the report's
    tables 249 to 325 columns wide (found in a problem manager's review)."""
    cell = Noted(item["due"] or "-")
    cell.note = other_dues_note(item)
    return cell


def footnotes(rows: list) -> tuple[list, list[str]]:
    """``rows`` with each noted cell (``Noted``) numbered, "2026-12-01 [1]", in the order shown (after
    --limit's cut, so only the rows shown have notes), and the notes as "[1] …", to put under the table."""
    notes: list[str] = []

    def numbered(v):
        if not getattr(v, "note", ""):
            return v
        notes.append(f"[{len(notes) + 1}] {v.note}")
        return f"{v} [{len(notes)}]"

    return [[numbered(v) for v in r] for r in rows], notes


def _by_owner_name(b: Board, kind: str) -> list:
    """The board's follow-ups or fixes (``kind``) sorted by owner, the unowned last; one person's rows together
    as By owner counts them (``owner_of``, a handle of the board's ``owner_aliases`` its full name's): sorted by
    the spelling, "Noor Ahmed", "Noor Zafar", "@noor-ahmed" split Noor Ahmed's rows."""
    aliases = b.get("owner_aliases") or {}
    return sorted(b[kind], key=lambda f: (not f["owner"], owner_of(f["owner"] or "", aliases)))


def review_owner(r: dict, named) -> str:
    """Who holds a pending review, as `recur report`, MCP's problem_report and the site's board name them: its
    ``owner`` (``named``: the board's ``owner_names``), else its pattern's owner marked "(from the pattern)"
    (``default_owner``: the record names no one, the pattern a team to ask), else ``(unowned)``."""
    if r.get("owner") or not r.get("default_owner"):
        return named(r.get("owner"))
    return f"{named(r['default_owner'])} {FROM_PATTERN}"


def _reviews(b: Board, named) -> tuple:
    """The pending reviews, with who holds each (Recur's ``review.owner``; its pattern's owner, marked so, when none
    is recorded; ``(unowned)`` when neither is, ``review_owner``): the overdue ones named no one to chase (found in a
    problem manager's review)."""
    c = b["counts"]
    rows = [
        [r["incident"], review_owner(r, named), r["severity"], r["level"], r["due"] or "-", _late(r), r["title"]]
        for r in b["reviews"]
    ]
    defaulted = any(r.get("default_owner") and not r.get("owner") for r in b["reviews"])
    return (
        f"Reviews pending ({c['reviews_pending']}, {c['reviews_overdue']} overdue)",
        ["incident", "owner", "severity", "level", "due", LATE, "title"],
        rows,
        None,
        DEFAULT_OWNER_NOTE if defaulted else None,
    )


# --owner lists such a review for its pattern's owner too (problems.owner._from_pattern): "By owner and --owner count
# it as (unowned)" was said under the row `--owner team-db` had listed (found in a re-read)
DEFAULT_OWNER_NOTE = (
    f"{FROM_PATTERN}: the review records no owner, its pattern's owner is shown (By owner counts it as (unowned); "
    "--owner lists it for both); give it one with: recur incident review ID --owner NAME"
)


def _follow_ups(b: Board, named) -> tuple:
    c = b["counts"]
    rows = [
        [named(f["owner"]), f["incident"], _due(f), f"{f['age_days']}d", _late(f), f["ticket"] or "-", f["title"]]
        for f in _by_owner_name(b, "follow_ups")
    ]
    return (
        f"Open follow-ups ({c['follow_ups_open']}, {c['follow_ups_overdue']} overdue)",
        ["owner", "incident", "due", "age", LATE, "ticket", "title"],
        rows,
    )


def _no_due(b: Board, named) -> tuple:
    """The open follow-ups with no due date: never overdue, no count or gate pointed them out."""
    rows = [
        [named(f["owner"]), f["incident"], f"{f['age_days']}d", f["ticket"] or "-", f["title"]]
        for f in b.get("follow_ups_no_due", [])
    ]
    return (
        f"Follow-ups with no due date: never overdue ({b['counts'].get('follow_ups_no_due', 0)})",
        ["owner", "incident", "age", "ticket", "title"],
        rows,
        "None: every open follow-up has a due date.",
    )


def _fixes(b: Board, named) -> tuple:
    c = b["counts"]
    rows = [
        [
            named(f["owner"]),
            f["pattern"],
            f["status"],
            _due(f),
            f"{f['age_days']}d" if f["age_days"] is not None else "-",
            _late(f),
            count_cell(f, "incidents"),
            ", ".join(f["tickets"]) or "-",  # as the site's table and the JSON have them: where the work is tracked
        ]
        for f in _by_owner_name(b, "fixes")
    ]
    return (
        f"Open permanent fixes ({c['fixes_open']}, {c['fixes_overdue']} overdue)",
        ["owner", "pattern", "status", "due", "age", LATE, "incidents", "tickets"],
        rows,
    )


def _fixes_no_due(b: Board, named) -> tuple:
    """The open permanent fixes with no due date: never overdue, as the follow-ups with none."""
    rows = [
        [
            named(f["owner"]),
            f["pattern"],
            f["status"],
            f"{f['age_days']}d" if f["age_days"] is not None else "-",
            ", ".join(f["tickets"]) or "-",
            f["title"],
        ]
        for f in b.get("fixes_no_due", [])
    ]
    return (
        f"Permanent fixes with no due date: never overdue ({b['counts'].get('fixes_no_due', 0)})",
        ["owner", "pattern", "status", "age", "tickets", "title"],
        rows,
        "None: every open permanent fix has a due date.",
    )


# By owner's columns, each a count of ``by_owner``'s (the open and the overdue of each kind); each "overdue"
# says of what: three columns were all "overdue", and on a phone the site's card labels each cell by its column
BY_OWNER = (("fixes", "fixes open"), ("fixes_overdue", "fixes overdue"), ("follow_ups", "follow-ups open"),
            ("follow_ups_overdue", "follow-ups overdue"), ("reviews", "reviews pending"),
            ("reviews_overdue", "reviews overdue"))  # fmt: skip


def _by_owner(b: Board, named=None, order=None) -> tuple:
    """Fixes, then follow-ups, as the site's board has them ("Open fixes, follow-ups and reviews by owner", its
    tiles and tables fixes first): the report had them the other way, and a problem manager comparing
    the two read one's fixes as the other's follow-ups (found in review); then the reviews each holds (its
    review.owner). The JSON keeps its keys. ``order``: a key on (owner, counts) to sort the owners by. Its rows are
    by_owner's own names (``named`` not needed)."""
    owners = sorted(b["by_owner"].items(), key=order) if order else b["by_owner"].items()
    rows = [[o, *(str(v.get(k, 0)) for k, _ in BY_OWNER)] for o, v in owners]
    return ("By owner", ["owner", *(name for _, name in BY_OWNER)], rows)


def _triage(b: Board, named=None) -> tuple:
    return (
        f"Needs triage: imported with placeholders ({b['counts'].get('triage', 0)})",
        ["incident", "date", "severity", "placeholders", "title"],
        [[t["incident"], t["date"], t["severity"], ", ".join(t["fields"]), t["title"]] for t in b.get("triage", [])],
    )


def _unknown(b: Board, named=None) -> tuple:
    rows = [
        [u["incident"], u["date"], u["severity"], f"{u['age_days']}d", unknown_cell(u), u["title"]]
        for u in b["unknown"]
    ]
    return (
        f"Needs analysis: incidents with no known pattern ({b['counts']['unknown']})",
        ["incident", "date", "severity", "age", "candidates", "title"],
        rows,
    )


def unknown_cell(u: dict) -> str:
    """The draft an import wrote for it, to complete and promote, else the ranked candidates."""
    if u.get("drafts"):
        return "draft " + ", ".join(u["drafts"]) + " (to complete)"
    return candidates_cell(u.get("candidates"))


def _flags(b: Board, named=None) -> tuple:
    return (
        f"Dig into this later: open flags ({b['counts']['flags_open']})",
        ["incident", "date", "age", "flag"],
        # the note as the site's board shows it: what was asked or found so far
        [
            [f["incident"], f["date"], f"{f['age_days']}d", f["text"] + (f" ({f['note']})" if f.get("note") else "")]
            for f in b["flags"]
        ],
    )


def _recurrence_after_fix(b: Board, named=None) -> tuple:
    """One row a pattern, newest first (``after_fix_groups``): every incident since any date, the list grew without
    end and buried this week's (a fix done in 2025 was 7 rows of 21); the JSON keeps each incident."""
    groups = after_fix_groups(b)
    rows = [
        [after_fix_group_pattern(g), fix_done_cell(g), str(g["incidents"]), str(g["incidents_30"]), g["latest"],
         g["latest_date"], str(g["latest_days_after_fix"])]
        for g in groups
    ]  # fmt: skip
    return (
        f"Recurrence after fix: the fix did not hold ({after_fix_count(b)})",
        ["pattern", "fix done", "incidents since", "last 30 days", "latest", "date", "days after"],
        rows,
        None,
        AFTER_FIX_NOTE if rows else None,
    )


AFTER_FIX_NOTE = "One row a pattern, newest first; every incident after its fix: --format json (recurrence_after_fix)"


def after_fix_groups(b: Board) -> list[dict]:
    """The board's recurrences after a fix one row a pattern (``recurrence_after_fix_by_pattern``), grouped here for
    a board saved before it had them."""
    from recur.problems.board import after_fix_by_pattern

    if "recurrence_after_fix_by_pattern" in b:
        return b["recurrence_after_fix_by_pattern"]
    return after_fix_by_pattern(b["recurrence_after_fix"], dt.date.fromisoformat(b["as_of"]))


def after_fix_count(b: Board, number: bool = True) -> str:
    """ "21 incidents of 5 patterns": how many recurrences after a fix, and of how many patterns (the counts'
    ``recurrence_after_fix_patterns``; a board saved before it had them, its groups); ``number`` False: "incidents
    of 5 patterns", for a tile showing the number apart. The one wording of `recur report`'s heading, MCP's
    problem_report headline and the site's tile: MCP said "21 recurrences" and the tile "21 Recurred after fix" over
    a list of 5 patterns, an incident count read as one of patterns (found in review)."""
    c = b["counts"]
    n = c["recurrence_after_fix"]
    groups = c.get("recurrence_after_fix_patterns", len(after_fix_groups(b)))
    incidents = plural(n, "incident") if number else ("incident" if n == 1 else "incidents")
    return f"{incidents} of {plural(groups, 'pattern')}"


def after_fix_group_pattern(g: dict, name=str) -> str:
    """A pattern's row of the recurrences after its fix, "disk-full (2 under disk-old)" when some of its incidents
    name a retired pattern it replaced (``inherited_said``); ``name`` as ``inherited_said``'s."""
    under = inherited_said(g, name)
    return f"{g['pattern']} ({under})" if under else g["pattern"]


def fix_done_cell(r: dict) -> str:
    """A recurrence's fix done date, "(reopened)" after it when the fix is open again (off the gate)."""
    return r["fix_done"] + (" (reopened)" if r.get("fix_reopened") else "")


def fix_state(r: dict) -> dict:
    """The parts of a recurring pattern's permanent fix (a row of the board's ``recurring``), the one rule that
    `recur report`'s fix column (``fix_cell``) and the site's board page lay out, each in its own way: ``kind``
    "retired" (no fix to chase: ``successors``, the patterns in use that replaced it), "none" (none recorded),
    "open" (open or in progress), "done" (``done``: its date; ``held``: False when the pattern recurred after
    it, as "Recurrence after fix" lists it) or "other" (a status as written); ``fix``: the fix, when there is one."""
    if r.get("retired"):  # its fix is no one's work now (off the fixes table and the gate): where it went
        return {"kind": "retired", "successors": list(r.get("superseded_by") or [])}
    f = r.get("fix")
    if not f:
        return {"kind": "none"}
    if f["status"] in OPEN_FIX:
        return {"kind": "open", "fix": f}
    if f["status"] == "done" and f.get("done"):
        return {"kind": "done", "fix": f, "done": f["done"], "held": not r["last"] > f["done"]}
    return {"kind": "other", "fix": f}


def fix_words(parts: dict, after: str = "", text=str) -> str:
    """``fix_state``'s parts in words: "retired, superseded by AFTER" (``after``: the successors as the caller
    names them), "none recorded", "done DATE, did not hold", else the fix's status; ``text`` escapes a status
    or date for the caller's format."""
    kind = parts["kind"]
    if kind == "retired":
        return f"retired, superseded by {after}" if after else "retired"
    if kind == "none":
        return "none recorded"
    if kind == "done":
        return f"done {text(parts['done'])}" + ("" if parts["held"] else ", did not hold")
    return text(parts["fix"]["status"])


def fix_cell(r: dict, named) -> str:
    """A recurring pattern's permanent fix in a few words: whose, due when, late or not; a done one
    that the pattern outlived says so; a retired pattern says it is retired and what replaced it, not
    a fix to chase (``fix_state``). ``named``: the board's ``owner_names``, the owner as By owner names them."""
    parts = fix_state(r)
    if parts["kind"] == "open":
        f = parts["fix"]
        late = f", {_late(f)}" if f["overdue"] else ""
        return f"{f['status']}, {named(f['owner'])}, due {f['due'] or '-'}{late}"
    return fix_words(parts, ", ".join(parts.get("successors", ())))


def inherited_said(r: dict, name=str) -> str:
    """ "3 under db-connection-pool-exhausted" ("1 under a and 2 under b"): how many of a recurring row's incidents
    name a retired pattern it replaced (its ``incidents_inherited``, as "seen before" says them), or "" for none: the
    report, its headline, the site's board and MCP's text say which came under the old id. ``name``: how an old id
    is written (the site links it to the retired pattern's page, ``Site.old_id_html``)."""
    parts = [f"{n} under {name(old)}" for old, n in sorted((r.get("incidents_inherited") or {}).items())]
    return and_listed(parts)


def count_cell(r: dict, key: str = "count", name=str) -> str:
    """A recurring row's count, "5 (3 under db-connection-pool-exhausted)" when some came under a replaced id;
    ``key`` "incidents": an open fix's row (``fixes``), counted alike; ``name`` as ``inherited_said``'s."""
    under = inherited_said(r, name)
    return f"{r[key]} ({under})" if under else str(r[key])


def after_fix_pattern(r: dict) -> str:
    """A recurrence after a fix's pattern, "disk-full (under disk-old)" when the incident names a retired pattern
    it replaced (its ``under``): the incident's record names the old id, the fix that did not hold is this one's."""
    return f"{r['pattern']} (under {r['under']})" if r.get("under") else r["pattern"]


def recurring_more_note(b: Board, days: str) -> str | None:
    """The patterns a recurring list of the board (``recurring[days]``, cut at ten rows) leaves out, in words,
    or None when it leaves none out: `recur report` and the site's board page say it alike."""
    rows = b["recurring"][days]
    more = (b.get("recurring_more") or {}).get(days, 0)
    tied = (b.get("recurring_tied") or {}).get(days, 0)
    if not (more and rows):
        return None
    k = rows[-1]["count"]
    if tied:  # a tie of many is cut at twice the top: the rest tie with the last row
        fewer = f", {more - tied} fewer times ({k - 1} or fewer)" if more > tied else ""
        return (
            f"{plural(more, 'more pattern')} recurred: {tied} as often as the last above ({k} times){fewer}, not listed"
        )
    return f"{plural(more, 'more pattern')} recurred, each fewer times than those above ({k - 1} or fewer), not listed"


def _since(b: Board, named) -> tuple:
    """``since`` (`recur report --since DATE`): each incident after the last review with its pattern, how often that
    pattern struck before and its fix, newest first."""
    n = b["since"]
    rows = [
        [r["incident"], r["date"], (r["pattern"] + (f" (under {r['under']})" if r["under"] else "")) if r["pattern"]
         else "needs analysis", str(r["seen_before"]) if r["pattern"] else "-", fix_cell({**r, "last": r["date"]}, named) if r["pattern"]
         else "-", r["title"]]
        for r in n["rows"]
    ]  # fmt: skip
    return (
        f"Since {n['date']}: {plural(n['incidents'], 'incident')}, {n['repeats']} of a pattern seen before, "
        f"{n['needs_analysis']} with no known pattern",
        ["incident", "date", "pattern", "seen before", "fix", "title"],
        rows,
        f"No incident after {n['date']}.",
    )


def _recurring(b: Board, days: str, named) -> tuple:
    rows = b["recurring"][days]
    # cut at ten rows with no word, a pattern recurring as often as the tenth looked like none (found in review)
    note = recurring_more_note(b, days)
    return (
        f"Most recurring patterns, last {days} days (two or more incidents)",
        ["count", "pattern", "last", "fix", "title"],
        [[count_cell(r), r["pattern"], r["last"], fix_cell(r, named), r["title"]] for r in rows],
        f"Nothing recurred: no pattern matched two or more incidents in the last {days} days.",
        note and f"{note} (JSON: recurring_more)",
    )


TOP_SERVICES = 10  # service rows shown in the trends section; the rest share one row


def _trends(b: Board) -> tuple:
    t = b["trends"]
    # one month (--months 1) is named once: "2026-12 … 2026-12" read as a range
    span = " … ".join(dict.fromkeys(t["months"][:1] + t["months"][-1:]))
    rows = [["(all)", _sparkline(t["total"]), str(sum(t["total"]))]]
    rows += [[f"category {k}", _sparkline(v), str(sum(v))] for k, v in t["by_category"].items()]
    services = list(t["by_service"].items())
    rows += [[f"service {k}", _sparkline(v), str(sum(v))] for k, v in services[:TOP_SERVICES]]
    if services[TOP_SERVICES:]:  # summed in one row: cut silently, a busy service looked like a quiet one
        rest = [sum(v[n] for _, v in services[TOP_SERVICES:]) for n in range(len(t["months"]))]
        rows.append([plural(len(services) - TOP_SERVICES, "more service"), _sparkline(rest), str(sum(rest))])
    # the month of as_of counts its days so far: a quiet-looking last mark read as a good month (the site's
    # chart says so under it; the report did not)
    partial = month_so_far(dt.date.fromisoformat(b["as_of"])) if t["months"] else None
    so_far = f"; {t['months'][-1]} counts {partial} only, the month is not over" if partial else ""
    return (f"Incidents per month {span} (· = none that month{so_far})", ["", "trend", "total"], rows)


def _quarters(b: Board) -> tuple:
    """The trends' quarters (``trends.quarters``), a row each, oldest first: incidents, repeats of a known pattern,
    needs analysis; the quarter of as_of said as so far."""
    qs = b["trends"].get("quarters") or []
    as_of = dt.date.fromisoformat(b["as_of"])
    rows = [
        [quarter_label(q["quarter"], as_of), str(q["incidents"]), str(q["repeats"]), str(q["needs_analysis"])]
        for q in qs
    ]
    return (
        "Incidents per quarter (repeats: of a pattern that had struck before)",
        ["quarter", "incidents", "repeats", "needs analysis"],
        rows,
        "None.",
    )


# each section(board, named): ``named`` the board's ``owner_names``, which ``sections`` builds once for the report
_SECTIONS = (
    _reviews,
    _follow_ups,
    _no_due,
    _fixes,
    _fixes_no_due,
    _by_owner,
    _triage,
    _unknown,
    _flags,
    _recurrence_after_fix,
)
# the sections of no one's items (`recur report --owner` leaves them out: ``filtered``'s ``left_out``), each the
# function named for its list: ``problems.owner``'s list of them, not a second one to keep in step
UNOWNED_LISTS = {globals()[f"_{k}"]: k for k in NOT_OWNED}


def sections(b: Board, limit: int | None = None) -> list[tuple[str, list[str], list[list], str | None, str | None]]:
    """The report as (heading, column names, rows, what to say when there are no rows, a note under the
    rows); text and Markdown render the same content. One small function per section, in the order shown; a
    board narrowed to one owner (``filtered``) has no section for the lists no one owns. With a ``limit``
    (``_cut`` keeps that many rows) the lists with due dates are put most overdue first (``_URGENT``)."""
    gone = set((b.get("filtered") or {}).get("left_out", ()))
    named = owner_names(b)  # once for the report: each section that names owners built its own (seven a report)
    kept = [f for f in _SECTIONS if UNOWNED_LISTS.get(f) not in gone]
    out = [_since(b, named)] if b.get("since") else []  # what came since the last review, first
    out += [_urgent_first(f, b, named) if limit is not None else f(b, named) for f in kept]
    out += [_recurring(b, days, named) for days in b["recurring"]]  # 30, 90, then any `--window` added
    out += [_trends(b), _quarters(b)]  # both whole: _cut cuts neither (WHOLE)
    return [(*x, *(None,) * (5 - len(x))) for x in out]


# the lists with due dates, each with its items in the order its section lists them (one row an item)
_URGENT = {
    _reviews: lambda b: b["reviews"],
    _follow_ups: lambda b: _by_owner_name(b, "follow_ups"),
    _fixes: lambda b: _by_owner_name(b, "fixes"),
}


def _urgent_first(section, b: Board, named) -> tuple:
    """``section(b, named)`` with its rows most overdue first, then due soonest, then in the order it has: `--limit`
    kept the first rows in owner-name order, and so cut most overdue items (10 of 43 fixes shown, a fix not
    yet due first, 5 of 20 overdue ones; found in a docs-vs-behaviour review). The JSON keeps its order."""
    if section is _by_owner:
        return _by_owner(b, order=_busiest)
    out = section(b, named)
    if section not in _URGENT:
        return out
    items = _URGENT[section](b)

    def urgency(i: int) -> tuple:
        f = items[i]
        return (not f.get("overdue"), -(f.get("days_overdue") or 0), f.get("due") or "9999-12-31", i)

    return (out[0], out[1], [out[2][i] for i in sorted(range(len(items)), key=urgency)], *out[3:])


def _busiest(owner: tuple) -> tuple:
    """An owner's urgency, from its ``by_owner`` (name, counts): the most overdue items first, then the most
    open, then by name as the table is (a stable sort). `--limit` cut the table by name and hid the owners with
    the most overdue work (found in a problem manager's review). On the counts, not the rendered cells."""
    v = owner[1]
    kinds = ("fixes", "follow_ups", "reviews")
    return (-sum(v.get(f"{k}_overdue", 0) for k in kinds), -sum(v.get(k, 0) for k in kinds))


WHOLE = 2  # the last sections, the monthly trends and the quarters, shown whole whatever --limit says


def _cut(sections_: list, limit: int | None) -> list:
    """``sections`` with at most ``limit`` rows in each list (the trends, a chart, whole) and how many more
    each had: the report of 755 incidents was 1,166 lines, too long for a meeting, a ticket or a chat."""
    return [
        (t, cols, rows if limit is None or n >= len(sections_) - WHOLE else rows[:limit], empty, note,
         0 if limit is None or n >= len(sections_) - WHOLE else max(0, len(rows) - limit))
        for n, (t, cols, rows, empty, note) in enumerate(sections_)
    ]  # fmt: skip


def more_line(more: int, limit: int | None) -> str:
    return f"… and {more} more not shown (--limit {limit}; --format json lists them all)"


def _headline(b: Board) -> str:
    left_out = (b.get("filtered") or {}).get("left_out", ())
    line = _counts_line(b["counts"], b["recurring"]["30"], left_out, (b.get("recurring_more") or {}).get("30", 0))
    held_not = did_not_hold_30(b)
    return f"{line[:-1]}; the fix did not hold in the last 30 days: {held_not}." if held_not else line


def did_not_hold_30(b: Board, most: int = 3) -> str:
    """The recurrences after a fix whose incident is in the last 30 days, by pattern, "disk-full (INC-…, INC-…)":
    the headline said "nothing recurred in the last 30 days" (no pattern had two incidents) while a fix marked
    done had just failed, named only in a table further down (found in review). "" when there is none."""
    from recur.util.dates import shift

    start = shift(dt.date.fromisoformat(b["as_of"]), -30).isoformat()  # as incidents_30 counts: after this day
    by_pattern: dict[str, list[str]] = {}
    for r in sorted(b["recurrence_after_fix"], key=lambda r: (r["incident_date"], r["incident"]), reverse=True):
        if r["incident_date"] > start:
            by_pattern.setdefault(r["pattern"], []).append(r["incident"])
    said = [f"{pid} ({', '.join(ids)})" for pid, ids in list(by_pattern.items())[:most]]
    more = len(by_pattern) - len(said)
    return ", ".join(said) + (f" and {plural(more, 'more pattern')}" if more else "")  # "1 more": incident?


RETIRED_SHOWN = 10  # ids named in the line of patterns retired with no date; then how many more


def retired_undated_line(b: Board) -> str | None:
    """What a board as of a past day says of the retired patterns that record no day they were retired (its
    ``retired_undated``), taken as retired on it as today, or None: `recur report`, MCP's problem_report and the
    site's board say it alike. Counted so without a word, a pattern retired after that day looked retired on it."""
    ids = b.get("retired_undated") or []
    if not ids:
        return None
    more = f" and {len(ids) - RETIRED_SHOWN} more" if len(ids) > RETIRED_SHOWN else ""
    one = len(ids) == 1
    return (
        f"{plural(len(ids), 'retired pattern')} {'records' if one else 'record'} no day {'it was' if one else 'they were'} "
        f"retired, so {'it is' if one else 'they are'} taken as retired on {b['as_of']} as today, "
        f"{'its' if one else 'their'} incidents counted for what replaced {'it' if one else 'them'}: "
        f"{', '.join(ids[:RETIRED_SHOWN])}{more}. Write retired: YYYY-MM-DD in a retired pattern's file, the day it "
        "was retired, to count it as in use before that day."
    )


def filtered_line(b: Board) -> str | None:
    """What a board narrowed to one owner (`recur report --owner`) shows and leaves out, under the title."""
    f = b.get("filtered")
    return filtered_sentence(f) if f else None


def candidates_cell(cands) -> str:
    """The stored candidates of an unlinked incident, for a table cell: "disk-full (medium), …"."""
    return ", ".join(f"{c['id']} ({c.get('confidence') or '?'})" for c in (cands or [])[:3]) or "-"


def _plain(text: str, **_style) -> str:
    return text


def _headline_count(r: dict) -> str:
    """ "5" or "5, 3 under old-id": a recurring row's count in the headline's bracket, no bracket inside it."""
    under = inherited_said(r)
    return f"{r['count']}, {under}" if under else str(r["count"])


def _counts_line(c: dict, recurring: list = (), left_out: tuple = (), more_30: int = 0) -> str:
    """The board's counts in one sentence, under the title of both renderings: with the incidents that need
    analysis and what recurred in the last 30 days (``recurring``: the board's ``recurring["30"]``), which
    it did not name, so a reader who stopped at it (a chat, a ticket) missed the two things a problem
    manager acts on first (found in review). ``left_out``: the lists a board narrowed to one owner has not
    (``filtered``), not counted as if none were pending. ``more_30``: the board's ``recurring_more["30"]``, the
    patterns that recurred past the list's cut, counted in "and N more" (which counted the rows shown alone)."""
    top = ", ".join(f"{r['pattern']} ({_headline_count(r)})" for r in recurring[:3])
    n_more = max(0, len(recurring) - 3) + more_30
    more = f" and {n_more} more" if n_more and top else ""
    reviews = "" if "reviews" in left_out else f"{plural(c['reviews_overdue'], 'review')}, "
    of = "of theirs " if left_out else ""  # what others own may well have
    return (
        f"{plural(c['incidents_30'], 'incident')} in the last 30 days, {c['incidents_90']} in 90; "
        f"{reviews}{plural(c['follow_ups_overdue'], 'follow-up')} and "
        f"{plural(c['fixes_overdue'], 'permanent fix', 'permanent fixes')} overdue"
        + (
            f"; {plural(c['follow_ups_no_due'], 'open follow-up')} with no due date"
            if c.get("follow_ups_no_due")
            else ""
        )
        + (
            f"; {plural(c['fixes_no_due'], 'open permanent fix', 'open permanent fixes')} with no due date"
            if c.get("fixes_no_due")
            else ""
        )
        + (
            ""
            if "unknown" in left_out
            else f"; {plural(c['unknown'], 'incident')} with no known pattern (needs analysis)"
        )
        + (f"; recurred in the last 30 days: {top}{more}." if top else f"; nothing {of}recurred in the last 30 days.")
    )


FIX_KEYS = ("status: done", "done: YYYY-MM-DD", "due: YYYY-MM-DD", "owner: NAME")


def fix_howto(code=str, flags: str = "") -> str:
    """How an open permanent fix is closed, moved or handed over: `recur fix`, or in its pattern's file, the keys of
    its ``fix:`` (docs/kb-format.md); ``code`` marks a command or key for the caller's format (the site's board: a
    code span), ``flags`` the run's --kb for the command (config.where_flags). The report's last line and the board
    said it of reviews, follow-ups and flags, not of the fixes, the longest overdue list (found in a problem
    manager's review); then only the file's keys, no command writing a fix."""
    done, day, due, owner = (code(k) for k in FIX_KEYS)
    cmd = code(f"recur fix {flags}PATTERN --done")
    moves = f"{code('--due YYYY-MM-DD')} to move it, {code('--owner NAME')} to hand it over"
    return (
        f"close a permanent fix with {cmd} once it is in ({moves}), or in its pattern's file "
        f"(patterns/CATEGORY/PATTERN.md in the KB), under fix: {done}, {day}; {due}; {owner}"
    )


def closing_line(b: Board, flags: str = "") -> str | None:
    """How the reviews, follow-ups, flags and permanent fixes listed are closed, when any is: the report is read
    in a weekly review, where "how do I mark it done?" was answered by "edit the YAML" (the site's board says
    the same under each list). ``flags``: config.where_flags of the run, put in each command (`recur report
    --kb kb2` named commands that read ./kb)."""
    c = b["counts"]
    fixes = fix_howto(flags=flags) if c.get("fixes_open") else ""
    if not (c["reviews_pending"] or c["follow_ups_open"] or c["flags_open"]):
        return fixes[0].upper() + fixes[1:] if fixes else None
    # a follow-up with no due date is given one from the command line too, no YAML to edit
    due = f"; give one with no due date its date: recur incident follow-up {flags}ID WHICH --due YYYY-MM-DD"
    return (
        f"Close them with: recur incident review {flags}ID --done · recur incident follow-up {flags}ID WHICH --done · "
        f"recur incident flag {flags}ID --done WHICH (WHICH: the number, ticket or words the list shows)"
        + (due if c.get("follow_ups_no_due") else "")
        + (f"; link one needing analysis to its pattern: recur incident link {flags}ID" if c.get("unknown") else "")
        + (f"; {fixes}" if fixes else "")
    )


def render_text(b: Board, style=_plain, limit: int | None = None, flags: str = "") -> str:
    """The board as terminal text; ``style`` (e.g. click.style) marks headings, plain by default;
    ``limit``: at most so many rows per list, the rest counted."""
    lines = [style(f"Problem-management review as of {b['as_of']}", bold=True)]
    lines += [x for x in (filtered_line(b), _headline(b), retired_undated_line(b)) if x] + [""]
    if b.get("left_out"):
        lines += [style(left_out_heading(b), bold=True), *(f"  {left_out_line(x)}" for x in b["left_out"]), ""]
    if b.get("unread"):
        lines += [style(unread_heading(b), bold=True), *(f"  {left_out_line(x)}" for x in b["unread"]), ""]
    if b.get("dated_after"):
        lines += [style(dated_after_heading(b), bold=True), *(f"  {dated_after_line(x)}" for x in b["dated_after"]), ""]
    for title, cols, rows, empty, note, more in _cut(sections(b, limit), limit):
        lines.append(style(title, bold=True))
        if not rows:
            lines += [f"  {empty or '(none)'}", ""]
            continue
        rows, notes = footnotes(rows)
        # by the columns a terminal gives each character: a CJK owner or title takes two, and padded by
        # len() the columns after it slid (found in review)
        widths = [max(display_width(str(r[i])) for r in rows + [cols]) for i in range(len(cols))]
        widths[-1] = 0  # the last column runs free
        for r in [cols] + rows:
            cells = (str(v) + " " * (w - display_width(str(v))) for v, w in zip(r, widths))
            lines.append("  " + "  ".join(cells).rstrip())
        lines += [f"  {more_line(more, limit)}"] if more else []
        lines += [f"  {x}" for x in notes]
        lines += [f"  {note}"] if note else []
        lines.append("")
    lines += [closing_line(b, flags) or ""]
    return "\n".join(lines).rstrip() + "\n"


# a code span as Markdown reads it (n backticks closed by n): text in it is shown as written
_SPAN = re.compile(r"(?<!\\)(`+)(.+?)(?<!`)\1(?!`)")


def _md_cell(v) -> str:
    """A KB value (an incident title, a flag) as a table cell: its text, not markup. "Checkout shows
    <blank> page" lost "<blank>" as an HTML tag wherever the review was pasted (a wiki, an issue);
    inside a code span the text is left as written, where Markdown shows it as text already."""
    s, out, at = str(v).replace("\n", " "), [], 0
    for m in _SPAN.finditer(s):
        out += [_md_text(s[at : m.start()]), m.group(0)]
        at = m.end()
    out.append(_md_text(s[at:]))
    return "".join(out).replace("|", "\\|")


def _md_text(s: str) -> str:
    """Text outside a code span: HTML escaped, and a link's brackets too, so "[Bob](https://evil.example/x)" in
    an owner's name is shown as written, not as a link somewhere else."""
    return html.escape(s, quote=False).replace("[", "\\[").replace("]", "\\]")


def _md_id(v, url: str | None) -> str:
    """An incident or pattern id in a table, linked to its page on the site when its URL is known."""
    return f"[{_md_cell(v)}]({url})" if url else _md_cell(v)


LINKED = {"latest": "incident"}  # a column of incident ids by another name: linked as the incident column


def render_markdown(b: Board, limit: int | None = None, urls: dict | None = None, flags: str = "") -> str:
    """The board as Markdown; ``limit`` as for ``render_text``; ``urls``: {"incident"|"pattern": {id: URL}},
    the pages of the site the ids of those columns link to (`recur report --site-url`)."""
    urls = urls or {}
    lines = [f"# Problem-management review — {b['as_of']}", ""]
    # the owner's name as the KB's owner fields spell it, anyone's by PR: text, as a table cell is, not markup
    only = filtered_line(b)
    undated = retired_undated_line(b)
    lines += [x for x in (only and _md_cell(only), _headline(b), undated and _md_cell(undated)) if x] + [""]
    if b.get("left_out"):
        lines += [
            f"**{left_out_heading(b)}**",
            "",
            *(f"- `{left_out_line(x)}`".replace("\n", " ") for x in b["left_out"]),
            "",
        ]
    if b.get("unread"):
        lines += [
            f"**{unread_heading(b)}**",
            "",
            *(f"- `{left_out_line(x)}`".replace("\n", " ") for x in b["unread"]),
            "",
        ]
    if b.get("dated_after"):
        lines += [
            f"**{dated_after_heading(b)}**",
            "",
            *(f"- {_md_cell(dated_after_line(x))}" for x in b["dated_after"]),
            "",
        ]
    for title, cols, rows, empty, note, more in _cut(sections(b, limit), limit):
        lines += [f"## {title}", ""]
        if not rows:
            lines += [empty or "None.", ""]
            continue
        rows, notes = footnotes(rows)
        lines.append("| " + " | ".join(_md_cell(x) or " " for x in cols) + " |")
        lines.append("|" + "---|" * len(cols))
        links = [urls.get(LINKED.get(c, c), {}) for c in cols]  # the incident and pattern columns' pages
        lines += ["| " + " | ".join(_md_id(x, u.get(x)) for x, u in zip(r, links)) + " |" for r in rows]
        lines += ["", f"*{more_line(more, limit)}*"] if more else []
        lines += ["", *(f"- {_md_cell(x)}" for x in notes)] if notes else []
        lines += ["", _md_cell(note)] if note else []
        lines.append("")
    closing = closing_line(b, flags)
    lines += [f"*{closing}*" if closing else ""]
    return "\n".join(lines).rstrip() + "\n"


def left_out_line(x: dict) -> str:
    """One file left out, as `recur check` prints it: ``path:line: field: message``."""
    return f"{x['path']}:{x['line']}: {x['field']}: {x['message']}"


def unread_heading(b: Board) -> str:
    return (
        f"Not read in this report: {plural(len(b['unread']), 'key')} that "
        f"{'looks' if len(b['unread']) == 1 else 'look'} like a misspelt one, what "
        f"{'it holds' if len(b['unread']) == 1 else 'they hold'} not counted (run: recur check)"
    )


def dated_after_heading(b: Board) -> str:
    return (
        f"Dated after {b['as_of']}: {plural(len(b['dated_after']), 'incident')} that cannot have happened yet (a date "
        "typo, or a clock ahead of UTC?), left out of the counts by date, trends and recurring lists; their "
        "reviews, follow-ups and flags are listed below (fix the date in the file, or run: recur check)"
    )


def dated_after_line(x: dict) -> str:
    return f"{x['incident']} dated {x['date']} ({plural(x['days_ahead'], 'day')} ahead): {x['path']}: {x['title']}"


def left_out_heading(b: Board) -> str:
    return (
        f"Left out of this report: {plural(len(b['left_out']), 'file')} with errors, their incidents "
        "and patterns not counted (run: recur check)"
    )


def failures(b: Board, fail_on: tuple, recurrence_days: int = RECURRENCE_DAYS) -> list[str]:
    """What fails ``--fail-on``; a file left out of the report fails any gate: it was not read, so
    the gate cannot vouch for it (an overdue incident with a YAML error passed); so does a key not read
    (``unread``: a ``follow-ups:`` hid its overdue follow-ups). ``recurrence``: the recurrences whose
    incident is within ``recurrence_days`` of ``as_of`` (``recent_recurrences``)."""
    from recur.problems.board import overdue_items

    out = (
        [f"{left_out_line(x)} (left out of the report: not checked)" for x in b.get("left_out", [])]
        + [f"{left_out_line(x)} (not read by the report: not checked)" for x in b.get("unread", [])]
        if fail_on
        else []
    )
    if "overdue" in fail_on:
        out += overdue_items(b)
    if "recurrence" in fail_on:
        out += [
            f"{r['incident']} matched {after_fix_pattern(r)} after its fix was done on {r['fix_done']}"
            for r in recent_recurrences(b, recurrence_days)
        ]
    if "unknown" in fail_on:
        out += [f"{u['incident']} has no known pattern" for u in b["unknown"]]
    return out


def recent_recurrences(b: Board, days: int) -> list[dict]:
    """The recurrences after a fix whose incident is in the last ``days`` days (``as_of - days < date``, as
    the recurring lists count them; 0: any date), the ones ``--fail-on recurrence`` counts: not those of a fix
    reopened since (``fix_reopened``), which the report lists and the gate leaves to the fixes' overdue gate."""
    rows = [r for r in b["recurrence_after_fix"] if not r.get("fix_reopened")]
    if not days:
        return rows
    from recur.util.dates import shift

    start = shift(dt.date.fromisoformat(b["as_of"]), -days).isoformat()
    return [r for r in rows if r["incident_date"] > start]


def recurrence_clears(days: int, flags: str = "") -> str:
    """What takes a recurrence off the gate, for its FAILED line (``flags``: the run's --kb, config.where_flags)."""
    window = f", or {days} days after the incident it leaves the gate" if days else ""
    return (
        f"; a recurrence clears when its pattern's fix is reopened (recur fix {flags}PATTERN --status open --due "
        "YYYY-MM-DD, or fix: status: open with a new due date in the pattern's file: the fix did not hold; its done: "
        f"day kept, so the report still lists the recurrence){window}"
    )
