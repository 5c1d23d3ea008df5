"""One step cleans and checks a new incident record (incident_record.checked_incident) for `recur incident new`,
MCP's record_incident and `recur new incident`, and MCP's retry detection compares a record with its result.
Found in review: each surface had its own copy of the cleaning and checks, and the retry detection a third copy,
so a change to one could silently make the others write or compare something else."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

from kbfactory import small_kb

from recur.ingest.pasted_log import as_said
from recur.kb import scaffold
from recur.kb.incident_record import NewIncident, checked_incident, recorded_today, retried, write_incident
from recur.kb.loader import load_kb

DAY = dt.date(2026, 5, 2)
# a pasted line (spaces, a tab: white space), services and flags with blanks and a zero-width space alone
GIVEN = NewIncident(
    title="Checkout  hangs\t",
    severity="sev2",
    date=DAY,
    description="  pods\tdown\n",
    services=("checkout", " ", "\u200b", "payments\t"),
    flags=("why\tnow", "", "\u200b"),
    patterns=("disk-full",),
)


def _front(text: str) -> list[str]:
    return [line for line in text.split("---")[1].splitlines() if line.split(":")[0] in {"title", "services", "flags"}]


def test_recur_new_incident_and_recur_incident_new_write_the_same_cleaned_fields(tmp_path):
    kb_dir = small_kb(tmp_path / "kb")
    kb = load_kb(kb_dir)
    _, scaffolded = scaffold.incident_file(
        kb,
        id=None,
        title=GIVEN.title,
        date=DAY,
        severity="sev2",
        patterns=GIVEN.patterns,
        services=GIVEN.services,
        summary=GIVEN.description,
        flags=GIVEN.flags,
    )
    _, path, _ = write_incident(kb, checked_incident(kb, GIVEN))
    recorded = path.read_text(encoding="utf-8")
    assert _front(scaffolded) == _front(recorded)
    assert (
        'title: "Checkout hangs"' in recorded
        and 'services: ["checkout", "payments"]' in recorded
        and '  - "why now"' in recorded
    )
    assert "pods\tdown" in scaffolded and "pods\tdown" in recorded


def test_a_record_is_found_again_by_the_same_call_and_not_by_another(tmp_path):
    kb_dir = small_kb(tmp_path / "kb")
    first = checked_incident(load_kb(kb_dir), GIVEN)
    iid, _, _ = write_incident(load_kb(kb_dir), first)
    kb = load_kb(kb_dir)
    again = checked_incident(kb, replace(GIVEN, title="checkout HANGS", severity="SEV2"))
    found = recorded_today(kb, again, as_said)
    assert found is not None and found.id == iid and retried(again, found)
    other = checked_incident(kb, replace(GIVEN, flags=("why now", "and how")))
    assert recorded_today(kb, other, as_said).id == iid and not retried(other, recorded_today(kb, other, as_said))
    assert recorded_today(kb, checked_incident(kb, replace(GIVEN, date=DAY + dt.timedelta(days=1))), as_said) is None


def test_a_pattern_or_service_given_twice_is_recorded_once_by_every_surface(tmp_path):
    """`recur new incident --pattern disk-full --pattern disk-full` wrote ``patterns: [disk-full, disk-full]`` (then
    `recur check` warned of it), a service given twice likewise, where `recur incident new` wrote each once: the
    one check drops a repeat, so every surface records it once (the first one given keeps its place)."""
    from click.testing import CliRunner

    from recur.cli.main import cli

    kb_dir = small_kb(tmp_path / "kb")
    twice = [
        "--pattern",
        "disk-full",
        "--pattern",
        "disk-full",
        "--service",
        "api",
        "--service",
        " api",
        "--service",
        "db",
    ]
    given = ["new", "incident", "--kb", str(kb_dir), "-t", "Disk full", "-s", "sev2", "--date", DAY.isoformat()]
    res = CliRunner().invoke(cli, [*given, *twice, "--no-input"])
    assert res.exit_code == 0, res.output
    kb = load_kb(kb_dir)
    (new,) = [inc for inc in kb.incidents.values() if inc.title == "Disk full"]
    assert (new.patterns, new.services) == (["disk-full"], ["api", "db"])
    checked = checked_incident(kb, replace(GIVEN, patterns=("disk-full",) * 2, services=("api", "db", "api")))
    assert (checked.patterns, checked.services) == (("disk-full",), ("api", "db"))


def test_a_flag_given_twice_is_recorded_once_by_every_surface(tmp_path):
    """A pattern or service given twice was recorded once (the test above), a flag twice: `recur incident new --flag x
    --flag x` wrote two open flags of one question. The one check drops a repeated flag as it does a repeated
    pattern, the first one in its place, after cleaning ("why now" and "why\\tnow" are one)."""
    from click.testing import CliRunner

    from recur.cli.main import cli

    kb_dir = small_kb(tmp_path / "kb")
    flags = ["--flag", "why now", "--flag", "and how", "--flag", "why now"]
    for command in (["incident", "new", "--no-suggest"], ["new", "incident", "--no-input"]):
        title = f"Disk full {command[0]}"
        given = [*command, "--kb", str(kb_dir), "-t", title, "-s", "sev2", "--date", DAY.isoformat()]
        res = CliRunner().invoke(cli, [*given, *flags])
        assert res.exit_code == 0, res.output
        (new,) = [inc for inc in load_kb(kb_dir).incidents.values() if inc.title == title]
        assert [f.text for f in new.flags] == ["why now", "and how"]
    checked = checked_incident(load_kb(kb_dir), replace(GIVEN, flags=("why\tnow", "and how", "why now", "and how")))
    assert checked.flags == ("why now", "and how")


def test_a_pattern_id_in_other_letter_case_is_recorded_as_the_pattern_has_it(tmp_path):
    """Found in a re-read: `recur incident new --pattern Disk-Full` was refused ("did you mean disk-full?") while
    the API, feedback and MCP read any case (retrieval.patterns.given_pattern_id). The rule is the KB's now
    (schema.given_id), in the one check before a record links a pattern: every surface records disk-full."""
    from click.testing import CliRunner
    from kbfactory import fake_model_flags

    from recur.cli.main import cli
    from recur.retrieval.patterns import given_pattern_id

    root = small_kb(tmp_path / "kb")
    run = lambda *args: CliRunner().invoke(cli, list(args))  # noqa: E731
    new = run("incident", "new", "--kb", str(root), "-t", "Disk", "-s", "sev3", "--date", "2026-05-02",
              "--pattern", " Disk-Full ", "--no-suggest", "--json")  # fmt: skip
    assert new.exit_code == 0, new.output
    written = load_kb(root).incidents[json.loads(new.stdout)["id"]]
    assert written.patterns == ["disk-full"]
    scaffolded = run("new", "incident", "--kb", str(root), "--title", "Disk again", "--severity", "sev3",
                     "--date", "2026-05-03", "--pattern", "DISK-FULL", "--no-input")  # fmt: skip
    assert scaffolded.exit_code == 0, scaffolded.output
    assert [i.patterns for i in load_kb(root).incidents.values() if i.title == "Disk again"] == [["disk-full"]]
    linked = run("incident", "link", "--kb", str(root), written.id, "DB-Pool-Exhausted")
    assert linked.exit_code == 0, linked.output
    assert load_kb(root).incidents[written.id].patterns == ["disk-full", "db-pool-exhausted"]
    listed = run("incident", "list", "--kb", str(root), "--pattern", "Disk-Full", "--json")
    assert listed.exit_code == 0 and written.id in {r["id"] for r in json.loads(listed.stdout)}, listed.output
    pm = tmp_path / "pm.md"
    summary = "The data volume of the billing database host filled with write-ahead logs after archiving stopped."
    pm.write_text(
        f"# Postmortem: Disk filled\n\n**Date:** 2026-05-04\n**Severity:** SEV-3\n\n## Summary\n\n{summary}\n"
    )
    imported = run("import", *fake_model_flags(root, tmp_path / "idx"), str(pm), "--pattern", "Disk-Full", "--json")
    assert imported.exit_code == 0, imported.output
    assert load_kb(root).incidents[json.loads(imported.stdout)["incident"]].patterns == ["disk-full"]
    # the API's and MCP's rule is the same one, the resource URI's prefix aside
    assert given_pattern_id("recur://patterns/Disk-Full") == given_pattern_id(" DISK-full") == "disk-full"
    assert given_pattern_id("Disk_Full") == "Disk_Full"  # no id in any case: left for the error to name


def test_a_control_character_is_refused_by_the_one_check_naming_the_field(tmp_path):
    """Found by fuzzing: the CLI took control characters out of what it was given without a word, and MCP's
    record_incident refused them. One rule now (util.text.control_refused), in the one check of a new record: a
    tab and line breaks are white space, any other control character is refused, naming the field as its caller
    gave it (a library's ``flags[1]``, `recur new incident`'s --flag), and nothing is written."""
    import re

    import pytest

    from recur.util.errors import RecurError

    kb_dir = small_kb(tmp_path / "kb")
    kb = load_kb(kb_dir)
    before = sorted((kb_dir / "incidents").rglob("*.md"))
    for field, value, named in [
        ("title", "db \x1b]0;pwned\x07slow", "title: has the control character U+001B at character 4"),
        ("description", "core dumped \x00 ELF", "description: has the control character U+0000 at character 13"),
        ("services", ("api", "d\x9bb"), "services[1]: has the control character U+009B at character 2"),
        ("flags", ("why\x7f",), "flags[0]: has the control character U+007F at character 4"),
        ("review_owner", "bob\x08", "review_owner: has the control character U+0008 at character 4"),
    ]:
        with pytest.raises(RecurError, match=re.escape(named)):
            checked_incident(kb, replace(GIVEN, **{field: value}))
    with pytest.raises(RecurError, match=r"--flag\[0\]: has the control character U\+0007"):
        scaffold.incident_file(kb, id=None, title="Disk", date=DAY, severity="sev2", flags=("a\x07",))
    assert sorted((kb_dir / "incidents").rglob("*.md")) == before
