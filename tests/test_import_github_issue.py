"""`recur import` of a postmortem written as a GitHub issue (a reviewer's, 2026-12): its `sev-2` label gave no
severity (recorded for triage), and a mention before a follow-up's issue number stayed in its title. Our own text."""

from import_helpers import imported_record

from recur.ingest.action_items import parse_action_items
from recur.ingest.postmortem import parse

ISSUE = """\
---
title: "Postmortem: build cache evicted every hour"
labels: [postmortem, sev-2, ci]
---

## Summary

On 2026-11-17 the CI build cache was evicted every hour and builds took 40 minutes.

## Follow-up tasks

- [ ] Pin the cache size per runner @kai-dev #412
- [x] Alert on cache hit rate below 50% (owner: Rosa Lind) @kai-dev #413
"""


def test_a_severity_label_is_the_severity_and_a_mention_before_the_issue_number_the_owner(fresh_kb, tmp_path):
    out, inc = imported_record(fresh_kb, tmp_path, ISSUE)
    assert inc.severity == "sev2", out["notes"]  # sev3 for triage
    assert "severity" not in (inc.triage or [])
    # "@kai-dev" stayed in the title; beside another owner it is taken off the title, that owner kept
    assert [(f.title, f.owner, f.ticket) for f in inc.follow_ups] == [
        ("Pin the cache size per runner", "kai-dev", "#412"),
        ("Alert on cache hit rate below 50%", "Rosa Lind", "#413"),
    ]


def test_a_severity_field_speaks_before_a_label_and_other_labels_are_none():
    pm = parse("---\nlabels: [postmortem, sev-2]\n---\n\n# Build cache\n\nSeverity: SEV-1\n\n## Summary\nx.\n")
    assert pm.severity_text == "SEV-1"
    pm = parse("---\nlabels: [postmortem, severe-weather]\n---\n\n# Build cache\n\n## Summary\nx.\n")
    assert pm.severity_text is None
    # an address is no mention
    (item,) = parse_action_items("- [ ] Write to ops@example.org OPS-12")
    assert item["title"] == "Write to ops@example.org" and item["owner"] is None
