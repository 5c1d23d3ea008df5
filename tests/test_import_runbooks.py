"""`recur import` given a runbook (Symptoms / Diagnosis / Resolution, no incident in it): refused, saying how it
becomes a pattern. Found in review: a team's runbook was recorded as an incident dated from its "Last
reviewed:" line, with a draft pattern of TODOs. Our own text."""

import json
import shlex
import textwrap
from pathlib import Path

from click.testing import CliRunner
from import_helpers import import_file as imp
from kbfactory import fake_model_flags

from recur.cli.main import cli
from recur.ingest.importer import content_hash
from recur.kb.loader import load_kb

RUNBOOK = """\
    # Runbook: Queue consumers stalled

    **Owner:** Platform Team | **Last reviewed:** 2026-09-14 | **Service:** orders-worker

    ## Symptoms

    - orders stay in "pending" for more than 5 minutes
    - Alert `OrdersQueueLagHigh` firing

    ## Diagnosis

    1. Open the queue dashboard and look at consumer lag.
    2. Run `kubectl -n orders get pods` and look for restarts.

    ## Resolution

    1. Restart the consumers: `kubectl -n orders rollout restart deploy/orders-worker`.
    2. If the lag does not drop within 5 minutes, page the queue owners.

    ## Escalation

    Queue owners via #queue-oncall.
    """


def _files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_a_runbook_is_refused_with_exit_2_and_how_to_make_it_a_pattern(kb_dir, tmp_path):
    before = _files(kb_dir)
    r = imp(kb_dir, tmp_path / "runbook.md", RUNBOOK)
    assert r.exit_code == 2, r.output
    assert _files(kb_dir) == before  # nothing written: no incident, no draft
    said = " ".join(r.output.split())
    assert "looks like a runbook, not a postmortem: its headings (Symptoms, Diagnosis, Resolution, Escalation)" in said
    assert "no timeline, impact, duration, incident date or severity" in said and "nothing imported" in said
    assert "the numbered ## Runbook" in said and "Traceback" not in said
    # the command it names runs, its placeholders filled in
    command = said.split("A runbook is a pattern: ", 1)[1].split(" (a --symptom", 1)[0]
    args = [a.replace("…", "x y z") for a in shlex.split(command)]
    assert args[:4] == ["recur", "new", "pattern", "--title"] and args[4] == "Queue consumers stalled", args
    made = CliRunner().invoke(cli, [*args[1:], "--kb", str(kb_dir), "--category", "queues", "--severity", "sev2"])
    assert made.exit_code == 0, made.output
    assert "queue-consumers-stalled" in load_kb(kb_dir).patterns


def test_a_runbook_with_a_remediation_heading_is_refused_too(kb_dir, tmp_path):
    """`## Remediation` is a postmortem's action items to the import: a runbook's steps under it are no
    incident's follow-ups."""
    r = imp(kb_dir, tmp_path / "runbook.md", RUNBOOK.replace("## Resolution", "## Remediation"))
    assert r.exit_code == 2 and "looks like a runbook" in r.output, r.output


def test_a_postmortem_with_runbook_headings_and_an_incident_is_imported(kb_dir, tmp_path):
    """A Date: line, a severity, a timeline or an impact tell of one incident: such a document is imported as
    before, whatever its other headings."""
    for n, shape in enumerate(
        [
            "**Date:** 2026-11-20\n",
            "**Severity:** SEV2\n",
            "## Timeline\n\n- 14:05 UTC: alert fired\n- 14:40 UTC: resolved\n",
            "## Impact\n\nOrders were delayed for 35 minutes.\n",
        ]
    ):
        text = RUNBOOK.replace(
            "    ## Symptoms\n", "    " + "\n    ".join(shape.splitlines()) + "\n\n    ## Symptoms\n"
        )
        r = imp(kb_dir, tmp_path / f"pm{n}.md", text)
        assert r.exit_code == 0 and "looks like a runbook" not in r.output, (shape, r.output)


def test_a_postmortem_dated_in_its_title_is_imported(kb_dir, tmp_path):
    """A postmortem whose date is only in its H1, with Symptoms / Diagnosis / Resolution headings, was refused as a
    runbook: the title's date was read as the first dated sentence, which a runbook has too (found in review). A
    date in the title dates one incident."""
    text = """\
        # Checkout API outage, 14 November 2026

        ## Symptoms

        Checkout requests failed with 502s from the edge for most customers in the EU region.

        ## Diagnosis

        The new connection pool limit of 20 per pod left requests queued behind slow payment calls.

        ## Resolution

        We rolled the pool limit back to 200 and the errors stopped within minutes.
        """
    # the note quoted the title run on into the next section ("Checkout API outage, 14 November 2026 ## Symptoms
    # Checkout requests failed…", found in a docs review): the title line alone, said to be the title
    r = imp(kb_dir, tmp_path / "checkout.md", text, "--dry-run")
    assert 'Note: date: 2026-11-14 from the title: "Checkout API outage, 14 November 2026"\n' in r.output, r.output
    r = imp(kb_dir, tmp_path / "checkout.md", text, "--json")
    assert r.exit_code == 0 and "looks like a runbook" not in r.output, r.output
    out = json.loads(r.stdout)
    assert out["date"] == "2026-11-14", r.output
    assert out["date_source"] == 'the title: "Checkout API outage, 14 November 2026"', out["date_source"]


def test_a_dated_sentence_is_quoted_without_the_section_after_it(kb_dir, tmp_path):
    """The first dated sentence is quoted up to its paragraph's end: not run on into the next heading."""
    text = """\
        # Checkout API outage

        It began on 14 November 2026

        ## Symptoms

        Checkout requests failed with 502s from the edge for most customers in the EU region.
        """
    out = json.loads(imp(kb_dir, tmp_path / "checkout.md", text, "--json").stdout)
    assert out["date"] == "2026-11-14"
    assert out["date_source"] == 'the first dated sentence: "It began on 14 November 2026…"', out["date_source"]


def test_a_folder_import_refuses_the_runbook_and_imports_the_others(kb_dir, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "runbook.md").write_text(RUNBOOK.replace("\n    ", "\n").lstrip())
    postmortem = (
        "# Orders delayed\n\n**Date:** 2026-11-20\n**Severity:** SEV2\n\n## Summary\n"
        "The orders consumers stalled after a broker failover and orders stayed pending for 35 minutes.\n\n"
        "## Root cause\nThe consumers kept their connection to the old broker and never reconnected.\n"
    )
    (folder / "pm.md").write_text(postmortem)
    r = CliRunner().invoke(
        cli,
        [
            "import",
            "--kb",
            str(kb_dir),
            "--index",
            str(tmp_path / "idx"),
            "--model",
            "fake:64",
            str(folder),
            "--no-draft",
        ],
    )
    # a runbook is no error in a file: exit 2, as `recur import FILE` gives it (it was 1), counted apart
    assert r.exit_code == 2, r.output
    assert "runbook.md: looks like a runbook, not a postmortem" in r.output and "1 recorded" in r.output, r.output
    assert "0 refused, 1 runbook (not imported)" in r.output, r.output
    (folder / "broken.md").write_text("")  # an error in another file is the worse
    r = CliRunner().invoke(cli, ["import", *fake_model_flags(kb_dir, tmp_path / "idx"), str(folder), "--no-draft"])
    assert r.exit_code == 1 and "1 refused, 1 runbook (not imported)" in r.output, r.output


def _imported_before_the_refusal(kb_dir, path):
    """A record imported from the runbook at ``path`` as an import before the refusal wrote it: one of the runbook
    with a Severity: line (still imported), its digest then set to the runbook's own."""
    r = imp(kb_dir, path, RUNBOOK.replace("    ## Symptoms\n", "    **Severity:** SEV2\n\n    ## Symptoms\n"))
    assert r.exit_code == 0, r.output
    (record,) = [i for i in load_kb(kb_dir).incidents.values() if i.imported]
    file = kb_dir / record.relpath
    file.write_text(file.read_text().replace(record.imported["sha256"], content_hash(textwrap.dedent(RUNBOOK))))
    return record.id


def test_a_runbook_imported_before_the_refusal_is_a_re_import(kb_dir, tmp_path):
    """A runbook a record was imported from before `recur import` refused runbooks was refused on its re-import
    (exit 2, a scheduled folder import failing on a document it had imported fine; found in review): it is
    reported as imported before, exit 0, with a note that it reads as a runbook."""
    iid = _imported_before_the_refusal(kb_dir, tmp_path / "runbook.md")
    before = _files(kb_dir)
    r = imp(kb_dir, tmp_path / "runbook.md", RUNBOOK)
    assert r.exit_code == 0, r.output
    assert f"Already imported as {iid} (same content)" in r.output, r.output
    said = " ".join(r.output.split())
    assert f"Note: it reads as a runbook, not a postmortem (recur import refuses one now; {iid} was imported" in said
    assert _files(kb_dir) == before
    # so in a folder: the other file recorded, the runbook unchanged, exit 0
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "runbook.md").write_text((tmp_path / "runbook.md").read_text())
    r = CliRunner().invoke(cli, ["import", *fake_model_flags(kb_dir, tmp_path / "idx"), str(folder), "--no-draft"])
    assert r.exit_code == 0 and "1 unchanged (re-import), 0 refused" in r.output, r.output
    assert "runbook (not imported)" not in r.output


def test_a_runbook_refused_with_json_says_so_on_stdout(kb_dir, tmp_path):
    """Found in an upgrade review: `recur import runbook.md --json` wrote nothing to stdout (exit 2), and a
    folder's line for it was {"file", "error"}, as for an error in a file: a script reading the JSON could tell
    a runbook (what `recur new pattern` takes) from a broken postmortem only by the exit status, and a folder's
    is its worst file's. A runbook's JSON says "refused": "runbook"; exit 2 as before, nothing written."""
    before = _files(kb_dir)
    r = imp(kb_dir, tmp_path / "runbook.md", RUNBOOK, "--json")
    assert r.exit_code == 2, r.output
    got = json.loads(r.stdout)
    assert set(got) == {"file", "error", "refused"} and got["refused"] == "runbook", got
    assert got["file"] == str(tmp_path / "runbook.md") and "looks like a runbook, not a postmortem" in got["error"]
    assert got["error"].startswith(f"{tmp_path / 'runbook.md'}: "), got
    assert "looks like a runbook" in r.stderr and r.stderr.count("Error: ") == 1 and _files(kb_dir) == before
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "runbook.md").write_text(textwrap.dedent(RUNBOOK))
    (folder / "broken.md").write_text("")  # an error in a file: no "refused" key
    r = CliRunner().invoke(cli, ["import", *fake_model_flags(kb_dir, tmp_path / "idx"), str(folder), "--json"])
    assert r.exit_code == 1, r.output
    lines = {Path(line["file"]).name: line for line in map(json.loads, r.stdout.splitlines())}
    assert lines["runbook.md"]["refused"] == "runbook" and "looks like a runbook" in lines["runbook.md"]["error"]
    assert set(lines["broken.md"]) == {"file", "error"}, lines["broken.md"]


def test_any_file_refused_with_json_says_so_on_stdout_as_a_folder_does(kb_dir, tmp_path):
    """Found in a re-read: `recur import FILE --json` printed an object for a runbook's refusal but nothing for
    any other (an empty file: exit 1, stderr alone), where a folder's --json gives {"file", "error"} for it.
    Now the single file's refusal prints the folder's object too; the exit status is as before (1)."""
    before = _files(kb_dir)
    r = imp(kb_dir, tmp_path / "empty.md", "", "--json")
    assert r.exit_code == 1, r.output
    got = json.loads(r.stdout)
    assert set(got) == {"file", "error"} and got["file"] == str(tmp_path / "empty.md"), got
    assert got["error"].startswith(f"{tmp_path / 'empty.md'}: ") and got["error"] in r.stderr, (got, r.stderr)
    assert r.stderr.count("Error: ") == 1 and _files(kb_dir) == before, r.stderr
    r = imp(kb_dir, tmp_path / "empty.md", "")  # without --json: stderr alone, as before
    assert r.exit_code == 1 and r.stdout == "" and "Error: " in r.stderr, r.output
