"""Reading KB files: YAML with line numbers, front matter, and Markdown sections.

PyYAML turns ``2026-13-45`` into a constructor crash and forgets where keys were, so we
compose the node tree ourselves: every key and list item gets its file line, dates stay
strings until the schema checks them, and duplicate keys are reported instead of dropped.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

import yaml

from recur import config
from recur.util import utf8
from recur.util.text import LOOKALIKE_DASHES, LOOKALIKE_SPACES, plural, syntax_lookalike, yaml_string

try:  # the C parser is ~10x faster on large KBs; the resolver below is pure Python either way
    _Base = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Base = yaml.SafeLoader

MAX_FILE_BYTES = 1024 * 1024
# the Python-Markdown extensions a KB's Markdown is rendered with: the site's plugin adds them to every
# build (site.plugin.EXTENSIONS), and kb.anchors renders a page's headings with them for their ids. The last two are
# Recur's own: kb.marks turns the marks site.md.kb_md writes for "<" and "[" back into those characters; kb.inline
# is Python-Markdown's inline processor, the same output in time linear in a paragraph's markup
MARKDOWN_EXTENSIONS = ["admonition", "attr_list", "fenced_code", "tables", "toc", "recur.kb.marks", "recur.kb.inline"]


class _Loader(_Base):
    """Safe loader that leaves timestamps as strings (the schema validates dates)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# what YAML 1.1 reads an unquoted value as a number by: ``0x7f3a``, ``0755``, ``12:30`` (base 60), ``.inf``
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")


class ParseError(Exception):
    def __init__(self, line: int, message: str, field: str | None = None):
        super().__init__(message)
        self.line = line
        self.message = message
        self.field = field  # the key at fault ("fix.owner") when known; else the reader names the file's part


@dataclass
class YamlDoc:
    """Parsed YAML data plus the file line of every key path, e.g. ("fix", "due") or ("symptoms", 2)."""

    data: object
    lines: dict = field(default_factory=dict)
    duplicates: list = field(default_factory=list)  # (key path, line)
    text: str = ""  # what was parsed
    # key path of a mapping, of a text over lines that is not quoted, or of an unquoted value YAML read as a
    # boolean -> (start, end) of it in ``text``
    spans: dict = field(default_factory=dict)
    # key path -> the text of an unquoted value YAML read as a number (``0x80070005``, ``0042``, ``1.10``)
    numbers: dict = field(default_factory=dict)

    def line(self, *path, default: int | None = None) -> int:
        """Line of the deepest known prefix of ``path``."""
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return default if default is not None else self.lines.get((), 1)

    def written(self, *path) -> str | None:
        """The mapping at ``path`` as the file has it, from its first key to its last value, when on
        one line (``10:02: disk full on /var``, which YAML reads as {602: "disk full on /var"}); else None."""
        span = self.spans.get(path)
        text = self.text[span[0] : span[1]] if span else ""
        return text.strip() if text.strip() and "\n" not in text else None

    def text_lines(self, *path) -> tuple[str, list[str]] | None:
        """The text at ``path`` as the file has it over lines, when it is one (a ``|`` or ``>`` block, or a
        plain value run over lines): its style ("|", ">" or "") and its lines, stripped, the empty left
        out. YAML joins a ``>`` block's lines: a hint that offers them as list items needs them as written."""
        span = self.spans.get(path)
        text = self.text[span[0] : span[1]] if span else ""
        if "\n" not in text.strip():
            return None
        style = text[0] if text[0] in "|>" else ""
        lines = text.split("\n")[1:] if style else text.split("\n")
        return style, [line.strip() for line in lines if line.strip()]


def _walk(node, path, offset, lines, duplicates, seen_nodes=None, spans=None, numbers=None):
    # An alias makes the composer reuse a node: walking (or later copying) a graph of reused
    # nodes is exponential (the "billion laughs" bomb), so any reuse is refused outright.
    seen_nodes = set() if seen_nodes is None else seen_nodes
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        if id(node) in seen_nodes:
            raise ParseError(
                node.start_mark.line + 1 + offset,
                "YAML anchors and aliases (&name, *name) are not supported in KB files; write the value out",
            )
        seen_nodes.add(id(node))
    if isinstance(node, yaml.MappingNode):
        if node.value and spans is not None:  # what a "must be a string, not a mapping" hint quotes
            spans[path] = (node.value[0][0].start_mark.index, node.value[-1][1].end_mark.index)
        seen = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            sub = path + (key,)
            line = key_node.start_mark.line + 1 + offset
            if key in seen:
                duplicates.append((sub, line))
            seen.add(key)
            lines[sub] = line
            _walk(value_node, sub, offset, lines, duplicates, seen_nodes, spans, numbers)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            sub = path + (i,)
            lines[sub] = item.start_mark.line + 1 + offset
            _walk(item, sub, offset, lines, duplicates, seen_nodes, spans, numbers)
    elif numbers is not None and not node.style and node.tag in _NUMBER_TAGS:  # plain: "" or None
        numbers[path] = node.value
    elif spans is not None and not node.style and node.tag == "tag:yaml.org,2002:bool":  # "off", "NO": as written
        spans[path] = (node.start_mark.index, node.end_mark.index)  # for the quoted form a hint offers
    elif spans is not None and node.style in (None, "", "|", ">") and node.end_mark.line > node.start_mark.line:
        spans[path] = (node.start_mark.index, node.end_mark.index)  # a text over lines: its lines, for a hint


# what nesting_problem reads of YAML text: a quoted string where a value can start (its brackets are text), a
# comment, or a bracket. Each quote starting a string is closed by the next unescaped one, so no quote is read
# to the text's end more than once: linear.
_NESTING = re.compile(r"""(?<![^\s\[{,:])(?:"(?:[^"\\]|\\[\s\S])*"|'(?:[^']|'')*')|(?<!\S)#[^\n]*|[\[\]{}]""")
# a line's indentation: its spaces, then the "- ", "? " and ": " that open a block inside it ("- - - x")
_BLOCK_LEAD = re.compile(r"( *)((?:[-?:] +)*)(.?)")


def _flow_depth(text: str) -> tuple[int, int]:
    """(most "[" and "{" open at once, the index where they first are): a bracket no bracket opened
    closes nothing, so stray ones in plain text cannot hide a deeper nesting after them."""
    depth = deepest = at = 0
    for m in _NESTING.finditer(text):
        c = m.group()
        if c in "[{":
            depth += 1
            if depth > deepest:
                deepest, at = depth, m.start()
        elif c in "]}":
            depth = max(depth - 1, 0)
    return deepest, at


def _block_depth(text: str) -> tuple[int, int]:
    """(most block levels open at once, by indentation, the 0-based line where they first are): each line
    indented past the levels above opens one, as does each "- " after the first leading it. A literal block's own
    indentation counts too: an overestimate, never an underestimate of what PyYAML nests."""
    stack: list[int] = []  # the columns of the levels open
    deepest = at = 0
    for n, line in enumerate(text.split("\n")):
        lead, marks, first = _BLOCK_LEAD.match(line).groups()
        if first in ("", "#"):
            continue
        column = len(lead)
        while stack and stack[-1] > column:
            stack.pop()
        if not stack or stack[-1] < column:
            stack.append(column)
        depth = len(stack) + max(len(marks.split()) - 1, 0)  # the first "- " is the level its column opened
        if depth > deepest:
            deepest, at = depth, n
    return deepest, at


def nesting_problem(text: str) -> tuple[int, str] | None:
    """(0-based line, what) when ``text`` nests lists or mappings deeper than ``config.MAX_YAML_DEPTH``,
    at the line where they are deepest; None otherwise. Asked before PyYAML reads a file: a megabyte of
    lines nested 400 deep took it 30-45 s, and it composes nested nodes by recursion. Cheap: each
    count is skipped when the text cannot reach the limit (too few brackets, no line indented so far)."""
    limit = config.MAX_YAML_DEPTH
    if text.count("[") + text.count("{") > limit:
        depth, index = _flow_depth(text)
        if depth > limit:
            return text.count("\n", 0, index), f"{depth:,} [ or {{ open at once"
    if re.search(rf"(?m)^[ ?:-]{{{limit}}}", text):
        depth, line = _block_depth(text)
        if depth > limit:
            return line, f"{depth:,} levels of indentation"
    return None


def check_nesting(text: str, offset: int = 0) -> None:
    """A ParseError at the line where ``text`` nests deeper than Recur reads YAML (``nesting_problem``)."""
    problem = nesting_problem(text)
    if problem is not None:
        line, what = problem
        raise ParseError(
            line + 1 + offset,
            f"lists or mappings nested deeper than this tool reads (deepest at this line: {what}, more than "
            f"{config.MAX_YAML_DEPTH}): write it flatter",
        )


# what size_problem counts as a value: each scalar (a key too), list and mapping of the document
_VALUE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)


def size_problem(text: str) -> tuple[int, int] | None:
    """(0-based line, the count) where ``text``'s YAML passes ``config.MAX_YAML_NODES`` values (scalars, keys,
    lists, mappings); None when it holds no more, or does not parse (load_yaml says why). Asked before the
    node tree is built: PyYAML's cost is per value, whatever the depth (1 MiB of front matter of "x," took
    `recur check` 18 s). Cheap: a text no longer than the limit is not read (YAML holds fewer values than
    characters: "a:" and its line's end are a key and its empty value), and a longer one only up to where it
    passes it, by libyaml's parser (C) and without building a node."""
    limit = config.MAX_YAML_NODES
    if len(text) <= limit:
        return None
    count, parser = 0, None
    try:
        parser = _Base(text)
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, _VALUE_EVENTS):
                count += 1
                if count > limit:
                    return event.start_mark.line, count
    except (yaml.YAMLError, ValueError):  # ValueError: a lone surrogate libyaml cannot encode
        return None
    finally:
        if parser is not None:
            parser.dispose()
    return None


def check_size(text: str, offset: int = 0) -> None:
    """A ParseError at the line where ``text`` holds more YAML values than Recur reads (``size_problem``)."""
    problem = size_problem(text)
    if problem is not None:
        raise ParseError(
            problem[0] + 1 + offset,
            f"more YAML values (keys, items, lists, mappings) than this tool reads in one document, "
            f"{config.MAX_YAML_NODES:,}: value {problem[1]:,} is at this line (real front matter holds under a "
            "hundred, eval/cases.yml some 6 a case): write it shorter",
        )


def load_yaml(text: str, offset: int = 0) -> YamlDoc:
    """Parse one YAML document; ``offset`` is added to every line (front matter starts at line 2)."""
    check_nesting(text, offset)
    check_size(text, offset)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDoc(None, {(): 1 + offset})
        lines = {(): node.start_mark.line + 1 + offset}
        duplicates: list = []
        spans: dict = {}
        numbers: dict = {}
        _walk(node, (), offset, lines, duplicates, spans=spans, numbers=numbers)
        data = loader.construct_document(node)
        return YamlDoc(data, lines, duplicates, text, spans, numbers)
    except ParseError:
        raise
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow raw (its message spans lines)
        raise _reader_error(text, exc, offset) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + offset) if mark else 1 + offset
        problem = exc.problem or exc.context or "invalid YAML"
        odd = _lookalike(text, mark, offset)
        if odd is not None:
            raise odd from None
        opened = _unclosed_quote(text, mark)
        if opened is None and _quote_to_the_end(exc):
            opened = exc.context_mark.line
        if opened is not None:
            raise ParseError(
                opened + 1 + offset,
                f"YAML does not parse: this quoted value is not closed on its line, so YAML read on "
                f"to line {line} ({problem}); close the quote",
            ) from None
        unclosed = (
            _unclosed_flow(exc, offset, text)
            or _reserved_start(text, mark, offset)
            or _colon_in_value(text, mark, offset, problem)
            or _dash_above(text, mark, offset, problem)
            or _quote_inside(text, mark, offset)
        )
        if unclosed is not None:
            raise unclosed from None
        hint = (
            _tab_hint(text, mark)
            or _escape_hint(text, mark, problem)
            or _indent_hint(text, mark, problem, offset)
            or _item_hint(text, mark, problem)
        )
        raise ParseError(line, f"YAML does not parse: {problem}{hint}") from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        raise ParseError(1 + offset, f"YAML does not parse: {exc}") from None
    finally:
        loader.dispose()


def reads_as(text: str, texts: list[str]) -> bool:
    """Whether a KB file's YAML reads ``text`` as a list of ``texts`` (a number as written: ``[5]`` is "5";
    ``yes``, ``10:02`` and ``0x10`` are not their text): how a hint checks the form it offers."""
    try:
        data = yaml.load(text, Loader=_Loader)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        return False
    return isinstance(data, list) and [str(x) if type(x) in (int, float, str) else x for x in data] == texts


def compose(text: str):
    """The YAML node tree of ``text`` as `load_yaml` reads it (None when empty): each node's marks give
    its place in the text, which is how a tool changes one value without rewriting the rest."""
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _lookalike(text: str, mark, offset: int) -> ParseError | None:
    """The first line, up to where YAML stopped, with a no-break space or an en dash where YAML needs a
    plain space or '-' (``severity:\u00a0sev2``, ``– ENOSPC``): YAML said "could not find expected ':'",
    often a line below it, and the character looks like the one meant in every editor."""
    if not mark:
        return None
    for n, line in enumerate(text.split("\n")[: mark.line + 1]):
        what = syntax_lookalike(line)
        if what:
            return ParseError(n + 1 + offset, f"YAML does not parse: line {n + 1 + offset} has {what}")
    return None


def _unclosed_flow(exc, offset: int, text: str) -> ParseError | None:
    """A ``[`` list or ``{`` mapping left open: PyYAML notices it on a later line (the next key) and
    said so there, one line after the one to fix. Said at the line that opened it, or None. Only when
    YAML stopped at the end or at a key no further in than the opening line: a list running over lines
    with a comma missing inside it (``"d"`` then ``"e"]``) stops there, at the mistake (found in review)."""
    context, opened, found = exc.context or "", exc.context_mark, exc.problem_mark
    kind = "[ list" if "flow sequence" in context else "{ mapping" if "flow mapping" in context else None
    if kind is None or opened is None or found is None or opened.line >= found.line:
        return None
    lines = text.split("\n")
    at = lines[found.line] if found.line < len(lines) else ""
    indent = len(lines[opened.line]) - len(lines[opened.line].lstrip())
    if at.strip() and not re.match(rf"^ {{0,{indent}}}[^\s#\[\]{{}},][^:#]*:(\s|$)", at):
        return None
    close = kind[0].replace("[", "]").replace("{", "}")
    return ParseError(
        opened.line + 1 + offset,
        f"YAML does not parse: this {kind} is not closed, so YAML read on to line {found.line + 1 + offset} "
        f"({exc.problem}); close it with {close}",
    )


# characters YAML reserves, which cannot start a plain (unquoted) value: `owner: @alice`, a name in
# backticks. PyYAML and libyaml say only "found character that cannot start any token"
RESERVED_START = "@`%"


def _reserved_start(text: str, mark, offset: int) -> ParseError | None:
    """A value starting with a character YAML reserves (``owner: @alice``, as docs/problems.md writes an owner;
    `` `bob` ``): said with the key at fault and its quoted form, as for ``: `` and yes/no
    (schema.mapping_hint, BOOL_HINT). The parser's own message said nothing of quotes (found by a
    problem manager's team). None for any other error."""
    lines = text.split("\n")
    if not mark or mark.line >= len(lines):
        return None
    line, col = lines[mark.line], mark.column
    head = line[:col].rstrip()
    if col >= len(line) or line[col] not in RESERVED_START or (head and head[-1] not in "-:[{,"):
        return None
    flow = "[" in head or "{" in head  # a value in a [list] ends at its comma or bracket
    value = re.split(r"[,\]}]" if flow else r"\s#", line[col:])[0].strip()
    fixed = _line_replaced(lines, mark.line, line[:col] + yaml_string(value) + line[col + len(value) :])
    return ParseError(
        mark.line + 1 + offset,
        f"YAML does not parse: a value cannot start with {line[col]!r} unquoted (YAML reserves @, ` and %): "
        f"put the whole text in quotes, {yaml_string(value)}",
        key_at(fixed, mark.line) or _key_written(line),
    )


# typographic quotes a word processor or a chat puts around a text ("“…”", "‘…’", "„…“", "«…»"): YAML reads
# them as text, so a value written in them is no quoted value
_CURLY_PAIRS = {"“": "”", "‘": "’", "„": "“", "«": "»", "”": "”"}


def without_curly_quotes(text: str) -> str:
    """``text`` without a pair of typographic quotes around it (as written, "“cache hit rate: collapses”"), else as it is."""
    if len(text) >= 2 and _CURLY_PAIRS.get(text[0]) == text[-1]:
        return text[1:-1]
    return text


def quoted_form(text: str) -> str:
    """The quoted form a hint offers for a value written unquoted: ``yaml_string`` of it in straight quotes,
    its typographic ones left out: it offered ``"“cache hit rate: collapses”"`` (found by a pattern author)."""
    return yaml_string(without_curly_quotes(text))


def _colon_in_value(text: str, mark, offset: int, problem: str) -> ParseError | None:
    """A one-line value with an unquoted ": " in it (``title: Pool exhausted: checkout down``, a list item
    ``- lambda: invocations throttled: at peak``): said with the key and its quoted form, as a list item's
    mapping is (schema.mapping_hint). The parser's own message, "mapping values are not allowed in this
    context", said nothing of quotes (found by a team installing Recur). Only a quoted form that parses is
    offered (a line continuing the one above is no key of its own); None otherwise."""
    lines = text.split("\n")
    if "mapping values are not allowed" not in problem or not mark or mark.line >= len(lines):
        return None
    for prefix, value, whole_item in _colon_candidates(lines[mark.line]):
        key = key_at(_line_replaced(lines, mark.line, prefix + quoted_form(value)), mark.line)
        if key is None and not whole_item:  # the file has another slip (found in review: the hint was lost)
            key = _top_level_key(prefix + quoted_form(value))
        # a follow-up, a distinguish entry, a path's step, an eval case: its item is a mapping, not one text
        if key is None or (whole_item and (key.startswith("[") or key.split("[")[0] in MAPPING_LISTS)):
            continue
        return ParseError(
            mark.line + 1 + offset,
            f"YAML does not parse: YAML reads an unquoted ': ' as a key and its value: put the whole text in "
            f"quotes, {quoted_form(value)}",
            key,
        )
    return None


# a line whose quoted value closes before the text does: ``title: "Terraform "state lock" held"``
_QUOTED_LINE = re.compile(r"""^(\s*(?:-\s+)*(?:[^\s#'"\[\]{},-][^:#]*:\s+)?)(["'])(.*)\2\s*(?:\s#.*)?$""")


def _quote_inside(text: str, mark, offset: int) -> ParseError | None:
    """A quoted value with the same quote inside it (``title: "Terraform "state lock" held"``): YAML ends
    the value at the inner quote and said only "did not find expected key" (found by a new pattern
    author). Said with the value quoted so that it reads back whole, when that parses; None otherwise."""
    lines = text.split("\n")
    if not mark or mark.line >= len(lines):
        return None
    line, col = lines[mark.line], mark.column
    found = _QUOTED_LINE.match(line)
    if not found or col >= len(line) or line[col] == "#" or line[:col].rstrip()[-1:] != found.group(2):
        return None
    prefix, quote, inner = found.groups()
    if quote == "'":
        inner = inner.replace("''", "'")
    single = quote == '"' and "'" not in inner
    fixed = f"'{inner}'" if single else yaml_string(inner)
    key = key_at(_line_replaced(lines, mark.line, prefix + fixed), mark.line)
    if key is None:
        return None
    how = {'"': 'write each " inside as \\"', "'": "write each ' inside as '' or use double quotes outside"}[quote]
    if single:
        how = 'use single quotes outside (or write each " inside as \\")'
    return ParseError(
        mark.line + 1 + offset,
        f"YAML does not parse: the {quote} inside this quoted value ends it early: {how}, {fixed}",
        key,
    )


MAPPING_LISTS = ("follow_ups", "distinguish", "steps")
_DASH_KEY = re.compile(r"^\s*-([A-Za-z_][\w-]*\s*:.*)$")  # "-pattern: x": an item with no space after its dash


def _dash_above(text: str, mark, offset: int, problem: str) -> ParseError | None:
    """The line above where YAML stopped, an item written with no space after its dash (a path's first
    step ``-pattern: x``, its next ``- pattern: y`` or its ``why:``): said at that line. YAML stopped a line
    below with "did not find expected key", or an indentation hint pointing at the line it read well."""
    lines = text.split("\n")
    if not mark or not 0 < mark.line < len(lines) or not any(p in problem for p in _INDENT_PROBLEMS):
        return None
    above = next((n for n in range(mark.line - 1, -1, -1) if lines[n].strip()), None)
    found = _DASH_KEY.match(lines[above]) if above is not None else None
    if found is None:
        return None
    return ParseError(
        above + 1 + offset,
        f"YAML does not parse: a list item starts with a dash and a space: '- {found.group(1).strip()}'",
    )


def _colon_candidates(line: str) -> list[tuple[str, str, bool]]:
    """(what stays, the text to quote, whether it is a whole list item) for a line YAML stopped on: a list
    item whole (``- lambda: throttled: at peak``), then the value after the line's first key. A ``#``
    comment is not part of the text."""
    out = []
    item = re.match(r"^(\s*-\s+)(\S.*?)\s*$", line)
    keyed = re.match(r"^(\s*(?:-\s+)?[^\s#\"'\[\]{},:-][^:#]*?:\s+)(\S.*?)\s*$", line)
    for m, whole in ((item, True), (keyed, False)):
        value = re.split(r"\s#", m.group(2))[0].rstrip() if m else ""
        if value and value[0] not in "\"'[{|>&*!":
            out.append((m.group(1), value, whole))
    return out


def _line_replaced(lines: list[str], n: int, line: str) -> str:
    """The text of ``lines`` with line ``n`` (0-based) written as ``line``: a hint's quoted form, to parse."""
    return "\n".join([*lines[:n], line, *lines[n + 1 :]])


# a key line of block YAML: its indent, key (bare or quoted) and what follows its ": "
_KEY_VALUE = re.compile(r"""^( *)(?:([A-Za-z_][\w-]*)|"([^"]+)"|'([^']+)') *:(?: +(.*))?$""")
_BLOCK_START = re.compile(r"[|>][-+0-9]*\s*(?:#.*)?$")  # "|", ">-", "|2": a block text's lines follow


def yaml_slips(text: str) -> list[tuple[int, str, str]]:
    """(0-based line, key, message) of the mistakes in YAML ``text`` that are read off its lines alone, for a
    text that does not parse: YAML stops at its first error, and a tab, an unquoted ': ' and a key written
    twice in one file took three runs of `recur check`, one each (found by a pattern author). Each is said as
    the parse says it: a tab in a line's indentation or after a list item's dash, a backslash escape YAML
    does not have in a double-quoted value, a one-line plain value with ': ' in it (the quoted form
    offered), a key its mapping has above (at the same indent, no list item between). The lines of a block
    text (``|``, ``>``) are its text, and left alone; so are a quoted value's lines after its first (indented
    deeper), but for a double-quoted one's escapes."""
    out: list[tuple[int, str, str]] = []
    seen: dict = {}  # indent -> {key: line} of the mapping open at that indent
    block = None  # the indent a block text's lines are deeper than, while in one
    opened, opened_at = None, 0  # the quote a value run over lines is open in, the indent of its first line
    for n, line in enumerate(text.split("\n")):
        if opened and (inside := _quote_goes_on(n, line, opened, opened_at)) is not None:
            slips, opened = inside
            out.extend(slips)
            continue
        indent = len(line) - len(line.lstrip(" "))
        if block is not None and (not line.strip() or indent > block):
            continue
        block = None
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if "\t" in line[: len(line) - len(line.lstrip(" \t"))]:
            out.append((n, "front matter", "YAML does not parse: a tab in the indentation: YAML indents with spaces"))
            continue
        if _TAB_AFTER_DASH.match(line):
            out.append((n, "front matter", f"YAML does not parse: {TAB_AFTER_DASH}"))
        (escapes, opened), opened_at = _scan_quotes(line), indent
        for found, value in escapes:  # "C:\deploy" on one line, "\d+ms" on the next: one run
            out.append((n, "front matter", f"YAML does not parse: {escape_advice(found, value)}"))
        for deeper in [k for k in seen if k > indent]:
            del seen[deeper]
        if line.lstrip().startswith("-"):  # a list item: the mappings at its indent and deeper are others
            seen.pop(indent, None)
            continue
        m = _KEY_VALUE.match(line)
        if not m:
            continue
        key, value = m.group(2) or m.group(3) or m.group(4), (m.group(5) or "").strip()
        keys = seen.setdefault(indent, {})
        if key in keys:
            out.append((n, key, "key appears twice; the last one wins"))
        keys.setdefault(key, n)
        if _BLOCK_START.match(value):
            block = indent
        elif value[:1] not in ("", "'", '"', "[", "{", "&", "*", "!") and re.search(r":(\s|$)", no_comment(value)):
            what = "YAML reads an unquoted ': ' as a key and its value: put the whole text in quotes"
            out.append((n, key, f"YAML does not parse: {what}, {quoted_form(no_comment(value))}"))
    return out


def _quote_goes_on(n: int, line: str, opened: str, opened_at: int) -> tuple[list, str | None] | None:
    """(the slips of line ``n``, the quote still open after it) when the line goes on with a value open in the
    quote ``opened`` since a line indented ``opened_at``, else None: a line at that indent or less is none of
    its text (a quote never closed). "\\d+ms" on a double-quoted value's second line was not said (review)."""
    if line.strip() and len(line) - len(line.lstrip(" ")) <= opened_at:
        return None
    found, still = _scan_quotes(line, opened)
    return [(n, "front matter", f"YAML does not parse: {escape_advice(*f)}") for f in found], still


# a YAML comment after a value: from the start of a run of blanks only (from each blank of a long run
# not followed by "#", the run was read again to its end: 7 s at 80,000 blanks)
_COMMENT_AFTER = re.compile(r"(?<![ \t])[ \t]+#.*$")


def no_comment(value: str) -> str:
    """``value`` without a YAML comment after it (`` # ...``)."""
    return _COMMENT_AFTER.sub("", value)


def key_at(text: str, line: int) -> str | None:
    """The dotted key ("fix.owner", "follow_ups[0].owner") of the value at 0-based ``line`` of ``text``,
    if ``text`` parses now (one more parse, no more: another bad value is its own error once this is
    fixed); None otherwise."""
    return keys_at(text)(line)


def keys_at(text: str):
    """``key_at`` of ``text`` for many lines: a function of a 0-based line, ``text`` parsed once (a parse for
    each line asked took 12 s over 2,000 signals)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        lines: dict = {}
        _walk(node, (), 0, lines, [])
    except (yaml.YAMLError, ParseError, ValueError, TypeError, RecursionError):
        return lambda line: None
    finally:
        loader.dispose()
    by_line: dict = {}
    for path, n in lines.items():
        by_line.setdefault(n - 1, []).append(path)
    return lambda line: _key_of(by_line.get(line, []))


def _key_of(paths: list) -> str | None:
    """The key written for the value paths ``paths`` of one line: the deepest, or what they share."""
    deepest = [p for p in paths if len(p) == max(map(len, paths))] if paths else []
    if not deepest:
        return None
    path = deepest[0]  # items of a [list] on the line ("tags: [ok, @a]"): the list, not one of them
    while any(p[: len(path)] != path for p in deepest):
        path = path[:-1]
    return "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in path).lstrip(".") or None


def _top_level_key(line: str) -> str | None:
    """The key of ``line`` when it is a top-level ``key: value`` that parses alone (its value one text),
    for a hint in a file that does not parse even once that line is fixed; None otherwise."""
    if line[:1].isspace() or line.startswith("-"):
        return None
    try:
        data = yaml.load(line, Loader=_Loader)
    except (yaml.YAMLError, ValueError, TypeError):
        return None
    if isinstance(data, dict) and len(data) == 1 and isinstance(next(iter(data.values())), str):
        return str(next(iter(data)))
    return None


def _key_written(line: str) -> str | None:
    """The key a line starts with ("owner" of "  owner: @alice"), or None."""
    m = re.match(r"^\s*(?:-\s+)?([^\s#\"'\[\]{},:-][^:#]*?):\s", line)
    return m.group(1).strip() if m else None


def _reader_error(text: str, exc, offset: int) -> ParseError:
    """The line of a character YAML refuses raw (DEL, a C1 control, U+FFFE) and a one-line message.
    The parser's own position is a byte offset with libyaml, a character index without it."""
    code = exc.character if isinstance(exc.character, int) else None
    at = text.find(chr(code)) if code is not None else -1
    line = (text.count("\n", 0, at) if at >= 0 else 0) + 1 + offset
    if code is None:
        return ParseError(line, f"YAML does not parse: {exc.reason}")
    if code <= 0x9F:  # a control character is no text in a record written as an escape either (recur check)
        return ParseError(line, f"YAML does not parse: character U+{code:04X} is a control character: remove it")
    return ParseError(
        line,
        f"YAML does not parse: character U+{code:04X} is not allowed in YAML ("
        f"remove it, or write it as \\u{code:04x} inside double quotes)",
    )


# a value that opens a quote after "key: " or "- ": the quote character and the rest of the line
_QUOTED_VALUE = re.compile(r"""^\s*(?:-\s+|[^\s#"'][^:#]*:\s+)(["'])(.*)$""")
# lines tried by closing their quote (each try parses the whole text again): unbounded, a front matter
# of 2,000 lines opening a quote inside one long quoted value took 50 s: quadratic in its length
MAX_QUOTE_TRIES = 8


def _unclosed_quote(text: str, mark) -> int | None:
    """The 0-based line of a quoted value, at or before the parser's stop, that is not closed on its
    own line and whose closing lets the parse get further. YAML lets a quoted scalar run over lines,
    so an unclosed quote swallows the lines after it and the parser complains where the next quote
    lands, lines below the mistake. Asked only once parsing has failed, and a deliberate multi-line
    quoted value is not blamed: closing it would not get the parse past the error."""
    if not mark:
        return None
    lines, tries = text.split("\n"), 0
    for number, raw in enumerate(lines[: mark.line + 1]):
        m = _QUOTED_VALUE.match(raw)
        if not m:
            continue
        quote, rest = m.groups()
        # '' is a quote inside single quotes; \" (and \\) are escapes inside double quotes
        rest = rest.replace("''", "") if quote == "'" else re.sub(r"\\.", "", rest)
        if quote in rest:
            continue
        if tries == MAX_QUOTE_TRIES:  # past it, the parser's own message (where it stopped) is said
            return None
        tries += 1
        if _parses_further(lines, number, quote, mark.line):
            return number
    return None


def _quote_to_the_end(exc) -> bool:
    """Whether YAML read a quoted value on to the front matter's end (``- "ENOSPC`` with no closing quote): the
    quote its context marks is never closed. ``_unclosed_quote`` did not blame it when closing it let the parse
    stop earlier, at another mistake below it (``owner: @ana``), and "found unexpected end of stream" was said at
    the closing ``---``, naming neither the quote nor its line (found by a pattern author's try)."""
    return (
        exc.context == "while scanning a quoted scalar"
        and exc.context_mark is not None
        and "end of stream" in (exc.problem or "")
    )


def _parses_further(lines: list[str], number: int, quote: str, stop: int) -> bool:
    closed = lines[:number] + [lines[number].rstrip() + quote] + lines[number + 1 :]
    # load_yaml's parser (libyaml's, when there is one: yaml.safe_load's pure-Python one took 8 s a
    # MiB), composed only: whether the text parses is the question, not what it builds
    loader = _Loader("\n".join(closed))
    try:
        loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        again = exc.problem_mark or exc.context_mark
        return bool(again) and again.line > stop
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        return False
    finally:
        loader.dispose()
    return True


def _tab_hint(text: str, mark) -> str:
    """PyYAML's message for a tab in the indentation ("found character that cannot start any token")
    does not say tab; editors that indent with tabs make it the most common front-matter error. Nor
    for a tab between a list item's dash and its text (``-<TAB>payments slow``), which an editor shows
    as the spaces it stands for (found by a first-time pattern author)."""
    lines = text.split("\n")
    if mark and mark.line < len(lines):
        line = lines[mark.line]
        if "\t" in line[: len(line) - len(line.lstrip(" \t"))]:
            return " (a tab in the indentation: YAML indents with spaces)"
        if _TAB_AFTER_DASH.match(line):
            return f" ({TAB_AFTER_DASH})"
    return ""


# a list item whose dash a tab follows: YAML takes only a space there
_TAB_AFTER_DASH = re.compile(r"^ *(- +)*-\t")
TAB_AFTER_DASH = "a tab after the list item's dash: YAML takes a space there, '- ' and the text"

# the escapes YAML has in a double-quoted value (YAML 1.1 and 1.2): any other backslash is an error
_ESCAPES = frozenset('0abt\tnvfre "/\\N_LPxuU')


def bad_escapes(line: str) -> list[tuple[list, str | None]]:
    """The double-quoted values starting on ``line`` that hold a backslash escape YAML does not have (``\\d``,
    the ``\\d`` of ``C:\\deploy``): ([(column, escape), ...], the value's text as written between its quotes,
    or None when it is not closed on the line). A quote starts a value only where a value starts (after
    ``- ``, ``key: ``, ``[``, ``{`` or ``,``): a plain value may hold one (``a "b" c``)."""
    return _scan_quotes(line)[0]


def _scan_quotes(line: str, opened: str | None = None) -> tuple[list, str | None]:
    """(bad_escapes of ``line``, the quote a value is still open in at its end, or None). ``opened``: the quote
    a value of the line above is open in, whose text ``line`` goes on with (its escapes at their columns)."""
    out: list = []
    at, start = 0, True
    if opened:  # the quote's text goes on: read as if the quote opened just before the line
        at, value, found = _quoted(opened + line, 0)
        at -= 1
        if found:
            out.append(([(col - 1, e) for col, e in found], None))
        if value is None:
            return out, opened
        start = False
    while at < len(line):
        c, after = line[at], line[at + 1 : at + 2]
        if c in "\"'" and start:
            at, value, found = _quoted(line, at)
            if found:
                out.append((found, value))
            if value is None:
                return out, c
            start = False
            continue
        if c == "#" and (at == 0 or line[at - 1] in " \t"):
            break
        if c not in " \t":
            start = c in "[{," or (c in "-:?" and after in ("", " ", "\t"))
        at += 1
    return out, None


def _quoted(line: str, at: int) -> tuple[int, str | None, list]:
    """(the column after it, its text between the quotes or None when not closed, its unknown escapes)
    of the quoted value opening at ``at``: a single-quoted one has no escapes (``''`` is a quote)."""
    quote, end, found = line[at], at + 1, []
    while end < len(line):
        if line[end] == quote and quote == "'" and line[end + 1 : end + 2] == "'":
            end += 2
        elif line[end] == quote:
            return end + 1, line[at + 1 : end], found
        elif line[end] == "\\" and quote == '"':
            if end + 1 < len(line) and line[end + 1] not in _ESCAPES:  # one at the line's end: a line break
                found.append((end, line[end : end + 2]))
            end += 2
        else:
            end += 1
    return end, None, found


def escape_advice(found: list, value: str | None) -> str:
    """What to do with the unknown escapes (``\\d``) of one double-quoted value, ``found`` as bad_escapes
    gives them: single quotes, where a backslash is itself (offered with the value in them, when it
    has no known escape whose meaning they would change), or each of those backslashes written twice
    (the value so written, when it is closed on its line). PyYAML said "found unknown escape character"
    and named neither the escape nor a fix; a regex or a Windows path is where an author writes one."""
    escapes = list(dict.fromkeys(e for _, e in found))
    named = " and ".join(escapes)
    what = "is no YAML escape" if len(escapes) == 1 else "are no YAML escapes"
    single = twice = ""
    if value is not None:
        # a known escape (\n, \") reads otherwise in single quotes: that value is offered only written twice
        if all(e[1] not in _ESCAPES for e in re.findall(r"\\.", value)):
            single = " ('" + value.replace("'", "''") + "')"
        twice = (
            ' ("'
            + re.sub(r"\\.", lambda m: m.group(0) if m.group(0)[1] in _ESCAPES else "\\" + m.group(0), value)
            + '")'
        )
    else:
        twice = ", " + " and ".join("\\" + e for e in escapes)
    return (
        f"{named} in a double-quoted value {what}: put the value in single quotes, where a backslash is "
        f"itself{single}, or write the backslash twice{twice}"
    )


def _escape_hint(text: str, mark, problem: str) -> str:
    """The escape YAML stopped on ("found unknown escape character"), with its line and what to do."""
    lines = text.split("\n")
    if "unknown escape" not in problem or not mark or mark.line >= len(lines):
        return ""
    line = lines[mark.line]
    values = bad_escapes(line)
    if not values:  # a value run over lines: the escape is on this line all the same
        found = [(m.start(), m.group(0)) for m in re.finditer(r"\\.", line) if m.group(0)[1] not in _ESCAPES]
        values = [(found, None)] if found else []
    if not values:
        return ""
    # libyaml's mark is at the backslash, PyYAML's at the character after it
    at = next((v for v in values if any(col in (mark.column, mark.column - 1) for col, _ in v[0])), values[0])
    col = next((c for c, _ in at[0] if c in (mark.column, mark.column - 1)), at[0][0][0])
    # the column alone: the problem's line is the mark's, said before it ("x.md:3: … (line 3, column 18" said it twice)
    return f" (column {col + 1}: {escape_advice(*at)})"


# what PyYAML and libyaml say of a line indented to no column the lines above open ("mapping values are
# not allowed" when a line indented too far is read as the text of the value above it)
_INDENT_PROBLEMS = ("expected key", "expected '-' indicator", "mapping values are not allowed", "expected <block end>")
# a key with its colon, where a line's text starts (``fix:``, ``owner: bob``): a line that opens a mapping
_KEY_START = re.compile(r"""^[^\s#"'\[\]{},][^:#]*:(\s|$)""")


def _indent_hint(text: str, mark, problem: str, offset: int) -> str:
    """Where the line YAML stopped on starts in no column the lines above it open: said with its line,
    column and the indentation meant. The parser's own words ("did not find expected key", "mapping
    values are not allowed in this context") named neither, and an author looked for a typo in the text."""
    lines = text.split("\n")
    if not mark or mark.line >= len(lines) or not any(p in problem for p in _INDENT_PROBLEMS):
        return ""
    levels = _open_levels(lines[: mark.line])
    line = lines[mark.line]
    indent = len(line) - len(line.lstrip(" "))
    if not line.strip() or line[indent:][:1] == "\t" or not levels or indent in {d for d, _, _ in levels}:
        return ""
    if levels[-1][2] and indent > levels[-1][0]:  # a key with no value: anything further in starts its value
        return ""
    # the nearest column (both, when one further in and one further out are as near), the latest line's first
    near = min(abs(d - indent) for d, _, _ in levels)
    by_line: dict = {}  # "2 or 4, as on line 13": a list item's dash and its first key, on one line
    for d, n, _ in sorted(levels, key=lambda x: (-x[1], x[0])):
        if abs(d - indent) == near:
            by_line.setdefault(n, []).append(str(d))
    expected = " or ".join(f"{' or '.join(ds)}, as on line {n + 1 + offset}" for n, ds in by_line.items())
    return (
        f" (line {mark.line + 1 + offset}, column {indent + 1}: indented {indent} space{'s' * (indent != 1)}, where "
        f"YAML expected {expected}: the keys of one mapping, and the items of one list, start in the same column)"
    )


def _open_levels(lines: list[str]) -> list[tuple[int, int, bool]]:
    """(column, 0-based line, whether a value may follow further in) of each block open after ``lines``:
    the columns a next line may start in. Comments, blank lines and the text of ``|``/``>`` blocks are
    skipped; a line at no open column (a plain value run over lines) changes nothing."""
    levels: list = []
    block = None  # the column of a key whose value is a | or > block: lines further in are its text
    for n, raw in enumerate(lines):
        body = raw.lstrip(" ")
        indent = len(raw) - len(body)
        if not body.strip() or body.startswith("#") or (block is not None and indent > block):
            continue
        block = None
        if levels and levels[-1][2] and indent > levels[-1][0]:
            levels.append((indent, n, False))
        elif indent in {d for d, _, _ in levels} or not levels:
            while levels and levels[-1][0] > indent:
                levels.pop()
            if levels and levels[-1][0] == indent:
                levels.pop()
            levels.append((indent, n, False))
        else:
            continue
        code = re.split(r"\s#", body)[0].rstrip()
        dashes = re.match(r"^(-\s+)*", code).group(0)
        levels += [(indent + 1 + m.start(), n, False) for m in re.finditer("-", dashes[1:])]  # "- - x"
        if dashes and _KEY_START.match(code[len(dashes) :]):  # "- key: value": the item's keys line up after it
            levels.append((indent + len(dashes), n, False))
        if re.search(r"(:|^-)\s+[|>][-+0-9]*$", code):
            block = indent
        elif code.endswith(":"):
            levels[-1] = (levels[-1][0], n, True)
    return levels


def _item_hint(text: str, mark, problem: str) -> str:
    """PyYAML's "did not find expected '-' indicator" names no fix: in a list of mappings (a path's steps,
    follow-ups) the line is either an item with no space after its dash ("-pattern: x") or a key of the
    item above, indented back to the dash's column."""
    lines = text.split("\n")
    if "expected '-' indicator" not in problem or not mark or mark.line >= len(lines):
        return ""
    written = lines[mark.line].strip()
    if written.startswith("-") and not written.startswith("- "):
        return f" (a list item starts with a dash and a space: '- {written[1:].lstrip()}')"
    return (
        " (this line is at the list's indentation but does not start an item with '- ': a key of the item "
        "above goes under that item's first key, indented as far)"
    )


def _utf16(raw: bytes) -> str | None:
    """The message for a file saved as UTF-16 (Windows Notepad's and Word's "Unicode", with its byte-order
    mark, or without it: every other byte NUL; utf8.utf16_encoding), which was "file is binary". Not read as UTF-16,
    as `recur import` reads a postmortem: a KB file lives in the repository, where a UTF-16 file shows as
    binary in the pull request's diff, and `recur incident flag|link` and other tools reading the
    format read and write it as UTF-8; saved as UTF-8 once, it is reviewed and read like the rest."""
    if utf8.utf16_encoding(raw) is None:
        return None
    return (
        'file is UTF-16 text (Windows\' "Unicode"), not UTF-8: save it as UTF-8 (in Notepad: Save as, Encoding: UTF-8)'
    )


def _not_utf8(raw: bytes, at: int) -> tuple[int, str]:
    """(line, message) for a byte that is no UTF-8 at ``at``: its line and column, and what it is in the
    Windows-1252 most editors saving "ANSI" or Latin-1 write (0xE9 is 'é'), with what to do. "file is not
    valid UTF-8 text" named no byte, and the author could not see what was wrong with 'Café'."""
    start = raw.rfind(b"\n", 0, at) + 1
    line, column = raw[:at].count(b"\n") + 1, len(raw[start:at].decode("utf-8", "replace")) + 1
    byte = raw[at]
    seen = utf8.saved_as(byte)
    return line, (
        f"file is not valid UTF-8 text: byte 0x{byte:02X} at line {line}, column {column}{seen}; "
        "save it as UTF-8 (in the editor: Save as, Encoding: UTF-8)"
    )


# what to do with a pasted log, said when a file is over MAX_FILE_BYTES (an error) or large (a warning, lint)
EXCERPT = "keep an excerpt (the lines that identify the failure) and link the full log"


def too_large(size: int) -> str:
    """The error of a KB file of ``size`` bytes, over MAX_FILE_BYTES: the limit, and what to do (it said only
    the limit, found in review: most often a log was pasted whole)."""
    return f"file is too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,}): if it holds a pasted log, {EXCERPT}"


# DOS's end-of-file mark (Ctrl-Z, U+001A), which `copy /a`, old Windows editors and some exports put after a file's
# last line: the file ends before it. Read as text, it was the last section's last character, served by the API
# and the site's search data as "Root cause: ...\n\x1a" (found in a Windows team's review).
EOF_MARK = b"\x1a"


def without_eof_mark(raw: bytes) -> bytes:
    """``raw`` up to its DOS end-of-file mark (``EOF_MARK``) after the last line, with line ends after the mark too: an
    editor that adds a final line end saved "…\r\n\x1a\r\n", read as a line holding a control character (a warning
    in Markdown, an error in YAML: found in a re-read); DOS reads no further than the mark either way. What it cuts
    is the mark the commands that edit a file in place keep (no regex: linear on a file of Ctrl-Zs)."""
    end = len(raw.rstrip(EOF_MARK + b"\r\n"))  # the last byte that is no mark nor line end
    at = raw.find(EOF_MARK, end)
    return raw if at < 0 else raw[:at]


def read_text(raw: bytes) -> str:
    """Decode a KB file or raise ParseError with a message a person can act on: UTF-8 (a byte-order mark
    dropped), every line end (CRLF, CR) read as LF, and a trailing Ctrl-Z (``EOF_MARK``) as the end of the file."""
    if len(raw) > MAX_FILE_BYTES:
        raise ParseError(1, too_large(len(raw)))
    utf16 = _utf16(raw)  # before the NUL test: UTF-16 text of other scripts than Latin may have no NUL
    if utf16 or b"\x00" in raw:
        raise ParseError(1, utf16 or "file is binary, not UTF-8 text")
    try:
        text = without_eof_mark(raw).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(*_not_utf8(raw, exc.start)) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text_file(path) -> str:
    """The text of the KB file at ``path`` as the loader reads it (``read_text``): for a reader of records outside
    the loader, which read them as ``path.read_text(encoding="utf-8")`` took a record saved with a byte-order mark
    (Windows editors) for no record, its first line '\ufeff---'. Raises OSError or ParseError."""
    with open(path, "rb") as fh:
        return read_text(fh.read(MAX_FILE_BYTES + 1))


@dataclass
class Section:
    title: str
    line: int
    text: str  # the section's Markdown, without its heading


@dataclass
class MarkdownDoc:
    meta: YamlDoc
    body: str
    body_line: int  # file line where the body starts
    sections: list


# public: kb.writer finds sections the same way, so what it writes parses as it meant
# Indented by spaces and tabs only, as the site's Markdown reads a fence: a line indented by a no-break
# space (U+00A0, pasted from a document) it renders as text ("\u00a0```" is the start of a code span),
# and "\s" took it for a fence, so a "## Runbook" below it was inside code for recur and a heading on
# the site (``lookalike_fence`` names such a line)
FENCE = re.compile(r"^[ \t]*(```|~~~)")  # what this reader takes as opening or closing a code fence
# a fence line as Markdown reads it: closed only by the same character, as many or more, nothing after
# (recur.kb.lint warns where the two part ways; recur.kb.writer writes text on which they agree)
FENCE_LINE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")
_LOOKALIKE_FENCE = re.compile(r"^[ \t" + "".join(LOOKALIKE_SPACES) + r"]*(```|~~~)")


def lookalike_fence(line: str) -> str | None:
    """What is wrong with a line that looks like a code fence and is none to the site's Markdown, a
    look-alike space (U+00A0 no-break space) in its indentation; None for any other line. Recur reads
    it as the site does, as text."""
    if FENCE.match(line) or not _LOOKALIKE_FENCE.match(line):
        return None
    return syntax_lookalike(line, colon=False)


def fence_lines(lines) -> set[int]:
    """Indices of the ``lines`` recur reads as code fences (``FENCE``): each opens or closes a block,
    but a last one left open is text, as the site's Markdown reads a fence never closed ("~~~" and no
    "~~~" below it): read as code, it hid the sections after it, which the site shows."""
    found = [i for i, line in enumerate(lines) if FENCE.match(line)]
    return set(found[:-1] if len(found) % 2 else found)


# Python-Markdown's fenced_code (the site's), which is not CommonMark: a fence at the margin, with at
# most one word (a language) or "{attrs}" after it, closed only by the very same marker at the margin
# (``` by ```, not by ````), then spaces at most; any other fence line is text there. This is its
# pattern's opening line (FencedBlockPreprocessor.FENCED_BLOCK_RE), read line by line
SITE_OPENER = re.compile(r"^(~{3,}|`{3,})[ ]*(\{[^\n]*\}|(\.?[\w#.+-]*[ ]*)?(hl_lines=(\"|').*?\5[ ]*)?)$")


def site_fences(lines) -> dict[int, int]:
    """{opening index: closing index} of the fenced code blocks in ``lines`` as the site's fenced_code
    reads them: it searches its pattern from the start, then after each block it found, so an opening
    line with no closing line below it is text and the search goes on at the next line. Found line by
    line, each closing line looked up (its pattern, on a line opening nothing below it, read the
    rest of the text: a file of such lines took minutes). Tabs are spaces to it, as Markdown expands
    them first (to every 4th column): "```" and a tab is "``` "."""
    lines = [line.expandtabs(4) for line in lines]
    at: dict = {}
    for n, line in enumerate(lines):
        at.setdefault(line.rstrip(" "), []).append(n)
    out, n = {}, 0
    while n < len(lines):
        m = SITE_OPENER.match(lines[n])
        below = at.get(m.group(1), []) if m else []
        k = bisect_right(below, n)
        if k < len(below):
            out[n] = below[k]
            n = below[k]
        n += 1
    return out


def fence_step(opened: str | None, marker: str, rest: str) -> tuple[str | None, bool]:
    """Markdown's reading of a fence line (``marker``, then ``rest``) while ``opened`` (the opening
    marker, or None) is open: (the marker open after it, whether this line opened or closed one).
    "```code```" opens nothing: a backtick fence's info string has no backtick."""
    if opened is None:
        if marker[0] == "`" and "`" in rest:
            return None, False
        return marker, True
    if marker[0] == opened[0] and len(marker) >= len(opened) and not rest.strip():
        return None, True
    return opened, False


def outside_fences(lines, first: int = 0):
    """(number, line) of each of ``lines`` outside fenced code, numbered from ``first``, as Markdown
    reads the fences (``fence_step``): what the checks of a section's or a body's text read. A fence
    line itself (opening, closing, or one that opens nothing, "```code```") is never yielded: it is a
    marker, not text, and where recur and the site read a fence line differently lint's
    ``fence_troubles`` says so. A fence never closed opens none: it and the lines after it are text, as
    the site shows them. Lines are yielded as read, so a caller may look at the next one."""
    lines = list(lines)
    longest = _longest_closers(lines)
    opened = None
    for n, line in enumerate(lines, first):
        m = FENCE_LINE.match(line)
        if m and opened is None and longest[m.group(1)[0]][n - first + 1] < len(m.group(1)):
            if not fence_step(None, m.group(1), m.group(2))[1]:
                continue  # "```code```": it opens nothing
            yield n, line  # it would open a block never closed: text, as on the site
        elif m:
            opened = fence_step(opened, m.group(1), m.group(2))[0]
        elif opened is None:
            yield n, line


def _longest_closers(lines: list) -> dict:
    """{fence character: [for each index, the longest line of that character alone at or after it]}: a
    fence opened before the index is closed below it if that is as long as its marker, or longer."""
    out = {"`": [0] * (len(lines) + 1), "~": [0] * (len(lines) + 1)}
    for i in range(len(lines) - 1, -1, -1):
        out["`"][i], out["~"][i] = out["`"][i + 1], out["~"][i + 1]
        m = FENCE_LINE.match(lines[i])
        if m and not m.group(2).strip():
            out[m.group(1)[0]][i] = max(out[m.group(1)[0]][i], len(m.group(1)))
    return out


H2 = re.compile(r"^##\s+(.+)$")  # not "(.+?)\s*#*\s*$": cubic on a long run of spaces


def heading_text(text: str) -> str:
    """A ``## `` heading's text without its trailing spaces and closing hashes ("Runbook ##")."""
    text = text.strip()
    return text.rstrip("#").rstrip() or text[:1]


def front_matter_end(lines: list[str]) -> int | None:
    """The index of the line that closes the front matter opened by ``lines[0]`` ("---" or "...")."""
    return next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)


def split_front_matter(text: str) -> MarkdownDoc:
    lines = text.split("\n")
    if not text.strip():
        what = "file is empty" if not text else "file is empty (blank lines only)"
        raise ParseError(
            1, f"{what}: a record starts with '---', its front matter and '---', then its sections", "file"
        )
    if not lines or lines[0].strip() != "---":
        raise ParseError(1, _opened_below(lines) or "file must start with '---' and YAML front matter")
    end = front_matter_end(lines)
    if end is None:
        line, what = _unclosed(lines)
        raise ParseError(line, f"front matter is not closed by a '---' line: {what}")
    try:
        meta = load_yaml("\n".join(lines[1:end]), offset=1)
    except ParseError as exc:
        at = heading_inside(lines, end)
        if at is None:
            raise
        raise ParseError(
            exc.line,
            f"{exc.message}; is the front matter's closing '---' missing? it runs to the '---' on line "
            f"{end + 1} and holds {lines[at].strip()[:40]!r} (line {at + 1}): write '---' above that heading",
            exc.field,
        ) from None
    at = swallowed_heading(lines, end)
    if at is not None:  # it parsed, the sections above the rule read as YAML comments and keys
        raise ParseError(
            at + 1,
            f"front matter is not closed: add '---' on line {at + 1}, above {lines[at].strip()[:40]!r} (without "
            f"it, the front matter runs to the '---' on line {end + 1} and reads the sections above it as YAML; "
            "a YAML comment is written with one '#')",
        )
    body_lines = lines[end + 1 :]
    return MarkdownDoc(meta, "\n".join(body_lines), end + 2, sections_of(body_lines, end + 2))


_HEADING = re.compile(r"^#{1,6}[ \t]+\S")  # a Markdown heading; a YAML comment right below a key is no heading


def heading_inside(lines: list[str], end: int) -> int | None:
    """The index of the first section heading (after a blank line, as ``_unclosed`` tells one) inside the
    front matter that ``lines[end]`` closes; None when there is none. A front matter left without its
    closing '---' runs to the body's first '---' rule, and its YAML error came alone while the sections it
    swallowed were reported missing (found in review)."""
    return next((i for i in range(2, end) if _HEADING.match(lines[i]) and not lines[i - 1].strip()), None)


_SECTION_HEADING = re.compile(r"^##[ \t]+\S")  # "## Summary"; not "###", nor "##x"


def swallowed_heading(lines: list[str], end: int) -> int | None:
    """The index of the first ``## `` section heading, with a blank line above or below it as Markdown writes
    one, inside a front matter that parses and that ``lines[end]`` closes; None when there is none. Its
    closing '---' left out, a front matter runs to the body's first '---' rule, and when what it swallowed
    still parses (``## Summary`` a YAML comment, ``Impact: ...`` a key) check said only that the sections
    were missing, or named strange keys (found in review). A YAML comment right among keys is none; once one
    heading is found, the body starts at the first ``## `` line (``## Summary`` right above a key line)."""
    heads = [i for i in range(2, end) if _SECTION_HEADING.match(lines[i])]
    if any(not lines[i - 1].strip() or not lines[i + 1].strip() for i in heads):
        return heads[0]
    return None


def _unclosed(lines: list[str]) -> tuple[int, str]:
    """Where a front matter no '---' closes was meant to end, and what to write: (line, what). The error
    said only "not closed", at line 1 (found adopting Recur for a team): a closing line written another
    way (``----``, ``--``, an en dash's ``–––`` from a word processor, an indented ``---``) is named at
    its line; else the section heading it was meant to come above (the first one after a blank line)."""
    dashes = set("-") | set(LOOKALIKE_DASHES)
    for i, line in enumerate(lines[1:], start=1):
        text = line.strip()
        if len(text) >= 2 and set(text) <= dashes and line.rstrip() != "---":
            return i + 1, f"line {i + 1} ({text!r}) is meant to close it: write exactly '---', from column 1"
        if _HEADING.match(line) and not lines[i - 1].strip():
            return 1, f"add a '---' line below its last key, above line {i + 1} ({text[:40]!r})"
    return 1, "add a '---' line below its last key"


def _opened_below(lines: list[str]) -> str:
    """Why a file with its front matter a few lines down is refused, and what to remove: blank lines or a
    title above the '---' (``# Disk full``, pasted from a document) made it "must start with '---'",
    though the file has one. "" when no '---' below opens a front matter (a first key after it)."""
    for n, line in enumerate(lines[:20]):
        if line.strip() == "---" and n + 1 < len(lines) and re.match(r"^[A-Za-z_][\w-]*:(\s|$)", lines[n + 1]):
            above = [(k, x.strip()) for k, x in enumerate(lines[:n]) if x.strip()]
            if not above:
                return f"the front matter must start on line 1, where its '---' goes: it is on line {n + 1}; remove the {plural(n, 'blank line')} above it"
            k, first = above[0]
            return (
                f"the front matter must start on line 1, where its '---' goes: it is on line {n + 1}, below {first[:40]!r} "
                f"(line {k + 1}); move that text below the front matter, or remove it"
            )
    return ""


def heading_lines(lines: list, fences: set | None = None) -> list[int]:
    """Indices of the ``## `` headings of ``lines`` outside fenced code (``fence_lines``, or ``fences``
    when the caller has them): where recur splits sections (sections_of), and lint's fence checks with it."""
    fences = fence_lines(lines) if fences is None else fences
    heads, in_fence = [], False
    for i, line in enumerate(lines):
        in_fence = in_fence != (i in fences)
        if not in_fence and i not in fences and H2.match(line):
            heads.append(i)
    return heads


def line_fields(lines: list[str]):
    """A function of a 0-based line of a pattern's or an incident's ``lines``: (the field `recur check` names it by,
    whether it is in the front matter): its front-matter key (``signals[2]``, else ``front matter``), or the body's
    section above it outside code fences, as the loader splits them (``## Timeline``, else ``text``). The front
    matter is parsed at the first of its lines asked, once for all (once a line, 2,000 signals took 12 s);
    kb.credentials and kb.emails name their warnings' fields by it."""
    end = front_matter_end(lines) if lines and lines[0].strip() == "---" else None
    body = (end or -1) + 1
    heads = [body + i for i in heading_lines(lines[body:])]
    parsed: list = []

    def field(n: int) -> tuple[str, bool]:
        if end and 0 < n < end:
            if not parsed:
                parsed.append(keys_at("\n".join(lines[1:end])))
            return parsed[0](n - 1) or "front matter", True
        return next((lines[h].strip() for h in reversed(heads) if h <= n), "text"), False

    return field


def sections_of(body_lines: list, first_line: int) -> list:
    """Split Markdown into ``## `` sections, ignoring headings inside fenced code."""
    sections: list = []
    current = None
    buf: list = []
    heads = set(heading_lines(body_lines))
    for i, line in enumerate(body_lines):
        m = H2.match(line) if i in heads else None
        if m:
            if current:
                sections.append(Section(current[0], current[1], "\n".join(buf).strip("\n")))
            current = (heading_text(m.group(1)), first_line + i)
            buf = []
        elif current:
            buf.append(line)
    if current:
        sections.append(Section(current[0], current[1], "\n".join(buf).strip("\n")))
    return sections


LIST_LINE = re.compile(r"^( *)(?:[-*+]|\d{1,9}[.)])[ \t]+\S")  # a list item, as site.md's list rules read one


def fenced_lines(lines: list[str]) -> set[int]:
    """Indices of the ``lines`` that are fenced code or a fence line, left as written: those the checks'
    reader of fences (``outside_fences``, as Markdown reads them) does not yield as text. It
    was a reader of its own in site.md, which closed a "````" block at a "```" inside it (and fixed the
    lists and task boxes of the code below), and took a fence never closed for code to the end."""
    text = {n for n, _ in outside_fences(lines)}
    return {n for n in range(len(lines)) if n not in text}


def indented_code(lines: list[str], fenced: set[int] | None = None) -> set[int]:
    """Indices of the ``lines`` in an indented code block (4+ spaces after a blank line, outside a list and fenced
    code), blank lines between its lines too, not those after its last: the one rule for them, which the site
    (``site.md.indented_code_fenced``) and ``without_comments`` read. Lines in a list are not (there 4 spaces
    continue an item)."""
    fenced = fenced_lines(lines) if fenced is None else fenced  # ``fenced``: a caller's, to read the fences once
    code: set[int] = set()
    blanks: list[int] = []  # blank lines in a block, code once a line of it follows
    prev, block = "blank", False
    for n, line in enumerate(lines):
        if n in fenced and not block:
            prev = "text"
            continue
        indent = len(line) - len(line.lstrip(" "))
        if block and line.strip() and indent < 4:
            block, blanks = False, []
        if not block and prev == "blank" and indent >= 4 and line.strip():
            block = True
        if block:
            if line.strip():
                code.update(blanks, (n,))
                blanks = []
            else:
                blanks.append(n)
            continue
        prev = _line_kind(line, indent, prev)
    return code


def _line_kind(line: str, indent: int, prev: str) -> str:
    """blank | list-gap (a blank line in a list) | list (an item or a line indented under one) | text."""
    if not line.strip():
        return "list-gap" if prev in ("list", "list-gap") else "blank"
    if LIST_LINE.match(line) or (indent and prev in ("list", "list-gap")):
        return "list"
    return "text"


# Python-Markdown's code span (BACKTICK_RE), as recur.site.md reads one: a "<!--" inside it is code
_CODE_SPAN = re.compile(r"(?<!\\)(`+)(.+?)(?<!`)\1(?!`)")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def without_comments(text: str) -> str:
    """``text`` (a section's Markdown) without its HTML comments (``<!-- ... -->``), as GitHub and any
    Markdown reader hide them: the site escaped them, so the notes `recur new incident` writes
    (``<!-- - HH:MM first signal ... -->``) showed as text, went into the site search, and `recur suggest`
    printed "Run <!-- check this --> the command". The one place KB text is read, so the site, its search,
    suggest and the API agree; the file is never rewritten. Line numbers hold: a comment over several lines
    leaves its line breaks. A comment in code (a fence, an indented block: ``indented_code``, a `code span`) is
    code; one never closed is text (as an inline one is; a block one would hide the rest of the file); a comment
    not at the start of a line ends at a blank line, as a paragraph's inline HTML does."""
    if "<!--" not in text:
        return text
    lines = text.split("\n")
    kept = {n for n, _ in outside_fences(lines)}
    code = indented_code(lines, set(range(len(lines))) - kept)
    out, run = [], []
    for n, line in enumerate(lines):
        if n in kept:
            run.append(n)
            continue
        if run:
            out.append(_uncommented(lines, run, code))
            run = []
        out.append(line)
    if run:
        out.append(_uncommented(lines, run, code))
    return "\n".join(out)


def _uncommented(lines: list[str], run: list[int], code: set[int]) -> str:
    """The ``run`` of ``lines`` (consecutive, outside fenced code) without its closed HTML comments, but for one
    opened on a line of ``code`` (one opened above runs through code to its close, as an HTML block does). Found
    by ``str.find``, not a regex: a text of many "<!--" and no "-->" would make a lazy pattern rescan the rest at
    each one."""
    text = "\n".join(lines[n] for n in run)
    out, at, pos = [], 0, 0
    line, counted = run[0], 0  # the line of the last "<!--" found, counted on as they come
    while (start := text.find("<!--", pos)) >= 0:
        line, counted = line + text.count("\n", counted, start), start
        line_start = text.rfind("\n", 0, start) + 1
        before = text[line_start:start]
        if line in code or _in_code_span(before, text[start : _line_end(text, start)]) or before.endswith("\\"):
            pos = start + 4
            continue
        if text.startswith(("<!-->", "<!--->"), start):
            end = start + (5 if text[start + 4] == ">" else 6)
        else:
            close = text.find("-->", start + 4)
            if close < 0:
                break  # never closed: text, and so is every "<!--" after it
            end = close + 3
        if before.strip() and _BLANK_LINE.search(text, start, end):
            pos = start + 4  # inline, it ends at the paragraph's end: not a comment
            continue
        after = text[end : _line_end(text, end)]
        out.append(_joined(text[at:start], before, text[start:end].count("\n"), after))
        at = pos = end + len(after) - len(after.lstrip(" \t"))
    out.append(text[at:])
    return "".join(out)


def _line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end < 0 else end


def _in_code_span(before: str, rest: str) -> bool:
    """Whether a "<!--" after ``before`` (its line so far), ``rest`` the line from it on, is in a code span."""
    line, at = before + rest, len(before)
    return any(m.start() < at < m.end() for m in _CODE_SPAN.finditer(line))


def _joined(prefix: str, before: str, breaks: int, after: str) -> str:
    """``prefix`` (the text up to a comment, ``before`` the part of it on the comment's line) and the
    comment's ``breaks`` line breaks, in its place (the spaces ``after`` it are left out): "Run <!-- x -->
    the command" reads "Run the command" (one space, not two), a comment ending a line leaves no space
    behind (two would be a line break), one starting a line keeps the line's indentation."""
    if not before.strip():
        return prefix + "\n" * breaks
    space = " " if not breaks and after.strip() and (before[-1] in " \t" or after[:1] in (" ", "\t")) else ""
    return prefix.rstrip(" \t") + space + "\n" * breaks


_NUMBERED = re.compile(r"^(\s*)(\d+)[.)]\s+(.*)$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")


@dataclass
class ListParts:
    """A list section read as CommonMark reads it: the text before the list (``intro``), its items,
    the text after it (``outro``), and the stray items of the other kind."""

    intro: str = ""
    items: list = field(default_factory=list)
    outro: str = ""
    stray: list = field(default_factory=list)


def list_parts(text: str, numbered: bool) -> ListParts:
    """The section's list and the text around it. A paragraph between two items (at the margin after a
    blank line) joins the item above it as a paragraph of its own: apart, Python-Markdown would number
    the items after it from 1 again."""
    blocks, stray = _list_blocks(text, numbered)
    kinds = [kind for kind, _ in blocks]
    if "item" not in kinds:
        return ListParts(intro="\n".join("\n".join(b) for k, b in blocks).strip("\n"), stray=stray)
    first, last = kinds.index("item"), len(kinds) - 1 - kinds[::-1].index("item")
    items: list = []
    for kind, body in blocks[first : last + 1]:
        if kind == "item":
            items.append(body)
        elif "\n".join(body).strip():
            items[-1] += "\n\n" + "\n".join(body).strip("\n")
    return ListParts(
        intro="\n".join("\n".join(b) for _, b in blocks[:first]).strip("\n"),
        items=items,
        outro="\n".join("\n".join(b) for _, b in blocks[last + 1 :]).strip("\n"),
        stray=stray,
    )


def item_lines(text: str, numbered: bool) -> set[int]:
    """Offsets of the lines of ``text`` that ``list_parts`` puts into its items (text between two
    items too, joined to the one above): the site renders them item by item (site.pattern_pages._item),
    with its own reading of the fences in them."""
    where: list = []
    blocks, _ = _list_blocks(text, numbered, where)
    kinds = [kind for kind, _ in blocks]
    if "item" not in kinds:
        return set()
    first, last = kinds.index("item"), len(kinds) - 1 - kinds[::-1].index("item")
    return {offset for offset, block in where if first <= block <= last}


def evidence_parts(text: str) -> ListParts:
    """The Evidence to preserve section's list: bullets, or numbered items when it has no bullets."""
    parts = list_parts(text, numbered=False)
    return parts if parts.items else list_parts(text, numbered=True)


def _list_blocks(text: str, numbered: bool, where: list | None = None) -> tuple[list, list]:
    """[kind, body] in order: ("item", its text) for each top-level item, ("text", [lines as written])
    for the lines outside any item; and the stray items of the other kind (offset, line). (offset,
    index of its block) of each line kept in a block is added to ``where`` when given."""
    blocks: list = []
    stray: list = []
    in_fence = gap = False  # gap: a blank line since the last line (kept before an indented one)
    col = 0  # where the current item's text starts: its continuation lines keep what they have beyond it
    fences = fence_lines(text.split("\n"))
    for offset, line in enumerate(text.split("\n")):
        if not in_fence and not line.strip():
            gap = True
            if blocks and blocks[-1][0] == "text":
                blocks[-1][1].append("")
            continue
        blank_before, gap = gap, False
        want = None if in_fence else (_NUMBERED if numbered else _BULLET).match(line)
        other = None if in_fence else (_BULLET if numbered else _NUMBERED).match(line)
        in_item = bool(blocks) and blocks[-1][0] == "item"
        if want and len(want.group(1)) < 2:
            group = 3 if numbered else 2
            # an item's text in pieces, joined once at the end: added to as a string, each of its lines copied
            # all of it again (a step of 100,000 lazy continuation lines took seconds, bench/pathological.py)
            blocks.append(["item", [want.group(group).strip()]])
            col = want.start(group)
        elif other and len(other.group(1)) < 2:
            stray.append((offset, line.strip()))
        elif in_item and (in_fence or offset in fences) and (in_fence or not blank_before or line[:1] in " \t"):
            blocks[-1][1].append("\n" + _dedent(line, col))  # a code block's lines as written, blank ones too
        elif in_item and line.startswith((" ", "\t")):
            # a sub-list, a table or another paragraph: its own indentation kept, and the blank line
            # before it (without it a second paragraph ran into the first, a table into plain text)
            blocks[-1][1].append(("\n\n" if blank_before else "\n") + _dedent(line, col))
        elif in_item and not blank_before:
            blocks[-1][1].append(" " + line.strip())  # lazy continuation
        else:
            # before the first item, or at the margin after a blank line, which ends the item (as
            # CommonMark and Python-Markdown read it): text of the section, not of a step
            if not blocks or blocks[-1][0] != "text":
                blocks.append(["text", []])
            blocks[-1][1].append(line)
        if where is not None and blocks and not (stray and stray[-1][0] == offset):
            where.append((offset, len(blocks) - 1))
        if offset in fences:
            in_fence = not in_fence
    return [[kind, "".join(body) if kind == "item" else body] for kind, body in blocks], stray


def _dedent(line: str, col: int) -> str:
    """``line`` less up to ``col`` leading spaces (a tab counts as four), its end trimmed."""
    expanded = line.expandtabs(4)
    lead = len(expanded) - len(expanded.lstrip(" "))
    return expanded[min(lead, col) :].rstrip()
