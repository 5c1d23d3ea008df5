"""Dates as Recur reads them: ISO dates in KB files, and dates typed on the command line."""

from __future__ import annotations

import datetime as dt

from recur.util.errors import RecurError


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


def given_date(value, what: str) -> dt.date:
    """A date a person gave (an option, an environment variable): YYYY-MM-DD, else a clear
    error naming ``what``; no value means today."""
    if value is None or value == "":
        return dt.date.today()
    if isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise RecurError(f"{what}: {value!r} is not a date (YYYY-MM-DD)") from None
