"""`recur incident new --dry-run`: the record it would write and the suggestions, nothing written. Found by a new
hire: README's Quick start invited `recur incident new -t "Checkout 502s" -s sev2`, which in the checkout wrote
into the shipped KB, where `recur report` then counted it (needs analysis, a review pending)."""

import json
from pathlib import Path

from click.testing import CliRunner
from kbfactory import fake_model_flags

from recur.cli.main import cli

POOL = ("-t", "Checkout hangs", "-s", "sev2", "-d", "requests hang: FATAL: sorry, too many clients already")


def new(kb_dir, tmp_path, *extra):
    args = ["incident", "new", *fake_model_flags(kb_dir, tmp_path / "idx"), "--date", "2026-05-02", *extra]
    return CliRunner().invoke(cli, args)


def _records(kb_dir: Path) -> dict:
    return {p.relative_to(kb_dir).as_posix(): p.read_bytes() for p in sorted(kb_dir.rglob("*")) if p.is_file()}


def test_a_dry_run_prints_the_record_it_would_write_and_writes_nothing(kb_dir, tmp_path):
    before = _records(kb_dir)
    dry = new(kb_dir, tmp_path, *POOL, "--service", "checkout", "--flag", "pool metrics lost", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert _records(kb_dir) == before  # not a record, not an edit: the KB as it was
    path = kb_dir / "incidents" / "2026" / "INC-2026-0003.md"
    first = dry.stdout.splitlines()[0]
    assert first == f"Dry run, nothing written: would record INC-2026-0003 in {path} (review: full, due 2026-05-12):"
    assert "1. db-pool-exhausted" in dry.stdout  # the suggestions, as a real run shows them
    last = dry.stdout.splitlines()[-1]
    assert last == "Dry run: nothing written. To record INC-2026-0003, run the same command without --dry-run."
    assert "recur incident link" not in dry.stdout  # no command naming a record that is not there
    # the record shown is the one a real run writes, byte for byte: its candidates too
    real = new(kb_dir, tmp_path, *POOL, "--service", "checkout", "--flag", "pool metrics lost")
    assert real.exit_code == 0, real.output
    written = path.read_text(encoding="utf-8")
    assert "candidates:" in written and 'title: "Checkout hangs"' in written
    assert f"{first}\n{written}\n" in dry.stdout, dry.stdout


def test_a_dry_run_json_is_the_real_runs_object_and_dry_run_true(kb_dir, tmp_path):
    dry = new(kb_dir, tmp_path, *POOL, "--link-top", "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    out = json.loads(dry.stdout)
    assert list(out)[-1] == "dry_run" and out["dry_run"] is True
    assert not (kb_dir / "incidents" / "2026" / "INC-2026-0003.md").exists()
    real = new(kb_dir, tmp_path, *POOL, "--link-top", "--json")
    assert real.exit_code == 0, real.output
    want = json.loads(real.stdout)
    assert out == {**want, "dry_run": True}  # the same keys in the same order, the same facts
    assert want["linked"] == ["db-pool-exhausted"] and "dry_run" not in want


def test_a_dry_run_refuses_what_a_real_run_refuses_and_links_nothing(kb_dir, tmp_path):
    before = _records(kb_dir)
    bad = new(kb_dir, tmp_path, "-t", "X", "-s", "sev9", "--dry-run")
    assert bad.exit_code != 0 and "sev9" in bad.output and "Traceback" not in bad.output, bad.output
    taken = new(kb_dir, tmp_path, "-t", "X", "-s", "sev3", "--id", "INC-2026-0001", "--dry-run", "--no-suggest")
    assert taken.exit_code == 1 and "incident INC-2026-0001 already exists" in taken.output, taken.output
    top = new(kb_dir, tmp_path, *POOL, "--link-top", "--dry-run")
    assert top.exit_code == 0 and "It would link INC-2026-0003 to db-pool-exhausted." in top.stdout, top.output
    assert 'patterns: ["db-pool-exhausted"]' in top.stdout
    assert _records(kb_dir) == before


def test_a_dry_runs_error_names_the_kb_not_the_folder_it_writes_aside(kb_dir, tmp_path):
    """Found in a re-read: the dry run writes its record into a temporary folder, and a bad --pattern was
    refused naming that folder ("ids are the file names under ../recur-dry-run-lsyse691/patterns/"), removed
    by the time it was read. It is checked against the KB first: the real run's error, word for word."""
    before = _records(kb_dir)
    args = ("-t", "X", "-s", "sev3", "--pattern", "db-pool-exausted", "--no-suggest")
    dry, real = new(kb_dir, tmp_path, *args, "--dry-run"), new(kb_dir, tmp_path, *args)
    assert dry.exit_code == real.exit_code == 1, dry.output
    assert "recur-dry-run" not in dry.output and "did you mean db-pool-exhausted?" in dry.output, dry.output
    assert dry.output == real.output
    assert _records(kb_dir) == before
