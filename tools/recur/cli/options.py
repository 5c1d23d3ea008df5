"""Options shared by several commands, so every command spells them the same way."""

from __future__ import annotations

import datetime as dt
import math
import os
from pathlib import Path

import click

from recur import config
from recur.util.errors import RecurError


def setting(name: str) -> dict:
    """click keywords for an option backed by a setting of recur.config: its default and variable."""
    return {"default": config.default(name), "envvar": config.env(name)}


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
        if isinstance(value, str) and value.endswith(("/", os.sep)):
            self.fail(f"{value!r} ends in a slash: it names a folder; give a file's path.", param, ctx)
        value = super().convert(value, param, ctx)
        source = ctx.get_parameter_source(param.name) if ctx is not None and param is not None else None
        folder = Path(os.fsdecode(value)).parent
        # lexists: a file in the way is the write's own error, said as it is
        if source is not click.core.ParameterSource.DEFAULT and not os.path.lexists(folder) and not _state(folder):
            self.fail(f"folder not found: {folder} (create it first){came_from(ctx, param) if ctx else ''}", param, ctx)
        return value


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
    incident ...)` held "Date [..]: Severity (...): ... kb/incidents/..."; found in review)."""
    return click.prompt(text, err=True, **kwargs)


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
    surrogateescape) is refused with click's usage error naming the option, never written."""

    name = "text"

    def convert(self, value, param, ctx):
        from recur.util.utf8 import problem

        why = problem(value) if isinstance(value, str) else None
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
    except RecurError as exc:  # click's usage error names the option; came_from, the variable
        raise click.BadParameter(f"{exc}{came_from(ctx, param)}") from None


def came_from(ctx, param) -> str:
    """What an option callback's refusal adds to say where the value came from: ' (from RECUR_SITE_URL)'
    when it was read from the option's environment variable, else nothing. click's usage error names only
    the option, and a bad value set in a service's environment is not on its command line; one place, so
    each refusal says it alike."""
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


def severity_level(kb, typed: str, field: str = "--severity") -> str:
    """The framework's key for a severity typed at a prompt or given as a flag, read as `recur incident new
    -s` reads it (`Sev-2`, `SEV 1`, `3`): the prompts took only `sev2` exactly, and `recur new incident
    --severity Sev-2` was refused where `recur incident new -s Sev-2` was recorded (found in review). Not
    one: click's usage error, which a prompt says before asking again."""
    from recur.kb.incident_record import framework_severity

    try:
        return framework_severity(kb, typed, field)
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
    as given: the command reads it as before."""

    def __init__(self, name: str, check, blank_ok: bool = True):
        self.name, self.check, self.blank_ok = name, check, blank_ok  # blank_ok: "" reads as not given

    def convert(self, value, param, ctx):
        if not isinstance(value, str) or (value == "" and self.blank_ok) or _from_env(ctx, param):
            return value  # a variable's value (RECUR_TODAY): the command's own error names the variable, exit 1
        flag = param.opts[0] if param is not None else self.name
        try:
            self.check(value, flag)
        except RecurError as exc:
            self.fail(str(exc).removeprefix(f"{flag}: "), param, ctx)
        return value


def _from_env(ctx, param) -> bool:
    from_env = click.core.ParameterSource.ENVIRONMENT
    return ctx is not None and param is not None and ctx.get_parameter_source(param.name) is from_env


def _date(value: str, flag: str) -> None:
    from recur.util.dates import given_date

    given_date(value, flag)


def _incident_id(value: str, flag: str) -> None:
    from recur.kb.incident_record import require_id

    require_id(value, flag)


def _kebab(value: str, flag: str) -> None:
    from recur.kb.scaffold import kebab

    kebab(value, flag)


def _kebab_stripped(value: str, flag: str) -> None:
    _kebab(value.strip(), flag)  # as `recur new pattern` reads it (scaffold._need): blanks around it taken off


DATE = Checked("date", _date)  # YYYY-MM-DD, a day Recur takes (dates.given_date)
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
