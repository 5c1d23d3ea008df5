"""Soak `recur serve` for leaks: what an operator running it for weeks would see grow.

    python bench/soak_leak.py [--duration 900] [--reindex-every 60] [--model MODEL] [--kb kb]

1. Copies the KB to a temporary folder, indexes it and starts the real `recur serve` (MCP sessions idle out
   after --mcp-idle 60 s, so abandoned ones should be freed within the run).
2. A modest, seeded mix, one thread a kind: suggests of varied (random-word) texts from many client addresses
   (X-Forwarded-For: the per-client tables), pattern list/detail reads, votes, Alertmanager groups, MCP
   sessions opened by the SDK's client and abandoned (no DELETE), clients that send half a body and hang up,
   clients that ask and hang up before the answer, slow clients (a body a few bytes at a time).
3. Every --reindex-every seconds, a pattern's symptom is edited and `recur index` rebuilds (the server swaps
   to it); every third time a SIGHUP (a forced look) follows.
4. Every 5 s: the server's RSS, open file descriptors (by kind: index files, sockets, pipes, other), threads,
   and a few /metrics lines. Prints the samples, then start / end / ratio; writes bench/out/soak_leak.json
   (the work folder is removed unless --keep).

Growth that levels off (caches filling, the allocator's arenas) is expected in the first minutes; what to look
for is growth that is still going at the end, and any fd on a file of an index that was swapped out. Figures
only: nothing here asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import httpx
from soak import ENV, GOOD, RECUR, alert_group, index_and_port, rss_mb, wait_healthy

ROOT = Path(__file__).resolve().parents[1]
WORDS = (
    "disk full latency timeout pod crash oom killed dns servfail tls certificate expired kafka lag consumer "
    "postgres replication slot wal bloat vacuum nginx 502 upstream reset connection refused pool exhausted "
    "cpu throttling memory leak gc pause deploy rollback config drift clock skew ntp raft leader election "
    "etcd quorum lost iptables conntrack table full ephemeral ports exhausted inode quota redis eviction"
).split()


def fds(pid: int, index: Path) -> dict:
    """The server's open file descriptors by kind; ``index`` any under the index folder (``old``: of a path
    that no longer exists, a file of an index swapped out still held open)."""
    out = {"total": 0, "index": 0, "deleted": 0, "socket": 0, "pipe": 0, "other": 0}
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        out["total"] += 1
        if target.endswith(" (deleted)"):
            out["deleted"] += 1
        elif target.startswith(str(index)):
            out["index"] += 1
        elif target.startswith("socket:"):
            out["socket"] += 1
        elif target.startswith("pipe:"):
            out["pipe"] += 1
        else:
            out["other"] += 1
    return out


def threads(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


def metric_lines(text: str) -> dict:
    """Sums of the /metrics series named in ``keep`` (labels added up)."""
    keep = ("recur_mcp_sessions_closed", "recur_index_reloads", "recur_http_requests_in_flight")
    out: dict = {}
    for key, _, value in (x.rpartition(" ") for x in text.splitlines() if not x.startswith("#")):
        name = key.split("{")[0]
        if name.startswith(keep):
            out[name] = out.get(name, 0.0) + float(value)
    return out


def start(kb: Path, work: Path, model: str, mcp_idle: float) -> tuple[subprocess.Popen, str]:
    port = index_and_port(kb, work, model)
    args = ["serve", "--kb", str(kb), "--index", str(work / "index"), "--model", model, "--port", str(port)]
    args += ["--site", str(work / "nosite"), "--feedback", str(work / "feedback.jsonl"), "--feedback-rate", "0"]
    args += ["--mcp-idle-timeout", str(mcp_idle), "--body-timeout", "5"]
    log = (work / "serve.log").open("w")
    proc = subprocess.Popen(RECUR + args, stdout=log, stderr=subprocess.STDOUT, env=ENV)
    base = f"http://127.0.0.1:{port}"
    wait_healthy(proc, base, work, pause=0.2)
    return proc, base


class Kind(threading.Thread):
    """One kind of traffic, one request every ``pause`` seconds until ``stop``; counts statuses."""

    def __init__(self, name, fn, pause, stop, counts):
        super().__init__(daemon=True, name=name)
        self.fn, self.pause, self.stop, self.counts, self.rng = fn, pause, stop, counts, random.Random(name)

    def run(self):
        while not self.stop.is_set():
            try:
                status = self.fn(self.rng)
            except Exception as exc:  # noqa: BLE001 - a figure, not a failure
                status = type(exc).__name__
            key = f"{self.name} {status}"
            self.counts[key] = self.counts.get(key, 0) + 1
            self.stop.wait(self.pause)


class Traffic:
    """The kinds of traffic against the server at ``base`` (``kinds``: name -> (function of a Random, pause))."""

    def __init__(self, base: str, ids: list):
        self.base, self.ids = base, ids
        self.host, self.port = base.removeprefix("http://").split(":")
        self.http = httpx.Client(base_url=base, timeout=60)
        self.kinds = {
            "suggest": (self.suggest, 0.25),
            "pattern": (self.pattern, 0.5),
            "feedback": (self.feedback, 1.0),
            "alertmanager": (self.alertmanager, 2.0),
            "half_body": (lambda rng: self.raw(self.body(rng), cut=10, slow=False, read=False), 2.0),
            "gone_before_answer": (lambda rng: self.raw(self.body(rng), cut=None, slow=False, read=False), 2.0),
            "slow": (lambda rng: self.raw(self.body(rng), cut=None, slow=True, read=True), 3.0),
            "mcp": (lambda rng: asyncio.run(_mcp(base + "/mcp", rng)), 2.0),
        }

    @staticmethod
    def who(rng):
        return {"X-Forwarded-For": f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}"}

    def suggest(self, rng):
        text = " ".join(rng.choices(WORDS, k=rng.randrange(3, 12))) + f" {rng.randrange(10**6)}"
        if rng.random() < 0.3:
            text = rng.choice(GOOD)
        return self.http.post("/api/suggest", json={"text": text, "top": 5}, headers=self.who(rng)).status_code

    def pattern(self, rng):
        if rng.random() < 0.2:
            return self.http.get("/api/patterns").status_code
        return self.http.get(f"/api/patterns/{rng.choice(self.ids + ['no-such-pattern'])}").status_code

    def feedback(self, rng):
        vote = {"query": rng.choice(GOOD), "pattern": rng.choice(self.ids), "useful": rng.random() < 0.5}
        return self.http.post("/api/feedback", json=vote, headers=self.who(rng)).status_code

    def alertmanager(self, rng):
        return self.http.post("/api/alertmanager", json=alert_group(f"Soak{rng.randrange(1000)}")).status_code

    @staticmethod
    def body(rng) -> bytes:
        return json.dumps({"text": rng.choice(GOOD) + " " + " ".join(rng.choices(WORDS, k=5))}).encode()

    def raw(self, body: bytes, cut: int | None, slow: bool, read: bool) -> str:
        """A suggest by hand: its body whole or ``cut`` short, at once or 4 bytes every 50 ms (``slow``); the
        status read, or the connection closed without reading (``read`` False)."""
        head = (
            f"POST /api/suggest HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        sent = body[:cut] if cut is not None else body
        step = 4 if slow else max(1, len(sent))
        with socket.create_connection((self.host, int(self.port)), timeout=60) as s:
            s.sendall(head)
            for i in range(0, len(sent), step):
                s.sendall(sent[i : i + step])
                if slow:
                    time.sleep(0.05)
            return s.recv(64).split(b" ", 2)[1].decode() if read else "hung up"


async def _mcp(url: str, rng) -> str:
    """An assistant that opens a session (legacy handshake), calls a tool or two and leaves without a DELETE."""
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    transport = streamable_http_client(url, terminate_on_close=rng.random() < 0.3)
    async with Client(transport, mode="legacy", read_timeout_seconds=60) as assistant:
        await assistant.list_tools()
        await assistant.call_tool("suggest_patterns", {"text": rng.choice(GOOD)})
    return "ok"


def reindexer(kb: Path, work: Path, model: str, every: float, stop, proc, log: list) -> None:
    path = sorted((kb / "patterns").rglob("*.md"))[0]
    original, n = path.read_text(), 0
    while not stop.wait(every):
        n += 1
        path.write_text(original.replace("symptoms:\n", f'symptoms:\n  - "soak edit {n}: fans spin backwards"\n', 1))
        t0 = time.perf_counter()
        done = subprocess.run(
            RECUR + ["index", "--kb", str(kb), "--index", str(work / "index"), "--model", model],
            env={**ENV, "OMP_NUM_THREADS": "1"},
            capture_output=True,
            text=True,
        )
        log.append({"n": n, "rc": done.returncode, "s": round(time.perf_counter() - t0, 1)})
        if n % 3 == 0:
            proc.send_signal(signal.SIGHUP)


def sample(pid: int, base: str, index: Path, t0: float) -> dict:
    try:
        metrics = metric_lines(httpx.get(base + "/metrics", timeout=30).text)
        health = httpx.get(base + "/healthz", timeout=30).json()
    except httpx.HTTPError:
        metrics, health = {}, {}
    return {
        "t": round(time.monotonic() - t0),
        "rss_mb": round(rss_mb(pid), 1),
        "fds": fds(pid, index),
        "threads": threads(pid),
        "reloads": health.get("reloads"),
        "mcp_sessions_closed": metrics.get("recur_mcp_sessions_closed_total", metrics.get("recur_mcp_sessions_closed")),
        "tmp_files": sum(1 for p in index.parent.rglob("*") if ".tmp" in p.name or p.name.startswith("tmp")),
    }


def run(kb_src: Path, duration: float, every: float, model: str, mcp_idle: float, work: Path | None = None) -> dict:
    work = Path(work or tempfile.mkdtemp(prefix="recur-soak-leak-"))
    kb = work / "kb"
    shutil.copytree(kb_src, kb)
    proc, base = start(kb, work, model, mcp_idle)
    stop, counts, samples, rebuilds = threading.Event(), {}, [], []
    try:
        ids = [p["id"] for p in httpx.get(base + "/api/patterns").json()["patterns"]]
        t0 = time.monotonic()
        samples.append(sample(proc.pid, base, work / "index", t0))
        kinds = [Kind(name, fn, pause, stop, counts) for name, (fn, pause) in Traffic(base, ids).kinds.items()]
        re = threading.Thread(target=reindexer, args=(kb, work, model, every, stop, proc, rebuilds), daemon=True)
        [t.start() for t in (*kinds, re)]
        while time.monotonic() - t0 < duration:
            time.sleep(5)
            samples.append(sample(proc.pid, base, work / "index", t0))
            print(json.dumps(samples[-1]), flush=True)
        stop.set()
        [t.join(timeout=90) for t in (*kinds, re)]
        time.sleep(5)  # the last requests' connections closed
        samples.append(sample(proc.pid, base, work / "index", t0))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return {"samples": samples, "counts": dict(sorted(counts.items())), "rebuilds": rebuilds, "work": str(work)}


def summary(out: dict) -> dict:
    first, warm, last = out["samples"][0], out["samples"][min(6, len(out["samples"]) - 1)], out["samples"][-1]

    def row(key, get):
        a, w, b = get(first), get(warm), get(last)
        return {"start": a, "after_30s": w, "end": b, "end/start": round(b / a, 2) if a else None}

    return {
        "rss_mb": row("rss", lambda s: s["rss_mb"]),
        "fds": row("fds", lambda s: s["fds"]["total"]),
        "index_fds": row("index", lambda s: s["fds"]["index"]),
        "deleted_fds": row("deleted", lambda s: s["fds"]["deleted"]),
        "threads": row("threads", lambda s: s["threads"]),
        "reloads": last["reloads"],
        "mcp_sessions_closed": last["mcp_sessions_closed"],
        "rebuilds": len(out["rebuilds"]),
        "rebuilds_failed": sum(1 for r in out["rebuilds"] if r["rc"]),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--duration", type=float, default=900)
    ap.add_argument("--reindex-every", type=float, default=60)
    ap.add_argument("--mcp-idle", type=float, default=60)
    ap.add_argument("--model", default="all-MiniLM-L6-v2", help="default: the bundled model")
    ap.add_argument("--kb", type=Path, default=ROOT / "kb")
    ap.add_argument("--keep", action="store_true", help="keep the work folder (the KB copy, index, serve.log)")
    args = ap.parse_args()
    out = run(args.kb, args.duration, args.reindex_every, args.model, args.mcp_idle)
    if not args.keep:  # a KB copy and an index a run: not left in /tmp run after run
        shutil.rmtree(out.pop("work"), ignore_errors=True)
    out["summary"] = summary(out)
    print(json.dumps(out["counts"], indent=1))
    print(json.dumps(out["summary"], indent=1))
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "out" / "soak_leak.json").write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
