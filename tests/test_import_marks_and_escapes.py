"""`recur import` of postmortems as a reviewer imported them (2026-12): titles lost every underscore, star and
backtick, even inside words and code ("orders_events" recorded as "ordersevents"). Our own texts."""

from pathlib import Path

from import_helpers import imported_record

from recur.ingest.pm_text import clean_title


def test_a_titles_underscores_inside_words_and_code_are_kept_its_formatting_marks_taken_off():
    # every "_", "*" and backtick was taken out: "Kafka lag on ordersevents", "pgwal volume full"
    assert clean_title("Kafka lag on orders_events") == "Kafka lag on orders_events"
    assert clean_title("pg_wal volume full") == "pg_wal volume full"
    assert clean_title("`max_connections` reached on `billing_db`") == "max_connections reached on billing_db"
    # the formatting marks alone go, nested too
    assert clean_title("**Checkout** down for _some_ users") == "Checkout down for some users"
    assert clean_title("__Queue__ backlog after *deploy*") == "Queue backlog after deploy"
    assert clean_title("**_Ledger_ drift** in eu") == "Ledger drift in eu"
    # a mark nothing pairs with is a character of the title
    assert clean_title("Rate 2 * 3 too low for _private") == "Rate 2 * 3 too low for _private"
    # a status shortcode keeps working with its underscores
    assert clean_title("Session loss :white_check_mark:") == "Session loss"


def test_an_imported_heading_keeps_its_identifiers(fresh_kb, tmp_path):
    text = "# **Postmortem:** lag on `payments_events` topic\n\nDate: 2026-11-21\nSeverity: SEV-2\n\n## Summary\n\nConsumers fell behind.\n"
    out, inc = imported_record(fresh_kb, tmp_path, text)
    assert inc.title == "lag on payments_events topic", out["notes"]


GDOC = r"""# **Postmortem: Cache stampede on session\_store**

**Incident date:** 2026\-11\-18
**Severity:** SEV\-2
**Postmortem owner:** Dara O\'Brien

## **Summary**

Every key expired at once \(TTL 300s\) and the database took the misses\. See `ttl\_s` below.

- plain list item
\- not a list

## **Action items**

- [ ] Add jitter to TTLs \- owner: Dara O\'Brien \- due 2026\-12\-01
"""


def test_google_docs_escapes_are_taken_out_of_fields_titles_and_sections(fresh_kb, tmp_path):
    out, inc = imported_record(fresh_kb, tmp_path, GDOC)
    # "2026\-11\-21" was no date (today recorded for triage), "SEV\-1" no severity, the owner kept "O\'Neill"
    assert str(inc.date) == "2026-11-18", out["notes"]
    assert inc.severity == "sev2", out["notes"]
    assert inc.review.owner == "Dara O'Brien"
    assert inc.title == "Cache stampede on session_store"
    assert inc.follow_ups[0].owner == "Dara O'Brien"
    summary = inc.summary
    assert "(TTL 300s) and the database took the misses." in summary, summary
    # code is kept as written, and an escape that keeps a line from being a list item
    assert "`ttl\\_s`" in summary and "\n\\- not a list" in summary, summary
    assert "O\\'Brien" not in Path(out["incident_path"]).read_text()
