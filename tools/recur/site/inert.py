"""The rendered HTML of a page that carries KB Markdown, rebuilt from an allow-list.

``md.kb_md`` escapes raw HTML before Markdown, but it has to guess where Markdown will see code
(left as written) and it cannot see what Python-Markdown's ``attr_list`` will make of ``{: ...}``;
a guess that differs from Markdown's (an indented fence inside an admonition, a ``~~~`` closing a
```` ``` ```` fence) let ``<img onerror>``, ``onclick=`` or a ``javascript:`` link through. A static
host has no Content-Security-Policy to stop them. So the HTML Markdown produced is parsed and
written out again with only the tags and attributes Markdown and Recur's pages use, and links
only to http(s), mailto or the site itself: whatever the parser understood, the output is inert.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
VOID = {"br", "hr", "img"}
# dropped with everything inside them, not just their tags
DROP = {"script", "style", "iframe", "object", "embed", "template", "noscript", "textarea", "title", "svg", "math",
        "select", "xmp", "noembed", "noframes", "plaintext", "form"}  # fmt: skip
ATTRS = {"id", "class", "title", "href", "src", "alt", "start", "colspan", "rowspan", "open", "style"}
_SCHEME = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)", re.I)
_OK_SCHEME = re.compile(r"^(?:https?|mailto):", re.I)
_ALIGN = re.compile(r"^text-align: ?(?:left|right|center);?$")  # what the tables extension writes
_SLOT = re.compile(r"^recur-slot:\d+$")  # recur.site.hook's placeholders for pre-rendered blocks


def safe_url(value: str) -> bool:
    """True for a relative URL or an http(s)/mailto one, as the browser will read it (entities
    decoded, tabs and newlines removed: ``java&#9;script:`` is ``javascript:`` to a browser)."""
    url = re.sub(r"[\x00-\x20]", "", html.unescape(value))
    return not _SCHEME.match(url) or bool(_OK_SCHEME.match(url))


def _keep(name: str, value: str | None) -> bool:
    if name not in ATTRS or value is None and name != "open":
        return False
    if name in ("href", "src"):
        return safe_url(value)
    if name == "style":
        return bool(_ALIGN.match(value.strip()))
    return True


class _Rebuild(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list = []
        self.dropping: list = []  # open DROP elements: their content is skipped

    def handle_starttag(self, tag, attrs):
        if tag in DROP:
            self.dropping.append(tag)
        if self.dropping or tag not in TAGS:
            return
        kept = "".join(
            f' {n}="{html.escape(v or "", quote=True)}"' if v is not None else f" {n}"
            for n, v in attrs
            if _keep(n, v)
        )
        self.out.append(f"<{tag}{kept}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in DROP and self.dropping and self.dropping[-1] == tag:
            self.dropping.pop()

    def handle_endtag(self, tag):
        if tag in DROP and tag in self.dropping:
            del self.dropping[len(self.dropping) - 1 - self.dropping[::-1].index(tag) :]
        elif not self.dropping and tag in TAGS and tag not in VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.dropping:
            self.out.append(html.escape(data, quote=False))

    def handle_comment(self, data):
        if not self.dropping and _SLOT.match(data):
            self.out.append(f"<!--{data}-->")


def inert_html(text: str) -> str:
    """``text`` (a page's HTML content) with only allowed tags, attributes and URLs."""
    parser = _Rebuild()
    parser.feed(text)
    parser.close()
    return "".join(parser.out)
