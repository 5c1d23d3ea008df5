"""MCP's problem_report: the problem-management board (``problems.board.report_board``, what `recur report
--format json` prints) as an assistant can use it.

The tool answered with the terminal report as its text: 17,000 characters of fixed-width tables and sparklines
that ended with `recur incident …` commands the assistant cannot run, and its structured content had no page
``url`` with ``--site-url`` (found in an MCP integrator's review). The text here is short and bounded: the counts
in one line, what is overdue with its owner and due date, what recurred in the last 30 days, what recurred after
a fix and what needs analysis, each list at most ``limit`` items and "N more". The structured content is the
board, each item that has a KB ``path`` with its page's ``url`` when the site's URL is known; ``owner`` narrows it
to one owner's items by the rule `recur report --owner` follows (``problems.owner.for_owner``: the same items,
counts and ``filtered``), and its lists are cut as the text's are, to ``limit`` items (``SHOWN`` left out), ``more``
counting what each has after the page; the counts stay whole. Left out, the limit cut the text alone, and the
structured content was the whole board: 577 KB on 2,000 patterns and 4,000 incidents, where the text was 5.7 KB (a
scale review). ``cursor`` (the answer's ``next_cursor``: ``FROM`` and a count) pages on through every list at once,
in the text and the structured content, as list_patterns' cursor pages its patterns: past the limit, the rest of a
list could be had only by narrowing the board to one owner. ``since`` (a board built with `recur report --since`'s
day) is said first, its counts in `recur report`'s words and its rows a line each, cut and paged as the lists are.
"""

from __future__ import annotations

import re
from functools import partial

from recur.problems.board import UNOWNED, Board, owner_key, owner_names
from recur.problems.owner import (
    NOT_OWNED,
    OWNED,
    board_owners,
    filtered_sentence,
    for_owner,
    nothing_owned,
    owns_nothing,
)
from recur.problems.report import (
    after_fix_count,
    after_fix_group_pattern,
    fix_state,
    fix_words,
    inherited_said,
    retired_undated_line,
    review_owner,
)
from recur.retrieval.patterns import MAX_INCIDENTS as MOST  # problem_report's largest limit
from recur.retrieval.patterns import bad_cursor
from recur.util.errors import RecurError
from recur.util.text import cut, plural

SHOWN = 10  # items per list, in the text and the structured content, when no limit is given
# the lists ``limit`` cuts (recurring: each window's) and whose rows get their page's ``url`` (each names a KB file,
# ``path``; the recurring rows name a pattern by id alone, and get none): those someone owns
# (``owner`` keeps them by the owner's name, as `recur report --owner` does: ``problems.owner``), those of no one
# (``owner`` empties them), the recurrences after a fix (kept by their fix's owner) and the incidents dated after
# today (no one's work but a record to correct, kept whole by ``owner`` as ``left_out`` is). By ``problems.owner``'s
# own tuples: written out, the open fixes with no due date were left out, never cut by ``limit`` nor given a url;
# so were the incidents dated after today, the one list of KB files ``problems.owner`` does not name
CUT = (*OWNED, *NOT_OWNED, "recurrence_after_fix", "recurrence_after_fix_by_pattern", "dated_after")
# problem_report's cursor: this, then how many items of each list the pages before it listed. An offset, not an
# id as list_patterns' (after:ID): the board's lists are not sorted by a key a page could go on after, and an
# item done between two pages leaves its list (the next page then starts one later than the item it held)
FROM = "from:"
_CURSOR = re.compile(re.escape(FROM) + r"(\d{1,9})")


def board_start(cursor: str | None) -> int:
    """Where in each list the page after ``cursor`` (problem_report's ``next_cursor``) starts; None: the first."""
    if cursor is None:
        return 0
    given = _CURSOR.fullmatch(cursor.strip())
    if given is None:
        raise bad_cursor(cursor)
    return int(given[1])


def board_answer(
    board: Board, *, owner: str | None, limit: int | None, paged, known=(), start: int = 0
) -> tuple[Board, str]:
    """(structured, text) of problem_report. ``board``: built for ``owner`` (``report_board``'s ``owner``: its
    recurring lists ranked among the owner's patterns before the cut); ``paged(rows)``: the rows with their pages'
    ``url`` (mcp_server.with_urls with the server's site URL); ``known``: the KB's owners (``kb_owners``);
    ``start``: where the page starts in each list (``board_start`` of the call's cursor)."""
    b = dict(board)
    if owner is not None:  # the one rule of `recur report --owner`
        try:
            b = for_owner(b, owner)
        except RecurError as exc:  # a blank name (" @ "): the tool's invalid_request, naming the argument
            raise RecurError(f"owner: {exc}") from None
    for name in CUT:
        b[name] = paged(b[name])
    shown = limit or SHOWN
    whole = b
    b = {**b, "recurring": dict(b["recurring"])}
    if "since" in b:  # its rows cut and paged as the lists are; its counts whole
        b["since"] = {**b["since"], "rows": paged(b["since"]["rows"])}
    b["more"] = _cut(b, shown, start)  # the text's "… and N more", list by list: after this page
    # as list_patterns': the next page's cursor while any list goes on past this page, else null
    b["next_cursor"] = f"{FROM}{start + shown}" if b["more"] else None
    # the text's headline counts the whole KB, then says what the owner owns (the structured counts are the owner's)
    text = board_text(
        {**whole, "counts": board["counts"]}, b, shown, owners=board_owners(board), known=known, start=start,
        next_cursor=b["next_cursor"],
    )  # fmt: skip
    return b, text


def _cut(b: Board, limit: int, start: int = 0) -> dict:
    """Each list of ``b`` cut to its ``limit`` items from ``start``, in place; {list: how many come after} of those
    that go on past the page."""
    more = {}
    end = start + limit
    for name in CUT:
        if len(b[name]) > end:
            more[name] = len(b[name]) - end
        b[name] = b[name][start:end]
    for days, rows in b["recurring"].items():
        if len(rows) > end:
            more[f"recurring_{days}"] = len(rows) - end
        b["recurring"][days] = rows[start:end]
    if "since" in b:
        rows = b["since"]["rows"]
        if len(rows) > end:
            more["since"] = len(rows) - end
        b["since"]["rows"] = rows[start:end]
    return more


def board_text(  # long: one section after another, each bounded and paged alike
    b: Board,
    page: Board,
    shown: int,
    owners: list[str] | None = None,
    known=(),
    start: int = 0,
    next_cursor: str | None = None,
) -> str:
    """The board in a few bounded lists (``shown`` items each from ``start``, as problem_report cuts its
    structured content's lists), for a model and for a person whose client shows the text; ``page``: that
    structured content (board_answer's cut board), whose pages of the lists the text shows as they are (the
    recurring, the recurrences after a fix, needs analysis) it reads, not cut again; ``owners``: the whole
    board's (``board_owners``), named when a board narrowed to one owner lists nothing (a misspelt name?), with the
    did-you-mean of those and of ``known`` (``kb_owners``: an owner with nothing open today too, as `recur report
    --owner` reads one; MCP had no did-you-mean for them, found in review); ``next_cursor``: the answer's, said
    when a list the text does not show goes on past this page."""
    lines = [_headline(b)]
    end = start + shown
    if start:  # a later page: which items, the counts still the whole board's
        lines.append(f'{_span(start, end, "Item")} of each list (cursor="{FROM}{start}"); the counts are all of them.')
    if undated := retired_undated_line(b):  # a board as of a past day: what it could not tell of retired patterns
        lines.append(undated)
    if b.get("filtered"):
        f = b["filtered"]
        lines.append(filtered_sentence(f))  # `recur report --owner`'s: this one left out the reviews it lists
        if owns_nothing(b):
            lines.append(f"{nothing_owned(f['owner'], owners or [], known, b.get('owner_aliases'))}.")
    if b.get("since"):  # `recur report --since`'s line: what came after the last review, before the rest
        lines.append(_since_said(b["since"]))
    # one owner's board lists all their open work, the overdue first (a team asks what it owes, not only what is late)
    mine = bool(b.get("filtered"))
    overdue_fixes = _late_first(b["fixes"]) if mine else [f for f in b["fixes"] if f.get("overdue")]
    overdue_follow_ups = _late_first(b["follow_ups"]) if mine else [f for f in b["follow_ups"] if f.get("overdue")]
    # one owner's pending reviews, all of them, as `recur report --owner` lists them: only the overdue ones were, so
    # alice's one review not yet due was on no line of the text (found in review)
    overdue_reviews = _late_first(b["reviews"]) if mine else [r for r in b["reviews"] if r.get("overdue")]
    # (title, the whole list, its page, line): the overdue lists are the text's own (a filter of the board's, or
    # one owner's reordered), paged here; the others are the structured content's, paged by board_answer
    named = owner_names(b)  # one person one name in every line, as By owner names them (`recur report`'s rows too)
    since = (  # first, as `recur report --since` lists it: what came since the last review
        [(f"Since {b['since']['date']}, newest first", b["since"]["rows"], page["since"]["rows"], partial(
            _since_line, named=named))]
        if b.get("since")
        else []
    )  # fmt: skip
    sections = since + [
        (
            "Open permanent fixes, overdue first" if mine else "Overdue permanent fixes",
            overdue_fixes,
            None,
            partial(_fix_line, named=named),
        ),
        (
            "Open follow-ups, overdue first" if mine else "Overdue follow-ups",
            overdue_follow_ups,
            None,
            partial(_follow_up_line, named=named),
        ),
        (
            "Pending reviews, overdue first" if mine else "Overdue reviews",
            overdue_reviews,
            None,
            partial(_review_line, named=named),
        ),
        (
            "Recurred in the last 30 days",
            b["recurring"]["30"],
            page["recurring"]["30"],
            partial(_recurring_line, named=named),
        ),
        (  # one line a pattern, newest first, as `recur report` lists them; each incident in the structured content
            "Recurred after a permanent fix, by pattern",
            b["recurrence_after_fix_by_pattern"],
            page["recurrence_after_fix_by_pattern"],
            _after_fix_line,
        ),
        ("Needs analysis (no known pattern)", b["unknown"], page["unknown"], _unknown_line),
    ]
    sections = [
        (title, rows, rows[start:end] if paged is None else paged, line) for title, rows, paged, line in sections
    ]
    # the next page by its cursor (list_patterns' words), or a larger limit while there is one to ask for
    where = f'pass cursor="{FROM}{end}" for more' + (f", or a larger limit, up to {MOST}" if shown < MOST else "")
    said_more = False
    for title, rows, page_rows, line in sections:
        if not rows and title.startswith("Recurred in") and not start:  # asked first by a problem manager: said
            whose = " of the patterns whose fix they own" if b.get("filtered") else ""
            lines += ["", f"Nothing{whose} recurred in the last 30 days (no pattern matched two or more incidents)."]
        if page_rows:
            span = f"; {_span(start, start + len(page_rows))}" if start else ""
            lines += ["", f"{title} ({len(rows)}{span}):"] + [f"- {line(r)}" for r in page_rows]
        if len(rows) > end:
            lines += [f"- … and {len(rows) - end} more ({where})"]
            said_more = True
    if next_cursor and not said_more:  # only lists the text leaves out go on (triage, flags, …): where they do
        lines += ["", f'The structured content\'s lists go on: pass cursor="{next_cursor}" for the next page.']
    elif start and not next_cursor and not any(page_rows for _, _, page_rows, _ in sections):
        lines += ["", "None of these lists goes on past the cursor: the pages before listed them all."]
    if b.get("left_out") or b.get("unread"):
        n = len(b.get("left_out") or []) + len(b.get("unread") or [])
        lines += [
            "",
            f"{plural(n, 'file')} of the knowledge base {'is' if n == 1 else 'are'} not counted on this board (left_out, unread).",
        ]
    return "\n".join(lines)


def _span(start: int, end: int, word: str = "") -> str:
    """Items ``start`` (0-based) to ``end`` (past the last) as read: "Items 6 to 10", "Item 2"; "6 to 10", "2"."""
    if end - start == 1:
        return f"{word} {end}".strip()
    return f"{word}s {start + 1} to {end}" if word else f"{start + 1} to {end}"


def _who(f: dict, no_one: str = "no one") -> str:
    """The owner a board was narrowed to, as the text names them: ``(unowned)`` is no one."""
    return no_one if owner_key(f["owner"]) == owner_key(UNOWNED) else f["owner"]


def _late_first(items: list) -> list:
    return sorted(items, key=lambda i: not i.get("overdue"))  # stable: the board's order within each


def _fixes(n: int) -> str:
    return plural(n, "open permanent fix", "open permanent fixes")


def _headline(b: Board) -> str:
    c = b["counts"]
    head = (
        f"Problem board as of {b['as_of']}: {plural(c['incidents_30'], 'incident')} in the last 30 days, "
        f"{c['incidents_90']} in 90; overdue: {c['fixes_overdue']} of {_fixes(c['fixes_open'])}, "
        f"{c['follow_ups_overdue']} of {plural(c['follow_ups_open'], 'open follow-up')}, {c['reviews_overdue']} of "
        f"{plural(c['reviews_pending'], 'pending review')}; {plural(c['unknown'], 'incident')} "
        f"{'needs' if c['unknown'] == 1 else 'need'} analysis (no known pattern); "
        f"{after_fix_count(b)} recurred after a fix; {plural(c['flags_open'], 'open flag')}."
    )
    if not b.get("filtered"):
        return head
    # the owner's pending reviews too: "alice owns 0 open permanent fixes, ... 0 open follow-ups" of an owner whose
    # one item was a review (structured reviews_pending: 1) said she owned nothing (found in review)
    fixes, follow_ups, reviews = b["fixes"], b["follow_ups"], b["reviews"]
    late = [sum(1 for x in items if x.get("overdue")) for items in (fixes, follow_ups, reviews)]
    return (
        f"{head}\n{_who(b['filtered'], 'No one')} owns {_fixes(len(fixes))}, {late[0]} overdue, "
        f"{plural(len(follow_ups), 'open follow-up')}, {late[1]} overdue, and "
        f"{plural(len(reviews), 'pending review')}, {late[2]} overdue."
    )


TITLE = 120  # characters of a title in the text: a recorded title runs to any length (one of 100,000 was found)


def _short(title) -> str:
    return cut(title or "", TITLE)


def _page(row: dict) -> str:
    return f" {row['url']}" if row.get("url") else ""


def _late(item: dict) -> str:
    return f", {item['days_overdue']} days late" if item.get("overdue") else ""


def _fix_line(f: dict, named) -> str:
    return (
        f"{f['pattern']}: {_short(f['title'])} ({f['status']}; owner {_owner(f, named)}, due {f['due'] or '-'}"
        f"{_late(f)}){_page(f)}"
    )


def _owner(item: dict, named) -> str:
    """An item's owner as By owner names them (``named``: the board's ``owner_names``), "none" for no one."""
    return named(item["owner"]) if item.get("owner") else "none"


def _follow_up_line(f: dict, named) -> str:
    ticket = f" [{f['ticket']}]" if f.get("ticket") else ""
    return (
        f"{f['incident']}{ticket}: {_short(f['title'])} (owner {_owner(f, named)}, due {f['due'] or '-'}{_late(f)})"
        f"{_page(f)}"
    )


def _review_line(r: dict, named) -> str:
    # who holds it (review.owner), "none" as the follow-up and fix lines say it: an unlabelled ", alice", and
    # nothing for a review no one holds, which `recur report` shows as (unowned) (found in a manager's review)
    owner = f", owner {review_owner(r, named) if r.get('default_owner') else _owner(r, named)}"
    return (
        f"{r['incident']}: {_short(r['title'])} ({r['severity']}, {r['level']} review due {r['due']}{owner}{_late(r)})"
        f"{_page(r)}"
    )


def _recurring_line(r: dict, named) -> str:
    """A recurring pattern with its fix's state by the one rule (``fix_state``) `recur report`'s fix column and the
    site's board follow: a done fix the pattern recurred after "did not hold" (this text had its own rule, and
    said "fix done" of it as of one that held)."""
    under = f", {inherited_said(r)}" if r.get("incidents_inherited") else ""  # which came under a replaced id
    return f"{r['pattern']}: {_short(r['title'])} ({r['count']} incidents{under}, last {r['last']}; {_fix(r, named)})"


def _fix(r: dict, named) -> str:
    """A pattern's permanent fix in a few words (a recurring row's, or a ``since`` row's with its date as ``last``),
    by ``fix_state``'s rule: "fix open, owner team-b, due 2026-05-15, 17 days late", "fix done 2026-03-01, did not
    hold", "no permanent fix recorded", "retired, superseded by ..."."""
    parts = fix_state(r)
    if parts["kind"] == "retired":
        return fix_words(parts, ", ".join(parts["successors"]))
    if parts["kind"] == "none":
        return "no permanent fix recorded"
    f = parts["fix"]
    fix = f"fix {fix_words(parts)}" + (f", owner {_owner(f, named)}" if f.get("owner") else "")
    if parts["kind"] == "open":  # by when, and how late: a fix still to chase
        fix += (f", due {f['due']}" if f.get("due") else "") + _late(f)
    return fix


def _since_said(n: dict) -> str:
    """The ``since`` counts in `recur report --since`'s words, and its words when nothing came after the day."""
    if not n["incidents"]:
        return f"No incident after {n['date']}."
    return (
        f"Since {n['date']}: {plural(n['incidents'], 'incident')}, {n['repeats']} of a pattern seen before, "
        f"{n['needs_analysis']} with no known pattern."
    )


def _since_line(r: dict, named) -> str:
    """A row of ``since``: an incident after the last review, with the pattern it counts for, how often that pattern
    struck before, and its fix (as `recur report --since` lists them); "needs analysis" when it has no known one."""
    if r["pattern"] is None:
        what = "needs analysis (no known pattern)"
    else:
        under = f" (under {r['under']})" if r.get("under") else ""
        seen = f"seen {plural(r['seen_before'], 'time')} before" if r["seen_before"] else "new"
        what = f"{r['pattern']}{under}, {seen}; {_fix({**r, 'last': r['date']}, named)}"
    return f"{r['incident']}: {_short(r['title'])} ({r['severity']}, {r['date']}; {what}){_page(r)}"


def _after_fix_line(g: dict) -> str:
    """A pattern's recurrences after its fix (a row of ``recurrence_after_fix_by_pattern``): how many since the fix
    was done, how many in the last 30 days, and the newest, linked; the structured ``recurrence_after_fix`` has
    each incident."""
    reopened = "; the fix is reopened" if g.get("fix_reopened") else ""
    return (
        f"{after_fix_group_pattern(g)}: {_short(g['pattern_title'])}, fix done {g['fix_done']}{reopened}: "
        f"{plural(g['incidents'], 'incident')} since ({g['incidents_30']} in the last 30 days), the latest "
        f"{g['latest_days_after_fix']} days after the fix: {g['latest']} ({g['latest_date']}){_page(g)}"
    )


def _unknown_line(u: dict) -> str:
    closest = ", ".join(f"{c['id']} ({c.get('confidence') or '?'})" for c in (u.get("candidates") or [])[:2])
    return (
        f"{u['incident']}: {_short(u['title'])} ({u['severity']}, {u['date']})"
        + (f"; closest: {closest}" if closest else "")
        + _page(u)
    )
