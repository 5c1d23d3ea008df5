"""Dates as Recur reads them: ISO dates in KB files, and dates typed on the command line.

Every date Recur accepts, in a KB file or on the command line, lies between ``EARLIEST`` and
``LATEST`` (1970-01-01 to 2999-12-31; docs/kb-format.md). Date arithmetic goes through
``shift``, which never raises: it stops at the ends of Python's calendar instead.
"""

from __future__ import annotations

import datetime as dt
import re

from recur.util.errors import RecurError

EARLIEST = dt.date(1970, 1, 1)
LATEST = dt.date(2999, 12, 31)
RANGE = f"{EARLIEST.isoformat()} to {LATEST.isoformat()}"
DATE_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_date(value) -> dt.date | None:
    """A date from a date, a datetime, 'YYYY-MM-DD' or an ISO timestamp; None if it is none of them."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def in_range(day: dt.date) -> bool:
    """Whether ``day`` is a date Recur accepts (``EARLIEST`` to ``LATEST``)."""
    return EARLIEST <= day <= LATEST


def out_of_range(day: dt.date) -> str:
    """The message for a date outside ``EARLIEST``..``LATEST``."""
    return f"{day.isoformat()} is outside the dates Recur accepts ({RANGE})"


def require_in_range(day: dt.date, what: str) -> dt.date:
    """``day``, or a RecurError naming ``what`` (a flag, a field) when Recur does not accept it."""
    if not in_range(day):
        raise RecurError(f"{what}: {out_of_range(day)}")
    return day


def shift(day: dt.date, days: int) -> dt.date:
    """``day`` moved by ``days`` (either sign), stopping at date.min / date.max instead of raising
    OverflowError, whatever the dates and the number of days."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:  # past year 1 or 9999, or more days than a timedelta holds
        return dt.date.max if days > 0 else dt.date.min


def given_date(value, what: str) -> dt.date:
    """A date a person gave (an option, an environment variable): YYYY-MM-DD within
    ``EARLIEST``..``LATEST``, else a clear error naming ``what``; no value means today."""
    if value is None or value == "":
        return dt.date.today()
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        # the whole text, not its first ten characters: a typo such as 2026-04-015 is no date
        day = iso_date(str(value))
        if day is None and DATE_SHAPE.fullmatch(str(value).strip()):  # 2026-02-30, 2029-13-01
            raise RecurError(f"{what}: no such date: {str(value).strip()}")
        if day is None:
            raise RecurError(f"{what}: {value!r} is not a date (YYYY-MM-DD)")
    return require_in_range(day, what)


def duration_text(minutes: int) -> str:
    """A duration as people read it: "45 min", "1 h 30 min", "1 d 2 h". An incident page said "Impact:
    1560 minutes" (the record's unit), which a reader had to divide twice."""
    days, rest = divmod(max(int(minutes), 0), 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((days, "d"), (hours, "h"), (mins, "min")) if n]
    return " ".join(parts) or "0 min"
