"""GET /api/report on a busy board, as a problem manager's dashboards ask it: a live `recur serve` (fake:64 index),
its first request (the KB read), the same request again, ten at once, and /healthz and /api/suggest asked every
20 ms meanwhile (how long the board keeps the rest of the server waiting).

    python bench/report_api.py [--patterns 1000] [--incidents 2000] [--tools DIR] [--kb DIR]

The KB: bench/synth_kb.py's patterns, every fifth with a permanent fix (open, in progress or done, owners with
unicode names among them), and ``--incidents`` records over the last 400 days with reviews, follow-ups, flags and
one in ten with no known pattern, so every list of the board has rows. ``--tools``: the ``tools`` folder of the
checkout to serve (another worktree's, to compare before and after a change), default this one's.

Measured 2026-12-07, 2 cores shared with other work (load average 8), 1,000 patterns and 2,000 incidents (a 1.09 MB
board), same KB, each twice; the first request reads the KB either way (2.4 to 3.5 s under that load):
    before (each request made the board):  again median 423 ms; ten at once 1.75-2.54 s wall, meanwhile /healthz
                                           max 791-1232 ms, /api/suggest max 1376-2249 ms
    after (served_kb.Boards keeps it):     again median 18 ms; ten at once 0.33-0.54 s wall, meanwhile /healthz
                                           max 64-239 ms, /api/suggest max 134-257 ms
An idle machine, before: again 70-180 ms, ten at once /healthz max 0.7 s; after: again 3-10 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from synth_kb import generate  # noqa: E402

TODAY = dt.date(2026, 12, 7)
OWNERS = ["alice", "bob", "team-payments", '"@dan"', "Zoë Ångström", "李雷"]


def busy_kb(out: Path, patterns: int, incidents: int, seed: int = 3) -> Path:
    """synth_kb's patterns with fixes, and incidents with everything a board lists."""
    generate(out, patterns)
    rng = random.Random(seed)
    files = sorted(out.glob("patterns/*/*.md"))
    for n, path in enumerate(files[::5]):
        status = ("open", "in-progress", "done")[n % 3]
        due = TODAY + dt.timedelta(days=rng.randint(-90, 90))
        done = f"  done: {due - dt.timedelta(days=200)}\n" if status == "done" else ""
        fix = f"fix:\n  status: {status}\n  owner: {rng.choice(OWNERS)}\n  due: {due}\n{done}  tickets: [PRB-{n}]\n"
        path.write_text(path.read_text().replace("\n", "\n" + fix, 1))
    ids = [p.stem for p in files[:300]]
    for n in range(incidents):
        day = TODAY - dt.timedelta(days=rng.randint(0, 400))
        owner = rng.choice([*OWNERS, None])
        review = f"review: {{level: full, owner: {owner}, due: {day + dt.timedelta(days=10)}}}\n" if owner else ""
        follow_ups = "".join(
            f"  - {{title: Fix {k}, owner: {rng.choice(OWNERS)}, due: {day + dt.timedelta(days=rng.randint(5, 200))}, "
            f"ticket: OPS-{n}-{k}}}\n"
            for k in range(n % 3)
        )
        text = (
            f"---\nid: INC-{day.year}-{n + 1:05d}\ntitle: Incident {n}\ndate: {day}\nseverity: sev{1 + n % 4}\n"
            f"patterns: [{'' if n % 10 == 0 else rng.choice(ids)}]\nservices: [svc-{n % 20}]\n{review}"
            + (f"follow_ups:\n{follow_ups}" if follow_ups else "")
            + ("flags: [check the pool]\n" if n % 17 == 0 else "")
            + f"---\n\n## Summary\nSomething broke ({n}).\n"
        )
        path = out / f"incidents/{day.year}/INC-{day.year}-{n + 1:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return out


def probe(base: str, path: str, stop: threading.Event, out: list, body: dict | None = None) -> None:
    with httpx.Client(timeout=120) as client:
        while not stop.is_set():
            start = time.perf_counter()
            client.request("POST" if body else "GET", base + path, json=body)
            out.append(time.perf_counter() - start)
            time.sleep(0.02)


def ten_at_once(client: httpx.Client, base: str, query: str) -> dict:
    """Wall seconds of ten parallel requests, and the probes' latencies meanwhile (one client, made before: httpx.get
    makes one per call, its TLS context among it, 30 to 150 ms of this process's CPU each)."""
    stop, healthz, suggest = threading.Event(), [], []
    probes = [
        threading.Thread(target=probe, args=(base, "/healthz", stop, healthz)),
        threading.Thread(target=probe, args=(base, "/api/suggest", stop, suggest, {"text": "postgres pool hangs"})),
    ]
    for t in probes:
        t.start()
    time.sleep(0.3)
    healthz.clear()
    suggest.clear()
    start = time.perf_counter()
    asked = [threading.Thread(target=client.get, args=(f"{base}/api/report?{query}",)) for _ in range(10)]
    for t in asked:
        t.start()
    for t in asked:
        t.join()
    wall = time.perf_counter() - start
    stop.set()
    for t in probes:
        t.join()
    return {"wall": wall, "healthz": max(healthz, default=0), "suggest": max(suggest, default=0)}


def serve(kb: Path, index: Path, tools: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(tools), "RECUR_TODAY": TODAY.isoformat()}
    args = ["-m", "recur", "serve", "--kb", str(kb), "--index", str(index), "--model", "fake:64"]
    proc = subprocess.Popen(
        [sys.executable, *args, "--port", str(port), "--no-feedback"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patterns", type=int, default=1000)
    ap.add_argument("--incidents", type=int, default=2000)
    ap.add_argument("--tools", type=Path, default=ROOT / "tools")
    ap.add_argument("--kb", type=Path, help="a KB to serve instead of a generated one")
    ap.add_argument("--port", type=int, default=18799)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        kb = args.kb or busy_kb(Path(tmp) / "kb", args.patterns, args.incidents)
        index = Path(tmp) / "index"
        env = {**os.environ, "PYTHONPATH": str(args.tools)}
        index_args = ["-m", "recur", "index", "--kb", str(kb), "--index", str(index), "--model", "fake:64", "-q"]
        subprocess.run([sys.executable, *index_args], env=env, check=True, timeout=600)
        proc = serve(kb, index, args.tools, args.port)
        base = f"http://127.0.0.1:{args.port}"
        try:
            client = httpx.Client(timeout=120, limits=httpx.Limits(max_connections=10))
            first = time.perf_counter()
            size = len(client.get(base + "/api/report").content)
            print(f"first request (reads the KB): {time.perf_counter() - first:.2f} s, {size / 1e6:.2f} MB")
            again = []
            for _ in range(7):
                start = time.perf_counter()
                client.get(base + "/api/report")
                again.append(time.perf_counter() - start)
            print(f"the same again: median {statistics.median(again) * 1000:.0f} ms, max {max(again) * 1000:.0f} ms")
            for query in ("since=2025-06-01", "since=2025-06-01"):
                r = ten_at_once(client, base, query)
                print(
                    f"ten at once ({query}): {r['wall']:.2f} s wall; meanwhile /healthz max "
                    f"{r['healthz'] * 1000:.0f} ms, /api/suggest max {r['suggest'] * 1000:.0f} ms"
                )
        finally:
            client.close()
            proc.terminate()
            proc.wait(timeout=60)


if __name__ == "__main__":
    main()
