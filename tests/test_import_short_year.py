"""`recur import` of an incident date written year first with a two-digit year ("Date: 26/11/30"), which the
day-first reading made 26 November 2030: year first when the document's other dates are all written year first,
else as read, with a note naming the line and both readings. Our own text."""

import datetime as dt
import json

from import_helpers import import_file

from recur.kb.loader import load_kb

INDEXER = """\
# Search indexer fell behind after a mapping change
Date: 26/11/30
Severity: SEV3

## Summary
The search indexer fell three hours behind after a mapping change forced a full reindex.

## Timeline
- {first} 09:12 UTC: indexer lag alert fired
- {last} 12:40 UTC: lag back under a minute
"""


def imported(kb_dir, tmp_path, text, *extra, name="indexer.md"):
    result = import_file(kb_dir, tmp_path / "pm" / name, text, "--json", "--pattern", "dns-failure", *extra)
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    return out, load_kb(kb_dir).incidents[out["incident"]]


def test_a_two_digit_year_first_date_is_read_year_first_when_the_other_dates_are(kb_dir, tmp_path):
    # read day first it was 26 November 2030, recorded with only a warning that it is after today
    out, inc = imported(kb_dir, tmp_path, INDEXER.format(first="2026-11-30", last="2026-11-30"))
    assert inc.date == dt.date(2026, 11, 30) and out["date"] == "2026-11-30"
    assert (
        "date: '26/11/30' (the 'Date:' line 2) read year first, 2026-11-30, as the document's other dates are "
        "written ('2026-11-30'); day first it reads 26 November 2030"
    ) in out["notes"], out["notes"]
    assert not [n for n in out["notes"] if "after today" in n], out["notes"]


def test_a_two_digit_year_first_dash_date_is_read_as_the_slash_one(kb_dir, tmp_path):
    # "Date: 26-11-30" was no date: the timeline's day was taken, the label unsaid
    text = INDEXER.format(first="2026-11-28", last="2026-11-28").replace("26/11/30", "26-11-30")
    out, inc = imported(kb_dir, tmp_path, text)
    assert inc.date == dt.date(2026, 11, 30) and out["date"] == "2026-11-30"
    assert any(n.startswith("date: '26-11-30' (the 'Date:' line 2) read year first, 2026-11-30") for n in out["notes"])


def test_with_no_other_date_to_tell_it_is_read_day_first_and_said(kb_dir, tmp_path):
    out, inc = imported(kb_dir, tmp_path, INDEXER.format(first="", last=""))
    assert inc.date == dt.date(2030, 11, 26)
    assert (
        "date: '26/11/30' (the 'Date:' line 2) read day first, 2030-11-26; year first it reads 2026-11-30, "
        "and no other date of the document says which: check it (or pass --date)"
    ) in out["notes"], out["notes"]


def test_other_dates_written_otherwise_settle_nothing(kb_dir, tmp_path):
    # "Nov 30, 2026" beside "2026-11-30": the document writes dates both ways; "26/11/30" stays as read, and said
    text = INDEXER.format(first="2026-11-30", last="Nov 30, 2026")
    out, inc = imported(kb_dir, tmp_path, text)
    assert inc.date == dt.date(2030, 11, 26)
    assert any(n.startswith("date: '26/11/30' (the 'Date:' line 2) read day first") for n in out["notes"])


def test_a_date_nearer_the_documents_dates_as_read_stays_as_read(kb_dir, tmp_path):
    # "30/11/26" beside 2026-11-30: day first it is that day, year first 2030-11-26; the nearer one is kept
    text = INDEXER.format(first="2026-11-30", last="2026-11-30").replace("26/11/30", "30/11/26")
    out, inc = imported(kb_dir, tmp_path, text)
    assert inc.date == dt.date(2026, 11, 30)
    assert (
        "date: '30/11/26' (the 'Date:' line 2) read day first, 2026-11-30; year first it reads 2030-11-26, "
        "and the document's other dates ('2026-11-30') are nearer this reading: check it (or pass --date)"
    ) in out["notes"], out["notes"]


def test_a_date_that_reads_one_way_only_is_said_nothing_of(kb_dir, tmp_path):
    # "26/11/31" has no year-first reading (no 31 November 2026), "5/13/30" a one-digit first number, never a year
    for n, (written, day) in enumerate((("26/11/31", dt.date(2031, 11, 26)), ("5/13/30", dt.date(2030, 5, 13)))):
        text = INDEXER.format(first="2026-11-30", last="2026-11-30").replace("26/11/30", written)
        out, inc = imported(kb_dir, tmp_path, text.replace("# Search", f"# {n} Search"), name=f"{n}.md")
        assert inc.date == day
        assert not [n for n in out["notes"] if "year first" in n], out["notes"]


def test_date_given_on_the_command_line_says_nothing_of_it(kb_dir, tmp_path):
    out, inc = imported(kb_dir, tmp_path, INDEXER.format(first="09:00", last="09:10"), "--date", "2026-11-30")
    assert inc.date == dt.date(2026, 11, 30)
    assert not [n for n in out["notes"] if "year first" in n], out["notes"]
