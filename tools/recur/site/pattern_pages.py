"""Pattern pages and the pattern indexes (by category, service, tag and severity)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import PurePosixPath

from recur.kb.parse import FENCE_LINE, evidence_parts, fence_step, fenced_lines, list_parts
from recur.kb.schema import LATER_SECTIONS, PLACED_SECTIONS
from recur.problems.board import OPEN_FIX, fix_status
from recur.retrieval.lookalikes import FLOOR, WORDING_ONLY, wording_only
from recur.retrieval.results import seen_said
from recur.site import charts
from recur.site.context import BY_SERVICE, BY_SEVERITY, BY_TAG, LEVELS_ANCHOR, PATTERNS, Site
from recur.site.md import (
    alink,
    badge,
    cell,
    esc,
    front_matter,
    href,
    html_table,
    inline_html,
    kb_md,
    mdlink,
    raw,
    raw_table,
    rel,
    title_html,
    title_link,
    unsearched,
)
from recur.site.record_pages import path_here, path_places
from recur.util.dates import shift
from recur.util.text import plural

# body sections in the order a responder needs them: Summary and Evidence/Runbook placed by hand, then
# LATER_SECTIONS, then any other section (PLACED_SECTIONS: kb.schema, which kb.anchors reads too)
# A pattern page's weight in the site search (mkdocs-material's `search: boost`). An incident that
# quotes a signal scores as much as the pattern listing it (lunr, with this theme, does not count a
# section's length), and ties went to the incident, indexed first. lunr's credit for repeating a
# word tops out at 2.2x one mention, so at 3 the pattern listing a signal once comes before any
# incident section repeating it; a word in an incident's title or headings (weighted 1000x) still wins.
SEARCH_BOOST = 3


def _jump_list(page: str, items) -> str:
    """An index page's line of links to its sections, ``items`` (text, anchor): a pre-rendered block, out of
    the site search with the sections it lists (``unsearched``)."""
    return raw("<p>" + " · ".join(alink(page, page, text, anchor) for text, anchor in items) + "</p>")


def _row(label: str, value: str) -> str:
    return f"<dt>{esc(label)}</dt><dd>{value}</dd>"


# the id of a pattern page's "## Permanent fix" heading, which the card's "Permanent fix" row links to
FIX_ANCHOR = "permanent-fix"


def _fix(site: Site, p) -> str:
    """The card's permanent fix: the ``fix:`` field (status, owner, due, tickets), and a link to the
    page's ``## Permanent fix`` section when there is one. "none recorded" stood over a page whose
    section described the fix; without ``fix:`` it is untracked: the board and the report, which
    count only ``fix:`` (open / in-progress), do not list it either."""
    f = p.fix
    below = f'<a href="#{FIX_ANCHOR}">described below</a>' if p.sections.get("Permanent fix", "").strip() else ""
    if f is None:
        return f"{below} · <i>not tracked (no status, owner or due date)</i>" if below else "<i>none recorded</i>"
    # the status on the site's as-of date, by the board's rule: a fix done after it was still open then
    # (the raw "done" stood on the card while the board counted it open, overdue or not); a pattern
    # written after that date, which the board leaves out, keeps its own status
    status = fix_status(p, site.as_of) or f.status
    parts = [badge(status, f"fix-{status}")]
    if f.owner:
        parts.append(f"owner {esc(f.owner)}")
    if f.due:
        late = site.overdue(f.due) if status in OPEN_FIX else 0
        parts.append(f"due {f.due.isoformat()}" + (" " + badge(f"overdue {late}d", "overdue") if late else ""))
    if f.done and status == "done":
        parts.append(f"done {f.done.isoformat()}")
    elif f.done:  # the file says done: say when, so the card does not read as contradicting it
        parts.append(f"<i>marked done on {f.done.isoformat()}, after {site.as_of.isoformat()}</i>")
    if f.tickets:
        parts.append("tickets " + ", ".join(f"<code>{esc(t)}</code>" for t in f.tickets))
    return " · ".join(parts + ([below] if below else [])) + _recurred(site, p)


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _recurred(site: Site, p) -> str:
    """The warning by a fix marked done that did not hold: a green "done" alone read as solved while the
    board listed the pattern under "Recurred after the fix" (its rule: ``site.after_fix``)."""
    after = site.after_fix.get(p.id)
    if not after:
        return ""
    text = f"recurred {_days(after[0]['days_after_fix'])} after the fix"
    if len(after) > 1:
        text += f", and {len(after) - 1} more time{'s' if len(after) > 2 else ''}"
    links = ", ".join(site.incident_link(p.relpath, r["incident"]) for r in after)
    return f'<br>{badge(text, "recurred")} ({links})'


def card(site: Site, p) -> str:
    page = p.relpath
    seen, under = site.seen(p.id)
    rows = [
        _row("Severity", site.sev_badge(p.severity, page)),
        _row("Category", alink(page, PATTERNS, p.category, site.cat_anchor(p.category))),
    ]
    if p.services:
        rows.append(_row("Services", ", ".join(alink(page, BY_SERVICE, s, site.svc_anchor(s)) for s in p.services)))
    if p.tags:
        rows.append(_row("Tags", " ".join(alink(page, BY_TAG, t, site.tag_anchor(t)) for t in p.tags)))
    rows.append(_row("Status", badge(p.status, f"st-{p.status}")))
    rows.append(_row("Owner", esc(p.owner) if p.owner else '<i>unowned</i>'))
    rows.append(_row("Permanent fix", _fix(site, p)))
    if seen:
        start = min(seen[0].date, shift(site.as_of, -365))
        end = max(seen[-1].date, site.as_of)
        events = [(i.date, i.id, href(page, i.relpath)) for i in seen]
        count = f"{len(seen)} incident{'s' if len(seen) != 1 else ''}"
        strip = charts.timeline(events, start, end, label=f"{count} matched {p.title}")
        # "; last on" after "…, which it replaced": a comma ran the date into the list of replaced patterns
        stop = ";" if under else ","
        text = f"{esc(seen_said(len(seen), Counter(under.values())))}{stop} last on {seen[-1].date.isoformat()}"
        rows.append(_row("Recurrence", f'{text}<div class="recur-timeline">{strip}</div>'))
    else:
        rows.append(_row("Recurrence", '<i>no incident has matched it yet</i>'))
    return raw('<dl class="recur-card" data-search-exclude>\n' + "\n".join(rows) + "\n</dl>")


def card_words(site: Site, p) -> str:
    """The header card's words as plain text, for the site search: the card is a pre-rendered block, out of
    the search index, so "sev1", a service or a tag found no pattern (a new hire searching "payments-api" found
    nothing). recur.site.hook.on_page_context adds them to the page's own search entry (front matter
    ``recur_card``), where the search's result shows them under the title; the page shows the card alone."""
    parts = [f"Severity: {site.sev_label(p.severity)}", f"Category: {p.category}"]
    if p.services:
        parts.append("Services: " + ", ".join(p.services))
    if p.tags:
        parts.append("Tags: " + ", ".join(p.tags))
    parts += [f"Status: {p.status}", f"Owner: {p.owner or 'unowned'}"]
    f = p.fix
    if f is not None:
        fix = [f"Permanent fix: {fix_status(p, site.as_of) or f.status}"]
        fix += [f"owner {f.owner}"] if f.owner else []
        fix += ["tickets " + ", ".join(f.tickets)] if f.tickets else []
        parts.append(", ".join(fix))
    return ". ".join(str(x).replace("\n", " ") for x in parts) + "."


def pattern_page(site: Site, p) -> str:
    out = [front_matter(title=p.title, recur_kind="pattern", recur_id=p.id, recur_source=p.relpath,
                        recur_edit_url=site.edit_url(p.relpath), search={"boost": SEARCH_BOOST},
                        recur_card=card_words(site, p), recur_symptoms=list(p.symptoms) or None),
           f"# {cell(p.title)}\n", _jump(p), card(site, p), path_here(site, p)]  # a path's step: its place and the way on
    if p.status == "draft":
        out.append('!!! note "Draft"\n    This pattern is still being written; check it against what you see.\n')
    elif p.status == "retired":
        out.append(_retired_note(site, p))
    out.append(f"## Summary\n\n{kb_md(p.summary.strip())}\n")
    out.append("## What you see\n")
    out += [f"- {cell(s)}" for s in p.symptoms]
    if p.signals:
        out.append("\n**Signals** (alert names, log lines, error codes):\n")
        out += [f"- <code>{esc(s)}</code>" for s in p.signals]
    out.append("")
    out.append(_evidence(p))
    # recur.js adds copy buttons to the first list after it; its id set, as the "Jump to" line links to it (a
    # "### Runbook" in the Summary took "runbook" first, and this heading "runbook_1")
    out.append(f"## Runbook {{: #{RUNBOOK_ANCHOR} .recur-runbook }}\n")
    runbook = list_parts(p.sections.get("Runbook", "").strip(), numbered=True)
    if runbook.items:
        steps = _items(_item(f"{n}. ", kb_md(step), "    ") for n, step in enumerate(runbook.items, 1))
        out.append(_around(runbook, steps, "") + "\n")
    else:
        out.append(kb_md(p.sections.get("Runbook", "").strip()) + "\n")
    for name in LATER_SECTIONS:
        if p.sections.get(name, "").strip():
            anchor = f" {{: #{FIX_ANCHOR} }}" if name == "Permanent fix" else ""  # the card links to it
            out.append(f"## {name}{anchor}\n\n{kb_md(p.sections[name].strip())}\n")
    for name, text in p.sections.items():
        if name not in PLACED_SECTIONS and text.strip():
            text = _compared(site, p, text) if name == "Compare with" else text
            out.append(f"## {cell(name)}\n\n{kb_md(text.strip())}\n")
    out.append(_related(site, p))
    out.append(_incidents(site, p))
    out.append(path_places(site, p))  # a new hire came from a path's step: the way on to the next
    out.append(site.edit_line(p.relpath))
    return "\n".join(x for x in out if x)


# the ids of the Runbook heading and of the evidence box's (EVIDENCE_HEADING), which the "Jump to" line links to
RUNBOOK_ANCHOR = "runbook"
EVIDENCE_ANCHOR = "evidence-to-preserve"


def _jump(p) -> str:
    """The line under the title that leads to the evidence box and the runbook: on a phone the page has no "On this
    page" and pattern pages are not in the drawer, and the runbook began 2.6 to 4.3 screens down, under the card (at
    320 px its first step was ~2,360 px down; found in review). Above the card, which alone is taller than a phone's
    screen there. A named navigation landmark, for the keyboard and screen readers; out of the site search."""
    links = [("Evidence to preserve", EVIDENCE_ANCHOR)] if p.sections.get("Evidence to preserve", "").strip() else []
    links.append(("Runbook", RUNBOOK_ANCHOR))
    items = " · ".join(f'<a href="#{anchor}">{esc(text)}</a>' for text, anchor in links)
    return raw(f'<nav class="recur-jump" aria-label="Jump to" data-search-exclude>Jump to: {items}</nav>')


def _retired_note(site: Site, p) -> str:
    """The note atop a retired pattern's page, with the pattern(s) that replaced it (``superseded_by``,
    a retired successor followed to its own): an old link, a bookmark or a search led to a page that
    said the failure no longer happens and nothing of where its knowledge went."""
    links = site.successor_links(p.relpath, p)  # "" when it names only itself: no "superseded by ."
    by = f"Retired: superseded by {links}. " if links else ""
    live = site.kb.successors(p.id, unloaded=True)  # a rename, merge or split: the failure goes on under them
    now = f"{'It covers' if len(live) == 1 else 'They cover'} this failure now" if live else "This failure mode should no longer happen"
    return f'!!! note "Retired"\n    {by}{now}; it is kept for history.\n'


# an item of the "## Compare with" section `recur import` writes on a draft: "- `ledger-drift`: Ledger ..."
_COMPARED = re.compile(r"^([ \t]*[-*+][ \t]+)`([a-z0-9][a-z0-9-]*)`", re.M)


def _compared(site: Site, p, text: str) -> str:
    """A draft's "Compare with" items with their pattern ids as links to those patterns: the ids were
    shown as code, and the author comparing the draft looked each one up."""

    def link(m) -> str:
        target = site.pattern_page(m.group(2))
        return f"{m.group(1)}[`{m.group(2)}`]({rel(p.relpath, target)})" if target else m.group(0)

    return _COMPARED.sub(link, text)


# the box's heading is its name alone, "capture it before you restore" its first line: the heading's words are a
# search entry's title (weighed 1000x), which on every pattern page answered "restore" or "capture" (hook.on_page_context
# folds that entry into the one before it, so no page is found by the box's heading)
EVIDENCE_HEADING = f"## Evidence to preserve {{#{EVIDENCE_ANCHOR} .admonition-title}}"
EVIDENCE_LINE = "Capture it before you restore."
EVIDENCE_CLASS = "recur-evidence"  # kept by the page's sanitiser (site.inert.KEPT_CLASSES)


def _evidence(p) -> str:
    """The evidence admonition: its list, and the text before and after the list, in place."""
    evidence = p.sections.get("Evidence to preserve", "").strip()
    if not evidence:
        return ""
    parts = evidence_parts(evidence)
    if parts.items:
        body = _around(parts, _items(_item("    - ", kb_md(e), "        ") for e in parts.items), "    ")
    else:
        body = "\n".join(_nested(kb_md(evidence).splitlines(), "    "))
    # its title is a heading (it was the admonition's <p>): in the page's outline and its "On this page",
    # with an anchor (kb.anchors._pattern_outline has it too), looking as the box's title did (recur.css)
    # recur-evidence: its text at the page's size (recur.css), where an admonition's is smaller
    return f"!!! danger {EVIDENCE_CLASS} \"\"\n    {EVIDENCE_HEADING}\n\n    {EVIDENCE_LINE}\n\n{body}\n"


def _around(parts, items_md: str, indent: str) -> str:
    """A section's list with the text written before and after it, as paragraphs in place (only the
    items were shown: an opening "Do NOT restart before the dump" was lost, a closing line glued onto
    the last step)."""
    out = [items_md]
    if parts.intro:
        out.insert(0, "\n".join(_nested(kb_md(parts.intro).splitlines(), indent)))
    if parts.outro:
        outro = kb_md(parts.outro).splitlines()
        if indent and outro and FENCE_LINE.match(outro[0]):
            # an indented code block right under the list is read as more of its last item (a paragraph,
            # its lines run together): a comment between them ends the list, as the fence at the margin did
            out.append(indent + "<!-- -->")
        out.append("\n".join(_nested(outro, indent)))
    return "\n\n".join(out)


def _nested(lines, indent: str) -> list:
    """Text's ``lines`` indented by ``indent`` (into an admonition), its fenced blocks as indented code blocks:
    Python-Markdown's fenced_code reads a fence at the margin only, so a fence indented into the evidence box
    became one inline code span, its lines and their indentation run together (found on phones' review). At
    the margin (``indent`` ""), the lines as they are: a fence there keeps its language."""
    if not indent:
        return list(lines)
    return _block_lines(lines, indent)


def _items(items) -> str:
    """List items one after another; after an item with a blank line in it (a sub-list under its text,
    a code block) a blank line, or Python-Markdown reads the next item's marker as more of that item's
    last block: "2. Restart" became a bullet of step 1's sub-list, and the steps lost their numbers."""
    out: list = []
    for item in items:
        if out and "\n\n" in out[-1]:
            out.append("")
        out.append(item)
    return "\n".join(out)


def _item(marker: str, text: str, indent: str) -> str:
    """A list item whose text has more lines (a code block, a sub-list): those lines indented under the
    item, as Markdown needs them to stay in it (at the margin, a fence became inline code and
    sub-bullets became steps of their own, renumbering the rest). Python-Markdown reads no fence
    inside a list item, so a fenced block becomes an indented one there (its language is dropped)."""
    first, *rest = text.split("\n")
    return "\n".join([marker + first, *_block_lines(rest, indent)])


def _block_lines(lines, indent: str) -> list:
    """``lines`` indented by ``indent``, each fenced block as an indented code block after a blank line: its lines
    less the fence's own indent, indented by ``indent``, 4 more per list level it sits under (``_list_depth``) and 4
    for the code block. A fence recur does not read as one (``FENCE_LINE``), one never closed or "```code```"
    (``fenced_lines``: as the checks and the page's Markdown read them) stays text."""
    lines = list(lines)
    out, fence, fenced = [], None, fenced_lines(lines)
    code, cut = "", 0  # an open block's indentation, and the fence's own indent taken off its lines
    for n, line in enumerate(lines):
        opener = FENCE_LINE.match(line)  # indented by spaces and tabs only, as recur reads a fence: not "\u00a0```"
        if fence is None and opener and n in fenced and fence_step(None, *opener.groups())[1]:
            fence, cut = opener.group(1), len(line) - len(line.lstrip(" \t"))
            code = indent + "    " * (_list_depth(lines[:n], cut) + 1)
            out.append("")  # a code block starts after a blank line
        elif fence is not None and opener and fence_step(fence, *opener.groups())[1]:  # as many or more, alone
            fence = None
            out.append("")
        elif fence is not None:
            out.append(code + _unindent(line, cut) if line.strip() else "")
        else:
            out.append(indent + line if line.strip() else "")
    return out


_LIST_MARKER = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+\S")


def _list_depth(before: list, col: int) -> int:
    """How many list items the line at indent ``col`` after the lines ``before`` sits in: a fence in a sub-item
    ("- sub:", its fence 2 spaces in) was indented as one right under the item, 2 spaces past the sub-item where
    Python-Markdown wants 4, and showed as a paragraph, its lines run together (found in review). A marker ends the
    items at or past its indent; text after a blank line ends those past its indent."""
    open_at: list = []  # the indents of the markers of the items open
    fenced, blank = fenced_lines(before), False
    for n, line in enumerate(before):
        if not line.strip():
            blank = True
        if not line.strip() or n in fenced:
            continue
        at = len(line) - len(line.lstrip(" \t"))
        marker = _LIST_MARKER.match(line)
        if marker or blank:
            open_at = [i for i in open_at if i < at]
        if marker:
            open_at.append(at)
        blank = False
    return sum(1 for i in open_at if i < col)


def _unindent(line: str, cut: int) -> str:
    """``line`` less up to ``cut`` leading spaces or tabs: a fenced block's line less the fence's own indent,
    as CommonMark takes it off."""
    return line[min(cut, len(line) - len(line.lstrip(" \t"))) :]


def _related(site: Site, p) -> str:
    page, lines = p.relpath, []
    for rid in p.related:
        q = site.kb.patterns.get(rid)
        if q is not None and rid != p.id:
            lines.append(f"<li>{title_link(page, q.relpath, q.title)}{site.retired_mark(rid)} · {esc(q.category)} · "
                         f"{esc(site.sev_label(q.severity))}</li>")
    for d in p.distinguish:
        lines.append(f"<li>Not to be confused with {site.pattern_link(page, d['from'])}: {inline_html(d['by'])}</li>")
    looks = [x for x in site.lookalikes.get(p.id, []) if x.get("id") in site.kb.patterns and x.get("id") != p.id]
    if looks:
        lines.append("</ul>\n<p><strong>Look-alikes</strong>: patterns that read much like this one (similarity "
                     f"{FLOOR:.2f} or more) or that incidents matched together with it; check what tells them "
                     "apart.</p>\n<ul class=\"recur-links\">")
        for x in looks:
            q = site.kb.patterns[x["id"]]
            notes = []
            if isinstance(x.get("similarity"), (int, float)):
                notes.append(f"similarity {x['similarity']:.2f}")
            if x.get("co_incidents"):
                notes.append(f"{plural(x['co_incidents'], 'incident')} matched both")  # not "1 incident(s)"
            if wording_only(x):  # nothing but the words: not "this failure might be that one" (lookalikes.WORDING_ONLY)
                notes.append(WORDING_ONLY)
            by = f": {inline_html(x['by'])}" if x.get("by") else ""
            lines.append(f"<li>{title_link(page, q.relpath, q.title)}" + (f" ({', '.join(notes)})" if notes else "") + f"{by}</li>")
    if not lines:
        return ""
    # raw HTML, out of the search index: these only repeat other pages' titles
    return unsearched("## Related patterns\n") + raw('<div class="recur-links" data-search-exclude>\n<ul class="recur-links">\n'
                                          + "\n".join(lines) + "\n</ul>\n</div>")


def _incidents(site: Site, p) -> str:
    seen, under = site.seen(p.id)
    if not seen:
        return ""
    after = {r["incident"]: r["days_after_fix"] for r in site.after_fix.get(p.id, [])}
    rows = [[i.date.isoformat(), alink(p.relpath, i.relpath, i.id) + _after_mark(after.get(i.id)) + _under_mark(under.get(i.id)),
             esc(site.sev_label(i.severity)), title_html(i.title)] for i in reversed(seen)]
    # the heading out of the search index too: its title alone was indexed, at title weight, so
    # "Incidents (12)" answered a search for "1" or "incidents" on every pattern page
    return unsearched(f"## Incidents ({len(seen)})\n") + raw(html_table(["date", "incident", "severity", "title"], rows,
                                                          attrs=" data-search-exclude"))


def _under_mark(old: str | None) -> str:
    """An incident row's mark when it is listed for a retired pattern this one replaced (``Site.seen``)."""
    return "" if old is None else f" <i>(under {esc(old)}, which it replaced)</i>"


def _after_mark(days: int | None) -> str:
    """An incident row's mark when it struck after the fix was done (the card's warning names them too)."""
    return "" if days is None else " " + badge(f"after the fix (+{_days(days)})", "recurred")


def _pattern_rows(site: Site, page: str, patterns) -> list:
    return [[title_link(page, p.relpath, p.title) + (" <i>(draft)</i>" if p.status == "draft" else "")
             + site.retired_mark(p.id),
             esc(site.sev_label(p.severity)), esc(p.category), str(len(site.seen(p.id)[0]))]
            for p in patterns]


HEAD = ["pattern", "severity", "category", "incidents"]


def _browse(page: str) -> str:
    links = [(PATTERNS, "category"), (BY_SERVICE, "service"), (BY_TAG, "tag"), (BY_SEVERITY, "severity")]
    return "Browse by " + " · ".join(
        f"**{label}**" if target == page else mdlink(page, target, label) for target, label in links) + "\n"


def category_index(site: Site) -> str:
    page = PATTERNS
    cats: dict = {}
    for p in site.patterns:
        cats.setdefault(p.category, []).append(p)
    out = [front_matter(title="Patterns"), "# Failure patterns\n",
           f"{len(site.patterns)} patterns in {len(cats)} categories. " + _browse(page)]
    out.append(_jump_list(page, ((f"{c} ({len(ps)})", site.cat_anchor(c)) for c, ps in cats.items())))
    for c, ps in cats.items():
        out.append(unsearched(f"## {cell(c)} {{#{site.cat_anchor(c)}}}\n") + raw_table(HEAD, _pattern_rows(site, page, ps)))
    return "\n".join(out)


def _grouped_index(site: Site, page: str, title: str, names, anchor, members, compact: bool = False,
                   label=str, intro: str = "") -> str:
    """One section per name (headed ``label(name)``); ``compact`` lists titles only (a pattern appears under
    each of its tags); ``intro`` comes before the sections."""
    groups = {n: members(n) for n in names}
    out = [front_matter(title=title), f"# {title}\n", _browse(page)]
    out.append(_jump_list(page, ((f"{label(n)} ({len(ps)})", anchor(n)) for n, ps in groups.items())))
    out.append(intro)
    for n, ps in groups.items():
        body = (raw("<p>" + " · ".join(title_link(page, p.relpath, p.title) + site.retired_mark(p.id) for p in ps) + "</p>")
                if compact
                else raw_table(HEAD, _pattern_rows(site, page, ps)))
        out.append(unsearched(f"## {cell(label(n))} {{#{anchor(n)}}}\n") + body)
    return "\n".join(x for x in out if x)


def service_index(site: Site) -> str:
    names = sorted(site.services, key=lambda s: (-site.services[s], s))
    return _grouped_index(site, BY_SERVICE, "Patterns by service", names, site.svc_anchor,
                          lambda s: [p for p in site.patterns if s in p.services], compact=True)


def tag_index(site: Site) -> str:
    names = sorted(site.tags)
    return _grouped_index(site, BY_TAG, "Patterns by tag", names, site.tag_anchor,
                          lambda t: [p for p in site.patterns if t in p.tags], compact=True)


def severity_index(site: Site) -> str:
    used = {p.severity for p in site.patterns}
    names = [k for k in site.kb.severity if k in used] + sorted(used - set(site.kb.severity))
    return _grouped_index(site, BY_SEVERITY, "Patterns by severity", names, site.sev_anchor,
                          lambda k: [p for p in site.patterns if p.severity == k], label=site.sev_label,
                          intro=severity_levels(site))


def severity_levels(site: Site) -> str:
    """The KB's severity framework (severity.yml) as a table: each key, its name and the review it asks for.
    The site showed "sev1 (22)" and the board said "Under the severity framework" with no page saying what
    the levels were or which review each one asks (found in a new hire's review)."""
    rows = [f"| {cell(k)} | {cell(level.name)} | {cell(level.review)} | "
            + (f"{level.review_within_days} days" if level.review != "none" and level.review_within_days else "-")
            + " |" for k, level in site.kb.severity.items()]
    if not rows:
        return ""
    return (f"## Severity levels {{#{LEVELS_ANCHOR}}}\n\nThe team's severity framework (the KB's `severity.yml`): "
            "each level's name, the review an incident of that severity gets (full, light or none) and within "
            "how many days of the incident it is due.\n\n| level | name | review | review within |\n|---|---|---|---|\n"
            + "\n".join(rows) + "\n")


def retired_list(site: Site) -> str:
    """patterns/retired.json: the pages of retired patterns, as the site's paths without their
    extension (``patterns/deploys/old-retired``: the page is ``.html`` or a folder, as mkdocs'
    ``use_directory_urls`` has it). Without a model the describe box ranks the pattern pages of the
    site search's index by words, and a retired pattern came back there, where recur suggest, the API
    and the browser bundle never suggest one (it is not indexed; found in review): the box leaves
    these out. Their pages stay, and in the site search: they are kept for history."""
    pages = sorted(str(PurePosixPath(p.relpath).with_suffix("")) for p in site.patterns if p.status == "retired")
    about = "Retired patterns' pages: the describe box leaves them out of its ranking by words, as recur suggest does."
    return json.dumps({"about": about, "retired": pages}, indent=1, ensure_ascii=False) + "\n"
