"""Read a postmortem as people write it into the parts Recur records.

Layouts: Google SRE (``## Root Causes`` headings or ``**Root Causes**: …`` bold labels, an
action-item table), Atlassian (Leadup, Fault, Blameless root cause, Lessons we learned,
Root cause identification: The Five Whys, Corrective actions; as headings or as a two-column
table), and common variants. Front matter may be YAML (``---``) or TOML (``+++``).

Metadata is read from front matter, ``Date:``/``Severity:`` labels (plain, bold or table
rows) and ``## Date`` headings; with no severity field, the severities the text says ("This was a
Sev-1 incident") are collected for the importer (``pm_severity``). The date may also come from dated timeline headings
(``### 2023-07-19``) or, last, the first dated sentence; ``date_source`` says which.
Action items become follow-ups (``action_items``). Headings that map to nothing are kept
and listed in ``unmapped``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field, fields, replace

from recur.ingest.action_items import due_column, from_mappings, merged, paired_names, parse_action_items, people_named
from recur.ingest.pm_clock import entry, minutes_between, moment, zoned_range
from recur.ingest.pm_markup import (
    drop_html_comments,
    emoji_shortcodes,
    grid_tables,
    pipeless_tables,
    table_cells,
    to_markdown,
)
from recur.ingest.pm_severity import candidates, mentions
from recur.ingest.pm_text import (
    MONTH_DAY,
    MONTH_NAME,
    PROJECT_KEY,
    ambiguous_date,
    clean_title,
    day_of_month,
    document_year_first,
    due_after,
    find_date,
    full_year,
    in_order,
    is_generic_title,
    is_placeholder,
    month_day,
    on_or_before,
    parse_date,
    read_duration,
    review_held,
    review_status,
    review_when,
    slash_date,
    slash_orders,
    strip_placeholders,
    title_reference,
    unescape,
    unescape_prose,
    unknown_unit,
    without_lead_emoji,
    year_first,
)
from recur.kb.incident_record import numbered_levels
from recur.kb.schema import WONT_DO
from recur.util.dates import day_month, local_date
from recur.util.text import CJK, ascii_int, control_character, count_controls, one_line, replace_links, without_controls

CANONICAL = {
    "Summary": [
        "summary",
        "executive summary",
        "overview",
        "incident summary",
        "description",
        "what happened",
        "tl;dr",
        "tldr",
        "abstract",
        # a German or Japanese postmortem's: unmapped, its summary was not the record's Summary
        *("zusammenfassung", "kurzfassung", "überblick", "概要", "要約", "サマリー"),
    ],
    "Impact": ["impact", "customer impact", "user impact", "business impact", "auswirkung", "auswirkungen", "影響"],
    "Root cause": [
        "root cause",
        "root causes",
        "root cause analysis",
        "cause",
        "causes",
        "fault",
        "contributing factors",
        "blameless root cause",
        "why it happened",
        "why",  # a plain-text write-up's "Why: the IdP vendor had a regional outage."
        "why did it happen?",  # Notion's postmortem template, "(5 whys)" after it
        "why did this happen?",
        "why did it happen",
        "why did this happen",
        *("ursache", "ursachen", "grundursache", "grundursachen", "ursachenanalyse", "原因", "根本原因", "原因分析"),
    ],
    "Trigger": ["trigger", "triggers"],
    "Leadup": ["leadup", "lead-up", "lead up", "background", "context"],
    "Detection": ["detection", "how was it detected"],
    "Response": ["response"],
    "Resolution": ["resolution", "recovery", "remediation steps"],
    # what was done during the incident to stop the harm: a section of the record of its own, never follow-ups
    # (it is done already). Its list was kept under the postmortem's heading and said "not imported as
    # follow-ups", advising to move it under Action items; "## Mitigation" was merged into the Resolution
    "Mitigations": [
        "mitigations",
        "mitigation",
        "mitigation steps",
        "immediate mitigation",
        "immediate mitigations",
        "immediate actions",
        "immediate actions taken",
    ],
    "Five whys": ["five whys", "5 whys", "whys", "root cause identification: the five whys"],
    "Action items": [
        "action items",
        "corrective actions",
        "follow-ups",
        "follow ups",
        "followups",
        "next steps",
        "remediation",
        "preventive actions",
        "action items and follow-ups",
        "postmortem actions",
        "tasks",  # FireHydrant's retrospective: "## Tasks", a Task | Assignee | State table
        "follow-up tasks",
        "action items and tasks",
        # Atlassian's incident handbook splits them: "Priority actions" (the root cause) and
        # "Improvement actions"; neither was mapped, and such a postmortem recorded no follow-up
        "priority actions",
        "improvement actions",
        # headings of follow-ups that mapped to nothing, their items dropped (a Confluence page's "Actions"
        # over its inline task list). Not "Mitigations": "Mitigation" is the Resolution, and a list of
        # mitigations says what was done (its own section); not "TODO", a draft's "**TODO:** write this up"
        "actions",
        "action plan",
        "repair items",
        "to do",
        "to-do",
        "to-dos",
        "what we are doing about it",
        "what we're doing about it",
        "what we’re doing about it",
        # a German or Japanese postmortem's: its table of due dates was read as the first dated sentence, the
        # incident dated by an action item (a heading no alias names is no action items section)
        *("maßnahmen", "massnahmen", "maßnahme", "massnahme", "folgemaßnahmen", "korrekturmaßnahmen", "aufgaben"),
        *("対策", "再発防止策", "今後の対策", "アクションアイテム"),
    ],
    "Lessons learned": [
        "lessons learned",
        "lessons",
        "what went well",
        "what went wrong",
        "where we got lucky",
        "learnings",
        "lessons we learned",
        "lessons learnt",
        "how'd we do?",  # PagerDuty's template, over "What went well" / "What didn't go so well"
        "how'd we do",
        "how did we do",
        "what didn't go so well",
        "what didn't go well",
        "what could be improved",
        "what can be improved",  # GitLab's incident review
        "what could have gone better",
    ],
    "Timeline": ["timeline", "timeline of events", "chronology", "milestones", "key milestones"],  # FireHydrant
    # the record's own References section, which the import writes the source line to: a postmortem's
    # "## References" was said as one Recur "could not map", beside "Mapped: Incident → References"
    "References": ["references", "reference", "links", "related links"],
}
_LOOKUP = {alias: name for name, aliases in CANONICAL.items() for alias in aliases}
# headings no alias names, by their words (order matters: "Root cause identification: The Five Whys")
KEYWORDS = [
    (r"\b(?:five|5)\s+whys?\b", "Five whys"),
    (r"\broot[- ]?causes?\b|\bcontributing factors?\b|\bcausal\b", "Root cause"),
    (r"\blessons?\b|\blearn(?:ed|t|ings?)\b|\bwent (?:well|wrong)\b|\bgot lucky\b", "Lessons learned"),
    (
        r"\baction items?\b|\bcorrective\b|\bfollow[- ]?ups?\b|\bremediation items?\b|\bpreventi(?:ve|on)\b"
        r"|\baction plan\b|\brepair items?\b",
        "Action items",
    ),
    (r"\btimeline\b|\bchronology\b|\bsequence of events\b", "Timeline"),
    (r"\bimpact\b", "Impact"),
    (r"\btriggers?\b", "Trigger"),
    (r"\bdetect(?:ion|ed)?\b", "Detection"),
    (r"\bresolution\b|\brecovery\b|\bmitigation\b|\bresolved\b", "Resolution"),
    (r"\blead[- ]?up\b", "Leadup"),
    (r"\bresponse\b", "Response"),
    (r"\bsummary\b|\boverview\b|\bwhat happened\b", "Summary"),
    (r"\bfault\b", "Root cause"),
    (r"\bwhy did (?:it|this|the [\w-]+(?: [\w-]+)?) (?:happen|fail|break)\b", "Root cause"),
]
META_KEYS = {
    "date": "date",
    # a German or Japanese postmortem's ("**Datum:** 20. November 2026", "日付: 2026年11月25日"): unread, the date was
    # taken from the first dated sentence, an action item's due date
    "datum": "date",
    "日付": "date",
    "incident date": "date",
    "date of incident": "date",
    "date/time": "date",
    # when the incident started: its date, and with an end its duration (_start_end_duration)
    "incident start": "start",
    "start time": "start",
    "start": "start",
    "started": "start",  # FireHydrant's "**Started:** 2026-01-20 22:41:03 UTC"
    "started at": "start",
    # PagerDuty's and Opsgenie's incident start: "Triggered: 2026-11-20T23:42:10Z" over "Resolved: …" gave no
    # duration, the Resolved line said "not recorded" (a "Created:" with its time does too, _start_end_duration)
    "triggered": "start",
    "triggered at": "start",
    "triggered on": "start",
    # incident.io's key timestamps: "| Impact started | 3 Nov 2026 09:41 GMT |" over "| Fixed at | … |" gave no
    # duration (its "Started" / "Resolved at" rows did)
    "impact started": "start",
    "impact started at": "start",
    "impact start": "start",
    "impact ended": "end",
    "impact ended at": "end",
    "impact end": "end",
    "incident end": "end",
    "end time": "end",
    "end": "end",
    "ended": "end",
    "ended at": "end",
    "reported": "date",  # incident.io's "| **Reported** | 12 Feb 2026, 08:14 GMT |"
    "reported at": "date",
    "created": "created",
    "created on": "created",
    "created at": "created",
    "date created": "created",
    "severity": "severity",
    "sev": "severity",
    "schweregrad": "severity",  # German and Japanese: the line was the summary's first, its severity read as prose
    "重大度": "severity",
    "incident severity": "severity",
    "priority": "priority",  # a severity only when no severity is given (Jira has both fields)
    "severity level": "severity",
    "impact level": "severity",  # a scale some teams name so ("Impact level: 2")
    "service": "services",
    "services": "services",
    "affected service": "services",
    "affected services": "services",
    "component": "services",
    "components": "services",
    "systems affected": "services",
    # PagerDuty's postmortem fields and their variants: they were lines of the summary, unread
    "impacted services": "services",
    "services affected": "services",
    "services impacted": "services",
    "affected systems": "services",
    "impacted systems": "services",
    "duration": "duration",
    "impact duration": "duration",
    "incident duration": "duration",
    "outage duration": "duration",
    "total duration": "duration",
    # how long it lasted under the names incident tools give it ("Time to resolve: 90 minutes" was a
    # line of the summary, the duration not recorded)
    "time to resolve": "duration",
    "time to resolution": "duration",
    "time to recovery": "duration",
    "time to restore": "duration",
    "downtime": "duration",
    "outage length": "duration",
    # a German postmortem's ("**Dauer:** 1 Std. 25 Min."): its units were read, its field name was not
    "dauer": "duration",
    "status": "status",
    # the document's own state under its name ("Postmortem status: Published" was a line of the summary,
    # the review left pending); not "Incident status", the incident's ("Resolved")
    "postmortem status": "status",
    "post-mortem status": "status",
    "review status": "status",
    "document status": "status",
    "report status": "status",
    "pir status": "status",
    # Blameless's and FireHydrant's names of it: "Retrospective Status: Completed" was a line of the summary
    "retrospective status": "status",
    "retro status": "status",
    "retrospective state": "status",
    # the day the review is held or due: read into review.due, the framework's default was written instead;
    # on a completed review a "date" is the day it was held (review.done), a "due" stays its due date
    "review date": "review date",
    "review due": "review due",
    "review due date": "review due",
    "review scheduled": "review date",
    "pir date": "review date",
    # the review meeting's day: PagerDuty's "**Meeting Scheduled For:** 2026-11-25 16:00 UTC" was a line of the
    # summary and the review given the framework's due date
    "meeting date": "review date",
    "meeting scheduled for": "review date",
    "meeting scheduled": "review date",
    "meeting scheduled on": "review date",
    "review meeting": "review date",
    "review meeting date": "review date",
    "pir meeting": "review date",
    "pir meeting date": "review date",
    "postmortem meeting": "review date",
    "post-mortem meeting": "review date",
    "retro date": "review date",
    "retrospective date": "review date",
    # the day the review was held: review.done (a completed postmortem's review was recorded with no day)
    "review held": "review held",
    "review held on": "review held",
    "reviewed": "review held",
    "reviewed on": "review held",
    "date reviewed": "review held",
    "review completed": "review held",
    "review completed on": "review held",
    "review complete": "review held",
    "review done": "review held",
    "review conducted": "review held",
    "pir held": "review held",
    "pir completed": "review held",
    "pir completed on": "review held",
    "pir done": "review held",
    "retro held": "review held",
    "retrospective held": "review held",
    "postmortem reviewed": "review held",
    "author": "authors",
    "authors": "authors",
    **dict.fromkeys(("autor", "autorin", "autoren", "作成者"), "authors"),  # German, Japanese: a line of the summary
    "owner": "owner",
    "document owner": "owner",  # Confluence's postmortem template: who wrote it, not who owns the incident
    # a Confluence page-properties row: it was a section "Postmortem owner" of the record, said as unmapped
    "postmortem owner": "owner",
    "post-mortem owner": "owner",
    "pir owner": "owner",
    "owner of the postmortem": "owner",  # PagerDuty's; it was said "not recorded", the review given no owner
    "owner of the post-mortem": "owner",
    "owner of the postmortem report": "owner",
    "rca owner": "owner",
    # who led the response: no record field holds it; it was the summary's first line ("Incident commander: …")
    "incident owner": "owner",  # a line of the summary it was; now the record's People section
    "incident commander": "incident lead",
    "commander": "incident lead",
    "incident lead": "incident lead",
    "lead": "incident lead",
    # other roles a tool's page lists (Blameless's "Communications Lead:", GitHub's "Assignees:"): the People
    # section's too, under their own labels; they were lines of the searched summary
    "communications lead": "role",
    "communication lead": "role",
    "comms lead": "role",
    "scribe": "role",
    "assignees": "role",
    "incident manager": "incident lead",
    "title": "title",
    "incident title": "title",
    # fields of a Jira issue or a tracker's export that no record field holds: kept out of the summary
    # and named in the import's notes ("*Reporter:* Dana Wu" was the summary's first line)
    "reporter": "reporter",
    "assignee": "assignee",
    "resolved": "resolved",
    "resolved at": "resolved",
    "resolved on": "resolved",
    "date resolved": "resolved",
    # the end of the incident when no End: line gives it (_start_end_duration); named in the notes otherwise
    "recovered": "resolved",
    "recovered at": "resolved",
    "fixed": "resolved",
    "fixed at": "resolved",
    # mitigation is not the end (the incident goes on, degraded): never the duration, said so in the notes
    "mitigated": "mitigated",
    "mitigated at": "mitigated",
    # a timeline summary's "Detected" row or column: when it was noticed, no record field holds it
    "detected": "detected",
    "detected at": "detected",
    "updated": "updated",
    "last updated": "updated",
    "labels": "labels",
    "label": "labels",
    "issue type": "issue type",
    "fix version": "fix versions",
    "fix versions": "fix versions",
    "fix version/s": "fix versions",
    "affects version": "affects versions",
    "affects versions": "affects versions",
    "affects version/s": "affects versions",
    "watchers": "watchers",
    "sprint": "sprint",
    "epic link": "epic link",
    # a Jira issue's project ("Project: Post Incident Reviews"), beside its Reporter: the summary's second line it was
    "project": "project",
    # Notion's page properties sit beside Owner, Date and Severity: topics, not the services a record
    # holds ("dns, coredns, kubernetes"); they were the summary's first line
    "tags": "tags",
    "tag": "tags",
}
# who wrote the postmortem, owns it or led the response: no incident key holds them (docs/kb-format.md); the
# import writes them as the record's People section (importer._incident_sections), never as a follow-up's owner
PEOPLE_KINDS = {"authors", "owner", "incident lead", "role"}
# the META_KEYS kinds no record field or section holds: said in the import's notes, not dropped unsaid (the
# people, PEOPLE_KINDS, go to People)
UNKEPT_KINDS = set(META_KEYS.values()) - PEOPLE_KINDS - {"date", "start", "end", "created", "severity", "priority"}
UNKEPT_KINDS -= {"services", "duration", "title", "review due", "review date", "review held"}
# a tool's metadata about the incident no record field holds (Blameless's "Incident Type:", "Time to Detect:",
# FireHydrant's "Impacted functionalities:", GitHub's "Milestone:", Rootly's "| Environments | production |"):
# lines of the searched summary, or sections of their own said unmapped; now "- Label: value" lines of a
# Details section, as an Atlassian table's ticket row goes to References (_kv_section)
DETAIL_LABELS = {
    *("incident type", "type", "time to detect", "time to acknowledge", "time to mitigate", "time to resolve"),
    *("time to recover", "time to repair", "customer impact", "current milestone", "milestone"),
    *("impacted functionalities", "functionalities", "affected functionalities", "environments", "environment"),
    *("teams", "team", "responders"),
}
# "Customer Impact: Yes" is a detail; a sentence after the label is the impact, left as it was
_SHORT_ONLY = {"customer impact"}
# No two "\s*" may meet in these (nor "\s*" and a lazy group before "$"): on a line with a long run
# of spaces (a padded pandoc table, a pasted log) such a regex takes cubic time, minutes per line.
# a label of letters of any script ("Datum:", "日付:"; in ASCII what [A-Za-z][A-Za-z /] read), its colon a
# full-width one too, as Japanese writes it ("日付：")
META = re.compile(
    r"^\s*(?:[-*]\s*)?(?:(?:\*\*|__)\s*)?([^\W\d_](?:[^\W\d_]|[ /]){1,24}?)\s*(?:(?:\*\*|__)\s*)?[:：]\s*"
    r"(?:(?:\*\*|__)\s*)?(.+)$"  # the value: stripped where it is used
)
BOLD_LABEL = re.compile(r"^\s*(?:\*\*|__)([^*_]{2,70}?)\s*(?::\s*)?(?:\*\*|__)\s*(?::\s*)?(.*)$")
HEADING = re.compile(r"^(#{1,6})\s+(.+)$")  # the text: ``_atx_text`` takes off a closing "##"


def _atx_text(text: str) -> str:
    """An ATX heading's text without its trailing spaces and closing hashes ("Summary ##")."""
    text = text.rstrip()
    return text.rstrip("#").rstrip() or text[:1]


LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")


SETEXT = re.compile(r"^(=+|-+)\s*$")
RULES_AROUND = re.compile(r"\A(?:[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*\n)+|(?:\n[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*)+\Z")


@dataclass
class Postmortem:
    title: str | None = None
    date: dt.date | None = None
    date_source: str | None = None  # where the date was read, in words
    date_unread: str | None = None  # a date label whose value could not be read: "'03/04/2026' (where)"
    # a date label's "26/11/30", which reads year first too: (words, where, as read or None, year first)
    short_year: tuple | None = None
    date_note: str | None = None  # how such a date was read, for the import's notes (_short_year)
    yearless: tuple | None = None  # ((month, day), words, where) of a Date label without its year (_yearless)
    created: tuple | None = None  # (date, where) of a "Created:" label: the document's date, a fallback
    # (value, where) of a "Created:" label with a time of day: PagerDuty's incident start, for a duration to its end
    created_at: tuple | None = None
    severity_text: str | None = None
    priority_text: str | None = None  # a "Priority:" field: the severity when none is named
    severity_from_priority: bool = False
    # no Severity field: the severities the text says ("This was a Sev-1 incident"), with their lines,
    # for the importer to map through the framework (pm_severity.candidates)
    severity_mentions: list = field(default_factory=list)
    services: list = field(default_factory=list)
    duration_minutes: int | None = None
    duration_note: str | None = None  # how a duration was read when it needs saying, or that it was not
    # (value, where) of a Duration: field's range of times read before the incident's date was ("Duration: 01:30 PT
    # to 03:10 PT" above "Date: 2026-03-08"): read again on that date, as a US zone's clocks may change then
    duration_undated: tuple | None = None
    start: tuple | None = None  # (value, where) of a "Start:" field: the date, and the duration with an end
    end: tuple | None = None  # (value, where) of an "End:" field
    resolved: tuple | None = None  # (value, where) of a "Resolved:"/"Recovered:" field: the end without an End:
    mitigated: tuple | None = None  # (value, where) of a "Mitigated:" field: never the end
    title_note: str | None = None  # where the title came from when the document's own only names its kind
    sections: dict = field(default_factory=dict)  # canonical or original heading -> text
    mapped: list = field(default_factory=list)  # (original heading, canonical)
    unmapped: list = field(default_factory=list)  # original headings kept as they were
    # (heading, how many) of the checkboxes, and list items under a heading that names work to do, of
    # sections no heading maps: not follow-ups, which only an action items section gives (_unread_tasks)
    unread_tasks: list = field(default_factory=list)
    # {title, status (open/done), owner, due, ticket, done; resolution: wont-do when closed undone}
    action_items: list = field(default_factory=list)
    cancelled_items: list = field(default_factory=list)  # titles of action items that will not be done
    blocked_items: list = field(default_factory=list)  # (title, the blocked marker as written): recorded open
    owners_left: list = field(default_factory=list)  # (title, owner kept, the other names of its owner cell)
    owners_whole: list = field(default_factory=list)  # (title, owner) of "Priya, Sam" kept as one (_paired_owner)
    # (title, the bracket's names) of "Add failover (San Jose, Santa Clara)": maybe its owners, kept in the title
    owners_maybe: list = field(default_factory=list)
    unread_dues: list = field(default_factory=list)  # (title, due as written) of due dates not read
    # (title, due as written, date, the incident's date it was read against) of due dates with no year
    inferred_dues: list = field(default_factory=list)
    # the day/month orders the document's slash dates show, each with the first date showing it (pm_text.slash_orders):
    # a due date either order reads ("12/03") is read in its one order, else said not read as either
    slash_orders: dict = field(default_factory=dict)
    inferred_dones: list = field(default_factory=list)  # the same of the days action items were done
    # (title, done as written, the day taken back to, the incident's date) of a done day with no year that is
    # neither after today nor on or after the incident's date: left unread (dones_by)
    early_dones: list = field(default_factory=list)
    code_spans: list = field(default_factory=list)
    front_matter: str | None = None  # "yaml" | "toml" | None
    front_matter_error: tuple | None = None  # (file line, problem) when the front matter does not parse
    placeholders: int = 0  # template placeholders seen ("[Incident name]", "{{date}}", "YYYY-MM-DD")
    words: int = 0  # words of real content (placeholders, headings and labels left out)
    unkept: list = field(default_factory=list)  # "reporter: …" fields read that no record field holds
    # (label as written, value) of the postmortem's people fields (PEOPLE_KINDS): the record's People section
    people: list = field(default_factory=list)
    # the pairs of ``people``, for _person's look-up: the list looked through was a megabyte of "Owner:" lines' 55 s
    people_seen: set = field(default_factory=set, repr=False, compare=False)
    # (the Status field as written, where, "done" | "pending"): the document's own state, which is its
    # review's (pm_text.review_status); a status that says neither ("Resolved") is in ``unkept``
    status: tuple | None = None
    # (the words of the review's date as written, where): "review scheduled 2026-12-09" in the Status
    # line (pm_text.review_when), a "Review date:" line; the importer reads it into review.due
    review_due: tuple | None = None
    review_due_said: bool = False  # its label says "due" ("Review due:"): never the day a completed review was held
    # (the words of the day the review was held, where): "Complete, reviewed on 2026-12-01" in the Status
    # line (pm_text.review_held), a "Review held:" line, front matter's reviewed:; the importer's review.done
    review_done: tuple | None = None
    controls: int = 0  # control characters taken out of the text (terminal escape sequences and the like)
    label_severity: str | None = None  # a label naming one ("sev-2"): the severity when no field names it
    reply_note: str | None = None  # the postmortem was read from a reply's quoted e-mail (_quoted_reply)
    # (the text to_markdown read, the Markdown it gave): the importer's content hash (document_hashes) reads the
    # same Markdown, and converted an HTML export of a megabyte a second time. Kept as it is: _plain_text skips it
    markdown: tuple[str, str] | None = field(default=None, repr=False, compare=False)
    # the tickets of its References section (importer._ref_tickets), read once by the importer when it reads the file
    # (importer._parsed): each look-up for a record imported from it reads them. None until then
    ref_tickets: frozenset[str] | None = field(default=None, repr=False, compare=False)


# _norm's, compiled once: it reads each cell of each table row, and re.sub's cache look-ups were most of a
# megabyte of table rows' 5 s
_LEAD_MARKS = re.compile(r"^[^\w\[(]+")  # emoji, bullets
_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*[.):]?|[ivx]+[.)])\s+", re.I)
MARKS = re.compile(r"[*_`]+")  # emphasis and code marks (headings, _unmarked, timeline entries)


def _norm(heading: str) -> str:
    h = _LEAD_MARKS.sub("", heading)
    h = _NUMBERING.sub("", h.strip())
    h = MARKS.sub("", h).strip().strip(":").strip().lower()
    if h.endswith(")"):  # "(optional)": cut by hand, as a regex from every "(" is quadratic
        start = h.find("(", h.rfind(")", 0, len(h) - 1) + 1)
        h = h[:start] if start >= 0 else h
    return h.strip()


def canonical(heading: str, keywords: bool = True) -> str | None:
    """The canonical section a heading or label stands for, or None."""
    h = _norm(heading)
    if h in _LOOKUP:
        return _LOOKUP[h]
    # "Analysis (5 whys)": the bracket _norm cuts ("(optional)") may alone name the section
    inner = heading.strip().strip("*_: ").rstrip(":*_ ")
    if inner.endswith(")") and "(" in inner:
        bracket = _norm(inner[inner.rfind("(") + 1 : -1])
        if bracket in _LOOKUP:
            return _LOOKUP[bracket]
    if not keywords or len(h) > 60 or find_date(h)[0] is not None:
        return None
    return next((name for rx, name in KEYWORDS if re.search(rx, h)), None)


def meta_key(label: str) -> str | None:
    return META_KEYS.get(_norm(label))


# labels that are the review's status only when their value says one: "Postmortem: Completed", FireHydrant's
# "Current milestone: Retrospective completed"; "Postmortem: Payment API outage" is a title, "Current milestone:
# Mitigated" the incident's state
_STATUS_IF_SAID = {"postmortem", "post-mortem", "retrospective", "retro", "current milestone", "milestone"}


# labels that are a moment's only when one follows: PagerDuty's "Triggered:", a "Created:". "Triggered: a config push
# to the edge fleet" says what set the incident off: it was taken as the start and its words lost (they were the
# Summary's first line, searched)
_MOMENT_IF_SAID = {"triggered", "triggered at", "triggered on", "created", "created on", "created at", "date created"}


def _meta_kind(label: str, value: str) -> str | None:
    """meta_key of ``label``, or "status" for a _STATUS_IF_SAID label whose value is a review status; None for a
    _MOMENT_IF_SAID label whose value opens with no date or time (_opens_with_moment)."""
    kind = meta_key(label)
    if kind is None and _norm(label) in _STATUS_IF_SAID and review_status(value):
        return "status"
    if kind and _norm(label) in _MOMENT_IF_SAID and not _opens_with_moment(value):
        return None
    return kind


def _opens_with_moment(value: str) -> bool:
    """Whether a field's value opens with a date or a time, as a Started: line's does ("2026-11-20T14:02Z", "14:02
    UTC", "Friday, Nov 20, 2026 14:02 UTC"), or is empty or a placeholder ("TBD": no words to keep)."""
    v = unescape(MARKS.sub("", value)).strip()
    if is_placeholder(v) or entry(v, None):
        return True
    day, words = find_date(v[:80])
    return day is not None and _DATE_LEAD.fullmatch(v[: v.find(words)]) is not None


def parse_duration(text: str) -> int | None:
    """Minutes of the first duration in ``text`` (``pm_text.read_duration``), or None."""
    read = read_duration(text)
    return read.minutes if read else None


def _set_duration(pm: Postmortem, value, where: str) -> None:
    """The duration a field gives, and a note when the reading needs one: the first of several
    durations, a range of times (in their zones: pm_clock), a bare number (minutes), or a value read
    as none."""
    text = " ".join(str(value).split())
    pm.duration_undated = (value, where) if pm.date is None and zoned_range(text) else None
    if re.fullmatch(r"\d+(?:\.\d+)?", text):  # "duration: 45": minutes, the record's unit
        pm.duration_minutes = int(round(float(text)))
        pm.duration_note = f"duration: {text!r} ({where}) has no unit; read as {pm.duration_minutes} minutes"
        return
    if (zoned := zoned_range(text, pm.date)) is not None:  # "09:12 UTC – 10:05 UTC" was no duration read
        if zoned[0] is None:
            pm.duration_note = f"duration: {text[:80]!r} ({where}) not read: {zoned[2][0]}; left empty"
        else:
            pm.duration_minutes = zoned[0]
            said = "".join(f"; {how}" for how in zoned[2])
            pm.duration_note = f"duration: {zoned[0]} minutes from {where}: the time from {zoned[1]!r}{said}"
        return
    read = read_duration(text)
    if read is not None and (unknown := unknown_unit(text)):  # "1 Std. 25 Min.": 25 read, the hour not
        pm.duration_note = f"duration: {text[:80]!r} ({where}) not read: {unknown!r} is no unit read; left empty"
        return
    if read is None:
        if not is_placeholder(text):
            pm.duration_note = f"duration: {text[:80]!r} ({where}) not read as a duration; left empty"
        return
    pm.duration_minutes = read.minutes
    if read.note:
        pm.duration_note = f"duration: {read.minutes} minutes from {where}: {read.note}"


# "SEV-3 (upgraded to SEV-2 at 14:20)", "Sev 2 → Sev 1": the level the incident ended at, the one after
# the change (the first was read: sev3 recorded for an incident its responders raised to sev2)
_CHANGED_TO = re.compile(
    r"(?:\b(?:upgraded|escalated|raised|bumped|downgraded|lowered|reduced|changed|moved|reclassified|revised)"
    r"[ \t]+to|→|->|=>)[ \t]*(\S+(?:[ \t]\d\b)?)",
    re.I,
)


def severity_key(text: str | None, levels: dict) -> str | None:
    """A severity key of the framework from text like "SEV-1", "sev2", "P1", "Major"; of a change
    ("SEV-3, upgraded to SEV-2"), the level after it."""
    if not text or is_placeholder(str(text)):
        return None
    changed = [m.group(1).strip(" ().,;") for m in _CHANGED_TO.finditer(str(text))]
    if changed and (last := severity_key(changed[-1], levels)):
        return last
    # an emoji or its shortcode before the level: "🔴 Critical", ":red_circle: Critical" were left for triage
    t = without_lead_emoji(str(text)).lower()
    if t.isdigit():
        t = f"sev{t}"
    # "SEV-1", "Sev 2", "P1", "S2" (GitLab), "severity::2" (a GitLab label), "1 - Critical"
    m = re.search(r"\b(?:sev|severity|s|p|level)[\s\-_:]{0,4}(\d)\b", t) or re.match(r"(\d)\b", t)
    # the level of that number by the kb's rule (numbered_levels, as --severity reads "Sev-2"): the first, as
    # import always took it (--severity takes one only when it is alone)
    if m and (numbered := numbered_levels(levels, m.group(1))):
        return numbered[0]
    for key, level in levels.items():
        if t.startswith(key.lower()) or t.startswith(level.name.lower()):
            return key
    return None


def _split_list(value) -> list:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    # a Confluence table cell's lines ("session-store<br>web-frontend") are its items as commas are
    parts = re.split(r"[,;]|<br\s*/?>", str(value), flags=re.I)
    return [s.strip(" `*") for s in parts if s.strip(" `*") and not is_placeholder(s)]


def _front_matter(lines: list[str]) -> tuple[dict, list[str], str | None, tuple | None]:
    """(mapping, the lines after it, "yaml"|"toml"|None, (file line, problem) when it does not
    parse) for --- YAML or +++ TOML front matter."""
    fence = lines[0].strip() if lines else ""
    if fence not in ("---", "+++"):
        return {}, lines, None, None
    end = next((n for n in range(1, len(lines)) if lines[n].strip() == fence), None)
    if end is None:
        return {}, lines, None, None
    raw, kind = "\n".join(lines[1:end]), "toml" if fence == "+++" else "yaml"
    data, error = None, None
    try:
        if kind == "toml":
            import tomllib

            data = tomllib.loads(raw)
        else:  # the KB's own YAML reader: aliases refused (a 1 KB "billion laughs" took 10 s and 360 MB
            from recur.kb.parse import load_yaml  # at 7 levels, x10 a level), dates kept as written

            data = _iso_dates(load_yaml(raw, offset=1).data)
    except Exception as exc:  # noqa: BLE001 - any parser error is reported with its line
        error = _front_error(exc, kind, end)
    if error is None and not isinstance(data, dict):  # a scalar or a list: read it line by line
        sep = "=" if kind == "toml" else ":"
        data = {k.strip(): v.strip().strip("\"'") for k, _, v in (ln.partition(sep) for ln in lines[1:end]) if v}
    return data or {}, lines[end + 1 :], kind, error


def _iso_dates(data):
    """Top-level values written as YAML dates (2026-03-14) as dates, as YAML itself reads them: a date
    is then checked as a date (its range), while one that is no date (2026-02-30) stays text."""
    if not isinstance(data, dict):
        return data
    out = {}
    for key, value in data.items():
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            with contextlib.suppress(ValueError):
                value = dt.date.fromisoformat(value)
        out[key] = value
    return out


def _front_error(exc: Exception, kind: str, end: int) -> tuple[int, str]:
    """(file line, "not valid YAML (…)") for a front matter parser's error; its text starts on
    line 2 and its last line is line ``end``."""
    from recur.kb.parse import ParseError

    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if isinstance(exc, ParseError):  # load_yaml: the file's own line already
        return min(exc.line, end), f"not valid {kind.upper()} ({' '.join(exc.message.split())})"
    if mark is not None:
        line = min(mark.line + 2, end)
        problem = ": ".join(str(x) for x in (getattr(exc, "context", None), getattr(exc, "problem", None)) if x)
    else:
        m = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line = min(int(m.group(1)) + 1, end) if m else end
        problem = re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)", "", str(exc))
    return line, f"not valid {kind.upper()} ({' '.join((problem or str(exc)).split())})"


def _apply_front(pm: Postmortem, data: dict) -> tuple[dict, list]:
    """The front matter's fields; returns the sections (``summary:``, ``root_cause:``) and follow-ups
    (``action_items:``) it holds, which the body's own win over. A key used for nothing is named in
    ``unkept``: such content used to be dropped unsaid."""
    sections: dict = {}
    items: list = []
    for raw, value in _nested_fields(data).items():
        key = _front_key(raw)
        if value in (None, "", [], {}):
            continue
        kind = meta_key(key) or ("date" if key in ("start", "started at", "incident date") else None)
        name = canonical(key, keywords=False)
        if key == "title" or kind == "title":
            pm.title = clean_title(str(value)) if not pm.title or is_generic_title(pm.title) else pm.title
        elif kind == "date" and pm.date is None:
            _set_date(pm, value, f"front matter ({key})")
        elif kind:
            _set_meta(pm, kind, value if kind == "services" else _flat(value), f"front matter ({key})")
        elif key in ("duration minutes", "impact minutes", "duration mins"):
            minutes = ascii_int(value) if isinstance(value, int) else parse_duration(f"{value} min")
            pm.duration_minutes = pm.duration_minutes if pm.duration_minutes is not None else minutes
        elif name == "Action items":
            items += from_mappings(value)
        elif name:  # a template's "summary: <describe the incident>" is nothing to keep
            text = _front_text(value)
            sections.update({name: text} if strip_placeholders(text).strip() else {})
        else:
            _unkept(pm, raw, value)
    return sections, items


def _front_key(raw) -> str:
    """A front-matter key as a label: "review_date", "review-date" and a JSON export's "reviewDate" are
    "review date" (the camelCase one was named in the notes as a field no record holds)."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(raw)).lower().replace("_", " ").replace("-", " ").strip()


def _nested_fields(data: dict) -> dict:
    """``data`` with a mapping whose keys name fields under its own ("review: {status: done, date:
    2026-12-01}": review status, review date) spread out as those fields; it was one note of a field
    the record does not hold, the review recorded pending with the framework's due date."""
    out: dict = {}
    for raw, value in data.items():
        key = _front_key(raw)
        if isinstance(value, dict) and any(meta_key(f"{key} {_front_key(k)}") for k in value):
            out.update({f"{raw} {k}": v for k, v in value.items()})
        else:
            out[raw] = value
    return out


def _unkept(pm: Postmortem, label, value) -> None:
    """Something the postmortem says that no field of the record holds, for the import's notes:
    "reporter: Dana Wu", on one line and cut at 120 characters (not dropped unsaid)."""
    pm.unkept.append(_unkept_note(label, value))


def _unkept_note(label, value) -> str:
    """The words ``_unkept`` gives a field: what to take out again when the field is used after all."""
    return f"{label}: {_flat(value)[:120]}"


def _flat(value) -> str:
    """A front-matter value on one line, for a note: "tags: payments, webhooks"."""
    if isinstance(value, list):
        return ", ".join(_flat(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_flat(v)}" for k, v in value.items())
    return " ".join(str(value).split())


def _front_text(value) -> str:
    """A front-matter value as text: a list as a Markdown list, a mapping as "key: value" lines."""
    if isinstance(value, list):
        return "\n".join(f"- {' '.join(_front_text(v).split())}" for v in value)
    if isinstance(value, dict):
        return "\n".join(f"{k}: {' '.join(_front_text(v).split())}" for k, v in value.items())
    return str(value).strip()


def _front_sections(pm: Postmortem, sections: dict) -> None:
    """The front matter's sections where the body has none. Text before the body's first heading is a
    summary only for want of one: a front-matter summary goes before it ("See the fields above.")."""
    for name, text in sections.items():
        if name == "Summary" and "Summary" in pm.sections and not any(c == "Summary" for _, c in pm.mapped):
            pm.sections["Summary"] = text + "\n\n" + pm.sections["Summary"]
        elif name in pm.sections:  # the body's own section wins: the front matter's is named, not dropped unsaid
            _unkept(pm, f"{name.lower()} (front matter; the body has its own)", text)
        pm.sections.setdefault(name, text)


_DAY_RANGE = re.compile(
    rf"(?P<m>{MONTH_NAME})[ \t]+(?P<d>\d{{1,2}})[ \t]*[-–—][ \t]*\d{{1,2}},?[ \t]+(?P<y>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})[ \t]*[-–—][ \t]*\d{{1,2}}[ \t]+(?P<m2>{MONTH_NAME}),?[ \t]+(?P<y2>\d{{4}})",
    re.I,
)


# a weekday before a date without its year: "Thursday, Dec 3", "Thu Dec 3", "Thursday 3 December" were "date: none
# found" ("Dec 3" alone is read)
_WEEKDAY = re.compile(
    r"^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\.?,?[ \t]+", re.I
)
# a month or a weekday named in a date label's value: with a number, a date the label gives, said when not read
_DAY_WORD = re.compile(rf"\b(?:{MONTH_NAME}|(?:mon|tues|wednes|thurs|fri|satur|sun)day\b)", re.I)


def _set_date(pm: Postmortem, value, where: str) -> None:
    """The date a label gives; one that reads as no date (03/04/2026: which order?) is kept in
    ``date_unread``, so the date is not then guessed from elsewhere in the text."""
    # "Oct 21–22, 2026", "21–22 Oct 2026": an incident over two days or more began on the first (the
    # first was said not read and the incident left for triage; the second was read as the date)
    span = _DAY_RANGE.fullmatch(str(value).strip().strip("*_"))
    day = (span and _span_start(span)) or parse_date(value) or _dotted_short(str(value))
    if (pm.date is None and pm.date_unread is None) and (yf := year_first(str(value))):
        pm.short_year = (yf[0], where, day, yf[1])
    if day:
        pm.date, pm.date_source = day, where
    elif pm.date is None and pm.yearless is None and (md := month_day(_WEEKDAY.sub("", str(value).strip("*_ \t")))):
        pm.yearless = (md, str(value).strip().strip("*_"), where)  # "30 Nov": its year from the document's (_yearless)
    elif pm.date_unread is None and (
        where.startswith("front matter")
        or re.search(r"\b\d{4}\b|\d{1,2}[/.]\d{1,2}|\d{1,2}-\d{1,2}-\d\d\b", str(value))
        or (re.search(r"\d", str(value)) and _DAY_WORD.search(str(value)))
    ):
        # a front-matter date: field is a date whatever it says ("last tuesday"); in the text, only what looks like
        # one: a number beside a month or a weekday too ("Thursday, Dec 32" was "date: none found")
        pm.date_unread = f"{str(value).strip()!r} ({where})"


# "30.11.26": a Date label's day first with dots and a two-digit year, as German writes it (a dotted date is never
# month first); "date: none found" was said. Only a label's whole value: in prose "1.2.26" is a version
_DOTTED_SHORT = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d\d)")


def _dotted_short(value: str) -> dt.date | None:
    m = _DOTTED_SHORT.fullmatch(value.strip().strip("*_").strip())
    if m is None:
        return None
    try:
        return dt.date(int(full_year(m.group(3))), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def _yearless(pm: Postmortem, body: str) -> None:
    """The incident's date from a Date label without its year ("30 Nov"): in the year that puts it nearest the
    document's first date with one (a due date "2026-12-11", a timeline's day), a note saying so; with no such
    date it is not read, and the import says which line it could not read ("date: none found" was said)."""
    if pm.yearless is None or pm.date is not None:
        return
    (month, day), words, where = pm.yearless
    anchor, said = find_date(body)
    if anchor is None:
        pm.date_unread = f"{words!r} ({where}): it has no year and no other date of the document gives one"
        return
    readings = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        with contextlib.suppress(ValueError):
            readings.append(dt.date(year, month, day))
    pm.date = min(readings, key=lambda d: abs(d - anchor))
    pm.date_source = where
    pm.date_note = (
        f"date: {words!r} ({where}) has no year; read as {pm.date.isoformat()}, the nearest to the document's "
        f"first dated words ({said!r}): correct it in the record if another was meant"
    )


def _short_year(pm: Postmortem, text: str) -> None:
    """The incident's date from a label's "26/11/30", read day first (26 November 2030) where it reads year first
    too (2026-11-30): year first when every other date of the document with a four-digit year is written year
    first and the first of them (2026-11-30 09:12) is nearer that reading than the other ("30/11/26" beside
    2026-11-30 stays 30 November 2026); else as read, the note naming the line and both readings for the author
    to check. Read day first alone, a date four years ahead was recorded with a warning that it is after today."""
    if pm.short_year is None or pm.date not in (None, pm.short_year[2]):
        return  # another line gave the date, or none came from this one
    words, where, read, first = pm.short_year
    other = f"day first it reads {day_month(read)}" if read else "day or month first it is either of two"
    example, near = document_year_first(text) or (None, None)
    if near is not None and (read is None or abs(first - near) < abs(read - near)):
        pm.date, pm.date_source, pm.date_unread = first, where, None
        pm.date_note = (
            f"date: {words!r} ({where}) read year first, {first.isoformat()}, as the document's other dates are "
            f"written ({example!r}); {other}"
        )
    elif read is not None:
        pm.date_note = (
            f"date: {words!r} ({where}) read day first, {read.isoformat()}; year first it reads {first.isoformat()}, "
            f"and {_why_as_read(example)}: check it (or pass --date)"
        )


def _why_as_read(example) -> str:
    return (
        f"the document's other dates ({example!r}) are nearer this reading"
        if example
        else "no other date of the document says which"
    )


def _span_start(span: re.Match) -> dt.date | None:
    """The first day of a _DAY_RANGE match ("Oct 21–22, 2026", "21–22 Oct 2026"): a Date label's and a
    sentence's span (_span_first) alike."""
    month, first, year = (span["m"], span["d"], span["y"]) if span["m"] else (span["m2"], span["d2"], span["y2"])
    return parse_date(f"{month} {first}, {year}")


def _set_meta(pm: Postmortem, kind: str, value, where: str = "") -> None:
    """A field of the postmortem, ``kind`` (meta_key's), read into ``pm``; Google Docs' escapes taken out first:
    "SEV\\-1" was no severity, "2026\\-11\\-21" no date, "O\\'Neill" kept its backslash."""
    _set_field(pm, kind, unescape(value) if isinstance(value, str) else value, where)


def _set_field(pm: Postmortem, kind: str, value, where: str) -> None:
    if kind == "date" and pm.date is None:
        _set_date(pm, value, where or "a Date: line")
    elif kind in ("start", "end") and str(value).strip() and not is_placeholder(str(value)):
        setattr(pm, kind, getattr(pm, kind) or (str(value).strip(), where or f"a {kind.title()}: line"))
        if kind == "start" and pm.date is None:  # "Started: 2026-06-14 03:12 UTC" is the incident's date
            _set_date(pm, value, where or "a Start: line")
    elif kind == "created" and pm.created is None:
        _set_created(pm, value, where or "a Created: line")
    elif kind == "severity" and not pm.severity_text and not is_placeholder(str(value)):
        pm.severity_text = str(value).strip()
    elif kind == "priority" and not pm.priority_text and not is_placeholder(str(value)):
        pm.priority_text = str(value).strip()
    elif kind == "services" and not pm.services:
        pm.services = _split_list(value)
    elif kind == "duration" and pm.duration_minutes is None:
        _set_duration(pm, value, where or "a Duration: line")
    elif kind == "title" and (pm.title is None or is_generic_title(pm.title)):  # "# Postmortem", then a Title row
        pm.title = clean_title(unescape(str(value))) or pm.title
    elif kind == "status" and pm.status is None and (said := review_status(str(value))):
        pm.status = (" ".join(str(value).split()), where or "a Status: line", said)
        _review_days(pm, "status", str(value), where or "a Status: line")
    elif kind in ("review due", "review date", "review held") and not is_placeholder(str(value)):
        _review_days(pm, kind, " ".join(str(value).split()), where or f"a {kind.capitalize()}: line")
    elif kind in PEOPLE_KINDS and str(value).strip() and not is_placeholder(str(value)):
        _person(pm, kind, value, where)
    elif kind in UNKEPT_KINDS and str(value).strip() and not is_placeholder(str(value)):
        _unkept_field(pm, kind, value, where)


# a label naming a severity, "sev-2", "sev2", "severity: 1", "SEV 3" (a GitHub issue's labels: [postmortem, sev-2])
_SEVERITY_LABEL = re.compile(r"(?i)sev(?:erity)?[-_: ]?\d")


def _unkept_field(pm: Postmortem, kind: str, value, where: str) -> None:
    """A field no record field holds (UNKEPT_KINDS), said in the import's notes, not dropped unsaid; a Resolved:
    or Mitigated: kept for the duration, a label naming a severity for want of a Severity field."""
    if kind in ("resolved", "mitigated") and getattr(pm, kind) is None:  # an end, for want of an End:
        setattr(pm, kind, (str(value).strip(), where or f"a {kind.title()}: line"))
    if kind == "labels" and pm.label_severity is None:
        pm.label_severity = next((v for v in _split_list(value) if _SEVERITY_LABEL.fullmatch(str(v).strip())), None)
    _unkept(pm, kind, value)


def _set_created(pm: Postmortem, value, where: str) -> None:
    """A "Created:" label: the document's date (a fallback for the incident's), and with a time of day
    PagerDuty's incident start too (``created_at``)."""
    if day := parse_date(value):
        pm.created = (day, where)
        if moment(str(value)):
            pm.created_at = (str(value).strip(), where)


# the label in the words saying where a field was read: "the 'Incident commander:' line 5", "the Postmortem
# owner row of a table", "front matter (author)"
_WHERE_LABEL = re.compile(r"the '([^']+?):?' |the (.+?) (?:row|column) of a table|front matter \((.+)\)")


def _person(pm: Postmortem, kind: str, value, where: str) -> None:
    """A people field (PEOPLE_KINDS) for the record's People section, under its label as the postmortem
    wrote it ("Incident commander", not "incident lead"); once for a pair read twice (a table and a line)."""
    m = _WHERE_LABEL.match(where or "")
    label = next((g for g in m.groups() if g), kind) if m else kind
    label = label.strip(" *_:")
    person = (label[:1].upper() + label[1:], _flat(value)[:200])
    if person not in pm.people_seen:
        pm.people_seen.add(person)
        pm.people.append(person)


def _review_days(pm: Postmortem, kind: str, value: str, where: str) -> None:
    """The review's due day and the day it was held, from a Status line ("Draft, review scheduled
    2026-12-09", "Complete, reviewed on 2026-12-01") or their own lines; the first one said of each wins."""
    if kind == "status":
        if pm.status[2] == "done" and pm.review_done is None and (held := review_held(value)):
            pm.review_done = (held, where)
        elif pm.review_due is None and (when := review_when(value)):
            pm.review_due = (when, where)
    elif kind == "review held":
        pm.review_done = pm.review_done or (value, where)
    elif pm.review_due is None:
        pm.review_due, pm.review_due_said = (value, where), kind == "review due"


@dataclass
class _Walk:
    current: str = "_preamble"
    buf: list = field(default_factory=list)
    chunks: list = field(default_factory=list)  # (section, lines)
    dated_headings: list = field(default_factory=list)  # (date, heading as written, in timeline?)
    unmapped: set = field(default_factory=set)  # pm.unmapped as a set: a heading is looked up in it
    level: int | None = None  # the level of the first section heading: every "###" when the document uses those

    label: str = ""
    kv_table: bool = False  # inside a key/value table of the first page (_kv_row)
    weak: list = field(default_factory=list)  # (kind, value, where) of labels in content sections: _section_meta
    line_sections: list = field(default_factory=list)  # the section each line is in; None in a code block
    plain: bool = False  # no line is a heading: a plain-text write-up, whose "Label:" lines are its sections
    actions: bool = False  # a heading or label names the action items: a lead-in sentence (_lead_in) starts none
    lead_from: str | None = None  # the section a lead-in's list was read from: where the text after it goes
    confluence: bool = False  # a Confluence page's Markdown export (its byline): its title's "SPACE : " goes
    # the section a table that is a section of its own (_table_section) was met in: where the text after it goes
    table_from: str | None = None
    lines: list = field(default_factory=list)  # the lines walked, and the heading's index in them (at)
    at: int = 0
    # the line of each References chunk of one line, closed (_kv_section's look-up): each ticket row looked
    # through the chunks before it, a megabyte of "| Incident | INC-1 |" rows quadratic
    references: set = field(default_factory=set)

    def start(self, name: str, first: str = "", label: str = "") -> None:
        if self.current == "References" and len(self.buf) == 1:
            self.references.add(self.buf[0])
        self.chunks.append((self.current, self.buf, self.label))
        self.current, self.buf, self.label = name, ([first] if first.strip() else []), label


def _heading(pm: Postmortem, w: _Walk, level: int, text: str) -> None:
    text = text.strip()
    day = find_date(text)[0] if re.match(r"^\W*\d|^\W*[A-Za-z]{3,9}\.? \d", text) else None
    if day is not None and w.current != "_preamble":  # "### 2023-07-19" in a timeline or a section
        w.dated_headings.append((day, text, w.current == "Timeline"))
        w.buf.append(f"**{text}**")
        return
    first = w.current == "_preamble" and len(w.chunks) <= 1 and not any(x.strip() for x in w.buf)
    section = canonical(text, keywords=False)  # "1. Executive Summary": a section (pandoc's H1s), never the title
    kind = meta_key(text)
    # "# Severity" over "SEV-1" (a Google Doc whose fields are H1s) is a field, never the title: only
    # "# Title" may be one, a template's placeholder title
    # front matter's title: the same title as the H1 under it is that heading, not a section of its own
    # ("Could not map: Webhook worker pool exhausted", the lines under it, "Author: …", kept in that section)
    again = first and level == 1 and pm.front_matter and pm.title and _same_title(pm.title, text, w.confluence)
    other = first and level == 1 and pm.front_matter and not again and not (section or kind or day)
    if other and _heading_under_front_title(pm, w, text):  # another H1 under it: the Summary's first line
        return
    if again or (
        pm.title is None
        and not section
        and kind in (None, "title")
        and (level == 1 or (first and not canonical(text) and kind is None and day is None))
    ):
        pm.title = pm.title if again else clean_title(text, space=w.confluence) or ""  # "": a placeholder heading
        if pm.title and (ref := title_reference(text)):
            # "X Postmortem (incident #2291)": the number went with the suffix, unsaid; kept in References, as a
            # key/value table's Incident row is (_kv_section)
            w.start("References", f"- Incident: {ref}")
            w.start("_preamble")
        return
    if _specific_heading(pm, w, text, section, kind, day):
        return
    # "### Status" over "Complete, action items in progress": the Google SRE template's field as a
    # heading, which was kept as a section and the review recorded pending whatever it said
    if kind in ("date", "severity", "priority", "services", "duration", "status"):
        w.level = w.level or level
        w.start(f"_meta:{kind}:{text}")
        return
    top = max(w.level or 2, 2)  # deeper than the document's sections: a sub-heading
    mapped_here = w.current != "_preamble" and not w.current.startswith("_meta") and w.current not in w.unmapped
    name = canonical(text, keywords=level <= top or not mapped_here)
    w.level = w.level or (level if name else None)
    if name is None and level > top and w.current != "_preamble":
        w.buf.append(f"**{text}**")  # an unknown sub-heading stays in its section
        return
    w.start(name or text, label=text)
    if name:
        pm.mapped.append((text, name))
    else:
        pm.unmapped.append(text)
        w.unmapped.add(text)


def _heading_under_front_title(pm: Postmortem, w: _Walk, text: str) -> bool:
    """An H1 under front matter whose ``title:`` says another: the front matter, the document's declared
    metadata, is the title, and the heading's words open the Summary, said in ``title_note``. The heading was
    a section of its own with nothing under it, dropped: "Payment API 502s on Nov 20" left the record unsaid
    under "Checkout outage". Only an H1 over the document's sections (a "##" heading next, or nothing): one over
    text of its own is a section, as before. A generic front matter title ("Postmortem") gives way to it as before."""
    heading = clean_title(text, space=w.confluence)
    if not (pm.title and heading) or is_generic_title(pm.title) or is_generic_title(heading):
        return False
    if not _sections_next(w.lines, w.at):  # "# Bridge call notes" over its text: a section
        return False
    pm.title_note = f"title from the front matter; the heading {heading!r} kept as the Summary's first line"
    if ref := title_reference(text):  # "X (incident #2291)": kept in References, as under a title heading
        w.start("References", f"- Incident: {ref}")
        w.start("_preamble")
    w.buf.append(heading)  # the preamble: the Summary's first part (_sections)
    return True


# a thematic break between a title and the first section ("---", "***", "___", spaced or not)
_RULE = re.compile(r"[ \t]*(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})")


def _sections_next(lines: list[str], at: int) -> bool:
    """Whether the heading at line ``at`` stands over the document's sections: the next line with words, past
    its own setext underline, blank lines and rules, is a section's heading ("## Summary", "Summary" over
    "----"), a bold label naming a section ("**Summary:** ..."), or there is none. Only a "##" was looked
    for: a setext H1, a setext "Summary", a "**Summary:**" label or a "---" before "## Summary" left the H1
    a section with nothing under it, dropped."""
    n = at + (2 if not HEADING.match(lines[at]) and _setext(lines, at) else 1)
    while n < len(lines) and (not lines[n].strip() or _RULE.fullmatch(lines[n])):
        n += 1
    if n >= len(lines):
        return True
    if m := HEADING.match(lines[n].lstrip()):
        return len(m.group(1)) > 1 or canonical(_atx_text(m.group(2)), keywords=False) is not None
    if level := _setext(lines, n):
        return level > 1 or canonical(lines[n].strip(), keywords=False) is not None
    m = BOLD_LABEL.match(lines[n])
    return m is not None and canonical(m.group(1), keywords=False) is not None


def _same_title(title: str, heading: str, confluence: bool) -> bool:
    return title.casefold() == (clean_title(heading, space=confluence) or "").casefold()


# headings over a document's fields or its bookkeeping, never its title
ABOUT_THE_DOCUMENT = re.compile(
    r"\b(?:details?|metadata|info(?:rmation)?|fields|properties|contents|document|status|owners?|authors?|"
    r"participants|attendees|revisions?|history|changelog|approvals?|reviewers?)\b",
    re.I,
)


def _specific_heading(pm: Postmortem, w: _Walk, text: str, section, kind, day) -> bool:
    """A heading right after a title that only names the kind of document ("Postmortem Report",
    as PagerDuty's template starts) and before any section: the title, said in ``title_note``."""
    if not (pm.title and is_generic_title(pm.title)) or section or kind or day or canonical(text):
        return False
    if is_generic_title(text) or ABOUT_THE_DOCUMENT.search(text):  # "## Incident details": fields follow
        return False
    if w.current != "_preamble" or pm.mapped or any(x.strip() for x in w.buf) or not clean_title(text):
        return False
    pm.title_note = f"title: {pm.title!r} names the kind of document; used the heading {text.strip()!r} after it"
    pm.title = clean_title(text)
    return True


# what opens a summary's first sentence before its subject: "On Jan 5, 2026", "between 03:10 and 03:55 PT"
_DATE_LEAD = re.compile(r"\s*(?:on\s+)?(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?", re.I)
_TIME_LEAD = re.compile(
    r"(?:at|around|from|between|starting at|since)\s+\d{1,2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?"
    r"(?:\s*(?:and|to|until|till|-|–)\s*\d{1,2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?)?(?:\s+(?-i:[A-Z]{1,4}T|UTC|GMT)\b)?,?\s*",
    re.I,
)


def _without_lead_in(sentence: str) -> str:
    """``sentence`` without the date and times it opens with."""
    day, words = find_date(sentence[:60])
    at = sentence.find(words) if day else -1
    if at >= 0 and _DATE_LEAD.fullmatch(sentence[:at]):
        sentence = re.sub(r"^,?\s*", "", sentence[at + len(words) :])
    while m := _TIME_LEAD.match(sentence):
        sentence = sentence[m.end() :]
    return sentence


def _unmarked(line: str) -> str:
    """``line`` (no "\\n") without emphasis marks, its links as their labels (their marks kept): what
    ``re.sub(r"[*_`]+|\\[([^\\]]*)\\]\\([^)]*\\)", r"\\1", line)`` gives, in time linear in its length
    (util.text.replace_links): that pattern read a summary's first line of 10,000 "[" in 4 s."""
    return replace_links(line, between=lambda text: MARKS.sub("", text))


def _subject_title(pm: Postmortem) -> None:
    """A title for a postmortem whose title only names the kind of document ("Postmortem Report") and
    whose first heading is a section: the summary's first sentence without its lead-in of dates and
    times, up to 80 characters, said in ``title_note`` (the record was titled "Postmortem Report")."""
    if not (pm.title and is_generic_title(pm.title)) or not pm.sections.get("Summary"):
        return
    first = _unmarked(pm.sections["Summary"].strip().split("\n")[0])
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0].rstrip(".!? ")
    subject = _without_lead_in(sentence).strip(" ,;:-")
    if len(subject) > 80:
        subject = subject[:80].rsplit(" ", 1)[0].rstrip(" ,;:-") + "…"
    if len(subject.split()) < 3:
        return
    pm.title_note = (
        f"title: {pm.title!r} names the kind of document; used the summary's first sentence "
        f"{subject[:1].upper() + subject[1:]!r} (set the real title in the record)"
    )
    pm.title = subject[:1].upper() + subject[1:]


def _kv_row(pm: Postmortem, w: _Walk, ln: str, nxt: str) -> bool:
    """A two-column table row naming a section or a metadata field ("| Leadup | text |"), as
    Atlassian's template and Word exports lay out a postmortem's first page. Only before the first
    section: a table inside a section is that section's text, and a metadata row in it ("| Duration |
    70 minutes |" in an Impact table) stays there and is read as _section_meta says. A row under a
    table's first known row whose label is no section ("| Related records | PAY-99 |") becomes a
    section of its own, listed as unmapped, instead of being lost; a header row (the next line is the
    |---| rule) is no row."""
    cells = table_cells(ln)
    if len(cells) < 2 or w.current == "Action items" or TABLE_RULE.fullmatch(nxt.strip()):
        return False
    label, value = cells[0], " ".join(c for c in cells[1:] if c).strip()
    name, kind = canonical(label, keywords=False), _meta_kind(label, value)
    if w.current == "Timeline":  # a timeline summary's "| Started | … |", "| Resolved | … |": the start and end
        if kind in TIME_KINDS:
            _section_meta(pm, w, kind, value, f"the {label.strip('* ')} row of a table")
        return False
    if w.current != "_preamble" and not w.current.startswith("_meta"):
        if kind:
            _section_meta(pm, w, kind, value, f"the {label.strip('* ')} row of a table")
        return False
    if not (name or kind or w.kv_table or _ticket_row(label, value)):
        return False
    if not w.kv_table:
        _open_kv_table(pm, w)
    if kind:
        _set_meta(pm, kind, value, f"the {label.strip('* ')} row of a table")
    else:
        _kv_section(pm, w, label, name, value)
    return True


# the fields a timeline summary table gives, as rows or columns ("| Detected | Started | Resolved |")
TIME_KINDS = {"start", "end", "resolved", "mitigated", "detected"}


def _time_columns(pm: Postmortem, w: _Walk, lines: list[str], n: int) -> bool:
    """Whether line ``n`` heads a table whose columns are a timeline summary's fields ("| Detected |
    Started | Resolved |" over its rule and a row of times): each read as its field, as rows are
    (_kv_row). Such a table was the summary's text, and its start and end gave no duration."""
    if w.current == "Action items":  # first: _walk asks of every table line, and this is free
        return False
    head = table_cells(lines[n])
    # up to the first cell that names no time field: a row of a long table read each of its cells (4 regexes each)
    if len(head) < 2 or not all(meta_key(c) in TIME_KINDS | {"date"} for c in head):
        return False
    kinds = [meta_key(c) for c in head]
    if (
        n + 2 >= len(lines)
        or not TABLE_RULE.fullmatch(lines[n + 1].strip())
        or not lines[n + 2].strip().startswith("|")
    ):
        return False
    where = "_preamble" if w.current == "_preamble" or w.current.startswith("_meta") else w.current
    for label, kind, value in zip(head, kinds, table_cells(lines[n + 2])):
        said = f"the {label.strip('* ')} column of a table"
        if value.strip() and where == "_preamble":
            _set_meta(pm, kind, value.strip(), said)
        elif value.strip():
            _section_meta(pm, w, kind, value.strip(), said)
    return True


# the columns beside an action item's that say it is one: its owner, due date, status or ticket
# a column of the days action items are due, in English, German and Japanese, is never the incident's date
# (_review_columns): action_items.due_column, the names and the prefix reading from_table reads them by (an exact set
# of its own here missed "Due by", "Target", "Fällig bis", and a table of follow-ups dated the incident)
_ACTION_COLUMNS = {"owner", "owners", "assignee", "assigned to"}
_ACTION_COLUMNS |= {"status", "state", "ticket", "jira", "bug", "issue", "priority"}
_ACTION_COLUMNS |= {"verantwortlich", "zuständig", "担当", "担当者"}


def _table_section(pm: Postmortem, w: _Walk, lines: list[str], n: int) -> None:
    """A table at line ``n`` that is a section of its own where no section says what it is (under no heading, in
    the Summary or a section Recur does not map): one headed by an action item's column beside an owner, due or
    status one ("| Action item | Owner | Due | Status |") is the Action items section, a first page's table whose
    rows name the incident's phases ("| Detected | 10:12 | … |", "| Resolved | 11:05 | … |") its Timeline. The
    first was the summary's text, its follow-ups none; the second's rows read as fields no record holds, the table
    dropped and no duration read. The text after it goes back where it was."""
    if n + 2 >= len(lines) or not TABLE_RULE.fullmatch(lines[n + 1].strip()) or w.current in _TABLE_SECTIONS:
        return
    head = [_norm(c) for c in table_cells(lines[n])]
    loose = w.current.startswith(("_preamble", "_meta")) or w.current == "Summary" or w.current in w.unmapped
    # only where no section says what the table is: under "## Mitigation", "| Actions | Owner | Status |" is what
    # was done during the incident, and it became done follow-ups, the Mitigations section gone
    if (
        loose
        and any(canonical(c) == "Action items" for c in head)
        and any(c in _ACTION_COLUMNS or due_column(c) for c in head)
    ):
        name = "Action items"
    elif w.current.startswith(("_preamble", "_meta")) and (row := table_cells(lines[n + 2])):
        if meta_key(row[0]) not in TIME_KINDS or any(meta_key(c) in TIME_KINDS for c in table_cells(lines[n])):
            return  # "| Detected | Started | Resolved |" over a row of times: its columns are the fields (_time_columns)
        if not _phase_rows(lines, n + 2):
            return  # "| Detected | … |" over "| Severity | SEV2 |", "| Postmortem owner | … |": fields (_kv_row)
        name = "Timeline"
    else:
        return
    pm.mapped.append((f"a table headed {' | '.join(table_cells(lines[n]))}", name))
    w.table_from = w.current
    w.start(name)


_TABLE_SECTIONS = ("Action items", "Timeline")


def _phase_rows(lines: list[str], n: int) -> bool:
    """Whether the table's rows from line ``n`` on are all phases of the incident: each one's first cell a
    time field or a step of the response ("| Detected | … |", "| Paged | … |"), or each one's second cell a
    time ("| Impact noticed | 08:20 | … |"). A first page's key/value table whose first row is "| Detected |"
    and whose next are "| Severity | SEV2 |", "| Postmortem owner | Kim Lee |" was read as the Timeline: its
    severity not read, its owner dropped."""
    phases = times = True
    while n < len(lines) and lines[n].strip().startswith("|") and (phases or times):
        cells = table_cells(lines[n])
        first = cells[0] if cells else ""
        phases = phases and (meta_key(first) in TIME_KINDS or _norm(first) in _TIMELINE_LABELS)
        times = times and len(cells) > 1 and _is_time(cells[1])
        n += 1
    return phases or times


def _is_time(cell: str) -> bool:
    """Whether a table's cell is a moment and nothing else ("08:20", "2026-11-20 10:12 UTC")."""
    read = entry(cell, None) if re.search(r"\d:\d\d", cell) else None
    return read is not None and not read[1]


def _table_edge(pm: Postmortem, w: _Walk, lines: list[str], n: int, row: bool, markdown: bool) -> None:
    """Line ``n``, a table's (``row``) or not, in a code block or not (``markdown``): a key/value table ends at its first line that is no row, and a
    table that is a section of its own (_table_section) too, the text after it the section's it was met in."""
    if not row:
        w.kv_table = False
        if w.table_from is not None:
            w.start(w.table_from)
            w.table_from = None
    elif markdown and w.table_from is None and not w.kv_table:
        _table_section(pm, w, lines, n)


def _review_column(pm: Postmortem, w: _Walk, lines: list[str], n: int) -> None:
    """The review's day from the first row of a table whose header at line ``n`` names it ("| Incident | Review
    date |" over "| Payments down | 2026-12-09 |"), as a "Review date:" line gives it; the table itself is read
    as before. _review_columns kept its days out of the incident's date, but the review got no day from it."""
    if w.current in ("Timeline", "Action items") or n + 2 >= len(lines):
        return
    if not TABLE_RULE.fullmatch(lines[n + 1].strip()) or not lines[n + 2].lstrip().startswith("|"):
        return
    preamble = w.current == "_preamble" or w.current.startswith("_meta")
    for label, value in zip(table_cells(lines[n]), table_cells(lines[n + 2])):
        # a day under it: "| Review date | 2026-12-09 |" over "| Owner | Sam |" is a key/value table (_kv_header)
        if (kind := meta_key(label)) in REVIEW_KINDS and _DATED_START.match(value):
            said = f"the {label.strip('* ')} column of a table"
            if preamble:
                _set_meta(pm, kind, value.strip(), said)
            else:
                _section_meta(pm, w, kind, value.strip(), said)


def _open_kv_table(pm: Postmortem, w: _Walk) -> None:
    """At a key/value table's first known row: its header and rule rows go, and the rows between
    them and this one (labels no section has) become sections of their own."""
    w.kv_table = True
    rows = []
    while w.buf and w.buf[-1].strip().startswith("|") and not TABLE_RULE.fullmatch(w.buf[-1].strip()):
        rows.append(w.buf.pop())
    rows.reverse()
    if not (w.buf and TABLE_RULE.fullmatch(w.buf[-1].strip())):
        w.buf.extend(rows)  # a table without a header: the rows above stay as they were
        return
    w.buf.pop()
    if w.buf and w.buf[-1].strip().startswith("|"):
        _kv_header(pm, w, w.buf.pop())
    for row in rows:
        cells = table_cells(row)
        if len(cells) >= 2 and cells[0]:
            _kv_section(pm, w, cells[0], None, " ".join(c for c in cells[1:] if c).strip())


def _kv_header(pm: Postmortem, w: _Walk, row: str) -> None:
    """A key/value table's header row when it is its first row of fields ("| Incident date | 10 Mar
    2026 |": a Confluence page-properties table, whose rows all start with a <th>, or a Word table
    without a header, as pandoc writes them): read as a row. It was dropped as a header, and the
    date came from the first dated sentence instead."""
    cells = table_cells(row)
    label, value = (cells[0], " ".join(c for c in cells[1:] if c).strip()) if len(cells) >= 2 else ("", "")
    kind, name = _meta_kind(label, value), canonical(label, keywords=False)
    if kind and value:
        _set_meta(pm, kind, value, f"the {label.strip('* ')} row of a table")
    elif (name or _ticket_row(label, value)) and value:
        _kv_section(pm, w, label, name, value)


# a key/value table's row naming the incident's ticket ("| Incident | INC-3312 |", a Confluence page's
# properties): the record has no ticket field, and its References section holds its links. It was a
# section "Incident" of its own, said as one Recur could not map (found importing a Confluence page)
_TICKET_LABELS = {
    *("incident", "incident id", "incident key", "incident ticket", "incident number", "incident no", "incident #"),
    *("ticket", "jira", "jira ticket", "jira issue", "jira key", "issue", "issue key"),
}


# the key such a row's value opens with. Not TICKET, which reads any case ("ops-12" in a sentence): here
# "eu-1 region outage", "db-2 disk full" and "#12 of the series" are words, and went to References.
# A project key in capitals, a tracker's link, "bug 12345" / "b/12345", or "#123" with no words after it.
# The lookbehind starts a key only at a word's start: a search from each of 50,000 capitals tried the key from
# every one of them (seconds); a match at the value's start is unchanged by it.
_TICKET_KEY = re.compile(
    rf"(?<![A-Za-z0-9]){PROJECT_KEY}\b"
    r"|(?i:(?:bug|issue|ticket|b)\s*[/#]?\s*\d{3,}\b|https?://\S+/(?:issues|pull|browse|tickets?|bugs?)/[\w-]+)"
    r"|#\d+\b(?![ \t]+\w)"
)


def _ticket_row(label: str, value: str) -> bool:
    """Whether a row is the incident's ticket: its label names one and its value opens with a key ("INC-3312",
    a link to it); "| Incident | checkout down |" is no ticket and stays a section of its own."""
    return _norm(label) in _TICKET_LABELS and _TICKET_KEY.match(MARKS.sub("", value).lstrip("[( ")) is not None


# the incident's number on a line of its own ("**Incident:** #1187 Payments webhook queue backlog", FireHydrant's):
# the References section's, as a table's Incident row is; "Incident: checkout down" is no number
_LINE_TICKET = re.compile(rf"(?:#\d+|(?<![A-Za-z0-9]){PROJECT_KEY})\b")  # the lookbehind: as _TICKET_KEY's


def _tool_field(w: _Walk, label: str, value: str) -> bool:
    """Whether the preamble's line "``label``: ``value``" is a tool's field kept out of the summary: the
    incident's number (References) or a detail (DETAIL_LABELS: the Details section)."""
    label, value = MARKS.sub("", label).strip(), value.strip().strip("*_").strip()
    key = _norm(label)
    if not value or is_placeholder(value):
        return False
    if key in _TICKET_LABELS and _LINE_TICKET.match(value):
        w.start("References", f"- {label}: {value}")
    elif key in DETAIL_LABELS and not (key in _SHORT_ONLY and len(value.split()) > 4):
        w.start("Details", f"- {label}: {value}")
    else:
        return False
    w.start("_preamble")
    return True


def _kv_section(pm: Postmortem, w: _Walk, label: str, name: str | None, value: str) -> None:
    label = label.strip("* ")
    if name is None and _norm(label) in DETAIL_LABELS:  # Rootly's "| Environments | production |": a detail
        name, value = "Details", f"- {label}: {value}"
    if name is None and _ticket_row(label, value):
        name, value = "References", f"- {label}: {value}"
        if value in w.references:
            return  # the title's suffix gave it already ("X Postmortem (INC-3312)" over "| Incident | INC-3312 |")
    if name:
        pm.mapped.append((label, name))
    elif label not in w.unmapped:
        pm.unmapped.append(label)
        w.unmapped.add(label)
    w.start(name or label, value.replace("<br>", "\n"))
    w.start("_preamble")


# A plain-text write-up (an email) has no headings: "What happened: …", "Why: …", "Follow-ups:" over its
# items are its sections. Read so only where no line is a heading, and only a label a section is named
# by exactly: in a Markdown document "Impact: none" inside a section is its text.
PLAIN_LABEL = re.compile(r"^([A-Za-z][\w '’/;-]{1,40}?[?]?):(?:[ \t]+(\S.*))?$")


def _label_line(pm: Postmortem, w: _Walk, ln: str, n: int) -> bool:
    """``**Root Causes**: text`` starts a section; ``Date: …``/``**Severity:** …`` is metadata."""
    m = BOLD_LABEL.match(ln)
    if m and (name := canonical(m.group(1), keywords=False)):
        w.start(name, m.group(2), label=m.group(1))
        pm.mapped.append((m.group(1).strip(), name))
        return True
    if w.current == "_preamble" and _field_row(pm, ln, n):
        return True
    m = PLAIN_LABEL.match(ln) if w.plain else None
    if m and (name := canonical(m.group(1), keywords=False)):
        w.start(name, m.group(2) or "", label=m.group(1))
        pm.mapped.append((m.group(1).strip(), name))
        return True
    said = None
    if w.current not in ("Timeline", "Action items"):
        m = META.match(ln)
        said = (f"{m.group(1).strip()}:", m.group(2)) if m else _time_label(ln)
    kind = _meta_kind(said[0].rstrip(":"), said[1]) if said else None
    if not kind:
        return bool(said) and w.current == "_preamble" and _tool_field(w, said[0].rstrip(":").strip(), said[1])
    # the label as the line has it: "**Started** 14:05" has no colon, and a note's "the 'Started:' line 12" was
    # searched for in the document in vain
    value, where = said[1].strip().strip("*_").strip(), f"the '{said[0]}' line {n}"
    # before the first section the line is metadata only; inside one it stays, as its text ("Status:
    # rolled back at 14:05" in a Resolution section), and is read as _section_meta says
    if w.current == "_preamble" or w.current.startswith("_meta"):
        _set_meta(pm, kind, value, where)
        return True
    _section_meta(pm, w, kind, value, where)
    return False


def _time_label(ln: str) -> tuple[str, str] | None:
    """(the label as written, the value) of a time field's line whose label its emphasis closes with no colon
    after it ("**Started** 14:05 UTC", "- *Resolved* at 15:10"), read as "**Started:** 14:05 UTC" is; None for
    any other label (a bold word opening a sentence is no field) or a value that opens with no time
    ("**Detected** 3 errors"). The label is read as a timeline's is (_marked_label): "*Started* at 14:05" was an
    entry of a timeline but no Started field, where "**Started** at 14:05" was one. A list item's label with
    neither emphasis nor colon ("- Started 14:05 UTC") is read as the timeline reads it too (_plain_label). A review
    field's label so closed gives its day ("**Review date** 2026-12-09"), as "Review date:" does."""
    said = _marked_label(ln)
    kind = meta_key(said[0].rstrip(":").strip()) if said else None
    if kind in REVIEW_KINDS:  # "**Review date** 2026-12-09": a day, as "Review date:"
        return said if _DATED_START.match(said[1]) else None
    if said is None and (plain := _plain_review(ln)):  # "Review date - 2026-12-09", "Review date 2026-12-09"
        return plain
    if kind not in TIME_KINDS:
        plain = _plain_label(ln, None)  # "- Started 14:05 UTC": no emphasis nor colon, in a list item
        return plain[0] if plain else None
    return said if entry(said[1], None) else None


REVIEW_KINDS = ("review date", "review due", "review held")
# what parts a review field's own label from its day with no colon nor emphasis: a dash, spaced or not, or spaces
_REVIEW_SEP = re.compile(r"[ \t]+(?:[-\u2013\u2014][ \t]+)?|[ \t]*[\u2013\u2014][ \t]*")


def _plain_review(ln: str) -> tuple[str, str] | None:
    """(the label as written, the day's words) of a line (or list item) opening with a review field's own label
    (_REVIEW_LABELS) and a day after a dash or a space alone ("Review date - 2026-12-09", "Review date Dec 9,
    2026"), else None. _review_line kept such a line out of the incident's date, but it gave the review no day,
    as "Review date: 2026-12-09" does (the framework's default due day was written)."""
    s = _LIST_MARK.sub("", ln).lstrip()
    low = s[:24].lower()  # the longest label is 21 letters: the rest of a long line is never lowered
    for label in _PLAIN_REVIEW_LABELS:
        if low.startswith(label) and (sep := _REVIEW_SEP.match(s, len(label))) and _DATED_START.match(s, sep.end()):
            return s[: len(label)], s[sep.end() :]
    return None


# A write-up's follow-ups as a list under a sentence that says so, with no heading or label over them:
# "Follow-ups we agreed on in the review:" (a plain-prose postmortem). The list was read as the summary's
# text and no follow-up recorded (found importing one). The list is the Action items section; the text
# after it goes back to the section it was in.
_LEAD_IN = re.compile(r"^\s*(?:\*\*|__)?([A-Z][^:\n]{2,100}?)(?:\*\*|__)?:(?:\*\*|__)?\s*$")
_ACTION_WORDS = re.compile(
    r"\baction items?\b|\bfollow[- ]?ups?\b|\bcorrective actions?\b|\bnext steps\b|\bpreventi(?:ve|on) actions?\b", re.I
)


def _lead_in(pm: Postmortem, w: _Walk, lines: list[str], n: int) -> bool:
    """Whether line ``n`` starts or ends the list of follow-ups under a lead-in sentence (and w says so)."""
    ln = lines[n]
    if w.lead_from is not None:
        if ln.strip() and not LIST_ITEM.match(ln) and not ln[:1].isspace():
            w.start(w.lead_from)  # "Why it matters: …" after the list is the write-up's text again
            w.lead_from = None
        return False
    m = _LEAD_IN.match(ln) if not w.actions and w.current != "Action items" else None
    if m is None or len(m.group(1).split()) > 12 or not _ACTION_WORDS.search(m.group(1)):
        return False
    # the next line with text, by index: a slice of the rest for each lead-in was quadratic in lines of them
    if not LIST_ITEM.match(next((lines[i] for i in range(n + 1, len(lines)) if lines[i].strip()), "")):
        return False
    w.lead_from, label = w.current, m.group(1).strip()
    w.start("Action items", label=label)
    pm.mapped.append((label, "Action items"))
    return True


def _field_row(pm: Postmortem, ln: str, n: int) -> bool:
    """A line of fields separated by middle dots before the first section ("Incident ID: INC-1 ·
    Severity: **SEV2** · Date: 2026-09-30"): each field read. The line used to be read as one
    "Incident ID:" label, no field, and the severity was lost."""
    parts = [p for p in ln.split("·") if p.strip()] if "·" in ln else []
    fields = [(m, meta_key(m.group(1))) for m in map(META.match, parts) if m]
    if len(parts) < 2 or len(fields) < len(parts) or not any(kind for _, kind in fields):
        return False
    for m, kind in fields:
        label, value = m.group(1).strip(), m.group(2).strip().strip("*_").strip()
        if kind:
            _set_meta(pm, kind, value, f"the '{label}:' field, line {n}")
        else:  # "Incident ID: INC-4821": said in the import's notes, not dropped unsaid
            _unkept(pm, label.lower(), value)
    return True


# words of a sentence, not of a field's value: "Component: the renewal job, which had been failing"
SENTENCE_WORDS = re.compile(r"\b(?:was|were|is|are|had|has|have|been|which|that|because|when|while)\b", re.I)


def _section_meta(pm: Postmortem, w: _Walk, kind: str, value: str, where: str) -> None:
    """A metadata label or row inside a section. In one that maps to nothing ("## Metadata",
    "## Details") it is the document's field. In a content section (Root cause, Impact, …) it is the
    author's text ("- Duration: the cert was valid for 90 days and nobody watched it"): kept, when it
    reads as a value ("45 minutes", "edge-proxy, api-gateway"), for a field nothing else gives
    (_weak_meta), as the first such line used to win over the real field further down."""
    if w.current in w.unmapped:
        _set_meta(pm, kind, value, where)
        return
    v = value.strip().rstrip(".")
    if not v or re.search(r"[.!?]\s", v) or SENTENCE_WORDS.search(v):
        return
    parts = re.split(r"[,;]", v) if kind == "services" else [v]
    if all(len(p.split()) <= (3 if kind == "services" else 5) for p in parts):
        w.weak.append((kind, value, where))


def _weak_meta(pm: Postmortem, w: _Walk) -> None:
    """The labels of content sections (_section_meta), for the fields the preamble, front matter,
    field headings and other sections left empty: after _sections, which reads the field headings."""
    for kind, value, where in w.weak:
        if kind in ("date", "start") and pm.date_unread:  # a Date: field we cannot read is still the field
            continue
        if kind == "status":  # "Status: done" in a Resolution section is the author's text, not the review's state
            if not is_placeholder(str(value)):
                _unkept(pm, kind, value)
            continue
        _set_meta(pm, kind, value, where)


def _numbered_heading(lines: list[str], n: int, s: str, under: str) -> bool:
    """ "1. Executive Summary" over "----" or "====": a numbered section heading written by hand (pandoc
    escapes it "1\\."), not a list item over a rule, when it stands alone after a blank line, is no
    sentence and its underline is about as long as it (a rule under a list is "---"). These were
    read as list items, and a whole setext postmortem fell into its summary."""
    return (
        re.match(r"\d+(?:\.\d+)*[.)]\s", s) is not None
        and (n == 0 or not lines[n - 1].strip())
        and not s.endswith((".", "!", "?", ",", ";"))
        and len(under) * 2 >= len(s)
    )


def _setext(lines: list[str], n: int) -> int:
    """1 or 2 when line ``n`` is a Setext heading ("Title" over "====" or "----", as pandoc writes
    a Confluence or Word export), else 0. A list item, table row or quote over "---" is not one,
    nor is a sentence (ending in . ! ? , ;) or the last line of a paragraph over "---": that is an
    author's text over a separator, as pandoc never writes a heading."""
    s, under = lines[n].strip(), lines[n + 1].strip() if n + 1 < len(lines) else ""
    if not s or not SETEXT.match(under) or s.startswith(("|", ">")):
        return 0
    if LIST_ITEM.match(lines[n]) and not _numbered_heading(lines, n, s, under):
        return 0
    if under[0] == "-" and (s.endswith((".", "!", "?", ",", ";")) or (n > 0 and lines[n - 1].strip())):
        return 0
    return 1 if under[0] == "=" else 2


def _walk(pm: Postmortem, lines: list[str], offset: int, confluence: bool = False) -> _Walk:
    w, fence, underline, columns = _Walk(confluence=confluence, lines=lines), None, -1, -1
    w.plain = not any(HEADING.match(ln) or _setext(lines, n) for n, ln in enumerate(lines))
    # only a heading or a bold label can name the section: canonical("") cost a line of a long code block 50 µs
    w.actions = any(
        canonical(_atx_text(m.group(2)) if (m := HEADING.match(ln)) else (BOLD_LABEL.match(ln) or [""])[0])
        == "Action items"
        for ln in lines
        if ln[:1] == "#" or ln.lstrip()[:2] in ("**", "__")
    )
    for n, ln in enumerate(lines):
        s = ln.strip()
        if fence is None and s.startswith(("```", "~~~")):
            fence = s[:3]
        elif fence and s.startswith(fence):
            fence = None
        w.line_sections.append(None if fence else w.current)
        if n == underline:
            continue  # the "====" or "----" under a Setext heading
        m = HEADING.match(ln) if fence is None else None
        text = _atx_text(m.group(2)) if m else ""
        if m is None and fence is None and (level := _setext(lines, n)):
            m, underline, text = re.match(r"(#+) (.+)", "#" * level + " " + s), n + 1, s
        if m:
            w.at = n
            _heading(pm, w, len(m.group(1)), unescape(text))
            continue
        if fence is None and re.fullmatch(r"=+", s) and w.buf == [] and pm.title is not None:
            continue
        _table_edge(pm, w, lines, n, s.startswith("|"), fence is None)
        if n <= columns:
            continue  # a timeline summary table of the first page, read as fields (_time_columns)
        if fence is None and s.startswith("|"):
            _review_column(pm, w, lines, n)
        read = fence is None and s.startswith("|") and _time_columns(pm, w, lines, n)
        if read and w.current.startswith(("_preamble", "_meta")):  # in a section the table stays its text
            columns = n + 2
            continue
        if fence is None and s.startswith("|") and _kv_row(pm, w, ln, lines[n + 1] if n + 1 < len(lines) else ""):
            continue
        if fence is None and (_plain_heading(pm, w, lines, n) or _label_line(pm, w, ln, n + offset)):
            continue
        if fence is None and _lead_in(pm, w, lines, n):
            continue
        w.buf.append(ln)
    w.start("_end")
    return w


# a section's name alone on a line of a plain-text document ("Summary", "Root cause"): at most this long
_PLAIN_HEADING = re.compile(r"[A-Za-z][\w '’/&()-]{1,40}\??")


def _plain_heading(pm: Postmortem, w: _Walk, lines: list[str], n: int) -> bool:
    """Whether line ``n`` of a document with no heading is a section's name alone, after a blank line and
    over text (Google Docs' plain-text export writes its headings so): then it starts that section. It was
    a line of the summary, and the whole export the summary, its action items no follow-ups."""
    s = lines[n].strip()
    if not w.plain or not _PLAIN_HEADING.fullmatch(s) or (n and lines[n - 1].strip()):
        return False
    if not any(lines[i].strip() for i in range(n + 1, len(lines))):  # to the next text only: no copy of the rest
        return False
    if not (name := canonical(s, keywords=False)):
        return False
    w.start(name, label=s)
    pm.mapped.append((s, name))
    return True


# a plain-text document's first line that greets, not titles ("Hi all", "Hello team")
_GREETING = re.compile(r"(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b", re.I)


def _plain_title(pm: Postmortem, w: _Walk) -> None:
    """A plain-text document's (no heading: Google Docs' .txt export) first line is its title when it is a
    line of its own, no sentence nor greeting, and the document has sections (``_plain_heading``, a
    ``What happened:`` line) or the line names itself a postmortem (``Postmortem: X``): the record was titled
    by the file name, and the line was the summary's first."""
    if pm.title is not None or not w.plain or not w.chunks or w.chunks[0][0] != "_preamble":
        return
    body = w.chunks[0][1]
    at = next((n for n, ln in enumerate(body) if ln.strip()), None)
    if at is None or (at + 1 < len(body) and body[at + 1].strip()):
        return
    line = body[at].strip()
    title = clean_title(unescape(line))
    if len(line) > 150 or line[-1] in ".,;:!?" or _GREETING.match(line) or not title:
        return
    if pm.mapped or title != line:
        pm.title = title
        del body[at]


def _bold_title(pm: Postmortem, w: _Walk) -> None:
    """A Word document's title is often a bold first line, not a heading ("**Incident Report: X**"):
    the title when nothing else gave one, and then not part of the summary."""
    if pm.title is not None or not w.chunks or w.chunks[0][0] != "_preamble":
        return
    body = w.chunks[0][1]
    at = next((n for n, ln in enumerate(body) if ln.strip()), None)
    m = re.fullmatch(r"\s*(\*\*|__)([^*_]{3,200})\1\s*", body[at]) if at is not None else None
    label = m.group(2).strip() if m else ""
    if m and not label.endswith(":") and not canonical(label, keywords=False) and not meta_key(label):
        pm.title = clean_title(unescape(label))
        if pm.title:
            del body[at]


def _sections(pm: Postmortem, w: _Walk) -> None:
    # each section's texts, joined once at the end: a section met again and again (a ticket row's or a detail
    # line's References and Details, each a chunk) was joined to the whole of it each time, quadratic
    parts = {name: [text] for name, text in pm.sections.items()}
    for name, body, label in w.chunks:
        text = drop_html_comments("\n".join(body), "").strip()
        text = RULES_AROUND.sub("", text).strip()  # a "---" separator before the next section
        if label and text and _norm(label) != name.lower() and (name in parts or name == "Lessons learned"):
            text = f"**{label.strip(' *_:')}**\n{text}"  # "What went well" inside Lessons learned
        if name.startswith("_meta:"):
            _, kind, heading = name.split(":", 2)
            _set_meta(pm, kind, text, f"the '{heading}' heading")
            continue
        if name in ("_end",) or not strip_placeholders(text).strip(" \n-*|:"):
            continue
        if name == "_preamble":
            # text before any section: the summary. A key/value table restarts the preamble after each
            # row (_kv_section), so the paragraph under one is added to the summary, not dropped
            name = "Summary"
        parts.setdefault(name, []).append(unescape_prose(text))  # "five\\." as Google Docs' export writes it
    for name, texts in parts.items():  # Details: its "- Label: value" lines, one list
        pm.sections[name] = ("\n" if name == "Details" else "\n\n").join(texts)


def _dates(pm: Postmortem, w: _Walk, body: str) -> None:
    """Dated headings (timeline first), then the first dated sentence, when nothing named the date."""
    if pm.date is not None or pm.date_unread:  # a date label we cannot read: no guess
        return
    heads = [h for h in w.dated_headings if h[2]] or w.dated_headings
    if heads:
        pm.date = heads[0][0]
        pm.date_source = f"the {'timeline ' if heads[0][2] else ''}heading '{heads[0][1]}'"
        return
    mailed = pm.created is not None and pm.created[1].startswith("the email's")
    if pm.created and not mailed:  # when the document was written: often days after, but nearer than a guess from prose
        pm.date, pm.date_source = pm.created
        return
    prose = re.sub(r"(?ms)^(```|~~~).*?^\1", "", _without_tasks(w, body))
    day, words, prose, stripped = _first_dated(prose, pm.sections.get("Leadup"))
    # an email's Date: header says when it was sent, often days after the outage ("Thursday's checkout incident
    # (Nov 26, 2026)" sent Dec 2): the body's first dated sentence speaks first when it is no later than the
    # mail (a later one is a due date or a review), a day it names without its year ("on Thursday (Nov 26)")
    # too (_mail_day), the header for want of one
    if mailed and (said := _mail_day(pm, stripped, day, words)):
        pm.date, words, text = said
        pm.date_source = f'the first dated sentence: "{_sentence(text, words)}…"'
        pm.date_note = (
            f"date: {words!r} has no year; read as {pm.date.isoformat()}, the last {words} on or before the email's "
            f"Date: header ({pm.created[0].isoformat()}): correct it in the record if another was meant"
        )
    elif mailed and (day is None or day > pm.created[0]):
        pm.date, pm.date_source = pm.created
    elif day is not None:
        pm.date, pm.date_source = day, _dated_source(pm, prose, words)


def _dated_source(pm: Postmortem, text: str, words: str) -> str:
    """Where the date was read: the title, quoted alone, when its words are in the title's line ("# Checkout API
    outage, 14 November 2026" was quoted run on into the next section, "… 2026 ## Symptoms - API returns…", found in
    a docs review), else the first dated sentence."""
    at = text.find(words)
    line = text[text.rfind("\n", 0, at) + 1 : (text.find("\n", at) + 1 or len(text) + 1) - 1]
    said = " ".join(line.strip().lstrip("#").split())
    if pm.title and words in pm.title and said and (pm.title in said or said in pm.title):
        return f'the title: "{pm.title}"'
    return f'the first dated sentence: "{_sentence(text, words)}…"'


# where a dated sentence's quote ends at the latest: a blank line, a heading, a list item
_PARAGRAPH_END = re.compile(r"\n[ \t]*(?:\n|#|[-*+][ \t]|\d+[.)][ \t])")


def _sentence(text: str, words: str) -> str:
    """The sentence of ``text`` around its dated ``words``, up to 90 characters, as the date's source says it; not
    run on past its paragraph into the next heading or list (found in a docs review)."""
    at = text.find(words)
    full_stop = text.rfind(". ", 0, at)  # the sentence before ends there
    start = max(full_stop + 2 if full_stop >= 0 else 0, text.rfind("\n", 0, at) + 1)
    stop = at + len(words) + 40
    if end := _PARAGRAPH_END.search(text, at + len(words), stop):
        stop = end.start()
    return " ".join(text[start:stop].split())[:90]


# how far before an email's Date: header a day its body names without a year is read as the incident's: a write-up
# is sent days or weeks after the outage; a day past it ("due Dec 11", "review on Dec 9" in a mail of Dec 2) would
# be read nearly a year back, and is a due date or a review, not the outage
MAIL_DAYS_BACK = 92
_YEAR_AFTER = re.compile(r",?[ 	]+\d{4}(?!\d)")


def _mail_day(pm: Postmortem, text: str, day: dt.date | None, words: str | None) -> tuple | None:
    """(date, words, the text they are in) of the first day an email's body names without its year ("on Thursday
    (Nov 26)", "Nov 26 14:05 UTC"), in the year of its Date: header (the year before when the day would be after it:
    "Dec 30" in a mail of 3 January), read when no dated sentence with a year comes before it that is no later than
    the mail; None for none within MAIL_DAYS_BACK days before the header. Not in the follow-ups (their due days),
    the Leadup, the lines about the document or the review: ``text`` is _first_dated's last, without them (the
    follow-ups blanked before, _without_tasks). The month named in capitals ("it may 5 times" names no May), never after a time
    ("10:05 May")."""
    sent = pm.created[0]
    dated = text.find(words) if day is not None and day <= sent and words else -1
    for m in _YEARLESS.finditer(text, 0, dated if dated >= 0 else len(text)):
        month = m.group(1) or m.group(4)
        if (
            not month[0].isupper()
            or text[max(m.start() - 1, 0) : m.start()] in (":", ".")
            or _YEAR_AFTER.match(text, m.end())
        ):
            continue  # "may", "10:05 May", "Nov 30, 2027" (a date with its year, after the mail)
        md = month_day(m.group(0))
        said = on_or_before(*md, sent) if md else None
        if said is not None and (sent - said).days <= MAIL_DAYS_BACK:
            return said, m.group(0), text
    return None


_TASK_LINE = re.compile(r"[ \t]*(?:[-*+]|\d+[.)])[ \t]+\[[ xX]\]")


def _without_tasks(w: _Walk, body: str) -> str:
    """``body`` with the lines of its action items blanked (the section ``_walk`` read as "Action items", and a
    checkbox item under any heading): the work after the incident, its due and done days never the incident's
    date. An undated postmortem was dated by "- [ ] Add a timeout (owner: Tom Becker, due 2026-12-01)", not
    listed for triage (found in a problem manager's review); with no date of its own it is recorded as one with
    no date at all is, today's date under triage."""
    lines = body.split("\n")
    sections = w.line_sections if len(w.line_sections) == len(lines) else [None] * len(lines)
    return "\n".join("" if at == "Action items" or _TASK_LINE.match(ln) else ln for ln, at in zip(lines, sections))


# a line about the document, not the incident: "Created by Jane, last modified by Sam on Apr 02, 2026"
DOC_DATE_LINE = re.compile(
    r"(?im)^.*\b(?:created|(?:last\s+)?(?:modified|updated|edited|reviewed)|published|posted|exported|printed|written|authored|prepared|drafted)\b"
    r"(?:\s+by\b[^\n]{0,80}?)?(?:\s+on\b|\s+at\b|:|,)[^\n]*$"
)


# a line that dates the review, never the incident: "Review date: 2026-12-09", "**Meeting date:** December 2,
# 2026", "| PIR meeting | Dec 1, 2026 |", "Retro: Dec 3", "Status: Draft, review scheduled 2026-12-09". Read as the
# first dated sentence, a review a week ahead was the incident's date, after today. A label naming the review
# that says no day, "Incident review: Payments down on Nov 29, 2026" (a title), stays. Its label ends as a time
# field's may (_time_label): a colon or a pipe, its emphasis closed ("**Review date** 2026-12-09"), a spaced
# dash ("Review date - 2026-12-09"), or a space alone after a review field's own label ("Review date 2026-12-09")
LABEL_LINE = re.compile(
    r"(?m)^[ \t]*(?:[-*+][ \t]+)?(?:\|[ \t]*)?(?P<open>\*\*|__|\*|_)?(?P<label>[A-Za-z](?:[A-Za-z /-]{0,38}[A-Za-z])?)"
    r"(?P<close>\*\*|__|\*|_)?(?P<sep>[ \t]*[:|]|[ \t]+[-–—](?=[ \t])|[ \t]*[–—]|(?=[ \t]))"
    r"[ \t]*(?:(?:\*\*|__|\*|_)[ \t]*)?(?P<value>[^\n]*)$"
)
_REVIEW_WORD = re.compile(r"(?i)\b(?:review|retro(?:spective)?|pir|meeting)\b")
_WHEN_WORD = re.compile(r"(?i)\b(?:date|day|due|held|on|scheduled|planned|when)\b")
_DATED_START = re.compile(rf"(?i)[ \t*_]*(?:\d|{MONTH_NAME}[ \t]|(?:mon|tues|wednes|thurs|fri|satur|sun)day\b)")
# the review's own field labels: with no colon, dash nor emphasis ("Review date Dec 9, 2026") only these end a
# label ("Review meeting on Dec 3 we agreed …" is a sentence)
_REVIEW_LABELS = tuple(k for k, v in META_KEYS.items() if v in ("review date", "review due", "review held"))
_PLAIN_REVIEW_LABELS = sorted(_REVIEW_LABELS, key=len, reverse=True)  # "reviewed on" before "reviewed"


def _review_line(m: re.Match) -> str:
    """The label line ``m`` (LABEL_LINE) taken out when it dates the review, else kept."""
    label, value = m["label"], m["value"]
    if not m["sep"].strip() and not (m["open"] and m["open"] == m["close"]):  # no colon, dash nor emphasis
        said = m.string[m.start("label") : m.end()]
        review = any(
            said[: len(k)].lower() == k
            and said[len(k) : len(k) + 1] in (" ", "\t")
            and _DATED_START.match(said, len(k))
            for k in _REVIEW_LABELS
        )
        return "" if review else m.group(0)
    if re.search(r"(?i)\bstatus\b", label):  # "Status: Draft, review scheduled …": the review's due day
        return "" if _REVIEW_WORD.search(value) else m.group(0)
    review = _REVIEW_WORD.search(label) and (_WHEN_WORD.search(label) or _DATED_START.match(value))
    return "" if review else m.group(0)


def _review_columns(text: str) -> str:
    """``text`` with the cells under a table's review-date header blanked ("| Review date | Owner |" over "| 2026-12-09 |
    Sam |"): its rows' days are the review's. The header names the review and a day, as a label line's does. The cells
    under a due column (due_column: "| Was | Wer | Fällig |") too, under whatever heading: the days action items are
    due, never the incident's (a German postmortem under a heading no alias names was dated by its first due date)."""
    if "|" not in text:
        return text
    lines, cols = text.split("\n"), []
    for n, ln in enumerate(lines):
        if not ln.lstrip().startswith("|"):
            cols = []
        elif cols:
            lines[n] = "| " + " | ".join("" if k in cols else c for k, c in enumerate(table_cells(ln))) + " |"
        elif n + 1 < len(lines) and all(re.fullmatch(r":?-+:?", c) for c in table_cells(lines[n + 1])):
            cols = [
                k
                for k, c in enumerate(table_cells(ln))
                if (_REVIEW_WORD.search(c) and _WHEN_WORD.search(c)) or due_column(_norm(c))
            ]
    return "\n".join(lines)


def _without_review(text: str) -> str:
    """``text`` without the lines and table cells that date the review (LABEL_LINE, _review_columns)."""
    return LABEL_LINE.sub(_review_line, _review_columns(text))


def _first_dated(prose: str, leadup: str | None) -> tuple:
    """(date, its words, the text it was found in, the text without the lines read last) of the first dated
    sentence about the incident: lines about the document (created, last modified) and the Leadup (what came
    before) are read only when nothing else is dated; lines dating the review never. The last, without any of
    them, is where _mail_day reads a day without its year (it stripped them again, its own way)."""
    # the Leadup taken out before the review's lines are: one inside it ("- Design review: Nov 10") left it no
    # longer written as in the text, and its days were read before the incident's
    unled = _without_review(prose.replace(leadup, "")) if leadup else None
    prose = _without_review(prose)
    undated = DOC_DATE_LINE.sub("", prose)
    texts = [DOC_DATE_LINE.sub("", unled) if unled is not None else undated, undated, prose]
    for n, text in enumerate(texts):
        if n and text == texts[n - 1]:  # nothing taken out: the same text, not read again (a megabyte, 0.4 s)
            continue
        # "alert on 5/30/60 minute windows" dates no incident
        day, words = _span_first(text, *find_date(text, short_slash=False))
        if day is not None:
            return day, words, text, texts[0]
    return None, None, prose, texts[0]


# what may stand between the two days of a span after the first's time: "Nov 29 and 00:24 UTC on Nov 30",
# "29 Nov to 30 Nov", "Dec 31 – Jan 2"; one character a step (a run of spaces is not split two ways), and no word
# read two ways: "ON" was both "on" and a zone's letters, 2^n readings of a run of them ("1 Nov ON ON … ON Nov
# 30", 24 of them 11 s)
_GAP_WORD = r"(?i:on|at|the)\b"
_GAP = rf"(?:[ \t,]|{_GAP_WORD}|\d{{1,2}}:\d\d(?::\d\d)?(?:[ \t]*(?i:[ap]\.?m\.?))?|(?!{_GAP_WORD})[A-Z]{{2,5}}\b)*"
_SPAN_GAP = re.compile(rf"{_GAP}(?:(?i:and|to|until|till|through|thru)\b|[–—-]){_GAP}")
_YEARLESS = re.compile(rf"(?<!\w)(?:{MONTH_DAY.pattern})(?!\d)", re.I)
# _DAY_RANGE from a word's start: tried at every character, it took a megabyte 0.5 s (a log 1.9 s), now 0.2 s
_SPAN_DAYS = re.compile(rf"(?<!\w)(?:{_DAY_RANGE.pattern})", re.I)


def _span_first(text: str, day: dt.date | None, words: str | None) -> tuple:
    """(date, words) of the first dated words of ``text`` (``find_date``'s), or of a span of days before
    them, its first day: "Nov 29–30, 2026", "between 22:10 UTC on Nov 29 and 00:24 UTC on Nov 30, 2026",
    "from Dec 31 to Jan 1, 2027". An incident over two days began on the first, as a Date label's span
    did (_set_date); the year written once, the second day was read as the incident's."""
    at = text.find(words) if words else len(text)
    end = at + len(words or "")
    span = _SPAN_DAYS.search(text, 0, end)  # "Nov 29–30, 2026" is no date of find_date's: before its first
    if span and span.start() < at and (got := _span_start(span)):
        return got, span.group(0)
    if day is None:
        return day, words
    near = list(_YEARLESS.finditer(text, max(0, at - 80), at))
    before = near[-1] if near else None  # the day nearest the date: "Nov 29 and … on Nov 30, 2026"
    if before is None or not _SPAN_GAP.fullmatch(text, before.end(), at) or not (md := month_day(before.group(0))):
        return day, words
    first_day = on_or_before(*md, day)
    return (first_day, text[before.start() : end]) if (day - first_day).days <= 31 else (day, words)


# a template's placeholders: "[Service name]", "<describe impact>", "{{date}}", "YYYY-MM-DD", "TBD", "hh:mm". No
# placeholder holds its own opening bracket: one that did was read on from each "[" of a run of them, 60
# characters a "[" (a megabyte 1.5 s), 200 a "{" (4.2 s); "[[x]" is now "[x]", too short to count
PLACEHOLDER_MARKS = re.compile(
    r"\[[^\[\]\n]{2,60}\]|<[a-z][^<>\n]{2,60}>|\{\{[^{}\n]{0,200}\}\}|\bYYYY-MM-DD\b|\bTBD\b|\bhh:mm\b", re.I
)


# letters of the scripts read in runs, not words (Han, Hiragana, Katakana, Hangul): util.text's CJK, the one class
# search and the browser's ranker read too. A narrower class of its own here left out Hangul (a Korean sentence of six
# words counted 3, its words of two letters none) and 〆 ("〆切を守る" counted 2)
_UNSPACED = re.compile(f"[{CJK}]+")
_WORD = re.compile(r"[^\W\d_]{3,}")  # a run of three letters or more, of any script: [A-Za-z]{3,} in ASCII


def own_words(text: str) -> int:
    """The words of ``text``, by Unicode letters: a run of three letters or more of a script written with spaces
    (Latin, Cyrillic, Greek, …; in ASCII text what ``[A-Za-z]{3,}`` counted), and in a script read in runs (Chinese,
    Japanese, Korean: CJK) one word for every two letters of a run, rounded up: a word there is one to three characters
    long. ``[A-Za-z]{3,}`` alone counted a filled-in Japanese postmortem 1 word ("SEV"), an unfilled template."""
    unspaced = sum((len(run) + 1) // 2 for run in _UNSPACED.findall(text))
    return unspaced + len(_WORD.findall(_UNSPACED.sub(" ", text) if unspaced else text))


def _template_stats(pm: Postmortem, body: str) -> None:
    pm.placeholders = len(PLACEHOLDER_MARKS.findall(_without_links(body)))
    text = strip_placeholders(re.sub(r"(?m)^[ \t]*#{1,6}\s.*$|\*\*[^*]*\*\*\s*:?|^[-:| \t]+$", " ", _own_lines(body)))
    pm.words = own_words(text)


def _without_links(text: str, label: int = 500, target: int = 2000) -> str:
    """``re.sub(r"\\[[^\\]]{0,500}\\]\\([^)]{0,2000}\\)", "", text)``: links out, their runs bounded (unbounded, an
    unclosed "[" was read to the end), by a scan: that pattern read 500 characters from each "[" of a run of them
    (a megabyte of "[", 1.5 s). Every "[" before a "]" shares it, and the ")" after it: when one fails, all do."""
    out, pos, at = [], 0, text.find("[")
    while at >= 0:
        close = text.find("]", at + 1)
        if close < 0:
            break
        end = text.find(")", close + 2, close + target + 3) if text[close + 1 : close + 2] == "(" else -1
        start = at if close - at - 1 <= label else text.find("[", close - label - 1, close)
        if end >= 0 and start >= 0:
            out.append(text[pos:start])
            pos = end + 1
        at = text.find("[", max(pos, close + 1))
    return "".join(out) + text[pos:]


# A template's instructions to its author ("Describe how the incident impacted users.", "Briefly
# summarize the incident"), and its bare prompts ("What happened?", "1. Why?"): not the author's text.
INSTRUCTION = re.compile(
    r"(?:describe|briefly|summari[sz]e|explain|provide|outline|enter|insert|fill in|replace this|"
    r"include the following|add (?:a|an|any|the) (?:short|brief|description|summary|details?|link))\b",
    re.I,
)
TABLE_RULE = re.compile(r"\|?[ \t:|-]*-{3,}[ \t:|-]*")


def _own_lines(body: str) -> str:
    """``body`` without a template's instructions, bare prompts and table header rows (an empty
    action-item table's "| Owner | Action | Jira |" is the template's, not the author's)."""
    lines, out = body.split("\n"), []
    for n, ln in enumerate(lines):
        at = _MARKS.match(ln).end()  # the line's text after its marks and blanks: INSTRUCTION and "?" read it
        if ln.lstrip().startswith("|") and n + 1 < len(lines) and TABLE_RULE.fullmatch(lines[n + 1].strip()):
            continue
        if INSTRUCTION.match(ln, at) or (ln.rstrip().endswith("?") and len(ln[at:].split()) <= 6):
            continue
        out.append(ln)
    return "\n".join(out)


_MARKS = re.compile(r"[\s>*+\-\d.)]*(?:\*\*|__)?\s*")


def looks_unfilled(pm: Postmortem) -> bool:
    """An unfilled template: placeholders and headings, hardly any text of its own."""
    return pm.words < 5 or (pm.placeholders >= 3 and pm.date is None and pm.placeholders * 10 > pm.words)


_ITEM_KEYS = ("title", "status", "owner", "due", "ticket", "done")


def _action_items(pm: Postmortem, items: list[dict], body: str) -> None:
    """The follow-ups of ``items``; a cancelled one ("Won't do", ~~struck~~, Duplicate, Declined) is a
    follow-up closed undone, ``status: done`` with ``resolution: wont-do`` (it was left out, and the record
    lost what the review decided against; a status of its own was a file other tools of the KB format
    reject), its ``done`` day the day it was resolved when the document gives one, and named in
    ``cancelled_items``, as is a due date not read and a blocked item (``blocked_items``: recorded open). A due
    date either order reads ("12/03") is read in the order the ``body``'s other slash dates show, if one."""
    known = _named_apart(pm, items)
    said = [it[k] for it in items for k in ("due_unread", "done_unread") if it.get(k)]  # "Done 12/14" shows one too
    pm.slash_orders = slash_orders(body, said)
    for it in items:
        _maybe_owners(pm, it, known)
        _paired_owner(pm, it, known)
        if left := it.pop("owners_left", None):  # "Ana Ruiz<br>Lee Park": one kept, the others said
            pm.owners_left.append((it["title"], it["owner"], left))
        if it.pop("cancelled", False):
            pm.cancelled_items.append(it["title"])
            # its fields as read; the words of an unread due or done day, or a blocker, say nothing of it now
            kept = {k: v for k, v in it.items() if k in _ITEM_KEYS and (k != "done" or v is not None)}
            pm.action_items.append(kept | {"status": "done", "resolution": WONT_DO})
            continue
        if blocked := it.pop("blocked", None):
            pm.blocked_items.append((it["title"], blocked))
        if (unread := it.pop("due_unread", None)) and (day := _without_year(pm, unread)):
            it["due"] = day
            pm.inferred_dues.append((it["title"], unread, day, pm.date))
        elif unread:
            pm.unread_dues.append((it["title"], unread))
        if said := it.pop("done_unread", None):  # "(completed Mar 4)": on or after the incident's date
            # none known: only a --date gives one; "12/03" in the document's order, as a due date is
            it["done"] = due_after(said, pm.date, slash_order(pm)) if pm.date else None
            pm.inferred_dones.append((it["title"], said, it["done"], pm.date))
        pm.action_items.append(it)


def _named_apart(pm: Postmortem, items: list[dict]) -> set[str]:
    """The people the postmortem names one by one (casefolded): its people fields' names, and the follow-ups' owners
    that are one name and the others their owner fields name (``owners_left``)."""
    named = {who.casefold() for _, value in pm.people for who in people_named(str(value))}
    named |= {who.casefold() for it in items for who in it.get("owners_left", ())}
    return named | {it["owner"].casefold() for it in items if it.get("owner") and not paired_names(it["owner"])}


def _maybe_owners(pm: Postmortem, it: dict, known: set[str]) -> None:
    """The owners of an unlabelled bracket of full names ending an item ("Rotate keys (Ana Ruiz, Bob Lee)"): taken
    out of the title, the first the owner, when the postmortem names each apart (``known``: a people field, another
    item's owner), else kept in the title and said in ``owners_maybe``. A place, a vendor or an alert is written as a
    person's name is: "Add failover (San Jose, Santa Clara)" made "San Jose" the owner (found in review)."""
    names, full, without = it.pop("owners_maybe", (None, (), None))
    if not names or it.get("owner"):
        return
    first, *others = people_named(names) or [None]
    if first and all(who.casefold() in known for who in full):  # mentions and e-mail addresses are people's
        it["title"], it["owner"] = without, first
        if others:
            it["owners_left"] = [*others, *it.get("owners_left", ())]
    else:
        pm.owners_maybe.append((it["title"], names))


def _paired_owner(pm: Postmortem, it: dict, known: set[str]) -> None:
    """An owner of two one-word names kept whole ("Priya, Sam": action_items.paired_names), split where the
    postmortem names both apart (``known``: its first the owner, the other left out and said, as "Ana Ruiz, Bob"),
    else said in ``owners_whole``: it was recorded as one owner with no word."""
    pair = paired_names(it.get("owner"))
    if pair and all(who.casefold() in known for who in pair):
        it["owner"], it["owners_left"] = pair[0], [*pair[1:], *it.get("owners_left", ())]
    elif pair:
        pm.owners_whole.append((it["title"], it["owner"]))


# a checkbox item ("- [ ] Add an alert", a Confluence task), and a heading over plain items that are as
# likely work to do: "Planned mitigations", "Remediation plan", "Improvements", "Fixes", "Open items" (a heading
# of "Mitigations" alone is the record's Mitigations section, done during the incident: CANONICAL)
_CHECKBOX = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+\[[ xX✓]\]", re.M)  # [ \t]: "\s*" ran over blank lines
_LIST_LINE = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+\S", re.M)
_WORK_HEADING = re.compile(
    r"\b(?:actions?|tasks?|to-?dos?|items|mitigations|fix(?:es)?|improvements?|remediations?)\b", re.I
)
# ... unless it names work already done or things the incident touched: "## Actions taken" (what was done
# during the incident), "## Line items affected", "## Mitigations applied" were said as possible follow-ups
_DONE_HEADING = re.compile(
    r"\b(?:taken|done|completed|performed|executed|carried\s+out|applied|affected|impacted|timeline|history)\b", re.I
)


def _unread_tasks(pm: Postmortem) -> list[tuple[str, int]]:
    """(heading, count) of the list items under headings no section maps that may be follow-ups: checkboxes
    anywhere, any item under a heading that names work. They are kept in the record's section as written,
    but no follow-up: a "## Mitigations" list of tasks was dropped from the follow-ups unsaid."""
    out = []
    for heading in dict.fromkeys(pm.unmapped):
        text = pm.sections.get(heading, "")
        work = _WORK_HEADING.search(heading) and not _DONE_HEADING.search(heading)
        n = len(_CHECKBOX.findall(text)) or (len(_LIST_LINE.findall(text)) if work else 0)
        if n:
            out.append((heading, n))
    return out


def dues_against(pm: Postmortem, start: dt.date) -> None:
    """Read the due dates written without a year against ``start``, the incident's date given apart
    (``--date``), not the one the document says: read against that, a date the user corrected left
    them in the wrong year (or, with none in the document, said not read)."""
    order = slash_order(pm)
    words = {t: w for t, w, *_ in pm.inferred_dues} | {
        t: w for t, w in pm.unread_dues if month_day(w) or day_of_month(w) or in_order(w, order)
    }
    pm.unread_dues = [(t, w) for t, w in pm.unread_dues if t not in words]
    dones = {t: w for t, w, *_ in pm.inferred_dones}
    pm.inferred_dues, pm.inferred_dones = [], []
    for it in pm.action_items:
        if (said := words.get(it["title"])) is not None:
            it["due"] = due_after(said, start, order)
            pm.inferred_dues.append((it["title"], said, it["due"], start))
        if (said := dones.get(it["title"])) is not None:  # a done day with no year likewise
            it["done"] = due_after(said, start, order)
            pm.inferred_dones.append((it["title"], said, it["done"], start))


def dones_by(pm: Postmortem, today: dt.date) -> None:
    """A day done written without its year is never after ``today``: one read after it (the first on or after
    an incident's date later in the year: "done Dec 1" of a postmortem dated Dec 2 was 2027-12-01, and
    ``recur report`` listed the follow-up open) or not read (no incident date) is the last such day on or
    before ``today``. Due dates are ahead as often as not; a done day is past. One taken back before the
    incident's date fits neither ("completed 12/30" of an incident on 2026-12-02, read on 2026-12-05: 2025-12-30,
    which `recur check --strict` fails as done before the incident): no day is read, the item stays done
    (a done follow-up without ``done:`` is valid) and ``early_dones`` says why."""
    order = slash_order(pm)
    for n, (title, said, day, start) in enumerate(pm.inferred_dones):
        if (day is None or day > today) and (md := month_day(said) or in_order(said, order)):
            done = on_or_before(*md, today)
            early = start is not None and done < start
            for it in pm.action_items:
                if it["title"] == title and it.get("done") == day:
                    it["done"] = None if early else done
            pm.inferred_dones[n] = (title, said, None if early else done, start)
            if early:
                pm.early_dones.append((title, said, done, start))


def _without_year(pm: Postmortem, due: str) -> dt.date | None:
    """The date of a due date written without its year ("Dec 19", "19 Dec"): the first such day on or
    after the incident's date, as a postmortem's author means the coming one (it was said not read and
    the follow-up recorded with none); "the 19th" likewise, and "12/03" in the order of the document's other
    slash dates (``slash_order``); None when it is no such day or the incident's date is unknown."""
    return due_after(due, pm.date, slash_order(pm)) if pm.date else None


def slash_order(pm: Postmortem) -> str | None:
    """The day/month order of the document's slash dates when they show one alone ("md" or "dm"), else None:
    "12/03" was said not read as a date in a document whose every other date is "12/15/2026" (found in review);
    in one that shows both orders, or neither, it stays so, now said as either way round (importer)."""
    return next(iter(pm.slash_orders)) if len(pm.slash_orders) == 1 else None


# An email's header block ("From: … / To: … / Date: … / Subject: …" down to the first blank line): the
# Subject is the title, the Date the date, the rest metadata; they used to be the summary's first lines.
EMAIL_HEADER = re.compile(r"^(from|to|cc|bcc|date|sent|subject|reply-to|message-id|in-reply-to)\s*:[ \t]*(.*)$", re.I)
REPLY_PREFIX = re.compile(r"^(?:(?:re|fwd?|aw|wg)\s*:\s*)+", re.I)


def _email_headers(pm: Postmortem, lines: list[str]) -> list[str]:
    """``lines`` with an email's header block at the top blanked (line numbers kept), its fields read."""
    start = next((n for n, ln in enumerate(lines) if ln.strip()), len(lines))
    fields, end = [], start
    for ln in lines[start:]:
        m = EMAIL_HEADER.match(ln)
        if m:
            fields.append([m.group(1).lower(), m.group(2).strip()])
        elif fields and ln[:1] in (" ", "\t") and ln.strip():
            fields[-1][1] += " " + ln.strip()  # a folded header line
        else:
            break
        end += 1
    names = {name for name, _ in fields}
    if end == start or (end < len(lines) and lines[end].strip()) or len(fields) < 2:
        return lines  # no block of headers alone: "Date: …" lines of a postmortem's own
    if "from" not in names:  # every mail has a sender; "Date: / Subject:" alone is a write-up's own fields
        return lines
    for name, value in fields:
        _email_field(pm, name, value)
    return [""] * end + lines[end:]


# a line of a quoted e-mail, "> text" (">" alone on a blank one); "On Mon, 23 Nov 2026 at 21:10, Kim <k@x.io> wrote:",
# the reply's line naming it (Outlook's "-----Original Message-----" too)
_QUOTED = re.compile(r"^[ \t]*>[ \t]?(.*)$")
_ATTRIBUTION = re.compile(r"^\s*(?:On\b.{0,200}\bwrote:|-{2,}\s*Original Message\s*-{2,})\s*$", re.I)


def _quoted_reply(pm: Postmortem, lines: list[str], offset: int) -> list[str]:
    """``lines`` of a reply whose postmortem is the e-mail it quotes, the quoted lines unquoted and the reply's
    own blanked (line numbers kept), said in ``reply_note``; else as they are. A reply ("Thanks Kim, adding my
    bits below.", "> What happened: …") mapped nothing, and the whole e-mail, chatter and "> " marks and all, was
    the Summary. Only when the reply's own lines give no section, field or follow-up and the quote does:
    a postmortem quoting a customer's message keeps its quote."""
    # each line is matched once by each pattern, the quote mark's and (in a reply) the attribution's: once for the
    # lines quoted, again for the reply's own, the quote's and the dates, it was up to six times
    marks = [_QUOTED.match(ln) for ln in lines]
    quoted = [n for n, m in enumerate(marks) if m]
    if len(quoted) < 3:
        return lines
    own, inner, attributions = [], [], []
    for n, (ln, m) in enumerate(zip(lines, marks)):
        if m is None:
            own.append("" if _ATTRIBUTION.match(ln) else ln)
            inner.append("")
        elif _ATTRIBUTION.match(words := m.group(1)):
            own.append("")
            inner.append("")
            attributions.append((n, words))
        else:
            own.append("")
            inner.append(words)
    if any(HEADING.match(ln) for ln in own) or _structured(own) or not _structured(inner):
        return lines
    said = [ln.strip() for ln in own if ln.strip()]
    # the quoted e-mail's day ("On Mon, 23 Nov 2026 at 21:10, Kim … wrote:"): sent before the reply, nearer the
    # incident than the reply's Date: header, for want of a date the postmortem names itself
    for n, words in attributions:
        if day := find_date(words)[0]:
            pm.created = (day, f"the quoted e-mail's 'On … wrote:' line {n + offset}")
            break
    pm.reply_note = (
        f"read the postmortem from the e-mail this reply quotes (lines {quoted[0] + offset}-{quoted[-1] + offset})"
        + (f"; the reply's own words left out: {' '.join(said)[:160]!r}" if said else "")
    )
    return inner


def _mail_body(pm: Postmortem, lines: list[str], offset: int, reply: bool) -> list[str]:
    """``lines`` without an e-mail's headers (_email_headers), and a reply's quoted postmortem unquoted when
    ``reply`` (_quoted_reply)."""
    lines = _email_headers(pm, lines)
    return _quoted_reply(pm, lines, offset) if reply else lines


def _structured(lines: list[str]) -> bool:
    """Whether ``lines`` hold a postmortem's structure: a section, a field or a follow-up read from them."""
    if not any(ln.strip() for ln in lines):
        return False
    pm = parse("\n".join(lines), reply=False)
    return bool(pm.mapped or pm.action_items or pm.severity_text or pm.date_source and "line" in pm.date_source)


def _with_subject(mail: list[str], lines: list[str]) -> list[str]:
    """``lines`` (``_email_headers``'s) with the email's Subject: line back, for the severity it says:
    "Subject: [Postmortem] Billing job ran twice (SEV2)" was the title, and the import recorded a
    placeholder severity for triage, as the blanked header said none (a heading title is read so)."""
    return [m if not ln and re.match(r"(?i)subject\s*:", m) else ln for m, ln in zip(mail, lines)]


def _email_field(pm: Postmortem, name: str, value: str) -> None:
    if name == "subject" and (pm.title is None or is_generic_title(pm.title)):
        pm.title = clean_title(REPLY_PREFIX.sub("", value)) or pm.title
    elif name in ("date", "sent") and pm.created is None:
        # when the mail was sent, often a day or more after the outage: the date only for want of one the
        # postmortem names itself (a Date: line, a dated timeline, a dated sentence no later than the mail: _dates)
        from email.utils import parsedate_to_datetime

        where = f"the email's {name.title()}: header"
        try:
            # the date in RECUR_TZ of a header with its offset, as every timestamp's (util.dates.local_date)
            pm.created = (local_date(parsedate_to_datetime(value)), where)
        except (TypeError, ValueError, IndexError):  # "Sent: Tuesday, November 17, 2026 6:02 PM" (Outlook)
            day = parse_date(value)
            pm.created = (day, where) if day else None
    elif name in ("from", "to", "cc") and value:
        _unkept(pm, name, value)


# Confluence's page byline in its Markdown export, "Created by Marta Nowak, last modified by Sam Okafor
# on Nov 19, 2026": about the page, not the incident, and was the summary's first line (the HTML
# export's is dropped by its class, pm_markup). Only the whole line, ending in a date, is furniture.
PAGE_FURNITURE = re.compile(
    r"^[ \t]*(?:\*|_)?Created by [^,\n]{1,80}?(?:,[ \t]*last (?:modified|updated|edited)(?: by [^,\n]{1,80}?)?)?"
    r" on (?:[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]{2,8}\.? \d{4}|\d{4}-\d{2}-\d{2})(?:\*|_)?[ \t]*$"
)


# Notion's toggle list: "- Timeline" over its entries indented, "- Why did it happen? (5 whys)" over its answer. A
# top-level item naming a section with indented lines under it is that section, as its "## Timeline" heading would
# be; its text was the Summary's. Not in the Action items or the Timeline ("- Detection" over follow-ups groups them)
_TOGGLE = re.compile(r"^[-*+][ \t]+(?=\S)")  # the item's text: _toggle_text (a lazy group before "$" is quadratic)
_FENCE = re.compile(r"^[ \t]*(```|~~~)")


def _toggle_sections(lines: list[str]) -> list[str]:
    """``lines`` with each toggle list item naming a section (``_TOGGLE``) as that section's heading and its
    children dedented; after the children, a blank line before the text that goes on is the heading of the
    section it goes on in. As many lines, each where it was: notes name lines of the file."""
    out, n, fence, last = list(lines), 0, False, None  # last: (hashes, text) of the section heading above
    while n < len(out):
        ln = out[n]
        fence = fence != bool(_FENCE.match(ln))
        said = None if fence else _toggle_text(ln)
        if h := (None if fence else HEADING.match(ln)):
            last = (h.group(1), _atx_text(h.group(2)))
        name = canonical(said, keywords=False) if said else None
        under = canonical(last[1], keywords=False) if last else None
        end = _children_end(out, n + 1) if name and under not in ("Action items", "Timeline") else n + 1
        if end == n + 1:
            n += 1
            continue
        hashes = last[0] if last and len(last[0]) > 1 else "##"
        kids = [k for k in out[n + 1 : end] if k.strip()]
        cut = min(len(k) - len(k.lstrip()) for k in kids)
        out[n] = f"{hashes} {said}"
        out[n + 1 : end] = [k[cut:] if k.strip() else k for k in out[n + 1 : end]]
        back = next((k for k in out[end:] if k.strip()), "")
        if last and under and not out[end - 1].strip() and back and not HEADING.match(back) and not _toggle_at(back):
            out[end - 1] = f"{last[0]} {last[1]}"  # the text after the toggle is its section's again
        n = end
    return out


def _children_end(lines: list[str], start: int) -> int:
    """The index after the indented lines from ``start`` and one blank line after them (it may become the heading
    back), or ``start`` when no indented line is there."""
    end, last = start, start
    while end < len(lines) and (not lines[end].strip() or lines[end][:1] in (" ", "\t")):
        end += 1
        last = end if lines[end - 1].strip() else last
    if last == start:
        return start
    return last + 1 if last < len(lines) and not lines[last].strip() else last


def _toggle_text(line: str) -> str | None:
    """The text of a top-level list item short enough to be a heading ("- **Timeline**": "Timeline"), else None."""
    m = _TOGGLE.match(line)
    said = line[m.end() :].strip().strip("*_").strip() if m and len(line) <= 120 else None
    return said or None


def _toggle_at(line: str) -> bool:
    return bool((said := _toggle_text(line)) and canonical(said, keywords=False))


def parse(text: str, *, reply: bool = True, day: dt.date | None = None) -> Postmortem:
    """The postmortem ``text`` says. ``reply``: a reply whose postmortem is the e-mail it quotes is read from the
    quote (_quoted_reply); off where that asks whether a part of the text holds a postmortem, one level deep.
    ``day``: the incident's date given apart (`recur import --date`, which wins over the document's; or the record
    `--into` updates, for a document giving none), that undated times are read on (_durations); ``pm.date`` stays
    the document's."""
    pm = Postmortem()
    controls = count_controls(text)  # taken out before parsing; _plain_text takes out decoded ones
    text = re.sub(r"\r\n?", "\n", without_controls(text))  # a lone "\r" (old Mac files) is a line break too
    read = text.lstrip("\ufeff")
    pm.markdown = (read, to_markdown(read))
    lines = pipeless_tables(grid_tables(pm.markdown[1])).split("\n")
    front, body_lines, pm.front_matter, pm.front_matter_error = _front_matter(lines)
    front_sections, front_items = _apply_front(pm, front)
    offset = len(lines) - len(body_lines) + 1
    body_lines, mail = _mail_body(pm, body_lines, offset, reply), body_lines
    body_lines = _toggle_sections(body_lines)
    body = "\n".join(body_lines)  # a furniture line's date is still a last resort for the incident's (_dates)
    walked = [PAGE_FURNITURE.sub("", ln) for ln in body_lines]
    w = _walk(pm, walked, offset, confluence=walked != body_lines)
    _bold_title(pm, w)
    _plain_title(pm, w)
    _sections(pm, w)
    _front_sections(pm, front_sections)
    _subject_title(pm)
    _weak_meta(pm, w)
    _yearless(pm, body)
    _dates(pm, w, body)
    _short_year(pm, text)
    _severity(pm, w, _with_subject(mail, body_lines), offset)
    pm.title = pm.title or None
    if "Action items" in pm.sections or front_items:
        # a status shortcode read as its emoji (":white_check_mark: Done", ":x: Won't do"); the section is kept as written
        items = parse_action_items(emoji_shortcodes(pm.sections.get("Action items", "")))
        _action_items(pm, merged(items + front_items), body)
    pm.unread_tasks = _unread_tasks(pm)
    pm.code_spans = list(dict.fromkeys(s for s in re.findall(r"`([^`\n]{4,120})`", body)))
    _durations(pm, day)
    # front matter's content is the author's own text too: all of a postmortem may be kept there
    _template_stats(pm, "\n".join([body, *front_sections.values(), *(it["title"] for it in front_items)]))
    _plain_text(pm, controls)
    _review_day(pm)
    return pm


def _durations(pm: Postmortem, day: dt.date | None = None) -> None:
    """The durations, read on ``day`` (`recur import --date`), else on the document's date, else on none. A US zone's
    undated times ("Start: 01:30 PT", "End: 03:10 PT") were read before --date applied: 100 minutes on 2026-03-08,
    where its clocks changed (40); so they were where --date corrects the document's own date, as a due date without
    its year is read against --date then (dues_against). With neither date, one the document gives either way round
    ("Date: 03/08/2026") is said when its readings give another duration (_either_day_note)."""
    if day is None or day == pm.date:
        other = {d: _minutes_on(pm, d) for d in ambiguous_date(pm.date_unread)} if pm.date is None else {}
        _read_durations(pm)
        _either_day_note(pm, other)
        return
    own, pm.date = pm.date, day  # the document's own is kept: the importer says the date is --date's, and compares
    try:
        _read_durations(pm)
    finally:
        pm.date = own


def _minutes_on(pm: Postmortem, day: dt.date) -> int | None:
    """The duration ``pm``'s times give on ``day``, read on a copy: ``pm`` (its notes, start and end) as it was."""
    other = replace(pm, date=day, unkept=list(pm.unkept))
    _read_durations(other)
    return other.duration_minutes


def _either_day_note(pm: Postmortem, other: dict) -> None:
    """Said in the duration's note: the minutes on each reading of the date the document gives either way round
    (``other``), where one differs from those read with no date, each time in one UTC offset all through: "Date:
    03/08/2026" over "01:30 PT" to "03:10 PT" was 100 minutes without a word, and 8 March makes 40 (PST to PDT)."""
    if pm.duration_minutes is None or all(m == pm.duration_minutes for m in other.values()):
        return
    each = " and ".join(
        f"{f'{m} minutes' if m is not None else 'no duration'} on {day_month(d)}" for d, m in other.items()
    )
    pm.duration_note = (pm.duration_note or f"duration: {pm.duration_minutes} minutes") + (
        f"; counted as of no date (each zone's offset from UTC the same all day): the date {pm.date_unread} was not "
        f"read, and its readings give {each}; pass --date with the real one"
    )


def _read_durations(pm: Postmortem) -> None:
    """The duration no field gave: from the Start: and End:, else the prose, else the timeline. A Duration: field's
    range of times read before the incident's date was ("Duration: 01:30 PT to 03:10 PT" above "Date: 2026-03-08":
    100 minutes) is read again on it (40: PST to PDT)."""
    if pm.duration_undated and pm.date:
        pm.duration_minutes = pm.duration_note = None
        _set_duration(pm, *pm.duration_undated)
    _start_end_duration(pm)
    if pm.duration_minutes is None:
        _prose_duration(pm)
    if pm.duration_minutes is None and pm.duration_note is None:  # nothing said: a zone not read stays unread
        _timeline_duration(pm)


def _severity(pm: Postmortem, w: _Walk, lines: list[str], offset: int) -> None:
    """The severity when no Severity field names it: a label naming one ("labels: [postmortem, sev-2]", a GitHub
    issue's), then one said in the text (``lines``), which speaks before a Priority field as a Severity field does."""
    pm.severity_text = pm.severity_text or pm.label_severity
    if not pm.severity_text:
        pm.severity_mentions = candidates(mentions(lines, w.line_sections, offset), bool(pm.priority_text))
    if not pm.severity_text and not pm.severity_mentions and pm.priority_text:
        pm.severity_text, pm.severity_from_priority = pm.priority_text, True


def _review_day(pm: Postmortem) -> None:
    """On a completed review, the review's date the postmortem gives ("Review date: 2026-12-01", front
    matter's review_date:, "Complete, review on Dec 1") is the day it was held, not a due date: the
    review was recorded done with no day and the date taken for the due. One said due stays due."""
    if pm.status and pm.status[2] == "done" and pm.review_done is None and pm.review_due and not pm.review_due_said:
        pm.review_done, pm.review_due = pm.review_due, None


_ABOUT = r"(?:about |around |roughly |nearly |approximately |approx\.? |over |~ ?)?"
# where prose says how long the outage was: "failed for 92 minutes", "down for 66 minutes", "from about
# 14:02 to 14:49 UTC", "between 14:05 and 15:20 UTC", and an Impact that opens with it ("~47 minutes, all
# new logins failed"); only a duration right there is read, never a later number
_PROSE_DURATION = {
    "Impact": re.compile(
        rf"\bfor[ \t]+{_ABOUT}(?=\d)|\b(?:from|between)[ \t]+{_ABOUT}(?=\d{{1,2}}:\d\d)|\A[ \t]*{_ABOUT}(?=\d)", re.I
    ),
    "Summary": re.compile(rf"\bfor[ \t]+{_ABOUT}(?=\d)|\b(?:from|between)[ \t]+{_ABOUT}(?=\d{{1,2}}:\d\d)", re.I),
}


def _prose_duration(pm: Postmortem) -> None:
    """The duration the Impact, else the Summary, says in prose, when no field gave one, with a note
    naming the words read (a sentence is not a field: the user checks it). A summary's "down for 66
    minutes" was left unread and unsaid."""
    for name, rx in _PROSE_DURATION.items():
        text = " ".join(pm.sections.get(name, "").split())
        for m in rx.finditer(text):
            if _zoned_prose(pm, name, text, m):
                return
            read = read_duration(text[m.end() : m.end() + 80], at_start=True)
            # days in the prose are how long something went unnoticed, not the outage ("latent for 3 days");
            # seconds are how long one thing took ("held connections for 30s each"), recorded as 0 minutes
            if read and read.minutes > 0 and not re.search(r"\dd|day", read.words, re.I):
                pm.duration_minutes = read.minutes
                said = (text[m.start() : m.end()] + read.words).strip()
                pm.duration_note = f"duration: {read.minutes} minutes read from the {name} ({said!r}): no field says it"
                return


def prose_duration(sections: dict, day: dt.date | None) -> int | None:
    """The minutes the import reads from the prose of ``sections`` ({"Impact": text, "Summary": text}:
    _prose_duration), the incident's ``day`` for a range of times in zones; None when it says none. `recur import`
    into a record (pm_merge) tells by it a duration read from a text a correction replaced from one the responder
    set."""
    pm = Postmortem(date=day, sections=dict(sections))
    _prose_duration(pm)
    return pm.duration_minutes


# what a timeline's entry says of the incident: it began ("alert fired", "paged", "errors began"), or it
# was over ("resolved", "service restored"); mitigated is no end (_end_field), "not resolved" none
_STARTS = re.compile(
    r"\b(?:alert(?:s|ed)?|fired|paged|page[sd]?|began|begins|start(?:s|ed)?|detected|declared|"
    r"first (?:errors?|reports?|alerts?|failures?|customer reports?))\b",
    re.I,
)
_ENDS = re.compile(
    r"\b(?:resolved|recovered|restored|back to normal|all clear|ended|(?:incident|outage) (?:closed|over))\b", re.I
)
# "recovery started", "partially restored": no end yet ("resolved, still monitoring" is one)
_NOT_ENDED = re.compile(r"\b(?:not|partial(?:ly)?|begins?|began|start(?:s|ed)?)\b", re.I)


def _timeline_entries(text: str) -> list[tuple]:
    """(moment, its words, the line as written) of each entry of a timeline that opens with a time ("- 14:05
    CET: alert fired", "| 14:05 | paged |", "**14:05** resolved"), or a table's row with its time in a
    column after another or a line with it after a label (_row_entry: "- Detected: 14:05 UTC"), or each
    column of a summary's row of times (_column_entries), each on the date of the dated line above it
    ("### 2026-03-14", kept as "**2026-03-14**") when it names none."""
    entries, day, above, header, kinds = [], None, [], [], []
    for line in text.split("\n"):
        s = MARKS.sub("", line).strip()
        cells = [c.strip() for c in s.strip("|").split("|")] if s.startswith("|") else []
        if not cells or TABLE_RULE.fullmatch(s):  # the row over a table's rule is its header, until the table ends
            header = above if cells else []
            kinds = [meta_key(h) for h in header]  # once a table: each row's read of them was the same
        above = cells
        s = " ".join(cells) if cells else s
        s = _LIST_MARK.sub("", s).strip()
        said, words = find_date(s)
        if said and s.strip(" :.,") == words:  # a date alone: the day of the entries under it
            day = said
        elif columns := _column_entries(header, kinds, cells):
            entries += columns
        elif read := (
            entry(s, day) or _row_entry(cells or _label_cells(s), day) or (None if cells else _label_entry(line, day))
        ):
            entries.append((*read, s))
    return entries


# "- **Detected** 14:05 — alert fired", "*Detected* at 14:05", "**Detected:** 14:05 — alert fired": a label its
# emphasis closes (a colon may follow it, or stand inside it), then the time. Only "Detected: 14:05" alone was
# an entry, and no line with the words of the event after its time (found importing one)
_MARKED_LABEL = re.compile(r"(\*\*|__|\*|_)(?=[^\s*_])([^*_\n]{1,60}?)(?<=[^\s*_])\1[ \t]*:?")
_TO_TIME = re.compile(r"[ \t]*(?:[:\u2013\u2014][ \t]*|-[ \t]+)?(?:(?:at|@)[ \t]*)?", re.I)
# a list item's marker, taken off a line before its label or time is looked for ("- ", "• ", "2. ")
_LIST_MARK = re.compile(r"^\s*(?:[-*+\u2022]|\d+[.)])[ \t]+")
# what may follow the time: nothing, or the event's words after a colon or a dash ("14:05 — alert fired");
# words straight after it are no event's ("Deploy: 14:05 v2.3 rolled out" is no entry)
_AFTER_TIME = re.compile(r"[ \t]*(?:$|[:\u2013\u2014|][ \t]*\S|-[ \t]+\S)")


def _label_entry(line: str, day: dt.date | None) -> tuple | None:
    """(moment, its words) of a timeline line that gives its time after a label: one its emphasis marks
    ("- **Detected** 14:05", "*Detected* at 14:05 — alert fired"), a time field's in a list item with
    neither ("- Detected 14:05", _plain_label), or one with its colon ("Detected: 14:05 — alert fired"), the
    label and the words after the time (past a colon or a dash) its words. None for a line whose label no
    emphasis or colon closes and names no time field ("Detected 3 errors", "- Noticed 14:05"), or whose time
    words follow straight ("Deploy: 14:05 v2.3 rolled out")."""
    if said := _marked_label(line):
        label, rest = said[0].rstrip(":").strip(), said[1]
    elif plain := _plain_label(line, day):
        return plain[1][0], f"{plain[0][0]} {plain[1][1]}".strip()
    elif m := _LABEL_TIME.fullmatch(MARKS.sub("", _LIST_MARK.sub("", line)).strip()):
        label, rest = m.group(1), m.group(2)[_TO_TIME.match(m.group(2)).end() :]
    else:
        return None
    read = _time_then_words(MARKS.sub("", rest), day)
    return (read[0], f"{label} {read[1]}".strip()) if read and label else None


def _time_then_words(rest: str, day: dt.date | None) -> tuple | None:
    """``entry``'s reading of the text after a label when nothing follows its time or the event's words
    follow past a colon or a dash ("14:05 — alert fired"); None when words follow straight ("14:05 v2.3
    rolled out") or no time opens it."""
    read = entry(rest, day)
    if read is None or not _AFTER_TIME.match(rest[rest.find(read[0].words) + len(read[0].words) :]):
        return None
    return read


# "- Detected 14:05", "- Resolved at 15:20 UTC": a list item opening with a time field's label (the names a
# Detected:/Started:/Resolved:/Mitigated: line may have) with neither emphasis nor a colon after it. Such a
# bullet was no entry and no field (found importing one). Only those labels: "- We detected the issue at
# 14:05" is a sentence, as "- Noticed 14:05" may be, and their words would be a label anything may stand in.
# Timeline-only labels too ("- Paged 14:05", "- Escalated 14:20 UTC", "- Acknowledged at 14:07"): steps of the
# response no record field holds, an entry each as "- Detected 14:05" is ("Paged" marks a start, _STARTS). They
# were no entry, and a timeline opening with "- Paged 14:05" was counted from its next line.
_TIMELINE_LABELS = ("paged", "acknowledged", "acked", "escalated", "declared", "incident declared", "alerted")
_PLAIN_TIME_LABEL = re.compile(
    "("
    + "|".join(
        sorted(
            (re.escape(k) for k in (*(k for k, v in META_KEYS.items() if v in TIME_KINDS), *_TIMELINE_LABELS)),
            key=len,
            reverse=True,
        )
    )
    # a space, then no colon: "Detected: 14:05" is read with its colon, as any label is (_LABEL_TIME)
    + r")[ \t]+(?=[^ \t:])",
    re.I,
)


def _plain_label(line: str, day: dt.date | None) -> tuple[tuple[str, str], tuple] | None:
    """((the label as written, the text from its time on), its ``entry`` reading) of a list item that opens
    with a time field's label and no emphasis or colon (_PLAIN_TIME_LABEL), the time right after it (past
    "at", "@" or a dash) and nothing or the event's words past a colon or a dash after the time; None for
    any other line ("- Detected 3 errors at 14:05", "- Detected 14:05 alert fired": a sentence's words)."""
    mark = _LIST_MARK.match(line)
    m = _PLAIN_TIME_LABEL.match(line, mark.end()) if mark else None
    if m is None:
        return None
    rest = MARKS.sub("", line[m.end() :])
    rest = rest[_TO_TIME.match(rest).end() :]
    read = _time_then_words(rest, day)
    return ((m.group(1), rest), read) if read else None


def _marked_label(line: str) -> tuple[str, str] | None:
    """(the label as written, the text from its time on: past a colon, a dash, "at" or "@") of a line that opens,
    past its list marker, with a label its emphasis closes; None for any other line. One reading for a
    timeline's entries (_label_entry) and the time fields (_time_label), which had two regexes that differed."""
    s = _LIST_MARK.sub("", line)
    m = _MARKED_LABEL.match(s)
    if m is None:
        return None
    rest = s[m.end() :]
    return m.group(2).strip(), rest[_TO_TIME.match(rest).end() :]


# "- Detected: 14:05 UTC": a timeline's line that gives its time after the event, as a table's row may
_LABEL_TIME = re.compile(r"([^:\n]{1,60}?):[ \t]+(\S.*)")


def _label_cells(s: str) -> list[str]:
    """A label and its value as two cells ("Detected", "14:05 UTC"), else []. Asked only of a line that is no
    table row and opens with no time (it was tried on every line, its match used by these alone)."""
    label = _LABEL_TIME.fullmatch(s) if ":" in s else None
    return list(label.groups()) if label else []


def _row_entry(cells: list[str], day: dt.date | None) -> tuple | None:
    """(moment, its words) of a timeline table's row whose time stands in a column of its own after
    another ("| Detected | 14:05 UTC |", "| 3 | 14:05 | Paged |"; a label and its value, "Detected:
    14:05 UTC", as two cells): the time, on a column's date alone if one gives it, and the row's other
    cells as its words. None for a row with no such column. Such a table gave no duration, its
    "Detected" no start, where a timeline's "- 14:05 UTC: Detected" gave both."""
    if not any(re.search(r"\d:\d\d", c) for c in cells):  # no time: find_date on every cell doubled a parse
        return None
    dates = [said for c in cells if (said := find_date(c))[0] and c.strip(" :.,") == said[1]]
    day = dates[0][0] if dates else day
    for n, cell in enumerate(cells):
        read = entry(cell, day)
        if read and not read[1]:
            return read[0], " ".join(c for k, c in enumerate(cells) if k != n and c)
    return None


def _column_entries(header: list[str], kinds: list, cells: list[str]) -> list[tuple]:
    """(moment, its words, as written) of each column of a timeline summary table's row of times ("|
    Detected | Resolved |" over "| 14:05 UTC | 15:10 UTC |"), its column's name the words (``kinds``: the
    header's meta_key, read once a table); [] for any other row. Read as one entry, the row marked no start.
    A time is on its own date only, as a Start: line's: a Date column's day on both made "23:40" to "00:25"
    an end before its start."""
    if len(header) != len(cells) or not all(k in TIME_KINDS | {"date"} for k in kinds):
        return []
    read = [(entry(c, None), h, c) for h, k, c in zip(header, kinds, cells) if k != "date"]
    out = [(at[0], h, f"{h}: {c}") for at, h, c in read if at and not at[1]]
    return out if len(out) >= 2 else []


def _timeline_duration(pm: Postmortem) -> None:
    """The duration a timeline's entries say when nothing else does: from the first that marks a start
    ("14:05 CET: alert fired") to the last after it that marks an end ("15:10 CET: resolved"), the note
    naming both lines (a timeline's times are the write-up's own, the span inferred: the user checks
    it). A timeline that marks no start or no end, or runs over more than a day with no dates, gives none."""
    entries = _timeline_entries(pm.sections.get("Timeline", ""))
    first = next((n for n, (_, words, _) in enumerate(entries) if _STARTS.search(words)), None)
    ends = [n for n, (_, words, _) in enumerate(entries) if _ENDS.search(words) and not _NOT_ENDED.search(words)]
    if first is None or not ends or ends[-1] <= first:
        return
    span = entries[first : ends[-1] + 1]
    (a, _, said_a), (b, _, said_b) = span[0], span[-1]
    a = _on_incident_day(pm, a, b)
    minutes, why, zones = minutes_between(a, b)
    where = f"the timeline ({said_a!r} to {said_b!r})"
    # without both dates the end is within a day of the start: each step between two entries is, summed
    steps = [minutes_between(x, y)[0] for (x, *_), (y, *_) in zip(span, span[1:])]
    if minutes is not None and not (a.day and b.day) and (None in steps or sum(steps) >= 1440):
        minutes, why = None, "its times may run over more than a day, and not all of them say their date"
    if minutes is None or minutes <= 0:
        pm.duration_note = f"duration: not read from {where}: {why or 'the end is not after the start'}; left empty"
        return
    pm.duration_minutes = minutes
    pm.duration_note = (
        f"duration: {minutes} minutes read from {where}, its first time marking a start to its last marking "
        f"an end: no field says it" + "".join(f"; {how}" for how in zones)
    )


def _zoned_prose(pm: Postmortem, name: str, text: str, m) -> bool:
    """Whether a range of times in zones opens the prose after ``m`` ("from 09:12 UTC to 10:05 UTC",
    "between 14:05 CET and 13:50 UTC", which gave no duration), read as the duration with its note."""
    read = zoned_range(text[m.end() : m.end() + 80], pm.date)
    if read is None or read[0] == 0:
        return False
    said = (text[m.start() : m.end()] + read[1]).strip()
    if read[0] is None:  # "from 14:05 IST to 13:50 UTC": said, and a later duration in the prose may still be read
        pm.duration_note = (
            pm.duration_note or f"duration: not read from the {name} ({said!r}): {read[2][0]}; left empty"
        )
        return False
    pm.duration_minutes = read[0]
    notes = "".join(f"; {how}" for how in read[2])
    pm.duration_note = f"duration: {read[0]} minutes read from the {name} ({said!r}): no field says it{notes}"
    return True


def _end_field(pm: Postmortem) -> tuple[tuple | None, str]:
    """((value, where) of the incident's end, or None; the duration note to give when there is none).
    The end is the End: field, else a Resolved:/Recovered: one. A Mitigated: field is never the end:
    with no other, the note says the duration was not taken from it ("" when there is nothing to say)."""
    if pm.end is not None:
        return pm.end, ""
    if pm.resolved is not None:
        return pm.resolved, ""
    if pm.mitigated is None or pm.start is None or pm.duration_minutes is not None:
        return None, ""
    value, where = pm.mitigated
    return None, (
        f"duration: not taken from {where} ({value!r}): mitigated is not the end of the incident "
        "(no End:, Resolved: or Recovered: line); left empty"
    )


# a tracker issue's own fields (META_KEYS): its Created: and Resolved: are the ticket's, not the incident's
_ISSUE_KINDS = ("reporter", "assignee", "issue type", "sprint", "epic link", "watchers", "fix versions")


def _tracker_issue(pm: Postmortem) -> bool:
    return any(note.split(":", 1)[0] in _ISSUE_KINDS for note in pm.unkept)


def _disagreeing(pm: Postmortem, ended: tuple) -> None:
    """A note when the duration a field gives is not the time from the start to the end the postmortem also
    gives ("Duration: 90 min" over 14:00 to 16:30): the record keeps the Duration field, and one of the two is
    wrong; it was kept unsaid. A minute apart is the seconds' rounding."""
    (start, s_where), (end, e_where) = pm.start, ended
    a, b = _start_end_moments(pm, start, end)
    minutes = minutes_between(a, b)[0] if a and b else None
    if minutes is None or minutes < 0 or abs(minutes - pm.duration_minutes) <= 1:
        return
    said = (
        f"duration: {pm.duration_minutes} minutes recorded as the duration field says, but {s_where} ({start!r}) "
        f"to {e_where} ({end!r}) is {minutes} minutes: check which is right"
    )
    pm.duration_note = f"{pm.duration_note}; {said}" if pm.duration_note else said


def _no_time(start: str, end: str) -> str:
    """Why a Start: and an End: with no time of day give no duration. Dates alone ("2026-10-21" to
    "2026-10-23") say the days the incident fell in, not the minutes users were affected, which is
    what the record's duration is (kb-format: duration_minutes, user-visible impact): a 10-minute
    outage on the 21st fits them as well as three days do. Left empty, the days said."""
    first, last = find_date(start)[0], find_date(end)[0]
    if first and last and last >= first and not (moment(start) or moment(end)):
        days = (last - first).days + 1
        return f"dates without times ({days} calendar day{'s' * (days > 1)}) say no minutes of impact"
    return "no time of day in one of them"


def _either_days(start: str, end: str, a, b) -> str | None:
    """Why a Start: and an End: (``a``, ``b``: their moments) give no duration when a date of theirs either order of
    day and month reads ("03/08/2026", not read: pm_text) and the two readings, month first or day first in both,
    give two durations. Their times were counted as of one day: "03/08/2026 10:30 UTC" to "05/08/2026 12:10 UTC"
    was 100 minutes, where 2 months or 2 days are meant; "03/08/2026 01:30 PT" to "03:10 PT" 100, where 8 March
    makes 40 (PST to PDT) (found by reviews of dates and times). None when both readings give one duration."""
    orders = [_orders(t) for t in (start, end)]
    if not any(orders):
        return None
    read = {minutes_between(*(replace(x, day=o[k]) if o else x for x, o in zip((a, b), orders)))[0] for k in (0, 1)}
    if len(read) == 1:
        return None  # "03/08/2026 23:30" to "00:10", or to "03/08/2026 23:50": the same either way
    said = [m.group(0) if (m := slash_date(t)) and ambiguous_date(t) else (find_date(t)[1]) for t in (start, end)]
    either = [(w, sorted(o)) for w, o in zip(said, orders) if o]
    shown = "; ".join(dict.fromkeys(f"{w!r} may be {day_month(x)} or {day_month(y)}" for w, (x, y) in either))
    days = None not in said and said[0] != said[1]
    why = "the days between them are not known" if days else "its zone's standard or daylight time depends on which"
    return f"{shown}: {why} (write the dates year-month-day)"


def _orders(text: str) -> tuple[dt.date, dt.date] | None:
    """(month first, day first): the readings of the first date of ``text`` either order of day and month reads, the
    same order for a Start: and an End: (sorted, "08/03/2026" and "08/04/2026" paired 8 March with 3 August)."""
    if not ambiguous_date(text):
        return None
    m = slash_date(text)
    year, first, second = int(full_year(m.group(3))), int(m.group(1)), int(m.group(2))
    return dt.date(year, first, second), dt.date(year, second, first)


def _start_end_moments(pm: Postmortem, start: str, end: str) -> tuple:
    """``moment`` of a Start: and an End:; when neither writes a date and they name one zone, the start on the
    incident's date, as a timeline's times are (_timeline_duration): a US zone's clocks may change that day.
    "Start: 01:30 PT" to "End: 03:10 PT" on 2026-03-08 was 100 minutes, where the timeline's were 40 (found by a
    re-read of the review of dates and times)."""
    a, b = moment(start), moment(end)
    if a and b and not (ambiguous_date(start) or ambiguous_date(end)):
        a = _on_incident_day(pm, a, b)
    return a, b


def _on_incident_day(pm: Postmortem, a, b):
    """``a`` on the incident's date when neither ``a`` nor ``b`` gives a date and they name one zone: a zone's
    clocks may change that day (PT on 2026-03-08); else ``a`` as it is."""
    if not (a.day or b.day) and pm.date and len({a.zone, b.zone} - {None}) == 1:
        return replace(a, day=pm.date)
    return a


def _start_end_duration(pm: Postmortem) -> None:
    """The duration from the Start: and End: (else Resolved: or Recovered:) fields when no field gives
    one and both read as times: the dates they give, else the same day, or across midnight when the
    end's time is before the start's ("23:40" to "00:25": 45 minutes). A postmortem with only these two
    had no duration. Times in two zones are counted in UTC (pm_clock), how a zone was read said in the
    note. Never negative: an end before its start, or a zone not read ("IST"), give none, said in the
    note. An end field not used is said in the import's notes, not dropped unsaid."""
    ended, note = _end_field(pm)
    if ended is None:
        if note:
            pm.duration_note = note
        return
    # a Resolved: line not used stays named in the notes (_set_meta put it there); an End: is named here
    said = ended is pm.end
    # PagerDuty's "Created: Nov 20, 2026 at 3:42:10 PM PST" over its "Resolved:": the incident's start, for want of
    # a Start: line (a Created: with no time of day is the document's date only; one after the end, a page's; a
    # Jira issue's, beside its Reporter or Assignee, the day the ticket was filed, which may be the postmortem's)
    if pm.start is None and pm.created_at and not _tracker_issue(pm) and (b := moment(ended[0])):
        minutes = minutes_between(moment(pm.created_at[0]), b)[0]
        pm.start = pm.created_at if minutes is not None and minutes >= 0 else None
    if pm.duration_minutes is not None or pm.start is None:
        if said:
            _unkept(pm, "end", ended[0])
        if pm.duration_minutes is not None and pm.start is not None:
            _disagreeing(pm, ended)
        return
    (start, s_where), (end, e_where) = pm.start, ended
    a, b = _start_end_moments(pm, start, end)
    minutes, why, zones = minutes_between(a, b) if a and b else (None, _no_time(start, end), [])
    if minutes is not None and (either := _either_days(start, end, a, b)):
        minutes, why = None, either
    if minutes is None or minutes < 0:
        pm.duration_note = f"duration: not read from {s_where} ({start!r}) and {e_where} ({end!r}): {why}; left empty"
        if said:
            _unkept(pm, "end", end)
        return
    if not said:  # used as the end: no longer a field the record does not hold
        with contextlib.suppress(ValueError):
            pm.unkept.remove(_unkept_note("resolved", end))
    pm.duration_minutes = minutes
    pm.duration_note = f"duration: {minutes} minutes from {s_where} ({start!r}) to {e_where} ({end!r})"
    pm.duration_note += "".join(f"; {how}" for how in zones)  # how a zone was read: the user checks it


def _plain_text(pm: Postmortem, controls: int) -> None:
    """Every text ``pm`` holds without control characters, which are not text: a document (a pasted
    terminal session, an export) with "\\x1b]0;…\\x07" in its title wrote it into the record, and
    `recur report` printed it to the problem manager's terminal (found in review). The raw text is
    cleaned before it is parsed; this takes out what its decoding made (front matter's "\\e", an HTML
    "&#27;"). A one-line field becomes ``one_line``; a section keeps its lines. ``pm.controls``
    counts them all, for the import's note."""
    taken = controls  # before parsing: spacing left where a sequence was ("evicted  keys") is folded too
    for f in fields(pm):
        if f.name == "markdown":  # the text as read, not a field of the record
            continue
        value = getattr(pm, f.name)
        controls += _count(value)
        setattr(pm, f.name, _cleaned(value, lines=f.name == "sections", fold=bool(taken)))
    pm.controls = controls


def _count(value) -> int:
    if isinstance(value, str):
        return count_controls(value)
    if isinstance(value, dict):
        return sum(_count(k) + _count(v) for k, v in value.items())
    return sum(map(_count, value)) if isinstance(value, (list, tuple)) else 0


def _cleaned(value, lines: bool = False, fold: bool = False):
    """``value`` with each string as ``one_line`` (a section's text, ``lines``: ``without_controls``)
    when it holds a control character, or (``fold``) one-line text always; lists, tuples and
    mappings alike; anything else as it is."""
    if isinstance(value, str):
        if lines:
            return without_controls(value)
        return one_line(value) if fold or control_character(value) else value
    if isinstance(value, dict):
        return {_cleaned(k, fold=fold): _cleaned(v, lines, fold) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cleaned(v, lines, fold) for v in value)
    return value
