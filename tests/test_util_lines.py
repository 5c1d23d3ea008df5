"""stderr as whole lines when threads write at once (util/lines.py, and `recur serve`'s log, applog._Lines).

``print`` writes a line's text and its newline apart; another thread's line got in between them, in a CI run of
`recur mcp` ("Ready: 3 patterns, model ….warning: dropped …" then a lone newline)."""

from __future__ import annotations

import io
import json
import logging
import threading

from recur.serve import applog
from recur.util.lines import WholeLines


def _interleaved(stream) -> None:
    """One thread prints half its line, another thread prints a whole line, then the first ends its own:
    the order the CI run had, made certain by events."""
    half, other_done = threading.Event(), threading.Event()

    def ready():
        stream.write("Ready: 3 patterns")
        half.set()
        other_done.wait(60)
        stream.write("\n")

    def warn():
        half.wait(60)
        print("warning: dropped 'notifications/cancelled': malformed params", file=stream)
        other_done.set()

    threads = [threading.Thread(target=ready), threading.Thread(target=warn)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)


def test_a_threads_half_line_waits_for_its_own_newline():
    real = io.StringIO()
    _interleaved(WholeLines(real))
    assert real.getvalue().splitlines() == [
        "warning: dropped 'notifications/cancelled': malformed params",
        "Ready: 3 patterns",
    ]


def test_print_through_whole_lines_is_one_write_each(tmp_path):
    """A line reaches the real stream in one write, with its newline, and is flushed."""
    writes: list[str] = []

    class Real(io.StringIO):
        def write(self, text):
            writes.append(text)
            return super().write(text)

    stream = WholeLines(Real())
    print("one", file=stream)
    stream.write("two\r\nthree\nfour")
    assert writes == ["one\n", "two\n", "three\n"]  # "four" waits for its newline
    stream.write("\n")
    assert writes[-1] == "four\n"


def test_the_servers_log_keeps_each_threads_line_whole():
    """Under `recur serve` stderr's lines become log records: the line shared by all threads took the other
    thread's warning into the first's INFO record ("Ready: 3 patternswarning: …")."""
    real = io.StringIO()
    lines = applog._Lines(real)
    handler = logging.StreamHandler(real)
    handler.setFormatter(applog.JsonFormatter())
    log = logging.getLogger(applog.LOGGER)
    log.addHandler(handler)
    level = log.level
    log.setLevel(logging.INFO)
    try:
        _interleaved(lines)
    finally:
        log.removeHandler(handler)
        log.setLevel(level)
    said = [json.loads(line) for line in real.getvalue().splitlines()]
    assert [(o["level"], o["message"]) for o in said] == [
        ("WARNING", "dropped 'notifications/cancelled': malformed params"),
        ("INFO", "Ready: 3 patterns"),
    ]
