"""A follow-up's owner left to fill in ("TBC", "TBA", "?"): no owner recorded, as "TBD" (a re-read of 2026-12's
merges found "TBC" and "?" recorded as owners; pm_text.PLACEHOLDER is the one list, action_items' dash tail's
too). Our own text."""

import pytest

from recur.ingest.postmortem import parse

HEAD = "# Checkout down\n\nDate: 2026-11-20\n\n## Summary\n\nS.\n\n## Action items\n\n"


def items(body: str) -> list:
    return [(a["title"], a["owner"], a["due"]) for a in parse(HEAD + body).action_items]


@pytest.mark.parametrize("blank", ["TBC", "TBA", "TBD", "?", "??"])
def test_an_owner_left_to_fill_in_is_no_owner(blank):
    assert items(f"- Rotate the keys (owner: {blank})\n") == [("Rotate the keys", None, None)]
    table = f"| Action | Owner | Due |\n|---|---|---|\n| Rotate the keys | {blank} | 2026-12-19 |\n"
    assert [(t, o, str(d)) for t, o, d in items(table)] == [("Rotate the keys", None, "2026-12-19")]
    assert [(t, o, str(d)) for t, o, d in items(f"- Rotate the keys — {blank} — 2026-12-19\n")] == [
        ("Rotate the keys", None, "2026-12-19")
    ]


def test_a_named_owner_is_still_read():
    assert items("- Rotate the keys (owner: Ana Ruiz)\n") == [("Rotate the keys", "Ana Ruiz", None)]
    assert items("- Rotate the keys — Ana Ruiz — 2026-12-19\n")[0][1] == "Ana Ruiz"


@pytest.mark.parametrize("blank", ["None", "(none)", "n/a.", "N / A", "Unknown", "Not assigned", "TBD (will assign)"])
def test_an_owner_said_to_be_none_is_no_owner(blank):
    """A re-read found these recorded as owners ('TBD' of "TBD (will assign)"): the words for no one are one
    list (action_items._NO_OWNER), read the same in a follow-up's owner and the review owner."""
    table = f"| Action | Owner | Due |\n|---|---|---|\n| Rotate the keys | {blank} | 2026-12-19 |\n"
    assert [(t, o, str(d)) for t, o, d in items(table)] == [("Rotate the keys", None, "2026-12-19")]
    assert items(f"- Rotate the keys\n  - Owner: {blank}\n") == [("Rotate the keys", None, None)]
