"""`recur incident new|flag|link`: capture during the response, amend afterwards."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import click

from recur import config
from recur.cli.core import stdin_is_tty
from recur.cli.main import RecurGroup
from recur.cli.options import (
    DATE,
    INCIDENT_ID,
    TEXT,
    TODAY_DATE,
    TextCommand,
    flag_severity,
    index_option,
    kb_option,
    model_option,
    prompt,
    say_priority,
    severity_level,
    writes_then_says,
)
from recur.cli.render import confidence_text, for_terminal
from recur.retrieval.results import flat
from recur.util.dates import after_today, given_date
from recur.util.errors import RecurError
from recur.util.text import ascii_int, plural


@click.group(cls=RecurGroup)
def incident():
    """Record incidents fast and mark what to dig into later.

    \b
    recur incident new -t "Checkout 502s" -s sev2 --service checkout -d "pods restarting after deploy" \\
        --flag "restored by rollback; no heap dump"
    recur incident flag INC-2026-0101 "why did the canary not catch it?"
    recur incident link INC-2026-0101 bad-deploy-crashloop
    recur incident list --unlinked
    """


def _answer(kb_dir, index_dir, model, text: str, top: int, linked=()):
    """The known patterns that match ``text``, but for those the record links (--pattern): they are
    its answer already; shown again, "Link one later" named a link made (found by QA)."""
    from recur.retrieval.engine import Engine

    return Engine.open(kb_dir, index_dir, model, quiet=True, progress=None).answer(text, top=top, exclude=set(linked))


@writes_then_says
@incident.command("new")
@kb_option
@index_option
@model_option
@click.option("--title", "-t", type=TEXT, help="What happened, in a few words.")
@click.option("--severity", "-s", help="Severity key from the framework (sev1 … sev4 by default).")
@click.option("--service", "services", multiple=True, type=TEXT, help="Affected service (repeatable).")
@click.option("--description", "-d", type=TEXT, help="What you see, free text (- reads stdin). Becomes the Summary.")
@click.option("--flag", "flags", multiple=True, type=TEXT, help='"Dig into this later" marker (repeatable).')
@click.option("--pattern", "patterns", multiple=True, help="Link a known pattern id now (repeatable).")
@click.option("--date", "date", type=TODAY_DATE, metavar="DATE", help="When it started (YYYY-MM-DD; default today).")
@click.option("--id", "iid", type=INCIDENT_ID, help="Incident id (default: next INC-<year>-NNNN).")
@click.option("--duration", "duration", type=click.IntRange(0), help="User-visible impact in minutes.")
@click.option(
    "--review-level", type=click.Choice(["full", "light", "none"]), help="Default: from the severity framework."
)
@click.option("--review-due", type=DATE, metavar="DATE", help="Default: date + review_within_days of the severity.")
@click.option("--review-owner", metavar="NAME", type=TEXT, help="Who holds the review (its review.owner).")
@click.option("--top", default=3, show_default=True, type=click.IntRange(0, 10), help="Suggestions to show.")
@click.option("--no-suggest", is_flag=True, help="Do not load the model; just write the record.")
@click.option(
    "--link-top", is_flag=True, help="Link the top suggestion when its confidence is high (not with --pattern)."
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print {id, path, review, suggestions, no_known_pattern, linked} as JSON, and the same facts under "
    "recur import --json's keys (incident, incident_path, patterns, date, severity, candidates, ...; title).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Check everything and make the suggestions, write nothing: print the record it would write (to "
    'practise, or before recording into a shared KB); with --json the same object and "dry_run": true.',
)
@click.option(
    "--no-input",
    is_flag=True,
    help="Never prompt (a title, a severity, a suggestion to link); a missing required value is an error.",
)
@click.option(
    "--allow-duplicate",
    is_flag=True,
    help="Record it even when an incident with its title, description, severity, patterns and flags was recorded "
    "today (by default that one is named and nothing is written: the command run twice).",
)
# long: a parameter a line for each of its 21 options; the body is ~50 lines, the steps of a record in order
def new(
    kb_dir,
    index_dir,
    model,
    title,
    severity,
    services,
    description,
    flags,
    patterns,
    date,
    iid,
    duration,
    review_level,
    review_due,
    review_owner,
    top,
    no_suggest,
    link_top,
    as_json,
    dry_run,
    no_input,
    allow_duplicate,
):
    """Record an incident in seconds, then see the known patterns that match its description.

    The record is written under KB/incidents/<year>/<id>.md, with the review level and due date
    from the severity framework unless given, and the suggestions as `candidates:` (as `recur
    import` stores them) while it links no pattern; it is written even when the suggestions fail or
    are interrupted (the response matters more than the tool). On a terminal you can then pick
    suggestions to link. --dry-run writes nothing: it prints the record it would write, to practise on
    the KB a team shares (its incidents are what `recur report` counts) or to check the flags first.
    """
    from recur.kb.incident_record import NewIncident, record_incident, recorded_json, suggestion_query
    from recur.kb.loader import load_kb

    _link_top_needs_suggestions(link_top, no_suggest, top)
    if no_input:  # as `recur new pattern --no-input`: the missing values named together, exit 2 (it was refused)
        from recur.cli.new import given_or_usage

        given_or_usage(True, title=title, severity=severity)
    kb = load_kb(kb_dir)
    tty = stdin_is_tty() and not as_json and not no_input
    title, severity, description, asked_as = _ask(kb, tty, title, severity, description)
    day, due = _dates(date, review_due)
    recorded = _recorded_description(description)
    given = NewIncident(
        title=title,
        severity=severity,
        date=day,
        **recorded.fields(),  # its Summary and ## Log: a long log cut down (searched whole)
        services=services,
        flags=flags,
        patterns=patterns,
        iid=iid,
        duration_minutes=duration,
        review_level=review_level,
        review_due=due,
        review_owner=review_owner,
    )
    copy = None if allow_duplicate else _recorded_today(kb, given)
    if copy is not None and copy[1]:  # the same command run again: that record named, nothing written
        _already(kb, given, copy[0], as_json, dry_run)
        return
    found: dict = {}  # what the suggestions found, filled in once the record is written (record_incident)
    asked = (kb_dir, index_dir, model, suggestion_query(title, description), top, link_top)
    suggest = None if no_suggest or not top else _suggester(found, kb, asked, list(dict.fromkeys(patterns)))
    if dry_run:
        path, review, text = _dry_run(kb, given, suggest)
        iid = path.stem
    else:
        (iid, path, review), text = record_incident(kb, given, suggest=suggest), None
    out = recorded_json(kb, given, iid, path, review)
    _say_recorded(kb, out, review, (severity, asked_as), review_level, as_json, dry_run)
    warned = _credentials_said(path, text)
    if copy is not None:
        out["same_as"] = copy[0].id
        _copy_note(copy[0], path, dry_run)
    if dry_run and not as_json:
        click.echo(text)  # a blank line, then the suggestions
    if suggest is not None:
        _suggested(out, found, kb, kb_dir, tty and not dry_run, as_json, dry_run)
    _ending(kb, out, day, recorded.noted() | warned, (as_json, dry_run), duration)


def _ending(kb, out: dict, day, noted: dict, modes: tuple, duration) -> None:
    """`recur incident new`'s last words: a pattern linked whose fix did not hold (``_fix_not_held_note``, of the
    links as they end: --pattern's, --link-top's and those picked), then the --json object (``noted``: its
    description_note and credential_warnings), or what a dry run did, or where to add what happened."""
    as_json, dry_run = modes
    after = _fix_not_held_note(kb, out["linked"], day)
    if as_json:  # description_note last, as in MCP's record_incident (stderr alone said a log was cut down)
        click.echo(json.dumps(out | noted | after | _dry(dry_run), ensure_ascii=False, indent=1))
    elif dry_run:
        click.echo(f"Dry run: nothing written. To record {out['id']}, run the same command without --dry-run.")
    else:
        click.echo(_afterwards(out["path"], out["id"], duration, config.where_flags(kb.root)))


def _credentials_said(path, text: str | None) -> dict:
    """Each line of the record (written at ``path``, or a dry run's ``text``) that holds a likely credential, said on
    stderr as `recur check` says it: the record is written all the same, mid-incident (privacy review: a password
    and an AWS key pasted from a log went into the KB and its site without a word), and each holding an e-mail address
    that may be a person's. ``{credential_warnings: [...], personal_data_warnings: [...]}`` for --json, each key
    when there is one."""
    from recur.kb.credentials import written_warnings
    from recur.kb.loader import display_path

    said = written_warnings(display_path(path), text)
    for line in [line for lines in said.values() for line in lines]:
        click.echo(line, err=True)
    return said


def _afterwards(path: str, iid: str, duration, flags: str = "") -> str:
    """Where to add what happened after the record was made, the sections `recur new incident` writes
    (scaffold.incident_file): found in review, the last line was "Link one later: …", and nothing said where the
    timeline, the decisions or the impact's duration go once the incident is over."""
    impact = "" if duration is not None else ", and duration_minutes: N (the user-visible impact) in its front matter"
    return (
        f"Afterwards, add what happened to {path}: ## Timeline (HH:MM first signal, HH:MM mitigated, ...) and "
        f"## Decisions (what was decided, and why) after its Summary{impact}; recur incident flag {flags}{iid} "
        '"..." marks what to dig into later.'
    )


def _recorded_today(kb, given) -> tuple | None:
    """(the incident recorded today with ``given``'s title and description, whether every other field is the
    same too: the command run again) or None, by the rule of MCP's record_incident (incident_record.recorded_today
    and retried). Found in review: `recur incident new` run twice recorded two incidents without a word, where
    record_incident answered "Already recorded today"."""
    from recur.ingest.pasted_log import as_said
    from recur.kb.incident_record import checked_incident, recorded_today, retried

    checked = checked_incident(kb, given)  # as it is written: the fields compared are the record's
    same = recorded_today(kb, checked, as_said)  # its Summary as the search reads it: a fence is no difference
    return None if same is None else (same, retried(checked, same))


def _already(kb, given, inc, as_json: bool, dry: bool) -> None:
    """The answer for an incident recorded today with every field given (``_recorded_today``): its record
    named, nothing written, exit 0 (a script reads its id as after the first run); --json: that record's object
    with ``already_recorded``, as record_incident answers it."""
    import dataclasses

    from recur.kb.incident_record import recorded_json

    path = Path(kb.root) / inc.relpath
    if as_json:
        kept = dataclasses.replace(given, severity=inc.severity, patterns=tuple(inc.patterns), title=inc.title)
        out = recorded_json(kb, kept, inc.id, path, inc.review) | {"already_recorded": True}
        click.echo(json.dumps(out | _dry(dry), ensure_ascii=False, indent=1))
        return
    click.echo(
        f"Already recorded today as {inc.id} ({path}), with this title, description, severity, patterns and flags: "
        f"not recorded again{' (dry run)' if dry else ''}. If this is a second, separate incident, run the command "
        "again with --allow-duplicate."
    )


def _copy_note(inc, path, dry: bool) -> None:
    """An incident recorded today with the same title and description but another severity, patterns or flags:
    recorded all the same (it may be another incident; a person decides), and said, with how to drop the copy,
    as record_incident says it (``same_as``)."""
    if dry:
        click.echo(f"warning: {inc.id} was recorded today with the same title and description.", err=True)
        return
    click.echo(
        f"warning: {inc.id} was recorded today with the same title and description (other severity, patterns or "
        f"flags); if this is that incident, drop this copy: rm {shlex.quote(str(path))} (git rm once committed), "
        f"and change {inc.id} instead (recur incident flag|link {inc.id} …).",
        err=True,
    )


def _dry(dry_run: bool) -> dict:
    """--json's last key under --dry-run: a script that reads the object as a record written is told it is not."""
    return {"dry_run": True} if dry_run else {}


def _dry_run(kb, given, suggest) -> tuple:
    """(the path the record of ``given`` would have, its review, its text): the record `recur incident new` would
    write, suggestions and all, with nothing written to the KB (--dry-run). It is written as it would be
    (``record_incident``: the checks, the review from the framework, the id, --link-top's link and the
    ``candidates:``, the size a KB file may have) into a folder of its own that is then removed, so the record
    shown is the one written, by the same steps, not a copy of them that could drift."""
    import dataclasses
    import tempfile

    from recur.kb.incident_record import checked_incident, record_incident

    # an id of its own needs the KB's records to count from: the next free one is taken now, as a real run would
    given = dataclasses.replace(given, iid=given.iid or _next_id(kb, given))
    # checked against the KB itself first: in the folder aside an error named it, "ids are the file names under
    # ../recur-dry-run-lsyse691/patterns/", a folder removed by then (found in review)
    checked_incident(kb, given)
    with tempfile.TemporaryDirectory(prefix="recur-dry-run-") as tmp:
        aside = dataclasses.replace(kb, root=Path(tmp))
        iid, written, review = record_incident(aside, given, suggest=suggest)
        text = written.read_text(encoding="utf-8")
        return Path(kb.root) / written.relative_to(tmp), review, text


def _next_id(kb, given) -> str:
    from recur.kb.incident_record import next_id

    return next_id(kb, given.date.year)


def _ask(kb, tty: bool, title, severity, description):
    """Prompt for what is missing on a terminal; a usage error elsewhere (scripts, --json). Also where the
    severity came from, for the priority note: "-s", or "Severity" at the prompt."""
    asked_as = "-s" if severity else "Severity"
    if severity:  # one the framework has not: said before stdin is read
        flag_severity(kb, severity)
    if description == "-":
        from recur.cli.core import say_paste

        # at a terminal it waited without a word, as `recur suggest -` does not (found in review)
        say_paste("description")
        description = _read_description()
        _stdin_had_text(description)
        description = _without_controls(description)
    if not title:
        if not tty:
            raise click.UsageError("--title is required (what happened, in a few words)")
        title = prompt("Title", type=TEXT)
    if not severity:
        levels = kb.require_severity()
        if not tty:
            raise click.UsageError(f"--severity is required ({', '.join(levels)})")
        # what was typed, once read (as -s's value is kept): P1 is then noted as -s P1 is (found in review)
        severity = prompt(f"Severity ({', '.join(levels)})", value_proc=lambda v: severity_level(kb, v) and v.strip())
    if description is None and tty:
        description = prompt("What do you see", default="", show_default=False, type=TEXT)
    return title, severity, description, asked_as


# the most of a `-d -` description recorded: what a record may hold (recur check's 1 MiB, kb.parse.MAX_FILE_BYTES),
# less room for its front matter, title and headings
DESCRIPTION_MOST = 1_000_000


def _read_description() -> str:
    """`-d -`'s stdin, read as `recur suggest -` reads it: a log longer than a record holds is kept by its end
    (DESCRIPTION_MOST bytes, from a line's start: its newest lines, where the error is), bytes that are not UTF-8
    are recorded as U+FFFD, UTF-16 is read as UTF-16 (core.decode_paste), each said on stderr. Found in a CLI
    review: the `… | recur incident new … -d -` that `recur suggest -` prints after answering a 2.5 MB log was
    refused (more than 1 MiB, exit 2), and after a Latin-1 byte (not UTF-8, exit 1): the paste it had searched."""
    from recur.cli.core import STDIN_MOST, decode_paste, read_stdin_tail
    from recur.util import utf8

    raw, total, stopped, head = read_stdin_tail(DESCRIPTION_MOST, STDIN_MOST, "recur incident new … -d -")
    cut = len(raw) < total
    text, _ = decode_paste(raw, cut=cut, command="recur incident new … -d -", head=head)
    # U+FFFD, recorded for a byte that is not UTF-8, is 3 bytes: cleaned before the cut, so that what is kept fits
    # (a 1.4 MB Latin-1 log was cut to 1,000,000 bytes, then grew to 1.28 MB and was refused as too large)
    read, text = text, utf8.clean(text)  # clean keeps each character's place: one U+FFFD for each byte
    data = text.encode("utf-8")
    if len(data) > DESCRIPTION_MOST:  # UTF-16, or bytes not UTF-8, read as more bytes of UTF-8 than they had
        cut, text = True, _from_a_line(data[-DESCRIPTION_MOST:]).decode("utf-8")
    bad = utf8.count_bad(read[len(read) - len(text) :])  # of the bytes kept
    if cut:
        lines = len(text.splitlines())
        click.echo(
            f"recur: stdin held {total:,} bytes{', and goes on' if stopped else ''}: more than an incident record "
            f"holds (1 MiB); recording its last {lines:,} line{'' if lines == 1 else 's'}, from a line's start (the newest). Pass the "
            "part that matters, e.g. tail -n 200 app.log | recur incident new … -d -",
            err=True,
        )
    if bad:
        are, their = ("is", "its") if bad == 1 else ("are", "their")
        click.echo(
            f"recur: {plural(bad, 'byte')} of stdin {are} not UTF-8; recording U+FFFD in {their} place.", err=True
        )
    return text


def _without_controls(text: str) -> str:
    """stdin's text with its control characters but tabs and line breaks taken out, said on stderr: a pasted log
    read whole (a coloured one's escape sequences, a binary line's NUL) is recorded, as `recur import` records a
    document, where a value typed as a flag is refused (util.text.control_refused). It was taken out without
    a word (found by fuzzing)."""
    from recur.util.text import count_controls, without_controls

    if n := count_controls(text):
        click.echo(
            f"recur: took {plural(n, 'control character')} out of stdin (a terminal's escape sequences such as "
            "colour codes, and other characters that are not text); recording the rest.",
            err=True,
        )
        return without_controls(text)
    return text


def _from_a_line(data: bytes) -> bytes:
    """The end of a stream ``data`` is, from its first whole line (else its first whole character)."""
    at = data.find(b"\n")
    if at >= 0:
        return data[at + 1 :]
    skip = next((n for n, byte in enumerate(data[:4]) if not 0x80 <= byte < 0xC0), 0)
    return data[skip:]


def _stdin_had_text(description: str) -> None:
    """Refuse ``-d -`` whose stdin held no text (blanks, colour codes or zero-width characters alone), before
    anything is written, as `recur suggest -` refuses it. Found in review: `kubectl --context wrong logs … |
    recur incident new … -d -` recorded the incident with its title as its Summary, searched by the title
    alone, without a word: the log the responder meant to keep was never there."""
    from recur.util.text import has_text, without_controls

    if not has_text(without_controls(description)):  # what record_incident would write as no description
        from recur.util.text import ONLY_INVISIBLE

        was = f"has nothing to record ({ONLY_INVISIBLE})" if description.strip() else "was empty (or blanks alone)"
        raise click.UsageError(
            f"--description - (stdin): stdin {was}: pipe the description in, e.g. "
            'kubectl logs deploy/checkout | recur incident new … -d -, or give it: -d "what you see"; '
            "nothing written"
        )


def _recorded_description(description):
    """What to record for ``description`` (pasted_log.CutDescription: its Summary and ## Log section): a long pasted
    log cut down (ingest.pasted_log, which MCP's record_incident shares), said on stderr."""
    from recur.ingest.pasted_log import not_an_incident, recorded_description

    if why := not_an_incident(description):  # as MCP's record_incident refuses it
        raise click.UsageError(f"--description: {why}")
    recorded = recorded_description(description)
    if recorded.said:
        click.echo(f"{recorded.level}: {recorded.said}", err=True)
    return recorded


def _say_recorded(kb, out: dict, review, given: tuple, level_given, as_json: bool, dry: bool = False) -> None:
    """The line saying what was written, or with --dry-run what would be (not with --json: the JSON says it),
    then its notes. ``given``: the severity as given and where ("-s", or "Severity" at the prompt)."""
    severity, asked_as = given
    if not as_json:
        shown_due = f", due {review.due}" if review.due else ""
        said = "Dry run, nothing written: would record" if dry else "Recorded"
        click.echo(f"{said} {out['id']} in {out['path']} (review: {review.level}{shown_due}){':' if dry else '.'}")
    _retired_note(kb, out["linked"])
    _draft_note(kb, out["id"], out["linked"], out["linked"])
    _review_note(kb, severity, level_given, review, out["id"])
    say_priority(kb, severity, asked_as)


def _review_note(kb, severity: str, level_given, review, iid: str) -> None:
    """Warnings about the review just recorded, said now rather than by `recur check --strict` in CI:
    a --review-level other than the severity's, and a review with no due date, which the board never
    shows overdue (sev4 with --review-level light: the framework gives it no days). Found in review."""
    from recur.kb.incident_record import framework_severity

    want = kb.severity[framework_severity(kb, severity)]  # recorded already: a key of the framework
    if level_given and level_given != want.review:
        click.echo(f"warning: --review-level {level_given}, but {severity.strip()} asks for {want.asks(within=False)}; "
                   "recur check warns of it until the level or the severity changes.", err=True)  # fmt: skip
    if review.level != "none" and review.status != "done" and not review.due:
        click.echo(f"warning: the {review.level} review has no due date, so it is never overdue: "
                   "give --review-due.", err=True)  # fmt: skip
    if review.level == "none" and review.due:  # sev4 --review-due: a review asked for, none tracked
        click.echo(f"warning: --review-due {review.due}, but the review level is none (no review to hold), so "
                   "the board never lists it nor shows it overdue: to hold one, give --review-level light or "
                   "full.", err=True)  # fmt: skip
    _overdue_note(review, iid)


def _overdue_note(review, iid: str) -> None:
    """A review already overdue when recorded: an incident recorded days or a year later (--date) gets
    its due date from the framework, long passed, and the board showed it overdue and `recur report
    --fail-on overdue` failed from the first run without a word here (`recur import` says it)."""
    today = config.today()
    if review.level == "none" or review.status == "done" or not review.due or review.due >= today:
        return
    click.echo(f"warning: the {review.level} review was due {review.due}, {plural((today - review.due).days, 'day')} ago: the "
               f"board shows it overdue and recur report --fail-on overdue fails on it. If it was held: recur incident "
               f"review {iid} --done; else the day it will be held: recur incident review {iid} --due YYYY-MM-DD.",
               err=True)  # fmt: skip


def warn_due_before(flag: str, due, day) -> None:
    """A due date given before the incident's own date is written as given (a typo's year, say), with a
    warning: the board would show it overdue from the start; `recur check` warns of it too."""
    if due and day and due < day:
        click.echo(f"warning: {flag} {due} is before the incident's date {day}.", err=True)


def _link_top_needs_suggestions(link_top: bool, no_suggest: bool, top: int) -> None:
    if link_top and (no_suggest or not top):  # it links a suggestion: with none asked for, silently nothing
        raise click.UsageError("--link-top links the top suggestion: not with --no-suggest or --top 0")


def _dates(date, review_due) -> tuple:
    """(the incident's date, today when not given; the review's due date or None), and a warning
    when the review is due before the incident: the board would show it overdue from the start."""
    day = given_date(date, "--date", missing=config.today())
    due = given_date(review_due, "--review-due")
    warn_due_before("--review-due", due, day)
    today = config.today()
    if day > today:  # recur check --strict then fails on it in CI: said now, while it is easy to fix
        click.echo(f"warning: {after_today('--date', day, today)}", err=True)
    return day, due


def _suggester(found: dict, kb, asked: tuple, linked: list):
    """What ``record_incident`` calls once it has written the record: the matching patterns and what
    --link-top links (put in ``found``), which it then writes into the record, with its ``candidates:``
    as `recur import` writes them. A failure or Ctrl-C here (the model loading) leaves the record as
    written, without them, and is said (``_suggested``)."""
    from recur.ingest.importer import candidates_of

    kb_dir, index_dir, model, query, top, link_top = asked

    def suggest() -> tuple[list, list]:
        try:
            answer = _answer(kb_dir, index_dir, model, query, top, linked)
        except RecurError as exc:
            found["error"] = str(exc)
            return [], []
        except KeyboardInterrupt:
            found["error"] = "interrupted (Ctrl-C)"
            return [], []
        found["answer"] = answer
        drafts = kb.import_drafts()
        found["chosen"], found["note"] = _link_top(linked, answer, drafts) if link_top else ([], None)
        found["candidates"] = candidates_of(answer.results, drafts)  # stored, and --json's
        return found["chosen"], found["candidates"]

    return suggest


def _suggested(out: dict, found: dict, kb, kb_dir, tty: bool, as_json: bool, dry: bool = False) -> None:
    """Show the matching patterns found once the record was written, say what --link-top linked
    in it, and link the ones picked on a terminal (an edit of the record written). ``dry``: --dry-run, where
    nothing was written: what --link-top would link, and no command naming a record that is not there."""
    from recur.kb.incident_record import add_linked, link_patterns
    from recur.kb.loader import load_kb

    iid = out["id"]
    if "answer" not in found:
        # the record is written: said with its id, and the --json object still printed (found in review:
        # a bot saw only the error, no id, and recorded the incident again)
        out["suggest_error"] = found["error"]
        click.echo(f"warning: {iid} is recorded, but no suggestions: {found['error']}", err=True)
        return
    answer, chosen = found["answer"], found["chosen"]
    out["suggestions"] = results = answer.results
    out["no_known_pattern"] = answer.no_known_pattern
    # the suggestions as `recur import --json` gives its candidates (docs/incident-json.md)
    out["candidates"] = found["candidates"]
    if found["note"]:
        click.echo(found["note"].replace("{iid}", config.where_flags(kb_dir) + iid), err=True)
    if not as_json:
        _show(answer, out["linked"])
    add_linked(out, chosen)  # --link-top's, in the record as written
    if not as_json and tty and results and not chosen:
        picked = _picked(results, iid)
        if picked:
            _, chosen = link_patterns(load_kb(kb_dir), iid, picked)
            add_linked(out, chosen)
    if chosen and not as_json:
        click.echo(f"{'It would link' if dry else 'Linked'} {iid} to {', '.join(chosen)}.")
        _draft_note(kb, iid, chosen, out["linked"])
    elif not (chosen or as_json or dry) and results and not answer.no_known_pattern:  # never a comparison-only one
        click.echo(_link_later(iid, results, answer.likelier, config.where_flags(kb_dir)))


def _link_later(iid: str, results: list, hidden: dict | None = None, flags: str = "") -> str:
    """How to link a suggestion later: the first by its id when it is a match of medium or high confidence and
    none below it is rated more likely right; else which one is for the responder to judge (found in review:
    "Link one later: ... ID" named a result of 3%, as if it were the answer). The first of the reviewed ones: an
    import's draft ranked first is said to be one, never named as the one to link (found in review: "Link one
    later" named a draft whose runbook was a TODO; `recur import` does not link such a draft either). A draft
    below it rated more likely right is a rival too: none is named, and the draft is said to be one (found in
    review: the header said "DRAFT (#2) is rated more likely right: check both", the last line named the
    reviewed one alone). ``flags``: config.where_flags, the run's --kb when not the default."""
    from recur.retrieval.results import check_both

    reviewed = [r for r in results if not r.get("import_draft")]
    rival = _draft_rival(results, reviewed)
    # ``hidden``: the answer's likelier, a result --top left out rated more likely right (check_both names it)
    if not reviewed or reviewed[0]["confidence"] == "low" or check_both(reviewed, hidden) or rival:
        said = f"If one fits, link it later: recur incident link {flags}{iid} PATTERN_ID"
    else:
        said = f"Link one later: recur incident link {flags}{iid} {reviewed[0]['id']}"
    lines = [said]
    if results[0].get("import_draft"):
        above = ", ranked above it," if said.startswith("Link one") else ""
        lines.append(f"{results[0]['id']}{above} {UNREVIEWED}: {_still_unknown(iid)}.")
    if rival and rival is not results[0]:
        lines.append(f"{rival['id']} (#{rival['rank']}), rated more likely right, {UNREVIEWED}: {_still_unknown(iid)}.")
    return "\n".join(lines)


def _draft_rival(results: list, reviewed: list) -> dict | None:
    """The import draft below the first reviewed result that is rated more likely right than it, as
    check_both judges it over the full list from there: ``check_both(reviewed)`` leaves drafts out."""
    from recur.retrieval.results import likelier

    if not reviewed:
        return None
    below = results[next(i for i, r in enumerate(results) if r is reviewed[0]) :]
    k = likelier(below)
    return below[k] if k is not None and below[k].get("import_draft") else None


UNREVIEWED = "is a draft recur import wrote, not yet reviewed"


def _still_unknown(iid: str) -> str:
    """What linking an import's unpromoted draft means: linked to such drafts alone, an incident has no
    known pattern yet (problems.board.needs_analysis), whatever "Linked" seemed to say."""
    return (
        f'linked to it alone, {iid} stays under "needs analysis" in recur report and on the board until a '
        "person promotes it (status: active)"
    )


def _draft_note(kb, iid: str, added, linked) -> None:
    """Linking an import's draft is said: found in review, a plain "Linked INC to DRAFT" read as the incident
    explained, while its runbook was a TODO and the board still listed it under "needs analysis". ``linked``:
    every pattern the incident links now; with a reviewed one among them, it is no longer there."""
    from recur.problems.board import links_no_known_pattern

    drafts = kb.import_drafts()
    for pid in (p for p in added if p in drafts):
        then = (
            _still_unknown(iid)
            if links_no_known_pattern(linked, drafts)
            else "promote it once reviewed (status: active)"
        )
        click.echo(f"note: {pid} {UNREVIEWED} ({kb.patterns[pid].relpath}); {then}", err=True)


def _link_top(linked: list, answer, drafts) -> tuple[list, str | None]:
    """(what --link-top links, what to say once the record is written, ``{iid}`` for its id): the top
    suggestion under the rule `recur import` links by (results.choose_link) at high confidence. Nothing
    is said when the top is not high: the suggestions shown say it."""
    from recur.retrieval.results import choose_link

    if linked:
        # the suggestions leave out what is linked, so their top is the runner-up (ranked without the
        # match, its probability is higher than it would be): --link-top would add a look-alike
        return [], f"--link-top: nothing more linked; {', '.join(linked)} linked by --pattern."
    choice = choose_link(answer, drafts, accept="high")
    if choice.rivals:  # two `high`s for competing causes are the responder's choice, not the flag's
        return [], f"--link-top: nothing linked: {choice.reason}: recur incident link {{iid}} PATTERN_ID"
    return ([choice.pattern] if choice.pattern else []), None


def _picked(results: list, iid: str) -> list:
    """The suggestions picked at the "Link which?" prompt; what is not one of their numbers is said.
    Ctrl-C or Ctrl-D there links none: the record is written, and click's "Aborted!" with exit 1 read
    as if it were not, so the incident was recorded twice (found in review)."""
    try:
        picks = prompt("Link which? (numbers like 1,2; Enter for none)", default="", show_default=False)
    except click.Abort:
        click.echo(f"\nNothing linked; {iid} stays recorded.", err=True)
        return []
    words = picks.replace(",", " ").split()
    numbers = [ascii_int(n) for n in words]
    ignored = [w for w, n in zip(words, numbers) if n is None or not 1 <= n <= len(results)]
    if ignored:
        click.echo(f"Ignored (not a number from 1 to {len(results)}): {', '.join(ignored)}", err=True)
    return list(dict.fromkeys(results[n - 1]["id"] for n in numbers if n is not None and 1 <= n <= len(results)))


def _show(answer, linked=()) -> None:
    """The suggestions as every surface says them (retrieval.results): what they are, counted by confidence
    (match_line), a result below the first rated more likely right (check_both), and a low one's first step
    to be checked first. Found in review: "Known patterns that match:" stood over results of 3% and <1%, each
    with its first step, where `recur suggest`, MCP, Slack and the site called them low, for comparison."""
    from recur.kb.records import draft_mark
    from recur.retrieval.results import match_line, opening

    results = for_terminal(answer.results)
    if answer.no_known_pattern:
        from recur.kb.incident_record import no_match_text

        click.echo(no_match_text(linked))
        if results:
            click.echo("Closest patterns, for comparison only:")
    elif results:
        # one --top left out too; over a low first, the "check both" first, as `recur suggest` (results.opening)
        *lead, line = opening(results, match_line(results, answer.likelier), for_terminal(answer.likelier))
        # the linked pattern is left out of the suggestions (_answer): these are the others
        click.echo(
            "\n".join([*lead, f"Besides {', '.join(linked)} (linked): {line[0].lower()}{line[1:]}" if linked else line])
        )
    for r in results:
        first = r["runbook"][0] if r["runbook"] else ""
        click.echo(f"  {r['rank']}. {r['id']}  {r['title']}{draft_mark(r)}  ({confidence_text(r)})")
        if r["evidence"]:
            # whole, on one line: a responder copies the command at 3 a.m.; a cut at 120 ended mid-command
            click.echo(f"     preserve first: {flat(r['evidence'][0])}")
        if first:
            low = " (low match: check it fits first)" if r["confidence"] == "low" else ""  # as MCP says it
            click.echo(f"     first step{low}: {flat(first)}")


class _Flag(TextCommand):
    """`recur incident flag ID TEXT`: a text that starts with - (`-5 EIO …`) is told to have -- before it."""

    doing = "flag"


@writes_then_says
@incident.command("flag", cls=_Flag)
@kb_option
@click.argument("incident_id")
@click.argument("text", nargs=-1, type=TEXT)
@click.option("--done", metavar="WHICH", help="Mark flag WHICH done: its number in the list, or words of its text.")
@click.option("--note", type=TEXT, help="With --done: what was found.")
@click.option(
    "--on",
    "done_on",
    type=TODAY_DATE,
    metavar="YYYY-MM-DD",
    help="With --done: the day it was done (default today), kept as its done: date for a report --as-of before it.",
)
def flag(kb_dir, incident_id, text, done, note, done_on):
    """Add a "dig into this later" flag to incident INCIDENT_ID (without TEXT: list its flags).

    \b
    recur incident flag INC-2026-0101 "restored by restarting; heap dump lost"
    recur incident flag INC-2026-0101 --done 1 --note "the next crash's heap dump: a cache leak"
    recur incident flag INC-2026-0101 --done 2 --on 2026-12-03
    """
    from recur.cli.incident_marks import _done_on
    from recur.kb.incident_record import add_flag, find_incident
    from recur.kb.loader import display_path, load_kb

    if text and done is not None:  # --done "" (a script's empty variable) is --done too, not a listing
        raise click.UsageError("TEXT adds a flag and --done marks one done: give one of them")
    if note and done is None:
        raise click.UsageError("--note goes with --done (what was found when the flag was looked into)")
    if done_on and done is None:
        raise click.UsageError("--on goes with --done: the day the flag was done")
    on = _done_on(done_on)
    kb = load_kb(kb_dir)
    if done is not None:
        _flag_done(kb_dir, kb, incident_id, done, note, on)
    elif not text:
        find_incident(kb, incident_id)
        click.echo("\n".join(_flag_lines(kb, incident_id)))
        return
    else:
        path, added = add_flag(kb, incident_id, " ".join(text))
        shown = display_path(path)  # as the error lines name it
        click.echo(f"Flagged {incident_id} ({shown})." if added else f"{incident_id} has that flag already ({shown}).")
    _left_out_note(kb, incident_id)


def _flag_done(kb_dir, kb, incident_id: str, which: str, note, on) -> None:
    from recur.kb.incident_marks import changed_keys, mark_flag
    from recur.kb.loader import display_path, load_kb

    path, k, text, edits, had = mark_flag(kb, incident_id, which, note, on)
    fresh = load_kb(kb_dir)
    flag = fresh.incidents[incident_id].flags[k] if incident_id in fresh.incidents else None
    before = kb.incidents[incident_id].flags if incident_id in kb.incidents else []
    old = before[k] if k < len(before) and flag is not None and before[k].text == flag.text else None
    made = changed_keys(edits)
    said = "marked done" + (f" on {on.isoformat()}" if on else "")
    if "status" not in made:  # done already: what changed, if anything
        said = "is done already"
        if "note" in made and flag is not None:  # only its note changed: the one it had is gone
            said += f"; its note is now {flag.note!r}" + (f" (it was {old.note!r})" if old and old.note else "")
        if "done" in made and on:
            said += f", done day now {on.isoformat()}" + (f" (was {had})" if had else "")
    click.echo(f"{incident_id}: flag {flag.text if flag else text!r} {said} ({display_path(path)})")


def _flag_lines(kb, iid: str) -> list[str]:
    from recur.cli.incident_marks import item_lines

    none = f'{iid} has no flags; add one: recur incident flag {iid} "what to dig into"'
    return item_lines(
        kb,
        iid,
        "flag",
        lambda inc: inc.flags,
        lambda f: f"{f.text}  ({f.status}{_day_done(f)}{f': {f.note}' if f.note else ''})",
        none,
    )


def _day_done(f) -> str:
    """ " 2026-11-20": the day a done flag was done, when kept (as a follow-up's listing shows it)."""
    return f" {f.done.isoformat()}" if f.status == "done" and f.done else ""


@writes_then_says
@incident.command("link")
@kb_option
@index_option
@model_option
@click.argument("incident_id")
@click.argument("pattern_ids", nargs=-1)
@click.option(
    "--remove", "removed", multiple=True, metavar="ID", help="Unlink pattern ID, linked by mistake (repeatable)."
)
def link(kb_dir, index_dir, model, incident_id, pattern_ids, removed):
    """Link incident INCIDENT_ID to known pattern(s) PATTERN_IDS, or unlink one (--remove).

    Without PATTERN_IDS, shows the ranked candidates recur import or recur incident new stored; with
    none stored (recorded with --no-suggest, or by hand), searches its title and summary now, as recur
    incident new does, and on a terminal asks which to link. With PATTERN_IDS, says what was linked,
    and names a pattern that was not among the stored candidates.

    \b
    recur incident link INC-2026-0101                       # its candidates, to choose from
    recur incident link INC-2026-0101 bad-deploy-crashloop
    recur incident link INC-2026-0101 disk-full --remove db-connection-pool-exhausted   # a wrong link replaced
    """
    from recur.kb.incident_record import candidates_text, find_incident
    from recur.kb.loader import load_kb
    from recur.kb.schema import given_id

    # as the patterns have them, "Disk-Full" disk-full: said so in every line below, and one id given both ways
    pattern_ids, removed = [given_id(p) for p in pattern_ids], [given_id(p) for p in removed]
    if both := sorted(set(pattern_ids) & set(removed)):
        raise click.UsageError(f"{', '.join(both)}: named to link and to --remove: give one of them")
    kb = load_kb(kb_dir)
    find_incident(kb, incident_id)  # an id that names no record is said before the patterns are checked
    if removed:
        _unlink(kb, incident_id, removed)
        kb = load_kb(kb_dir)
    if pattern_ids:
        _link_given(kb, incident_id, pattern_ids)
    elif not removed:
        lines = candidates_text(kb, incident_id)
        for line in lines:
            click.echo(line)
        if not lines:
            _search_now(kb_dir, index_dir, model, kb, incident_id)
        return
    if removed:
        _links_now(load_kb(kb_dir), incident_id)
    _left_out_note(kb, incident_id)


def _link_given(kb, incident_id: str, pattern_ids) -> None:
    from recur.kb.incident_record import link_patterns
    from recur.kb.loader import display_path

    # the candidates are shown alone only: printed before "Linked …", they read as the answer to the link
    # ("Candidates stored for X (not linked):" above "Linked X to …"; found in review)
    path, added = link_patterns(kb, incident_id, list(pattern_ids))
    click.echo(
        f"Linked {incident_id} to {', '.join(added)} ({display_path(path)})."  # as flag and the errors name it
        if added
        else f"{incident_id} already links {', '.join(pattern_ids)}."
    )
    _retired_note(kb, added)
    inc = kb.incidents.get(incident_id)
    _draft_note(kb, incident_id, added, [*(inc.patterns if inc is not None else ()), *added])
    _not_a_candidate_note(kb, incident_id, added)
    if inc is not None:
        _fix_not_held_note(kb, added, inc.date, had=inc.patterns)


def _fix_not_held_note(kb, linked, day, had=()) -> dict:
    """A pattern linked whose permanent fix was marked done before the incident's date: said on stderr when it is
    linked (problems.board.fix_not_held), not left to the next weekly report's "did not hold"; ``{recurrence_after_fix:
    [...]}`` for --json when there is one, else {}. ``had``: the patterns the incident linked already, whose
    recurrences were said when they were linked: a retired id linked beside its successor is the successor's own,
    as the board counts it, not said again "under" the retired id (found in review)."""
    from recur.kb.pattern_fix import fix_not_held

    said = {a["pattern"] for a in fix_not_held(kb.patterns, had, day)} if had else set()
    after = [a for a in fix_not_held(kb.patterns, [*had, *linked], day, config.where_flags(kb.root))
             if a["pattern"] not in said]  # fmt: skip
    for a in after:
        click.echo(f"warning: {a['said']}", err=True)
    return {"recurrence_after_fix": after} if after else {}


def _unlink(kb, incident_id: str, removed) -> None:
    """--remove: take the links out, saying which. A wrong link could only be taken out in the YAML."""
    from recur.kb.incident_record import unlink_patterns
    from recur.kb.loader import display_path

    path, gone = unlink_patterns(kb, incident_id, removed)
    click.echo(f"Unlinked {incident_id} from {', '.join(gone)} ({display_path(path)}).")


def _links_now(kb, incident_id: str) -> None:
    """What the incident links once --remove is done, and whether it needs analysis again."""
    from recur.problems.board import needs_analysis

    inc = kb.incidents.get(incident_id)
    if inc is None:  # a record with errors: _left_out_note says it
        return
    if needs_analysis(inc, kb.import_drafts()):
        drafts = f" (only {', '.join(inc.patterns)}, an import's draft not yet reviewed)" if inc.patterns else ""
        click.echo(
            f'{incident_id} now links no known pattern{drafts}: it is under "needs analysis" in recur report and '
            f"on the board; recur incident link {config.where_flags(kb.root)}{incident_id} shows candidates to link"
        )
    else:
        click.echo(f"{incident_id} now links {', '.join(inc.patterns)}.")


def _search_now(kb_dir, index_dir, model, kb, incident_id: str) -> None:
    """An incident with no stored candidates (recorded with --no-suggest, by hand, or linked when written and
    unlinked since): its title and summary searched now, as `recur incident new` searches them, the results
    shown the same way and, on a terminal, linked when picked. It said "no stored candidates; name the
    pattern(s) to link", and the reviewer had no pattern to name."""
    from recur.kb.incident_record import suggestion_query

    inc = kb.incidents.get(incident_id)
    if inc is None:  # a record with errors: nothing read to search with
        click.echo(f"{incident_id}: no stored candidates (recur import and recur incident new store them); "
                   "name the pattern(s) to link.")  # fmt: skip
        return
    summary = (inc.sections.get("Summary") or "").strip()
    query = suggestion_query(inc.title, summary if summary != inc.title.strip() else None)
    click.echo(f"{incident_id}: no stored candidates; searching its title and summary now:")
    try:
        answer = _answer(kb_dir, index_dir, model, query, 3, inc.patterns)
    except RecurError as exc:
        where = config.where_flags(kb_dir)
        command = f"recur suggest {config.where_flags(kb_dir, index_dir)}{shlex.quote(' '.join(query.split())[:500])}"
        raise RecurError(
            f"{exc}\nSearch it yourself: {command}; then recur incident link {where}{incident_id} PATTERN_ID"
        ) from None
    _show(answer, inc.patterns)
    results = answer.results
    if results and stdin_is_tty():
        picked = _picked(results, incident_id)
        if picked:
            _link_given(kb, incident_id, picked)
    elif results and not answer.no_known_pattern:
        click.echo(_link_later(incident_id, results, answer.likelier, config.where_flags(kb_dir)))


def _not_a_candidate_note(kb, incident_id: str, added) -> None:
    """A pattern linked that the search did not rank for this incident may be a slip (a neighbour's id
    typed from memory): named, with the candidates that were stored, so the link can be checked. None
    stored (an old record, one linked when written): nothing to compare with, nothing said."""
    inc = kb.incidents.get(incident_id)
    stored = [c["id"] for c in inc.candidates] if inc is not None else []
    outside = [pid for pid in added if pid not in stored]
    if stored and outside:
        click.echo(
            f"note: {', '.join(outside)} {'was' if len(outside) == 1 else 'were'} not among the candidates stored "
            f"for {incident_id} ({', '.join(stored)}); recur incident link {config.where_flags(kb.root)}{incident_id} shows them with their why",
            err=True,
        )


def _left_out_note(kb, incident_id: str) -> None:
    """The edit is written, but a record with errors of its own is left out of the report, the board
    and the site: say so now, not in a "files left out" line of next week's report."""
    if incident_id in kb.incidents:
        return
    first = next((p for p in kb.errors if Path(str(p.path)).stem == incident_id), None)
    click.echo(
        f"warning: {incident_id} has errors recur check reports{f' ({first})' if first else ''}; until they are "
        "fixed it is left out of recur report, the board and the site.",
        err=True,
    )


def _retired_note(kb, pattern_ids) -> None:
    """A retired pattern linked: said on stderr (incident_record.retired_notes)."""
    from recur.kb.incident_record import retired_notes

    for note in retired_notes(kb, pattern_ids).values():
        click.echo(f"note: {note}", err=True)


@incident.command("list")
@kb_option
@click.option("--since", type=DATE, metavar="DATE", help="Only incidents dated DATE (YYYY-MM-DD) or later.")
@click.option("--days", type=click.IntRange(1), help="Only incidents of the last N days, today included.")
@click.option("--pattern", "pattern_id", metavar="ID", help="Only incidents linked to pattern ID.")
@click.option("--unlinked", is_flag=True, help='Only incidents with no known pattern ("needs analysis").')
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print a JSON list of {id, date, severity, title, patterns, needs_analysis, follow_ups_open, "
    "follow_ups_overdue, path}, newest first.",
)
def list_incidents(kb_dir, since, days, pattern_id, unlinked, as_json):
    """List the incidents, newest first: id, date, severity, title, the patterns each links (or "needs
    analysis") and its open follow-ups. Incidents dated after today are not listed yet, as on the board.

    \b
    recur incident list --days 30
    recur incident list --unlinked          # the board's "needs analysis", to link: recur incident link ID
    recur incident list --pattern db-connection-pool-exhausted --since 2025-01-01 --json
    """
    from recur.kb.loader import load_kb, require_patterns
    from recur.problems.incidents import incident_rows
    from recur.util.dates import shift

    if since and days:
        raise click.UsageError("--since DATE and --days N both say where the list starts: give one of them")
    # the configured today (RECUR_TODAY), as `recur report` dates its board: the clock's date ignored it
    today = config.today()
    start = given_date(since, "--since", missing=shift(today, 1 - days) if days else None)
    kb = load_kb(kb_dir)
    if pattern_id:
        [pattern_id] = require_patterns(kb, [pattern_id], "--pattern")  # "Disk-Full" is disk-full
    rows = incident_rows(kb, today, since=start, pattern=pattern_id, unlinked=unlinked)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        click.echo("\n".join(_incident_lines(kb, for_terminal(rows), (since, days, pattern_id, unlinked))))
    _later_note(kb, today, start, pattern_id, unlinked)
    if pattern_id:
        _replaced_note(kb, today, start, pattern_id, unlinked)
    left_out = sorted(iid for iid in kb.incident_files if iid not in kb.incidents)
    if left_out:  # said on stderr, with --json too: the list is not every record
        shown = ", ".join(left_out[:5]) + (" …" if len(left_out) > 5 else "")
        click.echo(f"note: {plural(len(left_out), 'incident record')} with errors left out ({shown}); recur check names them",
                   err=True)  # fmt: skip


def _later_note(kb, today, start, pattern_id, unlinked) -> None:
    """The incidents the filters given would list but for their date, after today: named on stderr (their ids
    when 5 or fewer), with --json too. They were left out without a word while `recur report` listed them
    under "Dated after" (found in a docs-vs-behaviour review)."""
    import datetime as dt

    from recur.problems.incidents import incident_rows

    every = incident_rows(kb, dt.date.max, since=start, pattern=pattern_id, unlinked=unlinked)
    later = sorted(r["id"] for r in every if r["date"] > today.isoformat())
    if later:
        ids = f" ({', '.join(later)})" if len(later) <= 5 else ""
        click.echo(
            f"note: {plural(len(later), 'incident')} dated after today ({today.isoformat()}) not listed{ids}: listed from "
            'their date on, as on the board; recur report names them under "Dated after"',
            err=True,
        )


def _replaced_note(kb, today, start, pattern_id: str, unlinked: bool) -> None:
    """The incidents of the retired patterns ``pattern_id`` replaced (their ``superseded_by`` leads to it), named
    on stderr with the command that lists them, --json too. After a rename (a retired stub) or a merge, the list
    of the pattern in use began at the rename: a two-year-old KB's db-pool-exhausted listed the incidents of 2026
    alone, its five of 2025 under db-connection-pool-exhausted unsaid (found ageing a KB). With ``unlinked``, those
    needing analysis alone, as ``_later_note`` counts: it counted them all, the command without --unlinked."""
    from recur.problems.incidents import incident_rows

    # the command lists what is counted (--days too, as --since)
    given = (f" --since {start.isoformat()}" if start else "") + (" --unlinked" if unlinked else "")
    where = config.where_flags(kb.root)
    for old in kb.replaced_by(pattern_id):  # sorted
        # one naming both is listed already: "3 more" counted it (found in review)
        rows = incident_rows(kb, today, since=start, pattern=old, unlinked=unlinked)
        n = sum(pattern_id not in r["patterns"] for r in rows)
        if n:
            click.echo(
                f"note: {plural(n, 'more incident')} {'names' if n == 1 else 'name'} {old}, which {pattern_id} replaced (superseded_by): "
                f"recur incident list {where}--pattern {old}{given}",
                err=True,
            )


def _incident_lines(kb, rows: list, asked: tuple) -> list[str]:
    """The list as text: a line per incident, and under it its patterns (or "needs analysis") and open
    follow-ups."""
    since, days, pattern_id, unlinked = asked
    given = [f"--since {since}" if since else "", f"--days {days}" if days else "",
             f"--pattern {pattern_id}" if pattern_id else "", "--unlinked" if unlinked else ""]  # fmt: skip
    given = [g for g in given if g]
    if not rows:
        return [f"No incidents{' match ' + ' '.join(given) if given else ' recorded'}."]
    lines = [f"{plural(len(rows), 'incident')}, newest first{' (' + ' '.join(given) + ')' if given else ''}:"]
    drafts = kb.import_drafts()
    for r in rows:
        lines.append(f"  {r['id']}  {r['date']}  {r['severity']}  {r['title']}")
        if r["needs_analysis"]:
            draft = (
                f" (linked to import drafts alone, not yet reviewed: {', '.join(r['patterns'])})"
                if r["patterns"]
                else ""
            )
            linked = f"needs analysis{draft}"
        else:
            linked = ", ".join(p + (" (draft)" if p in drafts else "") for p in r["patterns"])
        n, late = r["follow_ups_open"], f" ({r['follow_ups_overdue']} overdue)" if r["follow_ups_overdue"] else ""
        lines.append(f"      {linked} · {n or 'no'} open follow-up{'' if n == 1 else 's'}{late}")
    if any(r["needs_analysis"] for r in rows):  # what to do with them, as the report's last line says it
        where = config.where_flags(kb.root)
        lines.append(f"Link one needing analysis: recur incident link {where}ID (its candidates, or a search for them)")
    return lines


from recur.cli.incident_marks import follow_up, review  # noqa: E402 (the group is defined above)

incident.add_command(review)
incident.add_command(follow_up)
