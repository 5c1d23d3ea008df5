"""GET /api/report: the problem board (open fixes, overdue reviews, what keeps recurring) as `recur report --format
json` prints it, one result object for both (problems.query.report_json), for a problem manager's dashboard or
script; MCP's problem_report gives the same board to an assistant, paged.

The board is made from the KB's records (incidents, their reviews, follow-ups and flags), not from the index: the
route reads the KB the server serves, kept between requests and read again once the server's look at its files
(every few seconds, /healthz's ``stale``) finds them changed (served_kb.ServedKB, the one /mcp's tools read); the board
made for a request is kept, as sent, for that KB and the same parameters and day (served_kb.Boards). A server with
no KB folder to read (an index-only deployment) answers 503 ``kb_unavailable`` saying so.

It needs no engine: the KB folder is the one the server was started with (create_app's ``kb_dir``, `recur serve
--kb`), known before the model loads. Through the engine, the board answered 503 ``not_ready`` for the ~10 s of
every restart's load (minutes behind a first index build) and ``engine_failed`` for good after a failed load
(found in review): a problem manager's dashboard was down with the search.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BeforeValidator, Field

from recur import config
from recur.problems.board import TREND_MONTHS, TREND_MONTHS_MOST
from recur.problems.query import MOST_WINDOWS
from recur.serve.answers import ok
from recur.serve.deps import JSONResponse, errors, get_engine, only_query
from recur.serve.guard import ApiError
from recur.serve.report_answer import ReportAnswer
from recur.serve.security import require_read
from recur.util.errors import RecurError

router = APIRouter(tags=["report"], dependencies=[Depends(require_read)])

ASKED = ("as_of", "since", "owner", "window", "months")
ETAG = {"type": "string"}


def _checked(name: str, check):
    """A parameter's value read by ``check(value, name)`` (problems.query's and util.dates' rules, which `recur
    report` reads its options by) before FastAPI's own checks, so that each refusal is said in those words, named
    by the parameter, whatever went wrong: pydantic's "Input should be a valid integer" of ``months=`` sat beside
    "as_of: must not be empty" (found in review). The schema's ``format``, ``minimum``, ``maximum`` and ``maxItems``
    stay FastAPI's, published as the refusals here enforce them (tests/test_serve_report.py checks the two agree)."""

    def read(value):
        if value is None:
            return None
        try:
            return check(value, name)
        except RecurError as exc:
            raise ValueError(str(exc).removeprefix(f"{name}: ")) from None

    return BeforeValidator(read)


def _date_given(left_out: str):
    """A date parameter: YYYY-MM-DD (spaces around it aside), "" refused as `recur report --as-of ''` refuses it."""

    def check(value: str, name: str) -> dt.date:
        from recur.util.dates import given_date

        if not value.strip():  # a script's unset variable: not "today" nor "no since list"
            raise RecurError(f"{name}: '' is not a date (YYYY-MM-DD); leave {name} out{left_out}")
        return given_date(value.strip(), name)

    return check


def _owner_given(value: str, name: str) -> str:
    from recur.kb.records import owner_key

    if not owner_key(value):  # "", " ", " @ ": `recur report --owner`'s refusal (problems.owner.for_owner)
        raise RecurError(f"{name}: give an owner's name (or '(unowned)')")
    return value


def _windows_given(values, name: str) -> list[int]:
    from recur.problems.query import given_window

    values = values if isinstance(values, list) else [values]
    if len(values) > MOST_WINDOWS:  # as given, a window named twice counted twice: what maxItems says
        raise RecurError(f"{name}: at most {MOST_WINDOWS} windows, not {len(values)}")
    return [given_window(v, name) for v in values]


def _months_given(value, name: str) -> int:
    from recur.problems.query import given_months

    return given_months(value, name)


@router.get(
    "/api/report",
    operation_id="problemReport",
    responses={
        200: {
            **ok(ReportAnswer, "The board `recur report --format json` prints"),
            "headers": {"ETag": {"description": "The board's bytes' digest, for If-None-Match.", "schema": ETAG}},
        },
        304: {
            "description": "Not modified: If-None-Match names the board's ETag; no body",
            "headers": {"ETag": {"schema": ETAG}},
        },
        **errors(401, 422, 503),
    },
    dependencies=[Depends(only_query(*ASKED, repeatable=("window",)))],
)
def problem_report(  # long: five parameters, each with its schema and description; the body is ~15 lines
    as_of: Annotated[
        dt.date | None,
        _checked("as_of", _date_given(" for today")),
        Query(description="The board's date, YYYY-MM-DD (left out: today, the server's)."),
    ] = None,
    since: Annotated[
        dt.date | None,
        _checked("since", _date_given("")),
        Query(
            description="The day of the last review, YYYY-MM-DD, on or before the board's date: `since` lists what "
            "came after it (`recur report --since`)."
        ),
    ] = None,
    owner: Annotated[
        Annotated[str, Field(min_length=1)] | None,
        _checked("owner", _owner_given),
        Query(
            description="Only what this owner owns, by `recur report --owner`'s rule (`filtered` says so; "
            "'(unowned)': what no one owns)."
        ),
    ] = None,
    window: Annotated[
        Annotated[list[Annotated[int, Field(ge=1)]], Field(max_length=MOST_WINDOWS)] | None,
        _checked("window", _windows_given),
        Query(
            description=f"Days of a recurring list to add to 30 and 90, as `recur report --window` (repeatable, up "
            f'to {MOST_WINDOWS} times: ?window=180&window=365): `recurring["365"]`.'
        ),
    ] = None,
    months: Annotated[
        Annotated[int, Field(ge=1, le=TREND_MONTHS_MOST)],
        _checked("months", _months_given),
        Query(
            description=f"The monthly trend over the last N months, the board's month the last, as `recur report "
            f"--months` (1 to {TREND_MONTHS_MOST}): `trends.months`."
        ),
    ] = TREND_MONTHS,
    *,
    request: Request,
):
    """The problem-management board as `recur report --format json` prints it for the same date and filters, the KB
    as it is now: reviews pending and overdue, open follow-ups and permanent fixes by owner, incidents with no known
    pattern, open flags, the most recurring patterns, recurrence after a fix, monthly trends. A refused value (a
    date that is no date, an empty parameter, a `since` after the board's date, a blank owner, a window under 1 day
    or more than 10 windows, months out of its range) is a 422 naming the parameter in `recur report`'s words; a
    server with no knowledge base folder (an index-only deployment) a 503 `kb_unavailable`. It needs no model nor
    index: it answers while the model loads (no `not_ready`) and after a load that failed."""
    from recur.problems.query import OwnerRefused, check_since

    windows = tuple(dict.fromkeys(window or []))  # each once, in the order given
    day = as_of or config.today()
    try:
        since_day = check_since(since, day, "since")
    except RecurError as exc:
        raise ApiError(422, "invalid_request", str(exc)) from None
    kb = _served_kb(request)
    try:
        body, etag = _board_body(request.app.state.report_boards, kb, day, owner, windows, since_day, months)
    except OwnerRefused as exc:
        raise ApiError(422, "invalid_request", f"owner: {exc}") from None
    return _sent(request, body, etag)


def _sent(request: Request, body: bytes, etag: str) -> Response:
    """The board with its ``ETag``; a 304 with no body to an ``If-None-Match`` naming it (a dashboard polling a
    board of a MB that has not changed), whose ETag and Vary are those of the 200 it stands for, weak when gzip
    would have sent that (guard.Compressed, as for a site file's 304). Compared weakly, every If-None-Match line
    read, as the site's files are (RFC 9110 section 13.1.2)."""
    from recur.serve.guard import NOT_MODIFIED_OF

    headers = {"etag": etag}
    tags = [tag.strip() for line in request.headers.getlist("if-none-match") for tag in line.split(",")]
    if "*" in tags or etag in (tag.removeprefix("W/") for tag in tags):
        the_200 = Response(body, media_type="application/json", headers=headers)
        request.scope[NOT_MODIFIED_OF] = the_200.raw_headers
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


def _board_body(boards, kb, day, owner, windows: tuple, since, months: int) -> tuple[bytes, str]:
    """The board's JSON as sent, kept for the same KB, parameters and clock's day (served_kb.Boards; dated_after and
    retired_undated read the clock's), made of the board kept for them, which MCP's problem_report pages too
    (Boards.board: built once for both), narrowed to ``owner``'s items (report_json); and its ETag."""
    from recur.problems.board import report_board
    from recur.problems.query import report_json

    key = (day, config.today(), owner, windows, since, months)

    def made() -> bytes:
        built = boards.board(
            kb, key, lambda: report_board(kb, day, owner=owner, windows=windows, since=since, months=months)
        )
        return JSONResponse(
            report_json(kb, day, owner=owner, windows=windows, since=since, months=months, built=built)
        ).body

    return boards.body(kb, key, made)


def _served_kb(request: Request):
    """The KB the server serves, as its files are now (served_kb.ServedKB): at the folder the server was started
    with, or the loaded engine's (an app built over an engine alone: 503 ``not_ready`` while it loads); 503
    ``kb_unavailable`` when there is none to read, saying why without the server's paths (recur.serve.public: the
    route may be open to anyone)."""
    from recur.retrieval.patterns import LookupFailure
    from recur.serve.public import public, server_folders

    holder = request.app.state.holder
    kb_dir = request.app.state.kb_dir
    if kb_dir is None:
        kb_dir = get_engine(request).kb_dir
    if kb_dir is None or not Path(kb_dir).is_dir():
        raise ApiError(
            503,
            "kb_unavailable",
            "this server has no knowledge base folder to read (an index-only deployment, or its --kb folder was "
            "moved or removed): the board is made from the incident records, which the index does not hold; serve "
            "it with --kb at the knowledge base's folder, or run recur report --json where the knowledge base is",
        )
    try:
        return request.app.state.served_kb.at(kb_dir)
    except LookupFailure as exc:  # a KB the server cannot read: a recur.yml of a newer format, say
        folders = holder.folders() if holder.engine is not None else server_folders(None, kb_dir, holder.site_dir)
        said = public(str(exc), folders)
        raise ApiError(503, "kb_unavailable", f"the server cannot read its knowledge base: {said}") from None
