"""`recur serve` latency and throughput on a 1,000-pattern KB, and the cold CLI path, in one run.

    python bench/serve.py [--patterns 1000] [--requests 300] [--concurrent 8] [--cold-runs 3] [--server-builds]

1. Builds a synthetic KB (bench/synth_kb.py) and indexes it with the bundled model.
2. Starts the real `recur serve` (uvicorn, one process) on a free loopback port, waits for
   /healthz, sends warm-up requests, then --requests sequential POST /api/suggest on one
   keep-alive connection: p50 / p95 / p99 latency. Targets: p50 <= 20 ms, p95 <= 50 ms. The
   response's Server-Timing header gives the ranking time inside the server, so the rest
   (HTTP, JSON, the client) shows too. The server's memory (VmHWM peak, VmRSS after the runs) is
   read from /proc; with --server-builds the index folder is left empty and the server builds it
   itself (what `recur serve` on a fresh checkout does: on ONNX Runtime, never PyTorch).
3. Throughput: --concurrent clients, each on its own connection, --requests in total.
4. Cold `recur suggest` on the shipped KB vs a bare `python -c "import sentence_transformers"`,
   alternated, median of --cold-runs; plus where the rest of the cold time goes (in-process).
Prints a table and writes bench/out/serve.json. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "bench"))

import httpx  # noqa: E402
from synth_kb import generate, queries  # noqa: E402


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc): what a request costs, whatever else
    runs on the machine; with one encoder thread it is close to the latency on an idle box."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int) -> dict:
    """The process's peak and current resident memory (VmHWM, VmRSS), in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {key: int(fields[key].split()[0]) // 1024 for key in ("VmHWM", "VmRSS")}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recur(*args, **kw):
    return subprocess.run([str(BIN / "recur"), *args], check=True, **kw)


def start_server(kb: Path, index: Path, work: Path, port: int, threads: int):
    log = (work / "serve.log").open("w")
    args = [
        str(BIN / "recur"),
        "serve",
        "--kb",
        str(kb),
        "--index",
        str(index),
        "--site",
        str(work / "nosite"),
        "--feedback",
        str(work / "feedback.jsonl"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    if threads:
        args += ["--threads", str(threads)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"recur serve exited: see {work / 'serve.log'}")
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return proc, base, time.perf_counter() - t0
        except httpx.TransportError:
            pass
        time.sleep(0.1)


def server_timing(header: str) -> dict:
    """'queue;dur=0.01, suggest;dur=12.3' -> {'queue': 0.01, 'suggest': 12.3}"""
    out = {}
    for part in header.split(","):
        name, _, dur = part.strip().partition(";dur=")
        if dur:
            out[name] = float(dur)
    return out


def timed_suggest(client: httpx.Client, text: str) -> tuple[float, httpx.Response]:
    """One POST /api/suggest: (round trip in ms, the response, checked to be a 200)."""
    t0 = time.perf_counter()
    r = client.post("/api/suggest", json={"text": text, "top": 5})
    ms = (time.perf_counter() - t0) * 1000
    assert r.status_code == 200, r.text
    return ms, r


def sequential(base: str, texts: list[str], inner: list | None = None) -> list[float]:
    """Round-trip latencies (ms); ``inner`` collects the server's own suggest time (Server-Timing)."""
    out = []
    with httpx.Client(base_url=base, timeout=30) as c:
        for t in texts:
            ms, r = timed_suggest(c, t)
            out.append(ms)
            assert r.json()["results"], r.text
            if inner is not None:
                inner.append(server_timing(r.headers.get("server-timing", "")).get("suggest", float("nan")))
    return out


def concurrent(base: str, texts: list[str], clients: int) -> tuple[float, list[float]]:
    lat: list[float] = []
    lock = threading.Lock()
    chunks = [texts[i::clients] for i in range(clients)]

    def run(chunk):
        mine = []
        with httpx.Client(base_url=base, timeout=60) as c:
            for t in chunk:
                mine.append(timed_suggest(c, t)[0])
        with lock:
            lat.extend(mine)

    threads = [threading.Thread(target=run, args=(ch,)) for ch in chunks]
    t0 = time.perf_counter()
    [t.start() for t in threads]
    [t.join() for t in threads]
    return len(texts) / (time.perf_counter() - t0), lat


COLD_PROFILE = r"""
import time, sys, json
T = {}
t = time.perf_counter(); import sentence_transformers; T['import sentence_transformers'] = time.perf_counter() - t
t = time.perf_counter(); import recur.cli.main, recur.cli.core; T['import recur cli'] = time.perf_counter() - t
from recur.retrieval import embed, index as index_mod, models as models_mod
t = time.perf_counter(); m = models_mod.active_model(sys.argv[1]); spec = embed.resolve(m); T['resolve model (tuned?)'] = time.perf_counter() - t
t = time.perf_counter(); fresh = index_mod.is_fresh(sys.argv[2], sys.argv[1]); T['staleness check'] = time.perf_counter() - t
t = time.perf_counter(); loaded = index_mod.load(sys.argv[2], expect_model=spec.model_id); T['load index (+bm25s)'] = time.perf_counter() - t
t = time.perf_counter(); enc = embed.load_encoder(spec); T['load model weights'] = time.perf_counter() - t
t = time.perf_counter(); from recur.retrieval.search import Searcher; s = Searcher(loaded, enc); T['searcher (+faiss)'] = time.perf_counter() - t
t = time.perf_counter(); hits = s.search('disk full on the database host', top=5); T['first query'] = time.perf_counter() - t
t = time.perf_counter(); from recur.cli.render import render_results; T['import render'] = time.perf_counter() - t
print(json.dumps(T))
"""


def cold(kb: Path, index: Path, runs: int) -> dict:
    py = str(BIN / "python")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}
    recur("index", "--kb", str(kb), "--index", str(index), "-q", env=env)
    bare, cli = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([py, "-c", "import sentence_transformers"], check=True, env=env)
        bare.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        subprocess.run(
            [str(BIN / "recur"), "suggest", "--kb", str(kb), "--index", str(index), "disk full on the database host"],
            check=True,
            stdout=subprocess.DEVNULL,
            env=env,
        )
        cli.append(time.perf_counter() - t0)
    prof = json.loads(
        subprocess.run(
            [py, "-c", COLD_PROFILE, str(kb), str(index)], check=True, env=env, capture_output=True, text=True
        ).stdout
    )
    return {
        "import_sentence_transformers_s": statistics.median(bare),
        "recur_suggest_s": statistics.median(cli),
        "import_sentence_transformers_min_s": min(bare),
        "recur_suggest_min_s": min(cli),
        "runs": runs,
        "bare_all": bare,
        "cli_all": cli,
        "breakdown_s": prof,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--patterns", type=int, default=1000)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--concurrent", type=int, default=8)
    ap.add_argument("--cold-runs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=0, help="--threads for recur serve (0: its default)")
    ap.add_argument("--skip-cold", action="store_true")
    ap.add_argument("--server-builds", action="store_true", help="no `recur index` first: the server builds it")
    args = ap.parse_args()
    out_dir = ROOT / "bench" / "out"
    out_dir.mkdir(parents=True, exist_ok=True)
    result: dict = {"patterns": args.patterns, "cpus": os.cpu_count(), "load_avg_start": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="recur-bench-serve-") as tmp:
        work = Path(tmp)
        kb, index = generate(work / "kb", args.patterns), work / "index"
        t0 = time.perf_counter()
        if not args.server_builds:
            recur("index", "--kb", str(kb), "--index", str(index), "-q")
        result["index_build_s"] = round(time.perf_counter() - t0, 1)
        result["server_builds"] = args.server_builds
        proc, base, startup = start_server(kb, index, work, free_port(), args.threads)
        try:
            result["startup_to_healthy_s"] = round(startup, 2)
            texts = queries(args.requests + 20)
            sequential(base, texts[:20])  # warm-up
            cpu0 = cpu_seconds(proc.pid)
            inner: list[float] = []
            lat = sequential(base, texts[20:], inner)
            cpu_ms = (cpu_seconds(proc.pid) - cpu0) * 1000 / len(lat)
            result["sequential"] = {
                "requests": len(lat),
                "p50_ms": pct(lat, 50),
                "p95_ms": pct(lat, 95),
                "p99_ms": pct(lat, 99),
                "mean_ms": statistics.fmean(lat),
                "server_cpu_ms_per_request": cpu_ms,
                "suggest_p50_ms": pct(inner, 50),
                "suggest_p95_ms": pct(inner, 95),
            }
            rps, clat = concurrent(base, queries(args.requests, seed=12), args.concurrent)
            result["concurrent"] = {
                "clients": args.concurrent,
                "requests": len(clat),
                "throughput_rps": rps,
                "p50_ms": pct(clat, 50),
                "p95_ms": pct(clat, 95),
            }
            result["server_memory_mb"] = memory_mb(proc.pid)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
        if not args.skip_cold:
            result["cold"] = cold(ROOT / "kb", work / "kb-index", args.cold_runs)
    result["load_avg_end"] = os.getloadavg()
    (out_dir / "serve.json").write_text(json.dumps(result, indent=1))
    s, c = result["sequential"], result["concurrent"]
    ok = lambda v, lim: "ok" if v <= lim else "MISSED"  # noqa: E731
    print(
        f"recur serve on {args.patterns} synthetic patterns ({os.cpu_count()} CPUs, load avg at start "
        f"{result['load_avg_start'][0]:.1f}); healthy {result['startup_to_healthy_s']} s after start"
    )
    print(
        f"  warm POST /api/suggest, {s['requests']} sequential: p50 {s['p50_ms']:.1f} ms "
        f"[{ok(s['p50_ms'], 20)}: <= 20]  p95 {s['p95_ms']:.1f} ms [{ok(s['p95_ms'], 50)}: <= 50]  "
        f"p99 {s['p99_ms']:.1f} ms  mean {s['mean_ms']:.1f} ms; server CPU {s['server_cpu_ms_per_request']:.1f} ms "
        "per request"
    )
    print(
        f"    of which ranking (Server-Timing suggest): p50 {s['suggest_p50_ms']:.1f} ms, p95 {s['suggest_p95_ms']:.1f} ms;"
        f" the rest is HTTP, JSON and the client"
    )
    print(
        f"  {c['clients']} concurrent clients, {c['requests']} requests: {c['throughput_rps']:.1f} req/s, "
        f"p50 {c['p50_ms']:.1f} ms, p95 {c['p95_ms']:.1f} ms"
    )
    mem = result["server_memory_mb"]
    built = "built by the server itself" if args.server_builds else "built beforehand"
    print(f"  server memory (index {built}): peak {mem['VmHWM']} MB, {mem['VmRSS']} MB resident after the runs")
    if "cold" in result:
        k = result["cold"]
        extra = k["recur_suggest_s"] - k["import_sentence_transformers_s"]
        print(
            f"  cold `recur suggest` {k['recur_suggest_s']:.2f} s vs bare `import sentence_transformers` "
            f"{k['import_sentence_transformers_s']:.2f} s: {extra:+.2f} s (median of {k['runs']}; fastest: "
            f"{k['recur_suggest_min_s']:.2f} s vs {k['import_sentence_transformers_min_s']:.2f} s)"
        )
        print("  where the cold time goes (in-process, after importing sentence_transformers):")
        for name, secs in k["breakdown_s"].items():
            print(f"    {name:32s} {secs * 1000:8.0f} ms")
    print(f"  wrote {out_dir / 'serve.json'}")


if __name__ == "__main__":
    main()
