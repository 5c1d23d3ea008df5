"""The one writer of pattern-file text: front matter keys in order, then ``## `` sections.

``recur new pattern`` (scaffold), ``recur import``'s draft patterns and the tests' small KBs all
build a pattern through ``pattern_markdown``, so the file layout (and the line each key lands
on, which ``recur check`` reports) has one definition.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from recur.kb.parse import FENCE_LINE, H2, SITE_OPENER

# JSON leaves these raw, but YAML refuses them raw in a file (DEL, the C1 controls, U+FFFE/U+FFFF:
# pasted terminal output, "didnâ\x80\x99t" from a mis-decoded export) or reads them as line
# breaks (NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR). ``\uXXXX`` means the same in both.
_NOT_RAW_IN_YAML = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def dumps(value, **kw) -> str:
    """JSON text that is also valid YAML flow text meaning the same (a string, list or mapping)."""
    text = json.dumps(value, ensure_ascii=False, **kw)
    return _NOT_RAW_IN_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def q(value) -> str:
    """A YAML scalar for any string: JSON strings are valid YAML double-quoted scalars."""
    return dumps(str(value))


def plain(value: str) -> str:
    """``value`` (an id, a category, a severity) as a YAML scalar: as it is when the KB's reader
    gets the same string back, else quoted. ``yes``, ``null``, ``0x1f`` and ``2026-01-01`` are
    kebab-case, but unquoted they read as true, nothing, 31 and a date: ``recur new pattern`` with
    the title "Yes" wrote a file ``recur check`` refused."""
    import yaml

    from recur.kb.parse import ParseError, load_yaml

    line = f"v: {value}"
    try:  # the KB's reader keeps a date as its text, PyYAML's safe_load (other tools, _amend) does not
        same = load_yaml(line).data == {"v": value} and yaml.safe_load(line) == {"v": value}
    except (ParseError, yaml.YAMLError, ValueError):  # ValueError: PyYAML's date of "2025-02-29", found by fuzzing
        same = False
    return value if same else q(value)


def id_list(ids) -> str:
    """A flow list of ids, each ``plain``: ``[disk-full, "yes"]``."""
    return "[" + ", ".join(plain(i) for i in ids) + "]"


def flow_list(items) -> str:
    return "[" + ", ".join(q(i) for i in items) + "]"


@dataclass(frozen=True)
class Raw:
    """Front-matter text written as it is (a mapping, an id list, a value already in YAML)."""

    text: str


@dataclass(frozen=True)
class Numbered:
    items: tuple


@dataclass(frozen=True)
class Bullets:
    items: tuple


def front_matter_lines(items) -> list[str]:
    """``items``: (key, value) pairs in order; None and empty lists are left out. A string is
    quoted, a list becomes a block list, ``Raw`` is written as it is (a key of None: raw lines)."""
    lines = []
    for key, value in items:
        if value is None or (isinstance(value, (list, tuple)) and not value):
            continue
        if isinstance(value, Raw):
            lines.append(value.text.rstrip() if key is None else f"{key}: {value.text}")
        elif isinstance(value, (list, tuple)):
            lines.append(f"{key}:")
            lines += [f"  - {q(v)}" for v in value]
        else:
            lines.append(f"{key}: {q(value)}")
    return lines


def section_text(text: str) -> str:
    """Free text (a pasted description) made safe as the body of one ``## `` section: a ``## ``
    heading in it would start another section (an empty or a second Summary), so headings go one
    level down; a code fence left open is closed with its own marker, and a fence line the site's
    Markdown would not take as one ("```code```", an indented "  ```", "```sh -x", a ~~~ or a ````
    inside a ``` block) is escaped, so that the KB's reader and the site read the same blocks. Line
    breaks are read as the KB's reader reads them (a lone CR is one: "text\\r```" opened a fence
    this did not see), and a NUL, which makes the reader refuse the whole file, is dropped."""
    out, opened = [], None
    text = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    for line in text.strip().split("\n"):
        m = FENCE_LINE.match(line)
        if m and opened is None and SITE_OPENER.match(line.expandtabs(4)):  # Markdown expands tabs first
            opened = m.group(1)
        elif m and opened is not None and line.expandtabs(4).rstrip(" ") == opened:  # the very marker
            opened = None
        elif m:  # the site reads no fence here, the KB's reader would: escaped, for both none
            line = line.replace(m.group(1), "\\" + m.group(1), 1)
        elif opened is None and H2.match(line):
            line = "#" + line
        out.append(line)
    if opened:
        out.append(opened)
    return "\n".join(out)


def section_lines(body) -> list[str]:
    """A section's lines. Text goes through ``section_text`` and a list item is kept on its one
    line: text from a postmortem or a flag with a ``## `` line or an open fence in it wrote a file
    whose later sections (the Runbook) were swallowed, and ``recur check`` then failed on it."""
    if isinstance(body, Numbered):
        return [f"{n}. {_one_line(item)}" for n, item in enumerate(body.items, 1)]
    if isinstance(body, Bullets):
        return [f"- {_one_line(item)}" for item in body.items]
    return [section_text(body)]


def _one_line(item) -> str:
    return " ".join(str(item).replace("\x00", "").split())


def pattern_markdown(front, sections, preamble=()) -> str:
    """A pattern file: front matter, ``preamble`` lines (comments before the first section), then
    each (heading, body) as ``## heading``; a body is text, ``Numbered`` or ``Bullets``."""
    lines = ["---", *front_matter_lines(front), "---", ""]
    if preamble:
        lines += [*preamble, ""]
    for n, (heading, body) in enumerate(sections):
        if n:
            lines.append("")
        lines += [f"## {heading}", *section_lines(body)]
    return "\n".join(lines) + "\n"
