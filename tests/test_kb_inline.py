"""recur.kb.inline: Python-Markdown's inline processor without building a paragraph's text again at each match (a
paragraph of 25,000 code spans took 1.2 s, of a megabyte's emphasis minutes), its output the same as
Python-Markdown's own on every construct."""

from __future__ import annotations

import functools
import random
from pathlib import Path

import pytest

from recur.kb.parse import MARKDOWN_EXTENSIONS

ROOT = Path(__file__).resolve().parents[1]
STOCK = [e for e in MARKDOWN_EXTENSIONS if e != "recur.kb.inline"]  # Python-Markdown's own inline processor
# each inline construct, packed (the next one right after a match, where the text kept and Python-Markdown's differ)
UNITS = ["`a` ", "`a``b`", "*a* ", "*a**b*", "**a** ", "_a_ ", "x_y_ ", "[a](b) ", "[a](b)[c](d)", "![i](s) ",
         "[a][r] ", "[r] ", "<https://a.example> ", "<a@b.example> ", "&amp; ", "&copy;", "<b>x</b> ", "a  \n",
         "\\*", "\\\\`a`", "*a `b` c* ", "[*a*](b) ", "***a*** ", "*x ", "_x "]  # fmt: skip
TOKENS = UNITS + ["*", "_", "`", "\\", "[", "]", "(", ")", "!", "<", ">", "&", ";", "a", " ", "\n", "x_", "**",
                  "https://x.example", "{: #x }", "'", '"', "<!-- c -->", "|", "\x03"]  # fmt: skip


def _html(text: str, extensions=MARKDOWN_EXTENSIONS) -> str:
    md = _markdown(tuple(extensions))
    md.reset()
    return md.convert("[r]: /ref\n\n" + text)


@functools.cache
def _markdown(extensions: tuple):
    import markdown

    return markdown.Markdown(extensions=list(extensions))


def _texts_read(text: str) -> list[str]:
    """Each distinct text Python-Markdown's inline rules were handed while rendering ``text`` (the real rules,
    observed: each match's text built again is a new one)."""
    import markdown

    md, seen = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS), {}
    for rule in md.inlinePatterns:
        read = rule.handleMatch

        def observed(m, data, read=read):
            seen.setdefault(id(data), data)
            return read(m, data)

        rule.handleMatch = observed
    md.convert(text)
    return list(seen.values())


@pytest.mark.parametrize("unit", ["`a` ", "*a* ", "[a](b) ", "<https://a.example> ", "**a** _b_ "])
def test_a_paragraph_of_markup_is_read_once_not_built_again_at_each_match(unit):
    """Python-Markdown replaced each match by a placeholder in a new copy of the paragraph's text: 2,000 code spans
    made 2,000 copies of it (quadratic: 100,000 characters of code spans 1.2 s, of emphasis 3 s). Each rule now
    reads one text, and all the rules together about as much text as the paragraph holds, whatever its length."""
    text = unit * 2000
    read = sum(len(t) for t in _texts_read(text))
    assert read < 5 * len(text), read // len(text)


def test_long_paragraphs_of_each_construct_render_as_python_markdown_renders_them():
    for unit in UNITS:
        text = unit * 300
        assert _html(text) == _html(text, STOCK), unit


def test_mixed_inline_markup_renders_as_python_markdown_renders_it():
    """Random texts of inline markup, packed: where a rule reads the character before its match (emphasis, code
    after a backslash, a link after "!"), and the emphasis rule's runs paired ahead; through kb_md as the site
    renders a pattern, and as written."""
    from recur.site.md import kb_md

    rng = random.Random(5)
    for _ in range(250):
        text = "".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 120)))
        for variant in (text, kb_md(text)):
            assert _html(variant) == _html(variant, STOCK), repr(variant)


def test_the_starter_kb_renders_as_python_markdown_renders_it():
    from recur.kb.parse import split_front_matter
    from recur.site.md import kb_md

    files = sorted((ROOT / "kb").rglob("*.md"))
    assert files
    for path in files:
        body = split_front_matter(path.read_text()).body
        assert _html(kb_md(body)) == _html(kb_md(body), STOCK), path


def test_the_kbs_markdown_renders_with_the_linear_processor_where_python_markdown_goes_on_after_a_match():
    """An older Python-Markdown read a paragraph again from its start after each match: there its own processor
    stays, as ``LinearInline`` makes the matches of one that goes on after the placeholder (this one)."""
    from recur.kb.inline import LinearInline, goes_on_after_placeholder

    assert goes_on_after_placeholder()
    assert isinstance(_markdown(tuple(MARKDOWN_EXTENSIONS)).treeprocessors["inline"], LinearInline)
    assert not isinstance(_markdown(tuple(STOCK)).treeprocessors["inline"], LinearInline)
