"""`recur feedback`: the command line over recur.ingest.feedback."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from recur.cli.main import RecurGroup
from recur.cli.options import STDOUT, OutFile, kb_option, setting
from recur.ingest.feedback import export_detail, personal_data_said
from recur.util.errors import RecurError
from recur.util.text import close_ids, plural

# the vote file both commands read
feedback_option = click.option(
    "--feedback",
    "feedback_path",
    **setting("feedback"),
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Feedback file written by `recur serve` (env RECUR_FEEDBACK).",
)


@click.group(cls=RecurGroup)
def feedback():
    """Responder feedback from the site and the API (👍/👎 on suggestions)."""


@feedback.command("export")
@kb_option
@feedback_option
@click.option(
    "--out", type=OutFile(), help="Write the cases here instead of appending to KB/eval/cases.yml (- is stdout)."
)
def export_cmd(kb_dir, feedback_path, out):
    """Turn confirmed feedback into retrieval cases for an author to review in a PR.

    A (query, pattern) counts when 👍 outnumber 👎 among its voters (each voter's latest vote;
    an API vote without a voter is a voter of its own), its pattern exists and is not
    retired, and it is not already a case. Cases are appended to KB/eval/cases.yml (kept valid
    YAML) under a dated comment, or written to --out; a pattern confirmed for a query that
    already has a case in KB/eval/cases.yml joins that case's expect list when exporting into
    it, and is left out (with its line named) when writing to --out. What became of every vote
    is printed on stderr, and each case written whose query holds an e-mail address or a likely
    credential (queries are as voters typed them). Review the cases, then run `recur eval`.
    """
    if _no_votes_yet(kb_dir, feedback_path):
        click.echo("Nothing to export.", err=True)
        return
    if out == STDOUT:
        result, said = _export_to_stdout(feedback_path, kb_dir)
    else:
        result = export_detail(feedback_path, kb_dir, out)
        said = personal_data_said(result)
    added, merged, target = result.added, result.merged, result.target
    if not added and not merged:
        click.echo(f"No new confirmed feedback in {feedback_path}: nothing to export.", err=True)
    else:
        to_cases = f"a pattern to {plural(merged, 'existing case')} in {target}"
        if not merged:
            done = f"Wrote {plural(added, 'case')} to {target}"
        else:
            done = f"Wrote {plural(added, 'case')} and added {to_cases}" if added else f"Added {to_cases}"
        click.echo(f"{done}: review them in a PR, then run `recur eval`.", err=True)
        for line in said:
            click.echo(line, err=True)
    click.echo("\n".join(breakdown(result, feedback_path, kb_dir)), err=True)


def _export_to_stdout(feedback_path, kb_dir):
    """`--out -`: the cases a new --out file would get, printed on stdout (a file named `-` was written), and what
    personal_data_said says of them."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="recur-export-") as tmp:
        written = Path(tmp) / "cases.yml"
        result = export_detail(feedback_path, kb_dir, written)
        if written.is_file():
            click.echo(written.read_text(encoding="utf-8"), nl=False)
        # read while the file is there, each line named as the lines printed
        said = [line.replace(str(written), "stdout", 1) for line in personal_data_said(result)]
    result.target = "stdout"
    return result, said


@feedback.command("summary")
@kb_option
@feedback_option
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def summary_cmd(kb_dir, feedback_path, as_json):
    """👍 and 👎 per pattern, most 👎 first, with a few queries it was rejected for.

    Each voter counts once, with their latest vote, as `recur feedback export` counts them;
    patterns not in the KB (renamed, deleted) are marked.
    """
    import json

    from recur.ingest.feedback import vote_summary

    rows = [] if _no_votes_yet(kb_dir, feedback_path) else vote_summary(feedback_path, kb_dir)
    if as_json:
        click.echo(json.dumps({"patterns": rows}, indent=1, ensure_ascii=False))
        return
    if not rows:
        if Path(feedback_path).is_file():  # else _no_votes_yet said why
            click.echo(f"No votes in {feedback_path}.", err=True)
        return
    for row in rows:
        guess = f" did you mean {row['did_you_mean']}?" if row.get("did_you_mean") else ""
        gone = "" if row["in_kb"] else f"  (not in the KB: renamed or deleted?{guess})"
        if "superseded_by" in row:
            gone = f"  ({_retired_words(row['superseded_by'])})"
        click.echo(f"{row['pattern']}: {row['up']} 👍 {row['down']} 👎{gone}")
        for query in row["rejected_for"]:
            click.echo(f"  rejected for {_q(query)}")


def _retired_words(successors: list) -> str:
    """A retired pattern's row of `recur feedback summary`: the votes under a renamed pattern's old id were listed
    as any pattern's, the new id with none, nothing saying where they went (found keeping a team's KB)."""
    if len(successors) == 1:
        return f"retired, superseded by {successors[0]}: recur tune counts its votes as {successors[0]}'s"
    if successors:
        return f"retired, superseded by {' and '.join(successors)}: a split, so recur tune counts its votes for neither"
    return "retired: recur tune does not count its votes"


# the verdicts in the order the breakdown gives them, and how it names them
_NAMES = {
    "exported": "exported",
    "in target": "already in the output file",
    "left out": "left out (KB/eval/cases.yml has the query)",
    "already a case": "already a case",
    "not useful": "not useful",
    "unknown pattern": "unknown pattern",
    "retired pattern": "retired pattern",
    "query cut": "for a query Slack cut short",
}


def _no_votes_yet(kb_dir, feedback_path) -> bool:
    """Whether there is no feedback file, said in a note on stderr: no votes yet, not an error. The server
    writes the file at the first vote, so a scheduled `recur feedback summary` or `export` failed (exit 1) on
    every KB until then (found in review). Still an error (a folder is click's usage error): the default
    log missing under the current folder while the KB's repository has one (the votes are there: _elsewhere).
    The KB folder is required first: a misspelt --kb (`--kb ../team-kbb/kb`) has no votes either, and was
    read as "no votes yet", exit 0, so a scheduled job never said its KB was wrong (found in review)."""
    from recur import config
    from recur.kb.loader import require_kb_root

    require_kb_root(kb_dir)
    if Path(feedback_path).is_file():
        return False
    beside = config.state_elsewhere(kb_dir, "feedback", feedback_path)
    if beside is not None and beside.is_file():
        raise RecurError(f"{feedback_path}: no feedback file{_elsewhere(kb_dir, feedback_path)}")
    click.echo(f"note: {feedback_path}: no feedback file, so no votes yet{_elsewhere(kb_dir, feedback_path)}", err=True)
    return True


def _elsewhere(kb_dir, feedback_path) -> str:
    """Why there is none: the default log is under the current folder, and the KB (run from another
    folder) may have its own beside it, where `recur serve` run in its repository writes it."""
    from recur import config

    beside = config.state_elsewhere(kb_dir, "feedback", feedback_path)
    if beside is None:
        return " (the server writes it when responders vote)"
    if beside.is_file():
        return (
            f" ({config.not_here_words(kb_dir)}): the KB's repository has "
            f"{config.from_here(beside)}: pass --feedback {config.from_here(beside)}"
        )
    return f" ({config.not_here_words(kb_dir)}; the server writes it when responders vote)"


def breakdown(result, feedback_path, kb_dir) -> list[str]:
    """What became of every vote, always: a file of votes for patterns since renamed or retired, or a 👍
    outvoted, looked the same as an exported one when anything was exported (found in review)."""
    if not result.judged:
        return [f"  (no votes in {feedback_path})"]
    verdict = {id(j): j.verdict for j in result.judged}
    verdict.update({id(j): "in target" for j in result.in_target})
    verdict.update({id(j): "left out" for j, _ in result.left_out})
    verdict.update({id(j): "exported" for j in result.judged if verdict[id(j)] == "confirmed"})
    counts = Counter(verdict.values())
    votes = sum(j.votes for j in result.judged)
    rows = [
        f"{plural(votes, 'vote')} in {feedback_path} on {plural(len(result.judged), 'query/pattern pair')}; pairs: "
        + ", ".join(f"{counts[k]} {name}" for k, name in _NAMES.items() if counts[k])
    ]
    for kind, why in (
        ("unknown pattern", "not in the KB; a renamed pattern leaves its votes under its old id"),
        ("retired pattern", "kept for history, never a case"),
    ):
        ids = sorted({j.pattern for j in result.judged if verdict[id(j)] == kind})
        if ids:
            rows.append(f"  {kind} ({why}): " + ", ".join(_with_guess(pid, kind, result) for pid in ids))
    from recur.kb.loader import display_path

    cases = display_path(Path(kb_dir) / "eval" / "cases.yml")
    for j, line in result.left_out:
        rows.append(
            f"  left out: {_q(j.query)} for {j.pattern}: {cases}:{line} has this query (export without --out "
            "to join that case)"
        )
    split = [j for j in result.judged if j.up and j.down]
    for j in split[:MAX_SPLIT]:
        counted = "counted as useful" if j.up > j.down else "not counted: 👍 must outnumber 👎"
        rows.append(f"  {j.up} 👍 and {j.down} 👎 on {_q(j.query)} for {j.pattern}: {counted}")
    if len(split) > MAX_SPLIT:
        rows.append(f"  ... and {plural(len(split) - MAX_SPLIT, 'more pair')} voters disagree on")
    return rows


MAX_SPLIT = 10  # disagreements named one by one


def _q(text: str) -> str:
    return repr(text if len(text) <= 80 else text[:77] + "...")


def _with_guess(pid: str, kind: str, result) -> str:
    """An unknown id with the pattern it may have meant (a rename, a typo); a retired one with the
    pattern(s) that superseded it (its superseded_by), whose case the query may belong to."""
    if kind == "retired pattern":
        found = result.successors.get(pid)
        return f"{pid} (superseded by {' and '.join(found)})" if found else pid
    close = close_ids(pid, result.known, n=1) if kind == "unknown pattern" else []
    return f"{pid} (did you mean {close[0]}?)" if close else pid
