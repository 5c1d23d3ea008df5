"""What a team adopting Recur met writing its first patterns the documented way: drafts nothing asked to
publish, a file name that no id could match, a shortened id with no "did you mean", errors with no fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from kbfactory import pattern_text, small_kb, write

from recur.cli.main import cli


@pytest.fixture
def kb(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    small_kb(tmp_path / "kb")
    return Path("kb")


def check(*args):
    res = CliRunner().invoke(cli, ["check", "--kb", "kb", "--stale-days", "0", *args])
    assert "Traceback" not in res.output
    return res


def _new_pattern(*more):
    flags = ["--title", "Kafka consumer lag", "--category", "capacity", "--severity", "sev2"]
    flags += ["--symptom", "consumers fall behind", "--signal", "KafkaConsumerLagHigh", "--no-input", *more]
    return CliRunner().invoke(cli, ["new", "pattern", "--kb", "kb", *flags])


def test_a_new_draft_says_to_publish_it_once_reviewed(kb):
    res = _new_pattern()
    assert res.exit_code == 0, res.output
    assert "set `status: active` once reviewed" in res.stderr, res.stderr
    # an active one is published already: nothing to say
    res = _new_pattern("--id", "kafka-lag-2", "--title", "Kafka lag again", "--status", "active", "--root-cause", "x")
    assert res.exit_code == 0 and "status: active` once reviewed" not in res.stderr, res.stderr


def test_check_gives_a_notice_for_a_draft_with_nothing_left_to_fill_in(kb):
    """A notice, not a warning: --strict still passes; a draft with a TODO still in it, or with no root
    cause (status: active would be an error then), is not ready and gets none."""
    write(
        kb,
        "patterns/capacity/ready-draft.md",
        pattern_text("ready-draft", status="draft", signals=("X1",), symptoms=("one",)),
    )
    write(
        kb,
        "patterns/capacity/todo-draft.md",
        pattern_text("todo-draft", status="draft", signals=("X2",), symptoms=("two",), summary="It lags. TODO: graphs"),
    )
    write(
        kb,
        "patterns/capacity/causeless-draft.md",
        pattern_text("causeless-draft", status="draft", signals=("X3",), symptoms=("three",), root_cause=None),
    )
    res = check("--strict")
    assert res.exit_code == 0, res.output
    said = [line for line in res.stdout.splitlines() if "ready to publish" in line]
    assert said == [
        "kb/patterns/capacity/ready-draft.md:10: status: notice: a draft with nothing left to fill in: "
        "ready to publish? set status: active once reviewed"
    ], res.stdout
    text = (kb / "patterns/capacity/ready-draft.md").read_text()
    (kb / "patterns/capacity/ready-draft.md").write_text(text.replace("status: draft", "status: active"))
    assert "ready to publish" not in check().stdout


KAFKA = "patterns/capacity/Kafka_Lag.md"


def test_a_file_name_that_is_no_id_is_to_be_renamed_in_both_errors(kb):
    """id: Kafka_Lag was "did you mean 'kafka-lag'?", and id: kafka-lag then "write id: Kafka_Lag": a loop."""
    write(kb, KAFKA, pattern_text("kafka-lag", signals=("KafkaLag",)).replace("id: kafka-lag", "id: Kafka_Lag"))
    out = check().stdout
    assert (
        f"kb/{KAFKA}:2: id: must be a kebab-case id (lowercase words joined by '-'), not 'Kafka_Lag'; rename the "
        "file to kb/patterns/capacity/kafka-lag.md and write id: kafka-lag (an id is its file name)"
    ) in out.splitlines(), out
    write(kb, KAFKA, pattern_text("kafka-lag", signals=("KafkaLag",)))
    out = check().stdout
    assert (
        f"kb/{KAFKA}:2: id: 'kafka-lag' must equal the file name 'Kafka_Lag', which is no kebab-case id: rename "
        "the file to kb/patterns/capacity/kafka-lag.md and write id: kafka-lag (an id is its file name)"
    ) in out.splitlines(), out
    assert "write id: Kafka_Lag" not in out
    (kb / KAFKA).rename(kb / "patterns/capacity/kafka-lag.md")  # as said: it passes
    assert check().exit_code == 0


def test_a_kebab_file_name_still_offers_both_ways(kb):
    write(kb, "patterns/capacity/kafka-lag.md", pattern_text("kafka-lag").replace("id: kafka-lag", "id: kafka-lags"))
    out = check().stdout
    assert "'kafka-lags' must equal the file name 'kafka-lag': write id: kafka-lag, or rename the file" in out, out


def test_a_shortened_id_gets_a_did_you_mean(kb):
    write(kb, "patterns/capacity/x-new.md", pattern_text("x-new", signals=("XNew",), related=("db-pool",)))
    write(kb, "eval/cases.yml", "- query: requests hang\n  expect: [pool-exhausted]\n")
    write(kb, "paths/first.yml", "title: First\nsteps:\n  - pattern: db-po\n    why: w\n")
    out = check().stdout
    assert "no pattern has id 'db-pool'; did you mean db-pool-exhausted?" in out, out
    assert "no pattern has id 'pool-exhausted'; did you mean db-pool-exhausted?" in out, out
    assert "no pattern has id 'db-po'; did you mean db-pool-exhausted?" in out, out


def test_close_ids_keeps_misspellings_first_and_needs_whole_words():
    from recur.util.text import close_ids

    ids = ["db-pool-exhausted", "disk-full", "dns-failure", "pool-drain"]
    assert close_ids("disk-ful", ids) == ["disk-full"]
    assert close_ids("pool", ids) == ["pool-drain", "db-pool-exhausted"]  # the shortest first
    assert close_ids("ool", ids) == []  # no word of any id, nor the start of one
    assert close_ids("di", ids) == []  # too short to be a start
    assert close_ids("Disk_Full", ids) == ["disk-full"]


def test_a_missing_title_is_said_at_the_front_matter_start_with_what_to_write(kb):
    text = pattern_text("no-title", signals=("NoTitle",))
    write(kb, "patterns/capacity/no-title.md", "\n".join(ln for ln in text.split("\n") if not ln.startswith("title:")))
    out = check().stdout
    assert (
        "kb/patterns/capacity/no-title.md:1: title: is required: add title: <the failure, or what happened, "
        "in a few words> to the front matter"
    ) in out.splitlines(), out


def test_a_category_not_its_folder_says_both_ways(kb):
    write(kb, "patterns/capacity/in-compute.md", pattern_text("in-compute", "compute", signals=("C1",)))
    out = check().stdout
    assert (
        "kb/patterns/capacity/in-compute.md:4: category: 'compute' must equal the folder name 'capacity': write "
        "category: capacity, or move the file to kb/patterns/compute/in-compute.md"
    ) in out.splitlines(), out
    # a category no folder can be named: the one way
    write(kb, "patterns/capacity/in-compute.md", pattern_text("in-compute", "Compute stuff", signals=("C1",)))
    out = check().stdout
    assert "'Compute stuff' must equal the folder name 'capacity': write category: capacity\n" in out, out


@pytest.mark.parametrize(
    "original, copy, rid",
    [
        ("patterns/network/dns-failure.md", "patterns/network/coredns-conntrack-drops.md", "dns-failure"),
        ("patterns/network/dns-failure.md", "patterns/capacity/coredns-conntrack-drops.md", "dns-failure"),
        ("incidents/2026/INC-2026-0001.md", "incidents/2026/INC-2026-0009.md", "INC-2026-0001"),
    ],
)
def test_a_record_copied_as_a_template_is_one_error_at_the_copy(kb, original, copy, rid):
    """Found in review: cp dns-timeouts.md coredns-conntrack-drops.md was told "write id: ..., or rename the
    file .../dns-timeouts.md" (the `mv` would destroy the original), and a duplicate id at the copy and at the
    untouched original: one mistake, three errors. Now one, at the copy, offering only the id line."""
    (kb / copy).parent.mkdir(parents=True, exist_ok=True)
    (kb / copy).write_bytes((kb / original).read_bytes())
    res = check()
    errors = [line for line in res.stdout.splitlines() if ": id: " in line]
    stem = Path(copy).stem
    assert errors == [
        f"kb/{copy}:2: id: {rid!r} must equal the file name {stem!r}: write id: {stem} (as it is, it duplicates "
        f"the id of kb/{original}, the file named for it: a copy keeps the id it was copied from)"
    ], res.stdout
    assert "rename the file" not in res.stdout and f"kb/{original}:" not in res.stdout, res.stdout
    (kb / copy).write_text((kb / copy).read_text().replace(f"id: {rid}", f"id: {stem}", 1))
    assert ": id: " not in check().stdout


@pytest.mark.parametrize(
    "original, copy, rid, kind",
    [
        ("patterns/network/dns-failure.md", "patterns/network/dns-failure copy.md", "dns-failure", "kebab-case id"),
        ("patterns/network/dns-failure.md", "patterns/network/Dns_Failure.md", "dns-failure", "kebab-case id"),
        ("incidents/2026/INC-2026-0001.md", "incidents/2026/INC-2026-0001 copy.md", "INC-2026-0001", "incident id"),
    ],
)
def test_a_copy_under_a_name_that_is_no_id_is_never_told_to_rename_onto_its_original(kb, original, copy, rid, kind):
    """Found in review: a Finder-style copy (cp global-config-push.md "global-config-push copy.md") was told
    only "rename the file to .../global-config-push.md and write id: global-config-push": the `mv` would have
    overwritten the original, and the duplicate error that named it is left out for the copy's own."""
    (kb / copy).write_bytes((kb / original).read_bytes())
    res = check()
    errors = [line for line in res.stdout.splitlines() if ": id: " in line]
    stem = Path(copy).stem
    assert errors == [
        f"kb/{copy}:2: id: {rid!r} must equal the file name {stem!r}, which is no {kind}: it duplicates the id "
        f"of kb/{original}, the file named for it (a copy keeps the id it was copied from): give this copy its "
        "own id and a file name to match"
    ], res.stdout
    assert "rename the file" not in res.stdout and f"kb/{original}:" not in res.stdout, res.stdout
    assert res.exit_code != 0


def test_two_files_named_for_one_id_are_still_each_a_duplicate(kb):
    """Both files named for the id (in two category folders): neither has an id error, so the duplicate
    is said at each, as before."""
    (kb / "patterns/deploys").mkdir(exist_ok=True)
    (kb / "patterns/deploys/dns-failure.md").write_bytes((kb / "patterns/network/dns-failure.md").read_bytes())
    out = check().stdout
    assert out.count("duplicate pattern id 'dns-failure'") == 2, out
