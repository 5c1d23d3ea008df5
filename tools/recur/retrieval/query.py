"""The query text as it is searched: one place, for every surface (CLI, API, MCP, Slack, the site).

Colour codes come out, a lone surrogate becomes U+FFFD, and a text over MAX_QUERY_CHARS is condensed
to fit rather than cut at its end. A pasted Java stack trace puts its root cause last: a 196-line,
34 KB trace ended in ``Caused by: java.io.IOException: No space left on device``, and its first
20,000 characters (all frames of the outer exception) answered "no known pattern". So:

1. each run of stack-frame lines (``\\tat com.x.Y.z(Y.java:12)``) keeps its first FRAMES_KEPT lines
   (where it was thrown) and loses the rest, and ``... 47 more`` / ``... 47 common frames omitted``
   lines go;
2. still too long: the start (HEAD_SHARE of the limit) and the end (TAIL_SHARE) are kept, each cut at
   a line end when one is near, and of the middle only the lines that say what failed (TELLING:
   ``Caused by:``, ERROR, FATAL, an exception or error class), the last ones first, each at most
   LINE_CHARS long.

A text within the limit is searched as it is. The site's box and its in-browser ranker do the same
(site/theme/assets/recur-query.js, a port checked against this one by tests/test_browser_search.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from recur.util.text import strip_ansi
from recur.util.utf8 import clean

MAX_QUERY_CHARS = 20_000  # what is searched of a text: a pasted log excerpt (the API refuses more)
MAX_PASTE_CHARS = 1_000_000  # what `recur suggest -` reads of stdin before condensing (a log may never end)
FRAMES_KEPT = 1  # where it was thrown; with 2 a 34 KB trace still ranked its root cause 4th
HEAD_SHARE, TAIL_SHARE = 0.4, 0.4
LINE_CHARS = 500
# ASCII classes and flags only: the browser's port reads these patterns as JavaScript does
# a frame has a frame's shape, not just "at": Java/C# "at a.B.c(B.java:12)", Node "at fn (file.js:1:2)",
# "at async fn (…)", "at new Foo (…)", "at /app/x.js:1:2". Found in review: an indented timeline line
# ("  at 10:02 the deploy started") was left out as a frame. A name starts with no digit (10:02)
FRAME = re.compile(r"[ \t]+at (?:(?:async|new) )?[A-Za-z_$<>/\\.][\w$.<>/:\\-]*(?:[ \t]*\(|:\d)", re.ASCII)
ELIDED = re.compile(r"[ \t]*\.\.\. \d+ (?:more|common frames omitted)[ \t\r]*", re.ASCII)
TELLING = re.compile(r"Caused by:|\b(?:ERROR|FATAL|PANIC|SEVERE)\b|Exception|Error\b", re.ASCII)


@dataclass(frozen=True)
class Prepared:
    """The text searched, and what condensing left out of it: ``frames`` stack-frame lines and
    ``middle`` characters from the middle (both 0 when the text was within the limit)."""

    text: str
    chars: int  # the text's length before condensing
    frames: int = 0
    middle: int = 0

    @property
    def note(self) -> str | None:
        """What a responder is told when the text was condensed, or None."""
        if not (self.frames or self.middle):
            return None
        parts = []
        if self.frames:
            parts.append(f"{self.frames:,} repeated stack-frame lines ('at ...', '... N more') left out")
        if self.middle:
            parts.append(
                f"{self.middle:,} characters left out of its middle (its start and end are searched, and "
                "the Caused by / ERROR / FATAL / Exception lines between)"
            )
        return f"the text is {self.chars:,} characters, over the {MAX_QUERY_CHARS:,} searched: {'; then '.join(parts)}"


def prepare(text: str, limit: int = MAX_QUERY_CHARS) -> Prepared:
    """``text`` as it is searched: colour codes out, lone surrogates as U+FFFD, condensed to ``limit``."""
    text = clean(strip_ansi(text))
    if len(text) <= limit:
        return Prepared(text, len(text))
    lines, frames = _without_frames(text.split("\n"))
    short = "\n".join(lines)
    if len(short) <= limit:
        return Prepared(short, len(text), frames)
    cut = _middle_out(short, limit)
    return Prepared(cut, len(text), frames, len(short) - len(cut))


def _without_frames(lines: list[str]) -> tuple[list[str], int]:
    """The lines with each run of stack frames cut to its first FRAMES_KEPT, and no '... N more'."""
    kept, dropped, run = [], 0, 0
    for line in lines:
        if ELIDED.fullmatch(line):
            dropped += 1
            continue
        run = run + 1 if FRAME.match(line) else 0
        if run > FRAMES_KEPT:
            dropped += 1
            continue
        kept.append(line)
    return kept, dropped


def _middle_out(text: str, limit: int) -> str:
    """``text`` (over ``limit``) as its start, the telling lines of its middle, and its end."""
    h, t = int(limit * HEAD_SHARE), int(limit * TAIL_SHARE)
    nl = text.rfind("\n", 0, h)
    head = text[:nl] if nl >= h // 2 else text[:h]  # at a line end when one is in the second half
    start = len(text) - t
    nl = text.find("\n", start, start + t // 2)
    tail = text[nl + 1 :] if nl >= 0 else text[start:]
    middle = text[len(head) : len(text) - len(tail)]
    room = limit - len(head) - len(tail) - 1  # the newline between head and tail
    picked = []
    for line in reversed(middle.split("\n")):  # the last first: a chain's root cause is its last "Caused by:"
        if TELLING.search(line):
            line = line[:LINE_CHARS]
            if len(line) + 1 > room:
                break
            picked.append(line)
            room -= len(line) + 1
    return "\n".join([head, *reversed(picked), tail])
