"""`recur import` reads a severity the postmortem says in its text ("This was a Sev-1 incident",
"Severity 2", "SEV 3", "a P1 incident", "Severity: 2, because …") when no field names one; it maps
it through the KB's framework and says in the notes which line it came from. Two different levels
are not guessed between: the severity is left for triage, and the notes say why. Our own text."""

import json
import textwrap

from click.testing import CliRunner
from kbfactory import pattern_text, write
from procs import finishes

from recur.cli.main import cli
from recur.ingest.pm_severity import mentions
from recur.ingest.postmortem import parse
from recur.kb.loader import load_kb


def imp(kb_dir, path, text, *extra):
    """`recur import --json` linking a known pattern (--pattern): the severity is read the same
    whether or not patterns are matched, and no model is needed for it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    pid = next(p.stem for p in (kb_dir / "patterns").rglob("*.md"))
    args = ["import", "--kb", str(kb_dir), "--index", str(kb_dir.parent / "idx"), "--pattern", pid, "--json"]
    r = CliRunner().invoke(cli, [*args, str(path), *extra])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def severity_note(out) -> str:
    [note] = [n for n in out["notes"] if n.startswith("severity:")]
    return note


SRE_SUMMARY = """\
# Postmortem: Search results empty for logged-in users

**Date:** 2026-04-14

## Summary

This was a Sev-1 incident: for 35 minutes every logged-in search returned no results after the
index alias was swapped to an empty index.

## Root Causes

The reindex job swapped the alias before the bulk load finished.

## Action Items

| Action | Owner | Bug |
|---|---|---|
| Page on any Sev-2 search outage | dana | SRCH-311 |
"""


def test_a_severity_said_in_a_sentence_is_read_with_its_line(kb_dir, tmp_path):
    # it was "none found": recorded as sev3 for triage, though the summary's first words say Sev-1
    out = imp(kb_dir, tmp_path / "search.md", SRE_SUMMARY)
    assert out["severity"] == "sev1" and out["triage"] == []
    assert severity_note(out) == (
        "severity: sev1 from 'Sev-1', line 7: 'This was a Sev-1 incident: for 35 minutes every logged-in search "
        "returned no re…' (said in the text; no Severity field)"
    )
    inc = load_kb(kb_dir).incidents[out["incident"]]
    assert inc.severity == "sev1" and inc.triage == [] and inc.review.level == "full"
    # --severity still decides, and the text is not read then
    again = imp(kb_dir, tmp_path / "search2.md", SRE_SUMMARY.replace("logged-in users", "guests"), "--severity", "sev2")
    assert again["severity"] == "sev2" and not any(n.startswith("severity:") for n in again["notes"])


CONFLUENCE = """\
Incident review: Webhook deliveries delayed
===========================================

Severity 2 — webhook deliveries to partners were delayed by up to 50 minutes on 2026-02-09.

Timeline
--------

- 09:12 Queue depth alert fired
- 09:20 Declared SEV 2, incident channel opened
- 10:02 Backlog drained

What went wrong
---------------

The consumer autoscaler was capped at 4 replicas.
"""


def test_the_same_level_said_twice_in_other_words_is_one_severity(kb_dir, tmp_path):
    out = imp(kb_dir, tmp_path / "webhooks.md", CONFLUENCE)
    assert out["severity"] == "sev2" and out["triage"] == []
    assert severity_note(out).startswith("severity: sev2 from 'Severity 2', line 4: ")
    assert severity_note(out).endswith("(said in the text; no Severity field; 2 mentions, all sev2)")


ATLASSIAN = """\
# Card payments declined in the EU

## Incident summary

Between 14:05 and 14:50 UTC on 2026-05-20 card payments from EU customers were declined.

## Impact

Severity: 2, because only EU customers were affected (we first called it a Sev-1).

## Root cause

The acquirer's new TLS endpoint was not in the egress allow-list.
"""


def test_a_severity_line_written_as_a_sentence_wins_over_other_mentions(kb_dir, tmp_path):
    # "Severity: 2, because …" is no field value (a sentence), so it was not read at all; now the
    # labelled line is the severity, and the Sev-1 said in passing does not make it ambiguous
    out = imp(kb_dir, tmp_path / "cards.md", ATLASSIAN)
    assert out["severity"] == "sev2" and out["triage"] == []
    assert severity_note(out) == (
        "severity: sev2 from '2', line 9: 'Severity: 2, because only EU customers were affected (we first called "
        "it a Sev-…' (a labelled line in the text)"
    )


PRIORITY_PROSE = """\
# Login outage

A P1 incident: on 2026-06-03 the identity provider's signing key rotated and every login failed
for 12 minutes.

## Root cause

The relying parties cached the old key for 24 hours.
"""


def test_a_priority_said_in_the_text_is_the_severity_when_none_is_named(kb_dir, tmp_path):
    out = imp(kb_dir, tmp_path / "login.md", PRIORITY_PROSE)
    assert out["severity"] == "sev1" and out["triage"] == []
    assert severity_note(out).endswith("(a priority; no severity was named)")
    assert "'P1', line 3:" in severity_note(out)


ESCALATED = """\
# Payments latency
Date: 2026-07-08

## Timeline

- 10:00 p99 latency alert; declared SEV-3
- 10:25 card authorisations failing, upgraded to SEV-2
- 11:10 pool resized, latency back to normal

## Root cause

A connection pool of 10 for 400 requests a second.
"""


def test_two_different_levels_are_not_guessed_between(kb_dir, tmp_path):
    out = imp(kb_dir, tmp_path / "latency.md", ESCALATED)
    assert out["severity"] == "sev3" and out["triage"] == ["severity"]  # the placeholder, for triage
    assert severity_note(out) == (
        "severity: the postmortem names 2 different levels: 'SEV-3' (line 6), 'SEV-2' (line 7); not guessed; "
        "recorded sev3 for triage (set the real one, or pass --severity)"
    )
    assert load_kb(kb_dir).incidents[out["incident"]].triage == ["severity"]


def test_a_severity_in_the_text_speaks_before_a_priority_field(kb_dir, tmp_path):
    # the rule for fields (a Severity field wins over a Priority field) holds for a severity the text says
    text = SRE_SUMMARY.replace("**Date:** 2026-04-14", "**Date:** 2026-04-14\n**Priority:** P3")
    out = imp(kb_dir, tmp_path / "prio.md", text)
    assert out["severity"] == "sev1"
    assert severity_note(out).endswith("(said in the text; no Severity field); the Priority field 'P3' is no severity")
    # with no severity in the text, the Priority field is the severity, as before
    plain = text.replace("This was a Sev-1 incident: for", "For").replace("search results empty", "search broken")
    out = imp(kb_dir, tmp_path / "prio2.md", plain)
    assert (
        out["severity"] == "sev3"
        and severity_note(out) == "severity: sev3 from 'P3' (a Priority field; no severity was named)"
    )


def test_an_impact_level_line_is_a_severity_field(kb_dir, tmp_path):
    text = (
        "# Nightly export missing\n\nDate: 2026-03-30\nImpact level: 1\n\n## Summary\n\nThe nightly export was empty.\n"
    )
    out = imp(kb_dir, tmp_path / "export.md", text)
    assert out["severity"] == "sev1" and severity_note(out) == "severity: sev1 from '1'"


def test_what_is_no_verdict_on_this_incident_is_not_read():
    # an action item (what to page on next time), a log in a code block, a template's comment and
    # list of choices, a replica named P2, a percentile, "several": none of these is the severity
    text = textwrap.dedent(
        """\
        # Cache stampede

        <!-- Severity: SEV1 / SEV2 / SEV3 -->
        Severity: [SEV1 | SEV2 | SEV3]

        ## Summary

        The P2 replica fell behind and P99 latency doubled for several 2-minute windows.

        ```
        2026-03-01T10:00:01Z level=warn sev 1 cache miss storm
        ```

        ## Action items

        - Page on any Sev-2 cache alert
        """
    )
    pm = parse(text)
    assert pm.severity_text is None and pm.severity_mentions == []
    # the same words in the summary are read (the scan is what skips them above, not the regex)
    lines = ["The page was a Sev-2 for us", "Declared P1 at 10:05"]
    assert [(m.kind, m.written) for m in mentions(lines, ["Summary", "Summary"], 1)] == [
        ("text", "Sev-2"),
        ("priority", "P1"),
    ]


def test_the_level_is_mapped_through_the_kbs_own_framework(tmp_path):
    # a framework whose keys are upper case: "Sev-2" is SEV2, as --severity "sev2" is (framework_severity);
    # a level the framework does not have is not read, and says so with its line
    kb = tmp_path / "kb"
    write(kb, "patterns/capacity/disk-full.md", pattern_text("disk-full", severity="SEV2"))
    write(
        kb,
        "severity.yml",
        "levels:\n  SEV1: {name: Critical, review: full, review_within_days: 5}\n"
        "  SEV2: {name: Major, review: full, review_within_days: 10}\n"
        "  SEV3: {name: Minor, review: light, review_within_days: 20}\n",
    )
    text = "# Disk filled on the log host\n\nDate: 2026-02-02\n\nThis was a Sev-2 incident for the ingest team.\n"
    out = imp(kb, tmp_path / "disk.md", text)
    assert out["severity"] == "SEV2" and out["triage"] == []
    odd = imp(kb, tmp_path / "odd.md", text.replace("Sev-2", "Sev-5").replace("log host", "db host"))
    assert odd["triage"] == ["severity"] and severity_note(odd) == (
        "severity: could not read 'Sev-5' (line 5) as one of SEV1, SEV2, SEV3; recorded SEV3 for triage "
        "(set the real one, or pass --severity)"
    )
    check = CliRunner().invoke(cli, ["check", "--kb", str(kb), "--stale-days", "0"])
    assert check.exit_code == 0, check.output


def test_long_runs_of_spaces_are_read_in_linear_time():
    # a pasted log or a padded table has lines of thousands of spaces: the label pattern had two runs
    # of spaces side by side and took quadratic time on them (40,000 leading spaces: 50 s a line)
    gap = " " * 60_000
    doc = f"# T\n\n## Summary\n\n{gap}x\n**{gap}x\nSeverity{gap}x\nSev{gap}1\n{'a P1 ' * 20_000}\nThis was a Sev-2.\n"
    pm = finishes(parse, doc)  # a hang guard, not a speed test
    assert {m.written for m in pm.severity_mentions} == {"Sev-2"}  # "Sev   1" is no mention: not one word


def test_the_list_of_choices_pattern_takes_out_what_it_took_out_before_its_first_run_was_narrowed():
    """Its first run no longer takes a separator, so that a line of "[|[|[|…" is not tried ~200x200
    ways per "[" (found in review: 24 s for the document below, now a fraction of a second); what
    it takes out of a template's text is the same (lists of choices under 200 characters a side)."""
    import random
    import re

    from recur.ingest.pm_severity import CHOICES

    before = re.compile(r"\[[^\]\n]{0,200}[|/][^\]\n]{0,200}\]|<[^>\n]{0,200}[|/][^>\n]{0,200}>")
    texts = [
        "Severity: [SEV1 | SEV2 | SEV3]",
        "Priority: <P1/P2/P3>",
        "see [a/b] and [c|d], [x [SEV1|SEV2] and <a href=x/y> or [docs](http://x/y)",
        "[|] [||] [/|/] <|> [a\n|b] [[|]] <<a|b>>",
        "[" + "a" * 199 + "|b]",
        "[a|" + "b" * 199 + "]",
        "[" + "a" * 201 + "|b]",
    ]
    rng = random.Random(7)  # short mixes of brackets, separators and text: every way they meet
    texts += ["".join(rng.choice("[]<>|/a \n") for _ in range(rng.randint(1, 40))) for _ in range(5000)]
    for text in texts:
        assert CHOICES.sub(" ", text) == before.sub(" ", text), text
    pm = parse("# Outage\n\n## Summary\n\n" + "[|" * 400_000)
    assert not pm.severity_mentions


def test_lists_of_choices_are_taken_out_by_a_scan_as_their_pattern_says():
    """pm_severity.without_choices takes out what CHOICES.sub would (which read up to 200 characters from each "["
    of a run of them: 2 s for a line of 1,000,000): every short text of brackets, separators and line breaks, with
    runs 2 long, and long runs at and past the 200 of the pattern."""
    import random
    import re
    from itertools import product

    from recur.ingest.pm_severity import CHOICES, without_choices

    short = re.compile(r"\[[^\]\n|/]{0,2}[|/][^\]\n]{0,2}\]|<[^>\n|/]{0,2}[|/][^>\n]{0,2}>")
    for n in range(7):
        for chars in product("[]<>|/a\n", repeat=n):
            text = "".join(chars)
            assert without_choices(text, 2) == short.sub(" ", text), repr(text)
    rng = random.Random(7)
    texts = ["[" * 300 + "|" + "a" * 200 + "]", "[" * 5_000 + "|", "<" + "[" * 250 + "|a]>", "[SEV1 | SEV2] <P1/P2>"]
    texts += ["".join(rng.choice("[[[<|/]>a") for _ in range(rng.randint(1, 2_000))) for _ in range(300)]
    for text in texts:
        assert without_choices(text) == CHOICES.sub(" ", text), text[:80]


def test_a_severity_field_that_says_a_change_records_the_level_it_ended_at(kb_dir, tmp_path):
    # "SEV-3 (upgraded to SEV-2 at 14:20)" recorded sev3, "Sev 2 → Sev 1" sev2: the first level written,
    # not the one the responders settled on
    got = {}
    for n, value in enumerate(
        (
            "SEV-3 (upgraded to SEV-2 at 14:20)",
            "Sev 2 → Sev 1",
            "SEV-2 (downgraded to SEV 3 after triage)",
            "SEV-2 (upgraded from SEV-3)",
            "2 (to be confirmed)",
        )
    ):
        text = SRE_SUMMARY.replace("**Date:** 2026-04-14", f"**Date:** 2026-04-14\n**Severity:** {value}")
        got[value] = imp(kb_dir, tmp_path / f"pm{n}.md", text)["severity"]
    assert got == {
        "SEV-3 (upgraded to SEV-2 at 14:20)": "sev2",
        "Sev 2 → Sev 1": "sev1",
        "SEV-2 (downgraded to SEV 3 after triage)": "sev3",
        "SEV-2 (upgraded from SEV-3)": "sev2",
        "2 (to be confirmed)": "sev2",
    }


LABELLED = (
    "# Checkout errors\n\nDate: 2026-03-30\n**Labels:** {labels}\n\n## Summary\n\nCheckout failed after a deploy.\n"
)


def test_a_trackers_scoped_labels_say_the_severity_as_a_severity_or_priority_line_would(kb_dir, tmp_path):
    # GitHub's "severity/high", "priority/P1" gave no severity ("none found"), while "sev-2" in labels was read
    out = imp(kb_dir, tmp_path / "a.md", LABELLED.format(labels="incident, postmortem, priority/P1"))
    assert (out["severity"], out["triage"]) == ("sev1", []), out["notes"]
    assert severity_note(out).startswith("severity: sev1 from 'P1', line 4:"), severity_note(out)
    out = imp(kb_dir, tmp_path / "b.md", LABELLED.format(labels="incident, severity/major, priority/P1"))
    assert out["severity"] == "sev2", out["notes"]  # a severity named wins over a priority, as fields do
    out = imp(kb_dir, tmp_path / "c.md", LABELLED.format(labels="incident, severity::minor"))  # GitLab's scope
    assert out["severity"] == "sev3", out["notes"]
    # a word the framework has no level for is said not read, as on a Severity line, not passed over
    out = imp(kb_dir, tmp_path / "d.md", LABELLED.format(labels="incident, severity/high, priority/P1"))
    assert out["triage"] == ["severity"] and "could not read 'high' (line 4)" in severity_note(out), out["notes"]
    # a priority/severity word anywhere but a labels line is prose, as before
    out = imp(kb_dir, tmp_path / "e.md", LABELLED.format(labels="incident").replace("a deploy", "a priority/P1 fix"))
    assert out["triage"] == ["severity"] and severity_note(out).startswith("severity: none found"), out["notes"]
