"""`recur serve` runs the code it started with, whatever an upgrade writes over its files meanwhile.

Found in an upgrade review: a server left running while `pip install --upgrade recur` replaced its files into the
same venv answered every POST /api/alertmanager 500 (`unexpected ImportError`): recur.ingest.coverage, imported on
first use, came from the new files into the old code; /healthz said ok. The server now imports every module a
request can need as it starts (recur/serve/preload.py). Each test runs a real `recur serve` from a copy of the
package, as the review did, and changes the copy's files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
from kbfactory import fake_model_flags
from procs import HANG
from serve_util import alert_payload, run_async, started_on, stub_site, untimed, wait_healthy

PACKAGE = Path(__file__).resolve().parents[1] / "tools" / "recur"
SLACK_SECRET = "a-slack-signing-secret-of-32-chars"
NEWER = 'raise ImportError("a newer recur\'s file")\n'


def _installed(root: Path) -> Path:
    """A copy of the package under ``root``, as a venv holds it (no bytecode yet, no vendored browser files):
    the folder to put on PYTHONPATH."""
    shutil.copytree(PACKAGE, root / "recur", ignore=shutil.ignore_patterns("__pycache__", "vendor"))
    return root


def _upgraded(package: Path) -> None:
    """What an upgrade does to the files of ``package`` (the installed recur/): every module replaced (here by one
    that cannot be imported, so that a module read from the new files fails whatever it holds), one removed
    (recur.ingest.coverage: the review's), and the bytecode Python would read instead gone."""
    for cache in list(package.rglob("__pycache__")):
        shutil.rmtree(cache)
    for path in package.rglob("*.py"):
        path.write_text(NEWER)
    (package / "ingest" / "coverage.py").unlink()


def _serve(kb_dir, tmp_path, pythonpath: Path) -> subprocess.Popen:
    """`recur serve` from ``pythonpath`` (only), on a free port, with the fake model, a site, votes and Slack."""
    secret = tmp_path / "slack-secret"
    secret.write_text(SLACK_SECRET + "\n")
    secret.chmod(0o600)
    args = [*fake_model_flags(kb_dir, tmp_path / "index"), "--site", str(stub_site(tmp_path)), "--port", "0"]
    args += ["--feedback", str(tmp_path / "fb.jsonl"), "--slack-signing-secret-file", str(secret)]
    env = {**os.environ, "PYTHONPATH": str(pythonpath), "OMP_NUM_THREADS": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "recur", "serve", *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=tmp_path,
    )  # fmt: skip


def _slack(base: str, path: str, form: dict) -> httpx.Response:
    from slack_sdk.signature import SignatureVerifier

    body = urlencode(form)
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": SignatureVerifier(SLACK_SECRET).generate_signature(timestamp=stamp, body=body),
    }
    return httpx.post(base + path, content=body, headers=headers, timeout=60)


def _mcp_tools(base: str) -> dict:
    """Each read tool of /mcp called once through the MCP SDK's client: {tool: (is_error, its text)}."""
    from mcp import Client

    calls = {
        "suggest_patterns": {"text": "No space left on device"},
        "get_pattern": {"id": "disk-full"},
        "list_patterns": {},
        "past_incidents": {"pattern_id": "db-pool-exhausted"},
        "get_incident": {"id": "INC-2026-0001"},
        "problem_report": {},
    }

    async def work():
        async with Client(base + "/mcp", read_timeout_seconds=60) as client:
            listed = {t.name for t in (await client.list_tools()).tools}
            assert set(calls) <= listed, listed
            out = {}
            for name, args in calls.items():
                r = await client.call_tool(name, args)
                out[name] = (r.is_error, r.content[0].text)
            return out

    return run_async(work())


def _answers(base: str) -> None:
    """Every route answered as a server answers it, not 500."""
    alert = {"labels": {"alertname": "NodeFilesystemFull"}, "annotations": {"description": "No space left on device"}}
    r = httpx.post(base + "/api/alertmanager", json=alert_payload(alert), timeout=60)
    assert r.status_code == 200, r.text
    assert r.json()["alerts"][0]["results"][0]["id"] == "disk-full"
    r = httpx.post(base + "/api/suggest", json={"text": "FATAL: sorry, too many clients already"}, timeout=60)
    assert r.status_code == 200 and r.json()["results"][0]["id"] == "db-pool-exhausted", r.text
    vote = {"query": "No space left on device", "pattern": "disk-full", "useful": True}
    assert (r := httpx.post(base + "/api/feedback", json=vote, timeout=60)).status_code == 201, r.text
    for path in ("/api/report", "/api/patterns", "/api/patterns/disk-full", "/metrics", "/healthz", "/", "/docs"):
        assert (r := httpx.get(base + path, timeout=60)).status_code == 200, (path, r.text)
    r = httpx.get(base + "/api/report?since=2026-03-01", timeout=60)
    assert r.status_code == 200 and r.json()["reviews"][0]["incident"] == "INC-2026-0001", r.text
    assert httpx.get(base + "/api/patterns/no-such", timeout=60).status_code == 404
    command = {"command": "/recur", "text": "disk full", "user_id": "U1", "channel_id": "C1", "trigger_id": "t1"}
    r = _slack(base, "/api/slack/commands", {**command, "response_url": "http://127.0.0.1:9/x"})
    assert r.status_code == 200 and "disk-full" in r.text, r.text
    for name, (error, text) in _mcp_tools(base).items():
        assert not error, (name, text)


def test_a_running_server_keeps_the_code_it_started_with_when_an_upgrade_replaces_its_files(kb_dir, tmp_path):
    """The review's reproduction: `recur serve` from a copy of the package, ready; then every file of the copy
    replaced (coverage.py removed) and its bytecode gone. Every route answers as before: 200, the same patterns.
    On the code before the preload the webhook (recur.ingest.coverage), /api/suggest and /api/patterns/ID
    (recur.serve.mcp_text, for their `stale`) were 500s, Slack's answer failed and /mcp could not start. And the
    stop, which reads no new file either, ends it as SIGTERM asks."""
    package = _installed(tmp_path / "venv") / "recur"
    proc = _serve(kb_dir, tmp_path, package.parent)
    said: list = []
    try:
        base = f"http://127.0.0.1:{started_on(proc.stdout, said, proc)}"
        wait_healthy(base, alive=lambda: proc.poll() is None)
        _upgraded(package)
        broken = subprocess.run(  # the copy is now what the server would read: a new process cannot start from it
            [sys.executable, "-c", "import recur.ingest.coverage"],
            env={**os.environ, "PYTHONPATH": str(package.parent)}, capture_output=True, text=True, timeout=HANG,
        )  # fmt: skip
        assert broken.returncode != 0 and "ImportError" in broken.stderr, broken.stderr
        _answers(base)
    finally:
        proc.terminate()
        said.append(proc.communicate(timeout=HANG)[0])
    out = "".join(said)
    assert proc.returncode == -15, out
    assert not [line for line in untimed(out) if line.startswith("ERROR") or "Traceback" in line], out


def test_a_module_that_cannot_be_imported_at_the_start_fails_the_start_naming_it(kb_dir, tmp_path):
    """A module a request imports (recur.problems.report: the board's) that cannot be imported as the server starts
    (damaged files, an upgrade in progress) fails the start: its ERROR line names the module and what to do, exit 1
    (a service manager's Restart=on-failure starts it again), as a model that cannot load does. It was said only by
    the first request that needed it, a 500, /healthz ok meanwhile."""
    package = _installed(tmp_path / "venv") / "recur"
    report = package / "problems" / "report.py"
    report.write_text(report.read_text() + "from recur.util.text import no_such_name\n")
    proc = _serve(kb_dir, tmp_path, package.parent)
    try:
        out = proc.communicate(timeout=HANG)[0]
    finally:
        if proc.poll() is None:  # a guard against a hang: the server that went on serving
            proc.kill()
            proc.communicate(timeout=HANG)
    errors = [line for line in untimed(out) if line.startswith("ERROR")]
    assert proc.returncode == 1, out
    assert len(errors) == 1, out
    assert errors[0].startswith(
        "ERROR recur.serve: cannot import recur.problems.report (ImportError: cannot import name 'no_such_name'"
    ), out
    assert "install Recur again, then start recur serve again" in errors[0]
    assert "Ready:" not in out


def test_the_preload_imports_no_model_library():
    """The preload walks the server's packages (103 modules and more), none of which imports torch,
    sentence-transformers or ONNX Runtime at its top: those load with the model, when the engine loads one."""
    code = (
        "import sys; from recur.serve.preload import preload; n = preload(); "
        "print(json.dumps([n, [m for m in ('torch', 'sentence_transformers', 'transformers', 'onnxruntime') "
        "if m in sys.modules]]))"
    )
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    done = subprocess.run(
        [sys.executable, "-c", "import json; " + code], capture_output=True, text=True, env=env, timeout=HANG
    )
    assert done.returncode == 0, done.stderr
    walked, heavy = json.loads(done.stdout)
    assert walked > 100 and heavy == []


def test_recur_mcp_keeps_the_code_it_started_with_when_an_upgrade_replaces_its_files(kb_dir, tmp_path):
    """`recur mcp` (stdio) runs as long as the assistant that started it, days in an editor: it imports every module
    a tool can need as it starts, as `recur serve` does. It did not: after an upgrade under it, problem_report
    (recur.problems.report, loaded on first use) and record_incident answered an ImportError."""
    from mcp import Client, StdioServerParameters

    package = _installed(tmp_path / "venv") / "recur"
    env = {**os.environ, "PYTHONPATH": str(package.parent), "OMP_NUM_THREADS": "1"}
    args = ["-m", "recur", "mcp", *fake_model_flags(kb_dir, tmp_path / "index"), "--allow-writes"]
    server = StdioServerParameters(command=sys.executable, args=args, env=env, cwd=str(tmp_path))

    async def work():
        async with Client(server, read_timeout_seconds=120) as client:
            first = await client.call_tool("suggest_patterns", {"text": "No space left on device"})
            assert not first.is_error, first.content[0].text
            _upgraded(package)
            out = {}
            for name, call in {
                "problem_report": {},
                "get_incident": {"id": "INC-2026-0001"},
                "record_incident": {
                    "title": "Disk full on db-1",
                    "severity": "sev3",
                    "description": "No space left on device",
                },
            }.items():
                r = await client.call_tool(name, call)
                out[name] = (r.is_error, r.content[0].text)
            return out

    for name, (error, text) in run_async(work()).items():
        assert not error, (name, text)
