"""Detection coverage: the KB's patterns against Prometheus alerting rules.

``read_rules(dir)`` reads rule files (plain ``groups:`` files and PrometheusRule objects with
``spec.groups``, several YAML documents per file allowed); ``coverage(kb, alerts)`` reports

- ``missing_alerts``: a pattern's signal names an alert no rule defines. A signal names an alert
  explicitly as ``alertname="X"``, ``alertname=X``, ``alert: X`` or ``ALERTS{alertname="X"}``
  (``explicit: true``); a signal that is a single CamelCase word (``KubePodCrashLooping``) is
  alert-like but may be a metric or an error code (``explicit: false``).
- ``unmentioned_alerts``: alerts that no pattern mentions (in its signals or text) and whose
  ``runbook_url`` points at no pattern.
- ``undetected``: active patterns that no alert mentions or links to.
- ``bad_runbook_urls``: alerts whose ``runbook_url`` annotation does not point at an existing
  pattern page (a path segment equal to a pattern id, ``.html``/``.md``/``/`` suffixes ignored).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import yaml

from recur.util.errors import RecurError

EXPLICIT = [re.compile(r'alertname\s*=~?\s*"?([A-Za-z_:][A-Za-z0-9_:]*)"?'),
            re.compile(r'^\s*alert\s*:\s*"?([A-Za-z_:][A-Za-z0-9_:]*)"?\s*$', re.I)]
CAMEL = re.compile(r"^[A-Z][a-z0-9]+(?:[A-Z0-9][a-z0-9]*)+$")


@dataclass
class Alert:
    name: str
    file: str
    line: int
    runbook_url: str | None = None
    group: str | None = None


class _LineLoader(yaml.SafeLoader):
    pass


def _mapping_with_line(loader, node, deep=False):
    mapping = loader.construct_mapping(node, deep=deep)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def read_rules(path) -> tuple[list[Alert], list[str]]:
    """Alerting rules from a folder (recursively, *.yml / *.yaml) or one file; returns (alerts, notes)."""
    path = Path(path)
    if path.is_file():
        files = [path]
    elif path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())
    else:
        raise RecurError(f"--rules: {path} is not a file or folder")
    alerts, notes, errors = [], [], []
    for f in files:
        try:
            docs = list(yaml.load_all(f.read_text(encoding="utf-8"), Loader=_LineLoader))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 1
            errors.append(f"{f}:{line}: rules: not valid YAML ({getattr(exc, 'problem', exc)})")
            continue
        found = False
        for doc in docs:
            if not isinstance(doc, dict):
                continue
            groups = doc.get("groups")
            if groups is None and isinstance(doc.get("spec"), dict):
                groups = doc["spec"].get("groups")
            if not isinstance(groups, list):
                continue
            for g in groups:
                rules = g.get("rules") if isinstance(g, dict) else None
                if not isinstance(rules, list):
                    if isinstance(g, dict):
                        errors.append(f"{f}:{g.get('__line__', 1)}: rules: each group needs a list of rules")
                    continue
                for r in rules:
                    if isinstance(r, dict) and isinstance(r.get("alert"), str):
                        found = True
                        ann = r.get("annotations") if isinstance(r.get("annotations"), dict) else {}
                        url = ann.get("runbook_url") or ann.get("runbook")
                        alerts.append(Alert(r["alert"], str(f), r.get("__line__", 1),
                                            url if isinstance(url, str) else None, g.get("name")))
        if not found:
            notes.append(f"{f}: no alerting rules (groups[].rules[].alert) found")
    if errors:  # all of them, then fail once
        raise RecurError(f"{len(errors)} problem(s) in the rules:\n  " + "\n  ".join(errors))
    return alerts, notes


def signal_alerts(signal: str) -> list[tuple[str, bool]]:
    """Alert names a signal names: [(name, explicit)]."""
    names = [(m.group(1), True) for rx in EXPLICIT for m in rx.finditer(signal)]
    if not names and CAMEL.match(signal.strip()):
        names.append((signal.strip(), False))
    return names


def url_pattern(url: str, patterns: dict) -> str | None:
    """The pattern id a runbook URL points at, or None."""
    parts = [p for p in urlparse(url).path.split("/") if p]
    for seg in reversed(parts):
        for suffix in (".html", ".md", ".htm"):
            if seg.endswith(suffix):
                seg = seg[: -len(suffix)]
        if seg in patterns:
            return seg
    return None


def _mentions(text: str, name: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text) is not None


def coverage(kb, alerts: list[Alert]) -> dict:
    patterns = {pid: p for pid, p in kb.patterns.items()}
    active = {pid: p for pid, p in patterns.items() if p.status != "retired"}
    by_name = {a.name: a for a in alerts}
    texts = {pid: "\n".join([p.title, *p.symptoms, *p.signals, *p.sections.values()]) for pid, p in patterns.items()}

    missing = []
    for pid, p in sorted(active.items()):
        for n, s in enumerate(p.signals):
            for name, explicit in signal_alerts(s):
                if name not in by_name:
                    missing.append({"pattern": pid, "alert": name, "explicit": explicit, "signal": s,
                                    "path": p.relpath, "line": p.line("signals", n)})

    linked: dict = {}  # pattern id -> alerts whose runbook_url points at it
    bad_urls = []
    for a in alerts:
        if not a.runbook_url:
            continue
        pid = url_pattern(a.runbook_url, patterns)
        if pid is None:
            bad_urls.append({"alert": a.name, "url": a.runbook_url, "file": a.file, "line": a.line,
                             "reason": "points at no pattern page"})
        elif patterns[pid].status == "retired":
            bad_urls.append({"alert": a.name, "url": a.runbook_url, "file": a.file, "line": a.line,
                             "reason": f"points at retired pattern {pid}"})
        else:
            linked.setdefault(pid, []).append(a.name)

    mentioned: dict = {pid: sorted({a.name for a in alerts if _mentions(texts[pid], a.name)}) for pid in patterns}
    covered_alerts = {n for names in mentioned.values() for n in names} | {n for v in linked.values() for n in v}
    unmentioned = [{"alert": a.name, "file": a.file, "line": a.line, "group": a.group}
                   for a in alerts if a.name not in covered_alerts]
    undetected = [{"pattern": pid, "title": p.title, "path": p.relpath,
                   "has_detection_section": bool(p.detection.strip())}
                  for pid, p in sorted(active.items()) if not mentioned[pid] and not linked.get(pid)]
    detected = {pid: sorted(set(mentioned[pid]) | set(linked.get(pid, []))) for pid in sorted(active)
                if mentioned[pid] or linked.get(pid)}
    return {
        "alerts": len(alerts), "patterns": len(active),
        "counts": {"missing_alerts": sum(m["explicit"] for m in missing),
                   "alert_like_unknown": sum(not m["explicit"] for m in missing),
                   "unmentioned_alerts": len(unmentioned), "undetected": len(undetected),
                   "bad_runbook_urls": len(bad_urls), "detected": len(detected)},
        "missing_alerts": missing, "unmentioned_alerts": unmentioned, "undetected": undetected,
        "bad_runbook_urls": bad_urls, "detected": detected,
    }


def render_text(c: dict, kb_dir: str = "kb") -> str:
    n = c["counts"]
    k = kb_dir.rstrip("/") + "/"
    out = [f"{c['alerts']} alert(s), {c['patterns']} active pattern(s): {n['detected']} pattern(s) have an alert."]

    def block(title, rows):
        out.append("")
        out.append(f"{title} ({len(rows)})")
        out.extend(f"  {r}" for r in rows) if rows else out.append("  (none)")

    block("Patterns naming alerts that do not exist",
          [f"{k}{m['path']}:{m['line']}: {m['pattern']}: no alert rule named {m['alert']}"
           for m in c["missing_alerts"] if m["explicit"]])
    block("Alert-like signals no rule defines (an alert name, or a metric or error code?)",
          [f"{k}{m['path']}:{m['line']}: {m['pattern']}: {m['alert']}" for m in c["missing_alerts"] if not m["explicit"]])
    block("Alerts that no pattern mentions", [f"{a['file']}:{a['line']}: {a['alert']}" for a in c["unmentioned_alerts"]])
    block("Patterns with no detection (no alert mentions or links to them)",
          [f"{u['pattern']}" + ("" if u["has_detection_section"] else "  (and no ## Detection section)")
           for u in c["undetected"]])
    block("runbook_url annotations that point at no pattern page",
          [f"{b['file']}:{b['line']}: {b['alert']}: {b['url']} {b['reason']}" for b in c["bad_runbook_urls"]])
    return "\n".join(out) + "\n"
