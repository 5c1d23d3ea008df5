"""Postmortems not written in Markdown, turned into the Markdown ``postmortem.parse`` reads:
Jira / Confluence wiki markup (``h2. Summary``, ``||header||`` rows, ``# item``, ``{noformat}``)
and HTML (a Confluence page saved as HTML, an HTML fragment pasted into a file).

Text that is neither comes back unchanged; nothing here knows about the KB.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

JIRA_HEADING = re.compile(r"^h([1-6])\.\s+(.*?)\s*$")
JIRA_BLOCK = re.compile(r"^\s*\{(?:code|noformat)(?::[^}]*)?\}\s*$")
# an HTML document or fragment: its first tag (comments aside, ``_after_comments``) is a block-level one
HTML_START = re.compile(r"<(?:!doctype|html|head|body|meta|h[1-6]|p|div|table|section|article|ul|ol)\b", re.I)


def drop_html_comments(text: str, repl: str = " ") -> str:
    """``text`` with each ``<!-- ... -->`` replaced by ``repl``; an unclosed one is left as it is.
    A loop over str.find rather than the regex ``<!--.*?-->``: on a file of unclosed ``<!--`` that
    regex scans to the end from each one, quadratic (80 KB took 86 s; a 1 MiB file, hours)."""
    out, at = [], 0
    while (start := text.find("<!--", at)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            break
        out += [text[at:start], repl]
        at = end + 3
    out.append(text[at:])
    return "".join(out)


def _after_comments(text: str) -> str:
    """``text`` from its first character that is neither white space nor inside a leading comment."""
    text = text.lstrip()
    while text.startswith("<!--") and (end := text.find("-->", 4)) >= 0:
        text = text[end + 3 :].lstrip()
    return text


def to_markdown(text: str) -> str:
    """``text`` as Markdown when it is HTML or Jira wiki markup; otherwise ``text`` unchanged."""
    markdown_headings = re.findall(r"(?m)^#{2,6}\s+\S", text)  # Markdown that starts with an HTML block
    if HTML_START.match(_after_comments(text)) and not markdown_headings:
        return html_to_markdown(text)
    lines = text.split("\n")
    # "## step" is a nested numbered item in wiki markup as much as a Markdown heading: wiki markup
    # when its own headings (h2. …) outnumber those (a Jira timeline with a sub-step was left raw)
    if sum(bool(JIRA_HEADING.match(ln)) for ln in lines) > len(markdown_headings):
        return jira_to_markdown(lines)
    return bullets(callouts(text))


# a list item's marker as a word processor's plain text writes it (Google Docs' .txt export: "●\tAdd …",
# "○" and "■" deeper): Markdown's "- ", which every reader of a list takes; under "Action items" they
# were no follow-ups
_BULLET = re.compile(r"^([ \t]*)[•●◦○▪■‣∙⁃][ \t]+(?=\S)")


def bullets(text: str) -> str:
    """``text`` with each line's bullet character (``●``, ``•``, ``◦``, ``▪`` …) as ``- ``; code blocks left alone."""
    out, fence = [], None
    for ln in text.split("\n"):
        fence = next_fence(fence, ln.strip())
        out.append(_BULLET.sub(r"\1- ", ln) if fence is None else ln)
    return "\n".join(out)


# Notion's callout block: its Markdown export writes "<aside>" and "</aside>" lines around the callout's
# text, which opens with the callout's icon ("💡 Checkout returned 502s …"); the tags and the icon were
# the summary's first words. The icon is one emoji (a ZWJ sequence, a skin tone, a variation selector)
_EMOJI_CHAR = "[\u2139\u2190-\u21ff\u2300-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff]"
_EMOJI_MARKS = "[\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]*"
EMOJI = f"{_EMOJI_CHAR}{_EMOJI_MARKS}(?:\u200d{_EMOJI_CHAR}{_EMOJI_MARKS})*"
LEADING_ICON = re.compile(rf"^([ \t]*){EMOJI}(?:[ \t]+|$)")

# An emoji written as GitHub's, Slack's and Confluence's Markdown export write it, a shortcode: ":white_check_mark:
# Done", ":red_circle: Critical". Its name is word characters, so the readers that pass an emoji before a status
# or a level (a non-word character) stopped at it: a done item was recorded open (then overdue), ":x: Won't do"
# open, a completed review pending, a severity left for triage. A name has a letter ("12:30:45" has none), stands
# alone ("re:fix:" is no shortcode) and is short: bounded, a colon before a long run of letters is tried in linear time.
SHORTCODE = re.compile(r"(?<![\w:]):(?=[a-z0-9_+-]{0,39}[a-z])([a-z0-9_+-]{1,40}):(?![\w:])")
# the shortcodes that say a status or a level, as the emoji the readers know: the rest are decoration
# (":mag: Summary"), taken off where an emoji is (pm_text.clean_title, without_lead_emoji)
SHORTCODE_EMOJI = {
    **dict.fromkeys(("white_check_mark", "heavy_check_mark", "check", "check_mark"), "✅"),
    **dict.fromkeys(("ballot_box_with_check", "check_box_with_check"), "☑️"),
    **dict.fromkeys(("x", "heavy_multiplication_x", "negative_squared_cross_mark", "cross_mark"), "❌"),
    **dict.fromkeys(("white_large_square", "white_square_button", "black_square_button"), "⬜"),
    **dict.fromkeys(("red_circle", "large_red_circle"), "🔴"),
    **dict.fromkeys(("yellow_circle", "large_yellow_circle"), "🟡"),
    **dict.fromkeys(("green_circle", "large_green_circle"), "🟢"),
    **dict.fromkeys(("orange_circle", "large_orange_circle"), "🟠"),
    **dict.fromkeys(("blue_circle", "large_blue_circle"), "🔵"),
    **dict.fromkeys(("white_circle", "large_white_circle"), "⚪"),
    **dict.fromkeys(("black_circle", "large_black_circle"), "⚫"),
    "warning": "⚠️",
    "no_entry": "⛔",
    "no_entry_sign": "🚫",
    "stop_sign": "🛑",
    "construction": "🚧",
    "hourglass": "⌛",
    "hourglass_flowing_sand": "⏳",
}


def emoji_shortcodes(text: str) -> str:
    """``text`` with each status or level shortcode (SHORTCODE_EMOJI) written as its emoji; others as they are."""
    if ":" not in text:
        return text
    return SHORTCODE.sub(lambda m: SHORTCODE_EMOJI.get(m.group(1), m.group(0)), text)


_ASIDE_OPEN = re.compile(r"^[ \t]*<aside\b[^>]*>[ \t]*", re.I)


def _before_close(ln: str) -> str | None:
    """``ln`` before the "</aside>" ending it, else None (str methods: a regex searched for the tag after
    a run of spaces tried every start in the run, quadratic on a padded line)."""
    s = ln.rstrip(" \t")
    return s[:-8].rstrip(" \t") if s[-8:].lower() == "</aside>" else None


def next_fence(fence: str | None, line: str) -> str | None:
    """The open code fence (``` or ~~~) after ``line`` (stripped), ``fence`` being the one open before it: the
    readers here leave code blocks alone (one rule, written in three loops before)."""
    if fence is None and line.startswith(("```", "~~~")):
        return line[:3]
    if fence and line.startswith(fence):
        return None
    return fence


def callouts(text: str) -> str:
    """``text`` with each callout's ``<aside>`` tags taken out and its icon, a lone emoji opening its
    text; the callout's words are kept, a paragraph of their own. Code blocks are left alone."""
    out, fence, icon = [], None, False  # icon: in a callout whose first words are still to come
    for ln in text.split("\n"):
        fence = next_fence(fence, ln.strip())
        tag = fence is None and (_ASIDE_OPEN.match(ln) or _before_close(ln) is not None)
        if fence is None and (m := _ASIDE_OPEN.match(ln)):
            ln, icon = ln[m.end() :], True
        closed = fence is None and (before := _before_close(ln)) is not None
        if closed:
            ln = before
        if icon and ln.strip():
            ln, icon = LEADING_ICON.sub(r"\1", ln), False
        if not (tag and not ln.strip() and (not out or not out[-1].strip())):  # a tag's line left blank
            out.append(ln)
        if closed and out and out[-1].strip():
            out.append("")  # the callout ends its paragraph
        icon = icon and not closed
    return "\n".join(out)


# Jira's printable, Word and text views head an issue with its key in brackets and its summary, "[PIR-212] Payment
# webhooks delayed": the document's title. It was the Summary's first line, and the title the file name's ("jira")
_JIRA_TITLE = re.compile(r"^\s*\[([A-Z][A-Z0-9]*-\d+)\]\s+(\S.*?)\s*$")


def _jira_title(lines: list[str]) -> list[str]:
    """``lines`` with a first line that is an issue's key and summary (_JIRA_TITLE) as a heading "h1. KEY: summary",
    which the title reader takes as "Incident INC-7781: X" is (the key kept in References), when none is an h1."""
    first = next((k for k, ln in enumerate(lines) if ln.strip()), None)
    m = _JIRA_TITLE.match(lines[first]) if first is not None else None
    if m is None or any(ln.startswith("h1.") for ln in lines):
        return lines
    return [*lines[:first], f"h1. {m.group(1)}: {m.group(2)}", *lines[first + 1 :]]


def jira_to_markdown(lines: list[str]) -> str:
    out, fenced = [], False
    lines = _jira_title(lines)
    for ln in lines:
        if JIRA_BLOCK.match(ln):
            fenced = not fenced
            out.append("```")
            continue
        if fenced:
            out.append(ln)
            continue
        # "{{payments-events}}" is wiki markup's monospace: Markdown's code span (it stayed in the summary as written)
        ln = re.sub(r"\{\{([^{}\n]+?)\}\}", r"`\1`", ln)
        if m := JIRA_HEADING.match(ln):
            out.append(f"{'#' * int(m.group(1))} {m.group(2)}")
        elif m := re.match(r"^(#+|\*+)\s+(.*)$", ln):  # a list item in wiki markup
            marker = "1." if m.group(1)[0] == "#" else "-"
            out.append(f"{'   ' * (len(m.group(1)) - 1)}{marker} {_jira_item(m.group(2))}")
        elif ln.lstrip().startswith("||"):  # a header row
            cells = [c.strip() for c in ln.strip().strip("|").split("||")]
            out += ["| " + " | ".join(cells) + " |", "|" + "---|" * len(cells)]
        else:
            out.append(ln)
    return "\n".join(out)


def _jira_item(text: str) -> str:
    """A wiki-markup list item as Markdown: its tick icon "(/)" a checked box and its cross "(x)" an
    unchecked one, a user mention "[~jdoe]" an @mention (the owner). They stayed in follow-up titles
    ("(/) Add jitter to TTLs - [~jdoe]"), and a done item was open."""
    text = re.sub(r"^\(/\)\s*", "[x] ", text)
    text = re.sub(r"^\(x\)\s*", "[ ] ", text)
    return re.sub(r"\[~([\w.@-]+)\]", r"@\1", text)


# the deepest an HTML list's items are indented in the Markdown made of it (_Html._indent)
MAX_LIST_DEPTH = 20


class _Html(HTMLParser):
    BLOCK = {"p", "div", "section", "article", "header", "footer", "blockquote", "ul", "ol", "table", "dl", "dt", "dd"}
    BLOCK |= {"aside", "figure"}  # Notion's callout: "<aside>" (or "<figure class=callout>"), a paragraph
    SKIP = {"script", "style", "head", "title"}
    VOID = {"br", "img", "hr", "meta", "link", "input", "wbr", "col", "source", "area", "base"}
    # what an exported page says about the page, not the incident, dropped with its content: Confluence's
    # breadcrumbs ("1. SRE / 1. Postmortems" were the summary's first lines), its "Created by …, last
    # modified by … on" line and its footer ("Document generated by Confluence on …")
    DROP_IDS = {"breadcrumb-section", "breadcrumbs", "footer"}
    DROP_CLASSES = {"page-metadata"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.rows_in_table: list[int] = []
        self.lists: list[str] = []
        self.li = 0  # depth of the list item open now (0: none)
        self.skip = 0
        self.pre = 0
        self.drop: list = []  # [tag, depth] of an element dropped whole (DROP_IDS, DROP_CLASSES)
        self.task: dict | None = None  # a Confluence inline task open: its owner and due date
        # ("owner" | "due", text, what to say when it has none) of a mention or date in a task
        self.capture: tuple | None = None
        self.owner_guess: str | None = None  # the task's owner as an avatar link's data-username, no name seen
        self.space_title = False  # in a Confluence page title, "SPACE : Title": the space goes
        self.callout = False  # in a Notion callout whose first words (its icon, an emoji: dropped) are to come
        self.cell_break = False  # a line break in the open cell, written before its next words

    def _dropping(self, tag: str, attrs: dict) -> bool:
        """Whether this start tag is inside, or starts, an element dropped whole."""
        if self.drop:
            self.drop[1] += tag == self.drop[0]
            return True
        if attrs.get("id") in self.DROP_IDS or set((attrs.get("class") or "").split()) & self.DROP_CLASSES:
            self.drop = [] if tag in self.VOID else [tag, 1]
            return True
        return False

    def _export_start(self, tag: str, attrs: dict) -> bool:
        """What Confluence and Google Docs write for a title, a task, its owner and due date:
        True when handled here. A task list item ``<li data-inline-task-id class="checked">`` is a
        checkbox item ("[x]", "[ ]"); in it a user mention is its owner and ``<time datetime>`` its due
        date, said as "(owner: …, due: …)" (both were pasted into the follow-up's title, and a done
        task was an open one). A mention is ``<a class="user-mention">`` or, on older pages and server
        editions, ``<a class="confluence-userlink" data-username>`` alone (its name stayed in the title);
        one with no text (an avatar) is its data-username, until a mention of the same task writes a name
        (Confluence puts the avatar link before the name link)."""
        classes = set((attrs.get("class") or "").split())
        if tag == "li" and "data-inline-task-id" in attrs:
            self._end_task()
            self.li = len(self.lists)
            self._emit(f"\n{self._indent()}- {'[x]' if 'checked' in classes else '[ ]'} ")
            self.task, self.owner_guess = {"owner": None, "due": None}, None
        elif self.task is not None and tag == "a" and classes & {"user-mention", "confluence-userlink"}:
            self.capture = ("owner", [], attrs.get("data-username"))
        elif self.task is not None and tag == "time" and attrs.get("datetime"):
            self.task["due"] = self.task["due"] or attrs["datetime"][:10]
            self.capture = ("due", [], None)
        elif tag == "p" and "title" in classes and self.cell is None and not self.li:
            self.out.append("\n\n# ")  # Google Docs: the document's Title paragraph (the title was the file name)
        else:
            self.space_title = self.space_title or attrs.get("id") in ("title-heading", "title-text")
            self.callout = self.callout or tag == "aside" or (tag == "figure" and "callout" in classes)
            return False
        return True

    def _end_task(self) -> None:
        task, self.task = self.task, None
        said = [f"{k}: {v}" for k, v in (task or {}).items() if v]
        if said:
            self._emit(f" ({', '.join(said)})")

    def _end_capture(self) -> None:
        """A task's owner or due date, read: the first one written stays, but a user name from an
        avatar link gives way to the name the same user's next link writes."""
        kind, words, fallback = self.capture
        said = " ".join("".join(words).split())
        guessed = kind == "owner" and self.task[kind] == self.owner_guess == fallback
        self.task[kind] = (None if guessed and said else self.task[kind]) or said or fallback or None
        if kind == "owner" and not said and self.task[kind] == fallback:
            self.owner_guess = fallback
        self.capture = None

    def _indent(self) -> str:
        """The blanks before a list item: three a level, to MAX_LIST_DEPTH levels. Deeper items stay at the
        deepest: 8,000 nested <ul><li> (64 KB) became 96 MB of blanks, each line read by the parser (114 s,
        498 MB in `recur import`; 60,000 levels 21.8 GB); no postmortem nests its lists that deep."""
        return "   " * min(max(len(self.lists) - 1, 0), MAX_LIST_DEPTH - 1)

    def _emit(self, text: str) -> None:
        if self.cell is not None and self.cell_break and text.strip():
            text, self.cell_break = f"<br>{text}", False
        (self.cell if self.cell is not None else self.out).append(text)

    def _inline_block(self, tag) -> bool:
        """A paragraph or div inside a table cell or a list item (Google Docs and Confluence put a
        <p> in every cell and item): a space, not a paragraph break, or the row or item falls apart
        (a table of action items came out as 0 follow-ups)."""
        if tag in ("ul", "ol", "table") or (self.cell is None and self.li < 1):
            return False
        if self.cell is not None:
            self._break_cell()
            return True
        if self.out and not self.out[-1].endswith((" ", "\n")):
            self.out.append(" ")
        return True

    def _break_cell(self) -> None:
        """A line break in a table cell (``<br>``, a paragraph ending or starting): said "<br>", as a Markdown
        table carries it, once before the cell's next words, so a cell's lines are read as they are there (its
        names split, "Ana Ruiz<br>Lee Park": a space made them one owner "Ana Ruiz Lee Park", and a Services
        cell one service). None at a cell's start or end: "<td><p>Scale consumers</p></td>" is one line."""
        self.cell_break = self.cell_break or "".join(self.cell or []).strip() != ""

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if self._dropping(tag, attrs) or self._export_start(tag, attrs):
            return
        if tag in self.SKIP:
            self.skip += 1
        elif m := re.fullmatch(r"h([1-6])", tag):
            self.out.append(f"\n\n{'#' * int(m.group(1))} ")
        elif tag in self.BLOCK and self._inline_block(tag):
            pass
        elif tag in self.BLOCK:
            self.out.append("\n\n")
            if tag in ("ul", "ol"):
                self.lists.append(tag)
            if tag == "table":
                self.rows_in_table.append(0)
        elif tag == "li":
            self.li = len(self.lists)  # an item open at this depth (an unclosed <li> before it ends here)
            self._emit(f"\n{self._indent()}{'1.' if self.lists[-1:] == ['ol'] else '-'} ")
        elif tag == "br":
            self._break_cell() if self.cell is not None else self._emit("\n")
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell, self.cell_break = [], False
        elif tag == "pre":
            self.pre += 1
            self.out.append("\n\n```\n")
        elif tag == "code" and not self.pre:
            self._emit("`")
        elif tag in ("strong", "b"):
            self._emit("**")

    def handle_endtag(self, tag):
        if self.drop:
            self.drop[1] -= tag == self.drop[0]
            self.drop = self.drop if self.drop[1] > 0 else []
            return
        if self.capture and tag in ("a", "time"):
            self._end_capture()
            return
        if tag == "li" or (tag in ("ul", "ol") and self.task is not None):
            self._end_task()
        if re.fullmatch(r"h[1-6]", tag):
            self.space_title = False
        if tag in self.SKIP:
            self.skip = max(self.skip - 1, 0)
        elif tag in self.BLOCK and self._inline_block(tag):
            pass
        elif re.fullmatch(r"h[1-6]", tag) or tag in self.BLOCK:
            self._end_block(tag)
        elif tag == "li":
            self.li = len(self.lists) - 1
        elif tag in ("td", "th") and self.cell is not None:
            if self.row is not None:
                self.row.append(" ".join("".join(self.cell).split()).replace("|", "\\|"))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self._end_row()
        elif tag == "pre":
            self.pre = max(self.pre - 1, 0)
            self.out.append("\n```\n\n")
        elif tag == "code" and not self.pre:
            self._emit("`")
        elif tag in ("strong", "b"):
            self._emit("**")

    def _end_block(self, tag) -> None:
        self.out.append("\n\n")
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.li = min(self.li, len(self.lists))  # back in the enclosing item, if any
        if tag == "table" and self.rows_in_table:
            self.rows_in_table.pop()

    def _end_row(self) -> None:
        if self.row:
            self.out.append("\n| " + " | ".join(self.row) + " |")
            if self.rows_in_table and self.rows_in_table[-1] == 0:
                self.out.append("\n|" + "---|" * len(self.row))
            if self.rows_in_table:
                self.rows_in_table[-1] += 1
        self.row = None

    def handle_data(self, data):
        if self.skip or self.drop:
            return
        data = data.replace("\xa0", " ")
        if self.capture:
            self.capture[1].append(data)
            return
        if self.callout and data.strip():  # "<aside>💡 <p>…": the callout's icon was the summary's first line
            data, self.callout = LEADING_ICON.sub("", data.lstrip()), False
        if self.space_title and data.strip():  # "SRE : 2026-03-10 Postmortem - …": the space name goes
            data, self.space_title = re.sub(r"^\s*[^:\n]{1,60}? : ", "", data, count=1), False
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
            if self.out and self.out[-1].endswith(("\n", "# ", "- ", ". ", "] ")) and self.cell is None:
                data = data.lstrip()
        self._emit(data)


def html_to_markdown(text: str) -> str:
    parser = _Html()
    parser.feed(text)
    parser.close()
    md = "".join(parser.out)
    md = "\n".join(ln.rstrip() for ln in md.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", md).strip() + "\n"


GRID_BORDER = re.compile(r"^\s*\+(?:[-=:]+\+)+\s*$")


def grid_tables(text: str) -> str:
    """``text`` with each pandoc grid table (``+----+----+`` borders, ``| a | b |`` rows whose cells
    wrap onto several lines: what pandoc writes for a Word or Confluence table with long cells) written
    as a pipe table, one line per row, so its rows read as the rows they are. Code blocks are left alone."""
    lines, out, fence, n = text.split("\n"), [], None, 0
    while n < len(lines):
        fence = next_fence(fence, lines[n].strip())
        if (
            fence is None
            and GRID_BORDER.match(lines[n])
            and n + 1 < len(lines)
            and lines[n + 1].lstrip().startswith("|")
        ):
            rows, n = _grid_rows(lines, n)
            out += rows
            continue
        out.append(lines[n])
        n += 1
    return "\n".join(out)


# GitHub-flavoured Markdown's table without its outer pipes: "Time | Event" over "--- | ---", then
# "14:05 | Alert fired" rows. Every reader of a table here (timeline, fields, action items) looks for
# a row that starts with "|"; such a table's rows were text, its timeline no entries (found importing one)
_PIPE = re.compile(r"(?<!\\)\|")
_DELIMITER = re.compile(r"\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?")
_NO_HEADER = re.compile(r"(?:#|>|[-*+][ \t]|\d+[.)][ \t]|\|)")


def pipeless_tables(text: str) -> str:
    """``text`` with each table written without its leading and trailing pipes (a header row with a
    ``|``, its ``--- | ---`` delimiter row of as many cells) written with them, as a piped table is;
    its rows go on to the first line with no ``|``. Code blocks are left alone, as are a heading, a
    list item or a quote over a delimiter row (GFM reads no table there) and a table piped already."""
    lines, fence, n = text.split("\n"), None, 0
    while n < len(lines):
        was, fence = fence, next_fence(fence, lines[n].strip())
        if was is None and fence is None and _pipeless_header(lines, n):  # not a fence's own line
            n = _pipe_rows(lines, n)
            continue
        n += 1
    return "\n".join(lines)


def _pipeless_header(lines: list[str], n: int) -> bool:
    """Whether line ``n`` heads a table without outer pipes: a row with a ``|`` (not a heading, list
    item or quote, nor piped already: those read as they are) over a delimiter row of as many cells."""
    s, nxt = lines[n].strip(), lines[n + 1].strip() if n + 1 < len(lines) else ""
    if not _PIPE.search(s) or _NO_HEADER.match(s) or lines[n].startswith("    ") or not _DELIMITER.fullmatch(nxt):
        return False
    return len(table_cells(s)) == len(table_cells(nxt))


def table_cells(row: str) -> list[str]:
    """A table row's cells; an escaped pipe (``\\|``) is a pipe inside a cell, and its text then.
    One reading for every table reader (this one, action items, the timeline and fields tables in
    ``postmortem``), where two copies of the same split had been written."""
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return [c.strip().replace("\\|", "|") for c in _PIPE.split(row)]


def _pipe_rows(lines: list[str], n: int) -> int:
    """Write the rows of the table headed at line ``n`` with their outer pipes, in place; the line after it."""
    while n < len(lines) and _PIPE.search(lines[n]):
        s = lines[n].strip()
        indent = lines[n][: len(lines[n]) - len(lines[n].lstrip())]  # a table in a list item stays in it
        lead = "" if s.startswith("|") else "| "
        tail = "" if s.endswith("|") and not s.endswith("\\|") else " |"
        lines[n] = f"{indent}{lead}{s}{tail}"
        n += 1
    return n


def _grid_rows(lines: list[str], start: int) -> tuple[list[str], int]:
    """(the pipe-table lines of the grid table starting at line ``start``, the line after it)."""
    border = lines[start]
    cuts = [i for i, ch in enumerate(border) if ch == "+"]
    rows, parts, n = [], None, start
    while n < len(lines) and (GRID_BORDER.match(lines[n]) or lines[n].lstrip().startswith("|")):
        ln = lines[n]
        if GRID_BORDER.match(ln):
            if parts and any(parts):
                rows.append(parts)
            parts = None
        else:
            cells = [ln[a + 1 : b].strip() for a, b in zip(cuts, cuts[1:])]
            parts = [f"{p} {c}".strip() for p, c in zip(parts, cells)] if parts else cells
        n += 1
    if parts and any(parts):
        rows.append(parts)
    out = []
    for i, row in enumerate(rows):
        out.append("| " + " | ".join(" ".join(c.replace("|", "\\|").split()) for c in row) + " |")
        if i == 0:
            out.append("|" + "---|" * len(row))
    return out, n


# --- what a file holds besides its text: a MIME wrapper, inline images ---------------------------------

# a MIME file's first header lines: "Date: …", "Subject: …", "MIME-Version: 1.0", "Content-Type: …"
# (folded lines start with a space or tab). Confluence's "Export to Word" writes one as a ".doc", as
# do a web page saved as a single file (.mht) and a saved email (.eml).
_HEADER_LINE = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,60}:[^\n]*|[ \t][^\n]*")


@dataclass(frozen=True)
class Prepared:
    """The text of a postmortem file to read: a MIME file's text part (``mime`` says which, "" when it
    has none), with inline images (``data:`` URIs) taken out (``images``, ``image_chars``)."""

    text: str
    mime: str | None = None
    images: int = 0
    image_chars: int = 0


def _mime_headers(text: str) -> bool:
    """Whether ``text`` starts with a MIME header block: header lines only, down to a blank line,
    MIME-Version and Content-Type among them; or a saved email's without them (``_mail_headers``)."""
    head = text.lstrip("\ufeff").split("\n\n", 1)[0][:8000].split("\n")
    names = {ln.split(":", 1)[0].strip().lower() for ln in head if ln[:1] not in (" ", "\t")}
    if not all(_HEADER_LINE.fullmatch(ln) for ln in head):
        return False
    return {"mime-version", "content-type"} <= names or ("\n\n" in text and _mail_headers(names))


# a block of header lines down to a blank line is a saved email's head, MIME-Version or not (a plain-text mail
# saved as .eml, privacy review: its Received:, From:, To:, Cc: and Message-ID: lines were the incident's Summary,
# its Subject not the title), when a sender and a header only a mail program writes are among them: "From: … /
# Date: … / Subject: …" alone may be a write-up's own fields, which postmortem._email_headers reads as it always has
_TRANSPORT = frozenset({"received", "return-path", "delivered-to", "message-id", "mime-version", "content-type"})


def _mail_headers(names: set) -> bool:
    """Whether the header names ``names`` of a block (each line header-shaped) are a saved email's: a sender among
    them and a header only a mail program writes. Any other header may be there: mail programs and lists add their
    own (List-Post:, Sensitivity:, Errors-To:, Autocrypt:, Resent-From:), and a list of them all missed those."""
    return "from" in names and bool(names & _TRANSPORT)


def _part_text(part) -> str:
    if part.get_content_charset() is None:  # no charset named: what is saved now is UTF-8, not ASCII as RFC 2045 says
        return (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    try:
        return part.get_content()
    except (LookupError, ValueError):  # an unknown charset: the bytes as UTF-8, wrong letters replaced
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", "replace")


def mime_text(text: str) -> tuple[str, str] | None:
    """(the postmortem's text, which part it is) when ``text`` is a MIME file, else None: its
    text/html part as Markdown (its quoted-printable or base64 undone), else its text/plain part; ""
    when it has neither. Its headers are the export's, not the incident's ("Date:" is when it was
    exported), and are dropped, except an email's From/Subject/Date, which ``postmortem`` reads as
    an email's (the Subject a title, the Date a fallback)."""
    text = text.replace("\r\n", "\n")  # a MIME file's lines end in CRLF as often as not
    if not _mime_headers(text):
        return None
    import email
    from email import policy

    # from bytes: from a str, a part's 8bit text (a plain mail's "Naïve", "—") is read back one byte a letter
    msg = email.message_from_bytes(text.lstrip("\ufeff").encode("utf-8", "surrogatepass"), policy=policy.default)
    parts = [p for p in msg.walk() if not p.is_multipart() and p.get_content_disposition() != "attachment"]
    part = next((p for p in parts if p.get_content_type() == "text/html"), None)
    part = part or next((p for p in parts if p.get_content_type() == "text/plain"), None)
    if part is None:
        return "", ""
    body = _part_text(part).replace("\r\n", "\n")
    body = html_to_markdown(body) if part.get_content_type() == "text/html" else body
    head = [f"{k}: {msg[k]}" for k in ("From", "Subject", "Date") if msg[k]] if msg["From"] else []
    kind = "an email" if head else "a MIME file"
    return "\n".join(head) + ("\n\n" if head else "") + body, f"{part.get_content_type()} part of {kind}"


# inline images: Google Docs' Markdown export ends with "[image1]: <data:image/png;base64,…>" per
# image, megabytes of base64 that are no text; each bounded, linear on a long line
_DATA_REF = re.compile(r"(?m)^[ \t]{0,3}\[([^\]\n]{1,200})\]:[ \t]*<?data:[^\s>]*>?[^\n]*$")
_DATA_INLINE = re.compile(r"!\[[^\]\n]{0,300}\]\([ \t]*<?data:[^\s)>]*>?(?:[ \t]+\"[^\"\n]{0,300}\")?[ \t]*\)")
# an HTML image's data: URI only (the converter leaves <img> out anyway): nothing after it to match, so
# a tag without its ">" costs no backtracking over a megabyte of base64
_DATA_IMG = re.compile(r"(<img\b[^>]{0,2000}?\bsrc\s?=\s?[\"']?)data:[^\"'\s>]*", re.I)


def without_inline_images(text: str) -> tuple[str, int, int]:
    """``text`` without images written inline as ``data:`` URIs (a Markdown reference definition and
    the ``![][label]`` using it, an inline ``![](data:…)``, an HTML ``<img src="data:…">``): (text, how
    many, how many characters). A 2 MB Google Docs export, nearly all one image, was refused as over
    1 MiB; its text is what a record holds."""
    count, chars = 0, 0

    def drop(m) -> str:
        nonlocal count, chars
        kept = m.group(1) if m.re is _DATA_IMG else ""
        count, chars = count + 1, chars + len(m.group(0)) - len(kept)
        return kept

    labels = [m.group(1) for m in _DATA_REF.finditer(text)]
    text = _DATA_REF.sub(drop, text)
    text = _DATA_INLINE.sub(drop, text)
    text = _DATA_IMG.sub(drop, text)
    for label in dict.fromkeys(labels):  # the uses of a definition taken out: "![][image1]"
        text = re.sub(r"!\[[^\]\n]{0,300}\]\[" + re.escape(label) + r"\]", "", text, flags=re.I)
    return text, count, chars


def prepared(text: str) -> Prepared:
    """What of a postmortem file is read: a MIME file's text part, without inline images."""
    mime = mime_text(text)
    body = mime[0] if mime else text
    body, images, chars = without_inline_images(body)
    return Prepared(body, mime[1] if mime else None, images, chars)
