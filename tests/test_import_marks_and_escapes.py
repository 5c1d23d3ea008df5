"""`recur import` of postmortems as a reviewer imported them (2026-12): titles lost every underscore, star and
backtick, even inside words and code ("orders_events" recorded as "ordersevents"). Our own texts."""

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
