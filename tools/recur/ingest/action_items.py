"""Action items of a postmortem, from Markdown tables and lists, as follow-ups.

Each item is ``{title, status, owner, due, ticket}``, and ``cancelled`` (won't do) or ``due_unread``
(a due date written in no way we read) when they apply; status is ``done`` or ``open`` (the KB
format's follow-up states: "in progress" is still open). Status words (DONE, TODO, in progress, ✅) and ticket
references are taken out of the title wherever they are written: a column, a cell, the item.
"""

from __future__ import annotations

import re

from recur.ingest.pm_text import is_placeholder, parse_date, status_of, strip_placeholders, ticket_of

LIST_ITEM = re.compile(r"^(\s*)(?:[-*+•]|\d+[.)])\s+(?:\[([ xX✓])\]\s*)?(.*)$")
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
)
_TICKET_COLS = ("bug", "ticket", "issue", "jira", "tracking", "link", "reference", "ref", "pr")
_OWNER_COLS = ("owner", "assignee", "who", "responsible", "assigned")
_DUE_COLS = ("due", "deadline", "target", "eta", "by when", "date")
_STATUS_COLS = ("status", "state", "done", "progress")


# a status that says the item will not be done: no open follow-up (the KB's follow-ups are open or done)
CANCELLED = re.compile(
    r"^\W*(?:won[’']?t\s*(?:do|fix)|wontfix|cancell?ed|dropped|obsolete|abandoned|not doing|descoped)\W*$", re.I
)
STRUCK = re.compile(r"^\s*~~(.+?)~~\s*$")


def table_cells(row: str) -> list[str]:
    """A table row's cells; an escaped pipe (``\\|``) is a pipe inside a cell, and its text then."""
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", row)]


def _col(header: list[str], names) -> int | None:
    """The first column whose header starts with one of ``names`` as a whole word (a plural too):
    "Due date" is a due column, but "Priority" is not a "pr" (pull request) column."""
    for n, h in enumerate(header):
        if any(re.match(rf"{re.escape(name)}s?(?!\w)", h) for name in names):
            return n
    return None


def _plain(text: str) -> str:
    return re.sub(r"\s{2,}", " ", re.sub(r"(\*\*|__|`|~~)", "", text)).strip()


def item(title: str, *, status_text: str = "", owner=None, due=None, ticket_text: str = "", checked=None) -> dict:
    """One follow-up from its parts; status words and tickets found anywhere are taken out of the title.
    One struck through (``~~title~~``) or whose status says it will not be done ("Won't do",
    "Cancelled") is marked ``cancelled``: it was imported as an open follow-up, "~~" and all."""
    cancelled = bool(STRUCK.match(title) or CANCELLED.match(status_text.strip()))
    progress, title = status_of(title)
    for extra in (status_text, ticket_text):
        st, _ = status_of(extra) if extra else (None, "")
        progress = progress or st
    if checked is not None:
        progress = progress or ("done" if checked else "open")
    ticket = ticket_of(ticket_text) or ticket_of(title)
    if ticket is None and ticket_text and not is_placeholder(ticket_text):
        rest = status_of(ticket_text)[1]
        ticket = _plain(rest) or None if rest and not re.fullmatch(r"(?i)n/?a|none|-+", rest.strip()) else None
    m = re.search(r"(?:\bowner\s*[:=]\s*|(?<![\w.])@)([\w.-]+)", title, re.I)
    owner = owner or (m.group(1) if m else None)
    d = re.search(r"\b(?:due|by)\s*[:=]?\s*(\d{4}-\d{2}-\d{2})", title, re.I)
    due = due or (parse_date(d.group(1)) if d else None)
    title = re.sub(r"\s*[(\[][^)\]]*(?:owner|due|@|\b[A-Z][A-Z0-9]+-\d+)[^)\]]*[)\]]\s*", " ", title)
    # the same written inline: "capacity review — owner: Mo — due: 2026-02-15"
    title = re.sub(
        r"\s*[-–—,;]\s*(?:owner\s*[:=]\s*[\w.@-]+|@[\w.-]+|due\s*[:=]?\s*\d{4}-\d{2}-\d{2})(?=\s*(?:[-–—,;]|$))",
        "",
        title,
    )
    if ticket:
        title = title.replace(ticket, " ")
    title = re.sub(r"\s*[(\[]\s*[)\]]", "", _plain(title))
    title = re.sub(r"\s*[-–—:,;]+\s*$", "", re.sub(r"\s+([,;])", r"\1", title)).strip()
    it = {
        "title": title,
        "status": "done" if progress == "done" else "open",
        "owner": (_plain(owner).lstrip("@") or None) if owner and not is_placeholder(owner) else None,
        "due": due,
        "ticket": ticket,
    }
    return {**it, "cancelled": True} if cancelled else it


def from_table(rows: list[str]) -> list[dict]:
    header = [_plain(c).lower() for c in table_cells(rows[0])]
    title_n = _col(header, _TITLE_COLS)
    title_n = 0 if title_n is None else title_n
    cols = {
        k: _col(header, names)
        for k, names in (("ticket", _TICKET_COLS), ("owner", _OWNER_COLS), ("due", _DUE_COLS), ("status", _STATUS_COLS))
    }
    out = []
    for row in rows[1:]:
        cells = table_cells(row)
        if all(set(c) <= set("-: ") for c in cells):
            continue

        def get(k, cells=cells):
            return cells[cols[k]] if cols[k] is not None and cols[k] < len(cells) else ""

        rest = " ".join(c for n, c in enumerate(cells) if n != title_n and n not in cols.values())
        title = cells[title_n] if title_n < len(cells) else ""
        status_text = get("status") or (rest if status_of(rest)[0] else "")
        due_text = _plain(get("due"))
        it = item(
            title,
            status_text=status_text,
            owner=get("owner") or None,
            due=parse_date(due_text),
            ticket_text=get("ticket") or (rest if ticket_of(rest) else ""),
        )
        if it["due"] is None and re.search(r"\w", due_text) and not is_placeholder(due_text):
            it["due_unread"] = due_text  # "Q1 2027", "Nov 30": said in the import's notes, not dropped unsaid
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


def from_list(lines: list[str]) -> list[dict]:
    entries = _list_entries(lines)
    out = []
    for n, (indent, box, text) in enumerate(entries):
        nested = n + 1 < len(entries) and entries[n + 1][0] > indent
        if nested and text.rstrip("*_ ").endswith(":"):
            continue  # a group label ("Prevent:") over its own items
        checked = None if box is None else box.strip() != ""
        it = item(text, checked=checked)
        if it["title"] and not is_placeholder(it["title"]):
            out.append(it)
    return out


def parse_action_items(text: str) -> list[dict]:
    """Follow-ups from a section's Markdown: every table, then every list outside tables."""
    text = strip_placeholders(text)
    lines = text.splitlines()
    out, table, rest = [], [], []
    for ln in lines + [""]:
        if ln.strip().startswith("|"):
            table.append(ln)
            continue
        if len(table) >= 2:
            out += from_table(table)
        table = []
        rest.append(ln)
    out += from_list(rest)
    return _merged(out)


def _merged(items: list[dict]) -> list[dict]:
    """One follow-up per action: the same title twice (a table and a list restating it, a summary list
    above the detailed one) is one item, its owner, due date and ticket taken from whichever says them.
    Two with different owners, due dates or tickets ("Update the runbook" for two teams) stay two."""
    out: list[dict] = []
    for it in items:
        same = next((o for o in out if _key(o) == _key(it) and _agree(o, it)), None)
        if same is None:
            out.append(dict(it))
            continue
        for name in ("owner", "due", "ticket"):
            same[name] = same[name] or it[name]
        if it["status"] == "done":
            same["status"] = "done"
    return out


def _key(it: dict) -> str:
    return re.sub(r"\W+", " ", it["title"].casefold()).strip()


def _agree(a: dict, b: dict) -> bool:
    return all(not a[n] or not b[n] or a[n] == b[n] for n in ("owner", "due", "ticket"))
