"""Incident pages, the incident list and the onboarding paths (with a progress checklist)."""

from __future__ import annotations

import re

from recur.kb.anchors import paths_heading
from recur.kb.parse import fenced_lines, indented_code
from recur.kb.records import status_words
from recur.problems.board import flag_open, follow_up_open, needs_analysis, review_pending
from recur.site.context import BY_SERVICE, INCIDENTS, PATHS, SUGGEST, Site, incident_year
from recur.site.md import (
    alink,
    badge,
    cell,
    esc,
    front_matter,
    href,
    inline_md,
    kb_md,
    mdlink,
    raw,
    stacked_table,
    table,
    title_html,
    title_link,
    unsearched,
)
from recur.util.dates import duration_text


def _row(label: str, value: str) -> str:
    return f"<dt>{esc(label)}</dt><dd>{value}</dd>"


def incident_page(site: Site, i) -> str:
    page = i.relpath
    date = i.date.isoformat()
    if i.date > site.as_of:  # its page is built, but no list has it yet (Site.listed): said here, not left to guess
        date += " " + badge(f"after {site.as_of.isoformat()}, the date of this build: not listed or counted yet", "later")
    rows = [_row("Date", date), _row("Severity", site.sev_badge(i.severity, page))]
    if i.duration_minutes is not None:  # "1 d 2 h", the minutes the record holds on hover
        n = i.duration_minutes
        rows.append(_row("Duration", f'<span title="{n} minutes">{esc(duration_text(n))}</span>'))
    if i.services:
        rows.append(_row("Services", ", ".join(_service(site, page, s) for s in i.services)))
    if i.patterns:
        rows.append(_row("Matched patterns", _matched_list(site, page, i.patterns)
                         + _draft_mark(site, i, badge("draft: needs analysis", "unknown"))))
    else:
        rows.append(_row("Matched patterns", badge("unknown: needs analysis", "unknown")))
    if i.review is not None:
        rows.append(_row("Review", _review_text(site, i.review)))
    out = [front_matter(title=f"{i.id}: {i.title}", recur_kind="incident", recur_id=i.id, recur_source=i.relpath,
                        recur_edit_url=site.edit_url(i.relpath)),
           f"# {cell(i.id)}: {cell(i.title)}\n",
           raw('<dl class="recur-card" data-search-exclude>\n' + "\n".join(rows) + "\n</dl>")]
    if i.summary.strip():
        out.append(f"## Summary\n\n{kb_md(i.summary.strip())}\n")
    for name, text in i.sections.items():
        if name != "Summary" and text.strip():
            out.append(f"## {cell(name)}\n\n{kb_md(text.strip())}\n")
    if i.follow_ups:
        rows = [[cell(f.title), _follow_up_status(site, f), cell(f.owner or "-"), f.due.isoformat() if f.due else "-",
                 (badge(f"overdue {site.overdue(f.due)}d", "overdue")
                  if follow_up_open(f, site.as_of) and site.overdue(f.due) else ""),
                 cell(f.ticket or "-")] for f in i.follow_ups]
        out.append("## Follow-ups\n\n" + table(["follow-up", "status", "owner", "due", "overdue", "ticket"], rows))
    if i.flags:
        out.append('## Dig into this later\n')
        out += [f"- {_flag_status(site, f)} {cell(f.text)}" + (f" ({cell(f.note)})" if f.note else "") for f in i.flags]
        out.append("")
    out.append(site.edit_line(i.relpath))
    return "\n".join(out)


def _service(site: Site, page: str, name: str) -> str:
    """A service of an incident, linked to its patterns on the by-service page as a pattern page's card links
    its own (it was plain text here). That page lists the services patterns name: one no pattern names has
    no section there, and stays text, saying why it is not a link."""
    if name in site.services:
        return alink(page, BY_SERVICE, name, site.svc_anchor(name))
    return f'<span title="no pattern lists this service yet">{esc(name)}</span>'


def _review_text(site: Site, r) -> str:
    """The review on the site's as-of date, as the board lists it: "full review, done 2026-11-20" with the
    day it was held when kept; held after the as-of date, it was pending then (and perhaps overdue)."""
    pending = review_pending(r, site.as_of)
    text = f"{esc(r.level)} review, {esc(r.status)}" + (f" {r.done.isoformat()}" if r.status == "done" and r.done else "")
    if r.status == "done" and pending:
        text = f"{esc(r.level)} review, pending <i>(marked done on {r.done.isoformat()}, after {site.as_of.isoformat()})</i>"
    if r.due:
        text += f", due {r.due.isoformat()}"
        late = site.overdue(r.due) if pending and r.level != "none" else 0
        if late:
            text += " " + badge(f"overdue {late}d", "overdue")
    # who holds it: the board's reviews table names them, the incident's page did not (found in a handoff review)
    return text + (f", owner {esc(r.owner)}" if r.owner else "")


def _follow_up_status(site: Site, f) -> str:
    """A follow-up's status on the site's as-of date, as `recur incident follow-up ID` lists it: "done
    2026-11-20" with the day it was done (the page said "done" alone); one done after the as-of date
    was open then, as the board counts it, and says when it was marked done (as a fix's card does)."""
    if f.status == "done" and f.done is not None and follow_up_open(f, site.as_of):
        return f"open <i>(marked {esc(status_words(f))} on {f.done.isoformat()}, after {site.as_of.isoformat()})</i>"
    return cell(status_words(f) + (f" {f.done.isoformat()}" if f.status == "done" and f.done else ""))


def _flag_status(site: Site, f) -> str:
    """A flag's status on the site's as-of date, as `recur incident flag ID` lists it: "done 2026-11-20" with the
    day it was done (its ``done:``); one done after the as-of date was open then, as the board counts it, and
    says when it was marked done (as a follow-up's row does)."""
    if f.status == "done" and f.done is not None and flag_open(f, site.as_of):
        return f"{badge('open', 'flag-open')} <i>(marked done on {f.done.isoformat()}, after {site.as_of.isoformat()})</i>"
    return badge(f.status + (f" {f.done.isoformat()}" if f.status == "done" and f.done else ""), "flag-" + f.status)


# The incident list shows the newest this many; each year's page lists all of that year's. One list of every
# incident was 4,004 rows at 2,000 patterns (1.5 MB, 4-5 s to open)
LATEST_INCIDENTS = 200


def incident_index(site: Site) -> str:
    """The newest LATEST_INCIDENTS incidents, under their year's heading (``#year-<year>``, as when the page
    listed them all), and a link to each year's page (incident_year_page) with all of the year's."""
    page = INCIDENTS
    # in the site search by its title and intro (unsearched): excluded whole, "incidents" found no list of them
    out = [front_matter(title="Incidents"), "# Incidents\n"]
    unknown = site.board["counts"]["unknown"]  # as the board counts them (up to as_of)
    years = site.by_year
    latest = {i.id for i in list(reversed(site.listed))[:LATEST_INCIDENTS]}
    # a year none of whose incidents is shown here goes straight to its page: "2019 (57)" led to a heading
    # saying "0 of 57 here"
    out.append(f"{len(site.listed)} incidents; {unknown} with no known pattern yet (needs analysis). "
               + " · ".join(mdlink(page, page, f"{y} ({len(v)})", f"year-{y}") if any(i.id in latest for i in v)
                            else mdlink(page, incident_year(y), f"{y} ({len(v)})") for y, v in years.items()) + "\n")
    # each year's page linked whether or not the list is cut: with all shown here they were built but
    # linked from nowhere
    lead = (f"The newest {len(latest)} are listed here; each year's page lists all of its incidents: "
            if len(latest) < len(site.listed) else "Each year's page: ")
    out.append(lead + " · ".join(mdlink(page, incident_year(y), str(y)) for y in years) + ".\n")
    for y, items in years.items():
        shown = [i for i in items if i.id in latest]
        more = (f"{len(shown)} of {len(items)} here: {mdlink(page, incident_year(y), f'all incidents in {y}')}.\n"
                if len(shown) < len(items) else "")
        out.append(f"## {y} {{#year-{y}}}\n" + (more + "\n" if more else "") + (_incident_table(site, page, shown) if shown else ""))
    return unsearched("\n".join(out))  # the year sections list the incidents' own pages: not indexed again


def incident_years(site: Site) -> list:
    """The years that have a page of their incidents (the listed ones'), newest first."""
    return list(site.by_year)


def incident_year_page(site: Site, year: int) -> str:
    """Every listed incident of ``year``, newest first, as the list showed them all."""
    page, items = incident_year(year), site.by_year[year]
    # what the incident list holds: the newest LATEST_INCIDENTS of all years (it said "the newest of every year")
    n = min(LATEST_INCIDENTS, len(site.listed))
    whole = f"The newest {n} of all years" if n < len(site.listed) else f"All {n} of all years"
    out = [front_matter(title=f"Incidents in {year}"), f"# Incidents in {year}\n",
           f"{len(items)} incidents in {year}. {whole}: {mdlink(page, INCIDENTS, 'Incidents')}.\n",
           f"## {year} {{#year-{year}}}\n" + _incident_table(site, page, items)]
    return unsearched("\n".join(out))  # the title and intro indexed, as the incident list's


def _incident_table(site: Site, page: str, items) -> str:
    rows = []
    for i in items:
        links = ", ".join(site.pattern_link(page, pid) for pid in i.patterns)
        pats = links + _draft_mark(site, i, "<i>(draft: needs analysis)</i>") or "<i>needs analysis</i>"
        rows.append([i.date.isoformat(), alink(page, i.relpath, i.id), esc(site.sev_label(i.severity)), title_html(i.title), pats])
    # on a phone a card each: date, id and severity on one line, then the title, then its patterns
    return stacked_table(["date", "incident", "severity", "title", "patterns"], rows, inline={0, 1, 2}, labelled={4})


def _draft_mark(site: Site, i, mark: str) -> str:
    """``mark`` after the links of an incident whose patterns are all unpromoted import drafts: the board
    counts it under "needs analysis" (the list's heading says how many), so its row and page say so too."""
    return " " + mark if i.patterns and needs_analysis(i, site.import_drafts) else ""


def _prose(text: str) -> str:
    """``text`` without its fenced and indented code blocks: a summary opening with a pasted log had the log's
    first entry as its path step's gist ("text [2026/…", found in a re-read after format 7 -> 8)."""
    lines = text.splitlines()
    fenced = fenced_lines(lines)
    code = fenced | indented_code(lines, fenced)
    return "\n".join(line for n, line in enumerate(lines) if n not in code)


def _first_sentence(text: str) -> str:
    text = re.sub(r"\s+", " ", _prose(text).strip())
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [text](link) -> text
    text = re.sub(r"`|\*\*|(?<!\w)[*_]|[*_](?!\w)", "", text)  # code and emphasis marks, not snake_case
    m = re.match(r"(.{20,}?[.!?])(\s|$)", text)
    s = m.group(1) if m else text
    return s if len(s) <= 240 else s[:239] + "…"


def _step_mark(p) -> str:
    """What a new hire should know about a step's pattern before reading it."""
    if p is not None and p.status == "retired":  # it no longer happens
        return " <i>(retired: kept for history)</i>"
    if p is not None and p.status == "draft":  # check it against what you see
        return " <i>(draft: still being written)</i>"
    return ""


def _matched(site: Site, page: str, pid: str) -> str:
    """An incident's matched pattern, linked, with what replaced it when it is retired: an incident of two years
    ago named a pattern since merged into another, and its page said "(retired)" alone, the way to the pattern
    in use one more page away (found ageing a KB)."""
    p = site.kb.patterns.get(pid)
    return site.pattern_link(page, pid) + (_superseded(site, page, p) if p is not None else "")


def _matched_list(site: Site, page: str, ids) -> str:
    """An incident's matched patterns, "; " between them after a retired one's "superseded by": "Old (retired)
    · superseded by DNS resolution failure, Disk full" read (and was read aloud) as two successors (found in
    review)."""
    matched = [_matched(site, page, pid) for pid in ids]
    return ("; " if any("recur-superseded" in m for m in matched[:-1]) else ", ").join(matched)


def _superseded(site: Site, page: str, p) -> str:
    """After a retired step's link: the pattern(s) that replaced it, for the new hire to read instead
    (outside the step's title, which links to the step's own pattern)."""
    links = site.successor_links(page, p) if p.status == "retired" else ""  # "" when it names only itself
    return f' <span class="recur-superseded">· superseded by {links}</span>' if links else ""


def _missing_step(site: Site, pid: str) -> str:
    """Why a step's pattern has no page on the site: no file has its id (`recur check` calls it an error),
    or its file has errors and is left out. Such a step was a tickable step counted in "0 of N done"."""
    if site.kb.pattern_known(pid):
        return "left out of the site: its pattern file has errors"
    return "missing: no pattern has this id"


def _step(site: Site, page: str, step, anchor: str = "") -> tuple[str, bool]:
    """A path step as a list item, and whether it can be ticked (its pattern has a page); ``anchor`` its id."""
    p = site.kb.patterns.get(step.pattern)
    # with its `code` and *emphasis*, as the title and audience show theirs (it showed the marks as written)
    why = f'<p class="recur-why"><strong>Why it matters:</strong> {inline_md(step.why)}</p>' if step.why else ""
    if p is None:
        return (f'<li class="recur-step recur-step-missing"><span class="recur-step-title"><code>{esc(step.pattern)}'
                f'</code> <i>({esc(_missing_step(site, step.pattern))})</i></span>{why}</li>'), False
    gist = _first_sentence(p.summary) if p.summary else ""  # "" too of a summary that is only code
    gist = f'<p class="recur-gist">{esc(gist)}</p>' if gist else ""
    at = f' id="{anchor}"' if anchor else ""
    return (f'<li class="recur-step"{at}>{_step_box(step.pattern, p.title)} {_step_title(page, p)}'
            f'{_superseded(site, page, p)}{why}{gist}</li>'), True


def _step_box(pid: str, title: str) -> str:
    """A step's tick: its own box, apart from the title. The title sat in the box's label, and a new hire who
    clicked it to open the pattern ticked the step and stayed on the path; named "Done: <title>" for a screen
    reader, in a label of its own that only widens where a click ticks it."""
    # keyed by the pattern, not the step's number: a step inserted above un-ticked every step after it,
    # and a pattern read on one path is read on every path listing it (recur.js keeps one set per site);
    # autocomplete off: Back to the page put the boxes back as they were when the reader left it, over what
    # recur.js had set from a tick made on the pattern page since ("1 of 2 done" and no box ticked)
    return (f'<label class="recur-step-tick"><input type="checkbox" class="recur-step-check" autocomplete="off" '
            f'data-step="{esc(pid)}" aria-label="Done: {esc(title)}"></label>')


def _step_title(page: str, p) -> str:
    """A step's title, the link to its pattern: what a new hire clicks to open it. It replaces the small "read
    the pattern" link beside it, so each step is two Tab stops (box, title) and the link is named by its title."""
    return f'<span class="recur-step-title">{title_link(page, p.relpath, p.title)}{_step_mark(p)}</span>'


def path_page(site: Site, path) -> str:
    page = site.path_page(path.id)
    # what recur.js counts too: the patterns that have a checkbox, each once (progress is by pattern read), as
    # the list of paths and the pattern page's "Step 1 of 2" count them; a pattern named twice was two steps
    ticks = tickable(site, path)
    n = len(ticks)
    # "#step-3" on the step a pattern page calls "Step 3 of 11" (its first listing), which links to it: the
    # link led to the top of the path, and a new hire counted down the list for their place
    anchors = {pid: step_anchor(k) for k, pid in enumerate(ticks)}
    steps = [_step(site, page, step, anchors.pop(step.pattern, "")) for step in path.steps]
    missing = sum(not ok for _, ok in steps)
    notes = [f"{missing} that name{'s' if missing == 1 else ''} no pattern this site has, marked below"] if missing else []
    if len(steps) - missing > n:  # `recur check` warns of it
        again = len(steps) - missing - n
        notes.append(f"{again} that name{'s' if again == 1 else ''} a pattern listed before, counted once")
    out = [front_matter(title=path.title, recur_kind="path", recur_id=path.id, recur_source=path.relpath,
                        recur_edit_url=site.edit_url(path.relpath)),
           f"# {cell(path.title)}\n"]
    # says what the page is, in words the site search indexes: the list of paths is out of the search, and
    # a new hire's search for "onboarding" found nothing; it links the list, which the navigation does not mark
    kind = mdlink(page, PATHS, "onboarding path")
    out.append(f"An {kind} for {cell(path.audience)}.\n" if path.audience else f"An {kind}.\n")
    out.append(f"{n} step{'' if n == 1 else 's'}, in order"  # "1 steps" on a one-step path
               + (f" (and {'; and '.join(notes)})" if notes else "")
               + ". Tick each one when you have read it and walked through its "
               # "first steps" named no heading of the pattern page, whose steps are under "Runbook"
               "runbook (to learn its steps: never run them in production to practise). Your progress is kept in "
               "this browser, and a pattern ticked here is ticked on every path that lists it. The "
               f"{mdlink(page, site.glossary, 'glossary')} says what the site's words mean.\n")
    out.append(raw(f'<div class="recur-path" data-path="{esc(path.id)}" data-search-exclude>\n'
               f'<p class="recur-progress"><span class="recur-progress-text" aria-live="polite">0 of {n} '
               f'done</span> <button type="button" class="md-button recur-reset">Reset progress</button></p>\n'
               f'<ol class="recur-steps">\n' + "\n".join(item for item, _ in steps) + "\n</ol>\n"
               + _finished(site, page, path, n) + "</div>"))
    out.append(site.edit_line(path.relpath))
    return "\n".join(out)


def tickable(site: Site, path) -> list:
    """The pattern ids a reader ticks on ``path``, in order, each once: its steps' patterns that have a page."""
    return list(dict.fromkeys(s.pattern for s in path.steps if s.pattern in site.kb.patterns))


def step_anchor(k: int) -> str:
    """The id of a path's step ``k`` (from 0) on its page: ``step-1`` for the first."""
    return f"step-{k + 1}"


def _finished(site: Site, page: str, path, n: int) -> str:
    """The note a path's page shows (recur.js, once every step is ticked) on what to do next: "11 of 11 done"
    was all it said, and a new hire who finished had nothing to go on to."""
    if not n:
        return ""
    return (f'<p class="recur-path-done" hidden><strong>Path finished</strong>: all {n} step{"" if n == 1 else "s"} '
            f"done. What next: {_after(site, page, path)}.</p>\n")


def _after(site: Site, page: str, path) -> str:
    """Where to go after ``path``: the next path in the team's order, or the list of them after the last, and
    the describe box, which a new hire has read about but not tried."""
    paths = sorted(site.kb.paths.values(), key=path_order)
    k = paths.index(path)
    ways = []
    if k + 1 < len(paths):
        nxt = paths[k + 1]
        ways.append(f'the next path, <a href="{href(page, site.path_page(nxt.id))}">{inline_md(nxt.title)}</a>')
    elif len(paths) > 1:
        ways.append(f'the other <a href="{href(page, PATHS)}">onboarding paths</a>')
    ways.append(f'try <a href="{href(page, SUGGEST)}">the describe box</a>: paste an alert and see what it matches')
    return ", or ".join(ways)


def _places(site: Site, p):
    """(path, step number from 0, the path's tickable patterns) for each path listing ``p``, in the paths' order."""
    for path in sorted(site.kb.paths.values(), key=path_order):
        steps = tickable(site, path)
        if p.id in steps:
            yield path, steps.index(p.id), steps


def _place(site: Site, p, path, n: int, steps: list) -> str:
    """"Step 3 of 11 on <path>", the path's name a link to that step on its page; the last step says it is."""
    # the title as its h1 shows it
    on = f'<a href="{href(p.relpath, site.path_page(path.id), step_anchor(n))}">{inline_md(path.title)}</a>'
    if n + 1 == len(steps):
        return f"Step {n + 1} of {len(steps)}, the last step of {on}"
    return f"Step {n + 1} of {len(steps)} on {on}"


def path_here(site: Site, p) -> str:
    """The line under a pattern page's title for each path listing it: "Step 3 of 11 on <path> · next: <title>"
    (or, on its last step, what to do after the path). The way on was only in the page's last section, six
    screens down on a phone, and nothing at the top said the page was a step of a path."""
    lines = []
    for path, n, steps in _places(site, p):
        on = (f"next: {site.pattern_link(p.relpath, steps[n + 1])}" if n + 1 < len(steps)
              else f"after it: {_after(site, p.relpath, path)}")
        lines.append(f"<p>{_place(site, p, path, n, steps)} · {on}</p>")
    if not lines:
        return ""
    return raw('<div class="recur-path-here" data-search-exclude>\n' + "\n".join(lines) + "\n</div>")


def path_places(site: Site, p) -> str:
    """A pattern page's "On the onboarding paths" section: for each path listing it, its step number and links to
    the path and to the steps before and after. A new hire who followed a step's title had no way on
    from the pattern page but the browser's back button: nothing there said it was a step, nor of what."""
    items = []
    for path, n, steps in _places(site, p):
        near = [f"{label}: {site.pattern_link(p.relpath, steps[k])}"
                for label, k in (("previous", n - 1), ("next", n + 1)) if 0 <= k < len(steps)]
        if n + 1 == len(steps):  # its last step: what to do after the path
            near.append(f"after it: {_after(site, p.relpath, path)}")
        items.append(f"<li>{_place(site, p, path, n, steps)}" + "".join(f" · {x}" for x in near) + "</li>")
    if not items:
        return ""
    # the tick of its step on the path's page (recur.js, one set for the site): a reader going on by "next"
    # would otherwise have to go back to the path to tick what was read
    tick = (f'<p class="recur-read"><label><input type="checkbox" class="recur-read-check" autocomplete="off" '
            f'data-step="{esc(p.id)}"> '
            "Read: tick it when you have read it and walked through its runbook (ticked on every path that lists "
            "it)</label></p>")
    return (f"{paths_heading()}\n"  # no clash with an author's own "## Onboarding paths" (kb.anchors)
            + raw('<div class="recur-links recur-path-places" data-search-exclude>\n<ul class="recur-links">\n'
                  + "\n".join(items) + f"\n</ul>\n{tick}\n</div>"))


def path_order(path) -> tuple:
    """Paths with an ``order`` first, by it; then the others; each by title."""
    return (path.order is None, path.order or 0, path.title.lower(), path.id)


def path_index(site: Site) -> str:
    page = PATHS
    out = [front_matter(title="Onboarding paths"), "# Onboarding paths\n",
           "Ordered reading lists: each step is a failure pattern and why it matters. "
           "Progress is kept in your browser. A word you do not know (runbook, retired, overdue): the "
           f"{mdlink(page, site.glossary, 'glossary')} says what it means.\n"]
    # the progress cell is filled by recur.js from what this browser has ticked (empty without it)
    rows = []
    for k, p in enumerate(sorted(site.kb.paths.values(), key=path_order)):
        # the steps a reader can tick, as the path's page counts them (a step naming no pattern is not one, a
        # pattern named twice is one: "2 of 3 done" after one tick, where its page said "Step 1 of 2")
        steps = tickable(site, p)
        missing = sum(s.pattern not in site.kb.patterns for s in p.steps)
        # progress right after the name: last, after the audience's long text, it was off a phone's screen;
        # title and audience with the Markdown the path's page renders in them (they showed "*em*" as written)
        # the first, as the home page's "New here? Start with ..." names it: the list said nothing of where to begin
        start = " " + badge("start here", "start") if k == 0 else ""
        rows.append([f'<a href="{href(page, site.path_page(p.id))}">{inline_md(p.title)}</a>{start}',
                     f'<span class="recur-path-progress" data-patterns="{esc(" ".join(steps))}"></span>',
                     str(len(steps)) + (f" ({missing} missing)" if missing else ""), inline_md(p.audience or "-")])
    # on a phone a card each: the path, its progress and steps on one line, then whom it is for
    out.append(stacked_table(["path", "your progress", "steps", "for"], rows, inline={1, 2}, labelled={2, 3},
                             empty=f"No onboarding paths yet: add one under `{site.source('paths/')}`.\n"))
    return "\n".join(out)
