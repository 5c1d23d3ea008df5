"""Small Markdown/HTML helpers shared by the page generators: links, escaping, anchors, front matter."""

from __future__ import annotations

import dataclasses
import functools
import html
import posixpath
import re
import unicodedata

from recur.kb import marks
from recur.kb.parse import LIST_LINE, MARKDOWN_EXTENSIONS, fenced_lines, indented_code
from recur.kb.writer import dumps
from recur.util.text import slugify, without_controls


def esc(text) -> str:
    """Escape for HTML text and attribute values."""
    return html.escape("" if text is None else str(text), quote=True)


# fenced blocks and inline code spans: Markdown already shows their contents as text
_CODE = re.compile(r"(^[ \t]*(?:```|~~~).*?^[ \t]*(?:```|~~~)[^\n]*$|`+[^`\n]*`+)", re.M | re.S)
# the marks kb_md and kb.marks write for what is shown as text ("\x00" is a "<" kept, an inline tag's): none is
# part of an address ("https://x.example/console<br>" had the <br>'s "<" inside its autolink)
_MARKS = "\x00" + marks.LT + marks.BRACKET + marks.PAREN + marks.AMP + marks.ESCAPED
_AUTOLINK = re.compile(r"<(?=(?:https?|mailto):[^\s<>" + _MARKS + "]*>)")
# a link's or an image's destination in angle brackets, as CommonMark writes a name with spaces
# ("![disk usage](<disk graph.png>)"): its "<" escaped, the site built a link to "&lt;disk graph.png>" (a
# dead link; --strict failed). No "<", ">" or line break inside, as CommonMark reads one: nothing in it
# can open a tag. In a reference definition ("[g]: <disk graph.png>") its spaces are written %20 too:
# Python-Markdown reads no space in a definition's destination, and left the line as text.
_ANGLE_DESTINATION = re.compile(r"(\]\(\s*)<(?=[^<>\n]*>)")
_ANGLE_REFERENCE = re.compile(r"^([ ]{0,3}\[[^\]\n]+\]:[ \t]*)<([^<>\n]*)>", re.M)


def _angle_destinations(text: str) -> str:
    """``text`` with the "<" of each destination in angle brackets as the ``\\x00`` mark ``kb_md`` keeps."""
    text = _ANGLE_DESTINATION.sub("\\1\x00", text)
    return _ANGLE_REFERENCE.sub(lambda m: f"{m.group(1)}\x00{m.group(2).strip().replace(' ', '%20')}>", text)


# a bare web address in prose ("Postmortem: https://wiki.example/pm/123"), as GitHub links one (GFM's
# extended autolinks): the site showed it as text, and the patterns' References are mostly such lines. Not
# one already a link's: a destination ("](https://"), an autolink ("<https://"), a quoted or attribute value,
# a reference definition ("[pm]: https://...") or the text of a link ("[https://x](...)": a link in a link).
# A backslash that escapes the next character ("\\*https://x\\*") is no part of it either: it went into the
# autolink, whose ">" it then escaped.
_URL = (
    r"(?<![\w<\[\"'=/])(?<!\]\()https?://"
    r"(?:[^\s<>\[\]\"'`\\" + _MARKS + r"]|\\(?![" + re.escape(marks.ESCAPABLE) + r"]))+"
)
# what decides whether an address is bare, read in one pass from a paragraph's start (``_Open``): an escape, an
# inline <code> pair's tags (``_inline_tags`` kept them), a paragraph's end, a line's, a link's "](" and brackets
_URL_CONTEXT = re.compile(
    r"(?P<url>" + _URL + r")|\\[" + re.escape(marks.ESCAPABLE) + r"]|(?i:\x00(?P<code>/?)code>)"
    r"|\n[ \t]*\n|\n|\]\(|[\[\]()]"
)
_URL_TAIL = ".,:;!?*_~'\""
_REFERENCE_START = re.compile(r"[ ]{0,3}\[[^\]\n]+\]:[ \t]*")


@dataclasses.dataclass
class _Open:
    """Where ``_bare_urls`` is in a paragraph: an address in a link's text or in its destination and title is
    the link's. Counted on the address's own line, a link whose text wrapped onto a second line with an address
    in it rendered an anchor inside an anchor, and one in a title ("see https://b.example") became "see
    &lt;https://b.example&gt;"."""

    brackets: int = 0  # "[" open since the paragraph's start
    destination: int = 0  # "(" open from a link's "](" (its destination and title)
    code: bool = False  # in an inline <code> pair: code, as GitHub shows it


def _bare_urls(parts: list[str]) -> list[str]:
    """``parts`` (``_CODE.split``'s, code at odd places) with each bare http(s) address outside code written as an
    autolink (``<https://...>``, which ``kb_md`` keeps and Markdown links), less the punctuation that ends its
    sentence ("see https://x." links https://x) and a closing parenthesis it did not open ("(https://x)"). One
    pass over the text: a code span between "[" and "]" is inside the link, a fenced block is a paragraph."""
    if not any("://" in part for part in parts[::2]):
        return parts
    where, out = _Open(), list(parts)
    for k in range(0, len(parts), 2):
        if k and "\n" in parts[k - 1]:
            where = _Open()
        out[k] = _linked(parts[k], where)
    return out


def _linked(text: str, where: _Open) -> str:
    out, at, pos, line, definition = [], 0, 0, 0, None
    while m := _URL_CONTEXT.search(text, pos):
        token, pos = m.group(), m.end()
        if m.group("url"):
            if where.destination:
                pos = m.start() + 1  # its parentheses count: one of them may close the destination
                continue
            if definition is None:  # a reference definition's destination ("[pm]: https://..."), read once a line
                start = _REFERENCE_START.match(text, line)
                definition = start.end() if start else -1
            if not (where.brackets or where.code or m.start() == definition):
                out += [text[at : m.start()], _autolink(token)]
                at = pos
        elif m.group("code") is not None:
            where.code = not m.group("code")
        elif token[0] == "\n":
            line, definition, where.code = pos, None, False
            if len(token) > 1:  # a paragraph's end
                where.brackets = where.destination = 0
        elif where.destination:
            where.destination += (token[-1] == "(") - (token == ")")
        elif token == "[":
            where.brackets += 1
        elif token in ("]", "]("):
            where.brackets = max(0, where.brackets - 1)
            where.destination = int(token == "](")
    out.append(text[at:])
    return "".join(out)


def _autolink(url: str) -> str:
    """``<url>``, less the punctuation that ends its sentence and a ")" it did not open."""
    whole = url
    while url and (url[-1] in _URL_TAIL or (url[-1] == ")" and url.count(")") > url.count("("))):
        url = url[:-1]
    if len(url) <= len("https://"):
        return whole
    return f"<{url}>{whole[len(url) :]}"


# the whole script URL, with one level of parentheses ("javascript:void(0)"): what is left after it
# must not read as a link of its own (a leftover "#void(0)" failed --strict as a missing anchor)
_SCRIPT_URL = re.compile(r"\]\(\s*<?\s*(?:javascript|vbscript|data):[^()\s]*(?:\([^()]*\)[^()\s]*)*", re.I)


def indented_code_fenced(text: str) -> str:
    """An indented code block (``parse.indented_code``: 4+ spaces after a blank line, outside a list) written as a
    fenced one: what follows escapes raw HTML outside code, and it did not know an indented block for code, so
    ``<node>`` in one was escaped twice and shown as ``&lt;node>``. The blank lines after a block stay after its
    fence."""
    lines = text.split("\n")
    code = indented_code(lines)
    if not code:
        return text
    out, after = [], False  # after: on the blank lines right after a block, written empty as its own are
    for n, line in enumerate(lines):
        if n in code:
            out += ["```"] * (n - 1 not in code) + [line[4:] if line.strip() else ""] + ["```"] * (n + 1 not in code)
            after = True
        elif after and not line.strip():
            out.append("")
        else:
            out.append(line)
            after = False
    return "\n".join(out)


def gfm_lists(text: str) -> str:
    """Lists as GitHub reads them, which is how authors check their Markdown, made so for
    Python-Markdown: a list right under a paragraph line starts a list (Python-Markdown needs a blank
    line first, else the items run into the paragraph as text), a nested list indented by 2 or 3
    spaces nests (Python-Markdown needs 4 per level), and in a list with a blank line in it an item
    is not taken into the block above it (``_absorbed``). Fenced blocks are left as they are."""
    lines, out, prev, unit, loose = text.split("\n"), [], "blank", 0, False
    fenced = fenced_lines(lines)
    for n, line in enumerate(lines):
        if n in fenced:
            out.append(line)
            prev = "text"
            continue
        item = LIST_LINE.match(line)
        indent = len(line) - len(line.lstrip(" "))
        interrupts = in_loose_list = False
        if not line.strip():
            prev = "blank" if prev != "list" else "list-gap"
            loose = loose or prev == "list-gap"
        elif item:
            # as CommonMark: a bullet, or an ordered list from 1, interrupts a paragraph
            interrupts = indent == 0 and prev == "text" and (not line[0].isdigit() or bool(re.match(r"1[.)]", line)))
            in_loose_list = loose and prev != "text"
            unit = indent if indent and (not unit or indent < unit) and prev in ("list", "list-gap") else unit
            prev = "list"
        elif indent == 0:
            prev, unit, loose = "text", 0, False
        if unit and 0 < unit < 4 and indent and prev in ("list", "list-gap") and line.strip():
            line = " " * ((indent // unit) * 4 + indent % unit) + line.lstrip(" ")
        if interrupts or (in_loose_list and _absorbed(out[-1], _indent(line))):  # (once re-indented)
            out.append("")
        out.append(line)
    return "\n".join(out)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _absorbed(above: str, indent: int) -> bool:
    """Whether Python-Markdown, in a list with a blank line in it, would take an item at ``indent``
    right under the line ``above`` into that line's block, where CommonMark starts an item: an outer
    item under a deeper line ("- a", "", "    more", "- b": "- b" became text of the paragraph
    "more", or an item of the nested list above), or a nested item right under a paragraph
    line of its item. A blank line before it keeps it apart in both."""
    if not above.strip():
        return False
    return indent < _indent(above) or (indent == _indent(above) and not LIST_LINE.match(above))


def kb_md(text) -> str:
    """Markdown written in the KB, made inert: raw HTML (``<img onerror=...>``, ``</script>``) is
    shown as text, not passed through to the page (but for a few inline tags without attributes,
    ``_inline_tags``), and links cannot be ``javascript:`` URLs.
    Code spans and fenced blocks are left alone (Markdown already escapes them); autolinks
    (``<https://...>``) keep working, and a bare web address is one (``_bare_urls``); task list items (``- [x]``) show done / open (``task_marks``).
    KB files arrive in pull requests: their text is data."""
    # control characters out first: "\x01" and "\x02" are the task marks' (_TASK), and KB text that held them
    # became Recur's own done/open badges; none is text (recur check warns of them at their line)
    text = without_controls("" if text is None else str(text))
    parts = _CODE.split(task_marks(gfm_lists(indented_code_fenced(text))))
    parts = inert_brackets(parts)
    parts[::2] = [_inline_tags(part) for part in parts[::2]]  # even parts are outside code
    parts = _bare_urls(parts)
    for i in range(0, len(parts), 2):
        part = _angle_destinations(_AUTOLINK.sub("\x00", parts[i]))
        # a "<" shown as text is a mark (kb.marks), not "&lt;": each entity was an inline match to Python-Markdown,
        # which rebuilt the paragraph's text after each, so 100,000 "<" in one paragraph took 58 s to render; "&"
        # (an entity's too) is a mark for the same reason
        part = part.replace("&", marks.AMP).replace("<", marks.LT).replace("\x00", "<")
        parts[i] = _escapes(_SCRIPT_URL.sub("](#", part))
    # the markers of pre-rendered blocks (raw) never come from KB text, even in what looks like code
    # here: an indented fence is no code to Markdown, and a block put back after sanitising is not sanitised
    out = _RAW_MARK.sub(r"\1 \2", "".join(parts))
    return out.replace(_TASK["done"], badge("done", "task-done")).replace(_TASK["open"], badge("open", "task-open"))


# a backslash escape the author wrote: Python-Markdown's, with the KB's extensions
_ESCAPE = re.compile(r"\\([" + re.escape(marks.ESCAPABLE) + "])")
_ESCAPE_MARK = {c: f"{marks.ESCAPED}{ord(c):02x}" for c in marks.ESCAPABLE}


def _escapes(text: str) -> str:
    """``text`` (outside code) with each backslash escape as a mark (kb.marks) that shows its character: each
    escape was an inline match to Python-Markdown, which rebuilt the paragraph's text after each (50,000 "\\["
    in a paragraph took 20 s)."""
    return _ESCAPE.sub(lambda m: _ESCAPE_MARK[m.group(1)], text) if "\\" in text else text


# Inline tags GitHub shows and that carry nothing but looks: without attributes (no onclick=, no style=),
# each kept only closed on its own line (an <em> never closed slanted the rest of the page: a browser carries
# an open formatting element on into the blocks after it). Any other tag, or one of these with attributes, is
# text. recur.site.inert's allow-list is the second guard.
_INLINE_TAG = re.compile(r"<(/?)(kbd|sub|sup|em|strong|code)>|<br ?/?>", re.I)


def _inline_tags(text: str) -> str:
    """``text`` (outside code) with the ``<`` of each ``_INLINE_TAG`` kept as a ``\\x00`` mark (the one
    ``kb_md`` turns back into ``<`` after escaping every other), a pair only when it closes on its line."""
    if "<" not in text:
        return text
    return "\n".join(_line_tags(line) if "<" in line else line for line in text.split("\n"))


def _line_tags(line: str) -> str:
    kept, opened = [], []
    for m in _INLINE_TAG.finditer(line):
        if m.group(2) is None:
            kept.append(m.start())  # <br>
        elif not m.group(1):
            opened.append((m.group(2).lower(), m.start()))
        elif opened and opened[-1][0] == m.group(2).lower():
            kept += [opened.pop()[1], m.start()]
        else:
            opened = []  # misnested: nothing open before it is closed any more
    out, at = [], 0  # one join, not a copy of the line for each tag kept (40,000 <code> pairs on a line took 9.7 s)
    for k in sorted(kept):
        out += [line[at:k], "\x00"]
        at = k + 1
    return "".join(out) + line[at:]


# the deepest "[" inside "[" that can still open a link: no link's text nests brackets deeper than a few
MAX_BRACKET_DEPTH = 8
_BRACKET = re.compile(r"\\.|[\[\]()]|\n[ \t]*\n", re.S)


def inert_brackets(parts: list[str]) -> list[str]:
    """``parts`` (``_CODE.split``'s: code at odd places, left alone) with each "[" that opens no link escaped: one
    no "]" closes in its paragraph, or nested deeper than MAX_BRACKET_DEPTH; and each "(" after "]" no ")" closes.
    Python-Markdown reads from each "[" to the "]" that closes it, and from each "](" to its ")", to the end of
    the paragraph when there is none: 10,000 "[" in a pattern's body made `recur site` take 58.6 s (a pull
    request could stall CI); "[" * 4,000 + "]" * 4,000 8.7 s, "[a](" * 4,000 7.6 s. One pass over the text; a
    link, whose brackets close, renders as before. A code span between "[" and "]" ("[`x`](url)") is inside."""
    escape: list[set] = [set() for _ in parts]
    opened: list[tuple] = []  # (part, index) of each "[" open
    parens: list[tuple] = []  # (part, index, after "]") of each "(" open
    for k in range(0, len(parts), 2):
        if k and "\n" in parts[k - 1]:  # a fenced block: a paragraph of its own
            _unclosed(escape, opened, parens)
        for m in _BRACKET.finditer(parts[k]):
            c, at = m.group(), m.start()
            if c == "[":
                if len(opened) < MAX_BRACKET_DEPTH:
                    opened.append((k, at))
                else:
                    escape[k].add(at)
            elif c == "]" and opened:
                opened.pop()
            elif c == "(":
                parens.append((k, at, at > 0 and parts[k][at - 1] == "]"))
            elif c == ")" and parens:
                parens.pop()
            elif c[0] == "\n":
                _unclosed(escape, opened, parens)
    _unclosed(escape, opened, parens)
    # each as a mark (kb.marks), not a backslash escape: each escape was an inline match to Python-Markdown, which
    # rebuilt the paragraph's text after each (100,000 "[" still took 17.5 s)
    return [
        "".join(_MARK_OF[ch] if i in at else ch for i, ch in enumerate(part)) if at else part
        for part, at in zip(parts, escape)
    ]


_MARK_OF = {"[": marks.BRACKET, "(": marks.PAREN}


def _unclosed(escape: list[set], opened: list, parens: list) -> None:
    """The "[" and the "(" after "]" still open at a paragraph's end, marked to escape; both emptied."""
    for k, at in opened:
        escape[k].add(at)
    for k, at, link in parens:
        if link:
            escape[k].add(at)
    opened.clear()
    parens.clear()


# A task list item's box ("- [x] Validate BIC", as GitHub shows a checkbox; `recur import` writes the
# action items so): marked before the text is escaped with characters no KB text holds (kb_md takes
# control characters out first), made badges after. Python-Markdown showed "[x]" and "[ ]" as written.
_TASK = {"done": "\x01", "open": "\x02"}
_TASK_ITEM = re.compile(r"^( *(?:[-*+]|\d{1,9}[.)])[ \t]+)\[([ xX])\](?=[ \t]+\S)")


def task_marks(text: str) -> str:
    """``text`` with the boxes of its task list items, outside fenced blocks, as ``_TASK`` marks."""
    lines = text.split("\n")
    fenced = fenced_lines(lines)
    out = []
    for n, line in enumerate(lines):
        if n not in fenced:
            line = _TASK_ITEM.sub(lambda m: m.group(1) + _TASK["open" if m.group(2) == " " else "done"], line)
        out.append(line)
    return "\n".join(out)


_RAW_MARK = re.compile(r"(<!--)(\s*/?\s*recur:html)", re.I)


# Python-Markdown's own code-span rule (BACKTICK_RE): n backticks closed by n backticks. Text inside
# stays as written (Markdown shows it as text); text outside is escaped.
_SPAN = re.compile(r"(?<!\\)(`+)(.+?)(?<!`)\1(?!`)")
# backslash first, so a written "\[" cannot undo the escape; brackets make links, braces attr_list
# attributes ("{: onclick=...}" at the end of a title would become an attribute of the <h1>)
_LITERAL = str.maketrans({"\\": "\\\\", "[": "\\[", "]": "\\]", "{": "\\{", "}": "\\}"})


def _literal(text: str) -> str:
    return html.escape(text, quote=False).translate(_LITERAL)


def cell(text) -> str:
    """A one-line KB field (title, symptom, tag, follow-up) for a Markdown table cell, list item or
    heading: shown as text. Emphasis and `code` still render; raw HTML, links and attr_list
    attributes do not (the field is data from a pull request, and a static host has no CSP)."""
    s = ("" if text is None else str(text)).replace("\n", " ")
    out, at = [], 0
    for m in _SPAN.finditer(s):  # a pipe in a code span is the tables extension's to leave alone: not escaped
        out += [_literal(s[at : m.start()]).replace("|", "\\|"), m.group(0)]
        at = m.end()
    out.append(_literal(s[at:]).replace("|", "\\|"))
    # what would start a block where the field is a list item or a heading ("# x", "- x", "1. x", "> x")
    s = _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), "".join(out), count=1)
    # and what would end a heading: '#'s at the end of its line are closing markers, cut from the text
    # ("... in C#" headed "... in C"); the last one escaped keeps them all ("C#\\#" reads "C##")
    return _CLOSING_HASH.sub(r"\1\\\2", s)


_CLOSING_HASH = re.compile(r"(?<!\\)((?:\\\\)*)(#\s*)$")  # a '#' not escaped already (after even backslashes)
_BLOCK_START = re.compile(r"^(\s*\d*)((?<=\d)[.)](?=\s)|(?<![\d])#{1,6}(?=\s|$)|(?<![\d])[-+*](?=\s))")


def inline_html(text) -> str:
    """A one-line KB field as HTML for a raw block (no Markdown runs there): escaped, with its
    `code spans` as <code>, as Markdown would show them."""
    s = "" if text is None else str(text)
    out, at = [], 0
    for m in _SPAN.finditer(s):
        out += [esc(s[at : m.start()]), f"<code>{esc(m.group(2).strip())}</code>"]
        at = m.end()
    out.append(esc(s[at:]))
    return "".join(out)


def inline_md(text) -> str:
    """A one-line KB field as HTML for a raw block, shown as ``cell`` shows it in a heading: escaped, with
    its `code` and *emphasis* rendered by Python-Markdown with the KB's extensions, as mkdocs renders the
    heading (the list of paths showed a path's title as written, "`kubectl` for *new* hires", under an <h1>
    on the path's own page that rendered it)."""
    md = _inline_markdown()
    md.reset()
    out = md.convert(cell(text))
    return out[3:-4] if out.startswith("<p>") and out.endswith("</p>") else out


@functools.lru_cache(maxsize=65536)
def title_html(text) -> str:
    """A record's title (a pattern's, an incident's, a follow-up's) as HTML in a list or a table, as its page's
    heading shows it (``cell``, rendered: ``inline_md``): escaped, its `code` and *emphasis* rendered. The
    lists showed "`maxmemory` *hot* keys" as written under a heading that rendered it. A title with no "`",
    "*" or "_" is escaped alone (what Markdown would make of it), and each title is rendered once however
    many lists hold it: a list page of thousands of rows is the site's largest."""
    s = "" if text is None else str(text)
    return inline_md(s) if any(c in s for c in "`*_") else esc(s)


def title_link(from_page: str, to_page: str, title, anchor: str | None = None) -> str:
    """``alink`` for a record's title (``title_html``)."""
    return f'<a href="{href(from_page, to_page, anchor)}">{title_html(title)}</a>'


@functools.cache
def _inline_markdown():
    import markdown  # here, not at the top: `recur --help` and `recur check` stay light

    return markdown.Markdown(extensions=MARKDOWN_EXTENSIONS)


def link_text(text) -> str:
    """Escape for the text of a Markdown link (no code spans or emphasis inside a link)."""
    s = _literal(("" if text is None else str(text)).replace("\n", " ")).replace("|", "\\|")
    return s.replace("*", "\\*").replace("_", "\\_").replace("`", "\\`")


@functools.lru_cache(maxsize=65536)
def _relpath(to_page: str, from_dir: str) -> str:
    return posixpath.relpath(to_page, from_dir)


def rel(from_page: str, to_page: str, anchor: str | None = None) -> str:
    """Relative link between two generated Markdown files (``a/b.md`` -> ``../c/d.md``).

    Markdown links keep ``.md`` so mkdocs validates and rewrites them.
    """
    target = _relpath(to_page, posixpath.dirname(from_page) or ".")
    return target + (f"#{anchor}" if anchor else "")


def href(from_page: str, to_page: str, anchor: str | None = None) -> str:
    """The same link for raw HTML (``use_directory_urls: false``: ``x.md`` is served as ``x.html``)."""
    target = rel(from_page, to_page)
    if target.endswith(".md"):
        target = target[:-3] + ".html"
    return esc(target + (f"#{anchor}" if anchor else ""))


def mdlink(from_page: str, to_page: str, text, anchor: str | None = None) -> str:
    return f"[{link_text(text)}]({rel(from_page, to_page, anchor)})"


def alink(from_page: str, to_page: str, text, anchor: str | None = None) -> str:
    return f'<a href="{href(from_page, to_page, anchor)}">{esc(text)}</a>'


def slug(text: str) -> str:
    """A section's id from a tag, service, category or severity name. An ASCII name is cut as it always
    was (slugify: 'Postgres Main' -> 'postgres-main'), so links saved to it keep working; any other keeps
    its letters, digits and marks, lowercased after NFKC ('postgres-münchen', '決済サービス'). Cut to
    ASCII, they lost them: 'postgres-m-nchen', and every all-Japanese name was 'x' told apart by a number
    by its place in the list, so a tag added before it moved a saved link to another tag's section (found
    in an international team's review). Browsers take a Unicode #fragment as typed."""
    if str(text).isascii():
        return slugify(text, empty="x")
    text = unicodedata.normalize("NFKC", str(text)).lower()
    words, word = [], []
    for ch in text + " ":
        if ch.isalnum() or unicodedata.category(ch).startswith("M"):
            word.append(ch)
        elif word:
            words.append("".join(word))
            word = []
    return "-".join(words) or "x"


class Anchors:
    """Unique anchor ids for a set of names (tags or services that slugify alike get suffixes)."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.ids: dict = {}
        self.used: set = set()

    def __call__(self, name: str) -> str:
        if name not in self.ids:
            base = f"{self.prefix}-{slug(name)}"
            aid, n = base, 2
            while aid in self.used:
                aid, n = f"{base}-{n}", n + 1
            self.used.add(aid)
            self.ids[name] = aid
        return self.ids[name]


def front_matter(**meta) -> str:
    """YAML front matter for a generated page; None values are left out.

    Values are written as JSON (valid YAML flow style): PyYAML's pure-Python emitter was the
    slowest step of generating thousands of pages.
    """
    clean = {k: v for k, v in meta.items() if v is not None}
    if isinstance(clean.get("title"), str):  # the theme puts page.title into the header unescaped
        clean["title"] = html.escape(clean["title"], quote=False)
    if not clean:
        return ""
    # characters YAML does not allow raw (C1 controls, DEL) escaped: written raw, YAML refused the front
    # matter, and mkdocs showed it as text and lost its keys (recur_kind among them, which decides sanitising)
    return "---\n" + "".join(f"{k}: {dumps(v)}\n" for k, v in clean.items()) + "---\n\n"


def table(headers: list, rows: list) -> str:
    """A Markdown table; cells must already be escaped/linked."""
    if not rows:
        return ""
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out) + "\n"


RAW_OPEN, RAW_CLOSE = "<!-- recur:html -->", "<!-- /recur:html -->"


def raw(html_block: str) -> str:
    """A pre-rendered HTML block, out of the search index.

    Any Markdown engine renders it as raw HTML; under mkdocs, recur.site.hook lifts these blocks out
    before Markdown and puts them back into the finished page, so Python-Markdown, mkdocs and the
    search plugin do not parse thousands of header cards tag by tag (the largest build cost at scale).
    """
    return f"\n{RAW_OPEN}\n{html_block.strip()}\n{RAW_CLOSE}\n\n"


# a heading and its attribute list, as attr_list reads one: any `{...}` (or `{: ...}`) ending the line. The
# heading's text never ends in a space and the list holds no "{": without them each step of the lazy text rescanned
# the rest of the line (a 50,000-character heading of " {:x" took 110 s; found in review)
_SECTION_HEADING = re.compile(r"^(#{2,6} .*?)(?<! )(?: +\{:?([^{}\n]*)\})? *$", re.M)
EXCLUDE = "data-search-exclude"


def unsearched(markdown: str) -> str:
    """Generated Markdown with each of its headings (## and below) marked out of the site search, and so
    the section under it (mkdocs-material indexes a page by its headings' sections). For the list pages
    (indexes, board, trends, home, incidents): the whole page was out of the search, so "problem board", "retrieval
    model" or "severity" found nothing; their title and intro are indexed, their lists, which repeat the
    patterns' titles and would crowd the patterns out of a search, are not. Generated headings only: KB
    text may hold a line that looks like one. Run twice, it changes nothing: a heading already marked is left
    as it is, and the mark joins a heading's own attribute list (`{#a .b}`), as a second list was kept as text."""
    return _SECTION_HEADING.sub(_exclude, markdown)


def _exclude(m: re.Match) -> str:
    attrs = (m.group(2) or "").strip()
    if EXCLUDE in attrs.split():
        return m.group(0)
    return f"{m.group(1)} {{{attrs + ' ' if attrs else ': '}{EXCLUDE} }}"


def html_table(headers: list, rows: list, attrs: str = "", cells: list | None = None) -> str:
    """A raw HTML table (cells already escaped): cheaper for Markdown to pass through than a Markdown table.
    ``cells``: each column's attributes for its <td> (' class="x"'), one per header."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "\n".join(
        "<tr>" + "".join(f"<td{a}>{c}</td>" for a, c in zip(cells or [""] * len(row), row, strict=True)) + "</tr>"
        for row in rows
    )
    return f"<table{attrs}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n"


def stacked_table(headers: list, rows: list, *, inline=(), labelled=(), empty: str = "") -> str:
    """A list's table, as ``raw_table``, that a phone shows as a card per row (recur.css, ``.recur-stack``):
    at 390 px the incidents' five columns squeezed each title to ~60 px and put its patterns off the screen,
    and the paths' "for" was cut. Columns ``inline`` share a line on the card, ``labelled`` ones start
    with their header ("patterns: ..."); the others read by themselves. A desktop keeps the table."""
    if not rows:
        return empty
    cells = [
        ("" if n not in inline else ' class="recur-inline"') + (f' data-label="{esc(h)}"' if n in labelled else "")
        for n, h in enumerate(headers)
    ]
    # the class on a wrapper, not the table: mkdocs-material styles (and wraps in its scrolling box) only a
    # table with no class, which is the desktop's table kept as it was
    return raw(f'<div class="recur-stack">\n{html_table(headers, rows, cells=cells)}</div>')


def card_table(headers: list, rows: list, empty: str = "") -> str:
    """A wide table (the problem board's) that a phone shows as a card per row, as ``stacked_table``: at 390 px the
    board's fixes (824 px) and follow-ups (790 px) tables put the owner, the due date and the ticket off the screen.
    The first column reads by itself (the item's name), the others start with their header ("owner: ...")."""
    return stacked_table(headers, rows, labelled=range(1, len(headers)), empty=empty)


def raw_table(headers: list, rows: list, empty: str = "") -> str:
    """A big list page's table as a pre-rendered block: Markdown tables of thousands of rows were the
    slowest pages to convert. Cells must already be HTML (use ``esc`` and ``alink``)."""
    return raw(html_table(headers, rows)) if rows else empty


def badge(text, kind: str) -> str:
    """A small coloured label (short markup: it is repeated on thousands of pages)."""
    return f'<b class="rb r-{esc(kind)}">{esc(text)}</b>'
