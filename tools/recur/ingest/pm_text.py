"""Small readers for the prose of postmortems: dates written every way people write them,
titles (never a template placeholder), status words and ticket references.

Used by ``postmortem.parse`` and ``action_items``; nothing here knows about the KB.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from recur.ingest.pm_markup import SHORTCODE, drop_html_comments, emoji_shortcodes
from recur.util.dates import MONTH_NAMES, iso_date, local_date, slash_readings

# the month names of recur.util.dates: the date readers here and action_items' (a due date, a Notion date
# mention, "(done Dec 3)") all read them by
_MON = {m: n for n, names in enumerate(MONTH_NAMES, 1) for m in names}
# longest first: "june" before "jun", so the alternation reads the whole name (as "june?" did)
_MONTH_WORDS = "|".join(sorted(_MON, key=len, reverse=True))
MONTH_NAME = rf"(?:{_MONTH_WORDS})\.?"  # a month name, its abbreviation's dot too; no group
_MONTH = rf"({_MONTH_WORDS})\.?"  # the same, the name a group of its own (the date forms' m or d m y)


def _letter_class(test) -> str:
    """The body of a regex character class, as ranges, of the letters below U+0530 (Latin and its
    accented letters, Greek, Cyrillic) that ``test`` accepts: ``re`` has no class of capitals."""
    ranges: list[list[int]] = []
    for n in range(0x41, 0x530):
        if chr(n).isalpha() and test(chr(n)):
            if ranges and ranges[-1][1] == n - 1:
                ranges[-1][1] = n
            else:
                ranges.append([n, n])
    return "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges)


# a capital and a small letter of a name, accented ones too: "José Núñez", "Zoë", "Łukasz" were no names
UPPER = _letter_class(str.isupper)
LOWER = _letter_class(str.islower)
# (regex, order of the groups: y m d / m d y / d m y), tried everywhere in a text; the earliest match wins
# 31/03/2026 or 03/31/2026: read only when one order alone makes a date (03/04/2026 is not read); the
# year in two digits too, as Jira's "dd/MM/yy" and US "MM/dd/yy" write it (11/30/26; 01/12/26 is not read)
SLASH_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\d/])")
# "11-30-2026", "30-11-2026": a slash date written with dashes, read as one (unambiguous ones read, the others
# noted as either way round; "**Date:** 11-30-2026" was "could not read")
DASH_DATE = re.compile(r"(?<![\d-])(\d{1,2})-(\d{1,2})-(\d{4})(?![\d-])")
# "11-30-26": its year in two digits, read where a slash one is ("11/30/26": a label's, a due column's; in prose
# neither, find_date's short_slash), never after a letter or a dot nor before one: "v1-2-26", "x86-64-12" are no
# dates ("Date: 11-30-26" was none, the summary's first date taken)
DASH_SHORT = re.compile(r"(?<![\w.-])(\d{1,2})-(\d{1,2})-(\d\d)(?![\w-]|\.\w)")
# a day and month either way round and a year: the slash dates and the dash ones, as written
_EITHER_WAY = (SLASH_DATE, DASH_DATE, DASH_SHORT)


def slash_dates(text: str) -> list[re.Match]:
    """The slash and dash dates of ``text`` (SLASH_DATE, DASH_DATE, DASH_SHORT) in the order written."""
    return sorted((m for rx in _EITHER_WAY for m in rx.finditer(text)), key=re.Match.start)


def slash_date(text: str, *, whole: bool = False) -> re.Match | None:
    """The first slash or dash date of ``text`` ("12/05/2026", "12-05-26"), or the one it is when ``whole``."""
    if whole:
        return next((m for rx in _EITHER_WAY if (m := rx.fullmatch(text))), None)
    return min((m for rx in _EITHER_WAY if (m := rx.search(text))), key=re.Match.start, default=None)


# the words before a dash and a number that name a cipher, a hash, a standard, an encoding, a protocol,
# a time zone's offset or a model, never a tracker's project: "AES-256", "SHA-1", "ISO-8601", "RFC-9110",
# "CVE-2024-1234" (an advisory, not the team's ticket), "UTF-8", "HTTP-2", "UTC-5", "GPT-4"
_NOT_A_PROJECT = frozenset(
    "AES DES RSA DSA ECDSA EC ES HS RS PS SHA SHA1 SHA2 SHA3 MD MD4 MD5 HMAC CRC TLS SSL DTLS SSH UTF UCS ISO IEC IEEE "
    "RFC CVE CWE GHSA OSV HTTP HTTPS HTTP2 IPV IPV4 IPV6 IP TCP UDP PEP JSR ECMA ANSI NIST FIPS PCI SOC SOC2 WCAG "
    "UTC GMT GPT USB DDR DDR4 DDR5 PCIE LTE COVID".split()
)
# a tracker's project key and number in capitals, "INC-482", "OPS-12", never one of _NOT_A_PROJECT's words ("UTF-8",
# "AES-256", "SHA-256", "HTTP-2"): the one reading of a key for the title's prefix and suffix, the references taken
# from them, a ticket in prose and an "Incident:" row or line ("# UTF-8: mojibake in invoice emails" had lost
# "UTF-8:" to the References). A regex fragment, no group: the word's case aside ("utf-8" is no project either)
_NOT_A_KEY = rf"(?!(?i:{'|'.join(sorted(_NOT_A_PROJECT))})-)"  # before a key of any case
PROJECT_KEY = rf"{_NOT_A_KEY}[A-Z][A-Z0-9]+-\d+"
# what each of DATE_FORMS holds: a year in four digits, or one in two after a slash or a dash (18/Nov/26)
_YEAR = re.compile(r"\d{4}|[/-]\d\d(?!\d)")
# German month names and their abbreviations (with the English ones, which a German date may use too): only in a
# German date's order, the day with its dot ("20. November 2026", "1. Dez. 2026", "3. März 2026"). Not months of
# every date form: "Mai" is a name ("owner: Mai Tran, 2 Mai")
_DE_MON = _MON | {
    **dict.fromkeys(("januar", "jänner"), 1),
    "februar": 2,
    **dict.fromkeys(("märz", "mär", "maerz", "mrz"), 3),
    "mai": 5,
    "juni": 6,
    "juli": 7,
    **dict.fromkeys(("oktober", "okt"), 10),
    **dict.fromkeys(("dezember", "dez"), 12),
}
_DE_MONTH = "|".join(sorted(_DE_MON, key=len, reverse=True))
DATE_FORMS = [
    (re.compile(r"(?<![\d-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d])"), "ymd"),
    (re.compile(r"(?<![\d/])(\d{4})/(\d{1,2})/(\d{1,2})(?![\d/])"), "ymd"),
    (re.compile(r"(?<![\d.])(\d{4})\.(\d{2})\.(\d{2})(?![\d.])"), "ymd"),
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I), "mdy"),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(\d{{4}})\b", re.I), "dmy"),
    # 3-Mar-2026, 3-Mar-26 (Oracle, Excel); 18/Nov/26, 18/Nov/2026 (Jira Server's dd/MMM/yy): overdue items
    # of a Jira table were said not read and listed under "no due date" (found importing a Jira export)
    (re.compile(rf"(?<![\w-])(\d{{1,2}})-{_MONTH}-(\d{{4}}|\d{{2}})(?![\w-])", re.I), "dmy"),
    (re.compile(rf"(?<![\w/])(\d{{1,2}})/{_MONTH}/(\d{{4}}|\d{{2}})(?![\w/])", re.I), "dmy"),
    (SLASH_DATE, "slash"),
    (DASH_DATE, "slash"),
    (DASH_SHORT, "slash"),
    (re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d.])"), "dmy."),  # 04.03.2026: day first (de, fr, ru)
    # "20. November 2026", "1. Dez. 2026": German, the day's dot and the month's name (a German postmortem's Datum:
    # line was "date: none found", and the first dated sentence, a due date, taken instead)
    (re.compile(rf"(?<![\w.])(\d{{1,2}})\.[ \t]*({_DE_MONTH})(?!\w)\.?,?[ \t]+(\d{{4}})(?!\d)", re.I), "de"),
    # "2026年11月25日": Japanese and Chinese, year, month and day each with its character
    (re.compile(r"(?<!\d)(\d{4})[ \t]*年[ \t]*(\d{1,2})[ \t]*月[ \t]*(\d{1,2})[ \t]*日"), "ymd"),
]
# a field left to fill in: a dash alone ("-", "—", Markdown's escaped "\\-"), "TBD", "TBC", "TBA", "N/A", "?":
# an empty cell's or field's filler, "| Owner: - |" (a follow-up's owner "TBC" was recorded); the part of
# PLACEHOLDER a follow-up's dash field is read by (action_items: not the template words, nor "[Dana]")
BLANK_FIELD = r"\\?[-–—]+|\?+|tb[dca]|n/?a"
PLACEHOLDER = re.compile(
    rf"^\s*(\[[^\]]*\]|<[^>]*>|\{{\{{?[^}}]*\}}?\}}|_{{3,}}|\.{{3,}}|…|x{{3,}}|{BLANK_FIELD}|todo|"
    r"title|incident title|incident name|postmortem title|name of (?:the )?incident|"
    r"short description|your title here|title here)\s*$",
    re.I,
)
# an email subject's tag naming the document: "[Postmortem] Nightly billing job ran twice" (kept whole)
BRACKET_PREFIX = re.compile(
    r"^\s*[\[(](?:post-?mortem|incident(?:\s+(?:report|review|summary))?|post-incident\s+(?:review|summary|report)|"
    r"pir|rca|retro(?:spective)?)[\])]\s*(?:[:—–-]\s*)?(?=\S)",
    re.I,
)
TITLE_PREFIX = re.compile(
    r"^(?:\d{4}-\d{2}-\d{2}\s+)?"  # Confluence's page name "2026-03-10 Postmortem - …"
    # "Post-incident summary: …" (an email's subject), "Incident review: …", Jira's "Incident INC-7781: …";
    # "Incident PIR - …", a Confluence page name, was kept whole and became the draft pattern's id
    r"(?:post-?mortem(?:\s+(?:summary|report))?|incident(?:\s+(?:report|review|summary|post-?mortem|pir|rca|"
    rf"write-?up|retro(?:spective)?|{_NOT_A_KEY}[a-z][a-z0-9]*-\d+|#?\d+))?|"
    r"post[- ]?incident\s+(?:review|summary|report)|"
    r"outage\s+(?:report|summary)|"
    # incident.io's and Jira's "INC-482: Search API latency …": the key alone, in capitals (kept in References)
    rf"(?-i:{PROJECT_KEY})(?=\s*[:—–])|"
    # the separator: a colon, a dash; a hyphen only spaced ("Incident-free deploys" is a title) or doubled
    r"pir|rca|root cause analysis|retrospective)"
    # the day after the word, "Incident 2026-11-21: X", "Postmortem 2026-11-21 – X" (a page's name): the title was kept
    # whole, and a copy titled "X" was no look-alike of it
    r"(?:\s+\d{4}-\d{2}-\d{2})?"
    r"\s*(?:(?:for|of)\s*)?(?:[:—–]{1,2}|(?<=\s)-{1,2}|--)\s*",  # "--": pandoc's en dash
    re.I,
)
# "X Postmortem", "X - Postmortem (incident #465)"; and PagerDuty's page title of a postmortem, "X -
# Postmortem | PagerDuty", "X | PagerDuty" (a PagerDuty write-up kept the tool's name in its title). A
# dash before "PagerDuty" alone is the title's own ("Fix PagerDuty routing - PagerDuty" lost its last
# word): the tool's name is a page title's suffix after a pipe, or after the document's name
TITLE_SUFFIX = re.compile(
    r"(?<!\s)(?:\s*(?:[:|—–-]\s*)?(?:post-?mortem|incident report|post-incident review|rca)(?:\s*\([^)]*\))?"
    r"(?:\s*[|—–-]\s*pagerduty)?|\s*\|\s*pagerduty"
    # GitHub's issue number after the title, "X (#4521)" (kept in References, title_reference)
    rf"|\s*\((?-i:#\d+|{PROJECT_KEY})\))?\s*$",
    re.I,
)
# the severity after a title, "X (SEV2)", "X [P1]": read as the severity or priority (pm_severity's mentions read
# the heading: SEVERITY, and P_FORM's "[P1]" ending a heading), no word of the title; only the forms read there
# ("X [P1]" had lost its "[P1]", no priority read; "(p 2)", "(SEV9)" are words of the title)
_SEVERITY_SUFFIX = re.compile(r"(?<!\s)\s*[\[(]\s*(?:(?i:sev(?:erity)?)[ \t_-]?[0-5]|P[0-4])\s*[\])]\s*$")

TICKET = re.compile(
    r"\b[A-Z][A-Z0-9]+-\d+\b|\b(?:bug|issue|ticket|b)\s*[/#]?\s*\d{3,}\b|"
    r"https?://\S+/(?:issues|pull|browse|tickets?|bugs?)/[\w-]+|(?<![\w&])#\d+\b",
    re.I,
)
_DONE = r"done|complete[d]?|fixed|closed|resolved|finished|shipped|✅|✔️?|☑️?|\[x\]"
_PROGRESS = r"in[- ]progress|wip|ongoing|started|in[- ]review"
_OPEN = r"todo|to[- ]do|open|not started|planned|pending|backlog|❌|⬜|☐|\[ \]"
_STATUS_ONLY = re.compile(rf"^\W*(?:status\s*:\s*)?({_DONE}|{_PROGRESS}|{_OPEN})\W*$", re.I)
# A status word is read only where a status is written, never as a word of the title: "Get it done —
# Priya" was read "Get it — Priya", done, and left the board's open follow-ups (found in review). A
# marker is an emoji anywhere, a word in brackets or bold anywhere ("(done)", "[DONE]", "**WIP**"), or a
# bare word at the start before a colon or dash ("Done: X"), at the end after a comma or dash ("X, done"),
# a whole field between pipes ("X | Done | Priya"), a sentence of its own ("X. Done."), the start of a
# dash field ("X — done, Priya"), "(Status: Done)", "(done 2026-12-01)", or at either end in capitals
# ("DONE X", "X DONE") where the sentence does not take it as a word (_caps_mark): "Done criteria for
# …", "… are done nightly" and "Clean up WIP branches" keep their words. A status column or field is
# read by its first word instead (field_status).
_MARK_WORD = r"DONE|TODO|IN[- ]PROGRESS|WIP"
_STATUS_MARK = re.compile(
    r"(?:^|(?<=\s)|(?<=\())(?:\*\*|__|\[)?(✅|✔️?|☑️?|❌|⬜|☐)(?:\*\*|__|\])?(?=\s|$|[:).,])"
    rf"|(?:^|(?<=\s)|(?<=\())(?:\*\*|__)({_MARK_WORD})(?:\*\*|__)(?=\s|$|[:).,])"
    rf"|(?:^|(?<=\s)|(?<=\())\[({_MARK_WORD})\](?=\s|$|[:).,])|(?<=\()({_MARK_WORD})(?=\))"
    rf"|^({_MARK_WORD})(?=[ \t]*:|[ \t]+[–—-])|(?:(?<=[,;])|(?<=\s[–—-]))[ \t]*({_MARK_WORD})[ \t.]*$"
    rf"|(?<=\|)[ \t]*({_MARK_WORD})[ \t]*(?:\||$)|\.[ \t]+({_MARK_WORD})\.?$"
    rf"|(?<=\s[–—-])[ \t]*({_MARK_WORD})[ \t]*[,;]|\((?:status|state)[ \t]*:[ \t]*({_MARK_WORD})\)"
    rf"|\(({_MARK_WORD})[ \t:,]+(?:on[ \t]+)?(?:\d{{4}}-\d\d-\d\d|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?|"
    rf"{MONTH_NAME}[ \t]+\d{{1,2}}(?:,?[ \t]+\d{{4}})?)[ \t]*\)",
    re.I,
)
_CAPS_MARK = re.compile(rf"^({_MARK_WORD})(?=\s)|(?<=\s)({_MARK_WORD})[ \t.]*$")
# A word in capitals ending or starting a title, with only a space between, is a status unless the
# sentence takes it as one of its words: "Get the migration DONE", "Mark the epic DONE", "Move the card
# to DONE", "TODO comments must name a ticket", "WIP limits for the queue" were read as statuses, their
# word cut out. At the end the sentence takes it after a word that governs it (a preposition, a form of
# "be") or as the complement of a verb that starts the title and asks for one ("get X done", "mark X
# done", "leave X todo") when the title has not said the word yet ("Get it done DONE" is done, its
# status written after the sentence). At the start it is the sentence's when a noun it qualifies ("TODO
# comments", "the DONE column") or a verb it is the subject of ("WIP is capped") follows it.
_GOVERNS = re.compile(
    r"(?:to|as|into|in|from|until|is|are|was|were|be|been|being|stays?|remains?|marked|left|still|not)", re.I
)
_TAKES_COMPLEMENT = re.compile(
    r"(?:get|gets|got|getting|have|has|had|mark|marks|set|sets|leave|leaves|keep|keeps|make|makes|flag|tag|"
    r"label|move|put|call|consider|declare)",
    re.I,
)
_QUALIFIED = re.compile(
    r"(?:comments?|lists?|items?|branch(?:es)?|limits?|commits?|criteria|columns?|lanes?|states?|status(?:es)?|"
    r"labels?|tags?|markers?|tickets?|notes?|prs?|cards?|boards?|queues?|checks?|counts?|"
    r"is|are|was|were|means|must|should|needs?|stays?|remains?)",
    re.I,
)


def _caps_mark(text: str):
    """The match of a status word in capitals at either end of ``text`` that is no word of its sentence, or None."""
    m = _CAPS_MARK.search(text)
    if m is None:
        return None
    if m.group(1):  # at the start
        after = text[m.end() :].split()
        return None if after and _QUALIFIED.fullmatch(after[0].strip(",.;:")) else m
    before = re.findall(r"[\w'’]+", text[: m.start()])
    if not before or _GOVERNS.fullmatch(before[-1]):
        return None
    said = re.search(rf"(?i)\b{re.escape(m.group(2))}\b", text[: m.start()])
    return None if _TAKES_COMPLEMENT.fullmatch(before[0]) and not said else m


def full_year(year: str) -> str:
    """A year as written in four digits, or in two read as POSIX's strptime reads them ("26": 2026,
    "69" to "99": 1969 to 1999)."""
    return year if len(year) != 2 else str((2000 if int(year) < 69 else 1900) + int(year))


def ambiguous_date(text: str) -> list[dt.date]:
    """The two readings of the first slash (or dash: DASH_DATE, DASH_SHORT) date in ``text`` whose day/month order cannot be told
    ("03/04/2026": 3 April or 4 March), or [] when there is none."""
    m = slash_date(str(text or ""))
    readings = slash_readings(m.group(1), m.group(2), full_year(m.group(3))) if m else []
    return readings if len(readings) == 2 else []


def year_first(text: str) -> tuple[str, dt.date] | None:
    """(the words, the date) of the first slash date in ``text`` written with two-digit numbers only that
    reads as a date year first ("26/11/30": 2026-11-30), or None. SLASH_DATE reads it day or month first
    (26 November 2030); which was meant the rest of the document may tell (``document_year_first``). "26-11-30"
    likewise (DASH_SHORT)."""
    m = SLASH_DATE.search(str(text or "")) or DASH_SHORT.search(str(text or ""))
    if m is None or len(m.group(1)) != 2 or len(m.group(3)) != 2:
        return None
    try:
        return m.group(0), dt.date(int(full_year(m.group(1))), int(m.group(2)), int(m.group(3)))
    except ValueError:  # 26/11/31: no 31 November, year first
        return None


def document_year_first(text: str) -> tuple[str, dt.date] | None:
    """(words, date) of the first date of ``text`` with its year in four digits when every such date is written year
    first (2026-11-18, 2026/11/18, 2026.11.18), else None: a document whose dates all say year first
    means "26/11/30" so too. A date written otherwise (Nov 18, 2026; 18/11/2026) settles nothing."""
    first = None
    for rx, form in DATE_FORMS:
        for m in rx.finditer(text or ""):
            if (day := _mk(form, m.groups())) is None or (form != "ymd" and len(m.group(3)) != 4):
                continue  # no date, or a two-digit year ("3-Mar-26", "26/11/30"): the question, no answer
            if form != "ymd":
                return None
            if first is None or m.start() < first[0]:
                first = (m.start(), m.group(0), day)
    return first[1:] if first else None


def _mk(form: str, groups) -> dt.date | None:
    a, b, c = groups
    c = c if form == "ymd" else full_year(c)
    if form == "slash":
        readings = slash_readings(a, b, c)
        return readings[0] if len(readings) == 1 else None
    try:
        if form == "ymd":
            return dt.date(int(a), int(b), int(c))
        if form == "mdy":
            return dt.date(int(c), _MON[a.lower()[:3]], int(b))
        if form == "dmy.":
            return dt.date(int(c), int(b), int(a))
        if form == "de":
            return dt.date(int(c), _DE_MON[b.lower()], int(a))
        return dt.date(int(c), _MON[b.lower()[:3]], int(a))
    except (ValueError, KeyError):
        return None


def find_date(text: str, short_slash: bool = True) -> tuple[dt.date | None, str | None]:
    """The first date written in ``text`` (ISO, 2023/07/19, "July 19, 2023", "19th July 2023"):
    (date, the words as written), or (None, None). Without ``short_slash``, a slash date with its year
    in two digits (11/30/26) is none: in prose "5/30/60 minute windows" is no date."""
    best = None
    if not _YEAR.search(text or ""):  # one scan, not eight, of a text with no date (a long log, a code block)
        return None, None
    for rx, form in DATE_FORMS:
        for m in rx.finditer(text or ""):
            if form == "slash" and not short_slash and len(m.group(3)) == 2:
                continue
            day = _mk(form, m.groups())
            if day is not None and 1970 <= day.year <= 2100:
                if best is None or m.start() < best[0]:
                    best = (m.start(), day, m.group(0))
                break
    return (best[1], best[2]) if best else (None, None)


# a date without its year, as due dates are written: "Dec 19", "19 Dec", "December 19th", "19th of December";
# "Dec 19 EOD" too, the end of the day said (it stayed in the title, the follow-up given no due date)
MONTH_DAY = re.compile(
    rf"(?:{_MONTH}[ \t]+(\d{{1,2}})(?:st|nd|rd|th)?|(\d{{1,2}})(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?{_MONTH})\.?"
    r"(?:,?[ \t]+(?:eod|cob|eow))?",
    re.I,
)


# "12/19", "19/12": a slash date without its year, read when one order alone makes a day (not "5/6")
_SLASH_MONTH_DAY = re.compile(r"(\d{1,2})/(\d{1,2})")


def month_day(text: str | None) -> tuple[int, int] | None:
    """(month, day) of ``text`` when it is a day of a month and nothing else ("Dec 19"), else None."""
    m = MONTH_DAY.fullmatch((text or "").strip())
    if m is None:
        return _slash_month_day(text or "")
    month, day = _MON[(m.group(1) or m.group(4)).lower()[:3]], int(m.group(2) or m.group(3))
    try:
        dt.date(2000, month, day)  # a leap year: "Feb 29" is a day of some years
    except ValueError:
        return None
    return month, day


def _slash_month_day(text: str) -> tuple[int, int] | None:
    """(month, day) of "12/19" (month first) or "19/12" (day first); None when either order makes a
    day ("5/6") or none does. US teams write due dates so: "12/19" was said not read."""
    m = _SLASH_MONTH_DAY.fullmatch(text.strip())
    if m is None or int(m.group(1)) == int(m.group(2)):  # "5/5": no order was told, as "5/6"
        return None
    readings = slash_readings(m.group(1), m.group(2), "2000")  # a leap year: "2/29" is a day of some years
    return (readings[0].month, readings[0].day) if len(readings) == 1 else None


def either_way(text: str | None) -> tuple[int, int] | None:
    """The two numbers of a slash day without its year that either order makes a day ("12/03": 3 December
    month first, 12 March day first), else None ("12/19", "5/5", "Dec 3")."""
    m = _SLASH_MONTH_DAY.fullmatch((text or "").strip())
    if m is None or int(m.group(1)) == int(m.group(2)):
        return None
    return (int(m.group(1)), int(m.group(2))) if len(slash_readings(m.group(1), m.group(2), "2000")) == 2 else None


def slash_orders(text: str, yearless: list[str]) -> dict[str, str]:
    """The day/month orders a document's slash dates show ("md", month first; "dm", day first), each with the
    first date as written that shows it: those of ``text`` with their year ("12/15/2026", "15-12-2026", "12/15/26")
    and the days without one of ``yearless`` (its due dates: "12/15"), each read where only one order makes a day;
    those either order reads ("12/03/2026") tell nothing."""
    pairs = [(m.group(1), m.group(2), m.group(0)) for m in slash_dates(text)]
    pairs += [(m.group(1), m.group(2), m.group(0)) for t in yearless if (m := _SLASH_MONTH_DAY.fullmatch(t.strip()))]
    seen: dict[str, str] = {}
    for a, b, words in pairs:
        readings = slash_readings(a, b, "2000")  # a leap year: "2/29" is a day of some years
        if len(readings) == 1 and int(a) != int(b):
            seen.setdefault("dm" if readings[0].day == int(a) else "md", words)
    return seen


def in_order(text: str | None, order: str | None) -> tuple[int, int] | None:
    """(month, day) of a slash day without its year that either order makes a day ("12/03": ``either_way``) read
    in ``order`` ("md": month first, "dm": day first), the order of the document's other dates; else None."""
    pair = either_way(text) if order else None
    if pair is None:
        return None
    return pair if order == "md" else (pair[1], pair[0])


def on_or_after(month: int, day: int, start: dt.date) -> dt.date:
    """The first ``month``/``day`` on or after ``start``: a due date written without a year in a
    postmortem of 2 December means the next one ("Dec 19": the 19th; "Jan 5": next year's)."""
    for year in range(start.year, start.year + 9):  # Feb 29 comes round within 8 years
        with contextlib.suppress(ValueError):
            if (day_of := dt.date(year, month, day)) >= start:
                return day_of
    raise ValueError(f"no {month}/{day} after {start}")  # month_day only gives days some year has


def on_or_before(month: int, day: int, end: dt.date) -> dt.date:
    """The last ``month``/``day`` on or before ``end``: a day already past, as a day something was done
    ("done Dec 1" written on 5 December is this year's; "Dec 31" of a span ending Jan 1 the year before)."""
    for year in range(end.year, end.year - 9, -1):  # Feb 29 comes round within 8 years
        with contextlib.suppress(ValueError):
            if (day_of := dt.date(year, month, day)) <= end:
                return day_of
    raise ValueError(f"no {month}/{day} before {end}")  # month_day only gives days some year has


# "by the 19th": a day of the month alone, its ordinal suffix said ("by 19" may be a count)
_DAY_ONLY = re.compile(r"(?:the[ \t]+)?(\d{1,2})(?:st|nd|rd|th)", re.I)


def day_of_month(text: str | None) -> int | None:
    """The day of "the 19th" / "19th" when ``text`` is that alone, else None."""
    m = _DAY_ONLY.fullmatch((text or "").strip())
    return int(m.group(1)) if m and 1 <= int(m.group(1)) <= 31 else None


def due_after(said: str, start: dt.date, order: str | None = None) -> dt.date | None:
    """The date of a due date written without its year ("Dec 19": ``on_or_after``; "12/03" in the ``order`` of the
    document's other dates, ``in_order``) or its month ("the 19th": the first 19th on or after ``start``, a month
    without a 31st skipped); None for other words."""
    if (md := month_day(said) or in_order(said, order)) is not None:
        return on_or_after(*md, start)
    day = day_of_month(said)
    for n in range(12 if day else 0):  # every day 1-31 comes round within a year
        year, month = divmod(start.month - 1 + n, 12)
        with contextlib.suppress(ValueError):
            if (day_of := dt.date(start.year + year, month + 1, day)) >= start:
                return day_of
    return None


# a whole value written as an ISO timestamp with its offset: "2026-12-31T23:30:00-08:00", "2026-03-01T14:05Z"
_ZONED_ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})", re.I)


def parse_date(text) -> dt.date | None:
    """The date of a field's value. A timestamp with its offset is the date in RECUR_TZ, as a record's and
    `recur incident new --date`'s (util.dates.local_date): a Date: line's 2026-12-31T23:30:00-08:00 was
    INC-2026-… as written where the record of it was INC-2027-0001 on a team set to UTC (found in review)."""
    if isinstance(text, dt.datetime):
        return local_date(text)
    if isinstance(text, dt.date):
        return text
    if text is None:
        return None
    value = str(text).strip().strip("*_`").strip()
    zoned = iso_date(value.upper()) if _ZONED_ISO.fullmatch(value) else None  # None: no such time, "25:30"
    return zoned or find_date(str(text))[0]


def is_placeholder(text: str | None) -> bool:
    """True for template placeholders: "[Title]", "<incident name>", "{{title}}", "TBD", "___"."""
    t = (text or "").strip().strip("*_`#: ")
    return not t or bool(PLACEHOLDER.match(t)) or bool(re.fullmatch(r"(?:\[[^\]]*\]\s*)+", t))


def strip_placeholders(text: str) -> str:
    """Text with template placeholders and HTML comments removed."""
    text = drop_html_comments(text)
    text = re.sub(
        r"\[(?:insert|add|describe|enter|list|summar|explain|link|include|what|who|when|how|date|"
        r"your|e\.g\.|example|todo|tbd|name|owner|title|yyyy|hh)[^\]]{0,300}\]",  # bounded: an unclosed "[insert" scanned to the end
        " ",
        text,
        flags=re.I,
    )
    text = re.sub(
        r"<(?:insert|add|describe|enter|list|summar|explain|link|include|what|who|when|how|date|your|"
        r"e\.g\.|example|todo|tbd|name|owner|title)[^>]{0,300}>",
        " ",
        text,
        flags=re.I,
    )
    return re.sub(r"\{\{[^}]{0,300}\}\}", " ", text)  # each bounded: an unclosed "{{" scanned to the end


# a heading that names the kind of document, not the incident: a Title field after it says more
_GENERIC_TITLE = re.compile(
    r"(?:incident\s+)?(?:post-?\s?mortem|incident|incident report|incident review|post-incident review|pir|rca|"
    r"root cause analysis|retrospective|outage report)(?:\s+(?:report|document|template))?",
    re.I,
)


def is_generic_title(title: str | None) -> bool:
    """ "Postmortem", "Incident report", "RCA": a title that says what the document is, not what happened."""
    return bool(title) and _GENERIC_TITLE.fullmatch(re.sub(r"[^\w\s-]+", "", title).strip()) is not None


# an emoji, a pictograph and what composes one (the variation selector of "⚠️", a zero-width joiner,
# a skin tone): the decoration of a heading, no word of its title
_SYMBOL_CATEGORIES = {"So", "Sk", "Cf", "Mn", "Me", "Co"}


def _lead_symbols(text: str) -> int:
    """How many characters of ``text`` are emoji, symbols and their joiners before its first word."""
    n = 0
    while n < len(text) and (text[n].isspace() or unicodedata.category(text[n]) in _SYMBOL_CATEGORIES):
        n += 1
    return n


def _trail_symbols(text: str, end: int | None = None) -> int:
    """Where the emoji and symbols after the title's last word start (``len(text)`` when there are none).
    A run of marks alone is no emoji: a decomposed "Café" ends in a combining accent; nor is a degree
    sign or a letterlike symbol ("above 40°", "40 ℃"), which are words of the title."""
    n = end = len(text) if end is None else end
    while n > 0 and (text[n - 1].isspace() or unicodedata.category(text[n - 1]) in _SYMBOL_CATEGORIES):
        n -= 1
    while n < end and unicodedata.category(text[n]) in ("Mn", "Me"):  # the last letter's own marks
        n += 1
    tail = text[n:end]
    kept = "°" in tail or any("\u2100" <= c <= "\u214f" for c in tail)
    return end if kept or not any(unicodedata.category(c) in ("So", "Co") for c in tail) else n


# shortcodes (pm_markup.SHORTCODE) before a title's first word or after its last: decoration, as an emoji there
_LEAD_SHORTCODES = re.compile(rf"^(?:\s*{SHORTCODE.pattern})+\s*")
# one shortcode at the title's end, taken off one at a time (_title_parts): a run of them matched whole from each
# of its shortcodes took time growing with its square (a title of 12,500 ":a:" 33 s); one is at most 42 characters
_TRAIL_SHORTCODE = re.compile(rf"{SHORTCODE.pattern}$")
_SHORTCODE_MAX = 42


def without_lead_emoji(text: str) -> str:
    """``text`` stripped, without the emoji, symbols and shortcodes before its first word ("🔴 Critical",
    ":red_circle: Critical": "Critical")."""
    t = text.strip()
    while True:
        t = _LEAD_SHORTCODES.sub("", t[_lead_symbols(t) :])
        if not t or not (t[0].isspace() or unicodedata.category(t[0]) in _SYMBOL_CATEGORIES):
            return t


# Confluence's page title, "SPACE : Page name": its Markdown export heads the page so, and the space's name stayed
# in the title (the HTML export's is taken off, pm_markup). Taken off when the page name opens with its date, as a
# postmortem page is named ("Payments : 2026-11-27 Redis failover"), or when the page is known a Confluence one
# (``space``: its "Created by … last modified" byline); "Checkout : payment retries doubled" alone is a title.
_SPACE_PREFIX = re.compile(r"^[^:\n]{1,60}? : (?=\S)")
_DATED_PAGE = re.compile(r"\d{4}-\d{2}-\d{2}\s")
# a page name's leading date, "2026-11-27 Redis failover caused session loss": the incident's date, read as such
# elsewhere, no word of its title (as "2026-03-10 Postmortem - X" loses it with its prefix, TITLE_PREFIX)
_DATE_LEAD = re.compile(r"^\d{4}-\d{2}-\d{2}(?:\s*[:—–]\s*|\s+-{1,2}\s+|\s+)(?=\S)")
# the incident's number a title's prefix or suffix gives ("X Postmortem (incident #2291)", "Incident INC-7781: X"),
# which clean_title takes off with it: kept in the record's References instead (title_reference)
# A key in capitals or "#N" anywhere in them, a bare number only after "incident" ("(2026-11-27)" is no reference).
_TITLE_REFERENCE = re.compile(
    rf"(?<![\w-])({PROJECT_KEY}|#\d+)(?![\w-])|(?i:\b(?:incident|ticket|issue)[ \t]+(?:no\.?[ \t]*)?)(\d+)(?![\w-])"
)


# a run of backticks (a code span's ends) and of emphasis marks, not escaped ("\\*" is a star)
_TICKS = re.compile(r"(?<!\\)`+")
_MARK_RUN = re.compile(r"(?<!\\)(?:\*+|_+)")


def _code_spans(text: str) -> list[tuple[int, int, int]]:
    """(start, end, ticks) of each code span of ``text``: a run of backticks to the next run of as many, as
    Markdown pairs them; a run that none closes is text. Each run is looked at once (the next of each
    length found from the right), so a line of unclosed runs costs no more than its length."""
    runs = [(m.start(), m.end()) for m in _TICKS.finditer(text)]
    following: list[int | None] = [None] * len(runs)
    last: dict[int, int] = {}
    for n in range(len(runs) - 1, -1, -1):
        size = runs[n][1] - runs[n][0]
        following[n] = last.get(size)
        last[size] = n
    spans, n = [], 0
    while n < len(runs):
        if (close := following[n]) is None:
            n += 1
            continue
        spans.append((runs[n][0], runs[close][1], runs[n][1] - runs[n][0]))
        n = close + 1
    return spans


def _side(text: str, at: int) -> str:
    return text[at] if 0 <= at < len(text) else " "


def _without_emphasis(text: str) -> str:
    """``text`` without its emphasis marks: "**x**", "*x*" (in a word too, as Markdown reads them), "__x__", "_x_"
    only at a word's edges, since an underscore inside a word is its letter ("orders_events", "pg_wal"). A mark
    run closes the nearest open one of its character, each pair losing as many marks as the shorter has; a mark
    that none pairs with ("a * b", "_private") is kept. One pass over the runs: no run is read twice."""
    open_runs: dict[str, list[list[int]]] = {"*": [], "_": []}
    dropped: list[tuple[int, int]] = []
    for m in _MARK_RUN.finditer(text):
        before, after, mark = _side(text, m.start() - 1), _side(text, m.end()), m.group(0)[0]
        opens, closes = not after.isspace(), not before.isspace()
        if mark == "_":  # an underscore next to a letter or digit is the word's own
            opens, closes = opens and not before.isalnum(), closes and not after.isalnum()
        stack, size = open_runs[mark], m.end() - m.start()
        if closes and stack:
            start, end = stack.pop()
            n = min(end - start, size)
            dropped += [(end - n, end), (m.start(), m.start() + n)]
            if end - start > n:  # "**x*": the opener's mark left may close a later run
                stack.append([start, end - n])
        elif opens:
            stack.append([m.start(), m.end()])
    out, at = [], 0
    for start, end in sorted(dropped):
        out.append(text[at:start])
        at = end
    return "".join(out) + text[at:]


def _unformatted(text: str) -> str:
    """``text`` without Markdown's emphasis and code marks, every other character kept: every ``*``, ``_`` and
    backtick was taken out, "orders_events" recorded as "ordersevents", "`pg_wal`" as "pgwal". A code span's
    text is kept as written, its backticks taken off."""
    out, at = [], 0
    for start, end, ticks in _code_spans(text):
        out += [_without_emphasis(text[at:start]), text[start + ticks : end - ticks].strip() or " "]
        at = end
    return "".join(out) + _without_emphasis(text[at:])


def _title_parts(text: str, space: bool) -> tuple[str, str]:
    """(the title of heading ``text``, the words its prefix and suffix that only name the document took off)."""
    t = without_lead_emoji(unescape(_unformatted(str(text))))  # "orders\\_events" as Google Docs escapes it
    end = len(t)
    while True:  # "X :fire: 🔥": the symbols and shortcodes after the last word, one at a time
        cut = _trail_symbols(t, end)
        if m := _TRAIL_SHORTCODE.search(t, max(0, cut - _SHORTCODE_MAX), cut):
            cut = m.start()
        while cut and t[cut - 1].isspace():
            cut -= 1
        if cut >= end:
            break
        end = cut
    t = t[:end]
    if (m := _SPACE_PREFIX.match(t)) and (space or _DATED_PAGE.match(t, m.end())):
        t = t[m.end() :]
    t = _DATE_LEAD.sub("", t)
    t = BRACKET_PREFIX.sub("", t)
    prefix = TITLE_PREFIX.match(t)
    t = t[prefix.end() :].strip() if prefix else t
    # a tracker's key, then the document's name: "PIR-9: Incident 2026-11-24: X" (a Jira issue's "[PIR-9] Incident
    # 2026-11-24: X"), "INC-482: Postmortem: X" kept the second in the title (found in a re-read)
    again = TITLE_PREFIX.match(t) if prefix and re.fullmatch(rf"{PROJECT_KEY}\s*[:—–]+\s*", prefix.group(0)) else None
    t = t[again.end() :].strip() if again else t
    t = _SEVERITY_SUFFIX.sub("", t) or t
    suffix = TITLE_SUFFIX.search(t)
    dropped = (prefix.group(0) if prefix else "") + " " + (suffix.group(0) if suffix and suffix.start() else "")
    t = (t[: suffix.start()] if suffix else t).strip() or t
    t = t[: _trail_symbols(t)].strip() or t  # "X 🔥 Postmortem": the emoji before the suffix
    return t, dropped


def clean_title(text: str | None, space: bool = False) -> str | None:
    """A heading as a title: "Postmortem: X" -> "X", "X Postmortem (incident #465)" -> "X"; None for placeholders.
    An emoji before or after it is decoration, taken off: "🔥 Postmortem: X" kept both, and a copy of the
    postmortem headed so was recorded again unnoticed, its title not the first's ("X 🔥" likewise); a shortcode
    there too (":fire: X"). ``space``: the document is a Confluence page, its title's "SPACE : " prefix taken off."""
    if text is None:
        return None
    t = _title_parts(text, space)[0]
    return None if is_placeholder(t) or is_placeholder(strip_placeholders(t)) else t


def title_reference(text: str | None) -> str | None:
    """The incident's number or ticket that clean_title takes off the heading ``text`` with its prefix or suffix
    ("X Postmortem (incident #2291)": "#2291"; "Incident INC-7781: X": "INC-7781"), or None."""
    if text is None:
        return None
    m = _TITLE_REFERENCE.search(_title_parts(text, False)[1])
    return (m.group(1) or m.group(2)) if m else None


def unescape(text: str) -> str:
    """``text`` without Markdown's backslash escapes: any ASCII punctuation may be escaped, and Google
    Docs' Markdown export escapes much of it ("worker\\_count", "\\> 0", "max 20\\)"); pandoc writes
    "1\\. Summary" for a numbered heading. For one-line fields (a title, a follow-up), which are
    not rendered as Markdown: the backslashes were kept in follow-up titles."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


# the escapes that mean nothing in the middle of a line of prose, which Google Docs' Markdown export writes all the
# same ("SEV\\-1", "2026\\-11\\-21", "O\\'Neill", "five\\.", "\\(170Mi\\)"); an escaped star, bracket, bar, tilde or
# "<" may mean its character rather than markup, and is kept
_PROSE_ESCAPE = re.compile(r"(?<!\\)\\([.\-()'\"!=+:;,/?@%$&#>^]|(?<=[^\W_]\\)_(?=[^\W_]))")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.M)


def _prose_unescaped(text: str) -> str:
    def keep(m: re.Match) -> str:
        char, line = m.group(1), text[text.rfind("\n", 0, m.start()) + 1 : m.start()]
        structure = (
            (char in "-+#>" and not line.strip())  # a list item's, a heading's, a quote's mark
            or (char in ".)" and re.fullmatch(r"\s*\d+", line))  # "1\\." a numbered item's
            or (char == "!" and text.startswith("[", m.end()))  # an image's
        )
        return m.group(0) if structure else char

    return _PROSE_ESCAPE.sub(keep, text)


def unescape_prose(text: str) -> str:
    """A section's Markdown without the backslash escapes that mean nothing in prose (_PROSE_ESCAPE), as
    Google Docs' export writes them: the record kept "SEV\\-1", "five\\." in its sections. Code, in spans and
    fences, is kept as written, and an escape that keeps a line from being a list, a heading or a numbered item."""
    out, at, fence = [], 0, None
    for m in _FENCE.finditer(text):
        if fence is None:
            out.append(_spans_kept(text[at : m.start()]))
            at, fence = m.start(), m.group(1)[0] * len(m.group(1))
        elif m.group(1).startswith(fence):
            out.append(text[at : m.end()])
            at, fence = m.end(), None
    rest = text[at:]
    return "".join(out) + (rest if fence else _spans_kept(rest))


def _spans_kept(text: str) -> str:
    """``text``'s prose unescaped (_prose_unescaped), its code spans as written."""
    out, at = [], 0
    for start, end, _ in _code_spans(text):
        out += [_prose_unescaped(text[at:start]), text[start:end]]
        at = end
    return "".join(out) + _prose_unescaped(text[at:])


def status_of(text: str) -> tuple[str | None, str]:
    """(status, text without the status word): "done" / "in-progress" / "open", or None when none is said.
    A status shortcode is its emoji (":white_check_mark: Done" is "✅ Done")."""
    t = emoji_shortcodes(text).strip()
    m = _STATUS_ONLY.match(t)
    if m:
        return _kind(m.group(1)), ""
    m = _STATUS_MARK.search(t) or _caps_mark(t)
    if m:
        rest = (t[: m.start()] + " " + t[m.end() :]).strip(" -–—:|,;")
        word = next(g for g in m.groups() if g)
        return _kind(word), re.sub(r"\s{2,}", " ", rest).replace("()", "").strip()
    return None, text.strip()  # no status: the text as written


# a status field's value may say more after its word ("Done (Dec 3)", "Closed in INFRA-12"): in a field
# that holds only a status the first word is it, where in a title it would be the title's own word
_FIELD_LEAD = re.compile(rf"^\W*({_DONE}|{_PROGRESS}|{_OPEN})(?!\w)", re.I)


def field_status(text: str) -> str | None:
    """The status a status field or column says ("done" / "in-progress" / "open"), or None."""
    st = status_of(text)[0]
    m = _FIELD_LEAD.match(without_lead_emoji(text)) if st is None else None
    return _kind(m.group(1)) if m else st


def _kind(word: str) -> str:
    w = word.lower().strip("*_")
    if re.fullmatch(_DONE, w, re.I):
        return "done"
    if re.fullmatch(_PROGRESS, w, re.I):
        return "in-progress"
    return "open"


# A postmortem's own "Status:" field is the state of the document and its review, not of the
# incident: the words that say the review was held and those that say it is still to come. "Resolved",
# "Mitigated", "Monitoring" are the incident's state and say nothing of the review: neither.
_DOC_PREFIX = r"(?:(?:post-?mortem|pir|rca|retro(?:spective)?|review|report|document|doc)\s+)?"
_DOC_DONE = re.compile(
    rf"^{_DOC_PREFIX}(?:complete[d]?|done|closed|published|reviewed|final(?:i[sz]ed)?|approved|signed[- ]off|"
    # Google's template: "action items in progress" once the document itself is final; the items are
    # follow-ups, recorded open, and the review of the incident is over
    r"action items (?:in[- ]progress|open|pending|remaining)|"
    # a German postmortem's "Status: Abgeschlossen" was named in the notes as not recorded
    r"abgeschlossen)\b",
    re.I,
)
_DOC_PENDING = re.compile(
    rf"^{_DOC_PREFIX}(?:draft(?:ing)?|in[- ]review|under review|in[- ]progress|wip|open|pending(?: review)?|"
    r"not (?:yet )?(?:started|complete[d]?|done|reviewed|published|final)|incomplete|ready for review|"
    r"awaiting review|needs review|to[- ]?do|scheduled|entwurf|in bearbeitung|in prüfung)\b",
    re.I,
)


def review_status(text: str | None) -> str | None:
    """The review status a postmortem's "Status:" field says: "done" (Complete, Done, Closed, Published,
    Reviewed, Final, Approved, and these after "Postmortem"/"Review": "Review complete"), "pending"
    (Draft, In review, In progress, Open, Not complete ...), or None (another word: "Resolved" is the
    incident's; a template's placeholder, "[draft | final]"). Only the field's first part counts:
    "Complete, action items in progress" is done."""
    if is_placeholder(text):
        return None
    # a lozenge's shortcode (":white_check_mark: DONE") as its emoji, taken off below: "white_check_mark" was the first word
    words = SHORTCODE.sub(" ", text or "")
    words = " ".join(re.sub(r"[*_`]+", " ", words).split())  # "**Complete**", a lozenge's `DONE`
    head = re.split(r"[,;(–—]| - ", words, maxsplit=1)[0].strip().lower()
    head = re.sub(r"^[^\w]+", "", head)  # a status lozenge's emoji ("✅ Complete")
    if _DOC_DONE.match(head):
        return "done"
    return "pending" if _DOC_PENDING.match(head) else None


# how far after "review on" or "reviewed" its date is looked for: a Status line of thousands of such words
# (30 kB) took 10 s when each looked at the whole rest of the line
_WHEN_SPAN = 120

# where a Status line gives the review's date: "Draft, review scheduled 2026-12-09", "In review (review
# due Dec 9)", "Pending — review on 9 December 2026", "Draft; PIR scheduled for 2026-12-09", "Review:
# 2026-12-09"; the date was dropped, the review given the framework's default due date without a word
_REVIEW_WHEN = re.compile(
    r"\b(?:(?:review|pir|retro(?:spective)?)(?:[ \t]+meeting)?[ \t]+(?:(?:is|was)[ \t]+)?"
    r"(?:(?:scheduled|planned|booked|set|due)(?:[ \t]+(?:for|on|by))?|on|for|by)"
    r"|(?:scheduled|planned|booked|due)(?:[ \t]+(?:for|on|by))?|(?:review|pir)[ \t]*:)(?!\w)[ \t]*",
    re.I,
)


def review_when(text: str | None) -> str | None:
    """The words a postmortem's Status line gives the review's date by, as written ("Draft, review
    scheduled 2026-12-09": "2026-12-09"; "review due next week": "next week"), or None when it names none."""
    return _day_after(_REVIEW_WHEN, text, first_words=True)


def _day_after(words_before, text: str | None, first_words: bool) -> str | None:
    """The date written right after a match of ``words_before`` in ``text``, as written; else words of a time
    there ("next week"): the first such words when ``first_words`` (a due day), else the first without a
    date further on in them, and only when no match is followed by a date (the day a review was held)."""
    text = " ".join(re.sub(r"[*_`]+", " ", text or "").split())
    vague = None
    for m in words_before.finditer(text):
        rest = text[m.end() : m.end() + _WHEN_SPAN]  # a date is short: linear on a long line of such words
        day, said = find_date(rest)
        if day is not None and rest.startswith(said):  # "Dec 9, 2026": its comma is the date's
            return said
        words = re.split(r"[,;()]|\s[–—-]\s|[–—]", rest, maxsplit=1)[0].strip(" .")
        if not _WHEN_WORDS.search(words):  # "due to the holidays", "planned changes": no date, none to say unread
            continue
        if first_words:
            return words
        if vague is None and find_date(words)[0] is None:  # "(incident resolved 2026-11-28)": another thing's
            vague = words
    return vague


# where a completed postmortem's Status line gives the day its review was held: "Complete, reviewed on
# 2026-12-01", "PIR completed 2026-12-01", "Done (Dec 1)", "Closed — review held Dec 1"; the review was
# recorded done with no day, and a board or report as of a day before it counted it held then
_REVIEW_HELD = re.compile(
    r"\b(?:(?:post-?mortem|review|pir|retro(?:spective)?)(?:[ \t]+meeting)?[ \t]+(?:(?:was|were)[ \t]+)?"
    r"(?:held|complete[d]?|done|conducted|finished)|reviewed|complete[d]?|done|closed|approved|signed[- ]off|"
    r"final(?:i[sz]ed)?|published)(?:[ \t]+(?:on|at|as[ \t]+of))?(?!\w)[ \t]*:?[ \t]*\(?[ \t]*",
    re.I,
)


def review_held(text: str | None) -> str | None:
    """The words a completed postmortem's Status line gives the day of its review by, as written
    ("Complete, reviewed on 2026-12-01": "2026-12-01"), or None when it names none. A date right after
    the words wins over words of a time ("Complete, reviewed on Monday": "Monday", said not read)."""
    return _day_after(_REVIEW_HELD, text, first_words=False)


# the words of a time: a number, a month or a day of the week, "next week", "tomorrow", "TBD"
_WHEN_WORDS = re.compile(
    rf"\d|\b(?:{MONTH_NAME}|(?:mon|tues|wednes|thurs|fri|satur|sun)day|today|tomorrow|tonight|next|this|"
    r"week|month|quarter|tb[cda])\b",
    re.I,
)


def read_review_due(words: str, start: dt.date | None, order: str | None = None) -> dt.date | None:
    """The date of ``review_when``'s words: a whole date, or a day without its year ("Dec 9") the first
    on or after ``start``, the incident's date, "12/03" in ``order``, the document's (postmortem.slash_order),
    as a follow-up's due date is; None when they say none."""
    day, said = find_date(words)
    if day is not None and words.strip().startswith(said):
        return day
    return due_after(words, start, order) if start is not None else None


# A ticket in an item's own words (its title, a bracket, a cell of no ticket column): a project key in
# capitals standing alone, not a version, a region, a standard or a cipher. TICKET's reading of any case
# anywhere made "AES-256", "TLS-1.2", "UTF-8", "ubuntu-22.04", "us-east-1" and "redis-7" a follow-up's
# ticket and cut them out of its title ("Encrypt backups with instead …": found importing postmortems).
# A key is not part of a longer token: no "-" or "." and a letter or digit on either side ("TLS-1.2",
# "US-EAST-1", "CVE-2024-1234"); a sentence's full stop after it is no part ("… in OPS-12.").
PROSE_TICKET = re.compile(
    rf"(?<![\w.-]){PROJECT_KEY}(?!\w|[.-][^\W_])"
    r"|(?i:\b(?:bug|issue|ticket|b)\s*[/#]?\s*\d{3,}\b|https?://\S+/(?:issues|pull|browse|tickets?|bugs?)/[\w-]+)"
    r"|(?<![\w&])#\d+\b"
)


def ticket_of(text: str) -> str | None:
    """The first ticket reference of a field that holds one (a ticket column, ``Ticket:``): any case."""
    m = TICKET.search(text or "")
    return m.group(0).strip() if m else None


def prose_ticket(text: str):
    """The match of the first ticket written in words (PROSE_TICKET), or None: "AES-256" is none."""
    return PROSE_TICKET.search(text or "")


def is_ticket(text: str) -> bool:
    """Whether ``text`` is a ticket reference and nothing else (a field between dashes): a key of any case,
    a tracker's link, "bug 12345", "#123"; never a word of _NOT_A_PROJECT's ("— AES-256 —")."""
    m = TICKET.fullmatch(text.strip())
    return m is not None and text.strip().split("-")[0].upper() not in _NOT_A_PROJECT


# Durations. A unit ends where no letter follows it, not at a word boundary: there is none between
# "h" and "3" in "1h30m", which was read as 30 minutes (and "1d2h" as 120). "5 ms" and "18 months"
# are no durations in minutes: no unit is followed by a letter.
_UNIT_MINUTES = {"d": 1440.0, "h": 60.0, "m": 1.0, "s": 1 / 60}
# the German units, each by the English unit it is ("1 Std. 25 Min.", "2 Stunden und 30 Minuten", "1,5 Std."): a
# German write-up's Duration was refused with a note that "1 Std." is no unit read
_GERMAN_UNITS = {"tag": "d", "tage": "d", "tagen": "d", "std": "h", "stunde": "h", "stunden": "h", "stdn": "h"}
_GERMAN_UNITS |= {"minute": "m", "minuten": "m", "sek": "s", "sekunde": "s", "sekunden": "s"}
_GERMAN = "|".join(sorted(_GERMAN_UNITS, key=len, reverse=True))
# a one-letter unit only in lower case: "4M requests" is no 4 minutes
_UNIT_WORD = rf"(?i:{_GERMAN}|days?|hours?|hrs?|minutes?|mins?|seconds?|secs?)|[dhms]"
# A decimal comma: before a German unit with any digits ("1,5 Std.", "1,500 Std."), before any unit with one or two
# ("1,5 hours", "2,25 h": they were 300 and 1,500 minutes, the "1," dropped unsaid); three digits before an English
# unit are no decimals ("1,500 minutes" is 500 of them, as before). Each lookahead is bounded: linear.
_DURATION_UNIT = (
    rf"(\d+(?:\.\d+|,\d+(?=[ \t]*(?i:{_GERMAN})(?![A-Za-z]))|,\d\d?(?=[ \t]*(?:{_UNIT_WORD})(?![A-Za-z]))"
    rf"|(?:,\d{{3}}){{1,2}}(?=[ \t]*(?:{_UNIT_WORD})(?![A-Za-z])))?)\s*"
    rf"({_UNIT_WORD})(?![A-Za-z])"
)


def _unit(word: str) -> str:
    """The key in _UNIT_MINUTES of a unit as written: "hours", "h", "Std", "Minuten" ("Stunden" is no second)."""
    word = word.lower()
    return _GERMAN_UNITS.get(word, word[0])


def _number(text: str, unit: str) -> float:
    """A duration's number: a decimal comma ("1,5 Std.", "1,5 hours"), but three digits after a comma before an
    English unit group thousands ("1,500 minutes" was read as 500: the "1," dropped; at most two groups, so a long
    run of them stays linear)."""
    if unit.lower() not in _GERMAN_UNITS and re.fullmatch(r"\d+(?:,\d{3})+", text):
        return float(text.replace(",", ""))
    return float(text.replace(",", "."))


# from a number's first digit only: a match inside one is a match from its start too, and tried from each digit of
# a long number no unit follows it took time growing with its square ("1" 50,000 times then "a": minutes)
DURATION_PART = re.compile(r"(?<!\d)" + _DURATION_UNIT)
# the next part of a compound duration: "1h 30m", "1 hour, 30 minutes", "1 hour and 30 minutes", "1 hr. 25 min."
# (a unit's abbreviating dot stopped the reading: 60)
_DURATION_NEXT = re.compile(r"\.?(?:[ \t]*,)?[ \t]*(?:(?:and|und)[ \t]+)?" + _DURATION_UNIT)
# a bare number straight after an hours part is its minutes: "1h25" (was 60), "2h05"
_HOURS_MINUTES = re.compile(r"([0-5]?\d)(?![\d.:,]?\d)(?![A-Za-z])")
# a number and a word before a duration's first part that no unit of ours is: "1 Std. 25 Min." was 25 minutes,
# the hours' part unread; such a value is refused whole (unknown_unit)
# (a number's first digit only: tried from each digit of a long one, it took time growing with its square)
_UNKNOWN_BEFORE = re.compile(r"(?<![\d.,])(\d+(?:[.,]\d+)?[ \t]*[^\W\d_]+\.?)[ \t,]*(?:and[ \t]+|und[ \t]+)?$")
# not an offset's hours ("09:00 GMT-05:00" was a duration of 300 minutes, "10:00 UTC-11:00" of 660)
CLOCK = re.compile(r"(?<![\d:.])(?<!UTC[+-])(?<!GMT[+-])(?<!UT[+-])(\d{1,3}):([0-5]\d)(?::([0-5]\d))?(?![\d:])")
# "14:02–14:49": a time range, read as the time between
CLOCK_RANGE = re.compile(r"[ \t]*(?:-{1,2}|–|—|to|until|till|and)[ \t]*", re.I)
# "10:30 pm", "09:12 UTC": a time of day, not a duration
_TIME_OF_DAY = re.compile(r"[ \t]*(?:(?i:[ap]\.?m\b|utc\b|gmt\b|z\b)|[A-Z]{1,4}T\b|[+-]\d{2}:?\d{2}\b)")


@dataclass(frozen=True)
class Duration:
    """A duration read from text: minutes, the words read, and ``note`` when the reading is one of
    several ("45 mins (detection 12m)": the first is the duration, the rest are other measures)."""

    minutes: int
    words: str
    note: str | None = None


def _clock_minutes(m) -> float:
    return int(m.group(1)) * 60 + int(m.group(2)) + int(m.group(3) or 0) / 60


def _clock_at(text: str, m) -> tuple[float, int, str] | None:
    """(minutes, end, how) of an H:MM[:SS] match: a duration ("1:10"), the time between the two ends
    of a range ("14:02–14:49", over midnight too), or None for a time of day ("09:12 UTC")."""
    sep = CLOCK_RANGE.match(text, m.end())
    other = CLOCK.match(text, sep.end()) if sep else None
    if other:
        minutes = (_clock_minutes(other) - _clock_minutes(m)) % 1440
        return minutes, other.end(), f"the time from {m.group(0)} to {other.group(0)}"
    if _TIME_OF_DAY.match(text, m.end()):
        return None
    return _clock_minutes(m), m.end(), ""


def _units_at(text: str, m) -> tuple[float, int]:
    """(minutes, end) of the compound duration starting with the part ``m``: each next part in a
    smaller unit ("1d2h", "1h 30m", "1 hour and 30 minutes"); "30m 1h" is two durations."""
    total, end = _number(m.group(1), m.group(2)) * _UNIT_MINUTES[_unit(m.group(2))], m.end()
    unit = list(_UNIT_MINUTES).index(_unit(m.group(2)))
    while (nxt := _DURATION_NEXT.match(text, end)) and list(_UNIT_MINUTES).index(_unit(nxt.group(2))) > unit:
        unit = list(_UNIT_MINUTES).index(_unit(nxt.group(2)))
        total, end = total + _number(nxt.group(1), nxt.group(2)) * _UNIT_MINUTES[_unit(nxt.group(2))], nxt.end()
    if unit == 1 and (bare := _HOURS_MINUTES.match(text, end)):  # "1h25": the hours' minutes
        total, end = total + int(bare.group(1)), bare.end()
    return total, end


def unknown_unit(text: str) -> str | None:
    """The words of a number and a unit not ours just before ``text``'s first duration ("1 Std." of "1 Std. 25
    Min."), or None: the duration read after them would be the whole value's part, not the whole."""
    first = next(_durations(str(text or "")), None)
    if first is None:
        return None
    m = _UNKNOWN_BEFORE.search(str(text)[: first[1]])
    return m.group(1) if m else None


def _durations(text: str, start: int = 0):
    """Each duration expression in ``text`` from ``start``: (minutes, start, end, how)."""
    at, unit, clock = start, None, None
    while at < len(text):
        # each searched again only once passed (False: none is left): searched from each duration, a kind none
        # of the rest holds had the rest read again each time ("1h" 25,000 times, no clock: 74 s)
        if unit is None or (unit and unit.start() < at):
            unit = DURATION_PART.search(text, at) or False
        if clock is None or (clock and clock.start() < at):
            clock = CLOCK.search(text, at) or False
        if clock and (not unit or clock.start() < unit.start()):
            read = _clock_at(text, clock)
            if read is not None:
                yield read[0], clock.start(), read[1], read[2]
            at = read[1] if read else clock.end()
        elif unit:
            minutes, end = _units_at(text, unit)
            yield minutes, unit.start(), end, ""
            at = end
        else:
            return


def read_duration(text: str, *, at_start: bool = False) -> Duration | None:
    """The first duration written in ``text`` (every part of a compound one: "1d2h", "1h30m",
    "1 hour 30 minutes", "90 min"; "1:10", "01:10:00"; a range of times "14:02–14:49"), or None.
    Only the first is read: "45 mins (detection 12m)" is 45, where all of them were summed (57).
    ``at_start``: only one that starts the text (after spaces)."""
    found = _durations(str(text or ""))
    first = next(found, None)
    if first is None or (at_start and str(text)[: first[1]].strip()):
        return None
    minutes, start, end, how = first
    words = str(text)[start:end]
    others = [str(text)[s:e] for _, s, e, _ in found]
    notes = [how] if how else []
    if others:
        notes.append(f"the first of the durations in {' '.join(str(text).split())[:120]!r}; not {', '.join(others)}")
    return Duration(int(round(minutes)), words, "; ".join(notes) or None)
