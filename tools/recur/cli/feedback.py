"""`recur feedback`: the command line over recur.ingest.feedback."""

from __future__ import annotations

from pathlib import Path

import click

from recur.cli.options import OutFile, kb_option, setting
from recur.ingest.feedback import export
from recur.util.errors import RecurError


@click.group()
def feedback():
    """Responder feedback from the site and the API (👍/👎 on suggestions)."""


@feedback.command("export")
@kb_option
@click.option(
    "--feedback",
    "feedback_path",
    **setting("feedback"),
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Feedback file written by `recur serve` (env RECUR_FEEDBACK).",
)
@click.option("--out", type=OutFile(), help="Write the cases here instead of appending to KB/eval/cases.yml.")
def export_cmd(kb_dir, feedback_path, out):
    """Turn confirmed feedback into retrieval cases for an author to review in a PR.

    A vote counts when its latest verdict is 👍, its pattern exists and it is not already a
    case. Cases are appended to KB/eval/cases.yml (kept valid YAML) under a dated comment,
    or written to --out; a pattern confirmed for a query that already has a case in that file
    joins the case's expect list. Review them, then run `recur eval`.
    """
    if not Path(feedback_path).is_file():
        raise RecurError(f"{feedback_path}: no feedback file (the server writes it when responders vote)")
    added, merged, target = export(feedback_path, kb_dir, out)
    if not added and not merged:
        click.echo(
            f"No new confirmed feedback in {feedback_path}: nothing to export{_why_none(feedback_path, kb_dir)}.",
            err=True,
        )
        return
    to_cases = f"a pattern to {merged} existing case(s) in {target}"
    if not merged:
        done = f"Wrote {added} case(s) to {target}"
    else:
        done = f"Wrote {added} case(s) and added {to_cases}" if added else f"Added {to_cases}"
    click.echo(f"{done}: review them in a PR, then run `recur eval`.", err=True)


def _why_none(feedback_path, kb_dir) -> str:
    """What the votes were, when none is new: a file of votes for patterns that no longer exist
    looked the same as an empty one."""
    from recur.ingest.feedback import vote_tally

    tally = vote_tally(feedback_path, kb_dir)
    if not tally:
        return " (no votes in it)"
    # confirmed yet not exported: already in the --out file, which the KB's cases do not include
    names = {"confirmed": "already in the output file", "query cut": "for a query Slack cut short"}
    order = ("already a case", "not useful", "unknown pattern", "retired pattern", "query cut", "confirmed")
    return " (" + ", ".join(f"{tally[k]} {names.get(k, k)}" for k in order if tally.get(k)) + ")"
