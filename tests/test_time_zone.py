"""RECUR_TZ: the one time zone "today" and a timestamp's date are read in (found by a review of dates and times).
Each machine read them in its own zone: an incident at Dec 31 23:30 in Los Angeles was INC-2026-… on an LA laptop
and INC-2027-0001 on a UTC CI runner, and a UTC CI job and a UTC+14 laptop disagreed by a day on what was overdue.
Each command runs in a process of its own, under its machine's zone (TZ), as the CLI runs on each machine."""

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from recur.kb.loader import load_kb
from recur.util.errors import RecurError

TOOLS = str(Path(__file__).resolve().parents[1] / "tools")
# UTC-12, UTC-8 and UTC+14 in December: 26 hours from the first to the last, so at every hour of the day two of
# these machines' clocks show different dates (a test of "today" that could not fail at some hours would prove
# nothing then)
MACHINES = ("Etc/GMT+12", "America/Los_Angeles", "Pacific/Kiritimati")


def _recur(kb: Path, machine: str, *args, env=None, stdin: str = "") -> subprocess.CompletedProcess:
    """`recur ARGS` on ``kb`` in a process of its own whose machine's zone is ``machine`` (TZ), RECUR_TZ=UTC."""
    clean = {k: v for k, v in os.environ.items() if k not in ("RECUR_TODAY", "RECUR_AS_OF", "RECUR_TZ")}
    env = {**clean, "PYTHONPATH": TOOLS, "TZ": machine, "RECUR_TZ": "UTC", "RECUR_KB": str(kb),
           "RECUR_MODEL": "fake:64", "RECUR_INDEX": str(kb.parent / "index"), **(env or {})}  # fmt: skip
    code = "import sys; from recur.cli.main import main; sys.argv[0] = 'recur'; main()"
    return subprocess.run([sys.executable, "-c", code, *args], input=stdin, capture_output=True, text=True, env=env)


def _new(kb: Path, machine: str, *args, env=None) -> dict:
    made = _recur(kb, machine, "incident", "new", "-t", "checkout 502s", "-s", "sev3", "-d", "-", "--no-suggest",
                  "--json", *args, env=env, stdin="upstream timed out\n")  # fmt: skip
    assert made.returncode == 0, made.stderr
    return json.loads(made.stdout)


def _kb_per_machine(fresh_kb: Path, tmp_path: Path) -> dict:
    """A copy of the KB with no incidents for each machine: each numbers its first record alike."""
    kbs = {}
    for n, machine in enumerate(MACHINES):
        kbs[machine] = tmp_path / f"m{n}" / "kb"
        shutil.copytree(fresh_kb, kbs[machine])
    return kbs


def test_a_timestamp_is_dated_in_recur_tz_on_every_machine(fresh_kb, tmp_path):
    # Dec 31 23:30 in Los Angeles is Jan 1 07:30 UTC: one id and one date on the LA laptop and the UTC+14 one
    kbs = _kb_per_machine(fresh_kb, tmp_path)
    made = {
        m: _new(kb, m, "--date", "2026-12-31T23:30:00-08:00", env={"RECUR_TODAY": "2027-01-05"})
        for m, kb in kbs.items()
    }
    assert {(r["id"], r["date"]) for r in made.values()} == {("INC-2027-0001", "2027-01-01")}, made
    # in the laptop's own zone, set so on the CI runner too (UTC here): the date it was in Los Angeles
    la = tmp_path / "la" / "kb"
    shutil.copytree(fresh_kb, la)
    there = _new(la, "UTC", "--date", "2026-12-31T23:30:00-08:00",
                 env={"RECUR_TODAY": "2027-01-05", "RECUR_TZ": "America/Los_Angeles"})  # fmt: skip
    assert (there["id"], there["date"]) == ("INC-2026-0001", "2026-12-31")


def test_a_zone_name_in_any_letter_case_is_that_zone_on_every_machine(fresh_kb, tmp_path):
    # zoneinfo reads a name as a file's: `utc` was a zone on macOS and an error on Linux ("give ... UTC")
    from recur.util.dates import zone_named

    # by offsets, not .key: on a case-insensitive file system zoneinfo opens `europe/berlin` itself (key as given)
    summer = dt.datetime(2026, 7, 1, 12)
    assert zone_named("europe/berlin", "RECUR_TZ").utcoffset(summer) == dt.timedelta(hours=2)
    assert zone_named("AMERICA/LOS_ANGELES", "RECUR_TZ").utcoffset(summer) == dt.timedelta(hours=-7)
    assert zone_named("utc", "RECUR_TZ") == dt.timezone.utc
    # letter case only: a look-alike that folds to a name (the long s, U+017F) is no zone
    with pytest.raises(RecurError, match="is no time zone"):
        zone_named("A\u017fia/Tokyo", "RECUR_TZ")
    for n, zone in enumerate(("america/los_angeles", "utc")):
        kb = tmp_path / f"z{n}" / "kb"
        shutil.copytree(fresh_kb, kb)
        made = _new(kb, "Pacific/Kiritimati", "--date", "2026-12-31T23:30:00-08:00",
                    env={"RECUR_TODAY": "2027-01-05", "RECUR_TZ": zone})  # fmt: skip
        want = ("INC-2026-0001", "2026-12-31") if n == 0 else ("INC-2027-0001", "2027-01-01")
        assert (made["id"], made["date"]) == want, (zone, made)


def test_a_recur_today_that_is_no_date_is_exit_2_as_a_bad_recur_tz_is(kb_dir, run, monkeypatch):
    # both settings checked before the command runs: RECUR_TODAY's was the command's own error, exit 1
    for bad, said in (("2026-13-01", "no such date: 2026-13-01"), ("31/12/2026", "'31/12/2026' is not a date")):
        monkeypatch.setenv("RECUR_TODAY", bad)
        for args in (("incident", "list"), ("report",), ("check", "--kb", str(kb_dir))):
            r = run(*args)
            assert r.exit_code == 2, (args, r.output)
            assert r.stderr.startswith(f"Error: RECUR_TODAY: {said}"), r.stderr
            assert "Traceback" not in r.output and r.stdout == ""
    monkeypatch.setenv("RECUR_TODAY", "2026-06-01")
    assert run("incident", "list").exit_code == 0


def test_check_today_given_wins_over_a_bad_recur_today(kb_dir, run, monkeypatch):
    # --today is RECUR_TODAY's own flag: given, the variable is not read (click's rule for an option's envvar);
    # the check before every command refused it anyway, exit 2, where check had run (found in re-read)
    monkeypatch.setenv("RECUR_TODAY", "tomorrow")
    r = run("check", "--kb", str(kb_dir), "--today", "2026-06-01", "-q")
    assert r.exit_code == 0 and "RECUR_TODAY" not in r.output, r.output
    r = run("check", "--kb", str(kb_dir), "-q")  # read from the variable: refused, naming it
    assert r.exit_code == 2 and r.stderr.startswith("Error: RECUR_TODAY: 'tomorrow' is not a date"), r.output
    r = run("report", "--as-of", "2026-06-01")  # --as-of is not today: the variable is still read
    assert r.exit_code == 2 and r.stderr.startswith("Error: RECUR_TODAY:"), r.output


def test_a_bad_recur_as_of_is_exit_2_and_as_of_given_wins_over_it(kb_dir, run, monkeypatch, tmp_path):
    # RECUR_AS_OF's bad value was the command's own error, exit 1, where RECUR_TODAY's and RECUR_TZ's were 2
    for bad, said in (("2026-13-01", "no such date: 2026-13-01"), ("tomorrow", "'tomorrow' is not a date")):
        monkeypatch.setenv("RECUR_AS_OF", bad)
        for args in (("report",), ("site", "--out", str(tmp_path / "site"), "--no-browser-search")):
            r = run(*args)
            assert r.exit_code == 2 and r.stderr.startswith(f"Error: RECUR_AS_OF: {said}"), (args, r.output)
            assert not (tmp_path / "site").exists()
        r = run("report", "--as-of", "2026-06-01", "--json")  # the flag wins over its variable, unread
        assert r.exit_code == 0 and "RECUR_AS_OF" not in r.output, r.output
        assert run("incident", "list").exit_code == 0  # a command that does not read it runs


def _today_everywhere(kbs: dict) -> tuple[str, dict]:
    """(the UTC date when the commands ran, or "" when UTC midnight fell among them; what each machine gave:
    a new record's id and date, and the follow-ups `incident list` counts overdue, one due that UTC day)."""
    utc = dt.datetime.now(dt.timezone.utc).date().isoformat()
    seen = {}
    for machine, kb in kbs.items():
        for path in (kb / "incidents").rglob("*.md"):
            path.unlink()
        made = _new(kb, machine)
        due = _recur(kb, machine, "incident", "follow-up", made["id"], "--add", "Retry budget", "--due", utc)
        assert due.returncode == 0, due.stderr
        listed = _recur(kb, machine, "incident", "list", "--json")
        assert listed.returncode == 0, listed.stderr
        seen[machine] = (made["id"], made["date"], json.loads(listed.stdout)[0]["follow_ups_overdue"])
    return (utc if dt.datetime.now(dt.timezone.utc).date().isoformat() == utc else ""), seen


def test_today_and_overdue_are_the_same_on_every_machine_with_one_recur_tz(fresh_kb, tmp_path):
    kbs = _kb_per_machine(fresh_kb, tmp_path)
    utc, seen = _today_everywhere(kbs)
    if not utc:  # UTC midnight fell among the runs: once more, which cannot cross it again
        utc, seen = _today_everywhere(kbs)
    assert set(seen.values()) == {(f"INC-{utc[:4]}-0001", utc, 0)}, seen


def test_a_recur_tz_that_names_no_zone_is_a_clear_error_and_exit_2(kb_dir, run, monkeypatch):
    # localtime and posixrules: files zoneinfo reads, no zone's name (localtime differs between machines)
    for bad in ("Mars/Olympus_Mons", "Europe", "../etc/passwd", "utc+2", "localtime", "posixrules"):
        monkeypatch.setenv("RECUR_TZ", bad)
        r = run("incident", "list")
        assert r.exit_code == 2, r.output
        assert r.stderr.startswith(f"Error: RECUR_TZ: {bad!r} is no time zone: give an IANA name such as "), r.stderr
        assert "Traceback" not in r.output and r.stdout == ""
    monkeypatch.setenv("RECUR_TZ", "Europe/Berlin")
    assert run("incident", "list").exit_code == 0


POSTMORTEM = """\
# Postmortem: Ingest nodes ran out of disk for the log buffer

**Incident:** {ref}
**Date:** 03/04/2026
**Severity:** SEV-2

## Summary

The log shipper's buffer filled /var on every ingest node for 47 minutes.
"""


def test_an_unreadable_date_updating_a_record_says_the_record_keeps_its_own(fresh_kb, run, tmp_path, monkeypatch):
    monkeypatch.setenv("RECUR_TODAY", "2026-12-08")
    made = run("incident", "new", "-t", "ingest disk full", "-s", "sev3", "-d", "-", "--no-suggest", "--json",
               "--date", "2026-12-06", input="write failed: No space left on device\n")  # fmt: skip
    assert made.exit_code == 0, made.output
    iid = json.loads(made.stdout)["id"]
    pm = tmp_path / "pm.md"
    pm.write_text(textwrap.dedent(POSTMORTEM.format(ref=iid)))
    r = run("import", str(pm), "--no-draft", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["updated"], out
    assert load_kb(fresh_kb).incidents[iid].date == dt.date(2026, 12, 6)  # the record's own date, kept
    said = [n for n in out["notes"] if n.startswith("date:")]
    assert said == [
        "date: could not read '03/04/2026' (the 'Date:' line 4): day and month could be either way round (4 March "
        f"2026 or 3 April 2026); {iid} keeps its own date, 2026-12-06"
    ], out["notes"]
    assert out["triage"] == []  # no placeholder written: nothing for triage ("Needs triage: date" said there was)


def test_no_severity_updating_a_record_says_the_record_keeps_its_own(fresh_kb, run, tmp_path, monkeypatch):
    monkeypatch.setenv("RECUR_TODAY", "2026-12-08")
    made = run("incident", "new", "-t", "ingest disk full", "-s", "sev3", "-d", "-", "--no-suggest", "--json",
               "--date", "2026-12-06", input="write failed: No space left on device\n")  # fmt: skip
    iid = json.loads(made.stdout)["id"]
    pm = tmp_path / "pm.md"
    text = POSTMORTEM.format(ref=iid).replace("03/04/2026", "2026-12-06").replace("**Severity:** SEV-2\n", "")
    pm.write_text(text)
    r = run("import", str(pm), "--no-draft")
    assert r.exit_code == 0, r.output
    assert f"Note: severity: none found in the postmortem; {iid} keeps its own severity, sev3\n" in r.stdout
    assert "Needs triage" not in r.stdout and "for triage" not in r.stdout
    assert load_kb(fresh_kb).incidents[iid].severity == "sev3"


def _import_into_sev1_record(run, tmp_path, monkeypatch, date_line: str, *flags) -> tuple[str, dict]:
    """(the record's id, `recur import --json` of a postmortem naming it, with ``date_line`` and no severity):
    a sev1 record of 2026-12-06, where the triage placeholder would be today's date and the least severity."""
    monkeypatch.setenv("RECUR_TODAY", "2026-12-08")
    made = run("incident", "new", "-t", "ingest disk full", "-s", "sev1", "-d", "-", "--no-suggest", "--json",
               "--date", "2026-12-06", input="write failed: No space left on device\n")  # fmt: skip
    iid = json.loads(made.stdout)["id"]
    pm = tmp_path / "pm.md"
    pm.write_text(
        POSTMORTEM.format(ref=iid).replace("**Date:** 03/04/2026", date_line).replace("**Severity:** SEV-2\n", "")
    )
    r = run("import", str(pm), "--no-draft", "--json", *flags)
    assert r.exit_code == 0, r.output
    return iid, json.loads(r.stdout)


def test_import_json_updating_a_record_gives_the_date_and_severity_it_keeps(fresh_kb, run, tmp_path, monkeypatch):
    # no date read, no severity: --json said the placeholders the record was never given (today, the least severe)
    for flags in ((), ("--dry-run",)):
        for path in (fresh_kb / "incidents").rglob("*.md"):
            path.unlink()
        iid, out = _import_into_sev1_record(run, tmp_path, monkeypatch, "**Date:** 03/04/2026", *flags)
        assert out["updated"] and out["triage"] == [], out
        assert (out["date"], out["date_source"], out["severity"]) == ("2026-12-06", None, "sev1"), flags
    assert load_kb(fresh_kb).incidents[iid].date == dt.date(2026, 12, 6)


def test_import_json_updating_a_record_gives_its_own_date_not_the_postmortems(fresh_kb, run, tmp_path, monkeypatch):
    # the postmortem's date a day later, within the 2 days it may differ by: kept as the record's, and so said
    iid, out = _import_into_sev1_record(run, tmp_path, monkeypatch, "**Date:** 2026-12-07")
    assert any(k.startswith("date '2026-12-06' (the postmortem's: '2026-12-07'") for k in out["updated"]["kept"]), out
    assert (out["date"], out["date_source"]) == ("2026-12-06", None)
    assert load_kb(fresh_kb).incidents[iid].date == dt.date(2026, 12, 6)


# a postmortem's date written as a timestamp with its offset: Dec 31 23:30 in Los Angeles, Jan 1 07:30 UTC
ZONED = {
    "label": "# Postmortem: Ingest disk full\n\n**Date:** 2026-12-31T23:30:00-08:00\n**Severity:** SEV-2\n\n"
    "## Summary\n\nThe log shipper's buffer filled /var.\n",
    "front matter": "---\ntitle: Ingest disk full\ndate: 2026-12-31T23:30:00-08:00\nseverity: SEV-2\n---\n\n"
    "## Summary\n\nThe log shipper's buffer filled /var.\n",
    "e-mail": "From: oncall@example.com\nSubject: Postmortem: ingest disk full (SEV2)\n"
    "Date: Thu, 31 Dec 2026 23:30:00 -0800\n\nThe log shipper's buffer filled /var on every ingest node.\n",
}


def test_a_postmortems_timestamp_is_dated_in_recur_tz(fresh_kb, run, tmp_path, monkeypatch):
    # the import dated it as written, 2026-12-31 (INC-2026-…), where `recur incident new --date` and a record's
    # date read the same timestamp in RECUR_TZ: 2027-01-01 on a team set to UTC (docs/cli.md's RECUR_TZ says so)
    monkeypatch.setenv("RECUR_TODAY", "2027-01-05")
    for zone, day in (("UTC", "2027-01-01"), ("America/Los_Angeles", "2026-12-31")):
        monkeypatch.setenv("RECUR_TZ", zone)
        for form, text in ZONED.items():
            pm = tmp_path / "pm.eml" if form == "e-mail" else tmp_path / "pm.md"
            pm.write_text(text)
            r = run("import", str(pm), "--no-draft", "--json", "--dry-run")
            assert r.exit_code == 0, r.output
            out = json.loads(r.stdout)
            assert (out["date"], out["id"][:8]) == (day, f"INC-{day[:4]}"), (zone, form, out["notes"])


def test_a_record_dated_by_a_timestamp_keeps_its_date_in_recur_tz(fresh_kb, run, tmp_path, monkeypatch):
    # the note said the record's timestamp as written, "keeps its own date, 2026-12-06T20:00:00-08:00", beside
    # --json's date and `recur incident list`'s, 2026-12-07 on a team set to UTC
    monkeypatch.setenv("RECUR_TZ", "UTC")
    monkeypatch.setenv("RECUR_TODAY", "2026-12-08")
    made = run("incident", "new", "-t", "ingest disk full", "-s", "sev1", "-d", "-", "--no-suggest", "--json",
               "--date", "2026-12-06T20:00:00-08:00", input="write failed: No space left on device\n")  # fmt: skip
    iid, path = json.loads(made.stdout)["id"], Path(json.loads(made.stdout)["path"])
    path.write_text(path.read_text().replace("date: 2026-12-07\n", "date: 2026-12-06T20:00:00-08:00\n"))
    pm = tmp_path / "pm.md"
    pm.write_text(POSTMORTEM.format(ref=iid).replace("**Severity:** SEV-2\n", ""))
    out = json.loads(run("import", str(pm), "--no-draft", "--json").stdout)
    said = [n for n in out["notes"] if n.startswith("date:")]
    assert said[0].endswith(f"; {iid} keeps its own date, 2026-12-07"), said
    assert out["date"] == "2026-12-07"
    assert "date: 2026-12-06T20:00:00-08:00\n" in path.read_text()  # as written: only what is said changed
