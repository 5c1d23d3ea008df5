"""`recur import` on postmortems as tools and wikis export them (review of 2026-12): durations written
the ways incident tools write them, a Confluence "Export to Word" (MIME) file, Confluence and Google
Docs HTML, Google Docs Markdown with inline images, FireHydrant / incident.io / PagerDuty layouts, and
an edited postmortem imported again. Our own texts, in the shapes those exports have."""

import json
import textwrap

import pytest
from click.testing import CliRunner

from recur.cli.main import cli
from recur.ingest.postmortem import parse, parse_duration
from recur.kb.loader import load_kb


def imp(kb_dir, path, text, *extra, raw: bytes | None = None):
    path.parent.mkdir(parents=True, exist_ok=True)
    if raw is not None:
        path.write_bytes(raw)
    else:
        path.write_text(textwrap.dedent(text))
    args = ["import", "--kb", str(kb_dir), "--index", str(kb_dir.parent / "idx"), "--model", "fake:64"]
    return CliRunner().invoke(cli, [*args, str(path), "--no-draft", *extra])


# --- durations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, minutes",
    [
        ("1h30m", 90),  # was 30: no \b between "h" and "3"
        ("1d2h", 1560),  # was 120
        ("45 mins (detection 12m)", 45),  # was 57: every duration in the text summed
        ("1h10m (TTD 5m, TTR 1h05m)", 70),  # was 20
        ("1:10", 70),  # was None
        ("01:10:00", 70),  # was None
        ("1 hour 30 minutes", 90),
        ("1 hour and 30 minutes", 90),
        ("90 min", 90),
        ("2h 5m", 125),
        ("09:40–10:25 UTC", 45),  # a range of times: the time between, not 580 minutes
        ("23:50 - 00:20", 30),  # over midnight
        ("14:30 UTC", None),  # a time of day is no duration
        ("4M requests", None),  # millions, not minutes
        ("18 months", None),
        ("about an hour", None),
    ],
)
def test_a_duration_is_the_first_expression_compound_units_and_clock_forms_included(text, minutes):
    assert parse_duration(text) == minutes


def test_a_duration_field_reads_its_first_duration_and_the_import_says_which(kb_dir, tmp_path):
    doc = """\
    ---
    title: Session store evicted every key
    date: 2026-05-11
    severity: sev2
    duration: 2h15m
    ---

    ## Summary
    The session store ran out of memory and evicted every key; all users were logged out.
    """
    # front matter "duration: 2h15m" was recorded as duration_minutes: 15
    assert parse(textwrap.dedent(doc)).duration_minutes == 135
    labelled = doc.replace("duration: 2h15m", "x: y").replace(
        "## Summary", "**Duration:** 1h05m (time to detect 20m, time to mitigate 45m)\n\n## Summary"
    )
    out = json.loads(imp(kb_dir, tmp_path / "pm.md", labelled, "--json").output)
    inc = load_kb(kb_dir).incidents[out["incident"]]
    assert inc.duration_minutes == 65  # was 130: 1h05m + 20m + 45m
    assert any(n.startswith("duration: 65 minutes from") and "not 20m, 45m" in n for n in out["notes"]), out["notes"]
    # a value read as no duration is said, not dropped unsaid
    vague_doc = labelled.replace("1h05m (time to detect 20m, time to mitigate 45m)", "most of the morning")
    vague = json.loads(imp(kb_dir, tmp_path / "v.md", vague_doc.replace("Session store", "Cache"), "--json").output)
    assert any("not read as a duration" in n for n in vague["notes"]), vague["notes"]


def test_a_duration_in_the_impact_after_for_is_read_with_compound_units():
    pm = parse("# Cart outage\n\n## Impact\nCarts failed for 1h20m while the cache was rebuilt.\n")
    assert pm.duration_minutes == 80  # the old reader's "\b" after "h" read nothing here
    latent = parse("# Cart outage\n\n## Impact\nThe bad config had been live for 3 days before it hurt.\n")
    assert latent.duration_minutes is None  # how long a cause lay unnoticed is not the outage
