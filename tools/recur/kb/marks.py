"""The marks ``site.md.kb_md`` writes for characters shown as text, and the Markdown extension that turns them back.

``kb_md`` showed a "<" as ``&lt;`` and a "[" that opens no link as ``\\[``: each is an inline match to
Python-Markdown, which rebuilds the paragraph's text after every match, so a paragraph of 100,000 "<" took 58 s
to render and one of 100,000 "[" 17.5 s (a KB file from a pull request stalled `recur site`). A mark is a
control character no KB text holds (``kb_md`` takes them out first, ``util.text.without_controls``) and no
Markdown rule reads: it passes through every construct untouched, and ``Marks`` turns it into its character
once the inline rules have run, so it opens no tag or link. Not Markdown's own STX and ETX ("\\x02", "\\x03"),
nor the separators "\\x1c"-"\\x1f" (Python takes them for spaces).
"""

from __future__ import annotations

import functools
import html
import re

LT, BRACKET, PAREN = "\x0e", "\x0f", "\x10"  # "<", "[" and "(" shown as written
# an "&": Python-Markdown's reader of raw HTML blocks (html.parser) took each that starts no entity for text of
# its own, quadratically (300,000 "&" in a paragraph 27 s), and each entity ("&amp;") was an inline match (20,000
# in a paragraph 7.7 s). As "&" in the tree, Python-Markdown's serialiser writes it as it wrote both: "&amp;" but
# where an entity follows ("&copy;" stays one)
AMP = "\x12"
# a backslash escape the author wrote ("\\*", "\\["), as this mark and its character's code in two hex digits:
# each escape was an inline match too (50,000 "\\[" in a paragraph took 20 s)
ESCAPED = "\x11"
# Python-Markdown's escapable characters with the KB's extensions (the tables extension adds "|")
ESCAPABLE = "\\`*_{}[]()>#+-.!|"
_TEXT = str.maketrans({LT: "<", BRACKET: "[", PAREN: "(", AMP: "&"})
_HTML = str.maketrans({LT: "&lt;", BRACKET: "[", PAREN: "(", AMP: "&amp;"})
_ENTITY = re.compile(AMP + r"(?=(?:#[0-9]+|#x[0-9a-f]+|[0-9a-z]+);)", re.I)  # as Python-Markdown's serialiser
_ANY = (LT, BRACKET, PAREN, ESCAPED, AMP)
_ESCAPED = re.compile(ESCAPED + "([0-9a-f]{2})")
_ESCAPED_TEXT = {f"{ord(c):02x}": c for c in ESCAPABLE}
_ESCAPED_HTML = {k: html.escape(c) for k, c in _ESCAPED_TEXT.items()}


def _marked(s) -> bool:
    return bool(s) and any(m in s for m in _ANY)


def _unmarked(s):
    """``s`` with its marks as characters, of its own type (an AtomicString stays one)."""
    if not _marked(s):
        return s
    return type(s)(_ESCAPED.sub(lambda m: _ESCAPED_TEXT.get(m.group(1), ""), s).translate(_TEXT))


def makeExtension(**kwargs):  # noqa: N802 (the name Python-Markdown looks up)
    return _extension()(**kwargs)


@functools.cache
def _extension():
    """The extension's class, made at first use: Markdown is imported only to render (``site.md`` imports the
    marks, and `recur --help` stays light)."""
    from markdown import Extension
    from markdown.postprocessors import Postprocessor
    from markdown.treeprocessors import Treeprocessor

    class TreeMarks(Treeprocessor):
        """The marks in the element tree, after the inline rules: text and attributes (a link's title, an image's
        alt) hold the characters, which the serialiser escapes, and the TOC and heading ids read them so."""

        def run(self, root):
            for el in root.iter():
                el.text, el.tail = _unmarked(el.text), _unmarked(el.tail)
                for key, value in list(el.attrib.items()):
                    if _marked(value):
                        el.set(key, _unmarked(value))

    class HtmlMarks(Postprocessor):
        """Any mark left in the HTML (one in a raw block Markdown put aside): its character's HTML."""

        def run(self, text):
            if not _marked(text):
                return text
            text = _ENTITY.sub("&", _ESCAPED.sub(lambda m: _ESCAPED_HTML.get(m.group(1), ""), text))
            return text.translate(_HTML)

    class Marks(Extension):
        def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
            # after the inline rules (20) and attr_list (8), before toc (5) reads the headings
            md.treeprocessors.register(TreeMarks(md), "recur_marks", 7)
            md.postprocessors.register(HtmlMarks(md), "recur_marks", 0)

    return Marks
