"""The starter KB (kb/, the demo) answers a responder's plain words: "checkout is down after deploy" ranked
global-config-push first and "what do I do when the db is full" unbounded-query (45%, medium) over disk-full
(1%), since neither pattern's symptoms said it that plainly. Found in a new-hire review; measured with
bench/retrieval.py (kb/eval/cases.yml unchanged: r@1 0.937, r@3 0.979, MRR 0.958)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "text, first",
    [("checkout is down after deploy", "bad-deploy-crashloop"), ("what do I do when the db is full", "disk-full")],
)
def test_plain_words_rank_the_pattern_they_describe_first(real_engine, text, first):
    answer = real_engine.answer(text, top=3)
    assert answer.results[0]["id"] == first, [(r["id"], r["probability"]) for r in answer.results]


def test_a_full_db_is_a_likely_disk_full(real_engine):
    answer = real_engine.answer("what do I do when the db is full", top=3)
    assert answer.results[0]["id"] == "disk-full" and answer.results[0]["confidence"] != "low"
