"""The incidents one by one, as `recur incident list` shows them: newest first, each with what the board
asks of it (a known pattern, or "needs analysis"; its follow-ups open on the day), filtered by date, by
pattern or to those needing analysis. Finding an incident's id meant `ls kb/incidents/2026/` and opening
files ("No such command" for `recur incident list`, found in a problem manager's review).

A pure function of the KB and the date, as ``board`` is, with its rules: an incident dated after
``as_of`` is not listed yet; needs analysis, open follow-ups and an overdue one are ``board.needs_analysis``,
``board.follow_up_open`` and ``board.is_overdue``, so the list and the board cannot disagree.

Keys of each row (``recur incident list --json``, docs/cli.md): ``id``, ``date`` (ISO), ``severity``,
``title``, ``patterns`` (the ids it links, in its order), ``needs_analysis`` (no known pattern: it links
none, or only drafts ``recur import`` wrote that no person has promoted), ``follow_ups_open``,
``follow_ups_overdue`` (counts on ``as_of``), ``path`` (the record, relative to the KB).
"""

from __future__ import annotations

import datetime as dt

from recur.problems.board import follow_up_open, is_overdue, needs_analysis


def incident_rows(kb, as_of: dt.date, *, since: dt.date | None = None, pattern: str | None = None,
                  unlinked: bool = False) -> list[dict]:  # fmt: skip
    """The incidents of ``kb`` dated ``since`` (when given) to ``as_of``, newest first (on one day, the
    higher id first: the later recorded), linked to ``pattern`` (when given), needing analysis alone
    (``unlinked``)."""
    drafts = kb.import_drafts()
    rows = []
    for i in sorted(kb.incidents.values(), key=lambda i: (i.date, i.id), reverse=True):
        if i.date > as_of or (since is not None and i.date < since) or (pattern and pattern not in i.patterns):
            continue
        unknown = needs_analysis(i, drafts)
        if unlinked and not unknown:
            continue
        open_now = [f for f in i.follow_ups if follow_up_open(f, as_of)]
        rows.append(
            {
                "id": i.id,
                "date": i.date.isoformat(),
                "severity": i.severity,
                "title": i.title,
                "patterns": list(dict.fromkeys(i.patterns)),
                "needs_analysis": unknown,
                "follow_ups_open": len(open_now),
                "follow_ups_overdue": sum(1 for f in open_now if is_overdue(f.due, as_of)),
                "path": i.relpath,
            }
        )
    return rows
