"""`recur import DIR`: each postmortem file of a folder imported, one report each, a total, the worst exit status,
the engine opened once. Our own text."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from import_helpers import import_file
from kbfactory import fake_model_flags
from test_import_postmortem import ATLASSIAN, GOOGLE

from recur.cli.main import cli
from recur.kb.loader import load_kb

DISK = """\
# Disk full on db-3

Date: 2026-11-18
Severity: SEV-2

## Summary
The data disk of db-3 filled: No space left on device.
"""


def run_import(kb_dir, target, *extra):
    args = ["import", *fake_model_flags(kb_dir, kb_dir.parent / "idx"), str(target), *extra]
    return CliRunner().invoke(cli, args)


def folder_of(tmp_path, files: dict) -> object:
    folder = tmp_path / "pms"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def test_a_folder_s_postmortems_are_imported_each_with_its_report_and_a_total(kb_dir, tmp_path):
    """`recur import DIR` was refused ("Path 'DIR' is a directory"): each file had to be imported by hand."""
    import_file(kb_dir, tmp_path / "pms" / "c-disk.md", DISK)  # imported before: unchanged in the folder
    folder = tmp_path / "pms"
    (folder / "a-checkout.md").write_text(GOOGLE)
    (folder / "b-disk-2.txt").write_text(DISK.replace("db-3", "db-7").replace("11-18", "11-19"))
    (folder / "notes.json").write_text("[]")
    (folder / "sub").mkdir()
    (folder / "sub" / "d.md").write_text(DISK.replace("db-3", "db-9"))  # not its subfolders
    r = run_import(kb_dir, folder, "--no-draft")
    assert r.exit_code == 0, r.output
    heads = [ln for ln in r.stdout.splitlines() if ln.startswith("== ")]
    assert heads == [f"== {folder / n}" for n in ("a-checkout.md", "b-disk-2.txt", "c-disk.md")]
    assert r.stdout.splitlines()[-1] == "Imported 3 postmortems: 2 recorded, 1 unchanged (re-import), 0 refused"
    assert "left out 1 file(s) of no postmortem kind" in r.stderr and "notes.json" in r.stderr
    titles = sorted(i.title for i in load_kb(kb_dir).incidents.values() if i.imported)
    assert titles == [
        "Checkout outage caused by exhausted database connections",
        "Disk full on db-3",
        "Disk full on db-7",
    ]


def test_a_file_that_fails_is_said_and_the_others_are_imported_exit_1(kb_dir, tmp_path):
    folder = folder_of(tmp_path, {"a.md": DISK, "b-empty.md": "", "c.md": DISK.replace("db-3", "db-5")})
    r = run_import(kb_dir, folder, "--no-draft")
    assert r.exit_code == 1, r.output
    assert f"Error: {folder / 'b-empty.md'}: is empty; nothing imported" in r.stderr
    assert r.stdout.splitlines()[-1] == "Imported 3 postmortems: 2 recorded, 0 unchanged (re-import), 1 refused"
    assert sum(1 for i in load_kb(kb_dir).incidents.values() if i.imported) == 2


def test_json_gives_one_line_per_file_and_a_changed_document_exits_3(kb_dir, tmp_path):
    folder = folder_of(tmp_path, {"a.md": DISK, "b.md": DISK.replace("db-3", "db-4")})
    first = run_import(kb_dir, folder, "--no-draft", "--json")
    assert first.exit_code == 0, first.output
    lines = [json.loads(ln) for ln in first.stdout.splitlines()]
    assert [(x["file"], x["title"], x["already"]) for x in lines] == [
        (str(folder / "a.md"), "Disk full on db-3", None),
        (str(folder / "b.md"), "Disk full on db-4", None),
    ]
    assert "Imported 2 postmortems: 2 recorded" in first.stderr  # stdout holds the JSON lines alone
    (folder / "a.md").write_text(DISK.replace("SEV-2", "SEV-1"))  # edited since: not updated, exit 3
    again = run_import(kb_dir, folder, "--no-draft", "--json")
    assert again.exit_code == 3, again.output
    assert [x["already"]["incident"] for x in map(json.loads, again.stdout.splitlines())] == [
        x["incident"] for x in lines
    ]
    assert again.stderr.strip().endswith(
        "Imported 2 postmortems: 0 recorded, 1 unchanged (re-import), 1 changed since imported (not updated), 0 refused"
    )
    # an error is worse than a changed document: exit 1, the error's own JSON line
    (folder / "c.md").write_text("")
    worst = run_import(kb_dir, folder, "--no-draft", "--json")
    assert worst.exit_code == 1
    assert json.loads(worst.stdout.splitlines()[-1]) == {
        "file": str(folder / "c.md"),
        "error": f"{folder / 'c.md'}: is empty; nothing imported",
    }


def test_the_engine_is_opened_once_and_a_later_file_finds_the_draft_an_earlier_one_wrote(kb_dir, tmp_path, monkeypatch):
    """One model load for the folder; and the index brought up to date between files: the second postmortem of
    one failure (a copy saved under another name, edited) found no draft and wrote a second one."""
    from recur.retrieval.engine import Engine

    opened = []
    real_open = Engine.open.__func__

    def counted(cls, *args, **kwargs):
        opened.append(args)
        return real_open(cls, *args, **kwargs)

    monkeypatch.setattr(Engine, "open", classmethod(counted))
    edited = ATLASSIAN.replace("Duration: 1 hour 20 minutes", "Duration: 1 hour 25 minutes")
    folder = folder_of(tmp_path, {"a.md": ATLASSIAN, "b.md": edited})
    r = run_import(kb_dir, folder, "--category", "software", "--json")
    assert r.exit_code == 0, r.output
    a, b = map(json.loads, r.stdout.splitlines())
    assert len(opened) == 1
    assert a["draft"] and b["draft"] is None
    assert b["candidates"][0]["id"] == a["draft"]["id"]


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--id", "INC-2026-0900"], "--id: describes"),
        (["--date", "2026-11-20"], "--date: describes"),
        (["--severity", "sev2"], "--severity: describes"),
        (["--review-due", "2026-12-20"], "--review-due: describes"),
        (["--review-done", "2026-11-25"], "--review-done DATE: describes"),
        (["--pattern", "dns-failure"], "--pattern: describes"),
        (["--date", "2026-11-20", "--pattern", "dns-failure"], "--date, --pattern: describe"),
    ],
)
def test_the_flags_that_describe_one_document_are_refused_with_a_folder(kb_dir, tmp_path, flags, named):
    """Only --id was refused: --date, --severity, --review-due, --review-done DATE and --pattern were given to
    every file of the folder (ten postmortems all dated one day, all linked to one pattern with no matching)."""
    folder = folder_of(tmp_path, {"a.md": DISK, "b.md": DISK.replace("db-3", "db-4")})
    r = run_import(kb_dir, folder, *flags)
    assert r.exit_code == 2, r.output
    said = "one incident (its id, date, severity, review or pattern)"
    assert f"{named} {said}, and {folder} is a folder" in r.output
    assert not any(i.imported for i in load_kb(kb_dir).incidents.values())


def test_keep_record_with_a_folder_merges_each_changed_record_and_says_which(kb_dir, tmp_path):
    """A CI job importing a folder of postmortems: one imported as a record of its own and changed since failed
    the job on every run (exit 3), and --keep-record, the way out, was refused with a folder (exit 2). Now each
    such file's record is merged (a section no one edited takes the correction, a person's edits are kept), this
    version imported, said in its report and counted in the total."""
    folder = folder_of(tmp_path, {"a.md": DISK, "b.md": DISK.replace("db-3", "db-4").replace("11-18", "11-19")})
    assert run_import(kb_dir, folder, "--no-draft").exit_code == 0
    (folder / "a.md").write_text(DISK.replace("The data disk", "The WAL disk"))
    assert run_import(kb_dir, folder, "--no-draft").exit_code == 3
    dry = run_import(kb_dir, folder, "--no-draft", "--keep-record", "--dry-run")
    assert dry.exit_code == 0, dry.output
    merged = "1 changed since imported, would be merged, a person's edits kept (--keep-record)"
    assert merged in dry.stdout.splitlines()[-1], dry.stdout
    r = run_import(kb_dir, folder, "--no-draft", "--keep-record")
    assert r.exit_code == 0, r.output
    [kept] = [ln for ln in r.stdout.splitlines() if ln.startswith("Updated incident ")]
    a = next(i for i in load_kb(kb_dir).incidents.values() if i.title == "Disk full on db-3")
    assert kept.startswith(f"Updated incident {a.id}: ") and "The WAL disk" in a.summary  # no one had edited it
    assert r.stdout.splitlines()[-1] == (
        "Imported 2 postmortems: 0 recorded, 1 unchanged (re-import), 1 changed since imported, merged, a person's "
        "edits kept (--keep-record), 0 refused"
    )
    assert "nothing kept" not in r.stdout  # of b.md, unchanged: nothing said (one FILE's note, not each file's)
    assert run_import(kb_dir, folder, "--no-draft").exit_code == 0  # the job's next run


def test_a_bare_review_done_and_the_ways_to_import_are_taken_with_a_folder(kb_dir, tmp_path):
    folder = folder_of(tmp_path, {"a.md": DISK})
    r = run_import(kb_dir, folder, "--review-done", "--no-draft", "--accept", "medium", "--category", "software")
    assert r.exit_code == 0, r.output
    [inc] = [i for i in load_kb(kb_dir).incidents.values() if i.imported]
    assert inc.review.status == "done"


def test_no_postmortem_in_a_folder_is_an_error(kb_dir, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    r = run_import(kb_dir, empty)
    assert r.exit_code == 1 and "holds no postmortem file" in r.output


def test_a_dry_run_s_total_says_each_file_was_checked_alone_against_the_kb_as_it_is(kb_dir, tmp_path):
    """A dry run writes nothing between files: every file is given the same next id, and two copies of one
    document are both "would be recorded", where the real run records the second as a re-import. The total said
    it as if the folder's files had been settled among themselves."""
    folder = folder_of(tmp_path, {"a.md": DISK, "b-copy.md": DISK})
    r = run_import(kb_dir, folder, "--no-draft", "--dry-run", "--json")
    assert r.exit_code == 0, r.output
    a, b = map(json.loads, r.stdout.splitlines())
    assert a["incident"] == b["incident"]  # what the dry run is: each file alone against the KB as it is now
    assert r.stderr.strip().splitlines()[-1] == (
        "Dry run, nothing written: read 2 postmortems: 2 would be recorded, 0 unchanged (re-import), 0 refused; "
        "each file checked alone against the KB as it is now: ids, re-imports and drafts among the folder's own "
        "files are settled by the real run"
    )
    assert not any(i.imported for i in load_kb(kb_dir).incidents.values())
    real = run_import(kb_dir, folder, "--no-draft")
    assert real.stdout.splitlines()[-1] == "Imported 2 postmortems: 1 recorded, 1 unchanged (re-import), 0 refused"


DRAFT = """\
# Postmortem: Product page cache stampede after deploy

**Date:** 2026-12-03
**Severity:** SEV-2
**Status:** Draft

## Summary
After the 14:05 deploy of catalog-api the product cache was flushed and every request went to Postgres at once;
p99 latency stayed above 8 s for about 20 minutes.

## Root cause
TBD: probably the deploy hook flushing Redis.

## Action Items
- [ ] Find out why the cache was flushed (owner: Ines Duarte)
"""

FINAL = """\
# Postmortem: Product page cache stampede after deploy

**Date:** 2026-12-03
**Severity:** SEV-2
**Status:** Complete

## Summary
After the 14:05 deploy of catalog-api the product cache was flushed and every request went to Postgres at once;
p99 latency stayed above 8 s for about 20 minutes.

## Root cause
The deploy hook ran FLUSHALL on the shared Redis instead of deleting the catalog keys, and nothing coalesces the
requests that refill the cache.

## Action Items
- [ ] Delete by key prefix in the deploy hook, never FLUSHALL (owner: Ines Duarte)
- [ ] Coalesce the product cache fill (owner: Tom Becker)
"""


@pytest.mark.parametrize(
    "names", [("stampede-draft.md", "stampede.md"), ("stampede v1.md", "stampede v2.md"), ("wip_pm.md", "final_pm.md")]
)
def test_a_draft_and_its_final_imported_together_make_one_record_of_the_final(fresh_kb, tmp_path, names):
    """Found in review: both in the folder the first time, each was recorded, two records of one incident with a
    look-alike note. The final is recorded, the draft skipped and said (a final beside its draft's record is no
    second record either); the next runs the same, the final unchanged."""
    draft, final = names
    folder = folder_of(tmp_path, {draft: DRAFT, final: FINAL})
    dry = run_import(fresh_kb, folder, "--no-draft", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "0 refused, 1 draft skipped (the final beside it imported instead)" in dry.stdout, dry.output
    assert not list((fresh_kb / "incidents").rglob("*.md"))
    for run in range(2):
        r = run_import(fresh_kb, folder, "--no-draft", "--json")
        assert r.exit_code == 0, r.output
        lines = {Path(x["file"]).name: x for x in map(json.loads, r.stdout.splitlines())}
        assert lines[draft] == {
            "file": str(folder / draft),
            "skipped": "draft",
            "final": str(folder / final),
            "note": f"a draft of {folder / final} (the names {draft} and {final} say it is the earlier version), "
            f"which is imported instead; nothing written. To record it as an incident of its own: recur import "
            f"{shlex.quote(str(folder / draft))}",
        }
        assert (lines[final]["already"] is None) == (run == 0), lines[final]
        assert r.stderr.strip().endswith("0 refused, 1 draft skipped (the final beside it imported instead)")
    records = load_kb(fresh_kb).incidents
    assert len(records) == 1, records
    (inc,) = records.values()
    assert inc.imported["source"].endswith(final) and len(inc.follow_ups) == 2
    text = run_import(fresh_kb, folder, "--no-draft")
    assert f"== {folder / draft}\nSkipped: a draft of {folder / final} (" in text.stdout, text.output


@pytest.mark.parametrize(
    "names, finals",
    [
        (["pm.md", "pm-draft.md"], {"pm-draft.md": "pm.md"}),
        (["pm-v1.md", "pm-v3.md", "pm-v2.md"], {"pm-v1.md": "pm-v3.md", "pm-v2.md": "pm-v3.md"}),
        (["pm-draft.md", "pm-final.md", "pm.md"], {"pm-draft.md": "pm-final.md", "pm.md": "pm-final.md"}),
        (["pm.md", "pm-v2.md"], {}),  # either may be the first: the names do not tell
        (["pm.md", "pm (1).md"], {}),  # a copy: no version named
        (["db-draft.md", "dns.md"], {}),
        (["pm-draft.md", "pm-draft-2.md"], {}),
        (["pm-final.md", "pm-final-v2.md"], {}),  # two version words: no order said (the v2 was skipped)
        (["pm-draft.md", "pm-final.md", "pm-final-v2.md"], {}),
    ],
)
def test_which_names_are_versions_of_one_postmortem(names, finals):
    from recur.ingest.pm_versions import finals as found

    got = found([Path("pms") / n for n in names])
    assert {a.name: b.name for a, b in got.items()} == finals


@pytest.mark.parametrize("extra", [[], ["--dry-run"]])
def test_a_final_beside_its_recorded_draft_is_no_second_record(fresh_kb, tmp_path, extra):
    """Found in review: the draft recorded by an earlier run, its final then saved beside it (naming no record) was
    written as a second record of the incident with a look-alike note, exit 0. As a final whose Incident line names
    the draft's record: nothing written, exit 3, the way on said; followed, its corrections are taken."""
    folder = folder_of(tmp_path, {"pm-draft.md": DRAFT})
    assert run_import(fresh_kb, folder, "--no-draft").exit_code == 0
    (path,) = (fresh_kb / "incidents").rglob("*.md")
    before = path.read_bytes()
    (folder / "pm.md").write_text(FINAL)
    r = run_import(fresh_kb, folder, "--no-draft", "--json", *extra)
    assert r.exit_code == 3, r.output
    lines = {Path(x["file"]).name: x for x in map(json.loads, r.stdout.splitlines())}
    assert lines["pm-draft.md"]["already"]["by"] == "content", lines
    assert lines["pm.md"]["already"] == {
        "incident": "INC-2026-0001",
        "path": str(path),
        "by": "draft beside it",
        "kept_record": None,
    }
    note = lines["pm.md"]["notes"][1]
    draft = f"{folder.name}/pm-draft.md"
    assert (
        f"imported.source is {draft}, not {folder.name}/pm.md: INC-2026-0001 was imported from {draft}, beside this "
        "postmortem, whose name says it is a later version of it (a final of its draft), so recur import does not "
        "record it as a second incident; it may differ from this version (below), nothing written. If this one "
        f'replaces {draft}: delete {draft} or move it out of the folder you import, then set "source" in '
        f'INC-2026-0001\'s imported: field to "{folder.name}/pm.md" and import again' in note
    ), note
    assert f"{folder / 'pm.md'}: the final of the draft INC-2026-0001 was imported from, beside it" in r.stderr
    assert path.read_bytes() == before and [p.name for p in (fresh_kb / "incidents").rglob("*.md")] == [path.name]
    # the way on, as said: the draft moved out, the source set; the correction then taken with --keep-record
    (folder / "pm-draft.md").rename(tmp_path / "pm-draft.md")
    path.write_text(path.read_text().replace(f'"source": "{draft}"', f'"source": "{folder.name}/pm.md"'))
    assert run_import(fresh_kb, folder, "--no-draft").exit_code == 3
    kept = run_import(fresh_kb, folder, "--no-draft", "--keep-record")
    assert kept.exit_code == 0, kept.output
    inc = load_kb(fresh_kb).incidents["INC-2026-0001"]
    assert inc.sections["Root cause"].startswith("The deploy hook ran FLUSHALL"), inc.sections


def _pm(title: str, day: str | None, cause: str) -> str:
    dated = f"**Date:** {day}\n" if day else ""
    return f"# Postmortem: {title}\n\n{dated}**Severity:** SEV-2\n\n## Summary\n{cause}\n"


# names that pair as a draft and its final, of postmortems of other incidents (their titles say so), dated alike
NAMESAKES = {
    "draft-horse-outage.md": _pm("Stable sensors offline after firmware push", "2026-11-20", "The humidity sensors of "
                                 "the draft horse stable stopped reporting after a firmware push bricked them."),
    "horse-outage.md": _pm("Horse tracking API certificate expired", "2026-11-20", "The tracking API's TLS "
                           "certificate expired and every collar upload was refused for two hours."),
    "v2-api-outage.md": _pm("Gateway for API v2 out of file descriptors", "2026-11-21", "The v2 gateway hit its "
                            "open files limit and returned 502 to a third of requests."),
    "v3-api-outage.md": _pm("Rate limiter rule blocked API v3", "2026-11-22", "A rate limiter rule pushed with a "
                            "typo matched every v3 route and answered 429 for 40 minutes."),
    "countdown.md": _pm("Countdown service CPU saturation", "2026-11-25", "A regular expression backtracked on "
                        "long event names and pinned the countdown service's CPUs."),
    "final-countdown.md": _pm("Launch page timer froze at zero", "2026-11-25", "A timezone bug in the launch "
                              "page's final countdown widget froze it at 00:00 an hour early."),
}  # fmt: skip


def test_names_that_only_hold_a_version_word_are_no_draft_of_another_incident(fresh_kb, tmp_path):
    """Found in a re-read: `draft-horse-outage.md` beside `horse-outage.md`, `v2-api-outage.md` beside
    `v3-api-outage.md`, `countdown.md` beside `final-countdown.md`, postmortems of other incidents (other titles)
    dated within 2 days, were taken for a draft and its final: one of each pair skipped, never recorded, exit 0."""
    folder = folder_of(tmp_path, NAMESAKES)
    r = run_import(fresh_kb, folder, "--no-draft")
    assert r.exit_code == 0, r.output
    assert "Skipped" not in r.stdout and "draft skipped" not in r.stdout, r.output
    titles = sorted(i.title for i in load_kb(fresh_kb).incidents.values())
    assert titles == sorted(t.splitlines()[0].removeprefix("# Postmortem: ") for t in NAMESAKES.values())


def test_a_namesake_saved_beside_an_incident_recorded_before_is_recorded(fresh_kb, tmp_path):
    """Found in a re-read: `countdown.md` recorded, `final-countdown.md` (another incident) saved beside it later
    was said to be its final, exit 3, nothing written: never recorded while the first stayed in the folder."""
    folder = folder_of(tmp_path, {"countdown.md": NAMESAKES["countdown.md"]})
    assert run_import(fresh_kb, folder, "--no-draft").exit_code == 0
    (folder / "final-countdown.md").write_text(NAMESAKES["final-countdown.md"])
    r = run_import(fresh_kb, folder, "--no-draft", "--json")
    assert r.exit_code == 0, r.output
    lines = {Path(x["file"]).name: x for x in map(json.loads, r.stdout.splitlines())}
    assert lines["final-countdown.md"]["already"] is None, lines
    assert len(load_kb(fresh_kb).incidents) == 2


def test_a_final_beside_the_record_of_its_undated_draft_is_no_second_record(fresh_kb, tmp_path, monkeypatch):
    """Found in a re-read: a draft giving no date was recorded on the day imported (a placeholder, triage: date); its
    final, dated, saved beside it was compared with that day, more than 2 days off, and written as a second record."""
    monkeypatch.setenv("RECUR_TODAY", "2026-12-07")
    folder = folder_of(tmp_path, {"pm-draft.md": DRAFT.replace("**Date:** 2026-12-03\n", "")})
    assert run_import(fresh_kb, folder, "--no-draft").exit_code == 0
    (folder / "pm.md").write_text(FINAL.replace("2026-12-03", "2026-11-26"))
    r = run_import(fresh_kb, folder, "--no-draft", "--json")
    assert r.exit_code == 3, r.output
    lines = {Path(x["file"]).name: x for x in map(json.loads, r.stdout.splitlines())}
    assert lines["pm.md"]["already"]["by"] == "draft beside it", lines
    assert len(load_kb(fresh_kb).incidents) == 1


def test_a_final_beside_a_recorded_draft_and_another_final_is_recorded_as_a_first_import_would(fresh_kb, tmp_path):
    """Found in a re-read: the draft recorded, then `pm-final.md` and `pm-final-v2.md` saved beside it, names that
    tell no order (a first import of the three skips none): `pm-final.md` alone was held back as the draft's final,
    exit 3, on the draft's name and its own, the other version beside them not read."""
    folder = folder_of(tmp_path, {"pm-draft.md": DRAFT})
    assert run_import(fresh_kb, folder, "--no-draft").exit_code == 0
    (folder / "pm-final.md").write_text(FINAL)
    (folder / "pm-final-v2.md").write_text(FINAL.replace("Tom Becker", "Tom Becker and Ines Duarte"))
    r = run_import(fresh_kb, folder, "--no-draft", "--json")
    assert r.exit_code == 0, r.output
    lines = {Path(x["file"]).name: x for x in map(json.loads, r.stdout.splitlines())}
    assert [lines[n]["already"] for n in ("pm-final.md", "pm-final-v2.md")] == [None, None], lines
    assert len(load_kb(fresh_kb).incidents) == 3
