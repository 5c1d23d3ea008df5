"""`recur incident link ID --remove PATTERN` takes a wrong link out (only a YAML edit could), saying what
changed; `recur incident link ID` of an incident with no stored candidates (recorded with --no-suggest)
searches its title and summary now, as `recur incident new` does, where it said only "name the
pattern(s) to link"; and the report's last line names `recur incident link` for the needs-analysis list."""

import json

import pytest
from click.testing import CliRunner
from kbfactory import fake_model_flags, write

from recur import config
from recur.cli.main import cli
from recur.kb.loader import load_kb

BLOCK = """---
id: INC-2026-0500
title: Checkout writes fail
date: 2026-04-01
severity: sev3
patterns:
  - disk-full   # linked on the call
  - db-pool-exhausted
  - dns-failure
services: [checkout]
---

## Summary
Writes failed with No space left on device on the checkout host.
"""


def run(*args):
    return CliRunner().invoke(cli, ["incident", "link", *map(str, args)])


def record(kb_dir, text=BLOCK):
    return write(kb_dir, "incidents/2026/INC-2026-0500.md", text)


def test_remove_takes_a_block_list_item_out_and_keeps_the_rest_as_written(kb_dir):
    path = record(kb_dir)
    r = run("--kb", kb_dir, "INC-2026-0500", "--remove", "db-pool-exhausted")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[0].startswith("Unlinked INC-2026-0500 from db-pool-exhausted (")
    assert "INC-2026-0500 now links disk-full, dns-failure." in r.output
    assert path.read_text() == BLOCK.replace("  - db-pool-exhausted\n", "")  # the comment kept
    assert load_kb(kb_dir).incidents["INC-2026-0500"].patterns == ["disk-full", "dns-failure"]


def test_removing_every_link_puts_it_back_under_needs_analysis(kb_dir):
    path = record(kb_dir)
    r = run("--kb", kb_dir, "INC-2026-0500", "--remove", "disk-full", "--remove", "dns-failure", "--remove",
            "db-pool-exhausted")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "Unlinked INC-2026-0500 from disk-full, dns-failure, db-pool-exhausted (" in r.output
    assert 'INC-2026-0500 now links no known pattern: it is under "needs analysis"' in r.output
    assert "patterns: []\nservices: [checkout]\n" in path.read_text()
    report = json.loads(CliRunner().invoke(cli, ["report", "--kb", str(kb_dir), "--format", "json"]).output)
    assert "INC-2026-0500" in [u["incident"] for u in report["unknown"]]


def test_remove_with_a_link_replaces_a_wrong_link_in_a_flow_list(kb_dir):
    path = write(kb_dir, "incidents/2026/INC-2026-0501.md", BLOCK.replace("INC-2026-0500", "INC-2026-0501").replace(
        "patterns:\n  - disk-full   # linked on the call\n  - db-pool-exhausted\n  - dns-failure\n",
        "patterns: [db-pool-exhausted, 'dns-failure']  # on the call\n"))  # fmt: skip
    r = run("--kb", kb_dir, "INC-2026-0501", "disk-full", "--remove", "db-pool-exhausted")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].startswith("Unlinked INC-2026-0501 from db-pool-exhausted (")
    assert lines[1].startswith("Linked INC-2026-0501 to disk-full (")
    assert "patterns: ['dns-failure', disk-full]  # on the call\n" in path.read_text()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--remove", "old-retired"], "INC-2026-0500 does not link old-retired (it links disk-full, db-pool-exhausted, "
                                      "dns-failure); nothing written"),
        (["disk-full", "--remove", "disk-full"], "disk-full: named to link and to --remove"),
    ],
)  # fmt: skip
def test_removing_what_is_not_linked_is_said_and_writes_nothing(kb_dir, args, said):
    path = record(kb_dir)
    r = run("--kb", kb_dir, "INC-2026-0500", *args)
    assert r.exit_code != 0 and said in r.output, r.output
    assert path.read_text() == BLOCK


NO_SUGGEST = """---
id: INC-2026-0502
title: Checkout writes fail
date: 2026-04-01
severity: sev3
patterns: []
---

## Summary
Writes failed: ENOSPC, No space left on device on the checkout host.
"""


def test_no_stored_candidates_searches_the_title_and_summary_now(kb_dir, tmp_path):
    write(kb_dir, "incidents/2026/INC-2026-0502.md", NO_SUGGEST)
    r = run(*fake_model_flags(kb_dir, tmp_path / "idx"), "INC-2026-0502")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == "INC-2026-0502: no stored candidates; searching its title and summary now:"
    assert any(line.startswith("  1. disk-full  Disk full on a host") for line in lines), r.output
    assert lines[-1] == f"Link one later: recur incident link {config.where_flags(kb_dir)}INC-2026-0502 disk-full"
    # the same answer as `recur suggest` gives the text searched
    again = CliRunner().invoke(cli, ["suggest", *fake_model_flags(kb_dir, tmp_path / "idx"), "--json",
                                     "Checkout writes fail. Writes failed: ENOSPC, No space left on device on the "
                                     "checkout host."])  # fmt: skip
    assert json.loads(again.output)["results"][0]["id"] == "disk-full"


def test_a_failed_search_names_the_suggest_command_to_run(kb_dir, tmp_path):
    write(kb_dir, "incidents/2026/INC-2026-0502.md", NO_SUGGEST)
    r = run("--kb", kb_dir, "--index", tmp_path / "idx", "--model", tmp_path / "no-model", "INC-2026-0502")
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert (
        f"Search it yourself: recur suggest {config.where_flags(kb_dir, tmp_path / 'idx')}'Checkout writes fail. Writes failed: ENOSPC, No space left on device on "
        f"the checkout host.'; then recur incident link {config.where_flags(kb_dir)}INC-2026-0502 PATTERN_ID"
        in r.output
    )


def test_the_report_s_last_line_names_incident_link_for_needs_analysis(kb_dir):
    # the small KB: INC-2026-0002 needs analysis, INC-2026-0001 has an open flag
    out = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir), "--as-of", "2026-12-01"]).output
    assert (
        out.rstrip()
        .splitlines()[-1]
        .endswith(f"; link one needing analysis to its pattern: recur incident link {config.where_flags(kb_dir)}ID")
    )


def test_remove_reads_a_pattern_id_in_any_letter_case_as_link_does(kb_dir):
    """`recur incident link ID Disk-Full` links disk-full (schema.given_id); --remove Disk-Full said "does not
    link Disk-Full (it links disk-full, …)"."""
    path = record(kb_dir)
    r = run("--kb", kb_dir, "INC-2026-0500", "--remove", " DB-Pool-Exhausted")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[0].startswith("Unlinked INC-2026-0500 from db-pool-exhausted (")
    assert path.read_text() == BLOCK.replace("  - db-pool-exhausted\n", "")
    again = run("--kb", kb_dir, "INC-2026-0500", "Disk-Full")
    assert again.exit_code == 0 and "INC-2026-0500 already links disk-full." in again.output, again.output
    both = run("--kb", kb_dir, "INC-2026-0500", "DNS-Failure", "--remove", "dns-failure")
    assert both.exit_code == 2 and "dns-failure: named to link and to --remove" in both.output, both.output
