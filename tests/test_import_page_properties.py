"""`recur import` of a Confluence postmortem page (review of 2026-12): the page name's prefix
"Incident PIR -" was kept in the title and became the draft pattern's id
(`incident-pir-redis-eviction-storm-session`), and the page-properties rows `Postmortem owner` and
`Incident | INC-3312` became sections of the record, said as "Could not map". Our own pages, in the
shapes Confluence saves and exports them, imported through the CLI into a KB in tmp_path."""

import json
import textwrap

import pytest
from click.testing import CliRunner
from kbfactory import fake_model_flags

from recur.cli.main import cli
from recur.kb.loader import load_kb

PAGE = """<!DOCTYPE html>
<html><head><title>SRE : Incident PIR - Redis eviction storm in session store</title></head>
<body><div id="main-header"><h1 id="title-heading" class="pagetitle">
<span id="title-text">SRE : Incident PIR - Redis eviction storm in session store</span></h1></div>
<div class="page-metadata">Created by <span class='author'> Marta Nowak</span> on Nov 26, 2026</div>
<div id="main-content" class="wiki-content group">
<div class="table-wrap"><table class="confluenceTable"><tbody>
<tr><th class="confluenceTh">Incident date</th><td class="confluenceTd">Nov 24, 2026</td></tr>
<tr><th class="confluenceTh">Severity</th><td class="confluenceTd">SEV-2</td></tr>
<tr><th class="confluenceTh">Incident</th><td class="confluenceTd">INC-3312</td></tr>
<tr><th class="confluenceTh">Postmortem owner</th><td class="confluenceTd"><a class="confluence-userlink user-mention"
 data-username="mnowak" href="/display/~mnowak">Marta Nowak</a></td></tr>
<tr><th class="confluenceTh">Status</th><td class="confluenceTd">IN REVIEW</td></tr>
</tbody></table></div>
<h2 id="IncidentPIR-Summary">Summary</h2>
<p>Users were logged out for 35 minutes because the session Redis hit maxmemory and evicted keys.</p>
<h2 id="IncidentPIR-Rootcauses">Root causes</h2>
<p>A feature flag stored full cart payloads in the session, tripling key size.</p>
</div></body></html>
"""

# the same page as Confluence's Markdown export: the ticket row first, under an empty header row
EXPORT = """\
# Incident PIR - Checkout 502s during cert rotation

Created by Lukas Weber, last modified on Nov 16, 2026

| | |
|---|---|
| **Incident** | INC-3312 |
| **Date** | 14 Nov 2026 |
| **Postmortem owner** | @Lukas Weber |
| **Severity** | Sev 2 |

## Incident summary

Checkout returned 502 for 65 minutes because the edge served an expired intermediate certificate.

## References

- https://grafana.example.com/d/edge
"""


def _import(kb_dir, tmp_path, name, text, *extra):
    path = tmp_path / "pm" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    args = ["import", *fake_model_flags(kb_dir, tmp_path / "idx"), str(path), "--json", *extra]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    return out, load_kb(kb_dir).incidents[out["incident"]]


def test_a_confluence_pages_incident_pir_prefix_goes_and_its_properties_are_fields(kb_dir, tmp_path):
    out, inc = _import(kb_dir, tmp_path, "page.html", PAGE)
    assert out["unmapped"] == [], out["unmapped"]
    assert "Postmortem owner" not in inc.sections and "Incident" not in inc.sections, list(inc.sections)
    assert "not recorded (an incident record has no field for them): owner: Marta Nowak" in out["notes"]
    assert {"heading": "Incident", "section": "References"} in out["mapped"], out["mapped"]
    assert inc.title == "Redis eviction storm in session store"
    # the draft pattern is named from the title: its id is permanent, "incident-pir-…" was kept for good
    assert out["draft"]["id"] == "redis-eviction-storm-session-store", out["draft"]
    refs = inc.sections["References"].splitlines()
    assert refs[0] == "- Incident: INC-3312" and refs[1].startswith("- Imported from postmortem"), refs
    assert str(inc.date) == "2026-11-24" and inc.severity == "sev2"


def test_a_confluence_markdown_exports_ticket_row_joins_its_own_references(kb_dir, tmp_path):
    out, inc = _import(kb_dir, tmp_path, "export.md", EXPORT, "--no-draft")
    assert "Incident" not in out["unmapped"] and "Incident" not in inc.sections, (out["unmapped"], list(inc.sections))
    assert "Postmortem owner" not in out["unmapped"] and "Postmortem owner" not in inc.sections, out["unmapped"]
    assert inc.title == "Checkout 502s during cert rotation"
    refs = inc.sections["References"]
    assert refs.startswith("- Incident: INC-3312\n") and "https://grafana.example.com/d/edge" in refs, refs
    assert "owner: @Lukas Weber" in " ".join(out["notes"]) and str(inc.date) == "2026-11-14"
    assert inc.sections["Summary"].startswith("Checkout returned 502"), inc.sections["Summary"]


def test_an_incident_row_that_names_no_ticket_stays_a_section_of_its_own(kb_dir, tmp_path):
    # "Incident" with words, not a key: what it says has no field, and is kept as the page has it
    text = EXPORT.replace("| **Incident** | INC-3312 |", "| **Incident** | checkout down in eu-west |")
    out, inc = _import(kb_dir, tmp_path, "export.md", text, "--no-draft")
    assert "Incident" in out["unmapped"] and inc.sections["Incident"] == "checkout down in eu-west"
    assert inc.sections["References"].startswith("- https://grafana.example.com/d/edge")


@pytest.mark.parametrize(
    "written, title",
    [
        ("Incident PIR - Redis eviction storm", "Redis eviction storm"),
        ("Incident PIR: Redis eviction storm", "Redis eviction storm"),
        ("Incident RCA – Redis eviction storm", "Redis eviction storm"),
        ("Incident retrospective: Redis eviction storm", "Redis eviction storm"),
        ("Post Incident Review - Redis eviction storm", "Redis eviction storm"),
        ("Post-Incident Review: Redis eviction storm", "Redis eviction storm"),
        ("RCA: Redis eviction storm", "Redis eviction storm"),
        ("Incident Pirate radio outage", "Incident Pirate radio outage"),  # a word that only starts so
        ("Incident-free deploys broke", "Incident-free deploys broke"),
    ],
)
def test_a_title_prefix_that_names_the_document_is_taken_off(kb_dir, tmp_path, written, title):
    text = f"# {written}\n\n## Summary\n\nOn 2026-11-24 users were logged out for 35 minutes after Redis evicted sessions.\n"
    _, inc = _import(kb_dir, tmp_path, "pm.md", text, "--no-draft")
    assert inc.title == title
