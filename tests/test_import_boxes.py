"""`recur import` of task boxes as other tools write them: Obsidian's and org-mode's "[-]", "[~]", "[/]" (cancelled,
started, partial: none done) and a Unicode "☐" stayed in the follow-up's title ("[-] Add canary stage",
"☐ Tune max.poll.interval.ms"; found in review), while "☑" was read. Our own text."""

from import_helpers import imported_record

POSTMORTEM = """\
# Consumer lag after the broker upgrade
Date: 2026-11-20
Severity: sev2

## Summary
Consumers fell behind for 40 minutes after the brokers were upgraded.

## Action items
- [-] Add a canary stage to the broker rollout — Owner: Dana Whitfield
- [~] Alert on consumer lag over five minutes
- [/] Document the upgrade order
- ☐ Tune max.poll.interval.ms — Owner: Dana Whitfield
- ☑ Roll the brokers back
- [x] Page the platform team
"""


def test_other_tools_boxes_leave_the_title_and_only_a_checked_one_is_done(fresh_kb, tmp_path):
    _, inc = imported_record(fresh_kb, tmp_path, POSTMORTEM)
    got = {f.title: f.status for f in inc.follow_ups}
    assert got == {
        "Add a canary stage to the broker rollout": "open",
        "Alert on consumer lag over five minutes": "open",
        "Document the upgrade order": "open",
        "Tune max.poll.interval.ms": "open",
        "Roll the brokers back": "done",
        "Page the platform team": "done",
    }, got
    owners = {f.title: f.owner for f in inc.follow_ups}
    assert owners["Add a canary stage to the broker rollout"] == owners["Tune max.poll.interval.ms"] == "Dana Whitfield"
