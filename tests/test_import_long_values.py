"""Long values `recur import` reads whole (a re-read of 2026-12's merges): a heading of many shortcodes, a
Duration of a long number or of many durations. Each took time growing with its square (33 s, 254 s, 74 s);
bench/pathological.py times them: these say what is read."""

from recur.ingest.pm_text import clean_title, read_duration, unknown_unit
from recur.ingest.postmortem import parse


def test_a_title_of_many_shortcodes_keeps_its_words_and_loses_the_trailing_ones():
    inner = "x" + " :a:" * 12500 + " x"
    assert clean_title(inner) == inner  # shortcodes between words are words of the title
    assert clean_title("Checkout down" + " :fire:" * 5000 + " 🔥") == "Checkout down"
    assert clean_title("Checkout down :fire: 🔥 :rotating_light:  ") == "Checkout down"
    assert clean_title("Checkout down :a::b:") == "Checkout down :a::b:"  # no shortcode: no space between
    pm = parse("# Checkout down" + " :a: x" * 4000 + " :a:" * 4000 + "\n\n## Summary\n\nS.\n")
    assert pm.title == "Checkout down" + " :a: x" * 4000


def test_a_duration_after_a_long_number_no_unit_follows_is_read():
    assert unknown_unit("1" * 50000 + "a! 25 min") is None
    assert read_duration("1" * 50000 + "a! 2h").minutes == 120
    # a number and a unit not ours just before: refused whole, as before
    for text, words in [
        ("1 godz. 25 min.", "1 godz."),
        ("1,5 godz. 10 min", "1,5 godz."),
        ("x 1 godz., 20 min", "1 godz."),
    ]:
        assert unknown_unit(text) == words
    assert unknown_unit("2 godziny und 30 min") == "2 godziny"


def test_many_durations_read_the_first_and_name_the_rest():
    read = read_duration("1h" * 25000)
    assert read.minutes == 60 and read.words == "1h"
    assert "not 1h, 1h" in read.note
    read = read_duration("10:00–10:45, then 1h and 12:00–12:30")
    assert read.minutes == 45 and read.note.endswith("not 1h, 12:00–12:30")
    pm = parse("# Incident\n\n**Duration:** " + "1h" * 5000 + "\n\n## Summary\n\nS.\n")
    assert pm.duration_minutes == 60
