"""Read a postmortem written in a common template into the parts Recur records.

Google SRE (Summary, Impact, Root Causes, Trigger, Resolution, Detection, Action Items,
Lessons Learned, Timeline) and Atlassian (Leadup, Fault, Impact, Detection, Response,
Recovery, Five whys, Corrective actions) headings map onto canonical sections; metadata lines
(``Date:``, ``Severity:``, ``Services:``, ``Duration:``) anywhere are read; action items become
follow-ups. Headings that map to nothing are kept and listed in ``unmapped``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

CANONICAL = {
    "Summary": ["summary", "executive summary", "overview", "incident summary", "description", "what happened"],
    "Impact": ["impact", "customer impact", "user impact", "business impact"],
    "Root cause": ["root cause", "root causes", "root cause analysis", "cause", "causes", "fault",
                   "contributing factors"],
    "Trigger": ["trigger", "triggers"],
    "Leadup": ["leadup", "lead-up", "lead up", "background"],
    "Detection": ["detection", "how was it detected"],
    "Response": ["response"],
    "Resolution": ["resolution", "recovery", "mitigation", "remediation steps"],
    "Five whys": ["five whys", "5 whys", "whys"],
    "Action items": ["action items", "corrective actions", "follow-ups", "follow ups", "followups", "next steps",
                     "remediation", "preventive actions", "action items and follow-ups"],
    "Lessons learned": ["lessons learned", "lessons", "what went well", "what went wrong", "where we got lucky",
                        "learnings"],
    "Timeline": ["timeline", "timeline of events", "chronology"],
}
_LOOKUP = {alias: name for name, aliases in CANONICAL.items() for alias in aliases}
META = re.compile(r"^\s*[-*]?\s*\**\s*(date|incident date|severity|sev|services?|affected services?|components?|"
                  r"duration|impact duration|status|authors?|owner)\s*\**\s*:\s*\**\s*(.+?)\s*$", re.I)
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
TICKET = re.compile(r"\b[A-Z][A-Z0-9]+-\d+\b")
ISO = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
MONTHS = "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y"


@dataclass
class Postmortem:
    title: str | None = None
    date: dt.date | None = None
    severity_text: str | None = None
    services: list = field(default_factory=list)
    duration_minutes: int | None = None
    sections: dict = field(default_factory=dict)  # canonical or original heading -> text
    mapped: list = field(default_factory=list)  # (original heading, canonical)
    unmapped: list = field(default_factory=list)  # original headings kept as they were
    action_items: list = field(default_factory=list)  # {title, status, owner, due, ticket}
    code_spans: list = field(default_factory=list)


def canonical(heading: str) -> str | None:
    h = re.sub(r"^[\d.)\s]+", "", heading).strip().strip(":*_ ").lower()
    h = re.sub(r"\s*\(.*\)$", "", h)
    return _LOOKUP.get(h)


def parse_date(text: str) -> dt.date | None:
    m = ISO.search(text)
    if m:
        try:
            return dt.date.fromisoformat(m.group(1))
        except ValueError:
            return None
    clean = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.strip().strip("*"))
    for fmt in MONTHS:
        try:
            return dt.datetime.strptime(clean, fmt).date()
        except ValueError:
            continue
    return None


def parse_duration(text: str) -> int | None:
    total, found = 0, False
    for n, unit in re.findall(r"(\d+(?:\.\d+)?)\s*(h|hr|hrs|hours?|m|min|mins|minutes?)\b", text, re.I):
        total += float(n) * (60 if unit.lower().startswith("h") else 1)
        found = True
    return int(round(total)) if found else None


def severity_key(text: str | None, levels: dict) -> str | None:
    """A severity key of the framework from text like "SEV-1", "sev2", "P1", "Major"."""
    if not text:
        return None
    t = text.strip().lower()
    m = re.search(r"\b(?:sev|severity|p)\s*[-_ ]?\s*(\d)\b", t)
    if m:
        for key in levels:
            if re.sub(r"\D", "", key) == m.group(1):
                return key
    for key, level in levels.items():
        if t.startswith(key.lower()) or t.startswith(level.name.lower()):
            return key
    return None


def _split_list(value: str) -> list:
    return [s.strip(" `*") for s in re.split(r"[,;]", value) if s.strip(" `*")]


def _action_items(text: str) -> list:
    items = []
    rows = [ln.strip() for ln in text.splitlines() if ln.strip().startswith("|")]
    if len(rows) >= 2:
        header = [c.strip().lower() for c in rows[0].strip("|").split("|")]
        for row in rows[1:]:
            cells = [c.strip() for c in row.strip("|").split("|")]
            if all(set(c) <= set("-: ") for c in cells):
                continue
            rec = dict(zip(header, cells))
            title = cells[0]
            owner = next((v for k, v in rec.items() if "owner" in k or "assignee" in k), None)
            due = next((parse_date(v) for k, v in rec.items() if "due" in k or "date" in k), None)
            tick = next((v for k, v in rec.items() if k in ("bug", "ticket", "issue", "jira", "tracking bug")), None)
            m = TICKET.search(tick or row)
            status = next((v for k, v in rec.items() if "status" in k), "")
            items.append({"title": title, "owner": owner or None, "due": due, "ticket": m.group(0) if m else (tick or None),
                          "status": "done" if status.lower() in ("done", "closed", "fixed", "complete") else "open"})
        return [i for i in items if i["title"]]
    for ln in text.splitlines():
        m = re.match(r"^\s*(?:[-*+]|\d+[.)])\s+(\[[ xX]\]\s*)?(.+)$", ln)
        if not m:
            continue
        body = m.group(2)
        owner = re.search(r"(?:owner\s*:\s*|@)([\w.-]+)", body, re.I)
        due = re.search(r"due\s*:?\s*(\d{4}-\d{2}-\d{2})", body, re.I)
        tick = TICKET.search(body)
        title = re.sub(r"\s*[(\[][^)\]]*(?:owner|due|@|[A-Z]+-\d+)[^)\]]*[)\]]\s*$", "", body).strip()
        items.append({"title": title or body, "owner": owner.group(1) if owner else None,
                      "due": dt.date.fromisoformat(due.group(1)) if due else None,
                      "ticket": tick.group(0) if tick else None,
                      "status": "done" if (m.group(1) or "").strip().lower() == "[x]" else "open"})
    return items


def parse(text: str) -> Postmortem:
    pm = Postmortem()
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[0].strip() == "---":  # front matter: take a title/date if present
        for n in range(1, len(lines)):
            if lines[n].strip() == "---":
                for ln in lines[1:n]:
                    k, _, v = ln.partition(":")
                    if k.strip().lower() == "title" and v.strip():
                        pm.title = v.strip().strip("\"'")
                    elif k.strip().lower() == "date" and v.strip():
                        pm.date = parse_date(v)
                lines = lines[n + 1:]
                break
    current, buf = "_preamble", []
    chunks = []
    in_code = False
    for ln in lines:
        if ln.strip().startswith("```"):
            in_code = not in_code
        m = None if in_code else HEADING.match(ln)
        if m and len(m.group(1)) == 1 and pm.title is None:
            pm.title = re.sub(r"^(post-?mortem|incident( report)?|postmortem report)\s*[:—-]\s*", "",
                              m.group(2).strip(), flags=re.I)
            continue
        if m:
            name = canonical(m.group(2))
            if name is None and len(m.group(1)) > 2 and current != "_preamble":
                buf.append(f"**{m.group(2).strip()}**")  # an unknown sub-heading stays in its section
                continue
            chunks.append((current, buf))
            current, buf = name or m.group(2).strip(), []
            if name:
                pm.mapped.append((m.group(2).strip(), name))
            else:
                pm.unmapped.append(m.group(2).strip())
            continue
        meta = None if in_code else META.match(ln)
        if meta:
            key, value = meta.group(1).lower(), meta.group(2).strip().strip("*").strip()
            if key == "date" or key == "incident date":
                pm.date = pm.date or parse_date(value)
            elif key.startswith("sev"):
                pm.severity_text = pm.severity_text or value
            elif key.startswith(("service", "affected", "component")):
                pm.services = pm.services or _split_list(value)
            elif "duration" in key:
                pm.duration_minutes = pm.duration_minutes or parse_duration(value)
            if current == "_preamble" or key in ("date", "severity", "sev", "status", "authors", "author"):
                continue
        buf.append(ln)
    chunks.append((current, buf))
    for name, body in chunks:
        key = name
        text_ = "\n".join(body).strip()
        if key == "_preamble" or not text_:
            if key == "_preamble" and text_ and "Summary" not in pm.sections:
                pm.sections["Summary"] = text_
            continue
        pm.sections[key] = (pm.sections[key] + "\n\n" + text_) if key in pm.sections else text_
    if "Action items" in pm.sections:
        pm.action_items = _action_items(pm.sections["Action items"])
    pm.code_spans = list(dict.fromkeys(s for s in re.findall(r"`([^`\n]{4,120})`", text)))
    if pm.duration_minutes is None and "Impact" in pm.sections:
        m = re.search(r"for\s+(\d+\s*(?:minutes?|mins?|hours?|h)\b(?:\s+(?:and\s+)?\d+\s*(?:minutes?|mins?))?)",
                      pm.sections["Impact"], re.I)
        pm.duration_minutes = parse_duration(m.group(1)) if m else None
    return pm
