"""cli_runs.recur_runs, the forked stand-in for `python -m recur` runs that end at their start (test_serve_cli),
against the real thing: the same exit status, stdout and stderr for the kinds of run it stands in for."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runs import recur_runs
from kbfactory import fake_model_flags, small_kb
from serve_util import untimed


def test_forked_runs_end_as_python_m_recur_runs_do(tmp_path):
    kb = small_kb(tmp_path / "kb")
    serve = ["serve", *fake_model_flags(kb, tmp_path / "i"), "--port", "0"]
    cases = [
        (["--version"], None, None),  # exit 0, stdout
        ([*serve, "--site-url", "notaurl"], None, tmp_path),  # a usage error: exit 2
        (serve, {**os.environ, "RECUR_TOKEN": " "}, None),  # serve's start-up check, its log's line: exit 1
        (serve, {**os.environ, "FORWARDED_ALLOW_IPS": "10.0.0.*"}, None),
    ]
    tools = str(Path(__file__).resolve().parents[1] / "tools")
    for (args, env, cwd), forked in zip(cases, recur_runs(cases), strict=True):
        env = {**(os.environ if env is None else env), "PYTHONPATH": tools}
        real = subprocess.run(
            [sys.executable, "-m", "recur", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
        )
        assert (forked.returncode, forked.stdout) == (real.returncode, real.stdout), (args, forked, real)
        assert untimed(forked.stderr) == untimed(real.stderr), args


def test_a_run_whose_interpreter_would_start_otherwise_is_refused():
    """PYTHON* and locale variables are read by the interpreter as it starts: the driver's, not a forked run's."""
    with pytest.raises(ValueError, match="PYTHONWARNINGS set apart"):
        recur_runs([(["--version"], {**os.environ, "PYTHONWARNINGS": "error"}, None)])


def test_a_batch_whose_imports_print_is_refused_saying_so():
    """An import that prints (the standard library's ``this``) would print in no forked run: the driver refuses the
    batch, and says why on stderr. Found in a review: the refusal was written while stderr still went to the
    imports' scratch file, so the batch failed with no word."""
    import cli_runs

    with pytest.raises(AssertionError, match="the imports wrote to fd 1, which no forked run would show"):
        cli_runs.run_driver(cli_runs._DRIVER, [*cli_runs.PRELOADED, "this"], [(["--help"], None, None)], 120, ["0"])
