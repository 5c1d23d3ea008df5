"""Options shared by several commands, so every command spells them the same way."""

from __future__ import annotations

import datetime as dt
import math
import os
import typing
from pathlib import Path

import click

from recur import config
from recur.util.errors import RecurError

_Marked = typing.TypeVar("_Marked")  # a click.Command, or the function click's decorator makes one of


def setting(name: str) -> dict:
    """click keywords for an option backed by a setting of recur.config: its default and variable."""
    return {"default": config.default(name), "envvar": config.env(name)}


def writes_then_says(command: _Marked) -> _Marked:
    """Mark a command that changes files (the KB, a new repository, the tuned model) and then says what it did on
    stdout: started with stdout closed (`>&-`), RecurGroup refuses it before it runs. Its first write to stdout
    failed only after the change was made: `recur incident new … >&-` recorded the incident and exited 1, and a
    script retrying on the error recorded it again. Above the command's own decorator or below it (marking the
    function, whose mark main.marked_writes_then_says reads off the command's callback): below, it was ignored."""
    command.writes_then_says = True
    return command


class BadSetting(click.ClickException):
    """A setting's value that names nothing it could be: exit 2, as a bad option's value is; one ``Error:`` line,
    no Usage lines (the command line was not wrong). main's RECUR_TZ/RECUR_TODAY check, startup's MCP one."""

    exit_code = 2


class Range(click.FloatRange):
    """click.FloatRange that also refuses NaN: every comparison with NaN is false, so a plain
    range lets it through (and `--min-mrr nan` would turn the eval gate off)."""

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if math.isnan(number):
            self.fail(f"{value!r} is not a number; give one in the range {self._describe_range()}.", param, ctx)
        return number


UNIT = Range(0, 1)  # a fraction: a recall, an MRR, a cosine threshold


class OutFile(click.Path):
    """A file a command writes (--out FILE, serve --feedback): click.Path refuses an existing
    folder, but a path ending in a slash ("reports/", a folder still to be made) went through, and
    the slash fell off on the way to the file, which was written as a file named like the folder.
    Refused the same way, with click's usage error naming the option: these options take a file
    (their help says so), and guessing a name inside the folder would hide the mistake.
    A file given in a folder that does not exist is refused too: the writes made every missing folder
    (`recur kb-format --out /nonexist/dir/x.md` wrote it; `recur report --out` the same, silently), so a
    typo in a folder's name put the file somewhere no one looks (found in review). Recur's own folder
    (.recur/, config.STATE_DIR: where the defaults are, a log named there by RECUR_FEEDBACK) is made as before."""

    def __init__(self):
        super().__init__(dir_okay=False)

    def convert(self, value, param, ctx):
        if value == STDOUT:  # stdout, for the commands that write one file (write_out)
            return value
        if isinstance(value, str) and value.endswith(("/", os.sep)):
            self.fail(f"{value!r} ends in a slash: it names a folder; give a file's path.", param, ctx)
        value = super().convert(value, param, ctx)
        source = ctx.get_parameter_source(param.name) if ctx is not None and param is not None else None
        folder = Path(os.fsdecode(value)).parent
        # lexists: a file in the way is the write's own error, said as it is
        if source is not click.core.ParameterSource.DEFAULT and not os.path.lexists(folder) and not _state(folder):
            self.fail(f"folder not found: {folder} (create it first)", param, ctx)  # a variable's: main._name_variable
        return value


class TextCommand(click.Command):
    """A command whose words are a pasted text (`recur suggest`, `recur incident flag ID TEXT`), where an unknown
    option may be that text: `recur suggest "-bash: cannot create temp file …"` said "No such option '-b'" alone
    (a CLI review). An unknown option click has no close flag for is told how to give it: the command as typed,
    shell-quoted, with ``--`` just before the word taken for an option (its words before and after kept: the hint
    was `recur suggest -- -5` for `recur suggest disk write failed -5 EIO`, found in review). A misspelt flag keeps
    click's "did you mean" alone. ``doing``: what the command does with the text, said in the hint."""

    doing = "give"

    def parse_args(self, ctx, args):
        given = list(args)  # click's parser consumes the list
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as exc:
            if not exc.possibilities:
                import shlex

                stop = given.index("--") if "--" in given else len(given)  # after a --, nothing is an option
                at = next((n for n, a in enumerate(given[:stop]) if a.startswith(exc.option_name)), None)
                if at is not None:
                    command = " ".join(["recur", *ctx.command_path.split()[1:]])  # a test's runner calls it "cli"
                    exc.message = (
                        f"{exc.message.rstrip('.')}; to {self.doing} a text that starts with -, put -- before it: "
                        f"{command} {shlex.join([*given[:at], '--', *given[at:]])}"
                    )
            raise


# --out - : the one file an --out writes goes to stdout, as `-` reads stdin (a file named `-` was written)
STDOUT = "-"


def write_out(out, text: str) -> None:
    """``text`` to --out's file (atomically, replacing it), said on stderr, "Wrote F.", so that stdout stays
    clean when it is the output (``out`` STDOUT: ``text`` alone on stdout). `recur kb-format --out F` said it on
    stdout and `recur report --out F` not at all; both wrote a file named `-` for `--out -` (a CLI review)."""
    if out == STDOUT:
        click.echo(text, nl=False)
        return
    from recur.util.files import write_atomic

    click.echo(f"Wrote {write_atomic(out, text, overwrite=True)}.", err=True)


def _state(folder: Path) -> bool:
    """Whether ``folder`` is a Recur state folder the write may make: config.STATE_DIR itself, or a
    ``.recur`` in a folder that exists (a KB repository's, beside its KB). Exempting any ``.recur`` by name let
    `recur report --out /tmp/x/typo/dir/.recur/r.md` make typo/dir/.recur/ in silence (found in review)."""
    if folder.name != config.STATE_DIR.name:
        return False
    return folder.resolve() == config.STATE_DIR.resolve() or folder.parent.is_dir()


def prompt(text: str, **kwargs):
    """click.prompt on stderr, for every command that asks: the question, and what is wrong with an answer,
    are not the result. On stdout they were captured with the created file's path (`path=$(recur new
    incident ...)` held "Date [..]: Severity (...): ... kb/incidents/..."; found in review). On a pipe the
    answer is waited for as a signal is (_answer_or_signal)."""
    import click.termui

    asked_on = click.termui.visible_prompt_func
    # click's own input() alone: a test runner's (CliRunner's) reads its own input
    if asked_on is input and _waits_on_pipe():
        click.termui.visible_prompt_func = _answer_or_signal
    try:
        return click.prompt(text, err=True, **kwargs)
    finally:
        click.termui.visible_prompt_func = asked_on


def _waits_on_pipe() -> bool:
    """Whether stdin is a pipe, socket or file (no terminal) read through its buffer, on the main thread (the one
    signal handlers run on and signal.set_wakeup_fd may be called from)."""
    import sys
    import threading

    from recur.cli.core import stdin_is_tty

    if os.name != "posix" or sys.stdin is None or stdin_is_tty():  # select() takes no pipe on Windows
        return False
    if threading.current_thread() is not threading.main_thread():
        return False
    try:
        sys.stdin.buffer.fileno()
    except (AttributeError, OSError, ValueError):  # a stream with no file (an embedding host's)
        return False
    return hasattr(sys.stdin.buffer, "peek")  # a buffered reader (_wait_readable looks into its buffer)


# input() on a pipe writes and flushes the question, then blocks reading stdin. A SIGTERM or Ctrl-C that
# arrived between the two (a program that kills `recur` once it sees the question: tests/test_new.py's kill test)
# was handled only once the read returned: the process waited at the question until stdin gave a line or ended
# (then "stdin ended before every question was answered", exit 2, where the signal means "Interrupted.", 130).
# Failed 3 runs in 3 without PYTHONUNBUFFERED, which CI sets and which only moved the timing. Here the answer is
# waited for with select() on stdin and a wakeup pipe the signal writes to (signal.set_wakeup_fd), set before
# the question is written: a signal at any moment after it ends the wait, and its handler then runs.
def _answer_or_signal(question: str) -> str:
    """input(``question``) on a pipe (sys.stdout is stderr here: click redirects it), that a signal interrupts."""
    import signal
    import sys

    stream = sys.stdin.buffer  # read as bytes: a line the text layer read ahead would be no select()'s to see
    wake_r, wake_w = os.pipe()
    try:
        os.set_blocking(wake_w, False)
        before = signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
        try:
            sys.stdout.write(question)
            sys.stdout.flush()
            _wait_readable(stream, wake_r)
        finally:
            signal.set_wakeup_fd(before)
    finally:
        os.close(wake_r)
        os.close(wake_w)
    line = stream.readline()
    if not line:
        raise EOFError  # as input() at the end of stdin: click's Abort, said by the command
    line = line.decode(sys.stdin.encoding or "utf-8", sys.stdin.errors or "strict")
    return line.removesuffix("\n").removesuffix("\r")


def _wait_readable(stream, wake: int) -> None:
    """Until ``stream`` (a buffered reader) has bytes to give, or its end, or a signal's handler raised (the signal
    wrote to ``wake``, and the handler runs once Python code runs again: Ctrl-C's and SIGTERM's raise).
    Bytes the buffer holds already are looked at without a read that could wait (non-blocking, for the moment)."""
    import select

    fd = stream.fileno()
    if select.select([fd], [], [], 0)[0]:
        return  # bytes or the end, there now
    blocking = os.get_blocking(fd)
    os.set_blocking(fd, False)
    try:
        held = stream.peek(1)  # the buffer's bytes, or b"" (nothing to read now)
    except BlockingIOError:
        held = b""
    finally:
        os.set_blocking(fd, blocking)
    # a signal whose handler raises nothing (none of Recur's) wakes the wait only to go on waiting
    while not held and fd not in select.select([fd, wake], [], [])[0]:
        os.read(wake, 512)


kb_option = click.option(
    "--kb",
    "kb_dir",
    **setting("kb"),
    show_default=True,
    type=click.Path(file_okay=False),
    help="Knowledge base folder (env RECUR_KB).",
)
index_option = click.option(
    "--index",
    "index_dir",
    **setting("index"),
    show_default=True,
    type=click.Path(file_okay=False),
    help="Index folder (env RECUR_INDEX).",
)
model_option = click.option(
    "--model",
    "model",
    **setting("model"),
    help="Sentence-transformers model: a local folder or 'default' (bundled all-MiniLM-L6-v2). "
    "Env RECUR_MODEL. Default: the KB's tuned model if there is one, else the bundled model.",
)


class Utf8Text(click.ParamType):
    """Text that is written into the KB: a byte that is not UTF-8 (an argument arrives decoded with
    surrogateescape), or a control character but a tab and line breaks (``util.text.control_refused``, the rule
    MCP's record_incident and a library's record follow too), is refused with click's usage error naming the
    option, exit 2, never written; a prompt asks again."""

    name = "text"

    def convert(self, value, param, ctx):
        from recur.util.text import control_refused
        from recur.util.utf8 import problem

        why = (problem(value) or control_refused(value)) if isinstance(value, str) else None
        if why:
            self.fail(why, param, ctx)
        return value


TEXT = Utf8Text()


def http_url(ctx, param, value):
    """A URL option (--site-url, --edit-url): an absolute http(s) URL. Anything else was taken as
    given and silently matched nothing (coverage) or made broken links (Slack replies, the site)."""
    from recur.util.errors import RecurError
    from recur.util.text import require_http_url

    if value is None:
        return None
    try:
        return require_http_url(value)
    except RecurError as exc:  # click's usage error names the option; main._name_variable, the variable
        raise click.BadParameter(str(exc)) from None


def came_from(ctx, param) -> str:
    """What a refusal adds to say where the value came from: ' (from RECUR_SITE_URL)' when it was read from the
    option's environment variable, else nothing. click's usage error names only the option, and a bad value set in
    a service's environment is not on its command line; one place, so each refusal says it alike: main's hooks
    add it to every usage error of an option (_name_variable) and every RecurError naming the value
    (_from_variables); a message naming two options calls it itself (serve's --no-feedback and --feedback)."""
    from_env = ctx.get_parameter_source(param.name) == click.core.ParameterSource.ENVIRONMENT
    return f" (from {param.envvar})" if from_env else ""


def say_priority(kb, severity: str, asked_as: str = "-s") -> None:
    """-s P1 is recorded as the framework's level numbered 1 (incident_record.framework_severity, as `recur
    import` reads a "Priority: P1" field): said, as the import's notes say it, since a team's priority is not
    always its severity; P1 typed at the Severity prompt too (``asked_as``), which reads it as the flag does,
    and `recur new incident --severity P1` (which recorded sev1 without a word). The words: priority_note's,
    which MCP's record_incident says in its answer."""
    from recur.kb.incident_record import priority_note

    if note := priority_note(kb, severity, asked_as):
        click.echo(f"note: {note}", err=True)


def severity_level(kb, typed: str) -> str:
    """The framework's key for a severity typed at a Severity prompt, read as `recur incident new
    -s` reads it (`Sev-2`, `SEV 1`, `3`): the prompts took only `sev2` exactly, and `recur new incident
    --severity Sev-2` was refused where `recur incident new -s Sev-2` was recorded (found in review). Not
    one: click's usage error, which a prompt says before asking again."""
    from recur.kb.incident_record import framework_severity

    try:
        return framework_severity(kb, typed, "Severity")
    except RecurError as exc:
        raise click.UsageError(str(exc)) from None


def flag_severity(kb, given: str, flag: str = "--severity") -> str:
    """The framework's key for a severity given as ``flag`` (read as severity_level reads it); one the framework
    has not is click's usage error naming the flag, exit 2, as a value not among a Choice's is (it was exit 1
    from some commands, 2 from none). A level severity.yml declares but cannot use stays the KB's error, exit 1:
    the file is what to fix, not the command line."""
    from recur.kb.incident_record import framework_severity

    if kb.broken_severity(given) or not kb.severity:
        return framework_severity(kb, given, flag)
    try:
        return framework_severity(kb, given, flag)
    except RecurError as exc:
        raise click.BadParameter(str(exc).removeprefix(f"{flag}: "), param_hint=f"'{flag}'") from None


def day_come(value: str, flag: str, did: str) -> dt.date:
    """The day given to ``flag`` (YYYY-MM-DD, read by dates.given_date) on which something was ``did`` ("held",
    "done"): a day that has come, as a review is not held nor a follow-up done tomorrow (`recur import
    --review-done`, `recur incident review|follow-up --done --on`). Today is read once: the day compared and the
    day said are the same, around midnight too. Either refusal is click's usage error naming the flag (exit 2):
    the command line is wrong whatever the KB holds."""
    from recur.util.dates import given_date

    try:
        # "" too: given_date reads it as no value, a TypeError below (`recur import --review-done ''`)
        _date(value, flag, f"; give {flag} with no date for today")
        day = given_date(value, flag)
    except RecurError as exc:
        raise click.BadParameter(str(exc).removeprefix(f"{flag}: "), param_hint=f"'{flag}'") from None
    today = config.today()
    if day > today:
        raise click.BadParameter(
            f"{day.isoformat()} is after today ({today.isoformat()}): give the day it was {did}", param_hint=f"'{flag}'"
        )
    return day


class Checked(click.ParamType):
    """Text an option takes that one of Recur's own checks reads (a date, an id that becomes a file name): a
    value the check refuses is click's usage error naming the option, exit 2, with the check's words, before
    anything is read or written. The dates and ids were checked deep in the command and said as `Error: --date:
    …`, exit 1, where a value out of an IntRange or a Choice was exit 2 (a CLI review). The value is passed on
    as given (the command reads it as before), or with ``converts`` as the check returns it (--months and
    --window: the number the API's check reads too)."""

    def __init__(self, name: str, check, blank_ok: bool = True, converts: bool = False):
        self.name, self.check, self.blank_ok = name, check, blank_ok  # blank_ok: "" reads as not given
        self.converts = converts  # the value the check returns is the option's (a number), not the text given

    def convert(self, value, param, ctx):
        if not isinstance(value, str) or (value == "" and self.blank_ok) or _from_env(ctx, param):
            return value  # a variable's value (RECUR_AS_OF, RECUR_TODAY): main's check names it, exit 2
        flag = param.opts[0] if param is not None else self.name
        try:
            checked = self.check(value, flag)
        except RecurError as exc:
            self.fail(str(exc).removeprefix(f"{flag}: "), param, ctx)
        return checked if self.converts else value


def _from_env(ctx, param) -> bool:
    from_env = click.core.ParameterSource.ENVIRONMENT
    return ctx is not None and param is not None and ctx.get_parameter_source(param.name) is from_env


def _date(value: str, flag: str, advice: str = "") -> None:
    """One rule for every date flag: an empty value given (`--since "$DAY"`, DAY unset) is no date, refused as a
    malformed one is; given_date reads "" as no value, the caller's default, so `--today ''`, `--date ''` and
    `--since ''` ran as if the flag were left out, without a word, where `--as-of ''` was refused (found in
    review). ``advice``: what to do instead (default: leave the flag out). A variable set empty (RECUR_TODAY=)
    is unset, as click reads every variable: no flag was typed."""
    from recur.util.dates import given_date

    if value == "":
        raise RecurError(f"{flag}: '' is not a date (YYYY-MM-DD){advice or f'; leave {flag} out'}")
    given_date(value, flag)


def _date_or_today(value: str, flag: str) -> None:
    _date(value, flag, f"; leave {flag} out for today")


def _date_or_dash(value: str, flag: str) -> None:
    if value.strip() != "-":  # '-' takes the date out (`recur fix --due -`), as '-' takes an --owner out
        _date(value, flag, f"; leave {flag} out, or give - to take the date out")


def _incident_id(value: str, flag: str) -> None:
    from recur.kb.incident_record import require_id

    require_id(value, flag)


def _kebab(value: str, flag: str) -> None:
    from recur.kb.scaffold import kebab
    from recur.kb.schema import name_fits

    name_fits(kebab(value, flag), flag)  # each names a file or a folder


def _kebab_stripped(value: str, flag: str) -> None:
    _kebab(value.strip(), flag)  # as `recur new pattern` reads it (scaffold._need): blanks around it taken off


# YYYY-MM-DD, a day Recur takes (dates.given_date); "" given is no date (_date), a variable set empty is unset
DATE = Checked("date", _date, blank_ok=False)
# a DATE whose flag left out is today (--as-of, --today, a record's --date, --on): the refusal of "" says so (`recur
# report --as-of "$DAY"` with DAY unset was the board of today, without a word: found by fuzzing)
TODAY_DATE = Checked("date", _date_or_today, blank_ok=False)
DATE_OR_DASH = Checked("date", _date_or_dash, blank_ok=False)  # a DATE, or '-': the date taken out


def _months(value: str, flag: str) -> int:
    from recur.problems.query import given_months

    return given_months(value, flag)


def _window(value: str, flag: str) -> int:
    from recur.problems.query import given_window

    return given_window(value, flag)


# `recur report --months` and `--window`, in the words GET /api/report refuses its months and window with (click's
# IntRange said "'' is not a valid integer range", the API "Input should be a valid integer": found in review)
MONTHS = Checked("integer", _months, blank_ok=False, converts=True)
WINDOW_DAYS = Checked("integer", _window, blank_ok=False, converts=True)
INCIDENT_ID = Checked("id", _incident_id)  # it becomes the record's file name
KEBAB_ID = Checked("id", _kebab)  # an onboarding path's id: a file name
CATEGORY = Checked("category", _kebab, blank_ok=False)  # recur import's: a folder name ("" names none)
PATTERN_ID = Checked("id", _kebab_stripped)  # recur new pattern's
PATTERN_CATEGORY = Checked("category", _kebab_stripped)


# --json on `recur check` and `recur report`, as most commands spell machine output; --format json stays (public)
JSON_ALIAS = {"is_flag": True, "help": "Print JSON: the same as --format json (give one of them)."}


def json_alias(fmt: str, as_json: bool) -> str:
    """The --format a command runs with, --json standing for ``json``. Both given is a usage error: which of
    them was meant cannot be guessed when they differ, and one option for one thing reads plainly."""
    if not as_json:
        return fmt
    ctx = click.get_current_context()
    if ctx.get_parameter_source("fmt") is not click.core.ParameterSource.DEFAULT:
        raise click.UsageError(f"--json and --format {fmt} were both given: give one (--json is --format json)", ctx)
    return "json"
