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

import nh3

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


def inert_html(text: str) -> str:
    """``text`` (a page's HTML content) with only allowed tags, attributes and URLs. Comments stay:
    ``recur.site.hook`` puts its pre-rendered blocks back at ``<!--recur-slot:N-->`` placeholders."""
    return nh3.clean(
        text,
        tags=TAGS,
        clean_content_tags=DROP,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        filter_style_properties={"text-align"},  # what the tables extension writes
        strip_comments=False,
        link_rel=None,
    )
