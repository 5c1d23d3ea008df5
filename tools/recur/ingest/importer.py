"""`recur import FILE.md`: a postmortem becomes an incident record, and a draft pattern when
no existing pattern matches it well (with the closest ones listed to compare)."""

from __future__ import annotations

import json
import re

from recur.util.errors import RecurError

INCIDENT_ORDER = ["Summary", "Impact", "Leadup", "Trigger", "Root cause", "Five whys", "Detection", "Response",
                  "Resolution", "Lessons learned", "Action items", "Timeline"]


def slug(text: str, words: int = 6) -> str:
    parts = re.findall(r"[a-z0-9]+", text.lower())
    stop = {"the", "a", "an", "of", "on", "in", "for", "and", "to", "at", "with", "by", "after", "during"}
    parts = [p for p in parts if p not in stop][:words] or ["imported"]
    return "-".join(parts)


def _items(text: str) -> list[str]:
    out = []
    for ln in text.splitlines():
        m = re.match(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s*)?(.+)$", ln)
        if m:
            out.append(m.group(1).strip())
    if not out:
        out = [s.strip() for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if len(s.strip()) > 10]
    return out


def _q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def draft_pattern_text(pid, pm, *, title, category, severity, closest, source) -> str:
    s = pm.sections
    symptoms = (_items(s.get("Impact", "")) + _items(s.get("Detection", "")))[:4] or [title]
    signals = [c for c in pm.code_spans if not c.startswith(("kubectl ", "curl "))][:6]
    steps = _items(s.get("Resolution", "")) or _items(s.get("Response", "")) or \
        ["TODO: write the first concrete step a responder should take (a command, a query, a dashboard)."]
    lines = ["---", f"id: {pid}", f"title: {_q(title)}", f"category: {category}", f"severity: {severity}",
             "status: draft", "symptoms:"] + [f"  - {_q(x[:300])}" for x in symptoms]
    if signals:
        lines += ["signals:"] + [f"  - {_q(x)}" for x in signals]
    lines += ["---", "", "## Summary", s.get("Summary", title).strip(), "", "## Runbook"]
    lines += [f"{n}. {x}" for n, x in enumerate(steps[:10], 1)]
    cause = "\n\n".join(s[k] for k in ("Root cause", "Trigger", "Five whys") if s.get(k))
    if cause:
        lines += ["", "## Root cause", cause]
    if pm.action_items:
        lines += ["", "## Permanent fix"] + [f"- {a['title']}" for a in pm.action_items]
    if s.get("Detection"):
        lines += ["", "## Detection", s["Detection"]]
    if closest:
        lines += ["", "## Compare with", "Closest existing patterns when this draft was imported; extend one of "
                  "them instead if it is the same failure:"]
        lines += [f"- `{r['id']}`: {r['title']} (score {r['score']:.2f})" for r in closest]
    lines += ["", "## References", f"- Imported from postmortem `{source}`"]
    return "\n".join(lines) + "\n"


def import_postmortem(kb_dir, file, *, index_dir, model, iid=None, date=None, severity=None, patterns=(),
                      category=None, draft=True, threshold="high", top=5) -> dict:
    from recur.ingest.postmortem import parse, severity_key
    from recur.kb.incident_record import incident_text, next_id
    from recur.kb.loader import load_kb, require_patterns, review_defaults
    from recur.kb.schema import KEBAB
    from recur.util.files import write_atomic

    try:
        text = open(file, encoding="utf-8").read()
    except (OSError, UnicodeDecodeError) as exc:
        raise RecurError(f"{file}: cannot be read ({exc})") from None
    pm = parse(text)
    kb = load_kb(kb_dir)
    title = pm.title or re.sub(r"[-_]+", " ", str(file).rsplit("/", 1)[-1].rsplit(".", 1)[0]).strip()
    day = date or pm.date
    notes = []
    if day is None:
        raise RecurError(f"{file}: date: no date found (add a 'Date: YYYY-MM-DD' line or pass --date)")
    sev = severity or severity_key(pm.severity_text, kb.severity)
    if sev is None:
        raise RecurError(f"{file}: severity: could not read {pm.severity_text!r} as one of "
                         f"{', '.join(kb.severity)}; pass --severity" if pm.severity_text else
                         f"{file}: severity: none found (add 'Severity: sev2' or pass --severity)")
    if sev not in kb.severity:
        raise RecurError(f"--severity: unknown {sev!r}; the framework has {', '.join(kb.severity)}")
    require_patterns(kb, patterns, "--pattern")
    iid = iid or next_id(kb, day.year)
    if iid in kb.incident_files:
        raise RecurError(f"incident {iid} already exists: {kb.incident_files[iid][0]}")
    if "Summary" not in pm.sections:
        notes.append("no summary section; used the title")
    query = " ".join([title] + [pm.sections.get(k, "") for k in ("Summary", "Root cause", "Trigger", "Detection")])
    closest = []
    if not patterns:
        from recur.retrieval.engine import Engine

        closest = Engine.open(kb_dir, index_dir, model, quiet=True).suggest(query[:4000], top=top)
    good = [r for r in closest if r["confidence"] == "high" or (threshold == "medium" and r["confidence"] == "medium")]
    linked = list(patterns) or ([good[0]["id"]] if good else [])
    draft_path = draft_id = None
    if not linked and draft:
        cat = category or (closest[0]["category"] if closest else None)
        if not cat or not KEBAB.match(cat):
            raise RecurError("--category: needed for the draft pattern (no existing pattern to take it from)")
        draft_id = base = slug(title)
        n = 2
        while kb.pattern_known(draft_id):
            draft_id, n = f"{base}-{n}", n + 1
        draft_path = kb.root / "patterns" / cat / f"{draft_id}.md"
        ptext = draft_pattern_text(draft_id, pm, title=title, category=cat, severity=sev, closest=closest, source=file)
        linked = [draft_id]
    sections = {"Summary": pm.sections.get("Summary") or title}
    sections.update({k: pm.sections[k] for k in INCIDENT_ORDER[1:] if pm.sections.get(k)})
    sections.update({k: v for k, v in pm.sections.items() if k not in sections and k not in INCIDENT_ORDER})
    review = review_defaults(kb, sev, day, {})
    fus = [a for a in pm.action_items if a["title"]]
    itext = incident_text(iid=iid, title=title, date=day, severity=sev, services=pm.services, patterns=linked,
                          duration_minutes=pm.duration_minutes, review=review, follow_ups=fus,
                          sections={**sections, "References": f"- Imported from postmortem `{file}`"})
    inc_path = write_atomic(kb.root / "incidents" / str(day.year) / f"{iid}.md", itext)
    if draft_path is not None:
        write_atomic(draft_path, ptext)
    return {"incident": iid, "incident_path": str(inc_path), "patterns": linked,
            "draft": {"id": draft_id, "path": str(draft_path)} if draft_path else None,
            "closest": [{"id": r["id"], "title": r["title"], "score": r["score"], "confidence": r["confidence"]}
                        for r in closest],
            "mapped": [{"heading": h, "section": c} for h, c in pm.mapped], "unmapped": pm.unmapped,
            "follow_ups": len(fus), "notes": notes}
