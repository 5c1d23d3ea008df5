"""Slack's 3 seconds: how long `recur serve` takes to answer a slash command and a vote, on this machine.

    python bench/slack_ack.py [--model MODEL] [--kb kb] [--requests 50]

Slack shows "operation_timeout" when a slash command's or a button's request is not answered within 3 s.
A command is answered with its results when they come within 2.5 s, else with "searching…" at once and the
results posted to its response_url later; a vote is answered before its acknowledgement is posted. The tests
check that order (tests/test_slack.py); how long it takes is this machine's figure, measured here, not
asserted under a loaded test run.

1. Indexes a copy of the KB and starts the real `recur serve` with a Slack signing secret (bench/soak.py's
   start-up).
2. Sends --requests signed slash commands (no response_url: answered in the reply) and as many votes (their
   response_url a closed port), one at a time, after a warm-up.
Prints p50 / p95 / max seconds of each, and how many took 3 s or more. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier
from soak import ENV, RECUR, ROOT, index_and_port, pct, wait_healthy

SECRET = "bench-signing-secret"
QUERIES = ["No space left on device", "OOMKilled exit code 137", "too many open files", "certificate expired"]


def signed(body: str) -> dict:
    ts = str(int(time.time()))
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body),
    }


def timed(client: httpx.Client, path: str, body: str) -> tuple[float, dict]:
    began = time.perf_counter()
    r = client.post(path, content=body, headers=signed(body))
    r.raise_for_status()
    return time.perf_counter() - began, r.json()


def command(client: httpx.Client, text: str, n: int) -> tuple[float, dict]:
    body = urlencode({"command": "/recur", "text": text, "user_id": f"U{n}", "team_id": "T1", "trigger_id": str(n)})
    return timed(client, "/api/slack/commands", body)


def vote(client: httpx.Client, reply: dict, n: int) -> float:
    actions = next(b for b in reply["blocks"] if b["type"] == "actions")
    payload = {
        "type": "block_actions",
        "user": {"id": f"U{n}"},
        "team": {"id": "T1"},
        "container": {"type": "message", "message_ts": "1.0", "is_ephemeral": True},
        "message": {"ts": "1.0", "text": reply["text"], "blocks": reply["blocks"]},
        "response_url": "http://127.0.0.1:9/ack",  # nothing listens: the acknowledgement is lost, after the answer
        "actions": [{**actions["elements"][0], "block_id": actions["block_id"], "type": "button"}],
    }
    return timed(client, "/api/slack/interactions", urlencode({"payload": json.dumps(payload)}))[0]


def figures(name: str, seconds: list[float]) -> str:
    late = sum(s >= 3 for s in seconds)
    return (
        f"{name:<9} p50 {pct(seconds, 50):.3f} s  p95 {pct(seconds, 95):.3f} s  max {max(seconds):.3f} s  >=3 s: {late}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="fake:64")
    ap.add_argument("--kb", default=str(ROOT / "kb"))
    ap.add_argument("--requests", type=int, default=50)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="recur-slack-ack-"))
    kb = work / "kb"
    shutil.copytree(args.kb, kb)
    (work / "secret").write_text(SECRET)
    port = index_and_port(kb, work, args.model)
    base = f"http://127.0.0.1:{port}"
    flags = ["--kb", str(kb), "--index", str(work / "index"), "--model", args.model, "--site", str(work / "nosite")]
    flags += ["--port", str(port), "--feedback", str(work / "fb.jsonl"), "--feedback-rate", "100000"]
    flags += ["--slack-signing-secret-file", str(work / "secret")]
    with (work / "serve.log").open("w") as log:
        proc = subprocess.Popen(RECUR + ["serve", *flags], stdout=log, stderr=subprocess.STDOUT, env=ENV)
    try:
        wait_healthy(proc, base, work)
        with httpx.Client(base_url=base, timeout=60) as client:
            for n in range(5):  # warm-up
                command(client, QUERIES[n % len(QUERIES)], n)
            commands, votes = [], []
            for n in range(args.requests):
                took, reply = command(client, QUERIES[n % len(QUERIES)], 100 + n)
                commands.append(took)
                votes.append(vote(client, reply, 100 + n))
        print(figures("command", commands))
        print(figures("vote", votes))
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
