"""`recur serve`'s log (serve/applog.py): every line on stderr with its time (UTC), level and logger, as text
or as one JSON object a line. Found in an operator's review: lines had no time and no consistent level
(``warning: …`` lowercase, uvicorn's ``WARNING:  …``, a reload that left a pattern out at no level at all),
so outside journald nobody could tell when a reload failed."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
from kbfactory import fake_model_flags
from procs import read_until
from serve_util import serve_args, wait_healthy
from test_serve_cli import RECUR, serve_process

TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"
TEXT = re.compile(rf"({TIME}) (INFO|WARNING|ERROR) ([\w.]+): (.+)")
# the access log keeps the Combined Log Format it documents, which has its own time
CLF = re.compile(r'\S+ - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000\] ".*" \d{3} \d+ ".*" ".*" (\d+ms|-) [!#-\[\]-~]+')
# a zone far from UTC (no tz database needed): a local time in the log would be hours off
ZONE = {"TZ": "IST-5:30"}


def _not_http(base: str) -> None:
    """A request uvicorn's parser cannot read: its own warning line (uvicorn.error)."""
    with socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1])), timeout=30) as s:
        s.sendall(b"GARBAGE\r\n\r\n")
        s.recv(65536)


def _rebuild_leaving_one_out(kb_dir, index, base: str) -> None:
    """A non-strict `recur index` over a KB with one pattern's YAML broken: the served index is rebuilt
    without it, and the server reloads it (2 patterns of 3)."""
    path = kb_dir / "patterns/capacity/disk-full.md"
    path.write_text(path.read_text().replace("severity: sev2", "severity: [sev2"))
    r = subprocess.run([*RECUR, "index", *fake_model_flags(kb_dir, index)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    deadline = time.monotonic() + 60  # waits for the watcher (every second); asserts nothing of the time
    while httpx.get(base + "/healthz").json().get("patterns") != 2:
        assert time.monotonic() < deadline, httpx.get(base + "/healthz").text
        time.sleep(0.1)


def _times_now(times: list[str], before: dt.datetime, after: dt.datetime) -> bool:
    """Whether each logged time is the UTC time of the run (to the second), not the host zone's."""
    read = [dt.datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc) for t in times]
    return all(before.replace(microsecond=0) <= t <= after for t in read)


def test_every_line_of_serve_has_its_time_level_and_logger(kb_dir, tmp_path):
    env = {**os.environ, **ZONE, "RECUR_WIDGETS": "1"}  # a misspelt variable: main()'s warning, before serve's
    before = dt.datetime.now(dt.timezone.utc)
    with serve_process(kb_dir, tmp_path, env=env, extra=["--access-log"]) as (base, result):
        wait_healthy(base)
        _not_http(base)
        _rebuild_leaving_one_out(kb_dir, tmp_path / "index", base)
    after = dt.datetime.now(dt.timezone.utc)
    lines = result["out"].splitlines()
    logged = [m.groups() for m in map(TEXT.fullmatch, lines) if m]
    assert len(logged) + sum(1 for line in lines if CLF.fullmatch(line)) == len(lines), result["out"]
    assert _times_now([when for when, *_ in logged], before, after), result["out"]
    said = [(level, logger, message) for _, level, logger, message in logged]
    for level, logger, start in [
        ("WARNING", "recur.serve", "RECUR_WIDGETS is set, but is not a Recur setting"),
        ("WARNING", "recur.serve", "no built site at "),
        ("INFO", "recur.serve", "Recur on http://127.0.0.1:"),
        ("INFO", "recur.serve", "Ready: 3 patterns, model "),
        # a pattern left out by a reload is a warning, not a plain line
        ("WARNING", "recur.serve", "Reloaded the index (2 patterns; 1 left out: patterns/capacity/disk-full.md, "),
        ("WARNING", "uvicorn.error", "a request that is not HTTP/1.1 (a TLS client on plain http, a scanner)"),
        ("INFO", "recur.serve", "stopping: SIGTERM received; "),
    ]:
        assert any(s == (level, logger, s[2]) and s[2].startswith(start) for s in said), (start, result["out"])
    assert any(re.fullmatch(r'127\.0\.0\.1 .*"GET /healthz HTTP/1\.1" 200 .*', line) for line in lines), lines
    assert result["returncode"] == -signal.SIGTERM


def _json_serve(kb_dir, tmp_path, env: dict):
    """`recur serve` on a free port, its lines read as JSON objects until the start-up line: (process, base
    URL, the objects read)."""
    args = serve_args(kb_dir, tmp_path, feedback=False)
    args += ["--feedback", str(tmp_path / "fb.jsonl"), "--access-log"]
    proc = subprocess.Popen(
        [*RECUR, "serve", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )

    def started(line: str):
        return re.match(r"Recur on (http://\S+?:\d+)/", json.loads(line)["message"])

    said: list = []
    url = read_until(proc.stdout, said, started, what="the start-up line").group(1)
    return proc, url, [json.loads(line) for line in said]


def test_log_format_json_one_object_a_line(kb_dir, tmp_path):
    env = {**os.environ, **ZONE, "RECUR_LOG_FORMAT": "json"}  # the flag's variable: --log-format json
    before = dt.datetime.now(dt.timezone.utc)
    proc, base, read = _json_serve(kb_dir, tmp_path, env)
    try:
        wait_healthy(base)
        answer = httpx.get(base + "/api/patterns/nope?token=secret", headers={"User-Agent": 'x"y'})
        _not_http(base)
        _rebuild_leaving_one_out(kb_dir, tmp_path / "index", base)
    finally:
        proc.terminate()
        rest, _ = proc.communicate(timeout=30)
    after = dt.datetime.now(dt.timezone.utc)
    read += [json.loads(line) for line in rest.splitlines()]  # every line one object, or this fails
    assert all(list(o)[:4] == ["time", "level", "logger", "message"] for o in read), read
    assert _times_now([o["time"] for o in read], before, after), read
    said = {(o["level"], o["logger"], o["message"].split(" (")[0]) for o in read}
    assert ("WARNING", "recur.serve", "Reloaded the index") in said, read
    assert ("WARNING", "uvicorn.error", "a request that is not HTTP/1.1") in said, read
    access = [o for o in read if o["logger"] == "recur.access" and o.get("path", "").startswith("/api/patterns")]
    assert len(access) == 1, read
    named = ("client", "method", "path", "protocol", "status", "user_agent", "referer", "request_id")
    fields = {k: access[0][k] for k in named}
    assert fields == {
        "client": "127.0.0.1",
        "method": "GET",
        "path": "/api/patterns/nope?token=REDACTED",
        "protocol": "HTTP/1.1",
        "status": 422,  # `token` is no parameter of the route: refused before the id is looked up (fix-apimend)
        "user_agent": 'x"y',
        "referer": None,
        "request_id": answer.headers["x-request-id"],  # the id the answer carried
    }, access
    assert access[0]["message"].startswith("127.0.0.1 - - [") and access[0]["size"] > 0, access
    assert "secret" not in json.dumps(read)


def test_the_environments_choices_are_taken_in_any_letter_case(kb_dir, tmp_path):
    """Found in an SRE's review: RECUR_LOG_FORMAT=JSON stopped the server ("Invalid value for '--log-format':
    'JSON' is not one of 'text', 'json'"), a restart loop under systemd. The two choices read from the
    environment, --log-format and --token-scope, take any letter case, as the value written in lower case."""
    env = {**os.environ, "RECUR_LOG_FORMAT": "JSON", "RECUR_TOKEN_SCOPE": "All", "RECUR_TOKEN": "t" * 20}
    proc, base, read = _json_serve(kb_dir, tmp_path, env)  # every line one JSON object, or this fails
    try:
        wait_healthy(base)
        assert httpx.post(base + "/api/suggest", json={"text": "ENOSPC"}).status_code == 401  # scope: all
    finally:
        proc.terminate()
        rest, _ = proc.communicate(timeout=30)
    assert all(json.loads(line)["level"] for line in rest.splitlines()), rest


def test_lines_written_in_pieces_a_python_warning_and_a_thread_s_traceback_are_one_record_each():
    """What reaches stderr other than through a logger: a line printed in two writes is one record, its
    level from its ``warning:``; a Python warning and a thread's uncaught exception (a line each of its
    traceback, printed by Python) are one record each, so JSON stays one object a line."""
    code = (
        "import sys, threading, warnings\n"
        "from recur.serve import applog\n"
        "applog.install('json')\n"
        "print('warning: half a', end='', file=sys.stderr)\n"
        "print(' line', file=sys.stderr)\n"
        "warnings.warn('an old setting', UserWarning)\n"
        "t = threading.Thread(target=lambda: 1 / 0, name='boom')\n"
        "t.start()\n"
        "t.join()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "tools")}
    r = subprocess.run([*RECUR[:1], "-c", code], capture_output=True, text=True, env=env, timeout=60)
    said = [json.loads(line) for line in r.stderr.splitlines()]
    assert [(o["level"], o["logger"]) for o in said] == [
        ("WARNING", "recur.serve"),
        ("WARNING", "py.warnings"),
        ("ERROR", "recur.serve"),
    ], r.stderr
    assert said[0]["message"] == "half a line" and "UserWarning: an old setting" in said[1]["message"], said
    assert said[2]["message"].startswith("uncaught in thread boom: ZeroDivisionError\nTraceback"), said
    assert said[2]["message"].rstrip().endswith("ZeroDivisionError: division by zero"), said


def _python(code: str) -> subprocess.CompletedProcess:
    """``code`` run by a Python of its own with Recur importable; the timeout only guards a hang."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "tools")}
    return subprocess.run([*RECUR[:1], "-c", code], capture_output=True, text=True, env=env, timeout=60)


def test_a_signal_handler_that_writes_while_a_line_is_being_written_does_not_hang():
    """A signal handler runs on the main thread between two bytecodes: SIGTERM's "stopping:" and SIGHUP's
    line arriving while the main thread was inside ``_Lines.write``'s lock waited for that lock forever
    (found in review). Here the lock is held, as that write holds it, when the handler writes."""
    code = (
        "import os, signal, sys\n"
        "from recur.serve import applog\n"
        "applog.install('json')\n"
        "signal.signal(signal.SIGHUP, lambda s, f: print('SIGHUP: checking the index', file=sys.stderr))\n"
        "with sys.stderr._lock:\n"
        "    os.kill(os.getpid(), signal.SIGHUP)\n"
        "    held = True  # the handler runs here, the lock held\n"
        "print('after the signal', file=sys.stderr)\n"
    )
    try:
        r = _python(code)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"the handler's write waited for the lock forever: {exc.stderr!r}") from None
    said = [json.loads(line) for line in r.stderr.splitlines()]
    assert [(o["level"], o["message"]) for o in said] == [
        ("INFO", "SIGHUP: checking the index"),
        ("INFO", "after the signal"),
    ], r.stderr
    assert r.returncode == 0, r.stderr


def test_an_exception_the_main_thread_did_not_catch_is_one_error_record():
    """Only threads' uncaught exceptions were one record: the main thread's traceback came out a record a
    line, every one INFO, so a JSON log showed no ERROR at all for the crash (found in review)."""
    code = (
        "import sys\n"
        "from recur.serve import applog\n"
        "applog.install('json')\n"
        "def f():\n"
        "    raise KeyError('boom')\n"
        "f()\n"
    )
    r = _python(code)
    said = [json.loads(line) for line in r.stderr.splitlines()]
    assert [(o["level"], o["logger"]) for o in said] == [("ERROR", "recur.serve")], r.stderr
    message = said[0]["message"]
    assert message.startswith("uncaught: KeyError\nTraceback (most recent call last):"), message
    assert "in f\n" in message and message.rstrip().endswith("KeyError: 'boom'"), message
    assert r.returncode == 1, r.stderr
