"""`recur tune` measured on the KB's own linked incidents (issue 13), with the real model.

A tiny KB (12 patterns, 37 linked incidents: over the data floor), one short epoch per run:
one ordinary run, and one with an absurd learning rate that wrecks the upper layers, which the
incident gate must refuse (exit 3) while the previous model and index stay as they were.
"""

import json

import pytest
from click.testing import CliRunner

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def tuned(tmp_path_factory, real_encoder):
    from kbfactory import incident_kb

    from recur.tuning.tune import run_tune

    root = tmp_path_factory.mktemp("tune-inc")
    kb = incident_kb(root / "kb")
    out, index = root / ".recur" / "model", root / ".recur" / "index"
    manifest = run_tune(kb, out, index, epochs=1, seed=3, batch_size=8, progress=False)
    return kb, out, index, manifest


def test_measured_on_held_out_incidents(tuned):
    from recur.tuning.data import INCIDENT_SOURCE

    kb, out, index, m = tuned
    g = m["gate"]
    assert m["eval_source"] == INCIDENT_SOURCE and m["eval_cases"] == g["n"] == 11
    assert m["linked_incidents"] == 37 and m["incident_note"] == "" and len(m["held_out_incidents"]) == 11
    assert (
        g["verdict"] in ("better", "worse", "inconclusive") and g["interval"][0] <= g["mean_delta"] <= g["interval"][1]
    )
    before, after = m["eval_before"], m["eval_after"]
    assert abs((after["mrr"] - before["mrr"]) - g["mean_delta"]) < 2e-3  # the paired mean is the MRR difference
    assert m["accepted"] == (g["verdict"] == "better")
    folder = out if m["accepted"] else out.parent / "model.rejected"
    assert json.loads((folder / "recur-model.json").read_text())["gate"] == g
    if m["accepted"]:  # the final model also learned the held-out incidents; the index has them all
        assert m["final_pass_pairs"] == 11
        views = json.loads((index / "views.json").read_text())
        assert json.loads((index / "manifest.json").read_text())["model"] == m["model_id"]
        assert sum(v["kind"] == "incident" for v in views) == 37


def test_report_shows_the_incident_measurement(tuned):
    from recur.cli.main import cli

    kb, out, index, m = tuned
    folder = out if m["accepted"] else out.parent / "model.rejected"
    res = CliRunner().invoke(cli, ["tune", "--out", str(folder), "--report"])
    assert res.exit_code == 0, res.output
    assert "11 held-out incidents (time split):" in res.output
    assert "decision on 11 held-out incidents: mean Δ reciprocal rank" in res.output
    res = CliRunner().invoke(cli, ["tune", "--out", str(folder), "--report", "--json"])
    report = json.loads(res.output)
    assert report["gate"] == m["gate"] and len(report["cases"]) == 11
    assert all(c["source"].startswith("incident ") for c in report["cases"])


def test_a_worse_candidate_is_refused_and_the_previous_model_kept(tuned):
    from recur.cli.main import cli
    from recur.retrieval.models import tuned_model_for

    kb, out, index, m = tuned
    active_before = tuned_model_for(kb)
    manifest_before = (out / "recur-model.json").read_text() if (out / "recur-model.json").exists() else None
    index_before = (index / "manifest.json").read_text() if (index / "manifest.json").exists() else None
    res = CliRunner().invoke(
        cli,
        [
            "tune",
            "--kb",
            str(kb),
            "--out",
            str(out),
            "--index",
            str(index),
            "--seed",
            "3",
            "--batch-size",
            "8",
            "--lr",
            "0.05",
        ],
    )
    assert res.exit_code == 3, res.output
    assert "Not activated: on your incidents the tuned model measured worse" in res.output
    rejected = json.loads((out.parent / "model.rejected" / "recur-model.json").read_text())
    assert rejected["accepted"] is False and rejected["gate"]["verdict"] == "worse"
    assert rejected["gate"]["mean_delta"] < 0
    assert tuned_model_for(kb) == active_before
    assert ((out / "recur-model.json").read_text() if (out / "recur-model.json").exists() else None) == manifest_before
    assert ((index / "manifest.json").read_text() if (index / "manifest.json").exists() else None) == index_before
    assert not (out.parent / "model.partial").exists() and not list(out.parent.glob("model.tmp-*"))


def test_data_floor_message_on_a_small_kb(tmp_path, real_encoder):
    """Below the floor: the CLI says so (once, with the measurement) and measures on the eval
    cases, as before."""
    from kbfactory import small_kb

    from recur.cli.main import cli

    kb = small_kb(tmp_path / "kb")
    res = CliRunner().invoke(
        cli,
        [
            "tune",
            "--kb",
            str(kb),
            "--out",
            str(tmp_path / "m"),
            "--index",
            str(tmp_path / "i"),
            "--batch-size",
            "8",
            "--min-gain",
            "1",
        ],
    )
    assert res.exit_code == 3, res.output
    assert res.output.count("note: 1 linked incident(s)") == 1, res.output  # once, not at the start and the end
    assert (
        "note: 1 linked incident(s) covering 1 pattern(s); at least 30 covering 10 patterns are needed to "
        "measure a tuned model on your own incidents, so it is measured on eval cases / held-out symptoms "
        "instead."
    ) in res.output
    assert "2 eval cases (eval/cases.yml)" in res.output and "does not beat" in res.output
