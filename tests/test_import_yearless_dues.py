"""A follow-up's due date written without its year, as a slash day either order reads ("12/03": 3 December month
first, 12 March day first). It was said "not read as a date, left empty", with no word of why, even where every other
date of the postmortem said which order it writes. It is read in that order, against the incident's date, and said
so; where the document shows no order, or both, it is not read, and the note gives both readings: never guessed.
Our own text."""

import datetime as dt

import pytest
from import_helpers import import_file, imported_record

from recur.ingest.postmortem import parse
from recur.kb.loader import load_kb

HEAD = "# Checkout down\n\nDate: {date}\nSeverity: SEV-2\n\n## Summary\n\nS.\n\n## Action items\n\n"


def dues(date: str, items: str) -> dict:
    pm = parse(HEAD.format(date=date) + items)
    return {it["title"]: it["due"] for it in pm.action_items}


@pytest.mark.parametrize(
    "date, items, due",
    [
        # month first, as the document's other slash dates (with a year, or a due one only that order reads)
        ("11/20/2026", "- Rotate the keys (due 12/03)\n", dt.date(2026, 12, 3)),
        ("2026-11-20", "- Rotate the keys (due 12/03)\n- Add a probe (due 12/15)\n", dt.date(2026, 12, 3)),
        ("2026-11-20", "- Rotate the keys, due 12/03\n- Add a probe (due 12/15/2026)\n", dt.date(2026, 12, 3)),
        # day first likewise: 12 March, the next one on or after the incident's date
        ("20/11/2026", "- Rotate the keys (due 12/03)\n", dt.date(2027, 3, 12)),
        ("2026-11-20", "- Rotate the keys (due 12/03)\n- Add a probe (due 15/12)\n", dt.date(2027, 3, 12)),
        # no order shown, or both: not read
        ("2026-11-20", "- Rotate the keys (due 12/03)\n", None),
        ("2026-11-20", "- Rotate the keys (due 12/03)\n- Add a probe (due 15/12)\n- Pin it (due 12/15)\n", None),
        # a date either order reads shows none: "12/05/2026" is no evidence
        ("2026-11-20", "- Rotate the keys (due 12/03)\n- Add a probe (due 12/05/2026)\n", None),
    ],
)
def test_a_slash_due_date_either_order_reads_follows_the_documents_order(date, items, due):
    assert dues(date, items)["Rotate the keys"] == due


def test_the_order_read_is_said_and_a_due_date_not_read_says_both_readings(kb_dir, tmp_path):
    body = HEAD.format(date="2026-11-20") + "- Rotate the keys (due 12/03)\n- Add a probe (due 12/15/2026)\n"
    out, inc = imported_record(kb_dir, tmp_path, body)
    assert {f.title: f.due for f in inc.follow_ups}["Rotate the keys"] == dt.date(2026, 12, 3)
    assert (
        "follow-up 'Rotate the keys': due '12/03' has no year and either order makes a day: month first, as the "
        "document's '12/15/2026' is; read as 2026-12-03, the first 12/03 on or after the incident's date (2026-11-20): "
        "correct it in the record if another was meant"
    ) in out["notes"], out["notes"]
    body = HEAD.format(date="2026-11-21") + "- Rotate the keys (due 12/03)\n- Add a limit, due 3 Dec\n"
    out, inc = imported_record(kb_dir, tmp_path, body.replace("Checkout", "Cart"), name="b.md")
    assert {f.title: f.due for f in inc.follow_ups} == {"Rotate the keys": None, "Add a limit": dt.date(2026, 12, 3)}
    assert (
        "follow-up 'Rotate the keys': due '12/03' not read: it has no year and either order makes a day (3 December "
        "month first, 12 March day first), and no other date of the document shows which; left empty: set it with "
        f"recur incident follow-up {out['incident']} 1 --due YYYY-MM-DD"  # the record's id and the item's number
    ) in out["notes"], out["notes"]
    assert any(
        n.startswith("follow-up 'Add a limit': due '3 Dec' has no year; read as 2026-12-03") for n in out["notes"]
    )


def test_a_date_given_on_the_command_line_reads_it_in_the_documents_order_too(kb_dir, tmp_path):
    body = HEAD.format(date="2026-11-20") + "- Rotate the keys (due 12/03)\n- Add a probe (due 12/15/2026)\n"
    r = import_file(
        kb_dir, tmp_path / "pm.md", body.replace("Date: 2026-11-20", "Date: 11/20/2026"), "--date", "2026-12-05"
    )
    assert r.exit_code == 0, r.output
    (inc,) = [i for i in load_kb(kb_dir).incidents.values() if i.title == "Checkout down"]
    # read against the date given, not the document's: the next 3 December on or after 2026-12-05
    assert {f.title: f.due for f in inc.follow_ups}["Rotate the keys"] == dt.date(2027, 12, 3)


@pytest.mark.parametrize(
    "date, items, done",
    [
        # a done day either order reads was no day at all: dropped unsaid, in the item's text and in a status cell
        ("11/20/2026", "- [x] Rotate the keys (completed 12/03)\n", dt.date(2026, 12, 3)),
        ("11/20/2026", "- [x] Rotate the keys — Done 12/04\n", dt.date(2026, 12, 4)),
        # day first: 12 March, the first on or after the incident's date (the import's dones_by weighs it against today)
        ("20/11/2026", "- [x] Rotate the keys (completed 12/03)\n", dt.date(2027, 3, 12)),
        (
            "11/20/2026",
            "| Action | Owner | Status |\n|---|---|---|\n| Rotate the keys | Ana | Done 12/04 |\n",
            dt.date(2026, 12, 4),
        ),
        # a done day only one order reads shows the order too
        ("2026-11-20", "- [x] Rotate the keys (completed 12/03)\n- [x] Pin it (done 12/15)\n", dt.date(2026, 12, 3)),
        # no order shown: not read
        ("2026-11-20", "- [x] Rotate the keys (completed 12/03)\n", None),
    ],
)
def test_a_slash_done_day_either_order_reads_follows_the_documents_order(date, items, done):
    pm = parse(HEAD.format(date=date) + items)
    it = {it["title"]: it for it in pm.action_items}["Rotate the keys"]
    assert (it["status"], it.get("done")) == ("done", done)


def test_a_done_day_read_in_the_documents_order_or_not_read_is_said(kb_dir, tmp_path):
    body = HEAD.format(date="11/20/2026") + "- [x] Rotate the keys (completed 12/03)\n"
    out, inc = imported_record(kb_dir, tmp_path, body)
    assert [(f.title, f.done) for f in inc.follow_ups] == [("Rotate the keys", dt.date(2026, 12, 3))]
    assert (
        "follow-up 'Rotate the keys': done '12/03' has no year and either order makes a day: month first, as the "
        "document's '11/20/2026' is; read as 2026-12-03, the first 12/03 on or after the incident's date (2026-11-20): "
        "correct its done: in the record if another was meant"
    ) in out["notes"], out["notes"]
    body = HEAD.format(date="2026-11-21") + "- [ ] Add a probe\n- [x] Rotate the keys (completed 12/03)\n"
    out, inc = imported_record(kb_dir, tmp_path, body.replace("Checkout", "Cart"), name="b.md")
    assert [(f.title, f.done) for f in inc.follow_ups] == [("Add a probe", None), ("Rotate the keys", None)]
    assert (
        "follow-up 'Rotate the keys': done '12/03' not read: it has no year and either order makes a day (3 December "
        "month first, 12 March day first), and no other date of the document shows which; recorded done with no "
        f"done: day: set it with recur incident follow-up {out['incident']} 2 --done --on YYYY-MM-DD"
    ) in out["notes"], out["notes"]


def test_a_review_date_either_order_reads_follows_the_documents_order(kb_dir, tmp_path):
    body = HEAD.format(date="11/20/2026").replace("Severity:", "Review date: 12/03\nSeverity:") + "- Add a probe\n"
    out, inc = imported_record(kb_dir, tmp_path, body)
    assert inc.review.due == dt.date(2026, 12, 3), out["notes"]


def test_a_due_date_with_its_year_either_order_reads_is_said_with_both_days_and_how_to_set_it(kb_dir, tmp_path):
    # "03/08/2026" was said "not read as a date, left empty", no word of why nor of the two days it may be
    text = HEAD.format(date="2026-03-08") + "- Add config validation — owner: alice — due: 03/08/2026\n"
    out, inc = imported_record(kb_dir, tmp_path, text)
    assert inc.follow_ups[0].due is None
    assert (
        f"follow-up 'Add config validation': due '03/08/2026' not read as a date, left empty: day and month could be "
        f"either way round (8 March 2026 or 3 August 2026); set it with recur incident follow-up {out['incident']} 1 "
        "--due YYYY-MM-DD"
    ) in out["notes"], out["notes"]
