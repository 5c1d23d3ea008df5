"""A pasted alert, read as /api/alertmanager reads one: one place for every surface that takes a pasted text
(`recur suggest`, its --queries, /api/suggest, MCP, Slack's /recur, the site's box: retrieval.query.prepare).
Found in review: only `recur suggest` read a pasted Alertmanager or Grafana payload; the others searched its JSON
whole, keys and URLs too, and the same paste ranked differently by surface (a Grafana payload ranked
config-invalid-value first in --queries, third-party-api-outage in `recur suggest`; another, measured on the
starter KB: third-party-api-outage at p 0.65 with tls-certificate-expired second in --queries, at p 0.98 with
expired-api-credentials second in `recur suggest`; now both the latter). Plain Python, no pydantic:
the retrieval layer reads it; recur.serve.bodies' Alert (the webhook's body) has the same fields, read here as
they are. The site's box reads it as this does (site_config/assets/recur-query.js: pastedAlerts)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from recur.retrieval.query import _not_json, json_too_deep, over_paste_limit, paste_cut
from recur.util.text import has_text
from recur.util.utf8 import clean

JSON_WS = " \t\n\r"  # what JSON allows around a value (Python's strip() and JS's trim() take more off)
BOM = "\ufeff"  # a byte order mark, read before a pasted JSON value as if it were white space
OPTIONAL = ("startsAt", "generatorURL", "fingerprint")  # strings or null, as the webhook's Alert has them


@dataclass(frozen=True)
class PastedAlert:
    """An alert of a pasted payload: the fields alert_query and alert_note read."""

    status: str = "firing"  # "firing" or "resolved" (_status)
    labels: dict = field(default_factory=dict)
    annotations: dict = field(default_factory=dict)
    unread: str | None = None  # a status given that is neither, read as firing (_status)


ALERT_STATUSES = ("firing", "resolved")  # an alert's status in a webhook payload, read case-insensitively


# Labels that identify where an alert fired, not what went wrong: left out of the query.
NOISE_LABELS = {
    "alertname",
    "severity",
    "instance",
    "job",
    "prometheus",
    "replica",
    "endpoint",
    "pod",
    "container",
    "namespace",
    "uid",
    "id",
    "receiver",
    "monitor",
    "cluster",
    "region",
    "zone",
    "priority",
    "team",
    "tenant",
    # the Grafana folder of the rule, which Grafana puts on every alert it manages: where the rule is filed, as
    # "team" is. Measured on the shipped KB (8 Grafana alerts x 5 folder names, found in an SRE's review): the right
    # first pattern's probability fell from 0.79 to 0.73 on average, disk-full's from 0.90 to 0.70 with "Kubernetes"
    "grafana_folder",
}
TEXT_ANNOTATIONS = ("summary", "description", "message")


# Grafana's alerts about a rule's evaluation, not its condition: the rule's query returned no data
# (DatasourceNoData) or failed (DatasourceError), so the condition was never evaluated; Grafana names
# the rule in the rulename label. Matched as if the condition had fired (a "Replication lag on
# replicas" rule with no data got db-replication-lag, medium), they sent the responder to the wrong problem.
DATASOURCE_ALERTS = {"DatasourceNoData": "no_data", "DatasourceError": "error"}


def datasource_problem(alert) -> str | None:
    """The problem ("no_data" or "error") of Grafana's DatasourceNoData / DatasourceError alerts, else None."""
    return DATASOURCE_ALERTS.get(alert.labels.get("alertname", "").strip())


def _error_text(alert) -> str:
    """The error Grafana gives a DatasourceError alert (its ``Error`` annotation), or ''."""
    return next((v.strip() for k, v in alert.annotations.items() if k.lower() == "error" and has_text(v)), "")


def alert_note(alert) -> str | None:
    """What a responder must know before the results: for a DatasourceNoData/DatasourceError alert,
    that the rule's condition did not fire and what to look at instead; else None."""
    problem = datasource_problem(alert)
    if problem is None:
        return None
    rule = alert.labels.get("rulename", "").strip()
    rule = f'alert rule "{rule}"' if rule else "an alert rule"
    if problem == "no_data":
        return (
            f"Grafana's DatasourceNoData: the query of {rule} returned no data, so its condition was not "
            "evaluated (it did not fire). Find out why the data is missing: the exporter or scrape target, "
            "a renamed metric or label, the data source."
        )
    error = _error_text(alert)
    return (
        f"Grafana's DatasourceError: the query of {rule} failed{f' ({error})' if error else ''}, so its "
        "condition was not evaluated (it did not fire). Find out why the data source could not be queried."
    )


def datasource_query(alert) -> str:
    """The query of a DatasourceNoData/DatasourceError alert: its name, what happened to the rule's query
    and the error Grafana gives, nothing of the rule itself. Its name (``rulename``), annotations and
    labels describe the condition, which was never evaluated: searched with "CoreDNS SERVFAIL rate high",
    a DatasourceError whose data source was unreachable (``dial tcp ...:9090: i/o timeout``) got
    dns-resolution-failure at high confidence (found in review). The rule is named in the ``note``."""
    name = alert.labels.get("alertname", "").strip()
    what = "no data from data source" if datasource_problem(alert) == "no_data" else "data source query error"
    return ". ".join(p.rstrip(".") for p in (name, what, " ".join(_error_text(alert).split())) if p)


def alert_query(alert) -> str:
    """The text searched of an alert (alert_read's), at most MAX_PASTE_CHARS."""
    return alert_read(alert)[0]


def alert_read(alert) -> tuple[str, str | None]:
    """(the alert's text as searched, ``alert_text``, cut at a line's end to MAX_PASTE_CHARS, what `recur suggest -`
    reads of a paste; what the cut left out, said as `recur suggest -` says it of stdin, else None): the webhook
    puts it in the alert's query_note (an alert's text is as long as its sender made it, up to the 4 MiB body)."""
    text, dropped = paste_cut(alert_text(alert))
    return text, over_paste_limit("the alert's text", len(text), dropped) if dropped else None


def alert_text(alert) -> str:
    """alertname first (it is often a pattern's exact signal), then summary, description,
    other text annotations, then the labels that say what is affected (service, reason...), on one
    line joined by ". "; an annotation of several lines (a log in a description) after them, on its
    own lines, so that a log reads as a log and the alert's words before it are kept
    (retrieval.query.read_log): joined on one line, its first record was glued to the summary and its
    last line to the labels, which a log read by its error lines lost.
    Annotations Grafana reserves (``__dashboardUid__``, ``__panelId__``...) are ids, left out as
    ``__`` labels are. For a DatasourceNoData/DatasourceError alert: what happened to the rule's
    query and its error alone (``datasource_query``).
    A value of only escape codes or invisible characters (``has_text``) is left out as an empty one is
    (texts_joined; a label's here): an alert of nothing else was searched by U+200B and answered with the
    closest patterns, where one with empty annotations is not searched."""
    if datasource_problem(alert) is not None:
        return datasource_query(alert)
    name = alert.labels.get("alertname", "").strip()
    parts = [name] if name else []
    parts += [v.strip() for k in TEXT_ANNOTATIONS if (v := alert.annotations.get(k, "")).strip()]
    for key, value in sorted(alert.annotations.items()):
        value = value.strip()
        if key in TEXT_ANNOTATIONS or key.startswith("__") or not value or "url" in key.lower():
            continue
        if not value.startswith(("http://", "https://")):
            parts.append(value)
    labels = [
        f"{k} {v.strip()}"
        for k, v in sorted(alert.labels.items())
        if k not in NOISE_LABELS and not k.startswith("__") and has_text(v) and "://" not in v
    ]
    if labels:
        parts.append(", ".join(labels))
    return joined(parts)


def texts_joined(parts: list[str]) -> str:
    """``joined``, cut at a line's end to MAX_PASTE_CHARS (retrieval.query.paste_cut)."""
    return paste_cut(joined(parts))[0]


def joined(parts: list[str]) -> str:
    """An alert's texts as its query (alert_text; retrieval.alert_sources, after dropping repeats): the one-line
    ones on one line by ". ", each less its trailing dots, the texts of several lines after it on their own lines,
    not cut (texts_joined and alert_read cut it to what `recur suggest -` reads of a paste). A text of only escape codes or invisible
    characters (``has_text``) is none.
    Not cut to the MAX_QUERY_CHARS searched: every surface searches it through retrieval.query.prepare, which
    condenses a long text as it does a pasted one (a log by its error lines, repeated stack frames out, then the
    middle but its error lines) and says so in query_note. Cut here, a 30 KB Java stack trace in a description lost
    its last line, ``Caused by: ...PSQLException: FATAL: sorry, too many clients already``, before it was read, and
    the webhook answered "no known pattern" with no query_note, where `recur suggest -` on the description ranked
    db-connection-pool-exhausted first (found in review)."""
    parts = [p for p in parts if has_text(p)]
    line = ". ".join(p.rstrip(".") for p in parts if "\n" not in p)
    return "\n".join(x for x in [line, *(p for p in parts if "\n" in p)] if x)


def alerts_in(data) -> list[PastedAlert] | None:
    """The alerts of a text pasted whole as JSON (its value, paste_json, parsed once for every reading of it): an
    Alertmanager or Grafana webhook payload, the list Alertmanager's API and `amtool` give (its ``status`` a mapping
    there), or one alert; firing ones first, and of those the always-firing heartbeats (Watchdog, ``heartbeat``)
    last. None when the value is no such thing (any other JSON, or none): the text is searched as text.
    `recur suggest -` searched a pasted payload's JSON whole, keys and URLs too (found in review)."""
    if data is None:
        return None
    items = data.get("alerts") if isinstance(data, dict) and isinstance(data.get("alerts"), list) else data
    items = items if isinstance(items, list) else [items]
    alerts = [_alert(item) for item in items]
    if not alerts or None in alerts:
        return None
    return sorted(alerts, key=lambda a: (a.status != "firing", heartbeat(a)))


# Alerts that fire all the time by design, to show that alerting works: kube-prometheus's Watchdog and
# InfoInhibitor (severity "none"), the older DeadMansSwitch. Alertmanager's API and `amtool alert query` list
# them beside the real ones, and a pasted list was searched by its first, "searched alert 'Watchdog'" (found
# pasting amtool's output into MCP's suggest_patterns); they go after the others, searched when nothing else fires.
HEARTBEATS = {"watchdog", "infoinhibitor", "deadmansswitch"}


def heartbeat(alert) -> bool:
    """Whether ``alert`` (a PastedAlert, or the webhook's Alert) fires all the time by design (HEARTBEATS)."""
    return heartbeat_named(*(alert.labels.get(k, "") for k in ("alertname", "severity")))


def heartbeat_named(name: str, severity: str) -> bool:
    """``heartbeat`` of an alert by its name and severity label: the one rule, which `recur coverage` reads an
    alerting rule by too (recur.ingest.coverage: a heartbeat is not expected to have a pattern)."""
    return name.strip().lower() in HEARTBEATS or severity.strip().lower() == "none"


def _alert(item) -> PastedAlert | None:
    """One alert as the webhook's Alert model takes it (strings where strings are due), or None."""
    if not isinstance(item, dict) or "labels" not in item:
        return None
    status = item.get("status")  # the API's {"state": "active", ...}: an alert it lists, firing
    # labels or annotations null (Go's nil map) are none, as the webhook reads them (serve.bodies.KV): the paste
    # was searched as JSON, keys and URLs too (null labels too, which docs/api.md said were read alike)
    maps = [{} if item.get(k) is None else item[k] for k in ("labels", "annotations")]
    if not all(isinstance(m, dict) for m in maps) or not all(isinstance(v, str) for m in maps for v in m.values()):
        return None
    if any(not isinstance(item.get(k), (str, type(None))) for k in OPTIONAL):
        return None
    labels, annotations = ({clean(k): clean(v) for k, v in m.items()} for m in maps)
    read, unread = _status(status)
    return PastedAlert(read, labels, annotations, unread)


def _status(status) -> tuple[str, str | None]:
    """A pasted alert's status, read as the webhook reads one (serve.bodies.Alert, ALERT_STATUSES): "firing" or
    "resolved" in any letter case, blanks around; and, second, a string that is neither (else None). The paste compared its
    status as given: "FIRING" was read as resolved, "resovled" silently as resolved too (found in re-review).
    The webhook refuses any other status (a 422); a paste cannot be refused, and it is searched whatever its
    status, so the other is read as firing (an alert not known resolved is one a responder must still look at)
    and the note says so (query.Prepared.alert_unread). The API's {"state": "active", ...}: an alert it lists,
    firing."""
    if not isinstance(status, str):
        return "firing", None
    said = clean(status)
    read = said.strip().lower()
    return (read, None) if read in ALERT_STATUSES else ("firing", said)


# `amtool alert query`'s default output, a table: a header "Alertname  Starts At  Summary" (and "State" in newer
# releases), then a row per alert, its columns apart by two blanks or more, its start "2026-12-05 02:55:00 UTC".
# Found in review: pasted as text, it got "no known pattern" (24%) though its first row named a pattern's signal
# exactly, Watchdog's row among the words; as JSON (-o json) the same alerts got 94%. ASCII: the site's box reads it
# with the same patterns (assets/recur-query.js, amtoolAlerts).
AMTOOL_HEADER = re.compile(r"Alertname {2,}Starts At {2,}Summary(?: {2,}State)?[ \t]*")
AMTOOL_ROW = re.compile(
    r"([^ \t\n\r\f\v]+) {2,}([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} [A-Za-z0-9+:-]+)"
    r"(?: {2,}([^\n]*?))??(?: {2,}(active|suppressed|unprocessed))?[ \t]*"
)


def amtool_alerts(text: str) -> list[PastedAlert] | None:
    """The alerts of `amtool alert query`'s table pasted whole (AMTOOL_HEADER, then AMTOOL_ROW lines), ordered as
    alerts_in orders them (heartbeats last): each its name as alertname and its summary (amtool's "…" where it cut
    one off taken off) as summary; every row is firing (amtool lists active alerts; suppressed ones are firing,
    silenced). None for any other text."""
    lines = [line.rstrip("\r") for line in text.strip("\n").split("\n")]
    if not lines or AMTOOL_HEADER.fullmatch(lines[0].strip(" ")) is None:
        return None
    rows = [AMTOOL_ROW.fullmatch(line.strip(" ")) for line in lines[1:] if line.strip(" \t")]
    if not rows or None in rows:
        return None
    alerts = []
    for row in rows:
        summary = (row.group(3) or "").strip(" ").removesuffix("\u2026").rstrip(" ")
        alerts.append(PastedAlert("firing", {"alertname": row.group(1)}, {"summary": summary} if summary else {}))
    return sorted(alerts, key=heartbeat)


def paste_json(text: str):
    """The JSON value of a text pasted whole as JSON (an object or an array), else None; shared with
    retrieval.alert_sources, which reads other alerting systems' payloads."""
    # a byte order mark before it (a file saved by Notepad, its text pasted or sent to /api/suggest) is no
    # character of the paste: it hid the JSON, searched whole, where `recur suggest -` drops it from stdin
    body = text.lstrip(JSON_WS + BOM).rstrip(JSON_WS)
    if not body.startswith(("{", "[")) or json_too_deep(body):  # too deep: no JSON to the browser either
        return None
    try:  # NaN and Infinity are no JSON to the browser's JSON.parse, nor an integer over 4,300 digits to Python
        return json.loads(body, parse_constant=_not_json, parse_int=float)
    except (ValueError, RecursionError):
        return None
