"""`recur import` of action items under the other headings teams give them ("Actions", "Repair items", a
Confluence page's "Actions" over its inline task list), and what is said of task lists under a heading
that names none. Our own text."""

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from import_helpers import import_file

from recur.cli.main import cli
from recur.kb.loader import load_kb


def imported(kb_dir, path, text):
    """The import's JSON answer and the incident record it wrote."""
    result = import_file(kb_dir, path, text, "--json", "--pattern", "dns-failure")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    return out, load_kb(kb_dir).incidents[out["incident"]]


def web_outage(heading: str) -> str:
    return f"""\
    # Web outage
    Date: 2026-11-20
    Severity: SEV2
    ## Summary
    Web went down.
    ## {heading}
    - [ ] Add an alert on X (owner: Sam Ortiz, due 2026-12-20)
    """


@pytest.mark.parametrize(
    "heading",
    [
        "Actions",
        "Action plan",
        "Repair items",
        "To do",
        "To-Do",
        "What we are doing about it",
        "What we’re doing about it",
    ],
)
def test_a_heading_that_names_follow_ups_another_way_gives_them(kb_dir, tmp_path, heading):
    # each gave 0 follow-ups (the heading unmapped, its list kept as a section), where "## Action items" gave one
    out, inc = imported(kb_dir, tmp_path / "pm" / "web.md", web_outage(heading))
    assert {"heading": heading, "section": "Action items"} in out["mapped"]
    assert heading not in out["unmapped"]
    assert out["follow_ups"] == 1
    [f] = inc.follow_ups
    assert (f.title, f.status, f.owner, f.due) == ("Add an alert on X", "open", "Sam Ortiz", dt.date(2026, 12, 20))
    check = CliRunner().invoke(cli, ["check", "--kb", str(kb_dir), "--strict", "--stale-days", "0"])
    assert check.exit_code == 0, check.output


CONFLUENCE = """\
<html><head><title>SRE : Incident PIR - Redis eviction storm</title></head><body>
<div id="main-content" class="wiki-content group">
<div class="table-wrap"><table class="confluenceTable"><tbody>
<tr><th class="confluenceTh">Incident date</th><td class="confluenceTd">Nov 24, 2026</td></tr>
<tr><th class="confluenceTh">Severity</th><td class="confluenceTd">SEV-2</td></tr>
</tbody></table></div>
<h2 id="PIR-Summary">Summary</h2>
<p>Users were logged out for 35 minutes because the session Redis evicted keys.</p>
<h2 id="PIR-Actions">Actions</h2>
<ul class="inline-task-list" data-inline-tasks-content-id="99">
<li data-inline-task-id="1" class="checked"><span>Revert the cart-in-session flag <a class="confluence-userlink
user-mention" data-username="lweber" href="/display/~lweber">Lukas Weber</a> <time datetime="2026-11-25"
class="date-past">25 Nov 2026</time></span></li>
<li data-inline-task-id="2"><span>Alert on used_memory above 80% of maxmemory <a class="confluence-userlink
user-mention" data-username="mnowak" href="/display/~mnowak">Marta Nowak</a> <time datetime="2026-12-03"
class="date-past">03 Dec 2026</time> SRE-881</span></li>
</ul>
</div></body></html>
"""


def test_a_confluence_actions_heading_over_its_inline_task_list_gives_the_follow_ups(kb_dir, tmp_path):
    # "<h2>Actions</h2>" over an inline-task-list: the tasks were read as "- [x]" items, the heading mapped
    # to nothing, and the import recorded no follow-up
    out, inc = imported(kb_dir, tmp_path / "pm" / "pir.html", CONFLUENCE)
    assert {"heading": "Actions", "section": "Action items"} in out["mapped"]
    assert [(f.title, f.status, f.owner, f.due, f.ticket) for f in inc.follow_ups] == [
        ("Revert the cart-in-session flag", "done", "Lukas Weber", dt.date(2026, 11, 25), None),
        ("Alert on used_memory above 80% of maxmemory", "open", "Marta Nowak", dt.date(2026, 12, 3), "SRE-881"),
    ]


TASKS_ELSEWHERE = """\
# Web outage
Date: 2026-11-20
Severity: SEV2
## Summary
Web went down.
## Mitigations
- Raise the pool size
- Add a circuit breaker to the checkout client
## Open questions
- [ ] Ask the vendor about the retry storm
## Participants
- Sam Ortiz
- Ana Ruiz
## Mitigation
Rolled back the deploy at 14:05.
"""


def test_list_items_under_a_heading_not_read_as_action_items_are_said_not_imported(kb_dir, tmp_path):
    # items under a heading that may name work to do stayed in the record's section and no note said they were
    # no follow-ups. "Mitigations" and "Mitigation" say what was done: the record's Mitigations section, no note
    out, inc = imported(kb_dir, tmp_path / "pm" / "web.md", TASKS_ELSEWHERE)
    assert out["follow_ups"] == 0 and inc.follow_ups == []
    assert {"heading": "Mitigation", "section": "Mitigations"} in out["mapped"]
    said = [n for n in out["notes"] if n.startswith("not imported as follow-ups")]
    assert said == [
        "not imported as follow-ups: 1 list item under 'Open questions', a heading not read as the action items "
        "(kept in its section as written; put them under 'Action items' to import them as follow-ups)"
    ]  # a list of participants under a heading that names no work is no task list: nothing said of it
    record = Path(out["incident_path"]).read_text()
    assert "- Add a circuit breaker to the checkout client" in record  # kept in the record as written
    assert "- [ ] Ask the vendor about the retry storm" in record


@pytest.mark.parametrize(
    "heading", ["Actions taken", "Line items affected", "Mitigations applied", "Actions performed during the incident"]
)
def test_list_items_under_a_heading_naming_work_done_are_not_said_to_be_follow_ups(kb_dir, tmp_path, heading):
    # "## Actions taken" lists what was done during the incident: the note advised making them follow-ups
    text = TASKS_ELSEWHERE.replace("## Mitigations\n", f"## {heading}\n")
    out, inc = imported(kb_dir, tmp_path / "pm" / "web.md", text)
    said = [n for n in out["notes"] if n.startswith("not imported as follow-ups")]
    assert said == [
        "not imported as follow-ups: 1 list item under 'Open questions', a heading not read as the action items "
        "(kept in its section as written; put them under 'Action items' to import them as follow-ups)"
    ], said
    assert inc.sections[heading].splitlines()[0] == "- Raise the pool size"  # kept in its section as written


def test_checkboxes_under_a_heading_naming_work_done_are_still_said(kb_dir, tmp_path):
    # a checkbox is a task wherever it stands: only plain items under such a heading say work already done
    text = TASKS_ELSEWHERE.replace("## Mitigations\n- Raise", "## Actions taken\n- [ ] Raise")
    out, _ = imported(kb_dir, tmp_path / "pm" / "web.md", text)
    assert any(n.startswith("not imported as follow-ups: 1 list item under 'Actions taken'") for n in out["notes"])
