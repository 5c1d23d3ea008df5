"""The Alertmanager webhook answer's size against its request's, for 100-alert groups.

    python bench/webhook_size.py [--kb kb] [--model default] [--tops 3,5,10,50]

Serves `recur serve`'s app (uvicorn, loopback) over --kb and posts three 100-alert groups, each
body as Alertmanager sends it (compact JSON), at each ?top, for the whole answer (the default) and
the brief one (?brief=true), in the same run:

  realistic       ten alertnames, each alert its own service and host: 100 distinct queries
  same-alertname  one alertname (Alertmanager's group_by: [alertname]), 100 pods: one query
  minimal         alerts with only an alertname: the smallest request, so the largest ratio

Prints a table and writes bench/out/webhook_size.json. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import httpx  # noqa: E402
from serve_util import alert_payload, running  # noqa: E402

NAMES = (
    "KubePodCrashLooping",
    "NodeFilesystemSpaceFillingUp",
    "CoreDNSErrorsHigh",
    "PostgresTooManyConnections",
    "HighErrorRate",
    "CertificateExpiringSoon",
    "KafkaConsumerLag",
    "TargetDown",
    "HostOutOfMemory",
    "ClockSkewDetected",
)


def realistic(n: int) -> dict:
    return alert_payload(
        *[
            {
                "labels": {
                    "alertname": NAMES[i % 10],
                    "severity": "critical",
                    "instance": f"10.0.0.{i}:9100",
                    "service": f"svc-{i}",
                },
                "annotations": {
                    "summary": f"{NAMES[i % 10]} on host-{i}",
                    "description": f"{NAMES[i % 10]} firing for service svc-{i}",
                },
                "fingerprint": f"{i:016x}",
            }
            for i in range(n)
        ]
    )


def same_alertname(n: int) -> dict:
    return alert_payload(
        *[
            {
                "labels": {
                    "alertname": "KubePodCrashLooping",
                    "severity": "critical",
                    "instance": f"10.0.0.{i}:9100",
                    "pod": f"checkout-{i}",
                },
                "annotations": {"summary": "Pod is crash looping", "description": f"Pod checkout-{i} is restarting"},
                "fingerprint": f"{i:016x}",
            }
            for i in range(n)
        ]
    )


def minimal(n: int) -> dict:
    return {"version": "4", "alerts": [{"labels": {"alertname": f"{NAMES[i % 10]}{i}"}} for i in range(n)]}


def measure(base: str, tops: list[int]) -> list[dict]:
    rows = []
    for name, make in (("realistic", realistic), ("same-alertname", same_alertname), ("minimal", minimal)):
        request = json.dumps(make(100), separators=(",", ":")).encode()
        for top, brief in [(t, b) for t in tops for b in ("false", "true")]:
            r = httpx.post(
                f"{base}/api/alertmanager?top={top}&brief={brief}",
                content=request,
                headers={"content-type": "application/json"},
                timeout=600,
            )
            r.raise_for_status()
            results = sum(len(a["results"]) for a in r.json()["alerts"])
            rows.append(
                {
                    "group": name,
                    "top": top,
                    "brief": brief == "true",
                    "request_bytes": len(request),
                    "answer_bytes": len(r.content),
                    "ratio": round(len(r.content) / len(request), 1),
                    "results": results,
                }
            )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kb", type=Path, default=ROOT / "kb")
    ap.add_argument("--model", default="default")
    ap.add_argument("--tops", default="3,5,10,50")
    args = ap.parse_args()
    from recur.retrieval.engine import Engine
    from recur.serve import create_app

    tmp = Path(tempfile.mkdtemp(prefix="recur-webhook-size-"))
    app = create_app(
        lambda: Engine.open(args.kb, tmp / "index", model=args.model, quiet=True),
        site_dir=None,
        feedback_path=tmp / "feedback.jsonl",
    )
    with running(app) as base:
        rows = measure(base, [int(t) for t in args.tops.split(",")])
    print(f"{'group':15} {'top':>4} {'brief':>6} {'request':>9} {'answer':>10} {'ratio':>8} {'results':>8}")
    for r in rows:
        print(
            f"{r['group']:15} {r['top']:>4} {str(r['brief']):>6} {r['request_bytes']:>9,} {r['answer_bytes']:>10,}"
            f" {r['ratio']:>7}x {r['results']:>8}"
        )
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "webhook_size.json").write_text(json.dumps({"kb": str(args.kb), "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
