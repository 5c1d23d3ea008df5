"""One function run in a child process, for native work a Ctrl-C must not land inside.

A SIGINT is handled by Python between bytecodes, so it raises KeyboardInterrupt in whatever Python code the
native library calls back into (torch's ONNX export traces the model's Python ``forward``; onnx and ONNX
Runtime's quantiser mix Python and C++). Unwinding through that half-done native state crashed `recur site`
now and then (SIGSEGV, exit -11, before its "Interrupted.": once in ~10 CI runs of
tests/test_site_interrupt.py). Run apart, the child ignores SIGINT and this process waits in plain Python: a
Ctrl-C (or a SIGTERM, which cli/main turns into one) raises here, the child is killed and waited for, and
the caller's clean-up runs as after any other step. A crash of the child's own is a clean error, not this
process's end.

The call and its result cross as JSON: ``target`` is ``"module:function"``, ``args`` JSON values, the result
a JSON value. RecurError, OSError, ImportError and MemoryError raised in the child are raised again here
with their message (the callers tell them apart); any other exception is a RecurError naming it.
"""

from __future__ import annotations

import json
import subprocess
import sys

from recur.util.errors import RecurError


class Crashed(RecurError):
    """The child ended without an answer (killed by a signal, the OOM killer's SIGKILL among them, or an exit of
    its own): a RecurError, which a caller with another way to do the work may catch apart (onnx_encoder: PyTorch)."""


# The child: SIGINT ignored first (the terminal sends Ctrl-C to the whole process group; this process decides),
# killed with its parent where Linux allows (a `kill -9` of `recur site` leaves no export running on). Its result
# goes on a pipe of its own (argv[3]); its stdout is this process's stderr (ours may carry JSON or MCP), so a print
# at start-up (a sitecustomize, a .pth hook) or a library's is shown, never read as the result, and os._exit
# (no interpreter shutdown: the native state it ran) flushes Python's own buffers first.
_CHILD = r"""
import json, os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
try:
    import ctypes
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
except Exception:
    pass
if os.getppid() != int(sys.argv[2]):  # the parent ended before prctl: nothing waits for this
    os._exit(1)
call = json.loads(sys.argv[1])
sys.path[:] = call["path"]
try:
    import importlib
    module, name = call["target"].split(":")
    out = {"ok": getattr(importlib.import_module(module), name)(*call["args"])}
except BaseException as exc:
    kinds = [k.__name__ for k in type(exc).__mro__]
    kind = next((k for k in ("RecurError", "OSError", "ImportError", "MemoryError") if k in kinds), "")
    out = {"error": {"kind": kind, "type": type(exc).__name__, "message": str(exc),
                     "errno": getattr(exc, "errno", None), "strerror": getattr(exc, "strerror", None),
                     "filename": getattr(exc, "filename", None)}}
for stream in (sys.stdout, sys.stderr):
    try:
        stream.flush()
    except Exception:
        pass
with os.fdopen(int(sys.argv[3]), "w") as result:
    result.write(json.dumps(out))
os._exit(0)
"""


def run(target: str, args: list, what: str):
    """``target(*args)`` in a child process (see the module's docstring); ``what`` names the work in errors."""
    import os

    if not sys.executable:  # an embedded interpreter: no Python to start
        raise RecurError(f"{what} cannot run: this Python has no interpreter to start (sys.executable is empty)")
    call = json.dumps({"target": target, "args": args, "path": sys.path})
    read, write = os.pipe()
    proc = None
    try:
        held = _Held()  # a Ctrl-C while the child starts is raised once ``proc`` names it, so that it is killed
        try:
            proc = subprocess.Popen(
                [sys.executable, "-c", _CHILD, call, str(os.getpid()), str(write)],
                stdin=subprocess.DEVNULL, stdout=2, pass_fds=(write,),
            )  # fmt: skip
        finally:
            held.release()
        os.close(write)
        write = None
        with os.fdopen(read, "rb") as answer:
            read = None
            out = answer.read()
        proc.wait()
    except BaseException:  # Ctrl-C or SIGTERM while it works: it stops with us, and is gone before the clean-up
        if proc is not None:
            proc.kill()
            proc.wait()
        raise
    finally:
        for fd in (read, write):
            if fd is not None:
                os.close(fd)
    return _result(proc.returncode, out, what)


class _Held:
    """SIGINT and SIGTERM held while a child starts: their Python handlers (KeyboardInterrupt's, cli/main's
    SIGTERM one) swapped for one that notes the signal, and run by ``release`` once they are back. One that ran
    inside ``subprocess.Popen``, after the fork and before it returned (it waits for the exec), raised there: the
    child ran on, ``proc`` never set for the clean-up to kill it. Off the main thread nothing is swapped: no
    handler runs there (Python runs them on the main thread), and ``signal.signal`` may not be called."""

    def __init__(self):
        import signal

        self.caught: list = []
        self.kept: dict = {}
        try:
            for number in (signal.SIGINT, signal.SIGTERM):
                handler = signal.getsignal(number)
                if not callable(handler):  # SIG_DFL, SIG_IGN and None (set outside Python): no Python code to defer
                    continue
                self.kept[number] = handler  # before the swap: an exception right after it still finds it here
                try:
                    signal.signal(number, self._note)
                except ValueError:  # not the main thread
                    del self.kept[number]
                    break
        except BaseException:  # SIGTERM's own handler raised (its signal came once SIGINT's was swapped)
            self._restore()
            raise

    def _note(self, number, frame) -> None:
        self.caught.append((number, frame))

    def release(self) -> None:
        """The handlers back, then each signal noted meanwhile handed to its own (KeyboardInterrupt raised)."""
        self._restore()
        for number, frame in self.caught:
            self.kept[number](number, frame)

    def _restore(self) -> None:
        """Every handler swapped put back, even when one put back first raises on the way (a Ctrl-C once its own is
        back, before SIGTERM's): that left the other swapped for good, its signal noted by no one (found in review).
        ``signal.signal`` runs the handlers of signals pending before it swaps, so one that raised swapped nothing:
        tried again. The first exception is raised once all are back. Two handlers cannot be swapped in one step
        in Python: a signal at the few bytecodes outside the ``try`` is still raised there."""
        import signal

        raised = None
        for number, handler in self.kept.items():
            while signal.getsignal(number) is not handler:
                try:
                    signal.signal(number, handler)
                except BaseException as exc:  # a handler put back ran, and raised
                    raised = raised or exc
        if raised is not None:
            raise raised


def _result(code: int, out: bytes, what: str):
    try:
        got = json.loads(out) if code == 0 else None
    except ValueError:
        got = None
    if not isinstance(got, dict) or not ({"ok", "error"} & set(got)):
        if code == 0:
            raise Crashed(f"{what} ended, but its answer could not be read; nothing of it was kept")
        why = f"killed by {_signal_name(-code)}" if code < 0 else f"exit code {code}"
        raise Crashed(f"{what} stopped ({why}) before it finished; nothing of it was kept")
    if "ok" in got:
        return got["ok"]
    err = got["error"]
    if err["kind"] == "OSError" and err["errno"] is not None:  # errno, the OS's reason, the file: as raised there
        raise OSError(err["errno"], err["strerror"] or err["message"], err["filename"])
    if err["kind"] == "OSError":
        raise OSError(err["message"])
    if err["kind"] in ("ImportError", "MemoryError"):
        raise {"ImportError": ImportError, "MemoryError": MemoryError}[err["kind"]](err["message"])
    if err["kind"] == "RecurError":
        raise RecurError(err["message"])
    raise RecurError(f"{what} failed: {err['type']}: {err['message']}")


def _signal_name(number: int) -> str:
    import signal

    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
