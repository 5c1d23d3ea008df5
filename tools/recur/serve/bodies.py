"""Request bodies (strict: a string where a string is due); the Alertmanager query builder is
recur.retrieval.alerts."""

from __future__ import annotations

import json
from typing import Annotated, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from recur import config

# an alert's query, note and datasource problem are read in the retrieval layer, where every surface's pasted alert is
from recur.retrieval.alert_sources import SNS_NOTIFICATION, source_alert
from recur.retrieval.alerts import ALERT_STATUSES, alert_note, datasource_problem, heartbeat
from recur.retrieval.patterns import given_pattern_id
from recur.retrieval.query import MAX_PASTE_CHARS, MAX_QUERY_CHARS
from recur.util.text import INVISIBLE, ONLY_INVISIBLE, PICTOGRAPHS, ecma_any_but, has_text
from recur.util.utf8 import clean

# A JSON string may hold a lone surrogate ("\udcff"): it can be neither searched nor encoded in
# the answer, so every string of a body is cleaned on the way in (U+FFFD, as a lenient UTF-8
# decoder does) and what is echoed back, recorded or searched is the cleaned text.
Str = Annotated[StrictStr, AfterValidator(clean)]


def _none_as_empty(value):
    """A map sent as JSON null is an empty one: Go's encoding/json writes a nil map so, and a relay or test tool
    in Go that builds Alertmanager's template.Data without annotations (or group labels) sent
    ``"annotations": null``; the webhook refused the whole group with a 422, which Alertmanager does not retry,
    though a missing map was read as empty (found in an SRE's review)."""
    return {} if value is None else value


# labels and annotations: strings by strings; null read as {} (_none_as_empty)
KV = Annotated[dict[Str, Str], BeforeValidator(_none_as_empty)]

MAX_TEXT = MAX_QUERY_CHARS  # characters of one query (a pasted log excerpt); the body limit caps it anyway
# characters of a text pasted into MCP's suggest_patterns or Slack's /recur, condensed to MAX_TEXT when searched
# (PasteIn): as much as `recur suggest -` reads
MAX_PASTE = MAX_PASTE_CHARS
MAX_TOP = config.MAX_TOP
MAX_PATTERN_ID = 200  # characters of a pattern id in a vote: ids are short slugs; a longer one is not an id
MAX_VOTER = 200  # characters of a vote's voter id: an opaque token the client keeps (the site's box: a random id)
# The published schema of a text field: at least one character that shows (JSON Schema's ``pattern``
# matches anywhere in the string), as ``_text`` checks; a blank one is a 422. What shows nothing is spelled
# out (recur.util.text.INVISIBLE): a JSON Schema ``\S`` (ECMA-262) counts U+001C-U+001F and U+0085 as text
# and U+FEFF as space, where Python does the opposite. Terminal escape sequences alone ("\x1b[0m") are
# refused too, which no pattern says: the schema's is the rule per character. Written for ECMA-262 with no
# flags (ecma_any_but): the class as Python writes it needed JavaScript's ``u`` flag, and a validator that
# compiles it flagless (Node: "Range out of order in character class") could not read the schema at all.
NOT_BLANK = {"pattern": ecma_any_but(f"{INVISIBLE}{PICTOGRAPHS}")}  # emoji alone are no text either (has_text)
MAX_ALERTS = 100  # alerts answered from one webhook call; the rest are reported as skipped
# Alerts read from one webhook call, counted before any is parsed. Each costs ~10 µs and ~800 bytes to
# parse: 4 MiB of empty alerts ({}) was 1.4 million of them, 13 s of the event loop and 1.2 GB. A real
# alert is 170 bytes or more, so the 4 MiB body limit (deps.ALERTMANAGER_MAX_BODY) holds fewer than this.
MAX_GROUP_ALERTS = 25_000
# Results per alert in a brief webhook answer (?brief=true): a chat line per alert has no use for more
# than a handful, and 100 alerts x 50 whole results is ~280x the request.
WEBHOOK_BRIEF_TOP = 5
# What to do with a text too long to send, said wherever one is refused (a text over its limit on /api/suggest,
# MCP's tools and Slack's /recur; a body over the limit of /api/suggest or /mcp): a responder who curled a
# 30,000-character log got the limit and nothing else (found in review), while `recur suggest -` and the
# site's box cut such a paste down to what is searched (retrieval.query.prepare) and say what they left out.
CUT_IT_DOWN = "send the error lines or the alert, or pipe the log through `recur suggest -`, which cuts it down"
# The same over /mcp, where the client is an assistant: it cannot pipe anything through a command (the
# terminal's advice, said to it; found in an MCP integrator's review), but it can send less of what it has.
MCP_CUT_IT_DOWN = "send the error lines, or the last 200 lines of the log, in a new call"
# Past a paste's limit (MAX_PASTE: MCP's and Slack's texts, which are cut down here) `recur suggest -` reads no
# more either, only the first MAX_PASTE characters, where a log's cause is seldom: what the CLI says then.
PASTE_TOO_LONG = "send the part that matters: the error lines or the alert, or the log's end (tail -n 200 app.log)"
# What /api/alertmanager takes, added to a refusal of its payload's shape: "version: Field required" named
# neither the value nor the payload (found in review).
WEBHOOK_TAKES = (
    'it takes an Alertmanager webhook payload, {"version": "4", "alerts": [{"labels": {...}, "annotations": '
    '{...}}, ...]}, or Grafana\'s, with "version": "1"'
)
# Added to the 413 of a route's body, by route path (guard.BodyGuard).
TOO_LARGE_HINTS = {
    "/api/suggest": f"a text is searched up to {MAX_QUERY_CHARS:,} characters: {CUT_IT_DOWN}",
    "/api/feedback": f"a vote's query is the text searched, at most {MAX_QUERY_CHARS:,} characters",
    "/mcp": f"for a long text to search, {MCP_CUT_IT_DOWN}",
    "/api/alertmanager": "set max_alerts in the webhook config to send fewer alerts in one call",
}
# Added to a refusal of a route's body shape, by route path (guard.install_error_handlers).
BODY_HINTS = {"/api/alertmanager": WEBHOOK_TAKES}
# What each route that reads a JSON body takes, added where the body as a whole is refused: empty, not JSON, or
# JSON that is not an object (a list, a string, a number, null). /api/suggest and /api/feedback said "the request
# body must be a JSON object" and no more to `curl -d '"disk full"'` (found in review), where the webhook said
# what it takes. Field refusals on these two name their field, and an unknown key the keys they take, already.
SUGGEST_TAKES = f'it takes {{"text": "<what you see>"}}, and optionally "top": 1 to {MAX_TOP}, how many patterns'
FEEDBACK_TAKES = (
    'it takes {"query": "<the text searched>", "pattern": "<the suggested pattern\'s id>", "useful": true or false}, '
    'and optionally "voter"'
)
BODY_TAKES = {"/api/suggest": SUGGEST_TAKES, "/api/feedback": FEEDBACK_TAKES, "/api/alertmanager": WEBHOOK_TAKES}


def _text(value: str, name: str, limit: int = MAX_TEXT) -> str:
    value = clean(value).strip()
    # the error names the field already ("pattern: ..."): "pattern: pattern must not be empty: describe what
    # you see" said it twice, and asked for a description where an id is wanted (found in review)
    ask = ": describe what you see" if name in ("text", "query") else ""
    if not value:
        raise ValueError("must not be empty" + ask)
    if not has_text(value):  # searched as "", it was answered "no known pattern" with the closest patterns
        what = "has nothing to search" if ask else "must not be empty"
        raise ValueError(f"{what} ({ONLY_INVISIBLE}){ask}")
    if len(value) > limit:
        # said once (guard.invalid_message leaves off the field it starts with), its counts grouped; a text to
        # search with what to do instead, as every surface that refuses one says it
        todo = f": {CUT_IT_DOWN if limit <= MAX_QUERY_CHARS else PASTE_TOO_LONG}" if name == "text" else ""
        raise ValueError(f"{name} is {len(value):,} characters; the limit is {limit:,}{todo}")
    return value


def _whole(value):
    """A JSON number without a fraction (``20.0``) is the integer it names: the published type
    ``integer`` (JSON Schema) includes it, some encoders write every number so, and the MCP tool
    took it already. ``true``, ``"5"`` and ``2.5`` are still refused (StrictInt)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Count = Annotated[StrictInt, BeforeValidator(_whole)]


def refuse_unknown_keys(model: type[BaseModel], data):
    """A body key the model does not read is refused, named with the keys it takes: {"text": ..., "topp":
    10} was answered with the default 5 results, the key ignored without a word (found in an operator's
    review), where a query parameter a route does not read is refused. For the request bodies Recur's
    own clients send (the site's box, the docs' examples); the webhook's payload keeps its other keys."""
    if isinstance(data, dict):
        unknown = sorted(str(k) for k in data if k not in model.model_fields)
        if unknown:
            raise PydanticCustomError(
                "unknown_keys",
                f"unknown key(s) in the request body: {', '.join(unknown)} (it takes {', '.join(model.model_fields)})",
            )
    return data


class RequestBody(BaseModel):
    """A request body Recur's own clients send: a key it does not read is refused (refuse_unknown_keys).
    Each such body derives from it, so the refusal and the schema's additionalProperties: false are written
    once, and a new body has them without copying a validator."""

    # published as additionalProperties: false; the message a client gets is refuse_unknown_keys'
    model_config = ConfigDict(extra="forbid")
    # the route that reads it from an HTTP POST, where AWS SNS could be subscribed ('' for MCP's and Slack's texts)
    route: ClassVar[str] = ""

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data):
        # an SNS message posted here said "unknown key(s) ... TopicArn, Type", no word of SNS (found in review)
        takes = f"this route's body (it takes {', '.join(cls.model_fields)})"
        if cls.route and (sns := sns_refusal(data, takes, cls.route)):
            raise PydanticCustomError("not_a_payload", sns)
        return refuse_unknown_keys(cls, data)


class SuggestIn(RequestBody):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"text": "checkout 502s after deploy, pods restarting", "top": 5}]}
    )
    text: StrictStr = Field(
        description=f"What you see: a description, an alert, a log line (not blank; at most {MAX_TEXT:,} characters).",
        json_schema_extra={**NOT_BLANK, "maxLength": MAX_TEXT},  # published only: _text says the limit its own way
    )
    top: Count = Field(5, ge=1, le=MAX_TOP, description="How many patterns to return.")
    route: ClassVar[str] = "/api/suggest"

    @field_validator("text")
    @classmethod
    def _check_text(cls, v):
        return _text(v, "text")


class PasteIn(SuggestIn):
    """A text a person pasted where Recur answers in a conversation: MCP's suggest_patterns and past_incidents,
    Slack's /recur. Up to MAX_PASTE characters, condensed to the MAX_TEXT searched as `recur suggest` and the
    site's box condense it (retrieval.query.prepare; the answer's query_note says what was left out). Both
    refused a text over MAX_TEXT ("text is 30000 characters; the limit is 20000", found in review), where the
    other surfaces a person pastes into shorten it. ``POST /api/suggest`` keeps its limit: its callers are
    programs (the site's box condenses before it sends), and its body limit (config.text_max_body) is the bound there."""

    route: ClassVar[str] = ""

    @field_validator("text")
    @classmethod
    def _check_text(cls, v):
        return _text(v, "text", MAX_PASTE)


class FeedbackIn(RequestBody):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "query": "FATAL: sorry, too many clients already",
                    "pattern": "db-connection-pool-exhausted",
                    "useful": True,
                }
            ]
        }
    )
    query: StrictStr = Field(
        description=f"The text the suggestion was made for (not blank; at most {MAX_TEXT:,} characters).",
        json_schema_extra={**NOT_BLANK, "maxLength": MAX_TEXT},
    )
    pattern: StrictStr = Field(
        description=(
            f"The pattern id that was suggested (not blank; at most {MAX_PATTERN_ID} characters), in any letter "
            "case, as GET /api/patterns/{id} takes it: the vote is recorded with the pattern's own id."
        ),
        json_schema_extra={**NOT_BLANK, "maxLength": MAX_PATTERN_ID},
    )
    useful: StrictBool = Field(description="true for 👍, false for 👎.")
    route: ClassVar[str] = "/api/feedback"
    voter: StrictStr | None = Field(
        None,
        description=(
            "Optional: an opaque id of whoever votes, kept by the client (the site's box keeps a random one in "
            f"the browser; at most {MAX_VOTER} characters). With it, one voter counts once per query and pattern "
            "with their latest vote (a changed mind replaces the earlier vote; the same vote again is not "
            "written), as Slack's buttons count; the feedback file keeps a hash, not the id. Without it, every "
            "vote counts as a voter of its own."
        ),
        json_schema_extra={**NOT_BLANK, "maxLength": MAX_VOTER},
    )

    @field_validator("query")
    @classmethod
    def _check_query(cls, v):
        return _text(v, "query")

    @field_validator("voter")
    @classmethod
    def _check_voter(cls, v):
        return None if v is None else _text(v, "voter", MAX_VOTER)

    @field_validator("pattern")
    @classmethod
    def _check_pattern(cls, v):
        # read by GET /api/patterns/{id}'s and MCP's rule (patterns.given_pattern_id): a vote on "Disk-Full" was a
        # 404 that route answers, and the feedback line, the voter's key and the answer now carry "disk-full";
        # Slack's buttons build this body too
        given = given_pattern_id(_text(v, "pattern", MAX_PATTERN_ID))
        if not given:  # the resource URI's prefix alone ("recur://patterns/"): no id in it
            raise ValueError("must not be empty")
        return given


class Alert(BaseModel):
    model_config = ConfigDict(extra="ignore")
    status: Str = "firing"
    labels: KV = Field(default_factory=dict)
    annotations: KV = Field(default_factory=dict)
    startsAt: Str | None = None
    generatorURL: Str | None = None
    fingerprint: Str | None = None

    @field_validator("status", mode="before")
    @classmethod
    def _api_status(cls, v):
        """An alert as Alertmanager's /api/v2/alerts returns it has a status object, {"state": "active" |
        "suppressed" | "unprocessed", "silencedBy": [...], "inhibitedBy": [...]}: that API lists no resolved
        alert, so each state is firing. Such alerts put in a payload were refused "alerts.0.status: Input should
        be a valid string".

        A string is "firing" or "resolved" (in any letter case), the two Alertmanager's webhook (version 4) and
        Grafana's contact points send: Grafana notifies no pending alert, so "pending" is no status a payload
        carries either. Any other was read as firing: a hand-written "resovled" was searched and answered as a
        firing alert (found in review); it is refused, naming the alert."""
        _check_status(v)
        if isinstance(v, dict):
            state = v.get("state")
            if state in API_STATES:
                return "firing"
            raise ValueError(
                f"a status object's state is one of {', '.join(API_STATES)} (Alertmanager's /api/v2/alerts), "
                f'not {state!r}; or send status as "firing" or "resolved"'
            )
        return _status(v)


API_STATES = ("active", "suppressed", "unprocessed")  # an /api/v2/alerts alert's status.state: all firing


def _check_status(v) -> None:
    """A status string is "firing" or "resolved", in any letter case: an alert's and its group's alike."""
    if isinstance(v, str) and v.strip().lower() not in ALERT_STATUSES:
        raise ValueError(f'must be "firing" or "resolved" (what Alertmanager and Grafana send), not {json.dumps(v)}')


def _status(v):
    """A status string as read, "firing" or "resolved": the answer said " FIRING" back as sent, a relay that
    compares it with "firing" reading it as something else (found in re-review)."""
    return v.strip().lower() if isinstance(v, str) else v


WEBHOOK_VERSIONS = {"4": "alertmanager", "1": "grafana"}  # Grafana's webhook contact point sends version "1"


class AlertmanagerIn(BaseModel):
    """The Alertmanager webhook payload (version 4), or Grafana's webhook payload (version 1, the same
    shape plus extra fields such as orgId, title, state, message, values): only the fields Recur
    reads are checked, others are ignored."""

    model_config = ConfigDict(extra="ignore")
    version: Str = Field(
        description='"4" (Alertmanager) or "1" (Grafana).', json_schema_extra={"enum": list(WEBHOOK_VERSIONS)}
    )
    status: Str = "firing"
    receiver: Str | None = None
    groupKey: Str | None = None
    groupLabels: KV = Field(default_factory=dict)
    commonLabels: KV = Field(default_factory=dict)
    commonAnnotations: KV = Field(default_factory=dict)
    externalURL: Str | None = None
    alerts: list[Alert] = Field(description="The alerts of the group.")
    # the bound on the integer, before Count's validator: on the union, or after it, it was published as pydantic's
    # own "ge", which JSON Schema does not know (found in an integration review); checked alike
    truncatedAlerts: Annotated[StrictInt, Field(ge=0), BeforeValidator(_whole)] | None = Field(
        None, description="Alerts of the group Alertmanager left out (its max_alerts); reported, never searched."
    )

    @field_validator("status", mode="before")
    @classmethod
    def _group_status(cls, v):
        """The group's status, by the alerts' rule: a misspelt "resovled" was taken and said back in the
        answer's status, where the same word on an alert was a 422 (found in review). Said back as read,
        "firing" or "resolved" (``_status``)."""
        _check_status(v)
        return _status(v)

    @field_validator("alerts", mode="before")
    @classmethod
    def _check_count(cls, v):
        if isinstance(v, list) and len(v) > MAX_GROUP_ALERTS:
            raise ValueError(
                f"the group has {len(v):,} alerts; Recur reads at most {MAX_GROUP_ALERTS:,} in one call (and "
                f"answers {MAX_ALERTS}): set max_alerts in the webhook config"
            )
        return v

    @model_validator(mode="before")
    @classmethod
    def _not_a_payload(cls, data):
        """A body of another shape that says what it is and what to send (``not_a_payload``: the message is
        said whole). Grafana's legacy alerting (before unified alerting; gone in Grafana 11) posts one with
        no version: without this it got 'version: Field required'. A list of alerts, as Alertmanager's
        /api/v2/alerts returns them, was "the request body must be a JSON object", and one alert "version:
        Field required (and 1 more problem(s))" (found in review), where /api/suggest searches both."""
        if isinstance(data, dict) and "version" not in data and {"ruleName", "evalMatches"} & set(data):
            raise PydanticCustomError(
                "not_a_payload",
                "this is Grafana's legacy alert notification (ruleName, evalMatches), which Recur does not read: "
                'use a contact point of type webhook in Grafana\'s unified alerting (Grafana 9 and later send version "1")',
            )
        sns = sns_refusal(data, f"a webhook payload ({WEBHOOK_TAKES})", "/api/alertmanager")
        if sns:
            raise PydanticCustomError("not_a_payload", sns)
        what = _alerts_sent(data)  # (what the body is, what it holds, as it is, it)
        if what:
            raise PydanticCustomError(
                "not_a_payload",
                f"the request body is {what[0]}, not a webhook payload ({WEBHOOK_TAKES}): to search {what[1]} as "
                f'{what[2]}, send {what[3]} to /api/suggest as {{"text": "<the JSON, as one string>"}}',
            )
        return data

    @field_validator("version")
    @classmethod
    def _check_version(cls, v):
        if v not in WEBHOOK_VERSIONS:
            raise ValueError(
                f'webhook version {v!r} is not supported; Recur reads Alertmanager version "4" and Grafana version "1"'
            )
        return v


# the messages AWS SNS posts to an HTTP(S) subscription, by their ``Type`` (its JSON envelope, with ``TopicArn``)
SNS_TYPES = ("Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation")
SNS_RELAY = (
    "SNS reads no answer: to have its alarms searched, subscribe a relay to the topic (an AWS Lambda function) that "
    'sends each notification to /api/suggest as {"text": "<the notification, as one string>"} (the alarm is read '
    "from its Message) and posts the answer where responders read it"
)


def sns_refusal(data, takes: str, route: str) -> str | None:
    """What ``route`` (the webhook, /api/suggest: ``takes``, what it takes) says to an AWS SNS message
    (``SNS_TYPES``), or None for any other body. A subscription
    confirmation is not confirmed: confirming is a GET of its SubscribeURL, a URL the body names, which anyone
    able to post here could point anywhere, and the subscription would bring notifications the webhook refuses all
    the same; the server's log says so, once a minute (an operator who subscribed this URL looks there). A
    notification (a CloudWatch alarm in its Message) is refused as the other systems' alerts are (_alerts_sent),
    with the relay to use instead: SNS throws the answer away."""
    if not (isinstance(data, dict) and data.get("Type") in SNS_TYPES and isinstance(data.get("TopicArn"), str)):
        return None
    topic = data["TopicArn"][:200]
    if data["Type"] != "Notification":
        said = (
            f"the request body is an AWS SNS {_sns_kind(data['Type'])} for topic {topic!r}, not {takes}: Recur does "
            f"not confirm a subscription (it follows no URL a request names), and this route would refuse the topic's "
            f"notifications; {SNS_RELAY}"
        )
        if route:
            _said_sns(said, route)
        return said
    inner = source_alert(data)
    inner = None if inner is None or inner.kind == SNS_NOTIFICATION else inner  # the envelope itself, read
    holds = f" holding {'an' if inner.kind[0] in 'AEIOU' else 'a'} {inner.kind}" if inner else ""
    return f"the request body is an AWS SNS notification of topic {topic!r}{holds}, not {takes}: {SNS_RELAY}"


def _sns_kind(kind: str) -> str:
    return "subscription confirmation" if kind == "SubscriptionConfirmation" else "unsubscribe confirmation"


_SNS_SAID = None  # applog.Throttle of the log line: any client can post one


def _said_sns(said: str, route: str) -> None:
    """The refusal of an SNS confirmation in the server's log, the first in a minute (applog.Throttle)."""
    global _SNS_SAID
    import logging

    from recur.serve.applog import Throttle

    _SNS_SAID = _SNS_SAID or Throttle()
    unsaid = _SNS_SAID.admit("sns")
    if unsaid is not None:  # those counted since the last line, which may be an hour old: not "in the last minute"
        logging.getLogger("recur.serve").warning("POST %s refused: %s%s", route, said, _SNS_SAID.before(unsaid))


def _alerts_sent(data) -> tuple[str, ...] | None:
    """How to say what a body holds when it is alerts rather than a webhook payload: a JSON list of objects
    with labels (as Alertmanager's /api/v2/alerts returns them, or the API's alert list), or one object with
    labels and neither version nor alerts; or an alert of another alerting system, as the paste reads one
    (retrieval.alert_sources: CloudWatch through SNS, Datadog, PagerDuty, Opsgenie, Azure Monitor, Google Cloud
    Monitoring), pointed at this URL: it got "version, alerts: Field required", or for Cloud Monitoring's "version":
    "1.2" "webhook version '1.2' is not supported", naming no way to have it searched (found in an SRE's
    review); else None."""
    if isinstance(data, dict) and not isinstance(data.get("alerts"), list) and (other := source_alert(data)):
        article = "an" if other.kind[0] in "AEIOU" else "a"
        return f"{article} {other.kind}'s JSON", "it", "it is", "it"
    if isinstance(data, list) and data and all(isinstance(a, dict) for a in data) and any("labels" in a for a in data):
        return "a list of alerts (as Alertmanager's /api/v2/alerts returns them)", "the alerts", "they are", "the list"
    if isinstance(data, dict) and "labels" in data and not {"version", "alerts"} & set(data):
        return "one alert", "it", "it is", "it"
    return None


def is_resolved(alert: Alert) -> bool:
    """A resolved alert is reported as resolved, not run through suggestions again."""
    return alert.status.strip().lower() == "resolved"


def answered(alerts: list[Alert]) -> list[Alert]:
    """The alerts one webhook call answers: at most ``MAX_ALERTS``, firing ones first (they are what
    the call is for; a resolved one costs no search), and of those heartbeats last, in the payload's order.
    Alertmanager orders a group's alerts by labels, not by status: taking the first ``MAX_ALERTS`` could
    leave every firing alert of a mostly resolved group out."""
    firing = [i for i, a in enumerate(alerts) if not is_resolved(a)]
    firing = sorted(firing, key=lambda i: heartbeat(alerts[i]))[:MAX_ALERTS]
    resolved = [i for i, a in enumerate(alerts) if is_resolved(a)][: MAX_ALERTS - len(firing)]
    return [alerts[i] for i in sorted(firing + resolved)]


def set_aside(alerts: list[Alert]) -> list[bool]:
    """For each alert, whether it is a firing heartbeat (retrieval.alerts.heartbeat: Watchdog, InfoInhibitor,
    severity "none") beside another firing alert: reported, not searched, as a pasted alert list searches
    its real alert (found in review: the webhook searched kube-prometheus's Watchdog of a group too, and a
    relay posted its look-alike matches beside the real alert's). Alone, heartbeats are searched as before."""
    beats = [not is_resolved(a) and heartbeat(a) for a in alerts]
    real = any(not is_resolved(a) and not beat for a, beat in zip(alerts, beats))
    return [beat and real for beat in beats]


def not_searched(alerts: list[Alert]) -> list[bool]:
    """For each alert, whether the webhook does not search it: resolved (reported as resolved), or a heartbeat
    set aside (``set_aside``). Said once for the three that must agree: which queries are searched, which
    entries carry no results and no verdict (``alert_entry``), and which count in the group's verdict."""
    return [is_resolved(a) or aside for a, aside in zip(alerts, set_aside(alerts))]


def alert_entry(
    alert: Alert, query: str, answer, brief: bool = False, unsearched: bool = False, cut: str | None = None
) -> dict:
    """One alert of the webhook answer: one ``unsearched`` (``not_searched``: resolved, or a heartbeat set
    aside) carries no results and no verdict. ``brief``: the results are brief (``brief_result``), their
    patterns' bodies are in the answer's ``patterns``. ``cut``: what reading the alert's text left out of it
    (retrieval.alerts.alert_read), said first in its query_note."""
    resolved = is_resolved(alert)
    return {
        "alertname": alert.labels.get("alertname"),
        "status": alert.status,
        "resolved": resolved,
        # fires all the time by design: searched only when nothing else of the group fires
        "heartbeat": heartbeat(alert),
        "fingerprint": alert.fingerprint,
        "labels": alert.labels,
        # the text searched (the engine's answer's, as /api/suggest's `query`): at most MAX_QUERY_CHARS, a long
        # text condensed. The alert's text as read (up to MAX_PASTE_CHARS) made 19 alerts of 200 KB answer
        # 3.95 MB with ?brief=true, where docs/api.md bounds a brief answer (found in review). Not searched: cut.
        "query": answer.query if answer is not None and not unsearched else query[:MAX_QUERY_CHARS],
        # what was searched of the query (a log by its error lines), as /api/suggest's query_note
        "query_note": _query_note(answer, cut) if answer and not unsearched else None,
        "no_known_pattern": None if unsearched else (answer.no_known_pattern if answer else True),
        "results": [] if unsearched or answer is None else [brief_result(r) if brief else r for r in answer.results],
        # /api/suggest's: a result `top` left out that is rated more likely right than the first (else null)
        "likelier": _likelier(answer, brief, unsearched),
        # /api/suggest's (Answer.credible): how many results ranked for the verdict are of medium or high
        # confidence, shown or not; a relay's headline says it as MCP's and Slack's do (null: no verdict)
        "credible": None if unsearched else (answer.credible if answer else 0),
        # /api/suggest's (Answer.corrected): the typos of the alert's text read as the KB's words, which its
        # query_note says too; [] when none was read, and for an alert not searched or with nothing to search
        "corrected": [] if unsearched or answer is None else answer.corrected,
        # Grafana's DatasourceNoData / DatasourceError ("no_data", "error"; else null) and what it means
        "datasource_problem": datasource_problem(alert),
        "note": alert_note(alert),
    }


def _query_note(answer, cut: str | None) -> str | None:
    """An alert's query_note: what reading its text left out (``cut``), then what searching it did."""
    return "; ".join(n for n in (cut, answer.query_note) if n) or None


def _likelier(answer, brief: bool, unsearched: bool) -> dict | None:
    """An alert's ``likelier``, as /api/suggest's (Answer.likelier), brief with ``brief`` as its results are."""
    found = None if unsearched or answer is None else answer.likelier
    return brief_result(found) if found is not None and brief else found


# The fields of a result object that belong to the query (why it matched, how well), not to the pattern.
PER_QUERY = ("rank", "score", "confidence", "probability", "why", "scores", "look_alikes", "rule")
# A brief result keeps every key; the pattern's long fields keep what Recur's Slack reply shows (the
# first 2 runbook steps, the first evidence item) and the rest is empty: the body is in ``patterns``.
BRIEF_LISTS = {"runbook": 2, "evidence": 1, "signals": 0, "related": 0, "distinguish": 0}


def brief_result(result: dict) -> dict:
    """A result object for one alert of a webhook answer: every key of the result object (the query's
    fields whole), the pattern's long fields cut (``BRIEF_LISTS``, an empty summary), ``brief: true``."""
    out = dict(result)
    for key, keep in BRIEF_LISTS.items():
        if key in out:
            out[key] = list(out[key] or [])[:keep]
    if "summary" in out:
        out["summary"] = ""
    out["brief"] = True
    return out


def pattern_bodies(answers) -> dict:
    """{pattern id: its whole result body without the query's fields}, once per webhook answer, for
    every pattern the answers suggest, their ``likelier`` too (in order of first appearance)."""
    bodies = {}
    for answer in answers:
        # the likelier result too: it is brief in its alert's entry, as the results are
        for r in [*answer.results, *([answer.likelier] if answer.likelier is not None else [])]:
            if r["id"] not in bodies:
                bodies[r["id"]] = {k: v for k, v in r.items() if k not in PER_QUERY}
    return bodies


def alert_link(alert: Alert, docs: dict, site_url: str | None):
    """The pattern an alert's runbook link (coverage.RUNBOOK_KEYS) points at, as `recur coverage` reads
    it (``site_url``: `recur serve --site-url`), with the link: a search.RunbookLink, or None. A
    DatasourceNoData/DatasourceError alert has none: its rule's runbook is for the condition that
    did not fire. ``generatorURL`` is the rule's graph in Prometheus or Grafana, never a pattern page."""
    from recur.ingest.coverage import runbook_link, runbook_url
    from recur.retrieval.search import RunbookLink

    url = runbook_url(alert.annotations)
    if url is None or datasource_problem(alert) is not None:
        return None
    pages = {pid: d["path"] for pid, d in docs.items() if d.get("status") != "retired"}
    pid, _ = runbook_link(url, pages, site_url)
    return RunbookLink(pid, url) if pid else None
