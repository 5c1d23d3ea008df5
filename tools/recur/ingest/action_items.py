"""Action items of a postmortem, from Markdown tables and lists, as follow-ups.

Each item is ``{title, status, owner, due, ticket}``, and ``cancelled`` (won't do), ``blocked`` (the
blocked marker as written: the item is open) or ``due_unread`` (a due date written in no way we read)
when they apply; status is ``done`` or ``open`` (the KB
format's follow-up states: "in progress" is still open). Status words (DONE, TODO, in progress, ✅) are
taken out of the title where a status is written (a column, a cell, a marker at either end of the item:
``pm_text.status_of``), never from inside it ("Get it done" stays open); ticket references wherever they are.
"""

from __future__ import annotations

import datetime as dt
import re

from recur.ingest.pm_markup import table_cells
from recur.ingest.pm_text import (
    BLANK_FIELD,
    LOWER,
    MONTH_NAME,
    PROSE_TICKET,
    TICKET,
    UPPER,
    ambiguous_date,
    day_of_month,
    either_way,
    field_status,
    find_date,
    full_year,
    is_placeholder,
    is_ticket,
    month_day,
    parse_date,
    prose_ticket,
    slash_date,
    slash_dates,
    status_of,
    strip_placeholders,
    ticket_of,
    unescape,
)
from recur.kb.schema import CANCEL_WORDS, RESOLVED_UNDONE_WORDS
from recur.util.text import has_text, one_line

# a task box: "[ ]" open, "[x]" done; "[-]", "[~]", "[/]" (Obsidian's and org-mode's cancelled, started or partial
# boxes) are not done and are read as open, the box out of the title (it stayed in it: found in review)
LIST_ITEM = re.compile(r"^(\s*)(?:[-*+•]|\d+[.)])\s+(?:\[([ xX✓~/-])\]\s*)?(.*)$")
_TITLE_COLS = (
    "action item",
    "action",
    "item",
    "task",
    "description",
    "title",
    "what",
    "corrective action",
    "follow-up",
    "follow up",
    "remediation",
    "summary",  # a Jira issue table: "Jira | Summary | Assignee | Due date | Status" (the issue key was the title)
    # a German or Japanese postmortem's ("| Maßnahme | Verantwortlich | Fällig |", "| 対策 | 担当 | 期限 |")
    *("maßnahme", "massnahme", "aufgabe", "対策", "タスク"),
)
_TICKET_COLS = ("bug", "ticket", "issue", "jira", "tracking", "link", "reference", "ref", "pr")
_OWNER_COLS = ("owner", "assignee", "who", "responsible", "assigned", "verantwortlich", "zuständig", "担当者", "担当")
_OWNER_COLS += ("wer",)  # "| Maßnahme | Wer | Bis wann |": German's "who" column gave no owner
# the names of a due column, read by prefix (_col); postmortem's review columns read this tuple too, so a table no
# incident date is taken from and a table follow-ups' dates are read from agree ("Due by", "Fällig bis" were
# read as follow-ups' dates and still dated the incident). No "date": a timeline's "| Date |" column is the incident's
DUE_NAMES = ("due", "deadline", "target", "eta", "by when", "bis wann")
DUE_NAMES += ("fällig", "fälligkeit", "frist", "termin", "期限", "期日")
_DUE_COLS = (*DUE_NAMES, "date")
_STATUS_COLS = ("status", "state", "done", "progress")
# a column of the day each item was done ("Completed", "Done on", "Date completed"); a "Done" status
# column holding a date says so too (from_table). Not "Completion date": as often the day it is planned for.
# Jira's "Resolved" ("Resolved date", "Resolution date"): the day of a Jira table's done issue was left out
_DONE_COLS = ("completed", "date completed", "date done", "done on", "done date", "date closed",
              "closed on", "finished", "resolved", "resolution date")  # fmt: skip


def _alternatives(words) -> str:
    """``words`` (kb.schema's, the one list `recur check` takes too) as one regex group: each escaped, its
    apostrophe optional, straight or curly, a space one or more; the longest first, to read the whole word."""
    pieces = (re.escape(w).replace("'", "[’']?").replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return f"(?:{'|'.join(pieces)})"


# a status that says the item will not be done: a follow-up closed undone (resolution wont-do), never an open one
_CANCEL_WORDS = _alternatives(CANCEL_WORDS)
# Jira's resolutions that close an issue undone, as a status: "Duplicate" was recorded an open follow-up
# with its due date, overdue on the board. Only a status: "Merge the duplicate alerts" keeps its words
_RESOLVED_UNDONE = _alternatives(RESOLVED_UNDONE_WORDS)
CANCELLED = re.compile(rf"^\W*(?:{_CANCEL_WORDS}|{_RESOLVED_UNDONE})\W*$", re.I)
STRUCK = re.compile(r"^\s*~~(.+?)~~\s*$")
# A cancel marker written in a list item's own text, where no status column holds it: "Move X (won't
# do)", "Move X (won't do: too costly)", "Add an alert — Won't do", "[Cancelled] Move X", "Won't do: Move
# X". The marker is the whole bracket ending the item, the end after a dash, or the start before a colon
# or dash, so "Retry cancelled jobs", "Dropped connections: add a retry" and "Remove the (obsolete) v1
# endpoint" keep their words (a bracket mid-title cancelled that last one: found in review). Group "why":
# the reason, spaces after it and all (the caller strips them). A match never starts inside a run of
# spaces ("(?<!\s)": it would start at the run's first), and the reason is read greedily, not lazily
# before "\s*": either way each space of a run was tried as a start or an end, and a list item with
# 5,000 spaces (a table pasted from HTML) took seconds, its time growing with the square of the run.
_EM = r"(?:\*\*|__|\*|_)?"
_CANCEL_MARK = re.compile(
    rf"(?<!\s)\s*[(\[]{_EM}{_CANCEL_WORDS}{_EM}(?:\s*[:,;–—-]\s*(?P<why>[^()\[\]]*)|\s*)[)\]]\s*$"
    rf"|(?<!\s)\s+[-–—]+\s*{_EM}{_CANCEL_WORDS}{_EM}(?:\s*[:,;–—-]\s*(?P<why2>.*)|\s*)$"
    rf"|^\s*(?:[(\[]{_EM}{_CANCEL_WORDS}{_EM}[)\]]|{_EM}{_CANCEL_WORDS}{_EM}\s*[:–—-])\s*",
    re.I,
)
# A blocked item, "Rotate the key — Blocked — SEC-9", "[blocked] Rotate the key", "Blocked: Rotate the key",
# "Rotate the key (blocked on legal)": no follow-up status says blocked, and it is still to do, so it is open; the words
# stayed in its title, which then named another follow-up than the same item unblocked (the next import
# of the edited postmortem called it gone and a new one added). They are taken out and said in the
# import's notes (``blocked``: the words as written), as no field of the format holds them. A marker is
# a bracket ending or starting the item (a dash-led tail after it at most), a field between dashes or
# ending the item after one, or the start before a colon or dash: "Unblock blocked deploys", "Blocked
# requests: add a retry" and "Remove the (blocked) list" keep their words, as a cancel marker's rule.
# Bold says a status as a colon does: "**Blocked** waiting on vendor" after the title (after a dash or a
# sentence's end, or capitalised: "Rotate the **blocked** certs" keeps its word), or leading it before the
# title, was kept in the title, as "Blocked: …" was not (found in review). Its words end on a non-space
# (or are none), in "— Blocked: …" too: tried lazily up to each space of a run, the end test scanned the
# rest of the run each time ("— blocked: a", 80,000 spaces, "b" took 286 s; quadratic). A run of spaces
# before the end or a dash is never the words' end: the end test passes at the run's first space
_BOLD = r"(?:\*\*|__)"
_BLOCKED_WORDS = rf"{_EM}blocked{_EM}(?:\s*[:,;]\s*|\s+(?:on|by|until|pending)\s+)?"
_BLOCKED_MARK = re.compile(
    rf"(?<!\s)\s*[(\[](?P<b>{_BLOCKED_WORDS}[^()\[\]]*)[)\]](?=\s*$|\s+[-–—]+\s)"
    rf"|^\s*[(\[](?P<s>{_BLOCKED_WORDS}[^()\[\]]*)[)\]]\s*"
    rf"|(?<!\s)\s+[-–—]+\s*(?P<d>{_BLOCKED_WORDS}(?<=[:,;\s])(?:[^–—|]*?[^\s–—|])??|{_EM}blocked{_EM})(?=\s+[-–—]+\s|\s*$)"
    rf"|^\s*(?P<l>{_EM}blocked(?:{_EM}\s*:|\s*:{_EM}|{_EM}\s+[-–—]+|{_BOLD}(?=\s)))\s*"
    rf"|(?<!\s)(?:(?:\s+[-–—]+|[.;,])\s+|\s+(?={_BOLD}(?-i:B)))(?P<w>{_BOLD}blocked(?::?{_BOLD}|{_BOLD}\s*:)(?:\s+(?:[^–—|()\[\]]*?[^\s–—|()\[\]])?)?)(?=\s+[-–—]+\s|\s*$)",
    re.I,
)
# a status column or field that says blocked: "Blocked", "Blocked on the vendor"
_BLOCKED_FIELD = re.compile(r"^\W*blocked\b", re.I)


def _blocked(title: str, status_text: str) -> tuple[str | None, str]:
    """(the blocked marker as written, or None; ``title`` without it)."""
    m = _BLOCKED_MARK.search(title)
    if m is None:
        return (_plain(status_text) if _BLOCKED_FIELD.match(status_text) else None), title
    said = _plain(next(g for g in m.group("b", "s", "d", "l", "w") if g)).strip(" *_:–—-")
    return said, (title[: m.start()] + " " + title[m.end() :]).strip()


# "~~Rewrite the session layer~~ too costly": a struck title followed by why it was struck
_STRUCK_LEAD = re.compile(r"^\s*~~(?P<title>[^~]+?)~~(?P<why>.*)$")


# "~~Move sessions to Postgres~~ rejected in review": the reason written plain after the struck title, no
# bracket or dash before it, starts with a word that says it will not be done (the item stayed open, "~~"
# in its title); "~~Upgrade~~ Replace the cache client" is a correction, its words the new title. kb.schema's
# lists (kept twice, "Rejected" had closed a struck item, not a Status cell), and lead words only a reason opens
# with: "not", "no longer", "won't", "replaced"
_STRUCK_LEAD_WORDS = (*CANCEL_WORDS, *RESOLVED_UNDONE_WORDS, "not", "no longer", "won't", "replaced")
_STRUCK_WHY = re.compile(rf"(?i:{_alternatives(_STRUCK_LEAD_WORDS)})\b")


def _col(header: list[str], names) -> int | None:
    """The first column whose header starts with one of ``names`` as a whole word (a plural too):
    "Due date" is a due column, but "Priority" is not a "pr" (pull request) column."""
    for n, h in enumerate(header):
        if any(re.match(rf"{re.escape(name)}s?(?!\w)", h) for name in names):
            return n
    return None


def due_column(name: str) -> bool:
    """Whether a table's header cell ``name`` (lower case) names a due column as from_table reads one (DUE_NAMES, by
    prefix: "Due by", "Target", "Fällig bis"); the postmortem blanks these cells before dating the incident."""
    return _col([name], DUE_NAMES) == 0


def _plain(text: str, keep_struck: bool = False) -> str:
    marks = r"(\*\*|__|`)" if keep_struck else r"(\*\*|__|`|~~)"
    return re.sub(r"\s{2,}", " ", re.sub(marks, "", text)).strip()


# An owner or due date written in an item's text: "(owner: Pat Smith, due: Dec 20, 2026)", "— Owner:
# Jo Lee — Due: 12/18/2026", "(Priya, by 2026-12-07)". A value runs to the next separator (a comma for
# an owner, " — ", ";", a bracket) or the next label; a name has spaces ("Pat Smith" was read "Pat").
# "owner: Pat", and "owner @lee" without the colon (the mention says it is a name)
# German's and Japanese's labels too, with a full-width colon: "(Verantwortlich: Jürgen Groß, Fällig: 1. Dezember 2026)",
# "(担当: 佐藤 花子、期限：2026-12-20)" were kept in the title, no owner and no due date read
_OWNER_WORDS = r"owner|assignee|assigned to|verantwortlich|zuständig|担当者?"
_OWNER_LABEL = re.compile(rf"\b(?:{_OWNER_WORDS})\s*(?:[:=：]\s*|(?=@))", re.I)
# German's and Japanese's due labels, a field only with a colon after them (as "target"): "Frist verlängern" is a title
_DUE_WORDS = r"fällig|frist|期限|期日"
# what is left of a bracket or a tail once its owner and due date are read: labels, mentions, separators
_LEFTOVER = re.compile(
    rf"@[\w.-]+(?:/[\w.-]+)?|\b(?:{_OWNER_WORDS}|due(?:\s+date)?|deadline|target(?:\s+date)?|eta|by|{_DUE_WORDS})\b"
    r"|[\s,;:=–—、：-]+",
    re.I,
)
# a team mention "@acme/platform-team" is one owner, the whole handle (it was "acme")
_MENTION = re.compile(r"(?<![\w.])@([\w.-]+(?:/[\w.-]*[^\W_])?)")
# "due to the freeze" is no due date; "by" names one only when a date follows it ("by default")
# "(target: Dec 19)", "target date: 2026-12-19": a target is a due date when a colon says it is a field
# ("Target 99.9% availability" is a title)
_WHEN = rf"(?i:(?:mon|tue|wed|thu|fri|sat|sun)|{MONTH_NAME})"  # a date's first word, after "ETA:"
_DUE_LABEL = re.compile(
    rf"\b(?:(due)(?:\s+date)?(?!\s+to\b)|deadline|target(?:\s+date)?(?=\s*[:=])|eta(?=\s*[:=]\s*(?:\d|{_WHEN}))|(by)"
    rf"|(?:{_DUE_WORDS})(?=\s*[:=：]))\b\s*(?:([:=：])\s*)?",
    re.I,
)  # "— ETA: Dec 1, 2026" with its colon too (a table's ETA column was read, the item's words were not)
_VALUE_END = re.compile(
    r"(?<!\s)\s+[-–—]+(?:\s|$)|[;()\[\]]"
    rf"|\b(?:owner|assignee|verantwortlich|zuständig|担当者?|due(?:\s+date)?|deadline|target(?:\s+date)?|eta|{_DUE_WORDS})\s*[:=：]",
    re.I,
)
_WEEKDAY = re.compile(r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.I)
# "(Priya, by 2026-12-07)": the bracket's other words are its owner only when they are a name alone
_NAME = re.compile(rf"@[\w.-]+|[{UPPER}][{LOWER}][\w.'’-]*(?:\s[{UPPER}][{LOWER}][\w.'’-]*){{0,2}}")
# a bracket that says who or which ticket, in no form read above: dropped from the title, as before
# a ticket's label in a bracket of fields, "ticket: PAY-78", "Jira: OPS-1": the ticket is read from the whole title
_TICKET_LABEL = re.compile(r"\b(?:tickets?|jira|issues?|bugs?|tracked[ \t]+in)\b[ \t]*[:=#]?", re.I)
_BRACKET_META = re.compile(r"\bowner\b|@", re.I)  # or a ticket (prose_ticket): "(AES-256)" says neither


# incident.io's follow-ups: "Restore the IAM policy — **Sam Okafor** — ENG-4411": a bold name between
# dashes (or after the last) is the owner; "— *Unassigned*" says there is none. Both stayed in the title.
_DASH_OWNER = re.compile(
    rf"\s[-–—]+[ \t]*(\*\*|__)([{UPPER}][\w.'’-]*(?:[ \t][{UPPER}][\w.'’-]*){{0,3}})\1(?=[ \t]*(?:[-–—]|$))"
)
_NO_OWNER_WORDS = r"unassigned|unowned|no owner|nobody"
# an owner field (a column, a label, a People field) that names no one, in emphasis or not ("*Unowned*"): the
# marks, and words a title may end in after a dash ("Find the root cause — unknown"), read in a field only.
# "None", "Unknown", "Not assigned", "N / A" were recorded as owners, of follow-ups and of the review (found in
# a re-read): one list for both readers (_ownerless)
_NO_OWNER = re.compile(
    rf"([*_]{{0,2}})(?:{_NO_OWNER_WORDS}|none|unknown|not(?:[ \t]+yet)?[ \t]+assigned|n[ \t]*/[ \t]*a)\1", re.I
)
# "— *Unassigned*" after a dash only: "Find out why alerts were unassigned" keeps its last word
_DASH_NO_OWNER = re.compile(rf"\s[-–—]+[ \t]*([*_]{{0,2}})(?:{_NO_OWNER_WORDS})\1(?=[ \t]*(?:[-–—]|$))", re.I)
# bold words that say how urgent or how far along, not who
_NOT_A_NAME = re.compile(r"(?:blocked|critical|urgent|high|medium|low|p\d|sev\d|optional|stretch|new)", re.I)


# Confluence's and Jira's task lines end "… @Marta Nowak 2026-12-01", "… @anna.k": the mention (a name
# of up to 3 capitalised words) is the owner and the date after it the due date; a word that makes the
# mention part of the sentence ("Escalate to @Sam") keeps it in the title
_TRAIL_NAME = re.compile(rf"(?:[ \t]+[{UPPER}][{LOWER}][\w.'’-]*){{0,2}}")
_MENTION_IN_SENTENCE = re.compile(
    r"\b(?:to|with|for|from|by|and|or|of|via|ask|ping|tell|notify|cc|page|thank)\s*$", re.I
)

# what a separator leaves at the end of the text before a field taken out: "…, " "… — ". Patterns that
# begin with a run of spaces start at a run's first space only ("(?<!\s)"; the first is where a match
# would start): tried at every space of a run they took time growing with the square of its length.
_SEP_END = re.compile(r"(?<!\s)(?:\s*[,;]|\s+[-–—]+)?\s*$")
# "(owner: @sam)", "[runbook]": a bracket and the spaces before it; CJK text's full-width （ ） too (its fields
# were read and the brackets left in the title: "ディスク監視を追加する（ 、 ）", found in review)
_BRACKET = re.compile(r"(?<!\s)\s*[(\[（]([^()\[\]（）]*)[)\]）]")
# "— @ana, @bob": the mentions after the owner read, ending a title (_strip_mentions_end); what the
# pattern ``(?<!\s)(?:\s*[,;]\s*@[\w.-]+)+\s*$`` took off, read from the end: that regex retried the whole
# run of mentions from each one's start, and 4,000 of them took 1.3 s
_HANDLE = re.compile(r"@[\w.-]+(?:/[\w.-]*[^\W_])?")


def _strip_mentions_end(title: str) -> str:
    """``title`` without the ``, @name`` / ``; @name`` run ending it (and the spaces around it)."""
    end, cut = _spaces_before(title, len(title)), None
    while True:
        at = title.rfind("@", 0, end)
        if at < 0 or not _HANDLE.fullmatch(title, at, end):
            break
        head = _spaces_before(title, at)
        if not head or title[head - 1] not in ",;":
            break
        cut = head - 1  # the separator's place: the next mention ends before it
        end = _spaces_before(title, cut)
    return title if cut is None else title[: _spaces_before(title, cut)]


def _spaces_before(text: str, end: int) -> int:
    """Where the run of white space ending at ``end`` starts (``text[:end].rstrip()``'s length, no copy)."""
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


# a mention leading an item as its owner, with a colon after it or in bold: "@alice: Rotate the certs"
# kept "@alice:" in the title; "@alice to rotate the certs" is a sentence, read by _owner as before. A run of them,
# "@lee, @kim: Rotate the certs", is the owner field (people_named): "@kim:" was the title's, kim unsaid
_LEAD_MENTION = re.compile(
    r"^\s*(\*\*|__)?(@[\w.-]+(?:[ \t]*[,;][ \t]*@[\w.-]+)*)(?:\1(?:\s*:)?|\s*:(?:\*\*|__)?|:\1)\s+(?=\S)"
)
_STRUCK_MENTION = re.compile(r"(?<!\S)~~@[\w.-]+~~(?!\S)")
_OWNER_LABEL_END = re.compile(r"(?:^|(?<=[,;(\[])|(?<=[-–—]\s))\s*(?:owner|assignee|assigned to)\s*[:=]?\s*$", re.I)
_OWNER_LIST = re.compile(rf"@[\w.-]+(?:[ \t]+[{UPPER}][\w.'’-]*){{0,2}}\s*(?:[,;&/+]|\band\b)\s*$")


# a day written with no year after a mention's "due" or "by": "@kwame-mensah by 12/12", "@ana due Dec 12"
# ("by 12/12" stayed in the title, its due date unsaid, where "due 12/12" was read); "12/12" is a day
# either way round, which month_day leaves to its caller
_SHORT_DAY = re.compile(r"\d{1,2}/\d{1,2}")


def _trailing_mention(title: str) -> tuple:
    """(owner, due, the due as written when it has no year, the title without them) of a mention ending
    ``title``, perhaps a date after it; (None, None, None, title) when the title does not end so."""
    m = next(reversed(list(_MENTION.finditer(title))), None)
    # "… @lee, @kim", "— @lee; @kim 2026-12-19": the last of a run of mentions, read from the run's first (the
    # owner field people_named splits); "@lee" was kept in the title, the date too after a dash. A list _owner
    # takes the first of, as it did: "@ana and @bob", "@Ana Ruiz, @bob"
    first = _mention_run_start(title, m.start()) if m else 0
    if m is None or _MENTION_IN_SENTENCE.search(title[:first]) or _OWNER_LIST.search(title[:first]):
        return None, None, None, title
    tail = title[m.end() :]
    more = _mention_words(title, m)
    for n in range(len(more.split()), -1, -1):  # "@Marta Nowak Nov 30, 2026": the longest name a date follows
        words = " ".join(more.split()[:n])
        rest = tail[tail.find(words) + len(words) if words else 0 :].strip(" \t,;.–—-")
        labelled = re.match(r"(?:due|by)\b\s*:?\s*", rest, flags=re.I)
        rest = rest[labelled.end() :] if labelled else rest
        day, said = find_date(rest) if rest else (None, None)
        unread = rest if labelled and (month_day(rest) or day_of_month(rest) or _SHORT_DAY.fullmatch(rest)) else None
        if not rest or (day is not None and said == rest) or unread:
            # "— owner @ana": the label went with its mention ("Rotate the certs — owner" was the title)
            head = _SEP_END.sub("", _OWNER_LABEL_END.sub("", title[:first]))
            last = " ".join([m.group(1), words]).strip()
            return (last if first == m.start() else f"{title[first : m.start()]}@{last}"), day, unread, head
    return None, None, None, title


def _mention_run_start(title: str, at: int) -> int:
    """Where the run of ``@handle, `` / ``@handle; `` before the mention at ``at`` starts (``at`` when none is), read
    from the end as _strip_mentions_end reads it."""
    start = at
    while (sep := _spaces_before(title, start)) and title[sep - 1] in ",;":
        end = _spaces_before(title, sep - 1)
        handle = title.rfind("@", 0, end)
        if handle < 0 or not _HANDLE.fullmatch(title, handle, end) or (handle and not title[handle - 1].isspace()):
            break
        start = handle
    return start


# "Add pool alert — Sam Okafor — 2026-12-19": the fields a list item ends with between dashes, as teams
# type incident.io's follow-ups with the name written plain (incident.io writes it bold). A plain name is
# read only in a tail of such fields with a date or a ticket beside it: "Rotate keys — all regions — by
# Friday" names no one, and "Move to Kafka Connect" is a title; words that say which, not who, are no name
# "Fix it — — Dec 19": a field left empty between two dashes is one separator (the date after it was
# kept in the title, "— Dec 19" read as no field)
_TAIL_SEP = re.compile(r"(?<![ \t])[ \t]+[-–—]+(?:[ \t]+[-–—]+)*[ \t]+")
_TAIL_LABEL = re.compile(r"^(?:due(?:[ \t]+date)?|deadline|by)\b[ \t]*:?[ \t]*", re.I)
_NOT_NAME_WORD = re.compile(r"(?:all|any|both|each|every|no|none|some|the|our|new|old|prod|staging|team)", re.I)
# words of a product, a component or a team's function, capitalised as names are: "— Grafana Cloud —",
# "— Postgres Pool — ENG-4411", "— Incident Review — OPS-12" were read as the follow-up's owner (found in review)
_THING_WORD = re.compile(
    r"(?:cloud|pool|review|reliability|service|platform|infra(?:structure)?|ops|security|legal|data|protection|"
    r"engineering|support|database|cluster|api|gateway|connect|network(?:ing)?|storage|billing|payments?|finance|"
    r"product|design|backend|frontend|mobile|web|core|release|on-?call|incident|server|queue|cache|proxy|"
    r"dashboard|pipeline|config|deploy(?:ment)?|monitoring|compliance|management|operations|group|squad|dept)s?",
    re.I,
)
# words that say when, how urgent or what kind, title-cased in a tracker's labels (none a common surname:
# "Long", "Short", "Holiday" are left out): "— Next Sprint —",
# "— Black Friday —", "— Tech Debt —", "— Nice To Have —", "— Follow Up —" were owners (found in review)
_LABEL_WORD = re.compile(
    r"(?:next|this|last|sprint|week|month|quarter|year|term|later|soon|asap|before|after|until|"
    r"launch|freeze|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|phase|milestone|"
    r"quick|debt|tech|nice|to|have|must|should|could|follow|up|needs?|owner|action|item|task|todo|"
    r"balancer|success|customer|priority|backlog|tbd|fix|bug|epic|story|spike)",
    re.I,
)


# A first name alone ("— Priya — Dec 19", "(Marco, OPS-12)") is an owner only beside a date or a ticket,
# and only when it is no word that is written as one: a product ("— Kafka — OPS-12" was a person), a
# status, a noun by its ending ("— Logging —", "— Performance —"), a verb a title starts with ("— Fix —")
# or another common word ("— Runbook —", "— Tomorrow —").
# Stems are long enough to leave names ending so: "Ming", "Lawrence", "Florence" are names.
_PRODUCT_WORD = re.compile(
    r"(?:kafka|redis|postgres(?:ql)?|mongo(?:db)?|mysql|mariadb|elastic(?:search)?|opensearch|kibana|logstash|"
    r"kubernetes|docker|helm|terraform|ansible|puppet|nginx|envoy|istio|consul|vault|nomad|grafana|prometheus|"
    r"datadog|sentry|splunk|jenkins|jira|confluence|slack|opsgenie|azure|cloudflare|fastly|akamai|linux|ubuntu|"
    r"debian|windows|android|java|python|node|golang|rust|spark|hadoop|airflow|celery|rabbit(?:mq)?|memcached?|"
    r"cassandra|zookeeper|etcd|argo|spinnaker|lambda|snowflake|bigquery|stripe|twilio|okta|heroku|redshift|"
    r"dynamo(?:db)?|aurora|kinesis|pulsar|flink|traefik|haproxy|varnish|chrome|safari|firefox|bazel|gradle|maven|"
    r"django|rails|flask|react|angular|spring|tomcat|gunicorn|uvicorn|sidekiq|loki|tempo|jaeger|zipkin|"
    r"honeycomb|bigtable|spanner|github|gitlab|bitbucket|buildkite|vercel|netlify|firebase|cloudfront|"
    r"cloudwatch|fargate|fluentd|calico|cilium|coredns|certbot|ingress|vitess|citus|pgbouncer|sqs|sns)",
    re.I,
)
_COMMON_WORD = re.compile(
    r"(?:add|fix|update|remove|rotate|migrate|move|create|check|improve|document|investigate|enable|disable|set|"
    r"write|test|monitor|alert|upgrade|downgrade|replace|deploy|audit|automate|increase|reduce|raise|lower|limit|"
    r"tune|backfill|patch|revert|rollback|restore|clean|cleanup|drop|split|merge|build|ship|run|rerun|retry|cap|"
    r"pin|bump|shard|scale|rename|refactor|rewrite|implement|introduce|ensure|verify|validate|confirm|track|log|"
    r"notify|escalate|train|share|publish|schedule|plan|assess|evaluate|define|draft|decide|expire|renew|"
    r"throttle|allow|deny|flag|gate|shed|warm|runbook|docs?|tests?|alerts?|logs?|metrics?|canary|"
    r"rollout|timeouts?|retries|backups?|certs?|unknown|someone|everyone|anyone|me|us|them|today|tomorrow|tonight)",
    re.I,
)
_NOUN_END = re.compile(
    r"(?:[a-z]{2,}(?:tion|sion|ment|ness|ity|ism|ship|ogy|ware)|[a-z]{3,}(?:ing|ic|age)|[a-z]{5,}(?:ance|ence))s?", re.I
)


def _lone_name(text: str) -> bool:
    """Whether ``text`` is one word that may be a person's first name (see _PRODUCT_WORD)."""
    return bool(
        _ONE_NAME.fullmatch(text)
        and status_of(text)[0] is None
        and not any(
            rx.fullmatch(text)
            for rx in (_PRODUCT_WORD, _COMMON_WORD, _NOUN_END, _NOT_A_NAME, _NOT_NAME_WORD, _THING_WORD, _LABEL_WORD)
        )
    )


_OWNER_WORD = re.compile(r"^(?:owner|assignee)[ \t]*[:=]?[ \t]*(?=\S)", re.I)
# "- Daniel, by Dec 11", "- Noor Ahmed, due 12/12": a name and a due date in one field after the last dash,
# as an email's list writes a follow-up's owner and date (both stayed in the title, the date said unread)
_NAME_THEN_DUE = re.compile(r"(?P<name>[^,]+),[ \t]*(?P<due>(?:by|due)\b.*)", re.I)


def _name_then_due(segment: str) -> list | None:
    """[("name", …), ("date", …)] fields of a dash tail's ``segment`` that is a name, a comma and a
    labelled date (_NAME_THEN_DUE), both as _tail_field reads them, else None."""
    m = _NAME_THEN_DUE.fullmatch(segment.strip())
    if m is None:
        return None
    name, day = _tail_field(m.group("name")), _tail_field(m.group("due"))
    return [name, day] if name[0] == "name" and day[0] == "date" else None


def _tail_field(segment: str) -> tuple:
    """("name" | "date" | "ticket", value, the due as written when it has no year) of a segment of a
    dash tail, or (None, None, None)."""
    plain = segment.strip()
    bold = re.fullmatch(r"(\*\*|__)(.+)\1", plain)
    text = bold.group(2).strip() if bold else plain
    if is_ticket(text):
        return "ticket", text, None
    dated = _TAIL_LABEL.sub("", text)
    day, said = find_date(dated)
    if day is not None and said == dated:
        return "date", day, None
    # "12/01/2026", either order a day: a due date said not read, the name before it read ("— Aiko Tanaka —
    # 12/01/2026" stayed whole in the title, no owner, from a Google Docs export)
    if month_day(dated) or day_of_month(dated) or (slash_date(dated, whole=True) and ambiguous_date(dated)):
        return "date", None, dated
    if dated != text and _SHORT_DAY.fullmatch(dated):  # "— by 12/12": a day either way round, labelled
        return "date", None, dated
    # "— - — TBD": an owner and a due date left to fill in, no words of the title; "- owner TBD" too
    # (a dash, Markdown's escaped one too, "TBD", "TBC", "N/A", "?": pm_text.BLANK_FIELD, PLACEHOLDER's part
    # for a field; not all of PLACEHOLDER, whose "[…]" and template words dropped "— [Dana]" from the title)
    blank = _OWNER_WORD.sub("", text, count=1).strip()
    if blank and re.fullmatch(rf"(?:{BLANK_FIELD})", blank.strip("*_`#: "), re.I):
        return "blank", None, None
    # "— @Tomás Ruiz — Dec 5, 2026 — SRCH-101": a mention says who, a full name after it too ("Tomás" was
    # read, "— @Tomás Ruiz" kept in the title: found importing an Atlassian-template postmortem)
    mention = re.fullmatch(r"@([\w.-]+|" + _FULL_NAME.pattern + ")", text)
    if mention and not _date_mention(text, re.match(r"@([\w.-]+)", text)):
        return "name", mention.group(1), None
    words = text.split()
    name = _FULL_NAME.fullmatch(text) or (bold and _ONE_NAME.fullmatch(text)) or _lone_name(text)
    if name and not any(
        _NOT_A_NAME.fullmatch(w) or _NOT_NAME_WORD.fullmatch(w) or _THING_WORD.fullmatch(w) or _LABEL_WORD.fullmatch(w)
        for w in words
    ):
        return "name", text, None
    return None, None, None


def _dash_tail(title: str, beside: bool = False, people: frozenset = frozenset()) -> tuple:
    """(owner, due, due without a year, the title without them) of the dash-separated fields ending
    ``title``: a name and a date or a ticket (or a status, ``beside``: one was taken out of the tail),
    or a name alone ending it that ``people`` holds (_alone_name); (None, None, None, title) when it
    does not end so."""
    seps = list(_TAIL_SEP.finditer(title))
    read, end = [], len(title)
    for sep in reversed(seps):
        kind, value, unread = _tail_field(title[sep.end() : end])
        if kind is None and (pair := _name_then_due(title[sep.end() : end])):
            # the name's span is the field's, the date's an empty one at its end: each is taken out once
            (_, name, _), (_, day, unread) = pair
            read += [("date", day, unread, end, end), ("name", name, None, sep.start(), end)]
            end = sep.start()
            continue
        if kind is None:
            break
        read.append((kind, value, unread, sep.start(), end))
        end = sep.start()
    names = [r for r in read if r[0] == "name"]
    dates = [r for r in read if r[0] == "date"]
    blanks = [r for r in read if r[0] == "blank"]
    if not title[:end].strip():
        return None, None, None, title
    # a name is the owner beside a date or a ticket; a date is the due date after any words ("Migrate to
    # Kafka Connect — 2026-12-19", "Add an alert — not urgent — Dec 19": it stayed in the title), those
    # words kept in the title when they name no one or two ("— All Regions —", "— Sam Okafor — Jo Lee —")
    owner = names if len(names) == 1 and (len(read) + beside >= 2 or _alone_name(read, people)) else []
    if not owner and not dates and not blanks:
        return None, None, None, title
    for _, _, _, start, stop in sorted(owner + dates[:1] + blanks, key=lambda r: -r[3]):
        title = title[:start] + title[stop:]
    return owner[0][1] if owner else None, dates[0][1] if dates else None, dates[0][2] if dates else None, title


# "Get it done — Priya": a name alone ending an item after a dash stayed in its title. Alone, with no date
# or ticket to say the tail is fields, it is as often what, where or which ("— Pulumi", "— Frankfurt",
# "— Feature Flags"), and no list of words tells them all from people: it is read as the owner only when
# the section says it is a person's name, the owner of another item (a column, a label, a mention, a tail
# with a date: _people). A list whose items mostly end so is no proof ("— Pulumi", "— Frankfurt" read as
# two owners so). The name rules of _tail_field apply as ever.
def _alone_name(read: list, people: frozenset) -> bool:
    """Whether the tail fields ``read`` are one name alone that ``people`` holds (casefolded)."""
    return len(read) == 1 and read[0][1].casefold() in people


# A number standing as a word is no part of a name: "owner @Decimal 1, 2026" (a date mention mistyped)
# made "Decimal 1" the owner, "owner: May 3" "May 3" and "@12/03/2026" "12"; a handle may hold digits
# ("@sre2"), and a name that is a month's word alone stays one ("@May", "@June Park")
_NUMBER_WORD = re.compile(r"(?<!\S)(?=[\d/.:-]*\d)[\d/.:-]+(?:st|nd|rd|th)?(?=[\s,;]|$)", re.I)


def dated(owner: str | None) -> bool:
    """Whether ``owner`` as read is a date or holds a number as a word: no one's name."""
    text = (owner or "").strip().lstrip("@")
    return bool(_NUMBER_WORD.search(text)) or find_date(text)[0] is not None


# "@Decimal 1, 2026", "@May 3": a month's word (or one it starts) and a day after the "@" are a date
_MONTH_LEAD = re.compile(rf"(?i:{MONTH_NAME})")
_DAY_NEXT = re.compile(r"[ \t]+\d{1,2}(?:st|nd|rd|th)?(?![\w/.-]|:\d)", re.I)


def _date_mention(text: str, m) -> bool:
    """Whether the mention ``m`` in ``text`` is a date, not a person: a number, or a month-like word
    with a day after it."""
    word = m.group(1)
    return dated(word) or bool(_MONTH_LEAD.match(word) and _DAY_NEXT.match(text, m.end()))


def _value(text: str, start: int) -> str:
    end = _VALUE_END.search(text, start)
    return text[start : end.start() if end else len(text)]


# a role or team in a bracket right after a labelled owner's name: "Owner: Ana Ruiz (payments)", "(SRE)";
# a few words, no digits (a date or a ticket in a bracket is read as such)
_ROLE = re.compile(r"[ \t]*\([ \t]*[^\W\d][^()\[\]\d]{0,40}?\)(?=[ \t]*(?:$|[-–—,;.)\]]))")


def _prose_owner(text: str) -> tuple:
    """(owner, its span) of an owner said in words (_PROSE_OWNER), or (None, None): a name by the
    rules of a name after a dash (_person_name), a mention not a date."""
    m = _PROSE_OWNER.search(text)
    if m is None:
        return None, None
    name = m.group(1)
    if name.startswith("@"):
        return (None, None) if _date_mention(text, _MENTION.search(text, m.start(1))) else (name[1:], m.span())
    return (name, m.span()) if _person_name(name) else (None, None)


# a role said where a person's name would be: "Owner is Incident Manager", "assigned to Release Captain"
_ROLE_WORD = re.compile(
    r"(?:manager|lead|director|commander|engineer|developer|responder|admin(?:istrator)?|architect|analyst|"
    r"officer|head|chief|captain|coordinator|scribe|owner|sponsor|vp|staff|tbd)s?",
    re.I,
)


def _person_name(name: str) -> bool:
    """Whether ``name`` (in capitals) is a person's as words say it: a full name with no word of a
    product, a team, a role, a label or a title ("Grafana Cloud", "Tech Debt", "Incident Manager"), or
    one word _lone_name takes that is no role ("Manager")."""
    if any(_ROLE_WORD.fullmatch(w) for w in name.split()):
        return False
    if " " not in name:
        return _lone_name(name)
    return _tail_field(name)[0] == "name" and not any(
        rx.fullmatch(w) for w in name.split() for rx in (_PRODUCT_WORD, _COMMON_WORD)
    )


def _owner(text: str, bracketed: bool) -> tuple:
    """(owner, its span to take out of the title or None). The owner is as written when it names more than one
    ("Ana Ruiz, Bob Lee", "@lee, @kim": _more_owners) or a role or a name in a bracket ("TBD (Ana Ruiz)"): the
    item's owner field, which ``_set_owner`` reads as an owner cell."""
    m = _OWNER_LABEL.search(text)
    if m is None and (prose := _prose_owner(text))[0]:
        name, (start, end) = prose
        field, end = _more_owners(text, name, end)
        return field, (start, end)
    if m:
        value = re.split(r"[,、]|\s(?:due|by)\s", _value(text, m.end()), maxsplit=1, flags=re.I)[0].rstrip(" .*_")
        if dated(value):  # "owner @Decimal 1, 2026": no name; kept in the title as written
            return None, None
        end = m.end() + len(value)
        # "Owner: Ana Ruiz (payments)": the role after the name goes with it ("(payments)" stayed in the title), and
        # "Owner: TBD (Ana Ruiz)" names Ana Ruiz (people_named): "TBD" was read, no owner
        role = _ROLE.match(text, end)
        # "owner: ~~Lee~~ Sam Ortiz": the owner struck out is no longer it ("Lee Sam Ortiz" was read)
        first = current(value) + (role.group(0) if role else "")
        field, end = _more_owners(text, first.lstrip("@"), role.end() if role else end, first)
        return field or None, (m.start(), end)
    m = _MENTION.search(text)
    if m is None:
        return _dash_owner(text)
    if _date_mention(text, m):
        return None, None
    # "Ask @kim to review" keeps its words; "— @jin —" and "(@jin)" only say who
    name, end = _mention_name(text, m)
    name, end = _more_owners(text, name, end, text[m.start() : end])
    alone = re.fullmatch(r"(?:.*[-–—,;])?\s*", text[: m.start()]) and re.match(r"\s*(?:[-–—,;]|$)", text[end:])
    return name, ((m.start(), end) if bracketed or alone else None)


# Owners written one after another in an item's text: "(@lee, @kim)", "(owner: Ana Ruiz, Bob Lee)", "— owner: Ana
# Ruiz; Bob Lee — due …". The first alone was read: "kim" was dropped unsaid ("(@kim)" is who, no title's words)
# and ", Bob Lee" kept in the title. Each name after a comma or a semicolon is read as the owner field's, up to
# the first words that are no name ("…, then restart the pods", "…, due: …", "…, see runbook"), as many as an
# owner cell's are (_NAMES_READ); the field is then read as an owner cell is (people_named): the names it splits,
# and a pair of one-word names it keeps whole, "(owner: Smith, Ana)" Smith, Ana's as the cell "Smith, Ana" is
# (it was "Smith", ", Ana" left in the title: found in review), said in the notes as the cell's is.
_OWNER_SEP = re.compile(r"[ \t]*[,;][ \t]*")
# where a name after one ends: a separator, a bracket, a sentence's end, a due label, a dash between blanks
_PIECE_END = re.compile(
    r"[,;()\[\]]|\.(?:\s|$)|\s(?:due|by)\b|(?<!\s)\s+[-–—]+(?:\s|$)"
    r"|\b(?:owner|assignee|due(?:\s+date)?|deadline|target(?:\s+date)?|eta)\s*[:=]",
    re.I,
)


def _more_owners(text: str, first: str, end: int, written: str | None = None) -> tuple[str, int]:
    """(the owner field, where it ends) of an owner ``first`` read in ``text`` up to ``end`` (``written`` there as
    ``written``: "@Ana Ruiz" read as "Ana Ruiz") and the names after it (see above); (``first``, ``end``) when no
    name follows or the field's reader would neither split them nor keep a pair of one-word names whole."""
    stop, pieces = end, 0
    while pieces < _NAMES_READ and (sep := _OWNER_SEP.match(text, stop)):
        found = _PIECE_END.search(text, sep.end())
        piece_end = _spaces_before(text, found.start() if found else len(text))
        piece = text[sep.end() : piece_end]
        role = _ROLE.match(text, piece_end) if piece else None  # "Bob Lee (sre)", "TBD (Ana Ruiz)"
        if not piece or not _owner_piece(piece, role.group(0) if role else ""):
            break
        stop, pieces = role.end() if role else piece_end, pieces + 1
    if not pieces:
        return first, end
    field = (written or first) + text[end:stop]
    return (field, stop) if len(_field_names(field)) == pieces + 1 or paired_names(field) else (first, end)


def _owner_piece(piece: str, role: str) -> bool:
    """Whether ``piece`` (``role``, a bracket, after it) is a person's name as one after an owner is: a mention not a
    date, an e-mail address, a name as a dash tail's (_tail_field), a placeholder naming one ("TBD (Ana Ruiz)")."""
    if piece.startswith("@"):
        m = _MENTION.match(piece)
        return bool(m and (m.end() == len(piece) or _FULL_NAME.fullmatch(piece, 1)) and not _date_mention(piece, m))
    if _EMAIL.fullmatch(piece) or _tail_field(piece)[0] == "name":
        return True
    return bool(role) and _tentative(piece + role) is not None


# what ends a mention's name: a separator, a bracket's end, the text's end
_NAME_END = re.compile(r"[ \t]*(?:[-–—,;)\]]|$)")


def _mention_words(text: str, m) -> str:
    """The capitalised words right after the mention ``m`` that may be the rest of its name ("@Omar
    Haddad", up to three words in all), as written; none after a handle in small letters ("@lena.f")."""
    return _TRAIL_NAME.match(text, m.end()).group(0) if m.group(1)[:1].isupper() else ""


def _mention_name(text: str, m) -> tuple[str, int]:
    """(the name, where it ends) of the mention ``m`` in ``text``: with the capitalised words after it
    (_mention_words) when a separator, a bracket's end or the end follows them, as a mention ending an
    item is read (_trailing_mention): "(@Lena Fischer)", "(@Dana Whitfield, due …)" were read "Lena", "Dana",
    "(Fischer)" kept in the title; "Ask @Kim Lee to review" is "Kim" in a sentence."""
    more = _mention_words(text, m)
    if more and _NAME_END.match(text, m.end() + len(more)):
        return " ".join([m.group(1), *more.split()]), m.end() + len(more)
    return m.group(1), m.end()


def _dash_owner(text: str) -> tuple:
    """(owner, its span) of a bold name between dashes; ("", span) for "— *Unassigned*"."""
    m = _DASH_OWNER.search(text)
    if m and not _NOT_A_NAME.fullmatch(m.group(2)):
        return m.group(2), m.span()
    m = _DASH_NO_OWNER.search(text)
    return ("", m.span()) if m else (None, None)


# a field's value struck out and written again after it: "~~2026-11-20~~ 2026-12-04" (a due date moved),
# "~~Lee~~ Sam Ortiz" (an owner changed). The struck one was read: the old due date, or both names as one
_STRUCK_LEAD_VALUE = re.compile(r"\s*~~[^~]+~~\s*(?=\S)")


def current(value: str) -> str:
    """``value`` without the struck-out parts it replaced, or as it is when nothing else is written."""
    rest = re.sub(r"~~[^~]+~~", " ", value) if "~~" in value else value
    return " ".join(rest.split()) if rest.strip() else value


# A due label's value is read for a date in its first _DUE_LOOK characters (a date is a few words): each of
# thousands of "by" words after a mention ("- Fix it @sam by by … Dec 4") read the whole rest of the line for
# its date, its first comma and the separator before it, 100 s for 5,000 of them (bench/pathological.py).
# Only the value of a label taken ("due: …", ", due …") is read whole, once.
_DUE_LOOK = 200
_SAID_CHAR = re.compile(r"[^ .*_]")  # what rstrip(" .*_") keeps


def _value_ends(text: str):
    """``_value``'s end for each start, the next _VALUE_END found once for all the starts before it: the labels of
    a line searched to its end each."""
    found = None

    def end_from(start: int) -> int:
        nonlocal found
        if found is None or (found != -1 and found.start() < start):
            found = _VALUE_END.search(text, start) or -1
        return len(text) if found == -1 else found.start()

    return end_from


def _after_sep(text: str, pos: int) -> bool:
    """Whether a separator (a comma, a semicolon, a dash after a blank) and blanks end ``text[:pos]``: the
    regex (?:[,;]|\\s[-–—]+)\\s*$ searched on the slice, read back from ``pos`` instead of from each
    character of the slice (each label of a line read its whole head)."""
    i = pos
    while i > 0 and text[i - 1].isspace():
        i -= 1
    if i > 0 and text[i - 1] in ",;":
        return True
    j = i
    while j > 0 and text[j - 1] in "-–—":
        j -= 1
    return 0 < j < i and text[j - 1].isspace()


def _due(text: str) -> tuple:
    """(date, the due as written when it reads as no date, its span) of the first due label."""
    value_end = _value_ends(text)
    for m in _DUE_LABEL.finditer(text):
        start, end = m.end(), value_end(m.end())
        value = text[start : min(end, start + _DUE_LOOK)]
        whole = end - start <= _DUE_LOOK or "," in value  # the said below (to the first comma) is all there
        struck = _STRUCK_LEAD_VALUE.match(value)  # "due ~~Nov 20~~ Dec 4": moved, the struck date is the old one
        skip = struck.end() if struck else 0
        skip += _WEEKDAY.match(value, skip).end() - skip if _WEEKDAY.match(value, skip) else 0  # "Fri, Dec 20, 2026"
        day, words = find_date(value[skip:] if struck else value)
        if day is not None and value.find(words, skip if struck else 0) == skip:
            return day, None, (m.start(), start + skip + len(words))
        said = value.split(",")[0].rstrip(" .*_")
        # "(due Dec 19)", "by 19 Dec", "by the 19th": a day without its year (or month), read against the
        # incident's date (postmortem)
        no_year = value[skip:].split(",")[0].rstrip(" *_.")  # "by December 9." ends a sentence
        if whole and (month_day(no_year) or day_of_month(no_year)):
            return None, no_year, (m.start(), start + skip + len(no_year))
        # "due: Q1 2027", "due 12/2026", ", due end of Q1" (a field after a separator): a due date
        # ", by 12/12" too: a day either way round, as ", due 12/12" ("by 1/2" mid-sentence is no field)
        said_any = (c := _SAID_CHAR.search(text, start, end)) is not None and c.group() != ","
        field = _after_sep(text, m.start()) and (m.group(1) or (whole and _SHORT_DAY.fullmatch(said))) and said_any
        if m.group(3) or (m.group(1) and said[:1].isdigit()) or field:
            said = said if whole else text[start:end].split(",")[0].rstrip(" .*_")
            unread = None if is_placeholder(said) else said
            return None, unread, (m.start(), start + len(said))
    return None, None, None


def _fields(text: str, bracketed: bool) -> tuple[dict, str]:
    """The owner and due date ``text`` says, and ``text`` without them (and the separator before each)."""
    owner, o_span = _owner(text, bracketed)
    due, unread, d_span = _due(text)
    got = {"owner": owner, "due": due, "due_unread": unread}
    for start, end in sorted((s for s in (o_span, d_span) if s), reverse=True):
        head = _SEP_END.sub("", text[:start])
        text = head + " " + text[end:]
    return got, text


# a person's name alone in a bracket ending an item is its owner with a due date beside it ("(Priya) —
# Due: December 15"), or in a list where most items end so with a full name ("(Lukas Weber)"); else it
# says what, not who: "(Redis)", "(Kafka Connect)", "(Google Cloud)" (a two-word product was an owner,
# and then made every one-word bracket of its list one: found in review)
_NAME_WORD = rf"[{UPPER}](?:[{LOWER}]+(?:[-'’][{UPPER}]?[{LOWER}]+)*|['’][{UPPER}][{LOWER}]+)"
_FULL_NAME = re.compile(rf"{_NAME_WORD}(?: {_NAME_WORD}){{1,2}}")
_ONE_NAME = re.compile(_NAME_WORD)
# an owner said in words, no colon: "…, assigned to Sam Ortiz", "Owner is Sam", "(owner is Dana)", "owner
# is @sam"; the name in capitals (never "assigned to the SRE team") and ending there
_PROSE_OWNER = re.compile(
    rf"(?i:\b(?:assigned[ \t]+to|owner[ \t]+is))[ \t]+(@[\w.-]+|{_NAME_WORD}(?: {_NAME_WORD}){{0,2}})"
    r"(?=[ \t]*(?:$|[,;:.)\]]|[-–—]|(?i:by|due|before|until)\b))"
)
_END_BRACKET = re.compile(r"[(（]([^()\[\]（）]*)[)）]\s*(?:[-–—].*)?$")  # （ ） as _BRACKET


def _bracket_owner(m, names: bool = False) -> bool:
    """Whether the bracket ``m`` ending an item (a dash-led tail after it at most) only names its
    owner; ``names``: other items of its list name theirs in a bracket (a single word is one then)."""
    after = m.string[m.end() :]
    if m.group(0).lstrip()[:1] not in "(（" or not re.fullmatch(r"\s*(?:[-–—].*)?", after):
        return False
    name = m.group(1).strip()
    return bool((_FULL_NAME.fullmatch(name) or _ONE_NAME.fullmatch(name)) and (names or _due(after)[0] is not None))


def _bracket_people(m) -> bool:
    """Whether the bracket ``m`` ending an item (a dash-led tail after it at most; ticket ids and other such
    brackets before that: _people_end) names two people or more and nothing else, unlabelled: "(Ana Ruiz, Bob
    Lee)", "(@ana; bob@x.io)", each a full name as a person's is (_person_name: not "Google Cloud"), a mention or
    an e-mail address. It is the owner field, as "(owner: Ana Ruiz, Bob Lee)" is: no owner was read, the names
    kept in the title (an e-mail's bracket dropped as meta, unsaid; found in review). Never "(p99, p95)", "(see
    INC-123)", nor one name alone ("(Kafka Connect)": _bracket_owner's)."""
    return m.group(0).lstrip()[:1] == "(" and _people_only(m.group(1)) and _people_end(m.string[m.end() :])


def _people_only(text: str) -> bool:
    """Whether the text of a bracket is two people or more and nothing else (as _bracket_people reads one)."""
    pieces = [p.strip() for p in re.split(r"[,;]", text, maxsplit=_NAMES_READ)]
    return len(pieces) > 1 and all(_person_piece(p) for p in pieces[:_NAMES_READ])  # as many as people_named reads


# what may follow a bracket of people that ends an item, before a dash-led tail: ticket ids, which the follow-up
# takes out of its title (_without_ticket), and other brackets of people. "Fix retries (Ana Ruiz, @bob) OPS-12"
# made @bob the owner, "(Ana Ruiz)" left in the title, unsaid, as "(Ana Ruiz, @bob)" ending it did (found in review)
_AFTER_PEOPLE = re.compile(rf"[ \t]*(?:(?P<t>{TICKET.pattern})|\((?P<b>[^()\[\]]*)\))", re.I)


def _people_end(after: str) -> bool:
    """Whether ``after``, the text after a bracket of people, leaves it ending its item (_AFTER_PEOPLE)."""
    at = 0
    while (
        (m := _AFTER_PEOPLE.match(after, at))
        and m.end() > at
        and (is_ticket(m.group("t") or "") or _people_only(m.group("b") or ""))
    ):
        at = m.end()
    return re.fullmatch(r"\s*(?:[-–—].*)?", after[at:]) is not None


def _handle(who: str) -> bool:
    """Whether ``who`` is a mention or an e-mail address: a person's, never a place's or a product's."""
    return who.startswith("@") or bool(_EMAIL.fullmatch(who))


def _person_piece(piece: str) -> bool:
    """Whether ``piece`` of a bracket is a person's alone: a mention not a date, an e-mail address, a full name."""
    if piece.startswith("@"):
        at = _MENTION.fullmatch(piece)
        return bool(at) and not _date_mention(piece, at)
    return bool(_EMAIL.fullmatch(piece) or (_FULL_NAME.fullmatch(piece) and _person_name(piece)))


def _bracket_name(text: str) -> bool:
    """Whether ``text``, beside a due date in a bracket, is a name: a mention, a full name, or one
    word that may be a first name ("(Kafka, by 2026-12-07)" made Kafka the owner)."""
    return bool(_NAME.fullmatch(text)) and (text.startswith("@") or " " in text or _lone_name(text))


def _name_beside(text: str) -> dict | None:
    """The owner and due date of a bracket that is a name and a ticket or a date, comma-separated
    ("Marco, OPS-12", "Priya, Dec 19"), else None: the name was lost with the bracket, dropped as a ticket's."""
    parts = [p.strip() for p in re.split(r"[,;]", text)]
    names = [p for p in parts if _FULL_NAME.fullmatch(p) or _lone_name(p)]
    fields = [_tail_field(p) for p in parts if p not in names]
    if len(names) != 1 or not fields or any(kind not in ("ticket", "date") for kind, _, _ in fields):
        return None
    dates = [(day, unread) for kind, day, unread in fields if kind == "date"]
    due, unread = dates[0] if dates else (None, None)
    return {"owner": names[0], "due": due, "due_unread": unread}


def bracket_names(texts: list[str]) -> bool:
    """Whether a list's items name their owners in a bracket ending them: two at least, and most of
    them, with a full name or a name beside a due date."""
    named = sum(1 for t in texts if (m := _END_BRACKET.search(t)) and _named(m))
    return named >= 2 and 2 * named > len(texts)


def _named(m) -> bool:
    name = m.group(1).strip()
    return bool(_FULL_NAME.fullmatch(name) or (_ONE_NAME.fullmatch(name) and _due(m.string[m.end(1) + 1 :])[0]))


# a label in bold or italics, its colon inside or after the marks: "— **Owner:** Chris Ng — **Due:**
# 2026-11-28", "(*Owner*: Chris Ng)". The marks hid the value from the label ("** 2026-11-28" was no
# date, and a bracket of them was dropped as meta, owner and due date with it: found importing an
# Atlassian-template postmortem); written plain, "Owner: Chris Ng", it reads as every other label
_EMPHASISED_LABEL = re.compile(
    r"(\*\*|__|\*|_)[ \t]*(owner|assignee|assigned to|due(?:[ \t]+date)?|deadline)[ \t]*(:?)[ \t]*\1[ \t]*(:?)", re.I
)


# Notion's Markdown export writes a date mention as "@December 1, 2026" (and a person's as "@Dana
# Weiss"): the date was read as a person ("Dana" stayed the owner, "@December 1, 2026" in the title) and
# "due @December 10, 2026" as no due date. An "@" before a date is the date's.
_DATE_MENTION = re.compile(rf"(?<![\w.])@(?=(?i:{MONTH_NAME})[ \t]+\d{{1,2}},?[ \t]+\d{{4}}\b|\d{{4}}-\d\d-\d\d\b)")


# an "@" of a bracket _inline_fields leaves to the postmortem to read (a private-use character no text holds)
_MASKED_AT = "\ue000"


def _other_ticket(bracket: str, ticket: str | None) -> bool:
    """Whether ``bracket`` names a ticket other than the item's ``ticket`` (read from its ticket column): "Add the
    buffer dir to the cleanup (extend PRB-087)" with PRB-301 in the column was recorded as "Add the buffer dir to
    the cleanup", PRB-301, the mention of PRB-087 dropped unsaid (found in review). With no ticket of its own the
    item's is read from the title (the bracket's, then), and the bracket goes as before."""
    if not ticket:
        return False
    # the same ticket as a link to it too: "([PAY-7](https://acme.atlassian.net/browse/PAY-7))" beside PAY-7
    return any(not (_within(ticket, m.group(0)) or _within(m.group(0), ticket)) for m in PROSE_TICKET.finditer(bracket))


def _within(ref: str, text: str) -> bool:
    """Whether the ticket reference ``ref`` is in ``text`` as a word of its own ("PAY-7" in a link to it, not in
    "PAY-70")."""
    return re.search(rf"(?<![\w-]){re.escape(ref)}(?!\w)", text, re.I) is not None


def _plain_labels(title: str) -> str:
    title = _DATE_MENTION.sub("", title)
    return _EMPHASISED_LABEL.sub(lambda m: m.group(2) + (":" if m.group(3) or m.group(4) else ""), title)


def _inline_fields(  # long: each kind of bracket read in turn
    title: str, names: bool = False, beside: bool = False, people: frozenset = frozenset(), ticket: str | None = None
) -> tuple:
    """``title`` without the owner and due date written in it, and those (the first of each);
    ``names``: as ``_bracket_owner``'s; ``beside`` and ``people``: as ``_dash_tail``'s; ``ticket``: the item's,
    a bracket naming another one is kept in the title (``_other_ticket``)."""
    said: dict = {"owner": None, "due": None, "due_unread": None, "maybe": None}
    title = _plain_labels(title)

    def bracket(m):
        if _bracket_people(m) and (
            full := [p.strip() for p in re.split(r"[,;]", m.group(1)) if not _handle(p.strip())]
        ):
            # "(San Jose, Santa Clara)": a place's name is written as a person's, and a mention or an e-mail address
            # never; the postmortem decides on the full names (postmortem._maybe_owners), whatever the handles beside
            # them: "(Ana Ruiz, @bob)" was read before it, @bob the owner and "(Ana Ruiz)" left in the title unsaid,
            # a name the postmortem's Authors gave too (found in review). Its mentions are masked from the readers of
            # the rest of the title ("Ask @kim to …" is kim's) until it is given back
            said["maybe"] = said["maybe"] or (m.group(1).strip(), full)  # the first written: the owner's
            return m.group(0).replace("@", _MASKED_AT)
        got, rest = _fields(m.group(1), bracketed=True)
        rest = rest.strip(" ,;-–—")
        if (got["due"] or got["due_unread"]) and not got["owner"] and _bracket_name(rest):
            got["owner"], rest = rest, ""  # "(Priya, by 2026-12-07)", "(Priya, due Dec 19)"
        elif not any(got.values()) and _bracket_owner(m, names):
            got["owner"], rest = m.group(1).strip(), ""  # "Revert the cache size (Lukas Weber)"
        elif not any(got.values()) and _bracket_people(m):  # handles alone: full names are read above
            got["owner"], rest = m.group(1).strip(), ""  # "(@ana, bob@x.io)": the owner field, its first recorded
        elif not any(got.values()) and (beside := _name_beside(rest)):
            got, rest = beside, ""  # "(Marco, OPS-12)": the ticket is read from the whole title
        elif got["owner"] and not got["due"] and (dated := _tail_field(rest))[0] == "date":
            got["due"], got["due_unread"], rest = dated[1], dated[2], ""  # "(@chen.wei, 2026-11-26)"
        for k, v in got.items():
            said[k] = said[k] or v
        if any(got.values()):  # "(owner @lee)", "(@lee, @kim)": nothing but who and when is dropped whole
            # nor with a ticket, which the item's ticket reads from the whole title: "(owner: A, due: D, ticket: T)"
            # kept "(ticket: )" in the title once the ticket was taken out of it
            kept = _other_ticket(rest, ticket) or _LEFTOVER.sub("", TICKET.sub("", _TICKET_LABEL.sub("", rest)))
            return f" ({rest}) " if kept else " "
        dates = any(_date_mention(m.group(1), at) for at in _MENTION.finditer(m.group(1)))
        meta = _BRACKET_META.search(m.group(1)) or prose_ticket(m.group(1))
        if _other_ticket(m.group(1), ticket):  # "(extend PRB-087)" beside the item's PRB-301: said only here
            return m.group(0)
        return " " if meta and not dates else m.group(0)  # "(@May 3)" is kept

    title = _BRACKET.sub(bracket, title)
    if lead := _LEAD_MENTION.match(title):  # "@alice: Rotate the certs", "**@alice** Rotate the certs"
        said["owner"], title = lead.group(2), title[lead.end() :]  # as written: _set_owner reads it
    owner, due, unread, title = _trailing_mention(title)
    said["owner"], said["due"] = said["owner"] or owner, said["due"] or due
    said["due_unread"] = said["due_unread"] or unread
    owner, due, unread, title = _dash_tail(title, beside, people)
    said["owner"], said["due"] = said["owner"] or owner, said["due"] or due
    said["due_unread"] = said["due_unread"] or unread
    got, title = _fields(title, bracketed=False)
    for k, v in got.items():
        said[k] = said[k] or v
    # what a read owner leaves at either end: "— @ana, @bob" ("…, @bob"), "Owner: Ana - add …" ("- add …"),
    # and a struck mention it replaced: "~~@oncall~~ @sam"
    title = _STRUCK_MENTION.sub("", _strip_mentions_end(title)) if said["owner"] else title
    return re.sub(r"^\s*[-–—,;:]+\s*", "", title).replace(_MASKED_AT, "@"), said


# The day an item was done, written beside its status: "(done 2026-03-04)", "(completed Mar 4)", "— done on
# 2026-03-04 —", ", completed 2026-03-04", a status cell "Done (2026-03-04)", a "Completed" column, a sub-item
# "  - Done: 2026-03-04". The item is done, and the day is its follow-up's ``done:`` (the board as of a day
# before it counts it open); it was read as done with no day, or not read ("(completed Mar 4)" stayed in the
# title). "Get it done by Friday" is a due date: only a date right after the word (":", "on" between) is one.
_DONE_WORD = r"(?:done|completed?|closed|finished|shipped|resolved|fixed)"
_DONE_AT = re.compile(rf"[\W_]*(?i:{_DONE_WORD})[*_]*(?:[ \t]*[:,]?[ \t]*(?i:on)?[ \t]+|[ \t]*[:(][ \t]*)(?P<day>.*)")
# where it is written in an item's text: a bracket, or a part of one between commas ("(owner: Sam, done
# 2026-03-04)"); a field after a dash; the end after a comma or a sentence's end
# (the field ends in a non-space: each space of a run tried as its end scanned the run, quadratic)
_DONE_PLACE = re.compile(
    r"[(\[](?P<b>[^()\[\]]*)[)\]]"
    r"|(?<![ \t])(?:[ \t]+[-–—]+|[,;.])[ \t]+(?P<e>[^,;.–—()\[\]]*[^\s,;.–—()\[\]](?:,[ \t]*\d{4})?\.?)"
    r"(?=[ \t]+[-–—]+[ \t]|[ \t]*$)"
)


# The time of day after a done day: Jira's Resolved column writes one ("17/Nov/26 3:45 PM", "2026-11-17
# 15:45"), as do a "Resolved: 2026-11-17 15:45" field and ISO stamps ("2026-11-17T15:45:00Z"). The day was
# no "date alone", and the item's done day was left out unsaid. Only a time (seconds, AM/PM, a zone or an
# offset) may follow the day; it is matched whole against the text after the day, each part a different
# character class after the other, so it reads a run of spaces once.
_TIME_AFTER_DAY = re.compile(
    r"(?:,?[ \t]+(?:at[ \t]+)?|T)\d{1,2}:[0-5]\d(?::[0-5]\d(?:\.\d+)?)?"
    r"(?:[ \t]*[AaPp]\.?[Mm]\.?)?(?:[ \t]*(?:Z|[A-Z]{2,5}|[+-]\d{2}:?\d{2}))?"
)


def done_day(words: str) -> tuple:
    """(date, the day as written when it has no year) of ``words`` that are a date alone, with its time of
    day or not ("17/Nov/26 3:45 PM"), or (None, None)."""
    words = words.strip(" \t.*_()")
    day, said = find_date(words)
    if day is not None and (said == words or words.startswith(said) and _TIME_AFTER_DAY.fullmatch(words, len(said))):
        return day, None
    # "12/03" either order reads is the document's order's (postmortem.slash_order): it was no day, dropped unsaid
    return (None, words) if month_day(words) or either_way(words) else (None, None)


def _done_said(text: str) -> tuple | None:
    """(date, the day without its year) of ``text`` that says done and the day ("Done (Mar 4)", "completed
    on 2026-03-04"), else None."""
    m = _DONE_AT.fullmatch(text.strip())
    if m is None:
        return None
    got = done_day(m.group("day"))
    return got if any(got) else None


def _name_before(text: str) -> tuple | None:
    """(the name, where its dash starts) of a dash field ending ``text`` that is a name alone (_tail_field), else
    None: an email's "- Noor Ahmed, done Nov 20" names the owner before the done day, as "- Noor Ahmed, by Dec 4"
    (_NAME_THEN_DUE) before a due date; the name stayed in the title, no owner."""
    seps = list(_TAIL_SEP.finditer(text))
    if not seps or not text[: seps[-1].start()].strip():
        return None
    kind, name, _ = _tail_field(text[seps[-1].end() :])
    return (name, seps[-1].start()) if kind == "name" else None


# a year alone after a comma: "(Noor Ahmed, done Nov 20, 2026)"'s last part
_YEAR_PART = re.compile(r"[ \t]*(?:19|20)\d\d[ \t]*")


def _bracket_parts(inner: str) -> list[str]:
    """A bracket's parts: split at its commas and semicolons, but a comma before a year that makes the done day
    read with it, "(Noor Ahmed, done Nov 20, 2026)" the name and "done Nov 20, 2026" (the year was a part of its
    own, the day read without it, kept in the title). Any four digits were kept so: "(done Nov 20, 4521)" then
    read no day at all, where it had read "Nov 20" and kept "(4521)"."""
    pieces = re.split(r"([,;])", inner)
    parts = [pieces[0]]
    for sep, piece in zip(pieces[1::2], pieces[2::2]):
        if sep == "," and _YEAR_PART.fullmatch(piece) and _done_said(f"{parts[-1]},{piece}") is not None:
            parts[-1] += f",{piece}"
        else:
            parts.append(piece)
    return parts


def _done_on(title: str) -> tuple:
    """(date, day without its year, ``title`` without it, whether it was a field after a dash, the owner
    named beside it in its bracket or None) of the done date written in an item's text (_DONE_PLACE), or
    (None, None, title, False, None)."""
    if not re.search(r"\d", title) or not re.search(rf"(?i){_DONE_WORD}", title):  # every date has a digit
        return None, None, title, False, None
    for m in _DONE_PLACE.finditer(title):
        inner = m.group("b")
        # the whole bracket first: "(done June 3, 2026)" is one date, not "June 3" and a "(2026)" left
        whole = None if inner is None else _done_said(inner)  # read once: it is the loop's one part when it says it
        parts = [m.group("e")] if inner is None else [inner] if whole is not None else _bracket_parts(inner)
        for n, part in enumerate(parts):
            if (got := whole if whole is not None else _done_said(part)) is None:
                continue
            rest = ", ".join(p.strip() for k, p in enumerate(parts) if k != n and p.strip())
            # "(Jan Schulz, done 30.11.2026)": the name beside the day is the owner, as beside a due date
            # ("(Jan Schulz)" stayed in the title, no owner)
            owner = rest if inner is not None and len(parts) == 2 and _bracket_name(rest) else None
            keep = f" ({rest})" if inner is not None and rest and not owner else ""
            dash = inner is None and title[m.start()] not in ",;."  # "— done Mar 4 — Priya": Priya's, as before
            start = m.start()
            if inner is None and title[start] == "," and (named := _name_before(title[:start])):
                owner, start = named  # "- Noor Ahmed, done Nov 20", as "(Jan Schulz, done …)" and "- Daniel, by …"
            return *got, (title[:start].rstrip() + keep + " " + title[m.end() :]).strip(), dash, owner
    return None, None, title, False, None


# Fields written with their labels after the title, between " — ", " - ", " | ", "; " or sentences: "Lint
# cron specs — Status: Won't Do", "X | Owner: Ana Ruiz | Status: Done", "X. Owner: Ben Ortiz. Due:
# 2026-11-20. Status: Done.". A labelled status was read by no rule of a status word ("Status: Done
# (2026-11-27)", "Status: Won't Do" stayed in the title, the item open), and a pipe or a sentence's end
# before "Owner:" was no separator ("Ana Ruiz | Status: Done" the owner). A sentence's end parts fields
# only before a label ("Owner: J. Smith" is one name); an owner or due date is read by _fields as ever.
_LABELLED = re.compile(
    r"(?<![ \t])(?P<sep>[ \t]+[-–—|]+[ \t]+|[ \t]*;[ \t]+|(?<=[^\s.])\.[ \t]+)(?:\*\*|__)?"
    r"(?P<label>status|state|owner|assignee|assigned to|due(?:[ \t]+date)?|deadline|done|completed|closed)"
    r"(?:\*\*|__)?[ \t]*:(?:\*\*|__)?[ \t]*",
    re.I,
)
_FIELD_SEP = re.compile(r"(?<![ \t])(?:[ \t]+[-–—|]+[ \t]+|[ \t]*;[ \t]+)")
# a labelled status that says the item will not be done, and why after it: "Won't Do (too costly)",
# "Declined: no budget", "Duplicate of OPS-12". Every status CANCELLED reads ("Declined" and "Cannot
# Reproduce" were open follow-ups), and a reason only after a separator or bracket: "Dropped the old
# shards, verifying" and "Abandoned sessions cleared" say work going on, not a cancel. Each branch after
# the word starts on a different character, so a long run of spaces is read once (no backtracking).
_CANCEL_LEAD = re.compile(
    rf"\W*(?P<word>{_CANCEL_WORDS}|{_RESOLVED_UNDONE})\b"
    r"(?:\W*|\s*[:,;/–—(\[-]\s*(?P<why>.*)|(?<=duplicate)\s+(?P<of>of\b.*))",
    re.I,
)
_STATUS_LABELS = ("status", "state", "done", "completed", "closed")


def _labelled(title: str, status_text: str) -> tuple[str, str, bool]:
    """(``title`` without its labelled status or done day, that status as a status column gives one,
    whether one was taken out); a given ``status_text`` (a table's column) is kept and the title's left.
    A pipe or a sentence's end before an owner or due label, or any label after one (where its value
    ends), is made a dash, as _fields reads one."""
    found = list(_LABELLED.finditer(title))
    if found and not title[: found[0].start()].strip():  # the item's text starts with it: no title before
        found = found[1:]
    pieces, at, taken, fields = [], 0, False, False
    for m, nxt in zip(found, [*found[1:], None]):
        stop = nxt.start() if nxt else len(title)
        stop = min(stop, e.start()) if (e := _FIELD_SEP.search(title, m.end(), stop)) else stop
        label = m.group("label").lower()
        said = _labelled_status(label, title[m.end() : stop].strip(" \t.*_"))
        fields = fields or label not in _STATUS_LABELS
        if said is not None and not taken and not status_text:
            status_text, keep = said
            pieces += [title[at : m.start()], keep]
            at, taken = stop, True
        elif fields and m.group("sep").strip() in ("|", "."):
            pieces += [title[at : m.start("sep")], " — "]
            at = m.end("sep")
    return "".join([*pieces, title[at:]]), status_text, taken


def _labelled_status(label: str, value: str) -> tuple[str, str] | None:
    """(the status as a status field says it, the words the title keeps: a cancel reason in brackets) of
    a labelled status or done day, or None when its value says none we read ("Status: waiting on legal")."""
    if label in ("status", "state") and (cancel := _CANCEL_LEAD.fullmatch(value)):
        why = f"duplicate {cancel.group('of')}" if cancel.group("of") else (cancel.group("why") or "")
        why = why.strip(" ()[].")
        return cancel.group("word"), f" ({why})" if why else ""
    if label in ("status", "state") and (field_status(value) or _BLOCKED_FIELD.match(value)):
        return value, ""
    if label in ("done", "completed", "closed") and any(done_day(value)):
        return f"done ({value})", ""
    return None


def item(
    title: str,
    *,
    status_text: str = "",
    owner=None,
    due=None,
    ticket_text: str = "",
    checked=None,
    names=False,
    people: frozenset = frozenset(),
    done_text: str = "",
) -> dict:
    """One follow-up from its parts; status words and tickets found anywhere are taken out of the title.
    One struck through (``~~title~~``) or whose status says it will not be done ("Won't do",
    "Cancelled", in a column or in its own text) is marked ``cancelled``: it was imported as an open
    follow-up, "~~" and all. A kept title keeps a struck part as written ("in the ~~old~~ new
    dashboard"): its words were read as the title's, the strike-through dropped unsaid."""
    title, status_text, labelled = _labelled(_chips_named(title), status_text)  # "— Status: Won't Do"
    done_at, done_unread, title, dash_done, done_owner = _done_on(title)
    if done_at is None and done_unread is None and status_text and (said := _done_said(status_text)):
        done_at, done_unread = said  # a status cell "Done (2026-03-04)", "Completed Mar 4"
    cancelled, title = _cancelled(_unprioritised(title), status_text)
    blocked, unblocked = _blocked(title, status_text)
    # the Google SRE template writes the status in the bug column, "BUG-5524 **BLOCKED**" (DONE and TODO were read)
    if blocked is None and (m := re.search(r"(?<![\w/-])(?:\*\*|__)?blocked\b(?!-).*", ticket_text, re.I)):
        blocked = _plain(m.group(0)).strip(" *_")
    # "Fix DNS — Blocked — Priya", "— done Mar 4 — Priya": a field beside the name
    marked, title = unblocked != title or dash_done or labelled, unblocked
    tail_status, title = _dash_status(title)
    progress, title = status_of(title)
    progress = progress or tail_status or ("done" if done_at or done_unread else None)
    progress = progress or (field_status(status_text) if status_text else None)
    progress = progress or (status_of(ticket_text)[0] if ticket_text else None)
    if done_text and progress in (None, "done") and any(got := done_day(done_text)):
        progress, (done_at, done_unread) = "done", got  # a "Completed" column's day: done then
    if checked is not None:
        progress = progress or ("done" if checked else "open")
    ticket = ticket_of(ticket_text) or _github_ref(title) or ((m := prose_ticket(title)) and m.group(0))
    if ticket is None and ticket_text and not is_placeholder(ticket_text):
        rest = status_of(ticket_text)[1]
        ticket = _plain(rest) or None if rest and not re.fullmatch(r"(?i)n/?a|none|-+", rest.strip()) else None
    title, said = _inline_fields(title, names, beside=tail_status is not None or marked, people=people, ticket=ticket)
    owner = owner or said["owner"] or done_owner
    due = due or said["due"]
    if ticket:
        title = re.sub(r"^\s*[-–—:|]+\s*", "", _without_ticket(title, ticket))  # "BILL-335: Add …" left ": Add …"
        title = re.sub(r"[ \t]*[,;:][ \t]*(?=[)\]])", "", title)  # "(see runbook, PAY-78)" left "(see runbook, )"
        owner, title = _mention_before_ticket(title, owner)
    if blocked is None:  # "Rotate the certs (blocked) — owner @ana, SEC-9": the bracket ends the title read
        blocked, title = _blocked(title.strip(), "")
    title, ticket = _titled(title, ticket, keep_struck=not cancelled)
    status = "done" if progress == "done" else "open"
    it = {"title": title, "status": status, "owner": None, "due": due, "ticket": ticket}
    _set_owner(it, owner or "")
    if said["maybe"] and not it["owner"] and (cut := _without_bracket(title, said["maybe"][0])):
        it["owners_maybe"] = (*said["maybe"], cut)  # (the bracket's text, its full names, the title without it)
    it = _with_notes(it, said["due_unread"], (done_at, done_unread), blocked)
    return {**it, "cancelled": True} if cancelled else it


def _without_bracket(title: str, names: str) -> str | None:
    """``title`` without its last bracket of ``names`` (as the owner's leaves it), None when it has none."""
    at = title.rfind(f"({names})")
    if at < 0:
        return None
    return _strip_end_marks(re.sub(r"\s+", " ", title[:at] + title[at + len(names) + 2 :]).strip()) or None


def _set_owner(it: dict, text: str) -> None:
    """``it``'s owner, the first person ``text`` names (``people_named``), and the others as ``owners_left``, said
    in the import's notes: a follow-up has one owner (the KB format's ``owner`` is one string), and "Ana Ruiz, Bob
    Lee" recorded whole was an owner `recur report --owner "Ana Ruiz"` missed (found in review)."""
    first, *others = people_named(text) or [None]
    it["owner"] = first
    if first and others:
        it["owners_left"] = [*it.get("owners_left", ()), *others]


def _titled(title: str, ticket: str | None, keep_struck: bool) -> tuple[str, str | None]:
    """(the title as recorded, the ticket) of ``title`` once its fields are out: no marks, empty
    brackets or separators left; an item that was only its ticket is named by it (``_short_ref``)."""
    title = re.sub(r"\s*[(\[]\s*[)\]]", "", _unitalic(_plain(title, keep_struck=keep_struck)))
    # "Set X to 1. Owner: Tom. Due 2026-12-05. Done." leaves "Set X to 1. ." once its fields are out
    title = _strip_end_marks(re.sub(r"\s+([,;])", r"\1", title))
    if not title.strip(" *_`#:") and ticket:  # "- [ ] #4530": the reference is the item, named by it
        title = ticket = _short_ref(ticket)
    return title, ticket


# a span in italics, "_apply to all session clusters_", "*not the replica*": its marks are no words of the title,
# as bold's are not (_plain). Only whole words: "worker_count", "*.example.com" and "2*3*4" keep theirs
_ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*]*?[^\s*])\*(?![\w*])|(?<![\w_])_(?=[^\s_])([^_]*?[^\s_])_(?![\w_])")


def _unitalic(text: str) -> str:
    """``text`` without the marks of its spans in italics (_ITALIC)."""
    return _ITALIC.sub(lambda m: m.group(1) or m.group(2), text) if "*" in text or "_" in text else text


# What ``(?:\.?\s+\.)+\s*$|\s*[-–—:,;]+\s*$`` took off a title, read from its end: that regex was tried at
# each character of a run of separators or " ." pairs that does not end the title and scanned the rest of the
# run each time, so 8,000 ";" before " Status: Waiting" took 1.1 s and 80,000 "; " (before the spaces
# were taken out) took 130 s: time growing with the square of the run
_END_MARKS = "-–—:,;"


def _strip_end_marks(title: str) -> str:
    """``title`` stripped, without the run of separators (``—``, ``:``, ``,`` …) or of dots each after
    spaces (``Set X to 1. .``, ``Fix it . .``) that ends it."""
    end = _spaces_before(title, len(title))
    cut = sep = end
    while sep > 0 and title[sep - 1] in _END_MARKS:
        sep -= 1
    if sep < end:
        cut = sep
    # the dots, from the last: each one after spaces, and a dot before the spaces goes too; two dots
    # there ("1.. .") are the earlier pair's end and this one's start
    pos = end
    while pos > 0 and title[pos - 1] == ".":
        spaces = _spaces_before(title, pos - 1)
        if spaces == pos - 1:
            break
        cut = spaces
        if spaces > 0 and title[spaces - 1] == ".":
            cut = spaces - 1
            pos = spaces - 1 if spaces > 1 and title[spaces - 2] == "." else spaces
        else:
            pos = spaces
    return title[:cut].strip()


# A GitHub issue named across repositories, "acme/platform#88", or by its link: TICKET reads "#88" only
# where no word runs into it, so "- [x] acme/platform#88" was a title with no ticket, and an item that was
# only "#4530" or an issue's link lost its whole text to its ticket and was dropped unsaid (found in review)
_GITHUB_REF = re.compile(r"(?<![\w./-])[\w.-]+/[\w.-]+#\d+\b")
_GITHUB_ISSUE = re.compile(r"https?://github\.com/([\w.-]+/[\w.-]+)/(?:issues|pull)/(\d+)/?", re.I)


def _github_ref(title: str) -> str | None:
    """The first ``owner/repo#N`` reference written in ``title``, or None."""
    m = _GITHUB_REF.search(title) if "#" in title else None
    return m.group(0) if m else None


def _short_ref(ticket: str) -> str:
    """``ticket`` as a short reference: a GitHub issue's or pull request's link as ``owner/repo#N``."""
    m = _GITHUB_ISSUE.fullmatch(ticket)
    return f"{m.group(1)}#{m.group(2)}" if m else ticket


# a mention the ticket after it kept from ending the title: "Add a limit @octo-jane #2232"
_MENTION_END = re.compile(r"[ \t,;–—-]*(?<![\w@])@([A-Za-z0-9][\w.-]*(?:/[\w.-]+)?)[ \t]*$")


def _mention_before_ticket(title: str, owner: str | None) -> tuple[str | None, str]:
    """(owner, title) once a mention ending ``title`` with its ticket out is read: the owner when none is read,
    taken off the title either way. "Per-destination concurrency limit @octo-jane #2232" kept "@octo-jane" in
    its title (its owner read, or none)."""
    m = _MENTION_END.search(title)
    if m is None or not title[: m.start()].strip():
        return owner, title
    return owner or m.group(1).rstrip("."), title[: m.start()]


def _without_ticket(title: str, ticket: str) -> str:
    """``title`` without ``ticket`` where it stands as a word of its own: "OPS-12" is not cut out of "OPS-123"."""
    return re.sub(rf"(?<![\w.-]){re.escape(ticket)}(?!\w|[.-][^\W_])", " ", title)


def _with_notes(it: dict, due_unread: str | None, done: tuple, blocked: str | None) -> dict:
    """``it`` with what the import reads further or says in its notes: a due date not read, the day it
    was done (a date, or the words of one with no year: the postmortem reads them), the blocked marker."""
    if it["due"] is None and due_unread:
        it["due_unread"] = due_unread  # "due: Q1 2027": said in the import's notes, not dropped unsaid
    if it["status"] == "done" and any(done):
        it.update({"done": done[0]} if done[0] else {"done_unread": done[1]})
    if blocked and it["status"] == "open":
        it["blocked"] = blocked  # said in the import's notes: no follow-up status says blocked
    return it


# a status alone between dashes ("Fix DNS TTL — Done — Priya"): taking the word out where it stood left
# "Fix DNS TTL — — Priya" as the title. "— Blocked —" is read before it (_blocked)
_DONE_ON = re.compile(r"\s*(\w+)[ \t]*[:,]?[ \t]+(?:on[ \t]+)?(.*\S)\s*", re.I)


def _dash_status(title: str) -> tuple:
    """(status or None, ``title`` without it) of a field between dashes after the title that is a status alone."""
    seps = list(_TAIL_SEP.finditer(title))
    for sep, nxt in zip(seps, [*seps[1:], None]):
        field = title[sep.end() : nxt.start() if nxt else len(title)]
        st, rest = status_of(field)
        # "— done Nov 12": the day it was done goes with its status (it stayed in the title)
        if (
            (on := _DONE_ON.fullmatch(field))
            and status_of(on.group(1))[0] == "done"
            and _tail_field(on.group(2))[0] == "date"
        ):
            st, rest = "done", ""
        if st and not rest:
            return st, title[: sep.start()] + title[nxt.start() if nxt else len(title) :]
    return None, title


# a Markdown link: Google Docs exports a person chip as "[Tom Becker](mailto:tom.becker@example.com)",
# which was recorded as the owner, link and all (the report listed it as an owner of its own)
_LINK = re.compile(r"\[([^\[\]]+)\]\([^()\s]*\)")


def _link_text(text: str) -> str:
    return _LINK.sub(r"\1", text)


# A person chip in an item's own text, "— **Owner:** [Aiko Tanaka](mailto:…) —", "— [Tom Becker](mailto:…)
# — 2026-12-19", "(owner: [Lena Fischer](mailto:…))": the link hid the name from every owner reader (the
# label's value stopped at "[") and "[Aiko Tanaka]" stayed in the title, no owner read. Its name is read
# as a name written plain; a mailto link whose text is no name ("[support](mailto:…)") is kept.
_CHIP = re.compile(rf"\[({_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}})\]\(mailto:[^()\s]*\)")


def _chips_named(text: str) -> str:
    """``text`` with each person chip (_CHIP) written as its name."""
    return _CHIP.sub(r"\1", text) if "mailto:" in text else text


def _cancelled(title: str, status_text: str) -> tuple[bool, str]:
    """Whether the item will not be done, and its title without the cancel marker, the reason given
    kept in brackets after it (it is named in the import's notes): "Move X (won't do: too costly)"."""
    if STRUCK.match(title) or CANCELLED.match(status_text.strip()):
        return True, title
    m = _CANCEL_MARK.search(title)
    if m:
        why = (m.group("why") or m.group("why2") or "").strip().strip(" .")
        rest = STRUCK.sub(r"\1", title[: m.start()] + " " + title[m.end() :])  # "~~X~~ (won't do)"
        return True, rest.strip() + (f" ({why})" if why else "")
    # "~~X~~ (too costly)", "~~X~~ — superseded by Y": struck with why; "~~Upgrade~~ Replace the DB" corrects
    m = _STRUCK_LEAD.match(title)
    why = m.group("why").strip() if m else ""
    if m and (re.match(r"[(\[:–—-]", why) or _STRUCK_WHY.match(why)) and status_of(why)[0] is None:
        why = why.strip(" ()[]:;,.–—-")
        return True, m.group("title").strip() + (f" ({why})" if why else "")
    return False, title


# A priority mark in an item's text: "(P1)", "[P2]", "— Priority: High —", "Priority: P0", "P1: Add …".
# It stayed in the title, which then named another follow-up than the same item reprioritised (the next
# import called it gone and a new one added). The KB's follow-ups have no priority field
# (docs/kb-format.md), so it is taken out, as a status word is. Only as a mark: "Upgrade to P2 instances"
# "Raise the priority of paging alerts" and "Set priority: high on DB pages" keep their words. No two space runs meet ("(?<!\s)"): quadratic
_PRIORITY_VALUE = r"(?:P[0-4]|critical|urgent|highest|high|medium|normal|lowest|low)"
_PRIORITY = re.compile(
    rf"(?<!\s)\s*[(\[][ \t]*(?:P[0-4]|priority[ \t]*[:=]?[ \t]*{_PRIORITY_VALUE}|{_PRIORITY_VALUE}[ \t]+priority)[ \t]*[)\]]"
    rf"|(?<!\s)(?:\s+[-–—]+[ \t]*|\s*[,;][ \t]*|(?<=[.!?])\s+|^[ \t]*)priority[ \t]*[:=][ \t]*{_PRIORITY_VALUE}\b"
    rf"(?=[ \t]*(?:$|[-–—,;.)\]]))\.?"
    rf"|(?<!\s)\s+[-–—]+[ \t]*P[0-4]\b(?=[ \t]*(?:[-–—]|$))"
    rf"|^[ \t]*P[0-4][ \t]*[:–—-][ \t]*",
    re.I,
)


def _unprioritised(title: str) -> str:
    """``title`` without the priority marks written in it (_PRIORITY)."""
    return _PRIORITY.sub(" ", title).strip() if re.search(r"(?i)p[0-4]|priority", title) else title


# a bracket ending an owner: "@alice (SRE)", "Ana Ruiz (she/her)", "TBD (will assign)" (_ROLE: one in a line)
_ROLE_END = re.compile(r"(?<=\S)\s*\([^()]*\)$")


def _who(owner: str) -> str:
    """The owner as recorded: a link's text, no mention sign, no role in a bracket after the name
    ("@alice (SRE)" was an owner of its own in the report, beside "alice")."""
    return _ROLE_END.sub("", _plain(_link_text(owner)).lstrip("@"))


# several owners in one owner field (a follow-up's, the review's), "Ana Ruiz, Bob Lee", "@ana; @bob": split only
# there, at a comma only between names (_field_names), never inside a bracket ("Ana Ruiz (she/her)" is one person,
# "[Ana](mailto:a@x.io)" one link). Not at "/", "&" or "and": "SRE/Platform", "Research & Development" and
# "Platform and Infra" were split as a review owner's (found in review)
# split at always: a semicolon, a Confluence cell's line break ("Ana Ruiz<br>Lee Park"); the lines and the commas
# of a cell were read by two splitters, "Ana Ruiz<br>Bob Lee, Cara Diaz" leaving out 'Bob Lee, Cara Diaz' as one
# name and "Ana Ruiz, Bob Lee<br>bob lee" Bob twice (found in review)
_ALWAYS_SEP = re.compile(r";|<br\s*/?>", re.I)
_COMMA = re.compile(",")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
# a bracket, kept whole when names are split: "Ana Ruiz (she/her)", "[Ruiz, Ana](mailto:a@x.io)"
_WHOLE = re.compile(r"(\([^()]*\)|\[[^\[\]]*\])")


def _split_names(line: str, sep: re.Pattern) -> list[str]:
    r"""``line`` split at ``sep`` outside brackets (``_WHOLE``). A look-ahead for the bracket's end at each
    separator ("(?![^()]*\))") read the rest of the line at each: 50,000 commas in a cell took 27 s."""
    names, current_name = [], ""
    for part in _WHOLE.split(line):
        if _WHOLE.fullmatch(part):
            current_name += part
            continue
        first, *rest = sep.split(part)
        current_name += first
        for piece in rest:
            names.append(current_name)
            current_name = piece
    return [*names, current_name]


_NAMES_READ = 50  # the names of a field read, at most: each is tested (a date? a placeholder?); 50,000 took 3 s


def _field_names(line: str) -> list[str]:
    """The names of an owner field: split at each semicolon and line break (``_ALWAYS_SEP``), and at the commas of
    a part when one of its two pieces names someone on its own (``_a_name``: "Ana Ruiz, Bob", "@ana, bob") or no one
    ("TBD, n/a"; "TBD, Ana" is Ana's: it was one owner, "TBD, Ana"), or there are three or more (a list: "Ana, Bob,
    Cy"). "Smith, Ana", "SRE, Platform" and "Ruiz, Ana (payments)" are one, whose first word was the owner (found in
    review), as is "Priya, Sam" (``paired_names``: the import says so, or splits it when the postmortem names them
    apart); "Ana Ruiz, Bob" was one too, Bob unsaid (found in review). The first ``_NAMES_READ`` parts only."""
    names = []
    for part in _split_names(line, _ALWAYS_SEP)[:_NAMES_READ]:
        pieces = _split_names(part, _COMMA)
        named = [p for p in pieces[:_NAMES_READ] if p.strip(" *_")]
        said = [_a_name(p) for p in named] if len(named) == 2 else []
        names += pieces if len(named) > 2 or any(said) else [part]
    return names


def _a_name(piece: str) -> str | None:
    """What a piece of an owner field between commas names on its own: "name", someone (two words or more, its
    bracket aside, "Ana Ruiz (payments)"; a mention; an e-mail address); "nobody", no one ("TBD, Bob Lee" is Bob
    Lee's); None, neither (one word: "Smith" of "Smith, Ana", "SRE" of "SRE, Platform")."""
    piece = piece.strip(" *_")
    who = _tentative(piece) or _who(piece)
    if len(who.split()) > 1 or piece.startswith("@") or _EMAIL.search(piece):
        return "name"
    return "nobody" if _nobody(piece) else None


def paired_names(owner: str | None) -> list[str]:
    """The two one-word pieces of an owner kept whole ("Priya, Sam": ``_field_names``), each as recorded; [] for any
    other owner. A surname and a given name or a team ("Smith, Ana", "SRE, Platform") read as one, it may as well be
    two people: the import says so, or splits it where the postmortem names them apart (postmortem._paired_owner)."""
    pieces = _split_names(owner, _COMMA) if owner and "," in owner else []
    if len(pieces) != 2 or _ALWAYS_SEP.search(owner):
        return []
    names = [_who(p.strip(" *_")) for p in pieces]
    return names if all(len(n.split()) == 1 for n in names) else []


def people_named(text: str) -> list[str]:
    """The people a field names, in order, each once (case aside), as an owner is recorded (``_who``: no mention
    sign, no role or pronouns in a bracket), split as ``_field_names`` does (a follow-up's owner field, a
    postmortem's people field); none for a field naming no one or a date (``_nobody``: "TBD.", "(unassigned)", "Unowned",
    "n/a", "N / A", "TBD (will assign)", "Dec 1, 2026": the whole field first, no two names), a placeholder among
    them passed over ("TBD, Lee Park" is Lee Park's), and one naming someone in a bracket that person ("TBD (Ana
    Ruiz)": ``_tentative``). The review owner had a reader of its own: 'TBD.', '(unassigned)' and 'Ana Ruiz (she'
    were owners (found in review); then 'TBD' of "TBD (will assign)", 'n' of "n/a." and 'N' of "N / A"."""
    line = one_line(text)
    if _nobody(line.strip(" *_")) and not _tentative(line.strip(" *_")):
        return []
    out, seen = [], set()
    for name in _field_names(line)[:_NAMES_READ]:
        name = name.strip(" *_")
        who = _tentative(name) or _who(name)  # its bracket out before the test: "TBD (will assign)" is "TBD"
        if has_text(who) and not _nobody(who) and who.casefold() not in seen:
            seen.add(who.casefold())
            out.append(who)
    return out


# a placeholder and a bracket after it: "TBD (Ana Ruiz)", "TBC (@ana)"
_TENTATIVE = re.compile(r"(.*?\S)\s*\(([^()]*)\)")


def _tentative(text: str) -> str | None:
    """The person a placeholder names in a bracket after it ("TBD (Ana Ruiz)", "TBC (@ana)": Ana Ruiz, ana), as
    recorded; None for words that name no one ("TBD (will assign)", "N/A (no owner yet)") or no placeholder
    before the bracket ("Ana Ruiz (payments)": a role). "TBD (Ana Ruiz)" was no owner, the name dropped unsaid."""
    m = _TENTATIVE.fullmatch(text.strip())
    if m is None or not _ownerless(m.group(1)) or not _bracket_name(name := m.group(2).strip()):
        return None
    return _who(name) or None


def _nobody(owner: str) -> bool:
    """An owner that names nobody (_ownerless) or is a date: an owner column "2026-03-01", "May 3"."""
    return _ownerless(owner) or dated(_plain(_link_text(owner)))


def _ownerless(owner: str) -> bool:
    """An owner cell or label that names nobody: a placeholder, "Unassigned", "*Unowned*", "(none)", "n/a.",
    "TBD (will assign)" (the words in a bracket after it say why, as a role after a name does)."""
    bare = _ROLE_END.sub("", _link_text(owner).strip())  # a link's "(mailto:…)" is no bracket said
    return any(
        is_placeholder(t) or _NO_OWNER.fullmatch(t.strip().strip("()[] ").rstrip(".").strip()) is not None
        for t in {owner, bare, bare.rstrip(".")}  # "n/a." and "TBD." are the placeholders
    )


def from_table(rows: list[str], people: frozenset = frozenset()) -> list[dict]:
    header = [_plain(c).lower() for c in table_cells(rows[0])]
    title_n = _col(header, _TITLE_COLS)
    title_n = 0 if title_n is None else title_n
    done_n = _col(header, _DONE_COLS)
    unread = [h if n != done_n else "" for n, h in enumerate(header)]  # "Date completed" is no due date column
    cols = {
        k: _col(unread, names)
        for k, names in (("ticket", _TICKET_COLS), ("owner", _OWNER_COLS), ("due", _DUE_COLS), ("status", _STATUS_COLS))
    }
    cols["done"] = done_n
    # Jira's Resolution beside its Status: "Closed" + "Won't Do" closes the issue undone, as "Won't Do" in the
    # Status column does; it was read as done ("Closed"). Not "Resolution date", the done column (unread)
    cols["resolution"] = _col(unread, ("resolution",))
    if done_n is None and cols["status"] is not None and _col([header[cols["status"]]], ("done",)) == 0:
        cols["done"] = cols["status"]  # a "Done" column: a date in it is the day
    out = []
    dues = [
        table_cells(r)[cols["due"]] for r in rows[1:] if cols["due"] is not None and cols["due"] < len(table_cells(r))
    ]
    order = _slash_order(dues)
    for row in rows[1:]:
        cells = table_cells(row)
        if all(set(c) <= set("-: ") for c in cells):
            continue
        cells = [unescape(_br_cell(c, n == cols["owner"])) for n, c in enumerate(cells)]

        def get(k, cells=cells):
            return cells[cols[k]] if cols[k] is not None and cols[k] < len(cells) else ""

        rest = " ".join(c for n, c in enumerate(cells) if n != title_n and n not in cols.values())
        title = cells[title_n] if title_n < len(cells) else ""
        # a done column holding a mark, not a day ("Resolved | ✅"), says the status as the other cells do
        status_text = get("status") or next((t for t in (rest, get("done"), get("resolution")) if status_of(t)[0]), "")
        status_text = get("resolution") if CANCELLED.match(_plain(get("resolution"))) else status_text
        due_text = _plain(current(get("due")))
        it = item(
            title,
            status_text=status_text,
            owner=current(get("owner")) or None,
            due=parse_date(due_text) or _in_order(due_text, order),
            ticket_text=get("ticket") or ((m := prose_ticket(rest)) and m.group(0)) or "",
            people=people,
            done_text=_plain(current(get("done"))),
        )
        # a row with no title of its own is named by its other cells (a template's placeholders are none)
        it = _kept(it, " ".join(c for c in cells if not is_placeholder(_plain(c))))
        if it["title"] and not is_placeholder(it["title"]):
            out.append(_due_unread(it, due_text))
    return out


# a line break in a cell, as Confluence writes one into a Markdown table: "Jonas Albrecht<br>@Ana Ruiz",
# "… `allkeys-lru`<br>_apply to all session clusters_" were an owner and a title with "<br>" in them
# (a match starts at a run of spaces' first only: tried at each, a long run before a "<" was quadratic)
_BR = re.compile(r"(?<![ \t])[ \t]*<br[ \t]*/?>[ \t]*", re.I)


def _br_cell(cell: str, owner: bool) -> str:
    """``cell`` with its line breaks read: an owner cell's kept for ``people_named``, which splits there (a
    follow-up has one owner, the first named, the others said), another's lines joined, by a space where a line
    continues the sentence in small letters ("Add a runbook<br>for failover"), else by "; " (a note below the
    title)."""
    if owner or "<" not in cell or not _BR.search(cell):
        return cell
    return _BR.sub(lambda m: " " if re.match(rf"[{LOWER}]", cell[m.end() :]) else "; ", cell).strip(" ;")


def _slash_order(texts: list[str]) -> str | None:
    """ "md" (month first) or "dm" when the slash dates of a column that only one order reads agree on
    it: a PagerDuty export's due column "12/15/2026", "12/05/2026" is month-first throughout, and its
    "12/05/2026" was said not read (either order makes a date), the follow-up recorded with no due date."""
    orders = set()
    for t in texts:
        for m in slash_dates(t):  # "12-05-26" too, as a slash one
            a, b = int(m.group(1)), int(m.group(2))
            orders |= {"dm"} if a > 12 >= b else {"md"} if b > 12 >= a else set()
    return orders.pop() if len(orders) == 1 else None


def _in_order(text: str, order: str | None):
    """The date of an ambiguous slash date ("12/05/2026") read in its column's ``order``, else None."""
    m = slash_date(text) if order and ambiguous_date(text) else None
    if m is None:
        return None
    a, b, year = int(m.group(1)), int(m.group(2)), int(full_year(m.group(3)))  # "12/05/26" too
    month, day = (a, b) if order == "md" else (b, a)
    return dt.date(year, month, day)


def _due_unread(it: dict, due_text: str) -> dict:
    if it["due"] is None and re.search(r"\w", due_text) and not is_placeholder(due_text):
        it["due_unread"] = due_text  # "Q1 2027", "Nov 30": said in the import's notes, not dropped unsaid
    return it


def from_mappings(entries) -> list[dict]:
    """Follow-ups kept as data (front matter's ``action_items:``): mappings whose keys are named as a
    table's columns are ({title, owner, due, status, ticket}), or plain strings, each read as a list item."""
    out = []
    for entry in entries if isinstance(entries, list) else [entries]:
        if isinstance(entry, dict):
            low = {str(k).strip().lower().replace("_", " "): v for k, v in entry.items() if v not in (None, "")}

            def get(names, low=low) -> str:
                value = next((v for k, v in low.items() if _col([k], names) == 0), "")
                return ("done" if value else "open") if isinstance(value, bool) else _plain(str(value))

            due_text = current(get(_DUE_COLS))
            it = item(
                get(_TITLE_COLS),
                status_text=get(_STATUS_COLS),
                owner=current(get(_OWNER_COLS)) or None,
                due=parse_date(due_text),
                ticket_text=get(_TICKET_COLS),
                done_text=get(_DONE_COLS + ("done",)),  # "completed_on: 2026-03-04", "done: 2026-03-04"
            )
            it = _due_unread(it, due_text)
        else:
            it = _kept(item(str(entry)), str(entry))
        if it["title"] and not is_placeholder(it["title"]):
            out.append(it)
    return out


def _list_entries(lines: list[str]) -> list[tuple[int, str | None, str]]:
    """(indent, checkbox, text) per list item; wrapped lines are joined onto their item."""
    entries: list = []
    open_item = False  # whether the next text line may continue the last item
    for ln in lines:
        m = LIST_ITEM.match(ln)
        indent = len(ln.expandtabs(4)) - len(ln.expandtabs(4).lstrip())
        if m:
            entries.append([len(m.group(1).expandtabs(4)), m.group(2), m.group(3).strip()])
            open_item = True
        elif not ln.strip():
            open_item = "blank" if open_item else False  # after a blank line only an indented line continues
        elif open_item and not ln.lstrip().startswith(("#", "|")) and (open_item is True or indent > entries[-1][0]):
            entries[-1][2] += " " + ln.strip()  # a wrapped line continues the item above
            open_item = True
        else:
            open_item = False  # a paragraph after the list ("These were agreed in the review") is no item
    return [tuple(e) for e in entries]


# a sub-item that only gives a field of the item above it ("  - Owner: Alex Kim", "  - **Due date:** Dec
# 10, 2026", "  - Ticket: PAY-991"), as teams write one action item over several lines. Each was read as
# an item of its own: "Ticket" a follow-up, "Owner: …" an empty one dropped, the field lost
_SUB_FIELD = re.compile(
    r"^(?P<label>owner|assignee|assigned to|due(?:[ \t]+date)?|deadline|target date|eta|ticket|jira|issue|bug|"
    r"tracking|status|state|completed|done|date completed|closed on|finished|resolved(?:[ \t]+on)?|resolution[ \t]+date)"
    r"[ \t]*[:=][ \t]*(?P<value>.*)$"
    # "owner Alex Kim", "owner - @alex": no colon, but a name or a mention alone after the label
    rf"|^(?P<label2>owner|assignee)[ \t]*(?:[–—-][ \t]*)?(?P<value2>@[\w.-]+|(?-i:[{UPPER}][\w.'’-]*(?:[ \t][{UPPER}][\w.'’-]*){{0,2}}))$",
    re.I,
)


def _sub_field(text: str) -> tuple[str, str] | None:
    """(owner|due|ticket|status, value) of a sub-item that names one field of its item, else None."""
    m = _SUB_FIELD.match(_plain(_plain_labels(current(text))))
    if m is None:
        return None
    label = (m.group("label") or m.group("label2")).lower()
    kind = next(k for k, names in _SUB_KINDS.items() if any(label.startswith(x) for x in names))
    value = (m.group("value") or m.group("value2") or "").strip()
    # "  - Done: 2026-03-04" gives the day; "  - Done: rotate the other keys" is an item of its own
    return None if kind == "done" and not any(done_day(current(value))) else (kind, value)


# a sub-item that says its item is blocked, "  - **Blocked** waiting on vendor", "  - Blocked: legal": it
# was a follow-up of its own ("waiting on vendor") and the item above it read as not blocked
_SUB_BLOCKED = re.compile(
    rf"^\s*(?:{_BOLD}blocked(?::?{_BOLD}|{_BOLD}\s*:)|blocked\s*(?::|[-–—]|$|\s(?=(?:on|by|until|pending|waiting|for)\b)))",
    re.I,
)


def _sub_blocked(text: str) -> tuple[str, str] | None:
    """("status", the words as written) of a sub-item that says its item is blocked, else None."""
    return ("status", _plain(text).strip(" *_")) if _SUB_BLOCKED.match(text) else None


_SUB_KINDS = {
    "owner": ("owner", "assign"),
    "due": ("due", "deadline", "target", "eta"),
    "ticket": ("ticket", "jira", "issue", "bug", "tracking"),
    "status": ("status", "state"),
    # "  - Resolved: 2026-11-17 15:45" (Jira's word for the day an issue was done): it was an item of its own
    "done": ("completed", "done", "date completed", "closed", "finished", "resolved", "resolution"),
}


def _set_sub_field(it: dict, kind: str, value: str) -> None:
    """Set ``it``'s field from its sub-item, unless the item itself already said it."""
    value = current(value)
    if kind == "owner" and not it["owner"]:
        _set_owner(it, value)  # "  - Owner: Ana Ruiz, Bob Lee", "  - Owner: TBD (Ana Ruiz)": as an owner cell
    elif kind == "due" and it["due"] is None:
        it["due"] = parse_date(value) or find_date(value)[0]
        _due_unread(it, "" if it["due"] else value)
    elif kind == "ticket" and not it["ticket"] and not is_placeholder(value):
        it["ticket"] = ticket_of(value) or value
    elif kind == "status" and _CANCEL_LEAD.fullmatch(value):  # "  - Status: Won't Fix": it stayed open
        it["cancelled"] = True
    elif kind in ("done", "status") and ((said := _done_said(value)) or kind == "done"):
        day, unread = said or done_day(value)  # "Completed: Mar 4", "Status: Done 2026-03-04": read once
        if not (it.get("done") or it.get("done_unread")):
            it.update({"status": "done"} | ({"done": day} if day else {"done_unread": unread}))
    elif kind == "status" and field_status(value):
        it["status"] = "done" if field_status(value) == "done" else it["status"]
    elif kind == "status" and _BLOCKED_FIELD.match(value) and it["status"] == "open":
        it.setdefault("blocked", _plain(value))  # "  - Status: Blocked on vendor": was dropped unsaid


def from_list(lines: list[str], people: frozenset = frozenset()) -> list[dict]:
    # Markdown's backslash escapes are taken out before an item's fields are read, as a Google Docs export
    # escapes much: "\(owner: Lena Fischer, due Dec 1, 2026\)", "eu\-west\-1 \- Tom Becker \- Dec 19" were
    # read as no bracket and no dash ("… on DNS errors \ ()" was the title); taken out of the titles read
    # (and a table's cells: from_table), they had also left "worker\_count" and "\> 0" in follow-up titles
    entries = [(indent, box, unescape(_br_cell(text, False))) for indent, box, text in _list_entries(lines)]
    names = bracket_names([text for _, _, text in entries])
    out: list[dict] = []
    above: list[tuple[int, dict]] = []  # (indent, item) of the items read: a field sub-item is the field of the nearest
    for n, (indent, box, text) in enumerate(entries):
        parent = next((it for at, it in reversed(above) if at < indent), None)
        if parent is not None and (sub := _sub_field(text) or _sub_blocked(text)):
            _set_sub_field(parent, *sub)
            continue
        nested = n + 1 < len(entries) and entries[n + 1][0] > indent
        if nested and text.rstrip("*_ ").endswith(":"):
            continue  # a group label ("Prevent:") over its own items
        checked = None if box is None else box in "xX✓"
        it = _kept(item(text, checked=checked, names=names, people=people), text)
        above = [a for a in above if a[0] < indent]
        if it["title"] and not is_placeholder(it["title"]):
            out.append(it)
            above.append((indent, it))
    return out


def _kept(it: dict, text: str) -> dict:
    """``it``, titled by its ``text`` as written when reading its fields left no title: an item is never
    dropped unsaid for what it says ("- [x] Done @sam" was), only a template's placeholder is."""
    if (not it["title"] or is_placeholder(it["title"])) and not is_placeholder(plain := _plain(text)):
        it["title"] = plain
    return it


def parse_action_items(text: str) -> list[dict]:
    """Follow-ups from a section's Markdown: every table, then every list outside tables; read again
    when a name alone ends an item that the section says is a person's (_people)."""
    text = strip_placeholders(text)
    items = _read_items(text, frozenset())
    people = _people(text, items)
    return merged(_to_owners(_will_owners(_read_items(text, people) if people else items)))


# "Priya will add an alert on queue depth": a name leading an item, "will" and a verb after it, is the
# owner of an item that names none (it stayed in the title, no owner). A full name is one by the rules
# of _person_name; a first name alone only when the section says it is a person's: it owns another item
# (a column, a label, a mention). "Checkout will retry payments", "We will …", "Frankfurt will fail over"
# lead items as names do, in a list of "Priya will …" items too: no list of words tells them all apart
_NOT_WILL_VERB = r"(?!(?:be|not|never|have|need|likely|probably|still|also|now|then|soon|only|always|no)\b)"
_WILL = re.compile(rf"({_NAME_WORD}(?: {_NAME_WORD}){{0,2}})[ \t]+will[ \t]+{_NOT_WILL_VERB}[{LOWER}]")


def _will_owners(items: list[dict]) -> list[dict]:
    """``items``, each with no owner that a name leads with "will" (_WILL) owned by that name, and its
    title the rest, capitalised: "Add an alert on queue depth"."""
    leads = [(it, m) for it in items if not it["owner"] and (m := _WILL.match(it["title"]))]
    owners = _owner_names(items)
    for it, m in leads:
        name = m.group(1)
        if _known_person(name, owners):
            rest = it["title"][m.end() - 1 :]  # from the verb's first letter
            it["owner"], it["title"] = name, rest[:1].upper() + rest[1:]
    return items


def _owner_names(items: list[dict]) -> set[str]:
    """The owners of ``items`` (casefolded), and the first name of each that is a person's full name."""
    owners = {_plain(it["owner"]).lstrip("@").casefold() for it in items if it["owner"]}
    # "Priya will …" beside an item owned by "Priya Shah": her first name, as a team writes it (the
    # item kept no owner, as only "Priya" owning one counted); a full name's only, never "Checkout Team"'s
    return owners | {name.split()[0] for name in owners if " " in name and _person_name(name.title())}


def _known_person(name: str, owners: set[str]) -> bool:
    """Whether ``name`` leading "will" or "to" is a person's: a full name by _person_name, a first name
    alone only when it is one of ``owners`` (_owner_names)."""
    return _person_name(name) and (" " in name or name.casefold() in owners)


# "Migrate the queue — Sam to pick up next sprint", "Add an alert - Priya to own": a name and "to" and a
# verb after an item's last dash say who does it, as "Priya will …" leading it does (the name stayed in
# the title, no owner). By the same rules: a full name, or a first name the section names an owner. The
# words after the dash say who and when, not what: they leave the title. "to" before an article, a
# pronoun or a place a change goes ("— Staging to prod", "— Sam to the on-call") is no verb.
# "— Priya will own" after the dash is the same (it stayed in the title), "will" read as _WILL reads it
_TO = re.compile(
    rf"({_NAME_WORD}(?: {_NAME_WORD}){{0,2}})[ \t]+(?:to[ \t]+"
    r"(?!(?:be|not|the|a|an|all|any|each|every|both|this|that|these|those|his|her|him|their|them|our|us|"
    r"my|me|your|its|it|prod|production|staging|dev|main|master|latest|stable)\b)"
    rf"|will[ \t]+{_NOT_WILL_VERB})[{LOWER}][^\n]*"
)


def _to_owners(items: list[dict]) -> list[dict]:
    """``items``, each with no owner whose title has a dash and a person "to" or "will" a verb (_TO) owned by
    that person, the title what comes before the dash. The last such part between dashes is read: one
    with more after it ("— Sam to pick up — after the freeze") loses only itself, the words after it
    kept in the title ("Migrate the queue — after the freeze"; it kept no owner)."""
    owners = _owner_names(items)
    for it in items:
        title = it["title"]
        seps = [] if it["owner"] else list(_TAIL_SEP.finditer(title))
        for sep, nxt in reversed(list(zip(seps, [*seps[1:], None]))):
            m = _TO.fullmatch(title, sep.end(), nxt.start() if nxt else len(title))
            if m and title[: sep.start()].strip() and _known_person(m.group(1), owners):
                it["owner"], it["title"] = (
                    m.group(1),
                    title[: sep.start()].rstrip() + (title[nxt.start() :] if nxt else ""),
                )
                break
    return items


def _read_items(text: str, people: frozenset) -> list[dict]:
    out, table, rest = [], [], []
    for ln in text.splitlines() + [""]:
        if ln.strip().startswith("|"):
            table.append(ln)
            continue
        if len(table) >= 2:
            out += from_table(table, people)
        table = []
        rest.append(ln)
    return out + from_list(rest, people)


def _people(text: str, items: list[dict]) -> frozenset:
    """The owners of ``items`` (casefolded) when a name alone ends a line of ``text`` after a dash that
    is one of them, else none: the people such a name may be."""
    alone = []
    for line in text.splitlines():
        seps = list(_TAIL_SEP.finditer(line))
        kind, name, _ = _tail_field(line[seps[-1].end() :]) if seps else (None, None, None)
        alone += [name.casefold()] if kind == "name" else []
    owners = {_plain(it["owner"]).lstrip("@").casefold() for it in items if it["owner"]}
    return frozenset(owners) if owners.intersection(alone) else frozenset()


def merged(items: list[dict]) -> list[dict]:
    """One follow-up per action: the same title twice (a table and a list restating it, a summary list
    above the detailed one) is one item, its owner, due date and ticket taken from whichever says them.
    Two with different owners, due dates or tickets ("Update the runbook" for two teams) stay two."""
    out: list[dict] = []
    by_key: dict[str, list[dict]] = {}  # a postmortem of 7,000 follow-ups compared each with all: minutes
    for it in items:
        key = _key(it)
        same = next((o for o in by_key.get(key, ()) if _agree(o, it)), None)
        if same is None:
            out.append(dict(it))
            by_key.setdefault(key, []).append(out[-1])
            continue
        for name in ("owner", "due", "ticket"):
            same[name] = same[name] or it[name]
        if it.get("owners_left") and same["owner"] == it["owner"]:  # the names its owner cell left out
            same.setdefault("owners_left", it["owners_left"])
        if it["status"] == "done":
            same["status"] = "done"
            for name in ("done", "done_unread"):  # the day it was done, from whichever says it
                if it.get(name) and not (same.get("done") or same.get("done_unread")):
                    same[name] = it[name]
        if same["status"] == "done":  # a blocked item said done elsewhere: blocked no longer
            same.pop("blocked", None)
        elif it.get("blocked"):
            same.setdefault("blocked", it["blocked"])
    return out


def _key(it: dict) -> str:
    return re.sub(r"\W+", " ", it["title"].casefold()).strip()


def _agree(a: dict, b: dict) -> bool:
    return all(not a[n] or not b[n] or a[n] == b[n] for n in ("owner", "due", "ticket"))
