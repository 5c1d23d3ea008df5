"""Look-alikes: nearest neighbours + co-matched incidents, with the declared distinguishing signal."""

import json

from click.testing import CliRunner
from kbfactory import fake_model_flags, write, write_pattern

from recur.cli.main import cli
from recur.retrieval.engine import Engine
from recur.retrieval.lookalikes import FLOOR, MARGIN, annotate, co_matched, distinction, look_alikes


def kb_with_lookalike(kb_dir):
    write_pattern(
        kb_dir,
        "inode-exhaustion",
        title="Inodes exhausted on a host",
        symptoms=("writes fail", "no space left on device"),
        signals=("No space left on device",),
        extra_front='distinguish:\n  - {from: disk-full, by: "df -i shows 100% IUse% while df -h has free space"}',
    )
    write(
        kb_dir,
        "incidents/2026/INC-2026-0003.md",
        """---
id: INC-2026-0003
title: Writes failing on the log host
date: 2026-04-01
severity: sev3
patterns: [disk-full, inode-exhaustion]
---

## Summary
Writes failed with no space left on device.
""",
    )
    return kb_dir


def test_look_alikes_table(kb_dir, tmp_path):
    engine = Engine.open(kb_with_lookalike(kb_dir), tmp_path / "idx", "fake:64", quiet=True)
    docs = engine.docs
    assert distinction(docs, "disk-full", "inode-exhaustion").startswith("df -i")
    assert distinction(docs, "inode-exhaustion", "disk-full").startswith("df -i")
    assert co_matched(docs)["disk-full"]["inode-exhaustion"] == 1
    table = look_alikes(engine.searcher.index, top=2, floor=None)  # as `recur lookalikes` lists them
    assert "old-retired" not in table and all(x["id"] != "old-retired" for v in table.values() for x in v)
    first = table["disk-full"][0]
    assert first["id"] == "inode-exhaustion" and first["co_incidents"] == 1 and first["by"].startswith("df -i")
    assert all(len(v) >= 2 for v in table.values())
    # pages, the API and MCP: a neighbour under the floor is no look-alike; one co-matched by incidents is
    shown = look_alikes(engine.searcher.index, top=2)
    assert shown["disk-full"][0] == first
    assert all(x["similarity"] >= FLOOR or x["co_incidents"] for v in shown.values() for x in v)
    from recur.serve.mcp_text import pattern_text  # MCP's get_pattern text names them

    doc = {**engine.docs["disk-full"], "look_alikes": shown["disk-full"]}
    assert "Look-alikes:\n- inode-exhaustion: told apart by df -i" in pattern_text(doc)


def test_suggest_marks_competing_candidates(kb_dir, tmp_path):
    engine = Engine.open(kb_with_lookalike(kb_dir), tmp_path / "idx", "fake:64", quiet=True)
    results = engine.ranked("No space left on device", top=3)
    ids = [r["id"] for r in results[:2]]
    assert set(ids) == {"disk-full", "inode-exhaustion"}
    assert abs(results[0]["score"] - results[1]["score"]) <= MARGIN  # same signal: they compete
    assert results[0]["look_alikes"][0]["id"] == ids[1] and results[0]["look_alikes"][0]["by"].startswith("df -i")
    assert results[2]["look_alikes"] == []
    fake = [
        {"id": "disk-full", "title": "a", "score": 8.0, "confidence": "high"},
        {"id": "inode-exhaustion", "title": "b", "score": 7.2, "confidence": "medium"},
        {"id": "dns-failure", "title": "c", "score": 6.9, "confidence": "low"},
    ]
    annotate(fake, engine.docs)
    assert [x["id"] for x in fake[0]["look_alikes"]] == ["inode-exhaustion"] and fake[2]["look_alikes"] == []
    # a declared pair is shown whatever the gap and the rating: the line that settles it, written by the
    # authors, was left out when the rival was rated low or ranked 1.9 below (a plain ENOSPC log)
    far = [
        {"id": "inode-exhaustion", "title": "b", "score": 13.1, "confidence": "high"},
        {"id": "disk-full", "title": "a", "score": 11.2, "confidence": "low"},
        {"id": "dns-failure", "title": "c", "score": 11.0, "confidence": "low"},
    ]
    annotate(far, engine.docs)
    assert [(x["id"], x["by"][:5]) for x in far[0]["look_alikes"]] == [("disk-full", "df -i")]
    assert [x["id"] for x in far[1]["look_alikes"]] == ["inode-exhaustion"] and far[2]["look_alikes"] == []
    r = CliRunner().invoke(cli, ["suggest", *fake_model_flags(kb_dir, tmp_path / "idx"), "No space left on device"])
    assert r.exit_code == 0 and "df -i shows 100% IUse%" in r.output  # the terminal view shows it


def test_lookalikes_command(kb_dir, tmp_path):
    kb_with_lookalike(kb_dir)
    args = ["lookalikes", *fake_model_flags(kb_dir, tmp_path / "idx")]
    r = CliRunner().invoke(cli, args + ["--json", "disk-full"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["disk-full"][0]["id"] == "inode-exhaustion"
    r = CliRunner().invoke(cli, args + ["disk-full"])
    assert "df -i shows 100% IUse%" in r.output
    # one incident linked both: said as a count is read, not "1 shared incident(s)" (a new hire's review)
    assert ", 1 shared incident)" in r.output and "incident(s)" not in r.output, r.output
    r = CliRunner().invoke(cli, args + ["nope"])
    assert r.exit_code == 1 and "unknown or retired pattern id(s): nope" in r.output
    r = CliRunner().invoke(cli, args + ["Disk-Full"])  # ids are exact: the one it was meant to be is named
    assert r.exit_code == 1 and "unknown or retired pattern id(s): Disk-Full (did you mean disk-full?)" in r.output


def test_lookalikes_on_a_kb_with_no_patterns_says_so(tmp_path):
    assert CliRunner().invoke(cli, ["init", str(tmp_path / "team")]).exit_code == 0
    args = ["lookalikes", *fake_model_flags(tmp_path / "team" / "kb", tmp_path / "idx")]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0 and "No patterns in the index yet" in r.stderr and r.stdout == ""
    assert json.loads(CliRunner().invoke(cli, args + ["--json"]).stdout) == {}


def test_lookalikes_of_a_pattern_with_errors_names_its_file(kb_dir, tmp_path):
    # "unknown or retired pattern id(s): disk-full" when disk-full.md had a typo: it is not indexed
    kb_with_lookalike(kb_dir)
    path = kb_dir / "patterns/capacity/disk-full.md"
    path.write_text(path.read_text().replace("symptoms:", "symptom:", 1))
    args = ["lookalikes", *fake_model_flags(kb_dir, tmp_path / "idx")]
    r = CliRunner().invoke(cli, args + ["disk-full", "nope"])
    assert r.exit_code == 1, r.output
    assert "disk-full: its file " in r.output and "disk-full.md has errors, so it is not in the index" in r.output
    assert "unknown or retired pattern id(s): nope" in r.output and "Traceback" not in r.output


def test_lookalikes_of_a_retired_id_names_what_superseded_it(kb_dir, tmp_path):
    """`recur lookalikes old-retired` said "unknown or retired pattern id(s)", as for a typo, though the
    index's manifest records it retired and what replaced it (superseded_by), as the API says it."""
    path = kb_dir / "patterns/deploys/old-retired.md"
    path.write_text(
        path.read_text().replace("\nstatus: retired\n", "\nstatus: retired\nsuperseded_by: dns-failure\n", 1)
    )
    args = ["lookalikes", *fake_model_flags(kb_dir, tmp_path / "idx")]
    r = CliRunner().invoke(cli, args + ["old-retired", "nope"])
    assert r.exit_code == 1 and "pattern 'old-retired' is retired (" in r.output, r.output
    assert "and superseded by 'dns-failure'" in r.output and "unknown or retired pattern id(s): nope" in r.output
