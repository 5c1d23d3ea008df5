"""A Ctrl-C (or SIGTERM) in the first moments of a `recur` command, before the command runs: while Python
imports the command line, a traceback and the process ended by the signal (exit -2, -15); while click read
the arguments (`recur --help` importing every command's module), click's "Aborted!" and exit 1, which for
`recur serve` reads as a failed start (found in a re-read). Each is "Interrupted." and exit 130 now.

The signal lands at a fixed point, not after a guessed delay: a sitecustomize.py on PYTHONPATH blocks the
import of a chosen module on a named pipe the test holds, says so on another, and the signal is sent then."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLS = str(ROOT / "tools")

BLOCKER = """\
import os, sys

class _BlockOnce:
    def find_spec(self, name, path=None, target=None):
        if name == os.environ["RECUR_TEST_BLOCK_AT"]:
            sys.meta_path.remove(self)
            with open(os.environ["RECUR_TEST_BLOCKED"], "w") as said:
                said.write("x")
            with open(os.environ["RECUR_TEST_GO"]) as go:  # no writer ever: the signal ends the wait
                go.read()
        return None

sys.meta_path.insert(0, _BlockOnce())
"""


def _console_script(tmp_path: Path) -> Path:
    """The program pip writes for pyproject.toml's `recur` entry point (as .venv/bin/recur reads)."""
    pyproject = (ROOT / "pyproject.toml").read_text()  # tomllib is 3.11's, and Recur runs on 3.10
    target = re.search(r'^\[project\.scripts\]\nrecur = "([\w.:]+)"$', pyproject, re.M)[1]
    module, func = target.split(":")
    script = tmp_path / "bin" / "recur"
    script.parent.mkdir()
    script.write_text(
        f"import sys\nfrom {module} import {func}\nif __name__ == '__main__':\n"
        f"    sys.argv[0] = sys.argv[0].removesuffix('.exe')\n    sys.exit({func}())\n"
    )
    return script


def _signalled_at(tmp_path: Path, command: list[str], module: str, signum: int) -> tuple[int, str]:
    """Run ``command`` with the import of ``module`` held, send ``signum`` while it is held; exit code, stderr."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(BLOCKER)
    blocked, go = tmp_path / "blocked", tmp_path / "go"
    os.mkfifo(blocked)
    os.mkfifo(go)
    env = dict(os.environ, PYTHONPATH=f"{hook}{os.pathsep}{TOOLS}", RECUR_TEST_BLOCK_AT=module)
    env.update(RECUR_TEST_BLOCKED=str(blocked), RECUR_TEST_GO=str(go))
    said = os.open(blocked, os.O_RDWR)  # open at once (Linux), its writer not waited for
    proc = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # `pytest &` ignores SIGINT
    )
    try:
        while not select.select([said], [], [], 1)[0]:  # until the import is held (or the process ended)
            assert proc.poll() is None, proc.communicate()
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=120)  # a safety net for a process that would wait on forever
    finally:
        os.close(said)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, err


def _assert_interrupted(code: int, err: str) -> None:
    assert (code, "Traceback" not in err, "Aborted!" not in err) == (130, True, True), err
    assert err.strip().splitlines()[-1] == "Interrupted.", err


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_stop_signal_while_the_command_line_is_imported_exits_130(tmp_path, signum):
    """Held in click's import (recur.cli.main's first lines): on the code before, a traceback and exit -2
    (Ctrl-C), or no word and exit -15 (SIGTERM, Python's default before recur.cli.main.main ran)."""
    script = _console_script(tmp_path)
    _assert_interrupted(*_signalled_at(tmp_path, [sys.executable, str(script), "check"], "click", signum))


def test_ctrl_c_while_python_m_recur_imports_the_command_line_exits_130(tmp_path):
    command = [sys.executable, "-m", "recur", "serve"]
    _assert_interrupted(*_signalled_at(tmp_path, command, "click", signal.SIGINT))


def test_ctrl_c_while_help_lists_the_commands_exits_130(tmp_path):
    """`recur --help` imports each command's module while click reads the arguments: "Aborted!", exit 1."""
    script = _console_script(tmp_path)
    command = [sys.executable, str(script), "--help"]
    _assert_interrupted(*_signalled_at(tmp_path, command, "recur.cli.core", signal.SIGINT))


def test_ctrl_c_before_the_commands_own_handling_exits_130(tmp_path):
    """The first import of the group's run (recur.cli.logs), before its handling of a Ctrl-C: "Aborted!", exit 1."""
    script = _console_script(tmp_path)
    command = [sys.executable, str(script), "serve", "--kb", "nowhere"]
    _assert_interrupted(*_signalled_at(tmp_path, command, "recur.cli.logs", signal.SIGINT))
