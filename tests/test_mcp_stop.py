"""`recur mcp` (stdio) stops on SIGTERM and Ctrl-C while its client keeps stdin open.

Found in an operator's review: it printed "Interrupted." and hung, an AnyIO worker thread (not a daemon) blocked
in a read of stdin keeping the process, and exited 130 for SIGTERM too. It now ends by SIGTERM (143 in a shell,
as `recur serve` does) and exits 130 on Ctrl-C (docs/cli.md's exit status)."""

from __future__ import annotations

import ctypes
import json
import os
import queue
import signal
import subprocess
import sys
import threading

import pytest
from kbfactory import small_kb

HELLO = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}


def _recur_mcp(tmp_path) -> subprocess.Popen:
    """`recur mcp` over a small KB and the fake model, its stdin, stdout and stderr pipes held by the test."""
    kb = small_kb(tmp_path / "kb")
    cmd = [sys.executable, "-m", "recur", "mcp", "--kb", str(kb), "--index", str(tmp_path / "index")]
    return subprocess.Popen(
        [*cmd, "--model", "fake:64"],
        env=dict(os.environ),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # `pytest &` ignores SIGINT
    )


def _initialized(proc: subprocess.Popen, lines: queue.Queue) -> None:
    """The MCP handshake's first request answered: serving, stdin open and read from (stdin left open)."""
    proc.stdin.write(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": HELLO}).encode())
    proc.stdin.write(b"\n")
    proc.stdin.flush()
    assert json.loads(lines.get(timeout=120))["id"] == 1


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, -signal.SIGTERM), (signal.SIGINT, 130)])
def test_recur_mcp_stops_on_a_signal_with_stdin_still_open(tmp_path, sig, code):
    proc = _recur_mcp(tmp_path)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True).start()
    try:
        _initialized(proc, lines)
        proc.send_signal(sig)
        # a guard against the hang, not a timing: it ends by itself, with stdin still open
        rc = proc.wait(timeout=60)
        err = proc.stderr.read().decode()
        assert rc == code, err
        assert ("Interrupted." in err) is (sig == signal.SIGINT), err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdin.close()


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, -signal.SIGTERM), (signal.SIGINT, 130)])
def test_recur_mcp_stops_on_a_signal_another_thread_took(tmp_path, sig, code):
    """A signal that did not interrupt the idle main thread's wait still stops it. Python only notes a signal and
    runs its handler in the main thread, which an idle server has asleep in the event loop's epoll_wait, with no
    timeout; a signal that did not interrupt that wait (taken by another thread, which the kernel may pick for a
    signal sent to the process, or come just before the wait began) was never acted on and it ran on. Sent here to
    one of the server's other threads (tgkill), once it is idle: on the code before, it hung (both signals)."""
    tgkill = getattr(ctypes.CDLL(None, use_errno=True), "tgkill", None)
    if tgkill is None:
        pytest.skip("no tgkill in this C library (glibc 2.30 and later have it)")
    proc = _recur_mcp(tmp_path)
    lines: queue.Queue = queue.Queue()
    said: queue.Queue = queue.Queue()
    err: list[bytes] = []
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True).start()
    reader = threading.Thread(target=lambda: [(err.append(x), said.put(x)) for x in proc.stderr], daemon=True)
    reader.start()
    try:
        _initialized(proc, lines)
        while not said.get(timeout=120).startswith(b"Ready:"):  # loaded: nothing left for the main thread to do
            pass
        others = [int(t) for t in os.listdir(f"/proc/{proc.pid}/task") if int(t) != proc.pid]
        # to the first that is still there (a library's idle thread may have ended since the listing)
        assert any(tgkill(proc.pid, t, sig) == 0 for t in others), err
        # a guard against the hang, not a timing: it ends by itself, with stdin still open
        rc = proc.wait(timeout=60)
        reader.join(timeout=60)  # stderr to its end
        text = b"".join(err).decode()
        assert rc == code, text
        assert ("Interrupted." in text) is (sig == signal.SIGINT), text
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdin.close()
