"""What `recur serve` needs before anything else is imported: a SIGHUP noted, not fatal, from the first line
of Recur's own code. ``recur.cli`` imports this module first (before click: 0.1-0.2 s).

`systemctl reload` (the documented unit's ExecReload, `kill -HUP`) right after a start ended the server at
once, exit 129 and no line in the log, until cli/serve.py installed its reload handler 1-2 s later, and
systemd's Restart=on-failure does not restart a process a signal ended (found in an operator's review).
Only the interpreter's own start (some 0.05 s) is left before this."""

import signal
import sys
from pathlib import Path

HUPS: list = []  # the SIGHUPs received before serve's own handler; cli/serve.py logs them (nothing to reload yet)


def _noted(signum, frame) -> None:
    HUPS.append(signum)


def _recur_runs() -> bool:
    """Whether this process is the `recur` program (its console script, or `python -m recur`, whose argv[0] is
    recur/__main__.py by now), not a program that imports recur.cli: a bot or a test run as `mybot.py serve`
    had its SIGHUP taken (noted, never acted on) by an import. Not moved to serve's start: that is after
    click's import, the window this closes."""
    program = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path()
    return program.stem == "recur" or program.parts[-2:] == ("recur", "__main__.py")


# `recur serve` and `python -m recur serve`: the command is the first argument (the group has no options but
# --help and --version). A handler, not SIG_IGN, which a child (the model's export) would inherit through exec.
if sys.argv[1:2] == ["serve"] and hasattr(signal, "SIGHUP") and _recur_runs():
    signal.signal(signal.SIGHUP, _noted)
