"""Times of day in a postmortem's Start:/End:/Resolved: fields, and the minutes between two of them.

A time may name its zone: an offset (``Z``, ``+01:00``, ``-0530``, ``UTC+2``) or an abbreviation
(``CET``, ``PDT``). The abbreviations read are the unambiguous common ones (``ZONES``), each one
fixed offset: ``CET`` is UTC+01:00 whatever the date (a writer who means summer time writes
``CEST``). Two are read one way, the note saying which (``ASSUMED``: ``CST`` US Central, ``BST``
British Summer Time); three are not read at all (``AMBIGUOUS``: ``IST``, ``AST``, ``SST``); the
US ones without standard or daylight (``ET``, ``CT``, ``MT``, ``PT``) are read by the US daylight
saving rule on the time's date (and time, on a day the clocks change), and not without a date. docs/cli.md ("Times and zones") lists them.
A time glued after a name and a minus ("10:00 UTC-11:00") may be an offset or the end of a range
(``_glued``): a range where one is looked for (``zoned_range``), the offset beside a time that gives
its own offset too (``_shift``), else not read when it may be both.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from recur.ingest.pm_text import CLOCK_RANGE, find_date

# minutes east of UTC
ZONES = {
    **dict.fromkeys(("UTC", "GMT", "Z", "UT", "WET"), 0),
    **dict.fromkeys(("CET", "WEST", "MET"), 60),
    **dict.fromkeys(("CEST", "EET", "MEST", "SAST"), 120),
    **dict.fromkeys(("EEST", "MSK"), 180),
    **{"PKT": 300, "NPT": 345, "ICT": 420, "WIB": 420, "SGT": 480, "HKT": 480, "AWST": 480, "PHT": 480},
    **{"JST": 540, "KST": 540, "ACST": 570, "ACDT": 630, "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780},
    **{"NST": -210, "NDT": -150, "ADT": -180, "EST": -300, "EDT": -240, "CDT": -300, "MST": -420, "MDT": -360},
    **{"PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480, "HST": -600, "BRT": -180, "ART": -180},
}
# read one way, said in the notes: the other reading is rare in a postmortem written in English
ASSUMED = {
    "CST": (-360, "US Central Standard Time (UTC-06:00), not China Standard Time (UTC+08:00)"),
    "BST": (60, "British Summer Time (UTC+01:00), not Bangladesh Standard Time (UTC+06:00)"),
}
# not read: each reading is common, and a wrong one gives a wrong duration silently
AMBIGUOUS = {
    "IST": "India (UTC+05:30), Irish (UTC+01:00) or Israel (UTC+02:00) Standard Time",
    "AST": "Atlantic (UTC-04:00) or Arabia (UTC+03:00) Standard Time",
    "SST": "Samoa (UTC-11:00) or Singapore (UTC+08:00) Standard Time",
}
# a US zone without standard or daylight: its offset on the date, by the US rule since 2007
US_GENERIC = {"ET": ("EST", "EDT"), "CT": ("CST", "CDT"), "MT": ("MST", "MDT"), "PT": ("PST", "PDT")}

# "23:40", "03:12:40 UTC", "2026-03-14T23:40:00Z", "11:40 pm PST", "09:00 UTC+2", "14:05 (CET)"; a zone
# name is in capitals ("10:05 then" names none: with any word taken for a zone, "09:00 UTC" to "10:05
# then" was two zones), and "UTC+2" is the offset, not UTC (09:00 UTC+2 to 08:30 UTC was 1410 minutes). A no-break
# space is a space: macOS writes "11:30\u202fAM", and "11:30\u202fAM" to "1:10\u202fPM" was 820 minutes
_CLOCK = re.compile(
    r"(?<![\d:.])(\d{1,2}):(\d\d)(?::\d\d(?:\.\d+)?)?(?:[ \t\u00a0\u202f]*([ap])\.?m\b\.?)?"
    r"(?:[ \t\u00a0\u202f]*\(?(?:(?-i:(?P<name>UTC|GMT|UT)(?P<rel>[+-]\d{1,2}(?::?\d\d)?)?|(?P<abbr>[A-Z]{2,5}))\b"
    r"|(?P<off>Z|[+-]\d\d(?::?\d\d)?))\)?)?(?!\d|:\d)",  # "14:05 CET: alert fired": a colon after, no time's
    re.I,
)


@dataclass(frozen=True)
class Moment:
    """A Start:/End: value read: its date (None without one), minute of the day, and zone as written
    (upper-cased; None when it names none), with the words read for the notes."""

    day: dt.date | None
    minute: int
    zone: str | None
    words: str
    unsure: str | None = None  # why its zone may be no zone ("10:00 UTC-11:00": _glued), said when it matters
    as_offset: str | None = None  # the note when ``unsure`` is read as the offset after all (_shift)


def moment(text: str) -> Moment | None:
    """The time ``text`` gives, or None without a time of day."""
    m = _CLOCK.search(text)
    hour, minute = (int(m.group(1)), int(m.group(2))) if m else (99, 99)
    if m and m.group(3) and 1 <= hour <= 12:
        hour = hour % 12 + (12 if m.group(3).lower() == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    zone = (m["name"] or "") + (m["rel"] or "") or m["abbr"] or m["off"]
    if m["abbr"] and not _known(m["abbr"]):  # "10:05 ETA": capitals, but no zone
        return Moment(find_date(text)[0], hour * 60 + minute, None, text[m.start() : m.start("abbr")].strip())
    glued = _glued(m, hour * 60 + minute)
    if glued == "range":  # "10:00 UTC-13:00": no offset is -13:00, the time is 10:00 UTC
        return Moment(find_date(text)[0], hour * 60 + minute, m["name"], text[m.start() : m.end("name")].strip())
    unsure, as_offset = _either(m) if glued == "either" else (None, None)
    day, words = find_date(text)[0], m.group(0).strip()
    return Moment(day, hour * 60 + minute, zone.upper() if zone else None, words, unsure, as_offset)


def _glued(m: re.Match, minute: int) -> str | None:
    """How a zone's name with a time glued after a minus ("10:00 UTC-11:00") reads: "range" when the
    time is no offset (one west of -12:00, or of minutes other than :00, :30 or :45), "either" when
    it is one and also a time after ``minute`` (10:00 to 11:00 UTC, or 10:00 at UTC-11:00), None for
    an offset alone ("UTC-5", "UTC+02:00", "09:00 GMT-05:00": 05:00 is no end after 09:00)."""
    rel = re.fullmatch(r"-(\d{1,2}):(\d\d)", m["rel"] or "")
    if rel is None or int(rel.group(1)) > 23 or int(rel.group(2)) > 59:
        return None
    hour, minutes = int(rel.group(1)), int(rel.group(2))
    if hour > 12 or minutes not in (0, 30, 45):
        return "range"
    return "either" if hour * 60 + minutes > minute else None


def _either(m: re.Match) -> tuple[str, str]:
    """(why ``_glued``'s "either" is not read, and how to write each reading so that it is; the note
    when it is read as the offset, the other time giving its own offset: _shift)."""
    time, rel, name = m.group(0)[: m.start("name") - m.start()].strip(), m["rel"], m["name"]
    hours, minutes = rel[1:].split(":")
    offset = f"{name}-{int(hours)}" + ("" if minutes == "00" else minutes)  # "UTC-11", "UTC-930": offsets alone
    said = m.group(0).strip()
    return (
        f"{said!r} may be {time} at {name}{rel} or the range {time} to {rel[1:]} {name}: not read "
        f"(write '{time} – {rel[1:]} {name}' for the range, '{time} {offset}' for the offset)",
        f"{said!r} read as {time} at {name}{rel}, not the range {time} to {rel[1:]} {name}: "
        "the other time gives its own offset too",
    )


def _known(abbr: str) -> bool:
    """Whether ``abbr`` is a zone's name: one of the tables, or shaped as one ("EAT", "MYT", "WAST")."""
    return any(abbr in table for table in (ZONES, ASSUMED, AMBIGUOUS, US_GENERIC)) or bool(
        re.fullmatch(r"[A-Z]{1,3}[SD]?T", abbr)
    )


def _signed(minutes: int) -> str:
    return f"UTC{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _us_change_days(year: int) -> tuple[dt.date, dt.date]:
    """The days US daylight saving time starts and ends in ``year`` (since 2007): the second Sunday of
    March and the first Sunday of November, each at 02:00 local time."""
    march, november = dt.date(year, 3, 8), dt.date(year, 11, 1)
    start, end = (day + dt.timedelta(days=(6 - day.weekday()) % 7) for day in (march, november))
    return start, end


def _us_daylight(day: dt.date, minute: int | None = None) -> bool | None:
    """Whether US daylight saving time is on at ``minute`` of ``day``: from 02:00 on the second Sunday of
    March (02:00 PST is 03:00 PDT) to 02:00 PDT on the first Sunday of November (01:00 to 02:00 happens
    twice). None for a time of a change day that is both or neither (01:30 on 2026-11-01, 02:30 on
    2026-03-08). Without ``minute`` a change day reads as after the change. The day alone read 01:30 PT on
    2026-03-08 as PDT, and 01:30 PT to 03:10 PT that day as 100 minutes, not 40 (found by a review of
    dates and times)."""
    start, end = _us_change_days(day.year)
    if minute is not None and day == start:
        return None if 120 <= minute < 180 else minute >= 180
    if minute is not None and day == end:
        return None if 60 <= minute < 120 else minute < 60
    return start <= day < end


def offset(zone: str, day: dt.date | None, minute: int | None = None) -> tuple[int | None, str]:
    """(minutes east of UTC or None, how it was read, or why not) of a zone as ``moment`` gives it, at
    ``minute`` of ``day`` (a US zone without standard or daylight on the day its clocks change)."""
    rel = re.fullmatch(r"(?:UTC|GMT|UT)?([+-])(\d{1,2}):?(\d\d)?", zone)
    if rel:
        minutes = (int(rel.group(2)) * 60 + int(rel.group(3) or 0)) * (1 if rel.group(1) == "+" else -1)
        return minutes, ""
    if zone in ZONES:
        return ZONES[zone], "" if ZONES[zone] == 0 else f"{zone} read as {_signed(ZONES[zone])}"
    if zone in ASSUMED:
        return ASSUMED[zone][0], f"{zone} read as {ASSUMED[zone][1]}"
    if zone in AMBIGUOUS:
        return None, f"{zone} may be {AMBIGUOUS[zone]}: not read (write the offset, e.g. +05:30)"
    if zone in US_GENERIC:
        if day is None:
            return None, f"{zone} is standard or daylight time by the date, and its time has none"
        daylight = _us_daylight(day, minute)
        if daylight is None:
            return None, _no_such_time(zone, day, minute)
        name = US_GENERIC[zone][daylight]
        minutes = ZONES[name] if name in ZONES else ASSUMED[name][0]  # CST: US Central, as written alone
        at = f"{minute // 60:02d}:{minute % 60:02d} " if minute is not None and day in _us_change_days(day.year) else ""
        return minutes, f"{at}{zone} on {day.isoformat()} read as {name} ({_signed(minutes)})"
    return None, f"{zone!r} is no time zone this reads"


def _no_such_time(zone: str, day: dt.date, minute: int) -> str:
    """Why ``minute`` of ``day`` in a US ``zone`` (PT) has no one offset: the clocks changed over it."""
    at = f"{minute // 60:02d}:{minute % 60:02d} {zone} on {day.isoformat()}"
    std, dst = US_GENERIC[zone]
    if day.month == 3:
        return f"{at} did not happen (clocks went from 02:00 {std} to 03:00 {dst}): not read (write {std} or {dst})"
    return f"{at} happened twice ({dst}, then {std}): not read (write {dst} or {std}, or the offset)"


# a zone written as an offset, as docs/cli.md names them: "Z", "+01:00", "-0530", "UTC+2", "GMT-05:00"
_OFFSET = re.compile(r"Z|(?:UTC|GMT|UT)?[+-]\d{1,2}(?::?\d\d)?")


def _shift(a: Moment, b: Moment) -> tuple[int | None, list[str]]:
    """(minutes to add to ``b - a`` for their zones or None, notes). One zone, or none: no shift;
    a time with no zone beside one with a zone is read in that zone, said in the notes. A time that
    may be an offset or a range ("03:00 UTC-05:00") is the offset when the other gives its own offset
    too ("09:10 UTC+01:00", "08:40Z"): a writer of offsets, two points in time (it was not read)."""
    if a.zone == b.zone:  # "10:00 UTC-11:00" to "12:00 UTC-11:00": the same offset twice is one
        return _one_zone(a.zone, a, b, [])
    if (a.unsure or b.unsure) and not all(x.zone and _OFFSET.fullmatch(x.zone) for x in (a, b)):
        return None, [why for why in (a.unsure, b.unsure) if why]
    glued = [x.as_offset for x in (a, b) if x.as_offset]
    if a.zone is None or b.zone is None:
        zoned, bare = (a, b) if b.zone is None else (b, a)
        where = "UTC" if zoned.zone == "Z" else zoned.zone
        return _one_zone(zoned.zone, a, b, [f"{bare.words!r} names no zone: read in {where}, as {zoned.words!r}"])
    (oa, how_a), (ob, how_b) = offset(a.zone, a.day or b.day, a.minute), offset(b.zone, b.day or a.day, b.minute)
    said = [how for how in dict.fromkeys((how_a, how_b)) if how]
    if oa is None or ob is None:
        return None, said
    return oa - ob, glued + said


def _one_zone(zone: str | None, a: Moment, b: Moment, notes: list[str]) -> tuple[int | None, list[str]]:
    """``_shift`` for two times read in one ``zone``: none, but for a US zone without standard or daylight
    (PT) whose clocks changed between them on their dates (01:30 PT to 03:10 PT on 2026-03-08: 40 minutes),
    or at a time its change day has twice or not at all (01:30 PT on 2026-11-01: not read)."""
    if zone not in US_GENERIC or not (a.day or b.day):
        return 0, notes
    day_a, day_b = _days(a, b)
    (oa, how_a), (ob, how_b) = offset(zone, day_a, a.minute), offset(zone, day_b, b.minute)
    if oa is None or ob is None:
        return None, [how for off, how in ((oa, how_a), (ob, how_b)) if off is None]
    return oa - ob, notes + ([] if oa == ob else [how_a, how_b])


def _days(a: Moment, b: Moment) -> tuple[dt.date, dt.date]:
    """The dates of ``a`` and ``b``, one of which gives its own: the other the same day, or the next (the
    day before) when its time is earlier (later), as ``minutes_between`` counts them."""
    if a.day and b.day:
        return a.day, b.day
    later = dt.timedelta(days=1 if b.minute < a.minute else 0)
    return (a.day, a.day + later) if a.day else (b.day - later, b.day)


def minutes_between(a: Moment, b: Moment) -> tuple[int | None, str, list[str]]:
    """(minutes from ``a`` to ``b`` or None, why none, notes on how the zones were read). Times in
    two zones are counted in UTC; a time without its date: the same day, or the next when earlier."""
    shift, notes = _shift(a, b)
    if shift is None:
        return None, "their zones: " + "; ".join(notes), []
    if a.day and b.day:
        return (b.day - a.day).days * 1440 + b.minute - a.minute + shift, "the end is before the start", notes
    return (b.minute - a.minute + shift) % 1440, "", notes


# between the two times of a range in prose: "from 09:12 UTC to 10:05 UTC", "between 14:05 CET and 15:20 CET"


def zoned_range(text: str, day: dt.date | None = None) -> tuple[int | None, str, list[str]] | None:
    """(minutes or None, the words read, notes or why none) of a range of two times opening ``text`` whose first
    names its zone or am/pm ("09:12 UTC to 10:05 UTC", "9:12am to 10:05am PT": the words between the
    times kept pm_text from reading them as a range); None for any other text. One zone is both
    times', as a sentence says it ("between 9:12am and 10:05am PT"). Two times in one zone with no date of their
    own are on ``day`` (the incident's), by which a US zone's clocks may change between them (PT on 2026-03-08)."""
    first = _CLOCK.match(text)
    sep = CLOCK_RANGE.match(text, first.end()) if first else None
    second = _CLOCK.match(text, sep.end()) if sep else None
    if first and not second and (glued := _glued_range(text, first)):
        return glued
    a, b = (moment(first.group(0)), moment(second.group(0))) if second else (None, None)
    if a is None or b is None or (a.zone is None and not first.group(3)):
        return None
    zone = a.zone or b.zone
    on = day if not (a.day or b.day) and b.zone in (None, zone) else a.day
    a, b = Moment(on, a.minute, zone, a.words), Moment(b.day, b.minute, b.zone or zone, b.words)
    minutes, why, notes = minutes_between(a, b)
    return minutes, text[: second.end()].strip(), notes if minutes is not None else [why]


def _glued_range(text: str, first: re.Match) -> tuple[int | None, str, list[str]] | None:
    """``zoned_range``'s answer for "10:00 UTC-11:00" where a range is looked for (a Duration: field,
    "from …" in prose): the range 10:00 to 11:00 UTC, as a time alone is no duration, said in the
    notes when the other reading was an offset; None when it is an offset alone ("09:00 GMT-05:00")."""
    a = moment(first.group(0))
    if a is None or _glued(first, a.minute) is None:
        return None
    hour, minute = map(int, first["rel"][1:].split(":"))
    words, time, end = text[: first.end()].strip(), a.words.rsplit(" ", 1)[0], first["rel"][1:]
    # one zone, no dates: the end is on the same day, or the next when earlier ("22:00 UTC-01:15")
    minutes = (hour * 60 + minute - a.minute) % 1440
    said = f"{words!r} read as the range {time} to {end} {first['name']}, not {time} at {first['name']}{first['rel']}"
    return minutes, words, [said] if a.unsure else []  # the other reading a time alone, no duration


def entry(text: str, day: dt.date | None) -> tuple[Moment, str] | None:
    """(the time an entry of a timeline opens with, on its own date or else ``day``; the words after it)
    for "14:05 CET: alert fired", "2026-03-14 14:05 — paged", "2026-03-14T14:05Z resolved"; None when
    ``text`` opens with no time of day."""
    said, words = find_date(text)
    if words and text.startswith(words):
        text, day = re.sub(r"^(?:T(?=\d)|[ \t,]+)", "", text[len(words) :]), said
    m = _CLOCK.match(text)
    at = moment(m.group(0)) if m else None
    if at is None:
        return None
    return replace(at, day=day), text[m.end() :].strip(" \t:–—-|,.")
