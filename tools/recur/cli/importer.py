"""`recur import`: the command line over recur.ingest.importer."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from recur import config
from recur.cli.options import (
    CATEGORY,
    DATE,
    INCIDENT_ID,
    day_come,
    flag_severity,
    index_option,
    kb_option,
    model_option,
)
from recur.ingest.importer import CHANGED, import_postmortem, render_text

# --review-done given alone, no DATE after it: the review was held today
_TODAY = "today"


def _held(value: str | None):
    """--review-done's day: today when given alone, else its DATE. An optional value takes the word after it:
    `--review-done pm.md` took the file for the date, and click then said FILE was missing."""
    if value is None:
        return None
    if value == _TODAY:
        return config.today()
    try:
        return day_come(value, "--review-done", "held")
    except click.BadParameter:
        # the date first: a file named as a day (2026-12-01-pm.md) is no date, and is the FILE put after it
        if Path(value).is_file():
            raise click.UsageError(
                f"--review-done took {value!r} for its DATE: put FILE first (recur import {value} --review-done) "
                "or give the date (--review-done YYYY-MM-DD)"
            ) from None
        raise


def _refuse_stdin(file: str) -> None:
    """``-`` (stdin, as `recur suggest -` and `incident new -d -` read it) is refused with why and what to do:
    click said "File '-' does not exist" (found in review). The import keys a document by its file's name
    (imported.source): a second import of the same file is found by it, and what changed since is named, which
    no name for stdin could do (every paste would be "stdin", one document)."""
    if file == "-":
        raise click.UsageError(
            "FILE: - (stdin) is not read: recur import needs the postmortem's file, whose name it records "
            "(imported.source) to find a later import of the same document and name what changed; save it "
            "first, e.g. xclip -o > postmortem.md && recur import postmortem.md"
        )


@click.command("import")
@kb_option
@index_option
@model_option
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--id", "iid", type=INCIDENT_ID, help="Incident id (default: next INC-<year>-NNNN).")
@click.option("--date", type=DATE, help="Override the incident date (YYYY-MM-DD).")
@click.option("--severity", help="Override the severity key.")
@click.option(
    "--review-due",
    type=DATE,
    metavar="DATE",
    help="The review's due date (YYYY-MM-DD). Default: the date the postmortem gives it "
    "('Status: Draft, review scheduled 2026-12-09', 'Review date:'), else date + review_within_days of the severity.",
)
@click.option(
    "--review-done",
    metavar="[DATE]",
    is_flag=False,
    flag_value=_TODAY,
    callback=lambda ctx, param, value: _held(value),
    help="The review was held: record it done, on DATE (YYYY-MM-DD; alone: today; not after today), over what the "
    "postmortem says, as recur incident review ID --done --on DATE would afterwards. With --review-due, done "
    "wins: the review is done, that date kept as the day it was due.",
)
@click.option("--pattern", "patterns", multiple=True, help="Link this known pattern; skip matching (repeatable).")
@click.option("--category", type=CATEGORY, help="Category folder for a draft pattern (default: the closest pattern's).")
@click.option("--no-draft", is_flag=True, help="Never write a draft pattern; leave the incident as needs-analysis.")
@click.option(
    "--accept",
    type=click.Choice(["high", "medium"]),
    default="high",
    show_default=True,
    help="Lowest confidence at which the top-ranked existing pattern is linked with no person choosing (never "
    "when the answer is 'no known pattern'; medium: also a medium one, on a KB of 10 patterns or more). "
    "Below it the candidates are stored for a person: recur incident link ID.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print what was written as JSON (with recur incident new --json's keys for the same facts: id, path, "
    "linked, review, suggestions; and the record's title).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Read, match and check everything, write nothing: say what would be written (the same JSON with --json).",
)
def import_cmd(
    kb_dir,
    index_dir,
    model,
    file,
    iid,
    date,
    severity,
    review_due,
    review_done,
    patterns,
    category,
    no_draft,
    accept,
    as_json,
    dry_run,
):
    """Import a postmortem (Google SRE or Atlassian template, or close) as an incident record.

    When no existing pattern matches it well, also writes a draft pattern pre-filled from
    the postmortem, listing the closest existing patterns to compare. Sections that map to
    nothing are kept in the incident and reported.

    \b
    Exit status: 0 imported, or imported before and unchanged; 1 an error (nothing written);
    3 imported before and changed since: the incident is not updated, what differs is named.
    """
    from recur.kb.loader import load_kb
    from recur.util.dates import given_date

    _refuse_stdin(file)
    kb = None  # loaded here for a --severity to check, and read by the import: once, not twice (~2 s a load
    if severity:  # at 1,000+1,000). A level the framework has not: the command line's mistake (exit 2), said first
        kb = load_kb(kb_dir)
        flag_severity(kb, severity)
    out = import_postmortem(
        kb_dir,
        file,
        index_dir=index_dir,
        model=model,
        iid=iid,
        date=given_date(date, "--date"),
        severity=severity,
        patterns=patterns,
        category=category,
        draft=not no_draft,
        threshold=accept,
        dry_run=dry_run,
        review_due=given_date(review_due, "--review-due"),
        review_done=review_done,
        kb=kb,
    )
    if as_json:
        click.echo(json.dumps(out.to_json(), ensure_ascii=False, indent=1))
    else:
        click.echo(render_text(out))
    sys.stdout.flush()
    if out.changed:  # a scheduled import must see an edit it did not apply: said on stderr too
        click.echo(f"{file}: changed since it was imported as {out.incident}; not updated (exit {CHANGED})", err=True)
        sys.exit(CHANGED)
