"""KB text the site renders, from a pull request (security review of 2026-12). A body of brackets that open no
link: Python-Markdown reads from each "[" to the "]" that closes it, and from each "](" to its ")", to the
paragraph's end when none does, so 10,000 "[" in one body made `recur site` take 58.6 s instead of ~10 s: a pull
request could stall CI. kb_md escapes what can open no link; links render as before. Counted here, not timed
(bench/pathological.py's "site" rows). And control characters, which became Recur's own badges."""

from __future__ import annotations

import re

import markdown

from recur.kb.parse import MARKDOWN_EXTENSIONS
from recur.site.md import MAX_BRACKET_DEPTH, kb_md

# a "[" or "(" with no backslash before it (an even run of them: escaped backslashes)
OPEN = re.compile(r"(?<!\\)(?:\\\\)*([\[(])")


def rendered(text: str) -> str:
    return markdown.Markdown(extensions=MARKDOWN_EXTENSIONS).convert(kb_md(text))


def opening(md: str, char: str) -> int:
    return sum(m.group(1) == char for m in OPEN.finditer(md))


def test_brackets_no_bracket_closes_are_escaped_and_shown_as_written():
    md = kb_md("It broke.\n\n" + "[" * 10_000 + "\n")
    assert opening(md, "[") == 0  # none left for Markdown to read on from
    assert rendered("[" * 10_000).count("[") == 10_000


def test_brackets_nested_past_the_depth_no_link_reaches_are_escaped():
    md = kb_md("[" * 4000 + "]" * 4000)
    assert opening(md, "[") == MAX_BRACKET_DEPTH
    assert rendered("[" * 4000 + "]" * 4000) == "<p>" + "[" * 4000 + "]" * 4000 + "</p>"


def test_link_parentheses_no_parenthesis_closes_are_escaped():
    md = kb_md("[a](" * 4000 + "\n\nNext paragraph (closed).")
    assert opening(md, "(") == 1  # the closed one of the next paragraph
    assert rendered("[a](" * 3 + "\n\n(x)") == "<p>[a]([a]([a](</p>\n<p>(x)</p>"


def test_a_bracket_closed_only_in_the_next_paragraph_is_escaped():
    md = kb_md("- [" * 20 + "\n\n" + "]" * 20)
    assert opening(md, "[") == 0


def test_links_images_and_references_render_as_before():
    cases = {
        "[x](http://a.b/c)": '<p><a href="http://a.b/c">x</a></p>',
        "[`code`](http://x)": '<p><a href="http://x"><code>code</code></a></p>',
        "![img](a.png)": '<p><img alt="img" src="a.png" /></p>',
        "[a [b] c](u)": '<p><a href="u">a [b] c</a></p>',
        "[ref][1]\n\n[1]: http://x": '<p><a href="http://x">ref</a></p>',
        "[a](u (x))": '<p><a href="u (x)">a</a></p>',
        "[a](http://x_(y))": '<p><a href="http://x_(y)">a</a></p>',
        '[a](u "t")': '<p><a href="u" title="t">a</a></p>',
        "see [a\nb](u)": '<p>see <a href="u">a\nb</a></p>',
        "text [not a link (nor this": "<p>text [not a link (nor this</p>",
        "a \\[ b": "<p>a [ b</p>",
    }
    for text, html in cases.items():
        assert rendered(text) == html, text


def test_control_characters_in_kb_text_are_no_task_badges():
    # "\x01" and "\x02" are the task marks kb_md makes badges of: written in a body, they showed as Recur's own
    # "done" and "open" badges (security review of 2026-12); control characters are taken out first
    out = rendered("CTRL-A[\x01] CTRL-B[\x02] CTRL-C[\x03]\n\n- [x] real task\n")
    assert out.count("r-task-done") == 1 and "r-task-open" not in out
    assert "CTRL-A[] CTRL-B[] CTRL-C[]" in out and not any(c in out for c in "\x01\x02\x03")
