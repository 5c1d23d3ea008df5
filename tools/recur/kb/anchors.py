"""The anchors (``#root-cause``) of the KB's pages as the site renders them, for ``recur check``.

A link to a place on a page (``[x](#root-causes)``, ``[y](../dependencies/other.md#runbok)``) passed
`recur check --strict`, and the site build refused it (mkdocs validates anchors; Recur's site makes
that a warning, which fails ``--strict``). The site's page is not the file: it has the headings the
site writes (``## What you see``, ``## Related patterns``, ``## Incidents (3)``; the evidence is a box
with no heading) and the file's own sections and subheadings, and Python-Markdown's ``toc`` gives
each its id. Here the page's headings are laid out as the site lays them out
(``recur.site.pattern_pages.pattern_page``, ``recur.site.record_pages.incident_page``; a real
mkdocs build in tests/test_site_build.py holds the two together) and rendered by Python-Markdown
with the site's extensions, so the ids are toc's own (its slugify, ``_1`` for a repeated heading,
``{#id}`` of attr_list). Markdown is imported only when a link has an anchor: `recur check` stays light.
"""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path
from urllib.parse import unquote

from recur.kb.parse import MARKDOWN_EXTENSIONS
from recur.kb.records import KB, Pattern
from recur.kb.schema import LATER_SECTIONS, PLACED_SECTIONS
from recur.util.text import edit_distance, quoted

SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# the heading a pattern page gives its incidents carries their count ("## Incidents (3)"), which
# changes with the site's date: any count is taken
_INCIDENTS = re.compile(r"incidents-\d+")
# the section the site adds to a pattern on an onboarding path (its step on each path), with an id of its
# own: it was "## Onboarding paths", the name an author may give a section of the pattern, and the two
# headings clashed (the author's #onboarding-paths, the site's #onboarding-paths_1, swapped by a page edit)
PATHS_HEADING = "On the onboarding paths"
PATHS_ANCHOR = "recur-onboarding-paths"
# ids the theme's and Recur's scripts read (mkdocs-material's #__config, recur.js's #recur-copy-status): the
# site renames them in KB text and own pages (recur.site.inert), as it does the links and TOC entries to them
RESERVED_ID_PREFIXES = ("__", "md-", "recur-")
# what a reserved id gets in front: dropping it left a heading "MD-5 checksum mismatch" with no anchor while
# the page's TOC and links still led to #md-5-checksum-mismatch
RENAMED_ID_PREFIX = "h-"


def site_keeps_id(value: str) -> bool:
    """Whether the site keeps the id ``value`` that a page's Markdown gave an element: not a reserved one,
    but for the id Recur's own pattern page gives its onboarding-paths section."""
    return value == PATHS_ANCHOR or not value.strip().lower().startswith(RESERVED_ID_PREFIXES)


def site_id(value: str) -> str:
    """The id the site gives what a page's Markdown names ``value`` (an element's id, a link's or TOC entry's
    fragment): itself, or a reserved one renamed (``h-md-5-sums``), the same wherever it appears."""
    return value if site_keeps_id(value) else RENAMED_ID_PREFIX + value


def paths_heading() -> str:
    """The heading line of that section, as the site writes it and as the page's anchors are worked out."""
    return f"## {PATHS_HEADING} {{: #{PATHS_ANCHOR} data-search-exclude }}"


def on_a_path(kb: KB, pattern_id: str) -> bool:
    """Whether an onboarding path has a step on the pattern: its page then has the section of PATHS_HEADING."""
    return any(step.pattern == pattern_id for path in kb.paths.values() for step in path.steps)


class PageAnchors:
    """The ids of each loaded pattern's and incident's page, worked out once per page when asked."""

    def __init__(self, kb: KB):
        self.kb = kb
        self.root = Path(kb.root).resolve()
        self.records = {r.relpath: r for r in [*kb.patterns.values(), *kb.incidents.values()]}
        self.cache: dict[str, set] = {}
        self.md = None

    def problem(self, here: Path, target: str) -> str | None:
        """Why the anchor of link ``target`` in the file ``here`` is no place on its page of the
        site; None when it is one, has no anchor, or leads to no loaded record (a URL, another
        page's error of its own)."""
        path, _, frag = target.partition("#")
        if not frag or SCHEME.match(target) or path.startswith("/"):
            return None
        page = (here.parent / unquote(path.split("?", 1)[0])).resolve() if path else here.resolve()
        try:
            rel = page.relative_to(self.root).as_posix()
        except ValueError:
            return None
        record, frag = self.records.get(rel), unquote(frag)
        if record is None or frag in self.ids(record):
            return None
        if isinstance(record, Pattern) and _INCIDENTS.fullmatch(frag) and self.kb.incidents_for(record.id):
            return None
        import difflib

        where = "this page" if not path else rel
        close = difflib.get_close_matches(frag, sorted(self.ids(record)), n=1, cutoff=0.6)
        hint = (
            f"did you mean #{close[0]}?"
            if close
            else "its anchors are " + ", ".join(f"#{a}" for a in sorted(self.ids(record))[:12])
        )
        return f"{quoted(target)}: {where} has no anchor #{frag} on the site ({hint}); the site build fails on it with --strict"

    def ids(self, record) -> set:
        if record.relpath not in self.cache:
            if isinstance(record, Pattern):
                text = _pattern_outline(record) + (f"\n{paths_heading()}\n" if on_a_path(self.kb, record.id) else "")
            else:
                text = _incident_outline(record)
            self.cache[record.relpath] = self._render(text)
        return self.cache[record.relpath]

    def _render(self, text: str) -> set:
        if self.md is None:
            self.md = _kb_markdown()
            self.md.treeprocessors.register(_Ids(), "recur_ids", 4)  # after toc (5) has given the headings theirs
        self.md.reset()
        self.md.convert(text)
        return set(self.md.treeprocessors["recur_ids"].found)


class _Ids:
    """Every element id of a rendered page, as mkdocs collects them to validate anchors (raw HTML
    is none: the site shows a KB file's HTML as text); a reserved one is there too, renamed with the links
    to it (``site_id``), so the link and the id are compared as written."""

    found: list = []

    def run(self, root):
        self.found = [e.get("id") for e in root.iter() if e.get("id")]


def _pattern_outline(p: Pattern) -> str:
    """A pattern's page as the site lays it out, its headings and its sections' text."""
    sections = {name: text for name, text in p.sections.items() if text.strip()}
    out = [f"# {_literal(p.title)}", "## Summary", sections.get("Summary", ""), "## What you see"]
    if "Evidence to preserve" in sections:  # the box's title is a heading with this id (site.pattern_pages)
        out += ["## Evidence to preserve {#evidence-to-preserve}", sections["Evidence to preserve"]]
    out += ["## Runbook {#runbook}", sections.get("Runbook", "")]  # its id set, as the page's "Jump to" links to it
    for name in LATER_SECTIONS:
        if name in sections:
            out += [f"## {name}", sections[name]]
    for name, text in sections.items():
        if name not in PLACED_SECTIONS:
            out += [f"## {_literal(name)}", text]
    # shown when the pattern has related patterns, look-alikes (from the index: not known here) or
    # incidents; taken as there, so no link to them is refused for what check cannot see
    out += ["## Related patterns"]
    return "\n\n".join(out) + "\n"


def _incident_outline(i) -> str:
    sections = {name: text for name, text in i.sections.items() if text.strip()}
    out = [f"# {_literal(i.id)}: {_literal(i.title)}"]
    if "Summary" in sections:
        out += ["## Summary", sections["Summary"]]
    for name, text in sections.items():
        if name != "Summary":
            out += [f"## {_literal(name)}", text]
    out += ["## Follow-ups"] if i.follow_ups else []
    out += ["## Dig into this later"] if i.flags else []
    return "\n\n".join(out) + "\n"


_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")
_LITERAL = str.maketrans({"\\": "\\\\", "[": "\\[", "]": "\\]", "{": "\\{", "}": "\\}"})


def _literal(text: str) -> str:
    """A one-line field as the site writes it into a heading (recur.site.md.cell): shown as text,
    its code spans and emphasis still Markdown, so its id is toc's id of the same text."""
    out, at = [], 0
    for m in _SPAN.finditer(text):
        out += [html.escape(text[at : m.start()], quote=False).translate(_LITERAL), m.group(0)]
        at = m.end()
    out.append(html.escape(text[at:], quote=False).translate(_LITERAL))
    return re.sub(r"(#+\s*)$", r"\\\1", "".join(out))


# what can make a one-line field read otherwise than written: emphasis (*, _), code spans, a backslash
# (the other Markdown, links and attributes, _literal shows as written)
_MARKUP = re.compile(r"[*_`\\]")


def shown_text(text: str) -> str:
    """A one-line field (a path's title) as a reader sees it on the site: its heading's text, Markdown
    rendered as ``_literal`` gives it to Python-Markdown, the marks gone ("**Day one**" reads "Day one").
    Markdown is imported only for a field that has a mark: most have none, and `recur check` stays light."""
    if not _MARKUP.search(text):
        return text
    rendered = _heading_markdown().reset().convert(f"# {_literal(text)}")
    return html.unescape(re.sub(r"<[^>]*>", "", rendered))  # its own escaping: a < in the text is &lt;


@functools.cache
def _heading_markdown():
    return _kb_markdown()


def _kb_markdown():
    """Python-Markdown with the KB's extensions, given as objects: named by string, Markdown looks each name up
    among every installed package's entry points, 0.13-0.27 s the first time (of a `recur check` of 0.7 s)
    against 0.03-0.05 s so, and the same extensions either way."""
    import importlib

    import markdown

    return markdown.Markdown(
        extensions=[
            importlib.import_module(name if "." in name else f"markdown.extensions.{name}").makeExtension()
            for name in MARKDOWN_EXTENSIONS
        ]
    )


def scheme_typo(target: str) -> str | None:
    """Why a link's URL is a slip for a web address ("htps://x", "http:/x", "https:x"), or None. The
    site takes any scheme as a URL and builds without a word; the reader gets a dead link."""
    m = SCHEME.match(target)
    if not m:
        return None
    scheme, rest = m.group(1), target[m.end() :]
    if scheme.lower() in ("http", "https"):
        if rest.startswith("//"):
            return None
        return f"{target!r} is no web address: write {scheme.lower()}://{rest.lstrip('/')}"
    # one letter from http or https ("htps", "htttp", "ttps"); not hxxp (a defanged URL, on purpose)
    near = next((w for w in ("https", "http") if edit_distance(scheme.lower(), w, 1) <= 1), None)
    if near:
        return f"{target!r}: {scheme}: is no scheme a browser opens; write {near}://{rest.lstrip('/')}"
    return None
