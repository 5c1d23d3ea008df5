"""Small readers for the prose of postmortems: dates written every way people write them,
titles (never a template placeholder), status words and ticket references.

Used by ``postmortem.parse`` and ``action_items``; nothing here knows about the KB.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re

from recur.ingest.pm_markup import drop_html_comments

_MON = {
    m: n
    for n, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        1,
    )
    for m in names
}
_MONTH = (
    r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# (regex, order of the groups: y m d / m d y / d m y), tried everywhere in a text; the earliest match wins
# 31/03/2026 or 03/31/2026: read only when one order alone makes a date (03/04/2026 is not read)
SLASH_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")
DATE_FORMS = [
    (re.compile(r"(?<![\d-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d])"), "ymd"),
    (re.compile(r"(?<![\d/])(\d{4})/(\d{1,2})/(\d{1,2})(?![\d/])"), "ymd"),
    (re.compile(r"(?<![\d.])(\d{4})\.(\d{2})\.(\d{2})(?![\d.])"), "ymd"),
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I), "mdy"),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(\d{{4}})\b", re.I), "dmy"),
    (re.compile(rf"(?<![\w-])(\d{{1,2}})-{_MONTH}-(\d{{4}})(?![\w-])", re.I), "dmy"),  # 3-Mar-2026 (Oracle, Excel)
    (SLASH_DATE, "slash"),
    (re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d.])"), "dmy."),  # 04.03.2026: day first (de, fr, ru)
]
PLACEHOLDER = re.compile(
    r"^\s*(\[[^\]]*\]|<[^>]*>|\{\{?[^}]*\}?\}|_{3,}|\.{3,}|…|x{3,}|tbd|todo|n/?a|"
    r"title|incident title|incident name|postmortem title|name of (?:the )?incident|"
    r"short description|your title here|title here)\s*$",
    re.I,
)
TITLE_PREFIX = re.compile(
    r"^(?:post-?mortem|incident(?:\s+(?:report|review|post-?mortem))?|post-incident review|"
    r"pir|rca|root cause analysis|retrospective)\s*(?:(?:for|of)\s*)?[:—–-]{1,2}\s*",  # "--": pandoc's en dash
    re.I,
)
TITLE_SUFFIX = re.compile(
    r"(?<!\s)\s*(?:[:—–-]\s*)?(?:post-?mortem|incident report|post-incident review|rca)"
    r"(?:\s*\([^)]*\))?\s*$",
    re.I,
)

TICKET = re.compile(
    r"\b[A-Z][A-Z0-9]+-\d+\b|\b(?:bug|issue|ticket|b)\s*[/#]?\s*\d{3,}\b|"
    r"https?://\S+/(?:issues|pull|browse|tickets?|bugs?)/[\w-]+|(?<![\w&])#\d+\b",
    re.I,
)
_DONE = r"done|complete[d]?|fixed|closed|resolved|finished|shipped|✅|✔️?|☑️?|\[x\]"
_PROGRESS = r"in[- ]progress|wip|ongoing|started|in[- ]review"
_OPEN = r"todo|to[- ]do|open|not started|planned|pending|backlog|❌|⬜|\[ \]"
_STATUS_ONLY = re.compile(rf"^\W*(?:status\s*:\s*)?({_DONE}|{_PROGRESS}|{_OPEN})\W*$", re.I)
_STATUS_MARK = re.compile(
    r"(?:^|(?<=\s)|(?<=\())(?:\*\*|__|\[)?(DONE|TODO|IN[- ]PROGRESS|WIP|✅|✔️?|☑️?|❌|⬜)"
    r"(?:\*\*|__|\])?(?=\s|$|[:).,])",
    re.I,
)


def _slash_readings(a: str, b: str, year: str) -> list[dt.date]:
    """The dates day/month/year and month/day/year readings of "a/b/year" make (one, two or none)."""
    out = []
    for day, month in ((a, b), (b, a)):
        with contextlib.suppress(ValueError):  # 31/03 read month-first is no date
            out.append(dt.date(int(year), int(month), int(day)))
    return sorted(set(out))


def ambiguous_date(text: str) -> list[dt.date]:
    """The two readings of the first slash date in ``text`` whose day/month order cannot be told
    ("03/04/2026": 3 April or 4 March), or [] when there is none."""
    m = SLASH_DATE.search(str(text or ""))
    readings = _slash_readings(*m.groups()) if m else []
    return readings if len(readings) == 2 else []


def _mk(form: str, groups) -> dt.date | None:
    a, b, c = groups
    if form == "slash":
        readings = _slash_readings(a, b, c)
        return readings[0] if len(readings) == 1 else None
    try:
        if form == "ymd":
            return dt.date(int(a), int(b), int(c))
        if form == "mdy":
            return dt.date(int(c), _MON[a.lower()[:3]], int(b))
        if form == "dmy.":
            return dt.date(int(c), int(b), int(a))
        return dt.date(int(c), _MON[b.lower()[:3]], int(a))
    except (ValueError, KeyError):
        return None


def find_date(text: str) -> tuple[dt.date | None, str | None]:
    """The first date written in ``text`` (ISO, 2023/07/19, "July 19, 2023", "19th July 2023"):
    (date, the words as written), or (None, None)."""
    best = None
    for rx, form in DATE_FORMS:
        for m in rx.finditer(text or ""):
            day = _mk(form, m.groups())
            if day is not None and 1970 <= day.year <= 2100:
                if best is None or m.start() < best[0]:
                    best = (m.start(), day, m.group(0))
                break
    return (best[1], best[2]) if best else (None, None)


def parse_date(text) -> dt.date | None:
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    return find_date(str(text))[0] if text is not None else None


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


def clean_title(text: str | None) -> str | None:
    """A heading as a title: "Postmortem: X" -> "X", "X Postmortem (incident #465)" -> "X"; None for placeholders."""
    if text is None:
        return None
    t = re.sub(r"[*_`]+", "", str(text)).strip()
    t = TITLE_PREFIX.sub("", t).strip()
    t = TITLE_SUFFIX.sub("", t).strip() or t
    return None if is_placeholder(t) or is_placeholder(strip_placeholders(t)) else t


def status_of(text: str) -> tuple[str | None, str]:
    """(status, text without the status word): "done" / "in-progress" / "open", or None when none is said."""
    t = text.strip()
    m = _STATUS_ONLY.match(t)
    if m:
        return _kind(m.group(1)), ""
    m = _STATUS_MARK.search(t)
    if m:
        rest = (t[: m.start()] + " " + t[m.end() :]).strip(" -–—:|")
        return _kind(m.group(1)), re.sub(r"\s{2,}", " ", rest).replace("()", "").strip()
    return None, t


def _kind(word: str) -> str:
    w = word.lower().strip("*_")
    if re.fullmatch(_DONE, w, re.I):
        return "done"
    if re.fullmatch(_PROGRESS, w, re.I):
        return "in-progress"
    return "open"


def ticket_of(text: str) -> str | None:
    m = TICKET.search(text or "")
    return m.group(0).strip() if m else None
