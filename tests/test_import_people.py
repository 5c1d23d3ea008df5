"""`recur import` of who wrote a postmortem, owns it or led the response ("Incident owner:", "Postmortem owner:",
"Author:", "Incident commander:"): no incident key holds them, so the record keeps them in a `## People` section,
never as a follow-up's owner. Our own text."""

import json
from pathlib import Path

from click.testing import CliRunner
from import_helpers import import_file

from recur.cli.main import cli
from recur.kb.loader import load_kb

QUEUE = """\
# Order events delayed by a stuck consumer group
Date: 2026-11-21
Severity: SEV3
Incident owner: Mei Tanaka
Postmortem owner: Jonas Berg
Author: Rafael Costa
Incident commander: Aylin Demir

## Summary
Order confirmation emails went out up to 50 minutes late: a consumer group stopped committing offsets.

## Root cause
A rebalance loop after a broker restart; the consumers' session timeout was shorter than a poll.

## Action items
- [ ] Raise the consumer session timeout to 45 s
- [ ] Alert on consumer lag over 5 minutes (owner: Jonas Berg)
"""


def imported(kb_dir, path, text, *extra):
    result = import_file(kb_dir, path, text, "--json", "--pattern", "dns-failure", *extra)
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    return out, load_kb(kb_dir).incidents[out["incident"]]


def test_the_people_fields_are_the_records_people_section(kb_dir, tmp_path):
    # "Incident owner:" stayed the summary's first line; the others were a note alone ("not recorded …:
    # authors: Rafael Costa; owner: Jonas Berg; incident lead: Aylin Demir"), lost from the record
    out, inc = imported(kb_dir, tmp_path / "pm" / "orders.md", QUEUE)
    assert inc.sections["People"].splitlines() == [
        "- Incident owner: Mei Tanaka",
        "- Postmortem owner: Jonas Berg",
        "- Author: Rafael Costa",
        "- Incident commander: Aylin Demir",
    ]
    assert inc.sections["Summary"].startswith("Order confirmation emails went out"), inc.sections["Summary"]
    assert not [n for n in out["notes"] if n.startswith("not recorded")], out["notes"]
    record = Path(out["incident_path"]).read_text()
    assert record.index("## Summary") < record.index("## People") < record.index("## Root cause")
    check = CliRunner().invoke(cli, ["check", "--kb", str(kb_dir), "--strict", "--stale-days", "0"])
    assert check.exit_code == 0, check.output


def test_the_postmortems_owner_is_no_follow_ups_owner(kb_dir, tmp_path):
    _, inc = imported(kb_dir, tmp_path / "pm" / "orders.md", QUEUE)
    assert [(f.title, f.owner) for f in inc.follow_ups] == [
        ("Raise the consumer session timeout to 45 s", None),
        ("Alert on consumer lag over 5 minutes", "Jonas Berg"),  # its own, as written in the item
    ]


def test_front_matter_people_and_the_postmortems_own_people_section(kb_dir, tmp_path):
    text = (
        "---\ntitle: Order events delayed by a stuck consumer group\ndate: 2026-11-21\nseverity: sev3\n"
        "author: Rafael Costa\nincident_commander: Aylin Demir\n---\n\n"
        "## Summary\nOrder confirmation emails went out up to 50 minutes late.\n\n"
        "## People\n- On call: Noor Haddad\n"
    )
    out, inc = imported(kb_dir, tmp_path / "pm" / "orders.md", text)
    assert inc.sections["People"] == (
        "- Author: Rafael Costa\n- Incident commander: Aylin Demir\n\n- On call: Noor Haddad"
    ), inc.sections["People"]
    assert [f.owner for f in inc.follow_ups] == []
    assert not [n for n in out["notes"] if "Rafael Costa" in n or "Aylin Demir" in n], out["notes"]


def test_a_re_import_names_a_changed_owner(kb_dir, tmp_path):
    path = tmp_path / "pm" / "orders.md"
    imported(kb_dir, path, QUEUE)
    again = import_file(kb_dir, path, QUEUE.replace("Postmortem owner: Jonas Berg", "Postmortem owner: Ida Lund"))
    assert again.exit_code == 3, again.output
    assert "People section" in again.output, again.output
