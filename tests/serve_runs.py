"""Many `recur serve` runs that are asked only what they print as they start (the start-up line, the warnings
before it), for the price of one Python start: cli_runs' way (one process imports `recur` and the web stack once,
then forks a child for each run, with that run's arguments, environment and folder), each run stopped by SIGTERM
once its start-up line is printed, as a service manager's stop or a test's `proc.terminate()` would. Its output
(stdout and stderr as one, as serve_process reads them) is read to its end and its exit status kept. Each run is
still a process of its own, its signal handlers its own (SIGHUP noted from its start, as cli/starting.py does);
only the imports are shared, so what a run imports, or the time its start takes, is no question for these."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from cli_runs import _AT_START, ENDS_AS_PYTHON, IMPORTED_ONCE, PRELOADED, run_driver
from procs import HANG

_IMPORTS = (
    r"""
import json, os, re, signal, sys, tempfile, threading, time
"""
    + IMPORTED_ONCE
    + r"""from recur.cli import starting  # (imported with recur.cli, among the batch's modules)


def run(case, w):
    # in a forked child: `python -m recur ARGS` in the case's folder and environment, stdout and stderr to w
    code = 1
    try:
        os.chdir(case["cwd"])
        os.environ.clear()
        os.environ.update(case["env"])
        time.tzset()
        tempfile.tempdir = None
        sys.argv = ["recur", *case["args"]]
        if sys.argv[1:2] == ["serve"] and starting._recur_runs():  # cli/starting.py's, as at a real start
            signal.signal(signal.SIGHUP, starting._noted)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.dup2(w, 1)
        os.dup2(w, 2)
        os.close(w)
        {ENDS}
    finally:
        os._exit(code & 0xFF)
""".replace("        {ENDS}\n", textwrap.indent(ENDS_AS_PYTHON.lstrip("\n"), " " * 8))  # cli_runs' ending
)

_DRIVER = (
    _IMPORTS
    + r"""
started = re.compile(r"\S+ INFO recur\.serve: Recur on http://")
results = []
for case in json.loads(sys.stdin.read()):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the driver's guard below, not the run's
        run(case, w)
    os.close(w)
    # each run's own guard against a hang, as serve_process's (procs.HANG): killed, it ends its case alone, where
    # the batch's timeout ended the driver and left the hung run serving
    signal.signal(signal.SIGALRM, lambda signum, frame, pid=pid: os.kill(pid, signal.SIGKILL))
    signal.alarm({HANG})
    said, stopped = [], False
    with open(r, errors="replace") as out:
        for line in out:
            said.append(line)
            if not stopped and started.match(line):
                os.kill(pid, signal.SIGTERM)  # on reading its start-up line
                stopped = len(said)
    _, status = os.waitpid(pid, 0)
    signal.alarm(0)
    results.append([os.waitstatus_to_exitcode(status), "".join(said), stopped])
print(json.dumps(results))
""".replace("{HANG}", str(HANG))
)

# what `recur serve` has imported by its start-up line (its command, the web stack, the server's modules), and no
# more: what it imports after (serve/preload.py's walk, the MCP SDK, faiss) each run imports as a process would,
# after its start-up line (sse-starlette, imported, patches uvicorn's stop: imported before the server is made, a
# run would stop otherwise than a process does)
SERVE_PRELOADED = [*PRELOADED, "recur.cli.serve", "uvicorn", "fastapi", "recur.serve.app", "recur.serve.server"]


def serve_start_lines(cases: list[tuple]) -> list[dict]:
    """`python -m recur ARGS` (a `recur serve`) for each of ``cases`` (args, env: None for this process's, cwd:
    None for this one's), forked from one process that imported `recur` and the web stack once, stopped by SIGTERM
    once it printed its start-up line. A dict each, in order: "out" (its whole output, stdout and stderr as one),
    "said" (its lines up to and with the start-up line: [] when it printed none), "returncode" (as Popen's: -15
    for the SIGTERM; -9 for a run killed after procs.HANG seconds, a guard against a hang, not a timing)."""
    _, ran = run_driver(_DRIVER, SERVE_PRELOADED, cases, HANG * (len(cases) + 1))
    return [
        {"out": out, "said": out.splitlines(keepends=True)[:stopped] if stopped else [], "returncode": code}
        for code, out, stopped in ran
    ]


_SERVER = (
    _IMPORTS
    + r"""
import socket

listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind(sys.argv[2])
listener.listen()
print("ready", flush=True)
while True:
    conn, _ = listener.accept()
    message, fds, _, _ = socket.recv_fds(conn, 1 << 20, 1)
    if not message:  # the tests are done
        break
    case, w = json.loads(message), fds[0]
    if os.fork() == 0:  # one between: it sends the run's pid, then its exit status, then reaps it
        listener.close()
        pid = os.fork()
        if pid == 0:
            conn.close()
            run(case, w)
        os.close(w)
        conn.sendall(b"%d\n" % pid)
        # its status once it has ended, the run not reaped (WNOWAIT) until the test's handle has read it and closed
        # the connection: until then its pid is a zombie's, so a test's signal to an ended run goes nowhere, as a
        # Popen's does, not to ESRCH or to another process given the pid (a reaped run's was, found in a re-read)
        ended = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
        conn.sendall(b"%d\n" % (ended.si_status if ended.si_code == os.CLD_EXITED else -ended.si_status))
        try:
            conn.recv(1)  # b"" once the handle closed it (or its test process ended)
        except OSError:
            pass
        os.waitpid(pid, 0)
        os._exit(0)
    conn.close()
    os.close(w)
    while True:  # the ones between that have ended
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                break
        except ChildProcessError:
            break
"""
)


class ForkedServe:
    """A `recur serve` forked from a ServeForks server: what serve_process's tests ask of its Popen (pid, stdout,
    send_signal, terminate, poll, wait, communicate, returncode)."""

    def __init__(self, conn, stdout):
        self._conn, self.stdout, self.returncode, self._got = conn, stdout, None, b""
        self.pid = int(self._line(None))

    def _line(self, timeout: float | None) -> bytes:
        """The next line the one between sent (its run's pid, then its exit status), within ``timeout``."""
        self._conn.settimeout(timeout)
        while b"\n" not in self._got:
            try:
                more = self._conn.recv(64)
            except (TimeoutError, BlockingIOError):  # BlockingIOError: a timeout of 0 (poll)
                raise subprocess.TimeoutExpired("recur serve (forked)", timeout) from None
            assert more, "the fork server's run ended without an exit status"
            self._got += more
        line, _, self._got = self._got.partition(b"\n")
        return line

    def send_signal(self, sig) -> None:
        if self.returncode is None:
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def poll(self):
        if self.returncode is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.wait(0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            self.returncode = int(self._line(timeout))
            self._conn.close()
        return self.returncode

    def communicate(self, timeout: float | None = None) -> tuple[str, None]:
        rest = self.stdout.read()  # to its end: the run's output closes as it exits
        self.stdout.close()
        self.wait(timeout)
        return rest, None


class ServeForks:
    """A process that imported `recur` and the web stack once (serve_runs' _DRIVER) and forks a `recur serve` for
    each ``serve`` (or ``start``) asked of it: serve_process for tests about what a server answers and says, not about its
    process's start (its imports, its signal state at exec: those keep serve_process)."""

    def __init__(self, folder: Path):
        import socket

        self._path = str(folder / "forks.sock")
        driver_env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "tools")}
        self._env = driver_env
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _SERVER, json.dumps(SERVE_PRELOADED), self._path],
            stdout=subprocess.PIPE,
            text=True,
            env=driver_env,
        )
        from procs import read_until

        read_until(self.proc.stdout, [], lambda line: line == "ready\n", what="the fork server's start")
        self._socket = socket

    def start(self, args: list, env=None, cwd=None) -> ForkedServe:
        """`python -m recur ARGS` (``env``: None for this process's; ``cwd``: None for this one's), forked: its
        Popen-like handle, its output (stdout and stderr as one) in its ``stdout``."""
        env = dict(os.environ if env is None else env)
        started = {k for k in env.keys() | self._env.keys() if _AT_START.match(k) and k != "PYTHONPATH"}
        if differ := sorted(k for k in started if env.get(k) != self._env.get(k)):
            raise ValueError(f"{args}: {', '.join(differ)} set apart from this process's: run it as a process")
        case = {"args": [str(a) for a in args], "env": env, "cwd": str(cwd or Path.cwd())}
        r, w = os.pipe()
        conn = self._socket.socket(self._socket.AF_UNIX, self._socket.SOCK_STREAM)
        conn.connect(self._path)
        self._socket.send_fds(conn, [json.dumps(case).encode()], [w])
        os.close(w)
        return ForkedServe(conn, open(r, errors="replace"))

    @contextlib.contextmanager
    def serve(self, kb_dir, tmp_path, env=None, extra=(), cwd=None, feedback=True):
        """test_serve_cli.serve_process's run (the same arguments, but no ``wrap``: a command line around it is
        a process of its own), forked: yields (base URL, {"proc", "said", then "out" and "returncode"})."""
        from serve_util import serve_args, served

        with served(self.start(["serve", *serve_args(kb_dir, tmp_path, feedback), *extra], env=env, cwd=cwd)) as got:
            yield got

    def close(self) -> None:
        conn = self._socket.socket(self._socket.AF_UNIX, self._socket.SOCK_STREAM)
        conn.connect(self._path)
        conn.sendall(b"")
        conn.close()
        self.proc.wait(timeout=60)
