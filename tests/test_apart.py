"""util/apart.py: native work run in a child process, so that a Ctrl-C never lands inside it (`recur site`'s
browser export crashed with SIGSEGV, exit -11, when one did: once in ~10 CI runs of test_site_interrupt)."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from recur.util import apart
from recur.util.errors import RecurError

TOOLS = str(Path(__file__).resolve().parents[1] / "tools")


def test_a_result_and_the_errors_a_caller_tells_apart_cross_from_the_child(tmp_path, capfd, monkeypatch):
    monkeypatch.delenv("PYTHONUNBUFFERED", raising=False)  # the child's prints are flushed without it (re-read)
    assert apart.run("os.path:join", ["a", "b"], what="a join") == os.path.join("a", "b")
    with pytest.raises(OSError) as raised:  # errno, reason and file as the child's OS said them
        apart.run("os:listdir", [str(tmp_path / "nothing")], what="a listing")
    assert raised.value.errno == errno.ENOENT and raised.value.filename == str(tmp_path / "nothing")
    assert raised.value.strerror == os.strerror(errno.ENOENT)
    with pytest.raises(ImportError, match="no_such_module"):
        apart.run("no_such_module:f", [], what="an import")
    with pytest.raises(RecurError, match=r"^a parse failed: ValueError: invalid literal"):
        apart.run("builtins:int", ["x"], what="a parse")
    # what the child prints goes to stderr: the caller's stdout may carry JSON or the MCP protocol
    assert apart.run("builtins:print", ["said by the child"], what="a print") is None
    out, err = capfd.readouterr()
    assert "said by the child" not in out and "said by the child" in err


def test_a_print_at_the_childs_start_up_is_shown_not_read_as_its_result(tmp_path, capfd, monkeypatch):
    """A sitecustomize (or .pth hook) that prints at start-up wrote into the pipe the result came back on: a finished
    export read as "stopped (exit code 0)" and `recur site` left browser search out (found by a re-read)."""
    (tmp_path / "sitecustomize.py").write_text("print('site hook says hello')\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), TOOLS]))
    assert apart.run("os.path:join", ["a", "b"], what="a join") == os.path.join("a", "b")
    out, err = capfd.readouterr()
    assert "site hook says hello" in err and "site hook says hello" not in out


def test_no_interpreter_to_start_is_a_clean_error(monkeypatch):
    monkeypatch.setattr(sys, "executable", "")
    with pytest.raises(RecurError, match="the export cannot run: .*sys.executable is empty"):
        apart.run("os.path:join", ["a"], what="the export")


def test_a_child_that_crashes_is_a_clean_error_not_the_callers_end():
    with pytest.raises(RecurError, match=r"^the export stopped \(killed by SIGABRT\) before it finished"):
        apart.run("os:abort", [], what="the export")


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_the_child_starts_still_kills_it(monkeypatch, number):
    """A Ctrl-C (or SIGTERM, turned into one as cli/main does) landing after the child was forked and before
    ``subprocess.Popen`` returned raised inside it: ``proc`` was never set, and the child ran on (found in review).
    The signal is sent from inside Popen, once the child exists, so it lands in that window every time: no timing."""
    started = []
    real = subprocess.Popen

    def popen(*args, **kwargs):
        child = real(*args, **kwargs)
        started.append(child)
        signal.raise_signal(number)  # its handler runs before this returns (raise_signal checks signals)
        return child

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    monkeypatch.setattr(subprocess, "Popen", popen)
    before = signal.signal(signal.SIGTERM, interrupt)
    try:
        with pytest.raises(KeyboardInterrupt):
            apart.run("time:sleep", [600], what="a long sleep")
        (child,) = started
        gone = child.poll()
        if gone is None:  # the bug: kill it here, not leave it to the test run
            child.kill()
            child.wait()
        assert gone == -signal.SIGKILL, "the child ran on after the interrupt"
    finally:
        signal.signal(signal.SIGTERM, before)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the handlers put back


@pytest.mark.parametrize("when", ["while swapping", "while putting back"])
def test_a_signal_while_the_handlers_are_swapped_leaves_them_all_put_back(monkeypatch, when):
    """SIGINT and SIGTERM are swapped one after the other, and put back so: a signal whose own handler is in place
    while the other is not (SIGTERM's raising once SIGINT's is swapped, or Ctrl-C's once it is put back before
    SIGTERM's) raised there and left the other one's swapped for good, a Ctrl-C then noted by no one (found in
    review). Sent from inside ``signal.signal``, right after the swap it makes: no timing."""
    started = []
    real_popen, real_signal = subprocess.Popen, signal.signal

    def popen(*args, **kwargs):
        started.append(real_popen(*args, **kwargs))
        return started[-1]

    def swap(number, handler):
        before = real_signal(number, handler)
        if number == signal.SIGINT and when == "while swapping" and handler is not signal.default_int_handler:
            signal.raise_signal(signal.SIGTERM)  # SIGTERM's own handler still in place: it raises
        if number == signal.SIGINT and when == "while putting back" and handler is signal.default_int_handler:
            signal.raise_signal(signal.SIGINT)  # Ctrl-C's handler just put back, SIGTERM's not yet
        return before

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    monkeypatch.setattr(subprocess, "Popen", popen)
    before = real_signal(signal.SIGTERM, interrupt)
    try:
        monkeypatch.setattr(signal, "signal", swap)
        with pytest.raises(KeyboardInterrupt):
            apart.run("time:sleep", [600], what="a long sleep")
        monkeypatch.setattr(signal, "signal", real_signal)
        kept = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
        for child in started:
            if child.poll() is None:  # not the point here, but never left to the test run
                child.kill()
            assert child.wait() == -signal.SIGKILL, "the child ran on after the interrupt"
    finally:
        real_signal(signal.SIGTERM, before)
        real_signal(signal.SIGINT, signal.default_int_handler)
    assert kept == (signal.default_int_handler, interrupt), "a handler left swapped"


def test_ctrl_c_to_the_process_group_stops_the_caller_and_its_child_is_gone_first(tmp_path):
    """A terminal's Ctrl-C reaches every process of its group: the child ignores it, the caller raises
    KeyboardInterrupt where it waits, kills the child and waits for it, then its own clean-up runs."""
    # the pid written whole, then named: a marker seen between its creation and its write could be read empty
    slow = (
        "import os, time\ndef work(marker):\n    open(marker + '.tmp', 'w').write(str(os.getpid()))\n"
        "    os.replace(marker + '.tmp', marker)\n    time.sleep(600)\n"
    )
    (tmp_path / "slow.py").write_text(slow)
    marker = tmp_path / "child.pid"
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(tmp_path)!r})
        from recur.util import apart
        try:
            apart.run("slow:work", [{str(marker)!r}], what="slow work")
        except KeyboardInterrupt:
            child = int(open({str(marker)!r}).read())
            print("interrupted; child alive:", os.path.exists(f"/proc/{{child}}"), flush=True)
    """)
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        env=dict(os.environ, PYTHONPATH=TOOLS),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own group, as a terminal's command is
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # a background job's ignore undone
    )
    while proc.poll() is None and not marker.exists():
        time.sleep(0.02)  # polled, not timed
    assert proc.poll() is None, proc.communicate()
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert out.strip() == b"interrupted; child alive: False", (out, err)
