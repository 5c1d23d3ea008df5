"""The published shapes of the API's success answers: pydantic models for /openapi.json only.

The routes still build their answers as before (``Answer.to_json``, ``patterns.pattern_object``, the webhook's
``alert_entry``) and send them as ``deps.JSONResponse``: these models are named in each route's ``responses``, never
its ``response_model``, which would validate and serialise the answer again and could drop or change a key. Every
published answer had ``"schema": {}``, so a generated client's types were all ``unknown`` (found in an integration
review). tests/test_serve_answers.py checks real answers of every route against these schemas, every key of them
declared, so they cannot drift apart.

A key every answer carries is required (a field without a default); a key only some answers carry (``total`` of a
page, ``patterns`` of a brief webhook answer) is not, and has no default in the schema (``_sometimes``). The schemas
stay open (no ``additionalProperties: false``): a key added to an answer is no break for a client.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Confidence = Literal["high", "medium", "low"]


def _no_default(schema: dict) -> None:
    schema.pop("default", None)


def _sometimes(description: str):
    """A key only some answers carry: not in ``required``, and no default in the schema (its absence is no value)."""
    return Field(None, description=description, json_schema_extra=_no_default)


class WhyEntry(BaseModel):
    field: str = Field(description="What matched: signal, symptom, title, summary, incident, runbook_url, id, terms, …")
    text: str = Field(description="The text that matched (a signal as written, the link, the shared words).")
    score: float
    match: Literal["exact", "identifier", "words", "meaning", "link", "id"] = _sometimes(
        "How it matched: exact (a signal found whole in the text), identifier (one of a signal's identifiers found "
        "in it), words (most of a signal's words found in it), meaning (a view close in meaning), link (an alert's "
        "runbook link), id (the text names the pattern's id); the shared-words entry (`terms`) has none."
    )
    identifier: str = _sometimes("A signal matched by one of its identifiers: which one, as the signal writes it.")
    patterns: int = _sometimes("How many patterns list this signal, when more than one.")


class Distinguish(BaseModel):
    from_: str = Field(alias="from", description="The look-alike's id.")
    by: str = Field(description="What tells the two apart.")


class ResultLookAlike(BaseModel):
    id: str
    title: str
    by: str | None = Field(description="The declared signal that tells the two apart (`distinguish:`), or null.")
    similarity: float | None = _sometimes("As the pattern object's look-alike: when the index knows the pair.")
    co_incidents: int = _sometimes("Incidents that linked both, when the index knows the pair.")
    shared_signals: list[str] = Field(description="The signals both patterns declare.")


Rule = Literal["runbook_link", "id_pin", "verbatim", "code_first", "said_whole", "wordless"]  # search.RULES


class Scores(BaseModel):
    dense: float
    lexical: float
    signal: float


class PatternBody(BaseModel):
    """A result object without what belongs to the query: the pattern's part, as the webhook's ``patterns`` map
    gives it once per pattern (bodies.pattern_bodies)."""

    id: str
    title: str
    category: str
    severity: str
    severity_name: str | None = Field(description="The level's name in severity.yml (`Major`); null if unnamed.")
    status: str
    draft: bool
    import_draft: bool
    runbook: list[str]
    evidence: list[str]
    summary: str
    signals: list[str]
    path: str = Field(description="The pattern's file, relative to the knowledge base.")
    incidents: int = Field(description="How many incidents matched it (those dated up to today).")
    incidents_inherited: dict[str, int] = Field(
        description="How many of `incidents` are linked to a retired pattern this one replaced (superseded_by), "
        "by its id; {} for none."
    )
    related: list[str]
    distinguish: list[Distinguish]


class Result(PatternBody):
    """A result object (docs/architecture.md): `recur suggest --json`'s, /api/suggest's, each webhook alert's."""

    rank: int
    score: float
    confidence: Confidence
    probability: float | None = Field(
        ge=0, le=1, description="Calibrated probability that it is right; null on a KB of fewer than 30 patterns."
    )
    why: list[WhyEntry]
    scores: Scores
    rule: Rule | None = Field(
        description="The ranking rule that moved it up: an alert's runbook link, the pattern's id "
        "named, a specific signal found whole, a code of its signal, a symptom said whole, a signal in a question of "
        "no word the KB knows; its probability then the rule's where the rule raised it. Null: the fitted order."
    )
    look_alikes: list[ResultLookAlike]


class BriefResult(Result):
    """A result of a brief webhook answer (``?brief=true``): every key, the pattern's long fields cut; the body is
    in the answer's ``patterns``."""

    brief: Literal[True]


class Corrected(BaseModel):
    word: str = Field(description="A typed word …")
    read_as: str = Field(description="… read as this word of the knowledge base.")


class Stale(BaseModel):
    """The KB's files changed since the served index was built (/healthz's ``stale``), as /mcp's answers say it."""

    files: list[str] = Field(description="The changed files, relative to the KB folder (the first 20).")
    more: int = Field(description="Changed files past those named.")
    message: str = Field(description="What to say of it (MCP's wording): the answer may be out of date.")
    only_incidents: bool = Field(description="Only incident records changed: the patterns are current.")


STALE = "The KB changed since the served index was built (it answers until `recur index` runs); null when it did not."


class SuggestAnswer(BaseModel):
    """POST /api/suggest: the answer `recur suggest --json` prints (retrieval.results.Answer.to_json)."""

    query: str = Field(description="The text searched.")
    query_note: str | None = Field(description="What was left out of the text given; null when nothing was.")
    no_known_pattern: bool | None = Field(
        description="No result is likely enough to be right; null when nothing was searched (query_note says why)."
    )
    results: list[Result]
    likelier: Result | None = Field(description="A result `top` left out, rated more likely right than the first.")
    credible: int = Field(description="Results ranked for the verdict of medium or high confidence, shown or not.")
    corrected: list[Corrected]
    meant: list[str] = Field(description="The pattern id a typo of one is meant to be; [] for any other text.")
    about_no_failure: bool | None = Field(
        description='The text reads as about no failure at all, a question ("how do I get VPN access"): no known '
        "pattern, every result rated tiny and none found in the text. Recur knows failure patterns only: the "
        'terminal, the site\'s box, Slack and MCP say so, before "If it is an incident, record it". null when '
        "nothing was searched."
    )
    stale: Stale | None = Field(description=STALE)


class WebhookAlert(BaseModel):
    """One alert of a webhook answer (bodies.alert_entry)."""

    alertname: str | None
    status: str
    resolved: bool
    heartbeat: bool
    fingerprint: str | None
    labels: dict[str, str]
    query: str
    query_note: str | None
    no_known_pattern: bool | None = Field(
        description="null for an alert not searched (resolved, a heartbeat) or with nothing to search (query_note says so)."
    )
    results: list[Result | BriefResult]
    likelier: Result | BriefResult | None
    credible: int | None = Field(description="null for an alert not searched.")
    corrected: list[Corrected]
    datasource_problem: Literal["no_data", "error"] | None
    note: str | None


class WebhookAnswer(BaseModel):
    """POST /api/alertmanager."""

    status: str
    groupKey: str | None
    source: Literal["alertmanager", "grafana"]
    no_known_pattern: bool = Field(description="No firing alert of the group matches a known pattern.")
    alerts: list[WebhookAlert]
    skipped: int = Field(description="Alerts past the first 100, not answered.")
    truncated_by_alertmanager: int = Field(description="The payload's truncatedAlerts (Alertmanager's max_alerts).")
    top: int = Field(description="Results per alert at most.")
    patterns: dict[str, PatternBody] = _sometimes("With ?brief=true: each suggested pattern's body, once.")
    stale: Stale | None = Field(description=STALE)


class PatternBrief(BaseModel):
    id: str
    title: str
    category: str
    severity: str
    status: str
    summary: str
    path: str


class PatternList(BaseModel):
    """GET /api/patterns: every pattern the filters keep, or with ``limit`` or ``cursor`` a page of them."""

    patterns: list[PatternBrief]
    total: int = _sometimes("A page's: how many patterns the filters keep.")
    next_cursor: str | None = _sometimes("A page's: the next page's cursor, for ?cursor= (null on the last).")
    severity_note: str = _sometimes("How a `severity` given as a priority or a level's name was read.")
    stale: Stale | None = Field(description=STALE + " Null too when incident records alone changed.")


class Fix(BaseModel):
    status: str
    owner: str | None
    due: str | None = Field(description="An ISO date, or null.")
    done: str | None = Field(description="An ISO date, or null.")
    tickets: list[str]


class IncidentRef(BaseModel):
    id: str
    date: str = Field(description="An ISO date.")
    title: str
    under: str = _sometimes("The retired pattern it is linked to, which this one replaced (superseded_by).")


class PatternLookAlike(BaseModel):
    id: str
    title: str
    similarity: float | None
    co_incidents: int
    by: str | None
    shared_signals: list[str] = _sometimes("The signals both declare (an index built before they were recorded).")


class PatternObject(BaseModel):
    """GET /api/patterns/{id}: the pattern object (docs/architecture.md), as MCP's get_pattern gives it."""

    id: str
    title: str
    category: str
    severity: str
    severity_name: str | None
    status: str
    import_draft: bool
    symptoms: list[str]
    signals: list[str]
    tags: list[str]
    services: list[str]
    owner: str | None
    fix: Fix | None
    related: list[str]
    distinguish: list[Distinguish]
    summary: str
    runbook: list[str]
    evidence: list[str]
    path: str
    root_cause: str
    detection: str
    permanent_fix: str
    references: str = Field(description="Markdown.")
    sections: dict[str, str] = Field(description="The author's own sections, heading: Markdown, in file order.")
    incidents: list[IncidentRef]
    look_alikes: list[PatternLookAlike] = _sometimes("Its look-alikes, as the index last found them.")
    look_alikes_note: str = _sometimes(
        "While the model loads (or after a failed load): only the look-alikes the same incidents link are listed."
    )
    stale: Stale | None = Field(description=STALE)


class FeedbackAnswer(BaseModel):
    status: Literal["recorded", "changed", "already recorded"]
    pattern: str = Field(description="The pattern's own id.")
    useful: bool


class Health(BaseModel):
    """GET /healthz once the index is loaded and the model warm."""

    status: Literal["ok"]
    patterns: int
    model: str | None
    build_id: str | None
    built: str | None
    reloads: int
    reload_error: str | None
    stale: str | None
    left_out: list[str]
    site: bool
    site_stale: str | None
    feedback: bool
    feedback_error: str | None
    feedback_failed_at: str | None
    feedback_failures: int
    feedback_space_low: str | None


def ok(model: type[BaseModel], description: str) -> dict:
    """A route's ``responses`` entry for a success answer of ``model``'s shape."""
    return {"model": model, "description": description}
