"""POST /api/feedback: a 👍/👎 on a suggestion, appended to the feedback file."""

from __future__ import annotations

import sys

from fastapi import APIRouter, Depends, Request

from recur.ingest import feedback as feedback_mod
from recur.retrieval import patterns as pat
from recur.serve.answers import FeedbackAnswer, ok
from recur.serve.bodies import FeedbackIn
from recur.serve.deps import JSONResponse, Settings, errors, get_engine, get_settings, only_query
from recur.serve.guard import ApiError
from recur.serve.security import rate_limited, require_write
from recur.serve.served_kb import ServedKB, incident_links, incident_said, indexed_incident, no_pattern_listed, read_kb
from recur.util.errors import RecurError
from recur.util.text import query_key


def votes_on(settings: Settings = Depends(get_settings)) -> None:
    """404 feedback_off when the server takes no votes (recur serve --no-feedback, or its default feedback log
    could not be made at start: a read-only deployment). Before the rate limit, the engine and the body's
    pattern: a vote that cannot be taken uses up no client's rate nor waits for the index to load."""
    refuse_when_off(settings)


def refuse_when_off(settings: Settings) -> None:
    """The one answer to a vote (the API's, a Slack button's) on a server that takes none; it names no path."""
    if settings.feedback_path is None:
        raise ApiError(404, "feedback_off", "votes are turned off on this server: nothing was recorded")


# the token is checked before the rate limit: a client without it cannot use up another's votes
router = APIRouter(tags=["feedback"], dependencies=[Depends(require_write), Depends(votes_on), Depends(rate_limited)])


@router.post(
    "/api/feedback",
    status_code=201,
    operation_id="feedback",
    responses={
        201: ok(FeedbackAnswer, 'The vote was written: `"status": "recorded"` or `"changed"`'),
        200: ok(FeedbackAnswer, 'The same voter\'s same vote again: nothing written, `"status": "already recorded"`'),
        **errors(400, 401, 404, 408, 413, 415, 422, 429, 503),
    },
    dependencies=[Depends(only_query())],
)
def feedback(
    body: FeedbackIn, request: Request, engine=Depends(get_engine), settings: Settings = Depends(get_settings)
):
    """Record a 👍/👎 on a suggestion; `recur feedback export` turns 👍 into eval cases (404 `feedback_off`
    when the server takes no votes: `recur serve --no-feedback`; /healthz says `"feedback": false`). With a `voter`,
    one vote per voter, query and pattern: `status` says "recorded", "changed" (it replaced their other
    vote) or "already recorded" (the same vote again: nothing written, 200). An incident's id given for the
    pattern is a 404 `pattern_not_found` saying it is an incident record and the pattern it links to vote on."""
    refuse_unknown(engine, body.pattern, getattr(request.app.state, "served_kb", None))
    key = api_vote_key(body.voter, body.query, body.pattern) if body.voter is not None else None
    outcome = record_vote(settings, engine, body.query, body.pattern, body.useful, key=key)
    return JSONResponse(
        {"status": outcome, "pattern": body.pattern, "useful": body.useful},
        status_code=200 if outcome == "already recorded" else 201,
    )


def api_vote_key(voter: str, query: str, pattern: str) -> str:
    """One API voter's vote on one query and pattern, as feedback.record_once keys it (Slack's is
    slack.vote_keys'). Without it a responder who voted 👎 and then, on a second look, 👍 on the same
    answer was two voters, a tie (found in review). The query as the export groups it (query_key), and
    hashed (feedback.hashed_key): the feedback file keeps no client's id."""
    return feedback_mod.hashed_key("api", [voter, query_key(query), pattern])


def refuse_unknown(engine, pattern: str, kbs: ServedKB | None = None, *, records: bool = True) -> None:
    """A 404 for a vote on a pattern the index does not have, worded as ``GET /api/patterns/{id}`` words it:
    a retired one said to be retired, a misspelt one with the ids it was probably meant to be (a vote on a
    retired pattern was "no pattern with id ... in the index", as for a typo; found in review), an onboarding
    path's id as one. An incident's id (`INC-2026-0001`, a team's own `PAY-482`, in any letter case: the board and
    `recur report` list incidents by id) is said to be an incident record, with the pattern it links to vote on, in
    MCP's words (served_kb.incident_said); it was "no pattern with id 'INC-2026-0001'" (found in review). The KB is
    ``kbs``'s (the server's, kept between calls), else read now: only for such an id. Not ``records``: the KB's
    files are not looked in (a Slack button's pattern, checked on the event loop, is one its reply named)."""
    if pattern not in engine.docs:
        kb_dir = engine.kb_dir if records else None
        exc = pat.not_found(pattern, pat.retired(engine.manifest), engine.docs, kb_dir=kb_dir)
        said = _incident_vote(engine, exc, kbs) if exc.incident_id is not None else None
        if said is None and exc.unknown:  # no file of that id: an index-only server's, or one since removed
            said = _indexed_incident_vote(engine.docs, pattern)
        raise ApiError(404, exc.code, said or str(exc))


def _incident_vote(engine, exc: pat.PatternNotFound, kbs: ServedKB | None) -> str | None:
    """What a vote naming an incident's id is told (refuse_unknown): the record, what it links and which to vote on;
    None when the KB cannot be read or the read has no such record (PatternNotFound's own words then)."""
    try:
        kb = kbs.kb(engine) if kbs is not None else read_kb(engine.kb_dir)
    except RecurError:
        return None
    told = incident_links(kb, exc.incident_file)
    if told is None:
        return None
    none = no_pattern_listed(told)
    if none is None:
        how = _vote_names(told)
    else:
        how = f"{none}, so there is no pattern to vote on"
    return incident_said(told, exc.incident_file, f"{how}; `recur show {told.iid}` prints it")


def _indexed_incident_vote(docs: dict, pattern: str) -> str | None:
    """What a vote naming an incident's id that no KB file has is told when the index lists the incident under its
    patterns (served_kb.indexed_incident): an index-only server's vote, as _incident_vote's words; else None."""
    told = indexed_incident(docs, pattern)
    if told is None:
        return None
    how = f"{_vote_names(told)}; `recur show {told.iid}` prints it where the KB is"
    return incident_said(told, "listed in the index", how)


def _vote_names(told) -> str:
    """What an incident's id in a vote is told to name instead (_incident_vote, _indexed_incident_vote): the
    patterns the incident links, each as the vote's "pattern" key."""
    names = " or ".join(f'"pattern": "{pid}"' for pid in told.listers)
    return f"it links {told.links}: a vote names the pattern, {names}"


def record_vote(
    settings: Settings,
    engine,
    query: str,
    pattern: str,
    useful: bool,
    query_cut: bool = False,
    key: str | None = None,
    earlier_key: str | None = None,
) -> str:
    """Append one vote (the API's and Slack's). A write that fails is the server's disk, not the
    client's request: a 503 (the vote was not taken) and a warning in the server's log, since the
    operator, not the voter, can fix it and lost votes must not go unnoticed; ``settings`` says where votes
    go (its feedback_path) and keeps the failure for /healthz and /metrics (its feedback_health). ``key``:
    one voter's vote on one result (Slack's), recorded at most once (feedback.record_once); ``earlier_key``: the
    key an earlier version gave the same vote (Slack's, by message), read when ``key`` has none. Returns
    "recorded", "changed" (the key's earlier vote said the opposite) or "already recorded" (it said the
    same: nothing written)."""
    refuse_when_off(settings)  # Slack's buttons come here without the API route's dependency
    path, health = settings.feedback_path, settings.feedback_health
    try:
        # query_cut: only the start of the query (a Slack button's): not an eval case
        extra = {"build_id": engine.manifest.get("build_id"), **({"query_cut": True} if query_cut else {})}
        if key is None:
            feedback_mod.record(path, query, pattern, useful, **extra)
            health.written()
            return "recorded"
        written, before = feedback_mod.record_once(path, query, pattern, useful, key, earlier_key, **extra)
    except RecurError as exc:
        print(f"warning: {exc}", file=sys.stderr)  # the file and why: for the operator, in the server's log
        # /healthz is open to anyone: the reason without the server's path to the file
        health.failed(str(exc).replace(str(path), "the feedback file"))
        # not the server's paths to an anonymous client (found in review): what happened, and where to look
        message = "the vote was not recorded: the server cannot write its feedback file (the reason is in its log)"
        raise ApiError(503, "feedback_unavailable", message) from None
    health.written()
    return "already recorded" if written is None else "recorded" if before is None else "changed"
