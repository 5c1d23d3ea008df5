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


# Each "&lt;" kb_md wrote for a "<", and each backslash escape (its own for a "[" that opens no link, and the
# author's), was an inline match to Python-Markdown, which rebuilt the paragraph's text after every one: 100,000
# "<" in one paragraph took 58 s to render, 100,000 "[" 17.5 s, 50,000 "\[" 20 s (bench/pathological.py's
# "site" rows). Now each is a mark (recur.kb.marks) that no Markdown rule reads, made the character again after
# the inline rules. Counted and compared here, not timed.
HOSTILE = {
    "<" * 5000: "<p>" + "&lt;" * 5000 + "</p>",
    "[" * 5000: "<p>" + "[" * 5000 + "</p>",
    "\\[" * 5000: "<p>" + "[" * 5000 + "</p>",
    "[a](" * 2000: "<p>" + "[a](" * 2000 + "</p>",
    "<a" * 3000: "<p>" + "&lt;a" * 3000 + "</p>",
    "\\*" * 3000 + "\\\\" * 3000: "<p>" + "*" * 3000 + "\\" * 3000 + "</p>",
    "&" * 3000 + "&copy;" * 1000: "<p>" + "&amp;" * 3000 + "&copy;" * 1000 + "</p>",
}


def test_hostile_paragraphs_render_as_written_with_no_match_per_character_left_to_markdown():
    for text, html in HOSTILE.items():
        md = kb_md(text)
        assert "&" not in md and "\\" not in md and opening(md, "(") == 0, text[:8]
        assert opening(md, "[") == text.count("[a]"), text[:8]  # a "[" closed is left to Markdown (a link's)
        assert rendered(text) == html, text[:8]


def test_marks_become_their_characters_in_every_construct_and_never_open_a_tag_or_link():
    cases = {
        "a < b <img src=x onerror=alert(1)>": "<p>a &lt; b &lt;img src=x onerror=alert(1)&gt;</p>",
        "- x < y [z\n- [a](u) <b>": '<ul>\n<li>x &lt; y [z</li>\n<li><a href="u">a</a> &lt;b&gt;</li>\n</ul>',
        "| a<b | [c \\| d |\n|---|---|\n| <i> | [x](y( |": (
            "<table>\n<thead>\n<tr>\n<th>a&lt;b</th>\n<th>[c | d</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n"
            "<td>&lt;i&gt;</td>\n<td>[x](y(</td>\n</tr>\n</tbody>\n</table>"
        ),
        "## h < i [j\n\ntext": '<h2 id="h-i-j">h &lt; i [j</h2>\n<p>text</p>',
        "*a < b* **[c** _\\_d_": "<p><em>a &lt; b</em> <strong>[c</strong> <em>_d</em></p>",
        "[a < [b](http://x)": '<p>[a &lt; <a href="http://x">b</a></p>',
        '[a](http://x/\\_y "t<\\*")': '<p><a href="http://x/_y" title="t&lt;*">a</a></p>',
        "![a<b](x.png)": '<p><img alt="a&lt;b" src="x.png" /></p>',
        "`code <x> \\[y`": "<p><code>code &lt;x&gt; \\[y</code></p>",
        "```\n<x> \\[y [z\n```": "<pre><code>&lt;x&gt; \\[y [z\n</code></pre>",
        '!!! note "t < ["\n    body <x> [': (
            '<div class="admonition note">\n<p class="admonition-title">t &lt; [</p>\n<p>body &lt;x&gt; [</p>\n</div>'
        ),
        "x <kbd>Ctrl</kbd> y <https://a.b/c>": '<p>x <kbd>Ctrl</kbd> y <a href="https://a.b/c">https://a.b/c</a></p>',
        "\\# no heading\n\n1\\. no list": "<p># no heading</p>\n<p>1. no list</p>",
        "# T<[ {#id}": '<h1 id="id">T&lt;[</h1>',
        "a & b &copy; &#60; [x](http://a?b=1&c=2) <https://a?b&c> ![a&b](x&y.png) &lt;b&gt;": (
            '<p>a &amp; b &copy; &#60; <a href="http://a?b=1&amp;c=2">x</a> <a href="https://a?b&amp;c">https://a?b&amp;c</a>'
            ' <img alt="a&amp;b" src="x&amp;y.png" /> &lt;b&gt;</p>'
        ),
        "## a &amp; b &lt;c": '<h2 id="a-b-c">a &amp; b &lt;c</h2>',
    }
    for text, html in cases.items():
        out = rendered(text)
        assert out == html, text
        assert not any(mark in out for mark in "\x0e\x0f\x10\x11\x12"), text


def test_a_site_page_shows_hostile_text_as_written_with_no_mark_left(tmp_path):
    from kbfactory import small_kb, write_pattern
    from site_helpers import recur_site

    kb = small_kb(tmp_path / "kb")
    body = "Queue <b>depth</b> [high\n\n### When < 5 [left\n\n| a<b | \\[c |\n|---|---|\n| x | y |\n\n" + "<" * 3000
    write_pattern(kb, "queue-full", title="Queue full", signals=("queue full",), summary=body)
    res = recur_site(kb, tmp_path / "site", "--no-browser-search")
    assert res.exit_code == 0, res.output
    page = (tmp_path / "site/patterns/capacity/queue-full.html").read_text()
    assert "Queue &lt;b&gt;depth&lt;/b&gt; [high" in page and "&lt;" * 3000 in page
    assert "When &lt; 5 [left</h3>" in page and "<td>[c</td>" not in page and "<th>[c</th>" in page
    index = (tmp_path / "site/search/search_index.json").read_text()
    for out in (page, index):
        assert not any(mark in out for mark in "\x0e\x0f\x10\x11\x12")
