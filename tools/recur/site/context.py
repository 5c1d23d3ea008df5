"""What every page generator needs to know about the KB: where each record's page lives, its
incidents, labels, and the "edit this page" link.

Generated pages mirror the KB layout (``patterns/<category>/<id>.md``, ``incidents/<year>/<id>.md``)
so a relative link an author writes between two KB files also works on the site, and the edit
link is simply the edit base + the record's KB path.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

from recur.problems.report import count_cell
from recur.retrieval.patterns import GLOSSARY_PAGE
from recur.site.md import Anchors, alink, badge, esc, href, raw, title_link
from recur.util.files import repository_root

HOME = "index.md"
SUGGEST = "suggest.md"
PATTERNS = "patterns/index.md"
BY_SERVICE = "patterns/by-service.md"
BY_TAG = "patterns/by-tag.md"
BY_SEVERITY = "patterns/by-severity.md"
# the id of the by-severity page's "Severity levels" section (what each level means and the review it asks), which
# the board and every severity badge link to; the groups' ids all start "severity-" (sev_anchor), so no key takes it
LEVELS_ANCHOR = "levels"
INCIDENTS = "incidents/index.md"
PATHS = "paths/index.md"
BOARD = "board/index.md"
TRENDS = "board/trends.md"
MODEL = "model.md"
GLOSSARY = GLOSSARY_PAGE  # the words the site uses, for a new hire (glossary_page); the answers link it too
# the retired patterns' pages, for the describe box's word ranking (recur-suggest.js), which reads
# the site search's index: that index has every pattern page, retired ones too (kept for history)
RETIRED = "patterns/retired.json"


def incident_year(year: int) -> str:
    """The page listing every incident of ``year`` (``incidents/<year>.md``, beside the year's folder of
    incident pages: no incident's page can be at that path)."""
    return f"incidents/{year}.md"


def source_dir(kb_root) -> str:
    """The KB folder as its repository names it: relative to the git top level when there is one, else
    to the folder holding it ("" for a KB at the repository's root)."""
    root = Path(kb_root).resolve()
    top = repository_root(root)
    rel = root.relative_to(top if top is not None else root.parent).as_posix()
    return "" if rel == "." else rel


RETIRED_MARK = " <i>(retired)</i>"


class Site:
    def __init__(self, kb, as_of: dt.date, board: dict, lookalikes=None, edit_base: str | None = None,
                 glossary: str = GLOSSARY):
        self.kb = kb
        self.glossary = glossary  # the glossary page the pages link: the site's own (any Markdown suffix), else GLOSSARY
        self.source_dir = source_dir(kb.root)
        self.as_of = as_of
        self.board = board
        self.lookalikes = lookalikes or {}
        self.edit_base = edit_base or None
        self.incidents = sorted(kb.incidents.values(), key=lambda i: (i.date, i.id))  # each has its page
        # up to as_of, as the board counts them: what the lists show (a later one has not happened yet
        # as of the build date; listed, it linked to pattern pages that did not list it)
        self.listed = [i for i in self.incidents if i.date <= as_of]
        # year -> its listed incidents, newest first (the years too): the incident list and each year's page
        # read it, grouped once per build rather than once per page
        self.by_year: dict = {}
        for i in reversed(self.listed):
            self.by_year.setdefault(i.date.year, []).append(i)
        self.by_pattern: dict = defaultdict(list)  # pattern id -> incidents up to as_of, oldest first
        for i in self.listed:
            for pid in dict.fromkeys(i.patterns):
                self.by_pattern[pid].append(i)
        self._seen: dict = {}  # pattern id -> (its incidents with those it inherited, {incident id: retired id})
        # incidents that struck after a pattern's fix was done, by the board's own rule (its
        # "recurrence_after_fix"): the pattern page warns by its green "done" and marks them
        self.after_fix: dict = defaultdict(list)  # pattern id -> entries, oldest first
        for r in reversed(board.get("recurrence_after_fix", [])):
            self.after_fix[r["pattern"]].append(r)
        self.patterns = sorted(kb.patterns.values(), key=lambda p: (p.category, p.title.lower(), p.id))
        # linked to an incident, they leave it "needs analysis" (problems.board.needs_analysis)
        self.import_drafts = kb.import_drafts()
        self.cat_anchor = Anchors("category")
        self.svc_anchor = Anchors("service")
        self.tag_anchor = Anchors("tag")
        self.sev_anchor = Anchors("severity")  # a severity key is any YAML key: slugified like the others
        self.services = Counter(s for p in self.patterns for s in dict.fromkeys(p.services))
        self.tags = Counter(t for p in self.patterns for t in dict.fromkeys(p.tags))

    # where pages live -------------------------------------------------------------------------
    def pattern_page(self, pid: str) -> str | None:
        p = self.kb.patterns.get(pid)
        return p.relpath if p else None

    def incident_page(self, iid: str) -> str | None:
        i = self.kb.incidents.get(iid)
        return i.relpath if i else None

    @staticmethod
    def path_page(path_id: str) -> str:
        return f"paths/{path_id}.md"

    # labels -----------------------------------------------------------------------------------
    def sev_label(self, key: str) -> str:
        level = self.kb.severity.get(key)
        return f"{key} · {level.name}" if level else key

    def sev_badge(self, key: str, page: str | None = None) -> str:
        """The severity's badge; on ``page``, a link to what the level means (the severity framework's table):
        a new hire saw "sev2 · Major" on every pattern and incident with nothing saying what it asks of them."""
        shown = badge(self.sev_label(key), key)
        if page is None or key not in self.kb.severity:
            return shown
        return f'<a href="{href(page, BY_SEVERITY, LEVELS_ANCHOR)}" title="What {esc(key)} means">{shown}</a>'

    def pattern_link(self, page: str, pid: str, text: str | None = None) -> str:
        """An HTML link to a pattern (marked when retired), or its id as plain text when the KB has no such
        pattern."""
        target = self.pattern_page(pid)
        if target is None:
            return f"<code>{esc(pid)}</code>"
        return title_link(page, target, text or self.kb.patterns[pid].title) + self.retired_mark(pid)

    def old_id_html(self, page: str, pid: str) -> str:
        """A replaced id in a count ("4 (3 under old-dns)"): a link to the retired pattern's page, which the site
        keeps (its note says what replaced it), or the id as plain text when no file has it (deleted, not kept as
        a retired stub). It was plain text even with the page there (found in a re-read)."""
        target = self.pattern_page(pid)
        return alink(page, target, pid) if target else esc(pid)

    def count_html(self, page: str, r: dict, key: str = "count") -> str:
        """A recurring or open-fix row's count as report.count_cell says it, its replaced ids linked
        (``old_id_html``)."""
        return count_cell(r, key, name=lambda pid: self.old_id_html(page, pid))

    def successor_links(self, page: str, p) -> str:
        """Links from ``page`` to what replaced retired ``p``: the patterns in use at the end of its
        ``superseded_by`` chain (``KB.successors``), else (every way ends retired) the ids it names; "" when it
        names none but itself."""
        ids = self.kb.successors(p.id, unloaded=True) or [s for s in p.superseded_by if s != p.id]
        return " and ".join(self.pattern_link(page, s) + self._unloaded_mark(s) for s in ids)

    def _unloaded_mark(self, pid: str) -> str:
        """After a successor whose file has errors: named, not linked (it has no page), and said why; it
        was dropped from the note when another successor was there to link."""
        if pid in self.kb.patterns or not self.kb.pattern_known(pid):
            return ""
        return " <i>(no page: its file has errors; recur check names them)</i>"

    def retired_mark(self, pid: str) -> str:
        """After a link to a retired pattern: it was shown as any other where it was linked (an incident's
        patterns, a pattern's related ones), and a responder took a failure mode that no longer happens
        for a live one. The pattern lists mark it so too."""
        p = self.kb.patterns.get(pid)
        return RETIRED_MARK if p is not None and p.status == "retired" else ""

    def incident_link(self, page: str, iid: str) -> str:
        target = self.incident_page(iid)
        return alink(page, target, iid) if target else esc(iid)

    def source(self, relpath: str) -> str:
        """A KB file's path as the repository has it (``source_dir``): "kb/" was written before every
        path, wherever the KB was (at a repository's root, "kb/patterns/..." named no file there)."""
        return f"{self.source_dir}/{relpath}" if self.source_dir else relpath

    def edit_line(self, relpath: str) -> str:
        """The "edit this page" footer: a link when an edit base URL is configured, else the path."""
        shown = self.source(relpath)
        if self.edit_base:
            return raw(f'<p class="recur-edit" data-search-exclude>Edit this page: '
                       f'<a class="recur-edit-link" href="{esc(self.edit_base + relpath)}">{esc(relpath)}</a></p>')
        return raw(f'<p class="recur-edit" data-search-exclude>Edit this page: the source is '
                   f'<code>{esc(shown)}</code> in the knowledge base.</p>')

    def edit_url(self, relpath: str) -> str | None:
        return self.edit_base + relpath if self.edit_base else None

    def overdue(self, due: dt.date | None) -> int:
        """Days past ``due`` as of the build date (0 when not overdue)."""
        return (self.as_of - due).days if due is not None and due < self.as_of else 0

    def seen(self, pattern_id: str) -> tuple[list, dict]:
        """(the incidents a pattern's page and the pattern index count for it, oldest first, on one day the lower
        id first, as ``by_pattern``; {incident id: the retired id it is listed under}): its own and those of the
        retired patterns it replaced (``KB.inherited_incidents``). The page said only its own id's: a two-year-old
        KB's db-pool-exhausted 10, with 5 more under the id it was renamed from (found ageing a KB)."""
        if pattern_id not in self._seen:
            inherited = [(i, old) for i, old in self.kb.inherited_incidents(pattern_id) if i.date <= self.as_of]
            listed = [*self.by_pattern.get(pattern_id, []), *(i for i, _ in inherited)]
            # by (date, id) as by_pattern: by date alone, one day's own came before its inherited whatever the ids
            seen = sorted(listed, key=lambda i: (i.date, i.id))
            self._seen[pattern_id] = (seen, {i.id: old for i, old in inherited})
        return self._seen[pattern_id]
