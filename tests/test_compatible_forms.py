"""A question in Unicode's compatibility forms is searched as its plain letters (util.text.compatible, NFKC):
full-width "ＤＩＳＫ ＦＵＬＬ" (a CJK input method) and mathematical bold "𝐝𝐢𝐬𝐤 𝐟𝐮𝐥𝐥" (pasted from a chat tool or a
PDF). Found in an MCP review: BM25 read them as "disk full" already, but the model, the signals and the language
check read them as typed, and both were "no known pattern" where "DISK FULL" finds disk-full; the bold one was
said to be "not in the Latin script". The answer still echoes the text as typed."""

import json
import unicodedata

import pytest
from kbfactory import pattern_text, write

from recur.retrieval.query import prepare

FULL_WIDTH = "ＤＩＳＫ ＦＵＬＬ：　ｗｒｉｔｅｓ　ｆａｉｌ　ｗｉｔｈ　ＥＮＯＳＰＣ"
BOLD = "𝐝𝐢𝐬𝐤 𝐟𝐮𝐥𝐥: 𝐰𝐫𝐢𝐭𝐞𝐬 𝐟𝐚𝐢𝐥 𝐰𝐢𝐭𝐡 𝐄𝐍𝐎𝐒𝐏𝐂"
PLAIN = "DISK FULL: writes fail with ENOSPC"
BOLD_PLAIN = "disk full: writes fail with ENOSPC"
# a Go log's duration, with the micro sign (U+00B5) NFKC reads as the Greek mu (U+03BC)
MICRO = "relay handshake timed out after 500µs"


def _answer(run, text: str) -> dict:
    res = run("suggest", "--json", "--top", "3", text)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def _ranked(answer: dict) -> list:
    return [(r["id"], r["confidence"], r["probability"], r["why"]) for r in answer["results"]]


@pytest.mark.parametrize("text, same", [(FULL_WIDTH, PLAIN), (BOLD, BOLD_PLAIN)])
def test_a_question_in_full_width_or_bold_letters_is_answered_as_the_same_in_plain_letters(run, text, same):
    plain = _answer(run, same)
    assert plain["results"][0]["id"] == "disk-full"
    assert any(w["field"] == "signal" and w["text"] == "ENOSPC" for w in plain["results"][0]["why"])
    got = _answer(run, text)
    assert _ranked(got) == _ranked(plain)
    assert got["no_known_pattern"] == plain["no_known_pattern"]
    assert got["query"] == text  # echoed as typed
    assert "Latin" not in (got.get("query_note") or "")


def test_the_bold_question_is_read_as_latin_letters_and_its_prepared_text_kept_as_typed():
    from recur.util.text import compatible

    p = prepare(BOLD)
    assert p.text == BOLD and p.searched == BOLD_PLAIN
    assert not p.non_latin and not p.non_english
    assert compatible(FULL_WIDTH) == PLAIN
    assert compatible(PLAIN) is PLAIN  # ASCII: as it is


def test_a_signal_in_compatibility_forms_is_found_whole_in_the_same_text_as_pasted(run, kb_dir):
    """The KB's signals are read NFKC too: a signal with "µs" pasted with its "µs" is still found whole (the text
    searched reads "μs"), and listed once in the why (its view not again by meaning), as read."""
    write(kb_dir, "patterns/network/relay-handshake.md", pattern_text("relay-handshake", "network", signals=[MICRO]))
    got = _answer(run, f"pod-7: {MICRO}")
    first = got["results"][0]
    assert first["id"] == "relay-handshake"
    found = [(unicodedata.normalize("NFKC", w["text"]), w["match"]) for w in first["why"] if w["field"] == "signal"]
    assert found == [(unicodedata.normalize("NFKC", MICRO), "exact")], first["why"]
