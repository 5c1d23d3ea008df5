"""Dates as Recur reads them: ISO dates in KB files, and dates typed on the command line.

Every date Recur accepts, in a KB file or on the command line, lies between ``EARLIEST`` and
``LATEST`` (1970-01-01 to 2999-12-31; docs/kb-format.md). Date arithmetic goes through
``shift``, which never raises: it stops at the ends of Python's calendar instead.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
import zoneinfo

from recur.util.errors import RecurError

EARLIEST = dt.date(1970, 1, 1)
LATEST = dt.date(2999, 12, 31)
RANGE = f"{EARLIEST.isoformat()} to {LATEST.isoformat()}"
DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits: ２０２６-06-01 is no date, not "no such date"
# The month names as written in dates ("Dec", "Dec.", "December", "Sept"), January first, each month's
# three-letter abbreviation first: the one list that the postmortem date readers (recur.ingest.pm_text,
# action_items) and the log reader's syslog stamps ("Dec 19 10:02:41", recur.retrieval.query) read them by
MONTH_NAMES = (
    ("jan", "january"),
    ("feb", "february"),
    ("mar", "march"),
    ("apr", "april"),
    ("may",),
    ("jun", "june"),
    ("jul", "july"),
    ("aug", "august"),
    ("sep", "sept", "september"),
    ("oct", "october"),
    ("nov", "november"),
    ("dec", "december"),
)


def day_month(day: dt.date, year: bool = True) -> str:
    """``day`` as a note says it, "1 March 2026" ("1 March" without ``year``): strftime's "%-d" (a day without its
    leading zero) is glibc's, refused by Windows' C library and not in musl's; and "%B" follows the process's
    LC_TIME, where a note's words are English. Said the same as "%-d %B %Y" under Recur's C locale."""
    month = MONTH_NAMES[day.month - 1][-1].capitalize()
    return f"{day.day} {month} {day.year}" if year else f"{day.day} {month}"


def iso_date(value) -> dt.date | None:
    """A date from a date, a datetime, 'YYYY-MM-DD' or an ISO timestamp; None if it is none of them.
    A timestamp with an offset (or ``Z``) is the date on the clock "today" is read with (``local_date``)."""
    if isinstance(value, dt.datetime):
        return local_date(value)
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
        return local_date(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return None


def slash_readings(a: str, b: str, year: str) -> list[dt.date]:
    """The dates day/month/year and month/day/year readings of "a/b/year" make (one, two or none)."""
    out = []
    for day, month in ((a, b), (b, a)):
        with contextlib.suppress(ValueError):  # 31/03 read month-first is no date
            out.append(dt.date(int(year), int(month), int(day)))
    return sorted(set(out))


# a date as people write it outside ISO: 12/19/2026 or 19/12/2026, 19.12.2026, 2026/12/19, 2026-1-5
_WRITTEN = (
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), "slash"),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), "dmy"),
    (re.compile(r"^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})$"), "ymd"),
)


# a date with its month named: "Dec 5 2026", "December 5, 2026", "5 Dec 2026", "5th of December 2026"
_NAMED = (
    (re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$", re.IGNORECASE), "mdy"),
    (re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+([a-z]+)\.?,?\s+(\d{4})$", re.IGNORECASE), "dmy"),
)


def month_number(name: str) -> int | None:
    """1 to 12 for a month's name as written ("Dec", "december", "Sept"), None for any other word."""
    return next((n for n, names in enumerate(MONTH_NAMES, 1) if name.lower() in names), None)


def iso_hint(value) -> str:
    """The ISO form of a date written another way, as a message's end ("; write it as 2026-12-19"), both
    when the day and month could be either way round (03/04/2026), or "" when ``value`` is no such date.
    A year first with no such month or day (2026-13-05) names the order, as a month's name does (Dec 5
    2026): both had no hint, and an author did not see why (found by a new pattern author)."""
    text = str(value).strip() if isinstance(value, str) else ""
    for rx, form in _NAMED:
        m = rx.match(text)
        month = m and month_number(m.group(1 if form == "mdy" else 2))
        if month:
            day = m.group(2 if form == "mdy" else 1)
            return _written_as([_date_of(m.group(3), month, day)], (m.group(3), month, day))
    for rx, form in _WRITTEN:
        m = rx.match(text)
        if not m:
            continue
        a, b, c = m.groups()
        if form == "slash":
            return _written_as(slash_readings(a, b, c), (c, a, b))
        year, month, day = (c, b, a) if form == "dmy" else (a, b, c)
        hint = _written_as([_date_of(year, month, day)], (year, month, day))
        swapped = _date_of(year, day, month) if form == "ymd" and int(month) > 12 else None
        return hint + (f" (or {swapped.isoformat()}, if the day came first)" if swapped else "")
    return ""


def _date_of(year, month, day) -> dt.date | None:
    with contextlib.suppress(ValueError):  # 31.02.2026: no date to offer
        return dt.date(int(year), int(month), int(day))
    return None


def _written_as(found: list, written: tuple) -> str:
    """The hint for the dates (none, one or two) a date ``written`` (year, month, day) can be: when none,
    what is wrong with it, a month past 12 or a day the month has not."""
    found = [d for d in found if d is not None]
    if len(found) == 2:
        return f"; write it as {found[0].isoformat()} or {found[1].isoformat()} (year-month-day): whichever you meant"
    if found:
        return f"; write it as {found[0].isoformat()} (year-month-day)"
    year, month, day = (int(x) for x in written)
    if year < 1:
        return f"; there is no year {year}: a date is year-month-day, YYYY-MM-DD"
    if not 1 <= month <= 12:
        return f"; there is no month {month}: a date is year-month-day, YYYY-MM-DD"
    name = MONTH_NAMES[month - 1][-1].capitalize()
    return f"; {name} {year} has no day {day}: a date is year-month-day, YYYY-MM-DD"


def iso_day(day) -> str | None:
    """A date (or datetime) as ISO text, None for none: the one helper the board, the index's docs and an incident's
    JSON share (each had its own copy)."""
    return day.isoformat() if day is not None else None


# The zone "today" and a timestamp's date are read in: RECUR_TZ (config.zone), so that two machines set alike
# agree on an incident's id and on what is overdue. util may not import config, so config hands its reader
# over when imported (``read_zone_from``); until then, and with RECUR_TZ unset, None: this machine's zone.
_ZONE = {"reader": lambda: None}


def read_zone_from(reader) -> None:
    """Have ``local_date`` and ``today_in`` read the zone from ``reader`` (config.zone: RECUR_TZ when set)."""
    _ZONE["reader"] = reader


def zone_named(name: str, what: str) -> dt.tzinfo:
    """The time zone an IANA name (``Europe/Berlin``, ``UTC``) names, else a RecurError naming ``what`` and the
    value. UTC needs no zone data: a machine without any (Windows, a slim container, no ``tzdata``) has it too.
    In any letter case (``utc``, ``europe/berlin``): zoneinfo reads a name as a file's, so ``utc`` was a zone on
    a case-insensitive file system (macOS, Windows) and an error on Linux, whose message named ``UTC``.
    A name of the zone list alone: ``localtime`` and ``posixrules`` are files of the zone data that zoneinfo
    reads too, but no zone's name (``localtime``, this machine's zone, would differ between machines set alike)."""
    if name.upper() == "UTC":
        return dt.timezone.utc
    try:
        if name in _zone_names():
            return zoneinfo.ZoneInfo(name)
    except (ValueError, LookupError, OSError):  # no such zone; "../x", "/etc/localtime"; a folder ("Europe")
        pass
    known = _zone_spelling(name)
    if known is not None:
        return zoneinfo.ZoneInfo(known)
    raise RecurError(
        f"{what}: {name!r} is no time zone: give an IANA name such as Europe/Berlin, America/Los_Angeles or UTC"
    )


@functools.lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    """The zone data's zone names (zoneinfo.available_timezones), read once: listing them walks the data (~5 ms)
    and the zone is read for each timestamp's date (config.zone). Not ``localtime``: the list leaves out
    ``posixrules`` but takes in the ``localtime`` link Debian's zone folder holds (no IANA name)."""
    return frozenset(zoneinfo.available_timezones()) - {"localtime"}


@functools.lru_cache(maxsize=8)
def _zone_spelling(name: str) -> str | None:
    """The known zone name (zoneinfo.available_timezones) ``name`` is in another letter case, else None. Read
    only when the name as given is no zone, and once: listing the zones walks the zone data (~5 ms), and the
    zone is read for each timestamp's date (config.zone). ASCII alone, as every zone name is: casefold() maps
    look-alikes onto letters (the long s to s, the Kelvin sign to k), and ``Aſia/Tokyo`` is no name in another case."""
    if not name.isascii():
        return None
    folded = name.lower()
    return next((z for z in sorted(_zone_names()) if z.lower() == folded), None)


def today_in(zone: dt.tzinfo | None = None) -> dt.date:
    """The clock's date in ``zone``, else in the configured one (RECUR_TZ), else this machine's: a CI runner on
    UTC and a laptop on UTC+14 were a day apart on "today", so on an incident's id and on what was overdue."""
    zone = zone or _ZONE["reader"]()
    return dt.datetime.now(zone).date() if zone else dt.date.today()


def local_date(moment: dt.datetime) -> dt.date:
    """The date of ``moment`` on the clock "today" is read with (``today_in``: RECUR_TZ, else local time).
    ``2026-12-04T01:00:00+10:00`` is 2026-12-03 15:00 UTC: its written date part, 12-04, was "after
    today" on a UTC machine that afternoon, and the incident, which had happened, was left out of the
    report, the board and its pattern's page until the next day (found by a problem manager's team).
    A time with no offset is already local: its own date."""
    if moment.tzinfo is None:
        return moment.date()
    zone = _ZONE["reader"]()
    try:
        return moment.astimezone(zone).date()
    except (OverflowError, ValueError, OSError):  # at the ends of the calendar: the range check says so
        return moment.date()


def happened(day, as_of: dt.date) -> bool:
    """Whether a thing dated ``day`` (a date, or ISO text as the index keeps it) had happened by ``as_of``
    (the caller's today, ``config.today()``: util may not import config). The one rule for listing an
    incident: the board, the report and the site leave out one dated after their date, so the API, MCP and
    `recur suggest` leave it out as of today (they listed it while those did not: found by a problem
    manager's team)."""
    return (iso_date(day) or as_of) <= as_of


def after_today(what: str, day: dt.date, today: dt.date) -> str:
    """``what`` dated ``day`` is after ``today``, and the likely why. One day ahead is no typo in the
    year (it said so): the date as written in a time zone ahead of the one Recur reads dates in, most likely:
    RECUR_TZ's, named, else this machine's (it said "this machine's" where RECUR_TZ was set, and named no zone)."""
    said = f"{what} {day.isoformat()} is after today ({today.isoformat()})"
    if shift(today, 1) == day:
        zone = _ZONE["reader"]()
        if zone is not None:
            name = getattr(zone, "key", None) or str(zone)
            where, there = f"{name} (RECUR_TZ)", f"in {name}"
        else:
            where, there = f"this machine's ({_machine_zone()}; RECUR_TZ is not set)", "here"
        return (
            f"{said}: one day ahead, a date from a time zone ahead of {where}, the one dates are read in? write "
            f"the date as it is {there}, or the time with its UTC offset ({day.isoformat()}T01:00:00+10:00), read "
            f"as its date {there}"
        )
    if day.year != today.year:
        return f"{said}: a typo in the year?"
    return f"{said}: it has not happened yet; a typo?"


def _machine_zone() -> str:
    """This machine's zone as its clock names it now ("CET", "UTC", "+14"), for a message."""
    return dt.datetime.now().astimezone().tzname() or "its local time"


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


def given_date(value, what: str, missing: dt.date | None = None) -> dt.date | None:
    """A date a person gave (an option, an environment variable): YYYY-MM-DD within
    ``EARLIEST``..``LATEST``, else a clear error naming ``what``. No value (None or "") is ``missing``, which
    the caller says: None (no date), or the day an absent one means, ``config.today()`` (RECUR_TODAY, else the
    clock). It was the clock's date here, which config.today's rule contradicts, so every caller guarded it
    (``given_date(x, …) if x else config.today()``), and one that did not would have ignored RECUR_TODAY."""
    if value is None or value == "":
        return missing
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        # the whole text, not its first ten characters: a typo such as 2026-04-015 is no date
        day = iso_date(str(value))
        if day is None and DATE_SHAPE.fullmatch(str(value).strip()):  # 2026-02-30, 2029-13-01
            raise RecurError(f"{what}: no such date: {str(value).strip()}")
        if day is None:  # 31/12/2026: the ISO form offered, as recur check offers it for a file's date
            raise RecurError(f"{what}: {value!r} is not a date (YYYY-MM-DD){iso_hint(str(value))}")
    return require_in_range(day, what)


def duration_text(minutes: int) -> str:
    """A duration as people read it: "45 min", "1 h 30 min", "1 d 2 h". An incident page said "Impact:
    1560 minutes" (the record's unit), which a reader had to divide twice."""
    days, rest = divmod(max(int(minutes), 0), 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((days, "d"), (hours, "h"), (mins, "min")) if n]
    return " ".join(parts) or "0 min"
