"""serve_runs' forked `recur serve` runs (serve_start_lines, ServeForks) against the real thing, a `python -m recur
serve` process (test_serve_cli.serve_process): the same lines up to the start-up line, the same stop by SIGTERM."""

from __future__ import annotations

import os
import re
import signal

import httpx
from kbfactory import fake_model_flags, small_kb
from serve_runs import ServeForks, serve_start_lines
from serve_util import untimed, wait_healthy
from test_serve_cli import serve_process


def _started(lines: list[str]) -> list[str]:
    """The lines up to and with the start-up line, without their times or the port."""
    upto = next(n for n, line in enumerate(lines) if "INFO recur.serve: Recur on http://" in line)
    return [re.sub(r":\d+/", ":PORT/", line) for line in untimed("".join(lines[: upto + 1]))]


def test_forked_serve_runs_start_and_stop_as_a_process_does(tmp_path):
    kb = small_kb(tmp_path / "kb")
    env = {"RECUR_SLACK_SIGNING_SECRET": "slack-signing-secret-0123456789"}
    extra = ["--host", "0.0.0.0"]  # a warning before the start-up line
    env = {**os.environ, **env}
    with serve_process(kb, tmp_path, env=env, extra=extra) as (base, real):
        wait_healthy(base)
    forks = ServeForks(tmp_path)
    try:
        with forks.serve(kb, tmp_path, env=env, extra=extra) as (base, forked):
            assert wait_healthy(base)["patterns"] == 3
            assert httpx.post(base + "/api/suggest", json={"text": "ENOSPC", "top": 1}).status_code == 200
            assert forked["proc"].poll() is None
    finally:
        forks.close()
    args = ["serve", *fake_model_flags(kb, tmp_path / "index"), "--site", str(tmp_path / "no-site"), "--port", "0"]
    args += ["--feedback", str(tmp_path / "fb.jsonl"), *extra]
    (batch,) = serve_start_lines([(args, env, None)])
    assert _started(forked["said"]) == _started(real["out"].splitlines(keepends=True)), forked["out"]
    assert _started(batch["said"]) == _started(real["out"].splitlines(keepends=True)), batch["out"]
    for run in (real, forked, batch):
        assert run["returncode"] == real["returncode"] == -15, run
        assert "stopping: SIGTERM received" in run["out"] and "Traceback" not in run["out"], run["out"]


def test_a_forked_run_that_has_ended_unwaited_for_takes_a_signal_as_a_popen_does(tmp_path):
    """A signal to a run that has ended but whose status the test has not read yet goes nowhere, as Popen's
    does (the process is a zombie until waited for): the one between reaped it first, so serve_process's
    ``terminate`` at a block's end raised ProcessLookupError over the test's own failure when the server had
    stopped by itself (seen breaking --shutdown-grace), and could have signalled another process given its pid."""
    import select

    forks = ServeForks(tmp_path)
    try:
        run = forks.start(["serve", "--port", "not-a-port"])  # a usage error: it ends at once
        out = run.stdout.read()  # to its end: it has exited
        assert select.select([run._conn], [], [], 60)[0], out  # its status sent: the one between knows it ended
        run.terminate()
        run.send_signal(signal.SIGINT)
        rest, _ = run.communicate(timeout=30)
        assert run.returncode == 2 and "not-a-port" in out + rest, out + rest
        run.terminate()  # waited for: nothing is sent
    finally:
        forks.close()
