"""A long pasted log cut down for an incident record: `recur incident new -d -` and MCP's record_incident
(with --allow-writes) record the same Summary and ## Log of it, and say the same note (the CLI on stderr, the
tool in its answer). Here, not in cli/, because both surfaces need it and it reads the paste as the search reads
it (retrieval.query.prepare), which kb/ below may not import."""

from __future__ import annotations

import re
from dataclasses import dataclass

# a description of more lines than this is a pasted log to cut down for its record (recorded_description), and
# what is kept of it under ## Log is at most this many lines: the record is read in the KB repository, on the board
# and the site, and its Summary is the incident's text in the index and the tuning data (records.Incident.text)
LOG_LINES_KEPT = 200
LOG_CONTEXT = 10  # lines kept under ## Log before and after each line searched, as grep -C shows them


@dataclass(frozen=True)
class CutDescription:
    """What to record of a description, cut down when it is a long pasted log (``recorded_description``; one name
    of its own: "recorded" names a record's incidents, a vote and a message already): ``description`` its
    Summary, ``log`` its ## Log section ("" for none),
    and ``said``, what to tell the caller ("" for nothing), at ``level`` "note" (a log cut down) or "warning" (a
    long text that is no log, written whole)."""

    description: str | None
    log: str = ""
    said: str = ""
    level: str = ""

    def fields(self) -> dict:
        """The NewIncident fields: description, and log when there is one."""
        return {"description": self.description, **({"log": self.log} if self.log else {})}

    def noted(self) -> dict:
        """{description_note: what was said} when something was (a log cut down, a long text written whole),
        else {}: added last to `recur incident new --json`'s object and to MCP's record_incident answer, which
        is that object, so a script reads the same key whichever wrote the record (docs/incident-json.md)."""
        return {"description_note": self.said} if self.said else {}


def as_said(summary: str) -> str:
    """A Summary without its wrapping, as the search reads it: a Markdown code fence around a log out
    (retrieval.query.unfenced; a bare log is recorded fenced, ``_fenced``), each line's end spaces and blank lines
    out. Two records' Summaries are the same incident's (incident_record.recorded_today) when these are: a log
    recorded bare by `recur incident new` and in a ```text fence by MCP's record_incident was two (found in review)."""
    from recur.retrieval.query import unfenced

    return "\n".join(line.rstrip() for line in unfenced(summary).replace("\r\n", "\n").split("\n") if line.strip())


def not_an_incident(description: str | None) -> str | None:
    """Why ``description`` is no incident to record, or None: a pasted message that is no alert nor incident (an AWS
    SNS subscription or unsubscribe confirmation, query.Prepared.not_alert), which `recur suggest` answers "Nothing
    searched". Found in a re-read: `recur incident new -d -` and MCP's record_incident recorded one as an incident,
    searched by its title and the confirmation's keys, token and URLs, with "no known pattern" candidates. Words of
    the responder's own around the paste (an incident about the subscription itself) make it a description."""
    from recur.retrieval.query import prepare

    said = prepare(description or "").not_alert
    if not said:
        return None
    return (
        f"is {said}; no incident to record: nothing written. To record an incident about the subscription itself, "
        "say what happened in your own words (the pasted message may follow them)"
    )


def recorded_description(description: str | None) -> CutDescription:
    """The Summary and ## Log to record for ``description``. A long log (over LOG_LINES_KEPT lines, read as a
    log by retrieval.query.prepare, as `recur suggest -` reads it) keeps as its Summary the lines the search
    read (the words before the log, then its error lines as written, timestamps and all), and under Log the
    lines around them, at most LOG_LINES_KEPT, each gap counted; said as a note. Found in review: a 6,000-line
    log with one error wrote a 725 KB record whose Summary was 6,000 INFO lines, searched by its one error line
    (by `recur incident new -d -`, then by MCP's record_incident). A long text that is no log is written whole,
    with a warning."""
    text = (description or "").replace("\r\n", "\n").strip("\n")  # record_incident strips it too
    lines = text.split("\n")
    from recur.retrieval.query import quotes_read, slack_escaped
    from recur.util.text import strip_ansi

    slack = "&" in text and slack_escaped(text)  # of the whole text, as prepare reads it: a line alone may look Slack's
    quoted = quotes_read(strip_ansi(text), slack)  # so too: a diff's "> " line alone looks quoted
    cleaned = [_said(line, slack, quoted) for line in lines]  # each line cleaned once: _log_cut matches these
    filled = [k for k, line in enumerate(cleaned) if line]  # as prepare counts them: its log_before is of these
    if len(filled) <= LOG_LINES_KEPT:
        return CutDescription(_fenced(lines, cleaned, filled) or _lines_apart(lines) or description)
    from recur.retrieval.query import prepare

    prepared = prepare(text)  # read once: a cut's and, for no log, the code block's (up to 1 MiB of text)
    cut = _log_cut(lines, cleaned, filled, prepared)
    size = f"{len(text.encode('utf-8', 'surrogatepass')) / 1024:,.0f} KB"
    if cut is None:  # a log with no error line, command output: whole, in a code block
        fenced = _fenced(lines, cleaned, filled, prepared)
        said = (f"the description is {len(filled):,} lines ({size}), not read as a log: written whole as the "
                f"Summary{' in a code block' if fenced else ''} (a record holds at most 1 MiB); a shorter one reads "
                "better in the KB, on the board and the site.")  # fmt: skip
        return CutDescription(fenced or description, said=said, level="warning")
    summary, log, note = cut
    said = f"the description is {_lines(len(filled))} ({size}), read as a log: {note}."
    return CutDescription(summary, log, said=said, level="note")


def _fenced(lines: list[str], cleaned: list[str], filled: list[int], prepared=None) -> str | None:
    """The description (``lines``; ``cleaned`` and ``filled`` as recorded_description has them) with the log, trace
    or command output in it in a code block, the words written before a log kept as prose above it, as a long log's
    Summary has them (``_log_cut``); None for prose, a text of one line, or one with a code fence of its own (its
    author wrote Markdown). ``prepared``: the caller's query.prepare of the lines, when it has one."""
    from recur.retrieval.query import prepare

    if len(filled) < 2 or any(line.lstrip().startswith(("```", "~~~")) for line in lines):
        return None
    prepared = prepared or prepare("\n".join(lines))
    if not prepared.log_lines and not _machine_written([lines[k] for k in filled], [cleaned[k] for k in filled]):
        return None
    before = prepared.log_before if prepared.log_lines else 0
    head = [lines[k].strip() for k in filled[:before]]
    start = filled[before] if before < len(filled) else 0
    return "\n".join([*head, *([""] if head else []), "```", *lines[start:], "```"])


# a line of Markdown's own blocks (a list item, a heading, a quote, a table row, an indented block): its author
# wrote Markdown, whose line breaks are meant as they are
_MARKDOWN_LINE = re.compile(r"(?:[-*+>#|]|\d+[.)])(?:\s|$)|\s{4}|\t")
WRAP_SLACK = 20  # a line of hard-wrapped prose is at most this much shorter than its paragraph's longest
SHORT_LINE = 50  # and at least this long: prose is not wrapped at fewer characters
_JOINED = tuple(".!?:;,…")  # a line's end that reads as well joined to the next line's start


def _lines_apart(lines: list[str]) -> str | None:
    """The description (``lines``, none a log's: _fenced said so) with a blank line between its lines when they
    were written one by one (a vendor's status page, a chat thread: "Identified - …", "Dec 6, 03:11 UTC"), else
    None (prose hard-wrapped within its paragraphs, a text of one line, Markdown). Markdown joins the lines of a
    paragraph: the site showed a pasted status page as one run-on paragraph, its times amid its sentences (found
    by a responder's drill). Lines are written one by one when one of them, not a paragraph's last, ends in no
    punctuation (a sentence's end or a comma reads as well joined to the next line) and is shorter than SHORT_LINE,
    or WRAP_SLACK shorter than its paragraph's longest line (hard-wrapped prose fills its lines)."""
    texts = [x.rstrip() for x in lines]
    if any(_MARKDOWN_LINE.match(x) for x in texts if x):
        return None
    paragraphs = [p.split("\n") for p in re.split(r"\n\s*\n", "\n".join(texts).strip("\n"))]
    widest = [max(len(x) for x in p) for p in paragraphs]
    short = (x for p, w in zip(paragraphs, widest) for x in p[:-1] if len(x) < max(SHORT_LINE, w - WRAP_SLACK))
    if all(x.endswith(_JOINED) for x in short):
        return None
    return "\n\n".join(x.strip() for p in paragraphs for x in p if x.strip())


# a row of command output: two values apart by a run of spaces or a tab (kubectl get, describe, events; a table)
_COLUMNS = re.compile(r"\S(?: {3,}|\t+)\S")


def _machine_written(raw: list[str], said: list[str]) -> bool:
    """Whether lines (``raw`` as given, ``said`` as query.prepare reads each, _said) are a program's, not a
    person's: a stack trace (its first line, a frame), or more than half of them log records (a timestamp or a
    level first: query.read_line) or rows of columns. A log too short for prepare to read as one (under
    query.LOG_MIN_LINES) is one here."""
    from recur.retrieval.query import FRAME, GO_PANIC, TRACEBACK, read_line

    if any(TRACEBACK.match(x) or GO_PANIC.match(x) or FRAME.match(r) for r, x in zip(raw, said)):
        return True
    records = sum(1 for x in said if read_line(x)[0])
    columns = sum(1 for x in said if _COLUMNS.search(x))
    return max(records, columns) * 2 > len(said)


def _log_cut(lines: list[str], cleaned: list[str], filled: list[int], prepared) -> tuple[str, str, str] | None:
    """(Summary, Log, what was kept) of a long description read as a log (``lines``; ``cleaned``, each as prepare
    reads it, _said; ``filled``: the indexes of those not blank), or None when prepare did not read it as one
    (prose, a storm of error lines: searched as it is). The lines searched are found among the log's by what
    prepare read of each (query.read_line); ``prepared``: query.prepare of the lines."""
    if not prepared.log_lines:
        return None
    searched = prepared.text.split("\n")
    before, picked = filled[: prepared.log_before], set(searched[prepared.log_before :])
    kept = [k for k in filled[prepared.log_before :] if _read_as(cleaned[k]) & picked]
    shown = [lines[k] for k in kept[:LOG_LINES_KEPT]] or searched[prepared.log_before :][:LOG_LINES_KEPT]
    more = f" (the first {LOG_LINES_KEPT:,} of {len(kept):,})" if len(kept) > LOG_LINES_KEPT else ""
    said = prepared.note or "searched by its error lines"
    # the words before the log and the lines searched, nothing else: the Summary is the incident's text in the
    # index and the tuning data (records.Incident.text reads a fence's lines, and its info string: none here)
    head = [lines[k].strip() for k in before] + [""] if before else []
    summary = "\n".join([*head, "```", *shown, "```"])
    # the Log starts at the log's first line, not at a blank line between it and the words before it (a
    # terminal title spanning lines may make prepare count one line fewer: then at the end)
    start = filled[len(before)] if len(before) < len(filled) else len(lines)
    near = _around(lines, start, kept)
    # left out of the record: the lines in neither the Log nor the Summary (an error line beyond the Log's
    # budget is in the Summary, not left out)
    left_out = len(set(range(start, len(lines))) - set(near) - set(kept[:LOG_LINES_KEPT]))
    them = "it" if len(shown) == 1 else "them"
    reached = len(set(near).intersection(kept))  # the lines searched that the Log's budget reached
    if 0 < reached < len(kept):
        them = f"the first {reached:,} of them" if reached > 1 else "the first of them"
    note = (f"its Summary holds the {_lines(len(shown))} searched{more}"
            f"{f' and the {_lines(len(before))} before the log' if before else ''}, its ## Log section the "
            f"{_lines(len(near))} around {them}; {_lines(left_out)} left out of the record")  # fmt: skip
    said_log = f"{said[0].upper()}{said[1:]}, as recur suggest - searches it: the Summary holds those lines{more}. "
    said_log += (f"Below, the lines around {them} in the log as pasted ([…] marks the lines skipped); "
                 f"{_lines(left_out)}, in neither this section nor the Summary, left out.")  # fmt: skip
    return summary, "\n".join([said_log, "", "```", *_gapped(lines, start, near), "```"]), note


def _lines(n: int) -> str:
    return f"{n:,} line{'' if n == 1 else 's'}"


def _read_as(said: str) -> set[str]:
    """What query.prepare may have searched of a line it read as ``said`` (_said): the line trimmed, without its
    leading marks, or what read_line makes of it (a record's message), each cut to query.LINE_CHARS, as
    prepare cuts them."""
    from recur.retrieval.query import LINE_CHARS, read_line

    return {x[:LINE_CHARS] for x in (said, said.lstrip("-:|> \t") or said, read_line(said)[2]) if x}


def _said(line: str, slack: bool, quoted: bool = True) -> str:
    """``line`` as query.prepare reads it: colour codes out, lone surrogates as U+FFFD, a quote's mark out and
    Slack's &lt; &gt; &amp; as typed (query.slack_unquoted), trimmed of WS (a line of colour codes alone, or a quote's
    mark alone, is a blank line to it). Found in a re-read: a long log's error line with an "&amp;" in it, or a log
    quoted in Slack, matched none of the lines searched, and the Summary held what was searched, its timestamp
    out and its "&amp;" as "&", not the line as pasted. ``slack``: whether the whole text is as Slack escapes one
    (query.slack_escaped), as prepare reads it; ``quoted``: whether its "> " may be a quote's (query.quotes_read)."""
    from recur.retrieval.query import WS, slack_unquoted
    from recur.util.text import strip_ansi
    from recur.util.utf8 import clean

    return slack_unquoted(clean(strip_ansi(line)), slack, quoted).strip(WS)


def _around(lines: list[str], start: int, kept: list[int]) -> list[int]:
    """The indexes of the lines of ``lines[start:]`` within LOG_CONTEXT of a ``kept`` one, at most
    LOG_LINES_KEPT, in order (the first LOG_LINES_KEPT from ``start`` when none is kept)."""
    near = list(range(start, min(len(lines), start + LOG_LINES_KEPT))) if not kept else []  # its start
    for k in kept:
        near += [n for n in range(max(start, k - LOG_CONTEXT), min(len(lines), k + LOG_CONTEXT + 1))]
        if len(set(near)) >= LOG_LINES_KEPT:
            break
    return sorted(set(near))[:LOG_LINES_KEPT]


def _gapped(lines: list[str], start: int, near: list[int]) -> list[str]:
    """The ``near`` lines of ``lines[start:]``, each gap (before, between and after them) said as the lines it
    skips."""
    out: list[str] = []
    at = start
    for n in near:
        if n > at:
            out.append(f"[… {_lines(n - at)} …]")
        out.append(lines[n])
        at = n + 1
    if at < len(lines):
        out.append(f"[… {_lines(len(lines) - at)} …]")
    return out


# an exception's line, "psycopg2.errors.DeadlockDetected: deadlock detected", "java.net.SocketTimeoutException: Read
# timed out", "MaxRetriesPerRequestError: Reached …": a dotted name ending in a capitalised class, or a name ending in
# Error or Exception, then ": " and what it says (not "Name:   payments-api" of a kubectl describe)
_EXCEPTION_LINE = re.compile(
    r"(?:(?:[A-Za-z_][\w$]*\.)+[A-Z][\w$]*|[\w$.]*(?:Error|Exception|Throwable|Fault))(?::[ \t]+\S|$)", re.ASCII
)
_FIRING = re.compile(r"\[FIRING:\d+\][ \t]*(\S.*)", re.ASCII)  # an alert e-mail's subject (Grafana, Alertmanager)
TITLE_CHARS = 80  # a title made of a line: what a list shows of one (the board, recur report)


def record_title(prepared, text: str) -> str:
    """The title `recur suggest`'s footer gives the command recording ``text`` (searched as ``prepared``,
    retrieval.query.prepare): a pasted alert's name (an alert e-mail's subject too), what was searched of one with
    none (its JSON was the title of an Alertmanager alert's: found in a re-read); the first line a log or a trace was searched by, as it
    says it (query.read_line: its timestamp, host and level out); a trace's exception line; a text of one line,
    that line; else placeholders.RECORD_TITLE for the responder to fill in. Its first line was the title, found
    in review: "Maya Chen 3:04 AM" of a Slack thread, "Traceback (most recent call last):", a table's header."""
    from recur.kb.placeholders import RECORD_TITLE
    from recur.retrieval.query import read_line
    from recur.util.text import cut_words, has_text

    if prepared.alert:  # "" for none: an alert named "(no alertname)" is named
        return cut_words(prepared.alert, TITLE_CHARS)
    if prepared.alert_said or prepared.alerts:  # an alert with no name (any system's): by what was searched
        return cut_words(prepared.text, TITLE_CHARS)
    if prepared.log_lines:
        said = read_line(prepared.text.split("\n")[prepared.log_before].strip())[2]
        if has_text(said):
            return cut_words(said, TITLE_CHARS)
    lines = [x for x in text.splitlines() if has_text(x)]
    if lines and (firing := _FIRING.match(lines[0].strip())):
        return cut_words(firing.group(1), TITLE_CHARS)
    thrown = next((x.strip() for x in lines if x[:1] not in " \t" and _EXCEPTION_LINE.match(x.strip())), None)
    if thrown:
        return cut_words(thrown, TITLE_CHARS)
    if len(lines) == 1:
        return cut_words(lines[0], TITLE_CHARS)
    return RECORD_TITLE
