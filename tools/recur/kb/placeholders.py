"""The placeholder lines Recur writes for an author to replace, and the command that writes each.

``recur check`` warns about a section, step or ``why`` that still holds one of these exact
texts (so ``--strict`` fails until it is filled in); a line of the team's own that merely
starts with "TODO" (an action item copied from a postmortem) is content, not a placeholder.
"""

from __future__ import annotations

WORD = "TODO"  # how every placeholder starts, and what the warnings call it

# recur new pattern
PATTERN_SUMMARY = "TODO: what goes wrong and why it matters, in one paragraph."
PATTERN_STEP = "TODO: the first thing to do, as a command, a query or the dashboard to open."
PATTERN_EVIDENCE = "TODO: what to capture before restoring service (restoring destroys it)."
PATTERN_CAUSE = "TODO: the mechanism: why this happens."
# recur new incident
INCIDENT_SUMMARY = "TODO: what happened, the impact, and how it was restored."
# `recur suggest`'s command recording the incident, titled by a paste with no line to title it by (a Slack
# thread, a table): for the responder to replace; `recur incident new` and record_incident refuse it as a title
RECORD_TITLE = "<what happened>"
# recur new path
PATH_WHY = "TODO: one sentence on why a newcomer needs this one"
# recur import: a draft pattern whose postmortem had no resolution steps
IMPORT_STEP = "TODO: write the first concrete step a responder should take (a command, a query, a dashboard)."

WRITTEN_BY = {
    PATTERN_SUMMARY: "recur new",
    PATTERN_STEP: "recur new",
    PATTERN_EVIDENCE: "recur new",
    PATTERN_CAUSE: "recur new",
    INCIDENT_SUMMARY: "recur new",
    PATH_WHY: "recur new",
    IMPORT_STEP: "recur import",
    # the timeline lines `recur new incident` wrote before it wrote an HTML comment there
    "TODO: HH:MM first signal": "recur new",
    "TODO: HH:MM mitigated": "recur new",
}


def placeholder_in(text: str | None) -> str | None:
    """The command whose placeholder ``text`` still holds (e.g. "recur new"), or None."""
    if not text or WORD not in text:
        return None
    return next((cmd for line, cmd in WRITTEN_BY.items() if line in text), None)


# a word or mark alone that holds a place for text still to write: a section, a step or a why that is only one
# of these passed --strict (an active pattern's Summary "TODO", a step "TODO", Root cause "TBD"; found by a
# pattern author), where "Check the logs." is warned of. Case aside, a trailing ".", ":" or "!" aside.
BARE = frozenset({"todo", "tbd", "tbc", "n/a", "na", "fixme", "xxx", "...", "…", "-", "--", "—", "–", "?", "??", "???"})


def bare_placeholder(text: str | None) -> str | None:
    """``text`` stripped when it is only a placeholder word or mark (``BARE``: "TODO", "TBD.", "N/A", "..."), else None."""
    shown = " ".join((text or "").split())
    if not shown or len(shown) > 8:
        return None
    word = shown.casefold()
    if word not in BARE:
        word = word.rstrip(".:!")
    return shown if word in BARE else None
