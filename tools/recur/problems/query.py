"""The board as a problem manager asks for it: the one call behind `recur report --format json`, `GET /api/report`
and (its ``since``) MCP's problem_report.

Each surface reads its own arguments (click's options, the query string, a tool call's) and names them its own way
(``--since``, ``since``); what the arguments mean, and when one is refused, is said here once: the API route would
otherwise have been a third copy of the command's checks, each free to drift from the others.
"""

from __future__ import annotations

import datetime as dt

from recur.problems.board import TREND_MONTHS, TREND_MONTHS_MOST, Board, report_board
from recur.util.errors import RecurError

MOST_WINDOWS = 10  # recurring lists one GET /api/report may add: each is a ranking of the KB's incidents


class OwnerRefused(RecurError):
    """The owner asked for is no name (blank once spelling is set aside: ``" @ "``): ``problems.owner.for_owner``'s
    refusal, apart from any other error, so each surface names its own argument (``--owner``, ``owner``)."""


def since_after(since: dt.date, as_of: dt.date) -> str | None:
    """Why ``since`` (the day of the last review) is refused for a board as of ``as_of``, or None when it is not:
    a day after the board's. `recur report --since 2027-06-01` said "Since 2027-06-01: 0 incidents", a quiet week
    whatever the KB held (a typo in the year). The board's own day is fine: nothing since."""
    if since <= as_of:
        return None
    return (
        f"{since.isoformat()} is after the report's date ({as_of.isoformat()}): give the day of the last review, "
        "on or before it"
    )


def check_since(since: dt.date | None, as_of: dt.date, what: str) -> dt.date | None:
    """``since`` when a board as of ``as_of`` takes it (None: not asked), else a RecurError naming ``what`` (the
    surface's name of the argument: ``since``) with ``since_after``'s reason."""
    if since is None:
        return None
    refused = since_after(since, as_of)
    if refused:
        raise RecurError(f"{what}: {refused}")
    return since


def given_months(text: str, what: str) -> int:
    """``--months`` / ``months`` as given: a whole number of months from 1 to TREND_MONTHS_MOST, else a RecurError
    naming ``what`` in the words the CLI and GET /api/report both say. They said it three ways: click's
    "'' is not a valid integer range", pydantic's "Input should be a valid integer, unable to parse string as an
    integer" and, for an empty date beside it, "must not be empty" (found in review)."""
    return _whole(text, what, f"a number of months from 1 to {TREND_MONTHS_MOST}", f" for {TREND_MONTHS}", 1,
                  TREND_MONTHS_MOST)  # fmt: skip


def given_window(text: str, what: str) -> int:
    """One ``--window`` / ``window`` as given: a whole number of days, 1 or more (``given_months``' words)."""
    return _whole(text, what, "a number of days, 1 or more", "", 1, None)


def _whole(text: str, what: str, wanted: str, left_out: str, least: int, most: int | None) -> int:
    shown = str(text).strip()
    if not shown:  # a script's unset variable: not the default, said as an empty date is (cli.options._date)
        raise RecurError(f"{what}: '' is not {wanted}; leave {what} out{left_out}")
    if not shown.isascii() or not shown.isdigit():  # int() also reads "1_0", "+5" and other scripts' digits
        raise RecurError(f"{what}: {shown!r} is not {wanted}")
    n = int(shown)
    if n < least or (most is not None and n > most):
        raise RecurError(f"{what}: {n} is not {wanted}")
    return n


def report_json(
    kb,
    as_of: dt.date,
    *,
    owner: str | None = None,
    windows: tuple = (),
    since: dt.date | None = None,
    uncounted: tuple | None = None,
    months: int = TREND_MONTHS,
    built: Board | None = None,
) -> Board:
    """The board `recur report --format json` prints and `GET /api/report` answers: ``report_board`` as of
    ``as_of`` (its recurring lists ranked for ``owner``, ``windows`` added to 30 and 90 days, ``since`` the day of
    the last review, which the caller checks with ``check_since``, naming its argument; ``uncounted``, ``months``:
    ``report_board``'s), narrowed to ``owner``'s items (``narrowed``) when one is given. ``built``: that
    ``report_board`` board, when the caller kept it (`recur serve`'s, shared with MCP's problem_report): not made
    again, nor changed."""
    b = (
        built
        if built is not None
        else report_board(kb, as_of, uncounted, owner=owner, windows=windows, since=since, months=months)
    )
    return b if owner is None else narrowed(b, owner)


def narrowed(b: Board, owner: str) -> Board:
    """``b`` (``report_board``'s, built for ``owner``) narrowed to what ``owner`` owns by ``for_owner``, the one rule
    of `recur report --owner`, GET /api/report's ``owner`` and MCP's problem_report ``owner``; ``OwnerRefused`` for a
    blank name. `recur report` keeps ``b`` whole beside it, to name the board's owners when the name owns nothing."""
    from recur.problems.owner import for_owner

    try:
        return for_owner(b, owner)
    except RecurError as exc:
        raise OwnerRefused(str(exc)) from None
