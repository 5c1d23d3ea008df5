"""A severity or priority ending a postmortem's title, "# Checkout down (SEV2)", "# Checkout down [P1]": taken off
the title and read as the severity (a re-read of 2026-12's merges: "[P1]" was taken off and no priority read, so
the import recorded a placeholder severity for triage). A form not read stays a word of the title. Our own text."""

import json

import pytest
from click.testing import CliRunner

from recur.cli.main import cli
from recur.ingest.postmortem import parse

DOC = """\
# {title}

Date: 2026-11-20

## Summary

Card payments failed for 20 minutes after a config push.
"""


def imported(kb_dir, path, title: str) -> dict:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(DOC.format(title=title))
    pid = next(p.stem for p in (kb_dir / "patterns").rglob("*.md"))
    args = ["import", "--kb", str(kb_dir), "--index", str(kb_dir.parent / "idx"), "--pattern", pid, "--json"]
    r = CliRunner().invoke(cli, [*args, str(path)])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


@pytest.mark.parametrize("title", ["Checkout down [P1]", "Checkout down (P1)", "Checkout down (SEV1)"])
def test_a_severity_ending_the_title_is_read_and_taken_off(kb_dir, tmp_path, title):
    out = imported(kb_dir, tmp_path / "pm.md", title)
    assert (out["severity"], out["triage"]) == ("sev1", [])
    assert parse(DOC.format(title=title)).title == "Checkout down"


def test_a_subject_line_priority_is_read():
    mail = "Subject: Checkout down [P2]\nFrom: sre@example.com\n\nCard payments failed for 20 minutes.\n"
    pm = parse(mail)
    assert pm.title == "Checkout down"
    assert [(m.kind, m.written) for m in pm.severity_mentions] == [("priority", "P2")]


@pytest.mark.parametrize("title", ["Checkout down (p 2)", "Checkout down (SEV9)", "Upgrade the replica [P7]"])
def test_a_bracket_no_level_is_read_from_stays_in_the_title(title):
    pm = parse(DOC.format(title=title))
    assert (pm.title, pm.severity_mentions) == (title, [])


def test_a_p_form_inside_a_title_is_no_priority():
    pm = parse(DOC.format(title="Move [P1] replicas to the new rack"))
    assert pm.title == "Move [P1] replicas to the new rack" and pm.severity_mentions == []
