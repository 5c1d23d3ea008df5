"""The rendered HTML of a page that carries KB Markdown, rebuilt from an allow-list.

``md.kb_md`` escapes raw HTML before Markdown, but it has to guess where Markdown will see code
(left as written) and it cannot see what Python-Markdown's ``attr_list`` will make of ``{: ...}``;
a guess that differs from Markdown's (an indented fence inside an admonition, a ``~~~`` closing a
```` ``` ```` fence) let ``<img onerror>``, ``onclick=`` or a ``javascript:`` link through. A static
host has no Content-Security-Policy to stop them. So the HTML Markdown produced goes through nh3
(the ammonia sanitizer: an HTML5 parser, as a browser parses) with only the tags and attributes
Markdown and Recur's pages use, and links only to http(s), mailto or the site itself: whatever
Markdown understood, the output is inert.
"""

from __future__ import annotations

import html.parser
import re

import nh3

from recur.kb.anchors import RESERVED_ID_PREFIXES, site_id

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
# dropped with everything inside them, not just their tags
DROP = {"script", "style", "iframe", "object", "embed", "template", "noscript", "textarea", "title", "svg", "math",
        "select", "xmp", "noembed", "noframes", "plaintext", "form"}  # fmt: skip
ATTRIBUTES = {
    "*": {"id", "class", "title"},
    "a": {"href"},
    "img": {"src", "alt"},
    "ol": {"start"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "style"},
    "details": {"open"},
    "h2": {"data-search-exclude"},  # a generated section heading kept out of the site search (pattern_pages)
}


# ids and classes the theme's and Recur's scripts look up (mkdocs-material reads its settings from the first
# #__config, recur-suggest.js its siteRoot() from it; both query .md-*, Recur's .recur-*): page text that
# wrote them ("{: #__config }", attr_list) came first in the page and redirected the search index. Such an
# id is renamed (recur.kb.anchors.site_id: a heading "MD-5 sums" keeps an anchor, #h-md-5-sums, and the
# links to it follow); such a class is dropped, but for the class Recur's own pattern page writes and
# mkdocs-material's documented button classes (style only).
KEPT_CLASSES = {"recur-runbook", "recur-evidence", "md-button", "md-button--primary"}
# a link's fragment on a page of the site (no scheme: not another host's page, whose ids are its own)
_LOCAL_FRAGMENT = re.compile(r"^(?![A-Za-z][A-Za-z0-9+.-]*:)([^#]*)#(.+)$")


# what pymdownx.tabbed writes (mkdocs-material's content tabs: radio inputs and the labels that select them),
# allowed in the site's own pages only (the maintainers' mkdocs.yml turns the extension on): without them the
# tab labels ran together ("LinuxmacOS"). Inert: no form, no script; a type other than radio is dropped.
OWN_TAGS = TAGS | {"input", "label"}
# data-tabs: a set's "n:m" (its number and its tabs' count), by which mkdocs-material's content.tabs.link finds the sets
# to switch together and keeps the tab chosen for the next page; dropped, the feature did nothing (found in review)
OWN_ATTRIBUTES = {**ATTRIBUTES, "input": {"type", "name", "checked"}, "label": {"for"}, "div": {"data-tabs"}}
_TABS = re.compile(r"[0-9]{1,6}:[0-9]{1,6}")  # ASCII: \d is any script's digit


def _reserved_dropped(element: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter: an id that starts as a reserved one does is renamed, and a link's fragment
    to it likewise (the headerlink and any [x](#md-5-sums)); each reserved class is dropped."""
    if attribute in ("id", "for") or (element, attribute) == ("input", "name"):  # a label's for= names an id
        return site_id(value)
    if (element, attribute) == ("input", "type"):
        return value if value.strip().lower() == "radio" else None
    if attribute == "data-tabs":
        return value if _TABS.fullmatch(value) else None
    if attribute == "href" and (m := _LOCAL_FRAGMENT.match(value)):
        return f"{m.group(1)}#{site_id(m.group(2))}"
    if attribute == "class":
        kept = [c for c in value.split() if c in KEPT_CLASSES or not c.lower().startswith(RESERVED_ID_PREFIXES)]
        return " ".join(kept) or None
    return value


def inert_html(text: str, own: bool = False) -> str:
    """``text`` (a page's HTML content) with only allowed tags, attributes, URLs, ids and classes; ``own``: a
    page of the site's own (``OWN_TAGS``). Comments stay: ``recur.site.hook`` puts its pre-rendered blocks
    back at ``<!--recur-slot:N-->`` placeholders."""
    clean = nh3.clean(
        text,
        tags=OWN_TAGS if own else TAGS,
        clean_content_tags=DROP,
        attributes=OWN_ATTRIBUTES if own else ATTRIBUTES,
        attribute_filter=_reserved_dropped,
        url_schemes={"http", "https", "mailto"},
        filter_style_properties={"text-align"},  # what the tables extension writes
        strip_comments=False,
        link_rel=None,
    )
    return _unmountable_tabs_dropped(clean) if own and "data-tabs" in clean else clean


class _TabSets(html.parser.HTMLParser):
    """The ``<div data-tabs>`` of sanitised HTML, each as [its start tag's offset, its start tag, whether it holds a
    ``.tabbed-labels``, the ids of its own ``<input>``s], and every ``<label for>``'s id."""

    VOID = {"br", "hr", "img", "input"}

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.starts = [0]  # each line's offset, for getpos()
        for line in text.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line))
        self.sets, self.labels, self.open = [], set(), []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        inside = self.open[-1][1] if self.open else None
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        if tag == "input" and inside is not None:
            self.sets[inside][3].append(attrs.get("id"))
        if "tabbed-labels" in (attrs.get("class") or "").split():
            for _, k in self.open:
                if k is not None:
                    self.sets[k][2] = True
        if tag in self.VOID:
            return
        k = None
        if tag == "div" and "data-tabs" in attrs:
            line, col = self.getpos()
            k = len(self.sets)
            self.sets.append([self.starts[line - 1] + col, self.get_starttag_text(), False, []])
        self.open.append((tag, k))

    def handle_endtag(self, tag):
        while self.open and self.open.pop()[0] != tag:
            pass


def _unmountable_tabs_dropped(text: str) -> str:
    """``text`` with the data-tabs taken off every ``<div>`` mkdocs-material's tabs component cannot mount on:
    it mounts on every ``[data-tabs]`` and throws without a ``.tabbed-labels`` in it or a ``<label for>`` for each
    of its inputs, which stopped every component of the page (the header search dead), and a page of the site's
    own could write one (``<div data-tabs="1:2">``; pymdownx.tabbed's old style too): found in a re-read."""
    found = _TabSets(text)
    for start, tag, labelled, inputs in reversed(found.sets):
        if not labelled or not all(i in found.labels for i in inputs):
            bare = re.sub(r'\sdata-tabs="[^"]*"', "", tag, count=1)
            text = text[:start] + bare + text[start + len(tag) :]
    return text


_START_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)")


def removed_elements(before: str, after: str) -> dict:
    """{tag: how many} of the elements ``inert_html`` took out of ``before`` (``after``): for a warning naming
    what a page lost (an emoji's <svg>, a raw <iframe>), which was silent."""
    count = {}
    for tag in _START_TAG.findall(before):
        count[tag.lower()] = count.get(tag.lower(), 0) + 1
    for tag in _START_TAG.findall(after):
        count[tag.lower()] = count.get(tag.lower(), 0) - 1
    return {tag: n for tag, n in count.items() if n > 0}
