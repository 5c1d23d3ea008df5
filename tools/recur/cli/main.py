"""The ``recur`` command line: a thin layer over the library.

Commands live in their own modules and are imported only when run (LazyGroup), so
``recur --help`` and ``recur check`` never pay for torch, transformers or faiss.
One exception type (RecurError) becomes one clean ``Error: ...`` line here, at the edge.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import sys

import click

from recur import __version__
from recur.util.errors import CALLER, Caller, RecurError

# command name -> "module:attribute"; each module keeps heavy imports inside its functions
COMMANDS = {
    "check": "recur.cli.core:check",
    "index": "recur.cli.core:index",
    "suggest": "recur.cli.core:suggest",
    "eval": "recur.cli.core:eval_cmd",
    "site": "recur.cli.site:site",
    "init": "recur.cli.init:init",
    "kb-format": "recur.cli.init:kb_format",
    "new": "recur.cli.new:new",
    "tune": "recur.cli.tune:tune",
    "serve": "recur.cli.serve:serve",
    "mcp": "recur.cli.mcp:mcp",
    "feedback": "recur.cli.feedback:feedback",
    "report": "recur.cli.report:report",
    "incident": "recur.cli.incident:incident",
    "fix": "recur.cli.fix:fix",
    "rename": "recur.cli.rename:rename",
    "coverage": "recur.cli.coverage:coverage_cmd",
    "import": "recur.cli.importer:import_cmd",
    "lookalikes": "recur.cli.lookalikes:lookalikes_cmd",
    "show": "recur.cli.show:show",
    "paths": "recur.cli.show:paths",
}


class RecurGroup(click.Group):
    """A group that gives the warnings every run gives (``_warn_unknown_variables``) once its command's
    arguments are read, before the command runs. click runs a group's callback first, then reads the
    command's arguments, where ``--help`` prints the help and exits: warned in the callback, `recur tune
    --help` printed a warning before the help. Each group of commands (``feedback``, ``incident``,
    ``new``) is one of these; only the command that runs warns, once."""

    def resolve_command(self, ctx, args):
        """click's, with a "did you mean" for a misspelt command (`recur sugest`, `recur incident lnik`), as
        click gives for an option and Recur for an id: it said "No such command 'sugest'." alone (found in
        review)."""
        import difflib

        name = click.utils.make_str(args[0])
        if not ctx.resilient_parsing and not name.startswith("-") and self.get_command(ctx, name) is None:
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=3, cutoff=0.6)
            if close:
                meant = " or ".join(repr(c) for c in close)
                ctx.fail(f"No such command {name!r}. Did you mean {meant}?")
        return super().resolve_command(ctx, args)

    def invoke(self, ctx):
        if not ctx._protected_args or self.chain:  # no command (click's usage error), or a chain: click's own
            return super().invoke(ctx)
        # click.Group.invoke's single-command path, with the warning between reading and running
        args = [*ctx._protected_args, *ctx.args]
        ctx.args, ctx._protected_args = [], []
        with ctx:
            name, cmd, args = self.resolve_command(ctx, args)
            ctx.invoked_subcommand = name
            click.Command.invoke(self, ctx)
            try:
                sub = cmd.make_context(name, args, parent=ctx)
            except click.BadParameter as exc:
                _name_variable(exc)
                raise
            ctx.meta["recur.command"] = sub  # the command run, for an error's variable (_from_variables)
            with sub:
                if not isinstance(cmd, click.Group) and not sub.resilient_parsing:
                    # a command that formats its own stderr (serve's log) sets it up before the warning
                    getattr(cmd, "before_warnings", lambda params: None)(sub.params)
                    _warn_unknown_variables()
                    _check_day_settings(sub)
                # fd 1 is /dev/null by now (_stdout_closed), so os.fstat(1) cannot tell: the stand-in says it
                if marked_writes_then_says(cmd):
                    refuse_closed_stdout()  # before the change, not at its report: nothing written
                return sub.command.invoke(sub)


def _name_variable(exc: click.BadParameter) -> None:
    """Add "(from RECUR_STALE_DAYS)", its variable, to a bad value read from the option's variable: click named the flag
    alone, one the user never passed (`RECUR_STALE_DAYS=abc recur check`: "Invalid value for '--stale-days'";
    a CLI review). The one place for every option a setting backs (a converter's or a callback's refusal too: each
    said it on its own before); a refusal that says it already is kept."""
    from recur.cli.options import came_from

    ctx, param = exc.ctx, exc.param
    if ctx is None or param is None or not isinstance(param.envvar, str) or f"(from {param.envvar})" in exc.message:
        return
    if said_from := came_from(ctx, param):
        said = exc.message.rstrip()
        end = "." if said.endswith(".") else ""  # "… a valid integer range (from RECUR_STALE_DAYS)."
        exc.message = f"{said.removesuffix(end)}{said_from}{end}"


def _from_variables(ctx, message: str) -> str:
    """``message`` (a RecurError's) with "(from RECUR_KB)" after each value it names that the command run read from
    a variable, its option not given: `RECUR_KB=/nope/kb recur check` said "knowledge base folder not found:
    /nope/kb", and then only for RECUR_KB spelt as shown (`RECUR_KB=./nope`, `RECUR_KB=/tmp`: "not a knowledge
    base", `RECUR_MODEL=/nope/model` named none; found in review). A value is found as set or as its path
    (``./nope`` is said "nope"), as a whole word of the message. With the KB from RECUR_KB, the hint to set it is
    dropped: it is the variable that is wrong."""
    import re
    from pathlib import Path

    from recur.cli.options import came_from

    sub = ctx.meta.get("recur.command")
    if sub is None:
        return message
    for param in sub.command.params:
        value = sub.params.get(param.name)
        if not isinstance(param.envvar, str) or not isinstance(value, (str, Path)) or not came_from(sub, param):
            continue
        if f"{param.envvar}: " in message or f"from {param.envvar}" in message:  # named already: not twice
            continue  # ("RECUR_TODAY: 0001-01-01 is outside …"; "(pass --kb DIR or set RECUR_KB)" is no naming)
        for shown in dict.fromkeys((str(value), str(Path(value)))):
            # the value whole: not the start of a longer path (/tmp of /tmp/x), nor the end of one
            at = re.search(rf"(?<![\w/.-]){re.escape(shown)}(?![\w/-])", message) if shown.strip() else None
            if at:
                message = f"{message[: at.end()]}{came_from(sub, param)}{message[at.end() :]}"
                if param.name == "kb_dir":
                    message = message.replace(" (pass --kb DIR or set RECUR_KB)", " (pass --kb DIR)")
                break
    return message


class Interrupted(SystemExit):
    """Exit 130 after Ctrl-C (or SIGTERM: ``_interrupt``), its clean-up done: a SystemExit, so click's test
    runner sees exit code 130 as before; ``main`` ends the process on it without Python's shutdown."""


STDOUT_CLOSED = "cannot write to standard output: it is closed (>&-)"
STDOUT_READ_ONLY = "cannot write to standard output: it is open read-only (1<FILE)"


class StdoutClosed(Exception):
    """A write to a standard output that cannot take it: closed (`>&-`), open read-only (`1</dev/null`) or
    failing (`>/dev/full`). ``LazyGroup`` says it, one `Error:` line; its text is the line's."""

    def __init__(self, message: str = STDOUT_CLOSED):
        super().__init__(message)


class _ClosedStdout:
    """``sys.stdout`` for a process started with standard output closed, where Python sets it to None and click
    writes nothing without a word: `recur suggest x >&-` exited 0 having written nothing (found in review). A write
    raises StdoutClosed, one `Error:` line and exit 1, as coreutils' commands fail ("write error: Bad file
    descriptor"); a command that writes nothing to stdout (`recur index`) does as before. Also for one open
    read-only, whose writes failed as "Error: Bad file descriptor", naming nothing (``said``: which of the two)."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, said: str = STDOUT_CLOSED):
        self.said = said

    def write(self, text):
        raise StdoutClosed(self.said)

    def flush(self):
        pass

    def isatty(self):
        return False

    def writable(self):
        return True


def refuse_closed_stdout() -> None:
    """Raise StdoutClosed, saying which, when the process was started with a standard output it cannot write:
    closed (`>&-`) or open read-only (_stdout_closed); for a command to refuse before it changes anything."""
    if isinstance(sys.stdout, _ClosedStdout):
        raise StdoutClosed(sys.stdout.said)


def marked_writes_then_says(cmd) -> bool:
    """Whether ``cmd`` is marked ``options.writes_then_says``, on the command or, the mark put below click's decorator,
    on its callback: that order was silently ignored, the command run with stdout closed (found in review)."""
    return bool(
        getattr(cmd, "writes_then_says", False) or getattr(getattr(cmd, "callback", None), "writes_then_says", False)
    )


def _stdout_closed() -> None:
    """Started with fd 1 closed: /dev/null takes it, so that no file the command opens (an index, a record) gets fd 1
    and what a native library prints to stdout (ONNX Runtime, torch) lands in it; Python's writes raise
    (_ClosedStdout). Open read-only (`1</dev/null`, fd 1 a file read), Python's stdout fails every write with
    EBADF: the same stand-in, saying so. Otherwise stdout's writes name it when they fail (_StdoutFile)."""
    _StdoutFile.gone = False  # a main() run before in this process (a test's) may have set it
    if sys.stdout is None:
        _null_onto(1)
        sys.stdout = _ClosedStdout()
    elif _read_only(1):
        sys.stdout = _ClosedStdout(STDOUT_READ_ONLY)
    else:
        _name_stdout_errors()


def _stderr_closed() -> None:
    """Started with fd 2 closed (`2>&-`): /dev/null takes it and sys.stderr writes there. Python sets sys.stderr to
    None, and click then said its errors on stdout (`recur suggest --bogus 2>&-` printed its usage error into the
    output a script captures; ClickException.show falls back to stdout); and the first file the command opened
    got fd 2, where a native library's message (ONNX Runtime, torch) would land. The messages are lost, as the
    user asked; the exit status still says."""
    if sys.stderr is not None:
        return
    _null_onto(2)
    with contextlib.suppress(OSError):  # fd 2 still closed (no /dev/null): sys.stderr stays None
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115 (stderr, open to the end)


class _StderrFile(io.FileIO):
    """fd 2 under ``sys.stderr``: a write it refuses (`2>/dev/full`, a reader of `2>&1 |` gone) is dropped. There is
    nowhere left to say it, and the OSError click's usage error met while it was shown (`recur suggest --bogus
    2>/dev/full`) ended the run with Python's exit 1 (its traceback failing too) in place of the usage error's 2:
    the messages are lost, as with a closed stderr (_stderr_closed), and the exit status still says."""

    def write(self, data):
        try:
            return super().write(data)
        except OSError:
            return len(data)


def _quiet_stderr_errors() -> None:
    """``sys.stderr`` rebuilt over _StderrFile as Python built it, where it is Python's own over a plain fd 2."""
    old = sys.stderr
    try:
        if not isinstance(old, io.TextIOWrapper) or old.fileno() != 2:
            return  # not Python's own (a test's capture, an embedding program's), or None (no fd 2 at all)
        if type(getattr(old.buffer, "raw", old.buffer)) is not io.FileIO:
            return  # Windows' console (see _name_stdout_errors)
        old.flush()
    except (OSError, ValueError):
        return
    raw = _StderrFile(2, "w", closefd=False)
    sys.stderr = io.TextIOWrapper(
        raw if isinstance(old.buffer, io.FileIO) else io.BufferedWriter(raw),
        encoding=old.encoding,
        errors=old.errors,
        line_buffering=old.line_buffering,
        write_through=old.write_through,
    )


def _null_onto(fd: int) -> None:
    """/dev/null opened onto the closed ``fd`` (the lowest free fd, so usually it already is), or, failing, left
    closed."""
    import os

    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        if null != fd:
            os.dup2(null, fd)
            os.close(null)


def _read_only(fd: int) -> bool:
    """Whether ``fd`` is open for reading alone (fcntl's access mode; no fcntl, as on Windows: not known, False)."""
    import os

    try:
        import fcntl
    except ImportError:
        return False
    try:
        return fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDONLY
    except OSError:
        return False


class _StdoutFile(io.FileIO):
    """fd 1 under ``sys.stdout``: a failed write (`>/dev/full`: "Error: No space left on device", naming nothing;
    `recur --help >/dev/full` a traceback) raises StdoutClosed naming standard output. A reader gone (`| head`)
    stays BrokenPipeError (exit 0, LazyGroup). Once failed, said once: what is flushed later, at exit, is dropped,
    not a second error."""

    failed = False
    gone = False  # its reader gone (EPIPE): main's exit 0 for one before a command too

    def write(self, data):
        if self.failed or not data:  # not data: click probes with write(""), which /dev/full refuses (ENOSPC) too
            return len(data)
        try:
            return super().write(data)
        except BrokenPipeError:
            self.failed = _StdoutFile.gone = True
            raise
        except OSError as exc:
            self.failed = True
            raise StdoutClosed(f"cannot write to standard output: {exc.strerror or exc}") from None


def _name_stdout_errors() -> None:
    """``sys.stdout`` rebuilt over _StdoutFile as Python built it (encoding, errors, buffering; unbuffered with -u)."""
    old = sys.stdout
    try:
        if not isinstance(old, io.TextIOWrapper) or old.fileno() != 1:
            return  # not Python's own (a test's capture, an embedding program's)
        # a plain fd only: Windows' console is _WindowsConsoleIO (UTF-16 to the console), which a FileIO on fd 1
        # would replace by UTF-8 bytes the console reads in its code page (mojibake)
        if type(getattr(old.buffer, "raw", old.buffer)) is not io.FileIO:
            return
        old.flush()
    except (OSError, ValueError):
        return
    raw = _StdoutFile(1, "w", closefd=False)
    binary = raw if isinstance(old.buffer, io.FileIO) else io.BufferedWriter(raw)
    sys.stdout = io.TextIOWrapper(
        binary,
        encoding=old.encoding,
        errors=old.errors,
        line_buffering=old.line_buffering,
        write_through=old.write_through,
    )


# What `recur`'s commands call the library's arguments in their errors: their flags (`recur incident new`'s and
# `recur import`'s --id and --pattern, import's --category); a flag to pass or RECUR_KB to set may be said too.
# MCP's tools say their own (serve/mcp_server.MCP_CALLER), a library's caller its arguments (util/errors.py).
COMMAND_LINE = Caller(names={"iid": "--id", "patterns": "--pattern", "category": "--category"}, command_line=True)


class LazyGroup(RecurGroup):
    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx, name):
        if name in COMMANDS:
            module, attr = COMMANDS[name].split(":")
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)

    def make_context(self, info_name, args, parent=None, **extra):
        """click's, a Ctrl-C while it reads the arguments (`recur --help` importing every command's module to list
        them) said as a command's is: click's main turned it into "Aborted!" and exit 1 (found in a re-read)."""
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            raise Interrupted(130) from None

    def invoke(self, ctx):
        said_on_command_line = CALLER.set(COMMAND_LINE)  # errors name the flag to pass (util/errors.py)
        try:
            from recur.cli.logs import printing_library_logs  # in the try: a Ctrl-C during its import is handled

            with printing_library_logs():  # what the library logs, printed as the commands printed it
                return super().invoke(ctx)
        except RecurError as exc:
            raise click.ClickException(_from_variables(ctx, str(exc))) from None
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            raise Interrupted(130) from None
        except click.Abort as exc:
            # Ctrl-C (or SIGTERM: _interrupt) at a prompt, which click turns into Abort: it printed "Aborted!"
            # and exited 1, as no other command does (found in review). Ctrl-D there (EOFError) stays click's.
            if not isinstance(exc.__context__, KeyboardInterrupt):
                raise
            click.echo("\nInterrupted.", err=True)  # after the question's line, which Ctrl-C left open
            raise Interrupted(130) from None
        except StdoutClosed as exc:
            raise click.ClickException(str(exc)) from None
        except BrokenPipeError:  # `recur suggest ... | head`
            sys.stderr.close()
            sys.exit(0)
        except OSError as exc:  # a folder we may not write, a full disk: a message, not a traceback
            from recur.util.files import FULL  # here: not imported by every command's start

            # a copy's full disk is its destination's (filename2): shutil names its source first, a file
            # elsewhere (the browser bundle's model in its cache, a runtime in the virtualenv)
            full = exc.errno in FULL and exc.filename2
            where = f"{exc.filename2 if full else exc.filename}: " if exc.filename else ""
            raise click.ClickException(f"{where}{exc.strerror or exc}") from None
        finally:
            CALLER.reset(said_on_command_line)  # a library call after a CliRunner's run is told no flag
            _settled()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="recur")
@click.pass_context
def cli(ctx):
    """Recur: a searchable knowledge base of failure patterns.

    \b
    Teams:       recur init DIR --starter   (a new KB repository)
    Authors:     recur check, recur new, recur eval
    Responders:  recur suggest "what you see", recur serve
    Everyone:    recur site, recur report

    \b
    New to on-call? Run `make run` (or `recur serve`) and open /paths/:
    the onboarding paths, the patterns to read first, in order; in the
    terminal, recur paths [ID], and recur show ID prints a pattern.
    """
    import os

    # NO_COLOR (no-color.org): any value but "" means no escape codes, even on a terminal; click
    # only strips them off a pipe. Set here, every command's context inherits it.
    if os.environ.get("NO_COLOR"):
        ctx.color = False


def _warn_unknown_variables() -> None:
    """Once per run, before the command runs (not for its --help: RecurGroup): a misspelt setting's variable is read by nothing, so its
    default runs in silence (found in an operator's review: the encoder's variable misspelt in a
    service's environment; one in a shell's profile is as unread by `recur index`). Every command reads
    settings. On stderr: stdout carries JSON (--json, report, import) and the MCP protocol."""
    from recur import config

    for name, closest in config.unknown_variables():
        meant = f" (did you mean {closest}?)" if closest else ""
        click.echo(f"warning: {name} is set, but is not a Recur setting: nothing reads it{meant}", err=True)


def _check_day_settings(sub: click.Context) -> None:
    """A RECUR_TZ that names no time zone, or a RECUR_TODAY that is no date, refused before the command runs (each
    command derives today or a timestamp's date from them, the server in the background): one ``Error:`` line
    naming the variable and the value, exit 2 both. A bad RECUR_TODAY was the command's own error, exit 1, where
    a bad RECUR_TZ was 2 (found in review): a setting's value is a usage error, as a flag's is. Not RECUR_TODAY
    when the command was given its flag (`recur check --today`): the flag wins over its variable, unread. RECUR_AS_OF
    likewise, in the commands that read it (`recur report`, `recur site`: their --as-of option, which wins over it):
    it was the command's own error, exit 1, where RECUR_TODAY's was 2 (found in re-read)."""
    from recur import config
    from recur.cli.options import BadSetting

    try:
        config.zone()
        if not _flag_given_for(sub, config.env("today")):
            config.today()  # RECUR_TODAY when set (its date and range), else the clock's date in the zone
        if "as_of" in sub.params and not sub.params["as_of"]:  # --as-of, when given, was read as a flag's value
            config.as_of()  # RECUR_AS_OF when set (its date and range), else today, checked above
    except RecurError as exc:
        raise BadSetting(str(exc)) from None


def _flag_given_for(sub: click.Context, variable: str) -> bool:
    """Whether the command line gave the option ``variable`` backs (click reads the variable only without it)."""
    given = click.core.ParameterSource.COMMANDLINE
    return any(p.envvar == variable and sub.get_parameter_source(p.name) is given for p in sub.command.params if p.name)


# main()'s process: what a Ctrl-C or `kill` did to it. "own": main() runs the command (not click's test runner, in
# a test process whose own Ctrl-C must keep working); "interrupted": a SIGINT or SIGTERM arrived; "ignored":
# _settled set SIGINT ignored (not the process's starter), which the next main() in the process undoes
_PROCESS = {"own": False, "interrupted": False, "ignored": False}


def _interrupt(signum, frame):
    _PROCESS["interrupted"] = True
    raise KeyboardInterrupt


def _settled() -> None:
    """The command's work is done (its output written, its exit code decided): from here a Ctrl-C is ignored.
    Python stops handling signals early in its shutdown, so a SIGINT that came after the last line, while the
    interpreter tore down what the command loaded (~0.3 s after `recur suggest`'s last line), ended the process by
    the signal (exit -2) or, before that, as click's "Aborted!" (exit 1), whatever the command had done."""
    import signal

    if _PROCESS["own"] and signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _PROCESS["ignored"] = True


def main():
    import signal

    # `kill` (a CI timeout, systemd, a container stop) cleans up as Ctrl-C does: temp folders and
    # files removed, the previous index, site and model left in place. Without this, Python dies at
    # once and leaves `.recur/index.tmp-<pid>`, a site build folder or a `.<file>.tmp` in the KB.
    # `recur serve` installs its server's own handlers from its start-up line on (cli/serve._stop_on_signals).
    signal.signal(signal.SIGTERM, _interrupt)
    # a main() run before in this process (a test's) left SIGINT ignored (_settled) and maybe an interrupt noted:
    # this run handled no Ctrl-C and, noted, ended the process at its exit (found in review)
    _PROCESS["interrupted"] = False
    ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN and _PROCESS["ignored"]
    if ignored or signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when started ignoring it
        signal.signal(signal.SIGINT, _interrupt)  # Python's KeyboardInterrupt, the interrupt noted
    _PROCESS.update(own=True, ignored=False)
    _stderr_closed()  # first: fd 2 free, /dev/null for stdout's could take it
    _quiet_stderr_errors()
    _stdout_closed()
    try:
        cli(prog_name="recur")
    except StdoutClosed as exc:  # `recur --help >&-`, `recur --version >/dev/full`: the group's own, before a command
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except Interrupted:
        _leave(130)
    except SystemExit as done:
        if done.code == 1 and _StdoutFile.gone:  # click's own exit on EPIPE, for the group's output (`recur --help |
            raise SystemExit(0) from None  # head` that stopped): exit 0 as a command's (LazyGroup), not 1
        # a Ctrl-C the command handled itself (`recur incident new` keeps its record, exit 0): a KeyboardInterrupt
        # that passed through library code run by exec() (dataclasses, torch's export) made `python -m recur`
        # exit by SIGINT after the command's own exit (CPython notes it as unhandled and re-raises it at exit)
        if _PROCESS["interrupted"] and isinstance(done.code, int | None):
            _leave(done.code or 0)
        raise


def _leave(code: int) -> None:
    """End the process now, its output flushed, without Python's shutdown. An interrupt can land inside the
    model's native code (the ONNX export, ONNX Runtime, torch) and leave it half done; shutting the
    interpreter down around it then risked a crash after the clean exit was decided (`recur site`: SIGSEGV,
    exit -11, reported once in ~10 suite runs of tests/test_site_interrupt.py), as `recur serve` found
    (SIGABRT while its first index was built; its Ctrl-C ends here too).
    Nothing is lost: the clean-up ran as the KeyboardInterrupt rose (work folders and temp files removed,
    the previous index, site and model left in place) and every write is atomic; only the interpreter's own
    finalisation (atexit, module teardown) is skipped."""
    import os

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe (`recur ... | head`) has nothing to flush
            stream.flush()
    os._exit(code)
