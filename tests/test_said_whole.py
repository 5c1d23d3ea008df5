"""A short question holding (nearly) every word of one pattern's symptom or signal ranks that pattern first
(search.SAID_WHOLE). Found in review: "pods restarting with exit code 137", memory-leak-oom-kill's symptom word for
word, had bad-deploy-crashloop first, whose text speaks of restarting pods."""

import json

from kbfactory import pattern_text, write


def _kb(kb_dir):
    write(
        kb_dir,
        "patterns/capacity/batch-evicts.md",
        pattern_text("batch-evicts", symptoms=("pods restarting after every nightly batch",)),
    )
    restarts = (
        "pods restarting in a loop",
        "pods restarting after the deploy",
        "nightly pods restarting on worker nodes",
        "restarting pods keep restarting after every batch of deploys",
    )
    write(
        kb_dir,
        "patterns/capacity/pods-restarting.md",
        pattern_text("pods-restarting", title="Pods restarting", symptoms=restarts),
    )
    write(
        kb_dir,
        "patterns/capacity/batch-nightly.md",
        pattern_text("batch-nightly", symptoms=("nightly batch overruns into the morning",)),
    )


def _first(run, text: str) -> list:
    res = run("suggest", "--json", "--top", "3", text)
    assert res.exit_code == 0, res.output
    return [r["id"] for r in json.loads(res.stdout)["results"]]


def test_a_short_question_holding_one_patterns_symptom_ranks_it_first(run, kb_dir):
    _kb(kb_dir)
    for text in (
        "pods restarting after every nightly batch",  # as written
        "checkout pods restarting after the nightly batch",  # every word, and one more
        "pods restarting after every nightly run",  # all but one of five
    ):
        assert _first(run, text)[0] == "batch-evicts", text


def test_a_symptom_two_patterns_hold_or_a_long_text_is_no_such_evidence(run, kb_dir, tmp_path):
    """Two patterns' symptoms in one question tell neither apart; a text of more than 12 words is no short question
    (a paste holds many symptoms' words by chance); a symptom of fewer than 3 words is any text's."""
    from recur.retrieval.engine import Engine

    _kb(kb_dir)
    write(kb_dir, "patterns/capacity/short-one.md", pattern_text("short-one", symptoms=("batch late",)))
    _first(run, "pods")  # the index, built
    searcher = Engine.open(kb_dir, tmp_path / "index", "fake:64").searcher
    assert searcher.said_whole("pods restarting after every nightly batch") == "batch-evicts"
    long = "pods restarting after every nightly batch; checkout, payments and search answer slowly to customers in europe and asia"
    for text in ("pods restarting in a loop after every nightly batch", long, "batch late again"):
        assert searcher.said_whole(text) is None, text
