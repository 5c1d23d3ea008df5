"""The ``recur`` program's entry point: the console script (pyproject.toml) and ``python -m recur``.

A Ctrl-C (or SIGTERM) in the first moments of any command, while Python imports the command line (click and
Recur's own modules, 0.1-0.2 s), printed a traceback and ended the process by the signal (exit -2 or -15),
recur.cli.main's handling not yet imported (found in a re-read). Here it is "Interrupted." and exit 130, as
anywhere else: this module imports nothing but the standard library's signal module before it is in place.
Only the interpreter's own start (some hundredths of a second) is left before it, as for any program.
"""

import os
import signal
import sys


def _interrupt(signum, frame):
    raise KeyboardInterrupt  # SIGTERM as Ctrl-C until recur.cli.main.main installs its own (_interrupt there)


def _interrupted() -> None:
    """Say it and end the process now (as recur.cli.main._leave: no interpreter shutdown around a half import)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is sys.stderr and stream is not None:
                stream.write("Interrupted.\n")
            if stream is not None:
                stream.flush()
        except Exception:  # noqa: S110 (a closed or full stream: the exit status still says it)
            pass
    os._exit(130)


def main():
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        from recur.cli.main import main as run
    except KeyboardInterrupt:
        _interrupted()
    try:
        return run()
    except KeyboardInterrupt:  # one in recur.cli.main.main before click runs (its streams set up)
        _interrupted()


if __name__ == "__main__":
    main()
