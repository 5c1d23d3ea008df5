"""`recur import` of a postmortem's mitigations ("## Mitigations", "## Mitigation", "## Immediate actions"): a
`## Mitigations` section of the incident record, never follow-ups (they were done during the incident). Our own text."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from import_helpers import import_file

from recur.cli.main import cli
from recur.kb.loader import load_kb

CHECKOUT = """\
# Checkout latency spike after the payment gateway failed over
Date: 2026-11-18
Severity: SEV2

## Summary
Checkout p99 latency rose to 9 s for 40 minutes after the payment gateway failed over to its secondary region.

## {heading}
- Pinned the gateway client to the primary region's endpoint (`GATEWAY\\_REGION=eu-west-1`)
- Raised the checkout worker pool from 32 to 64 for the evening peak

## Root cause
The secondary region's connection pool was sized for a tenth of the traffic.

## Action items
- [ ] Size the secondary region's pool for the full traffic (owner: Priya Raman, due 2026-12-15)
"""


def imported(kb_dir, path, text, *extra):
    result = import_file(kb_dir, path, text, "--json", "--pattern", "dns-failure", *extra)
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    return out, load_kb(kb_dir).incidents[out["incident"]]


@pytest.mark.parametrize("heading", ["Mitigations", "Mitigation", "Immediate actions", "Immediate mitigations"])
def test_the_mitigations_become_a_section_of_the_record_and_no_follow_ups(kb_dir, tmp_path, heading):
    # "## Mitigations" and "## Immediate actions" were kept under their own heading with a note advising to
    # move their items under Action items (they are done already); "## Mitigation" was merged into Resolution
    out, inc = imported(kb_dir, tmp_path / "pm" / "checkout.md", CHECKOUT.format(heading=heading))
    assert {"heading": heading, "section": "Mitigations"} in out["mapped"]
    assert out["unmapped"] == []
    assert not [n for n in out["notes"] if n.startswith("not imported as follow-ups")], out["notes"]
    assert [f.title for f in inc.follow_ups] == ["Size the secondary region's pool for the full traffic"]
    assert "Resolution" not in inc.sections
    assert inc.sections["Mitigations"].splitlines() == [
        "- Pinned the gateway client to the primary region's endpoint (`GATEWAY\\_REGION=eu-west-1`)",
        "- Raised the checkout worker pool from 32 to 64 for the evening peak",
    ]
    check = CliRunner().invoke(cli, ["check", "--kb", str(kb_dir), "--strict", "--stale-days", "0"])
    assert check.exit_code == 0, check.output


def test_the_mitigations_are_cleaned_as_any_section_is(kb_dir, tmp_path):
    # the same list under "## Response" (a section of the record since long) and under "## Mitigations"
    # is written alike: a Google Docs export's escapes, the list's markers, as the one cleaning does
    text = CHECKOUT.format(heading="Mitigations").replace("## Root cause", "## Response\n{items}\n## Root cause")
    items = "- Pinned the gateway client to the primary region's endpoint (`GATEWAY\\_REGION=eu-west-1`)\n"
    items += "- Raised the checkout worker pool from 32 to 64 for the evening peak\n"
    _, inc = imported(kb_dir, tmp_path / "pm" / "checkout.md", text.replace("{items}", items))
    assert inc.sections["Mitigations"] == inc.sections["Response"]


def test_the_mitigations_come_before_the_resolution_in_the_record(kb_dir, tmp_path):
    text = CHECKOUT.format(heading="Mitigations") + "\n## Resolution\nThe primary region came back at 19:40.\n"
    out, inc = imported(kb_dir, tmp_path / "pm" / "checkout.md", text)
    record = Path(out["incident_path"]).read_text()
    assert record.index("## Mitigations") < record.index("## Resolution")
    assert inc.sections["Resolution"] == "The primary region came back at 19:40."


def test_a_re_import_of_edited_mitigations_says_what_changed(kb_dir, tmp_path):
    # a re-import writes nothing and exits 3 naming what differs (docs/cli.md): the Mitigations section is
    # compared as the other sections are
    path = tmp_path / "pm" / "checkout.md"
    imported(kb_dir, path, CHECKOUT.format(heading="Mitigations"))
    edited = CHECKOUT.format(heading="Mitigations").replace("from 32 to 64", "from 32 to 96")
    again = import_file(kb_dir, path, edited, "--json")
    assert again.exit_code == 3, again.output
    notes = json.loads(again.stdout)["notes"]
    assert any("differs from" in n and "Mitigations section" in n for n in notes), notes
    unchanged = import_file(kb_dir, path, CHECKOUT.format(heading="Mitigations"), "--json")
    assert unchanged.exit_code == 0 and json.loads(unchanged.stdout)["already"], unchanged.output


def test_planned_mitigations_are_still_said_as_possible_follow_ups():
    # only a heading that names the mitigations alone is the record's section: "Planned mitigations" are work to
    # do, said in the notes as list items not imported as follow-ups, as before
    from recur.ingest.postmortem import parse

    pm = parse(CHECKOUT.format(heading="Planned mitigations"))
    assert "Planned mitigations" in pm.unmapped and ("Planned mitigations", 2) in pm.unread_tasks
