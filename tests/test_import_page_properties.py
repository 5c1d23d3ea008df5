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
    assert inc.sections["People"] == "- Postmortem owner: Marta Nowak", inc.sections  # no longer a note alone
    assert not any("owner: Marta Nowak" in n for n in out["notes"]), out["notes"]
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
    assert inc.sections["People"] == "- Postmortem owner: @Lukas Weber" and str(inc.date) == "2026-11-14"
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


@pytest.mark.parametrize("value", ["eu-1 region outage", "db-2 disk full", "#12 of the series"])
def test_an_incident_row_of_words_that_only_look_like_a_key_stays_a_section_of_its_own(kb_dir, tmp_path, value):
    # read with TICKET's any case, these were "- Incident: eu-1 region outage" in the References
    text = EXPORT.replace("| **Incident** | INC-3312 |", f"| **Incident** | {value} |")
    out, inc = _import(kb_dir, tmp_path, "export.md", text, "--no-draft")
    assert "Incident" in out["unmapped"] and inc.sections["Incident"] == value, out["unmapped"]
    assert value not in inc.sections["References"], inc.sections["References"]


@pytest.mark.parametrize("value", ["[INC-3312](https://jira.example.com/browse/INC-3312)", "#3312", "b/123456"])
def test_an_incident_row_with_a_key_a_link_or_a_number_alone_goes_to_the_references(kb_dir, tmp_path, value):
    text = EXPORT.replace("| **Incident** | INC-3312 |", f"| **Incident** | {value} |")
    out, inc = _import(kb_dir, tmp_path, "export.md", text, "--no-draft")
    assert "Incident" not in inc.sections and inc.sections["References"].startswith(f"- Incident: {value}\n")


def test_the_postmortems_own_references_section_is_mapped_beside_the_ticket_row(kb_dir, tmp_path):
    # the import said "Mapped: Incident → References" and "Could not map (kept as they are): References"
    path = tmp_path / "pm" / "export.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(EXPORT)
    res = CliRunner().invoke(cli, ["import", *fake_model_flags(kb_dir, tmp_path / "idx"), str(path), "--no-draft"])
    assert res.exit_code == 0, res.output
    assert "Could not map" not in res.output, res.output
    assert "Incident → References" in res.output and "References → References" in res.output, res.output
    inc = next(i for i in load_kb(kb_dir).incidents.values() if i.title == "Checkout 502s during cert rotation")
    refs = [ln for ln in inc.sections["References"].splitlines() if ln.strip()]
    assert refs[0] == "- Incident: INC-3312" and refs[1] == "- https://grafana.example.com/d/edge", refs
    assert refs[2].startswith("- Imported from postmortem"), refs
