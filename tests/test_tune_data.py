"""What `recur tune` trains on and the cheap checks around a tuned model (no model loaded)."""

import json

import pytest
from kbfactory import pattern_text, small_kb, write

from recur.kb.loader import load_kb
from recur.retrieval.models import tuned_model_for
from recur.tuning.data import changed_share, retune_advice, training_data, without_held_out
from recur.tuning.tune import not_worse


def test_pairs_cover_fields_and_incidents_but_never_eval_cases(kb_dir):
    # a symptom that is word for word an eval case must not be trained on
    write(
        kb_dir,
        "patterns/capacity/disk-full.md",
        pattern_text(
            "disk-full",
            title="Disk full on a host",
            symptoms=("writes fail", "ENOSPC while writing the WAL"),
            signals=("No space left on device",),
            root_cause="The volume filled up.",
            summary="A filesystem runs out of bytes.",
            fix=None,
        ),
    )
    data = training_data(load_kb(kb_dir), all_anchors=False)
    anchors = {a for a, _ in data.pairs}
    assert "ENOSPC while writing the WAL" not in anchors
    assert "FATAL: sorry, too many clients already" not in anchors  # the other case (a signal there)
    assert ("Disk full on a host", "disk-full") in data.pairs
    assert ("writes fail", "disk-full") in data.pairs
    assert ("The volume filled up.", "disk-full") not in data.pairs  # root causes: only with all_anchors
    full = training_data(load_kb(kb_dir))  # the default: every anchor kind
    assert ("The volume filled up.", "disk-full") in full.pairs
    assert ("No space left on device", "disk-full") in full.pairs
    assert {"signal", "cause"} <= set(full.kinds) and full.pattern_hashes == data.pattern_hashes
    assert any(
        pid == "db-pool-exhausted" and a.startswith("Checkout hung on database connections") for a, pid in data.pairs
    )  # the linked incident's title + summary
    assert "old-retired" not in data.docs and all(pid != "old-retired" for _, pid in data.pairs)
    assert data.docs["disk-full"].startswith("Disk full on a host.")
    assert data.eval_source == "eval/cases.yml" and len(data.cases) == 2  # no pattern has 3 symptoms to hold out
    assert data.kinds["incident"] == 1 and set(data.kinds) == {"title", "symptom", "incident"}
    assert training_data(load_kb(kb_dir), all_anchors=False).hash == data.hash  # stable


def test_kb_without_cases_holds_out_one_symptom_per_pattern(kb_dir):
    (kb_dir / "eval" / "cases.yml").unlink()
    write(
        kb_dir,
        "patterns/network/dns-failure.md",
        pattern_text(
            "dns-failure",
            "network",
            title="DNS resolution failure",
            symptoms=("hostnames do not resolve", "SERVFAIL from resolvers", "every dependency looks down"),
        ),
    )
    kb = load_kb(kb_dir)
    data = training_data(kb)
    assert data.eval_source == "held-out symptoms"
    assert list(data.held_out) == ["dns-failure"]  # the only pattern with 3+ symptoms
    held = data.held_out["dns-failure"]
    assert [c.query for c in data.cases] == [held] and data.cases[0].expect == ["dns-failure"]
    assert held not in {a for a, _ in data.pairs}
    assert held not in without_held_out(kb, data.held_out).patterns["dns-failure"].symptoms
    assert held in kb.patterns["dns-failure"].symptoms  # the KB itself is untouched
    # found in review: the positive every anchor trains against is the pattern's doc view, which
    # lists every symptom; the held-out one was trained on there, word for word
    assert held not in data.docs["dns-failure"] and kb.patterns["dns-failure"].symptoms[0] in data.docs["dns-failure"]


def test_confirmed_feedback_becomes_pairs(kb_dir, tmp_path):
    from recur.ingest.feedback import record

    fb = tmp_path / "feedback.jsonl"
    record(fb, "checkout stuck, db pool at max", "db-pool-exhausted", True)
    record(fb, "pages slow", "disk-full", False)  # a 👎 is not a pair
    record(fb, "something", "no-such-pattern", True)
    data = training_data(load_kb(kb_dir), fb)
    assert ("checkout stuck, db pool at max", "db-pool-exhausted") in data.pairs
    assert data.feedback == 1 and not any(a == "pages slow" for a, _ in data.pairs)


def test_feedback_for_a_renamed_or_merged_pattern_trains_its_successor(kb_dir, tmp_path):
    """Renamed as the format says (the old file kept, retired, superseded_by the new id), a pattern's votes name
    its old id: tune dropped them all without a word. One successor (a rename, a merge) takes them; a split's
    two successors do not (which half each query was is not known)."""
    from recur.ingest.feedback import record

    write(kb_dir, "patterns/capacity/volume-full.md", pattern_text("volume-full", title="Volume full"))
    retired = "superseded_by: volume-full\nfix:\n  status: done\n  done: 2026-01-02"
    write(kb_dir, "patterns/capacity/disk-full.md", pattern_text("disk-full", status="retired", extra_front=retired))
    split = "superseded_by: [volume-full, db-pool-exhausted]"
    write(
        kb_dir,
        "patterns/deploys/old-retired.md",
        pattern_text("old-retired", "deploys", status="retired", extra_front=split),
    )
    fb = tmp_path / "feedback.jsonl"
    queries = ("the data volume is at 100% and writes fail", "df says 100% on /data", "deploy broke the pool")
    record(fb, queries[0], "disk-full", True)
    record(fb, queries[1], "disk-full", True)
    record(fb, queries[1], "volume-full", True)  # voted under both ids: one pair
    record(fb, queries[2], "old-retired", True)
    kb = load_kb(kb_dir)
    assert not kb.errors, kb.errors
    data = training_data(kb, fb)
    assert [(a, pid) for a, pid in data.pairs if a in queries] == [
        (queries[0], "volume-full"),
        (queries[1], "volume-full"),
    ]
    assert data.feedback == 2


def test_votes_under_a_renamed_patterns_old_and_new_ids_are_judged_together(kb_dir, tmp_path):
    """Found re-reading the rename merge: the votes under the old id were judged apart from the new id's, so a
    query one voter 👍 before the rename and two 👎 after (`recur feedback summary`: rejected for it) was trained
    on as the new pattern's; and one 👍 after two 👎 before, left out. Each voter counted once, as one pattern."""
    from recur.ingest.feedback import record

    write(kb_dir, "patterns/capacity/volume-full.md", pattern_text("volume-full", title="Volume full"))
    retired = "superseded_by: volume-full\nfix:\n  status: done\n  done: 2026-01-02"
    write(kb_dir, "patterns/capacity/disk-full.md", pattern_text("disk-full", status="retired", extra_front=retired))
    fb = tmp_path / "feedback.jsonl"
    record(fb, "pool flapping on /data", "disk-full", True)
    record(fb, "pool flapping on /data", "volume-full", False)
    record(fb, "Pool flapping on /data", "volume-full", False)
    record(fb, "df says 100% on /data", "disk-full", False)
    record(fb, "df says 100% on /data", "disk-full", False)
    record(fb, "df says 100% on /data", "volume-full", True)
    record(fb, "the data volume is at 100%", "disk-full", True)
    record(fb, "the data volume is at 100%", "volume-full", False)
    record(fb, "the data volume is at 100%", "volume-full", True)
    data = training_data(load_kb(kb_dir), fb)
    voted = ("pool flapping on /data", "df says 100% on /data", "the data volume is at 100%")
    assert [(a, pid) for a, pid in data.pairs if a in voted] == [("the data volume is at 100%", "volume-full")]
    assert data.feedback == 1


def test_the_kb_repositorys_feedback_log_left_unread_from_another_folder_is_said(kb_dir, tmp_path, monkeypatch):
    """Carried from reviews: the feedback log's default is under the current folder (a public interface,
    kept), so `recur tune --kb ../kb` from another folder learned from no feedback, saying nothing, while
    the KB's repository had a log beside the KB (.recur/feedback.jsonl, where `recur serve` run there writes)."""
    from recur.ingest.feedback import record
    from recur.tuning.tune import start_line

    monkeypatch.delenv("RECUR_FEEDBACK", raising=False)
    (tmp_path / ".recur").mkdir()
    record(tmp_path / ".recur" / "feedback.jsonl", "checkout stuck, db pool at max", "db-pool-exhausted", True)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    data = training_data(load_kb("../kb"))
    assert data.feedback == 0
    assert start_line(data).splitlines()[-1] == (
        "note: no feedback log at .recur/feedback.jsonl (under the current folder; the KB ../kb is not), and the "
        "KB's repository has ../.recur/feedback.jsonl: RECUR_FEEDBACK=../.recur/feedback.jsonl learns from it."
    )
    monkeypatch.setenv("RECUR_FEEDBACK", "../.recur/feedback.jsonl")  # as the note says
    data = training_data(load_kb("../kb"))
    assert data.feedback == 1 and data.feedback_note == ""
    monkeypatch.delenv("RECUR_FEEDBACK")
    monkeypatch.chdir(tmp_path)  # from the KB's repository: its own log, no note
    data = training_data(load_kb("kb"))
    assert data.feedback == 1 and data.feedback_note == ""


def _fake_tuned(folder, kb_dir, hashes):
    folder.mkdir(parents=True)
    (folder / "recur-model.json").write_text(
        json.dumps({"model_id": "tuned:x", "kb": str(kb_dir.resolve()), "pattern_hashes": hashes, "date": "2026-01-01"})
    )


def test_tuned_model_for_matches_the_kb(kb_dir, tmp_path):
    folder = kb_dir.parent / ".recur" / "model"  # <kb>/../.recur/model
    assert tuned_model_for(kb_dir) is None
    _fake_tuned(folder, kb_dir, {})
    assert tuned_model_for(kb_dir) == folder.resolve()
    other = tmp_path / "other" / "kb"
    other.mkdir(parents=True)
    assert tuned_model_for(other) is None


def test_a_kb_path_with_a_nul_in_it_names_no_kb(kb_dir):
    """recur-model.json's kb "a\\u0000b" is text, but no path: os.stat's ValueError was a traceback
    from every command looking for the KB's model. It names no KB, like a path that does not exist."""
    folder = kb_dir.parent / ".recur" / "model"
    folder.mkdir(parents=True)
    manifest = {"model_id": "tuned:x", "kb": f"{kb_dir}\u0000", "kb_relative": "../../kb\u0000"}
    (folder / "recur-model.json").write_text(json.dumps(manifest))
    assert tuned_model_for(kb_dir) is None


def test_a_repository_moved_or_copied_with_its_recur_folder_keeps_its_tuned_model(tmp_path, monkeypatch):
    """The manifest records the KB's absolute path and, since, its place relative to the model folder:
    a checkout moved, renamed or copied elsewhere (a clone, a CI workspace) with its .recur/ still
    finds its tuned model, so its index (built with that model) is not refused; another KB does not."""
    import shutil

    from recur.retrieval.models import active_model

    repo = tmp_path / "team-kb"
    small_kb(repo / "kb")
    folder = repo / ".recur" / "model"
    folder.mkdir(parents=True)
    manifest = {"model_id": "tuned:x", "kb": str((repo / "kb").resolve()), "kb_relative": "../../kb"}
    (folder / "recur-model.json").write_text(json.dumps(manifest))
    moved = tmp_path / "elsewhere" / "kb-renamed"
    shutil.copytree(repo, moved)
    shutil.rmtree(repo)  # moved: the recorded absolute path is gone
    monkeypatch.chdir(tmp_path)
    assert tuned_model_for(moved / "kb") == (moved / ".recur/model").resolve()
    assert active_model(moved / "kb") == str((moved / ".recur/model").resolve())
    shutil.copytree(moved, tmp_path / "copy")  # copied: both have their model
    assert tuned_model_for(tmp_path / "copy/kb") == (tmp_path / "copy/.recur/model").resolve()
    assert tuned_model_for(moved / "kb") == (moved / ".recur/model").resolve()
    other = small_kb(tmp_path / "other" / "kb")
    assert tuned_model_for(other) is None
    manifest.pop("kb_relative")  # a model tuned before kb_relative was recorded: the absolute path only
    (moved / ".recur/model/recur-model.json").write_text(json.dumps(manifest))
    assert tuned_model_for(moved / "kb") is None


def test_retune_advice_after_enough_change(kb_dir):
    kb = load_kb(kb_dir)
    hashes = training_data(kb).pattern_hashes
    _fake_tuned(kb_dir.parent / ".recur" / "model", kb_dir, hashes)
    assert retune_advice(kb_dir, kb) is None
    write(kb_dir, "patterns/network/new-one.md", pattern_text("new-one", "network", symptoms=("links drop",)))
    kb = load_kb(kb_dir)
    advice = retune_advice(kb_dir, kb)
    assert advice and "1 of 3 patterns" in advice and "recur tune" in advice
    assert changed_share({"a": "1", "b": "2"}, {"a": "1", "b": "3", "c": "4"}) == (2, 2)


def test_pattern_hashes_are_the_training_datas_without_reading_eval_files_or_feedback(kb_dir, tmp_path):
    """retune_advice (on an engine open that rebuilds the index with a tuned model) computes the hashes alone:
    the same as training_data records in the manifest, whatever the feedback, the eval files, the anchor
    kinds or the held-out symptoms and incidents (training_data read all those for them: 0.8 s of an open
    with a 50,000-line feedback log)."""
    from kbfactory import incident_kb

    from recur.ingest.feedback import record
    from recur.tuning.data import pattern_hashes

    fb = tmp_path / "feedback.jsonl"
    record(fb, "checkout stuck, db pool at max", "db-pool-exhausted", True)
    (kb_dir / "eval" / "cases-more.yml").write_text('- query: "writes fail"\n  expect: [disk-full]\n')
    without_cases = small_kb(tmp_path / "no-cases")
    (without_cases / "eval" / "cases.yml").unlink()  # a symptom held out to measure on
    three = ("hostnames do not resolve", "SERVFAIL from resolvers", "every dependency looks down")
    write(without_cases, "patterns/network/dns-failure.md", pattern_text("dns-failure", "network", symptoms=three))
    held = []
    for folder in (kb_dir, without_cases, incident_kb(tmp_path / "incidents")):  # the last: incidents held out
        kb = load_kb(folder)
        for data in (training_data(kb, fb), training_data(kb, fb, all_anchors=False), training_data(kb)):
            assert pattern_hashes(kb) == (data.pattern_hashes, data.text_hashes), folder
            assert len(data.pattern_hashes) == len(kb.active_patterns())
            held.append((data.feedback, len(data.held_out), len(data.held_incidents)))
    assert [h[0] for h in held[:2]] == [1, 1] and held[3][1] == 1 and held[6][2] == 11  # each case is there


def test_retune_advice_is_not_printed_when_another_model_is_in_use(kb_dir, monkeypatch):
    """Found in review: `recur index --model default` advised re-tuning a tuned model it does not use
    (printed with the real tuned model in use: test_tune.py)."""
    from click.testing import CliRunner

    from recur.cli.main import cli

    monkeypatch.chdir(kb_dir.parent)
    _fake_tuned(kb_dir.parent / ".recur" / "model", kb_dir, {"gone": "x"})  # every pattern differs
    assert "a re-tune is worthwhile" in retune_advice(kb_dir, load_kb(kb_dir))
    monkeypatch.setenv("RECUR_MODEL", "fake:32")  # as --model: not the tuned model
    res = CliRunner().invoke(cli, ["index", "--kb", str(kb_dir), "--index", str(kb_dir.parent / "idx")])
    assert res.exit_code == 0, res.output
    assert "re-tune" not in res.output


@pytest.mark.parametrize("date", [42, None, ["2026-01-01"], {"day": 1}, ""])
def test_retune_advice_with_a_date_that_is_not_text_leaves_the_date_out(kb_dir, date):
    """recur-model.json's date only dates the advice: a number, null or a mapping was a TypeError
    traceback from `recur index` (date[:10]); a list was printed as a list. Shown as "?"."""
    folder = kb_dir.parent / ".recur" / "model"
    _fake_tuned(folder, kb_dir, {"gone": "x"})  # every pattern differs
    manifest = json.loads((folder / "recur-model.json").read_text())
    (folder / "recur-model.json").write_text(json.dumps({**manifest, "date": date}))
    advice = retune_advice(kb_dir, load_kb(kb_dir))
    assert "since the model was tuned (?): a re-tune is worthwhile" in advice, advice


def test_retune_advice_counts_incidents_apart_and_not_again_after_a_refused_run(tmp_path):
    """Found in review: incidents linked since tuning were counted as changed patterns ("29 of 60
    patterns were added, changed or removed"), and the advice came back right after a refused
    re-tune, for what that run had just measured."""
    from kbfactory import incident_kb

    kb_dir = incident_kb(tmp_path / "kb")
    kb = load_kb(kb_dir)
    data = training_data(kb)
    folder = tmp_path / ".recur" / "model"
    _fake_tuned(folder, kb_dir, data.pattern_hashes)
    old = sorted(data.trained_incidents + data.held_incidents)
    manifest = {
        **json.loads((folder / "recur-model.json").read_text()),
        "pattern_text_hashes": data.text_hashes,
        "trained_incidents": old[:20],  # 17 of the 37 linked since
    }
    (folder / "recur-model.json").write_text(json.dumps(manifest))
    advice = retune_advice(kb_dir, kb)
    assert advice and "patterns were" not in advice, advice
    assert "17 incidents linked since the model was tuned (2026-01-01)" in advice
    # a refused re-tune saw them all: no advice for what it measured
    refused = tmp_path / ".recur" / "model.rejected"
    refused.mkdir()
    seen = {**manifest, "date": "2026-02-01", "trained_incidents": data.trained_incidents}
    (refused / "recur-model.json").write_text(json.dumps({**seen, "held_out_incidents": data.held_incidents}))
    assert retune_advice(kb_dir, kb) is None
    # a pattern changed since that run: counted from it, and said to be from a refused run
    for pid in ("new-one", "new-two"):
        write(kb_dir, f"patterns/network/{pid}.md", pattern_text(pid, "network", symptoms=(f"{pid} drops",)))
    advice = retune_advice(kb_dir, load_kb(kb_dir))
    assert advice and f"2 of {len(data.text_hashes)} patterns were added" in advice and "incident" not in advice, advice
    assert "(2026-02-01, refused)" in advice


def test_few_eval_cases_are_measured_with_held_out_symptoms_too(kb_dir):
    """A gate on one or two eval cases passes any candidate that ties on them: below EVAL_FLOOR the
    held-out symptoms are measured on too, and it says so; at the floor, the eval cases alone."""
    from recur.tuning.data import EVAL_FLOOR

    symptoms = ("hostnames do not resolve", "SERVFAIL from resolvers", "every dependency looks down")
    write(kb_dir, "patterns/network/dns-failure.md",
          pattern_text("dns-failure", "network", title="DNS resolution failure", symptoms=symptoms))  # fmt: skip
    data = training_data(load_kb(kb_dir))
    assert data.eval_source == "eval/cases.yml + held-out symptoms"
    assert [c.source for c in data.cases] == ["eval/cases.yml"] * 2 + ["held-out symptom"]
    assert data.cases[2].query == data.held_out["dns-failure"] in symptoms
    assert data.held_out["dns-failure"] not in {a for a, _ in data.pairs}
    assert f"only 2 eval cases, fewer than {EVAL_FLOOR}, so held-out symptoms are measured on too" in data.note
    many = "".join(f"- query: dns lookups fail {i}\n  expect: [dns-failure]\n" for i in range(EVAL_FLOOR - 2))
    with open(kb_dir / "eval" / "cases.yml", "a") as fh:
        fh.write(many)
    data = training_data(load_kb(kb_dir))
    assert data.eval_source == "eval/cases.yml" and len(data.cases) == EVAL_FLOOR and not data.held_out
    assert "held-out symptoms are measured on too" not in data.note


def test_not_worse_gate():
    base = {"cases": 20, "recall@3": 0.8, "mrr": 0.6}
    assert not_worse(base, {"recall@3": 0.8, "mrr": 0.6})
    assert not_worse(base, {"recall@3": 0.75, "mrr": 0.65})  # one case of 20 may slip if MRR holds
    assert not not_worse(base, {"recall@3": 0.70, "mrr": 0.9})  # two cases may not
    assert not not_worse(base, {"recall@3": 0.9, "mrr": 0.59})
    assert not not_worse(base, {"recall@3": 0.9, "mrr": 0.65}, min_gain=0.1)


def test_below_the_incident_floor_measures_as_before_and_says_so(kb_dir):
    data = training_data(load_kb(kb_dir))
    assert data.eval_source == "eval/cases.yml" and not data.held_incidents
    assert data.linked == 1 and "1 linked incident covering 1 pattern; at least 30" in data.note
    assert "eval cases / held-out symptoms instead" in data.note


def test_a_run_prints_the_data_floor_note_once(kb_dir):
    """The note was logged at the start and printed again in the summary, then only in the summary,
    after minutes of training (found in review): now once, before anything is measured or trained."""
    from recur.tuning.tune import start_line, summary_lines

    data = training_data(load_kb(kb_dir))
    metrics = {"recall@1": 0.5, "recall@3": 1.0, "mrr": 0.75}
    m = {
        "incident_note": data.note,
        "eval_cases": len(data.cases),
        "eval_source": data.eval_source,
        "gate": None,
        "eval_before": metrics,
        "eval_after": metrics,
        "eval_before_dense": metrics,
        "eval_after_dense": metrics,
        "pairs": len(data.pairs),
        "epochs": 1,
        "train_s": 1.0,
        "pairs_per_s": 10.0,
        "train_cpu_s": 1.0,
        "threads": 1,
        "duration_s": 2.0,
    }
    printed = "\n".join([start_line(data), *summary_lines(m)])
    assert data.note and printed.count(data.note) == 1
    assert f"note: {data.note}." in start_line(data).splitlines()
    assert "eval cases (eval/cases.yml), never trained on." in start_line(data)


def test_a_runs_outcome_is_a_record_of_what_recur_tune_says(kb_dir):
    """Found in review: run_tune returned its manifest and `recur tune` read it by keys ("activated"
    absent meant active). The outcome is a frozen record built from the manifest, which it carries."""
    import dataclasses

    from recur.tuning.tune import TuneOutcome, outcome, refusal_reason, summary_lines

    metrics = {"recall@1": 0.5, "recall@3": 1.0, "mrr": 0.75}
    m = {
        "model_id": "tuned:x",
        "compared_with": "base",
        "accepted": True,
        "incident_note": "",
        "eval_cases": 4,
        "eval_source": "eval/cases.yml",
        "gate": None,
        "dense_check": {"mean_delta": -0.31, "interval": [-0.42, -0.2], "clearly_worse": True},
        **{k: metrics for k in ("eval_before", "eval_after", "eval_before_dense", "eval_after_dense")},
        **{"pairs": 10, "epochs": 1, "train_s": 1.0, "pairs_per_s": 10.0, "train_cpu_s": 1.0, "threads": 1},
        "duration_s": 2.0,
    }
    done = outcome(m, 0.0)
    assert isinstance(done, TuneOutcome) and done.manifest is m and done.summary == tuple(summary_lines(m))
    assert (done.accepted, done.activated, done.model_id, done.refusal) == (True, True, "tuned:x", "")
    with pytest.raises(dataclasses.FrozenInstanceError):
        done.accepted = False
    assert outcome({**m, "activated": False}, 0.0).activated is False  # tuned into a folder the KB never reads
    refused = outcome({**m, "accepted": False}, 0.0)
    assert not refused.activated and refused.refusal == refusal_reason(m, 0.0)
    assert "own ranking (dense-only) measured clearly worse than base" in refused.refusal


def test_enough_linked_incidents_measure_on_the_newest_ones(tmp_path):
    from kbfactory import incident_kb

    from recur.tuning.data import INCIDENT_SOURCE, eval_kb, linked_incidents

    kb = load_kb(incident_kb(tmp_path / "kb"))
    data = training_data(kb)
    linked = linked_incidents(kb)
    assert data.note == "" and data.eval_source == INCIDENT_SOURCE and data.linked == len(linked) == 37
    newest = [i.id for i in linked[-11:]]  # 30% of 37, by date
    assert data.held_incidents == newest
    held_texts = {c.query for c in data.cases}
    assert len(data.cases) == 11 and all(c.source.startswith("incident ") for c in data.cases)
    assert not held_texts & {a for a, _ in data.pairs}  # never trained on what is measured
    assert "FATAL: sorry, too many clients already" not in {a for a, _ in data.pairs}  # eval cases neither
    assert data.kinds["incident"] == 26 and len(data.late_pairs) == 11
    from recur.tuning.tune import start_line  # said "11 incidents (held-out incidents (time split))"

    assert start_line(data).endswith(
        "; 11 held-out incidents (time split), never trained on before the measurement (an accepted model "
        "learns them in a final pass)."
    )
    fold = eval_kb(kb, data)  # the measuring index's KB: without the held-out incidents
    assert set(fold.incidents) == set(kb.incidents) - set(newest) and len(kb.incidents) == 38
    assert all(i not in {x.id for x in fold.incidents_for(pid)} for pid in kb.patterns for i in newest)


def test_incident_gate_decisions():
    from recur.tuning.gate import decide, gate_line

    up = decide([2, 3, None, 1, 2] * 6, [1, 1, 4, 1, 1] * 6)
    assert up.verdict == "better" and up.mean_delta > 0 and up.interval[0] > -0.02 and up.n == 30
    down = decide([1, 1, 2, 1, 3] * 6, [2, 3, 2, 1, None] * 6)
    assert down.verdict == "worse" and down.mean_delta < 0
    noisy = decide([1, None, 1, 5, 2, 1, None, 3, 1, 1], [None, 1, 1, 5, 1, 1, 1, 3, None, 1])
    # mean up but the interval reaches a loss: "never activate a model that measures worse" activates it, and says so
    assert noisy.verdict == "better" and noisy.interval[0] < -0.02 < noisy.mean_delta
    assert "does not rule out a loss" in noisy.reason and "rules out" in up.reason
    same = decide([1, 2] * 10, [1, 2] * 10)
    assert same.verdict == "inconclusive" and same.reason == "no held-out incident moved"  # no change is not better
    swapped = decide([5, 6] + [1] * 38, [6, 5] + [1] * 38)  # ranks moved, cancelling, within the noise
    assert (
        swapped.verdict == "inconclusive" and swapped.mean_delta == 0 and swapped.reason != "no held-out incident moved"
    )
    netzero = decide([1, 1, 2, 2], [2, 2, 1, 1])  # ups and downs that cancel: no gain and it may lose
    assert netzero.mean_delta == 0 and netzero.verdict == "worse"
    assert decide([2, 3, None, 1, 2] * 6, [1, 1, 4, 1, 1] * 6, min_gain=0.9).verdict == "inconclusive"
    lost = decide([1, 2, 3, 9] * 8, [1, 1, 1, 1] * 4 + [4, 4, 4, 1] * 4)
    assert lost.recall3_lost > lost.recall3_allowed and lost.verdict == "inconclusive"
    assert "90% paired-bootstrap interval" in gate_line(up.to_json())


def test_a_gain_carried_by_bm25_while_the_model_collapsed_is_refused():
    """The hybrid ranking gained, but the vectors alone lost nearly everything (what a learning rate
    1,000 times too high did, and the hybrid-only gate activated): refused, and the line says why."""
    from recur.tuning.gate import decide, dense_loss, gate_line

    hybrid = ([2, 3, None, 1, 2] * 6, [1, 1, 4, 1, 1] * 6)
    collapsed = decide(*hybrid, dense=dense_loss([1, 1, 2, 1, 3] * 6, [None, 7, None, 9, None] * 6))
    assert collapsed.verdict == "worse" and collapsed.mean_delta > 0 and collapsed.dense_interval[1] < -0.02
    assert "dense-only" in collapsed.reason and "dense-only" in gate_line(collapsed.to_json())
    helped = decide(*hybrid, dense=dense_loss([2, 3, None, 1, 2] * 6, [1, 2, 5, 1, 1] * 6))
    assert helped.verdict == "better" and helped.dense_mean_delta > 0
    # one incident down a rank: a loss within the noise
    noise = decide(*hybrid, dense=dense_loss([1] * 30, [2] + [1] * 29))
    assert noise.verdict == "better" and noise.dense_mean_delta < 0 and noise.dense_interval[1] >= -0.02
    before_dense = {k: v for k, v in decide(*hybrid).to_json().items() if not k.startswith("dense")}
    assert "dense-only" not in gate_line(before_dense)  # a manifest written before the dense figures


def test_auto_epochs_gives_small_kbs_enough_steps_and_large_ones_one_pass():
    from recur.tuning.train import MAX_AUTO_EPOCHS, MIN_STEPS, auto_epochs

    assert auto_epochs(8 * 32 * MIN_STEPS, 32) == 1  # a large KB: one epoch is already many steps
    assert auto_epochs(MIN_STEPS * 32, 32) == 1
    assert auto_epochs(MIN_STEPS * 32 // 2, 32) == 2
    assert auto_epochs(10, 32) == MAX_AUTO_EPOCHS  # a tiny KB: capped, never dozens of passes
    assert auto_epochs(0, 32) == MAX_AUTO_EPOCHS


def test_the_incident_floor_counts_live_patterns_only(tmp_path):
    """'At least 30 linked incidents covering 10 patterns': a retired pattern is neither trained nor
    measured on, so incidents that also name one do not bring a KB over the floor (9 live patterns)."""
    import re

    from kbfactory import _INCIDENT_KB, incident_kb

    from recur.kb.loader import load_kb
    from recur.tuning.data import incident_split, training_data

    kb_dir = incident_kb(tmp_path / "kb")
    retired = [pid for pid, *_ in _INCIDENT_KB[-3:]]
    for path in (kb_dir / "patterns").rglob("*.md"):
        text = path.read_text()
        if re.search(r"(?m)^id: (.+)$", text).group(1) in retired:
            path.write_text(re.sub(r"(?m)^severity: (.*)$", r"severity: \1\nstatus: retired", text, count=1))
    for path in (kb_dir / "incidents").rglob("*.md"):
        text = path.read_text()
        for pid in retired:
            text = text.replace(f'patterns: ["{pid}"]', f'patterns: ["{_INCIDENT_KB[0][0]}", "{pid}"]')
        path.write_text(text)
    kb = load_kb(kb_dir)
    assert {kb.patterns[pid].status for pid in retired} == {"retired"}
    train, held, note = incident_split(kb)
    assert held == [] and len(train) == 37
    assert note.startswith("37 linked incidents covering 9 patterns; at least 30 covering 10 patterns")
    assert training_data(kb).linked_patterns == 9


def test_the_floor_note_says_how_many_incidents_link_only_retired_patterns(tmp_path):
    """Found in review: a team whose 40 records linked 15 to patterns since retired read "25 linked
    incident(s)" and no word of the other 15. They are not counted (a retired pattern is never
    suggested, so neither learned nor measured on), and the note now says so."""
    import re

    from kbfactory import _INCIDENT_KB, incident_kb

    from recur.kb.loader import load_kb
    from recur.tuning.data import incident_split

    kb_dir = incident_kb(tmp_path / "kb")
    retired = [pid for pid, *_ in _INCIDENT_KB[-3:]]
    for path in (kb_dir / "patterns").rglob("*.md"):
        text = path.read_text()
        if re.search(r"(?m)^id: (.+)$", text).group(1) in retired:
            path.write_text(re.sub(r"(?m)^severity: (.*)$", r"severity: \1\nstatus: retired", text, count=1))
    kb = load_kb(kb_dir)
    only_retired = [i for i in kb.incidents.values() if i.patterns and set(i.patterns) <= set(retired)]
    train, held, note = incident_split(kb)
    linked = [i for i in kb.incidents.values() if i.patterns]
    assert only_retired and held == [] and len(train) == len(linked) - len(only_retired)
    assert note.startswith(
        f"{len(train)} linked incidents ({len(only_retired)} more link only retired or unknown patterns and "
        "do not count) covering 9 patterns; at least 30"
    )


def test_a_refusal_by_the_dense_check_says_so_on_eval_cases_too():
    from recur.tuning.tune import refusal_reason

    m = {"compared_with": "base", "gate": None}
    m["dense_check"] = {"mean_delta": -0.31, "interval": [-0.42, -0.2], "clearly_worse": True}
    assert "own ranking (dense-only) measured clearly worse than base" in refusal_reason(m, 0.0)
    m["dense_check"]["clearly_worse"] = False  # refused by MRR / recall@3, as before
    assert refusal_reason(m, 0.0).startswith("the tuned model does not beat base")
    assert refusal_reason({"compared_with": "base"}, 0.0).startswith("the tuned model does not beat")  # older manifest


def test_eval_cases_that_expect_only_retired_patterns_are_not_counted(kb_dir):
    """Found in review: a case whose patterns are all retired can never be matched (recur check says
    so), yet it counted towards the eval floor, which then kept held-out symptoms from being used."""
    path = kb_dir / "patterns/capacity/disk-full.md"
    path.write_text(path.read_text().replace("\nseverity: ", "\nstatus: retired\nseverity: ", 1))
    kb = load_kb(kb_dir)
    assert kb.patterns["disk-full"].status == "retired"
    assert all(c.expect != ["disk-full"] for c in training_data(kb).cases)


def test_the_note_of_a_kb_changed_while_tuning_says_a_real_change_only(tmp_path):
    """`recur tune`'s "changed while this run tuned" note compared the KB's file stamps alone (util.stamp: size,
    mtime, ctime, inode): a chmod, or a touch, during the run moved a stamp with the bytes the same and was said as
    a change. A file whose stamp moved is read, as an index's same_files reads it: only a real change is said."""
    import os
    from types import SimpleNamespace

    from recur.tuning.tune import changed_meanwhile

    root = small_kb(tmp_path / "kb")
    run = SimpleNamespace(kb_dir=root, kb=load_kb(root))  # what changed_meanwhile reads of a Run
    same, edited = sorted((root / "patterns").rglob("*.md"))[:2]
    st = same.stat()
    same.chmod(0o600)  # the ctime moves
    os.utime(same, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))  # and the mtime, the bytes the same
    assert changed_meanwhile(run) == ""
    edited.write_text(edited.read_text() + "An edit made while the run tunes.\n")
    name = edited.relative_to(root).as_posix()
    assert changed_meanwhile(run).startswith(f"note: {name} changed while this run tuned:"), changed_meanwhile(run)
