"""POST /api/feedback: a 👍/👎 on a suggestion, appended to the feedback file."""

from __future__ import annotations

import sys

from fastapi import APIRouter, Depends

from recur.ingest import feedback as feedback_mod
from recur.retrieval import patterns as pat
from recur.serve.answers import FeedbackAnswer, ok
from recur.serve.bodies import FeedbackIn
from recur.serve.deps import JSONResponse, Settings, errors, get_engine, get_settings, only_query
from recur.serve.guard import ApiError
from recur.serve.security import rate_limited, require_write
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
def feedback(body: FeedbackIn, engine=Depends(get_engine), settings: Settings = Depends(get_settings)):
    """Record a 👍/👎 on a suggestion; `recur feedback export` turns 👍 into eval cases (404 `feedback_off`
    when the server takes no votes: `recur serve --no-feedback`; /healthz says `"feedback": false`). With a `voter`,
    one vote per voter, query and pattern: `status` says "recorded", "changed" (it replaced their other
    vote) or "already recorded" (the same vote again: nothing written, 200)."""
    refuse_unknown(engine, body.pattern)
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


def refuse_unknown(engine, pattern: str) -> None:
    """A 404 for a vote on a pattern the index does not have, worded as ``GET /api/patterns/{id}`` words it:
    a retired one said to be retired, a misspelt one with the ids it was probably meant to be (a vote on a
    retired pattern was "no pattern with id ... in the index", as for a typo; found in review)."""
    if pattern not in engine.docs:
        exc = pat.not_found(pattern, pat.retired(engine.manifest), engine.docs)
        raise ApiError(404, exc.code, str(exc))


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
