"""The words a follow-up closed undone is said in (Won't Do, Cancelled, Duplicate, Cannot Reproduce) are kept in
one list, kb.schema's, which `recur check`'s did-you-mean and `recur import`'s status reading both take. Kept
twice, they had drifted apart: a follow-up written `status: cannot reproduce` (or will not fix, duplicated,
can't reproduce), which `recur import` reads as closed undone, got no word from `recur check` on what to write."""

import pytest
from click.testing import CliRunner
from kbfactory import small_kb, write

from recur.cli.main import cli
from recur.ingest.action_items import CANCELLED

# every word either list took before they were one (kb.schema's did-you-mean, action_items' status regex),
# in the spellings each read: with or without the apostrophe (straight or curly), spaced or not
WORDS = (
    *("cancelled", "canceled", "won't do", "wont do", "wontdo", "won’t do", "won't fix", "wont fix", "wontfix"),
    *("won'tfix", "will not do", "will not fix", "dropped", "obsolete", "abandoned", "not doing", "descoped"),
    *("declined", "duplicate", "duplicated", "cannot reproduce", "can't reproduce", "cant reproduce"),
    *("Can’t Reproduce", "Won't Do", "WONTFIX"),
    # a struck item's reasons (action_items._STRUCK_WHY) said it too: "Rejected" as a Status cell was an open item
    *("rejected", "Scrapped", "shelved", "Superseded", "out of scope", "Out Of  Scope", "deprioritised"),
    *("de-prioritised", "De-Prioritized", "deprioritized"),
)
# the words a struck item's reason opened with before the lists were one: each still reads it struck
STRUCK_LEADS = (
    *("rejected", "dropped", "declined", "descoped", "deprioritised", "de-prioritized", "superseded", "replaced"),
    *("abandoned", "cancelled", "canceled", "scrapped", "shelved", "obsolete", "duplicate", "not", "no longer"),
    *("won't", "won’t", "wont", "out of scope", "wontfix"),
)
SAID = "(a follow-up that will not be done is closed: write status: done and resolution: wont-do)"


def record(kb, status: str):
    write(
        kb,
        "incidents/2026/INC-2026-0400.md",
        "---\nid: INC-2026-0400\ntitle: Rebuild stalls\ndate: 2026-11-01\nseverity: sev3\npatterns: [disk-full]\n"
        f'follow_ups:\n  - title: Rewrite the rebuild in Go\n    status: "{status}"\n    owner: ana\n---\n\n'
        "## Summary\nThe nightly rebuild stalled.\n",
    )


@pytest.mark.parametrize("word", WORDS)
def test_import_reads_every_word_as_closed_undone(word):
    assert CANCELLED.match(word), word
    assert CANCELLED.match(f"  {word.upper()}. "), word


def test_check_says_what_to_write_for_every_word(tmp_path):
    kb = small_kb(tmp_path / "kb")
    missed = []
    for word in WORDS:
        record(kb, word)
        out = CliRunner().invoke(cli, ["check", "--kb", str(kb)]).output
        if f"follow_ups[0].status: must be one of open, done, not {word!r} {SAID}" not in out:
            missed.append(word)
    assert missed == []


def test_a_title_still_keeps_words_that_are_only_a_status(tmp_path):
    # "Duplicate" and "Declined" close an item as its status; in a title they are its words (not a cancel mark)
    from recur.ingest.action_items import _CANCEL_MARK

    for title in ("Merge the duplicate alerts (declined)", "Move X — duplicate", "Cannot reproduce: flaky test"):
        assert not _CANCEL_MARK.search(title), title
    for title in ("Move X (won't do)", "Move X — will not fix", "[Cancelled] Move X", "Wontfix: Move X"):
        assert _CANCEL_MARK.search(title), title


@pytest.mark.parametrize("word", STRUCK_LEADS)
def test_a_struck_item_with_a_reason_opening_on_each_word_is_closed_undone(word):
    from recur.ingest.action_items import parse_action_items

    (item,) = parse_action_items(f"- ~~Move sessions to Postgres~~ {word} in review\n")
    assert (item["title"], item.get("cancelled")) == (f"Move sessions to Postgres ({word} in review)", True)


@pytest.mark.parametrize("status", ["Rejected", "Scrapped", "Superseded", "Out of scope", "De-prioritised"])
def test_a_status_cell_in_the_new_words_closes_the_item_undone(status):
    from recur.ingest.action_items import parse_action_items

    table = f"| Action | Owner | Status |\n|---|---|---|\n| Move sessions to Postgres | Ana Ruiz | {status} |\n"
    (item,) = parse_action_items(table)
    assert (item["title"], item["owner"], item.get("cancelled")) == ("Move sessions to Postgres", "Ana Ruiz", True)
