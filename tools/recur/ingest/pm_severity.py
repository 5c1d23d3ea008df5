"""A severity a postmortem says in its text rather than in a field: "This was a Sev-1 incident",
"SEV 3", "Severity 2, because …", "a P1 incident", "Priority: P2".

Teams write it that way; the fields (front matter, a ``Severity:`` line before the first section,
a table row) are read by ``postmortem.parse`` first, and this is read only when they say nothing.
Here each mention is found with its line; which level it stands for needs the KB's framework and is
decided by the importer (``importer.resolve_meta``), which leaves the severity for triage when the
mentions name two different levels. Nothing here knows about the KB.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from recur.ingest.pm_text import is_placeholder

# what should happen next time, not a verdict on this incident: "page on-call for any Sev-2"
NOT_ABOUT_THIS_INCIDENT = frozenset({"Action items", "Lessons learned"})

# A level is one digit, not followed by a word character or a decimal ("Sev 2.5" is no level), a few
# spaces or a separator after its word ("SEV - 1", "severity::2"). No two "[ \t]*" meet (see
# postmortem.META): on a line with a long run of spaces that is quadratic.
_DIGIT = r"([0-5])(?!\w)(?!\.\d)"
_SEP = r"[ \t]{0,3}(?:[-_:#]{1,2}[ \t]{0,3})?"
# "Sev-1", "SEV 3", "sev2", "Severity 2", "severity: 2", "Severity level 2", "impact level 1", "severity::2"
SEVERITY = re.compile(r"\b(?:sev(?:erity)?(?:[ \t]+level)?|impact[ \t]+level)" + _SEP + _DIGIT, re.I)
# "priority 1", "Priority: P2", "priority-P3"
PRIORITY = re.compile(r"\bpriority" + _SEP + r"(?:P)?" + _DIGIT, re.I)
# "P1", upper case, counted only where it is said of the incident (_p_said): "a P1 incident", "declared P2"
P_FORM = re.compile(r"(?<![\w/.-])P([0-4])(?![\w/])(?!\.\d)")
P_AFTER = re.compile(r"(?:incidents?|outages?|issues?|events?|severity|sev)\b", re.I)
P_BEFORE = frozenset({"a", "an", "as", "was", "is", "to", "declared", "raised", "opened", "rated", "classified"})
# "# Checkout down [P1]", "Subject: … (P1)", "Title: … [P1]": a title's bracketed "P1" ending it is its priority
# (pm_text._SEVERITY_SUFFIX takes it off the title: it was lost, no priority read)
_TITLE_LINE = re.compile(r"[ \t]*(?:#{1,6}[ \t]|(?i:subject|title)[ \t]*:)")
_TITLE_END = re.compile(r"[ \t]*[\])][ \t#*_]*$")
# a labelled line: "Severity: …", "**Impact level:** …", "- Priority: …" (the label at the line's start)
LABEL = re.compile(
    r"^[ \t>*+-]*(?:(?:\*\*|__)[ \t]*)?(severity(?:[ \t]+level)?|sev|incident[ \t]+severity|impact[ \t]+level|priority)"
    r"(?:[ \t]*(?:\*\*|__))?[ \t]*:(.*)$",
    re.I,
)
# the level a label's value starts with: "2 - checkout down", "SEV-1 (major)", "P2", else a word ("High")
LEAD = re.compile(r"(?:sev(?:erity)?|p(?:riority)?|level)?" + _SEP + _DIGIT, re.I)
# a tracker's labels line, "**Labels:** incident, severity/high, priority/P1" (GitHub's scoped labels; GitLab's
# "severity::high"): its "severity/high" and "priority/P1" say the level as a Severity or Priority line would (they
# were no severity; "sev-2" there was read by SEVERITY). A word or a level after the scope's separator
LABELS_LINE = re.compile(r"^[ \t>*+-]*(?:(?:\*\*|__)[ \t]*)?(?:labels?|tags?)(?:[ \t]*(?:\*\*|__))?[ \t]*:", re.I)
_SCOPED = re.compile(r"(?<![\w/.-])(sev(?:erity)?|priority)[ \t]*(?:/|::?)[ \t]*([A-Za-z]+[0-9]?|[0-9])(?![\w/])", re.I)
# a template's list of choices, "[SEV1 | SEV2 | SEV3]" or "<P1/P2/P3>": no mention of any one of them.
# The first run stops at the first separator: when it could take separators too, each "[" of a
# line of "[|[|[|…" tried ~200x200 ways to split it (found in review: 24 s for an 800 kB document)
# Taken out by a scan (without_choices), as this pattern would: it read up to 200 characters from each "[" of
# a run of them (3 s for a line of 100,000; a megabyte, 40 s).
CHOICES = re.compile(r"\[[^\]\n|/]{0,200}[|/][^\]\n]{0,200}\]|<[^>\n|/]{0,200}[|/][^>\n]{0,200}>")
CHOICE_REACH = 200


@dataclass(frozen=True)
class Mention:
    """A severity said in the text. ``kind``: "label" (a "Severity:" or "Impact level:" line),
    "text" (in a sentence), "priority-label" (a "Priority:" line) or "priority" ("a P1 incident").
    ``written``: the level as written ("Sev-1", "2", "High"); ``line``: the file's line number;
    ``context``: the line, shortened, for the import's notes."""

    kind: str
    written: str
    line: int
    context: str

    @property
    def number(self) -> str | None:
        """The level's digit ("Sev-1": "1"), or None for a word ("High")."""
        m = re.search(r"\d", self.written)
        return m.group() if m else None


def mentions(lines: list[str], sections: list, offset: int) -> list[Mention]:
    """The severities ``lines`` say, in order. ``sections[n]``: the section line ``n`` is in, None
    inside a code block (a log is no prose); lines of the Action items and Lessons learned are
    skipped, as are HTML comments (a template's instructions) and lists of choices ("[SEV1 | SEV2]").
    ``offset``: the file line of ``lines[0]``."""
    out: list[Mention] = []
    in_comment = False
    for n, ln in enumerate(lines):
        text, in_comment = _outside_comments(ln, in_comment)
        if sections[n] is None or sections[n] in NOT_ABOUT_THIS_INCIDENT or not text.strip():
            continue
        out += _line_mentions(without_choices(text), n + offset)
    return out


def without_choices(text: str, reach: int = CHOICE_REACH) -> str:
    """``CHOICES.sub(" ", text)`` (its runs ``reach`` long), in time linear in ``text``'s length whatever it holds."""
    if ("|" not in text and "/" not in text) or ("[" not in text and "<" not in text):  # a table row, a path
        return text
    out, pos, found = [], 0, {"[": (-1, -1), "<": (-1, -1)}
    while True:
        for kind, (start, _) in found.items():
            if start < pos:  # not looked for yet (-1), or inside the match taken: look again
                found[kind] = _choice(text, kind, pos, reach) or (len(text) + 1, -2)
        start, end = min(found.values())
        if end == -2:
            return "".join(out) + text[pos:]
        out += [text[pos:start], " "]
        pos = end


_CHOICE_STOPS = {
    "[": (re.compile(r"[\]\n|/]"), re.compile(r"[\]\n]"), "]"),
    "<": (re.compile(r"[>\n|/]"), re.compile(r"[>\n]"), ">"),
}


def _choice(text: str, opener: str, pos: int, reach: int) -> tuple[int, int] | None:
    """(start, end) of the first choice list opened by ``opener`` at or after ``pos``, or None. Every opener before
    the first separator, closer or line break after one (``stop``) shares it: when the list it opens fails, theirs
    do too, and when it is too far from ``stop`` the first of them near enough is tried."""
    first_stop, second_stop, closer = _CHOICE_STOPS[opener]
    at = text.find(opener, pos)
    while at >= 0:
        m = first_stop.search(text, at + 1)
        if m is None:
            return None
        stop = m.start()
        if text[stop] in "|/":
            end = second_stop.search(text, stop + 1, stop + reach + 2)
            if end is not None and end.group() == closer:
                near = at if stop - at - 1 <= reach else text.find(opener, stop - reach - 1, stop)
                if near >= 0:
                    return near, end.end()
        at = text.find(opener, stop + 1)
    return None


def _outside_comments(line: str, in_comment: bool) -> tuple[str, bool]:
    """(the parts of ``line`` outside ``<!-- … -->``, whether a comment is still open at its end)."""
    if not in_comment and "<!--" not in line:  # most lines: nothing to cut
        return line, False
    kept, at = [], 0
    while True:
        if in_comment:
            end = line.find("-->", at)
            if end < 0:
                return "".join(kept), True
            at, in_comment = end + 3, False
        start = line.find("<!--", at)
        if start < 0:
            kept.append(line[at:])
            return "".join(kept), False
        kept.append(line[at:start])
        at, in_comment = start + 4, True


def _line_mentions(text: str, line: int) -> list[Mention]:
    label = LABEL.match(text)
    if label:
        value = label.group(2).strip().strip("*_").strip()
        if is_placeholder(value):  # "Severity: TBD", "Severity: [SEV1 | SEV2]": nothing said
            return []
        lead = LEAD.match(value)
        word = re.match(r"[A-Za-z]+", value)
        written = lead.group(0) if lead else word.group(0) if word else None
        kind = "priority-label" if label.group(1).lower() == "priority" else "label"
        if written:
            return [Mention(kind, written.strip(), line, _context(text))]
    found = [(m.start(), "text", m.group(0)) for m in SEVERITY.finditer(text)]
    found += [(m.start(), "priority", m.group(0)) for m in PRIORITY.finditer(text)]
    found += [(m.start(), "priority", m.group(0)) for m in P_FORM.finditer(text) if _p_said(text, m)]
    if LABELS_LINE.match(text):  # "severity/high", "priority/P1": what SEVERITY and PRIORITY did not read
        taken = {at for at, _, _ in found}
        found += [
            (m.start(), "text" if m.group(1).lower().startswith("sev") else "priority", m.group(2))
            for m in _SCOPED.finditer(text)
            if m.start() not in taken
        ]
    if not found:  # most lines say no severity: their context is made only when one does
        return []
    context = _context(text)
    return [Mention(kind, said, line, context) for _, kind, said in sorted(found, key=lambda x: x[0])]


def _p_said(text: str, m: re.Match) -> bool:
    """A bare "P1" is a priority said of the incident when a word around it says so ("a P1 incident",
    "escalated to P1"), not in "the P2 replica" or a list of node names."""
    # the words next to it, in a window: a line of many "P1"s stays linear
    before, after = text[max(0, m.start() - 40) : m.start()].split()[-1:], text[m.end() : m.end() + 40].lstrip()
    if _TITLE_LINE.match(text) and _TITLE_END.match(text, m.end()) and text[: m.start()].rstrip()[-1:] in ("[", "("):
        return True
    return bool(P_AFTER.match(after)) or (bool(before) and before[0].strip("*_(").lower() in P_BEFORE)


def _context(text: str) -> str:
    """The line, for a note: markup and runs of spaces out, at most 80 characters."""
    flat = " ".join(re.sub(r"\*\*|__|`", "", text).split()).lstrip("-*+> ")
    return flat if len(flat) <= 80 else flat[:79] + "…"


def candidates(found: list[Mention], priority_field: bool) -> list[Mention]:
    """The mentions that speak for the severity, by what a postmortem says most plainly: "Severity:"
    lines, else severities in the text; a priority only when no severity is named, and then a
    Priority field (``priority_field``, read by the caller) before a priority in the text. Empty when
    none is left. Which level each stands for, and whether they agree, needs the KB's framework."""
    groups = [["label"], ["text"]] + ([] if priority_field else [["priority-label"], ["priority"]])
    for kinds in groups:
        group = [m for m in found if m.kind in kinds]
        if group:
            return group
    return []
