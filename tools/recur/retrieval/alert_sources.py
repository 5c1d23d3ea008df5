"""A pasted alert of another alerting system than Alertmanager and Grafana (retrieval.alerts), read by the
fields its public docs define: an AWS CloudWatch alarm (as SNS delivers it, its JSON in the envelope's
``Message`` string, in a Lambda's SNS event, or bare), a Datadog webhook (its default payload, ``$EVENT_TITLE``
and ``$EVENT_MSG``, and the usual custom ones), a PagerDuty v3 webhook (``event.data``), an Opsgenie alert
webhook (``alert``), an Azure Monitor alert in its common alert schema (``data.essentials``) and a Google Cloud
Monitoring incident (``incident``, schema 1.2), and, no alert but pasted as one, a Kubernetes event or a list of them
(`kubectl get event -o json`: _kubernetes_events). Found in review: pasted raw, each was searched as JSON, its keys,
ARNs, ids and URLs too (measured on the starter KB: a CloudWatch "FreeStorageSpace low" alarm through SNS got
disk-full 9th, at p 0.003, under "no known pattern"). Every surface reads it through retrieval.query.prepare; the
site's box as this does (site_config/assets/recur-query.js: sourceAlert)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from recur.retrieval.alerts import NOISE_LABELS, paste_json, texts_joined
from recur.util.text import has_text, replace_links

# Datadog's tags that say where, not what (with the Alertmanager labels that do the same)
PLACE_TAGS = NOISE_LABELS | {"host", "env", "device", "availability-zone", "monitor"}
# the $-variables of Datadog's webhook payloads (its default one: title, body, last_updated, event_type, date, org, id)
DATADOG_KEYS = ("event_type", "last_updated", "alert_transition", "alert_id", "alert_cycle_key", "aggreg_key", "org")
# Datadog's $EVENT_TITLE: "[Triggered on {host:db-7}] Disk space low", "[P1] [Recovered] ..."
DATADOG_STATE = re.compile(r"^(?:\[[^\]\n]*\][ \t]*)+")
# $EVENT_MSG: markdown between %%% lines, @-mentions of the notified ("@webhook-recur"), a footer of links
MENTION = re.compile(r"(^|[ \t\n])@[^ \t\n]+")  # no lookbehind: Safari < 16.4 has none (the JS port)
# (read by util.text.replace_links, each "[label](target)" as its label or taken out: as a regex, each "[" with
# no link after it on its line was read to its "]" or the line's end again, time growing with the square of a run
# of "[": 10,000 took 1 s, 100,000 minutes; bench/pathological.py)
LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
URL = re.compile(r"https?://[^ \t\n)\]]+")
# a line of "[[Monitor Status](...)] · [[Edit Monitor](...)]" less its links, a "- - -" rule
FOOTER = re.compile(r"^[-\[\]·|* \t]*$")
# CloudWatch's NewStateReason: "Threshold Crossed: 1 out of the last 1 datapoints [8.2E9 (04/12/26 22:31:00)] was
# less than the threshold (1.0E10) (minimum 1 datapoint for OK -> ALARM transition)." Its numbers and times out
# out. What ``DATAPOINTS.sub("", reason)`` takes out, read by _without_datapoints: as a regex, each unclosed "[" or
# "(" was read to its line's end again, 100,000 of them took 40 s (bench/pathological.py)
DATAPOINTS = re.compile(r"[ \t]*(?:\[[^\]\n]*\]|\([^)\n]*\))")
CLOSER = {"[": "]", "(": ")"}
OPENER = re.compile(r"[\[(]")


@dataclass(frozen=True)
class AlertName:
    """An alert's name as the note says it (``shown``: "(no <field>)" for none, _shown) and whether the alert
    had one (``given``). Kept apart: read back from ``shown`` by a pattern of "(no ...)", an alert a team named
    "(no data)" or "(no alerts)" was taken for one with no name, its record command titled by its query."""

    shown: str
    given: bool


@dataclass(frozen=True)
class SourceAlert:
    """A pasted alert of another system: what it is (``kind``, ``noun``), its ``name``, the ``query`` searched,
    what that was read from (``by``) and its ``state`` when it is not firing ('' when it is)."""

    kind: str
    noun: str
    name: AlertName
    query: str
    by: str
    state: str = ""

    @property
    def named(self) -> bool:
        """Whether it has a name of its own: one without is titled by what was searched (pasted_log.record_title;
        found in a re-read: an SNS Notification with a null Subject, as SNS sends many, was to be recorded as
        "(no Subject)")."""
        return self.name.given

    @property
    def said(self) -> str:
        """The note's words for it: 'a pasted AWS CloudWatch alarm: searched alarm 'X' by its name, ...'."""
        state = f", {self.state}" if self.state else ""
        return f"a pasted {self.kind}: searched {self.noun} '{self.name.shown}'{state} by {self.by}"


def source_alert(data) -> SourceAlert | None:
    """The alert of a text pasted whole as one of these systems' JSON (``data``: its value, alerts.paste_json),
    or None (any other text)."""
    if not isinstance(data, dict):
        return None
    for read in (_cloudwatch, _pagerduty, _opsgenie, _datadog, _azure, _google, _sns, _kubernetes_events):
        alert = read(data)
        if alert is not None:
            return alert if alert.query else None
    return None


# Amazon SNS's messages that are no alert: SNS asking an HTTP(S) endpoint to confirm a subscription, and saying one
# was removed. Pasted, their token, signature, ARNs and URLs were searched as words, and the closest patterns shown
SNS_SUBSCRIPTION = ("SubscriptionConfirmation", "UnsubscribeConfirmation")
# what the note calls each, and says of it (sns_subscription): a responder who pasted one was after the topic's alarms
SNS_SAID = (
    (
        "subscription confirmation",
        "SNS sends it to confirm a subscription; the topic's alarms come as Notification messages",
    ),
    (
        "unsubscribe confirmation",
        "SNS sends it when a subscription is removed; the topic's alarms come as Notification messages",
    ),
)
SNS_NOTIFICATION = "AWS SNS notification"  # the kind the note names a Notification read by its Subject and Message


def sns_envelope(data) -> dict | None:
    """The Amazon SNS message of a paste (``data``: its JSON value): the envelope SNS POSTs (``Type``, ``TopicArn``,
    ``Message``...), bare or as a Lambda's SNS event holds it (``Records[0].Sns``); else None."""
    records = data.get("Records") if isinstance(data, dict) else None
    if (
        isinstance(records, list)
        and records
        and isinstance(records[0], dict)
        and isinstance(records[0].get("Sns"), dict)
    ):
        data = records[0]["Sns"]
    if not (_s(data, "Type") and _s(data, "TopicArn").startswith("arn:")):
        return None
    return data


def sns_subscription(data) -> str | None:
    """The note for a pasted SNS subscription message (SNS_SUBSCRIPTION): no alert, nothing in it to search (the
    site's box says the same: recur-query.js snsSubscription); None for any other paste."""
    envelope = sns_envelope(data)
    kind = _s(envelope, "Type")
    if kind not in SNS_SUBSCRIPTION:
        return None
    topic = _s(envelope, "TopicArn").rsplit(":", 1)[-1]
    what = SNS_SAID[SNS_SUBSCRIPTION.index(kind)]
    return f"a pasted AWS SNS {what[0]} for topic '{topic}', not an alert: nothing in it was searched ({what[1]})"


def sns_message(data) -> str | None:
    """The ``Message`` of a pasted SNS Notification (sns_envelope), else None: query._source_paste reads an
    Alertmanager or Grafana payload in it as that payload pasted alone."""
    envelope = sns_envelope(data)
    if _s(envelope, "Type") != "Notification" or not isinstance(envelope.get("Message"), str):
        return None
    return envelope["Message"]


def _sns(data: dict) -> SourceAlert | None:
    """An SNS Notification (sns_envelope) by its Subject and Message: the alert of another system in its Message
    (its JSON) as that system's (a CloudWatch alarm's is read by _cloudwatch before this), else the Message's text.
    Found in review: pasted whole, its signature, ARNs and URLs were searched as words."""
    if sns_message(data) is None:
        return None
    envelope = sns_envelope(data)
    inner = paste_json(envelope["Message"])
    if isinstance(inner, dict) and sns_envelope(inner) is None:  # an envelope in an envelope is not read again
        alert = source_alert(inner)
        if alert is not None:
            return alert
    subject = _s(envelope, "Subject")
    subject = subject if has_text(subject) else ""  # of U+200B alone, none: "by its message", as the note names it
    by = "its subject and message" if subject else "its message"
    parts = [subject, envelope["Message"].strip()]
    return SourceAlert(SNS_NOTIFICATION, "notification", _shown(subject, "Subject"), _joined(parts), by)


def _s(obj, key: str) -> str:
    """``obj[key]`` stripped when ``obj`` is a mapping and that is a string, else ''."""
    value = obj.get(key) if isinstance(obj, dict) else None
    return value.strip() if isinstance(value, str) else ""


def _name_given(obj, key: str) -> bool:
    """Whether ``obj`` is a mapping with ``key`` a string: the field that names an alert of that system. Present
    and empty, or blank, it names none and the alert is read by its other fields ("(no <field>)", _shown), as one
    named by U+200B alone is; an empty name made it no alert of that system, its JSON searched as pasted."""
    return isinstance(obj, dict) and isinstance(obj.get(key), str)


def _shown(name: str, field: str) -> AlertName:
    """An alert's name as the note says it, "(no <field>)" for one of only escape codes or invisible characters
    (``has_text``), as query._alertname says "(no alertname)" for Alertmanager's; and whether it had one. A name
    of U+200B alone was said as the alert's name, the note reading "searched alarm 'U+200B'"."""
    given = has_text(name)
    return AlertName(name if given else f"(no {field})", given)


def _joined(parts: list[str]) -> str:
    """As alerts.alert_query joins an alert's texts (texts_joined), each non-empty one once: one-line ones on one
    line by ". ", texts of several lines (a log in a description) after it, on their own lines."""
    return texts_joined(list(dict.fromkeys(p for p in parts if p)))


def _cloudwatch(data: dict) -> SourceAlert | None:
    """An alarm (_alarm: as SNS delivers it, as EventBridge does, as `aws cloudwatch describe-alarms` lists it)
    by its name, description, metric and state reason; INSUFFICIENT_DATA as missing data (_no_data)."""
    alarm = _alarm(data)
    if alarm is None:
        return None
    name, trigger = _s(alarm, "AlarmName"), alarm.get("Trigger")
    metric = " ".join(p for p in (_s(trigger, "Namespace"), _s(trigger, "MetricName")) if p)
    reason = " ".join(_without_datapoints(_s(alarm, "NewStateReason")).split())
    value, shown = _s(alarm, "NewStateValue"), _shown(name, "alarm name")
    if value == "INSUFFICIENT_DATA":
        return _no_data("AWS CloudWatch alarm", "alarm", shown, "state INSUFFICIENT_DATA", reason)
    parts = [name, _s(alarm, "AlarmDescription"), f"metric {metric}" if metric else "", reason]
    state = "resolved (state OK)" if value == "OK" else ""
    by = "its name, description, metric and state reason"
    return SourceAlert("AWS CloudWatch alarm", "alarm", shown, _joined(parts), by, state)


def _alarm(data: dict) -> dict | None:
    """The alarm of a paste in SNS's shape (AlarmName, AlarmDescription, NewStateValue, NewStateReason,
    Trigger.Namespace/MetricName), or None: SNS's envelope (``Type`` Notification, the alarm's JSON in
    ``Message``), a Lambda's SNS event (``Records[0].Sns``), the alarm's JSON alone, EventBridge's "CloudWatch
    Alarm State Change" event (``detail``), or describe-alarms' ``MetricAlarms`` (the first in ALARM, else the first)."""
    records = data.get("Records")
    if isinstance(records, list) and records and isinstance(records[0], dict):
        data = records[0].get("Sns") if isinstance(records[0].get("Sns"), dict) else data
    if _s(data, "Type") == "Notification" and isinstance(data.get("Message"), str):
        data = paste_json(data["Message"])
    if _s(data, "detail-type") == "CloudWatch Alarm State Change":
        data = _eventbridge_alarm(data.get("detail"))
    listed = data.get("MetricAlarms") if isinstance(data, dict) else None
    if isinstance(listed, list) and listed and all(isinstance(a, dict) for a in listed):
        data = _listed_alarm(next((a for a in listed if _s(a, "StateValue") == "ALARM"), listed[0]))
    if not _name_given(data, "AlarmName") or not ("NewStateValue" in data or isinstance(data.get("Trigger"), dict)):
        return None
    return data


def _eventbridge_alarm(detail) -> dict:
    """EventBridge's ``detail`` (alarmName, configuration.description, configuration.metrics[].metricStat.metric
    {namespace, name}, state {value, reason}) in SNS's shape."""
    config = detail.get("configuration") if isinstance(detail, dict) else None
    metrics = config.get("metrics") if isinstance(config, dict) else None
    stats = [m.get("metricStat") for m in metrics if isinstance(m, dict)] if isinstance(metrics, list) else []
    metric = next((s["metric"] for s in stats if isinstance(s, dict) and isinstance(s.get("metric"), dict)), {})
    state = detail.get("state") if isinstance(detail, dict) else None
    return {
        "AlarmName": _s(detail, "alarmName"),
        "AlarmDescription": _s(config, "description"),
        "NewStateValue": _s(state, "value"),
        "NewStateReason": _s(state, "reason"),
        "Trigger": {"Namespace": _s(metric, "namespace"), "MetricName": _s(metric, "name")},
    }


def _listed_alarm(alarm: dict) -> dict:
    """An alarm of describe-alarms (AlarmName, AlarmDescription, StateValue, StateReason, Namespace, MetricName)
    in SNS's shape."""
    return {
        "AlarmName": _s(alarm, "AlarmName"),
        "AlarmDescription": _s(alarm, "AlarmDescription"),
        "NewStateValue": _s(alarm, "StateValue"),
        "NewStateReason": _s(alarm, "StateReason"),
        "Trigger": {"Namespace": _s(alarm, "Namespace"), "MetricName": _s(alarm, "MetricName")},
    }


def _no_data(kind: str, noun: str, name: AlertName, state: str, reason: str) -> SourceAlert:
    """An alert whose metric had no data (CloudWatch's INSUFFICIENT_DATA, Datadog's No Data): its condition was not
    evaluated, so it is searched as missing data with its reason, nothing of the condition, as Grafana's
    DatasourceNoData is (retrieval.alerts). Measured on the starter KB: an INSUFFICIENT_DATA "FreeStorageSpace low"
    alarm searched by its name and description got disk-full first (p 0.32), a disk not known to be full."""
    by = "its state alone: its condition was not evaluated (it did not fire); find out why its data is missing"
    return SourceAlert(kind, noun, name, _joined(["no data from data source", reason]), by, f"not firing ({state})")


def _pagerduty(data: dict) -> SourceAlert | None:
    """A PagerDuty v3 webhook: ``event`` (``event_type`` incident.*) and its incident in ``event.data``."""
    event = data.get("event")
    incident = event.get("data") if isinstance(event, dict) else None
    if not _s(event, "event_type").startswith("incident.") or not _name_given(incident, "title"):
        return None
    service = _s(incident.get("service"), "summary")
    parts = [_s(incident, "title"), f"service {service}" if service else ""]
    state = "resolved" if _s(incident, "status") == "resolved" else ""
    name = _shown(_s(incident, "title"), "title")
    return SourceAlert("PagerDuty incident", "incident", name, _joined(parts), "its title and service", state)


def _kubernetes_events(data: dict) -> SourceAlert | None:
    """A Kubernetes event as `kubectl get event NAME -o json` prints it (``kind`` Event: its ``reason`` and ``message``,
    events.k8s.io's ``note``), or a list of them (`kubectl get events -o json`: ``kind`` List or EventList, ``items``
    all events), by the reason and message of each Warning event, each once (of a list with none, of each event). No
    alert, but pasted as one is: whole, its uids, resource versions, timestamps and pod names were searched. Found in a
    responder's review: a liveness probe's "context deadline exceeded" event answered "no known pattern"; by its reason
    and message, cpu-throttling-container-limits (which lists that line) first, `medium` 0.6."""
    kind = _s(data, "kind")
    items = [data] if kind == "Event" else data.get("items") if kind in ("List", "EventList") else None
    if not isinstance(items, list) or not items or not all(_s(e, "kind") in ("Event", "") for e in items):
        return None
    events = [(_s(e, "reason"), _s(e, "message") or _s(e, "note"), _s(e, "type")) for e in items if isinstance(e, dict)]
    events = [e for e in events if e[0] or e[1]]
    if not events or (kind != "Event" and not all(_s(e, "kind") == "Event" for e in items)):
        return None
    warnings = [e for e in events if e[2] == "Warning"]
    read = warnings or events
    parts = [": ".join(x for x in (reason, message) if x) for reason, message, _ in read]
    one = kind == "Event"
    what = "its reason and message" if one else f"its {'Warning ' if warnings else ''}events' reasons and messages"
    state = "" if warnings else f"not a warning (type {events[0][2] or 'none'})" if one else "none of them a warning"
    name = _shown(read[0][0], "reason")
    return SourceAlert("Kubernetes event" + ("" if one else " list"), "event", name, _joined(parts), what, state)


def _opsgenie(data: dict) -> SourceAlert | None:
    """An Opsgenie alert webhook: ``action`` (Create, Close...) and ``alert`` (message, description, tags, details)."""
    alert = data.get("alert")
    if not _s(data, "action") or not _name_given(alert, "message"):
        return None
    tags = alert.get("tags")
    tags = [t.strip() for t in tags if isinstance(t, str) and t.strip()] if isinstance(tags, list) else []
    details = alert.get("details") if isinstance(alert.get("details"), dict) else {}
    details = [f"{k} {_s(details, k)}" for k in sorted(details) if k not in NOISE_LABELS and _s(details, k)]
    parts = [_s(alert, "message"), _s(alert, "description"), ", ".join(tags), ", ".join(details)]
    state = "closed" if _s(data, "action") == "Close" else ""
    by = "its message, description, tags and details"
    return SourceAlert("Opsgenie alert", "alert", _shown(_s(alert, "message"), "message"), _joined(parts), by, state)


def _datadog(data: dict) -> SourceAlert | None:
    """A Datadog webhook: ``title`` ($EVENT_TITLE) or ``alert_title``, with one of its other variables
    (DATADOG_KEYS); ``body`` ($EVENT_MSG), ``text`` or ``text_only_msg``, ``alert_status``, ``alert_metric``, ``tags``."""
    title = DATADOG_STATE.sub("", _s(data, "title")).strip()
    name = _s(data, "alert_title")
    name = name if has_text(name) else title or name  # $EVENT_TITLE's when $ALERT_TITLE shows nothing
    if not (_name_given(data, "title") or _name_given(data, "alert_title")) or not any(k in data for k in DATADOG_KEYS):
        return None
    message = next((m for m in (_s(data, k) for k in ("body", "text", "text_only_msg")) if m), "")
    tags = data.get("tags")
    tags = tags.split(",") if isinstance(tags, str) else tags if isinstance(tags, list) else []
    tags = [t.strip().split(":", 1) for t in tags if isinstance(t, str) and ":" in t]
    tags = ", ".join(f"{k} {v.strip()}" for k, v in tags if k not in PLACE_TAGS and v.strip())
    parts = [name, title, _s(data, "alert_status"), _datadog_message(message), _s(data, "alert_metric"), tags]
    # what $ALERT_TRANSITION, or the state in $EVENT_TITLE's brackets, says
    said = _s(data, "alert_transition") or (m.group() if (m := DATADOG_STATE.match(_s(data, "title"))) else "")
    shown = _shown(name, "title")
    if "No Data" in said:
        return _no_data("Datadog alert", "alert", shown, "No Data", "")
    state = "resolved (Recovered)" if "Recovered" in said else ""
    return SourceAlert("Datadog alert", "alert", shown, _joined(parts), "its title, message, metric and tags", state)


# Azure Monitor's common alert schema: the schemaId every alert of an action group with it turned on carries
AZURE_SCHEMA = "azureMonitorCommonAlertSchema"


def _azure(data: dict) -> SourceAlert | None:
    """An Azure Monitor alert in the common alert schema (``schemaId``; ``data.essentials``: alertRule,
    description, monitorCondition Fired or Resolved; a metric alert's ``data.alertContext.condition.allOf[]``:
    metricName). Found in an SRE's review: pasted raw, an "orders-db storage almost full" metric
    alert was searched as JSON, ids and ARM paths too, and got "no known pattern", disk-full not among the first
    three."""
    body = data.get("data")
    essentials = body.get("essentials") if isinstance(body, dict) else None
    if _s(data, "schemaId") != AZURE_SCHEMA or not _name_given(essentials, "alertRule"):
        return None
    context = body.get("alertContext")
    condition = context.get("condition") if isinstance(context, dict) else None
    criteria = condition.get("allOf") if isinstance(condition, dict) else None
    criteria = [c for c in criteria if isinstance(c, dict)] if isinstance(criteria, list) else []
    # by name alone: its namespace is an ARM resource type ("Microsoft.DBforPostgreSQL/flexibleServers"), which
    # took a storage alert from disk-full's p 0.32 to 0.25 and "no known pattern" (CloudWatch's is "AWS/RDS")
    metrics = ", ".join(dict.fromkeys(m for m in (_s(c, "metricName") for c in criteria) if m))
    name = _s(essentials, "alertRule")
    parts = [name, _s(essentials, "description"), f"metric {metrics}" if metrics else ""]
    state = "resolved (monitorCondition Resolved)" if _s(essentials, "monitorCondition") == "Resolved" else ""
    by = "its rule, description and metric"
    return SourceAlert("Azure Monitor alert", "alert rule", _shown(name, "alertRule"), _joined(parts), by, state)


def _google(data: dict) -> SourceAlert | None:
    """A Google Cloud Monitoring incident as its webhook sends it (schema 1.2: ``incident`` with policy_name,
    condition_name, summary, documentation.content, metric.displayName, state open or closed). Pasted raw, its
    JSON was searched, project ids and console URLs too."""
    incident = data.get("incident")
    if not _name_given(incident, "policy_name") or "incident_id" not in incident:
        return None
    docs = _datadog_message(_s(incident.get("documentation"), "content"))  # Markdown: link targets out
    metric = _s(incident.get("metric"), "displayName")
    name = _s(incident, "policy_name")
    parts = [name, _s(incident, "condition_name"), _s(incident, "summary"), docs, f"metric {metric}" if metric else ""]
    state = "resolved (state closed)" if _s(incident, "state") == "closed" else ""
    by = "its policy, condition, summary, documentation and metric"
    kind = "Google Cloud Monitoring incident"
    return SourceAlert(kind, "policy", _shown(name, "policy_name"), _joined(parts), by, state)


def _datadog_message(text: str) -> str:
    """$EVENT_MSG without its %%% markers, @-mentions, link targets and footer of links, its lines kept."""
    lines = MENTION.sub(r"\1", text.replace("%%%", "")).split("\n")
    lines = [
        " ".join(URL.sub("", replace_links(line)).split())
        for line in lines
        if not FOOTER.match(replace_links(line, label=False))
    ]
    return "\n".join(line for line in lines if line)


def _without_datapoints(text: str) -> str:
    """``DATAPOINTS.sub("", text)``, in time linear in its length (the browser's port does the same): each
    bracket closed on its line, with the blanks before it, out."""
    return "\n".join(map(_line_without_datapoints, text.split("\n")))


def _line_without_datapoints(line: str) -> str:
    # an opener is closed when its closer comes after it on the line: known from the closer's last place, so
    # an unclosed one is passed over at once (the regex read on to the line's end from each)
    last = {opener: line.rfind(closer) for opener, closer in CLOSER.items()}
    kept, pos = [], 0
    for m in OPENER.finditer(line):
        at = m.start()
        if at < pos or at > last[m.group()]:  # inside a bracket taken out, or unclosed
            continue
        kept.append(line[pos:at].rstrip(" \t"))  # the regex's [ \t]* before it, after what it took out last
        pos = line.find(CLOSER[m.group()], at) + 1
    return "".join(kept) + line[pos:]
