"""The suggest box's result cards in real Chromium, against `recur serve`'s app (the fixtures of
test_serve_browser.py): a low match's runbook is folded away, a high match's is shown."""

from __future__ import annotations

import httpx
import pytest
from test_serve_browser import ask, box_page, built, server  # noqa: F401  (fixtures, reused)

pytestmark = pytest.mark.browser


def test_a_low_match_folds_its_first_steps_and_evidence_away(chromium, server):  # noqa: F811
    """A low-confidence card showed its runbook (a `find ... -delete` among them) under "FIRST STEPS" as
    plainly as a 99% match: its steps and evidence are in a closed <details> that says to check the
    pattern fits first, and the card is muted; a high or medium match is shown as before."""
    base, _ = server
    text = "writes fail: No space left on device"
    answer = httpx.post(base + "/api/suggest", json={"text": text, "top": 5}, timeout=30).json()
    confidence = {r["id"]: r["confidence"] for r in answer["results"]}
    assert "low" in confidence.values() and {"high", "medium"} & set(confidence.values()), confidence
    with box_page(chromium, base + "/suggest.html", "api") as (page, errors):
        ask(page, text)
        page.wait_for_selector(".recur-suggest__card", timeout=15000)
        for card in page.query_selector_all(".recur-suggest__card"):
            pid = card.get_attribute("data-pattern")
            folded = card.query_selector("details.recur-suggest__unsure")
            steps = card.query_selector(".recur-suggest__steps")
            if confidence[pid] == "low":
                assert "recur-suggest__card--low" in card.get_attribute("class")
                assert folded is not None and folded.get_attribute("open") is None, pid
                assert folded.query_selector("summary").inner_text() == "First steps (low match: check it fits first)"
                assert not steps.is_visible()  # in the closed details
                assert folded.query_selector(".recur-suggest__evidence") is not None
                assert card.query_selector(":scope > .recur-suggest__evidence") is None
                folded.query_selector("summary").click()
                assert steps.is_visible()
            else:
                assert folded is None and steps.is_visible(), pid
                assert "recur-suggest__card--low" not in card.get_attribute("class")
                assert "FIRST STEPS" in card.inner_text().upper()
        assert not errors, errors
