"""`recur import` of postmortems as teams export them (a problem manager's import of real exports):
the Atlassian template's bold field labels on corrective actions, Notion's action items, Google Docs'
tables, PagerDuty's and an email's write-ups."""

import textwrap

from click.testing import CliRunner

from recur.cli.main import cli
from recur.ingest.postmortem import parse
from recur.kb.loader import load_kb


def imp(kb_dir, path, text, *extra):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    args = ["import", "--kb", str(kb_dir), "--index", str(kb_dir.parent / "idx"), "--model", "fake:64"]
    return CliRunner().invoke(cli, [*args, str(path), "--no-draft", *extra])


ATLASSIAN = """\
# 2026-11-14 Postmortem: Mobile logins failing after certificate expiry

**Severity:** Sev 1

## Incident summary
All mobile logins failed: the intermediate certificate on auth.example.com expired.

## Corrective actions
- Move auth.example.com to cert-manager — **Owner:** Chris Ng — **Due:** 2026-11-28 — HOT-9920
- Probe every public endpoint for expiry (**Owner**: Sam Reyes, **Due date**: 2026-12-05)
- Track manual certificates in the inventory (*owner*: Lee Park)
"""


def test_bold_field_labels_on_an_action_item_are_read(kb_dir, tmp_path):
    # "**Due:** 2026-11-28" was a due date not read ('** 2026-11-28'), the title kept "— —", and a
    # bracket of bold labels was dropped whole as meta: its owner and due date lost unsaid
    items = parse(ATLASSIAN).action_items
    assert [(a["title"], a["owner"], str(a["due"]), a["ticket"]) for a in items] == [
        ("Move auth.example.com to cert-manager", "Chris Ng", "2026-11-28", "HOT-9920"),
        ("Probe every public endpoint for expiry", "Sam Reyes", "2026-12-05", None),
        ("Track manual certificates in the inventory", "Lee Park", "None", None),
    ]
    assert not any("due_unread" in a for a in items)
    res = imp(kb_dir, tmp_path / "pm" / "cert.md", ATLASSIAN)
    assert res.exit_code == 0, res.output
    assert "not read as a date" not in res.output
    inc = next(i for i in load_kb(kb_dir).incidents.values() if i.imported)
    assert [(f.owner, str(f.due)) for f in inc.follow_ups][:2] == [
        ("Chris Ng", "2026-11-28"),
        ("Sam Reyes", "2026-12-05"),
    ]
