"""stderr as whole lines, for the long-running commands whose threads write to it at once (`recur serve`, `recur mcp`).

``print(text, file=sys.stderr)`` is two writes, the text and then its newline. Between them another thread's line
got in: `recur mcp` wrote "Ready: 3 patterns, model ….warning: dropped 'notifications/cancelled': malformed
params" and then a newline of its own (the engine's thread and the MCP SDK's warning, seen in CI). Here each
thread's text waits for its own newline, and a whole line is written in one call.
"""

from __future__ import annotations

import io
import threading


class WholeLines(io.TextIOBase):
    """A text stream that passes on whole lines only, each thread's apart: a thread's text without its newline
    yet waits for it (a thread's own, not a shared, partial line). ``emit`` passes a line on (without its
    newline); here it writes it, with its newline, to ``real`` in one call."""

    def __init__(self, real) -> None:
        super().__init__()
        self._real = real
        self._parts = threading.local()  # .text: this thread's line so far
        # reentrant: a signal handler runs on the main thread between two bytecodes, maybe inside this lock,
        # and writes a line; with a plain Lock that write waited for itself forever (found in review)
        self._lock = threading.RLock()

    @property
    def encoding(self) -> str:
        return getattr(self._real, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str:
        return getattr(self._real, "errors", None) or "backslashreplace"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._real.fileno()

    def flush(self) -> None:
        self._real.flush()

    def write(self, text: str) -> int:
        lines = (getattr(self._parts, "text", "") + text).split("\n")
        self._parts.text = lines.pop()
        for line in lines:
            self.emit(line.rstrip("\r"))
        return len(text)

    def emit(self, line: str) -> None:
        with self._lock:
            self._real.write(line + "\n")
            self._real.flush()
