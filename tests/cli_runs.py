"""Many `recur ...` runs that end at their start (a usage error, a start-up check that fails) for the price of one
Python start: one process imports `recur` once, then forks a child for each run, which runs `python -m recur`'s
own entry point (recur.__main__.main) with that run's arguments, environment and folder, its stdout and stderr
files of its own, and exits with the status Python would have given it. Each run is still a process of its own
(its exit status, its signal state, its output as written to the file descriptors); only the import is shared."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

_DRIVER = r"""
import atexit, json, os, sys, tempfile, traceback
import importlib
import recur.__main__ as entry

for name in json.loads(sys.argv[1]):  # imported once, before the forks
    importlib.import_module(name)

results = []
with tempfile.TemporaryDirectory() as scratch:
    for n, case in enumerate(json.loads(sys.stdin.read())):
        out, err = os.path.join(scratch, f"{n}.out"), os.path.join(scratch, f"{n}.err")
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.chdir(case["cwd"])
                os.environ.clear()
                os.environ.update(case["env"])
                sys.argv = ["recur", *case["args"]]
                atexit._clear()  # the driver's own (its scratch folder's clean-up): the run registers its own
                null = os.open(os.devnull, os.O_RDONLY)
                os.dup2(null, 0)
                for fd, path in ((1, out), (2, err)):
                    os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), fd)
                try:
                    entry.main()
                    code = 0
                except SystemExit as done:  # as the interpreter turns it into an exit status
                    if done.code is None or isinstance(done.code, int):
                        code = done.code or 0
                    else:
                        print(done.code, file=sys.stderr)
                except BaseException:
                    traceback.print_exc()
                atexit._run_exitfuncs()
                for stream in (sys.stdout, sys.stderr):
                    stream.flush()
            finally:
                os._exit(code & 0xFF)
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        with open(out, errors="replace") as o, open(err, errors="replace") as e:
            results.append([code, o.read(), e.read()])
print(json.dumps(results))
"""


# what a run of `recur serve` imports before its start-up checks (the KB's loader, numpy, the index's module): not
# what any run here is about (a test of what is imported when runs its own process)
PRELOADED = ["recur.cli.main", "recur.kb.loader", "recur.retrieval.embed", "recur.retrieval.index"]


def recur_runs(cases: list[tuple], timeout: float = 300) -> list[subprocess.CompletedProcess]:
    """`python -m recur ARGS` for each of ``cases`` (args, env: None for this process's, cwd: None for this one's),
    each run to its end in a forked child of one process that imported `recur` (and PRELOADED) once; a
    CompletedProcess each (its args, returncode, stdout and stderr as text), in order. ``timeout`` bounds the whole
    batch (a guard against a hang, not a timing)."""
    tools = str(Path(__file__).resolve().parents[1] / "tools")
    given = []
    for args, env, cwd in cases:
        env = dict(os.environ if env is None else env)
        given.append({"args": [str(a) for a in args], "env": env, "cwd": str(cwd or Path.cwd())})
    r = subprocess.run(
        [sys.executable, "-c", _DRIVER, json.dumps(PRELOADED)],
        input=json.dumps(given),
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": tools},
    )
    assert r.returncode == 0, r.stderr
    return [
        subprocess.CompletedProcess(case["args"], code, out, err)
        for case, (code, out, err) in zip(given, json.loads(r.stdout), strict=True)
    ]
