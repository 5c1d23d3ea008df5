"""Many `recur ...` runs that end at their start (a usage error, a start-up check that fails) for the price of one
Python start: one process imports `recur` once, then forks a child for each run, which runs `python -m recur`'s
own entry point (recur.__main__.main) with that run's arguments, environment and folder, its stdout and stderr
files of its own, and exits with the status Python would have given it. Each run is still a process of its own
(its exit status, its signal state, its output as written to the file descriptors); only the import is shared.
It ends as the interpreter ends a run (sys.excepthook, non-daemon threads waited for, the atexit hooks, death by
SIGINT for an uncaught Ctrl-C); what the interpreter reads only as it starts (PYTHON* and locale variables, what
the imports print) is the driver's, so a case setting those otherwise, or an import that prints, is refused."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

# how a forked run ends, as the interpreter ends a run (Py_RunMain, Py_FinalizeEx): the exit status of SystemExit, an
# uncaught exception through sys.excepthook (serve installs its own), a KeyboardInterrupt as death by SIGINT; then
# the non-daemon threads waited for, then the atexit hooks (those the imports registered too). serve_runs' too.
ENDS_AS_PYTHON = r"""
interrupted = False
try:
    entry.main()
    code = 0
except SystemExit as done:
    if done.code is None or isinstance(done.code, int):
        code = done.code or 0
    else:
        print(done.code, file=sys.stderr)
except BaseException:
    interrupted = sys.exc_info()[0] is KeyboardInterrupt
    sys.excepthook(*sys.exc_info())
threading._shutdown()
import atexit
atexit._run_exitfuncs()
for stream in (sys.stdout, sys.stderr):
    stream.flush()
if interrupted:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGINT)
"""

# the start of a driver (this module's and serve_runs'): `recur` and the batch's modules imported once, before the
# forks, and what the imports print refused
IMPORTED_ONCE = r"""
import importlib

scratch = tempfile.mkdtemp()  # no finalizer, no atexit hook of the driver's for the runs to inherit
kept = os.dup(1), os.dup(2)
for fd in (1, 2):  # what the imports print (a warning): each run would have printed it, but in its own place
    os.dup2(os.open(os.path.join(scratch, f"import.{fd}"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
import recur.__main__ as entry

for name in json.loads(sys.argv[1]):  # imported once, before the forks
    importlib.import_module(name)
sys.stdout.flush()
sys.stderr.flush()
for fd in (1, 2):  # both given back before either is read: the refusal below is said on stderr
    os.dup2(kept[fd - 1], fd)
for fd in (1, 2):
    with open(os.path.join(scratch, f"import.{fd}"), errors="replace") as said:
        if said.read():
            sys.exit(f"the imports wrote to fd {fd}, which no forked run would show: run these as processes")
"""

_DRIVER = (
    r"""
import json, os, shutil, signal, sys, tempfile, threading, time
"""
    + IMPORTED_ONCE
    + r"""
EACH = int(sys.argv[2])
results = []
for n, case in enumerate(json.loads(sys.stdin.read())):
    out, err = os.path.join(scratch, f"{n}.out"), os.path.join(scratch, f"{n}.err")
    pid = os.fork()
    if pid == 0:
        code = 1
        signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the driver's guard, not the run's
        try:
            os.chdir(case["cwd"])
            os.environ.clear()
            os.environ.update(case["env"])
            time.tzset()  # TZ and TMPDIR as the run's own start reads them, not as the driver's did
            tempfile.tempdir = None
            sys.argv = ["recur", *case["args"]]
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            for fd, path in ((1, out), (2, err)):
                os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
            {ENDS}
        finally:
            os._exit(code & 0xFF)
    if EACH:  # each run's own guard against a hang (one that serves): killed, it ends its case alone
        signal.signal(signal.SIGALRM, lambda signum, frame, pid=pid: os.kill(pid, signal.SIGKILL))
        signal.alarm(EACH)
    _, status = os.waitpid(pid, 0)
    signal.alarm(0)
    code = os.waitstatus_to_exitcode(status)
    with open(out, errors="replace") as o, open(err, errors="replace") as e:
        results.append([code, o.read(), e.read()])
shutil.rmtree(scratch)
print(json.dumps(results))
""".replace("            {ENDS}\n", textwrap.indent(ENDS_AS_PYTHON.lstrip("\n"), " " * 12))
)


# what a run of `recur serve` imports before its start-up checks (the KB's loader, numpy, the index's module): not
# what any run here is about (a test of what is imported when runs its own process)
PRELOADED = ["recur.cli.main", "recur.kb.loader", "recur.retrieval.embed", "recur.retrieval.index"]
# the variables the interpreter reads at its start (stream encodings, warnings filters, hash seed, locale)
_AT_START = re.compile(r"PYTHON|LANG$|LC_")


def recur_runs(cases: list[tuple], timeout: float = 300, each: int = 0) -> list[subprocess.CompletedProcess]:
    """`python -m recur ARGS` for each of ``cases`` (args, env: None for this process's, cwd: None for this one's),
    each run to its end in a forked child of one process that imported `recur` (and PRELOADED) once; a
    CompletedProcess each (its args, returncode, stdout and stderr as text), in order. ``timeout`` bounds the whole
    batch (a guard against a hang, not a timing); ``each`` (seconds, 0 for none) bounds each run: one still running
    then is killed (returncode -9) and the others run, where the batch's timeout failed them all and left it serving
    (found in a re-read: a batch of runs that should end at their start, one of which started a server)."""
    timeout = max(timeout, each * (len(cases) + 1))
    given, ran = run_driver(_DRIVER, PRELOADED, cases, timeout, [str(each)])
    return [
        subprocess.CompletedProcess(case["args"], code, out, err)
        for case, (code, out, err) in zip(given, ran, strict=True)
    ]


def run_driver(
    driver: str, preloaded: list[str], cases: list[tuple], timeout: float, more: tuple = ()
) -> tuple[list[dict], list]:
    """Run ``driver`` (this module's or serve_runs') once for all ``cases`` (args, env, cwd), ``more`` after its
    first argument: the cases as given to it, and what it printed (its JSON list, one entry a case)."""
    driver_env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "tools")}
    given = []
    for args, env, cwd in cases:
        env = dict(os.environ if env is None else env)
        # read by the interpreter as it starts (the driver's, once), not by a run: a run given another would differ
        started = {k for k in env.keys() | driver_env.keys() if _AT_START.match(k) and k != "PYTHONPATH"}
        if differ := sorted(k for k in started if env.get(k) != driver_env.get(k)):
            raise ValueError(f"{args}: {', '.join(differ)} set apart from this process's: run it as a process")
        given.append({"args": [str(a) for a in args], "env": env, "cwd": str(cwd or Path.cwd())})
    r = subprocess.run(
        [sys.executable, "-c", driver, json.dumps(preloaded), *more],
        input=json.dumps(given),
        capture_output=True,
        text=True,
        timeout=timeout,
        env=driver_env,
    )
    assert r.returncode == 0, r.stderr
    return given, json.loads(r.stdout)
