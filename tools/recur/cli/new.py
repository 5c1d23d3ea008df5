"""``recur new pattern|incident|path``: scaffold a valid KB file, from flags or by prompting.

Fully from flags when every required value is given; otherwise it asks for the missing ones
(and, since it is asking anyway, for the optional lists). ``--no-input`` turns prompting off:
a missing value is then a clear error, as in CI scripts; so is one when stdin cannot answer (not a
terminal and empty: a script, a CI job).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import shlex
import sys
from pathlib import Path

import click

from recur import config
from recur.cli.core import stdin_is_tty
from recur.cli.main import RecurGroup
from recur.cli.options import (
    INCIDENT_ID,
    KEBAB_ID,
    PATTERN_CATEGORY,
    PATTERN_ID,
    TEXT,
    TODAY_DATE,
    flag_severity,
    kb_option,
    prompt,
    say_priority,
    severity_level,
    writes_then_says,
)
from recur.util.dates import given_date
from recur.util.errors import RecurError
from recur.util.text import plural


def _asked_again_unless(check):
    """A prompt's value_proc: the answer as ``check`` returns it, or the same question again with
    why (click re-prompts on UsageError): an id or category found wrong only after every other
    answer threw all of them away."""

    def proc(text: str):
        try:
            return check(text.strip())
        except RecurError as exc:
            raise click.UsageError(str(exc).removeprefix("--id: ").removeprefix("--category: ")) from None

    return proc


def _prompted_date(text: str) -> dt.date:
    """A date typed at the prompt; a wrong one is asked for again (click re-prompts on UsageError)."""
    try:
        return given_date(text.strip(), "Date", missing=config.today())  # blanks: the prompt's default day
    except RecurError as exc:
        raise click.UsageError(str(exc)) from None


def given_or_usage(no_input: bool, **values) -> None:
    """With --no-input, every required value missing is one usage error (exit 2, as for any missing
    option, and as `recur incident new` says it), named together; without it they are asked for, when
    stdin can answer (else the same error, saying why). `recur incident new --no-input` says it too."""
    missing = [
        "--" + name.replace("_", "-")
        for name, value in values.items()
        if value is None or (isinstance(value, str) and not value.strip()) or value == ()
    ]
    if not missing:
        return
    verb = "is" if len(missing) == 1 else "are"
    if no_input:
        raise click.UsageError(f"{', '.join(missing)} {verb} required with --no-input (leave it out to be asked)")
    if not _stdin_can_answer():
        raise click.UsageError(
            f"{', '.join(missing)} {verb} required: stdin is not a terminal and holds no answers (a script, CI), "
            "so nothing can be asked; give them as flags (--no-input: never ask)"
        )


def _stdin_can_answer() -> bool:
    """Whether a question can be answered: stdin is a terminal, or a pipe or file that is not at its end.
    A script or a CI job runs with stdin at its end (</dev/null, a closed pipe): click printed the first
    question, then "Aborted!" (exit 1; found in review). Only what is there already is looked at
    (select, no wait): a pipe still open with nothing in it may be a program waiting for the question
    before it answers, so that one is asked as before; so is a stream with no file (a test runner's)."""
    import select

    stream = sys.stdin
    if stream is None:  # started with stdin closed
        return False
    try:
        if stdin_is_tty():
            return True
        if not select.select([stream.fileno()], [], [], 0)[0]:
            return True
        return bool(stream.buffer.peek(1))  # readable now: its first bytes, or b"" at its end
    except (OSError, ValueError, AttributeError):  # no file, no buffer, not selectable (Windows)
        return True


@contextlib.contextmanager
def _answered_from_stdin(*flags: str):
    """Questions answered from a pipe or file that ends before the last one: a usage error naming the
    flags (click said only "Aborted!", as for Ctrl-C, which still aborts as before)."""
    try:
        yield
    except click.Abort as exc:
        if not _input_ended(exc):
            raise
        click.echo(err=True)  # end the question's line (on stderr, as the question)
        raise click.UsageError(
            f"stdin ended before every question was answered: give {', '.join(flags)} as flags (--no-input: never ask)"
        ) from None


def _input_ended(exc: click.Abort) -> bool:
    """Whether click gave up on a question because a pipe or file on stdin ended (not Ctrl-C, not a terminal)."""
    return isinstance(exc.__context__, EOFError) and sys.stdin is not None and not stdin_is_tty()


class _Optional:
    """The optional questions asked after the required ones: answers piped in that end at one of them
    leave it and the rest as skipping them would (TODO placeholders, empty lists). It was "stdin ended
    before every question was answered: give --title, ..." (exit 2) although those had been answered
    (found in review). Once stdin has ended, the questions left are not printed either."""

    def __init__(self):
        self.ended = False

    def ask(self, given, question, skipped):
        """``given`` (a flag's value) if any, else ``question()``'s answer, else (input ended) ``skipped``."""
        if given or self.ended:
            return given or skipped
        try:
            return question()
        except click.Abort as exc:
            if not _input_ended(exc):
                raise
            self.ended = True
            click.echo(err=True)  # end the question's line (on stderr, as the question)
            return skipped


def _ask_list(label: str, required: bool = False, check=None) -> list:
    """Prompt for items until an empty answer. ``check(answer, answers so far)``: what is wrong with an answer, or
    None; a wrong one is said and asked again, not found after the last answer with all of them lost."""
    items: list = []
    while True:
        try:
            text = prompt(
                f"{label} #{len(items) + 1} (empty to finish)" if items or not required else f"{label} #1",
                default="",
                show_default=False,
                type=TEXT,
            ).strip()
        except click.Abort as exc:
            if not (items and _input_ended(exc)):
                raise
            click.echo(err=True)
            return items  # piped answers that end after some items: the list ends there, as an empty answer ends it
        if not text:
            if required and not items:
                click.echo(f"At least one {label.lower()} is required.", err=True)
                continue
            return items
        problem = check(text, tuple(items)) if check else None
        if problem:
            end = " " if problem.endswith(("?", ".")) else ". "
            click.echo(f"{problem[0].upper()}{problem[1:]}{end}Type it again.", err=True)
            continue
        items.append(text)


def _named_elsewhere(problems, shown: str) -> list:
    """Problems of other files that name the new one: only the new file brings them. `recur check` says a
    title or order two onboarding paths share at the later file by name, so a new path named before the
    other one (``a-...``) was written with nothing said. Not errors of the new file: it is still written."""
    named = re.compile(r"(?<![\w/.-])" + re.escape(shown) + r"(?![\w/-]|\.\w)")
    return [p for p in problems if p.path != shown and named.search(p.message)]


def _id_cut(title: str, written: str) -> None:
    """Said when the id written is the title's, shortened: it was cut at 60 characters without a word
    (found by a first-time pattern author), and an id is in the file's name and in every link to it."""
    from recur.kb import schema

    whole = schema.id_from_title(title, longest=None)
    if written != whole and written == schema.id_from_title(title):
        click.echo(
            f"The id was shortened: {written} is the title's words up to {schema.ID_LONGEST} characters (all of "
            f"them make {len(whole)}). --id sets another: it names the file and every link to it.",
            err=True,  # with the other notes: stdout is the new file's path alone
        )


def _finish(kb_dir, path, text, written: bool = False, title: str | None = None) -> None:
    """Write the new file, show its problems and the next step; ``title``: a pattern's or a path's, whose id
    was made from it unless --id gave one."""
    from recur.kb import scaffold
    from recur.kb.check import check_path, is_shared_signal, shared_signal_notices
    from recur.kb.loader import display_path

    if not written:
        scaffold.create(path, text, root=kb_dir)
    shown = display_path(path)
    kb, problems = check_path(kb_dir, stale_days=0)
    # a signal other patterns list is said once, at the first file listing it, which may be another or name
    # the new one among "N more": said here at the new file's own lines, naming the others (found in review)
    problems = [p for p in problems if not is_shared_signal(p)]
    problems += [n for n in shared_signal_notices(kb, at=path.stem) if n.path == shown]
    mine = sorted((p for p in problems if p.path == shown), key=lambda p: p.sort_key())
    # a title two patterns share is said at both files: the new file's own warning names the other already
    elsewhere = [p for p in _named_elsewhere(problems, shown) if not any(m.field == p.field == "title" for m in mine)]
    click.echo(shown)
    for p in mine + elsewhere:
        click.echo(f"  {p}", err=True)
    if any(p.is_error for p in mine):  # a bug in the scaffold, never the author's fault
        raise RecurError(f"{shown}: the new file does not pass recur check (see above)")
    todo = text.count("TODO")
    # `recur check` reads ./kb unless told: a file of another KB needs its --kb to be found
    command = f"recur check {config.where_flags(kb_dir)}--strict {shlex.quote(shown)}"
    click.echo(
        f"Created {shown}"
        + (f"; fill in the {plural(todo, 'TODO')}, then run: {command}" if todo else f"; run: {command}"),
        err=True,
    )
    if title is not None:
        _id_cut(title, path.stem)


@click.group(cls=RecurGroup)
def new():
    """Scaffold a new pattern, incident record or onboarding path that passes `recur check`.

    \b
    recur new pattern                          # asks for what it needs
    recur new pattern --title "Push notifications not delivered" --category dependencies \\
        --severity sev2 --symptom "mobile push notifications stop arriving" --signal APNsDeliveryFailures
    recur new incident --title "Checkout 502s" --severity sev2 --pattern bad-deploy-crashloop
    recur new path --title "Storage basics" --step "disk-full: the page you will get first"
    """


@contextlib.contextmanager
def _starting_patterns(kb_dir):
    """The first pattern starts a knowledge base: patterns/ in an existing folder that has none.
    It is made before the KB is read (a KB is a folder with patterns/), and removed again when no
    pattern was written (a missing title, Ctrl-C at a prompt): a mistyped command leaves no empty
    KB behind, which `recur check` would pass as 'OK: 0 files'."""
    start = Path(kb_dir)
    made = start.is_dir() and not (start / "patterns").exists()
    if made:
        (start / "patterns").mkdir()
    try:
        yield
    except BaseException:
        if made and not any((start / "patterns").iterdir()):
            (start / "patterns").rmdir()
        raise
    if made:
        click.echo(f"Started a knowledge base in {start}/ (patterns/ created).", err=True)


def _as_level(kb, severity):
    """--severity as `recur incident new -s` reads it (`Sev-2`, `SEV 1`, `3`: the framework's key); one the
    framework has not is click's usage error naming --severity (flag_severity), a level severity.yml cannot
    use left for the scaffold's check, which names the file's error."""
    try:
        key = flag_severity(kb, severity) if severity and kb.severity else severity
    except RecurError:
        return severity
    if key != severity:
        say_priority(kb, severity, "--severity")  # P1 recorded as sev1: said, as `recur incident new -s P1` says it
    return key


def _ask_pattern(kb, title, pid, category, severity, symptoms, signals, summary, steps) -> tuple:
    """Prompt for what `recur new pattern` was not given, in the order a person thinks of it; and,
    since it is asking anyway, for the optional lists. Returns the same values, filled in."""
    from recur.kb import scaffold, schema

    title = title or prompt("Title (the failure mode in a few words)", type=TEXT)
    suggested = schema.id_from_title(title)
    # a device name Windows reserves ("Con" made con) is no id either: it was offered as the default, then refused
    taken = bool(suggested) and (kb.pattern_known(suggested) or bool(schema.windows_reserved(suggested)))
    if taken and not pid:  # the Id prompt had no default and asked again on Enter without a word (found in review)
        try:
            scaffold.free_pattern_id(kb, suggested)
        except RecurError as exc:  # the refusal --id gives, so the two never say it differently
            click.echo(str(exc).removeprefix("--id: "), err=True)
    pid = pid or prompt(
        "Id",
        default=None if not suggested or taken else suggested,
        value_proc=_asked_again_unless(lambda v: scaffold.free_pattern_id(kb, v)),
    )
    cats = scaffold.categories(kb)
    category = category or prompt(
        "Category" + (f" ({', '.join(cats)}, or a new one)" if cats else ""),
        value_proc=_asked_again_unless(lambda v: scaffold.pattern_category(kb, v)),
    )
    sevs = list(kb.severity)
    severity = severity or prompt(
        f"Severity ({', '.join(sevs)})" if sevs else "Severity",
        default=sevs[len(sevs) // 2] if sevs else None,
        value_proc=(lambda v: severity_level(kb, v)) if sevs else None,
    )
    symptoms = symptoms or _ask_list("Symptom, as a responder would type it", required=True)
    optional = _Optional()
    signals = optional.ask(signals, lambda: _ask_list("Signal (exact alert name, log line, error code)"), [])
    summary = optional.ask(
        summary,
        lambda: prompt("Summary (one paragraph; empty for a TODO)", default="", show_default=False, type=TEXT),
        "",
    )
    steps = optional.ask(steps, lambda: _ask_list("Runbook step (a command, query or dashboard)"), [])
    return title, pid, category, severity, symptoms, signals, summary, steps


def _publish_when_reviewed(status: str) -> None:
    """The next step of a draft pattern (--status draft, the default): nothing said it, and a team's
    patterns stayed drafts, marked [DRAFT] in every answer (found adopting Recur)."""
    if status != "draft":
        return
    click.echo(
        "It is a draft (status: draft): set `status: active` once reviewed, or its answers stay marked "
        "draft; `recur check` says when it looks ready.",
        err=True,
    )


@writes_then_says
@new.command()
@kb_option
@click.option("--id", "pid", type=PATTERN_ID, help="Kebab-case id; the file name (default: from the title).")
@click.option("--title", type=TEXT, help="The failure mode in a few words.")
@click.option("--category", type=PATTERN_CATEGORY, help="Folder under patterns/ (e.g. capacity, network, deploys).")
@click.option("--severity", help="Typical worst impact: a key of the severity framework (e.g. sev2).")
@click.option(
    "--symptom", "symptoms", multiple=True, type=TEXT, help="What a responder sees, in their words (repeatable; 1+)."
)
@click.option(
    "--signal", "signals", multiple=True, type=TEXT, help="Exact alert name, log line or error code (repeatable)."
)
@click.option("--tag", "tags", multiple=True, type=TEXT, help="Free keyword (repeatable).")
@click.option("--service", "services", multiple=True, type=TEXT, help="Component where it has struck (repeatable).")
@click.option("--related", multiple=True, help="Id of a related pattern (repeatable; must exist).")
@click.option("--owner", type=TEXT, help="Team or person who keeps the pattern current.")
@click.option(
    "--status",
    type=click.Choice(["draft", "active"]),
    default="draft",
    show_default=True,
    help="draft: Root cause is optional and results are marked draft; active: a finished pattern.",
)
@click.option("--summary", type=TEXT, help="One paragraph: what goes wrong and why it matters.")
@click.option("--step", "steps", multiple=True, type=TEXT, help="Runbook step, in order (repeatable).")
@click.option("--evidence", multiple=True, type=TEXT, help="What to capture before restoring (repeatable).")
@click.option("--root-cause", type=TEXT, help="The mechanism.")
@click.option("--no-input", is_flag=True, help="Never prompt; a missing required value is an error.")
def pattern(
    kb_dir,
    pid,
    title,
    category,
    severity,
    symptoms,
    signals,
    tags,
    services,
    related,
    owner,
    status,
    summary,
    steps,
    evidence,
    root_cause,
    no_input,
):
    """Scaffold kb/patterns/<category>/<id>.md.

    Status is draft by default, so Root cause may wait; what is not given yet is left as a
    TODO line that `recur check` warns about (and `--strict` fails on) until it is written.
    Refuses to overwrite an existing file or reuse an existing id.
    """
    from recur.kb import scaffold
    from recur.kb.loader import load_kb

    given_or_usage(no_input, title=title, category=category, severity=severity, symptom=symptoms)
    with _starting_patterns(kb_dir):
        kb = load_kb(kb_dir)
        severity = _as_level(kb, severity)  # a level the framework has not: said before any question
        if not (title and category and severity and symptoms) and not no_input:
            with _answered_from_stdin("--title", "--category", "--severity", "--symptom"):
                title, pid, category, severity, symptoms, signals, summary, steps = _ask_pattern(
                    kb, title, pid, category, severity, symptoms, signals, summary, steps
                )
        path, text = scaffold.pattern_file(
            kb,
            id=pid,
            title=title,
            category=category,
            severity=_as_level(kb, severity),
            symptoms=symptoms,
            signals=signals,
            tags=tags,
            services=services,
            related=related,
            owner=owner,
            status=status,
            summary=summary,
            steps=steps,
            evidence=evidence,
            root_cause=root_cause,
        )
        _finish(kb_dir, path, text, title=title)
        _publish_when_reviewed(status)
        for rid in dict.fromkeys(related):  # check --strict warns of a one-way link: said now (found in review)
            # path.stem: the id written, also when it came from the title (pid was None: "Also add None")
            click.echo(f"Also add {path.stem} to the related list of {rid}: a link goes both ways.")


@writes_then_says
@new.command()
@kb_option
@click.option("--id", "iid", type=INCIDENT_ID, help="Incident id (default: the next INC-<year>-NNNN).")
# -t and -s as `recur incident new` takes them: its flags given here were "No such option '-t'" (found
# adopting Recur for a team)
@click.option("--title", "-t", type=TEXT, help="What happened, in a line.")
@click.option("--date", type=TODAY_DATE, metavar="DATE", help="When it started (YYYY-MM-DD; default: today).")
@click.option("--severity", "-s", help="A key of the severity framework (e.g. sev2).")
@click.option("--pattern", "patterns", multiple=True, help="Id of a pattern it matched (repeatable; must exist).")
@click.option("--service", "services", multiple=True, type=TEXT, help="Affected service (repeatable).")
@click.option("--duration", "duration", type=click.IntRange(0), help="Minutes of user-visible impact.")
@click.option("--summary", type=TEXT, help="What happened, the impact, and how it was restored.")
@click.option("--flag", "flags", multiple=True, type=TEXT, help="A 'dig into this later' marker (repeatable).")
@click.option("--no-input", is_flag=True, help="Never prompt; a missing required value is an error.")
def incident(kb_dir, iid, title, date, severity, patterns, services, duration, summary, flags, no_input):
    """Scaffold kb/incidents/<year>/<id>.md (review defaults come from the severity framework)."""
    from recur.kb import scaffold
    from recur.kb.loader import load_kb

    given_or_usage(no_input, title=title, severity=severity)
    _an_incident(summary)
    date = given_date(date, "--date")
    kb = load_kb(kb_dir)
    severity = _as_level(kb, severity)  # a level the framework has not: said before any question
    if not (title and severity) and not no_input:
        with _answered_from_stdin("--title", "--severity"):
            title = title or prompt("Title", type=TEXT)
            if date is None:
                date = prompt("Date", default=config.today().isoformat(), value_proc=_prompted_date)
            sevs = list(kb.severity)
            severity = severity or prompt(
                f"Severity ({', '.join(sevs)})" if sevs else "Severity",
                value_proc=(lambda v: severity_level(kb, v)) if sevs else None,
            )
            optional = _Optional()
            patterns = optional.ask(
                patterns,
                lambda: _ask_list(
                    "Matched pattern id (empty if unknown)", check=lambda pid, _: scaffold.pattern_problem(kb, pid)
                ),
                [],
            )
            services = optional.ask(services, lambda: _ask_list("Service"), [])
    fields = dict(
        title=title,
        date=date,
        severity=_as_level(kb, severity),
        patterns=patterns,
        services=services,
        duration_minutes=duration,
        summary=summary,
        flags=flags,
    )
    record, text_of = scaffold.new_incident(kb, id=iid, **fields)
    path = kb.root / "incidents" / str(record.date.year) / f"{record.iid}.md"
    if not record.numbered:  # an id asked for is never replaced: create() refuses a taken one
        _finish(kb_dir, path, text_of(record.iid))
        return
    from recur.kb.incident_record import write_new_record

    # the next free number, which another writer (a second `recur new incident`, `incident new`, an
    # MCP call) may take first: then the one after it, as `recur incident new` does
    _, path = write_new_record(kb, record.date.year, record.iid, text_of, numbered=True)
    _finish(kb_dir, path, text_of(path.stem), written=True)


def _an_incident(summary: str | None) -> None:
    """Refuse a --summary that is no incident (a pasted AWS SNS subscription confirmation: pasted_log.not_an_incident)
    as `recur incident new -d` and MCP's record_incident refuse it. Found in a re-read: this scaffold wrote one as an
    incident's Summary, which the next `recur incident link` searched by its keys, token and URLs."""
    from recur.ingest.pasted_log import not_an_incident

    if summary and (why := not_an_incident(summary)):
        raise click.UsageError(f"--summary: {why}")


def _path_id_taken(kb, pid: str) -> bool:
    from recur.kb import scaffold

    try:
        scaffold.free_path_id(kb, pid)
    except RecurError:
        return True
    return False


@writes_then_says
@new.command("path")
@kb_option
@click.option("--id", "pid", type=KEBAB_ID, help="Kebab-case id; the file name (default: from the title).")
@click.option("--title", type=TEXT, help="e.g. 'First week on call for payments'.")
@click.option("--audience", type=TEXT, help="Who it is for.")
@click.option(
    "--step",
    "steps",
    multiple=True,
    type=TEXT,
    help="'pattern-id: why it matters', in reading order (repeatable; the pattern must exist).",
)
@click.option(
    "--order",
    type=click.IntRange(0),
    help="Its place in the site's list of paths, lowest first (0 or more); paths without one follow, by title.",
)
@click.option("--no-input", is_flag=True, help="Never prompt; a missing required value is an error.")
def path_cmd(kb_dir, pid, title, audience, steps, order, no_input):
    """Scaffold kb/paths/<id>.yml, an onboarding path through existing patterns."""
    from recur.kb import scaffold, schema
    from recur.kb.loader import load_kb

    given_or_usage(no_input, title=title, step=steps)
    kb = load_kb(kb_dir)
    if not (title and steps) and not no_input:
        with _answered_from_stdin("--title", "--step"):
            title = title or prompt("Title", type=TEXT)
            # said at once, and asked again: a path of that id found only after the last step lost every answer
            suggested = schema.id_from_title(title)
            taken = not suggested or _path_id_taken(kb, suggested)
            pid = pid or prompt(
                "Id",
                default=None if taken else suggested,
                value_proc=_asked_again_unless(lambda v: scaffold.free_path_id(kb, v)),
            )
            audience = audience or prompt("Audience (empty to skip)", default="", show_default=False, type=TEXT)
            steps = steps or _ask_list(
                "Step as 'pattern-id: why it matters'",
                required=True,
                check=lambda text, earlier: scaffold.step_problem(
                    kb, scaffold.parse_step(text)[0], [scaffold.parse_step(e)[0] for e in earlier]
                ),
            )
    path, text = scaffold.path_file(
        kb, id=pid, title=title, audience=audience, steps=[scaffold.parse_step(s) for s in steps], order=order
    )
    _finish(kb_dir, path, text, title=title)
