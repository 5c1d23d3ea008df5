"""A path id given where a pattern id is wanted (`recur show first-week-on-call`, `recur lookalikes databases`)
said only "no pattern with id …": a newcomer holding the id of the onboarding path they were sent cannot tell
what went wrong. It is now said to be an onboarding path, with the command that reads it, as `recur check`
says of a path id in a step; and a plain word that is no id gets, after its did-you-mean, the search to run
instead. Found in a new-hire review."""

from __future__ import annotations

import json
import shutil

import httpx
from kbfactory import small_kb
from serve_util import fake_app, running

PATH_SAID = "'first-week' is an onboarding path (paths/first-week.yml), not a pattern: recur paths first-week"


def test_show_of_a_path_id_names_it_and_its_command(run):
    r = run("show", "first-week")
    assert r.exit_code == 1 and PATH_SAID in r.output and "no pattern with id" not in r.output


def test_show_of_a_plain_word_keeps_its_did_you_mean_and_offers_a_search(run):
    r = run("show", "pager")
    assert r.exit_code == 1
    assert "no pattern with id 'pager'" in r.output and 'to search by what you see: recur suggest "pager"' in r.output
    r = run("show", "disk-ful")
    assert "did you mean 'disk-full'?" in r.output


def test_show_of_a_typo_of_an_id_is_not_sent_to_search_as_well(run):
    """`recur show disk-ful` said "did you mean 'disk-full'?" and then to search for "disk-ful", two answers where
    `recur lookalikes` gives one (a search only for an id with no close one)."""
    r = run("show", "disk-ful")
    assert r.exit_code == 1 and "did you mean 'disk-full'?" in r.output, r.output
    assert "recur suggest" not in r.output and "to search by what you see" not in r.output, r.output


def test_show_of_a_retired_id_is_not_sent_to_search(run):
    r = run("show", "old-retired")  # printed, marked retired (tests/test_show_retired.py), no search offered
    assert r.exit_code == 0 and "Retired;" in r.output and "recur suggest" not in r.output


def test_lookalikes_of_a_path_id_names_it_and_a_word_gets_a_search(run):
    r = run("lookalikes", "first-week")
    assert r.exit_code == 1 and PATH_SAID in r.output and "unknown or retired" not in r.output
    r = run("lookalikes", "pager")
    assert r.exit_code == 1 and "pager" in r.output and 'recur suggest "pager"' in r.output


def test_the_api_says_a_path_id_is_an_onboarding_path(tmp_path):
    kb = small_kb(tmp_path / "kb")
    with running(fake_app(kb, tmp_path)) as base:
        r = httpx.get(base + "/api/patterns/first-week")
        other = httpx.get(base + "/api/patterns/no-such-thing")
    assert r.status_code == 404 and r.json()["error"] == {"code": "pattern_not_found", "message": PATH_SAID}
    assert other.json()["error"]["message"].startswith("no pattern with id 'no-such-thing'")


def test_lookalikes_of_several_unknown_ids_searches_each_word_alone(run):
    """`recur lookalikes pager disk-ful` said "recur suggest 'pager disk-ful'": one search of all the ids joined,
    a typo among them (found in a re-read). Each id with no close one gets its own; a misspelt id its did-you-mean."""
    r = run("lookalikes", "pager", "disk-ful", "printer")
    assert r.exit_code == 1 and "did you mean disk-full?" in r.output, r.output
    assert 'to search by what you see: recur suggest "pager" or recur suggest "printer"' in r.output, r.output
    assert "disk-ful'" not in r.output and 'suggest "disk-ful"' not in r.output


def test_the_search_is_in_double_quotes_where_a_shell_reads_nothing_in_them():
    """`it's broken` was quoted 'it'"'"'s broken (shlex.quote), which a newcomer cannot read back."""
    from recur.cli.show import search_command

    assert search_command(" it's broken ") == 'recur suggest "it\'s broken"'
    assert search_command("pager") == 'recur suggest "pager"'
    for text in ('say "hi"', "cost $5", "a`b`", "a\\b", "wow!"):
        assert search_command(text) == f"recur suggest '{text}'", text


def test_a_command_printed_for_a_kb_given_by_flag_carries_it(run, kb_dir, tmp_path):
    """`recur show --kb kb2 503` printed `recur suggest "503"` and `recur show --kb kb2 first-week` printed `recur
    paths first-week`: pasted, they read the other KB (found in a responder review). A command printed to copy
    carries the run's --kb (and --index), as the record command does (config.where_flags)."""
    import shutil

    other = tmp_path / "kb2"
    shutil.copytree(kb_dir, other)
    where = ["--kb", str(other), "--index", str(tmp_path / "index2")]
    flags = f"--kb {other} --index {tmp_path / 'index2'} "
    r = run("show", *where, "pager")
    assert r.exit_code == 1 and f'recur suggest {flags}"pager"' in r.output, r.output
    r = run("show", *where, "first-week")
    assert r.exit_code == 1 and f"recur paths --kb {other} first-week" in r.output, r.output
    r = run("lookalikes", *where, "pager")
    assert r.exit_code == 1 and f'recur suggest {flags}"pager"' in r.output, r.output
    r = run("show", "pager")  # the KB the variable names: no flag needed
    assert 'recur suggest "pager"' in r.output, r.output


def test_suggest_of_a_typo_of_one_id_says_it_and_proposes_no_record(run, kb_dir, tmp_path):
    """`recur suggest disk-ful` (one letter off an id) answered "No known pattern … record it: recur incident new -t
    disk-ful" and ranked disk-full low, where `recur show disk-ful` says "did you mean 'disk-full'?". An id-shaped
    token close to exactly one id now says so before the results, with the run's --kb, and offers no record."""
    other = tmp_path / "kb2"  # a KB given by flag, not the default: the printed command carries it
    shutil.copytree(kb_dir, other)
    r = run("suggest", "--kb", str(other), "--index", str(tmp_path / "index2"), "disk-ful")
    assert r.exit_code == 0, r.output
    meant = f"Did you mean disk-full? recur show --kb {other} --index {tmp_path / 'index2'} disk-full"
    assert meant in r.stdout.split("\n\n", 1)[0], r.stdout
    assert "recur incident new" not in r.stdout, r.stdout
    # a text that is no id-shaped token (spaces) still gets the record command
    assert "Did you mean" not in run("suggest", "disk ful").stdout


def test_a_typo_of_one_id_answered_from_the_index_alone_still_says_what_it_meant(run, kb_dir, tmp_path):
    """Found in a re-read: with no KB folder (`--kb gone --index idx`, the answer from the index alone) the
    terminal said only "No known pattern … No knowledge base folder …" where --json gave meant ["disk-full"]:
    render read it from the record, and there is no record without a KB folder."""
    index = tmp_path / "index-alone"
    assert run("suggest", "--kb", str(kb_dir), "--index", str(index), "disk full").exit_code == 0
    gone = tmp_path / "gone"
    r = run("suggest", "--kb", str(gone), "--index", str(index), "disk-ful")
    assert r.exit_code == 0, r.output
    assert json.loads(run("suggest", "--kb", str(gone), "--index", str(index), "--json", "disk-ful").stdout)[
        "meant"
    ] == ["disk-full"]
    assert f"Did you mean disk-full? recur show --kb {gone} --index {index} disk-full" in r.stdout, r.stdout
    assert "recur incident new" not in r.stdout, r.stdout


def test_a_typo_of_one_id_is_in_the_json_answer_and_the_api_as_meant(run, tmp_path):
    """`recur suggest disk-ful` said "Did you mean disk-full? recur show disk-full" on the terminal, and --json,
    --queries and /api/suggest carried nothing of it: a script or an assistant could not see it. Every answer now
    carries ``meant`` (the one rule the terminal says it by), [] when it is none: a text with spaces, an id in use,
    a text close to no id."""
    out = json.loads(run("suggest", "--json", "disk-ful").stdout)
    assert out["meant"] == ["disk-full"], out
    for text in ("disk ful", "disk-full", "No space left on device", "pager"):
        assert json.loads(run("suggest", "--json", text).stdout)["meant"] == [], text
    lines = tmp_path / "q.jsonl"
    lines.write_text('{"query": "disk-ful", "case": 1}\n{"query": "disk full"}\n', encoding="utf-8")
    batch = [json.loads(line) for line in run("suggest", "--queries", str(lines)).stdout.splitlines()]
    assert [b["meant"] for b in batch] == [["disk-full"], []] and batch[0]["case"] == 1, batch
    with running(fake_app(small_kb(tmp_path / "kb3"), tmp_path)) as base:
        api = httpx.post(base + "/api/suggest", json={"text": "disk-ful"}).json()
        plain = httpx.post(base + "/api/suggest", json={"text": "disk ful"}).json()
    assert api["meant"] == ["disk-full"] and plain["meant"] == [], (api, plain)
    assert list(api)[:7] == ["query", "query_note", "no_known_pattern", "results", "likelier", "credible", "corrected"]
