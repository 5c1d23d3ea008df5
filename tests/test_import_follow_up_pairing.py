"""`recur import --into` and `recur import --keep-record` pair the postmortem's action items with the record's
follow-ups by one rule (pm_merge.pair_follow_ups): the same title, else the same ticket when one follow-up has it,
else a title alike unless both have tickets and they differ. A merge paired by title and ticket only and
--keep-record by a title alike too: one postmortem version renaming "Document the export runbook" to "…runbooks"
was the record's follow-up to one and a second follow-up added by the other (found in review)."""

import json
import shutil

import pytest
from import_helpers import import_file

from recur.kb.loader import load_kb

V1 = """\
# Postmortem: Nightly export stalls on a full scratch disk

**Date:** 2026-10-02
**Severity:** SEV-3

## Summary
The nightly export stalled for two hours when its scratch disk filled.

## Action Items
- [ ] Add a scratch-disk cleanup job (owner: ana, ticket: OPS-12)
- [ ] Alert on scratch disk usage (owner: bo, ticket: OPS-13)
- [ ] Document the export runbook (owner: cy)
- [ ] Split the export job (owner: dee, ticket: PRB-301)
- [ ] Cap the export batch size (owner: dee, ticket: PRB-301)
"""
# renamed with its ticket, its ticket changed, reworded with none, and renamed under a ticket two follow-ups share
V2 = (
    V1.replace("Add a scratch-disk cleanup job", "Purge the export's temp files nightly")
    .replace("OPS-13", "OPS-14")
    .replace("export runbook", "export runbooks")
    .replace("Split the export job", "Shard the export by tenant")
)


def _both(kb, tmp_path) -> dict:
    """V1 imported as a record of its own, then V2 taken in by --into the record and, on a copy of the KB, by
    --keep-record: {how: (exit code, report, the record's follow-ups (title, ticket, owner))}."""
    first = import_file(kb, tmp_path / "pm.md", V1, "--json")
    assert first.exit_code == 0, first.output
    iid = json.loads(first.stdout)["incident"]
    copy = tmp_path / "copy" / "kb"
    shutil.copytree(kb, copy)
    out = {}
    for how, root, extra in (("into", kb, ["--into", iid]), ("keep-record", copy, ["--keep-record"])):
        r = import_file(root, tmp_path / "pm.md", V2, *extra)
        follow_ups = load_kb(root).incidents[iid].follow_ups
        out[how] = (r.exit_code, " ".join(r.output.split()), [(f.title, f.ticket, f.owner) for f in follow_ups])
    return out


def test_into_and_keep_record_pair_a_renamed_follow_up_alike(fresh_kb, tmp_path):
    both = _both(fresh_kb, tmp_path)
    for how, (code, said, _) in both.items():
        assert code == 0, (how, said)
    assert both["into"][2] == both["keep-record"][2], both
    assert both["into"][2] == [
        ("Add a scratch-disk cleanup job", "OPS-12", "ana"),  # renamed, the same ticket: the record's title kept
        ("Alert on scratch disk usage", "OPS-13", "bo"),  # the same title: its ticket the record's, said
        ("Document the export runbook", None, "cy"),  # reworded, no ticket: the record's follow-up, not a second
        ("Split the export job", "PRB-301", "dee"),
        ("Cap the export batch size", "PRB-301", "dee"),
        # renamed under a ticket two of the record's follow-ups share, its title like neither: a follow-up added
        ("Shard the export by tenant", "PRB-301", "dee"),
    ], both
    into = both["into"][1]
    assert (
        "follow-up 'Document the export runbook' title (the postmortem's: 'Document the export runbooks', alike)"
        in into
    )
    assert "title (the postmortem's: \"Purge the export's temp files nightly\", the same ticket)" in into
    keep = both["keep-record"][1]
    assert "'Document the export runbook' → 'Document the export runbooks'" in keep, keep


@pytest.mark.parametrize(
    ("items", "recorded", "pairs"),
    [
        # the same title first, even where a ticket was moved from one to the other
        ([("Add a job", "T-2"), ("Alert", "T-1")], [("Alert", "T-2"), ("Add a job", "T-1")], {0: 1, 1: 0}),
        # renamed with its ticket (case aside)
        ([("Purge temp files", "ops-12")], [("Add a cleanup job", "OPS-12")], {0: 0}),
        # a title alike, no ticket on one side
        ([("Document the runbooks", "")], [("Document the runbook", "T-9")], {0: 0}),
        # a title alike under another ticket is another follow-up
        ([("Alert on disk A", "T-1")], [("Alert on disk B", "T-2")], {}),
        # a ticket two follow-ups share pairs none by itself
        ([("Shard the export", "E-1")], [("Split the job", "E-1"), ("Cap the batch", "E-1")], {}),
        # each recorded follow-up is one item at most
        ([("Alert", ""), ("Alert", "")], [("Alert", "")], {0: 0}),
    ],
)
def test_pair_follow_ups(items, recorded, pairs):
    from recur.ingest.pm_merge import pair_follow_ups

    assert pair_follow_ups(items, recorded) == pairs
