"""A real uvicorn server in a thread, on a socket bound to a free port, for the serve tests."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import httpx


def free_socket(host: str = "127.0.0.1") -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    return sock


@contextlib.contextmanager
def running(app, wait_ready: bool = True, timeout: float = 60.0, **config):
    """Serve ``app`` with uvicorn on 127.0.0.1:<free port>, configured as `recur serve` does
    (``config``: e.g. header_timeout); yields the base URL."""
    import uvicorn

    from recur.serve import server as serve_server

    sock = free_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(serve_server.config(app, lifespan="on", **config))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        if wait_ready:
            wait_healthy(base, timeout)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def wait_healthy(base: str, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            r = httpx.get(base + "/healthz", timeout=5)
            if r.status_code == 200:
                return r.json()
            last = r.text
        except httpx.TransportError as exc:
            last = repr(exc)
        time.sleep(0.05)
    raise RuntimeError(f"{base}/healthz never turned 200: {last}")


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


def fake_app(kb, root, **kw):
    """`recur serve`'s app over ``kb`` with the fake encoder, its index and feedback file under
    ``root``, no built site unless ``kw`` says otherwise (any create_app keyword)."""
    from recur.retrieval.engine import Engine
    from recur.serve import create_app

    return create_app(
        lambda: Engine.open(kb, root / "index", model="fake:64", quiet=True),
        **{"site_dir": None, "feedback_path": root / "fb.jsonl", **kw},
    )
