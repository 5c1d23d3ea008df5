"""The published shape of GET /api/report's answer: the problem board, as `recur report --format json` prints it
(problems/board.py's module docstring says what each key counts; docs/problems.md what the report shows of it).

For /openapi.json only, as answers.py's models: the route sends the board as ``problems.query.report_json`` builds
it, never through these. tests/test_serve_answers.py checks real answers against them with every key declared, so
a key the board gains is published here too, or that test fails.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from recur.serve.answers import _sometimes

DATE = "An ISO date (YYYY-MM-DD)."
DATE_OR_NULL = "An ISO date (YYYY-MM-DD), or null."
INHERITED = "{retired id: how many of the incidents name it}, counted for the pattern that replaced it; {} for none."


class Counts(BaseModel):
    reviews_pending: int
    reviews_overdue: int
    follow_ups_open: int
    follow_ups_overdue: int
    follow_ups_no_due: int
    fixes_open: int
    fixes_overdue: int
    fixes_no_due: int
    unknown: int = Field(description="Incidents with no known pattern (needs analysis).")
    triage: int
    flags_open: int
    recurrence_after_fix: int = Field(description="Incidents after a permanent fix was done.")
    recurrence_after_fix_patterns: int = Field(description="How many patterns those incidents are of.")
    incidents_30: int
    incidents_90: int
    dated_after: int


class OtherDue(BaseModel):
    ticket: str
    due: str = Field(description=DATE)
    record: str = Field(description="The pattern or incident whose row sets that due date.")


class Review(BaseModel):
    incident: str
    title: str
    date: str = Field(description=DATE)
    severity: str
    level: str = Field(description="The review's level in severity.yml (full, light).")
    due: str | None = Field(description=DATE_OR_NULL)
    overdue: bool
    days_overdue: int
    path: str = Field(description="The incident record's file, relative to the knowledge base.")
    owner: str | None = Field(description="Who holds the review (its review.owner), or null.")
    default_owner: str | None = Field(
        description="With no `owner`: the owner of the pattern the incident counts for (when its patterns name one), "
        "shown as who to ask, not counted as the review's owner in `by_owner`; else null."
    )
    default_owner_pattern: str | None = Field(description="The pattern `default_owner` is read from, else null.")


class FollowUp(BaseModel):
    incident: str
    title: str
    owner: str | None
    due: str | None = Field(description=DATE_OR_NULL)
    ticket: str | None
    age_days: int = Field(description="Days since the incident.")
    overdue: bool
    days_overdue: int
    path: str
    other_dues: list[OtherDue] = Field(description="Other due dates its ticket has on this board; usually [].")


class FollowUpNoDue(BaseModel):
    incident: str
    title: str
    owner: str | None
    ticket: str | None
    age_days: int
    path: str


class Fix(BaseModel):
    pattern: str
    title: str
    category: str
    status: str = Field(description="open or in-progress on the board's date.")
    owner: str | None
    due: str | None = Field(description=DATE_OR_NULL)
    overdue: bool
    days_overdue: int
    tickets: list[str]
    incidents: int
    last_incident: str | None = Field(description=DATE_OR_NULL)
    age_days: int | None
    path: str
    incidents_inherited: dict[str, int] = Field(description=INHERITED)
    other_dues: list[OtherDue]


class FixNoDue(BaseModel):
    pattern: str
    title: str
    status: str
    owner: str | None
    tickets: list[str]
    incidents: int
    age_days: int | None
    path: str
    incidents_inherited: dict[str, int] = Field(description=INHERITED)


class OwnerCounts(BaseModel):
    follow_ups: int
    follow_ups_overdue: int
    fixes: int
    fixes_overdue: int
    reviews: int
    reviews_overdue: int


class Unknown(BaseModel):
    incident: str
    title: str
    date: str = Field(description=DATE)
    severity: str
    services: list[str]
    age_days: int
    path: str
    candidates: list[dict[str, Any]] = Field(
        description="The ranked patterns stored on the record for its reviewer ({id, rank, confidence, score, title, "
        "why}, as the record holds them); may be []."
    )
    drafts: list[str] = Field(description="Import drafts linked to it, not yet promoted; usually [].")


class Triage(BaseModel):
    incident: str
    title: str
    date: str = Field(description=DATE)
    severity: str
    fields: list[str] = Field(description="The fields `recur import` filled with a placeholder.")
    path: str


class Flag(BaseModel):
    incident: str
    text: str
    note: str | None
    date: str = Field(description=DATE)
    age_days: int
    severity: str
    path: str


class FixState(BaseModel):
    """A pattern's permanent fix on the board's date."""

    status: str
    owner: str | None
    due: str | None = Field(description=DATE_OR_NULL)
    done: str | None = Field(description="The day it was done (a done fix's), else null.")
    overdue: bool
    days_overdue: int


class Recurring(BaseModel):
    pattern: str
    title: str
    category: str | None
    count: int
    last: str = Field(description="The latest incident's date, ISO.")
    fix: FixState | None = Field(description="Its permanent fix, or null when it records none.")
    retired: bool
    superseded_by: list[str] = Field(description="Always [] now (kept for readers of the key).")
    incidents_inherited: dict[str, int] = Field(description=INHERITED)


class AfterFix(BaseModel):
    incident: str
    title: str
    pattern: str
    pattern_title: str
    fix_done: str = Field(description=DATE)
    incident_date: str = Field(description=DATE)
    days_after_fix: int
    fix_owner: str | None
    path: str = Field(description="The incident record's file.")
    fix_reopened: bool
    under: str | None = Field(description="The retired id the incident names, which `pattern` replaced; else null.")


class AfterFixByPattern(BaseModel):
    pattern: str
    pattern_title: str
    fix_done: str = Field(description=DATE)
    fix_reopened: bool
    fix_owner: str | None
    incidents: int
    incidents_30: int
    incidents_inherited: dict[str, int] = Field(description=INHERITED)
    first_date: str = Field(description=DATE)
    latest: str
    latest_date: str = Field(description=DATE)
    latest_title: str
    latest_days_after_fix: int
    path: str = Field(description="The newest incident record's file.")


class Quarter(BaseModel):
    quarter: str = Field(description="YYYY-QN.")
    incidents: int
    repeats: int
    needs_analysis: int


class Trends(BaseModel):
    months: list[str] = Field(description="YYYY-MM, oldest first, ending with the board's month.")
    total: list[int]
    by_category: dict[str, list[int]]
    by_service: dict[str, list[int]]
    quarters: list[Quarter]


class DatedAfter(BaseModel):
    incident: str
    title: str
    date: str = Field(description=DATE)
    days_ahead: int
    path: str


class NotCounted(BaseModel):
    """A file the board could not count (``left_out``) or a key it did not read (``unread``), as `recur check` says."""

    path: str = Field(description="The file, relative to the knowledge base.")
    line: int | None
    field: str | None
    message: str


class SinceRow(BaseModel):
    incident: str
    date: str = Field(description=DATE)
    title: str
    severity: str
    pattern: str | None = Field(description="The pattern it counts for; null: no known pattern.")
    under: str | None
    seen_before: int = Field(description="That pattern's incidents before this one (0: new).")
    fix: FixState | None
    retired: bool
    path: str


class Since(BaseModel):
    """What happened after the day of the last review (`since`), up to the board's date."""

    date: str = Field(description=DATE)
    incidents: int
    repeats: int
    needs_analysis: int
    rows: list[SinceRow] = Field(description="One per incident and pattern it counts for, newest first.")


class Filtered(BaseModel):
    owner: str = Field(description="The owner asked for, as given.")
    spellings: list[str] = Field(description="The owner's names as the items listed write them.")
    left_out: list[str] = Field(description="The lists of no one's items, emptied: unknown, triage, flags.")
    reviews_from_pattern: int = Field(
        description="Of the reviews listed, those that record no owner, listed for the owner of their pattern "
        "(`default_owner`); `by_owner` counts them as `(unowned)`'s, as their records have it."
    )


class ReportAnswer(BaseModel):
    """GET /api/report: the problem board `recur report --format json` prints, for the same date, filters and KB."""

    as_of: str = Field(description="The board's date, ISO.")
    counts: Counts
    reviews: list[Review]
    follow_ups: list[FollowUp]
    follow_ups_no_due: list[FollowUpNoDue]
    fixes: list[Fix]
    fixes_no_due: list[FixNoDue]
    by_owner: dict[str, OwnerCounts] = Field(description="By owner name; `(unowned)` last.")
    owner_aliases: dict[str, str] = Field(description="{handle: full name}: one owner, written either way.")
    unknown: list[Unknown] = Field(description="Incidents with no known pattern (needs analysis), newest first.")
    triage: list[Triage]
    flags: list[Flag]
    recurring: dict[str, list[Recurring]] = Field(
        description='Patterns of two or more incidents in the last N days, by N: "30", "90" and each `window` asked.'
    )
    recurring_more: dict[str, int]
    recurring_tied: dict[str, int]
    recurring_owner: str | None
    recurrence_after_fix: list[AfterFix]
    recurrence_after_fix_by_pattern: list[AfterFixByPattern]
    trends: Trends
    retired_undated: list[str] = Field(
        description="Retired patterns that record no day they were retired (`retired:`), which a board of a past "
        "day takes as retired on it, as they are today; usually []."
    )
    dated_after: list[DatedAfter]
    left_out: list[NotCounted] = Field(description="Files with errors, not counted (run: recur check).")
    unread: list[NotCounted] = Field(description="Keys that look like a misspelt one, whose items were not read.")
    since: Since = _sometimes("With `since`: what came after that day.")
    filtered: Filtered = _sometimes("With `owner`: the board narrowed to what that owner owns.")
