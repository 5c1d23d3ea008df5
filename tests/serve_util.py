"""A real uvicorn server in a thread, on a socket bound to a free port, for the serve tests."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from pathlib import Path

import httpx
from procs import HANG, read_until

# /mcp driven by hand, as the protocol says (the tests that need what the SDK client does not do): the first
# message of a session, and the Accept a streamable-HTTP client sends with it
MCP_INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
}
MCP_ACCEPT = {"Accept": "application/json, text/event-stream"}


def run_async(coro):
    """``asyncio.run(coro)`` in a thread of its own. A pytest worker that ran a Chromium test keeps
    playwright's sync API, and with it a running event loop, in its main thread for the rest of the session
    (the ``chromium`` fixture is session-scoped), and asyncio.run refuses to start where a loop runs: a serve
    test that came after a browser file in the same worker failed with "cannot be called from a running
    event loop". Its exception, if any, is raised here."""
    out: dict = {}

    def run() -> None:
        try:
            out["value"] = asyncio.run(coro)
        except BaseException as exc:  # handed to the caller, as asyncio.run would raise it
            out["error"] = exc

    thread = threading.Thread(target=run, name="run_async")
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


def free_socket(host: str = "127.0.0.1") -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    return sock


LOG_TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"  # the time (UTC) `recur serve`'s log lines begin with


def untimed(out: str) -> list[str]:
    """`recur serve`'s output (``out``), a line each, its log lines without their time: "LEVEL logger:
    message" (serve/applog.py); a line without one (the access log's) as it is."""
    import re

    return [re.sub(rf"^{LOG_TIME} (?=[A-Z]+ [\w.]+: )", "", line) for line in out.splitlines()]


def serve_args(kb_dir, tmp_path, feedback=True) -> list[str]:
    """`recur serve`'s arguments in test_serve_cli.serve_process and serve_runs.ServeForks.serve: the fake model, no
    site, a free port (named by the start-up line); ``feedback``: False for no --feedback (the default log), True for
    one in ``tmp_path``, or the log's path."""
    from kbfactory import fake_model_flags

    args = fake_model_flags(kb_dir, tmp_path / "index")
    args += ["--site", str(tmp_path / "no-site"), "--port", "0"]
    return args + (["--feedback", str(tmp_path / "fb.jsonl" if feedback is True else feedback)] if feedback else [])


@contextlib.contextmanager
def served(proc):
    """A started `recur serve --port 0` (a Popen, or a forked run's handle): yields (its base URL, {"proc", "said":
    the lines read so far, a test reading on keeps them there; once it has stopped, "out" its whole output and
    "returncode"}); stopped by SIGTERM at the end."""
    said: list = []
    result = {"proc": proc, "said": said}
    try:
        yield f"http://127.0.0.1:{started_on(proc.stdout, said, proc)}", result
    finally:
        proc.terminate()
        rest, _ = proc.communicate(timeout=30)
        result["out"] = "".join(said) + rest
        result["returncode"] = proc.returncode


def started_on(stream, said: list, proc=None, seconds: float = HANG) -> int:
    """The port `recur serve --port 0` listens on, from its start-up line in ``stream`` (its output, read a
    line at a time, within ``seconds``: a guard against a hang; each line read is kept in ``said``). A port found
    free and closed before the server was started could be taken meanwhile, by another test worker's server or a
    client's connection: the server then failed to bind, or the test asked the other worker's server. Port 0
    binds a free one atomically. ``proc``: the server's process, killed when no start-up line came in time (a server
    stuck before it, a check that waits, is not left running past the test)."""
    import re

    started = re.compile(rf"{LOG_TIME} INFO recur\.serve: Recur on http://\S+?:(\d+)/")
    try:
        return int(read_until(stream, said, started.match, seconds, "recur serve's start-up line").group(1))
    except AssertionError:
        if proc is not None and proc.poll() is None:
            proc.kill()
        raise


@contextlib.contextmanager
def running(app, wait_ready: bool = True, timeout: float = 60.0, sock: socket.socket | None = None, **config):
    """Serve ``app`` with uvicorn on 127.0.0.1:<free port>, configured as `recur serve` does
    (``config``: e.g. header_timeout); yields the base URL. ``sock``: a bound socket to serve on instead
    (e.g. already listening, with connections waiting to be accepted)."""
    from recur.serve import server as serve_server

    sock = sock or free_socket()
    port = sock.getsockname()[1]
    server = serve_server.server(serve_server.config(app, lifespan="on", **config))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    _SERVERS[base] = server
    try:
        deadline = time.monotonic() + timeout
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        if wait_ready:
            wait_healthy(base, timeout, alive=thread.is_alive)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=60)
        sock.close()
        _SERVERS.pop(base, None)
        if thread.is_alive():  # said, not asserted: its test's outcome is its own; a later test may find it running
            import warnings

            warnings.warn(f"the server at {base} had not stopped 60 s after its stop began", stacklevel=3)


def begin_stop(base: str) -> None:
    """Begin the stop of the server running() serves ``base`` with, as SIGTERM does (uvicorn's handle_exit sets
    should_exit): its requests in progress then have their grace (``timeout_graceful_shutdown``)."""
    _SERVERS[base].should_exit = True


_SERVERS: dict = {}  # base URL -> the uvicorn server running() serves it with (connections_open)


def connections_open(base: str) -> int:
    """The connections the server running() serves ``base`` with has open now. One leaves this count once the
    server's loop has read its close (uvicorn's connection_lost), which is also when a request still in the app
    on it is told its client has gone: a test can wait for 0 (its own clients closed) instead of sleeping."""
    return len(_SERVERS[base].server_state.connections)


def wait_connections_closed(base: str, timeout: float = 60) -> None:
    """Until the server at ``base`` (running()'s) has read the close of every connection it had; the timeout
    only guards a hang. From a thread with no event loop the test's clients need."""
    deadline = time.monotonic() + timeout
    while (n := connections_open(base)) > 0:
        assert time.monotonic() < deadline, f"the server still has {n} connection(s) open after {timeout:.0f} s"
        time.sleep(0.02)


def requests_running(base: str) -> int:
    """The requests the server running() serves ``base`` with is still running: each is a task of uvicorn's
    until the app has returned, which is after its response's background task (a Slack acknowledgement's
    post, its warning printed when it fails) has ended."""
    return len(_SERVERS[base].server_state.tasks)


def wait_requests_done(base: str, timeout: float = 60) -> None:
    """Until the server at ``base`` (running()'s) runs no request, background tasks included; the timeout
    only guards a hang."""
    deadline = time.monotonic() + timeout
    while (n := requests_running(base)) > 0:
        assert time.monotonic() < deadline, f"the server still runs {n} request(s) after {timeout:.0f} s"
        time.sleep(0.02)


def wait_healthy(base: str, timeout: float = 60.0, alive=None) -> dict:
    """/healthz's answer once it is a 200. A load that failed (503 ``engine_failed``: the server does not load
    again) and a server that has stopped (``alive()``: False) are said at once: each was polled for the whole
    ``timeout``, then said as "never turned 200"."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            r = httpx.get(base + "/healthz", timeout=60)
            if r.status_code == 200:
                return r.json()
            last = r.text
            if r.status_code == 503 and _error_code(r) == "engine_failed":
                raise RuntimeError(f"{base}/healthz: the engine failed to load: {last}")
        except httpx.TransportError as exc:
            last = repr(exc)
        if alive is not None and not alive():
            raise RuntimeError(f"the server at {base} stopped before /healthz turned 200: {last}")
        time.sleep(0.05)
    raise RuntimeError(f"{base}/healthz never turned 200 in {timeout:g} s: {last}")


def _error_code(r: httpx.Response) -> str | None:
    try:
        return r.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


def alert_payload(*alerts: dict, status: str = "firing") -> dict:
    """An Alertmanager webhook payload, version 4."""
    return {
        "version": "4",
        "groupKey": '{}:{alertname="x"}',
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "recur",
        "groupLabels": {},
        "commonLabels": {},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager:9093",
        "alerts": [
            {
                "status": status,
                "labels": a.get("labels", {}),
                "annotations": a.get("annotations", {}),
                "startsAt": "2026-03-01T14:05:00Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "http://prometheus:9090/graph",
                "fingerprint": a.get("fingerprint", "abc"),
            }
            for a in alerts
        ],
    }


def fake_index(kb, index, model: str = "fake:64") -> None:
    """What `recur index --model MODEL` does: ``kb`` indexed into ``index`` with the fake encoder."""
    from recur.kb.loader import load_kb
    from recur.retrieval import embed
    from recur.retrieval.index import build

    build(load_kb(kb), index, embed.load_encoder(model), progress=False)


def fake_app(kb, root, **kw):
    """`recur serve`'s app over ``kb`` with the fake encoder, its index and feedback file under
    ``root``, no built site unless ``kw`` says otherwise (any create_app keyword), told its KB folder as `recur serve`
    tells it (``kb_dir``, GET /api/report's before the engine loads). A Slack command is answered
    in its reply however long the search takes (slack_reply_within 120 s, not 2.5): the 2.5 s is a speed that
    a loaded machine need not have, and a late answer went to a response_url that is not there."""
    from recur.retrieval.engine import Engine
    from recur.serve import create_app

    return create_app(
        lambda: Engine.open(kb, root / "index", model="fake:64", quiet=True),
        **{"site_dir": None, "feedback_path": root / "fb.jsonl", "slack_reply_within": 120, "kb_dir": kb, **kw},
    )


def stub_site(root) -> Path:
    """A built site's stand-in at ``root``/site, for the tests of how `recur serve` serves one without building
    it: an assets folder, index.html ("<h1>Recur site</h1>") and mkdocs's 404.html ("<h1>mkdocs 404</h1>")."""
    site = Path(root) / "site"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text("<h1>Recur site</h1>")
    (site / "404.html").write_text("<h1>mkdocs 404</h1>")
    return site


def readme_nginx_location() -> str:
    """The nginx location docs/operating.md's "Behind a reverse proxy" gives, as written there, with its prefix
    and upstream as PREFIX and UPSTREAM: the documentation is what the nginx tests run (a copy of it
    here went without client_max_body_size, as README did, found in an operator's review)."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs/operating.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```nginx\n(.*?)\n\s*```", text, re.S)
    assert len(blocks) == 1, f"docs/operating.md has {len(blocks)} ```nginx blocks, not one"
    block = blocks[0]
    # proxy_read_timeout: nginx's 60 s default answered 504 to three 100-alert groups posted at once (77-85 s)
    for said in ("location /recur/ {", "proxy_pass http://127.0.0.1:8000/;", "proxy_read_timeout 300s;"):
        assert said in block, f"docs/operating.md's nginx block has no {said!r}"
    return block.replace("location /recur/", "location PREFIX/").replace("127.0.0.1:8000", "UPSTREAM")


def nginx_missing_reason() -> str | None:
    import shutil

    if shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin"):
        return None
    return "nginx is not installed (apt-get install nginx-light); the Python proxy covers the same requests"


@contextlib.contextmanager
def nginx_proxy(upstream: str, prefix: str, workdir, location=None):
    """nginx on 127.0.0.1:<free port> serving ``upstream`` (http://host:port) under ``prefix`` with
    README's location block (readme_nginx_location), or ``location(that block)``'s (an operator's variant of it);
    yields the public base URL, prefix included. Call nginx_missing_reason first."""
    workdir.mkdir(parents=True, exist_ok=True)
    # nginx cannot be handed a bound socket nor say which port it took: the port is found free and closed
    # first, and another test worker (or a client's connection) can take it before nginx binds it. Then
    # nginx stops at once ("Address already in use") and is started again on another port; it is ready
    # when it has written its pid file, which it does after binding (a connection to the port could have
    # reached the other worker's server).
    for _ in range(5):
        sock = free_socket()
        port = sock.getsockname()[1]
        sock.close()
        proc = _start_nginx(upstream, prefix, workdir, port, location)
        if proc is not None:
            break
    else:
        raise RuntimeError("nginx found every port it was given taken")
    try:
        yield f"http://127.0.0.1:{port}" + prefix
    finally:
        proc.terminate()
        proc.communicate(timeout=60)


def _start_nginx(upstream: str, prefix: str, workdir, port: int, edit=None, timeout: float = 60.0):
    """nginx listening on ``port`` (its process), or None when the port was taken before it bound it. ``timeout``
    guards a hang only (it was 10 s: a loaded machine could take that long to start nginx)."""
    import shutil
    import subprocess

    exe = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    temps = "".join(
        f"  {kind}_temp_path {workdir / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    location = (
        (edit or str)(readme_nginx_location())
        .replace("PREFIX", prefix)
        .replace("UPSTREAM", upstream.split("://", 1)[1])
    )
    conf, pid = workdir / "nginx.conf", workdir / "nginx.pid"
    pid.unlink(missing_ok=True)
    conf.write_text(
        f"daemon off;\nworker_processes 1;\npid {pid};\nerror_log stderr warn;\n"
        f"events {{ worker_connections 64; }}\nhttp {{\n  access_log off;\n{temps}"
        # bodies in memory (up to the webhook's 4 MiB and more): run as root, nginx's workers (nobody)
        # cannot write pytest's private tmp
        "  client_body_buffer_size 8m;\n"
        f"  server {{\n    listen 127.0.0.1:{port};\n{location}  }}\n}}\n"
    )
    proc = subprocess.Popen([exe, "-c", str(conf), "-p", str(workdir)], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + timeout
    while not pid.is_file():
        if proc.poll() is not None:
            said = proc.stderr.read()
            if "Address already in use" in said:
                return None
            raise RuntimeError(f"nginx stopped: {said}")
        if time.monotonic() > deadline:
            proc.kill()
            proc.communicate(timeout=60)  # a guard against a hang: a worker left holding the pipe
            raise RuntimeError(f"nginx is not listening on {port}")
        time.sleep(0.05)
    return proc


@contextlib.contextmanager
def prefix_proxy(upstream: str, prefix: str):
    """A small reverse proxy in Python doing what README's nginx location does: ``prefix`` + "/..." is
    passed to ``upstream`` without the prefix, with the client's Host and X-Forwarded-For/Proto;
    redirects are passed back as they are, not followed; ``prefix`` alone redirects to ``prefix/``
    (as nginx does). Yields the public base URL, prefix included."""
    import http.server

    hop = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}
    client = httpx.Client(follow_redirects=False, timeout=30)

    class Proxy(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _forward(self):
            if self.path == prefix or self.path.startswith(prefix + "?"):
                return self._reply(301, [("Location", prefix + "/" + self.path[len(prefix) :])], b"")
            if not self.path.startswith(prefix + "/"):
                return self._reply(404, [("Content-Type", "text/plain")], b"not proxied\n")
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = [(k, v) for k, v in self.headers.items() if k.lower() not in hop | {"content-length"}]
            headers += [("X-Forwarded-For", self.client_address[0]), ("X-Forwarded-Proto", "http")]
            url = upstream + self.path[len(prefix) :]
            r = client.request(self.command, url, headers=headers, content=body or None)
            # r.content is decoded: sent on without the Content-Encoding it had (gzip, recur serve's to a browser)
            kept = [
                (k, v)
                for k, v in r.headers.multi_items()
                if k.lower() not in hop | {"content-length", "content-encoding"}
            ]
            self._reply(r.status_code, kept, r.content)

        def _reply(self, status: int, headers: list, body: bytes):
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = _forward

    from browser import serve_handler

    try:
        with serve_handler(Proxy) as base:
            yield base + prefix
    finally:
        client.close()


def metric(text: str, name: str, **labels) -> float:
    """The sum of a metric's series (with these labels) in a /metrics text."""
    want = ",".join(f'{k}="{v}"' for k, v in labels.items())
    key = f"{name}{{{want}}}" if want else name
    total = 0.0
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        series, _, value = line.rpartition(" ")
        if series == key or (series.startswith(name + "{") and all(f'{k}="{v}"' in series for k, v in labels.items())):
            total += float(value)
    return total


class CountedGate(threading.BoundedSemaphore):
    """The app's gate, counting the slots given back: a search that had its slot and is done (made,
    or skipped) has given its slot back."""

    def __init__(self, value: int = 1):
        super().__init__(value)
        self.returned = 0
        self.watch_gone, self.gone_seen, self._seen_lock = False, 0, threading.Lock()

    def release(self, n: int = 1) -> None:
        super().release(n)
        self.returned += n

    def __enter__(self):  # threading.Semaphore's __enter__ is its own acquire, not an override's
        return self.acquire()

    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        """With ``watch_gone`` set, a search waiting for a slot looks every 20 ms whether its client has gone
        (``CLIENT_GONE``, from the waiting worker thread, as the app asks once it has the slot) and counts in
        ``gone_seen`` the first time it has: a test can free the slot once the server has seen every close."""
        from recur.serve.guard import CLIENT_GONE

        gone = CLIENT_GONE.get() if self.watch_gone and blocking and timeout is None else None
        if gone is None:
            return super().acquire(blocking, timeout)
        seen = False
        while not super().acquire(timeout=0.02):
            if not seen and gone():
                seen = True
                with self._seen_lock:
                    self.gone_seen += 1
        return True

    def wait_gone_seen(self, n: int, timeout: float = 60) -> None:
        """From a thread with no event loop of the test's own to keep running (else poll ``gone_seen``)."""
        deadline = time.monotonic() + timeout
        while self.gone_seen < n:
            assert time.monotonic() < deadline, f"{self.gone_seen} waiting search(es) saw their client gone, not {n}"
            time.sleep(0.02)

    def wait_returned(self, n: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.returned < n:
            assert time.monotonic() < deadline, f"{self.returned} slot(s) given back, not {n}"
            time.sleep(0.02)


def asked_engine(kb, index) -> tuple:
    """The real engine (fake:64 encoder), and the list of texts it has been asked to answer."""
    from recur.retrieval.engine import Engine

    engine = Engine.open(kb, index, model="fake:64", quiet=True)
    asked, answer = [], engine.answer
    engine.answer = lambda text, **kw: (asked.append(text), answer(text, **kw))[1]
    return engine, asked


def latency_answer() -> dict:
    """The answer "latency" had on the shipped KB when reviewed (results as /api/suggest gives them, cut to
    the keys the replies read): three results of low confidence, the third rated more likely right (39%)
    than the first (26%). Calibrated probabilities need a KB of 30 patterns or more and the real model; the
    replies are functions of the answer, so it is written out here."""

    def result(rank: int, pid: str, title: str, p: float, category: str = "capacity") -> dict:
        return {
            "rank": rank,
            "id": pid,
            "title": title,
            "score": 5.0,
            "confidence": "low",
            "probability": p,
            "category": category,
            "severity": "sev2",
            "status": "active",
            "draft": False,
            "import_draft": False,
            "why": [{"field": "symptom", "text": f"latency {pid}", "score": 0.5, "match": "meaning"}],
            "runbook": [f"First step of {pid}.", f"Second step of {pid}.", f"Third step of {pid}."],
            "evidence": [f"Evidence of {pid}."],
            "summary": f"Summary of {pid}.",
            "signals": [],
            "path": f"patterns/{category}/{pid}.md",
            "incidents": 0,
            "related": [],
            "distinguish": [],
            "scores": {"dense": 0.5, "lexical": 0.1, "signal": 0.0},
            "look_alikes": [],
        }

    return {
        "query": "latency",
        "query_note": None,
        "no_known_pattern": False,
        "results": [
            result(1, "leap-second", "Leap second breaks time arithmetic", 0.265, "time"),
            result(2, "db-connection-pool-exhausted", "Database connection pool exhausted", 0.131),
            result(3, "cpu-throttling-container-limits", "CPU throttling from container CPU limits", 0.395),
        ],
    }


def long_trace(chars: int) -> str:
    """A Java stack trace of ``chars`` characters whose root cause is its last line."""
    frames = "".join(f"\tat com.example.checkout.Writer.write{n}(Writer.java:{n})\n" for n in range(2000))
    head = "checkout stopped writing orders:\njava.lang.RuntimeException: write failed\n"
    tail = "Caused by: java.io.IOException: No space left on device"
    return head + frames[: chars - len(head) - len(tail)] + tail


# Model, encoder and precision values `recur serve` and `recur mcp` refuse at start (cli/startup.py, one
# check for both), with what each says: (environment, --model, the Error line's text), and their ids.
BAD_ENGINE_INPUTS = [
    # the bundled model: the fake encoder reads neither variable (BAD_FOR_A_REAL_MODEL_ONLY)
    ({"RECUR_ENCODER": "tensorrt"}, "default", "RECUR_ENCODER='tensorrt': expected one of auto, onnx, torch"),
    ({"RECUR_PRECISION": "fp64"}, "default", "RECUR_PRECISION='fp64': expected one of auto, fp32, bf16"),
    ({}, "fake:abc", "model 'fake:abc': the fake encoder is 'fake:N'"),
    ({}, "./no-such-model-folder", "model folder not found: ./no-such-model-folder"),
    ({}, "no-such-org/no-such-model", "model 'no-such-org/no-such-model' is not installed here"),
]
BAD_ENGINE_IDS = ["encoder", "precision", "fake-dim", "folder", "hub-name"]
# settings only a real model's encoder reads: with `--model fake:N` they are not checked, nor stop a server
BAD_FOR_A_REAL_MODEL_ONLY = [{"RECUR_ENCODER": "tensorrt"}, {"RECUR_PRECISION": "fp64"}]
BAD_FOR_A_REAL_MODEL_ONLY_IDS = ["encoder", "precision"]


def holding(engine):
    """A real EngineHolder serving ``engine``, loaded, its start-up look at the KB made: what `recur serve` and
    `recur mcp` give build_server (``stale_files=lambda: holder.kb_changed``). Its watcher waits an hour between
    looks, so a test calls ``check_stale()`` where the watcher would look, waiting on no clock. ``.stop()`` it."""
    from recur.serve.runtime import EngineHolder

    holder = EngineHolder(lambda: engine, reload_interval=3600)
    holder.start()
    assert holder.ready.wait(120), holder.error
    return holder
