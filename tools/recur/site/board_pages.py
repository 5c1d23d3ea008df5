"""The problem-management board and trends, laid out from ``problems.board`` (computed once, there)."""

from __future__ import annotations

import datetime as dt

from recur.problems.board import Board, month_so_far, other_dues_note, owner_names, owner_of, quarter_label
from recur.problems.report import (
    BY_OWNER,
    DEFAULT_OWNER_NOTE,
    after_fix_count,
    after_fix_groups,
    fix_done_cell,
    fix_howto,
    fix_state,
    fix_words,
    inherited_said,
    recurring_more_note,
    retired_undated_line,
    review_owner,
    unknown_cell,
)
from recur.site import charts
from recur.site.context import BOARD, BY_SEVERITY, LEVELS_ANCHOR, TRENDS, Site
from recur.site.md import badge, card_table, esc, front_matter, href, html_table, mdlink, raw, title_html, unsearched
from recur.util.text import plural


def _late(item: dict) -> str:
    return badge(f"overdue {item['days_overdue']}d", "overdue") if item.get("overdue") else ""


def _due(item: dict) -> str:
    """The due date, and a note when its ticket is due another day elsewhere on the board (recur check warns)."""
    note = other_dues_note(item)
    return esc(item["due"] or "-") + (f'<br><small class="recur-other-due">{esc(note)}</small>' if note else "")


def _pl(site: Site, page: str, pid: str, title: str | None = None) -> str:
    return site.pattern_link(page, pid, title)


def _il(site: Site, page: str, iid: str) -> str:
    return site.incident_link(page, iid)


# each tile links to the section of the board that lists what it counts (the incident counts, to the trends)
SECTIONS = {"fixes": "fixes", "reviews": "reviews", "follow_ups": "follow-ups", "unknown": "needs-analysis",
            "flags": "flags", "after_fix": "recurred-after-fix", "no_due": "follow-ups-no-due",
            "recurring": "recurring"}
# a fix with no incident and no `created:` has no day to count from: its row shows "-" (said, as the
# legend promised an age every row did not have; found in review)
AGE_LEGEND = ("**Age** counts days up to the as-of date: for a permanent fix, from the first incident of its "
              "pattern (or the day the pattern was written, its `created:`, if no incident matched it yet; "
              "`-` when it has neither); for a follow-up, a flag or an incident that needs analysis, from the "
              "incident's date.\n")


def _tiles(b: Board) -> str:
    """The board's counts as tiles, each linking to what it counts; the recurrences after a fix said as `recur
    report` and MCP say them (``after_fix_count``): "Recurred after fix" over an incident count read as patterns."""
    c, trends = b["counts"], href(BOARD, TRENDS)
    after_fix = after_fix_count(b, number=False)
    tiles = [("Permanent fixes open", c["fixes_open"], c["fixes_overdue"], "#" + SECTIONS["fixes"]),
             ("Reviews pending", c["reviews_pending"], c["reviews_overdue"], "#" + SECTIONS["reviews"]),
             ("Follow-ups open", c["follow_ups_open"], c["follow_ups_overdue"], "#" + SECTIONS["follow_ups"]),
             ("Needs analysis", c["unknown"], None, "#" + SECTIONS["unknown"]),
             ("Flags open", c["flags_open"], None, "#" + SECTIONS["flags"]),
             (f"{after_fix[0].upper()}{after_fix[1:]} recurred after a fix", c["recurrence_after_fix"], None,
              "#" + SECTIONS["after_fix"]),
             ("Incidents, last 30 days", c["incidents_30"], None, trends),
             ("Incidents, last 90 days", c["incidents_90"], None, trends)]
    out = []
    for label, n, late, target in tiles:
        sub = f'<span class="recur-tile-late">{late} overdue</span>' if late else ""
        out.append(f'<a class="recur-tile" href="{target}"><span class="recur-tile-n">{n}</span>'
                   f'<span class="recur-tile-label">{esc(label)}</span>{sub}</a>')
    return raw('<section class="recur-tiles" data-search-exclude>\n' + "\n".join(out) + "\n</section>")


def _not_counted(site: Site, b: dict) -> list:
    """What the board could not count, said on it as `recur report` says it: a file with errors is left
    out (its overdue review vanished from the board, said only in the build's log) and a key that looks
    misspelt (``follow-ups:``) is not read. The paths are the KB's (``site.hook``), not the build machine's."""
    said = [(x, "left out: the file has errors") for x in b.get("left_out", [])]
    said += [(x, "not read: a key that looks misspelt") for x in b.get("unread", [])]
    if not said:
        return []
    items = "".join(
        f"<li><code>{esc(x['path'])}:{x['line']}</code> {esc(x['field'])}: {esc(x['message'])} "
        f"<i>({why})</i></li>"
        for x, why in said
    )
    return [raw(f'<div class="admonition warning" data-search-exclude><p class="admonition-title">Not counted on '
                f"this board: {plural(len(said), 'problem')} in the KB's files; fix them (<code>recur check</code>)</p>"
                f"<ul>{items}</ul></div>")]  # fmt: skip


def _retired_undated(b: dict) -> list:
    """A board as of a past day (``RECUR_AS_OF``) says which retired patterns it took as retired on it for want
    of a ``retired:`` date, as `recur report` says it (``retired_undated_line``)."""
    line = retired_undated_line(b)
    return [raw(f'<p class="recur-retired-undated" data-search-exclude>{esc(line)}</p>')] if line else []


def board_page(site: Site) -> str:
    b, page = site.board, BOARD
    out = [front_matter(title="Problem board", hide=["navigation"]), "# Problem board\n",
           f"As of **{b['as_of']}**. " + mdlink(page, TRENDS, "Trends and charts") + "\n", _tiles(b),
           *_not_counted(site, b), *_retired_undated(b), AGE_LEGEND]

    # the reviews each owner holds are counted here too (the heading named fixes and follow-ups only); the id
    # the old heading had is kept, so links to it still land
    out.append("## Open fixes, follow-ups and reviews by owner {#open-fixes-and-follow-ups-by-owner}\n")
    # every count shown, 0 too: a blank "overdue" beside a 0 "open" read as a missing number; in the board's
    # order (by owner, the unowned last), as recur report and the tables below list owners; `recur report`'s
    # columns (the reviews each holds, by review.owner, too)
    rows = [[esc(o), *(str(v.get(k, 0)) for k, _ in BY_OWNER)] for o, v in b["by_owner"].items()]
    out.append(card_table(["owner", *(name for _, name in BY_OWNER)], rows, "Nothing open.\n"))
    out += _work_tables(site, b, page)
    out += _analysis_tables(site, b, page)
    out += _recurring_tables(site, b, page)
    # indexed: the title and what comes before the tables (unsearched: their rows would crowd out the patterns)
    return unsearched("\n".join(out))


def _recurring_tables(site: Site, b: dict, page: str) -> list:
    """What keeps recurring, last 30 and 90 days, from the board's own lists (``recurring``, as `recur report`
    lays them out), each pattern with its permanent fix: the board page had no such section, only a bar
    chart on the trends page and the home page's 90-day table, so "is it being fixed, by whom, by when"
    meant opening each pattern (found in a problem manager's review)."""
    out = [f"## What keeps recurring {{#{SECTIONS['recurring']}}}\n\nPatterns matched by two or more incidents "
           "in the window, most first, with their permanent fix. As a chart: " + mdlink(page, TRENDS, "trends")
           + ".\n"]
    named = owner_names(b)  # once for both tables, not per row
    for days in ("30", "90"):
        out.append(f"### Last {days} days {{#{SECTIONS['recurring']}-{days}}}\n")
        rows = [[_pl(site, page, r["pattern"], r["title"]), site.count_html(page, r), esc(r["last"]),
                 *_fix_cells(site, page, r, named)] for r in b["recurring"][days]]
        out.append(card_table(["pattern", "incidents", "last", "fix", "overdue", "owner", "due"], rows,
                             f"Nothing recurred: no pattern matched two or more incidents in the last {days} days.\n"))
        note = recurring_more_note(b, days)  # the list is cut at ten rows: say what it leaves out, as the report does
        if note:
            out.append(f"{note}.\n")
    return out


def _fix_cells(site: Site, page: str, r: dict, named) -> list:
    """A recurring pattern's fix as the fixes table shows one: its state (``fix_state``, as `recur report` has
    it), the overdue badge, whose (``named``: the board's ``owner_names``), due when; a retired pattern links what
    replaced it (no fix to chase)."""
    parts = fix_state(r)
    if parts["kind"] == "retired":
        after = site.successor_links(page, site.kb.patterns[r["pattern"]]) if r["pattern"] in site.kb.patterns else ""
        return [fix_words(parts, after), "", "-", "-"]
    if parts["kind"] == "none":
        return [fix_words(parts), "", "-", "-"]
    f = parts["fix"]
    return [fix_words(parts, text=esc), _late(f), esc(named(f["owner"])), esc(f["due"] or "-")]


# In the fixes, reviews and follow-ups tables "overdue" comes right after the item's name: on a phone a
# table shows its first columns and scrolls sideways for the rest, and the overdue badge is what a
# problem manager reads it for (board.json and recur report keep their own order).
def _work_tables(site: Site, b: dict, page: str) -> list:
    how = fix_howto(lambda k: f"`{k}`")
    out = [f"## Open and overdue permanent fixes {{#{SECTIONS['fixes']}}}\n\n{how[0].upper() + how[1:]}.\n"]
    named = owner_names(b)  # one person one name, as By owner names them
    rows = [[_pl(site, page, f["pattern"], f["title"]), _late(f), esc(named(f["owner"])), esc(f["status"]),
             _due(f), f"{f['age_days']}d" if f["age_days"] is not None else "-",
             site.count_html(page, f, "incidents"), esc(", ".join(f["tickets"]) or "-")] for f in b["fixes"]]
    out.append(card_table(["pattern", "overdue", "owner", "status", "due", "age", "incidents", "tickets"], rows,
                         "No open permanent fixes.\n"))

    framework = mdlink(page, BY_SEVERITY, "the severity framework", LEVELS_ANCHOR)
    out.append(f"## Reviews pending or overdue {{#{SECTIONS['reviews']}}}\n\nUnder {framework}: each "
               "severity sets the review level and how many days it may take. Held: `recur incident review ID "
               "--done`; postponed: `recur incident review ID --due YYYY-MM-DD`.\n")
    # who holds it (review.owner): an overdue review named no one to chase
    rows = [[_il(site, page, r["incident"]), _late(r), esc(review_owner(r, named)), esc(site.sev_label(r["severity"])),
             esc(r["level"]), esc(r["due"] or "-"), title_html(r["title"])] for r in b["reviews"]]
    out.append(card_table(["incident", "overdue", "owner", "severity", "review", "due", "title"], rows,
                          "No review pending.\n"))
    if any(r.get("default_owner") and not r.get("owner") for r in b["reviews"]):  # as `recur report` notes it
        out.append(f"{esc(DEFAULT_OWNER_NOTE)}.\n")

    out.append(f"## Open follow-ups {{#{SECTIONS['follow_ups']}}}\n\nDone: `recur incident follow-up ID WHICH --done` "
               "(WHICH: its number, ticket or title words).\n")
    aliases = b.get("owner_aliases") or {}
    rows = [[title_html(f["title"]), _late(f), esc(named(f["owner"])), _il(site, page, f["incident"]), _due(f),
             f"{f['age_days']}d", esc(f["ticket"] or "-")]
            for f in sorted(b["follow_ups"], key=lambda f: _owner_then_most_overdue(f, aliases))]
    out.append(card_table(["follow-up", "overdue", "owner", "incident", "due", "age", "ticket"], rows,
                         "No open follow-up.\n"))
    return out + _no_due_table(site, b, page)


def _no_due_table(site: Site, b: dict, page: str) -> list:
    """The open follow-ups with no due date, apart, as `recur report` lists them: never overdue, no tile
    or overdue badge points them out (board.json had them; the page did not say them)."""
    out = [f"## Follow-ups with no due date {{#{SECTIONS['no_due']}}}\n\nNever overdue, so nothing else on "
           "this board points them out; oldest first. Give each one: `recur incident follow-up ID WHICH --due "
           "YYYY-MM-DD` (WHICH: its number, ticket or title words).\n"]
    named = owner_names(b)
    rows = [[title_html(f["title"]), esc(named(f["owner"])), _il(site, page, f["incident"]), f"{f['age_days']}d",
             esc(f["ticket"] or "-")] for f in b.get("follow_ups_no_due", [])]
    out.append(card_table(["follow-up", "owner", "incident", "age", "ticket"], rows,
                         "None: every open follow-up has a due date.\n"))
    return out


def _analysis_tables(site: Site, b: dict, page: str) -> list:
    out = [f"## Needs analysis {{#{SECTIONS['unknown']}}}\n\nIncidents that matched no known pattern: analyse them "
           "and write the pattern.\n"]
    rows = [[_il(site, page, u["incident"]), esc(u["date"]), esc(site.sev_label(u["severity"])), esc(", ".join(u["services"]) or "-"),
             f"{u['age_days']}d", esc(unknown_cell(u)), title_html(u["title"])] for u in b["unknown"]]
    out.append(card_table(["incident", "date", "severity", "services", "age", "candidates", "title"], rows,
                         "Every incident has a pattern.\n"))
    if b.get("triage"):
        out.append("## Needs triage\n\nImported postmortems that did not say these fields: a placeholder was recorded.\n")
        rows = [[_il(site, page, t["incident"]), esc(t["date"]), esc(site.sev_label(t["severity"])), esc(", ".join(t["fields"])),
                 title_html(t["title"])] for t in b["triage"]]
        out.append(card_table(["incident", "date", "severity", "placeholders", "title"], rows, ""))

    out.append(f'## "Dig into this later" {{#{SECTIONS["flags"]}}}\n\nFlags set during the response and not yet '
               "addressed. Looked into: `recur incident flag ID --done WHICH --note \"what was found\"`.\n")
    rows = [[_il(site, page, f["incident"]), esc(f["date"]), f"{f['age_days']}d", esc(f["text"]) +
             (f" ({esc(f['note'])})" if f.get("note") else "")] for f in b["flags"]]
    out.append(card_table(["incident", "date", "age", "flag"], rows, "No open flag.\n"))

    # one row a pattern, newest first: every incident since any date grew without end (recur report's rule)
    out.append(f"## Recurred after the fix {{#{SECTIONS['after_fix']}}}\n\nThe permanent fix was marked done, yet "
               f"the pattern struck again: {esc(after_fix_count(b))}, one row a pattern, newest first. Each "
               "pattern's page lists its incidents after the fix; `board.json` every one (`recurrence_after_fix`).\n")
    rows = [[_pl(site, page, g["pattern"], g["pattern_title"]) + _under(site, page, g), esc(fix_done_cell(g)),
             str(g["incidents"]), str(g["incidents_30"]), _il(site, page, g["latest"]), esc(g["latest_date"]),
             f"{g['latest_days_after_fix']}d"] for g in after_fix_groups(b)]
    out.append(card_table(["pattern", "fix done", "incidents since", "last 30 days", "latest", "date", "after"], rows,
                          "None.\n"))
    return out


def _under(site: Site, page: str, g: dict) -> str:
    """ " (2 under disk-old)" after a recurring pattern's row when some of its incidents name a retired id it
    replaced, each id linked to its page as in the counts (``Site.old_id_html``)."""
    under = inherited_said(g, lambda old: site.old_id_html(page, old))
    return f" ({under})" if under else ""


def _recurring_chart(site: Site, page: str, items: list, label: str) -> str:
    bars = [(r["title"], r["count"], href(page, site.pattern_page(r["pattern"])) if site.pattern_page(r["pattern"]) else None)
            for r in items]
    return raw(f'<div class="recur-chart-box">{charts.hbars(bars, label=label)}</div>') if bars else "None in this window.\n"


def trends_page(site: Site) -> str:
    b, page = site.board, TRENDS
    t = b["trends"]
    partial = month_so_far(dt.date.fromisoformat(b["as_of"]))
    out = [front_matter(title="Trends"), "# Trends\n",
           f"Incidents per month, {t['months'][0]} to {t['months'][-1]} (as of {b['as_of']}"
           + (f"; the last bar counts {partial} only, as the month is not over" if partial else "") + "). "
           + mdlink(page, BOARD, "Back to the problem board") + "\n"]
    months = [esc(m) + (f" ({esc(partial)}, so far)" if partial and m == t["months"][-1] else "") for m in t["months"]]
    for by, what in (("by_category", "category"), ("by_service", "service")):
        out.append(f"## Incidents per month by {what}\n")
        if not any(t["total"]):  # two empty 0-1 charts said less than this
            out.append("No incident in these months.\n")
            continue
        chart = charts.stacked_bars(t["months"], t[by], label=f"incidents per month by {what}", partial=partial,
                                    numbers=f"The numbers by {what}")  # _stack_table's summary
        out.append(raw(f'<div class="recur-chart-box">{chart}</div>'))
        out.append(_stack_table(months, t[by], what))
        # an incident of two categories or services is in both stacks: bars over "The numbers" below
        # read as a miscount (found in review)
        if any(sum(c[i] for c in t[by].values()) > n for i, n in enumerate(t["total"])):
            out.append(f"An incident of more than one {what} counts once in each, so a month's bar can stand "
                       "higher than its number of incidents (the numbers below).\n")
    rows = [[m, str(n)] for m, n in zip(months, t["total"], strict=True)]
    out.append(raw('<details class="info" data-search-exclude><summary>The numbers</summary>\n'
                   + html_table(["month", "incidents"], rows) + "</details>"))
    out.append(_quarters_section(b))
    for days in ("30", "90"):
        # each pattern's fix (state, owner, due) is in the board's table: the chart names the pattern only
        out.append(f"## Top recurring patterns, last {days} days\n\nWith each one's permanent fix: "
                   + mdlink(page, BOARD, "the problem board", f"{SECTIONS['recurring']}-{days}") + ".\n")
        out.append(_recurring_chart(site, page, b["recurring"][days], f"top recurring patterns, last {days} days"))
    return unsearched("\n".join(out))  # the title and intro indexed, as the board's


def _quarters_section(b: Board) -> str:
    """The quarters of ``trends.quarters`` as `recur report` gives them: incidents, repeats, needs analysis."""
    as_of = dt.date.fromisoformat(b["as_of"])
    rows = [[esc(quarter_label(q["quarter"], as_of)), str(q["incidents"]), str(q["repeats"]), str(q["needs_analysis"])]
            for q in b["trends"]["quarters"]]
    return ("## Incidents per quarter\n\nRepeats: incidents of a pattern that had struck before; whether problem "
            "management works shows as fewer of them quarter on quarter.\n\n"
            + raw(html_table(["quarter", "incidents", "repeats", "needs analysis"], rows)) + "\n")


def _stack_table(months: list, series: dict, what: str) -> str:
    """A stacked chart's numbers, month by month and stack by stack, folded under it: a screen reader
    had the bars' counts nowhere (only in each bar's tooltip), and "The numbers" has the totals only.
    The columns are the chart's own stacks (charts.stack_layers), "other" included, so each cell is a bar's."""
    layers = charts.stack_layers(series, len(months))
    rows = [[m, *(str(counts[n]) for _, counts, _ in layers)] for n, m in enumerate(months)]
    table = html_table(["month", *(esc(name) for name, _, _ in layers)], rows)
    named = {name for name, _, _ in layers}
    rest = [esc(k) for k in series if k not in named]
    other = f"<p>other: {', '.join(rest)}.</p>\n" if layers and layers[-1][2] == "cx" else ""
    return raw(f'<details class="info" data-search-exclude><summary>The numbers by {what}</summary>\n'
               f"{table}{other}</details>")


def _owner_then_most_overdue(f: dict, aliases: dict) -> tuple:
    # one owner however spelt ("alice", "Alice", "@alice"; a handle of ``aliases``, the board's owner_aliases, its
    # full name's), as the by-owner table counts them; the unowned last
    return (not f["owner"], owner_of(f["owner"] or "", aliases), -f["days_overdue"])
