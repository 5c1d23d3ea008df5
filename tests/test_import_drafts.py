"""`recur import`: what is searched before a draft pattern is written, and what a draft says of the
patterns it resembles (found in review: a German postmortem quoting a known pattern's signal got a draft)."""

import json
import textwrap

from click.testing import CliRunner
from kbfactory import fake_model_flags

from recur.cli.main import cli
from recur.kb.loader import load_kb

HIKARI = "HikariPool-1 - Connection is not available"


def _import(kb_dir, tmp_path, text, *extra, name="pm.md"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    args = ["import", *fake_model_flags(kb_dir, tmp_path / "idx"), str(path), "--json", "--category", "software"]
    r = CliRunner().invoke(cli, [*args, *extra])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def _pattern_files(kb_dir) -> list:
    return sorted(p.name for p in (kb_dir / "patterns").rglob("*.md"))


GERMAN = f"""\
    # Postmortem: Ausfall der Kasse am Vormittag

    **Datum:** 14.11.2026
    **Schweregrad:** SEV 2
    **Dauer:** 1 Std. 25 Min.
    **Status:** Abgeschlossen

    ## Zusammenfassung
    Die Kasse hing, jede Anfrage brach mit `{HIKARI}` ab.

    ## Ursache
    Ein Bericht hielt jede Verbindung des Pools fest.
    """


def test_sections_no_heading_maps_are_searched_when_none_is_the_summary_or_root_cause(kb_dir, tmp_path):
    """Headings that map to nothing ("Was geschah", "Warum"; "Zusammenfassung" and "Ursache" did, and are the
    Summary and the Root cause now): the search had the title and the field lines above them, answered "no known
    pattern" and a draft was written, though the first section quotes db-pool-exhausted's signal (`recur check`
    then said it was "listed by 2 patterns")."""
    before = _pattern_files(kb_dir)
    out = _import(
        kb_dir, tmp_path, GERMAN.replace("## Zusammenfassung", "## Was geschah").replace("## Ursache", "## Warum")
    )
    assert out["unmapped"] == ["Was geschah", "Warum"]
    assert "jede Anfrage brach" in out["query"] and "hielt jede Verbindung" in out["query"]
    assert out["draft"] is None and not out["no_known_pattern"]
    assert out["candidates"][0]["id"] == "db-pool-exhausted"
    assert _pattern_files(kb_dir) == before


def test_a_german_duration_and_status_field_are_read(kb_dir, tmp_path):
    """`Dauer:` in German units was no duration (its units were read, its name not), and `Status:
    Abgeschlossen` was named in the notes as not recorded: the review stayed pending."""
    out = _import(kb_dir, tmp_path, GERMAN)
    inc = load_kb(kb_dir).incidents[out["incident"]]
    assert inc.duration_minutes == 85
    assert inc.review.status == "done" and out["review"]["status"] == "done"
    assert not any("not recorded" in n for n in out["notes"]), out["notes"]


def test_a_known_signal_quoted_outside_the_searched_sections_is_searched(kb_dir, tmp_path):
    """A signal a known pattern lists, quoted in the timeline (not searched), was listed by the draft
    written beside that pattern; now it is searched, and the engine's exact signal match finds it."""
    pm = f"""\
        # Postmortem: Checkout froze for twenty minutes

        **Date:** 2026-11-14
        **Severity:** SEV-2

        ## Summary
        Checkout froze for twenty minutes in the morning.

        ## Timeline
        - 09:05 UTC: the service logged `{HIKARI}`
        - 09:25 UTC: resolved
        """
    out = _import(kb_dir, tmp_path, pm)
    assert out["query"].endswith(HIKARI)
    assert out["draft"] is None and out["candidates"][0]["id"] == "db-pool-exhausted"
    (tmp_path / "other.md").write_text(textwrap.dedent(pm).replace("twenty", "thirty"))
    r = CliRunner().invoke(cli, ["import", *fake_model_flags(kb_dir, tmp_path / "idx"), str(tmp_path / "other.md")])
    assert "Searched for the postmortem's title, Summary and lines a known pattern lists as signals;" in r.output


def test_a_draft_listing_a_known_patterns_signal_compares_with_it(kb_dir, tmp_path):
    """A draft written though one of its signals is a known pattern's (a short one the search weighs little)
    names that pattern under Compare with and in the notes, with the command that links it instead."""
    pm = """\
        # Postmortem: Thumbnails stopped rendering for every tenant

        **Date:** 2026-11-14
        **Severity:** SEV-2

        ## Summary
        Thumbnails stopped rendering for every tenant after a library upgrade.

        ## Timeline
        - 14:05 UTC: the worker logged `ENOSPC`
        - 14:40 UTC: resolved
        """
    out = _import(kb_dir, tmp_path, pm)
    draft = out["draft"]["id"]
    p = load_kb(kb_dir).patterns[draft]
    assert p.signals == ["ENOSPC"]
    assert "`disk-full`: Disk full on a host (score " in p.sections["Compare with"]
    assert "lists its signal `ENOSPC` too)" in p.sections["Compare with"]
    note = f"link it instead (recur incident link {out['incident']} disk-full --remove {draft})"
    assert any("'ENOSPC' is also listed by disk-full" in n and note in n for n in out["notes"]), out["notes"]


def test_a_draft_id_names_the_failure_not_the_day_nor_how_long_it_lasted(kb_dir, tmp_path):
    """Found in review: "webhook deliveries delayed 6h (2026-11-26)" drafted
    webhook-deliveries-delayed-6h-2026-11, an id naming one incident where a pattern names a failure mode."""
    pm = """\
        # Postmortem: Thumbnails stopped rendering for 6h (2026-11-26, 14:05 UTC)

        **Severity:** SEV-2

        ## Summary
        Thumbnails stopped rendering for every tenant after a library upgrade.
        """
    out = _import(kb_dir, tmp_path, pm)
    assert out["draft"]["id"] == "thumbnails-stopped-rendering"
    assert out["title"] == "Thumbnails stopped rendering for 6h (2026-11-26, 14:05 UTC)"  # the title keeps them
    assert not load_kb(kb_dir).problems


def test_an_http_status_plural_in_a_title_is_no_duration(kb_dir, tmp_path):
    """Found in review: "Checkout 502s after deploy" lost its status in the draft's id, the "s" of the status's plural
    read as seconds. A 3-digit status (1xx-5xx) with an "s" is kept; a duration, in seconds too, is not."""
    from recur.ingest.importer import failure_words

    assert failure_words("S3 403s on uploads").split() == ["S3", "403s", "on", "uploads"]
    assert failure_words("API 429s and 500S for 6h").split() == ["API", "429s", "and", "500S", "for"]
    durations = failure_words("jobs stuck 90s, then 1200s, then 300 s")
    assert durations.split() == ["jobs", "stuck", ",", "then", ",", "then"]
    pm = "# Postmortem: Checkout 502s after deploy\n\n**Severity:** SEV-2\n\n## Summary\nThe gateway lost its upstreams.\n"
    out = _import(kb_dir, tmp_path, pm)
    assert out["draft"]["id"] == "checkout-502s-deploy"  # "after" is no word of an id (its slug's stop words)


def test_a_draft_id_from_a_title_of_only_a_day_and_a_time_is_made_of_them(kb_dir, tmp_path):
    """Nothing left once they are taken off: the id is the title's, as it was, a valid one."""
    pm = "# Postmortem: 6h (2026-11-26, 14:05 UTC)\n\n**Severity:** SEV-2\n\n## Summary\nWebhooks queued behind one slow endpoint for hours.\n"
    out = _import(kb_dir, tmp_path, pm)
    assert out["draft"]["id"] == "6h-2026-11-26-14-05"
    assert not load_kb(kb_dir).problems


PRINTER = """\
    # Postmortem: office printer queue jammed by a toner cartridge firmware update

    **Date:** 2026-11-14
    **Severity:** SEV3

    ## Summary
    Badge printers on floor three stopped printing; the spooler held every job after the vendor pushed
    firmware 4.2 to the toner chips.

    ## Root cause
    The firmware refused third-party cartridges.
    """


def test_a_draft_whose_candidates_are_all_low_is_filed_as_uncategorised_and_said(kb_dir, tmp_path):
    """The draft took the top candidate's category even when it was a low match: with few patterns, a printer
    outage's draft was filed under capacity/ beside db-pool-exhausted, and nothing said why (found in review).
    A low top gives no category: the draft goes to uncategorised/, which `recur check` reads as any category,
    and the report says so and how to file it."""
    path = tmp_path / "printer.md"
    path.write_text(textwrap.dedent(PRINTER))
    args = ["import", *fake_model_flags(kb_dir, tmp_path / "idx"), str(path)]
    r = CliRunner().invoke(cli, [*args, "--dry-run", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert {c["confidence"] for c in out["candidates"]} == {"low"}, out["candidates"]
    assert out["draft"]["category"] == "uncategorised"
    # why, for a script to tell the fallback from a category chosen
    top = out["candidates"][0]["id"]
    assert out["draft"]["unsorted"] == f"no candidate is a confident match (the closest, {top}, is low)"
    dry = CliRunner().invoke(cli, [*args, "--dry-run"])  # before it is written, --category files it elsewhere
    assert "Would be filed under uncategorised/" in dry.output and "import with --category CATEGORY" in dry.output
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.output
    draft = kb_dir / "patterns" / "uncategorised" / "office-printer-queue-jammed-toner-cartridge.md"
    assert f"wrote draft pattern {draft.stem}: {draft}" in r.output
    assert (
        f"Filed under uncategorised/: no candidate is a confident match (the closest, {top}, is low), so its "
        "category is not taken from one. To file it: move it to kb/patterns/CATEGORY/" in r.output
    ), r.output
    assert load_kb(kb_dir).patterns[draft.stem].category == "uncategorised"
    check = CliRunner().invoke(cli, ["check", "--kb", str(kb_dir)])
    assert check.exit_code == 0 and "category" not in check.output.replace("/uncategorised/", "/"), check.output


def test_a_draft_in_a_kb_with_no_pattern_is_filed_as_uncategorised_and_said(tmp_path):
    """A KB `recur init` made without --starter has no pattern: `recur import` stopped with "--category: needed for
    the draft pattern (no existing pattern to take it from)", nothing imported (found in review). The draft is
    filed under uncategorised/, the report saying why."""
    made = CliRunner().invoke(cli, ["init", str(tmp_path / "team")])
    assert made.exit_code == 0, made.output
    kb_dir = tmp_path / "team" / "kb"
    assert not list((kb_dir / "patterns").rglob("*.md"))
    path = tmp_path / "printer.md"
    path.write_text(textwrap.dedent(PRINTER))
    r = CliRunner().invoke(cli, ["import", *fake_model_flags(kb_dir, tmp_path / "idx"), str(path)])
    assert r.exit_code == 0 and "needed for the draft pattern" not in r.output, r.output
    draft = kb_dir / "patterns" / "uncategorised" / "office-printer-queue-jammed-toner-cartridge.md"
    assert draft.is_file(), r.output
    assert "Filed under uncategorised/: the knowledge base has no pattern yet, so its category is not taken" in (
        " ".join(r.output.split())
    ), r.output
    check = CliRunner().invoke(cli, ["check", "--kb", str(kb_dir)])
    assert check.exit_code == 0, check.output


def test_a_drafts_signal_with_another_status_or_errno_is_not_a_known_patterns(kb_dir):
    """signal_sharers and _known_signals read a signal as the ranking does (util.text.signal_key): found in a
    re-read, a draft listing `... statuscode: 401` or `[Errno 24] ...` was said to share it with the pattern listing
    `... statuscode: 500` or `[Errno 99] ...` (numbers masked), which the ranking never finds in such a text."""
    from kbfactory import pattern_text, write

    from recur.ingest.importer import _known_signals, signal_sharers

    probe, errno = "Readiness probe failed: HTTP probe failed with statuscode: 500", "OSError: [Errno 99] Cannot bind"
    write(kb_dir, "patterns/capacity/probe-crash.md", pattern_text("probe-crash", signals=[probe, errno]))
    kb = load_kb(kb_dir)
    other = [probe.replace("500", "401"), errno.replace("99", "24")]
    assert signal_sharers(kb, other) == {}
    assert _known_signals({"probe-crash": [probe, errno]}, other) == []
    # the same status class, another port: the same signal
    same = [probe.replace("500", "503"), errno.replace("Cannot bind", "Cannot bind")]
    assert signal_sharers(kb, same) == {"probe-crash": same}
    assert _known_signals({"probe-crash": [probe, errno]}, same) == same
