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
