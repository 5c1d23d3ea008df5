"""Count how often `recur mcp` (stdio) fails to exit when its client stops it.

    python bench/mcp_stop.py [--runs 30] [--how sigint|sigterm|close] [--when idle|early|call|after-call]
                             [--jitter 0.2] [--parallel 1] [--kb kb] [--index .recur/index] [--model MODEL]

Each run starts the real `recur mcp --kb KB --index INDEX`, makes the MCP handshake (initialize, then
notifications/initialized) and stops it --how: SIGINT (Ctrl-C), SIGTERM, or stdin closed. --when is the moment:
``early`` right after the handshake (the model may still be loading), ``idle`` once "Ready:" is on stderr,
``call`` right after a suggest_patterns call is sent (it is running), ``after-call`` once it is answered. A random
0..--jitter s pause comes before the stop. A run that has not exited 10 s later is a hang: every thread's Python
stack is written to its stderr (faulthandler on SIGUSR1, registered before recur's main runs) and it is killed;
--dump keeps the hung runs' stderr. --parallel runs that many at once (load).

Prints one line a run (exit code, seconds, last stderr line) and the counts: exited / hung, by exit code.
Exits 1 when any run hung.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "tools") + os.pathsep + os.environ.get("PYTHONPATH", "")}
HELLO = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}
LIMIT = 10.0
DUMP = "import faulthandler, signal; faulthandler.register(signal.SIGUSR1, all_threads=True)"


def _send(proc: subprocess.Popen, msg: dict) -> None:
    proc.stdin.write(json.dumps(msg).encode() + b"\n")
    proc.stdin.flush()


def _answer(lines: queue.Queue, ident: int, timeout: float = 120) -> dict:
    end = time.monotonic() + timeout
    while True:
        msg = json.loads(lines.get(timeout=max(0.1, end - time.monotonic())))
        if msg.get("id") == ident:
            return msg


def _start(args) -> subprocess.Popen:
    # faulthandler on SIGUSR1 (all threads' stacks to stderr) so a hung run can be looked into before it is killed
    code = f"{DUMP}; import sys; sys.argv[0] = 'recur'; from recur.cli.main import main; main()"
    cmd = [sys.executable, "-c", code, "mcp", "--kb", args.kb, "--index", args.index]
    if args.model:
        cmd += ["--model", args.model]
    return subprocess.Popen(
        cmd,
        env=ENV,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # a background job ignores SIGINT
    )


def one_run(args, n: int) -> dict:  # long: one client's whole session, step by step
    proc = _start(args)
    lines: queue.Queue = queue.Queue()
    said: queue.Queue = queue.Queue()
    err: list[bytes] = []
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True).start()
    reader = threading.Thread(target=lambda: [(err.append(x), said.put(x)) for x in proc.stderr], daemon=True)
    reader.start()
    try:
        _send(proc, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": HELLO})
        try:
            _answer(lines, 1)
        except queue.Empty:  # no answer to the handshake: a failure of its own, counted apart
            rc, took = "no-init", None
            proc.send_signal(signal.SIGUSR1)
            time.sleep(1)
            return _ended(proc, reader, err, n, rc, took)
        _send(proc, {"jsonrpc": "2.0", "method": "notifications/initialized"})
        if args.when in ("idle", "after-call"):
            while not said.get(timeout=120).startswith(b"Ready:"):
                pass
        if args.when in ("call", "after-call"):
            call = {"name": "suggest_patterns", "arguments": {"text": "disk full on the database host, writes fail"}}
            _send(proc, {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": call})
            if args.when == "after-call":
                _answer(lines, 2)
        time.sleep(random.uniform(0, args.jitter))
        t0 = time.monotonic()
        if args.how == "close":
            proc.stdin.close()
        else:
            proc.send_signal(signal.SIGINT if args.how == "sigint" else signal.SIGTERM)
        try:
            rc = proc.wait(timeout=LIMIT)
            took = time.monotonic() - t0
        except subprocess.TimeoutExpired:
            rc, took = "hung", None
            proc.send_signal(signal.SIGUSR1)  # the stacks, to stderr
            time.sleep(1)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if not proc.stdin.closed:
            proc.stdin.close()
    return _ended(proc, reader, err, n, rc, took)


def _ended(proc, reader, err, n, rc, took) -> dict:
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    reader.join(timeout=10)
    text = b"".join(err).decode(errors="replace")
    last = text.strip().splitlines()[-1] if text.strip() else ""
    return {"n": n, "rc": rc, "took": took, "last": last, "stderr": text}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--how", choices=["sigint", "sigterm", "close"], default="sigint")
    ap.add_argument("--when", choices=["idle", "early", "call", "after-call"], default="idle")
    ap.add_argument("--jitter", type=float, default=0.2)
    ap.add_argument("--parallel", type=int, default=1)
    ap.add_argument("--kb", default="kb")
    ap.add_argument("--index", default=".recur/index")
    ap.add_argument("--model", default=None)
    ap.add_argument("--dump", default=None, help="write the stderr of hung runs here")
    args = ap.parse_args()
    with ThreadPoolExecutor(args.parallel) as pool:
        results = list(pool.map(lambda n: one_run(args, n), range(1, args.runs + 1)))
    for r in results:
        took = f"{r['took']:.2f}s" if r["took"] is not None else "-"
        print(f"run {r['n']:3d}: rc={r['rc']!s:5s} {took:>7s}  {r['last'][:100]}")
    hung = [r for r in results if r["rc"] in ("hung", "no-init")]
    codes = collections.Counter(str(r["rc"]) for r in results)
    slowest = max((r["took"] for r in results if r["took"] is not None), default=0.0)
    print(
        f"{args.how} at {args.when}: {len(results)} runs, {len(results) - len(hung)} exited within {LIMIT:.0f} s, "
        f"{len(hung)} hung (no-init: no answer to initialize); exit codes {dict(codes)}; slowest exit {slowest:.2f} s"
    )
    if hung and args.dump:
        Path(args.dump).write_text("\n\n".join(f"== run {r['n']}\n{r['stderr']}" for r in hung))
    return 1 if hung else 0


if __name__ == "__main__":
    sys.exit(main())
