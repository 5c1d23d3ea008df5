"""Ending the process by a signal, as a service manager or a shell expects of `kill` (exit status 128+N)."""

from __future__ import annotations

import os
import signal
from typing import NoReturn


def end_by(signum: int) -> NoReturn:
    """End the process by ``signum``'s default action (SIGTERM: 143 in a shell), what it prints flushed first by
    the caller. As PID 1 of its PID namespace (a container started without an init: `docker run` without
    `--init`, Kubernetes, `unshare -pf`) the kernel drops a signal whose action is the default, the process's
    own included: `recur serve` and `recur mcp` then went on and exited 0 on SIGTERM (found in a re-read). The
    process exits 128+N itself there, what the container runtime reports for a process the signal ended."""
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)  # a fatal signal ends every thread before this call returns; dropped as PID 1
    os._exit(128 + signum)
